//! Checking a source again after an edit of one of its files. The rules of `RuleScope::Table`
//! visit only the tables the edit can affect (`TableAndNames` too, unless a table's name came or
//! went), those of `RuleScope::Statement` only the changed statements; every other finding of
//! theirs is the last check's, moved by the edit. Rules of `RuleScope::Schema` run on
//! everything.
//!
//! The tables an edit can affect: those of the statements it changed (in the last model and in
//! the new one; the comment lines above a statement and the rest of its last line count as
//! its own), the tables it created, removed or renamed and those of the same names, their
//! inheritance families, the tables their foreign keys link them with (both ways), and the
//! tables of findings that touch the edited text or whose messages or fixes name a relation the
//! edit added, removed or renamed. A changed statement of no table (a type, a domain, a view, a
//! sequence, a drop) adds the tables whose statements name what it defines or drops (`reach`); a
//! search path that leaves the path after the changed statements as it was, or that no later
//! statement reads, adds none. Anything broader (another search path, a schema, an extension, a
//! renamed type, the configuration, several files at once) checks everything again.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use crate::config::Config;
use crate::file::FileData;
use crate::lower::{PlacedStatement, StatementKind};
use crate::model::names::SearchPath;
use crate::model::{FileId, Loc, Model, Origin, Table, TableId};
use crate::rules::audit::FRAMEWORK_TABLES;
use crate::rules::scope::{Owners, TableSet, Visit};
use crate::rules::{self, Diagnostic, RuleScope, Selection};
use crate::syntax::Language;
use crate::text::TextRange;
use reach::Reach;

mod reach;

/// What the last check of a source leaves for the next one.
#[derive(Default)]
pub struct RuleCache {
    last: Option<LastCheck>,
    /// The check before the last. It holds a model, whose drop takes milliseconds on a large
    /// schema: it is dropped when there is time (`prepare`), or on the chores thread when the
    /// next check begins (`let_go`), not while the rules run on every core.
    retired: Option<LastCheck>,
}

struct LastCheck {
    model: Arc<Model>,
    owners: Owners,
    /// Each table with parents, and its parents, gathered when first needed.
    families: OnceLock<Families>,
    config: Arc<Config>,
    selection: Selection,
    rules: Vec<&'static str>,
    files: Vec<FileState>,
    /// Each rule's findings (as `rules`), before suppressions, with the table each belongs to.
    found: Vec<Vec<Owned>>,
}

/// The tables that have parents (partitions, INHERITS), each with its parents.
type Families = Vec<(TableId, Vec<TableId>)>;

struct FileState {
    id: FileId,
    language: Language,
    text: Arc<String>,
    statements: Arc<Vec<PlacedStatement>>,
    prisma_migrate_steps: bool,
    revision: u64,
}

/// A finding and the table of the statement it is reported in.
struct Owned {
    table: Option<TableId>,
    diagnostic: Diagnostic,
}

/// Where one file changed, in the last check's offsets: `region` (with the statements around
/// it, up to the unchanged ones) became `delta` bytes longer.
#[derive(Clone, Copy, Debug)]
struct TextChange {
    file: FileId,
    region: TextRange,
    /// Where the two texts start to differ.
    first_difference: u32,
    delta: i64,
}

impl TextChange {
    fn touches(&self, loc: Loc) -> bool {
        loc.file == self.file
            && loc.range.start() <= self.region.end()
            && loc.range.end() >= self.region.start()
    }

    fn diagnostic_touches(&self, diagnostic: &Diagnostic) -> bool {
        self.touches(diagnostic.loc())
            || diagnostic.related.iter().any(|r| self.touches(r.loc))
            || diagnostic
                .fixes
                .iter()
                .flat_map(|fix| &fix.edits)
                .any(|edit| {
                    self.touches(Loc {
                        file: edit.file,
                        range: edit.range,
                    })
                })
    }

    /// Where the changed statements are in the new text.
    fn new_region(&self) -> TextRange {
        let end = i64::from(self.region.end()) + self.delta;
        TextRange::new(self.region.start(), end as u32)
    }

