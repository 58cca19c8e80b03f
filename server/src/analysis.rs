//! One file's analysis (tree, lowered statements, syntax errors, suppressions) and the check of a
//! schema source (its files' model, then the rules). Pure: the CLI and the language server read
//! files and hand the text in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tree_sitter::InputEdit;

use crate::config::Config;
use crate::lower::{self, ChangedSpan, PlacedStatement};
use crate::model::{BuildCache, FileId, FileInput, History, Model};
use crate::rules::suppression::{self, Suppressions};
use crate::rules::{self, Diagnostic, RuleCache, Selection};
use crate::syntax::{Language, SyntaxError, SyntaxTrees};
use crate::text::{LineIndex, TextRange};
use crate::workspace::history::{self, NoVcs, Vcs};
use crate::workspace::linking::{beside_other_schemas, link_schema_directories};
use crate::workspace::sources::{self, SchemaSource};

/// Everything ddlint knows about one file's text.
#[derive(Clone)]
pub struct FileData {
    pub id: FileId,
    /// The path as the user reached it (for messages).
    pub path: PathBuf,
    pub language: Language,
    pub text: Arc<str>,
    pub syntax: SyntaxTrees,
    /// The part of the text that is applied (dbmate and goose files: the up section).
    pub applied: TextRange,
    /// Shared: checks keep the statements of the version they checked, to compare.
    pub statements: Arc<Vec<PlacedStatement>>,
    pub syntax_errors: Vec<SyntaxError>,
    pub suppressions: Suppressions,
    pub lines: Arc<LineIndex>,
}

impl FileData {
    /// Parses and lowers `text` from scratch.
    pub fn new(id: FileId, path: PathBuf, language: Language, text: Arc<str>) -> FileData {
        let tree = crate::syntax::parse(language, &text, None);
        let applied = applied_region(language, &text);
        let syntax = SyntaxTrees::from_tree(language, tree.clone(), &text);
        let statements = match language {
            Language::Sql if syntax.is_one_part() => lower::lower_sql(&tree, &text, applied),
            // Cut after an opener that is never closed: the statements of the parts.
            Language::Sql => lower::lower_sql_nodes(syntax.statements(), &text, applied),
            Language::Prisma => lower::lower_prisma(&tree, &text),
        };
        let lines = Arc::new(LineIndex::new(&text));
        let suppressions = suppression::collect(language, &syntax, &text, &statements);
        FileData::assemble(
            id,
            path,
            language,
            (text, lines),
            syntax,
            applied,
            statements,
            suppressions,
        )
    }

    /// A file ddlint reports on but does not analyse (a baseline's entries): its text and
    /// lines, no statements.
    pub fn unparsed(id: FileId, path: PathBuf, text: Arc<str>) -> FileData {
        let tree = crate::syntax::parse(Language::Sql, "", None);
        let syntax = SyntaxTrees::from_tree(Language::Sql, tree, "");
        let lines = Arc::new(LineIndex::new(&text));
        let whole = TextRange::new(0, 0);
        FileData::assemble(
            id,
            path,
            Language::Sql,
            (text, lines),
            syntax,
            whole,
            Vec::new(),
            Suppressions::default(),
        )
    }

    /// The analysis of this file's next version: `edits` (in order, as tree-sitter takes them)
    /// turned this version's text into `text`, and `span` is where the two differ. Only the
    /// chunks of the text the edits touched are parsed again, and only the statements they
    /// touched are lowered again.
    pub fn reparsed(&self, text: Arc<str>, edits: &[InputEdit], span: ChangedSpan) -> FileData {
        let (syntax, reparsed) = self.syntax.reparse(&text, edits, span.new, span.delta);
        let applied = self.applied_after_edit(&text, span);
        let all_applied = applied == TextRange::new(0, text.len() as u32)
            && self.applied == TextRange::new(0, self.text.len() as u32);
        let previous = &self.statements;
        let statements = match (self.language, syntax.single_tree()) {
            (Language::Prisma, Some(tree)) => lower::lower_prisma(tree, &text),
            // Outside the reparsed part, statements are those of this version, maybe moved.
            _ if all_applied => {
                let inside = syntax.statements_in(reparsed.new);
                let before = previous
                    .iter()
                    .take_while(|s| s.start < reparsed.old.start());
                let after = previous.iter().filter(|s| s.start >= reparsed.old.end());
                let moved = |s: &PlacedStatement| PlacedStatement {
                    start: (i64::from(s.start) + span.delta) as u32,
                    lowered: Arc::clone(&s.lowered),
                };
                before
                    .cloned()
                    .chain(lower::lower_sql_reusing(
                        inside, &text, applied, previous, span,
                    ))
                    .chain(after.map(moved))
                    .collect()
            }
            _ => lower::lower_sql_reusing(syntax.statements(), &text, applied, previous, span),
        };
        let old = TextRange::new(
            span.new.start(),
            (i64::from(span.new.end()) - span.delta) as u32,
        );
        let lines = Arc::new(self.lines.edited(&text, old, span.new.len()));
        let suppressions = if !self.suppressions.marked {
            suppression::collect_if_marked(self.language, &syntax, &text, &statements, span.new)
        } else {
            suppression::collect(self.language, &syntax, &text, &statements)
        };
        FileData::assemble(
            self.id,
            self.path.clone(),
            self.language,
            (text, lines),
            syntax,
            applied,
            statements,
            suppressions,
        )
    }

