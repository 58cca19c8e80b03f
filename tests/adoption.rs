//! Adopting ddlint on an existing codebase, as a user does it in a git repository: history
//! (applied and pending migrations, fixes as new migrations), `--since`, baselines, and the end
//! of a long report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A temporary git repository, removed at the end of the test.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        let path = std::env::temp_dir().join(format!("ddlint-adopt-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        let repo = Repo(path);
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.0.join(relative)).unwrap()
    }

    fn git(&self, args: &[&str]) {
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args([
                "-c",
                "user.name=ddlint",
                "-c",
                "user.email=ddlint@example.com",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "-m", message]);
    }

    fn ddlint(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ddlint"))
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn findings(&self, args: &[&str]) -> Vec<(String, String, u64)> {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let output = self.ddlint(&all);
        let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        json.as_array()
            .unwrap()
            .iter()
            .map(|finding| {
                (
                    finding["path"]
                        .as_str()
                        .unwrap()
                        .trim_start_matches("./")
                        .to_owned(),
                    finding["rule"].as_str().unwrap().to_owned(),
                    finding["start"]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const INIT: &str = "\
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE);
";

#[test]
fn migrations_on_the_default_branch_are_never_rewritten() {
    let repo = Repo::new("history");
    repo.write("db/migrations/20240101000000_init.sql", INIT);
    repo.write(
        "db/migrations/20240201000000_note.sql",
        "ALTER TABLE orders ADD COLUMN note text;\n",
    );
    repo.commit_all("init");
    repo.git(&["checkout", "--quiet", "-b", "feature"]);
    let index = "CREATE INDEX orders_note_idx ON orders (note);\n";
    repo.write("db/migrations/20240301000000_index.sql", index);

    // Advice about migrations that ran helps nobody: only the new one is reviewed as a change.
    let findings = repo.findings(&["--select", "index-not-concurrent,foreign-key-without-index"]);
    assert_eq!(
        findings,
        [
            (
                "db/migrations/20240101000000_init.sql".to_owned(),
                "foreign-key-without-index".to_owned(),
                2
            ),
            (
                "db/migrations/20240301000000_index.sql".to_owned(),
                "index-not-concurrent".to_owned(),
                1
            ),
        ]
    );

    let fixed = repo.ddlint(&["check", "--fix", "--select", "foreign-key-without-index"]);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stdout)
    );
    assert_eq!(repo.read("db/migrations/20240101000000_init.sql"), INIT);
    assert_eq!(repo.read("db/migrations/20240301000000_index.sql"), index);
    let names = files_in(&repo.0.join("db/migrations"));
    assert_eq!(names.len(), 4, "{names:?}");
    let written = &names[3];
    assert!(
        written.ends_with("_create_index_orders_customer_id_idx.sql"),
        "{written}"
    );
    assert_eq!(
        repo.read(&format!("db/migrations/{written}")),
        "-- no-transaction\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n"
    );
    // ddlint does not flag what it wrote.
    assert_eq!(
        repo.findings(&[])
            .iter()
            .filter(|f| f.0.ends_with(written))
            .count(),
        0
    );

    // Once the feature is merged, its migration is history too.
    repo.commit_all("feature");
    repo.git(&["checkout", "--quiet", "main"]);
    repo.git(&["merge", "--quiet", "feature"]);
    assert_eq!(
        repo.findings(&["--select", "index-not-concurrent"]),
        Vec::<(String, String, u64)>::new()
    );
}

#[test]
fn since_reports_only_what_changed() {
    let repo = Repo::new("since");
    repo.write(
        "db/schema.sql",
        "CREATE TABLE events (id bigint PRIMARY KEY, at timestamp NOT NULL);\n",
    );
    repo.write(
        "db/other.sql",
        "CREATE TABLE logs (id bigint PRIMARY KEY, at timestamp NOT NULL);\n",
    );
    repo.commit_all("init");
    repo.write(
        "db/schema.sql",
        "-- moved down by a comment\nCREATE TABLE events (id bigint PRIMARY KEY, at timestamp NOT NULL);\nCREATE TABLE visits (id bigint PRIMARY KEY, at timestamp NOT NULL);\n",
    );
    repo.write(
        "db/new.sql",
        "CREATE TABLE clicks (id bigint PRIMARY KEY, at timestamp NOT NULL);\n",
    );
    let rule = ["--select", "timestamp-without-time-zone"];
    assert_eq!(repo.findings(&rule).len(), 4);
    let since: Vec<&str> = ["--since", "HEAD"].iter().chain(&rule).copied().collect();
    assert_eq!(
        repo.findings(&since),
        [
            (
                "db/new.sql".to_owned(),
                "timestamp-without-time-zone".to_owned(),
                1
            ),
            (
                "db/schema.sql".to_owned(),
                "timestamp-without-time-zone".to_owned(),
                3
            ),
        ]
    );
    let bad = repo.ddlint(&["check", "--since", "no-such-ref"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--since no-such-ref: no such commit"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn a_baseline_reports_only_new_findings_and_its_stale_entries() {
    let repo = Repo::new("baseline");
    repo.write(
        "db/schema.sql",
        "CREATE TABLE events (id bigint PRIMARY KEY, at timestamp NOT NULL, seen timestamp NOT NULL);\n",
    );
    let rule = "timestamp-without-time-zone";
    let written = repo.ddlint(&[
        "check",
        "--select",
        rule,
        "--write-baseline",
        "ddlint-baseline.json",
    ]);
    assert_eq!(written.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&written.stderr)
            .contains("Recorded 2 findings in ddlint-baseline.json"),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let rules = format!("{rule},unused-suppression");
    let with_baseline = ["--select", &rules, "--baseline", "ddlint-baseline.json"];
    assert_eq!(repo.findings(&with_baseline), []);
    let clean = repo.ddlint(&[
        "check",
        "--select",
        rule,
        "--baseline",
        "ddlint-baseline.json",
    ]);
    assert_eq!(clean.status.code(), Some(0));

    // Lines move and a finding goes away; a new one appears.
    repo.write(
        "db/schema.sql",
        "\n\nCREATE TABLE events (id bigint PRIMARY KEY, at timestamp NOT NULL, seen timestamptz NOT NULL);\nCREATE TABLE visits (id bigint PRIMARY KEY, at timestamp NOT NULL);\n",
    );
    let found = repo.findings(&with_baseline);
    assert_eq!(
        found,
        [
            ("db/schema.sql".to_owned(), rule.to_owned(), 4),
            (
                "ddlint-baseline.json".to_owned(),
                "unused-suppression".to_owned(),
                5
            ),
        ]
    );
    let text = repo.ddlint(&[
        "check",
        "--select",
        &rules,
        "--baseline",
        "ddlint-baseline.json",
    ]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains(
            "ddlint-baseline.json:5:5: info[unused-suppression] baseline entry for `timestamp-without-time-zone` in db/schema.sql matches no finding any more"
        ),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );

    // The configuration names it for every run.
    repo.write("ddlint.toml", "baseline = \"ddlint-baseline.json\"\n");
    assert_eq!(repo.findings(&["--select", &rules]), found);

    let broken = repo.write("broken.json", "[1, 2]");
    let refused = repo.ddlint(&["check", "--baseline", broken.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a ddlint baseline"));
}

#[test]
fn a_long_report_ends_with_counts_per_rule_and_the_baseline_command() {
    let repo = Repo::new("long");
    let mut schema = String::new();
    for n in 0..40 {
        schema.push_str(&format!(
            "CREATE TABLE t{n} (id bigint PRIMARY KEY, at timestamp NOT NULL);\n"
        ));
    }
    repo.write("schema.sql", &schema);
    let output = repo.ddlint(&["check", "schema.sql"]);
    let text = String::from_utf8_lossy(&output.stdout);
    let tail: Vec<&str> = text.lines().rev().take(12).collect();
    assert!(
        tail.iter()
            .any(|line| line.starts_with("40\ttimestamp-without-time-zone")),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with(
            "(`ddlint check schema.sql --write-baseline ddlint-baseline.json`, then `baseline = \"ddlint-baseline.json\"` in ddlint.toml): later runs report only new findings."
        ),
        "{text}"
    );
    let short = repo.write(
        "short.sql",
        "CREATE TABLE one (id bigint PRIMARY KEY, at timestamp NOT NULL);\n",
    );
    let output = repo.ddlint(&["check", short.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&output.stdout).contains("write-baseline"));
}

#[test]
fn presets_and_frameworks_set_how_loud_the_checklist_is() {
    let repo = Repo::new("preset");
    let schema = "\
CREATE TABLE ar_internal_metadata (key varchar PRIMARY KEY, value varchar);
CREATE TABLE visits (id bigint PRIMARY KEY, at timestamp NOT NULL, seen boolean);
";
    repo.write("db/structure.sql", schema);
    let severities = |repo: &Repo| -> Vec<(String, String)> {
        let output = repo.ddlint(&["check", "--format", "json"]);
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["severity"].as_str().unwrap().to_owned(),
                )
            })
            .filter(|(rule, _)| {
                [
                    "timestamp-without-time-zone",
                    "nullable-boolean",
                    "missing-table-comment",
                ]
                .contains(&rule.as_str())
            })
            .collect()
    };
    // Rails writes UTC: the timestamp finding is informational; opinions are quiet.
    assert_eq!(
        severities(&repo),
        [("timestamp-without-time-zone".to_owned(), "info".to_owned())]
    );
    repo.write("ddlint.toml", "preset = \"strict\"\n");
    let strict = severities(&repo);
    assert!(
        strict.contains(&("nullable-boolean".to_owned(), "warning".to_owned()))
            && strict.contains(&("missing-table-comment".to_owned(), "warning".to_owned())),
        "{strict:?}"
    );
    repo.write(
        "db/structure.sql",
        &schema.replace("ar_internal_metadata", "settings"),
    );
    assert!(severities(&repo).contains(&(
        "timestamp-without-time-zone".to_owned(),
        "warning".to_owned()
    )));
}
