//! CREATE TABLE, columns, constraints, types and ALTER TABLE.

use std::sync::Arc;

use tree_sitter::Node;

use super::{
    AlterAction, AlterTable, AlterTableAction, ColumnDef, Constraint, ConstraintAttributes,
    ConstraintKind, CreateTable, Cx, Ident, Identity, Persistence, References, ReferentialAction,
    RlsMode, TypeRef,
};
use crate::syntax::{self, field_children, has_keyword, named_children};
use crate::text::TextRange;

impl<'a> Cx<'a> {
    pub fn create_table(&self, node: Node<'a>) -> Option<CreateTable> {
        let name = self.object_name(syntax::field(node, "name")?);
        let persistence = match syntax::field(node, "persistence") {
            Some(p) if has_keyword(p, "UNLOGGED") => Persistence::Unlogged,
            Some(_) => Persistence::Temporary,
            None => Persistence::Permanent,
        };
        let mut table = CreateTable {
            name,
            if_not_exists: named_children(node).any(|c| c.kind() == "if_not_exists"),
            persistence,
            columns: Vec::new(),
            constraints: Vec::new(),
            partition_of: syntax::field(node, "partition_of").map(|n| self.object_name(n)),
            partitioned: false,
            of_type: syntax::field(node, "of_type").map(|n| self.object_name(n)),
            inherits: Vec::new(),
            inherits_range: None,
            like: Vec::new(),
            as_query: syntax::field(node, "query").is_some(),
            elements_range: None,
            element_ranges: Vec::new(),
            prisma_name: None,
        };
        if let Some(elements) = syntax::field(node, "elements") {
            table.elements_range = Some(self.range(elements));
            table.element_ranges = named_children(elements)
                .filter(|element| !element.is_extra())
                .map(|element| self.range(element))
                .collect();
            for element in named_children(elements) {
                match element.kind() {
                    "column_definition" => table
                        .columns
                        .push(Arc::new(self.column_definition(element))),
                    "table_constraint" => {
                        if let Some(constraint) = self.table_constraint(element) {
                            table.constraints.push(Arc::new(constraint));
                        }
                    }
                    "like_clause" => {
                        if let Some(source) = syntax::field(element, "source") {
                            table.like.push(self.object_name(source));
                        }
                    }
                    _ => {}
                }
            }
        }
        for child in named_children(node) {
            match child.kind() {
                "inherits_clause" => {
                    table.inherits_range = Some(self.range(child));
                    table.inherits.extend(
                        field_children(child, "parent").map(|parent| self.object_name(parent)),
                    );
                }
                "partition_by_clause" => table.partitioned = true,
                _ => {}
            }
        }
        Some(table)
    }

    pub fn column_definition(&self, node: Node<'a>) -> ColumnDef {
        let name_node = syntax::field(node, "name").unwrap_or(node);
        let mut column = ColumnDef {
            name: self.ident(name_node),
            ty: syntax::field(node, "type").map(|ty| Arc::new(self.type_ref(ty))),
            not_null: None,
            null: None,
            default: None,
            default_range: None,
            generated: None,
            identity: None,
            collation: None,
            constraints: Vec::new(),
            range: self.range(node),
            prisma_name: None,
        };
        let mut pending_attributes: Option<usize> = None;
        for part in field_children(node, "constraint") {
            match part.kind() {
                "collate_clause" => {
                    column.collation =
                        syntax::field(part, "collation").map(|c| self.object_name(c).name.name);
                }
                "constraint_attribute" => {
                    // DEFERRABLE etc. belong to the constraint written just before them.
                    if let Some(index) = pending_attributes {
                        apply_attribute(
                            self.text(part),
                            &mut Arc::make_mut(&mut column.constraints[index]).attributes,
                        );
                    }
                }
                "column_constraint" => {
                    pending_attributes = None;
                    let constraint_name = syntax::field(part, "name").map(|n| self.ident(n));
                    let Some(body) = named_children(part).find(|c| {
                        syntax::field(part, "name").is_none_or(|name| name.id() != c.id())
                    }) else {
                        continue;
                    };
                    let range = self.range(part);
                    let kind = match body.kind() {
                        "not_null" => {
                            column.not_null = Some(range);
                            continue;
                        }
                        "null" => {
                            column.null = Some(range);
                            continue;
                        }
                        "default_clause" => {
                            column.default =
                                syntax::field(body, "value").map(|v| Arc::new(self.expr(v)));
                            column.default_range = Some(range);
                            continue;
                        }
                        "generated_column" => {
                            column.generated =
                                syntax::field(body, "expression").map(|e| Box::new(self.expr(e)));
                            continue;
                        }
                        "identity_column" => {
                            column.identity = Some(match syntax::field(body, "when") {
                                Some(when) if has_keyword_text(self.text(when), "always") => {
                                    Identity::Always
                                }
                                _ => Identity::ByDefault,
                            });
                            continue;
                        }
                        "check_constraint" => match syntax::field(body, "expression") {
                            Some(expr) => ConstraintKind::Check(self.expr(expr)),
                            None => continue,
                        },
                        "unique_constraint" => ConstraintKind::Unique {
                            columns: vec![column.name.clone()],
                            nulls_not_distinct: nulls_not_distinct(body, self.text),
                        },
                        "primary_key_constraint" => ConstraintKind::PrimaryKey {
                            columns: vec![column.name.clone()],
                        },
                        "references_clause" => ConstraintKind::ForeignKey {
                            columns: vec![column.name.clone()],
                            references: self.references(body),
                        },
                        _ => continue,
                    };
                    pending_attributes = Some(column.constraints.len());
                    column.constraints.push(Arc::new(Constraint {
                        name: constraint_name,
                        kind,
                        attributes: ConstraintAttributes::default(),
                        using_index: None,
                        range,
                    }));
                }
                _ => {}
            }
        }
        column
    }

