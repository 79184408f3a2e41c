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
