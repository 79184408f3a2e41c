//! Export: a manifest to a Frictionless v2 package, everything Assay-only under `assay:`.

use super::*;

/// Writes a manifest as a Frictionless Data Package v2 descriptor (`datapackage.json`), with a
/// note (pointing into the manifest) for each thing other Frictionless tools will not understand.
pub fn export(manifest: &Manifest) -> (Value, Vec<Note>) {
    export_with_files(manifest, &std::collections::BTreeMap::new())
}

/// As [`export`], with the files each resource's paths match (by resource name, paths relative
/// to the dataset folder): a resource whose files are known lists them as its `path`, which
/// every Frictionless tool reads, and keeps its own paths or globs as `assay:path`.
pub fn export_with_files(
    manifest: &Manifest,
    files: &std::collections::BTreeMap<String, Vec<String>>,
) -> (Value, Vec<Note>) {
    let mut ex = Exporter {
        notes: Vec::new(),
        files,
    };
    let package = ex.package(manifest);
    (package, ex.notes)
}

struct Exporter<'a> {
    notes: Vec<Note>,
    files: &'a std::collections::BTreeMap<String, Vec<String>>,
}

impl Exporter<'_> {
    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    fn package(&mut self, m: &Manifest) -> Value {
        let mut out = Map::new();
        out.insert("$schema".into(), DATAPACKAGE_V2_PROFILE.into());
        out.insert("name".into(), m.name.clone().into());
        insert_opt(&mut out, "title", &m.title);
        insert_opt(&mut out, "description", &m.description);
        out.insert("version".into(), m.version.clone().into());
        insert_opt(&mut out, "homepage", &m.homepage);
        self.note(
            "/field",
            format!(
                "industrial field `{}` exported as `assay:field`; Frictionless has no industrial field",
                m.field
            ),
        );
        if !m.keywords.is_empty() {
            out.insert("keywords".into(), json!(m.keywords));
        }
        if !m.licenses.is_empty() {
            let mut licenses = Vec::new();
            for (i, l) in m.licenses.iter().enumerate() {
                licenses.extend(self.license(l, &format!("/licenses/{i}")));
            }
            out.insert("licenses".into(), Value::Array(licenses));
        }
        let mut contributors = Vec::new();
        if let Some(owner) = &m.owner {
            contributors.extend(self.contributor(owner, "rightsHolder", "/owner"));
        }
        if let Some(steward) = &m.steward {
            contributors.extend(self.contributor(steward, "dataCurator", "/steward"));
        }
        if !contributors.is_empty() {
            out.insert("contributors".into(), Value::Array(contributors));
        }
        self.note(
            "/sensitivity",
            format!(
                "sensitivity `{}` exported as `assay:sensitivity`; Frictionless has no access classification",
                m.sensitivity.as_str()
            ),
        );
        if m.temporal.is_some() {
            self.note(
                "/temporal",
                "temporal coverage exported as `assay:temporal`; Frictionless has no temporal coverage",
            );
        }
        if m.spatial.is_some() {
            self.note(
                "/spatial",
                "spatial coverage exported as `assay:spatial`; Frictionless has no spatial coverage",
            );
        }
        if !m.sources.is_empty() {
            let sources: Vec<Value> = m
                .sources
                .iter()
                .map(|s| {
                    let mut o = Map::new();
                    o.insert("title".into(), s.title.clone().into());
                    insert_opt(&mut o, "path", &s.path);
                    insert_opt(&mut o, "email", &s.email);
                    Value::Object(o)
                })
                .collect();
            out.insert("sources".into(), Value::Array(sources));
        }
        let resources: Vec<Value> = m
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| self.resource(r, &format!("/resources/{i}")))
            .collect();
        out.insert("resources".into(), Value::Array(resources));
        if m.lineage.is_some() {
            self.note(
                "/lineage",
                "lineage exported as `assay:lineage`; Frictionless has no lineage",
            );
        }
        out.insert("assay:field".into(), m.field.clone().into());
        out.insert("assay:sensitivity".into(), m.sensitivity.as_str().into());
        insert_serialized(&mut out, "assay:temporal", &m.temporal);
        insert_serialized(&mut out, "assay:spatial", &m.spatial);
        insert_serialized(&mut out, "assay:lineage", &m.lineage);
        insert_serialized(&mut out, "assay:titleZh", &m.title_zh);
        insert_serialized(&mut out, "assay:descriptionZh", &m.description_zh);
        if m.field_standard {
            out.insert("assay:fieldStandard".into(), true.into());
        }
        insert_serialized(&mut out, "assay:conformsTo", &m.conforms_to);
        insert_serialized(&mut out, "assay:scenario", &m.scenario);
        insert_serialized(&mut out, "assay:ml", &m.ml);
        if !m.standards.is_empty() {
            insert_serialized(&mut out, "assay:standards", &Some(&m.standards));
        }
        Value::Object(out)
    }

    fn license(&mut self, l: &License, p: &str) -> Vec<Value> {
        if is_open_definition_name(&l.name) {
            let mut o = Map::new();
            o.insert("name".into(), l.name.clone().into());
            insert_opt(&mut o, "path", &l.path);
            insert_opt(&mut o, "title", &l.title);
            return vec![Value::Object(o)];
        }
        // A compound SPDX expression does not fit the profile's name pattern: write one entry
        // per license it names, each carrying the whole expression so import can rejoin them.
        let mut ids: Vec<String> = Vec::new();
        let mut skip_next = false;
        for token in l
            .name
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        {
            if token.is_empty() {
                continue;
            }
            if std::mem::take(&mut skip_next) {
                continue;
            }
            match token.to_ascii_uppercase().as_str() {
                "AND" | "OR" => continue,
                "WITH" => {
                    skip_next = true;
                    continue;
                }
                _ => {}
            }
            let id: String = token
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "-._".contains(*c))
                .collect();
            if !id.is_empty() && !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            ids.push(license_ref(&l.name));
        }
        self.note(
            &format!("{p}/name"),
            format!(
                "license expression `{}` does not fit a Frictionless license name; exported as `{}`, with the expression in `assay:expression`",
                l.name,
                ids.join("`, `")
            ),
        );
        ids.into_iter()
            .enumerate()
            .map(|(i, id)| {
                let mut o = Map::new();
                o.insert("name".into(), id.into());
                if i == 0 {
                    insert_opt(&mut o, "path", &l.path);
                    insert_opt(&mut o, "title", &l.title);
                }
                o.insert("assay:expression".into(), l.name.clone().into());
                Value::Object(o)
            })
            .collect()
    }

    fn contributor(&mut self, party: &Party, role: &str, p: &str) -> Option<Value> {
        if *party == Party::default() {
            return None;
        }
        let mut o = Map::new();
        if let Some(title) = party.name.as_ref().or(party.organization.as_ref()) {
            o.insert("title".into(), title.clone().into());
        }
        insert_opt(&mut o, "organization", &party.organization);
        insert_opt(&mut o, "email", &party.email);
        insert_opt(&mut o, "path", &party.url);
        o.insert("roles".into(), json!([role]));
        if let Some(r) = &party.role {
            self.note(
                &format!("{p}/role"),
                format!(
                    "role `{r}` exported as `assay:role`; a Frictionless contributor's `roles` name the part played (`{role}`), not a job"
                ),
            );
            o.insert("assay:role".into(), r.clone().into());
        }
        Some(Value::Object(o))
    }

    fn resource(&mut self, r: &Resource, p: &str) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), r.name.clone().into());
        insert_opt(&mut o, "title", &r.title);
        insert_opt(&mut o, "description", &r.description);
        let declared = match &r.path {
            PathSpec::One(s) => Value::String(s.clone()),
            PathSpec::Many(ps) => json!(ps),
        };
        let known = self.files.get(&r.name).filter(|f| !f.is_empty());
        let path = match (known, &r.path) {
            // The files the paths match, as other tools expect; the paths themselves stay
            // as `assay:path` when they differ (a glob, say).
            (Some(files), _) => {
                let listed = match files.as_slice() {
                    [one] => Value::String(one.clone()),
                    many => json!(many),
                };
                if listed != declared {
                    self.note(
                        &format!("{p}/path"),
                        format!(
                            "{} exported as the {} file(s) it matches; `assay:path` keeps it",
                            match &r.path {
                                PathSpec::One(s) => format!("`{s}`"),
                                PathSpec::Many(ps) => format!("`{}`", ps.join("`, `")),
                            },
                            files.len()
                        ),
                    );
                    o.insert("assay:path".into(), declared.clone());
                }
                listed
            }
            (None, PathSpec::One(s)) => {
                self.path(s, &format!("{p}/path"));
                declared
            }
            (None, PathSpec::Many(ps)) => {
                for (i, s) in ps.iter().enumerate() {
                    self.path(s, &format!("{p}/path/{i}"));
                }
                declared
            }
        };
        o.insert("path".into(), path);
        o.insert("type".into(), "table".into());
        o.insert("format".into(), "parquet".into());
        o.insert("mediatype".into(), PARQUET_MEDIA_TYPE.into());
        o.insert(
            "schema".into(),
            self.schema(&r.schema, &format!("{p}/schema")),
        );
        if !r.checks.is_empty() {
            self.note(
                &format!("{p}/checks"),
                format!(
                    "{} quality check(s) exported as `assay:checks`; Frictionless has no quality checks",
                    r.checks.len()
                ),
            );
            insert_serialized(&mut o, "assay:checks", &Some(&r.checks));
        }
        Value::Object(o)
    }

    fn path(&mut self, path: &str, p: &str) {
        if path.contains(['*', '?', '[', '{']) {
            self.note(
                p,
                format!(
                    "`{path}` is a glob; a Frictionless path names one file, so other tools will not expand it (list the files to share the package)"
                ),
            );
        }
    }

    fn schema(&mut self, s: &TableSchema, p: &str) -> Value {
        let mut o = Map::new();
        let fields: Vec<Value> = s
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| self.field(f, &format!("{p}/fields/{i}")))
            .collect();
        o.insert("fields".into(), Value::Array(fields));
        if let Some(pk) = &s.primary_key {
            o.insert("primaryKey".into(), key_value(pk));
        }
        if !s.unique_keys.is_empty() {
            let keys: Vec<Value> = s.unique_keys.iter().map(|k| json!(k.columns())).collect();
            o.insert("uniqueKeys".into(), Value::Array(keys));
        }
        if !s.foreign_keys.is_empty() {
            let keys: Vec<Value> = s
                .foreign_keys
                .iter()
                .map(|fk| {
                    let both_one = matches!(
                        (&fk.fields, &fk.reference.fields),
                        (KeyColumns::One(_), KeyColumns::One(_))
                    );
                    // The profile accepts a name on both sides or a list on both sides.
                    let side = |k: &KeyColumns| {
                        if both_one {
                            key_value(k)
                        } else {
                            json!(k.columns())
                        }
                    };
                    let mut reference = Map::new();
                    insert_opt(&mut reference, "resource", &fk.reference.resource);
                    reference.insert("fields".into(), side(&fk.reference.fields));
                    json!({"fields": side(&fk.fields), "reference": reference})
                })
                .collect();
            o.insert("foreignKeys".into(), Value::Array(keys));
        }
        if s.fields_match != FieldsMatch::Exact {
            self.note(
                &format!("{p}/fieldsMatch"),
                format!(
                    "`fieldsMatch: {}` exported as `assay:fieldsMatch`: the v2 profile types `fieldsMatch` as a list while the standard says text (frictionlessdata/datapackage#965), so no spelling is both valid and correct; other tools will assume `exact`",
                    s.fields_match.as_str()
                ),
            );
            o.insert("assay:fieldsMatch".into(), s.fields_match.as_str().into());
        }
        Value::Object(o)
    }

    fn field(&mut self, f: &Field, p: &str) -> Value {
        let t = f.field_type;
        let (ft, format) = frictionless_type(t);
        let mut o = Map::new();
        o.insert("name".into(), f.name.clone().into());
        o.insert("type".into(), ft.into());
        if let Some(fmt) = format {
            o.insert("format".into(), fmt.into());
        }
        insert_opt(&mut o, "title", &f.title);
        insert_opt(&mut o, "description", &f.description);
        let constraints = self.constraints(f, ft, p, &mut o);
        if let Some(c) = constraints {
            o.insert("constraints".into(), c);
        }
        // The exact Assay type, when reading the Frictionless type back would not give it
        // or would be ambiguous (base64 or bytes, calendar or fixed-length durations).
        let back = map_type(Some(ft), format, None, true);
        if back.field_type != t || back.type_note.is_some() || back.format_note.is_some() {
            o.insert("assay:type".into(), t.as_str().into());
        }
        if let Some(message) = type_loss(f, ft) {
            self.note(&format!("{p}/type"), message);
        }
        insert_serialized(&mut o, "assay:unit", &f.unit);
        insert_opt(&mut o, "assay:timezone", &f.timezone);
        insert_serialized(&mut o, "assay:precision", &f.precision);
        insert_serialized(&mut o, "assay:scale", &f.scale);
        insert_serialized(&mut o, "assay:items", &f.items);
        insert_serialized(&mut o, "assay:fields", &f.fields);
        if let Some(u) = &f.unit_of_measure {
            self.note(
                &format!("{p}/unitOfMeasure"),
                format!(
                    "unit of measure `{u}` exported as `assay:unitOfMeasure`; Frictionless has no unit of measure"
                ),
            );
            o.insert("assay:unitOfMeasure".into(), u.clone().into());
        }
        if let Some(c) = f.classification {
            o.insert("assay:classification".into(), c.as_str().into());
        }
        if f.personal {
            o.insert("assay:personal".into(), true.into());
        }
        Value::Object(o)
    }

    /// The field's constraints as Frictionless writes them; those the v2 profile would reject go
    /// to `assay:constraints` on the field.
    fn constraints(
        &mut self,
        f: &Field,
        ft: &str,
        p: &str,
        field: &mut Map<String, Value>,
    ) -> Option<Value> {
        if f.constraints.is_empty() {
            return None;
        }
        let cp = format!("{p}/constraints");
        let Ok(Value::Object(mut c)) = serde_json::to_value(&f.constraints) else {
            return None;
        };
        let has_bounds = matches!(
            ft,
            "integer" | "number" | "date" | "time" | "datetime" | "year" | "yearmonth" | "duration"
        );
        let has_lengths = matches!(ft, "string" | "array" | "object" | "geojson");
        let mut moved = Map::new();
        for key in [
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minLength",
            "maxLength",
            "pattern",
        ] {
            let Some(v) = c.get(key) else { continue };
            let kp = format!("{cp}/{key}");
            let is_bound = key.contains("imum");
            if is_bound && ft == "duration" && v.is_number() {
                self.note(
                    &kp,
                    format!(
                        "numeric `{key}` of a `duration` column exported as `assay:constraints`; Frictionless duration bounds are ISO 8601 text"
                    ),
                );
                if let Some(v) = c.shift_remove(key) {
                    moved.insert(key.into(), v);
                }
                continue;
            }
            let defined = if is_bound {
                has_bounds
            } else if key == "pattern" {
                ft == "string"
            } else {
                has_lengths
            };
            if !defined {
                self.note(
                    &kp,
                    format!(
                        "Frictionless defines no `{key}` for `{ft}` fields; other tools will ignore it"
                    ),
                );
            } else if !is_bound && key != "pattern" && f.field_type == FieldType::Binary {
                self.note(
                    &kp,
                    format!(
                        "`{key}` counts bytes in Assay but base64 characters for a Frictionless `binary` string"
                    ),
                );
            }
        }
        if !moved.is_empty() {
            field.insert("assay:constraints".into(), Value::Object(moved));
        }
        (!c.is_empty()).then_some(Value::Object(c))
    }
}

