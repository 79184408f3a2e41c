//! Issue 20, "the first hour of a new user": the bearing scenario, and each situation the issue
//! describes, reproduced.

use crate::support::{assay, check_named, stderr, stdout, temp_dir};

#[path = "../../../../xtask/src/bearing.rs"]
#[allow(dead_code)]
pub(crate) mod bearing;

const NOW: &str = "2026-04-05T00:00:00Z";

/// A fresh copy of the example dataset at `rel` (under the repository) for test `name`.
fn example_copy(name: &str, rel: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    crate::integrity::copy_tree(&crate::support::repo().join(rel), &dir);
    dir
}

/// The failing count of the check named `name`.
fn failing(doc: &serde_json::Value, name: &str) -> (String, u64) {
    let c = check_named(doc, name);
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["failing"].as_u64().unwrap_or_default(),
    )
}

/// `assay init` on the defective bearing data drafts checks under which the defects fail, and
/// says what it flagged; a manufacture date gets no freshness check.
#[test]
fn init_drafts_checks_the_planted_defects_fail() {
    let dir = temp_dir("first-hour-init");
    bearing::write(&dir).unwrap();
    let out = assay(&dir, &["init", ".", "--field", "IF-C345", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    for flagged in [
        "vibration.vibration_rms: observed -",
        "vibration.temperature: observed",
        "vibration.load_kn: observed -",
        &format!("vibration.label: `{}`", bearing::TYPO),
        "vibration.manufacture_date: no freshness check",
    ] {
        assert!(said.contains(flagged), "`{flagged}` not flagged:\n{said}");
    }
    let text = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    assert!(
        !text.contains("column: \"manufacture_date\", maxAge"),
        "{text}"
    );
    assert!(text.contains("{check: freshness, column: \"ts\""), "{text}");
    assert!(
        !text.contains(&format!("\"{}\"]", bearing::TYPO))
            && !text.contains(&format!("\"{}\",", bearing::TYPO)),
        "the typo is not an allowed code:\n{text}"
    );
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .any(|l| l == ".assay/")
    );
    let lint = assay(&dir, &["lint", "."]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));

    let v = assay(
        &dir,
        &[
            "validate", ".", "--format", "json", "--now", NOW, "--strict", "--reveal",
        ],
    );
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    // The spike and the negative RMS values.
    let (status, n) = failing(&doc, "range(vibration_rms)");
    assert_eq!(status, "fail");
    assert!(n >= 4, "spike and three negatives: {n}");
    let samples = check_named(&doc, "range(vibration_rms)")["samples"].to_string();
    assert!(samples.contains("487"), "the spike is a sample: {samples}");
    // Every °F row, and no °C row.
    assert_eq!(
        failing(&doc, "range(temperature)"),
        ("fail".into(), bearing::FAHRENHEIT_ROWS as u64)
    );
    assert_eq!(failing(&doc, "range(load_kn)"), ("fail".into(), 12));
    assert_eq!(failing(&doc, "in_set(label)"), ("fail".into(), 4));

    // The text summary under --strict does not say PASS for a run that fails.
    let again = assay(&dir, &["validate", ".", "--now", NOW, "--strict"]);
    assert!(!stdout(&again).contains("\nPASS"), "{}", stdout(&again));
}

