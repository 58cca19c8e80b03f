//! The check of a schema source: its files' analyses (`crate::file`) grouped into sources, their
//! model, then the rules. Pure: the CLI and the language server read files and hand the text in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::model::{BuildCache, FileId, FileInput, History, Model};
use crate::rules::{self, Diagnostic, RuleCache, Selection};
use crate::syntax::Language;
use crate::workspace::history::{self, NoVcs, Vcs};
use crate::workspace::linking::{SqlDirectories, link_schema_directories};
use crate::workspace::sources::{self, SchemaSource};

pub use crate::file::FileData;

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
        // The check before the last goes first: the checkpoint reuses its memory. On a 50 MB
        // schema the server's peak was 48 MB higher the other way round.
        self.rules.prepare();
        self.build.prepare();
    }
}

/// Builds the model of a source (files in migration order) and runs the rules. `cache` is kept
/// from one check of the source to the next, so the model of an edited source is built again
/// from the edit on, and the rules visit only the tables the edit can affect. `None` when
/// `interrupted` says, once the model is built, that newer changes make the findings stale:
/// the rules' cache is left as it was, so the next check compares with the last one made.
pub fn check_source(
    members: &[SourceMember],
    config: &Arc<Config>,
    selection: &Selection,
    cache: &mut SourceCache,
    interrupted: &dyn Fn() -> bool,
) -> Option<(Arc<Model>, Vec<Diagnostic>)> {
    // Freed on another core while this one builds the model, which takes one core only.
    cache.rules.let_go();
    let model = Arc::new(build_model(members, &mut cache.build));
    if targets_another_database(members) {
        cache.rules = RuleCache::default();
        return Some((model, Vec::new()));
    }
    if interrupted() {
        return None;
    }
    let files: Vec<&FileData> = members.iter().map(|member| member.file).collect();
    let mut diagnostics = cache.rules.check(&model, &files, config, selection);
    rules::place_fixes(&mut diagnostics, &model);
    crate::markdown::confine_fixes(&mut diagnostics, &files);
    crate::fix::drop_overlapping(&mut diagnostics);
    Some((model, diagnostics))
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
    crate::markdown::confine_fixes(&mut diagnostics, &files);
    crate::fix::drop_overlapping(&mut diagnostics);
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
    pub text: Arc<String>,
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
    let members: Vec<Vec<SourceMember>> = parsed
        .sources
        .iter()
        .map(|source| parsed.members(source))
        .collect();
    // Sources are checked apart, on all cores, the largest first: a folder of projects is many
    // small models, each built on one core.
    let mut largest_first: Vec<usize> = (0..members.len()).collect();
    largest_first.sort_by_cached_key(|&source| {
        let bytes: usize = members[source].iter().map(|m| m.file.text.len()).sum();
        std::cmp::Reverse(bytes)
    });
    let checked = crate::parallel::map(largest_first.len(), crate::cores(), |job| {
        let source = largest_first[job];
        (
            source,
            check_source_once(&members[source], config, selection),
        )
    });
    let mut by_source: Vec<Vec<Diagnostic>> = members.iter().map(|_| Vec::new()).collect();
    for (source, found) in checked {
        by_source[source] = found;
    }
    let diagnostics = by_source.into_iter().flatten().collect();
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
    sql_directories: SqlDirectories,
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
                file(key).map(|f| f.text.as_str())
            });
            for (member, status) in source.files.iter().zip(histories) {
                history.insert(member.path.clone(), status);
            }
        }
        Parsed {
            files,
            by_key,
            sql_directories: SqlDirectories::of(&sources),
            sources,
            keys,
            history,
        }
    }

    /// The applied files of a source, in order.
    fn members(&self, source: &SchemaSource) -> Vec<SourceMember<'_>> {
        let beside_other_schemas = self.sql_directories.beside_other_schemas(source);
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
    let mut jobs: Vec<(usize, TextInput)> = inputs.into_iter().enumerate().collect();
    // Largest first: a few large files among many small ones then end together instead of on
    // one core.
    jobs.sort_by_key(|(_, input)| std::cmp::Reverse(input.text.len()));
    let parse = |job: usize| {
        let (index, input) = &jobs[job];
        let language = Language::from_path(&input.path)?;
        Some(FileData::without_trees(
            FileId(*index as u32),
            input.path.clone(),
            language,
            Arc::clone(&input.text),
        ))
    };
    let mut files: Vec<FileData> = crate::parallel::map(jobs.len(), crate::cores(), parse)
        .into_iter()
        .flatten()
        .collect();
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
            text: Arc::new(String::from(text.as_str())),
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
