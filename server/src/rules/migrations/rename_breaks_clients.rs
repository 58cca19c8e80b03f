//! ## What it does
//! Reports `ALTER TABLE ... RENAME TO ...` and `ALTER TABLE ... RENAME [COLUMN] ... TO ...` in a
//! migration not yet applied, on a table that an earlier migration created, on the RENAME
//! clause. Not reported: tables created in the same migration, columns added earlier in the
//! same migration (the temporary column of a conversion), and a rename followed in the same
//! migration by a view with the table's former name (the view keeps the old name working: that
//! is the expand step).
//!
//! ## Why is this bad?
//! A deploy runs the migration while the previous release of the application is still serving
//! (and rolls back to it when something fails). That code still says the old name: every query
//! of it fails with "relation does not exist" or "column does not exist" from the moment the
//! migration commits until the last old instance is gone. The rename also takes an ACCESS
//! EXCLUSIVE lock, briefly. Renames go in steps: keep the old name working (a view with the old
//! table name; for a column, a new column written by both releases and backfilled), switch the
//! code, then remove the old name in a later release.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_rename_orders.sql (orders was created by 0001)
//! ALTER TABLE orders RENAME TO purchases;
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0002_rename_orders.sql
//! ALTER TABLE orders RENAME TO purchases;
//! CREATE VIEW orders AS SELECT * FROM purchases;
//! -- a later migration, once no code uses `orders`:
//! -- DROP VIEW orders;
//! ```
//!
//! ## Fix safety
//! For a table, "Keep the old name as a view" inserts `CREATE VIEW <old> AS SELECT * FROM
//! <new>;` after the rename: a simple view that old code can read and write through. It is
//! unsafe: the view exposes the columns the table has when it is created (columns added later
//! do not appear in it), and a later migration must drop it. A column rename has no fix: its
//! expand step (a new column kept in step with the old one) depends on the application.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::{insert_statement_after, keyword_case};
use crate::lower::{AlterTableAction, Fact};
use crate::model::names::quote_if_needed;
use crate::model::{Loc, QualifiedName};
use crate::rules::migrations::{MigrationStatement, added_earlier_in_file, on_existing_tables};
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "rename-breaks-clients",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for found in on_existing_tables(cx) {
        let Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        for action in &alter.actions {
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(action.range),
            };
            let message = match &action.action {
                AlterTableAction::RenameTable { new_name } => format!(
                    "renaming existing table `{}` to `{}` breaks the running application, which still uses the old name until its next release is deployed; keep the old name as a view until no code uses it",
                    renamed_from(&found).unwrap_or(found.table.name_at(cx.model, at)),
                    quote_if_needed(&new_name.name)
                ),
                // A column the same migration added is new: no running code uses its name.
                AlterTableAction::RenameColumn { column, .. }
                    if added_earlier_in_file(&found, &alter.name.name.name, &column.name) =>
                {
                    continue;
                }
                AlterTableAction::RenameColumn { column, new_name } => format!(
                    "renaming column `{}` of existing table `{}` to `{}` breaks the running application, which still uses the old name until its next release is deployed; add the new column, write both, backfill, switch the code, then drop the old column in a later release",
                    quote_if_needed(&column.name),
                    found.table.name_at(cx.model, at),
                    quote_if_needed(&new_name.name)
                ),
                _ => continue,
            };
            if view_keeps_old_name(&found) {
                continue;
            }
            let fix = match &action.action {
                AlterTableAction::RenameTable { new_name } => {
                    Some(view_fix(&found, alter, new_name))
                }
                _ => None,
            };
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
}

/// A view created after the statement in the same migration with a name the table had in it
/// (before this migration's renames).
fn view_keeps_old_name(found: &MigrationStatement) -> bool {
    let file = found.file.id;
    let mut names = found
        .table
        .former_names
        .iter()
        .filter(|former| former.until.file == file)
        .map(|former| &former.name);
    let names: Vec<&QualifiedName> = match names.next() {
        Some(first) => std::iter::once(first).chain(names).collect(),
        None => vec![&found.table.name],
    };
    found
        .file
        .statements
        .iter()
        .filter(|statement| statement.start > found.statement.start)
        .flat_map(|statement| &statement.lowered.facts)
        .any(|fact| {
            matches!(fact, Fact::CreateView { name, materialized: false, .. }
                if names.iter().any(|old| old.name == name.name.name))
        })
}

/// The table's name before the statement renamed it.
fn renamed_from<'a>(found: &MigrationStatement<'a>) -> Option<&'a QualifiedName> {
    found
        .table
        .former_names
        .iter()
        .find(|former| {
            former.until.file == found.file.id
                && former.until.range.start() == found.statement.start
        })
        .map(|former| &former.name)
}

/// `CREATE VIEW <old> AS SELECT * FROM <new>;` after the rename.
fn view_fix(
    found: &MigrationStatement,
    alter: &crate::lower::AlterTable,
    new_name: &crate::lower::Ident,
) -> Fix {
    let text = &found.file.text;
    let written = |range: TextRange| {
        let range = found.statement.absolute(range);
        &text[range.start() as usize..range.end() as usize]
    };
    let old = written(alter.name.range);
    let new = match &alter.name.schema {
        Some(schema) => format!("{}.{}", written(schema.range), written(new_name.range)),
        None => written(new_name.range).to_owned(),
    };
    let view = keyword_case(
        text,
        found.statement.range(),
        &format!("CREATE VIEW {old} AS SELECT * FROM {new};"),
    );
    Fix::unsafe_(
        "Keep the old name as a view",
        vec![insert_statement_after(
            found.file,
            found.statement.range(),
            &view,
        )],
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
