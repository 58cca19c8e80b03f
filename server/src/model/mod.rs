//! The schema model of one schema source: every file's lowered statements applied in migration
//! order. Items remember where they were written; events record what only exists in workspace
//! order (a table created twice, a column that does not exist yet).
//!
//! Knows nothing of rules.

mod apply;
pub mod names;

// Name and statement lookups run once per statement of a large schema: a fast non-keyed hash.
use hashbrown::HashMap;
use std::sync::Arc;

use crate::lower::{
    self, ColumnDef, CreateFunction, CreateIndex, CreatePolicy, CreateTrigger, CreateType, Expr,
    Fact, PlacedStatement, TypeRef,
};
use crate::syntax::Language;
use crate::text::TextRange;

pub use names::QualifiedName;
use std::hash::BuildHasher as _;

/// A file of the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A place in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Loc {
    pub file: FileId,
    pub range: TextRange,
}

/// Where a lowered fact came from: its file and the offset its relative ranges start at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: FileId,
    pub base: u32,
    /// The range of the whole statement.
    pub statement: TextRange,
}

impl Origin {
    /// A statement-relative range made absolute.
    pub fn loc(&self, relative: TextRange) -> Loc {
        Loc {
            file: self.file,
            range: TextRange::new(self.base + relative.start(), self.base + relative.end()),
        }
    }

    pub fn statement_loc(&self) -> Loc {
        Loc {
            file: self.file,
            range: self.statement,
        }
    }
}

/// A fact with its origin. The fact is shared with the lowered statement it comes from, so
/// building the model copies no definitions.
#[derive(Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: Arc<T>,
    pub origin: Origin,
}

impl<T> Clone for Located<T> {
    fn clone(&self) -> Self {
        Located {
            value: Arc::clone(&self.value),
            origin: self.origin,
        }
    }
}

impl<T> Located<T> {
    pub fn loc(&self, relative: TextRange) -> Loc {
        self.origin.loc(relative)
    }
}

/// A file as the model builder sees it.
pub struct FileInput<'a> {
    pub file: FileId,
    pub language: Language,
    pub history: History,
    pub statements: &'a Arc<Vec<PlacedStatement>>,
}

/// A file's place in the project's history, which decides what a fix may edit and which
/// findings still help.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum History {
    /// A schema file people write and edit (a standalone file, a Prisma schema): fixes edit it.
    #[default]
    Schema,
    /// The output of a tool (pg_dump, Rails' `structure.sql`, Prisma's SQL): the next dump
    /// overwrites any edit, so a fix is a migration to write.
    Generated,
    /// A migration that has not run anywhere yet: fixes edit it.
    PendingMigration,
    /// A migration that already ran: editing it changes no database (and breaks tools that
    /// checksum migrations), so a fix goes into a new migration.
    AppliedMigration,
}

impl History {
    /// A file of a migration folder.
    pub fn is_migration(self) -> bool {
        matches!(self, History::PendingMigration | History::AppliedMigration)
    }

    /// Fixes may edit the file itself.
    pub fn is_editable(self) -> bool {
        matches!(self, History::Schema | History::PendingMigration)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub u32);

/// A name an object had until a statement renamed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormerName<N> {
    pub name: N,
    /// The statement that renamed it.
    pub until: Loc,
}

/// The name an object had at `at`: the name before the first rename after `at`, else `current`.
fn name_at<'a, N>(model: &Model, current: &'a N, former: &'a [FormerName<N>], at: Loc) -> &'a N {
    former
        .iter()
        .find(|former| model.precedes(at, former.until))
        .map_or(current, |former| &former.name)
}

#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub prisma_name: Option<String>,
    /// The definition that created the column.
    pub def: Located<ColumnDef>,
    /// The current type (ALTER COLUMN TYPE replaces it); `None` when unknown.
    pub ty: Option<Located<TypeRef>>,
    /// Where the column became NOT NULL (its definition, SET NOT NULL or the primary key).
    pub not_null: Option<Loc>,
    pub default: Option<Located<Expr>>,
    pub generated: bool,
    pub identity: bool,
    pub comment: Option<String>,
    /// The column came from a parent table, a LIKE source or a composite type.
    pub inherited: bool,
    /// Names it had before later statements renamed it, oldest first.
    pub former_names: Vec<FormerName<String>>,
}

