//! Syntax errors from a tree: at most one per top-level statement, at the smallest range, with a
//! message that says what was expected or which construct is incomplete.

use tree_sitter::{Node, Tree};

use super::{Language, descendants, range};
use crate::text::{LineIndex, PositionEncoding, TextRange};

/// A syntax error: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// Expected-token lists longer than this are not spelled out.
const MAX_EXPECTED: usize = 6;

/// The syntax errors of `tree`: the first error of each top-level statement.
pub fn syntax_errors(language: Language, tree: &Tree, text: &str) -> Vec<SyntaxError> {
    let root = tree.root_node();
    let mut errors = Vec::new();
    let mut lines: Option<LineIndex> = None;
    let mut cursor = root.walk();
    for statement in root.children(&mut cursor) {
        if statement.kind() == "block_comment" {
            if !text[statement.byte_range()].ends_with("*/") || statement.byte_range().len() < 4 {
                let lines = lines.get_or_insert_with(|| LineIndex::new(text));
                errors.push(SyntaxError {
                    range: first_line(statement, text),
                    message: format!(
                        "unterminated comment started at {}; add `*/`",
                        position(lines, statement.start_byte())
                    ),
                });
            }
            continue;
        }
        if !statement.has_error() {
            continue;
        }
        let Some(error) = descendants(statement).find(|node| node.is_error() || node.is_missing())
        else {
            continue;
        };
        let lines = lines.get_or_insert_with(|| LineIndex::new(text));
        errors.push(describe(language, error, text, lines));
    }
    errors
}

fn describe(language: Language, error: Node, text: &str, lines: &LineIndex) -> SyntaxError {
    if error.is_missing() {
        return describe_missing(error, text, lines);
    }
    // A character the lexer could not start a token with shows up as a nested ERROR; when it
    // opens a string or quote that never closes, that is the real cause.
    let lexing_failure = descendants(error).skip(1).find(|node| node.is_error());
    if let Some(failure) = lexing_failure
        && let Some(message) = unterminated(failure.start_byte(), text, lines)
    {
        return SyntaxError { range: first_line(failure, text), message };
    }
    let unexpected = first_leaf(error);
    let token = &text[unexpected.byte_range()];
    if let Some(message) = unterminated(unexpected.start_byte(), text, lines)
        && unexpected.is_error()
    {
        return SyntaxError { range: first_line(unexpected, text), message };
    }
    let mut message = if token.is_empty() {
        "unexpected end of the statement".to_string()
    } else {
        format!("unexpected `{}`", shorten(token))
    };
    if let Some(expected) = expected_before(language, error, unexpected) {
        message.push_str("; expected ");
        message.push_str(&expected);
    }
    SyntaxError { range: first_line(unexpected, text), message }
}

fn describe_missing(missing: Node, text: &str, lines: &LineIndex) -> SyntaxError {
    let kind = missing.kind();
    // Point at the token after which something is missing: a zero-width range is hard to see.
    let anchor = previous_leaf(missing).unwrap_or(missing);
    let at = first_line(anchor, text);
    let message = match kind {
        ")" | "]" => {
            let open = if kind == ")" { "(" } else { "[" };
            match missing.parent().and_then(|parent| opening_token(parent, open)) {
                Some(opening) => format!(
                    "missing `{kind}` to close the `{open}` opened at {}",
                    position(lines, opening.start_byte())
                ),
                None => format!("missing `{kind}`"),
            }
        }
        ";" => "missing `;` at the end of the statement".to_string(),
        "newline" => "expected a line break before the next member".to_string(),
        other if other.chars().all(|c| c.is_ascii_uppercase() || c == ' ') => {
            format!("missing keyword `{other}`")
        }
        other if missing.is_named() => format!("missing {}", other.replace('_', " ")),
        other => format!("missing `{other}`"),
    };
    SyntaxError { range: at, message }
}

