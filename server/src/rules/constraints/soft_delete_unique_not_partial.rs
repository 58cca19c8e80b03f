//! ## What it does
//! Reports UNIQUE constraints and unique indexes of a table with a soft-delete column
//! (`deleted_at`, `archived_at`) when they neither include that column nor are partial on it
//! (`WHERE deleted_at IS NULL`). Not reported: primary keys; keys made only of identifier
//! columns, which must stay unique across deleted rows (uuid and identity columns, columns
//! filled by a sequence or a uuid function, and by name in any case style: `uuid`, `*_id`
//! such as `customerId` or `sequential_id`, keys such as `idempotency_key`, tokens, nonces);
//! keys that foreign keys reference (those must stay plain). Prisma schemas are not checked (Prisma
//! cannot declare a partial index).
//!
//! ## Why is this bad?
//! Soft-deleted rows stay in the table, so they still take part in the unique check: once a
//! user with `alice@example.com` is deleted, nobody can sign up with that address again, and a
//! restored row can collide with its replacement.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL UNIQUE,
//!     deleted_at timestamptz
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL,
//!     deleted_at timestamptz
//! );
//! CREATE UNIQUE INDEX users_email_key ON users (email) WHERE deleted_at IS NULL;
//! ```
//!
//! ## Fix safety
//! "Replace with partial unique index" is unsafe: `ON CONFLICT (email)` clauses need the same
//! predicate to find the index, and deleted rows may then share keys with live ones. A unique
//! index gets `WHERE deleted_at IS NULL` (ANDed with its predicate); a constraint is removed and
//! a partial unique index created after its statement. Not offered where the soft-delete
//! column does not exist yet (a later migration adds it).
//!
//! ## Options
//! - `columns`: soft-delete column names.

use std::collections::HashSet;

use crate::config::{Level, OptionKind, OptionSpec};
use crate::model::names::quote_if_needed;
use crate::model::{Column, Table};
use crate::rules::common::{builtin, sql_column_at, sql_table_at, written_words};
use crate::rules::constraints::{referenced_by_foreign_key, replace_unique_constraint};
use crate::rules::indexes::{
    IndexShape, Source, free_relation_name, index_shapes, is_create_index_statement,
};
use crate::rules::words::{has_word, last_word_in, snake_case};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "soft-delete-unique-not-partial",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "columns",
        kind: OptionKind::StringList,
        doc: "columns whose non-NULL value marks a row as deleted",
    }],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const SOFT_DELETE: &[&str] = &["deleted_at", "archived_at"];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let names = cx.option_strings("columns", SOFT_DELETE);
    let mut proposed = HashSet::new();
    for table in cx.live_tables() {
        if table.language != Language::Sql {
            continue;
        }
        let soft: Vec<&Column> = names
            .iter()
            .filter_map(|name| table.columns.iter().find(|c| snake_case(&c.name) == *name))
            .collect();
        let Some(marker) = soft.first() else { continue };
        let is_soft = |column: &str| soft.iter().any(|c| c.name == column);
        for shape in index_shapes(cx, table)
            .iter()
            .filter(|s| s.unique && !s.primary)
        {
            let key = shape.key_columns();
            if key.is_empty()
                || key.iter().any(|c| is_soft(c))
                || shape.predicate_columns.iter().any(|c| is_soft(c))
            {
                continue;
            }
            if key
                .iter()
                .all(|c| table.column(c).is_none_or(|c| is_identifier(cx, c)))
            {
                continue;
            }
            let plain: Option<Vec<&str>> = shape.columns().into_iter().collect();
            if plain
                .as_ref()
                .is_some_and(|columns| referenced_by_foreign_key(cx, table, columns))
            {
                continue;
            }
            let message = format!(
                "{} also counts rows soft-deleted by `{}`: a deleted row blocks re-creating its key; make it partial (WHERE {} IS NULL)",
                shape.describe(cx.model, shape.loc),
                marker.name,
                quote_if_needed(&marker.name)
            );
            let fix = partial(cx, table, shape, &marker.name, &mut proposed);
            out.push(Diagnostic::new(shape.loc, message).with_fixes(fix));
        }
    }
}

