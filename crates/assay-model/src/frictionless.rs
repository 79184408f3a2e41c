//! Frictionless Data Package import and export: turning a `datapackage.json` (v1 or v2) into a
//! manifest, and a manifest into a Frictionless v2 `datapackage.json`.
//!
//! The manifest is a superset of Frictionless v2 Table Schema (see [`crate::manifest`]), so most
//! of a package carries over by name: `name`, `title`, `description`, `version`, `keywords`,
//! `licenses`, `sources`, `homepage`, and per resource `name`, `path`, `schema` with `fields`,
//! `constraints`, `primaryKey`, `uniqueKeys`, `foreignKeys` and `fieldsMatch`. Neither direction
//! is lossless, and neither drops anything silently: whatever has no place on the other side is
//! reported as a [`Note`] that names it by JSON Pointer.
//!
//! # Import
//!
//! [`import`] reads a package as JSON. Frictionless describes *text* files (CSV mostly) while
//! Assay validates typed Parquet columns, so everything about parsing text (`missingValues`,
//! `trueValues`, `decimalChar`, date `format` patterns, `dialect`, `encoding` …) does not apply and
//! becomes a note. A package has no industrial field and no sensitivity; both come from
//! [`ImportOptions`]. A resource that Assay cannot read at all (inline `data`, a schema given by
//! reference, no fields) is left out with a note; `Err` is only for input that is not a data
//! package (not an object, no `resources` array, or no resource that could be imported) or for
//! invalid options.
//!
//! | Frictionless `type` (`format`) | manifest `type` | note |
//! |---|---|---|
//! | `string` | `string` | formats `email`, `uri`, `uuid` are not checked |
//! | `string` (`binary`) | `binary` | base64 text in Frictionless, bytes in Parquet |
//! | `number` | `number` (any float or decimal) | |
//! | `integer` | `integer` (any integer width) | |
//! | `boolean` | `boolean` | |
//! | `date`, `time`, `datetime` | `date`, `time`, `datetime` | a `format` other than `default` |
//! | `year` | `integer` | yes |
//! | `yearmonth` | `string` | yes |
//! | `duration` | `duration` | yes: Arrow durations have a fixed length |
//! | `geopoint` | `string`; (`array`) `array` of `number`; (`object`) `object` with `lon`, `lat` | yes |
//! | `geojson` | `string` | yes |
//! | `object` | `object` | |
//! | `array` | `array` | |
//! | `list` (v2) | `array`, items from `itemType` | yes; `delimiter` too |
//! | `any` | `any` | |
//! | absent | `string` (v1), `any` (v2) | |
//! | anything else | `any` | yes |
//!
//! Constraints keep their names. Bounds and `enum` values are converted to what the manifest
//! expects for the column type (numeric text becomes a number); a constraint that does not fit the
//! type, or a `pattern` that is not a valid Rust regular expression, is left out with a note,
//! since leaving it in would make the manifest fail `assay lint`. Licenses are mapped to SPDX:
//! Open Definition ids such as `odc-pddl` and differently-cased SPDX ids are translated, anything
//! else becomes `LicenseRef-<name>` with the original kept as `title`. The first contributor with a
//! role `author`, `publisher`, `maintainer`, `creator` or `rightsHolder` becomes the `owner`, the
//! first with `dataCurator` or `steward` the `steward`.
//!
//! # Export
//!
//! [`export`] writes a Frictionless v2 package (`$schema`
//! `https://datapackage.org/profiles/2.0/datapackage.json`) that validates against the official
//! v2 profile. Every resource is `format: parquet`, `mediatype: application/vnd.apache.parquet`.
//!
//! | manifest `type` | Frictionless `type` |
//! |---|---|
//! | `bool`, `boolean` | `boolean` |
//! | `int8` … `uint64`, `integer` | `integer` |
//! | `float16`, `float32`, `float64`, `decimal`, `number` | `number` |
//! | `string`, `large_string` | `string` |
//! | `binary` | `string` with `format: binary` |
//! | `date` | `date` |
//! | `time` | `time` |
//! | `timestamp`, `datetime` | `datetime` |
//! | `duration` | `duration` |
//! | `list`, `array` | `array` |
//! | `struct`, `object` | `object` |
//! | `any` | `any` |
//!
//! Frictionless v2 allows properties of its own on every descriptor (the profiles close no
//! object), so what Assay knows beyond Frictionless is written under namespaced `assay:`
//! properties rather than lost: `assay:field`, `assay:sensitivity`, `assay:temporal`,
//! `assay:spatial`, `assay:lineage` on the package; `assay:checks` on a resource;
//! `assay:fieldsMatch` on a schema; `assay:type`, `assay:unit`, `assay:timezone`,
//! `assay:precision`, `assay:scale`, `assay:items`, `assay:fields`, `assay:unitOfMeasure` on a
//! field; `assay:role` on a contributor; `assay:expression` on licenses split from one SPDX
//! expression. Each is also listed as a note, because other Frictionless tools ignore it.
//! [`import`] reads them back, so `import(export(m))` gives `m` again, except that a one-column
//! `uniqueKeys` item and a foreign key mixing a name with a list come back as lists (the profile
//! allows no other spelling), and glob paths get an import note.
//!
//! `fieldsMatch` is the one standard property written under `assay:`: the v2 profile types it as
//! an array while the standard text says it is a string (frictionlessdata/datapackage#965), so
//! neither spelling is both valid and correct. Import accepts the string, the one-item array and
//! `assay:fieldsMatch`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Number, Value, json};

use crate::check::{Check, IsoDuration};
use crate::manifest::{
    Constraints, Field, FieldType, FieldsMatch, ForeignKey, ForeignKeyReference, Format,
    KeyColumns, License, Lineage, MANIFEST_FORMAT_VERSION, Manifest, Party, PathSpec, Resource,
    Sensitivity, Source, SpatialCoverage, TableSchema, TemporalCoverage, TimeUnit, TypeFamily,
};
use crate::scalar::Scalar;
use crate::source::escape_pointer_token;

/// The `$schema` written by [`export`]: the Frictionless Data Package v2 profile.
pub const DATAPACKAGE_V2_PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";

/// The media type of Parquet files (IANA-registered), written on every exported resource.
pub const PARQUET_MEDIA_TYPE: &str = "application/vnd.apache.parquet";

/// The version given to an imported package without a semantic version.
pub const DEFAULT_VERSION: &str = "0.1.0";

/// What [`import`] needs besides the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The industrial field code (`IF-C341`). Required: Frictionless has no industrial field. An
    /// `assay:field` in the package is overridden (with a note) when it differs.
    pub field: String,
    /// The dataset name; `None` takes the package's `name` (made a valid machine name if needed).
    pub name: Option<String>,
    /// Who may see the data. An `assay:sensitivity` in the package that is stricter wins: an
    /// import never loosens a package's classification.
    pub sensitivity: Sensitivity,
}

impl ImportOptions {
    /// Options for `field`, with the package's own name and sensitivity `internal`.
    pub fn new(field: impl Into<String>) -> Self {
        ImportOptions {
            field: field.into(),
            name: None,
            sensitivity: Sensitivity::Internal,
        }
    }
}

/// The outcome of [`import`]: the manifest and everything that did not carry over exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The manifest built from the package.
    pub manifest: Manifest,
    /// What was approximated, defaulted or left out, in the order met.
    pub notes: Vec<Note>,
}

/// Something a conversion approximated, defaulted or left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// JSON Pointer into the input: the package for [`import`], the manifest for [`export`]
    /// (`/resources/0/schema/fields/3/constraints/jsonSchema`).
    pub pointer: String,
    /// What happened, and where it helps, what to do.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

/// Builds a manifest from a Frictionless Data Package (v1 or v2), with a note for everything that
/// does not carry over exactly.
///
/// `Err` when `package` is not a data package (not a JSON object, no `resources` array, or not
/// one resource Assay can describe), or when `options` hold an invalid field code or name.
pub fn import(package: &Value, options: &ImportOptions) -> Result<Imported, String> {
    let Some(obj) = package.as_object() else {
        return Err(format!(
            "a data package descriptor is a JSON object, not {}",
            json_kind(package)
        ));
    };
    match obj.get("resources") {
        Some(Value::Array(_)) => {}
        Some(other) => {
            return Err(format!(
                "not a data package: `resources` is {}, not an array",
                json_kind(other)
            ));
        }
        None => return Err("not a data package: it has no `resources`".into()),
    }
    if !crate::is_field_code(&options.field) {
        return Err(format!(
            "`{}` is not an industrial field code (`IF-` and a section letter and digits, e.g. `IF-C341`)",
            options.field
        ));
    }
    if let Some(name) = &options.name
        && !is_machine_name(name)
    {
        return Err(format!(
            "`{name}` is not a dataset name: lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit"
        ));
    }
    let mut importer = Importer {
        v2: is_v2(obj),
        notes: Vec::new(),
    };
    let manifest = importer.package(obj, options)?;
    Ok(Imported {
        manifest,
        notes: importer.notes,
    })
}

/// v2 packages declare a v2 profile in `$schema`; without one a package is v1 (the v2 profile's
/// own default for `$schema` is the v1 profile).
fn is_v2(obj: &Map<String, Value>) -> bool {
    obj.get("$schema")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.contains("/1.0/"))
}

/// Contributor roles that make the owner (v1 vocabulary, and the v2 / DataCite equivalents).
const OWNER_ROLES: [&str; 5] = [
    "author",
    "publisher",
    "maintainer",
    "creator",
    "rightsholder",
];
/// Contributor roles that make the steward.
const STEWARD_ROLES: [&str; 2] = ["datacurator", "steward"];

/// Open Definition license ids (used by Frictionless v1) that have an SPDX equivalent, lowercase.
const OPEN_DEFINITION_TO_SPDX: [(&str, &str); 7] = [
    ("odc-pddl", "PDDL-1.0"),
    ("odc-pddl-1.0", "PDDL-1.0"),
    ("odc-odbl", "ODbL-1.0"),
    ("odc-odbl-1.0", "ODbL-1.0"),
    ("odc-by", "ODC-By-1.0"),
    ("odc-by-1.0", "ODC-By-1.0"),
    ("cc-zero", "CC0-1.0"),
];

/// Where a foreign key was read, and the resource it names as written (`None`: its own).
struct ForeignKeyTarget {
    pointer: String,
    resource: Option<String>,
}

/// A resource as read, with the name the package gave it.
struct ImportedResource {
    original_name: Option<String>,
    resource: Resource,
    foreign_keys: Vec<ForeignKeyTarget>,
}

struct Importer {
    v2: bool,
    notes: Vec<Note>,
}

/// What a Frictionless type (and format) becomes.
struct TypeMapping {
    field_type: FieldType,
    items: Option<Box<Field>>,
    fields: Option<Vec<Field>>,
    type_note: Option<String>,
    format_note: Option<String>,
}

impl Importer {
    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    fn unrecognised(&mut self, pointer: &str, key: &str) {
        self.note(
            pointer,
            format!("unrecognised property `{key}`; not imported"),
        );
    }

    fn no_equivalent(&mut self, pointer: &str, key: &str) {
        self.note(
            pointer,
            format!("`{key}` has no manifest equivalent; not imported"),
        );
    }

    fn text_only(&mut self, pointer: &str, key: &str) {
        self.note(
            pointer,
            format!(
                "`{key}` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
            ),
        );
    }

    fn text(&mut self, v: &Value, pointer: &str) -> Option<String> {
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
    fn typed<T: serde::de::DeserializeOwned>(&mut self, v: &Value, pointer: &str) -> Option<T> {
        match serde_json::from_value(v.clone()) {
            Ok(t) => Some(t),
            Err(e) => {
                self.note(pointer, format!("invalid value ({e}); not imported"));
                None
            }
        }
    }

    fn profile(&mut self, key: &str, v: &Value, pointer: &str) {
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

    fn package(
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
            version,
            field: options.field.clone(),
            description,
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
        })
    }

