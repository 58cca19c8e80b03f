//! `ddlint lsp` end to end: the binary over stdio, driven by the small client in lsp_client.rs
//! the way an editor drives it.

#[path = "lsp_client.rs"]
mod client;

use std::process::Command;

use client::{Encoding, Server, TempDir, Text, file_uri};
use serde_json::{Value, json};

const RULE: &str = "timestamp-without-time-zone";
/// Multi-byte characters before `timestamp` make its column differ between UTF-8 bytes,
/// UTF-16 units and characters.
const SCHEMA: &str = "CREATE TABLE t (id bigint PRIMARY KEY, /* Größe 🚀 */ created_at timestamp NOT NULL DEFAULT now());\n";

fn capabilities(encodings: &[&str]) -> Value {
    json!({
        "general": { "positionEncodings": encodings },
        "workspace": {
            "workspaceEdit": { "documentChanges": true },
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "workspaceFolders": true,
        },
        "textDocument": {
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "publishDiagnostics": { "relatedInformation": true, "versionSupport": true },
        },
        "window": { "workDoneProgress": true },
    })
}

fn with_rule<'a>(diagnostics: &'a [Value], rule: &str) -> Option<&'a Value> {
    diagnostics.iter().find(|d| d["code"] == rule)
}

fn open(server: &mut Server, uri: &str, version: i64, text: &str) {
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "sql", "version": version, "text": text } }),
    );
}

fn change(server: &mut Server, uri: &str, version: i64, changes: Vec<Value>) {
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

fn hover(server: &mut Server, uri: &str, position: Value) -> Value {
    server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": position }),
    )
}

fn code_actions(server: &mut Server, uri: &str, diagnostic: &Value) -> Vec<Value> {
    let result = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic], "triggerKind": 1 },
        }),
    );
    result.as_array().cloned().unwrap_or_default()
}

