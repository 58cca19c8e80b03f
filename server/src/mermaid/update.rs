//! "Update the ERD from the schema": the diagram `ddlint erd` draws, in the author's order and
//! with the author's relationship labels.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::ErDiagram;
use super::drift::{Match, Names, match_relationships};
use crate::erd::mermaid::{Attributes, default_label, entity_lines, entity_name, relationship};
use crate::erd::{Graph, table_label};
use crate::model::{Model, Table, TableId};

/// The new content of `diagram`'s block: every live table of `model` with all its columns and
/// every foreign key, as `ddlint erd --format mermaid` writes them. Entities the diagram draws
/// come first in its order, then the others in creation order; relationships the diagram draws
/// keep their order and labels. What precedes the `erDiagram` keyword (front matter, an init
/// directive), the `direction` statement and the indentation of the `erDiagram` line (a block in
/// a list item) are kept.
pub fn update(diagram: &ErDiagram, model: &Model) -> String {
    let graph = Graph::new(model);
    let names = Names::new(model);
    let tables: Vec<Option<TableId>> = diagram.entities.iter().map(|e| names.resolve(e)).collect();
    let drawn: HashSet<TableId> = tables.iter().flatten().copied().collect();
    let table_of = |name: &str| {
        diagram
            .entities
            .iter()
            .position(|e| e.name.text == name)
            .and_then(|at| tables[at])
    };
    let matched = match_relationships(diagram, &graph, &drawn, &table_of);

    let mut order: Vec<TableId> = Vec::new();
    for &id in tables.iter().flatten().chain(graph.nodes()) {
        if !order.contains(&id) {
            order.push(id);
        }
    }
    let mut edges: Vec<(usize, Option<String>)> = Vec::new();
    for (relationship, found) in diagram.relationships.iter().zip(&matched) {
        if let Some(Match::Edge(edge)) = found {
            edges.push((*edge, relationship.label.as_ref().map(|l| l.text.clone())));
        }
    }
    for edge in 0..graph.edges().len() {
        if !edges.iter().any(|(e, _)| *e == edge) {
            edges.push((edge, None));
        }
    }

    let mut kept = "";
    let mut margin = "";
    if let Some(header) = diagram.header {
        let start = (header.start().saturating_sub(diagram.base) as usize).min(diagram.text.len());
        let line_start = diagram.text[..start].rfind('\n').map_or(0, |at| at + 1);
        kept = &diagram.text[..line_start];
        margin = &diagram.text[line_start..start];
    }
    let mut out = String::from("erDiagram\n");
    if let Some(direction) = diagram.direction {
        let _ = writeln!(out, "    {}", diagram.slice(direction).trim());
    }
    let name = |table: &Table| entity_name(&table_label(table));
    for id in order {
        let table = model.table(id);
        for line in entity_lines(model, &graph, table, Attributes::All, &name(table)) {
            let _ = writeln!(out, "    {line}");
        }
    }
    for (edge, label) in edges {
        let edge = &graph.edges()[edge];
        let label = label.unwrap_or_else(|| default_label(model, edge));
        let (parent, child) = (name(model.table(edge.to)), name(model.table(edge.from)));
        let _ = writeln!(out, "    {}", relationship(edge, &parent, &child, &label));
    }
    // A block in a list item is indented as a whole: so is its new content.
    if !margin.is_empty() && margin.chars().all(|c| c == ' ' || c == '\t') {
        out = out
            .lines()
            .map(|line| format!("{margin}{line}\n"))
            .collect();
    }
    out.insert_str(0, kept);
    if diagram.text.contains("\r\n") {
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    out
}
