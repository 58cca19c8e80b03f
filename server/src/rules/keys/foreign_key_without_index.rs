//! ## What it does
//! Reports foreign keys whose columns are not the leading columns of any index, primary key or
//! unique constraint of the referencing table. An index covers a foreign key when its first `k`
//! columns are exactly the key's `k` columns, in any order among themselves, and it can answer
//! the equality lookup a foreign key check makes: a btree index (or a hash index of that one
//! column) whose leading elements use the columns' own collations. Expression elements do not
//! cover, nor do partial indexes, unless their predicate only says key columns are NOT NULL
//! (which every looked-up row satisfies); GIN, GiST and BRIN indexes do not. A key that pairs
//! a partition column (`partition_id`, `source_partition_id`, ...) with ids is also covered by an
//! index on the ids alone: the ids find the rows, the partition column only filters them. Indexes
//! created anywhere in the workspace count, later migration files included. In Prisma: relation
//! scalars that do not lead an `@id`, `@@id`, `@unique`, `@@unique` or `@@index`.
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
//! "Create index on <table>(<cols>)" inserts `CREATE INDEX <table>_<cols>_idx ON <table>
//! (<cols>);` on the line after the statement that created the foreign key, with a name that
//! does not collide with an existing relation (`_1`, `_2`, ... appended). It is safe: an index
//! changes no data and nothing an application reads. On a table that already exists (a
//! migration adds the key to a table an earlier migration created, or the key is in a migration
//! already applied) the index is created `CONCURRENTLY`, so that it does not block writes, in a
//! new migration of its own with the tool's switch for running outside a transaction (no
//! transaction may surround a concurrent build); in a generated dump it is the migration to
//! write. In Prisma "Add `@@index([<fields>])`" adds the attribute at the end of the model: safe.
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::lower::ConstraintKind;
use crate::model::names::{MAX_NAME_BYTES, quote_if_needed};
use crate::model::{Constraint, Model, Table};
use crate::rules::common::{append_to_prisma_model, foreign_key_loc, sql_column_at, sql_table_at};
use crate::rules::indexes::{IndexShape, Source, index_shapes, strip_parens};
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
            if columns.is_empty() {
                continue;
            }
            // Partitioned keys pair the id with its partition: an index on the id finds the rows.
            let ids: Vec<&str> = columns
                .iter()
                .copied()
                .filter(|column| !column.ends_with("partition_id"))
                .collect();
            if !ids.is_empty()
                && ids.len() < columns.len()
                && matches!(coverage(cx, table, &ids), Coverage::Covered)
            {
                continue;
            }
            let unusable = match coverage(cx, table, &columns) {
                Coverage::Covered => continue,
                Coverage::Unusable(shape, reason) => {
                    format!(
                        " ({} leads with these columns, but {reason})",
                        shape.describe(cx.model, foreign_key_loc(table, fk))
                    )
                }
                Coverage::Missing => String::new(),
            };
            let at = foreign_key_loc(table, fk);
            let target = fk
                .target
                .map(|t| sql_table_at(cx, cx.model.table(t), at))
                .unwrap_or_else(|| references.table.name.name.clone());
            let written: Vec<String> = columns
                .iter()
                .map(|c| sql_column_at(cx, table, c, at))
                .collect();
            let name = sql_table_at(cx, table, at);
            let message = format!(
                "no index on {name}({}) for the foreign key to `{target}`{unusable}: deletes and key updates on `{target}` scan `{name}`",
                written.join(", "),
            );
            let fix = match table.language {
                Language::Sql => sql_fix(cx, table, fk, &columns, &mut proposed),
                Language::Prisma => prisma_fix(cx, table, &columns),
            };
            out.push(Diagnostic::new(foreign_key_loc(table, fk), message).with_fixes(fix));
        }
    }
}

/// How an index or a PK/UNIQUE/EXCLUDE constraint of `table` relates to a foreign key's columns.
enum Coverage<'a> {
    Covered,
    /// An index leads with the columns but cannot serve the lookup, for this reason.
    Unusable(&'a IndexShape<'a>, &'static str),
    Missing,
}

