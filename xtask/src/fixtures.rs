//! Deterministic data for the example catalog and the test fixtures.
//!
//! Every value comes from a seeded SplitMix64 generator and fixed base times, and the Parquet
//! writer settings are pinned, so a run writes the same bytes as the last one (the locks of the
//! example catalog depend on it). Run with `cargo xtask fixtures`.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow::array::{
    ArrayRef, BooleanArray, Decimal128Array, Float64Array, Int32Array, Int64Array, StringArray,
    StringDictionaryBuilder, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Int32Type, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

/// SplitMix64: tiny, fast, and the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// Approximately normal (sum of uniforms), mean 0, sd 1.
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.f64()).sum::<f64>() - 6.0
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

/// 2025-06-01T00:00:00Z in microseconds.
pub const BASE_US: i64 = 1_748_736_000_000_000;
const HOUR_US: i64 = 3_600_000_000;

fn props(row_group_rows: usize) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("level 3 is valid"),
        ))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(row_group_rows))
        .set_created_by("assay xtask fixtures".to_string())
        .build()
}

pub fn write(path: &Path, batch: &RecordBatch, row_group_rows: usize) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props(row_group_rows)))?;
    w.write(batch)?;
    w.close()?;
    Ok(())
}

fn ts_field(name: &str, nullable: bool) -> Field {
    Field::new(
        name,
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        nullable,
    )
}

fn ts_array(values: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMicrosecondArray::from(values).with_timezone("UTC"))
}

fn dict_array(values: &[Option<&str>]) -> ArrayRef {
    let mut b = StringDictionaryBuilder::<Int32Type>::new();
    for v in values {
        match v {
            Some(s) => {
                b.append_value(s);
            }
            None => b.append_null(),
        }
    }
    Arc::new(b.finish())
}

fn dict_field(name: &str, nullable: bool) -> Field {
    Field::new(
        name,
        DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        nullable,
    )
}

pub fn generate(root: &Path) -> Result<()> {
    let catalog = root.join("catalog");
    boiler(&catalog.join("IF-C341/boiler-sensor-telemetry"))?;
    boiler_hourly(&catalog.join("IF-C341/boiler-hourly-aggregates"))?;
    pcb(&catalog.join("IF-C397/pcb-aoi-inspection"))?;
    metering(&catalog.join("IF-D44/power-plant-energy-metering"))?;
    steel(&catalog.join("IF-C31/steel-production-batches"))?;
    crate::cases::generate(&root.join("fixtures/cases"))?;
    crate::ml_cases::generate(&root.join("fixtures/cases"))?;
    crate::ml_cases::example(&catalog.join("IF-C341/boiler-fault-training"))?;
    Ok(())
}

const SENSORS: [(&str, f64, f64); 4] = [
    ("furnace_temp", 850.0, 40.0),
    ("steam_temp", 540.0, 8.0),
    ("steam_pressure", 17.5, 0.4),
    ("feedwater_temp", 280.0, 5.0),
];

fn machine_ids() -> Vec<String> {
    (0..12)
        .map(|i| format!("M-{:06}", 100_101 + i * 7))
        .collect()
}

/// Boiler telemetry: two monthly files of readings plus a machine register.
fn boiler(dir: &Path) -> Result<()> {
    let machines = machine_ids();
    let mut rng = Rng::new(0xB011E4);
    for (month, file) in [
        (0i64, "readings-2025-06.parquet"),
        (1, "readings-2025-07.parquet"),
    ] {
        let n = 4_000usize;
        let mut ts = Vec::with_capacity(n);
        let mut mid = Vec::with_capacity(n);
        let mut sensor = Vec::with_capacity(n);
        let mut value = Vec::with_capacity(n);
        let mut status = Vec::with_capacity(n);
        for i in 0..n as i64 {
            // One reading per machine and sensor every 15 minutes, in time order.
            let slot = i / 48;
            let m = ((i / 4) % 12) as usize;
            let s = (i % 4) as usize;
            ts.push(Some(
                BASE_US + month * 30 * 24 * HOUR_US + slot * HOUR_US / 4,
            ));
            mid.push(machines[m].clone());
            sensor.push(SENSORS[s].0);
            let (mean, sd, _) = (SENSORS[s].1, SENSORS[s].2, 0);
            value.push(if rng.chance(0.002) {
                None
            } else {
                Some(((mean + sd * rng.normal()) * 100.0).round() / 100.0)
            });
            status.push(match rng.below(100) {
                0..=89 => "RUN",
                90..=95 => "IDLE",
                96..=98 => "MAINT",
                _ => "FAULT",
            });
        }
        let schema = Arc::new(Schema::new(vec![
            ts_field("ts", false),
            Field::new("machine_id", DataType::Utf8, false),
            dict_field("sensor", false),
            Field::new("value", DataType::Float64, true),
            dict_field("status", false),
        ]));
        let sensor: Vec<Option<&str>> = sensor.into_iter().map(Some).collect();
        let status: Vec<Option<&str>> = status.into_iter().map(Some).collect();
        let batch = RecordBatch::try_new(
            schema,
            vec![
                ts_array(ts),
                Arc::new(StringArray::from(mid)),
                dict_array(&sensor),
                Arc::new(Float64Array::from(value)),
                dict_array(&status),
            ],
        )?;
        write(&dir.join("data").join(file), &batch, 1_000)?;
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("machine_id", DataType::Utf8, false),
        Field::new("model", DataType::Utf8, false),
        Field::new("rated_capacity_t_h", DataType::Float64, false),
        Field::new("commissioned_year", DataType::Int32, false),
    ]));
    let models = ["SZS-35", "DHL-75", "SHL-130"];
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(machines.clone())),
            Arc::new(StringArray::from(
                (0..12).map(|i| models[i % 3]).collect::<Vec<_>>(),
            )),
            Arc::new(Float64Array::from(
                (0..12)
                    .map(|i| [35.0, 75.0, 130.0][i % 3])
                    .collect::<Vec<_>>(),
            )),
            Arc::new(Int32Array::from(
                (0..12).map(|i| 2008 + i).collect::<Vec<_>>(),
            )),
        ],
    )?;
    write(&dir.join("data/machines.parquet"), &batch, 1_000)
}