    /// The package's version when it is a semantic version, else [`DEFAULT_VERSION`].
    fn version(&mut self, v: &Value, p: &str) -> String {
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

    fn sensitivity(
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
    fn machine_name(
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

    fn strings(&mut self, v: &Value, p: &str) -> Vec<String> {
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

    /// One license (`licenses` item, or v1 `license` as text or object), with the SPDX expression
    /// it was split from by [`export`], if any.
    fn license(&mut self, v: &Value, p: &str) -> Option<(License, Option<String>)> {
        let (mut name, mut path, mut title, mut expression) = (None, None, None, None);
        let mut name_pointer = p.to_string();
        match v {
            Value::String(s) => name = Some(s.clone()),
            Value::Object(obj) => {
                for (key, value) in obj {
                    let kp = pointer(p, key);
                    match key.as_str() {
                        "name" => {
                            name = self.text(value, &kp);
                            name_pointer = kp;
                        }
                        "path" => path = self.text(value, &kp),
                        "title" => title = self.text(value, &kp),
                        "assay:expression" => expression = self.text(value, &kp),
                        _ => self.unrecognised(&kp, key),
                    }
                }
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a license is text or an object, not {}; not imported",
                        json_kind(other)
                    ),
                );
                return None;
            }
        }
        let name = match name {
            Some(n) => self.spdx_name(&n, &name_pointer, &mut title),
            None => {
                let fixed = license_ref(title.as_deref().unwrap_or("Unnamed"));
                self.note(p, format!("the license has no `name`; named `{fixed}`"));
                fixed
            }
        };
        Some((License { name, path, title }, expression))
    }

    /// An SPDX expression for a Frictionless license name.
    fn spdx_name(&mut self, name: &str, p: &str, title: &mut Option<String>) -> String {
        if spdx::Expression::parse(name).is_ok() {
            return name.to_string();
        }
        let lower = name.to_ascii_lowercase();
        let known = OPEN_DEFINITION_TO_SPDX
            .iter()
            .find(|(od, _)| *od == lower)
            .map(|(_, id)| *id)
            .or_else(|| {
                spdx::identifiers::LICENSES
                    .iter()
                    .find(|l| l.name.eq_ignore_ascii_case(name))
                    .map(|l| l.name)
            });
        if let Some(id) = known {
            self.note(p, format!("license `{name}` read as SPDX `{id}`"));
            return id.to_string();
        }
        let fixed = license_ref(name);
        if title.is_none() {
            *title = Some(name.to_string());
        }
        self.note(
            p,
            format!(
                "license `{name}` is not an SPDX identifier; named `{fixed}`, with the original as its title"
            ),
        );
        fixed
    }

    fn contributors(
        &mut self,
        v: &Value,
        p: &str,
        owner: &mut Option<Party>,
        steward: &mut Option<Party>,
    ) {
        let Value::Array(items) = v else {
            self.note(
                p,
                format!("expected a list, found {}; not imported", json_kind(v)),
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let cp = format!("{p}/{i}");
            let Value::Object(obj) = item else {
                self.note(
                    &cp,
                    format!(
                        "a contributor is an object, not {}; not imported",
                        json_kind(item)
                    ),
                );
                continue;
            };
            let mut roles: Vec<String> = Vec::new();
            if let Some(Value::String(r)) = obj.get("role") {
                roles.push(r.clone());
            }
            if let Some(Value::Array(rs)) = obj.get("roles") {
                roles.extend(rs.iter().filter_map(Value::as_str).map(str::to_string));
            }
            let has = |set: &[&str]| {
                roles
                    .iter()
                    .any(|r| set.contains(&r.to_ascii_lowercase().as_str()))
            };
            let label = obj
                .get("title")
                .or_else(|| obj.get("email"))
                .and_then(Value::as_str)
                .map(|s| format!("`{s}`"))
                .unwrap_or_else(|| format!("#{i}"));
            let (is_owner, is_steward) = (has(&OWNER_ROLES), has(&STEWARD_ROLES));
            let slot = if is_owner && owner.is_none() {
                &mut *owner
            } else if is_steward && steward.is_none() {
                &mut *steward
            } else {
                let roles = if roles.is_empty() {
                    "no role".to_string()
                } else {
                    format!("role `{}`", roles.join("`, `"))
                };
                let why = if is_owner || is_steward {
                    "the manifest has one owner and one steward, taken by earlier contributors"
                } else {
                    "only an owner (author, publisher, maintainer, creator, rightsHolder) or a steward (dataCurator, steward) has a place in the manifest"
                };
                self.note(
                    &cp,
                    format!("contributor {label} ({roles}): {why}; not imported"),
                );
                continue;
            };
            let party = self.party(obj, &cp);
            if party == Party::default() {
                self.note(
                    &cp,
                    format!("contributor {label} has no name, organization, e-mail or web page; not imported"),
                );
            } else {
                *slot = Some(party);
            }
        }
    }

    fn party(&mut self, obj: &Map<String, Value>, p: &str) -> Party {
        let mut party = Party::default();
        let (mut title, mut given, mut family) = (None, None, None);
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "title" => title = self.text(value, &kp),
                "givenName" => given = self.text(value, &kp),
                "familyName" => family = self.text(value, &kp),
                "organization" => party.organization = self.text(value, &kp),
                "email" => party.email = self.text(value, &kp),
                "path" => {
                    if let Some(url) = self.text(value, &kp) {
                        if url.starts_with("http://") || url.starts_with("https://") {
                            party.url = Some(url);
                        } else {
                            self.note(&kp, format!("`{url}` is not a web address; not imported"));
                        }
                    }
                }
                "role" | "roles" => {}
                "assay:role" => party.role = self.text(value, &kp),
                _ => self.unrecognised(&kp, key),
            }
        }
        let full_name = match (given, family) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (g, f) => g.or(f),
        };
        party.name = match (title, full_name) {
            (Some(t), Some(n)) => {
                if t != n {
                    self.note(
                        p,
                        format!("`givenName`/`familyName` `{n}` differ from `title` `{t}`; the title is used"),
                    );
                }
                Some(t)
            }
            (t, n) => t.or(n),
        };
        if party.name.is_some() && party.name == party.organization {
            party.name = None;
        }
        party
    }

