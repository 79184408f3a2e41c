//! The search query parser and ranking, on arbitrary query text and facet filters, against a
//! published site's index (`ASSAY_FUZZ_SITE`); both implementations agree.
#![no_main]

#[path = "../../crates/assay-catalog/src/search.rs"]
#[allow(dead_code)]
mod search;

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static INDEX: search::SearchIndex = {
            let site = std::env::var("ASSAY_FUZZ_SITE").expect("ASSAY_FUZZ_SITE names a published site");
            let text = std::fs::read_to_string(std::path::Path::new(&site).join("search-index.json")).unwrap();
            serde_json::from_str(&text).unwrap()
        };
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `query\nfacet=value\n…`
    let mut lines = text.split('\n');
    let query = lines.next().unwrap_or_default();
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in lines {
        if let Some((k, v)) = l.split_once('=') {
            filters
                .entry(k.to_string())
                .or_default()
                .push(v.to_string());
        }
    }
    INDEX.with(|index| {
        let a = index.query(query, &filters);
        let b = search::Prepared::new(index).query(query, &filters);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    });
});
