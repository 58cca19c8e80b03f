//! ## What it does
//! Compares each Mermaid `erDiagram` of a design document (or a `.mmd` file beside a schema)
//! with the schema, and reports where they disagree, at the diagram's token: an entity that
//! names no table; a table the diagram leaves out (when the diagram shows attributes, or most
//! of the tables); an attribute the table lacks, or whose type is not the column's; a
//! relationship with no foreign key behind it; a foreign key between two drawn tables with no
//! relationship; a cardinality the constraints contradict (`||--o{` where the foreign key
//! column is UNIQUE, `|o` where it is NOT NULL).
//!
//! A diagram with no schema beside it (a document with no SQL or Prisma block or column table,
//! a `.mmd` file with no schema file or Prisma schema in its directory) is not compared.
//!
//! A diagram may be less precise than the schema without drifting from it: types without
//! modifiers (`varchar` for `varchar(255)`) or in other spellings (`int` for `integer`), and
//! "one or more" for "zero or more", are accepted. What `ddlint erd --format mermaid` writes
//! never drifts.
//!
//! ## Why is this bad?
//! The diagram is what reviewers read and what new engineers learn the schema from. A diagram
//! that disagrees with the schema tells them about columns that do not exist, relationships
//! nothing enforces, and optional links that are in fact required.
//!
//! ## Example
//! ````markdown
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
//! ```
//!
//! ```mermaid
//! erDiagram
//!     users |o--o{ orders : places
//! ```
//! ````
//!
//! Use instead:
//! ````markdown
//! ```mermaid
//! erDiagram
//!     users ||--o{ orders : places
//! ```
//! ````
//!
//! ## Fix safety
//! Each fix changes the diagram to follow the schema; the schema is never edited.
//! - "Change the type to `<type>`", "Change to `<cardinality>`", "Add entity `<table>`" and
//!   "Add the relationship" correct the diagram or add what is true: safe.
//! - "Rename to `<name>`" (an entity or attribute one or two edits from a table or column) is
//!   a guess: unsafe.
//! - "Remove attribute `<name>`" and "Remove the relationship" delete what the schema lacks,
//!   which may be planned work the schema has yet to catch up with: unsafe.
//! - "Update the ERD from the schema" (the fix of an entity with no table, and a code action
//!   anywhere in the block) rewrites the whole block as `ddlint erd` draws it, keeping the
//!   author's entity order and relationship labels: unsafe, for the same reason.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::mermaid;
use crate::model::Loc;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope, Safety};

pub(crate) const RULE: Rule = Rule {
    id: "erd-drift",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    // A diagram with no schema to compare with (a sketch, a `.mmd` alone) is a plan, not drift.
    if cx.model.tables.is_empty() {
        return;
    }
    for file in cx.files() {
        let Some(embedding) = &file.markdown else {
            continue;
        };
        for block in embedding.er_diagrams(&file.document) {
            let body = &file.document[block.start() as usize..block.end() as usize];
            let diagram = mermaid::parse(body, block.start());
            let found = mermaid::drift(&diagram, cx.model);
            if found.is_empty() {
                continue;
            }
            let update = || {
                let content = mermaid::update(&diagram, cx.model);
                let edit = Edit::replace(
                    Loc {
                        file: file.id,
                        range: block,
                    },
                    content,
                );
                Fix::new("Update the ERD from the schema", Safety::Unsafe, vec![edit])
            };
            for drift in found {
                let loc = Loc {
                    file: file.id,
                    range: drift.range,
                };
                let diagnostic = Diagnostic::new(loc, drift.message);
                let fix = match drift.fix {
                    Some((title, replacements)) => {
                        let safety = if title.starts_with("Remove") || title.starts_with("Rename") {
                            Safety::Unsafe
                        } else {
                            Safety::Safe
                        };
                        let edits = replacements
                            .into_iter()
                            .map(|(range, text)| {
                                Edit::replace(
                                    Loc {
                                        file: file.id,
                                        range,
                                    },
                                    text,
                                )
                            })
                            .collect();
                        Fix::new(title, safety, edits)
                    }
                    // No edit of its own (an entity with no table may be misnamed or planned):
                    // the whole diagram redrawn from the schema.
                    None => update(),
                };
                out.push(diagnostic.with_fix(fix));
            }
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
