//! ## What it does
//! Reports, in migrations not yet applied:
//! - `ALTER TABLE ... ADD [CONSTRAINT name] FOREIGN KEY ... REFERENCES ...` without `NOT VALID`
//!   on a table that an earlier migration created, on the REFERENCES clause. Tables created in
//!   the same migration and partitioned tables (which do not accept NOT VALID foreign keys) are
//!   not reported.
//! - `ALTER TABLE ... VALIDATE CONSTRAINT name` in the migration that added the constraint
//!   `NOT VALID`, when the migration runs in one transaction (every tool's default; a file with
//!   its tool's no-transaction switch is not reported).
//!
//! ## Why is this bad?
//! Adding a foreign key checks every existing row while holding a SHARE ROW EXCLUSIVE lock on
//! both tables, so writes to them wait for the whole scan. Adding it `NOT VALID` is instant
//! (new rows are checked from then on), and a later `VALIDATE CONSTRAINT` checks the old rows
//! under a lock that lets writes continue. Validating in the same transaction as the add gains
//! nothing: the add's lock is held until the transaction commits, through the whole scan.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_orders_customer_fk.sql (both tables were created by 0001)
//! ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
//!     FOREIGN KEY (customer_id) REFERENCES customers (id);
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0002_orders_customer_fk.sql
//! ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
//!     FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
//! -- migrations/0003_validate_orders_customer_id_fkey.sql
//! ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;
//! ```
//!
//! ## Fix safety
//! "Add NOT VALID, then validate in a later migration" appends `NOT VALID` to the constraint and
//! writes `ALTER TABLE ... VALIDATE CONSTRAINT ...` as a new migration after the folder's
//! newest, named as the folder's tool names migrations. "Move the validation to a later
//! migration" moves a VALIDATE out of the migration that added the constraint into a new one. Both
//! are safe: the end state is the same validated key, and only the locks change. For an unnamed
//! constraint the fix uses the name PostgreSQL gives it (`<table>_<columns>_fkey`), and is not
//! offered when that name would be truncated or is taken.
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::fix::{delete_statement, keyword_case};
use crate::lower::{AlterTable, AlterTableAction, Constraint, ConstraintKind, Fact};
use crate::model::names::{implied_constraint_name, quote_if_needed};
use crate::model::{Loc, Model, Table};
use crate::rules::migrations::{
    MigrationStatement, later_migration, on_tables_with_rows, pending_migrations,
    runs_in_one_transaction,
};
use crate::rules::{Diagnostic, Edit, Fix, MigrationStep, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-not-valid",
    level: |_| Level::Info,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for found in on_tables_with_rows(cx) {
        let Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        if found.table.partitioned {
            continue;
        }
        for action in &alter.actions {
            let AlterTableAction::AddConstraint(constraint) = &action.action else {
                continue;
            };
            let ConstraintKind::ForeignKey { references, .. } = &constraint.kind else {
                continue;
            };
            if constraint.attributes.not_valid {
                continue;
            }
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(references.range),
            };
            let message = format!(
                "adding a foreign key to existing table `{}` checks all its rows while blocking writes; add it NOT VALID, then VALIDATE CONSTRAINT separately",
                found.table.name_at(cx.model, at)
            );
            let fix = validate_fix(cx, &found, alter, constraint, at);
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
    validated_where_added(cx, out, |kind| {
        matches!(kind, ConstraintKind::ForeignKey { .. })
    });
}

/// "Add NOT VALID, then validate in a later migration" for `constraint`, added by `alter`; none
/// for an unnamed constraint whose PostgreSQL name is unsure.
pub(crate) fn validate_fix(
    cx: &RuleCx,
    found: &MigrationStatement,
    alter: &AlterTable,
    constraint: &Constraint,
    at: Loc,
) -> Option<Fix> {
    let name = match &constraint.name {
        Some(name) => name.name.clone(),
        None => default_name(cx.model, found.table, &constraint.kind, at)?,
    };
    let table = cx.text(Loc {
        file: found.file.id,
        range: found.statement.absolute(alter.name.range),
    });
    let constraint_end = found.statement.absolute(constraint.range).end();
    let text = &found.file.text;
    let range = found.statement.range();
    let not_valid = keyword_case(text, range, " NOT VALID");
    let validate = keyword_case(
        text,
        range,
        &format!(
            "ALTER TABLE {table} VALIDATE CONSTRAINT {};",
            quote_if_needed(&name)
        ),
    );
    Some(
        Fix::safe(
            "Add NOT VALID, then validate in a later migration",
            vec![Edit::insert(found.file.id, constraint_end, not_valid)],
        )
        .in_new_migration(validation_step(&name, validate)),
    )
}

fn validation_step(constraint: &str, statement: String) -> MigrationStep {
    later_migration(&format!("validate {constraint}"), statement)
}

/// `VALIDATE CONSTRAINT` of a constraint of a kind `of_kind` accepts that the same migration
/// added `NOT VALID`, in a migration that runs in one transaction.
pub(crate) fn validated_where_added(
    cx: &RuleCx,
    out: &mut Vec<Diagnostic>,
    of_kind: impl Fn(&ConstraintKind) -> bool,
) {
    for file in pending_migrations(cx) {
        if !runs_in_one_transaction(&file.text) {
            continue;
        }
        let mut added_not_valid: HashSet<(String, String)> = HashSet::new();
        for statement in file.statements.iter() {
            for fact in &statement.lowered.facts {
                let Fact::AlterTable(alter) = fact else {
                    continue;
                };
                let table = &alter.name.name.name;
                for action in &alter.actions {
                    match &action.action {
                        AlterTableAction::AddConstraint(constraint)
                            if constraint.attributes.not_valid && of_kind(&constraint.kind) =>
                        {
                            if let Some(name) = &constraint.name {
                                added_not_valid.insert((table.clone(), name.name.clone()));
                            }
                        }
                        AlterTableAction::ValidateConstraint { name }
                            if added_not_valid.contains(&(table.clone(), name.name.clone())) =>
                        {
                            let at = Loc {
                                file: file.id,
                                range: statement.absolute(name.range),
                            };
                            let text = cx.text(Loc {
                                file: file.id,
                                range: statement.range(),
                            });
                            let fix = Fix::safe(
                                "Move the validation to a later migration",
                                vec![delete_statement(file, statement.range())],
                            )
                            .in_new_migration(validation_step(&name.name, text.to_owned()));
                            out.push(
                                Diagnostic::new(
                                    at,
                                    format!(
                                        "`{}` is validated in the migration that adds it NOT VALID: the add's lock is held until this migration commits, through the whole scan; validate in a later migration",
                                        name.name
                                    ),
                                )
                                .with_fix(fix),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

/// The name PostgreSQL gives an unnamed constraint, when it needs neither truncation nor a
/// number to be unique in the schema.
pub(crate) fn default_name(
    model: &Model,
    table: &Table,
    kind: &ConstraintKind,
    at: Loc,
) -> Option<String> {
    // PostgreSQL names it after the table's name at that statement.
    let table_name = &table.name_at(model, at).name;
    let name = implied_constraint_name(table_name, kind)?;
    // A name at the length limit may have been truncated, which makes it unsure.
    if name.len() >= 63 {
        return None;
    }
    let taken = model
        .live_tables()
        .filter(|t| t.name.schema == table.name.schema)
        .any(|t| {
            t.constraints
                .iter()
                .any(|c| c.name() == Some(name.as_str()))
        })
        || model.relation_exists(&table.name.schema, &name);
    (!taken).then_some(name)
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
