//! ## What it does
//! Reports columns whose whole name is a generic word: `value`, `data`, `info`, `misc`, `flag`,
//! `item` (the list is configurable). Off by default.
//!
//! ## Why is this bad?
//! A name that fits any column says nothing about this one: readers of queries and of the
//! schema cannot tell what `data` holds or what a `flag` means without reading the code that
//! writes it, and the same vague name ends up in many tables with different meanings.
//!
//! ## Example
//! ```sql
//! CREATE TABLE settings (
//!     id bigint PRIMARY KEY,
//!     flag boolean NOT NULL,
//!     data jsonb
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE settings (
//!     id bigint PRIMARY KEY,
//!     is_enabled boolean NOT NULL,
//!     preferences jsonb
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: only the author knows what the column means.
//!
//! ## Options
//! - `names`: the generic column names (default: `value`, `data`, `info`, `misc`, `flag`,
//!   `item`).

use crate::config::{Level, OptionKind, OptionSpec};
use crate::rules::common::defined_columns;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "generic-column-name",
    level: |_| Level::Off,
    options: &[OptionSpec {
        name: "names",
        kind: OptionKind::StringList,
        doc: "column names considered generic",
    }],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

const GENERIC: &[&str] = &["value", "data", "info", "misc", "flag", "item"];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let names = cx.option_strings("names", GENERIC);
    for (table, column) in defined_columns(cx) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&column.name)) {
            continue;
        }
        let message = format!(
            "column `{}` of `{}` has a generic name that says nothing about what it holds; name it after its meaning",
            column.name, table.name
        );
        out.push(Diagnostic::new(column.name_loc(), message));
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
