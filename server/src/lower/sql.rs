//! Lowering of SQL statements other than tables (see `table.rs`).

use std::sync::Arc;

use tree_sitter::Node;

use super::table::collapse_words;
use super::{
    AlterTypeAction, Comment, CreateDomain, CreateFunction, CreateIndex, CreatePolicy,
    CreateTrigger, CreateType, Cx, Drop, Fact, FunctionKind, Ident, IndexElement, LoweredStatement,
    ObjectKind, ObjectName, StatementKind, TriggerEvent, TriggerTiming, TypeDefinition,
    string_value,
};
use crate::syntax::{self, field_children, has_keyword, keyword, named_children};

/// Lowers one top-level statement node.
pub fn lower_statement(node: Node, text: &str) -> LoweredStatement {
    let cx = Cx::new(text, node);
    let (kind, facts) = cx.statement(node);
    let name = syntax::field(node, "name").or_else(|| syntax::field(node, "table"));
    LoweredStatement {
        kind,
        len: (node.end_byte() - node.start_byte()) as u32,
        head: cx.head(node, name),
        facts,
    }
}

impl<'a> Cx<'a> {
    fn statement(&self, node: Node<'a>) -> (StatementKind, Vec<Fact>) {
        let one = |fact: Option<Fact>| fact.into_iter().collect::<Vec<_>>();
        if !syntax::is_sql_statement(node) {
            return (StatementKind::Error, Vec::new());
        }
        match node.kind() {
            "create_table" => (
                StatementKind::CreateTable,
                one(self
                    .create_table(node)
                    .map(|fact| Fact::CreateTable(Arc::new(fact)))),
            ),
            "alter_table" => (
                StatementKind::AlterTable,
                one(self.alter_table(node).map(Fact::AlterTable)),
            ),
            "create_index" => (
                StatementKind::CreateIndex,
                one(self
                    .create_index(node)
                    .map(|fact| Fact::CreateIndex(Arc::new(fact)))),
            ),
            "create_view" | "create_materialized_view" => {
                (StatementKind::CreateView, one(self.create_view(node)))
            }
            "create_function" => (
                StatementKind::CreateFunction,
                one(self
                    .create_function(node)
                    .map(|fact| Fact::CreateFunction(Arc::new(fact)))),
            ),
            "create_trigger" => (
                StatementKind::CreateTrigger,
                one(self
                    .create_trigger(node)
                    .map(|fact| Fact::CreateTrigger(Arc::new(fact)))),
            ),
            "create_policy" => (
                StatementKind::CreatePolicy,
                one(self
                    .create_policy(node)
                    .map(|fact| Fact::CreatePolicy(Arc::new(fact)))),
            ),
            "create_extension" => {
                let fact = syntax::field(node, "name").map(|name| Fact::CreateExtension {
                    name: self.ident(name),
                    schema: syntax::field(node, "schema").map(|s| self.ident(s)),
                });
                (StatementKind::CreateExtension, one(fact))
            }
            "create_schema" => (StatementKind::CreateSchema, self.create_schema(node)),
            "create_type" => (
                StatementKind::CreateType,
                one(self
                    .create_type(node)
                    .map(|fact| Fact::CreateType(Arc::new(fact)))),
            ),
            "create_domain" => (
                StatementKind::CreateDomain,
                one(self
                    .create_domain(node)
                    .map(|fact| Fact::CreateDomain(Arc::new(fact)))),
            ),
            "create_sequence" => {
                let fact = syntax::field(node, "name").map(|name| Fact::CreateSequence {
                    name: self.object_name(name),
                    owned_by: self.owned_by(node),
                });
                (StatementKind::CreateSequence, one(fact))
            }
            "alter_sequence" => {
                let fact = syntax::field(node, "name").map(|name| Fact::AlterSequence {
                    name: self.object_name(name),
                    owned_by: self.owned_by(node),
                });
                (StatementKind::AlterSequence, one(fact))
            }
            "alter_index" => (StatementKind::AlterIndex, one(self.alter_index(node))),
            "alter_type" => (StatementKind::AlterType, one(self.alter_type(node))),
            "create_rule" => {
                let fact = match (syntax::field(node, "name"), syntax::field(node, "table")) {
                    (Some(name), Some(table)) => Some(Fact::CreateRule {
                        name: self.ident(name),
                        table: self.object_name(table),
                    }),
                    _ => None,
                };
                (StatementKind::CreateRule, one(fact))
            }
            "drop_statement" => (StatementKind::Drop, one(self.drop(node).map(Fact::Drop))),
            "comment_statement" => (
                StatementKind::Comment,
                one(self.comment(node).map(|fact| Fact::Comment(Arc::new(fact)))),
            ),
            "set_statement" => (
                StatementKind::Set,
                one(self
                    .set_search_path(node)
                    .or_else(|| self.set_parameter(node))),
            ),
            "alter_generic" => (StatementKind::Other, one(self.alter_function(node))),
            "generic_statement" => (
                StatementKind::Other,
                one(self
                    .set_config_search_path(node)
                    .or_else(|| self.command(node).map(|c| Fact::Command(Arc::new(c))))),
            ),
            "copy_statement" => (StatementKind::Copy, Vec::new()),
            "ERROR" => (StatementKind::Error, Vec::new()),
            _ => (StatementKind::Other, Vec::new()),
        }
    }

