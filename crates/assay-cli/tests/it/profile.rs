//! `assay profile` and `assay init`, as a data engineer with files and no manifest uses them.

use std::path::PathBuf;

use serde_json::Value;

use crate::integrity::copy_tree;
use crate::support::{assay, is_standard, repo, stderr, stdout, temp_dir};

const NOW: &str = "2025-07-03T00:00:00Z";

fn column<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn profile_of_the_inspection_data() {
    let dir = repo().join("catalog/IF-C397/pcb-aoi-inspection/data");
    let out = assay(
        &repo(),
        &["profile", dir.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["rows"], 6000);
    // Planted by the fixture generator: 60 nulls and out-of-range values in solder_volume_pct,
    // 6 duplicated board ids, malformed e-mails.
    let solder = column(&doc, "solder_volume_pct");
    assert_eq!(solder["null_count"], 60);
    assert!(solder["min"].as_str().unwrap().parse::<f64>().unwrap() < 0.0);
    assert!(solder["mean"].as_f64().is_some() && solder["stddev"].as_f64().is_some());
    assert_eq!(solder["quantiles"].as_object().unwrap().len(), 5);
    let board = column(&doc, "board_id");
    assert_eq!(board["distinct"]["count"], 6000 - 6);
    assert_eq!(board["distinct"]["estimated"], false);
    let email = column(&doc, "operator_email");
    let p = email["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "email")
        .expect("email detected");
    assert!(p["fraction"].as_f64().unwrap() < 1.0);
    let line = column(&doc, "line_id");
    assert_eq!(
        (line["min"].as_str(), line["max"].as_str()),
        (Some("1"), Some("4"))
    );
    assert_eq!(line["top_values"].as_array().unwrap().len(), 4);
    // board_id has duplicates, so it is no key alone; the six duplicates are on other lines,
    // so (board_id, line_id) is.
    let keys: Vec<Vec<&str>> = doc["candidate_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            k.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect()
        })
        .collect();
    assert!(!keys.contains(&vec!["board_id"]), "{keys:?}");
    assert!(keys.contains(&vec!["board_id", "line_id"]), "{keys:?}");

    // A tiny exact limit turns distinct counts into estimates, and says so.
    let out = assay(
        &repo(),
        &[
            "profile",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--exact-limit",
            "100",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let board = column(&doc, "board_id");
    assert_eq!(board["distinct"]["estimated"], true);
    let estimate = board["distinct"]["count"].as_u64().unwrap();
    assert!((5_800..6_200).contains(&estimate), "{estimate}");

    let text = stdout(&assay(&repo(), &["profile", dir.to_str().unwrap()]));
    assert!(text.starts_with("1 file(s), 6000 rows\n  COLUMN"), "{text}");
}

#[test]
fn profile_of_the_telemetry_readings() {
    let dir = repo().join("catalog/IF-C341/boiler-sensor-telemetry/data");
    let files: Vec<String> = ["readings-2025-06.parquet", "readings-2025-07.parquet"]
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let out = assay(
        &repo(),
        &[
            "profile", &files[0], &files[1], "--format", "json", "--jobs", "1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let one: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = assay(
        &repo(),
        &[
            "profile", &files[0], &files[1], "--format", "json", "--jobs", "2",
        ],
    );
    let two: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Same bytes whatever the number of threads: sampling, moments and sketches are ordered.
    assert_eq!(one, two);
    // Threads change nothing exact.
    for c in ["ts", "machine_id", "value"] {
        let (a, b) = (column(&one, c), column(&two, c));
        for k in [
            "null_count",
            "distinct",
            "min",
            "max",
            "top_values",
            "monotonic",
        ] {
            assert_eq!(a[k], b[k], "{c}.{k}");
        }
        let (ma, mb) = (a["mean"].as_f64(), b["mean"].as_f64());
        if let (Some(x), Some(y)) = (ma, mb) {
            assert!((x - y).abs() < 1e-9 * x.abs().max(1.0));
        }
    }
    let machine = column(&one, "machine_id");
    let shape = machine["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "shape")
        .expect("a shape");
    assert_eq!(shape["regex"], "^[A-Z]\\-[0-9]{6}$");
    // Two tables (issue 20.10): each is profiled, not refused; the folder too.
    let machines = dir.join("machines.parquet").display().to_string();
    let out = assay(
        &repo(),
        &["profile", &files[0], &machines, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tables = doc["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 2);
    // Files are taken in path order; each schema is a table in the order first seen.
    assert_eq!(tables[0]["files"][0]["path"], machines.as_str());
    assert_eq!(tables[1]["files"][0]["path"], files[0].as_str());
    assert_eq!(tables[1]["columns"][0]["name"], one["columns"][0]["name"]);
    let folder = assay(&repo(), &["profile", &dir.display().to_string()]);
    assert_eq!(folder.status.code(), Some(0), "{}", stderr(&folder));
    let text = stdout(&folder);
    assert!(
        text.contains("table 1 of 2") && text.contains("table 2 of 2"),
        "{text}"
    );
}

/// Every example dataset: copy its data (no manifest), `assay init`, then the draft lints clean
/// and the data it came from validates against it.
#[test]
fn init_round_trip_on_every_example_dataset() {
    let root = temp_dir("init");
    let mut datasets: Vec<PathBuf> = Vec::new();
    for field in std::fs::read_dir(repo().join("catalog")).unwrap() {
        let field = field.unwrap().path();
        // Skip files and hidden folders (`.assay/` caches of earlier runs).
        if !field.is_dir()
            || field
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with('.')
        {
            continue;
        }
        for d in std::fs::read_dir(&field).unwrap() {
            let d = d.unwrap().path();
            if !is_standard(&d) {
                datasets.push(d);
            }
        }
    }
    datasets.sort();
    assert_eq!(datasets.len(), 6);
    for src in &datasets {
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        let field = src
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let dir = root.join(&name);
        copy_tree(&src.join("data"), &dir.join("data"));
        let out = assay(
            &dir,
            &[
                "init", ".", "--field", &field, "--name", &name, "--now", NOW,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let text = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
        assert!(text.contains("{check: row_count"), "{name}:\n{text}");
        assert!(text.contains("# "), "evidence comments:\n{text}");
        let lint = assay(&dir, &["lint", "."]);
        assert_eq!(
            lint.status.code(),
            Some(0),
            "{name}: {}\n{text}",
            stdout(&lint)
        );
        // The draft passes, except for the checks whose defects `init` flagged.
        let flagged = stdout(&out);
        let v = assay(
            &dir,
            &[
                "validate", ".", "--now", NOW, "--strict", "--format", "json",
            ],
        );
        let doc: Value = serde_json::from_slice(&v.stdout).unwrap();
        let failed: Vec<String> = doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                let resource = r["name"].as_str().unwrap().to_string();
                r["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|c| c["status"] != "pass")
                    .map(move |c| {
                        // `range(col)` → `col`
                        let name = c["name"].as_str().unwrap();
                        let column = name
                            .split_once('(')
                            .map_or(name, |(_, r)| r.trim_end_matches(')'));
                        format!("{resource}.{column}")
                    })
            })
            .collect();
        for f in &failed {
            assert!(
                flagged.contains(&format!("  {f}: ")),
                "{name}: {f} failed but was not flagged:\n{flagged}\n{text}"
            );
        }
        assert_eq!(
            v.status.code(),
            Some(if failed.is_empty() { 0 } else { 1 }),
            "{name}: {}",
            stderr(&v)
        );
        // Not overwritten without --force.
        let again = assay(&dir, &["init", ".", "--field", &field]);
        assert_eq!(again.status.code(), Some(2));
        assert!(stderr(&again).contains("--force"));
        assert_eq!(
            std::fs::read_to_string(dir.join("dataset.yaml")).unwrap(),
            text
        );
    }
    // The telemetry draft finds both resources and the suggestions the data supports.
    let text = std::fs::read_to_string(root.join("boiler-sensor-telemetry/dataset.yaml")).unwrap();
    for expected in [
        "path: \"data/readings-*.parquet\"",
        "path: \"data/machines.parquet\"",
        "{check: pattern, column: \"machine_id\", pattern: \"^[A-Z]\\\\-[0-9]{6}$\", severity: warn}",
        "{check: freshness, column: \"ts\"",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    // The metering data's declared primary key is found as a pair of columns.
    let meter =
        std::fs::read_to_string(root.join("power-plant-energy-metering/dataset.yaml")).unwrap();
    assert!(
        meter.contains("- {check: unique_key, columns: [\"meter_id\", \"interval_start\"]}"),
        "{meter}"
    );
    let pcb = std::fs::read_to_string(root.join("pcb-aoi-inspection/dataset.yaml")).unwrap();
    // The planted negative solder volumes do not widen the drafted range: it is an error-level
    // check, with its evidence.
    assert!(
        pcb.contains("# solder_volume_pct: 1st to 99th percentile"),
        "{pcb}"
    );
    let range = pcb
        .lines()
        .find(|l| l.contains("{check: range, column: \"solder_volume_pct\""))
        .unwrap();
    assert!(!range.contains("severity: warn"), "{range}");
    assert!(
        pcb.contains(
            "pattern: \"^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$\", mostly: 0.999, severity: warn}"
        ),
        "{pcb}"
    );
}

/// The official Frictionless v2 data package profile.
fn frictionless_v2() -> jsonschema::Validator {
    let path = repo().join("../shared/reference/frictionless/2.0/datapackage.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .unwrap()
}

/// Export a dataset, check the descriptor against the official profile, import it beside the
/// data again: the manifest lints clean and validates with the same results as the original.
#[test]
fn frictionless_round_trip_through_the_cli() {
    let v = frictionless_v2();
    for rel in [
        "catalog/IF-C397/pcb-aoi-inspection",
        "catalog/IF-C341/boiler-sensor-telemetry",
        "catalog/IF-D44/power-plant-energy-metering",
    ] {
        let src = repo().join(rel);
        let dir = temp_dir("frictionless").join(src.file_name().unwrap());
        copy_tree(&src.join("data"), &dir.join("data"));
        let out = assay(
            &repo(),
            &[
                "export",
                rel,
                "--to",
                "frictionless",
                "--out",
                dir.join("datapackage.json").to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let package: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("datapackage.json")).unwrap())
                .unwrap();
        let errors: Vec<String> = v
            .iter_errors(&package)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{rel}: {errors:?}");

        let field = rel.split('/').nth(1).unwrap();
        let out = assay(&dir, &["import", "datapackage.json", "--field", field]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(assay(&dir, &["lint", "."]).status.code(), Some(0));
        let (code_a, a) = crate::support::validate_in(&src, &[]);
        let (code_b, b) = crate::support::validate_in(&dir, &[]);
        assert_eq!(code_a, code_b, "{rel}");
        let results = |doc: &Value| -> Vec<(String, String, u64)> {
            doc["resources"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r["checks"].as_array().unwrap().iter())
                .map(|c| {
                    (
                        c["name"].as_str().unwrap().to_string(),
                        c["status"].as_str().unwrap().to_string(),
                        c["failing"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(results(&a), results(&b), "{rel}");
        // Not replaced without --force.
        let again = assay(&dir, &["import", "datapackage.json", "--field", field]);
        assert_eq!(again.status.code(), Some(2));
    }
}
