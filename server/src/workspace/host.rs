//! The host: the one owner of the language server's state. It applies changes in the order they
//! arrive (document edits, files changing on disk, configuration), analyses what they touched
//! and hands out the result as an immutable [`Snapshot`] that requests read without waiting.
//!
//! Every schema file of a workspace folder is read from disk when the folder is added; a file
//! open in the editor takes its text from the editor until it is closed. Each folder is a
//! *scope* with its `ddlint.toml` and its schema sources; a file outside every folder gets a
//! scope of its own directory, without walking it. A commit re-checks only the sources of the
//! files that changed, and a file's diagnostics are replaced only when they differ, so the
//! caller publishes just what changed.
//!
//! An edited document is reparsed incrementally (the old tree edited, then reused by the
//! parser) and only the statements the edit touched are lowered again.
//!
//! Knows nothing of LSP: positions arrive as [`LineCol`] in the negotiated encoding.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tree_sitter::InputEdit;

use crate::analysis::{FileData, SourceCache, SourceMember, check_source};
use crate::baseline::{self, Baseline, Entry};
use crate::config::{self, Config, ConfigError, EditorOverrides, ErdHover};
use crate::lower::{ChangedSpan, PlacedStatement};
use crate::model::{FileId, Model};
use crate::rules::{self, Diagnostic, Selection};
use crate::syntax::Language;
use crate::text::{Document, LineCol, LineIndex, PositionEncoding, TextRange};
use crate::workspace::files::{self, FileKind, Problem};
use crate::workspace::history::{self, Git, Vcs};
use crate::workspace::linking;
use crate::workspace::shared_map::SharedMap;
use crate::workspace::sources::{self, FileRole, SchemaSource, SourceFile, SourceKind};

/// A change, applied in arrival order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The editor opened a document; `language` is the editor's idea of it, used when the path's
    /// extension says nothing (an unsaved buffer).
    Open {
        path: PathBuf,
        language: Option<Language>,
        version: i32,
        text: String,
    },
    Edit {
        path: PathBuf,
        version: i32,
        edits: Vec<TextChange>,
    },
    Close {
        path: PathBuf,
    },
    /// Files or directories created, changed or deleted on disk.
    Disk(Vec<DiskEvent>),
}

/// One change of a document: `range` in the host's position encoding, or `None` for the whole
/// text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextChange {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiskChange {
    Created,
    Changed,
    Deleted,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskEvent {
    pub path: PathBuf,
    pub change: DiskChange,
}

/// Something the user should hear about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub level: NoticeLevel,
    pub message: String,
    /// Worth interrupting the user for; otherwise it belongs in the log.
    pub show: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeLevel {
    Error,
    Warning,
    Info,
}

impl Notice {
    fn show(level: NoticeLevel, message: String) -> Notice {
        Notice {
            level,
            message,
            show: true,
        }
    }

    fn log(level: NoticeLevel, message: String) -> Notice {
        Notice {
            level,
            message,
            show: false,
        }
    }
}

/// An invalid `ddlint.toml`, with what is needed to point into it.
#[derive(Debug)]
pub struct ConfigProblem {
    pub path: PathBuf,
    pub message: String,
    /// The offending bytes; `None` when the file could not be read.
    pub range: Option<TextRange>,
    /// The file's lines, for converting `range`.
    pub lines: Option<LineIndex>,
}

/// The checked model of one schema source.
#[derive(Debug)]
pub struct SourceView {
    pub model: Arc<Model>,
    /// The files the model was built from, in migration order.
    pub members: Vec<FileId>,
    /// The migration folder, for writing a new migration the way it names them; `None` for
    /// other sources.
    pub migrations: Option<SchemaSource>,
}

/// One file as a request sees it.
pub struct FileView {
    pub data: Arc<FileData>,
    /// The editor's version while the file is open.
    pub version: Option<i32>,
    pub diagnostics: Arc<[Diagnostic]>,
    /// The source the file belongs to; `None` for a down migration.
    pub source: Option<Arc<SourceView>>,
    pub config: Arc<Config>,
    /// The folder (or directory) the file belongs to, for showing paths relative to it.
    pub root: Arc<Path>,
}

/// The state after a commit: cheap to clone, never changed, shared by requests.
pub struct Snapshot {
    files: SharedMap<Arc<Path>, Arc<FileView>>,
    ids: SharedMap<FileId, Arc<Path>>,
    config_problems: Vec<Arc<ConfigProblem>>,
    erd_hover: Option<ErdHover>,
}

impl Snapshot {
    pub fn file(&self, path: &Path) -> Option<&Arc<FileView>> {
        self.files.get(path)
    }

    pub fn file_by_id(&self, id: FileId) -> Option<&Arc<FileView>> {
        self.files.get(self.ids.get(&id)?)
    }

    /// Every file, in no particular order.
    pub fn files(&self) -> impl Iterator<Item = &Arc<FileView>> {
        self.files.values()
    }

    pub fn config_problems(&self) -> &[Arc<ConfigProblem>] {
        &self.config_problems
    }

    /// How a table hover draws its neighbours: the editor's setting, else `[hover] erd`.
    pub fn erd_hover(&self, file: &FileView) -> ErdHover {
        self.erd_hover.unwrap_or(file.config.hover.erd)
    }
}

/// What a commit produced.
pub struct Commit {
    pub snapshot: Arc<Snapshot>,
    /// Files whose diagnostics or version changed: the files this batch edited first.
    pub changed: Vec<PathBuf>,
    /// Files that left the workspace; their diagnostics are gone.
    pub removed: Vec<PathBuf>,
    pub notices: Vec<Notice>,
    /// Every source the changes made stale was checked. `false` when newer changes came while
    /// the commit checked: it stopped, and the next commit checks what it left.
    pub complete: bool,
}

/// What has to happen to a file's analysis at the next commit.
enum Pending {
    Nothing,
    /// The document was edited: reparse incrementally.
    Edited {
        edits: Vec<InputEdit>,
        span: ChangedSpan,
    },
    /// New text: parse from scratch.
    Replaced(Arc<String>),
}

struct FileState {
    /// The path, as the snapshots' maps hold it.
    key: Arc<Path>,
    data: Arc<FileData>,
    /// The language comes from the extension; otherwise from the editor, and the file is a
    /// standalone source.
    by_extension: bool,
    document: Option<Document>,
    /// Found on disk by the walk of its folder (or opened from disk and still there).
    on_disk: bool,
    pending: Pending,
    declares_datasource: bool,
    /// The names that link a standalone SQL file to the others of its directory, once an edit
    /// of it or of another file there asked for them; kept up to date from then on.
    links: Option<linking::LinkNames>,
    diagnostics: Arc<[Diagnostic]>,
    source: Option<Arc<SourceView>>,
    /// The view handed out last; `None` after anything in it changed.
    view: Option<Arc<FileView>>,
}

struct Scope {
    root: Arc<Path>,
    /// A workspace folder, whose files were found by walking it.
    walked: bool,
    config: Arc<Config>,
    problem: Option<Arc<ConfigProblem>>,
    sources: Vec<SchemaSource>,
    sql_directories: linking::SqlDirectories,
    /// The sources holding each file, by its lexical path: looked up for every file a commit
    /// touched, thousands when a folder loads.
    source_of: HashMap<PathBuf, Membership>,
    /// What the last model build of each source (by its root) left for the next.
    builds: HashMap<PathBuf, SourceCache>,
    /// The configuration's `baseline`, read; its findings are not reported.
    baseline: Option<(PathBuf, Arc<Baseline>)>,
}

pub struct Host {
    encoding: PositionEncoding,
    /// Which migrations already ran (see `workspace::history`).
    vcs: Box<dyn Vcs + Send>,
    erd_hover: Option<ErdHover>,
    overrides: EditorOverrides,
    scopes: BTreeMap<PathBuf, Scope>,
    files: HashMap<PathBuf, FileState>,
    next_id: u32,
    /// Files touched since the last commit, in the order they were touched.
    touched: Vec<PathBuf>,
    /// Files opened or closed with the text already analysed.
    reversioned: Vec<PathBuf>,
    /// Scopes whose file set or configuration changed since the last commit.
    regroup: BTreeSet<PathBuf>,
    /// Scopes of `regroup` whose every source is checked again (their configuration or
    /// baseline changed); in the others, only sources that are new or changed.
    recheck: BTreeSet<PathBuf>,
    /// Sources a commit left unchecked because newer changes came: scope root, source root.
    deferred: BTreeSet<(PathBuf, PathBuf)>,
    removed: Vec<PathBuf>,
    /// The maps of the last snapshot, which the next one starts from.
    published_files: SharedMap<Arc<Path>, Arc<FileView>>,
    published_ids: SharedMap<FileId, Arc<Path>>,
    notices: Vec<Notice>,
    /// Files that could not be read, with why: the user hears about each once.
    skipped: HashMap<PathBuf, String>,
    /// Documents open in a language ddlint does not read (an editor may attach it to more):
    /// their edits are expected, and ignored.
    foreign: HashSet<PathBuf>,
}

