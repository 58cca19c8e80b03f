//! Helpers shared by rules: what a column's type is, where to report a foreign key, name patterns.

use crate::file::FileData;
use crate::fix::TableElements;
use crate::lower::{Fact, TypeRef};
use crate::model::{Column, Constraint, Domain, Loc, Located, Model, Table};
use crate::rules::words::words;
use crate::rules::{Edit, RuleCx};
use crate::syntax::Language;
use crate::text::TextRange;

/// Columns of the tables that exist at the end, where they are defined (columns a partition or
/// child table inherits are reported on their parent, also when pg_dump spells them out in a
/// partition attached later).
pub fn defined_columns<'a>(cx: &RuleCx<'a>) -> impl Iterator<Item = (&'a Table, &'a Column)> {
    let model = cx.model;
    cx.live_tables().flat_map(move |table| {
        let parent = table
            .partition_of
            .as_ref()
            .and_then(|name| model.find_table(name));
        table
            .columns
            .iter()
            .filter(move |c| !c.inherited && parent.is_none_or(|p| p.column(&c.name).is_none()))
            .map(move |c| (table, c))
    })
}

/// The `pg_type.typname` of a built-in type reference (`timestamp with time zone` ->
/// `timestamptz`, `serial` -> `int4`), ignoring array brackets.
pub fn builtin(ty: &TypeRef) -> Option<&'static str> {
    ty.builtin
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
    // The elements as written, not those the model keeps: after one it does not (`LIKE other`,
    // a column a later statement drops), a fix would add its comma to the wrong element.
    let statement = file.statement_at(created.statement.start())?;
    let written = statement.lowered.facts.iter().find_map(|fact| match fact {
        Fact::CreateTable(create) => Some(&create.element_ranges),
        _ => None,
    })?;
    let elements = written
        .iter()
        .map(|range| created.loc(*range).range)
        .filter(|range| parens.range.contains_range(*range))
        .collect();
    Some(TableElements {
        file,
        parens: parens.range,
        elements,
    })
}

/// `*` matches any run of characters; matching ignores ASCII case.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let (pattern, name) = (pattern.as_bytes(), name.as_bytes());
    let mut parts = pattern.split(|&b| b == b'*');
    let first = parts.next().unwrap_or_default();
    let Some(last) = parts.next_back() else {
        return pattern.eq_ignore_ascii_case(name);
    };
    if name.len() < first.len() + last.len()
        || !name[..first.len()].eq_ignore_ascii_case(first)
        || !name[name.len() - last.len()..].eq_ignore_ascii_case(last)
    {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in parts {
        match rest
            .windows(middle.len().max(1))
            .position(|window| window.eq_ignore_ascii_case(middle))
        {
            Some(at) => rest = &rest[at + middle.len()..],
            None if middle.is_empty() => {}
            None => return false,
        }
    }
    true
}

/// Whether `name` matches any of `patterns` (globs).
pub fn matches_any(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|pattern| glob_match(pattern, name))
}

/// Where a type diagnostic goes: the type tokens in SQL; in Prisma the native type attribute
/// (`@db.VarChar(255)`) when the field has one, else the field's type.
pub fn type_loc(ty: &Located<TypeRef>, language: Language) -> Loc {
    match (language, ty.value.modifiers_range) {
        (Language::Prisma, Some(native)) => ty.loc(native),
        (Language::Prisma, None) => ty.loc(ty.value.name_range),
        (Language::Sql, _) => type_tokens(ty),
    }
}

/// `name` in the case the type at `ty` was written in (`NUMERIC` where `MONEY` was written).
pub fn written_case(cx: &RuleCx, ty: &Located<TypeRef>, name: &str) -> String {
    let written = cx.text(ty.loc(ty.value.name_range));
    if written.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.to_ascii_uppercase()
    } else {
        name.to_string()
    }
}

/// Removes a Prisma field's native type attribute (`@db.Json`) with the blanks before it, so
/// the field takes Prisma's default type for its scalar.
pub fn remove_prisma_native(cx: &RuleCx, ty: &Located<TypeRef>) -> Option<Edit> {
    let native = ty.loc(ty.value.modifiers_range?);
    let text = &cx.file(native.file)?.text;
    let start = text[..native.range.start() as usize]
        .trim_end_matches([' ', '\t'])
        .len() as u32;
    Some(Edit::replace(
        Loc {
            file: native.file,
            range: TextRange::new(start, native.range.end()),
        },
        "",
    ))
}

/// A domain's base type, located in its CREATE DOMAIN.
pub fn domain_type(domain: &Domain) -> Located<TypeRef> {
    Located {
        value: domain.def.value.ty.clone(),
        origin: domain.def.origin,
    }
}

/// Edits adding `CHECK (<check>)` for a SQL column: at the end of its definition when `ty` was
/// written there, else as `ALTER TABLE ... ADD CHECK` after the statement that gave the type.
pub fn add_column_check(
    cx: &RuleCx,
    table: &Table,
    column: &Column,
    ty: &Located<TypeRef>,
    check: &str,
) -> Option<Edit> {
    let file = cx.file(ty.origin.file)?;
    let statement = ty.origin.statement;
    if ty.origin == column.def.origin {
        let end = column.def.loc(column.def.value.range).range.end();
        let clause = crate::fix::keyword_case(&file.text, statement, &format!(" CHECK ({check})"));
        return Some(Edit::insert(file.id, end, clause));
    }
    let sql = format!(
        "ALTER TABLE {} ADD CHECK ({check});",
        table.name_at(cx.model, ty.origin.statement_loc())
    );
    let sql = crate::fix::keyword_case(&file.text, statement, &sql);
    Some(crate::fix::insert_statement_after(file, statement, &sql))
}

