//! ## What it does
//! Reports foreign keys whose columns are not the leading columns of any index, primary key or
//! unique constraint of the referencing table. An index covers a foreign key when its first `k`
//! columns are exactly the key's `k` columns, in any order among themselves; expression
//! elements do not cover, partial indexes do. Indexes created anywhere in the workspace count,
//! later migration files included. In Prisma: relation scalars that do not lead an `@id`,
//! `@@id`, `@unique`, `@@unique` or `@@index`.
//!
//! ## Why is this bad?
//! PostgreSQL indexes the referenced side of a foreign key (it must be unique), never the
//! referencing side. Every delete or key update on the parent then scans the child table to
//! check or cascade, under lock; joins from parent to children scan too. On large tables this
//! turns a millisecond delete into minutes and blocks writers meanwhile.
//!
//! ## Example
//! ```sql
//! CREATE TABLE orders (
//!     id bigint PRIMARY KEY,
//!     customer_id bigint NOT NULL REFERENCES customers (id)
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE orders (
//!     id bigint PRIMARY KEY,
//!     customer_id bigint NOT NULL REFERENCES customers (id)
//! );
//! CREATE INDEX orders_customer_id_idx ON orders (customer_id);
//! ```
//!
//! ## Fix safety
//! "Create index on <table> (<cols>)" is safe. It inserts
//! `CREATE INDEX <table>_<cols>_idx ON <table> (<cols>);` on the line after the statement that
//! created the foreign key, with a name that does not collide with an existing relation
//! (`_1`, `_2`, ... appended). On a table that already exists (a migration adds the key to a
//! table an earlier migration created, or the key is in a migration already applied) the index
//! is created `CONCURRENTLY`, so that it does not block writes, in a new migration of its own
//! (no transaction may surround a concurrent build); in a generated dump it is the migration
//! to write. In Prisma it adds `@@index([fields])` at the end of the model.
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::lower::ConstraintKind;
use crate::model::names::quote_if_needed;
use crate::model::{Constraint, Model, Table};
use crate::rules::common::{append_to_prisma_model, foreign_key_loc};
use crate::rules::{Diagnostic, Fix, MigrationStep, Rule, RuleCx, RuleScope, migration_name};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-without-index",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

/// PostgreSQL truncates identifiers to 63 bytes.
const MAX_NAME: usize = 63;

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let mut proposed: HashSet<String> = HashSet::new();
    for table in cx.live_tables() {
        for fk in table.foreign_keys() {
            let ConstraintKind::ForeignKey {
                columns,
                references,
            } = fk.kind()
            else {
                continue;
            };
            let columns: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            if columns.is_empty() || is_covered(cx.model, table, &columns) {
                continue;
            }
            let target = fk
                .target
                .map(|t| cx.model.table(t).name.to_string())
                .unwrap_or_else(|| references.table.name.name.clone());
            let message = format!(
                "no index on {}({}) for the foreign key to `{target}`: deletes and key updates on `{target}` scan `{}`",
                table.name,
                columns.join(", "),
                table.name
            );
            let fix = match table.language {
                Language::Sql => sql_fix(cx, table, fk, &columns, &mut proposed),
                Language::Prisma => prisma_fix(cx, table, &columns),
            };
            out.push(Diagnostic::new(foreign_key_loc(table, fk), message).with_fixes(fix));
        }
    }
}

/// Whether an index or a PK/UNIQUE/EXCLUDE constraint of `table` leads with exactly `columns`.
pub(crate) fn is_covered(model: &Model, table: &Table, columns: &[&str]) -> bool {
    let wanted: HashSet<&str> = columns.iter().copied().collect();
    let leads = |leading: &[Option<&str>]| {
        leading.len() >= columns.len()
            && leading[..columns.len()]
                .iter()
                .all(|c| c.is_some_and(|c| wanted.contains(c)))
            && leading[..columns.len()]
                .iter()
                .flatten()
                .collect::<HashSet<_>>()
                .len()
                == columns.len()
    };
    let by_index = model
        .indexes_of(table.id)
        .any(|index| leads(&index.columns()));
    let by_constraint = table
        .constraints
        .iter()
        .any(|constraint| match constraint.kind() {
            ConstraintKind::PrimaryKey { .. }
            | ConstraintKind::Unique { .. }
            | ConstraintKind::Exclude { .. } => {
                let leading: Vec<Option<&str>> =
                    constraint.columns().into_iter().map(Some).collect();
                leads(&leading)
            }
            _ => false,
        });
    by_index || by_constraint
}

