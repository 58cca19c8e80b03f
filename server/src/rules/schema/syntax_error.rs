//! ## What it does
//! Reports text PostgreSQL cannot parse: at most one error per statement, at the smallest range
//! that shows it, with what was expected or which construct is left open ("missing `)` to close
//! the `(` opened at 3:14", "unterminated dollar-quoted string started at 12:5").
//!
//! ## Why is this bad?
//! The statement fails when it runs, and everything after it in a migration is never applied.
//! The rest of the file is still checked: one broken statement does not hide other findings.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL,,
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
//! No automatic fix: only the author knows what was meant.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::rules::{Rule, RuleScope};

/// Reported by the framework from the parser's errors.
pub(crate) const RULE: Rule = Rule {
    id: "syntax-error",
    level: |_| Level::Error,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
