//! The dataset manifest (`dataset.yaml`, or `dataset.json`): the human-written description of one
//! dataset.
//!
//! The format is versioned (`assay: 1`) and is a superset of Frictionless Data Package v2 and
//! Table Schema: where Frictionless has a name for a thing (`licenses`, `resources`, `schema`,
//! `fields`, `constraints`, `primaryKey`, `uniqueKeys`, `foreignKeys`, `fieldsMatch`) the manifest
//! uses the same name with the same meaning. What Frictionless lacks (Arrow-level types, quality
//! checks with severities and tolerances, sensitivity, stewardship, lineage) is added.
//!
//! Every object rejects unknown keys (typo protection) except keys that start with `x-`, which
//! are reserved for extensions and kept verbatim in the raw document.
//!
//! These types are the source of truth for `schemas/manifest.schema.json`: the schema is
//! generated from them (see [`crate::schema`]) and CI fails when the committed file differs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::Check;
use crate::scalar::Scalar;

/// The manifest format version this build reads and writes.
pub const MANIFEST_FORMAT_VERSION: u32 = 1;

/// One dataset: identity, ownership, resources (Parquet files with their schema and checks) and
/// lineage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Assay dataset manifest", extend("$id" = "https://assay.dev/schemas/manifest.schema.json"))]
pub struct Manifest {
    /// Manifest format version. Always `1` for this release.
    #[schemars(range(min = 1, max = 1))]
    pub assay: u32,
    /// Machine name of the dataset: lowercase letters, digits, `-`, `_` and `.`; starts with a
    /// letter or digit. Unique within a catalog.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]*$"), length(min = 1, max = 128))]
    pub name: String,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The title in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// Dataset version, a semantic version (`1.2.0`).
    pub version: String,
    /// Industrial field code from the registry (`IF-C341`); see `assay fields`.
    #[schemars(regex(pattern = r"^IF-[A-Z][0-9]{2,3}$"))]
    pub field: String,
    /// This dataset is its field's reference standard: the shape a high-quality dataset of the
    /// field should have, which `assay new` copies and submissions are held to.
    #[serde(default, skip_serializing_if = "is_false")]
    pub field_standard: bool,
    /// The field standard this dataset conforms to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conforms_to: Option<ConformsTo>,
    /// What the dataset holds, how it was collected, and what it is for. Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The description in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_zh: Option<String>,
    /// The AI application the dataset is built for, and the column a model learns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
    /// Published standards the dataset draws on (GB/T, ISO, IEC, IEEE, ISA …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<StandardRef>,
    /// Search keywords, in any language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Licenses, by SPDX identifier (Frictionless `licenses`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<License>,
    /// The organization that owns the data and answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Party>,
    /// The data steward (for example the chief data officer) who reviews quality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steward: Option<Party>,
    /// Who may see the data.
    pub sensitivity: Sensitivity,
    /// Period the data covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporal: Option<TemporalCoverage>,
    /// Area the data covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spatial: Option<SpatialCoverage>,
    /// A web page about the dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// Where the data came from (Frictionless `sources`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// The data files, with their column schema and quality checks.
    #[schemars(length(min = 1))]
    pub resources: Vec<Resource>,
    /// Datasets this one derives from, and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage: Option<Lineage>,
    /// A training set: its splits, label, groups and time, and the training-set checks
    /// (`docs/ml.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ml: Option<crate::ml::Ml>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A field standard a dataset conforms to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConformsTo {
    /// The field code whose standard this is (`IF-C341`).
    #[schemars(regex(pattern = r"^IF-[A-Z][0-9]{2,3}$"))]
    pub standard: String,
    /// The standard's major version.
    #[schemars(range(min = 1))]
    pub version: u32,
}

/// The kind of AI application a dataset serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioKind {
    /// Failures predicted from condition data.
    PredictiveMaintenance,
    /// Defects found in images or inspection records.
    VisualInspection,
    /// Product quality predicted from process data.
    ProcessQuality,
    /// Process settings chosen for an outcome.
    ProcessOptimisation,
    /// Energy use and emissions predicted or reduced.
    EnergyEmissions,
    /// Yield predicted from process and material data.
    YieldPrediction,
    /// Hazards detected or predicted.
    SafetyMonitoring,
    /// Demand forecast.
    DemandPlanning,
    /// Supply, lead times and inventory forecast.
    SupplyPlanning,
    /// Abnormal behaviour detected.
    AnomalyDetection,
}