    fn create_index(&self, node: Node<'a>) -> Option<CreateIndex> {
        let table = self.object_name(syntax::field(node, "table")?);
        let mut index = CreateIndex {
            name: syntax::field(node, "name").map(|n| self.ident(n)),
            table,
            unique: syntax::field(node, "unique").is_some(),
            concurrently: syntax::field(node, "concurrently").is_some(),
            if_not_exists: named_children(node).any(|c| c.kind() == "if_not_exists"),
            only: has_keyword(node, "ONLY"),
            method: named_children(node)
                .find(|c| c.kind() == "using_method")
                .and_then(|m| syntax::field(m, "method"))
                .map(|m| self.ident(m).name),
            elements: Vec::new(),
            include: Vec::new(),
            predicate: syntax::field(node, "predicate").map(|p| self.expr(p)),
            nulls_not_distinct: named_children(node)
                .filter(|c| c.kind() == "nulls_distinct")
                .any(|n| has_keyword(n, "NOT")),
            index_keyword: keyword(node, "INDEX")
                .map(|k| self.range(k))
                .unwrap_or_else(|| self.range(node)),
        };
        if let Some(elements) = syntax::field(node, "elements") {
            index.elements = named_children(elements)
                .filter(|e| e.kind() == "index_element")
                .map(|e| self.index_element(e))
                .collect();
            index.elements.shrink_to_fit();
        }
        for include in named_children(node).filter(|c| c.kind() == "include_clause") {
            index
                .include
                .extend(self.ident_list(field_children(include, "column")));
        }
        index.include.shrink_to_fit();
        Some(index)
    }

    pub fn index_element(&self, node: Node<'a>) -> IndexElement {
        let order = syntax::field(node, "order");
        let nulls = syntax::field(node, "nulls");
        IndexElement {
            column: syntax::field(node, "column").map(|c| self.ident(c)),
            expression: syntax::field(node, "expression").map(|e| Box::new(self.expr(e))),
            collation: named_children(node)
                .find(|c| c.kind() == "collate_clause")
                .and_then(|c| syntax::field(c, "collation"))
                .map(|c| self.object_name(c).name.name),
            opclass: syntax::field(node, "opclass").map(|o| self.object_name(o).name.name),
            descending: order.is_some_and(|o| self.text(o).eq_ignore_ascii_case("desc")),
            nulls_first: nulls.map(|_| has_keyword(node, "FIRST")),
            range: self.range(node),
        }
    }

    fn create_view(&self, node: Node<'a>) -> Option<Fact> {
        Some(Fact::CreateView {
            name: self.object_name(syntax::field(node, "name")?),
            materialized: node.kind() == "create_materialized_view",
            or_replace: has_keyword(node, "REPLACE"),
        })
    }

