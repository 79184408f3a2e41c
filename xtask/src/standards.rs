//! `cargo xtask standards [CODE...]`: the field standards' samples. For each
//! `xtask/standards/<CODE>/sample.yaml` it writes, beside the standard's manifest
//! `catalog/<CODE>/<dataset>/dataset.yaml`, a deterministic synthetic sample per resource and
//! the lock.
//!
//! `sample.yaml` gives each resource a row count and its columns in generation order; a column
//! is one of `seq`, `time`, `cycle`, `pick`, `choice`, `normal`, `uniform`, `lognormal`, or `sql`
//! (a DataFusion expression over the columns before it), optionally clipped (`min`, `max`),
//! rounded (`decimals`) and thinned (`nulls`, a share). Columns whose names start with `_` are
//! not written. Values are cast to the manifest's declared types. Randomness is a SplitMix64
//! stream seeded by field, resource and column, so the same spec gives the same bytes.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use assay_model::check::IsoDuration;
use assay_model::manifest::{Field as Declared, FieldType};
use serde_json::Value;

/// SplitMix64: small, fast and enough for synthetic samples.
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// `{:07}` / `{}` in `format` filled with `n`.
fn fill(format: &str, n: i64) -> String {
    if let Some(a) = format.find("{:0")
        && let Some(b) = format[a..].find('}')
    {
        let width: usize = format[a + 3..a + b].parse().unwrap_or(0);
        return format!("{}{:0width$}{}", &format[..a], n, &format[a + b + 1..]);
    }
    format.replacen("{}", &n.to_string(), 1)
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// Generates the sample of every field standard (or of `codes`).
pub fn generate(root: &Path, codes: &[String]) -> Result<()> {
    let dir = root.join("xtask/standards");
    let mut all: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("sample.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    all.sort();
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let mut failed = Vec::new();
    for code in all.iter().filter(|c| codes.is_empty() || codes.contains(c)) {
        if let Err(e) = runtime.block_on(one(root, &dir.join(code), code)) {
            eprintln!("error: {code}: {e:#}");
            failed.push(code.clone());
        }
    }
    write_list(root)?;
    if !failed.is_empty() {
        bail!(
            "{} field standard(s) not generated: {}",
            failed.len(),
            failed.join(", ")
        );
    }
    Ok(())
}

async fn one(root: &Path, src: &Path, code: &str) -> Result<()> {
    // The manifests' YAML rules: `Y`, `N`, `NO` stay text.
    let spec: Value = assay_model::source::parse(&std::fs::read(src.join("sample.yaml"))?)
        .map_err(|e| anyhow!("sample.yaml: {}", e.message))?
        .value;
    let name = spec["dataset"]
        .as_str()
        .ok_or_else(|| anyhow!("sample.yaml: no `dataset`"))?;
    let out = root.join("catalog").join(code).join(name);
    let staged = assay_model::loaded::load(&out.join("dataset.yaml"))
        .map_err(|d| anyhow!("{}: {}", out.display(), d[0]))?;
    for r in &staged.manifest.resources {
        let rspec = spec
            .pointer(&format!("/resources/{}", r.name))
            .ok_or_else(|| anyhow!("sample.yaml has no resource `{}`", r.name))?;
        let rows = rspec["rows"]
            .as_u64()
            .ok_or_else(|| anyhow!("`{}`: no rows", r.name))?;
        let batch = resource(code, &r.name, rows as usize, rspec, &r.schema.fields).await?;
        let path = r
            .path
            .patterns()
            .first()
            .map(|p| out.join(p))
            .ok_or_else(|| anyhow!("`{}` has no path", r.name))?;
        crate::fixtures::write(&path, &batch, rows as usize)?;
    }
    let loaded = assay_model::loaded::load(&out.join("dataset.yaml"))
        .map_err(|d| anyhow!("dataset.yaml: {}", d[0]))?;
    let lock = assay_integrity::lock::compute(&loaded, 1).map_err(|e| anyhow!("lock: {e}"))?;
    assay_integrity::lock::write_atomic(
        &assay_integrity::lock::lock_path(&loaded),
        lock.to_json().as_bytes(),
    )
    .map_err(|e| anyhow!("lock: {e}"))?;
    println!("wrote {}", out.display());
    Ok(())
}

/// One resource's sample, in the declared columns' order and types.
async fn resource(
    code: &str,
    name: &str,
    rows: usize,
    spec: &Value,
    declared: &[Declared],
) -> Result<RecordBatch> {
    let columns = spec["columns"]
        .as_object()
        .ok_or_else(|| anyhow!("`{name}`: no columns"))?;
    let mut made: Vec<(String, ArrayRef)> = Vec::new();
    for (col, spec_of) in columns {
        let mut rng = Rng::new(&format!("{code}/{name}/{col}"));
        let array = column(col, spec_of, rows, &made, &mut rng)
            .await
            .with_context(|| format!("column `{col}`"))?;
        let array = finish(array, spec_of, &mut rng)?;
        made.push((col.clone(), array));
    }
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for f in declared {
        let (_, a) = made
            .iter()
            .find(|(n, _)| *n == f.name)
            .ok_or_else(|| anyhow!("`{name}`: no generator for column `{}`", f.name))?;
        let t = arrow_type(f)?;
        let a = cast(a, &t).with_context(|| format!("`{}` as {t}", f.name))?;
        fields.push(Field::new(&f.name, t, true));
        arrays.push(a);
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

fn arrow_type(f: &Declared) -> Result<DataType> {
    Ok(match f.field_type {
        FieldType::String | FieldType::LargeString => DataType::Utf8,
        FieldType::Bool | FieldType::Boolean => DataType::Boolean,
        FieldType::Int8 => DataType::Int8,
        FieldType::Int16 => DataType::Int16,
        FieldType::Int32 => DataType::Int32,
        FieldType::Int64 | FieldType::Integer => DataType::Int64,
        FieldType::Float32 => DataType::Float32,
        FieldType::Float64 | FieldType::Number => DataType::Float64,
        FieldType::Date => DataType::Date32,
        FieldType::Timestamp | FieldType::Datetime => {
            DataType::Timestamp(TimeUnit::Microsecond, f.timezone.clone().map(|z| z.into()))
        }
        other => bail!("type `{}` is not generated", other.as_str()),
    })
}

/// One column before clipping, rounding and nulls.
async fn column(
    col: &str,
    spec_of: &Value,
    rows: usize,
    made: &[(String, ArrayRef)],
    rng: &mut Rng,
) -> Result<ArrayRef> {
    let (kind, p) = spec_of
        .as_object()
        .and_then(|o| {
            o.iter()
                .find(|(k, _)| !matches!(k.as_str(), "min" | "max" | "decimals" | "nulls"))
        })
        .ok_or_else(|| anyhow!("no generator"))?;
    let start = p.get("start").and_then(Value::as_i64).unwrap_or(1);
    let format = p.get("format").and_then(Value::as_str).unwrap_or("{}");
    let count = p.get("count").and_then(Value::as_i64).unwrap_or(1).max(1);
    Ok(match kind.as_str() {
        "seq" => Arc::new(StringArray::from_iter_values(
            (0..rows as i64).map(|i| fill(format, start + i)),
        )),
        "cycle" => Arc::new(StringArray::from_iter_values(
            (0..rows as i64).map(|i| fill(format, start + i % count)),
        )),
        "pick" => {
            Arc::new(StringArray::from_iter_values((0..rows).map(|_| {
                fill(format, start + (rng.next() % count as u64) as i64)
            })))
        }
        "time" => {
            let t0 = p["start"]
                .as_str()
                .ok_or_else(|| anyhow!("time: no start"))?;
            let t0: ArrayRef = Arc::new(StringArray::from(vec![t0]));
            let t0 = cast(
                &t0,
                &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            )?;
            let t0 = cast(&t0, &DataType::Int64)?;
            let t0 = t0
                .as_any()
                .downcast_ref::<Int64Array>()
                .map(|a| a.value(0))
                .ok_or_else(|| anyhow!("time: bad start"))?;
            let step = IsoDuration::parse(p["step"].as_str().unwrap_or("PT1H"))
                .map_err(|e| anyhow!(e))?
                .seconds as i64
                * 1_000_000;
            let every = p.get("every").and_then(Value::as_i64).unwrap_or(1).max(1);
            Arc::new(
                TimestampMicrosecondArray::from_iter_values(
                    (0..rows as i64).map(|i| t0 + (i / every) * step),
                )
                .with_timezone("UTC"),
            )
        }
        "choice" => choice(p, rows, rng)?,
        "normal" | "uniform" | "lognormal" => {
            let (a, b) = match kind.as_str() {
                "normal" => (num(p, "mean").unwrap_or(0.0), num(p, "sd").unwrap_or(1.0)),
                "lognormal" => (num(p, "mu").unwrap_or(0.0), num(p, "sigma").unwrap_or(1.0)),
                _ => (num(p, "min").unwrap_or(0.0), num(p, "max").unwrap_or(1.0)),
            };
            let values: Vec<f64> = (0..rows)
                .map(|_| match kind.as_str() {
                    "normal" => a + b * rng.normal(),
                    "lognormal" => (a + b * rng.normal()).exp(),
                    _ => a + (b - a) * rng.unit(),
                })
                .collect();
            let mut arr: ArrayRef = Arc::new(Float64Array::from(values));
            // Clipping and rounding inside the distribution's own spec.
            arr = clip(arr, num(p, "min"), num(p, "max"), p.get("decimals"))?;
            arr
        }
        "sql" => sql(col, p.as_str().unwrap_or_default(), rows, made).await?,
        other => bail!("unknown generator `{other}`"),
    })
}

fn choice(p: &Value, rows: usize, rng: &mut Rng) -> Result<ArrayRef> {
    let values = p["values"]
        .as_array()
        .ok_or_else(|| anyhow!("choice: no values"))?;
    let weights: Vec<f64> = match p.get("weights").and_then(Value::as_array) {
        Some(w) => w.iter().map(|x| x.as_f64().unwrap_or(0.0)).collect(),
        None => vec![1.0; values.len()],
    };
    let total: f64 = weights.iter().sum();
    let picks: Vec<&Value> = (0..rows)
        .map(|_| {
            let mut x = rng.unit() * total;
            for (v, w) in values.iter().zip(&weights) {
                if x < *w {
                    return v;
                }
                x -= w;
            }
            &values[values.len() - 1]
        })
        .collect();
    Ok(if values.iter().all(Value::is_boolean) {
        Arc::new(BooleanArray::from(
            picks.iter().map(|v| v.as_bool()).collect::<Vec<_>>(),
        ))
    } else if values.iter().all(Value::is_number) {
        Arc::new(Float64Array::from(
            picks.iter().map(|v| v.as_f64()).collect::<Vec<_>>(),
        ))
    } else {
        Arc::new(StringArray::from_iter(picks.iter().map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        })))
    })
}

/// A DataFusion expression over the columns made so far.
async fn sql(col: &str, expr: &str, rows: usize, made: &[(String, ArrayRef)]) -> Result<ArrayRef> {
    use datafusion::prelude::SessionContext;
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = if made.is_empty() {
        (
            vec![Field::new("__row", DataType::Int64, false)],
            vec![Arc::new(Int64Array::from_iter_values(0..rows as i64)) as ArrayRef],
        )
    } else {
        made.iter()
            .map(|(n, a)| (Field::new(n, a.data_type().clone(), true), a.clone()))
            .unzip()
    };
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?;
    let ctx = SessionContext::new();
    ctx.register_batch("t", batch)?;
    let out = ctx
        .sql(&format!("SELECT {expr} AS \"{col}\" FROM t"))
        .await?
        .collect()
        .await?;
    let parts: Vec<&dyn Array> = out.iter().map(|b| b.column(0).as_ref()).collect();
    Ok(arrow::compute::concat(&parts)?)
}

/// Clips numbers to [min, max], rounds to `decimals`.
fn clip(
    a: ArrayRef,
    min: Option<f64>,
    max: Option<f64>,
    decimals: Option<&Value>,
) -> Result<ArrayRef> {
    if min.is_none() && max.is_none() && decimals.is_none() {
        return Ok(a);
    }
    let f = cast(&a, &DataType::Float64)?;
    let f = f
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| anyhow!("not numeric"))?;
    let scale = decimals
        .and_then(Value::as_i64)
        .map(|d| 10f64.powi(d as i32));
    let out: Float64Array = f
        .iter()
        .map(|v| {
            v.map(|mut x| {
                if let Some(lo) = min {
                    x = x.max(lo);
                }
                if let Some(hi) = max {
                    x = x.min(hi);
                }
                match scale {
                    Some(s) => (x * s).round() / s,
                    None => x,
                }
            })
        })
        .collect();
    Ok(Arc::new(out))
}

/// The column-level `min`, `max`, `decimals` and `nulls` of a generator.
fn finish(a: ArrayRef, spec_of: &Value, rng: &mut Rng) -> Result<ArrayRef> {
    let numeric = a.data_type().is_numeric();
    let a = if numeric {
        clip(
            a,
            num(spec_of, "min"),
            num(spec_of, "max"),
            spec_of.get("decimals"),
        )?
    } else {
        a
    };
    let Some(share) = num(spec_of, "nulls") else {
        return Ok(a);
    };
    let keep: BooleanArray = (0..a.len()).map(|_| Some(rng.unit() >= share)).collect();
    Ok(arrow::compute::nullif(&a, &arrow::compute::not(&keep)?)?)
}

/// Writes `crates/assay-model/src/standards/list.rs`: every manifest of the catalog with
/// `fieldStandard: true`, embedded with `include_str!` so the binary carries the standards.
pub fn write_list(root: &Path) -> Result<()> {
    let mut found = Vec::new();
    for field in std::fs::read_dir(root.join("catalog"))? {
        let field = field?;
        if !field.file_type()?.is_dir() {
            continue;
        }
        for ds in std::fs::read_dir(field.path())? {
            let path = ds?.path().join("dataset.yaml");
            if path.is_file()
                && std::fs::read_to_string(&path)?
                    .lines()
                    .any(|l| l.trim() == "fieldStandard: true")
            {
                let rel = path
                    .strip_prefix(root)?
                    .to_string_lossy()
                    .replace('\\', "/");
                found.push((field.file_name().to_string_lossy().into_owned(), rel));
            }
        }
    }
    found.sort();
    let mut text = String::from(
        "//! Written by `cargo xtask standards`; do not edit. Every field standard of the catalog.\n\n\
         use super::Standard;\n\n",
    );
    text.push_str(&format!(
        "pub(super) static STANDARDS: [Standard; {}] = [\n",
        found.len()
    ));
    for (code, rel) in &found {
        text.push_str(&format!(
            "    Standard {{\n        code: \"{code}\",\n        path: \"{rel}\",\n        text: include_str!(\"../../../../{rel}\"),\n    }},\n"
        ));
    }
    text.push_str("];\n");
    let out = root.join("crates/assay-model/src/standards/list.rs");
    std::fs::write(&out, text)?;
    // Formatted as `cargo fmt` would, so CI's format check holds after a regeneration.
    let status = std::process::Command::new("rustfmt")
        .args(["--edition", "2024"])
        .arg(&out)
        .status()
        .context("rustfmt runs")?;
    if !status.success() {
        bail!("rustfmt failed on {}", out.display());
    }
    println!("wrote {} ({} standards)", out.display(), found.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn formats() {
        assert_eq!(fill("CS-{:07}", 12), "CS-0000012");
        assert_eq!(fill("M-{:02}", 3), "M-03");
        assert_eq!(fill("S{}", 4), "S4");
    }
}