impl Column {
    /// The column's name at a place of the workspace (before a later RENAME COLUMN, its old
    /// name).
    pub fn name_at<'a>(&'a self, model: &Model, at: Loc) -> &'a str {
        name_at(model, &self.name, &self.former_names, at).as_str()
    }

    pub fn name_loc(&self) -> Loc {
        self.def.loc(self.def.value.name.range)
    }

    pub fn is_nullable(&self) -> bool {
        self.not_null.is_none()
    }
}

/// A constraint of a table (inline or table-level, from CREATE TABLE or ALTER TABLE).
#[derive(Clone, Debug)]
pub struct Constraint {
    pub def: Located<lower::Constraint>,
    /// For an inline column constraint, the column it was written on.
    pub inline_column: Option<String>,
    /// The referenced table of a foreign key, once known.
    pub target: Option<TableId>,
    /// Whether it is a foreign key: kept beside the definition, so that rules and edits that
    /// look for the foreign keys of every table do not read every definition.
    pub foreign_key: bool,
}

impl Constraint {
    pub fn name(&self) -> Option<&str> {
        self.def.value.name.as_ref().map(|n| n.name.as_str())
    }

    pub fn kind(&self) -> &lower::ConstraintKind {
        &self.def.value.kind
    }

    /// The columns the constraint is on (for a CHECK: the columns it mentions).
    pub fn columns(&self) -> Vec<&str> {
        use lower::ConstraintKind::*;
        match &self.def.value.kind {
            PrimaryKey { columns }
            | Unique { columns, .. }
            | ForeignKey { columns, .. }
            | Exclude { columns } => columns.iter().map(|c| c.name.as_str()).collect(),
            Check(expr) => expr.columns.iter().map(|c| c.name.as_str()).collect(),
            NotNull { column } => vec![column.name.as_str()],
        }
    }

    pub fn loc(&self) -> Loc {
        self.def.loc(self.def.value.range)
    }

    /// Whether DDL naming `name` refers to this constraint of `table`: by its written name, or
    /// by the name PostgreSQL gave it when none was written.
    pub fn is_named(&self, table: &str, name: &str) -> bool {
        match self.name() {
            Some(written) => written == name,
            None => names::implied_constraint_name(table, self.kind())
                .is_some_and(|implied| implied == name),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    pub id: TableId,
    pub name: QualifiedName,
    pub prisma_name: Option<String>,
    pub language: Language,
    /// The name in the CREATE TABLE (or Prisma model) statement.
    pub name_loc: Loc,
    pub created: Origin,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub persistence: lower::Persistence,
    pub partition_of: Option<QualifiedName>,
    pub partitioned: bool,
    pub of_type: bool,
    pub inherits: Vec<QualifiedName>,
    pub inherits_loc: Option<Loc>,
    pub like: bool,
    /// Columns come from somewhere the model cannot see (CREATE TABLE AS, an unknown parent).
    pub columns_incomplete: bool,
    pub rls_enabled: Option<Loc>,
    pub rls_forced: bool,
    pub comment: Option<String>,
    /// The parenthesised column list of the CREATE TABLE.
    pub elements: Option<Loc>,
    /// Dropped by a later statement; its id stays valid.
    pub dropped: bool,
    /// Names it had before later statements renamed it (or moved it to another schema), oldest
    /// first.
    pub former_names: Vec<FormerName<QualifiedName>>,
}

impl Table {
    /// The table's name at a place of the workspace: before a later RENAME, its old name.
    pub fn name_at<'a>(&'a self, model: &Model, at: Loc) -> &'a QualifiedName {
        name_at(model, &self.name, &self.former_names, at)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints
            .iter()
            .find(|c| matches!(c.kind(), lower::ConstraintKind::PrimaryKey { .. }))
    }

