//! What a name in a statement refers to: the names each lowered fact writes (`Mention`s), and
//! their resolution against the model with the names of the statement's point in history
//! (`Symbol`s). Definition, references, highlights and rename share it.

use std::sync::Arc;

use super::name_index::{self, NameIndex};
use crate::lower::{
    self, AlterTableAction, ConstraintKind, Expr, Fact, Ident, ObjectKind, ObjectName,
    PlacedStatement, TypeRef,
};
use crate::model::{FileId, FormerName, Loc, Model, Origin, QualifiedName, TableId};
use crate::syntax::Language;
use crate::text::TextRange;
use crate::workspace::host::{FileView, Snapshot};

/// Something of the schema a name can refer to. Indexes are positions in the model's lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Symbol {
    Table(TableId),
    Column(TableId, usize),
    Constraint(TableId, usize),
    Index(usize),
    Type(usize),
    Domain(usize),
    /// Every overload of a function name.
    Function(String),
    Trigger(usize),
    Policy(usize),
    /// A view or sequence (`Model::other_relations`).
    Relation(usize),
}

/// What a statement does to the object it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Creates it.
    Create,
    /// Changes, renames or drops it.
    Alter,
    /// Only uses it.
    Use,
}

/// A possibly qualified name as written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Written<'a> {
    pub schema: Option<&'a Ident>,
    pub name: &'a Ident,
}

impl<'a> From<&'a ObjectName> for Written<'a> {
    fn from(name: &'a ObjectName) -> Self {
        Written {
            schema: name.schema.as_ref(),
            name: &name.name,
        }
    }
}

impl<'a> From<&'a Ident> for Written<'a> {
    fn from(name: &'a Ident) -> Self {
        Written { schema: None, name }
    }
}

impl Written<'_> {
    fn is(&self, name: &QualifiedName) -> bool {
        name.name == self.name.name && self.schema.is_none_or(|s| s.name == name.schema)
    }
}

