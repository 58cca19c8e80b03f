//! The Mermaid that ddlint writes is Mermaid: `ddlint erd --format mermaid` on the examples (two
//! schema sources), on a schema whose names need quoting, with comments holding quotes and `%%`,
//! composite and one-to-one foreign keys, and on two sources sharing table names; and the
//! diagrams `mermaid::update` writes for hand-drawn diagrams, and one with every drift fix applied.
//! tests/mermaid-check/check.js parses and renders each with the `mermaid` npm package in headless
//! Chromium; a broken diagram goes along as a control that must be rejected.
//!
//! Needs Node 20 or newer, `npm ci --ignore-scripts` in tests/mermaid-check and Chromium
//! (`/usr/bin/chromium`, or `CHROMIUM`); without them the test is skipped with a message, and
//! `DDLINT_REQUIRE_EXTERNAL=1` makes that a failure.

mod support;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use ddlint::analysis::{TextInput, build_models};
use ddlint::config::Config;
use support::child::run_with_timeout;
use support::external::Needs;
use support::skip;

const TIMEOUT: Duration = Duration::from_secs(300);

/// Names Mermaid reads as syntax or cannot hold unquoted, a comment with quotes and `%%`, a
/// composite foreign key, a one-to-one key, types with commas, time zones and arrays.
const AWKWARD: &str = "\
CREATE SCHEMA audit;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE \"Order Items\" (
    order_id int NOT NULL,
    line int NOT NULL,
    \"Qty\" numeric(12,2),
    feeling mood[],
    PRIMARY KEY (order_id, line)
);
COMMENT ON COLUMN \"Order Items\".\"Qty\" IS 'how many \"units\"; 50% off, %% not a comment';
CREATE TABLE audit.events (
    id bigint PRIMARY KEY,
    order_id int,
    line int,
    \"end\" timestamp(3) with time zone,
    FOREIGN KEY (order_id, line) REFERENCES \"Order Items\"
);
CREATE TABLE \"end\" (id int PRIMARY KEY, event_id bigint NOT NULL UNIQUE REFERENCES audit.events);
CREATE TABLE \"2fa codes\" (\"user\" int PRIMARY KEY REFERENCES \"end\", \"größe\" text);
CREATE TABLE one (id int PRIMARY KEY, pk int, \"1st\" int);
";

const SHARED: &str = "\
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users);
";

/// Hand-drawn diagrams to update from the schema: their labels, order and front matter are kept.
const DRAWN: &[&str] = &[
    "erDiagram\n",
    "---\ntitle: \"Orders\"\n---\nerDiagram\n    direction LR\n    \"end\" ||--o{ \"audit.events\" : \"has \\\"many\\\"\"\n    ghost\n",
    "erDiagram\n    one {\n        int id PK\n    }\n    \"Order Items\" only one to zero or more audit_events : \"lines\"\n",
];

#[test]
fn mermaid_parses_what_ddlint_writes() {
    let test = "mermaid_parses_what_ddlint_writes";
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lies in the repository");
    let check = root.join("tests/mermaid-check");
    let Some(node) = find_on_path("node") else {
        return skip(test, Needs::Mermaid, "node not found on PATH");
    };
    if !check
        .join("node_modules/mermaid/dist/mermaid.min.js")
        .is_file()
        || !check.join("node_modules/playwright-core").is_dir()
    {
        return skip(
            test,
            Needs::Mermaid,
            "mermaid is not installed; run `npm ci --ignore-scripts` in tests/mermaid-check",
        );
    }
    let chromium = env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        return skip(
            test,
            Needs::Chromium,
            &format!(
                "{} not found (apt-get install chromium)",
                chromium.display()
            ),
        );
    }

    let work = env::temp_dir().join(format!("ddlint-mermaid-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    for (path, text) in [
        ("awkward/schema.sql", AWKWARD),
        ("shared/a/schema.sql", SHARED),
        ("shared/b/schema.sql", SHARED),
    ] {
        let path = work.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    let mut diagrams = vec![
        ("erd of examples".to_string(), erd(root, &["examples"])),
        (
            "erd of examples/schema.sql".to_string(),
            erd(root, &["examples", "--source", "examples/schema.sql"]),
        ),
        ("erd of awkward names".to_string(), erd(&work, &["awkward"])),
        (
            "erd of two sources sharing names".to_string(),
            erd(&work, &["shared"]),
        ),
        (
            "erd around a table".to_string(),
            erd(&work, &["awkward", "--around", "end"]),
        ),
    ];
    assert!(
        diagrams[3].1.contains("\"users (shared/a/schema.sql)\""),
        "{}",
        diagrams[3].1
    );
    let model = build_models(
        vec![TextInput {
            path: "schema.sql".into(),
            key: "/schema.sql".into(),
            text: Arc::new(String::from(AWKWARD)),
        }],
        &Config::default(),
    )
    .sources
    .remove(0)
    .model;
    for (i, drawn) in DRAWN.iter().enumerate() {
        let diagram = ddlint::mermaid::parse(drawn, 0);
        let updated = ddlint::mermaid::update(&diagram, &model);
        assert!(
            ddlint::mermaid::drift(&ddlint::mermaid::parse(&updated, 0), &model).is_empty(),
            "{updated}"
        );
        diagrams.push((format!("update of drawn diagram {i}"), updated));
    }
    // Every fix of a drawn diagram applied: the lines they add are Mermaid too.
    let drawn = "erDiagram\n    \"Order Items\" {\n        int order_id PK\n        text Qty\n        int gone\n    }\n    \"end\" ||--|| audit_events : \"fires\"\n    \"2fa codes\" }o--o{ one : \"nothing\"\n";
    let diagram = ddlint::mermaid::parse(drawn, 0);
    let drifts = ddlint::mermaid::drift(&diagram, &model);
    assert!(drifts.len() >= 5, "{drifts:#?}");
    let mut edits: Vec<_> = drifts
        .into_iter()
        .filter_map(|d| d.fix)
        .flat_map(|(_, e)| e)
        .collect();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start()));
    let mut fixed = drawn.to_string();
    for (range, text) in edits {
        fixed.replace_range(range.start() as usize..range.end() as usize, &text);
    }
    diagrams.push(("drawn diagram with every fix applied".to_string(), fixed));
    let _ = std::fs::remove_dir_all(&work);

    let mut json: Vec<serde_json::Value> = diagrams
        .iter()
        .map(|(name, text)| serde_json::json!({ "name": name, "text": text }))
        .collect();
    json.push(serde_json::json!({
        "name": "control: a relationship without its second entity",
        "text": "erDiagram\n    users ||--o{\n",
        "invalid": true,
    }));
    let input = env::temp_dir().join(format!("ddlint-mermaid-{}.json", std::process::id()));
    std::fs::write(&input, serde_json::to_string(&json).unwrap()).unwrap();
    let mut command = Command::new(node);
    command
        .arg("check.js")
        .arg(&input)
        .current_dir(&check)
        .env("CHROMIUM", &chromium);
    let run = run_with_timeout(command, TIMEOUT);
    let _ = std::fs::remove_file(&input);
    assert!(
        run.succeeded(),
        "Mermaid rejects a diagram ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
        run.status_text(TIMEOUT),
        run.stdout,
        run.stderr
    );
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        json.len(),
        "{}",
        run.stdout
    );
}

/// `ddlint erd ARGS` run in `dir`: its standard output.
fn erd(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .arg("erd")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "ddlint erd {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}
