//! OpenLineage 2-0-2 events: a validation run as a RunEvent pair, and declared lineage as
//! JobEvents.
//!
//! Events are written as JSON Lines (one event per line), the form OpenLineage's file transport
//! uses. Facets follow the official facet schemas; checksums travel in Assay's own dataset facet
//! `assayChecksums`, whose schema is `schemas/openlineage/ChecksumsDatasetFacet.json`.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use assay_model::hex;
use assay_model::lineage::Graph;
use assay_model::manifest::Manifest;
use assay_model::report::{CheckStatus, Report, RunStatus};
use assay_model::{FieldRegistry, LoadedManifest};
use parquet::file::metadata::ParquetMetaDataReader;
use parquet::file::statistics::Statistics;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The OpenLineage core schema the events follow.
pub const SCHEMA_URL: &str = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
/// Schema URL of Assay's checksum facet.
pub const CHECKSUMS_FACET_URL: &str =
    "https://assay.dev/schemas/openlineage/ChecksumsDatasetFacet.json";

fn facet_url(name: &str, version: &str) -> String {
    format!("https://openlineage.io/spec/facets/{version}/{name}.json#/$defs/{name}")
}

/// The producer URI: this tool and version.
pub fn producer() -> String {
    format!(
        "{}/releases/v{}",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    )
}

fn facet(name: &str, version: &str, body: Value) -> Value {
    let mut m = Map::new();
    m.insert("_producer".into(), Value::String(producer()));
    m.insert("_schemaURL".into(), Value::String(facet_url(name, version)));
    if let Value::Object(b) = body {
        m.extend(b);
    }
    Value::Object(m)
}

/// Statistics of one column over every row group of every file, from the footers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnMetric {
    /// Nulls, when every row group records them.
    pub null_count: Option<u64>,
    /// Smallest value, numeric columns with exact statistics only.
    pub min: Option<f64>,
    /// Largest value, numeric columns with exact statistics only.
    pub max: Option<f64>,
}

/// Per-column metrics from the footers of `files` (top-level primitive columns). Files that
/// cannot be read contribute nothing, and a column is reported only with what every row group
/// of every file records.
pub fn column_metrics(files: &[&Path]) -> BTreeMap<String, ColumnMetric> {
    let mut out: BTreeMap<String, (ColumnMetric, bool, bool)> = BTreeMap::new();
    for path in files {
        let Ok(file) = File::open(path) else { continue };
        let Ok(meta) = ParquetMetaDataReader::new().parse_and_finish(&file) else {
            continue;
        };
        let schema = meta.file_metadata().schema_descr();
        for rg in meta.row_groups() {
            for (i, col) in rg.columns().iter().enumerate() {
                let descr = schema.column(i);
                if descr.path().parts().len() != 1 {
                    continue;
                }
                let numeric = descr.logical_type_ref().is_none_or(|l| {
                    matches!(
                        l,
                        parquet::basic::LogicalType::Integer { .. }
                            | parquet::basic::LogicalType::Float16
                    )
                }) && descr.converted_type() == parquet::basic::ConvertedType::NONE
                    || matches!(
                        descr.converted_type(),
                        parquet::basic::ConvertedType::INT_8
                            | parquet::basic::ConvertedType::INT_16
                            | parquet::basic::ConvertedType::INT_32
                            | parquet::basic::ConvertedType::INT_64
                            | parquet::basic::ConvertedType::UINT_8
                            | parquet::basic::ConvertedType::UINT_16
                            | parquet::basic::ConvertedType::UINT_32
                            | parquet::basic::ConvertedType::UINT_64
                    );
                let entry = out.entry(descr.name().to_string()).or_insert((
                    ColumnMetric {
                        null_count: Some(0),
                        ..Default::default()
                    },
                    true,
                    true,
                ));
                let stats = col.statistics();
                match stats.and_then(|s| s.null_count_opt()) {
                    Some(n) => {
                        if let Some(total) = entry.0.null_count.as_mut() {
                            *total += n;
                        }
                    }
                    None => entry.0.null_count = None,
                }
                let unsigned = matches!(
                    descr.logical_type_ref(),
                    Some(parquet::basic::LogicalType::Integer(int)) if !int.is_signed
                ) || matches!(
                    descr.converted_type(),
                    parquet::basic::ConvertedType::UINT_8
                        | parquet::basic::ConvertedType::UINT_16
                        | parquet::basic::ConvertedType::UINT_32
                        | parquet::basic::ConvertedType::UINT_64
                );
                let range = stats.and_then(|s| numeric_range(s, numeric, unsigned));
                match range {
                    Some((lo, hi)) if entry.1 => {
                        entry.0.min = Some(entry.0.min.map_or(lo, |m| m.min(lo)));
                        entry.0.max = Some(entry.0.max.map_or(hi, |m| m.max(hi)));
                    }
                    // An all-null row group has no range and does not spoil the others.
                    None if rg.num_rows() > 0
                        && stats.and_then(|s| s.null_count_opt()) == Some(rg.num_rows() as u64) => {
                    }
                    _ => entry.1 = false,
                }
            }
        }
    }
    out.into_iter()
        .map(|(name, (mut m, range_ok, _))| {
            if !range_ok {
                m.min = None;
                m.max = None;
            }
            (name, m)
        })
        .collect()
}

