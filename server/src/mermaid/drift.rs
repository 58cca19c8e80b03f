//! Where a diagram and the schema disagree. The checks accept exactly what `ddlint erd` writes
//! (see `erd::mermaid`), so a generated diagram has no drift, and are lenient where a hand-drawn
//! diagram is only less precise than the schema: types without modifiers or in Mermaid's generic
//! words, a table name in another case or number, "one or more" where the schema says "zero or
//! more".

use std::collections::{HashMap, HashSet};

use super::{Card, Cardinality, Entity, ErDiagram, Relationship};
use crate::erd::mermaid::{
    self as render, Attributes, attribute, attribute_type, default_label, entity_lines,
    entity_name, word,
};
use crate::erd::{Edge, Graph, column_label, describe, table_label};
use crate::model::{Model, Table, TableId};
use crate::text::TextRange;

/// A disagreement between a diagram and the schema, at the diagram token it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    pub kind: DriftKind,
    pub range: TextRange,
    pub message: String,
    /// The fix's title and its replacements in the document.
    pub fix: Option<(String, Vec<(TextRange, String)>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DriftKind {
    /// An entity names no table (at its first mention).
    EntityWithoutTable,
    /// A table has no entity (at the `erDiagram` keyword).
    TableWithoutEntity,
    /// An attribute names no column of its table (at the attribute's name).
    AttributeWithoutColumn,
    /// An attribute's type is not the column's (at the type).
    TypeMismatch,
    /// A relationship has no foreign key behind it (at its cardinalities).
    RelationshipWithoutForeignKey,
    /// A foreign key between two drawn tables has no relationship (at the referencing entity).
    ForeignKeyWithoutRelationship,
    /// A cardinality contradicts the foreign key's constraints (at the cardinality).
    Cardinality,
}

/// The drift between `diagram` and the live tables of `model`.
pub fn drift(diagram: &ErDiagram, model: &Model) -> Vec<Drift> {
    let graph = Graph::new(model);
    let names = Names::new(model);
    let tables: Vec<Option<TableId>> = diagram.entities.iter().map(|e| names.resolve(e)).collect();
    let mut out = Vec::new();
    let drawn: HashSet<TableId> = tables.iter().flatten().copied().collect();
    // Tables the diagram stands for without drawing them: no need to ask for their entities.
    let mut accounted = drawn.clone();
    for (entity, table) in diagram.entities.iter().zip(&tables) {
        match table {
            None => {
                let (found, target) = entity_without_table(model, &drawn, entity);
                accounted.extend(target);
                out.push(found);
            }
            Some(table) => attributes(diagram, model.table(*table), entity, &mut out),
        }
    }
    let table_of = |name: &str| {
        diagram
            .entities
            .iter()
            .position(|e| e.name.text == name)
            .and_then(|at| tables[at])
    };
    let matched = match_relationships(diagram, &graph, &drawn, &table_of);
    for (relationship, edge) in diagram.relationships.iter().zip(&matched) {
        match edge {
            Some(Match::Edge(edge)) => cardinalities(
                model,
                relationship,
                &graph.edges()[*edge],
                &table_of,
                &mut out,
            ),
            Some(Match::Junction(_)) => {}
            None => {
                let (Some(left), Some(right)) = (
                    table_of(&relationship.left.text),
                    table_of(&relationship.right.text),
                ) else {
                    continue;
                };
                out.push(Drift {
                    kind: DriftKind::RelationshipWithoutForeignKey,
                    range: relationship.symbol_range(),
                    message: format!(
                        "no foreign key between `{}` and `{}` stands behind this relationship",
                        table_label(model.table(left)),
                        table_label(model.table(right))
                    ),
                    fix: Some((
                        "Remove the relationship".to_string(),
                        vec![(diagram.removal(relationship.range), String::new())],
                    )),
                });
            }
        }
    }
    let entity_of = |table: TableId| {
        diagram
            .entities
            .iter()
            .zip(&tables)
            .find(|(_, t)| **t == Some(table))
            .map(|(e, _)| e)
    };
    for (index, edge) in graph.edges().iter().enumerate() {
        let (Some(child), Some(parent)) = (entity_of(edge.from), entity_of(edge.to)) else {
            continue;
        };
        if matched.contains(&Some(Match::Edge(index))) {
            continue;
        }
        let line = render::relationship(
            edge,
            &written_name(diagram, parent),
            &written_name(diagram, child),
            &default_label(model, edge),
        );
        out.push(Drift {
            kind: DriftKind::ForeignKeyWithoutRelationship,
            range: child.name.range,
            message: format!(
                "foreign key {} has no relationship in the diagram",
                describe(model, edge)
            ),
            fix: Some((
                "Add the relationship".to_string(),
                relationship_edits(diagram, model, edge, child, line),
            )),
        });
    }
    accounted.extend(matched.iter().filter_map(|m| match m {
        Some(Match::Junction(table)) => Some(*table),
        _ => None,
    }));
    missing_tables(
        diagram, model, &graph, &drawn, &accounted, &entity_of, &mut out,
    );
    out.sort_by_key(|d| (d.range.start(), d.range.end()));
    out
}

/// The relationship line appended, and when the referencing entity lists attributes, the
/// referencing columns it lacks added to it.
fn relationship_edits(
    diagram: &ErDiagram,
    model: &Model,
    edge: &Edge,
    child: &Entity,
    line: String,
) -> Vec<(TextRange, String)> {
    let table = model.table(edge.from);
    let mut edits: Vec<(TextRange, String)> =
        edge.from_columns
            .iter()
            .filter(|column| {
                !child.attributes.is_empty()
                    && !child.attributes.iter().any(|a| {
                        find_column(table, &a.name.text).as_deref() == Some(column.as_str())
                    })
            })
            .filter_map(|column| diagram.add_attribute(child, &attribute(model, table, column)))
            .collect();
    edits.push(diagram.append(&[line]));
    edits
}

/// The name of an entity as the diagram writes it (quotes included).
fn written_name(diagram: &ErDiagram, entity: &Entity) -> String {
    diagram.slice(entity.name.range).to_string()
}

/// The drift, and the table a rename would make of the entity.
fn entity_without_table(
    model: &Model,
    drawn: &HashSet<TableId>,
    entity: &Entity,
) -> (Drift, Option<TableId>) {
    let shown = entity.alias.as_ref().unwrap_or(&entity.name);
    let candidates: Vec<(String, TableId)> = model
        .live_tables()
        .filter(|t| !drawn.contains(&t.id))
        .map(|t| (table_label(t), t.id))
        .collect();
    let written = Names::normal(&shown.text);
    let closest = crate::suggest::closest(
        &written,
        candidates.iter().map(|(label, _)| label.as_str()),
        typo_distance(&written),
    );
    let target = closest
        .and_then(|label| candidates.iter().find(|(l, _)| l == label))
        .map(|(_, id)| *id);
    let mut message = format!("entity `{}` has no table in the schema", entity.name.text);
    let fix = closest.map(|label| {
        message.push_str(&format!("; did you mean `{label}`?"));
        let new = entity_name(label);
        (
            format!("Rename to `{label}`"),
            entity
                .mentions
                .iter()
                .map(|range| (*range, new.clone()))
                .collect(),
        )
    });
    let found = Drift {
        kind: DriftKind::EntityWithoutTable,
        range: entity.name.range,
        message,
        fix,
    };
    (found, target)
}

fn attributes(diagram: &ErDiagram, table: &Table, entity: &Entity, out: &mut Vec<Drift>) {
    let label = table_label(table);
    for attr in &entity.attributes {
        let Some(column) = find_column(table, &attr.name.text) else {
            if table.columns_incomplete {
                continue;
            }
            let listed: HashSet<String> = entity
                .attributes
                .iter()
                .filter_map(|a| find_column(table, &a.name.text))
                .collect();
            let unlisted: Vec<String> = table
                .columns
                .iter()
                .filter(|c| !listed.contains(&c.name))
                .map(|c| column_label(table, &c.name))
                .collect();
            let closest = crate::suggest::closest(
                &attr.name.text,
                unlisted.iter().map(String::as_str),
                typo_distance(&attr.name.text),
            );
            let mut message = format!(
                "attribute `{}` of `{}` has no column in table `{label}`",
                attr.name.text, entity.name.text
            );
            let fix = match closest {
                Some(column) => {
                    message.push_str(&format!("; did you mean `{column}`?"));
                    (
                        format!("Rename to `{column}`"),
                        vec![(attr.name.range, word(column))],
                    )
                }
                None => (
                    format!("Remove attribute `{}`", attr.name.text),
                    vec![(diagram.removal(attr.range), String::new())],
                ),
            };
            out.push(Drift {
                kind: DriftKind::AttributeWithoutColumn,
                range: attr.name.range,
                message,
                fix: Some(fix),
            });
            continue;
        };
        let Some(ty) = table.column(&column).and_then(|c| c.ty.as_ref()) else {
            continue;
        };
        let expected = attribute_type(table, &column);
        if same_type(&attr.ty.text, ty.value.builtin, &expected) {
            continue;
        }
        out.push(Drift {
            kind: DriftKind::TypeMismatch,
            range: attr.ty.range,
            message: format!(
                "attribute `{}` is `{}` in the diagram but `{}` in table `{label}`",
                attr.name.text,
                attr.ty.text,
                crate::erd::type_text(&ty.value)
            ),
            fix: Some((
                format!("Change the type to `{expected}`"),
                vec![(attr.ty.range, expected)],
            )),
        });
    }
}

/// How many edits a name may be from another to be its typo: one in a short name, more in
/// longer ones.
fn typo_distance(name: &str) -> usize {
    match name.chars().count() {
        0..=4 => 1,
        5..=7 => 2,
        _ => 3,
    }
}

/// The column an attribute names: by name, Prisma field name or the renderer's spelling of
/// either, ignoring case.
fn find_column(table: &Table, written: &str) -> Option<String> {
    let written = written.to_lowercase();
    table
        .columns
        .iter()
        .find(|c| {
            let label = column_label(table, &c.name);
            [c.name.clone(), word(&label), label]
                .iter()
                .any(|name| name.to_lowercase() == written)
        })
        .map(|c| c.name.clone())
}

/// Whether a diagram type agrees with a column's: the same built-in type once spelled alike
/// (`int` = `integer` = `int4`, `varchar` = `character_varying(255)`), the same name otherwise
/// (schema and modifiers aside), or a generic word of the same family (`string` for any text).
fn same_type(written: &str, builtin: Option<&str>, rendered: &str) -> bool {
    let written = normalise(written);
    let column = normalise(rendered);
    if written.0 == column.0 && written.1 == column.1 {
        return true;
    }
    if written.1 != column.1 && written.1 > 0 {
        return false;
    }
    let family = builtin.map(family).unwrap_or("");
    match written.0.as_str() {
        "string" | "str" => family == "text",
        "number" => family == "int" || family == "number",
        "double" => family == "number",
        "long" => column.0 == "int8",
        "datetime" => family == "timestamp",
        "enum" => builtin.is_none(),
        "unknown" => true,
        _ => false,
    }
}

fn family(builtin: &str) -> &'static str {
    match builtin {
        "int2" | "int4" | "int8" => "int",
        "numeric" | "float4" | "float8" | "money" => "number",
        "text" | "varchar" | "bpchar" | "citext" | "name" => "text",
        "timestamp" | "timestamptz" => "timestamp",
        _ => "",
    }
}

