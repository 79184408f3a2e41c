//! `assay split`: a deterministic, leak-free train/validation/test split of one resource,
//! written as three Parquet files, with the `ml:` block and the resources that declare it.
//!
//! - `--by COLUMNS`: group-aware. Every value of the columns (a machine, a batch) goes whole to
//!   one split; groups are taken in the order of a seeded hash of their value.
//! - `--time COLUMN`: time-aware. Rows are cut in time order, ties kept on the earlier side, so
//!   every validation row is after every train row and every test row after every validation row.
//! - both: groups go whole to one split, taken in the order of their first time (ties by the
//!   seeded hash).
//! - neither: rows are taken in the order of a seeded hash of their file and row number.
//!
//! A validation or test row whose feature values (every column but the label, the group and the
//! time columns) equal a row of an earlier split is left out, and counted: the splits then pass
//! `split_leakage` by construction, as they pass `group_leakage` and `temporal_leakage`.
//!
//! The same input, ratios and seed give the same bytes.

use std::path::{Path, PathBuf};

use arrow::array::{ArrayRef, BooleanArray, RecordBatch};
use arrow::compute::filter_record_batch;
use assay_model::LoadedManifest;
use assay_model::ml::SplitName;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

/// What to split and how.
#[derive(Debug, Clone)]
pub struct SplitOptions {
    /// The resource (default: the manifest's only one).
    pub resource: Option<String>,
    /// Group columns.
    pub by: Vec<String>,
    /// The time column.
    pub time: Option<String>,
    /// The label column (default: the scenario's, when it is in this resource).
    pub label: Option<String>,
    /// Shares of train, validation and test; they sum to 1.
    pub ratios: [f64; 3],
    pub seed: u64,
    /// The folder the three files go to, relative to the dataset folder.
    pub out: PathBuf,
    /// The most bytes of decoded data held (`--memory-limit`).
    pub memory_limit: u64,
}

/// What a split wrote.
#[derive(Debug)]
pub struct Written {
    /// Per split: its name, the file (relative to the dataset folder) and its rows.
    pub files: Vec<(SplitName, String, u64)>,
    /// The resources and the `ml:` block to add to the manifest, as YAML.
    pub yaml: String,
    /// Validation and test rows left out for repeating an earlier split's features.
    pub dropped: u64,
}

