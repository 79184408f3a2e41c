//! `fixtures/cases/<kind>-{pass,fail}/` for the training-set checks of `ml:`: a small labelled
//! sensor table split into train, validation and test (three resources, or one resource with a
//! `split` column and filters), clean or with one planted problem per kind; and the example
//! training set of the catalog, with deliberate leakage and drift.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use arrow::array::{ArrayRef, Float64Array, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;

use crate::fixtures::{BASE_US, write};

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;
const CLASSES: [&str; 3] = ["none", "bearing", "gear"];
const MODES: [&str; 2] = ["run", "idle"];

/// One split's rows.
#[derive(Clone)]
struct Rows {
    machine: Vec<String>,
    ts: Vec<i64>,
    temp: Vec<f64>,
    vib: Vec<f64>,
    mode: Vec<&'static str>,
    fault: Vec<&'static str>,
}

impl Rows {
    fn len(&self) -> usize {
        self.ts.len()
    }

    /// Copies row `from` of `other` (features and label) over row `to`.
    fn copy_features(&mut self, to: usize, other: &Rows, from: usize) {
        self.temp[to] = other.temp[from];
        self.vib[to] = other.vib[from];
        self.mode[to] = other.mode[from];
        self.fault[to] = other.fault[from];
    }
}

/// `n` rows of split `k` (0 train, 1 validation, 2 test): machines of their own, times of their
/// own month, and values on a grid with the same distribution in every split (offset per split,
/// so no two splits share a row by chance).
fn split(k: usize, n: usize, machines: usize, first_machine: usize) -> Rows {
    let offset = [0.5, 0.37, 0.61][k];
    Rows {
        machine: (0..n)
            .map(|i| format!("M{:02}", first_machine + i % machines))
            .collect(),
        ts: (0..n)
            .map(|i| BASE_US + k as i64 * 30 * DAY + i as i64 * HOUR)
            .collect(),
        temp: (0..n)
            .map(|i| 60.0 + 10.0 * (((i * 7) % n) as f64 + offset) / n as f64)
            .collect(),
        vib: (0..n)
            .map(|i| 2.0 + (((i * 11) % n) as f64 + offset) / n as f64)
            .collect(),
        mode: (0..n).map(|i| MODES[usize::from(i % 4 == 0)]).collect(),
        fault: (0..n)
            .map(|i| match i % 20 {
                0..=13 => CLASSES[0],
                14..=16 => CLASSES[1],
                _ => CLASSES[2],
            })
            .collect(),
    }
}