/// The table a column or constraint name belongs to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scope<'a> {
    /// The table the statement creates.
    Created(&'a ObjectName),
    /// The table an ALTER TABLE, CREATE INDEX or COMMENT ON applies to, as the model resolved it.
    Statement(&'a ObjectName),
    /// A table named elsewhere (a foreign key's target, a trigger's table).
    Named(&'a ObjectName),
}

/// The kind of object a name is written for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum What<'a> {
    Table(Scope<'a>),
    Column(Scope<'a>, &'a Ident),
    /// A constraint definition.
    ConstraintDef(Scope<'a>, &'a lower::Constraint),
    /// A constraint named by a later statement.
    Constraint(Scope<'a>, &'a Ident),
    /// The old name in RENAME CONSTRAINT (the model knows only the new one).
    RenamedConstraint(Scope<'a>, &'a Ident, &'a Ident),
    IndexDef(&'a Arc<lower::CreateIndex>),
    Index(&'a Ident),
    /// A type used by a column, parameter or domain: a user type, a domain or (in Prisma) a
    /// model.
    TypeUse(&'a TypeRef),
    TypeName(Written<'a>),
    DomainName(Written<'a>),
    Function(&'a ObjectName),
    Trigger(&'a Ident, Option<&'a ObjectName>),
    Policy(&'a Ident, Option<&'a ObjectName>),
    Relation(Written<'a>),
}

/// A name written in a statement.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mention<'a> {
    /// Relative to the statement start.
    pub range: TextRange,
    pub role: Role,
    pub what: What<'a>,
}

impl Mention<'_> {
    /// The table name written for a column or constraint, where the statement names its table
    /// itself (not an ALTER TABLE's or CREATE INDEX's, which the model resolved already).
    fn table_written(&self) -> Option<&str> {
        match self.what {
            What::Column(scope, _)
            | What::ConstraintDef(scope, _)
            | What::Constraint(scope, _)
            | What::RenamedConstraint(scope, ..) => match scope {
                Scope::Created(name) | Scope::Named(name) => Some(&name.name.name),
                Scope::Statement(_) => None,
            },
            _ => None,
        }
    }

    /// The name as written, folded (a type's lookup name), for cheap filtering before
    /// resolution.
    pub fn text(&self) -> &str {
        match self.what {
            What::Table(Scope::Created(n) | Scope::Statement(n) | Scope::Named(n))
            | What::Function(n) => &n.name.name,
            What::Column(_, i)
            | What::Constraint(_, i)
            | What::RenamedConstraint(_, i, _)
            | What::Index(i)
            | What::Trigger(i, _)
            | What::Policy(i, _) => &i.name,
            What::ConstraintDef(_, c) => c.name.as_ref().map_or("", |n| n.name.as_str()),
            What::IndexDef(index) => index.name.as_ref().map_or("", |n| n.name.as_str()),
            What::TypeUse(ty) => crate::model::names::type_lookup_name(ty),
            What::TypeName(w) | What::DomainName(w) | What::Relation(w) => &w.name.name,
        }
    }
}

/// Calls `emit` with each name a statement writes, in the order of its facts. A visit, not a
/// list: references walk every statement of a source.
pub(crate) fn for_each_mention<'a>(
    statement: &'a PlacedStatement,
    emit: &mut dyn FnMut(Mention<'a>),
) {
    let mut out = Mentions(emit);
    for fact in &statement.lowered.facts {
        out.fact(fact);
    }
}

struct Mentions<'a, 'e>(&'e mut dyn FnMut(Mention<'a>));

impl<'a> Mentions<'a, '_> {
    fn push(&mut self, range: TextRange, role: Role, what: What<'a>) {
        (self.0)(Mention { range, role, what });
    }

    fn table(&mut self, scope: Scope<'a>, role: Role) {
        let (Scope::Created(name) | Scope::Statement(name) | Scope::Named(name)) = scope;
        self.push(name.name.range, role, What::Table(scope));
    }

    fn column(&mut self, scope: Scope<'a>, column: &'a Ident, role: Role) {
        self.push(column.range, role, What::Column(scope, column));
    }

    fn columns(&mut self, scope: Scope<'a>, columns: &'a [Ident]) {
        for column in columns {
            self.column(scope, column, Role::Use);
        }
    }

    fn expr(&mut self, scope: Scope<'a>, expr: &'a Expr) {
        self.columns(scope, &expr.columns);
    }

    fn type_use(&mut self, ty: &'a TypeRef) {
        if ty.builtin.is_none() && !ty.name.is_empty() {
            self.push(ty.name_range, Role::Use, What::TypeUse(ty));
        }
    }

    fn column_def(&mut self, scope: Scope<'a>, column: &'a lower::ColumnDef) {
        self.column(scope, &column.name, Role::Create);
        if let Some(ty) = &column.ty {
            self.type_use(ty);
        }
        if let Some(default) = &column.default {
            self.expr(scope, default);
        }
        if let Some(generated) = &column.generated {
            self.expr(scope, generated);
        }
        for constraint in &column.constraints {
            self.constraint(scope, constraint);
        }
    }

    fn constraint(&mut self, scope: Scope<'a>, constraint: &'a lower::Constraint) {
        if let Some(name) = &constraint.name {
            self.push(
                name.range,
                Role::Create,
                What::ConstraintDef(scope, constraint),
            );
        }
        match &constraint.kind {
            ConstraintKind::PrimaryKey { columns }
            | ConstraintKind::Unique { columns, .. }
            | ConstraintKind::Exclude { columns } => self.columns(scope, columns),
            ConstraintKind::Check(expr) => self.expr(scope, expr),
            ConstraintKind::NotNull { column } => self.column(scope, column, Role::Use),
            ConstraintKind::ForeignKey {
                columns,
                references,
            } => {
                self.columns(scope, columns);
                let target = Scope::Named(&references.table);
                self.table(target, Role::Use);
                self.columns(target, &references.columns);
            }
        }
        if let Some(index) = &constraint.using_index {
            self.push(index.range, Role::Use, What::Index(index));
        }
    }

    fn fact(&mut self, fact: &'a Fact) {
        match fact {
            Fact::CreateTable(create) => {
                let scope = Scope::Created(&create.name);
                self.table(scope, Role::Create);
                for column in &create.columns {
                    self.column_def(scope, column);
                }
                for constraint in &create.constraints {
                    self.constraint(scope, constraint);
                }
                let parents = create
                    .partition_of
                    .iter()
                    .chain(&create.inherits)
                    .chain(&create.like);
                for parent in parents {
                    self.table(Scope::Named(parent), Role::Use);
                }
                if let Some(of_type) = &create.of_type {
                    self.push(
                        of_type.name.range,
                        Role::Use,
                        What::TypeName(of_type.into()),
                    );
                }
            }
            Fact::AlterTable(alter) => {
                let scope = Scope::Statement(&alter.name);
                self.table(scope, Role::Alter);
                for action in &alter.actions {
                    self.alter_action(scope, &action.action);
                }
            }
            Fact::CreateIndex(index) => {
                if let Some(name) = &index.name {
                    self.push(name.range, Role::Create, What::IndexDef(index));
                }
                let scope = Scope::Statement(&index.table);
                self.table(scope, Role::Use);
                for element in &index.elements {
                    if let Some(column) = &element.column {
                        self.column(scope, column, Role::Use);
                    }
                    if let Some(expr) = &element.expression {
                        self.expr(scope, expr);
                    }
                }
                self.columns(scope, &index.include);
                if let Some(predicate) = &index.predicate {
                    self.expr(scope, predicate);
                }
            }
            Fact::AlterIndex {
                name,
                rename_to,
                attach_partition,
            } => {
                self.push(name.name.range, Role::Alter, What::Index(&name.name));
                if let Some(new_name) = rename_to {
                    self.push(new_name.range, Role::Alter, What::Index(new_name));
                }
                if let Some(partition) = attach_partition {
                    self.push(
                        partition.name.range,
                        Role::Use,
                        What::Index(&partition.name),
                    );
                }
            }
            Fact::CreateView { name, .. } => {
                self.push(name.name.range, Role::Create, What::Relation(name.into()));
            }
            Fact::CreateSequence { name, .. } => {
                self.push(name.name.range, Role::Create, What::Relation(name.into()));
            }
            Fact::AlterSequence { name, .. } => {
                self.push(name.name.range, Role::Alter, What::Relation(name.into()));
            }
            Fact::CreateFunction(function) => {
                self.push(
                    function.name.name.range,
                    Role::Create,
                    What::Function(&function.name),
                );
                for ty in function.parameter_types.iter().chain(&function.returns) {
                    self.type_use(ty);
                }
            }
            Fact::AlterFunction { name, .. } => {
                self.push(name.name.range, Role::Alter, What::Function(name));
            }
            Fact::CreateTrigger(trigger) => {
                self.push(
                    trigger.name.range,
                    Role::Create,
                    What::Trigger(&trigger.name, Some(&trigger.table)),
                );
                let scope = Scope::Named(&trigger.table);
                self.table(scope, Role::Use);
                self.columns(scope, &trigger.update_columns);
                self.push(
                    trigger.function.name.range,
                    Role::Use,
                    What::Function(&trigger.function),
                );
            }
            Fact::CreatePolicy(policy) => {
                self.push(
                    policy.name.range,
                    Role::Create,
                    What::Policy(&policy.name, Some(&policy.table)),
                );
                let scope = Scope::Named(&policy.table);
                self.table(scope, Role::Use);
                for expr in policy.using.iter().chain(&policy.with_check) {
                    self.expr(scope, expr);
                }
            }
            Fact::CreateType(create) => {
                self.push(
                    create.name.name.range,
                    Role::Create,
                    What::TypeName((&create.name).into()),
                );
                if let lower::TypeDefinition::Composite { attributes } = &create.definition {
                    for attribute in attributes {
                        if let Some(ty) = &attribute.ty {
                            self.type_use(ty);
                        }
                    }
                }
            }
            Fact::AlterType { name, action } => {
                self.push(name.name.range, Role::Alter, What::TypeName(name.into()));
                if let lower::AlterTypeAction::Rename { new_name } = action {
                    let renamed = Written {
                        schema: name.schema.as_ref(),
                        name: new_name,
                    };
                    self.push(new_name.range, Role::Alter, What::TypeName(renamed));
                }
            }
            Fact::CreateDomain(domain) => {
                self.push(
                    domain.name.name.range,
                    Role::Create,
                    What::DomainName((&domain.name).into()),
                );
                self.type_use(&domain.ty);
            }
            Fact::CreateRule { table, .. } => self.table(Scope::Named(table), Role::Use),
            Fact::Drop(drop) => self.drop(drop),
            Fact::Comment(comment) => self.comment(comment),
            Fact::Command(command) => {
                // REINDEX names an index, a schema or a database; the others name tables.
                let on_tables = !matches!(
                    command.object_kind.as_deref(),
                    Some("index" | "schema" | "database" | "system")
                );
                if on_tables {
                    for target in &command.targets {
                        self.table(Scope::Named(target), Role::Use);
                    }
                }
            }
            Fact::CreateExtension { .. }
            | Fact::CreateSchema { .. }
            | Fact::SetSearchPath { .. }
            | Fact::SetParameter { .. } => {}
        }
    }

    fn alter_action(&mut self, scope: Scope<'a>, action: &'a AlterTableAction) {
        use AlterTableAction::*;
        match action {
            AddColumn { column, .. } => self.column_def(scope, column),
            AddConstraint(constraint) => self.constraint(scope, constraint),
            DropColumn { column, .. }
            | DropDefault { column }
            | SetNotNull { column }
            | DropNotNull { column }
            | AddIdentity { column } => self.column(scope, column, Role::Alter),
            SetDefault { column, value } => {
                self.column(scope, column, Role::Alter);
                self.expr(scope, value);
            }
            AlterColumnType { column, ty, using } => {
                self.column(scope, column, Role::Alter);
                self.type_use(ty);
                if let Some(using) = using {
                    self.expr(scope, using);
                }
            }
            DropConstraint { name, .. } | ValidateConstraint { name } => {
                self.push(name.range, Role::Alter, What::Constraint(scope, name));
            }
            RenameConstraint { name, new_name } => {
                let renamed = What::RenamedConstraint(scope, name, new_name);
                self.push(name.range, Role::Alter, renamed);
                self.push(
                    new_name.range,
                    Role::Alter,
                    What::Constraint(scope, new_name),
                );
            }
            RenameTable { new_name } => self.push(new_name.range, Role::Alter, What::Table(scope)),
            RenameColumn { column, new_name } => {
                self.column(scope, column, Role::Alter);
                self.column(scope, new_name, Role::Alter);
            }
            AttachPartition { partition } | DetachPartition { partition } => {
                self.table(Scope::Named(partition), Role::Use);
            }
            SetSchema { .. } | RowLevelSecurity { .. } | Other => {}
        }
    }

    fn drop(&mut self, drop: &'a lower::Drop) {
        if let Some(table) = &drop.table {
            self.table(Scope::Named(table), Role::Use);
        }
        for target in &drop.targets {
            let range = target.name.range;
            let what = match drop.kind {
                ObjectKind::Table => What::Table(Scope::Named(target)),
                ObjectKind::Index => What::Index(&target.name),
                ObjectKind::View | ObjectKind::MaterializedView | ObjectKind::Sequence => {
                    What::Relation(target.into())
                }
                ObjectKind::Type => What::TypeName(target.into()),
                ObjectKind::Domain => What::DomainName(target.into()),
                ObjectKind::Function | ObjectKind::Procedure => What::Function(target),
                ObjectKind::Trigger => What::Trigger(&target.name, drop.table.as_ref()),
                ObjectKind::Policy => What::Policy(&target.name, drop.table.as_ref()),
                _ => continue,
            };
            self.push(range, Role::Alter, what);
        }
    }

    fn comment(&mut self, comment: &'a lower::Comment) {
        let target = &comment.target;
        let on_table = comment.on_table.as_ref();
        if let Some(table) = on_table {
            self.table(Scope::Named(table), Role::Use);
        }
        let what = match comment.kind {
            ObjectKind::Table => What::Table(Scope::Statement(target)),
            ObjectKind::Column => {
                let scope = Scope::Statement(target);
                self.table(scope, Role::Use);
                if let Some(column) = &comment.column {
                    self.column(scope, column, Role::Use);
                }
                return;
            }
            ObjectKind::Index => What::Index(&target.name),
            ObjectKind::View | ObjectKind::MaterializedView | ObjectKind::Sequence => {
                What::Relation(target.into())
            }
            ObjectKind::Type => What::TypeName(target.into()),
            ObjectKind::Domain => What::DomainName(target.into()),
            ObjectKind::Function | ObjectKind::Procedure => What::Function(target),
            ObjectKind::Trigger => What::Trigger(&target.name, on_table),
            ObjectKind::Policy => What::Policy(&target.name, on_table),
            ObjectKind::Constraint => match on_table {
                Some(table) => What::Constraint(Scope::Named(table), &target.name),
                None => return,
            },
            _ => return,
        };
        self.push(target.name.range, Role::Use, what);
    }
}

/// Resolves mentions of one statement against a model.
pub(crate) struct Resolver<'m> {
    pub model: &'m Model,
    pub language: Language,
    pub origin: Origin,
}

impl Resolver<'_> {
    /// The statement's place, at which names are read.
    fn at(&self) -> Loc {
        self.origin.statement_loc()
    }

    pub fn resolve(&self, mention: &Mention) -> Option<Symbol> {
        let model = self.model;
        let at = self.at();
        match mention.what {
            What::Table(scope) => self.table(scope).map(Symbol::Table),
            What::Column(scope, column) => {
                let table = self.table(scope)?;
                let position = model.table(table).columns.iter().position(|c| {
                    c.name_at(model, at) == column.name
                        || c.prisma_name.as_deref() == Some(column.name.as_str())
                        || renamed_here(&c.former_names, at, |n| *n == column.name)
                })?;
                Some(Symbol::Column(table, position))
            }
            What::ConstraintDef(scope, def) => {
                let table = self.table(scope)?;
                let position = model.table(table).constraints.iter().position(|c| {
                    c.def.origin.statement == self.origin.statement
                        && c.def.value.range == def.range
                })?;
                Some(Symbol::Constraint(table, position))
            }
            What::Constraint(scope, name) | What::RenamedConstraint(scope, _, name) => {
                let table = self.table(scope)?;
                let table = model.table(table);
                let position = table
                    .constraints
                    .iter()
                    .position(|c| c.is_named(&table.name.name, &name.name))?;
                Some(Symbol::Constraint(table.id, position))
            }
            What::IndexDef(def) => model
                .indexes
                .iter()
                .position(|i| i.def.origin == self.origin && Arc::ptr_eq(&i.def.value, def))
                .map(Symbol::Index),
            What::Index(name) => model
                .indexes
                .iter()
                .position(|i| {
                    i.name_at(model, at) == Some(name.name.as_str())
                        || renamed_here(&i.former_names, at, |n| *n == name.name)
                })
                .or_else(|| {
                    // An index written without a name, by the name PostgreSQL derives.
                    model.indexes.iter().position(|i| {
                        i.name.is_none()
                            && crate::model::names::implied_index_name(
                                &model.table(i.table).name.name,
                                &i.def.value,
                            ) == name.name
                    })
                })
                .map(Symbol::Index)
                .or_else(|| constraint_index(model, &name.name)),
            What::TypeUse(ty) => self.type_use(ty),
            What::TypeName(name) => self.type_named(name).map(Symbol::Type),
            What::DomainName(name) => model
                .domains
                .iter()
                .rposition(|d| name.is(&d.name))
                .map(Symbol::Domain),
            What::Function(name) => {
                let wanted = &name.name.name;
                model
                    .functions
                    .iter()
                    .any(|f| f.value.name.name.name == *wanted)
                    .then(|| Symbol::Function(wanted.clone()))
            }
            What::Trigger(name, table) => {
                let table = table.and_then(|t| self.table(Scope::Named(t)));
                model
                    .triggers
                    .iter()
                    .position(|t| {
                        t.def.value.name.name == name.name && (table.is_none() || t.table == table)
                    })
                    .map(Symbol::Trigger)
            }
            What::Policy(name, table) => {
                let table = table.and_then(|t| self.table(Scope::Named(t)));
                model
                    .policies
                    .iter()
                    .position(|p| {
                        p.def.value.name.name == name.name && (table.is_none() || p.table == table)
                    })
                    .map(Symbol::Policy)
            }
            What::Relation(name) => model
                .other_relations
                .iter()
                .position(|(n, _)| name.is(n))
                .map(Symbol::Relation),
        }
    }

    fn table(&self, scope: Scope) -> Option<TableId> {
        let model = self.model;
        match scope {
            Scope::Created(name) => {
                let loc = self.origin.loc(name.name.range);
                model
                    .tables
                    .iter()
                    .rev()
                    .find(|t| t.name_loc == loc)
                    .map(|t| t.id)
            }
            Scope::Statement(name) => model
                .statement_tables
                .get(&(self.origin.file, self.origin.base))
                .copied()
                .or_else(|| self.table_named(name)),
            Scope::Named(name) => self.table_named(name),
        }
    }

    /// The table a name meant at the statement: the latest created before it that had the name
    /// then, else any that had or has it.
    fn table_named(&self, name: &ObjectName) -> Option<TableId> {
        let model = self.model;
        let at = self.at();
        let written = Written::from(name);
        let prisma = self.language == Language::Prisma;
        let mut found = None;
        for table in model.tables.iter().rev() {
            let named = (prisma && table.prisma_name.as_deref() == Some(name.name.name.as_str()))
                || written.is(table.name_at(model, at))
                || renamed_here(&table.former_names, at, |n| written.is(n));
            if !named {
                continue;
            }
            if !model.precedes(at, table.created.statement_loc()) {
                return Some(table.id);
            }
            found.get_or_insert(table.id);
        }
        found
    }

    fn type_named(&self, name: Written) -> Option<usize> {
        let model = self.model;
        let at = self.at();
        model.types.iter().rposition(|t| {
            name.is(t.name_at(model, at)) || renamed_here(&t.former_names, at, |n| name.is(n))
        })
    }

    fn type_use(&self, ty: &TypeRef) -> Option<Symbol> {
        let model = self.model;
        if self.language == Language::Prisma {
            if let Some(table) = model.table_by_prisma_name(&ty.name) {
                return Some(Symbol::Table(table.id));
            }
            if let Some(position) = model
                .types
                .iter()
                .position(|t| t.def.value.prisma_name.as_deref() == Some(ty.name.as_str()))
            {
                return Some(Symbol::Type(position));
            }
        }
        let object = ObjectName {
            schema: ty.schema.as_ref().map(|schema| Ident {
                name: schema.clone(),
                quoted: false,
                range: ty.name_range,
            }),
            name: Ident {
                name: crate::model::names::type_lookup_name(ty).to_string(),
                quoted: false,
                range: ty.name_range,
            },
            range: ty.name_range,
        };
        let written = Written::from(&object);
        if let Some(position) = self.type_named(written) {
            return Some(Symbol::Type(position));
        }
        if let Some(position) = model.domains.iter().rposition(|d| written.is(&d.name)) {
            return Some(Symbol::Domain(position));
        }
        // A table is also the composite type of its rows (`RETURNS SETOF users`, a column of
        // type `users`): renaming the table renames the type. Built-in types come first.
        let builtin =
            ty.schema.is_none() && crate::catalog::types::builtin_type(&ty.name).is_some();
        (!builtin)
            .then(|| self.table_named(&object).map(Symbol::Table))
            .flatten()
    }
}

/// The primary key, unique or exclusion constraint whose index is named `name` (the index has
/// the constraint's name, written or derived: `users_pkey`, `users_email_key`), or was
/// derived so before a rename.
fn constraint_index(model: &Model, name: &str) -> Option<Symbol> {
    let find = |derived: bool| {
        model.tables.iter().rev().find_map(|table| {
            let position = table.constraints.iter().position(|c| {
                let keyed = matches!(
                    c.kind(),
                    ConstraintKind::PrimaryKey { .. }
                        | ConstraintKind::Unique { .. }
                        | ConstraintKind::Exclude { .. }
                );
                // Only a constraint created without a name had the derived one (a rename
                // gives it a name spanning the clause).
                let unnamed = c
                    .def
                    .value
                    .name
                    .as_ref()
                    .is_none_or(|n| n.range == c.def.value.range);
                let named = if derived {
                    unnamed
                        && crate::model::names::implied_constraint_name(&table.name.name, c.kind())
                            .is_some_and(|implied| implied == name)
                } else {
                    c.is_named(&table.name.name, name)
                };
                keyed && named
            })?;
            Some(Symbol::Constraint(table.id, position))
        })
    };
    find(false).or_else(|| find(true))
}

/// Whether the statement at `at` renamed the object from a name `is` accepts.
fn renamed_here<N>(former: &[FormerName<N>], at: Loc, is: impl Fn(&N) -> bool) -> bool {
    former.iter().any(|f| f.until == at && is(&f.name))
}

/// The kinds of object a name is written for, where the name alone identifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Table,
    Index,
    Type,
    Domain,
    Function,
    Trigger,
    Policy,
    Relation,
}

impl Mention<'_> {
    fn kind(&self) -> Option<Kind> {
        Some(match self.what {
            What::Table(_) => Kind::Table,
            What::IndexDef(_) | What::Index(_) => Kind::Index,
            What::TypeName(_) => Kind::Type,
            What::DomainName(_) => Kind::Domain,
            What::Function(_) => Kind::Function,
            What::Trigger(..) => Kind::Trigger,
            What::Policy(..) => Kind::Policy,
            What::Relation(_) => Kind::Relation,
            What::Column(..)
            | What::ConstraintDef(..)
            | What::Constraint(..)
            | What::RenamedConstraint(..)
            | What::TypeUse(_) => return None,
        })
    }
}

/// For a name of an object the schema no longer has (dropped later): the range of the name at
/// `offset` and where the latest object of that kind and name was created before it.
pub fn created_before(
    snapshot: &Snapshot,
    file: &FileView,
    offset: u32,
) -> Option<(TextRange, Loc)> {
    let source = file.source.as_ref()?;
    let statement = file.data.statement_at(offset)?;
    let mut at_cursor: Option<(TextRange, Kind, String)> = None;
    for_each_mention(statement, &mut |m| {
        let range = statement.absolute(m.range);
        let narrower = at_cursor
            .as_ref()
            .is_none_or(|(r, ..)| range.len() < r.len());
        if range.contains_inclusive(offset)
            && narrower
            && let Some(kind) = m.kind()
        {
            at_cursor = Some((range, kind, m.text().to_string()));
        }
    });
    let Some((range, kind, name)) = at_cursor else {
        return constraint_created_before(snapshot, file, statement, offset);
    };
    let used = Loc {
        file: file.data.id,
        range,
    };
    let mut created = None;
    for &member in &source.members {
        let Some(member) = snapshot.file_by_id(member) else {
            continue;
        };
        for statement in member.data.statements.iter() {
            let here = origin(member.data.id, statement);
            if source.model.precedes(used, here.statement_loc()) {
                return created.map(|loc| (range, loc));
            }
            for_each_mention(statement, &mut |m| {
                if m.role == Role::Create && m.kind() == Some(kind) && m.text() == name {
                    created = Some(here.loc(m.range));
                }
            });
        }
    }
    created.map(|loc| (range, loc))
}

/// For a constraint name of a table the schema no longer has it on: the range of the name at
/// `offset` and the latest clause before it that created a constraint of that name, written or
/// derived.
fn constraint_created_before(
    snapshot: &Snapshot,
    file: &FileView,
    statement: &PlacedStatement,
    offset: u32,
) -> Option<(TextRange, Loc)> {
    let source = file.source.as_ref()?;
    let mut at_cursor = None;
    for_each_mention(statement, &mut |m| {
        if let What::Constraint(scope, name) | What::RenamedConstraint(scope, name, _) = m.what
            && statement.absolute(m.range).contains_inclusive(offset)
        {
            let (Scope::Created(table) | Scope::Statement(table) | Scope::Named(table)) = scope;
            at_cursor = Some((statement.absolute(m.range), &table.name.name, &name.name));
        }
    });
    let (range, table, name) = at_cursor?;
    let used = Loc {
        file: file.data.id,
        range,
    };
    let mut created = None;
    for &member in &source.members {
        let Some(member) = snapshot.file_by_id(member) else {
            continue;
        };
        for statement in member.data.statements.iter() {
            let here = origin(member.data.id, statement);
            if source.model.precedes(used, here.statement_loc()) {
                return created.map(|loc| (range, loc));
            }
            let is = |c: &lower::Constraint| match &c.name {
                Some(written) => written.name == *name,
                None => crate::model::names::implied_constraint_name(table, &c.kind)
                    .is_some_and(|implied| implied == *name),
            };
            for fact in &statement.lowered.facts {
                let constraints: Vec<&lower::Constraint> = match fact {
                    Fact::CreateTable(create) if create.name.name.name == *table => create
                        .columns
                        .iter()
                        .flat_map(|c| &c.constraints)
                        .chain(&create.constraints)
                        .map(|c| &**c)
                        .collect(),
                    Fact::AlterTable(alter) if alter.name.name.name == *table => alter
                        .actions
                        .iter()
                        .filter_map(|a| match &a.action {
                            AlterTableAction::AddConstraint(c) => Some(&**c),
                            _ => None,
                        })
                        .collect(),
                    _ => continue,
                };
                if let Some(found) = constraints.into_iter().rfind(|c| is(c)) {
                    let at = found.name.as_ref().map_or(found.range, |n| n.range);
                    created = Some(here.loc(at));
                }
            }
        }
    }
    created.map(|loc| (range, loc))
}

/// A resolved mention somewhere in a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub loc: Loc,
    pub role: Role,
    /// The statement it is in.
    pub statement: TextRange,
    /// A Prisma `@map`/`@@map` name: the database's name, which renaming the field or model
    /// keeps.
    pub mapped: bool,
}

/// A `@map("…")` (a field's) or `@@map("…")` (a model's or enum's) name in Prisma text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PrismaMap {
    /// The name inside the quotes.
    pub range: TextRange,
    pub block: bool,
}

