//! ## What it does
//! Reports, in migrations not yet applied, the statements PostgreSQL refuses to run inside a
//! transaction block: `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`,
//! `REINDEX ... CONCURRENTLY`, and before PostgreSQL 12 `ALTER TYPE ... ADD VALUE` (on a type
//! an earlier migration created), when they run in one:
//! - inside an explicit `BEGIN` ... `COMMIT` of the file;
//! - in the transaction the migration tool opens around the file: goose, dbmate and sqlx (a
//!   `<version>_<name>.sql` file) unless the file has their switch; Flyway when the file mixes
//!   such a statement with others (a file of only such statements runs outside a
//!   transaction) unless it says `-- flyway:executeInTransaction=false`; golang-migrate
//!   (`.up.sql`) and Prisma Migrate when the file has more than one statement, which they send
//!   as one query string that PostgreSQL runs as one transaction.
//!
//! Diesel (`up.sql`) reads its switch from a `metadata.toml` beside the file, which ddlint
//! does not read, and other layouts (Temporal's `v1.2/*.sql`) belong to tools that run
//! statement by statement: those migrations are reported only for an explicit `BEGIN`. Nor
//! does ddlint read Flyway's `V<n>__<name>.sql.conf`: a Flyway migration whose
//! `executeInTransaction=false` is set there is reported; put the switch in the file instead.
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement (`CREATE INDEX CONCURRENTLY cannot run inside a
//! transaction block`), so the migration fails when it is deployed, not when it is written.
//!
//! ## Example
//! ```sql
//! -- migrations/20240201000000_orders_status.sql (goose)
//! -- +goose Up
//! CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
//! ```
//!
//! Use instead:
//! ```sql
//! -- +goose NO TRANSACTION
//! -- +goose Up
//! CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
//! ```
//!
//! ## Fix safety
//! "Run the migration outside a transaction" adds the tool's switch: `-- +goose NO
//! TRANSACTION` (goose), ` transaction:false` on dbmate's `-- migrate:up` line,
//! `-- no-transaction` as the first line (sqlx), `-- flyway:executeInTransaction=false`
//! (Flyway). It is unsafe: the migration's other statements no longer run atomically, so a
//! failure part-way leaves the statements before it applied. golang-migrate, Prisma Migrate
//! and explicit `BEGIN` blocks get no fix: move the statement into a migration of its own
//! (or out of the block).
//!
//! ## Options
//! None; `[migrations] postgres_version` decides whether `ALTER TYPE ... ADD VALUE` is
//! reported.

use crate::config::Level;
use crate::file::FileData;
use crate::lower::{AlterTypeAction, CommandVerb, Fact, ObjectKind, PlacedStatement};
use crate::model::Loc;
use crate::rules::migrations::{Tool, pending_migrations, tool_transaction, transactions};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "concurrently-in-transaction",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let version = cx.config.migrations.postgres_version();
    for file in pending_migrations(cx) {
        let outside: Vec<Option<(TextRange, &str)>> = file
            .statements
            .iter()
            .map(|statement| outside_only(file, statement, version))
            .collect();
        if outside.iter().all(Option::is_none) {
            continue;
        }
        let tool = Tool::of(file);
        let only_outside = outside.iter().all(Option::is_some);
        let implicit = tool != Some(Tool::Diesel) && tool_transaction(file, only_outside);
        let explicit_blocks = transactions(file, false);
        for ((statement, head), block) in file.statements.iter().zip(&outside).zip(&explicit_blocks)
        {
            let Some((head, what)) = head else {
                continue;
            };
            let at = Loc {
                file: file.id,
                range: statement.absolute(*head),
            };
            if block.is_some() {
                out.push(Diagnostic::new(
                    at,
                    format!(
                        "{what} cannot run inside a transaction block, and this one is inside a `BEGIN` block: PostgreSQL rejects it; move it out of the block"
                    ),
                ));
                continue;
            }
            let Some(tool) = tool.filter(|_| implicit) else {
                continue;
            };
            if explicit_blocks.iter().any(Option::is_some) {
                continue;
            }
            let (runner, advice) = match tool {
                Tool::Goose => (
                    "goose runs this migration in one",
                    "add `-- +goose NO TRANSACTION`",
                ),
                Tool::Dbmate => (
                    "dbmate runs this migration in one",
                    "add `transaction:false` to `-- migrate:up`",
                ),
                Tool::Sqlx => (
                    "sqlx runs this migration in one",
                    "start the file with `-- no-transaction`",
                ),
                Tool::Flyway => (
                    "Flyway runs a migration that mixes it with other statements in one",
                    "add `-- flyway:executeInTransaction=false` or move it into a migration of its own",
                ),
                Tool::GolangMigrate => (
                    "golang-migrate sends this migration of several statements as one query, which runs as one",
                    "move it into a migration of its own",
                ),
                Tool::PrismaMigrate => (
                    "Prisma Migrate runs this migration of several statements as one",
                    "move it into a migration of its own",
                ),
                Tool::Diesel => continue,
            };
            out.push(
                Diagnostic::new(
                    at,
                    format!(
                        "{what} cannot run inside a transaction block, and {runner}: PostgreSQL rejects it; {advice}"
                    ),
                )
                .with_fixes(switch_fix(file, tool)),
            );
        }
    }
}

/// The keywords of a statement that must run outside a transaction block, and what it is.
fn outside_only(
    file: &FileData,
    statement: &PlacedStatement,
    version: u32,
) -> Option<(TextRange, &'static str)> {
    statement.lowered.facts.iter().find_map(|fact| match fact {
        Fact::CreateIndex(index) if index.concurrently => {
            Some((statement.lowered.head, "`CREATE INDEX CONCURRENTLY`"))
        }
        Fact::Drop(drop) if drop.kind == ObjectKind::Index && drop.concurrently => {
            Some((drop.head, "`DROP INDEX CONCURRENTLY`"))
        }
        Fact::Command(command)
            if command.verb == CommandVerb::Reindex && command.concurrently.is_some() =>
        {
            Some((command.head, "`REINDEX ... CONCURRENTLY`"))
        }
        Fact::AlterType {
            name,
            action: AlterTypeAction::AddValue { .. },
        } if version < 12 && !created_here(file, &name.name.name) => Some((
            statement.lowered.head,
            "before PostgreSQL 12, `ALTER TYPE ... ADD VALUE`",
        )),
        _ => None,
    })
}

/// Whether the file creates the type (PostgreSQL 11 allows ADD VALUE in the transaction that
/// created the type).
fn created_here(file: &FileData, name: &str) -> bool {
    file.statements.iter().any(|statement| {
        statement
            .lowered
            .facts
            .iter()
            .any(|fact| matches!(fact, Fact::CreateType(create) if create.name.name.name == name))
    })
}

fn switch_fix(file: &FileData, tool: Tool) -> Option<Fix> {
    let switch = tool.no_transaction_switch()?;
    let nl = crate::fix::line_ending(&file.text);
    let edit = match tool {
        Tool::Dbmate => {
            let marker = "-- migrate:up";
            let at = file.text.find(marker)? + marker.len();
            Edit::insert(file.id, at as u32, " transaction:false")
        }
        _ => Edit::insert(file.id, 0, format!("{switch}{nl}")),
    };
    Some(Fix::unsafe_(
        "Run the migration outside a transaction",
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
