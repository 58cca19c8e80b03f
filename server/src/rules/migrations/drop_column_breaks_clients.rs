//! ## What it does
//! Reports `ALTER TABLE ... DROP [COLUMN] c` and `DROP TABLE t` in a migration not yet applied,
//! on a table that an earlier migration created, on the dropped column's clause or the table's
//! name. Not reported: tables created in the same migration, columns added by the same
//! migration, and a table dropped and replaced by a view of the same name in the same migration.
//!
//! ## Why is this bad?
//! A deploy runs the migration while the previous release of the application is still serving
//! (and rolls back to it when something fails). If that code still reads or writes the column
//! or table, its queries fail from the moment the migration commits; ORMs that list every
//! column they know in their SELECTs and INSERTs fail even when the code never touches it. The
//! drop also takes an ACCESS EXCLUSIVE lock, briefly. Drop in two releases: first stop using it
//! (Rails `ignored_columns`, removing the field from the model), then drop it in a migration of
//! a later release.
//!
//! ## Example
//! ```sql
//! -- migrations/0005_drop_legacy_status.sql (orders was created by 0001)
//! ALTER TABLE orders DROP COLUMN legacy_status;
//! ```
//!
//! Use instead:
//! ```sql
//! -- release N: the application stops reading and writing orders.legacy_status.
//! -- release N+1:
//! ALTER TABLE orders DROP COLUMN legacy_status;
//! ```
//!
//! ## Fix safety
//! None: whether the running code still uses the column is in the application, not the schema.
//! Once it does not, suppress the finding with a comment that says so.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::{AlterTableAction, Fact};
use crate::model::Loc;
use crate::model::names::quote_if_needed;
use crate::rules::migrations::{added_earlier_in_file, on_existing_tables, pending_migrations};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "drop-column-breaks-clients",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for found in on_existing_tables(cx) {
        let Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        for action in &alter.actions {
            let AlterTableAction::DropColumn { column, .. } = &action.action else {
                continue;
            };
            if added_earlier_in_file(&found, &alter.name.name.name, &column.name) {
                continue;
            }
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(action.range),
            };
            out.push(Diagnostic::new(
                at,
                format!(
                    "dropping column `{}` of existing table `{}` breaks the running application if it still reads or writes it (ORMs name every column they know); stop using it in a release first, then drop it",
                    quote_if_needed(&column.name),
                    found.table.name_at(cx.model, at)
                ),
            ));
        }
    }
    dropped_tables(cx, out);
}

/// DROP TABLE of a table an earlier migration created, in a pending migration.
fn dropped_tables(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for file in pending_migrations(cx) {
        let Some(meta) = cx.model.file_meta(file.id) else {
            continue;
        };
        for (at, id) in cx
            .model
            .dropped_tables
            .iter()
            .filter(|(at, _)| at.file == file.id)
        {
            let table = cx.model.table(*id);
            let earlier = cx
                .model
                .file_meta(table.created.file)
                .is_some_and(|created| created.order < meta.order);
            if !earlier {
                continue;
            }
            let name = table.name_at(cx.model, *at);
            // A view of the same name created later keeps the name working.
            let replaced = file
                .statements
                .iter()
                .filter(|statement| statement.start > at.range.start())
                .flat_map(|statement| &statement.lowered.facts)
                .any(|fact| {
                    matches!(fact, Fact::CreateView { name: view, .. } if view.name.name == name.name)
                });
            if replaced {
                continue;
            }
            out.push(Diagnostic::new(
                *at,
                format!(
                    "dropping existing table `{name}` breaks the running application if it still uses it; stop using it in a release first, then drop it"
                ),
            ));
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