/// What a model learns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// A class from a code list.
    Classification,
    /// A number.
    Regression,
}

/// A column of a resource of the same dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnRef {
    /// The resource.
    pub resource: String,
    /// The column.
    pub column: String,
}

/// The AI application a dataset is built for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Scenario {
    /// The kind of application.
    pub kind: ScenarioKind,
    /// What the model does, in a sentence.
    pub title: String,
    /// The same in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// Classification or regression.
    pub task: Task,
    /// The column the model learns.
    pub label: ColumnRef,
}

/// A published standard the dataset draws on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StandardRef {
    /// Its number (`GB/T 36344-2018`, `ISO 20816-3`).
    pub id: String,
    /// Its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the dataset takes from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_for: Option<String>,
}

/// A license, named by SPDX identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// SPDX license identifier or expression (`CC-BY-4.0`, `Apache-2.0 OR MIT`), or
    /// `LicenseRef-…` for a license of your own.
    pub name: String,
    /// A URL or path to the license text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Human title of the license.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A person, role or organization (owner, steward).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Organization name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Person name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Role, for example `chief data officer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Contact e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Who may see the data.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    /// Anyone.
    Public,
    /// Anyone inside the organization.
    Internal,
    /// Named people with a need to know.
    Confidential,
    /// Regulated or personal data under explicit controls.
    Restricted,
}

impl Sensitivity {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Public => "public",
            Sensitivity::Internal => "internal",
            Sensitivity::Confidential => "confidential",
            Sensitivity::Restricted => "restricted",
        }
    }
}

/// Period the data covers: ISO 8601 dates or date-times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemporalCoverage {
    /// First instant covered (`2025-01-01` or `2025-01-01T00:00:00Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Last instant covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// Area the data covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpatialCoverage {
    /// Free text, for example `Harbin boiler plant, line 3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Region codes: ISO 3166-1 alpha-2 countries or ISO 3166-2 subdivisions (`CN`, `CN-HL`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Bounding box `[west, south, east, north]` in WGS 84 degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
}

/// A source the data came from (Frictionless `sources`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Human title of the source.
    pub title: String,
    /// A URL or path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A contact e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One logical table stored as one or more Parquet files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resource {
    /// Resource name, unique within the dataset. Same spelling rules as the dataset name.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]*$"), length(min = 1, max = 128))]
    pub name: String,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What one row is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// File path or glob relative to the manifest's folder (`data/readings-*.parquet`), or a list
    /// of them. `/`-separated; must stay inside the dataset folder.
    pub path: PathSpec,
    /// File format. Only `parquet` for now.
    #[serde(default)]
    pub format: Format,
    /// The column schema every file must follow.
    pub schema: TableSchema,
    /// The resource may have no files yet (a table filled later). Without it, a path that
    /// matches no file is an error: a misspelt path must not leave a resource silently empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// Quality checks on this resource, beyond the column constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

/// One path or glob, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PathSpec {
    /// A single path or glob.
    One(String),
    /// Several paths or globs; files matched by more than one are counted once.
    Many(Vec<String>),
}

impl PathSpec {
    /// The patterns, in declaration order.
    pub fn patterns(&self) -> Vec<&str> {
        match self {
            PathSpec::One(p) => vec![p.as_str()],
            PathSpec::Many(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

/// File format of a resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Apache Parquet.
    #[default]
    Parquet,
}

/// A Table Schema: the columns, how strictly they must match, and keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TableSchema {
    /// The columns.
    #[schemars(length(min = 1))]
    pub fields: Vec<Field>,
    /// How the file's columns must match `fields` (Frictionless v2 `fieldsMatch`).
    #[serde(default)]
    pub fields_match: FieldsMatch,
    /// Columns whose values together identify a row; implies `required` and uniqueness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyColumns>,
    /// Other column sets whose values together must be unique.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_keys: Vec<KeyColumns>,
    /// References to columns of another resource of this dataset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
}

/// One column name, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum KeyColumns {
    /// A single column.
    One(String),
    /// A compound key.
    Many(Vec<String>),
}

impl KeyColumns {
    /// The column names, in declaration order.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            KeyColumns::One(c) => vec![c.as_str()],
            KeyColumns::Many(cs) => cs.iter().map(String::as_str).collect(),
        }
    }
}

