//! Snapshots of the drawings for a small hand-written schema, and properties that hold for
//! every drawing (width, balanced HTML) on it and on the real-world corpus.

use std::path::PathBuf;
use std::sync::Arc;

use super::mermaid::Attributes;
use super::text::{MAX_NEIGHBOURS, Neighbourhood};
use super::*;
use crate::analysis::FileData;
use crate::config::ErdHover;
use crate::model::{FileId, FileInput, History, TableId};

/// The files of a test schema and its model; files apply in the order given.
pub(crate) struct Schema {
    pub files: Vec<FileData>,
    pub model: Model,
}

pub(crate) fn schema(files: &[(&str, &str)]) -> Schema {
    let files: Vec<FileData> = files
        .iter()
        .enumerate()
        .map(|(i, (path, text))| {
            let path = PathBuf::from(path);
            let language = Language::from_path(&path).unwrap();
            FileData::new(
                FileId(i as u32),
                path,
                language,
                Arc::new(String::from(*text)),
            )
        })
        .collect();
    let inputs: Vec<FileInput> = files
        .iter()
        .map(|f| FileInput {
            file: f.id,
            language: f.language,
            history: History::PendingMigration,
            statements: &f.statements,
        })
        .collect();
    let model = Model::build(&inputs);
    Schema { files, model }
}

impl Schema {
    pub fn table(&self, name: &str) -> TableId {
        find_table(&self.model, name).unwrap_or_else(|| panic!("no table `{name}`"))
    }

    fn drawing(&self, name: &str) -> String {
        text::table_drawing(&self.model, &Graph::new(&self.model), self.table(name))
    }

    fn hover(&self, name: &str, mode: ErdHover) -> String {
        hover_markdown(&self.model, self.table(name), self.files.as_slice(), mode)
    }
}

const BLOG: &str = "\
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    manager_id bigint REFERENCES users (id)
);
CREATE TABLE profiles (
    user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    bio text
);
CREATE TABLE posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    editor_id bigint REFERENCES users (id) ON DELETE SET NULL,
    title text NOT NULL,
    status varchar(16) NOT NULL DEFAULT 'draft',
    published_at timestamp(3) with time zone,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE comments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id bigint REFERENCES users (id),
    body text NOT NULL
);
CREATE TABLE tags (
    id serial PRIMARY KEY,
    name varchar(64) NOT NULL
);
CREATE TABLE post_tags (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id integer NOT NULL REFERENCES tags (id),
    PRIMARY KEY (post_id, tag_id)
);
";

/// Users gain more than six neighbours, one with a long name.
const MORE_USERS: &str = "\
CREATE TABLE sessions (id uuid PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE TABLE api_tokens (id uuid PRIMARY KEY, owner_id bigint NOT NULL REFERENCES users (id));
CREATE TABLE notifications (id bigint PRIMARY KEY, recipient_id bigint REFERENCES users (id));
CREATE TABLE subscription_preferences_for_weekly_digest_emails (
    id bigint PRIMARY KEY,
    subscriber_user_account_identifier bigint NOT NULL REFERENCES users (id)
);
";

fn blog() -> Schema {
    schema(&[("db/0001_blog.sql", BLOG)])
}

fn big_blog() -> Schema {
    schema(&[("db/0001_blog.sql", BLOG), ("db/0002_more.sql", MORE_USERS)])
}

#[track_caller]
fn assert_text(actual: &str, expected: &str) {
    assert!(
        actual == expected,
        "expected:\n{expected}\nactual:\n{actual}\n"
    );
}

#[track_caller]
fn assert_narrow(drawing: &str) {
    for line in drawing.lines() {
        assert!(
            line.chars().count() < 100,
            "a line of {} columns:\n{line}",
            line.chars().count()
        );
    }
}

fn edge<'g>(schema: &Schema, graph: &'g Graph, from: &str, column: &str) -> &'g Edge {
    let from = schema.table(from);
    graph
        .edges()
        .iter()
        .find(|e| e.from == from && e.from_columns == [column])
        .unwrap_or_else(|| panic!("no foreign key on {column}"))
}

