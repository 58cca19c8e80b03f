//! ## What it does
//! Reports a column DEFAULT literal that the column's own constraints reject: a value missing
//! from its `CHECK (col IN (...))` list (also pg_dump's rewritten form
//! `col = ANY (ARRAY['a'::text, 'b'::text])`), from its domain's CHECK list, or a string that is
//! not a label of its enum type (labels added by `ALTER TYPE ... ADD VALUE` included; a label
//! renamed by `RENAME VALUE` after the default was set is followed by it). Casts on
//! the literals are ignored when comparing. A CHECK counts only when nothing else in it could let
//! another value through (it mentions no other column and has no NOT, and no OR other than
//! `OR col IS NULL`).
//!
//! Prisma validates enum defaults itself; Prisma schemas are not checked.
//!
//! ## Why is this bad?
//! Every insert that leaves the column out uses the default, and the constraint rejects it: the
//! insert fails with a check violation or an invalid enum input error. The schema loads without
//! complaint, so this surfaces only at run time.
//!
//! ## Example
//! ```sql
//! CREATE TABLE orders (
//!     id bigint PRIMARY KEY,
//!     status text NOT NULL DEFAULT 'new' CHECK (status IN ('pending', 'paid'))
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE orders (
//!     id bigint PRIMARY KEY,
//!     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid'))
//! );
//! ```
//!
//! ## Fix safety
//! When an allowed value is within two edits of the default (a typo or a casing difference),
//! "Change the default to '<value>'" replaces the literal, keeping its cast. It is unsafe: it
//! changes what inserts store.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::Literal;
use crate::rules::common::{builtin, defined_columns};
use crate::rules::constraints::{
    AllowedValues, allowed_values, quote_literal, renamed_labels, value_in,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "default-not-in-allowed-values",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        if table.language != Language::Sql {
            continue;
        }
        let Some(default) = &column.default else {
            continue;
        };
        let value = match &default.value.literal {
            Some(Literal::String(value) | Literal::Number(value)) => value,
            _ => continue,
        };
        let blank_padded = column
            .ty
            .as_ref()
            .is_some_and(|ty| builtin(&ty.value) == Some("bpchar"));
        let sets = allowed_values(cx, table, column);
        // A stored enum default follows `RENAME VALUE`: its old text still names the label.
        let rejects = |set: &&AllowedValues| {
            !value_in(value, &set.values, blank_padded)
                && !set
                    .enum_type
                    .as_ref()
                    .is_some_and(|t| renamed_labels(cx, t).contains(value))
        };
        let Some(set) = sets.iter().find(rejects) else {
            continue;
        };
        let listed: Vec<String> = set.values.iter().map(|v| quote_literal(v)).collect();
        let message = format!(
            "default {} of `{}` is not among the values {} allows ({}): inserts that rely on the default fail",
            quote_literal(value),
            column.name_at(cx.model, default.origin.statement_loc()),
            set.source,
            listed.join(", ")
        );
        let loc = default.loc(default.value.range);
        let fix = typo_fix(cx, loc, value, set);
        out.push(
            Diagnostic::new(loc, message)
                .with_related(set.loc, format!("{} is defined here", set.source))
                .with_fixes(fix),
        );
    }
}

/// Replaces the literal (not its cast) by the allowed value it most likely misspells.
fn typo_fix(cx: &RuleCx, loc: crate::model::Loc, value: &str, set: &AllowedValues) -> Option<Fix> {
    let closest = crate::suggest::closest(value, set.values.iter().map(String::as_str), 2)?;
    let text = cx.text(loc);
    let literal_len = string_literal_len(text)?;
    let literal = crate::model::Loc {
        file: loc.file,
        range: TextRange::new(loc.range.start(), loc.range.start() + literal_len as u32),
    };
    let replacement = quote_literal(closest);
    Some(Fix::unsafe_(
        format!("Change the default to {replacement}"),
        vec![Edit::replace(literal, replacement)],
    ))
}

/// The length of the `'...'` literal that starts `text`.
fn string_literal_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('\'')?;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, next)| *next == '\'') {
                chars.next();
                continue;
            }
            return Some(i + 2);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    #[test]
    fn literal_length() {
        assert_eq!(super::string_literal_len("'it''s'::text"), Some(7));
        assert_eq!(super::string_literal_len("now()"), None);
    }
}
