//! ## What it does
//! Reports tables that end the workspace without a creation timestamp (`created_at`, or an
//! alias such as `inserted_at`, `created`, `created_on`) or without an update timestamp
//! (`updated_at`, or `modified_at`, `updated`, `last_updated`, `last_update`, ...). Columns added
//! later by `ALTER TABLE ... ADD COLUMN` count; camelCase names (Prisma's `createdAt`) match
//! their snake_case form. One diagnostic per table, on its name, saying what is missing.
//!
//! Not reported: junction tables (two foreign-key columns, perhaps a surrogate key and audit
//! columns; or just a primary key of two `*_id` columns), partitions, temporary tables, tables
//! whose columns the model cannot see (`CREATE TABLE ... AS`), the bookkeeping tables of
//! migration tools (`schema_migrations`, `goose_db_version`, `flyway_schema_history`, ...),
//! tables listed in `allow` (lookup tables). Append-only tables only need the creation
//! timestamp: those whose name's last word, in any case style, is `log`, `logs`, `events`,
//! `history`, `audit` or `versions`, or whose first word is `audit` (`audit_log`,
//! `DocumentAuditLog`, `ImpersonationAuditLog`, `film_history`), and those listed in
//! `append_only`. An alias counts only with a type that holds a time (`timestamptz`,
//! `timestamp`, `date`): a `created_at Int` holding an epoch is not a creation timestamp.
//!
//! ## Why is this bad?
//! When a row appeared and when it last changed are the first questions of every incident,
//! support request and data migration, and they cannot be answered after the fact. The columns
//! cost 16 bytes a row.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (
//!     id bigint PRIMARY KEY,
//!     name text NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE projects (
//!     id bigint PRIMARY KEY,
//!     name text NOT NULL,
//!     created_at timestamptz NOT NULL DEFAULT now(),
//!     updated_at timestamptz NOT NULL DEFAULT now()
//! );
//! ```
//!
//! ## Fix safety
//! "Add created_at/updated_at" ("Add created_at", "Add updated_at" when one is there) inserts
//! `created_at timestamptz NOT NULL DEFAULT now()` and/or `updated_at timestamptz NOT NULL
//! DEFAULT now()` as the last columns of the CREATE TABLE, before its table constraints, in its
//! indentation and keyword case. In Prisma it adds `createdAt DateTime @default(now())
//! @db.Timestamptz(3)` and `updatedAt DateTime @updatedAt @db.Timestamptz(3)` after the last
//! column (with `@map("created_at")` when the model maps its fields to snake_case columns). It
//! is unsafe: `INSERT` statements without a column list and `SELECT *` consumers see new
//! columns. It is not offered when a column of the name it would add exists with another type.
//!
//! In an applied migration or a generated dump the fix is a new migration of `ALTER TABLE ... ADD
//! COLUMN` statements (existing rows get the time of the migration), undone by dropping the
//! columns.
//!
//! ## Options
//! - `allow`: tables (globs) that need no timestamps, such as lookup tables.
//! - `append_only`: tables (globs) whose rows are never updated.
//! - `created_names`: column names that record creation.
//! - `updated_names`: column names that record the last update.

use crate::config::{Level, OptionKind, OptionSpec};
use crate::fix::{end_of_line, indentation_in, keyword_case, line_ending, start_of_line};
use crate::lower::Persistence;
use crate::model::Table;
use crate::rules::audit::holds_time;
use crate::rules::common::{column_label, matches_any, table_label, written_words};
use crate::rules::forms::Form;
use crate::rules::words::last_word_in;
use crate::rules::words::snake_case;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "missing-timestamps",
    level: |_| Level::Warning,
    options: &[
        OptionSpec {
            name: "allow",
            kind: OptionKind::StringList,
            doc: "tables (globs) that need no timestamps",
        },
        OptionSpec {
            name: "append_only",
            kind: OptionKind::StringList,
            doc: "tables (globs) whose rows are never updated",
        },
        OptionSpec {
            name: "created_names",
            kind: OptionKind::StringList,
            doc: "column names that record creation",
        },
        OptionSpec {
            name: "updated_names",
            kind: OptionKind::StringList,
            doc: "column names that record the last update",
        },
    ],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const CREATED: &[&str] = &[
    "created_at",
    "inserted_at",
    "created",
    "created_on",
    "createdat",
    "createdon",
    "creation_date",
    "created_date",
    "create_date",
    "date_created",
];
const UPDATED: &[&str] = &[
    "updated_at",
    "modified_at",
    "updated",
    "updated_on",
    "updatedat",
    "updatedon",
    "last_update",
    "last_updated",
    "last_updated_at",
    "modified",
    "modified_on",
    "modified_date",
    "modifieddate",
    "date_modified",
    "last_modified",
    "last_modified_at",
];
/// The last words of an append-only table's name (`audit_log`, `DocumentAuditLog`,
/// `film_history`); a name whose first word is `audit` (`audit_entries`) is one too.
const APPEND_ONLY_LAST_WORDS: &[&str] = &[
    "log", "logs", "events", "history", "audit", "audits", "versions",
];