impl Host {
    /// `erd_hover` is the editor's setting; without one, each folder's `[hover] erd` applies.
    pub fn new(encoding: PositionEncoding, erd_hover: Option<ErdHover>) -> Host {
        Host {
            encoding,
            vcs: Box::new(Git::default()),
            erd_hover,
            overrides: EditorOverrides::default(),
            scopes: BTreeMap::new(),
            files: HashMap::new(),
            next_id: 0,
            touched: Vec::new(),
            reversioned: Vec::new(),
            regroup: BTreeSet::new(),
            recheck: BTreeSet::new(),
            deferred: BTreeSet::new(),
            removed: Vec::new(),
            published_files: SharedMap::default(),
            published_ids: SharedMap::default(),
            notices: Vec::new(),
            skipped: HashMap::new(),
            foreign: HashSet::new(),
        }
    }

    /// The editor's settings changed: hovers draw as `erd_hover` says, and every folder's
    /// configuration is read again under `overrides` when they differ from the last ones.
    pub fn configure(&mut self, erd_hover: Option<ErdHover>, overrides: EditorOverrides) {
        self.erd_hover = erd_hover;
        if overrides != self.overrides {
            self.overrides = overrides;
            self.reload_configs();
        }
    }

    /// Answers what version control knows about migrations with `vcs` instead of git.
    pub fn with_vcs(mut self, vcs: Box<dyn Vcs + Send>) -> Host {
        self.vcs = vcs;
        self
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.encoding
    }

    /// Adds a workspace folder: reads its `ddlint.toml` and every schema file under it.
    pub fn add_folder(&mut self, root: &Path) {
        let new = self.begin_folder(root);
        self.read_new_files(new);
    }

    /// Starts reading a workspace folder: its configuration, and the files found in it that are
    /// not known yet, returned for [`Host::read_files`] (which a language server calls a part at
    /// a time, answering requests between parts).
    pub fn begin_folder(&mut self, root: &Path) -> Vec<PathBuf> {
        if self.scopes.get(root).is_some_and(|scope| scope.walked) {
            return Vec::new();
        }
        let (config, problem) = load_config(root, None, &self.overrides);
        let baseline = self.load_baseline(&config);
        self.scopes.insert(
            root.to_path_buf(),
            Scope {
                root: Arc::from(root),
                walked: true,
                config,
                problem,
                sources: Vec::new(),
                sql_directories: linking::SqlDirectories::default(),
                source_of: HashMap::new(),
                builds: HashMap::new(),
                baseline,
            },
        );
        // Files opened before the folder was known move into it.
        self.regroup_everything();
        self.new_files_in(root)
    }

    /// Reads and analyses files that [`Host::begin_folder`] found; one known by now (opened in
    /// the editor, or read after a change on disk) stays as it is.
    pub fn read_files(&mut self, paths: &[PathBuf]) {
        let new: Vec<PathBuf> = paths
            .iter()
            .filter(|path| !self.files.contains_key(*path))
            .cloned()
            .collect();
        self.read_new_files(new);
    }

