//! Quality scores on the six GB/T 36344-2018 indicators, an overall score and a grade.
//!
//! The formula is in `docs/quality-model.md`, with a worked example that a test reproduces:
//!
//! - A check result has a row share, its pass fraction `1 - failing / evaluated` (so a
//!   `mostly` check that lets 0.4% fail has 0.996). A result that evaluated nothing has 1 when
//!   it passed and 0 when it failed. A result that could not be evaluated (`error`) has 0.
//! - A dimension scores 100 × the mean of two shares: the share of its checks that passed,
//!   weighted by severity (an `error` check weighs 1, a `warn` check 0.5), and the mean row
//!   share of its results. A dimension with a result not passed scores at most 99.9; one with no
//!   result has no score and does not count.
//! - Accessibility also counts up to four facts about the dataset, each 0 to 1 and passed only
//!   at 1: the share of files that were readable; the share whose sha256 matches `dataset.lock`
//!   (counted only when the dataset has a lock: validating before locking costs nothing); a
//!   license declared; the share of the descriptive metadata filled (title, description, owner,
//!   steward, keywords).
//! - The overall score is the weighted mean of the scored dimensions (weights 1 unless
//!   configured), rounded to one decimal, and at most 99.9 when any result did not pass.
//! - The grade comes from the thresholds (A ≥ 90, B ≥ 75, C ≥ 60, else D). An error-level
//!   failure caps it at C; data that could not be read caps it at D.
//!
//! A catalog may change the thresholds, weights and caps in `quality.json` at its root (see
//! [`QualityConfig`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Severity};
use crate::report::{CheckResult, CheckStatus};

/// A grade.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum Grade {
    /// Best.
    A,
    /// Good.
    B,
    /// Fair.
    C,
    /// Poor.
    D,
}

/// Thresholds, weights and caps; the defaults are the documented model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct QualityConfig {
    /// Lowest overall score for A.
    pub grade_a: f64,
    /// Lowest overall score for B.
    pub grade_b: f64,
    /// Lowest overall score for C.
    pub grade_c: f64,
    /// Weight of each dimension in the overall score (missing ones weigh 1).
    pub weights: BTreeMap<Dimension, f64>,
    /// Best grade possible with an error-level failure.
    pub error_failure_cap: Grade,
    /// Best grade possible when data could not be read.
    pub unreadable_cap: Grade,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            grade_a: 90.0,
            grade_b: 75.0,
            grade_c: 60.0,
            weights: BTreeMap::new(),
            error_failure_cap: Grade::C,
            unreadable_cap: Grade::D,
        }
    }
}

/// The accessibility facts that are not check results.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessFacts {
    /// Files resolved.
    pub files: u64,
    /// Files read without error.
    pub readable: u64,
    /// Files whose sha256 and size match `dataset.lock`; `None` without a valid lock.
    pub locked_match: Option<u64>,
    /// A license is declared.
    pub license: bool,
    /// Descriptive metadata filled, of 5 (title, description, owner, steward, keywords).
    pub metadata_filled: u8,
}

/// One dimension's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DimensionScore {
    /// The dimension.
    pub dimension: Dimension,
    /// 0–100, one decimal; `None` when nothing counted toward it.
    pub score: Option<f64>,
    /// Check results counted.
    pub checks: u64,
    /// Of those, not passed.
    pub not_passed: u64,
}

/// A dataset's quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quality {
    /// Weighted mean of the scored dimensions, 0–100, one decimal.
    pub score: f64,
    /// The grade after caps.
    pub grade: Grade,
    /// Why the grade is lower than the score alone gives, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capped_by: Option<String>,
    /// The six dimensions, in the standard's order.
    pub dimensions: Vec<DimensionScore>,
    /// The accessibility facts used.
    pub access: AccessFacts,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The weight of a check of this severity in its dimension's share of checks passed.
pub fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Error => 1.0,
        Severity::Warn => 0.5,
    }
}

/// The highest score a dimension, or the whole, can have while a result did not pass: 100.0
/// is never printed beside a failure.
const BELOW_PERFECT: f64 = 99.9;

