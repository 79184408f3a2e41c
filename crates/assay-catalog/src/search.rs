//! Catalog search: BM25 over each dataset's text, English and Chinese, with facets.
//!
//! The same index and the same rules run in Rust (`assay search`) and in the site's search page
//! (a small script that ports [`tokenize`] and [`SearchIndex::query`] line for line), so the two
//! return the same results for the same query; a test checks that in a browser.
//!
//! - **Text** of a dataset: name and title (counted twice), description, keywords, column names
//!   and descriptions, the field's code, English and Chinese names.
//! - **Tokens**: lowercase runs of ASCII letters and digits; each run of CJK characters gives its
//!   character bigrams (a lone character gives itself). So a query of two or more Chinese
//!   characters finds datasets that contain them, without a segmenter.
//! - **Ranking**: BM25 (k1 = 1.2, b = 0.75). The last query token also matches as a prefix of
//!   longer terms, each counted with its own frequencies. Ties go to the name.
//! - **Facets** (field, sector, owner, license, sensitivity, grade, status, and the date last
//!   validated, with `since`/`until` bounds) filter the results, and exact counts of each value
//!   over the matched results come back with them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use assay_model::index::CatalogIndex;
use assay_model::registry::FieldRegistry;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The facet names, in display order.
pub const FACETS: [&str; 8] = [
    "field",
    "sector",
    "owner",
    "license",
    "sensitivity",
    "grade",
    "status",
    "validated",
];

