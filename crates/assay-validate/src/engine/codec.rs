//! A small binary encoding for what the cache keeps: counters, byte strings, keys with their
//! rows, Arrow types by name. Little-endian, length-prefixed; a decoder that runs out of bytes
//! or meets anything unexpected gives `None`, and the entry is then not used.

use arrow::datatypes::DataType;
use assay_model::report::Sample;

use crate::checks::Part;

/// Appends values to a byte buffer.
pub(crate) struct Enc<'a>(pub &'a mut Vec<u8>);

impl Enc<'_> {
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    pub fn bool(&mut self, v: bool) {
        self.0.push(v as u8);
    }

    pub fn bytes(&mut self, v: &[u8]) {
        self.u64(v.len() as u64);
        self.0.extend_from_slice(v);
    }

    pub fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }

    pub fn opt_str(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.str(v);
        }
    }

    pub fn opt_f64(&mut self, v: Option<f64>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.f64(v);
        }
    }

    pub fn samples(&mut self, v: &[Sample]) {
        self.bytes(&serde_json::to_vec(v).unwrap_or_default());
    }

    pub fn sample(&mut self, v: &Sample) {
        self.samples(std::slice::from_ref(v));
    }

    /// Keys with their rows.
    pub fn keyed(&mut self, v: &[(Box<[u8]>, u64)]) {
        self.u64(v.len() as u64);
        for (k, row) in v {
            self.bytes(k);
            self.u64(*row);
        }
    }

    /// Pairs of numbers.
    pub fn pairs(&mut self, v: &[(u64, u64)]) {
        self.u64(v.len() as u64);
        self.0.reserve(v.len() * 16);
        for (a, b) in v {
            self.u64(*a);
            self.u64(*b);
        }
    }

    /// Arrow types, by the names arrow-rs prints and parses.
    pub fn types(&mut self, v: Option<&[DataType]>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.u64(v.len() as u64);
            for t in v {
                self.str(&t.to_string());
            }
        }
    }

    pub fn part(&mut self, p: &Part) {
        self.u64(p.evaluated);
        self.u64(p.failing);
        self.samples(&p.samples);
        self.opt_str(p.error.as_deref());
    }
}

/// Reads values back, in the order they were written.
pub(crate) struct Dec<'a>(pub &'a [u8]);

impl<'a> Dec<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub fn f64(&mut self) -> Option<f64> {
        self.u64().map(f64::from_bits)
    }

    pub fn bool(&mut self) -> Option<bool> {
        match self.take(1)?[0] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// A count of items that each take at least `min` bytes, refused when the rest cannot hold
    /// them (so a damaged count cannot ask for a huge allocation).
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(min.max(1))? <= self.0.len()).then_some(n)
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.count(1)?;
        self.take(n)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub fn opt_str(&mut self) -> Option<Option<String>> {
        Some(match self.bool()? {
            true => Some(self.str()?.to_string()),
            false => None,
        })
    }

    pub fn opt_f64(&mut self) -> Option<Option<f64>> {
        Some(match self.bool()? {
            true => Some(self.f64()?),
            false => None,
        })
    }

    pub fn samples(&mut self) -> Option<Vec<Sample>> {
        serde_json::from_slice(self.bytes()?).ok()
    }

    pub fn sample(&mut self) -> Option<Sample> {
        let mut v = self.samples()?;
        (v.len() == 1).then(|| v.remove(0))
    }

    pub fn keyed(&mut self) -> Option<Vec<(Box<[u8]>, u64)>> {
        let n = self.count(16)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push((Box::from(self.bytes()?), self.u64()?));
        }
        Some(out)
    }

    pub fn pairs(&mut self) -> Option<Vec<(u64, u64)>> {
        let n = self.count(16)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push((self.u64()?, self.u64()?));
        }
        Some(out)
    }

    pub fn types(&mut self) -> Option<Option<Vec<DataType>>> {
        if !self.bool()? {
            return Some(None);
        }
        let n = self.count(8)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.str()?.parse::<DataType>().ok()?);
        }
        Some(Some(out))
    }

    pub fn part(&mut self) -> Option<Part> {
        Some(Part {
            evaluated: self.u64()?,
            failing: self.u64()?,
            samples: self.samples()?,
            error: self.opt_str()?,
        })
    }

    /// True when every byte was read.
    pub fn done(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::TimeUnit;

    #[test]
    fn values_read_back_and_short_input_is_refused() {
        let types = vec![
            DataType::Int64,
            DataType::Utf8View,
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            DataType::Decimal128(12, 3),
            DataType::Date32,
            DataType::LargeUtf8,
        ];
        let mut buf = Vec::new();
        let mut e = Enc(&mut buf);
        e.u64(7);
        e.i64(-3);
        e.opt_f64(Some(1.5));
        e.opt_str(None);
        e.keyed(&[(Box::from(&b"ab"[..]), 9)]);
        e.pairs(&[(1, 2), (3, 4)]);
        e.types(Some(&types));
        let mut d = Dec(&buf);
        assert_eq!(d.u64(), Some(7));
        assert_eq!(d.i64(), Some(-3));
        assert_eq!(d.opt_f64(), Some(Some(1.5)));
        assert_eq!(d.opt_str(), Some(None));
        assert_eq!(d.keyed(), Some(vec![(Box::from(&b"ab"[..]), 9)]));
        assert_eq!(d.pairs(), Some(vec![(1, 2), (3, 4)]));
        assert_eq!(d.types(), Some(Some(types)));
        assert!(d.done());
        // Cut short anywhere: refused, never a panic or a huge allocation.
        for n in 0..buf.len() {
            let mut d = Dec(&buf[..n]);
            let all = (|| {
                d.u64()?;
                d.i64()?;
                d.opt_f64()?;
                d.opt_str()?;
                d.keyed()?;
                d.pairs()?;
                d.types()
            })();
            assert!(all.is_none(), "accepted {n} of {} bytes", buf.len());
        }
    }
}
