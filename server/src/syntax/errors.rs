//! Syntax errors from a tree: at most one per top-level statement, at the smallest range, with a
//! message that says what was expected or which construct is incomplete.
//!
//! Nodes are reached with tree cursors from the root: `Node::parent` and the sibling methods
//! search down from the root, so walking up from a node nested a million deep with them would
//! take time in proportion to the depth squared.

use tree_sitter::{Node, Tree, TreeCursor};

use super::{Language, descendants, field, field_children, named_children, range};
use crate::text::{LineIndex, PositionEncoding, TextRange};

/// A syntax error: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// A syntax error as found in a tree. A position its message names is kept as an offset and
/// written as line:column only when the error is read, so that it moves with the text above it
/// whatever the edits that moved it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundError {
    pub range: TextRange,
    message: String,
    /// Where in `message` the position goes, and the offset it names.
    at: Option<(usize, u32)>,
}

impl FoundError {
    pub fn new(range: TextRange, message: String) -> FoundError {
        FoundError {
            range,
            message,
            at: None,
        }
    }

    /// A message naming the position `offset` between `before` and `after`.
    fn naming(range: TextRange, before: &str, offset: usize, after: &str) -> FoundError {
        FoundError {
            range,
            message: format!("{before}{after}"),
            at: Some((before.len(), offset as u32)),
        }
    }

    /// Whether the message names a position (where a quote or bracket was opened).
    pub fn names_position(&self) -> bool {
        self.at.is_some()
    }

    /// The same error with its offsets moved by `delta` bytes (negative: towards the start).
    pub fn moved(&self, delta: i64) -> FoundError {
        let shift = |offset: u32| u32::try_from(i64::from(offset) + delta).unwrap_or(0);
        FoundError {
            range: TextRange::new(shift(self.range.start()), shift(self.range.end())),
            message: self.message.clone(),
            at: self.at.map(|(index, offset)| (index, shift(offset))),
        }
    }

    /// The error with its message written out; `lines` indexes the text its offsets are in.
    pub fn render(&self, lines: &LineIndex) -> SyntaxError {
        let mut message = self.message.clone();
        if let Some((index, offset)) = self.at {
            message.insert_str(index, &position(lines, offset as usize));
        }
        SyntaxError {
            range: self.range,
            message,
        }
    }
}

/// Expected-token lists longer than this are not spelled out.
const MAX_EXPECTED: usize = 6;

/// The syntax errors of `tree`: the first error of each top-level statement.
pub fn syntax_errors(language: Language, tree: &Tree, text: &str) -> Vec<SyntaxError> {
    let mut cursor = tree.walk();
    // A cursor on the root has no siblings: a lone `ERROR` root is the one statement.
    let mut more = super::lone_error_root(tree) || cursor.goto_first_child();
    let statements = std::iter::from_fn(|| {
        let at = more.then(|| cursor.clone())?;
        more = cursor.goto_next_sibling();
        Some(at)
    });
    let lines = LineIndex::new(text);
    errors_of(language, statements, text)
        .iter()
        .map(|error| error.render(&lines))
        .collect()
}

/// The syntax errors of the top-level statements of `tree` that start in `range`.
pub fn syntax_errors_in(
    language: Language,
    tree: &Tree,
    text: &str,
    range: TextRange,
) -> Vec<FoundError> {
    let mut cursor = tree.walk();
    // A cursor on the root has no siblings: a lone `ERROR` root is the one statement.
    let mut more = super::lone_error_root(tree)
        || cursor
            .goto_first_child_for_byte(range.start() as usize)
            .is_some();
    // One statement's cursor at a time: a whole tree's would all be alive at once.
    let statements = std::iter::from_fn(|| {
        while more {
            let node = cursor.node();
            if node.start_byte() >= range.end() as usize {
                return None;
            }
            let at = (node.start_byte() >= range.start() as usize).then(|| cursor.clone());
            more = cursor.goto_next_sibling();
            if at.is_some() {
                return at;
            }
        }
        None
    });
    errors_of(language, statements, text)
}