/// The map names written in `text[range]`.
pub(crate) fn prisma_maps(text: &str, range: TextRange) -> Vec<PrismaMap> {
    let start = range.start() as usize;
    let Some(region) = text.get(start..range.end() as usize) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (at, _) in region.match_indices("@map(") {
        let block = region[..at].ends_with('@');
        let mut rest = region[at + "@map(".len()..].trim_start();
        if let Some(named) = rest.strip_prefix("name:") {
            rest = named.trim_start();
        }
        let Some(inside) = rest.strip_prefix('"') else {
            continue;
        };
        let Some(len) = inside
            .find(['"', '\n'])
            .filter(|&i| inside[i..].starts_with('"'))
        else {
            continue;
        };
        let open = start + (region.len() - inside.len());
        found.push(PrismaMap {
            range: TextRange::new(open as u32, (open + len) as u32),
            block,
        });
    }
    found
}

/// The line of `text` holding `offset`.
fn line_around(text: &str, offset: u32) -> TextRange {
    let at = (offset as usize).min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    TextRange::new(start as u32, end as u32)
}

/// The map names that name what a Prisma mention creates: a field's `@map` on its line, a
/// model's or enum's `@@map` in its block.
fn maps_of(text: &str, statement: &PlacedStatement, mention: &Mention) -> Vec<PrismaMap> {
    let (region, block) = match mention.what {
        What::Table(Scope::Created(_)) | What::TypeName(_) => (statement.range(), true),
        What::Column(Scope::Created(_), _) => (
            line_around(text, statement.absolute(mention.range).start()),
            false,
        ),
        _ => return Vec::new(),
    };
    let mut maps = prisma_maps(text, region);
    maps.retain(|m| m.block == block);
    maps
}

