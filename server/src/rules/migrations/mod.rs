//! Section 10 of the catalog: zero-downtime migrations. These rules look at the statements of
//! migrations not yet applied (advice on a migration that ran long ago helps nobody), and only
//! at statements on tables that an earlier migration created: a table created in the same file
//! is new and empty, so locks on it block nobody.

pub(crate) mod add_column_not_null_without_default;
pub(crate) mod foreign_key_not_valid;
pub(crate) mod index_not_concurrent;

use super::{Rule, RuleCx};
use crate::analysis::FileData;
use crate::lower::{Fact, PlacedStatement};
use crate::model::{History, Table};

pub(super) const RULES: &[&Rule] = &[
    &index_not_concurrent::RULE,
    &add_column_not_null_without_default::RULE,
    &foreign_key_not_valid::RULE,
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
