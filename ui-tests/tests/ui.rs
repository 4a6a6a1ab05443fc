//! Every misuse of `#[derive(SoftDelete)]` fails to compile with a message at the user's span;
//! every supported use compiles cleanly under `#![deny(warnings)]`.
//!
//! The compile-fail cases compare the compiler's messages with `.stderr` snapshots, which only
//! the compiler that wrote them reproduces. On that compiler (and always in CI, where `CI` is
//! set) they are compared strictly; on any other, this test says so, skips the comparison and
//! still checks every pass case.

use std::io::Write as _;
use std::process::Command;

/// The compiler the `.stderr` snapshots were written with.
const PINNED_RUSTC: &str = "1.95.0";

#[test]
fn ui() {
    let version = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
        .arg("--version")
        .output()
        .expect("run rustc --version");
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let pinned = version.starts_with(&format!("rustc {PINNED_RUSTC} "));
    let strict = std::env::var_os("CI").is_some();
    assert!(
        pinned || !strict,
        "the UI snapshots were made with rustc {PINNED_RUSTC}, this is {version}; regenerate them \
         with `TRYBUILD=overwrite cargo test -p soft_delete_ui_tests`, read every diff, then \
         update PINNED_RUSTC"
    );

    let cases = trybuild::TestCases::new();
    if pinned {
        cases.compile_fail("tests/ui/fail/*.rs");
        cases.compile_fail("tests/ui/cascade/*.rs");
    } else {
        // Written past the test harness's capture, so that a passing run still says it.
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the compile-fail snapshot comparison: the .stderr snapshots were \
             made with rustc {PINNED_RUSTC} and this is {version}, whose messages differ; CI \
             compares them on {PINNED_RUSTC}. The pass cases still run."
        );
    }
    cases.pass("tests/ui/pass/*.rs");
}
