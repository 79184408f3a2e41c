//! Why a check could not be evaluated on some data. The driver adds where (the file, and the
//! row group for data that could not be decoded) and the message becomes the check's `error`
//! result; a failed check is not an error.

/// A check that could not be evaluated, grouped by what went wrong.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CheckError {
    /// A column the check reads is not in the file.
    #[error("column `{0}` is missing")]
    MissingColumn(String),
    /// Arrow could not convert or compare the values (a cast the data does not allow).
    #[error(transparent)]
    Arrow(#[from] arrow::error::ArrowError),
    /// The Parquet footer's statistics could not be read.
    #[error(transparent)]
    Parquet(#[from] parquet::errors::ParquetError),
    /// DataFusion could not plan or evaluate an expression.
    #[error(transparent)]
    DataFusion(#[from] datafusion::error::DataFusionError),
    /// Anything else, in words (a value that does not fit the column, a pattern that does not
    /// compile, a spill file that cannot be written).
    #[error("{0}")]
    Other(String),
}

impl From<String> for CheckError {
    fn from(s: String) -> Self {
        CheckError::Other(s)
    }
}

impl From<&str> for CheckError {
    fn from(s: &str) -> Self {
        CheckError::Other(s.to_string())
    }
}
