//! The process as the cluster tests start it (this test also makes `cargo test` build the
//! binary they run, `target/<profile>/assay-ballista`).

use std::process::Command;

fn node(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_assay-ballista"))
        .args(args)
        .output()
        .expect("assay-ballista runs")
}

#[test]
fn a_scheduler_on_an_address_it_cannot_bind_ends_with_a_message_and_exit_3() {
    // 192.0.2.1 (TEST-NET-1) is on no interface of a test machine: binding to it fails.
    let out = node(&["scheduler", "--bind", "192.0.2.1", "--port", "1"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("assay-ballista: "), "{err}");
}

#[test]
fn an_executor_needs_its_ports_and_work_folder() {
    let out = node(&["executor", "--port", "1"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--grpc-port") && err.contains("--work-dir"),
        "{err}"
    );
}
