//! Mermaid `erDiagram`: entities with their attributes and key markers, relationships with
//! crow's-foot cardinalities (`||--o{` for a NOT NULL foreign key, `|o..o{` for a nullable one,
//! `||--o|` for a one-to-one). Names outside Mermaid's plain words are quoted or rewritten.

use std::fmt::Write as _;

use super::graph::{Edge, Graph};
use super::{column_label, column_type, key_columns, key_markers, table_label};
use crate::model::{Model, Table};

/// Which attributes an entity lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attributes {
    /// Every column.
    All,
    /// The primary key and the columns of the relationships in the graph.
    Keys,
}

/// The `erDiagram` of `graph`'s tables and foreign keys.
pub fn render(model: &Model, graph: &Graph, attributes: Attributes) -> String {
    let mut out = String::from("erDiagram\n");
    for &id in graph.nodes() {
        let table = model.table(id);
        let columns: Vec<String> = match attributes {
            Attributes::All => table.columns.iter().map(|c| c.name.clone()).collect(),
            Attributes::Keys => key_columns(table, graph),
        };
        let name = entity_name(&table_label(table));
        if columns.is_empty() {
            let _ = writeln!(out, "    {name}");
            continue;
        }
        let _ = writeln!(out, "    {name} {{");
        for column in &columns {
            let _ = writeln!(out, "        {}", attribute(model, table, column));
        }
        out.push_str("    }\n");
    }
    for edge in graph.edges() {
        let _ = writeln!(out, "    {}", relationship(model, edge));
    }
    out
}

fn attribute(model: &Model, table: &Table, column: &str) -> String {
    let ty = column_type(table, column);
    let ty = if ty.is_empty() {
        "unknown".to_string()
    } else {
        word(&ty)
    };
    let mut line = format!("{ty} {}", word(&column_label(table, column)));
    let markers = key_markers(model, table, column);
    if !markers.is_empty() {
        line.push(' ');
        line.push_str(&markers.join(", "));
    }
    if let Some(comment) = table.column(column).and_then(|c| c.comment.as_deref()) {
        let _ = write!(line, " \"{}\"", quoted_text(comment, 80));
    }
    line
}

/// `parent ||--o{ child : "fk columns"`: the referenced table on the left.
fn relationship(model: &Model, edge: &Edge) -> String {
    let parent = model.table(edge.to);
    let child = model.table(edge.from);
    let parent_end = if edge.optional { "|o" } else { "||" };
    let child_end = if edge.unique { "o|" } else { "o{" };
    let line = if edge.identifying { "--" } else { ".." };
    let columns: Vec<String> = edge
        .from_columns
        .iter()
        .map(|c| column_label(child, c))
        .collect();
    format!(
        "{} {parent_end}{line}{child_end} {} : \"{}\"",
        entity_name(&table_label(parent)),
        entity_name(&table_label(child)),
        quoted_text(&columns.join(", "), 80),
    )
}

/// Words Mermaid reads as syntax when unquoted (it matches them case-insensitively).
const KEYWORDS: &[&str] = &[
    "erdiagram",
    "style",
    "classdef",
    "class",
    "subgraph",
    "end",
    "one",
    "only",
    "many",
    "zero",
    "to",
    "optionally",
    "u",
    "title",
    "acctitle",
    "accdescr",
    "direction",
];

/// An entity name: bare when it is a plain word, else in double quotes (without the characters
/// a quoted name cannot hold).
fn entity_name(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name.to_ascii_lowercase().as_str());
    if plain {
        return name.to_string();
    }
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '"' | '%' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if cleaned.trim().is_empty() {
        "\"_\"".to_string()
    } else {
        format!("\"{cleaned}\"")
    }
}

/// An attribute type or name as one Mermaid word: letters, digits and `_-[](),.`; anything else
/// becomes `_`, and a word that would read as a digit or a key marker gets a leading `_`.
fn word(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            let allowed = c.is_ascii_alphanumeric()
                || matches!(c, '_' | '[' | ']' | '(' | ')' | ',' | '.')
                || c >= '\u{c0}';
            if allowed { c } else { '_' }
        })
        .collect();
    let starts_badly = !out
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c >= '\u{c0}');
    if starts_badly || matches!(out.to_ascii_lowercase().as_str(), "pk" | "fk" | "uk") {
        out.insert(0, '_');
    }
    out
}

/// Text for a double-quoted label or comment: no double quotes or line breaks, at most `width`
/// characters.
fn quoted_text(text: &str, width: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    super::truncate(&flat, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_names_are_plain_or_quoted() {
        assert_eq!(entity_name("users"), "users");
        assert_eq!(entity_name("audit.events"), "\"audit.events\"");
        assert_eq!(entity_name("order items"), "\"order items\"");
        assert_eq!(entity_name("End"), "\"End\"");
        assert_eq!(entity_name("2fa_codes"), "\"2fa_codes\"");
        assert_eq!(entity_name("a\"b%c"), "\"a_b_c\"");
    }

    #[test]
    fn words_keep_type_spellings_readable() {
        assert_eq!(word("character varying(255)"), "character_varying(255)");
        assert_eq!(word("numeric(12,2)"), "numeric(12,2)");
        assert_eq!(word("text[]"), "text[]");
        assert_eq!(word("pk"), "_pk");
        assert_eq!(word("1st"), "_1st");
        assert_eq!(word("a·b"), "a_b");
        assert_eq!(word("größe"), "größe");
    }
}
