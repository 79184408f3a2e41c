//! A dataset's entry in the catalog index, and the differences between a lock and the bytes a
//! validation read.

use std::collections::BTreeMap;
use std::path::Path;

use assay_integrity::verify::Difference;
use assay_model::index::{IndexChecks, IndexColumn, IndexEntry, IndexResource};
use assay_model::lock::Lock;
use assay_model::report::Report;
use assay_model::{FieldRegistry, LoadedManifest};

pub(crate) fn rel(catalog: &Path, p: &Path) -> String {
    p.strip_prefix(catalog)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

pub(crate) fn entry(
    registry: &FieldRegistry,
    loaded: &LoadedManifest,
    lock: &Lock,
    report: &Report,
) -> IndexEntry {
    let m = &loaded.manifest;
    let field = registry.get(&m.field);
    let s = &report.summary;
    IndexEntry {
        name: m.name.clone(),
        title: m.title.clone(),
        description: m.description.clone(),
        version: m.version.clone(),
        field: m.field.clone(),
        field_name_en: field.map(|f| f.name_en.clone()).unwrap_or_default(),
        field_name_zh: field.map(|f| f.name_zh.clone()).unwrap_or_default(),
        sector: field.map(|f| f.sector.clone()).unwrap_or_default(),
        owner: m
            .owner
            .as_ref()
            .and_then(|o| o.organization.clone().or(o.name.clone())),
        licenses: m.licenses.iter().map(|l| l.name.clone()).collect(),
        sensitivity: m.sensitivity.as_str().to_string(),
        keywords: m.keywords.clone(),
        columns: m
            .resources
            .iter()
            .flat_map(|r| {
                r.schema.fields.iter().map(move |f| IndexColumn {
                    resource: r.name.clone(),
                    name: f.name.clone(),
                    field_type: f.field_type.as_str().to_string(),
                    unit: f.unit_of_measure.clone(),
                    description: f.description.clone(),
                })
            })
            .collect(),
        resources: lock
            .resources
            .iter()
            .map(|r| IndexResource {
                name: r.name.clone(),
                files: r.files.len() as u64,
                bytes: r.files.iter().map(|f| f.bytes).sum(),
                rows: r.files.iter().map(|f| f.rows).sum(),
                digest: r.digest.clone(),
            })
            .collect(),
        digest: lock.digest.clone(),
        checks: IndexChecks {
            total: s.checks,
            passed: s.passed,
            failed: s.failed,
            warned: s.warned,
            errors: s.errors,
        },
        status: report.status,
        score: report.quality.as_ref().map_or(0.0, |q| q.score),
        grade: report
            .quality
            .as_ref()
            .map_or(assay_model::quality::Grade::D, |q| q.grade),
        last_validated: report.now.clone(),
        derived_from: m
            .lineage
            .as_ref()
            .map(|l| l.derived_from.iter().map(|u| u.dataset.clone()).collect())
            .unwrap_or_default(),
        path: format!("datasets/{}/", m.name),
    }
}

pub(crate) fn joined(differences: &[Difference]) -> String {
    differences
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Files whose bytes, as the validation read them, differ from the lock.
pub(crate) fn content_changes(lock: &Lock, report: &Report) -> Vec<Difference> {
    let locked: BTreeMap<&str, &str> = lock
        .resources
        .iter()
        .flat_map(|r| r.files.iter())
        .map(|f| (f.path.as_str(), f.sha256.as_str()))
        .collect();
    let mut out: Vec<Difference> = report
        .resources
        .iter()
        .flat_map(|r| r.files.iter())
        .filter_map(|f| {
            let actual = f.sha256.as_deref()?;
            let expected = *locked.get(f.path.as_str())?;
            (actual != expected).then(|| Difference::ContentChanged {
                path: f.path.clone(),
                expected: expected.to_string(),
                actual: actual.to_string(),
            })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
