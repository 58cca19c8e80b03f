//! ## What it does
//! Reports, in a migration not yet applied, an `UPDATE`, `DELETE` or `INSERT ... SELECT`
//! without a batching bound on a table an earlier migration created, when a statement before
//! it in the same transaction changed that table's schema (`ALTER TABLE`, `CREATE INDEX`
//! without `CONCURRENTLY`). The transaction is an explicit `BEGIN` block, or the whole file
//! when the migration tool runs it in one (see `concurrently-in-transaction`; a Diesel
//! `up.sql` counts as one, since ddlint does not read its `metadata.toml`). A WHERE that
//! selects rows by value (a comparison with a literal, `IN` a list, `BETWEEN`) or a LIMIT
//! counts as a bound; `WHERE col IS NULL`, the usual backfill of a new column, does not.
//!
//! ## Why is this bad?
//! The schema change's lock (ACCESS EXCLUSIVE for most `ALTER TABLE`s, SHARE for
//! `CREATE INDEX`) is held until the transaction commits, so every query on the table (or every
//! write) waits for the whole backfill, which on a large table takes minutes. The backfill also
//! keeps every row it touched locked and bloats the table in one go.
//!
//! ## Example
//! ```sql
//! -- migrations/0009_orders_region.sql (orders was created by 0001)
//! ALTER TABLE orders ADD COLUMN region text;
//! UPDATE orders SET region = 'eu';
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0009_orders_region.sql
//! ALTER TABLE orders ADD COLUMN region text;
//! -- migrations/0010_backfill_orders_region.sql, run until it updates no row
//! UPDATE orders SET region = 'eu'
//! WHERE id IN (SELECT id FROM orders WHERE region IS NULL LIMIT 5000);
//! ```
//!
//! ## Fix safety
//! "Move the backfill to a migration of its own" moves the statement into a new migration after
//! the folder's newest, where it no longer holds the schema change's lock. It is offered only
//! when no later statement of the file uses the table (a `SET NOT NULL` may need the backfilled
//! rows), and it is unsafe: between the two migrations the application sees the table without
//! the backfill. Batching the moved statement stays the author's job (a loop, a job queue).
//!
//! ## Options
//! None.

use std::collections::HashMap;

use crate::config::Level;
use crate::fix::delete_statement;
use crate::lower::{CommandVerb, Fact, PlacedStatement};
use crate::model::{FileId, Loc, TableId};
use crate::rules::migrations::lock_timeout_missing::lock_of;
use crate::rules::migrations::{
    command_of, existing_command_tables, is_older, pending_migrations, tool_transaction,
    transactions,
};
use crate::rules::{Diagnostic, Fix, MigrationStep, Rule, RuleCx, RuleScope, migration_name};

pub(crate) const RULE: Rule = Rule {
    id: "mixed-ddl-and-dml",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for file in pending_migrations(cx) {
        let Some(meta) = cx.model.file_meta(file.id) else {
            continue;
        };
        let blocks = transactions(file, tool_transaction(file, false));
        // The first schema change of each (transaction, table): its keywords and lock.
        let mut changed: HashMap<(usize, TableId), (Loc, &str)> = HashMap::new();
        for (statement, block) in file.statements.iter().zip(&blocks) {
            let Some(block) = block else {
                continue;
            };
            let facts = &statement.lowered.facts;
            let ddl = facts.iter().find_map(|fact| match fact {
                Fact::AlterTable(_) | Fact::CreateIndex(_) => lock_of(fact),
                _ => None,
            });
            if let Some((lock, _)) = ddl {
                if let Some(table) = cx.model.statement_table(file.id, statement.start)
                    && is_older(cx, table, meta.order)
                {
                    let head = Loc {
                        file: file.id,
                        range: statement.absolute(statement.lowered.head),
                    };
                    changed.entry((*block, table.id)).or_insert((head, lock));
                }
                continue;
            }
            let Some(command) = command_of(statement) else {
                continue;
            };
            let backfill = matches!(
                command.verb,
                CommandVerb::Update | CommandVerb::Delete | CommandVerb::Insert
            ) && !command.bounded;
            if !backfill {
                continue;
            }
            for table in existing_command_tables(cx, file, statement) {
                let Some((ddl_head, lock)) = changed.get(&(*block, table.id)) else {
                    continue;
                };
                let at = Loc {
                    file: file.id,
                    range: statement.absolute(command.head),
                };
                let line = file
                    .lines
                    .line_col(ddl_head.range.start(), crate::text::PositionEncoding::Utf8)
                    .line
                    + 1;
                let message = format!(
                    "`{}` of existing table `{name}` has no batching bound and runs in the transaction of the `{}` on line {line}, whose {lock} lock on `{name}` is held until the migration commits: queries on `{name}` wait for the whole backfill; backfill in batches in a migration of its own",
                    cx.text(at).split_whitespace().collect::<Vec<_>>().join(" "),
                    cx.text(*ddl_head)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    name = table.name_at(cx.model, at),
                );
                let used_later = file
                    .statements
                    .iter()
                    .filter(|later| later.start > statement.start)
                    .any(|later| uses_table(cx, file.id, later, table.id));
                let fix = (!used_later).then(|| {
                    let text = cx.text(Loc {
                        file: file.id,
                        range: statement.range(),
                    });
                    Fix::unsafe_(
                        "Move the backfill to a migration of its own",
                        vec![delete_statement(file, statement.range())],
                    )
                    .in_new_migration(MigrationStep {
                        title: None,
                        name: migration_name(&format!("backfill {}", table.name.name)),
                        up: text.to_owned(),
                        down: None,
                        outside_transaction: false,
                    })
                });
                out.push(Diagnostic::new(at, message).with_fixes(fix));
                break;
            }
        }
    }
}

/// Whether a statement applies to the table (see `Model::statement_tables` and
/// `Model::command_tables`).
fn uses_table(cx: &RuleCx, file: FileId, statement: &PlacedStatement, table: TableId) -> bool {
    let key = (file, statement.start);
    cx.model.statement_tables.get(&key) == Some(&table)
        || cx
            .model
            .command_tables
            .get(&key)
            .is_some_and(|tables| tables.contains(&table))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
