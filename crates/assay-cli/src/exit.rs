//! Exit codes (DESIGN.md): the contract with CI systems.

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything passed (warnings allowed).
    Success = 0,
    /// At least one error-level check failed (or a warning under `--strict`).
    Failure = 1,
    /// The manifest or the command is invalid.
    Invalid = 2,
    /// Data could not be read (I/O, corrupt file).
    Unreadable = 3,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        ExitCode::from(s as u8)
    }
}