/// Hourly means derived from the telemetry (the lineage example).
fn boiler_hourly(dir: &Path) -> Result<()> {
    let machines = machine_ids();
    let mut rng = Rng::new(0x40_0E1);
    let mut hour = Vec::new();
    let mut mid = Vec::new();
    let mut sensor = Vec::new();
    let mut mean = Vec::new();
    let mut count = Vec::new();
    for h in 0..(2 * 84) as i64 {
        for m in &machines {
            for s in SENSORS {
                hour.push(Some(BASE_US + h * HOUR_US));
                mid.push(m.clone());
                sensor.push(s.0);
                mean.push(((s.1 + s.2 * rng.normal() / 2.0) * 1000.0).round() / 1000.0);
                count.push(4i64);
            }
        }
    }
    let schema = Arc::new(Schema::new(vec![
        ts_field("hour", false),
        Field::new("machine_id", DataType::Utf8, false),
        Field::new("sensor", DataType::Utf8, false),
        Field::new("mean_value", DataType::Float64, false),
        Field::new("sample_count", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            ts_array(hour),
            Arc::new(StringArray::from(mid)),
            Arc::new(StringArray::from(sensor)),
            Arc::new(Float64Array::from(mean)),
            Arc::new(Int64Array::from(count)),
        ],
    )?;
    write(&dir.join("data/hourly.parquet"), &batch, 4_096)
}

/// Automated optical inspection of PCB assemblies — with deliberate quality problems.
fn pcb(dir: &Path) -> Result<()> {
    let mut rng = Rng::new(0xA01);
    let n = 6_000usize;
    let defect_codes = ["NONE", "BRIDGE", "OPEN", "TOMBSTONE", "MISSING", "SHIFT"];
    let mut board = Vec::with_capacity(n);
    let mut inspected = Vec::with_capacity(n);
    let mut line = Vec::with_capacity(n);
    let mut defect = Vec::with_capacity(n);
    let mut passed = Vec::with_capacity(n);
    let mut solder = Vec::with_capacity(n);
    let mut email = Vec::with_capacity(n);
    for i in 0..n {
        // Problem 1: a few duplicated board serials (re-scans logged as new rows).
        let serial = if i % 997 == 500 { i - 1 } else { i };
        board.push(format!("PCB-{:08}", 20_250_000 + serial));
        inspected.push(Some(BASE_US + i as i64 * 9_000_000));
        line.push(1 + (i % 4) as i32);
        let d = if rng.chance(0.93) {
            0
        } else {
            1 + rng.below(5) as usize
        };
        // Problem 2: an undocumented defect code from a new AOI firmware.
        let code = if i % 1_499 == 1_000 {
            "SOLDER_BALL"
        } else {
            defect_codes[d]
        };
        defect.push(Some(code));
        passed.push(d == 0);
        // Problem 3: solder paste volume out of its physical range, and missing values.
        let v = 100.0 + 8.0 * rng.normal();
        solder.push(if i % 613 == 7 {
            Some(-v)
        } else if rng.chance(0.01) {
            None
        } else {
            Some((v * 10.0).round() / 10.0)
        });
        // Problem 4: malformed operator e-mail addresses.
        let op = i % 5;
        email.push(if i % 1_201 == 33 {
            format!("operator{op}.example.com")
        } else {
            format!("operator{op}@example.com")
        });
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("board_id", DataType::Utf8, false),
        ts_field("inspected_at", false),
        Field::new("line_id", DataType::Int32, false),
        dict_field("defect_code", true),
        Field::new("passed", DataType::Boolean, false),
        Field::new("solder_volume_pct", DataType::Float64, true),
        Field::new("operator_email", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(board)),
            ts_array(inspected),
            Arc::new(Int32Array::from(line)),
            dict_array(&defect),
            Arc::new(BooleanArray::from(passed)),
            Arc::new(Float64Array::from(solder)),
            Arc::new(StringArray::from(email)),
        ],
    )?;
    write(&dir.join("data/aoi-results.parquet"), &batch, 2_000)
}

/// 15-minute interval energy metering at a power plant's export feeders.
fn metering(dir: &Path) -> Result<()> {
    let mut rng = Rng::new(0xE1EC);
    let meters: Vec<String> = (1..=6).map(|i| format!("GEN-{i:02}")).collect();
    let mut meter = Vec::new();
    let mut start = Vec::new();
    let mut end = Vec::new();
    let mut kwh = Vec::new();
    let mut kvarh = Vec::new();
    let mut quality = Vec::new();
    let interval = HOUR_US / 4;
    for k in 0..(24 * 4 * 14) as i64 {
        for m in &meters {
            meter.push(m.clone());
            start.push(Some(BASE_US + k * interval));
            end.push(Some(BASE_US + (k + 1) * interval));
            let base = 75_000.0 + 5_000.0 * rng.normal();
            kwh.push((base * 1000.0).round() as i128); // decimal(14,3)
            kvarh.push(((base * 0.3) * 1000.0).round() as i128);
            quality.push(if rng.chance(0.995) {
                "VALID"
            } else {
                "ESTIMATED"
            });
        }
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("meter_id", DataType::Utf8, false),
        ts_field("interval_start", false),
        ts_field("interval_end", false),
        Field::new("active_energy_kwh", DataType::Decimal128(14, 3), false),
        Field::new("reactive_energy_kvarh", DataType::Decimal128(14, 3), false),
        Field::new("quality_flag", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(meter)),
            ts_array(start),
            ts_array(end),
            Arc::new(Decimal128Array::from(kwh).with_precision_and_scale(14, 3)?),
            Arc::new(Decimal128Array::from(kvarh).with_precision_and_scale(14, 3)?),
            Arc::new(StringArray::from(quality)),
        ],
    )?;
    write(&dir.join("data/intervals.parquet"), &batch, 4_096)
}