/// pandas and pyarrow write `large_string`; `type: string` accepts it, and `init` drafts
/// `string` for it.
#[test]
fn large_string_is_a_string() {
    use arrow::array::{LargeStringArray, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let dir = temp_dir("first-hour-large-string");
    let schema = Arc::new(Schema::new(vec![Field::new(
        "code",
        DataType::LargeUtf8,
        false,
    )]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(LargeStringArray::from(vec!["A", "B", "C"]))],
    )
    .unwrap();
    let f = std::fs::File::create(dir.join("codes.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = assay(&dir, &["init", ".", "--field", "IF-C345", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    assert!(
        text.contains(r#"{"name":"code","type":"string"}"#),
        "{text}"
    );
    let v = assay(&dir, &["validate", ".", "--format", "json", "--now", NOW]);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let schema = check_named(&doc, "schema");
    assert_eq!(schema["status"], "pass");
    assert!(
        schema["message"]
            .as_str()
            .unwrap()
            .contains("`code` is large_string"),
        "{schema}"
    );
}

/// A misspelt parent path is a manifest error with a "did you mean" (exit 2, nothing
/// validated); an optional parent with no files does not let a foreign key pass.
#[test]
fn misspelt_or_empty_parent_never_passes_a_foreign_key() {
    let dir = example_copy("first-hour-fk", "catalog/IF-C341/boiler-sensor-telemetry");
    let original = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    let fk = |doc: &serde_json::Value| {
        doc["resources"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"].as_str().unwrap().starts_with("foreignKey"))
            .unwrap()
            .clone()
    };
    let v = assay(&dir, &["validate", ".", "--format", "json", "--now", NOW]);
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(fk(&doc)["status"], "pass");

    // Misspelt: a manifest error naming the path that exists; nothing is validated.
    let misspelt = original.replace("path: data/machines.parquet", "path: data/machnes.parquet");
    assert_ne!(misspelt, original);
    std::fs::write(dir.join("dataset.yaml"), &misspelt).unwrap();
    let v = assay(&dir, &["validate", ".", "--now", NOW]);
    assert_eq!(v.status.code(), Some(2), "{}", stdout(&v));
    let said = format!("{}{}", stdout(&v), stderr(&v));
    assert!(
        said.contains("did you mean `data/machines.parquet`?"),
        "{said}"
    );

    // Declared optional and empty: the references are not checked, and the run does not pass.
    let optional = misspelt.replace(
        "path: data/machnes.parquet",
        "path: data/machnes.parquet\n    optional: true",
    );
    std::fs::write(dir.join("dataset.yaml"), &optional).unwrap();
    let v = assay(&dir, &["validate", ".", "--format", "json", "--now", NOW]);
    assert_eq!(v.status.code(), Some(3), "{}", stderr(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let check = fk(&doc);
    assert_eq!(check["status"], "error", "{check}");
    assert!(
        check["message"].as_str().unwrap().contains("has no files"),
        "{check}"
    );
}

/// Escaped as the templates escape text.
fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Every leaf of a manifest (as the site's `manifest.json` has it), with its JSON Pointer.
fn leaves(v: &serde_json::Value, pointer: String, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                leaves(x, format!("{pointer}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, format!("{pointer}/{i}"), out);
            }
        }
        serde_json::Value::String(s) => out.push((pointer, s.clone())),
        serde_json::Value::Number(n) => out.push((pointer, n.to_string())),
        // Booleans show as words (`required`, `unique`), checked through the constraints.
        _ => {}
    }
}

fn published_site(test: &str, lang: &str) -> std::path::PathBuf {
    let root = temp_dir(test);
    let cat = root.join("catalog");
    crate::support::example_catalog(&cat);
    let out = assay(
        &root,
        &[
            "publish",
            "catalog",
            "--out",
            "site",
            "--now",
            "2025-07-03T00:00:00Z",
            "--lang",
            lang,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    root.join("site")
}

/// The published page of the dataset in `dir` (a site's `datasets/<name>/`) shows every leaf
/// of its manifest (units as symbols), every check result, and links both ways.
fn assert_page_shows_manifest(dir: &std::path::Path) {
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut all = Vec::new();
    leaves(&manifest, String::new(), &mut all);
    for (pointer, value) in all {
        if pointer == "/assay" {
            continue; // the manifest format version
        }
        let shown = if pointer.ends_with("/unitOfMeasure") {
            let column = manifest
                .pointer(&pointer.replace("/unitOfMeasure", "/name"))
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            assay_report::html::words::unit_symbol(&value, column)
        } else {
            value.clone()
        };
        assert!(
            page.contains(&html_escaped(&shown)),
            "{}: {pointer} = {value:?} is not on the page",
            dir.display()
        );
    }
    // Every check result, passed ones too, with its status.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    for r in report["resources"].as_array().unwrap() {
        for c in r["checks"].as_array().unwrap() {
            let name = html_escaped(c["name"].as_str().unwrap());
            assert!(page.contains(&name), "{}: check {name}", dir.display());
        }
    }
    assert!(page.contains("class=\"status-pass\""), "{}", dir.display());
    for link in [
        "../../index.html",
        "../../search.html",
        "report.json",
        "croissant.json",
        "datapackage.json",
        "dataset.lock",
        "manifest.json",
    ] {
        assert!(
            page.contains(&format!("href=\"{link}\"")),
            "{}: no link to {link}",
            dir.display()
        );
        if !link.starts_with("../") {
            assert!(dir.join(link).is_file(), "{link} is on the site");
        }
    }
    let field = manifest["field"].as_str().unwrap();
    assert!(page.contains(&format!("href=\"../../fields/{field}/index.html\"")));
}

/// Issue 20.2: a published dataset page shows every field the engineer declared (each leaf of
/// the manifest, units as their symbols), every check with its status, and links both ways.
#[test]
fn dataset_pages_show_every_declared_field_and_link_both_ways() {
    let site = published_site("first-hour-pages", "en");
    let mut pages = 0;
    for entry in std::fs::read_dir(site.join("datasets")).unwrap() {
        assert_page_shows_manifest(&entry.unwrap().path());
        pages += 1;
    }
    assert_eq!(pages, 6);
    // Failed checks come first on the pcb page.
    let pcb = std::fs::read_to_string(site.join("datasets/pcb-aoi-inspection/index.html")).unwrap();
    let first_pass = pcb.find("class=\"status-pass\"").unwrap();
    let last_fail = pcb.rfind("class=\"status-fail\"").unwrap();
    assert!(last_fail < first_pass);
    // Constraints in words, units as symbols, no raw JSON.
    assert!(
        pcb.contains("required; unique; pattern ^PCB-[0-9]{8}$"),
        "constraints in words"
    );
    assert!(!pcb.contains("{&quot;required&quot;"));
    let steel =
        std::fs::read_to_string(site.join("datasets/steel-production-batches/index.html")).unwrap();
    assert!(steel.contains(">°C<") && !steel.contains(">Cel<"));
    // The unique-key samples keep where the key was first seen, and their key column.
    assert!(pcb.contains("first seen at row 499"));
}

/// A Chinese page of the site: `lang="zh-CN"`, a language switch, and no English label in its
/// visible text (outside `<code>`, scripts and styles: data values and identifiers).
fn assert_no_english_labels(page: &std::path::Path) {
    // Every English label of the table, and the phrases of the field and search pages.
    let mut english: Vec<&str> = assay_report::i18n::LABELS
        .iter()
        .map(|(_, en, _)| *en)
        // Phrases, and capitalised words (headings, column names): lowercase single words
        // such as `pass` also occur in identifiers.
        .filter(|en| {
            en.len() >= 4 && (en.contains(' ') || en.starts_with(|c: char| c.is_ascii_uppercase()))
        })
        .collect();
    english.extend([
        "Dashboard",
        "Search the catalog",
        "Field standard",
        "Reference dataset",
        "No datasets in this field yet",
        "Checks, failed first",
        "About this dataset",
        "Capped because",
        "error-level",
        "Left out",
    ]);
    let text = std::fs::read_to_string(page).unwrap();
    assert!(text.contains("lang=\"zh-CN\""), "{}", page.display());
    assert!(text.contains("class=\"lang-switch\""), "{}", page.display());
    // Visible text only: no <code>, <script> or <style>, and no tags.
    let mut visible = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find('<') {
        visible.push_str(&rest[..i]);
        let after = &rest[i..];
        let skip_to = ["<code", "<script", "<style", "<title>"]
            .iter()
            .find(|t| after.starts_with(**t))
            .map(|t| {
                let close = match *t {
                    "<code" => "</code>",
                    "<script" => "</script>",
                    "<style" => "</style>",
                    _ => "</title>",
                };
                after
                    .find(close)
                    .map(|j| j + close.len())
                    .unwrap_or(after.len())
            });
        rest = match skip_to {
            Some(j) => &after[j..],
            None => &after[after.find('>').map(|j| j + 1).unwrap_or(after.len())..],
        };
        visible.push(' ');
    }
    visible.push_str(rest);
    for label in &english {
        assert!(
            !visible.contains(label),
            "{}: English label `{label}` on a Chinese page",
            page.display()
        );
    }
}

/// Issue 20.8: with `--lang both` every page has a Chinese version with a switch, and no
/// English label is left on a Chinese page (data values and identifiers aside).
#[test]
fn chinese_pages_have_no_english_labels() {
    let site = published_site("first-hour-zh", "both");
    let mut zh_pages = vec![
        site.join("index.zh.html"),
        site.join("search.zh.html"),
        site.join("fields/IF-C341/index.zh.html"),
        site.join("fields/IF-B06/index.zh.html"),
    ];
    for entry in std::fs::read_dir(site.join("datasets")).unwrap() {
        zh_pages.push(entry.unwrap().path().join("index.zh.html"));
    }
    for page in &zh_pages {
        assert_no_english_labels(page);
    }
    // The switch goes both ways.
    let en = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(en.contains("href=\"index.zh.html\""));
    let zh = std::fs::read_to_string(site.join("index.zh.html")).unwrap();
    assert!(zh.contains("href=\"index.html\"") && zh.contains("装备制造业"));
}

/// Issue 20.11: without `--now` the reference time is whole seconds, as people read it.
#[test]
fn the_default_reference_time_has_no_microseconds() {
    let dir = example_copy("first-hour-now", "catalog/IF-C31/steel-production-batches");
    let out = assay(&dir, &["validate", ".", "--format", "json", "--no-history"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let now = doc["now"].as_str().unwrap();
    assert_eq!(now.len(), "2026-11-28T14:05:12Z".len(), "{now}");
    assert!(now.ends_with('Z') && !now.contains('.'), "{now}");
}

/// Issue 20.11: `pack --strict` refuses failing data and writes nothing; passing data packs.
#[test]
fn pack_strict_refuses_failing_data() {
    let dir = temp_dir("first-hour-pack");
    let pcb = crate::support::repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let bag = dir.join("bag");
    let out = assay(
        &pcb,
        &[
            "pack",
            ".",
            "--out",
            bag.to_str().unwrap(),
            "--strict",
            "--now",
            "2025-07-03T00:00:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("6 failed"), "{}", stderr(&out));
    assert!(!bag.exists(), "nothing written");
    let boiler = crate::support::repo().join("catalog/IF-C341/boiler-sensor-telemetry");
    let out = assay(
        &boiler,
        &[
            "pack",
            ".",
            "--out",
            bag.to_str().unwrap(),
            "--strict",
            "--now",
            "2025-07-03T00:00:00Z",
            "--date",
            "2025-07-03",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(bag.join("bagit.txt").is_file());
}

/// Issue 20.11: `export` lists the files a glob matches (other tools do not expand globs),
/// keeps the glob as `assay:path` so an import restores it, and `--quiet` drops the notes.
#[test]
fn export_lists_the_files_and_quiet_is_quiet() {
    let dir = temp_dir("first-hour-export");
    crate::integrity::copy_tree(
        &crate::support::repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &dir.join("ds"),
    );
    let out = assay(
        &dir.join("ds"),
        &["export", ".", "--to", "frictionless", "--quiet"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "--quiet prints no notes");
    let package: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let readings = &package["resources"][0];
    assert_eq!(
        readings["path"],
        serde_json::json!([
            "data/readings-2025-06.parquet",
            "data/readings-2025-07.parquet"
        ])
    );
    assert_eq!(readings["assay:path"], "data/readings-*.parquet");
    let noisy = assay(&dir.join("ds"), &["export", ".", "--to", "frictionless"]);
    assert!(stderr(&noisy).contains("exported as the 2 file(s) it matches"));
    // Imported again, the resource has its glob back.
    std::fs::write(dir.join("ds/datapackage.json"), &out.stdout).unwrap();
    let back = assay(
        &dir.join("ds"),
        &[
            "import",
            "datapackage.json",
            "--field",
            "IF-C341",
            "--out",
            "imported.yaml",
        ],
    );
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    let yaml = std::fs::read_to_string(dir.join("ds/imported.yaml")).unwrap();
    assert!(yaml.contains("data/readings-*.parquet"), "{yaml}");
}

/// The bearing scenario end to end (issue 20's acceptance): `init` flags the planted defects;
/// the hand-tuned manifest (fixtures/bearing) catches every one of them with located samples;
/// locked and published in both languages, the dataset page shows all its metadata and links,
/// and the Chinese page has no English label.
#[test]
fn the_bearing_scenario_end_to_end() {
    let root = temp_dir("first-hour-bearing");
    let dataset = root.join("catalog/IF-C345/bearing-vibration");
    bearing::write(&dataset).unwrap();
    std::fs::copy(
        crate::support::repo().join("fixtures/bearing/dataset.yaml"),
        dataset.join("dataset.yaml"),
    )
    .unwrap();
    let lint = assay(&dataset, &["lint", "."]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    let v = assay(
        &dataset,
        &[
            "validate", ".", "--format", "json", "--now", NOW, "--reveal",
        ],
    );
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    // Every planted defect, counted exactly.
    for (check, count) in [
        ("temperature: required", 40),                           // nulls
        ("vibration_rms: range", 4),                             // the spike and 3 negatives
        ("temperature: range", bearing::FAHRENHEIT_ROWS as u64), // °F rows
        ("serial: pattern", 25),                                 // another rig's serials
        ("label: enum", 4),                                      // label typos
        ("load_kn: range", 12),                                  // negative loads
    ] {
        assert_eq!(failing(&doc, check), ("fail".into(), count), "{check}");
    }
    let (status, dups) = failing(&doc, "unique(serial)");
    assert_eq!(status, "fail");
    assert!(dups >= 25, "duplicate serials: {dups}");
    let spike = check_named(&doc, "vibration_rms: range")["samples"].to_string();
    assert!(spike.contains(&format!("{}", bearing::SPIKE)), "{spike}");

    assert_eq!(assay(&dataset, &["lock", "."]).status.code(), Some(0));
    let out = assay(
        &root,
        &[
            "publish", "catalog", "--out", "site", "--now", NOW, "--lang", "both",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page_dir = root.join("site/datasets/bearing-vibration");
    assert_page_shows_manifest(&page_dir);
    assert_no_english_labels(&page_dir.join("index.zh.html"));
    let zh = std::fs::read_to_string(page_dir.join("index.zh.html")).unwrap();
    assert!(
        zh.contains("轴承试验台 A 振动数据"),
        "the Chinese title leads the Chinese page"
    );
}

/// Issue 20.6: an `expression` whose SQL does not plan is a manifest error: `validate` exits 2
/// before reading data, naming the check and the column it meant.
#[test]
fn an_unplannable_expression_is_a_manifest_error() {
    let dir = example_copy(
        "first-hour-expression",
        "catalog/IF-C31/steel-production-batches",
    );
    let manifest = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    let typo = manifest.replace("sql: \"end_ts > start_ts\"", "sql: \"end_ts > strat_ts\"");
    assert_ne!(typo, manifest);
    std::fs::write(dir.join("dataset.yaml"), typo).unwrap();
    let out = assay(&dir, &["validate", ".", "--now", NOW]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("error[expression-plan]"), "{err}");
    assert!(err.contains("did you mean `start_ts`?"), "{err}");
    assert_eq!(stdout(&out), "", "nothing validated");
}

/// Issue 20.11: `assay search` prints grade, name, field and title, not a BM25 score; and
/// `report --format md --lang zh` says status, severity, the cap and rows in Chinese.
#[test]
fn search_and_markdown_read_as_words() {
    let site = published_site("first-hour-search", "en");
    let out = assay(
        site.parent().unwrap(),
        &["search", "boiler", "--site", "site"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = stdout(&out).lines().next().unwrap().to_string();
    assert!(
        first.starts_with("A  boiler-sensor-telemetry  IF-C341  Boiler plant sensor telemetry"),
        "{first}"
    );
    let pcb = crate::support::repo().join("catalog/IF-C397/pcb-aoi-inspection");
    let md = assay(
        &pcb,
        &[
            "report",
            ".",
            "--format",
            "md",
            "--lang",
            "zh",
            "--now",
            "2025-07-03T00:00:00Z",
        ],
    );
    let text = stdout(&md);
    assert!(
        text.contains("等级上限原因: 6 项错误级检查未通过"),
        "{text}"
    );
    assert!(
        text.contains("| 错误 | 未通过 |") && text.contains("第 500 行"),
        "{text}"
    );
    assert!(
        !text.contains("| fail |") && !text.contains("error-level"),
        "{text}"
    );
}