/// What a Frictionless reader loses of field `f` exported as type `ft`, if anything.
pub(crate) fn type_loss(f: &Field, ft: &str) -> Option<String> {
    use FieldType::*;
    let t = f.field_type;
    let name = t.as_str();
    Some(match t {
        Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32 | Uint64 => format!(
            "`{name}` exported as Frictionless `{ft}`, which has no width; `assay:type` keeps `{name}`"
        ),
        Float16 | Float32 | Float64 => format!(
            "`{name}` exported as Frictionless `{ft}`, which has no precision; `assay:type` keeps `{name}`"
        ),
        Decimal => format!(
            "`decimal` (precision {}, scale {}) exported as Frictionless `{ft}`; `assay:type`, `assay:precision` and `assay:scale` keep it",
            f.precision.map_or("unset".into(), |p| p.to_string()),
            f.scale.map_or("unset".into(), |s| s.to_string())
        ),
        LargeString => format!(
            "`large_string` exported as Frictionless `{ft}`; `assay:type` keeps the 64-bit offsets"
        ),
        Binary => format!(
            "`binary` exported as Frictionless `{ft}` with format `binary`, which Frictionless defines as base64 text"
        ),
        Timestamp => format!(
            "`timestamp` ({}, {}) exported as Frictionless `{ft}`; `assay:type`{}{} keep it",
            f.unit
                .map_or("any unit".into(), |u| format!("unit `{}`", u.as_str())),
            f.timezone
                .as_ref()
                .map_or("no time zone".into(), |z| format!("time zone `{z}`")),
            if f.unit.is_some() {
                ", `assay:unit`"
            } else {
                ""
            },
            if f.timezone.is_some() {
                ", `assay:timezone`"
            } else {
                ""
            },
        ),
        Time | Duration if f.unit.is_some() => format!(
            "`{name}` unit `{}` exported as `assay:unit`; Frictionless `{ft}` has no unit",
            f.unit.map(TimeUnit::as_str).unwrap_or_default()
        ),
        List => format!(
            "`list` exported as Frictionless `{ft}`; `assay:type` and `assay:items` keep the element type"
        ),
        Struct => format!(
            "`struct` exported as Frictionless `{ft}`; `assay:type` and `assay:fields` keep the child fields"
        ),
        Array if f.items.is_some() => {
            "the element type of `array` is exported as `assay:items`; Frictionless has none".into()
        }
        Object if f.fields.is_some() => {
            "the child fields of `object` are exported as `assay:fields`; Frictionless has none"
                .into()
        }
        _ => return None,
    })
}

pub(crate) fn key_value(k: &KeyColumns) -> Value {
    match k {
        KeyColumns::One(c) => Value::String(c.clone()),
        KeyColumns::Many(cs) => json!(cs),
    }
}

pub(crate) fn insert_opt(o: &mut Map<String, Value>, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        o.insert(key.into(), Value::String(v.clone()));
    }
}

pub(crate) fn insert_serialized<T: Serialize>(
    o: &mut Map<String, Value>,
    key: &str,
    v: &Option<T>,
) {
    if let Some(v) = v
        && let Ok(value) = serde_json::to_value(v)
    {
        o.insert(key.into(), value);
    }
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------