/// Per dimension: the sum of row shares, results, results not passed, severity weight of all
/// results, and of those passed.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    rows: f64,
    n: u64,
    not_passed: u64,
    weight: f64,
    weight_passed: f64,
}

impl Tally {
    fn add(&mut self, row_share: f64, passed: bool, weight: f64) {
        self.rows += row_share;
        self.n += 1;
        self.weight += weight;
        if passed {
            self.weight_passed += weight;
        } else {
            self.not_passed += 1;
        }
    }

    fn score(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let checks = if self.weight > 0.0 {
            self.weight_passed / self.weight
        } else {
            1.0
        };
        let rows = self.rows / self.n as f64;
        let s = round1(100.0 * (checks + rows) / 2.0);
        Some(if self.not_passed > 0 {
            s.min(BELOW_PERFECT)
        } else {
            s
        })
    }
}

/// The row share of one check result, 0 to 1.
pub fn result_score(status: CheckStatus, evaluated: u64, failing: u64) -> f64 {
    match status {
        CheckStatus::Error => 0.0,
        _ if evaluated > 0 => 1.0 - (failing.min(evaluated) as f64 / evaluated as f64),
        CheckStatus::Pass => 1.0,
        CheckStatus::Warn | CheckStatus::Fail => 0.0,
    }
}

/// Scores check results (a report's, or any subset) with the dataset's accessibility facts.
pub fn score<'a>(
    checks: impl IntoIterator<Item = &'a CheckResult>,
    access: &AccessFacts,
    config: &QualityConfig,
) -> Quality {
    let mut sums: BTreeMap<Dimension, Tally> = BTreeMap::new();
    let mut error_failures = 0u64;
    for c in checks {
        sums.entry(c.dimension).or_default().add(
            result_score(c.status, c.evaluated, c.failing),
            c.status == CheckStatus::Pass,
            severity_weight(c.severity),
        );
        error_failures += u64::from(c.status == CheckStatus::Fail && c.severity == Severity::Error);
    }
    // Only files that could not be read cap the grade at D; a check that could not be evaluated
    // (a missing column, say) scores 0 in its dimension.
    let unreadable = access.readable < access.files;
    // Accessibility's own facts count like results of weight 1; the lock only once there is
    // one (validating before `assay lock` is the normal order and costs nothing).
    let mut facts = vec![
        if access.files == 0 {
            0.0
        } else {
            access.readable as f64 / access.files as f64
        },
        if access.license { 1.0 } else { 0.0 },
        f64::from(access.metadata_filled.min(5)) / 5.0,
    ];
    if let Some(m) = access.locked_match {
        facts.push(if access.files > 0 {
            m as f64 / access.files as f64
        } else {
            0.0
        });
    }
    let a = sums.entry(Dimension::Accessibility).or_default();
    for f in facts {
        a.add(f, f >= 1.0, 1.0);
    }
    let dimensions: Vec<DimensionScore> = Dimension::ALL
        .iter()
        .map(|d| {
            let t = sums.get(d).copied().unwrap_or_default();
            DimensionScore {
                dimension: *d,
                score: t.score(),
                checks: t.n,
                not_passed: t.not_passed,
            }
        })
        .collect();
    let any_not_passed = dimensions.iter().any(|d| d.not_passed > 0);
    let (mut total, mut weight) = (0.0, 0.0);
    for d in &dimensions {
        if let Some(s) = d.score {
            let w = config.weights.get(&d.dimension).copied().unwrap_or(1.0);
            total += w * s;
            weight += w;
        }
    }
    let overall = if weight > 0.0 {
        round1(total / weight)
    } else {
        0.0
    };
    let overall = if any_not_passed {
        overall.min(BELOW_PERFECT)
    } else {
        overall
    };
    let by_score = if overall >= config.grade_a {
        Grade::A
    } else if overall >= config.grade_b {
        Grade::B
    } else if overall >= config.grade_c {
        Grade::C
    } else {
        Grade::D
    };
    let mut grade = by_score;
    let mut capped_by = None;
    if error_failures > 0 && grade < config.error_failure_cap {
        grade = config.error_failure_cap;
        capped_by = Some(if error_failures == 1 {
            "1 error-level check failed".to_string()
        } else {
            format!("{error_failures} error-level checks failed")
        });
    }
    if unreadable && grade < config.unreadable_cap {
        grade = config.unreadable_cap;
        capped_by = Some("some data could not be read".to_string());
    }
    Quality {
        score: overall,
        grade,
        capped_by,
        dimensions,
        access: *access,
    }
}