    /// Forgets a workspace folder; its files that are open stay, in scopes of their own.
    pub fn remove_folder(&mut self, root: &Path) {
        if self.scopes.remove(root).is_none() {
            return;
        }
        let leaving: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(path, file)| path.starts_with(root) && file.document.is_none())
            .map(|(path, _)| path.clone())
            .collect();
        for path in leaving {
            self.remove_file(&path);
        }
        let open: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|path| path.starts_with(root))
            .cloned()
            .collect();
        for path in open {
            self.ensure_scope(&path);
        }
        self.regroup_everything();
    }

    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Open {
                path,
                language,
                version,
                text,
            } => self.open(path, language, version, text),
            Change::Edit {
                path,
                version,
                edits,
            } => self.edit(&path, version, edits),
            Change::Close { path } => self.close(&path),
            Change::Disk(events) => self.disk(events),
        }
    }

    fn open(&mut self, path: PathBuf, language: Option<Language>, version: i32, text: String) {
        let by_extension = Language::from_path(&path);
        let Some(language) = by_extension.or(language) else {
            self.foreign.insert(path);
            return;
        };
        let document = Document::new(&text, version);
        if let Some(file) = self.files.get_mut(&path) {
            let same = matches!(file.pending, Pending::Nothing) && *file.data.document == *text;
            if !same {
                file.pending = Pending::Replaced(Arc::new(text));
            }
            file.document = Some(document);
            file.view = None;
            if same {
                self.reversion(&path);
            } else {
                self.touch(&path);
            }
            return;
        }
        self.ensure_scope(&path);
        let on_disk = path.is_file();
        let text = Arc::new(text);
        let data = FileData::new(self.fresh_id(), path.clone(), language, Arc::clone(&text));
        self.insert(
            path.clone(),
            data,
            by_extension.is_some(),
            Some(document),
            on_disk,
        );
        self.touch(&path);
    }

    fn edit(&mut self, path: &Path, version: i32, edits: Vec<TextChange>) {
        let encoding = self.encoding;
        if self.foreign.contains(path) {
            return;
        }
        let Some(file) = self.files.get_mut(path) else {
            self.notices.push(Notice::log(
                NoticeLevel::Warning,
                format!(
                    "{}: change for a document that is not open; ignored",
                    path.display()
                ),
            ));
            return;
        };
        let Some(document) = file.document.as_mut() else {
            self.notices.push(Notice::log(
                NoticeLevel::Warning,
                format!(
                    "{}: change for a document that is not open; ignored",
                    path.display()
                ),
            ));
            return;
        };
        for change in edits {
            let edit = match document.apply_change(change.range, &change.text, encoding) {
                Ok(edit) => edit,
                Err(error) => {
                    // The later changes of this notification assume this one happened.
                    self.notices.push(Notice::show(
                        NoticeLevel::Error,
                        format!(
                            "ddlint: {}: {error}; the server's copy of the document may now differ \
                             from the editor's, close and reopen the file",
                            path.display()
                        ),
                    ));
                    break;
                }
            };
            let span = ChangedSpan::of_edit(
                edit.new_range.start(),
                edit.old_range.end(),
                edit.new_range.end(),
            );
            file.pending = match std::mem::replace(&mut file.pending, Pending::Nothing) {
                Pending::Nothing => Pending::Edited {
                    edits: vec![edit.input_edit()],
                    span,
                },
                Pending::Edited {
                    mut edits,
                    span: before,
                } => {
                    edits.push(edit.input_edit());
                    Pending::Edited {
                        edits,
                        span: before.then(span),
                    }
                }
                // Parsed from scratch anyway, from the document's text at the commit.
                replaced @ Pending::Replaced(_) => replaced,
            };
        }
        document.set_version(version);
        file.view = None;
        self.touch(path);
    }

    fn close(&mut self, path: &Path) {
        if self.foreign.remove(path) {
            return;
        }
        let Some(file) = self.files.get_mut(path) else {
            return;
        };
        file.document = None;
        file.view = None;
        if !file.on_disk {
            self.remove_file(path);
            return;
        }
        // Edits not analysed yet are moot: the text is the one on disk again.
        file.pending = Pending::Nothing;
        match files::read_text(path) {
            Ok(text) => {
                if *text == *file.data.document {
                    self.reversion(path);
                } else {
                    file.pending = Pending::Replaced(text);
                    self.touch(path);
                }
            }
            Err(message) => {
                self.skip(path, message);
                self.remove_file(path);
            }
        }
    }

    fn disk(&mut self, events: Vec<DiskEvent>) {
        // A change on disk may come with a commit or a checkout.
        self.vcs.forget();
        let baselines: Vec<PathBuf> = self
            .scopes
            .values()
            .filter_map(|scope| scope.config.baseline_file())
            .collect();
        if events.iter().any(|event| baselines.contains(&event.path)) {
            self.reload_baselines();
        }
        if events.iter().any(|event| {
            event
                .path
                .file_name()
                .is_some_and(|name| name == config::FILE_NAME)
        }) {
            self.reload_configs();
        }
        let mut rewalk: BTreeSet<PathBuf> = BTreeSet::new();
        for event in events {
            let path = event.path;
            if path
                .file_name()
                .is_some_and(|name| name == config::FILE_NAME)
            {
                continue;
            }
            match event.change {
                DiskChange::Deleted => {
                    self.skipped
                        .retain(|skipped, _| !skipped.starts_with(&path));
                    let gone: Vec<PathBuf> = self
                        .files
                        .keys()
                        .filter(|known| known.starts_with(&path))
                        .cloned()
                        .collect();
                    for known in gone {
                        self.deleted(&known);
                    }
                }
                DiskChange::Created | DiskChange::Changed if self.files.contains_key(&path) => {
                    self.changed_on_disk(&path)
                }
                DiskChange::Created | DiskChange::Changed => {
                    // New to the host: a walk decides whether it belongs (ignore files, `exclude`).
                    if let Some(root) = self.walked_scope_of(&path) {
                        rewalk.insert(root);
                    }
                }
            }
        }
        for root in rewalk {
            self.walk(&root);
        }
    }

    fn deleted(&mut self, path: &Path) {
        let Some(file) = self.files.get_mut(path) else {
            return;
        };
        if file.document.is_some() {
            file.on_disk = false;
        } else {
            self.remove_file(path);
        }
    }

    fn changed_on_disk(&mut self, path: &Path) {
        let Some(file) = self.files.get_mut(path) else {
            return;
        };
        file.on_disk = true;
        if file.document.is_some() {
            // The editor's text wins while the document is open.
            return;
        }
        match files::read_text(path) {
            Ok(text) => {
                if *text != *file.data.document {
                    file.pending = Pending::Replaced(text);
                    self.touch(path);
                }
            }
            Err(message) => {
                self.skip(path, message);
                self.remove_file(path);
            }
        }
    }

    /// Walks a workspace folder and brings the host's files in line with what it finds.
    fn walk(&mut self, root: &Path) {
        let new = self.new_files_in(root);
        self.read_new_files(new);
    }

    /// Walks a folder: files that left it are forgotten; the schema files found in it that are
    /// not known yet are returned, to read.
    fn new_files_in(&mut self, root: &Path) -> Vec<PathBuf> {
        let Some(scope) = self.scopes.get(root) else {
            return Vec::new();
        };
        let collected = files::collect_files(&[root.to_path_buf()], &scope.config);
        for problem in &collected.problems {
            let level = match problem.problem {
                Problem::Unreadable(_) => NoticeLevel::Warning,
                _ => NoticeLevel::Error,
            };
            self.notices.push(Notice::log(
                level,
                format!("{}: {}", problem.path.display(), problem.problem),
            ));
        }
        let found: BTreeSet<&PathBuf> = collected.files.iter().collect();
        let gone: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(path, file)| {
                file.on_disk && !found.contains(path) && self.scope_root_of(path) == root
            })
            .map(|(path, _)| path.clone())
            .collect();
        for path in gone {
            self.deleted(&path);
        }
        let new: Vec<PathBuf> = collected
            .files
            .iter()
            .filter(|path| !self.files.contains_key(*path))
            .cloned()
            .collect();
        self.regroup.insert(root.to_path_buf());
        new
    }

    /// Reads and analyses files on all cores.
    fn read_new_files(&mut self, paths: Vec<PathBuf>) {
        const CHUNK: usize = 32;
        let workers = crate::cores();
        for chunk in paths.chunks(CHUNK * workers) {
            let jobs: Vec<(PathBuf, FileId)> = chunk
                .iter()
                .map(|path| (path.clone(), self.fresh_id()))
                .collect();
            for (path, result) in read_and_analyse(jobs, workers) {
                match result {
                    Ok(data) => self.insert(path, data, true, None, true),
                    Err(message) => self.skip(&path, message),
                }
            }
        }
    }

    /// Notes a file that cannot be read; the user is told when the reason is new.
    fn skip(&mut self, path: &Path, message: String) {
        if self.skipped.get(path) != Some(&message) {
            let text = format!("ddlint: {}: {message}; skipped", path.display());
            self.notices.push(Notice::show(NoticeLevel::Warning, text));
            self.skipped.insert(path.to_path_buf(), message);
        }
    }

    fn insert(
        &mut self,
        path: PathBuf,
        data: FileData,
        by_extension: bool,
        document: Option<Document>,
        on_disk: bool,
    ) {
        self.skipped.remove(&path);
        let declares_datasource = declares_datasource(&data);
        let scope = self.scope_root_of(&path);
        self.files.insert(
            path.clone(),
            FileState {
                key: Arc::from(path),
                data: Arc::new(data),
                by_extension,
                document,
                on_disk,
                pending: Pending::Nothing,
                declares_datasource,
                links: None,
                diagnostics: Arc::from([]),
                source: None,
                view: None,
            },
        );
        self.regroup.insert(scope);
    }

    fn remove_file(&mut self, path: &Path) {
        if self.files.remove(path).is_none() {
            return;
        }
        let scope = self.scope_root_of(path);
        self.regroup.insert(scope.clone());
        self.removed.push(path.to_path_buf());
        self.touched.retain(|touched| touched != path);
        // A scope of a stray file goes with its last file.
        if self.scopes.get(&scope).is_some_and(|s| !s.walked)
            && !self.files.keys().any(|p| self.scope_root_of(p) == scope)
        {
            self.scopes.remove(&scope);
            self.regroup.remove(&scope);
        }
    }

    fn reload_configs(&mut self) {
        let roots: Vec<PathBuf> = self.scopes.keys().cloned().collect();
        for root in &roots {
            if let Some(scope) = self.scopes.get_mut(root) {
                let (config, problem) = load_config(root, Some(&scope.config), &self.overrides);
                scope.config = config;
                scope.problem = problem;
            }
        }
        self.reload_baselines();
        // `exclude` and the source roots may have changed.
        for root in roots {
            if self.scopes.get(&root).is_some_and(|scope| scope.walked) {
                self.walk(&root);
            }
        }
        self.regroup_everything();
    }

    /// The baseline a configuration names; a file that cannot be read is reported once.
    fn load_baseline(&mut self, config: &Config) -> Option<(PathBuf, Arc<Baseline>)> {
        let path = config.baseline_file()?;
        // Opening a named pipe would wait for a writer, and the server with it.
        let read = if path.exists() && !path.is_file() {
            Err("not a file".to_owned())
        } else {
            std::fs::read_to_string(&path)
                .map_err(|error| error.to_string())
                .and_then(|text| Baseline::parse(&text))
        };
        match read {
            Ok(baseline) => Some((path, Arc::new(baseline))),
            Err(error) => {
                self.notices.push(Notice::show(
                    NoticeLevel::Warning,
                    format!(
                        "ddlint: the baseline {} cannot be used ({error}); every finding is shown",
                        path.display()
                    ),
                ));
                None
            }
        }
    }

    fn reload_baselines(&mut self) {
        let roots: Vec<PathBuf> = self.scopes.keys().cloned().collect();
        for root in roots {
            let Some(config) = self
                .scopes
                .get(&root)
                .map(|scope| Arc::clone(&scope.config))
            else {
                continue;
            };
            let baseline = self.load_baseline(&config);
            if let Some(scope) = self.scopes.get_mut(&root) {
                scope.baseline = baseline;
            }
        }
        self.regroup_everything();
    }

    fn regroup_everything(&mut self) {
        self.regroup.extend(self.scopes.keys().cloned());
        self.recheck.extend(self.scopes.keys().cloned());
    }

    fn touch(&mut self, path: &Path) {
        if !self.touched.iter().any(|touched| touched == path) {
            self.touched.push(path.to_path_buf());
        }
    }

    /// Notes a file whose version changed but not its text: reported, not checked again.
    fn reversion(&mut self, path: &Path) {
        if !self.reversioned.iter().any(|known| known == path) {
            self.reversioned.push(path.to_path_buf());
        }
    }

    fn fresh_id(&mut self) -> FileId {
        self.next_id += 1;
        FileId(self.next_id)
    }

    /// The folder a file belongs to: the innermost walked folder holding it, else its directory.
    /// An unsaved buffer (no absolute path) belongs to the first folder.
    fn scope_root_of(&self, path: &Path) -> PathBuf {
        if let Some(root) = self.walked_scope_of(path) {
            return root;
        }
        if path.is_absolute() {
            return path.parent().map(Path::to_path_buf).unwrap_or_default();
        }
        self.scopes
            .values()
            .find(|scope| scope.walked)
            .map(|scope| scope.root.to_path_buf())
            .unwrap_or_default()
    }

    fn walked_scope_of(&self, path: &Path) -> Option<PathBuf> {
        self.scopes
            .values()
            .filter(|scope| scope.walked && path.is_absolute() && path.starts_with(&scope.root))
            .max_by_key(|scope| scope.root.components().count())
            .map(|scope| scope.root.to_path_buf())
    }

    fn ensure_scope(&mut self, path: &Path) {
        let root = self.scope_root_of(path);
        if !self.scopes.contains_key(&root) {
            let (config, problem) = if root.as_os_str().is_empty() {
                let mut config = Config::default();
                self.overrides.apply(&mut config, &root);
                (Arc::new(config), None)
            } else {
                load_config(&root, None, &self.overrides)
            };
            let baseline = self.load_baseline(&config);
            self.scopes.insert(
                root.clone(),
                Scope {
                    root: Arc::from(root.as_path()),
                    walked: false,
                    config,
                    problem,
                    sources: Vec::new(),
                    sql_directories: linking::SqlDirectories::default(),
                    source_of: HashMap::new(),
                    builds: HashMap::new(),
                    baseline,
                },
            );
        }
        self.regroup.insert(root);
    }

    /// The first half of a commit, for requests that read a file's own text and trees, and at
    /// most names from the last model (highlighting, folding, completion): the edited files
    /// analysed again, in `last` (the previous commit's snapshot) with their findings and
    /// sources as they were.
    /// The commit that follows reuses these analyses and checks. `None` when no file was edited,
    /// or when one appeared or left: requests then wait for the commit.
    pub fn syntax_snapshot(&mut self, last: &Snapshot) -> Option<Arc<Snapshot>> {
        let known = |path: &PathBuf| last.files.contains_key(path.as_path());
        if self.touched.is_empty() || !self.touched.iter().all(known) {
            return None;
        }
        let touched = self.touched.clone();
        let mut files = last.files.clone();
        self.reanalyse(&touched);
        for path in &touched {
            let file = self.files.get(path)?;
            let (key, before) = last.files.get_key_value(path.as_path())?;
            if before.data.id != file.data.id {
                return None;
            }
            let view = FileView {
                data: Arc::clone(&file.data),
                version: file.document.as_ref().map(Document::version),
                diagnostics: Arc::clone(&before.diagnostics),
                source: before.source.clone(),
                config: Arc::clone(&before.config),
                root: Arc::clone(&before.root),
            };
            files.insert(Arc::clone(key), Arc::new(view));
        }
        Some(Arc::new(Snapshot {
            files,
            ids: last.ids.clone(),
            config_problems: last.config_problems.clone(),
            erd_hover: last.erd_hover,
        }))
    }

    /// Analyses what changed since the last commit, re-checks the sources it touched and returns
    /// the new snapshot with the files whose diagnostics changed.
    pub fn commit(&mut self) -> Commit {
        self.commit_unless(&|| false)
    }

    /// As [`Host::commit`], but stops checking once `interrupted` says newer changes are
    /// waiting, which make this commit's findings stale: the sources left are checked by the
    /// next commit, and the snapshot has their files analysed, their findings not yet.
    pub fn commit_unless(&mut self, interrupted: &dyn Fn() -> bool) -> Commit {
        let touched = std::mem::take(&mut self.touched);
        self.reanalyse(&touched);

        let mut stale: BTreeSet<(PathBuf, usize)> = BTreeSet::new();
        let recheck = std::mem::take(&mut self.recheck);
        for root in std::mem::take(&mut self.regroup) {
            let Some(sources) = self.group(&root) else {
                continue;
            };
            let sql_directories = linking::SqlDirectories::of(&sources);
            let scope = self.scopes.get(&root);
            let recheck_all = recheck.contains(&root) || scope.is_none();
            let mut previous: HashMap<&Path, Vec<&SchemaSource>> = HashMap::new();
            for source in scope.map_or(&[][..], |scope| &scope.sources) {
                previous.entry(&source.root).or_default().push(source);
            }
            // A source with the same files as before, and the same schema files beside it, has
            // the same findings (its files' own changes make them stale below): a folder that
            // loads a part at a time does not check its earlier parts again.
            let unchanged = |source: &SchemaSource| {
                let Some(scope) = scope else { return false };
                let beside = sql_directories.beside_other_schemas(source);
                previous.get(source.root.as_path()).is_some_and(|before| {
                    before.iter().any(|old| {
                        *old == source && scope.sql_directories.beside_other_schemas(old) == beside
                    })
                })
            };
            stale.extend(
                sources
                    .iter()
                    .enumerate()
                    .filter(|(_, source)| recheck_all || !unchanged(source))
                    .map(|(index, _)| (root.clone(), index)),
            );
            drop(previous);
            if let Some(scope) = self.scopes.get_mut(&root) {
                let roots: HashSet<&Path> = sources.iter().map(|s| s.root.as_path()).collect();
                scope
                    .builds
                    .retain(|built, _| roots.contains(built.as_path()));
                scope.sql_directories = sql_directories;
                scope.source_of = source_of(&sources);
                scope.sources = sources;
            }
        }
        for path in &touched {
            let root = self.scope_root_of(path);
            if let Some(scope) = self.scopes.get(&root)
                && let Some(&Membership { first: index, .. }) =
                    scope.source_of.get(&sources::lexical(path))
            {
                stale.insert((root, index));
            }
        }

        for (root, source_root) in std::mem::take(&mut self.deferred) {
            let index = self.scopes.get(&root).and_then(|scope| {
                scope
                    .sources
                    .iter()
                    .position(|source| source.root == source_root)
            });
            if let Some(index) = index {
                stale.insert((root, index));
            }
        }

        let mut changed_diagnostics: BTreeSet<PathBuf> = BTreeSet::new();
        let stale: Vec<(PathBuf, usize)> = stale.into_iter().collect();
        let mut left = stale.len();
        for (at, (root, index)) in stale.iter().enumerate() {
            // A source never checked is checked whole: until then, requests that read the last
            // check's names (completion) would find none.
            let never_stop = || false;
            let stop = if self.checked_before(root, *index) {
                interrupted
            } else {
                &never_stop
            };
            if stop() || !self.check(root, *index, &mut changed_diagnostics, stop) {
                left = at;
                break;
            }
        }
        for (root, index) in &stale[left..] {
            let source_root = self
                .scopes
                .get(root)
                .and_then(|scope| scope.sources.get(*index))
                .map(|source| source.root.clone());
            if let Some(source_root) = source_root {
                self.deferred.insert((root.clone(), source_root));
            }
        }

        let reversioned = std::mem::take(&mut self.reversioned);
        let mut seen = HashSet::new();
        let changed: Vec<PathBuf> = touched
            .into_iter()
            .chain(reversioned)
            .chain(changed_diagnostics)
            .filter(|path| self.files.contains_key(path) && seen.insert(path.clone()))
            .collect();
        Commit {
            snapshot: self.snapshot(),
            changed,
            removed: std::mem::take(&mut self.removed),
            notices: std::mem::take(&mut self.notices),
            complete: left == stale.len(),
        }
    }

    /// Work that makes the next commit faster, for when nothing waits: copies each source's
    /// model checkpoint so that the build after the next edit starts without copying it.
    pub fn prepare_next_commit(&mut self) {
        for scope in self.scopes.values_mut() {
            scope.builds.values_mut().for_each(SourceCache::prepare);
        }
    }

    /// Analyses the files of `paths` that changed since their last analysis: on all cores when
    /// there are several (a checkout changes many files at once), each result applied in order.
    fn reanalyse<'p>(&mut self, paths: impl IntoIterator<Item = &'p PathBuf>) {
        struct Job<'p> {
            path: &'p PathBuf,
            previous: Arc<FileData>,
            pending: Pending,
            /// The open document's text, which wins over text read from disk.
            document_text: Option<Arc<String>>,
        }
        let mut jobs: Vec<Job> = Vec::new();
        for path in paths {
            let Some(file) = self.files.get_mut(path) else {
                continue;
            };
            let pending = std::mem::replace(&mut file.pending, Pending::Nothing);
            if matches!(pending, Pending::Nothing) {
                continue;
            }
            let document_text = file.document.as_mut().map(Document::shared_text);
            jobs.push(Job {
                path,
                previous: Arc::clone(&file.data),
                pending,
                document_text,
            });
        }
        let analyse = |job: usize| {
            let Job {
                previous,
                pending,
                document_text,
                ..
            } = &jobs[job];
            match pending {
                Pending::Nothing => None,
                Pending::Replaced(text) => {
                    let text = document_text.clone().unwrap_or_else(|| Arc::clone(text));
                    Some(catch_unwind(AssertUnwindSafe(|| {
                        FileData::new(previous.id, previous.path.clone(), previous.language, text)
                    })))
                }
                Pending::Edited { edits, span } => {
                    let text = document_text.clone()?;
                    Some(catch_unwind(AssertUnwindSafe(|| {
                        previous.reparsed(text, edits, *span)
                    })))
                }
            }
        };
        let threads = if jobs.len() > 1 { crate::cores() } else { 1 };
        let analysed = crate::parallel::map(jobs.len(), threads, analyse);
        for (Job { path, .. }, analysed) in jobs.iter().zip(analysed) {
            match analysed {
                Some(Ok(data)) => self.analysed(path, data),
                Some(Err(panic)) => self.notices.push(Notice::show(
                    NoticeLevel::Error,
                    format!(
                        "ddlint: internal error while analysing {}: {}",
                        path.display(),
                        panic_message(&panic)
                    ),
                )),
                None => {}
            }
        }
    }

    /// Takes a file's new analysis.
    fn analysed(&mut self, path: &Path, data: FileData) {
        let Some(file) = self.files.get_mut(path) else {
            return;
        };
        let declares = declares_datasource(&data);
        let previous = std::mem::replace(&mut file.data, Arc::new(data));
        // The last version's view and analysis hold its findings and trees, whose drop takes
        // a millisecond on a large schema: not while the user waits for the new findings.
        crate::chores::drop_in_background(file.view.take());
        let datasource_changed = declares != file.declares_datasource;
        file.declares_datasource = declares;
        let root = self.scope_root_of(path);
        let links_changed = self.links_changed(&root, path, &previous.statements);
        if datasource_changed || links_changed {
            self.regroup.insert(root);
        }
        crate::chores::drop_in_background(previous);
    }

    /// Whether an edit changed what links a standalone SQL file to the others of its directory
    /// (there are none to link to when it is alone); `previous` are its statements before.
    fn links_changed(&mut self, root: &Path, path: &Path, previous: &[PlacedStatement]) -> bool {
        let standalone = self.scopes.get(root).is_some_and(|scope| {
            scope
                .source_of
                .get(&sources::lexical(path))
                .is_some_and(|membership| membership.in_standalone)
        });
        let is_sql = self
            .files
            .get(path)
            .is_some_and(|file| file.data.language == Language::Sql);
        if !standalone || !is_sql {
            if let Some(file) = self.files.get_mut(path) {
                file.links = None;
            }
            return false;
        }
        let Some(file) = self.files.get_mut(path) else {
            return false;
        };
        let links = file
            .links
            .get_or_insert_with(|| linking::LinkNames::of(previous));
        let (removed, added) = linking::replaced_statements(previous, &file.data.statements);
        let changed = links.replace(removed, added);
        if changed.names.is_empty() {
            return false;
        }
        let directory = path.parent();
        let siblings: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(other, state)| {
                other.as_path() != path
                    && state.by_extension
                    && state.data.language == Language::Sql
                    && other.parent() == directory
            })
            .map(|(other, _)| other.clone())
            .collect();
        if changed.uses_changed && !siblings.is_empty() {
            return true;
        }
        // Otherwise a name no other SQL file of the directory names links the file to none of
        // them.
        siblings.iter().any(|sibling| {
            self.files.get_mut(sibling).is_some_and(|state| {
                let names = state
                    .links
                    .get_or_insert_with(|| linking::LinkNames::of(&state.data.statements));
                changed.names.iter().any(|name| names.names(name))
            })
        })
    }

    /// The schema sources of a scope, from its files' paths.
    fn group(&self, root: &Path) -> Option<Vec<SchemaSource>> {
        let scope = self.scopes.get(root)?;
        let mut grouped = Vec::new();
        let mut standalone = Vec::new();
        for (path, file) in &self.files {
            if self.scope_root_of(path) != root {
                continue;
            }
            if file.by_extension {
                grouped.push(path.clone());
            } else {
                standalone.push(path.clone());
            }
        }
        grouped.sort();
        let found = sources::group_into_sources(&grouped, &scope.config.source_roots(), |path| {
            self.files
                .get(path)
                .is_some_and(|file| file.declares_datasource)
        });
        let mut found = linking::link_schema_directories(found, |path| {
            self.files
                .get(path)
                .map(|file| file.data.statements.as_slice())
        });
        standalone.sort();
        found.extend(standalone.into_iter().map(|path| SchemaSource {
            root: path.clone(),
            kind: SourceKind::Standalone,
            files: vec![SourceFile {
                path,
                role: FileRole::Applied,
                version: None,
            }],
        }));
        Some(found)
    }

    /// Whether a file of the source has findings of an earlier check.
    fn checked_before(&self, root: &Path, index: usize) -> bool {
        let source = self
            .scopes
            .get(root)
            .and_then(|scope| scope.sources.get(index));
        source.is_some_and(|source| {
            source.files.iter().any(|member| {
                self.files
                    .get(&member.path)
                    .is_some_and(|file| file.source.is_some())
            })
        })
    }

    /// Checks one source and stores its files' diagnostics, noting the files whose diagnostics
    /// changed; `false` when `interrupted` stopped it, its findings unchanged.
    fn check(
        &mut self,
        root: &Path,
        index: usize,
        changed: &mut BTreeSet<PathBuf>,
        interrupted: &dyn Fn() -> bool,
    ) -> bool {
        let Some(scope) = self.scopes.get_mut(root) else {
            return true;
        };
        let Some(source) = scope.sources.get(index) else {
            return true;
        };
        let cache = scope.builds.entry(source.root.clone()).or_default();
        let config = Arc::clone(&scope.config);
        let histories = history::classify(source, &config.migrations, &*self.vcs, |path| {
            self.files.get(path).map(|file| file.data.text.as_str())
        });
        let beside_other_schemas = scope.sql_directories.beside_other_schemas(source);
        let members: Vec<SourceMember> = source
            .files
            .iter()
            .zip(histories)
            .filter(|(member, _)| member.role == FileRole::Applied)
            .filter_map(|(member, history)| {
                let file = self.files.get(&member.path)?;
                Some(SourceMember {
                    file: &file.data,
                    history,
                    beside_other_schemas,
                })
            })
            .collect();
        let member_ids: Vec<FileId> = members.iter().map(|member| member.file.id).collect();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            check_source(&members, &config, &Selection::default(), cache, interrupted)
        }));
        let (model, diagnostics) = match outcome {
            Ok(Some(checked)) => checked,
            Ok(None) => return false,
            Err(panic) => {
                self.notices.push(Notice::show(
                    NoticeLevel::Error,
                    format!(
                        "ddlint: internal error while checking {}: {}; its diagnostics may be out of date",
                        source.root.display(),
                        panic_message(&panic)
                    ),
                ));
                return true;
            }
        };
        let diagnostics = match &scope.baseline {
            Some((path, baseline)) => {
                let members: HashMap<FileId, (&Path, &FileData)> = source
                    .files
                    .iter()
                    .filter_map(|member| {
                        let file = self.files.get(&member.path)?;
                        Some((file.data.id, (member.path.as_path(), &*file.data)))
                    })
                    .collect();
                without_baseline(baseline, path, diagnostics, |id| members.get(&id).copied())
            }
            None => diagnostics,
        };
        let migrations =
            matches!(source.kind, SourceKind::Migrations { .. }).then(|| source.clone());
        let view = Arc::new(SourceView {
            model,
            members: member_ids,
            migrations,
        });
        let mut by_file: HashMap<FileId, Vec<Diagnostic>> = HashMap::new();
        for diagnostic in diagnostics {
            by_file.entry(diagnostic.file).or_default().push(diagnostic);
        }
        let paths: Vec<(PathBuf, FileRole)> = source
            .files
            .iter()
            .map(|file| (file.path.clone(), file.role))
            .collect();
        for (path, role) in paths {
            let Some(file) = self.files.get_mut(&path) else {
                continue;
            };
            let found = by_file.remove(&file.data.id).unwrap_or_default();
            if *file.diagnostics != *found {
                file.diagnostics = Arc::from(found);
                changed.insert(path);
            }
            file.source = (role == FileRole::Applied).then(|| Arc::clone(&view));
            file.view = None;
        }
        true
    }

    /// The snapshot of the files as they are: the last one's maps with the views that changed
    /// since (a file's view is dropped whenever anything in it changes) and the files that left.
    fn snapshot(&mut self) -> Arc<Snapshot> {
        let (files, ids) = (&mut self.published_files, &mut self.published_ids);
        for path in &self.removed {
            if self.files.contains_key(path) {
                continue;
            }
            if let Some(gone) = files.remove(path.as_path()) {
                ids.remove(&gone.data.id);
            }
        }
        let scopes = &self.scopes;
        for (path, file) in &mut self.files {
            if file.view.is_some() {
                continue;
            }
            let (config, root) = match scope_root(scopes, path) {
                Some(scope) => (Arc::clone(&scope.config), Arc::clone(&scope.root)),
                None => (Arc::new(Config::default()), Arc::from(Path::new(""))),
            };
            let view = Arc::new(FileView {
                data: Arc::clone(&file.data),
                version: file.document.as_ref().map(Document::version),
                diagnostics: Arc::clone(&file.diagnostics),
                source: file.source.clone(),
                config,
                root,
            });
            file.view = Some(Arc::clone(&view));
            if let Some(before) = files.insert(Arc::clone(&file.key), view)
                && before.data.id != file.data.id
            {
                ids.remove(&before.data.id);
            }
            ids.insert(file.data.id, Arc::clone(&file.key));
        }
        let config_problems = self
            .scopes
            .values()
            .filter_map(|scope| scope.problem.clone())
            .collect();
        Arc::new(Snapshot {
            files: files.clone(),
            ids: ids.clone(),
            config_problems,
            erd_hover: self.erd_hover,
        })
    }
}

