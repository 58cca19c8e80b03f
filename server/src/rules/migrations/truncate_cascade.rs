//! ## What it does
//! Reports `TRUNCATE ... CASCADE` in a migration not yet applied, on a table that an earlier
//! migration created, when other existing tables have foreign keys to it (directly or through
//! each other). A plain `TRUNCATE`, and a CASCADE that empties nothing more, are not reported:
//! emptying a table a migration names is deliberate, and its lock is what
//! `lock-timeout-missing` watches.
//!
//! ## Why is this bad?
//! CASCADE empties every table that references the truncated one, and every table referencing
//! those, without naming them: a migration that clears a lookup table also deletes the orders
//! pointing at it. All of them are locked ACCESS EXCLUSIVE until the migration commits, and
//! no `ON DELETE` rule or trigger runs for the removed rows.
//!
//! ## Example
//! ```sql
//! -- migrations/0006_reset_statuses.sql (statuses and orders, which references it, exist)
//! TRUNCATE statuses CASCADE;
//! ```
//!
//! Use instead:
//! ```sql
//! -- Name every table the statement empties, so the review sees them.
//! TRUNCATE statuses, orders;
//! ```
//!
//! ## Fix safety
//! No automatic fix: which referencing rows should go is the author's decision.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::CommandVerb;
use crate::model::{Loc, Table, TableId};
use crate::rules::migrations::{
    command_of, existing_command_tables, is_older, pending_migrations, table_list,
};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "truncate-cascade",
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
            let Some(cascade) = command.cascade else {
                continue;
            };
            if command.verb != CommandVerb::Truncate {
                continue;
            }
            let truncated = existing_command_tables(cx, file, statement);
            if truncated.is_empty() {
                continue;
            }
            let emptied: Vec<&Table> = referencing(cx, &truncated)
                .into_iter()
                .filter(|t| is_older(cx, t, meta.order))
                .collect();
            if emptied.is_empty() {
                continue;
            }
            let at = Loc {
                file: file.id,
                range: statement.absolute(cascade),
            };
            let message = format!(
                "`TRUNCATE ... CASCADE` also empties {}, which {} foreign keys to {}, locking {} ACCESS EXCLUSIVE; name every table to empty instead",
                table_list(cx, &emptied, at),
                if emptied.len() == 1 { "has" } else { "have" },
                table_list(cx, &truncated, at),
                if emptied.len() == 1 { "it" } else { "them" },
            );
            out.push(Diagnostic::new(at, message));
        }
    }
}

/// The live tables that reference `tables` through foreign keys, transitively, other than
/// `tables` themselves.
fn referencing<'a>(cx: &RuleCx<'a>, tables: &[&Table]) -> Vec<&'a Table> {
    let mut reached: Vec<TableId> = tables.iter().map(|t| t.id).collect();
    let mut found = Vec::new();
    let mut next = 0;
    while next < reached.len() {
        let target = reached[next];
        next += 1;
        for table in cx.model.live_tables() {
            let references = table.foreign_keys().any(|fk| fk.target == Some(target));
            if references && !reached.contains(&table.id) {
                reached.push(table.id);
                found.push(table);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
