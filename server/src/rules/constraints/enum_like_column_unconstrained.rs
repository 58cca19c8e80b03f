//! ## What it does
//! Reports `text`, `varchar` and `char` columns named like an enumeration (`status`, `state`,
//! `kind`, `role`, `category`, `priority`, `stage`, `level`, `*_status`, `*_state`, `*_kind`,
//! `*_role`; camelCase names match their snake_case form) that nothing constrains: no CHECK
//! constraint mentions them anywhere in the workspace, and they are not part of a foreign key.
//! Columns with an enum or domain type are constrained by their type. In Prisma: `String` fields
//! with such names.
//!
//! Not reported: `*_type` columns (`content_type`, `mime_type` hold free-form values),
//! OpenID Connect's opaque `session_state`, a `state` (`billing_state`...) next to a `city`,
//! `country` or postal code column (`billing_city`...), which is a region of an address, and a
//! `<x>_role` next to `<x>_id` (`member_role` beside `member_id`): the role a referenced member
//! plays in the row, a free-text label (OpenStreetMap's relation members), not an access level.
//!
//! ## Why is this bad?
//! The application means a handful of values, but the database accepts any text: a typo
//! (`'actve'`), a casing variant (`'Active'`) or a value an old deploy still writes is stored
//! silently, and every query that filters on the column misses those rows.
//!
//! ## Example
//! ```sql
//! CREATE TABLE orders (
//!     id bigint PRIMARY KEY,
//!     status text NOT NULL DEFAULT 'pending'
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE orders (
//!     id bigint PRIMARY KEY,
//!     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'shipped'))
//! );
//! ```
//!
//! ## Fix safety
//! Both fixes are unsafe: they are snippets whose values must be filled in, and rows already
//! holding other values make them fail.
//! - "Add CHECK (<col> IN (...))" appends the constraint to the column definition.
//! - "Create an enum type `<table>_<column>`" inserts `CREATE TYPE <table>_<column> AS ENUM
//!   (...)` before the statement that defines the column and gives the column that type (offered
//!   when the column has no collation and no index expression or predicate uses it). In Prisma
//!   "Create an enum `<Model><Field>`" adds an `enum` block after the model and gives the field
//!   that type.
//!
//! `[policy] enums = "check"` (the default) offers the CHECK first; `"enum"` the enum type.
//!
//! ## Options
//! - `names`: column names (globs) that hold enumerations; also used by
//!   `status-column-without-default`.

use crate::config::{EnumPolicy, Level, OptionKind, OptionSpec};
use crate::fix::{end_of_line, keyword_case, line_ending, start_of_line};
use crate::lower::Literal;
use crate::model::names::quote_if_needed;
use crate::model::{Column, Loc, QualifiedName, Table};
use crate::rules::common::{column_label, defined_columns, type_tokens};
use crate::rules::constraints::{
    checks_on, in_foreign_key, is_enum_like, is_plain_string, quote_literal, with_leading_blanks,
};
use crate::rules::words::snake_case;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope, escape_snippet};
use crate::syntax::Language;
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "enum-like-column-unconstrained",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "names",
        kind: OptionKind::StringList,
        doc: "column names (globs) that hold one of a few fixed values",
    }],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if !is_plain_string(&ty.value) || column.generated || !is_enum_like(cx, &column.name) {
            continue;
        }
        let snake = snake_case(&column.name);
        if snake == "type"
            || snake.ends_with("_type")
            || FREE_FORM.contains(&snake.as_ref())
            || is_address_state(table, &snake)
            || is_member_role(table, &snake)
        {
            continue;
        }
        if checks_on(table, &column.name).next().is_some() || in_foreign_key(table, &column.name) {
            continue;
        }
        let message = format!(
            "`{}` holds one of a few values but accepts any text: constrain it with a CHECK (... IN (...)) or an enum type",
            column_label(cx, table, &column.name, column.name_loc())
        );
        let mut fixes: Vec<Fix> = match table.language {
            Language::Sql => [check_fix(cx, column), enum_fix(cx, table, column)]
                .into_iter()
                .flatten()
                .collect(),
            Language::Prisma => prisma_enum_fix(cx, table, column).into_iter().collect(),
        };
        if cx.policy().enums == EnumPolicy::Enum {
            fixes.reverse();
        }
        out.push(Diagnostic::new(column.name_loc(), message).with_fixes(fixes));
    }
}

/// Names in the list's patterns that hold opaque values: OpenID Connect's `session_state`.
const FREE_FORM: &[&str] = &["session_state"];

