//! ODCS round trips and schema validity.
use serde_json::{Value, json};

use assay_model::Manifest;

use super::*;

fn shared() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/odcs")
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../schemas/odcs/odcs-json-schema-v3.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft201909)
        .build(&schema)
        .unwrap()
}

fn manifest_of(doc: &Value) -> Manifest {
    let mut v = doc.clone();
    v.as_object_mut().unwrap().remove("x-odcs");
    serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}: {doc:#}"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The standard's own examples: every contract that describes tables imports to a valid
/// manifest, exports to a contract the official 3.1 schema accepts, and import → export →
/// import is a fixed point.
#[test]
fn the_standard_examples_round_trip() {
    let v = validator();
    let mut tables = 0;
    let mut files: Vec<_> = std::fs::read_dir(shared().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(f).unwrap();
        let contract = assay_model::source::parse(&bytes)
            .unwrap_or_else(|e| panic!("{name}: {}", e.message))
            .value;
        let first = import(&contract, "IF-C341").unwrap_or_else(|e| panic!("{name}: {e}"));
        if first.document["resources"]
            .as_array()
            .is_none_or(|r| r.is_empty())
        {
            continue;
        }
        tables += 1;
        let m = manifest_of(&first.document);
        let (exported, _) = export(&m, first.document.get("x-odcs"));
        let errs = errors(&v, &exported);
        assert!(errs.is_empty(), "{name}: {errs:#?}\n{exported:#}");
        let second = import(&exported, "IF-C341").unwrap();
        assert_eq!(
            first.document, second.document,
            "{name}: import → export → import is not a fixed point"
        );
    }
    // 12 of the 18 describe tables; the others hold roles, servers, stakeholders, an empty
    // schema or a Kafka topic without properties.
    assert_eq!(tables, 12, "table contracts");
}

/// A manifest with what ODCS has no word for (Assay types, units, enums, other checks)
/// exports to a valid contract and imports back to the same manifest.
#[test]
fn an_assay_manifest_round_trips_through_odcs() {
    let yaml = r#"
assay: 1
name: plant-readings
title: Plant readings
titleZh: 工厂读数
version: 1.2.0
field: IF-C341
description: Sensor readings.
keywords: [boiler]
licenses: [{name: CC-BY-4.0}]
owner: {organization: Example Works, email: data@example.com}
sensitivity: confidential
resources:
  - name: readings
    title: Readings
    path: data/readings-*.parquet
    schema:
      fieldsMatch: equal
      fields:
        - {name: ts, type: timestamp, unit: us, timezone: UTC, constraints: {required: true}}
        - {name: machine_id, type: string, constraints: {required: true, pattern: "^M-[0-9]{4}$"}}
        - {name: value, type: float64, unitOfMeasure: Cel, constraints: {minimum: 0, maximum: 500}}
        - {name: status, type: string, constraints: {enum: [RUN, IDLE]}}
      primaryKey: [machine_id, ts]
    checks:
      - {check: not_null, column: value, mostly: 0.99}
      - {check: in_set, column: status, values: [RUN, IDLE], severity: warn}
      - {check: row_count, min: 10, max: 1000}
      - {check: freshness, column: ts, maxAge: P2D}
      - {check: expression, name: value-positive, sql: "value >= 0", description: No negative readings}
"#;
    let doc = assay_model::source::parse(yaml.as_bytes()).unwrap().value;
    let m: Manifest = serde_json::from_value(doc.clone()).unwrap();
    let (contract, notes) = export(&m, None);
    let errs = errors(&validator(), &contract);
    assert!(errs.is_empty(), "{errs:#?}\n{contract:#}");
    // The freshness check is the contract's SLA latency; the enum a custom property.
    assert_eq!(
        contract["slaProperties"],
        json!([{"property": "latency", "value": 2, "unit": "d", "element": "readings.ts"}])
    );
    assert_eq!(contract["team"]["members"][0]["tags"], json!(["owner"]));
    // The expression is the table's SQL rule.
    let sql = contract["schema"][0]["quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["type"] == "sql")
        .unwrap();
    assert_eq!(
        sql["query"],
        "SELECT COUNT(*) FROM {object} WHERE NOT (value >= 0)"
    );
    assert_eq!(sql["name"], "value-positive");
    // The licence is an authoritative definition.
    assert_eq!(
        contract["authoritativeDefinitions"],
        json!([{"type": "license", "url": "https://spdx.org/licenses/CC-BY-4.0.html", "description": "CC-BY-4.0"}])
    );
    assert!(
        notes.iter().any(|n| n.message.contains("`enum` of")),
        "{notes:?}"
    );
    let back = import(&contract, "IF-C999").unwrap();
    assert!(back.document.get("x-odcs").is_none(), "{:#}", back.document);
    // The same manifest; the checks may come back in another order (by where ODCS keeps
    // them: columns, the table, SLAs).
    let sorted = |mut m: Manifest| {
        for r in &mut m.resources {
            r.checks.sort_by_key(|c| c.display_name());
        }
        m
    };
    assert_eq!(sorted(manifest_of(&back.document)), sorted(m));
}
