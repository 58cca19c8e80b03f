//! Inlay hints where the text hides something the schema knows: the key columns a bare
//! `REFERENCES t` points to, the type a domain or serial column stores, and the referenced
//! key's type at a foreign key column whose type differs from it.

use crate::lower::{ConstraintKind, TypeRef};
use crate::model::{Located, Model, Table};
use crate::syntax::Language;
use crate::text::TextRange;
use crate::workspace::host::FileView;

/// A hint: `label` shown at `offset`.
#[derive(Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: u32,
    pub label: String,
}

/// The hints of `file` within `range`, in text order.
pub fn inlay_hints(file: &FileView, range: TextRange) -> Vec<InlayHint> {
    let Some(source) = &file.source else {
        return Vec::new();
    };
    if file.data.language != Language::Sql {
        return Vec::new();
    }
    let model = &source.model;
    let mut hints = Vec::new();
    let mut push = |offset: u32, label: String| {
        if range.contains_inclusive(offset) {
            hints.push(InlayHint { offset, label });
        }
    };
    for table in model.live_tables() {
        for column in &table.columns {
            let Some(ty) = &column.ty else { continue };
            if ty.origin.file != file.data.id {
                continue;
            }
            let end = ty.loc(ty.value.range).range.end();
            if let Some(stored) = stored_type(model, &ty.value) {
                push(end, format!(": {stored}"));
            }
        }
        for fk in table.foreign_keys() {
            if fk.def.origin.file != file.data.id {
                continue;
            }
            let ConstraintKind::ForeignKey {
                columns,
                references,
            } = fk.kind()
            else {
                continue;
            };
            let Some(target) = fk.target.map(|id| model.table(id)) else {
                continue;
            };
            let keys = referenced_columns(target, &references.columns);
            if references.columns.is_empty() && !keys.is_empty() {
                let after_name = fk.def.loc(references.table.range).range.end();
                push(after_name, format!("({})", keys.join(", ")));
            }
            for (column, key) in columns.iter().zip(&keys) {
                let (Some(mine), Some(theirs)) = (
                    table.column(&column.name).and_then(|c| c.ty.as_ref()),
                    target.column(key).and_then(|c| c.ty.as_ref()),
                ) else {
                    continue;
                };
                if mine.origin.file != file.data.id || same_type(model, mine, theirs) {
                    continue;
                }
                let theirs_text =
                    stored_type(model, &theirs.value).unwrap_or_else(|| written_type(file, theirs));
                push(
                    mine.loc(mine.value.range).range.end(),
                    format!(" → {}.{key} {theirs_text}", target.name),
                );
            }
        }
    }
    hints.sort_by_key(|hint| hint.offset);
    hints.dedup();
    hints
}

/// The key columns a foreign key references: those written, else the target's primary key.
pub(super) fn referenced_columns(target: &Table, written: &[crate::lower::Ident]) -> Vec<String> {
    if !written.is_empty() {
        return written.iter().map(|c| c.name.clone()).collect();
    }
    target
        .constraints
        .iter()
        .find(|c| matches!(c.kind(), ConstraintKind::PrimaryKey { .. }))
        .map(|pk| pk.columns().iter().map(|c| (*c).to_owned()).collect())
        .unwrap_or_default()
}

/// What a domain or serial column stores, when the written type hides it.
fn stored_type(model: &Model, ty: &TypeRef) -> Option<String> {
    if ty.schema.is_none() && crate::catalog::types::is_serial(&ty.name) {
        return Some(
            match ty.builtin {
                Some("int8") => "bigint",
                Some("int2") => "smallint",
                _ => "integer",
            }
            .to_owned(),
        );
    }
    let domain = model.find_domain(ty)?;
    let base = &domain.def.value.ty;
    Some(match base.builtin {
        Some(builtin) => builtin.to_owned(),
        None => base.name.clone(),
    })
}

/// Whether two column types store the same thing (serials as their integers, domains as
/// their base types).
fn same_type(model: &Model, a: &Located<TypeRef>, b: &Located<TypeRef>) -> bool {
    let storage = |ty: &TypeRef| -> (Option<String>, u8) {
        let builtin = stored_type(model, ty)
            .map(|stored| match stored.as_str() {
                "bigint" => "int8".to_owned(),
                "integer" => "int4".to_owned(),
                "smallint" => "int2".to_owned(),
                other => other.to_owned(),
            })
            .or_else(|| ty.builtin.map(str::to_owned))
            .or_else(|| Some(ty.name.clone()));
        (builtin, ty.array_dims)
    };
    storage(&a.value) == storage(&b.value) && a.value.modifiers == b.value.modifiers
}

/// A type as written, where it is written in this file; else its name.
fn written_type(file: &FileView, ty: &Located<TypeRef>) -> String {
    if ty.origin.file == file.data.id {
        file.data.slice(ty.loc(ty.value.range).range).to_owned()
    } else {
        ty.value.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    fn hints(text: &str) -> Vec<(String, String)> {
        let fixture = Fixture::new(text);
        let file = fixture.file("schema.sql");
        let whole = TextRange::new(0, file.data.text.len() as u32);
        inlay_hints(file, whole)
            .into_iter()
            .map(|hint| {
                let before = &file.data.text[..hint.offset as usize];
                let word = before
                    .rsplit(|c: char| c.is_whitespace() || c == '(')
                    .next()
                    .unwrap_or("")
                    .to_owned();
                (word, hint.label)
            })
            .collect()
    }

    #[test]
    fn bare_references_domains_serials_and_differing_key_types() {
        let found = hints(
            "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');\n\
             CREATE TABLE customers (id bigserial PRIMARY KEY, contact email NOT NULL);\n\
             CREATE TABLE orders (\n\
                 id bigint PRIMARY KEY,\n\
                 customer_id integer REFERENCES customers,\n\
                 buyer_id bigint REFERENCES customers (id)\n\
             );\n",
        );
        assert_eq!(
            found,
            [
                ("bigserial".to_owned(), ": bigint".to_owned()),
                ("email".to_owned(), ": text".to_owned()),
                ("integer".to_owned(), " → customers.id bigint".to_owned()),
                ("customers".to_owned(), "(id)".to_owned()),
            ]
        );
    }
}
