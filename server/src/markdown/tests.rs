use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::analysis::{Checked, TextInput, check_texts};
use crate::config::Config;
use crate::fix::apply_edits;
use crate::rules::Selection;
use crate::text::PositionEncoding;
use crate::workspace::history::NoVcs;

fn check(text: &str) -> Checked {
    let input = TextInput {
        path: PathBuf::from("design.md"),
        key: PathBuf::from("/project/docs/design.md"),
        text: Arc::new(String::from(text)),
    };
    check_texts(
        vec![input],
        &Config::default(),
        &Selection::default(),
        &NoVcs,
    )
}

/// Each finding as `rule line:col` (zero-based, UTF-16 columns, as LSP counts them).
fn findings(checked: &Checked) -> Vec<String> {
    let file = &checked.files[0];
    let mut found: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| {
            let at = file
                .lines
                .line_col(d.range.start(), PositionEncoding::Utf16);
            format!("{} {}:{}", d.rule, at.line, at.col)
        })
        .collect();
    found.sort();
    found
}

fn has(checked: &Checked, rule: &str) -> bool {
    checked.diagnostics.iter().any(|d| d.rule == rule)
}

/// The document after applying the first fix of the first `rule` finding.
fn fixed(checked: &Checked, rule: &str) -> String {
    let diagnostic = checked
        .diagnostics
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no {rule}"));
    let fix = diagnostic.fixes.first().expect("a fix");
    let file = &checked.files[0];
    apply_edits(&file.document, file.id, &fix.edits).0
}

#[test]
fn finds_fences_of_both_kinds_in_lists_and_quotes() {
    let text = "# Plan\n\n```sql\nA\n```\n\n- step\n  ~~~postgresql\n  B\n  ~~~\n\n> ```prisma\n> C\n> ```\n\n1. ```mermaid\n   erDiagram\n   ```\n````\nunclosed\n";
    let embedding = Embedding::scan(Path::new("a.md"), text);
    let languages: Vec<BlockLanguage> = embedding.blocks.iter().map(|b| b.language).collect();
    assert_eq!(
        languages,
        [
            BlockLanguage::Sql,
            BlockLanguage::Sql,
            BlockLanguage::Prisma,
            BlockLanguage::Mermaid,
            BlockLanguage::Other
        ]
    );
    let content = |i: usize| {
        let range = embedding.blocks[i].content;
        &text[range.start() as usize..range.end() as usize]
    };
    assert_eq!(content(0), "A\n");
    assert_eq!(content(1), "  B\n");
    assert_eq!(content(2), "> C\n");
    assert_eq!(embedding.blocks[1].prefix, "  ");
    assert_eq!(content(4), "unclosed\n");
    assert_eq!(embedding.blocks[4].closing, None);
    assert_eq!(embedding.er_diagrams(text).count(), 1);
}

#[test]
fn a_view_keeps_every_offset_and_blanks_the_prose() {
    let text = "Prosa über Tabellen 🙂\r\n\r\n```sql\r\nCREATE TABLE a (id int)\r\n```\r\n> ```sql\r\n> CREATE TABLE b (id int);\r\n> ```\r\n";
    let embedding = Embedding::scan(Path::new("a.md"), text);
    let view = embedding.view(text, Language::Sql);
    assert_eq!(view.len(), text.len());
    assert_eq!(view.matches('\n').count(), text.matches('\n').count());
    let a = text.find("CREATE TABLE a").unwrap();
    assert_eq!(&view[a..a + 23], "CREATE TABLE a (id int)");
    // The block's closing fence ends its statement; the quote markers are blanked.
    assert!(view.contains("CREATE TABLE a (id int)\r\n;"));
    assert!(view.contains("\r\n  CREATE TABLE b (id int);\r\n"));
    assert!(!view.contains("Prosa"));
}

#[test]
fn blocks_of_one_document_build_one_schema_at_exact_positions() {
    // Non-ASCII prose on the lines above: UTF-16 columns are counted on the real text.
    let text = "# Zahlungen 💶\n\nÜbersicht:\n\n```sql\nCREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  created_at timestamp NOT NULL DEFAULT now(),\n  updated_at timestamptz NOT NULL DEFAULT now()\n);\n```\n\n- Bestellungen 🙂:\n  ```sql\n  CREATE TABLE orders (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n    created_at timestamptz NOT NULL DEFAULT now(),\n    updated_at timestamptz NOT NULL DEFAULT now()\n  );\n  ```\n";
    let checked = check(text);
    let found = findings(&checked);
    assert!(
        found.contains(&"timestamp-without-time-zone 7:13".to_string()),
        "{found:?}"
    );
    // The second block's foreign key resolves against the first block's table.
    assert!(!has(&checked, "foreign-key-unknown-target"));
    assert!(
        found.contains(&"foreign-key-without-index 16:32".to_string()),
        "{found:?}"
    );
    // The index goes into the indented block, indented like it.
    let after = fixed(&checked, "foreign-key-without-index");
    assert!(
        after.contains(
            "  );\n  CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n  ```\n"
        ),
        "{after}"
    );
    let rechecked = check(&after);
    assert!(!has(&rechecked, "foreign-key-without-index"));
    assert!(!has(&rechecked, "syntax-error"));
}

