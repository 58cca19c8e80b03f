//! Document symbols (a file's outline, from its statements) and workspace symbols (the objects
//! of every schema source, filtered by a query).

use std::sync::Arc;

use crate::lower::{
    self, AlterTableAction, ConstraintKind, Fact, LoweredStatement, ObjectName, PlacedStatement,
    TypeDefinition,
};
use crate::model::{Loc, Model};
use crate::syntax::Language;
use crate::text::TextRange;
use crate::workspace::host::{FileView, Snapshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Table,
    Column,
    Constraint,
    Index,
    View,
    Sequence,
    Function,
    Trigger,
    Policy,
    Type,
    Enum,
    EnumLabel,
    Domain,
    Extension,
    Schema,
}

/// An entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    /// The type of a column, the table of an index, ...
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole definition.
    pub range: TextRange,
    /// The name.
    pub selection: TextRange,
    pub children: Vec<DocumentSymbol>,
}

/// The outline of `file`: what each statement creates, in text order.
pub fn document_symbols(file: &FileView) -> Vec<DocumentSymbol> {
    let outline = Outline {
        text: &file.data.text,
        language: file.data.language,
    };
    let mut out = Vec::new();
    for statement in file.data.statements.iter() {
        outline.statement(statement, &mut out);
    }
    without_empty_names(&mut out);
    out
}

/// Clients reject a symbol with an empty name (VS Code fails the whole outline): a table a syntax
/// error left without one (`CREATE TABLE (id int)`, typed halfway) is left out, with its columns.
fn without_empty_names(symbols: &mut Vec<DocumentSymbol>) {
    symbols.retain(|symbol| !symbol.name.is_empty());
    for symbol in symbols {
        without_empty_names(&mut symbol.children);
    }
}

struct Outline<'a> {
    text: &'a str,
    language: Language,
}

/// The pieces of a statement's symbols, with ranges made absolute.
struct At<'s> {
    statement: &'s PlacedStatement,
}

impl At<'_> {
    fn range(&self, relative: TextRange) -> TextRange {
        self.statement.absolute(relative)
    }

    fn lowered(&self) -> &LoweredStatement {
        &self.statement.lowered
    }
}

