//! The 100 field standards as a catalog maintainer holds them: one per field, embedded in step
//! with the catalog, each a distinct, documented, lint-clean shape; and conformance to them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::*;
use crate::check::CheckKind;
use crate::lint::{LintOptions, lint_file};
use crate::registry::FieldRegistry;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn manifests() -> Vec<(&'static Standard, Manifest)> {
    all()
        .iter()
        .map(|s| (s, s.manifest().unwrap_or_else(|e| panic!("{e}"))))
        .collect()
}

#[test]
fn one_standard_per_field_embedded_in_step_with_the_catalog() {
    let registry = FieldRegistry::embedded();
    let codes: Vec<&str> = all().iter().map(|s| s.code).collect();
    let fields: Vec<&str> = registry.fields().iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes, fields,
        "one standard per registry field, in code order"
    );
    // Every manifest of the catalog marked as a standard is embedded, with its current text.
    let mut on_disk = BTreeSet::new();
    for entry in walkdir::WalkDir::new(repo().join("catalog")).max_depth(3) {
        let entry = entry.unwrap();
        if entry.file_name() == "dataset.yaml" {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if text.lines().any(|l| l.trim() == "fieldStandard: true") {
                let rel = entry.path().strip_prefix(repo()).unwrap();
                on_disk.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let embedded: BTreeSet<String> = all().iter().map(|s| s.path.to_string()).collect();
    assert_eq!(
        embedded, on_disk,
        "standards/list.rs is stale; run `cargo xtask standards --list`"
    );
    for (s, m) in manifests() {
        assert_eq!(m.field, s.code, "{}", s.path);
        assert!(m.field_standard, "{}", s.path);
        assert!(
            s.path.starts_with(&format!("catalog/{}/", s.code)),
            "{}",
            s.path
        );
    }
}

#[test]
fn every_standard_lints_clean_and_documents_itself() {
    let registry = FieldRegistry::embedded();
    for (s, m) in manifests() {
        let r = lint_file(
            &repo().join(s.path),
            &registry,
            LintOptions { strict: true },
        );
        assert!(r.diagnostics.is_empty(), "{}: {:#?}", s.path, r.diagnostics);
        let cjk = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert!(
            m.description.as_deref().is_some_and(|d| !cjk(d)),
            "{}",
            s.path
        );
        assert!(m.description_zh.as_deref().is_some_and(cjk), "{}", s.path);
        assert!(m.title_zh.as_deref().is_some_and(cjk), "{}", s.path);
        assert!(
            m.keywords.iter().any(|k| cjk(k)),
            "{}: Chinese keywords",
            s.path
        );
        assert!(
            m.keywords.iter().any(|k| !cjk(k)),
            "{}: English keywords",
            s.path
        );
        assert!(m.scenario.is_some(), "{}: scenario", s.path);
        assert!(!m.standards.is_empty(), "{}: standards drawn on", s.path);
        // At least six checks, two of them domain ranges or code lists (as checks or as column
        // constraints), each with its one-line reason.
        let checks: Vec<&crate::check::Check> =
            m.resources.iter().flat_map(|r| &r.checks).collect();
        assert!(checks.len() >= 6, "{}: {} checks", s.path, checks.len());
        let domain = checks
            .iter()
            .filter(|c| matches!(c.kind, CheckKind::Range(_) | CheckKind::InSet(_)))
            .count()
            + m.resources
                .iter()
                .flat_map(|r| &r.schema.fields)
                .filter(|f| {
                    let c = &f.constraints;
                    c.minimum.is_some() || c.maximum.is_some() || c.enum_values.is_some()
                })
                .count();
        assert!(domain >= 2, "{}: {domain} domain rules", s.path);
        let reasons = reasons(s.text, &m);
        for (r, rs) in m.resources.iter().zip(&reasons) {
            for (c, reason) in r.checks.iter().zip(rs) {
                assert!(
                    reason.as_deref().is_some_and(|x| x.len() > 10),
                    "{}: check `{}` on `{}` has no reason",
                    s.path,
                    c.kind.name(),
                    r.name
                );
            }
        }
        // Measured quantities carry units.
        let units = m
            .resources
            .iter()
            .flat_map(|r| &r.schema.fields)
            .filter(|f| f.unit_of_measure.is_some())
            .count();
        assert!(units >= 1, "{}: no column with a unit", s.path);
    }
}

/// Columns any dataset has: identifiers, times, plant structure, people.
fn generic(name: &str) -> bool {
    const NAMES: [&str; 12] = [
        "id",
        "timestamp",
        "ts",
        "time",
        "date",
        "plant",
        "site",
        "line",
        "operator",
        "shift",
        "batch",
        "lot",
    ];
    NAMES.contains(&name)
        || ["_id", "_no", "_at", "_on", "_time", "_date", "_ts", "_code"]
            .iter()
            .any(|s| name.ends_with(s))
        || ["plant", "line", "operator", "shift"]
            .iter()
            .any(|p| name.starts_with(p))
}

fn column_names(m: &Manifest) -> BTreeSet<&str> {
    m.resources
        .iter()
        .flat_map(|r| &r.schema.fields)
        .map(|f| f.name.as_str())
        .collect()
}

#[test]
fn no_two_standards_share_a_schema_and_each_has_its_fields_own_columns() {
    let all = manifests();
    for (s, m) in &all {
        let label = m.scenario.as_ref().unwrap().label.resource.clone();
        let main = m.resources.iter().find(|r| r.name == label).unwrap();
        let specific: Vec<&str> = main
            .schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .filter(|n| !generic(n))
            .collect();
        assert!(
            main.schema.fields.len() >= 8,
            "{}: `{}` has {} columns",
            s.path,
            main.name,
            main.schema.fields.len()
        );
        assert!(
            specific.len() >= 4,
            "{}: field-specific columns {specific:?}",
            s.path
        );
    }
    let mut worst = (0.0, "", "");
    for (i, (a, ma)) in all.iter().enumerate() {
        let ca = column_names(ma);
        for (b, mb) in &all[i + 1..] {
            let cb = column_names(mb);
            let shared = ca.intersection(&cb).count() as f64;
            // Overlap relative to the smaller set: a renamed copy of a schema cannot hide in a
            // larger one.
            let overlap = shared / ca.len().min(cb.len()) as f64;
            if overlap > worst.0 {
                worst = (overlap, a.code, b.code);
            }
            assert!(
                overlap <= 0.5,
                "{} and {} share {:.0}% of their columns: {:?}",
                a.path,
                b.path,
                overlap * 100.0,
                ca.intersection(&cb).collect::<Vec<_>>()
            );
        }
    }
    eprintln!(
        "largest column overlap: {:.0}% ({} / {})",
        worst.0 * 100.0,
        worst.1,
        worst.2
    );
}

#[test]
fn a_standard_conforms_to_itself_and_a_loosened_copy_does_not() {
    for (_, m) in manifests() {
        assert_eq!(compare(&m, &m), vec![], "{}", m.name);
    }
    let s = get("IF-C345").unwrap().manifest().unwrap();
    let mut m = s.clone();
    let r = &mut m.resources[0];
    let kurtosis = r
        .schema
        .fields
        .iter()
        .position(|f| f.name == "kurtosis")
        .unwrap();
    r.schema.fields.remove(kurtosis);
    let vib = r
        .schema
        .fields
        .iter_mut()
        .find(|f| f.name == "vib_velocity_mm_s")
        .unwrap();
    vib.constraints.maximum = Some(crate::Scalar::Number(80.into()));
    let zone = r
        .schema
        .fields
        .iter_mut()
        .find(|f| f.name == "iso_zone")
        .unwrap();
    zone.constraints.enum_values = Some(vec![
        crate::Scalar::Text("A".into()),
        crate::Scalar::Text("B".into()),
        crate::Scalar::Text("C".into()),
        crate::Scalar::Text("X".into()),
    ]);
    r.schema.primary_key = None;
    let range = r
        .checks
        .iter()
        .position(|c| matches!(c.kind, CheckKind::Range(_)))
        .unwrap();
    r.checks.remove(range);
    // A stricter bound is no deviation.
    let temp = r
        .schema
        .fields
        .iter_mut()
        .find(|f| f.name == "bearing_temp_c")
        .unwrap();
    temp.constraints.maximum = Some(crate::Scalar::Number(100.into()));
    let found: Vec<String> = compare(&m, &s).into_iter().map(|d| d.message).collect();
    let expect = [
        "drops column `kurtosis`",
        "column `vib_velocity_mm_s`: wider range: maximum 80; the standard's is 50",
        "allows codes the standard does not: `X`; removes codes of the standard: `D`",
        "drops the standard's primary key (bearing_id, measured_on)",
        "drops check `range` on `kurtosis`",
    ];
    for e in expect {
        assert!(
            found.iter().any(|f| f.contains(e)),
            "`{e}` not in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
}

#[test]
fn a_copy_that_drops_or_weakens_the_training_set_deviates() {
    let s = get("IF-C13").unwrap().manifest().unwrap();
    let sml = s.ml.clone().expect("IF-C13 declares a training set");
    let messages =
        |m: &Manifest| -> Vec<String> { compare(m, &s).into_iter().map(|d| d.message).collect() };
    // Other split boundaries and features are the dataset's own.
    let mut m = s.clone();
    let ml = m.ml.as_mut().unwrap();
    ml.features.truncate(2);
    ml.splits.train = crate::ml::SplitRef::Resource("shifts".into());
    assert_eq!(messages(&m), Vec::<String>::new());
    // No training set, another label, a training check fewer.
    m.ml = None;
    assert_eq!(
        messages(&m),
        ["drops the standard's training set (`ml:`, label `flour_extraction_pct`)"]
    );
    let mut ml = sml.clone();
    ml.label.as_mut().unwrap().column = "feed_rate_t_h".into();
    let checks = ml.checks.as_mut().unwrap();
    let drift = checks
        .iter()
        .position(|c| c.name() == "split_drift")
        .unwrap();
    checks.remove(drift);
    m.ml = Some(ml);
    assert_eq!(
        messages(&m),
        [
            "the training label differs from the standard's (`flour_extraction_pct`, regression)",
            "drops training check `split_drift` of the standard",
        ]
    );
}

#[test]
fn assay_new_gives_a_conforming_manifest_with_marked_placeholders() {
    let registry = FieldRegistry::embedded();
    let dir = std::env::temp_dir().join(format!("assay-standards-new-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (s, standard) in manifests() {
        let text = new_manifest(s, "my-data").unwrap();
        assert!(text.contains(TODO));
        let path = dir.join("dataset.yaml");
        std::fs::write(&path, &text).unwrap();
        let r = lint_file(&path, &registry, LintOptions::default());
        let m = &r
            .loaded
            .as_ref()
            .unwrap_or_else(|| panic!("{}: {:#?}", s.code, r.diagnostics))
            .manifest;
        assert_eq!(m.name, "my-data");
        assert_eq!(
            m.conforms_to,
            Some(crate::manifest::ConformsTo {
                standard: s.code.into(),
                version: Standard::major(&standard)
            })
        );
        assert!(!m.field_standard);
        assert_eq!(compare(m, &standard), vec![], "{}", s.code);
        // Only warnings: the placeholders, and files not there yet.
        let codes: BTreeSet<&str> = r.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes
                .iter()
                .all(|c| ["placeholder", "no-files"].contains(c)),
            "{}: {:#?}",
            s.code,
            r.diagnostics
        );
        assert!(codes.contains("placeholder"), "{}", s.code);
        // The training set came along, its split boundaries marked as the sample's.
        assert_eq!(m.ml.is_some(), standard.ml.is_some(), "{}", s.code);
        for line in text.lines().filter(|l| l.contains("filter:")) {
            assert!(line.contains(TODO), "{}: {line}", s.code);
        }
        // The reasons came along.
        assert_eq!(reasons(&text, m), reasons(s.text, &standard), "{}", s.code);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