#[test]
fn cardinalities_follow_nullability_and_uniqueness() {
    let schema = blog();
    let graph = Graph::new(&schema.model);
    let author = edge(&schema, &graph, "posts", "author_id");
    assert_eq!(
        (author.referenced_end(), author.referencing_end()),
        (Multiplicity::One, Multiplicity::Many)
    );
    assert!(!author.identifying);
    let editor = edge(&schema, &graph, "posts", "editor_id");
    assert_eq!(
        (editor.referenced_end(), editor.referencing_end()),
        (Multiplicity::ZeroOrOne, Multiplicity::Many)
    );
    let profile = edge(&schema, &graph, "profiles", "user_id");
    assert_eq!(
        (profile.referenced_end(), profile.referencing_end()),
        (Multiplicity::One, Multiplicity::One)
    );
    assert!(profile.identifying);
    assert_eq!(
        profile.on_delete,
        Some(crate::lower::ReferentialAction::Cascade)
    );
    let post_tag = edge(&schema, &graph, "post_tags", "post_id");
    assert!(
        post_tag.identifying && !post_tag.unique,
        "part of a composite key is not unique alone"
    );
    let manager = edge(&schema, &graph, "users", "manager_id");
    assert!(manager.is_self_reference());
    assert_eq!(manager.to_columns, ["id"]);
}

#[test]
fn a_unique_index_makes_a_foreign_key_one_to_one() {
    let schema = schema(&[(
        "s.sql",
        "CREATE TABLE a (id int PRIMARY KEY);
         CREATE TABLE b (a_id int NOT NULL REFERENCES a);
         CREATE TABLE c (a_id int NOT NULL REFERENCES a);
         CREATE UNIQUE INDEX ON b (a_id);
         CREATE UNIQUE INDEX ON c (a_id) WHERE a_id > 0;",
    )]);
    let graph = Graph::new(&schema.model);
    assert!(edge(&schema, &graph, "b", "a_id").unique);
    assert!(
        !edge(&schema, &graph, "c", "a_id").unique,
        "a partial index does not make the column unique"
    );
}

#[test]
fn neighbourhoods_grow_with_depth() {
    let schema = blog();
    let graph = Graph::new(&schema.model);
    let names = |g: &Graph| {
        let mut names: Vec<String> = g
            .nodes()
            .iter()
            .map(|&t| table_label(schema.model.table(t)))
            .collect();
        names.sort();
        names
    };
    let tags = schema.table("tags");
    assert_eq!(names(&graph.neighbourhood(tags, 0)), ["tags"]);
    assert_eq!(names(&graph.neighbourhood(tags, 1)), ["post_tags", "tags"]);
    assert_eq!(
        names(&graph.neighbourhood(tags, 2)),
        ["post_tags", "posts", "tags"]
    );
    let two = graph.neighbourhood(tags, 2);
    assert_eq!(
        two.edges().len(),
        2,
        "only the foreign keys between the tables reached"
    );
    assert_eq!(
        names(&graph.neighbourhood(tags, 3)),
        ["comments", "post_tags", "posts", "tags", "users"]
    );
    assert_eq!(graph.neighbourhood(tags, 10).nodes().len(), 6);
}

#[test]
fn around_matches_the_whole_graph_near_a_table() {
    let schema = big_blog();
    let whole = Graph::new(&schema.model);
    for &table in whole.nodes() {
        let mut expected: Vec<&Edge> = whole
            .edges()
            .iter()
            .filter(|e| e.from == table || e.to == table)
            .collect();
        let around = Graph::around(&schema.model, table);
        let mut actual: Vec<&Edge> = around.edges().iter().collect();
        let key = |e: &&Edge| (e.from, e.from_columns.clone());
        expected.sort_by_key(key);
        actual.sort_by_key(key);
        assert_eq!(actual, expected);
    }
}

#[test]
fn text_drawing_of_posts() {
    let drawing = blog().drawing("posts");
    assert_text(
        &drawing,
        "\
┌───────┐            ┌──────────────┐            ┌───────────────┐
│ users │1,0..1     *│ posts        │1          *│ comments      │
├───────┤────────────├──────────────┤────────────├───────────────┤
│ id PK │            │ id        PK │            │ post_id    FK │
└───────┘            │ author_id FK │            └───────────────┘
                     │ editor_id FK │            ┌───────────────┐
                     │              │1          *│ post_tags     │
                     │              ├────────────├───────────────┤
                     └──────────────┘            │ post_id PK FK │
                                                 └───────────────┘",
    );
}

