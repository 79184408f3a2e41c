//! Integration tests of the `assay` binary: one test binary for the crate (compile time).

mod support;

mod authoring;
mod bad_input;
mod cache;
mod cases;
mod corpus;
mod diff;
mod engine;
mod fields;
mod first_hour;
mod golden_pages;
mod integrity;
mod lineage;
mod lint_fixtures;
mod ml;
mod odcs;
mod privacy;
mod profile;
mod publish;
mod quality;
mod serve;
mod standards;
mod storage;
mod submissions;
mod validate;
