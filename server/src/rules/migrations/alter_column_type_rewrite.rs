//! ## What it does
//! Reports `ALTER TABLE ... ALTER COLUMN c [SET DATA] TYPE ...` in a migration not yet applied,
//! on a table that an earlier migration created, on the `TYPE ...` clause, when the change
//! rewrites the table or its indexes. The column's type before the statement comes from its
//! definition and the earlier type changes; changes PostgreSQL makes without a rewrite are not
//! reported:
//! - `varchar(n)` to `varchar(m)` with m ≥ n, or to `varchar`, `text`; `text` to `varchar`;
//!   `varchar` to `text`; `bit varying(n)` to a longer or unlimited `bit varying`;
//! - `numeric(p, s)` to `numeric(p', s)` with p' ≥ p, or to `numeric`;
//! - `time`, `timetz`, `timestamp`, `timestamptz` to a greater or unlimited precision;
//!   `interval(p)` to `interval`; `cidr` to `inet`; the same type;
//! - with a `USING` clause only when it is the column itself (`USING c` or `USING c::type`).
//!
//! `text` or `varchar` to the citext extension's `citext` (and back to `text`) keeps the table
//! but rebuilds the indexes on the column (another operator class): reported only when an
//! index or key covers the column.
//!
//! Any other change is reported (PostgreSQL rewrites unless the types are binary coercible),
//! `timestamp` to `timestamptz` and back included: PostgreSQL 12 and later skip the table
//! rewrite when the session's TimeZone is UTC, but rebuild the column's indexes anyway. Columns
//! whose former type is unknown and tables created in the same migration are not reported.
//!
//! ## Why is this bad?
//! The rewrite copies every row and rebuilds every index of the table while holding an ACCESS
//! EXCLUSIVE lock: reads and writes wait until it is done, minutes or hours on a large table.
//! The safe way is expand and contract: add a new column of the new type, keep it in step with
//! the old one (a trigger or the application), backfill it in batches, then switch readers to
//! it and drop the old column in a later migration.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_bigint_ids.sql (orders was created by 0001 with `customer_id int`)
//! ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint;
//! ```
//!
//! Use instead:
//! ```sql
//! -- migrations/0002_bigint_ids.sql
//! ALTER TABLE orders ADD COLUMN customer_id_new bigint;
//! -- then: a trigger copying customer_id to customer_id_new, a batched backfill
//! -- (UPDATE orders SET customer_id_new = customer_id WHERE id BETWEEN ... AND ...),
//! -- and a later migration swapping the columns.
//! ```
//!
//! ## Fix safety
//! "Add a new column instead (expand and contract)" replaces the type change with `ADD COLUMN
//! <column>_new <type>` and puts the rest of the plan in a comment above the statement: sync,
//! batched backfill, and a later migration that swaps the columns. It is unsafe: it is only the
//! first step, the column keeps its old type until the rest is done by hand, and the new column
//! has none of the old one's default, NOT NULL or constraints. It is not offered when
//! `<column>_new` exists.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::{keyword_case, line_ending, start_of_line};
use crate::lower::{AlterTableAction, ConstraintKind, Expr, Fact, Ident, TypeRef};
use crate::model::names::quote_if_needed;
use crate::model::{Loc, Model, Table};
use crate::rules::migrations::{
    MigrationStatement, TableAlter, last_word_before, on_tables_with_rows, table_alters,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope, escape_snippet};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "alter-column-type-rewrite",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let version = cx.config.migrations.postgres_version();
    let mut alters: Option<Vec<TableAlter>> = None;
    for found in on_tables_with_rows(cx) {
        let Fact::AlterTable(alter) = found.fact else {
            continue;
        };
        for action in &alter.actions {
            let AlterTableAction::AlterColumnType { column, ty, using } = &action.action else {
                continue;
            };
            let statement = Loc {
                file: found.file.id,
                range: found.statement.range(),
            };
            let alters = alters.get_or_insert_with(|| table_alters(cx));
            let Some((from, from_loc)) =
                type_before(cx.model, found.table, alters, &column.name, statement)
            else {
                continue;
            };
            // A USING expression other than the column computes every row anew.
            let computed = using
                .as_ref()
                .is_some_and(|using| !is_the_column(using, &column.name));
            let indexes_only = !computed && citext_relabel(from, ty);
            if indexes_only {
                if !indexed(cx.model, found.table, &column.name, statement) {
                    continue;
                }
            } else if !computed && !rewrites(from, ty) {
                continue;
            }
            let action_range = found.statement.absolute(action.range);
            let type_range = found.statement.absolute(ty.range);
            let action_text = cx.text(Loc {
                file: found.file.id,
                range: action_range,
            });
            let head = (type_range.start() - action_range.start()) as usize;
            let keyword = last_word_before(action_text, head, "type").map(|at| {
                // `SET DATA TYPE` is the same clause.
                last_word_before(action_text, at, "set")
                    .filter(|set| {
                        action_text[*set..at]
                            .split_whitespace()
                            .map(str::to_ascii_lowercase)
                            .eq(["set", "data"])
                    })
                    .unwrap_or(at)
            });
            let start = keyword.map_or(type_range.start(), |at| action_range.start() + at as u32);
            let end = using.as_ref().map_or(type_range.end(), |using| {
                found.statement.absolute(using.range).end()
            });
            let at = Loc {
                file: found.file.id,
                range: TextRange::new(start, end),
            };
            let table = found.table.name_at(cx.model, at);
            let timestamps = matches!(
                (from.builtin, ty.builtin),
                (Some("timestamp"), Some("timestamptz")) | (Some("timestamptz"), Some("timestamp"))
            ) && from.array_dims == 0
                && ty.array_dims == 0;
            let note = if timestamps && version >= 12 {
                " (PostgreSQL 12+ skips the table rewrite when the session TimeZone is UTC, but rebuilds the column's indexes)"
            } else {
                ""
            };
            let from_text = cx.text(from_loc);
            let to_text = cx.text(Loc {
                file: found.file.id,
                range: type_range,
            });
            let message = if indexes_only {
                format!(
                    "changing `{}` from `{from_text}` to `{to_text}` rebuilds the indexes on it of existing table `{table}` (the table itself is not rewritten) under an ACCESS EXCLUSIVE lock, blocking reads and writes; add a new column, backfill it in batches, then swap",
                    quote_if_needed(&column.name),
                )
            } else {
                format!(
                    "changing `{}` from `{from_text}` to `{to_text}` rewrites existing table `{table}` and its indexes{note} under an ACCESS EXCLUSIVE lock, blocking reads and writes; add a new column, backfill it in batches, then swap",
                    quote_if_needed(&column.name),
                )
            };
            let fix = expand_fix(cx, &found, column, ty, using.as_deref(), action_range);
            out.push(Diagnostic::new(at, message).with_fixes(fix));
        }
    }
}

