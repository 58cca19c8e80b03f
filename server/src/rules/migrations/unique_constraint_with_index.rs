//! ## What it does
//! Reports `ALTER TABLE ... ADD [CONSTRAINT name] UNIQUE (...)` and `ADD ... PRIMARY KEY (...)`
//! without `USING INDEX`, and `ADD COLUMN ... UNIQUE` / `PRIMARY KEY`, in a migration not yet
//! applied, on a table that an earlier migration created, on the constraint. Tables created in the
//! same migration and partitioned tables (which cannot be indexed concurrently) are not reported.
//!
//! ## Why is this bad?
//! The constraint builds its unique index while holding an ACCESS EXCLUSIVE lock on the table:
//! reads and writes wait until the whole index is built. `CREATE UNIQUE INDEX CONCURRENTLY`
//! builds the same index while reads and writes go on, and `ADD CONSTRAINT ... USING INDEX`
//! then turns it into the constraint at once. (A primary key on nullable columns still scans
//! to set them NOT NULL: see `set-not-null-scan`.)
//!
//! ## Example
//! ```sql
//! -- migrations/0002_unique_email.sql (users was created by 0001)
//! ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0002_unique_email.sql (run outside a transaction)
//! CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
//! -- migrations/0003_add_users_email_key.sql
//! ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
//! ```
//!
//! ## Fix safety
//! "Build the index concurrently, then add the constraint in a later migration" replaces the
//! statement with `CREATE UNIQUE INDEX CONCURRENTLY <name> ON <table> (<columns>)` and writes
//! `ALTER TABLE ... ADD CONSTRAINT <name> UNIQUE USING INDEX <name>` (or `PRIMARY KEY USING
//! INDEX`) as a new migration. It is offered only when the constraint is the statement's only
//! action and has no options an index cannot take over (INCLUDE, WITH, USING INDEX
//! TABLESPACE). It is unsafe because `CREATE INDEX CONCURRENTLY` cannot run inside a
//! transaction block: the migration must run outside one (goose `-- +goose NO TRANSACTION`,
//! sqlx `-- no-transaction`, dbmate `-- migrate:up transaction:false`, Flyway
//! `executeInTransaction=false`), and a failed concurrent build leaves an INVALID index to drop
//! before retrying. A key written on an added column has no fix (the column must exist before
//! its index is built, so it takes three migrations). An unnamed constraint takes the name
//! PostgreSQL would give it; the fix is not offered when that name would be truncated or is taken.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::keyword_case;
use crate::lower::{AlterTable, AlterTableAction, Constraint, ConstraintKind, Fact};
use crate::model::Loc;
use crate::model::names::quote_if_needed;
use crate::rules::migrations::foreign_key_not_valid::default_name;
use crate::rules::migrations::{MigrationStatement, later_migration, on_tables_with_rows};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "unique-constraint-with-index",
    level: |_| Level::Warning,
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
        if found.table.partitioned {
            continue;
        }
        for action in &alter.actions {
            let constraint = match &action.action {
                AlterTableAction::AddConstraint(constraint) => constraint,
                AlterTableAction::AddColumn { column, .. } => {
                    for constraint in &column.constraints {
                        if let Some(kind) = key_kind(constraint) {
                            let at = Loc {
                                file: found.file.id,
                                range: found.statement.absolute(constraint.range),
                            };
                            out.push(Diagnostic::new(
                                at,
                                format!(
                                    "adding a {kind} column to existing table `{}` builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes; add the column, `CREATE UNIQUE INDEX CONCURRENTLY` in another migration, then `ADD CONSTRAINT ... {kind} USING INDEX`",
                                    found.table.name_at(cx.model, at)
                                ),
                            ));
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            let Some(kind) = key_kind(constraint) else {
                continue;
            };
            if constraint.using_index.is_some() {
                continue;
            }
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(constraint.range),
            };
            let message = format!(
                "adding a {kind} constraint to existing table `{}` builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes; `CREATE UNIQUE INDEX CONCURRENTLY` first, then `ADD CONSTRAINT ... {kind} USING INDEX`",
                found.table.name_at(cx.model, at)
            );
            let fix = (alter.actions.len() == 1)
                .then(|| index_fix(cx, &found, alter, constraint, kind, at))
                .flatten();
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
}

fn key_kind(constraint: &Constraint) -> Option<&'static str> {
    match constraint.kind {
        ConstraintKind::PrimaryKey { .. } => Some("PRIMARY KEY"),
        ConstraintKind::Unique { .. } => Some("UNIQUE"),
        _ => None,
    }
}

fn index_fix(
    cx: &RuleCx,
    found: &MigrationStatement,
    alter: &AlterTable,
    constraint: &Constraint,
    kind: &str,
    at: Loc,
) -> Option<Fix> {
    let (columns, nulls_not_distinct) = match &constraint.kind {
        ConstraintKind::PrimaryKey { columns } => (columns, false),
        ConstraintKind::Unique {
            columns,
            nulls_not_distinct,
        } => (columns, *nulls_not_distinct),
        _ => return None,
    };
    let written = cx.text(at).to_ascii_lowercase();
    let words: Vec<&str> = written
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .collect();
    if columns.is_empty()
        || ["include", "with", "tablespace"]
            .iter()
            .any(|w| words.contains(w))
    {
        return None;
    }
    let name = match &constraint.name {
        Some(name) => name.name.clone(),
        None => default_name(cx.model, found.table, &constraint.kind, at)?,
    };
    let name = quote_if_needed(&name);
    let text = |range| {
        cx.text(Loc {
            file: found.file.id,
            range: found.statement.absolute(range),
        })
    };
    let table = text(alter.name.range);
    let columns: Vec<&str> = columns.iter().map(|c| text(c.range)).collect();
    let statement = found.statement.range();
    let source = &found.file.text;
    let nulls = if nulls_not_distinct {
        " NULLS NOT DISTINCT"
    } else {
        ""
    };
    let index = keyword_case(
        source,
        statement,
        &format!(
            "CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({}){nulls};",
            columns.join(", ")
        ),
    );
    let mut attributes = String::new();
    if constraint.attributes.deferrable {
        attributes.push_str(" DEFERRABLE");
    }
    if constraint.attributes.initially_deferred {
        attributes.push_str(" INITIALLY DEFERRED");
    }
    let add = keyword_case(
        source,
        statement,
        &format!(
            "ALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {name}{attributes};\n"
        ),
    );
    let whole = Loc {
        file: found.file.id,
        range: statement,
    };
    Some(
        Fix::unsafe_(
            "Build the index concurrently, then add the constraint in a later migration",
            vec![Edit::replace(whole, index)],
        )
        .in_new_migration(later_migration(&format!("add {name}"), add)),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
