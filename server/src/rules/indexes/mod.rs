//! Section 3 of the catalog: indexes. Also what the rules that compare indexes see of one: an
//! index is created by CREATE INDEX (`@@index` in Prisma) or by a primary key or unique
//! constraint, and two indexes are the same when PostgreSQL would build the same structure.

pub(crate) mod duplicate_index;
pub(crate) mod jsonb_without_gin_index;
pub(crate) mod redundant_index;

use std::collections::HashSet;

use crate::lower::{ConstraintKind, IndexElement, StatementKind};
use crate::model::names::{MAX_NAME_BYTES, quote_if_needed};
use crate::model::{Constraint, Index, Loc, Model, Origin, Table};
use crate::rules::{Rule, RuleCx};
use crate::syntax::Language;

pub(super) const RULES: &[&Rule] = &[
    &duplicate_index::RULE,
    &redundant_index::RULE,
    &jsonb_without_gin_index::RULE,
];

/// What created an index.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    Index(&'a Index),
    Constraint(&'a Constraint),
}

/// One element of an index, as far as it decides what the index can do. It borrows from the
/// model: every index of a schema is described once per check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Element<'a> {
    pub column: Option<&'a str>,
    /// The normalized expression, outer parentheses removed.
    pub expression: Option<&'a str>,
    /// Columns the expression uses.
    pub expression_columns: Vec<&'a str>,
    /// Functions the expression calls.
    pub functions: &'a [String],
    pub opclass: Option<&'a str>,
    pub collation: Option<&'a str>,
    pub descending: bool,
    pub nulls_first: bool,
}

impl<'a> Element<'a> {
    fn column(name: &'a str) -> Element<'a> {
        Element {
            column: Some(name),
            expression: None,
            expression_columns: Vec::new(),
            functions: &[],
            opclass: None,
            collation: None,
            descending: false,
            nulls_first: false,
        }
    }

    fn of(element: &'a IndexElement) -> Element<'a> {
        let expression = element.expression.as_ref();
        Element {
            column: element.column.as_ref().map(|c| c.name.as_str()),
            expression: expression.map(|e| strip_parens(&e.normalized)),
            expression_columns: expression.map_or_else(Vec::new, |e| {
                e.columns.iter().map(|c| c.name.as_str()).collect()
            }),
            functions: expression.map_or(&[], |e| e.functions.as_slice()),
            opclass: element.opclass.as_deref(),
            collation: element.collation.as_deref(),
            descending: element.descending,
            // PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending.
            nulls_first: element.nulls_first.unwrap_or(element.descending),
        }
    }

    /// The element is `lower(col)` or `upper(col)` of this one column.
    pub fn is_case_folded(&self, column: &str) -> bool {
        self.expression.is_some()
            && self.expression_columns.iter().all(|&c| c == column)
            && !self.expression_columns.is_empty()
            && self.functions.iter().any(|f| f == "lower" || f == "upper")
    }

    /// Whether the two elements are the same key, what comparisons the index serves included.
    fn same(&self, other: &Element<'_>) -> bool {
        self.column == other.column
            && self.expression == other.expression
            && self.opclass == other.opclass
            && self.collation == other.collation
            && self.descending == other.descending
            && self.nulls_first == other.nulls_first
    }
}

/// An index, whatever created it.
pub(crate) struct IndexShape<'a> {
    pub table: &'a Table,
    pub source: Source<'a>,
    pub unique: bool,
    pub primary: bool,
    /// Uniqueness is checked at once (not a DEFERRABLE constraint).
    pub immediate: bool,
    pub nulls_not_distinct: bool,
    /// Lower-cased access method.
    pub method: &'a str,
    pub elements: Vec<Element<'a>>,
    pub include: Vec<&'a str>,
    /// The normalized predicate of a partial index, outer parentheses removed.
    pub predicate: Option<&'a str>,
    /// The predicate's columns.
    pub predicate_columns: Vec<&'a str>,
    /// Where to report it: the index or constraint name, else the INDEX keyword or constraint.
    pub loc: Loc,
    /// Workspace order: the file's position, then the offset.
    pub position: (usize, u32),
}

impl<'a> IndexShape<'a> {
    pub fn is_btree(&self) -> bool {
        self.method == "btree"
    }

    /// The plain columns of the index, `None` for an expression element.
    pub fn columns(&self) -> Vec<Option<&'a str>> {
        self.elements.iter().map(|e| e.column).collect()
    }

