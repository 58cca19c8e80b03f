//! ## What it does
//! Reports columns and domains of type `timestamp(0)` or `timestamptz(0)` (in Prisma,
//! `@db.Timestamp(0)` / `@db.Timestamptz(0)`).
//!
//! ## Why is this bad?
//! A precision does not truncate, it rounds: `'2024-01-31 23:59:59.7'` is stored as
//! `2024-02-01 00:00:00`, a value in the next second, minute, day or year. Ranges that end at
//! `23:59:59`, "created in January" reports and comparisons with values from the application
//! then disagree. PostgreSQL's "Don't Do This" advises keeping the full precision and
//! truncating with `date_trunc` where a coarser value is wanted.
//!
//! ## Example
//! ```sql
//! CREATE TABLE invoices (
//!     id bigint PRIMARY KEY,
//!     issued_at timestamptz(0) NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE invoices (
//!     id bigint PRIMARY KEY,
//!     issued_at timestamptz NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: removing the precision changes what is stored from then on; where whole
//! seconds are wanted, insert `date_trunc('second', ...)` values instead.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::TypeRef;
use crate::model::{Loc, Located};
use crate::rules::common::{builtin, defined_columns, type_tokens};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "timestamp-precision",
    level: |_| Level::Info,
    options: &[],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        let Some(loc) = zero_precision(ty, table.language) else {
            continue;
        };
        let message = format!(
            "`{}` is `{}(0)`: values are rounded to the second, not truncated (`.7` seconds becomes the next second); keep the full precision and truncate where needed",
            column.name,
            builtin(&ty.value).unwrap_or("timestamp")
        );
        out.push(Diagnostic::new(loc, message));
    }
    for domain in &cx.model.domains {
        let ty = Located {
            value: domain.def.value.ty.clone(),
            origin: domain.def.origin,
        };
        let Some(loc) = zero_precision(&ty, Language::Sql) else {
            continue;
        };
        let message = format!(
            "domain `{}` is `{}(0)`: values are rounded to the second, not truncated; keep the full precision",
            domain.name,
            builtin(&ty.value).unwrap_or("timestamp")
        );
        out.push(Diagnostic::new(loc, message));
    }
}

/// Where a `timestamp(0)` / `timestamptz(0)` type is written.
fn zero_precision(ty: &Located<TypeRef>, language: Language) -> Option<Loc> {
    if !matches!(builtin(&ty.value), Some("timestamp" | "timestamptz"))
        || ty.value.modifiers.as_slice() != ["0"]
    {
        return None;
    }
    match language {
        // The precision is written in the native type attribute.
        Language::Prisma => ty.value.modifiers_range.map(|range| ty.loc(range)),
        Language::Sql => Some(type_tokens(ty)),
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
