//! `assay validate` on the example catalog and on broken data, as a data engineer runs it.

use crate::support::*;

const NOW: &str = "2025-07-03T00:00:00Z";

fn report_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schemas/report.schema.json")).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&serde_json::from_str(&text).unwrap())
        .unwrap()
}

fn validate_json(dir: &std::path::Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec![
        "validate",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--now",
        NOW,
        // The engineer's own view: the values, to fix the data (redaction has its own tests).
        "--reveal",
    ];
    args.extend_from_slice(extra);
    let out = assay(&repo(), &args);
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    assert_valid_report(&doc);
    (out.status.code(), doc)
}

fn check<'a>(doc: &'a serde_json::Value, resource: &str, name: &str) -> &'a serde_json::Value {
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == resource)
        .and_then(|r| {
            r["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
        })
        .unwrap_or_else(|| panic!("no check {name} in {resource}"))
}

#[test]
fn every_example_dataset_validates_and_reports_match_the_schema() {
    let v = report_validator();
    let manifests = assay_model::lint::find_manifests(&[repo().join("catalog")]).unwrap();
    assert!(manifests.len() >= 5);
    for m in manifests {
        let dir = m.parent().unwrap();
        let (code, doc) = validate_json(dir, &[]);
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{}: exit {code:?}",
            dir.display()
        );
        for f in doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["files"].as_array().unwrap())
        {
            let path = dir.join(f["path"].as_str().unwrap());
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(f["bytes"], bytes.len(), "{}", path.display());
            use sha2::Digest;
            let hex: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(
                f["sha256"],
                hex.as_str(),
                "report hash is the file's sha256"
            );
        }
    }
}

