//! Section 4 of the catalog: constraints and nullability. Also what these rules share: which
//! columns look like enumerations, the values a column allows, the edits that add NOT NULL and
//! DEFAULT to a column definition (SQL) or a field (Prisma).

pub(crate) mod default_not_in_allowed_values;
pub(crate) mod default_string_null;
pub(crate) mod enum_like_column_unconstrained;
pub(crate) mod natural_key_not_unique;
pub(crate) mod nullable_audit_column;
pub(crate) mod nullable_boolean;
pub(crate) mod soft_delete_unique_not_partial;
pub(crate) mod status_column_without_default;
pub(crate) mod unique_email_case_sensitive;

use crate::config::OptionValue;
use crate::lower::{ConstraintKind, Expr, TypeDefinition, TypeRef};
use crate::model::{Column, Constraint, Loc, Table};
use crate::rules::common::{builtin, glob_match, matches_any};
use crate::rules::words::snake_case;
use crate::rules::{Edit, Rule, RuleCx};
use crate::syntax::Language;
use crate::text::TextRange;

pub(super) const RULES: &[&Rule] = &[
    &enum_like_column_unconstrained::RULE,
    &default_not_in_allowed_values::RULE,
    &status_column_without_default::RULE,
    &nullable_audit_column::RULE,
    &nullable_boolean::RULE,
    &default_string_null::RULE,
    &natural_key_not_unique::RULE,
    &unique_email_case_sensitive::RULE,
    &soft_delete_unique_not_partial::RULE,
];

/// Column names that usually hold one of a few fixed values.
pub(crate) const ENUM_LIKE_NAMES: &[&str] = &[
    "status", "state", "kind", "role", "category", "priority", "stage", "level", "*_status",
    "*_state", "*_kind", "*_role",
];

/// Whether the column's name is in the enum-like list (`[rules.enum-like-column-unconstrained]
/// names`, shared by the rules about such columns). camelCase names match their snake_case form.
pub(crate) fn is_enum_like(cx: &RuleCx, column: &str) -> bool {
    // Asked for every column by several rules: the list is read, not copied.
    let column = snake_case(column);
    match cx
        .config
        .option(enum_like_column_unconstrained::RULE.id, "names")
    {
        Some(OptionValue::StringList(names)) => matches_any(names, &column),
        _ => ENUM_LIKE_NAMES
            .iter()
            .any(|pattern| glob_match(pattern, &column)),
    }
}

/// `text`, `varchar` or `char` (not an array).
pub(crate) fn is_plain_string(ty: &TypeRef) -> bool {
    ty.array_dims == 0 && matches!(builtin(ty), Some("text" | "varchar" | "bpchar"))
}

/// `citext` (from the extension), in any schema.
pub(crate) fn is_citext(ty: &TypeRef) -> bool {
    ty.array_dims == 0 && ty.name == "citext"
}

/// The CHECK constraints of `table` that mention `column`.
pub(crate) fn checks_on<'a>(
    table: &'a Table,
    column: &'a str,
) -> impl Iterator<Item = (&'a Constraint, &'a Expr)> {
    table
        .constraints
        .iter()
        .filter_map(move |constraint| match constraint.kind() {
            ConstraintKind::Check(expr) if expr.columns.iter().any(|c| c.name == column) => {
                Some((constraint, expr))
            }
            _ => None,
        })
}

/// Whether `column` is part of a foreign key of `table`.
pub(crate) fn in_foreign_key(table: &Table, column: &str) -> bool {
    table
        .foreign_keys()
        .any(|fk| fk.columns().contains(&column))
}

/// A set of values a column accepts, and what says so.
pub(crate) struct AllowedValues {
    pub values: Vec<String>,
    /// `CHECK \`name\``, `enum \`mood\``, `domain \`d\``.
    pub source: String,
    pub loc: Loc,
    /// For a Prisma enum: the values as the schema names them (`@map` may rename labels).
    pub prisma_names: Vec<String>,
    /// The enum type the values are the labels of.
    pub enum_type: Option<String>,
}

