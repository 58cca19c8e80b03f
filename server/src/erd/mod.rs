//! Entity-relationship drawings: the relationship graph of a model and its renderers (text boxes
//! for hovers, Mermaid, Graphviz DOT, a self-contained HTML page).
//!
//! Pure functions of the model; no I/O, no LSP types. Names are shown as the schema's author
//! wrote them: Prisma model and field names for Prisma schemas, unquoted SQL names otherwise.

pub mod dot;
pub mod graph;
pub mod hover;
pub mod html;
pub mod mermaid;
pub mod text;

pub use graph::{Edge, Graph, Multiplicity};
pub use hover::{Locations, hover_markdown};

use crate::lower::{ConstraintKind, ReferentialAction, TypeRef};
use crate::model::{Model, QualifiedName, Table, TableId};
use crate::syntax::Language;

/// What one drawing shows: the tables of `graph`, named by `title` when there are several
/// (one per schema source).
pub struct Section<'a> {
    pub title: String,
    pub model: &'a Model,
    pub graph: Graph,
}

/// The name drawings show for a table: the Prisma model name, else `name`, schema-qualified
/// outside `public`.
pub fn table_label(table: &Table) -> String {
    if table.language == Language::Prisma
        && let Some(model) = &table.prisma_name
    {
        return model.clone();
    }
    if table.name.schema == "public" {
        table.name.name.clone()
    } else {
        format!("{}.{}", table.name.schema, table.name.name)
    }
}

/// The name drawings show for a column of `table`: its Prisma field name, else the column name.
pub fn column_label(table: &Table, column: &str) -> String {
    table
        .column(column)
        .and_then(|c| c.prisma_name.clone())
        .unwrap_or_else(|| column.to_string())
}

/// A type as PostgreSQL spells it: `character varying(255)`, `timestamp(3) with time zone`,
/// `public.mood[]`.
pub fn type_text(ty: &TypeRef) -> String {
    let mut text = String::new();
    if let Some(schema) = &ty.schema {
        text.push_str(schema);
        text.push('.');
    }
    text.push_str(&ty.name);
    if !ty.modifiers.is_empty() {
        text.push('(');
        text.push_str(&ty.modifiers.join(","));
        text.push(')');
    }
    match ty.time_zone {
        Some(true) => text.push_str(" with time zone"),
        Some(false) => text.push_str(" without time zone"),
        None => {}
    }
    for _ in 0..ty.array_dims {
        text.push_str("[]");
    }
    text
}

/// The type of a column of `table` as text; empty when unknown.
pub fn column_type(table: &Table, column: &str) -> String {
    table
        .column(column)
        .and_then(|c| c.ty.as_ref())
        .map(|ty| type_text(&ty.value))
        .unwrap_or_default()
}

/// The key markers of a column: `PK` (primary key), `UK` (a unique key outside the primary
/// key), `FK` (a foreign key), in that order.
pub fn key_markers(model: &Model, table: &Table, column: &str) -> Vec<&'static str> {
    let in_key = |wanted: fn(&ConstraintKind) -> bool| {
        table
            .constraints
            .iter()
            .any(|c| wanted(c.kind()) && c.columns().contains(&column))
    };
    let primary = in_key(|k| matches!(k, ConstraintKind::PrimaryKey { .. }));
    let unique = !primary
        && (in_key(|k| matches!(k, ConstraintKind::Unique { .. }))
            || model.indexes_of(table.id).any(|index| {
                index.def.value.unique
                    && index.def.value.predicate.is_none()
                    && index.columns().contains(&Some(column))
            }));
    let foreign = in_key(|k| matches!(k, ConstraintKind::ForeignKey { .. }));
    let mut markers = Vec::new();
    if primary {
        markers.push("PK");
    }
    if unique {
        markers.push("UK");
    }
    if foreign {
        markers.push("FK");
    }
    markers
}

