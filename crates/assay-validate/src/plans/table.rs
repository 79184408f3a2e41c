//! The resource's files as one table: where the counts run (the caller's context) and where
//! failing rows are located (this process), and the object stores both read through.

use std::collections::HashMap;

use assay_model::paths::ResolvedFile;
use datafusion::dataframe::DataFrame;
use datafusion::functions::core::expr_fn::{file_row_index, input_file_name};
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use super::col_of;

/// The resource's files as one table, with what maps a row back to its file and row group.
pub(super) struct Table {
    /// The files as one table on the caller's context (a cluster's, or in-process): every
    /// count is answered there.
    pub(super) df: DataFrame,
    /// A context of this process for the scans that locate failing rows, over only the files
    /// that hold them (`file_row_index()` does not survive a plan's serialisation to a
    /// cluster's executors in DataFusion 55.2). It runs without common subexpression
    /// elimination: the projection it adds for an expression used twice (the value of a
    /// `range`) would sit between the scan and `input_file_name()` / `file_row_index()`, which
    /// only the scan can answer.
    pub(super) here: SessionContext,
    /// The path or URL of each file, as read.
    pub(super) paths: Vec<String>,
    /// `input_file_name()` of each file → its index among the resolved files.
    pub(super) by_name: HashMap<String, usize>,
    pub(super) files: Vec<ResolvedFile>,
    pub(super) dir: std::path::PathBuf,
    /// Per file, the first row of each row group, read when a sample needs it.
    pub(super) row_groups: std::sync::Mutex<HashMap<usize, Vec<u64>>>,
}

pub(super) async fn table(
    ctx: &SessionContext,
    dir: &std::path::Path,
    files: &[ResolvedFile],
) -> Result<Table, String> {
    if files.is_empty() {
        return Err("not evaluated: the resource's path matches no file".into());
    }
    let mut paths = Vec::new();
    let mut by_name = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let (text, name) = match &f.remote {
            // `input_file_name()` is the object's path in its store: no scheme, no bucket.
            Some(info) => {
                let (_, key) = assay_storage::split_url(&info.url).map_err(|e| e.to_string())?;
                (info.url.clone(), key)
            }
            // A local file's is its absolute path without the leading slash.
            None => {
                let abs = std::fs::canonicalize(&f.path).map_err(|e| format!("{}: {e}", f.rel))?;
                let text = abs.to_string_lossy().to_string();
                let name = text.trim_start_matches('/').to_string();
                (text, name)
            }
        };
        if by_name.insert(name.clone(), i).is_some() {
            return Err(format!(
                "two files have the same path `{name}` in different stores; DataFusion names a row's file by that path alone"
            ));
        }
        paths.push(text);
    }
    let df = ctx
        .read_parquet(paths.clone(), ParquetReadOptions::default())
        .await
        .map_err(|e| format!("the files cannot be read as one table: {e}"))?;
    // One partition: a file is read in order, so a limit stops its scan early.
    let here = SessionContext::new_with_config_rt(
        datafusion::prelude::SessionConfig::new().with_target_partitions(1),
        runtime_with_stores(dir)?,
    );
    here.remove_optimizer_rule("common_sub_expression_eliminate");
    Ok(Table {
        df,
        here,
        paths,
        by_name,
        files: files.to_vec(),
        dir: dir.to_path_buf(),
        row_groups: Default::default(),
    })
}

/// Runs `f`, which may block (the storage crate's reads), off the async workers.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("a blocking read failed: {e}"))
}

