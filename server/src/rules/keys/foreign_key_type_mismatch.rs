//! ## What it does
//! Reports foreign keys whose columns have a different type from the columns they reference,
//! after normalising spellings (`serial` is `integer`, `int4` is `integer`, a domain is its
//! base type). A `varchar(n)` against `text`, or a different length or precision of the same
//! type, is reported one level lower (a warning by default): the key works, but values of one
//! side may not fit the other. The message names a serial by the integer it stores.
//!
//! ## Why is this bad?
//! PostgreSQL accepts some mismatched keys (an `integer` referencing a `bigint`) and compares
//! them with a cast. The narrower side overflows once the referenced key grows past its range,
//! joins on the pair cannot always use an index, and the mismatch spreads as columns are
//! copied. Prisma rejects such a relation outright.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! CREATE TABLE posts (
//!     id bigint PRIMARY KEY,
//!     author_id integer NOT NULL REFERENCES users (id)
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
//! "Use `<type>` like `<table>.<column>`" gives the referencing column the referenced
//! column's type (`integer` for a `serial`, `bigint` for a `bigserial`). It is safe where the
//! referencing column is created, unsafe on an `ALTER COLUMN ... TYPE` of an existing column.
//! In Prisma it copies the referenced field's scalar type and native type attribute.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::{ConstraintKind, TypeRef};
use crate::model::{Column, Located, Table};
use crate::rules::common::{
    builtin, column_label, foreign_key_loc, remove_prisma_native, table_label, type_change_safety,
    type_tokens,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope, Safety};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-type-mismatch",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

/// A type with spellings and domains resolved.
#[derive(Debug, PartialEq, Eq)]
struct Normal {
    /// `pg_type.typname` of a built-in type, or the qualified name of a user type.
    name: String,
    /// Modifiers that change which values fit (lengths, numeric precision).
    modifiers: Vec<String>,
    dims: u8,
}

/// How far two types are apart, in increasing order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Difference {
    Same,
    /// Same kind of values, other limits: `varchar(n)` against `text`, another length.
    Limits,
    Type,
}

/// One mismatched column pair.
struct Mismatch<'a> {
    column: &'a Column,
    ty: &'a Located<TypeRef>,
    referenced: &'a Column,
    referenced_ty: &'a Located<TypeRef>,
}

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        for fk in table.foreign_keys() {
            let ConstraintKind::ForeignKey { columns, .. } = fk.kind() else {
                continue;
            };
            let Some(target) = fk.target.map(|t| cx.model.table(t)).filter(|t| !t.dropped) else {
                continue;
            };
            let referenced = cx.model.referenced_columns(fk);
            if referenced.len() != columns.len() {
                continue;
            }
            let mut mismatches = Vec::new();
            let mut worst = Difference::Same;
            for (column, referenced) in columns.iter().zip(&referenced) {
                let (Some(column), Some(referenced)) =
                    (table.column(&column.name), target.column(referenced))
                else {
                    continue;
                };
                let (Some(ty), Some(referenced_ty)) = (&column.ty, &referenced.ty) else {
                    continue;
                };
                let (Some(mine), Some(theirs)) = (
                    normalize(cx, table, &ty.value, 0),
                    normalize(cx, target, &referenced_ty.value, 0),
                ) else {
                    continue;
                };
                let difference = compare(&mine, &theirs);
                if difference == Difference::Same {
                    continue;
                }
                worst = worst.max(difference);
                mismatches.push(Mismatch {
                    column,
                    ty,
                    referenced,
                    referenced_ty,
                });
            }
            if mismatches.is_empty() {
                continue;
            }
            let described: Vec<String> = mismatches
                .iter()
                .map(|m| {
                    format!(
                        "`{}` is `{}` but references `{}.{}`, which is `{}`",
                        column_label(table, &m.column.name),
                        storage_type(cx, table.language, m.ty),
                        table_label(target),
                        column_label(target, &m.referenced.name),
                        storage_type(cx, target.language, m.referenced_ty),
                    )
                })
                .collect();
            let mut diagnostic = Diagnostic::new(foreign_key_loc(table, fk), described.join("; "));
            for m in &mismatches {
                let label = format!(
                    "`{}.{}` is declared here",
                    table_label(target),
                    column_label(target, &m.referenced.name)
                );
                diagnostic = diagnostic.with_related(type_tokens(m.referenced_ty), label);
            }
            diagnostic = diagnostic.with_fixes(fix(cx, table, target, &mismatches));
            if worst == Difference::Limits {
                diagnostic = diagnostic.demoted();
            }
            out.push(diagnostic);
        }
    }
}

