//! `assay`: catalog and validator for high-quality industrial datasets.
//!
//! The binary parses arguments, calls the libraries and maps the outcome to an exit code
//! (0 pass · 1 a check failed · 2 invalid manifest or usage · 3 data unreadable).

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
mod exit;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            // clap prints help and version to stdout with success; usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                exit::Status::Invalid.into()
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match commands::run(args) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("error: {err:#}");
            exit::Status::Invalid.into()
        }
    }
}
