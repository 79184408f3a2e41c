//! Integration tests of the catalog crate.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

#[test]
fn committed_search_index_schema_matches_the_types() {
    // Regenerate with `cargo xtask schemas` (or `ASSAY_BLESS=1 cargo test -p assay-catalog`).
    let text = assay_model::schema::to_pretty(&assay_catalog::search_index_schema());
    let path = repo().join("schemas/search-index.schema.json");
    if std::env::var_os("ASSAY_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap_or_default() == text,
        "{} is stale: run `cargo xtask schemas`",
        path.display()
    );
}
