//! Code shared by the end-to-end tests. Each test target includes it with `mod support;`.
// Every test target uses a different part of this module.
#![allow(dead_code)]

pub mod child;
pub mod external;
pub mod json_schema;
pub mod postgres;

/// The environment variable that turns a skipped test (a missing outside program) into a failure,
/// so CI cannot pass by skipping.
pub const REQUIRE_EXTERNAL: &str = "DDLINT_REQUIRE_EXTERNAL";

/// Whether tests must fail instead of skipping when an outside program is missing.
pub fn require_external() -> bool {
    std::env::var(REQUIRE_EXTERNAL).is_ok_and(|value| value == "1")
}

/// Reports that `test` cannot run because `needs` is missing (`reason` says how and what to do): a
/// visible skip normally, a panic when `DDLINT_REQUIRE_EXTERNAL=1`.
pub fn skip(test: &str, needs: external::Needs, reason: &str) {
    let message = format!("skipping {test}: {reason} ({needs:?} is missing)");
    if require_external() {
        panic!("{message}");
    }
    notice(&message);
}

/// Prints `message` on the real standard error: `eprintln!` output of a passing test is
/// captured by the test harness, and a skip must be seen.
pub fn notice(message: &str) {
    use std::io::Write;
    // Nothing useful can be done if standard error is gone.
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}