/// Loads `quality.json`: the defaults for every key it leaves out.
pub fn load_config(text: &str) -> Result<QualityConfig, String> {
    let c: QualityConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if !(c.grade_a >= c.grade_b && c.grade_b >= c.grade_c) {
        return Err("thresholds must satisfy gradeA >= gradeB >= gradeC".into());
    }
    if [c.grade_a, c.grade_b, c.grade_c]
        .iter()
        .any(|t| !(0.0..=100.0).contains(t))
    {
        return Err("thresholds must be between 0 and 100".into());
    }
    if c.weights.values().any(|w| !(0.0..=1000.0).contains(w)) {
        return Err("weights must be between 0 and 1000".into());
    }
    if !c.weights.is_empty()
        && c.weights.len() == Dimension::ALL.len()
        && c.weights.values().all(|w| *w == 0.0)
    {
        return Err("at least one dimension must weigh more than 0".into());
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_scores() {
        assert_eq!(result_score(CheckStatus::Pass, 1000, 4), 0.996);
        assert_eq!(result_score(CheckStatus::Fail, 0, 0), 0.0);
        assert_eq!(result_score(CheckStatus::Pass, 0, 0), 1.0);
        assert_eq!(result_score(CheckStatus::Error, 10, 0), 0.0);
    }

    fn result(severity: Severity, status: CheckStatus, failing: u64) -> CheckResult {
        CheckResult {
            name: "c".into(),
            kind: "range".into(),
            origin: crate::report::CheckOrigin::Check,
            columns: vec![],
            severity,
            dimension: Dimension::Accuracy,
            status,
            evaluated: 1_000_000,
            failing,
            failing_fraction: failing as f64 / 1e6,
            threshold: 0.0,
            observed: None,
            decided_by: crate::report::DecidedBy::Data,
            pages: None,
            message: None,
            coverage: None,
            samples: vec![],
        }
    }

    /// One warning failed by one row in a million: it costs visible points, and neither its
    /// dimension nor the whole prints 100.0.
    #[test]
    fn a_failure_is_never_scored_100() {
        let access = AccessFacts {
            files: 1,
            readable: 1,
            locked_match: None,
            license: true,
            metadata_filled: 5,
        };
        let mut checks: Vec<CheckResult> = (0..20)
            .map(|_| result(Severity::Error, CheckStatus::Pass, 0))
            .collect();
        let clean = score(&checks, &access, &QualityConfig::default());
        assert_eq!(clean.score, 100.0);
        checks.push(result(Severity::Warn, CheckStatus::Warn, 1));
        let q = score(&checks, &access, &QualityConfig::default());
        let accuracy = q.dimensions[2].score.unwrap();
        assert!(
            accuracy < 99.0,
            "one failed check of 21 costs visible points: {accuracy}"
        );
        assert!(q.score <= 99.9, "{}", q.score);
        // An error-level failure costs twice a warning's share of checks.
        let last = checks.len() - 1;
        checks[last] = result(Severity::Error, CheckStatus::Fail, 1);
        let e = score(&checks, &access, &QualityConfig::default());
        assert!(e.dimensions[2].score.unwrap() < accuracy);
        assert_eq!(e.capped_by.as_deref(), Some("1 error-level check failed"));
        assert_eq!(e.grade, Grade::C);
    }

    #[test]
    fn config_is_checked() {
        assert!(load_config(r#"{"gradeA": 50, "gradeB": 60}"#).is_err());
        assert!(load_config(r#"{"weights": {"accuracy": -1}}"#).is_err());
        assert!(load_config(r#"{"gradeZ": 1}"#).is_err());
        let c = load_config(r#"{"gradeA": 95, "weights": {"accuracy": 2}}"#).unwrap();
        assert_eq!(c.grade_a, 95.0);
        assert_eq!(c.grade_b, 75.0);
    }
}
