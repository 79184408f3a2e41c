//! Benchmark data and the decode floor.
//!
//! `cargo xtask bench-data DIR [ROWS]` writes, deterministically, an industrial sensor table of
//! ROWS rows (default 20,000,000; zstd, 1M-row row groups) as `DIR/data/sensors.parquet`, with
//! `DIR/dataset.yaml` declaring ten checks. `cargo xtask decode-floor FILE COL...` decodes the
//! named columns with plain arrow-rs, row groups spread over all cores, and prints the seconds:
//! the floor `assay validate` is compared with.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use arrow::array::{
    ArrayRef, Float64Array, Int32Array, Int64Array, StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use crate::fixtures::{BASE_US, Rng};

const ROW_GROUP: usize = 1_000_000;
const UNITS: [&str; 5] = ["Cel", "bar", "kW", "m3/h", "rpm"];
const STATUS: [&str; 4] = ["RUN", "IDLE", "FAULT", "MAINT"];

const MANIFEST: &str = r#"assay: 1
name: bench-sensors
title: Benchmark industrial sensor table
version: 1.0.0
field: IF-C341
licenses: [{name: CC0-1.0}]
sensitivity: public
resources:
  - name: sensors
    path: data/sensors.parquet
    schema:
      fieldsMatch: exact
      fields:
        - {name: ts, type: timestamp, unit: us, timezone: UTC}
        - {name: plant_id, type: string}
        - {name: line_id, type: int32}
        - {name: machine_id, type: string}
        - {name: sensor, type: string}
        - {name: value, type: float64}
        - {name: unit, type: string}
        - {name: status, type: string}
        - {name: batch_id, type: int64}
        - {name: operator_email, type: string}
    checks:
      - {check: not_null, column: value}
      - {check: range, column: value, min: -50, max: 1500}
      - {check: in_set, column: unit, values: [Cel, bar, kW, m3/h, rpm]}
      - {check: in_set, column: status, values: [RUN, IDLE, FAULT, MAINT]}
      - {check: unique, column: batch_id}
      - {check: pattern, column: machine_id, pattern: '^M-[0-9]{6}$'}
      - {check: pattern, column: operator_email, pattern: '^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$'}
      - {check: row_count, min: 1, max: 100000000}
      - {check: not_null, column: ts}
"#;

/// How a benchmark table departs from the default one (issue 18's variants).
#[derive(Debug, Clone, Copy, Default)]
pub struct Variant {
    /// `batch_id` a random permutation (plus the same 0.01% duplicates) instead of the row
    /// number.
    pub random_keys: bool,
    /// This many files of ROWS rows each, with disjoint keys, as one resource.
    pub files: usize,
    /// `value` in ascending order within each file (nulls first), as a writer that clusters
    /// data produces; `ts` stays ascending too.
    pub sorted: bool,
}

pub fn bench_data(dir: &Path, rows: usize, variant: Variant) -> Result<()> {
    std::fs::create_dir_all(dir.join("data"))?;
    let files = variant.files.max(1);
    let manifest = if files > 1 {
        MANIFEST
            .replace("path: data/sensors.parquet", "path: data/sensors-*.parquet")
            .replace("max: 100000000}", "max: 10000000000}")
    } else {
        MANIFEST.to_string()
    };
    std::fs::write(dir.join("dataset.yaml"), manifest)?;
    for k in 0..files {
        let path = if files > 1 {
            dir.join(format!("data/sensors-{k:02}.parquet"))
        } else {
            dir.join("data/sensors.parquet")
        };
        write_table(&path, rows, k, variant)?;
    }
    Ok(())
}