    pub fn table_constraint(&self, node: Node<'a>) -> Option<Constraint> {
        let name_node = syntax::field(node, "name");
        let name = name_node.map(|n| self.ident(n));
        let body = named_children(node).find(|c| {
            name_node.is_none_or(|n| n.id() != c.id()) && c.kind() != "constraint_attribute"
        })?;
        let mut using_index = None;
        let kind = match body.kind() {
            "check_constraint" => {
                ConstraintKind::Check(self.expr(syntax::field(body, "expression")?))
            }
            "unique_constraint" => {
                using_index = syntax::field(body, "index").map(|i| self.ident(i));
                ConstraintKind::Unique {
                    columns: self.constraint_columns(body),
                    nulls_not_distinct: nulls_not_distinct(body, self.text),
                }
            }
            "primary_key_constraint" => {
                using_index = syntax::field(body, "index").map(|i| self.ident(i));
                ConstraintKind::PrimaryKey {
                    columns: self.constraint_columns(body),
                }
            }
            "foreign_key_constraint" => ConstraintKind::ForeignKey {
                columns: self.constraint_columns(body),
                references: self.references(syntax::field(body, "references")?),
            },
            "exclude_constraint" => ConstraintKind::Exclude {
                columns: syntax::descendants(body)
                    .filter(|n| n.kind() == "index_element")
                    .filter_map(|e| syntax::field(e, "column"))
                    .map(|c| self.ident(c))
                    .collect(),
            },
            "not_null_table_constraint" => ConstraintKind::NotNull {
                column: self.ident(syntax::field(body, "column")?),
            },
            _ => return None,
        };
        let mut attributes = ConstraintAttributes::default();
        for attribute in named_children(node).filter(|c| c.kind() == "constraint_attribute") {
            apply_attribute(self.text(attribute), &mut attributes);
        }
        // Attributes written inside the constraint body (`... REFERENCES t NOT VALID`).
        for attribute in named_children(body).filter(|c| c.kind() == "constraint_attribute") {
            apply_attribute(self.text(attribute), &mut attributes);
        }
        Some(Constraint {
            name,
            kind,
            attributes,
            using_index,
            range: self.range(node),
        })
    }

    fn constraint_columns(&self, node: Node) -> Vec<Ident> {
        syntax::field(node, "columns")
            .map(|columns| self.ident_list(field_children(columns, "column")))
            .unwrap_or_default()
    }

