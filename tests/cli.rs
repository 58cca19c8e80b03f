//! `ddlint check` and `ddlint rules` as a user runs them: output formats, exit codes, fixes,
//! bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary directory removed at the end of the test.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("ddlint-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ddlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

const SCHEMA: &str = "\
CREATE TABLE customers (
    id bigint PRIMARY KEY,
    created_at timestamp NOT NULL -- when they signed up
);

CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id)
);
";

#[test]
fn text_output_like_rustc_and_ruff() {
    let dir = TempDir::new("text");
    dir.write("db/schema.sql", SCHEMA);
    let output = ddlint(
        &dir.0,
        &[
            "check",
            "db",
            "--select",
            "timestamp-without-time-zone,foreign-key-without-index",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let expected = "\
db/schema.sql:3:16: warning[timestamp-without-time-zone] `created_at` is `timestamp without time zone`: it stores a wall-clock reading, not an instant; use `timestamptz`
  |
3 |     created_at timestamp NOT NULL -- when they signed up
  |                ^^^^^^^^^
   = fix: Convert to timestamptz (unsafe)

db/schema.sql:8:33: warning[foreign-key-without-index] no index on orders(customer_id) for the foreign key to `customers`: deletes and key updates on `customers` scan `orders`
  |
8 |     customer_id bigint NOT NULL REFERENCES customers (id)
  |                                 ^^^^^^^^^^^^^^^^^^^^^^^^^
   = fix: Create index on orders(customer_id)

Found 2 problems (0 errors, 2 warnings, 0 info) in 1 file.
1 fixable with `ddlint check --fix`.
1 more fixable with `--fix --unsafe-fixes` (they change meaning or data).
";
    assert_eq!(stdout(&output), expected);
}

#[test]
fn json_output_shape_and_order() {
    let dir = TempDir::new("json");
    dir.write(
        "b.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n",
    );
    dir.write(
        "a.sql",
        "CREATE TABLE u (id bigint PRIMARY KEY, é text, at timestamp);\n",
    );
    let output = ddlint(
        &dir.0,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "timestamp-without-time-zone",
            "b.sql",
            "a.sql",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let found: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let expected = serde_json::json!([
        {
            "path": "a.sql", "rule": "timestamp-without-time-zone", "severity": "warning",
            "message": "`at` is `timestamp without time zone`: it stores a wall-clock reading, not an instant; use `timestamptz`",
            "start": {"line": 1, "column": 51}, "end": {"line": 1, "column": 60},
            "fixes": [{"title": "Convert to timestamptz", "safety": "unsafe"}]
        },
        {
            "path": "b.sql", "rule": "timestamp-without-time-zone", "severity": "warning",
            "message": "`at` is `timestamp without time zone`: it stores a wall-clock reading, not an instant; use `timestamptz`",
            "start": {"line": 1, "column": 43}, "end": {"line": 1, "column": 52},
            "fixes": [{"title": "Convert to timestamptz", "safety": "unsafe"}]
        }
    ]);
    assert_eq!(found, expected);
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = TempDir::new("exit");
    dir.write(
        "s.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n",
    );
    let select = ["--select", "timestamp-without-time-zone"];
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "s.sql"];
        args.extend_from_slice(&select);
        args.extend_from_slice(extra);
        ddlint(&dir.0, &args).status.code()
    };
    assert_eq!(run(&[]), Some(1));
    assert_eq!(run(&["--fail-on", "error"]), Some(0));
    assert_eq!(run(&["--fail-on", "info"]), Some(1));
    let clean = TempDir::new("exit-clean");
    clean.write(
        "s.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz);\n",
    );
    assert_eq!(
        ddlint(
            &clean.0,
            &["check", "--select", "timestamp-without-time-zone"]
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn usage_errors_exit_2_with_a_helpful_message() {
    let dir = TempDir::new("usage");
    dir.write("s.sql", "SELECT 1;\n");
    let unknown_rule = ddlint(&dir.0, &["check", "--select", "timestamp-without-timezone"]);
    assert_eq!(unknown_rule.status.code(), Some(2));
    assert!(
        stderr(&unknown_rule).contains("did you mean `timestamp-without-time-zone`?"),
        "{}",
        stderr(&unknown_rule)
    );
    let missing = ddlint(&dir.0, &["check", "nowhere.sql"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nowhere.sql"),
        "{}",
        stderr(&missing)
    );
    let bad_flag = ddlint(&dir.0, &["check", "--format", "yaml"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    dir.write("ddlint.toml", "[policy]\nstrings = \"txt\"\n");
    let bad_config = ddlint(&dir.0, &["check"]);
    assert_eq!(bad_config.status.code(), Some(2));
    assert!(
        stderr(&bad_config).contains("ddlint.toml:2:"),
        "{}",
        stderr(&bad_config)
    );
}

#[test]
fn fix_applies_safe_fixes_and_keeps_formatting() {
    let dir = TempDir::new("fix");
    let path = dir.write("db/schema.sql", SCHEMA.replace('\n', "\r\n"));
    let fix = |unsafe_fixes: bool| {
        let mut args = vec![
            "check",
            "db",
            "--fix",
            "--select",
            "timestamp-without-time-zone,foreign-key-without-index",
        ];
        if unsafe_fixes {
            args.push("--unsafe-fixes");
        }
        ddlint(&dir.0, &args)
    };
    // The index is a safe fix; converting to timestamptz changes what applications read.
    let output = fix(false);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("Fixed 1 problem."),
        "{}",
        stdout(&output)
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.contains("created_at timestamp NOT NULL"), "{fixed}");
    let output = fix(true);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let fixed = std::fs::read_to_string(path).unwrap();
    let expected = "\
CREATE TABLE customers (
    id bigint PRIMARY KEY,
    created_at timestamptz NOT NULL -- when they signed up
);

CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id)
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
"
    .replace('\n', "\r\n");
    assert_eq!(fixed, expected);
}

#[test]
fn unreadable_files_are_named_and_skipped() {
    let dir = TempDir::new("bad-input");
    dir.write("latin1.sql", b"CREATE TABLE t (caf\xe9 text);\n");
    dir.write("binary.sql", b"\x00\x01\x02garbage");
    dir.write("empty.sql", "");
    dir.write(
        "ok.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n",
    );
    let output = ddlint(
        &dir.0,
        &["check", "--select", "timestamp-without-time-zone"],
    );
    let err = stderr(&output);
    assert!(err.contains("latin1.sql: not valid UTF-8"), "{err}");
    assert!(err.contains("binary.sql: binary file"), "{err}");
    assert!(!err.contains("empty.sql"), "{err}");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("ok.sql:1:43"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_50_mb_file_is_checked() {
    let dir = TempDir::new("large");
    let mut text =
        String::from("CREATE TABLE events (id bigint PRIMARY KEY, payload text, at timestamp);\n");
    let row = "INSERT INTO events VALUES (1, 'a row of data that repeats to make a large dump file', now());\n";
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(row);
    }
    dir.write("dump.sql", &text);
    let output = ddlint(
        &dir.0,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "timestamp-without-time-zone,syntax-error",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn rules_lists_and_documents() {
    let dir = TempDir::new("rules");
    let list = ddlint(&dir.0, &["rules"]);
    assert_eq!(list.status.code(), Some(0));
    let listing = stdout(&list);
    let line = listing
        .lines()
        .find(|l| l.starts_with("foreign-key-without-index "))
        .unwrap();
    assert!(line.contains("warning") && line.contains("fix"), "{line}");
    let doc = ddlint(&dir.0, &["rules", "foreign-key-without-index"]);
    assert_eq!(doc.status.code(), Some(0));
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Fix safety",
        "## Options",
    ] {
        assert!(stdout(&doc).contains(section), "{section} missing");
    }
    let unknown = ddlint(&dir.0, &["rules", "foreign-key-without-indx"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `foreign-key-without-index`?"));
}

/// Like `ddlint rules | head -1`, but deterministic: the reader is gone before ddlint writes.
fn ddlint_into_closed_pipe(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(writer)
        .output()
        .unwrap()
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = TempDir::new("pipe");
    dir.write("schema.sql", SCHEMA);
    for (args, code) in [
        (&["rules"][..], 0),
        (&["rules", "create-rule"], 0),
        (&["check", "schema.sql"], 1),
        (&["check", "schema.sql", "--format", "json"], 1),
        (&["check", "schema.sql", "--format", "sarif"], 1),
        (
            &["check", "schema.sql", "--statistics", "--format", "json"],
            1,
        ),
        (&["erd", "schema.sql"], 0),
    ] {
        let output = ddlint_into_closed_pipe(&dir.0, args);
        assert_eq!(stderr(&output), "", "ddlint {args:?}");
        assert_eq!(output.status.code(), Some(code), "ddlint {args:?}");
    }
}

#[test]
fn a_closed_standard_error_does_not_change_the_exit_code() {
    let dir = TempDir::new("stderr-pipe");
    dir.write("schema.sql", SCHEMA);
    for (args, code) in [
        (&["check", "missing.sql"][..], 2),
        (&["check", "schema.sql", "--select", "no-such-rule"], 2),
        (&["check", "schema.sql"], 1),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = Command::new(env!("CARGO_BIN_EXE_ddlint"))
            .args(args)
            .current_dir(&dir.0)
            .env("NO_COLOR", "1")
            .stderr(writer)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(code), "ddlint {args:?}");
    }
}

#[test]
fn help_and_version() {
    let dir = TempDir::new("help");
    let help = ddlint(&dir.0, &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    for command in ["check", "rules"] {
        assert!(stdout(&help).contains(command), "{}", stdout(&help));
    }
    let version = ddlint(&dir.0, &["--version"]);
    assert_eq!(
        stdout(&version).trim(),
        format!("ddlint {}", env!("CARGO_PKG_VERSION"))
    );
}
