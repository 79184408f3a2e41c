//! Training-set checks (`ml:`) end to end: the drift statistics agree with scipy on the same
//! data, and filtered splits of one resource give what separate resources give.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;

use crate::support::*;

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
    write_parquet(
        path,
        vec![
            ("x", Arc::new(Float64Array::from(s.x.clone())) as ArrayRef),
            ("y", Arc::new(Float64Array::from(s.y.clone()))),
            ("c", Arc::new(StringArray::from(s.c.clone()))),
        ],
    );
}

/// One Parquet file of the named, non-null columns.
fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), false))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
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

/// The catalog's example training set shows its planted leakage and drift in the text, JSON
/// and HTML reports.
#[test]
fn the_example_training_set_shows_its_leakage_and_drift_everywhere() {
    let dir = temp_dir("ml-example");
    let copy = dir.join("boiler-fault-training");
    crate::integrity::copy_tree(&repo().join("catalog/IF-C341/boiler-fault-training"), &copy);
    let (code, doc) = validate_in(&copy, &["--no-history", "--no-cache"]);
    assert_eq!(code, Some(1));
    let training = &doc["training"];
    let status = |kind: &str| {
        training["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind}"))
            .clone()
    };
    // As planted by `cargo xtask fixtures` (xtask/src/ml_cases.rs): 12 test rows and 3
    // validation rows repeat train rows, 2 train machines in test, 5 test rows in the train
    // period, 3 of 5 test columns drift.
    assert_eq!(status("split_leakage")["failing"], 15);
    assert_eq!(status("split_leakage")["status"], "fail");
    assert_eq!(status("group_leakage")["failing"], 2);
    assert_eq!(status("temporal_leakage")["failing"], 5);
    assert_eq!(status("conflicting_labels")["status"], "fail");
    assert_eq!(status("split_drift")["status"], "warn");
    assert_eq!(status("label_balance")["status"], "pass");
    let drifted: Vec<&str> = training["drift"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["drifted"] == true)
        .map(|d| d["column"].as_str().unwrap())
        .collect();
    assert_eq!(drifted, ["pressure_bar", "temp_c", "vib_mm_s"]);
    let sample = &status("group_leakage")["samples"][0];
    assert_eq!(sample["file"], "data/test.parquet");
    assert_eq!(sample["row"], 400);
    // Text.
    let out = assay(&copy, &["validate", ".", "--no-history", "--no-cache"]);
    let text = stdout(&out);
    assert!(
        text.contains("training readiness: train 4200 rows"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("group_leakage") && l.contains("FAIL") && l.contains("M-100101")),
        "{text}"
    );
    assert!(text.contains("test `temp_c` wasserstein"), "{text}");
    // HTML, as a browser renders it.
    let html = dir.join("report.html");
    let out = assay(
        &copy,
        &[
            "report",
            ".",
            "--format",
            "html",
            "--out",
            html.to_str().unwrap(),
            "--now",
            "2025-08-01T00:00:00Z",
        ],
    );
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        stderr(&out)
    );
    let url = format!("file://{}", html.display());
    let dom = crate::quality::chromium_run(&dir.join("profile"), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<section id=\"training\">"),
        "no training section"
    );
    assert_eq!(
        dom.matches("class=\"label-bar\"").count(),
        12,
        "4 labels × 3 splits"
    );
    assert_eq!(
        dom.matches("<tr class=\"status-fail\"><td>test</td>")
            .count(),
        3
    );
    assert!(
        dom.contains(">split_leakage <code>split_leakage</code>"),
        "the check in the table"
    );
    // The dataset is internal: a report that leaves the engineer's terminal shows no value of
    // the training section, in samples, notes, labels or the latest train time.
    let out = assay(
        &copy,
        &[
            "report",
            ".",
            "--format",
            "json",
            "--now",
            "2025-08-01T00:00:00Z",
        ],
    );
    let redacted = stdout(&out);
    let doc: serde_json::Value = serde_json::from_str(&redacted).unwrap();
    assert_eq!(doc["training"]["checks"].as_array().unwrap().len(), 7);
    for value in ["M-100101", "2025-07-14T17:45:00Z", "\"bearing\"", "`none`"] {
        assert!(!redacted.contains(value), "{value} in the published report");
    }
    assert!(redacted.contains("[redacted "));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `assay split` writes splits that pass every leakage check of the `ml:` block it prints, and