/// Every set of values the column is restricted to: CHECK constraints that restrict it to a
/// list (and nothing else can let another value through), its enum type's labels, its domain's
/// CHECK list.
pub(crate) fn allowed_values(cx: &RuleCx, table: &Table, column: &Column) -> Vec<AllowedValues> {
    let mut sets = Vec::new();
    for (constraint, expr) in checks_on(table, &column.name) {
        if let Some(values) = listed_values(expr, &column.name) {
            let source = constraint
                .name()
                .map_or_else(|| "CHECK".to_string(), |name| format!("CHECK `{name}`"));
            let loc = constraint
                .def
                .value
                .name
                .as_ref()
                .map_or_else(|| constraint.loc(), |n| constraint.def.loc(n.range));
            sets.push(AllowedValues {
                values,
                source,
                loc,
                prisma_names: Vec::new(),
                enum_type: None,
            });
        }
    }
    let Some(ty) = &column.ty else { return sets };
    if ty.value.array_dims > 0 || builtin(&ty.value).is_some() {
        return sets;
    }
    if let Some(user_type) = cx.model.find_type_written(ty, table.language)
        && let TypeDefinition::Enum { labels } = &user_type.def.value.definition
    {
        let prisma_names = match table.language {
            Language::Prisma => labels
                .iter()
                .map(|(_, range)| cx.text(user_type.def.loc(*range)).to_string())
                .collect(),
            Language::Sql => Vec::new(),
        };
        let name = match &user_type.def.value.prisma_name {
            Some(prisma) if table.language == Language::Prisma => prisma.clone(),
            _ => user_type
                .name_at(cx.model, ty.origin.statement_loc())
                .to_string(),
        };
        sets.push(AllowedValues {
            values: user_type.labels.clone(),
            source: format!("enum `{name}`"),
            loc: user_type.def.loc(user_type.def.value.name.name.range),
            prisma_names,
            enum_type: Some(user_type.name.name.clone()),
        });
    } else if let Some(domain) = cx.model.find_domain(&ty.value) {
        for check in &domain.def.value.checks {
            if let Some(values) = listed_values(check, "value") {
                sets.push(AllowedValues {
                    values,
                    source: format!("domain `{}`", domain.name),
                    loc: domain.def.loc(domain.def.value.name.name.range),
                    prisma_names: Vec::new(),
                    enum_type: None,
                });
            }
        }
    }
    sets
}

/// The old texts of the labels `ALTER TYPE <name> RENAME VALUE` renamed, in any file.
pub(crate) fn renamed_labels(cx: &RuleCx, type_name: &str) -> Vec<String> {
    let mut former = Vec::new();
    for file in cx.files() {
        for statement in file.statements.iter() {
            for fact in &statement.lowered.facts {
                if let crate::lower::Fact::AlterType {
                    name,
                    action: crate::lower::AlterTypeAction::RenameValue { value, .. },
                } = fact
                    && name.name.name == type_name
                {
                    former.push(value.clone());
                }
            }
        }
    }
    former
}

/// The values a CHECK restricts `column` to, when it is `column IN (...)` (or pg_dump's
/// `= ANY (ARRAY[...])`), possibly `OR column IS NULL` or `AND` more conditions on the column;
/// `None` when anything else could let another value through (another column, NOT, OR).
fn listed_values(expr: &Expr, column: &str) -> Option<Vec<String>> {
    let mut lists = expr.allowed_values.iter().filter(|(c, _)| c == column);
    let (Some((_, values)), None) = (lists.next(), lists.next()) else {
        return None;
    };
    if expr.columns.iter().any(|c| c.name != column) {
        return None;
    }
    let tokens: Vec<&str> = expr.normalized.split(' ').collect();
    let negated = tokens
        .iter()
        .enumerate()
        .any(|(i, t)| *t == "not" && (i == 0 || tokens[i - 1] != "is"));
    let ors = tokens.iter().filter(|t| **t == "or").count();
    let or_null = ors == 1 && tokens.windows(2).any(|w| w == ["is", "null"]);
    if negated || (ors > 0 && !or_null) {
        return None;
    }
    Some(values.clone())
}