    /// The applied part of the next version. When this version has no up/down marker line (it is
    /// all applied) and the edited lines hold none, the next one is all applied too, which spares
    /// a scan of the whole text.
    fn applied_after_edit(&self, text: &str, span: ChangedSpan) -> TextRange {
        let everything = TextRange::new(0, text.len() as u32);
        let all_applied = self.applied == TextRange::new(0, self.text.len() as u32);
        if self.language == Language::Sql && all_applied {
            let (start, end) = (span.new.start() as usize, span.new.end() as usize);
            let first_line = text
                .get(..start)
                .and_then(|text| text.rfind('\n'))
                .map_or(0, |i| i + 1);
            let last_line = text
                .get(end..)
                .and_then(|text| text.find('\n'))
                .map_or(text.len(), |i| end + i + 1);
            let touched = text.get(first_line..last_line).unwrap_or(text);
            if crate::workspace::sources::applied_region(touched) == (0..touched.len()) {
                return everything;
            }
        }
        applied_region(self.language, text)
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        id: FileId,
        path: PathBuf,
        language: Language,
        (text, lines): (Arc<str>, Arc<LineIndex>),
        syntax: SyntaxTrees,
        applied: TextRange,
        statements: Vec<PlacedStatement>,
        suppressions: Suppressions,
    ) -> FileData {
        let syntax_errors = syntax
            .syntax_errors(&lines)
            .into_iter()
            .filter(|error| applied.contains_range(error.range))
            .collect();
        FileData {
            id,
            path,
            language,
            text,
            syntax,
            applied,
            statements: Arc::new(statements),
            syntax_errors,
            suppressions,
            lines,
        }
    }

    /// The lowered statement that contains `offset`.
    pub fn statement_at(&self, offset: u32) -> Option<&PlacedStatement> {
        let index = self.statements.partition_point(|s| s.start <= offset);
        let candidate = self.statements.get(index.checked_sub(1)?)?;
        candidate
            .range()
            .contains_inclusive(offset)
            .then_some(candidate)
    }

    pub fn slice(&self, range: TextRange) -> &str {
        self.text
            .get(range.start() as usize..range.end() as usize)
            .unwrap_or("")
    }
}

/// The part of a file that is applied (dbmate and goose files: the up section).
fn applied_region(language: Language, text: &str) -> TextRange {
    match language {
        Language::Sql => TextRange::from(crate::workspace::sources::applied_region(text)),
        Language::Prisma => TextRange::new(0, text.len() as u32),
    }
}

/// A file's place in its source.
#[derive(Clone, Copy)]
pub struct SourceMember<'a> {
    pub file: &'a FileData,
    pub history: History,
    /// Other schema files lie beside the source's files (see `beside_other_schemas`).
    pub beside_other_schemas: bool,
}

/// The model of a source's files, applied in order; `cache` holds what the last build of the
/// source left for this one.
fn build_model(members: &[SourceMember], cache: &mut BuildCache) -> Model {
    let inputs: Vec<FileInput> = members
        .iter()
        .map(|member| FileInput {
            file: member.file.id,
            language: member.file.language,
            history: member.history,
            statements: &member.file.statements,
        })
        .collect();
    let mut model = Model::build_resuming(&inputs, cache);
    model.beside_other_schemas = members.iter().any(|m| m.beside_other_schemas);
    model
}

/// What the checks of one schema source keep for the next: the model build's checkpoint and
/// the rules' findings.
#[derive(Default)]
pub struct SourceCache {
    build: BuildCache,
    rules: RuleCache,
}