/// Exact numeric min and max; unsigned columns keep their values in the bits of signed
/// statistics and are read back as unsigned.
fn numeric_range(s: &Statistics, numeric: bool, unsigned: bool) -> Option<(f64, f64)> {
    if !numeric || !s.min_is_exact() || !s.max_is_exact() {
        return None;
    }
    let pair = match s {
        Statistics::Int32(v) if unsigned => {
            (*v.min_opt()? as u32 as f64, *v.max_opt()? as u32 as f64)
        }
        Statistics::Int64(v) if unsigned => {
            (*v.min_opt()? as u64 as f64, *v.max_opt()? as u64 as f64)
        }
        Statistics::Int32(v) => (*v.min_opt()? as f64, *v.max_opt()? as f64),
        Statistics::Int64(v) => (*v.min_opt()? as f64, *v.max_opt()? as f64),
        Statistics::Float(v) => (*v.min_opt()? as f64, *v.max_opt()? as f64),
        Statistics::Double(v) => (*v.min_opt()?, *v.max_opt()?),
        _ => return None,
    };
    (pair.0.is_finite() && pair.1.is_finite()).then_some(pair)
}

/// The dataset digest of the files a report read (`sha256:<hex>`), when every file was read.
pub fn report_digest(report: &Report) -> Option<String> {
    report.digest()
}

/// How to identify and time a validation run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Namespace of the job and the dataset.
    pub namespace: String,
    /// Derive the run id from the inputs instead of at random.
    pub deterministic: bool,
    /// START event time (RFC 3339).
    pub started: String,
    /// COMPLETE/FAIL event time (RFC 3339).
    pub ended: String,
}

/// A run id: random (UUIDv7, time-ordered) or, when `deterministic`, derived from `seed`
/// (UUIDv8 from the first 16 bytes of its sha256).
pub fn run_id(deterministic: bool, seed: &str) -> String {
    if deterministic {
        let h = Sha256::digest(seed.as_bytes());
        let mut b = [0u8; 16];
        b.copy_from_slice(&h[..16]);
        uuid::Uuid::new_v8(b).to_string()
    } else {
        uuid::Uuid::now_v7().to_string()
    }
}

