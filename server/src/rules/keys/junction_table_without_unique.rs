//! ## What it does
//! Reports junction tables keyed by a surrogate column that do not make the link itself
//! unique. A junction table here is a table whose columns, apart from audit timestamps
//! (`created_at`, `updated_at`, `deleted_at`, ...), are exactly two single-column foreign keys
//! and a single-column primary key; it is reported when no unique constraint or unique index
//! covers the two foreign-key columns (or one of them, which also rules out duplicates).
//!
//! The table's name must mention both linked things, by column (`post_id`) or by referenced
//! table (`posts`), as in `post_tags` or `user_groups`: tables of the same shape named for
//! something else, such as `post_approvals` or `csv_imports`, are event logs where a pair may
//! repeat. Self-references (a tree with one more link) are not junctions either. A junction
//! table without any primary key is reported by `missing-primary-key` instead.
//!
//! ## Why is this bad?
//! The surrogate key makes every row unique, so the same pair can be inserted twice: a user
//! appears twice in a group, a tag twice on a post. Counts and joins double, and deleting
//! "the" link leaves its twin behind.
//!
//! ## Example
//! ```sql
//! CREATE TABLE post_tags (
//!     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
//!     post_id bigint NOT NULL REFERENCES posts (id),
//!     tag_id bigint NOT NULL REFERENCES tags (id)
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE post_tags (
//!     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
//!     post_id bigint NOT NULL REFERENCES posts (id),
//!     tag_id bigint NOT NULL REFERENCES tags (id),
//!     UNIQUE (post_id, tag_id)
//! );
//! ```
//!
//! ## Fix safety
//! "Add UNIQUE (<a>, <b>)" appends the constraint to the table's definition (offered when it
//! defines both columns; in Prisma, "Add `@@unique([<a>, <b>])`"). It is unsafe: it fails on
//! existing duplicates, and inserts of a duplicate pair fail afterwards, which is the point but
//! changes behaviour.
//!
//! In an applied migration or a generated dump the fix is a new migration, `ALTER TABLE ...
//! ADD UNIQUE (...)` (it fails while duplicate links exist: remove them first), undone by
//! dropping the constraint.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::ConstraintKind;
use crate::model::{Model, Table};
use crate::rules::common::{
    append_to_prisma_model, column_label, sql_column_at, table_elements, table_label,
};
use crate::rules::forms::Form;
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "junction-table-without-unique",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

/// Audit columns, compared without case and underscores.
const AUDIT: &[&str] = &[
    "createdat",
    "created",
    "insertedat",
    "updatedat",
    "updated",
    "modifiedat",
    "modified",
    "deletedat",
    "archivedat",
];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        if table.partition_of.is_some() || table.columns_incomplete {
            continue;
        }
        let Some([a, b]) = link_columns(table) else {
            continue;
        };
        let Some(pk) = table.primary_key() else {
            continue;
        };
        let [key] = pk.columns()[..] else { continue };
        let others: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|name| *name != a && *name != b && !is_audit(name))
            .collect();
        if key == a || key == b || others != [key] || has_unique_link(cx.model, table, a, b) {
            continue;
        }
        if !named_after(cx.model, table, a) || !named_after(cx.model, table, b) {
            continue;
        }
        let at = table.name_loc;
        let (a_label, b_label) = (
            column_label(cx, table, a, at),
            column_label(cx, table, b, at),
        );
        let message = format!(
            "junction table `{}` is keyed by `{}` but nothing makes ({a_label}, {b_label}) unique: the same link can be inserted twice",
            table_label(cx, table, at),
            column_label(cx, table, key, at)
        );
        let fix = match table.language {
            Language::Sql => sql_fix(cx, table, a, b),
            Language::Prisma => prisma_fix(cx, table, &a_label, &b_label),
        };
        out.push(Diagnostic::new(table.name_loc, message).with_fixes(fix));
    }
}

