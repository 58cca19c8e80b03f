//! ## What it does
//! Reports a migration not yet applied whose statements take a lock that blocks writes (or
//! reads and writes) on a table an earlier migration created, with no `SET lock_timeout`
//! before them in the file: `ALTER TABLE` (but `VALIDATE CONSTRAINT`), `CREATE INDEX` without
//! `CONCURRENTLY`, `DROP TABLE`, `DROP INDEX` without `CONCURRENTLY`, `TRUNCATE`, `REINDEX`
//! without `CONCURRENTLY`, `VACUUM FULL` and `CLUSTER`. It is reported once per file, at the
//! first such statement. `SET lock_timeout`, `SET LOCAL lock_timeout` and
//! `set_config('lock_timeout', ...)` count. Tables created in the same migration are not
//! considered; nor are standalone schema files, nor migrations that already ran.
//!
//! ## Why is this bad?
//! Even a statement that holds its lock for a millisecond must first get it: behind a long
//! query or an idle transaction on the table it waits, and while it waits every later query
//! on the table (reads too, for ACCESS EXCLUSIVE) queues behind it. The application stalls
//! for as long as the longest query runs. With `lock_timeout` the migration gives up after a
//! few seconds instead, and can be retried when the table is quieter.
//!
//! ## Example
//! ```sql
//! -- migrations/0008_orders_note.sql (orders was created by 0001)
//! ALTER TABLE orders ADD COLUMN note text;
//! ```
//!
//! Use instead:
//! ```sql
//! SET lock_timeout = '5s';
//! ALTER TABLE orders ADD COLUMN note text;
//! ```
//!
//! ## Fix safety
//! "Set a lock timeout at the top of the migration" inserts `SET lock_timeout = '5s';` before
//! the first statement (after the tool's header comments). It is unsafe: a migration that
//! used to wait for its lock now fails after five seconds and must be run again, and the
//! setting lasts for the rest of the session the tool runs the migration in.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::file::FileData;
use crate::fix::{keyword_case, line_ending};
use crate::lower::{AlterTableAction, CommandVerb, ConstraintKind, Fact, ObjectKind};
use crate::model::Loc;
use crate::rules::migrations::{existing_command_tables, is_older, pending_migrations};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "lock-timeout-missing",
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
        for statement in file.statements.iter() {
            let facts = &statement.lowered.facts;
            let sets_timeout = facts
                .iter()
                .any(|f| matches!(f, Fact::SetParameter { name } if name == "lock_timeout"));
            if sets_timeout {
                break;
            }
            let Some((lock, head)) = facts.iter().find_map(lock_of) else {
                continue;
            };
            let table = match cx.model.statement_table(file.id, statement.start) {
                Some(table)
                    if matches!(
                        facts.first(),
                        Some(Fact::AlterTable(_) | Fact::CreateIndex(_))
                    ) =>
                {
                    is_older(cx, table, meta.order).then_some(table)
                }
                _ => existing_command_tables(cx, file, statement)
                    .first()
                    .copied(),
            };
            let Some(table) = table else {
                continue;
            };
            let head = Loc {
                file: file.id,
                range: statement.absolute(head.unwrap_or(statement.lowered.head)),
            };
            let message = format!(
                "`{}` waits for a{} {lock} lock on existing table `{}` with no `lock_timeout` set: behind a long query it waits, and every later query on the table queues behind it; start the migration with `SET lock_timeout = '5s'`",
                cx.text(head)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                if lock.starts_with('A') { "n" } else { "" },
                table.name_at(cx.model, head)
            );
            out.push(Diagnostic::new(head, message).with_fixes(fix(file)));
            break;
        }
    }
}

/// The lock a statement takes on its table, when it blocks writes, and its keywords when the
/// statement's head does not say what it does (`DROP INDEX`, not `DROP`; `CREATE INDEX`, not
/// `CREATE INDEX IF NOT EXISTS`).
pub(crate) fn lock_of(fact: &Fact) -> Option<(&'static str, Option<TextRange>)> {
    let lock = match fact {
        Fact::AlterTable(alter) => {
            let actions = || alter.actions.iter().map(|a| &a.action);
            if actions().all(|a| matches!(a, AlterTableAction::ValidateConstraint { .. })) {
                return None;
            }
            let foreign_keys_only = actions().all(|a| {
                matches!(a, AlterTableAction::AddConstraint(c) if matches!(c.kind, ConstraintKind::ForeignKey { .. }))
            });
            Some(if foreign_keys_only {
                "SHARE ROW EXCLUSIVE"
            } else {
                "ACCESS EXCLUSIVE"
            })
        }
        Fact::CreateIndex(index) => (!index.concurrently).then_some("SHARE"),
        Fact::Drop(drop) => match drop.kind {
            ObjectKind::Table => Some("ACCESS EXCLUSIVE"),
            ObjectKind::Index if !drop.concurrently => Some("ACCESS EXCLUSIVE"),
            _ => None,
        },
        Fact::Command(command) => match command.verb {
            CommandVerb::Truncate | CommandVerb::Cluster => Some("ACCESS EXCLUSIVE"),
            CommandVerb::Vacuum if command.full.is_some() => Some("ACCESS EXCLUSIVE"),
            CommandVerb::Reindex if command.concurrently.is_none() => Some("SHARE"),
            _ => None,
        },
        _ => None,
    }?;
    let head = match fact {
        Fact::CreateIndex(index) => Some(TextRange::new(0, index.index_keyword.end())),
        Fact::Drop(drop) => Some(drop.head),
        Fact::Command(command) => Some(command.head),
        _ => None,
    };
    Some((lock, head))
}

/// `SET lock_timeout = '5s';` on a line of its own before the first statement, and before a
/// goose `StatementBegin` that opens it.
fn fix(file: &FileData) -> Option<Fix> {
    let first = file.statements.first()?;
    let text = &file.text;
    let mut at = text[..first.start as usize]
        .rfind('\n')
        .map_or(0, |n| n + 1);
    while at > 0 {
        let previous_start = text[..at - 1].rfind('\n').map_or(0, |n| n + 1);
        if !text[previous_start..at]
            .trim()
            .starts_with("-- +goose StatementBegin")
        {
            break;
        }
        at = previous_start;
    }
    let nl = line_ending(text);
    let set = keyword_case(text, first.range(), "SET lock_timeout = '5s';");
    Some(Fix::unsafe_(
        "Set a lock timeout at the top of the migration",
        vec![Edit::insert(file.id, at as u32, format!("{set}{nl}"))],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
