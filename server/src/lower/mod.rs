//! Syntax -> facts: what each top-level statement creates, alters or references.
//!
//! Lowering never fails: a missing piece of a broken statement is `None` or left out. Ranges in
//! the facts are relative to the statement start (see `facts`).

mod command;
mod expr;
pub mod facts;
mod prisma;
mod sql;
mod table;

use std::sync::Arc;

use tree_sitter::{Node, Tree};

use crate::syntax::{self, Language};
use crate::text::TextRange;

pub use facts::*;
pub use prisma::lower_prisma;

/// A lowered statement placed in its file.
#[derive(Clone, Debug)]
pub struct PlacedStatement {
    /// Byte offset of the statement in the file.
    pub start: u32,
    pub lowered: Arc<LoweredStatement>,
}

impl PlacedStatement {
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start, self.start + self.lowered.len)
    }

    /// A range relative to this statement, made absolute.
    pub fn absolute(&self, relative: TextRange) -> TextRange {
        TextRange::new(self.start + relative.start(), self.start + relative.end())
    }
}

/// Lowers every top-level statement of an SQL tree inside `applied`. An edited file is lowered
/// again with `lower_sql_reusing`, which keeps the statements the edit did not touch.
///
/// Statements lower independently, so a large file is lowered in two halves on two threads; the
/// second works on its own copy of the tree, as tree-sitter wants for a tree read by two threads.
pub fn lower_sql(tree: &Tree, text: &str, applied: TextRange) -> Vec<PlacedStatement> {
    const PARALLEL_FROM_BYTES: usize = 256 * 1024;
    let middle = (text.len() / 2) as u32;
    let lower_part = |tree: &Tree, second_half: Option<bool>| -> Vec<PlacedStatement> {
        syntax::statements(tree)
            .filter(|node| {
                let range = syntax::range(*node);
                let in_part = second_half.is_none_or(|second| (range.start() >= middle) == second);
                applied.contains_range(range) && in_part
            })
            .map(|node| PlacedStatement {
                start: syntax::range(node).start(),
                lowered: Arc::new(sql::lower_statement(node, text)),
            })
            .collect()
    };
    if text.len() < PARALLEL_FROM_BYTES {
        return lower_part(tree, None);
    }
    let copy = tree.clone();
    std::thread::scope(|scope| {
        let second = scope.spawn(|| lower_part(&copy, Some(true)));
        let mut placed = lower_part(tree, Some(false));
        match second.join() {
            Ok(rest) => placed.extend(rest),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        placed
    })
}

/// Where an edited text differs from its previous version: `new` covers every changed byte (in
/// the new text), and text after it moved by `delta` bytes. Text before `new` is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangedSpan {
    pub new: TextRange,
    pub delta: i64,
}

impl ChangedSpan {
    /// The span of one edit: `old_end` in the old text became `new.end()` in the new one.
    pub fn of_edit(start: u32, old_end: u32, new_end: u32) -> ChangedSpan {
        ChangedSpan {
            new: TextRange::new(start, new_end),
            delta: i64::from(new_end) - i64::from(old_end),
        }
    }

    /// This span followed by a later edit (given in the coordinates of the text after this span).
    pub fn then(self, next: ChangedSpan) -> ChangedSpan {
        let (start, new_end) = (next.new.start(), next.new.end());
        let old_end = (i64::from(new_end) - next.delta).max(i64::from(start));
        let map = |offset: u32| -> i64 {
            let offset = i64::from(offset);
            if offset <= i64::from(start) {
                offset
            } else if offset >= old_end {
                offset + next.delta
            } else {
                i64::from(new_end)
            }
        };
        let clamp = |offset: i64| u32::try_from(offset.max(0)).unwrap_or(u32::MAX);
        let first = clamp(map(self.new.start()).min(i64::from(start)));
        let last = clamp(map(self.new.end()).max(i64::from(new_end)));
        ChangedSpan {
            new: TextRange::new(first, last.max(first)),
            delta: self.delta + next.delta,
        }
    }

