//! In-process tests of the engine: Parquet written from `RecordBatch`es into a temporary
//! dataset, validated through the library, results asserted directly (no binary spawned).

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use assay_model::report::{CheckResult, CheckStatus, Report};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

const MINUTE: i64 = 60_000_000;
const BASE: i64 = 1_748_736_000_000_000;

/// Writes `batch` to `path` with row groups of `row_group_rows`.
mod plans;

fn write(path: &Path, batch: &RecordBatch, row_group_rows: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group_rows))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(path).unwrap(),
        batch.schema(),
        Some(props),
    )
    .unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// A sensor table: `machine` cycles over `machines` series, `ts` one minute per row, `value`
/// from `value(row)`, `id` the row number plus `id_offset`.
fn sensors(
    rows: usize,
    machines: usize,
    id_offset: i64,
    value: impl Fn(usize) -> f64,
) -> RecordBatch {
    let ts_type = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("ts", ts_type, false),
        Field::new("machine", DataType::Utf8, false),
        Field::new("value", DataType::Float64, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            (0..rows as i64).map(|i| i + id_offset),
        )),
        Arc::new(
            TimestampMicrosecondArray::from_iter_values(
                (0..rows as i64).map(|i| BASE + (i + id_offset) * MINUTE),
            )
            .with_timezone("UTC"),
        ),
        Arc::new(StringArray::from_iter_values(
            (0..rows).map(|i| format!("M-{}", i % machines)),
        )),
        Arc::new(Float64Array::from_iter_values((0..rows).map(value))),
    ];
    RecordBatch::try_new(schema, columns).unwrap()
}

const FIELDS: &str = "      fields:
        - {name: id, type: int64}
        - {name: ts, type: timestamp, unit: us, timezone: UTC}
        - {name: machine, type: string}
        - {name: value, type: float64}
";

/// A dataset folder with one resource over `data/*.parquet` and the given checks.
fn dataset(dir: &Path, checks: &[&str]) -> assay_model::LoadedManifest {
    let mut m = String::from(
        "assay: 1\nname: t\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: CC0-1.0}]\nsensitivity: public\nresources:\n  - name: readings\n    path: data/*.parquet\n    schema:\n",
    );
    m.push_str(FIELDS);
    m.push_str("    checks:\n");
    for c in checks {
        m.push_str(&format!("      - {c}\n"));
    }
    std::fs::write(dir.join("dataset.yaml"), m).unwrap();
    assay_model::loaded::load(&dir.join("dataset.yaml")).expect("the manifest loads")
}

fn run(loaded: &assay_model::LoadedManifest, jobs: usize, batch: usize, memory: u64) -> Report {
    let options = assay_validate::Options {
        jobs,
        batch_size: batch,
        memory_limit: memory,
        samples: 5,
        ..Default::default()
    };
    assay_validate::validate(loaded, &options).unwrap()
}

fn check<'a>(report: &'a Report, kind: &str) -> &'a CheckResult {
    report
        .checks()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} result"))
}

/// The same report whatever the threads, the batch size and the memory limit (spilling).
fn assert_stable(loaded: &assay_model::LoadedManifest) -> Report {
    let reference = run(loaded, 1, 65_536, 1 << 30);
    for (jobs, batch, memory) in [(2, 7, 1 << 30), (2, 65_536, 4096), (1, 3, 2048)] {
        let other = run(loaded, jobs, batch, memory);
        assert_eq!(
            serde_json::to_value(&reference).unwrap(),
            serde_json::to_value(&other).unwrap(),
            "jobs {jobs}, batch {batch}, memory {memory}"
        );
    }
    reference
}

#[test]
fn rate_of_change_follows_a_series_across_row_groups_and_files() {
    let dir = tempfile::tempdir().unwrap();
    // Two machines; values climb by 1 per row of each machine. The second file continues
    // both series; its first row of machine M-0 jumps by 50 (a unit slip), its next comes back.
    write(
        &dir.path().join("data/a.parquet"),
        &sensors(40, 2, 0, |i| (i / 2) as f64),
        8,
    );
    write(
        &dir.path().join("data/b.parquet"),
        &sensors(40, 2, 40, |i| {
            (20 + i / 2) as f64 + if i == 0 { 50.0 } else { 0.0 }
        }),
        8,
    );
    let loaded = dataset(
        dir.path(),
        &["{check: rate_of_change, column: value, max: 1, by: [machine], orderBy: ts}"],
    );
    let report = assert_stable(&loaded);
    let c = check(&report, "rate_of_change");
    // 80 rows in 2 series: 78 steps; the jump and the return fail.
    assert_eq!((c.evaluated, c.failing), (78, 2), "{c:?}");
    assert_eq!(c.status, CheckStatus::Fail);
    let rows: Vec<(&str, Option<u64>)> =
        c.samples.iter().map(|s| (s.file.as_str(), s.row)).collect();
    assert_eq!(
        rows,
        [("data/b.parquet", Some(0)), ("data/b.parquet", Some(2))]
    );
    assert!(
        c.samples[0].note.as_deref().is_some_and(|n| n
            .contains("from 19 at data/a.parquet row 38")
            && n.contains("machine=M-0")),
        "{:?}",
        c.samples[0].note
    );
}

