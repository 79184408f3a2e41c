//! Semantic lint rules: what no JSON Schema can express — field codes in the registry, names
//! unique, columns that exist, constraint values that fit the column type, regular expressions
//! that compile, semver, SPDX, paths that stay inside the dataset folder, globs that match.

use std::collections::{BTreeMap, BTreeSet};

use super::values::*;
use super::{Diagnostic, DiagnosticSeverity, LintOptions, did_you_mean};
use crate::check::HistoryMetric;
use crate::loaded::LoadedManifest;
use crate::manifest::{Constraints, Field, FieldType, KeyColumns, Resource, TypeFamily};
use crate::paths::{self, PathProblem};
use crate::registry::FieldRegistry;

/// Semantic rules over a schema-valid manifest.
pub(crate) struct Semantics<'a> {
    pub(super) loaded: &'a LoadedManifest,
    pub(super) registry: &'a FieldRegistry,
    pub(super) options: LintOptions,
    pub(super) diags: &'a mut Vec<Diagnostic>,
}

impl Semantics<'_> {
    pub(super) fn error(
        &mut self,
        pointer: &str,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        self.push(pointer, DiagnosticSeverity::Error, code, message, hint);
    }

    pub(super) fn warn(
        &mut self,
        pointer: &str,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        self.push(pointer, DiagnosticSeverity::Warning, code, message, hint);
    }

    fn push(
        &mut self,
        pointer: &str,
        severity: DiagnosticSeverity,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        let mut d = Diagnostic::new(&self.loaded.path, self.loaded.pos(pointer), severity, code);
        d.message = message;
        d.hint = hint;
        self.diags.push(d);
    }

    pub(super) fn run(&mut self) {
        let m = &self.loaded.manifest;
        if semver::Version::parse(&m.version).is_err() {
            self.error(
                "/version",
                "semver",
                format!("version `{}` is not a semantic version", m.version),
                Some("write MAJOR.MINOR.PATCH, e.g. `1.2.0`".into()),
            );
        }
        if self.registry.get(&m.field).is_none() {
            let suggestions = self.registry.suggest(&m.field);
            let hint = if suggestions.is_empty() {
                "run `assay fields` to list the 100 field codes".to_string()
            } else {
                format!(
                    "similar codes: {}; run `assay fields` to list all",
                    suggestions.join(", ")
                )
            };
            self.error(
                "/field",
                "unknown-field",
                format!(
                    "field `{}` is not in the industrial field registry",
                    m.field
                ),
                Some(hint),
            );
        } else {
            self.catalog_layout();
        }
        self.scenario_and_standard();
        if let Some(ml) = &m.ml {
            self.ml(ml);
        }
        self.conformance();
        self.placeholders();
        self.privacy();
        for (i, license) in m.licenses.iter().enumerate() {
            // SPDX identifiers match case-insensitively: `cc-by-4.0` is CC-BY-4.0.
            if crate::spdx_canonical(&license.name).is_some() {
                continue;
            }
            if let Err(e) = spdx::Expression::parse(&license.name) {
                // `CC BY 4.0`, `cc by-sa 4.0`: the identifier with spaces for dashes.
                let dashed = license.name.trim().replace([' ', '_'], "-");
                let hint = crate::spdx_canonical(&dashed)
                    .map(|id| format!("did you mean `{id}`? (SPDX identifiers use dashes)"))
                    .or_else(|| {
                        spdx::imprecise_license_id(&license.name)
                            .map(|(id, _)| format!("did you mean `{}`?", id.name))
                    })
                    .unwrap_or_else(|| {
                        "use an SPDX identifier (https://spdx.org/licenses/) or `LicenseRef-<name>`"
                            .into()
                    });
                self.error(
                    &format!("/licenses/{i}/name"),
                    "license",
                    format!(
                        "license `{}` is not an SPDX identifier or expression ({})",
                        license.name, e.reason
                    ),
                    Some(hint),
                );
            }
        }
        if m.licenses.is_empty() {
            self.warn(
                "/name",
                "no-license",
                "no license declared; the dataset cannot be published as reusable".into(),
                Some("add `licenses: [{name: CC-BY-4.0}]` or your organization's license".into()),
            );
        }
        for (key, party) in [("owner", &m.owner), ("steward", &m.steward)] {
            if let Some(email) = party.as_ref().and_then(|p| p.email.as_ref())
                && !looks_like_email(email)
            {
                self.error(
                    &format!("/{key}/email"),
                    "email",
                    format!("`{email}` is not an e-mail address"),
                    None,
                );
            }
        }
        if let Some(t) = &m.temporal {
            for (k, v) in [("start", &t.start), ("end", &t.end)] {
                if let Some(v) = v
                    && !is_iso_datetime(v)
                {
                    self.error(
                        &format!("/temporal/{k}"),
                        "temporal",
                        format!("temporal.{k} `{v}` is not an ISO 8601 date or date-time"),
                        Some("write `2025-01-01` or `2025-01-01T00:00:00Z`".into()),
                    );
                }
            }
            if let (Some(s), Some(e)) = (&t.start, &t.end)
                && is_iso_datetime(s)
                && is_iso_datetime(e)
                && s.get(..10) > e.get(..10)
            {
                self.error(
                    "/temporal/end",
                    "temporal",
                    format!("temporal coverage ends ({e}) before it starts ({s})"),
                    None,
                );
            }
        }
        if let Some(bbox) = m.spatial.as_ref().and_then(|s| s.bbox) {
            let [w, s, e, n] = bbox;
            let ok = (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&e)
                && (-90.0..=90.0).contains(&s)
                && (-90.0..=90.0).contains(&n)
                && s <= n;
            if !ok {
                self.error(
                    "/spatial/bbox",
                    "bbox",
                    format!("bounding box {bbox:?} is not [west, south, east, north] in degrees"),
                    Some("longitudes within ±180, latitudes within ±90, south ≤ north".into()),
                );
            }
        }
        let mut names = BTreeMap::new();
        for (i, r) in m.resources.iter().enumerate() {
            if let Some(first) = names.insert(r.name.as_str(), i) {
                self.error(
                    &format!("/resources/{i}/name"),
                    "duplicate-resource",
                    format!(
                        "resource name `{}` is already used by resource {first}",
                        r.name
                    ),
                    Some("resource names are unique within a dataset".into()),
                );
            }
        }
        for (i, r) in m.resources.iter().enumerate() {
            self.resource(i, r);
        }
    }

    fn catalog_layout(&mut self) {
        // catalog/<field-code>/<dataset-name>/dataset.yaml: the folder names should agree.
        let m = &self.loaded.manifest;
        let dir = &self.loaded.dir;
        let parent_name = dir.canonicalize().ok().and_then(|d| {
            d.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        });
        if let Some(folder) = parent_name
            && crate::is_field_code(&folder)
            && folder != m.field
        {
            self.warn(
                    "/field",
                    "catalog-layout",
                    format!(
                        "manifest is filed under `{folder}/` but declares field `{}`",
                        m.field
                    ),
                    Some("catalog layout is catalog/<field-code>/<dataset-name>/dataset.yaml; move the folder or fix the code".into()),
                );
        }
    }

    fn resource(&mut self, ri: usize, r: &Resource) {
        let base = format!("/resources/{ri}");
        self.paths(&base, r);
        // Columns: unique names, type parameters, constraints.
        let mut columns: BTreeMap<&str, &Field> = BTreeMap::new();
        for (fi, f) in r.schema.fields.iter().enumerate() {
            let p = format!("{base}/schema/fields/{fi}");
            if columns.insert(f.name.as_str(), f).is_some() {
                self.error(
                    &format!("{p}/name"),
                    "duplicate-column",
                    format!("column `{}` is declared twice", f.name),
                    None,
                );
            }
            self.field(&p, f);
        }
        let column_names: Vec<&str> = r.schema.fields.iter().map(|f| f.name.as_str()).collect();
        if let Some(pk) = &r.schema.primary_key {
            self.key_columns(&format!("{base}/schema/primaryKey"), pk, &column_names);
        }
        for (k, uk) in r.schema.unique_keys.iter().enumerate() {
            self.key_columns(&format!("{base}/schema/uniqueKeys/{k}"), uk, &column_names);
        }
        for (k, fk) in r.schema.foreign_keys.iter().enumerate() {
            let p = format!("{base}/schema/foreignKeys/{k}");
            self.key_columns(&format!("{p}/fields"), &fk.fields, &column_names);
            let target_name = fk.reference.resource.as_deref().unwrap_or(&r.name);
            self.reference(
                &format!("{p}/reference"),
                target_name,
                &fk.reference.fields.columns(),
                fk.fields.columns().len(),
            );
        }
        let mut check_names: BTreeMap<String, usize> = BTreeMap::new();
        for (ci, c) in r.checks.iter().enumerate() {
            let p = format!("{base}/checks/{ci}");
            let name = c.display_name();
            if let Some(first) = check_names.insert(name.clone(), ci) {
                self.error(
                    &p,
                    "duplicate-check",
                    format!(
                        "check name `{name}` is already used by check {first} of this resource"
                    ),
                    Some("give one of them a distinct `name`".into()),
                );
            }
            self.check(&p, c, &columns);
        }
    }

    fn paths(&mut self, base: &str, r: &Resource) {
        let patterns = r.path.patterns();
        let pointer_of = |i: usize| match &r.path {
            crate::manifest::PathSpec::One(_) => format!("{base}/path"),
            crate::manifest::PathSpec::Many(_) => format!("{base}/path/{i}"),
        };
        // Under a storage.yaml root, relative paths are objects in the store: listed when the
        // data is read, not by the linter, which stays offline.
        if paths::data_in_store(&self.loaded.dir) {
            for p in &patterns {
                if let Err(problem) = paths::check_pattern(p) {
                    self.error(&pointer_of(0), "path-escape", problem.to_string(), None);
                }
            }
            return;
        }
        let (_, problems) = paths::resolve(&self.loaded.dir, &patterns);
        for problem in problems {
            let i = patterns
                .iter()
                .position(|p| *p == problem.pattern())
                .unwrap_or(0);
            let pointer = pointer_of(i);
            let no_files_hint = |pattern: &str| {
                match paths::near_miss(&self.loaded.dir, pattern) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "paths are relative to the manifest's folder; check the spelling, add the files, or declare the resource `optional: true`".into(),
            }
            };
            match &problem {
                // A resource declared optional may be empty (a table filled later).
                PathProblem::NoMatch { pattern } if r.optional && !self.options.strict => {
                    let hint = match paths::near_miss(&self.loaded.dir, pattern) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "the resource is declared optional: it is checked once files arrive".into(),
                    };
                    self.warn(&pointer, "no-files", problem.to_string(), Some(hint))
                }
                PathProblem::NoMatch { pattern } => {
                    let hint = no_files_hint(pattern);
                    self.error(&pointer, "no-files", problem.to_string(), Some(hint))
                }
                PathProblem::BadGlob { .. } => {
                    self.error(&pointer, "bad-glob", problem.to_string(), None)
                }
                PathProblem::Io { .. } | PathProblem::Unreachable { .. } => {
                    self.error(&pointer, "io", problem.to_string(), None)
                }
                // Objects in a store are listed when the data is read, not by the linter,
                // which stays offline.
                PathProblem::Remote { .. } => {}
                PathProblem::UnknownScheme { .. } => self.error(
                    &pointer,
                    "unknown-scheme",
                    problem.to_string(),
                    Some("a local path is relative to the manifest's folder, without a scheme".into()),
                ),
                PathProblem::TooMany { .. } => {
                    self.error(&pointer, "too-many-files", problem.to_string(), None)
                }
                _ => self.error(
                    &pointer,
                    "path-escape",
                    problem.to_string(),
                    Some("data files must live inside the dataset folder; copy them in rather than linking out".into()),
                ),
            }
        }
    }

    fn field(&mut self, p: &str, f: &Field) {
        let t = f.field_type;
        let bad_param = |param: &str| format!("`{param}` does not apply to type `{}`", t.as_str());
        if t == FieldType::Decimal {
            match (f.precision, f.scale) {
                (None, _) => self.error(
                    &format!("{p}/type"),
                    "type-params",
                    "type `decimal` needs `precision` (and usually `scale`)".into(),
                    Some("e.g. `{name: amount, type: decimal, precision: 12, scale: 2}`".into()),
                ),
                (Some(prec), Some(scale)) if scale > 0 && scale as u8 > prec => self.error(
                    &format!("{p}/scale"),
                    "type-params",
                    format!("decimal scale {scale} exceeds precision {prec}"),
                    None,
                ),
                _ => {}
            }
        } else {
            for (k, set) in [
                ("precision", f.precision.is_some()),
                ("scale", f.scale.is_some()),
            ] {
                if set {
                    self.error(&format!("{p}/{k}"), "type-params", bad_param(k), None);
                }
            }
        }
        if f.unit.is_some()
            && !matches!(
                t,
                FieldType::Timestamp | FieldType::Time | FieldType::Duration
            )
        {
            self.error(&format!("{p}/unit"), "type-params", bad_param("unit"), None);
        }
        if let Some(tz) = &f.timezone {
            if t != FieldType::Timestamp {
                self.error(
                    &format!("{p}/timezone"),
                    "type-params",
                    bad_param("timezone"),
                    None,
                );
            } else if !is_timezone(tz) {
                self.error(
                    &format!("{p}/timezone"),
                    "type-params",
                    format!("`{tz}` is not a time zone"),
                    Some("write `UTC`, an IANA name like `Asia/Shanghai`, or an offset like `+08:00`".into()),
                );
            }
        }
        match (t, &f.items) {
            (FieldType::List, None) => self.error(
                &format!("{p}/type"),
                "type-params",
                "type `list` needs `items` (the element type)".into(),
                Some("e.g. `items: {name: item, type: float64}`".into()),
            ),
            (FieldType::List | FieldType::Array, Some(items)) => {
                self.field(&format!("{p}/items"), items)
            }
            (_, Some(_)) => self.error(
                &format!("{p}/items"),
                "type-params",
                bad_param("items"),
                None,
            ),
            _ => {}
        }
        match (t, &f.fields) {
            (FieldType::Struct, None) => self.error(
                &format!("{p}/type"),
                "type-params",
                "type `struct` needs `fields`".into(),
                None,
            ),
            (FieldType::Struct | FieldType::Object, Some(children)) => {
                let mut seen = BTreeSet::new();
                for (i, c) in children.iter().enumerate() {
                    let cp = format!("{p}/fields/{i}");
                    if !seen.insert(c.name.as_str()) {
                        self.error(
                            &format!("{cp}/name"),
                            "duplicate-column",
                            format!("child field `{}` is declared twice", c.name),
                            None,
                        );
                    }
                    self.field(&cp, c);
                }
            }
            (_, Some(_)) => self.error(
                &format!("{p}/fields"),
                "type-params",
                bad_param("fields"),
                None,
            ),
            _ => {}
        }
        self.constraints(&format!("{p}/constraints"), f, &f.constraints);
    }

    fn constraints(&mut self, p: &str, f: &Field, c: &Constraints) {
        let family = f.field_type.family();
        for (key, bound) in [
            ("minimum", &c.minimum),
            ("maximum", &c.maximum),
            ("exclusiveMinimum", &c.exclusive_minimum),
            ("exclusiveMaximum", &c.exclusive_maximum),
        ] {
            if let Some(b) = bound
                && let Err(e) = bound_fits(f.field_type, b)
            {
                self.error(
                    &format!("{p}/{key}"),
                    "constraint-type",
                    format!("`{key}` {e}"),
                    None,
                );
            }
        }
        let lower = c.minimum.as_ref().or(c.exclusive_minimum.as_ref());
        let upper = c.maximum.as_ref().or(c.exclusive_maximum.as_ref());
        if let (Some(lo), Some(hi)) = (lower, upper)
            && scalar_gt(lo, hi)
        {
            self.error(
                p,
                "empty-range",
                format!("lower bound {lo} is above upper bound {hi}: no value can pass"),
                None,
            );
        }
        for (key, v) in [("minLength", c.min_length), ("maxLength", c.max_length)] {
            if v.is_some()
                && !matches!(
                    family,
                    TypeFamily::String | TypeFamily::Binary | TypeFamily::List | TypeFamily::Any
                )
            {
                self.error(
                    &format!("{p}/{key}"),
                    "constraint-type",
                    format!(
                        "`{key}` applies to strings, binary and lists, not `{}`",
                        f.field_type.as_str()
                    ),
                    None,
                );
            }
        }
        if let (Some(lo), Some(hi)) = (c.min_length, c.max_length)
            && lo > hi
        {
            self.error(
                p,
                "empty-range",
                format!("minLength {lo} is above maxLength {hi}: no value can pass"),
                None,
            );
        }
        if let Some(pattern) = &c.pattern {
            self.pattern(&format!("{p}/pattern"), pattern, f);
        }
        if let Some(values) = &c.enum_values {
            for (i, v) in values.iter().enumerate() {
                if let Err(e) = value_fits(f.field_type, v) {
                    self.error(
                        &format!("{p}/enum/{i}"),
                        "constraint-type",
                        format!("enum value {e}"),
                        None,
                    );
                }
            }
        }
    }

    pub(super) fn pattern(&mut self, pointer: &str, pattern: &str, f: &Field) {
        if !matches!(f.field_type.family(), TypeFamily::String | TypeFamily::Any) {
            self.error(
                pointer,
                "constraint-type",
                format!(
                    "`pattern` applies to strings, not `{}` column `{}`",
                    f.field_type.as_str(),
                    f.name
                ),
                None,
            );
        }
        if let Err(e) = regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
        {
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or("").trim().to_string();
            self.error(
                pointer,
                "bad-regex",
                format!("pattern `{pattern}` does not compile: {last}"),
                Some("Rust `regex` syntax: no look-around or back-references".into()),
            );
        }
    }

    fn key_columns(&mut self, p: &str, key: &KeyColumns, columns: &[&str]) {
        let mut seen = BTreeSet::new();
        for (i, c) in key.columns().into_iter().enumerate() {
            let pointer = match key {
                KeyColumns::One(_) => p.to_string(),
                KeyColumns::Many(_) => format!("{p}/{i}"),
            };
            self.column_exists(&pointer, c, columns);
            if !seen.insert(c) {
                self.error(
                    &pointer,
                    "duplicate-column",
                    format!("column `{c}` appears twice in the key"),
                    None,
                );
            }
        }
    }

    pub(super) fn column_exists(&mut self, pointer: &str, column: &str, columns: &[&str]) -> bool {
        if columns.contains(&column) {
            return true;
        }
        let hint = did_you_mean(column, columns.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| format!("declared columns: {}", columns.join(", ")));
        self.error(
            pointer,
            "unknown-column",
            format!("column `{column}` is not declared in the resource's schema"),
            Some(hint),
        );
        false
    }

    pub(super) fn reference(
        &mut self,
        p: &str,
        resource: &str,
        target_cols: &[&str],
        arity: usize,
    ) {
        let m = &self.loaded.manifest;
        let Some(target) = m.resources.iter().find(|r| r.name == resource) else {
            let names: Vec<&str> = m.resources.iter().map(|r| r.name.as_str()).collect();
            let hint = did_you_mean(resource, names.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("resources of this dataset: {}", names.join(", ")));
            self.error(
                &format!("{p}/resource"),
                "unknown-resource",
                format!("foreign key target `{resource}` is not a resource of this dataset"),
                Some(hint),
            );
            return;
        };
        let cols: Vec<&str> = target
            .schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        let cols_pointer = if self
            .loaded
            .source
            .value
            .pointer(&format!("{p}/columns"))
            .is_some()
        {
            format!("{p}/columns")
        } else {
            format!("{p}/fields")
        };
        for (i, c) in target_cols.iter().enumerate() {
            let pointer = if self
                .loaded
                .source
                .value
                .pointer(&format!("{cols_pointer}/{i}"))
                .is_some()
            {
                format!("{cols_pointer}/{i}")
            } else {
                cols_pointer.clone()
            };
            if !cols.contains(c) {
                let hint = did_you_mean(c, cols.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("columns of `{resource}`: {}", cols.join(", ")));
                self.error(
                    &pointer,
                    "unknown-column",
                    format!("column `{c}` is not declared in resource `{resource}`"),
                    Some(hint),
                );
            }
        }
        if target_cols.len() != arity {
            self.error(
                &cols_pointer,
                "key-arity",
                format!(
                    "foreign key has {arity} column(s) but its reference has {}",
                    target_cols.len()
                ),
                Some("list the referenced columns in the same order and number".into()),
            );
        }
    }

    /// `null_rate` needs a column; `row_count` takes none.
    pub(super) fn history_metric(&mut self, p: &str, metric: HistoryMetric, column: Option<&str>) {
        match (metric, column) {
            (HistoryMetric::NullRate, None) => self.error(
                p,
                "metric-column",
                "metric `null_rate` needs `column`".to_string(),
                Some("name the column whose null rate is compared".into()),
            ),
            (HistoryMetric::RowCount, Some(_)) => self.error(
                &format!("{p}/column"),
                "metric-column",
                "metric `row_count` is about the resource; it takes no `column`".to_string(),
                None,
            ),
            _ => {}
        }
    }

    /// The scenario's label names a column of a resource of this dataset (a classification
    /// label is not a float); `conformsTo` names a field of the registry.
    fn scenario_and_standard(&mut self) {
        let m = &self.loaded.manifest;
        if let Some(s) = &m.scenario {
            let label = &s.label;
            match m.resources.iter().find(|r| r.name == label.resource) {
                None => {
                    let names: Vec<&str> = m.resources.iter().map(|r| r.name.as_str()).collect();
                    let hint = did_you_mean(&label.resource, names.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| {
                            format!("resources of this dataset: {}", names.join(", "))
                        });
                    self.error(
                        "/scenario/label/resource",
                        "unknown-resource",
                        format!("resource `{}` is not in this dataset", label.resource),
                        Some(hint),
                    );
                }
                Some(r) => {
                    match r.schema.fields.iter().find(|f| f.name == label.column) {
                        None => {
                            let names: Vec<&str> =
                                r.schema.fields.iter().map(|f| f.name.as_str()).collect();
                            self.column_exists("/scenario/label/column", &label.column, &names);
                        }
                        Some(f) => {
                            if s.task == crate::manifest::Task::Classification
                                && f.field_type.family() == TypeFamily::Float
                            {
                                self.warn(
                                "/scenario/label/column",
                                "label-type",
                                format!(
                                    "a classification label is a class, but `{}` is `{}`",
                                    f.name,
                                    f.field_type.as_str()
                                ),
                                Some("use a string or integer code column, or `task: regression`".into()),
                            );
                            }
                        }
                    }
                }
            }
        }
        if let Some(c) = &m.conforms_to
            && self.registry.get(&c.standard).is_none()
        {
            self.error(
                "/conformsTo/standard",
                "unknown-field",
                format!(
                    "field `{}` is not in the industrial field registry",
                    c.standard
                ),
                Some("run `assay fields` to list the 100 field codes".into()),
            );
        }
    }
}