/// Tables migration tools keep their own records in.
const BOOKKEEPING: &[&str] = &[
    "schema_migrations",
    "ar_internal_metadata",
    "django_migrations",
    "goose_db_version",
    "flyway_schema_history",
    "__diesel_schema_migrations",
    "_prisma_migrations",
    "_sqlx_migrations",
    "knex_migrations",
    "knex_migrations_lock",
    "databasechangelog",
    "databasechangeloglock",
    "schema_version",
    "migrations",
];

const CREATED_COLUMN: &str = "created_at timestamptz NOT NULL DEFAULT now()";
const UPDATED_COLUMN: &str = "updated_at timestamptz NOT NULL DEFAULT now()";

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let allow = cx.option_strings("allow", &[]);
    let append_only = cx.option_strings("append_only", &[]);
    let created_names = cx.option_strings("created_names", CREATED);
    let updated_names = cx.option_strings("updated_names", UPDATED);
    for table in cx.live_tables() {
        if table.partition_of.is_some()
            || table.persistence == Persistence::Temporary
            || table.columns_incomplete
            || matches_any(&allow, &table.name.name)
            || BOOKKEEPING.contains(&table.name.name.as_str())
        {
            continue;
        }
        // An alias counts only with a type that holds a time (not an epoch `Int`).
        let has = |names: &[String]| {
            table.columns.iter().any(|c| {
                let snake = snake_case(&c.name);
                names.iter().any(|n| *n == snake) && holds_time(cx, c) != Some(false)
            })
        };
        let needs_created = !has(&created_names);
        let needs_updated = !has(&updated_names) && !is_append_only(cx, table, &append_only);
        let missing = match (needs_created, needs_updated) {
            (false, false) => continue,
            (true, true) => "`created_at` or `updated_at` columns",
            (true, false) => "`created_at` column",
            (false, true) => "`updated_at` column",
        };
        if is_junction(table, &created_names, &updated_names) {
            continue;
        }
        let mut message = format!(
            "table `{}` has no {missing}",
            table_label(cx, table, table.name_loc)
        );
        let not_a_time = table.columns.iter().find(|c| {
            let snake = snake_case(&c.name);
            created_names
                .iter()
                .chain(&updated_names)
                .any(|n| *n == snake)
                && holds_time(cx, c) == Some(false)
        });
        if let Some(column) = not_a_time {
            let ty = column
                .ty
                .as_ref()
                .map_or("", |ty| cx.text(ty.loc(ty.value.range)));
            message.push_str(&format!(
                " (`{}` is `{ty}`, not a time)",
                column_label(cx, table, &column.name, table.name_loc)
            ));
        }
        // The names the fix adds must be free.
        let taken = |name: &str| table.columns.iter().any(|c| snake_case(&c.name) == name);
        let fix = match table.language {
            _ if (needs_created && taken("created_at"))
                || (needs_updated && taken("updated_at")) =>
            {
                None
            }
            Language::Sql => sql_fix(cx, table, needs_created, needs_updated),
            Language::Prisma => prisma_fix(cx, table, needs_created, needs_updated),
        };
        out.push(Diagnostic::new(table.name_loc, message).with_fixes(fix));
    }
}

/// Whether the table's rows are never updated, by its name (in any case style) or the
/// `append_only` option.
fn is_append_only(cx: &RuleCx, table: &Table, configured: &[String]) -> bool {
    let name = &table.name.name;
    let words = written_words(cx, name, table.name_loc);
    matches_any(configured, name)
        || matches_any(configured, &snake_case(name))
        || last_word_in(&words, APPEND_ONLY_LAST_WORDS)
        || words.first().is_some_and(|first| first == "audit")
}

/// Two foreign-key columns and nothing else but a surrogate key and audit columns; or a
/// primary key of two `*_id` columns and nothing else (foreign keys may be declared elsewhere).
fn is_junction(table: &Table, created: &[String], updated: &[String]) -> bool {
    let columns: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| {
            let snake = snake_case(c);
            !created.iter().chain(updated).any(|n| *n == snake)
        })
        .collect();
    let key: Vec<&str> = table
        .primary_key()
        .map(|pk| pk.columns())
        .unwrap_or_default();
    let mut fk_columns: Vec<&str> = table.foreign_keys().flat_map(|fk| fk.columns()).collect();
    fk_columns.sort_unstable();
    fk_columns.dedup();
    if fk_columns.len() == 2 {
        let others: Vec<&&str> = columns.iter().filter(|c| !fk_columns.contains(c)).collect();
        return others.len() <= 1 && others.iter().all(|c| key.contains(c));
    }
    key.len() == 2
        && columns.len() == 2
        && columns
            .iter()
            .all(|c| key.contains(c) && snake_case(c).ends_with("_id"))
}