/// the same seed gives the same bytes.
#[test]
fn split_is_leak_free_by_construction_and_repeatable() {
    let dir = temp_dir("ml-split");
    // 30 machines with interleaved times; some rows repeat another machine's features.
    let n = 3_000usize;
    let mut rng = Rng(7);
    let machine: Vec<String> = (0..n).map(|i| format!("M{:02}", i % 30)).collect();
    let ts: Vec<i64> = (0..n as i64)
        .map(|i| 1_748_736_000_000_000 + i * 60_000_000)
        .collect();
    let mut temp: Vec<f64> = (0..n).map(|_| rng.f64() * 100.0).collect();
    for i in (0..n).step_by(97).skip(1) {
        temp[i] = temp[i - 50];
    }
    let fault: Vec<&str> = (0..n)
        .map(|i| ["none", "wear"][usize::from(i % 7 == 0)])
        .collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("machine_id", DataType::Utf8, false),
        Field::new(
            "ts",
            DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("temp_c", DataType::Float64, false),
        Field::new("fault", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(machine)) as ArrayRef,
            Arc::new(arrow::array::TimestampMicrosecondArray::from(ts).with_timezone("UTC")),
            Arc::new(Float64Array::from(temp)),
            Arc::new(StringArray::from(fault)),
        ],
    )
    .unwrap();
    let base = "assay: 1\nname: split\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nscenario: {kind: predictive-maintenance, title: Wear, task: classification, label: {resource: readings, column: fault}}\nresources:\n  - name: readings\n    path: data/readings.parquet\n    schema:\n      fields:\n        - {name: machine_id, type: string}\n        - {name: ts, type: timestamp, unit: us, timezone: UTC}\n        - {name: temp_c, type: float64}\n        - {name: fault, type: string}\n";
    for (case, args) in [
        ("by", &["--by", "machine_id"][..]),
        ("time", &["--time", "ts"]),
        ("both", &["--by", "machine_id", "--time", "ts"]),
        ("neither", &[]),
    ] {
        let mut files = Vec::new();
        for copy in ["a", "b"] {
            let d = dir.join(format!("{case}-{copy}"));
            std::fs::create_dir_all(d.join("data")).unwrap();
            std::fs::write(d.join("dataset.yaml"), base).unwrap();
            let mut w = ArrowWriter::try_new(
                std::fs::File::create(d.join("data/readings.parquet")).unwrap(),
                schema.clone(),
                None,
            )
            .unwrap();
            w.write(&batch).unwrap();
            w.close().unwrap();
            let out = assay(&d, &[&["split", ".", "--seed", "11"], args].concat());
            assert_eq!(out.status.code(), Some(0), "{case}: {}", stderr(&out));
            // The printed block, added to the manifest: its resources after the original one.
            let printed = stdout(&out);
            let (resources, ml) = printed.split_at(printed.find("ml:\n").unwrap());
            let manifest = format!("{base}{}{ml}", resources.trim_start_matches("resources:\n"));
            std::fs::write(d.join("dataset.yaml"), manifest).unwrap();
            let (code, doc) = validate_in(&d, &["--no-history", "--no-cache"]);
            for c in doc["training"]["checks"].as_array().unwrap() {
                if c["kind"].as_str().unwrap().ends_with("leakage") {
                    assert_eq!(c["status"], "pass", "{case}: {c}");
                    assert!(c["evaluated"].as_u64().unwrap() > 0, "{case}: {c}");
                }
            }
            let kinds: Vec<&str> = doc["training"]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["kind"].as_str().unwrap())
                .collect();
            assert!(kinds.contains(&"split_leakage"), "{case}: {kinds:?}");
            if case != "neither" && case != "time" {
                assert!(kinds.contains(&"group_leakage"), "{case}: {kinds:?}");
            }
            if case != "neither" && case != "by" {
                assert!(kinds.contains(&"temporal_leakage"), "{case}: {kinds:?}");
            }
            assert!(matches!(code, Some(0) | Some(1)), "{case}: {doc}");
            let rows: u64 = doc["training"]["splits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["rows"].as_u64().unwrap())
                .sum();
            // Repeated features that would cross a split are left out, and said.
            assert!(
                rows <= n as u64 && rows > n as u64 * 9 / 10,
                "{case}: {rows}"
            );
            files.push(
                ["train", "validation", "test"]
                    .map(|s| std::fs::read(d.join(format!("data/splits/{s}.parquet"))).unwrap()),
            );
        }
        assert!(
            files[0] == files[1],
            "{case}: the same seed gives the same bytes"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_lock_binds_the_training_set() {
    let dir = temp_dir("ml-lock");
    let copy = dir.join("boiler-fault-training");
    crate::integrity::copy_tree(&repo().join("catalog/IF-C341/boiler-fault-training"), &copy);
    let verify = |want: i32| {
        let out = assay(&copy, &["verify", "."]);
        assert_eq!(out.status.code(), Some(want), "{}", stdout(&out));
        stdout(&out)
    };
    verify(0);
    // A split's definition changed after locking: the lock no longer holds.
    let manifest = std::fs::read_to_string(copy.join("dataset.yaml")).unwrap();
    let edited = manifest.replacen("  time: ts\n", "  time: ts\n  features: [temp_c]\n", 1);
    assert_ne!(edited, manifest);
    std::fs::write(copy.join("dataset.yaml"), &edited).unwrap();
    assert!(verify(1).contains("changed since locking"));
    // Locked again, it holds.
    let out = assay(&copy, &["lock", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    verify(0);
}

#[test]
fn a_small_memory_limit_spills_and_changes_no_result() {
    let dir = temp_dir("ml-spill");
    let copy = dir.join("boiler-fault-training");
    crate::integrity::copy_tree(&repo().join("catalog/IF-C341/boiler-fault-training"), &copy);
    let run = |extra: &[&str]| {
        let mut args = vec!["--no-history", "--no-cache"];
        args.extend_from_slice(extra);
        let (code, doc) = validate_in(&copy, &args);
        assert_eq!(code, Some(1));
        doc["training"].clone()
    };
    let whole = run(&["--memory-limit", "1GiB"]);
    assert!(whole["checks"].as_array().unwrap().len() >= 7);
    // 64 KiB: the 5,400 compared rows (32 bytes each, 173 KB) pass their quarter (16 KiB)
    // and go to disk in partitions; the drift values (4 columns, 8 bytes a value) pass their
    // eighth and go to disk in sorted runs.
    for extra in [
        &["--memory-limit", "64KiB"][..],
        &["--memory-limit", "64KiB", "--jobs", "1"],
        &["--memory-limit", "200KB", "--jobs", "3"],
    ] {
        assert_eq!(run(extra), whole, "{extra:?}");
    }
}

/// The example's three split files as one resource with a `fold` column, split by filters, its
/// rows written test first and train last: the resource is read once, the train rows arrive
/// last, and every check finds what it finds on the three files (the same counts, verdicts,
/// drift and sample values; the samples located in the one file).
#[test]
fn splits_of_one_resource_read_once_find_what_separate_files_find() {
    use arrow::array::Int64Array;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let example = repo().join("catalog/IF-C341/boiler-fault-training");
    let dir = temp_dir("ml-one-resource");
    let mut batches = Vec::new();
    let mut offsets = [0i64; 3];
    let mut rows = 0i64;
    for (fold, name) in ["train", "validation", "test"].iter().enumerate().rev() {
        offsets[fold] = rows;
        let file = std::fs::File::open(example.join(format!("data/{name}.parquet"))).unwrap();
        for b in ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap()
        {
            let b = b.unwrap();
            let mut fields: Vec<Field> = b
                .schema()
                .fields()
                .iter()
                .map(|f| f.as_ref().clone())
                .collect();
            fields.push(Field::new("fold", DataType::Int64, false));
            let mut columns = b.columns().to_vec();
            columns.push(Arc::new(Int64Array::from(vec![fold as i64; b.num_rows()])));
            rows += b.num_rows() as i64;
            batches.push(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap());
        }
    }
    std::fs::create_dir_all(dir.join("data")).unwrap();
    // Small row groups, so the three splits' rows arrive in many batches.
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(500))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(dir.join("data/all.parquet")).unwrap(),
        batches[0].schema(),
        Some(props),
    )
    .unwrap();
    for b in &batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
    let manifest = std::fs::read_to_string(example.join("dataset.yaml")).unwrap();
    let head = manifest[..manifest.find("resources:").unwrap()]
        .replace("label: {resource: train,", "label: {resource: readings,");
    let fields = &manifest
        [manifest.find("      fields:").unwrap()..manifest.find("  - name: validation").unwrap()];
    let ml = &manifest[manifest.find("ml:").unwrap()..];
    // `fold`, which the filters read, is not a feature by default (it would drift, by
    // construction).
    let ml = ml.replace(
        "splits: {train: train, validation: validation, test: test}",
        "splits:\n    train: {resource: readings, filter: fold = 0}\n    validation: {resource: readings, filter: fold = 1}\n    test: {resource: readings, filter: fold = 2}",
    );
    std::fs::write(
        dir.join("dataset.yaml"),
        format!(
            "{head}resources:\n  - name: readings\n    path: data/all.parquet\n    schema:\n{fields}        - {{name: fold, type: int64}}\n{ml}"
        ),
    )
    .unwrap();
    // A misspelt filter column, and a filter that is not boolean: lint errors, located.
    let good = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    for (bad, says) in [
        ("filter: fold = 1}", "did you mean `fold`?"),
        ("filter: fold + 1}", "it is Int64, not a boolean"),
    ] {
        let broken = good.replace("filter: fold = 1}", &bad.replace("fold =", "flod ="));
        std::fs::write(dir.join("dataset.yaml"), &broken).unwrap();
        let out = assay(&dir, &["lint", "."]);
        assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
        let text = stdout(&out);
        assert!(
            text.contains("error[ml-filter]: the filter of the validation split")
                && text.contains(says),
            "{text}"
        );
    }
    std::fs::write(dir.join("dataset.yaml"), &good).unwrap();
    let copy = temp_dir("ml-three-files");
    crate::integrity::copy_tree(&example, &copy);
    let args = ["--no-history", "--no-cache", "--reveal"];
    let (_, one) = validate_in(&dir, &args);
    let (_, three) = validate_in(&copy, &args);
    let (one, three) = (&one["training"], &three["training"]);
    assert_eq!(one["drift"], three["drift"]);
    for (a, b) in one["splits"]
        .as_array()
        .unwrap()
        .iter()
        .zip(three["splits"].as_array().unwrap())
    {
        assert_eq!(a["rows"], b["rows"]);
        assert_eq!(a["labels"], b["labels"]);
    }
    let checks = |t: &serde_json::Value| t["checks"].as_array().unwrap().clone();
    let mut with_samples = 0;
    for (a, b) in checks(one).iter().zip(&checks(three)) {
        let kind = a["kind"].as_str().unwrap();
        for key in ["kind", "status", "evaluated", "failing", "observed"] {
            assert_eq!(a[key], b[key], "{kind} {key}");
        }
        let none = Vec::new();
        let samples = |c: &serde_json::Value| c["samples"].as_array().unwrap_or(&none).clone();
        let (sa, sb) = (samples(a), samples(b));
        assert_eq!(sa.len(), sb.len(), "{kind}");
        for (x, y) in sa.iter().zip(&sb) {
            assert_eq!(x["values"], y["values"], "{kind}");
            assert_eq!(x["file"], "data/all.parquet");
            // The same row: its number in the one file is its split's offset plus its number
            // in the split's file.
            let fold = [
                "data/train.parquet",
                "data/validation.parquet",
                "data/test.parquet",
            ]
            .iter()
            .position(|f| *f == y["file"])
            .unwrap();
            assert_eq!(
                x["row"].as_i64().unwrap(),
                offsets[fold] + y["row"].as_i64().unwrap(),
                "{kind}"
            );
        }
        with_samples += usize::from(!sa.is_empty());
    }
    // Leakage of rows, groups and time, and conflicts: each found and located.
    assert!(with_samples >= 4, "{one}");
}

/// A numeric code listed in `categorical` is compared by its category shares, not as a number;
/// a listed column that is not there is a lint error.
#[test]
fn numeric_codes_drift_as_categories_when_declared() {
    use arrow::array::Int32Array;
    let dir = temp_dir("ml-codes");
    // Line 1, 2, 3 in train (50/30/20%), and 40/30/30% in test.
    let write = |name: &str, counts: [usize; 3]| {
        let line: Vec<i32> = (0..3).flat_map(|l| vec![l as i32 + 1; counts[l]]).collect();
        write_parquet(
            &dir.join(format!("data/{name}.parquet")),
            vec![("line", Arc::new(Int32Array::from(line)) as ArrayRef)],
        );
    };
    write("train", [500, 300, 200]);
    write("test", [400, 300, 300]);
    let manifest = |drift: &str| {
        format!(
            "assay: 1\nname: codes\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{{name: MIT}}]\nsensitivity: public\nresources:\n  - name: train\n    path: data/train.parquet\n    schema: {{fields: [{{name: line, type: int32}}]}}\n  - name: test\n    path: data/test.parquet\n    schema: {{fields: [{{name: line, type: int32}}]}}\nml:\n  splits: {{train: train, test: test}}\n  checks:\n    - {drift}\n"
        )
    };
    let row = |drift: &str| {
        std::fs::write(dir.join("dataset.yaml"), manifest(drift)).unwrap();
        let (_, doc) = validate_in(&dir, &["--no-history", "--no-cache"]);
        doc["training"]["drift"][0].clone()
    };
    let as_number = row("{check: split_drift}");
    assert_eq!(as_number["metric"], "wasserstein");
    let as_code = row("{check: split_drift, categorical: [line]}");
    assert_eq!(as_code["metric"], "jensenshannon");
    // The Jensen–Shannon distance of (0.5, 0.3, 0.2) and (0.4, 0.3, 0.3), natural logarithm.
    let (p, q) = ([0.5f64, 0.3, 0.2], [0.4f64, 0.3, 0.3]);
    let kl = |a: &[f64; 3], m: &[f64; 3]| (0..3).map(|i| a[i] * (a[i] / m[i]).ln()).sum::<f64>();
    let m = [0.45, 0.3, 0.25];
    let js = ((kl(&p, &m) + kl(&q, &m)) / 2.0).sqrt();
    assert!(
        (as_code["value"].as_f64().unwrap() - js).abs() < 1e-12,
        "{as_code}"
    );
    // A code column that is not there.
    std::fs::write(
        dir.join("dataset.yaml"),
        manifest("{check: split_drift, categorical: [shift]}"),
    )
    .unwrap();
    let out = assay(&dir, &["lint", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(":17:42: error[unknown-column]: column `shift`"),
        "{}",
        stdout(&out)
    );
}

/// A classification label with a value per row (an identifier declared as the label) under a
/// small memory limit: its classes are not counted, `label_balance` says why, and the other
/// checks finish.
#[test]
fn a_label_with_too_many_classes_stops_label_balance_not_the_run() {
    let dir = temp_dir("ml-many-classes");
    let write = |name: &str, from: usize, n: usize| {
        write_parquet(
            &dir.join(format!("data/{name}.parquet")),
            vec![
                (
                    "x",
                    Arc::new(Float64Array::from(
                        (from..from + n)
                            .map(|i| (i % 97) as f64)
                            .collect::<Vec<_>>(),
                    )) as ArrayRef,
                ),
                (
                    "id",
                    Arc::new(StringArray::from(
                        (from..from + n)
                            .map(|i| format!("ID-{i:06}"))
                            .collect::<Vec<_>>(),
                    )),
                ),
            ],
        );
    };
    write("train", 0, 4000);
    write("test", 4000, 1000);
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: ids\nversion: 1.0.0\nfield: IF-C341\nlicenses: [{name: MIT}]\nsensitivity: public\nresources:\n  - name: train\n    path: data/train.parquet\n    schema: {fields: [{name: x, type: float64}, {name: id, type: string}]}\n  - name: test\n    path: data/test.parquet\n    schema: {fields: [{name: x, type: float64}, {name: id, type: string}]}\nml:\n  splits: {train: train, test: test}\n  label: {column: id, kind: classification}\n",
    )
    .unwrap();
    let status = |limit: &str| {
        let (_, doc) = validate_in(
            &dir,
            &["--no-history", "--no-cache", "--memory-limit", limit],
        );
        doc["training"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["kind"].as_str().unwrap().to_string(), c.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    // With room, the 5,000 classes are counted: each is rarer than 0.1 / K.
    let roomy = status("1GiB");
    assert_eq!(roomy["label_balance"]["status"], "fail");
    // 64 KiB: a quarter is 16 KiB, 48 bytes a class.
    let small = status("64KiB");
    assert_eq!(small["label_balance"]["status"], "error");
    assert!(
        small["label_balance"]["message"]
            .as_str()
            .unwrap()
            .contains("the label's classes were not counted: over a limit"),
        "{}",
        small["label_balance"]
    );
    for kind in ["split_sizes", "split_leakage", "conflicting_labels"] {
        assert_eq!(small[kind]["status"], roomy[kind]["status"], "{kind}");
        assert_eq!(small[kind]["failing"], roomy[kind]["failing"], "{kind}");
    }
    // Drift compares the label's categories too: those stop it the same way.
    assert_eq!(small["split_drift"]["status"], "error");
}
