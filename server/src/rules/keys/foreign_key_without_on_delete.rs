//! ## What it does
//! Reports foreign keys written without an `ON DELETE` clause (in Prisma, `@relation` without
//! `onDelete:`). The catalog cannot tell an omitted `NO ACTION` from a written one; the source
//! can, and an omitted clause usually means nobody decided.
//!
//! ## Why is this bad?
//! What happens to the children when a parent row is deleted is part of the data model:
//! delete them with it (`CASCADE`), refuse the delete (`RESTRICT` / `NO ACTION`), or detach
//! them (`SET NULL`). The default, `NO ACTION`, blocks the delete with an error at run time,
//! which is right for some relations and a latent bug for others (a user who can never be
//! deleted, a cleanup job that fails). Writing the action down records the decision.
//!
//! ## Example
//! ```sql
//! CREATE TABLE comments (
//!     id bigint PRIMARY KEY,
//!     post_id bigint NOT NULL REFERENCES posts (id)
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE comments (
//!     id bigint PRIMARY KEY,
//!     post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE
//! );
//! ```
//!
//! ## Fix safety
//! Several fixes; the author picks one (`ddlint check --fix` applies none of them):
//! - "Add ON DELETE CASCADE", "Add ON DELETE RESTRICT", and "Add ON DELETE SET NULL" (offered
//!   only when every column of the key is nullable) change what a delete does: unsafe;
//! - "Add ON DELETE NO ACTION (keep current behaviour)" only writes the default down: safe.
//!
//! In Prisma the fixes are "Add onDelete: <action>" (`Cascade`, `Restrict`, `SetNull` for
//! optional relations only, `NoAction`) on the `@relation` attribute: unsafe. Prisma's own
//! default is `Restrict` for a required relation and `SetNull` for an optional one, so that one
//! is "Add onDelete: <action> (keep current behaviour)": safe.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::{ConstraintKind, References};
use crate::model::{Constraint, Located};
use crate::rules::common::{foreign_key_loc, table_label};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope, Safety};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-without-on-delete",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        for fk in table.foreign_keys() {
            let ConstraintKind::ForeignKey {
                columns,
                references,
            } = fk.kind()
            else {
                continue;
            };
            if references.on_delete.is_some() {
                continue;
            }
            let target = fk.target.map_or_else(
                || references.table.name.name.clone(),
                |t| table_label(cx, cx.model.table(t), foreign_key_loc(table, fk)),
            );
            let all_nullable = !columns.is_empty()
                && columns
                    .iter()
                    .all(|c| table.column(&c.name).is_some_and(|col| col.is_nullable()));
            let (message, fixes) = match table.language {
                Language::Sql => (
                    format!(
                        "foreign key to `{target}` has no ON DELETE action: deleting a referenced row fails (NO ACTION); decide what happens to these rows"
                    ),
                    sql_fixes(cx, fk, references, all_nullable),
                ),
                Language::Prisma => {
                    let default = if all_nullable { "SetNull" } else { "Restrict" };
                    (
                        format!(
                            "relation to `{target}` has no `onDelete`: Prisma applies `{default}`; decide what happens to these rows"
                        ),
                        prisma_fixes(cx, &fk.def, references, all_nullable),
                    )
                }
            };
            out.push(Diagnostic::new(foreign_key_loc(table, fk), message).with_fixes(fixes));
        }
    }
}

fn sql_fixes(
    cx: &RuleCx,
    fk: &Constraint,
    references: &References,
    all_nullable: bool,
) -> Vec<Fix> {
    let Some(file) = cx.file(fk.def.origin.file) else {
        return Vec::new();
    };
    let end = fk.def.loc(references.range).range.end();
    let statement = fk.def.origin.statement;
    let fix = |action: &str, title: String, safety: Safety| {
        let clause =
            crate::fix::keyword_case(&file.text, statement, &format!(" ON DELETE {action}"));
        Fix::new(title, safety, vec![Edit::insert(file.id, end, clause)])
    };
    let mut fixes = vec![
        fix(
            "CASCADE",
            "Add ON DELETE CASCADE".to_string(),
            Safety::Unsafe,
        ),
        fix(
            "RESTRICT",
            "Add ON DELETE RESTRICT".to_string(),
            Safety::Unsafe,
        ),
    ];
    if all_nullable {
        fixes.push(fix(
            "SET NULL",
            "Add ON DELETE SET NULL".to_string(),
            Safety::Unsafe,
        ));
    }
    fixes.push(fix(
        "NO ACTION",
        "Add ON DELETE NO ACTION (keep current behaviour)".to_string(),
        Safety::Safe,
    ));
    fixes
}

/// `onDelete: <action>` added before the closing parenthesis of `@relation(...)`.
fn prisma_fixes(
    cx: &RuleCx,
    def: &Located<crate::lower::Constraint>,
    references: &References,
    all_nullable: bool,
) -> Vec<Fix> {
    let attribute = def.loc(references.range);
    let text = cx.text(attribute);
    let Some(close) = text.rfind(')') else {
        return Vec::new();
    };
    let inside = text[..close].trim_end();
    let at = attribute.range.start() + inside.len() as u32;
    let separator = if inside.ends_with('(') { "" } else { ", " };
    let current = if all_nullable { "SetNull" } else { "Restrict" };
    let mut actions = vec!["Cascade", "Restrict"];
    if all_nullable {
        actions.push("SetNull");
    }
    actions.push("NoAction");
    actions
        .into_iter()
        .map(|action| {
            let edit = Edit::insert(attribute.file, at, format!("{separator}onDelete: {action}"));
            if action == current {
                Fix::safe(
                    format!("Add onDelete: {action} (keep current behaviour)"),
                    vec![edit],
                )
            } else {
                Fix::unsafe_(format!("Add onDelete: {action}"), vec![edit])
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