#[test]
fn crlf_documents_fix_in_place() {
    let text = "Intro\r\n\r\n```sql\r\nCREATE TABLE events (\r\n  id bigint PRIMARY KEY,\r\n  at timestamp NOT NULL\r\n);\r\n```\r\n";
    let checked = check(text);
    let found = findings(&checked);
    assert!(
        found.contains(&"timestamp-without-time-zone 5:5".to_string()),
        "{found:?}"
    );
    let after = fixed(&checked, "timestamp-without-time-zone");
    assert!(after.contains("  at timestamptz NOT NULL\r\n"), "{after}");
    assert!(after.starts_with("Intro\r\n\r\n```sql\r\n"));
    assert!(!has(&check(&after), "timestamp-without-time-zone"));
}

#[test]
fn fragments_name_tables_defined_elsewhere() {
    let text = "```sql\nCREATE TABLE notes (\n  id bigint PRIMARY KEY,\n  author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n  body text NOT NULL\n);\nCREATE INDEX ON notes (author_id);\n```\n";
    let checked = check(text);
    assert!(
        !has(&checked, "foreign-key-unknown-target"),
        "{:?}",
        findings(&checked)
    );
}

#[test]
fn excerpts_and_queries_are_not_syntax_errors() {
    let text = "```sql\nSELECT * FROM orders WHERE ...\n```\n\n```sql\nCREATE TABLE t (\n  id bigint PRIMARY KEY,\n  ...\n);\n```\n\n```sql\nCREATE INDEX <index_name> ON <table> (col);\n```\n\n```ruby\nclass Foo; end\n```\n";
    assert!(!has(&check(text), "syntax-error"));
    let broken = "```sql\nCREATE TABLE t (id bigint PRIMARY KEY,, name text);\n```\n";
    let found = findings(&check(broken));
    assert!(
        found.contains(&"syntax-error 1:37".to_string()),
        "{found:?}"
    );
}

#[test]
fn a_statement_left_open_in_one_block_does_not_swallow_the_next() {
    let text = "```sql\nCREATE TABLE a (id bigint PRIMARY KEY)\n```\n\n```sql\nCREATE TABLE b (at timestamp)\n```\n";
    let checked = check(text);
    let tables: Vec<&str> = checked.diagnostics.iter().map(|d| d.rule).collect();
    assert!(
        tables.contains(&"timestamp-without-time-zone"),
        "{tables:?}"
    );
    assert!(!tables.contains(&"syntax-error"), "{tables:?}");
}

#[test]
fn a_later_block_redefines_a_table() {
    let text = "```sql\nCREATE TABLE audit (id serial PRIMARY KEY, at timestamptz NOT NULL);\n```\n\nPartitioned:\n\n```sql\nCREATE TABLE audit (id bigint, at timestamptz NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\n```\n";
    let checked = check(text);
    assert!(
        !has(&checked, "duplicate-table"),
        "{:?}",
        findings(&checked)
    );
    assert!(!has(&checked, "integer-primary-key"));
    // In one block a second definition is still the error PostgreSQL would raise.
    let same_block = "```sql\nCREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE a (id bigint PRIMARY KEY);\n```\n";
    assert!(has(&check(same_block), "duplicate-table"));
}

#[test]
fn html_comments_suppress_a_block_or_the_document() {
    let block = "```sql\nCREATE TABLE a (id bigint PRIMARY KEY, at timestamp NOT NULL);\nCREATE TABLE b (id bigint PRIMARY KEY, at timestamp NOT NULL);\n```\n";
    assert!(has(&check(block), "timestamp-without-time-zone"));
    let before_block = format!("<!-- ddlint-ignore timestamp-without-time-zone -->\n{block}");
    let checked = check(&before_block);
    assert!(!has(&checked, "timestamp-without-time-zone"));
    assert!(!has(&checked, "unused-suppression"));
    let whole = format!(
        "<!-- ddlint-ignore-file timestamp-without-time-zone -->\n\nText.\n\n{block}\n{block}"
    );
    assert!(!has(&check(&whole), "timestamp-without-time-zone"));
    // The SQL comment form works inside a block.
    let inline = "```sql\n-- ddlint-ignore timestamp-without-time-zone\nCREATE TABLE a (id bigint PRIMARY KEY, at timestamp NOT NULL);\n```\n";
    assert!(!has(&check(inline), "timestamp-without-time-zone"));
    // Prose between the comment and the block: it covers nothing.
    let apart =
        format!("<!-- ddlint-ignore timestamp-without-time-zone -->\n\nSome words.\n\n{block}");
    assert!(has(&check(&apart), "timestamp-without-time-zone"));
}

