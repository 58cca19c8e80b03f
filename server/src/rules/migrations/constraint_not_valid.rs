//! ## What it does
//! Reports, in migrations not yet applied:
//! - `ALTER TABLE ... ADD [CONSTRAINT name] CHECK (...)` without `NOT VALID` on a table that an
//!   earlier migration created, on the constraint. Tables created in the same migration are not
//!   reported; foreign keys are `foreign-key-not-valid`'s.
//! - `ALTER TABLE ... VALIDATE CONSTRAINT name` of a check that the same migration added `NOT
//!   VALID`, when the migration runs in one transaction (every tool's default; a file with its
//!   tool's no-transaction switch is not reported).
//!
//! ## Why is this bad?
//! Adding a check constraint reads every existing row while holding an ACCESS EXCLUSIVE lock on
//! the table: reads and writes wait for the whole scan. Adding it `NOT VALID` is instant (new
//! and updated rows are checked from then on), and a later `VALIDATE CONSTRAINT` checks the old
//! rows under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on. Validating in the
//! same transaction as the add gains nothing: the add's lock is held until the transaction
//! commits, through the whole scan.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_orders_total_check.sql (orders was created by 0001)
//! ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0002_orders_total_check.sql
//! ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
//! -- migrations/0003_validate_orders_total_check.sql
//! ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
//! ```
//!
//! ## Fix safety
//! "Add NOT VALID, then validate in a later migration" appends `NOT VALID` to the check and
//! writes `ALTER TABLE ... VALIDATE CONSTRAINT ...` as a new migration after the folder's
//! newest, named as the folder's tool names migrations. "Move the validation to a later
//! migration" moves a VALIDATE out of the migration that added the check into a new one. Both
//! are safe: the end state is the same validated check, and only the locks change. For an
//! unnamed check the fix uses the name PostgreSQL gives it (`<table>_<column>_check`, or
//! `<table>_check` for an expression over several columns), and is not offered when that name
//! would be truncated or is taken.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::{AlterTableAction, ConstraintKind, Fact};
use crate::model::Loc;
use crate::rules::migrations::foreign_key_not_valid::{validate_fix, validated_where_added};
use crate::rules::migrations::on_tables_with_rows;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "constraint-not-valid",
    level: |_| Level::Warning,
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
        for action in &alter.actions {
            let AlterTableAction::AddConstraint(constraint) = &action.action else {
                continue;
            };
            if !matches!(constraint.kind, ConstraintKind::Check(_))
                || constraint.attributes.not_valid
            {
                continue;
            }
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(constraint.range),
            };
            let message = format!(
                "adding a check constraint to existing table `{}` reads all its rows under an ACCESS EXCLUSIVE lock, blocking reads and writes; add it NOT VALID, then VALIDATE CONSTRAINT in a later migration",
                found.table.name_at(cx.model, at)
            );
            let fix = validate_fix(cx, &found, alter, constraint, at);
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
    validated_where_added(cx, out, |kind| matches!(kind, ConstraintKind::Check(_)));
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