/// The scope a path belongs to, for a caller that holds `&mut` to the files.
fn scope_root<'a>(scopes: &'a BTreeMap<PathBuf, Scope>, path: &Path) -> Option<&'a Scope> {
    let walked = scopes
        .values()
        .filter(|scope| scope.walked && path.is_absolute() && path.starts_with(&scope.root))
        .max_by_key(|scope| scope.root.components().count());
    walked.or_else(|| {
        if path.is_absolute() {
            scopes.get(path.parent()?)
        } else {
            scopes
                .values()
                .find(|scope| scope.walked)
                .or_else(|| scopes.get(Path::new("")))
        }
    })
}

/// The sources a file belongs to.
#[derive(Clone, Copy)]
struct Membership {
    /// The first of them.
    first: usize,
    /// One of them is a standalone file's.
    in_standalone: bool,
}

/// What sources each file belongs to, by the file's lexical path.
fn source_of(sources: &[SchemaSource]) -> HashMap<PathBuf, Membership> {
    let mut of: HashMap<PathBuf, Membership> = HashMap::new();
    for (index, source) in sources.iter().enumerate() {
        let standalone = source.kind == SourceKind::Standalone;
        for file in &source.files {
            of.entry(sources::lexical(&file.path))
                .and_modify(|membership| membership.in_standalone |= standalone)
                .or_insert(Membership {
                    first: index,
                    in_standalone: standalone,
                });
        }
    }
    of
}

