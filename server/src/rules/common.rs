//! Helpers shared by rules: what a column's type is, where to report a foreign key, name patterns.

use crate::catalog::types::builtin_type;
use crate::fix::TableElements;
use crate::lower::TypeRef;
use crate::model::{Column, Constraint, Loc, Located, Model, Table};
use crate::rules::{RuleCx, Safety};
use crate::syntax::Language;

/// Columns of the tables that exist at the end, where they are defined (columns a partition or
/// child table inherits are reported on their parent).
pub fn defined_columns(model: &Model) -> impl Iterator<Item = (&Table, &Column)> {
    model
        .live_tables()
        .flat_map(|table| table.columns.iter().filter(|c| !c.inherited).map(move |c| (table, c)))
}

/// The `pg_type.typname` of a built-in type reference (`timestamp with time zone` ->
/// `timestamptz`, `serial` -> `int4`), ignoring array brackets.
pub fn builtin(ty: &TypeRef) -> Option<&'static str> {
    if ty.name.is_empty() {
        return None;
    }
    let mut spelling = String::with_capacity(ty.name.len() + 16);
    if let Some(schema) = &ty.schema {
        if schema != "pg_catalog" {
            return None;
        }
        spelling.push_str("pg_catalog.");
    }
    spelling.push_str(&ty.name);
    if !ty.modifiers.is_empty() && ty.name.starts_with("float") {
        spelling.push('(');
        spelling.push_str(&ty.modifiers.join(","));
        spelling.push(')');
    }
    match ty.time_zone {
        Some(true) => spelling.push_str(" with time zone"),
        Some(false) => spelling.push_str(" without time zone"),
        None => {}
    }
    builtin_type(&spelling)
}

/// The type tokens of a reference without its array brackets: name, modifiers, time zone.
pub fn type_tokens(ty: &Located<TypeRef>) -> Loc {
    let value = &ty.value;
    let mut end = value.name_range.end();
    if let Some(modifiers) = value.modifiers_range {
        end = end.max(modifiers.end());
    }
    if let Some(zone) = value.time_zone_range {
        end = end.max(zone.end());
    }
    ty.loc(crate::text::TextRange::new(value.name_range.start(), end))
}

/// Changing a column's type in the statement that defined it is safe (the schema text changes,
/// no data does); changing the type that ALTER COLUMN ... TYPE gave an existing column converts
/// stored values.
pub fn type_change_safety(column: &Column, ty: &Located<TypeRef>) -> Safety {
    if ty.origin == column.def.origin { Safety::Safe } else { Safety::Unsafe }
}

/// Where a foreign-key diagnostic goes: the REFERENCES clause in SQL, the relation field in Prisma.
pub fn foreign_key_loc(table: &Table, constraint: &Constraint) -> Loc {
    match (&constraint.def.value.kind, table.language) {
        (crate::lower::ConstraintKind::ForeignKey { references, .. }, Language::Sql) => {
            constraint.def.loc(references.range)
        }
        _ => constraint.loc(),
    }
}

/// The element list of the statement that created `table`, for fixes that add columns or
/// constraints to it; `None` when it has none (`CREATE TABLE ... AS`, partitions without one).
pub fn table_elements<'a>(cx: &RuleCx<'a>, table: &Table) -> Option<TableElements<'a>> {
    let parens = table.elements?;
    let file = cx.file(parens.file)?;
    let created = table.created;
    let mut elements: Vec<crate::text::TextRange> = table
        .columns
        .iter()
        .filter(|c| c.def.origin == created)
        .map(|c| c.def.loc(c.def.value.range).range)
        .chain(
            table
                .constraints
                .iter()
                .filter(|c| c.def.origin == created && c.inline_column.is_none())
                .map(|c| c.loc().range),
        )
        .filter(|range| parens.range.contains_range(*range))
        .collect();
    elements.sort_by_key(|r| r.start());
    Some(TableElements { file, parens: parens.range, elements })
}

/// `*` matches any run of characters; matching ignores ASCII case.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Whether `name` matches any of `patterns` (globs).
pub fn matches_any(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|pattern| glob_match(pattern, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*_local_time", "start_local_time"));
        assert!(glob_match("price", "Price"));
        assert!(!glob_match("*_price", "price"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxc"));
        assert!(glob_match("*", ""));
    }
}
