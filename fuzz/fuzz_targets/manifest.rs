//! The manifest parser and every lint rule, on arbitrary bytes as `dataset.yaml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static DIR: std::path::PathBuf = {
            let d = std::env::temp_dir().join(format!("assay-fuzz-manifest-{}", std::process::id()));
            std::fs::create_dir_all(&d).unwrap();
            d
        };
        static REGISTRY: assay_model::FieldRegistry = assay_model::FieldRegistry::embedded();
    }
    DIR.with(|dir| {
        let path = dir.join("dataset.yaml");
        std::fs::write(&path, data).unwrap();
        REGISTRY.with(|registry| {
            let r = assay_model::lint::lint_file(&path, registry, Default::default());
            // A manifest that loaded is also checked against its standard and redaction policy.
            if let Some(l) = &r.loaded {
                let _ = assay_model::report::Conformance::of(&l.manifest);
                let _ = assay_model::redact::Policy::of(&l.manifest);
            }
        });
    });
});
