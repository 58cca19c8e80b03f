//! ## What it does
//! Reports `DROP INDEX` without `CONCURRENTLY` in a migration not yet applied, on an index of
//! a table that an earlier migration created. Indexes of tables created in the same migration
//! and of partitioned tables (whose indexes cannot be dropped concurrently) are not reported;
//! nor are standalone schema files, nor migrations that already ran.
//!
//! ## Why is this bad?
//! A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table: every read and
//! write of the table waits, first for the queries already running on it to finish, then for
//! the drop. `DROP INDEX CONCURRENTLY` waits for those queries without blocking new ones.
//!
//! ## Example
//! ```sql
//! -- migrations/0003_drop_orders_status_idx.sql (orders was created by 0001)
//! DROP INDEX orders_status_idx;
//! ```
//!
//! Use instead:
//! ```sql
//! DROP INDEX CONCURRENTLY orders_status_idx;
//! ```
//!
//! ## Fix safety
//! "Drop the index concurrently" inserts `CONCURRENTLY` after `DROP INDEX`. It is unsafe
//! because `DROP INDEX CONCURRENTLY` cannot run inside a transaction block: the migration
//! must run outside one (see `concurrently-in-transaction` for each tool's switch). It is not
//! offered when the statement drops several indexes or says `CASCADE`, which PostgreSQL does
//! not allow concurrently: drop each index in a statement of its own, and what depends on it
//! first.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::file::FileData;
use crate::fix::keyword_case;
use crate::lower::{Drop, Fact, ObjectKind};
use crate::model::Loc;
use crate::rules::migrations::{existing_command_tables, pending_migrations};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "drop-index-not-concurrent",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for file in pending_migrations(cx) {
        for statement in file.statements.iter() {
            for fact in &statement.lowered.facts {
                let Fact::Drop(drop) = fact else {
                    continue;
                };
                if drop.kind != ObjectKind::Index || drop.concurrently {
                    continue;
                }
                let tables = existing_command_tables(cx, file, statement);
                let Some(table) = tables.first() else {
                    continue;
                };
                if tables.iter().any(|t| t.partitioned) || created_here(file, drop) {
                    continue;
                }
                let head = Loc {
                    file: file.id,
                    range: statement.absolute(drop.head),
                };
                let alone = drop.targets.len() == 1 && !drop.cascade;
                let mut message = format!(
                    "`DROP INDEX` takes an ACCESS EXCLUSIVE lock on existing table `{}`, blocking its reads and writes until the drop ends; use `DROP INDEX CONCURRENTLY`",
                    table.name_at(cx.model, head)
                );
                if !alone {
                    message.push_str(", one index per statement and without CASCADE");
                }
                let fix = alone.then(|| {
                    let word = keyword_case(&file.text, statement.range(), " CONCURRENTLY");
                    Fix::unsafe_(
                        "Drop the index concurrently",
                        vec![Edit::insert(file.id, head.range.end(), word)],
                    )
                });
                out.push(Diagnostic::new(head, message).with_fixes(fix));
            }
        }
    }
}

/// Whether the file creates one of the indexes it drops (a new index blocks nobody).
fn created_here(file: &FileData, drop: &Drop) -> bool {
    file.statements.iter().any(|statement| {
        statement.lowered.facts.iter().any(|fact| {
            let Fact::CreateIndex(index) = fact else {
                return false;
            };
            index
                .name
                .as_ref()
                .is_some_and(|name| drop.targets.iter().any(|t| t.name.name == name.name))
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
