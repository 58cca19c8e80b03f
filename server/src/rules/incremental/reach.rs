//! The tables a changed statement of no table can affect. Such a statement (a type, a domain,
//! a view, a sequence, a drop) reaches the rules of `RuleScope::Table` only through names: a
//! column of the type or domain, a default that calls the sequence, a foreign key to the
//! view, the tables a view reads, and new index or constraint names that must not collide with
//! a relation. So the tables to visit again are those whose statements name what the edit
//! defined or dropped, found by scanning the texts for those names.

use std::collections::BTreeSet;

use crate::file::FileData;
use crate::lower::{AlterTypeAction, Fact, ObjectKind, PlacedStatement};
use crate::model::{FileId, Model};
use crate::rules::scope::{Owners, TableSet};

/// What the changed statements of no table define, drop or read.
#[derive(Default)]
pub(super) struct Reach {
    /// Names of types, domains, views and sequences, as the model holds them.
    pub names: BTreeSet<String>,
}

impl Reach {
    /// Adds what `statement` (of `file` in `model`, whose text is `text`) reaches, and the
    /// tables it acts on or reads to `seeds`. `false` when it can change how every statement
    /// reads: a search path that a later statement of the file reads (one naming something
    /// without a schema), unless the changed statements leave the path as it was
    /// (`search_path_kept`), a schema, an extension, a type renamed (fixes are placed by the last
    /// rename), or anything this does not know.
    pub fn add(
        &mut self,
        model: &Model,
        file: FileId,
        text: &str,
        statement: &PlacedStatement,
        search_path_kept: bool,
        seeds: &mut TableSet,
    ) -> bool {
        for fact in &statement.lowered.facts {
            match fact {
                Fact::Command(_)
                | Fact::SetParameter { .. }
                | Fact::CreateFunction(_)
                | Fact::AlterFunction { .. } => {}
                // The model keeps comments of tables and columns only, and a statement of no
                // table names neither.
                Fact::Comment(_) => {}
                // pg_dump qualifies every name, so its files read no search path.
                Fact::SetSearchPath { .. } => {
                    if !search_path_kept && model.reads_search_path_after(file, statement.start) {
                        return false;
                    }
                }
                Fact::CreateView { name, .. } => {
                    self.names.insert(name.name.name.clone());
                    let range = statement.range();
                    let view = text.get(range.start() as usize..range.end() as usize);
                    tables_named_in(model, view.unwrap_or(""), seeds);
                }
                Fact::CreateSequence { name, .. } | Fact::AlterSequence { name, .. } => {
                    self.names.insert(name.name.name.clone());
                }
                Fact::CreateType(create) => {
                    self.names.insert(create.name.name.name.clone());
                }
                Fact::CreateDomain(domain) => {
                    self.names.insert(domain.name.name.name.clone());
                }
                Fact::AlterType {
                    action: AlterTypeAction::Rename { .. },
                    ..
                } => return false,
                Fact::AlterType { name, .. } => {
                    self.names.insert(name.name.name.clone());
                }
                Fact::Drop(drop) => match drop.kind {
                    ObjectKind::Table | ObjectKind::Index => {
                        if let Some(tables) = model.command_tables.get(&(file, statement.start)) {
                            for &table in tables {
                                seeds.insert(table);
                            }
                        }
                    }
                    ObjectKind::View
                    | ObjectKind::MaterializedView
                    | ObjectKind::Sequence
                    | ObjectKind::Type
                    | ObjectKind::Domain => {
                        let names = drop.targets.iter().map(|t| t.name.name.clone());
                        self.names.extend(names);
                    }
                    ObjectKind::Trigger | ObjectKind::Policy | ObjectKind::Rule => {
                        let Some(table) = &drop.table else { continue };
                        for candidate in &model.tables {
                            if candidate.name.name == table.name.name {
                                seeds.insert(candidate.id);
                            }
                        }
                    }
                    ObjectKind::Function | ObjectKind::Procedure => {}
                    _ => return false,
                },
                _ => return false,
            }
        }
        true
    }

    /// Adds to `seeds` the tables of `model` whose statements in `files` name any of the names
    /// reached, and the names that statements of no table naming them define (a domain over a
    /// type, a view of a view), until no new name comes.
    pub fn seed(&self, model: &Model, owners: &Owners, files: &[&FileData], seeds: &mut TableSet) {
        let mut seen = self.names.clone();
        let mut queue: Vec<String> = seen.iter().cloned().collect();
        while let Some(name) = queue.pop() {
            for file in files {
                let mut last = None;
                for at in identifier_hits(&file.text, &name) {
                    let Some(statement) = file.statement_at(at as u32) else {
                        continue;
                    };
                    if last.replace(statement.start) == Some(statement.start) {
                        continue;
                    }
                    match owners.of_statement(model, file.id, statement.start) {
                        Some(table) => {
                            seeds.insert(table);
                        }
                        None => {
                            for defined in defined_names(statement) {
                                if seen.insert(defined.to_string()) {
                                    queue.push(defined.to_string());
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The types, domains and views a statement defines: what names it can be used by.
fn defined_names(statement: &PlacedStatement) -> impl Iterator<Item = &str> {
    statement
        .lowered
        .facts
        .iter()
        .filter_map(|fact| match fact {
            Fact::CreateType(create) => Some(create.name.name.name.as_str()),
            Fact::CreateDomain(domain) => Some(domain.name.name.name.as_str()),
            Fact::CreateView { name, .. } => Some(name.name.name.as_str()),
            _ => None,
        })
}

/// Adds the tables whose name (or a former one) `text` holds as an identifier, in any case: a
/// view reading them keeps PostgreSQL from changing their columns' types, so their fixes differ.
fn tables_named_in(model: &Model, text: &str, seeds: &mut TableSet) {
    for table in &model.tables {
        let names = std::iter::once(&table.name.name)
            .chain(table.former_names.iter().map(|former| &former.name.name));
        if names
            .into_iter()
            .any(|name| identifier_hits(text, name).next().is_some())
        {
            seeds.insert(table.id);
        }
    }
}

/// Where `name` stands in `text` as a whole identifier, in any ASCII case (unquoted names fold,
/// and a quoted one may differ only in case from another), or as `_name`, its array type.
fn identifier_hits<'a>(text: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (bytes, wanted) = (text.as_bytes(), name.as_bytes());
    let first = wanted.first().copied().unwrap_or(0);
    let candidates = memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    );
    let is_word =
        |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80;
    candidates.filter(move |&at| {
        let end = at + wanted.len();
        !wanted.is_empty()
            && bytes
                .get(at..end)
                .is_some_and(|found| found.eq_ignore_ascii_case(wanted))
            && match at.checked_sub(1).map(|before| bytes[before]) {
                None => true,
                Some(b'_') => at < 2 || !is_word(bytes[at - 2]),
                Some(before) => !is_word(before),
            }
            && bytes.get(end).is_none_or(|&next| !is_word(next))
    })
}

#[cfg(test)]
mod tests {
    use super::identifier_hits;

    #[test]
    fn names_are_found_as_whole_identifiers_in_any_case() {
        let text = "CREATE TABLE t (a Mood, b mood[], c moods, d _mood, e \"mood\", f x.MOOD);";
        let hits: Vec<&str> = identifier_hits(text, "mood")
            .map(|at| &text[at..at + 4])
            .collect();
        assert_eq!(hits, ["Mood", "mood", "mood", "mood", "MOOD"]);
        assert_eq!(identifier_hits("é_mood émood", "mood").count(), 0);
        assert_eq!(identifier_hits("anything", "").count(), 0);
    }
}
