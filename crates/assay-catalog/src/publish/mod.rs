//! `publish`: lint, verify and validate every dataset of a catalog and write a static,
//! reproducible site: `index.json`, per-dataset report, manifest, lock and Frictionless
//! descriptor, HTML pages, and the dashboard as home page.
//!
//! The site is built in a folder beside `out` named after its content digest, then `out` (a
//! symlink) is swapped to it by one rename, so a reader or a killed publish never sees a half
//! site. A lock file stops two publishes at once. The library prints nothing: it returns an
//! [`Outcome`] and reports progress through [`Progress`].

use std::path::{Path, PathBuf};

use assay_integrity::verify::{Mode, verify};
use assay_model::index::LeftOut;
use assay_model::lint::{self, LintOptions};
use assay_model::lock::{LOCK_FILE_NAME, Lock};
use assay_model::redact::{Policy, Redactor};
use assay_model::{FieldRegistry, LoadedManifest};

mod audit;
mod cache;
mod entry;
mod pages;
mod site;

use cache::{Cached, Published, SiteState, cache_key, dataset_state, state_key, unchanged};
use entry::{content_changes, joined, rel};
use site::{PublishLock, SiteWriter, swap_in};

/// What to publish, where, at which reference time.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The catalog folder.
    pub catalog: PathBuf,
    /// Its manifests (found by the caller).
    pub manifests: Vec<PathBuf>,
    /// The site: a symlink to the current build (created when missing).
    pub out: PathBuf,
    /// Reference time, microseconds since the epoch, and as RFC 3339 text.
    pub now_us: i64,
    pub now_text: String,
    /// Publish nothing when any dataset would be left out.
    pub strict: bool,
    /// Threads for hashing.
    pub jobs: usize,
    /// The site's languages, the first at `index.html` (a second at `index.zh.html` or
    /// `index.en.html`, with a switch on every page).
    pub langs: Vec<assay_report::Lang>,
    /// What decides the checks a cluster runs (`publish --cluster`); `None`: all here.
    pub cluster: Option<Decider>,
}

/// Decides a dataset's checks elsewhere (a cluster): the results for
/// [`assay_validate::Options::decided`], or why it could not, which ends the publish.
#[derive(Clone)]
pub struct Decider(
    #[allow(clippy::type_complexity)]
    pub  std::sync::Arc<
        dyn Fn(
                &assay_model::LoadedManifest,
                &assay_validate::Options,
            ) -> Result<assay_validate::Decided, String>
            + Send
            + Sync,
    >,
);

impl std::fmt::Debug for Decider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Decider")
    }
}

/// Progress of a publish, dataset by dataset.
pub trait Progress {
    /// `total` datasets are about to be examined.
    fn start(&self, total: u64);
    /// The next dataset, by its manifest path relative to the catalog.
    fn dataset(&self, manifest: &str);
    /// Every dataset has been examined.
    fn finish(&self);
}

/// How a publish ended.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing changed since the last publish to this site: the current build stands.
    Unchanged { build: String },
    /// A new build is in place.
    Published {
        datasets: usize,
        reused: usize,
        left_out: Vec<LeftOut>,
        /// Datasets of the previous build that are not in this one (left out, or gone), by
        /// name.
        dropped: Vec<String>,
    },
    /// `strict` and datasets would be left out: nothing was published.
    Refused { left_out: Vec<LeftOut> },
}

/// Why a publish could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `out` is a real folder or file, not a site published by assay (the user's mistake).
    #[error(
        "{0} exists and is not a site published by assay (a symlink to its build); choose another --out or remove it"
    )]
    NotASite(PathBuf),
    /// Another publish holds the lock.
    #[error(
        "another publish to {out} is running ({lock} exists); remove that file if no publish is running"
    )]
    Busy { out: PathBuf, lock: PathBuf },
    /// A file of the site or the catalog could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A document could not be made (a lock that does not parse, an index table).
    #[error("{0}")]
    Document(String),
    /// The redaction key could not be read or made.
    #[error("{0}")]
    Key(String),
    /// The cluster deciding the checks could not (`publish --cluster`): nothing was published.
    #[error("{0}; nothing was published")]
    Cluster(String),
    /// A file of the site would have contained a value of a personal column.
    #[error("{file} would contain a value of the personal column {column}; nothing was published")]
    Leak { file: String, column: String },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Publishes a catalog.
