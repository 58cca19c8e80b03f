//! ## What it does
//! Reports `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` on a table that has no `CREATE POLICY`
//! anywhere in the workspace (later files included), on the `ENABLE ROW LEVEL SECURITY` words.
//! A comment next to the statement that says there is deliberately no policy (`-- No policies:
//! private table`) marks an intended deny-all table and is respected.
//!
//! ## Why is this bad?
//! With row-level security enabled and no policy, PostgreSQL applies a default-deny policy:
//! every role other than the table's owner (and superusers or roles with BYPASSRLS) sees no
//! rows and can change none. Queries do not fail, they return nothing, which looks like
//! missing data. Either a policy is missing, or RLS was enabled by mistake.
//!
//! ## Example
//! ```sql
//! CREATE TABLE documents (id bigint PRIMARY KEY, owner_id uuid NOT NULL, body text);
//! ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE documents (id bigint PRIMARY KEY, owner_id uuid NOT NULL, body text);
//! ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
//! CREATE POLICY documents_owner ON documents
//!     USING (owner_id = current_setting('app.user_id')::uuid);
//! ```
//!
//! ## Fix safety
//! No automatic fix: only the author knows who may see which rows. Where denying everyone but
//! the owner is intended (tables only a service role reads), suppress the diagnostic with a
//! comment that says so.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::{AlterTableAction, Fact, RlsMode};
use crate::model::Loc;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "rls-enabled-without-policy",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        let Some(enabled) = table.rls_enabled else {
            continue;
        };
        if cx.model.policies_of(table.id).next().is_some() || says_no_policy(cx, enabled) {
            continue;
        }
        let message = format!(
            "row-level security is enabled on `{}` but no policy exists for it: every role but the owner sees no rows",
            table.name_at(cx.model, enabled)
        );
        out.push(Diagnostic::new(
            enable_words(cx, enabled).unwrap_or(enabled),
            message,
        ));
    }
}

/// Whether a comment on the lines around the statement says there is deliberately no policy
/// (`-- No policies: only the service role reads this table`).
fn says_no_policy(cx: &RuleCx, statement: Loc) -> bool {
    let Some(file) = cx.file(statement.file) else {
        return false;
    };
    let text = &*file.text;
    let start = crate::fix::start_of_line(text, statement.range.start()) as usize;
    let before = text[..start].lines().rev().take(2);
    let after = text[statement.range.end() as usize..].lines().take(3);
    before.chain(after).any(|line| {
        let line = line.trim_start().to_ascii_lowercase();
        (line.starts_with("--") || line.starts_with("/*") || line.starts_with('*'))
            && ["no polic", "without polic", "no rls polic"]
                .iter()
                .any(|words| line.contains(words))
    })
}

/// The `ENABLE ROW LEVEL SECURITY` action inside the ALTER TABLE statement at `statement`.
fn enable_words(cx: &RuleCx, statement: Loc) -> Option<Loc> {
    let placed = cx
        .file(statement.file)?
        .statement_at(statement.range.start())?;
    placed.lowered.facts.iter().find_map(|fact| {
        let Fact::AlterTable(alter) = fact else {
            return None;
        };
        let action = alter.actions.iter().find(|a| {
            matches!(
                a.action,
                AlterTableAction::RowLevelSecurity {
                    mode: RlsMode::Enable
                }
            )
        })?;
        Some(Loc {
            file: statement.file,
            range: placed.absolute(action.range),
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