/// The errors of the statements the cursors (made from the tree's root) stand at.
fn errors_of<'t>(
    language: Language,
    statements: impl Iterator<Item = TreeCursor<'t>>,
    text: &str,
) -> Vec<FoundError> {
    let mut errors = Vec::new();
    for mut at in statements {
        let statement = at.node();
        if statement.kind() == "block_comment" {
            if !super::resync::block_comment_closed(&text[statement.byte_range()]) {
                errors.push(FoundError::naming(
                    first_line(statement, text),
                    "unterminated comment started at ",
                    statement.start_byte(),
                    "; add `*/`",
                ));
            }
            continue;
        }
        // An `ERROR` leaf (an unexpected character at the top of an `ERROR` root) may not
        // count itself as having an error.
        if !statement.has_error() && !statement.is_error() {
            if let Some(error) =
                unknown_verb(statement, text).or_else(|| column_without_type(statement, text))
            {
                errors.push(error);
            }
            continue;
        }
        if !goto_first(&mut at, |c| c.node().is_error() || c.node().is_missing()) {
            continue;
        }
        errors.push(describe(language, &at, text));
    }
    errors
}

/// The words that start a PostgreSQL statement (the grammar takes any other word followed by
/// balanced tokens for a statement it does not model).
const STATEMENT_VERBS: &[&str] = &[
    "abort",
    "alter",
    "analyse",
    "analyze",
    "begin",
    "call",
    "checkpoint",
    "close",
    "cluster",
    "comment",
    "commit",
    "copy",
    "create",
    "deallocate",
    "declare",
    "delete",
    "discard",
    "do",
    "drop",
    "end",
    "execute",
    "explain",
    "fetch",
    "grant",
    "import",
    "insert",
    "listen",
    "load",
    "lock",
    "merge",
    "move",
    "notify",
    "prepare",
    "reassign",
    "refresh",
    "reindex",
    "release",
    "repack",
    "reset",
    "revoke",
    "rollback",
    "savepoint",
    "security",
    "select",
    "set",
    "show",
    "start",
    "table",
    "truncate",
    "unlisten",
    "update",
    "vacuum",
    "values",
    "with",
];

/// A statement the grammar took as generic whose first word starts no PostgreSQL statement
/// (`CREAT TABLE ...`).
fn unknown_verb(statement: Node, text: &str) -> Option<FoundError> {
    if statement.kind() != "generic_statement" {
        return None;
    }
    let verb = super::field(statement, "verb")?;
    let word = &text[verb.byte_range()];
    if STATEMENT_VERBS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(word))
    {
        return None;
    }
    let mut message = format!("`{}` does not start a PostgreSQL statement", shorten(word));
    if let Some(closest) = crate::suggest::closest(word, STATEMENT_VERBS.iter().copied(), 2) {
        message.push_str(&format!(
            "; did you mean `{}`?",
            closest.to_ascii_uppercase()
        ));
    }
    Some(FoundError::new(range(verb), message))
}

/// A column without a type where PostgreSQL needs one (`email NOT NULL UNIQUE`): the grammar
/// takes a name with constraints alone because a typed table (`OF type`) and a partition do.
fn column_without_type(statement: Node, text: &str) -> Option<FoundError> {
    let untyped =
        |column: &Node| column.kind() == "column_definition" && field(*column, "type").is_none();
    let column = match statement.kind() {
        "alter_table" => field_children(statement, "action")
            .filter(|action| action.kind() == "add_column")
            .filter_map(|action| field(action, "column"))
            .find(untyped),
        "create_table" | "create_schema" => {
            let tables = std::iter::once(statement)
                .chain(field_children(statement, "element"))
                .filter(|table| {
                    table.kind() == "create_table"
                        && field(*table, "of_type").is_none()
                        && field(*table, "partition_of").is_none()
                });
            tables
                .filter_map(|table| field(table, "elements"))
                .find_map(|elements| named_children(elements).find(untyped))
        }
        _ => None,
    }?;
    let name = field(column, "name")?;
    Some(FoundError::new(
        range(name),
        format!(
            "column `{}` has no type; write its type after the name",
            shorten(&text[name.byte_range()])
        ),
    ))
}

