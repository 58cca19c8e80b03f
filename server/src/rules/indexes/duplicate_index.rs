//! ## What it does
//! Reports an index that is the same as another index of the table, or as the index behind its
//! primary key or a unique constraint: same access method, same columns or expressions in the
//! same order (with the same operator classes, collations and sort order), same predicate, same
//! INCLUDE list and same uniqueness. The later one, in workspace order, is reported, naming the
//! earlier one. A constraint created `USING INDEX` is that index, not a second one.
//!
//! ## Why is this bad?
//! PostgreSQL builds and maintains both. Every insert, update and delete writes to each of them,
//! vacuum scans both, and they take memory in the buffer cache, while queries can only ever use
//! one of them.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL UNIQUE
//! );
//! CREATE UNIQUE INDEX users_email_idx ON users (email);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL UNIQUE
//! );
//! ```
//!
//! ## Fix safety
//! "Remove duplicate index" deletes the CREATE INDEX statement with its line (in Prisma, the
//! `@@index` line); "Remove duplicate constraint" takes a later PRIMARY KEY or UNIQUE out of its
//! column or table definition (in Prisma, the `@unique`), or deletes the ALTER TABLE that only
//! adds it. When the later one is a primary key, the earlier index or constraint goes instead:
//! the key stays. Both are safe: the identical index remains and enforces the same.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::rules::common::table_label;
use crate::rules::constraints::{Removal, constraint_removal};
use crate::rules::indexes::{IndexShape, Source, index_shapes, is_create_index_statement};
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "duplicate-index",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        let shapes = index_shapes(cx, table);
        for (at, later) in shapes.iter().enumerate() {
            let Some(earlier) = shapes[..at]
                .iter()
                .find(|earlier| same_index(earlier, later))
            else {
                continue;
            };
            let message = format!(
                "{} duplicates {} of `{}`: PostgreSQL maintains both, queries use one",
                later.describe(cx.model, later.loc),
                earlier.describe(cx.model, later.loc),
                table_label(cx, table, later.loc)
            );
            let diagnostic = Diagnostic::new(later.loc, message)
                .with_related(
                    earlier.loc,
                    format!(
                        "{} is defined here",
                        earlier.describe(cx.model, earlier.loc)
                    ),
                )
                .with_fixes(removal(
                    cx,
                    if later.primary { earlier } else { later },
                    table.language,
                ));
            out.push(diagnostic);
        }
    }
}

fn same_index(a: &IndexShape, b: &IndexShape) -> bool {
    a.method == b.method
        && a.unique == b.unique
        && (!a.unique || a.immediate == b.immediate)
        // A primary key's columns are NOT NULL, so how NULLs compare does not matter there.
        && (a.primary || b.primary || a.nulls_not_distinct == b.nulls_not_distinct)
        && a.same_elements(&b.elements)
        && a.predicate == b.predicate
        && a.include == b.include
}

fn removal(cx: &RuleCx, shape: &IndexShape, language: Language) -> Option<Fix> {
    match shape.source {
        Source::Index(index) => {
            let origin = index.def.origin;
            let file = cx.file(origin.file)?;
            let range = match language {
                Language::Sql if is_create_index_statement(cx, origin) => origin.statement,
                Language::Sql => return None,
                // The `@@index(...)` attribute.
                Language::Prisma => index.def.loc(index.def.value.index_keyword).range,
            };
            Some(Fix::safe(
                "Remove duplicate index",
                vec![crate::fix::delete_statement(file, range)],
            ))
        }
        Source::Constraint(constraint) => {
            let edits = match constraint_removal(cx, shape.table, constraint)? {
                Removal::Edits(edits) => edits,
                Removal::Statement(statement) => {
                    vec![crate::fix::delete_statement(
                        cx.file(statement.file)?,
                        statement.range,
                    )]
                }
            };
            Some(Fix::safe("Remove duplicate constraint", edits))
        }
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