fn declares_datasource(data: &FileData) -> bool {
    data.language == Language::Prisma && sources::declares_prisma_datasource(&data.text)
}

/// The configuration of a folder. When `ddlint.toml` is invalid, the last valid one (or the
/// defaults) stays in force and the problem is reported.
/// The diagnostics a baseline does not hold (its stale entries are for the CLI to report).
fn without_baseline<'a>(
    baseline: &Baseline,
    path: &Path,
    diagnostics: Vec<Diagnostic>,
    file: impl Fn(FileId) -> Option<(&'a Path, &'a FileData)>,
) -> Vec<Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let findings = diagnostics
        .into_iter()
        .map(|diagnostic| {
            let entry = match file(diagnostic.file) {
                Some((key, data)) => Entry::new(
                    diagnostic.rule,
                    &baseline::relative_path(key, dir),
                    &diagnostic.message,
                    data.slice(diagnostic.range),
                ),
                None => Entry::new(diagnostic.rule, "", &diagnostic.message, ""),
            };
            (entry, diagnostic)
        })
        .collect();
    baseline.filter(findings).0
}

fn load_config(
    root: &Path,
    last_valid: Option<&Arc<Config>>,
    overrides: &EditorOverrides,
) -> (Arc<Config>, Option<Arc<ConfigProblem>>) {
    match config::load(root, &rules::specs()) {
        Ok(mut config) => {
            overrides.apply(&mut config, root);
            (Arc::new(config), None)
        }
        Err(error) => {
            let fallback = last_valid
                .cloned()
                .unwrap_or_else(|| Arc::new(Config::default()));
            (fallback, Some(Arc::new(config_problem(error))))
        }
    }
}