    pub fn foreign_keys(&self) -> impl Iterator<Item = &Constraint> {
        self.constraints.iter().filter(|c| c.foreign_key)
    }
}

#[derive(Clone, Debug)]
pub struct Index {
    pub name: Option<String>,
    pub table: TableId,
    pub def: Located<CreateIndex>,
    /// Names it had before later statements renamed it, oldest first.
    pub former_names: Vec<FormerName<String>>,
}

impl Index {
    /// The index's name at a place of the workspace (before a later ALTER INDEX ... RENAME, its
    /// old name).
    pub fn name_at<'a>(&'a self, model: &Model, at: Loc) -> Option<&'a str> {
        let current = self.name.as_ref()?;
        Some(name_at(model, current, &self.former_names, at).as_str())
    }

    /// The columns of a plain-column index, in order; `None` at an expression element.
    pub fn columns(&self) -> Vec<Option<&str>> {
        self.def
            .value
            .elements
            .iter()
            .map(|e| e.column.as_ref().map(|c| c.name.as_str()))
            .collect()
    }
}

#[derive(Clone, Debug)]
pub struct UserType {
    pub name: QualifiedName,
    pub def: Located<CreateType>,
    /// Enum labels now (ALTER TYPE ... ADD VALUE included).
    pub labels: Vec<String>,
    /// Names it had before later statements renamed it (or moved it to another schema), oldest
    /// first.
    pub former_names: Vec<FormerName<QualifiedName>>,
}

impl UserType {
    /// The type's name at a place of the workspace: before a later ALTER TYPE ... RENAME, its
    /// old name.
    pub fn name_at<'a>(&'a self, model: &Model, at: Loc) -> &'a QualifiedName {
        name_at(model, &self.name, &self.former_names, at)
    }
}

#[derive(Clone, Debug)]
pub struct Domain {
    pub name: QualifiedName,
    pub def: Located<lower::CreateDomain>,
}

#[derive(Clone, Debug)]
pub struct Trigger {
    pub def: Located<CreateTrigger>,
    pub table: Option<TableId>,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub def: Located<CreatePolicy>,
    pub table: Option<TableId>,
}

#[derive(Clone, Debug)]
pub struct RewriteRule {
    pub name: String,
    pub name_loc: Loc,
    pub table: Option<TableId>,
    /// The relation the rule is on, named when the rule was created: a table's name then, a
    /// view's resolved with the search path of that point.
    pub relation: QualifiedName,
}

/// What only exists in workspace order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelEvent {
    /// CREATE TABLE of a table that exists (without IF NOT EXISTS).
    DuplicateTable {
        name: QualifiedName,
        at: Loc,
        first: Loc,
    },
    /// A column defined twice in one table.
    DuplicateColumn {
        table: QualifiedName,
        column: String,
        at: Loc,
        first: Loc,
    },
    /// A reference to a column the table does not have at that point.
    UnknownColumn {
        table: TableId,
        column: String,
        at: Loc,
    },
}

/// Where a file sits in its source.
#[derive(Clone, Copy, Debug)]
pub struct FileMeta {
    pub file: FileId,
    /// Position in migration order.
    pub order: usize,
    pub is_migration: bool,
    pub history: History,
    pub language: Language,
}

