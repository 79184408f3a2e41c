//! `fixtures/cases/<case>/`: one passing and one failing case per check kind. Each case holds a
//! manifest with that one check, a tiny Parquet table (clean or with one planted problem per
//! kind, at a known row) and `expected.json` (blessed by the test, reviewed by a person).

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;

use crate::fixtures::{BASE_US, write};

const ROWS: usize = 20;
const MINUTE: i64 = 60_000_000;

/// The planted problems of the dirty table, by row.
/// - row 3: `value` null; row 7: `value` NaN; row 12: `value` 999 (out of range)
/// - row 4: `end_ts` before `start_ts`; row 8: `parent_id` 9 (no such parent)
/// - row 9: `code` "Z" (not in the set); row 11: `name` "bad name"
/// - row 14: `ts` steps back; row 15: `id` and `code` repeat row 5's
fn table(dirty: bool) -> Result<RecordBatch> {
    let mut id: Vec<i64> = (0..ROWS as i64).collect();
    let mut ts: Vec<i64> = (0..ROWS as i64).map(|i| BASE_US + i * MINUTE).collect();
    let mut code: Vec<&str> = (0..ROWS).map(|i| ["A", "B", "C"][i % 3]).collect();
    let mut value: Vec<Option<f64>> = (0..ROWS).map(|i| Some(10.0 + i as f64)).collect();
    let mut name: Vec<String> = (0..ROWS).map(|i| format!("N-{i:03}")).collect();
    let start: Vec<i64> = ts.clone();
    let mut end: Vec<i64> = ts.iter().map(|t| t + 30_000_000).collect();
    let mut parent: Vec<i64> = (0..ROWS as i64).map(|i| i % 3).collect();
    if dirty {
        value[3] = None;
        value[7] = Some(f64::NAN);
        value[12] = Some(999.0);
        end[4] = start[4] - 10_000_000;
        parent[8] = 9;
        code[9] = "Z";
        name[11] = "bad name".into();
        ts[14] = ts[13] - MINUTE;
        id[15] = 5;
        code[15] = code[5];
    }
    let ts_type = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("ts", ts_type.clone(), false),
        Field::new("code", DataType::Utf8, false),
        Field::new("value", DataType::Float64, true),
        Field::new("name", DataType::Utf8, false),
        Field::new("start_ts", ts_type.clone(), false),
        Field::new("end_ts", ts_type, false),
        Field::new("parent_id", DataType::Int64, false),
    ]));
    let tsa = |v: Vec<i64>| -> ArrayRef {
        Arc::new(arrow::array::TimestampMicrosecondArray::from(v).with_timezone("UTC"))
    };
    Ok(RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from(id)),
            tsa(ts),
            Arc::new(StringArray::from(code)),
            Arc::new(Float64Array::from(value)),
            Arc::new(StringArray::from(name)),
            tsa(start),
            tsa(end),
            Arc::new(Int64Array::from(parent)),
        ],
    )?)
}

fn parents() -> Result<RecordBatch> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("parent_id", DataType::Int64, false),
        Field::new("label", DataType::Utf8, false),
    ]));
    Ok(RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from(vec![0, 1, 2])),
            Arc::new(StringArray::from(vec!["P0", "P1", "P2"])),
        ],
    )?)
}

const HEADER: &str = "assay: 1
name: case
version: 1.0.0
field: IF-C341
licenses: [{name: CC0-1.0}]
sensitivity: public
resources:
  - name: items
    path: data/items.parquet
    schema:
      fields:
        - {name: id, type: int64}
        - {name: ts, type: timestamp, unit: us, timezone: UTC}
        - {name: code, type: string}
        - {name: value, type: float64}
        - {name: name, type: string}
        - {name: start_ts, type: timestamp, unit: us, timezone: UTC}
        - {name: end_ts, type: timestamp, unit: us, timezone: UTC}
        - {name: parent_id, type: int64}
    checks:
";

const PARENTS: &str = "  - name: parents
    path: data/parents.parquet
    schema:
      fields:
        - {name: parent_id, type: int64}
        - {name: label, type: string}
";

