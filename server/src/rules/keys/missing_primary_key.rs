//! ## What it does
//! Reports tables that end the workspace without a primary key: none inline, none as a table
//! constraint, none added later by `ALTER TABLE ... ADD PRIMARY KEY` in any file. In Prisma,
//! models without `@id` or `@@id` (Prisma accepts a model with only `@unique`).
//!
//! Not reported: partitions (`PARTITION OF`; the key belongs to the partitioned table), tables
//! created `LIKE` another, temporary tables, `UNLOGGED` staging tables named `*_staging` or
//! `tmp_*`, and tables listed in the `allow` option.
//!
//! ## Why is this bad?
//! Without a key, rows cannot be addressed one at a time: duplicates creep in, updates and
//! deletes from tools and ORMs are ambiguous, logical replication cannot replicate updates and
//! deletes, and nothing can reference the table with a foreign key.
//!
//! ## Example
//! ```sql
//! CREATE TABLE audit_entries (
//!     actor text NOT NULL,
//!     happened_at timestamptz NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE audit_entries (
//!     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
//!     actor text NOT NULL,
//!     happened_at timestamptz NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! The fixes change the table's design, so they are unsafe:
//! - for a junction table (exactly two foreign-key columns): "Add PRIMARY KEY (<a>, <b>)";
//! - for a table that already has an `id` column: "Add PRIMARY KEY (<id>)";
//! - otherwise: "Add `id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`" as the first column
//!   (`id uuid PRIMARY KEY DEFAULT gen_random_uuid()` under `[policy] keys = "uuid"`).
//!
//! A key is added to the CREATE TABLE, so it is offered only when that statement defines its
//! columns.
//!
//! In Prisma: "Add `@@id([<a>, <b>])`" for two relation scalars, otherwise
//! "Add `id BigInt @id @default(autoincrement())`".
//!
//! In an applied migration or a generated dump the fix is a new migration, `ALTER TABLE ... ADD
//! PRIMARY KEY (...)` or `ADD COLUMN id ...` (existing rows get their identity values), undone by
//! dropping the key or the column.
//!
//! ## Options
//! - `allow`: table names (globs) that need no primary key.

use crate::config::{KeyPolicy, Level, OptionKind, OptionSpec};
use crate::lower::{ConstraintKind, Persistence};
use crate::model::Table;
use crate::rules::common::{
    append_to_prisma_model, glob_match, matches_any, prisma_members, sql_column_at, table_elements,
};
use crate::rules::forms::Form;
use crate::rules::{Diagnostic, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "missing-primary-key",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "allow",
        kind: OptionKind::StringList,
        doc: "table names (globs) that need no primary key",
    }],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let allow = cx.option_strings("allow", &[]);
    for table in cx.live_tables() {
        if table.primary_key().is_some()
            || table.partition_of.is_some()
            || table.like
            || table.persistence == Persistence::Temporary
            || matches_any(&allow, &table.name.name)
        {
            continue;
        }
        let staging =
            glob_match("*_staging", &table.name.name) || glob_match("tmp_*", &table.name.name);
        if table.persistence == Persistence::Unlogged && staging {
            continue;
        }
        let message = format!(
            "table `{}` has no primary key",
            table.name_at(cx.model, table.name_loc)
        );
        let fix = match table.language {
            Language::Sql => sql_fix(cx, table),
            Language::Prisma => prisma_fix(cx, table),
        };
        out.push(Diagnostic::new(table.name_loc, message).with_fixes(fix));
    }
}

/// The two columns of a junction table: exactly two single-column foreign keys.
fn junction_columns(table: &Table) -> Option<[String; 2]> {
    let mut columns: Vec<String> = Vec::new();
    for fk in table.foreign_keys() {
        let ConstraintKind::ForeignKey {
            columns: fk_columns,
            ..
        } = fk.kind()
        else {
            continue;
        };
        match fk_columns.as_slice() {
            [single] if !columns.contains(&single.name) => columns.push(single.name.clone()),
            _ => return None,
        }
    }
    match columns.as_slice() {
        [a, b] => Some([a.clone(), b.clone()]),
        _ => None,
    }
}

fn sql_fix(cx: &RuleCx, table: &Table) -> Option<Fix> {
    let elements = table_elements(cx, table)?;
    let statement = table.created.statement;
    let case = |sql: &str| crate::fix::keyword_case(&elements.file.text, statement, sql);
    // The key joins the CREATE TABLE, which must define its columns.
    let at = table.created.statement_loc();
    let created_there = |c: &str| {
        table
            .column(c)
            .is_some_and(|c| c.def.origin == table.created)
    };
    if let Some([a, b]) =
        junction_columns(table).filter(|[a, b]| created_there(a) && created_there(b))
    {
        let (a, b) = (
            sql_column_at(cx, table, &a, at),
            sql_column_at(cx, table, &b, at),
        );
        let constraint = case(&format!("PRIMARY KEY ({a}, {b})"));
        let title = format!("Add PRIMARY KEY ({a}, {b})");
        let columns = junction_columns(table)?;
        let step = Form::new(cx, table, at).and_then(|form| {
            form.add_primary_key(table, &[&columns[0], &columns[1]])
                .step(&title)
        });
        return Some(Fix::unsafe_(title, elements.append(&constraint)).with_migration(step));
    }
    if table.column("id").is_some() {
        if !created_there("id") {
            return None;
        }
        let key = format!("PRIMARY KEY ({})", sql_column_at(cx, table, "id", at));
        let title = format!("Add {key}");
        let step = Form::new(cx, table, at)
            .and_then(|form| form.add_primary_key(table, &["id"]).step(&title));
        return Some(Fix::unsafe_(title, elements.append(&case(&key))).with_migration(step));
    }
    let column = match cx.policy().keys {
        KeyPolicy::Uuid => "id uuid PRIMARY KEY DEFAULT gen_random_uuid()",
        _ => "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    let title = format!("Add `{column}`");
    let step =
        Form::new(cx, table, at).and_then(|form| form.add_column(table, "id", column).step(&title));
    Some(Fix::unsafe_(title, vec![elements.insert_first(&case(column))]).with_migration(step))
}

fn prisma_fix(cx: &RuleCx, table: &Table) -> Option<Fix> {
    let prisma_field = |column: &str| {
        table
            .column(column)
            .and_then(|c| c.prisma_name.clone())
            .unwrap_or_else(|| column.to_string())
    };
    if let Some([a, b]) = junction_columns(table) {
        let line = format!("@@id([{}, {}])", prisma_field(&a), prisma_field(&b));
        let edit = append_to_prisma_model(cx, table, &line)?;
        return Some(Fix::unsafe_(format!("Add `{line}`"), vec![edit]));
    }
    if table
        .columns
        .iter()
        .any(|c| c.prisma_name.as_deref() == Some("id"))
    {
        return None;
    }
    let line = match cx.policy().keys {
        KeyPolicy::Uuid => "id String @id @default(uuid()) @db.Uuid",
        _ => "id BigInt @id @default(autoincrement())",
    };
    let body = table.elements?;
    let file = cx.file(body.file)?;
    let members = prisma_members(table);
    let edit = crate::fix::prisma::insert_first_member(file, body.range, &members, line);
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
