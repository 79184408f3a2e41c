//! Assay's interchange formats, each a module: what a manifest becomes in another standard's
//! vocabulary and back, with everything that does not map reported, never dropped silently.
//!
//! - [`frictionless`]: Frictionless Data Package v1 and v2 import, v2 export (validated against
//!   the official profile by the tests);
//! - [`dcat`]: DCAT 3 JSON-LD for a published catalog;
//! - [`croissant`]: Croissant 1.1 JSON-LD for a published dataset.
//!
//! Adding a format: a module here, a value of the CLI's `ExportTarget`, and a test that
//! validates its output against the format's own JSON Schema when it publishes one.

pub mod croissant;
pub mod dcat;
pub mod frictionless;
pub mod odcs;
