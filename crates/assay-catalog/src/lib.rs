//! Assay's catalog: what a catalog maintainer runs.
//!
//! - [`publish`]: lint, verify and validate every dataset (reusing cached reports) and write a
//!   static, reproducible site into a build folder swapped in by one rename;
//! - [`search`]: the BM25 search index over English and Chinese text with exact facet counts,
//!   written into the site and queried by `assay search` and `assay serve`;
//! - [`serve`]: what a request to a published site is answered with (the CLI owns the socket).

pub mod publish;
pub mod search;
pub mod serve;

/// The JSON Schema of the site's `search-index.json` (`schemas/search-index.schema.json`).
pub fn search_index_schema() -> serde_json::Value {
    assay_model::schema::schema_for::<search::SearchIndex>()
}
