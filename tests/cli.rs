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
  |
  = help: Convert to timestamptz (unsafe fix)

db/schema.sql:8:33: warning[foreign-key-without-index] no index on orders(customer_id) for the foreign key to `customers`: deletes and key updates on `customers` scan `orders`
  |
8 |     customer_id bigint NOT NULL REFERENCES customers (id)
  |                                 ^^^^^^^^^^^^^^^^^^^^^^^^^
  |
  = help: Create index on orders(customer_id)

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
    assert!(
        line.contains(" warning ") && line.contains(" yes "),
        "{line}"
    );
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

/// `ddlint` with only the given colour variables set (those of the environment removed).
fn ddlint_with_colour_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ddlint"));
    command.args(args).current_dir(dir);
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied()).output().unwrap()
}

fn without_escape_codes(text: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(text, "")
        .into_owned()
}

#[test]
fn colour_only_when_asked_for_and_never_with_no_color() {
    let dir = TempDir::new("colour");
    dir.write("schema.sql", SCHEMA);
    for args in [
        &[
            "check",
            "schema.sql",
            "--select",
            "timestamp-without-time-zone",
        ][..],
        &["check", "schema.sql", "--statistics"],
        &["rules"],
    ] {
        let run = |env: &[(&str, &str)]| stdout(&ddlint_with_colour_env(&dir.0, args, env));
        let plain = run(&[]);
        assert!(!plain.contains('\x1b'), "not a terminal: {plain}");
        let forced = run(&[("CLICOLOR_FORCE", "1")]);
        assert!(forced.contains("\x1b["), "CLICOLOR_FORCE: {forced}");
        assert_eq!(without_escape_codes(&forced), plain, "ddlint {args:?}");
        let refused = run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
        assert_eq!(refused, plain, "NO_COLOR wins: ddlint {args:?}");
    }
}

#[test]
fn rules_table_fits_100_columns_and_keeps_code_spans_whole() {
    let dir = TempDir::new("rules-table");
    let listing = stdout(&ddlint(&dir.0, &["rules"]));
    let rules: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&ddlint(&dir.0, &["rules", "--format", "json"]))).unwrap();
    let lines: Vec<&str> = listing.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["RULE", "LEVEL", "FIX", "SUMMARY"]);
    for line in &lines {
        // Every character of the table is one column wide (ASCII and `…`).
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let mut section = "";
    let mut heading_at = 0;
    for rule in &rules {
        let id = rule["id"].as_str().unwrap();
        if rule["section"] != section {
            section = rule["section"].as_str().unwrap();
            heading_at = lines
                .iter()
                .position(|line| *line == section)
                .unwrap_or_else(|| panic!("no heading {section}"));
        }
        let rows: Vec<usize> = (0..lines.len())
            .filter(|&at| lines[at].split_whitespace().next() == Some(id))
            .collect();
        assert_eq!(rows.len(), 1, "{id}");
        let row = lines[rows[0]];
        assert!(rows[0] > heading_at, "{id} is not under {section}");
        assert!(
            !lines[heading_at..rows[0]].contains(&""),
            "{id} is not under {section}"
        );
        assert_eq!(row.matches('`').count() % 2, 0, "a code span is cut: {row}");
        let level = rule["level"].as_str().unwrap();
        assert_eq!(row.split_whitespace().nth(1), Some(level), "{row}");
    }
    assert_eq!(
        lines.iter().filter(|line| line.contains("  ")).count(),
        rules.len() + 1,
        "a row per rule and the header row:\n{listing}"
    );
}

