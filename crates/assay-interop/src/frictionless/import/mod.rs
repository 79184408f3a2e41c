//! Import: a Frictionless package (v1 or v2) to a manifest, everything unmapped as a note.

mod field;
mod party;
mod resource;

use super::*;

/// Where a foreign key was read, and the resource it names as written (`None`: its own).
pub(crate) struct ForeignKeyTarget {
    pub(crate) pointer: String,
    pub(crate) resource: Option<String>,
}

/// A resource as read, with the name the package gave it.
pub(crate) struct ImportedResource {
    pub(crate) original_name: Option<String>,
    pub(crate) resource: Resource,
    pub(crate) foreign_keys: Vec<ForeignKeyTarget>,
}

pub(crate) struct Importer {
    pub(crate) v2: bool,
    pub(crate) notes: Vec<Note>,
}

/// What a Frictionless type (and format) becomes.
pub(crate) struct TypeMapping {
    pub(crate) field_type: FieldType,
    pub(crate) items: Option<Box<Field>>,
    pub(crate) fields: Option<Vec<Field>>,
    pub(crate) type_note: Option<String>,
    pub(crate) format_note: Option<String>,
}

impl Importer {
    pub(crate) fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    pub(crate) fn unrecognised(&mut self, pointer: &str, key: &str) {
        self.note(
            pointer,
            format!("unrecognised property `{key}`; not imported"),
        );
    }

    pub(crate) fn no_equivalent(&mut self, pointer: &str, key: &str) {
        self.note(
            pointer,
            format!("`{key}` has no manifest equivalent; not imported"),
        );
    }

    pub(crate) fn text_only(&mut self, pointer: &str, key: &str) {
        self.note(
            pointer,
            format!(
                "`{key}` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
            ),
        );
    }