    fn sources(&mut self, v: &Value, p: &str) -> Vec<Source> {
        let Value::Array(items) = v else {
            self.note(
                p,
                format!("expected a list, found {}; not imported", json_kind(v)),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let sp = format!("{p}/{i}");
            let Value::Object(obj) = item else {
                self.note(
                    &sp,
                    format!(
                        "a source is an object, not {}; not imported",
                        json_kind(item)
                    ),
                );
                continue;
            };
            let (mut title, mut path, mut email) = (None, None, None);
            for (key, value) in obj {
                let kp = pointer(&sp, key);
                match key.as_str() {
                    "title" => title = self.text(value, &kp),
                    "path" => path = self.text(value, &kp),
                    "email" => email = self.text(value, &kp),
                    "version" => self.no_equivalent(&kp, key),
                    _ => self.unrecognised(&kp, key),
                }
            }
            let title = match title {
                Some(t) => t,
                None => match path.clone().or_else(|| email.clone()) {
                    Some(t) => {
                        self.note(&sp, format!("the source has no `title`; titled `{t}`"));
                        t
                    }
                    None => {
                        self.note(&sp, "the source has no title, path or e-mail; not imported");
                        continue;
                    }
                },
            };
            out.push(Source { title, path, email });
        }
        out
    }

    fn resource(&mut self, v: &Value, p: &str, index: usize) -> Option<ImportedResource> {
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!(
                    "a resource is an object, not {}; not imported",
                    json_kind(v)
                ),
            );
            return None;
        };
        let original_name = match obj.get("name") {
            Some(Value::String(n)) => Some(n.clone()),
            Some(other) => {
                self.text(other, &pointer(p, "name"));
                None
            }
            None => None,
        };
        let fallback = format!("resource-{}", index + 1);
        let name = match &original_name {
            Some(n) => self.machine_name(n, &pointer(p, "name"), "resource", || fallback),
            None => {
                self.note(p, format!("the resource has no `name`; named `{fallback}`"));
                fallback
            }
        };
        let (mut title, mut description, mut path, mut schema) = (None, None, None, None);
        let mut checks = Vec::new();
        let mut has_data = false;
        let format_declared = obj.get("format").is_some();
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "name" => {}
                "title" => title = self.text(value, &kp),
                "description" => description = self.text(value, &kp),
                "path" => path = self.paths(value, &kp, format_declared),
                "data" => has_data = true,
                "format" => {
                    if let Some(f) = self.text(value, &kp)
                        && !f.eq_ignore_ascii_case("parquet")
                    {
                        self.note(
                            &kp,
                            format!(
                                "`{f}` files cannot be validated by Assay, which reads Parquet; the path is kept, convert the files to Parquet"
                            ),
                        );
                    }
                }
                "mediatype" | "mediaType" => {
                    if let Some(m) = self.text(value, &kp)
                        && !is_parquet_media_type(&m)
                    {
                        self.note(
                            &kp,
                            format!("media type `{m}` is not Parquet; not imported"),
                        );
                    }
                }
                "encoding" | "dialect" => self.text_only(&kp, key),
                "bytes" | "hash" => self.note(
                    &kp,
                    format!(
                        "`{key}` is not imported; `assay lock` records sizes and digests in `dataset.lock`"
                    ),
                ),
                "sources" | "licenses" | "homepage" => self.note(
                    &kp,
                    format!(
                        "`{key}` of a resource has no manifest equivalent (a dataset has them, a resource does not); not imported"
                    ),
                ),
                "type" => {
                    if value.as_str() != Some("table") {
                        self.note(
                            &kp,
                            format!(
                                "resource type {} is not `table`; not imported",
                                render(value)
                            ),
                        );
                    }
                }
                "$schema" | "profile" => self.profile(key, value, &kp),
                "schema" => schema = self.schema(value, &kp),
                "assay:checks" => {
                    if let Value::Array(items) = value {
                        for (i, c) in items.iter().enumerate() {
                            checks.extend(self.typed::<Check>(c, &format!("{kp}/{i}")));
                        }
                    } else {
                        self.typed::<Vec<Check>>(value, &kp);
                    }
                }
                _ => self.unrecognised(&kp, key),
            }
        }
        let Some(path) = path else {
            if has_data {
                self.note(
                    &pointer(p, "data"),
                    format!(
                        "resource `{name}` holds inline `data`; Assay validates Parquet files, so the resource is not imported"
                    ),
                );
            } else if obj.get("path").is_none() {
                self.note(p, format!("resource `{name}` has no `path`; not imported"));
            }
            return None;
        };
        let Some((schema, foreign_keys)) = schema else {
            if obj.get("schema").is_none() {
                self.note(
                    p,
                    format!(
                        "resource `{name}` has no `schema`; Assay needs the columns; not imported"
                    ),
                );
            }
            return None;
        };
        Some(ImportedResource {
            original_name,
            resource: Resource {
                name,
                title,
                description,
                path,
                format: Format::Parquet,
                schema,
                checks,
            },
            foreign_keys,
        })
    }

    fn paths(&mut self, v: &Value, p: &str, format_declared: bool) -> Option<PathSpec> {
        match v {
            Value::String(s) => {
                self.path(s, p, format_declared);
                Some(PathSpec::One(s.clone()))
            }
            Value::Array(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let ip = format!("{p}/{i}");
                    if let Some(s) = self.text(item, &ip) {
                        self.path(&s, &ip, format_declared);
                        out.push(s);
                    }
                }
                (!out.is_empty()).then_some(PathSpec::Many(out))
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a path is text or a non-empty list of text, not {}; the resource is not imported",
                        render(other)
                    ),
                );
                None
            }
        }
    }

    fn path(&mut self, path: &str, p: &str, format_declared: bool) {
        if path.contains("://") {
            self.note(
                p,
                format!(
                    "`{path}` is a URL; Assay reads files inside the dataset folder, so it cannot validate it: download the file beside the manifest"
                ),
            );
            return;
        }
        if let Err(problem) = crate::paths::check_pattern(path) {
            self.note(p, format!("{problem}; kept, fix it before `assay lint`"));
            return;
        }
        if path.contains(['*', '?', '[', '{']) {
            self.note(
                p,
                format!("`{path}` contains glob characters (`*`, `?`, `[`, `{{`); Assay reads it as a glob"),
            );
        }
        let lower = path.to_ascii_lowercase();
        if !format_declared
            && ![".parquet", ".parq", ".pq"]
                .iter()
                .any(|e| lower.ends_with(e))
        {
            self.note(
                p,
                format!(
                    "`{path}` does not look like a Parquet file; Assay validates Parquet only: convert it"
                ),
            );
        }
    }

    fn schema(&mut self, v: &Value, p: &str) -> Option<(TableSchema, Vec<ForeignKeyTarget>)> {
        let obj = match v {
            Value::Object(obj) => obj,
            Value::String(s) => {
                self.note(
                    p,
                    format!(
                        "the schema is a reference (`{s}`) that Assay does not fetch; put the Table Schema inline; the resource is not imported"
                    ),
                );
                return None;
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a schema is an object, not {}; the resource is not imported",
                        json_kind(other)
                    ),
                );
                return None;
            }
        };
        let mut fields = Vec::new();
        let mut fields_match = FieldsMatch::Exact;
        let mut primary_key = None;
        let mut unique_keys = Vec::new();
        let mut foreign_keys = Vec::new();
        let mut pending = Vec::new();
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "fields" => {
                    if let Value::Array(items) = value {
                        for (i, f) in items.iter().enumerate() {
                            fields.extend(self.field(f, &format!("{kp}/{i}")));
                        }
                    } else {
                        self.note(
                            &kp,
                            format!("expected a list, found {}; not imported", json_kind(value)),
                        );
                    }
                }
                "fieldsMatch" | "assay:fieldsMatch" => {
                    if let Some(m) = self.fields_match(value, &kp) {
                        fields_match = m;
                    }
                }
                "primaryKey" => primary_key = self.key_columns(value, &kp),
                "uniqueKeys" => match value {
                    Value::Array(items) => {
                        for (i, k) in items.iter().enumerate() {
                            unique_keys.extend(self.key_columns(k, &format!("{kp}/{i}")));
                        }
                    }
                    other => self.note(
                        &kp,
                        format!("expected a list, found {}; not imported", json_kind(other)),
                    ),
                },
                "foreignKeys" => match value {
                    Value::Array(items) => {
                        for (i, k) in items.iter().enumerate() {
                            let fp = format!("{kp}/{i}");
                            if let Some((fk, target)) = self.foreign_key(k, &fp) {
                                foreign_keys.push(fk);
                                pending.push(ForeignKeyTarget {
                                    pointer: fp,
                                    resource: target,
                                });
                            }
                        }
                    }
                    other => self.note(
                        &kp,
                        format!("expected a list, found {}; not imported", json_kind(other)),
                    ),
                },
                "missingValues" => self.text_only(&kp, key),
                "$schema" | "profile" => self.profile(key, value, &kp),
                _ => self.unrecognised(&kp, key),
            }
        }
        if fields.is_empty() {
            self.note(
                p,
                "the schema declares no usable field; the resource is not imported",
            );
            return None;
        }
        Some((
            TableSchema {
                fields,
                fields_match,
                primary_key,
                unique_keys,
                foreign_keys,
            },
            pending,
        ))
    }

    fn fields_match(&mut self, v: &Value, p: &str) -> Option<FieldsMatch> {
        let text = match v {
            Value::String(s) => s.clone(),
            // The v2 profile (wrongly) types `fieldsMatch` as an array; accept its one item.
            Value::Array(items) if items.len() == 1 && items[0].is_string() => {
                items[0].as_str().unwrap_or_default().to_string()
            }
            other => {
                self.note(
                    p,
                    format!(
                        "`fieldsMatch` is one of exact, equal, subset, superset, partial, not {}; `exact` is used",
                        render(other)
                    ),
                );
                return None;
            }
        };
        let parsed = self.typed::<FieldsMatch>(&Value::String(text), p);
        if v.is_array()
            && let Some(m) = parsed
        {
            self.note(
                p,
                format!(
                    "`fieldsMatch` written as a list (the v2 profile's typing); read as `{}`",
                    m.as_str()
                ),
            );
        }
        parsed
    }

    fn key_columns(&mut self, v: &Value, p: &str) -> Option<KeyColumns> {
        match v {
            Value::String(s) => Some(KeyColumns::One(s.clone())),
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
                Some(KeyColumns::Many(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                ))
            }
            other => {
                self.note(
                    p,
                    format!(
                        "a key is a column name or a non-empty list of them, not {}; not imported",
                        render(other)
                    ),
                );
                None
            }
        }
    }

    /// A foreign key and the resource it names as written (`None`: this resource).
    fn foreign_key(&mut self, v: &Value, p: &str) -> Option<(ForeignKey, Option<String>)> {
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!(
                    "a foreign key is an object, not {}; not imported",
                    json_kind(v)
                ),
            );
            return None;
        };
        let mut fields = None;
        let mut reference = None;
        let mut ok = true;
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "fields" => fields = self.key_columns(value, &kp),
                "reference" => {
                    let Value::Object(r) = value else {
                        self.note(
                            &kp,
                            "a reference is an object; the foreign key is not imported",
                        );
                        return None;
                    };
                    let (mut resource, mut ref_fields) = (None, None);
                    for (rk, rv) in r {
                        let rp = pointer(&kp, rk);
                        match rk.as_str() {
                            "resource" => resource = self.text(rv, &rp),
                            "fields" => ref_fields = self.key_columns(rv, &rp),
                            "package" | "datapackage" => {
                                self.note(
                                    &rp,
                                    "a reference into another package has no manifest equivalent; the foreign key is not imported",
                                );
                                ok = false;
                            }
                            _ => self.unrecognised(&rp, rk),
                        }
                    }
                    reference = Some((resource.filter(|r| !r.is_empty()), ref_fields));
                }
                _ => self.unrecognised(&kp, key),
            }
        }
        let (Some(fields), Some((target, Some(ref_fields)))) = (fields, reference) else {
            if ok {
                self.note(
                    p,
                    "the foreign key lacks `fields` or `reference.fields`; not imported",
                );
            }
            return None;
        };
        ok.then(|| {
            (
                ForeignKey {
                    fields,
                    reference: ForeignKeyReference {
                        resource: target.clone(),
                        fields: ref_fields,
                    },
                },
                target,
            )
        })
    }

    /// Points foreign keys at the final resource names; drops those whose resource is gone.
    fn resolve_foreign_keys(&mut self, resources: Vec<ImportedResource>) -> Vec<Resource> {
        let renamed: BTreeMap<String, String> = resources
            .iter()
            .filter_map(|r| {
                r.original_name
                    .clone()
                    .map(|o| (o, r.resource.name.clone()))
            })
            .collect();
        let mut out = Vec::new();
        for ImportedResource {
            mut resource,
            foreign_keys: targets,
            ..
        } in resources
        {
            let keys = std::mem::take(&mut resource.schema.foreign_keys);
            for (mut key, target) in keys.into_iter().zip(targets) {
                if let Some(name) = &target.resource {
                    let Some(new) = renamed.get(name) else {
                        self.note(
                            &target.pointer,
                            format!(
                                "the foreign key refers to resource `{name}`, which was not imported; not imported"
                            ),
                        );
                        continue;
                    };
                    key.reference.resource = Some(new.clone());
                }
                resource.schema.foreign_keys.push(key);
            }
            out.push(resource);
        }
        out
    }

    fn field(&mut self, v: &Value, p: &str) -> Option<Field> {
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!("a field is an object, not {}; not imported", json_kind(v)),
            );
            return None;
        };
        let name = match obj.get("name") {
            Some(Value::String(n)) if !n.is_empty() => n.clone(),
            _ => {
                self.note(p, "the field has no `name`; not imported");
                return None;
            }
        };
        let raw_type = obj.get("type").and_then(Value::as_str);
        let format = obj.get("format").and_then(Value::as_str);
        let mut mapping = map_type(raw_type, format, obj.get("itemType"), self.v2);
        if let Some(exact) = obj.get("assay:type") {
            let ap = pointer(p, "assay:type");
            if let Some(t) = self.typed::<FieldType>(exact, &ap) {
                let (ft, fmt) = frictionless_type(t);
                if Some(ft) == raw_type && fmt.is_none_or(|f| Some(f) == format) {
                    mapping.field_type = t;
                    mapping.items = None;
                    mapping.fields = None;
                    mapping.type_note = None;
                    mapping.format_note = None;
                } else {
                    self.note(
                        &ap,
                        format!(
                            "`{}` does not agree with Frictionless type {}; not imported",
                            t.as_str(),
                            raw_type.map_or("(none)".to_string(), |t| format!("`{t}`"))
                        ),
                    );
                }
            }
        }
        let mut field = plain_field(name, mapping.field_type);
        field.items = mapping.items;
        field.fields = mapping.fields;
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "name" => {}
                "type" => {
                    if !value.is_string() {
                        self.note(
                            &kp,
                            format!(
                                "a type is text, not {}; read as `{}`",
                                json_kind(value),
                                field.field_type.as_str()
                            ),
                        );
                    } else if let Some(n) = mapping.type_note.take() {
                        self.note(&kp, n);
                    }
                }
                "format" => {
                    if let Some(n) = mapping.format_note.take() {
                        self.note(&kp, n);
                    }
                }
                "itemType" => {
                    if raw_type != Some("list") {
                        self.note(&kp, "`itemType` applies to `list` fields only; not imported");
                    }
                }
                "title" => field.title = self.text(value, &kp),
                "description" => field.description = self.text(value, &kp),
                "constraints" => {
                    let mut c = self.constraints(value, &kp, field.field_type);
                    merge_constraints(&mut c, std::mem::take(&mut field.constraints));
                    field.constraints = c;
                }
                "example" | "rdfType" => self.no_equivalent(&kp, key),
                "categories" | "categoriesOrdered" => self.note(
                    &kp,
                    format!(
                        "`{key}` has no manifest equivalent (an `enum` constraint can list the allowed values); not imported"
                    ),
                ),
                "missingValues" | "trueValues" | "falseValues" | "bareNumber" | "decimalChar"
                | "groupChar" | "delimiter" => self.text_only(&kp, key),
                "assay:type" => {}
                "assay:unit" => field.unit = self.typed::<TimeUnit>(value, &kp),
                "assay:timezone" => field.timezone = self.text(value, &kp),
                "assay:precision" => field.precision = self.typed::<u8>(value, &kp),
                "assay:scale" => field.scale = self.typed::<i8>(value, &kp),
                "assay:items" => {
                    field.items = self.typed::<Field>(value, &kp).map(Box::new);
                }
                "assay:fields" => field.fields = self.typed::<Vec<Field>>(value, &kp),
                "assay:unitOfMeasure" => field.unit_of_measure = self.text(value, &kp),
                "assay:constraints" => {
                    if let Some(c) = self.typed::<Constraints>(value, &kp) {
                        merge_constraints(&mut field.constraints, c);
                    }
                }
                _ => self.unrecognised(&kp, key),
            }
        }
        Some(field)
    }

    fn constraints(&mut self, v: &Value, p: &str, t: FieldType) -> Constraints {
        let mut c = Constraints::default();
        let Value::Object(obj) = v else {
            self.note(
                p,
                format!(
                    "constraints are an object, not {}; not imported",
                    json_kind(v)
                ),
            );
            return c;
        };
        let family = t.family();
        for (key, value) in obj {
            let kp = pointer(p, key);
            match key.as_str() {
                "required" | "unique" => match value {
                    Value::Bool(b) => {
                        if key == "required" {
                            c.required = Some(*b);
                        } else {
                            c.unique = Some(*b);
                        }
                    }
                    other => self.note(
                        &kp,
                        format!(
                            "`{key}` is true or false, not {}; not imported",
                            render(other)
                        ),
                    ),
                },
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    let bound = match bound_for(t, value) {
                        Ok(b) => Some(b),
                        Err(why) => {
                            self.note(&kp, format!("`{key}` {why}; not imported"));
                            None
                        }
                    };
                    match key.as_str() {
                        "minimum" => c.minimum = bound,
                        "maximum" => c.maximum = bound,
                        "exclusiveMinimum" => c.exclusive_minimum = bound,
                        _ => c.exclusive_maximum = bound,
                    }
                }
                "minLength" | "maxLength" => {
                    let length = match value.as_u64() {
                        None => {
                            self.note(
                                &kp,
                                format!(
                                    "`{key}` is a non-negative integer, not {}; not imported",
                                    render(value)
                                ),
                            );
                            None
                        }
                        Some(_)
                            if !matches!(
                                family,
                                TypeFamily::String
                                    | TypeFamily::Binary
                                    | TypeFamily::List
                                    | TypeFamily::Any
                            ) =>
                        {
                            self.note(
                                &kp,
                                format!(
                                    "`{key}` applies to strings, binary and lists in Assay, not `{}`; not imported",
                                    t.as_str()
                                ),
                            );
                            None
                        }
                        n => n,
                    };
                    if key == "minLength" {
                        c.min_length = length;
                    } else {
                        c.max_length = length;
                    }
                }
                "pattern" => {
                    let Some(pattern) = self.text(value, &kp) else {
                        continue;
                    };
                    if !matches!(family, TypeFamily::String | TypeFamily::Any) {
                        self.note(
                            &kp,
                            format!(
                                "`pattern` applies to strings in Assay, not `{}`; not imported",
                                t.as_str()
                            ),
                        );
                    } else if let Err(e) = regex::RegexBuilder::new(&pattern)
                        .size_limit(1 << 20)
                        .build()
                    {
                        let detail = e.to_string();
                        let last = detail.lines().last().unwrap_or("").trim().to_string();
                        self.note(
                            &kp,
                            format!(
                                "pattern `{pattern}` is not a Rust regular expression ({last}); not imported"
                            ),
                        );
                    } else {
                        c.pattern = Some(pattern);
                    }
                }
                "enum" => c.enum_values = self.enum_values(value, &kp, t),
                "jsonSchema" => self.no_equivalent(&kp, key),
                _ => self.unrecognised(&kp, key),
            }
        }
        c
    }

    fn enum_values(&mut self, v: &Value, p: &str, t: FieldType) -> Option<Vec<Scalar>> {
        let Value::Array(items) = v else {
            self.note(
                p,
                format!("`enum` is a list, not {}; not imported", json_kind(v)),
            );
            return None;
        };
        if items.is_empty() {
            self.note(p, "`enum` is empty; not imported");
            return None;
        }
        let mut out = Vec::new();
        for item in items {
            match value_for(t, item) {
                Ok(s) => out.push(s),
                Err(why) => {
                    // Dropping single values would reject valid data; drop the whole list.
                    self.note(p, format!("`enum` value {why}; the enum is not imported"));
                    return None;
                }
            }
        }
        Some(out)
    }
}

