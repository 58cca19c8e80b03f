//! `ddlint erd` as a user runs it on the repository's `examples/`: every format, `--around`,
//! `-o`, and the errors.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ddlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .args(args)
        .current_dir(repository())
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

#[track_caller]
fn succeeds(args: &[&str]) -> String {
    let output = ddlint(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "ddlint {args:?} failed:\n{}",
        stderr(&output)
    );
    stdout(&output)
}

#[test]
fn mermaid_is_one_diagram_with_a_section_per_schema_source() {
    let out = succeeds(&["erd", "examples"]);
    assert!(
        out.starts_with(
            "erDiagram\n    %% examples/migrations\n    accounts {\n        bigint id PK\n"
        ),
        "{out}"
    );
    assert!(out.contains("\n    %% examples/schema.sql\n"), "{out}");
    assert_eq!(out.matches("erDiagram").count(), 1);
    assert!(
        out.contains("    accounts ||..o{ projects : \"account_id\"\n"),
        "{out}"
    );
    assert!(
        out.contains("    projects ||..o{ invoices : \"project_id\"\n"),
        "{out}"
    );
    assert!(
        out.contains("    orders ||..o{ order_items : \"order_id\"\n"),
        "{out}"
    );
    assert!(
        out.contains("    payment_events {\n"),
        "a table without relationships is drawn too:\n{out}"
    );
}

