//! Mermaid `erDiagram`: entities with their attributes and key markers, relationships with
//! crow's-foot cardinalities (`||--o{` for a NOT NULL foreign key, `|o..o{` for a nullable one,
//! `||--o|` for a one-to-one). Names outside Mermaid's plain words are quoted or rewritten.

use std::fmt::Write as _;

use std::collections::HashMap;

use super::graph::{Edge, Graph};
use super::{Section, column_label, column_type, key_columns, key_markers, table_label};
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
    let name = |table: &Table| entity_name(&table_label(table));
    for &id in graph.nodes() {
        for line in entity_lines(
            model,
            graph,
            model.table(id),
            attributes,
            &name(model.table(id)),
        ) {
            let _ = writeln!(out, "    {line}");
        }
    }
    for edge in graph.edges() {
        let (parent, child) = (name(model.table(edge.to)), name(model.table(edge.from)));
        let label = default_label(model, edge);
        let _ = writeln!(out, "    {}", relationship(edge, &parent, &child, &label));
    }
    out
}

/// One `erDiagram` for several sections (schema sources): each section's entities and
/// relationships after a `%%` comment with its title. A table name that several sections
/// draw is followed by the section's title, so that each section keeps its own entities.
pub fn render_sections(sections: &[Section], attributes: Attributes) -> String {
    if let [section] = sections {
        return render(section.model, &section.graph, attributes);
    }
    let mut count: HashMap<String, usize> = HashMap::new();
    for section in sections {
        for &id in section.graph.nodes() {
            *count
                .entry(table_label(section.model.table(id)))
                .or_default() += 1;
        }
    }
    let mut out = String::from("erDiagram\n");
    for section in sections {
        let title = section.title.replace(['\n', '\r'], " ");
        let _ = writeln!(out, "    %% {title}");
        let (model, graph) = (section.model, &section.graph);
        let name = |table: &Table| {
            let label = table_label(table);
            if count.get(&label).is_some_and(|n| *n > 1) {
                entity_name(&format!("{label} ({title})"))
            } else {
                entity_name(&label)
            }
        };
        for &id in graph.nodes() {
            for line in entity_lines(
                model,
                graph,
                model.table(id),
                attributes,
                &name(model.table(id)),
            ) {
                let _ = writeln!(out, "    {line}");
            }
        }
        for edge in graph.edges() {
            let (parent, child) = (name(model.table(edge.to)), name(model.table(edge.from)));
            let label = default_label(model, edge);
            let _ = writeln!(out, "    {}", relationship(edge, &parent, &child, &label));
        }
    }
    out
}

/// The lines of one entity named `name` (as Mermaid writes it), without indentation: a block
/// with its attributes, or the bare name when it shows none.
pub(crate) fn entity_lines(
    model: &Model,
    graph: &Graph,
    table: &Table,
    attributes: Attributes,
    name: &str,
) -> Vec<String> {
    let columns: Vec<String> = match attributes {
        Attributes::All => table.columns.iter().map(|c| c.name.clone()).collect(),
        Attributes::Keys => key_columns(table, graph),
    };
    if columns.is_empty() {
        return vec![name.to_string()];
    }
    let mut lines = vec![format!("{name} {{")];
    lines.extend(
        columns
            .iter()
            .map(|column| format!("    {}", attribute(model, table, column))),
    );
    lines.push("}".to_string());
    lines
}

/// `ty name PK, FK "comment"`: one attribute line without indentation.
pub(crate) fn attribute(model: &Model, table: &Table, column: &str) -> String {
    let mut line = format!(
        "{} {}",
        attribute_type(table, column),
        word(&column_label(table, column))
    );
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

/// The type of a column as an attribute writes it; `unknown` when the model does not know it.
pub(crate) fn attribute_type(table: &Table, column: &str) -> String {
    let ty = column_type(table, column);
    if ty.is_empty() {
        "unknown".to_string()
    } else {
        word(&ty)
    }
}

/// The cardinalities and line of a foreign key, referenced table on the left: `||` for a NOT
/// NULL key, `|o` for a nullable one; `o|` for a unique key, `o{` otherwise; `--` when the key
/// is part of the primary key, `..` otherwise.
pub(crate) fn ends(edge: &Edge) -> (&'static str, &'static str, &'static str) {
    let parent_end = if edge.optional { "|o" } else { "||" };
    let child_end = if edge.unique { "o|" } else { "o{" };
    let line = if edge.identifying { "--" } else { ".." };
    (parent_end, line, child_end)
}

/// The label `ddlint erd` writes on a relationship: the referencing columns.
pub(crate) fn default_label(model: &Model, edge: &Edge) -> String {
    let child = model.table(edge.from);
    edge.from_columns
        .iter()
        .map(|c| column_label(child, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `parent ||--o{ child : "label"`: the referenced table on the left, names as Mermaid writes
/// them.
pub(crate) fn relationship(edge: &Edge, parent: &str, child: &str, label: &str) -> String {
    let (parent_end, line, child_end) = ends(edge);
    format!(
        "{parent} {parent_end}{line}{child_end} {child} : \"{}\"",
        quoted_text(label, 80),
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
pub(crate) fn entity_name(name: &str) -> String {
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
pub(crate) fn word(text: &str) -> String {
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