    /// Whether a location of the last check starts in a statement that changed.
    fn changed_statement(&self, loc: Loc) -> bool {
        loc.file == self.file
            && (self.region.start()..self.region.end()).contains(&loc.range.start())
    }

    /// A range of an untouched finding, in the new text.
    fn moved(&self, file: FileId, range: TextRange) -> TextRange {
        if file != self.file || range.start() < self.region.end() {
            return range;
        }
        let shift = |offset: u32| (i64::from(offset) + self.delta) as u32;
        TextRange::new(shift(range.start()), shift(range.end()))
    }

    /// Moves an untouched finding to its place in the new text.
    fn move_diagnostic(&self, diagnostic: &mut Diagnostic) {
        diagnostic.range = self.moved(diagnostic.file, diagnostic.range);
        for related in &mut diagnostic.related {
            related.loc.range = self.moved(related.loc.file, related.loc.range);
        }
        for edit in diagnostic.fixes.iter_mut().flat_map(|fix| &mut fix.edits) {
            edit.range = self.moved(edit.file, edit.range);
        }
    }
}

/// What the next run covers.
enum Plan {
    Everything,
    /// Only these tables (of the new model), and `change` moves the kept findings, whose tables
    /// `map` gives in the new model.
    Tables {
        tables: TableSet,
        change: Option<TextChange>,
        map: TableMap,
    },
}

/// The last model's tables in the new one: those created alike (same name, file, state) keep
/// their order, so the tables before and after the edit match one to one, and in between
/// either each table has a counterpart (renamed, or dropped or no longer dropped) or none has
/// (removed, added).
struct TableMap {
    to_new: Vec<Option<TableId>>,
    to_old: Vec<Option<TableId>>,
    /// Last and new id.
    renamed: Vec<(TableId, TableId)>,
    /// Ids in the last model.
    removed: Vec<TableId>,
    /// Ids in the new model.
    added: Vec<TableId>,
}

impl TableMap {
    fn new(old: &Model, new: &Model) -> Option<TableMap> {
        let same = |a: &Arc<Table>, b: &Arc<Table>| {
            Arc::ptr_eq(a, b)
                || a.name == b.name
                    && a.prisma_name == b.prisma_name
                    && a.dropped == b.dropped
                    && a.created.file == b.created.file
        };
        let (before, after) = (&old.tables, &new.tables);
        let (prefix, suffix) = common_ends(before, after, same, same);
        let mut map = TableMap {
            to_new: vec![None; before.len()],
            to_old: vec![None; after.len()],
            renamed: Vec::new(),
            removed: Vec::new(),
            added: Vec::new(),
        };
        let pairs = (0..prefix)
            .map(|i| (i, i))
            .chain((1..=suffix).map(|j| (before.len() - j, after.len() - j)));
        for (a, b) in pairs {
            map.link(before[a].id, after[b].id);
        }
        let (gone, came) = (
            &before[prefix..before.len() - suffix],
            &after[prefix..after.len() - suffix],
        );
        if gone.len() == came.len() {
            for (a, b) in gone.iter().zip(came) {
                if a.created.file != b.created.file {
                    return None;
                }
                map.link(a.id, b.id);
                map.renamed.push((a.id, b.id));
            }
        } else {
            map.removed = gone.iter().map(|t| t.id).collect();
            map.added = came.iter().map(|t| t.id).collect();
        }
        // Rules read these names across the schema, not through foreign keys.
        let special = |table: &Arc<Table>| {
            FRAMEWORK_TABLES.contains(&table.name.name.as_str()) || table.prisma_name.is_some()
        };
        let changed = gone.iter().chain(came);
        if changed.clone().any(special) {
            return None;
        }
        Some(map)
    }

    fn names_changed(&self) -> bool {
        !(self.renamed.is_empty() && self.removed.is_empty() && self.added.is_empty())
    }