/// Pre-order walk of the cursor's node and its descendants, leaving the cursor at the first
/// node that satisfies `wanted`; `false` (the cursor anywhere) if none does.
fn goto_first(cursor: &mut TreeCursor, mut wanted: impl FnMut(&TreeCursor) -> bool) -> bool {
    // Depth below the start, counted here: `TreeCursor::depth` counts the whole stack.
    let mut depth = 0usize;
    loop {
        if wanted(cursor) {
            return true;
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if depth == 0 {
                return false;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            cursor.goto_parent();
            depth -= 1;
        }
    }
}

fn describe(language: Language, at: &TreeCursor, text: &str) -> FoundError {
    let error = at.node();
    if error.is_missing() {
        return describe_missing(at, text);
    }
    // A character the lexer could not start a token with shows up as a nested ERROR; when it
    // opens a string or quote that never closes, that is the real cause.
    let lexing_failure = descendants(error).skip(1).find(|node| node.is_error());
    if let Some(failure) = lexing_failure
        && let Some(found) = unterminated(language, failure, text)
    {
        return found;
    }
    if let Some(message) = unterminated_leaf(language, error, text) {
        return message;
    }
    if language == Language::Sql
        && let Some(message) = incomplete_statement(at, text)
    {
        return message;
    }
    let mut unexpected_at = at.clone();
    while unexpected_at.goto_first_child() {}
    let unexpected = unexpected_at.node();
    let token = &text[unexpected.byte_range()];
    if let Some(message) = incomplete_clause(error, &unexpected_at, text) {
        return message;
    }
    if let Some(message) = list_punctuation(at, &unexpected_at, text) {
        return message;
    }
    if unexpected.is_error()
        && let Some(found) = unterminated(language, unexpected, text)
    {
        return found;
    }
    let mut message = if token.is_empty() {
        "unexpected end of the statement".to_string()
    } else {
        format!("unexpected `{}`", shorten(token))
    };
    if let Some(expected) = expected_before(language, error, &unexpected_at, text) {
        message.push_str("; expected ");
        message.push_str(&expected);
    }
    FoundError::new(first_line(unexpected, text), message)
}

/// A quote inside the error that never closes, whatever token the parser stopped at.
fn unterminated_leaf(language: Language, error: Node, text: &str) -> Option<FoundError> {
    descendants(error)
        .filter(|n| n.child_count() == 0)
        .find_map(|leaf| {
            let token = &text[leaf.byte_range()];
            let quote = token.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
            let closed = token.len() > 1 && token.ends_with(quote);
            if closed {
                return None;
            }
            unterminated(language, leaf, text)
        })
}

/// A statement the parser could not start a structure for (`CREATE INDEX ON t;`): the tokens
/// it gave up after, and the one it stopped at.
fn incomplete_statement(at: &TreeCursor, text: &str) -> Option<FoundError> {
    // Only an error that is a whole top-level statement or one of its children.
    if at.depth() >= 2 {
        return None;
    }
    let error = at.node();
    let leaves = descendants(error).filter(|n| n.child_count() == 0 && !n.is_extra());
    let head: Vec<&str> = leaves
        .take(2)
        .map(|leaf| &text[leaf.byte_range()])
        .take_while(|word| word.chars().all(|c| c.is_ascii_alphabetic()))
        .collect();
    if head.is_empty() {
        return None;
    }
    // The last leaf, reached again by its index: a cursor cannot be kept for each leaf.
    let mut walk = at.clone();
    let mut last_index = None;
    goto_first(&mut walk, |cursor| {
        let node = cursor.node();
        if node.child_count() == 0 && !node.is_extra() {
            last_index = Some(cursor.descendant_index());
        }
        false
    });
    let mut last_at = at.clone();
    last_at.goto_descendant(last_index?);
    let last = last_at.node();
    let statement = head.join(" ").to_ascii_uppercase();
    let last_text = shorten(&text[last.byte_range()]);
    match next_leaf(&last_at) {
        Some(stop) if stop.start_byte() >= error.end_byte() => Some(FoundError::new(
            first_line(stop, text),
            format!(
                "incomplete `{statement}` statement: unexpected `{}` after `{last_text}`",
                shorten(&text[stop.byte_range()])
            ),
        )),
        _ => Some(FoundError::new(
            first_line(last, text),
            format!("incomplete `{statement}` statement: it ends after `{last_text}`"),
        )),
    }
}

const TWO_COMMAS: &str = "two commas in a row; remove one";
const TRAILING_COMMA: &str = "trailing `,` before `)`; remove it";

/// Commas and parentheses that do not fit a list: `a,, b`, `a, b,)`, `(a b)` where an element
/// lacks its comma, `(a))`.
fn list_punctuation(at: &TreeCursor, unexpected_at: &TreeCursor, text: &str) -> Option<FoundError> {
    let error = at.node();
    let unexpected = unexpected_at.node();
    let token = &text[unexpected.byte_range()];
    let leaf_text = |leaf: Option<Node>| leaf.map(|l| &text[l.byte_range()]);
    let message = |message: &str| Some(FoundError::new(range(unexpected), message.to_string()));
    // Reported on the first of the two commas, whichever one the parser stopped at.
    if token == ","
        && let Some(first) = previous_leaf(unexpected_at).filter(|p| &text[p.byte_range()] == ",")
    {
        return Some(FoundError::new(range(first), TWO_COMMAS.to_string()));
    }
    if token == "," && leaf_text(next_leaf(unexpected_at)) == Some(",") {
        return message(TWO_COMMAS);
    }
    if token == "," && leaf_text(next_leaf(unexpected_at)) == Some(")") {
        return message(TRAILING_COMMA);
    }
    if token == ")" {
        let mut statement = unexpected_at.clone();
        for _ in 1..statement.depth() {
            statement.goto_parent();
        }
        let statement = statement.node();
        let depth: i32 = descendants(statement)
            .filter(|n| n.child_count() == 0 && n.end_byte() <= unexpected.start_byte())
            .map(|n| match &text[n.byte_range()] {
                "(" => 1,
                ")" => -1,
                _ => 0,
            })
            .sum();
        if depth <= 0 {
            return message("unexpected `)`: no `(` is open here");
        }
    }
    // A complete element followed by another without a comma: tree-sitter wraps the first in
    // the error.
    let mut next = at.clone();
    let next = loop {
        if !next.goto_next_sibling() {
            return None;
        }
        if next.node().is_named() {
            break next.node();
        }
    };
    let mut cursor = error.walk();
    let element = matches!(
        next.kind(),
        "column_definition"
            | "table_constraint"
            | "composite_attribute"
            | "function_parameter"
            | "index_element"
    );
    let same_kind = element
        && error
            .named_children(&mut cursor)
            .any(|child| child.kind() == next.kind());
    if same_kind && !next.is_error() {
        let start = first_leaf(next);
        return Some(FoundError::new(
            first_line(start, text),
            format!(
                "missing `,` before `{}`",
                shorten(&text[start.byte_range()])
            ),
        ));
    }
    None
}

/// A clause keyword with nothing after it (`DEFAULT)`, `NOT,`): what it needs.
fn incomplete_clause(error: Node, unexpected_at: &TreeCursor, text: &str) -> Option<FoundError> {
    let unexpected = unexpected_at.node();
    let word = text[unexpected.byte_range()].to_ascii_uppercase();
    let needs = match word.as_str() {
        "DEFAULT" => "a value",
        "NOT" => "`NULL`",
        "CHECK" => "a parenthesised condition",
        "REFERENCES" => "a table name",
        "COLLATE" => "a collation name",
        "CONSTRAINT" => "a name and a constraint",
        "GENERATED" => "`ALWAYS AS (...)` or `... AS IDENTITY`",
        _ => return None,
    };
    let only_word = error.end_byte() == unexpected.end_byte();
    let next = next_leaf(unexpected_at)?;
    let next_text = &text[next.byte_range()];
    if !only_word || !matches!(next_text, ")" | "," | ";") {
        return None;
    }
    Some(FoundError::new(
        range(unexpected),
        format!("`{word}` needs {needs} before `{next_text}`"),
    ))
}

fn describe_missing(missing_at: &TreeCursor, text: &str) -> FoundError {
    let missing = missing_at.node();
    let kind = missing.kind();
    // Point at the token after which something is missing: a zero-width range is hard to see.
    let anchor = previous_leaf(missing_at).unwrap_or(missing);
    let at = first_line(anchor, text);
    // Recovery may insert a keyword between two commas or before `)` (`a,, b`, `a, b,)`).
    let next = next_leaf(missing_at);
    let next_text = next.map(|n| &text[n.byte_range()]);
    if &text[anchor.byte_range()] == "," && kind != ")" {
        match (next, next_text) {
            (_, Some(",")) => {
                return FoundError::new(at, TWO_COMMAS.to_string());
            }
            (_, Some(")")) => {
                return FoundError::new(at, TRAILING_COMMA.to_string());
            }
            _ => {}
        }
    }
    let message = match kind {
        ")" | "]" => {
            let open = if kind == ")" { "(" } else { "[" };
            let mut parent = missing_at.clone();
            let opened = parent
                .goto_parent()
                .then(|| parent.node())
                .and_then(|parent| Some((parent, opening_token(parent, open)?)));
            let Some((parent, opening)) = opened else {
                return FoundError::new(at, format!("missing `{kind}`"));
            };
            let what =
                construct(parent.kind()).unwrap_or(if kind == ")" { "the `(`" } else { "the `[`" });
            return FoundError::naming(
                at,
                &format!("missing `{kind}` to close {what} opened at "),
                opening.start_byte(),
                "",
            );
        }
        ";" => "missing `;` at the end of the statement".to_string(),
        "newline" => "expected a line break before the next member".to_string(),
        other if other.chars().all(|c| c.is_ascii_uppercase() || c == ' ') => {
            format!("missing keyword `{other}`")
        }
        "identifier" => format!(
            "missing a name after `{}`",
            shorten(&text[anchor.byte_range()])
        ),
        other if missing.is_named() => format!("missing {}", other.replace('_', " ")),
        other => format!("missing `{other}`"),
    };
    FoundError::new(at, message)
}

/// Whether the `"` at `start` opens a Prisma string that does not end: strings end on their line,
/// with `\"` inside them; a `"` that an earlier one on the line opened closes a string instead.
fn prisma_string_unclosed(text: &str, start: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |at| start + at);
    let mut open_at = None;
    let mut chars = text[line_start..line_end].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' if open_at.is_some() => {
                if open_at == Some(start) {
                    return false;
                }
                open_at = None;
            }
            '"' => open_at = Some(line_start + at),
            '\\' if open_at.is_some() => {
                chars.next();
            }
            '/' if open_at.is_none() && text[line_start + at..].starts_with("//") => break,
            _ => {}
        }
        if line_start + at > start && open_at != Some(start) {
            return false;
        }
    }
    open_at == Some(start)
}

