//! ## What it does
//! Reports `email`, `username`, `user_name`, `login` and `handle` columns (camelCase names
//! match their snake_case form) of tables named `users`, `accounts`, `members`, `customers`,
//! `profiles`, `people`, `admins`, `employees` (or their singular) that no unique constraint or
//! unique index covers. Covered means a primary key, UNIQUE constraint or unique index (partial
//! ones included) on that column alone, or on the column and one tenant column (`tenant_id`,
//! `org_id`, `organization_id`, `account_id`, `workspace_id`, `team_id`). A unique index on
//! `lower(col)` or `upper(col)` counts. In Prisma: `@id`, `@unique`, `@@unique`.
//!
//! ## Why is this bad?
//! People sign in with these values and the application looks accounts up by them. Without a
//! unique constraint, two concurrent sign-ups (or a retried request) create two accounts for one
//! person; the check the application does first cannot prevent that race.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     email text NOT NULL
//! );
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
//! Both fixes are unsafe: they fail on a table that already holds duplicates, and they make
//! inserts of duplicates fail.
//! - "Add UNIQUE" appends `UNIQUE` to the column definition; when the table has one tenant
//!   column, "Add UNIQUE (<tenant>, <col>)" adds that constraint instead. In Prisma: "Add
//!   `@unique`" on the field, or "Add `@@unique([<tenant>, <field>])`".
//! - "Create unique index on lower(<col>)" (SQL, not for `citext` columns) inserts
//!   `CREATE UNIQUE INDEX ... ON <table> (lower(<col>));` after the statement defining the
//!   column, so that `Alice@x.org` and `alice@x.org` are one key.
//!
//! ## Options
//! - `tables`: table names (globs) whose rows are people or accounts.
//! - `columns`: column names (globs) that identify them.
//! - `tenant_columns`: columns a key may be unique within.

use std::collections::HashSet;

use crate::config::{Level, OptionKind, OptionSpec};
use crate::model::names::quote_if_needed;
use crate::model::{Column, Table};
use crate::rules::common::{
    append_to_prisma_model, column_label, defined_columns, matches_any, sql_column_at,
    sql_table_at, table_elements, table_label,
};
use crate::rules::constraints::{is_citext, is_plain_string};
use crate::rules::indexes::{
    alters_earlier_migration_table, free_relation_name, index_shapes, position,
};
use crate::rules::words::snake_case;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "natural-key-not-unique",
    level: |_| Level::Warning,
    options: &[
        OptionSpec {
            name: "tables",
            kind: OptionKind::StringList,
            doc: "table names (globs) whose rows are people or accounts",
        },
        OptionSpec {
            name: "columns",
            kind: OptionKind::StringList,
            doc: "column names (globs) that identify such a row",
        },
        OptionSpec {
            name: "tenant_columns",
            kind: OptionKind::StringList,
            doc: "columns a natural key may be unique within",
        },
    ],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const TABLES: &[&str] = &[
    "users",
    "user",
    "accounts",
    "account",
    "members",
    "member",
    "customers",
    "customer",
    "profiles",
    "profile",
    "people",
    "person",
    "persons",
    "admins",
    "admin",
    "employees",
    "employee",
];
const COLUMNS: &[&str] = &["email", "username", "user_name", "login", "handle"];
pub(crate) const TENANT_COLUMNS: &[&str] = &[
    "tenant_id",
    "org_id",
    "organization_id",
    "account_id",
    "workspace_id",
    "team_id",
];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let tables = cx.option_strings("tables", TABLES);
    let columns = cx.option_strings("columns", COLUMNS);
    let tenants = cx.option_strings("tenant_columns", TENANT_COLUMNS);
    let mut proposed = HashSet::new();
    let mut table_matches = (None, false);
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if table_matches.0 != Some(table.id) {
            table_matches = (Some(table.id), matches_any(&tables, &table.name.name));
        }
        if !table_matches.1 || !matches_any(&columns, &snake_case(&column.name)) {
            continue;
        }
        if !(is_plain_string(&ty.value) || is_citext(&ty.value)) || table.partition_of.is_some() {
            continue;
        }
        let tenant_columns: Vec<&Column> = table
            .columns
            .iter()
            .filter(|c| matches_any(&tenants, &snake_case(&c.name)))
            .collect();
        if is_unique(cx, table, &column.name, &tenant_columns) {
            continue;
        }
        let message = format!(
            "`{}` identifies a row of `{}` but nothing makes it unique: two rows can share it",
            column_label(cx, table, &column.name, column.name_loc()),
            table_label(cx, table, column.name_loc())
        );
        let tenant = match tenant_columns.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        let fixes: Vec<Fix> = match table.language {
            Language::Sql => [
                unique_fix(cx, table, column, tenant),
                lower_index_fix(cx, table, column, tenant, &mut proposed),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Language::Prisma => prisma_fix(cx, table, column, tenant).into_iter().collect(),
        };
        out.push(Diagnostic::new(column.name_loc(), message).with_fixes(fixes));
    }
}

