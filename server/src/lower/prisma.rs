//! Prisma schema -> the same facts as SQL, as Prisma Migrate would create them on PostgreSQL.
//!
//! Relations and field types refer to models and enums by their Prisma names, which may live in
//! another file of a multi-file schema; they are kept as Prisma names here (`prisma_name`) and
//! resolved by the model.

use std::sync::Arc;

use tree_sitter::{Node, Tree};

use super::{
    ColumnDef, Constraint, ConstraintAttributes, ConstraintKind, CreateIndex, CreateTable,
    CreateType, Cx, Expr, Fact, Ident, IndexElement, Literal, LoweredStatement, ObjectName,
    Persistence, PlacedStatement, References, ReferentialAction, StatementKind, TypeDefinition,
    TypeRef,
};
use crate::syntax::{self, named_children};
use crate::text::TextRange;

/// Prisma's scalar types.
const SCALARS: &[&str] = &[
    "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
];

/// Lowers every block of a Prisma file; one statement per block.
pub fn lower_prisma(tree: &Tree, text: &str) -> Vec<PlacedStatement> {
    let mut placed = Vec::new();
    for block in syntax::statements(tree) {
        let cx = Cx::new(text, block);
        let facts = match block.kind() {
            "model_declaration" => cx.prisma_model(block),
            "view_declaration" => cx.prisma_view(block).into_iter().collect(),
            "enum_declaration" => cx.prisma_enum(block).into_iter().collect(),
            "datasource_declaration" => cx.prisma_extensions(block),
            _ => Vec::new(),
        };
        let head = block
            .child_by_field_name("name")
            .map(|name| cx.range(name))
            .unwrap_or_else(|| TextRange::new(0, 0));
        placed.push(PlacedStatement {
            start: block.start_byte() as u32,
            lowered: Arc::new(LoweredStatement {
                kind: StatementKind::PrismaBlock,
                len: (block.end_byte() - block.start_byte()) as u32,
                head,
                facts,
            }),
        });
    }
    placed
}

/// A Prisma attribute: `@id`, `@db.VarChar(255)`, `@@index([a, b])`.
struct Attribute<'t> {
    name: String,
    node: Node<'t>,
    arguments: Vec<(Option<String>, Node<'t>)>,
}

impl Attribute<'_> {
    fn argument(&self, name: &str) -> Option<Node<'_>> {
        self.arguments
            .iter()
            .find(|(n, _)| n.as_deref() == Some(name))
            .map(|(_, value)| *value)
    }

    fn first_positional(&self) -> Option<Node<'_>> {
        self.arguments
            .iter()
            .find(|(n, _)| n.is_none())
            .map(|(_, value)| *value)
    }
}

