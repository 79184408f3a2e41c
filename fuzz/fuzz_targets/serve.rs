//! `assay serve`'s request handling (percent-decoding, path resolution, the JSON API) on
//! arbitrary URLs against a published site (`ASSAY_FUZZ_SITE`): a file answered is always
//! inside the site.
#![no_main]

#[path = "../../crates/assay-catalog/src/search.rs"]
#[allow(dead_code)]
mod search;
#[path = "../../crates/assay-catalog/src/serve.rs"]
#[allow(dead_code)]
mod serve;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static SITE: serve::Site = serve::Site::open(std::path::Path::new(
            &std::env::var("ASSAY_FUZZ_SITE").expect("ASSAY_FUZZ_SITE names a published site"),
        ))
        .expect("a published site");
    }
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    SITE.with(|site| {
        let prepared = search::Prepared::new(&site.search);
        if let serve::Reply::File(p) = site.answer(&prepared, true, url) {
            assert!(
                p.starts_with(&site.root),
                "{url:?} escaped to {}",
                p.display()
            );
        }
    });
});
