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
//! "Add NOT NULL DEFAULT '<first allowed value>'" is unsafe: inserts that write NULL start
//! failing, and the first value of the list may not be the right starting state. In Prisma it
//! makes the field required with `@default(<first value>)`.
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
        let Some(first) = set.values.first() else {
            continue;
        };
        let message = format!(
            "`{}` takes the values of {} but is nullable without a default: rows inserted without it have none of them",
            column_label(table, &column.name),
            set.source
        );
        let fix = match table.language {
            Language::Sql => {
                let literal = quote_literal(first);
                sql_column_additions(cx, column, true, Some(&literal))
                    .map(|edits| Fix::unsafe_(format!("Add NOT NULL DEFAULT {literal}"), edits))
            }
            Language::Prisma => set.prisma_names.first().and_then(|first| {
                let attribute = format!("@default({first})");
                prisma_field_additions(cx, column, true, Some(&attribute))
                    .map(|edits| Fix::unsafe_(format!("Make required with `{attribute}`"), edits))
            }),
        };
        out.push(Diagnostic::new(column.name_loc(), message).with_fixes(fix));
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
