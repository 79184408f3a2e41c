//! `assay publish`: lint, verify and validate every dataset of a catalog and write a static,
//! reproducible site: `index.json`, per-dataset report, manifest, lock and Frictionless
//! descriptor, HTML pages, and the dashboard as home page.
//!
//! The site is built in a folder beside `--out` named after its content digest, then `--out`
//! (a symlink) is swapped to it by one rename, so a reader or a killed publish never sees a half
//! site. A lock file stops two publishes at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use assay_integrity::verify::{Difference, Mode, verify};
use assay_model::index::{
    CatalogIndex, INDEX_SCHEMA_VERSION, IndexChecks, IndexColumn, IndexEntry, IndexResource,
    LeftOut,
};
use assay_model::lint::{self, LintOptions};
use assay_model::lock::{LOCK_FILE_NAME, Lock};
use assay_model::report::Report;
use assay_model::{FieldRegistry, LoadedManifest};
use assay_validate::profile::{Profile, ProfileOptions, profile};
use sha2::{Digest, Sha256};

use super::manifests_under;
use crate::cli::PublishArgs;
use crate::exit::Status;

/// Writes the site's files into a temporary folder as they are made (the site is never held in
/// memory), remembering each file's sha256 for the content digest.
struct SiteWriter {
    tmp: tempfile::TempDir,
    hashes: BTreeMap<String, Vec<u8>>,
    error: Option<std::io::Error>,
}

impl SiteWriter {
    fn new(parent: &Path, name: &str) -> Result<SiteWriter> {
        Ok(SiteWriter {
            tmp: tempfile::Builder::new()
                .prefix(&format!(".{name}-building-"))
                .tempdir_in(parent)?,
            hashes: BTreeMap::new(),
            error: None,
        })
    }