/// The column's type just before `before` (its definition's, or the last earlier type change's),
/// with where it is written.
fn type_before<'a>(
    model: &'a Model,
    table: &'a Table,
    alters: &'a [TableAlter],
    column: &str,
    before: Loc,
) -> Option<(&'a TypeRef, Loc)> {
    let current = table
        .columns
        .iter()
        .find(|c| c.name_at(model, before) == column)?;
    let mut found: Option<(&TypeRef, Loc)> = None;
    let mut found_at: Option<Loc> = None;
    for alter in alters
        .iter()
        .filter(|a| a.table == table.id && model.precedes(a.statement, before))
    {
        if found_at.is_some_and(|at| model.precedes(alter.statement, at)) {
            continue;
        }
        let name = current.name_at(model, alter.statement);
        for action in &alter.alter.actions {
            if let AlterTableAction::AlterColumnType { column, ty, .. } = &action.action
                && column.name == name
            {
                let base = alter.statement.range.start();
                let loc = Loc {
                    file: alter.statement.file,
                    range: TextRange::new(base + ty.range.start(), base + ty.range.end()),
                };
                found = Some((ty, loc));
                found_at = Some(alter.statement);
            }
        }
    }
    if found.is_some() {
        return found;
    }
    let ty = current.def.value.ty.as_deref()?;
    Some((ty, current.def.loc(ty.range)))
}

/// `USING c` or `USING c::type`: the stored value, as without USING.
fn is_the_column(using: &Expr, column: &str) -> bool {
    let written = quote_if_needed(column);
    let text = using.normalized.as_str();
    let rest = text
        .strip_prefix(column)
        .or_else(|| text.strip_prefix(written.as_str()));
    rest.is_some_and(|rest| rest.is_empty() || rest.trim_start().starts_with("::"))
        && using.functions.is_empty()
}

/// `text` or `varchar` to the citext extension's type and back: a binary-coercible cast, but
/// another operator class, so only the column's indexes are rebuilt.
fn citext_relabel(from: &TypeRef, to: &TypeRef) -> bool {
    let plain = |ty: &TypeRef| ty.array_dims == 0;
    let citext = |ty: &TypeRef| plain(ty) && ty.builtin.is_none() && ty.name == "citext";
    let text = |ty: &TypeRef| plain(ty) && matches!(ty.builtin, Some("text" | "varchar"));
    (text(from) && citext(to)) || (citext(from) && text(to) && to.modifiers.is_empty())
}

