//! `in_set` and `not_in_set`: membership in a value list, tested once per dictionary value for
//! dictionary-encoded columns.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use assay_model::Scalar;

use super::{Batch, Failing, FileCx, Pages, RowCheck, RowGroupStats};
use crate::checks::CheckError;
use crate::conformance;
use crate::engine::values::per_value;

pub(crate) struct SetCheck {
    column: String,
    values: Vec<Scalar>,
    /// `not_in_set`: a value in the list fails.
    negate: bool,
}

impl SetCheck {
    pub fn new(column: &str, values: &[Scalar], negate: bool) -> SetCheck {
        SetCheck {
            column: column.to_string(),
            values: values.to_vec(),
            negate,
        }
    }
}

/// The list in the column's type, for one file.
pub(crate) struct SetFile {
    column: String,
    negate: bool,
    set: Set,
}

enum Set {
    /// A string column and a list of strings: compared as text, no row encoding per value.
    Text(TextSet),
    /// Anything else: values row-encoded in the column's type.
    Rows(HashSet<Box<[u8]>>, RowConverter),
    /// The column is not in the file (reported by the driver before any batch).
    Unavailable,
}

impl RowCheck for SetCheck {
    type File = SetFile;

    fn prepare(&self, cx: &FileCx) -> Result<SetFile, CheckError> {
        let set = match cx.schema.column_with_name(&self.column) {
            None => Set::Unavailable,
            Some((_, f)) => self.set_for(conformance::value_type(f.data_type()))?,
        };
        Ok(SetFile {
            column: self.column.clone(),
            negate: self.negate,
            set,
        })
    }

    fn columns(&self, _: &SetFile) -> Vec<String> {
        vec![self.column.clone()]
    }

    fn dictionary_column(&self) -> Option<&str> {
        Some(&self.column)
    }

    /// A row group whose exact minimum equals its exact maximum holds one value; it passes
    /// when that value does.
    fn decide(&self, rg: &RowGroupStats) -> Result<Option<u64>, CheckError> {
        let Some((_, field)) = rg.schema.column_with_name(&self.column) else {
            return Ok(None);
        };
        let c = rg.converter(&self.column)?;
        let exact = |a: Result<BooleanArray, _>| a.is_ok_and(|a| a.is_valid(0) && a.value(0));
        if !(exact(c.row_group_is_min_value_exact(rg.one()))
            && exact(c.row_group_is_max_value_exact(rg.one())))
        {
            return Ok(None);
        }
        let (mins, maxes) = (c.row_group_mins(rg.one())?, c.row_group_maxes(rg.one())?);
        let nulls = c.row_group_null_counts(rg.one())?;
        let file = SetFile {
            column: self.column.clone(),
            negate: self.negate,
            set: self.set_for(conformance::value_type(field.data_type()))?,
        };
        let single = arrow::compute::kernels::cmp::eq(&mins, &maxes)?;
        let fails = file.mask(&mins)?;
        let passes = single.is_valid(0)
            && single.value(0)
            && fails.is_valid(0)
            && !fails.value(0)
            && nulls.is_valid(0);
        Ok(passes.then(|| rg.rows.saturating_sub(nulls.value(0))))
    }

    fn page_column(&self) -> Option<&str> {
        Some(&self.column)
    }

    /// A page whose minimum equals its maximum holds one value (a lower and an upper bound
    /// that meet, truncated or not); it passes when that value does.
    fn decide_pages(&self, f: &SetFile, pages: &Pages) -> Vec<Option<u64>> {
        let n = pages.rows.len();
        let single = arrow::compute::kernels::cmp::eq(&pages.mins, &pages.maxes)
            .ok()
            .filter(|m| m.len() == n);
        let fails = f.mask(&pages.mins).ok().filter(|m| m.len() == n);
        (0..n)
            .map(|i| {
                let values = pages.values(i)?;
                if values == 0 {
                    return Some(0);
                }
                let single = single.as_ref()?;
                let fails = fails.as_ref()?;
                (single.is_valid(i) && single.value(i) && fails.is_valid(i) && !fails.value(i))
                    .then_some(values)
            })
            .collect()
    }

    fn fails(f: &SetFile, batch: &Batch) -> Result<Failing, CheckError> {
        let a = batch.column(&f.column)?.clone();
        Ok(Failing {
            mask: f.mask(&a)?,
            values: vec![a],
            note: None,
        })
    }
}

