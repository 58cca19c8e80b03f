//! ## What it does
//! Reports tables that no `COMMENT ON TABLE` describes anywhere in the workspace. Partitions
//! (described by their parent) and temporary tables are left out. Prisma schemas are not
//! checked: Prisma's `///` comments are not written to the database.
//!
//! ## Why is this bad?
//! A comment is the one piece of documentation that travels with the schema: `\d+` in psql,
//! database IDEs, data catalogs and generated API docs show it. Table names alone rarely say
//! what a row represents, what is in or out of scope, or who owns the data.
//!
//! ## Example
//! ```sql
//! CREATE TABLE ledger_entries (
//!     id bigint PRIMARY KEY,
//!     amount numeric(12, 2) NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE ledger_entries (
//!     id bigint PRIMARY KEY,
//!     amount numeric(12, 2) NOT NULL
//! );
//! COMMENT ON TABLE ledger_entries IS 'One posting of an amount to an account; never updated.';
//! ```
//!
//! ## Fix safety
//! "Add COMMENT ON TABLE" inserts `COMMENT ON TABLE <table> IS '...';` after the CREATE TABLE,
//! with a placeholder for the text. It is unsafe only because the placeholder needs writing.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::Persistence;
use crate::model::Table;
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope, escape_snippet};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "missing-table-comment",
    level: |_| Level::Info,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        if table.language != Language::Sql
            || table.partition_of.is_some()
            || table.persistence == Persistence::Temporary
            || table.comment.as_deref().is_some_and(|c| !c.is_empty())
        {
            continue;
        }
        let message = format!(
            "table `{}` has no COMMENT ON TABLE describing it",
            table.name_at(cx.model, table.name_loc)
        );
        out.push(Diagnostic::new(table.name_loc, message).with_fixes(fix(cx, table)));
    }
}

fn fix(cx: &RuleCx, table: &Table) -> Option<Fix> {
    let origin = table.created;
    let file = cx.file(origin.file)?;
    // The comment follows the CREATE TABLE, where the table has the name written there.
    let name = table.name_at(cx.model, origin.statement_loc());
    let statement = crate::fix::keyword_case(
        &file.text,
        origin.statement,
        &format!("COMMENT ON TABLE {name} IS"),
    );
    let placeholder = escape_snippet(&format!("describe {name}").replace('\'', "''"));
    let snippet = format!("{} '${{1:{placeholder}}}';", escape_snippet(&statement));
    let edit = crate::fix::insert_statement_snippet_after(file, origin.statement, &snippet);
    Some(Fix::unsafe_("Add COMMENT ON TABLE", vec![edit]))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