#[test]
fn source_chooses_one_schema_source() {
    let out = succeeds(&["erd", "examples", "--source", "examples/schema.sql"]);
    assert!(out.starts_with("erDiagram\n    customers {\n"), "{out}");
    assert!(!out.contains("accounts") && !out.contains("%%"), "{out}");
    let out = succeeds(&[
        "erd",
        ".",
        "--source",
        "./examples/migrations/",
        "--format",
        "dot",
    ]);
    assert!(
        out.contains("accounts") && !out.contains("customers"),
        "{out}"
    );
    let output = ddlint(&["erd", "examples", "--source", "examples/nothing"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: no schema source at examples/nothing; the sources with tables are \
         examples/migrations, examples/schema.sql\n"
    );
}

#[test]
fn a_table_name_in_two_sources_names_its_source() {
    let dir = std::env::temp_dir().join(format!("ddlint-erd-sources-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    for source in ["a", "b"] {
        std::fs::write(
            dir.join(source).join("schema.sql"),
            "CREATE TABLE users (id bigint PRIMARY KEY);\n\
             CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n",
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("b/extra.sql"),
        "CREATE TABLE tags (id int PRIMARY KEY);\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .args(["erd", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(out.matches("erDiagram").count(), 1, "{out}");
    assert!(
        out.contains(
            "    \"users (a/schema.sql)\" |o..o{ \"posts (a/schema.sql)\" : \"user_id\"\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("    tags {\n"),
        "a name of one source stays bare:\n{out}"
    );
}

#[test]
fn text_around_a_table_is_its_hover_drawing() {
    let out = succeeds(&[
        "erd", "examples", "--around", "projects", "--format", "text",
    ]);
    assert_eq!(
        out,
        "\
┌──────────┐            ┌───────────────┐            ┌───────────────┐
│ accounts │1          *│ projects      │1          *│ invoices      │
├──────────┤────────────├───────────────┤────────────├───────────────┤
│ id    PK │            │ id         PK │            │ project_id FK │
└──────────┘            │ account_id FK │            └───────────────┘
                        └───────────────┘
"
    );
}

#[test]
fn text_with_depth_draws_each_table_within_reach() {
    let out = succeeds(&[
        "erd",
        "examples/schema.sql",
        "--around",
        "orders",
        "--depth",
        "2",
        "--format",
        "text",
    ]);
    // orders and its neighbours customers and order_items, each with its own drawing.
    for table in ["│ orders ", "│ customers ", "│ order_items ", "│ products "] {
        assert!(out.contains(table), "{table} is missing:\n{out}");
    }
    assert_eq!(
        out.split("\n\n").filter(|d| !d.trim().is_empty()).count(),
        3,
        "{out}"
    );
}

#[test]
fn around_with_depth_keeps_the_tables_within_reach() {
    let one = succeeds(&["erd", "examples/migrations", "--around", "public.accounts"]);
    assert!(
        one.contains("accounts {") && one.contains("projects {") && !one.contains("invoices {"),
        "{one}"
    );
    let two = succeeds(&[
        "erd",
        "examples/migrations",
        "--around",
        "ACCOUNTS",
        "--depth",
        "2",
    ]);
    assert!(two.contains("invoices {"), "{two}");
    assert!(
        !two.starts_with("%%"),
        "one source, no section comment:\n{two}"
    );
}

#[test]
fn unknown_table_suggests_the_closest() {
    let output = ddlint(&["erd", "examples", "--around", "project"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: unknown table `project`; did you mean `projects`?\n"
    );
    assert!(output.stdout.is_empty());
    let output = ddlint(&["erd", "examples", "--around", "zzzzzzzz"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: unknown table `zzzzzzzz`;"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = ddlint(&["erd", "examples", "--depth", "2"]);
    assert_eq!(output.status.code(), Some(2), "--depth needs --around");
    assert!(stderr(&output).contains("--around"), "{}", stderr(&output));
    let output = ddlint(&["erd", "no-such-directory"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: no-such-directory: no such file or directory\n"
    );
    let output = ddlint(&["erd", "examples", "--format", "svg"]);
    assert_eq!(output.status.code(), Some(2));
    let output = ddlint(&["erd", "docs"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "error: no tables found in docs\n");
}

#[test]
fn html_goes_to_the_output_file() {
    let path = std::env::temp_dir().join(format!("ddlint-erd-{}.html", std::process::id()));
    let out = succeeds(&[
        "erd",
        "examples",
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.is_empty());
    let page = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    assert_eq!(
        page.matches("<svg class=\"erd\"").count(),
        2,
        "one drawing per schema source"
    );
    assert!(
        page.contains("<h2>examples/migrations</h2>")
            && page.contains("<h2>examples/schema.sql</h2>")
    );
    for table in [
        "accounts",
        "projects",
        "invoices",
        "customers",
        "products",
        "orders",
        "order_items",
        "payment_events",
    ] {
        assert!(
            page.contains(&format!("data-name=\"{table}\"")),
            "{table} is missing"
        );
    }
    assert!(
        !page.contains("src=") && !page.contains("href=\"http"),
        "nothing is loaded from elsewhere"
    );
}

#[test]
fn dot_is_one_graph_that_graphviz_reads() {
    let out = succeeds(&["erd", "examples", "--format", "dot"]);
    assert!(out.starts_with("digraph erd {\n"));
    assert!(
        out.contains("    subgraph cluster_0 {\n        label=\"examples/migrations\";\n"),
        "{out}"
    );
    assert!(
        out.contains("\"0/accounts\":o0:e -> \"0/projects\":i1:w"),
        "{out}"
    );
    let dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut dot) = dot else {
        support::skip(
            "dot_is_one_graph_that_graphviz_reads",
            support::external::Needs::Graphviz,
            "Graphviz `dot` is not installed",
        );
        return;
    };
    use std::io::Write as _;
    dot.stdin.take().unwrap().write_all(out.as_bytes()).unwrap();
    let result = dot.wait_with_output().unwrap();
    assert!(
        result.status.success(),
        "dot rejects the output:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(String::from_utf8_lossy(&result.stdout).contains("<svg"));
}

#[test]
fn prisma_models_are_found_by_model_name() {
    let dir = std::env::temp_dir().join(format!("ddlint-erd-prisma-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("schema.prisma"),
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\n\
         model Author {\n  id    Int    @id\n  books Book[]\n  @@map(\"authors\")\n}\n\n\
         model Book {\n  id       Int    @id\n  authorId Int?   @map(\"author_id\")\n  author   Author? @relation(fields: [authorId], references: [id])\n}\n",
    )
    .unwrap();
    let out = succeeds(&["erd", dir.to_str().unwrap(), "--around", "Author"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.contains("    Author |o..o{ Book : \"authorId\"\n"),
        "{out}"
    );
}