/// File `k` of a benchmark table: its own random stream, keys and times after file `k - 1`'s.
fn write_table(path: &Path, rows: usize, k: usize, variant: Variant) -> Result<()> {
    let offset = k * rows;
    // A random permutation of the file's keys (Fisher-Yates).
    let perm: Option<Vec<u32>> = variant.random_keys.then(|| {
        let mut p: Vec<u32> = (0..rows as u32).collect();
        let mut rng = Rng::new(7_000_000 + k as u64);
        for i in (1..p.len()).rev() {
            p.swap(i, rng.below(i as u64 + 1) as usize);
        }
        p
    });
    // The file's values, drawn as in the default table, then sorted (nulls first).
    let sorted_values: Option<Vec<Option<f64>>> = variant.sorted.then(|| {
        let mut rng = Rng::new(9_000_000 + k as u64);
        let mut v: Vec<Option<f64>> = (0..rows)
            .map(|_| {
                let p = rng.f64();
                if p < 0.005 {
                    None
                } else if p < 0.006 {
                    Some(2_000.0 + p * 1_000.0)
                } else {
                    Some(20.0 + 400.0 * rng.f64())
                }
            })
            .collect();
        v.sort_by(|a, b| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Less,
            (_, None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => x.total_cmp(y),
        });
        v
    });
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("plant_id", DataType::Utf8, false),
        Field::new("line_id", DataType::Int32, false),
        Field::new("machine_id", DataType::Utf8, false),
        Field::new("sensor", DataType::Utf8, false),
        Field::new("value", DataType::Float64, true),
        Field::new("unit", DataType::Utf8, false),
        Field::new("status", DataType::Utf8, false),
        Field::new("batch_id", DataType::Int64, false),
        Field::new("operator_email", DataType::Utf8, false),
    ]));
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .set_created_by("assay xtask bench-data".to_string())
        .build();
    let file = std::fs::File::create(path).with_context(|| path.display().to_string())?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
    let mut rng = Rng::new(20_000_000 + k as u64);
    let plants: Vec<String> = (0..50).map(|i| format!("P{i:03}")).collect();
    let sensors: Vec<String> = (0..20).map(|i| format!("sensor_{i:02}")).collect();
    let mut start = 0usize;
    while start < rows {
        let n = ROW_GROUP.min(rows - start);
        let mut ts = Vec::with_capacity(n);
        let mut plant = Vec::with_capacity(n);
        let mut line = Vec::with_capacity(n);
        let mut machine = Vec::with_capacity(n);
        let mut sensor = Vec::with_capacity(n);
        let mut value = Vec::with_capacity(n);
        let mut unit = Vec::with_capacity(n);
        let mut status = Vec::with_capacity(n);
        let mut batch = Vec::with_capacity(n);
        let mut email = Vec::with_capacity(n);
        for j in 0..n {
            let i = start + j;
            ts.push(BASE_US + (offset + i) as i64 * 50_000);
            let r = rng.next_u64();
            plant.push(plants[(r % 50) as usize].as_str());
            line.push(((r >> 8) % 12) as i32 + 1);
            machine.push(format!("M-{:06}", (r >> 16) % 1_000_000));
            sensor.push(sensors[((r >> 40) % 20) as usize].as_str());
            let p = rng.f64();
            let drawn = if p < 0.005 {
                None
            } else if p < 0.006 {
                Some(2_000.0 + p * 1_000.0)
            } else {
                Some(20.0 + 400.0 * rng.f64())
            };
            value.push(match &sorted_values {
                Some(v) => v[i],
                None => drawn,
            });
            let q = rng.below(100_000);
            unit.push(if q < 20 {
                "degC"
            } else {
                UNITS[(q % 5) as usize]
            });
            status.push(if q % 997 == 3 {
                "STOPPED"
            } else {
                STATUS[(q % 4) as usize]
            });
            // 0.01% of batch ids repeat the previous row's.
            let key =
                |i: usize| 1_000_000 + (offset + perm.as_ref().map_or(i, |p| p[i] as usize)) as i64;
            batch.push(if q < 10 && i > 0 { key(i - 1) } else { key(i) });
            email.push(if q % 50_000 == 7 {
                format!("operator{}.example.com", q % 100)
            } else {
                format!("operator{}@plant{}.example.com", q % 100, r % 50)
            });
        }
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(TimestampMicrosecondArray::from(ts).with_timezone("UTC")) as ArrayRef,
                Arc::new(StringArray::from(plant)),
                Arc::new(Int32Array::from(line)),
                Arc::new(StringArray::from(machine)),
                Arc::new(StringArray::from(sensor)),
                Arc::new(Float64Array::from(value)),
                Arc::new(StringArray::from(unit)),
                Arc::new(StringArray::from(status)),
                Arc::new(Int64Array::from(batch)),
                Arc::new(StringArray::from(email)),
            ],
        )?;
        writer.write(&batch)?;
        start += n;
    }
    writer.close()?;
    println!("wrote {} ({} rows)", path.display(), rows);
    Ok(())
}