/// A type as its built-in typname (or lower-cased name without schema) and array dimensions.
fn normalise(ty: &str) -> (String, usize) {
    let lower = ty.trim().trim_start_matches('*').to_lowercase();
    let mut spelling = String::new();
    let mut depth = 0;
    for c in lower.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth > 0 => {}
            '_' | '-' => spelling.push(' '),
            c => spelling.push(c),
        }
    }
    let dims = spelling.matches("[]").count();
    let spelling = spelling.replace("[]", "");
    let spelling = spelling.split_whitespace().collect::<Vec<_>>().join(" ");
    let spelling = match spelling.rsplit_once('.') {
        Some((_, name)) => name.to_string(),
        None => spelling,
    };
    let spelling = spelling.trim_start_matches(' ').to_string();
    let typname = crate::catalog::types::builtin_type(&spelling)
        .map_or(spelling, |name| name.trim_start_matches('_').to_string());
    (typname, dims)
}

/// What a relationship of the diagram stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Match {
    /// This foreign key of the graph.
    Edge(usize),
    /// A many-to-many relationship through this table, which has foreign keys to both ends and
    /// is not drawn.
    Junction(TableId),
}

/// Whether a foreign key may stand behind a relationship, in one pass of the matching.
type Pass<'a> = dyn Fn(&Relationship, &Edge) -> bool + 'a;