fn config_problem(error: ConfigError) -> ConfigProblem {
    let text = error
        .location
        .as_ref()
        .and_then(|_| std::fs::read_to_string(&error.path).ok());
    let range = error
        .location
        .as_ref()
        .map(|location| TextRange::from_usize(location.range.clone()));
    ConfigProblem {
        lines: text.as_deref().map(LineIndex::new),
        range: range.filter(|_| text.is_some()),
        message: error.message,
        path: error.path,
    }
}

/// A file read and analysed, or why it was skipped.
type Analysed = (PathBuf, Result<FileData, String>);

/// Reads and analyses files on `workers` threads, keeping their order.
fn read_and_analyse(jobs: Vec<(PathBuf, FileId)>, workers: usize) -> Vec<Analysed> {
    let analyse = |index: usize| {
        let (path, id) = &jobs[index];
        let result = files::read_text(path).and_then(|text| {
            let language = match FileKind::of(path) {
                Some(FileKind::Prisma) => Language::Prisma,
                _ => Language::Sql,
            };
            catch_unwind(AssertUnwindSafe(|| {
                FileData::new(*id, path.clone(), language, text)
            }))
            .map_err(|panic| format!("internal error while analysing: {}", panic_message(&panic)))
        });
        (path.clone(), result)
    };
    crate::parallel::map(jobs.len(), workers, analyse)
}