/// Whether a document passes the filters: each facet's allowed values, and `since` / `until`
/// (inclusive `YYYY-MM-DD` bounds) on the date it was last validated.
fn passes(d: &Doc, filters: &BTreeMap<String, Vec<String>>) -> bool {
    filters.iter().all(|(facet, allowed)| {
        let date = d
            .facets
            .get("validated")
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("");
        match facet.as_str() {
            "since" => allowed.iter().all(|a| date >= a.as_str()),
            "until" => allowed.iter().all(|a| date <= a.as_str()),
            _ => {
                allowed.is_empty()
                    || d.facets
                        .get(facet)
                        .is_some_and(|vals| vals.iter().any(|v| allowed.contains(v)))
            }
        }
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Tokens of a text, in order.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut han: Vec<char> = Vec::new();
    let flush_han = |han: &mut Vec<char>, out: &mut Vec<String>| {
        match han.len() {
            0 => {}
            1 => out.push(han[0].to_string()),
            _ => {
                for w in han.windows(2) {
                    out.push(w.iter().collect());
                }
            }
        }
        han.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.push(c.to_ascii_lowercase());
        } else if is_cjk(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            han.push(c);
        } else {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            flush_han(&mut han, &mut out);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    flush_han(&mut han, &mut out);
    out
}

/// One document of the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Doc {
    /// Dataset name.
    pub name: String,
    /// Title, for display.
    pub title: String,
    /// Facet values (`license` may hold several, joined by `, `).
    pub facets: BTreeMap<String, Vec<String>>,
    /// Tokens in the document.
    pub len: u32,
    /// Term frequencies.
    pub tf: BTreeMap<String, u32>,
    /// Path of the dataset's page, relative to the site.
    pub path: String,
}

/// The search index written to the site (`search-index.json`, and `search-index.js` for pages
/// opened from `file://`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(title = "Assay search index", extend("$id" = "https://assay.dev/schemas/search-index.schema.json"))]
pub struct SearchIndex {
    /// Format version.
    pub version: u32,
    /// Documents, sorted by name.
    pub docs: Vec<Doc>,
}

/// A query's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// Matching datasets, best first: name and score (rounded to 6 decimals).
    pub hits: Vec<(String, f64)>,
    /// Per facet, per value, the number of hits with it.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
}

impl SearchIndex {
    /// Builds the index from the catalog index.
    pub fn build(index: &CatalogIndex, registry: &FieldRegistry) -> SearchIndex {
        let docs = index
            .datasets
            .iter()
            .map(|d| {
                let mut text = String::new();
                for part in [&d.name, d.title.as_deref().unwrap_or("")] {
                    text.push_str(&format!("{part} {part} "));
                }
                text.push_str(d.description.as_deref().unwrap_or(""));
                for k in &d.keywords {
                    text.push_str(&format!(" {k}"));
                }
                for c in &d.columns {
                    text.push_str(&format!(" {}", c.name));
                    if let Some(desc) = &c.description {
                        text.push_str(&format!(" {desc}"));
                    }
                }
                text.push_str(&format!(
                    " {} {} {}",
                    d.field, d.field_name_en, d.field_name_zh
                ));
                if let Some(f) = registry.get(&d.field) {
                    text.push_str(&format!(" {}", f.includes_zh));
                }
                let tokens = tokenize(&text);
                let mut tf = BTreeMap::new();
                for t in &tokens {
                    *tf.entry(t.clone()).or_insert(0u32) += 1;
                }
                let mut facets = BTreeMap::new();
                facets.insert("field".into(), vec![d.field.clone()]);
                facets.insert("sector".into(), vec![d.sector.clone()]);
                facets.insert("owner".into(), d.owner.iter().cloned().collect());
                facets.insert("license".into(), d.licenses.clone());
                facets.insert("sensitivity".into(), vec![d.sensitivity.clone()]);
                facets.insert("grade".into(), vec![format!("{:?}", d.grade)]);
                facets.insert(
                    "validated".into(),
                    vec![d.last_validated.chars().take(10).collect()],
                );
                facets.insert(
                    "status".into(),
                    vec![
                        serde_json::to_value(d.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                    ],
                );
                Doc {
                    name: d.name.clone(),
                    title: d.title.clone().unwrap_or_else(|| d.name.clone()),
                    facets,
                    len: tokens.len() as u32,
                    tf,
                    path: d.path.clone(),
                }
            })
            .collect();
        SearchIndex { version: 1, docs }
    }

    /// Runs a query with facet filters (`facet → allowed values`; a document passes a facet
    /// when it has one of the values).
    pub fn query(&self, text: &str, filters: &BTreeMap<String, Vec<String>>) -> Results {
        let terms = tokenize(text);
        let n = self.docs.len() as f64;
        let avgdl = if self.docs.is_empty() {
            1.0
        } else {
            self.docs.iter().map(|d| f64::from(d.len)).sum::<f64>() / n
        };
        // Query terms: each exact; the last also every longer term it prefixes.
        let mut expanded: Vec<String> = terms.clone();
        if let Some(last) = terms.last() {
            let mut longer: Vec<String> = self
                .docs
                .iter()
                .flat_map(|d| d.tf.keys())
                .filter(|t| t.len() > last.len() && t.starts_with(last.as_str()))
                .cloned()
                .collect();
            longer.sort();
            longer.dedup();
            expanded.extend(longer);
        }
        let df = |t: &str| self.docs.iter().filter(|d| d.tf.contains_key(t)).count() as f64;
        let idf: Vec<(String, f64)> = expanded
            .iter()
            .map(|t| {
                let f = df(t);
                (t.clone(), (1.0 + (n - f + 0.5) / (f + 0.5)).ln())
            })
            .collect();
        let mut hits = Vec::new();
        for d in &self.docs {
            if !passes(d, filters) {
                continue;
            }
            let mut score = 0.0;
            // Every exact query term must occur, except the last, which may occur as a prefix.
            let mut all = true;
            for (i, t) in terms.iter().enumerate() {
                let present = d.tf.contains_key(t)
                    || (i + 1 == terms.len() && d.tf.keys().any(|k| k.starts_with(t.as_str())));
                all &= present;
            }
            if !all {
                continue;
            }
            for (t, w) in &idf {
                if let Some(&f) = d.tf.get(t) {
                    let f = f64::from(f);
                    let norm = K1 * (1.0 - B + B * f64::from(d.len) / avgdl);
                    score += w * f * (K1 + 1.0) / (f + norm);
                }
            }
            hits.push((d.name.clone(), (score * 1e6).round() / 1e6));
        }
        results(&self.docs, hits)
    }
}

/// Sorts hits (best first, then by name) and counts each facet value over them.
fn results(docs: &[Doc], mut hits: Vec<(String, f64)>) -> Results {
    hits.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let by_name: BTreeMap<&str, &Doc> = docs.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut facets: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (name, _) in &hits {
        let d = by_name[name.as_str()];
        for f in FACETS {
            for v in d.facets.get(f).into_iter().flatten() {
                *facets
                    .entry(f.to_string())
                    .or_default()
                    .entry(v.clone())
                    .or_default() += 1;
            }
        }
    }
    Results { hits, facets }
}

/// The index prepared for many queries: postings per term and the terms sorted for prefix
/// lookups. Its results are exactly [`SearchIndex::query`]'s (a test checks), in time that grows
/// with the postings of the query's terms instead of with the whole index.
pub struct Prepared<'a> {
    index: &'a SearchIndex,
    /// Term → (document, frequency), documents ascending.
    postings: BTreeMap<&'a str, Vec<(usize, u32)>>,
    avgdl: f64,
}

impl<'a> Prepared<'a> {
    /// Builds the postings.
    pub fn new(index: &'a SearchIndex) -> Prepared<'a> {
        let mut postings: BTreeMap<&str, Vec<(usize, u32)>> = BTreeMap::new();
        for (i, d) in index.docs.iter().enumerate() {
            for (t, f) in &d.tf {
                postings.entry(t.as_str()).or_default().push((i, *f));
            }
        }
        let n = index.docs.len() as f64;
        let avgdl = if index.docs.is_empty() {
            1.0
        } else {
            index.docs.iter().map(|d| f64::from(d.len)).sum::<f64>() / n
        };
        Prepared {
            index,
            postings,
            avgdl,
        }
    }

    /// The same as [`SearchIndex::query`].
    pub fn query(&self, text: &str, filters: &BTreeMap<String, Vec<String>>) -> Results {
        let docs = &self.index.docs;
        let terms = tokenize(text);
        let n = docs.len() as f64;
        let mut expanded: Vec<&str> = terms.iter().map(String::as_str).collect();
        let mut longer: Vec<&str> = Vec::new();
        if let Some(last) = terms.last() {
            longer = self
                .postings
                .range::<str, _>((
                    std::ops::Bound::Excluded(last.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(t, _)| t.starts_with(last.as_str()))
                .map(|(t, _)| *t)
                .collect();
            expanded.extend(longer.iter().copied());
        }
        let empty = Vec::new();
        let post = |t: &str| self.postings.get(t).unwrap_or(&empty);
        // Candidates: every document when there is no term; else those having each term (the
        // last as a prefix too).
        let mut candidates: Option<Vec<usize>> = None;
        for (i, t) in terms.iter().enumerate() {
            let mut have: Vec<usize> = post(t).iter().map(|(d, _)| *d).collect();
            if i + 1 == terms.len() {
                for l in &longer {
                    have.extend(post(l).iter().map(|(d, _)| *d));
                }
                have.sort_unstable();
                have.dedup();
            }
            candidates = Some(match candidates {
                None => have,
                Some(c) => c
                    .into_iter()
                    .filter(|d| have.binary_search(d).is_ok())
                    .collect(),
            });
        }
        let candidates = candidates.unwrap_or_else(|| (0..docs.len()).collect());
        let idf: Vec<(&str, f64)> = expanded
            .iter()
            .map(|t| {
                let f = post(t).len() as f64;
                (*t, (1.0 + (n - f + 0.5) / (f + 0.5)).ln())
            })
            .collect();
        let mut hits = Vec::new();
        for i in candidates {
            let d = &docs[i];
            if !passes(d, filters) {
                continue;
            }
            let mut score = 0.0;
            for (t, w) in &idf {
                if let Some(&f) = d.tf.get(*t) {
                    let f = f64::from(f);
                    let norm = K1 * (1.0 - B + B * f64::from(d.len) / self.avgdl);
                    score += w * f * (K1 + 1.0) / (f + norm);
                }
            }
            hits.push((d.name.clone(), (score * 1e6).round() / 1e6));
        }
        results(docs, hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, text: &str, grade: &str) -> Doc {
        let tokens = tokenize(text);
        let mut tf = BTreeMap::new();
        for t in &tokens {
            *tf.entry(t.clone()).or_insert(0u32) += 1;
        }
        Doc {
            name: name.into(),
            title: name.into(),
            facets: BTreeMap::from([("grade".to_string(), vec![grade.to_string()])]),
            len: tokens.len() as u32,
            tf,
            path: String::new(),
        }
    }

    #[test]
    fn prepared_gives_the_same_results() {
        let index = SearchIndex {
            version: 1,
            docs: vec![
                doc("a", "boiler steam pressure 锅炉蒸汽", "A"),
                doc("b", "boiler boiler turbine 汽轮机", "B"),
                doc("c", "steel furnace 炼钢 steam", "A"),
                doc("d", "steam steamer stealth", "C"),
            ],
        };
        let p = Prepared::new(&index);
        let grade_a = BTreeMap::from([("grade".to_string(), vec!["A".to_string()])]);
        for q in [
            "",
            "boiler",
            "stea",
            "steam boil",
            "锅炉",
            "蒸汽",
            "x",
            "st",
            "boiler turbine",
        ] {
            for f in [BTreeMap::new(), grade_a.clone()] {
                assert_eq!(p.query(q, &f), index.query(q, &f), "{q:?}");
            }
        }
    }

    #[test]
    fn tokens() {
        assert_eq!(tokenize("Boiler-Sensor 2025"), ["boiler", "sensor", "2025"]);
        assert_eq!(
            tokenize("锅炉传感器 data"),
            ["锅炉", "炉传", "传感", "感器", "data"]
        );
        assert_eq!(tokenize("钢"), ["钢"]);
    }
}