/// The schema model of one source.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Shared with the checkpoint a build resumed from and with the model before an edit: a
    /// build copies only the tables it changes.
    pub tables: Vec<Arc<Table>>,
    /// Live tables by name; dropped tables keep their slot in `tables` so ids stay valid.
    live: HashMap<QualifiedName, TableId>,
    prisma_models: HashMap<String, TableId>,
    pub indexes: Vec<Index>,
    pub types: Vec<UserType>,
    pub domains: Vec<Domain>,
    pub extensions: Vec<(String, Loc)>,
    pub schemas: Vec<(String, Loc)>,
    pub functions: Vec<Located<CreateFunction>>,
    pub triggers: Vec<Trigger>,
    pub policies: Vec<Policy>,
    pub rewrite_rules: Vec<RewriteRule>,
    /// Types and domains dropped, with the DROP statement: a column typed before the drop
    /// named a type that existed then (PostgreSQL drops such columns with the type, CASCADE).
    pub dropped_types: Vec<(String, Loc)>,
    /// Sequences and views by name (they share the relation namespace with tables and indexes).
    pub other_relations: Vec<(QualifiedName, Loc)>,
    pub events: Vec<ModelEvent>,
    pub files: Vec<FileMeta>,
    /// The source is standalone schema files with other schema files beside them, which may
    /// be applied first and create what these use. Set by whoever knows the directories.
    pub beside_other_schemas: bool,
    /// The table each ALTER TABLE, CREATE INDEX and COMMENT ON TABLE or COLUMN statement applied
    /// to, by the statement's file and start offset (resolved with the search path and names of
    /// that point).
    pub statement_tables: HashMap<(FileId, u32), TableId>,
    /// The statements (file and start offset) that named something without a schema, in the
    /// order applied: a change of the search path before them can change what they mean.
    pub search_path_readers: Vec<(FileId, u32)>,
    /// The table each name of a DROP TABLE statement dropped, by the name's place.
    pub dropped_tables: Vec<(Loc, TableId)>,
    /// The tables each TRUNCATE, REINDEX, VACUUM, CLUSTER, UPDATE, INSERT, DELETE, DROP TABLE
    /// and DROP INDEX statement acts on (for an index, its table), resolved at that point, by
    /// the statement's file and start offset.
    pub command_tables: HashMap<(FileId, u32), Vec<TableId>>,
    /// Where each table's indexes are in `indexes`, by table id, filled when the build finishes:
    /// rules ask for a table's indexes thousands of times on a large schema.
    indexes_by_table: IndexesByTable,
    /// The hashes of the names `relation_exists` answers from, gathered when a fix first asks
    /// (fixes that propose a new index or constraint name ask for each proposal). Hashes, not
    /// names: gathering copies nothing, and a hit is confirmed against the names.
    relation_names: std::sync::OnceLock<RelationNameHashes>,
    relation_questions: Questions,
}

/// How many times `relation_exists` was asked.
#[derive(Debug, Default)]
struct Questions(std::sync::atomic::AtomicUsize);

impl Clone for Questions {
    fn clone(&self) -> Self {
        Questions(self.0.load(std::sync::atomic::Ordering::Relaxed).into())
    }
}

/// The hashes of a model's relation names (see `Model::relation_exists`).
#[derive(Clone, Debug, Default)]
struct RelationNameHashes {
    hasher: hashbrown::DefaultHashBuilder,
    hashes: hashbrown::HashSet<u64>,
}

/// What builds of one source keep for the next: the statements of the last build and the
/// builder's state before one of them. A build after an edit resumes from that state when the
/// statements before it did not change, so typing in a statement applies only the statements
/// from there on.
#[derive(Default)]
pub struct BuildCache {
    files: Vec<(FileId, Language, History)>,
    /// Each file's statements. Holding the lowered statements keeps their addresses from being
    /// reused, so the same address in the next build means the same statement.
    statements: Vec<Arc<Vec<PlacedStatement>>>,
    checkpoint: Option<Checkpoint>,
    /// Where the next checkpoint should be: before the first statement the last build found
    /// changed. `prepare` takes it, so that no build spends time copying the builder.
    wanted: Option<usize>,
    /// How many tables and indexes the last build made: a resumed build makes room for about as
    /// many at once rather than doubling its copy of the checkpoint's up to there.
    last_built: apply::Created,
    /// For each table of the last build, how many statements had been applied when it last
    /// changed: a build resumed from the checkpoint changes again those that changed after it,
    /// so `prepare` copies them ahead of it.
    changed_at: Vec<usize>,
    /// How many constraints each table of the last build ended with: `prepare` gives its copies
    /// room for those the build will add (a pg_dump adds every key after creating the tables).
    constraint_counts: Vec<usize>,
}

