//! ## What it does
//! Reports columns, domains and `ALTER COLUMN ... TYPE` changes whose type is `timestamp`,
//! `timestamp(p)` or `timestamp without time zone`; in Prisma, `DateTime` fields without
//! `@db.Timestamptz` (Prisma maps a plain `DateTime` to `timestamp(3)`). In a schema a framework
//! writes (Prisma, and Rails or Django, recognised by their bookkeeping tables) the finding is
//! one level lower: the framework writes every value in UTC, so the column is consistent as
//! long as all writes go through it.
//!
//! ## Why is this bad?
//! `timestamp` stores a wall-clock reading without its time zone. The same value means different
//! instants for sessions in different time zones, comparisons across daylight-saving changes go
//! wrong, and nothing records which zone the writer meant. `timestamptz` stores an absolute
//! instant (in UTC) and converts on the way in and out; it takes the same 8 bytes.
//!
//! ## Example
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     happened_at timestamp(3) NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     happened_at timestamptz(3) NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! "Convert to timestamptz" replaces exactly the type tokens and keeps the precision. It is
//! unsafe: application code reads instants instead of wall-clock readings (drivers return
//! another type), and on an `ALTER COLUMN ... TYPE` of an existing column the stored values are
//! reinterpreted in the session time zone of the migration. In Prisma it sets
//! `@db.Timestamptz(p)`. A generated column gets no fix: its expression decides its type.
//!
//! In an applied migration or a generated dump the fix is a new migration, `ALTER TABLE ... ALTER
//! COLUMN ... TYPE timestamptz USING <column> AT TIME ZONE 'UTC'` (stored readings taken as UTC:
//! change the zone if they were written in another), with its reverse as the down migration; none
//! for arrays, or when a view reads the table (PostgreSQL refuses to change the type of a column a
//! view uses).
//!
//! ## Options
//! - `allow`: column names (globs, e.g. `"*_local_time"`) that deliberately hold wall-clock
//!   values.

use crate::config::{Level, OptionKind, OptionSpec};
use crate::lower::TypeRef;
use crate::model::{Column, Located, Table};
use crate::rules::audit::app_sets_timestamps;
use crate::rules::common::{builtin, defined_columns, matches_any, type_tokens};
use crate::rules::forms::{Conversion, retype_fix};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "timestamp-without-time-zone",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "allow",
        kind: OptionKind::StringList,
        doc: "column names (globs) that deliberately store wall-clock time",
    }],
    fixable: true,
    // The bookkeeping tables of Rails and Django are read by name, but an edit that creates,
    // drops or renames one checks everything again.
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let allow = cx.option_strings("allow", &[]);
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("timestamp") || matches_any(&allow, &column.name) {
            continue;
        }
        let mut message = format!(
            "`{}` is `timestamp without time zone`: it stores a wall-clock reading, not an instant; use `timestamptz`",
            column.name_at(cx.model, ty.origin.statement_loc())
        );
        if ty.origin != column.def.origin {
            message.push_str(" (converting this existing column reinterprets its values in the session time zone)");
        }
        let fix = conversion(cx, table, column, ty);
        let diagnostic = Diagnostic::new(type_tokens(ty), message).with_fixes(fix);
        // Rails, Django and Prisma write every such value in UTC: consistent as long as all
        // writes go through them, so a lesser problem.
        let framework = table.language == Language::Prisma || app_sets_timestamps(cx, table);
        out.push(if framework {
            diagnostic.demoted()
        } else {
            diagnostic
        });
    }
    for domain in &cx.model.domains {
        let ty = Located {
            value: domain.def.value.ty.clone(),
            origin: domain.def.origin,
        };
        if builtin(&ty.value) != Some("timestamp") {
            continue;
        }
        let message = format!(
            "domain `{}` is based on `timestamp without time zone`; use `timestamptz`",
            domain.name
        );
        let replacement = sql_replacement(cx, &ty);
        let fix = Fix::unsafe_(
            "Convert to timestamptz",
            vec![Edit::replace(type_tokens(&ty), replacement)],
        );
        out.push(Diagnostic::new(type_tokens(&ty), message).with_fix(fix));
    }
}

fn conversion(cx: &RuleCx, table: &Table, column: &Column, ty: &Located<TypeRef>) -> Option<Fix> {
    // A generated column takes its type from its expression, which the fix cannot change.
    if column.generated {
        return None;
    }
    let edit = match table.language {
        Language::Sql => Edit::replace(type_tokens(ty), sql_replacement(cx, ty)),
        Language::Prisma => prisma_edit(cx, ty),
    };
    let fix = Fix::unsafe_("Convert to timestamptz", vec![edit]);
    let tokens = sql_replacement(cx, ty);
    Some(retype_fix(
        cx,
        table,
        column,
        ty,
        fix,
        &tokens,
        Conversion::WallClockUtc,
    ))
}

/// `timestamp(6) without time zone` -> `timestamptz(6)`, in the case it was written in.
fn sql_replacement(cx: &RuleCx, ty: &Located<TypeRef>) -> String {
    let written = cx.text(ty.loc(ty.value.name_range));
    let name = if written.starts_with(|c: char| c.is_ascii_uppercase()) {
        "TIMESTAMPTZ"
    } else {
        "timestamptz"
    };
    match ty.value.modifiers_range {
        Some(modifiers) => format!("{name}{}", cx.text(ty.loc(modifiers))),
        None => name.to_string(),
    }
}

/// Prisma: `@db.Timestamp(p)` -> `@db.Timestamptz(p)`; a plain `DateTime` gets
/// `@db.Timestamptz(3)`, the precision Prisma already uses.
fn prisma_edit(cx: &RuleCx, ty: &Located<TypeRef>) -> Edit {
    match ty.value.modifiers_range {
        Some(native) => {
            let loc = ty.loc(native);
            Edit::replace(
                loc,
                cx.text(loc).replacen("db.Timestamp", "db.Timestamptz", 1),
            )
        }
        None => {
            let end = ty.loc(ty.value.range).range.end();
            Edit::insert(ty.origin.file, end, " @db.Timestamptz(3)")
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
