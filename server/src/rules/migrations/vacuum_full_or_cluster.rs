//! ## What it does
//! Reports `VACUUM FULL` (or `VACUUM (FULL)`) and `CLUSTER` in a migration not yet applied, on
//! tables that an earlier migration created, or without a table (every table). Tables created
//! in the same migration are not reported; nor are standalone schema files, nor migrations that
//! already ran.
//!
//! ## Why is this bad?
//! Both rewrite the whole table and its indexes under an ACCESS EXCLUSIVE lock: every read and
//! write of the table waits for the rewrite, which on a large table takes minutes to hours and
//! needs room for a second copy. Reclaiming space or reordering rows is maintenance, not a
//! schema change: tools like pg_repack or pg_squeeze do it while the table stays in use, and
//! plain `VACUUM` (without FULL) takes no lock that blocks reads or writes.
//!
//! ## Example
//! ```sql
//! -- migrations/0005_compact_events.sql (events was created by 0001)
//! DELETE FROM events WHERE at < '2020-01-01';
//! VACUUM FULL events;
//! ```
//!
//! Use instead:
//! ```sql
//! DELETE FROM events WHERE at < '2020-01-01';
//! -- then, outside the migration: pg_repack --table=events
//! ```
//!
//! ## Fix safety
//! No automatic fix: removing the statement changes what the migration does, and what replaces
//! it (pg_repack, pg_squeeze, or nothing) runs outside the migration.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::CommandVerb;
use crate::model::{Loc, Table};
use crate::rules::migrations::{
    command_of, existing_command_tables, is_older, pending_migrations, table_list,
};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "vacuum-full-or-cluster",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for file in pending_migrations(cx) {
        let Some(meta) = cx.model.file_meta(file.id) else {
            continue;
        };
        for statement in file.statements.iter() {
            let Some(command) = command_of(statement) else {
                continue;
            };
            let rewrites = match command.verb {
                CommandVerb::Vacuum => command.full.is_some(),
                CommandVerb::Cluster => true,
                _ => false,
            };
            if !rewrites {
                continue;
            }
            // Without a table they work on every table (CLUSTER: every clustered one).
            let tables: Vec<&Table> = if command.targets.is_empty() {
                cx.model
                    .live_tables()
                    .filter(|t| is_older(cx, t, meta.order))
                    .collect()
            } else {
                existing_command_tables(cx, file, statement)
            };
            if tables.is_empty() {
                continue;
            }
            let head = Loc {
                file: file.id,
                range: statement.absolute(command.head),
            };
            let message = format!(
                "`{}` rewrites existing {} {} under an ACCESS EXCLUSIVE lock, blocking reads and writes for the whole rewrite; reclaim space outside the migration with pg_repack or pg_squeeze",
                cx.text(head),
                if tables.len() == 1 { "table" } else { "tables" },
                table_list(cx, &tables, head)
            );
            out.push(Diagnostic::new(head, message));
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