/// `state` next to `city` or `country` (`billing_state` next to `billing_city`...) is a region of
/// a postal address, not a lifecycle state.
fn is_address_state(table: &Table, snake: &str) -> bool {
    let Some(prefix) = snake.strip_suffix("state") else {
        return false;
    };
    let address = [
        "city",
        "country",
        "country_code",
        "zip",
        "zipcode",
        "zip_code",
        "postal_code",
        "postcode",
    ];
    table.columns.iter().any(|c| {
        snake_case(&c.name)
            .strip_prefix(prefix)
            .is_some_and(|rest| address.contains(&rest))
    })
}

/// `member_role` beside `member_id`: the role the row's member plays in it, a label its
/// authors choose (OpenStreetMap relation members: `inner`, `outer`, `stop`, ...), not one
/// of a fixed set of access levels.
fn is_member_role(table: &Table, snake: &str) -> bool {
    let Some(member) = snake.strip_suffix("_role") else {
        return false;
    };
    let id = format!("{member}_id");
    table.columns.iter().any(|c| snake_case(&c.name) == id)
}

/// The column's default string, if it has one.
fn default_value(column: &Column) -> Option<String> {
    match column
        .default
        .as_ref()
        .and_then(|d| d.value.literal.as_ref())
    {
        Some(Literal::String(value)) => Some(value.clone()),
        _ => None,
    }
}

/// `${1:'pending', 'value_2'}`: the default first when there is one.
fn values_placeholder(column: &Column) -> String {
    let first = default_value(column).unwrap_or_else(|| "value_1".to_string());
    format!(
        "${{1:{}, 'value_2'}}",
        escape_snippet(&quote_literal(&first))
    )
}

fn check_fix(cx: &RuleCx, column: &Column) -> Option<Fix> {
    let def = &column.def;
    let file = cx.file(def.origin.file)?;
    // The CHECK joins the column's definition, where it has the name written there.
    let name = quote_if_needed(column.name_at(cx.model, def.origin.statement_loc()));
    let clause = format!(
        " CHECK ({} IN ({}))",
        escape_snippet(&name),
        values_placeholder(column)
    );
    let clause = keyword_case(&file.text, def.origin.statement, &clause);
    let end = def.loc(def.value.range).range.end();
    let edit = Edit::snippet(file.id, TextRange::empty(end), clause);
    Some(Fix::unsafe_(
        format!("Add CHECK ({name} IN (...))"),
        vec![edit],
    ))
}

fn enum_fix(cx: &RuleCx, table: &Table, column: &Column) -> Option<Fix> {
    let def = &column.def;
    let ty = column.ty.as_ref()?;
    if ty.origin != def.origin
        || def.value.collation.is_some()
        || used_by_index_expression(cx, table, &column.name)
    {
        return None;
    }
    let file = cx.file(def.origin.file)?;
    let mut edits = Vec::new();
    if let Some(default) = &column.default {
        // `'pending'::character varying` would not convert to the enum: keep the bare literal.
        let value = default_value(column).filter(|_| default.origin == def.origin)?;
        let loc = default.loc(default.value.range);
        if cx.text(loc) != quote_literal(&value) {
            edits.push(Edit::replace(loc, quote_literal(&value)));
        }
    }
    let type_name = free_type_name(cx, table, &format!("{}_{}", table.name.name, column.name));
    let create = format!(
        "CREATE TYPE {type_name} AS ENUM ({});",
        values_placeholder(column)
    );
    let create = keyword_case(&file.text, def.origin.statement, &create);
    edits.push(insert_statement_before(file, def.origin.statement, &create));
    edits.push(Edit::replace(type_tokens(ty), type_name.to_string()));
    Some(Fix::unsafe_(
        format!("Create an enum type `{type_name}`"),
        edits,
    ))
}

/// Whether an index of the table uses the column in an expression, a predicate or with an
/// operator class (none of which would accept an enum in place of text).
fn used_by_index_expression(cx: &RuleCx, table: &Table, column: &str) -> bool {
    cx.model.indexes_of(table.id).any(|index| {
        let create = &index.def.value;
        let in_expression = create.elements.iter().any(|e| {
            e.expression
                .as_ref()
                .is_some_and(|x| x.columns.iter().any(|c| c.name == column))
                || (e.opclass.is_some() && e.column.as_ref().is_some_and(|c| c.name == column))
        });
        let in_predicate = create
            .predicate
            .as_ref()
            .is_some_and(|p| p.columns.iter().any(|c| c.name == column));
        in_expression || in_predicate
    })
}

