//! ## What it does
//! Reports foreign keys that reference a table the workspace does not define, or a column the
//! referenced table does not have (in Prisma, a relation to a model or field that does not
//! exist).
//!
//! Not reported: references to tables in schemas the workspace never creates tables in (such
//! as `auth.users` in a Supabase project, created by the platform), and tables or schemas
//! listed in `[schema] external`. In a standalone schema file (outside a migration folder)
//! that has other schema files beside it, which may be applied first and create the referenced
//! tables, a missing table is reported only when it looks misspelt (an existing table is
//! within two edits). A lone schema file (or a directory whose files all build one schema
//! together) is complete: a table nothing in it creates is reported.
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement (`relation "user" does not exist`, `column "uid"
//! referenced in foreign key constraint does not exist`), so the migration fails when it is
//! applied. It is usually a misspelling, a table renamed in one place only, or migrations
//! applied in the wrong order.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! CREATE TABLE posts (
//!     id bigint PRIMARY KEY,
//!     author_id bigint NOT NULL REFERENCES user (id)
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! CREATE TABLE posts (
//!     id bigint PRIMARY KEY,
//!     author_id bigint NOT NULL REFERENCES users (id)
//! );
//! ```
//!
//! ## Fix safety
//! "Did you mean `<name>`?" replaces the table or column name with the closest existing one
//! (at most two edits away). It is unsafe: the closest name is a guess.
//!
//! ## Options
//! None; external tables are declared in `[schema] external`.

use hashbrown::HashMap;

use crate::config::Level;
use crate::lower::{ConstraintKind, ObjectName};
use crate::model::names::quote_if_needed;
use crate::model::{Constraint, QualifiedName, Table};
use crate::rules::common::{may_rely_on_sibling_files, table_label};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::suggest;
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-unknown-target",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    scope: RuleScope::TableAndNames,
    check: Some(check),
};

/// The largest edit distance of a suggestion.
const MAX_DISTANCE: usize = 2;

/// The closest table name to an unknown one, by the schema written and the name: a table
/// renamed while typing leaves hundreds of foreign keys naming its old name.
type Suggestions<'m> = HashMap<(Option<&'m str>, &'m str), Option<&'m str>>;

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let mut suggestions = Suggestions::new();
    for table in cx.live_tables() {
        for fk in table.foreign_keys() {
            match fk.target {
                Some(target) => unknown_columns(cx, fk, cx.model.table(target), out),
                None => unknown_table(cx, table, fk, &mut suggestions, out),
            }
        }
    }
}

fn unknown_table<'m>(
    cx: &RuleCx<'m>,
    table: &Table,
    fk: &'m Constraint,
    suggestions: &mut Suggestions<'m>,
    out: &mut Vec<Diagnostic>,
) {
    let ConstraintKind::ForeignKey { references, .. } = fk.kind() else {
        return;
    };
    let name = &references.table;
    let loc = fk.def.loc(name.range);
    let written = cx.text(loc);
    if table.language == Language::Prisma {
        let models: Vec<&str> = cx
            .model
            .live_tables()
            .filter_map(|t| t.prisma_name.as_deref())
            .collect();
        let message = format!("relation to `{written}`, which is not a model of the schema");
        let fix = suggest::closest(&name.name.name, models.iter().copied(), MAX_DISTANCE)
            .map(|closest| did_you_mean(loc, closest));
        out.push(Diagnostic::new(loc, message).with_fixes(fix));
        return;
    }
    if is_external(cx, name) {
        return;
    }
    let not_a_table = is_other_relation(cx, name);
    let message = if not_a_table {
        format!(
            "`{written}` is a view or sequence, not a table: a foreign key must reference a table"
        )
    } else {
        format!("foreign key to `{written}`, a table the workspace does not define")
    };
    let schema = name.schema.as_ref().map(|s| s.name.as_str());
    let closest = *suggestions
        .entry((schema, name.name.name.as_str()))
        .or_insert_with(|| {
            let candidates = cx
                .model
                .live_tables()
                .filter(|t| schema.is_none_or(|s| s == t.name.schema));
            suggest::closest(
                &name.name.name,
                candidates.map(|t| t.name.name.as_str()),
                MAX_DISTANCE,
            )
        });
    let fix = closest.map(|closest| {
        let replacement = match &name.schema {
            Some(schema) => format!(
                "{}.{}",
                quote_if_needed(&schema.name),
                quote_if_needed(closest)
            ),
            None => quote_if_needed(closest),
        };
        did_you_mean(loc, &replacement)
    });
    if fix.is_none() && !not_a_table && may_rely_on_sibling_files(cx.model) {
        return;
    }
    out.push(Diagnostic::new(loc, message).with_fixes(fix));
}

/// A reference into a schema the workspace never creates tables in, or declared external.
fn is_external(cx: &RuleCx, name: &ObjectName) -> bool {
    match &name.schema {
        Some(schema) => {
            !cx.model.tables.iter().any(|t| t.name.schema == schema.name)
                || cx.is_external(&QualifiedName::new(&schema.name, &name.name.name))
        }
        None => cx.is_external(&QualifiedName::new("public", &name.name.name)),
    }
}

/// Whether a view or sequence has that name.
fn is_other_relation(cx: &RuleCx, name: &ObjectName) -> bool {
    cx.model.other_relations.iter().any(|(n, _)| {
        n.name == name.name.name && name.schema.as_ref().is_none_or(|s| s.name == n.schema)
    })
}

fn unknown_columns(cx: &RuleCx, fk: &Constraint, target: &Table, out: &mut Vec<Diagnostic>) {
    let ConstraintKind::ForeignKey { references, .. } = fk.kind() else {
        return;
    };
    if target.dropped || target.columns_incomplete {
        return;
    }
    for written in &references.columns {
        let exists = match target.language {
            Language::Sql => target.column(&written.name).is_some(),
            Language::Prisma => target
                .columns
                .iter()
                .any(|c| c.prisma_name.as_deref() == Some(written.name.as_str())),
        };
        if exists {
            continue;
        }
        let loc = fk.def.loc(written.range);
        let noun = match target.language {
            Language::Sql => "column",
            Language::Prisma => "field",
        };
        let message = format!(
            "`{}` has no {noun} `{}`",
            table_label(cx, target, loc),
            cx.text(loc)
        );
        let names: Vec<&str> = match target.language {
            Language::Sql => target.columns.iter().map(|c| c.name.as_str()).collect(),
            Language::Prisma => target
                .columns
                .iter()
                .filter_map(|c| c.prisma_name.as_deref())
                .collect(),
        };
        let fix =
            suggest::closest(&written.name, names.iter().copied(), MAX_DISTANCE).map(|closest| {
                let replacement = match target.language {
                    Language::Sql => quote_if_needed(closest),
                    Language::Prisma => closest.to_string(),
                };
                did_you_mean(loc, &replacement)
            });
        out.push(Diagnostic::new(loc, message).with_fixes(fix));
    }
}

fn did_you_mean(loc: crate::model::Loc, replacement: &str) -> Fix {
    Fix::unsafe_(
        format!("Did you mean `{replacement}`?"),
        vec![Edit::replace(loc, replacement)],
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
