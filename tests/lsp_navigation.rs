//! `ddlint lsp` navigation end to end: definition, declaration, type definition, references,
//! document highlight, document and workspace symbols and rename, over stdio, in both position
//! encodings.

// The client's other helpers serve the other LSP tests.
#[allow(dead_code)]
#[path = "lsp_client.rs"]
mod client;

use client::{Encoding, Server, TempDir, Text, file_uri};
use serde_json::{Value, json};

/// A migration folder whose names need more than one byte per character, with CRLF lines.
const USERS: &str = "CREATE TABLE \"Größe\" (id bigint PRIMARY KEY, name text);\r\n";
const POSTS: &str = "CREATE TABLE posts (\r\n  id bigint PRIMARY KEY,\r\n  author bigint NOT NULL REFERENCES \"Größe\" (id)\r\n);\r\nALTER TABLE \"Größe\" RENAME COLUMN name TO \"näme\";\r\nCREATE INDEX posts_author ON posts (author);\r\n";

fn capabilities(encodings: &[&str], hierarchical: bool) -> Value {
    json!({
        "general": { "positionEncodings": encodings },
        "workspace": {
            "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] },
        },
        "textDocument": {
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": hierarchical },
        },
    })
}

struct Workspace {
    dir: TempDir,
    users: String,
    posts: String,
}

fn workspace(name: &str) -> Workspace {
    let dir = TempDir::new(name);
    let users = file_uri(&dir.write("db/001_users.sql", USERS));
    let posts = file_uri(&dir.write("db/002_posts.sql", POSTS));
    Workspace { dir, users, posts }
}

fn at(uri: &str, text: &Text, offset: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": text.position(offset) })
}

/// `file text` for each location.
fn described(locations: &Value, texts: &[(&str, &Text)]) -> Vec<String> {
    locations
        .as_array()
        .unwrap_or_else(|| panic!("locations: {locations}"))
        .iter()
        .map(|location| {
            let (name, text) = texts
                .iter()
                .find(|(uri, _)| location["uri"] == *uri)
                .unwrap_or_else(|| panic!("a known file: {location}"));
            let name = name.rsplit('/').next().unwrap();
            format!("{name} {}", text.slice(&location["range"]))
        })
        .collect()
}

fn navigation_in(encoding: Encoding, offered: &str) {
    let ws = workspace(&format!("navigation-{offered}"));
    let mut server = Server::start(&ws.dir.0);
    let init = server.initialize(&ws.dir.0, capabilities(&[offered], true), Value::Null);
    let capabilities = &init["capabilities"];
    for provider in [
        "definitionProvider",
        "declarationProvider",
        "typeDefinitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
    ] {
        assert_eq!(capabilities[provider], true, "{provider}: {capabilities}");
    }
    server.diagnostics(&ws.posts, Value::Null);
    let users = Text::new(USERS, encoding);
    let posts = Text::new(POSTS, encoding);
    let texts = [(ws.users.as_str(), &users), (ws.posts.as_str(), &posts)];

    // From the foreign key's target to the CREATE TABLE in the other file; the ALTER TABLE
    // after it is not part of the schema the foreign key saw.
    let reference = POSTS.find("\"Größe\" (id)").unwrap() + 3;
    let altered = POSTS.find("\"Größe\" RENAME").unwrap() + 3;
    for method in [
        "textDocument/definition",
        "textDocument/declaration",
        "textDocument/typeDefinition",
    ] {
        let found = server.request(method, at(&ws.posts, &posts, reference));
        assert_eq!(
            described(&found, &texts),
            ["001_users.sql \"Größe\""],
            "{method}"
        );
        let found = server.request(method, at(&ws.posts, &posts, altered));
        assert_eq!(
            described(&found, &texts),
            ["001_users.sql \"Größe\"", "002_posts.sql \"Größe\""],
            "{method}"
        );
    }
    // A column renamed later: its definition, then the rename, as the schema stood at the use.
    let renamed = POSTS.find("\"näme\"").unwrap() + 2;
    let found = server.request("textDocument/definition", at(&ws.posts, &posts, renamed));
    assert_eq!(
        described(&found, &texts),
        ["001_users.sql name", "002_posts.sql name"]
    );

    let references = |server: &mut Server, include: bool| {
        let mut params = at(&ws.users, &users, USERS.find("Größe").unwrap());
        params["context"] = json!({ "includeDeclaration": include });
        server.request("textDocument/references", params)
    };
    assert_eq!(
        described(&references(&mut server, true), &texts),
        [
            "001_users.sql \"Größe\"",
            "002_posts.sql \"Größe\"",
            "002_posts.sql \"Größe\""
        ]
    );
    assert_eq!(described(&references(&mut server, false), &texts).len(), 2);

    let highlights = server.request(
        "textDocument/documentHighlight",
        at(&ws.posts, &posts, POSTS.find("posts (author)").unwrap()),
    );
    let highlights: Vec<(String, u64)> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let line = h["range"]["start"]["line"].as_u64().unwrap();
            (
                posts.slice(&h["range"]).to_string(),
                line * 10 + h["kind"].as_u64().unwrap(),
            )
        })
        .collect();
    // Line 0 written (3 is write), line 5 read (2).
    assert_eq!(
        highlights,
        [("posts".to_string(), 3), ("posts".to_string(), 52)]
    );

    let outline = server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": ws.posts } }),
    );
    let table = &outline[0];
    assert_eq!(table["name"], "posts");
    assert_eq!(table["kind"], 23, "a struct");
    assert_eq!(posts.slice(&table["selectionRange"]), "posts");
    let columns: Vec<&str> = table["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["id", "author"]);
    assert_eq!(outline[1]["name"], "posts_author");
    assert_eq!(outline[1]["detail"], "index on posts");

    let symbols = server.request("workspace/symbol", json!({ "query": "größ" }));
    assert_eq!(symbols[0]["name"], "Größe", "{symbols}");
    assert_eq!(
        described(&json!([symbols[0]["location"]]), &texts),
        ["001_users.sql \"Größe\""]
    );
    assert!(server.shutdown().success());
}