    fn create_function(&self, node: Node<'a>) -> Option<CreateFunction> {
        let mut function = CreateFunction {
            name: self.object_name(syntax::field(node, "name")?),
            kind: match syntax::field(node, "kind") {
                Some(kind) if self.text(kind).eq_ignore_ascii_case("procedure") => {
                    FunctionKind::Procedure
                }
                _ => FunctionKind::Function,
            },
            or_replace: has_keyword(node, "REPLACE"),
            parameter_types: Vec::new(),
            returns: syntax::field(node, "returns")
                .and_then(|r| syntax::field(r, "type"))
                .map(|t| self.type_ref(t)),
            language: None,
            security_definer: None,
            settings: Vec::new(),
            body: None,
            body_range: None,
        };
        if let Some(parameters) = syntax::field(node, "parameters") {
            for parameter in named_children(parameters) {
                let is_output = syntax::field(parameter, "mode")
                    .is_some_and(|m| self.text(m).eq_ignore_ascii_case("out"));
                if let (false, Some(ty)) = (is_output, syntax::field(parameter, "type")) {
                    function.parameter_types.push(self.type_ref(ty));
                }
            }
        }
        for option in named_children(node) {
            match option.kind() {
                "language_clause" => {
                    function.language = syntax::field(option, "name")
                        .map(|l| string_value(self.text(l)).to_ascii_lowercase());
                }
                "security_clause" => {
                    let definer = syntax::field(option, "mode")
                        .is_some_and(|m| self.text(m).eq_ignore_ascii_case("definer"));
                    function.security_definer = definer.then(|| self.range(option));
                }
                "function_set_clause" => {
                    if let Some(parameter) = syntax::field(option, "parameter") {
                        function.settings.push(self.ident(parameter).name);
                    }
                }
                "function_body" => {
                    function.body_range = Some(self.range(option));
                    function.body =
                        syntax::field(option, "definition").map(|d| string_value(self.text(d)));
                }
                "atomic_body" | "return_body" => {
                    function.body_range = Some(self.range(option));
                    function.body = Some(self.text(option).to_string());
                }
                _ => {}
            }
        }
        Some(function)
    }

    fn create_trigger(&self, node: Node<'a>) -> Option<CreateTrigger> {
        let timing = syntax::field(node, "timing")?;
        let timing = match collapse_words(self.text(timing)).as_str() {
            "before" => TriggerTiming::Before,
            "after" => TriggerTiming::After,
            _ => TriggerTiming::InsteadOf,
        };
        let mut trigger = CreateTrigger {
            name: self.ident(syntax::field(node, "name")?),
            table: self.object_name(syntax::field(node, "table")?),
            timing,
            events: Vec::new(),
            update_columns: Vec::new(),
            for_each_row: syntax::field(node, "for_each")
                .and_then(|f| syntax::field(f, "level"))
                .is_some_and(|level| self.text(level).eq_ignore_ascii_case("row")),
            function: syntax::field(node, "function")
                .and_then(|f| syntax::field(f, "function"))
                .map(|f| self.object_name(f))?,
        };
        if let Some(events) = syntax::field(node, "events") {
            for event in named_children(events) {
                let first = syntax::children(event)
                    .next()
                    .map(|k| k.kind().to_ascii_uppercase());
                trigger.events.push(match first.as_deref() {
                    Some("INSERT") => TriggerEvent::Insert,
                    Some("UPDATE") => TriggerEvent::Update,
                    Some("DELETE") => TriggerEvent::Delete,
                    _ => TriggerEvent::Truncate,
                });
                trigger
                    .update_columns
                    .extend(self.ident_list(field_children(event, "column")));
            }
        }
        Some(trigger)
    }

    fn create_policy(&self, node: Node<'a>) -> Option<CreatePolicy> {
        Some(CreatePolicy {
            name: self.ident(syntax::field(node, "name")?),
            table: self.object_name(syntax::field(node, "table")?),
            using: syntax::field(node, "using").map(|u| self.expr(u)),
            with_check: syntax::field(node, "with_check").map(|w| self.expr(w)),
        })
    }

    /// `CREATE SCHEMA s [CREATE TABLE t ...]`: the elements are created in `s`.
    fn create_schema(&self, node: Node<'a>) -> Vec<Fact> {
        let schema = syntax::field(node, "name")
            .or_else(|| syntax::field(node, "owner"))
            .map(|n| self.ident(n));
        let Some(schema) = schema else {
            return Vec::new();
        };
        let mut facts = vec![Fact::CreateSchema {
            name: schema.clone(),
            if_not_exists: named_children(node).any(|c| c.kind() == "if_not_exists"),
        }];
        for element in field_children(node, "element") {
            let (_, element_facts) = self.statement(element);
            for mut fact in element_facts {
                let name = match &mut fact {
                    Fact::CreateTable(table) => Some(&mut Arc::make_mut(table).name),
                    Fact::CreateIndex(index) => Some(&mut Arc::make_mut(index).table),
                    Fact::CreateView { name, .. } | Fact::CreateSequence { name, .. } => Some(name),
                    Fact::CreateTrigger(trigger) => Some(&mut Arc::make_mut(trigger).table),
                    _ => None,
                };
                if let Some(name) = name
                    && name.schema.is_none()
                {
                    name.schema = Some(schema.clone());
                }
                facts.push(fact);
            }
        }
        facts
    }

