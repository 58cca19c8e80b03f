//! ## What it does
//! Reports `boolean` columns that are nullable (Prisma: `Boolean?`). Generated columns are left
//! alone.
//!
//! ## Why is this bad?
//! A nullable boolean has three states. `WHERE NOT archived` skips the NULL rows, `IS DISTINCT
//! FROM` and `COALESCE` creep into every query, and nobody remembers whether NULL meant "no" or
//! "unknown". If "unknown" is a real state, an explicit status column says so.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     is_admin boolean
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     is_admin boolean NOT NULL DEFAULT false
//! );
//! ```
//!
//! ## Fix safety
//! "Add NOT NULL DEFAULT false" ("Add NOT NULL" when the column has a default; an explicit
//! `NULL` becomes `NOT NULL`) is unsafe: inserts that write NULL start failing. On a column
//! that `ALTER TABLE ... ADD COLUMN` adds to an existing table, NOT NULL always comes with a
//! default in the same definition, so that the statement still applies to a table with rows. In
//! Prisma "Make required with `@default(false)`" ("Make required" when there is a default) edits
//! the field: unsafe too.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::model::{Column, Table};
use crate::rules::common::{builtin, column_label, defined_columns};
use crate::rules::constraints::{
    dropped_not_null, not_null_needs_own_default, prisma_field_additions, sql_column_additions,
};
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "nullable-boolean",
    level: |_| Level::Info,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("bool")
            || ty.value.array_dims > 0
            || !column.is_nullable()
            || column.generated
        {
            continue;
        }
        let message = format!(
            "`{}` is a nullable boolean: it has three states, true, false and NULL{}",
            column_label(cx, table, &column.name, column.name_loc()),
            dropped_not_null(column)
        );
        let fix = match table.language {
            Language::Sql => sql_fix(cx, table, column),
            Language::Prisma => prisma_fix(cx, column),
        };
        out.push(Diagnostic::new(column.name_loc(), message).with_fixes(fix));
    }
}

fn sql_fix(cx: &RuleCx, table: &Table, column: &Column) -> Option<Fix> {
    let needs_default = column.default.is_none() || not_null_needs_own_default(table, column);
    let default = needs_default.then_some("false");
    let edits = sql_column_additions(cx, column, true, default)?;
    let title = if default.is_some() {
        "Add NOT NULL DEFAULT false"
    } else {
        "Add NOT NULL"
    };
    Some(Fix::unsafe_(title, edits))
}

fn prisma_fix(cx: &RuleCx, column: &Column) -> Option<Fix> {
    let attribute = column.default.is_none().then_some("@default(false)");
    let edits = prisma_field_additions(cx, column, true, attribute)?;
    let title = match attribute {
        Some(attribute) => format!("Make required with `{attribute}`"),
        None => "Make required".to_string(),
    };
    Some(Fix::unsafe_(title, edits))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
