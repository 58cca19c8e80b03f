//! ## What it does
//! Reports `REINDEX INDEX`, `REINDEX TABLE`, `REINDEX SCHEMA` and `REINDEX DATABASE` without
//! `CONCURRENTLY` in a migration not yet applied, when they rebuild indexes of tables that an
//! earlier migration created. Indexes of tables created in the same migration are not reported;
//! nor are standalone schema files, nor migrations that already ran.
//!
//! ## Why is this bad?
//! A plain `REINDEX` holds a SHARE lock on each table for the whole rebuild, so its inserts,
//! updates and deletes wait, and an ACCESS EXCLUSIVE lock on each index, so even the reads that
//! would use it wait. `REINDEX CONCURRENTLY` (PostgreSQL 12 and later) builds a new copy of
//! each index while writes go on and swaps it in. Before PostgreSQL 12 the same is done by hand:
//! `CREATE INDEX CONCURRENTLY` a copy, `DROP INDEX CONCURRENTLY` the old one, and rename the
//! copy.
//!
//! ## Example
//! ```sql
//! -- migrations/0004_reindex_orders.sql (orders was created by 0001)
//! REINDEX TABLE orders;
//! ```
//!
//! Use instead:
//! ```sql
//! REINDEX TABLE CONCURRENTLY orders;
//! ```
//!
//! ## Fix safety
//! "Reindex concurrently" inserts `CONCURRENTLY` after `REINDEX INDEX` / `TABLE` / `SCHEMA` /
//! `DATABASE`. It is unsafe because `REINDEX CONCURRENTLY` cannot run inside a transaction
//! block (the migration must run outside one, see `concurrently-in-transaction`), and a failed
//! concurrent rebuild leaves INVALID `_ccnew` indexes to drop. It is not offered on a
//! `postgres_version` before 12, which has no `REINDEX CONCURRENTLY`, nor on partitioned
//! tables before 14.
//!
//! ## Options
//! None; `[migrations] postgres_version` decides whether `REINDEX CONCURRENTLY` exists.

use crate::config::Level;
use crate::fix::keyword_case;
use crate::lower::CommandVerb;
use crate::model::Loc;
use crate::rules::migrations::{
    command_of, existing_command_tables, pending_migrations, table_list,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "reindex-not-concurrent",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let version = cx.config.migrations.postgres_version();
    for file in pending_migrations(cx) {
        for statement in file.statements.iter() {
            let Some(command) = command_of(statement) else {
                continue;
            };
            if command.verb != CommandVerb::Reindex
                || command.concurrently.is_some()
                || command.object_kind.as_deref() == Some("system")
            {
                continue;
            }
            let tables = existing_command_tables(cx, file, statement);
            if tables.is_empty() {
                continue;
            }
            let head = Loc {
                file: file.id,
                range: statement.absolute(command.head),
            };
            let written = cx.text(head);
            let mut message = format!(
                "`{written}` blocks writes to existing {} {} (SHARE lock) and the reads that use its indexes (ACCESS EXCLUSIVE lock on each) until the rebuild ends; ",
                if tables.len() == 1 { "table" } else { "tables" },
                table_list(cx, &tables, head)
            );
            if version < 12 {
                message.push_str(&format!(
                    "PostgreSQL {version} has no `REINDEX CONCURRENTLY`: build a copy with `CREATE INDEX CONCURRENTLY`, drop the old index concurrently and rename the copy"
                ));
                out.push(Diagnostic::new(head, message));
                continue;
            }
            message.push_str("use `REINDEX ... CONCURRENTLY`");
            let fix = (version >= 14 || !tables.iter().any(|t| t.partitioned)).then(|| {
                let word = keyword_case(&file.text, statement.range(), " CONCURRENTLY");
                Fix::unsafe_(
                    "Reindex concurrently",
                    vec![Edit::insert(file.id, head.range.end(), word)],
                )
            });
            out.push(Diagnostic::new(head, message).with_fixes(fix));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