#[test]
fn a_utf16_session_with_a_fix_a_hover_and_a_clean_exit() {
    let dir = TempDir::new("utf16");
    let path = dir.write("db/schema.sql", SCHEMA);
    let uri = file_uri(&path);
    let mut server = Server::start(&dir.0);
    let init = server.initialize(
        &dir.0,
        capabilities(&["utf-16"]),
        json!({ "hover": { "erd": "text" } }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        init["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental sync"
    );

    // The file on disk is checked before it is opened.
    let mut text = Text::new(SCHEMA, Encoding::Utf16);
    let on_disk = server.diagnostics(&uri, Value::Null);
    let found =
        with_rule(&on_disk, RULE).unwrap_or_else(|| server.fail("the rule on the file on disk"));
    let column = SCHEMA[..SCHEMA.find("timestamp ").unwrap()]
        .encode_utf16()
        .count();
    assert_eq!(
        found["range"]["start"],
        json!({ "line": 0, "character": column })
    );
    assert_eq!(text.slice(&found["range"]), "timestamp");
    assert_eq!(found["source"], "ddlint");
    assert_eq!(found["severity"], 2);

    open(&mut server, &uri, 1, SCHEMA);
    let opened = server.diagnostics(&uri, json!(1));
    let diagnostic = with_rule(&opened, RULE)
        .unwrap_or_else(|| server.fail("the rule at version 1"))
        .clone();

    // The rule's documentation on the diagnostic.
    let doc = hover(&mut server, &uri, diagnostic["range"]["start"].clone());
    let doc = doc["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        doc.contains(RULE) && doc.contains("## Why is this bad?"),
        "{doc}"
    );

    let actions = code_actions(&mut server, &uri, &diagnostic);
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Convert to timestamptz")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    // Converting changes what applications read: an unsafe fix is never the preferred action.
    assert_ne!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], RULE);
    let document = &fix["edit"]["documentChanges"][0];
    assert_eq!(
        document["textDocument"],
        json!({ "uri": uri, "version": 1 })
    );
    let ignore_title = format!("Ignore {RULE} for this statement");
    let ignore = actions
        .iter()
        .find(|a| a["title"] == ignore_title)
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let mut ignored = text.clone();
    ignored.apply(
        ignore["edit"]["documentChanges"][0]["edits"]
            .as_array()
            .unwrap(),
    );
    assert_eq!(ignored.text, format!("-- ddlint-ignore {RULE}\n{SCHEMA}"));

    // Applied as an editor applies a workspace edit: incremental changes with the edits' ranges.
    let edits = document["edits"].as_array().unwrap().clone();
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
        .collect();
    text.apply(&edits);
    assert!(
        text.text.contains("created_at timestamptz NOT NULL"),
        "{}",
        text.text
    );
    change(&mut server, &uri, 2, changes);
    let fixed = server.diagnostics(&uri, json!(2));
    assert!(with_rule(&fixed, RULE).is_none(), "{fixed:#?}");

    let table = hover(
        &mut server,
        &uri,
        json!({ "line": 0, "character": "CREATE TABLE ".len() }),
    );
    let markdown = table["contents"]["value"].as_str().unwrap_or_default();
    assert_eq!(table["contents"]["kind"], "markdown");
    assert!(
        markdown.contains("**t**")
            && markdown.contains("created_at")
            && markdown.contains("timestamptz"),
        "{markdown}"
    );
    assert!(
        markdown.contains("defined in db/schema.sql:1"),
        "{markdown}"
    );
    assert_eq!(table["range"], text.range(13, 14));

    let status = server.shutdown();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = TempDir::new("utf8");
    let uri = file_uri(&dir.0.join("unsaved.sql"));
    let mut server = Server::start(&dir.0);
    let init = server.initialize(&dir.0, capabilities(&["utf-16", "utf-8"]), Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    open(&mut server, &uri, 1, SCHEMA);
    let diagnostics = server.diagnostics(&uri, json!(1));
    let found = with_rule(&diagnostics, RULE).unwrap_or_else(|| server.fail("the rule"));
    let column = SCHEMA.find("timestamp ").unwrap();
    assert_eq!(
        found["range"]["start"],
        json!({ "line": 0, "character": column })
    );
    assert_eq!(
        found["range"]["end"],
        json!({ "line": 0, "character": column + "timestamp".len() })
    );
    // A request position in bytes too: the middle of `timestamp`, after the multi-byte comment.
    let doc = hover(
        &mut server,
        &uri,
        json!({ "line": 0, "character": column + 4 }),
    );
    assert!(
        doc["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains(RULE),
        "{doc}"
    );
    assert_eq!(server.shutdown().code(), Some(0));
}

/// A tiny deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Offsets where an edit may start or end: char boundaries, not between `\r` and `\n`.
fn boundaries(text: &str) -> Vec<usize> {
    (0..=text.len())
        .filter(|&i| {
            text.is_char_boundary(i)
                && !(i > 0
                    && text.as_bytes()[i - 1] == b'\r'
                    && text.as_bytes().get(i) == Some(&b'\n'))
        })
        .collect()
}

/// One random change: a new table, a type toggled, a multi-byte or line-break insertion, or a
/// small deletion.
fn random_change(text: &mut Text, rng: &mut Rng, step: usize) -> Value {
    let spots = boundaries(&text.text);
    match rng.below(5) {
        0 | 1 => {
            let line_starts: Vec<usize> = spots
                .iter()
                .copied()
                .filter(|&i| i == 0 || matches!(text.text.as_bytes()[i - 1], b'\n' | b'\r'))
                .collect();
            let at = line_starts[rng.below(line_starts.len())];
            let key = if rng.below(2) == 0 {
                " PRIMARY KEY"
            } else {
                ""
            };
            let statement = format!(
                "CREATE TABLE t{step}_é (id bigint{key}, \"at_中\" timestamp, amount_😀 float);\r\n"
            );
            text.replace(at, at, &statement)
        }
        2 => {
            let found: Vec<usize> = text
                .text
                .match_indices("timestamp")
                .map(|(i, _)| i)
                .collect();
            if found.is_empty() {
                return text.replace(0, 0, "-- é\n");
            }
            let at = found[rng.below(found.len())];
            if text.text[at..].starts_with("timestamptz") {
                text.replace(at + 9, at + 11, "")
            } else {
                text.replace(at + 9, at + 9, "tz")
            }
        }
        3 => {
            let pieces = ["é", "中", "😀", "\r\n", "\n", " ", "x"];
            let at = spots[rng.below(spots.len())];
            text.replace(at, at, pieces[rng.below(pieces.len())])
        }
        _ => {
            let index = rng.below(spots.len());
            let end = spots[(index + 1 + rng.below(3)).min(spots.len() - 1)];
            text.replace(spots[index], end, "")
        }
    }
}

/// `(rule, message, start line, start column, end line, end column)`, 1-based with columns in
/// characters, as `ddlint check --format json` reports.
type Finding = (String, String, u64, u64, u64, u64);

fn finding_of(text: &Text, diagnostic: &Value) -> Finding {
    let at = |position: &Value| {
        let offset = text.offset(position);
        let line = position["line"].as_u64().unwrap();
        let line_start = text.text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        (
            line + 1,
            text.text[line_start..offset].chars().count() as u64 + 1,
        )
    };
    let (start_line, start_column) = at(&diagnostic["range"]["start"]);
    let (end_line, end_column) = at(&diagnostic["range"]["end"]);
    let rule = diagnostic["code"].as_str().unwrap().to_string();
    (
        rule,
        diagnostic["message"].as_str().unwrap().to_string(),
        start_line,
        start_column,
        end_line,
        end_column,
    )
}

/// What the command line finds in `text`.
fn cli_findings(dir: &TempDir, text: &str) -> Vec<Finding> {
    let path = dir.write("cli/edits.sql", text);
    let output = Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let found: Vec<Value> = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    found
        .iter()
        .map(|f| {
            let number = |v: &Value| v.as_u64().unwrap();
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                number(&f["start"]["line"]),
                number(&f["start"]["column"]),
                number(&f["end"]["line"]),
                number(&f["end"]["column"]),
            )
        })
        .collect()
}

#[test]
fn fifty_incremental_edits_leave_the_server_with_the_clients_text() {
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let dir = TempDir::new(&format!("edits-{encoding:?}"));
        std::fs::create_dir_all(dir.0.join("work")).unwrap();
        let uri = file_uri(&dir.0.join("work/edits.sql"));
        let mut server = Server::start(&dir.0);
        let offered = if encoding == Encoding::Utf8 {
            ["utf-8"]
        } else {
            ["utf-16"]
        };
        server.initialize(&dir.0.join("work"), capabilities(&offered), Value::Null);
        let mut text = Text::new(
            "-- edits é中😀\r\nCREATE TABLE base (id bigint PRIMARY KEY, at timestamp);\r\n",
            encoding,
        );
        open(&mut server, &uri, 1, &text.text);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut version = 1;
        for step in 0..50 {
            // Some notifications carry two changes, the second relative to the first.
            let mut changes = vec![random_change(&mut text, &mut rng, step)];
            if step % 7 == 3 {
                changes.push(random_change(&mut text, &mut rng, step + 100));
            }
            version += 1;
            change(&mut server, &uri, version, changes);
        }
        let published = server.diagnostics(&uri, json!(version));
        let mut from_server: Vec<Finding> =
            published.iter().map(|d| finding_of(&text, d)).collect();
        let mut from_cli = cli_findings(&dir, &text.text);
        from_server.sort();
        from_cli.sort();
        assert!(
            from_cli.len() >= 3,
            "the edits should leave findings to compare: {from_cli:#?}\n{}",
            text.text
        );
        assert_eq!(from_server, from_cli, "final text:\n{}", text.text);

        // The model agrees too: hover on the last table's name.
        let last = text.text.rfind("CREATE TABLE ").unwrap() + "CREATE TABLE ".len();
        let name_end = last + text.text[last..].find(' ').unwrap();
        let shown = hover(&mut server, &uri, text.position(last + 1));
        let markdown = shown["contents"]["value"].as_str().unwrap_or_default();
        let name = &text.text[last..name_end];
        assert!(
            markdown.contains(&format!("**{name}**")),
            "hover on {name}:\n{markdown}"
        );
        assert_eq!(server.shutdown().code(), Some(0));
    }
}

