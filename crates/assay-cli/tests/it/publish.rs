//! `assay publish`, as a catalog maintainer runs it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::integrity::copy_tree;
use crate::support::{assay, example_catalog, repo, stderr, stdout, temp_dir};

const NOW: &str = "2025-07-03T00:00:00Z";

fn catalog(test: &str) -> PathBuf {
    let dir = temp_dir(test).join("catalog");
    example_catalog(&dir);
    dir
}

fn validator(path: &Path, draft: jsonschema::Draft) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(draft)
        .build(&schema)
        .unwrap()
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.push((
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn publishes_the_example_catalog_reproducibly() {
    let cat = catalog("publish");
    let site = cat.parent().unwrap().join("site");
    let run = || {
        assay(
            cat.parent().unwrap(),
            &["publish", "catalog", "--out", "site", "--now", NOW],
        )
    };
    let out = run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("published 6 dataset(s)"),
        "{}",
        stdout(&out)
    );
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("index.json")).unwrap()).unwrap();
    let v = validator(
        &repo().join("schemas/index.schema.json"),
        jsonschema::Draft::Draft202012,
    );
    let errors: Vec<String> = v.iter_errors(&index).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let grades: Vec<(&str, &str)> = index["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["grade"].as_str().unwrap()))
        .collect();
    assert_eq!(
        grades,
        [
            ("boiler-fault-training", "C"),
            ("boiler-hourly-aggregates", "B"),
            ("boiler-sensor-telemetry", "A"),
            ("pcb-aoi-inspection", "C"),
            ("power-plant-energy-metering", "A"),
            ("steel-production-batches", "C")
        ]
    );
    // Every dataset's Frictionless descriptor validates against the official v2 profile.
    let fv = validator(
        &repo().join("../shared/reference/frictionless/2.0/datapackage.json"),
        jsonschema::Draft::Draft7,
    );
    for (name, _) in &grades {
        let dp: Value = serde_json::from_str(
            &std::fs::read_to_string(site.join(format!("datasets/{name}/datapackage.json")))
                .unwrap(),
        )
        .unwrap();
        assert!(fv.is_valid(&dp), "{name}");
        assert!(site.join(format!("datasets/{name}/index.html")).is_file());
        assert!(site.join(format!("datasets/{name}/report.json")).is_file());
    }
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains("id=\"coverage\""));
    assert!(home.contains("<a href=\"datasets/pcb-aoi-inspection/index.html\">"));
    // Again: every report reused, the same bytes, the same build.
    let before = tree(&site);
    let link = std::fs::read_link(&site).unwrap();
    let out = run();
    assert!(
        stdout(&out).starts_with("unchanged: "),
        "nothing changed, so nothing is rebuilt: {}",
        stdout(&out)
    );
    assert_eq!(tree(&site), before);
    assert_eq!(std::fs::read_link(&site).unwrap(), link);
    // Without the whole-site shortcut (its state removed), every report comes from the cache
    // and the build is the same bytes.
    std::fs::remove_file(cat.join(".assay/publish-cache/site-state.json")).unwrap();
    let out = run();
    assert!(
        stdout(&out).contains("(6 reused from the cache, 0 left out)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(tree(&site), before);
    // One changed byte of data is noticed: the shortcut hashes every file.
    let path = cat.join("IF-D44/power-plant-energy-metering/data/intervals.parquet");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[500] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let out = run();
    assert!(stdout(&out).contains("1 left out"), "{}", stdout(&out));
}

#[test]
fn bad_datasets_are_left_out_and_strict_keeps_the_old_site() {
    let cat = catalog("publish-bad");
    let root = cat.parent().unwrap();
    let out = assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let good = tree(&root.join("site"));
    // A broken manifest, and data changed after locking.
    std::fs::write(
        cat.join("IF-C31/steel-production-batches/dataset.yaml"),
        "assay: 1\nname: [broken\n",
    )
    .unwrap();
    let machines = cat.join("IF-C341/boiler-sensor-telemetry/data/machines.parquet");
    let mut bytes = std::fs::read(&machines).unwrap();
    bytes[300] ^= 1;
    std::fs::write(&machines, bytes).unwrap();
    let out = assay(
        root,
        &[
            "publish", "catalog", "--out", "site", "--now", NOW, "--strict",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("left out: IF-C31/steel-production-batches/dataset.yaml (lint)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        tree(&root.join("site")),
        good,
        "--strict leaves the old site"
    );
    // Without --strict the site is published with the two left out, and the exit code says
    // that datasets of the previous build were dropped.
    let out = assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 dataset(s) of the previous build are not in this one"));
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("site/index.json")).unwrap())
            .unwrap();
    assert_eq!(index["datasets"].as_array().unwrap().len(), 4);
    let stages: Vec<&str> = index["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["lint", "verify"], "{}", index["left_out"]);
    assert!(
        index["left_out"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("data/machines.parquet: content changed")
    );
}

#[test]
fn one_publish_at_a_time_and_no_overwriting_other_folders() {
    let cat = catalog("publish-lock");
    let root = cat.parent().unwrap();
    std::fs::write(root.join(".site.publish-lock"), b"").unwrap();
    let out = assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("another publish"), "{}", stderr(&out));
    assert!(!root.join("site").exists());
    std::fs::remove_file(root.join(".site.publish-lock")).unwrap();
    std::fs::create_dir(root.join("docs")).unwrap();
    let out = assay(root, &["publish", "catalog", "--out", "docs", "--now", NOW]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a site published by assay"));
}

/// The site's search page and `assay search` read the same index and return the same datasets
/// in the same order with the same scores and facet counts, in a real browser, from file://.
#[test]
fn search_page_and_cli_agree_in_headless_chromium() {
    let cat = catalog("publish-search");
    let root = cat.parent().unwrap();
    let out = assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let site = root.join("site").canonicalize().unwrap();
    let queries: [(&str, &[(&str, &str)]); 10] = [
        ("boiler", &[]),
        ("锅炉", &[]),
        ("inspection pcb", &[]),
        ("stea", &[]),
        ("电子器件", &[]),
        ("", &[]),
        ("", &[("grade", "A")]),
        (
            "sensor",
            &[("sector", "equipment_manufacturing"), ("grade", "B")],
        ),
        ("", &[("since", "2025-07-03")]),
        ("boiler", &[("until", "2025-07-02")]),
    ];
    for (q, facets) in queries {
        let mut args = vec![
            "search",
            q,
            "--site",
            site.to_str().unwrap(),
            "--format",
            "json",
        ];
        for (f, v) in facets {
            let flag = match *f {
                "since" => "--validated-since".to_string(),
                "until" => "--validated-until".to_string(),
                other => format!("--{other}"),
            };
            args.push(Box::leak(flag.into_boxed_str()));
            args.push(v);
        }
        let out = assay(root, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut url = format!("file://{}/search.html?q={}", site.display(), encode(q));
        for (f, v) in facets {
            url.push_str(&format!("&{f}={}", encode(v)));
        }
        let dom = crate::quality::chromium_run(
            &root.join(format!("profile-{}", q.len())),
            &["--dump-dom"],
            &url,
        );
        let whole = String::from_utf8_lossy(&dom.stdout).into_owned();
        // The rendered part only (the page's own script text contains the same markup).
        let dom = whole[whole.find("<div class=\"layout\">").unwrap()..].to_string();
        let dom = dom[..dom.find("<script").unwrap_or(dom.len())].to_string();
        let page: Vec<(String, f64)> = dom
            .match_indices("<li class=\"hit\" data-name=\"")
            .map(|(i, m)| {
                let rest = &dom[i + m.len()..];
                let name = &rest[..rest.find('"').unwrap()];
                let s = &rest[rest.find("data-score=\"").unwrap() + 12..];
                let score: f64 = s[..s.find('"').unwrap()].parse().unwrap();
                (name.to_string(), score)
            })
            .collect();
        let expected: Vec<(String, f64)> = cli["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_str().unwrap().to_string(), h[1].as_f64().unwrap()))
            .collect();
        assert_eq!(page, expected, "query {q:?} {facets:?}");
        // Facet counts agree too.
        for (facet, values) in cli["facets"].as_object().unwrap() {
            for (value, n) in values.as_object().unwrap() {
                let needle = format!(
                    "class=\"facet-count\" data-facet=\"{facet}\" data-value=\"{value}\">{n}<"
                );
                assert!(dom.contains(&needle), "{q:?}: {needle}");
            }
        }
    }
    // Chinese finds the boiler datasets; the grade facet narrows them.
    let shot = root.join("search.png");
    let url = format!(
        "file://{}/search.html?q={}&grade=A",
        site.display(),
        encode("锅炉")
    );
    let out = crate::quality::chromium_run(
        &root.join("profile-shot"),
        &[
            "--window-size=1100,700",
            &format!("--screenshot={}", shot.display()),
        ],
        &url,
    );
    assert!(out.status.success());
    assert_eq!(&std::fs::read(&shot).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
}

/// Percent-encodes a query parameter (UTF-8 bytes).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Issue 20.4: a metadata-only edit after `lock` keeps the dataset on the site (the lock binds
/// the data and the checks); an edit of what the lock binds leaves it out, visibly (dashboard,
/// field page, index, the fixing command), and the publish exits 1 because a dataset of the
/// previous build is gone, unless `--allow-drop`.
#[test]
fn left_out_datasets_are_shown_and_fail_the_publish() {
    let cat = catalog("publish-left-out");
    let root = cat.parent().unwrap();
    let publish = |extra: &[&str]| {
        let mut args = vec!["publish", "catalog", "--out", "site", "--now", NOW];
        args.extend_from_slice(extra);
        assay(root, &args)
    };
    assert_eq!(publish(&[]).status.code(), Some(0));
    let dataset = cat.join("IF-C31/steel-production-batches");
    let manifest = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();

    // A title typo fixed: no re-lock needed.
    let retitled = manifest.replace(
        "Basic oxygen furnace heats",
        "Basic oxygen furnace heat records",
    );
    std::fs::write(dataset.join("dataset.yaml"), &retitled).unwrap();
    let verify = assay(&dataset, &["verify", "."]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    let out = publish(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("0 left out"), "{}", stdout(&out));
    let page =
        std::fs::read_to_string(root.join("site/datasets/steel-production-batches/index.html"))
            .unwrap();
    assert!(page.contains("Basic oxygen furnace heat records"));

    // The version changed without a new lock: left out, shown, and the publish exits 1.
    let bumped = retitled.replacen("version: 1.1.0", "version: 1.2.0", 1);
    assert_ne!(bumped, retitled);
    std::fs::write(dataset.join("dataset.yaml"), &bumped).unwrap();
    let out = publish(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("left out: IF-C31/steel-production-batches/dataset.yaml (verify)"),
        "{err}"
    );
    assert!(err.contains("fix: assay verify"), "{err}");
    assert!(
        err.contains("steel-production-batches") && err.contains("--allow-drop"),
        "{err}"
    );
    assert!(stdout(&out).contains("1 left out"), "{}", stdout(&out));
    let dashboard = std::fs::read_to_string(root.join("site/index.html")).unwrap();
    let section = dashboard
        .split("id=\"left-out\"")
        .nth(1)
        .expect("a left-out section on the dashboard");
    assert!(section.contains("steel-production-batches") && section.contains("assay lock"));
    assert!(dashboard.contains("has-left-out"));
    let field = std::fs::read_to_string(root.join("site/fields/IF-C31/index.html")).unwrap();
    assert!(field.contains("id=\"left-out\"") && field.contains("steel-production-batches"));
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("site/index.json")).unwrap())
            .unwrap();
    let left = &index["left_out"][0];
    assert_eq!(left["name"], "steel-production-batches");
    assert_eq!(left["field"], "IF-C31");
    assert!(left["fix"].as_str().unwrap().contains("assay lock"));

    // Dropping it again from a build that no longer has it is no drop; --allow-drop accepts
    // a drop.
    assert_eq!(publish(&[]).status.code(), Some(0));
    std::fs::write(dataset.join("dataset.yaml"), &retitled).unwrap();
    assert_eq!(publish(&[]).status.code(), Some(0));
    std::fs::write(dataset.join("dataset.yaml"), &bumped).unwrap();
    assert_eq!(publish(&["--allow-drop"]).status.code(), Some(0));
}

/// Issue 16.3: a new version whose changes since the published one are breaking needs a new
/// major version; until it has one the dataset is left out (stage `version`, the diff as the
/// reason) and the old version stays on the site.
#[test]
fn a_breaking_change_needs_a_major_version() {
    let cat = catalog("publish-semver");
    let root = cat.parent().unwrap();
    let publish = || assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
    assert_eq!(publish().status.code(), Some(0));
    let dataset = cat.join("IF-C31/steel-production-batches");
    let manifest = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();
    let tightened = manifest.replacen("maximum: 1720", "maximum: 1700", 1);
    assert_ne!(tightened, manifest);
    std::fs::write(dataset.join("dataset.yaml"), &tightened).unwrap();
    assert_eq!(assay(&dataset, &["lock", "."]).status.code(), Some(0));
    let out = publish();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("site/index.json")).unwrap())
            .unwrap();
    let left = &index["left_out"][0];
    assert_eq!(left["stage"], "version");
    let reason = left["reason"].as_str().unwrap();
    assert!(
        reason.contains("need a new major version") && reason.contains("range-narrowed"),
        "{reason}"
    );
    assert!(left["fix"].as_str().unwrap().starts_with("assay diff "));
    // With the major version, it is published.
    std::fs::write(
        dataset.join("dataset.yaml"),
        tightened.replacen("version: 1.1.0", "version: 2.0.0", 1),
    )
    .unwrap();
    assert_eq!(assay(&dataset, &["lock", "."]).status.code(), Some(0));
    let out = publish();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page =
        std::fs::read_to_string(root.join("site/datasets/steel-production-batches/manifest.json"))
            .unwrap();
    assert!(page.contains("\"version\": \"2.0.0\""));
}

/// A publish killed at any moment leaves the previous site complete: the link always points
/// at a whole build, the old one or the new one, never a mix.
#[cfg(unix)]
#[test]
fn a_killed_publish_leaves_a_complete_site() {
    let cat = catalog("publish-kill");
    let root = cat.parent().unwrap();
    let publish = |now: &str| assay(root, &["publish", "catalog", "--out", "site", "--now", now]);
    assert_eq!(publish(NOW).status.code(), Some(0));
    // Each later publish has new work: another reference time, so nothing comes from the cache.
    for (i, delay) in [5u64, 20, 40, 80, 120, 200, 300, 500].iter().enumerate() {
        let now = format!("2025-07-{:02}T00:00:00Z", 4 + i);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
            .args(["publish", "catalog", "--out", "site", "--now", &now])
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(*delay));
        let _ = child.kill();
        let _ = child.wait();
        let index: Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("site/index.json")).unwrap())
                .unwrap();
        let datasets = index["datasets"].as_array().unwrap();
        assert_eq!(datasets.len(), 6, "after {delay} ms: a whole index");
        for d in datasets {
            let name = d["name"].as_str().unwrap();
            assert!(
                root.join(format!("site/datasets/{name}/index.html"))
                    .is_file(),
                "after {delay} ms: {name}'s page"
            );
            // One build, not a mix: every report has the index's reference time.
            let report: Value = serde_json::from_str(
                &std::fs::read_to_string(root.join(format!("site/datasets/{name}/report.json")))
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(
                report["now"], d["last_validated"],
                "after {delay} ms: {name}"
            );
        }
        // A killed publish leaves its lock file, which the next publish reports; remove it.
        let _ = std::fs::remove_file(root.join(".site.publish-lock"));
    }
    // The next whole publish leaves one build, whatever the killed ones left behind.
    let out = publish("2025-07-20T00:00:00Z");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let builds: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site-"))
        .collect();
    assert_eq!(builds.len(), 1, "{builds:?}");
}

/// The search page as a person uses it, driven by Playwright in the system Chromium: all
/// datasets at first, a query typed key by key narrows them, ticking a facet narrows them to the
/// count the facet showed; no request leaves file://.
#[test]
fn search_page_typed_and_faceted_with_playwright() {
    let node = repo().join(".venv-test/node");
    assert!(
        node.join("node_modules/playwright-core").is_dir(),
        "playwright-core is missing: run the tests with scripts/test.sh, which installs it into .venv-test/node"
    );
    crate::quality::chromium();
    let cat = catalog("publish-playwright");
    let root = cat.parent().unwrap();
    let out = assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0));
    let site = root.join("site").canonicalize().unwrap();
    let script = node.join(format!("search-{}.mjs", std::process::id()));
    std::fs::copy(
        repo().join("crates/assay-cli/tests/browser/search.mjs"),
        &script,
    )
    .unwrap();
    let shot = root.join("search-typed.png");
    let run = std::process::Command::new("node")
        .arg(&script)
        .arg(&site)
        .arg(&shot)
        .output()
        .expect("node runs");
    let _ = std::fs::remove_file(&script);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let r: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(r["all"].as_array().unwrap().len(), 6);
    let typed: Vec<&str> = r["typed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    // The same as the command line for the same query.
    let cli = assay(
        root,
        &[
            "search",
            "sensor",
            "--site",
            site.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let cli_names: Vec<&str> = cli["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap())
        .collect();
    assert_eq!(typed, cli_names);
    assert_eq!(r["countTyped"], format!("{} dataset(s)", typed.len()));
    assert_eq!(
        r["faceted"],
        serde_json::json!(["boiler-hourly-aggregates"])
    );
    assert_eq!(r["facetCount"], "1");
    assert_eq!(r["countFaceted"], "1 dataset(s)");
    assert_eq!(r["requests"], serde_json::json!([]), "no network requests");
    assert_eq!(&std::fs::read(&shot).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
}

/// `index.parquet` holds the index as a table, and `assay query` runs SQL over it.
#[test]
fn sql_over_the_published_index() {
    let cat = catalog("publish-query");
    let root = cat.parent().unwrap();
    assert_eq!(
        assay(root, &["publish", "catalog", "--out", "site", "--now", NOW])
            .status
            .code(),
        Some(0)
    );
    let q = |sql: &str| assay(root, &["query", sql, "--site", "site", "--format", "json"]);
    // Datasets per sector with no error-level failure.
    let out = q(
        "SELECT sector, count(*) AS n FROM datasets WHERE checks_failed = 0 GROUP BY sector ORDER BY sector",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([
            {"sector": "energy_utilities", "n": "1"},
            {"sector": "equipment_manufacturing", "n": "2"}
        ])
    );
    let out = q("SELECT name, grade, rows FROM datasets ORDER BY score DESC, name LIMIT 2");
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["name"], "boiler-sensor-telemetry");
    assert_eq!(rows[0]["rows"], "8012");
    let out = q("SELECT nope FROM datasets");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}

/// Expands a JSON-LD document with the Python `pyld` package (installed by scripts/test.sh)
/// with every remote context refused, and returns the expanded form.
fn expand_jsonld(doc: &Value) -> Value {
    let py = repo().join(".venv-test/bin/python");
    assert!(
        py.is_file(),
        "run the tests with scripts/test.sh (it installs pyld into .venv-test)"
    );
    let script = r#"
import json, sys
from pyld import jsonld
def refuse(url, options=None):
    raise RuntimeError("no network: " + url)
jsonld.set_document_loader(refuse)
print(json.dumps(jsonld.expand(json.load(sys.stdin))))
"#;
    let mut child = std::process::Command::new(py)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// DCAT 3 and Croissant 1.1: golden snapshots of the example catalog, and well-formed JSON-LD
/// (expanded by pyld with no network) with the checksums and types where they belong.
#[test]
fn dcat_and_croissant_are_well_formed_and_stable() {
    let cat = catalog("publish-ld");
    let root = cat.parent().unwrap();
    assert_eq!(
        assay(root, &["publish", "catalog", "--out", "site", "--now", NOW])
            .status
            .code(),
        Some(0)
    );
    let site = root.join("site");
    let golden = repo().join("fixtures/golden");
    let mut docs = vec![("dcat.jsonld".to_string(), site.join("dcat.jsonld"))];
    for name in ["boiler-sensor-telemetry", "pcb-aoi-inspection"] {
        docs.push((
            format!("croissant-{name}.json"),
            site.join(format!("datasets/{name}/croissant.json")),
        ));
    }
    for (golden_name, path) in &docs {
        let text = std::fs::read_to_string(path).unwrap();
        if crate::support::bless() {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(golden.join(golden_name), &text).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(golden.join(golden_name)).unwrap_or_default(),
            text,
            "{golden_name} differs from its golden snapshot (ASSAY_BLESS=1 to rewrite, then review)"
        );
    }
    let dcat: Value = serde_json::from_str(&std::fs::read_to_string(&docs[0].1).unwrap()).unwrap();
    let expanded = expand_jsonld(&dcat).to_string();
    assert_eq!(
        expanded
            .matches("\"http://www.w3.org/ns/dcat#Dataset\"")
            .count(),
        6
    );
    assert!(expanded.contains("http://spdx.org/rdf/terms#checksumValue"));
    assert!(expanded.contains("a92124ef7bae3cf582739ad4b5066b432f4b4f499f8c2dd9a4038853e8c7afd0"));
    let cr: Value = serde_json::from_str(&std::fs::read_to_string(&docs[1].1).unwrap()).unwrap();
    let expanded = expand_jsonld(&cr).to_string();
    assert_eq!(
        expanded
            .matches("\"http://mlcommons.org/croissant/FileObject\"")
            .count(),
        3
    );
    assert!(expanded.contains("\"https://schema.org/sha256\""));
    assert!(expanded.contains("\"http://mlcommons.org/croissant/RecordSet\""));
    assert!(
        expanded.contains("https://schema.org/DateTime"),
        "ts is a DateTime field"
    );
}

/// More bad input: a field code not in the registry, two datasets with one name, a symlink loop
/// in the catalog. The publish completes for the rest and names each problem; every JSON file
/// of the site that has a schema validates against it; a page exists for each of the 100 fields.
#[cfg(unix)]
#[test]
fn publish_names_every_bad_dataset_and_completes() {
    let cat = catalog("publish-more-bad");
    let root = cat.parent().unwrap();
    let steel = cat.join("IF-C31/steel-production-batches/dataset.yaml");
    let text = std::fs::read_to_string(&steel).unwrap();
    std::fs::write(&steel, text.replacen("field: IF-C31", "field: IF-C999", 1)).unwrap();
    // A second dataset named like the telemetry.
    copy_tree(
        &cat.join("IF-C341/boiler-sensor-telemetry"),
        &cat.join("IF-D44/telemetry-copy"),
    );
    std::os::unix::fs::symlink("..", cat.join("IF-D44/loop")).unwrap();
    let out = assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("IF-C31/steel-production-batches/dataset.yaml (lint)"),
        "{err}"
    );
    assert!(err.contains("IF-C999"), "{err}");
    assert!(err.contains("duplicate-dataset"), "{err}");
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("site/index.json")).unwrap())
            .unwrap();
    assert_eq!(
        index["left_out"].as_array().unwrap().len(),
        2,
        "{}",
        index["left_out"]
    );
    assert_eq!(index["datasets"].as_array().unwrap().len(), 5);
    // Schemas of the site's JSON documents.
    for (file, schema) in [
        ("index.json", "schemas/index.schema.json"),
        ("search-index.json", "schemas/search-index.schema.json"),
        (
            "datasets/pcb-aoi-inspection/report.json",
            "schemas/report.schema.json",
        ),
        (
            "datasets/pcb-aoi-inspection/dataset.lock",
            "schemas/lock.schema.json",
        ),
    ] {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("site").join(file)).unwrap())
                .unwrap();
        let v = validator(&repo().join(schema), jsonschema::Draft::Draft202012);
        let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
    let fields = std::fs::read_dir(root.join("site/fields")).unwrap().count();
    assert_eq!(fields, 100);
    let c397 = std::fs::read_to_string(root.join("site/fields/IF-C397/index.html")).unwrap();
    assert!(c397.contains("../../datasets/pcb-aoi-inspection/index.html"));
    let b06 = std::fs::read_to_string(root.join("site/fields/IF-B06/index.html")).unwrap();
    assert!(b06.contains("id=\"no-datasets\""));
    let page =
        std::fs::read_to_string(root.join("site/datasets/pcb-aoi-inspection/index.html")).unwrap();
    assert!(page.contains("id=\"description\"") && page.contains("<table class=\"schema\">"));
}