#[test]
fn navigation_over_utf16() {
    navigation_in(Encoding::Utf16, "utf-16");
}

#[test]
fn navigation_over_utf8() {
    navigation_in(Encoding::Utf8, "utf-8");
}

#[test]
fn a_client_without_nested_symbols_gets_a_flat_outline() {
    let ws = workspace("flat-outline");
    let mut server = Server::start(&ws.dir.0);
    server.initialize(&ws.dir.0, capabilities(&["utf-16"], false), Value::Null);
    let outline = server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": ws.users } }),
    );
    let flat: Vec<(String, String)> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let container = s["containerName"].as_str().unwrap_or("").to_string();
            (s["name"].as_str().unwrap().to_string(), container)
        })
        .collect();
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        flat,
        pairs(&[
            ("\"Größe\"", ""),
            ("id", "\"Größe\""),
            ("name", "\"Größe\"")
        ])
    );
    let users = Text::new(USERS, Encoding::Utf16);
    assert_eq!(users.slice(&outline[0]["location"]["range"]), "\"Größe\"");
    assert!(server.shutdown().success());
}

#[test]
fn rename_writes_a_migration_for_applied_history_and_edits_pending_files() {
    let ws = workspace("rename");
    let mut server = Server::start(&ws.dir.0);
    let init = server.initialize(&ws.dir.0, capabilities(&["utf-16"], true), Value::Null);
    assert_eq!(
        init["capabilities"]["renameProvider"]["prepareProvider"],
        true
    );
    server.diagnostics(&ws.posts, Value::Null);
    let posts = Text::new(POSTS, Encoding::Utf16);

    // The table an applied migration created: a new migration, created then filled.
    let table = at(&ws.posts, &posts, POSTS.find("\"Größe\" (id)").unwrap() + 2);
    let prepared = server.request("textDocument/prepareRename", table.clone());
    assert_eq!(prepared["placeholder"], "Größe");
    assert_eq!(posts.slice(&prepared["range"]), "\"Größe\"");
    let mut params = table.clone();
    params["newName"] = json!("sizes");
    let edit = server.request("textDocument/rename", params);
    let operations = edit["documentChanges"].as_array().unwrap();
    assert_eq!(operations.len(), 2, "{edit}");
    assert_eq!(operations[0]["kind"], "create");
    let created = operations[0]["uri"].as_str().unwrap();
    assert!(
        created.ends_with("/db/003_rename_gr_e_to_sizes.sql"),
        "{created}"
    );
    assert_eq!(operations[1]["textDocument"]["uri"], created);
    assert_eq!(
        operations[1]["edits"][0]["newText"],
        "ALTER TABLE \"Größe\" RENAME TO sizes;\r\n"
    );

    // A column the pending migration creates: edits in that file, at the document's version.
    let column = at(&ws.posts, &posts, POSTS.find("author bigint").unwrap());
    let mut params = column.clone();
    params["newName"] = json!("writer");
    let edit = server.request("textDocument/rename", params);
    let operations = edit["documentChanges"].as_array().unwrap();
    assert_eq!(operations.len(), 1, "{edit}");
    assert_eq!(operations[0]["textDocument"]["uri"], ws.posts.as_str());
    let mut renamed = posts.clone();
    renamed.apply(operations[0]["edits"].as_array().unwrap());
    assert_eq!(
        renamed.text,
        POSTS
            .replace("author bigint", "writer bigint")
            .replace("(author)", "(writer)")
    );

    // An index the pending migration creates can be renamed there.
    let index = at(&ws.posts, &posts, POSTS.find("posts_author").unwrap());
    let prepared = server.request("textDocument/prepareRename", index);
    assert_eq!(prepared["placeholder"], "posts_author");

    // Refusals come back as errors whose message says why.
    let keyword = at(&ws.posts, &posts, POSTS.find("TABLE").unwrap());
    let refused = server.request_response("textDocument/prepareRename", keyword);
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("there is none here"),
        "{refused}"
    );
    let mut params = column;
    params["newName"] = json!("Writer");
    let refused = server.request_response("textDocument/rename", params);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("would need quoting"),
        "{refused}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn a_rename_that_needs_a_new_file_is_refused_where_the_client_cannot_create_one() {
    let ws = workspace("rename-no-files");
    let mut server = Server::start(&ws.dir.0);
    server.initialize(
        &ws.dir.0,
        json!({ "general": { "positionEncodings": ["utf-8"] } }),
        Value::Null,
    );
    server.diagnostics(&ws.posts, Value::Null);
    let posts = Text::new(POSTS, Encoding::Utf8);
    let mut params = at(&ws.posts, &posts, POSTS.find("\"Größe\" (id)").unwrap() + 2);
    params["newName"] = json!("sizes");
    let refused = server.request_response("textDocument/rename", params);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("create files"),
        "{refused}"
    );
    // Edits alone come as `changes`.
    let mut params = at(&ws.posts, &posts, POSTS.find("posts (author)").unwrap());
    params["newName"] = json!("articles");
    let edit = server.request("textDocument/rename", params);
    let edits = edit["changes"][ws.posts.as_str()].as_array().unwrap();
    let mut renamed = posts.clone();
    renamed.apply(edits);
    assert_eq!(
        renamed.text,
        POSTS
            .replace("posts", "articles")
            .replace("articles_author", "posts_author")
    );
    assert!(server.shutdown().success());
}