    /// Where the bytes of `range` (in the new text) were in the old text, when none of them
    /// changed.
    fn old_range(self, range: TextRange) -> Option<TextRange> {
        if range.end() <= self.new.start() {
            Some(range)
        } else if range.start() >= self.new.end() {
            range.shift(-self.delta)
        } else {
            None
        }
    }
}

/// Lowers the SQL statements `nodes` (of several trees) that lie in `applied`.
pub fn lower_sql_nodes<'t>(
    nodes: impl Iterator<Item = Node<'t>>,
    text: &str,
    applied: TextRange,
) -> Vec<PlacedStatement> {
    nodes
        .filter(|node| applied.contains_range(syntax::range(*node)))
        .map(|node| PlacedStatement {
            start: syntax::range(node).start(),
            lowered: Arc::new(sql::lower_statement(node, text)),
        })
        .collect()
}

/// Lowers the top-level statements `nodes` of an edited SQL text. A statement whose bytes lie
/// outside `span` is the same text as a statement of `previous` (the lowering of the old text),
/// which is reused without looking at its text; only the statements the edit touched are lowered
/// again, and those with syntax errors: the same text can recover otherwise once the text
/// around it changed.
pub fn lower_sql_reusing<'t>(
    nodes: impl Iterator<Item = Node<'t>>,
    text: &str,
    applied: TextRange,
    previous: &[PlacedStatement],
    span: ChangedSpan,
) -> Vec<PlacedStatement> {
    let mut placed = Vec::new();
    for node in nodes {
        let range = syntax::range(node);
        if !applied.contains_range(range) {
            continue;
        }
        // A piece of a broken statement lowers as an error, whatever statement the same text
        // was before (or becomes).
        let whole = !node.has_error() && syntax::is_sql_statement(node);
        let old_range = whole.then(|| span.old_range(range)).flatten();
        let reused = old_range.and_then(|old| {
            let index = previous
                .binary_search_by_key(&old.start(), |s| s.start)
                .ok()?;
            let candidate = &previous[index];
            (candidate.lowered.len == old.len() && candidate.lowered.kind != StatementKind::Error)
                .then(|| Arc::clone(&candidate.lowered))
        });
        let lowered = reused.unwrap_or_else(|| Arc::new(sql::lower_statement(node, text)));
        placed.push(PlacedStatement {
            start: range.start(),
            lowered,
        });
    }
    placed
}

/// Lowers a whole file without a cache.
pub fn lower_file(language: Language, tree: &Tree, text: &str) -> Vec<PlacedStatement> {
    match language {
        Language::Sql => {
            let everything = TextRange::new(0, text.len() as u32);
            lower_sql(tree, text, everything)
        }
        Language::Prisma => lower_prisma(tree, text),
    }
}

/// Shared helpers: node text and ranges relative to the statement being lowered.
#[derive(Clone, Copy)]
pub(crate) struct Cx<'a> {
    pub text: &'a str,
    /// Byte offset of the statement start.
    pub base: u32,
}

impl<'a> Cx<'a> {
    pub fn new(text: &'a str, statement: Node) -> Cx<'a> {
        Cx {
            text,
            base: statement.start_byte() as u32,
        }
    }

    pub fn range(&self, node: Node) -> TextRange {
        let range = syntax::range(node);
        TextRange::new(range.start() - self.base, range.end() - self.base)
    }

    pub fn text(&self, node: Node) -> &'a str {
        syntax::text(node, self.text)
    }

    /// An identifier node (`identifier` or `quoted_identifier`, or a keyword used as a name).
    pub fn ident(&self, node: Node) -> Ident {
        let raw = self.text(node);
        let (name, quoted) = unquote_ident(raw);
        Ident {
            name,
            quoted,
            range: self.range(node),
        }
    }

