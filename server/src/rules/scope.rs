//! The part of a schema a run of the rules visits after an edit: a set of tables, and which table
//! each statement belongs to.

use hashbrown::HashMap;

use crate::file::FileData;
use crate::lower::PlacedStatement;
use crate::model::{FileId, Model, TableId};
use crate::text::TextRange;

/// What a run of the rules after an edit visits again.
pub(crate) struct Visit<'a> {
    /// The tables rules of `RuleScope::Table` visit.
    pub tables: &'a TableSet,
    /// The edited file and where the statements that changed are in its new text.
    pub changed: Option<(FileId, TextRange)>,
    /// The edit created, removed or renamed a table.
    pub names_changed: bool,
}

impl<'a> Visit<'a> {
    /// The statements of `file` that start in the changed part.
    pub fn changed_statements(&self, file: &'a FileData) -> &'a [PlacedStatement] {
        match self.changed {
            Some((id, region)) if id == file.id => {
                let statements = &file.statements;
                let first = statements.partition_point(|s| s.start < region.start());
                let end = statements.partition_point(|s| s.start < region.end());
                &statements[first..end.max(first)]
            }
            _ => &[],
        }
    }
}

/// A set of tables of one model.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableSet {
    members: Vec<bool>,
}

impl TableSet {
    pub fn insert(&mut self, table: TableId) -> bool {
        let index = table.0 as usize;
        if index >= self.members.len() {
            self.members.resize(index + 1, false);
        }
        let added = !self.members[index];
        self.members[index] = true;
        added
    }

    pub fn contains(&self, table: TableId) -> bool {
        self.members.get(table.0 as usize).copied().unwrap_or(false)
    }

    pub fn iter(&self) -> impl Iterator<Item = TableId> + '_ {
        self.members
            .iter()
            .enumerate()
            .filter(|(_, member)| **member)
            .map(|(index, _)| TableId(index as u32))
    }
}

/// The table each statement is about: its CREATE TABLE, ALTER TABLE, CREATE INDEX, CREATE
/// TRIGGER, CREATE POLICY and CREATE RULE statements. A finding belongs to the table of the
/// statement it is reported in; other statements (types, functions, settings) belong to none.
pub(crate) struct Owners {
    /// Statements the model's `statement_tables` does not hold, by file and start offset.
    others: HashMap<(FileId, u32), TableId>,
    /// Tables of a statement that holds several (`CREATE SCHEMA s CREATE TABLE a ... CREATE
    /// TABLE b ...`), each with the table the statement's findings are counted to. A run
    /// visits all of them or none.
    shared: Vec<(TableId, TableId)>,
}

impl Owners {
    pub fn new(model: &Model, files: &[&FileData]) -> Owners {
        let mut owners = Owners {
            others: HashMap::with_capacity(model.tables.len()),
            shared: Vec::new(),
        };
        for table in &model.tables {
            let created = (table.created.file, table.created.statement.start());
            owners.claim(model, created, table.id);
        }
        let located = model
            .triggers
            .iter()
            .filter_map(|trigger| Some((trigger.def.origin, trigger.table?)))
            .chain(
                model
                    .policies
                    .iter()
                    .filter_map(|policy| Some((policy.def.origin, policy.table?))),
            );
        for (origin, table) in located {
            owners.claim(model, (origin.file, origin.statement.start()), table);
        }
        for rule in &model.rewrite_rules {
            let Some(table) = rule.table else { continue };
            let file = files.iter().find(|file| file.id == rule.name_loc.file);
            if let Some(statement) = file.and_then(|f| f.statement_at(rule.name_loc.range.start()))
            {
                owners.claim(model, (rule.name_loc.file, statement.start), table);
            }
        }
        owners
    }

    fn claim(&mut self, model: &Model, statement: (FileId, u32), table: TableId) {
        let first = model.statement_tables.get(&statement);
        match first.or_else(|| self.others.get(&statement)) {
            Some(&owner) if owner != table => self.shared.push((owner, table)),
            Some(_) => {}
            None => {
                self.others.insert(statement, table);
            }
        }
    }

    /// Adds the other tables of the statements that hold several, when `tables` has one.
    pub fn close(&self, tables: &mut TableSet) {
        for _ in 0..2 {
            for &(owner, table) in &self.shared {
                if tables.contains(owner) || tables.contains(table) {
                    tables.insert(owner);
                    tables.insert(table);
                }
            }
        }
    }

    /// The table of the statement starting at `start`.
    pub fn of_statement(&self, model: &Model, file: FileId, start: u32) -> Option<TableId> {
        model
            .statement_tables
            .get(&(file, start))
            .or_else(|| self.others.get(&(file, start)))
            .copied()
    }

    /// The table of the statement that holds `offset` of `file`.
    pub fn at(&self, model: &Model, file: &FileData, offset: u32) -> Option<TableId> {
        let statement = file.statement_at(offset)?;
        self.of_statement(model, file.id, statement.start)
    }
}