#[test]
fn text_drawing_with_a_self_reference_a_one_to_one_and_hidden_neighbours() {
    let drawing = big_blog().drawing("users");
    assert_narrow(&drawing);
    assert_text(
        &drawing,
        "\
┌───────────────┐            ┌───────────────┐
│ users         │0..1       *│ users (self)  │
├───────────────┤────────────├───────────────┤
│ id         PK │            │ manager_id FK │
│ manager_id FK │            └───────────────┘
│               │            ┌───────────────┐
│               │1          1│ profiles      │
│               ├────────────├───────────────┤
│               │            │ user_id PK FK │
│               │            └───────────────┘
│               │            ┌───────────────┐
│               │1,0..1     *│ posts         │
│               ├────────────├───────────────┤
│               │            │ author_id  FK │
│               │            │ editor_id  FK │
│               │            └───────────────┘
│               │            ┌───────────────┐
│               │0..1       *│ comments      │
│               ├────────────├───────────────┤
│               │            │ author_id  FK │
│               │            └───────────────┘
│               │            ┌───────────────┐
│               │1          *│ sessions      │
│               ├────────────├───────────────┤
│               │            │ user_id    FK │
│               │            └───────────────┘
│               │            ┌───────────────┐
│               │1          *│ api_tokens    │
│               ├────────────├───────────────┤
└───────────────┘            │ owner_id   FK │
                             └───────────────┘
                              +2 more",
    );
}

#[test]
fn text_drawing_of_a_lone_table_is_its_box() {
    let schema = schema(&[(
        "s.sql",
        "CREATE TABLE lone (id int PRIMARY KEY, note text);",
    )]);
    assert_text(
        &schema.drawing("lone"),
        "\
┌───────┐
│ lone  │
├───────┤
│ id PK │
└───────┘",
    );
}

#[test]
fn long_names_are_cut_to_keep_drawings_narrow() {
    let long = "a".repeat(120);
    let sql = format!(
        "CREATE TABLE {long}_parent (id int PRIMARY KEY);
         CREATE TABLE {long}_center (id int PRIMARY KEY, {long}_ref int REFERENCES {long}_parent);
         CREATE TABLE {long}_child (id int PRIMARY KEY, {long}_ref int REFERENCES {long}_center);"
    );
    let schema = schema(&[("s.sql", &sql)]);
    let drawing = schema.drawing(&format!("{long}_center"));
    assert_narrow(&drawing);
    assert!(drawing.contains('…'), "{drawing}");
    assert_eq!(drawing.lines().map(|l| l.chars().count()).max(), Some(99));
}

#[test]
fn at_most_six_neighbours_are_drawn() {
    let schema = big_blog();
    let graph = Graph::new(&schema.model);
    let hood = Neighbourhood::new(&graph, schema.table("users"), MAX_NEIGHBOURS);
    assert_eq!(hood.referenced.len(), 0);
    assert_eq!(hood.referencing.len(), 6);
    assert_eq!(
        hood.referencing[0].table,
        schema.table("users"),
        "the self-reference comes first"
    );
    assert_eq!(hood.hidden(), 2);
    let posts = hood
        .referencing
        .iter()
        .find(|n| n.table == schema.table("posts"))
        .unwrap();
    assert_eq!(
        posts.edges.len(),
        2,
        "both foreign keys of posts share one box"
    );
}

#[test]
fn hover_of_posts() {
    let hover = blog().hover("posts", ErdHover::Text);
    assert_text(
        &hover,
        "\
**posts** · 7 columns · defined in db/0001_blog.sql:10

```text
id            bigint                       PK · identity
author_id     bigint                       NOT NULL · FK → users.id (cascade)
editor_id     bigint                       FK → users.id (set null)
title         text                         NOT NULL
status        varchar(16)                  NOT NULL · default 'draft'
published_at  timestamp(3) with time zone
created_at    timestamptz                  NOT NULL · default now()
```

```text
┌───────┐            ┌──────────────┐            ┌───────────────┐
│ users │1,0..1     *│ posts        │1          *│ comments      │
├───────┤────────────├──────────────┤────────────├───────────────┤
│ id PK │            │ id        PK │            │ post_id    FK │
└───────┘            │ author_id FK │            └───────────────┘
                     │ editor_id FK │            ┌───────────────┐
                     │              │1          *│ post_tags     │
                     │              ├────────────├───────────────┤
                     └──────────────┘            │ post_id PK FK │
                                                 └───────────────┘
```
",
    );
}