    /// An `object_reference` (or any node whose text is a dotted name).
    pub fn object_name(&self, node: Node) -> ObjectName {
        if node.kind() == "object_reference" {
            let schema = syntax::field(node, "schema").map(|n| self.ident(n));
            let name = syntax::field(node, "name")
                .map(|n| self.ident(n))
                .unwrap_or_else(|| self.ident(node));
            return ObjectName {
                schema,
                name,
                range: self.range(node),
            };
        }
        let mut parts: Vec<Ident> = syntax::named_children(node)
            .filter(|part| matches!(part.kind(), "identifier" | "quoted_identifier"))
            .map(|part| self.ident(part))
            .collect();
        let name = parts.pop().unwrap_or_else(|| self.ident(node));
        ObjectName {
            schema: parts.pop(),
            name,
            range: self.range(node),
        }
    }
}

/// Unquotes and folds an identifier the way PostgreSQL does: quoted names keep their case (`""`
/// is a quote), unquoted names fold ASCII letters to lower case.
pub fn unquote_ident(raw: &str) -> (String, bool) {
    let body = raw
        .strip_prefix("U&")
        .or_else(|| raw.strip_prefix("u&"))
        .unwrap_or(raw);
    if let Some(inner) = body.strip_prefix('"') {
        let inner = inner.strip_suffix('"').unwrap_or(inner);
        (inner.replace("\"\"", "\""), true)
    } else {
        (raw.to_ascii_lowercase(), false)
    }
}

/// Whether the written identifier `raw` denotes `name` (what `unquote_ident` would give),
/// without allocating: rules ask it for every name of a schema.
pub fn ident_denotes(raw: &str, name: &str) -> bool {
    let body = raw
        .strip_prefix("U&")
        .or_else(|| raw.strip_prefix("u&"))
        .unwrap_or(raw);
    match body.strip_prefix('"') {
        Some(inner) => {
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            if inner.contains("\"\"") {
                inner.replace("\"\"", "\"") == name
            } else {
                inner == name
            }
        }
        None => {
            raw.len() == name.len()
                && raw
                    .bytes()
                    .zip(name.bytes())
                    .all(|(r, n)| r.to_ascii_lowercase() == n)
        }
    }
}

