//! Applying facts to the model, statement by statement.

use super::names::{NameRef, SearchPath};
use super::{
    Column, Constraint, Domain, FileId, FileInput, FileMeta, FormerName, Index, Located, Model,
    ModelEvent, Origin, Policy, QualifiedName, RewriteRule, Table, TableId, Trigger, UserType,
};
use crate::lower::{
    AlterTable, AlterTableAction, AlterTypeAction, ColumnDef, Command, CommandVerb, Comment,
    ConstraintKind, CreateIndex, CreateTable, Drop, Expr, Fact, Ident, ObjectKind, ObjectName,
    PlacedStatement, RlsMode, TypeDefinition,
};
use crate::syntax::Language;
use std::cell::Cell;
use std::sync::Arc;

#[derive(Clone)]
pub(super) struct Builder {
    pub model: Model,
    search_path: SearchPath,
    /// Whether the statement being applied read the search path: it named something without a
    /// schema. Only such statements can mean something else after the path changes.
    searched: Cell<bool>,
    language: Language,
    /// Foreign keys whose target did not exist when they were created: (table, constraint index,
    /// target name, the schemas searched then).
    pending_targets: Vec<(TableId, usize, ObjectName, Vec<String>)>,
    /// How many statements have been applied.
    applied: usize,
    /// For each table, by id, how many statements had been applied when it last changed.
    pub changed_at: Vec<usize>,
}