    fn link(&mut self, old: TableId, new: TableId) {
        self.to_new[old.0 as usize] = Some(new);
        self.to_old[new.0 as usize] = Some(old);
    }

    fn to_new(&self, old: TableId) -> Option<TableId> {
        self.to_new.get(old.0 as usize).copied().flatten()
    }

    fn to_old(&self, new: TableId) -> Option<TableId> {
        self.to_old.get(new.0 as usize).copied().flatten()
    }
}

impl RuleCache {
    /// Runs the enabled rules over a source's model, like `rules::check`, visiting only what
    /// changed since the last call when that is known.
    pub fn check(
        &mut self,
        model: &Arc<Model>,
        files: &[&FileData],
        config: &Arc<Config>,
        selection: &Selection,
    ) -> Vec<Diagnostic> {
        let last = self.last.take();
        if files.is_empty() {
            self.retired = last;
            return Vec::new();
        }
        let enabled = rules::enabled(config, selection);
        let ids: Vec<&'static str> = enabled.iter().map(|(rule, _)| rule.id).collect();
        let owners = Owners::new(model, files);
        let families = OnceLock::new();
        let owned = |found: Vec<Diagnostic>| -> Vec<Owned> {
            found
                .into_iter()
                .map(|diagnostic| Owned {
                    table: files
                        .iter()
                        .find(|file| file.id == diagnostic.file)
                        .and_then(|file| owners.at(model, file, diagnostic.range.start())),
                    diagnostic,
                })
                .collect()
        };
        let plan = match &last {
            Some(last) => {
                let next = Next {
                    model,
                    owners: &owners,
                    families: &families,
                    files,
                };
                plan(last, &next, config, selection, &ids)
            }
            None => Plan::Everything,
        };
        let found: Vec<Vec<Owned>> = match (plan, last) {
            (
                Plan::Tables {
                    tables,
                    change,
                    map,
                },
                Some(mut last),
            ) => {
                let visit = Visit {
                    tables: &tables,
                    changed: change.map(|change| (change.file, change.new_region())),
                    names_changed: map.names_changed(),
                };
                let fresh = rules::run(&enabled, model, files, config, Some(&visit));
                let kept = std::mem::take(&mut last.found);
                self.retired = Some(last);
                enabled
                    .iter()
                    .zip(fresh)
                    .zip(kept)
                    .map(|(((rule, _), fresh), kept)| {
                        let mut found = owned(fresh);
                        let kept = kept.into_iter();
                        let untouched: Box<dyn Iterator<Item = Owned>> = match rule.scope {
                            RuleScope::Schema => return found,
                            RuleScope::TableAndNames if visit.names_changed => return found,
                            RuleScope::Statement => Box::new(kept.filter(|f| {
                                change.is_none_or(|change| {
                                    !change.changed_statement(f.diagnostic.loc())
                                })
                            })),
                            RuleScope::Table | RuleScope::TableAndNames => {
                                found
                                    .retain(|f| f.table.is_none_or(|table| tables.contains(table)));
                                Box::new(kept.filter_map(|f| {
                                    let table = f.table.and_then(|table| map.to_new(table))?;
                                    (!tables.contains(table)).then_some(Owned {
                                        table: Some(table),
                                        diagnostic: f.diagnostic,
                                    })
                                }))
                            }
                        };
                        found.extend(untouched.map(|mut f| {
                            if let Some(change) = change {
                                change.move_diagnostic(&mut f.diagnostic);
                            }
                            f
                        }));
                        found
                    })
                    .collect()
            }
            (_, last) => {
                self.retired = last;
                rules::run(&enabled, model, files, config, None)
                    .into_iter()
                    .map(owned)
                    .collect()
            }
        };
        let all = found
            .iter()
            .flatten()
            .map(|f| f.diagnostic.clone())
            .collect();
        let diagnostics = rules::finish(all, files, config, selection, &enabled);
        self.last = Some(LastCheck {
            model: Arc::clone(model),
            owners,
            families,
            config: Arc::clone(config),
            selection: selection.clone(),
            rules: ids,
            files: files
                .iter()
                .map(|file| FileState {
                    id: file.id,
                    language: file.language,
                    text: Arc::clone(&file.text),
                    statements: Arc::clone(&file.statements),
                    prisma_migrate_steps: file.has_prisma_migrate_steps(),
                    revision: file.revision,
                })
                .collect(),
            found,
        });
        diagnostics
    }