impl SetFile {
    /// Per value of `a`: true fails, null is not evaluated.
    fn mask(&self, a: &ArrayRef) -> Result<BooleanArray, CheckError> {
        let f = self;
        let negate = f.negate;
        let mask = match &f.set {
            Set::Text(set) => per_value(a, &|vals: &ArrayRef| {
                let strings = cast(vals, &DataType::Utf8)?;
                let strings = strings.as_string::<i32>();
                // A null slot's bytes are tested too (they are empty or some value); its
                // result is masked by the nulls.
                let fails = match set {
                    TextSet::Short(words) => short_fails(strings, words, negate),
                    _ => arrow::buffer::BooleanBuffer::collect_bool(strings.len(), |i| {
                        set.contains(strings.value(i)) == negate
                    }),
                };
                Ok(BooleanArray::new(fails, strings.nulls().cloned()))
            })?,
            Set::Rows(set, converter) => per_value(a, &|vals: &ArrayRef| {
                let rows = converter.convert_columns(std::slice::from_ref(vals))?;
                Ok((0..vals.len())
                    .map(|i| {
                        vals.is_valid(i)
                            .then(|| set.contains(rows.row(i).as_ref()) == negate)
                    })
                    .collect::<BooleanArray>())
            })?,
            Set::Unavailable => return Err("value set unavailable".into()),
        };
        Ok(mask)
    }
}

impl SetCheck {
    fn set_for(&self, vt: &DataType) -> Result<Set, CheckError> {
        if matches!(
            vt,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) && self.values.iter().all(|v| matches!(v, Scalar::Text(_)))
        {
            return Ok(Set::Text(TextSet::new(self.values.iter().filter_map(
                |v| match v {
                    Scalar::Text(t) => Some(t.as_str()),
                    _ => None,
                },
            ))));
        }
        let converter = RowConverter::new(vec![SortField::new(vt.clone())])?;
        let mut set = HashSet::new();
        for arr in listed(&self.values, vt)? {
            let rows = converter.convert_columns(&[arr])?;
            set.insert(Box::from(rows.row(0).as_ref()));
        }
        Ok(Set::Rows(set, converter))
    }
}

/// The listed values as one-value arrays of the column's value type `vt`; a value that casts
/// to null is left out (it can match no value). For the kernel and the plans (`crate::plans`).
pub(crate) fn listed(values: &[Scalar], vt: &DataType) -> Result<Vec<ArrayRef>, CheckError> {
    let mut out = Vec::new();
    for v in values {
        let arr: ArrayRef = match v {
            Scalar::Text(t) => Arc::new(StringArray::from(vec![t.clone()])),
            Scalar::Number(n) => Arc::new(Float64Array::from(vec![n.as_f64().unwrap_or(f64::NAN)])),
            Scalar::Bool(b) => Arc::new(BooleanArray::from(vec![*b])),
        };
        let arr = cast(&arr, vt).map_err(|e| format!("value {v}: {e}"))?;
        if !arr.is_null(0) {
            out.push(arr);
        }
    }
    Ok(out)
}

/// A set of strings tested once per row of a column that is not dictionary-encoded (a table
/// in memory, a file written without dictionaries): a few values of at most eight bytes are
/// compared as one machine word each, a few longer ones byte by byte, length first (both beat
/// hashing every row); more go in a hash set with a fast hash.
enum TextSet {
    Short(Vec<Word>),
    Few(Vec<Box<[u8]>>),
    Many(HashSet<Box<str>, foldhash::fast::RandomState>),
}

/// A string of at most eight bytes as a little-endian word (zero-padded) and its length: the
/// length tells `"A"` from `"A\0"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Word {
    bits: u64,
    len: usize,
}

impl Word {
    fn of(v: &[u8]) -> Option<Word> {
        if v.len() > 8 {
            return None;
        }
        let mut b = [0u8; 8];
        b[..v.len()].copy_from_slice(v);
        Some(Word {
            bits: u64::from_le_bytes(b),
            len: v.len(),
        })
    }
}

impl TextSet {
    /// Up to this many values are compared one by one.
    const FEW: usize = 16;