/// Completion while typing: the edited statement does not parse yet, names need quotes and
/// more than one UTF-16 unit per character, lines end in CRLF.
#[test]
fn completion_lists_tables_columns_and_snippets_while_typing() {
    let ws = workspace("completion");
    let mut server = Server::start(&ws.dir.0);
    let mut capabilities = capabilities(&["utf-16"], true);
    capabilities["textDocument"]["completion"] =
        json!({ "completionItem": { "snippetSupport": true } });
    let init = server.initialize(&ws.dir.0, capabilities, Value::Null);
    let triggers = &init["capabilities"]["completionProvider"]["triggerCharacters"];
    assert_eq!(*triggers, json!([".", "(", "@"]));
    let mut posts = Text::new(POSTS, Encoding::Utf16);
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": ws.posts, "languageId": "sql", "version": 1, "text": POSTS } }),
    );
    let end = posts.text.len();
    let typed = "CREATE INDEX ON \"Größe\" (\"n";
    let change = posts.replace(end, end, typed);
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": ws.posts, "version": 2 }, "contentChanges": [change] }),
    );
    let cursor = posts.text.len();
    let complete = |server: &mut Server, posts: &Text, offset: usize| {
        let found = server.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": ws.posts }, "position": posts.position(offset) }),
        );
        found["items"].as_array().cloned().unwrap_or_default()
    };
    let items = complete(&mut server, &posts, cursor);
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item["label"], "\"näme\"");
    assert_eq!(item["detail"], "text");
    assert_eq!(item["textEdit"]["newText"], "\"näme\"");
    assert_eq!(posts.slice(&item["textEdit"]["range"]), "\"n");

    // A table after REFERENCES, in a statement cut short.
    let typed_at = posts.text.len() - typed.len();
    let change = posts.replace(
        typed_at,
        posts.text.len(),
        "ALTER TABLE posts ADD COLUMN u bigint REFERENCES Gr",
    );
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": ws.posts, "version": 3 }, "contentChanges": [change] }),
    );
    let items = complete(&mut server, &posts, posts.text.len());
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["\"Größe\""]);
    assert_eq!(items[0]["detail"], "table, 2 columns");
    assert_eq!(posts.slice(&items[0]["textEdit"]["range"]), "Gr");

    // At the start of a statement, the checklist's snippets for a client that expands them.
    let change = posts.replace(typed_at, posts.text.len(), "");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": ws.posts, "version": 4 }, "contentChanges": [change] }),
    );
    let items = complete(&mut server, &posts, posts.text.len());
    assert_eq!(items[0]["insertTextFormat"], 2, "a snippet: {}", items[0]);
    assert!(
        items[0]["textEdit"]["newText"]
            .as_str()
            .unwrap()
            .contains("GENERATED ALWAYS AS IDENTITY")
    );
    assert!(server.shutdown().success());
}