/// Whether `value` is one of `values` (numbers compare by value; `char(n)` ignores trailing
/// blanks).
pub(crate) fn value_in(value: &str, values: &[String], blank_padded: bool) -> bool {
    let trim = |s: &str| {
        if blank_padded {
            s.trim_end_matches(' ').to_string()
        } else {
            s.to_string()
        }
    };
    let value = trim(value);
    values.iter().any(|allowed| {
        let allowed = trim(allowed);
        allowed == value
            || matches!((allowed.parse::<f64>(), value.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
    })
}

/// A SQL string literal.
pub(crate) fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Edits that add NOT NULL and/or `DEFAULT <default>` to the SQL definition that created
/// `column` (an explicit `NULL` there becomes `NOT NULL`); `None` when the definition already
/// says what the model lacks (a later statement dropped it) or has no written type.
pub(crate) fn sql_column_additions(
    cx: &RuleCx,
    column: &Column,
    not_null: bool,
    default: Option<&str>,
) -> Option<Vec<Edit>> {
    let def = &column.def.value;
    let ty = def.ty.as_ref()?;
    let file = cx.file(column.def.origin.file)?;
    let statement = column.def.origin.statement;
    let case = |sql: &str| crate::fix::keyword_case(&file.text, statement, sql);
    let mut edits = Vec::new();
    let mut clause = String::new();
    if not_null {
        if def.not_null.is_some() {
            return None;
        }
        match def.null {
            Some(null) => edits.push(Edit::replace(column.def.loc(null), case("NOT NULL"))),
            None => clause.push_str(" NOT NULL"),
        }
    }
    if let Some(default) = default {
        if def.default.is_some() {
            return None;
        }
        clause.push_str(&case(" DEFAULT "));
        clause.push_str(default);
    }
    if !clause.is_empty() {
        let end = column.def.loc(ty.range).range.end();
        edits.push(Edit::insert(file.id, end, case(&clause)));
    }
    Some(edits)
}

/// Whether making `column` NOT NULL needs a default in its own definition: `ALTER TABLE ... ADD
/// COLUMN` adds it to a table that may have rows, and without a default there (one set by a
/// later statement comes too late) the statement fails on the first row.
pub(crate) fn not_null_needs_own_default(table: &Table, column: &Column) -> bool {
    column.def.origin != table.created && column.def.value.default.is_none()
}

/// Edits that make a Prisma field required (drop the `?`) and/or append an attribute to it.
pub(crate) fn prisma_field_additions(
    cx: &RuleCx,
    column: &Column,
    required: bool,
    attribute: Option<&str>,
) -> Option<Vec<Edit>> {
    let ty = column.def.value.ty.as_ref()?;
    let mut edits = Vec::new();
    if required {
        let loc = column.def.loc(ty.range);
        let written = cx.text(loc);
        edits.push(Edit::replace(loc, written.strip_suffix('?')?.to_string()));
    }
    if let Some(attribute) = attribute {
        let end = column.def.loc(column.def.value.range).range.end();
        edits.push(Edit::insert(
            column.def.origin.file,
            end,
            format!(" {attribute}"),
        ));
    }
    Some(edits)
}

/// ` (a later statement dropped its NOT NULL)` for a column whose definition says NOT NULL but
/// that is nullable now, so the message explains what the definition does not show.
pub(crate) fn dropped_not_null(column: &Column) -> &'static str {
    if column.def.value.not_null.is_some() && column.is_nullable() {
        " (a later statement dropped its NOT NULL)"
    } else {
        ""
    }
}

/// Whether a Prisma field carries `@updatedAt` (Prisma Client sets it on every update).
pub(crate) fn prisma_updated_at(cx: &RuleCx, column: &Column) -> bool {
    let field = cx.text(column.def.loc(column.def.value.range));
    field.split_whitespace().any(|word| word == "@updatedAt")
}

/// The range of `text` from `start` back over blanks (to remove an attribute or clause with the
/// space before it).
pub(crate) fn with_leading_blanks(text: &str, range: TextRange) -> TextRange {
    let start = text[..range.start() as usize]
        .trim_end_matches([' ', '\t'])
        .len() as u32;
    TextRange::new(start, range.end())
}

/// How a constraint leaves the schema text.
pub(crate) enum Removal {
    /// Edits to its column definition or CREATE TABLE element list.
    Edits(Vec<Edit>),
    /// The ALTER TABLE statement that only adds it.
    Statement(Loc),
}

/// Takes a constraint out of its column definition or CREATE TABLE element list (with its
/// comma), or names the ALTER TABLE statement that only adds it; `None` when the statement does
/// more than that.
pub(crate) fn constraint_removal(
    cx: &RuleCx,
    table: &Table,
    constraint: &Constraint,
) -> Option<Removal> {
    let origin = constraint.def.origin;
    let file = cx.file(origin.file)?;
    let text = &*file.text;
    let range = constraint.loc().range;
    if table.language == Language::Prisma && constraint.inline_column.is_none() {
        // `@@unique([...])` is a line of its own.
        return Some(Removal::Edits(vec![crate::fix::delete_statement(
            file, range,
        )]));
    }
    if constraint.inline_column.is_some() {
        let blanks = with_leading_blanks(text, range);
        return Some(Removal::Edits(vec![Edit::replace(
            Loc {
                file: file.id,
                range: blanks,
            },
            "",
        )]));
    }
    if origin == table.created {
        let elements = crate::rules::common::table_elements(cx, table)?.elements;
        let at = elements.iter().position(|e| *e == range)?;
        return match (
            elements.get(at + 1),
            at.checked_sub(1).and_then(|before| elements.get(before)),
        ) {
            // Not the last element: its own comma goes with it.
            (Some(next), _) => {
                let comma = text[range.end() as usize..next.start() as usize].find(',')? as u32
                    + range.end();
                Some(Removal::Edits(vec![crate::fix::delete_statement(
                    file,
                    TextRange::new(range.start(), comma + 1),
                )]))
            }
            // The last one: the comma before it goes.
            (None, Some(before)) => {
                let comma = text[before.end() as usize..range.start() as usize].rfind(',')? as u32
                    + before.end();
                Some(Removal::Edits(vec![
                    Edit::replace(
                        Loc {
                            file: file.id,
                            range: TextRange::new(comma, comma + 1),
                        },
                        "",
                    ),
                    crate::fix::delete_statement(file, range),
                ]))
            }
            (None, None) => None,
        };
    }
    let statement = file.statement_at(origin.statement.start())?;
    let only_action = statement.lowered.facts.iter().all(|fact| match fact {
        crate::lower::Fact::AlterTable(alter) => alter.actions.len() == 1,
        _ => false,
    });
    (only_action && statement.range() == origin.statement)
        .then(|| Removal::Statement(origin.statement_loc()))
}

/// Edits that replace a unique constraint by the SQL statement `create` (a CREATE UNIQUE INDEX
/// with the same key, changed): the constraint leaves its definition and `create` follows that
/// statement, or replaces the ALTER TABLE that only adds it. `None` when foreign keys rely on
/// the constraint (they need a plain unique key), or it is DEFERRABLE.
pub(crate) fn replace_unique_constraint(
    cx: &RuleCx,
    table: &Table,
    constraint: &Constraint,
    create: &str,
) -> Option<Vec<Edit>> {
    if constraint.def.value.attributes.deferrable
        || referenced_by_foreign_key(cx, table, &constraint.columns())
    {
        return None;
    }
    let origin = constraint.def.origin;
    let file = cx.file(origin.file)?;
    let create = crate::fix::keyword_case(&file.text, origin.statement, create);
    match constraint_removal(cx, table, constraint)? {
        Removal::Statement(statement) => Some(vec![Edit::replace(statement, create)]),
        Removal::Edits(mut edits) => {
            edits.push(crate::fix::insert_statement_after(
                file,
                origin.statement,
                &create,
            ));
            Some(edits)
        }
    }
}

/// Whether a foreign key references exactly these columns of `table`.
pub(crate) fn referenced_by_foreign_key(cx: &RuleCx, table: &Table, columns: &[&str]) -> bool {
    let mut wanted: Vec<&str> = columns.to_vec();
    wanted.sort_unstable();
    cx.model
        .live_tables()
        .flat_map(|t| t.foreign_keys())
        .filter(|fk| fk.target == Some(table.id))
        .any(|fk| {
            let referenced = cx.model.referenced_columns(fk);
            let mut referenced: Vec<&str> = referenced.iter().map(String::as_str).collect();
            referenced.sort_unstable();
            referenced == wanted
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare() {
        let values = vec!["1".to_string(), "a ".to_string()];
        assert!(value_in("1.0", &values, false));
        assert!(value_in("a", &values, true));
        assert!(!value_in("a", &values, false));
    }
}