    fn new<'a>(values: impl Iterator<Item = &'a str>) -> TextSet {
        let values: Vec<&str> = values.collect();
        if values.len() > Self::FEW {
            return TextSet::Many(values.iter().map(|v| Box::from(*v)).collect());
        }
        match values.iter().map(|v| Word::of(v.as_bytes())).collect() {
            Some(words) => TextSet::Short(words),
            None => TextSet::Few(values.iter().map(|v| Box::from(v.as_bytes())).collect()),
        }
    }

    fn contains(&self, v: &str) -> bool {
        match self {
            TextSet::Short(words) => Word::of(v.as_bytes()).is_some_and(|w| words.contains(&w)),
            TextSet::Few(values) => {
                let v = v.as_bytes();
                values.iter().any(|x| x.len() == v.len() && **x == *v)
            }
            TextSet::Many(set) => set.contains(v),
        }
    }
}

/// Per string, whether it fails a set of short words: straight off the offsets and the value
/// bytes, an unaligned eight-byte load masked to the string's length where eight bytes are
/// there to load (every string but the last few bytes' worth), no `&str` per row.
fn short_fails(
    strings: &StringArray,
    words: &[Word],
    negate: bool,
) -> arrow::buffer::BooleanBuffer {
    let offsets = strings.value_offsets();
    let bytes = strings.value_data();
    arrow::buffer::BooleanBuffer::collect_bool(strings.len(), |i| {
        let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
        let len = e - s;
        let hit = len <= 8 && {
            let bits = match bytes.get(s..s + 8) {
                Some(b) => {
                    let w = u64::from_le_bytes(b.try_into().unwrap_or_default());
                    if len == 8 {
                        w
                    } else {
                        w & ((1u64 << (8 * len)) - 1)
                    }
                }
                None => Word::of(&bytes[s..e]).map_or(0, |w| w.bits),
            };
            words.iter().any(|w| w.bits == bits && w.len == len)
        };
        hit == negate
    })
}

#[cfg(test)]
mod tests {
    use super::{TextSet, short_fails};
    use arrow::array::{Array, StringArray};

    /// The word loop gives what `contains` gives on every row, the last rows too (fewer than
    /// eight bytes left to load), on a slice and on either sense.
    #[test]
    fn short_words_agree_with_contains_to_the_last_byte() {
        let set = TextSet::new(["RUN", "IDLE", "", "A\0", "EIGHT_B_"].into_iter());
        let TextSet::Short(words) = &set else {
            panic!("short values make a word set");
        };
        let pool = [
            "RUN",
            "RUNS",
            "IDLE",
            "",
            "A",
            "A\0",
            "EIGHT_B_",
            "EIGHT_B",
            "EIGHT_B_X",
            "idle",
            "R",
            "\0",
            "MAINT",
        ];
        let values: Vec<Option<&str>> = (0..500)
            .map(|i: usize| (i % 17 != 3).then(|| pool[(i * 7 + i / 13) % pool.len()]))
            .collect();
        let all = StringArray::from(values);
        for (offset, len) in [(0, 500), (37, 463), (490, 10), (499, 1), (250, 0)] {
            let strings = all.slice(offset, len);
            for negate in [false, true] {
                let fails = short_fails(&strings, words, negate);
                for i in 0..strings.len() {
                    assert_eq!(
                        fails.value(i),
                        set.contains(strings.value(i)) == negate,
                        "row {i}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_text_set_finds_exactly_its_values_whether_few_or_many() {
        let short = TextSet::new(["RUN", "IDLE", "", "A\0", "EIGHT_B_"].into_iter());
        assert!(matches!(short, TextSet::Short(_)));
        assert!(short.contains("RUN") && short.contains("IDLE") && short.contains(""));
        assert!(short.contains("A\0") && short.contains("EIGHT_B_"));
        assert!(!short.contains("RUNS") && !short.contains("run") && !short.contains("RU"));
        assert!(!short.contains("A") && !short.contains("EIGHT_B") && !short.contains("EIGHT_B_X"));
        let few = TextSet::new(["RUN", "A much longer value"].into_iter());
        assert!(matches!(few, TextSet::Few(_)));
        assert!(few.contains("RUN") && few.contains("A much longer value"));
        assert!(!few.contains("A much longer valuE") && !few.contains("RU"));
        let names: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
        let many = TextSet::new(names.iter().map(String::as_str));
        assert!(matches!(many, TextSet::Many(_)));
        assert!(names.iter().all(|n| many.contains(n)));
        assert!(!many.contains("v40") && !many.contains(""));
    }
}
