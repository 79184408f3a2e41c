//! Helpers: run the real binary, locate the repository, bless golden files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crate lives in crates/<name>")
        .to_path_buf()
}

/// The redaction key of the tests' runs (`assay_model::redact::KEY_ENV`).
pub const TEST_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// `assay` with arguments, run in `cwd`.
pub fn assay(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ASSAY_REGISTRY")
        // A fixed redaction key: the same inputs give the same tokens (and bytes) in every run.
        .env(assay_model::redact::KEY_ENV, TEST_KEY)
        .env("NO_COLOR", "1")
        .env("ASSAY_CACHE_DIR", cache_dir())
        .output()
        .expect("the assay binary runs")
}

/// The cache folder of this test process's runs, never the user's: shared by its tests, so a
/// later test may take files from it (an entry's key is everything its results depend on, so
/// the report is the cold run's either way).
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("assay-test-cache-{}", std::process::id()))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// True for a field standard's folder (`catalog/<CODE>/<name>-standard`).
pub fn is_standard(dataset_dir: &Path) -> bool {
    dataset_dir
        .file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with("-standard"))
}

/// The example catalog without the 100 field standards: the five example datasets and the
/// registry, copied to `to`. Tests about those datasets' pages, lineage and failures use it; the
/// whole catalog has its own tests.
pub fn example_catalog(to: &Path) {
    fn copy(from: &Path, to: &Path, depth: usize) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.')
                || (depth == 1 && is_standard(&path))
            {
                continue;
            }
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&path, &target, depth + 1);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    copy(&repo().join("catalog"), to, 0);
}

/// True when golden files should be rewritten (`ASSAY_BLESS=1 cargo test`).
pub fn bless() -> bool {
    std::env::var_os("ASSAY_BLESS").is_some_and(|v| v == "1")
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("assay-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Fails unless `doc` satisfies the committed `schemas/report.schema.json`.
pub fn assert_valid_report(doc: &serde_json::Value) {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let v = VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(repo().join("schemas/report.schema.json")).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&serde_json::from_str(&text).unwrap())
            .unwrap()
    });
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match its schema: {errors:?}"
    );
}

/// `assay validate . --format json` in `dir` with a fixed clock, and `extra`: the raw output.
pub fn validate_json(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "validate",
        ".",
        "--format",
        "json",
        "--now",
        "2025-01-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    assay(dir, &args)
}

/// `assay validate . --format json --now 2025-01-01T00:00:00Z EXTRA…`, run in `dir`: the exit code
/// and the report, which must satisfy the report schema.
pub fn validate_in(dir: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = validate_json(dir, extra);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", stderr(&out)));
    assert_valid_report(&doc);
    (out.status.code(), doc)
}

/// The check named `name` in the report's first resource.
pub fn check_named(doc: &serde_json::Value, name: &str) -> serde_json::Value {
    doc["resources"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}"))
        .clone()
}

/// SplitMix64: a seeded, dependency-free generator, for test data that is the same on every
/// run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