impl Outline<'_> {
    fn slice(&self, range: TextRange) -> &str {
        self.text
            .get(range.start() as usize..range.end() as usize)
            .unwrap_or("")
    }

    /// A name as written (quotes and schema included).
    fn written(&self, at: &At, name: &ObjectName) -> String {
        self.slice(at.range(name.range)).to_string()
    }

    fn symbol(
        &self,
        name: String,
        detail: Option<String>,
        kind: SymbolKind,
        range: TextRange,
        selection: TextRange,
    ) -> DocumentSymbol {
        DocumentSymbol {
            name,
            detail,
            kind,
            range,
            // Clients reject a name outside its symbol.
            selection: if range.contains_range(selection) {
                selection
            } else {
                range
            },
            children: Vec::new(),
        }
    }

    fn statement(&self, statement: &PlacedStatement, out: &mut Vec<DocumentSymbol>) {
        let at = At { statement };
        let whole = statement.range();
        let mut table: Option<DocumentSymbol> = None;
        for fact in &at.lowered().facts {
            match fact {
                Fact::CreateTable(create) => {
                    let name = match &create.prisma_name {
                        Some(model) => model.clone(),
                        None => self.written(&at, &create.name),
                    };
                    let mut symbol = self.symbol(
                        name,
                        None,
                        SymbolKind::Table,
                        whole,
                        at.range(create.name.name.range),
                    );
                    for column in &create.columns {
                        symbol.children.push(self.column(&at, column, None));
                    }
                    for constraint in &create.constraints {
                        symbol.children.push(self.constraint(&at, constraint, None));
                    }
                    table = Some(symbol);
                }
                Fact::CreateIndex(index) => {
                    let symbol = self.index(&at, index, table.is_none());
                    match &mut table {
                        // Prisma's @@index lives in its model.
                        Some(table) => table.children.push(symbol),
                        None => out.push(symbol),
                    }
                }
                Fact::AlterTable(alter) => {
                    let on = self.written(&at, &alter.name);
                    for action in &alter.actions {
                        match &action.action {
                            AlterTableAction::AddColumn { column, .. } => {
                                out.push(self.column(&at, column, Some(&on)));
                            }
                            AlterTableAction::AddConstraint(constraint) => {
                                out.push(self.constraint(&at, constraint, Some(&on)));
                            }
                            _ => {}
                        }
                    }
                }
                Fact::CreateView {
                    name, materialized, ..
                } => out.push(self.symbol(
                    self.written(&at, name),
                    materialized.then(|| "materialized view".to_string()),
                    SymbolKind::View,
                    whole,
                    at.range(name.name.range),
                )),
                Fact::CreateSequence { name, .. } => out.push(self.symbol(
                    self.written(&at, name),
                    None,
                    SymbolKind::Sequence,
                    whole,
                    at.range(name.name.range),
                )),
                Fact::CreateFunction(function) => {
                    let returns = function
                        .returns
                        .as_ref()
                        .map(|ty| format!("returns {}", self.slice(at.range(ty.range))));
                    out.push(self.symbol(
                        self.written(&at, &function.name),
                        returns,
                        SymbolKind::Function,
                        whole,
                        at.range(function.name.name.range),
                    ));
                }
                Fact::CreateTrigger(trigger) => out.push(self.symbol(
                    self.slice(at.range(trigger.name.range)).to_string(),
                    Some(format!("on {}", self.written(&at, &trigger.table))),
                    SymbolKind::Trigger,
                    whole,
                    at.range(trigger.name.range),
                )),
                Fact::CreatePolicy(policy) => out.push(self.symbol(
                    self.slice(at.range(policy.name.range)).to_string(),
                    Some(format!("on {}", self.written(&at, &policy.table))),
                    SymbolKind::Policy,
                    whole,
                    at.range(policy.name.range),
                )),
                Fact::CreateType(create) => out.push(self.user_type(&at, create)),
                Fact::CreateDomain(domain) => out.push(self.symbol(
                    self.written(&at, &domain.name),
                    Some(self.slice(at.range(domain.ty.range)).to_string()),
                    SymbolKind::Domain,
                    whole,
                    at.range(domain.name.name.range),
                )),
                Fact::CreateExtension { name, .. } => out.push(self.symbol(
                    name.name.clone(),
                    None,
                    SymbolKind::Extension,
                    whole,
                    at.range(name.range),
                )),
                Fact::CreateSchema { name, .. } => out.push(self.symbol(
                    name.name.clone(),
                    None,
                    SymbolKind::Schema,
                    whole,
                    at.range(name.range),
                )),
                _ => {}
            }
        }
        out.extend(table);
    }

    fn column(&self, at: &At, column: &lower::ColumnDef, table: Option<&str>) -> DocumentSymbol {
        let name = self.slice(at.range(column.name.range));
        let name = match table {
            Some(table) => format!("{table}.{name}"),
            None => name.to_string(),
        };
        let ty = column
            .ty
            .as_ref()
            .map(|ty| self.slice(at.range(ty.range)).to_string());
        self.symbol(
            name,
            ty,
            SymbolKind::Column,
            at.range(column.range),
            at.range(column.name.range),
        )
    }

    fn constraint(
        &self,
        at: &At,
        constraint: &lower::Constraint,
        table: Option<&str>,
    ) -> DocumentSymbol {
        let range = at.range(constraint.range);
        let (label, target) = match &constraint.kind {
            ConstraintKind::PrimaryKey { .. } => ("primary key", None),
            ConstraintKind::Unique { .. } => ("unique", None),
            ConstraintKind::Check(_) => ("check", None),
            ConstraintKind::Exclude { .. } => ("exclude", None),
            ConstraintKind::NotNull { .. } => ("not null", None),
            ConstraintKind::ForeignKey { references, .. } => {
                ("foreign key", Some(self.written(at, &references.table)))
            }
        };
        // A Prisma relation is a field: its name starts the range.
        let field = (self.language == Language::Prisma
            && matches!(constraint.kind, ConstraintKind::ForeignKey { .. }))
        .then(|| {
            let text = self.slice(range);
            let end = text.find(char::is_whitespace).unwrap_or(text.len());
            (
                text[..end].to_string(),
                TextRange::new(range.start(), range.start() + end as u32),
            )
        });
        let written_name = constraint.name.as_ref().filter(|_| field.is_none());
        let (name, selection) = match (field, written_name) {
            (Some(field), _) => field,
            (None, Some(name)) => (
                self.slice(at.range(name.range)).to_string(),
                at.range(name.range),
            ),
            (None, None) => (label.to_string(), range),
        };
        let mut detail = match target {
            Some(target) => format!("{label} → {target}"),
            None => label.to_string(),
        };
        if let Some(table) = table {
            detail.push_str(&format!(" on {table}"));
        }
        self.symbol(name, Some(detail), SymbolKind::Constraint, range, selection)
    }

    fn index(&self, at: &At, index: &Arc<lower::CreateIndex>, top_level: bool) -> DocumentSymbol {
        let selection = index.name.as_ref().map_or(index.index_keyword, |n| n.range);
        let name = match (&index.name, self.language) {
            (Some(name), Language::Prisma) => name.name.clone(),
            (Some(name), Language::Sql) => self.slice(at.range(name.range)).to_string(),
            (None, _) => "index".to_string(),
        };
        let unique = if index.unique {
            "unique index"
        } else {
            "index"
        };
        let detail = if top_level {
            format!("{unique} on {}", self.written(at, &index.table))
        } else {
            unique.to_string()
        };
        let range = if top_level {
            at.statement.range()
        } else {
            at.range(index.index_keyword)
        };
        self.symbol(
            name,
            Some(detail),
            SymbolKind::Index,
            range,
            at.range(selection),
        )
    }

    fn user_type(&self, at: &At, create: &lower::CreateType) -> DocumentSymbol {
        let name = match &create.prisma_name {
            Some(name) => name.clone(),
            None => self.written(at, &create.name),
        };
        let (kind, detail) = match &create.definition {
            TypeDefinition::Enum { .. } => (SymbolKind::Enum, "enum"),
            TypeDefinition::Composite { .. } => (SymbolKind::Type, "composite"),
            TypeDefinition::Range => (SymbolKind::Type, "range"),
            TypeDefinition::Base | TypeDefinition::Shell => (SymbolKind::Type, "base"),
        };
        let mut symbol = self.symbol(
            name,
            Some(detail.to_string()),
            kind,
            at.statement.range(),
            at.range(create.name.name.range),
        );
        match &create.definition {
            TypeDefinition::Enum { labels } => {
                for (label, range) in labels {
                    let range = at.range(*range);
                    symbol.children.push(self.symbol(
                        label.clone(),
                        None,
                        SymbolKind::EnumLabel,
                        range,
                        range,
                    ));
                }
            }
            TypeDefinition::Composite { attributes } => {
                for attribute in attributes {
                    symbol.children.push(self.column(at, attribute, None));
                }
            }
            _ => {}
        }
        symbol
    }
}