/// The builder's state before the statement at `position` of the last build's statements (its
/// file entered), with a copy made while nothing waits, so that a build that resumes from it
/// does not copy it first.
struct Checkpoint {
    position: usize,
    state: apply::Builder,
    spare: Option<apply::Builder>,
}

/// The positions in `Model::indexes` of each table's indexes: all in one list, grouped by
/// table, and where each table's group starts. Two blocks of memory, where a list per table
/// took an allocation per table at every build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct IndexesByTable {
    positions: Vec<usize>,
    /// The start of table `t`'s group at `t`, and the end of the last group after them.
    starts: Vec<usize>,
}

impl IndexesByTable {
    fn new(indexes: &[Index], tables: usize) -> IndexesByTable {
        let mut starts = vec![0; tables + 1];
        for index in indexes {
            starts[index.table.0 as usize + 1] += 1;
        }
        for table in 0..tables {
            starts[table + 1] += starts[table];
        }
        let mut next = starts.clone();
        let mut positions = vec![0; indexes.len()];
        for (position, index) in indexes.iter().enumerate() {
            let slot = &mut next[index.table.0 as usize];
            positions[*slot] = position;
            *slot += 1;
        }
        IndexesByTable { positions, starts }
    }

    fn of(&self, table: TableId) -> &[usize] {
        let table = table.0 as usize;
        match (self.starts.get(table), self.starts.get(table + 1)) {
            (Some(&start), Some(&end)) => &self.positions[start..end],
            _ => &[],
        }
    }
}

impl BuildCache {
    /// Copies the checkpoint for the next build to resume from; the language server calls it
    /// once the diagnostics of an edit are out.
    pub fn prepare(&mut self) {
        if let Some(position) = self.wanted.take() {
            self.move_checkpoint(position);
        }
        if let Some(checkpoint) = &mut self.checkpoint
            && checkpoint.spare.is_none()
        {
            // The tables are shared with the state, except those the build will change.
            let mut spare = checkpoint.state.clone();
            let tables = spare.model.tables.iter_mut().zip(&self.changed_at);
            for (id, (table, &changed)) in tables.enumerate() {
                if changed >= checkpoint.position {
                    let mut copy = Table::clone(table);
                    let wanted = self.constraint_counts.get(id).copied().unwrap_or(0);
                    copy.constraints
                        .reserve_exact(wanted.saturating_sub(copy.constraints.len()));
                    *table = Arc::new(copy);
                }
            }
            checkpoint.spare = Some(spare);
        }
    }

    /// Puts the checkpoint before statement `position` of the last build, applying the
    /// statements from the current checkpoint (or the start) up to there.
    fn move_checkpoint(&mut self, position: usize) {
        let (mut builder, start) = match self.checkpoint.take() {
            // The state moves forward: the old checkpoint is replaced, so it is not copied.
            Some(checkpoint) if checkpoint.position <= position => {
                (checkpoint.state, checkpoint.position)
            }
            _ => (apply::Builder::new(), 0),
        };
        let inputs: Vec<FileInput> = self
            .files
            .iter()
            .zip(&self.statements)
            .map(|(&(file, language, history), statements)| FileInput {
                file,
                language,
                history,
                statements,
            })
            .collect();
        apply_statements(&mut builder, &inputs, start, Some(position));
        self.checkpoint = Some(Checkpoint {
            position,
            state: builder,
            spare: None,
        });
    }
}

/// Below this many statements, applying them again costs less than keeping a copy of the state.
const CHECKPOINT_DISTANCE: usize = 256;

