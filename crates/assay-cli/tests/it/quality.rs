//! Quality scores and grades, and the CI formats (SARIF, GitHub annotations).

use std::path::PathBuf;

use serde_json::Value;

use crate::integrity::copy_tree;
use crate::support::{assay, repo, stderr, stdout, temp_dir};

const NOW: &str = "2025-07-03T00:00:00Z";

fn report_of(dir: &std::path::Path) -> Value {
    let out = assay(dir, &["validate", ".", "--now", NOW, "--format", "json"]);
    let doc: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    crate::support::assert_valid_report(&doc);
    doc
}

fn dimension(doc: &Value, name: &str) -> Value {
    doc["quality"]["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dimension"] == name)
        .unwrap()["score"]
        .clone()
}

/// docs/quality-model.md's worked example, number for number.
#[test]
fn the_worked_example_holds() {
    let doc = report_of(&repo().join("catalog/IF-C397/pcb-aoi-inspection"));
    let text = std::fs::read_to_string(repo().join("docs/quality-model.md")).unwrap();
    let mut seen = 0;
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // The score table: `| dimension | score |`.
        if cells.len() == 4
            && [
                "normativeness",
                "completeness",
                "accuracy",
                "consistency",
                "timeliness",
                "accessibility",
            ]
            .contains(&cells[1])
        {
            let expected = match cells[2] {
                "—" => Value::Null,
                v => Value::from(v.parse::<f64>().unwrap()),
            };
            assert_eq!(dimension(&doc, cells[1]), expected, "{}", cells[1]);
            seen += 1;
        }
    }
    assert_eq!(seen, 6, "the score table of docs/quality-model.md");
    assert!(text.contains("= **80.0**"));
    assert_eq!(doc["quality"]["score"], 80.0);
    assert_eq!(doc["quality"]["grade"], "C");
    assert_eq!(doc["quality"]["capped_by"], "6 error-level checks failed");
}

fn telemetry(test: &str) -> PathBuf {
    let dir = temp_dir(test).join("telemetry");
    copy_tree(
        &repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &dir,
    );
    dir
}