    pub fn references(&self, node: Node<'a>) -> References {
        let table = syntax::field(node, "table")
            .map(|t| self.object_name(t))
            .unwrap_or_else(|| self.object_name(node));
        let mut references = References {
            table,
            columns: self.constraint_columns(node),
            on_delete: None,
            on_update: None,
            match_full: false,
            range: self.range(node),
        };
        for child in named_children(node) {
            let action = syntax::field(child, "action").map(|a| referential_action(self.text(a)));
            match (child.kind(), action) {
                ("on_delete", Some(action)) => {
                    references.on_delete = Some((action, self.range(child)))
                }
                ("on_update", Some(action)) => {
                    references.on_update = Some((action, self.range(child)))
                }
                _ => {}
            }
        }
        if let Some(m) = syntax::field(node, "match") {
            references.match_full = self.text(m).eq_ignore_ascii_case("full");
        }
        references
    }

    pub fn type_ref(&self, node: Node<'a>) -> TypeRef {
        let name_node = syntax::field(node, "name");
        let (schema, name) = match name_node {
            Some(n) if n.kind() == "object_reference" => {
                let object = self.object_name(n);
                (object.schema.map(|s| s.name), object.name.name)
            }
            Some(n) => (None, collapse_words(self.text(n))),
            None => (None, String::new()),
        };
        // Interval fields (`interval day to second`) are part of the name.
        let name = match syntax::field(node, "fields") {
            Some(fields) => format!("{name} {}", collapse_words(self.text(fields))),
            None => name,
        };
        let modifiers_node = syntax::field(node, "modifiers");
        let time_zone = syntax::field(node, "time_zone");
        let array_dims = syntax::field(node, "array").map_or(0, |array| {
            let brackets = syntax::children(array).filter(|c| c.kind() == "[").count();
            brackets.max(1) as u8
        });
        let mut type_ref = TypeRef {
            schema,
            name,
            modifiers: modifiers_node
                .map(|m| {
                    named_children(m)
                        .map(|arg| self.text(arg).to_string())
                        .collect()
                })
                .unwrap_or_default(),
            time_zone: time_zone.map(|tz| has_keyword(tz, "WITH")),
            array_dims,
            setof: has_keyword(node, "SETOF"),
            range: self.range(node),
            name_range: name_node
                .map(|n| self.range(n))
                .unwrap_or_else(|| self.range(node)),
            time_zone_range: time_zone.map(|tz| self.range(tz)),
            modifiers_range: modifiers_node.map(|m| self.range(m)),
            builtin: None,
        };
        type_ref.resolve_builtin();
        type_ref
    }

    pub fn alter_table(&self, node: Node<'a>) -> Option<AlterTable> {
        let name = self.object_name(syntax::field(node, "name")?);
        let mut alter = AlterTable {
            name,
            if_exists: named_children(node).any(|c| c.kind() == "if_exists"),
            only: has_keyword(node, "ONLY"),
            actions: Vec::new(),
        };
        for action in field_children(node, "action") {
            alter.actions.push(AlterAction {
                action: self.alter_table_action(action),
                range: self.range(action),
            });
        }
        alter.actions.shrink_to_fit();
        Some(alter)
    }

    fn alter_table_action(&self, node: Node<'a>) -> AlterTableAction {
        let field = |name: &str| syntax::field(node, name);
        let ident = |name: &str| field(name).map(|n| self.ident(n));
        let if_exists = named_children(node).any(|c| c.kind() == "if_exists");
        let lowered = match node.kind() {
            "add_column" => field("column").map(|column| AlterTableAction::AddColumn {
                column: Arc::new(self.column_definition(column)),
                if_not_exists: named_children(node).any(|c| c.kind() == "if_not_exists"),
            }),
            "add_constraint" => field("constraint")
                .and_then(|c| self.table_constraint(c))
                .map(|c| AlterTableAction::AddConstraint(Arc::new(c))),
            "drop_column" => {
                ident("column").map(|column| AlterTableAction::DropColumn { column, if_exists })
            }
            "drop_constraint" => {
                ident("name").map(|name| AlterTableAction::DropConstraint { name, if_exists })
            }
            "alter_column" => self.alter_column(node),
            "validate_constraint" => {
                ident("name").map(|name| AlterTableAction::ValidateConstraint { name })
            }
            "rename_table" => {
                ident("new_name").map(|new_name| AlterTableAction::RenameTable { new_name })
            }
            "rename_column" => match (ident("column"), ident("new_name")) {
                (Some(column), Some(new_name)) => {
                    Some(AlterTableAction::RenameColumn { column, new_name })
                }
                _ => None,
            },
            "rename_constraint" => match (ident("name"), ident("new_name")) {
                (Some(name), Some(new_name)) => {
                    Some(AlterTableAction::RenameConstraint { name, new_name })
                }
                _ => None,
            },
            "set_schema" => ident("schema").map(|schema| AlterTableAction::SetSchema { schema }),
            "row_level_security" => field("mode").map(|mode| {
                let mode = self.text(mode).to_ascii_lowercase();
                AlterTableAction::RowLevelSecurity {
                    mode: match mode.split_whitespace().collect::<Vec<_>>().as_slice() {
                        ["enable"] => RlsMode::Enable,
                        ["disable"] => RlsMode::Disable,
                        ["force"] => RlsMode::Force,
                        _ => RlsMode::NoForce,
                    },
                }
            }),
            "attach_partition" => field("partition").map(|p| AlterTableAction::AttachPartition {
                partition: self.object_name(p),
            }),
            "detach_partition" => field("partition").map(|p| AlterTableAction::DetachPartition {
                partition: self.object_name(p),
            }),
            _ => None,
        };
        lowered.unwrap_or(AlterTableAction::Other)
    }

