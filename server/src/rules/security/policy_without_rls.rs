//! ## What it does
//! Reports `CREATE POLICY` on a table whose row-level security is never enabled in the
//! workspace, or is disabled again later, on the policy's name. Policies on tables the
//! workspace does not define (`storage.objects` in Supabase) are not reported.
//!
//! ## Why is this bad?
//! PostgreSQL stores the policy but ignores it until `ALTER TABLE ... ENABLE ROW LEVEL
//! SECURITY`: every role with table privileges keeps seeing and changing every row. The schema
//! reads as protected and is not.
//!
//! ## Example
//! ```sql
//! CREATE TABLE documents (id bigint PRIMARY KEY, owner_id uuid NOT NULL);
//! CREATE POLICY documents_owner ON documents
//!     USING (owner_id = current_setting('app.user_id')::uuid);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE documents (id bigint PRIMARY KEY, owner_id uuid NOT NULL);
//! ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
//! CREATE POLICY documents_owner ON documents
//!     USING (owner_id = current_setting('app.user_id')::uuid);
//! ```
//!
//! ## Fix safety
//! "Enable row-level security on <table>" inserts `ALTER TABLE <table> ENABLE ROW LEVEL
//! SECURITY;` after the policy (not offered where a later statement disables row-level
//! security on purpose). It is unsafe: from then on the policies decide which rows every
//! role other than the owner sees, which is the intent but changes what queries return.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::{insert_statement_after, keyword_case};
use crate::lower::{AlterTableAction, Fact, RlsMode};
use crate::model::{Loc, Policy, TableId};
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "policy-without-rls",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for policy in &cx.model.policies {
        let Some(table_id) = policy.table else {
            continue;
        };
        let table = cx.model.table(table_id);
        if table.dropped || table.rls_enabled.is_some() {
            continue;
        }
        let at = policy.def.loc(policy.def.value.name.range);
        let name = &policy.def.value.name.name;
        let diagnostic = match last_disable(cx, table_id) {
            // Disabling was deliberate: re-enabling is the author's decision, not a fix.
            Some(disable) => Diagnostic::new(
                at,
                format!(
                    "policy `{name}` has no effect: row-level security on `{}` is disabled later",
                    table.name_at(cx.model, at)
                ),
            )
            .with_related(disable, "row-level security is disabled here"),
            None => Diagnostic::new(
                at,
                format!(
                    "policy `{name}` has no effect: row-level security is never enabled on `{}`",
                    table.name_at(cx.model, at)
                ),
            )
            .with_fixes(enable(cx, policy, &table.name_at(cx.model, at).to_string())),
        };
        out.push(diagnostic);
    }
}

/// The last `ALTER TABLE ... DISABLE ROW LEVEL SECURITY` of the table, in workspace order.
fn last_disable(cx: &RuleCx, table: TableId) -> Option<Loc> {
    let mut found = None;
    let mut files: Vec<_> = cx
        .files()
        .filter_map(|f| Some((cx.model.file_meta(f.id)?.order, f)))
        .collect();
    files.sort_by_key(|(order, _)| *order);
    for (_, file) in files {
        for statement in file.statements.iter() {
            if cx.model.statement_tables.get(&(file.id, statement.start)) != Some(&table) {
                continue;
            }
            for fact in &statement.lowered.facts {
                let Fact::AlterTable(alter) = fact else {
                    continue;
                };
                for action in &alter.actions {
                    if matches!(
                        action.action,
                        AlterTableAction::RowLevelSecurity {
                            mode: RlsMode::Disable
                        }
                    ) {
                        found = Some(Loc {
                            file: file.id,
                            range: statement.absolute(action.range),
                        });
                    }
                }
            }
        }
    }
    found
}

fn enable(cx: &RuleCx, policy: &Policy, table: &str) -> Option<Fix> {
    let file = cx.file(policy.def.origin.file)?;
    let statement = policy.def.origin.statement;
    let sql = keyword_case(
        &file.text,
        statement,
        &format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;"),
    );
    let edit = insert_statement_after(file, statement, &sql);
    Some(Fix::unsafe_(
        format!("Enable row-level security on {table}"),
        vec![edit],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