/// The error of a token that did not lex because it never ends, at `node`.
fn unterminated(language: Language, node: Node, text: &str) -> Option<FoundError> {
    let start = node.start_byte();
    let at = |before: &str, after: &str| {
        Some(FoundError::naming(
            first_line(node, text),
            before,
            start,
            after,
        ))
    };
    let first = text[start..].chars().next()?;
    if language == Language::Prisma {
        return (first == '"' && prisma_string_unclosed(text, start))
            .then(|| at("unterminated string started at ", "; add the closing `\"`"))
            .flatten();
    }
    match first {
        '\'' => at("unterminated string started at ", "; add the closing `'`"),
        '"' => at(
            "unterminated quoted identifier started at ",
            "; add the closing `\"`",
        ),
        '$' => {
            let rest = &text[start + 1..];
            let tag_len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if rest[tag_len..].starts_with('$') && !rest.starts_with(|c: char| c.is_ascii_digit()) {
                let tag = &text[start..start + tag_len + 2];
                at(
                    "unterminated dollar-quoted string started at ",
                    &format!("; add the closing `{tag}`"),
                )
            } else {
                None
            }
        }
        _ => None,
    }
}

/// What the parser would have accepted instead of `unexpected`, when that is a short list.
///
/// The parse state is read from a fresh parse of the statement up to the token before: a tree
/// parsed incrementally may hold that token from an earlier version of the text, with the state
/// it was parsed in then.
fn expected_before(
    language: Language,
    error: Node,
    unexpected: &TreeCursor,
    text: &str,
) -> Option<String> {
    let previous =
        previous_leaf(unexpected).filter(|leaf| leaf.end_byte() <= error.start_byte())?;
    let mut statement = unexpected.clone();
    while statement.depth() > 1 {
        statement.goto_parent();
    }
    let statement = statement.node();
    let prefix = tree_sitter::Range {
        start_byte: statement.start_byte(),
        end_byte: previous.end_byte(),
        start_point: statement.start_position(),
        end_point: previous.end_position(),
    };
    let tree = super::parse_range(language, text, prefix);
    let reparsed = tree
        .root_node()
        .descendant_for_byte_range(previous.start_byte(), previous.end_byte())
        .filter(|leaf| leaf.byte_range() == previous.byte_range())?;
    let ts_language = language.tree_sitter();
    let state = reparsed.next_parse_state();
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

/// The token before the cursor's node, skipping comments and zero-width nodes.
fn previous_leaf<'t>(at: &TreeCursor<'t>) -> Option<Node<'t>> {
    let mut cursor = at.clone();
    loop {
        if cursor.goto_previous_sibling() {
            while cursor.goto_last_child() {}
            let leaf = cursor.node();
            if leaf.is_extra() || leaf.byte_range().is_empty() {
                continue;
            }
            return Some(leaf);
        }
        if !cursor.goto_parent() {
            return None;
        }
    }
}

