//! ## What it does
//! Reports `ALTER TABLE ... ADD [CONSTRAINT name] FOREIGN KEY ... REFERENCES ...` without
//! `NOT VALID` in a migration, on a table that an earlier migration created, on the REFERENCES
//! clause. Tables created in the same migration and partitioned tables (which do not accept
//! NOT VALID foreign keys) are not reported.
//!
//! ## Why is this bad?
//! Adding a foreign key checks every existing row while holding a SHARE ROW EXCLUSIVE lock on
//! both tables, so writes to them wait for the whole scan. Adding it `NOT VALID` is instant
//! (new rows are checked from then on), and a later `VALIDATE CONSTRAINT` checks the old rows
//! under a lock that lets writes continue.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_orders_customer_fk.sql (both tables were created by 0001)
//! ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
//!     FOREIGN KEY (customer_id) REFERENCES customers (id);
//! ```
//!
//! Use instead:
//! ```sql
//! ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
//!     FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
//! ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;
//! ```
//!
//! ## Fix safety
//! "Add NOT VALID, then validate" appends `NOT VALID` to the constraint and inserts `ALTER
//! TABLE ... VALIDATE CONSTRAINT ...` after the statement; it is safe (the end state is the
//! same validated key). For the validation to not block writes it has to run in its own
//! transaction: move it to the next migration where the tool wraps each file in one. For an
//! unnamed constraint the fix uses the name PostgreSQL gives it (`<table>_<columns>_fkey`),
//! and is not offered when that name would be truncated or is taken.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::{insert_statement_after, keyword_case};
use crate::lower::{AlterTableAction, ConstraintKind, Fact};
use crate::model::names::quote_if_needed;
use crate::model::{Loc, Model, Table};
use crate::rules::migrations::{MigrationStatement, on_existing_tables};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-not-valid",
    level: |_| Level::Info,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for found in on_existing_tables(cx) {
        let Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        if found.table.partitioned {
            continue;
        }
        for action in &alter.actions {
            let AlterTableAction::AddConstraint(constraint) = &action.action else {
                continue;
            };
            let ConstraintKind::ForeignKey {
                columns,
                references,
            } = &constraint.kind
            else {
                continue;
            };
            if constraint.attributes.not_valid {
                continue;
            }
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(references.range),
            };
            let message = format!(
                "adding a foreign key to existing table `{}` checks all its rows while blocking writes; add it NOT VALID, then VALIDATE CONSTRAINT separately",
                found.table.name_at(cx.model, at)
            );
            let columns: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            let name = match &constraint.name {
                Some(name) => Some(name.name.clone()),
                None => default_name(cx.model, found.table, &columns, at),
            };
            let table_written = cx.text(Loc {
                file: found.file.id,
                range: found.statement.absolute(alter.name.range),
            });
            let fix = name.map(|name| {
                let end = found.statement.absolute(constraint.range).end();
                validate_fix(&found, table_written, &name, end)
            });
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
}

fn validate_fix(found: &MigrationStatement, table: &str, name: &str, constraint_end: u32) -> Fix {
    let text = &found.file.text;
    let range = found.statement.range();
    let not_valid = keyword_case(text, range, " NOT VALID");
    let validate = keyword_case(
        text,
        range,
        &format!(
            "ALTER TABLE {table} VALIDATE CONSTRAINT {};",
            quote_if_needed(name)
        ),
    );
    Fix::safe(
        "Add NOT VALID, then validate",
        vec![
            Edit::insert(found.file.id, constraint_end, not_valid),
            insert_statement_after(found.file, range, &validate),
        ],
    )
}

/// The name PostgreSQL gives an unnamed foreign key, when it needs neither truncation nor a
/// number to be unique in the schema.
fn default_name(model: &Model, table: &Table, columns: &[&str], at: Loc) -> Option<String> {
    if columns.is_empty() {
        return None;
    }
    // PostgreSQL names it after the table's name at that statement.
    let name = format!(
        "{}_{}_fkey",
        table.name_at(model, at).name,
        columns.join("_")
    );
    if name.len() > 63 {
        return None;
    }
    let taken = model
        .live_tables()
        .filter(|t| t.name.schema == table.name.schema)
        .any(|t| {
            t.constraints
                .iter()
                .any(|c| c.name() == Some(name.as_str()))
        })
        || model.relation_exists(&table.name.schema, &name);
    (!taken).then_some(name)
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
