//! `assay lineage` and the OpenLineage events of `assay validate --openlineage`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{assay, example_catalog, repo, stderr, stdout, temp_dir};

/// A catalog of copies of the example datasets.
fn catalog(test: &str) -> PathBuf {
    let dir = temp_dir(test).join("catalog");
    example_catalog(&dir);
    dir
}

/// A minimal manifest with `derivedFrom` entries, written to `catalog/IF-C341/<name>/`.
fn write_dataset(catalog: &Path, name: &str, derived_from: &[&str]) {
    let dir = catalog.join("IF-C341").join(name);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(
        repo().join("catalog/IF-C341/boiler-hourly-aggregates/data/hourly.parquet"),
        dir.join("data/x.parquet"),
    )
    .unwrap();
    let ups: String = derived_from
        .iter()
        .map(|d| format!("    - {{dataset: {d}}}\n"))
        .collect();
    let lineage = if ups.is_empty() {
        String::new()
    } else {
        format!("lineage:\n  derivedFrom:\n{ups}")
    };
    std::fs::write(
        dir.join("dataset.yaml"),
        format!(
            "assay: 1\nname: {name}\nversion: 1.0.0\nfield: IF-C341\nsensitivity: internal\nlicenses: [{{name: CC-BY-4.0}}]\nowner: {{organization: Example, email: a@example.com}}\nresources:\n  - name: x\n    path: data/x.parquet\n    schema: {{fieldsMatch: partial, fields: [{{name: machine_id, type: string}}]}}\n{lineage}"
        ),
    )
    .unwrap();
}