#[test]
fn a_change_in_one_migration_updates_the_others_and_watched_files_are_followed() {
    let dir = TempDir::new("watched");
    dir.write(
        "migrations/001_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    let posts = dir.write(
        "migrations/002_posts.sql",
        "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\n",
    );
    let bad = dir.0.join("migrations/005_latin1.sql");
    std::fs::write(
        &bad,
        b"-- caf\xe9\nCREATE TABLE x (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    let posts_uri = file_uri(&posts);
    let fk = "foreign-key-without-index";
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);

    server.wait_for("the file watchers registered", |received| {
        received
            .iter()
            .find(|m| {
                m["method"] == "client/registerCapability"
                    && m["params"]["registrations"][0]["method"]
                        == "workspace/didChangeWatchedFiles"
            })
            .cloned()
    });
    let shown = server.wait_for("one message about the non-UTF-8 file", |received| {
        received
            .iter()
            .find(|m| m["method"] == "window/showMessage")
            .cloned()
    });
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("005_latin1.sql")
            && message.contains("not valid UTF-8")
            && message.contains("skipped"),
        "{message}"
    );
    let initial = server.diagnostics(&posts_uri, Value::Null);
    let told = |server: &Server| {
        server
            .received
            .iter()
            .filter(|m| {
                m["method"] == "window/showMessage"
                    && m["params"]["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains("005_latin1.sql")
            })
            .count()
    };
    assert!(with_rule(&initial, fk).is_some(), "{initial:#?}");

    // The FK target in another file: hover shows where it is defined.
    let posts_text = Text::new(&std::fs::read_to_string(&posts).unwrap(), Encoding::Utf16);
    let reference = posts_text.text.find("users").unwrap();
    let shown = hover(&mut server, &posts_uri, posts_text.position(reference + 2));
    let markdown = shown["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("**users**")
            && markdown.contains("defined in migrations/001_users.sql:1"),
        "{markdown}"
    );

    let watched = |server: &mut Server, path: &std::path::Path, kind: u8| {
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": file_uri(path), "type": kind }] }),
        );
    };
    let without_fk = |d: &[Value]| with_rule(d, fk).is_none();
    let with_fk = |d: &[Value]| with_rule(d, fk).is_some();

    // An invalid ddlint.toml: a diagnostic at the problem, and the previous settings stay.
    let config = dir.write(
        "ddlint.toml",
        "[rules.foreign-key-without-index]\nlevel = \"loud\"\n",
    );
    watched(&mut server, &config, 1);
    let problems = server.diagnostics(&file_uri(&config), Value::Null);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["range"]["start"]["line"], 1);
    shown_message(&mut server, "ddlint.toml:2:");
    std::fs::write(
        &config,
        "[rules.foreign-key-without-index]\nlevel = \"off\"\n",
    )
    .unwrap();
    watched(&mut server, &config, 2);
    server.diagnostics_until(&posts_uri, "the rule turned off by ddlint.toml", without_fk);
    server.diagnostics_until(&file_uri(&config), "the ddlint.toml problem cleared", |d| {
        d.is_empty()
    });
    std::fs::remove_file(&config).unwrap();
    watched(&mut server, &config, 3);
    server.diagnostics_until(&posts_uri, "the rule back without ddlint.toml", with_fk);

    // A later migration that adds the index, created on disk, then deleted.
    let index = dir.write(
        "migrations/003_index.sql",
        "CREATE INDEX ON posts (user_id);\nCREATE TABLE misc (at timestamp);\n",
    );
    watched(&mut server, &index, 1);
    server.diagnostics_until(
        &posts_uri,
        "the foreign key covered by the new index",
        without_fk,
    );
    let index_uri = file_uri(&index);
    let own = server.diagnostics(&index_uri, Value::Null);
    assert!(with_rule(&own, RULE).is_some(), "{own:#?}");
    std::fs::remove_file(&index).unwrap();
    let mark = server.mark();
    watched(&mut server, &index, 3);
    server.diagnostics_after(
        mark,
        &posts_uri,
        "the rule back after the index file is deleted",
        with_fk,
    );
    server.diagnostics_after(
        mark,
        &index_uri,
        "the deleted file's diagnostics cleared",
        |d| d.is_empty(),
    );

    // The same through the editor: an unsaved migration typed in.
    let typed_uri = file_uri(&dir.0.join("migrations/004_index.sql"));
    open(&mut server, &typed_uri, 1, "");
    let mut typed = Text::new("", Encoding::Utf16);
    let mut version = 1;
    for piece in ["CREATE INDEX ", "ON posts ", "(user_id);", "\n"] {
        let end = typed.text.len();
        let edit = typed.replace(end, end, piece);
        version += 1;
        change(&mut server, &typed_uri, version, vec![edit]);
    }
    server.diagnostics_until(
        &posts_uri,
        "the foreign key covered by the typed index",
        without_fk,
    );
    // The typed file has its own diagnostics at its last version.
    server.diagnostics(&typed_uri, json!(version));
    // Closing the unsaved document removes it again.
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": typed_uri } }),
    );
    server.diagnostics_until(
        &posts_uri,
        "the rule back after closing the unsaved file",
        with_fk,
    );
    // The folder was walked again several times; the unreadable file was reported once.
    assert_eq!(told(&server), 1);
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn a_large_workspace_reports_progress_while_it_loads() {
    let dir = TempDir::new("progress");
    for i in 0..60 {
        dir.write(
            &format!("schemas/s{i:02}.sql"),
            &format!("CREATE TABLE t{i} (id bigint PRIMARY KEY);\n"),
        );
    }
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    let kinds = server.wait_for("progress from begin to end", |received| {
        let kinds: Vec<&str> = received
            .iter()
            .filter(|m| m["method"] == "$/progress")
            .filter_map(|m| m["params"]["value"]["kind"].as_str())
            .collect();
        kinds
            .contains(&"end")
            .then(|| kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>())
    });
    assert_eq!(kinds.first().map(String::as_str), Some("begin"));
    assert!(kinds.iter().any(|k| k == "report"), "{kinds:?}");
    assert!(
        server
            .received
            .iter()
            .any(|m| m["method"] == "window/workDoneProgress/create")
    );
    assert_eq!(server.shutdown().code(), Some(0));
}

/// A folder too large to read at once loads in the background, a part at a time: the document
/// the editor opens meanwhile is checked, and a request on it answered, before the last part is
/// read; then every file of the folder gets its diagnostics.
#[test]
fn a_document_opened_while_a_large_workspace_loads_is_served_first() {
    let dir = TempDir::new("background");
    for i in 0..1200 {
        dir.write(
            &format!("m{}/f{i}.sql", i / 200),
            &format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, created_at timestamp);\n"),
        );
    }
    served_before_the_load_ends(&dir, "m0/f0.sql", "m5/f1199.sql");
}

/// A few files that are large in bytes load in the background too.
#[test]
fn a_document_opened_while_a_few_large_files_load_is_served_first() {
    let dir = TempDir::new("background-bytes");
    let comment =
        "-- a line of a long comment, a schema's history kept in its file\n".repeat(45_000);
    dir.write(
        "m0/f0.sql",
        "CREATE TABLE t0 (id bigint PRIMARY KEY, created_at timestamp);\n",
    );
    for i in 1..4 {
        dir.write(
            &format!("m{i}/f{i}.sql"),
            &format!("{comment}CREATE TABLE t{i} (id bigint PRIMARY KEY, created_at timestamp);\n"),
        );
    }
    served_before_the_load_ends(&dir, "m0/f0.sql", "m3/f3.sql");
}