#[test]
fn rate_of_change_per_unit_of_time_and_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    // One series in file order, 1 per minute; a 3-per-minute step at row 10.
    write(
        &dir.path().join("data/a.parquet"),
        &sensors(20, 1, 0, |i| i as f64 + if i >= 10 { 2.0 } else { 0.0 }),
        6,
    );
    let loaded = dataset(
        dir.path(),
        &[
            "{check: rate_of_change, name: per-minute, column: value, max: 1.5, orderBy: ts, per: 1min}",
            "{check: rate_of_change, name: per-hour, column: value, max: 90, orderBy: ts, per: 1h}",
            "{check: rate_of_change, name: file-order, column: value, max: 1}",
        ],
    );
    let report = assert_stable(&loaded);
    let by_name = |n: &str| report.checks().find(|c| c.name == n).unwrap().clone();
    assert_eq!(
        (
            by_name("per-minute").failing,
            by_name("per-minute").evaluated
        ),
        (1, 19)
    );
    assert_eq!(by_name("per-minute").samples[0].row, Some(10));
    assert_eq!(
        by_name("per-hour").failing,
        1,
        "3 per minute is 180 per hour"
    );
    assert_eq!(by_name("file-order").failing, 1);
}

#[test]
fn unique_and_monotonic_are_exact_across_row_groups_and_spills() {
    let dir = tempfile::tempdir().unwrap();
    // Ids repeat across the two files (rows 30..40 of b repeat a's), ts steps back once.
    write(
        &dir.path().join("data/a.parquet"),
        &sensors(50, 3, 0, |i| i as f64),
        7,
    );
    write(
        &dir.path().join("data/b.parquet"),
        &sensors(50, 3, 30, |i| i as f64),
        9,
    );
    let loaded = dataset(
        dir.path(),
        &[
            "{check: unique, column: id}",
            "{check: unique_key, columns: [machine, id]}",
            "{check: monotonic, column: ts}",
        ],
    );
    let report = assert_stable(&loaded);
    let unique = check(&report, "unique");
    assert_eq!((unique.evaluated, unique.failing), (100, 20));
    assert_eq!(unique.samples[0].file, "data/b.parquet");
    assert_eq!(unique.samples[0].row, Some(0));
    assert_eq!(
        unique.samples[0].note.as_deref(),
        Some("first seen at data/a.parquet row 30")
    );
    // Order restarts with each file: no failure.
    assert_eq!(check(&report, "monotonic").failing, 0);
}

#[test]
fn nothing_evaluated_is_never_passed() {
    // Regression (issue "privacy and hostile input", item 6): a resource whose only file is
    // truncated, or whose path matches no file, listed its checks as `pass` with 0 rows.
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("data/a.parquet"),
        &sensors(30, 2, 0, |i| i as f64),
        10,
    );
    let path = dir.path().join("data/a.parquet");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let checks = [
        "{check: not_null, column: value}",
        "{check: row_count, min: 1}",
        "{check: unique, column: id}",
        "{check: rate_of_change, column: value, max: 5}",
    ];
    let loaded = dataset(dir.path(), &checks);
    let report = run(&loaded, 2, 1024, 1 << 30);
    for c in report.checks() {
        assert_eq!(c.status, CheckStatus::Error, "{} ({:?})", c.name, c.message);
    }
    assert!(
        report
            .checks()
            .filter(|c| c.kind != "schema")
            .all(|c| c.message.as_deref()
                == Some("not evaluated: none of the resource's 1 file(s) could be read")),
        "{:?}",
        report.checks().map(|c| &c.message).collect::<Vec<_>>()
    );
    std::fs::remove_file(&path).unwrap();
    let report = run(&loaded, 2, 1024, 1 << 30);
    for c in report.checks().filter(|c| c.kind != "schema") {
        assert_eq!(c.status, CheckStatus::Error, "{}", c.name);
        assert_eq!(
            c.message.as_deref(),
            Some("not evaluated: the resource's path matches no file")
        );
    }
    assert!(report.quality.unwrap().grade >= assay_model::quality::Grade::C);
}