/// The next token in the text, skipping comments and zero-width nodes.
fn next_leaf<'t>(at: &TreeCursor<'t>) -> Option<Node<'t>> {
    let mut cursor = at.clone();
    loop {
        if cursor.goto_next_sibling() {
            while cursor.goto_first_child() {}
            let leaf = cursor.node();
            if leaf.is_extra() || leaf.byte_range().is_empty() {
                continue;
            }
            return Some(leaf);
        }
        if !cursor.goto_parent() {
            return None;
        }
    }
}

/// What a parenthesised node is, for "missing `)` to close ...".
fn construct(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "table_elements" => "the column list",
        "column_name_list" | "constraint_columns" => "the column name list",
        "index_elements" => "the index column list",
        "type_modifiers" => "the type modifiers",
        "function_parameters" => "the parameter list",
        "enum_values" => "the enum value list",
        "composite_attributes" => "the attribute list",
        "parenthesized_expression" => "the parenthesis",
        "in_list" => "the IN list",
        _ => return None,
    })
}

fn opening_token<'t>(parent: Node<'t>, open: &str) -> Option<Node<'t>> {
    let mut cursor = parent.walk();
    parent
        .children(&mut cursor)
        .find(|child| child.kind() == open)
}

/// The node's range, cut at the end of its first line, so that a diagnostic stays small.
fn first_line(node: Node, text: &str) -> TextRange {
    let full = range(node);
    let slice = &text[node.byte_range()];
    match slice.find('\n') {
        Some(newline) if newline > 0 => TextRange::new(full.start(), full.start() + newline as u32),
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
        errors_in(Language::Sql, text)
    }

    /// Each error's text and message.
    fn errors_in(language: Language, text: &str) -> Vec<(String, String)> {
        let tree = parse(language, text, None);
        syntax_errors(language, &tree, text)
            .into_iter()
            .map(|error| {
                (
                    text[error.range.start() as usize..error.range.end() as usize].to_string(),
                    error.message,
                )
            })
            .collect()
    }

    #[test]
    fn clean_file_has_no_errors() {
        assert!(errors("CREATE TABLE t (id bigint PRIMARY KEY);\nSELECT 1;\n").is_empty());
    }

    /// PostgreSQL takes a column without a type only in a typed table or a partition.
    #[test]
    fn a_column_without_a_type() {
        let message = |name: &str| {
            vec![(
                name.to_string(),
                format!("column `{name}` has no type; write its type after the name"),
            )]
        };
        for (text, name) in [
            ("CREATE TABLE t (id int, email NOT NULL UNIQUE);", "email"),
            (
                "CREATE TABLE t (id int, CONSTRAINT k UNIQUE (id), \"Ä\" NOT NULL);",
                "\"Ä\"",
            ),
            (
                "ALTER TABLE t ADD COLUMN id int, ADD email NOT NULL;",
                "email",
            ),
            ("CREATE SCHEMA s CREATE TABLE t (email UNIQUE);", "email"),
        ] {
            assert_eq!(errors(text), message(name), "{text}");
        }
        for text in [
            "CREATE TABLE p1 PARTITION OF p (id NOT NULL) FOR VALUES IN (1);",
            "CREATE TABLE t OF pair (a WITH OPTIONS NOT NULL, b PRIMARY KEY);",
            "CREATE TABLE t (id int PRIMARY KEY, email text NOT NULL);",
            "ALTER TABLE t ADD COLUMN email text NOT NULL;",
        ] {
            assert_eq!(errors(text), [], "{text}");
        }
    }

    /// Where recovery wraps the file in an `ERROR` root beside whole statements, its unexpected
    /// character was no error: whether the incomplete statement was reported depended on the
    /// length of the text above it.
    #[test]
    fn an_unexpected_character_at_the_top_of_an_error_root() {
        let text = "CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_log (order_id bigint NOT NULL);\nCREATE RULE log_insert AS ON INSERT TO orders\n--          ^^^^^^^^^^ create-rule: rule `log_insert` on `orders` rewrites queries\n    DO ALSO INSERT INTO order_@og\u{1b}";
        for above in ["", "-- a comment above\n"] {
            let found = errors(&format!("{above}{text}"));
            assert_eq!(found.len(), 1, "{found:?}");
        }
    }

    #[test]
    fn one_error_per_broken_statement() {
        let found = errors(
            "CREATE TABLE a (id int,, b int);\nCREATE TABLE ok (id int);\nCREATE INDEX ON;\n",
        );
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
            found[0]
                .1
                .starts_with("unterminated dollar-quoted string started at 2:49"),
            "{found:?}"
        );
    }

    #[test]
    fn errors_deep_inside_a_million_parentheses() {
        let depth = 1_000_000;
        let open = "(".repeat(depth);
        let close = ")".repeat(depth);
        let one_too_many = format!("CREATE TABLE x (a int CHECK ({open}a){close}));");
        assert_eq!(
            errors(&one_too_many),
            [(
                ")".to_string(),
                "unexpected `)`: no `(` is open here".to_string()
            )]
        );
        let five_missing = format!("CREATE TABLE y (a int CHECK ({open}a{}));", &close[5..]);
        let found = errors(&five_missing);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].1.starts_with("incomplete `CREATE TABLE`"),
            "{found:?}"
        );
    }

    #[test]
    fn unknown_statement_verb() {
        let found = errors("CREAT TABLE a (id int);\nCREATE TABLE b (id int);\nVACUUM b;\n");
        assert_eq!(
            found,
            [(
                "CREAT".to_string(),
                "`CREAT` does not start a PostgreSQL statement; did you mean `CREATE`?".to_string()
            )]
        );
    }

    #[test]
    fn unterminated_block_comment() {
        let found = errors("CREATE TABLE a (id int);\n/* never closed\nCREATE TABLE b (id int);\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .1
                .starts_with("unterminated comment started at 2:1"),
            "{found:?}"
        );
    }

    /// Prisma's `"` opens a string, which ends on its line; Prisma has no SQL statements.
    #[test]
    fn prisma_errors_speak_of_prisma() {
        let model = "model A {\n  id Int @id\n}\n";
        assert_eq!(
            errors_in(
                Language::Prisma,
                &format!("{model}model B {{\n  n String @map(\"n)\n}}\n")
            ),
            [(
                "\"".to_string(),
                "unterminated string started at 5:17; add the closing `\"`".to_string()
            )]
        );
        assert_eq!(
            errors_in(Language::Prisma, &format!("{model}\"x\"\n")),
            [("\"".to_string(), "unexpected `\"`".to_string())]
        );
        assert_eq!(
            errors_in(Language::Prisma, &format!("{model}foo\n")),
            [("foo".to_string(), "unexpected `foo`".to_string())]
        );
    }
}
