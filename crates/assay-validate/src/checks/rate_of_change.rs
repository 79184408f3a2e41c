//! `rate_of_change`: consecutive values of a series change by at most `max`.
//!
//! Every row with a value becomes one record: its series (the `by` columns, row-encoded), its
//! position (the `orderBy` value, or its location in file order), and its value. Records go
//! through the shared external sort (`crate::spill`), so a series may straddle row groups and
//! files, arrive in any order, and exceed memory; one pass over the sorted records compares
//! each value with the one before it in its series.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use assay_model::check::RateOfChange;
use assay_model::report::Sample;

use super::{Batch, FileCx, FinishCx, Kernel, MergeCx, Part};
use crate::checks::CheckError;
use crate::conformance;
use crate::engine::codec::{Dec, Enc};
use crate::engine::tally::Tally;
use crate::engine::values::{micros, plain, render_encoded_key};
use crate::spill::{ByteSpill, pack_loc, unpack_loc};

/// Bytes after the series in a record: position, then value.
const TAIL: usize = 16;

pub(crate) struct RateOfChangeCheck {
    check: RateOfChange,
    records: ByteSpill,
    /// Types of the `by` columns, for rendering a series in samples.
    types: Option<Vec<DataType>>,
    /// `orderBy` is a date or timestamp: positions are microseconds.
    temporal: bool,
}

impl RateOfChangeCheck {
    pub fn new(check: RateOfChange) -> Self {
        RateOfChangeCheck {
            check,
            records: ByteSpill::default(),
            types: None,
            temporal: false,
        }
    }
}

/// What the workers of one file share.
pub(crate) struct RocFile {
    column: String,
    by: Vec<String>,
    order_by: Option<String>,
    temporal: bool,
}

/// One row group's records, and the `by` types.
#[derive(Default)]
pub(crate) struct Records {
    records: Vec<(Box<[u8]>, u64)>,
    types: Option<Vec<DataType>>,
}

/// An f64 as 8 bytes whose byte order is the number's order (NaN last).
fn sortable(v: f64) -> [u8; 8] {
    let bits = v.to_bits();
    let bits = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    bits.to_be_bytes()
}

fn unsortable(b: &[u8]) -> f64 {
    let bits = u64::from_be_bytes(b.try_into().unwrap_or([0; 8]));
    let bits = if bits >> 63 == 1 {
        bits & !(1 << 63)
    } else {
        !bits
    };
    f64::from_bits(bits)
}

impl Kernel for RateOfChangeCheck {
    type File = RocFile;
    type State = Records;

    fn begin_file(&mut self, cx: &FileCx) -> Result<RocFile, CheckError> {
        let temporal = match &self.check.order_by {
            Some(o) => cx.schema.column_with_name(o).is_some_and(|(_, f)| {
                matches!(
                    conformance::value_type(f.data_type()),
                    DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64
                )
            }),
            None => false,
        };
        self.temporal = temporal;
        Ok(RocFile {
            column: self.check.column.clone(),
            by: self.check.by.clone(),
            order_by: self.check.order_by.clone(),
            temporal,
        })
    }

    fn columns(&self, f: &RocFile) -> Vec<String> {
        let mut out = vec![f.column.clone()];
        out.extend(f.by.iter().cloned());
        out.extend(f.order_by.iter().cloned());
        out
    }

    fn update(f: &RocFile, _: &mut Part, s: &mut Records, batch: &Batch) -> Result<(), CheckError> {
        let values = cast(batch.column(&f.column)?, &DataType::Float64)?;
        let values = values.as_primitive::<arrow::datatypes::Float64Type>();
        let order: Option<ArrayRef> = match &f.order_by {
            Some(o) if f.temporal => Some(micros(batch.column(o)?)?),
            Some(o) => Some(cast(&plain(batch.column(o)?)?, &DataType::Float64)?),
            None => None,
        };
        let order_at = |i: usize| -> Option<f64> {
            match &order {
                None => Some(0.0),
                Some(a) if a.is_null(i) => None,
                Some(a) => Some(match a.data_type() {
                    DataType::Int64 => {
                        a.as_primitive::<arrow::datatypes::Int64Type>().value(i) as f64
                    }
                    _ => a.as_primitive::<arrow::datatypes::Float64Type>().value(i),
                }),
            }
        };
        let by: Vec<ArrayRef> =
            f.by.iter()
                .map(|c| batch.column(c).and_then(plain))
                .collect::<Result<_, _>>()?;
        let groups = if by.is_empty() {
            None
        } else {
            let types: Vec<DataType> = by.iter().map(|a| a.data_type().clone()).collect();
            let converter =
                RowConverter::new(types.iter().map(|t| SortField::new(t.clone())).collect())?;
            s.types.get_or_insert(types);
            Some(converter.convert_columns(&by)?)
        };
        for i in 0..values.len() {
            // NaN and infinities are `finite`'s to report; they break no step here.
            if values.is_null(i) || !values.value(i).is_finite() {
                continue;
            }
            let Some(position) = order_at(i) else {
                continue;
            };
            let row = batch.first_row + i as u64;
            let row_key = groups.as_ref().map(|g| g.row(i));
            let group: &[u8] = row_key.as_ref().map_or(&[], |r| r.as_ref());
            let mut key = Vec::with_capacity(group.len() + TAIL);
            key.extend_from_slice(group);
            // Without `orderBy` the position is the row's location, set when merged (the
            // worker does not know the file's index); the row stands in until then.
            key.extend_from_slice(&sortable(position));
            key.extend_from_slice(&values.value(i).to_bits().to_be_bytes());
            s.records.push((key.into_boxed_slice(), row));
        }
        Ok(())
    }

