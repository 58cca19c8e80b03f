//! The real-world corpus (`DDLINT_CORPUS`): every file checked without a panic, the findings
//! the same as recorded (a speed-up must not change them), and no syntax error reported on any
//! SQL file that PostgreSQL accepts.

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The digest of the findings on each part of the corpus, as last recorded.
const RECORDED_FINDINGS: &str = "tests/data/corpus-findings.tsv";

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
/// none (0), never a crash (101) or an error (2), and its JSON output parses. Its findings on
/// each part of the corpus match the digest recorded in `RECORDED_FINDINGS`: a change made for
/// speed must leave them as they were. A rule changed on purpose records them again with
/// `DDLINT_RECORD_FINDINGS=1`, and the diff of that file shows what changed where.
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
    let mut digests = String::new();
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
        digests.push_str(&digest(&corpus, &dir, &parsed));
    }
    let recorded = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(RECORDED_FINDINGS);
    if std::env::var_os("DDLINT_RECORD_FINDINGS").is_some() {
        std::fs::write(&recorded, &digests).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&recorded).unwrap_or_default();
    let changed: Vec<String> = digests
        .lines()
        .filter(|line| !expected.lines().any(|before| before == *line))
        .map(|line| format!("  now:    {line}"))
        .chain(
            expected
                .lines()
                .filter(|line| !digests.lines().any(|now| now == *line))
                .map(|line| format!("  before: {line}")),
        )
        .collect();
    assert!(
        changed.is_empty(),
        "the findings on the corpus changed (part, findings, hash, findings per rule):\n{}\n\
         If a rule changed on purpose, record them again: DDLINT_RECORD_FINDINGS=1 cargo test \
         --test corpus every_corpus_file",
        changed.join("\n")
    );
}

/// One line for the findings on `dir`: the part of the corpus, how many, a hash of all of them
/// (paths relative to the corpus), and the count of each rule.
fn digest(corpus: &Path, dir: &Path, findings: &serde_json::Value) -> String {
    let prefix = format!("{}/", corpus.display());
    let mut hash = Fnv::default();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let findings = findings.as_array().map_or(&[][..], Vec::as_slice);
    for finding in findings {
        let mut finding = finding.clone();
        if let Some(path) = finding["path"].as_str() {
            finding["path"] = path.strip_prefix(&prefix).unwrap_or(path).into();
        }
        hash.write(finding.to_string().as_bytes());
        let rule = finding["rule"].as_str().unwrap_or("?").to_string();
        *per_rule.entry(rule).or_default() += 1;
    }
    let part = dir
        .strip_prefix(corpus)
        .unwrap_or(dir)
        .display()
        .to_string();
    let mut line = format!("{part}\t{}\t{:016x}\t", findings.len(), hash.0);
    for (index, (rule, count)) in per_rule.into_iter().enumerate() {
        let separator = if index == 0 { "" } else { " " };
        let _ = write!(line, "{separator}{rule}={count}");
    }
    line.push('\n');
    line
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust releases, unlike the standard one.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
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
