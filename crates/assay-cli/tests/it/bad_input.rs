//! Hostile and broken manifests end in a clear, located error, never a panic. The fixtures
//! under `fixtures/manifests/` cover most; these need generated input.

use crate::support::*;

#[test]
fn fifty_megabyte_manifest_is_refused_without_reading_it_all() {
    let dir = temp_dir("huge");
    let mut text = String::from("assay: 1\nname: huge\ndescription: \"");
    text.push_str(&"x".repeat(50 * 1024 * 1024));
    text.push_str("\"\n");
    std::fs::write(dir.join("dataset.yaml"), text).unwrap();
    let out = assay(&dir, &["lint", "dataset.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains(
            "dataset.yaml:1:1: error[io]: manifest is 52428836 bytes; the limit is 4194304 bytes"
        ),
        "{text}"
    );
}

#[test]
fn no_off_and_no_stay_strings_in_enums() {
    let dir = temp_dir("no-strings");
    std::fs::write(dir.join("data.parquet"), b"").unwrap();
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: x\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: r\n    path: data.parquet\n    schema:\n      fields:\n        - {name: answer, type: string, constraints: {enum: [NO, no, off, YES]}}\n",
    )
    .unwrap();
    let out = assay(&dir, &["lint", "dataset.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The same values against a bool column are reported as not being booleans.
    let text = std::fs::read_to_string(dir.join("dataset.yaml"))
        .unwrap()
        .replace("type: string", "type: bool");
    std::fs::write(dir.join("dataset.yaml"), text).unwrap();
    let out = assay(&dir, &["lint", "dataset.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out)
            .contains("12:59: error[constraint-type]: enum value \"NO\" is not a `bool` value"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn missing_path_and_empty_folder_are_usage_errors() {
    let dir = temp_dir("missing");
    let out = assay(&dir, &["lint", "nope.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.yaml"), "{}", stderr(&out));
    let out = assay(&dir, &["lint", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no dataset.yaml"), "{}", stderr(&out));
    let out = assay(&dir, &["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A manifest for one resource `r` at `path` with one string column `s`.
fn one_string_resource(dir: &std::path::Path, path: &str) {
    std::fs::write(
        dir.join("dataset.yaml"),
        format!(
            "assay: 1\nname: x\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{{name: MIT}}]\nsensitivity: public\nresources:\n  - name: r\n    path: \"{path}\"\n    schema:\n      fields:\n        - {{name: s, type: string}}\n    checks:\n      - {{check: not_null, column: s}}\n"
        ),
    )
    .unwrap();
}

/// A glob that expands past the limit is refused by lint and validate, with the limit named,
/// before any file is opened.
#[test]
fn a_glob_over_the_file_limit_is_refused() {
    let dir = temp_dir("many-files");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let limit = assay_model::paths::MAX_FILES;
    for i in 0..=limit {
        std::fs::File::create(data.join(format!("p{i:06}.parquet"))).unwrap();
    }
    one_string_resource(&dir, "data/*.parquet");
    let out = assay(&dir, &["lint", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!(
            "error[too-many-files]: resource path `data/*.parquet` matches more than {limit} files"
        )),
        "{}",
        stdout(&out)
    );
    let out = assay(&dir, &["validate", ".", "--no-history"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        format!("{}{}", stdout(&out), stderr(&out)).contains("matches more than"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A footer that declares more metadata than the limit is refused by name (exit 3), without
/// reading it; the other file of the resource is still validated.
#[test]
fn a_footer_over_the_limit_is_refused() {
    let dir = temp_dir("big-footer");
    let src = repo().join("catalog/IF-C341/boiler-sensor-telemetry/data/machines.parquet");
    let good = std::fs::read(&src).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/a.parquet"), &good).unwrap();
    // 100 MiB of padding, and a footer length of 80 MiB: within the file, over the limit.
    let mut bad = good[..4].to_vec();
    bad.resize(100 << 20, 0);
    bad.extend_from_slice(&(80u32 << 20).to_le_bytes());
    bad.extend_from_slice(b"PAR1");
    std::fs::write(dir.join("data/b.parquet"), &bad).unwrap();
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: x\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: r\n    path: \"data/*.parquet\"\n    schema:\n      fieldsMatch: partial\n      fields:\n        - {name: machine_id, type: string}\n    checks:\n      - {check: not_null, column: machine_id}\n",
    )
    .unwrap();
    let out = assay(&dir, &["validate", ".", "--no-history", "--format", "json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = doc["resources"][0]["files"].as_array().unwrap();
    let err = files[1]["error"].as_str().unwrap();
    assert!(
        err.contains("the footer declares 83886080 bytes of metadata; the limit is 67108864"),
        "{err}"
    );
    assert!(files[0].get("error").is_none());
    let check = &doc["resources"][0]["checks"][1];
    assert_eq!(check["coverage"]["files_read"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A column chunk that decompresses to more than the memory limit is refused by name instead of
/// decoded (a page that decompresses to gigabytes, scaled down: the limit is lowered instead).
#[test]
fn a_column_over_the_memory_limit_is_refused_not_decoded() {
    let dir = temp_dir("over-memory");
    let src = repo().join("catalog/IF-C397/pcb-aoi-inspection/data/aoi-results.parquet");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(&src, dir.join("data/a.parquet")).unwrap();
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: x\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: r\n    path: data/a.parquet\n    schema:\n      fieldsMatch: partial\n      fields:\n        - {name: solder_volume_pct, type: float64}\n    checks:\n      - {check: range, column: solder_volume_pct, min: -1000, max: 1000}\n      - {check: expression, sql: \"solder_volume_pct * 2 < 100000\"}\n",
    )
    .unwrap();
    let out = assay(
        &dir,
        &["validate", ".", "--no-history", "--memory-limit", "2KB"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("column `solder_volume_pct` decompresses to")
            && text.contains("more than the memory limit of 2000 bytes; raise --memory-limit"),
        "{text}"
    );
    assert!(!text.contains("corrupt"), "{text}");
    let out = assay(&dir, &["validate", ".", "--no-history"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every input a fuzz target found (`fixtures/fuzz/`): each command that reads it (`validate`
/// decoding every column, `profile`, `init`, `lock`) ends within a minute in a located finding
/// with exit 0 or 3, never a panic or a hang.
#[test]
fn fuzz_findings_are_findings() {
    use parquet::file::reader::FileReader;
    for entry in std::fs::read_dir(repo().join("fixtures/fuzz")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "parquet") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let dir = temp_dir(&format!("fuzz-{name}"));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::copy(&path, dir.join("data/x.parquet")).unwrap();
        // Every top-level column the footer names (none when it cannot be read), each decoded by
        // an expression check.
        let columns: Vec<String> =
            parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&path).unwrap())
                .map(|r| {
                    r.metadata()
                        .file_metadata()
                        .schema_descr()
                        .root_schema()
                        .get_fields()
                        .iter()
                        .map(|f| f.name().to_string())
                        .collect()
                })
                .unwrap_or_default();
        let columns = if columns.is_empty() {
            vec!["id".to_string()]
        } else {
            columns
        };
        let fields: String = columns
            .iter()
            .map(|c| {
                format!(
                    "        - {{name: {}, type: string}}\n",
                    serde_json::to_string(c).unwrap()
                )
            })
            .collect();
        let checks: String = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "      - {{check: expression, name: e{i}, sql: {}}}\n",
                    serde_json::to_string(&format!(
                        "length(CAST({} AS VARCHAR)) >= 0",
                        serde_json::to_string(c).unwrap()
                    ))
                    .unwrap()
                )
            })
            .collect();
        std::fs::write(
            dir.join("dataset.yaml"),
            format!("assay: 1\nname: x\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{{name: MIT}}]\nsensitivity: public\nresources:\n  - name: r\n    path: data/x.parquet\n    schema:\n      fieldsMatch: partial\n      fields:\n{fields}    checks:\n{checks}"),
        )
        .unwrap();
        for args in [
            vec!["validate", ".", "--no-history"],
            vec!["profile", "data/x.parquet"],
            vec!["lock", "."],
        ] {
            let out = assay_within(&dir, &args, std::time::Duration::from_secs(60));
            let all = format!("{}{}", stdout(&out), stderr(&out));
            assert!(!all.contains("panicked"), "{name} {args:?}: {all}");
            assert!(
                matches!(out.status.code(), Some(0) | Some(3)),
                "{name} {args:?}: {:?} {all}",
                out.status.code()
            );
        }
        let out = assay_within(
            &dir,
            &["validate", ".", "--no-history"],
            std::time::Duration::from_secs(60),
        );
        assert_eq!(out.status.code(), Some(3), "{name}: {}", stdout(&out));
        assert!(
            stdout(&out).contains("data/x.parquet: corrupt") || stdout(&out).contains("malformed"),
            "{}",
            stdout(&out)
        );
        std::fs::remove_file(dir.join("dataset.yaml")).unwrap();
        let out = assay_within(
            &dir,
            &["init", ".", "--field", "IF-C341"],
            std::time::Duration::from_secs(60),
        );
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        assert_eq!(out.status.code(), Some(3), "{name}: {}", stderr(&out));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// `assay` with a deadline: a run still going after `limit` is killed and fails the test.
fn assay_within(
    cwd: &std::path::Path,
    args: &[&str],
    limit: std::time::Duration,
) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!(
                "assay {args:?} in {} still ran after {limit:?}",
                cwd.display()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}
