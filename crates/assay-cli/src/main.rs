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
    // A panic is a bug: where the engine catches one (a malformed file that trips the Parquet
    // reader), the report names it; anywhere else it ends in one clear line, not a backtrace.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::env::var_os("ASSAY_PANIC_TRACE").is_some() {
            default_hook(info);
        }
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(payload) => {
            let text = assay_model::panic_message(&*payload);
            eprintln!(
                "error: internal error: {text}\n  hint: this is a bug in assay; please report it with the command and its input (ASSAY_PANIC_TRACE=1 RUST_BACKTRACE=1 shows where)"
            );
            exit::Status::Unreadable.into()
        }
    }
}

fn run() -> ExitCode {
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
        // The reader went away (`assay search … | head`): nothing to say, as other tools do.
        Err(err)
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            exit::Status::Invalid.into()
        }
    }
}