    fn alter_column(&self, node: Node<'a>) -> Option<AlterTableAction> {
        let column = self.ident(syntax::field(node, "column")?);
        let change = syntax::field(node, "change")?;
        Some(match change.kind() {
            "set_column_type" => AlterTableAction::AlterColumnType {
                column,
                ty: Arc::new(self.type_ref(syntax::field(change, "type")?)),
                using: syntax::field(change, "using").map(|u| Box::new(self.expr(u))),
            },
            "set_column_default" => AlterTableAction::SetDefault {
                column,
                value: Arc::new(self.expr(syntax::field(change, "value")?)),
            },
            "drop_column_default" => AlterTableAction::DropDefault { column },
            "set_column_not_null" => AlterTableAction::SetNotNull { column },
            "drop_column_not_null" => AlterTableAction::DropNotNull { column },
            "add_column_identity" => AlterTableAction::AddIdentity { column },
            _ => AlterTableAction::Other,
        })
    }

    /// The range of the keywords that start a statement, up to (not including) its name.
    pub fn head(&self, statement: Node, name: Option<Node>) -> TextRange {
        let start = self.range(statement).start();
        match name {
            Some(name) => {
                let end = syntax::children(statement)
                    .take_while(|child| child.start_byte() < name.start_byte())
                    .last()
                    .map_or(start, |last| self.range(last).end());
                TextRange::new(start, end.max(start))
            }
            None => {
                let first = syntax::children(statement).next();
                first.map_or(TextRange::new(start, start), |f| self.range(f))
            }
        }
    }
}

fn apply_attribute(text: &str, attributes: &mut ConstraintAttributes) {
    let words = collapse_words(text);
    match words.as_str() {
        "deferrable" => attributes.deferrable = true,
        "not deferrable" => attributes.deferrable = false,
        "initially deferred" => attributes.initially_deferred = true,
        "initially immediate" => attributes.initially_deferred = false,
        "not valid" => attributes.not_valid = true,
        _ => {}
    }
}

fn referential_action(text: &str) -> ReferentialAction {
    let words = collapse_words(text);
    if words.starts_with("cascade") {
        ReferentialAction::Cascade
    } else if words.starts_with("restrict") {
        ReferentialAction::Restrict
    } else if words.starts_with("set null") {
        ReferentialAction::SetNull
    } else if words.starts_with("set default") {
        ReferentialAction::SetDefault
    } else {
        ReferentialAction::NoAction
    }
}

fn nulls_not_distinct(node: Node, text: &str) -> bool {
    named_children(node)
        .find(|c| c.kind() == "nulls_distinct")
        .is_some_and(|n| collapse_words(syntax::text(n, text)) == "nulls not distinct")
}

fn has_keyword_text(text: &str, word: &str) -> bool {
    text.split_whitespace()
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Lower-case words separated by single spaces (`Character  VARYING` -> `character varying`).
/// Comments between the words are dropped.
pub(crate) fn collapse_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
            continue;
        }
        let end = rest
            .char_indices()
            .find(|&(i, c)| {
                c.is_whitespace() || rest[i..].starts_with("--") || rest[i..].starts_with("/*")
            })
            .map_or(rest.len(), |(i, _)| i);
        let word = &rest[..end];
        if word.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_ascii_lowercase());
        rest = &rest[end..];
    }
    out
}