/// `<table>_<column>` in the table's schema, with `_1`, `_2`... when a type or relation has it.
fn free_type_name(cx: &RuleCx, table: &Table, stem: &str) -> QualifiedName {
    let schema = &table.name.schema;
    let taken = |name: &str| {
        cx.model.relation_exists(schema, name)
            || cx
                .model
                .types
                .iter()
                .any(|t| t.name.schema == *schema && t.name.name == name)
    };
    let name = (0..)
        .map(|n| {
            if n == 0 {
                stem.to_string()
            } else {
                format!("{stem}_{n}")
            }
        })
        .find(|name| !taken(name))
        .unwrap_or_else(|| stem.to_string());
    QualifiedName::new(schema, &name)
}

/// Inserts `snippet` as a statement of its own before the statement at `before`, above the
/// comment lines that lead into it (they describe that statement, or suppress rules on it).
fn insert_statement_before(file: &crate::file::FileData, before: TextRange, snippet: &str) -> Edit {
    let text = &*file.text;
    let newline = line_ending(text);
    let line_start = start_of_line(text, before.start());
    if !text[line_start as usize..before.start() as usize]
        .trim()
        .is_empty()
    {
        return Edit::snippet(
            file.id,
            TextRange::empty(before.start()),
            format!("{snippet} "),
        );
    }
    let mut at = line_start;
    while at > 0 {
        let previous = start_of_line(text, at - 1);
        let line = &text[previous as usize..end_of_line(text, previous) as usize];
        if !line.trim_start().starts_with("--") {
            break;
        }
        at = previous;
    }
    Edit::snippet(file.id, TextRange::empty(at), format!("{snippet}{newline}"))
}

fn prisma_enum_fix(cx: &RuleCx, table: &Table, column: &Column) -> Option<Fix> {
    let ty = column.ty.as_ref()?;
    let model = table.prisma_name.as_deref()?;
    let field = column.prisma_name.as_deref().unwrap_or(&column.name);
    let file = cx.file(table.created.file)?;
    let newline = line_ending(&file.text);
    let name = free_prisma_name(cx, &format!("{}{}", pascal_case(model), pascal_case(field)));
    let mut edits = vec![Edit::replace(ty.loc(ty.value.name_range), name.clone())];
    if let Some(native) = ty.value.modifiers_range {
        let native = with_leading_blanks(&file.text, ty.loc(native).range);
        edits.push(Edit::replace(
            Loc {
                file: file.id,
                range: native,
            },
            "",
        ));
    }
    let first = match &column.default {
        None => "${1:VALUE_1}".to_string(),
        Some(default) => {
            // `@default("pending")` becomes `@default(pending)`, a value of the enum.
            let value = default_value(column).filter(|v| is_prisma_identifier(v))?;
            edits.push(Edit::replace(
                default.loc(default.value.range),
                value.clone(),
            ));
            value
        }
    };
    let end = table.created.statement.end();
    let block = format!(
        "{newline}{newline}enum {name} {{{newline}  {first}{newline}  ${{2:VALUE_2}}{newline}}}"
    );
    edits.push(Edit::snippet(file.id, TextRange::empty(end), block));
    Some(Fix::unsafe_(format!("Create an enum `{name}`"), edits))
}

fn is_prisma_identifier(value: &str) -> bool {
    value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `order_status` / `orderStatus` -> `OrderStatus`.
fn pascal_case(name: &str) -> String {
    snake_case(name)
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A Prisma block name no model or enum has.
fn free_prisma_name(cx: &RuleCx, stem: &str) -> String {
    let taken = |name: &str| {
        cx.model.table_by_prisma_name(name).is_some()
            || cx
                .model
                .types
                .iter()
                .any(|t| t.def.value.prisma_name.as_deref() == Some(name))
    };
    (0..)
        .map(|n| {
            if n == 0 {
                stem.to_string()
            } else {
                format!("{stem}{n}")
            }
        })
        .find(|name| !taken(name))
        .unwrap_or_else(|| stem.to_string())
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    #[test]
    fn policy_orders_the_fixes() {
        let cases = [
            ("", "Add CHECK"),
            (
                "-- config: [policy]\n-- config: enums = \"enum\"\n",
                "Create an enum type",
            ),
        ];
        for (config, first) in cases {
            let text = format!("{config}CREATE TABLE t (id int PRIMARY KEY, status text);\n");
            let fixture =
                crate::fixture::parse("policy", std::path::Path::new("a.sql"), &text).unwrap();
            let checked = fixture
                .check(&fixture.files, &[super::RULE.id.to_string()], None)
                .unwrap();
            let fixes = &checked.diagnostics[0].fixes;
            assert_eq!(fixes.len(), 2);
            assert!(
                fixes[0].title.starts_with(first),
                "{config}: {:?}",
                fixes[0].title
            );
        }
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(super::pascal_case("orderStatus"), "OrderStatus");
        assert_eq!(super::pascal_case("order_status"), "OrderStatus");
    }
}
