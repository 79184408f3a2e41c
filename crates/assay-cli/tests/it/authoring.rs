//! Issue 16.5, authoring in editors and CI: the manifest schema on the site and in a
//! `yaml-language-server` line of every drafted manifest; the pre-commit hooks, run by the real
//! `pre-commit` from PyPI (installed by scripts/test.sh into .venv-test).

use std::path::Path;
use std::process::Command;

use crate::integrity::copy_tree;
use crate::support::{assay, repo, stderr, temp_dir};

#[test]
fn drafts_name_the_schema_and_the_site_serves_it() {
    let dir = temp_dir("authoring-modeline");
    copy_tree(
        &repo().join("catalog/IF-C341/boiler-sensor-telemetry/data"),
        &dir.join("ds/data"),
    );
    let out = assay(&dir.join("ds"), &["init", ".", "--field", "IF-C341"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("ds/dataset.yaml")).unwrap();
    assert!(
        text.starts_with(
            "# yaml-language-server: $schema=https://assay.dev/schemas/manifest.schema.json\n"
        ),
        "{text}"
    );
    // A catalog that serves its site names that copy.
    let out = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["new", "IF-C341", "fresh"])
        .current_dir(&dir)
        .env(
            "ASSAY_SCHEMA_URL",
            "https://catalog.example.org/schemas/manifest.schema.json",
        )
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("fresh/dataset.yaml")).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=https://catalog.example.org/"),
        "{text}"
    );
    // Inside a checkout, the relative path to its schemas/ folder.
    let checkout = dir.join("checkout");
    std::fs::create_dir_all(checkout.join("schemas")).unwrap();
    std::fs::copy(
        repo().join("schemas/manifest.schema.json"),
        checkout.join("schemas/manifest.schema.json"),
    )
    .unwrap();
    let out = assay(&checkout, &["new", "IF-C341", "catalog/IF-C341/mine"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(checkout.join("catalog/IF-C341/mine/dataset.yaml")).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=../../../schemas/manifest.schema.json\n"),
        "{text}"
    );
    // The published site serves the schema the repository commits.
    let cat = dir.join("catalog");
    crate::support::example_catalog(&cat);
    let out = assay(
        &dir,
        &[
            "publish",
            "catalog",
            "--out",
            "site",
            "--now",
            "2025-07-03T00:00:00Z",
            "--lang",
            "en",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.join("site/schemas/manifest.schema.json")).unwrap(),
        std::fs::read(repo().join("schemas/manifest.schema.json")).unwrap()
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The hooks of `.pre-commit-hooks.yaml`, run by `pre-commit try-repo` on a repository holding
/// a dataset: both pass on the example, and each fails on what it is for.
#[test]
fn pre_commit_hooks_lint_and_validate() {
    let pre_commit = repo().join(".venv-test/bin/pre-commit");
    assert!(
        pre_commit.is_file(),
        "pre-commit is missing: run the tests with scripts/test.sh, which installs it into .venv-test"
    );
    let dir = temp_dir("authoring-pre-commit");
    let work = dir.join("work");
    copy_tree(
        &repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &work.join("catalog/IF-C341/boiler-sensor-telemetry"),
    );
    git(&work, &["init", "-q"]);
    git(&work, &["add", "."]);
    let bin = Path::new(env!("CARGO_BIN_EXE_assay")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |hook: &str| {
        Command::new(&pre_commit)
            .args(["try-repo", repo().to_str().unwrap(), hook, "--all-files"])
            .current_dir(&work)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.join("pre-commit-home"))
            .env("ASSAY_REDACTION_KEY", crate::support::TEST_KEY)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    for hook in ["assay-lint", "assay-validate"] {
        let out = run(hook);
        assert!(
            out.status.success(),
            "{hook}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A misspelt column fails lint; a tighter bound the data breaks fails validate.
    let manifest = work.join("catalog/IF-C341/boiler-sensor-telemetry/dataset.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("column: value", "column: valeu", 1),
    )
    .unwrap();
    let out = run("assay-lint");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("did you mean `value`?"));
    std::fs::write(
        &manifest,
        text.replacen(
            "minimum: -50, maximum: 1500",
            "minimum: -50, maximum: 10",
            1,
        ),
    )
    .unwrap();
    let out = run("assay-validate");
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL"));
}
