//! Privacy as the people it protects would test it: every value of every personal column of the
//! example datasets is looked for in every output that leaves the machine (every report format,
//! OpenLineage events, the bag, the whole published site) and must not be there; the engineer's
//! own terminal still shows them, and `--reveal` gives them back on purpose.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::*;

const NOW: &str = "2025-07-03T00:00:00Z";

/// Every value (of at least 4 characters) of every personal column of the example datasets.
fn personal_values(catalog: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for m in assay_model::lint::find_manifests(&[catalog.to_path_buf()]).unwrap() {
        let loaded = assay_model::loaded::load(&m).unwrap();
        for (resource, column) in assay_model::redact::Policy::personal(&loaded.manifest) {
            let r = loaded
                .manifest
                .resources
                .iter()
                .find(|r| r.name == resource)
                .unwrap();
            let files: Vec<PathBuf> = r
                .path
                .patterns()
                .iter()
                .map(|p| loaded.dir.join(p))
                .collect();
            let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
            out.extend(
                assay_validate::values::distinct_text(&refs, &column, 4, 1_000_000).unwrap(),
            );
        }
    }
    out
}

/// The personal values found in `text`.
fn leaks<'a>(text: &str, values: &'a BTreeSet<String>) -> Vec<&'a str> {
    values
        .iter()
        .filter(|v| text.contains(v.as_str()))
        .map(|v| v.as_str())
        .collect()
}

/// Every file under `dir`, as text.
fn tree_text(dir: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_path_buf(),
                String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned(),
            )
        })
        .collect()
}

