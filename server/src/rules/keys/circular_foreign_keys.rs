//! ## What it does
//! Reports cycles of two or more tables that reference each other through foreign keys that
//! are all `NOT NULL` and none `DEFERRABLE`. Each foreign key of a cycle is reported once,
//! and the message names the whole cycle. Self-references (trees) and cycles with a nullable
//! or deferrable foreign key are not reported: those can be filled in.
//!
//! ## Why is this bad?
//! Every row of each table needs an existing row of the next one, so no table can get its
//! first row: every insert fails its foreign-key check. The cycle only works with triggers
//! disabled or constraints dropped, and the same problem returns on restore and in tests.
//!
//! ## Example
//! ```sql
//! CREATE TABLE teams (
//!     id bigint PRIMARY KEY,
//!     owner_id bigint NOT NULL
//! );
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     team_id bigint NOT NULL REFERENCES teams (id)
//! );
//! ALTER TABLE teams ADD FOREIGN KEY (owner_id) REFERENCES users (id);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE teams (
//!     id bigint PRIMARY KEY,
//!     owner_id bigint NOT NULL
//! );
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     team_id bigint NOT NULL REFERENCES teams (id)
//! );
//! ALTER TABLE teams ADD FOREIGN KEY (owner_id) REFERENCES users (id)
//!     DEFERRABLE INITIALLY DEFERRED;
//! ```
//!
//! ## Fix safety
//! No automatic fix: which key becomes nullable or deferred is a design decision.
//!
//! ## Options
//! None.

use std::collections::{HashMap, VecDeque};

use crate::config::Level;
use crate::model::{Constraint, Model, Table, TableId};
use crate::rules::common::{foreign_key_loc, table_label};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "circular-foreign-keys",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

/// A foreign key that forces its referenced row to exist before the referencing one.
struct Edge<'a> {
    table: &'a Table,
    fk: &'a Constraint,
    to: TableId,
}

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let edges = blocking_edges(cx.model);
    // Indexed by table id: this rule runs on every edit, over every foreign key.
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); cx.model.tables.len()];
    for (index, edge) in edges.iter().enumerate() {
        outgoing[slot(edge.table.id)].push(index);
    }
    // Only an edge inside a strongly connected component closes a cycle: a search per edge
    // elsewhere would make a long chain of foreign keys quadratic.
    let component = components(&edges, &outgoing);
    for (index, edge) in edges.iter().enumerate() {
        if component[slot(edge.to)] != component[slot(edge.table.id)] {
            continue;
        }
        let Some(path) = shortest_path(&edges, &outgoing, edge.to, edge.table.id) else {
            continue;
        };
        let cycle: Vec<usize> = std::iter::once(index).chain(path).collect();
        let at = foreign_key_loc(edge.table, edge.fk);
        let mut names: Vec<String> = cycle
            .iter()
            .map(|&e| format!("`{}`", table_label(cx, edges[e].table, at)))
            .collect();
        names.push(names[0].clone());
        let message = format!(
            "circular NOT NULL foreign keys {}: no row can be inserted first; make one of these foreign keys nullable or DEFERRABLE INITIALLY DEFERRED",
            names.join(" → ")
        );
        let mut diagnostic = Diagnostic::new(foreign_key_loc(edge.table, edge.fk), message);
        for &other in &cycle[1..] {
            let other = &edges[other];
            let at = foreign_key_loc(other.table, other.fk);
            let label = format!(
                "`{}` → `{}`",
                table_label(cx, other.table, at),
                table_label(cx, cx.model.table(other.to), at)
            );
            diagnostic = diagnostic.with_related(foreign_key_loc(other.table, other.fk), label);
        }
        out.push(diagnostic);
    }
}

/// Foreign keys between two different live tables whose columns are all NOT NULL and that
/// are checked immediately.
fn blocking_edges(model: &Model) -> Vec<Edge<'_>> {
    let mut edges = Vec::new();
    for table in model.live_tables() {
        for fk in table.foreign_keys() {
            let Some(to) = fk
                .target
                .filter(|&to| to != table.id && !model.table(to).dropped)
            else {
                continue;
            };
            let crate::lower::ConstraintKind::ForeignKey { columns, .. } = fk.kind() else {
                continue;
            };
            let not_null = |c: &crate::lower::Ident| {
                table.column(&c.name).is_some_and(|col| !col.is_nullable())
            };
            if fk.def.value.attributes.deferrable
                || columns.is_empty()
                || !columns.iter().all(not_null)
            {
                continue;
            }
            edges.push(Edge { table, fk, to });
        }
    }
    edges
}

fn slot(table: TableId) -> usize {
    table.0 as usize
}

/// The strongly connected component of each table, by table id (Kosaraju's algorithm, with
/// explicit stacks: the depth of a chain of foreign keys is the input's to choose). Tables
/// without blocking foreign keys have none.
fn components(edges: &[Edge], outgoing: &[Vec<usize>]) -> Vec<Option<usize>> {
    let tables = outgoing.len();
    let mut incoming: Vec<Vec<TableId>> = vec![Vec::new(); tables];
    let mut nodes: Vec<TableId> = Vec::new();
    let mut known = vec![false; tables];
    for edge in edges {
        incoming[slot(edge.to)].push(edge.table.id);
        for node in [edge.table.id, edge.to] {
            if !std::mem::replace(&mut known[slot(node)], true) {
                nodes.push(node);
            }
        }
    }
    // Nodes in the order their depth-first searches finish.
    let mut finished: Vec<TableId> = Vec::with_capacity(nodes.len());
    let mut visited = vec![false; tables];
    for &start in &nodes {
        if std::mem::replace(&mut visited[slot(start)], true) {
            continue;
        }
        let mut stack: Vec<(TableId, usize)> = vec![(start, 0)];
        while let Some((node, next)) = stack.last_mut() {
            if let Some(&edge) = outgoing[slot(*node)].get(*next) {
                *next += 1;
                let to = edges[edge].to;
                if !std::mem::replace(&mut visited[slot(to)], true) {
                    stack.push((to, 0));
                }
            } else {
                finished.push(*node);
                stack.pop();
            }
        }
    }
    let mut component: Vec<Option<usize>> = vec![None; tables];
    for (id, &start) in finished.iter().rev().enumerate() {
        if component[slot(start)].is_some() {
            continue;
        }
        component[slot(start)] = Some(id);
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &from in &incoming[slot(node)] {
                if component[slot(from)].is_none() {
                    component[slot(from)] = Some(id);
                    stack.push(from);
                }
            }
        }
    }
    component
}

/// The edges of a shortest path from `from` to `to`, by breadth-first search.
fn shortest_path(
    edges: &[Edge],
    outgoing: &[Vec<usize>],
    from: TableId,
    to: TableId,
) -> Option<Vec<usize>> {
    let mut came_by: HashMap<TableId, usize> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = vec![false; outgoing.len()];
    seen[slot(from)] = true;
    while let Some(node) = queue.pop_front() {
        if node == to {
            let mut path = Vec::new();
            let mut at = to;
            while at != from {
                let edge = *came_by.get(&at)?;
                path.push(edge);
                at = edges[edge].table.id;
            }
            path.reverse();
            return Some(path);
        }
        for &index in &outgoing[slot(node)] {
            if !std::mem::replace(&mut seen[slot(edges[index].to)], true) {
                came_by.insert(edges[index].to, index);
                queue.push_back(edges[index].to);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