/// The foreign key behind each relationship, among the keys between its two tables: first the
/// keys the labels name (`author` for `author_id`), then keys the cardinalities agree with,
/// then any, each key taken once, relationships in order within each pass.
pub(super) fn match_relationships(
    diagram: &ErDiagram,
    graph: &Graph,
    drawn: &HashSet<TableId>,
    table_of: &dyn Fn(&str) -> Option<TableId>,
) -> Vec<Option<Match>> {
    let ends: Vec<Option<(TableId, TableId)>> = diagram
        .relationships
        .iter()
        .map(|r| Some((table_of(&r.left.text)?, table_of(&r.right.text)?)))
        .collect();
    let named = |relationship: &Relationship, edge: &Edge| {
        let label = relationship
            .label
            .as_ref()
            .map(|l| l.text.to_lowercase())
            .unwrap_or_default();
        !label.is_empty()
            && edge.from_columns.iter().all(|c| {
                let c = c.to_lowercase();
                let stem = c.trim_end_matches("_id");
                label.contains(&c) || (!stem.is_empty() && label.contains(stem))
            })
    };
    let agrees = |relationship: &Relationship, edge: &Edge| {
        let parent_left = parent_on_left(edge, relationship, table_of);
        expected_ends(edge, relationship, parent_left)
            .iter()
            .all(|(card, ok, _)| ok.contains(&card.kind))
    };
    let passes: [&Pass<'_>; 3] = [&named, &agrees, &|_, _| true];
    let mut matched: Vec<Option<Match>> = vec![None; diagram.relationships.len()];
    let mut taken = HashSet::new();
    for pass in passes {
        for (at, relationship) in diagram.relationships.iter().enumerate() {
            let Some((left, right)) = ends[at] else {
                continue;
            };
            if matched[at].is_some() {
                continue;
            }
            let found = graph.edges().iter().enumerate().find(|(i, e)| {
                !taken.contains(i)
                    && ((e.from == left && e.to == right) || (e.from == right && e.to == left))
                    && pass(relationship, e)
            });
            if let Some((edge, _)) = found {
                taken.insert(edge);
                matched[at] = Some(Match::Edge(edge));
            }
        }
    }
    for (at, relationship) in diagram.relationships.iter().enumerate() {
        let Some((left, right)) = ends[at] else {
            continue;
        };
        if matched[at].is_some() {
            continue;
        }
        let many = relationship.left_card.kind.is_many() && relationship.right_card.kind.is_many();
        let junction = graph.nodes().iter().copied().find(|&middle| {
            many && !drawn.contains(&middle)
                && graph.references(middle).any(|e| e.to == left)
                && graph.references(middle).any(|e| e.to == right)
        });
        matched[at] = junction.map(Match::Junction);
    }
    matched
}

/// Whether the referenced table is on the left of `relationship`. A self-reference is read the
/// way `ddlint erd` writes it, referenced end on the left, unless only the other way agrees
/// with the constraints.
fn parent_on_left(
    edge: &Edge,
    relationship: &Relationship,
    table_of: &dyn Fn(&str) -> Option<TableId>,
) -> bool {
    if !edge.is_self_reference() {
        return table_of(&relationship.left.text) == Some(edge.to);
    }
    let fits = |parent_left| {
        expected_ends(edge, relationship, parent_left)
            .iter()
            .all(|(card, ok, _)| ok.contains(&card.kind))
    };
    fits(true) || !fits(false)
}

/// For each end of `relationship` standing for `edge`: the card written, the cardinalities the
/// constraints allow there, and the one `ddlint erd` writes.
fn expected_ends(
    edge: &Edge,
    relationship: &Relationship,
    parent_left: bool,
) -> [(Card, Vec<Cardinality>, Cardinality); 2] {
    let parent = if edge.optional {
        Cardinality::ZeroOrOne
    } else {
        Cardinality::ExactlyOne
    };
    let (child_ok, child) = if edge.unique {
        (
            vec![Cardinality::ZeroOrOne, Cardinality::ExactlyOne],
            Cardinality::ZeroOrOne,
        )
    } else {
        (
            vec![Cardinality::ZeroOrMore, Cardinality::OneOrMore],
            Cardinality::ZeroOrMore,
        )
    };
    let parent_end = (vec![parent], parent);
    let child_end = (child_ok, child);
    let (left, right) = if parent_left {
        (parent_end, child_end)
    } else {
        (child_end, parent_end)
    };
    [
        (relationship.left_card, left.0, left.1),
        (relationship.right_card, right.0, right.1),
    ]
}

fn cardinalities(
    model: &Model,
    relationship: &Relationship,
    edge: &Edge,
    table_of: &dyn Fn(&str) -> Option<TableId>,
    out: &mut Vec<Drift>,
) {
    let parent_left = parent_on_left(edge, relationship, table_of);
    let child = table_label(model.table(edge.from));
    let parent = table_label(model.table(edge.to));
    let columns = edge
        .from_columns
        .iter()
        .map(|c| format!("{child}.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    for (at, (card, ok, expected)) in expected_ends(edge, relationship, parent_left)
        .into_iter()
        .enumerate()
    {
        if ok.contains(&card.kind) {
            continue;
        }
        let left = at == 0;
        let is_parent_end = left == parent_left;
        let written = card.kind.spelling(left, card.words);
        let reason = if is_parent_end {
            match card.kind {
                Cardinality::ZeroOrOne => {
                    format!("a `{child}` row may have no `{parent}`, but {columns} is NOT NULL")
                }
                Cardinality::ExactlyOne => {
                    format!("every `{child}` row has a `{parent}`, but {columns} may be null")
                }
                _ => {
                    format!("a `{child}` row has many `{parent}`, but {columns} references one row")
                }
            }
        } else if card.kind.is_many() {
            format!("a `{parent}` row may have many `{child}`, but {columns} is unique")
        } else {
            format!("a `{parent}` row has at most one `{child}`, but {columns} is not unique")
        };
        let replacement = expected.spelling(left, card.words);
        out.push(Drift {
            kind: DriftKind::Cardinality,
            range: card.range,
            message: format!("`{written}` says {reason}"),
            fix: Some((
                format!("Change to `{replacement}`"),
                vec![(card.range, replacement.to_string())],
            )),
        });
    }
}

/// The tables the diagram leaves out, when it means to show the schema: it lists attributes or
/// draws most tables.
fn missing_tables<'d>(
    diagram: &'d ErDiagram,
    model: &Model,
    graph: &Graph,
    drawn: &HashSet<TableId>,
    accounted: &HashSet<TableId>,
    entity_of: &dyn Fn(TableId) -> Option<&'d Entity>,
    out: &mut Vec<Drift>,
) {
    let live = model.live_tables().count();
    let shows_attributes = diagram.shows_attributes();
    if drawn.is_empty() || !(shows_attributes || drawn.len() * 2 > live) {
        return;
    }
    let range = diagram.header.unwrap_or(TextRange::empty(diagram.base));
    for table in model.live_tables().filter(|t| !accounted.contains(&t.id)) {
        let label = table_label(table);
        let name = entity_name(&label);
        let mut lines = if shows_attributes {
            entity_lines(model, graph, table, Attributes::All, &name)
        } else {
            vec![name.clone()]
        };
        let drawn_name = |id: TableId| {
            if id == table.id {
                Some(name.clone())
            } else {
                entity_of(id).map(|e| written_name(diagram, e))
            }
        };
        for edge in graph.edges() {
            if edge.from != table.id && edge.to != table.id {
                continue;
            }
            let (Some(parent), Some(child)) = (drawn_name(edge.to), drawn_name(edge.from)) else {
                continue;
            };
            lines.push(render::relationship(
                edge,
                &parent,
                &child,
                &default_label(model, edge),
            ));
        }
        out.push(Drift {
            kind: DriftKind::TableWithoutEntity,
            range,
            message: format!("table `{label}` has no entity in the diagram"),
            fix: Some((
                format!("Add entity `{label}`"),
                vec![diagram.append(&lines)],
            )),
        });
    }
}

/// How the diagram's names find tables: the name `ddlint erd` writes, the table name with or
/// without its schema (`public.users`, `public_users`), the Prisma model name, ignoring case and
/// `-` for `_`, then the singular or plural of those.
pub(super) struct Names {
    by_key: HashMap<String, TableId>,
}

impl Names {
    pub(super) fn new(model: &Model) -> Names {
        let mut by_key = HashMap::new();
        for table in model.live_tables() {
            by_key.insert(Names::normal(&table_label(table)), table.id);
        }
        for table in model.live_tables() {
            let name = &table.name;
            let mut keys = vec![
                name.name.clone(),
                format!("{}.{}", name.schema, name.name),
                format!("{}_{}", name.schema, name.name),
            ];
            keys.extend(table.prisma_name.clone());
            for key in keys {
                by_key.entry(Names::normal(&key)).or_insert(table.id);
            }
        }
        Names { by_key }
    }

    fn normal(name: &str) -> String {
        name.trim()
            .trim_matches('"')
            .to_lowercase()
            .replace('-', "_")
    }

    pub(super) fn resolve(&self, entity: &Entity) -> Option<TableId> {
        let written = [Some(&entity.name), entity.alias.as_ref()];
        let keys: Vec<String> = written
            .iter()
            .flatten()
            .map(|t| Names::normal(&t.text))
            .collect();
        keys.iter()
            .find_map(|key| self.by_key.get(key))
            .or_else(|| {
                keys.iter().find_map(|key| {
                    number_variants(key)
                        .iter()
                        .find_map(|variant| self.by_key.get(variant))
                })
            })
            .copied()
    }
}

/// `user` for `users` and `users` for `user`: the other number of an English noun, roughly.
fn number_variants(name: &str) -> Vec<String> {
    let mut variants = vec![format!("{name}s"), format!("{name}es")];
    if let Some(stem) = name.strip_suffix('y') {
        variants.push(format!("{stem}ies"));
    }
    if let Some(stem) = name.strip_suffix("ies") {
        variants.push(format!("{stem}y"));
    }
    if let Some(stem) = name.strip_suffix("es") {
        variants.push(stem.to_string());
    }
    if let Some(stem) = name.strip_suffix('s') {
        variants.push(stem.to_string());
    }
    variants
}