fn batch(r: &Rows, split_column: Option<&str>) -> Result<RecordBatch> {
    let mut fields = vec![
        Field::new("machine_id", DataType::Utf8, false),
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("temp_c", DataType::Float64, false),
        Field::new("vib_mm_s", DataType::Float64, false),
        Field::new("mode", DataType::Utf8, false),
        Field::new("fault", DataType::Utf8, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(r.machine.clone())),
        Arc::new(TimestampMicrosecondArray::from(r.ts.clone()).with_timezone("UTC")),
        Arc::new(Float64Array::from(r.temp.clone())),
        Arc::new(Float64Array::from(r.vib.clone())),
        Arc::new(StringArray::from(r.mode.clone())),
        Arc::new(StringArray::from(r.fault.clone())),
    ];
    if let Some(s) = split_column {
        fields.push(Field::new("split", DataType::Utf8, false));
        columns.push(Arc::new(StringArray::from(vec![s; r.len()])));
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

const HEADER: &str = "assay: 1\nname: case\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: CC0-1.0}]\nsensitivity: public\n";

const FIELDS: &str = "        - {name: machine_id, type: string}\n        - {name: ts, type: timestamp, unit: us, timezone: UTC}\n        - {name: temp_c, type: float64}\n        - {name: vib_mm_s, type: float64}\n        - {name: mode, type: string}\n        - {name: fault, type: string}\n";

/// The three splits as three resources.
fn three_resources() -> String {
    let mut s = String::from("resources:\n");
    for name in ["train", "validation", "test"] {
        s.push_str(&format!(
            "  - name: {name}\n    path: data/{name}.parquet\n    schema:\n      fields:\n{FIELDS}"
        ));
    }
    s
}

/// The cases: kind, the `ml:` block's check line for the passing and the failing case.
const CASES: [(&str, &str, &str); 7] = [
    (
        "split_sizes",
        "{check: split_sizes, train: [0.5, 0.7], validation: [0.1, 0.3], test: [0.1, 0.3]}",
        "{check: split_sizes, train: [0.7, 0.9], validation: [0.05, 0.15], test: [0.1, 0.3]}",
    ),
    (
        "split_leakage",
        "{check: split_leakage}",
        "{check: split_leakage}",
    ),
    (
        "group_leakage",
        "{check: group_leakage}",
        "{check: group_leakage}",
    ),
    (
        "temporal_leakage",
        "{check: temporal_leakage}",
        "{check: temporal_leakage}",
    ),
    (
        "label_balance",
        "{check: label_balance}",
        "{check: label_balance, min_count: 2}",
    ),
    (
        "conflicting_labels",
        "{check: conflicting_labels}",
        "{check: conflicting_labels}",
    ),
    (
        "split_drift",
        "{check: split_drift, severity: error}",
        "{check: split_drift, severity: error}",
    ),
];

pub fn generate(dir: &Path) -> Result<()> {
    let clean = [split(0, 60, 6, 1), split(1, 20, 2, 7), split(2, 20, 2, 9)];
    for (kind, pass, fail) in CASES {
        for (suffix, check) in [("pass", pass), ("fail", fail)] {
            let case = dir.join(format!("{kind}-{suffix}"));
            let _ = std::fs::remove_dir_all(case.join("data"));
            let mut splits = clean.clone();
            if suffix == "fail" {
                plant(kind, &mut splits);
            }
            let mut classes = "[none, bearing, gear]";
            if kind == "label_balance" && suffix == "fail" {
                // A class the data never has.
                classes = "[none, bearing, gear, electrical]";
            }
            let ml_common = format!(
                "  label: {{column: fault, kind: classification, classes: {classes}}}\n  groupBy: [machine_id]\n  time: ts\n  features: [temp_c, vib_mm_s, mode]\n  checks:\n    - {check}\n"
            );
            let manifest = if kind == "split_sizes" {
                // One resource, the splits chosen by a filter on its `split` column.
                let mut all = Vec::new();
                for (name, r) in ["train", "validation", "test"].iter().zip(&splits) {
                    all.push(batch(r, Some(name))?);
                }
                let merged = arrow::compute::concat_batches(&all[0].schema(), &all)?;
                write(&case.join("data/readings.parquet"), &merged, 40)?;
                format!(
                    "{HEADER}resources:\n  - name: readings\n    path: data/readings.parquet\n    schema:\n      fields:\n{FIELDS}        - {{name: split, type: string}}\nml:\n  splits:\n    train: {{resource: readings, filter: \"split = 'train'\"}}\n    validation: {{resource: readings, filter: \"split = 'validation'\"}}\n    test: {{resource: readings, filter: \"split = 'test'\"}}\n{ml_common}"
                )
            } else {
                for (name, r) in ["train", "validation", "test"].iter().zip(&splits) {
                    write(
                        &case.join(format!("data/{name}.parquet")),
                        &batch(r, None)?,
                        40,
                    )?;
                }
                format!(
                    "{HEADER}{}ml:\n  splits: {{train: train, validation: validation, test: test}}\n{ml_common}",
                    three_resources()
                )
            };
            std::fs::write(case.join("dataset.yaml"), manifest)?;
        }
    }
    Ok(())
}

/// One planted problem per kind, at known rows.
fn plant(kind: &str, s: &mut [Rows; 3]) {
    let [train, validation, test] = s;
    match kind {
        // split_sizes fails on the clean shares (60/20/20) against its bounds.
        "split_leakage" => {
            // Test rows 2 and 5 repeat train rows 3 and 8; validation row 4 repeats train row 10.
            test.copy_features(2, train, 3);
            test.copy_features(5, train, 8);
            validation.copy_features(4, train, 10);
        }
        "group_leakage" => {
            // Machine M01 (a train machine) also in test rows 0 to 3.
            for i in 0..4 {
                test.machine[i] = "M01".into();
            }
        }
        "temporal_leakage" => {
            // Test rows 10 and 11 dated inside the train period.
            test.ts[10] = train.ts[5];
            test.ts[11] = train.ts[59];
        }
        // label_balance fails on a declared class that no split has, and `min_count: 2` on
        // test's single gear row:
        "label_balance" => {
            for i in [17, 18] {
                test.fault[i] = "none";
            }
        }
        "conflicting_labels" => {
            // Validation row 6 has train row 14's features (a `bearing` row) labelled `gear`.
            validation.copy_features(6, train, 14);
            validation.fault[6] = "gear";
        }
        "split_drift" => {
            // The test split runs hotter and shakes more: two of four columns drift.
            for i in 0..test.len() {
                test.temp[i] += 15.0;
                test.vib[i] *= 2.0;
            }
        }
        _ => {}
    }
}

/// The catalog's example training set (`catalog/IF-C341/boiler-fault-training`): boiler
/// condition readings labelled with the fault found at the next inspection, split into train,
/// validation and test resources, with deliberate problems for the report to show:
///
/// - test holds two train machines (`M-100101`, `M-100108`): group leakage;
/// - test rows 0 to 11 repeat train rows (features and label): split leakage;
/// - test rows 550 to 554 are dated inside the train period: temporal leakage;
/// - validation rows 0 to 2 repeat train rows' features with another label: conflicting labels;
/// - the test boilers run hotter, shake more and hold less pressure (fouling after the
///   overhaul): three of five columns drift.
pub fn example(dir: &Path) -> Result<()> {
    use crate::fixtures::Rng;
    let mut rng = Rng::new(0xB01_1E2);
    let machine = |i: usize| format!("M-{:06}", 100_101 + i * 7);
    let faults = ["none", "bearing", "seal", "valve"];
    // (machines, rows per machine, first day) per split.
    let plan: [(Vec<usize>, usize, i64); 3] = [
        ((0..14).collect(), 300, 0),
        ((14..17).collect(), 200, 45),
        ((17..20).collect(), 200, 52),
    ];
    let mut splits: Vec<Rows> = Vec::new();
    let mut pressure: Vec<Vec<f64>> = Vec::new();
    for (k, (machines, per, day)) in plan.iter().enumerate() {
        let mut r = Rows {
            machine: Vec::new(),
            ts: Vec::new(),
            temp: Vec::new(),
            vib: Vec::new(),
            mode: Vec::new(),
            fault: Vec::new(),
        };
        let mut p_col = Vec::new();
        for (mi, &m) in machines.iter().enumerate() {
            for j in 0..*per {
                let fault = match rng.f64() {
                    p if p < 0.85 => 0,
                    p if p < 0.91 => 1,
                    p if p < 0.96 => 2,
                    _ => 3,
                };
                let test = k == 2;
                let temp = 78.0
                    + 4.0 * rng.normal()
                    + if fault == 3 { 5.0 } else { 0.0 }
                    + if test { 6.0 } else { 0.0 };
                let vib = (2.5 + 0.6 * rng.normal() + if fault == 1 { 2.0 } else { 0.0 })
                    * if test { 1.3 } else { 1.0 };
                let p = 17.5 + 0.4 * rng.normal()
                    - if fault == 2 { 1.0 } else { 0.0 }
                    - if test { 0.5 } else { 0.0 };
                let mode = match rng.f64() {
                    x if x < 0.80 => "run",
                    x if x < 0.95 => "idle",
                    _ => "startup",
                };
                r.machine.push(machine(m));
                r.ts.push(BASE_US + day * DAY + (j * machines.len() + mi) as i64 * HOUR / 4);
                r.temp.push((temp * 10.0f64).round() / 10.0);
                r.vib.push((vib * 100.0f64).round() / 100.0);
                p_col.push((p * 100.0f64).round() / 100.0);
                r.mode.push(mode);
                r.fault.push(faults[fault]);
            }
        }
        splits.push(r);
        pressure.push(p_col);
    }
    let (train, rest) = splits.split_at_mut(1);
    let (validation, test) = rest.split_at_mut(1);
    let (train, validation, test) = (&train[0], &mut validation[0], &mut test[0]);
    // Two train machines in test, 50 rows each.
    for i in 0..50 {
        test.machine[400 + i] = machine(0);
        test.machine[500 + i] = machine(1);
    }
    // Test rows 0..12 repeat train rows.
    for i in 0..12 {
        test.copy_features(i, train, 37 * i + 5);
        pressure[2][i] = pressure[0][37 * i + 5];
    }
    // Test rows 550..555 inside the train period.
    for i in 550..555 {
        test.ts[i] = train.ts[1_000 + i];
    }
    // Validation rows 0..3: train rows' features, another label.
    for i in 0..3 {
        let from = 11 * i + 2;
        validation.copy_features(i, train, from);
        pressure[1][i] = pressure[0][from];
        validation.fault[i] = if train.fault[from] == "none" {
            "valve"
        } else {
            "none"
        };
    }
    for (k, name) in ["train", "validation", "test"].iter().enumerate() {
        let r = [train, &*validation, &*test][k];
        let b = batch(r, None)?;
        let mut fields: Vec<Field> = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        let mut columns = b.columns().to_vec();
        fields.insert(4, Field::new("pressure_bar", DataType::Float64, false));
        columns.insert(4, Arc::new(Float64Array::from(pressure[k].clone())));
        let b = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?;
        write(&dir.join(format!("data/{name}.parquet")), &b, 2_000)?;
    }
    Ok(())
}
