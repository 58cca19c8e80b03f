//! Markdown design documents in the language server: the binary over stdio, as an editor that
//! attaches ddlint to `.md` files drives it.

// The client's other helpers serve the other LSP tests.
#[allow(dead_code)]
#[path = "lsp_client.rs"]
mod client;

use client::{Encoding, Server, TempDir, Text, file_uri};
use serde_json::{Value, json};

/// Prose with characters outside the BMP above and before the blocks: UTF-16 columns differ
/// from byte offsets on those lines, and lines are counted on the document itself.
const DOCUMENT: &str = "# Bestellungen 🚀\r\n\r\nDie Tabelle `orders` — Entwurf:\r\n\r\n- Kunden:\r\n  ```sql\r\n  CREATE TABLE customers (\r\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\r\n    created_at timestamptz NOT NULL DEFAULT now(),\r\n    updated_at timestamptz NOT NULL DEFAULT now()\r\n  );\r\n  ```\r\n\r\n```sql\r\nCREATE TABLE orders (\r\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\r\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\r\n  placed_at timestamp NOT NULL,\r\n  created_at timestamptz NOT NULL DEFAULT now(),\r\n  updated_at timestamptz NOT NULL DEFAULT now()\r\n);\r\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\r\n```\r\n";

fn with_rule<'a>(diagnostics: &'a [Value], rule: &str) -> Option<&'a Value> {
    diagnostics.iter().find(|d| d["code"] == rule)
}

#[test]
fn a_design_document_is_checked_fixed_and_hovered_in_utf16() {
    let dir = TempDir::new("markdown");
    let path = dir.write("docs/design.md", DOCUMENT);
    let uri = file_uri(&path);
    let mut server = Server::start(&dir.0);
    let capabilities = json!({
        "general": { "positionEncodings": ["utf-16"] },
        "workspace": { "workspaceEdit": { "documentChanges": true } },
        "textDocument": {
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "publishDiagnostics": { "versionSupport": true },
        },
    });
    server.initialize(&dir.0, capabilities, json!({ "hover": { "erd": "text" } }));
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": DOCUMENT } }),
    );
    let opened = server.diagnostics(&uri, json!(1));
    let mut text = Text::new(DOCUMENT, Encoding::Utf16);
    let found = with_rule(&opened, "timestamp-without-time-zone")
        .unwrap_or_else(|| server.fail("timestamp-without-time-zone in the document"))
        .clone();
    let at = DOCUMENT.find("timestamp NOT NULL,").unwrap();
    assert_eq!(found["range"], text.range(at, at + "timestamp".len()));
    assert!(
        with_rule(&opened, "foreign-key-without-index").is_none(),
        "the index in the same block counts: {opened:#?}"
    );
    assert!(with_rule(&opened, "syntax-error").is_none(), "{opened:#?}");

    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": found["range"],
            "context": { "diagnostics": [found], "triggerKind": 1 },
        }),
    );
    let fix = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "Convert to timestamptz")
        .unwrap_or_else(|| panic!("{actions:#?}"))
        .clone();
    let edits = fix["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
        .collect();
    text.apply(&edits);
    assert!(
        text.text.contains("  placed_at timestamptz NOT NULL,\r\n"),
        "{}",
        text.text
    );
    assert!(text.text.starts_with("# Bestellungen 🚀\r\n"));
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": changes }),
    );
    let fixed = server.diagnostics(&uri, json!(2));
    assert!(
        with_rule(&fixed, "timestamp-without-time-zone").is_none(),
        "{fixed:#?}"
    );

    // The ERD hover on a table name inside an indented block.
    let name = text.text.find("customers (\r\n").unwrap();
    let hover = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": text.position(name + 2) }),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("**customers**") && markdown.contains("orders"),
        "{markdown}"
    );
    assert_eq!(hover["range"], text.range(name, name + "customers".len()));

    // Typing in the prose leaves the findings where they are; typing in a block is analysed.
    let typed = text.replace(2, 2, "Neue ");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [typed] }),
    );
    let after_prose = server.diagnostics(&uri, json!(3));
    let rules =
        |found: &[Value]| -> Vec<Value> { found.iter().map(|d| d["code"].clone()).collect() };
    assert_eq!(rules(&after_prose), rules(&fixed));
    let at = text.text.find("placed_at timestamptz").unwrap() + "placed_at ".len();
    let retyped = text.replace(at, at + "timestamptz".len(), "timestamp");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 4 }, "contentChanges": [retyped] }),
    );
    let again = server.diagnostics(&uri, json!(4));
    let found = with_rule(&again, "timestamp-without-time-zone")
        .unwrap_or_else(|| server.fail("the rule after typing in the block"));
    assert_eq!(found["range"], text.range(at, at + "timestamp".len()));

    assert_eq!(server.shutdown().code(), Some(0));
}

