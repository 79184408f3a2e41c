//! Frictionless Data Package import and export: turning a `datapackage.json` (v1 or v2) into a
//! manifest, and a manifest into a Frictionless v2 `datapackage.json`.
//!
//! The manifest is a superset of Frictionless v2 Table Schema (see [`assay_model::manifest`]), so most
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

use assay_model::check::{Check, IsoDuration};
use assay_model::manifest::{
    ConformsTo, Constraints, Field, FieldType, FieldsMatch, ForeignKey, ForeignKeyReference,
    Format, KeyColumns, License, Lineage, MANIFEST_FORMAT_VERSION, Manifest, Party, PathSpec,
    Resource, Scenario, Sensitivity, Source, SpatialCoverage, StandardRef, TableSchema,
    TemporalCoverage, TimeUnit, TypeFamily,
};
use assay_model::scalar::Scalar;
use assay_model::source::escape_pointer_token;

mod export;
mod import;
#[cfg(test)]
mod tests;
mod values;
mod yaml;

pub use export::{export, export_with_files};
use import::*;
use values::*;
pub use yaml::{document_to_yaml, to_yaml};

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
    if !assay_model::is_field_code(&options.field) {
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
