//! One engine's answers, twice (issue 13): every case folder and every example dataset through
//! the local engine and through the checks compiled into DataFusion plans, on an in-process
//! `SessionContext`; the counts, statuses, observed values and samples must be the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assay_model::report::{CheckResult, Sample};
use assay_validate::plans::{Planned, evaluate};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every case folder and every example dataset of the catalog.
fn datasets() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(repo().join("fixtures/cases")).unwrap() {
        out.push(e.unwrap().path());
    }
    for field in std::fs::read_dir(repo().join("catalog")).unwrap() {
        let field = field.unwrap().path();
        if !field.is_dir() {
            continue;
        }
        for d in std::fs::read_dir(&field).unwrap() {
            let d = d.unwrap().path();
            if d.join("dataset.yaml").is_file() {
                out.push(d);
            }
        }
    }
    out.sort();
    out
}

/// What a sample says, but for its row group: the local `unique` names it only for row groups
/// settled on their own.
fn located(
    s: &Sample,
) -> (
    String,
    Option<u64>,
    Vec<String>,
    Vec<String>,
    Option<String>,
) {
    (
        s.file.clone(),
        s.row,
        s.values.clone(),
        s.key.clone(),
        s.note.clone(),
    )
}

fn differences(local: &CheckResult, planned: &CheckResult) -> Vec<String> {
    let mut out = Vec::new();
    if local.status != planned.status {
        out.push(format!(
            "status {:?} vs {:?} ({:?} / {:?})",
            local.status, planned.status, local.message, planned.message
        ));
    }
    if (local.evaluated, local.failing) != (planned.evaluated, planned.failing) {
        out.push(format!(
            "evaluated/failing {}/{} vs {}/{}",
            local.evaluated, local.failing, planned.evaluated, planned.failing
        ));
    }
    if local.observed != planned.observed {
        out.push(format!(
            "observed {:?} vs {:?}",
            local.observed, planned.observed
        ));
    }
    let (a, b): (Vec<_>, Vec<_>) = (
        local.samples.iter().map(located).collect(),
        planned.samples.iter().map(located).collect(),
    );
    if a != b {
        out.push(format!("samples {a:?}\n    vs {b:?}"));
    }
    if local.kind != "unique"
        && local.kind != "unique_key"
        && local
            .samples
            .iter()
            .map(|s| s.row_group)
            .collect::<Vec<_>>()
            != planned
                .samples
                .iter()
                .map(|s| s.row_group)
                .collect::<Vec<_>>()
    {
        out.push("row groups of the samples".into());
    }
    out
}

#[test]
fn the_plans_give_the_local_engines_answers_on_every_case_and_example() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let registry = assay_model::registry::FieldRegistry::embedded();
    let (now_us, now_text) =
        assay_validate::dataset::reference_time(Some("2025-06-01T00:00:00Z")).unwrap();
    let options = assay_validate::Options {
        now_us,
        now_text,
        samples: 5,
        ..Default::default()
    };
    let mut compared: BTreeMap<String, usize> = BTreeMap::new();
    let mut local_only: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut wrong = Vec::new();
    for dir in datasets() {
        let name = dir
            .strip_prefix(repo())
            .unwrap_or(&dir)
            .display()
            .to_string();
        let Ok(loaded) = assay_validate::dataset::load(&dir, &registry) else {
            skipped.push(format!("{name}: does not load"));
            continue;
        };
        let report = assay_validate::validate(&loaded, &options).unwrap();
        let ctx = datafusion::prelude::SessionContext::new();
        let planned = rt.block_on(evaluate(&ctx, &loaded, &options)).unwrap();
        for pr in planned {
            let local = report.resources.iter().find(|r| r.name == pr.name).unwrap();
            // A resource with an unreadable file: the local engine reports on the others, the
            // plans on none (one table of all files); not comparable by design.
            if local.files.iter().any(|f| f.error.is_some()) {
                skipped.push(format!("{name}/{}: a file cannot be read", pr.name));
                continue;
            }
            for p in pr.checks {
                match p {
                    Planned::Local { kind, .. } => *local_only.entry(kind).or_default() += 1,
                    Planned::Result(c) => {
                        let l = local.checks.iter().find(|l| l.name == c.name).unwrap();
                        let d = differences(l, &c);
                        if d.is_empty() {
                            *compared.entry(c.kind.clone()).or_default() += 1;
                        } else {
                            wrong.push(format!("{name}/{}/{}: {}", pr.name, c.name, d.join("; ")));
                        }
                    }
                }
            }
        }
    }
    eprintln!("equal, by kind: {compared:?}");
    eprintln!("not compiled, by kind: {local_only:?}");
    eprintln!("skipped: {skipped:#?}");
    assert!(
        wrong.is_empty(),
        "{} checks differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    for kind in [
        "not_null",
        "range",
        "in_set",
        "not_in_set",
        "pattern",
        "length",
        "finite",
        "expression",
        "row_count",
        "freshness",
        "unique",
        "unique_key",
        "foreign_key",
        "aggregate",
    ] {
        assert!(
            compared.get(kind).copied().unwrap_or(0) >= 2,
            "{kind}: compared {:?} times",
            compared.get(kind)
        );
    }
}