const DIAGRAM: &str = "# Ünïcode 🚀\n\n```sql\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint NOT NULL REFERENCES users (id)\n);\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n```\n\n```mermaid\nerDiagram\n    users {\n        bigint id PK\n        varchar email\n    }\n    orders {\n        bigint id PK\n    }\n    users |o--o{ orders : \"places\"\n```\n";

#[test]
fn the_erd_of_a_design_document_is_updated_from_its_schema() {
    let dir = TempDir::new("markdown-erd");
    let path = dir.write("design.md", DIAGRAM);
    let uri = file_uri(&path);
    let mut server = Server::start(&dir.0);
    let capabilities = json!({
        "general": { "positionEncodings": ["utf-16"] },
        "workspace": { "workspaceEdit": { "documentChanges": true } },
        "textDocument": { "publishDiagnostics": { "versionSupport": true } },
    });
    server.initialize(&dir.0, capabilities, json!({}));
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": DIAGRAM } }),
    );
    let opened = server.diagnostics(&uri, json!(1));
    let mut text = Text::new(DIAGRAM, Encoding::Utf16);
    let drift: Vec<&Value> = opened.iter().filter(|d| d["code"] == "erd-drift").collect();
    let cardinality = DIAGRAM.find("|o--").unwrap();
    assert!(
        drift
            .iter()
            .any(|d| d["range"] == text.range(cardinality, cardinality + 2)),
        "{opened:#?}"
    );
    let varchar = DIAGRAM.find("varchar").unwrap();
    assert!(
        drift
            .iter()
            .any(|d| d["range"] == text.range(varchar, varchar + "varchar".len())),
        "{opened:#?}"
    );

    let inside = DIAGRAM.find("orders {").unwrap();
    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": text.range(inside, inside),
            "context": { "diagnostics": [], "only": ["refactor.rewrite"] },
        }),
    );
    let update = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "Update the ERD from the schema")
        .unwrap_or_else(|| panic!("{actions:#?}"))
        .clone();
    assert_eq!(update["kind"], "refactor.rewrite");
    let edits = update["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
        .collect();
    text.apply(&edits);
    // The author's label stays; the prose and the SQL are untouched.
    assert!(text.text.contains(": \"places\""), "{}", text.text);
    assert!(
        text.text
            .starts_with("# Ünïcode 🚀\n\n```sql\nCREATE TABLE users")
    );
    assert!(text.text.contains("text email"), "{}", text.text);
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": changes }),
    );
    let after = server.diagnostics(&uri, json!(2));
    assert!(
        after.iter().all(|d| d["code"] != "erd-drift"),
        "{after:#?}\n{}",
        text.text
    );
    // Nothing left to update: no action.
    let again = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": text.range(inside, inside),
            "context": { "diagnostics": [], "only": ["refactor.rewrite"] },
        }),
    );
    assert!(again.as_array().is_none_or(|a| a.is_empty()), "{again:#?}");
    assert_eq!(server.shutdown().code(), Some(0));
}
