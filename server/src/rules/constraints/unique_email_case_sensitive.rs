//! ## What it does
//! Reports a UNIQUE constraint or unique index on a plain `email` column of type `text`,
//! `varchar` or `char`, alone or scoped by tenant or reference columns (`team_id`, `org_id`,
//! `*_id`), when no index on `lower(email)` (or `upper(email)`) exists. `citext` columns compare
//! case-insensitively and are not reported, nor are primary keys, nor keys with other data
//! (`(name, email)` of a commit author). Prisma schemas are not checked (Prisma cannot declare an
//! expression index; use `@db.Citext` there).
//!
//! ## Why is this bad?
//! The domain part of an address is case-insensitive and mail systems treat the local part so
//! too, but a plain unique constraint compares bytes: `Alice@example.com` and
//! `alice@example.com` become two accounts, and a case-sensitive lookup at sign-in misses the
//! one the user created.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL UNIQUE
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL
//! );
//! CREATE UNIQUE INDEX users_lower_email_key ON users (lower(email));
//! ```
//!
//! ## Fix safety
//! "Replace with unique index on lower(email)" is unsafe: it fails while the table holds
//! addresses that differ only in case, and `ON CONFLICT (email)` clauses no longer find an
//! arbiter index. A unique index gets `lower(email)` in place of `email`; a constraint is
//! removed and a unique index with the same other columns created after its statement. Not
//! offered when a foreign key references the constraint or it is DEFERRABLE.
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::model::Table;
use crate::model::names::quote_if_needed;
use crate::rules::common::{defined_columns, sql_column_at, sql_table_at};
use crate::rules::constraints::natural_key_not_unique::TENANT_COLUMNS;
use crate::rules::constraints::{is_plain_string, replace_unique_constraint};
use crate::rules::indexes::{IndexShape, Source, free_relation_name, index_shapes};
use crate::rules::words::snake_case;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "unique-email-case-sensitive",
    level: |_| Level::Info,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let mut proposed = HashSet::new();
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if table.language != Language::Sql
            || snake_case(&column.name) != "email"
            || !is_plain_string(&ty.value)
        {
            continue;
        }
        let shapes = index_shapes(cx, table);
        // Any index on lower(email) shows the application looks addresses up case-insensitively.
        let folded = shapes
            .iter()
            .any(|s| s.elements.iter().any(|e| e.is_case_folded(&column.name)));
        if folded {
            continue;
        }
        for shape in shapes.iter().filter(|s| s.unique && !s.primary) {
            let plain = shape.elements.iter().all(|e| e.column.is_some());
            if !plain || !shape.columns().contains(&Some(column.name.as_str())) {
                continue;
            }
            // With other data in the key (a commit author's name and email) the address is not
            // an identity; scopes (`team_id`, `tenant_id`...) keep it one.
            let scoped = shape
                .columns()
                .into_iter()
                .flatten()
                .all(|c| c == column.name || is_scope(c));
            if !scoped {
                continue;
            }
            let message = format!(
                "{} compares `{}` case-sensitively: `Alice@example.com` and `alice@example.com` are two keys",
                shape.describe(cx.model, shape.loc),
                column.name_at(cx.model, shape.loc)
            );
            let fix = replacement(cx, table, shape, &column.name, &mut proposed);
            out.push(Diagnostic::new(shape.loc, message).with_fixes(fix));
        }
    }
}

/// A column that scopes a key: a tenant column or a reference (`*_id`).
fn is_scope(column: &str) -> bool {
    let snake = snake_case(column);
    TENANT_COLUMNS.contains(&snake.as_ref()) || snake.ends_with("_id")
}

fn replacement(
    cx: &RuleCx,
    table: &Table,
    shape: &IndexShape,
    email: &str,
    proposed: &mut HashSet<String>,
) -> Option<Fix> {
    let at = match shape.source {
        Source::Index(index) => index.def.origin.statement_loc(),
        Source::Constraint(constraint) => constraint.def.origin.statement_loc(),
    };
    let written = sql_column_at(cx, table, email, at);
    let title = format!("Replace with unique index on lower({written})");
    match shape.source {
        Source::Index(index) => {
            let element = index
                .def
                .value
                .elements
                .iter()
                .find(|e| e.column.as_ref().is_some_and(|c| c.name == email))?;
            if element.opclass.is_some() || element.collation.is_some() {
                return None;
            }
            let column = element.column.as_ref()?;
            let edit = Edit::replace(index.def.loc(column.range), format!("lower({written})"));
            Some(Fix::unsafe_(title, vec![edit]))
        }
        Source::Constraint(constraint) => {
            let name = match constraint.name() {
                Some(name) => name.to_string(),
                None => {
                    let stem = format!("{}_lower_{email}", table.name.name);
                    free_relation_name(cx.model, table, &stem, "_key", proposed)
                }
            };
            proposed.insert(name.clone());
            let elements: Vec<String> = constraint
                .columns()
                .iter()
                .map(|c| {
                    if *c == email {
                        format!("lower({written})")
                    } else {
                        sql_column_at(cx, table, c, at)
                    }
                })
                .collect();
            let create = format!(
                "CREATE UNIQUE INDEX {} ON {} ({});",
                quote_if_needed(&name),
                sql_table_at(cx, table, at),
                elements.join(", ")
            );
            replace_unique_constraint(cx, table, constraint, &create)
                .map(|edits| Fix::unsafe_(title, edits))
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
