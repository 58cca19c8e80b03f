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
    server.wait_for("a message naming ddlint.toml:2", |received| {
        received
            .iter()
            .find(|m| {
                m["method"] == "window/showMessage"
                    && m["params"]["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains("ddlint.toml:2:")
            })
            .cloned()
    });
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