impl<'a> Cx<'a> {
    fn attributes(&self, node: Node<'a>) -> Vec<Attribute<'a>> {
        named_children(node)
            .filter(|child| matches!(child.kind(), "attribute" | "block_attribute"))
            .filter_map(|attribute| {
                let name = self
                    .text(attribute.child_by_field_name("name")?)
                    .to_string();
                let arguments = self.arguments(attribute);
                Some(Attribute {
                    name,
                    node: attribute,
                    arguments,
                })
            })
            .collect()
    }

    fn prisma_string(&self, node: Node) -> Option<String> {
        (node.kind() == "string").then(|| {
            let raw = self.text(node);
            let inner = raw
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .unwrap_or(raw);
            inner.replace("\\\"", "\"").replace("\\\\", "\\")
        })
    }

    /// The arguments of an attribute or a function call, named or positional, with their values.
    fn arguments(&self, node: Node<'a>) -> Vec<(Option<String>, Node<'a>)> {
        node.child_by_field_name("arguments")
            .map(|args| {
                named_children(args)
                    .filter(|a| a.kind() == "argument")
                    .filter_map(|a| {
                        let value = a.child_by_field_name("value")?;
                        let name = a
                            .child_by_field_name("name")
                            .map(|n| self.text(n).to_string());
                        Some((name, value))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The operator class of an index field `key(ops: raw("text_pattern_ops"))` or
    /// `data(ops: JsonbPathOps)` (Prisma's names are the PostgreSQL ones in PascalCase).
    fn prisma_opclass(&self, item: Node<'a>) -> Option<String> {
        let (_, ops) = self
            .arguments(item)
            .into_iter()
            .find(|(name, _)| name.as_deref() == Some("ops"))?;
        if ops.kind() == "function_call" {
            let (_, raw) = self
                .arguments(ops)
                .into_iter()
                .find(|(name, _)| name.is_none())?;
            return self.prisma_string(raw);
        }
        let mut class = String::new();
        for c in self.text(ops).chars() {
            if c.is_ascii_uppercase() && !class.is_empty() {
                class.push('_');
            }
            class.push(c.to_ascii_lowercase());
        }
        Some(class)
    }

    /// `[a, b(sort: Desc)]` -> the identifiers with their nodes.
    fn prisma_field_list(&self, node: Node<'a>) -> Vec<(String, Node<'a>)> {
        let items: Vec<Node> = if node.kind() == "array" {
            named_children(node).collect()
        } else {
            vec![node]
        };
        items
            .into_iter()
            .filter_map(|item| match item.kind() {
                "identifier" => Some((self.text(item).to_string(), item)),
                "function_call" => {
                    let name = item.child_by_field_name("name")?;
                    Some((self.text(name).to_string(), item))
                }
                _ => None,
            })
            .collect()
    }

    /// `@@map("name")` / `@map("name")`.
    /// The constraint name `map:` gives a relation, an `@@id` or an `@@unique`.
    fn constraint_name(&self, attribute: &Attribute) -> Option<Ident> {
        let name = self.prisma_string(attribute.argument("map")?)?;
        Some(Ident {
            name,
            quoted: true,
            range: self.range(attribute.node),
        })
    }

    fn mapped_name(&self, attributes: &[Attribute]) -> Option<String> {
        attributes
            .iter()
            .find(|a| a.name == "map")
            .and_then(|a| a.first_positional().or_else(|| a.argument("name")))
            .and_then(|value| self.prisma_string(value))
    }

    fn prisma_model(&self, block: Node<'a>) -> Vec<Fact> {
        let Some(name_node) = block.child_by_field_name("name") else {
            return Vec::new();
        };
        let model_name = self.text(name_node).to_string();
        let Some(body) = block.child_by_field_name("body") else {
            return Vec::new();
        };
        let block_attributes = self.attributes(body);
        let table_name = self
            .mapped_name(&block_attributes)
            .unwrap_or_else(|| model_name.clone());
        let schema = block_attributes
            .iter()
            .find(|a| a.name == "schema")
            .and_then(|a| a.first_positional())
            .and_then(|v| self.prisma_string(v))
            .map(|schema| Ident {
                name: schema,
                quoted: true,
                range: self.range(name_node),
            });
        let name = ObjectName {
            schema,
            name: Ident {
                name: table_name,
                quoted: true,
                range: self.range(name_node),
            },
            range: self.range(name_node),
        };

        // Scalar fields first: relations refer to them by Prisma name.
        let fields: Vec<Node> = named_children(body)
            .filter(|f| f.kind() == "field_declaration")
            .collect();
        let mut columns: Vec<ColumnDef> = Vec::new();
        let mut relations: Vec<Node> = Vec::new();
        for field in &fields {
            match self.prisma_column(*field) {
                Some(column) => columns.push(column),
                None => relations.push(*field),
            }
        }
        let column_name = |prisma: &str| -> String {
            columns
                .iter()
                .find(|c| c.prisma_name.as_deref() == Some(prisma))
                .map_or_else(|| prisma.to_string(), |c| c.name.name.clone())
        };
        let field_ident = |prisma: &str, node: Node| Ident {
            name: column_name(prisma),
            quoted: true,
            range: self.range(item_name(node)),
        };

        let mut table = CreateTable {
            name: name.clone(),
            if_not_exists: false,
            persistence: Persistence::Permanent,
            columns: Vec::new(),
            constraints: Vec::new(),
            partition_of: None,
            partitioned: false,
            of_type: None,
            inherits: Vec::new(),
            inherits_range: None,
            like: Vec::new(),
            as_query: false,
            elements_range: has_both_braces(body).then(|| self.range(body)),
            element_ranges: Vec::new(),
            prisma_name: Some(model_name.clone()),
        };
        let mut facts = Vec::new();

        for relation in relations {
            let attributes = self.attributes(relation);
            let Some(attribute) = attributes.iter().find(|a| a.name == "relation") else {
                continue;
            };
            let (Some(fields_arg), Some(references_arg)) = (
                attribute.argument("fields"),
                attribute.argument("references"),
            ) else {
                continue;
            };
            let Some(target) = relation
                .child_by_field_name("type")
                .and_then(|t| t.child_by_field_name("name"))
            else {
                continue;
            };
            let action = |name: &str| {
                attribute
                    .argument(name)
                    .map(|value| (prisma_action(self.text(value)), self.range(value)))
            };
            let columns_of_fk: Vec<Ident> = self
                .prisma_field_list(fields_arg)
                .into_iter()
                .map(|(field, node)| field_ident(&field, node))
                .collect();
            let target_name = self.text(target).to_string();
            let references = References {
                table: ObjectName {
                    schema: None,
                    name: Ident {
                        name: target_name,
                        quoted: true,
                        range: self.range(target),
                    },
                    range: self.range(target),
                },
                columns: self
                    .prisma_field_list(references_arg)
                    .into_iter()
                    .map(|(field, node)| Ident {
                        name: field,
                        quoted: true,
                        range: self.range(item_name(node)),
                    })
                    .collect(),
                on_delete: action("onDelete"),
                on_update: action("onUpdate"),
                match_full: false,
                range: self.range(attribute.node),
            };
            table.constraints.push(Arc::new(Constraint {
                name: self.constraint_name(attribute),
                kind: ConstraintKind::ForeignKey {
                    columns: columns_of_fk,
                    references,
                },
                attributes: ConstraintAttributes::default(),
                using_index: None,
                range: self.range(relation),
            }));
        }

        for attribute in &block_attributes {
            let Some(fields_arg) = attribute
                .argument("fields")
                .or_else(|| attribute.first_positional())
            else {
                continue;
            };
            let listed = self.prisma_field_list(fields_arg);
            let idents: Vec<Ident> = listed
                .iter()
                .map(|(f, node)| field_ident(f, *node))
                .collect();
            let constraint = |kind| {
                Arc::new(Constraint {
                    name: self.constraint_name(attribute),
                    kind,
                    attributes: ConstraintAttributes::default(),
                    using_index: None,
                    range: self.range(attribute.node),
                })
            };
            match attribute.name.as_str() {
                "id" => table
                    .constraints
                    .push(constraint(ConstraintKind::PrimaryKey { columns: idents })),
                "unique" => table.constraints.push(constraint(ConstraintKind::Unique {
                    columns: idents,
                    nulls_not_distinct: false,
                })),
                "index" | "fulltext" => {
                    let method = attribute
                        .argument("type")
                        .map(|t| self.text(t).to_ascii_lowercase());
                    let index_name = attribute
                        .argument("map")
                        .or_else(|| attribute.argument("name"))
                        .and_then(|m| self.prisma_string(m))
                        .unwrap_or_else(|| {
                            let columns: Vec<&str> =
                                idents.iter().map(|i| i.name.as_str()).collect();
                            format!("{}_{}_idx", name.name.name, columns.join("_"))
                        });
                    facts.push(Fact::CreateIndex(Arc::new(CreateIndex {
                        name: Some(Ident {
                            name: index_name,
                            quoted: true,
                            range: self.range(attribute.node),
                        }),
                        table: name.clone(),
                        unique: false,
                        concurrently: false,
                        if_not_exists: false,
                        only: false,
                        method: method.filter(|m| m != "btree"),
                        elements: listed
                            .iter()
                            .zip(&idents)
                            .map(|((_, node), ident)| IndexElement {
                                column: Some(ident.clone()),
                                expression: None,
                                collation: None,
                                opclass: (node.kind() == "function_call")
                                    .then(|| self.prisma_opclass(*node))
                                    .flatten(),
                                descending: self.text(*node).contains("Desc"),
                                nulls_first: None,
                                range: self.range(*node),
                            })
                            .collect(),
                        include: Vec::new(),
                        predicate: None,
                        nulls_not_distinct: false,
                        index_keyword: self.range(attribute.node),
                    })));
                }
                _ => {}
            }
        }

        table.columns = columns.into_iter().map(Arc::new).collect();
        facts.insert(0, Fact::CreateTable(Arc::new(table)));
        facts
    }

    /// A scalar or enum field as a column; `None` for relation fields.
    fn prisma_column(&self, field: Node<'a>) -> Option<ColumnDef> {
        let name_node = field.child_by_field_name("name")?;
        let field_type = field.child_by_field_name("type")?;
        let type_name_node = field_type.child_by_field_name("name")?;
        let type_name = self.text(type_name_node);
        let attributes = self.attributes(field);
        // A field whose type is another model is a relation: it has `@relation` or no column.
        if attributes.iter().any(|a| a.name == "relation") {
            return None;
        }
        let is_scalar = SCALARS.contains(&type_name) || type_name_node.kind() == "unsupported_type";
        let first_upper = type_name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase());
        if !is_scalar && !first_upper {
            return None;
        }
        let prisma_name = self.text(name_node).to_string();
        let column_name = self
            .mapped_name(&attributes)
            .unwrap_or_else(|| prisma_name.clone());
        let optional = field_type.child_by_field_name("optional").is_some();
        let list = field_type.child_by_field_name("list").is_some();
        let default = attributes.iter().find(|a| a.name == "default");
        let autoincrement = default
            .and_then(|d| d.first_positional())
            .is_some_and(|v| self.text(v).starts_with("autoincrement"));
        let native = attributes.iter().find(|a| a.name.starts_with("db."));
        let mut ty = self.prisma_type(type_name, type_name_node, native, autoincrement);
        ty.array_dims = u8::from(list);
        ty.range = self.range(field_type);
        let column_range = self.range(field);
        let mut column = ColumnDef {
            name: Ident {
                name: column_name,
                quoted: true,
                range: self.range(name_node),
            },
            ty: Some(Arc::new(ty)),
            // Prisma columns are NOT NULL unless the type is optional; lists are never NULL.
            not_null: (!optional).then(|| self.range(field_type)),
            null: None,
            default: default
                .and_then(|d| d.first_positional())
                .map(|value| Arc::new(self.prisma_default(value))),
            default_range: default.map(|d| self.range(d.node)),
            generated: None,
            identity: None,
            collation: None,
            constraints: Vec::new(),
            range: column_range,
            prisma_name: Some(prisma_name),
        };
        for attribute in &attributes {
            let kind = match attribute.name.as_str() {
                "id" => ConstraintKind::PrimaryKey {
                    columns: vec![column.name.clone()],
                },
                "unique" => ConstraintKind::Unique {
                    columns: vec![column.name.clone()],
                    nulls_not_distinct: false,
                },
                _ => continue,
            };
            column.constraints.push(Arc::new(Constraint {
                name: None,
                kind,
                attributes: ConstraintAttributes::default(),
                using_index: None,
                range: self.range(attribute.node),
            }));
        }
        Some(column)
    }

    /// The PostgreSQL type Prisma Migrate creates for a field.
    fn prisma_type(
        &self,
        scalar: &str,
        name_node: Node,
        native: Option<&Attribute>,
        autoincrement: bool,
    ) -> TypeRef {
        let mut modifiers: Vec<String> = native
            .map(|n| {
                n.arguments
                    .iter()
                    .map(|(_, v)| self.text(*v).to_string())
                    .collect()
            })
            .unwrap_or_default();
        let native_name = native.map(|n| n.name.trim_start_matches("db.").to_string());
        let name = match native_name.as_deref() {
            Some("VarChar") => "character varying",
            Some("Char") => "character",
            Some("Text") => "text",
            Some("Uuid") => "uuid",
            Some("Inet") => "inet",
            Some("Citext") => "citext",
            Some("Xml") => "xml",
            Some("Bit") => "bit",
            Some("VarBit") => "bit varying",
            Some("Boolean") => "boolean",
            Some("SmallInt") => "smallint",
            Some("Integer") => {
                if autoincrement {
                    "serial"
                } else {
                    "integer"
                }
            }
            Some("BigInt") => {
                if autoincrement {
                    "bigserial"
                } else {
                    "bigint"
                }
            }
            Some("Oid") => "oid",
            Some("Real") => "real",
            Some("DoublePrecision") => "double precision",
            Some("Decimal") => "numeric",
            Some("Money") => "money",
            Some("Timestamp") => "timestamp",
            Some("Timestamptz") => "timestamptz",
            Some("Date") => "date",
            Some("Time") => "time",
            Some("Timetz") => "timetz",
            Some("Json") => "json",
            Some("JsonB") => "jsonb",
            Some("ByteA") => "bytea",
            _ => {
                if native.is_none() {
                    modifiers.clear();
                }
                match scalar {
                    "String" => "text",
                    "Boolean" => "boolean",
                    "Int" if autoincrement => "serial",
                    "Int" => "integer",
                    "BigInt" if autoincrement => "bigserial",
                    "BigInt" => "bigint",
                    "Float" => "double precision",
                    "Decimal" => {
                        modifiers = vec!["65".to_string(), "30".to_string()];
                        "numeric"
                    }
                    "DateTime" => {
                        modifiers = vec!["3".to_string()];
                        "timestamp"
                    }
                    "Json" => "jsonb",
                    "Bytes" => "bytea",
                    _ => "",
                }
            }
        };
        let (name, schema) = if name.is_empty() {
            // An enum (or `Unsupported("...")`): keep the Prisma name for the model to resolve.
            let raw = self.text(name_node);
            match raw.strip_prefix("Unsupported(") {
                Some(inner) => (
                    inner
                        .trim_end_matches(')')
                        .trim_matches('"')
                        .to_ascii_lowercase(),
                    None,
                ),
                None => (raw.to_string(), None),
            }
        } else {
            (name.to_string(), None)
        };
        let mut type_ref = TypeRef {
            schema,
            name,
            modifiers,
            time_zone: None,
            array_dims: 0,
            setof: false,
            range: self.range(name_node),
            name_range: self.range(name_node),
            time_zone_range: None,
            modifiers_range: native.map(|n| self.range(n.node)),
            builtin: None,
        };
        type_ref.resolve_builtin();
        type_ref
    }

    fn prisma_default(&self, value: Node) -> Expr {
        let text = self.text(value);
        let literal = match value.kind() {
            "string" => self.prisma_string(value).map(Literal::String),
            "number" => Some(Literal::Number(text.to_string())),
            "boolean" => Some(Literal::Bool(text == "true")),
            // An enum value.
            "identifier" => Some(Literal::String(text.to_string())),
            _ => None,
        };
        let functions = match value.kind() {
            "function_call" => value
                .child_by_field_name("name")
                .map(|n| vec![self.text(n).to_ascii_lowercase()])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Expr {
            normalized: text.to_string(),
            range: self.range(value),
            columns: Vec::new(),
            allowed_values: Vec::new(),
            literal,
            functions,
        }
    }

    fn prisma_view(&self, block: Node<'a>) -> Option<Fact> {
        let name_node = block.child_by_field_name("name")?;
        let attributes = block
            .child_by_field_name("body")
            .map(|b| self.attributes(b))
            .unwrap_or_default();
        let name = self
            .mapped_name(&attributes)
            .unwrap_or_else(|| self.text(name_node).to_string());
        Some(Fact::CreateView {
            name: ObjectName {
                schema: None,
                name: Ident {
                    name,
                    quoted: true,
                    range: self.range(name_node),
                },
                range: self.range(name_node),
            },
            materialized: false,
            or_replace: false,
        })
    }

    fn prisma_enum(&self, block: Node<'a>) -> Option<Fact> {
        let name_node = block.child_by_field_name("name")?;
        let body = block.child_by_field_name("body")?;
        let attributes = self.attributes(body);
        let prisma_name = self.text(name_node).to_string();
        let name = self
            .mapped_name(&attributes)
            .unwrap_or_else(|| prisma_name.clone());
        let labels = named_children(body)
            .filter(|v| v.kind() == "enum_value")
            .filter_map(|value| {
                let label = value.child_by_field_name("name")?;
                let mapped = self.mapped_name(&self.attributes(value));
                Some((
                    mapped.unwrap_or_else(|| self.text(label).to_string()),
                    self.range(label),
                ))
            })
            .collect();
        Some(Fact::CreateType(Arc::new(CreateType {
            name: ObjectName {
                schema: None,
                name: Ident {
                    name,
                    quoted: true,
                    range: self.range(name_node),
                },
                range: self.range(name_node),
            },
            definition: TypeDefinition::Enum { labels },
            prisma_name: Some(prisma_name),
        })))
    }

    /// `extensions = [citext, postgis(version: "3")]` in the datasource block.
    fn prisma_extensions(&self, block: Node<'a>) -> Vec<Fact> {
        let assignments = syntax::descendants(block).filter(|n| n.kind() == "assignment");
        let mut facts = Vec::new();
        for assignment in assignments {
            let is_extensions = assignment
                .child_by_field_name("name")
                .is_some_and(|n| self.text(n) == "extensions");
            let Some(value) = assignment
                .child_by_field_name("value")
                .filter(|_| is_extensions)
            else {
                continue;
            };
            for (extension, node) in self.prisma_field_list(value) {
                facts.push(Fact::CreateExtension {
                    name: Ident {
                        name: extension,
                        quoted: true,
                        range: self.range(item_name(node)),
                    },
                    schema: None,
                });
            }
        }
        facts
    }
}

/// The name of an item of a Prisma list: the item, or the name of a call (`title(sort: Desc)`,
/// `pg_trgm(schema: "ext")`), which is where a name is renamed or pointed at.
fn item_name(item: Node) -> Node {
    match item.kind() {
        "function_call" => item.child_by_field_name("name").unwrap_or(item),
        _ => item,
    }
}

/// Whether a block is written with both braces. Error recovery ends a block the user has not
/// closed yet at the end of the file, its `}` missing: a member added before it would land
/// outside the block, in the middle of what the user is typing.
fn has_both_braces(body: Node) -> bool {
    let brace = |child: Option<Node>, kind: &str| {
        child.is_some_and(|child| child.kind() == kind && !child.is_missing())
    };
    let count = body.child_count();
    count >= 2 && brace(body.child(0), "{") && brace(body.child(count - 1), "}")
}

fn prisma_action(text: &str) -> ReferentialAction {
    match text {
        "Cascade" => ReferentialAction::Cascade,
        "Restrict" => ReferentialAction::Restrict,
        "SetNull" => ReferentialAction::SetNull,
        "SetDefault" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Language, parse};

    const SCHEMA: &str = r#"datasource db {
  provider   = "postgresql"
  extensions = [citext]
}

model Post {
  id       Int     @id @default(autoincrement())
  title    String  @db.VarChar(255)
  author   User?   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int?    @map("author_id")
  tags     String[]
  publishedAt DateTime?
  @@index([authorId])
  @@map("posts")
}

enum Role {
  ADMIN @map("admin")
  USER
  @@map("role")
}
"#;

    fn facts() -> Vec<Fact> {
        let tree = parse(Language::Prisma, SCHEMA, None);
        lower_prisma(&tree, SCHEMA)
            .into_iter()
            .flat_map(|s| s.lowered.facts.clone())
            .collect()
    }

    #[test]
    fn unclosed_model_has_no_element_range() {
        let body = |text: &str| {
            let tree = parse(Language::Prisma, text, None);
            lower_prisma(&tree, text)
                .into_iter()
                .flat_map(|s| s.lowered.facts.clone())
                .find_map(|fact| match fact {
                    Fact::CreateTable(table) => Some(table.elements_range),
                    _ => None,
                })
                .expect("a model")
        };
        let closed = "model Post {\n  id Int @id\n}\n";
        assert_eq!(
            body(closed),
            Some(TextRange::new(11, closed.len() as u32 - 1))
        );
        // Recovery ends these at the end of the file; the last two end in a `}` that is not the
        // block's.
        for unclosed in [
            "model Post {\n  id Int @id\n  // é",
            "model Post {\n  id Int @id\n  // }",
            "model Post {\n  id Int @id\n  name String @default(\"}\")",
            "model Post {\n  id Int @id\n  data Json @default(\"{}\")",
        ] {
            eprintln!("{unclosed:?} {:?}", body(unclosed));
            assert_eq!(body(unclosed), None, "{unclosed:?}");
        }
    }

    #[test]
    fn model_becomes_a_table_with_mapped_names() {
        let facts = facts();
        let Some(Fact::CreateTable(table)) =
            facts.iter().find(|f| matches!(f, Fact::CreateTable(_)))
        else {
            panic!("no table in {facts:?}");
        };
        assert_eq!(table.name.name.name, "posts");
        assert_eq!(table.prisma_name.as_deref(), Some("Post"));
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.name.as_str()).collect();
        assert_eq!(names, ["id", "title", "author_id", "tags", "publishedAt"]);
        let id = &table.columns[0];
        assert_eq!(id.ty.as_ref().unwrap().name, "serial");
        assert!(id.not_null.is_some());
        let title = table.columns[1].ty.as_ref().unwrap();
        assert_eq!(
            (title.name.as_str(), title.modifiers.as_slice()),
            ("character varying", &["255".to_string()][..])
        );
        assert!(table.columns[2].not_null.is_none());
        assert_eq!(table.columns[3].ty.as_ref().unwrap().array_dims, 1);
        let published = table.columns[4].ty.as_ref().unwrap();
        assert_eq!(
            (published.name.as_str(), published.modifiers.as_slice()),
            ("timestamp", &["3".to_string()][..])
        );
        let fk = table
            .constraints
            .iter()
            .find_map(|c| match &c.kind {
                ConstraintKind::ForeignKey {
                    columns,
                    references,
                } => Some((columns, references)),
                _ => None,
            })
            .unwrap();
        assert_eq!(fk.0[0].name, "author_id");
        assert_eq!(fk.1.table.name.name, "User");
        assert_eq!(
            fk.1.on_delete.map(|a| a.0),
            Some(ReferentialAction::Cascade)
        );
    }

    #[test]
    fn index_enum_and_extensions() {
        let facts = facts();
        assert!(
            facts
                .iter()
                .any(|f| matches!(f, Fact::CreateExtension { name, .. } if name.name == "citext"))
        );
        let index = facts
            .iter()
            .find_map(|f| match f {
                Fact::CreateIndex(i) => Some(i),
                _ => None,
            })
            .unwrap();
        assert_eq!(index.elements[0].column.as_ref().unwrap().name, "author_id");
        assert_eq!(index.name.as_ref().unwrap().name, "posts_author_id_idx");
        let enum_type = facts
            .iter()
            .find_map(|f| match f {
                Fact::CreateType(t) => Some(t),
                _ => None,
            })
            .unwrap();
        assert_eq!(enum_type.name.name.name, "role");
        let TypeDefinition::Enum { labels } = &enum_type.definition else {
            panic!()
        };
        let labels: Vec<&str> = labels.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(labels, ["admin", "USER"]);
    }
}
