//! A training set's declaration (`ml:` in the manifest): its splits, its label, the entities
//! that must not cross splits, its time column and its features, and the training-set checks
//! that run on them (`docs/ml.md`).
//!
//! ```yaml
//! ml:
//!   splits:
//!     train: train                                   # a resource
//!     validation: {resource: holdout, filter: "fold = 1"}   # rows of one
//!     test: {resource: holdout, filter: "fold = 2"}
//!   label: {column: fault, kind: classification, classes: [none, bearing, gear]}
//!   groupBy: [machine_id]
//!   time: ts
//!   checks:                                          # omitted: every check that applies
//!     - {check: split_drift, metric: psi, threshold: 0.25}
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Severity};
use crate::manifest::Task;
use crate::scalar::Scalar;

/// The training-set declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ml {
    /// The train, validation and test splits.
    pub splits: Splits,
    /// The column a model learns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    /// Entity columns (machine, batch, wafer, heat, line) whose values must not appear in more
    /// than one split.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// The column that orders rows in time: validation and test rows must come after every
    /// train row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The columns a model reads. Default: every column of the train split except the label,
    /// the group columns and the time column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// The training-set checks. Omitted: every check the declaration allows, with its
    /// defaults (`docs/ml.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<MlCheck>>,
}

/// The splits. `train` is required; `validation` and `test` are optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Splits {
    /// The rows a model is fitted on.
    pub train: SplitRef,
    /// The rows used to tune it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<SplitRef>,
    /// The rows it is finally judged on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<SplitRef>,
}

impl Splits {
    /// The declared splits in order: train, validation, test.
    pub fn declared(&self) -> Vec<(SplitName, &SplitRef)> {
        let mut out = vec![(SplitName::Train, &self.train)];
        if let Some(v) = &self.validation {
            out.push((SplitName::Validation, v));
        }
        if let Some(t) = &self.test {
            out.push((SplitName::Test, t));
        }
        out
    }
}

/// A split's name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SplitName {
    /// `train`.
    Train,
    /// `validation`.
    Validation,
    /// `test`.
    Test,
}

impl SplitName {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SplitName::Train => "train",
            SplitName::Validation => "validation",
            SplitName::Test => "test",
        }
    }
}

/// A split: a whole resource (its name), or the rows of a resource a SQL filter keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SplitRef {
    /// Every row of the resource.
    Resource(String),
    /// The rows of `resource` where `filter` is true.
    Filtered(FilteredSplit),
}

/// The rows of a resource a filter keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilteredSplit {
    /// The resource.
    pub resource: String,
    /// A SQL boolean expression over its columns (DataFusion dialect); rows where it is false
    /// or null are not in the split. Omitted: every row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
}

impl SplitRef {
    /// The resource the split reads.
    pub fn resource(&self) -> &str {
        match self {
            SplitRef::Resource(r) => r,
            SplitRef::Filtered(f) => &f.resource,
        }
    }

    /// The filter, when the split is some rows of its resource.
    pub fn filter(&self) -> Option<&str> {
        match self {
            SplitRef::Resource(_) => None,
            SplitRef::Filtered(f) => f.filter.as_deref(),
        }
    }
}

/// The label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// The column.
    pub column: String,
    /// Classification (a class per row) or regression (a number).
    pub kind: Task,
    /// The classes, where known (classification).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<Scalar>,
}

/// A training-set check, with its parameters. Every check also takes `severity` (`error`, the
/// default, or `warn`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum MlCheck {
    /// Each split's share of all rows within bounds; every declared split has rows.
    SplitSizes {
        /// `[min, max]` share of the train split.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        train: Option<[f64; 2]>,
        /// `[min, max]` share of the validation split.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        validation: Option<[f64; 2]>,
        /// `[min, max]` share of the test split.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test: Option<[f64; 2]>,
        #[serde(default)]
        severity: Severity,
    },
    /// Rows of validation or test whose feature values (and label) equal a train row's, or a
    /// test row equal to a validation row: exact duplicates shared between splits.
    SplitLeakage {
        /// The largest share of a split's rows that may be shared (default 0).
        #[serde(default)]
        max_share: f64,
        #[serde(default)]
        severity: Severity,
    },
    /// Values of the `groupBy` columns present in more than one split.
    GroupLeakage {
        #[serde(default)]
        severity: Severity,
    },
    /// Validation and test rows not strictly after every train row.
    TemporalLeakage {
        /// Compare within each `groupBy` entity instead of over the whole split.
        #[serde(default)]
        per_group: bool,
        #[serde(default)]
        severity: Severity,
    },
    /// Every class common enough, in every split, and no class outside train.
    LabelBalance {
        /// The smallest share of train rows a class may have. Default `0.1 / K` for K classes
        /// (cleanlab's class-imbalance default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_share: Option<f64>,
        /// The fewest rows of each class in each split (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_count: Option<u64>,
        #[serde(default)]
        severity: Severity,
    },
    /// Rows whose feature values are identical but whose labels differ.
    ConflictingLabels {
        #[serde(default)]
        severity: Severity,
    },
    /// Drift of each feature and the label between train and each other split.
    SplitDrift {
        /// The metric for numeric columns. Default `wasserstein` (over the train standard
        /// deviation), Evidently's default for more than 1,000 rows.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metric: Option<DriftMetric>,
        /// The metric for categorical columns. Default `jensenshannon` (a distance, natural
        /// logarithm), Evidently's default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        categorical_metric: Option<DriftMetric>,
        /// A column drifts when its metric reaches this. Default: the metric's anchor value
        /// (`docs/ml.md`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold: Option<f64>,
        /// The split drifts when this share of its columns drift (default 0.5, Evidently's
        /// `drift_share`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        drift_share: Option<f64>,
        /// Bins for numeric columns under `psi` and `jensenshannon`, cut at the train split's
        /// quantiles (default 10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bins: Option<u32>,
        /// The columns compared. Default: the features and the label.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        columns: Vec<String>,
        /// Numeric columns compared as categories (codes: a line, a shift, a product), by
        /// `categorical_metric`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        categorical: Vec<String>,
        #[serde(default)]
        severity: Severity,
    },
}

