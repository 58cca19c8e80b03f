//! ## What it does
//! Reports single-column primary keys of a 32-bit or 16-bit integer type: `integer`, `int`,
//! `int4`, `serial`, `smallint`, `int2`, `smallserial` (in Prisma, `Int @id`). A key column
//! that is itself a foreign key (a one-to-one extension of another table) is not reported: its
//! type follows the referenced key, which is reported instead. Nor is a key with a constant
//! default (`id int PRIMARY KEY DEFAULT 1`), the mark of a single-row table.
//!
//! ## Why is this bad?
//! An `integer` key runs out at 2,147,483,647 (a `smallint` at 32,767), and sequences also
//! burn values on rolled-back inserts. When it runs out, inserts fail, and widening the key
//! then rewrites the table and every table that references it, under locks, on the largest
//! tables of the system. `bigint` costs four more bytes per row and never runs out.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id serial PRIMARY KEY,
//!     email text NOT NULL
//! );
//! CREATE TABLE posts (
//!     id bigserial PRIMARY KEY,
//!     author_id integer NOT NULL REFERENCES users (id)
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigserial PRIMARY KEY,
//!     email text NOT NULL
//! );
//! CREATE TABLE posts (
//!     id bigserial PRIMARY KEY,
//!     author_id bigint NOT NULL REFERENCES users (id)
//! );
//! ```
//!
//! ## Fix safety
//! "Use bigint" ("Use bigserial" for a serial; "Use <type> (and <type> for <n> referencing
//! column...)" when foreign keys reference the key) changes the key's type and, in the same
//! action, the type of every foreign-key column in the workspace that references it
//! (recursively, for keys that are referenced in turn), so that the keys keep matching. It is
//! unsafe: a type change rewrites existing tables and changes what application code reads. A
//! sequence created separately `AS integer` (as pg_dump writes them) keeps its own limit. In
//! Prisma, "Use BigInt" makes the key and the relation scalars that reference it `BigInt`, whose
//! client type is `bigint`, not `number`: unsafe too.
//!
//! In an applied migration or a generated dump the fix is a new migration: `ALTER COLUMN ... TYPE
//! bigint` for the key and every referencing column, and for a serial its sequence `AS bigint`
//! (found with `pg_get_serial_sequence`); none when a view reads one of the tables.
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::lower::TypeRef;
use crate::model::{Column, Located, Table, TableId};
use crate::rules::common::{
    builtin, column_label, remove_prisma_native, table_label, type_loc, type_tokens, written_case,
};
use crate::rules::forms::Form;
use crate::rules::keys::referencing_columns;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "integer-primary-key",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        if table.partition_of.is_some() {
            continue;
        }
        let Some(pk) = table.primary_key() else {
            continue;
        };
        let [key] = pk.columns()[..] else { continue };
        let Some(column) = table.column(key) else {
            continue;
        };
        let Some(ty) = column.ty.as_ref().filter(|_| !column.inherited) else {
            continue;
        };
        let Some((name, limit)) = narrow_integer(&ty.value) else {
            continue;
        };
        // A constant default marks a singleton row (`id int PRIMARY KEY DEFAULT 1`), not a counter.
        let constant = column
            .default
            .as_ref()
            .is_some_and(|d| d.value.literal.is_some());
        if is_foreign_key_column(table, key) || constant {
            continue;
        }
        let message = format!(
            "primary key `{}.{}` is `{name}`: it runs out at {limit}, and widening it later rewrites the table and every table that references it; use `bigint`",
            table_label(cx, table, ty.origin.statement_loc()),
            column_label(cx, table, &column.name, ty.origin.statement_loc())
        );
        let fix = widen(cx, table, column);
        out.push(Diagnostic::new(type_loc(ty, table.language), message).with_fixes(fix));
    }
}

/// `integer` or `smallint` (serials included) with its largest value; `None` for other types.
fn narrow_integer(ty: &TypeRef) -> Option<(&'static str, &'static str)> {
    if ty.array_dims > 0 {
        return None;
    }
    match builtin(ty)? {
        "int4" => Some(("integer", "2,147,483,647")),
        "int2" => Some(("smallint", "32,767")),
        _ => None,
    }
}

/// Whether a single-column foreign key of the table is on `column`.
fn is_foreign_key_column(table: &Table, column: &str) -> bool {
    table.foreign_keys().any(|fk| fk.columns() == [column])
}

/// The key and every column referencing it, recursively, made 64-bit in one fix.
fn widen(cx: &RuleCx, table: &Table, column: &Column) -> Option<Fix> {
    let mut queue: Vec<(TableId, String)> = vec![(table.id, column.name.clone())];
    let mut visited: HashSet<(TableId, String)> = HashSet::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut form = Form::new(cx, table, column.def.origin.statement_loc());
    let mut referencing = 0;
    while let Some((id, name)) = queue.pop() {
        if !visited.insert((id, name.clone())) {
            continue;
        }
        let current = cx.model.table(id);
        let Some(col) = current.column(&name) else {
            continue;
        };
        let Some(ty) = &col.ty else { continue };
        if narrow_integer(&ty.value).is_none() {
            continue;
        }
        form = form.and_then(|form| {
            let serial = is_serial(&ty.value);
            let from = if serial {
                narrow_integer(&ty.value).map_or("integer", |(narrow, _)| narrow)
            } else {
                cx.text(ty.loc(ty.value.range))
            };
            form.widen_integer(current, col, serial, (from, "bigint"))
        });
        for edit in widening_edits(cx, current.language, ty) {
            if !edits
                .iter()
                .any(|e| e.file == edit.file && e.range == edit.range)
            {
                edits.push(edit);
            }
        }
        if id != table.id || name != column.name {
            referencing += 1;
        }
        queue.extend(referencing_columns(cx.model, id, &name));
    }
    if edits.is_empty() {
        return None;
    }
    let ty = column.ty.as_ref()?;
    let (target, wide) = match table.language {
        Language::Prisma => ("BigInt", "BigInt"),
        Language::Sql if is_serial(&ty.value) => ("bigserial", "bigint"),
        Language::Sql => ("bigint", "bigint"),
    };
    let title = match referencing {
        0 => format!("Use {target}"),
        1 => format!("Use {target} (and {wide} for 1 referencing column)"),
        n => format!("Use {target} (and {wide} for {n} referencing columns)"),
    };
    let step = form.and_then(|form| form.step(&title));
    Some(Fix::unsafe_(title, edits).with_migration(step))
}

fn is_serial(ty: &TypeRef) -> bool {
    ty.schema.is_none() && crate::catalog::types::is_serial(&ty.name)
}

/// `serial` -> `bigserial`, `integer` -> `bigint`; Prisma `Int` -> `BigInt` without a native
/// 32-bit type.
fn widening_edits(cx: &RuleCx, language: Language, ty: &Located<TypeRef>) -> Vec<Edit> {
    match language {
        Language::Sql => {
            let wide = if is_serial(&ty.value) {
                "bigserial"
            } else {
                "bigint"
            };
            vec![Edit::replace(type_tokens(ty), written_case(cx, ty, wide))]
        }
        Language::Prisma => {
            let mut edits = vec![Edit::replace(ty.loc(ty.value.name_range), "BigInt")];
            edits.extend(remove_prisma_native(cx, ty));
            edits
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