/// Opens `opened` (one table `t0` with a TIMESTAMP column) as the server starts on `dir`, and
/// checks that a hover on it is answered before the folder's load ends, and that `last` is
/// checked once it has.
fn served_before_the_load_ends(dir: &TempDir, opened: &str, last: &str) {
    let uri = file_uri(&dir.0.join(opened));
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    open(
        &mut server,
        &uri,
        1,
        "CREATE TABLE t0 (id bigint PRIMARY KEY, created_at timestamp);\n",
    );
    let answer = hover(&mut server, &uri, json!({ "line": 0, "character": 14 }));
    assert!(!answer.is_null(), "no hover on the table's name");
    let ended = |received: &[Value]| {
        received
            .iter()
            .any(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
    };
    assert!(
        !ended(&server.received),
        "the whole folder was read before the request on the open document was answered"
    );
    assert!(with_rule(&server.diagnostics(&uri, json!(1)), RULE).is_some());
    server.wait_for("the end of the load", |received| {
        ended(received).then_some(())
    });
    let last = file_uri(&dir.0.join(last));
    assert!(with_rule(&server.diagnostics(&last, Value::Null), RULE).is_some());
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn malformed_input_is_survived_and_exit_without_shutdown_fails() {
    let dir = TempDir::new("malformed");
    let uri = file_uri(&dir.0.join("empty.sql"));
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    server.send_raw(b"{ this is not json");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": 42 } }),
    );
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 9 }, "contentChanges": [{ "text": "x" }] }));
    // An empty file is fine, and a request for a document the server does not know is null.
    open(&mut server, &uri, 1, "");
    assert!(server.diagnostics(&uri, json!(1)).is_empty());
    let unknown = hover(
        &mut server,
        &file_uri(&dir.0.join("nowhere.sql")),
        json!({ "line": 0, "character": 0 }),
    );
    assert_eq!(unknown, Value::Null);
    // A change far past the end is clamped, not lost.
    change(
        &mut server,
        &uri,
        2,
        vec![
            json!({ "range": { "start": { "line": 99, "character": 5 }, "end": { "line": 99, "character": 5 } }, "text": "CREATE TABLE z (at timestamp);" }),
        ],
    );
    let diagnostics = server.diagnostics(&uri, json!(2));
    assert!(with_rule(&diagnostics, RULE).is_some(), "{diagnostics:#?}");
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(1));
}

/// Capabilities of a client that applies `create` resource operations.
fn creating_capabilities() -> Value {
    let mut capabilities = capabilities(&["utf-16"]);
    capabilities["workspace"]["workspaceEdit"]["resourceOperations"] = json!(["create"]);
    capabilities
}

/// A golang-migrate folder whose first migration (applied: it is not the newest) has a
/// `timestamp` column.
fn applied_migration_folder(name: &str) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new(name);
    let first = dir.write(
        "migrations/000001_events.up.sql",
        "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n",
    );
    dir.write("migrations/000001_events.down.sql", "DROP TABLE events;\n");
    dir.write(
        "migrations/000002_notes.up.sql",
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);\n",
    );
    dir.write("migrations/000002_notes.down.sql", "DROP TABLE notes;\n");
    (dir, first)
}

#[test]
fn a_fix_in_an_applied_migration_creates_a_new_migration() {
    let (dir, first) = applied_migration_folder("new-migration");
    let uri = file_uri(&first);
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, creating_capabilities(), Value::Null);
    let diagnostics = server.diagnostics(&uri, Value::Null);
    let finding = with_rule(&diagnostics, RULE)
        .expect("a timestamp finding")
        .clone();
    let actions = code_actions(&mut server, &uri, &finding);
    let action = actions
        .iter()
        .find(|a| a["title"] == "Convert to timestamptz in a new migration")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let changes = action["edit"]["documentChanges"].as_array().unwrap();
    // Nothing edits the applied migration; the new up and down files are created, then filled.
    assert!(
        changes
            .iter()
            .all(|change| change["textDocument"]["uri"] != json!(uri)),
        "{changes:#?}"
    );
    let created: Vec<&str> = changes
        .iter()
        .filter(|change| change["kind"] == "create")
        .map(|change| change["uri"].as_str().unwrap())
        .collect();
    let up_uri = file_uri(
        &dir.0
            .join("migrations/000003_convert_to_timestamptz.up.sql"),
    );
    let down_uri = file_uri(
        &dir.0
            .join("migrations/000003_convert_to_timestamptz.down.sql"),
    );
    assert_eq!(
        created,
        [up_uri.as_str(), down_uri.as_str()],
        "{changes:#?}"
    );
    let text_of = |uri: &str| {
        changes
            .iter()
            .find(|change| change["textDocument"]["uri"] == uri)
            .and_then(|change| change["edits"][0]["newText"].as_str())
            .unwrap_or_else(|| panic!("no text for {uri}: {changes:#?}"))
            .to_owned()
    };
    assert_eq!(
        text_of(&up_uri),
        "ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz USING happened_at AT TIME ZONE 'UTC';\n"
    );
    assert_eq!(
        text_of(&down_uri),
        "ALTER TABLE events ALTER COLUMN happened_at TYPE timestamp USING happened_at AT TIME ZONE 'UTC';\n"
    );
    server.shutdown();
}

#[test]
fn a_client_that_cannot_create_files_gets_no_new_migration_action() {
    let (dir, first) = applied_migration_folder("no-create");
    let uri = file_uri(&first);
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    let diagnostics = server.diagnostics(&uri, Value::Null);
    let finding = with_rule(&diagnostics, RULE)
        .expect("a timestamp finding")
        .clone();
    let titles: Vec<Value> = code_actions(&mut server, &uri, &finding)
        .iter()
        .filter(|action| action["kind"] == "quickfix")
        .map(|action| action["title"].clone())
        .collect();
    assert_eq!(
        titles,
        [json!(
            "Ignore timestamp-without-time-zone for this statement"
        )]
    );
    server.shutdown();
}

