//! ## What it does
//! Reports `CREATE TABLE` of a table that already exists at that point of the workspace order
//! (same schema and name, not dropped in between), without `IF NOT EXISTS`, on the second
//! table's name, pointing at the first.
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement ("relation already exists"): the migration fails there, and
//! in a schema file everything after it is never applied. Usually two migrations create the
//! same table, or a table was renamed in one place and not another.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! ALTER TABLE users ADD COLUMN email text NOT NULL;
//! ```
//!
//! ## Fix safety
//! No automatic fix: either statement may be the one to change.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::model::ModelEvent;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "duplicate-table",
    level: |_| Level::Error,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for event in &cx.model.events {
        let ModelEvent::DuplicateTable { name, at, first } = event else {
            continue;
        };
        let message =
            format!("table `{name}` already exists: PostgreSQL rejects this CREATE TABLE");
        out.push(
            Diagnostic::new(*at, message)
                .with_related(*first, format!("`{name}` is first created here")),
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
