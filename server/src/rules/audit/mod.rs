//! Section 5 of the catalog: audit columns and lifecycle. Also what tells that the application
//! framework, not the database, maintains a schema's timestamps.

pub(crate) mod missing_table_comment;
pub(crate) mod missing_timestamps;
pub(crate) mod updated_at_without_trigger;

use crate::model::{Column, Table};
use crate::rules::common::builtin;
use crate::rules::{Rule, RuleCx};

pub(super) const RULES: &[&Rule] = &[
    &missing_timestamps::RULE,
    &updated_at_without_trigger::RULE,
    &missing_table_comment::RULE,
];

/// Tables that only frameworks which set `created_at`/`updated_at` themselves create: Rails'
/// `ar_internal_metadata` (in every `structure.sql`) and Django's `django_migrations`.
pub(crate) const FRAMEWORK_TABLES: &[&str] = &["ar_internal_metadata", "django_migrations"];

/// Whether the application framework sets the table's timestamps on insert and update: the
/// schema is a Rails or Django one, or the table comes from SQL that Prisma Migrate generated
/// (Prisma Client fills `@updatedAt` fields).
pub(crate) fn app_sets_timestamps(cx: &RuleCx, table: &Table) -> bool {
    let framework = *cx.shared.framework_schema.get_or_init(|| {
        cx.model
            .live_tables()
            .any(|t| FRAMEWORK_TABLES.contains(&t.name.name.as_str()))
    });
    framework || cx.is_prisma_generated(table.created.file)
}

/// Whether a column's type can hold an audit time: `timestamptz`, `timestamp` or `date`, or a
/// domain over one. `Some(false)` for other types: an `Int` `created_at` holding an epoch
/// (Auth.js account tables) is not an audit column. `None` when the type is not known.
pub(crate) fn holds_time(cx: &RuleCx, column: &Column) -> Option<bool> {
    let written = column.ty.as_ref()?;
    let ty = &written.value;
    if ty.array_dims > 0 {
        return Some(false);
    }
    let temporal = |name: Option<&str>| matches!(name, Some("timestamptz" | "timestamp" | "date"));
    if builtin(ty).is_some() {
        return Some(temporal(builtin(ty)));
    }
    if let Some(domain) = cx.model.find_domain(ty) {
        return Some(temporal(builtin(&domain.def.value.ty)));
    }
    if cx
        .model
        .find_type_written(written, crate::syntax::Language::Sql)
        .is_some()
    {
        return Some(false);
    }
    None
}