pub fn publish(
    registry: &FieldRegistry,
    options: &PublishOptions,
    progress: Option<&dyn Progress>,
) -> Result<Outcome, Error> {
    let out = &options.out;
    if out.exists() && !out.is_symlink() {
        return Err(Error::NotASite(out.clone()));
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
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
            return Err(Error::Busy {
                out: out.clone(),
                lock: lock_path,
            });
        }
        Err(e) => return Err(io(&lock_path)(e)),
    };
    // Nothing changed since the last publish to this site: the same manifests, locks, resource
    // paths and file bytes (every file hashed), the same reference time and tool. Then the
    // current build stands as it is.
    let state_path = options.catalog.join(".assay/publish-cache/site-state.json");
    // The languages are part of what makes a build.
    let state_now = format!("{}|{:?}", options.now_text, options.langs);
    if let Some(build) = unchanged(&state_path, &options.manifests, out, &state_now) {
        return Ok(Outcome::Unchanged { build });
    }
    // The datasets of the build being replaced, to say which ones this build drops.
    let previous: Vec<String> = std::fs::read_to_string(out.join("index.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<assay_model::index::CatalogIndex>(&t).ok())
        .map(|i| i.datasets.into_iter().map(|d| d.name).collect())
        .unwrap_or_default();
    let (published, left_out, reused) = examine(registry, options, progress)?;
    if options.strict && !left_out.is_empty() {
        return Ok(Outcome::Refused { left_out });
    }
    // Values of data that is not public leave as tokens (`assay_model::redact`), under the
    // catalog's key.
    let mut published = published;
    let redactor = if published
        .iter()
        .any(|(l, ..)| !Policy::of(&l.manifest).is_empty())
    {
        Some(Redactor::for_root(&options.catalog).map_err(Error::Key)?)
    } else {
        None
    };
    if let Some(key) = &redactor {
        for (l, _, _, r) in &mut published {
            assay_model::redact::report(r, &l.manifest, &Policy::of(&l.manifest), key);
        }
    }
    let mut files = SiteWriter::new(&parent, &name).map_err(io(&parent))?;
    files.audit = audit::Audit::of(&published)?;
    pages::write(
        &mut files,
        registry,
        &published,
        &left_out,
        redactor.as_ref(),
        &options.langs,
    )?;
    if let Some(leak) = files.leak.take() {
        return Err(Error::Leak {
            file: format!("{}/{}", out.display(), leak.file),
            column: leak.column,
        });
    }
    let (digest, tmp) = files.finish().map_err(io(&parent))?;
    let build = swap_in(&parent, &name, out, &digest, tmp).map_err(io(out))?;
    let state = SiteState {
        key: state_key(&state_now),
        build,
        datasets: options
            .manifests
            .iter()
            .filter_map(|m| dataset_state(m, &published))
            .collect(),
        manifests: options
            .manifests
            .iter()
            .map(|m| m.display().to_string())
            .collect(),
    };
    let _ = assay_integrity::lock::write_atomic(&state_path, pretty(&state).as_bytes());
    let dropped = previous
        .into_iter()
        .filter(|name| !published.iter().any(|(l, ..)| l.manifest.name == *name))
        .collect();
    Ok(Outcome::Published {
        datasets: published.len(),
        reused,
        left_out,
        dropped,
    })
}

/// Pretty JSON with a trailing newline.
pub(crate) fn pretty(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Lints, verifies and validates (or reuses the cached report of) each dataset: those that go
/// on the site, sorted by name; those left out, with the stage and the reason; and how many
/// reports were reused.
fn examine(
    registry: &FieldRegistry,
    options: &PublishOptions,
    progress: Option<&dyn Progress>,
) -> Result<(Vec<Published>, Vec<LeftOut>, usize), Error> {
    let results = lint::lint_many(&options.manifests, registry, LintOptions { strict: false });
    if let Some(p) = progress {
        p.start(results.len() as u64);
    }
    let mut left_out = Vec::new();
    let mut published: Vec<Published> = Vec::new();
    let mut reused = 0;
    for result in results {
        let manifest_rel = rel(&options.catalog, &result.path);
        if let Some(p) = progress {
            p.dataset(&manifest_rel);
        }
        let errors: Vec<String> = result
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string().lines().next().unwrap_or("").to_string())
            .collect();
        let shown = options.catalog.join(&manifest_rel);
        let shown_dir = shown.parent().unwrap_or(&shown).display().to_string();
        let (name, field) = match &result.loaded {
            Some(l) => (
                Some(l.manifest.name.clone()),
                Some(l.manifest.field.clone()),
            ),
            None => (None, None),
        };
        let Some(loaded) = result.loaded.filter(|_| errors.is_empty()) else {
            left_out.push(LeftOut {
                manifest: manifest_rel,
                stage: "lint".into(),
                reason: errors.join("; "),
                name,
                field,
                fix: format!("assay lint {}", shown.display()),
            });
            continue;
        };
        // Semantic versioning against the version on the site: a breaking change needs a new
        // major version, a compatible one a new minor (`assay diff`).
        if let Some(reason) = version_refusal(&loaded, &options.out) {
            left_out.push(LeftOut {
                manifest: manifest_rel,
                stage: "version".into(),
                reason,
                name,
                field,
                fix: format!(
                    "assay diff {} {}, then raise `version` as it says",
                    options
                        .out
                        .join("datasets")
                        .join(&loaded.manifest.name)
                        .join("manifest.json")
                        .display(),
                    shown.display()
                ),
            });
            continue;
        }
        match dataset(&loaded, options)? {
            Ok((lock, lock_text, report, was_cached)) => {
                reused += was_cached as usize;
                published.push((loaded, lock, lock_text, report));
            }
            Err((stage, reason)) => {
                let fix = match stage {
                    "verify" => format!(
                        "assay verify {shown_dir}, then assay lock {shown_dir} if the change is intended"
                    ),
                    _ => format!("assay validate {shown_dir}"),
                };
                left_out.push(LeftOut {
                    manifest: manifest_rel,
                    stage: stage.into(),
                    reason,
                    name,
                    field,
                    fix,
                })
            }
        }
    }
    if let Some(p) = progress {
        p.finish();
    }
    published.sort_by(|a, b| a.0.manifest.name.cmp(&b.0.manifest.name));
    Ok((published, left_out, reused))
}

/// Why the dataset may not replace the version on the site at `out`: its changes need a
/// bigger version bump than it has. `None` when there is no published version, or the bump is
/// enough.
fn version_refusal(loaded: &LoadedManifest, out: &Path) -> Option<String> {
    let published = out
        .join("datasets")
        .join(&loaded.manifest.name)
        .join("manifest.json");
    let text = std::fs::read_to_string(published).ok()?;
    let old: assay_model::Manifest = serde_json::from_str(&text).ok()?;
    let d = assay_model::diff::diff(&old, &loaded.manifest);
    if d.version_ok {
        return None;
    }
    let needed = match d.required_bump {
        assay_model::diff::Bump::Major => "major",
        _ => "minor",
    };
    let changes: Vec<String> = d
        .changes
        .iter()
        .filter(|c| c.class != assay_model::diff::Class::Informational)
        .map(|c| format!("{} {} ({})", c.class, c.rule, c.at))
        .collect();
    Some(format!(
        "version {} → {} is not enough: the changes since the published version need a new {needed} version: {}",
        d.old_version,
        d.new_version,
        changes.join(", ")
    ))
}

/// One dataset that passed lint: its lock, the lock's text, its report and whether the report
/// came from the cache; or the stage and reason it is left out.
type Examined = Result<(Lock, String, assay_model::report::Report, bool), (&'static str, String)>;

fn dataset(loaded: &LoadedManifest, options: &PublishOptions) -> Result<Examined, Error> {
    // Sizes, footers, the file set and the lock itself first; the bytes are hashed once, below:
    // by the validation when it runs, by a full verify when its report is reused.
    let quick = verify(loaded, Mode::Quick, options.jobs);
    if !quick.differences.is_empty() {
        return Ok(Err(("verify", joined(&quick.differences))));
    }
    let lock_file = loaded.dir.join(LOCK_FILE_NAME);
    let lock_text = std::fs::read_to_string(&lock_file).map_err(io(&lock_file))?;
    let lock = Lock::parse(&lock_text).map_err(Error::Document)?;
    let key = cache_key(loaded, &lock.digest, &options.now_text);
    let cache_path = options
        .catalog
        .join(".assay/publish-cache")
        .join(format!("{}.json", loaded.manifest.name));
    let cached = std::fs::read_to_string(&cache_path)
        .ok()
        .and_then(|t| serde_json::from_str::<Cached>(&t).ok())
        .filter(|c| c.key == key);
    if let Some(c) = cached {
        let full = verify(loaded, Mode::Full, options.jobs);
        if !full.differences.is_empty() {
            return Ok(Err(("verify", joined(&full.differences))));
        }
        return Ok(Ok((lock, lock_text, c.report, true)));
    }
    // The site describes the data, not where this run read it from.
    let validated = match &options.cluster {
        None => assay_validate::validate_at(loaded, options.now_us, &options.now_text),
        Some(decider) => {
            match assay_validate::options_at(loaded, options.now_us, &options.now_text) {
                Ok(mut o) => {
                    // A cluster that fails ends the publish: a dataset it could not check is
                    // not "left out", the cluster is.
                    let decided = (decider.0)(loaded, &o).map_err(Error::Cluster)?;
                    o.decided = Some(std::sync::Arc::new(decided));
                    assay_validate::validate(loaded, &o).map_err(|e| e.to_string())
                }
                Err(e) => Err(e),
            }
        }
    };
    let report = match validated {
        Ok(r) => r.without_transport(),
        Err(reason) => return Ok(Err(("validate", reason))),
    };
    // The validation hashed every file in its one read: compare with the lock.
    let changed = content_changes(&lock, &report);
    if !changed.is_empty() {
        return Ok(Err(("verify", joined(&changed))));
    }
    if let Some(d) = cache_path.parent() {
        let _ = std::fs::create_dir_all(d);
    }
    let _ = assay_integrity::lock::write_atomic(
        &cache_path,
        pretty(&Cached {
            key,
            report: report.clone(),
        })
        .as_bytes(),
    );
    Ok(Ok((lock, lock_text, report, false)))
}
