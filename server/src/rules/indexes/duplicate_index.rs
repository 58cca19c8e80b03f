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
//! the key stays. Removing an index is safe: the identical one remains and enforces the same.
//! No fix is offered when another statement names the index (`ALTER INDEX`, `DROP INDEX`,
//! `COMMENT ON INDEX`), which would fail without it. Removing a constraint is unsafe:
//! application code may name it (`INSERT ... ON CONFLICT ON CONSTRAINT`).
//!
//! In an applied migration or a generated dump the fix is a new migration of its own, `DROP INDEX
//! CONCURRENTLY IF EXISTS` (outside a transaction, with the tool's switch for that), undone by the
//! statement that created the index.
//!
//! ## Options
//! None.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, Input};

use crate::config::Level;
use crate::lower::{PlacedStatement, StatementKind};
use crate::model::Loc;
use crate::rules::common::table_label;
use crate::rules::constraints::{Removal, constraint_removal};
use crate::rules::forms::Form;
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
    let mut duplicates = Vec::new();
    for table in cx.live_tables() {
        let shapes = index_shapes(cx, table);
        for (at, later) in shapes.iter().enumerate() {
            if let Some(earlier) = shapes[..at]
                .iter()
                .find(|earlier| same_index(earlier, later))
            {
                // A primary key stays: the other index or constraint goes.
                let removed = if later.primary { earlier } else { later };
                duplicates.push((earlier, later, removed));
            }
        }
    }
    // Which of the indexes to remove other statements name, found in one pass over the text.
    let removed_names = duplicates
        .iter()
        .filter_map(|(_, _, removed)| match removed.source {
            Source::Index(index) if removed.table.language == Language::Sql => {
                index.name.as_deref()
            }
            _ => None,
        });
    let named = NamedIndexes::find(cx, removed_names);
    for (earlier, later, removed) in duplicates {
        let table = later.table;
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
            .with_fixes(removal(cx, removed, table.language, &named));
        out.push(diagnostic);
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

fn removal(
    cx: &RuleCx,
    shape: &IndexShape,
    language: Language,
    named: &NamedIndexes,
) -> Option<Fix> {
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
            // A later statement that names the index (ALTER INDEX, DROP INDEX, COMMENT ON
            // INDEX) would fail without it.
            if let Some(name) = &index.name
                && language == Language::Sql
                && named.outside(name, origin.statement_loc())
            {
                return None;
            }
            let fix = Fix::safe(
                "Remove duplicate index",
                vec![crate::fix::delete_statement(file, range)],
            );
            let step = index.name.as_ref().and_then(|name| {
                let created_by = cx.text(origin.statement_loc());
                Form::new(cx, shape.table, origin.statement_loc())?
                    .drop_index(shape.table, name, created_by)
                    .step(&fix.title)
            });
            Some(fix.with_migration(step))
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
            // Application code may name the constraint (`ON CONFLICT ON CONSTRAINT`), and so may
            // later statements.
            Some(Fix::unsafe_("Remove duplicate constraint", edits))
        }
    }
}

/// The statements of the SQL sources that name some indexes, as a whole word in any case;
/// comments between statements do not count. One pass over the text finds every name, so that
/// a schema with many duplicates is not read once per duplicate.
struct NamedIndexes {
    /// By lower-cased name: the first two statements naming it. `None` when the names could
    /// not be searched for: then every index counts as named, and none is removed.
    statements: Option<HashMap<String, Vec<Loc>>>,
}

impl NamedIndexes {
    fn find<'n>(cx: &RuleCx, names: impl Iterator<Item = &'n str>) -> Self {
        let mut names: Vec<String> = names.map(str::to_ascii_lowercase).collect();
        names.sort_unstable();
        names.dedup();
        let mut statements: HashMap<String, Vec<Loc>> = HashMap::new();
        if names.is_empty() {
            return Self {
                statements: Some(statements),
            };
        }
        let Ok(searcher) = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&names)
        else {
            return Self { statements: None };
        };
        let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        for file in cx.files().filter(|file| file.language == Language::Sql) {
            let text = &*file.text;
            let found = runs_naming_indexes(&file.statements)
                .flat_map(|run| searcher.find_overlapping_iter(Input::new(text).span(run)));
            for found in found {
                let (at, end) = (found.start(), found.end());
                if text[..at].ends_with(is_word) || text[end..].starts_with(is_word) {
                    continue;
                }
                let Some(statement) = file.statement_at(at as u32) else {
                    continue;
                };
                let loc = Loc {
                    file: file.id,
                    range: statement.range(),
                };
                let seen = statements
                    .entry(names[found.pattern().as_usize()].clone())
                    .or_default();
                if seen.len() < 2 && !seen.contains(&loc) {
                    seen.push(loc);
                }
            }
        }
        Self {
            statements: Some(statements),
        }
    }

    /// Whether a statement other than `except` (its own) names the index `name`.
    fn outside(&self, name: &str, except: Loc) -> bool {
        let Some(statements) = &self.statements else {
            return true;
        };
        statements
            .get(&name.to_ascii_lowercase())
            .is_some_and(|seen| seen.iter().any(|loc| *loc != except))
    }
}

/// The stretches of text whose statements may name an index, each from the start of a statement
/// to the end of the last one of its run. CREATE TABLE and CREATE INDEX statements name no
/// index (an index's own statement does not count), and they are most of a dump's text.
fn runs_naming_indexes(
    statements: &[PlacedStatement],
) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let names_none = |statement: &PlacedStatement| {
        matches!(
            statement.lowered.kind,
            StatementKind::CreateTable | StatementKind::CreateIndex
        )
    };
    statements
        .chunk_by(move |a, b| names_none(a) == names_none(b))
        .filter(move |run| !names_none(&run[0]))
        .filter_map(|run| {
            let (first, last) = (run.first()?, run.last()?);
            Some(first.start as usize..last.range().end() as usize)
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    /// An index another statement names, in any case, is not removed; a constraint's removal is
    /// unsafe.
    #[test]
    fn removals_that_could_break_something_are_not_safe() {
        use crate::rules::Safety;
        let fixes = crate::rules::tests::fixes_in_fixture(super::RULE.id, "migrations.sql");
        let offered: Vec<bool> = fixes.iter().map(|fixes| !fixes.is_empty()).collect();
        assert_eq!(offered, [true, false, true, false], "{fixes:?}");
        let tags = crate::rules::tests::fixes_in_fixture(super::RULE.id, "fires.sql");
        assert!(
            tags.iter()
                .flatten()
                .filter(|(title, _)| title == "Remove duplicate constraint")
                .all(|(_, safety)| *safety == Safety::Unsafe)
        );
    }
}