/// The START and COMPLETE (or FAIL) events of one validation run.
pub fn validation_events(
    loaded: &LoadedManifest,
    registry: &FieldRegistry,
    report: &Report,
    metrics: &BTreeMap<String, ColumnMetric>,
    options: &RunOptions,
) -> [Value; 2] {
    let m = &loaded.manifest;
    let digest = report_digest(report);
    let seed = format!(
        "{}\n{}\n{}\n{}",
        report.dataset.manifest_sha256,
        report.dataset.check_set_sha256,
        digest.as_deref().unwrap_or("unread"),
        report.now
    );
    let run_id = run_id(options.deterministic, &seed);
    let job = json!({
        "namespace": options.namespace,
        "name": format!("assay.validate.{}", m.name),
        "facets": {
            "jobType": facet("JobTypeJobFacet", "2-0-4", json!({
                "processingType": "BATCH", "integration": "ASSAY", "jobType": "VALIDATION"
            })),
        }
    });
    let mut facets = dataset_facets(m, registry, digest.as_deref());
    facets.insert(
        "assayChecksums".into(),
        json!({
            "_producer": producer(),
            "_schemaURL": CHECKSUMS_FACET_URL,
            "algorithm": "sha256",
            "digest": digest,
            "files": report.resources.iter().flat_map(|r| r.files.iter()).map(|f| {
                let mut o = Map::new();
                o.insert("path".into(), json!(f.path));
                o.insert("bytes".into(), json!(f.bytes));
                if let Some(s) = &f.sha256 { o.insert("sha256".into(), json!(s)); }
                Value::Object(o)
            }).collect::<Vec<_>>(),
        }),
    );
    let column_metrics = column_metrics_facet(metrics);
    let checks: Vec<&assay_model::report::CheckResult> = report
        .resources
        .iter()
        .flat_map(|r| r.checks.iter())
        .collect();
    let assertions = assertions(report);
    let input = json!({
        "namespace": options.namespace,
        "name": format!("{}/{}", m.field, m.name),
        "facets": facets,
        "inputFacets": {
            "dataQualityMetrics": facet("DataQualityMetricsInputDatasetFacet", "1-0-3", json!({
                "rowCount": report.summary.rows,
                "bytes": report.summary.bytes,
                "fileCount": report.resources.iter().map(|r| r.files.len()).sum::<usize>(),
                "columnMetrics": column_metrics,
            })),
            "dataQualityAssertions": facet("DataQualityAssertionsDatasetFacet", "1-1-0", json!({
                "assertions": assertions,
            })),
        }
    });
    let tests = tests(report);
    let base = |event_type: &str, time: &str, run_facets: Value, with_results: bool| {
        let mut input = input.clone();
        if !with_results && let Some(o) = input.as_object_mut() {
            o.remove("inputFacets");
        }
        json!({
            "eventType": event_type,
            "eventTime": time,
            "producer": producer(),
            "schemaURL": format!("{SCHEMA_URL}#/$defs/RunEvent"),
            "run": {"runId": run_id, "facets": run_facets},
            "job": job,
            "inputs": [input],
            "outputs": [],
        })
    };
    let start = base("START", &options.started, json!({}), false);
    let failed = matches!(report.status, RunStatus::Fail | RunStatus::Error);
    let mut run_facets = Map::new();
    run_facets.insert(
        "test".into(),
        facet("TestRunFacet", "1-0-1", json!({ "tests": tests })),
    );
    if failed {
        let failing: Vec<String> = checks
            .iter()
            .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
            .map(|c| c.name.clone())
            .collect();
        run_facets.insert(
            "errorMessage".into(),
            facet(
                "ErrorMessageRunFacet",
                "1-0-1",
                json!({
                    "message": format!("validation {}: {}", if report.status == RunStatus::Error { "could not read all data" } else { "failed" }, failing.join(", ")),
                    "programmingLanguage": "Rust",
                }),
            ),
        );
    }
    let end = base(
        if failed { "FAIL" } else { "COMPLETE" },
        &options.ended,
        Value::Object(run_facets),
        true,
    );
    [start, end]
}

/// `dataQualityMetrics.columnMetrics`: null counts and bounds per column.
fn column_metrics_facet(metrics: &BTreeMap<String, ColumnMetric>) -> Map<String, Value> {
    metrics
        .iter()
        .map(|(name, c)| {
            let mut o = Map::new();
            if let Some(n) = c.null_count {
                o.insert("nullCount".into(), json!(n));
            }
            if let Some(v) = c.min {
                o.insert("min".into(), json!(v));
            }
            if let Some(v) = c.max {
                o.insert("max".into(), json!(v));
            }
            (name.clone(), Value::Object(o))
        })
        .collect()
}

