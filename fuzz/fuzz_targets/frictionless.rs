//! The Frictionless importer, on arbitrary JSON; what it imports exports again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let options = assay_interop::frictionless::ImportOptions::new("IF-C341");
    if let Ok(imported) = assay_interop::frictionless::import(&value, &options) {
        let _ = assay_interop::frictionless::export(&imported.manifest);
    }
});