/// Splits a resource of `loaded` (see the module documentation). Errors say what to change;
/// nothing is written unless every file is.
pub fn split(loaded: &LoadedManifest, o: &SplitOptions) -> Result<Written, String> {
    let m = &loaded.manifest;
    let r = match &o.resource {
        Some(name) => m
            .resources
            .iter()
            .find(|r| &r.name == name)
            .ok_or_else(|| format!("resource `{name}` is not in the manifest"))?,
        None => match m.resources.as_slice() {
            [only] => only,
            _ => {
                return Err(format!(
                    "the manifest has {} resources; name one with --resource",
                    m.resources.len()
                ));
            }
        },
    };
    let total: f64 = o.ratios.iter().sum();
    if o.ratios.iter().any(|x| !(0.0..=1.0).contains(x)) || (total - 1.0).abs() > 1e-9 {
        return Err(format!(
            "--ratios {},{},{} are not three shares that sum to 1",
            o.ratios[0], o.ratios[1], o.ratios[2]
        ));
    }
    // Every row of the resource, file by file.
    let files = crate::ml::whole_files(loaded, r)?;
    let mut batches: Vec<RecordBatch> = Vec::new();
    let mut held = 0u64;
    for f in &files {
        let reader = crate::source::Source::reader(&loaded.dir, f)?
            .with_batch_size(65_536)
            .build()
            .map_err(|e| format!("{}: {e}", f.rel))?;
        for b in reader {
            let b = b.map_err(|e| format!("{}: {e}", f.rel))?;
            held += b.get_array_memory_size() as u64;
            if held > o.memory_limit {
                return Err(format!(
                    "over a limit: resource `{}` decodes to more than --memory-limit ({} bytes); raise it",
                    r.name, o.memory_limit
                ));
            }
            batches.push(b);
        }
    }
    let schema = batches
        .first()
        .map(|b| b.schema())
        .ok_or_else(|| format!("resource `{}` has no rows", r.name))?;
    let all = arrow::compute::concat_batches(&schema, &batches).map_err(|e| e.to_string())?;
    drop(batches);
    let n = all.num_rows();
    let column = |c: &str| -> Result<ArrayRef, String> {
        all.column_by_name(c)
            .cloned()
            .ok_or_else(|| format!("column `{c}` is not in resource `{}`", r.name))
    };
    let keys: Option<Vec<u128>> = if o.by.is_empty() {
        None
    } else {
        let cols =
            o.by.iter()
                .map(|c| column(c))
                .collect::<Result<Vec<_>, _>>()?;
        if let Some(c) = cols.iter().position(|c| c.null_count() > 0) {
            return Err(format!(
                "column `{}` has {} null(s): every row needs a group",
                o.by[c],
                cols[c].null_count()
            ));
        }
        Some(crate::ml::seeded_row_hashes(&cols, o.seed)?)
    };
    let times: Option<Vec<f64>> = match &o.time {
        None => None,
        Some(t) => {
            let v = crate::ml::times(&column(t)?)?;
            let missing = v.iter().filter(|x| x.is_none_or(|x| x.is_nan())).count();
            if missing > 0 {
                return Err(format!(
                    "column `{t}` has {missing} row(s) without a time: every row needs one"
                ));
            }
            Some(v.into_iter().map(|x| x.unwrap_or(0.0)).collect())
        }
    };
    let mut assigned = assign(n, keys.as_deref(), times.as_deref(), o)?;
    // The label: as given, or the scenario's when it names this resource.
    let label: Option<(String, assay_model::manifest::Task)> = match &o.label {
        Some(l) => {
            column(l)?;
            let task = m
                .scenario
                .as_ref()
                .filter(|s| &s.label.column == l)
                .map_or(assay_model::manifest::Task::Classification, |s| s.task);
            Some((l.clone(), task))
        }
        None => m
            .scenario
            .as_ref()
            .filter(|s| s.label.resource == r.name && all.column_by_name(&s.label.column).is_some())
            .map(|s| (s.label.column.clone(), s.task)),
    };
    // Later rows that repeat an earlier split's features are left out.
    let skip: Vec<&str> =
        o.by.iter()
            .map(String::as_str)
            .chain(o.time.as_deref())
            .chain(label.as_ref().map(|(l, _)| l.as_str()))
            .collect();
    let features: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .zip(all.columns())
        .filter(|(f, _)| !skip.contains(&f.name().as_str()))
        .map(|(_, c)| c.clone())
        .collect();
    let mut dropped = 0u64;
    if !features.is_empty() {
        let hashes = crate::ml::row_hashes(&features)?;
        let complete: Vec<bool> = (0..n)
            .map(|i| features.iter().all(|c| c.is_valid(i)))
            .collect();
        let mut earlier: std::collections::HashSet<u128> = Default::default();
        for k in 0..3u8 {
            let mut mine = Vec::new();
            for i in 0..n {
                if assigned[i] != k || !complete[i] {
                    continue;
                }
                if earlier.contains(&hashes[i]) {
                    assigned[i] = u8::MAX;
                    dropped += 1;
                } else {
                    mine.push(hashes[i]);
                }
            }
            earlier.extend(mine);
        }
    }
    // Write every file beside its final name first; rename only when all are written.
    let out_dir = loaded.dir.join(&o.out);
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let names = [SplitName::Train, SplitName::Validation, SplitName::Test];
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf)> = Vec::new();
    let mut written = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let mask: BooleanArray = assigned.iter().map(|s| Some(*s == k as u8)).collect();
        let rows = mask.true_count() as u64;
        if rows == 0 && o.ratios[k] > 0.0 {
            return Err(format!(
                "the {} split would be empty: there are too few {} for --ratios {},{},{}",
                name.as_str(),
                if o.by.is_empty() { "rows" } else { "groups" },
                o.ratios[0],
                o.ratios[1],
                o.ratios[2]
            ));
        }
        if o.ratios[k] == 0.0 {
            continue;
        }
        let part = filter_record_batch(&all, &mask).map_err(|e| e.to_string())?;
        let tmp = tempfile::NamedTempFile::new_in(&out_dir)
            .map_err(|e| format!("{}: {e}", out_dir.display()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(3).map_err(|e| e.to_string())?,
            ))
            .set_statistics_enabled(EnabledStatistics::Page)
            .set_created_by("assay split".to_string())
            .build();
        let mut w = ArrowWriter::try_new(
            tmp.reopen().map_err(|e| e.to_string())?,
            schema.clone(),
            Some(props),
        )
        .map_err(|e| e.to_string())?;
        w.write(&part).map_err(|e| e.to_string())?;
        w.close().map_err(|e| e.to_string())?;
        let file = out_dir.join(format!("{}.parquet", name.as_str()));
        let rel = rel_path(&o.out.join(format!("{}.parquet", name.as_str())));
        staged.push((tmp, file));
        written.push((*name, rel, rows));
    }
    for (tmp, file) in staged {
        tmp.persist(&file)
            .map_err(|e| format!("{}: {}", file.display(), e.error))?;
        // A temporary file is private; the split is data like the rest of the dataset.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644));
        }
    }
    Ok(Written {
        yaml: yaml(r, &written, o, label.as_ref()),
        files: written,
        dropped,
    })
}