/// An object of the workspace matching a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The table of a column or index, the schema of a table.
    pub container: Option<String>,
    pub loc: Loc,
}

/// At most this many workspace symbols are returned, the best matches first.
const WORKSPACE_SYMBOLS: usize = 256;

/// The objects of every schema source whose name matches `query`: containing it (ignoring
/// case) first, prefixes before other matches, then those containing its characters in order.
pub fn workspace_symbols(snapshot: &Snapshot, query: &str) -> Vec<WorkspaceSymbol> {
    let query = query.to_lowercase();
    let mut seen: Vec<*const Model> = Vec::new();
    let mut found: Vec<(u8, WorkspaceSymbol)> = Vec::new();
    let mut files: Vec<&Arc<FileView>> = snapshot.files().collect();
    files.sort_by(|a, b| a.data.path.cmp(&b.data.path));
    for file in files {
        let Some(source) = &file.source else {
            continue;
        };
        let model = Arc::as_ptr(&source.model);
        if seen.contains(&model) {
            continue;
        }
        seen.push(model);
        // Views and sequences share the model's list; their statement tells them apart.
        let relation_kind = |loc: Loc| {
            let statement = snapshot
                .file_by_id(loc.file)
                .and_then(|file| file.data.statement_at(loc.range.start()));
            let sequence = statement.is_some_and(|s| {
                s.lowered
                    .facts
                    .iter()
                    .any(|f| matches!(f, Fact::CreateSequence { .. }))
            });
            if sequence {
                SymbolKind::Sequence
            } else {
                SymbolKind::View
            }
        };
        for_each_object(&source.model, &relation_kind, &mut |symbol| {
            if !symbol.name.is_empty()
                && let Some(score) = score(&query, &symbol.name)
            {
                found.push((score, symbol));
            }
        });
    }
    found.sort_by(|(a, x), (b, y)| {
        (a, x.name.len(), &x.name, &x.container).cmp(&(b, y.name.len(), &y.name, &y.container))
    });
    found.truncate(WORKSPACE_SYMBOLS);
    found.into_iter().map(|(_, symbol)| symbol).collect()
}