#[test]
fn rules_as_json_for_tools() {
    let dir = TempDir::new("rules-json");
    dir.write(
        "ddlint.toml",
        "[rules.foreign-key-without-index]\nlevel = \"error\"\n",
    );
    let all: serde_json::Value =
        serde_json::from_str(&stdout(&ddlint(&dir.0, &["rules", "--format", "json"]))).unwrap();
    let fk = all
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["id"] == "foreign-key-without-index")
        .unwrap();
    assert_eq!(fk["section"], "Keys and relationships");
    assert_eq!(fk["level"], "error");
    assert_eq!(fk["default_level"], "warning");
    assert_eq!(fk["fixable"], true);
    assert!(fk.get("doc").is_none());
    assert!(
        fk["summary"]
            .as_str()
            .unwrap()
            .starts_with("Reports foreign keys whose columns"),
        "{fk}"
    );
    let one: serde_json::Value = serde_json::from_str(&stdout(&ddlint(
        &dir.0,
        &["rules", "foreign-key-without-index", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(one["id"], "foreign-key-without-index");
    assert!(one["doc"].as_str().unwrap().contains("## What it does"));
    let listing = stdout(&ddlint(&dir.0, &["rules"]));
    let row = listing
        .lines()
        .find(|line| line.starts_with("foreign-key-without-index "))
        .unwrap();
    assert!(row.contains(" error* "), "{row}");
    assert!(listing.contains("* set by ddlint.toml"), "{listing}");
}

/// The options of one command as `-h` shows them, or as README's usage block lists them.
#[derive(Debug, Default, PartialEq)]
struct Usage {
    /// Flag spellings (`-o, --output`) with the text that describes them.
    options: Vec<(String, String)>,
    /// The command line's own text (its positional arguments and their description).
    line: String,
}

/// The text of README's usage block.
fn readme_usage() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("## Usage\n\n```text\n")
        .expect("a Usage section")
        + 18;
    let end = start + readme[start..].find("\n```").unwrap();
    readme[start..end].to_string()
}

/// README's usage block by command: `ddlint check [PATH...]  description` starts a command,
/// indented lines that start with `-` its options, more indented lines continue a description.
fn readme_commands(usage: &str) -> Vec<(String, Usage)> {
    let mut commands: Vec<(String, Usage)> = Vec::new();
    for line in usage.lines() {
        if let Some(rest) = line.strip_prefix("ddlint ") {
            let name = rest.split_whitespace().next().unwrap_or("").to_string();
            commands.push((
                name,
                Usage {
                    options: Vec::new(),
                    line: line.to_string(),
                },
            ));
            continue;
        }
        let (_, usage) = commands.last_mut().expect("a command before its options");
        let trimmed = line.trim();
        if trimmed.starts_with('-') {
            let flags = trimmed
                .split_whitespace()
                .take_while(|word| word.starts_with('-'))
                .collect::<Vec<_>>()
                .join(" ");
            usage.options.push((flags, trimmed.to_string()));
        } else if let Some((_, text)) = usage.options.last_mut() {
            text.push(' ');
            text.push_str(trimmed);
        } else {
            usage.line.push(' ');
            usage.line.push_str(trimmed);
        }
    }
    commands
}

/// A section of clap's `-h` output (`Commands:`, `Arguments:`, `Options:`): its entries.
fn help_section<'a>(help: &'a str, title: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|line| *line != title)
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .map(str::trim)
        .collect()
}

fn bracketed<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let start = text.find(&format!("[{label}: "))? + label.len() + 3;
    Some(&text[start..start + text[start..].find(']')?])
}

