//! Training-set checks (`ml:`) end to end: the drift statistics agree with scipy on the same
//! data, and filtered splits of one resource give what separate resources give.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;

use crate::support::*;

/// SplitMix64, for data that is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One split: two numeric columns (with ties: `y` is rounded) and a categorical one.
struct Split {
    x: Vec<f64>,
    y: Vec<f64>,
    c: Vec<String>,
}

fn make(rng: &mut Rng, n: usize, shift: f64) -> Split {
    let cats = ["a", "b", "c", "d", "e", "f"];
    Split {
        x: (0..n)
            .map(|_| (0..12).map(|_| rng.f64()).sum::<f64>() - 6.0 + shift)
            .collect(),
        y: (0..n)
            .map(|_| ((rng.f64() * 50.0 + shift * 10.0) * 4.0).round() / 4.0)
            .collect(),
        c: (0..n)
            .map(|_| {
                let u = rng.f64() + shift * 0.1;
                cats[((u * u) * 6.0).min(5.0) as usize].to_string()
            })
            .collect(),
    }
}

fn write_split(path: &Path, s: &Split) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("x", DataType::Float64, false),
        Field::new("y", DataType::Float64, false),
        Field::new("c", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Float64Array::from(s.x.clone())) as ArrayRef,
            Arc::new(Float64Array::from(s.y.clone())),
            Arc::new(StringArray::from(s.c.clone())),
        ],
    )
    .unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// The Python with scipy that `scripts/test.sh` installs into `.venv-test`.
fn python() -> PathBuf {
    let p = repo().join(".venv-test/bin/python");
    assert!(
        p.is_file(),
        "scipy is missing: run the tests with scripts/test.sh, which installs it into .venv-test"
    );
    p
}

const SCIPY: &str = r#"
import json, sys
import numpy as np
from scipy.stats import ks_2samp, wasserstein_distance
from scipy.spatial.distance import jensenshannon
d = json.load(open(sys.argv[1]))
out = {}
for split in ("validation", "test"):
    for col in ("x", "y"):
        a, b = np.array(d["train"][col]), np.array(d[split][col])
        out[f"{split}/{col}/ks"] = float(ks_2samp(a, b).statistic)
        out[f"{split}/{col}/wasserstein"] = float(wasserstein_distance(a, b) / max(np.std(a), 0.001))
    cats = sorted(set(d["train"]["c"]) | set(d[split]["c"]))
    p = [d["train"]["c"].count(k) for k in cats]
    q = [d[split]["c"].count(k) for k in cats]
    out[f"{split}/c/jensenshannon"] = float(jensenshannon(p, q))
print(json.dumps(out))
"#;

#[test]
fn drift_statistics_agree_with_scipy() {
    let dir = temp_dir("ml-scipy");
    let mut rng = Rng(15);
    let train = make(&mut rng, 3000, 0.0);
    let validation = make(&mut rng, 700, 0.05);
    let test = make(&mut rng, 900, 0.8);
    write_split(&dir.join("data/train.parquet"), &train);
    write_split(&dir.join("data/validation.parquet"), &validation);
    write_split(&dir.join("data/test.parquet"), &test);
    let data = serde_json::json!({
        "train": {"x": train.x, "y": train.y, "c": train.c},
        "validation": {"x": validation.x, "y": validation.y, "c": validation.c},
        "test": {"x": test.x, "y": test.y, "c": test.c},
    });
    std::fs::write(dir.join("data.json"), data.to_string()).unwrap();
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(SCIPY)
        .arg(dir.join("data.json"))
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scipy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut compared = 0;
    for metric in ["ks", "wasserstein"] {
        let mut manifest = String::from(
            "assay: 1\nname: drift\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n",
        );
        for r in ["train", "validation", "test"] {
            manifest.push_str(&format!("  - name: {r}\n    path: data/{r}.parquet\n    schema:\n      fields:\n        - {{name: x, type: float64}}\n        - {{name: y, type: float64}}\n        - {{name: c, type: string}}\n"));
        }
        manifest.push_str(&format!("ml:\n  splits: {{train: train, validation: validation, test: test}}\n  checks:\n    - {{check: split_drift, metric: {metric}, categorical_metric: jensenshannon}}\n"));
        std::fs::write(dir.join("dataset.yaml"), manifest).unwrap();
        let (code, doc) = validate_in(&dir, &["--no-history", "--no-cache"]);
        assert!(matches!(code, Some(0) | Some(1)), "{doc}");
        let drift = doc["training"]["drift"].as_array().unwrap();
        assert_eq!(drift.len(), 6, "{drift:?}");
        for row in drift {
            let (split, column, m) = (
                row["split"].as_str().unwrap(),
                row["column"].as_str().unwrap(),
                row["metric"].as_str().unwrap(),
            );
            let ours = row["value"].as_f64().unwrap();
            let theirs = scipy[format!("{split}/{column}/{m}")]
                .as_f64()
                .unwrap_or_else(|| panic!("scipy has no {split}/{column}/{m}"));
            let rel = (ours - theirs).abs() / theirs.abs().max(1e-300);
            assert!(
                rel <= 1e-9,
                "{split} {column} {m}: assay {ours}, scipy {theirs} (relative {rel:e})"
            );
            compared += 1;
        }
        // The shifted test split drifts; the validation split hardly moves.
        let drifted = |split: &str| {
            drift
                .iter()
                .filter(|r| r["split"] == split && r["drifted"] == true)
                .count()
        };
        assert_eq!(drifted("test"), 3, "{drift:?}");
        assert_eq!(drifted("validation"), 0, "{drift:?}");
    }
    assert_eq!(compared, 12);
    std::fs::remove_dir_all(&dir).unwrap();
}
