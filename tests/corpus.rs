//! The real-world corpus (`DDLINT_CORPUS`): every file checked without a panic, and no syntax
//! error reported on any SQL file that PostgreSQL accepts.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus(test: &str) -> Option<PathBuf> {
    match std::env::var_os("DDLINT_CORPUS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            support::skip(
                test,
                support::external::Needs::Corpus,
                "DDLINT_CORPUS is not set (point it at the shared corpus directory)",
            );
            None
        }
    }
}

fn ddlint(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ddlint: {e}"))
}

/// Every file of the corpus goes through every rule: the process finishes with findings (1) or
/// none (0), never a crash (101) or an error (2), and its JSON output parses.
#[test]
fn every_corpus_file_is_checked_without_a_crash() {
    let Some(corpus) = corpus("every_corpus_file_is_checked_without_a_crash") else {
        return;
    };
    let mut dirs = vec![
        corpus.join("sql"),
        corpus.join("prisma"),
        corpus.join("pg-regress"),
        corpus.join("markdown"),
    ];
    let mut projects: Vec<PathBuf> = std::fs::read_dir(corpus.join("migrations"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    projects.sort();
    dirs.extend(projects);
    for dir in dirs {
        let output = ddlint(&["check", "--format", "json", "--fail-on", "error"], &dir);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "ddlint check {} exited with {:?}:\n{stderr}",
            dir.display(),
            output.status.code()
        );
        assert!(
            !stderr.contains("internal error"),
            "{}: a rule failed:\n{stderr}",
            dir.display()
        );
        let parsed: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{}: output is not JSON: {e}", dir.display()));
        assert!(
            parsed.is_array(),
            "{}: output is not a JSON array",
            dir.display()
        );
    }
}

/// `ddlint check --select syntax-error` over `sql/` and `migrations/` reports nothing: PostgreSQL
/// accepts every applied file there (down migrations are never applied, nor checked).
#[test]
fn no_syntax_error_on_sql_postgres_accepts() {
    let Some(corpus) = corpus("no_syntax_error_on_sql_postgres_accepts") else {
        return;
    };
    for dir in [corpus.join("sql"), corpus.join("migrations")] {
        let output = ddlint(
            &["check", "--select", "syntax-error", "--format", "json"],
            &dir,
        );
        let found: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{}: output is not JSON: {e}", dir.display()));
        assert!(
            found.is_empty(),
            "syntax errors reported in {}:\n{}",
            dir.display(),
            serde_json::to_string_pretty(&found).unwrap()
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The design documents of `markdown/` show parts of real schemas, excerpts and queries: none of
/// that is a syntax error, a reference to an unknown table or a duplicate definition.
#[test]
fn design_documents_report_no_fragment_as_an_error() {
    let Some(corpus) = corpus("design_documents_report_no_fragment_as_an_error") else {
        return;
    };
    let dir = corpus.join("markdown");
    let output = ddlint(&["check", "--format", "json"], &dir);
    let found: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("output is not JSON: {e}"));
    let fragment_rules = [
        "syntax-error",
        "foreign-key-unknown-target",
        "unknown-column-reference",
        "unknown-type",
        "duplicate-table",
        "duplicate-column",
    ];
    let wrong: Vec<&serde_json::Value> = found
        .iter()
        .filter(|d| fragment_rules.contains(&d["rule"].as_str().unwrap_or("")))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The documents that define tables are read: civitai's outbox tables use `timestamp(3)`.
    assert!(
        found
            .iter()
            .any(|d| d["rule"] == "timestamp-without-time-zone"
                && d["path"]
                    .as_str()
                    .unwrap_or("")
                    .ends_with("civitai-outbox-tables.md")),
        "the SQL blocks of the documents were not read"
    );
}
