//! The facts one statement contributes to the schema model.
//!
//! Every range here is relative to the start of the statement, so a lowered statement can be
//! reused when an edit elsewhere moves it.

use std::sync::Arc;

use crate::text::TextRange;

/// An identifier as PostgreSQL sees it: unquoted names fold to lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name after folding and unquoting.
    pub name: String,
    /// The name was written in double quotes.
    pub quoted: bool,
    pub range: TextRange,
}

/// A possibly schema-qualified object name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectName {
    pub schema: Option<Ident>,
    pub name: Ident,
    pub range: TextRange,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeRef {
    /// Schema, when written (`public.mood`).
    pub schema: Option<String>,
    /// The base name, lower-cased with single spaces (`character varying`, `timestamp`, `mood`).
    pub name: String,
    /// Type modifiers as written (`255`, `12`, `2`).
    pub modifiers: Vec<String>,
    /// `Some(true)` for `with time zone`, `Some(false)` for `without time zone`.
    pub time_zone: Option<bool>,
    /// Number of array dimensions (`int[]`, `int ARRAY`).
    pub array_dims: u8,
    /// `SETOF type` (function results).
    pub setof: bool,
    /// The whole type, modifiers and array brackets included.
    pub range: TextRange,
    /// The base name words only.
    pub name_range: TextRange,
    /// The `with time zone` / `without time zone` words.
    pub time_zone_range: Option<TextRange>,
    /// The parenthesised modifiers.
    pub modifiers_range: Option<TextRange>,
    /// The `pg_type.typname` of a built-in type (`timestamp with time zone` -> `timestamptz`,
    /// `serial` -> `int4`), ignoring array brackets; `None` for other types. Resolved once when
    /// the statement is lowered: rules ask for it on every column.
    pub builtin: Option<&'static str>,
}

impl TypeRef {
    /// Resolves `builtin` from the other fields.
    pub fn resolve_builtin(&mut self) {
        self.builtin = self.spelled_builtin();
    }

    fn spelled_builtin(&self) -> Option<&'static str> {
        if self.name.is_empty() {
            return None;
        }
        let mut spelling = String::with_capacity(self.name.len() + 16);
        if let Some(schema) = &self.schema {
            if schema != "pg_catalog" {
                return None;
            }
            spelling.push_str("pg_catalog.");
        }
        spelling.push_str(&self.name);
        if !self.modifiers.is_empty() && self.name.starts_with("float") {
            spelling.push('(');
            spelling.push_str(&self.modifiers.join(","));
            spelling.push(')');
        }
        match self.time_zone {
            Some(true) => spelling.push_str(" with time zone"),
            Some(false) => spelling.push_str(" without time zone"),
            None => {}
        }
        crate::catalog::types::builtin_type(&spelling)
    }
}

/// A literal value at the top of an expression (casts ignored).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    String(String),
    Number(String),
    Bool(bool),
    Null,
}

/// An expression: its text and what rules need to know about it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    /// Tokens lower-cased outside quotes and joined without whitespace, for comparisons.
    pub normalized: String,
    pub range: TextRange,
    /// Columns the expression refers to (outside subqueries), last name part only.
    pub columns: Vec<Ident>,
    /// `col IN ('a', 'b')` and `col = ANY (ARRAY['a', 'b'])`: the column and the allowed values.
    pub allowed_values: Vec<(String, Vec<String>)>,
    /// The expression is a single literal (casts ignored).
    pub literal: Option<Literal>,
    /// Functions called, lower-cased, without schema.
    pub functions: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

/// The `REFERENCES` part of a foreign key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct References {
    pub table: ObjectName,
    /// Empty when the primary key of the target is meant.
    pub columns: Vec<Ident>,
    pub on_delete: Option<(ReferentialAction, TextRange)>,
    pub on_update: Option<(ReferentialAction, TextRange)>,
    pub match_full: bool,
    /// From `REFERENCES` to the end of the clause.
    pub range: TextRange,
}

/// Deferrability and validation written after a constraint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConstraintAttributes {
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub not_valid: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<Ident>,
    },
    Unique {
        columns: Vec<Ident>,
        nulls_not_distinct: bool,
    },
    Check(Expr),
    ForeignKey {
        columns: Vec<Ident>,
        references: References,
    },
    Exclude {
        columns: Vec<Ident>,
    },
    NotNull {
        column: Ident,
    },
}