#[test]
fn statements_appended_to_the_document_go_into_its_last_block() {
    let text = "```sql\nCREATE TABLE a (\n  id bigint PRIMARY KEY,\n  created_at timestamptz NOT NULL DEFAULT now(),\n  updated_at timestamptz NOT NULL DEFAULT now()\n);\n```\n\nThe end.\n";
    let checked = check(text);
    let diagnostic = checked
        .diagnostics
        .iter()
        .find(|d| d.rule == "updated-at-without-trigger")
        .expect("an updated_at without a trigger");
    assert!(!diagnostic.fixes.is_empty());
    for fix in &diagnostic.fixes {
        let file = &checked.files[0];
        let after = apply_edits(&file.document, file.id, &fix.edits).0;
        assert!(after.ends_with("```\n\nThe end.\n"), "{after}");
        assert!(!has(&check(&after), "syntax-error"), "{after}");
    }
}

#[test]
fn prisma_blocks_are_a_schema_when_there_is_no_sql() {
    let text = "# Models\n\n```prisma\nmodel Payment {\n  id     Int   @id @default(autoincrement())\n  amount Float\n}\n```\n";
    let checked = check(text);
    assert_eq!(checked.files[0].language, Language::Prisma);
    let found = findings(&checked);
    assert!(
        found.contains(&"float-for-money 5:9".to_string()),
        "{found:?}"
    );
}

#[test]
fn documents_without_schema_blocks_are_quiet() {
    let text = "# Notes\n\nNothing here but `CREATE TABLE` in prose.\n\n```bash\npsql -c 'CREATE TABLE x (a int)'\n```\n";
    assert!(check(text).diagnostics.is_empty());
}

#[test]
fn only_the_schema_blocks_are_read() {
    let text =
        "Prose CREATE\n\n```sql\nCREATE TABLE a (id bigint);\n```\n\n```mermaid\nerDiagram\n```\n";
    let file = &check(text).files[0];
    assert!(!file.reads_at(text.find("Prose").unwrap() as u32));
    assert!(file.reads_at(text.find("TABLE a").unwrap() as u32));
    assert!(!file.reads_at(text.find("erDiagram").unwrap() as u32));
}

const COLUMN_TABLES: &str = "# Zahlungen 💶\n\n### `customers`\n\n| Column | Type | Constraints | Description |\n|---|---|---|---|\n| id | bigint | PK | Schlüssel |\n| created_at | timestamp | NOT NULL DEFAULT now() | wann |\n| updated_at | timestamptz | NOT NULL DEFAULT now() | |\n\n### orders\n\n| Column | Type | Constraints |\n|---|---|---|\n| id | bigint | PK |\n| customer_id | bigint | NOT NULL, FK → customers.id |\n| total | float | NOT NULL |\n| created_at | timestamptz | NOT NULL DEFAULT now() |\n| updated_at | timestamptz | NOT NULL DEFAULT now() |\n";

#[test]
fn column_tables_are_checked_and_fixed_in_their_cells() {
    let checked = check(COLUMN_TABLES);
    let found = findings(&checked);
    assert!(
        found.contains(&"timestamp-without-time-zone 7:15".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"float-for-money 16:10".to_string()),
        "{found:?}"
    );
    assert!(!has(&checked, "missing-primary-key"), "{found:?}");
    let after = fixed(&checked, "timestamp-without-time-zone");
    assert!(
        after.contains("| created_at | timestamptz | NOT NULL DEFAULT now() | wann |\n"),
        "{after}"
    );
    // "Create index" would write SQL into the prose: not offered.
    let index = checked
        .diagnostics
        .iter()
        .find(|d| d.rule == "foreign-key-without-index")
        .expect("the foreign key of the column table");
    assert!(index.fixes.is_empty(), "{:?}", index.fixes);
}

#[test]
fn a_fix_in_a_column_table_keeps_what_the_cell_says() {
    let checked = check(&COLUMN_TABLES.replace(
        "| created_at | timestamp |",
        "| created_at | timestamp(3) |",
    ));
    let after = fixed(&checked, "timestamp-without-time-zone");
    assert!(
        after.contains("| created_at | timestamptz(3) | NOT NULL DEFAULT now() | wann |\n"),
        "{after}"
    );
}