    fn insert(&mut self, rel: String, bytes: Vec<u8>) {
        if self.error.is_some() {
            return;
        }
        let path = self.tmp.path().join(&rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&path, &bytes));
        match written {
            Ok(()) => {
                self.hashes.insert(rel, Sha256::digest(&bytes).to_vec());
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The digest over every path and content hash, and the folder holding the files.
    fn finish(self) -> Result<(String, tempfile::TempDir)> {
        if let Some(e) = self.error {
            return Err(e.into());
        }
        let mut h = Sha256::new();
        for (p, b) in &self.hashes {
            h.update(p.as_bytes());
            h.update([0]);
            h.update(b);
        }
        Ok((assay_model::hex(&h.finalize()), self.tmp))
    }
}

/// Removes the publish lock when the publish ends, however it ends.
struct PublishLock(PathBuf);

impl Drop for PublishLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The cached validation of one dataset: reused while its manifest, lock digest, reference
/// time and tool version are the same.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cached {
    key: String,
    report: Report,
}

fn cache_key(loaded: &LoadedManifest, digest: &str, now: &str) -> String {
    format!(
        "{}|{}|{}|{}",
        loaded.sha256,
        digest,
        now,
        env!("CARGO_PKG_VERSION")
    )
}

fn rel(catalog: &Path, p: &Path) -> String {
    p.strip_prefix(catalog)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

fn entry(
    registry: &FieldRegistry,
    loaded: &LoadedManifest,
    lock: &Lock,
    report: &Report,
) -> IndexEntry {
    let m = &loaded.manifest;
    let field = registry.get(&m.field);
    let s = &report.summary;
    IndexEntry {
        name: m.name.clone(),
        title: m.title.clone(),
        description: m.description.clone(),
        version: m.version.clone(),
        field: m.field.clone(),
        field_name_en: field.map(|f| f.name_en.clone()).unwrap_or_default(),
        field_name_zh: field.map(|f| f.name_zh.clone()).unwrap_or_default(),
        sector: field.map(|f| f.sector.clone()).unwrap_or_default(),
        owner: m
            .owner
            .as_ref()
            .and_then(|o| o.organization.clone().or(o.name.clone())),
        licenses: m.licenses.iter().map(|l| l.name.clone()).collect(),
        sensitivity: m.sensitivity.as_str().to_string(),
        keywords: m.keywords.clone(),
        columns: m
            .resources
            .iter()
            .flat_map(|r| {
                r.schema.fields.iter().map(move |f| IndexColumn {
                    resource: r.name.clone(),
                    name: f.name.clone(),
                    field_type: f.field_type.as_str().to_string(),
                    unit: f.unit_of_measure.clone(),
                    description: f.description.clone(),
                })
            })
            .collect(),
        resources: lock
            .resources
            .iter()
            .map(|r| IndexResource {
                name: r.name.clone(),
                files: r.files.len() as u64,
                bytes: r.files.iter().map(|f| f.bytes).sum(),
                rows: r.files.iter().map(|f| f.rows).sum(),
                digest: r.digest.clone(),
            })
            .collect(),
        digest: lock.digest.clone(),
        checks: IndexChecks {
            total: s.checks,
            passed: s.passed,
            failed: s.failed,
            warned: s.warned,
            errors: s.errors,
        },
        status: report.status,
        score: report.quality.as_ref().map_or(0.0, |q| q.score),
        grade: report
            .quality
            .as_ref()
            .map_or(assay_model::quality::Grade::D, |q| q.grade),
        last_validated: report.now.clone(),
        derived_from: m
            .lineage
            .as_ref()
            .map(|l| l.derived_from.iter().map(|u| u.dataset.clone()).collect())
            .unwrap_or_default(),
        path: format!("datasets/{}/", m.name),
    }
}

fn joined(differences: &[Difference]) -> String {
    differences
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Files whose bytes, as the validation read them, differ from the lock.
fn content_changes(lock: &Lock, report: &Report) -> Vec<Difference> {
    let locked: BTreeMap<&str, &str> = lock
        .resources
        .iter()
        .flat_map(|r| r.files.iter())
        .map(|f| (f.path.as_str(), f.sha256.as_str()))
        .collect();
    let mut out: Vec<Difference> = report
        .resources
        .iter()
        .flat_map(|r| r.files.iter())
        .filter_map(|f| {
            let actual = f.sha256.as_deref()?;
            let expected = *locked.get(f.path.as_str())?;
            (actual != expected).then(|| Difference::ContentChanged {
                path: f.path.clone(),
                expected: expected.to_string(),
                actual: actual.to_string(),
            })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What the last publish read, to recognise an unchanged catalog without linting or validating.
#[derive(serde::Serialize, serde::Deserialize)]
struct SiteState {
    key: String,
    build: String,
    manifests: Vec<String>,
    datasets: Vec<DatasetState>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct DatasetState {
    manifest: String,
    manifest_sha256: String,
    lock_sha256: String,
    dir: String,
    patterns: Vec<Vec<String>>,
    files: Vec<(String, u64, String)>,
}

fn state_key(now: &str) -> String {
    format!("{now}|{}", env!("CARGO_PKG_VERSION"))
}

fn sha_file(p: &Path) -> Option<String> {
    std::fs::read(p)
        .ok()
        .map(|b| assay_model::hex(&Sha256::digest(&b)))
}

fn dataset_state(
    manifest: &Path,
    published: &[(LoadedManifest, Lock, String, Report)],
) -> Option<DatasetState> {
    let (l, lock, lock_text, _) = published.iter().find(|(l, ..)| l.path == manifest)?;
    Some(DatasetState {
        manifest: manifest.display().to_string(),
        manifest_sha256: l.sha256.clone(),
        lock_sha256: assay_model::hex(&Sha256::digest(lock_text.as_bytes())),
        dir: l.dir.display().to_string(),
        patterns: l
            .manifest
            .resources
            .iter()
            .map(|r| r.path.patterns().iter().map(|s| s.to_string()).collect())
            .collect(),
        files: lock
            .resources
            .iter()
            .flat_map(|r| r.files.iter())
            .map(|f| (f.path.clone(), f.bytes, f.sha256.clone()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    })
}

/// The build `out` points at, when the last publish read exactly these inputs. Only a catalog
/// with every dataset published qualifies (left-out datasets are re-examined each time).
fn unchanged(state_path: &Path, manifests: &[PathBuf], out: &Path, now: &str) -> Option<String> {
    let state: SiteState = serde_json::from_str(&std::fs::read_to_string(state_path).ok()?).ok()?;
    let link = std::fs::read_link(out).ok()?;
    if state.key != state_key(now)
        || link.to_string_lossy() != state.build
        || state.manifests.len() != manifests.len()
        || state.datasets.len() != manifests.len()
        || state
            .manifests
            .iter()
            .zip(manifests)
            .any(|(a, b)| *a != b.display().to_string())
    {
        return None;
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.join(&state.build).join("index.json").is_file() {
        return None;
    }
    for d in &state.datasets {
        let manifest = Path::new(&d.manifest);
        if sha_file(manifest)? != d.manifest_sha256
            || sha_file(&Path::new(&d.dir).join(LOCK_FILE_NAME))? != d.lock_sha256
        {
            return None;
        }
        let dir = Path::new(&d.dir);
        let mut now_files = std::collections::BTreeSet::new();
        for patterns in &d.patterns {
            let p: Vec<&str> = patterns.iter().map(String::as_str).collect();
            let (files, problems) = assay_model::paths::resolve(dir, &p);
            if !problems.is_empty() {
                return None;
            }
            now_files.extend(files.into_iter().map(|f| f.rel));
        }
        if now_files.len() != d.files.len() {
            return None;
        }
        for (rel, bytes, sha) in &d.files {
            if !now_files.contains(rel) {
                return None;
            }
            let path = dir.join(rel);
            if std::fs::metadata(&path).ok()?.len() != *bytes || sha_file(&path)? != *sha {
                return None;
            }
        }
    }
    Some(state.build)
}

pub fn run(registry: &FieldRegistry, args: PublishArgs) -> Result<Status> {
    let catalog = args.catalog.clone();
    let manifests = match manifests_under(std::slice::from_ref(&catalog)) {
        Ok(m) => m,
        Err(s) => return Ok(s),
    };
    let out = args.out.clone();
    if out.exists() && !out.is_symlink() {
        eprintln!(
            "error: {} exists and is not a site published by assay (a symlink to its build); choose another --out or remove it",
            out.display()
        );
        return Ok(Status::Invalid);
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let lock_path = parent.join(format!(".{name}.publish-lock"));
    let _guard = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&lock_path)
    {
        Ok(_) => PublishLock(lock_path.clone()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "error: another publish to {} is running ({} exists); remove that file if no publish is running",
                out.display(),
                lock_path.display()
            );
            return Ok(Status::Invalid);
        }
        Err(e) => {
            eprintln!("error: {}: {e}", lock_path.display());
            return Ok(Status::Unreadable);
        }
    };
    let (now_us, now_text) = match super::validate::reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(s) => return Ok(s),
    };
    let jobs = super::lock::default_jobs();
    // Nothing changed since the last publish to this site: the same manifests, locks, resource
    // paths and file bytes (every file hashed), the same reference time and tool. Then the
    // current build stands as it is.
    let state_path = catalog.join(".assay/publish-cache/site-state.json");
    if let Some(build) = unchanged(&state_path, &manifests, &out, &now_text) {
        println!(
            "unchanged: {} is already the build of these inputs ({}); open {}",
            out.display(),
            build,
            out.join("index.html").display()
        );
        return Ok(Status::Success);
    }
    let results = lint::lint_many(&manifests, registry, LintOptions { strict: false });
    let mut left_out = Vec::new();
    let mut published: Vec<(LoadedManifest, Lock, String, Report)> = Vec::new();
    let mut reused = 0;
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let pb = indicatif::ProgressBar::new(results.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} publishing {pos}/{len} {bar:30} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    for result in results {
        let manifest_rel = rel(&catalog, &result.path);
        if let Some(b) = &bar {
            b.set_message(manifest_rel.clone());
            b.inc(1);
        }
        let errors: Vec<String> = result
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string().lines().next().unwrap_or("").to_string())
            .collect();
        let Some(loaded) = result.loaded.filter(|_| errors.is_empty()) else {
            left_out.push(LeftOut {
                manifest: manifest_rel,
                stage: "lint".into(),
                reason: errors.join("; "),
            });
            continue;
        };
        // Sizes, footers, the file set and the lock itself first; the bytes are hashed once,
        // below: by the validation when it runs, by a full verify when its report is reused.
        let quick = verify(&loaded, Mode::Quick, jobs);
        if !quick.differences.is_empty() {
            left_out.push(LeftOut {
                manifest: manifest_rel,
                stage: "verify".into(),
                reason: joined(&quick.differences),
            });
            continue;
        }
        let lock_text = std::fs::read_to_string(loaded.dir.join(LOCK_FILE_NAME))?;
        let lock = Lock::parse(&lock_text).map_err(anyhow::Error::msg)?;
        let key = cache_key(&loaded, &lock.digest, &now_text);
        let cache_path = catalog
            .join(".assay/publish-cache")
            .join(format!("{}.json", loaded.manifest.name));
        let cached = std::fs::read_to_string(&cache_path)
            .ok()
            .and_then(|t| serde_json::from_str::<Cached>(&t).ok())
            .filter(|c| c.key == key);
        let report = match cached {
            Some(c) => {
                let full = verify(&loaded, Mode::Full, jobs);
                if !full.differences.is_empty() {
                    left_out.push(LeftOut {
                        manifest: manifest_rel,
                        stage: "verify".into(),
                        reason: joined(&full.differences),
                    });
                    continue;
                }
                reused += 1;
                c.report
            }
            None => {
                let report = match super::validate::validate_at(&loaded, now_us, &now_text) {
                    Ok(r) => r,
                    Err(reason) => {
                        left_out.push(LeftOut {
                            manifest: manifest_rel,
                            stage: "validate".into(),
                            reason,
                        });
                        continue;
                    }
                };
                // The validation hashed every file in its one read: compare with the lock.
                let changed = content_changes(&lock, &report);
                if !changed.is_empty() {
                    left_out.push(LeftOut {
                        manifest: manifest_rel,
                        stage: "verify".into(),
                        reason: joined(&changed),
                    });
                    continue;
                }
                if let Some(d) = cache_path.parent() {
                    let _ = std::fs::create_dir_all(d);
                }
                let _ = assay_integrity::lock::write_atomic(
                    &cache_path,
                    super::pretty_json(&Cached {
                        key,
                        report: report.clone(),
                    })?
                    .as_bytes(),
                );
                report
            }
        };
        published.push((loaded, lock, lock_text, report));
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    published.sort_by(|a, b| a.0.manifest.name.cmp(&b.0.manifest.name));
    for l in &left_out {
        eprintln!("left out: {} ({}): {}", l.manifest, l.stage, l.reason);
    }
    if args.strict && !left_out.is_empty() {
        eprintln!(
            "error: {} dataset(s) left out; with --strict nothing is published and {} is unchanged",
            left_out.len(),
            out.display()
        );
        return Ok(Status::Failure);
    }
    // Build the site in memory: path → bytes.
    let mut files = SiteWriter::new(&parent, &name)?;
    let index = CatalogIndex {
        schema_version: INDEX_SCHEMA_VERSION,
        datasets: published
            .iter()
            .map(|(l, lock, _, r)| entry(registry, l, lock, r))
            .collect(),
        left_out: left_out.clone(),
    };
    files.insert(
        "index.json".into(),
        super::pretty_json(&index)?.into_bytes(),
    );
    files.insert(
        "index.parquet".into(),
        assay_validate::catalog_table::index_parquet(&index).map_err(anyhow::Error::msg)?,
    );
    let entries: Vec<(&assay_model::Manifest, &Lock, &IndexEntry)> = published
        .iter()
        .zip(&index.datasets)
        .map(|((l, lock, _, _), e)| (&l.manifest, lock, e))
        .collect();
    files.insert(
        "dcat.jsonld".into(),
        super::pretty_json(&assay_interop::dcat::dcat("Assay catalog", &entries))?.into_bytes(),
    );
    for (l, lock, lock_text, r) in &published {
        let dir = format!("datasets/{}", l.manifest.name);
        files.insert(
            format!("{dir}/croissant.json"),
            super::pretty_json(&assay_interop::croissant::croissant(&l.manifest, lock))?
                .into_bytes(),
        );
        files.insert(
            format!("{dir}/report.json"),
            super::pretty_json(r)?.into_bytes(),
        );
        files.insert(
            format!("{dir}/manifest.json"),
            super::pretty_json(&l.manifest)?.into_bytes(),
        );
        files.insert(
            format!("{dir}/dataset.lock"),
            lock_text.clone().into_bytes(),
        );
        let (package, _) = assay_interop::frictionless::export(&l.manifest);
        files.insert(
            format!("{dir}/datapackage.json"),
            super::pretty_json(&package)?.into_bytes(),
        );
        let profiles: Vec<(String, Result<Profile, String>)> = r
            .resources
            .iter()
            .map(|res| {
                let fs: Vec<(String, PathBuf)> = res
                    .files
                    .iter()
                    .filter(|f| f.error.is_none())
                    .map(|f| (f.path.clone(), l.dir.join(&f.path)))
                    .collect();
                (res.name.clone(), profile(&fs, &ProfileOptions::default()))
            })
            .collect();
        files.insert(
            format!("{dir}/index.html"),
            assay_report::html::report(&assay_report::html::ReportInput {
                loaded: l,
                registry,
                report: r,
                profiles: &profiles,
                history: &assay_validate::history::load(&l.dir).unwrap_or_default(),
                lang: assay_report::Lang::En,
            })
            .into_bytes(),
        );
    }
    let histories: Vec<Vec<assay_model::history::Entry>> = published
        .iter()
        .map(|(l, ..)| assay_validate::history::load(&l.dir).unwrap_or_default())
        .collect();
    let sets: Vec<assay_report::html::DashboardSet> = published
        .iter()
        .zip(&histories)
        .map(
            |((loaded, _, _, report), history)| assay_report::html::DashboardSet {
                loaded,
                report,
                history,
            },
        )
        .collect();
    files.insert(
        "index.html".into(),
        assay_report::html::dashboard(registry, &sets, assay_report::Lang::En, true).into_bytes(),
    );
    // One page per field: its datasets, or that it has none yet.
    for f in registry.fields() {
        let here: Vec<assay_report::html::FieldDataset> = index
            .datasets
            .iter()
            .filter(|d| d.field == f.code)
            .map(|d| assay_report::html::FieldDataset {
                name: &d.name,
                title: d.title.as_deref(),
                grade: d.grade,
                score: d.score,
            })
            .collect();
        files.insert(
            format!("fields/{}/index.html", f.code),
            assay_report::html::field_page(f, &here).into_bytes(),
        );
    }
    let search = assay_model::search::SearchIndex::build(&index, registry);
    let search_json = serde_json::to_string(&search)?;
    files.insert(
        "search-index.json".into(),
        format!("{search_json}\n").into_bytes(),
    );
    // The same index as a script, so the search page works from file:// (no fetch).
    files.insert(
        "search-index.js".into(),
        format!("window.ASSAY_SEARCH_INDEX = {search_json};\n").into_bytes(),
    );
    files.insert(
        "search.html".into(),
        include_str!("search_page.html").as_bytes().to_vec(),
    );
    // The content digest names the build folder: same inputs, same folder.
    let (digest, tmp) = files.finish()?;
    let build = parent.join(format!(".{name}-{}", &digest[..16]));
    if build.is_dir() {
        drop(tmp);
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))?;
        }
        let kept = tmp.keep();
        std::fs::rename(&kept, &build)?;
    }
    // Swap the symlink: a new link under a temporary name, renamed over the old one.
    let link_tmp = parent.join(format!(".{name}.link-{}", std::process::id()));
    let _ = std::fs::remove_file(&link_tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(build.file_name().unwrap_or_default(), &link_tmp)?;
    std::fs::rename(&link_tmp, &out)?;
    // Under the lock, remove every other build of this site: the previous one, and any left by
    // a publish killed before its swap.
    let keep = build.file_name().map(|n| n.to_string_lossy().into_owned());
    if let Ok(list) = std::fs::read_dir(&parent) {
        for e in list.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let ours =
                n.starts_with(&format!(".{name}-")) && e.path().is_dir() && !e.path().is_symlink();
            if ours && Some(&n) != keep.as_ref() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let state = SiteState {
        key: state_key(&now_text),
        build: build
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        datasets: manifests
            .iter()
            .filter_map(|m| dataset_state(m, &published))
            .collect(),
        manifests: manifests.iter().map(|m| m.display().to_string()).collect(),
    };
    let _ =
        assay_integrity::lock::write_atomic(&state_path, super::pretty_json(&state)?.as_bytes());
    println!(
        "published {} dataset(s) to {} ({} reused from the cache, {} left out); open {}",
        published.len(),
        out.display(),
        reused,
        left_out.len(),
        out.join("index.html").display()
    );
    Ok(Status::Success)
}