#[test]
fn readme_usage_lists_what_help_shows() {
    let dir = TempDir::new("readme-usage");
    let usage = readme_usage();
    let readme = readme_commands(&usage);
    let main_help = stdout(&ddlint(&dir.0, &["--help"]));
    for flag in ["--help", "--version"] {
        assert!(
            usage.contains(flag),
            "README's usage does not mention {flag}"
        );
    }
    let commands: Vec<&str> = help_section(&main_help, "Commands:")
        .into_iter()
        .filter_map(|entry| entry.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    let listed: Vec<&str> = readme
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !name.starts_with(['-', '[']))
        .collect();
    assert_eq!(
        listed, commands,
        "README's usage lists other commands than --help"
    );
    for (name, listed) in &readme {
        if name.starts_with(['-', '[']) {
            continue;
        }
        let help = stdout(&ddlint(&dir.0, &[name.as_str(), "-h"]));
        let arguments = help_section(&help, "Arguments:");
        assert_eq!(
            listed.line.matches('[').count(),
            arguments.len(),
            "ddlint {name}: README shows other arguments than {arguments:?}"
        );
        for argument in arguments {
            if let Some(default) = bracketed(argument, "default") {
                assert!(
                    listed.line.contains(&format!("default: {default}")),
                    "ddlint {name}: README does not say the default {default}"
                );
            }
        }
        let options: Vec<(String, &str)> = help_section(&help, "Options:")
            .into_iter()
            .map(|entry| {
                let flags = entry
                    .split_whitespace()
                    .take_while(|word| word.starts_with('-'))
                    .collect::<Vec<_>>()
                    .join(" ");
                (flags, entry)
            })
            .filter(|(flags, _)| flags != "-h, --help" && flags != "-V, --version")
            .collect();
        let flags =
            |options: &mut dyn Iterator<Item = &String>| options.cloned().collect::<Vec<_>>();
        assert_eq!(
            flags(&mut listed.options.iter().map(|(flags, _)| flags)),
            flags(&mut options.iter().map(|(flags, _)| flags)),
            "ddlint {name}: README's options differ from -h"
        );
        for ((flags, described), (_, shown)) in listed.options.iter().zip(&options) {
            if let Some(values) = bracketed(shown, "possible values") {
                let values = values.replace(", ", "|");
                assert!(
                    described.contains(&values),
                    "ddlint {name} {flags}: README does not list {values}"
                );
            }
            if let Some(default) = bracketed(shown, "default") {
                assert!(
                    described.contains(&format!("default: {default}")),
                    "ddlint {name} {flags}: README does not say the default {default}"
                );
            }
        }
    }
}

/// `depth` parentheses around `inner`.
fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "(".repeat(depth), ")".repeat(depth))
}

/// A million nested parentheses, brackets or calls in every place an expression goes.
fn deeply_nested_schema(depth: usize) -> String {
    let calls = format!("{}1{}", "f(".repeat(depth), ")".repeat(depth));
    let array = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    [
        format!("CREATE TABLE n (a int CHECK ({}));", nested(depth, "a > 0")),
        format!("CREATE TABLE d (a int DEFAULT {});", nested(depth, "1")),
        format!("CREATE TABLE c (a int DEFAULT {calls});"),
        format!("CREATE TABLE r (a int[] DEFAULT ARRAY{array});"),
        format!(
            "CREATE TABLE g (a int GENERATED ALWAYS AS {} STORED, CHECK {});",
            nested(depth, "1"),
            nested(depth, "a > 0")
        ),
        format!("CREATE INDEX i ON n ({});", nested(depth, "a")),
        format!("CREATE INDEX w ON n (a) WHERE {};", nested(depth, "a > 0")),
        format!(
            "ALTER TABLE n ADD CONSTRAINT k CHECK {};",
            nested(depth, "a > 0")
        ),
        format!("CREATE VIEW v AS SELECT {};", nested(depth, "1")),
        format!("SELECT {};", nested(depth, "1")),
        // Never closed, at the end of the file.
        format!("CREATE TABLE u (a int CHECK ({}", "(".repeat(depth)),
    ]
    .join("\n")
}