impl SourceCache {
    /// Work that makes the next check faster (see `BuildCache::prepare`).
    pub fn prepare(&mut self) {
        self.build.prepare();
        self.rules.prepare();
    }
}

/// Builds the model of a source (files in migration order) and runs the rules. `cache` is kept
/// from one check of the source to the next, so the model of an edited source is built again
/// from the edit on, and the rules visit only the tables the edit can affect.
pub fn check_source(
    members: &[SourceMember],
    config: &Arc<Config>,
    selection: &Selection,
    cache: &mut SourceCache,
) -> (Arc<Model>, Vec<Diagnostic>) {
    let model = Arc::new(build_model(members, &mut cache.build));
    if targets_another_database(members) {
        cache.rules = RuleCache::default();
        return (model, Vec::new());
    }
    let files: Vec<&FileData> = members.iter().map(|member| member.file).collect();
    let mut diagnostics = cache.rules.check(&model, &files, config, selection);
    rules::place_fixes(&mut diagnostics, &model);
    (model, diagnostics)
}

/// `check_source` for a source checked once.
fn check_source_once(
    members: &[SourceMember],
    config: &Config,
    selection: &Selection,
) -> Vec<Diagnostic> {
    let model = build_model(members, &mut BuildCache::default());
    if targets_another_database(members) {
        return Vec::new();
    }
    let files: Vec<&FileData> = members.iter().map(|member| member.file).collect();
    let mut diagnostics = rules::check(&model, &files, config, selection);
    rules::place_fixes(&mut diagnostics, &model);
    diagnostics
}

/// A Prisma schema whose datasource is not PostgreSQL: nothing to check.
fn targets_another_database(members: &[SourceMember]) -> bool {
    members.iter().any(|member| {
        member.file.language == Language::Prisma
            && sources::prisma_targets_another_database(&member.file.text)
    })
}

/// A file to check: its text and two forms of its path.
pub struct TextInput {
    /// The path as the user reached it, for messages.
    pub path: PathBuf,
    /// The path used to group files into sources; in the same form as the configuration's
    /// source roots (absolute for the CLI and the language server).
    pub key: PathBuf,
    pub text: Arc<str>,
}

/// The result of checking a set of files.
pub struct Checked {
    pub files: Vec<FileData>,
    /// The schema sources, with their files' keys.
    pub sources: Vec<SchemaSource>,
    /// Each file's key, by file id.
    pub keys: Vec<PathBuf>,
    /// Each file's history, by key.
    pub history: HashMap<PathBuf, History>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// The source a file belongs to, and the file's key.
    pub fn source_of(&self, file: FileId) -> Option<&SchemaSource> {
        let key = self.keys.get(file.0 as usize)?;
        sources::source_of(&self.sources, key)
    }
}

/// Checks files given with their texts: groups them into schema sources (migration order), builds
/// each source's model and runs the rules. Down migrations are parsed but not checked. `vcs`
/// tells which migrations already ran (see `workspace::history`).
pub fn check_texts(
    inputs: Vec<TextInput>,
    config: &Config,
    selection: &Selection,
    vcs: &dyn Vcs,
) -> Checked {
    let parsed = Parsed::new(inputs, config, vcs);
    let mut diagnostics = Vec::new();
    for source in &parsed.sources {
        let members = parsed.members(source);
        diagnostics.extend(check_source_once(&members, config, selection));
    }
    Checked {
        files: parsed.files,
        sources: parsed.sources,
        keys: parsed.keys,
        history: parsed.history,
        diagnostics,
    }
}

/// The model of one schema source.
pub struct SourceModel {
    /// The migration root, Prisma schema directory or standalone file, in the form of the
    /// inputs' keys.
    pub root: PathBuf,
    pub model: Model,
}

/// Files with the models of their schema sources.
pub struct Modeled {
    pub files: Vec<FileData>,
    /// Sorted by root.
    pub sources: Vec<SourceModel>,
}

/// Groups files into schema sources (migration order) and builds each source's model without
/// running the rules, for outputs that only read the model (the ERD).
pub fn build_models(inputs: Vec<TextInput>, config: &Config) -> Modeled {
    // History decides what fixes may edit; a model alone does not need it.
    let parsed = Parsed::new(inputs, config, &NoVcs);
    let sources = parsed
        .sources
        .iter()
        .map(|source| SourceModel {
            root: source.root.clone(),
            model: build_model(&parsed.members(source), &mut BuildCache::default()),
        })
        .collect();
    Modeled {
        files: parsed.files,
        sources,
    }
}

