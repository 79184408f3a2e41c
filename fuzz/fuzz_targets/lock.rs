//! The lock parser (`dataset.lock`), on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(lock) = assay_model::lock::Lock::parse(text)
    {
        // What parses writes back and parses again to the same lock.
        let again = assay_model::lock::Lock::parse(&lock.to_json()).expect("a written lock parses");
        assert_eq!(again.to_json(), lock.to_json());
    }
});