    /// Drops the check before the last, for when nothing waits.
    pub fn prepare(&mut self) {
        self.retired = None;
    }

    /// Hands the check before the last to the chores thread: a check begins, and keeping it while
    /// the next model is built would hold three models at once.
    pub fn let_go(&mut self) {
        crate::chores::drop_in_background(self.retired.take());
    }
}

/// The check being made, as `plan` compares it with the last one.
struct Next<'a> {
    model: &'a Model,
    owners: &'a Owners,
    families: &'a OnceLock<Families>,
    files: &'a [&'a FileData],
}

fn plan(
    last: &LastCheck,
    next: &Next,
    config: &Arc<Config>,
    selection: &Selection,
    rules: &[&'static str],
) -> Plan {
    let (model, files) = (next.model, next.files);
    if !Arc::ptr_eq(&last.config, config)
        || last.selection != *selection
        || last.rules != rules
        || last.files.len() != files.len()
        || !same_files(&last.model, model)
    {
        return Plan::Everything;
    }
    let Some(map) = TableMap::new(&last.model, model) else {
        return Plan::Everything;
    };
    let mut edited = None;
    for (old, new) in last.files.iter().zip(files) {
        if old.id != new.id || old.language != new.language {
            return Plan::Everything;
        }
        if Arc::ptr_eq(&old.text, &new.text) && Arc::ptr_eq(&old.statements, &new.statements) {
            continue;
        }
        if edited.is_some() || new.language != Language::Sql {
            return Plan::Everything;
        }
        edited = Some((old, *new));
    }
    let Some((old, new)) = edited else {
        return Plan::Tables {
            tables: TableSet::default(),
            change: None,
            map,
        };
    };
    // Prisma Migrate's step comments decide how rules read every table of the file.
    if old.prisma_migrate_steps != new.has_prisma_migrate_steps() {
        return Plan::Everything;
    }
    let (change, old_changed, new_changed) = text_change(old, new);
    // Fixes take the line ending of the file's first line.
    let first_line_end = |text: &str| text.find('\n').map_or(text.len(), |i| i + 1) as u32;
    if change.first_difference <= first_line_end(&old.text).max(first_line_end(&new.text)) {
        return Plan::Everything;
    }

    // Tables of the last model and of the new one whose findings may change.
    let (mut old_seeds, mut new_seeds) = (TableSet::default(), TableSet::default());
    for &(old, new) in &map.renamed {
        old_seeds.insert(old);
        new_seeds.insert(new);
    }
    for &old in &map.removed {
        old_seeds.insert(old);
    }
    for &new in &map.added {
        new_seeds.insert(new);
    }
    // A table of the same name in another schema may be the one a name now resolves to.
    let renamed_names: BTreeSet<&str> = map
        .renamed
        .iter()
        .flat_map(|&(old, new)| {
            [
                &last.model.table(old).name.name,
                &model.table(new).name.name,
            ]
        })
        .chain(
            map.removed
                .iter()
                .map(|&old| &last.model.table(old).name.name),
        )
        .chain(map.added.iter().map(|&new| &model.table(new).name.name))
        .map(String::as_str)
        .collect();
    if !renamed_names.is_empty() {
        for (seeds, tables) in [
            (&mut old_seeds, &last.model.tables),
            (&mut new_seeds, &model.tables),
        ] {
            for table in tables.iter() {
                if renamed_names.contains(table.name.name.as_str()) {
                    seeds.insert(table.id);
                }
            }
        }
    }
    let sides = [
        (&*last.model, &last.owners, &*old.text, old_changed),
        (model, next.owners, &*new.text, new_changed),
    ];
    let unchanged_before = &new.statements[..new
        .statements
        .partition_point(|s| s.start < change.region.start())];
    let search_path_kept = SearchPath::same_after(unchanged_before, old_changed, new_changed);
    let mut reach = Reach::default();
    for ((model, owners, text, statements), seeds) in
        sides.iter().zip([&mut old_seeds, &mut new_seeds])
    {
        for statement in *statements {
            match owners.of_statement(model, change.file, statement.start) {
                Some(table) => {
                    seeds.insert(table);
                }
                // A statement of no table that states nothing to the model (an incomplete one,
                // a GRANT) or a function changes only findings of rules that run on the whole
                // schema, and those around it.
                None if statement.lowered.kind == StatementKind::CreateFunction => {}
                None => {
                    let file = change.file;
                    if !reach.add(model, file, text, statement, search_path_kept, seeds) {
                        return Plan::Everything;
                    }
                }
            }
        }
    }
    if !reach.names.is_empty() {
        // Prisma names types and models in a namespace of its own.
        if files.iter().any(|file| file.language != Language::Sql) {
            return Plan::Everything;
        }
        reach.seed(model, next.owners, files, &mut new_seeds);
    }
    // Each side visits the other's seeds too, and every table of a statement that holds several.
    for _ in 0..2 {
        for new in old_seeds.iter().filter_map(|old| map.to_new(old)) {
            new_seeds.insert(new);
        }
        for old in new_seeds.iter().filter_map(|new| map.to_old(new)) {
            old_seeds.insert(old);
        }
        last.owners.close(&mut old_seeds);
        next.owners.close(&mut new_seeds);
    }
    let mut old_tables = old_seeds.clone();
    let old_families = last.families.get_or_init(|| families_of(&last.model));
    add_neighbours(&last.model, old_families, &old_seeds, &mut old_tables);
    let mut tables = new_seeds.clone();
    let new_families = next.families.get_or_init(|| families_of(model));
    add_neighbours(model, new_families, &new_seeds, &mut tables);
    for new in old_tables.iter().filter_map(|old| map.to_new(old)) {
        tables.insert(new);
    }
    // A table made `LIKE` another copied its columns then; the model does not say which.
    for table in model.tables.iter().filter(|table| table.like) {
        tables.insert(table.id);
    }

    let names: BTreeSet<&str> = {
        let before = relation_names(&last.model, &old_seeds, change.file, old_changed);
        let after = relation_names(model, &new_seeds, change.file, new_changed);
        let mut names: BTreeSet<&str> = before.symmetric_difference(&after).copied().collect();
        names.extend(&renamed_names);
        // A view or sequence takes a name new indexes and constraints must not.
        names.extend(reach.names.iter().map(String::as_str));
        names
    };
    let finders: Vec<memchr::memmem::Finder> =
        names.iter().map(memchr::memmem::Finder::new).collect();
    for found in last.found.iter().flatten() {
        let table = found.table.and_then(|table| map.to_new(table));
        let Some(table) = table.filter(|table| !tables.contains(*table)) else {
            continue;
        };
        let names_a_changed_relation = || {
            texts_of(&found.diagnostic)
                .any(|text| finders.iter().any(|f| f.find(text.as_bytes()).is_some()))
        };
        if change.diagnostic_touches(&found.diagnostic) || names_a_changed_relation() {
            tables.insert(table);
        }
    }
    next.owners.close(&mut tables);
    Plan::Tables {
        tables,
        change: Some(change),
        map,
    }
}

/// Every text of a finding that may name a relation: a message suggests a name no relation
/// takes, a fix creates one.
fn texts_of(diagnostic: &Diagnostic) -> impl Iterator<Item = &str> {
    let related = diagnostic.related.iter().map(|r| r.message.as_str());
    let fixes = diagnostic.fixes.iter().flat_map(|fix| {
        let migration = fix.migration.iter().flat_map(|step| {
            [Some(&step.up), step.down.as_ref(), step.title.as_ref()]
                .into_iter()
                .flatten()
                .map(String::as_str)
        });
        let edits = fix.edits.iter().map(|edit| edit.text.as_str());
        std::iter::once(fix.title.as_str())
            .chain(edits)
            .chain(migration)
    });
    std::iter::once(diagnostic.message.as_str())
        .chain(related)
        .chain(fixes)
}

/// The same files in the same order and roles.
fn same_files(old: &Model, new: &Model) -> bool {
    old.beside_other_schemas == new.beside_other_schemas
        && old.files.len() == new.files.len()
        && old.files.iter().zip(&new.files).all(|(a, b)| {
            a.file == b.file
                && a.order == b.order
                && a.history == b.history
                && a.language == b.language
        })
}

/// Where `old` became `new`, and the statements that changed there (in each).
fn text_change<'a>(
    old: &'a FileState,
    new: &'a FileData,
) -> (TextChange, &'a [PlacedStatement], &'a [PlacedStatement]) {
    let (a, b) = (old.text.as_bytes(), new.text.as_bytes());
    let delta = b.len() as i64 - a.len() as i64;
    // The edits that made the new version from the checked one say where the texts differ,
    // which spares comparing megabytes; the texts' common ends may be longer.
    let known = new
        .edited_from
        .filter(|&(from, span)| from == old.revision && span.delta == delta)
        .and_then(|(_, span)| {
            let (start, end) = (span.new.start() as usize, span.new.end() as usize);
            let suffix = b.len().checked_sub(end)?;
            (start + suffix <= a.len().min(b.len())).then_some((start, suffix))
        });
    let (prefix, suffix) = known.unwrap_or_else(|| {
        let prefix = common_prefix(a, b);
        let most = a.len().min(b.len()) - prefix;
        (
            prefix,
            common_suffix(&a[a.len() - most..], &b[b.len() - most..]),
        )
    });
    let (olds, news) = (&old.statements[..], &new.statements[..]);
    let same = |x: &PlacedStatement, y: &PlacedStatement, shift: i64| {
        i64::from(x.start) + shift == i64::from(y.start) && Arc::ptr_eq(&x.lowered, &y.lowered)
    };
    // Rules read the rest of a statement's last line and the comment lines above its first
    // (`prefer-jsonb` takes a `-- jsonb` there as a reason), so a statement whose lines changed
    // there changed too.
    let (first, mut last) = common_ends(
        olds,
        news,
        |x, y| same(x, y, 0) && line_end(a, x.range().end()) < prefix,
        |x, y| same(x, y, delta) && x.start as usize >= a.len() - suffix,
    );
    let leading = |text: &'a [u8], statements: &[PlacedStatement], i: usize| {
        &text[context_start(text, statements, i)..statements[i].start as usize]
    };
    while last > 0 && leading(a, olds, olds.len() - last) != leading(b, news, news.len() - last) {
        last -= 1;
    }
    let start = match first {
        0 => 0,
        n => olds[n - 1].range().end(),
    }
    .min(prefix as u32);
    let end = match last {
        0 => a.len() as u32,
        n => olds[olds.len() - n].start,
    }
    .max((a.len() - suffix) as u32);
    let change = TextChange {
        file: old.id,
        region: TextRange::new(start, end),
        first_difference: prefix as u32,
        delta,
    };
    (
        change,
        &olds[first..olds.len() - last],
        &news[first..news.len() - last],
    )
}