/// The Prisma mention a map name at `offset` stands for.
fn mapped_at<'s>(
    file: &FileView,
    statement: &'s PlacedStatement,
    offset: u32,
) -> Option<(Mention<'s>, TextRange)> {
    let text = &*file.data.text;
    let map = prisma_maps(text, line_around(text, offset))
        .into_iter()
        .find(|m| m.range.contains_inclusive(offset))?;
    let mut found = None;
    for_each_mention(statement, &mut |m| {
        if found.is_none() && m.role == Role::Create && maps_of(text, statement, &m).contains(&map)
        {
            found = Some(m);
        }
    });
    found.map(|m| (m, map.range))
}

/// Whether `offset` is in a Prisma `@map`/`@@map` name.
pub fn on_prisma_map(file: &FileView, offset: u32) -> bool {
    let text = &*file.data.text;
    file.data.language == Language::Prisma
        && prisma_maps(text, line_around(text, offset))
            .iter()
            .any(|m| m.range.contains_inclusive(offset))
}

/// The symbol named at `offset` of `file`, with the range of the name there.
pub fn symbol_at(file: &FileView, offset: u32) -> Option<(Symbol, TextRange)> {
    let source = file.source.as_ref()?;
    let statement = file.data.statement_at(offset)?;
    let resolver = Resolver {
        model: &source.model,
        language: file.data.language,
        origin: origin(file.data.id, statement),
    };
    if file.data.language == Language::Prisma
        && let Some((mention, range)) = mapped_at(file, statement, offset)
    {
        return resolver.resolve(&mention).map(|symbol| (symbol, range));
    }
    let mut found: Vec<Mention> = Vec::new();
    for_each_mention(statement, &mut |m| {
        if statement.absolute(m.range).contains_inclusive(offset) {
            found.push(m);
        }
    });
    // The narrowest name, a definition before a use of the same range; a cursor right after a
    // name (at its end) counts less than one inside it.
    found.sort_by_key(|m| {
        let range = statement.absolute(m.range);
        (range.end() == offset, range.len(), m.role)
    });
    found
        .iter()
        .find_map(|mention| {
            let symbol = resolver.resolve(mention)?;
            Some((symbol, statement.absolute(mention.range)))
        })
        .or_else(|| unnamed_constraint_at(&source.model, file.data.id, statement, offset))
}

