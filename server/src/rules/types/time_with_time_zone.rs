//! ## What it does
//! Reports columns and domains of type `timetz` / `time with time zone` (in Prisma,
//! `@db.Timetz`).
//!
//! ## Why is this bad?
//! A `time with time zone` value is a time of day with a fixed UTC offset but no date. Without
//! a date the offset cannot follow daylight-saving changes: `09:00+01` is right in winter and
//! wrong in summer for the same place. The PostgreSQL documentation itself advises against the
//! type. An instant needs `timestamptz`; a wall-clock time ("opens at 09:00") needs `time`,
//! with the time zone kept in a column of its own when it matters.
//!
//! ## Example
//! ```sql
//! CREATE TABLE shops (
//!     id bigint PRIMARY KEY,
//!     opens_at time with time zone NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE shops (
//!     id bigint PRIMARY KEY,
//!     opens_at time NOT NULL,
//!     time_zone text NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: whether the column holds an instant (`timestamptz`) or a wall-clock time
//! (`time`) is the author's decision.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::rules::common::{
    builtin, column_label, defined_columns, domain_type, type_loc, type_tokens,
};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "time-with-time-zone",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

const ADVICE: &str = "an offset without a date cannot follow daylight-saving changes; use `timestamptz` for an instant or `time` for a wall-clock time";

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("timetz") {
            continue;
        }
        let message = format!(
            "`{}` is `time with time zone`: {ADVICE}",
            column_label(cx, table, &column.name, ty.origin.statement_loc())
        );
        out.push(Diagnostic::new(type_loc(ty, table.language), message));
    }
    for domain in &cx.model.domains {
        let ty = domain_type(domain);
        if builtin(&ty.value) != Some("timetz") {
            continue;
        }
        let message = format!(
            "domain `{}` is based on `time with time zone`: {ADVICE}",
            domain.name
        );
        out.push(Diagnostic::new(type_tokens(&ty), message));
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
