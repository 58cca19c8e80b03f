//! Section 10 of the catalog: zero-downtime migrations. These rules look at the statements of
//! migrations not yet applied (advice on a migration that ran long ago helps nobody), and only
//! at statements on tables that an earlier migration created: a table created in the same file
//! is new and empty, so locks on it block nobody.

pub(crate) mod add_column_not_null_without_default;
pub(crate) mod alter_column_type_rewrite;
pub(crate) mod constraint_not_valid;
pub(crate) mod drop_column_breaks_clients;
pub(crate) mod foreign_key_not_valid;
pub(crate) mod index_not_concurrent;
pub(crate) mod rename_breaks_clients;
pub(crate) mod set_not_null_scan;
pub(crate) mod unique_constraint_with_index;
pub(crate) mod volatile_default_rewrite;

use super::{MigrationStep, Rule, RuleCx, migration_name};
use crate::analysis::FileData;
use crate::lower::{AlterTable, Fact, PlacedStatement};
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
];

/// A statement of a migration file that applies to a table created by an earlier migration.
pub(crate) struct MigrationStatement<'a> {
    pub file: &'a FileData,
    pub statement: &'a PlacedStatement,
    pub fact: &'a Fact,
    pub table: &'a Table,
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
/// goose, dbmate and sqlx read a switch in the file that turns it off.
pub(crate) fn runs_in_one_transaction(text: &str) -> bool {
    !text.lines().any(|line| {
        let line = line.trim();
        line.eq_ignore_ascii_case("-- +goose NO TRANSACTION")
            || line.eq_ignore_ascii_case("-- no-transaction")
            || (line.starts_with("-- migrate:up") && line.contains("transaction:false"))
    })
}

/// Every ALTER TABLE / CREATE INDEX fact of a pending migration whose table an earlier migration
/// created.
pub(crate) fn on_existing_tables<'a>(cx: &RuleCx<'a>) -> Vec<MigrationStatement<'a>> {
    let mut found = Vec::new();
    for file in pending_migrations(cx) {
        let Some(meta) = cx.model.file_meta(file.id) else {
            continue;
        };
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
            for fact in &statement.lowered.facts {
                if matches!(fact, Fact::AlterTable(_) | Fact::CreateIndex(_)) {
                    found.push(MigrationStatement {
                        file,
                        statement,
                        fact,
                        table,
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
