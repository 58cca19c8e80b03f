//! The relationship graph of a model: live tables as nodes, resolved foreign keys as edges from
//! the referencing table to the referenced one.

use std::collections::{BTreeSet, HashSet, VecDeque};

use crate::lower::{ConstraintKind, ReferentialAction};
use crate::model::{Constraint, Model, Table, TableId};

/// A foreign key between two tables of the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The referencing table (the one with the foreign key).
    pub from: TableId,
    pub from_columns: Vec<String>,
    /// The referenced table.
    pub to: TableId,
    pub to_columns: Vec<String>,
    /// A referencing column is nullable: a row may reference nothing.
    pub optional: bool,
    /// The referencing columns are unique: at most one row references each target row.
    pub unique: bool,
    /// The referencing columns are part of the referencing table's primary key.
    pub identifying: bool,
    /// `ON DELETE`, when written.
    pub on_delete: Option<ReferentialAction>,
    /// The constraint's name, when the model knows it.
    pub constraint: Option<String>,
}

/// How many rows one end of a relationship stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Multiplicity {
    One,
    ZeroOrOne,
    Many,
}

impl Multiplicity {
    /// The label drawn at a line's end.
    pub fn label(self) -> &'static str {
        match self {
            Multiplicity::One => "1",
            Multiplicity::ZeroOrOne => "0..1",
            Multiplicity::Many => "*",
        }
    }
}

impl Edge {
    pub fn is_self_reference(&self) -> bool {
        self.from == self.to
    }

    /// The referenced end: `1` for a NOT NULL key, `0..1` for a nullable one.
    pub fn referenced_end(&self) -> Multiplicity {
        if self.optional {
            Multiplicity::ZeroOrOne
        } else {
            Multiplicity::One
        }
    }

    /// The referencing end as drawn in text: `1` for a one-to-one key, `*` otherwise.
    pub fn referencing_end(&self) -> Multiplicity {
        if self.unique {
            Multiplicity::One
        } else {
            Multiplicity::Many
        }
    }

    /// The other table of the edge, seen from `table`.
    pub fn other(&self, table: TableId) -> TableId {
        if self.from == table {
            self.to
        } else {
            self.from
        }
    }
}

/// Tables and the foreign keys between them.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<TableId>,
    edges: Vec<Edge>,
}

impl Graph {
    /// Every live table and every foreign key whose target is a live table.
    pub fn new(model: &Model) -> Graph {
        let nodes: Vec<TableId> = model.live_tables().map(|t| t.id).collect();
        let edges = model
            .live_tables()
            .flat_map(|table| {
                table
                    .foreign_keys()
                    .filter_map(move |fk| edge(model, table, fk))
            })
            .collect();
        Graph { nodes, edges }
    }

    /// `center`, the tables it references and the tables referencing it, with the foreign keys
    /// between `center` and them (cheaper than the whole graph for one table).
    pub fn around(model: &Model, center: TableId) -> Graph {
        let table = model.table(center);
        if table.dropped {
            return Graph::default();
        }
        let mut edges: Vec<Edge> = table
            .foreign_keys()
            .filter_map(|fk| edge(model, table, fk))
            .collect();
        for other in model.live_tables().filter(|t| t.id != center) {
            let incoming = other.foreign_keys().filter(|fk| fk.target == Some(center));
            edges.extend(incoming.filter_map(|fk| edge(model, other, fk)));
        }
        let mut nodes = vec![center];
        for edge in &edges {
            for id in [edge.from, edge.to] {
                if !nodes.contains(&id) {
                    nodes.push(id);
                }
            }
        }
        Graph { nodes, edges }
    }

    /// Tables in creation order.
    pub fn nodes(&self) -> &[TableId] {
        &self.nodes
    }

    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    pub fn contains(&self, table: TableId) -> bool {
        self.nodes.contains(&table)
    }

    /// The foreign keys of `table` (self-references included).
    pub fn references(&self, table: TableId) -> impl Iterator<Item = &Edge> {
        self.edges.iter().filter(move |e| e.from == table)
    }

    /// The foreign keys that point at `table` (self-references included).
    pub fn referenced_by(&self, table: TableId) -> impl Iterator<Item = &Edge> {
        self.edges.iter().filter(move |e| e.to == table)
    }

    /// The tables at most `depth` foreign keys away from `center` in either direction, with the
    /// foreign keys between them.
    pub fn neighbourhood(&self, center: TableId, depth: usize) -> Graph {
        if !self.contains(center) {
            return Graph::default();
        }
        let mut reached: HashSet<TableId> = HashSet::from([center]);
        let mut queue = VecDeque::from([(center, 0)]);
        while let Some((table, distance)) = queue.pop_front() {
            if distance == depth {
                continue;
            }
            for edge in self
                .edges
                .iter()
                .filter(|e| e.from == table || e.to == table)
            {
                let next = edge.other(table);
                if reached.insert(next) {
                    queue.push_back((next, distance + 1));
                }
            }
        }
        self.restrict(|table| reached.contains(&table))
    }

    /// The tables `keep` accepts, with the foreign keys between them.
    pub fn restrict(&self, keep: impl Fn(TableId) -> bool) -> Graph {
        let nodes: Vec<TableId> = self.nodes.iter().copied().filter(|t| keep(*t)).collect();
        let edges = self
            .edges
            .iter()
            .filter(|e| keep(e.from) && keep(e.to))
            .cloned()
            .collect();
        Graph { nodes, edges }
    }
}

/// The edge of a foreign key of `table`, when its target is a live table.
fn edge(model: &Model, table: &Table, fk: &Constraint) -> Option<Edge> {
    let target = fk.target.filter(|t| !model.table(*t).dropped)?;
    let ConstraintKind::ForeignKey {
        columns,
        references,
    } = fk.kind()
    else {
        return None;
    };
    let from_columns: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    // A column the model does not know may be nullable; claim no more than is known.
    let optional = from_columns
        .iter()
        .any(|name| table.column(name).is_none_or(|c| c.is_nullable()));
    let primary_key: Option<BTreeSet<&str>> = table
        .primary_key()
        .map(|pk| pk.columns().into_iter().collect());
    let identifying = primary_key.as_ref().is_some_and(|pk| {
        !from_columns.is_empty() && from_columns.iter().all(|c| pk.contains(c.as_str()))
    });
    Some(Edge {
        from: table.id,
        unique: is_unique(model, table, &from_columns),
        identifying,
        from_columns,
        to: target,
        to_columns: model.referenced_columns(fk),
        optional,
        on_delete: references.on_delete.map(|(action, _)| action),
        constraint: fk.name().map(String::from),
    })
}

/// Whether a primary key, unique constraint or plain unique index covers only `columns`: then
/// their values are unique too.
fn is_unique(model: &Model, table: &Table, columns: &[String]) -> bool {
    let covered =
        |key: &[&str]| !key.is_empty() && key.iter().all(|k| columns.iter().any(|c| c == k));
    let by_constraint = table.constraints.iter().any(|c| {
        matches!(
            c.kind(),
            ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. }
        ) && covered(&c.columns())
    });
    by_constraint
        || model.indexes_of(table.id).any(|index| {
            let value = &index.def.value;
            if !value.unique || value.predicate.is_some() {
                return false;
            }
            let key: Option<Vec<&str>> = index.columns().into_iter().collect();
            key.is_some_and(|key| covered(&key))
        })
}