/// Resolves built-in spellings, serials and domains; `None` for types the model does not know.
fn normalize(cx: &RuleCx, table: &Table, ty: &TypeRef, depth: u8) -> Option<Normal> {
    if let Some(typname) = builtin(ty) {
        let modifiers = if matches!(typname, "varchar" | "bpchar" | "numeric" | "bit" | "varbit") {
            ty.modifiers
                .iter()
                .map(|m| m.split_whitespace().collect())
                .collect()
        } else {
            Vec::new()
        };
        return Some(Normal {
            name: typname.to_string(),
            modifiers,
            dims: ty.array_dims,
        });
    }
    // Domains may be based on domains; the depth bound stops a (rejected) cycle.
    if let Some(domain) = cx.model.find_domain(ty).filter(|_| depth < 8) {
        let mut base = normalize(cx, table, &domain.def.value.ty, depth + 1)?;
        base.dims = base.dims.saturating_add(ty.array_dims);
        return Some(base);
    }
    let user = cx.model.find_type(ty, table.language)?;
    Some(Normal {
        name: user.name.to_string(),
        modifiers: Vec::new(),
        dims: ty.array_dims,
    })
}

fn compare(mine: &Normal, theirs: &Normal) -> Difference {
    if mine.dims != theirs.dims {
        return Difference::Type;
    }
    if mine.name == theirs.name {
        return if mine.modifiers == theirs.modifiers {
            Difference::Same
        } else {
            Difference::Limits
        };
    }
    let strings = ["text", "varchar"];
    if strings.contains(&mine.name.as_str()) && strings.contains(&theirs.name.as_str()) {
        return Difference::Limits;
    }
    Difference::Type
}

/// The referencing columns take the referenced columns' types.
fn fix(cx: &RuleCx, table: &Table, target: &Table, mismatches: &[Mismatch]) -> Option<Fix> {
    let mut edits = Vec::new();
    let mut safety = Safety::Safe;
    let mut titles = Vec::new();
    for m in mismatches {
        if m.ty.value.array_dims != m.referenced_ty.value.array_dims {
            return None;
        }
        let (mut column_edits, written) = match (table.language, target.language) {
            (Language::Sql, Language::Sql) => {
                let written = storage_type(cx, Language::Sql, m.referenced_ty);
                (
                    vec![Edit::replace(type_tokens(m.ty), written.clone())],
                    written,
                )
            }
            (Language::Prisma, Language::Prisma) => prisma_edits(cx, m)?,
            _ => return None,
        };
        edits.append(&mut column_edits);
        if type_change_safety(m.column, m.ty) == Safety::Unsafe {
            safety = Safety::Unsafe;
        }
        titles.push(format!(
            "`{written}` for `{}`",
            column_label(table, &m.column.name)
        ));
    }
    let title = match titles.as_slice() {
        [one] => format!("Use {one} like `{}`", table_label(target)),
        _ => format!("Use {} like `{}`", titles.join(", "), table_label(target)),
    };
    Some(Fix::new(title, safety, edits))
}

/// The type as written, but a SQL serial as the integer it stores: a `serial` column is an
/// `integer` with a default, and a column referencing it is an `integer`. (Prisma's
/// `autoincrement()` fields are written as their scalar type already.)
fn storage_type(cx: &RuleCx, language: Language, ty: &Located<TypeRef>) -> String {
    let written = cx.text(type_tokens(ty));
    if language == Language::Sql
        && ty.value.schema.is_none()
        && crate::catalog::types::is_serial(&ty.value.name)
    {
        let integer = match builtin(&ty.value) {
            Some("int8") => "bigint",
            Some("int2") => "smallint",
            _ => "integer",
        };
        return if written.starts_with(|c: char| c.is_ascii_uppercase()) {
            integer.to_ascii_uppercase()
        } else {
            integer.to_string()
        };
    }
    written.to_string()
}

/// Prisma: the referenced field's scalar type and native attribute (or none).
fn prisma_edits(cx: &RuleCx, m: &Mismatch) -> Option<(Vec<Edit>, String)> {
    let scalar = cx
        .text(m.referenced_ty.loc(m.referenced_ty.value.name_range))
        .to_string();
    let mut edits = vec![Edit::replace(
        m.ty.loc(m.ty.value.name_range),
        scalar.clone(),
    )];
    let native = m
        .referenced_ty
        .value
        .modifiers_range
        .map(|r| cx.text(m.referenced_ty.loc(r)).to_string());
    match (&native, m.ty.value.modifiers_range) {
        (Some(native), Some(mine)) => edits.push(Edit::replace(m.ty.loc(mine), native.clone())),
        (Some(native), None) => {
            let end = m.ty.loc(m.ty.value.range).range.end();
            edits.push(Edit::insert(m.ty.origin.file, end, format!(" {native}")));
        }
        (None, Some(_)) => edits.extend(remove_prisma_native(cx, m.ty)),
        (None, None) => {}
    }
    let written = match native {
        Some(native) => format!("{scalar} {native}"),
        None => scalar,
    };
    Some((edits, written))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
