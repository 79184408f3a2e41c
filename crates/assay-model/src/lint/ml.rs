//! Lint rules for `ml:` (a training set's splits, label, groups, time and checks).

use std::collections::BTreeSet;

use super::did_you_mean;
use super::semantics::Semantics;
use crate::manifest::{Resource, Task, TypeFamily};
use crate::ml::{Ml, MlCheck, SplitRef};

impl Semantics<'_> {
    pub(super) fn ml(&mut self, ml: &Ml) {
        let m = &self.loaded.manifest;
        // Split resources.
        let mut split_resources: Vec<(String, &SplitRef, Option<&Resource>)> = Vec::new();
        for (name, s) in ml.splits.declared() {
            let p = match s {
                SplitRef::Resource(_) => format!("/ml/splits/{}", name.as_str()),
                SplitRef::Filtered(_) => format!("/ml/splits/{}/resource", name.as_str()),
            };
            let r = m.resources.iter().find(|r| r.name == s.resource());
            if r.is_none() {
                let names: Vec<&str> = m.resources.iter().map(|r| r.name.as_str()).collect();
                let hint = did_you_mean(s.resource(), names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("resources of this dataset: {}", names.join(", ")));
                self.error(
                    &p,
                    "unknown-resource",
                    format!("resource `{}` is not in this dataset", s.resource()),
                    Some(hint),
                );
            }
            split_resources.push((name.as_str().to_string(), s, r));
        }
        // Two splits that read the same rows.
        for (i, (a, sa, _)) in split_resources.iter().enumerate() {
            for (b, sb, _) in split_resources.iter().skip(i + 1) {
                if sa.resource() == sb.resource()
                    && (sa.filter().is_none()
                        || sb.filter().is_none()
                        || sa.filter() == sb.filter())
                {
                    self.error(
                        &format!("/ml/splits/{b}"),
                        "ml-split-overlap",
                        format!(
                            "the {a} and {b} splits read the same rows of `{}`",
                            sa.resource()
                        ),
                        Some(
                            "give each split its own resource, or a `filter` that keeps different rows"
                                .into(),
                        ),
                    );
                }
            }
        }
        // Columns every split must have.
        let mut needed: Vec<(String, String)> = Vec::new();
        if let Some(l) = &ml.label {
            needed.push(("/ml/label/column".into(), l.column.clone()));
        }
        for (i, g) in ml.group_by.iter().enumerate() {
            needed.push((format!("/ml/groupBy/{i}"), g.clone()));
        }
        if let Some(t) = &ml.time {
            needed.push(("/ml/time".into(), t.clone()));
        }
        for (i, f) in ml.features.iter().enumerate() {
            needed.push((format!("/ml/features/{i}"), f.clone()));
        }
        let checks = ml.checks.clone().unwrap_or_default();
        for (ci, c) in checks.iter().enumerate() {
            if let MlCheck::SplitDrift {
                columns,
                categorical,
                ..
            } = c
            {
                for (i, col) in columns.iter().enumerate() {
                    needed.push((format!("/ml/checks/{ci}/columns/{i}"), col.clone()));
                }
                for (i, col) in categorical.iter().enumerate() {
                    needed.push((format!("/ml/checks/{ci}/categorical/{i}"), col.clone()));
                }
            }
        }
        let mut reported = BTreeSet::new();
        for (_, _, r) in &split_resources {
            let Some(r) = r else { continue };
            let names: Vec<&str> = r.schema.fields.iter().map(|f| f.name.as_str()).collect();
            for (p, col) in &needed {
                if !names.contains(&col.as_str()) && reported.insert(p.clone()) {
                    self.column_exists(p, col, &names);
                }
            }
        }
        // Types: a classification label is a class; time orders rows.
        if let Some((_, _, Some(train))) = split_resources.first() {
            let field = |c: &str| train.schema.fields.iter().find(|f| f.name == c);
            if let Some(l) = &ml.label
                && l.kind == Task::Classification
                && let Some(f) = field(&l.column)
                && f.field_type.family() == TypeFamily::Float
            {
                self.warn(
                    "/ml/label/column",
                    "label-type",
                    format!(
                        "a classification label is a class, but `{}` is `{}`",
                        f.name,
                        f.field_type.as_str()
                    ),
                    Some("use a string or integer code column, or `kind: regression`".into()),
                );
            }
            if let Some(t) = &ml.time
                && let Some(f) = field(t)
                && !matches!(
                    f.field_type.family(),
                    TypeFamily::Temporal | TypeFamily::Integer | TypeFamily::Float
                )
            {
                self.error(
                    "/ml/time",
                    "ml-time-type",
                    format!(
                        "the time column `{t}` is `{}`; it must order rows",
                        f.field_type.as_str()
                    ),
                    Some("name a timestamp, date or numeric column".into()),
                );
            }
        }
        if let (Some(l), Some(s)) = (&ml.label, &m.scenario)
            && (s.label.column != l.column || s.task != l.kind)
        {
            self.warn(
                "/ml/label",
                "ml-label",
                format!(
                    "the label `{}` ({}) differs from the scenario's `{}` ({})",
                    l.column,
                    task(l.kind),
                    s.label.column,
                    task(s.task)
                ),
                Some("the scenario and `ml.label` should name the same column and task".into()),
            );
        }
        // Checks: what each needs declared, and parameters in range.
        let mut kinds = BTreeSet::new();
        for (ci, c) in checks.iter().enumerate() {
            let p = format!("/ml/checks/{ci}");
            if !kinds.insert(c.name()) {
                self.error(
                    &p,
                    "duplicate-check",
                    format!("check `{}` is listed twice", c.name()),
                    None,
                );
            }
            let several = ml.splits.validation.is_some() || ml.splits.test.is_some();
            let problem = |why: String, hint: &str| (why, hint.to_string());
            let issue = match c {
                MlCheck::GroupLeakage { .. } if ml.group_by.is_empty() => Some(problem(
                    "`group_leakage` needs `groupBy`".into(),
                    "declare the entity columns in `ml.groupBy`",
                )),
                MlCheck::TemporalLeakage { .. } if ml.time.is_none() => Some(problem(
                    "`temporal_leakage` needs `time`".into(),
                    "declare the time column in `ml.time`",
                )),
                MlCheck::TemporalLeakage {
                    per_group: true, ..
                } if ml.group_by.is_empty() => Some(problem(
                    "`per_group` needs `groupBy`".into(),
                    "declare the entity columns in `ml.groupBy`",
                )),
                MlCheck::LabelBalance { .. } | MlCheck::ConflictingLabels { .. }
                    if ml.label.is_none() =>
                {
                    Some(problem(
                        format!("`{}` needs `label`", c.name()),
                        "declare the label in `ml.label`",
                    ))
                }
                MlCheck::LabelBalance { .. }
                    if ml
                        .label
                        .as_ref()
                        .is_some_and(|l| l.kind == Task::Regression) =>
                {
                    Some(problem(
                        "`label_balance` counts classes, but the label is a regression target"
                            .into(),
                        "remove the check, or make the label `kind: classification`",
                    ))
                }
                MlCheck::LabelBalance {
                    min_share: Some(s), ..
                } if !(0.0..=1.0).contains(s) => Some(problem(
                    format!("`min_share` {s} is not a share"),
                    "give a number in [0, 1]",
                )),
                MlCheck::SplitLeakage { max_share, .. } if !(0.0..=1.0).contains(max_share) => {
                    Some(problem(
                        format!("`max_share` {max_share} is not a share"),
                        "give a number in [0, 1]",
                    ))
                }
                MlCheck::SplitLeakage { .. }
                | MlCheck::GroupLeakage { .. }
                | MlCheck::TemporalLeakage { .. }
                | MlCheck::SplitDrift { .. }
                    if !several =>
                {
                    Some(problem(
                        format!(
                            "`{}` compares splits, but only `train` is declared",
                            c.name()
                        ),
                        "declare `validation` or `test`",
                    ))
                }
                MlCheck::SplitSizes {
                    train,
                    validation,
                    test,
                    ..
                } if [train, validation, test].iter().any(|b| {
                    b.is_some_and(|[lo, hi]| {
                        !(0.0..=1.0).contains(&lo) || !(0.0..=1.0).contains(&hi) || lo > hi
                    })
                }) =>
                {
                    Some(problem(
                        "a split's bounds are not `[min, max]` shares".into(),
                        "give two shares in [0, 1], the smaller first",
                    ))
                }
                MlCheck::SplitDrift {
                    categorical_metric: Some(m),
                    ..
                } if !m.categorical() => Some(problem(
                    format!("`{}` does not compare categories", m.as_str()),
                    "use `jensenshannon`, `psi` or `linf` for `categorical_metric`",
                )),
                MlCheck::SplitDrift {
                    drift_share: Some(s),
                    ..
                } if !(*s > 0.0 && *s <= 1.0) => Some(problem(
                    format!("`drift_share` {s} is not a share"),
                    "give a number in (0, 1]",
                )),
                MlCheck::SplitDrift { bins: Some(b), .. } if !(2..=1000).contains(b) => Some(
                    problem(format!("`bins` {b} is out of range"), "give 2 to 1000 bins"),
                ),
                _ => None,
            };
            if let Some((why, hint)) = issue {
                self.error(&p, "ml-check", why, Some(hint));
            }
        }
    }
}

fn task(t: Task) -> &'static str {
    match t {
        Task::Classification => "classification",
        Task::Regression => "regression",
    }
}