#[test]
fn hover_shows_the_table_comment() {
    let schema = schema(&[(
        "c.sql",
        "CREATE TABLE events (id int PRIMARY KEY);\nCOMMENT ON TABLE events IS '# raw\n  webhook *payloads*';",
    )]);
    let hover = schema.hover("events", ErdHover::Text);
    assert!(hover.starts_with("**events** · 1 column · defined in c.sql:1\n\n*# raw webhook \\*payloads\\**\n\n```text\nid  int  PK\n```\n"), "{hover}");
}

#[test]
fn hover_modes_add_or_replace_the_drawing() {
    let schema = blog();
    let text = schema.hover("posts", ErdHover::Text);
    let mermaid = schema.hover("posts", ErdHover::Mermaid);
    let both = schema.hover("posts", ErdHover::Both);
    let off = schema.hover("posts", ErdHover::Off);
    // The column list is a text block in every mode; the drawing adds one.
    assert_eq!(off.matches("```text\n").count(), 1);
    assert!(!off.contains("```mermaid"));
    assert_eq!(text.matches("```text\n").count(), 2);
    assert!(!text.contains("```mermaid"));
    assert_eq!(mermaid.matches("```text\n").count(), 1);
    assert!(mermaid.contains("```mermaid\nerDiagram\n"));
    assert_eq!(both.matches("```text\n").count(), 2);
    assert!(both.contains("```mermaid\n"));
    assert!(off.starts_with("**posts** · 7 columns"));
    assert_eq!(both.matches("\nauthor_id ").count(), 1);
}