/// Whether an index or a PK/UNIQUE/EXCLUDE constraint of `table` leads with exactly `columns`
/// and serves the lookup a foreign key check makes (`WHERE a = $1 AND b = $2`).
fn coverage<'a>(cx: &RuleCx<'a>, table: &'a Table, columns: &[&str]) -> Coverage<'a> {
    let wanted: HashSet<&str> = columns.iter().copied().collect();
    let leads = |leading: &mut dyn Iterator<Item = Option<&str>>| {
        let leading: Vec<&str> = leading.take(columns.len()).flatten().collect();
        leading.len() == columns.len()
            && leading.iter().all(|c| wanted.contains(c))
            && leading.iter().collect::<HashSet<_>>().len() == columns.len()
    };
    let by_constraint = table
        .constraints
        .iter()
        .any(|constraint| match constraint.kind() {
            ConstraintKind::PrimaryKey { .. }
            | ConstraintKind::Unique { .. }
            | ConstraintKind::Exclude { .. } => {
                leads(&mut constraint.columns().into_iter().map(Some))
            }
            _ => false,
        });
    if by_constraint {
        return Coverage::Covered;
    }
    let mut found = Coverage::Missing;
    for shape in index_shapes(cx, table) {
        if !matches!(shape.source, Source::Index(_))
            || !leads(&mut shape.elements.iter().map(|e| e.column))
        {
            continue;
        }
        match unusable_for_lookup(table, shape, columns) {
            None => return Coverage::Covered,
            Some(reason) if matches!(found, Coverage::Missing) => {
                found = Coverage::Unusable(shape, reason);
            }
            Some(_) => {}
        }
    }
    found
}

/// Why an index that leads with the key's columns cannot answer the equality lookup of a
/// foreign key check, if it cannot: only a btree (or a hash index of that one column) can,
/// with the columns' own collations, and a partial one only when its predicate holds for every
/// looked-up row (it only says key columns are NOT NULL).
fn unusable_for_lookup(
    table: &Table,
    shape: &IndexShape,
    columns: &[&str],
) -> Option<&'static str> {
    let method = match shape.method {
        "btree" => true,
        "hash" => columns.len() == 1 && shape.elements.len() == 1,
        _ => false,
    };
    if !method {
        return Some("its method cannot look up equal keys");
    }
    let collations = shape.elements.iter().take(columns.len()).all(|element| {
        element.collation.is_none_or(|collation| {
            let column = element.column.and_then(|c| table.column(c));
            column.is_some_and(|c| c.def.value.collation.as_deref() == Some(collation))
        })
    });
    if !collations {
        return Some("it sorts with another collation than the columns'");
    }
    let key_not_null = |conjunct: &str| {
        strip_parens(conjunct)
            .strip_suffix(" is not null")
            .map(|column| {
                column
                    .strip_prefix('"')
                    .and_then(|c| c.strip_suffix('"'))
                    .unwrap_or(column)
            })
            .is_some_and(|column| columns.contains(&column))
    };
    match shape.predicate {
        Some(predicate) if !predicate.split(" and ").all(key_not_null) => {
            Some("it is partial, and the check looks up every row")
        }
        _ => None,
    }
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
    // The index follows the statement that adds the foreign key: names as they are there.
    let at = fk.def.origin.statement_loc();
    let quoted: Vec<String> = columns
        .iter()
        .map(|c| sql_column_at(cx, table, c, at))
        .collect();
    let table_name = sql_table_at(cx, table, at);
    let statement = |concurrently: bool, table: &str, columns: &[String]| {
        let statement = format!(
            "CREATE INDEX {}{} ON {table} ({});",
            if concurrently { "CONCURRENTLY " } else { "" },
            quote_if_needed(&name),
            columns.join(", ")
        );
        crate::fix::keyword_case(&file.text, fk.def.origin.statement, &statement)
    };
    let title = format!("Create index on {table_name}({})", quoted.join(", "));
    // On a table that exists already the index is built concurrently, which no transaction may
    // surround: alone, in a migration of its own, after every migration: names as they are now.
    let current: Vec<String> = columns.iter().map(|c| quote_if_needed(c)).collect();
    let concurrent = MigrationStep {
        title: None,
        name: migration_name(&format!("create index {name}")),
        up: statement(true, &table.name.to_string(), &current),
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
    let edit = crate::fix::insert_statement_after(
        file,
        fk.def.origin.statement,
        &statement(false, &table_name, &quoted),
    );
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
            while stem.len() + suffix.len() > MAX_NAME_BYTES {
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
