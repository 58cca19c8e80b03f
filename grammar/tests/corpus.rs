//! The grammar against real-world SQL and against corrupted files.
//!
//! - With `DDLINT_CORPUS` set (the shared corpus of real schemas and migrations): every file that
//!   PostgreSQL accepts parses without ERROR or MISSING nodes, and in PostgreSQL's regression
//!   tests (which contain statements meant to fail) no ERROR node spans two statements.
//! - Always: a syntax error in one statement of a large generated file leaves the trees of all
//!   other statements exactly as they are in the clean file.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tree_sitter::{Node, Parser, Tree};

fn parse(text: &[u8]) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&ddlint_grammar::LANGUAGE.into())
        .expect("the grammar is compatible with the tree-sitter runtime");
    parser
        .parse(text, None)
        .expect("parsing without a timeout or cancellation")
}

// ------------------------------------------------------------------------------------------------
// A statement splitter that knows nothing of the grammar: PostgreSQL's lexical rules only.

/// Byte offsets of the `;` that end top-level statements: outside strings, quoted identifiers,
/// comments, dollar quotes, parentheses, psql meta-command lines and `COPY ... FROM stdin` data.
fn statement_ends(text: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut depth = 0usize;
    let mut statement_start = 0;
    let mut i = 0;
    let n = text.len();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    // Whether the current line has had anything but spaces before `i`.
    let mut line_has_content = false;
    while i < n {
        let c = text[i];
        let at_line_start = !line_has_content;
        line_has_content = c != b'\n' && (line_has_content || !c.is_ascii_whitespace());
        match c {
            b'-' if text.get(i + 1) == Some(&b'-') => i = line_end(text, i),
            b'\\' if at_line_start => i = line_end(text, i),
            b'/' if text.get(i + 1) == Some(&b'*') => {
                let mut nesting = 0;
                while i < n {
                    if text[i..].starts_with(b"/*") {
                        nesting += 1;
                        i += 2;
                    } else if text[i..].starts_with(b"*/") {
                        nesting -= 1;
                        i += 2;
                        if nesting == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'\'' | b'"' => {
                let escapes = c == b'\''
                    && i > 0
                    && matches!(text[i - 1], b'e' | b'E')
                    && (i < 2 || !is_word(text[i - 2]));
                i += 1;
                while i < n {
                    if escapes && text[i] == b'\\' {
                        i += 2;
                    } else if text[i] == c {
                        i += 1;
                        if text.get(i) != Some(&c) {
                            break;
                        }
                        i += 1;
                    } else {
                        i += 1;
                    }
                }
            }
            b'$' if i == 0 || !is_word(text[i - 1]) => {
                let tag_len = text[i + 1..]
                    .iter()
                    .take_while(|&&b| is_word(b) && !(b.is_ascii_digit()))
                    .count();
                if text.get(i + 1 + tag_len) == Some(&b'$') {
                    let tag = &text[i..i + tag_len + 2];
                    let body = i + tag.len();
                    i = find(text, body, tag).map_or(n, |close| close + tag.len());
                } else {
                    i += 1;
                }
            }
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b';' if depth == 0 => {
                ends.push(i);
                let statement = String::from_utf8_lossy(&text[statement_start..i]).to_lowercase();
                i += 1;
                statement_start = i;
                if is_copy_from_stdin(&statement) {
                    i = copy_data_end(text, i);
                    statement_start = i;
                    line_has_content = true;
                }
            }
            _ => i += 1,
        }
    }
    ends
}

fn line_end(text: &[u8], from: usize) -> usize {
    find(text, from, b"\n").unwrap_or(text.len())
}

fn find(text: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    text.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn is_copy_from_stdin(statement: &str) -> bool {
    let words: Vec<&str> = statement
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .flat_map(str::split_whitespace)
        .collect();
    words.first() == Some(&"copy") && words.windows(2).any(|w| w == ["from", "stdin"])
}

/// The end of the `\.` line that closes a COPY data block starting at `from`.
fn copy_data_end(text: &[u8], from: usize) -> usize {
    let mut line = from;
    while line < text.len() {
        let end = line_end(text, line);
        if text[line..end].trim_ascii() == b"\\." {
            return end;
        }
        line = end + 1;
    }
    text.len()
}

#[test]
fn splitter_sees_only_top_level_semicolons() {
    // Each piece, and whether its last `;` ends a statement.
    let pieces: &[(&[u8], bool)] = &[
        (b"a;", true),
        (b"'b;''c';", true),
        (b"E'\\';';", true),
        (b"\"d;\";", true),
        (b"$x$e;$x$;", true),
        (b"$$f;$$;", true),
        (b"(g;h);", true),
        (b"-- i;\n", false),
        (b"/* j; /* k; */ l; */m;", true),
        (b"\n\\set n ;\n", false),
        (b"n;", true),
    ];
    let mut text = Vec::new();
    let mut expected = Vec::new();
    for (piece, ends_statement) in pieces {
        text.extend_from_slice(piece);
        if *ends_statement {
            expected.push(text.len() - 1);
        }
    }
    assert_eq!(
        statement_ends(&text),
        expected,
        "{}",
        String::from_utf8_lossy(&text)
    );
}

#[test]
fn splitter_skips_copy_data() {
    let text = b"COPY t (a) FROM stdin;\n1;2\n\\.\nSELECT 1;";
    assert_eq!(statement_ends(text), vec![21, text.len() - 1]);
}

// ------------------------------------------------------------------------------------------------
// The shared corpus.

const HASURA_DOWN: &str = "migrations/pace-admin-hasura";
const NO_SEMICOLONS: &str = "statements without semicolons between them";

/// Migration folders of the corpus whose `down.sql` PostgreSQL rejects too, with the reason.
const INVALID_DOWN_MIGRATIONS: &[(&str, &str)] = &[
    (
        "1579550838124_alter_table_public_reviews_drop_column_reviewstate_id",
        NO_SEMICOLONS,
    ),
    (
        "1579550962520_alter_table_public_reviewstates_drop_column_id",
        NO_SEMICOLONS,
    ),
    (
        "1584794793196_alter_table_public_publications_drop_column_csl",
        NO_SEMICOLONS,
    ),
    (
        "1584794863497_alter_table_public_publications_drop_column_source_metadata",
        "a line with a stray `w`, and statements without semicolons between them",
    ),
    (
        "1585690216244_alter_table_public_reviews_drop_column_reviewstate_abbrev",
        NO_SEMICOLONS,
    ),
    (
        "1586913241615_alter_table_public_users_drop_column_username",
        NO_SEMICOLONS,
    ),
    (
        "1595342921956_alter_table_public_funders_drop_column_parent_id",
        NO_SEMICOLONS,
    ),
    (
        "1626724427810_alter_table_public_persons_drop_column_semantic_scholar_ids",
        NO_SEMICOLONS,
    ),
    (
        "1626810737736_alter_table_public_persons_drop_column_semantic_scholar_id",
        NO_SEMICOLONS,
    ),
];

/// The files PostgreSQL rejects as well, relative to the corpus root, with the reason.
fn invalid_files() -> Vec<(PathBuf, &'static str)> {
    INVALID_DOWN_MIGRATIONS
        .iter()
        .map(|(folder, reason)| {
            (
                Path::new(HASURA_DOWN).join(folder).join("down.sql"),
                *reason,
            )
        })
        .collect()
}

fn corpus_root() -> Option<PathBuf> {
    match std::env::var_os("DDLINT_CORPUS") {
        Some(root) => Some(PathBuf::from(root)),
        None => {
            println!("DDLINT_CORPUS is not set: skipping the real-world corpus");
            None
        }
    }
}

/// Regular `.sql` files under `dir`, recursively, sorted.
fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.expect("a directory entry");
            let kind = entry.file_type().expect("a file type");
            let path = entry.path();
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "sql") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// ERROR and MISSING nodes, outermost only, as `(kind, start, end)`.
fn syntax_errors(tree: &Tree) -> Vec<(&'static str, usize, usize)> {
    let mut errors = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let descend = if node.is_error() {
            errors.push(("ERROR", node.start_byte(), node.end_byte()));
            false
        } else {
            if node.is_missing() {
                errors.push(("MISSING", node.start_byte(), node.end_byte()));
            }
            node.has_error()
        };
        if descend && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return errors;
            }
        }
    }
}

