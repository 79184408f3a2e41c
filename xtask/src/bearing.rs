//! The bearing scenario of issue 20: 50,000 rows of vibration data from a bearing test rig with
//! planted defects, as a new user wrote it. `cargo xtask bearing DIR` writes it; the CLI's
//! end-to-end test includes this file (`#[path]`) and writes the same bytes, so the data is never
//! committed.
//!
//! Planted defects, each at rows chosen by a fixed-seed generator:
//!
//! | defect | rows | column |
//! |---|--:|---|
//! | nulls | 40 | `temperature` |
//! | a 487 mm/s spike | 1 | `vibration_rms` |
//! | negative RMS | 3 | `vibration_rms` |
//! | logged in °F, not °C | 360 | `temperature` |
//! | another rig's serials (`RIG-B-…`) | 25 | `serial` |
//! | label typos (`OR_SEVRE`) | 4 | `label` |
//! | negative loads | 12 | `load_kn` |
//! | duplicate serials | 30 | `serial` |
//!
//! `manufacture_date` is a date of the part, not of the reading: a freshness check on it is wrong.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray};
use arrow::array::{Int32Array, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

/// Rows in the scenario.
pub const ROWS: usize = 50_000;
/// Rows logged in °F.
pub const FAHRENHEIT_ROWS: usize = 360;
/// The spike, mm/s.
pub const SPIKE: f64 = 487.0;
/// The label typo.
pub const TYPO: &str = "OR_SEVRE";
/// The classes.
pub const LABELS: [&str; 6] = [
    "NORMAL",
    "IR_MILD",
    "IR_SEVERE",
    "OR_MILD",
    "OR_SEVERE",
    "BALL_FAULT",
];

/// SplitMix64: small, fixed, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    /// `k` distinct row numbers, sorted.
    fn rows(&mut self, k: usize, taken: &mut [bool]) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let r = self.below(taken.len());
            if !taken[r] {
                taken[r] = true;
                out.push(r);
            }
        }
        out.sort_unstable();
        out
    }
}

/// The scenario as one record batch.
pub fn batch() -> RecordBatch {
    let mut rng = Rng(20);
    let n = ROWS;
    // 2026-03-01T00:00:00Z, one reading a minute.
    let start_us: i64 = 1_772_323_200_000_000;
    let ts: Vec<i64> = (0..n as i64).map(|i| start_us + i * 60_000_000).collect();
    let mut serial: Vec<String> = (0..n).map(|i| format!("RIG-A-{:06}", i + 1)).collect();
    let rig: Vec<i32> = vec![1; n];
    let mfg: Vec<i32> = (0..n)
        // 2019-01-01 (day 17897) to about 2023.
        .map(|_| 17_897 + rng.below(1_500) as i32)
        .collect();
    let label: Vec<usize> = (0..n)
        .map(|_| {
            let u = rng.unit();
            match u {
                u if u < 0.55 => 0,
                u if u < 0.65 => 1,
                u if u < 0.73 => 2,
                u if u < 0.83 => 3,
                u if u < 0.91 => 4,
                _ => 5,
            }
        })
        .collect();
    let mut rms: Vec<f64> = label
        .iter()
        .map(|&l| {
            let base = [1.8, 3.0, 5.5, 3.2, 6.0, 4.2][l];
            (base * (0.25 * rng.normal()).exp() * 1000.0).round() / 1000.0
        })
        .collect();
    let mut temp: Vec<Option<f64>> = (0..n)
        .map(|_| Some(((58.0 + 4.0 * rng.normal()) * 10.0).round() / 10.0))
        .collect();
    let mut load: Vec<f64> = (0..n)
        .map(|_| ((12.0 + 2.5 * rng.normal()).max(2.0) * 100.0).round() / 100.0)
        .collect();
    let mut labels: Vec<String> = label.iter().map(|&l| LABELS[l].to_string()).collect();

    // One contiguous run in °F (a logger configured for another site), kept apart from the
    // other defects so each is counted exactly.
    let f_start = 31_000;
    let mut taken = vec![false; n];
    for t in taken.iter_mut().skip(f_start).take(FAHRENHEIT_ROWS) {
        *t = true;
    }
    for r in rng.rows(40, &mut taken) {
        temp[r] = None;
    }
    let spike = rng.rows(1, &mut taken);
    rms[spike[0]] = SPIKE;
    for r in rng.rows(3, &mut taken) {
        rms[r] = -rms[r];
    }
    for c in temp
        .iter_mut()
        .skip(f_start)
        .take(FAHRENHEIT_ROWS)
        .flatten()
    {
        *c = ((*c * 1.8 + 32.0) * 10.0).round() / 10.0;
    }
    for r in rng.rows(25, &mut taken) {
        serial[r] = format!("RIG-B-{:05}", rng.below(99_999));
    }
    for r in rng.rows(4, &mut taken) {
        labels[r] = TYPO.to_string();
    }
    for r in rng.rows(12, &mut taken) {
        load[r] = -(load[r] - 0.5);
    }
    for r in rng.rows(30, &mut taken) {
        serial[r] = serial[(r + 1 + rng.below(100)) % n].clone();
    }

    let schema = Arc::new(Schema::new(vec![
        Field::new("serial", DataType::Utf8, false),
        Field::new("rig", DataType::Int32, false),
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("manufacture_date", DataType::Date32, false),
        Field::new("vibration_rms", DataType::Float64, false),
        Field::new("temperature", DataType::Float64, true),
        Field::new("load_kn", DataType::Float64, false),
        Field::new("label", DataType::Utf8, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(serial)),
        Arc::new(Int32Array::from(rig)),
        Arc::new(TimestampMicrosecondArray::from(ts).with_timezone("UTC")),
        Arc::new(Date32Array::from(mfg)),
        Arc::new(Float64Array::from(rms)),
        Arc::new(Float64Array::from(temp)),
        Arc::new(Float64Array::from(load)),
        Arc::new(StringArray::from(labels)),
    ];
    RecordBatch::try_new(schema, columns).expect("the columns match the schema")
}

/// Writes `DIR/vibration.parquet`.
pub fn write(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join("vibration.parquet");
    let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let batch = batch();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(10_000))
        .set_created_by("assay xtask bearing".into())
        .build();
    let mut w =
        ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(|e| e.to_string())?;
    w.write(&batch).map_err(|e| e.to_string())?;
    w.close().map_err(|e| e.to_string())?;
    Ok(())
}