    pub(crate) fn text(&mut self, v: &Value, pointer: &str) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            other => {
                self.note(
                    pointer,
                    format!("expected text, found {}; not imported", json_kind(other)),
                );
                None
            }
        }
    }

    /// Reads an `assay:` property with serde, noting a value that does not fit.
    pub(crate) fn typed<T: serde::de::DeserializeOwned>(
        &mut self,
        v: &Value,
        pointer: &str,
    ) -> Option<T> {
        match serde_json::from_value(v.clone()) {
            Ok(t) => Some(t),
            Err(e) => {
                self.note(pointer, format!("invalid value ({e}); not imported"));
                None
            }
        }
    }

    pub(crate) fn profile(&mut self, key: &str, v: &Value, pointer: &str) {
        let Some(s) = self.text(v, pointer) else {
            return;
        };
        let standard = match key {
            "profile" => {
                matches!(
                    s.as_str(),
                    "data-package"
                        | "tabular-data-package"
                        | "data-resource"
                        | "tabular-data-resource"
                        | "table-schema"
                ) || s.starts_with("https://specs.frictionlessdata.io/schemas/")
            }
            _ => {
                s.starts_with("https://datapackage.org/profiles/")
                    || s.starts_with("https://specs.frictionlessdata.io/schemas/")
            }
        };
        if !standard {
            self.note(
                pointer,
                format!("custom profile `{s}` is not checked by Assay; not imported"),
            );
        }
    }

    pub(crate) fn package(
        &mut self,
        obj: &Map<String, Value>,
        options: &ImportOptions,
    ) -> Result<Manifest, String> {
        let mut name = None;
        let mut title = None;
        let mut description = None;
        let mut version = None;
        let mut homepage = None;
        let mut keywords = Vec::new();
        let mut licenses = Vec::new();
        let mut owner = None;
        let mut steward = None;
        let mut sources = Vec::new();
        let mut temporal = None;
        let mut spatial = None;
        let mut lineage = None;
        let mut title_zh = None;
        let mut description_zh = None;
        let mut field_standard = false;
        let mut conforms_to = None;
        let mut scenario = None;
        let mut ml = None;
        let mut standards = Vec::new();
        let mut sensitivity = options.sensitivity;
        let mut resources = Vec::new();
        for (key, value) in obj {
            let p = pointer("", key);
            match key.as_str() {
                "$schema" | "profile" => self.profile(key, value, &p),
                "name" => {
                    name = self.text(value, &p).map(|n| match &options.name {
                        Some(chosen) => chosen.clone(),
                        None => self.machine_name(&n, &p, "dataset", || "dataset".into()),
                    });
                }
                "title" => title = self.text(value, &p),
                "description" => description = self.text(value, &p),
                "homepage" => homepage = self.text(value, &p),
                "version" => version = Some(self.version(value, &p)),
                "keywords" => keywords = self.strings(value, &p),
                "license" => licenses.extend(self.license(value, &p)),
                "licenses" => match value {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            licenses.extend(self.license(item, &format!("{p}/{i}")));
                        }
                    }
                    other => self.note(
                        &p,
                        format!("expected a list, found {}; not imported", json_kind(other)),
                    ),
                },
                "contributors" => self.contributors(value, &p, &mut owner, &mut steward),
                "sources" => sources = self.sources(value, &p),
                "resources" => {
                    if let Value::Array(items) = value {
                        for (i, item) in items.iter().enumerate() {
                            resources.extend(self.resource(item, &format!("{p}/{i}"), i));
                        }
                    }
                }
                "id" | "created" | "image" => self.no_equivalent(&p, key),
                "assay:field" => {
                    if let Some(code) = self.text(value, &p)
                        && code != options.field
                    {
                        self.note(
                            &p,
                            format!(
                                "the package's field is `{code}`; `{}` from the import options is used",
                                options.field
                            ),
                        );
                    }
                }
                "assay:sensitivity" => {
                    if let Some(s) = self.typed::<Sensitivity>(value, &p) {
                        sensitivity = self.sensitivity(s, options.sensitivity, &p);
                    }
                }
                "assay:temporal" => temporal = self.typed::<TemporalCoverage>(value, &p),
                "assay:spatial" => spatial = self.typed::<SpatialCoverage>(value, &p),
                "assay:lineage" => lineage = self.typed::<Lineage>(value, &p),
                "assay:titleZh" => title_zh = self.text(value, &p),
                "assay:descriptionZh" => description_zh = self.text(value, &p),
                "assay:fieldStandard" => {
                    field_standard = self.typed::<bool>(value, &p).unwrap_or(false)
                }
                "assay:conformsTo" => conforms_to = self.typed::<ConformsTo>(value, &p),
                "assay:scenario" => scenario = self.typed::<Scenario>(value, &p),
                "assay:ml" => ml = self.typed::<assay_model::ml::Ml>(value, &p),
                "assay:standards" => {
                    standards = self
                        .typed::<Vec<StandardRef>>(value, &p)
                        .unwrap_or_default()
                }
                _ => self.unrecognised(&p, key),
            }
        }
        let resources = self.resolve_foreign_keys(resources);
        if resources.is_empty() {
            return Err(
                "the package has no resource Assay can describe (each needs a name, a path and a schema with fields)"
                    .into(),
            );
        }
        let name = match (&options.name, name) {
            (Some(n), _) => n.clone(),
            (None, Some(n)) => n,
            (None, None) => {
                let fallback = title
                    .as_deref()
                    .map(sanitize_name)
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "dataset".into());
                self.note(
                    "/name",
                    format!("the package has no `name`; named `{fallback}`"),
                );
                fallback
            }
        };
        let version = version.unwrap_or_else(|| {
            self.note(
                "/version",
                format!("the package has no `version`; set to `{DEFAULT_VERSION}`"),
            );
            DEFAULT_VERSION.into()
        });
        Ok(Manifest {
            assay: MANIFEST_FORMAT_VERSION,
            name,
            title,
            title_zh,
            version,
            field: options.field.clone(),
            field_standard,
            conforms_to,
            description,
            description_zh,
            scenario,
            standards,
            keywords,
            licenses: merge_license_expressions(licenses),
            owner,
            steward,
            sensitivity,
            temporal,
            spatial,
            homepage,
            sources,
            resources,
            lineage,
            ml,
        })
    }

    /// The package's version when it is a semantic version, else [`DEFAULT_VERSION`].
    pub(crate) fn version(&mut self, v: &Value, p: &str) -> String {
        match v {
            Value::String(s) if semver::Version::parse(s).is_ok() => s.clone(),
            other => {
                self.note(
                    p,
                    format!(
                        "{} is not a semantic version; set to `{DEFAULT_VERSION}`",
                        render(other)
                    ),
                );
                DEFAULT_VERSION.into()
            }
        }
    }

    pub(crate) fn sensitivity(
        &mut self,
        declared: Sensitivity,
        requested: Sensitivity,
        p: &str,
    ) -> Sensitivity {
        if declared > requested {
            self.note(
                p,
                format!(
                    "the package is `{}`, stricter than the requested `{}`; kept `{}`",
                    declared.as_str(),
                    requested.as_str(),
                    declared.as_str()
                ),
            );
        } else if declared < requested {
            self.note(
                p,
                format!(
                    "the package is `{}`; the requested `{}` is stricter and is used",
                    declared.as_str(),
                    requested.as_str()
                ),
            );
        }
        declared.max(requested)
    }

    /// `raw` as a machine name, made valid (with a note) when it is not.
    pub(crate) fn machine_name(
        &mut self,
        raw: &str,
        p: &str,
        what: &str,
        fallback: impl FnOnce() -> String,
    ) -> String {
        if is_machine_name(raw) {
            return raw.to_string();
        }
        let mut fixed = sanitize_name(raw);
        if fixed.is_empty() {
            fixed = fallback();
        }
        self.note(
            p,
            format!(
                "`{raw}` is not a valid {what} name (lowercase letters, digits, `.`, `_`, `-`); renamed `{fixed}`"
            ),
        );
        fixed
    }

    pub(crate) fn strings(&mut self, v: &Value, p: &str) -> Vec<String> {
        let Value::Array(items) = v else {
            self.note(
                p,
                format!("expected a list, found {}; not imported", json_kind(v)),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            out.extend(self.text(item, &format!("{p}/{i}")));
        }
        out
    }
}
