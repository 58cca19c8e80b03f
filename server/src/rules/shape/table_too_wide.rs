//! ## What it does
//! Reports tables with more columns than `max_columns` (40 by default), counted at the end of
//! the workspace (ALTER TABLE ... ADD COLUMN included), on the table's name. Partitions are not
//! reported: their columns are their parent's.
//!
//! ## Why is this bad?
//! A very wide table usually mixes several entities or optional feature groups in one row:
//! most columns are NULL for most rows, every change to any group locks and rewrites the same
//! table, and rows spill out of a page (TOAST), so reading a few columns costs more.
//! Splitting by entity or by feature (one-to-one tables) keeps rows narrow and meanings clear.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL,
//!     -- ... 45 more columns: billing, preferences, notification settings ...
//!     theme text
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL
//! );
//! CREATE TABLE user_preferences (
//!     user_id bigint PRIMARY KEY REFERENCES users (id),
//!     theme text
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: splitting a table is a design decision.
//!
//! ## Options
//! - `max_columns`: the largest number of columns that is not reported (default 40).

use crate::config::{Level, OptionKind, OptionSpec};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "table-too-wide",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "max_columns",
        kind: OptionKind::Integer,
        doc: "the largest number of columns a table may have without being reported",
    }],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let max = usize::try_from(cx.option_int("max_columns", 40)).unwrap_or(0);
    for table in cx.live_tables() {
        if table.partition_of.is_some() || table.columns.len() <= max {
            continue;
        }
        let message = format!(
            "`{}` has {} columns (more than {max}): consider splitting it by entity or feature into narrower tables",
            table.name_at(cx.model, table.name_loc),
            table.columns.len()
        );
        out.push(Diagnostic::new(table.name_loc, message));
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
