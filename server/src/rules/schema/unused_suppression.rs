//! ## What it does
//! Reports a `-- ddlint-ignore rule-id` comment (or `-- ddlint-ignore-file rule-id`, or Prisma's
//! `/// ddlint-ignore rule-id`) that suppresses nothing, and rule ids in such comments that do
//! not exist.
//!
//! ## Why is this bad?
//! Suppressions outlive the problem they silenced: once the schema is fixed, a stale comment
//! would hide the next real finding of that rule in the same statement.
//!
//! ## Example
//! ```sql
//! -- ddlint-ignore timestamp-without-time-zone
//! CREATE TABLE events (happened_at timestamptz NOT NULL);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE events (happened_at timestamptz NOT NULL);
//! ```
//!
//! ## Fix safety
//! "Remove unused suppression" deletes the rule id from the comment, or the whole comment when
//! it was the only one. A misspelt rule id gets "Did you mean `<id>`?". Both are safe: they
//! edit a comment, which changes no data, nothing an application reads and nothing a migration
//! does.
//!
//! ## Options
//! None. A suppression of a rule that did not run (turned off, or not selected) is not reported.

use crate::config::Level;
use crate::file::FileData;
use crate::model::Loc;
use crate::rules::{Edit, Rule, RuleScope};
use crate::suppression::Suppression;
use crate::text::TextRange;

/// Reported by the framework after the other rules ran.
pub(crate) const RULE: Rule = Rule {
    id: "unused-suppression",
    level: |_| Level::Info,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: None,
};

/// The edit removing one rule id from a suppression comment (the comment's line when it is the
/// only id).
pub(crate) fn removal(file: &FileData, suppression: &Suppression, rule_index: usize) -> Edit {
    if suppression.rules.len() == 1 {
        let range = suppression.comment;
        let line_start = crate::fix::start_of_line(&file.text, range.start());
        let own_line = file.text[line_start as usize..range.start() as usize]
            .trim()
            .is_empty();
        if own_line {
            return crate::fix::delete_statement(file, range);
        }
        // A trailing comment: remove it with the spaces before it.
        let before = &file.text[..range.start() as usize];
        let start = before.trim_end_matches([' ', '\t']).len() as u32;
        return Edit::replace(
            Loc {
                file: file.id,
                range: TextRange::new(start, range.end()),
            },
            "",
        );
    }
    let this = suppression.rules[rule_index].range;
    // Remove the id with the separator that joins it to a neighbour.
    let range = match suppression.rules.get(rule_index + 1) {
        Some(next) => TextRange::new(this.start(), next.range.start()),
        None => TextRange::new(suppression.rules[rule_index - 1].range.end(), this.end()),
    };
    Edit::replace(
        Loc {
            file: file.id,
            range,
        },
        "",
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
