//! ## What it does
//! Reports `ALTER TABLE ... ALTER COLUMN c SET NOT NULL` in a migration not yet applied, on a
//! table that an earlier migration created, on the `SET NOT NULL` words. Tables created in the
//! same migration are not reported. On PostgreSQL 12 and later (`[migrations] postgres_version`)
//! it is not reported either when a validated `CHECK (c IS NOT NULL)` on the column exists
//! before it (added without NOT VALID, or validated by an earlier statement): PostgreSQL then
//! skips the scan. Before PostgreSQL 12 that check does not help, and the message says so.
//!
//! ## Why is this bad?
//! `SET NOT NULL` reads every row to prove the column holds no NULL while it holds an ACCESS
//! EXCLUSIVE lock on the table: reads and writes wait for the whole scan. A `CHECK (c IS NOT
//! NULL)` constraint can be added `NOT VALID` (instant) and validated later under a SHARE UPDATE
//! EXCLUSIVE lock, which lets reads and writes go on; from PostgreSQL 12 on, `SET NOT NULL`
//! trusts such a validated check and skips the scan, after which the check can go.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_email_required.sql (users was created by 0001)
//! ALTER TABLE users ALTER COLUMN email SET NOT NULL;
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0002_email_required.sql
//! ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
//! -- migrations/0003_set_users_email_not_null.sql
//! ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
//! ALTER TABLE users ALTER COLUMN email SET NOT NULL;
//! ALTER TABLE users DROP CONSTRAINT users_email_not_null;
//! ```
//!
//! ## Fix safety
//! On PostgreSQL 12 and later, "Add a NOT VALID check, then SET NOT NULL in a later migration"
//! replaces `ALTER COLUMN c SET NOT NULL` with `ADD CONSTRAINT <table>_<column>_not_null CHECK
//! (c IS NOT NULL) NOT VALID` and writes a new migration that validates the check, sets NOT NULL
//! (without a scan) and drops the check. Before PostgreSQL 12, "Use a NOT VALID check validated
//! in a later migration" makes the same replacement and writes a new migration that validates
//! the check, which then stands for NOT NULL. Both are unsafe: until the later migration runs,
//! the column is only checked for new and updated rows, and the validation fails if old rows
//! hold NULL. Not offered when the constraint name is taken or longer than PostgreSQL allows.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::keyword_case;
use crate::lower::{AlterTableAction, ConstraintKind, Expr, Ident};
use crate::model::names::{implied_constraint_name, quote_if_needed};
use crate::model::{Loc, Model, Table};
use crate::rules::migrations::{
    MigrationStatement, TableAlter, last_word_before, later_migration, on_tables_with_rows,
    table_alters,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "set-not-null-scan",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let version = cx.config.migrations.postgres_version();
    let mut alters: Option<Vec<TableAlter>> = None;
    for found in on_tables_with_rows(cx) {
        let crate::lower::Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        for action in &alter.actions {
            let AlterTableAction::SetNotNull { column } = &action.action else {
                continue;
            };
            let action_range = found.statement.absolute(action.range);
            let action_text = cx.text(Loc {
                file: found.file.id,
                range: action_range,
            });
            let start = last_word_before(action_text, action_text.len(), "set")
                .map_or(action_range.start(), |at| action_range.start() + at as u32);
            let at = Loc {
                file: found.file.id,
                range: TextRange::new(start, action_range.end()),
            };
            let statement = Loc {
                file: found.file.id,
                range: found.statement.range(),
            };
            let alters = alters.get_or_insert_with(|| table_alters(cx));
            let checked = validated_check_before(cx.model, found.table, alters, column, statement);
            if checked && version >= 12 {
                continue;
            }
            let table = found.table.name_at(cx.model, at);
            let message = if checked {
                format!(
                    "`SET NOT NULL` on existing table `{table}` reads all its rows under an ACCESS EXCLUSIVE lock, blocking reads and writes: PostgreSQL {version} does not use the validated `CHECK ({} IS NOT NULL)` to skip the scan (12 and later do); keep the check instead",
                    quote_if_needed(&column.name)
                )
            } else {
                format!(
                    "`SET NOT NULL` on existing table `{table}` reads all its rows under an ACCESS EXCLUSIVE lock, blocking reads and writes; add a `CHECK ({} IS NOT NULL) NOT VALID` constraint, validate it in a later migration{}",
                    quote_if_needed(&column.name),
                    if version >= 12 {
                        ", then SET NOT NULL (which then skips the scan)"
                    } else {
                        ""
                    }
                )
            };
            let fix = (!checked)
                .then(|| check_fix(cx, &found, alter, column, action_range, version))
                .flatten();
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
}

/// Replaces the action with a NOT VALID check, validated (and on PostgreSQL 12+ turned into
/// NOT NULL) by a new migration.
fn check_fix(
    cx: &RuleCx,
    found: &MigrationStatement,
    alter: &crate::lower::AlterTable,
    column: &Ident,
    action_range: TextRange,
    version: u32,
) -> Option<Fix> {
    let at = Loc {
        file: found.file.id,
        range: action_range,
    };
    let table_name = &found.table.name_at(cx.model, at).name;
    let name = format!("{table_name}_{}_not_null", column.name);
    let schema = &found.table.name.schema;
    let taken = found
        .table
        .constraints
        .iter()
        .any(|c| c.is_named(table_name, &name))
        || cx.model.relation_exists(schema, &name);
    if name.len() > 63 || taken {
        return None;
    }
    let text = &found.file.text;
    let range = found.statement.range();
    let table = cx.text(Loc {
        file: found.file.id,
        range: found.statement.absolute(alter.name.range),
    });
    let constraint = quote_if_needed(&name);
    let column_written = cx.text(Loc {
        file: found.file.id,
        range: found.statement.absolute(column.range),
    });
    let add = keyword_case(
        text,
        range,
        &format!("ADD CONSTRAINT {constraint} CHECK ({column_written} IS NOT NULL) NOT VALID"),
    );
    let mut later = format!("ALTER TABLE {table} VALIDATE CONSTRAINT {constraint};\n");
    let title = if version >= 12 {
        later.push_str(&format!(
            "ALTER TABLE {table} ALTER COLUMN {column_written} SET NOT NULL;\n\
             ALTER TABLE {table} DROP CONSTRAINT {constraint};\n"
        ));
        "Add a NOT VALID check, then SET NOT NULL in a later migration"
    } else {
        "Use a NOT VALID check validated in a later migration"
    };
    let later = keyword_case(text, range, &later);
    Some(
        Fix::unsafe_(title, vec![Edit::replace(at, add)]).in_new_migration(later_migration(
            &format!("set {table_name} {} not null", column.name),
            later,
        )),
    )
}

/// Whether a validated `CHECK (column IS NOT NULL)` of `table` stands before `before`: from its
/// CREATE TABLE, or added by an earlier ALTER TABLE (and not dropped since) without NOT VALID or
/// validated since.
fn validated_check_before(
    model: &Model,
    table: &Table,
    alters: &[TableAlter],
    column: &Ident,
    before: Loc,
) -> bool {
    let created = table.created.statement_loc();
    let mut checks: Vec<(String, bool)> = table
        .constraints
        .iter()
        .filter(|c| c.def.origin.statement_loc() == created)
        .filter_map(|c| {
            let ConstraintKind::Check(expr) = c.kind() else {
                return None;
            };
            let name = c.name().map(str::to_owned).or_else(|| {
                implied_constraint_name(&table.name_at(model, created).name, c.kind())
            })?;
            is_not_null_check(expr, &column.name)
                .then_some((name, !c.def.value.attributes.not_valid))
        })
        .collect();
    let mut earlier: Vec<&TableAlter> = alters
        .iter()
        .filter(|a| a.table == table.id && model.precedes(a.statement, before))
        .collect();
    earlier.sort_by(|a, b| {
        if model.precedes(a.statement, b.statement) {
            std::cmp::Ordering::Less
        } else if model.precedes(b.statement, a.statement) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    for alter in earlier {
        for action in &alter.alter.actions {
            match &action.action {
                AlterTableAction::AddConstraint(constraint) => {
                    let ConstraintKind::Check(expr) = &constraint.kind else {
                        continue;
                    };
                    if !is_not_null_check(expr, &column.name) {
                        continue;
                    }
                    let name = match &constraint.name {
                        Some(name) => Some(name.name.clone()),
                        None => {
                            implied_constraint_name(&alter.alter.name.name.name, &constraint.kind)
                        }
                    };
                    if let Some(name) = name {
                        checks.push((name, !constraint.attributes.not_valid));
                    }
                }
                AlterTableAction::ValidateConstraint { name } => {
                    for check in checks.iter_mut().filter(|c| c.0 == name.name) {
                        check.1 = true;
                    }
                }
                AlterTableAction::DropConstraint { name, .. } => {
                    checks.retain(|c| c.0 != name.name);
                }
                _ => {}
            }
        }
    }
    checks.iter().any(|(_, valid)| *valid)
}

/// `column IS NOT NULL`, in parentheses or not.
fn is_not_null_check(expr: &Expr, column: &str) -> bool {
    let mut text = expr.normalized.as_str();
    while let Some(inner) = text
        .strip_prefix("( ")
        .and_then(|rest| rest.strip_suffix(" )"))
    {
        text = inner;
    }
    let Some(operand) = text.strip_suffix(" is not null") else {
        return false;
    };
    !operand.contains(' ') && expr.columns.len() == 1 && expr.columns[0].name == column
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
