//! Section 10 of the catalog: zero-downtime migrations. These rules look at the statements of
//! migrations not yet applied (advice on a migration that ran long ago helps nobody), and only
//! at statements on tables that an earlier migration created: a table created in the same file
//! is new and empty, so locks on it block nobody. Nor, for the rules about scans, rewrites and
//! rows, at statements on a table the same migration truncated first.

pub(crate) mod add_column_not_null_without_default;
pub(crate) mod alter_column_type_rewrite;
pub(crate) mod alter_enum_remove_value;
pub(crate) mod concurrently_in_transaction;
pub(crate) mod constraint_not_valid;
pub(crate) mod drop_column_breaks_clients;
pub(crate) mod drop_index_not_concurrent;
pub(crate) mod foreign_key_not_valid;
pub(crate) mod index_not_concurrent;
pub(crate) mod lock_timeout_missing;
pub(crate) mod mixed_ddl_and_dml;
pub(crate) mod reindex_not_concurrent;
pub(crate) mod rename_breaks_clients;
pub(crate) mod set_not_null_scan;
pub(crate) mod truncate_cascade;
pub(crate) mod unique_constraint_with_index;
pub(crate) mod vacuum_full_or_cluster;
pub(crate) mod volatile_default_rewrite;

use super::{MigrationStep, Rule, RuleCx, migration_name};
use crate::file::FileData;
use crate::lower::{AlterTable, AlterTableAction, Command, CommandVerb, Fact, PlacedStatement};
use crate::model::{History, Loc, Table, TableId};

pub(super) const RULES: &[&Rule] = &[
    &index_not_concurrent::RULE,
    &add_column_not_null_without_default::RULE,
    &foreign_key_not_valid::RULE,
    &constraint_not_valid::RULE,
    &unique_constraint_with_index::RULE,
    &set_not_null_scan::RULE,
    &alter_column_type_rewrite::RULE,
    &volatile_default_rewrite::RULE,
    &rename_breaks_clients::RULE,
    &drop_column_breaks_clients::RULE,
    &drop_index_not_concurrent::RULE,
    &reindex_not_concurrent::RULE,
    &vacuum_full_or_cluster::RULE,
    &truncate_cascade::RULE,
    &alter_enum_remove_value::RULE,
    &lock_timeout_missing::RULE,
    &concurrently_in_transaction::RULE,
    &mixed_ddl_and_dml::RULE,
];

/// A statement of a migration file that applies to a table created by an earlier migration.
pub(crate) struct MigrationStatement<'a> {
    pub file: &'a FileData,
    pub statement: &'a PlacedStatement,
    pub fact: &'a Fact,
    pub table: &'a Table,
    /// An earlier statement of the same migration truncated the table: it has no rows to
    /// scan, rewrite or check, and no row a NOT NULL column would fail on.
    pub emptied: bool,
}

/// The migrations not yet applied (see `workspace::history`).
pub(crate) fn pending_migrations<'a>(cx: &RuleCx<'a>) -> impl Iterator<Item = &'a FileData> {
    cx.files().filter(|file| {
        cx.model
            .file_meta(file.id)
            .is_some_and(|meta| meta.history == History::PendingMigration)
    })
}

/// Whether the migration tool runs the file in one transaction: every tool does by default;
/// goose, dbmate, sqlx and Flyway read a switch in the file that turns it off.
pub(crate) fn runs_in_one_transaction(text: &str) -> bool {
    !text.lines().any(|line| {
        let line = line.trim();
        line.eq_ignore_ascii_case("-- +goose NO TRANSACTION")
            || line.eq_ignore_ascii_case("-- no-transaction")
            || (line.starts_with("-- migrate:up") && line.contains("transaction:false"))
            || is_flyway_no_transaction(line)
    })
}

fn is_flyway_no_transaction(line: &str) -> bool {
    line.strip_prefix("--")
        .map(str::trim_start)
        .and_then(|rest| rest.strip_prefix("flyway:executeInTransaction"))
        .is_some_and(|rest| {
            rest.trim_start_matches([' ', '='])
                .eq_ignore_ascii_case("false")
        })
}

/// The migration tool a file is written for, as its name and markers tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    /// `-- +goose Up`.
    Goose,
    /// `-- migrate:up`.
    Dbmate,
    /// `V<version>__<name>.sql`.
    Flyway,
    /// `<version>_<name>/migration.sql`.
    PrismaMigrate,
    /// `<version>_<name>/up.sql` (Diesel; Hasura).
    Diesel,
    /// `<version>_<name>.up.sql` (golang-migrate; sqlx's reversible form).
    GolangMigrate,
    /// `<version>_<name>.sql` (sqlx; Supabase).
    Sqlx,
}