/// Where the line holding `offset` ends, at its `\n`: rules read lines with `str::lines`, for
/// which a lone `\r` ends none.
fn line_end(text: &[u8], offset: u32) -> usize {
    let at = offset as usize;
    memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i)
}

/// Where the text that rules read above statement `i` begins: the end of the last statement
/// before its first line, and before those of the statements that share that line. The text
/// from there to the statement holds the comment lines that lead into it.
fn context_start(text: &[u8], statements: &[PlacedStatement], i: usize) -> usize {
    let line_start =
        |offset: u32| memchr::memrchr(b'\n', &text[..offset as usize]).map_or(0, |i| i + 1);
    let mut line = line_start(statements[i].start);
    for earlier in statements[..i].iter().rev() {
        let end = earlier.range().end() as usize;
        if end < line {
            return end;
        }
        line = line.min(line_start(earlier.start));
    }
    0
}

/// How many items `a` and `b` start with in common (by `front`), and then how many of the rest
/// they end with in common (by `back`).
fn common_ends<T>(
    a: &[T],
    b: &[T],
    front: impl Fn(&T, &T) -> bool,
    back: impl Fn(&T, &T) -> bool,
) -> (usize, usize) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| front(x, y)).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| back(x, y))
        .count();
    (prefix, suffix)
}

