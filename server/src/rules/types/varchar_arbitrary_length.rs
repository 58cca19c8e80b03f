//! ## What it does
//! Reports `varchar(n)` / `character varying(n)` columns and domains whose length is one of the
//! habitual values (191, 255, 256, 500, 512, 1000, 1024, 2000, 2048, 4000, 4096, 8000) rather
//! than a requirement of the data. Other lengths look deliberate and are not reported, nor are
//! `varchar` without a length and `text`. In Prisma: `@db.VarChar(n)` with such a length.
//!
//! This is the house style of `[policy] strings = "text"` (the default); under
//! `strings = "varchar"` the rule is off and `text-for-bounded-string` runs instead.
//!
//! ## Why is this bad?
//! In PostgreSQL `text` and `varchar(n)` are stored the same way and perform the same; the
//! length is only a constraint. A limit copied from MySQL habits (255, or 191 for utf8mb4
//! indexes) rejects legitimate values one day, and raising it later needs an `ALTER TABLE`
//! that fails while views use the column, so they must be dropped and recreated around it.
//! Where a limit matters, a `CHECK (char_length(col) <= n)` states it explicitly and can be
//! replaced without touching the type.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email varchar(255) NOT NULL
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
//! Both fixes are unsafe: a type change changes what application code reads and what it may
//! store.
//! - "Use text" replaces the type: the length limit disappears.
//! - "Use text with CHECK (char_length(<col>) <= <n>)" replaces the type and keeps the limit as a
//!   check constraint, at the end of the column definition (or as `ALTER TABLE ... ADD CHECK`
//!   after an `ALTER COLUMN ... TYPE`). Not offered for arrays, domains and Prisma, which cannot
//!   express it.
//!
//! In Prisma "Use text" removes the `@db.VarChar(n)` attribute (`String` maps to `text`).
//!
//! In an applied migration or a generated dump "Use text" is a new migration, `ALTER COLUMN ...
//! TYPE text`, which PostgreSQL does without rewriting the table (none when a view reads the
//! table); the variant with a CHECK is offered only in place.
//!
//! ## Options
//! - `lengths`: the lengths considered habitual; replaces the default list.

use crate::config::{Level, OptionKind, OptionSpec, StringPolicy};
use crate::lower::TypeRef;
use crate::model::names::quote_if_needed;
use crate::rules::common::{
    add_column_check, builtin, column_label, defined_columns, domain_type, remove_prisma_native,
    type_loc, type_tokens, written_case,
};
use crate::rules::forms::{Conversion, retype_fix};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "varchar-arbitrary-length",
    level: |policy| match policy.strings {
        StringPolicy::Text => Level::Warning,
        StringPolicy::Varchar => Level::Off,
    },
    options: &[OptionSpec {
        name: "lengths",
        kind: OptionKind::IntegerList,
        doc: "varchar lengths that are habits rather than requirements",
    }],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const HABITUAL: &[i64] = &[
    191, 255, 256, 500, 512, 1000, 1024, 2000, 2048, 4000, 4096, 8000,
];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let lengths = cx.option_ints("lengths", HABITUAL);
    let habitual = |ty: &TypeRef| -> Option<i64> {
        if builtin(ty) != Some("varchar") {
            return None;
        }
        let [length] = ty.modifiers.as_slice() else {
            return None;
        };
        let length: i64 = length.trim().parse().ok()?;
        lengths.contains(&length).then_some(length)
    };
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        let Some(length) = habitual(&ty.value) else {
            continue;
        };
        let message = format!(
            "`{}` is `varchar({length})`: {length} is a habitual limit, not a requirement; in PostgreSQL `text` costs the same (add a CHECK where the limit matters)",
            column_label(cx, table, &column.name, ty.origin.statement_loc())
        );
        let mut fixes = Vec::new();
        match table.language {
            Language::Sql => {
                let text = Edit::replace(type_tokens(ty), written_case(cx, ty, "text"));
                let fix = Fix::unsafe_("Use text", vec![text.clone()]);
                let tokens = text.text.clone();
                fixes.push(retype_fix(
                    cx,
                    table,
                    column,
                    ty,
                    fix,
                    &tokens,
                    Conversion::Assignment,
                ));
                let name = column.name_at(cx.model, ty.origin.statement_loc());
                let check = format!("char_length({}) <= {length}", quote_if_needed(name));
                if ty.value.array_dims == 0
                    && let Some(constraint) = add_column_check(cx, table, column, ty, &check)
                {
                    let title = format!("Use text with CHECK ({check})");
                    fixes.push(Fix::unsafe_(title, vec![text, constraint]));
                }
            }
            Language::Prisma => {
                if let Some(edit) = remove_prisma_native(cx, ty) {
                    fixes.push(Fix::unsafe_("Use text", vec![edit]));
                }
            }
        }
        out.push(Diagnostic::new(type_loc(ty, table.language), message).with_fixes(fixes));
    }
    for domain in &cx.model.domains {
        let ty = domain_type(domain);
        let Some(length) = habitual(&ty.value) else {
            continue;
        };
        let message = format!(
            "domain `{}` is `varchar({length})`: {length} is a habitual limit, not a requirement; in PostgreSQL `text` costs the same",
            domain.name
        );
        let edit = Edit::replace(type_tokens(&ty), written_case(cx, &ty, "text"));
        out.push(
            Diagnostic::new(type_tokens(&ty), message)
                .with_fix(Fix::unsafe_("Use text", vec![edit])),
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
