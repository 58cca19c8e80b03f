//! Graphviz DOT: one node per table with an HTML-like label (a header row, then one row per
//! column with its type and key markers), one edge per foreign key from the referenced column
//! to the referencing one, with crow's-foot arrows (`teetee` one, `teeodot` zero or one,
//! `crowodot` zero or more). Several sections become clusters of one graph.

use std::fmt::Write as _;

use super::graph::Edge;
use super::{Section, column_label, column_type, key_markers, table_label};
use crate::model::{Model, Table};

/// One `digraph`, laid out left to right: referenced tables before the tables referencing them.
pub fn render(sections: &[Section]) -> String {
    let mut out = String::from("digraph erd {\n");
    out.push_str("    graph [rankdir=LR, nodesep=0.5, ranksep=1.4, fontname=\"Helvetica\"];\n");
    out.push_str("    node [shape=plain, fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("    edge [dir=both, color=\"#4a5568\", arrowsize=0.9];\n");
    let clustered = sections.len() > 1;
    for (index, section) in sections.iter().enumerate() {
        let prefix = if clustered {
            format!("{index}/")
        } else {
            String::new()
        };
        let indent = if clustered { "        " } else { "    " };
        if clustered {
            let _ = writeln!(out, "    subgraph cluster_{index} {{");
            let _ = writeln!(out, "        label=\"{}\";", quoted(&section.title));
        }
        for &id in section.graph.nodes() {
            let table = section.model.table(id);
            let _ = writeln!(
                out,
                "{indent}\"{}\" [label=<{}>];",
                quoted(&node_id(&prefix, table)),
                label(section.model, table)
            );
        }
        for edge in section.graph.edges() {
            let _ = writeln!(out, "{indent}{}", edge_line(section.model, &prefix, edge));
        }
        if clustered {
            out.push_str("    }\n");
        }
    }
    out.push_str("}\n");
    out
}

fn node_id(prefix: &str, table: &Table) -> String {
    format!("{prefix}{}", table_label(table))
}

/// The HTML-like label of a table. Each column row has a port on its first cell (`i<n>`, where
/// referencing lines arrive) and on its last (`o<n>`, where referenced lines leave).
fn label(model: &Model, table: &Table) -> String {
    let mut html =
        String::from("<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">");
    let _ = write!(
        html,
        "<TR><TD COLSPAN=\"3\" BGCOLOR=\"#dbe4f0\"><B>{}</B></TD></TR>",
        escape(&table_label(table))
    );
    for (index, column) in table.columns.iter().enumerate() {
        let markers = key_markers(model, table, &column.name).join(" ");
        let _ = write!(
            html,
            "<TR><TD PORT=\"i{index}\" ALIGN=\"LEFT\">{}</TD><TD ALIGN=\"LEFT\"><FONT COLOR=\"#4a5568\">{}</FONT></TD><TD PORT=\"o{index}\">{}</TD></TR>",
            escape(&column_label(table, &column.name)),
            escape(&column_type(table, &column.name)),
            escape(&markers),
        );
    }
    html.push_str("</TABLE>");
    html
}

/// `"users":o0:e -> "posts":i1:w`, attached to the first column of each side when the model
/// knows it.
fn edge_line(model: &Model, prefix: &str, edge: &Edge) -> String {
    let parent = model.table(edge.to);
    let child = model.table(edge.from);
    let port = |table: &Table, columns: &[String], side: &str, compass: &str| {
        columns
            .first()
            .and_then(|name| table.columns.iter().position(|c| &c.name == name))
            .map(|index| format!(":{side}{index}:{compass}"))
            .unwrap_or_default()
    };
    let tail = if edge.optional { "teeodot" } else { "teetee" };
    let head = if edge.unique { "teeodot" } else { "crowodot" };
    let style = if edge.identifying {
        ""
    } else {
        ", style=dashed"
    };
    format!(
        "\"{}\"{} -> \"{}\"{} [arrowtail={tail}, arrowhead={head}{style}, tooltip=\"{}\"];",
        quoted(&node_id(prefix, parent)),
        port(parent, &edge.to_columns, "o", "e"),
        quoted(&node_id(prefix, child)),
        port(child, &edge.from_columns, "i", "w"),
        quoted(&super::describe(model, edge)),
    )
}

/// Text inside a DOT double-quoted string.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Text inside an HTML-like label.
fn escape(text: &str) -> String {
    super::html::escape(text)
}
