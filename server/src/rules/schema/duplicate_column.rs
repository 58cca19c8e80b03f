//! ## What it does
//! Reports a column defined twice in one table: twice in a CREATE TABLE, or added by
//! `ALTER TABLE ... ADD COLUMN` (without `IF NOT EXISTS`) when the table already has it at that
//! point of the workspace order. Reported on the second definition, pointing at the first.
//! A column a table defines that an `INHERITS` parent also has is not a duplicate: PostgreSQL
//! merges the two definitions (`LIKE` and `PARTITION OF` columns do not merge).
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement ("column specified more than once", "column already
//! exists"): the migration fails there, and nothing after it is applied.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL,
//!     email text
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: either definition may be the intended one.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::model::ModelEvent;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "duplicate-column",
    level: |_| Level::Error,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for event in &cx.model.events {
        let ModelEvent::DuplicateColumn {
            table,
            column,
            at,
            first,
        } = event
        else {
            continue;
        };
        let message =
            format!("column `{column}` is already defined in `{table}`: PostgreSQL rejects this");
        out.push(
            Diagnostic::new(*at, message)
                .with_related(*first, format!("`{column}` is first defined here")),
        );
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