/// A foreign key (Frictionless Table Schema `foreignKeys`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The referencing columns in this resource.
    pub fields: KeyColumns,
    /// The referenced resource and columns.
    pub reference: ForeignKeyReference,
}

/// The target of a foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeyReference {
    /// Name of another resource of this dataset; omitted means this resource (self-reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The referenced columns, in the same order and number as `fields`.
    pub fields: KeyColumns,
}

/// How the columns of a file must match the declared `fields` (Frictionless v2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldsMatch {
    /// Same columns in the same order.
    #[default]
    Exact,
    /// Same columns in any order.
    Equal,
    /// Every declared column is present; the file may have more.
    Subset,
    /// Every file column is declared; some declared ones may be missing.
    Superset,
    /// At least one declared column is present.
    Partial,
}

impl FieldsMatch {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldsMatch::Exact => "exact",
            FieldsMatch::Equal => "equal",
            FieldsMatch::Subset => "subset",
            FieldsMatch::Superset => "superset",
            FieldsMatch::Partial => "partial",
        }
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Field {
    /// Column name, as written in the Parquet file.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The column's type. Arrow-level names (`int32`, `timestamp`, `decimal` …) match exactly;
    /// the Frictionless names (`integer`, `number`, `datetime` …) match a family of widths.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Decimal precision (total digits), for `decimal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 76))]
    pub precision: Option<u8>,
    /// Decimal scale (digits after the point), for `decimal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<i8>,
    /// Time unit, for `timestamp`, `time` and `duration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<TimeUnit>,
    /// Time zone for `timestamp`: `UTC`, an IANA name or an offset (`+08:00`). Omitted means a
    /// timestamp without zone (local/naive time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Element type, for `list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Field>>,
    /// Child fields, for `struct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Field>>,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the column means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unit of measure as a UCUM code (`Cel`, `kW.h`, `m3/h`, `%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_measure: Option<String>,
    /// Who may see the column's values (the ODCS `classification`); omitted, the dataset's
    /// `sensitivity` applies. Values of a column that is not `public` are redacted in everything
    /// that leaves the machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Sensitivity>,
    /// The column holds personal information (names, e-mail addresses, phone, ID or employee
    /// numbers): its values are always redacted outside the engineer's terminal, and
    /// `assay publish` refuses a site that contains one.
    #[serde(default, skip_serializing_if = "is_false")]
    pub personal: bool,
    /// Value constraints; each one is also a check in the report.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

/// Column types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Boolean.
    Bool,
    /// Signed 8-bit integer.
    Int8,
    /// Signed 16-bit integer.
    Int16,
    /// Signed 32-bit integer.
    Int32,
    /// Signed 64-bit integer.
    Int64,
    /// Unsigned 8-bit integer.
    Uint8,
    /// Unsigned 16-bit integer.
    Uint16,
    /// Unsigned 32-bit integer.
    Uint32,
    /// Unsigned 64-bit integer.
    Uint64,
    /// IEEE half precision.
    Float16,
    /// IEEE single precision.
    Float32,
    /// IEEE double precision.
    Float64,
    /// Fixed-point decimal with `precision` and `scale`.
    Decimal,
    /// UTF-8 string (Arrow `Utf8`; `Utf8View` and `LargeUtf8`, as pandas and pyarrow write, are
    /// accepted too).
    String,
    /// UTF-8 string with 64-bit offsets (Arrow `LargeUtf8`), and only that layout.
    LargeString,
    /// Bytes.
    Binary,
    /// Calendar date (Arrow `Date32`).
    Date,
    /// Time of day with `unit`.
    Time,
    /// Instant with `unit` and optional `timezone`.
    Timestamp,
    /// Elapsed time with `unit`.
    Duration,
    /// A list of `items`.
    List,
    /// A record of `fields`.
    Struct,
    /// Frictionless `integer`: any signed or unsigned integer width.
    Integer,
    /// Frictionless `number`: any float or decimal.
    Number,
    /// Frictionless `boolean`.
    Boolean,
    /// Frictionless `datetime`: any timestamp unit and zone.
    Datetime,
    /// Frictionless `array`: any list.
    Array,
    /// Frictionless `object`: any struct.
    Object,
    /// Frictionless `any`: any type.
    Any,
}