/// The constraint written without a name whose clause holds `offset` (between the names in
/// it): the clause stands for the name PostgreSQL derives.
fn unnamed_constraint_at(
    model: &Model,
    file: FileId,
    statement: &PlacedStatement,
    offset: u32,
) -> Option<(Symbol, TextRange)> {
    model.tables.iter().find_map(|table| {
        table
            .constraints
            .iter()
            .enumerate()
            .find_map(|(position, c)| {
                let def = &c.def;
                let range = def.loc(def.value.range);
                let here = def.origin.file == file
                    && def.origin.statement == statement.range()
                    && def.value.name.is_none()
                    && range.range.contains_inclusive(offset);
                here.then_some((Symbol::Constraint(table.id, position), range.range))
            })
    })
}

pub(crate) fn origin(file: FileId, statement: &PlacedStatement) -> Origin {
    Origin {
        file,
        base: statement.start,
        statement: statement.range(),
    }
}

/// Every place the source of `file` names `symbol` (in the file `only`, if given), in migration
/// order, each once.
pub fn occurrences(
    snapshot: &Snapshot,
    file: &FileView,
    symbol: &Symbol,
    only: Option<FileId>,
) -> Vec<Occurrence> {
    let Some(source) = &file.source else {
        return Vec::new();
    };
    let model = &source.model;
    let mut names = names_of(model, symbol);
    if let Symbol::Constraint(..) = symbol {
        // The name its definition wrote, which a RENAME CONSTRAINT replaced in the model.
        for created in definition_loc(model, symbol) {
            if let Some(file) = snapshot.file_by_id(created.file) {
                names.push(folded(file.data.slice(created.range)));
            }
        }
    }
    // A column's or constraint's table by name, to pass over the columns of other tables
    // without resolving their tables.
    let table_names = match symbol {
        Symbol::Column(table, _) | Symbol::Constraint(table, _) => {
            Some(names_of(model, &Symbol::Table(*table)))
        }
        _ => None,
    };
    let members = name_index::members(snapshot, source);
    let index = NameIndex::of(source, &members);
    let mut out: Vec<Occurrence> = Vec::new();
    if let Symbol::Constraint(table, position) = symbol {
        // A constraint written without a name: the clause creating it stands for the name
        // PostgreSQL derives.
        let def = &model.table(*table).constraints[*position].def;
        // A later rename gives the model a name spanning the clause.
        let unnamed = def
            .value
            .name
            .as_ref()
            .is_none_or(|n| n.range == def.value.range);
        if unnamed && only.is_none_or(|only| only == def.origin.file) {
            out.push(Occurrence {
                loc: def.loc(def.value.range),
                role: Role::Create,
                statement: def.origin.statement,
                mapped: false,
            });
        }
    }
    if let Symbol::Index(position) = symbol {
        // An index written without a name: its INDEX keyword stands for the derived name.
        let def = &model.indexes[*position].def;
        if def.value.name.is_none() && only.is_none_or(|only| only == def.origin.file) {
            out.push(Occurrence {
                loc: def.loc(def.value.index_keyword),
                role: Role::Create,
                statement: def.origin.statement,
                mapped: false,
            });
        }
    }
    for (member, statement) in index.statements(&names) {
        let member = members[member as usize];
        if only.is_some_and(|only| only != member.data.id) {
            continue;
        }
        let statement = &member.data.statements[statement as usize];
        let resolver = Resolver {
            model,
            language: member.data.language,
            origin: origin(member.data.id, statement),
        };
        let first = out.len();
        for_each_mention(statement, &mut |mention| {
            let other_table = table_names
                .as_ref()
                .zip(mention.table_written())
                .is_some_and(|(names, written)| !names.iter().any(|n| n == written));
            if other_table
                || !names.iter().any(|n| n == mention.text())
                || resolver.resolve(&mention).as_ref() != Some(symbol)
            {
                return;
            }
            let loc = resolver.origin.loc(mention.range);
            // A name may repeat within a statement (an inline key names its column again).
            match out[first..].iter_mut().find(|o| o.loc == loc) {
                Some(seen) => seen.role = seen.role.min(mention.role),
                None => out.push(Occurrence {
                    loc,
                    role: mention.role,
                    statement: statement.range(),
                    mapped: false,
                }),
            }
            if member.data.language == Language::Prisma && mention.role == Role::Create {
                for map in maps_of(&member.data.text, statement, &mention) {
                    out.push(Occurrence {
                        loc: Loc {
                            file: member.data.id,
                            range: map.range,
                        },
                        role: Role::Use,
                        statement: statement.range(),
                        mapped: true,
                    });
                }
            }
        });
    }
    out
}