/// A drift metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DriftMetric {
    /// Population stability index over bins: Σ (p − q) ln(p / q), empty bins counted as
    /// 0.0001 of their split.
    Psi,
    /// The two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical
    /// distribution functions (`scipy.stats.ks_2samp`).
    Ks,
    /// Jensen–Shannon distance (the square root of the divergence), natural logarithm
    /// (`scipy.spatial.distance.jensenshannon`).
    Jensenshannon,
    /// L-infinity distance between the category frequencies (TFDV).
    Linf,
    /// Wasserstein (earth mover's) distance divided by the train split's standard deviation
    /// (`scipy.stats.wasserstein_distance`, normed as Evidently does).
    Wasserstein,
}

impl DriftMetric {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftMetric::Psi => "psi",
            DriftMetric::Ks => "ks",
            DriftMetric::Jensenshannon => "jensenshannon",
            DriftMetric::Linf => "linf",
            DriftMetric::Wasserstein => "wasserstein",
        }
    }

    /// The anchored default threshold: PSI 0.2 (the usual "significant shift" line), KS 0.1,
    /// Jensen–Shannon distance 0.1 and Wasserstein 0.1 (Evidently's defaults), L-infinity 0.1.
    pub fn default_threshold(self) -> f64 {
        match self {
            DriftMetric::Psi => 0.2,
            _ => 0.1,
        }
    }

    /// True for the metrics that compare category frequencies.
    pub fn categorical(self) -> bool {
        matches!(
            self,
            DriftMetric::Jensenshannon | DriftMetric::Linf | DriftMetric::Psi
        )
    }
}

impl MlCheck {
    /// Every kind's name, in the order the report lists them.
    pub const NAMES: [&'static str; 7] = [
        "split_sizes",
        "split_leakage",
        "group_leakage",
        "temporal_leakage",
        "label_balance",
        "conflicting_labels",
        "split_drift",
    ];

    /// The kind's name.
    pub fn name(&self) -> &'static str {
        match self {
            MlCheck::SplitSizes { .. } => "split_sizes",
            MlCheck::SplitLeakage { .. } => "split_leakage",
            MlCheck::GroupLeakage { .. } => "group_leakage",
            MlCheck::TemporalLeakage { .. } => "temporal_leakage",
            MlCheck::LabelBalance { .. } => "label_balance",
            MlCheck::ConflictingLabels { .. } => "conflicting_labels",
            MlCheck::SplitDrift { .. } => "split_drift",
        }
    }

    /// The declared severity.
    pub fn severity(&self) -> Severity {
        match self {
            MlCheck::SplitSizes { severity, .. }
            | MlCheck::SplitLeakage { severity, .. }
            | MlCheck::GroupLeakage { severity }
            | MlCheck::TemporalLeakage { severity, .. }
            | MlCheck::LabelBalance { severity, .. }
            | MlCheck::ConflictingLabels { severity }
            | MlCheck::SplitDrift { severity, .. } => *severity,
        }
    }

    /// The quality dimension it counts toward: leakage and conflicts are consistency, sizes
    /// and balance completeness, drift accuracy.
    pub fn dimension(&self) -> Dimension {
        match self {
            MlCheck::SplitSizes { .. } | MlCheck::LabelBalance { .. } => Dimension::Completeness,
            MlCheck::SplitLeakage { .. }
            | MlCheck::GroupLeakage { .. }
            | MlCheck::TemporalLeakage { .. }
            | MlCheck::ConflictingLabels { .. } => Dimension::Consistency,
            MlCheck::SplitDrift { .. } => Dimension::Accuracy,
        }
    }
}

impl Ml {
    /// The checks that run: those declared, or every one the declaration allows.
    pub fn checks(&self) -> Vec<MlCheck> {
        if let Some(c) = &self.checks {
            return c.clone();
        }
        let severity = Severity::Error;
        let mut out = vec![MlCheck::SplitSizes {
            train: None,
            validation: None,
            test: None,
            severity,
        }];
        let several = self.splits.validation.is_some() || self.splits.test.is_some();
        if several {
            out.push(MlCheck::SplitLeakage {
                max_share: 0.0,
                severity,
            });
            if !self.group_by.is_empty() {
                out.push(MlCheck::GroupLeakage { severity });
            }
            if self.time.is_some() {
                out.push(MlCheck::TemporalLeakage {
                    per_group: false,
                    severity,
                });
            }
        }
        if let Some(l) = &self.label {
            if l.kind == Task::Classification {
                out.push(MlCheck::LabelBalance {
                    min_share: None,
                    min_count: None,
                    severity,
                });
            }
            out.push(MlCheck::ConflictingLabels { severity });
        }
        if several {
            out.push(MlCheck::SplitDrift {
                metric: None,
                categorical_metric: None,
                threshold: None,
                drift_share: None,
                bins: None,
                columns: Vec::new(),
                categorical: Vec::new(),
                severity: Severity::Warn,
            });
        }
        out
    }
}