/// The message of a caught panic.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::scratch::ScratchDir;

    fn whole(path: &Path, text: &str, version: i32) -> Change {
        Change::Open {
            path: path.to_path_buf(),
            language: None,
            version,
            text: text.to_string(),
        }
    }

    /// A change replacing bytes `start..end` of `text`, in UTF-16 positions as an editor sends.
    fn replace(text: &mut String, start: usize, end: usize, new: &str) -> TextChange {
        // Lines as LSP counts them: a lone `\r` ends one too.
        let lines = LineIndex::new(text);
        let position = |offset: usize| lines.line_col(offset as u32, PositionEncoding::Utf16);
        let range = Some((position(start), position(end)));
        text.replace_range(start..end, new);
        TextChange {
            range,
            text: new.to_string(),
        }
    }

    fn rules_of(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.rule).collect()
    }

    /// Before the checks, an edited document's new text and trees are shown with the findings
    /// of the last commit; the commit then reuses that analysis. A new document waits for it.
    #[test]
    fn edited_documents_are_analysed_before_their_checks() {
        let scratch = ScratchDir::new("host-syntax");
        let schema = scratch.path().join("schema.sql");
        let mut text = String::from("CREATE TABLE events (id bigint PRIMARY KEY, at timestamp);\n");
        let mut host = Host::new(PositionEncoding::Utf16, None);
        host.apply(whole(&schema, &text, 1));
        let last = host.commit().snapshot;
        assert!(host.syntax_snapshot(&last).is_none(), "nothing was edited");
        let rule = "timestamp-without-time-zone";
        assert!(rules_of(&last.file(&schema).unwrap().diagnostics).contains(&rule));

        let at = text.find("timestamp)").unwrap();
        let edit = replace(&mut text, at, at + "timestamp".len(), "timestamptz");
        host.apply(Change::Edit {
            path: schema.clone(),
            version: 2,
            edits: vec![edit],
        });
        let early = host
            .syntax_snapshot(&last)
            .expect("the edit is analysed early");
        let view = early.file(&schema).unwrap();
        assert_eq!(&*view.data.text, text.as_str());
        assert_eq!(view.version, Some(2));
        assert!(
            rules_of(&view.diagnostics).contains(&rule),
            "not checked yet"
        );
        let checked = host.commit().snapshot;
        let committed = checked.file(&schema).unwrap();
        assert!(Arc::ptr_eq(&committed.data, &view.data), "analysed once");
        assert!(!rules_of(&committed.diagnostics).contains(&rule));

        let other = scratch.path().join("other.sql");
        host.apply(whole(
            &other,
            "CREATE TABLE t (id bigint PRIMARY KEY);\n",
            1,
        ));
        assert!(host.syntax_snapshot(&checked).is_none(), "a new document");
    }

    /// Newer changes stop a commit before a source's check or between its model and its rules;
    /// the next commit checks what it left, from where the last finished check was.
    #[test]
    fn a_commit_that_newer_changes_stop_leaves_its_checks_to_the_next() {
        let scratch = ScratchDir::new("host-interrupted");
        let schema = scratch.path().join("schema.sql");
        let mut text = String::from(
            "CREATE TABLE events (id bigint PRIMARY KEY, at timestamp);\n\
             CREATE TABLE notes (id bigint PRIMARY KEY, body varchar(255));\n",
        );
        let mut host = Host::new(PositionEncoding::Utf16, None);
        host.apply(whole(&schema, &text, 1));
        assert!(host.commit().complete);
        let timestamp = "timestamp-without-time-zone";
        // Stopped at once, then after the model is built.
        for calls_before_the_stop in [0, 1] {
            let at = text.find("timestamp)").unwrap();
            let edit = replace(&mut text, at, at + "timestamp".len(), "timestamptz");
            host.apply(Change::Edit {
                path: schema.clone(),
                version: 2 + calls_before_the_stop,
                edits: vec![edit],
            });
            let calls = std::cell::Cell::new(0);
            let stopped = host.commit_unless(&|| {
                calls.set(calls.get() + 1);
                calls.get() > calls_before_the_stop
            });
            assert!(!stopped.complete);
            let view = stopped.snapshot.file(&schema).unwrap();
            assert_eq!(&*view.data.text, text.as_str(), "the edit is analysed");
            assert!(
                rules_of(&view.diagnostics).contains(&timestamp),
                "not checked"
            );

            let finished = host.commit();
            assert!(finished.complete);
            assert!(finished.changed.contains(&schema));
            let found = &finished.snapshot.file(&schema).unwrap().diagnostics;
            assert!(!rules_of(found).contains(&timestamp));
            let mut fresh = Host::new(PositionEncoding::Utf16, None);
            fresh.apply(whole(&schema, &text, 1));
            let expected = fresh.commit().snapshot;
            assert_eq!(found, &expected.file(&schema).unwrap().diagnostics);
            let at = text.find("timestamptz)").unwrap();
            let undo = replace(&mut text, at, at + "timestamptz".len(), "timestamp");
            host.apply(Change::Edit {
                path: schema.clone(),
                version: 10 + calls_before_the_stop,
                edits: vec![undo],
            });
            assert!(host.commit().complete);
        }
    }

    #[test]
    fn edits_of_documents_in_other_languages_are_ignored_quietly() {
        let scratch = ScratchDir::new("host-foreign");
        let notes = scratch.path().join("notes.txt");
        let mut host = Host::new(PositionEncoding::Utf16, None);
        host.apply(whole(&notes, "plain text", 1));
        let mut text = String::from("plain text");
        let edit = replace(&mut text, 0, 5, "other");
        host.apply(Change::Edit {
            path: notes.clone(),
            version: 2,
            edits: vec![edit.clone()],
        });
        assert!(host.commit().notices.is_empty());
        host.apply(Change::Close {
            path: notes.clone(),
        });
        // Closed: a change now is a client's mistake worth a line in the log.
        host.apply(Change::Edit {
            path: notes,
            version: 3,
            edits: vec![edit],
        });
        assert_eq!(host.commit().notices.len(), 1);
    }

    #[test]
    fn incremental_analysis_matches_a_fresh_one() {
        let scratch = ScratchDir::new("host-incremental");
        let path = scratch.path().join("schema.sql");
        let mut text = String::from(
            "-- é中😀\r\nCREATE TABLE a (id bigint PRIMARY KEY, at timestamp);\r\nCREATE TABLE b (id int);\r\nCREATE INDEX ON a (at);\r\n",
        );
        let mut host = Host::new(PositionEncoding::Utf16, None);
        host.apply(whole(&path, &text, 1));
        host.commit();
        let steps: Vec<(&str, &str)> = vec![
            ("bigint PRIMARY", "bigint  PRIMARY"),
            ("b (id int)", "b (id int, price float)"),
            // Joins two statements, then splits them again.
            ("int, price float);", "int, price float)"),
            ("int, price float)", "int, price float);"),
            ("timestamp", "timestamp😀"),
            ("timestamp😀", "timestamptz"),
            ("-- é中😀\r\n", ""),
            ("CREATE INDEX", "CREATE TABLE c (x int); CREATE INDEX"),
            // Brackets never closed cut the text before the next statement line; a lone `\r`
            // above moves the line a message names; closing them joins the parts again.
            (
                "CREATE TABLE c (x int);",
                "CREATE TABLE c (x int CHECK ((((((((((((\r\nCREATE TABLE d (y int);",
            ),
            ("CREATE TABLE a", "\rCREATE TABLE a"),
            ("((((((((((((\r\n", "x > 0));\r\n"),
        ];
        for (version, (old, new)) in steps.into_iter().enumerate() {
            let start = text.find(old).unwrap();
            let edit = replace(&mut text, start, start + old.len(), new);
            let path_clone = path.clone();
            host.apply(Change::Edit {
                path: path_clone,
                version: version as i32 + 2,
                edits: vec![edit],
            });
            let commit = host.commit();
            let file = commit.snapshot.file(&path).unwrap();
            assert_eq!(*file.data.text, text);
            let fresh = FileData::new(
                file.data.id,
                path.clone(),
                Language::Sql,
                Arc::new(text.clone()),
            );
            let placed = |data: &FileData| -> Vec<(u32, crate::lower::LoweredStatement)> {
                data.statements
                    .iter()
                    .map(|s| (s.start, (*s.lowered).clone()))
                    .collect()
            };
            assert_eq!(
                placed(&file.data),
                placed(&fresh),
                "after replacing {old:?} by {new:?}"
            );
            let sexps = |data: &FileData| {
                data.syntax
                    .statements()
                    .map(|node| node.to_sexp())
                    .collect::<Vec<_>>()
            };
            assert_eq!(sexps(&file.data), sexps(&fresh));
            assert_eq!(file.data.syntax_errors, fresh.syntax_errors);
            assert_eq!(file.data.suppressions, fresh.suppressions);
            let (_, expected) = check_source(
                &[SourceMember {
                    file: &fresh,
                    history: crate::model::History::Schema,
                    beside_other_schemas: false,
                }],
                &Arc::new(Config::default()),
                &Selection::default(),
                &mut SourceCache::default(),
                &|| false,
            )
            .unwrap();
            assert_eq!(*file.diagnostics, *expected);
        }
    }

    #[test]
    fn an_edit_rechecks_the_other_files_of_its_source() {
        let scratch = ScratchDir::new("host-source");
        scratch.write(
            "db/001_users.sql",
            "CREATE TABLE users (id bigint PRIMARY KEY);\n",
        );
        let posts = scratch.write(
            "db/002_posts.sql",
            "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\n",
        );
        scratch.write("other.sql", "CREATE TABLE lonely (at timestamp);\n");
        let root = scratch.path().to_path_buf();
        let mut host = Host::new(PositionEncoding::Utf16, None);
        host.add_folder(&root);
        let commit = host.commit();
        let fk = "foreign-key-without-index";
        let has_fk = |commit: &Commit| {
            rules_of(&commit.snapshot.file(&posts).unwrap().diagnostics).contains(&fk)
        };
        assert!(has_fk(&commit));

        // A new migration adds the index: its own file comes first, then the one it fixes.
        let index = root.join("db/003_index.sql");
        host.apply(whole(&index, "", 1));
        host.commit();
        let mut text = String::new();
        let edit = replace(&mut text, 0, 0, "CREATE INDEX ON posts (user_id);\n");
        host.apply(Change::Edit {
            path: index.clone(),
            version: 2,
            edits: vec![edit],
        });
        let commit = host.commit();
        assert_eq!(commit.changed, [index.clone(), posts.clone()]);
        assert!(!has_fk(&commit));

        // An edit that changes nothing for the other files reports only itself.
        let edit = replace(&mut text, 0, 0, "-- index\n");
        host.apply(Change::Edit {
            path: index.clone(),
            version: 3,
            edits: vec![edit],
        });
        let commit = host.commit();
        assert_eq!(commit.changed, std::slice::from_ref(&index));

        // Closing a file that is not on disk removes it, and the diagnostic comes back.
        host.apply(Change::Close {
            path: index.clone(),
        });
        let commit = host.commit();
        assert_eq!(commit.removed, std::slice::from_ref(&index));
        assert!(commit.snapshot.file(&index).is_none());
        assert!(has_fk(&commit));
        // The standalone file is a source of its own, checked all along.
        let lonely = commit.snapshot.file(&root.join("other.sql")).unwrap();
        let lonely = rules_of(&lonely.diagnostics);
        assert!(
            lonely.contains(&"missing-primary-key") && !lonely.contains(&fk),
            "{lonely:?}"
        );
    }

    /// A directory of two schema files, a table's and its key's, the second open in the host.
    struct TableAndKeyFiles {
        _scratch: ScratchDir,
        host: Host,
        tables: PathBuf,
        keys: PathBuf,
        keys_text: String,
        version: i32,
    }

    impl TableAndKeyFiles {
        fn new(name: &str, keys_text: &str) -> Self {
            let scratch = ScratchDir::new(name);
            let tables = scratch.write(
                "schema/CreateTables.sql",
                "CREATE TABLE artist (id bigint NOT NULL, name text NOT NULL);\n",
            );
            let keys = scratch.write("schema/CreatePrimaryKeys.sql", keys_text);
            let mut host = Host::new(PositionEncoding::Utf16, None);
            host.add_folder(scratch.path());
            host.apply(whole(&keys, keys_text, 1));
            TableAndKeyFiles {
                _scratch: scratch,
                host,
                tables,
                keys,
                keys_text: keys_text.to_string(),
                version: 1,
            }
        }

        /// Whether the table misses its key, and whether this commit rechecked its file.
        fn commit(&mut self) -> (bool, bool) {
            let commit = self.host.commit();
            let file = commit.snapshot.file(&self.tables).unwrap();
            let missing_key = rules_of(&file.diagnostics).contains(&"missing-primary-key");
            (missing_key, commit.changed.contains(&self.tables))
        }

        fn edit_keys(&mut self, start: usize, end: usize, new: &str) {
            self.version += 1;
            let edit = replace(&mut self.keys_text, start, end, new);
            self.host.apply(Change::Edit {
                path: self.keys.clone(),
                version: self.version,
                edits: vec![edit],
            });
        }

        fn replace_in_keys(&mut self, old: &str, new: &str) {
            let start = self.keys_text.find(old).unwrap();
            self.edit_keys(start, start + old.len(), new);
        }
    }

    #[test]
    fn schema_files_of_one_directory_link_and_unlink_as_they_are_edited() {
        let mut files =
            TableAndKeyFiles::new("host-linking", "ALTER TABLE artist ADD PRIMARY KEY (id);\n");
        assert!(!files.commit().0);

        // The key now goes to another table: the files no longer depend on each other.
        files.replace_in_keys("artist", "label");
        assert_eq!(files.commit(), (true, true));

        files.replace_in_keys("label", "artist");
        assert!(!files.commit().0);
    }

    /// A file links to the sibling that explains at least half of the names it uses: removing
    /// uses of names no sibling knows links it all the same (found by the edits fuzz target).
    #[test]
    fn uses_of_names_no_sibling_knows_link_and_unlink_files_too() {
        let others =
            "ALTER TABLE label ADD PRIMARY KEY (id);\nALTER TABLE track ADD PRIMARY KEY (id);\n";
        let mut files = TableAndKeyFiles::new(
            "host-linking-uses",
            &format!("ALTER TABLE artist ADD PRIMARY KEY (id);\n{others}"),
        );
        // One of three names explained: the files stay apart.
        assert!(files.commit().0);

        files.replace_in_keys(others, "");
        assert!(!files.commit().0);

        let end = files.keys_text.len();
        files.edit_keys(end, end, others);
        assert!(files.commit().0);
    }

    #[test]
    fn the_editor_text_wins_over_the_disk_until_closed() {
        let scratch = ScratchDir::new("host-disk");
        let path = scratch.write("a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
        let mut host = Host::new(PositionEncoding::Utf8, None);
        host.add_folder(scratch.path());
        host.commit();
        host.apply(whole(&path, "CREATE TABLE a (at timestamp);\n", 4));
        std::fs::write(&path, "CREATE TABLE a (id bigint PRIMARY KEY, b float);\n").unwrap();
        host.apply(Change::Disk(vec![DiskEvent {
            path: path.clone(),
            change: DiskChange::Changed,
        }]));
        let commit = host.commit();
        let file = commit.snapshot.file(&path).unwrap();
        assert_eq!(file.version, Some(4));
        assert_eq!(&*file.data.text, "CREATE TABLE a (at timestamp);\n");
        host.apply(Change::Close { path: path.clone() });
        let commit = host.commit();
        let file = commit.snapshot.file(&path).unwrap();
        assert_eq!(file.version, None);
        assert_eq!(
            &*file.data.text,
            "CREATE TABLE a (id bigint PRIMARY KEY, b float);\n"
        );
    }

    /// A snapshot starts from the last one's maps, and never changes once made: a request that
    /// still reads the old one sees the files as they were.
    #[test]
    fn a_snapshot_keeps_the_files_of_its_commit() {
        let scratch = ScratchDir::new("host-snapshots");
        let a = scratch.write("a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
        let b = scratch.write("b.sql", "CREATE TABLE b (id bigint PRIMARY KEY);\n");
        let mut host = Host::new(PositionEncoding::Utf8, None);
        host.add_folder(scratch.path());
        let first = host.commit().snapshot;
        let b_id = first.file(&b).unwrap().data.id;

        std::fs::remove_file(&b).unwrap();
        host.apply(Change::Disk(vec![DiskEvent {
            path: b.clone(),
            change: DiskChange::Deleted,
        }]));
        host.apply(whole(&a, "CREATE TABLE a (at timestamp);\n", 2));
        let second = host.commit().snapshot;
        assert!(second.file(&b).is_none());
        assert!(second.file_by_id(b_id).is_none());
        assert_eq!(second.files().count(), 1);
        assert_eq!(second.file(&a).unwrap().version, Some(2));

        assert_eq!(first.files().count(), 2);
        assert_eq!(first.file_by_id(b_id).unwrap().data.path, b);
        assert_eq!(first.file(&a).unwrap().version, None);

        // Back on disk, the file is known again, under a new id.
        std::fs::write(&b, "CREATE TABLE b (n int);\n").unwrap();
        host.apply(Change::Disk(vec![DiskEvent {
            path: b.clone(),
            change: DiskChange::Created,
        }]));
        let third = host.commit().snapshot;
        let back = third.file(&b).unwrap();
        assert_eq!(&*back.data.text, "CREATE TABLE b (n int);\n");
        assert_eq!(third.file_by_id(back.data.id).unwrap().data.path, b);
        assert!(second.file(&b).is_none());
    }

    /// A checkout changes many files at once: each is analysed again (on several threads), an
    /// open one from the editor's text, and the findings follow every new text.
    #[test]
    fn files_changed_on_disk_at_once_are_each_analysed_again() {
        let scratch = ScratchDir::new("host-checkout");
        let paths: Vec<PathBuf> = (0..6)
            .map(|n| {
                scratch.write(
                    &format!("t{n}.sql"),
                    &format!("CREATE TABLE t{n} (a int);\n"),
                )
            })
            .collect();
        let mut host = Host::new(PositionEncoding::Utf8, None);
        host.add_folder(scratch.path());
        host.commit();
        let open = &paths[0];
        host.apply(whole(open, "CREATE TABLE t0 (b int);\n", 2));
        host.commit();
        let mut events = Vec::new();
        for (n, path) in paths.iter().enumerate() {
            std::fs::write(path, format!("CREATE TABLE t{n} (a int, at timestamp);\n")).unwrap();
            events.push(DiskEvent {
                path: path.clone(),
                change: DiskChange::Changed,
            });
        }
        host.apply(Change::Disk(events));
        let commit = host.commit();
        for (n, path) in paths.iter().enumerate() {
            let file = commit.snapshot.file(path).unwrap();
            let timestamp = rules_of(&file.diagnostics).contains(&"timestamp-without-time-zone");
            if n == 0 {
                assert_eq!(&*file.data.text, "CREATE TABLE t0 (b int);\n");
                assert!(!timestamp);
            } else {
                assert!(file.data.text.contains("at timestamp"), "{n}");
                assert!(timestamp, "{n}: {:?}", rules_of(&file.diagnostics));
            }
        }
    }

    /// Found by the `edits` fuzz target: after these edits tree-sitter's incremental parse ended
    /// an error before a `;` that a fresh parse takes into it, and the chunks were cut after that
    /// `;`, so the edited document reported an error a fresh open does not.
    #[test]
    fn where_error_recovery_ends_does_not_cut_the_text() {
        let scratch = ScratchDir::new("host-recovery");
        let path = scratch.path().join("schema.sql");
        let mut text = String::from(
            "CREATE TABLE(ES t (id)EATE POLIC\n--oli\u{fffd}\u{00e9}\u{fffd}`ments_owner` has no effect\n    USING(o]m\"d Int Toun  bgc1 tc1   c    c18 text,\n    c19 t \u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}CREATEt (int);\u{fffd}\u{00fd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\"tstamp\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}`EFEt (id)'\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd} TABLEt AD'c tt;\u{fffd}\u{00e9}",
        );
        let mut host = Host::new(PositionEncoding::Utf16, None);
        host.apply(whole(&path, &text, 1));
        host.commit();
        for (version, (start, end, new)) in [(112, 130, ";"), (13, 32, "")].into_iter().enumerate()
        {
            let edit = replace(&mut text, start, end, new);
            host.apply(Change::Edit {
                path: path.clone(),
                version: version as i32 + 2,
                edits: vec![edit],
            });
            host.commit();
        }
        let edited = host.commit().snapshot;
        let mut fresh = Host::new(PositionEncoding::Utf16, None);
        fresh.apply(whole(&path, &text, 1));
        let expected = fresh.commit().snapshot;
        assert_eq!(
            edited.file(&path).unwrap().diagnostics,
            expected.file(&path).unwrap().diagnostics
        );
    }
}
