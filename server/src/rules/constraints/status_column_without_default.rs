//! ## What it does
//! Reports an enum-like column (a name from `enum-like-column-unconstrained`'s list) that is
//! constrained to a list of values (a CHECK list, its enum type) but is nullable and has no
//! DEFAULT. In Prisma: an optional enum field without `@default`.
//!
//! ## Why is this bad?
//! A row inserted without a status gets NULL, which is none of the states the list describes:
//! every query and state machine over the column needs a third case, and `status <> 'closed'`
//! silently skips those rows. A starting state as the default keeps the column meaningful.
//!
//! ## Example
//! ```sql
//! CREATE TABLE tickets (
//!     id bigint PRIMARY KEY,
//!     status text CHECK (status IN ('open', 'closed'))
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE tickets (
//!     id bigint PRIMARY KEY,
//!     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
//! );
//! ```
//!
//! ## Fix safety
//! One "Add NOT NULL DEFAULT '<value>'" per allowed value, for the author to choose: the order
//! of a list or an enum says nothing about which state rows start in, so no value is guessed,
//! and `ddlint check --fix` applies none of them (it applies a fix only where there is one).
//! Each is unsafe: inserts that write NULL start failing, and the default decides what rows
//! inserted without the column store. On a column that `ALTER TABLE ... ADD COLUMN` adds, the
//! default fills the existing rows, so the statement still applies. In Prisma each is "Make
//! required with `@default(<value>)`".
//!
//! ## Options
//! None (the column names come from `enum-like-column-unconstrained`'s `names`).

use crate::config::Level;
use crate::rules::common::{column_label, defined_columns};
use crate::rules::constraints::{
    allowed_values, is_enum_like, prisma_field_additions, quote_literal, sql_column_additions,
};
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "status-column-without-default",
    level: |_| Level::Info,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        if !column.is_nullable()
            || column.default.is_some()
            || column.generated
            || !is_enum_like(cx, &column.name)
        {
            continue;
        }
        let sets = allowed_values(cx, table, column);
        let Some(set) = sets.first() else { continue };
        if set.values.is_empty() {
            continue;
        }
        let message = format!(
            "`{}` takes the values of {} but is nullable without a default: rows inserted without it have none of them",
            column_label(cx, table, &column.name, column.name_loc()),
            set.source
        );
        // Which value rows start in is the author's call: each is offered, none is preferred.
        let fixes: Vec<Fix> = match table.language {
            Language::Sql => set
                .values
                .iter()
                .filter_map(|value| {
                    let literal = quote_literal(value);
                    sql_column_additions(cx, column, true, Some(&literal))
                        .map(|edits| Fix::unsafe_(format!("Add NOT NULL DEFAULT {literal}"), edits))
                })
                .collect(),
            Language::Prisma => set
                .prisma_names
                .iter()
                .filter_map(|value| {
                    let attribute = format!("@default({value})");
                    prisma_field_additions(cx, column, true, Some(&attribute)).map(|edits| {
                        Fix::unsafe_(format!("Make required with `{attribute}`"), edits)
                    })
                })
                .collect(),
        };
        out.push(Diagnostic::new(column.name_loc(), message).with_fixes(fixes));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    /// No value is preferred: each is a fix of its own, so `--fix` applies none.
    #[test]
    fn every_allowed_value_is_a_choice() {
        let titles: Vec<Vec<String>> =
            crate::rules::tests::fixes_in_fixture(super::RULE.id, "choices.sql")
                .into_iter()
                .map(|fixes| fixes.into_iter().map(|(title, _)| title).collect())
                .collect();
        assert_eq!(
            titles,
            [
                vec![
                    "Add NOT NULL DEFAULT 'OWNER'",
                    "Add NOT NULL DEFAULT 'VIEWER'",
                    "Add NOT NULL DEFAULT 'EDITOR'",
                ],
                vec![
                    "Add NOT NULL DEFAULT 'deleted'",
                    "Add NOT NULL DEFAULT 'open'",
                ],
            ]
        );
    }
}
