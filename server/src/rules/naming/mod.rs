//! Section 6 of the catalog: naming.

pub(crate) mod generic_column_name;
pub(crate) mod identifier_not_snake_case;
pub(crate) mod identifier_too_long;
pub(crate) mod reserved_keyword_identifier;

use super::{Rule, RuleCx};
use crate::model::{Loc, Table};
use crate::syntax::Language;

pub(super) const RULES: &[&Rule] = &[
    &identifier_not_snake_case::RULE,
    &reserved_keyword_identifier::RULE,
    &identifier_too_long::RULE,
    &generic_column_name::RULE,
];

/// What a named object is, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameKind {
    Table,
    Column,
    Index,
    Constraint,
    Type,
    Domain,
}

impl NameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Table => "table",
            NameKind::Column => "column",
            NameKind::Index => "index",
            NameKind::Constraint => "constraint",
            NameKind::Type => "type",
            NameKind::Domain => "domain",
        }
    }
}

/// A name the schema defines, at the place it is written.
pub(crate) struct DefinedName<'m> {
    pub kind: NameKind,
    /// The name as PostgreSQL stores it (folded, unquoted).
    pub name: &'m str,
    /// The written identifier (quotes included).
    pub loc: Loc,
    pub language: Language,
    /// The table it belongs to, for columns and constraints; the table itself for tables.
    pub table: Option<&'m Table>,
}

/// The names of the tables, columns, indexes, constraints, types and domains that exist at the
/// end of the workspace, each where it is written. A name changed by a later RENAME is left out:
/// the written text is no longer the name. Several rules read them; they are gathered once.
pub(crate) fn defined_names<'m>(cx: &RuleCx<'m>) -> &'m [DefinedName<'m>] {
    cx.shared.defined_names[usize::from(cx.visit.is_some())]
        .get_or_init(|| gather_defined_names(cx))
}

fn gather_defined_names<'m>(cx: &RuleCx<'m>) -> Vec<DefinedName<'m>> {
    let model = cx.model;
    let tables = cx
        .live_tables()
        .map(|t| 1 + t.columns.len() + t.constraints.len());
    let mut names = Vec::with_capacity(
        tables.sum::<usize>() + model.indexes.len() + model.types.len() + model.domains.len(),
    );
    let mut push = |kind, name: &'m str, loc: Loc, language, table| {
        let written = cx.text(loc);
        let still_named = match language {
            // Prisma names are Prisma identifiers; `@map` gives the database name elsewhere.
            Language::Prisma => true,
            Language::Sql => crate::lower::ident_denotes(written, name),
        };
        if still_named {
            names.push(DefinedName {
                kind,
                name,
                loc,
                language,
                table,
            });
        }
    };
    for table in cx.live_tables() {
        push(
            NameKind::Table,
            table.name.name.as_str(),
            table.name_loc,
            table.language,
            Some(table),
        );
        for column in table.columns.iter().filter(|c| !c.inherited) {
            push(
                NameKind::Column,
                column.name.as_str(),
                column.name_loc(),
                table.language,
                Some(table),
            );
        }
        if table.language == Language::Prisma {
            continue;
        }
        for constraint in &table.constraints {
            let Some(name) = &constraint.def.value.name else {
                continue;
            };
            push(
                NameKind::Constraint,
                name.name.as_str(),
                constraint.def.loc(name.range),
                table.language,
                Some(table),
            );
        }
    }
    for index in model.indexes.iter().filter(|index| cx.covers(index.table)) {
        let table = model.table(index.table);
        if table.language == Language::Prisma {
            continue;
        }
        let (Some(name), Some(written)) = (&index.name, &index.def.value.name) else {
            continue;
        };
        push(
            NameKind::Index,
            name.as_str(),
            index.def.loc(written.range),
            table.language,
            Some(table),
        );
    }
    for user_type in &model.types {
        let language = model
            .file_meta(user_type.def.origin.file)
            .map_or(Language::Sql, |f| f.language);
        let loc = user_type.def.loc(user_type.def.value.name.name.range);
        push(
            NameKind::Type,
            user_type.name.name.as_str(),
            loc,
            language,
            None,
        );
    }
    for domain in &model.domains {
        let loc = domain.def.loc(domain.def.value.name.name.range);
        push(
            NameKind::Domain,
            domain.name.name.as_str(),
            loc,
            Language::Sql,
            None,
        );
    }
    names
}
