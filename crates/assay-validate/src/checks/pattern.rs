//! `pattern`: a full match of a regular expression, once per dictionary value for
//! dictionary-encoded columns.

use arrow::array::AsArray;
use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use assay_model::check::Pattern;

use super::{Batch, Failing, FileCx, RowCheck};
use crate::checks::CheckError;
use crate::engine::tally::Tally;
use crate::engine::values::{per_string, per_value};

pub(crate) struct PatternCheck(pub Pattern);

pub(crate) struct PatternFile {
    column: String,
    matcher: Matcher,
}

impl RowCheck for PatternCheck {
    type File = PatternFile;

    fn begin_resource(&self, t: &mut Tally) {
        if let Err(e) = regex::Regex::new(&format!("^(?:{})$", self.0.pattern)) {
            t.fail_error(format!("pattern does not compile: {e}"));
        }
    }

    fn prepare(&self, _: &FileCx) -> Result<PatternFile, CheckError> {
        Ok(PatternFile {
            column: self.0.column.clone(),
            matcher: Matcher::new(&self.0.pattern)?,
        })
    }

    fn columns(&self, _: &PatternFile) -> Vec<String> {
        vec![self.0.column.clone()]
    }

    fn dictionary_column(&self) -> Option<&str> {
        Some(&self.0.column)
    }

    fn fails(f: &PatternFile, batch: &Batch) -> Result<Failing, CheckError> {
        let a = batch.column(&f.column)?.clone();
        let mask = per_value(&a, &|vals: &ArrayRef| {
            let strings = cast(vals, &DataType::Utf8)?;
            let strings = strings.as_string::<i32>();
            // Test every slot (null slots hold empty strings) and keep the input's nulls:
            // a bitmap built in one pass, no per-row Option.
            let fails = per_string(strings, &|v| !f.matcher.is_match(v));
            Ok(BooleanArray::new(fails, strings.nulls().cloned()))
        })?;
        Ok(Failing {
            mask,
            values: vec![a],
            note: None,
        })
    }
}

/// A full-match pattern. Small patterns compile to a dense DFA (a table walk per byte, no
/// search setup per value); the rest use the `regex` crate.
pub(crate) enum Matcher {
    Dfa(Box<regex_automata::dfa::dense::DFA<Vec<u32>>>),
    Regex(regex::Regex),
}

impl Matcher {
    pub fn new(pattern: &str) -> Result<Matcher, CheckError> {
        use regex_automata::dfa::{StartKind, dense};
        let anchored = format!("^(?:{pattern})$");
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .dfa_size_limit(Some(4 << 20))
                    .determinize_size_limit(Some(4 << 20)),
            )
            .build(&anchored);
        match dfa {
            Ok(d) => Ok(Matcher::Dfa(Box::new(d))),
            Err(_) => regex::Regex::new(&anchored)
                .map(Matcher::Regex)
                .map_err(|e| CheckError::Other(e.to_string())),
        }
    }

    pub fn is_match(&self, s: &str) -> bool {
        use regex_automata::dfa::Automaton;
        match self {
            Matcher::Dfa(d) => d
                .try_search_fwd(
                    &regex_automata::Input::new(s).anchored(regex_automata::Anchored::Yes),
                )
                .is_ok_and(|m| m.is_some()),
            Matcher::Regex(r) => r.is_match(s),
        }
    }
}