/// The columns of `table` that are keys of `graph`: the primary key and the columns of its
/// foreign keys and referenced keys, in table order (unknown columns last).
pub fn key_columns(table: &Table, graph: &Graph) -> Vec<String> {
    let mut wanted: Vec<String> = table
        .primary_key()
        .map(|pk| pk.columns().into_iter().map(String::from).collect())
        .unwrap_or_default();
    for edge in graph.edges() {
        if edge.from == table.id {
            wanted.extend(edge.from_columns.iter().cloned());
        }
        if edge.to == table.id {
            wanted.extend(edge.to_columns.iter().cloned());
        }
    }
    in_table_order(table, wanted)
}

/// `columns` without duplicates, in the table's column order; names the table lacks come last.
fn in_table_order(table: &Table, mut columns: Vec<String>) -> Vec<String> {
    let position = |name: &str| {
        table
            .columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or(usize::MAX)
    };
    columns.sort_by_key(|name| position(name));
    let mut seen = std::collections::HashSet::new();
    columns.retain(|name| seen.insert(name.clone()));
    columns
}

/// `posts.author_id → users.id, on delete cascade (posts_author_id_fkey)`: a foreign key in
/// words, for tooltips.
pub fn describe(model: &Model, edge: &Edge) -> String {
    let names = |table: &Table, columns: &[String]| {
        columns
            .iter()
            .map(|c| column_label(table, c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (child, parent) = (model.table(edge.from), model.table(edge.to));
    let mut text = format!(
        "{}.{} → {}.{}",
        table_label(child),
        names(child, &edge.from_columns),
        table_label(parent),
        names(parent, &edge.to_columns)
    );
    if let Some(action) = edge.on_delete.and_then(on_delete_text) {
        text.push_str(", on delete ");
        text.push_str(action);
    }
    if let Some(name) = &edge.constraint {
        text.push_str(&format!(" ({name})"));
    }
    text
}

/// What `ON DELETE` does, in the words of the clause; `None` for the default (no action).
pub fn on_delete_text(action: ReferentialAction) -> Option<&'static str> {
    match action {
        ReferentialAction::Cascade => Some("cascade"),
        ReferentialAction::SetNull => Some("set null"),
        ReferentialAction::SetDefault => Some("set default"),
        ReferentialAction::Restrict => Some("restrict"),
        ReferentialAction::NoAction => None,
    }
}

/// The live table a name written by a person refers to: `posts`, `public.posts`, `"Posts"`, a
/// Prisma model name. Unquoted parts fold to lower case as in SQL; an unqualified name is looked
/// up in `public`, then among Prisma models, then in any schema, then as written.
pub fn find_table(model: &Model, written: &str) -> Option<TableId> {
    let parts = split_name(written.trim());
    let found = match parts.as_slice() {
        [schema, name] => model.find_table(&QualifiedName::new(schema, name)),
        [name] => model
            .find_table(&QualifiedName::new("public", name))
            .or_else(|| model.table_by_prisma_name(written.trim()))
            .or_else(|| model.live_tables().find(|t| &t.name.name == name))
            .or_else(|| model.live_tables().find(|t| t.name.name == written.trim())),
        _ => None,
    };
    found.filter(|t| !t.dropped).map(|t| t.id)
}

/// The names [`find_table`] accepts for the live tables, for "did you mean" suggestions.
pub fn table_names(model: &Model) -> impl Iterator<Item = String> + '_ {
    model.live_tables().map(table_label)
}

/// `a.b` split at dots outside double quotes; quoted parts unquoted, the others lower-cased.
fn split_name(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(q) = chars.next() {
                    if q == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            part.push('"');
                        } else {
                            break;
                        }
                    } else {
                        part.push(q);
                    }
                }
            }
            '.' => parts.push(std::mem::take(&mut part)),
            c => part.extend(c.to_lowercase()),
        }
    }
    parts.push(part);
    parts
}

/// `text` cut to `width` characters, ending in `…` when cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
pub(crate) mod tests;