#[test]
fn the_baseline_in_ddlint_toml_hides_known_findings_and_shows_new_ones() {
    let dir = TempDir::new("baseline");
    let schema = dir.write(
        "schema.sql",
        "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n",
    );
    let written = Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .current_dir(&dir.0)
        .args(["check", "--write-baseline", "ddlint-baseline.json", "."])
        .output()
        .expect("ddlint runs");
    assert!(written.status.success(), "{written:?}");
    dir.write("ddlint.toml", "baseline = \"ddlint-baseline.json\"\n");
    let uri = file_uri(&schema);
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    let text = "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n";
    open(&mut server, &uri, 1, text);
    let known = server.diagnostics(&uri, json!(1));
    assert!(with_rule(&known, RULE).is_none(), "{known:#?}");
    // A new table with the same mistake, above the known one: only it is reported.
    let added = "CREATE TABLE visits (id bigint PRIMARY KEY, seen_at timestamp NOT NULL);\n";
    change(
        &mut server,
        &uri,
        2,
        vec![
            json!({ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": added }),
        ],
    );
    let after = server.diagnostics(&uri, json!(2));
    let found: Vec<&Value> = after.iter().filter(|d| d["code"] == RULE).collect();
    assert_eq!(found.len(), 1, "{after:#?}");
    assert_eq!(found[0]["range"]["start"]["line"], 0, "{after:#?}");
    server.shutdown();
}

/// Opening a named pipe waits for a writer: a pipe where the server reads a schema file, the
/// baseline or a file that states the PostgreSQL version must be passed by, not hang the server.
#[cfg(unix)]
#[test]
fn named_pipes_in_the_workspace_never_block_the_server() {
    let dir = TempDir::new("pipes");
    let text = "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n";
    let schema = dir.write("schema.sql", text);
    dir.write("ddlint.toml", "baseline = \"baseline.json\"\n");
    for pipe in ["baseline.json", ".tool-versions", "pipe.sql"] {
        let made = Command::new("mkfifo").arg(dir.0.join(pipe)).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
    }
    let uri = file_uri(&schema);
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    let message = shown_message(&mut server, "baseline.json");
    assert!(message.contains("not a file"), "{message}");
    open(&mut server, &uri, 1, text);
    let diagnostics = server.diagnostics(&uri, json!(1));
    assert!(with_rule(&diagnostics, RULE).is_some(), "{diagnostics:#?}");
    server.shutdown();
}

/// Waits for a `window/showMessage` whose text contains `needle`; returns that text.
fn shown_message(server: &mut Server, needle: &str) -> String {
    let shown = server.wait_for(&format!("a message containing {needle}"), |received| {
        received
            .iter()
            .find(|m| {
                m["method"] == "window/showMessage"
                    && m["params"]["message"]
                        .as_str()
                        .is_some_and(|message| message.contains(needle))
            })
            .cloned()
    });
    shown["params"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn code_actions_at(server: &mut Server, uri: &str, range: Value, context: Value) -> Vec<Value> {
    let result = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range, "context": context }),
    );
    result.as_array().cloned().unwrap_or_default()
}

#[test]
fn code_actions_follow_the_clients_diagnostics_the_cursor_line_and_whole_file_kinds() {
    let dir = TempDir::new("actions");
    let schema = dir.write("schema.sql", "");
    let uri = file_uri(&schema);
    let text = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));\r\nCREATE TABLE customers (id bigint PRIMARY KEY, seen_at timestamp NOT NULL);\r\n";
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    open(&mut server, &uri, 1, text);
    let diagnostics = server.diagnostics(&uri, json!(1));
    let fk = with_rule(&diagnostics, "foreign-key-without-index")
        .expect("an unindexed foreign key")
        .clone();
    let titles = |actions: &[Value], kind: &str| -> Vec<String> {
        actions
            .iter()
            .filter(|a| a["kind"] == kind)
            .map(|a| a["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let at = |line: u32, character: u32| json!({ "line": line, "character": character });
    // The client sends the diagnostic with a range elsewhere (the cursor on line 2).
    let sent = code_actions_at(
        &mut server,
        &uri,
        json!({ "start": at(1, 0), "end": at(1, 0) }),
        json!({ "diagnostics": [fk], "only": ["quickfix"] }),
    );
    let quickfixes = titles(&sent, "quickfix");
    assert!(
        quickfixes.contains(&"Create index on orders(customer_id)".to_owned()),
        "{sent:#?}"
    );
    // A cursor at column 0 of a flagged line, with no diagnostics sent, gets its fixes.
    let column0 = code_actions_at(
        &mut server,
        &uri,
        json!({ "start": at(1, 0), "end": at(1, 0) }),
        json!({ "diagnostics": [] }),
    );
    assert!(
        titles(&column0, "quickfix")
            .iter()
            .any(|t| t == "Convert to timestamptz"),
        "{column0:#?}"
    );
    // Asked for source actions only: the safe fixes of the whole file, and the file's suppression.
    let source = code_actions_at(
        &mut server,
        &uri,
        json!({ "start": at(0, 0), "end": at(0, 0) }),
        json!({ "diagnostics": [], "only": ["source"] }),
    );
    assert!(titles(&source, "quickfix").is_empty(), "{source:#?}");
    let fix_all = source
        .iter()
        .find(|a| a["kind"] == "source.fixAll.ddlint")
        .unwrap_or_else(|| panic!("{source:#?}"));
    let edits = fix_all["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    let mut fixed = Text::new(text, Encoding::Utf16);
    fixed.apply(edits);
    assert!(
        fixed
            .text
            .contains("CREATE INDEX orders_customer_id_idx ON orders (customer_id);\r\n"),
        "{}",
        fixed.text
    );
    // Unsafe fixes are not part of it.
    assert!(
        fixed.text.contains("seen_at timestamp NOT NULL"),
        "{}",
        fixed.text
    );
    let ignore = titles(&source, "source");
    assert_eq!(ignore.len(), 1, "{source:#?}");
    assert!(ignore[0].starts_with("Ignore ") && ignore[0].ends_with(" in this file"));
    server.shutdown();
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=ddlint",
            "-c",
            "user.email=ddlint@example.com",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
}

/// In a git repository, what the default branch holds is applied, the newest migration too: a
/// fix there is a new migration; a migration added on a feature branch is pending and edited in
/// place (without git, the newest migration is the only pending one).
#[test]
fn git_decides_which_migrations_a_fix_may_edit() {
    let dir = TempDir::new("git-history");
    dir.write(
        "migrations/000001_events.up.sql",
        "CREATE TABLE events (id bigint PRIMARY KEY);\n",
    );
    dir.write("migrations/000001_events.down.sql", "DROP TABLE events;\n");
    let newest_on_main = dir.write(
        "migrations/000002_notes.up.sql",
        "CREATE TABLE notes (id bigint PRIMARY KEY, written_at timestamp NOT NULL);\n",
    );
    dir.write("migrations/000002_notes.down.sql", "DROP TABLE notes;\n");
    git(&dir.0, &["init", "-q", "-b", "main"]);
    git(&dir.0, &["add", "."]);
    git(&dir.0, &["commit", "-q", "-m", "migrations"]);
    git(&dir.0, &["checkout", "-q", "-b", "feature"]);
    let on_feature = dir.write(
        "migrations/000003_visits.up.sql",
        "CREATE TABLE visits (id bigint PRIMARY KEY, seen_at timestamp NOT NULL);\n",
    );
    dir.write("migrations/000003_visits.down.sql", "DROP TABLE visits;\n");
    git(&dir.0, &["add", "."]);
    git(&dir.0, &["commit", "-q", "-m", "visits"]);
    dir.write(
        "migrations/000004_pages.up.sql",
        "CREATE TABLE pages (id bigint PRIMARY KEY, viewed_at timestamp NOT NULL);\n",
    );
    dir.write("migrations/000004_pages.down.sql", "DROP TABLE pages;\n");
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, creating_capabilities(), Value::Null);
    let titles_at = |server: &mut Server, path: &std::path::Path| -> Vec<String> {
        let uri = file_uri(path);
        let diagnostics = server.diagnostics(&uri, Value::Null);
        let finding = with_rule(&diagnostics, RULE)
            .expect("a timestamp finding")
            .clone();
        code_actions(server, &uri, &finding)
            .iter()
            .filter(|action| action["kind"] == "quickfix")
            .map(|action| action["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let committed = titles_at(&mut server, &newest_on_main);
    assert!(
        committed.contains(&"Convert to timestamptz in a new migration".to_owned()),
        "{committed:?}"
    );
    let pending = titles_at(&mut server, &on_feature);
    assert!(
        pending.contains(&"Convert to timestamptz".to_owned()),
        "{pending:?}"
    );
    server.shutdown();
}

#[test]
fn inlay_hints_show_what_the_text_hides_at_utf16_positions() {
    let dir = TempDir::new("inlay");
    let schema = dir.write("schema.sql", "");
    let uri = file_uri(&schema);
    let text = "CREATE TABLE kunden (id bigserial PRIMARY KEY);\nCREATE TABLE bestellungen (id bigint PRIMARY KEY, /* Größe 🚀 */ kunde integer REFERENCES kunden);\n";
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    open(&mut server, &uri, 1, text);
    server.diagnostics(&uri, json!(1));
    let result = server.request(
        "textDocument/inlayHint",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 2, "character": 0 } },
        }),
    );
    let hints = result.as_array().cloned().unwrap_or_default();
    let document = Text::new(text, Encoding::Utf16);
    let found: Vec<(usize, &str)> = hints
        .iter()
        .map(|hint| {
            (
                document.offset(&hint["position"]),
                hint["label"].as_str().unwrap(),
            )
        })
        .collect();
    let after = |word: &str| text.find(word).unwrap() + word.len();
    assert_eq!(
        found,
        [
            (after("bigserial"), ": bigint"),
            (after("kunde integer"), " → kunden.id bigint"),
            (after("REFERENCES kunden"), "(id)"),
        ],
        "{hints:#?}"
    );
    server.shutdown();
}

/// `CHECK` with `depth` nested parentheses, then a table after it.
fn deeply_nested(depth: usize) -> String {
    format!(
        "CREATE TABLE n (a int CHECK ({}a > 0{}));\nCREATE TABLE after (at timestamp);\n",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

#[test]
fn a_million_nested_parentheses_neither_at_load_nor_when_opened_crash_the_server() {
    let depth = 1_000_000;
    let dir = TempDir::new("deep");
    let on_disk = file_uri(&dir.write("on_disk.sql", &deeply_nested(depth)));
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-8"]), Value::Null);
    let diagnostics = server.diagnostics(&on_disk, Value::Null);
    assert!(with_rule(&diagnostics, RULE).is_some(), "{diagnostics:#?}");

    let uri = file_uri(&dir.0.join("opened.sql"));
    let mut text = Text::new(&deeply_nested(depth), Encoding::Utf8);
    open(&mut server, &uri, 1, &text.text);
    let diagnostics = server.diagnostics(&uri, json!(1));
    assert!(with_rule(&diagnostics, RULE).is_some(), "{diagnostics:#?}");
    let inner = text.text.find("a > 0").unwrap();
    // The hover deep inside answers (with the column the check reads).
    let shown = hover(&mut server, &uri, text.position(inner));
    let markdown = shown["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("column `n.a`"), "{shown}");
    // An edit deep inside: the reparse and the new check survive it too.
    let edit = text.replace(inner, inner + 1, "b");
    change(&mut server, &uri, 2, vec![edit]);
    let diagnostics = server.diagnostics(&uri, json!(2));
    assert!(with_rule(&diagnostics, RULE).is_some(), "{diagnostics:#?}");
    let unclosed = text.replace(inner, text.text.len(), "");
    change(&mut server, &uri, 3, vec![unclosed]);
    server.diagnostics(&uri, json!(3));
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn every_request_is_answered_even_when_it_is_malformed() {
    let dir = TempDir::new("answers");
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    let code = |response: &Value| response["error"]["code"].as_i64();
    let cases: [(&[u8], Value, i64); 7] = [
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"$/unknown","params":{}}"#,
            json!(1),
            -32601,
        ),
        (b"{ not json", Value::Null, -32700),
        (
            b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"\xff\"}",
            Value::Null,
            -32700,
        ),
        (br#"{"id":3,"method":"shutdown"}"#, json!(3), -32600),
        (br#"{"jsonrpc":"2.0","id":4}"#, json!(4), -32600),
        (
            br#"[{"jsonrpc":"2.0","id":5,"method":"shutdown"}]"#,
            json!(5),
            -32600,
        ),
        (br#"[]"#, Value::Null, -32600),
    ];
    for (body, id, expected) in cases {
        server.send_raw(body);
        let response = server.response(&id);
        assert_eq!(
            code(&response),
            Some(expected),
            "{}: {response}",
            String::from_utf8_lossy(body)
        );
    }
    // A batch gets an answer for each of its requests.
    server.send_raw(br#"[{"jsonrpc":"2.0","id":6,"method":"shutdown"},{"jsonrpc":"2.0","id":"seven","method":"x"}]"#);
    assert_eq!(code(&server.response(&json!(6))), Some(-32600));
    assert_eq!(code(&server.response(&json!("seven"))), Some(-32600));
    // The session goes on.
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn a_change_that_cannot_be_applied_puts_the_document_out_of_sync_until_its_text_is_sent() {
    let dir = TempDir::new("sync");
    let uri = file_uri(&dir.0.join("doc.sql"));
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    // The document's diagnostics are cleared and the n-th error naming it is shown.
    let lost = |server: &mut Server, what: &str, count: usize| {
        server.diagnostics_until(&uri, what, |diagnostics| diagnostics.is_empty());
        server.wait_for(what, |received| {
            let shown = received
                .iter()
                .filter(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 1)
                .filter(|m| {
                    let text = m["params"]["message"].as_str().unwrap_or_default();
                    text.contains("doc.sql") && text.contains("no longer matches")
                })
                .count();
            (shown == count).then_some(())
        });
    };
    let reopen = |server: &mut Server, version: i64| {
        open(server, &uri, version, SCHEMA);
        let diagnostics = server.diagnostics(&uri, json!(version));
        assert!(with_rule(&diagnostics, RULE).is_some(), "{diagnostics:#?}");
    };
    let start =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });

    reopen(&mut server, 1);
    // Invalid UTF-8 in the inserted text.
    let mut body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":2}},"contentChanges":[{{"range":{start},"text":"-- "#
    )
    .into_bytes();
    body.extend(b"\xff\"}]}}");
    server.send_raw(&body);
    lost(&mut server, "out of sync after invalid UTF-8", 1);
    // Requests are not answered from the stale copy; pulled diagnostics are none.
    let on_table = json!({
        "textDocument": { "uri": uri },
        "position": { "line": 0, "character": 13 },
    });
    let hover = server.request_response("textDocument/hover", on_table.clone());
    assert_eq!(hover["error"]["code"], json!(-32801), "{hover}");
    let pulled = server.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(pulled["items"], json!([]), "{pulled}");
    // Edits are not applied while out of sync; the whole text brings the document back.
    change(
        &mut server,
        &uri,
        3,
        vec![json!({ "range": start, "text": "x" })],
    );
    change(&mut server, &uri, 4, vec![json!({ "text": SCHEMA })]);
    let diagnostics = server.diagnostics(&uri, json!(4));
    assert!(with_rule(&diagnostics, RULE).is_some(), "{diagnostics:#?}");
    let hover = server.request("textDocument/hover", on_table);
    assert!(
        hover["contents"].to_string().contains("id"),
        "a hover on the table once back in sync: {hover}"
    );

    // A version that is not newer than the last one.
    change(
        &mut server,
        &uri,
        4,
        vec![json!({ "range": start, "text": "-- " })],
    );
    lost(&mut server, "out of sync after an old version", 2);
    reopen(&mut server, 5);

    // Impossible positions: a negative line, a line past any u32.
    for (count, line) in [(3, json!(-1)), (4, json!(1u64 << 40))] {
        let version = 2 * count as i64;
        let position = json!({ "line": line, "character": 0 });
        let bad = json!({ "range": { "start": position, "end": position }, "text": "x" });
        change(&mut server, &uri, version, vec![bad]);
        lost(
            &mut server,
            "out of sync after an impossible position",
            count,
        );
        reopen(&mut server, version + 1);
    }
    assert_eq!(server.shutdown().code(), Some(0));
}

#[test]
fn semantic_tokens_give_names_their_kind_per_line_in_utf16() {
    let dir = TempDir::new("tokens");
    let schema = dir.write("schema.sql", "");
    let uri = file_uri(&schema);
    let text = "/* Größe 🚀\r\n   zwei */ CREATE TABLE kunden (id bigint PRIMARY KEY, name text DEFAULT 'ä');\r\n";
    let mut server = Server::start(&dir.0);
    let init = server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    let legend: Vec<String> =
        init["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect();
    open(&mut server, &uri, 1, text);
    server.diagnostics(&uri, json!(1));
    let result = server.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    let data: Vec<u64> = result["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let document = Text::new(text, Encoding::Utf16);
    let (mut line, mut character) = (0, 0);
    let mut tokens: Vec<(String, String)> = Vec::new();
    for token in data.chunks(5) {
        if token[0] > 0 {
            character = 0;
        }
        line += token[0];
        character += token[1];
        let start = json!({ "line": line, "character": character });
        let end = json!({ "line": line, "character": character + token[2] });
        let range = json!({ "start": start, "end": end });
        tokens.push((
            document.slice(&range).to_owned(),
            legend[token[3] as usize].clone(),
        ));
    }
    let has = |word: &str, kind: &str| tokens.iter().any(|(w, k)| w == word && k == kind);
    // The comment spans two lines: one token per line.
    assert!(has("/* Größe 🚀", "comment"), "{tokens:?}");
    assert!(has("   zwei */", "comment"), "{tokens:?}");
    assert!(has("kunden", "class"), "{tokens:?}");
    assert!(has("name", "property"), "{tokens:?}");
    assert!(has("'ä'", "string"), "{tokens:?}");
    assert!(has("CREATE", "keyword"), "{tokens:?}");

    // After an edit, the delta from the last result rebuilds exactly the full answer.
    assert_eq!(
        init["capabilities"]["semanticTokensProvider"]["full"]["delta"],
        true
    );
    let mut edited = Text::new(text, Encoding::Utf16);
    let at = text.find(", name").unwrap();
    let added = edited.replace(at, at, ", email text NOT NULL");
    change(&mut server, &uri, 2, vec![added]);
    server.diagnostics(&uri, json!(2));
    let delta = server.request(
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": { "uri": uri }, "previousResultId": result["resultId"] }),
    );
    let edits = delta["edits"].as_array().expect("a delta, not all tokens");
    assert_eq!(edits.len(), 1, "{delta:#?}");
    let mut rebuilt = data.clone();
    let start = edits[0]["start"].as_u64().unwrap() as usize;
    let deleted = edits[0]["deleteCount"].as_u64().unwrap() as usize;
    let inserted: Vec<u64> = edits[0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert!(inserted.len() < data.len(), "the delta resends everything");
    rebuilt.splice(start..start + deleted, inserted);
    let full = server.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    let fresh: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(rebuilt, fresh);
    // An id the server did not send last gets all the tokens.
    let stale = server.request(
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": { "uri": uri }, "previousResultId": "stale" }),
    );
    assert!(stale["data"].is_array(), "{stale:#?}");
    server.shutdown();
}

#[test]
fn a_client_that_pulls_diagnostics_gets_them_pulled_and_never_pushed() {
    let dir = TempDir::new("pull");
    let schema = dir.write("schema.sql", "");
    let uri = file_uri(&schema);
    let mut capabilities = capabilities(&["utf-16"]);
    capabilities["textDocument"]["diagnostic"] = json!({ "relatedDocumentSupport": false });
    capabilities["workspace"]["diagnostics"] = json!({ "refreshSupport": true });
    let mut server = Server::start(&dir.0);
    let init = server.initialize(&dir.0, capabilities, Value::Null);
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"], true,
        "{init:#}"
    );
    let text = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp NOT NULL);\n";
    open(&mut server, &uri, 1, text);
    let pull = |server: &mut Server| -> Vec<Value> {
        let report = server.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        );
        assert_eq!(report["kind"], "full", "{report:#}");
        report["items"].as_array().cloned().unwrap_or_default()
    };
    let pulled = pull(&mut server);
    assert!(with_rule(&pulled, RULE).is_some(), "{pulled:#?}");
    // An edit that fixes it: the server asks the client to pull again, and the pull is clean.
    let fixed = text.replace("timestamp", "timestamptz");
    change(&mut server, &uri, 2, vec![json!({ "text": fixed })]);
    server.wait_for("a request to pull diagnostics again", |received| {
        received
            .iter()
            .find(|m| m["method"] == "workspace/diagnostic/refresh")
            .cloned()
    });
    let pulled = pull(&mut server);
    assert!(with_rule(&pulled, RULE).is_none(), "{pulled:#?}");
    let workspace = server.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    assert!(
        workspace["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|item| item["uri"] == json!(uri))),
        "{workspace:#}"
    );
    assert!(
        !server
            .received
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "diagnostics were pushed to a client that pulls them"
    );
    server.shutdown();
}

/// A client that pulls but cannot be asked to pull again (Neovim 0.11) keeps push: it would
/// otherwise never see findings in files it does not edit.
#[test]
fn a_client_that_cannot_be_asked_to_pull_again_gets_pushed_diagnostics() {
    let dir = TempDir::new("pull-no-refresh");
    let schema = dir.write(
        "schema.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp NOT NULL);\n",
    );
    let mut capabilities = capabilities(&["utf-16"]);
    capabilities["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    let mut server = Server::start(&dir.0);
    let init = server.initialize(&dir.0, capabilities, Value::Null);
    assert!(
        init["capabilities"]["diagnosticProvider"].is_null(),
        "{init:#}"
    );
    let pushed = server.diagnostics(&file_uri(&schema), Value::Null);
    assert!(with_rule(&pushed, RULE).is_some(), "{pushed:#?}");
    server.shutdown();
}

/// Helix's `initialize` outside a repository, as its LSP client builds it: no root URI, an
/// empty folder list, the root path, UTF-8 preferred, Markdown hovers, push diagnostics.
fn helix_initialize(server: &mut Server, root_path: Option<&std::path::Path>) -> Value {
    let result = server.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootPath": root_path.map(|p| p.display().to_string()),
            "rootUri": null,
            "workspaceFolders": [],
            "clientInfo": { "name": "helix", "version": "25.7.1" },
            "capabilities": {
                "general": { "positionEncodings": ["utf-8", "utf-32", "utf-16"] },
                "workspace": {
                    "configuration": true,
                    "workspaceFolders": true,
                    "applyEdit": true,
                    "workspaceEdit": {
                        "documentChanges": true,
                        "resourceOperations": ["create", "rename", "delete"],
                        "failureHandling": "abort",
                    },
                    "didChangeWatchedFiles": { "dynamicRegistration": true },
                },
                "textDocument": {
                    "hover": { "contentFormat": ["markdown"] },
                    "codeAction": {
                        "codeActionLiteralSupport": { "codeActionKind": { "valueSet": [
                            "", "quickfix", "refactor", "refactor.extract", "refactor.inline",
                            "refactor.rewrite", "source", "source.organizeImports",
                        ] } },
                        "isPreferredSupport": true,
                        "dataSupport": true,
                        "resolveSupport": { "properties": ["edit", "command"] },
                    },
                    "publishDiagnostics": { "versionSupport": true, "tagSupport": { "valueSet": [1, 2] } },
                },
                "window": { "workDoneProgress": true },
            },
        }),
    );
    server.notify("initialized", json!({}));
    result
}

#[test]
fn helix_without_a_root_reads_the_project_and_finds_fixes_anywhere_on_the_line() {
    let dir = TempDir::new("helix");
    dir.write(
        "ddlint.toml",
        "[rules.missing-table-comment]\nlevel = \"warning\"\n",
    );
    let text = "CREATE TABLE t (\n  id bigint PRIMARY KEY,\n  /* größe */ seen_at timestamp NOT NULL\n);\nCREATE TABLE u (id bigint PRIMARY KEY);\n";
    let schema = dir.write("db/schema.sql", text);
    dir.write("db/comments.sql", "COMMENT ON TABLE t IS 'what t holds';\n");
    let uri = file_uri(&schema);
    // Started elsewhere, as an editor started from another directory is.
    let mut server = Server::start(&std::env::temp_dir());
    let init = helix_initialize(&mut server, None);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    open(&mut server, &uri, 1, text);
    let diagnostics = server.diagnostics(&uri, json!(1));
    let comments: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d["code"] == "missing-table-comment")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        comments.len() == 1 && comments[0].contains("`u`"),
        "the sibling file's COMMENT ON TABLE t counts: {diagnostics:#?}"
    );
    let timestamp = with_rule(&diagnostics, RULE).expect("a timestamp finding");
    let line = &text[text.find("  /*").unwrap()..];
    assert_eq!(
        timestamp["range"]["start"],
        json!({ "line": 2, "character": line.find("timestamp").unwrap() }),
        "UTF-8 columns count bytes"
    );
    // Helix's block cursor at column 0 of the flagged line: a one-character range, and no
    // diagnostics in the context because none overlaps it.
    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 1 } },
            "context": { "diagnostics": [], "triggerKind": 1 },
        }),
    );
    assert!(
        actions
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["title"] == "Convert to timestamptz"),
        "{actions:#?}"
    );
    // The hover's column list is a code block, which Helix shows as written.
    let shown = hover(&mut server, &uri, json!({ "line": 0, "character": 13 }));
    let markdown = shown["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("```text\nid       bigint") && !markdown.contains("| id |"),
        "{markdown}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn a_root_path_alone_names_the_workspace() {
    let dir = TempDir::new("root-path");
    dir.write("a.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
    let mut server = Server::start(&dir.0);
    helix_initialize(&mut server, Some(&dir.0));
    // Nothing is open: the symbols come from the folder the root path named.
    let symbols = server.request("workspace/symbol", json!({ "query": "t" }));
    assert!(
        symbols
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["location"]["uri"] == file_uri(&dir.0.join("a.sql"))),
        "{symbols:#?}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn editor_settings_set_rule_levels_at_start_and_on_change() {
    let dir = TempDir::new("settings");
    let schema = dir.write("schema.sql", SCHEMA);
    let uri = file_uri(&schema);
    let mut server = Server::start(&dir.0);
    server.initialize(
        &dir.0,
        capabilities(&["utf-16"]),
        json!({ "rules": { RULE: "off", "no-such-rule": "warning" } }),
    );
    let warning = server.wait_for("a warning about the unknown rule", |received| {
        received
            .iter()
            .find(|m| m["method"] == "window/showMessage")
            .map(|m| {
                m["params"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
    });
    assert!(warning.contains("no rule `no-such-rule`"), "{warning}");
    open(&mut server, &uri, 1, SCHEMA);
    let diagnostics = server.diagnostics(&uri, json!(1));
    assert!(with_rule(&diagnostics, RULE).is_none(), "{diagnostics:#?}");

    // VS Code wraps its section; the level applies to every folder at once.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "ddlint": { "rules": { RULE: "error" } } } }),
    );
    let diagnostics = server.diagnostics_until(&uri, "the rule back, as an error", |d| {
        with_rule(d, RULE).is_some()
    });
    assert_eq!(with_rule(&diagnostics, RULE).unwrap()["severity"], 1);

    // Settings of other tools (or none) leave ddlint's as they are.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "editor": { "tabSize": 2 } } }),
    );
    let symbols = server.request("workspace/symbol", json!({ "query": "t" }));
    assert!(symbols.is_array());
    let last = server
        .received
        .iter()
        .rev()
        .find(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .cloned()
        .unwrap();
    assert!(
        last["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == RULE && d["severity"] == 1),
        "{last:#?}"
    );
    assert!(server.shutdown().success());
}

/// Highlighting and folding read only the document's own text and trees: after an edit they
/// are answered once the edit is analysed, from a snapshot whose findings are not checked yet.
/// The answer is the edited text's, and the check still publishes the edit's findings. The edit
/// is on the first line of a schema of 3,000 tables, where every rule runs again, so the request
/// arrives during the check. How soon it is answered is measured by the navigation bench.
#[test]
fn syntax_requests_after_an_edit_answer_from_the_edited_text() {
    let dir = TempDir::new("syntax-first");
    let uri = file_uri(&dir.0.join("schema.sql"));
    let mut text = String::from("-- schema\n");
    for n in 0..3000_u32 {
        text.push_str(&format!(
            "CREATE TABLE t{n} (id bigint PRIMARY KEY, parent_id bigint REFERENCES t{} (id), at timestamp);\n",
            n.saturating_sub(1)
        ));
    }
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"]), Value::Null);
    open(&mut server, &uri, 1, &text);
    server.diagnostics(&uri, json!(1));
    let at = json!({ "line": 0, "character": 2 });
    change(
        &mut server,
        &uri,
        2,
        vec![json!({ "range": { "start": at, "end": at }, "text": " edited" })],
    );
    let line =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } });
    let tokens = server.request(
        "textDocument/semanticTokens/range",
        json!({ "textDocument": { "uri": uri }, "range": line }),
    );
    // The comment as edited, the only token of its line.
    assert_eq!(
        tokens["data"],
        json!([0, 0, "-- edited schema".len(), 3, 0])
    );
    assert_eq!(
        server.diagnostics(&uri, json!(2)).len(),
        server.diagnostics(&uri, json!(1)).len()
    );
    assert_eq!(server.shutdown().code(), Some(0));
}