impl Table {
    /// The row group holding `row` of file `file`, from its footer.
    pub(super) async fn row_group(&self, file: usize, row: u64) -> Result<u64, String> {
        let known = self
            .row_groups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&file)
            .cloned();
        let starts = match known {
            Some(s) => s,
            None => {
                let (dir, f) = (self.dir.clone(), self.files[file].clone());
                let starts = blocking(move || -> Result<Vec<u64>, String> {
                    let source = crate::source::Source::open(&dir, &f)?;
                    let meta = crate::footer::load(&source, source.len())
                        .map_err(|e| format!("{}: {e}", f.rel))?;
                    let mut first = 0u64;
                    let mut starts = Vec::new();
                    for rg in meta.metadata().row_groups() {
                        starts.push(first);
                        first += rg.num_rows().max(0) as u64;
                    }
                    Ok(starts)
                })
                .await??;
                self.row_groups
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(file, starts.clone());
                starts
            }
        };
        Ok(starts.partition_point(|s| *s <= row).saturating_sub(1) as u64)
    }

    /// The table with each row's file (`__file`), over every file: what the counts group by.
    pub(super) fn by_file(&self) -> datafusion::error::Result<DataFrame> {
        let mut select = vec![input_file_name().alias("__file")];
        select.extend(self.df.schema().fields().iter().map(|f| col_of(f.name())));
        self.df.clone().select(select)
    }

    /// The files `chosen` (indexes, in order) read in this process with the whole table's
    /// schema, each row with its file (`__file`) and row in it (`__row`). The two functions
    /// are source dependent: they are answered by the scan, so they are projected right above
    /// it, beside plain columns only.
    pub(super) async fn located(&self, chosen: &[usize]) -> datafusion::error::Result<DataFrame> {
        let schema = self.df.schema().as_arrow().clone();
        let paths: Vec<String> = chosen.iter().map(|&i| self.paths[i].clone()).collect();
        let df = self
            .here
            .read_parquet(paths, ParquetReadOptions::default().schema(&schema))
            .await?;
        let mut select = vec![
            input_file_name().alias("__file"),
            file_row_index().alias("__row"),
        ];
        select.extend(schema.fields().iter().map(|f| col_of(f.name())));
        df.select(select)
    }

    /// The index of a file by its `input_file_name()`.
    pub(super) fn index_of(&self, name: &str) -> Result<usize, String> {
        self.by_name
            .get(name.trim_start_matches('/'))
            .copied()
            .ok_or_else(|| format!("a row of an unknown file {name}"))
    }
}

/// A runtime whose object stores are assay's (`assay_storage::Stores` for the folder `dir`):
/// what reads a dataset's objects in this process, and in the cluster's scheduler and
/// executors (`assay-ballista`).
pub fn runtime_with_stores(
    dir: &std::path::Path,
) -> Result<std::sync::Arc<datafusion::execution::runtime_env::RuntimeEnv>, String> {
    datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
        .with_object_store_registry(std::sync::Arc::new(StoresRegistry::for_dir(dir)))
        .build_arc()
        .map_err(|e| e.to_string())
}

/// Local paths from the file system; every other URL from [`assay_storage::Stores`] for the
/// working folder (each cloud's standard variables and its `storage.yaml`), built on first
/// use. Stores come from the environment of the process, never from a query.
#[derive(Debug)]
pub struct StoresRegistry {
    local: std::sync::Arc<object_store::local::LocalFileSystem>,
    dir: std::path::PathBuf,
}

impl StoresRegistry {
    /// The stores of the dataset folder `dir` (its `storage.yaml`, if any, found from there).
    pub fn for_dir(dir: &std::path::Path) -> StoresRegistry {
        StoresRegistry {
            local: std::sync::Arc::new(object_store::local::LocalFileSystem::new()),
            dir: dir.to_path_buf(),
        }
    }
}

impl datafusion::execution::object_store::ObjectStoreRegistry for StoresRegistry {
    fn register_store(
        &self,
        _url: &url::Url,
        _store: std::sync::Arc<dyn object_store::ObjectStore>,
    ) -> Option<std::sync::Arc<dyn object_store::ObjectStore>> {
        None
    }

    fn get_store(
        &self,
        url: &url::Url,
    ) -> datafusion::error::Result<std::sync::Arc<dyn object_store::ObjectStore>> {
        use datafusion::error::DataFusionError;
        if url.scheme() == "file" || url.scheme().is_empty() {
            return Ok(self.local.clone());
        }
        let stores = assay_storage::Stores::for_dir(&self.dir)
            .map_err(|e| DataFusionError::External(e.to_string().into()))?;
        let (store, _) = stores
            .store(url.as_str())
            .map_err(|e| DataFusionError::External(e.to_string().into()))?;
        Ok(store)
    }
}