/// Applies the statements of `files` from position `start` (counted over the files in order;
/// `builder` holds the state before it) up to position `end`, or all of them.
fn apply_statements(
    builder: &mut apply::Builder,
    files: &[FileInput],
    start: usize,
    end: Option<usize>,
) {
    let mut position = 0;
    // A whole build makes room for all it creates; one resumed after a keystroke creates a few
    // things at most, not worth a pass over the statements after it.
    if start == 0 && end.is_none() {
        builder.reserve(&created_in(files));
    }
    // Resuming, the files up to the one holding `start` were entered before the checkpoint.
    let mut entering = start == 0;
    for (order, file) in files.iter().enumerate() {
        let count = file.statements.len();
        let first = if entering {
            builder.enter_file(order, file);
            0
        } else if position + count <= start {
            position += count;
            continue;
        } else {
            entering = true;
            start - position
        };
        for (index, statement) in file.statements.iter().enumerate().skip(first) {
            if end == Some(position + index) {
                return;
            }
            builder.apply_statement(file.file, statement);
        }
        position += count;
    }
}

/// The tables and indexes that the statements of `files` create.
fn created_in(files: &[FileInput]) -> apply::Created {
    let mut created = apply::Created::default();
    let facts = files
        .iter()
        .flat_map(|file| file.statements.iter())
        .flat_map(|statement| &statement.lowered.facts);
    for fact in facts {
        match fact {
            Fact::CreateTable(_) => created.tables += 1,
            Fact::CreateIndex(_) => created.indexes += 1,
            _ => {}
        }
    }
    created
}

/// How many statements, counted over the files in order, are the same in `new` as in `old`:
/// at the same offset, with the same lowered `Arc`.
fn unchanged_prefix(new: &[Arc<Vec<PlacedStatement>>], old: &[Arc<Vec<PlacedStatement>>]) -> usize {
    let mut count = 0;
    for (new, old) in new.iter().zip(old) {
        if Arc::ptr_eq(new, old) {
            count += new.len();
            continue;
        }
        let same = new
            .iter()
            .zip(old.iter())
            .take_while(|(a, b)| a.start == b.start && Arc::ptr_eq(&a.lowered, &b.lowered))
            .count();
        count += same;
        if same < new.len() || new.len() != old.len() {
            break;
        }
    }
    count
}

impl Model {
    /// Applies the files in order.
    pub fn build(files: &[FileInput]) -> Model {
        Model::build_resuming(files, &mut BuildCache::default())
    }

    /// `build`, resuming from `cache` where the statements before the first one that changed
    /// since the last build are the same; leaves a checkpoint where this build's change begins.
    pub fn build_resuming(files: &[FileInput], cache: &mut BuildCache) -> Model {
        let metas: Vec<(FileId, Language, History)> = files
            .iter()
            .map(|f| (f.file, f.language, f.history))
            .collect();
        let statements: Vec<Arc<Vec<PlacedStatement>>> =
            files.iter().map(|f| Arc::clone(f.statements)).collect();
        let unchanged = if metas == cache.files {
            unchanged_prefix(&statements, &cache.statements)
        } else {
            0
        };
        cache.checkpoint = cache
            .checkpoint
            .take()
            .filter(|checkpoint| checkpoint.position <= unchanged);
        let (mut builder, start) = match &mut cache.checkpoint {
            Some(checkpoint) => {
                let state = match checkpoint.spare.take() {
                    Some(spare) => spare,
                    None => checkpoint.state.clone(),
                };
                (state, checkpoint.position)
            }
            None => (apply::Builder::new(), 0),
        };
        if start > 0 {
            builder.reserve_for(&cache.last_built);
        }
        let total: usize = statements.iter().map(|s| s.len()).sum();
        cache.wanted =
            (unchanged >= start + CHECKPOINT_DISTANCE && unchanged < total).then_some(unchanged);
        apply_statements(&mut builder, files, start, None);
        cache.files = metas;
        cache.statements = statements;
        cache.changed_at.clone_from(&builder.changed_at);
        let model = builder.finish();
        cache.constraint_counts.clear();
        cache
            .constraint_counts
            .extend(model.tables.iter().map(|table| table.constraints.len()));
        cache.last_built = apply::Created {
            tables: model.tables.len(),
            indexes: model.indexes.len(),
            statement_tables: model.statement_tables.len(),
        };
        model
    }