/// `dataQualityAssertions`: one assertion per check result.
fn assertions(report: &Report) -> Vec<Value> {
    report
        .resources
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
        .map(|(r, c)| {
            let mut o = Map::new();
            o.insert("assertion".into(), json!(c.kind));
            o.insert("success".into(), json!(c.status == CheckStatus::Pass));
            if c.columns.len() == 1 {
                o.insert("column".into(), json!(c.columns[0]));
            }
            o.insert("severity".into(), json!(c.severity.as_str()));
            o.insert("name".into(), json!(format!("{}/{}", r.name, c.name)));
            if let Some(msg) = &c.message {
                o.insert("description".into(), json!(msg));
            }
            o.insert(
                "expected".into(),
                json!(format!("failing fraction <= {}", c.threshold)),
            );
            o.insert(
                "actual".into(),
                json!(format!("{} of {} failing", c.failing, c.evaluated)),
            );
            Value::Object(o)
        })
        .collect()
}

/// The `test` run facet: one test per check result.
fn tests(report: &Report) -> Vec<Value> {
    report
        .resources
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
        .map(|(r, c)| {
            let status = match c.status {
                CheckStatus::Pass => "pass",
                CheckStatus::Warn | CheckStatus::Fail => "fail",
                CheckStatus::Error => "skip",
            };
            let mut o = Map::new();
            o.insert("name".into(), json!(format!("{}/{}", r.name, c.name)));
            o.insert("status".into(), json!(status));
            o.insert("severity".into(), json!(c.severity.as_str()));
            o.insert("type".into(), json!(c.kind));
            if let Some(msg) = &c.message {
                o.insert("description".into(), json!(msg));
            }
            o.insert(
                "expected".into(),
                json!(format!("failing fraction <= {}", c.threshold)),
            );
            o.insert("actual".into(), json!(format!("{}", c.failing_fraction)));
            Value::Object(o)
        })
        .collect()
}

/// Dataset facets from a manifest: schema, version (the digest), dataSource, ownership, tags.
fn dataset_facets(
    m: &Manifest,
    registry: &FieldRegistry,
    digest: Option<&str>,
) -> Map<String, Value> {
    let mut facets = Map::new();
    let columns = |r: &assay_model::Resource| -> Vec<Value> {
        r.schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut o = Map::new();
                o.insert("name".into(), json!(f.name));
                o.insert("type".into(), json!(f.field_type.as_str()));
                if let Some(d) = &f.description {
                    o.insert("description".into(), json!(d));
                }
                o.insert("ordinal_position".into(), json!(i + 1));
                Value::Object(o)
            })
            .collect()
    };
    // One resource: its columns. Several: one entry per resource, its columns nested.
    let fields: Vec<Value> = match m.resources.as_slice() {
        [one] => columns(one),
        many => many
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({"name": r.name, "type": "resource", "ordinal_position": i + 1, "fields": columns(r)})
            })
            .collect(),
    };
    facets.insert(
        "schema".into(),
        facet("SchemaDatasetFacet", "1-2-0", json!({ "fields": fields })),
    );
    if let Some(d) = digest {
        facets.insert(
            "version".into(),
            facet(
                "DatasetVersionDatasetFacet",
                "1-0-1",
                json!({ "datasetVersion": d }),
            ),
        );
    }
    let mut source = Map::new();
    source.insert("name".into(), json!(format!("assay:{}", m.field)));
    if let Some(h) = &m.homepage {
        source.insert("uri".into(), json!(h));
    }
    facets.insert(
        "dataSource".into(),
        facet("DatasourceDatasetFacet", "1-0-1", Value::Object(source)),
    );
    let mut owners = Vec::new();
    for (party, kind) in [(&m.owner, "OWNER"), (&m.steward, "STEWARD")] {
        if let Some(p) = party {
            let who = p
                .email
                .as_ref()
                .map(|e| format!("mailto:{e}"))
                .or_else(|| p.organization.as_ref().map(|o| format!("organization:{o}")))
                .or_else(|| p.name.as_ref().map(|n| format!("user:{n}")));
            if let Some(name) = who {
                owners.push(json!({"name": name, "type": kind}));
            }
        }
    }
    if !owners.is_empty() {
        facets.insert(
            "ownership".into(),
            facet(
                "OwnershipDatasetFacet",
                "1-0-1",
                json!({ "owners": owners }),
            ),
        );
    }
    let mut tags = vec![json!({"key": "field", "value": m.field, "source": "ASSAY"})];
    if let Some(f) = registry.get(&m.field) {
        tags.push(json!({"key": "sector", "value": f.sector, "source": "ASSAY"}));
    }
    tags.push(json!({"key": "sensitivity", "value": m.sensitivity.as_str(), "source": "ASSAY"}));
    facets.insert(
        "tags".into(),
        facet("TagsDatasetFacet", "1-0-0", json!({ "tags": tags })),
    );
    facets
}