/// Heats of a basic-oxygen steel plant: chemistry and tapping data.
fn steel(dir: &Path) -> Result<()> {
    let mut rng = Rng::new(0x57EE1);
    let grades = ["Q235B", "Q345B", "SPHC", "DC01", "HRB400"];
    let n = 1_500usize;
    let mut heat = Vec::with_capacity(n);
    let mut grade = Vec::with_capacity(n);
    let mut start = Vec::with_capacity(n);
    let mut end = Vec::with_capacity(n);
    let mut tonnage = Vec::with_capacity(n);
    let mut carbon = Vec::with_capacity(n);
    let mut manganese = Vec::with_capacity(n);
    let mut tap_temp = Vec::with_capacity(n);
    for i in 0..n as i64 {
        heat.push(format!("H25{:05}", 10_000 + i));
        grade.push(grades[rng.below(5) as usize]);
        let s = BASE_US + i * 40 * 60_000_000;
        start.push(Some(s));
        // A few heats logged with the end before the start (clock swap at shift change).
        let dur = (35 + rng.below(10) as i64) * 60_000_000;
        end.push(Some(if i % 500 == 250 { s - dur } else { s + dur }));
        tonnage.push(21_000 + rng.below(2_000) as i128); // decimal(7,2): 210.00 to 229.99 t
        carbon.push(((0.12 + 0.03 * rng.normal()).abs() * 1000.0).round() / 1000.0);
        manganese.push(((0.9 + 0.2 * rng.normal()).abs() * 100.0).round() / 100.0);
        tap_temp.push((1_640.0 + 15.0 * rng.normal()).round());
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("heat_no", DataType::Utf8, false),
        Field::new("steel_grade", DataType::Utf8, false),
        ts_field("start_ts", false),
        ts_field("end_ts", false),
        Field::new("tonnage_t", DataType::Decimal128(7, 2), false),
        Field::new("carbon_pct", DataType::Float64, false),
        Field::new("manganese_pct", DataType::Float64, false),
        Field::new("tap_temperature_c", DataType::Float64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(heat)),
            Arc::new(StringArray::from(grade)),
            ts_array(start),
            ts_array(end),
            Arc::new(Decimal128Array::from(tonnage).with_precision_and_scale(7, 2)?),
            Arc::new(Float64Array::from(carbon)),
            Arc::new(Float64Array::from(manganese)),
            Arc::new(Float64Array::from(tap_temp)),
        ],
    )?;
    write(&dir.join("data/heats.parquet"), &batch, 1_000)
}