/// A path as the manifest writes it: `/`-separated.
fn rel_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The split (0 train, 1 validation, 2 test) of each row.
fn assign(
    n: usize,
    keys: Option<&[u128]>,
    times: Option<&[f64]>,
    o: &SplitOptions,
) -> Result<Vec<u8>, String> {
    let cut = |done: u64| -> u8 {
        let share = done as f64 / n as f64;
        if share < o.ratios[0] {
            0
        } else if share < o.ratios[0] + o.ratios[1] {
            1
        } else {
            2
        }
    };
    let mut out = vec![0u8; n];
    match keys {
        // Groups, whole: in the order of their first time, or of their seeded hash.
        Some(keys) => {
            let mut groups: std::collections::HashMap<u128, (f64, u64)> = Default::default();
            for (i, k) in keys.iter().enumerate() {
                let t = times.map_or(0.0, |t| t[i]);
                let g = groups.entry(*k).or_insert((t, 0));
                g.0 = g.0.min(t);
                g.1 += 1;
            }
            let mut order: Vec<(f64, u128, u64)> =
                groups.into_iter().map(|(k, (t, c))| (t, k, c)).collect();
            order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut split_of: std::collections::HashMap<u128, u8> = Default::default();
            let mut done = 0u64;
            for (_, k, c) in order {
                split_of.insert(k, cut(done));
                done += c;
            }
            for (i, k) in keys.iter().enumerate() {
                out[i] = split_of[k];
            }
        }
        None => {
            let mut order: Vec<usize> = (0..n).collect();
            match times {
                // Time order; rows of one time stay together, on the earlier side.
                Some(t) => {
                    order.sort_by(|a, b| t[*a].total_cmp(&t[*b]).then(a.cmp(b)));
                    let mut current = 0u8;
                    for (done, &i) in order.iter().enumerate() {
                        let want = cut(done as u64);
                        let tie = done > 0 && t[order[done - 1]] == t[i];
                        if want > current && !tie {
                            current = want;
                        }
                        out[i] = current;
                    }
                }
                None => {
                    let h: Vec<u128> = (0..n)
                        .map(|i| {
                            twox_hash::XxHash3_128::oneshot_with_seed(
                                o.seed,
                                &(i as u64).to_le_bytes(),
                            )
                        })
                        .collect();
                    order.sort_by_key(|&i| h[i]);
                    for (done, &i) in order.iter().enumerate() {
                        out[i] = cut(done as u64);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The resources (the original's schema, without its checks) and the `ml:` block, as YAML to
/// add to the manifest. Resources are JSON mappings, which YAML reads as they are.
fn yaml(
    r: &assay_model::Resource,
    written: &[(SplitName, String, u64)],
    o: &SplitOptions,
    label: Option<&(String, assay_model::manifest::Task)>,
) -> String {
    let mut s = String::from("resources:\n");
    for (name, path, _) in written {
        let res = serde_json::json!({
            "name": format!("{}-{}", r.name, name.as_str()),
            "path": path,
            "schema": r.schema,
        });
        s.push_str(&format!("  - {res}\n"));
    }
    s.push_str("ml:\n  splits:\n");
    for (name, _, _) in written {
        s.push_str(&format!(
            "    {}: {}-{}\n",
            name.as_str(),
            r.name,
            name.as_str()
        ));
    }
    if let Some((column, task)) = label {
        let kind = match task {
            assay_model::manifest::Task::Classification => "classification",
            assay_model::manifest::Task::Regression => "regression",
        };
        s.push_str(&format!("  label: {{column: {column}, kind: {kind}}}\n"));
    }
    if !o.by.is_empty() {
        s.push_str(&format!("  groupBy: [{}]\n", o.by.join(", ")));
    }
    if let Some(t) = &o.time {
        s.push_str(&format!("  time: {t}\n"));
        if !o.by.is_empty() {
            // Groups whole and in the order of their first time: rows of a later group may
            // be older than the latest row of an earlier one, so time is compared per group.
            s.push_str("  checks:\n    - {check: split_sizes}\n    - {check: split_leakage}\n    - {check: group_leakage}\n    - {check: temporal_leakage, per_group: true}\n");
        }
    }
    s
}