#[test]
fn accessibility_counts_the_lock_license_and_metadata() {
    let dir = telemetry("quality-access");
    let doc = report_of(&dir);
    assert_eq!(dimension(&doc, "accessibility"), 100.0);
    assert_eq!(doc["quality"]["grade"], "A");
    let locked = doc["quality"]["score"].clone();
    // Without the lock the lock fact is not counted: validating before `assay lock` costs
    // nothing (bookkeeping does not move the score).
    std::fs::remove_file(dir.join("dataset.lock")).unwrap();
    let doc = report_of(&dir);
    assert_eq!(doc["quality"]["access"]["locked_match"], Value::Null);
    assert_eq!(dimension(&doc, "accessibility"), 100.0);
    assert_eq!(doc["quality"]["score"], locked);
    // Without a licence, one of the three facts is 0: it costs points, and never 100.0.
    let manifest = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    let unlicensed: String = manifest
        .lines()
        .filter(|l| !l.starts_with("licenses:") && !l.starts_with("  - {name: CC-BY-4.0"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(unlicensed, manifest);
    std::fs::write(dir.join("dataset.yaml"), unlicensed).unwrap();
    let doc = report_of(&dir);
    assert_eq!(doc["quality"]["access"]["license"], false);
    let a = dimension(&doc, "accessibility").as_f64().unwrap();
    assert!(a < 99.9, "{a}");
    // A file changed since locking does not match the lock either.
    let dir = telemetry("quality-changed");
    let path = dir.join("data/machines.parquet");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[300] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let doc = report_of(&dir);
    assert_eq!(doc["quality"]["access"]["locked_match"], 2);
}

#[test]
fn a_catalog_quality_config_changes_thresholds() {
    let root = temp_dir("quality-config");
    let dir = root.join("catalog").join("hourly");
    copy_tree(
        &repo().join("catalog/IF-C341/boiler-hourly-aggregates"),
        &dir,
    );
    // Stale aggregates score 83.3: B by default, A when the catalog sets A from 80.
    let out = assay(
        &dir,
        &[
            "validate",
            ".",
            "--now",
            NOW,
            "--format",
            "json",
            "--no-history",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["quality"]["score"], 83.3);
    assert_eq!(doc["quality"]["grade"], "B");
    std::fs::write(
        root.join("catalog/quality.json"),
        r#"{"gradeA": 80, "gradeB": 70}"#,
    )
    .unwrap();
    let out = assay(
        &dir,
        &[
            "validate",
            ".",
            "--now",
            NOW,
            "--format",
            "json",
            "--no-history",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["quality"]["grade"], "A");
    // Weights change the overall score: timeliness (0.0) counting double.
    std::fs::write(
        root.join("catalog/quality.json"),
        r#"{"weights": {"timeliness": 2}}"#,
    )
    .unwrap();
    let out = assay(
        &dir,
        &[
            "validate",
            ".",
            "--now",
            NOW,
            "--format",
            "json",
            "--no-history",
        ],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["quality"]["score"], 71.4);
    std::fs::write(
        root.join("catalog/quality.json"),
        r#"{"gradeA": 50, "gradeB": 60}"#,
    )
    .unwrap();
    let out = assay(&dir, &["validate", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("quality.json: thresholds"),
        "{}",
        stderr(&out)
    );
}

fn sarif_dir() -> PathBuf {
    let d = repo().join(".venv-test/sarif");
    assert!(
        d.join("sarif-2.1.0.json").is_file(),
        "the SARIF schema and validator are missing: run the tests with scripts/test.sh, which \
         installs @microsoft/sarif-multitool-linux into .venv-test/sarif"
    );
    d
}

#[test]
fn sarif_is_valid_and_located_at_the_declaring_line() {
    let pcb = repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let out = assay(&pcb, &["validate", ".", "--now", NOW, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(sarif_dir().join("sarif-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Each rule points at its kind's real section of docs/checks.md; no placeholder host.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("example.invalid"), "{text}");
    let checks_md = std::fs::read_to_string(repo().join("docs/checks.md")).unwrap();
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        let kind = rule["id"].as_str().unwrap().trim_start_matches("assay/");
        let help = rule["help"]["text"].as_str().unwrap();
        let (anchor, heading) = if kind == "schema" {
            ("the-schema-check", "### The `schema` check".to_string())
        } else {
            (kind, format!("### `{kind}`"))
        };
        assert!(
            help.ends_with(&format!("docs/checks.md#{anchor}")),
            "{help}"
        );
        assert!(checks_md.contains(&heading), "docs/checks.md has {heading}");
    }
    let served = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
        .current_dir(&pcb)
        .env(assay_model::redact::KEY_ENV, crate::support::TEST_KEY)
        .env("ASSAY_DOCS_URL", "https://docs.example.org/assay/")
        .args(["validate", ".", "--now", NOW, "--format", "sarif"])
        .output()
        .unwrap();
    let served: Value = serde_json::from_slice(&served.stdout).unwrap();
    assert_eq!(
        served["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
            .as_str()
            .unwrap()
            .split('#')
            .next(),
        Some("https://docs.example.org/assay/docs/checks.md")
    );
    // Microsoft's SARIF Multitool agrees, beyond the schema too.
    let file = temp_dir("sarif").join("pcb.sarif");
    std::fs::write(&file, &out.stdout).unwrap();
    let check = std::process::Command::new(sarif_dir().join("Sarif.Multitool"))
        .args(["validate"])
        .arg(&file)
        .arg("--output")
        .arg(file.with_extension("validation.sarif"))
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{said}");
    assert!(!said.contains(": error "), "{said}");
    // The unique board_id constraint is declared on line 23 of the manifest.
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let unique = results
        .iter()
        .find(|r| r["ruleId"] == "assay/unique")
        .unwrap();
    let manifest = std::fs::read_to_string(pcb.join("dataset.yaml")).unwrap();
    let line = manifest
        .lines()
        .position(|l| l.contains("{name: board_id"))
        .unwrap()
        + 1;
    assert_eq!(
        unique["locations"][0]["physicalLocation"]["region"]["startLine"],
        line
    );
    assert_eq!(unique["level"], "error");
    // Every result that did not pass is there: five failed error-level checks, and more.
    assert!(results.len() >= 5, "{}", results.len());
}

#[test]
fn github_annotations() {
    let pcb = repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let out = assay(&pcb, &["validate", ".", "--now", NOW, "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("::error ")).collect();
    assert!(!errors.is_empty(), "{text}");
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("::error file=dataset.yaml,line=23,")),
        "{text}"
    );
    // The count is said once: "6 of 6000 rows fail", not also "6 of 6000 failing".
    assert!(
        errors
            .iter()
            .all(|l| !(l.contains(" failing; ") && l.contains(" rows fail"))),
        "{text}"
    );
    assert!(
        text.contains(
            "::notice title=assay quality::pcb-aoi-inspection 0.3.1: score 80.0, grade C (6 error-level checks failed)\n"
        ),
        "{text}"
    );
}

/// Debian's Chromium, installed by `.ci/run` (packages `chromium`, `fonts-wqy-microhei`).
pub(crate) fn chromium() -> PathBuf {
    let p = PathBuf::from("/usr/bin/chromium");
    assert!(
        p.is_file(),
        "headless Chromium is missing: `.ci/run` installs it (apt-get install chromium \
         fonts-wqy-microhei); install it the same way to run this test"
    );
    p
}

/// Runs headless Chromium on a local file with no network, printing the DOM after layout or
/// saving a screenshot.
pub(crate) fn chromium_run(
    profile_dir: &std::path::Path,
    extra: &[&str],
    url: &str,
) -> std::process::Output {
    std::process::Command::new(chromium())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile_dir.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs")
}

/// The HTML report in a real browser: the grade, the dimension chart and the failing samples
/// are there after rendering, it is self-contained, and it renders in Chinese too.
#[test]
fn html_report_in_headless_chromium() {
    let dir = temp_dir("report-html");
    let pcb = repo().join("catalog/IF-C397/pcb-aoi-inspection");
    for lang in ["en", "zh"] {
        let html = dir.join(format!("report-{lang}.html"));
        let out = assay(
            &pcb,
            &[
                "report",
                ".",
                "--now",
                NOW,
                "--lang",
                lang,
                "--out",
                html.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let source = std::fs::read_to_string(&html).unwrap();
        // Self-contained: nothing is loaded from anywhere.
        for external in ["<script src", "<link", "<img", "@import", "url("] {
            assert!(!source.contains(external), "{external} in the report");
        }
        assert!(source.contains("@media print"));
        let url = format!("file://{}", html.display());
        let dom = chromium_run(&dir.join(format!("profile-{lang}")), &["--dump-dom"], &url);
        let dom = String::from_utf8_lossy(&dom.stdout);
        assert!(
            dom.contains("<div id=\"grade\" class=\"grade grade-C\""),
            "{lang}: no grade in the rendered page"
        );
        assert_eq!(
            dom.matches("<rect class=\"bar\"").count(),
            6,
            "{lang}: six bars"
        );
        assert!(dom.contains("id=\"failing-checks\""));
        // The six failing checks, with the first planted duplicate as a sample.
        let table = &dom[dom.find("id=\"failing-checks\"").unwrap()..];
        let table = &table[..table.find("</table>\n</section>").unwrap_or(table.len())];
        assert_eq!(table.matches("class=\"status-fail\"").count(), 6, "{lang}");
        assert!(table.contains("PCB-20250499"), "{lang}");
        assert!(
            dom.contains("<svg class=\"histogram\""),
            "{lang}: histograms"
        );
        if lang == "zh" {
            assert!(dom.contains("数据质量报告") && dom.contains("规范性"));
        }
        let shot = dir.join(format!("report-{lang}.png"));
        let out = chromium_run(
            &dir.join(format!("shot-{lang}")),
            &[
                "--window-size=1400,1600",
                &format!("--screenshot={}", shot.display()),
            ],
            &url,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = std::fs::read(&shot).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(
            png.len() > 20_000,
            "a screenshot with content: {} bytes",
            png.len()
        );
        // And in print: Chromium's own PDF, several A4 pages.
        let pdf = dir.join(format!("report-{lang}.pdf"));
        let out = chromium_run(
            &dir.join(format!("print-{lang}")),
            &[
                "--no-pdf-header-footer",
                &format!("--print-to-pdf={}", pdf.display()),
            ],
            &url,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pdf = std::fs::read(&pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let pages = String::from_utf8_lossy(&pdf)
            .matches("/Type /Page\n")
            .count()
            + String::from_utf8_lossy(&pdf)
                .matches("/Type /Page\r")
                .count()
            + String::from_utf8_lossy(&pdf)
                .matches("/Type /Page ")
                .count()
            + String::from_utf8_lossy(&pdf)
                .matches("/Type /Page/")
                .count()
            + String::from_utf8_lossy(&pdf)
                .matches("/Type /Page>")
                .count();
        assert!(pages >= 2, "{lang}: {pages} printed page(s)");
    }
}

#[test]
fn markdown_report_for_pull_requests() {
    let pcb = repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let out = assay(&pcb, &["report", ".", "--now", NOW, "--format", "md"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("**Grade: C** · Score: 80.0"), "{text}");
    assert!(text.contains("| completeness 完整性 | 89.9 |"), "{text}");
    assert_eq!(text.matches("| fail |").count(), 6, "{text}");
}

fn history_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join(".assay/history"))
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "parquet"));
    v.sort();
    v
}

/// Every validation appends one history file; concurrent validations lose nothing; `change`
/// and `anomaly` compare with earlier data snapshots (one value per digest, never the data being
/// validated), so re-running on the same data neither passes a failed change nor dilutes the
/// anomaly window.
#[test]
fn history_is_appended_and_compared() {
    let dir = telemetry("history");
    let manifest = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    std::fs::write(
        dir.join("dataset.yaml"),
        manifest.replacen(
            "    checks:\n",
            "    checks:\n      - {check: change, metric: row_count, maxChangePct: 10}\n      - {check: anomaly, metric: null_rate, column: value, lastRuns: 5}\n",
            1,
        ),
    )
    .unwrap();
    let validate = |extra: &[&str]| {
        let mut args = vec!["validate", ".", "--now", NOW, "--format", "json"];
        args.extend_from_slice(extra);
        let out = assay(&dir, &args);
        let doc: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
        (out.status.code(), doc)
    };
    let check = |doc: &Value, name: &str| -> Value {
        doc["resources"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    let message = |doc: &Value, name: &str| {
        check(doc, name)["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let (code, doc) = validate(&[]);
    assert_eq!(code, Some(0));
    assert!(
        message(&doc, "change").starts_with("no earlier run"),
        "{doc}"
    );
    assert_eq!(history_files(&dir).len(), 1);
    // The same data again: still nothing earlier to compare with.
    let (_, doc) = validate(&[]);
    assert!(message(&doc, "change").starts_with("no earlier run"));
    assert_eq!(history_files(&dir).len(), 2);
    let (_, _) = validate(&["--no-history"]);
    assert_eq!(history_files(&dir).len(), 2, "--no-history writes nothing");
    // Four validations at once: four more files, none lost or torn.
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
                .args(["validate", ".", "--now", NOW, "--quiet"])
                .current_dir(&dir)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let files = history_files(&dir);
    assert_eq!(files.len(), 6);
    let rows: Vec<usize> = files
        .iter()
        .map(|f| {
            let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
                std::fs::File::open(f).unwrap(),
            )
            .unwrap()
            .build()
            .unwrap();
            reader.map(|b| b.unwrap().num_rows()).sum()
        })
        .collect();
    assert!(rows.iter().all(|r| *r == rows[0] && *r > 10), "{rows:?}");
    // A new month of readings: +50% rows, more than the 10% allowed.
    std::fs::copy(
        dir.join("data/readings-2025-07.parquet"),
        dir.join("data/readings-2025-08.parquet"),
    )
    .unwrap();
    let (code, doc) = validate(&[]);
    assert_eq!(code, Some(1));
    let change = check(&doc, "change");
    assert_eq!(change["status"], "fail");
    assert_eq!(change["observed"]["previous"], 8000.0);
    assert_eq!(change["observed"]["current"], 12000.0);
    assert!(
        change["message"]
            .as_str()
            .unwrap()
            .contains("row_count went from 8000 to 12000 (50.00%)"),
        "{change}"
    );
    // Validating the same new data again still compares with the earlier snapshot: a retry does
    // not make the failed change pass.
    let (code, doc) = validate(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(check(&doc, "change")["observed"]["previous"], 8000.0);
    // Six runs of the first snapshot count once in the anomaly window.
    assert!(
        message(&doc, "anomaly(value)").starts_with("1 earlier run(s)"),
        "{}",
        message(&doc, "anomaly(value)")
    );
    // The HTML report draws the trends from the history.
    let html = dir.join("report.html");
    let out = assay(
        &dir,
        &["report", ".", "--now", NOW, "--out", html.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    let trends = &page[page.find("<section id=\"trends\">").unwrap()..];
    assert!(trends.contains("<svg class=\"trend\""), "{trends}");
}

/// The catalog dashboard in a real browser: the 100-field grid coloured by best grade (every
/// field has its grade-A standard), grades by sector, the datasets with error-level failures,
/// and the example datasets' three grades.
#[test]
fn catalog_dashboard_in_headless_chromium() {
    let dir = temp_dir("dashboard");
    let html = dir.join("dashboard.html");
    let out = assay(
        &repo(),
        &[
            "report",
            "catalog",
            "--now",
            NOW,
            "--out",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let url = format!("file://{}", html.display());
    let dom = chromium_run(&dir.join("profile"), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(dom.matches("<div class=\"cell ").count(), 100, "100 fields");
    assert_eq!(dom.matches("<div class=\"cell empty\"").count(), 0);
    let registry = assay_model::FieldRegistry::embedded();
    for f in registry.fields() {
        assert!(
            dom.contains(&format!("<div class=\"cell grade-A\" title=\"{} ", f.code)),
            "{} should show its standard's grade A",
            f.code
        );
    }
    assert!(
        dom.contains("106 datasets · 100 / 100"),
        "the headline counts"
    );
    let grades: Vec<&str> = dom
        .match_indices("<td class=\"grade-cell\">")
        .map(|(i, m)| &dom[i + m.len()..i + m.len() + 1])
        .collect();
    let mut distinct = grades.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct,
        ["A", "B", "C"],
        "the example catalog shows three grades: {grades:?}"
    );
    let failures = &dom[dom.find("id=\"error-failures\"").unwrap()..];
    let failures = &failures[..failures.find("</ul>").unwrap()];
    assert_eq!(failures.matches("<li>").count(), 3, "{failures}");
    assert!(
        failures.contains("boiler-fault-training")
            && failures.contains("pcb-aoi-inspection")
            && failures.contains("steel-production-batches")
    );
    let shot = dir.join("dashboard.png");
    let out = chromium_run(
        &dir.join("shot"),
        &[
            "--window-size=1200,1500",
            &format!("--screenshot={}", shot.display()),
        ],
        &url,
    );
    assert!(out.status.success());
    assert_eq!(&std::fs::read(&shot).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
}
