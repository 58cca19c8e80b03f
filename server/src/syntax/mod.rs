//! Parsing: tree-sitter trees for SQL (and Prisma), top-level statement iteration, syntax errors.
//!
//! Knows nothing of rules or of the schema model.

mod chunks;
mod errors;
pub mod highlight;
mod highlight_rules;
mod resync;

use hashbrown::HashMap;
use std::cell::RefCell;
use std::num::NonZeroU16;
use std::sync::OnceLock;

use tree_sitter::{Node, Parser, Tree};

use crate::text::TextRange;

pub use chunks::{Reparsed, SyntaxTrees};
pub use errors::{SyntaxError, syntax_errors, syntax_errors_in};

/// The languages ddlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Sql,
    Prisma,
}

impl Language {
    /// The language of a file, from its extension. A Markdown document's is decided by its
    /// blocks when it is read; SQL stands for it until then.
    pub fn from_path(path: &std::path::Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "sql" | "pgsql" | "psql" | "md" | "markdown" | "mmd" | "mermaid" => Some(Language::Sql),
            "prisma" => Some(Language::Prisma),
            _ => None,
        }
    }

    fn tree_sitter(self) -> tree_sitter::Language {
        match self {
            Language::Sql => ddlint_grammar::LANGUAGE.into(),
            Language::Prisma => ddlint_grammar::PRISMA_LANGUAGE.into(),
        }
    }
}

thread_local! {
    // A parser keeps allocations between parses; one per thread and language.
    static PARSERS: RefCell<[Option<Parser>; 2]> = const { RefCell::new([None, None]) };
}

fn new_parser(language: Language) -> Parser {
    let mut parser = Parser::new();
    // The grammar crate is built together with this one, so the ABI always matches.
    #[allow(clippy::expect_used)]
    parser
        .set_language(&language.tree_sitter())
        .expect("grammar ABI matches the tree-sitter runtime");
    parser
}

/// Parses `text`; with `old_tree` (already `edit`ed to match `text`) the parse is incremental.
pub fn parse(language: Language, text: &str, old_tree: Option<&Tree>) -> Tree {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let slot = &mut parsers[language as usize];
        let parser = slot.get_or_insert_with(|| new_parser(language));
        // Without a timeout or cancellation flag, tree-sitter always returns a tree.
        #[allow(clippy::expect_used)]
        parser
            .parse(text, old_tree)
            .expect("parsing without cancellation always yields a tree")
    })
}

/// Parses only `range` of `text` from scratch; positions stay those of the whole text.
///
/// The range is parsed as a text of its own, then moved into place: parsed over its range of the
/// whole text, tree-sitter counts the text before it into the cost of skipping its first token,
/// and error recovery would depend on how much text lies before the range.
pub fn parse_range(language: Language, text: &str, range: tree_sitter::Range) -> Tree {
    let alone = text.get(range.start_byte..range.end_byte).unwrap_or("");
    let mut tree = parse(language, alone, None);
    if range.start_byte > 0 {
        let origin = tree_sitter::Point::new(0, 0);
        tree.edit(&tree_sitter::InputEdit {
            start_byte: 0,
            old_end_byte: 0,
            new_end_byte: range.start_byte,
            start_position: origin,
            old_end_position: origin,
            new_end_position: range.start_point,
        });
    }
    tree
}

/// Parses `range` of `text` again, reusing `old_tree` (edited to match `text`); positions stay
/// those of the whole text.
pub fn reparse_range(
    language: Language,
    text: &str,
    old_tree: &Tree,
    range: tree_sitter::Range,
) -> Tree {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let slot = &mut parsers[language as usize];
        let parser = slot.get_or_insert_with(|| new_parser(language));
        // One range inside the text is always valid; were it refused, the whole text is parsed.
        let _ = parser.set_included_ranges(&[range]);
        #[allow(clippy::expect_used)]
        let tree = parser
            .parse(text, Some(old_tree))
            .expect("parsing without cancellation always yields a tree");
        let _ = parser.set_included_ranges(&[]);
        tree
    })
}

/// The child of an SQL node in field `name`.
///
/// Same as `Node::child_by_field_name`, without its linear search of the field names on every
/// call (the lowering of a large schema makes millions of these lookups).
pub fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    node.child_by_field_id(sql_field_id(name)?.get())
}

/// The id of an SQL grammar field.
fn sql_field_id(name: &str) -> Option<NonZeroU16> {
    static SQL_FIELDS: OnceLock<HashMap<String, NonZeroU16>> = OnceLock::new();
    let fields = SQL_FIELDS.get_or_init(|| {
        let language = Language::Sql.tree_sitter();
        let mut fields = HashMap::new();
        for id in 1..=language.field_count() as u16 {
            if let (Some(name), Some(id)) = (language.field_name_for_id(id), NonZeroU16::new(id)) {
                fields.insert(name.to_string(), id);
            }
        }
        fields
    });
    fields.get(name).copied()
}

/// The byte range of a node.
pub fn range(node: Node) -> TextRange {
    TextRange::from(node.byte_range())
}

/// The source text of a node.
pub fn text<'a>(node: Node, source: &'a str) -> &'a str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The top-level statements of an SQL tree, in order (comments and other extras skipped).
pub fn statements(tree: &Tree) -> impl Iterator<Item = Node<'_>> {
    top_nodes(tree)
        .into_iter()
        .filter(|node| node.is_named() && !node.is_extra())
}

