//! Every misuse of `#[derive(SoftDelete)]` fails to compile with a message at the user's span;
//! every supported use compiles cleanly under `#![deny(warnings)]`.

use std::process::Command;

/// The compiler the `.stderr` snapshots were written with. Messages differ between compiler
/// releases, so another compiler fails here, loudly, instead of in fifty confusing diffs.
const PINNED_RUSTC: &str = "1.95.0";

#[test]
fn ui() {
    let version = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
        .arg("--version")
        .output()
        .expect("run rustc --version");
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(
        version.starts_with(&format!("rustc {PINNED_RUSTC} ")),
        "the UI snapshots were made with rustc {PINNED_RUSTC}, this is {version}; regenerate them \
         with `TRYBUILD=overwrite cargo test -p soft_delete_ui_tests`, read every diff, then \
         update PINNED_RUSTC"
    );

    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.compile_fail("tests/ui/cascade/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
