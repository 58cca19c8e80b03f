//! ## What it does
//! Reports foreign keys whose referenced columns are not exactly the columns of a primary key,
//! a unique constraint or a unique index (without predicate or expressions) of the referenced
//! table, and `REFERENCES t` without columns when `t` has no primary key. In Prisma: a
//! relation whose `references` fields are not an `@id`, `@@id`, `@unique` or `@@unique`.
//!
//! ## Why is this bad?
//! A foreign key must identify one row of the referenced table, so PostgreSQL requires a
//! unique constraint over exactly the referenced columns and rejects the statement otherwise
//! (`there is no unique constraint matching given keys for referenced table`). A unique
//! constraint over more columns, or a partial unique index, does not qualify.
//!
//! ## Example
//! ```sql
//! CREATE TABLE products (
//!     id bigint PRIMARY KEY,
//!     sku text NOT NULL
//! );
//! CREATE TABLE order_lines (
//!     id bigint PRIMARY KEY,
//!     sku text NOT NULL REFERENCES products (sku)
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE products (
//!     id bigint PRIMARY KEY,
//!     sku text NOT NULL UNIQUE
//! );
//! CREATE TABLE order_lines (
//!     id bigint PRIMARY KEY,
//!     sku text NOT NULL REFERENCES products (sku)
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: whether to reference the key or to make the columns unique is a design
//! decision.
//!
//! ## Options
//! None.

use std::collections::BTreeSet;

use hashbrown::HashMap;

use crate::config::Level;
use crate::lower::ConstraintKind;
use crate::model::{Model, Table, TableId};
use crate::rules::common::{column_label, foreign_key_loc, table_label};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-target-not-unique",
    level: |_| Level::Error,
    options: &[],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    // Many foreign keys reference the same few tables.
    let mut keys_of: HashMap<TableId, Option<Vec<BTreeSet<&str>>>> = HashMap::new();
    for table in cx.live_tables() {
        for fk in table.foreign_keys() {
            let Some(target) = fk.target.map(|t| cx.model.table(t)) else {
                continue;
            };
            // Columns or keys the model cannot see: copied by LIKE, from a query, a parent.
            if target.dropped || target.columns_incomplete || target.like || target.of_type {
                continue;
            }
            let referenced = cx.model.referenced_column_names(fk);
            let at = foreign_key_loc(table, fk);
            let message = if referenced.is_empty() {
                // A primary key added `USING INDEX` does not list its columns.
                if target.primary_key().is_some() {
                    continue;
                }
                let label = table_label(cx, target, at);
                format!(
                    "`{label}` has no primary key: name the referenced columns, or give `{label}` a primary key"
                )
            } else {
                let wanted: BTreeSet<&str> = referenced.iter().copied().collect();
                if wanted.iter().any(|c| target.column(c).is_none()) {
                    continue;
                }
                let keys = keys_of
                    .entry(target.id)
                    .or_insert_with(|| unique_keys(cx.model, target));
                let Some(unique) = keys else {
                    continue;
                };
                if unique.contains(&wanted) {
                    continue;
                }
                let label = table_label(cx, target, at);
                let columns: Vec<String> = referenced
                    .iter()
                    .map(|c| column_label(cx, target, c, at))
                    .collect();
                format!(
                    "`{label}({})` is not a primary key or unique constraint of `{label}`: PostgreSQL rejects this foreign key (there is no unique constraint matching given keys)",
                    columns.join(", ")
                )
            };
            out.push(Diagnostic::new(at, message));
        }
    }
}

/// The column sets that are unique in `table` (and in the partitioned table it belongs to);
/// `None` when one of its keys cannot be read (`UNIQUE USING INDEX` of an unknown index).
fn unique_keys<'a>(model: &'a Model, table: &'a Table) -> Option<Vec<BTreeSet<&'a str>>> {
    let mut keys = Vec::new();
    let parent = table
        .partition_of
        .as_ref()
        .and_then(|name| model.find_table(name));
    for table in std::iter::once(table).chain(parent) {
        for constraint in &table.constraints {
            let deferrable = constraint.def.value.attributes.deferrable;
            match constraint.kind() {
                // A deferrable constraint cannot back a foreign key.
                ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. } if deferrable => {
                }
                ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns, .. } => {
                    if columns.is_empty() {
                        let index = constraint.def.value.using_index.as_ref()?;
                        let found = model
                            .indexes_of(table.id)
                            .find(|i| i.name.as_deref() == Some(index.name.as_str()))?;
                        keys.push(
                            found
                                .columns()
                                .into_iter()
                                .collect::<Option<BTreeSet<&str>>>()?,
                        );
                    } else {
                        keys.push(columns.iter().map(|c| c.name.as_str()).collect());
                    }
                }
                _ => {}
            }
        }
        for index in model.indexes_of(table.id) {
            if !index.def.value.unique || index.def.value.predicate.is_some() {
                continue;
            }
            if let Some(columns) = index
                .columns()
                .into_iter()
                .collect::<Option<BTreeSet<&str>>>()
            {
                keys.push(columns);
            }
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
