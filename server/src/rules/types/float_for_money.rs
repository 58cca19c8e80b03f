//! ## What it does
//! Reports binary floating-point columns (`real`, `float4`, `double precision`, `float8`,
//! `float`, `float(n)`; Prisma `Float`) whose name says they hold money: one of its words, in
//! any case style, is a money word (`price`, `amount`, `cost`, `total`, `balance`, `fee`,
//! `tax`, `payment`, `usd`, ...), so `unit_price`, `amount_due`, `payAmount` and
//! `"serviceFee"` are all reported.
//!
//! Not reported: integer columns and names with the word `cents` (integer cents are a sound
//! choice); fractions, factors, scores, counts and durations, whose last word says so
//! (`discount`, `tax_rate`, `fee_percent`, `ratio`, `cost_factor`, `credit_score`,
//! `total_seconds`): a discount of 0.05 is a fraction, a `discount_amount` is money.
//!
//! ## Why is this bad?
//! Binary floating point cannot represent most decimal fractions: `0.1 + 0.2` is not `0.3`, sums
//! drift, and rounding differs between the database and the application. Money needs exact
//! decimal arithmetic: `numeric` with an explicit scale (or integer minor units).
//!
//! ## Example
//! ```sql
//! CREATE TABLE invoices (
//!     id bigint PRIMARY KEY,
//!     amount double precision NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE invoices (
//!     id bigint PRIMARY KEY,
//!     amount numeric(12,2) NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! "Use numeric(12,2)" offers the precision and scale as snippet placeholders. It is unsafe:
//! application code reads decimals instead of floats, and on an `ALTER COLUMN ... TYPE` of an
//! existing column the stored values are rounded to the new scale. In Prisma the field becomes
//! `Decimal @db.Decimal(12, 2)`.
//!
//! In an applied migration or a generated dump the fix is "Use numeric", a new migration
//! `ALTER COLUMN ... TYPE numeric`: without precision or scale, so that no stored value is
//! rounded or out of range (none when a view reads the table).
//!
//! ## Options
//! - `names`: the money words (a word of the name, in any case style), or globs such as
//!   `"*_premium"` matched against the snake_case name; replaces the default list.

use crate::config::{Level, OptionKind, OptionSpec};
use crate::lower::TypeRef;
use crate::model::{Column, Located, Table};
use crate::rules::common::{
    builtin, defined_columns, matches_any, type_tokens, written_case, written_words,
};
use crate::rules::forms::{Conversion, retype_fix};
use crate::rules::words::{has_word, last_word_in, snake_case};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope, escape_snippet};
use crate::syntax::Language;
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "float-for-money",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "names",
        kind: OptionKind::StringList,
        doc: "money words, or globs matched against the snake_case column name",
    }],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

/// Words that make a name a money amount (`unit_price`, `payAmount`, `"serviceFee"`, `total_usd`).
const MONEY_WORDS: &[&str] = &[
    "price", "prices", "amount", "amounts", "cost", "costs", "total", "subtotal", "balance", "fee",
    "fees", "tax", "taxes", "salary", "wage", "wages", "revenue", "payment", "charge", "refund",
    "credit", "debit", "budget", "spend", "payout", "usd", "eur", "gbp",
];

/// Last words that make a name something other than an amount, whatever money word comes
/// before: fractions (`tax_rate`, `discount`, `fee_percent`), factors and scores
/// (`cost_factor`, `credit_score`), counts and durations (`total_seconds`).
const NOT_AN_AMOUNT: &[&str] = &[
    "rate",
    "rates",
    "ratio",
    "percent",
    "percentage",
    "pct",
    "discount",
    "factor",
    "multiplier",
    "share",
    "score",
    "weight",
    "count",
    "seconds",
    "minutes",
    "hours",
    "days",
    "ms",
    "duration",
];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let names = cx.option_strings("names", MONEY_WORDS);
    let (globs, money_words): (Vec<String>, Vec<String>) =
        names.into_iter().partition(|name| name.contains('*'));
    let money_words: Vec<&str> = money_words.iter().map(String::as_str).collect();
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if !matches!(builtin(&ty.value), Some("float4" | "float8")) || ty.value.array_dims > 0 {
            continue;
        }
        let words = written_words(cx, &column.name, column.name_loc());
        let money =
            has_word(&words, &money_words) || matches_any(&globs, &snake_case(&column.name));
        if !money || has_word(&words, &["cents"]) || last_word_in(&words, NOT_AN_AMOUNT) {
            continue;
        }
        let written = cx.text(type_tokens(ty));
        let message = format!(
            "`{}` looks like money but is `{written}`, which cannot store decimal fractions exactly; use `numeric`",
            column.name_at(cx.model, ty.origin.statement_loc())
        );
        out.push(Diagnostic::new(type_tokens(ty), message).with_fix(fix(cx, table, column, ty)));
    }
}

fn fix(cx: &RuleCx, table: &Table, column: &Column, ty: &Located<TypeRef>) -> Fix {
    let edit = match table.language {
        Language::Sql => {
            let upper = cx
                .text(ty.loc(ty.value.name_range))
                .starts_with(|c: char| c.is_ascii_uppercase());
            let name = if upper { "NUMERIC" } else { "numeric" };
            let loc = type_tokens(ty);
            Edit::snippet(loc.file, loc.range, format!("{name}(${{1:12}},${{2:2}})"))
        }
        Language::Prisma => {
            // `Float @db.DoublePrecision` -> `Decimal @db.Decimal(12, 2)`.
            let field = column.def.loc(column.def.value.range);
            let field_text = cx.text(field);
            let type_start = (ty.loc(ty.value.range).range.start() - field.range.start()) as usize;
            let mut replaced = String::with_capacity(field_text.len() + 24);
            replaced.push_str(&escape_snippet(&field_text[..type_start]));
            let rest = &field_text[type_start..];
            let rest = rest.strip_prefix("Float").unwrap_or(rest);
            replaced.push_str("Decimal");
            let (before_native, native_and_after) = match rest.find("@db.") {
                Some(at) => (&rest[..at], &rest[at..]),
                None => (rest, ""),
            };
            replaced.push_str(&escape_snippet(before_native.trim_end()));
            replaced.push_str(" @db.Decimal(${1:12}, ${2:2})");
            let after_native = native_and_after
                .find(|c: char| c.is_whitespace())
                .map_or("", |end| &native_and_after[end..]);
            replaced.push_str(&escape_snippet(after_native));
            Edit::snippet(
                field.file,
                TextRange::new(field.range.start(), field.range.end()),
                replaced,
            )
        }
    };
    // Existing values keep every digit and their range: no precision or scale.
    let numeric = written_case(cx, ty, "numeric");
    let fix = Fix::unsafe_("Use numeric(12,2)", vec![edit]);
    retype_fix(cx, table, column, ty, fix, &numeric, Conversion::Assignment)
        .with_migration_title("Use numeric")
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