    fn create_type(&self, node: Node<'a>) -> Option<CreateType> {
        let name = self.object_name(syntax::field(node, "name")?);
        let definition = if let Some(values) = syntax::field(node, "values") {
            TypeDefinition::Enum {
                labels: named_children(values)
                    .filter(|v| v.kind() == "string")
                    .map(|v| (string_value(self.text(v)), self.range(v)))
                    .collect(),
            }
        } else if let Some(attributes) = syntax::field(node, "attributes") {
            TypeDefinition::Composite {
                attributes: named_children(attributes)
                    .filter(|a| a.kind() == "composite_attribute")
                    .map(|a| Arc::new(self.column_definition(a)))
                    .collect(),
            }
        } else if has_keyword(node, "RANGE") {
            TypeDefinition::Range
        } else if syntax::field(node, "options").is_some() {
            TypeDefinition::Base
        } else {
            TypeDefinition::Shell
        };
        Some(CreateType {
            name,
            definition,
            prisma_name: None,
        })
    }

    fn create_domain(&self, node: Node<'a>) -> Option<CreateDomain> {
        let mut domain = CreateDomain {
            name: self.object_name(syntax::field(node, "name")?),
            ty: Arc::new(self.type_ref(syntax::field(node, "type")?)),
            not_null: false,
            default: None,
            checks: Vec::new(),
        };
        for constraint in field_children(node, "constraint") {
            for body in named_children(constraint) {
                match body.kind() {
                    "not_null" => domain.not_null = true,
                    "default_clause" => {
                        domain.default = syntax::field(body, "value").map(|v| self.expr(v));
                    }
                    "check_constraint" => {
                        if let Some(expr) = syntax::field(body, "expression") {
                            domain.checks.push(self.expr(expr));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(domain)
    }

    /// `OWNED BY table.column` (`Some(vec![])` for `OWNED BY NONE`).
    fn owned_by(&self, node: Node) -> Option<Vec<Ident>> {
        let owner = named_children(node)
            .filter(|o| o.kind() == "sequence_option")
            .find_map(|o| syntax::field(o, "owned_by"))?;
        if owner.kind() != "column_reference" {
            return Some(Vec::new());
        }
        Some(
            self.ident_list(
                named_children(owner)
                    .filter(|p| matches!(p.kind(), "identifier" | "quoted_identifier")),
            ),
        )
    }

    fn alter_index(&self, node: Node<'a>) -> Option<Fact> {
        let name = self.object_name(syntax::field(node, "name")?);
        let action = syntax::field(node, "action");
        Some(Fact::AlterIndex {
            name,
            rename_to: action
                .filter(|a| a.kind() == "rename_table")
                .and_then(|a| syntax::field(a, "new_name"))
                .map(|n| self.ident(n)),
            attach_partition: syntax::field(node, "partition")
                .map(|p| Box::new(self.object_name(p))),
        })
    }

    fn alter_type(&self, node: Node<'a>) -> Option<Fact> {
        let name = self.object_name(syntax::field(node, "name")?);
        let action = syntax::field(node, "action")?;
        let string = |name: &str| syntax::field(action, name).map(|s| string_value(self.text(s)));
        let action = match action.kind() {
            "add_enum_value" => {
                let neighbor = string("neighbor");
                let before = has_keyword(action, "BEFORE");
                AlterTypeAction::AddValue {
                    value: string("value")?,
                    if_not_exists: named_children(action).any(|c| c.kind() == "if_not_exists"),
                    before: if before { neighbor.clone() } else { None },
                    after: if before { None } else { neighbor },
                }
            }
            "rename_enum_value" => AlterTypeAction::RenameValue {
                value: string("value")?,
                new_value: string("new_value")?,
            },
            "rename_table" => AlterTypeAction::Rename {
                new_name: self.ident(syntax::field(action, "new_name")?),
            },
            "set_schema" => AlterTypeAction::SetSchema {
                schema: self.ident(syntax::field(action, "schema")?),
            },
            "generic_action" => self.drop_value(action).unwrap_or(AlterTypeAction::Other),
            _ => AlterTypeAction::Other,
        };
        Some(Fact::AlterType { name, action })
    }

    /// `DROP VALUE 'label'` of an ALTER TYPE.
    fn drop_value(&self, action: Node) -> Option<AlterTypeAction> {
        let leaves = self.leaves(action);
        let [drop, value, label, ..] = leaves.as_slice() else {
            return None;
        };
        let is = |node: &Node, word: &str| self.text(*node).eq_ignore_ascii_case(word);
        if !is(drop, "drop") || !is(value, "value") || label.kind() != "string" {
            return None;
        }
        Some(AlterTypeAction::DropValue {
            value: string_value(self.text(*label)),
            range: super::TextRange::new(self.range(*drop).start(), self.range(*label).end()),
        })
    }

    fn drop(&self, node: Node<'a>) -> Option<Drop> {
        let kind_node = syntax::field(node, "kind")?;
        let kind = object_kind(&collapse_words(self.text(kind_node)));
        Some(Drop {
            concurrently: has_keyword(node, "CONCURRENTLY"),
            head: super::TextRange::new(0, self.range(kind_node).end()),
            kind,
            targets: field_children(node, "target")
                .filter_map(|t| named_children(t).find(|c| c.kind() == "object_reference"))
                .map(|t| self.object_name(t))
                .collect(),
            table: syntax::field(node, "table").map(|t| self.object_name(t)),
            if_exists: named_children(node).any(|c| c.kind() == "if_exists"),
            cascade: syntax::field(node, "behavior")
                .is_some_and(|b| self.text(b).eq_ignore_ascii_case("cascade")),
        })
    }

    fn comment(&self, node: Node<'a>) -> Option<Comment> {
        let kind = object_kind(&collapse_words(self.text(syntax::field(node, "kind")?)));
        let target = syntax::field(node, "target")?;
        let reference = named_children(target).find(|c| c.kind() == "column_reference")?;
        let mut parts: Vec<Ident> = named_children(reference)
            .filter(|p| matches!(p.kind(), "identifier" | "quoted_identifier"))
            .map(|p| self.ident(p))
            .collect();
        let comment = syntax::field(node, "comment")?;
        let text = match comment.kind() {
            "string" | "dollar_quoted_string" => Some(string_value(self.text(comment))),
            _ => None,
        };
        let column = if kind == ObjectKind::Column {
            parts.pop()
        } else {
            None
        };
        let name = parts.pop()?;
        let schema = parts.pop();
        let start = schema
            .as_ref()
            .map_or(name.range.start(), |s| s.range.start());
        Some(Comment {
            kind,
            target: ObjectName {
                range: super::TextRange::new(start, name.range.end()),
                schema,
                name,
            },
            column,
            on_table: syntax::field(node, "table").map(|t| self.object_name(t)),
            text,
        })
    }

    /// `SET search_path TO a, b` / `SET search_path = ''`.
    fn set_search_path(&self, node: Node) -> Option<Fact> {
        let parameter = syntax::field(node, "parameter")?;
        if !self.text(parameter).eq_ignore_ascii_case("search_path") {
            return None;
        }
        let value = syntax::field(node, "value")?;
        Some(Fact::SetSearchPath {
            schemas: named_children(value)
                .flat_map(|v| split_search_path(&self.value_text(v)))
                .collect(),
        })
    }

    /// `SET [LOCAL] lock_timeout = '5s'`: any parameter but the search path (see
    /// `set_search_path`); `RESET` sets nothing.
    fn set_parameter(&self, node: Node) -> Option<Fact> {
        let parameter = syntax::field(node, "parameter")?;
        if has_keyword(node, "RESET") {
            return None;
        }
        Some(Fact::SetParameter {
            name: self.text(parameter).to_ascii_lowercase(),
        })
    }

    /// pg_dump's `SELECT pg_catalog.set_config('search_path', '', false);`.
    fn set_config_search_path(&self, node: Node) -> Option<Fact> {
        let call = named_children(node).find(|c| c.kind() == "function_call")?;
        let function = syntax::field(call, "function")?;
        let name = self.text(function).to_ascii_lowercase();
        if name != "set_config" && name != "pg_catalog.set_config" {
            return None;
        }
        let arguments = syntax::field(call, "arguments")?;
        let strings: Vec<String> = named_children(arguments)
            .filter(|a| a.kind() == "string")
            .map(|a| string_value(self.text(a)))
            .collect();
        match strings.as_slice() {
            [parameter, value, ..] if parameter.eq_ignore_ascii_case("search_path") => {
                Some(Fact::SetSearchPath {
                    schemas: split_search_path(value),
                })
            }
            [parameter, ..] => Some(Fact::SetParameter {
                name: parameter.to_ascii_lowercase(),
            }),
            _ => None,
        }
    }

    /// `ALTER FUNCTION f(int) SECURITY DEFINER SET search_path = ''` (a generic ALTER): the
    /// function's name and the parameters it sets.
    fn alter_function(&self, node: Node) -> Option<Fact> {
        let leaves: Vec<Node> = syntax::descendants(node)
            .filter(|n| n.child_count() == 0 && !n.is_extra())
            .collect();
        let word = |index: usize| {
            leaves
                .get(index)
                .map(|leaf| self.text(*leaf).to_ascii_lowercase())
        };
        if word(0).as_deref() != Some("alter")
            || !matches!(
                word(1).as_deref(),
                Some("function" | "procedure" | "routine")
            )
        {
            return None;
        }
        // The name: identifiers joined by dots, up to the argument list or the action.
        let mut parts: Vec<Ident> = Vec::new();
        let mut next = 2;
        while let Some(leaf) = leaves.get(next) {
            if !matches!(leaf.kind(), "identifier" | "quoted_identifier") {
                break;
            }
            parts.push(self.ident(*leaf));
            if leaves
                .get(next + 1)
                .is_some_and(|dot| self.text(*dot) == ".")
            {
                next += 2;
            } else {
                next += 1;
                break;
            }
        }
        let name = parts.pop()?;
        let schema = parts.pop();
        let start = schema
            .as_ref()
            .map_or(name.range.start(), |s| s.range.start());
        let mut settings = Vec::new();
        let mut depth = 0usize;
        for (index, leaf) in leaves.iter().enumerate().skip(next) {
            match self.text(*leaf) {
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                text if depth == 0 && text.eq_ignore_ascii_case("set") => {
                    if let Some(parameter) = leaves.get(index + 1) {
                        settings.push(self.ident(*parameter).name);
                    }
                }
                _ => {}
            }
        }
        if settings.is_empty() {
            return None;
        }
        let range = super::TextRange::new(start, name.range.end());
        Some(Fact::AlterFunction {
            name: ObjectName {
                schema,
                name,
                range,
            },
            settings,
        })
    }

    fn value_text(&self, node: Node) -> String {
        match node.kind() {
            "string" => string_value(self.text(node)),
            "identifier" | "quoted_identifier" => self.ident(node).name,
            _ => self.text(node).to_string(),
        }
    }
}

/// `'"$user", public'` -> `["$user", "public"]`.
fn split_search_path(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|part| {
            let part = part.trim();
            super::unquote_ident(part).0
        })
        .filter(|part| !part.is_empty())
        .collect()
}

pub(crate) fn object_kind(words: &str) -> ObjectKind {
    match words {
        "table" => ObjectKind::Table,
        "index" => ObjectKind::Index,
        "view" => ObjectKind::View,
        "materialized view" => ObjectKind::MaterializedView,
        "sequence" => ObjectKind::Sequence,
        "type" => ObjectKind::Type,
        "domain" => ObjectKind::Domain,
        "schema" => ObjectKind::Schema,
        "extension" => ObjectKind::Extension,
        "function" => ObjectKind::Function,
        "procedure" => ObjectKind::Procedure,
        "trigger" => ObjectKind::Trigger,
        "policy" => ObjectKind::Policy,
        "rule" => ObjectKind::Rule,
        "column" => ObjectKind::Column,
        "constraint" => ObjectKind::Constraint,
        _ => ObjectKind::Other,
    }
}
