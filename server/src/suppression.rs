//! Suppression comments: `-- ddlint-ignore rule-id[, rule-id...]` on the line before a statement
//! or at the end of one of its lines; `-- ddlint-ignore-file rule-id` for the whole file; in Prisma
//! `/// ddlint-ignore rule-id` on the line before a model or field.

use tree_sitter::Node;

use crate::lower::PlacedStatement;
use crate::syntax::{Language, SyntaxTrees};
use crate::text::TextRange;

pub(crate) const MARKER: &str = "ddlint-ignore";

/// One rule id named in a suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressedRule {
    pub rule: String,
    /// The rule id's text in the comment.
    pub range: TextRange,
}

/// One suppression comment and what it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub comment: TextRange,
    pub rules: Vec<SuppressedRule>,
    /// The statement (or Prisma model/field) it covers; `None` for the whole file.
    pub scope: Option<TextRange>,
}

impl Suppression {
    pub fn covers(&self, rule: &str, offset: u32) -> bool {
        self.rules.iter().any(|r| r.rule == rule)
            && self
                .scope
                .is_none_or(|scope| scope.contains_inclusive(offset))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppressions {
    pub items: Vec<Suppression>,
    /// The marker occurs in the text, in a comment or not.
    pub marked: bool,
}

impl Suppressions {
    /// Adds suppressions found another way (a Markdown document's HTML comments).
    pub fn add(&mut self, more: Vec<Suppression>) {
        self.marked |= !more.is_empty();
        self.items.extend(more);
        self.items.sort_by_key(|item| item.comment);
    }
}

/// `collect` for a text whose previous version held no marker and which differs from it only in
/// `changed`: a marker can then only be where it overlaps `changed`, which spares a scan of a
/// large text on each keystroke.
pub fn collect_if_marked(
    language: Language,
    syntax: &SyntaxTrees,
    text: &str,
    statements: &[PlacedStatement],
    changed: TextRange,
) -> Suppressions {
    let reach = MARKER.len() - 1;
    let mut start = (changed.start() as usize).saturating_sub(reach);
    let mut end = (changed.end() as usize + reach).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if text[start..end].contains(MARKER) {
        collect(language, syntax, text, statements)
    } else {
        Suppressions::default()
    }
}

/// Finds the suppression comments of a file.
pub fn collect(
    language: Language,
    syntax: &SyntaxTrees,
    text: &str,
    statements: &[PlacedStatement],
) -> Suppressions {
    let mut items = Vec::new();
    let mut marked = false;
    let mut search_from = 0;
    while let Some(found) = text[search_from..].find(MARKER) {
        let offset = search_from + found;
        search_from = offset + MARKER.len();
        marked = true;
        let Some(comment) = comment_at(syntax, offset) else {
            continue;
        };
        let comment_range = TextRange::from(comment.byte_range());
        let comment_text = &text[comment.byte_range()];
        let Some(marker_at) = comment_text.find(MARKER) else {
            continue;
        };
        // Only `-- ddlint-ignore ...` (or `/// ...`, `// ...`): the marker opens the comment.
        let opening = comment_text[..marker_at]
            .trim_matches(|c: char| c == '-' || c == '/' || c == '*' || c.is_whitespace());
        if !opening.is_empty() {
            continue;
        }
        let after_marker = &comment_text[marker_at + MARKER.len()..];
        let (whole_file, list) = match after_marker.strip_prefix("-file") {
            Some(rest) => (true, rest),
            None => (false, after_marker),
        };
        if !list.starts_with(|c: char| c.is_whitespace()) {
            continue;
        }
        let list_start = comment_range.start() as usize + (comment_text.len() - list.len());
        let rules = rule_ids(list, list_start);
        if rules.is_empty() {
            continue;
        }
        let scope = (!whole_file).then(|| {
            let covered = match language {
                Language::Sql => sql_scope(text, comment_range, statements),
                Language::Prisma => prisma_scope(syntax, text, comment_range),
            };
            // A comment that covers nothing (at the end of the file) is kept, to be reported
            // as unused.
            covered.unwrap_or(TextRange::empty(comment_range.end()))
        });
        items.push(Suppression {
            comment: comment_range,
            rules,
            scope,
        });
        search_from = search_from.max(comment.end_byte());
    }
    Suppressions { items, marked }
}

fn comment_at(syntax: &SyntaxTrees, offset: usize) -> Option<Node<'_>> {
    let node = syntax.node_at(offset)?;
    matches!(node.kind(), "comment" | "doc_comment" | "block_comment").then_some(node)
}

/// `a, b c` -> the ids with their ranges; stops at the first word that is not an id (a reason).
pub(crate) fn rule_ids(list: &str, list_start: usize) -> Vec<SuppressedRule> {
    let mut rules = Vec::new();
    let mut offset = 0;
    for piece in list.split_inclusive([',', ' ', '\t']) {
        let word = piece.trim_matches(|c: char| c == ',' || c.is_whitespace());
        let leading = piece.len()
            - piece
                .trim_start_matches(|c: char| c == ',' || c.is_whitespace())
                .len();
        if !word.is_empty() {
            let is_id = word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && word.contains('-');
            if !is_id {
                break;
            }
            let start = (list_start + offset + leading) as u32;
            rules.push(SuppressedRule {
                rule: word.to_string(),
                range: TextRange::new(start, start + word.len() as u32),
            });
        }
        offset += piece.len();
    }
    rules
}

/// The statement a comment covers.
fn sql_scope(text: &str, comment: TextRange, statements: &[PlacedStatement]) -> Option<TextRange> {
    let line_start = text[..comment.start() as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let own_line = text[line_start..comment.start() as usize].trim().is_empty();
    if own_line {
        // The next statement; only comments and blank lines may come between.
        return statements
            .iter()
            .find(|s| s.start >= comment.end())
            .map(|s| s.range());
    }
    // At the end of a line: the statement on that line (the one containing it, or ending there).
    let containing = statements
        .iter()
        .rev()
        .find(|s| s.start <= comment.start() && s.range().end() + 1 >= line_start as u32);
    containing.map(|s| s.range().cover(comment))
}

/// The model, enum or field on the line after the comment.
fn prisma_scope(syntax: &SyntaxTrees, text: &str, comment: TextRange) -> Option<TextRange> {
    let after = &text[comment.end() as usize..];
    let next = comment.end() as usize + (after.len() - after.trim_start().len());
    let node = syntax.path_at(next).into_iter().rev().find(|node| {
        matches!(
            node.kind(),
            "field_declaration"
                | "model_declaration"
                | "enum_declaration"
                | "view_declaration"
                | "enum_value"
        )
    })?;
    Some(TextRange::from(node.byte_range()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::lower_file;
    use crate::syntax::parse;

    fn suppressions(language: Language, text: &str) -> Vec<(Vec<String>, Option<String>)> {
        let tree = parse(language, text, None);
        let statements = lower_file(language, &tree, text);
        collect(
            language,
            &SyntaxTrees::from_tree(language, tree, text),
            text,
            &statements,
        )
        .items
        .into_iter()
        .map(|s| {
            let rules = s.rules.iter().map(|r| r.rule.clone()).collect();
            let scope = s
                .scope
                .map(|r| text[r.start() as usize..r.end() as usize].to_string());
            (rules, scope)
        })
        .collect()
    }

    #[test]
    fn line_before_a_statement() {
        let text = "-- ddlint-ignore missing-primary-key, missing-timestamps\nCREATE TABLE t (a int);\nCREATE TABLE u (b int);\n";
        let found = suppressions(Language::Sql, text);
        assert_eq!(
            found,
            [(
                vec![
                    "missing-primary-key".to_string(),
                    "missing-timestamps".to_string()
                ],
                Some("CREATE TABLE t (a int);".to_string())
            )]
        );
    }

    #[test]
    fn end_of_line_inside_a_statement() {
        let text = "CREATE TABLE t (\n  a timestamp -- ddlint-ignore timestamp-without-time-zone because legacy\n);\n";
        let found = suppressions(Language::Sql, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, ["timestamp-without-time-zone"]);
        assert!(found[0].1.as_deref().unwrap().starts_with("CREATE TABLE t"));
    }

    #[test]
    fn whole_file_and_not_a_marker() {
        let text = "-- ddlint-ignore-file missing-table-comment\n-- see ddlint-ignore docs\nCREATE TABLE t (a int);\n";
        let found = suppressions(Language::Sql, text);
        assert_eq!(found, [(vec!["missing-table-comment".to_string()], None)]);
    }

    #[test]
    fn prisma_line_before_a_field() {
        let text =
            "model A {\n  id Int @id\n  /// ddlint-ignore float-for-money\n  price Float\n}\n";
        let found = suppressions(Language::Prisma, text);
        assert_eq!(
            found,
            [(
                vec!["float-for-money".to_string()],
                Some("price Float".to_string())
            )]
        );
    }
}
