//! ## What it does
//! Reports columns and domains of type `char`, `char(n)`, `character(n)` or `bpchar` (in
//! Prisma, `@db.Char(n)`). The one-byte internal type `"char"` (quoted) is not reported.
//!
//! ## Why is this bad?
//! `char(n)` pads every value with spaces to `n` characters, strips them again in most
//! operations and ignores trailing spaces in comparisons, but not in `LIKE`, regular
//! expressions or the client's view of the value. The result surprises both applications and
//! queries, and it is no faster or smaller than `text` or `varchar(n)`: the padding is stored.
//! A bare `char` means `char(1)`, which few authors intend.
//!
//! ## Example
//! ```sql
//! CREATE TABLE countries (
//!     code char(2) PRIMARY KEY,
//!     name text NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE countries (
//!     code varchar(2) PRIMARY KEY,
//!     name text NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! Both fixes are unsafe: a type change changes what application code reads (no more padding
//! blanks), and on an existing column converts the stored values.
//! - "Use varchar(<n>)" keeps the length limit (`char` without a length becomes `varchar(1)`).
//! - "Use text" also drops the length limit.
//!
//! In Prisma the fixes replace `@db.Char(n)` with `@db.VarChar(n)`, or remove it.
//!
//! In an applied migration or a generated dump each fix is a new migration, `ALTER COLUMN ... TYPE
//! varchar(n)` or `text` (none when a view reads the table).
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::TypeRef;
use crate::model::Located;
use crate::rules::common::{
    builtin, column_label, defined_columns, domain_type, remove_prisma_native, type_loc,
    type_tokens, written_case,
};
use crate::rules::forms::{Conversion, retype_fix};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "char-type",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const ADVICE: &str = "values are blank-padded and trailing spaces are ignored in comparisons; use `text` or `varchar(n)`";

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("bpchar") || is_quoted_char(cx, ty) {
            continue;
        }
        let message = format!(
            "`{}` is `char({})`: {ADVICE}",
            column_label(cx, table, &column.name, ty.origin.statement_loc()),
            length(&ty.value)
        );
        let fixes = match table.language {
            Language::Sql => sql_fixes(cx, ty)
                .into_iter()
                .map(|fix| {
                    let tokens = fix.edits[0].text.clone();
                    retype_fix(cx, table, column, ty, fix, &tokens, Conversion::Assignment)
                })
                .collect(),
            Language::Prisma => prisma_fixes(cx, ty),
        };
        out.push(Diagnostic::new(type_loc(ty, table.language), message).with_fixes(fixes));
    }
    for domain in &cx.model.domains {
        let ty = domain_type(domain);
        if builtin(&ty.value) != Some("bpchar") || is_quoted_char(cx, &ty) {
            continue;
        }
        let message = format!(
            "domain `{}` is based on `char({})`: {ADVICE}",
            domain.name,
            length(&ty.value)
        );
        out.push(Diagnostic::new(type_tokens(&ty), message).with_fixes(sql_fixes(cx, &ty)));
    }
}

/// `"char"` is the one-byte internal type, not `char(1)` (the type reference does not keep
/// the quotes, the text does).
fn is_quoted_char(cx: &RuleCx, ty: &Located<TypeRef>) -> bool {
    cx.text(ty.loc(ty.value.name_range)).contains('"')
}

/// The declared length; `char` alone is `char(1)`.
fn length(ty: &TypeRef) -> &str {
    ty.modifiers.first().map_or("1", |m| m.trim())
}

fn sql_fixes(cx: &RuleCx, ty: &Located<TypeRef>) -> Vec<Fix> {
    let loc = type_tokens(ty);
    let n = length(&ty.value);
    let varchar = format!("{}({n})", written_case(cx, ty, "varchar"));
    vec![
        Fix::unsafe_(
            format!("Use varchar({n})"),
            vec![Edit::replace(loc, varchar)],
        ),
        Fix::unsafe_(
            "Use text",
            vec![Edit::replace(loc, written_case(cx, ty, "text"))],
        ),
    ]
}

fn prisma_fixes(cx: &RuleCx, ty: &Located<TypeRef>) -> Vec<Fix> {
    let mut fixes = Vec::new();
    let n = length(&ty.value);
    if let Some(native) = ty.value.modifiers_range {
        let edit = Edit::replace(ty.loc(native), format!("@db.VarChar({n})"));
        fixes.push(Fix::unsafe_(format!("Use varchar({n})"), vec![edit]));
    }
    if let Some(edit) = remove_prisma_native(cx, ty) {
        fixes.push(Fix::unsafe_("Use text", vec![edit]));
    }
    fixes
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
