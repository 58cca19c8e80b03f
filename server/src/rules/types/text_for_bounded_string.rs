//! ## What it does
//! Reports unbounded `text` columns whose name says they hold a short code of bounded length:
//! `country_code`, `currency`, `currency_code`, `language`, `locale`, `iso_*`, `postal_code`,
//! `zip`, `phone`, `sku`. Columns that a CHECK constraint already mentions are not reported.
//!
//! Off by default; it is the house style of `[policy] strings = "varchar"`, under which
//! `varchar-arbitrary-length` is off.
//!
//! ## Why is this bad?
//! A code with a known maximum length that accepts any length lets malformed values (a country
//! name in `country_code`, a formatted sentence in `phone`) reach the table, where every reader
//! has to cope with them. Stating the bound in the schema rejects them at the door.
//!
//! ## Example
//! ```sql
//! CREATE TABLE addresses (
//!     id bigint PRIMARY KEY,
//!     country_code text NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE addresses (
//!     id bigint PRIMARY KEY,
//!     country_code text NOT NULL CHECK (char_length(country_code) <= 2)
//! );
//! ```
//!
//! ## Fix safety
//! "Add CHECK (char_length(<col>) <= <n>)" appends a check constraint to the column definition
//! (or an `ALTER TABLE ... ADD CHECK` after an `ALTER COLUMN ... TYPE`), with the length as a
//! snippet placeholder; "Use varchar(<n>)" changes the type instead. Both are unsafe: existing
//! longer values make the migration fail. In Prisma "Add `@db.VarChar(<n>)`" does the same:
//! unsafe.
//!
//! ## Options
//! - `names`: the column names (or globs) of bounded codes; replaces the default list.

use crate::config::{Level, OptionKind, OptionSpec, StringPolicy};
use crate::lower::ConstraintKind;
use crate::model::names::quote_if_needed;
use crate::model::{Column, Table};
use crate::rules::common::{
    add_column_check, builtin, column_label, defined_columns, matches_any, type_loc, type_tokens,
    written_case,
};
use crate::rules::words::snake_case;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "text-for-bounded-string",
    level: |policy| match policy.strings {
        StringPolicy::Varchar => Level::Warning,
        StringPolicy::Text => Level::Off,
    },
    options: &[OptionSpec {
        name: "names",
        kind: OptionKind::StringList,
        doc: "column names (or globs) that hold short codes of bounded length",
    }],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const BOUNDED_NAMES: &[&str] = &[
    "country_code",
    "currency",
    "currency_code",
    "language",
    "locale",
    "iso_*",
    "postal_code",
    "zip",
    "phone",
    "sku",
];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let names = cx.option_strings("names", BOUNDED_NAMES);
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("text") || ty.value.array_dims > 0 {
            continue;
        }
        // A Prisma field is matched by its field name too (`@map` may abbreviate it).
        let Some(snake) = [Some(column.name.as_str()), column.prisma_name.as_deref()]
            .into_iter()
            .flatten()
            .map(snake_case)
            .find(|snake| matches_any(&names, snake))
        else {
            continue;
        };
        if is_checked(table, column) {
            continue;
        }
        let length = usual_length(&snake);
        let message = format!(
            "`{}` holds a short code but is unbounded `text`; state its maximum length",
            column_label(cx, table, &column.name, ty.origin.statement_loc())
        );
        let mut fixes = Vec::new();
        match table.language {
            Language::Sql => {
                let name = quote_if_needed(column.name_at(cx.model, ty.origin.statement_loc()));
                let check = format!("char_length({name}) <= ${{1:{length}}}");
                if let Some(mut edit) = add_column_check(cx, table, column, ty, &check) {
                    edit = Edit::snippet(edit.file, edit.range, edit.text);
                    let title = format!("Add CHECK (char_length({name}) <= {length})");
                    fixes.push(Fix::unsafe_(title, vec![edit]));
                }
                let loc = type_tokens(ty);
                let varchar = written_case(cx, ty, "varchar");
                let edit =
                    Edit::snippet(loc.file, loc.range, format!("{varchar}(${{1:{length}}})"));
                fixes.push(Fix::unsafe_(format!("Use varchar({length})"), vec![edit]));
            }
            Language::Prisma => {
                let end = ty.loc(ty.value.range).range.end();
                let edit = Edit::snippet(
                    ty.origin.file,
                    crate::text::TextRange::empty(end),
                    format!(" @db.VarChar(${{1:{length}}})"),
                );
                fixes.push(Fix::unsafe_(
                    format!("Add `@db.VarChar({length})`"),
                    vec![edit],
                ));
            }
        }
        out.push(Diagnostic::new(type_loc(ty, table.language), message).with_fixes(fixes));
    }
}

/// Whether a CHECK constraint of the table mentions the column (it is bounded some other way).
fn is_checked(table: &Table, column: &Column) -> bool {
    table.constraints.iter().any(|constraint| {
        matches!(constraint.kind(), ConstraintKind::Check(_))
            && constraint.columns().contains(&column.name.as_str())
    })
}

/// A sensible maximum for the usual codes (the placeholder the user adjusts).
fn usual_length(name: &str) -> u32 {
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "country_code" => 2,
        "currency" | "currency_code" => 3,
        "language" | "locale" => 35,
        "postal_code" | "zip" => 16,
        "phone" => 32,
        _ if name.starts_with("iso_") => 3,
        _ => 64,
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
