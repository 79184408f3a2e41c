//! The counters, samples and verdict every check kind shares, and how they become a
//! [`CheckResult`].

use assay_model::check::{Check, Severity};
use assay_model::report::{CheckOrigin, CheckResult, CheckStatus, DecidedBy, PageCounts, Sample};

use crate::checks::Part;

/// The running result of one check, updated on the reading thread in row-group order.
#[derive(Debug)]
pub(crate) struct Tally {
    /// Rows (or items) evaluated.
    pub evaluated: u64,
    /// Rows (or items) failing.
    pub failing: u64,
    /// Located failing rows, lowest first, at most `cap`.
    pub samples: Vec<Sample>,
    cap: usize,
    /// Row groups decided by statistics, and by data.
    pub by_stats: u64,
    pub by_data: u64,
    /// Data pages of the check's column settled by statistics, and decoded, in files with a
    /// page index; `None` when no file had one.
    pub pages: Option<PageCounts>,
    /// Why the check could not be evaluated (the first reason).
    pub error: Option<String>,
    /// A table-level verdict (row count, freshness, aggregate): `Some(true)` fails.
    pub table_fail: Option<bool>,
    /// The statistic observed, for table-level kinds.
    pub observed: Option<serde_json::Value>,
    /// A summary of the failure.
    pub message: Option<String>,
}

impl Tally {
    /// An empty tally that keeps at most `cap` samples.
    pub fn new(cap: usize) -> Tally {
        Tally {
            evaluated: 0,
            failing: 0,
            samples: Vec::new(),
            cap,
            by_stats: 0,
            by_data: 0,
            pages: None,
            error: None,
            table_fail: None,
            observed: None,
            message: None,
        }
    }

    /// Samples kept at most.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Records why the check could not be evaluated; the first reason wins.
    pub fn fail_error(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// Adds a row group's counters.
    pub fn absorb_counts(&mut self, part: &Part) {
        self.evaluated += part.evaluated;
        self.failing += part.failing;
    }

    /// Adds samples up to the cap.
    pub fn absorb_samples(&mut self, samples: Vec<Sample>) {
        for sample in samples {
            if !self.push_sample(sample) {
                break;
            }
        }
    }

    /// Adds a row group's counters, then its samples.
    pub fn absorb(&mut self, part: Part) {
        self.absorb_counts(&part);
        self.absorb_samples(part.samples);
    }

    /// Counts data pages settled by statistics and decoded.
    pub fn count_pages(&mut self, by_statistics: u64, by_data: u64) {
        let p = self.pages.get_or_insert(PageCounts {
            by_statistics: 0,
            by_data: 0,
        });
        p.by_statistics += by_statistics;
        p.by_data += by_data;
    }

    /// Keeps a sample while there is room; false when full.
    pub fn push_sample(&mut self, sample: Sample) -> bool {
        if self.samples.len() >= self.cap {
            return false;
        }
        self.samples.push(sample);
        true
    }

    /// Sets a table-level verdict: one item evaluated, failing or not.
    pub fn verdict(&mut self, fail: bool, message: Option<String>) {
        self.evaluated = 1;
        self.table_fail = Some(fail);
        if fail {
            self.message = message;
        }
    }

    /// The check's result: status from the counts, the tolerance (`mostly`) and the severity.
    pub fn into_result(self, origin: CheckOrigin, check: &Check) -> CheckResult {
        let kind = &check.kind;
        let threshold = if kind.is_row_level() {
            1.0 - check.mostly.unwrap_or(1.0)
        } else {
            0.0
        };
        let (failing, evaluated) = match self.table_fail {
            Some(bad) => (bad as u64, self.evaluated.max(1)),
            None => (self.failing, self.evaluated),
        };
        let fraction = if evaluated == 0 {
            0.0
        } else {
            failing as f64 / evaluated as f64
        };
        let failed = match self.table_fail {
            Some(bad) => bad,
            None => fraction > threshold + 1e-12,
        };
        let status = if self.error.is_some() {
            CheckStatus::Error
        } else if failed {
            match check.severity {
                Severity::Error => CheckStatus::Fail,
                Severity::Warn => CheckStatus::Warn,
            }
        } else {
            CheckStatus::Pass
        };
        let decided_by = match (self.by_stats, self.by_data) {
            (_, 0) => DecidedBy::Statistics,
            (0, _) => DecidedBy::Data,
            _ => DecidedBy::Mixed,
        };
        let message = self.error.clone().or(self.message.clone()).or_else(|| {
            (failing > 0 && self.table_fail.is_none()).then(|| {
                format!(
                    "{failing} of {evaluated} rows fail ({:.4}%)",
                    fraction * 100.0
                )
            })
        });
        CheckResult {
            name: check.display_name(),
            kind: kind.name().to_string(),
            origin,
            columns: kind.columns().iter().map(|c| c.to_string()).collect(),
            severity: check.severity,
            dimension: check.dimension(),
            status,
            evaluated,
            failing,
            failing_fraction: fraction,
            threshold,
            observed: self.observed,
            decided_by,
            pages: self.pages,
            message,
            coverage: None,
            samples: self.samples,
        }
    }
}
