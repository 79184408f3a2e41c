//! Lint rules for checks: the ones every kind shares (columns exist, `mostly` only on row-level
//! kinds), then the kind's own rules through [`CheckLint`] (see `check/kinds/`).

use std::collections::{BTreeMap, BTreeSet};

use super::semantics::Semantics;
use super::values::value_fits;
use crate::check::{Check, HistoryMetric};
use crate::manifest::{Field, TypeFamily};
use crate::scalar::Scalar;

impl Semantics<'_> {
    pub(super) fn check(&mut self, p: &str, c: &Check, columns: &BTreeMap<&str, &Field>) {
        let names: Vec<&str> = columns.keys().copied().collect();
        let kind = c.kind.name();
        // Columns named by the check.
        let mut fields = Vec::new();
        let mut seen = BTreeSet::new();
        for (suffix, col) in c.kind.column_refs() {
            let pointer = format!("{p}{suffix}");
            if self.column_exists(&pointer, col, &names) {
                fields.push(columns[col]);
            }
            if c.kind.has_column_list() && !seen.insert(col) {
                self.error(
                    &pointer,
                    "duplicate-column",
                    format!("column `{col}` appears twice"),
                    None,
                );
            }
        }
        if c.mostly.is_some() && !c.kind.is_row_level() {
            self.error(
                &format!("{p}/mostly"),
                "mostly",
                format!(
                    "`mostly` applies to row-level checks; `{kind}` is decided once per resource"
                ),
                Some("remove `mostly`, or widen the check's bounds".into()),
            );
        }
        let mut cx = CheckLint {
            sem: self,
            pointer: p,
            kind,
            field: fields.first().copied(),
            columns,
        };
        c.kind.lint(&mut cx);
    }
}

/// What a kind's lint rules see: the check's location, its first column's declaration, the
/// resource's columns, and ways to report.
pub struct CheckLint<'s, 'a> {
    sem: &'s mut Semantics<'a>,
    pointer: &'s str,
    kind: &'static str,
    field: Option<&'s Field>,
    columns: &'s BTreeMap<&'s str, &'s Field>,
}

impl CheckLint<'_, '_> {
    /// Reports an error at the check's pointer plus `suffix` (`""`, `"/min"`, …).
    pub fn error(
        &mut self,
        suffix: &str,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        let pointer = format!("{}{suffix}", self.pointer);
        self.sem.error(&pointer, code, message, hint);
    }

    /// The declaration of the check's first column, when it is declared.
    pub fn field(&self) -> Option<&Field> {
        self.field
    }

    /// The declaration of a column of the resource.
    pub fn declared(&self, column: &str) -> Option<&Field> {
        self.columns.get(column).copied()
    }

    /// The type family of the check's first column (`Any` when it is not declared).
    pub fn family(&self) -> TypeFamily {
        self.field
            .map(|f| f.field_type.family())
            .unwrap_or(TypeFamily::Any)
    }

    /// Reports that the kind does not apply to the first column's type.
    pub fn wrong_type(&mut self, what: &str) {
        if let Some(f) = self.field {
            let message = format!(
                "`{}` applies to {what}; column `{}` is `{}`",
                self.kind,
                f.name,
                f.field_type.as_str()
            );
            self.error("/column", "check-type", message, None);
        }
    }

    /// Reports values of `values` that do not fit the first column's type.
    pub fn values_fit(&mut self, values: &[Scalar]) {
        let Some(t) = self.field.map(|f| f.field_type) else {
            return;
        };
        for (i, v) in values.iter().enumerate() {
            if let Err(e) = value_fits(t, v) {
                self.error(
                    &format!("/values/{i}"),
                    "check-type",
                    format!("value {e}"),
                    None,
                );
            }
        }
    }

    /// Checks a regular expression against the first column.
    pub fn pattern(&mut self, suffix: &str, pattern: &str) {
        if let Some(f) = self.field {
            let pointer = format!("{}{suffix}", self.pointer);
            self.sem.pattern(&pointer, pattern, f);
        }
    }

    /// Checks a reference to another resource's columns.
    pub fn reference(&mut self, suffix: &str, resource: &str, columns: &[&str], arity: usize) {
        let pointer = format!("{}{suffix}", self.pointer);
        self.sem.reference(&pointer, resource, columns, arity);
    }

    /// `null_rate` needs a column; `row_count` takes none.
    pub fn history_metric(&mut self, metric: HistoryMetric, column: Option<&str>) {
        let p = self.pointer.to_string();
        self.sem.history_metric(&p, metric, column);
    }
}