fn sql_fix(
    cx: &RuleCx,
    table: &Table,
    fk: &Constraint,
    columns: &[&str],
    proposed: &mut HashSet<String>,
) -> Option<Fix> {
    let file = cx.file(fk.def.origin.file)?;
    let name = index_name(cx.model, table, columns, proposed);
    proposed.insert(name.clone());
    let quoted: Vec<String> = columns.iter().map(|c| quote_if_needed(c)).collect();
    let statement = |concurrently: bool| {
        let statement = format!(
            "CREATE INDEX {}{} ON {} ({});",
            if concurrently { "CONCURRENTLY " } else { "" },
            quote_if_needed(&name),
            table.name,
            quoted.join(", ")
        );
        crate::fix::keyword_case(&file.text, fk.def.origin.statement, &statement)
    };
    let title = format!("Create index on {}({})", table.name, quoted.join(", "));
    // On a table that exists already the index is built concurrently, which no transaction may
    // surround: alone, in a migration of its own.
    let concurrent = MigrationStep {
        name: migration_name(&format!("create index {name}")),
        up: statement(true),
        down: Some(crate::fix::keyword_case(
            &file.text,
            fk.def.origin.statement,
            &format!(
                "DROP INDEX CONCURRENTLY IF EXISTS {};",
                quote_if_needed(&name)
            ),
        )),
        outside_transaction: true,
    };
    if created_by_earlier_migration(cx, table, fk) {
        return Some(Fix::safe(title, Vec::new()).in_new_migration(concurrent));
    }
    let edit = crate::fix::insert_statement_after(file, fk.def.origin.statement, &statement(false));
    Some(Fix::safe(title, vec![edit]).with_migration(concurrent))
}

/// Whether the foreign key is added by a migration to a table an earlier migration created.
fn created_by_earlier_migration(cx: &RuleCx, table: &Table, fk: &Constraint) -> bool {
    let (Some(fk_file), Some(table_file)) = (
        cx.model.file_meta(fk.def.origin.file),
        cx.model.file_meta(table.created.file),
    ) else {
        return false;
    };
    fk_file.is_migration && table_file.order < fk_file.order
}

/// `<table>_<col1>_<col2>_idx`, shortened to 63 bytes, with `_1`, `_2`, ... until it is free.
fn index_name(
    model: &Model,
    table: &Table,
    columns: &[&str],
    proposed: &HashSet<String>,
) -> String {
    let base = format!("{}_{}", table.name.name, columns.join("_"));
    let taken =
        |name: &str| model.relation_exists(&table.name.schema, name) || proposed.contains(name);
    (0..)
        .map(|n| {
            let suffix = if n == 0 {
                "_idx".to_string()
            } else {
                format!("_idx_{n}")
            };
            let mut stem = base.clone();
            while stem.len() + suffix.len() > MAX_NAME {
                stem.pop();
            }
            format!("{stem}{suffix}")
        })
        .find(|name| !taken(name))
        .unwrap_or(base)
}

fn prisma_fix(cx: &RuleCx, table: &Table, columns: &[&str]) -> Option<Fix> {
    let fields: Vec<String> = columns
        .iter()
        .map(|c| {
            table
                .column(c)
                .and_then(|col| col.prisma_name.clone())
                .unwrap_or_else(|| c.to_string())
        })
        .collect();
    let line = format!("@@index([{}])", fields.join(", "));
    let edit = append_to_prisma_model(cx, table, &line)?;
    Some(Fix::safe(format!("Add `{line}`"), vec![edit]))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