/// Last words of identifier columns: `uuid`, `*_id` (`customerId`, `sequential_id`), keys
/// (`idempotency_key`, `childKey`), tokens and nonces.
const IDENTIFIER_WORDS: &[&str] = &["id", "uuid", "guid", "key", "token", "nonce"];

/// A column that identifies something: its values are generated or issued once, so a deleted
/// row's value never comes back, and a partial unique would let a live row take it.
fn is_identifier(cx: &RuleCx, column: &Column) -> bool {
    let words = written_words(cx, &column.name, column.name_loc());
    never_recreated(column)
        || last_word_in(&words, IDENTIFIER_WORDS)
        || has_word(&words, &["uuid", "token", "idempotency"])
}

/// Keys whose values are generated, so a deleted row's value never comes back.
fn never_recreated(column: &Column) -> bool {
    let uuid = column
        .ty
        .as_ref()
        .is_some_and(|ty| builtin(&ty.value) == Some("uuid"));
    let generated = column.identity
        || column.default.as_ref().is_some_and(|d| {
            d.value.literal.is_none()
                && d.value.functions.iter().any(|f| {
                    f == "nextval"
                        || f.starts_with("gen_random_uuid")
                        || f.starts_with("uuid_generate")
                })
        });
    let serial = column
        .def
        .value
        .ty
        .as_ref()
        .is_some_and(|ty| crate::catalog::types::is_serial(&ty.name));
    uuid || generated || serial
}

fn partial(
    cx: &RuleCx,
    table: &Table,
    shape: &IndexShape,
    marker: &str,
    proposed: &mut HashSet<String>,
) -> Option<Fix> {
    let title = "Replace with partial unique index";
    // The partial index is written in (or right after) the statement of the key: the marker
    // column must exist there, and names are as they are there.
    let at = match shape.source {
        Source::Index(index) => index.def.origin.statement_loc(),
        Source::Constraint(constraint) => constraint.def.origin.statement_loc(),
    };
    let marker_column = table.column(marker)?;
    if cx
        .model
        .precedes(at, marker_column.def.origin.statement_loc())
    {
        return None;
    }
    let condition = format!("{} IS NULL", sql_column_at(cx, table, marker, at));
    match shape.source {
        Source::Index(index) => {
            let origin = index.def.origin;
            if table.language != Language::Sql || !is_create_index_statement(cx, origin) {
                return None;
            }
            let file = cx.file(origin.file)?;
            let case = |sql: &str| crate::fix::keyword_case(&file.text, origin.statement, sql);
            let edit = match &index.def.value.predicate {
                Some(predicate) => {
                    let loc = index.def.loc(predicate.range);
                    Edit::replace(loc, case(&format!("({}) AND {condition}", cx.text(loc))))
                }
                None => {
                    let statement = file.slice(origin.statement);
                    let body = statement
                        .trim_end()
                        .strip_suffix(';')
                        .unwrap_or(statement)
                        .trim_end();
                    let at = origin.statement.start() + body.len() as u32;
                    Edit::insert(file.id, at, case(&format!(" WHERE {condition}")))
                }
            };
            Some(Fix::unsafe_(title, vec![edit]))
        }
        Source::Constraint(constraint) => {
            // A column read without a type (`name UNIQUE (a, b)`) would be left a bare name.
            let typeless =
                |name: &&str| table.column(name).is_some_and(|c| c.def.value.ty.is_none());
            if constraint.columns().iter().any(typeless) {
                return None;
            }
            let columns: Vec<String> = constraint
                .columns()
                .iter()
                .map(|c| sql_column_at(cx, table, c, at))
                .collect();
            let name = match constraint.name() {
                Some(name) => name.to_string(),
                None => {
                    let stem = format!("{}_{}", table.name.name, constraint.columns().join("_"));
                    free_relation_name(cx.model, table, &stem, "_key", proposed)
                }
            };
            proposed.insert(name.clone());
            let create = format!(
                "CREATE UNIQUE INDEX {} ON {} ({}) WHERE {condition};",
                quote_if_needed(&name),
                sql_table_at(cx, table, at),
                columns.join(", ")
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

    /// Removing the key would leave a bare name.
    #[test]
    fn no_partial_index_for_a_key_on_a_column_without_a_type() {
        let fixes = crate::rules::tests::fixes_in_fixture(super::RULE.id, "typeless_column.sql");
        assert_eq!(fixes, [vec![]]);
    }
}