impl Tool {
    /// `None` for a file no tool above names so (Temporal's `v1.2/*.sql`, configured roots).
    pub(crate) fn of(file: &FileData) -> Option<Tool> {
        let text = &file.text;
        let name = file
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let versioned = name.split_once('_').is_some_and(|(version, _)| {
            !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())
        });
        Some(if text.contains("-- +goose Up") {
            Tool::Goose
        } else if text.contains("-- migrate:up") {
            Tool::Dbmate
        } else if crate::rules::common::is_prisma_migrate_sql(file) {
            Tool::PrismaMigrate
        } else if name == "up.sql" {
            Tool::Diesel
        } else if name.starts_with(['V', 'v']) && name.contains("__") {
            Tool::Flyway
        } else if versioned && name.ends_with(".up.sql") {
            Tool::GolangMigrate
        } else if versioned && name.ends_with(".sql") {
            Tool::Sqlx
        } else {
            return None;
        })
    }

    /// The comment that turns the tool's transaction off, when the tool reads one in the file.
    pub(crate) fn no_transaction_switch(self) -> Option<&'static str> {
        match self {
            Tool::Goose => Some("-- +goose NO TRANSACTION"),
            Tool::Dbmate => Some("-- migrate:up transaction:false"),
            Tool::Flyway => Some("-- flyway:executeInTransaction=false"),
            Tool::Sqlx => Some("-- no-transaction"),
            Tool::PrismaMigrate | Tool::Diesel | Tool::GolangMigrate => None,
        }
    }
}

/// Whether the tool wraps the file in one transaction (unknown tools: no). golang-migrate and
/// Prisma Migrate send the file as one query string, which PostgreSQL runs as one transaction when
/// it holds more than one statement. Flyway runs a file outside a transaction when every statement
/// must run outside one (`only_outside` says so).
pub(crate) fn tool_transaction(file: &FileData, only_outside: bool) -> bool {
    if !runs_in_one_transaction(&file.text) {
        return false;
    }
    match Tool::of(file) {
        Some(Tool::GolangMigrate | Tool::PrismaMigrate) => file.statements.len() > 1,
        Some(Tool::Flyway) => !only_outside,
        Some(Tool::Goose | Tool::Dbmate | Tool::Sqlx | Tool::Diesel) => true,
        None => false,
    }
}

/// Which transaction each statement of a migration runs in: statements with the same number
/// share one; `None` runs in a transaction of its own. Explicit `BEGIN` ... `COMMIT` blocks
/// are transactions; without them, the whole file is one when the tool opens one
/// (`tool_transaction`).
pub(crate) fn transactions(file: &FileData, tool_transaction: bool) -> Vec<Option<usize>> {
    let explicit = file
        .statements
        .iter()
        .any(|s| command_of(s).is_some_and(|c| c.verb == CommandVerb::Begin));
    if !explicit {
        return vec![tool_transaction.then_some(0); file.statements.len()];
    }
    let mut current = None;
    let mut count = 0;
    file.statements
        .iter()
        .map(|statement| match command_of(statement).map(|c| c.verb) {
            Some(CommandVerb::Begin) => {
                count += 1;
                current = Some(count);
                None
            }
            Some(CommandVerb::Commit) => {
                current = None;
                None
            }
            _ => current,
        })
        .collect()
}

/// The command a statement is, if any.
pub(crate) fn command_of(statement: &PlacedStatement) -> Option<&Command> {
    statement.lowered.facts.iter().find_map(|fact| match fact {
        Fact::Command(command) => Some(&**command),
        _ => None,
    })
}

/// The tables of a statement of `file` (see `Model::command_tables`) that an earlier migration
/// created.
pub(crate) fn existing_command_tables<'a>(
    cx: &RuleCx<'a>,
    file: &FileData,
    statement: &PlacedStatement,
) -> Vec<&'a Table> {
    let Some(meta) = cx.model.file_meta(file.id) else {
        return Vec::new();
    };
    let Some(ids) = cx.model.command_tables.get(&(file.id, statement.start)) else {
        return Vec::new();
    };
    ids.iter()
        .map(|id| cx.model.table(*id))
        .filter(|table| is_older(cx, table, meta.order))
        .collect()
}

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and 3 other tables ``: the tables a message names,
/// as called at `at`.
pub(crate) fn table_list(cx: &RuleCx, tables: &[&Table], at: Loc) -> String {
    let names: Vec<String> = tables
        .iter()
        .take(2)
        .map(|t| format!("`{}`", t.name_at(cx.model, at)))
        .collect();
    match tables.len() {
        0 | 1 => names.join(""),
        2 => names.join(" and "),
        3 => format!("{}, {} and 1 other table", names[0], names[1]),
        n => format!("{}, {} and {} other tables", names[0], names[1], n - 2),
    }
}

