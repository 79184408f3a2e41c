//! The distinct values of one column across files, as text: what `assay publish` looks for in
//! a site before it writes it (a value of a personal column must not be in it).

use std::collections::BTreeSet;
use std::path::Path;

use assay_model::paths::ResolvedFile;

use arrow::array::{Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use parquet::arrow::ProjectionMask;

/// The distinct non-null values of `column` in `files`, rendered as text, that are at least
/// `min_chars` characters long, at most `limit` of them (then `Err`: too many to audit).
/// A file without the column contributes nothing.
pub fn distinct_text(
    files: &[&Path],
    column: &str,
    min_chars: usize,
    limit: usize,
) -> Result<BTreeSet<String>, String> {
    let resolved: Vec<ResolvedFile> = files
        .iter()
        .map(|p| ResolvedFile {
            rel: p.display().to_string(),
            path: p.to_path_buf(),
            remote: None,
        })
        .collect();
    distinct_text_of(Path::new("."), &resolved, column, min_chars, limit)
}

/// [`distinct_text`] over a dataset's resolved files (in `dir`), local or in a store.
pub fn distinct_text_of(
    dir: &Path,
    files: &[ResolvedFile],
    column: &str,
    min_chars: usize,
    limit: usize,
) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    for f in files {
        let builder = crate::source::Source::reader(dir, f)?;
        let Some(index) = builder
            .schema()
            .fields()
            .iter()
            .position(|f| f.name() == column)
        else {
            continue;
        };
        let mask = ProjectionMask::roots(builder.parquet_schema(), [index]);
        let reader = builder
            .with_projection(mask)
            .build()
            .map_err(|e| format!("{}: {e}", f.rel))?;
        for batch in reader {
            let batch = batch.map_err(|e| format!("{}: {e}", f.rel))?;
            let text = cast(batch.column(0), &DataType::Utf8)
                .map_err(|e| format!("{}: `{column}`: {e}", f.rel))?;
            let Some(strings) = text.as_any().downcast_ref::<StringArray>() else {
                continue;
            };
            for v in strings.iter().flatten() {
                if v.chars().count() >= min_chars && !out.contains(v) {
                    if out.len() >= limit {
                        return Err(format!(
                            "`{column}` has more than {limit} distinct values; too many to audit"
                        ));
                    }
                    out.insert(v.to_string());
                }
            }
        }
    }
    Ok(out)
}