/// Messages for tokens that did not lex because they never end.
fn unterminated(start: usize, text: &str, lines: &LineIndex) -> Option<String> {
    let at = position(lines, start);
    let first = text[start..].chars().next()?;
    match first {
        '\'' => Some(format!("unterminated string started at {at}; add the closing `'`")),
        '"' => Some(format!(
            "unterminated quoted identifier started at {at}; add the closing `\"`"
        )),
        '$' => {
            let rest = &text[start + 1..];
            let tag_len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if rest[tag_len..].starts_with('$') && !rest.starts_with(|c: char| c.is_ascii_digit())
            {
                let tag = &text[start..start + tag_len + 2];
                Some(format!(
                    "unterminated dollar-quoted string started at {at}; add the closing `{tag}`"
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// What the parser would have accepted instead of `unexpected`, when that is a short list.
fn expected_before(language: Language, error: Node, unexpected: Node) -> Option<String> {
    let previous = previous_leaf(unexpected).filter(|leaf| leaf.end_byte() <= error.start_byte())?;
    let ts_language = language.tree_sitter();
    let state = previous.next_parse_state();
    let mut names: Vec<String> = Vec::new();
    for symbol in ts_language.lookahead_iterator(state)? {
        if !ts_language.node_kind_is_visible(symbol) || symbol == 0 {
            continue;
        }
        let Some(kind) = ts_language.node_kind_for_id(symbol) else {
            continue;
        };
        let name = match kind {
            "comment" | "block_comment" | "psql_meta_command" | "goose_statement_end" => continue,
            "identifier" | "quoted_identifier" => "a name".to_string(),
            "string" | "dollar_quoted_string" => "a string".to_string(),
            "number" => "a number".to_string(),
            "operator" => "an operator".to_string(),
            _ if ts_language.node_kind_is_named(symbol) => continue,
            other => format!("`{other}`"),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() || names.len() > MAX_EXPECTED {
        return None;
    }
    Some(match names.len() {
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {last}", names.join(", "))
        }
    })
}

fn first_leaf(node: Node) -> Node {
    let mut current = node;
    while let Some(child) = current.child(0) {
        current = child;
    }
    current
}

fn previous_leaf(node: Node) -> Option<Node> {
    let mut current = node;
    loop {
        if let Some(sibling) = current.prev_sibling() {
            let mut leaf = sibling;
            while let Some(last) = leaf.child(leaf.child_count().checked_sub(1)?) {
                leaf = last;
            }
            if leaf.is_extra() || leaf.byte_range().is_empty() {
                current = leaf;
                continue;
            }
            return Some(leaf);
        }
        current = current.parent()?;
    }
}

fn opening_token<'t>(parent: Node<'t>, open: &str) -> Option<Node<'t>> {
    let mut cursor = parent.walk();
    parent.children(&mut cursor).find(|child| child.kind() == open)
}

/// The node's range, cut at the end of its first line, so that a diagnostic stays small.
fn first_line(node: Node, text: &str) -> TextRange {
    let full = range(node);
    let slice = &text[node.byte_range()];
    match slice.find('\n') {
        Some(newline) if newline > 0 => {
            TextRange::new(full.start(), full.start() + newline as u32)
        }
        _ => full,
    }
}

fn position(lines: &LineIndex, offset: usize) -> String {
    let at = lines.line_col(offset as u32, PositionEncoding::Utf32);
    format!("{}:{}", at.line + 1, at.col + 1)
}

fn shorten(token: &str) -> String {
    const MAX: usize = 40;
    let first_line = token.lines().next().unwrap_or("");
    if first_line.chars().count() > MAX || first_line.len() < token.len() {
        let cut: String = first_line.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        first_line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn errors(text: &str) -> Vec<(String, String)> {
        let tree = parse(Language::Sql, text, None);
        syntax_errors(Language::Sql, &tree, text)
            .into_iter()
            .map(|error| (text[error.range.start() as usize..error.range.end() as usize].to_string(), error.message))
            .collect()
    }

    #[test]
    fn clean_file_has_no_errors() {
        assert!(errors("CREATE TABLE t (id bigint PRIMARY KEY);\nSELECT 1;\n").is_empty());
    }

    #[test]
    fn one_error_per_broken_statement() {
        let found = errors("CREATE TABLE a (id int,, b int);\nCREATE TABLE ok (id int);\nCREATE INDEX ON;\n");
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn missing_parenthesis_names_the_opening_one() {
        let found = errors("CREATE TABLE a (\n  id int\n;\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("opened at 1:16"), "{found:?}");
    }

    #[test]
    fn unterminated_dollar_quote() {
        let text = "CREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ select 1;\n";
        let found = errors(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].1.starts_with("unterminated dollar-quoted string started at 2:49"),
            "{found:?}"
        );
    }

    #[test]
    fn unterminated_block_comment() {
        let found = errors("CREATE TABLE a (id int);\n/* never closed\nCREATE TABLE b (id int);\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.starts_with("unterminated comment started at 2:1"), "{found:?}");
    }
}
