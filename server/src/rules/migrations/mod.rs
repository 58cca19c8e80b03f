//! Section 10 of the catalog: zero-downtime migrations. These rules look at the statements of
//! migration files, and only at statements on tables that an earlier migration created: a
//! table created in the same file is new and empty, so locks on it block nobody.

pub(crate) mod add_column_not_null_without_default;
pub(crate) mod foreign_key_not_valid;
pub(crate) mod index_not_concurrent;

use super::{Rule, RuleCx};
use crate::analysis::FileData;
use crate::lower::{Fact, PlacedStatement};
use crate::model::Table;

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

/// Every ALTER TABLE / CREATE INDEX fact of a migration file whose table an earlier migration
/// file created.
pub(crate) fn on_existing_tables<'a>(cx: &RuleCx<'a>) -> Vec<MigrationStatement<'a>> {
    let mut found = Vec::new();
    for file in cx.files() {
        let Some(meta) = cx.model.file_meta(file.id) else {
            continue;
        };
        if !meta.is_migration {
            continue;
        }
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