/// A constraint; for a column constraint the column list is the column itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Constraint {
    pub name: Option<Ident>,
    pub kind: ConstraintKind,
    pub attributes: ConstraintAttributes,
    /// `UNIQUE USING INDEX idx` / `PRIMARY KEY USING INDEX idx`.
    pub using_index: Option<Ident>,
    /// The whole constraint, `CONSTRAINT name` included.
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    Always,
    ByDefault,
}

/// A column definition (CREATE TABLE, ADD COLUMN, composite type attribute).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ColumnDef {
    pub name: Ident,
    /// Absent for columns of typed tables and partitions, which take the parent's type.
    pub ty: Option<Arc<TypeRef>>,
    pub not_null: Option<TextRange>,
    /// An explicit `NULL`.
    pub null: Option<TextRange>,
    pub default: Option<Arc<Expr>>,
    /// The `DEFAULT ...` clause.
    pub default_range: Option<TextRange>,
    pub generated: Option<Box<Expr>>,
    pub identity: Option<Identity>,
    pub collation: Option<String>,
    /// Inline constraints that are not NOT NULL/NULL/DEFAULT (PK, UNIQUE, CHECK, REFERENCES).
    pub constraints: Vec<Arc<Constraint>>,
    /// The whole definition.
    pub range: TextRange,
    /// The Prisma field name, when it differs from the column name or comes from Prisma.
    pub prisma_name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Persistence {
    Permanent,
    Temporary,
    Unlogged,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateTable {
    pub name: ObjectName,
    pub if_not_exists: bool,
    pub persistence: Persistence,
    pub columns: Vec<Arc<ColumnDef>>,
    /// Table constraints, in order.
    pub constraints: Vec<Arc<Constraint>>,
    pub partition_of: Option<ObjectName>,
    pub partitioned: bool,
    pub of_type: Option<ObjectName>,
    pub inherits: Vec<ObjectName>,
    /// The `INHERITS (...)` clause.
    pub inherits_range: Option<TextRange>,
    pub like: Vec<ObjectName>,
    /// `CREATE TABLE ... AS query`.
    pub as_query: bool,
    /// The parenthesised element list, or a Prisma model's braced body when both its braces are
    /// written (fixes add members before the closing one).
    pub elements_range: Option<TextRange>,
    /// Each element of the parenthesised list as written, in order, whether the model keeps it
    /// or not (`LIKE`, a column a later statement drops): where fixes may add one.
    pub element_ranges: Vec<TextRange>,
    /// The Prisma model name (relations and types refer to models by this name).
    pub prisma_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AlterTableAction {
    AddColumn {
        column: Arc<ColumnDef>,
        if_not_exists: bool,
    },
    AddConstraint(Arc<Constraint>),
    DropColumn {
        column: Ident,
        if_exists: bool,
    },
    DropConstraint {
        name: Ident,
        if_exists: bool,
    },
    AlterColumnType {
        column: Ident,
        ty: Arc<TypeRef>,
        using: Option<Box<Expr>>,
    },
    SetDefault {
        column: Ident,
        value: Arc<Expr>,
    },
    DropDefault {
        column: Ident,
    },
    SetNotNull {
        column: Ident,
    },
    DropNotNull {
        column: Ident,
    },
    AddIdentity {
        column: Ident,
    },
    RenameTable {
        new_name: Ident,
    },
    RenameColumn {
        column: Ident,
        new_name: Ident,
    },
    RenameConstraint {
        name: Ident,
        new_name: Ident,
    },
    ValidateConstraint {
        name: Ident,
    },
    SetSchema {
        schema: Ident,
    },
    RowLevelSecurity {
        mode: RlsMode,
    },
    AttachPartition {
        partition: ObjectName,
    },
    DetachPartition {
        partition: ObjectName,
    },
    /// Actions the model does not read (OWNER TO, CLUSTER ON, ...).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RlsMode {
    Enable,
    Disable,
    Force,
    NoForce,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AlterAction {
    pub action: AlterTableAction,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AlterTable {
    pub name: ObjectName,
    pub if_exists: bool,
    pub only: bool,
    pub actions: Vec<AlterAction>,
}

/// One element of an index: a column or an expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IndexElement {
    pub column: Option<Ident>,
    pub expression: Option<Box<Expr>>,
    pub collation: Option<String>,
    pub opclass: Option<String>,
    pub descending: bool,
    pub nulls_first: Option<bool>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateIndex {
    pub name: Option<Ident>,
    pub table: ObjectName,
    pub unique: bool,
    pub concurrently: bool,
    pub if_not_exists: bool,
    pub only: bool,
    /// Lower-cased; `None` means btree.
    pub method: Option<String>,
    pub elements: Vec<IndexElement>,
    pub include: Vec<Ident>,
    pub predicate: Option<Expr>,
    pub nulls_not_distinct: bool,
    /// The `INDEX` keyword (CONCURRENTLY goes after it).
    pub index_keyword: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    Function,
    Procedure,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateFunction {
    pub name: ObjectName,
    pub kind: FunctionKind,
    pub or_replace: bool,
    /// Parameter types, for telling overloads apart.
    pub parameter_types: Vec<TypeRef>,
    pub returns: Option<TypeRef>,
    pub language: Option<String>,
    /// The `SECURITY DEFINER` words.
    pub security_definer: Option<TextRange>,
    /// Parameters set by `SET name = value`, lower-cased.
    pub settings: Vec<String>,
    /// The body text without its quotes.
    pub body: Option<String>,
    /// The `AS ...` clause or the SQL-standard body.
    pub body_range: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TriggerEvent {
    Insert,
    Update,
    Delete,
    Truncate,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateTrigger {
    pub name: Ident,
    pub table: ObjectName,
    pub timing: TriggerTiming,
    pub events: Vec<TriggerEvent>,
    /// `UPDATE OF col, ...`.
    pub update_columns: Vec<Ident>,
    pub for_each_row: bool,
    pub function: ObjectName,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreatePolicy {
    pub name: Ident,
    pub table: ObjectName,
    pub using: Option<Expr>,
    pub with_check: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeDefinition {
    Enum { labels: Vec<(String, TextRange)> },
    Composite { attributes: Vec<Arc<ColumnDef>> },
    Range,
    Base,
    Shell,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateType {
    pub name: ObjectName,
    pub definition: TypeDefinition,
    /// The Prisma enum name (fields refer to enums by this name).
    pub prisma_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateDomain {
    pub name: ObjectName,
    pub ty: Arc<TypeRef>,
    pub not_null: bool,
    pub default: Option<Expr>,
    pub checks: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AlterTypeAction {
    AddValue {
        value: String,
        if_not_exists: bool,
        before: Option<String>,
        after: Option<String>,
    },
    RenameValue {
        value: String,
        new_value: String,
    },
    Rename {
        new_name: Ident,
    },
    SetSchema {
        schema: Ident,
    },
    /// `DROP VALUE 'label'`, which PostgreSQL does not have: it rejects the statement.
    DropValue {
        value: String,
        range: TextRange,
    },
    Other,
}

/// Object kinds of DROP and COMMENT ON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Table,
    Index,
    View,
    MaterializedView,
    Sequence,
    Type,
    Domain,
    Schema,
    Extension,
    Function,
    Procedure,
    Trigger,
    Policy,
    Rule,
    Column,
    Constraint,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Drop {
    pub kind: ObjectKind,
    pub targets: Vec<ObjectName>,
    /// `DROP TRIGGER t ON table`.
    pub table: Option<ObjectName>,
    pub if_exists: bool,
    pub cascade: bool,
    /// `DROP INDEX CONCURRENTLY`.
    pub concurrently: bool,
    /// The `DROP <kind>` words (CONCURRENTLY goes after them).
    pub head: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Comment {
    pub kind: ObjectKind,
    /// The object; for a column, the table name with the column in `column`.
    pub target: ObjectName,
    pub column: Option<Ident>,
    /// `COMMENT ON CONSTRAINT c ON t`, `COMMENT ON TRIGGER t ON tbl`, `... POLICY p ON tbl`.
    pub on_table: Option<ObjectName>,
    /// `None` for `IS NULL`, which removes the comment.
    pub text: Option<String>,
}

/// The verb of a [`Command`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandVerb {
    Truncate,
    Reindex,
    Vacuum,
    Cluster,
    Update,
    Insert,
    Delete,
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`, `ROLLBACK`, `ABORT`.
    Commit,
}

/// A statement that changes no schema but takes locks or touches rows, for the migration
/// rules: TRUNCATE, REINDEX, VACUUM, CLUSTER, UPDATE, INSERT, DELETE, and the transaction
/// commands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Command {
    pub verb: CommandVerb,
    /// The verb and the words after it that say what it does (`REINDEX TABLE`, `VACUUM FULL`,
    /// `TRUNCATE TABLE`, `DELETE FROM`).
    pub head: TextRange,
    /// REINDEX's object kind, lower-cased (`index`, `table`, `schema`, `database`, `system`).
    pub object_kind: Option<String>,
    /// The relations named: tables, or for REINDEX INDEX and CLUSTER's old form the index; for
    /// REINDEX SCHEMA and DATABASE, the schema or database.
    pub targets: Vec<ObjectName>,
    /// `VACUUM FULL` or `VACUUM (FULL)`.
    pub full: Option<TextRange>,
    /// `REINDEX ... CONCURRENTLY` or `REINDEX (CONCURRENTLY)`.
    pub concurrently: Option<TextRange>,
    /// `TRUNCATE ... CASCADE`.
    pub cascade: Option<TextRange>,
    /// UPDATE and DELETE: a WHERE clause that selects rows by value (a comparison, `IN`,
    /// `BETWEEN`, `LIKE`) or a LIMIT, as batches do; `col IS NULL` alone bounds nothing.
    /// INSERT: the rows are listed (`VALUES`, `DEFAULT VALUES`) or the query has such a bound.
    pub bounded: bool,
}

/// What one statement contributes.
///
/// Large parts sit behind a pointer: every fact takes the size of the largest variant, and a
/// schema has hundreds of thousands of statements.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    CreateTable(Arc<CreateTable>),
    AlterTable(AlterTable),
    CreateIndex(Arc<CreateIndex>),
    AlterIndex {
        name: ObjectName,
        rename_to: Option<Ident>,
        attach_partition: Option<Box<ObjectName>>,
    },
    CreateView {
        name: ObjectName,
        materialized: bool,
        or_replace: bool,
    },
    CreateFunction(Arc<CreateFunction>),
    CreateTrigger(Arc<CreateTrigger>),
    CreatePolicy(Arc<CreatePolicy>),
    CreateExtension {
        name: Ident,
        schema: Option<Ident>,
    },
    CreateSchema {
        name: Ident,
        if_not_exists: bool,
    },
    CreateType(Arc<CreateType>),
    AlterType {
        name: ObjectName,
        action: AlterTypeAction,
    },
    CreateDomain(Arc<CreateDomain>),
    CreateSequence {
        name: ObjectName,
        owned_by: Option<Vec<Ident>>,
    },
    AlterSequence {
        name: ObjectName,
        owned_by: Option<Vec<Ident>>,
    },
    CreateRule {
        name: Ident,
        table: ObjectName,
    },
    Drop(Drop),
    Comment(Arc<Comment>),
    /// `SET search_path ...` and pg_dump's `set_config('search_path', ...)`.
    SetSearchPath {
        schemas: Vec<String>,
    },
    /// `ALTER FUNCTION|PROCEDURE|ROUTINE name ... SET parameter ...`: the parameters set,
    /// lower-cased.
    AlterFunction {
        name: ObjectName,
        settings: Vec<String>,
    },
    /// TRUNCATE, REINDEX, VACUUM, CLUSTER, DML and transaction commands (see [`Command`]).
    Command(Arc<Command>),
    /// `SET [LOCAL] parameter ...` and `set_config('parameter', ...)` of a parameter other than
    /// the search path, lower-cased.
    SetParameter {
        name: String,
    },
}

/// The kind of a top-level statement, for rules that look at statements rather than facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatementKind {
    CreateTable,
    CreateIndex,
    CreateView,
    CreateFunction,
    CreateTrigger,
    CreatePolicy,
    CreateExtension,
    CreateSchema,
    CreateType,
    CreateDomain,
    CreateSequence,
    CreateRule,
    AlterTable,
    AlterIndex,
    AlterSequence,
    AlterType,
    Drop,
    Comment,
    Set,
    Copy,
    /// A statement the model does not read (INSERT, GRANT, CREATE AGGREGATE, ...).
    Other,
    /// A statement with a syntax error at its top.
    Error,
    /// A Prisma model, enum or other block.
    PrismaBlock,
}

/// One lowered top-level statement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoweredStatement {
    pub kind: StatementKind,
    /// The statement's length in bytes (its range is `start..start + len`).
    pub len: u32,
    /// The range of the statement's keyword(s) (`CREATE TABLE`), for statement-level diagnostics.
    pub head: TextRange,
    pub facts: Vec<Fact>,
}