    /// Every column the key uses: plain columns and the columns of expressions.
    pub fn key_columns(&self) -> Vec<&'a str> {
        let mut columns: Vec<&str> = Vec::new();
        for element in &self.elements {
            for &column in element.column.iter().chain(&element.expression_columns) {
                if !columns.contains(&column) {
                    columns.push(column);
                }
            }
        }
        columns
    }

    /// Whether the elements are the same keys in the same order.
    pub fn same_elements(&self, other: &[Element<'_>]) -> bool {
        self.elements.len() == other.len()
            && self.elements.iter().zip(other).all(|(a, b)| a.same(b))
    }

    /// `index \`name\``, `primary key`, `unique constraint \`name\``, `UNIQUE (a, b)`: with the
    /// names of index and columns at `at` (where the finding is reported).
    pub fn describe(&self, model: &Model, at: Loc) -> String {
        match self.source {
            Source::Index(index) => match index.name_at(model, at) {
                Some(name) => format!("index `{name}`"),
                None => format!("index on ({})", self.element_list(model, at)),
            },
            Source::Constraint(constraint) => {
                let kind = if self.primary {
                    "primary key"
                } else {
                    "unique constraint"
                };
                match constraint.name() {
                    Some(name) => format!("{kind} `{name}`"),
                    None => format!("{kind} ({})", self.element_list(model, at)),
                }
            }
        }
    }

    fn element_list(&self, model: &Model, at: Loc) -> String {
        let parts: Vec<String> = self
            .elements
            .iter()
            .map(|e| match (&e.column, &e.expression) {
                (Some(column), _) => match self.table.column(column) {
                    Some(found) if self.table.language == Language::Prisma => found
                        .prisma_name
                        .clone()
                        .unwrap_or_else(|| found.name.clone()),
                    Some(found) => quote_if_needed(found.name_at(model, at)),
                    None => quote_if_needed(column),
                },
                (None, Some(expression)) => expression.to_string(),
                (None, None) => String::new(),
            })
            .collect();
        parts.join(", ")
    }
}

/// The outer parentheses of a normalized expression removed: `( a is null )` -> `a is null`.
///
/// Only a `(` that closes at the end goes, not `( a ) and ( b )`. One pass: expressions may
/// nest a million deep.
pub(crate) fn strip_parens(text: &str) -> &str {
    if !(text.starts_with("( ") && text.ends_with(" )")) {
        return text;
    }
    let tokens = || text.split(' ');
    let count = tokens().count();
    let leading = tokens().take_while(|token| *token == "(").count();
    // Where each leading `(` closes: when the depth first falls back below it.
    let mut closing = vec![0; leading];
    let mut depth = 0;
    for (index, token) in tokens().enumerate() {
        match token {
            "(" => depth += 1,
            ")" if depth > 0 => {
                depth -= 1;
                if depth < leading && closing[depth] == 0 {
                    closing[depth] = index;
                }
            }
            _ => {}
        }
    }
    let mut layers = 0;
    while layers < leading && closing[layers] == count - 1 - layers && closing[layers] > layers + 1
    {
        layers += 1;
    }
    // Tokens are separated by one space: each layer is `( ` before and ` )` after.
    &text[2 * layers..text.len() - 2 * layers]
}

/// The position of a location in workspace order.
pub(crate) fn position(model: &Model, loc: Loc) -> (usize, u32) {
    (
        model
            .file_meta(loc.file)
            .map_or(usize::MAX, |meta| meta.order),
        loc.range.start(),
    )
}

/// The indexes of `table`: its CREATE INDEX indexes and those of its primary key and unique
/// constraints, in workspace order. A constraint built `USING INDEX` is that index; a
/// constraint with an INCLUDE list is left out (its list is not in the model).
pub(crate) fn index_shapes<'a>(cx: &RuleCx<'a>, table: &'a Table) -> &'a [IndexShape<'a>] {
    cx.shared
        .index_shapes
        .get(table.id.0 as usize)
        .map_or(&[], |shapes| {
            shapes.get_or_init(|| gather_index_shapes(cx, table))
        })
}

