//! ## What it does
//! Reports a string column whose DEFAULT is the text `'NULL'` or `'null'` (in any case, casts
//! ignored): a four-letter string where NULL was meant. JSON columns are left alone (`'null'`
//! is JSON's null there).
//!
//! ## Why is this bad?
//! Rows inserted without the column store the word `NULL`. `WHERE col IS NULL` does not find
//! them, they sort and compare as text, and they leak into the user interface as "NULL".
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     nickname varchar(40) DEFAULT 'NULL'
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     nickname varchar(40) DEFAULT NULL
//! );
//! ```
//!
//! ## Fix safety
//! "Use DEFAULT NULL" replaces the default expression with `NULL`; in Prisma "Remove the
//! default" removes the `@default(...)` attribute. Both are unsafe: they change what inserts
//! store.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::Literal;
use crate::model::Loc;
use crate::rules::common::{builtin, column_label, defined_columns};
use crate::rules::constraints::{is_citext, with_leading_blanks};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "default-string-null",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let (Some(ty), Some(default)) = (&column.ty, &column.default) else {
            continue;
        };
        let string = ty.value.array_dims == 0
            && (matches!(
                builtin(&ty.value),
                Some("text" | "varchar" | "bpchar" | "name")
            ) || is_citext(&ty.value));
        let Some(Literal::String(value)) = &default.value.literal else {
            continue;
        };
        if !string || !value.eq_ignore_ascii_case("null") {
            continue;
        }
        let loc = default.loc(default.value.range);
        let message = format!(
            "the default of `{}` is the string '{value}', not NULL: rows inserted without it store the word",
            column_label(cx, table, &column.name, loc)
        );
        let fix = match table.language {
            Language::Sql => cx.file(loc.file).map(|file| {
                let null = crate::fix::keyword_case(&file.text, default.origin.statement, "NULL");
                Fix::unsafe_("Use DEFAULT NULL", vec![Edit::replace(loc, null)])
            }),
            Language::Prisma => column.def.value.default_range.and_then(|attribute| {
                let file = cx.file(loc.file)?;
                let range = with_leading_blanks(&file.text, column.def.loc(attribute).range);
                Some(Fix::unsafe_(
                    "Remove the default",
                    vec![Edit::replace(
                        Loc {
                            file: file.id,
                            range,
                        },
                        "",
                    )],
                ))
            }),
        };
        out.push(Diagnostic::new(loc, message).with_fixes(fix));
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