/// Whether a migration before the one at `order` created the table.
pub(crate) fn is_older(cx: &RuleCx, table: &Table, order: usize) -> bool {
    cx.model
        .file_meta(table.created.file)
        .is_some_and(|created| created.order < order)
}

/// `ADD COLUMN column` on `table` earlier in the same migration: the column is new.
pub(crate) fn added_earlier_in_file(found: &MigrationStatement, table: &str, column: &str) -> bool {
    found
        .file
        .statements
        .iter()
        .take_while(|statement| statement.start < found.statement.start)
        .flat_map(|statement| &statement.lowered.facts)
        .any(|fact| {
            let Fact::AlterTable(alter) = fact else {
                return false;
            };
            alter.name.name.name == table
                && alter.actions.iter().any(|action| {
                    matches!(&action.action, AlterTableAction::AddColumn { column: added, .. } if added.name.name == column)
                })
        })
}

/// [`on_existing_tables`] but those the migration emptied first: the rules about scans,
/// rewrites and existing rows have nothing to say about an empty table.
pub(crate) fn on_tables_with_rows<'a>(cx: &RuleCx<'a>) -> Vec<MigrationStatement<'a>> {
    let mut found = on_existing_tables(cx);
    found.retain(|statement| !statement.emptied);
    found
}

/// The tables `file` truncates, with the offset of each TRUNCATE.
fn truncations(cx: &RuleCx, file: &FileData) -> Vec<(u32, TableId)> {
    file.statements
        .iter()
        .filter(|statement| {
            statement.lowered.facts.iter().any(|fact| {
                matches!(fact, Fact::Command(command) if command.verb == CommandVerb::Truncate)
            })
        })
        .flat_map(|statement| {
            cx.model
                .command_tables
                .get(&(file.id, statement.start))
                .into_iter()
                .flatten()
                .map(|table| (statement.start, *table))
        })
        .collect()
}

/// Every ALTER TABLE / CREATE INDEX fact of a pending migration whose table an earlier migration
/// created.
pub(crate) fn on_existing_tables<'a>(cx: &RuleCx<'a>) -> Vec<MigrationStatement<'a>> {
    let mut found = Vec::new();
    for file in pending_migrations(cx) {
        let Some(meta) = cx.model.file_meta(file.id) else {
            continue;
        };
        let truncated = truncations(cx, file);
        for statement in file.statements.iter() {
            let Some(table) = cx.model.statement_table(file.id, statement.start) else {
                continue;
            };
            let Some(created) = cx.model.file_meta(table.created.file) else {
                continue;
            };
            if created.order >= meta.order {
                continue;
            }
            let emptied = truncated
                .iter()
                .any(|&(at, id)| at < statement.start && id == table.id);
            for fact in &statement.lowered.facts {
                if matches!(fact, Fact::AlterTable(_) | Fact::CreateIndex(_)) {
                    found.push(MigrationStatement {
                        file,
                        statement,
                        fact,
                        table,
                        emptied,
                    });
                }
            }
        }
    }
    found
}

/// A migration of `statements` that runs after every other (named after `title`).
pub(crate) fn later_migration(title: &str, statements: String) -> MigrationStep {
    MigrationStep {
        title: None,
        name: migration_name(title),
        up: statements,
        down: Some(String::new()),
        outside_transaction: false,
    }
}

/// An ALTER TABLE statement anywhere in the workspace, with the table it applied to.
pub(crate) struct TableAlter<'a> {
    pub statement: Loc,
    pub alter: &'a AlterTable,
    pub table: TableId,
}

/// Every ALTER TABLE statement of the workspace whose table the model knows, for rules that
/// ask what earlier statements did to a table.
pub(crate) fn table_alters<'a>(cx: &RuleCx<'a>) -> Vec<TableAlter<'a>> {
    let mut found = Vec::new();
    for file in cx.files() {
        for statement in file.statements.iter() {
            let Some(table) = cx.model.statement_table(file.id, statement.start) else {
                continue;
            };
            for fact in &statement.lowered.facts {
                if let Fact::AlterTable(alter) = fact {
                    found.push(TableAlter {
                        statement: Loc {
                            file: file.id,
                            range: statement.range(),
                        },
                        alter,
                        table: table.id,
                    });
                }
            }
        }
    }
    found
}

/// The offset of the last whole word `word` (case-insensitive) in `text` before `before`.
pub(crate) fn last_word_before(text: &str, before: usize, word: &str) -> Option<usize> {
    let head = text.get(..before)?.to_ascii_lowercase();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    head.match_indices(word)
        .filter(|(at, _)| {
            !head[..*at].ends_with(is_ident) && !head[at + word.len()..].starts_with(is_ident)
        })
        .map(|(at, _)| at)
        .last()
}