/// An identifier as PostgreSQL reads it: unquoted, or folded to lower case.
pub(crate) fn folded(written: &str) -> String {
    match written.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => written.to_lowercase(),
    }
}

/// Every name `symbol` has or had, as mentions write them.
fn names_of(model: &Model, symbol: &Symbol) -> Vec<String> {
    fn qualified(current: &QualifiedName, former: &[FormerName<QualifiedName>]) -> Vec<String> {
        std::iter::once(current)
            .chain(former.iter().map(|f| &f.name))
            .map(|n| n.name.clone())
            .collect()
    }
    let mut names = match symbol {
        Symbol::Table(id) => {
            let table = model.table(*id);
            let mut names = qualified(&table.name, &table.former_names);
            names.extend(table.prisma_name.clone());
            names
        }
        Symbol::Column(table, position) => {
            let column = &model.table(*table).columns[*position];
            let mut names: Vec<String> = std::iter::once(column.name.clone())
                .chain(column.former_names.iter().map(|f| f.name.clone()))
                .collect();
            names.extend(column.prisma_name.clone());
            names
        }
        Symbol::Constraint(table, position) => {
            let table = model.table(*table);
            let constraint = &table.constraints[*position];
            let mut names: Vec<String> = constraint.name().map(String::from).into_iter().collect();
            names.extend(crate::model::names::implied_constraint_name(
                &table.name.name,
                constraint.kind(),
            ));
            names
        }
        Symbol::Index(position) => {
            let index = &model.indexes[*position];
            let derived = index.name.is_none().then(|| {
                crate::model::names::implied_index_name(
                    &model.table(index.table).name.name,
                    &index.def.value,
                )
            });
            index
                .name
                .iter()
                .cloned()
                .chain(index.former_names.iter().map(|f| f.name.clone()))
                .chain(index.def.value.name.as_ref().map(|n| n.name.clone()))
                .chain(derived)
                .collect()
        }
        Symbol::Type(position) => {
            let ty = &model.types[*position];
            let mut names = qualified(&ty.name, &ty.former_names);
            names.extend(ty.def.value.prisma_name.clone());
            names
        }
        Symbol::Domain(position) => vec![model.domains[*position].name.name.clone()],
        Symbol::Function(name) => vec![name.clone()],
        Symbol::Trigger(position) => vec![model.triggers[*position].def.value.name.name.clone()],
        Symbol::Policy(position) => vec![model.policies[*position].def.value.name.name.clone()],
        Symbol::Relation(position) => vec![model.other_relations[*position].0.name.clone()],
    };
    names.sort();
    names.dedup();
    names
}