/// How well `name` matches `query` (lower case): lower is better, `None` is no match.
fn score(query: &str, name: &str) -> Option<u8> {
    let name = name.to_lowercase();
    if name == query {
        return Some(0);
    }
    if name.starts_with(query) {
        return Some(1);
    }
    if name.contains(query) {
        return Some(2);
    }
    let mut rest = name.chars();
    query
        .chars()
        .all(|wanted| rest.any(|c| c == wanted))
        .then_some(3)
}

/// The live objects of a model, each with the name it has now.
fn for_each_object(
    model: &Model,
    relation_kind: &dyn Fn(Loc) -> SymbolKind,
    emit: &mut dyn FnMut(WorkspaceSymbol),
) {
    let symbol = |name: &str, kind, container: Option<&str>, loc| WorkspaceSymbol {
        name: name.to_string(),
        kind,
        container: container.map(String::from),
        loc,
    };
    // A table a syntax error left without a name is left out with its columns, as in the outline.
    for table in model.live_tables().filter(|t| !t.name.name.is_empty()) {
        let name = table.prisma_name.as_deref().unwrap_or(&table.name.name);
        emit(symbol(
            name,
            SymbolKind::Table,
            Some(&table.name.schema),
            table.name_loc,
        ));
        for column in table.columns.iter().filter(|c| !c.inherited) {
            let name = column.prisma_name.as_deref().unwrap_or(&column.name);
            emit(symbol(
                name,
                SymbolKind::Column,
                Some(&table.name.name),
                column.name_loc(),
            ));
        }
    }
    for index in &model.indexes {
        let (Some(name), Some(written)) = (&index.name, &index.def.value.name) else {
            continue;
        };
        let table = &model.table(index.table).name.name;
        let loc = index.def.loc(written.range);
        emit(symbol(name, SymbolKind::Index, Some(table), loc));
    }
    for ty in &model.types {
        let name = ty.def.value.prisma_name.as_deref().unwrap_or(&ty.name.name);
        let kind = match ty.def.value.definition {
            TypeDefinition::Enum { .. } => SymbolKind::Enum,
            _ => SymbolKind::Type,
        };
        let loc = ty.def.loc(ty.def.value.name.name.range);
        emit(symbol(name, kind, Some(&ty.name.schema), loc));
    }
    for domain in &model.domains {
        let loc = domain.def.loc(domain.def.value.name.name.range);
        emit(symbol(
            &domain.name.name,
            SymbolKind::Domain,
            Some(&domain.name.schema),
            loc,
        ));
    }
    for function in &model.functions {
        let name = &function.value.name;
        let schema = name.schema.as_ref().map(|s| s.name.as_str());
        let loc = function.loc(name.name.range);
        emit(symbol(&name.name.name, SymbolKind::Function, schema, loc));
    }
    for trigger in &model.triggers {
        let def = &trigger.def.value;
        let table = trigger.table.map(|t| model.table(t).name.name.as_str());
        let loc = trigger.def.loc(def.name.range);
        emit(symbol(&def.name.name, SymbolKind::Trigger, table, loc));
    }
    for policy in &model.policies {
        let def = &policy.def.value;
        let table = policy.table.map(|t| model.table(t).name.name.as_str());
        let loc = policy.def.loc(def.name.range);
        emit(symbol(&def.name.name, SymbolKind::Policy, table, loc));
    }
    for (name, loc) in &model.other_relations {
        emit(symbol(
            &name.name,
            relation_kind(*loc),
            Some(&name.schema),
            *loc,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    /// The outline as indented `name (detail): text of the name` lines.
    fn outline(fixture: &Fixture, file: &FileView) -> Vec<String> {
        fn walk(
            fixture: &Fixture,
            file: &FileView,
            symbols: &[DocumentSymbol],
            depth: usize,
            out: &mut Vec<String>,
        ) {
            for symbol in symbols {
                assert!(symbol.range.contains_range(symbol.selection), "{symbol:?}");
                let detail = symbol.detail.as_deref().unwrap_or("");
                out.push(format!(
                    "{}{:?} {} ({detail}) at {}",
                    "  ".repeat(depth),
                    symbol.kind,
                    symbol.name,
                    fixture.describe_in(file, symbol.selection)
                ));
                walk(fixture, file, &symbol.children, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        walk(fixture, file, &document_symbols(file), 0, &mut out);
        out
    }

    #[test]
    fn sql_outline() {
        let fixture = Fixture::new(
            "CREATE TYPE mood AS ENUM ('ok', 'sad');\r\n\
             CREATE TABLE public.\"Größe\" (\r\n  id bigint PRIMARY KEY,\r\n  m mood,\r\n  CONSTRAINT g_m CHECK (m <> 'sad')\r\n);\r\n\
             CREATE UNIQUE INDEX g_idx ON \"Größe\" (m);\r\n\
             ALTER TABLE \"Größe\" ADD COLUMN note text;\r\n\
             CREATE FUNCTION f() RETURNS trigger LANGUAGE sql AS 'select 1';\r\n\
             CREATE POLICY p ON \"Größe\" USING (true);\r\n",
        );
        let file = fixture.file("schema.sql");
        assert_eq!(
            outline(&fixture, file),
            [
                "Enum mood (enum) at 1 mood",
                "  EnumLabel ok () at 1 'ok'",
                "  EnumLabel sad () at 1 'sad'",
                "Table public.\"Größe\" () at 2 \"Größe\"",
                "  Column id (bigint) at 3 id",
                "  Column m (mood) at 4 m",
                "  Constraint g_m (check) at 5 g_m",
                "Index g_idx (unique index on \"Größe\") at 7 g_idx",
                "Column \"Größe\".note (text) at 8 note",
                "Function f (returns trigger) at 9 f",
                "Policy p (on \"Größe\") at 10 p",
            ]
        );
    }

    #[test]
    fn a_table_without_a_name_is_left_out() {
        let fixture = Fixture::new("CREATE TABLE (id int);\nCREATE TABLE t (\"\" int, a int);\n");
        let file = fixture.file("schema.sql");
        assert_eq!(
            outline(&fixture, file),
            [
                "Table t () at 2 t",
                "  Column \"\" (int) at 2 \"\"",
                "  Column a (int) at 2 a"
            ]
        );
        let names: Vec<String> = workspace_symbols(&fixture.snapshot, "")
            .into_iter()
            .map(|symbol| symbol.name)
            .collect();
        assert_eq!(names, ["a", "t"]);
    }

    #[test]
    fn prisma_outline() {
        let fixture = Fixture::new(
            "//- schema.prisma\n\
             model User {\n  id    Int    @id\n  posts Post[]\n}\n\n\
             model Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n  @@index([authorId])\n}\n",
        );
        let file = fixture.file("schema.prisma");
        assert_eq!(
            outline(&fixture, file),
            [
                "Table User () at 1 User",
                "  Column id (Int) at 2 id",
                "  Column posts (Post[]) at 3 posts",
                "Table Post () at 6 Post",
                "  Column id (Int) at 7 id",
                "  Column authorId (Int) at 9 authorId",
                "  Constraint author (foreign key → User) at 8 author",
                "  Index Post_authorId_idx (index) at 10 @@index([authorId])",
            ]
        );
    }

    #[test]
    fn workspace_symbols_match_names_best_first() {
        let fixture = Fixture::new(
            "//- a.sql\n\
             CREATE TABLE users (id bigint PRIMARY KEY, user_name text);\n\
             CREATE TABLE audit (id bigint, u_ser text);\n\
             CREATE SEQUENCE user_seq;\n\
             CREATE VIEW users_v AS SELECT 1;\n\
             //- b/schema.sql\n\
             CREATE TABLE superusers (id bigint);\n",
        );
        let found: Vec<String> = workspace_symbols(&fixture.snapshot, "User")
            .into_iter()
            .map(|s| {
                let container = s.container.unwrap_or_default();
                format!(
                    "{:?} {} in {container} at {}",
                    s.kind,
                    s.name,
                    fixture.describe(s.loc)
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "Table users in public at a.sql:1 users",
                "View users_v in public at a.sql:4 users_v",
                "Sequence user_seq in public at a.sql:3 user_seq",
                "Column user_name in users at a.sql:1 user_name",
                "Table superusers in public at b/schema.sql:1 superusers",
                "Column u_ser in audit at a.sql:2 u_ser",
            ]
        );
        assert_eq!(workspace_symbols(&fixture.snapshot, "").len(), 10);
    }
}