#[test]
fn no_personal_value_leaves_the_machine_but_the_terminal_still_shows_them() {
    let root = temp_dir("privacy-outputs");
    let catalog = root.join("catalog");
    example_catalog(&catalog);
    let values = personal_values(&catalog);
    assert!(
        values.len() >= 10,
        "the examples' operator e-mails: {values:?}"
    );
    let pcb = catalog.join("IF-C397/pcb-aoi-inspection");
    let run = |args: &[&str]| {
        let out = assay(&pcb, args);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            stderr(&out)
        );
        stdout(&out)
    };
    let base = ["validate", ".", "--now", NOW, "--no-history"];
    // The engineer's terminal: the values, to fix the data.
    let text = run(&base);
    assert!(!leaks(&text, &values).is_empty(), "{text}");
    // Everything else, by default, shows tokens instead.
    let mut outputs: Vec<(String, String)> = Vec::new();
    outputs.push((
        "text --redact".into(),
        run(&[&base[..], &["--redact"]].concat()),
    ));
    for format in ["json", "junit", "sarif", "github"] {
        outputs.push((
            format.into(),
            run(&[&base[..], &["--format", format]].concat()),
        ));
    }
    for format in ["json", "md", "html"] {
        outputs.push((
            format!("report {format}"),
            run(&["report", ".", "--now", NOW, "--format", format]),
        ));
    }
    let events = root.join("events.jsonl");
    run(&[
        &base[..],
        &["--openlineage", events.to_str().unwrap(), "--deterministic"],
    ]
    .concat());
    outputs.push((
        "openlineage".into(),
        std::fs::read_to_string(&events).unwrap(),
    ));
    let out = assay(
        &pcb,
        &[
            "pack",
            ".",
            "--out",
            "../../../bag",
            "--now",
            NOW,
            "--date",
            "2025-07-03",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (path, text) in tree_text(&root.join("bag")) {
        if path.extension().is_some_and(|e| e == "parquet") {
            continue; // the data itself travels in the bag, as the engineer chose
        }
        outputs.push((path.display().to_string(), text));
    }
    let out = assay(
        &root,
        &["publish", "catalog", "--out", "site", "--now", NOW],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (path, text) in tree_text(&root.join("site")) {
        outputs.push((path.display().to_string(), text));
    }
    for (what, text) in &outputs {
        assert_eq!(leaks(text, &values), Vec::<&str>::new(), "{what}");
    }
    // The same bad value has the same token in every output, so it can still be recognised.
    let json = &outputs.iter().find(|(w, _)| w == "json").unwrap().1;
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    let pattern = doc["resources"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "pattern(operator_email)")
        .unwrap();
    let token = pattern["samples"][0]["values"][0].as_str().unwrap();
    assert!(token.starts_with("[redacted "), "{token}");
    let site_report =
        std::fs::read_to_string(root.join("site/datasets/pcb-aoi-inspection/report.json")).unwrap();
    assert!(site_report.contains(token));
    assert!(
        outputs
            .iter()
            .find(|(w, _)| w == "sarif")
            .unwrap()
            .1
            .contains(token)
    );
    // Rows, files and keys that are not personal stay, to find the row.
    assert!(pattern["samples"][0]["row"].is_u64());
    assert!(
        pattern["samples"][0]["key"][0]
            .as_str()
            .unwrap()
            .starts_with("PCB-")
    );
    // `--reveal` gives the values back, on purpose.
    let revealed = run(&[&base[..], &["--format", "json", "--reveal"]].concat());
    assert!(!leaks(&revealed, &values).is_empty());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn publish_refuses_a_site_that_would_contain_a_personal_value() {
    let root = temp_dir("privacy-audit");
    let catalog = root.join("catalog");
    example_catalog(&catalog);
    let out = assay(
        &root,
        &["publish", "catalog", "--out", "site", "--now", NOW],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = std::fs::read_link(root.join("site")).unwrap();
    // The manifest quotes an operator's e-mail address in its description.
    let values = personal_values(&catalog);
    let planted = values.iter().find(|v| v.contains('@')).unwrap();
    let pcb = catalog.join("IF-C397/pcb-aoi-inspection");
    let manifest = pcb.join("dataset.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replacen(
        "and the operator on shift.",
        &format!("and the operator on shift (e.g. {planted})."),
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    let out = assay(&pcb, &["lock", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = assay(
        &root,
        &["publish", "catalog", "--out", "site", "--now", NOW],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("refusing to publish"), "{err}");
    assert!(
        err.contains("pcb-aoi-inspection: results.operator_email"),
        "{err}"
    );
    assert!(err.contains("site/"), "names the file: {err}");
    assert!(
        !err.contains(planted.as_str()),
        "the message does not repeat the value"
    );
    // The old site stands, and no half-built one is left.
    assert_eq!(std::fs::read_link(root.join("site")).unwrap(), before);
    let builds: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site-"))
        .collect();
    assert_eq!(builds.len(), 1, "{builds:?}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_catalog_key_is_made_once_kept_outside_the_site_and_checked() {
    let root = temp_dir("privacy-key");
    let catalog = root.join("catalog");
    example_catalog(&catalog);
    let pcb = catalog.join("IF-C397/pcb-aoi-inspection");
    let json = |env: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_assay"));
        cmd.args([
            "validate",
            ".",
            "--format",
            "json",
            "--now",
            NOW,
            "--no-history",
        ])
        .current_dir(&pcb)
        .env_remove(assay_model::redact::KEY_ENV);
        if let Some(k) = env {
            cmd.env(assay_model::redact::KEY_ENV, k);
        }
        cmd.output().unwrap()
    };
    let first = json(None);
    let key = catalog.join(".assay/redaction.key");
    assert!(key.is_file(), "the key is made at the catalog's root");
    let second = json(None);
    assert_eq!(first.stdout, second.stdout, "the same key, the same tokens");
    let other = json(Some(TEST_KEY));
    assert_ne!(first.stdout, other.stdout, "another key, other tokens");
    let out = assay(
        &root,
        &["publish", "catalog", "--out", "site", "--now", NOW],
    );
    assert_eq!(out.status.code(), Some(0));
    let key_text = std::fs::read_to_string(&key).unwrap();
    for (path, text) in tree_text(&root.join("site")) {
        assert!(!text.contains(key_text.trim()), "{}", path.display());
    }
    let bad = json(Some("not-a-key"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty(), "nothing written unredacted");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ASSAY_REDACTION_KEY"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn lint_asks_for_personal_columns_to_be_marked() {
    let root = temp_dir("privacy-lint");
    let dir = root.join("d");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: d\nversion: 1.0.0\nfield: IF-C341\nsensitivity: internal\nlicenses: [{name: CC-BY-4.0}]\nowner: {organization: Example, email: a@example.com}\nresources:\n  - name: x\n    path: x.parquet\n    schema:\n      fields:\n        - {name: inspector_id, type: string}\n        - {name: contact_phone, type: string}\n        - {name: operator_mode, type: string}\n        - {name: worker_name, type: string, personal: true}\n        - {name: staff_no, type: string, classification: public}\n        - {name: user_email, type: string, personal: true, classification: public}\n",
    )
    .unwrap();
    let out = assay(&dir, &["lint", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(u64, String)> = doc["manifests"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "personal-column")
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0]
            .1
            .contains("`inspector_id` looks like a person's name or staff number")
    );
    assert!(
        found[1]
            .1
            .contains("`contact_phone` looks like a phone number")
    );
    assert!(found[2].1.contains("a personal column is never public"));
    let _ = std::fs::remove_dir_all(&root);
}