/// How many bytes `a` and `b` start with in common, compared a block at a time (memcmp) up to
/// the first difference: files are megabytes long.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 512;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..len]
        .iter()
        .zip(&b[at..len])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` end with in common.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 512;
    let len = a.len().min(b.len());
    let (a, b) = (&a[a.len() - len..], &b[b.len() - len..]);
    let mut at = 0;
    while at + BLOCK <= len && a[len - at - BLOCK..len - at] == b[len - at - BLOCK..len - at] {
        at += BLOCK;
    }
    at + a[..len - at]
        .iter()
        .rev()
        .zip(b[..len - at].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The tables with parents (partitions, INHERITS), each with its parents.
fn families_of(model: &Model) -> Families {
    model
        .tables
        .iter()
        .filter(|table| table.partition_of.is_some() || !table.inherits.is_empty())
        .map(|table| {
            let parents = table
                .partition_of
                .iter()
                .chain(&table.inherits)
                .filter_map(|name| model.find_table(name))
                .map(|parent| parent.id)
                .collect();
            (table.id, parents)
        })
        .collect()
}

/// Adds the inheritance families of `seeds` (parents and children, transitively) and the
/// tables that the foreign keys of those link with, both ways.
fn add_neighbours(model: &Model, with_parents: &Families, seeds: &TableSet, tables: &mut TableSet) {
    let mut family = seeds.clone();
    let mut up: Vec<TableId> = seeds.iter().collect();
    while let Some(id) = up.pop() {
        let parents = with_parents.iter().filter(|(child, _)| *child == id);
        for &parent in parents.flat_map(|(_, parents)| parents) {
            if family.insert(parent) {
                up.push(parent);
            }
        }
    }
    let mut below = seeds.clone();
    while with_parents.iter().fold(false, |grew, (child, parents)| {
        let joins = !below.contains(*child) && parents.iter().any(|p| below.contains(*p));
        joins && below.insert(*child) || grew
    }) {}
    for id in below.iter() {
        family.insert(id);
    }
    for id in family.iter() {
        tables.insert(id);
        for fk in model.table(id).foreign_keys() {
            if let Some(target) = fk.target {
                tables.insert(target);
            }
        }
    }
    for table in &model.tables {
        if table
            .foreign_keys()
            .any(|fk| fk.target.is_some_and(|target| family.contains(target)))
        {
            tables.insert(table.id);
        }
    }
}

/// The names of the indexes and constraints of `tables` that `statements` of `file` define.
fn relation_names<'m>(
    model: &'m Model,
    tables: &TableSet,
    file: FileId,
    statements: &[PlacedStatement],
) -> BTreeSet<&'m str> {
    let starts: BTreeSet<u32> = statements.iter().map(|s| s.start).collect();
    let defined_here =
        |origin: Origin| origin.file == file && starts.contains(&origin.statement.start());
    let mut names = BTreeSet::new();
    for table in tables.iter().map(|id| model.table(id)) {
        for index in model.indexes_of(table.id) {
            if let Some(name) = index
                .name
                .as_deref()
                .filter(|_| defined_here(index.def.origin))
            {
                names.insert(name);
            }
        }
        for constraint in &table.constraints {
            if let Some(name) = constraint
                .name()
                .filter(|_| defined_here(constraint.def.origin))
            {
                names.insert(name);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests;