/// The nodes at the top of a tree, in order: the root's children, or the root itself when it is
/// a [`lone_error_root`].
pub fn top_nodes(tree: &Tree) -> Vec<Node<'_>> {
    let root = tree.root_node();
    if lone_error_root(tree) {
        return vec![root];
    }
    let mut cursor = root.walk();
    root.children(&mut cursor).collect()
}

/// Whether `node`, at the top of an SQL tree, is a statement (an empty one included) or an
/// error, rather than a piece of a statement that an `ERROR` root holds.
pub fn is_sql_statement(node: Node) -> bool {
    node.is_error()
        || whole_unit_kinds(Language::Sql).contains(&node.kind_id())
        || matches!(node.kind(), "empty_statement" | "goose_statement_end")
}

/// Whether the tree's root is an `ERROR` that holds no whole statement. Tree-sitter makes the
/// root an error when the text does not end as a source file; holding only pieces of a
/// statement (`a "b" \`), that error is the text's one statement, a broken one.
pub fn lone_error_root(tree: &Tree) -> bool {
    let root = tree.root_node();
    if !root.is_error() {
        return false;
    }
    let language = if *root.language() == Language::Sql.tree_sitter() {
        Language::Sql
    } else {
        Language::Prisma
    };
    let kinds = whole_unit_kinds(language);
    let mut cursor = root.walk();
    let whole = root
        .children(&mut cursor)
        .any(|child| kinds.contains(&child.kind_id()));
    !whole
}

/// The node kinds of a language's whole top-level units: SQL's statements, Prisma's blocks.
fn whole_unit_kinds(language: Language) -> &'static [u16] {
    static KINDS: [OnceLock<Vec<u16>>; 2] = [OnceLock::new(), OnceLock::new()];
    KINDS[language as usize].get_or_init(|| {
        let grammar = language.tree_sitter();
        let supertype = match language {
            Language::Sql => "_statement",
            Language::Prisma => "_declaration",
        };
        let id = grammar.id_for_node_kind(supertype, true);
        grammar.subtypes_for_supertype(id).to_vec()
    })
}

/// Named children of `node` (extras such as comments skipped).
pub fn named_children(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    children(node).filter(Node::is_named)
}

/// All children (named or not, extras skipped).
pub fn children(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    ChildCursor::new(node).filter_map(|(child, _)| (!child.is_extra()).then_some(child))
}

/// The children of `node` in field `field`.
pub fn field_children<'t>(node: Node<'t>, field: &str) -> impl Iterator<Item = Node<'t>> {
    let wanted = node.language().field_id_for_name(field);
    ChildCursor::new(node)
        .filter_map(move |(child, id)| (wanted.is_some() && id == wanted).then_some(child))
}

/// The children of a node with their field ids, walked with a cursor the iterator owns: no
/// list is collected (lowering walks every node of a large schema).
struct ChildCursor<'t> {
    cursor: tree_sitter::TreeCursor<'t>,
    started: bool,
    done: bool,
}

impl<'t> ChildCursor<'t> {
    fn new(node: Node<'t>) -> ChildCursor<'t> {
        ChildCursor {
            cursor: node.walk(),
            started: false,
            done: false,
        }
    }
}

impl<'t> Iterator for ChildCursor<'t> {
    type Item = (Node<'t>, Option<NonZeroU16>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let moved = if self.started {
            self.cursor.goto_next_sibling()
        } else {
            self.started = true;
            self.cursor.goto_first_child()
        };
        if !moved {
            self.done = true;
            return None;
        }
        Some((self.cursor.node(), self.cursor.field_id()))
    }
}

/// Whether `node` has an anonymous child token spelled `keyword` (case-insensitive).
pub fn has_keyword(node: Node, keyword: &str) -> bool {
    children(node).any(|child| !child.is_named() && child.kind().eq_ignore_ascii_case(keyword))
}

/// The first anonymous child token spelled `keyword`.
pub fn keyword<'t>(node: Node<'t>, keyword: &str) -> Option<Node<'t>> {
    children(node).find(|child| !child.is_named() && child.kind().eq_ignore_ascii_case(keyword))
}

/// Depth-first, pre-order walk of `node` and its descendants.
pub fn descendants(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    let mut stack = vec![node];
    let mut cursor = node.walk();
    std::iter::from_fn(move || {
        let current = stack.pop()?;
        let first_child = stack.len();
        stack.extend(current.children(&mut cursor));
        stack[first_child..].reverse();
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_skip_comments() {
        let text = "-- header\nCREATE TABLE a (id int);\n/* c */ SELECT 1;\n";
        let tree = parse(Language::Sql, text, None);
        let kinds: Vec<&str> = statements(&tree).map(|node| node.kind()).collect();
        assert_eq!(kinds, ["create_table", "generic_statement"]);
    }

    #[test]
    fn descendants_visit_every_node_once() {
        let text = "CREATE TABLE a (id int, b text);";
        let tree = parse(Language::Sql, text, None);
        let statement = statements(&tree).next().unwrap();
        let all: Vec<Node> = descendants(statement).collect();
        assert_eq!(all[0], statement);
        let identifiers = all
            .iter()
            .filter(|node| node.kind() == "identifier")
            .count();
        assert_eq!(identifiers, 5);
        let mut unique = all.clone();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn language_from_extension() {
        use std::path::Path;
        assert_eq!(
            Language::from_path(Path::new("a/b.PSQL")),
            Some(Language::Sql)
        );
        assert_eq!(
            Language::from_path(Path::new("schema.prisma")),
            Some(Language::Prisma)
        );
        assert_eq!(
            Language::from_path(Path::new("README.md")),
            Some(Language::Sql)
        );
        assert_eq!(Language::from_path(Path::new("notes.txt")), None);
    }
}