/// The value of a string literal: quotes removed, doubled quotes and E'' escapes resolved.
pub fn string_value(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix('$') {
        let Some(tag_end) = rest.find('$') else {
            return raw.to_string();
        };
        let tag_len = tag_end + 2;
        if raw.len() >= 2 * tag_len {
            return raw[tag_len..raw.len() - tag_len].to_string();
        }
        return String::new();
    }
    let (escapes, body) = match raw.as_bytes().first() {
        Some(b'e' | b'E') => (true, &raw[1..]),
        Some(b'n' | b'N') => (false, &raw[1..]),
        _ => (
            false,
            raw.strip_prefix("U&")
                .or_else(|| raw.strip_prefix("u&"))
                .unwrap_or(raw),
        ),
    };
    let inner = body.strip_prefix('\'').unwrap_or(body);
    let inner = inner.strip_suffix('\'').unwrap_or(inner);
    if !escapes {
        return inner.replace("''", "'");
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some(other) => out.push(other),
                None => {}
            },
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_lowers_in_two_halves_as_in_one_pass() {
        let mut text = String::from("-- a schema large enough to be lowered on two threads\n");
        let mut n = 0;
        while text.len() < 600 * 1024 {
            text.push_str(&format!(
                "CREATE TABLE t{n} (id bigint PRIMARY KEY, name text NOT NULL, at timestamp);\n\
                 CREATE INDEX t{n}_name ON t{n} (name);\n"
            ));
            n += 1;
        }
        let tree = syntax::parse(Language::Sql, &text, None);
        let applied = TextRange::new(0, text.len() as u32);
        let halves = lower_sql(&tree, &text, applied);
        let one_pass: Vec<(u32, LoweredStatement)> = syntax::statements(&tree)
            .map(|node| {
                let start = syntax::range(node).start();
                (start, sql::lower_statement(node, &text))
            })
            .collect();
        let halves: Vec<(u32, LoweredStatement)> = halves
            .iter()
            .map(|s| (s.start, (*s.lowered).clone()))
            .collect();
        assert_eq!(halves.len(), 2 * n);
        assert_eq!(halves, one_pass);
    }

    #[test]
    fn identifiers_fold_like_postgres() {
        assert_eq!(unquote_ident("Users"), ("users".to_string(), false));
        assert_eq!(unquote_ident("\"Users\""), ("Users".to_string(), true));
        assert_eq!(unquote_ident("\"a\"\"b\""), ("a\"b".to_string(), true));
        // Only ASCII letters fold, as in PostgreSQL with a UTF-8 database.
        assert_eq!(unquote_ident("ÜberTable"), ("Übertable".to_string(), false));
    }

    #[test]
    fn written_identifiers_denote_what_they_unquote_to() {
        for (raw, name) in [
            ("Users", "users"),
            ("\"Users\"", "Users"),
            ("\"a\"\"b\"", "a\"b"),
            ("ÜberTable", "Übertable"),
            ("U&\"d\"", "d"),
        ] {
            assert!(ident_denotes(raw, name), "{raw}");
            assert_eq!(unquote_ident(raw).0, name);
        }
        assert!(!ident_denotes("Users", "Users"));
        assert!(!ident_denotes("\"Users\"", "users"));
        assert!(!ident_denotes("user", "users"));
    }

    #[test]
    fn string_values() {
        assert_eq!(string_value("'it''s'"), "it's");
        assert_eq!(string_value("E'a\\'b\\n'"), "a'b\n");
        assert_eq!(string_value("$$body$$"), "body");
        assert_eq!(string_value("$fn$ select 1 $fn$"), " select 1 ");
    }

    #[test]
    fn changed_spans_compose() {
        // "abcdef": replace "b" by "xyz" (a xyz cdef), then delete "de" at 5..7 (a xyz c f).
        let first = ChangedSpan::of_edit(1, 2, 4);
        let second = ChangedSpan::of_edit(5, 7, 5);
        let both = first.then(second);
        assert_eq!(
            both,
            ChangedSpan {
                new: TextRange::new(1, 5),
                delta: 0
            }
        );
        // An edit before the span moves it.
        let before = ChangedSpan::of_edit(5, 5, 6).then(ChangedSpan::of_edit(0, 2, 0));
        assert_eq!(
            before,
            ChangedSpan {
                new: TextRange::new(0, 4),
                delta: -1
            }
        );
        // An edit that swallows the span.
        let swallowed = ChangedSpan::of_edit(3, 3, 5).then(ChangedSpan::of_edit(1, 8, 2));
        assert_eq!(
            swallowed,
            ChangedSpan {
                new: TextRange::new(1, 2),
                delta: -4
            }
        );
    }

    #[test]
    fn reuse_keeps_statements_outside_the_edit() {
        let old = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n";
        let tree = syntax::parse(Language::Sql, old, None);
        let all = |text: &str| TextRange::new(0, text.len() as u32);
        let previous = lower_file(Language::Sql, &tree, old);
        // `int` of b becomes `bigint`.
        let edited = old.replacen("b (id int)", "b (id bigint)", 1);
        let at = old.find("b (id int)").unwrap() as u32 + 6;
        let span = ChangedSpan::of_edit(at, at, at + 3);
        let tree = syntax::parse(Language::Sql, &edited, None);
        let placed = lower_sql_reusing(
            syntax::statements(&tree),
            &edited,
            all(&edited),
            &previous,
            span,
        );
        assert_eq!(placed.len(), 3);
        assert!(Arc::ptr_eq(&placed[0].lowered, &previous[0].lowered));
        assert!(!Arc::ptr_eq(&placed[1].lowered, &previous[1].lowered));
        assert!(Arc::ptr_eq(&placed[2].lowered, &previous[2].lowered));
        assert_eq!(placed[2].start, previous[2].start + 3);
        let fresh = lower_file(Language::Sql, &tree, &edited);
        let summary = |list: &[PlacedStatement]| -> Vec<(u32, LoweredStatement)> {
            list.iter()
                .map(|s| (s.start, (*s.lowered).clone()))
                .collect()
        };
        assert_eq!(summary(&placed), summary(&fresh));
    }
}