/// Whether an index or a key of `table` that exists at `at` covers `column` (named as at `at`).
fn indexed(model: &Model, table: &Table, column: &str, at: Loc) -> bool {
    let Some(current) = table
        .columns
        .iter()
        .find(|c| c.name_at(model, at) == column)
    else {
        return true;
    };
    let indexes = model
        .indexes_of(table.id)
        .filter(|index| model.precedes(index.def.origin.statement_loc(), at))
        .any(|index| {
            let name = current.name_at(model, index.def.origin.statement_loc());
            let index = &index.def.value;
            index.elements.iter().any(|element| {
                element.column.as_ref().is_some_and(|c| c.name == name)
                    || element
                        .expression
                        .as_ref()
                        .is_some_and(|e| e.columns.iter().any(|c| c.name == name))
            })
        });
    let keys = table
        .constraints
        .iter()
        .filter(|c| model.precedes(c.def.origin.statement_loc(), at))
        .filter(|c| {
            matches!(
                c.kind(),
                ConstraintKind::PrimaryKey { .. }
                    | ConstraintKind::Unique { .. }
                    | ConstraintKind::Exclude { .. }
            )
        })
        .any(|c| {
            let name = current.name_at(model, c.def.origin.statement_loc());
            c.columns().contains(&name)
        });
    indexes || keys
}

/// Whether PostgreSQL rewrites the table (or rebuilds indexes) to change `from` into `to`.
fn rewrites(from: &TypeRef, to: &TypeRef) -> bool {
    if from.array_dims != to.array_dims {
        return true;
    }
    let same_name = from.name == to.name && from.schema == to.schema;
    let (Some(a), Some(b)) = (from.builtin, to.builtin) else {
        // A type of the workspace or an extension: free only when unchanged.
        return !(same_name && from.modifiers == to.modifiers);
    };
    if from.array_dims > 0 {
        // Element conversions of arrays always rewrite.
        return !(a == b && from.modifiers == to.modifiers);
    }
    let number = |m: Option<&String>| m.and_then(|m| m.trim().parse::<u32>().ok());
    let first = |ty: &TypeRef| number(ty.modifiers.first());
    match (a, b) {
        ("varchar", "varchar") | ("varbit", "varbit") => match (first(from), first(to)) {
            (_, None) if to.modifiers.is_empty() => false,
            (Some(old), Some(new)) => new < old,
            _ => true,
        },
        ("varchar", "text") | ("cidr", "inet") => false,
        ("text", "varchar") => !to.modifiers.is_empty(),
        ("numeric", "numeric") => {
            if to.modifiers.is_empty() {
                return false;
            }
            let scale = |ty: &TypeRef| number(ty.modifiers.get(1)).unwrap_or(0);
            match (first(from), first(to)) {
                (Some(old), Some(new)) => new < old || scale(from) != scale(to),
                _ => true,
            }
        }
        ("time" | "timetz" | "timestamp" | "timestamptz", _) if a == b => {
            // No precision is the greatest, 6.
            let precision = |ty: &TypeRef| {
                if ty.modifiers.is_empty() {
                    Some(6)
                } else {
                    first(ty)
                }
            };
            match (precision(from), precision(to)) {
                (Some(old), Some(new)) => new < old,
                _ => true,
            }
        }
        ("interval", "interval") => {
            !(to.modifiers.is_empty() && from.name == to.name || from.modifiers == to.modifiers)
        }
        _ => !(a == b && from.modifiers == to.modifiers),
    }
}

/// Replaces the type change with a new column and writes the rest of the plan above the
/// statement.
fn expand_fix(
    cx: &RuleCx,
    found: &MigrationStatement,
    column: &Ident,
    ty: &TypeRef,
    using: Option<&Expr>,
    action_range: TextRange,
) -> Option<Fix> {
    let new_name = format!("{}_new", column.name);
    if found.table.column(&new_name).is_some() || new_name.len() > 63 {
        return None;
    }
    let file = found.file;
    let text = &file.text;
    let statement = found.statement.range();
    let written = |range: TextRange| {
        cx.text(Loc {
            file: file.id,
            range: found.statement.absolute(range),
        })
    };
    let old = written(column.range);
    let new = quote_if_needed(&new_name);
    let ty_text = written(ty.range);
    // On one comment line: a USING expression with comments of its own stays out.
    let value = match using.map(|using| written(using.range)) {
        None => old.to_owned(),
        Some(expression) if expression.contains("--") || expression.contains("/*") => {
            "<the USING expression>".to_owned()
        }
        Some(expression) => expression.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    let table = found
        .table
        .name_at(
            cx.model,
            Loc {
                file: file.id,
                range: statement,
            },
        )
        .to_string();
    let add = keyword_case(
        text,
        statement,
        &format!(
            "ADD COLUMN ${{1:{}}} {}",
            escape_snippet(&new),
            escape_snippet(ty_text)
        ),
    );
    let newline = line_ending(text);
    let line = start_of_line(text, statement.start());
    let plan = format!(
        "-- Expand and contract: keep {new} in step with {old} (a trigger), backfill it in batches{newline}\
         -- (UPDATE {table} SET {new} = {value} WHERE <key range>), then swap the columns in a later migration.{newline}"
    );
    Some(Fix::unsafe_(
        "Add a new column instead (expand and contract)",
        vec![
            Edit::insert(file.id, line, plan),
            Edit::snippet(file.id, action_range, add),
        ],
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
