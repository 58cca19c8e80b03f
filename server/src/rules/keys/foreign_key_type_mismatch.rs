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
//! "Widen ..." never narrows a type: it gives the narrower side of each mismatched pair the
//! wider side's type. Where the referencing column is narrower (`integer` referencing a
//! `bigint`), that column is widened. Where the referenced key is narrower (a `bigint` column
//! referencing an `integer` key), the key is widened, and in the same fix every other column
//! that references it (recursively) and is narrower than the new type, so that no key is left
//! mismatched; a `serial` key becomes a `bigserial`. Types that are not one wider than the
//! other (`text` against `uuid`) get no fix. It is unsafe: a type change rewrites the table
//! and changes what application code reads (in Prisma, `Int` becomes `BigInt`, whose client
//! type is `bigint`, not `number`).
//!
//! In an applied migration or a generated dump the fix is a new migration of `ALTER COLUMN ...
//! TYPE` statements for the same columns (a serial's sequence widened with it); none when a view
//! reads one of the tables.
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::lower::{ConstraintKind, TypeRef};
use crate::model::{Column, Loc, Located, Model, QualifiedName, Table, TableId};
use crate::rules::common::{
    builtin, column_label, foreign_key_loc, remove_prisma_native, table_label, type_tokens,
    written_case,
};
use crate::rules::forms::Form;
use crate::rules::keys::referencing_columns;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "foreign-key-type-mismatch",
    level: |_| Level::Error,
    options: &[],
    fixable: true,
    // A fix that widens a key widens every column referencing it, in any table.
    scope: RuleScope::Schema,
    check: Some(check),
};

/// A type with spellings and domains resolved. Borrowed: every foreign key of the schema is
/// normalised on every edit, and nearly all match.
#[derive(Debug)]
struct Normal<'a> {
    name: TypeName<'a>,
    /// Modifiers that change which values fit (lengths, numeric precision), as written.
    modifiers: &'a [String],
    dims: u8,
}

#[derive(Debug, PartialEq, Eq)]
enum TypeName<'a> {
    /// `pg_type.typname`.
    Builtin(&'static str),
    User(&'a QualifiedName),
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
            let referenced = cx.model.referenced_column_names(fk);
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
                    normalize(cx.model, table, &ty.value, 0),
                    normalize(cx.model, target, &referenced_ty.value, 0),
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
            let at = foreign_key_loc(table, fk);
            let described: Vec<String> = mismatches
                .iter()
                .map(|m| {
                    format!(
                        "`{}` is `{}` but references `{}.{}`, which is `{}`",
                        column_label(cx, table, &m.column.name, at),
                        storage_type(cx, table.language, m.ty),
                        table_label(cx, target, at),
                        column_label(cx, target, &m.referenced.name, at),
                        storage_type(cx, target.language, m.referenced_ty),
                    )
                })
                .collect();
            let mut diagnostic = Diagnostic::new(at, described.join("; "));
            for m in &mismatches {
                let declared = type_tokens(m.referenced_ty);
                let label = format!(
                    "`{}.{}` is declared here",
                    table_label(cx, target, declared),
                    column_label(cx, target, &m.referenced.name, declared)
                );
                diagnostic = diagnostic.with_related(declared, label);
            }
            diagnostic = diagnostic.with_fixes(fix(cx, table, target, &mismatches, at));
            if worst == Difference::Limits {
                diagnostic = diagnostic.demoted();
            }
            out.push(diagnostic);
        }
    }
}

/// Resolves built-in spellings, serials and domains; `None` for types the model does not know.
fn normalize<'a>(
    model: &'a Model,
    table: &Table,
    ty: &'a TypeRef,
    depth: u8,
) -> Option<Normal<'a>> {
    if let Some(typname) = builtin(ty) {
        let limited = matches!(typname, "varchar" | "bpchar" | "numeric" | "bit" | "varbit");
        return Some(Normal {
            name: TypeName::Builtin(typname),
            modifiers: if limited { &ty.modifiers } else { &[] },
            dims: ty.array_dims,
        });
    }
    // Domains may be based on domains; the depth bound stops a (rejected) cycle.
    if let Some(domain) = model.find_domain(ty).filter(|_| depth < 8) {
        let mut base = normalize(model, table, &domain.def.value.ty, depth + 1)?;
        base.dims = base.dims.saturating_add(ty.array_dims);
        return Some(base);
    }
    let user = model.find_type(ty, table.language)?;
    Some(Normal {
        name: TypeName::User(&user.name),
        modifiers: &[],
        dims: ty.array_dims,
    })
}