    fn cache_key(&self, _: &RocFile) -> Option<String> {
        Some(String::new())
    }

    fn encode_state(s: &Records, e: &mut Enc) {
        e.keyed(&s.records);
        e.types(s.types.as_deref());
    }

    fn decode_state(d: &mut Dec) -> Option<Records> {
        Some(Records {
            records: d.keyed()?,
            types: d.types()?,
        })
    }

    fn merge(&mut self, t: &mut Tally, part: Part, s: Records, cx: &MergeCx) {
        t.absorb(part);
        if self.types.is_none() {
            self.types = s.types;
        }
        let file_order = self.check.order_by.is_none();
        let records = s.records.into_iter().map(|(mut key, row)| {
            let loc = pack_loc(cx.file_index, row);
            if file_order {
                let at = key.len() - TAIL;
                key[at..at + 8].copy_from_slice(&loc.to_be_bytes());
            }
            (key, loc)
        });
        if let Err(e) = self.records.add(records, cx.options.memory_limit / 4) {
            t.fail_error(format!("cannot spill rate_of_change records to disk: {e}"));
        }
    }

    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        if t.error.is_some() {
            return;
        }
        let per = match self.check.per_seconds() {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => return t.fail_error(e),
        };
        let sorted = match std::mem::take(&mut self.records).into_sorted() {
            Ok(s) => s,
            Err(e) => return t.fail_error(format!("cannot read spilled records: {e}")),
        };
        let converter = self.types.as_ref().and_then(|t| {
            RowConverter::new(t.iter().map(|d| SortField::new(d.clone())).collect()).ok()
        });
        // The lowest failing locations, as (location, detail).
        let mut heap: std::collections::BinaryHeap<(u64, Failure)> = Default::default();
        let mut prev: Option<(Box<[u8]>, u64)> = None;
        let (mut evaluated, mut failing) = (0u64, 0u64);
        for (key, loc) in sorted {
            let split = key.len() - TAIL;
            if let Some((pkey, ploc)) = &prev
                && pkey.len() == key.len()
                && pkey[..split] == key[..split]
            {
                evaluated += 1;
                let value = f64::from_bits(u64::from_be_bytes(
                    key[split + 8..].try_into().unwrap_or([0; 8]),
                ));
                let before = f64::from_bits(u64::from_be_bytes(
                    pkey[split + 8..].try_into().unwrap_or([0; 8]),
                ));
                let change = value - before;
                let rate = match per {
                    None => change.abs(),
                    Some(per) => {
                        let (a, b) = (
                            unsortable(&pkey[split..split + 8]),
                            unsortable(&key[split..split + 8]),
                        );
                        let seconds = (b - a) / if self.temporal { 1e6 } else { 1.0 };
                        if change == 0.0 {
                            0.0
                        } else if seconds <= 0.0 {
                            f64::INFINITY
                        } else {
                            change.abs() / seconds * per
                        }
                    }
                };
                if rate > self.check.max + 1e-12 * self.check.max.abs().max(1.0) {
                    failing += 1;
                    heap.push((
                        loc,
                        Failure {
                            value,
                            before,
                            before_loc: *ploc,
                            rate,
                            series: key[..split].to_vec(),
                        },
                    ));
                    if heap.len() > t.cap() {
                        heap.pop();
                    }
                }
            }
            prev = Some((key, loc));
        }
        t.evaluated += evaluated;
        t.failing += failing;
        let rel = |i: usize| cx.files.get(i).map(|f| f.rel.as_str()).unwrap_or("?");
        for (loc, f) in heap.into_sorted_vec() {
            let (fi, row) = unpack_loc(loc);
            let (pfi, prow) = unpack_loc(f.before_loc);
            let series = if self.check.by.is_empty() {
                String::new()
            } else {
                let values = render_encoded_key(converter.as_ref(), &f.series);
                let pairs: Vec<String> = self
                    .check
                    .by
                    .iter()
                    .zip(values)
                    .map(|(c, v)| format!("{c}={v}"))
                    .collect();
                format!(" in series {}", pairs.join(", "))
            };
            let rate = match &self.check.per {
                Some(p) => format!(" ({} per {p})", short(f.rate)),
                None => String::new(),
            };
            t.samples.push(Sample {
                file: rel(fi).to_string(),
                row_group: None,
                row: Some(row),
                values: vec![f.value.to_string()],
                key: vec![],
                note: Some(format!(
                    "changed by {}{rate} from {} at {} row {prow}{series}",
                    short(f.value - f.before),
                    f.before,
                    rel(pfi)
                )),
            });
        }
    }
}

/// A number with at most four decimals, without trailing zeros.
fn short(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// One failing step of a series (ordered by where its predecessor is, which is unique).
struct Failure {
    value: f64,
    before: f64,
    before_loc: u64,
    rate: f64,
    series: Vec<u8>,
}

impl PartialEq for Failure {
    fn eq(&self, other: &Self) -> bool {
        self.before_loc == other.before_loc
    }
}

impl Eq for Failure {}

impl PartialOrd for Failure {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Failure {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.before_loc.cmp(&other.before_loc)
    }
}

#[cfg(test)]
mod tests {
    use super::{sortable, unsortable};

    #[test]
    fn sortable_bytes_keep_order_and_round_trip() {
        let values = [-1e9, -2.5, -0.0, 0.0, 1e-9, 3.0, 1.7e15];
        for w in values.windows(2) {
            assert!(sortable(w[0]) <= sortable(w[1]), "{} {}", w[0], w[1]);
        }
        for v in values {
            assert_eq!(unsortable(&sortable(v)), v);
        }
    }
}