impl FieldType {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Bool => "bool",
            FieldType::Int8 => "int8",
            FieldType::Int16 => "int16",
            FieldType::Int32 => "int32",
            FieldType::Int64 => "int64",
            FieldType::Uint8 => "uint8",
            FieldType::Uint16 => "uint16",
            FieldType::Uint32 => "uint32",
            FieldType::Uint64 => "uint64",
            FieldType::Float16 => "float16",
            FieldType::Float32 => "float32",
            FieldType::Float64 => "float64",
            FieldType::Decimal => "decimal",
            FieldType::String => "string",
            FieldType::LargeString => "large_string",
            FieldType::Binary => "binary",
            FieldType::Date => "date",
            FieldType::Time => "time",
            FieldType::Timestamp => "timestamp",
            FieldType::Duration => "duration",
            FieldType::List => "list",
            FieldType::Struct => "struct",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Datetime => "datetime",
            FieldType::Array => "array",
            FieldType::Object => "object",
            FieldType::Any => "any",
        }
    }

    /// The broad kind of values the type holds; decides which constraints and checks apply.
    pub fn family(self) -> TypeFamily {
        use FieldType::*;
        match self {
            Bool | Boolean => TypeFamily::Boolean,
            Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32 | Uint64 | Integer => {
                TypeFamily::Integer
            }
            Float16 | Float32 | Float64 | Number => TypeFamily::Float,
            Decimal => TypeFamily::Decimal,
            String | LargeString => TypeFamily::String,
            Binary => TypeFamily::Binary,
            Date | Time | Timestamp | Datetime => TypeFamily::Temporal,
            Duration => TypeFamily::Duration,
            List | Array => TypeFamily::List,
            Struct | Object => TypeFamily::Struct,
            Any => TypeFamily::Any,
        }
    }
}

/// Broad value families, used to decide which constraints fit a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFamily {
    /// true/false.
    Boolean,
    /// Whole numbers.
    Integer,
    /// Floating point.
    Float,
    /// Fixed point.
    Decimal,
    /// Text.
    String,
    /// Bytes.
    Binary,
    /// Dates, times and timestamps.
    Temporal,
    /// Durations.
    Duration,
    /// Lists.
    List,
    /// Records.
    Struct,
    /// Anything.
    Any,
}

impl TypeFamily {
    /// Numbers: integers, floats and decimals.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            TypeFamily::Integer | TypeFamily::Float | TypeFamily::Decimal
        )
    }

    /// Types with an order, so `minimum`/`maximum` make sense.
    pub fn is_ordered(self) -> bool {
        self.is_numeric()
            || matches!(
                self,
                TypeFamily::Temporal | TypeFamily::Duration | TypeFamily::String | TypeFamily::Any
            )
    }
}

/// Time unit for `timestamp`, `time` and `duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Seconds.
    S,
    /// Milliseconds.
    Ms,
    /// Microseconds.
    Us,
    /// Nanoseconds.
    Ns,
}

impl TimeUnit {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::S => "s",
            TimeUnit::Ms => "ms",
            TimeUnit::Us => "us",
            TimeUnit::Ns => "ns",
        }
    }
}

/// Column constraints (Frictionless Table Schema `constraints`). Each is evaluated as a check of
/// the matching kind: `required` → `not_null`, `unique` → `unique`, `minimum`… → `range`,
/// `minLength`/`maxLength` → `length`, `pattern` → `pattern`, `enum` → `in_set`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Constraints {
    /// No nulls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// No value occurs twice (nulls are not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// Smallest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Scalar>,
    /// Largest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Scalar>,
    /// Values must be greater than this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<Scalar>,
    /// Values must be less than this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<Scalar>,
    /// Shortest allowed string, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// Longest allowed string, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Regular expression every value must match in full (Rust `regex` syntax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The allowed values.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub enum_values: Option<Vec<Scalar>>,
}

impl Constraints {
    /// True when no constraint is set.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// Where a dataset comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Lineage {
    /// Upstream datasets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<Upstream>,
    /// How this dataset was produced from them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<Process>,
}

/// One upstream dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// The upstream dataset's `name`.
    pub dataset: String,
    /// The upstream version this was derived from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The upstream dataset digest (`sha256:<hex>`) from its lock when this was derived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub digest: Option<String>,
}

/// How a dataset was produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// What was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A reference to the code that did it (`git+https://…@<commit>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Parameters of the run.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub parameters: serde_json::Map<String, serde_json::Value>,
}
