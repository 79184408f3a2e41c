//! The field standards as their users meet them: a data engineer starts a dataset with
//! `assay new` and holds it to the standard; a catalog maintainer publishes the whole catalog,
//! every field with its standard, searchable by the field's quantities.

use std::path::Path;

use serde_json::Value;

use crate::integrity::copy_tree;
use crate::support::*;

const NOW: &str = "2025-12-31T00:00:00Z";
const BEARINGS: &str = "catalog/IF-C345/rolling-bearing-vibration-monitoring-standard";

/// `assay new IF-C345 my-bearings`, then the user's Parquet files where the manifest says.
fn new_bearings(test: &str) -> std::path::PathBuf {
    let root = temp_dir(test);
    let out = assay(&root, &["new", "IF-C345", "my-bearings"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("from the IF-C345 standard v1"),
        "{}",
        stdout(&out)
    );
    let dir = root.join("my-bearings");
    copy_tree(&repo().join(BEARINGS).join("data"), &dir.join("data"));
    dir
}

fn lint_json(dir: &Path) -> (Option<i32>, Vec<Value>) {
    let out = assay(dir, &["lint", ".", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let diags = doc["manifests"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .flat_map(|f| f["diagnostics"].as_array().cloned().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();
    (out.status.code(), diags)
}

#[test]
fn a_dataset_started_from_the_standard_lints_and_validates() {
    let dir = new_bearings("new-pass");
    let text = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    assert!(text.contains("conformsTo: {standard: IF-C345, version: 1}"));
    assert!(text.contains("# Reason:"), "the reasons are kept");
    assert!(text.contains("name: my-bearings"));
    let (code, diags) = lint_json(&dir);
    assert_eq!(code, Some(0), "{diags:#?}");
    // Only the placeholders are named, each located on its line.
    assert!(!diags.is_empty());
    for d in &diags {
        assert_eq!(d["code"], "placeholder", "{d:#}");
        let line = d["line"].as_u64().unwrap() as usize;
        assert!(
            text.lines().nth(line - 1).unwrap().contains("TODO"),
            "{d:#}"
        );
    }
    let out = assay(
        &dir,
        &[
            "validate",
            ".",
            "--now",
            NOW,
            "--no-history",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report);
    assert_eq!(report["conformance"]["conforms"], true);
    let text_out = assay(&dir, &["validate", ".", "--now", NOW, "--no-history"]);
    assert!(stdout(&text_out).contains("conforms to the IF-C345 standard v1"));
}

#[test]
fn a_copy_that_drops_a_column_and_widens_a_range_gets_the_conformance_warnings() {
    let dir = new_bearings("new-deviate");
    let path = dir.join("dataset.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let dropped: String = text
        .lines()
        .filter(|l| !l.contains("{name: envelope_bpfo_g,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let widened = dropped.replace(
        "constraints: {minimum: 0, maximum: 50}}\n        - {name: iso_zone",
        "constraints: {minimum: 0, maximum: 80}}\n        - {name: iso_zone",
    );
    assert_ne!(widened, dropped, "the range was found");
    std::fs::write(&path, &widened).unwrap();
    let (code, diags) = lint_json(&dir);
    assert_eq!(code, Some(0), "deviations are warnings: {diags:#?}");
    let conformance: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "conformance")
        .collect();
    assert_eq!(conformance.len(), 2, "{conformance:#?}");
    let messages: Vec<&str> = conformance
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("drops column `envelope_bpfo_g`"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("wider range: maximum 80; the standard's is 50"))
    );
    // Each is located where the manifest deviates.
    let widened_line = widened
        .lines()
        .position(|l| l.contains("{name: vib_velocity_mm_s,"))
        .unwrap()
        + 1;
    assert!(conformance.iter().any(|d| d["line"] == widened_line as u64));
    // The report says what is missing: the JSON, the text and the HTML report.
    let out = assay(
        &dir,
        &[
            "validate",
            ".",
            "--now",
            NOW,
            "--no-history",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["conformance"]["conforms"], false);
    assert_eq!(
        report["conformance"]["deviations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let html = assay(&dir, &["report", ".", "--now", NOW, "--format", "html"]);
    let html = stdout(&html);
    assert!(
        html.contains("Deviates from the field standard IF-C345 v1"),
        "{html}"
    );
    assert!(html.contains("drops column `envelope_bpfo_g`"));
}

#[test]
fn fields_shows_the_standard_and_new_refuses_what_it_cannot_do() {
    let out = assay(&repo(), &["fields", "IF-C345"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for want in [
        "Standard v1: rolling-bearing-vibration-monitoring-standard",
        "scenario        predictive-maintenance (classification)",
        "label           bearing_days.fault_within_30d",
        "ISO 20816-3",
        "vib_velocity_mm_s",
        "why: ",
        "assay new IF-C345 <DIR>",
    ] {
        assert!(text.contains(want), "`{want}` not in\n{text}");
    }
    let json = assay(&repo(), &["fields", "IF-C345", "--format", "json"]);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    let standard = &json["standard"];
    assert_eq!(
        standard["name"],
        "rolling-bearing-vibration-monitoring-standard"
    );
    let checks = standard["resources"][0]["checks"].as_array().unwrap();
    assert!(checks.len() >= 6);
    assert!(
        checks
            .iter()
            .all(|c| c["reason"].as_str().unwrap().len() > 10)
    );

    let root = temp_dir("new-refuse");
    let out = assay(&root, &["new", "IF-X999", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a field code"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("x").exists(), "nothing written");
    let out = assay(&root, &["new", "IF-C345", "Bad Name"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!root.join("Bad Name").exists());
    let out = assay(&root, &["new", "IF-C345", "ok"]);
    assert_eq!(out.status.code(), Some(0));
    let before = std::fs::read(root.join("ok/dataset.yaml")).unwrap();
    let out = assay(&root, &["new", "IF-C31", "ok"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists; nothing was written"));
    assert_eq!(std::fs::read(root.join("ok/dataset.yaml")).unwrap(), before);
}

/// The first hit of each query, from the command line and from the search page in Chromium.
const QUERIES: [(&str, &str); 4] = [
    ("振动", "rolling-bearing-vibration-monitoring-standard"),
    ("vibration", "rolling-bearing-vibration-monitoring-standard"),
    ("tapping temperature", "bof-tapping-temperature-standard"),
    ("出钢温度", "bof-tapping-temperature-standard"),
];

#[test]
fn the_whole_catalog_publishes_every_field_and_search_finds_fields_by_quantity() {
    let root = temp_dir("whole-catalog");
    copy_tree(&repo().join("catalog"), &root.join("catalog"));
    let out = assay(
        &root,
        &["publish", "catalog", "--out", "site", "--now", NOW],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifests = assay_model::lint::find_manifests(&[root.join("catalog")]).unwrap();
    assert!(stdout(&out).contains(&format!("published {} dataset(s)", manifests.len())));
    let site = root.join("site");
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("index.json")).unwrap()).unwrap();
    let datasets = index["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), manifests.len());
    let dashboard = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(dashboard.contains("100 / 100 industrial fields covered"));
    assert_eq!(dashboard.matches("<div class=\"cell empty\"").count(), 0);
    // Every field page shows its standard, linked to the reference dataset's page.
    let mut declare_ml = 0;
    for s in assay_model::standards::all() {
        let page =
            std::fs::read_to_string(site.join(format!("fields/{}/index.html", s.code))).unwrap();
        let m = s.manifest().unwrap();
        assert!(page.contains("<section id=\"standard\">"), "{}", s.code);
        assert!(
            page.contains(&format!("href=\"../../datasets/{}/index.html\"", m.name)),
            "{}",
            s.code
        );
        assert!(
            site.join(format!("datasets/{}/index.html", m.name))
                .is_file()
        );
        let grade = datasets
            .iter()
            .find(|d| d["name"] == m.name.as_str())
            .map(|d| d["grade"].clone());
        assert_eq!(grade, Some(Value::from("A")), "{} grades A", m.name);
        // A standard that declares its training set passes every training check, with rows
        // read in every split (issue 15: at least a quarter of the standards).
        if m.ml.is_some() {
            declare_ml += 1;
            let report: Value = serde_json::from_slice(
                &std::fs::read(site.join(format!("datasets/{}/report.json", m.name))).unwrap(),
            )
            .unwrap();
            let training = &report["training"];
            let checks = training["checks"].as_array().unwrap();
            assert!(checks.len() >= 5, "{}: {training}", m.name);
            for c in checks {
                assert_eq!(c["status"], "pass", "{}: {c}", m.name);
                assert!(c["evaluated"].as_u64().unwrap() > 0, "{}: {c}", m.name);
            }
            for split in training["splits"].as_array().unwrap() {
                assert!(split["rows"].as_u64().unwrap() > 0, "{}: {split}", m.name);
            }
        }
    }
    assert!(
        declare_ml * 4 >= assay_model::standards::all().len(),
        "{declare_ml} field standards declare `ml:`"
    );
    for (q, want) in QUERIES {
        let out = assay(&root, &["search", q, "--site", "site", "--format", "json"]);
        let hits: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(hits["hits"][0][0], want, "`{q}`: {hits}");
    }
    // The same in the browser, as a person types them.
    let node = repo().join(".venv-test/node");
    assert!(
        node.join("node_modules/playwright-core").is_dir(),
        "playwright-core is missing: run the tests with scripts/test.sh"
    );
    crate::quality::chromium();
    let script = node.join(format!("queries-{}.mjs", std::process::id()));
    std::fs::copy(
        repo().join("crates/assay-cli/tests/browser/queries.mjs"),
        &script,
    )
    .unwrap();
    let run = std::process::Command::new("node")
        .arg(&script)
        .arg(site.canonicalize().unwrap())
        .args(QUERIES.iter().map(|(q, _)| *q))
        .output()
        .expect("node runs");
    let _ = std::fs::remove_file(&script);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let shown: Value = serde_json::from_slice(&run.stdout).unwrap();
    for (q, want) in QUERIES {
        assert_eq!(shown[q][0], want, "`{q}` in the browser: {shown}");
    }
    let _ = std::fs::remove_dir_all(&root);
}