/// The columns of exactly two single-column foreign keys on two different columns, neither
/// referencing the table itself.
fn link_columns(table: &Table) -> Option<[&str; 2]> {
    let mut columns: Vec<&str> = Vec::new();
    for fk in table.foreign_keys() {
        let [column] = fk.columns()[..] else {
            return None;
        };
        if fk.target == Some(table.id) {
            return None;
        }
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
    match columns[..] {
        [a, b] => Some([a, b]),
        _ => None,
    }
}

/// Whether the table's name contains the link column's stem (`post` for `post_id`, `user`
/// for `user1`) or the referenced table's name, singular or plural.
fn named_after(model: &Model, table: &Table, column: &str) -> bool {
    let name = fold(table.prisma_name.as_deref().unwrap_or(&table.name.name));
    let mut stems: Vec<String> = Vec::new();
    let written = table.column(column).and_then(|c| c.prisma_name.as_deref());
    for spelling in std::iter::once(column).chain(written) {
        let folded = fold(spelling);
        let stem = folded.strip_suffix("id").unwrap_or(&folded);
        stems.push(
            stem.trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string(),
        );
    }
    let target = table
        .foreign_keys()
        .find(|fk| fk.columns() == [column])
        .and_then(|fk| fk.target);
    if let Some(target) = target.map(|t| model.table(t)) {
        for spelling in
            std::iter::once(target.name.name.as_str()).chain(target.prisma_name.as_deref())
        {
            let folded = fold(spelling);
            let singular = match folded.strip_suffix("ies") {
                Some(stem) => format!("{stem}y"),
                None => folded.strip_suffix('s').unwrap_or(&folded).to_string(),
            };
            stems.push(folded);
            stems.push(singular);
        }
    }
    stems
        .iter()
        .any(|stem| stem.len() >= 3 && name.contains(stem.as_str()))
}

/// Lower case without underscores: `PostTag` and `post_tags` compare alike.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_audit(name: &str) -> bool {
    AUDIT.contains(&fold(name).as_str())
}

/// Whether a unique constraint or index covers only link columns (so pairs cannot repeat).
fn has_unique_link(model: &Model, table: &Table, a: &str, b: &str) -> bool {
    let within = |columns: &[Option<&str>]| {
        !columns.is_empty() && columns.iter().all(|c| c.is_some_and(|c| c == a || c == b))
    };
    let by_constraint = table
        .constraints
        .iter()
        .any(|constraint| match constraint.kind() {
            ConstraintKind::Unique { .. } => {
                let columns: Vec<Option<&str>> =
                    constraint.columns().into_iter().map(Some).collect();
                within(&columns)
            }
            _ => false,
        });
    by_constraint
        || model
            .indexes_of(table.id)
            .any(|index| index.def.value.unique && within(&index.columns()))
}

fn sql_fix(cx: &RuleCx, table: &Table, a: &str, b: &str) -> Option<Fix> {
    let elements = table_elements(cx, table)?;
    // The constraint joins the CREATE TABLE, which must define both columns.
    let at = table.created.statement_loc();
    let created_there = |c: &str| {
        table
            .column(c)
            .is_some_and(|c| c.def.origin == table.created)
    };
    if !created_there(a) || !created_there(b) {
        return None;
    }
    let constraint = format!(
        "UNIQUE ({}, {})",
        sql_column_at(cx, table, a, at),
        sql_column_at(cx, table, b, at)
    );
    let written =
        crate::fix::keyword_case(&elements.file.text, table.created.statement, &constraint);
    let title = format!("Add {constraint}");
    let step =
        Form::new(cx, table, at).and_then(|form| form.add_unique(table, &[a, b]).step(&title));
    Some(Fix::unsafe_(title, elements.append(&written)).with_migration(step))
}

fn prisma_fix(cx: &RuleCx, table: &Table, a: &str, b: &str) -> Option<Fix> {
    let line = format!("@@unique([{a}, {b}])");
    let edit = append_to_prisma_model(cx, table, &line)?;
    Some(Fix::unsafe_(format!("Add `{line}`"), vec![edit]))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