/// The declared lineage as OpenLineage JobEvents: one per derived dataset, with its upstreams
/// as inputs and itself as output.
pub fn lineage_events(
    graph: &Graph,
    manifests: &BTreeMap<String, Manifest>,
    registry: &FieldRegistry,
    namespace: &str,
    time: &str,
) -> Vec<Value> {
    let ds = |name: &str| -> Value {
        match manifests.get(name) {
            Some(m) => {
                let digest = graph.node(name).and_then(|n| n.digest.clone());
                json!({
                    "namespace": namespace,
                    "name": format!("{}/{}", m.field, m.name),
                    "facets": dataset_facets(m, registry, digest.as_deref()),
                })
            }
            None => json!({"namespace": namespace, "name": name}),
        }
    };
    let mut out = Vec::new();
    for node in &graph.datasets {
        let parents = graph.parents(&node.name);
        if parents.is_empty() {
            continue;
        }
        let mut job_facets = Map::new();
        if let Some(p) = manifests
            .get(&node.name)
            .and_then(|m| m.lineage.as_ref())
            .and_then(|l| l.process.as_ref())
        {
            if let Some(d) = &p.description {
                job_facets.insert(
                    "documentation".into(),
                    facet(
                        "DocumentationJobFacet",
                        "1-1-0",
                        json!({ "description": d }),
                    ),
                );
            }
            if let Some(code) = &p.code {
                let url = code.strip_prefix("git+").unwrap_or(code);
                let (repo, version) = match url.rsplit_once('@') {
                    Some((r, v)) if !r.ends_with(':') && !v.contains('/') => (r, Some(v)),
                    _ => (url, None),
                };
                let mut o = Map::new();
                o.insert("type".into(), json!("git"));
                o.insert("url".into(), json!(repo));
                o.insert("repoUrl".into(), json!(repo));
                if let Some(v) = version {
                    o.insert("version".into(), json!(v));
                }
                job_facets.insert(
                    "sourceCodeLocation".into(),
                    facet("SourceCodeLocationJobFacet", "1-1-0", Value::Object(o)),
                );
            }
        }
        out.push(json!({
            "eventTime": time,
            "producer": producer(),
            "schemaURL": format!("{SCHEMA_URL}#/$defs/JobEvent"),
            "job": {
                "namespace": namespace,
                "name": format!("assay.derive.{}", node.name),
                "facets": job_facets,
            },
            "inputs": parents.iter().map(|p| ds(p)).collect::<Vec<_>>(),
            "outputs": [ds(&node.name)],
        }));
    }
    out
}

/// Events as JSON Lines.
pub fn to_json_lines(events: &[Value]) -> String {
    let mut s = String::new();
    for e in events {
        s.push_str(&serde_json::to_string(e).expect("JSON values serialize"));
        s.push('\n');
    }
    s
}

/// sha256 hex of a string (for seeds and ids).
pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}