/// A table's SQL name as a statement at `at` writes it (before a later RENAME, its old name).
pub fn sql_table_at(cx: &RuleCx, table: &Table, at: Loc) -> String {
    table.name_at(cx.model, at).to_string()
}

/// A column's SQL name (quoted where needed) as a statement at `at` writes it.
pub fn sql_column_at(cx: &RuleCx, table: &Table, column: &str, at: Loc) -> String {
    let name = table
        .column(column)
        .map_or(column, |found| found.name_at(cx.model, at));
    crate::model::names::quote_if_needed(name)
}

/// The words of a name as its author wrote them: PostgreSQL stores an unquoted `payAmount` as
/// `payamount`, but its words are still pay and amount.
pub fn written_words(cx: &RuleCx, name: &str, written_at: Loc) -> Vec<String> {
    let written = cx.text(written_at);
    if !written.starts_with('"') && crate::lower::ident_denotes(written, name) {
        words(written)
    } else {
        words(name)
    }
}

/// How messages name a table where a finding is reported: its Prisma model name in Prisma, else
/// the SQL name it had at `at` (a later ALTER TABLE ... RENAME does not rename what an earlier
/// statement says).
pub fn table_label(cx: &RuleCx, table: &Table, at: Loc) -> String {
    table
        .prisma_name
        .clone()
        .unwrap_or_else(|| table.name_at(cx.model, at).to_string())
}

/// How messages name a column (by its current name) where a finding is reported: its Prisma
/// field name in Prisma, else the name it had at `at`.
pub fn column_label(cx: &RuleCx, table: &Table, column: &str, at: Loc) -> String {
    match table.column(column) {
        Some(found) => found
            .prisma_name
            .clone()
            .unwrap_or_else(|| found.name_at(cx.model, at).to_string()),
        None => column.to_string(),
    }
}

/// Whether the model comes from standalone SQL schema files (no migration folder, no Prisma
/// schema) with other schema files beside them: such a file is often one of several applied in
/// turn (types in one, tables in the next), so what it does not define may exist all the same.
/// A lone `schema.sql` is complete.
pub fn may_rely_on_sibling_files(model: &Model) -> bool {
    model.beside_other_schemas
        && model
            .files
            .iter()
            .all(|f| !f.is_migration && f.language == Language::Sql)
}

/// Whether a SQL file was generated by Prisma Migrate: it lies in Prisma's
/// `<version>_<name>/migration.sql` layout, or its content has Prisma's step comments
/// (`-- CreateTable` on a line of its own), wherever it was copied to (a goose migration, a
/// schema dump).
pub fn is_prisma_migrate_sql(file: &FileData) -> bool {
    if file.language != Language::Sql {
        return false;
    }
    let path = &file.path;
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let layout = path.file_name().is_some_and(|n| n == "migration.sql")
        && folder.split_once('_').is_some_and(|(version, _)| {
            !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())
        });
    layout || file.has_prisma_migrate_steps()
}

/// An edit adding `line` (`@@index(...)`, `@@unique(...)`, ...) as the last member of a Prisma
/// model, indented like its fields; none while the model's block is not closed.
pub(crate) fn append_to_prisma_model(cx: &RuleCx, table: &Table, line: &str) -> Option<Edit> {
    let body = table.elements?;
    let file = cx.file(body.file)?;
    let members = prisma_members(table);
    Some(crate::fix::prisma::append_member(
        file, body.range, &members, line,
    ))
}

/// Where a Prisma model's fields are, for fixes that add a member beside them.
pub(crate) fn prisma_members(table: &Table) -> Vec<TextRange> {
    table
        .columns
        .iter()
        .map(|c| c.def.loc(c.def.value.range).range)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prisma_migrate_steps() {
        let steps = crate::file::has_prisma_migrate_steps;
        assert!(steps("-- CreateTable\nCREATE TABLE \"A\" ();"));
        assert!(steps(
            "x;\r\n-- AddForeignKey\r\nALTER TABLE \"a\" ADD CONSTRAINT \"k\";"
        ));
        assert!(!steps("-- CreateTable for users\nCREATE TABLE \"a\" ();"));
        assert!(!steps("SELECT 1; -- CreateTable\nCREATE TABLE \"a\" ();"));
        // Hand-written SQL that borrows the comments names its objects its own way.
        assert!(!steps("-- CreateTable\nCREATE TABLE v1_queue (id int);"));
        assert!(!steps("-- CreateTable"));
        assert!(steps(
            "--\n-- x\n-- CreateIndex\nCREATE INDEX \"i\" ON \"a\"(\"b\");"
        ));
    }

    #[test]
    fn globs() {
        assert!(glob_match("*_local_time", "start_local_time"));
        assert!(glob_match("price", "Price"));
        assert!(!glob_match("*_price", "price"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxc"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a**b", "ab"));
        assert!(glob_match("*Price*", "unit_PRICE_cents"));
        assert!(!glob_match("ab*ba", "aba"));
        assert!(glob_match("prix_*", "prix_unitaire_été"));
    }
}