#[test]
fn hover_mermaid_lists_key_columns_of_the_drawn_tables() {
    let hover = blog().hover("post_tags", ErdHover::Mermaid);
    let block = hover.split("```mermaid\n").nth(1).unwrap();
    assert_text(
        block,
        "\
erDiagram
    post_tags {
        bigint post_id PK, FK
        integer tag_id PK, FK
    }
    posts {
        bigint id PK
    }
    tags {
        serial id PK
    }
    posts ||--o{ post_tags : \"post_id\"
    tags ||--o{ post_tags : \"tag_id\"
```
",
    );
}

#[test]
fn hover_of_a_wide_table_is_cut() {
    let columns: Vec<String> = (1..=25).map(|i| format!("c{i} int")).collect();
    let schema = schema(&[(
        "wide.sql",
        &format!("CREATE TABLE wide (\n{}\n);", columns.join(",\n")),
    )]);
    let hover = schema.hover("wide", ErdHover::Text);
    assert!(
        hover.starts_with("**wide** · 25 columns · defined in wide.sql:1\n"),
        "{hover}"
    );
    assert!(hover.contains("c15  int\n... 10 more\n```"), "{hover}");
    assert!(!hover.contains("c16"), "{hover}");
    assert_eq!(
        hover.matches("```").count(),
        2,
        "a table without relationships has no drawing: {hover}"
    );
}

#[test]
fn hover_names_prisma_models_and_fields() {
    let schema = schema(&[(
        "schema.prisma",
        r#"model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
  @@map("users")
}

model Post {
  id       Int    @id @default(autoincrement())
  authorId Int    @map("author_id")
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  title    String
}
"#,
    )]);
    let hover = schema.hover("Post", ErdHover::Text);
    assert_text(
        &hover,
        "\
**Post** · 3 columns · defined in schema.prisma:8

```text
id        serial   PK · default autoincrement()
authorId  integer  NOT NULL · FK → User.id (cascade)
title     text     NOT NULL
```

```text
┌───────┐            ┌─────────────┐
│ User  │1          *│ Post        │
├───────┤────────────├─────────────┤
│ id PK │            │ id       PK │
└───────┘            │ authorId FK │
                     └─────────────┘
```
",
    );
    let user = schema.hover("User", ErdHover::Off);
    assert!(
        user.starts_with("**User** · table users · 2 columns · defined in schema.prisma:1\n"),
        "{user}"
    );
}

#[test]
fn table_names_resolve_as_written() {
    let schema = schema(&[(
        "s.sql",
        "CREATE SCHEMA audit;
         CREATE TABLE posts (id int PRIMARY KEY);
         CREATE TABLE \"Posts\" (id int PRIMARY KEY);
         CREATE TABLE audit.events (id int PRIMARY KEY);",
    )]);
    let name = |written: &str| {
        find_table(&schema.model, written).map(|t| schema.model.table(t).name.to_string())
    };
    assert_eq!(name("posts").as_deref(), Some("posts"));
    assert_eq!(name("POSTS").as_deref(), Some("posts"));
    assert_eq!(name("public.posts").as_deref(), Some("posts"));
    assert_eq!(name("\"Posts\"").as_deref(), Some("\"Posts\""));
    assert_eq!(name("audit.events").as_deref(), Some("audit.events"));
    assert_eq!(name("events").as_deref(), Some("audit.events"));
    assert_eq!(name("public.events"), None);
    assert_eq!(name("nothing"), None);
}

#[test]
fn mermaid_of_the_blog() {
    let schema = blog();
    let graph = Graph::new(&schema.model);
    let tags = schema.table("tags");
    let mermaid = mermaid::render(
        &schema.model,
        &graph.neighbourhood(tags, 1),
        Attributes::All,
    );
    assert_text(
        &mermaid,
        "\
erDiagram
    tags {
        serial id PK
        varchar(64) name
    }
    post_tags {
        bigint post_id PK, FK
        integer tag_id PK, FK
    }
    tags ||--o{ post_tags : \"tag_id\"
",
    );
    let all = mermaid::render(&schema.model, &graph, Attributes::All);
    assert!(
        all.contains("    users |o..o{ users : \"manager_id\"\n"),
        "{all}"
    );
    assert!(
        all.contains("    users ||--o| profiles : \"user_id\"\n"),
        "{all}"
    );
    assert!(
        all.contains("    users |o..o{ posts : \"editor_id\"\n"),
        "{all}"
    );
    assert!(
        all.contains("        timestamp(3)_with_time_zone published_at\n"),
        "{all}"
    );
}

#[test]
fn dot_of_the_blog() {
    let schema = blog();
    let graph = Graph::new(&schema.model).neighbourhood(schema.table("tags"), 1);
    let dot = dot::render(&[Section {
        title: "db".to_string(),
        model: &schema.model,
        graph,
    }]);
    assert_text(
        &dot,
        r##"digraph erd {
    graph [rankdir=LR, nodesep=0.5, ranksep=1.4, fontname="Helvetica"];
    node [shape=plain, fontname="Helvetica", fontsize=11];
    edge [dir=both, color="#4a5568", arrowsize=0.9];
    "tags" [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"><TR><TD COLSPAN="3" BGCOLOR="#dbe4f0"><B>tags</B></TD></TR><TR><TD PORT="i0" ALIGN="LEFT">id</TD><TD ALIGN="LEFT"><FONT COLOR="#4a5568">serial</FONT></TD><TD PORT="o0">PK</TD></TR><TR><TD PORT="i1" ALIGN="LEFT">name</TD><TD ALIGN="LEFT"><FONT COLOR="#4a5568">varchar(64)</FONT></TD><TD PORT="o1"></TD></TR></TABLE>>];
    "post_tags" [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"><TR><TD COLSPAN="3" BGCOLOR="#dbe4f0"><B>post_tags</B></TD></TR><TR><TD PORT="i0" ALIGN="LEFT">post_id</TD><TD ALIGN="LEFT"><FONT COLOR="#4a5568">bigint</FONT></TD><TD PORT="o0">PK FK</TD></TR><TR><TD PORT="i1" ALIGN="LEFT">tag_id</TD><TD ALIGN="LEFT"><FONT COLOR="#4a5568">integer</FONT></TD><TD PORT="o1">PK FK</TD></TR></TABLE>>];
    "tags":o0:e -> "post_tags":i1:w [arrowtail=teetee, arrowhead=crowodot, tooltip="post_tags.tag_id → tags.id"];
}
"##,
    );
}

#[test]
fn dot_clusters_several_sources() {
    let one = blog();
    let two = schema(&[(
        "other.sql",
        "CREATE TABLE \"we\"\"ird\" (id int PRIMARY KEY);",
    )]);
    let sections = [
        Section {
            title: "db".to_string(),
            model: &one.model,
            graph: Graph::new(&one.model),
        },
        Section {
            title: "other.sql".to_string(),
            model: &two.model,
            graph: Graph::new(&two.model),
        },
    ];
    let dot = dot::render(&sections);
    assert!(
        dot.contains("subgraph cluster_0 {\n        label=\"db\";"),
        "{dot}"
    );
    assert!(dot.contains("\"1/we\\\"ird\" [label=<"), "{dot}");
    assert!(
        dot.contains("\"0/users\":o0:e -> \"0/posts\":i1:w"),
        "{dot}"
    );
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
}

/// The open elements of an HTML page at its end, and the first mismatch, if any.
fn unbalanced(html: &str) -> Option<String> {
    const VOID: &[&str] = &["meta", "input", "br", "img", "link", "hr"];
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>')?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if tag == "script" || tag.starts_with("script ") {
            let close = rest.find("</script>")?;
            rest = &rest[close + "</script>".len()..];
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if tag.starts_with('/') {
            if open.pop().as_deref() != Some(name.as_str()) {
                return Some(format!("unexpected </{name}>"));
            }
        } else if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            open.push(name);
        }
    }
    (!open.is_empty()).then(|| format!("unclosed: {open:?}"))
}

#[test]
fn the_balance_check_finds_mistakes() {
    assert_eq!(unbalanced("<p><b>x</b></p>"), None);
    assert!(unbalanced("<p><b>x</p>").is_some());
    assert!(unbalanced("<p>").is_some());
    assert_eq!(
        unbalanced("<svg><path d=\"M0 0\"/></svg><input type=\"search\">"),
        None
    );
}

#[test]
fn html_page_is_balanced_escaped_and_has_every_table() {
    let schema = schema(&[
        ("db/0001_blog.sql", BLOG),
        ("db/0002_more.sql", MORE_USERS),
        (
            "db/0003_odd.sql",
            "CREATE TABLE \"<script>alert(1)</script>\" (\"a&b\" int PRIMARY KEY, user_id bigint REFERENCES users);",
        ),
    ]);
    let graph = Graph::new(&schema.model);
    let page = html::render(
        "blog & co",
        &[Section {
            title: "db".to_string(),
            model: &schema.model,
            graph,
        }],
    );
    assert_eq!(unbalanced(&page), None);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.contains("<title>blog &amp; co</title>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains(">a&amp;b</text>"));
    assert!(!page.contains("<script>alert"));
    for table in schema.model.live_tables() {
        assert!(
            page.contains(&format!("id=\"s0-t{}\"", table.id.0)),
            "{} is missing",
            table_label(table)
        );
        assert!(page.contains(&format!(">{}</text>", html::escape(&table_label(table)))));
    }
    assert_eq!(
        page.matches(" data-from=\"s0-t").count(),
        Graph::new(&schema.model).edges().len()
    );
    assert_eq!(
        page.matches("http").count(),
        page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "nothing is fetched"
    );
}

#[test]
fn html_layers_put_referenced_tables_left_of_referencing_ones() {
    let schema = big_blog();
    let page = html::render(
        "blog",
        &[Section {
            title: String::new(),
            model: &schema.model,
            graph: Graph::new(&schema.model),
        }],
    );
    let x_of = |name: &str| -> i64 {
        let id = format!("id=\"s0-t{}\"", schema.table(name).0);
        let at = page.find(&id).unwrap();
        let rect = &page[at..];
        let x = rect.split("x=\"").nth(1).unwrap();
        x[..x.find('"').unwrap()].parse().unwrap()
    };
    assert!(x_of("users") < x_of("posts"));
    assert!(x_of("posts") < x_of("comments"));
    assert!(x_of("tags") < x_of("post_tags"));
}

/// On the real-world corpus (`DDLINT_CORPUS`): the drawing of every table of GitLab's schema
/// stays under 100 columns, the busiest neighbourhood included.
#[test]
fn corpus_drawings_stay_narrow() {
    let Some(corpus) = std::env::var_os("DDLINT_CORPUS") else {
        println!("DDLINT_CORPUS is not set; skipping the corpus test");
        return;
    };
    let path = PathBuf::from(corpus).join("sql/gitlab-structure.sql");
    let text = std::fs::read_to_string(&path).unwrap();
    let schema = schema(&[(path.to_str().unwrap(), &text)]);
    let graph = Graph::new(&schema.model);
    let neighbours = |table: TableId| {
        let mut others: Vec<TableId> = graph
            .references(table)
            .chain(graph.referenced_by(table))
            .map(|e| e.other(table))
            .collect();
        others.sort();
        others.dedup();
        others.len()
    };
    let busiest = *graph
        .nodes()
        .iter()
        .max_by_key(|&&t| neighbours(t))
        .unwrap();
    assert!(
        neighbours(busiest) > 100,
        "{}",
        table_label(schema.model.table(busiest))
    );
    let drawing = text::table_drawing(&schema.model, &graph, busiest);
    assert_narrow(&drawing);
    assert!(drawing.contains(" more"), "{drawing}");
    for &table in graph.nodes() {
        assert_narrow(&text::table_drawing(&schema.model, &graph, table));
    }
}