#[test]
fn folding_and_selection_ranges_in_utf16_over_crlf() {
    let ws = workspace("folding");
    let mut server = Server::start(&ws.dir.0);
    let init = server.initialize(&ws.dir.0, capabilities(&["utf-16"], true), Value::Null);
    assert_eq!(init["capabilities"]["foldingRangeProvider"], true);
    assert_eq!(init["capabilities"]["selectionRangeProvider"], true);
    let folds = server.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": ws.posts } }),
    );
    // CREATE TABLE posts over lines 0 to 3; its closing `);` stays shown.
    assert_eq!(
        folds,
        json!([{ "startLine": 0, "endLine": 2, "kind": "region" }])
    );

    let posts = Text::new(POSTS, Encoding::Utf16);
    let inside = POSTS.find("Größe\" (id)").unwrap() + 2;
    let found = server.request(
        "textDocument/selectionRange",
        json!({ "textDocument": { "uri": ws.posts }, "positions": [posts.position(inside)] }),
    );
    let mut selected = Vec::new();
    let mut range = &found[0];
    while !range.is_null() {
        selected.push(posts.slice(&range["range"]).to_string());
        range = &range["parent"];
    }
    assert_eq!(selected[0], "\"Größe\"");
    assert!(
        selected.iter().any(|s| s == "REFERENCES \"Größe\" (id)"),
        "{selected:?}"
    );
    assert_eq!(selected.last().map(String::len), Some(POSTS.len()));
    assert!(server.shutdown().success());
}

