//! ddlint: reviews database schemas (PostgreSQL SQL and Prisma) against a schema-design checklist.
//!
//! The pipeline, one way: text -> syntax tree -> per-statement facts -> workspace schema model ->
//! rules -> diagnostics and fixes -> CLI / LSP output. See `docs/architecture.md`.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

/// `eprintln!` that ignores a closed standard error instead of panicking: neither the language
/// server nor the CLI may die because whoever started it stopped reading its messages. A fuzz
/// build (`cfg(fuzzing)`) writes nothing: lines for millions of inputs would bury its reports.
macro_rules! stderr_line {
    ($($arg:tt)*) => {{
        if !cfg!(fuzzing) {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), $($arg)*);
        }
    }};
}

/// Exit codes of the `ddlint` process, for the CLI and the language server: 0 nothing at or
/// above `--fail-on`; 1 findings; 2 usage or I/O error.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// How many threads can run at once. The standard library reads the scheduler's affinity and
/// the cgroup's quota each time, tens of microseconds a keystroke's check should not pay.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub mod allocator;
pub mod analysis;
pub mod baseline;
pub mod catalog;
pub mod chores;
pub mod cli;
pub mod config;
pub mod diagnostic;
#[cfg(test)]
mod edits;
pub mod erd;
pub mod file;
pub mod fix;
pub mod fixture;
pub mod ide;
#[cfg(test)]
mod layering;
pub mod lower;
pub mod lsp;
pub mod markdown;
pub mod mermaid;
pub mod model;
mod parallel;
pub mod rules;
pub mod suggest;
pub mod suppression;
pub mod syntax;
pub mod text;
pub mod workspace;
