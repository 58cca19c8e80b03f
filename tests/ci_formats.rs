//! The output formats for CI: `--format sarif` (validated against the SARIF 2.1.0 schema) and
//! `--format github` (workflow commands), from the real binary.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::json_schema::Schema;

/// A directory of schema files, removed when dropped.
struct Workspace {
    dir: PathBuf,
}

impl Workspace {
    fn new(name: &str, files: &[(&str, &str)]) -> Workspace {
        let dir = std::env::temp_dir().join(format!("ddlint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap_or(&dir)).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Workspace { dir }
    }

    fn ddlint(&self, args: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_ddlint"))
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap();
        assert!(
            output.status.code().is_some_and(|code| code <= 1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A line with a character outside the Basic Multilingual Plane before a finding, so that UTF-16
/// columns differ from character columns.
const SCHEMA_SQL: &str = "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n\
/* 😀 */ CREATE TABLE \"UserAccounts\" (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);\n\
CREATE TABLE events (id bigint PRIMARY KEY);\n";

fn schema() -> Schema {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/sarif-schema-2.1.0.json");
    Schema::new(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let workspace = Workspace::new("sarif", &[("db/schema.sql", SCHEMA_SQL)]);
    let log: Value =
        serde_json::from_str(&workspace.ddlint(&["check", "--format", "sarif", "db"])).unwrap();
    let errors = schema().validate(&log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "db/schema.sql");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    }

    let find = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("no {rule}"))
    };
    // `"UserAccounts"` follows `/* 😀 */ CREATE TABLE `: 21 characters, 22 UTF-16 code units.
    let snake = &find("identifier-not-snake-case")["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (snake["startLine"].as_u64(), snake["startColumn"].as_u64()),
        (Some(2), Some(23))
    );
    assert_eq!(
        snake["endColumn"].as_u64(),
        Some(23 + "\"UserAccounts\"".len() as u64)
    );
    let timestamp = find("timestamp-without-time-zone");
    assert_eq!(timestamp["level"], "warning");
    let replacement = &timestamp["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "timestamptz");
    let duplicate = find("duplicate-table");
    assert_eq!(duplicate["level"], "error");
    assert_eq!(
        duplicate["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    let rule = rules.iter().find(|r| r["id"] == "duplicate-table").unwrap();
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert!(
        rule["fullDescription"]["text"]
            .as_str()
            .is_some_and(|text| text.contains("CREATE TABLE"))
    );
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    let workspace = Workspace::new("sarif-invalid", &[("schema.sql", SCHEMA_SQL)]);
    let mut log: Value =
        serde_json::from_str(&workspace.ddlint(&["check", "--format", "sarif"])).unwrap();
    let schema = schema();
    assert!(schema.validate(&log).is_empty());
    let result = &mut log["runs"][0]["results"][0];
    result["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0.into();
    result["level"] = "fatal".into();
    result.as_object_mut().unwrap().remove("message");
    let errors = schema.validate(&log);
    for expected in ["startColumn", "level", "message"] {
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{expected} not reported: {errors:?}"
        );
    }
}

#[test]
fn github_workflow_commands() {
    let workspace = Workspace::new("github", &[("a,b.sql", SCHEMA_SQL)]);
    let output = workspace.ddlint(&["check", "--format", "github"]);
    let line = output
        .lines()
        .find(|line| line.contains("title=timestamp-without-time-zone"))
        .unwrap_or_else(|| panic!("no annotation in {output}"));
    assert!(
        line.starts_with("::warning file=a%2Cb.sql,line=1,col=57,endLine=1,endColumn=66,"),
        "{line}"
    );
    assert!(
        line.contains("::`happened_at` is `timestamp without time zone`"),
        "{line}"
    );
    assert!(
        output
            .lines()
            .any(|l| l.starts_with("::error ") && l.contains("title=duplicate-table::")),
        "{output}"
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let workspace = Workspace::new("statistics", &[("schema.sql", SCHEMA_SQL)]);
    let rows: Value =
        serde_json::from_str(&workspace.ddlint(&["check", "--statistics", "--format", "json"]))
            .unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "timestamp-without-time-zone")
        .unwrap();
    assert_eq!(
        (
            row["count"].as_u64(),
            row["severity"].as_str(),
            row["fixable"].as_bool()
        ),
        (Some(1), Some("warning"), Some(false)),
        "converting to timestamptz is an unsafe fix: `--fix` alone does not apply it"
    );
    let text = workspace.ddlint(&["check", "--statistics"]);
    let columns = text
        .lines()
        .map(|line| line.split('\t').map(str::trim).collect::<Vec<_>>())
        .find(|columns| columns.get(1) == Some(&"timestamp-without-time-zone"));
    assert_eq!(
        columns,
        Some(vec!["1", "timestamp-without-time-zone", "warning"]),
        "{text}"
    );
}