/// What a Frictionless field `type` (with `format`, and `itemType` for v2 `list`) becomes.
fn map_type(
    raw: Option<&str>,
    format: Option<&str>,
    item_type: Option<&Value>,
    v2: bool,
) -> TypeMapping {
    let format = format.filter(|f| *f != "default");
    let mut m = TypeMapping {
        field_type: FieldType::Any,
        items: None,
        fields: None,
        type_note: None,
        format_note: None,
    };
    let text_format = |f: &str| {
        format!(
            "format `{f}` describes how text is written; Parquet values are typed, so it does not apply; not imported"
        )
    };
    let other_format = |f: &str| format!("format `{f}` has no manifest equivalent; not imported");
    match raw {
        None if v2 => m.field_type = FieldType::Any,
        None | Some("string") => {
            m.field_type = FieldType::String;
            match format {
                Some("binary") => {
                    m.field_type = FieldType::Binary;
                    m.format_note = Some(
                        "format `binary` (base64 text) read as type `binary`: Parquet stores the bytes themselves"
                            .into(),
                    );
                }
                Some(f @ ("email" | "uri" | "uuid")) => {
                    m.format_note = Some(format!(
                        "format `{f}` is not checked by Assay (add a `pattern` constraint to check it); not imported"
                    ));
                }
                Some(f) => m.format_note = Some(other_format(f)),
                None => {}
            }
        }
        Some("number") => {
            m.field_type = FieldType::Number;
            m.format_note = format.map(other_format);
        }
        Some("integer") => {
            m.field_type = FieldType::Integer;
            m.format_note = format.map(other_format);
        }
        Some("boolean") => {
            m.field_type = FieldType::Boolean;
            m.format_note = format.map(other_format);
        }
        Some(t @ ("date" | "time" | "datetime")) => {
            m.field_type = match t {
                "date" => FieldType::Date,
                "time" => FieldType::Time,
                _ => FieldType::Datetime,
            };
            m.format_note = format.map(text_format);
        }
        Some("year") => {
            m.field_type = FieldType::Integer;
            m.type_note = Some(
                "Frictionless `year` read as `integer` (a year number such as 2025); Assay has no year type"
                    .into(),
            );
        }
        Some("yearmonth") => {
            m.field_type = FieldType::String;
            m.type_note = Some(
                "Frictionless `yearmonth` read as `string` (text such as `2025-06`); Assay has no year-month type"
                    .into(),
            );
        }
        Some("duration") => {
            m.field_type = FieldType::Duration;
            m.type_note = Some(
                "Frictionless `duration` (ISO 8601 text, which may count months and years) read as `duration`, a fixed-length Arrow duration"
                    .into(),
            );
        }
        Some("geopoint") => match format {
            Some("array") => {
                m.field_type = FieldType::Array;
                m.items = Some(Box::new(plain_field("item".into(), FieldType::Number)));
                m.type_note = Some(
                    "Frictionless `geopoint` (format `array`) read as an `array` of numbers `[lon, lat]`; Assay has no point type"
                        .into(),
                );
            }
            Some("object") => {
                m.field_type = FieldType::Object;
                m.fields = Some(vec![
                    plain_field("lon".into(), FieldType::Number),
                    plain_field("lat".into(), FieldType::Number),
                ]);
                m.type_note = Some(
                    "Frictionless `geopoint` (format `object`) read as an `object` with number fields `lon` and `lat`; Assay has no point type"
                        .into(),
                );
            }
            _ => {
                m.field_type = FieldType::String;
                m.type_note = Some(
                    "Frictionless `geopoint` read as `string` (text `lon, lat`); Assay has no point type"
                        .into(),
                );
                m.format_note = format.map(other_format);
            }
        },
        Some("geojson") => {
            m.field_type = FieldType::String;
            m.type_note = Some(
                "Frictionless `geojson` read as `string` (GeoJSON text); a GeoParquet geometry column (WKB) would be `binary`"
                    .into(),
            );
            m.format_note = format.map(other_format);
        }
        Some("object") => {
            m.field_type = FieldType::Object;
            m.format_note = format.map(other_format);
        }
        Some("array") => {
            m.field_type = FieldType::Array;
            m.format_note = format.map(other_format);
        }
        Some("list") => {
            m.field_type = FieldType::Array;
            let item = item_type.and_then(Value::as_str).unwrap_or("string");
            let item_mapping = map_type(Some(item), None, None, true);
            m.items = Some(Box::new(plain_field(
                "item".into(),
                item_mapping.field_type,
            )));
            m.type_note = Some(format!(
                "Frictionless `list` (delimited text) read as an `array` of `{}`",
                item_mapping.field_type.as_str()
            ));
            m.format_note = format.map(other_format);
        }
        Some("any") => m.field_type = FieldType::Any,
        Some(other) => {
            m.field_type = FieldType::Any;
            m.type_note = Some(format!(
                "`{other}` is not a Frictionless type; read as `any`"
            ));
        }
    }
    m
}

/// A bound converted to what the manifest expects for type `t`.
fn bound_for(t: FieldType, v: &Value) -> Result<Scalar, String> {
    let family = t.family();
    let shown = render(v);
    match (family, v) {
        (f, _) if !f.is_ordered() => Err(format!(
            "does not apply to `{}` columns, which have no order",
            t.as_str()
        )),
        (TypeFamily::Integer | TypeFamily::Float | TypeFamily::Decimal, _) => number(v)
            .map(Scalar::Number)
            .ok_or_else(|| format!("{shown} is not a number")),
        (TypeFamily::Temporal, Value::String(s)) => {
            let ok = if t == FieldType::Time {
                is_iso_time(s)
            } else {
                crate::lint::is_iso_datetime(s)
            };
            if ok {
                Ok(Scalar::Text(s.clone()))
            } else {
                Err(format!(
                    "{shown} is not an ISO 8601 {}",
                    if t == FieldType::Time {
                        "time"
                    } else {
                        "date or date-time"
                    }
                ))
            }
        }
        (TypeFamily::Duration, Value::Number(n)) => Ok(Scalar::Number(n.clone())),
        (TypeFamily::Duration, Value::String(s)) => IsoDuration::parse(s)
            .map(|_| Scalar::Text(s.clone()))
            .map_err(|_| {
                format!("{shown} is not a fixed-length ISO 8601 duration (weeks, days, hours, minutes, seconds)")
            }),
        (TypeFamily::String, Value::String(s)) => Ok(Scalar::Text(s.clone())),
        (TypeFamily::Any, Value::String(s)) => Ok(Scalar::Text(s.clone())),
        (TypeFamily::Any, Value::Number(n)) => Ok(Scalar::Number(n.clone())),
        (TypeFamily::Any, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
        _ => Err(format!("{shown} does not fit a `{}` column", t.as_str())),
    }
}

/// An `enum` value converted to what the manifest expects for type `t`.
fn value_for(t: FieldType, v: &Value) -> Result<Scalar, String> {
    let shown = render(v);
    match (t.family(), v) {
        (TypeFamily::Binary | TypeFamily::List | TypeFamily::Struct, _) => Err(format!(
            "{shown}: Assay has no `enum` for `{}` columns",
            t.as_str()
        )),
        (TypeFamily::Boolean, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
        (TypeFamily::Boolean, Value::String(s)) if s == "true" || s == "false" => {
            Ok(Scalar::Bool(s == "true"))
        }
        (TypeFamily::Integer, _) => match number(v) {
            Some(n) if n.is_i64() || n.is_u64() => Ok(Scalar::Number(n)),
            _ => Err(format!("{shown} is not a whole number")),
        },
        (TypeFamily::Float | TypeFamily::Decimal, _) => number(v)
            .map(Scalar::Number)
            .ok_or_else(|| format!("{shown} is not a number")),
        (TypeFamily::String | TypeFamily::Any, Value::String(s)) => Ok(Scalar::Text(s.clone())),
        (TypeFamily::String | TypeFamily::Any, Value::Number(n)) => Ok(Scalar::Number(n.clone())),
        (TypeFamily::String | TypeFamily::Any, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
        (TypeFamily::Temporal | TypeFamily::Duration, _) => bound_for(t, v),
        _ => Err(format!("{shown} is not a `{}` value", t.as_str())),
    }
}

/// A number, or text that spells one (Frictionless v2 allows bounds as text).
fn number(v: &Value) -> Option<Number> {
    match v {
        Value::Number(n) => Some(n.clone()),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(i) = s.parse::<i64>() {
                Some(i.into())
            } else if let Ok(u) = s.parse::<u64>() {
                Some(u.into())
            } else {
                s.parse::<f64>().ok().and_then(Number::from_f64)
            }
        }
        _ => None,
    }
}

fn is_iso_time(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?$")
            .expect("static regex compiles")
    })
    .is_match(s)
}

/// Fills the constraints `into` lacks from `from`.
fn merge_constraints(into: &mut Constraints, from: Constraints) {
    let Constraints {
        required,
        unique,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        min_length,
        max_length,
        pattern,
        enum_values,
    } = from;
    into.required = into.required.or(required);
    into.unique = into.unique.or(unique);
    into.minimum = into.minimum.take().or(minimum);
    into.maximum = into.maximum.take().or(maximum);
    into.exclusive_minimum = into.exclusive_minimum.take().or(exclusive_minimum);
    into.exclusive_maximum = into.exclusive_maximum.take().or(exclusive_maximum);
    into.min_length = into.min_length.or(min_length);
    into.max_length = into.max_length.or(max_length);
    into.pattern = into.pattern.take().or(pattern);
    into.enum_values = into.enum_values.take().or(enum_values);
}

/// Joins the licenses [`export`] split from one SPDX expression back into it.
fn merge_license_expressions(licenses: Vec<(License, Option<String>)>) -> Vec<License> {
    let mut out: Vec<License> = Vec::new();
    let mut last_expression: Option<String> = None;
    for (license, expression) in licenses {
        match expression {
            Some(e) if last_expression.as_deref() == Some(e.as_str()) => {}
            Some(e) => {
                out.push(License {
                    name: e.clone(),
                    ..license
                });
                last_expression = Some(e);
            }
            None => {
                out.push(license);
                last_expression = None;
            }
        }
    }
    out
}

fn is_parquet_media_type(m: &str) -> bool {
    matches!(
        m.to_ascii_lowercase().as_str(),
        PARQUET_MEDIA_TYPE | "application/x-parquet" | "application/parquet"
    )
}

/// True for a dataset or resource name: `^[a-z0-9][a-z0-9._-]*$`, 1 to 128 characters.
fn is_machine_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// Lowercases, turns runs of other characters into `-`, and trims to a valid machine name
/// (empty when nothing usable is left, e.g. for a name in Chinese).
fn sanitize_name(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-');
    trimmed.chars().take(128).collect()
}

/// `LicenseRef-` and `name` reduced to the characters an SPDX license reference allows.
fn license_ref(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_matches('-');
    format!("LicenseRef-{}", if id.is_empty() { "Unnamed" } else { id })
}

fn plain_field(name: String, field_type: FieldType) -> Field {
    Field {
        name,
        field_type,
        precision: None,
        scale: None,
        unit: None,
        timezone: None,
        items: None,
        fields: None,
        title: None,
        description: None,
        unit_of_measure: None,
        constraints: Constraints::default(),
    }
}

