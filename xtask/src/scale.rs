//! The publish scale benchmark (`bench/publish.sh`): a synthetic catalog of many tiny datasets
//! across the 100 fields, and in-process search latency over a published site.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use arrow::array::{Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use crate::fixtures::{Rng, write};

const WORDS: [&str; 24] = [
    "boiler",
    "turbine",
    "bearing",
    "vibration",
    "furnace",
    "steam",
    "pressure",
    "temperature",
    "welding",
    "robot",
    "spindle",
    "casting",
    "rolling",
    "coating",
    "inspection",
    "defect",
    "energy",
    "metering",
    "pump",
    "valve",
    "compressor",
    "battery",
    "wafer",
    "assembly",
];
const ZH: [&str; 12] = [
    "锅炉",
    "汽轮机",
    "轴承",
    "振动",
    "熔炉",
    "蒸汽",
    "压力",
    "温度",
    "焊接",
    "机器人",
    "检测",
    "缺陷",
];

/// Writes `n` datasets under `dir/catalog/<field>/<name>/`: a manifest and one 50-row file.
pub fn gen_catalog(dir: &Path, n: usize) -> Result<()> {
    let registry = assay_model::FieldRegistry::embedded();
    let fields = registry.fields();
    let mut rng = Rng::new(0xC0FFEE);
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("sensor", DataType::Utf8, false),
        Field::new("value", DataType::Float64, true),
    ]));
    for i in 0..n {
        let f = &fields[i % fields.len()];
        let w1 = WORDS[(rng.next_u64() % WORDS.len() as u64) as usize];
        let w2 = WORDS[(rng.next_u64() % WORDS.len() as u64) as usize];
        let z = ZH[(rng.next_u64() % ZH.len() as u64) as usize];
        let name = format!("{w1}-{w2}-{i:05}");
        let ds = dir.join("catalog").join(&f.code).join(&name);
        let rows = 50;
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(
                    (0..rows).map(|r| i as i64 * 1000 + r),
                )),
                Arc::new(StringArray::from_iter_values(
                    (0..rows).map(|r| format!("{w1}_{}", r % 5)),
                )),
                Arc::new(Float64Array::from_iter(
                    (0..rows).map(|_| Some((rng.next_u64() % 1000) as f64 / 10.0)),
                )),
            ],
        )?;
        write(&ds.join("data/d.parquet"), &batch, 50)?;
        std::fs::write(
            ds.join("dataset.yaml"),
            format!(
                "assay: 1\nname: {name}\ntitle: \"{w1} {w2} data {i}\"\nversion: 1.0.0\nfield: {}\ndescription: \"Synthetic {w1} and {w2} readings for the scale benchmark. {z}数据。\"\nkeywords: [{w1}, {w2}, \"{z}\"]\nlicenses: [{{name: CC-BY-4.0}}]\nowner: {{organization: \"Org {}\", email: data@example.com}}\nsensitivity: internal\nresources:\n  - name: d\n    path: data/d.parquet\n    schema:\n      fields:\n        - {{name: id, type: int64, constraints: {{required: true, unique: true}}}}\n        - {{name: sensor, type: string}}\n        - {{name: value, type: float64, constraints: {{minimum: 0, maximum: 100}}}}\n    checks:\n      - {{check: row_count, min: 1}}\n",
                f.code,
                i % 37
            ),
        )?;
    }
    println!("wrote {n} datasets under {}", dir.join("catalog").display());
    Ok(())
}

/// Runs 1,000 varied queries against a site's search index in-process and prints latency.
pub fn bench_search(site: &Path) -> Result<()> {
    let index: assay_catalog::search::SearchIndex =
        serde_json::from_str(&std::fs::read_to_string(site.join("search-index.json"))?)?;
    let load = Instant::now();
    let prepared = assay_catalog::search::Prepared::new(&index);
    let prepare_ms = load.elapsed().as_secs_f64() * 1e3;
    let mut rng = Rng::new(7);
    let mut times = Vec::new();
    let mut hits = 0usize;
    for i in 0..1000 {
        let w = WORDS[(rng.next_u64() % WORDS.len() as u64) as usize];
        let z = ZH[(rng.next_u64() % ZH.len() as u64) as usize];
        let q = match i % 5 {
            0 => w.to_string(),
            1 => w[..3].to_string(),
            2 => z.to_string(),
            3 => format!(
                "{w} {}",
                WORDS[(rng.next_u64() % WORDS.len() as u64) as usize]
            ),
            _ => format!("{w} data"),
        };
        let mut filters = std::collections::BTreeMap::new();
        if i % 4 == 0 {
            filters.insert("grade".to_string(), vec!["A".to_string()]);
        }
        let t = Instant::now();
        let r = prepared.query(&q, &filters);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        hits += r.hits.len();
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "search docs={} queries=1000 prepare_ms={prepare_ms:.1} p50_ms={:.3} p95_ms={:.3} max_ms={:.3} mean_hits={:.1}",
        index.docs.len(),
        p(0.5),
        p(0.95),
        p(1.0),
        hits as f64 / 1000.0
    );
    Ok(())
}
