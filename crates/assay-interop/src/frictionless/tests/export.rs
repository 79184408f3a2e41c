//! Export, round trips and YAML.

use super::*;

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
        expected.title_zh = None;
        expected.description_zh = None;
        expected.field_standard = false;
        expected.conforms_to = None;
        expected.scenario = None;
        expected.ml = None;
        expected.standards = Vec::new();
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
        // Written without the data, so `no-files`; nothing else is an error.
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.is_error() && d.code != "no-files")
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}