fn pointer(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer_token(token))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A short rendering of a value for a note: scalars as JSON, containers by kind.
fn render(v: &Value) -> String {
    match v {
        Value::Array(_) | Value::Object(_) => json_kind(v).to_string(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// The Frictionless type (and `format`) a manifest type is exported as.
fn frictionless_type(t: FieldType) -> (&'static str, Option<&'static str>) {
    use FieldType::*;
    match t {
        Bool | Boolean => ("boolean", None),
        Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32 | Uint64 | Integer => {
            ("integer", None)
        }
        Float16 | Float32 | Float64 | Decimal | Number => ("number", None),
        String | LargeString => ("string", None),
        Binary => ("string", Some("binary")),
        Date => ("date", None),
        Time => ("time", None),
        Timestamp | Datetime => ("datetime", None),
        Duration => ("duration", None),
        List | Array => ("array", None),
        Struct | Object => ("object", None),
        Any => ("any", None),
    }
}

/// Characters a Frictionless license `name` may hold (the v2 profile's pattern).
fn is_open_definition_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}

/// Writes a manifest as a Frictionless Data Package v2 descriptor (`datapackage.json`), with a
/// note (pointing into the manifest) for each thing other Frictionless tools will not understand.
pub fn export(manifest: &Manifest) -> (Value, Vec<Note>) {
    let mut ex = Exporter { notes: Vec::new() };
    let package = ex.package(manifest);
    (package, ex.notes)
}

struct Exporter {
    notes: Vec<Note>,
}

impl Exporter {
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
        let path = match &r.path {
            PathSpec::One(s) => {
                self.path(s, &format!("{p}/path"));
                Value::String(s.clone())
            }
            PathSpec::Many(ps) => {
                for (i, s) in ps.iter().enumerate() {
                    self.path(s, &format!("{p}/path/{i}"));
                }
                json!(ps)
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
fn type_loss(f: &Field, ft: &str) -> Option<String> {
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

fn key_value(k: &KeyColumns) -> Value {
    match k {
        KeyColumns::One(c) => Value::String(c.clone()),
        KeyColumns::Many(cs) => json!(cs),
    }
}

fn insert_opt(o: &mut Map<String, Value>, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        o.insert(key.into(), Value::String(v.clone()));
    }
}

fn insert_serialized<T: Serialize>(o: &mut Map<String, Value>, key: &str, v: &Option<T>) {
    if let Some(v) = v
        && let Ok(value) = serde_json::to_value(v)
    {
        o.insert(key.into(), value);
    }
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

/// A `dataset.yaml` text for `manifest`, with `notes` as leading `#` comment lines so whoever
/// reviews an import sees what to check. Values that YAML could misread (numbers-as-text,
/// `yes`/`no`, `null`, text with `:` or `#` …) are double-quoted.
pub fn to_yaml(manifest: &Manifest, notes: &[Note]) -> String {
    let mut out = String::new();
    if !notes.is_empty() {
        out.push_str(&format!(
            "# {} note(s) from the conversion; review them, then delete these lines:\n",
            notes.len()
        ));
        for n in notes {
            let line = n.to_string().replace(['\r', '\n'], " ");
            out.push_str("# ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    let value = serde_json::to_value(manifest).expect("a manifest always serializes to JSON");
    if let Value::Object(map) = &value {
        yaml_map(&mut out, map, 0, false);
    }
    out
}

fn yaml_map(out: &mut String, map: &Map<String, Value>, indent: usize, first_inline: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if !(i == 0 && first_inline) {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&yaml_scalar_text(key));
        out.push(':');
        yaml_after_key(out, value, indent);
    }
}

fn yaml_after_key(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml_map(out, m, indent + 2, false);
        }
        Value::Array(a) if !yaml_flow(value) => {
            out.push('\n');
            yaml_seq(out, a, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&yaml_inline(other));
            out.push('\n');
        }
    }
}

fn yaml_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                yaml_map(out, m, indent + 2, true);
            }
            Value::Array(a) if !yaml_flow(item) => {
                out.push('\n');
                yaml_seq(out, a, indent + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&yaml_inline(other));
                out.push('\n');
            }
        }
    }
}

/// Lists of scalars (and empty containers) are written on one line: `[a, b]`.
fn yaml_flow(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.iter().all(|x| !x.is_array() && !x.is_object()),
        Value::Object(m) => m.is_empty(),
        _ => true,
    }
}

fn yaml_inline(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_scalar_text(s),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(yaml_inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(_) => "{}".into(),
    }
}

/// Text as a plain YAML scalar when that is unambiguous, else double-quoted (JSON escapes are
/// valid YAML escapes).
fn yaml_scalar_text(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _.-/@".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string always serializes to JSON")
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::lint::{self, LintOptions};
    use crate::registry::FieldRegistry;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn read_json(path: &Path) -> Value {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn fixture_dir(name: &str) -> PathBuf {
        repo().join("fixtures/frictionless").join(name)
    }

    fn import_fixture(name: &str) -> Imported {
        let package = read_json(&fixture_dir(name).join("datapackage.json"));
        import(&package, &ImportOptions::new("IF-C341")).expect("the fixture is a data package")
    }

    fn notes(notes: &[Note]) -> Vec<(&str, &str)> {
        notes
            .iter()
            .map(|n| (n.pointer.as_str(), n.message.as_str()))
            .collect()
    }

    /// Every example manifest of the catalog, by folder name.
    fn catalog() -> Vec<(String, Manifest)> {
        let mut out = Vec::new();
        let mut fields: Vec<_> = std::fs::read_dir(repo().join("catalog"))
            .expect("catalog/ exists")
            .map(|e| e.unwrap().path())
            .collect();
        fields.sort();
        for field in fields.iter().filter(|p| p.is_dir()) {
            let mut datasets: Vec<_> = std::fs::read_dir(field)
                .unwrap()
                .map(|e| e.unwrap().path().join("dataset.yaml"))
                .filter(|p| p.is_file())
                .collect();
            datasets.sort();
            for path in datasets {
                let loaded =
                    lint::load(&path).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
                let name = path.parent().unwrap().file_name().unwrap();
                out.push((name.to_string_lossy().into_owned(), loaded.manifest));
            }
        }
        assert!(out.len() >= 5, "only {} example manifests", out.len());
        out
    }

    /// Resolves the Frictionless profiles' URLs to the committed copies; never the network.
    struct LocalProfiles;

    impl jsonschema::Retrieve for LocalProfiles {
        fn retrieve(
            &self,
            uri: &jsonschema::Uri<String>,
        ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
            let file = uri
                .as_str()
                .strip_prefix("https://datapackage.org/profiles/")
                .ok_or_else(|| {
                    format!("refusing to fetch {}: not a local profile", uri.as_str())
                })?;
            let path = repo().join("../shared/reference/frictionless").join(file);
            Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
        }
    }

    /// The official Frictionless profile (`1.0` or `2.0`) for whole packages.
    fn profile(version: &str) -> jsonschema::Validator {
        let path = format!(
            "{}/../../../shared/reference/frictionless/{version}/datapackage.json",
            env!("CARGO_MANIFEST_DIR")
        );
        jsonschema::options()
            .with_retriever(LocalProfiles)
            .should_validate_formats(true)
            .build(&read_json(Path::new(&path)))
            .expect("the Frictionless profile compiles")
    }

    /// Where `instance` fails `validator`, as instance paths with messages.
    fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
        validator
            .iter_errors(instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    fn manifest_schema() -> jsonschema::Validator {
        let schema = read_json(&repo().join("schemas/manifest.schema.json"));
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("the committed manifest schema compiles")
    }

    fn assert_manifest_schema(manifest: &Manifest) {
        let instance = serde_json::to_value(manifest).unwrap();
        let errors = violations(&manifest_schema(), &instance);
        assert!(errors.is_empty(), "{}: {errors:#?}", manifest.name);
    }

    /// Compares `actual` with a committed golden file; `ASSAY_BLESS=1` rewrites it.
    fn assert_golden(path: &Path, actual: &str) {
        if std::env::var_os("ASSAY_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(path, actual).unwrap();
            return;
        }
        let expected = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            expected == actual,
            "{} differs (ASSAY_BLESS=1 rewrites it; review the diff):\n{actual}",
            path.display()
        );
    }

    /// Writes `text` as a `dataset.yaml` in a fresh temporary folder and loads it.
    fn load_yaml(tag: &str, text: &str) -> (lint::LoadedManifest, Vec<lint::Diagnostic>) {
        let dir =
            std::env::temp_dir().join(format!("assay-frictionless-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dataset.yaml");
        std::fs::write(&path, text).unwrap();
        let loaded = lint::load(&path);
        let diagnostics =
            lint::lint_file(&path, &FieldRegistry::embedded(), LintOptions::default()).diagnostics;
        std::fs::remove_dir_all(&dir).unwrap();
        let loaded = loaded.unwrap_or_else(|d| panic!("{tag}: {d:#?}\n{text}"));
        (loaded, diagnostics)
    }

    fn field<'a>(m: &'a Manifest, resource: usize, name: &str) -> &'a Field {
        m.resources[resource]
            .schema
            .fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    fn types(m: &Manifest, resource: usize) -> Vec<(&str, &str)> {
        m.resources[resource]
            .schema
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.field_type.as_str()))
            .collect()
    }

    fn scalar(v: Value) -> Scalar {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn imports_a_v1_package() {
        let imported = import_fixture("v1");
        let m = &imported.manifest;
        assert_eq!(
            notes(&imported.notes),
            vec![
                (
                    "/version",
                    "\"1.0\" is not a semantic version; set to `0.1.0`"
                ),
                ("/license", "license `odc-pddl` read as SPDX `PDDL-1.0`"),
                (
                    "/created",
                    "`created` has no manifest equivalent; not imported"
                ),
                (
                    "/contributors/0",
                    "contributor `Chen Jie` (role `wrangler`): only an owner (author, publisher, maintainer, creator, rightsHolder) or a steward (dataCurator, steward) has a place in the manifest; not imported"
                ),
                (
                    "/resources/0/format",
                    "`csv` files cannot be validated by Assay, which reads Parquet; the path is kept, convert the files to Parquet"
                ),
                (
                    "/resources/0/mediatype",
                    "media type `text/csv` is not Parquet; not imported"
                ),
                (
                    "/resources/0/encoding",
                    "`encoding` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/dialect",
                    "`dialect` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/3/format",
                    "format `%Y-%m-%d %H:%M` describes how text is written; Parquet values are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/4/format",
                    "format `%d/%m/%Y` describes how text is written; Parquet values are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/4/constraints/minimum",
                    "`minimum` \"01/01/2024\" is not an ISO 8601 date or date-time; not imported"
                ),
                (
                    "/resources/0/schema/fields/6/decimalChar",
                    "`decimalChar` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/7/bareNumber",
                    "`bareNumber` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/9/trueValues",
                    "`trueValues` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/9/falseValues",
                    "`falseValues` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/10/type",
                    "Frictionless `year` read as `integer` (a year number such as 2025); Assay has no year type"
                ),
                (
                    "/resources/0/schema/fields/11/type",
                    "Frictionless `yearmonth` read as `string` (text such as `2025-06`); Assay has no year-month type"
                ),
                (
                    "/resources/0/schema/fields/12/type",
                    "Frictionless `geopoint` read as `string` (text `lon, lat`); Assay has no point type"
                ),
                (
                    "/resources/0/schema/fields/14/format",
                    "format `email` is not checked by Assay (add a `pattern` constraint to check it); not imported"
                ),
                (
                    "/resources/0/schema/fields/16/constraints/minLength",
                    "`minLength` applies to strings, binary and lists in Assay, not `object`; not imported"
                ),
                (
                    "/resources/0/schema/fields/17/type",
                    "Frictionless `duration` (ISO 8601 text, which may count months and years) read as `duration`, a fixed-length Arrow duration"
                ),
                (
                    "/resources/0/schema/fields/18/type",
                    "Frictionless `geojson` read as `string` (GeoJSON text); a GeoParquet geometry column (WKB) would be `binary`"
                ),
                (
                    "/resources/0/schema/fields/20/constraints/pattern",
                    "pattern `\\i\\c*` is not a Rust regular expression (error: unrecognized escape sequence); not imported"
                ),
                (
                    "/resources/0/schema/missingValues",
                    "`missingValues` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/2/data",
                    "resource `units` holds inline `data`; Assay validates Parquet files, so the resource is not imported"
                ),
            ]
        );
        // Package level.
        assert_eq!(m.name, "water-lab-samples");
        assert_eq!(m.version, "0.1.0");
        assert_eq!(
            (m.field.as_str(), m.sensitivity),
            ("IF-C341", Sensitivity::Internal)
        );
        assert_eq!(m.keywords, ["water", "laboratory", "turbidity", "水质"]);
        assert_eq!(
            m.licenses,
            [License {
                name: "PDDL-1.0".into(),
                path: None,
                title: None
            }]
        );
        assert_eq!(
            m.owner,
            Some(Party {
                organization: Some("Example Water Works".into()),
                email: Some("data@example.com".into()),
                url: Some("https://water.example.com".into()),
                ..Party::default()
            })
        );
        assert_eq!(m.steward, None);
        assert_eq!(
            m.sources,
            [Source {
                title: "LIMS export".into(),
                path: Some("https://lims.example.com/export".into()),
                email: Some("lims@example.com".into())
            }]
        );
        assert_eq!(m.homepage.as_deref(), Some("https://water.example.com/lab"));
        // Resources: `units` (inline data) is left out.
        let names: Vec<_> = m.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["samples", "sites"]);
        assert_eq!(
            m.resources[0].path,
            PathSpec::One("data/samples.csv".into())
        );
        assert_eq!(
            m.resources[1].path,
            PathSpec::Many(vec![
                "data/sites-2023.parquet".into(),
                "data/sites-2024.parquet".into()
            ])
        );
        // Every Frictionless v1 type.
        assert_eq!(
            types(m, 0),
            [
                ("sample_id", "string"),
                ("parent_id", "string"),
                ("site_code", "string"),
                ("taken_at", "datetime"),
                ("sample_date", "date"),
                ("shift_start", "time"),
                ("ph", "number"),
                ("turbidity_ntu", "number"),
                ("colonies", "integer"),
                ("passed", "boolean"),
                ("season", "integer"),
                ("period", "string"),
                ("location", "string"),
                ("remarks", "string"),
                ("analyst_email", "string"),
                ("readings", "array"),
                ("instrument", "object"),
                ("hold_time", "duration"),
                ("catchment", "string"),
                ("raw", "any"),
                ("lab_code", "string"),
            ]
        );
        // Constraints, each kind.
        let sample_id = field(m, 0, "sample_id");
        assert_eq!(sample_id.title.as_deref(), Some("Sample"));
        assert_eq!(sample_id.description.as_deref(), Some("LIMS sample number"));
        assert_eq!(
            sample_id.constraints,
            Constraints {
                required: Some(true),
                unique: Some(true),
                min_length: Some(8),
                max_length: Some(8),
                pattern: Some("S-[0-9]{6}".into()),
                ..Constraints::default()
            }
        );
        assert_eq!(
            field(m, 0, "site_code").constraints.enum_values,
            Some(vec![scalar(json!("CLR")), scalar(json!("FLT"))])
        );
        assert_eq!(
            field(m, 0, "taken_at").constraints.minimum,
            Some(scalar(json!("2024-01-01T00:00:00Z")))
        );
        assert_eq!(
            field(m, 0, "sample_date").constraints,
            Constraints::default()
        );
        let shift = &field(m, 0, "shift_start").constraints;
        assert_eq!(
            (&shift.minimum, &shift.maximum),
            (
                &Some(scalar(json!("06:00"))),
                &Some(scalar(json!("22:00:00")))
            )
        );
        let ph = &field(m, 0, "ph").constraints;
        assert_eq!(
            (&ph.minimum, &ph.maximum),
            (&Some(scalar(json!(0))), &Some(scalar(json!(14))))
        );
        assert_eq!(
            field(m, 0, "colonies").constraints.enum_values,
            Some(vec![
                scalar(json!(0)),
                scalar(json!(10)),
                scalar(json!(100))
            ])
        );
        assert_eq!(field(m, 0, "readings").constraints.min_length, Some(1));
        assert_eq!(
            field(m, 0, "instrument").constraints,
            Constraints::default()
        );
        assert_eq!(
            field(m, 0, "hold_time").constraints.maximum,
            Some(scalar(json!("PT48H")))
        );
        assert_eq!(field(m, 0, "lab_code").constraints, Constraints::default());
        // Keys: a v1 `resource: ""` is a self-reference.
        let schema = &m.resources[0].schema;
        assert_eq!(
            schema.primary_key,
            Some(KeyColumns::One("sample_id".into()))
        );
        assert_eq!(
            schema.foreign_keys,
            [
                ForeignKey {
                    fields: KeyColumns::One("site_code".into()),
                    reference: ForeignKeyReference {
                        resource: Some("sites".into()),
                        fields: KeyColumns::One("code".into())
                    }
                },
                ForeignKey {
                    fields: KeyColumns::Many(vec!["parent_id".into()]),
                    reference: ForeignKeyReference {
                        resource: None,
                        fields: KeyColumns::Many(vec!["sample_id".into()])
                    }
                }
            ]
        );
        assert_eq!(
            m.resources[1].schema.primary_key,
            Some(KeyColumns::Many(vec!["code".into()]))
        );
        // The whole manifest, and the notes, as `dataset.yaml`.
        assert_golden(
            &fixture_dir("v1").join("expected.yaml"),
            &to_yaml(m, &imported.notes),
        );
    }

    #[test]
    fn imports_a_v2_package() {
        let imported = import_fixture("v2");
        let m = &imported.manifest;
        assert_eq!(
            notes(&imported.notes),
            vec![
                (
                    "/name",
                    "`Compressor_Station_Readings` is not a valid dataset name (lowercase letters, digits, `.`, `_`, `-`); renamed `compressor_station_readings`"
                ),
                ("/id", "`id` has no manifest equivalent; not imported"),
                (
                    "/licenses/1/name",
                    "license `ODC-ODbL-1.0` read as SPDX `ODbL-1.0`"
                ),
                (
                    "/licenses/2/name",
                    "license `other-closed` is not an SPDX identifier; named `LicenseRef-other-closed`, with the original as its title"
                ),
                (
                    "/contributors/0",
                    "`givenName`/`familyName` `Fang Wang` differ from `title` `Wang Fang`; the title is used"
                ),
                (
                    "/contributors/2",
                    "contributor `Field Services Ltd` (role `dataCollector`): only an owner (author, publisher, maintainer, creator, rightsHolder) or a steward (dataCurator, steward) has a place in the manifest; not imported"
                ),
                (
                    "/sources/0/version",
                    "`version` has no manifest equivalent; not imported"
                ),
                (
                    "/ext:owner-team",
                    "unrecognised property `ext:owner-team`; not imported"
                ),
                (
                    "/assay:sensitivity",
                    "the package is `confidential`, stricter than the requested `internal`; kept `confidential`"
                ),
                (
                    "/resources/0/name",
                    "`Readings` is not a valid resource name (lowercase letters, digits, `.`, `_`, `-`); renamed `readings`"
                ),
                (
                    "/resources/0/bytes",
                    "`bytes` is not imported; `assay lock` records sizes and digests in `dataset.lock`"
                ),
                (
                    "/resources/0/schema/fields/6/type",
                    "Frictionless `list` (delimited text) read as an `array` of `integer`"
                ),
                (
                    "/resources/0/schema/fields/6/delimiter",
                    "`delimiter` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/0/schema/fields/7/categories",
                    "`categories` has no manifest equivalent (an `enum` constraint can list the allowed values); not imported"
                ),
                (
                    "/resources/0/schema/fields/8/constraints/jsonSchema",
                    "`jsonSchema` has no manifest equivalent; not imported"
                ),
                (
                    "/resources/0/schema/fields/9/type",
                    "Frictionless `duration` (ISO 8601 text, which may count months and years) read as `duration`, a fixed-length Arrow duration"
                ),
                (
                    "/resources/0/schema/fields/9/constraints/maximum",
                    "`maximum` \"P1M\" is not a fixed-length ISO 8601 duration (weeks, days, hours, minutes, seconds); not imported"
                ),
                (
                    "/resources/0/schema/fields/12/type",
                    "Frictionless `geopoint` (format `object`) read as an `object` with number fields `lon` and `lat`; Assay has no point type"
                ),
                (
                    "/resources/0/schema/fields/13/rdfType",
                    "`rdfType` has no manifest equivalent; not imported"
                ),
                (
                    "/resources/0/schema/fields/15/format",
                    "format `binary` (base64 text) read as type `binary`: Parquet stores the bytes themselves"
                ),
                (
                    "/resources/0/schema/fields/16/type",
                    "`decimal` is not a Frictionless type; read as `any`"
                ),
                (
                    "/resources/1/name",
                    "`Stations` is not a valid resource name (lowercase letters, digits, `.`, `_`, `-`); renamed `stations`"
                ),
                (
                    "/resources/1/schema/fields/1/type",
                    "Frictionless `year` read as `integer` (a year number such as 2025); Assay has no year type"
                ),
                (
                    "/resources/1/schema/missingValues",
                    "`missingValues` describes how text is parsed; Parquet columns are typed, so it does not apply; not imported"
                ),
                (
                    "/resources/2/path",
                    "`https://calibration.example.com/2025/calibration.parquet` is a URL; Assay reads files inside the dataset folder, so it cannot validate it: download the file beside the manifest"
                ),
                (
                    "/resources/3/schema",
                    "the schema is a reference (`schemas/limits.json`) that Assay does not fetch; put the Table Schema inline; the resource is not imported"
                ),
                (
                    "/resources/0/schema/foreignKeys/1",
                    "the foreign key refers to resource `limits`, which was not imported; not imported"
                ),
            ]
        );
        assert_eq!(m.name, "compressor_station_readings");
        assert_eq!(m.version, "2.1.0");
        assert_eq!(m.sensitivity, Sensitivity::Confidential);
        assert_eq!(
            m.licenses,
            [
                License {
                    name: "CC-BY-4.0".into(),
                    path: Some("https://creativecommons.org/licenses/by/4.0/".into()),
                    title: Some("Creative Commons Attribution 4.0".into())
                },
                License {
                    name: "ODbL-1.0".into(),
                    path: None,
                    title: None
                },
                License {
                    name: "LicenseRef-other-closed".into(),
                    path: Some("https://pipeline.example.com/terms".into()),
                    title: Some("other-closed".into())
                },
            ]
        );
        assert_eq!(
            m.owner,
            Some(Party {
                organization: Some("Example Pipeline Co.".into()),
                email: Some("data@pipeline.example.com".into()),
                url: Some("https://pipeline.example.com".into()),
                ..Party::default()
            })
        );
        assert_eq!(
            m.steward,
            Some(Party {
                name: Some("Wang Fang".into()),
                email: Some("wang.fang@example.com".into()),
                ..Party::default()
            })
        );
        assert_eq!(
            m.sources,
            [Source {
                title: "SCADA historian".into(),
                path: Some("https://scada.example.com/export".into()),
                email: None
            }]
        );
        let names: Vec<_> = m.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["readings", "stations", "calibration"]);
        assert_eq!(
            m.resources[2].path,
            PathSpec::One("https://calibration.example.com/2025/calibration.parquet".into())
        );
        assert_eq!(
            types(m, 0),
            [
                ("station_id", "string"),
                ("unit_no", "integer"),
                ("ts", "datetime"),
                ("discharge_pressure_bar", "number"),
                ("vibration_mm_s", "number"),
                ("running", "boolean"),
                ("alarm_codes", "array"),
                ("status", "string"),
                ("settings", "object"),
                ("maintenance_window", "duration"),
                ("firmware_date", "date"),
                ("notes", "any"),
                ("position", "object"),
                ("serial_no", "string"),
                ("reading_quality", "integer"),
                ("frame", "binary"),
                ("torque_nm", "any"),
            ]
        );
        assert_eq!(
            field(m, 0, "alarm_codes").items,
            Some(Box::new(plain_field("item".into(), FieldType::Integer)))
        );
        assert_eq!(
            field(m, 0, "position").fields,
            Some(vec![
                plain_field("lon".into(), FieldType::Number),
                plain_field("lat".into(), FieldType::Number)
            ])
        );
        let pressure = &field(m, 0, "discharge_pressure_bar").constraints;
        assert_eq!(
            (&pressure.exclusive_minimum, &pressure.exclusive_maximum),
            (&Some(scalar(json!(0))), &Some(scalar(json!(120))))
        );
        // Bounds and enum values written as text become numbers on numeric columns.
        let vibration = &field(m, 0, "vibration_mm_s").constraints;
        assert_eq!(
            (&vibration.minimum, &vibration.maximum),
            (&Some(scalar(json!(0))), &Some(scalar(json!(45.5))))
        );
        assert_eq!(
            field(m, 0, "reading_quality").constraints.enum_values,
            Some(vec![scalar(json!(0)), scalar(json!(1)), scalar(json!(2))])
        );
        assert_eq!(
            field(m, 0, "running").constraints.enum_values,
            Some(vec![scalar(json!(true)), scalar(json!(false))])
        );
        let window = &field(m, 0, "maintenance_window").constraints;
        assert_eq!(
            (&window.minimum, &window.maximum),
            (&Some(scalar(json!("PT1H"))), &None)
        );
        let firmware = &field(m, 0, "firmware_date").constraints;
        assert_eq!(
            (&firmware.exclusive_minimum, &firmware.enum_values),
            (
                &Some(scalar(json!("2020-01-01"))),
                &Some(vec![
                    scalar(json!("2024-03-01")),
                    scalar(json!("2025-01-15"))
                ])
            )
        );
        let serial = &field(m, 0, "serial_no").constraints;
        assert_eq!(
            (serial.unique, serial.min_length, serial.max_length),
            (Some(true), Some(6), Some(12))
        );
        assert_eq!(
            field(m, 0, "station_id").constraints.pattern.as_deref(),
            Some("^CS-[0-9]{3}$")
        );
        // Keys; the foreign key to the renamed `Stations` follows the rename, the one to the
        // left-out `limits` is gone.
        let schema = &m.resources[0].schema;
        assert_eq!(schema.fields_match, FieldsMatch::Equal);
        assert_eq!(
            schema.primary_key,
            Some(KeyColumns::Many(vec![
                "station_id".into(),
                "unit_no".into(),
                "ts".into()
            ]))
        );
        assert_eq!(
            schema.unique_keys,
            [KeyColumns::Many(vec!["serial_no".into(), "ts".into()])]
        );
        assert_eq!(
            schema.foreign_keys,
            [ForeignKey {
                fields: KeyColumns::Many(vec!["station_id".into()]),
                reference: ForeignKeyReference {
                    resource: Some("stations".into()),
                    fields: KeyColumns::Many(vec!["station_id".into()])
                }
            }]
        );
        assert_eq!(
            m.resources[1].schema.primary_key,
            Some(KeyColumns::One("station_id".into()))
        );
        assert_golden(
            &fixture_dir("v2").join("expected.yaml"),
            &to_yaml(m, &imported.notes),
        );
    }

    #[test]
    fn imported_fixtures_satisfy_the_manifest_schema_and_lint() {
        for name in ["v1", "v2"] {
            let imported = import_fixture(name);
            assert_manifest_schema(&imported.manifest);
            let (loaded, diagnostics) =
                load_yaml(name, &to_yaml(&imported.manifest, &imported.notes));
            assert_eq!(loaded.manifest, imported.manifest, "{name}");
            // The files are not there, so `no-files` warns; nothing is an error.
            let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
    }

    #[test]
    fn fixtures_follow_the_official_profiles() {
        let v1 = violations(
            &profile("1.0"),
            &read_json(&fixture_dir("v1").join("datapackage.json")),
        );
        assert!(v1.is_empty(), "{v1:#?}");
        // The v2 fixture breaks the profile only where it means to.
        let v2 = violations(
            &profile("2.0"),
            &read_json(&fixture_dir("v2").join("datapackage.json")),
        );
        let mut paths: Vec<_> = v2
            .iter()
            .map(|e| e.split(':').next().unwrap_or_default().to_string())
            .collect();
        paths.dedup();
        assert_eq!(
            paths,
            [
                // A string, as the standard says; the profile wants a list (#965).
                "/resources/0/schema/fieldsMatch",
                // `list` is missing from the profile (#1089); `decimal` is no Frictionless type.
                "/resources/0/schema/fields/6",
                "/resources/0/schema/fields/16",
            ],
            "{v2:#?}"
        );
    }

    #[test]
    fn exports_of_the_examples_follow_the_v2_profile() {
        let validator = profile("2.0");
        for (name, m) in catalog() {
            let (package, _) = export(&m);
            assert_eq!(package["$schema"], DATAPACKAGE_V2_PROFILE);
            let errors = violations(&validator, &package);
            assert!(errors.is_empty(), "{name}: {errors:#?}\n{package:#}");
        }
        for fixture in ["v1", "v2"] {
            let (package, _) = export(&import_fixture(fixture).manifest);
            let errors = violations(&validator, &package);
            assert!(errors.is_empty(), "{fixture}: {errors:#?}");
        }
    }

    #[test]
    fn exports_an_example_exactly() {
        let (_, m) = catalog()
            .into_iter()
            .find(|(n, _)| n == "power-plant-energy-metering")
            .unwrap();
        let (package, export_notes) = export(&m);
        assert_eq!(
            package,
            json!({
                "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
                "name": "power-plant-energy-metering",
                "title": "Generator export energy metering (15-minute intervals)",
                "description": "Revenue-grade meter readings of active and reactive energy exported by six generator units, per 15-minute settlement interval. 发电机组上网电量计量（15 分钟结算间隔）。\n",
                "version": "2.0.0",
                "keywords": ["metering", "energy", "settlement", "generation", "电能计量", "上网电量"],
                "licenses": [{"name": "CC-BY-4.0"}, {"name": "ODbL-1.0"}],
                "contributors": [
                    {
                        "title": "Example Thermal Power Plant",
                        "organization": "Example Thermal Power Plant",
                        "email": "metering@example.com",
                        "roles": ["rightsHolder"]
                    },
                    {
                        "title": "Zhang Min",
                        "email": "cdo@example.com",
                        "roles": ["dataCurator"],
                        "assay:role": "chief data officer"
                    }
                ],
                "resources": [{
                    "name": "intervals",
                    "path": ["data/intervals.parquet"],
                    "type": "table",
                    "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet",
                    "schema": {
                        "fields": [
                            {"name": "meter_id", "type": "string",
                             "constraints": {"required": true, "pattern": "^GEN-[0-9]{2}$"}},
                            {"name": "interval_start", "type": "datetime", "assay:type": "timestamp",
                             "assay:unit": "us", "assay:timezone": "UTC"},
                            {"name": "interval_end", "type": "datetime", "assay:type": "timestamp",
                             "assay:unit": "us", "assay:timezone": "UTC"},
                            {"name": "active_energy_kwh", "type": "number", "constraints": {"minimum": 0},
                             "assay:type": "decimal", "assay:precision": 14, "assay:scale": 3,
                             "assay:unitOfMeasure": "kW.h"},
                            {"name": "reactive_energy_kvarh", "type": "number", "assay:type": "decimal",
                             "assay:precision": 14, "assay:scale": 3, "assay:unitOfMeasure": "kvar.h"},
                            {"name": "quality_flag", "type": "string",
                             "constraints": {"enum": ["VALID", "ESTIMATED", "MISSING"]}}
                        ],
                        "primaryKey": ["meter_id", "interval_start"]
                    },
                    "assay:checks": [
                        {"name": "end-after-start", "severity": "error", "check": "expression",
                         "sql": "interval_end > interval_start"},
                        {"name": "fifteen-minute-intervals", "severity": "error", "check": "expression",
                         "sql": "interval_end - interval_start = INTERVAL '15 minutes'"},
                        {"name": "mostly-valid", "severity": "warn", "mostly": 0.99, "check": "in_set",
                         "column": "quality_flag", "values": ["VALID"]},
                        {"severity": "error", "check": "unique_key", "columns": ["meter_id", "interval_end"]},
                        {"severity": "error", "check": "row_count", "min": 1000}
                    ]
                }],
                "assay:field": "IF-D44",
                "assay:sensitivity": "restricted",
                "assay:temporal": {"start": "2025-06-01", "end": "2025-06-15"},
                "assay:spatial": {"regions": ["CN"]}
            })
        );
        assert_eq!(
            notes(&export_notes),
            vec![
                (
                    "/field",
                    "industrial field `IF-D44` exported as `assay:field`; Frictionless has no industrial field"
                ),
                (
                    "/steward/role",
                    "role `chief data officer` exported as `assay:role`; a Frictionless contributor's `roles` name the part played (`dataCurator`), not a job"
                ),
                (
                    "/sensitivity",
                    "sensitivity `restricted` exported as `assay:sensitivity`; Frictionless has no access classification"
                ),
                (
                    "/temporal",
                    "temporal coverage exported as `assay:temporal`; Frictionless has no temporal coverage"
                ),
                (
                    "/spatial",
                    "spatial coverage exported as `assay:spatial`; Frictionless has no spatial coverage"
                ),
                (
                    "/resources/0/schema/fields/1/type",
                    "`timestamp` (unit `us`, time zone `UTC`) exported as Frictionless `datetime`; `assay:type`, `assay:unit`, `assay:timezone` keep it"
                ),
                (
                    "/resources/0/schema/fields/2/type",
                    "`timestamp` (unit `us`, time zone `UTC`) exported as Frictionless `datetime`; `assay:type`, `assay:unit`, `assay:timezone` keep it"
                ),
                (
                    "/resources/0/schema/fields/3/type",
                    "`decimal` (precision 14, scale 3) exported as Frictionless `number`; `assay:type`, `assay:precision` and `assay:scale` keep it"
                ),
                (
                    "/resources/0/schema/fields/3/unitOfMeasure",
                    "unit of measure `kW.h` exported as `assay:unitOfMeasure`; Frictionless has no unit of measure"
                ),
                (
                    "/resources/0/schema/fields/4/type",
                    "`decimal` (precision 14, scale 3) exported as Frictionless `number`; `assay:type`, `assay:precision` and `assay:scale` keep it"
                ),
                (
                    "/resources/0/schema/fields/4/unitOfMeasure",
                    "unit of measure `kvar.h` exported as `assay:unitOfMeasure`; Frictionless has no unit of measure"
                ),
                (
                    "/resources/0/checks",
                    "5 quality check(s) exported as `assay:checks`; Frictionless has no quality checks"
                ),
            ]
        );
    }

    /// The notes importing an exported example gives: its glob paths, which a Frictionless
    /// path cannot express.
    fn round_trip_notes(name: &str) -> Vec<(&'static str, &'static str)> {
        match name {
            "boiler-sensor-telemetry" => vec![(
                "/resources/0/path",
                "`data/readings-*.parquet` contains glob characters (`*`, `?`, `[`, `{`); Assay reads it as a glob",
            )],
            _ => vec![],
        }
    }

    #[test]
    fn round_trip_gives_the_examples_back() {
        for (name, m) in catalog() {
            let (package, _) = export(&m);
            let options = ImportOptions {
                field: m.field.clone(),
                name: None,
                sensitivity: m.sensitivity,
            };
            let back = import(&package, &options).unwrap();
            assert_eq!(notes(&back.notes), round_trip_notes(&name), "{name}");
            // Resources, schemas, keys and licenses, then everything else.
            assert_eq!(back.manifest.resources, m.resources, "{name}");
            assert_eq!(back.manifest.licenses, m.licenses, "{name}");
            assert_eq!(back.manifest, m, "{name}");
        }
    }

    /// The manifest's type as seen by a Frictionless tool that ignores `assay:` properties,
    /// spelled out independently of [`frictionless_type`].
    fn frictionless_family(t: FieldType) -> FieldType {
        use FieldType::*;
        match t {
            Bool | Boolean => Boolean,
            Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32 | Uint64 | Integer => Integer,
            Float16 | Float32 | Float64 | Decimal | Number => Number,
            String | LargeString => String,
            Binary => Binary,
            Date => Date,
            Time => Time,
            Timestamp | Datetime => Datetime,
            Duration => Duration,
            List | Array => Array,
            Struct | Object => Object,
            Any => Any,
        }
    }

    fn strip_assay_properties(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.retain(|k, _| !k.starts_with("assay:"));
                m.values_mut().for_each(strip_assay_properties);
            }
            Value::Array(a) => a.iter_mut().for_each(strip_assay_properties),
            _ => {}
        }
    }

    #[test]
    fn round_trip_through_plain_frictionless_loses_only_assay_information() {
        for (name, m) in catalog() {
            let (mut package, _) = export(&m);
            strip_assay_properties(&mut package);
            let back = import(&package, &ImportOptions::new(m.field.clone())).unwrap();
            assert_eq!(notes(&back.notes), round_trip_notes(&name), "{name}");
            // What legitimately differs: everything Assay adds to Frictionless.
            let mut expected = m.clone();
            expected.sensitivity = Sensitivity::Internal;
            expected.temporal = None;
            expected.spatial = None;
            expected.lineage = None;
            for party in [&mut expected.owner, &mut expected.steward]
                .into_iter()
                .flatten()
            {
                party.role = None;
            }
            for r in &mut expected.resources {
                r.checks.clear();
                r.schema.fields_match = FieldsMatch::Exact;
                for f in &mut r.schema.fields {
                    let mut plain = plain_field(f.name.clone(), frictionless_family(f.field_type));
                    plain.title = f.title.take();
                    plain.description = f.description.take();
                    plain.constraints = std::mem::take(&mut f.constraints);
                    *f = plain;
                }
            }
            assert_eq!(back.manifest, expected, "{name}");
        }
    }

    /// A manifest with every field type and the export edge cases.
    fn every_type_manifest() -> Manifest {
        let mut fields = vec![json!({"name": "bool", "type": "bool"})];
        for t in [
            "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        ] {
            fields.push(json!({"name": t, "type": t}));
        }
        fields[1]["constraints"] = json!({"minimum": -5});
        for t in ["float16", "float32", "float64"] {
            fields.push(json!({"name": t, "type": t}));
        }
        fields.extend([
            json!({"name": "decimal", "type": "decimal", "precision": 10, "scale": 2}),
            json!({"name": "string", "type": "string", "constraints": {"minimum": "A"}}),
            json!({"name": "large_string", "type": "large_string"}),
            json!({"name": "binary", "type": "binary", "constraints": {"maxLength": 16}}),
            json!({"name": "date", "type": "date"}),
            json!({"name": "time", "type": "time", "unit": "ms"}),
            json!({"name": "timestamp", "type": "timestamp", "unit": "ns", "timezone": "Asia/Shanghai"}),
            json!({"name": "naive", "type": "timestamp", "unit": "s"}),
            json!({"name": "duration", "type": "duration", "unit": "ms",
                   "constraints": {"minimum": 0, "maximum": "PT1H"}}),
            json!({"name": "list", "type": "list", "items": {"name": "item", "type": "float32"}}),
            json!({"name": "struct", "type": "struct",
                   "fields": [{"name": "x", "type": "float64", "unitOfMeasure": "mm"}]}),
            json!({"name": "integer", "type": "integer"}),
            json!({"name": "number", "type": "number"}),
            json!({"name": "boolean", "type": "boolean"}),
            json!({"name": "datetime", "type": "datetime"}),
            json!({"name": "array", "type": "array", "items": {"name": "item", "type": "string"}}),
            json!({"name": "object", "type": "object"}),
            json!({"name": "any", "type": "any", "constraints": {"maximum": 3}}),
        ]);
        serde_json::from_value(json!({
            "assay": 1,
            "name": "every-type",
            "version": "1.0.0",
            "field": "IF-C341",
            "sensitivity": "public",
            "licenses": [
                {"name": "Apache-2.0 OR MIT", "path": "https://example.com/license"},
                {"name": "CC0-1.0"}
            ],
            "owner": {"name": "Li Wei", "organization": "Example Co.", "url": "https://example.com"},
            "resources": [{
                "name": "t",
                "path": ["data/a.parquet", "data/b-*.parquet"],
                "schema": {
                    "fields": fields,
                    "uniqueKeys": ["string", ["int8", "int16"]],
                    "foreignKeys": [{"fields": "int8", "reference": {"fields": ["int16"]}}]
                }
            }]
        }))
        .unwrap()
    }

    #[test]
    fn every_type_exports_validly_and_comes_back() {
        let m = every_type_manifest();
        // One field per type, and a second timestamp without time zone.
        assert_eq!(m.resources[0].schema.fields.len(), 30);
        let (package, export_notes) = export(&m);
        let errors = violations(&profile("2.0"), &package);
        assert!(errors.is_empty(), "{errors:#?}\n{package:#}");
        let p = "/resources/0/schema/fields";
        let mut expected_notes = vec![
            (
                "/field".to_string(),
                "industrial field `IF-C341` exported as `assay:field`; Frictionless has no industrial field".to_string(),
            ),
            (
                "/licenses/0/name".into(),
                "license expression `Apache-2.0 OR MIT` does not fit a Frictionless license name; exported as `Apache-2.0`, `MIT`, with the expression in `assay:expression`".into(),
            ),
            (
                "/sensitivity".into(),
                "sensitivity `public` exported as `assay:sensitivity`; Frictionless has no access classification".into(),
            ),
            (
                "/resources/0/path/1".into(),
                "`data/b-*.parquet` is a glob; a Frictionless path names one file, so other tools will not expand it (list the files to share the package)".into(),
            ),
        ];
        for (i, t) in [
            "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        ]
        .iter()
        .enumerate()
        {
            expected_notes.push((
                format!("{p}/{}/type", i + 1),
                format!("`{t}` exported as Frictionless `integer`, which has no width; `assay:type` keeps `{t}`"),
            ));
        }
        for (i, t) in ["float16", "float32", "float64"].iter().enumerate() {
            expected_notes.push((
                format!("{p}/{}/type", i + 9),
                format!("`{t}` exported as Frictionless `number`, which has no precision; `assay:type` keeps `{t}`"),
            ));
        }
        for (pointer, message) in [
            (
                "12/type",
                "`decimal` (precision 10, scale 2) exported as Frictionless `number`; `assay:type`, `assay:precision` and `assay:scale` keep it",
            ),
            (
                "13/constraints/minimum",
                "Frictionless defines no `minimum` for `string` fields; other tools will ignore it",
            ),
            (
                "14/type",
                "`large_string` exported as Frictionless `string`; `assay:type` keeps the 64-bit offsets",
            ),
            (
                "15/constraints/maxLength",
                "`maxLength` counts bytes in Assay but base64 characters for a Frictionless `binary` string",
            ),
            (
                "15/type",
                "`binary` exported as Frictionless `string` with format `binary`, which Frictionless defines as base64 text",
            ),
            (
                "17/type",
                "`time` unit `ms` exported as `assay:unit`; Frictionless `time` has no unit",
            ),
            (
                "18/type",
                "`timestamp` (unit `ns`, time zone `Asia/Shanghai`) exported as Frictionless `datetime`; `assay:type`, `assay:unit`, `assay:timezone` keep it",
            ),
            (
                "19/type",
                "`timestamp` (unit `s`, no time zone) exported as Frictionless `datetime`; `assay:type`, `assay:unit` keep it",
            ),
            (
                "20/constraints/minimum",
                "numeric `minimum` of a `duration` column exported as `assay:constraints`; Frictionless duration bounds are ISO 8601 text",
            ),
            (
                "20/type",
                "`duration` unit `ms` exported as `assay:unit`; Frictionless `duration` has no unit",
            ),
            (
                "21/type",
                "`list` exported as Frictionless `array`; `assay:type` and `assay:items` keep the element type",
            ),
            (
                "22/type",
                "`struct` exported as Frictionless `object`; `assay:type` and `assay:fields` keep the child fields",
            ),
            (
                "27/type",
                "the element type of `array` is exported as `assay:items`; Frictionless has none",
            ),
            (
                "29/constraints/maximum",
                "Frictionless defines no `maximum` for `any` fields; other tools will ignore it",
            ),
        ] {
            expected_notes.push((format!("{p}/{pointer}"), message.into()));
        }
        let actual: Vec<(String, String)> = export_notes
            .iter()
            .map(|n| (n.pointer.clone(), n.message.clone()))
            .collect();
        assert_eq!(actual, expected_notes);
        // Spot checks of the written package.
        assert_eq!(
            package["licenses"],
            json!([
                {"name": "Apache-2.0", "path": "https://example.com/license",
                 "assay:expression": "Apache-2.0 OR MIT"},
                {"name": "MIT", "assay:expression": "Apache-2.0 OR MIT"},
                {"name": "CC0-1.0"}
            ])
        );
        let schema = &package["resources"][0]["schema"];
        assert_eq!(schema["uniqueKeys"], json!([["string"], ["int8", "int16"]]));
        assert_eq!(
            schema["foreignKeys"],
            json!([{"fields": ["int8"], "reference": {"fields": ["int16"]}}])
        );
        assert_eq!(
            schema["fields"][20],
            json!({"name": "duration", "type": "duration", "constraints": {"maximum": "PT1H"},
                   "assay:type": "duration", "assay:unit": "ms", "assay:constraints": {"minimum": 0}})
        );
        assert_eq!(
            schema["fields"][15],
            json!({"name": "binary", "type": "string", "format": "binary",
                   "constraints": {"maxLength": 16}, "assay:type": "binary"})
        );
        // Back again: the same manifest, except key spellings the profile does not allow.
        let options = ImportOptions {
            sensitivity: Sensitivity::Public,
            ..ImportOptions::new("IF-C341")
        };
        let back = import(&package, &options).unwrap();
        assert_eq!(
            notes(&back.notes),
            [(
                "/resources/0/path/1",
                "`data/b-*.parquet` contains glob characters (`*`, `?`, `[`, `{`); Assay reads it as a glob"
            )]
        );
        let mut expected = m.clone();
        let schema = &mut expected.resources[0].schema;
        schema.unique_keys[0] = KeyColumns::Many(vec!["string".into()]);
        schema.foreign_keys[0].fields = KeyColumns::Many(vec!["int8".into()]);
        assert_eq!(back.manifest, expected);
    }

    #[test]
    fn assay_properties_are_checked_on_import() {
        let package = json!({
            "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
            "name": "small",
            "version": 2,
            "assay:field": "IF-D44",
            "assay:sensitivity": "public",
            "resources": [{
                "name": "r",
                "path": "data/r.parquet",
                "schema": {
                    "fieldsMatch": ["subset"],
                    "fields": [
                        {"name": "a", "type": "number", "assay:type": "int32"},
                        {"name": "b", "type": "integer", "assay:type": "uint8"},
                        {"name": "c", "type": "string", "constraints": {"minimum": 1, "enum": []}},
                        {"name": "", "type": "string"},
                        {"type": "string"},
                        {"name": "d", "type": "boolean", "constraints": {"enum": ["Y"]}}
                    ]
                }
            }]
        });
        let options = ImportOptions {
            name: Some("chosen".into()),
            ..ImportOptions::new("IF-C341")
        };
        let imported = import(&package, &options).unwrap();
        assert_eq!(
            notes(&imported.notes),
            vec![
                ("/version", "2 is not a semantic version; set to `0.1.0`"),
                (
                    "/assay:field",
                    "the package's field is `IF-D44`; `IF-C341` from the import options is used"
                ),
                (
                    "/assay:sensitivity",
                    "the package is `public`; the requested `internal` is stricter and is used"
                ),
                (
                    "/resources/0/schema/fieldsMatch",
                    "`fieldsMatch` written as a list (the v2 profile's typing); read as `subset`"
                ),
                (
                    "/resources/0/schema/fields/0/assay:type",
                    "`int32` does not agree with Frictionless type `number`; not imported"
                ),
                (
                    "/resources/0/schema/fields/2/constraints/minimum",
                    "`minimum` 1 does not fit a `string` column; not imported"
                ),
                (
                    "/resources/0/schema/fields/2/constraints/enum",
                    "`enum` is empty; not imported"
                ),
                (
                    "/resources/0/schema/fields/3",
                    "the field has no `name`; not imported"
                ),
                (
                    "/resources/0/schema/fields/4",
                    "the field has no `name`; not imported"
                ),
                (
                    "/resources/0/schema/fields/5/constraints/enum",
                    "`enum` value \"Y\" is not a `boolean` value; the enum is not imported"
                ),
            ]
        );
        let m = &imported.manifest;
        assert_eq!((m.name.as_str(), m.field.as_str()), ("chosen", "IF-C341"));
        assert_eq!(m.sensitivity, Sensitivity::Internal);
        assert_eq!(m.resources[0].schema.fields_match, FieldsMatch::Subset);
        assert_eq!(
            types(m, 0),
            [
                ("a", "number"),
                ("b", "uint8"),
                ("c", "string"),
                ("d", "boolean")
            ]
        );
        assert_manifest_schema(m);
    }

    #[test]
    fn rejects_what_is_not_a_data_package() {
        let options = ImportOptions::new("IF-C341");
        let err = |v: Value, o: &ImportOptions| import(&v, o).unwrap_err();
        assert_eq!(
            err(json!([1]), &options),
            "a data package descriptor is a JSON object, not a list"
        );
        assert_eq!(
            err(json!({"name": "x"}), &options),
            "not a data package: it has no `resources`"
        );
        assert_eq!(
            err(json!({"resources": {}}), &options),
            "not a data package: `resources` is an object, not an array"
        );
        assert_eq!(
            err(
                json!({"resources": [{"name": "inline", "data": []}]}),
                &options
            ),
            "the package has no resource Assay can describe (each needs a name, a path and a schema with fields)"
        );
        let package = json!({"resources": [{"name": "r", "path": "r.parquet",
                                             "schema": {"fields": [{"name": "a"}]}}]});
        assert_eq!(
            err(package.clone(), &ImportOptions::new("C341")),
            "`C341` is not an industrial field code (`IF-` and a section letter and digits, e.g. `IF-C341`)"
        );
        let named = ImportOptions {
            name: Some("Not Valid".into()),
            ..options.clone()
        };
        assert_eq!(
            err(package.clone(), &named),
            "`Not Valid` is not a dataset name: lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit"
        );
        // No name, no version: both defaulted, with notes.
        let imported = import(&package, &options).unwrap();
        assert_eq!(imported.manifest.name, "dataset");
        assert_eq!(
            notes(&imported.notes),
            [
                ("/name", "the package has no `name`; named `dataset`"),
                ("/version", "the package has no `version`; set to `0.1.0`"),
            ]
        );
    }

    #[test]
    fn yaml_quotes_what_yaml_would_misread() {
        for (text, written) in [
            ("IF-C341", "IF-C341"),
            ("Example Boiler Works", "Example Boiler Works"),
            ("NO", "\"NO\""),
            ("off", "\"off\""),
            ("null", "\"null\""),
            ("1.0", "\"1.0\""),
            ("0.1.0", "\"0.1.0\""),
            ("a: b", "\"a: b\""),
            ("a #b", "\"a #b\""),
            ("trailing ", "\"trailing \""),
            ("", "\"\""),
            ("*.parquet", "\"*.parquet\""),
            ("two\nlines", "\"two\\nlines\""),
            ("锅炉", "\"锅炉\""),
        ] {
            assert_eq!(yaml_scalar_text(text), written, "{text:?}");
        }
    }

    #[test]
    fn yaml_of_the_examples_loads_back_unchanged() {
        for (name, m) in catalog() {
            let (package, export_notes) = export(&m);
            let back = import(&package, &ImportOptions::new(m.field.clone())).unwrap();
            let text = to_yaml(&back.manifest, &export_notes);
            assert!(text.starts_with("# "), "{name}: notes lead the file");
            let (loaded, diagnostics) = load_yaml(&name, &text);
            assert_eq!(loaded.manifest, back.manifest, "{name}");
            let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
    }
}