#[test]
fn prisma_map_names_lead_to_their_field_and_model_and_are_among_its_references() {
    const SCHEMA: &str = "model Kunde {\r\n  id     Int @id\r\n  groesse Int @map(\"körper_größe\")\r\n  @@map(\"kunden\")\r\n}\r\n";
    let dir = TempDir::new("prisma-map");
    let uri = file_uri(&dir.write("prisma/schema.prisma", SCHEMA));
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"], true), Value::Null);
    server.diagnostics(&uri, Value::Null);
    let text = Text::new(SCHEMA, Encoding::Utf16);
    let texts = [(uri.as_str(), &text)];
    let found = server.request(
        "textDocument/definition",
        at(&uri, &text, SCHEMA.find("größe").unwrap()),
    );
    assert_eq!(described(&found, &texts), ["schema.prisma groesse"]);
    let found = server.request(
        "textDocument/definition",
        at(&uri, &text, SCHEMA.find("kunden").unwrap() + 2),
    );
    assert_eq!(described(&found, &texts), ["schema.prisma Kunde"]);
    let mut params = at(&uri, &text, SCHEMA.find("Kunde").unwrap());
    params["context"] = json!({ "includeDeclaration": true });
    let found = server.request("textDocument/references", params);
    assert_eq!(
        described(&found, &texts),
        ["schema.prisma Kunde", "schema.prisma kunden"]
    );
    let highlights = server.request(
        "textDocument/documentHighlight",
        at(&uri, &text, SCHEMA.find("groesse").unwrap()),
    );
    let highlights: Vec<(&str, u64)> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (text.slice(&h["range"]), h["kind"].as_u64().unwrap()))
        .collect();
    assert_eq!(highlights, [("groesse", 3), ("körper_größe", 2)]);
    // Renaming at the map name is refused: it is the database's name.
    let mut params = at(&uri, &text, SCHEMA.find("kunden").unwrap());
    params["newName"] = json!("clients");
    let refused = server.request_response("textDocument/rename", params);
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("edit the string")),
        "{refused}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn a_derived_constraint_name_leads_to_its_clause_and_is_renamed_by_a_new_migration() {
    const USERS: &str = "CREATE TABLE \"Größe\" (id bigint PRIMARY KEY, email text UNIQUE);\r\n";
    const LATER: &str = "COMMENT ON CONSTRAINT \"Größe_pkey\" ON \"Größe\" IS 'key';\r\nALTER INDEX \"Größe_email_key\" SET (fillfactor = 90);\r\n";
    let dir = TempDir::new("derived-names");
    let users = file_uri(&dir.write("db/001_users.sql", USERS));
    let later = file_uri(&dir.write("db/002_later.sql", LATER));
    let mut server = Server::start(&dir.0);
    server.initialize(&dir.0, capabilities(&["utf-16"], true), Value::Null);
    server.diagnostics(&users, Value::Null);
    let users_text = Text::new(USERS, Encoding::Utf16);
    let later_text = Text::new(LATER, Encoding::Utf16);
    let texts = [(users.as_str(), &users_text), (later.as_str(), &later_text)];
    let key = at(&later, &later_text, LATER.find("Größe_pkey").unwrap() + 2);
    let found = server.request("textDocument/definition", key.clone());
    assert_eq!(described(&found, &texts), ["001_users.sql PRIMARY KEY"]);
    let mut params = key;
    params["context"] = json!({ "includeDeclaration": true });
    let found = server.request("textDocument/references", params);
    assert_eq!(
        described(&found, &texts),
        ["001_users.sql PRIMARY KEY", "002_later.sql \"Größe_pkey\""]
    );
    // The unique constraint's index: renaming it is a new migration renaming the constraint.
    let index = at(&later, &later_text, LATER.find("Größe_email").unwrap());
    let prepared = server.request("textDocument/prepareRename", index.clone());
    assert_eq!(prepared["placeholder"], "Größe_email_key");
    let mut params = index;
    params["newName"] = json!("users_email_unique");
    let edit = server.request("textDocument/rename", params);
    let operations = edit["documentChanges"].as_array().unwrap();
    assert_eq!(operations[0]["kind"], "create", "{edit}");
    assert_eq!(
        operations[1]["edits"][0]["newText"],
        "ALTER TABLE \"Größe\" RENAME CONSTRAINT \"Größe_email_key\" TO users_email_unique;\r\n"
    );
    assert!(server.shutdown().success());
}

#[test]
fn completion_lists_the_columns_of_the_table_a_foreign_key_or_query_names() {
    let ws = workspace("completion-columns");
    let mut server = Server::start(&ws.dir.0);
    server.initialize(&ws.dir.0, capabilities(&["utf-16"], true), Value::Null);
    server.diagnostics(&ws.posts, Value::Null);
    let mut posts = Text::new(POSTS, Encoding::Utf16);
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": ws.posts, "languageId": "sql", "version": 1, "text": POSTS } }),
    );
    let labels = |server: &mut Server, posts: &mut Text, version: i32, typed: &str| {
        let end = posts.text.len();
        let cursor = typed.find('|').unwrap();
        let change = posts.replace(end, end, &typed.replace('|', ""));
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": ws.posts, "version": version }, "contentChanges": [change] }),
        );
        let found = server.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": ws.posts }, "position": posts.position(end + cursor) }),
        );
        let labels: Vec<String> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect();
        // Typed again from the end of the file the next time.
        let change = posts.replace(end, posts.text.len(), "");
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": ws.posts, "version": version + 1 }, "contentChanges": [change] }),
        );
        labels
    };
    // The referenced table's key first.
    assert_eq!(
        labels(
            &mut server,
            &mut posts,
            2,
            "CREATE TABLE likes (u bigint REFERENCES \"Größe\" (|"
        ),
        ["id", "\"näme\""]
    );
    // A query's tables, named after the cursor too, and through an alias.
    assert_eq!(
        labels(
            &mut server,
            &mut posts,
            4,
            "SELECT | FROM posts p JOIN \"Größe\" g ON g.id = p.author;"
        ),
        ["id", "author", "\"näme\""]
    );
    assert_eq!(
        labels(
            &mut server,
            &mut posts,
            6,
            "UPDATE posts p SET author = 1 WHERE p.|"
        ),
        ["id", "author"]
    );
    assert!(server.shutdown().success());
}