fn gather_index_shapes<'a>(cx: &RuleCx<'a>, table: &'a Table) -> Vec<IndexShape<'a>> {
    let model = cx.model;
    let indexes = model.indexes_of(table.id);
    let mut shapes =
        Vec::with_capacity(indexes.size_hint().1.unwrap_or(0) + table.constraints.len());
    for index in indexes {
        let create = &index.def.value;
        let loc = match &create.name {
            Some(name) => index.def.loc(name.range),
            None => index.def.loc(create.index_keyword),
        };
        let predicate = create.predicate.as_ref();
        shapes.push(IndexShape {
            table,
            source: Source::Index(index),
            unique: create.unique,
            primary: false,
            immediate: true,
            nulls_not_distinct: create.nulls_not_distinct,
            method: create.method.as_deref().unwrap_or("btree"),
            elements: create.elements.iter().map(Element::of).collect(),
            include: create.include.iter().map(|c| c.name.as_str()).collect(),
            predicate: predicate.map(|p| strip_parens(&p.normalized)),
            predicate_columns: predicate.map_or_else(Vec::new, |p| {
                p.columns.iter().map(|c| c.name.as_str()).collect()
            }),
            loc,
            position: position(model, loc),
        });
    }
    for constraint in &table.constraints {
        let (columns, primary, nulls_not_distinct) = match constraint.kind() {
            ConstraintKind::PrimaryKey { columns } => (columns, true, false),
            ConstraintKind::Unique {
                columns,
                nulls_not_distinct,
            } => (columns, false, *nulls_not_distinct),
            _ => continue,
        };
        if constraint.def.value.using_index.is_some() || has_include(cx.text(constraint.loc())) {
            continue;
        }
        let loc = constraint
            .def
            .value
            .name
            .as_ref()
            .map_or_else(|| constraint.loc(), |n| constraint.def.loc(n.range));
        shapes.push(IndexShape {
            table,
            source: Source::Constraint(constraint),
            unique: true,
            primary,
            immediate: !constraint.def.value.attributes.deferrable,
            nulls_not_distinct,
            method: "btree",
            elements: columns.iter().map(|c| Element::column(&c.name)).collect(),
            include: Vec::new(),
            predicate: None,
            predicate_columns: Vec::new(),
            loc,
            position: position(model, loc),
        });
    }
    shapes.sort_by_key(|shape| shape.position);
    shapes
}

/// Whether a constraint's text has an INCLUDE clause.
fn has_include(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|word| word.eq_ignore_ascii_case("include"))
}

/// Whether the statement at `origin` is a CREATE INDEX of its own (so it can be deleted whole).
pub(crate) fn is_create_index_statement(cx: &RuleCx, origin: Origin) -> bool {
    cx.file(origin.file)
        .and_then(|file| file.statement_at(origin.statement.start()))
        .is_some_and(|statement| {
            statement.lowered.kind == StatementKind::CreateIndex
                && statement.range() == origin.statement
        })
}

/// `<stem><suffix>` cut to 63 bytes, with `_1`, `_2`, ... before the suffix until no relation of
/// the table's schema (and no name proposed by this run) has it.
pub(crate) fn free_relation_name(
    model: &Model,
    table: &Table,
    stem: &str,
    suffix: &str,
    proposed: &HashSet<String>,
) -> String {
    let taken =
        |name: &str| model.relation_exists(&table.name.schema, name) || proposed.contains(name);
    let mut n = 0usize;
    loop {
        let suffix = if n == 0 {
            suffix.to_string()
        } else {
            format!("{suffix}_{n}")
        };
        let mut base = stem.to_string();
        while base.len() + suffix.len() > MAX_NAME_BYTES {
            base.pop();
        }
        let name = format!("{base}{suffix}");
        if !taken(&name) {
            return name;
        }
        n += 1;
    }
}

/// Whether a statement at `origin` changes a table an earlier migration of the folder created
/// (its new indexes must then be built CONCURRENTLY).
pub(crate) fn alters_earlier_migration_table(model: &Model, table: &Table, origin: Origin) -> bool {
    let (Some(statement_file), Some(table_file)) = (
        model.file_meta(origin.file),
        model.file_meta(table.created.file),
    ) else {
        return false;
    };
    statement_file.is_migration && table_file.order < statement_file.order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_parentheses() {
        assert_eq!(
            strip_parens("( ( deleted_at is null ) )"),
            "deleted_at is null"
        );
        assert_eq!(strip_parens("( a ) and ( b )"), "( a ) and ( b )");
        assert_eq!(strip_parens("lower ( email )"), "lower ( email )");
        assert_eq!(strip_parens("( a ) )"), "( a ) )");
        assert_eq!(strip_parens("( ( a )"), "( ( a )");
        assert_eq!(strip_parens("( )"), "( )");
        assert_eq!(strip_parens("( ( ( a ) ) + 1 )"), "( ( a ) ) + 1");
        let deep = format!("{}a{}", "( ".repeat(1_000_000), " )".repeat(1_000_000));
        assert_eq!(strip_parens(&deep), "a");
    }

    #[test]
    fn include_clause() {
        assert!(has_include("UNIQUE (a) INCLUDE (b)"));
        assert!(!has_include("UNIQUE (included)"));
    }
}