/// How many tables and indexes a run of statements creates (and how many statements it applies
/// to a table, for a build that resumes).
#[derive(Debug, Default)]
pub struct Created {
    pub tables: usize,
    pub indexes: usize,
    /// Statements that apply to a table (`Model::statement_tables`).
    pub statement_tables: usize,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            model: Model::default(),
            search_path: SearchPath::default(),
            searched: Cell::new(false),
            language: Language::Sql,
            pending_targets: Vec::new(),
            applied: 0,
            changed_at: Vec::new(),
        }
    }

    /// Makes room for what is about to be created: the tables and indexes then grow in one
    /// step, not by doubling, which for a schema of 150,000 tables held the old and the new
    /// copy of the tables at once, a third of the model's size more.
    pub fn reserve(&mut self, created: &Created) {
        self.model.tables.reserve_exact(created.tables);
        self.model.live.reserve(created.tables);
        self.model.indexes.reserve_exact(created.indexes);
        self.model
            .statement_tables
            .reserve(created.statement_tables);
    }

    /// Makes room for `total` tables and indexes in all (a few more, for an edit that adds
    /// some), counting those already there.
    pub fn reserve_for(&mut self, total: &Created) {
        const SLACK: usize = 16;
        let room = |total: usize, len: usize| (total + SLACK).saturating_sub(len);
        self.reserve(&Created {
            tables: room(total.tables, self.model.tables.len()),
            indexes: room(total.indexes, self.model.indexes.len()),
            statement_tables: room(total.statement_tables, self.model.statement_tables.len()),
        });
    }

    /// Starts the file at position `order` of the source.
    pub fn enter_file(&mut self, order: usize, file: &FileInput) {
        self.model.files.push(FileMeta {
            file: file.file,
            order,
            is_migration: file.history.is_migration(),
            history: file.history,
            language: file.language,
        });
        // Every migration (and schema file) runs in a session of its own.
        self.search_path = SearchPath::default();
        self.language = file.language;
    }

    pub fn apply_statement(&mut self, file: FileId, statement: &PlacedStatement) {
        let origin = Origin {
            file,
            base: statement.start,
            statement: statement.range(),
        };
        for fact in &statement.lowered.facts {
            self.apply(fact, origin);
        }
        if self.searched.take() {
            self.model.search_path_readers.push((file, statement.start));
        }
        self.applied += 1;
    }

    pub fn finish(mut self) -> Model {
        for (table, index, target, schemas) in std::mem::take(&mut self.pending_targets) {
            let resolved = self.resolve_in(&target, &schemas);
            if let Some(constraint) = self.table_mut(table).constraints.get_mut(index) {
                constraint.target = resolved;
            }
        }
        // A Prisma field typed with a model is a relation, not a column; lowering keeps it
        // because it cannot tell a model from an enum defined in another file.
        let models = &self.model.prisma_models;
        for table in self
            .model
            .tables
            .iter_mut()
            .filter(|t| t.language == Language::Prisma)
        {
            Arc::make_mut(table).columns.retain(|column| {
                !column.ty.as_ref().is_some_and(|ty| {
                    ty.value.schema.is_none() && models.contains_key(&ty.value.name)
                })
            });
        }
        self.model.indexes_by_table =
            super::IndexesByTable::new(&self.model.indexes, self.model.tables.len());
        self.model
    }

    fn apply(&mut self, fact: &Fact, origin: Origin) {
        match fact {
            Fact::CreateTable(table) => self.create_table(table, origin),
            Fact::AlterTable(alter) => self.alter_table(alter, origin),
            Fact::CreateIndex(index) => self.create_index(index, origin),
            Fact::AlterIndex {
                name, rename_to, ..
            } => {
                let Some(new_name) = rename_to else {
                    return;
                };
                let model = &mut self.model;
                let wanted = &name.name.name;
                // An index written without a name has the one PostgreSQL derives.
                let derived = |i: &Index| {
                    let table = &model.tables[i.table.0 as usize].name.name;
                    super::names::implied_index_name(table, &i.def.value)
                };
                let found = model
                    .indexes
                    .iter()
                    .position(|i| i.name.as_deref() == Some(wanted))
                    .or_else(|| {
                        model
                            .indexes
                            .iter()
                            .position(|i| i.name.is_none() && derived(i) == *wanted)
                    });
                match found {
                    Some(position) => {
                        let index = &mut model.indexes[position];
                        let old = index.name.replace(new_name.name.clone());
                        index.former_names.push(FormerName {
                            name: old.unwrap_or_else(|| wanted.clone()),
                            until: origin.statement_loc(),
                        });
                    }
                    // The index of a key or unique constraint: renaming it renames the
                    // constraint.
                    None => self.rename_constraint_index(&name.name, new_name),
                }
            }
            Fact::CreateView {
                name, or_replace, ..
            } => {
                let qualified = self.qualify_for_creation(name);
                let exists = self
                    .model
                    .other_relations
                    .iter()
                    .any(|(n, _)| *n == qualified);
                if !(exists && *or_replace) {
                    self.model
                        .other_relations
                        .push((qualified, origin.loc(name.range)));
                }
            }
            Fact::CreateSequence { name, .. } => {
                let qualified = self.qualify_for_creation(name);
                self.model
                    .other_relations
                    .push((qualified, origin.loc(name.range)));
            }
            Fact::AlterSequence { .. } => {}
            Fact::CreateFunction(function) => {
                self.model.functions.push(Located {
                    value: function.clone(),
                    origin,
                });
            }
            Fact::CreateTrigger(trigger) => {
                let table = self.resolve(&trigger.table);
                self.model.triggers.push(Trigger {
                    def: Located {
                        value: trigger.clone(),
                        origin,
                    },
                    table,
                });
            }
            Fact::CreatePolicy(policy) => {
                let table = self.resolve(&policy.table);
                if let Some(table) = table {
                    for expr in policy.using.iter().chain(&policy.with_check) {
                        self.require_expr_columns(table, expr, origin);
                    }
                }
                self.model.policies.push(Policy {
                    def: Located {
                        value: policy.clone(),
                        origin,
                    },
                    table,
                });
            }
            Fact::CreateExtension { name, .. } => {
                self.model
                    .extensions
                    .push((name.name.clone(), origin.loc(name.range)));
            }
            Fact::CreateSchema { name, .. } => {
                self.model
                    .schemas
                    .push((name.name.clone(), origin.loc(name.range)));
            }
            Fact::CreateType(create) => {
                let name = self.qualify_for_creation(&create.name);
                let labels = match &create.definition {
                    TypeDefinition::Enum { labels } => {
                        labels.iter().map(|(l, _)| l.clone()).collect()
                    }
                    _ => Vec::new(),
                };
                // A shell type (`CREATE TYPE t;`) is completed by a later definition.
                self.model.types.retain(|t| {
                    !(t.name == name && matches!(t.def.value.definition, TypeDefinition::Shell))
                });
                self.model.types.push(UserType {
                    name,
                    def: Located {
                        value: create.clone(),
                        origin,
                    },
                    labels,
                    former_names: Vec::new(),
                });
            }
            Fact::AlterType { name, action } => self.alter_type(name, action, origin),
            Fact::CreateDomain(domain) => {
                let name = self.qualify_for_creation(&domain.name);
                self.model.domains.push(Domain {
                    name,
                    def: Located {
                        value: domain.clone(),
                        origin,
                    },
                });
            }
            Fact::CreateRule { name, table } => {
                let resolved = self.resolve(table);
                let relation = match resolved {
                    Some(id) => self.model.table(id).name.clone(),
                    None => self.view_name(table),
                };
                self.model.rewrite_rules.push(RewriteRule {
                    name: name.name.clone(),
                    name_loc: origin.loc(name.range),
                    table: resolved,
                    relation,
                });
            }
            Fact::Drop(drop) => self.drop(drop, origin),
            Fact::Comment(comment) => self.comment(comment, origin),
            Fact::SetSearchPath { schemas } => self.search_path.set(schemas),
            Fact::Command(command) => self.command(command, origin),
            Fact::SetParameter { .. } => {}
            Fact::AlterFunction { name, settings } => {
                // Without argument types the overload is unknown; every one of that name counts.
                let functions = self.model.functions.iter_mut().filter(|f| {
                    let written = &f.value.name;
                    written.name.name == name.name.name
                        && match (&name.schema, &written.schema) {
                            (Some(wanted), Some(schema)) => wanted.name == schema.name,
                            _ => true,
                        }
                });
                for function in functions {
                    Arc::make_mut(&mut function.value)
                        .settings
                        .extend(settings.iter().cloned());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Name resolution

    /// The schemas `name` is looked up in, in order (unused when it has a schema).
    fn lookup_schemas(&self, name: &ObjectName) -> impl Iterator<Item = &str> {
        if name.schema.is_none() {
            self.searched.set(true);
        }
        self.search_path.lookup_schemas()
    }

    /// The name an object is created under.
    fn qualify_for_creation(&self, name: &ObjectName) -> QualifiedName {
        if name.schema.is_none() {
            self.searched.set(true);
        }
        self.search_path.qualify_for_creation(name)
    }

    /// The live table a name refers to now.
    fn resolve(&self, name: &ObjectName) -> Option<TableId> {
        if self.language == Language::Prisma
            && let Some(id) = self.model.prisma_models.get(&name.name.name)
        {
            return Some(*id);
        }
        self.resolve_among(name, self.lookup_schemas(name))
    }

    fn resolve_in(&self, name: &ObjectName, schemas: &[String]) -> Option<TableId> {
        self.resolve_among(name, schemas.iter().map(String::as_str))
    }

    /// A qualified name needs no search path (pg_dump qualifies every name); an unqualified one
    /// is looked up in `schemas`, in order.
    fn resolve_among<'s>(
        &self,
        name: &ObjectName,
        schemas: impl Iterator<Item = &'s str>,
    ) -> Option<TableId> {
        let live = &self.model.live;
        if let Some(schema) = &name.schema {
            return live
                .get(&NameRef {
                    schema: &schema.name,
                    name: &name.name.name,
                })
                .copied();
        }
        if let Some(id) = self.model.prisma_models.get(&name.name.name)
            && self.language == Language::Prisma
        {
            return Some(*id);
        }
        for schema in schemas {
            if let Some(id) = live.get(&NameRef {
                schema,
                name: &name.name.name,
            }) {
                return Some(*id);
            }
        }
        // A schema file may rely on a search path set outside it; accept an unambiguous name.
        let mut candidates = live.iter().filter(|(n, _)| n.name == name.name.name);
        match (candidates.next(), candidates.next()) {
            (Some((_, id)), None) => Some(*id),
            _ => None,
        }
    }

    /// The qualified name of a view (or sequence) an unqualified name finds through the search
    /// path; one the model does not know is taken to be in the first schema of the path.
    fn view_name(&self, name: &ObjectName) -> QualifiedName {
        if name.schema.is_none() {
            for schema in self.lookup_schemas(name) {
                let candidate = QualifiedName::new(schema, &name.name.name);
                if self
                    .model
                    .other_relations
                    .iter()
                    .any(|(n, _)| *n == candidate)
                {
                    return candidate;
                }
            }
        }
        self.qualify_for_creation(name)
    }

    fn rename_constraint_index(&mut self, name: &Ident, new_name: &Ident) {
        // Found before anything is copied: only the table that holds it is.
        let found = self.model.tables.iter().rev().find_map(|table| {
            let position = table.constraints.iter().position(|c| {
                matches!(
                    c.kind(),
                    ConstraintKind::PrimaryKey { .. }
                        | ConstraintKind::Unique { .. }
                        | ConstraintKind::Exclude { .. }
                ) && c.is_named(&table.name.name, &name.name)
            })?;
            Some((table.id, position))
        });
        if let Some((table, position)) = found {
            rename_constraint(
                &mut self.table_mut(table).constraints[position],
                name,
                new_name,
            );
        }
    }

    fn table_mut(&mut self, id: TableId) -> &mut Table {
        if let Some(changed) = self.changed_at.get_mut(id.0 as usize) {
            *changed = self.applied;
        }
        // Copied first if the checkpoint or an earlier model shares it.
        Arc::make_mut(&mut self.model.tables[id.0 as usize])
    }

    /// Records an unknown-column event unless the column exists (or the table's columns are not
    /// fully known).
    fn require_column(&mut self, table: TableId, column: &Ident, origin: Origin) {
        let known = self.model.table(table);
        if known.columns_incomplete || known.column(&column.name).is_some() {
            return;
        }
        // Prisma relations may name fields by their Prisma name.
        if known
            .columns
            .iter()
            .any(|c| c.prisma_name.as_deref() == Some(column.name.as_str()))
        {
            return;
        }
        self.model.events.push(ModelEvent::UnknownColumn {
            table,
            column: column.name.clone(),
            at: origin.loc(column.range),
        });
    }

    /// `require_column` for the names an expression's token tree takes for columns. An unquoted
    /// keyword there is more likely SQL syntax the summary does not know (`IS NFC NORMALIZED`,
    /// `PASSING BY REF`) than a column, and the table's own name is a whole-row reference.
    fn require_expr_columns(&mut self, table: TableId, expr: &Expr, origin: Origin) {
        for column in &expr.columns {
            let keyword = !column.quoted
                && crate::catalog::keywords::keyword_category(&column.name).is_some();
            if keyword || self.model.table(table).name.name == column.name {
                continue;
            }
            self.require_column(table, column, origin);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Tables

    fn create_table(&mut self, create: &CreateTable, origin: Origin) {
        let name = self.qualify_for_creation(&create.name);
        let name_loc = origin.loc(create.name.name.range);
        if let Some(existing) = self.model.live.get(&name) {
            if !create.if_not_exists {
                let first = self.model.table(*existing).name_loc;
                self.model.events.push(ModelEvent::DuplicateTable {
                    name,
                    at: name_loc,
                    first,
                });
            }
            return;
        }
        let id = TableId(self.model.tables.len() as u32);
        let mut table = Table {
            id,
            name: name.clone(),
            prisma_name: create.prisma_name.clone(),
            language: self.language,
            name_loc,
            created: origin,
            columns: Vec::new(),
            constraints: Vec::new(),
            persistence: create.persistence,
            partition_of: None,
            partitioned: create.partitioned,
            of_type: create.of_type.is_some(),
            inherits: Vec::new(),
            inherits_loc: create.inherits_range.map(|r| origin.loc(r)),
            like: !create.like.is_empty(),
            columns_incomplete: create.as_query,
            rls_enabled: None,
            rls_forced: false,
            comment: None,
            elements: create.elements_range.map(|r| origin.loc(r)),
            dropped: false,
            former_names: Vec::new(),
        };

        // Columns that come from elsewhere come first, as in PostgreSQL.
        let mut from_inherits: Vec<String> = Vec::new();
        let mut parents: Vec<&ObjectName> = Vec::new();
        parents.extend(create.partition_of.as_ref());
        parents.extend(create.inherits.iter());
        parents.extend(create.like.iter());
        for parent in parents {
            match self.resolve(parent) {
                Some(parent_id) => {
                    let parent_table = self.model.table(parent_id);
                    table.columns_incomplete |= parent_table.columns_incomplete;
                    let inherits = create.inherits.contains(parent);
                    for column in &parent_table.columns {
                        if inherits {
                            from_inherits.push(column.name.clone());
                        }
                        if table.column(&column.name).is_none() {
                            let mut inherited = column.clone();
                            inherited.inherited = true;
                            table.columns.push(inherited);
                        }
                    }
                    let qualified = parent_table.name.clone();
                    if create.partition_of.as_ref() == Some(parent) {
                        table.partition_of = Some(qualified);
                    } else if create.inherits.contains(parent) {
                        table.inherits.push(qualified);
                    }
                }
                None => {
                    table.columns_incomplete = true;
                    let qualified = self.qualify_for_creation(parent);
                    if create.partition_of.as_ref() == Some(parent) {
                        table.partition_of = Some(qualified);
                    } else if create.inherits.contains(parent) {
                        table.inherits.push(qualified);
                    }
                }
            }
        }
        if let Some(of_type) = &create.of_type {
            let composite = self.model.types.iter().rev().find(|t| {
                t.name.name == of_type.name.name
                    && of_type
                        .schema
                        .as_ref()
                        .is_none_or(|s| s.name == t.name.schema)
            });
            match composite.map(|t| (&t.def.value.definition, t.def.origin)) {
                Some((TypeDefinition::Composite { attributes }, type_origin)) => {
                    for attribute in attributes {
                        let mut column = new_column(attribute, type_origin);
                        column.inherited = true;
                        table.columns.push(column);
                    }
                }
                _ => table.columns_incomplete = true,
            }
        }

        // Grown by doubling, a table's columns could hold twice the room they use.
        table.columns.reserve_exact(create.columns.len());
        for def in &create.columns {
            match table.columns.iter_mut().find(|c| c.name == def.name.name) {
                // Partitions and typed tables adjust inherited columns (`col WITH OPTIONS ...`).
                Some(existing) if existing.inherited && def.ty.is_none() => {
                    merge_options(existing, def, origin);
                }
                // A local definition of a column an INHERITS parent has merges with it; PostgreSQL
                // only notes it. The local definition is what this statement says of the column.
                Some(existing) if existing.inherited && from_inherits.contains(&def.name.name) => {
                    *existing = new_column(def, origin);
                }
                Some(existing) => {
                    let first = existing.name_loc();
                    self.model.events.push(ModelEvent::DuplicateColumn {
                        table: name.clone(),
                        column: def.name.name.clone(),
                        at: origin.loc(def.name.range),
                        first,
                    });
                }
                None => table.columns.push(new_column(def, origin)),
            }
        }
        let inline: Vec<(String, Arc<crate::lower::Constraint>)> = create
            .columns
            .iter()
            .flat_map(|c| {
                c.constraints
                    .iter()
                    .map(move |k| (c.name.name.clone(), k.clone()))
            })
            .collect();

        if let Some(prisma_name) = &create.prisma_name {
            self.model.prisma_models.insert(prisma_name.clone(), id);
        }
        self.model.live.insert(name, id);
        self.model.tables.push(Arc::new(table));
        self.changed_at.push(self.applied);

        for (column, constraint) in inline {
            self.add_constraint(id, constraint, Some(column), origin);
        }
        for constraint in &create.constraints {
            self.add_constraint(id, constraint.clone(), None, origin);
        }
    }

    fn add_constraint(
        &mut self,
        table: TableId,
        constraint: Arc<crate::lower::Constraint>,
        inline_column: Option<String>,
        origin: Origin,
    ) {
        let mut target = None;
        match &constraint.kind {
            ConstraintKind::PrimaryKey { columns } => {
                for column in columns {
                    self.require_column(table, column, origin);
                    let at = origin.loc(constraint.range);
                    if let Some(col) = self.table_mut(table).column_mut(&column.name) {
                        col.not_null.get_or_insert(at);
                    }
                }
            }
            ConstraintKind::Unique { columns, .. } | ConstraintKind::Exclude { columns } => {
                for column in columns {
                    self.require_column(table, column, origin);
                }
            }
            ConstraintKind::Check(expr) => self.require_expr_columns(table, expr, origin),
            ConstraintKind::NotNull { column } => {
                self.require_column(table, column, origin);
                let at = origin.loc(constraint.range);
                if let Some(col) = self.table_mut(table).column_mut(&column.name) {
                    col.not_null.get_or_insert(at);
                }
            }
            ConstraintKind::ForeignKey {
                columns,
                references,
            } => {
                if inline_column.is_none() {
                    for column in columns {
                        self.require_column(table, column, origin);
                    }
                }
                target = self.resolve(&references.table);
                // A self-reference inside CREATE TABLE resolves to the table being created.
                if target.is_none() {
                    let index = self.model.table(table).constraints.len();
                    let schemas = self
                        .lookup_schemas(&references.table)
                        .map(String::from)
                        .collect();
                    self.pending_targets
                        .push((table, index, references.table.clone(), schemas));
                }
            }
        }
        let foreign_key = matches!(constraint.kind, ConstraintKind::ForeignKey { .. });
        let located = Located {
            value: constraint,
            origin,
        };
        self.table_mut(table).constraints.push(Constraint {
            def: located,
            inline_column,
            target,
            foreign_key,
        });
    }

    fn alter_table(&mut self, alter: &AlterTable, origin: Origin) {
        let Some(id) = self.resolve(&alter.name) else {
            return;
        };
        self.model
            .statement_tables
            .insert((origin.file, origin.base), id);
        for action in &alter.actions {
            self.alter_table_action(id, &action.action, origin, alter.only);
        }
    }

    /// The table and, unless ONLY was written, its partitions and children (recursively).
    fn with_descendants(&self, id: TableId, only: bool) -> Vec<TableId> {
        let mut all = vec![id];
        if only {
            return all;
        }
        let mut next = 0;
        while next < all.len() {
            let parent = self.model.table(all[next]).name.clone();
            for table in self.model.live_tables() {
                let child = table.partition_of.as_ref() == Some(&parent)
                    || table.inherits.contains(&parent);
                if child && !all.contains(&table.id) {
                    all.push(table.id);
                }
            }
            next += 1;
        }
        all
    }

    /// The tables a DROP TABLE removes: the table, its partitions (always) and, with CASCADE,
    /// the tables that inherit from it.
    fn dropped_with(&self, id: TableId, cascade: bool) -> Vec<TableId> {
        let mut all = vec![id];
        let mut next = 0;
        while next < all.len() {
            let parent = &self.model.table(all[next]).name;
            for table in self.model.live_tables() {
                let child = table.partition_of.as_ref() == Some(parent)
                    || (cascade && table.inherits.contains(parent));
                if child && !all.contains(&table.id) {
                    all.push(table.id);
                }
            }
            next += 1;
        }
        all
    }

    fn alter_table_action(
        &mut self,
        id: TableId,
        action: &AlterTableAction,
        origin: Origin,
        only: bool,
    ) {
        match action {
            AlterTableAction::AddColumn {
                column,
                if_not_exists,
            } => {
                for (position, target) in self.with_descendants(id, only).into_iter().enumerate() {
                    let existing = self
                        .model
                        .table(target)
                        .column(&column.name.name)
                        .map(|c| c.name_loc());
                    match existing {
                        Some(first) if position == 0 && !if_not_exists => {
                            let table = self.model.table(target).name.clone();
                            self.model.events.push(ModelEvent::DuplicateColumn {
                                table,
                                column: column.name.name.clone(),
                                at: origin.loc(column.name.range),
                                first,
                            });
                        }
                        Some(_) => {}
                        None => {
                            let mut new = new_column(column, origin);
                            new.inherited = position > 0;
                            self.table_mut(target).columns.push(new);
                        }
                    }
                }
                for constraint in &column.constraints {
                    self.add_constraint(
                        id,
                        constraint.clone(),
                        Some(column.name.name.clone()),
                        origin,
                    );
                }
            }
            AlterTableAction::AddConstraint(constraint) => {
                self.add_constraint(id, constraint.clone(), None, origin);
            }
            AlterTableAction::DropColumn { column, if_exists } => {
                if !if_exists {
                    self.require_column(id, column, origin);
                }
                for target in self.with_descendants(id, only) {
                    let table = self.table_mut(target);
                    table.columns.retain(|c| c.name != column.name);
                    // Indexes and constraints on a dropped column go with it.
                    table
                        .constraints
                        .retain(|c| !c.columns().contains(&column.name.as_str()));
                    self.model.indexes.retain(|i| {
                        i.table != target || !i.columns().contains(&Some(column.name.as_str()))
                    });
                }
            }
            AlterTableAction::DropConstraint { name, .. } => {
                let table = self.table_mut(id);
                let table_name = table.name.name.clone();
                table
                    .constraints
                    .retain(|c| !c.is_named(&table_name, &name.name));
            }
            AlterTableAction::AlterColumnType { column, ty, .. } => {
                self.require_column(id, column, origin);
                for target in self.with_descendants(id, only) {
                    if let Some(col) = self.table_mut(target).column_mut(&column.name) {
                        col.ty = Some(Located {
                            value: ty.clone(),
                            origin,
                        });
                    }
                }
            }
            AlterTableAction::SetDefault { column, value } => {
                self.require_column(id, column, origin);
                if let Some(col) = self.table_mut(id).column_mut(&column.name) {
                    col.default = Some(Located {
                        value: value.clone(),
                        origin,
                    });
                }
            }
            AlterTableAction::DropDefault { column } => {
                self.require_column(id, column, origin);
                if let Some(col) = self.table_mut(id).column_mut(&column.name) {
                    col.default = None;
                }
            }
            AlterTableAction::SetNotNull { column } => {
                self.require_column(id, column, origin);
                for target in self.with_descendants(id, only) {
                    let at = origin.loc(column.range);
                    if let Some(col) = self.table_mut(target).column_mut(&column.name) {
                        col.not_null.get_or_insert(at);
                    }
                }
            }
            AlterTableAction::DropNotNull { column } => {
                self.require_column(id, column, origin);
                for target in self.with_descendants(id, only) {
                    if let Some(col) = self.table_mut(target).column_mut(&column.name) {
                        col.not_null = None;
                    }
                }
            }
            AlterTableAction::AddIdentity { column } => {
                self.require_column(id, column, origin);
                if let Some(col) = self.table_mut(id).column_mut(&column.name) {
                    col.identity = true;
                }
            }
            AlterTableAction::RenameTable { new_name } => {
                let old = self.model.table(id).name.clone();
                let new = QualifiedName::new(&old.schema, &new_name.name);
                self.rename_table(id, new, origin);
            }
            AlterTableAction::RenameColumn { column, new_name } => {
                self.require_column(id, column, origin);
                for target in self.with_descendants(id, only) {
                    self.rename_column(target, &column.name, &new_name.name, origin);
                }
            }
            AlterTableAction::RenameConstraint { name, new_name } => {
                let table = self.table_mut(id);
                let table_name = table.name.name.clone();
                if let Some(constraint) = table
                    .constraints
                    .iter_mut()
                    .find(|c| c.is_named(&table_name, &name.name))
                {
                    rename_constraint(constraint, name, new_name);
                }
            }
            AlterTableAction::ValidateConstraint { name } => {
                if let Some(constraint) = self
                    .table_mut(id)
                    .constraints
                    .iter_mut()
                    .find(|c| c.name() == Some(name.name.as_str()))
                {
                    Arc::make_mut(&mut constraint.def.value)
                        .attributes
                        .not_valid = false;
                }
            }
            AlterTableAction::SetSchema { schema } => {
                let old = self.model.table(id).name.clone();
                let new = QualifiedName::new(&schema.name, &old.name);
                self.rename_table(id, new, origin);
            }
            AlterTableAction::RowLevelSecurity { mode } => {
                let table = self.table_mut(id);
                match mode {
                    RlsMode::Enable => table.rls_enabled = Some(origin.statement_loc()),
                    RlsMode::Disable => table.rls_enabled = None,
                    RlsMode::Force => table.rls_forced = true,
                    RlsMode::NoForce => table.rls_forced = false,
                }
            }
            AlterTableAction::AttachPartition { partition } => {
                if let Some(child) = self.resolve(partition) {
                    let parent = self.model.table(id).name.clone();
                    self.table_mut(child).partition_of = Some(parent);
                }
            }
            AlterTableAction::DetachPartition { partition } => {
                if let Some(child) = self.resolve(partition) {
                    self.table_mut(child).partition_of = None;
                }
            }
            AlterTableAction::Other => {}
        }
    }

    fn rename_table(&mut self, id: TableId, new: QualifiedName, origin: Origin) {
        let old = self.model.table(id).name.clone();
        self.model.live.remove(&old);
        self.model.live.insert(new.clone(), id);
        self.rename_parent_references(&old, &new);
        let table = self.table_mut(id);
        table.former_names.push(FormerName {
            name: old,
            until: origin.statement_loc(),
        });
        table.name = new;
    }

    fn rename_parent_references(&mut self, old: &QualifiedName, new: &QualifiedName) {
        for table in &mut self.model.tables {
            if table.partition_of.as_ref() != Some(old) && !table.inherits.contains(old) {
                continue;
            }
            let table = Arc::make_mut(table);
            if table.partition_of.as_ref() == Some(old) {
                table.partition_of = Some(new.clone());
            }
            for parent in &mut table.inherits {
                if parent == old {
                    *parent = new.clone();
                }
            }
        }
    }

    /// Renames a column and every reference to it held by constraints, indexes and foreign keys.
    fn rename_column(&mut self, id: TableId, old: &str, new: &str, origin: Origin) {
        let rename = |ident: &mut Ident| {
            if ident.name == old {
                ident.name = new.to_string();
            }
        };
        let table = self.table_mut(id);
        if let Some(column) = table.column_mut(old) {
            column.former_names.push(FormerName {
                name: std::mem::replace(&mut column.name, new.to_string()),
                until: origin.statement_loc(),
            });
        }
        for constraint in &mut table.constraints {
            if constraint.inline_column.as_deref() == Some(old) {
                constraint.inline_column = Some(new.to_string());
            }
            if !constraint.columns().contains(&old) {
                continue;
            }
            match &mut Arc::make_mut(&mut constraint.def.value).kind {
                ConstraintKind::PrimaryKey { columns }
                | ConstraintKind::Unique { columns, .. }
                | ConstraintKind::Exclude { columns }
                | ConstraintKind::ForeignKey { columns, .. } => columns.iter_mut().for_each(rename),
                ConstraintKind::Check(expr) => expr.columns.iter_mut().for_each(rename),
                ConstraintKind::NotNull { column } => rename(column),
            }
        }
        for index in self.model.indexes.iter_mut().filter(|i| {
            i.table == id
                && (i.columns().contains(&Some(old))
                    || i.def.value.include.iter().any(|c| c.name == old))
        }) {
            let def = Arc::make_mut(&mut index.def.value);
            for element in &mut def.elements {
                if let Some(column) = element.column.as_mut() {
                    rename(column);
                }
            }
            def.include.iter_mut().for_each(rename);
        }
        let refers = |c: &Constraint| {
            c.target == Some(id)
                && matches!(c.kind(), ConstraintKind::ForeignKey { references, .. }
                    if references.columns.iter().any(|column| column.name == old))
        };
        for table in &mut self.model.tables {
            if !table.constraints.iter().any(refers) {
                continue;
            }
            for constraint in Arc::make_mut(table)
                .constraints
                .iter_mut()
                .filter(|c| refers(c))
            {
                if let ConstraintKind::ForeignKey { references, .. } =
                    &mut Arc::make_mut(&mut constraint.def.value).kind
                {
                    references.columns.iter_mut().for_each(rename);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Indexes, types, drops, comments

    fn create_index(&mut self, create: &Arc<CreateIndex>, origin: Origin) {
        let Some(table) = self.resolve(&create.table) else {
            return;
        };
        self.model
            .statement_tables
            .insert((origin.file, origin.base), table);
        let schema = self.model.table(table).name.schema.clone();
        if let Some(name) = &create.name
            && create.if_not_exists
            && self.model.relation_exists_now(&schema, &name.name)
        {
            return;
        }
        for element in &create.elements {
            if let Some(column) = &element.column {
                self.require_column(table, column, origin);
            }
            if let Some(expr) = &element.expression {
                self.require_expr_columns(table, expr, origin);
            }
        }
        for column in &create.include {
            self.require_column(table, column, origin);
        }
        if let Some(predicate) = &create.predicate {
            self.require_expr_columns(table, predicate, origin);
        }
        self.model.indexes.push(Index {
            name: create.name.as_ref().map(|n| n.name.clone()),
            table,
            def: Located {
                value: create.clone(),
                origin,
            },
            former_names: Vec::new(),
        });
    }

    fn alter_type(&mut self, name: &ObjectName, action: &AlterTypeAction, origin: Origin) {
        let Some(user_type) = self.model.types.iter_mut().rev().find(|t| {
            t.name.name == name.name.name
                && name.schema.as_ref().is_none_or(|s| s.name == t.name.schema)
        }) else {
            return;
        };
        match action {
            AlterTypeAction::AddValue {
                value,
                before,
                after,
                ..
            } => {
                if user_type.labels.contains(value) {
                    return;
                }
                let position = match (before, after) {
                    (Some(before), _) => user_type.labels.iter().position(|l| l == before),
                    (_, Some(after)) => user_type
                        .labels
                        .iter()
                        .position(|l| l == after)
                        .map(|p| p + 1),
                    _ => None,
                };
                match position {
                    Some(position) => user_type.labels.insert(position, value.clone()),
                    None => user_type.labels.push(value.clone()),
                }
            }
            AlterTypeAction::RenameValue { value, new_value } => {
                for label in user_type.labels.iter_mut().filter(|l| *l == value) {
                    *label = new_value.clone();
                }
            }
            AlterTypeAction::Rename { .. } | AlterTypeAction::SetSchema { .. } => {
                let mut new = user_type.name.clone();
                match action {
                    AlterTypeAction::Rename { new_name } => new.name = new_name.name.clone(),
                    AlterTypeAction::SetSchema { schema } => new.schema = schema.name.clone(),
                    _ => {}
                }
                user_type.former_names.push(FormerName {
                    name: std::mem::replace(&mut user_type.name, new),
                    until: origin.statement_loc(),
                });
            }
            AlterTypeAction::DropValue { .. } | AlterTypeAction::Other => {}
        }
    }

    /// Records the tables a command acts on; commands change no schema.
    fn command(&mut self, command: &Command, origin: Origin) {
        let tables: Vec<TableId> = match (command.verb, command.object_kind.as_deref()) {
            (CommandVerb::Begin | CommandVerb::Commit, _) => return,
            (CommandVerb::Reindex, Some("index")) => command
                .targets
                .iter()
                .filter_map(|target| self.index_position(target))
                .map(|position| self.model.indexes[position].table)
                .collect(),
            (CommandVerb::Reindex, Some("schema")) => {
                let schemas: Vec<&str> = command
                    .targets
                    .iter()
                    .map(|t| t.name.name.as_str())
                    .collect();
                self.model
                    .live_tables()
                    .filter(|t| schemas.contains(&t.name.schema.as_str()))
                    .map(|t| t.id)
                    .collect()
            }
            (CommandVerb::Reindex, Some("database")) => {
                self.model.live_tables().map(|t| t.id).collect()
            }
            (CommandVerb::Reindex, Some("system")) => return,
            _ => command
                .targets
                .iter()
                .filter_map(|target| self.resolve(target))
                .collect(),
        };
        if !tables.is_empty() {
            self.model
                .command_tables
                .insert((origin.file, origin.base), tables);
        }
    }

    /// The position in `indexes` of the index `target` names.
    fn index_position(&self, target: &ObjectName) -> Option<usize> {
        self.model.indexes.iter().position(|i| {
            let table = self.model.table(i.table);
            let implied = || super::names::implied_index_name(&table.name.name, &i.def.value);
            let named = match i.name.as_deref() {
                Some(name) => name == target.name.name,
                None => implied() == target.name.name,
            };
            named
                && target
                    .schema
                    .as_ref()
                    .is_none_or(|s| table.name.schema == s.name)
        })
    }

    fn drop(&mut self, drop: &Drop, origin: Origin) {
        for target in &drop.targets {
            match drop.kind {
                ObjectKind::Table => {
                    let Some(id) = self.resolve(target) else {
                        continue;
                    };
                    self.model
                        .dropped_tables
                        .push((origin.loc(target.range), id));
                    self.model
                        .command_tables
                        .entry((origin.file, origin.base))
                        .or_default()
                        .push(id);
                    for id in self.dropped_with(id, drop.cascade) {
                        let name = self.model.table(id).name.clone();
                        self.model.live.remove(&name);
                        self.model.prisma_models.retain(|_, t| *t != id);
                        self.model.indexes.retain(|i| i.table != id);
                        self.model.triggers.retain(|t| t.table != Some(id));
                        self.model.policies.retain(|p| p.table != Some(id));
                        self.table_mut(id).dropped = true;
                    }
                }
                ObjectKind::Index => {
                    let position = self.index_position(target);
                    if let Some(position) = position {
                        let table = self.model.indexes[position].table;
                        self.model
                            .command_tables
                            .entry((origin.file, origin.base))
                            .or_default()
                            .push(table);
                        self.model.indexes.remove(position);
                    }
                }
                ObjectKind::View | ObjectKind::MaterializedView | ObjectKind::Sequence => {
                    let name = &target.name.name;
                    self.model.other_relations.retain(|(n, _)| n.name != *name);
                }
                ObjectKind::Type => {
                    self.model.types.retain(|t| t.name.name != target.name.name);
                    self.model
                        .dropped_types
                        .push((target.name.name.clone(), origin.statement_loc()));
                }
                ObjectKind::Domain => {
                    self.model
                        .domains
                        .retain(|d| d.name.name != target.name.name);
                    self.model
                        .dropped_types
                        .push((target.name.name.clone(), origin.statement_loc()));
                }
                ObjectKind::Extension => self
                    .model
                    .extensions
                    .retain(|(e, _)| *e != target.name.name),
                ObjectKind::Function | ObjectKind::Procedure => {
                    self.model
                        .functions
                        .retain(|f| f.value.name.name.name != target.name.name);
                }
                ObjectKind::Trigger | ObjectKind::Policy | ObjectKind::Rule => {
                    let table = drop.table.as_ref().and_then(|t| self.resolve(t));
                    let name = &target.name.name;
                    match drop.kind {
                        ObjectKind::Trigger => self
                            .model
                            .triggers
                            .retain(|t| !(t.table == table && t.def.value.name.name == *name)),
                        ObjectKind::Policy => self
                            .model
                            .policies
                            .retain(|p| !(p.table == table && p.def.value.name.name == *name)),
                        _ => self
                            .model
                            .rewrite_rules
                            .retain(|r| !(r.table == table && r.name == *name)),
                    }
                }
                _ => {}
            }
        }
    }

    fn comment(&mut self, comment: &Comment, origin: Origin) {
        match comment.kind {
            ObjectKind::Table => {
                if let Some(id) = self.resolve(&comment.target) {
                    self.model
                        .statement_tables
                        .insert((origin.file, origin.base), id);
                    self.table_mut(id).comment = comment.text.clone();
                }
            }
            ObjectKind::Column => {
                let Some(column) = &comment.column else {
                    return;
                };
                if let Some(id) = self.resolve(&comment.target) {
                    self.model
                        .statement_tables
                        .insert((origin.file, origin.base), id);
                    self.require_column(id, column, origin);
                    if let Some(col) = self.table_mut(id).column_mut(&column.name) {
                        col.comment = comment.text.clone();
                    }
                }
            }
            _ => {}
        }
    }
}

fn new_column(def: &Arc<ColumnDef>, origin: Origin) -> Column {
    Column {
        name: def.name.name.clone(),
        prisma_name: def.prisma_name.clone(),
        def: Located {
            value: def.clone(),
            origin,
        },
        ty: def.ty.clone().map(|ty| Located { value: ty, origin }),
        not_null: def.not_null.map(|r| origin.loc(r)),
        default: def.default.clone().map(|value| Located { value, origin }),
        generated: def.generated.is_some(),
        identity: def.identity.is_some(),
        comment: None,
        inherited: false,
        former_names: Vec::new(),
    }
}

/// `col WITH OPTIONS NOT NULL DEFAULT 0` on a partition or typed table.
fn merge_options(column: &mut Column, def: &ColumnDef, origin: Origin) {
    if let Some(not_null) = def.not_null {
        column.not_null = Some(origin.loc(not_null));
    }
    if let Some(default) = &def.default {
        column.default = Some(Located {
            value: default.clone(),
            origin,
        });
    }
}

/// Renames a constraint called `name` (written or implied) to `new_name`. An implied name
/// becomes a written one; its range stays inside the definition.
fn rename_constraint(constraint: &mut Constraint, name: &Ident, new_name: &Ident) {
    let def = Arc::make_mut(&mut constraint.def.value);
    let range = def.range;
    let written = def.name.get_or_insert_with(|| Ident {
        range,
        ..name.clone()
    });
    written.name = new_name.name.clone();
}