/// Whether a unique index is on the column (or `lower(column)`) alone or with a tenant column.
fn is_unique<'a>(cx: &RuleCx<'a>, table: &'a Table, column: &str, tenants: &[&Column]) -> bool {
    index_shapes(cx, table)
        .iter()
        .filter(|shape| shape.unique)
        .any(|shape| {
            let keyed = |e: &crate::rules::indexes::Element| {
                e.column == Some(column) || e.is_case_folded(column)
            };
            let tenant = |e: &crate::rules::indexes::Element| {
                e.column
                    .is_some_and(|c| tenants.iter().any(|t| t.name == c))
            };
            match shape.elements.as_slice() {
                [only] => keyed(only),
                [a, b] => (keyed(a) && tenant(b)) || (tenant(a) && keyed(b)),
                _ => false,
            }
        })
}

/// The column defined last of the two, and so the statement after which both exist.
fn later<'a>(cx: &RuleCx, a: &'a Column, b: Option<&'a Column>) -> &'a Column {
    match b {
        Some(b) if position(cx.model, b.name_loc()) > position(cx.model, a.name_loc()) => b,
        _ => a,
    }
}

fn unique_fix(cx: &RuleCx, table: &Table, column: &Column, tenant: Option<&Column>) -> Option<Fix> {
    let def = &column.def;
    let file = cx.file(def.origin.file)?;
    let case = |sql: &str| crate::fix::keyword_case(&file.text, def.origin.statement, sql);
    let Some(tenant) = tenant else {
        let end = def.loc(def.value.range).range.end();
        return Some(Fix::unsafe_(
            "Add UNIQUE",
            vec![Edit::insert(file.id, end, case(" UNIQUE"))],
        ));
    };
    let both_in_create = [column, tenant]
        .iter()
        .all(|c| c.def.origin == table.created);
    let after = later(cx, column, Some(tenant)).def.origin;
    // Names as the statement the key is written in or after has them.
    let at = if both_in_create {
        table.created.statement_loc()
    } else {
        after.statement_loc()
    };
    let columns = format!(
        "{}, {}",
        sql_column_at(cx, table, &tenant.name, at),
        sql_column_at(cx, table, &column.name, at)
    );
    let title = format!("Add UNIQUE ({columns})");
    if both_in_create {
        let elements = table_elements(cx, table)?;
        return Some(Fix::unsafe_(
            title,
            elements.append(&case(&format!("UNIQUE ({columns})"))),
        ));
    }
    let file = cx.file(after.file)?;
    let sql = crate::fix::keyword_case(
        &file.text,
        after.statement,
        &format!(
            "ALTER TABLE {} ADD UNIQUE ({columns});",
            sql_table_at(cx, table, at)
        ),
    );
    Some(Fix::unsafe_(
        title,
        vec![crate::fix::insert_statement_after(
            file,
            after.statement,
            &sql,
        )],
    ))
}

fn lower_index_fix(
    cx: &RuleCx,
    table: &Table,
    column: &Column,
    tenant: Option<&Column>,
    proposed: &mut HashSet<String>,
) -> Option<Fix> {
    if column.ty.as_ref().is_some_and(|ty| is_citext(&ty.value)) {
        return None;
    }
    let after = later(cx, column, tenant).def.origin;
    let file = cx.file(after.file)?;
    let name = free_relation_name(
        cx.model,
        table,
        &format!("{}_lower_{}", table.name.name, column.name),
        "_key",
        proposed,
    );
    proposed.insert(name.clone());
    let at = after.statement_loc();
    let key = format!("lower({})", sql_column_at(cx, table, &column.name, at));
    let elements = match tenant {
        Some(tenant) => format!("{}, {key}", sql_column_at(cx, table, &tenant.name, at)),
        None => key.clone(),
    };
    let concurrently = if alters_earlier_migration_table(cx.model, table, after) {
        "CONCURRENTLY "
    } else {
        ""
    };
    let sql = format!(
        "CREATE UNIQUE INDEX {concurrently}{} ON {} ({elements});",
        quote_if_needed(&name),
        sql_table_at(cx, table, at)
    );
    let sql = crate::fix::keyword_case(&file.text, after.statement, &sql);
    let edit = crate::fix::insert_statement_after(file, after.statement, &sql);
    Some(Fix::unsafe_(
        format!("Create unique index on {key}"),
        vec![edit],
    ))
}

fn prisma_fix(cx: &RuleCx, table: &Table, column: &Column, tenant: Option<&Column>) -> Option<Fix> {
    let field = |c: &Column| c.prisma_name.clone().unwrap_or_else(|| c.name.clone());
    let Some(tenant) = tenant else {
        let end = column.def.loc(column.def.value.range).range.end();
        return Some(Fix::unsafe_(
            "Add `@unique`",
            vec![Edit::insert(column.def.origin.file, end, " @unique")],
        ));
    };
    let line = format!("@@unique([{}, {}])", field(tenant), field(column));
    let edit = append_to_prisma_model(cx, table, &line)?;
    Some(Fix::unsafe_(format!("Add `{line}`"), vec![edit]))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