fn compare(mine: &Normal, theirs: &Normal) -> Difference {
    if mine.dims != theirs.dims {
        return Difference::Type;
    }
    if mine.name == theirs.name {
        let same = mine.modifiers.len() == theirs.modifiers.len()
            && mine
                .modifiers
                .iter()
                .zip(theirs.modifiers)
                .all(|(a, b)| unspaced(a).eq(unspaced(b)));
        return if same {
            Difference::Same
        } else {
            Difference::Limits
        };
    }
    let string = |name: &TypeName| matches!(name, TypeName::Builtin("text" | "varchar"));
    if string(&mine.name) && string(&theirs.name) {
        return Difference::Limits;
    }
    Difference::Type
}

/// A modifier without its spaces: `10, 2` is `10,2`.
fn unspaced(modifier: &str) -> impl Iterator<Item = char> + '_ {
    modifier.chars().filter(|c| !c.is_whitespace())
}

/// How wide a type is within its family, for the types a key can be widened between:
/// `smallint` < `integer` < `bigint`; `varchar(n)` < `varchar(m)` < `varchar`/`text`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Width {
    Integer(u8),
    String(u32),
}

fn width(normal: &Normal) -> Option<Width> {
    if normal.dims > 0 {
        return None;
    }
    let TypeName::Builtin(name) = normal.name else {
        return None;
    };
    match name {
        "int2" => Some(Width::Integer(2)),
        "int4" => Some(Width::Integer(4)),
        "int8" => Some(Width::Integer(8)),
        "text" => Some(Width::String(u32::MAX)),
        "varchar" => Some(Width::String(match normal.modifiers {
            [length] => unspaced(length).collect::<String>().parse().ok()?,
            _ => u32::MAX,
        })),
        _ => None,
    }
}

/// Whether `a` holds fewer values than `b` of the same family.
fn narrower(a: Width, b: Width) -> bool {
    matches!((a, b), (Width::Integer(x), Width::Integer(y)) if x < y)
        || matches!((a, b), (Width::String(x), Width::String(y)) if x < y)
}

/// A column to widen, by table and current name.
type ColumnRef = (TableId, String);