/// Parsed files grouped into schema sources.
struct Parsed {
    files: Vec<FileData>,
    /// Each file's index in `files`, by its key.
    by_key: HashMap<PathBuf, usize>,
    sources: Vec<SchemaSource>,
    /// Each input's key, by file id.
    keys: Vec<PathBuf>,
    history: HashMap<PathBuf, History>,
}

impl Parsed {
    /// Parses the inputs, groups them into sources (migration order) and links the standalone
    /// files of a directory that build one schema together.
    fn new(inputs: Vec<TextInput>, config: &Config, vcs: &dyn Vcs) -> Parsed {
        let keys: Vec<PathBuf> = inputs.iter().map(|input| input.key.clone()).collect();
        let files = parse_all(inputs);
        let by_key: HashMap<PathBuf, usize> = files
            .iter()
            .enumerate()
            .map(|(position, file)| (keys[file.id.0 as usize].clone(), position))
            .collect();
        let file = |key: &Path| by_key.get(key).map(|&position| &files[position]);
        let sources = sources::group_into_sources(&keys, &config.source_roots(), |key| {
            file(key).is_some_and(|f| sources::declares_prisma_datasource(&f.text))
        });
        let sources =
            link_schema_directories(sources, |key| file(key).map(|f| f.statements.as_slice()));
        let mut history = HashMap::new();
        for source in &sources {
            let histories = history::classify(source, &config.migrations, vcs, |key| {
                file(key).map(|f| &*f.text)
            });
            for (member, status) in source.files.iter().zip(histories) {
                history.insert(member.path.clone(), status);
            }
        }
        Parsed {
            files,
            by_key,
            sources,
            keys,
            history,
        }
    }

    /// The applied files of a source, in order.
    fn members(&self, source: &SchemaSource) -> Vec<SourceMember<'_>> {
        let beside_other_schemas = beside_other_schemas(&self.sources, source);
        source
            .applied_files()
            .filter_map(|member| {
                let position = *self.by_key.get(&member.path)?;
                let history = self.history.get(&member.path).copied().unwrap_or_default();
                Some(SourceMember {
                    file: &self.files[position],
                    history,
                    beside_other_schemas,
                })
            })
            .collect()
    }
}

/// Parses and lowers files on all cores; file ids are the inputs' positions. Files that are
/// neither SQL nor Prisma are left out.
fn parse_all(inputs: Vec<TextInput>) -> Vec<FileData> {
    let jobs: Vec<(usize, TextInput)> = inputs.into_iter().enumerate().collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    let parse = |(index, input): (usize, TextInput)| {
        let language = Language::from_path(&input.path)?;
        Some(FileData::new(
            FileId(index as u32),
            input.path,
            language,
            input.text,
        ))
    };
    if workers <= 1 {
        return jobs.into_iter().filter_map(parse).collect();
    }
    let mut buckets: Vec<Vec<(usize, TextInput)>> = (0..workers).map(|_| Vec::new()).collect();
    for (position, job) in jobs.into_iter().enumerate() {
        buckets[position % workers].push(job);
    }
    let mut files: Vec<FileData> = std::thread::scope(|scope| {
        let handles: Vec<_> = buckets
            .into_iter()
            .map(|bucket| {
                scope.spawn(move || bucket.into_iter().filter_map(parse).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(files) => files,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    files.sort_by_key(|f| f.id);
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_prisma(provider: &str) -> Vec<&'static str> {
        let text = format!(
            "datasource db {{\n  provider = \"{provider}\"\n  url = env(\"DATABASE_URL\")\n}}\n\nmodel Event {{\n  id Int @id @default(autoincrement())\n  at DateTime\n}}\n"
        );
        let input = TextInput {
            path: PathBuf::from("schema.prisma"),
            key: PathBuf::from("/project/schema.prisma"),
            text: Arc::from(text.as_str()),
        };
        let checked = check_texts(
            vec![input],
            &Config::default(),
            &Selection::default(),
            &NoVcs,
        );
        checked.diagnostics.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn prisma_schemas_for_other_databases_are_not_checked() {
        assert!(check_prisma("postgresql").contains(&"timestamp-without-time-zone"));
        assert_eq!(check_prisma("mysql"), Vec::<&str>::new());
    }
}