#[test]
fn a_million_nested_parentheses_are_checked_without_a_crash() {
    let dir = TempDir::new("deep");
    dir.write("deep.sql", deeply_nested_schema(1_000_000));
    let calls = format!("{}{}", "f(".repeat(1_000_000), ")".repeat(1_000_000));
    let lists = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    dir.write(
        "prisma/schema.prisma",
        format!(
            "model A {{\n  id Int @id @default({calls})\n  b Int[] @default({lists})\n  c Int @default(f(\n}}\n"
        ),
    );
    let output = ddlint(
        &dir.0,
        &[
            "check",
            "deep.sql",
            "prisma",
            "--format",
            "json",
            "--fail-on",
            "error",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let has = |rule: &str, path: &str, line: u64| {
        found
            .iter()
            .any(|f| f["rule"] == rule && f["path"] == path && f["start"]["line"] == line)
    };
    // The tables around the nesting are analysed.
    for line in [1, 2, 3, 4, 5] {
        assert!(
            has("missing-primary-key", "deep.sql", line),
            "{line}: {found:#?}"
        );
    }
    assert!(
        has("integer-primary-key", "prisma/schema.prisma", 2),
        "{found:#?}"
    );
}

/// Brackets and quotes that are never closed: one syntax error at the opener, and the statements
/// after it are checked (eleven or more `(` hid everything after them, at the end of a file even
/// the error).
#[test]
fn unclosed_brackets_and_quotes_give_an_error_and_spare_the_statements_after_them() {
    let dir = TempDir::new("unclosed");
    let after = "\nCREATE TABLE after_it (id int);\n";
    let cases = [
        ("parens.sql", format!("SELECT {}{after}", "(".repeat(50))),
        ("parens_at_end.sql", format!("SELECT {}\n", "(".repeat(20))),
        ("string.sql", format!("INSERT INTO t VALUES ('x);{after}")),
        (
            "identifier.sql",
            format!("CREATE TABLE \"a (id int);{after}"),
        ),
        (
            "dollar.sql",
            format!("CREATE FUNCTION f() RETURNS int AS $b$ SELECT 1;{after}"),
        ),
        ("comment.sql", format!("SELECT 1; /* never closed{after}")),
        (
            "bracket.sql",
            format!("CREATE TABLE a (id int[(1));{after}"),
        ),
    ];
    for (name, text) in &cases {
        dir.write(name, text);
    }
    let output = ddlint(&dir.0, &["check", ".", "--format", "json"]);
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout(&output)).unwrap();
    for (name, _) in &cases {
        let path = format!("./{name}");
        let errors: Vec<&serde_json::Value> = found
            .iter()
            .filter(|f| f["path"] == path.as_str() && f["rule"] == "syntax-error")
            .map(|f| &f["start"]["line"])
            .collect();
        assert_eq!(errors, [1], "{name}: {found:#?}");
        if *name != "parens_at_end.sql" {
            let after_it = found.iter().any(|f| {
                f["path"] == path.as_str()
                    && f["rule"] == "missing-primary-key"
                    && f["start"]["line"] == 2
            });
            assert!(after_it, "{name}: {found:#?}");
        }
    }
}

#[test]
fn a_named_path_that_cannot_be_read_exits_2_and_says_what_it_is() {
    let dir = TempDir::new("unreadable-named");
    dir.write("latin1.sql", b"CREATE TABLE t (caf\xe9 text);\n");
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(
        "CREATE TABLE t (id int);\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    dir.write("utf16.sql", utf16);
    dir.write("ok.sql", "CREATE TABLE ok (id bigint PRIMARY KEY);\n");
    std::os::unix::fs::symlink("loop_b.sql", dir.0.join("loop_a.sql")).unwrap();
    std::os::unix::fs::symlink("loop_a.sql", dir.0.join("loop_b.sql")).unwrap();
    std::os::unix::fs::symlink("gone.sql", dir.0.join("dangling.sql")).unwrap();
    let cases = [
        ("latin1.sql", "not valid UTF-8"),
        (
            "utf16.sql",
            "UTF-16LE text (it starts with a UTF-16LE byte-order mark)",
        ),
        ("utf16.sql", "convert it, e.g. `iconv -f UTF-16LE -t UTF-8`"),
        ("loop_a.sql", "a symbolic link loop"),
        ("dangling.sql", "a symbolic link to"),
        ("missing.sql", "no such file or directory"),
    ];
    for (path, message) in cases {
        for args in [vec!["check", path], vec!["check", path, "ok.sql"]] {
            let output = ddlint(&dir.0, &args);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(&format!("error: {path}: ")), "{args:?}: {err}");
            assert!(err.contains(message), "{args:?}: {err}");
        }
    }

    // A directory whose only schema file cannot be read: nothing was checked.
    let only = TempDir::new("unreadable-only");
    only.write("db/latin1.sql", b"CREATE TABLE t (caf\xe9 text);\n");
    let output = ddlint(&only.0, &["check", "db"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("warning: db/latin1.sql: not valid UTF-8"));
    // No summary that would read as a clean result.
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");

    // Permission denied (unless running as a user who reads everything).
    let locked = dir.write("locked.sql", "CREATE TABLE l (id int);\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        let output = ddlint(&dir.0, &["check", "locked.sql"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains("permission denied"),
            "{}",
            stderr(&output)
        );
    }
}