/// (kind, check on clean data that passes, check on dirty data that fails). The test runs with
/// `--now` one day after the data starts.
const CASES: [(&str, &str, &str); 18] = [
    (
        "not_null",
        "{check: not_null, column: value}",
        "{check: not_null, column: value}",
    ),
    (
        "unique",
        "{check: unique, column: id}",
        "{check: unique, column: id}",
    ),
    (
        "range",
        "{check: range, column: value, min: 0, max: 100}",
        "{check: range, column: value, min: 0, max: 100}",
    ),
    (
        "in_set",
        "{check: in_set, column: code, values: [A, B, C]}",
        "{check: in_set, column: code, values: [A, B, C]}",
    ),
    (
        "not_in_set",
        "{check: not_in_set, column: code, values: [Z]}",
        "{check: not_in_set, column: code, values: [Z]}",
    ),
    (
        "pattern",
        "{check: pattern, column: name, pattern: 'N-[0-9]{3}'}",
        "{check: pattern, column: name, pattern: 'N-[0-9]{3}'}",
    ),
    (
        "length",
        "{check: length, column: name, min: 5, max: 5}",
        "{check: length, column: name, min: 5, max: 5}",
    ),
    (
        "finite",
        "{check: finite, column: value}",
        "{check: finite, column: value}",
    ),
    (
        "monotonic",
        "{check: monotonic, column: ts, strict: true}",
        "{check: monotonic, column: ts, strict: true}",
    ),
    (
        "row_count",
        "{check: row_count, min: 20, max: 20}",
        "{check: row_count, min: 21}",
    ),
    (
        "unique_key",
        "{check: unique_key, columns: [id, code]}",
        "{check: unique_key, columns: [id, code]}",
    ),
    (
        "freshness",
        "{check: freshness, column: ts, maxAge: P2D}",
        "{check: freshness, column: ts, maxAge: PT1H}",
    ),
    (
        "expression",
        "{check: expression, name: end-after-start, sql: 'end_ts >= start_ts'}",
        "{check: expression, name: end-after-start, sql: 'end_ts >= start_ts'}",
    ),
    (
        "aggregate",
        "{check: aggregate, column: value, stat: max, max: 100}",
        "{check: aggregate, column: value, stat: max, max: 100}",
    ),
    (
        "foreign_key",
        "{check: foreign_key, columns: [parent_id], reference: {resource: parents, columns: [parent_id]}}",
        "{check: foreign_key, columns: [parent_id], reference: {resource: parents, columns: [parent_id]}}",
    ),
    (
        "change",
        "{check: change, metric: row_count, maxChangePct: 10}",
        "{check: change, metric: row_count, maxChangePct: 10}",
    ),
    (
        "anomaly",
        "{check: anomaly, metric: null_rate, column: value, lastRuns: 5, maxZ: 3}",
        "{check: anomaly, metric: null_rate, column: value, lastRuns: 5, maxZ: 3}",
    ),
    // Series by `code` (three interleaved series whose values step by 3 every 3 minutes, and
    // straddle the two row groups), ordered by `ts`, at most 1.5 per minute: the dirty table's
    // 999 at row 12 jumps from its series' previous value and back.
    (
        "rate_of_change",
        "{check: rate_of_change, column: value, max: 1.5, by: [code], orderBy: ts, per: 1min}",
        "{check: rate_of_change, column: value, max: 1.5, by: [code], orderBy: ts, per: 1min}",
    ),
];

/// The history a `change` or `anomaly` case compares with: earlier runs of the same resource,
/// written with fixed times and run ids so the files are the same bytes on every generation.
/// - change: the previous run had 20 rows (pass: 20 now) or 10 (fail: 20 now is +100%);
/// - anomaly: four runs with `value` null rates near 0 (pass: 0 now; fail: 1 of 20 now).
fn history(case: &Path, kind: &str, suffix: &str) -> Result<()> {
    use assay_validate::history::{Entry, append};
    let runs: Vec<(&str, f64)> = match (kind, suffix) {
        ("change", "pass") => vec![("rows", 20.0)],
        ("change", _) => vec![("rows", 10.0)],
        ("anomaly", "pass") => vec![("null_rate", 0.0); 4],
        _ => vec![
            ("null_rate", 0.0),
            ("null_rate", 0.001),
            ("null_rate", 0.0),
            ("null_rate", 0.001),
        ],
    };
    let dir = case.join(assay_validate::history::HISTORY_DIR);
    let _ = std::fs::remove_dir_all(&dir);
    for (i, (metric, value)) in runs.into_iter().enumerate() {
        let day = 86_400_000_000i64;
        append(
            case,
            &[Entry {
                run: format!("case-run-{i}"),
                now_us: BASE_US - (4 - i as i64) * day,
                written_us: BASE_US - (4 - i as i64) * day,
                digest: None,
                resource: "items".into(),
                metric: metric.into(),
                name: if metric == "null_rate" {
                    "value".into()
                } else {
                    String::new()
                },
                value,
            }],
        )
        .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

pub fn generate(dir: &Path) -> Result<()> {
    let clean = table(false)?;
    let dirty = table(true)?;
    let parents = parents()?;
    for (kind, pass, fail) in CASES {
        for (suffix, check, batch) in [("pass", pass, &clean), ("fail", fail, &dirty)] {
            let case = dir.join(format!("{kind}-{suffix}"));
            write(&case.join("data/items.parquet"), batch, 10)?;
            let mut manifest = format!("{HEADER}      - {check}\n");
            if kind == "foreign_key" {
                write(&case.join("data/parents.parquet"), &parents, 10)?;
                manifest.push_str(PARENTS);
            }
            std::fs::write(case.join("dataset.yaml"), manifest)?;
            if kind == "change" || kind == "anomaly" {
                history(&case, kind, suffix)?;
            }
        }
    }
    Ok(())
}