    /// The tables that exist at the end, in creation order.
    pub fn live_tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.iter().map(Arc::as_ref).filter(|t| !t.dropped)
    }

    /// Whether a statement of `file` after `offset` named something without a schema, and so
    /// may read differently under another search path.
    pub fn reads_search_path_after(&self, file: FileId, offset: u32) -> bool {
        self.search_path_readers
            .iter()
            .any(|&(reader, start)| reader == file && start > offset)
    }

    pub fn table(&self, id: TableId) -> &Table {
        &self.tables[id.0 as usize]
    }

    /// The table a name refers to at the end of the workspace.
    pub fn find_table(&self, name: &QualifiedName) -> Option<&Table> {
        self.live.get(name).map(|id| self.table(*id))
    }

    pub fn table_by_prisma_name(&self, name: &str) -> Option<&Table> {
        self.prisma_models.get(name).map(|id| self.table(*id))
    }

    /// The indexes of a table.
    pub fn indexes_of(&self, table: TableId) -> impl Iterator<Item = &Index> {
        self.indexes_by_table
            .of(table)
            .iter()
            .filter_map(|&position| self.indexes.get(position))
    }

    pub fn triggers_of(&self, table: TableId) -> impl Iterator<Item = &Trigger> {
        self.triggers.iter().filter(move |t| t.table == Some(table))
    }

    pub fn policies_of(&self, table: TableId) -> impl Iterator<Item = &Policy> {
        self.policies.iter().filter(move |p| p.table == Some(table))
    }

    /// The table an ALTER TABLE or CREATE INDEX statement starting at `start` applied to.
    pub fn statement_table(&self, file: FileId, start: u32) -> Option<&Table> {
        self.statement_tables
            .get(&(file, start))
            .map(|id| self.table(*id))
    }

    pub fn file_meta(&self, file: FileId) -> Option<&FileMeta> {
        self.files.iter().find(|f| f.file == file)
    }

    /// Whether `schema.name` is taken by a table, index, sequence or view (they share a namespace)
    /// at the end of the workspace.
    pub fn relation_exists(&self, schema: &str, name: &str) -> bool {
        // A few questions are answered by going through the names; gathering them pays off
        // from the rest on.
        let asked = (self.relation_questions.0).fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.relation_names.get().is_none() && asked < 8 {
            return self.relation_exists_now(schema, name);
        }
        let hashes = self.relation_names.get_or_init(|| {
            let hasher = hashbrown::DefaultHashBuilder::default();
            let mut hashes = hashbrown::HashSet::with_capacity(
                self.live.len() + self.other_relations.len() + self.indexes.len(),
            );
            hashes.extend(self.relation_names_now().map(|name| hasher.hash_one(name)));
            RelationNameHashes { hasher, hashes }
        });
        hashes
            .hashes
            .contains(&hashes.hasher.hash_one((schema, name)))
            && self.relation_exists_now(schema, name)
    }

    /// `relation_exists` while the model is being built.
    fn relation_exists_now(&self, schema: &str, name: &str) -> bool {
        self.relation_names_now()
            .any(|(s, n)| s == schema && n == name)
    }

    /// Live tables, sequences, views, indexes, and the indexes behind primary key, unique and
    /// exclusion constraints.
    fn relation_names_now(&self) -> impl Iterator<Item = (&str, &str)> {
        let tables = self
            .live
            .keys()
            .chain(self.other_relations.iter().map(|(name, _)| name))
            .map(|name| (name.schema.as_str(), name.name.as_str()));
        let indexes = self.indexes.iter().filter_map(|index| {
            let schema = self.table(index.table).name.schema.as_str();
            Some((schema, index.name.as_deref()?))
        });
        let constraints = self.live_tables().flat_map(|table| {
            table.constraints.iter().filter_map(move |constraint| {
                let backed_by_index = matches!(
                    constraint.kind(),
                    lower::ConstraintKind::PrimaryKey { .. }
                        | lower::ConstraintKind::Unique { .. }
                        | lower::ConstraintKind::Exclude { .. }
                );
                backed_by_index.then_some((table.name.schema.as_str(), constraint.name()?))
            })
        });
        tables.chain(indexes).chain(constraints)
    }

    /// Whether `a` comes before `b` in workspace order (file order, then offset).
    pub fn precedes(&self, a: Loc, b: Loc) -> bool {
        let order = |loc: Loc| {
            self.file_meta(loc.file)
                .map_or(usize::MAX, |meta| meta.order)
        };
        (order(a), a.range.start()) < (order(b), b.range.start())
    }

    /// The user type a type reference written at `ty`'s place names: a type that had that name
    /// there (a later ALTER TYPE ... RENAME does not change what the statement meant), else one
    /// that has it now.
    pub fn find_type_written(
        &self,
        ty: &Located<TypeRef>,
        language: Language,
    ) -> Option<&UserType> {
        let at = ty.origin.statement_loc();
        let wanted = names::type_lookup_name(&ty.value);
        let then = (language == Language::Sql)
            .then(|| {
                self.types.iter().rev().find(|t| {
                    let name = t.name_at(self, at);
                    name.name == wanted
                        && ty
                            .value
                            .schema
                            .as_deref()
                            .is_none_or(|schema| name.schema == schema)
                })
            })
            .flatten();
        then.or_else(|| self.find_type(&ty.value, language))
    }

    /// The user type (enum, composite...) a type reference names.
    pub fn find_type(&self, ty: &TypeRef, file_language: Language) -> Option<&UserType> {
        if file_language == Language::Prisma
            && let Some(found) = self
                .types
                .iter()
                .find(|t| t.def.value.prisma_name.as_deref() == Some(ty.name.as_str()))
        {
            return Some(found);
        }
        let wanted = names::type_lookup_name(ty);
        self.types.iter().rev().find(|t| {
            t.name.name == wanted
                && ty
                    .schema
                    .as_deref()
                    .is_none_or(|schema| t.name.schema == schema)
        })
    }

    pub fn find_domain(&self, ty: &TypeRef) -> Option<&Domain> {
        let wanted = names::type_lookup_name(ty);
        self.domains.iter().rev().find(|d| {
            d.name.name == wanted
                && ty
                    .schema
                    .as_deref()
                    .is_none_or(|schema| d.name.schema == schema)
        })
    }

    /// Whether the workspace creates anything in `schema` (a table, type or the schema itself).
    pub fn defines_schema(&self, schema: &str) -> bool {
        self.schemas.iter().any(|(s, _)| s == schema)
            || self.tables.iter().any(|t| t.name.schema == schema)
            || self.types.iter().any(|t| t.name.schema == schema)
    }

    /// The columns a foreign key references: written ones, else the target's primary key.
    pub fn referenced_columns(&self, constraint: &Constraint) -> Vec<String> {
        self.referenced_column_names(constraint)
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// [`Model::referenced_columns`], borrowed.
    pub fn referenced_column_names<'a>(&'a self, constraint: &'a Constraint) -> Vec<&'a str> {
        let lower::ConstraintKind::ForeignKey { references, .. } = constraint.kind() else {
            return Vec::new();
        };
        if !references.columns.is_empty() {
            // Prisma relations name the target's fields, which may map to other column names.
            let prisma_target = constraint
                .target
                .map(|t| self.table(t))
                .filter(|t| t.language == Language::Prisma);
            return references
                .columns
                .iter()
                .map(|written| {
                    prisma_target
                        .and_then(|t| {
                            t.columns.iter().find(|col| {
                                col.prisma_name.as_deref() == Some(written.name.as_str())
                            })
                        })
                        .map_or(written.name.as_str(), |col| col.name.as_str())
                })
                .collect();
        }
        constraint
            .target
            .and_then(|t| self.table(t).primary_key())
            .map(|pk| pk.columns())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