/// Widens the narrower side of each mismatched pair to the wider side's type: the referencing
/// column, or, when the referenced key is the narrower one, the key together with every other
/// column that references it (recursively) and is narrower too, so that no key is left
/// mismatched. A fix never narrows a type, so pairs of types that are not one wider than the
/// other (`text` against `uuid`) get none.
fn fix(
    cx: &RuleCx,
    table: &Table,
    target: &Table,
    mismatches: &[Mismatch],
    at: Loc,
) -> Option<Fix> {
    if table.language != target.language {
        return None;
    }
    let mut edits: Vec<Edit> = Vec::new();
    let mut widened: HashSet<ColumnRef> = HashSet::new();
    let mut titles = Vec::new();
    let mut form = Form::new(cx, table, at);
    for m in mismatches {
        let mine = width(&normalize(cx.model, table, &m.ty.value, 0)?)?;
        let theirs = width(&normalize(cx.model, target, &m.referenced_ty.value, 0)?)?;
        let (start, wide, wide_ty) = if narrower(mine, theirs) {
            ((table.id, m.column.name.clone()), theirs, m.referenced_ty)
        } else if narrower(theirs, mine) {
            ((target.id, m.referenced.name.clone()), mine, m.ty)
        } else {
            return None;
        };
        let wide_written = storage_type(cx, table.language, wide_ty);
        let mut queue = vec![start.clone()];
        let mut others = 0;
        while let Some((id, name)) = queue.pop() {
            if !widened.insert((id, name.clone())) {
                continue;
            }
            let owner = cx.model.table(id);
            let Some(column) = owner.column(&name) else {
                continue;
            };
            let Some(ty) = &column.ty else { continue };
            let narrow = normalize(cx.model, owner, &ty.value, 0)
                .as_ref()
                .and_then(width)
                .is_some_and(|w| narrower(w, wide));
            if !narrow {
                continue;
            }
            edits.extend(widening_edits(
                cx,
                owner.language,
                ty,
                wide_ty,
                &wide_written,
            )?);
            form = form.and_then(|form| {
                let serial =
                    ty.value.schema.is_none() && crate::catalog::types::is_serial(&ty.value.name);
                let from = storage_type(cx, owner.language, ty);
                form.widen_integer(owner, column, serial, (&from, &wide_written))
            });
            if (id, name.as_str()) != (start.0, start.1.as_str()) {
                others += 1;
            }
            queue.extend(referencing_columns(cx.model, id, &name));
        }
        let owner = cx.model.table(start.0);
        let subject = format!(
            "`{}.{}`",
            table_label(cx, owner, at),
            column_label(cx, owner, &start.1, at)
        );
        titles.push(match others {
            0 => format!("{subject} to `{wide_written}`"),
            1 => format!("{subject} and 1 column referencing it to `{wide_written}`"),
            n => format!("{subject} and {n} columns referencing it to `{wide_written}`"),
        });
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| (e.file, e.range.start()));
    edits.dedup_by(|a, b| a.file == b.file && a.range == b.range);
    let title = format!("Widen {}", titles.join(", "));
    let step = form.and_then(|form| form.step(&title));
    Some(Fix::unsafe_(title, edits).with_migration(step))
}

/// Edits giving the column typed `narrow` the type `wide` (written `wide_written` in SQL): a
/// SQL serial stays a serial of the new width; a Prisma field takes the wide field's scalar and
/// native type attribute.
fn widening_edits(
    cx: &RuleCx,
    language: Language,
    narrow: &Located<TypeRef>,
    wide: &Located<TypeRef>,
    wide_written: &str,
) -> Option<Vec<Edit>> {
    match language {
        Language::Sql => {
            let serial = narrow.value.schema.is_none()
                && crate::catalog::types::is_serial(&narrow.value.name);
            let text = match (serial, builtin(&wide.value)) {
                (true, Some("int8")) => written_case(cx, narrow, "bigserial"),
                (true, Some("int4")) => written_case(cx, narrow, "serial"),
                (true, _) => return None,
                (false, _) => wide_written.to_string(),
            };
            Some(vec![Edit::replace(type_tokens(narrow), text)])
        }
        Language::Prisma => Some(prisma_edits(cx, narrow, wide).0),
    }
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

/// Prisma: the edits giving field type `narrow` the scalar type and native attribute (or none)
/// of `wide`, and how the result reads.
fn prisma_edits(
    cx: &RuleCx,
    narrow: &Located<TypeRef>,
    wide: &Located<TypeRef>,
) -> (Vec<Edit>, String) {
    let scalar = cx.text(wide.loc(wide.value.name_range)).to_string();
    let mut edits = vec![Edit::replace(
        narrow.loc(narrow.value.name_range),
        scalar.clone(),
    )];
    let native = wide
        .value
        .modifiers_range
        .map(|r| cx.text(wide.loc(r)).to_string());
    match (&native, narrow.value.modifiers_range) {
        (Some(native), Some(mine)) => edits.push(Edit::replace(narrow.loc(mine), native.clone())),
        (Some(native), None) => {
            let end = narrow.loc(narrow.value.range).range.end();
            edits.push(Edit::insert(narrow.origin.file, end, format!(" {native}")));
        }
        (None, Some(_)) => edits.extend(remove_prisma_native(cx, narrow)),
        (None, None) => {}
    }
    let written = match native {
        Some(native) => format!("{scalar} {native}"),
        None => scalar,
    };
    (edits, written)
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
