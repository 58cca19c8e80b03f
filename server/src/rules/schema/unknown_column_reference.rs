//! ## What it does
//! Reports a reference to a column the table does not have at that point of the workspace
//! order: in an index (columns, expressions, INCLUDE, WHERE), a PRIMARY KEY, UNIQUE, CHECK or
//! FOREIGN KEY constraint, a `COMMENT ON COLUMN`, an `ALTER COLUMN`, `RENAME COLUMN` or `DROP
//! COLUMN`, or a policy's USING / WITH CHECK expression. Tables whose columns the workspace
//! cannot see (`CREATE TABLE ... AS`, a parent defined elsewhere) are not checked; words of SQL
//! syntax, function names and columns of subqueries are not column references, and system
//! columns (`ctid`, `xmin`, `tableoid`, ...) exist in every table.
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement ("column does not exist"): the migration fails there.
//! Usually a typo, a column renamed or dropped earlier, or statements in the wrong order.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
//! CREATE INDEX users_emial_idx ON users (emial);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
//! CREATE INDEX users_email_idx ON users (email);
//! ```
//!
//! ## Fix safety
//! "Did you mean `<column>`?" replaces the name with the table's closest column (by edit
//! distance: at most 1 for names of up to 4 characters, 2 beyond). It is unsafe: the closest
//! name is a guess.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::model::ModelEvent;
use crate::model::names::quote_if_needed;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::suggest;
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "unknown-column-reference",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

/// PostgreSQL's system columns.
const SYSTEM_COLUMNS: &[&str] = &["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for event in &cx.model.events {
        let ModelEvent::UnknownColumn { table, column, at } = event else {
            continue;
        };
        let language = cx.file(at.file).map_or(Language::Sql, |f| f.language);
        // Every table has these, unlisted (an index or constraint may name `ctid`).
        if language == Language::Sql && SYSTEM_COLUMNS.contains(&column.as_str()) {
            continue;
        }
        let table = cx.model.table(*table);
        let message = format!(
            "column `{column}` does not exist in `{}` at this point",
            table.name_at(cx.model, *at)
        );
        // Prisma refers to fields by their Prisma names.
        let candidates: Vec<&str> = table
            .columns
            .iter()
            .map(|c| match language {
                Language::Prisma => c.prisma_name.as_deref().unwrap_or(&c.name),
                Language::Sql => c.name.as_str(),
            })
            .collect();
        let limit = if column.chars().count() <= 4 { 1 } else { 2 };
        let fix = suggest::closest(column, candidates, limit).map(|closest| {
            let replacement = match language {
                Language::Prisma => closest.to_string(),
                Language::Sql => quote_if_needed(closest),
            };
            Fix::unsafe_(
                format!("Did you mean `{closest}`?"),
                vec![Edit::replace(*at, replacement)],
            )
        });
        out.push(Diagnostic::new(*at, message).with_fixes(fix));
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