/// The variant the environment asks for: `KEYS=random`, `FILES=N`, `SORTED=1`.
pub fn variant_from_env() -> Variant {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    Variant {
        random_keys: var("KEYS") == "random",
        files: var("FILES").parse().unwrap_or(1),
        sorted: var("SORTED") == "1",
    }
}

pub fn decode_floor(file: &Path, columns: &[String]) -> Result<()> {
    if columns.is_empty() {
        bail!("usage: cargo xtask decode-floor FILE COLUMN...");
    }
    let started = Instant::now();
    let bytes = bytes::Bytes::from(std::fs::read(file)?);
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone())?;
    let row_groups = builder.metadata().num_row_groups();
    let indices: Vec<usize> = columns
        .iter()
        .map(|c| builder.schema().index_of(c))
        .collect::<Result<_, _>>()?;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let rows: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let bytes = bytes.clone();
                let indices = indices.clone();
                s.spawn(move || -> Result<usize> {
                    let mut rows = 0;
                    for rg in (t..row_groups).step_by(threads) {
                        let b = ParquetRecordBatchReaderBuilder::try_new(bytes.clone())?;
                        let mask = ProjectionMask::roots(b.parquet_schema(), indices.clone());
                        for batch in b.with_row_groups(vec![rg]).with_projection(mask).build()? {
                            rows += batch?.num_rows();
                        }
                    }
                    Ok(rows)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("decode thread").unwrap_or(0))
            .sum()
    });
    println!(
        "decode-floor rows={rows} seconds={:.3}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The hashing reference for `bench/hash.sh`: the sha2 crate on one core, (a) over a cached
/// buffer in memory (its pure speed, no I/O) and (b) streaming `files` with a 1 MiB buffer (a
/// plain sha256 of the files).
pub fn sha_floor(files: &[String]) -> Result<()> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    // 1 GiB through a 1 MiB buffer that stays in cache: the hash function's own speed.
    let buf = vec![0x5Au8; 1 << 20];
    let rounds = 1024;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let mut h = Sha256::new();
        for _ in 0..rounds {
            h.update(&buf);
        }
        std::hint::black_box(h.finalize());
        best = best.min(started.elapsed().as_secs_f64());
    }
    let total = buf.len() * rounds;
    println!(
        "sha2-memory bytes={total} seconds={best:.3} gbps={:.3}",
        total as f64 / best / 1e9
    );
    if files.is_empty() {
        return Ok(());
    }
    let started = Instant::now();
    let mut total = 0u64;
    let size: usize = std::env::var("SHA_FLOOR_BUFFER")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1 << 20);
    let mut chunk = vec![0u8; size];
    for f in files {
        let mut file = std::fs::File::open(f).with_context(|| f.clone())?;
        let mut h = Sha256::new();
        loop {
            let n = file.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            h.update(&chunk[..n]);
            total += n as u64;
        }
        std::hint::black_box(h.finalize());
    }
    let s = started.elapsed().as_secs_f64();
    println!(
        "sha2-files bytes={total} seconds={s:.3} gbps={:.3}",
        total as f64 / s / 1e9
    );
    Ok(())
}