/// Where `symbol` was created: the name in its definition.
pub fn definition_loc(model: &Model, symbol: &Symbol) -> Vec<Loc> {
    match symbol {
        Symbol::Table(id) => vec![model.table(*id).name_loc],
        Symbol::Column(table, position) => vec![model.table(*table).columns[*position].name_loc()],
        Symbol::Constraint(table, position) => {
            let constraint = &model.table(*table).constraints[*position];
            let def = &constraint.def;
            let range = def.value.name.as_ref().map_or(def.value.range, |n| n.range);
            vec![def.loc(range)]
        }
        Symbol::Index(position) => {
            let def = &model.indexes[*position].def;
            let range = def
                .value
                .name
                .as_ref()
                .map_or(def.value.index_keyword, |n| n.range);
            vec![def.loc(range)]
        }
        Symbol::Type(position) => {
            let def = &model.types[*position].def;
            vec![def.loc(def.value.name.name.range)]
        }
        Symbol::Domain(position) => {
            let def = &model.domains[*position].def;
            vec![def.loc(def.value.name.name.range)]
        }
        Symbol::Function(name) => model
            .functions
            .iter()
            .filter(|f| f.value.name.name.name == *name)
            .map(|f| f.loc(f.value.name.name.range))
            .collect(),
        Symbol::Trigger(position) => {
            let def = &model.triggers[*position].def;
            vec![def.loc(def.value.name.range)]
        }
        Symbol::Policy(position) => {
            let def = &model.policies[*position].def;
            vec![def.loc(def.value.name.range)]
        }
        Symbol::Relation(position) => vec![model.other_relations[*position].1],
    }
}
