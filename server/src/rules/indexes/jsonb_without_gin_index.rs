//! ## What it does
//! Reports `jsonb` columns (Prisma `Json`) that no GIN index of the table covers: none on the
//! column itself, none on an expression over it. Off by default: the hint only matters for
//! tables queried with containment or key-existence operators (`@>`, `?`, `?|`, `?&`, `@?`).
//!
//! ## Why is this bad?
//! Without a GIN index, `WHERE data @> '{"plan": "pro"}'` reads every row of the table and
//! parses every document. A GIN index answers containment and key-existence queries from the
//! index alone.
//!
//! ## Example
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     payload jsonb NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     payload jsonb NOT NULL
//! );
//! CREATE INDEX events_payload_idx ON events USING gin (payload);
//! ```
//!
//! ## Fix safety
//! "Create GIN index on <table>(<column>)" inserts `CREATE INDEX <table>_<column>_idx ON <table>
//! USING gin (<column>);` after the statement that created the column. It is safe: an index
//! changes no data and nothing an application reads. In a migration that alters a table an
//! earlier migration created, the index is created `CONCURRENTLY`; that fix is unsafe, because
//! `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block, where many migration tools
//! run each migration. In Prisma "Add `@@index([<field>], type: Gin)`" adds the attribute to
//! the model: safe.
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::model::names::quote_if_needed;
use crate::model::{Column, Table};
use crate::rules::common::{
    append_to_prisma_model, builtin, column_label, defined_columns, sql_column_at, sql_table_at,
    table_label,
};
use crate::rules::indexes::{alters_earlier_migration_table, free_relation_name};
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "jsonb-without-gin-index",
    level: |_| Level::Off,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let mut proposed = HashSet::new();
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("jsonb")
            || ty.value.array_dims > 0
            || has_gin_index(cx, table, &column.name)
        {
            continue;
        }
        let message = format!(
            "no GIN index on `{}`: containment and key-existence queries on it scan `{}`",
            column_label(cx, table, &column.name, column.name_loc()),
            table_label(cx, table, column.name_loc())
        );
        let fix = match table.language {
            Language::Sql => sql_fix(cx, table, column, &mut proposed),
            Language::Prisma => prisma_fix(cx, table, column),
        };
        out.push(Diagnostic::new(column.name_loc(), message).with_fixes(fix));
    }
}

fn has_gin_index(cx: &RuleCx, table: &Table, column: &str) -> bool {
    cx.model.indexes_of(table.id).any(|index| {
        let create = &index.def.value;
        create.method.as_deref() == Some("gin")
            && create.elements.iter().any(|element| {
                element.column.as_ref().is_some_and(|c| c.name == column)
                    || element
                        .expression
                        .as_ref()
                        .is_some_and(|e| e.columns.iter().any(|c| c.name == column))
            })
    })
}

fn sql_fix(
    cx: &RuleCx,
    table: &Table,
    column: &Column,
    proposed: &mut HashSet<String>,
) -> Option<Fix> {
    let origin = column.def.origin;
    let file = cx.file(origin.file)?;
    let name = free_relation_name(
        cx.model,
        table,
        &format!("{}_{}", table.name.name, column.name),
        "_idx",
        proposed,
    );
    proposed.insert(name.clone());
    let concurrently = if alters_earlier_migration_table(cx.model, table, origin) {
        "CONCURRENTLY "
    } else {
        ""
    };
    let at = origin.statement_loc();
    let (table_name, column_name) = (
        sql_table_at(cx, table, at),
        sql_column_at(cx, table, &column.name, at),
    );
    let statement = format!(
        "CREATE INDEX {concurrently}{} ON {table_name} USING gin ({column_name});",
        quote_if_needed(&name),
    );
    let statement = crate::fix::keyword_case(&file.text, origin.statement, &statement);
    let edit = crate::fix::insert_statement_after(file, origin.statement, &statement);
    let title = format!("Create GIN index on {table_name}({column_name})");
    // CREATE INDEX CONCURRENTLY cannot run inside a transaction block, where many migration
    // tools run each migration: it may stop the migration from applying.
    Some(if concurrently.is_empty() {
        Fix::safe(title, vec![edit])
    } else {
        Fix::unsafe_(title, vec![edit])
    })
}

fn prisma_fix(cx: &RuleCx, table: &Table, column: &Column) -> Option<Fix> {
    let field = column.prisma_name.as_deref().unwrap_or(&column.name);
    let line = format!("@@index([{field}], type: Gin)");
    let edit = append_to_prisma_model(cx, table, &line)?;
    Some(Fix::safe(format!("Add `{line}`"), vec![edit]))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
