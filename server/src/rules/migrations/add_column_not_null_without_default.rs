//! ## What it does
//! Reports `ALTER TABLE ... ADD COLUMN ... NOT NULL` without a `DEFAULT` in a migration not
//! yet applied, on a table that an earlier migration created, on the `NOT NULL` words. Identity,
//! generated and serial columns (PostgreSQL fills them) and columns of a domain with a default are
//! not reported, nor are tables created in the same migration or truncated earlier in it.
//!
//! ## Why is this bad?
//! PostgreSQL fills the new column of every existing row with NULL, which the NOT NULL
//! constraint rejects: the migration fails ("column contains null values") as soon as the table
//! has a row, typically in production after passing on an empty development database.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_add_status.sql (orders was created by 0001)
//! ALTER TABLE orders ADD COLUMN status text NOT NULL;
//! ```
//!
//! Use instead:
//! ```sql
//! ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
//! ```
//!
//! ## Fix safety
//! "Add DEFAULT" inserts `DEFAULT <value>` before `NOT NULL`, with a placeholder value for the
//! type (`0`, `''`, `false`, `now()`, `gen_random_uuid()`, `'{}'`). For an enum column there is
//! one "Add DEFAULT '<label>'" per label, for the author to choose (`ddlint check --fix` applies
//! none of them): the enum's order does not say which state existing rows are in. It is
//! unsafe: every existing row receives that value, so it must be what they should hold. The
//! alternative is adding the column nullable, backfilling, then `SET NOT NULL`.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::keyword_case;
use crate::lower::{AlterTableAction, ColumnDef, Fact, TypeDefinition};
use crate::model::{Loc, Model};
use crate::rules::common::builtin;
use crate::rules::migrations::on_tables_with_rows;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope, escape_snippet};
use crate::syntax::Language;
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "add-column-not-null-without-default",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for found in on_tables_with_rows(cx) {
        let Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        for action in &alter.actions {
            let AlterTableAction::AddColumn { column, .. } = &action.action else {
                continue;
            };
            let Some(not_null) = column.not_null else {
                continue;
            };
            if column.default.is_some() || column.identity.is_some() || column.generated.is_some() {
                continue;
            }
            if filled_by_type(cx.model, column) {
                continue;
            }
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(not_null),
            };
            let message = format!(
                "adding NOT NULL column `{}` without a DEFAULT fails when `{}` has rows; add a DEFAULT, or add it nullable, backfill, then SET NOT NULL",
                column.name.name,
                found.table.name_at(cx.model, at)
            );
            let values = default_values(cx.model, column);
            let choices = values.len() > 1;
            let fixes = values.into_iter().map(|value| {
                let words = keyword_case(&found.file.text, found.statement.range(), "DEFAULT ");
                let snippet = format!("{words}${{1:{}}} ", escape_snippet(&value));
                let title = if choices {
                    format!("Add DEFAULT {value}")
                } else {
                    "Add DEFAULT".to_string()
                };
                Fix::unsafe_(
                    title,
                    vec![Edit::snippet(
                        found.file.id,
                        TextRange::empty(at.range.start()),
                        snippet,
                    )],
                )
            });
            out.push(Diagnostic::new(at, message).with_fixes(fixes));
        }
    }
}

/// Serial types and domains with a default give every existing row a value.
fn filled_by_type(model: &Model, column: &ColumnDef) -> bool {
    let Some(ty) = &column.ty else { return true };
    if matches!(
        ty.name.as_str(),
        "serial" | "bigserial" | "smallserial" | "serial2" | "serial4" | "serial8"
    ) {
        return true;
    }
    model
        .find_domain(ty)
        .is_some_and(|domain| domain.def.value.default.is_some())
}

/// Defaults to offer for the column's type: a placeholder the author adjusts, or for an enum
/// each label (which state existing rows take is not for the enum's order to say); none where
/// there is no obvious one.
fn default_values(model: &Model, column: &ColumnDef) -> Vec<String> {
    let Some(ty) = column.ty.as_ref() else {
        return Vec::new();
    };
    if ty.array_dims > 0 {
        return vec!["'{}'".to_string()];
    }
    if let Some(user_type) = model.find_type(ty, Language::Sql) {
        let TypeDefinition::Enum { .. } = user_type.def.value.definition else {
            return Vec::new();
        };
        return user_type
            .labels
            .iter()
            .map(|label| format!("'{}'", label.replace('\'', "''")))
            .collect();
    }
    let value = match builtin(ty) {
        Some("int2" | "int4" | "int8" | "numeric" | "float4" | "float8" | "oid") => "0",
        Some("text" | "varchar" | "bpchar" | "bytea") => "''",
        Some("bool") => "false",
        Some("timestamptz" | "timestamp") => "now()",
        Some("date") => "CURRENT_DATE",
        Some("uuid") => "gen_random_uuid()",
        Some("json" | "jsonb") => "'{}'",
        Some("interval") => "'0'",
        _ => return Vec::new(),
    };
    vec![value.to_string()]
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
