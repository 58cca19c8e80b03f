//! ## What it does
//! Reports identifiers longer than 63 bytes where they are defined: tables, columns,
//! constraints, indexes, views, sequences, types, domains, functions, triggers, policies,
//! rules and schemas, and the new names of RENAME statements. In Prisma: model and field
//! database names.
//!
//! ## Why is this bad?
//! PostgreSQL keeps at most 63 bytes of a name (`NAMEDATALEN - 1`) and silently truncates
//! longer ones with only a notice. Two long names that share their first 63 bytes collide
//! ("relation already exists"), and the name in the catalog is not the one in the migration, so
//! later statements and tools that use the full name do not find it.
//!
//! ## Example
//! ```sql
//! CREATE INDEX index_merge_request_approval_rules_on_project_id_and_merge_request_id_and_rule_type
//!     ON merge_request_approval_rules (project_id, merge_request_id, rule_type);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE INDEX merge_request_approval_rules_project_mr_rule_type_idx
//!     ON merge_request_approval_rules (project_id, merge_request_id, rule_type);
//! ```
//!
//! ## Fix safety
//! No automatic fix: only the author can choose a shorter name.
//!
//! ## Options
//! None.

use std::sync::Arc;

use crate::config::Level;
use crate::lower::{
    AlterTableAction, AlterTypeAction, ColumnDef, Constraint, Fact, Ident, TypeDefinition,
};
use crate::model::Loc;
use crate::model::names::MAX_NAME_BYTES;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "identifier-too-long",
    level: |_| Level::Error,
    options: &[],
    fixable: false,
    scope: RuleScope::Statement,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let mut names: Vec<&Ident> = Vec::new();
    for file in cx.files() {
        let language = file.language;
        for statement in cx.statements(file) {
            names.clear();
            for fact in &statement.lowered.facts {
                defined_idents(fact, language, &mut names);
            }
            for ident in names
                .iter()
                .filter(|ident| ident.name.len() > MAX_NAME_BYTES)
            {
                let loc = Loc {
                    file: file.id,
                    range: statement.absolute(ident.range),
                };
                out.push(Diagnostic::new(loc, message(&ident.name)));
            }
        }
    }
}

fn message(name: &str) -> String {
    let mut cut = MAX_NAME_BYTES;
    // PostgreSQL truncates at a character boundary.
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "`{name}` is {} bytes long: PostgreSQL truncates names to 63 bytes, so it is stored as `{}`",
        name.len(),
        &name[..cut]
    )
}

/// The identifiers a fact defines. Prisma facts define table and column names only; other
/// Prisma names (indexes, constraints) are generated and shortened by Prisma itself.
fn defined_idents<'f>(fact: &'f Fact, language: Language, names: &mut Vec<&'f Ident>) {
    let prisma = language == Language::Prisma;
    match fact {
        Fact::CreateTable(table) => {
            names.push(&table.name.name);
            for column in &table.columns {
                column_idents(column, prisma, names);
            }
            if !prisma {
                names.extend(table.constraints.iter().filter_map(constraint_name));
            }
        }
        _ if prisma => {}
        Fact::AlterTable(alter) => {
            for action in &alter.actions {
                match &action.action {
                    AlterTableAction::AddColumn { column, .. } => {
                        column_idents(column, false, names)
                    }
                    AlterTableAction::AddConstraint(constraint) => {
                        names.extend(constraint_name(constraint))
                    }
                    AlterTableAction::RenameTable { new_name }
                    | AlterTableAction::RenameColumn { new_name, .. }
                    | AlterTableAction::RenameConstraint { new_name, .. } => names.push(new_name),
                    _ => {}
                }
            }
        }
        Fact::CreateIndex(index) => names.extend(&index.name),
        Fact::AlterIndex { rename_to, .. } => names.extend(rename_to),
        Fact::CreateView { name, .. } | Fact::CreateSequence { name, .. } => names.push(&name.name),
        Fact::CreateFunction(function) => names.push(&function.name.name),
        Fact::CreateTrigger(trigger) => names.push(&trigger.name),
        Fact::CreatePolicy(policy) => names.push(&policy.name),
        Fact::CreateSchema { name, .. } | Fact::CreateRule { name, .. } => names.push(name),
        Fact::CreateType(create) => {
            names.push(&create.name.name);
            if let TypeDefinition::Composite { attributes } = &create.definition {
                names.extend(attributes.iter().map(|a| &a.name));
            }
        }
        Fact::CreateDomain(domain) => names.push(&domain.name.name),
        Fact::AlterType {
            action: AlterTypeAction::Rename { new_name },
            ..
        } => names.push(new_name),
        _ => {}
    }
}

fn column_idents<'f>(column: &'f ColumnDef, prisma: bool, names: &mut Vec<&'f Ident>) {
    names.push(&column.name);
    if !prisma {
        names.extend(column.constraints.iter().filter_map(constraint_name));
    }
}

fn constraint_name(constraint: &Arc<Constraint>) -> Option<&Ident> {
    constraint.name.as_ref()
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        let name = format!("{}é", "a".repeat(62));
        assert!(super::message(&name).ends_with(&format!("stored as `{}`", "a".repeat(62))));
    }
}
