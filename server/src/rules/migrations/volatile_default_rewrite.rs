//! ## What it does
//! Reports `ALTER TABLE ... ADD COLUMN` in a migration not yet applied, on a table that an
//! earlier migration created, when PostgreSQL fills the new column row by row:
//! - a default that calls a volatile function: `random()`, `gen_random_uuid()`,
//!   `uuid_generate_v4()` (and the other `uuid_generate_*`), `clock_timestamp()`,
//!   `timeofday()`, `nextval(...)`, `gen_random_bytes()`, or a function of the workspace not
//!   declared IMMUTABLE or STABLE (PostgreSQL's default is VOLATILE);
//! - a serial column (its default is `nextval`), an identity column, a stored generated column;
//! - before PostgreSQL 11 (`[migrations] postgres_version`), any default but NULL.
//!
//! Constants, casts and stable functions (`now()`, `CURRENT_TIMESTAMP`, `CURRENT_DATE`,
//! `transaction_timestamp()`) are evaluated once from PostgreSQL 11 on and stored in the
//! catalog: they are not reported. Nor are tables created in the same migration.
//!
//! ## Why is this bad?
//! PostgreSQL rewrites the whole table, computing the value for each row, while it holds an
//! ACCESS EXCLUSIVE lock: reads and writes wait until every row is copied and every index
//! rebuilt. Adding the column without the default is instant; the default can be set
//! afterwards (it applies to new rows only) and existing rows filled in batches.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_public_id.sql (orders was created by 0001)
//! ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0002_public_id.sql
//! ALTER TABLE orders ADD COLUMN public_id uuid;
//! -- migrations/0003_default_orders_public_id.sql
//! ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
//! -- then fill the existing rows in batches:
//! -- UPDATE orders SET public_id = gen_random_uuid() WHERE public_id IS NULL AND id < ...;
//! ```
//!
//! ## Fix safety
//! "Add the column without the default, set it in a later migration" removes the `DEFAULT`
//! clause and writes `ALTER TABLE ... ALTER COLUMN ... SET DEFAULT ...` as a new migration,
//! with the batched backfill as a comment. It is unsafe: existing rows hold NULL until they are
//! backfilled by hand. It is offered for a nullable column with a default only (a NOT NULL
//! column needs the backfill before `SET NOT NULL`; serial, identity and generated columns
//! need a new sequence or a trigger).
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::keyword_case;
use crate::lower::{AlterTableAction, ColumnDef, Expr, Fact, Literal};
use crate::model::Loc;
use crate::model::names::quote_if_needed;
use crate::rules::migrations::{
    MigrationStatement, last_word_before, later_migration, on_tables_with_rows,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "volatile-default-rewrite",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

/// Built-in and extension functions that return a new value on each call.
const VOLATILE: &[&str] = &[
    "random",
    "random_normal",
    "gen_random_uuid",
    "uuidv4",
    "uuidv7",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "gen_random_bytes",
    "setval",
];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let version = cx.config.migrations.postgres_version();
    for found in on_tables_with_rows(cx) {
        let Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        for action in &alter.actions {
            let AlterTableAction::AddColumn { column, .. } = &action.action else {
                continue;
            };
            let Some((range, what)) = rewriting_part(cx, &found, column, version) else {
                continue;
            };
            let at = Loc {
                file: found.file.id,
                range: found.statement.absolute(range),
            };
            let message = format!(
                "adding column `{}` with {what} rewrites existing table `{}` under an ACCESS EXCLUSIVE lock, blocking reads and writes; add it without, set the default afterwards and backfill in batches",
                quote_if_needed(&column.name.name),
                found.table.name_at(cx.model, at)
            );
            let fix = default_fix(cx, &found, alter, column);
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
}

/// The part of the column definition that makes PostgreSQL rewrite the table, and what it is.
fn rewriting_part(
    cx: &RuleCx,
    found: &MigrationStatement,
    column: &ColumnDef,
    version: u32,
) -> Option<(TextRange, String)> {
    let text = cx.text(Loc {
        file: found.file.id,
        range: found.statement.range(),
    });
    let definition = &text[column.range.start() as usize..column.range.end() as usize];
    let relative = |start: usize, end: usize| {
        TextRange::new(
            column.range.start() + start as u32,
            column.range.start() + end as u32,
        )
    };
    let word_end =
        |word: &str| last_word_before(definition, definition.len(), word).map(|at| at + word.len());
    if let Some(generated) = &column.generated {
        let head = (generated.range.start() - column.range.start()) as usize;
        let start = last_word_before(definition, head, "generated")?;
        // Virtual generated columns (PostgreSQL 18) are computed when read.
        let end = word_end("stored")?;
        return Some((relative(start, end), "a stored generated column".to_owned()));
    }
    if column.identity.is_some() {
        let start = last_word_before(definition, definition.len(), "generated")?;
        let end = word_end("identity")?;
        return Some((relative(start, end), "an identity".to_owned()));
    }
    if let Some(ty) = &column.ty
        && matches!(
            ty.name.as_str(),
            "serial" | "bigserial" | "smallserial" | "serial2" | "serial4" | "serial8"
        )
    {
        return Some((ty.range, format!("type `{}`", ty.name)));
    }
    let default = column.default.as_ref()?;
    let range = column.default_range?;
    if version < 11 {
        if default.literal == Some(Literal::Null) {
            return None;
        }
        return Some((
            range,
            format!(
                "a default (PostgreSQL {version} stores it in every row; 11 and later do not for a non-volatile one)"
            ),
        ));
    }
    let volatile = default
        .functions
        .iter()
        .find(|f| VOLATILE.contains(&f.as_str()) || volatile_in_workspace(cx, f))?;
    Some((range, format!("volatile default `{volatile}()`")))
}

/// A function of the workspace named `name` declared neither IMMUTABLE nor STABLE.
fn volatile_in_workspace(cx: &RuleCx, name: &str) -> bool {
    let mut found = cx
        .model
        .functions
        .iter()
        .filter(|f| f.value.name.name.name == name)
        .peekable();
    found.peek().is_some()
        && found.all(|function| {
            let text = cx.text(function.origin.statement_loc());
            // The body may say anything; the declaration is outside it.
            let (before, after) = match function.value.body_range {
                Some(body) => (
                    text.get(..body.start() as usize).unwrap_or(text),
                    text.get(body.end() as usize..).unwrap_or(""),
                ),
                None => (text, ""),
            };
            let declares = |part: &str| {
                let part = part.to_ascii_lowercase();
                part.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|word| word == "immutable" || word == "stable")
            };
            !declares(before) && !declares(after)
        })
}

/// Removes the DEFAULT of a nullable column and sets it in a later migration.
fn default_fix(
    cx: &RuleCx,
    found: &MigrationStatement,
    alter: &crate::lower::AlterTable,
    column: &ColumnDef,
) -> Option<Fix> {
    if column.not_null.is_some()
        || column.identity.is_some()
        || column.generated.is_some()
        || !column.constraints.is_empty()
    {
        return None;
    }
    let default: &Expr = column.default.as_deref()?;
    let range = found.statement.absolute(column.default_range?);
    let file = found.file;
    let text = &file.text;
    let leading =
        text[..range.start() as usize].len() - text[..range.start() as usize].trim_end().len();
    let removed = TextRange::new(range.start() - leading as u32, range.end());
    let written = |range: TextRange| {
        cx.text(Loc {
            file: file.id,
            range: found.statement.absolute(range),
        })
    };
    let table = written(alter.name.range);
    let name = written(column.name.range);
    let value = written(default.range);
    let statement = found.statement.range();
    let later = keyword_case(
        text,
        statement,
        &format!("ALTER TABLE {table} ALTER COLUMN {name} SET DEFAULT {value};\n"),
    ) + &format!(
        "-- Then fill the existing rows in batches:\n-- UPDATE {table} SET {name} = {value} WHERE {name} IS NULL AND <key range>;\n"
    );
    Some(
        Fix::unsafe_(
            "Add the column without the default, set it in a later migration",
            vec![Edit::replace(
                Loc {
                    file: file.id,
                    range: removed,
                },
                "",
            )],
        )
        .in_new_migration(later_migration(
            &format!(
                "default {} {}",
                found.table.name.name,
                quote_if_needed(&column.name.name)
            ),
            later,
        )),
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
