//! Import: v1 and v2 packages, the official profiles, what is refused.

use super::*;

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
        // The files are not there (`no-files`, an error since the path matches nothing);
        // nothing else is an error.
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.is_error() && d.code != "no-files")
            .collect();
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
