//! ## What it does
//! Enforces the house style for surrogate keys that `[policy] keys` chooses.
//! - `keys = "identity"`: reports `serial`, `bigserial` and `smallserial` (`serial2/4/8`)
//!   columns;
//! - `keys = "uuid"`: reports, as `info`, single-column primary keys of an integer type
//!   (serial and identity columns included) that are not foreign keys themselves;
//! - `keys = "any"` (the default): off.
//!
//! Prisma models are not reported under `identity`: Prisma has no way to declare an identity
//! column (`@default(autoincrement())` creates a serial).
//!
//! ## Why is this bad?
//! `serial` is a shorthand for an integer column with a separately owned sequence and a
//! `nextval()` default: permissions on the sequence must be granted separately, the sequence
//! does not follow `CREATE TABLE ... LIKE`, and explicit inserts silently desynchronise it.
//! Identity columns (SQL standard, PostgreSQL 10+) tie the sequence to the column, and
//! `GENERATED ALWAYS` rejects accidental explicit values. Teams that key by `uuid` want every
//! new table to follow that choice instead.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigserial PRIMARY KEY,
//!     email text NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
//!     email text NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! "Use bigint GENERATED ALWAYS AS IDENTITY" ("Use integer GENERATED ALWAYS AS IDENTITY" for
//! `serial`, "Use smallint GENERATED ALWAYS AS IDENTITY" for `smallserial`) is unsafe: inserts
//! that supply their own value are rejected afterwards, and statements naming the old sequence
//! must follow its new owner. Under `keys = "uuid"` there is no automatic fix: changing a key's
//! type changes every table that references it.
//!
//! ## Options
//! None.

use crate::catalog::types::is_serial;
use crate::config::{KeyPolicy, Level};
use crate::rules::common::{
    builtin, column_label, defined_columns, table_label, type_loc, type_tokens, written_case,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "prefer-identity",
    level: |policy| match policy.keys {
        KeyPolicy::Identity => Level::Warning,
        KeyPolicy::Uuid => Level::Info,
        KeyPolicy::Any => Level::Off,
    },
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    match cx.policy().keys {
        KeyPolicy::Uuid => uuid_keys(cx, out),
        KeyPolicy::Identity | KeyPolicy::Any => identity_columns(cx, out),
    }
}

fn identity_columns(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if table.language != Language::Sql
            || ty.value.schema.is_some()
            || !is_serial(&ty.value.name)
        {
            continue;
        }
        let integer = match builtin(&ty.value) {
            Some("int8") => "bigint",
            Some("int2") => "smallint",
            _ => "integer",
        };
        let message = format!(
            "`{}` is `{}`: use an identity column, which owns its sequence and rejects accidental explicit values",
            column_label(cx, table, &column.name, ty.origin.statement_loc()),
            ty.value.name
        );
        let Some(file) = cx.file(ty.origin.file) else {
            continue;
        };
        let identity = crate::fix::keyword_case(
            &file.text,
            ty.origin.statement,
            "GENERATED ALWAYS AS IDENTITY",
        );
        let replacement = format!("{} {identity}", written_case(cx, ty, integer));
        let title = format!("Use {integer} GENERATED ALWAYS AS IDENTITY");
        let fix = Fix::unsafe_(title, vec![Edit::replace(type_tokens(ty), replacement)]);
        out.push(Diagnostic::new(type_tokens(ty), message).with_fix(fix));
    }
}

fn uuid_keys(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        if table.partition_of.is_some() {
            continue;
        }
        let Some(pk) = table.primary_key() else {
            continue;
        };
        let [key] = pk.columns()[..] else { continue };
        let Some(column) = table.column(key).filter(|c| !c.inherited) else {
            continue;
        };
        let Some(ty) = &column.ty else { continue };
        if ty.value.array_dims > 0 || !matches!(builtin(&ty.value), Some("int2" | "int4" | "int8"))
        {
            continue;
        }
        if table.foreign_keys().any(|fk| fk.columns() == [key]) {
            continue;
        }
        let message = format!(
            "primary key `{}.{}` is an integer; the house style (`[policy] keys = \"uuid\"`) keys tables by `uuid`",
            table_label(cx, table, ty.origin.statement_loc()),
            column_label(cx, table, &column.name, ty.origin.statement_loc())
        );
        out.push(Diagnostic::new(type_loc(ty, table.language), message));
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