fn title(created: bool, updated: bool) -> &'static str {
    match (created, updated) {
        (true, true) => "Add created_at/updated_at",
        (true, false) => "Add created_at",
        _ => "Add updated_at",
    }
}

fn sql_fix(cx: &RuleCx, table: &Table, created: bool, updated: bool) -> Option<Fix> {
    let parens = table.elements?;
    let file = cx.file(parens.file)?;
    let text = &*file.text;
    let statement = table.created.statement;
    let columns: Vec<String> = [(created, CREATED_COLUMN), (updated, UPDATED_COLUMN)]
        .into_iter()
        .filter(|(wanted, _)| *wanted)
        .map(|(_, column)| keyword_case(text, statement, column))
        .collect();
    let column_ranges: Vec<TextRange> = table
        .columns
        .iter()
        .filter(|c| c.def.origin == table.created && !c.inherited)
        .map(|c| c.def.loc(c.def.value.range).range)
        .collect();
    let elements = crate::rules::common::table_elements(cx, table)?;
    let single_line = !file.slice(parens.range).contains('\n');
    let newline = line_ending(text);
    let indent = elements.indent();
    let last_column = column_ranges.iter().map(|r| r.end()).max();
    // The first table constraint after the last column: the new columns go before it.
    let before = elements
        .elements
        .iter()
        .find(|e| last_column.is_none_or(|end| e.start() >= end));
    let edits = match before {
        Some(constraint) if single_line => {
            vec![Edit::insert(
                file.id,
                constraint.start(),
                format!("{}, ", columns.join(", ")),
            )]
        }
        Some(constraint) => {
            let line_start = start_of_line(text, constraint.start());
            if text[line_start as usize..constraint.start() as usize]
                .trim()
                .is_empty()
            {
                let lines: String = columns
                    .iter()
                    .map(|c| format!("{indent}{c},{newline}"))
                    .collect();
                vec![Edit::insert(file.id, line_start, lines)]
            } else {
                let lines: String = columns
                    .iter()
                    .map(|c| format!("{c},{newline}{indent}"))
                    .collect();
                vec![Edit::insert(file.id, constraint.start(), lines)]
            }
        }
        None if single_line => elements.append(&columns.join(", ")),
        None => elements.append(&columns.join(&format!(",{newline}{indent}"))),
    };
    let mut form = Form::new(cx, table, table.created.statement_loc());
    for (wanted, name, definition) in [
        (created, "created_at", CREATED_COLUMN),
        (updated, "updated_at", UPDATED_COLUMN),
    ] {
        if wanted {
            form = form.map(|form| form.add_column(table, name, definition));
        }
    }
    let title = title(created, updated);
    let step = form.and_then(|form| form.step(title));
    Some(Fix::unsafe_(title, edits).with_migration(step))
}

fn prisma_fix(cx: &RuleCx, table: &Table, created: bool, updated: bool) -> Option<Fix> {
    let last = table
        .columns
        .iter()
        .map(|c| c.def.loc(c.def.value.range))
        .max_by_key(|loc| loc.range.end())?;
    let file = cx.file(last.file)?;
    let text = &*file.text;
    let newline = line_ending(text);
    let indent = indentation_in(file, last.range.start());
    let fields = |c: &crate::model::Column| c.prisma_name.as_deref().unwrap_or(&c.name).to_string();
    let snake_fields = table.columns.iter().any(|c| fields(c).contains('_'));
    let maps_to_snake = table
        .columns
        .iter()
        .any(|c| fields(c) != c.name && c.name.contains('_'));
    let field = |camel: &str, snake: &str, attributes: &str| {
        if snake_fields {
            format!("{snake} DateTime {attributes}")
        } else if maps_to_snake {
            format!("{camel} DateTime {attributes} @map(\"{snake}\")")
        } else {
            format!("{camel} DateTime {attributes}")
        }
    };
    let mut lines = String::new();
    if created {
        let line = field(
            "createdAt",
            "created_at",
            "@default(now()) @db.Timestamptz(3)",
        );
        lines.push_str(&format!("{newline}{indent}{line}"));
    }
    if updated {
        let line = field("updatedAt", "updated_at", "@updatedAt @db.Timestamptz(3)");
        lines.push_str(&format!("{newline}{indent}{line}"));
    }
    // After the last field's line, unless the model's closing brace ends that line (`@default(0
    // )}`): then before the brace, which goes to a line of its own.
    let closing = table.elements?.range.end() - 1;
    let at = end_of_line(text, last.range.end());
    let edit = if at > closing {
        Edit::insert(file.id, closing, format!("{lines}{newline}"))
    } else {
        Edit::insert(file.id, at, lines)
    };
    Some(Fix::unsafe_(title(created, updated), vec![edit]))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