#[test]
fn a_comment_before_a_column_table_suppresses_in_it() {
    let text = COLUMN_TABLES.replace(
        "### orders",
        "<!-- ddlint-ignore float-for-money -->\n### orders",
    );
    let checked = check(&text);
    assert!(
        !has(&checked, "float-for-money"),
        "{:?}",
        findings(&checked)
    );
    assert!(!has(&checked, "unused-suppression"));
}

#[test]
fn a_column_table_and_sql_for_one_table_are_one_design() {
    let text = format!(
        "{COLUMN_TABLES}\nAs SQL:\n\n```sql\nCREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  total numeric(12,2) NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now(),\n  updated_at timestamptz NOT NULL DEFAULT now()\n);\n```\n"
    );
    let checked = check(&text);
    assert!(
        !has(&checked, "duplicate-table"),
        "{:?}",
        findings(&checked)
    );
    // The SQL, written later, is the design: its numeric total is not money in a float.
    assert!(
        !has(&checked, "float-for-money"),
        "{:?}",
        findings(&checked)
    );
}

#[test]
fn a_mermaid_file_beside_a_schema_is_compared_with_it() {
    let input = |path: &str, text: &str| TextInput {
        path: PathBuf::from(path),
        key: PathBuf::from("/project").join(path),
        text: Arc::new(String::from(text)),
    };
    let schema = "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\n";
    let diagram = "erDiagram\n    users |o--o{ posts : writes\n";
    let checked = check_texts(
        vec![
            input("db/schema.sql", schema),
            input("db/erd.mmd", diagram),
            input("elsewhere/lonely.mmd", diagram),
        ],
        &Config::default(),
        &Selection::default(),
        &NoVcs,
    );
    let drift: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == "erd-drift")
        .map(|d| checked.files[d.file.0 as usize].path.display().to_string())
        .collect();
    assert_eq!(drift, ["db/erd.mmd"]);
    // The schema file is still complete on its own: nothing about it changes.
    assert!(
        checked
            .diagnostics
            .iter()
            .filter(|d| d.rule != "erd-drift")
            .all(|d| checked.files[d.file.0 as usize]
                .path
                .ends_with("schema.sql"))
    );
}

#[test]
fn lines_a_fix_adds_in_a_quote_or_a_list_keep_the_block_s_indentation() {
    let quoted = "> ```sql\n> CREATE TABLE b (\n>   id bigint PRIMARY KEY,\n>   at timestamptz NOT NULL\n> );\n> ```\n";
    let after = fixed(&check(quoted), "missing-timestamps");
    assert!(
        after.contains(">   at timestamptz NOT NULL,\n>   created_at timestamptz NOT NULL DEFAULT now(),\n>   updated_at timestamptz NOT NULL DEFAULT now()\n> );"),
        "{after}"
    );
    let listed = "1. Items:\n   ```sql\n   CREATE TABLE b (\n     id bigint PRIMARY KEY,\n     at timestamptz NOT NULL\n   );\n   ```\n";
    let after = fixed(&check(listed), "missing-timestamps");
    assert!(
        after.contains(
            "\n     at timestamptz NOT NULL,\n     created_at timestamptz NOT NULL DEFAULT now(),\n"
        ),
        "{after}"
    );
    let crlf = quoted.replace('\n', "\r\n");
    let after_crlf = fixed(&check(&crlf), "missing-timestamps");
    assert!(
        after_crlf.contains(
            ">   at timestamptz NOT NULL,\r\n>   created_at timestamptz NOT NULL DEFAULT now(),\r\n"
        ),
        "{after_crlf}"
    );
    for after in [
        fixed(&check(quoted), "missing-timestamps"),
        after,
        after_crlf,
    ] {
        assert!(!has(&check(&after), "syntax-error"), "{after}");
        assert!(!has(&check(&after), "missing-timestamps"), "{after}");
    }
}

#[test]
fn inserted_lines_get_the_prefix_blank_ones_without_trailing_spaces() {
    let ends = |at_line_start, before_line_start| Ends {
        at_line_start,
        before_line_start,
    };
    assert_eq!(
        with_prefix("a\n\nb\n", "> ", ends(true, true)),
        "> a\n>\n> b\n"
    );
    // The rest of the line the edit split starts a line of its own: it gets the prefix too.
    assert_eq!(
        with_prefix(" \r\n-- c\r\n", "> ", ends(false, false)),
        " \r\n> -- c\r\n> "
    );
    assert_eq!(with_prefix("x\n\ny", "   ", ends(false, true)), "x\n\n   y");
}