fn line_of(text: &[u8], byte: usize) -> usize {
    text[..byte].iter().filter(|&&c| c == b'\n').count() + 1
}

#[test]
fn schemas_and_migrations_parse_without_errors() {
    let Some(root) = corpus_root() else { return };
    let invalid_files = invalid_files();
    let mut failures = String::new();
    let mut files = 0;
    for dir in ["sql", "migrations"] {
        for path in sql_files(&root.join(dir)) {
            files += 1;
            let text = std::fs::read(&path).expect("a readable corpus file");
            let errors = syntax_errors(&parse(&text));
            let relative = path
                .strip_prefix(&root)
                .expect("a file under the corpus root");
            let invalid = invalid_files.iter().find(|(file, _)| file == relative);
            match invalid {
                Some((_, reason)) => {
                    if errors.is_empty() {
                        let _ = writeln!(
                            failures,
                            "{}: listed as invalid ({reason}) but parses cleanly",
                            relative.display()
                        );
                    }
                }
                None => {
                    for (kind, start, _) in errors {
                        let _ = writeln!(
                            failures,
                            "{}:{}: {kind}",
                            relative.display(),
                            line_of(&text, start)
                        );
                    }
                }
            }
        }
    }
    for (file, _) in &invalid_files {
        if !root.join(file).is_file() {
            let _ = writeln!(
                failures,
                "{}: listed as invalid but missing from the corpus",
                file.display()
            );
        }
    }
    println!("{files} files");
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn regression_test_errors_stay_inside_their_statement() {
    let Some(root) = corpus_root() else { return };
    let mut failures = String::new();
    for path in sql_files(&root.join("pg-regress")) {
        let text = std::fs::read(&path).expect("a readable corpus file");
        let errors = syntax_errors(&parse(&text));
        let ends = statement_ends(&text);
        let name = path.file_name().expect("a file name").to_string_lossy();
        println!("{name}: {} error nodes", errors.len());
        for (kind, start, end) in errors {
            // A statement end inside the node, other than its last byte.
            let first_end = ends.partition_point(|&e| e < start);
            if ends.get(first_end).is_some_and(|&e| e + 1 < end) {
                let _ = writeln!(
                    failures,
                    "{name}:{}: {kind} spans {}..{} across a statement end",
                    line_of(&text, start),
                    start,
                    end
                );
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

// ------------------------------------------------------------------------------------------------
// Error locality on a generated file.

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// One DDL statement, starting at the beginning of a line, with any comment lines before it.
fn statement(rng: &mut Rng, i: usize) -> String {
    let t = rng.below(i.max(1));
    let u = rng.below(i.max(1));
    match rng.below(18) {
        0 | 1 => format!(
            "CREATE TABLE public.t{i} (\n    \
             id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    \
             parent_id bigint REFERENCES t{t} (id) ON DELETE CASCADE,\n    \
             name text NOT NULL DEFAULT 'n{i}',\n    \
             amount numeric(12, 2) CHECK (amount >= 0),\n    \
             tags text[] DEFAULT '{{}}'::text[],\n    \
             created_at timestamp with time zone DEFAULT now() NOT NULL\n);"
        ),
        2 => format!(
            "CREATE UNIQUE INDEX t{t}_name_{i} ON public.t{t} \
             USING btree (lower(name)) WHERE (amount > 0);"
        ),
        3 => format!(
            "ALTER TABLE ONLY public.t{t}\n    ADD CONSTRAINT t{t}_fk_{i} \
             FOREIGN KEY (parent_id) REFERENCES public.t{u}(id) NOT VALID;"
        ),
        4 => format!("COMMENT ON COLUMN public.t{t}.name IS 'Name of t{t}; it''s shown to users';"),
        5 => {
            let tag = ["$$", "$body$", "$function$"][rng.below(3)];
            format!(
                "CREATE FUNCTION public.f{i}() RETURNS trigger\n    LANGUAGE plpgsql\n    \
                 AS {tag}\nBEGIN\n  NEW.name := 'f{i}; ' || NEW.name;\n  RETURN NEW;\nEND;\n{tag};"
            )
        }
        6 => format!("CREATE TYPE public.e{i} AS ENUM ('a', 'b;c', 'd');"),
        7 => format!(
            "CREATE VIEW v{i} AS\n SELECT id, name\n   FROM t{t}\n  WHERE (amount > (10)::numeric);"
        ),
        8 => format!(
            "CREATE TRIGGER trg{i} BEFORE UPDATE ON public.t{t} \
             FOR EACH ROW EXECUTE FUNCTION public.f{u}();"
        ),
        9 => {
            format!("CREATE POLICY p{i} ON t{t} FOR SELECT TO app USING ((owner = CURRENT_USER));")
        }
        10 => format!(
            "CREATE SEQUENCE public.s{i}\n    START WITH 1\n    INCREMENT BY 1\n    \
             NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;"
        ),
        11 => format!("-- Name: t{t}; Type: ACL\nGRANT SELECT ON TABLE public.t{t} TO reader;"),
        12 => format!("INSERT INTO t{t} (name) VALUES ('x''{i}'), (E'a\\'{i}');"),
        13 => format!(
            "ALTER TABLE t{t} ALTER COLUMN amount SET DEFAULT 0, ALTER COLUMN name SET NOT NULL;"
        ),
        14 => format!("CREATE DOMAIN d{i} AS text COLLATE \"C\" CHECK (VALUE ~ '^[a-z]+$');"),
        15 => format!(
            "CREATE UNLOGGED TABLE public.u{i} (\n    \
             code text NOT NULL,\n    \
             amount numeric,\n    \
             CONSTRAINT u{i}_check CHECK (((char_length(code) <= 255) AND (amount >= (0)::numeric) \
             AND (code <> ''::text) AND (amount < (1000000)::numeric)))\n);"
        ),
        16 => format!(
            "CREATE INDEX index_t{t}_{i} ON public.t{t} USING btree \
             (parent_id, name, amount DESC NULLS LAST, created_at, id, lower(name), tags);"
        ),
        _ => format!("/* cleanup {i} */\nDROP TABLE IF EXISTS old{i} CASCADE;"),
    }
}

/// A generated file: its text, the byte range of each statement, and its top-level nodes.
struct Generated {
    text: Vec<u8>,
    ranges: Vec<(usize, usize)>,
    nodes: HashMap<(usize, usize), String>,
}

impl Generated {
    fn new(count: usize) -> Self {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut text = String::new();
        let mut ranges = Vec::new();
        for i in 0..count {
            let statement = statement(&mut rng, i);
            // The statement proper starts after its comment lines.
            let comments = statement
                .split_inclusive('\n')
                .take_while(|line| line.starts_with("--") || line.starts_with("/*"))
                .map(str::len)
                .sum::<usize>();
            let start = text.len() + comments;
            text.push_str(&statement);
            ranges.push((start, text.len()));
            text.push_str(if rng.below(3) == 0 { "\n\n" } else { "\n" });
        }
        let text = text.into_bytes();
        let tree = parse(&text);
        assert!(
            !tree.root_node().has_error(),
            "the generated file parses cleanly"
        );
        let nodes = top_level(&tree);
        Generated {
            text,
            ranges,
            nodes,
        }
    }

    /// The 2,000-statement file of the named corruptions.
    fn large() -> &'static Generated {
        static LARGE: OnceLock<Generated> = OnceLock::new();
        LARGE.get_or_init(|| Generated::new(2000))
    }

    /// A smaller file for corruptions made in bulk.
    fn small() -> &'static Generated {
        static SMALL: OnceLock<Generated> = OnceLock::new();
        SMALL.get_or_init(|| Generated::new(200))
    }

    fn middle(&self) -> usize {
        self.ranges.len() / 2
    }

    /// The first statement after the middle one that starts with `prefix`.
    fn statement_starting_with(&self, prefix: &str) -> usize {
        (self.middle()..self.ranges.len())
            .find(|&i| self.statement(i).starts_with(prefix.as_bytes()))
            .unwrap_or_else(|| panic!("no statement starts with {prefix}"))
    }

    fn statement(&self, index: usize) -> &[u8] {
        let (start, end) = self.ranges[index];
        &self.text[start..end]
    }

    /// Replaces statement `index` with `broken` and checks that every other statement, comment
    /// and empty statement keeps its tree, shifted by the change in length. (Comments between the
    /// broken statement and the next one may join the error when the broken statement has lost its
    /// `;`.) With `must_break`, also that the replacement is a syntax error.
    fn check_locality(&self, name: &str, index: usize, broken: &[u8], must_break: bool) {
        let (start, end) = self.ranges[index];
        let mut corrupted = self.text[..start].to_vec();
        corrupted.extend_from_slice(broken);
        corrupted.extend_from_slice(&self.text[end..]);
        let shift = |at: usize| at + corrupted.len() - self.text.len();

        let tree = parse(&corrupted);
        assert!(
            !must_break || tree.root_node().has_error(),
            "{name}: the corruption is a syntax error: {}",
            String::from_utf8_lossy(broken)
        );
        let after = top_level(&tree);
        let next_start = self
            .ranges
            .get(index + 1)
            .map_or(self.text.len(), |&(next, _)| next);
        let lost_end = !broken.ends_with(b";");
        let mut failures = Vec::new();
        for (&(node_start, node_end), rendered) in &self.nodes {
            let trailing_comment = node_start >= end && node_end <= next_start;
            let expected = if node_end <= start {
                (node_start, node_end)
            } else if lost_end && trailing_comment {
                continue;
            } else if node_start >= end {
                (shift(node_start), shift(node_end))
            } else {
                continue;
            };
            if after.get(&expected) != Some(rendered) {
                failures.push(format!(
                    "line {}: {rendered}\n  is now: {:?}",
                    line_of(&self.text, node_start),
                    after.get(&expected)
                ));
            }
        }
        failures.sort();
        assert!(
            failures.is_empty(),
            "{name}: {} other nodes changed, e.g.\n{}\ncorrupted statement: {}",
            failures.len(),
            failures
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            String::from_utf8_lossy(broken)
        );
    }
}

/// A node and its descendants with field names and byte ranges relative to `base`.
fn render(node: Node, base: usize, out: &mut String) {
    let mut cursor = node.walk();
    render_at(&mut cursor, base, out);
}

fn render_at(cursor: &mut tree_sitter::TreeCursor, base: usize, out: &mut String) {
    let node = cursor.node();
    if let Some(field) = cursor.field_name() {
        let _ = write!(out, "{field}: ");
    }
    let kind = if node.is_missing() {
        format!("MISSING {}", node.kind())
    } else {
        node.kind().to_owned()
    };
    let _ = write!(
        out,
        "({kind} {}..{}",
        node.start_byte() - base,
        node.end_byte() - base
    );
    if cursor.goto_first_child() {
        loop {
            out.push(' ');
            render_at(cursor, base, out);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
    out.push(')');
}

/// Top-level nodes by byte range, rendered relative to their start.
fn top_level(tree: &Tree) -> HashMap<(usize, usize), String> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.children(&mut cursor)
        .map(|node| {
            let mut out = String::new();
            render(node, node.start_byte(), &mut out);
            ((node.start_byte(), node.end_byte()), out)
        })
        .collect()
}

fn check_locality(name: &str, broken: &[u8]) {
    let file = Generated::large();
    file.check_locality(name, file.middle(), broken, true);
}

#[test]
fn unbalanced_parenthesis_stays_local() {
    check_locality(
        "missing )",
        b"CREATE TABLE broken (\n    id int,\n    name text\n;",
    );
    check_locality("extra (", b"CREATE INDEX broken_idx ON t1 ((lower(name));");
    check_locality("extra )", b"CREATE TABLE broken (id int));");
    check_locality(
        "missing ( in a view",
        b"CREATE VIEW broken AS SELECT count(*;",
    );
}

#[test]
fn stray_keyword_stays_local() {
    check_locality(
        "keyword in a column",
        b"CREATE TABLE broken (id int TABLE, name text);",
    );
    check_locality(
        "repeated keyword",
        b"ALTER TABLE t1 ADD CONSTRAINT c CHECK CHECK (id > 0);",
    );
    check_locality(
        "keyword in a policy",
        b"CREATE POLICY broken ON t1 FOR SELECT TO USING (true);",
    );
    check_locality("keyword in an index", b"CREATE INDEX ON ON t1 (name);");
}

#[test]
fn truncated_statement_stays_local() {
    check_locality(
        "truncated with semicolon",
        b"CREATE INDEX broken_idx ON public.t1;",
    );
    check_locality("truncated type", b"CREATE TABLE broken (id int, name;");
    check_locality(
        "truncated without semicolon",
        b"CREATE TABLE broken (id int, name",
    );
    check_locality(
        "truncated alter",
        b"ALTER TABLE t1 ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES",
    );
    check_locality("truncated comment", b"COMMENT ON COLUMN t1.name IS;");
}

/// Whether the text after statement `index`, past blanks and comments, starts a DDL statement
/// with words that cannot continue another statement (`CREATE TABLE`, `ALTER TABLE`, ...).
fn ddl_follows(file: &Generated, index: usize) -> bool {
    let mut rest = &file.text[file.ranges[index].1..];
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"--") {
            rest = &rest[line_end(rest, 0)..];
        } else if rest.starts_with(b"/*") {
            rest = &rest[find(rest, 0, b"*/").map_or(rest.len(), |end| end + 2)..];
        } else {
            break;
        }
    }
    ["CREATE ", "ALTER TABLE ", "DROP TABLE ", "COMMENT ON "]
        .iter()
        .any(|start| rest.starts_with(start.as_bytes()))
}

/// Each kind of statement cut short at many places, keeping its semicolon; and without it where
/// the next statement starts with DDL words (before anything else, like an INSERT, the two
/// statements are one for PostgreSQL too).
#[test]
fn statements_cut_anywhere_stay_local() {
    let file = Generated::small();
    for prefix in [
        "CREATE TABLE",
        "CREATE UNLOGGED TABLE",
        "CREATE UNIQUE INDEX",
        "CREATE INDEX",
        "ALTER TABLE ONLY",
        "COMMENT ON",
        "CREATE TYPE",
        "CREATE VIEW",
        "CREATE TRIGGER",
        "CREATE POLICY",
        "CREATE SEQUENCE",
        "CREATE DOMAIN",
    ] {
        let index = file.statement_starting_with(prefix);
        let statement = file.statement(index);
        let ddl_follows = ddl_follows(file, index);
        for cut in (prefix.len() + 1..statement.len() - 1).step_by(9) {
            let name = format!("{prefix} cut at {cut}");
            let mut broken = statement[..cut].to_vec();
            // Some cuts leave valid SQL (`REFERENCES publi`).
            if ddl_follows {
                file.check_locality(&name, index, &broken, false);
            }
            broken.push(b';');
            file.check_locality(&format!("{name} with ;"), index, &broken, false);
        }
    }
}

#[test]
fn unterminated_string_stays_local() {
    check_locality("comment", b"COMMENT ON TABLE t1 IS 'never closed;");
    check_locality(
        "default",
        b"CREATE TABLE broken (\n    name text DEFAULT 'x,\n    id int\n);",
    );
    check_locality(
        "escape string",
        b"COMMENT ON TABLE t1 IS E'never closed\\';",
    );
}

#[test]
fn unterminated_dollar_quote_stays_local() {
    check_locality(
        "function body",
        b"CREATE FUNCTION broken() RETURNS int\n    LANGUAGE sql\n    AS $broken$\nSELECT 1;",
    );
    check_locality("do block", b"DO $unclosed$ BEGIN NULL; END;");
}

#[test]
fn garbage_bytes_stay_local() {
    check_locality(
        "control bytes",
        b"CREATE TABLE br\x01\x02\x7foken (id int);",
    );
    check_locality(
        "invalid UTF-8",
        b"CREATE TABLE broken (id int \xff\xfe, name text);",
    );
    check_locality("punctuation", b"@@@ ### ??? !!! ;");
    check_locality("NUL bytes", b"CREATE\0TABLE\0broken (id int);");
}
