//! ## What it does
//! Reports columns and domains of type `money` (in Prisma, `@db.Money`).
//!
//! ## Why is this bad?
//! `money` has a fixed number of fraction digits taken from the server's `lc_monetary`
//! setting, and formats its output (currency symbol, separators) by that locale. Restoring a
//! dump on a server with another locale changes what the stored values mean, input like
//! `'1,000.50'` parses differently per locale, and there is no way to store a currency or more
//! precision. `numeric` with an explicit scale is exact and means the same everywhere.
//!
//! ## Example
//! ```sql
//! CREATE TABLE invoices (
//!     id bigint PRIMARY KEY,
//!     total money NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE invoices (
//!     id bigint PRIMARY KEY,
//!     total numeric(12,2) NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! "Use numeric(12,2)" offers the precision and scale as snippet placeholders. It is unsafe:
//! application code reads numbers instead of formatted currency strings, and on an `ALTER COLUMN
//! ... TYPE` of an existing column the stored values are converted. In Prisma `@db.Money`
//! becomes `@db.Decimal(12, 2)`.
//!
//! In an applied migration or a generated dump the fix is "Use numeric", a new migration
//! `ALTER COLUMN ... TYPE numeric USING <column>::numeric`: without precision or scale, so that
//! no stored value is rounded or out of range (none when a view reads the table).
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::TypeRef;
use crate::model::Located;
use crate::rules::common::{
    builtin, column_label, defined_columns, domain_type, type_loc, type_tokens, written_case,
};
use crate::rules::forms::{Conversion, retype_fix};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "money-type",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const ADVICE: &str = "its scale and format follow the server's `lc_monetary` locale, so values change meaning between servers; use `numeric`";

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("money") {
            continue;
        }
        let message = format!(
            "`{}` is `money`: {ADVICE}",
            column_label(cx, table, &column.name, ty.origin.statement_loc())
        );
        let edit = match table.language {
            Language::Sql => Some(numeric(cx, ty)),
            Language::Prisma => ty.value.modifiers_range.map(|native| {
                let loc = ty.loc(native);
                Edit::snippet(loc.file, loc.range, "@db.Decimal(${1:12}, ${2:2})")
            }),
        };
        // Existing values keep every digit and their range: no precision or scale.
        let numeric = written_case(cx, ty, "numeric");
        let fix = edit.map(|edit| {
            let fix = Fix::unsafe_("Use numeric(12,2)", vec![edit]);
            retype_fix(cx, table, column, ty, fix, &numeric, Conversion::Cast)
                .with_migration_title("Use numeric")
        });
        out.push(Diagnostic::new(type_loc(ty, table.language), message).with_fixes(fix));
    }
    for domain in &cx.model.domains {
        let ty = domain_type(domain);
        if builtin(&ty.value) != Some("money") {
            continue;
        }
        let message = format!("domain `{}` is based on `money`: {ADVICE}", domain.name);
        let fix = Fix::unsafe_("Use numeric(12,2)", vec![numeric(cx, &ty)]);
        out.push(Diagnostic::new(type_tokens(&ty), message).with_fix(fix));
    }
}

/// `money` -> `numeric(12,2)` with placeholders, in the case the type was written in.
fn numeric(cx: &RuleCx, ty: &Located<TypeRef>) -> Edit {
    let loc = type_tokens(ty);
    let name = written_case(cx, ty, "numeric");
    Edit::snippet(loc.file, loc.range, format!("{name}(${{1:12}},${{2:2}})"))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
