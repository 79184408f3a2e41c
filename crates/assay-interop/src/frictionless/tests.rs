use std::path::{Path, PathBuf};

use super::yaml::yaml_scalar_text;
use super::*;
use assay_model::lint::{self, LintOptions};
use assay_model::registry::FieldRegistry;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
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
            let loaded = lint::load(&path).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
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
            .ok_or_else(|| format!("refusing to fetch {}: not a local profile", uri.as_str()))?;
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
    let dir = std::env::temp_dir().join(format!("assay-frictionless-{}-{tag}", std::process::id()));
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
        let (loaded, diagnostics) = load_yaml(name, &to_yaml(&imported.manifest, &imported.notes));
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
