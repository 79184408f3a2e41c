//! `assay fields`: the registry as a user sees it.

use crate::support::*;

#[test]
fn json_lists_100_unique_fields_with_uncertain_marks() {
    let dir = temp_dir("fields-json");
    // Run outside the repository: the registry is embedded in the binary.
    let out = assay(&dir, &["fields", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 100);
    let codes: std::collections::BTreeSet<_> =
        list.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 100);
    let uncertain = list.iter().filter(|f| f["uncertain"] == true).count();
    let in_source =
        std::fs::read_to_string(repo().join("../shared/reference/industrial-fields.csv"))
            .map(|s| s.lines().filter(|l| l.contains("UNCERTAIN")).count())
            .unwrap_or(uncertain);
    assert_eq!(
        uncertain, in_source,
        "every UNCERTAIN mark of the source is kept"
    );
}

#[test]
fn registry_agrees_with_the_shared_source() {
    // catalog/fields.csv is the shared registry plus Assay's `includes_zh` column.
    let shared = repo().join("../shared/reference/industrial-fields.csv");
    let Ok(source) = std::fs::read_to_string(&shared) else {
        panic!("{} must exist for this test", shared.display());
    };
    let ours = std::fs::read_to_string(repo().join("catalog/fields.csv")).unwrap();
    let mut a = csv::Reader::from_reader(source.as_bytes());
    let mut b = csv::Reader::from_reader(ours.as_bytes());
    let rows_a: Vec<csv::StringRecord> = a.records().map(Result::unwrap).collect();
    let rows_b: Vec<csv::StringRecord> = b.records().map(Result::unwrap).collect();
    assert_eq!(rows_a.len(), rows_b.len());
    for (x, y) in rows_a.iter().zip(&rows_b) {
        let y: Vec<&str> = y.iter().take(x.len()).collect();
        assert_eq!(x.iter().collect::<Vec<_>>(), y);
    }
}

#[test]
fn chinese_and_english_filters_and_one_code() {
    let out = assay(&repo(), &["fields", "机器人"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("IF-C349"), "{}", stdout(&out));
    let out = assay(&repo(), &["fields", "bearing"]);
    let text = stdout(&out);
    assert!(
        text.contains("IF-C345") && text.contains("1 field(s)"),
        "{text}"
    );
    let out = assay(&repo(), &["fields", "IF-C341"]);
    let text = stdout(&out);
    assert!(
        text.contains("锅炉及原动设备制造") && text.contains("C341"),
        "{text}"
    );
    let out = assay(
        &repo(),
        &["fields", "--sector", "energy_utilities", "--format", "json"],
    );
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 3);
    let out = assay(&repo(), &["fields", "--sector", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    let out = assay(&repo(), &["fields", "zzzz-no-such"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn registry_path_overrides_the_embedded_one() {
    let dir = temp_dir("fields-registry");
    let path = dir.join("fields.csv");
    std::fs::write(
        &path,
        "code,name_en,name_zh,sector,gbt4754,isic4,notes,includes_zh\nIF-C341,Boilers,锅炉,equipment_manufacturing,C341,2811,,\n",
    )
    .unwrap();
    let out = assay(
        &dir,
        &[
            "--registry",
            path.to_str().unwrap(),
            "fields",
            "--format",
            "json",
        ],
    );
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 1);
    std::fs::write(&path, "code,name_en\nnot-a-code,x\n").unwrap();
    let out = assay(&dir, &["--registry", path.to_str().unwrap(), "fields"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("fields.csv"), "{}", stderr(&out));
}