#[test]
fn deliberate_problems_are_found_with_exact_counts_and_located_samples() {
    let dir = repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let (code, doc) = validate_json(&dir, &["--samples", "3"]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["status"], "fail");
    // Board serials duplicated every 997 rows from row 500: rows 500, 1497, … 5485.
    let dup = check(&doc, "results", "board_id: unique");
    assert_eq!(dup["failing"], 6);
    assert_eq!(dup["evaluated"], 6000);
    assert_eq!(dup["status"], "fail");
    let rows: Vec<u64> = dup["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["row"].as_u64().unwrap())
        .collect();
    assert_eq!(
        rows,
        [500, 1497, 2494],
        "lowest rows first, capped at --samples"
    );
    assert_eq!(dup["samples"][0]["values"][0], "PCB-20250499");
    assert_eq!(
        dup["samples"][0]["key"][0], "PCB-20250499",
        "primary key values named"
    );
    // The undocumented defect code appears every 1,499 rows from row 1,000.
    let code_check = check(&doc, "results", "defect_code: enum");
    assert_eq!(code_check["failing"], 4);
    assert_eq!(code_check["samples"][0]["row"], 1000);
    assert_eq!(code_check["samples"][0]["values"][0], "SOLDER_BALL");
    // Malformed e-mails every 1,201 rows from row 33.
    let email = check(&doc, "results", "pattern(operator_email)");
    assert_eq!(email["failing"], 5);
    assert_eq!(email["samples"][0]["values"][0], "operator3.example.com");
    // mostly: 0.999 tolerates 0.1% nulls; 1% are missing.
    let nulls = check(&doc, "results", "not_null(solder_volume_pct)");
    assert_eq!(nulls["status"], "fail");
    assert!((nulls["threshold"].as_f64().unwrap() - 0.001).abs() < 1e-9);
}

#[test]
fn tolerances_warnings_and_statistics() {
    let dir = repo().join("catalog/IF-C341/boiler-sensor-telemetry");
    let (code, doc) = validate_json(&dir, &[]);
    // 0.2% nulls within mostly: 0.995: a pass with failing rows counted.
    let nulls = check(&doc, "readings", "not_null(value)");
    assert_eq!(nulls["status"], "pass");
    assert!(nulls["failing"].as_u64().unwrap() > 0);
    // Row groups without nulls are decided from statistics; the ones with nulls from data.
    assert_eq!(
        check(&doc, "readings", "ts: required")["decided_by"],
        "statistics"
    );
    assert_eq!(nulls["decided_by"], "mixed");
    assert_eq!(check(&doc, "readings", "row_count")["observed"], 8000);
    // Newest reading 2025-07-01T20:45Z is within P2D of the reference time.
    assert_eq!(check(&doc, "readings", "freshness(ts)")["status"], "pass");
    assert_eq!(code, Some(0));
    // A later reference time makes the warning-level freshness check fail: exit 0, or 1 with --strict.
    let out = assay(
        &repo(),
        &[
            "validate",
            dir.to_str().unwrap(),
            "--now",
            "2025-07-10T00:00:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("WARN"), "{}", stdout(&out));
    let out = assay(
        &repo(),
        &[
            "validate",
            dir.to_str().unwrap(),
            "--now",
            "2025-07-10T00:00:00Z",
            "--strict",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn reports_are_deterministic() {
    let dir = repo().join("catalog/IF-C31/steel-production-batches");
    let a = assay(
        &repo(),
        &[
            "validate",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--now",
            NOW,
        ],
    );
    let b = assay(
        &repo(),
        &[
            "validate",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--now",
            NOW,
        ],
    );
    assert_eq!(a.stdout, b.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert!(doc.get("generated_at").is_none());
    let expr = check(&doc, "heats", "end-after-start");
    assert_eq!(
        expr["failing"], 3,
        "heats 250, 750 and 1250 end before they start"
    );
    assert_eq!(expr["samples"][0]["row"], 250);
}

#[test]
fn unreadable_files_exit_3_and_other_resources_still_validate() {
    let dir = temp_dir("unreadable");
    let src = repo().join("catalog/IF-C341/boiler-sensor-telemetry");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    for f in [
        "dataset.yaml",
        "data/readings-2025-06.parquet",
        "data/machines.parquet",
    ] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    // A text file renamed .parquet, a truncated copy of a real file and an empty file.
    std::fs::write(dir.join("data/readings-2025-07.parquet"), "ts,value\n1,2\n").unwrap();
    let real = std::fs::read(src.join("data/readings-2025-07.parquet")).unwrap();
    std::fs::write(
        dir.join("data/readings-2025-08.parquet"),
        &real[..real.len() / 2],
    )
    .unwrap();
    // And a zero-byte file.
    std::fs::write(dir.join("data/readings-2025-09.parquet"), b"").unwrap();
    let (code, doc) = validate_json(&dir, &[]);
    assert_eq!(code, Some(3));
    assert_eq!(doc["status"], "error");
    let files = doc["resources"][0]["files"].as_array().unwrap();
    let errors: Vec<&str> = files.iter().filter_map(|f| f["error"].as_str()).collect();
    assert_eq!(errors.len(), 3, "{files:?}");
    assert!(
        errors
            .iter()
            .all(|e| e.contains("not a readable Parquet file")),
        "{errors:?}"
    );
    // Refused files are still identified by the hash of their bytes.
    use sha2::Digest;
    for f in files.iter().filter(|f| f.get("error").is_some()) {
        let bytes = std::fs::read(dir.join(f["path"].as_str().unwrap())).unwrap();
        let hex: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], hex.as_str(), "{f}");
    }
    assert_eq!(check(&doc, "readings", "schema")["status"], "error");
    // The readable file and the other resource are still validated.
    assert_eq!(check(&doc, "readings", "row_count")["observed"], 4000);
    assert_eq!(
        check(&doc, "machines", "machine_id: unique")["status"],
        "pass"
    );
}

#[test]
fn junit_output_is_well_formed_with_one_case_per_check() {
    let dir = repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let out = assay(
        &repo(),
        &[
            "validate",
            "--reveal",
            dir.to_str().unwrap(),
            "--format",
            "junit",
            "--now",
            NOW,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let xml = stdout(&out);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let (_, json) = validate_json(&dir, &[]);
    let checks = json["resources"][0]["checks"].as_array().unwrap();
    assert_eq!(cases.len(), checks.len());
    let failed: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    let expected: Vec<&str> = checks
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed, expected);
    assert_eq!(
        root.attribute("failures"),
        Some(expected.len().to_string().as_str())
    );
    assert!(
        xml.contains("SOLDER_BALL"),
        "samples are in the failure text"
    );
}

/// Deletes a file the moment the engine has resolved the resource's files: the race of a file
/// removed during a run, made deterministic through the progress hook.
struct DeleteOnResolve(std::path::PathBuf);

impl assay_validate::Progress for DeleteOnResolve {
    fn add_total(&self, _bytes: u64) {
        let _ = std::fs::remove_file(&self.0);
    }
    fn advance(&self, _bytes: u64) {}
}

#[test]
fn a_file_deleted_during_the_run_is_a_located_read_error() {
    let dir = temp_dir("deleted");
    let src = repo().join("catalog/IF-C341/boiler-sensor-telemetry");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    for f in [
        "dataset.yaml",
        "data/readings-2025-06.parquet",
        "data/readings-2025-07.parquet",
        "data/machines.parquet",
    ] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let registry = assay_model::FieldRegistry::embedded();
    let lint =
        assay_model::lint::lint_file(&dir.join("dataset.yaml"), &registry, Default::default());
    let loaded = lint.loaded.expect("lint-clean manifest");
    let options = assay_validate::Options {
        resource: Some("readings".into()),
        progress: Some(std::sync::Arc::new(DeleteOnResolve(
            dir.join("data/readings-2025-07.parquet"),
        ))),
        ..Default::default()
    };
    let report = assay_validate::validate(&loaded, &options).unwrap();
    assert_eq!(report.status, assay_model::report::RunStatus::Error);
    let files = &report.resources[0].files;
    assert_eq!(files.len(), 2);
    let gone = files
        .iter()
        .find(|f| f.path == "data/readings-2025-07.parquet")
        .unwrap();
    assert!(
        gone.error.as_deref().unwrap_or("").contains("cannot read"),
        "{gone:?}"
    );
    // The other file was still read and checked.
    let kept = files
        .iter()
        .find(|f| f.path == "data/readings-2025-06.parquet")
        .unwrap();
    assert_eq!(kept.rows, Some(4000));
    assert!(kept.error.is_none());
}

/// One of a resource's two files is truncated: the run is an error (exit 3), and every check
/// result of that resource says it covers 1 of 2 files, in every output format; the dimensions
/// count the unevaluated schema check as not passed.
#[test]
fn a_partly_unreadable_resource_says_what_each_result_covers() {
    let root = temp_dir("partly-unreadable");
    let dir = root.join("telemetry");
    crate::integrity::copy_tree(
        &repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &dir,
    );
    let file = dir.join("data/readings-2025-07.parquet");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 3]).unwrap();
    let run = |format: &str| {
        let out = assay(
            &dir,
            &[
                "validate",
                ".",
                "--now",
                NOW,
                "--no-history",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(3), "{format}: {}", stderr(&out));
        stdout(&out)
    };
    let doc: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_valid_report(&doc);
    let readings = &doc["resources"][0];
    assert_eq!(readings["name"], "readings");
    let checks = readings["checks"].as_array().unwrap();
    assert_eq!(checks[0]["name"], "schema");
    assert_eq!(checks[0]["status"], "error");
    for c in &checks[1..] {
        assert_eq!(
            c["coverage"],
            serde_json::json!({"files_read": 1, "files": 2, "rows": readings["rows"]}),
            "{c:#}"
        );
        assert!(
            c["message"]
                .as_str()
                .unwrap()
                .contains("covers 1 of 2 files"),
            "{c:#}"
        );
    }
    // The other resource was read whole.
    assert!(
        doc["resources"][1]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("coverage").is_none())
    );
    let partial = checks.len() - 1;
    for format in ["text", "junit", "sarif", "github"] {
        let text = run(format);
        let said = text.matches("covers 1 of 2 files").count();
        // The text table shows a sample instead where a check found failing rows.
        assert!(said + 1 >= partial, "{format}: {said} of {partial}\n{text}");
    }
    let normativeness = doc["quality"]["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dimension"] == "normativeness")
        .unwrap();
    assert!(normativeness["not_passed"].as_u64().unwrap() >= 1);
    assert!(
        doc["quality"]["grade"] == "D",
        "capped: data could not be read"
    );
    let _ = std::fs::remove_dir_all(&root);
}