#[test]
fn example_catalog_tree_and_formats() {
    let root = repo();
    let out = assay(&root, &["lineage", "catalog"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "boiler-sensor-telemetry 1.2.0 (IF-C341)\n└── boiler-hourly-aggregates 1.0.0 (IF-C341) [recorded 1.2.0]\n"
        ),
        "{text}"
    );
    let out = assay(
        &root,
        &[
            "lineage",
            "catalog",
            "--upstream",
            "boiler-hourly-aggregates",
        ],
    );
    assert_eq!(
        stdout(&out),
        "boiler-hourly-aggregates 1.0.0 (IF-C341)\n└── boiler-sensor-telemetry 1.2.0 (IF-C341) [recorded 1.2.0]\n"
    );
    let out = assay(
        &root,
        &[
            "lineage",
            "catalog",
            "--downstream",
            "boiler-sensor-telemetry",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = doc["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["boiler-hourly-aggregates", "boiler-sensor-telemetry"]
    );
    assert_eq!(doc["edges"][0]["from"], "boiler-sensor-telemetry");
    let out = assay(&root, &["lineage", "catalog", "--format", "dot"]);
    assert!(
        stdout(&out).contains("\"boiler-sensor-telemetry\" -> \"boiler-hourly-aggregates\""),
        "{}",
        stdout(&out)
    );
    let out = assay(
        &root,
        &["lineage", "catalog", "--downstream", "boiler-sensor"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `boiler-sensor-telemetry`?"));

    // docs/lineage.md shows the current Mermaid output of the example datasets (the field
    // standards derive from nothing).
    let examples = catalog("lineage-mermaid");
    let out = assay(
        examples.parent().unwrap(),
        &["lineage", "catalog", "--format", "mermaid"],
    );
    let doc = std::fs::read_to_string(root.join("docs/lineage.md")).unwrap();
    assert!(
        doc.contains(&format!("```mermaid\n{}```", stdout(&out))),
        "docs/lineage.md is stale; its mermaid block should be:\n{}",
        stdout(&out)
    );
}

#[test]
fn cycles_self_references_and_dangling_references() {
    let cat = temp_dir("lineage-problems").join("catalog");
    write_dataset(&cat, "a", &["c"]);
    write_dataset(&cat, "b", &["a"]);
    write_dataset(&cat, "c", &["b"]);
    write_dataset(&cat, "s", &["s"]);
    write_dataset(&cat, "d", &["ghost"]);
    let out = assay(&cat, &["lineage", "."]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for line in [
        "problem: derivation cycle: a -> b -> c -> a",
        "problem: `s` names itself in derivedFrom",
        "problem: `d` is derived from `ghost`, which is not in the catalog",
    ] {
        assert!(text.contains(line), "{line} not in:\n{text}");
    }
    // The tree terminates on the cycle.
    let out = assay(&cat, &["lineage", ".", "--downstream", "a"]);
    assert!(stdout(&out).contains("(cycle)"), "{}", stdout(&out));
    let out = assay(&cat, &["lineage", ".", "--format", "mermaid"]);
    assert!(stdout(&out).contains("-.->"), "dangling edges are dashed");
}

#[test]
fn a_changed_upstream_makes_its_derivation_stale() {
    let cat = catalog("lineage-stale");
    let out = assay(&cat, &["lineage", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // New data upstream, locked: the recorded digest no longer matches.
    let telemetry = cat.join("IF-C341/boiler-sensor-telemetry");
    std::fs::copy(
        telemetry.join("data/readings-2025-07.parquet"),
        telemetry.join("data/readings-2025-08.parquet"),
    )
    .unwrap();
    assert_eq!(assay(&telemetry, &["lock", "."]).status.code(), Some(0));
    let out = assay(&cat, &["lineage", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &doc["problems"][0];
    assert_eq!(p["problem"], "stale");
    assert_eq!(p["dataset"], "boiler-hourly-aggregates");
    assert_eq!(
        p["recorded"],
        "sha256:c193bc735f719b61b9c30de71f950d384a569d14c626bbca05683a2ef2add1cf"
    );
    // A version bump upstream is a mismatch too.
    let m = std::fs::read_to_string(telemetry.join("dataset.yaml")).unwrap();
    std::fs::write(
        telemetry.join("dataset.yaml"),
        m.replacen("version: 1.2.0", "version: 1.3.0", 1),
    )
    .unwrap();
    let out = assay(&cat, &["lineage", "."]);
    assert!(
        stdout(&out).contains(
            "records `boiler-sensor-telemetry` version 1.2.0, but its manifest says 1.3.0"
        ),
        "{}",
        stdout(&out)
    );
}

/// Resolves the core schema's URI to the official file; nothing is fetched.
struct Official(Value);

impl jsonschema::Retrieve for Official {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str().trim_end_matches('#')
            == "https://openlineage.io/spec/2-0-2/OpenLineage.json"
        {
            Ok(self.0.clone())
        } else {
            Err(format!("{uri} is not available offline").into())
        }
    }
}

/// Validates `instance` against the OpenLineage core schema or one of its facet schemas, with
/// references resolved to the official files in ../shared.
fn ol_errors(schema_file: &str, instance: &Value) -> Vec<String> {
    let dir = repo().join("../shared/reference/openlineage");
    let core: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("OpenLineage.json")).unwrap())
            .unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(if schema_file == "OpenLineage.json" {
            dir.join(schema_file)
        } else if schema_file.starts_with("schemas/") {
            repo().join(schema_file)
        } else {
            dir.join("facets").join(schema_file)
        })
        .unwrap(),
    )
    .unwrap();
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_retriever(Official(core))
        .build(&schema)
        .unwrap_or_else(|e| panic!("{schema_file}: {e}"));
    v.iter_errors(instance)
        .map(|e| format!("{schema_file} at {}: {e}", e.instance_path()))
        .collect()
}

/// Every event against the core schema, and every facet against its own schema.
fn assert_valid_events(events: &[Value]) {
    let facet_schema = |name: &str| -> Option<&'static str> {
        Some(match name {
            "schema" => "SchemaDatasetFacet.json",
            "version" => "DatasetVersionDatasetFacet.json",
            "dataSource" => "DatasourceDatasetFacet.json",
            "ownership" => "OwnershipDatasetFacet.json",
            "tags" => "TagsDatasetFacet.json",
            "dataQualityMetrics" => "DataQualityMetricsInputDatasetFacet.json",
            "dataQualityAssertions" => "DataQualityAssertionsDatasetFacet.json",
            "test" => "TestRunFacet.json",
            "errorMessage" => "ErrorMessageRunFacet.json",
            "jobType" => "JobTypeJobFacet.json",
            "documentation" => "DocumentationJobFacet.json",
            "sourceCodeLocation" => "SourceCodeLocationJobFacet.json",
            "assayChecksums" => "schemas/openlineage/ChecksumsDatasetFacet.json",
            _ => return None,
        })
    };
    let mut checked = std::collections::BTreeSet::new();
    for e in events {
        let errors = ol_errors("OpenLineage.json", e);
        assert!(errors.is_empty(), "{errors:#?}");
        let mut facet_maps: Vec<&Value> = vec![&e["run"]["facets"], &e["job"]["facets"]];
        for d in e["inputs"]
            .as_array()
            .into_iter()
            .chain(e["outputs"].as_array())
            .flatten()
        {
            facet_maps.push(&d["facets"]);
            facet_maps.push(&d["inputFacets"]);
        }
        for map in facet_maps {
            let Some(obj) = map.as_object() else { continue };
            for (name, value) in obj {
                let file =
                    facet_schema(name).unwrap_or_else(|| panic!("no schema for facet {name}"));
                let one = serde_json::json!({ name: value });
                let errors = ol_errors(file, &one);
                assert!(errors.is_empty(), "{errors:#?}");
                checked.insert(name.clone());
            }
        }
    }
    assert!(!checked.is_empty());
}

fn read_events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn validation_run_events_are_valid_openlineage() {
    let dir = temp_dir("openlineage");
    let pcb = repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let events_path = dir.join("run.jsonl");
    let run = |path: &Path| {
        assay(
            &pcb,
            &[
                "validate",
                ".",
                "--now",
                "2025-07-03T00:00:00Z",
                "--openlineage",
                path.to_str().unwrap(),
                "--deterministic",
                "--quiet",
            ],
        )
    };
    let out = run(&events_path);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let events = read_events(&events_path);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["eventType"], "START");
    assert_eq!(events[1]["eventType"], "FAIL");
    assert_eq!(events[0]["run"]["runId"], events[1]["run"]["runId"]);
    assert_valid_events(&events);
    // The validators do reject what the schemas forbid.
    let mut broken = events[1].clone();
    broken["run"].as_object_mut().unwrap().remove("runId");
    assert!(!ol_errors("OpenLineage.json", &broken).is_empty());
    let no_assertions =
        serde_json::json!({"dataQualityAssertions": {"_producer": "x", "_schemaURL": "y"}});
    assert!(!ol_errors("DataQualityAssertionsDatasetFacet.json", &no_assertions).is_empty());
    let bad_checksum = serde_json::json!({"assayChecksums": {"_producer": "x", "_schemaURL": "y", "algorithm": "md5", "digest": null, "files": []}});
    assert!(
        !ol_errors(
            "schemas/openlineage/ChecksumsDatasetFacet.json",
            &bad_checksum
        )
        .is_empty()
    );

    let input = &events[1]["inputs"][0];
    let lock: Value =
        serde_json::from_str(&std::fs::read_to_string(pcb.join("dataset.lock")).unwrap()).unwrap();
    assert_eq!(input["facets"]["version"]["datasetVersion"], lock["digest"]);
    assert_eq!(input["facets"]["assayChecksums"]["digest"], lock["digest"]);
    let tags: Vec<(String, String)> = input["facets"]["tags"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap().into(),
                t["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        tags.contains(&("field".into(), "IF-C397".into())),
        "{tags:?}"
    );
    assert!(tags.iter().any(|(k, _)| k == "sector"));
    let metrics = &input["inputFacets"]["dataQualityMetrics"];
    assert_eq!(metrics["rowCount"], 6000);
    assert_eq!(metrics["fileCount"], 1);
    // solder_volume_pct has nulls and out-of-range values planted by the fixture generator.
    assert_eq!(
        metrics["columnMetrics"]["solder_volume_pct"]["nullCount"],
        60
    );
    assert!(
        metrics["columnMetrics"]["solder_volume_pct"]["min"]
            .as_f64()
            .unwrap()
            < 0.0
    );
    let tests = events[1]["run"]["facets"]["test"]["tests"]
        .as_array()
        .unwrap();
    let assertions = input["inputFacets"]["dataQualityAssertions"]["assertions"]
        .as_array()
        .unwrap();
    assert_eq!(tests.len(), assertions.len());
    assert!(
        tests
            .iter()
            .any(|t| t["status"] == "fail" && t["severity"] == "error")
    );
    assert!(assertions.iter().any(|a| a["success"] == false));

    // Deterministic: same inputs, same bytes.
    let again = dir.join("again.jsonl");
    run(&again);
    assert_eq!(
        std::fs::read(&events_path).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // Without --deterministic, the run id is a fresh UUIDv7.
    let fresh = dir.join("fresh.jsonl");
    assay(
        &pcb,
        &[
            "validate",
            ".",
            "--openlineage",
            fresh.to_str().unwrap(),
            "--quiet",
        ],
    );
    let e = read_events(&fresh);
    assert_ne!(e[0]["run"]["runId"], events[0]["run"]["runId"]);
    assert_eq!(&e[0]["run"]["runId"].as_str().unwrap()[14..15], "7");
    assert_valid_events(&e);
}

#[test]
fn declared_lineage_as_openlineage_job_events() {
    let out = assay(&repo(), &["lineage", "catalog", "--format", "openlineage"]);
    assert_eq!(out.status.code(), Some(0));
    let events: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0]["job"]["name"],
        "assay.derive.boiler-hourly-aggregates"
    );
    assert_eq!(
        events[0]["inputs"][0]["name"],
        "IF-C341/boiler-sensor-telemetry"
    );
    assert_eq!(
        events[0]["outputs"][0]["name"],
        "IF-C341/boiler-hourly-aggregates"
    );
    assert_eq!(
        events[0]["job"]["facets"]["sourceCodeLocation"]["version"],
        "4f2a9c1"
    );
    assert_valid_events(&events);
}
