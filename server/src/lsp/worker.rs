//! The host thread: takes the queued changes in order, applies them to the [`Host`] a batch at a
//! time, publishes each batch's snapshot for requests, and the diagnostics that changed for the
//! client. Results computed for a version that is already superseded (more changes are waiting
//! in the queue) are not published; the next batch publishes them. A batch's checks stop as
//! soon as newer changes are queued (`Host::commit_unless`): the next batch checks what they
//! left, with the newer changes.
//!
//! A large workspace folder is read in the background, a part at a time, while nothing waits in
//! the queue: the documents the editor opens are checked, and requests on them answered, between
//! two parts, and the folder's files are checked once all are read (or with the next change).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use tokio::sync::{mpsc as channel, watch};
use tower_lsp_server::ls_types::{self as lsp, MessageType, Uri};

use super::proto::to_proto;
use super::settings::Settings;
use crate::text::PositionEncoding;
use crate::workspace::host::{Change, Commit, Host, NoticeLevel, Snapshot, panic_message};

/// What the protocol side hands the host thread.
pub(crate) enum Queued {
    /// From `initialize`: how to set up the host.
    Start(Setup),
    /// From `initialized`: read the workspace.
    Initialized,
    /// `uri` is the client's spelling of an opened document's URI, used when publishing for it.
    Change { uri: Option<Uri>, change: Change },
    Folders {
        added: Vec<PathBuf>,
        removed: Vec<PathBuf>,
    },
    /// A change to the document could not be applied: the host's copy no longer matches the
    /// editor's.
    OutOfSync { uri: Uri, reason: String },
    /// `workspace/didChangeConfiguration`.
    Settings(Settings),
}

pub(crate) struct Setup {
    pub(crate) encoding: PositionEncoding,
    pub(crate) settings: Settings,
    pub(crate) folders: Vec<PathBuf>,
    /// The client shows `$/progress` work-done progress.
    pub(crate) progress: bool,
    /// The client watches files for us when asked to (dynamic registration).
    pub(crate) watch_files: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`) and can be asked to pull again:
    /// none are pushed for schema files, and a change sends `workspace/diagnostic/refresh`.
    pub(crate) pull_diagnostics: bool,
}

/// A snapshot and how many queued messages it includes.
#[derive(Clone, Default)]
pub(crate) struct Published {
    pub(crate) seq: u64,
    pub(crate) snapshot: Option<Arc<Snapshot>>,
    /// While a commit checks: a snapshot with the files its messages edited analysed again,
    /// their findings not yet (see `Host::syntax_snapshot`), and how many messages it includes.
    pub(crate) syntax_seq: u64,
    pub(crate) syntax: Option<Arc<Snapshot>>,
    /// Documents whose copy no longer matches the editor's: requests on them are not answered
    /// from it.
    pub(crate) out_of_sync: Arc<HashSet<PathBuf>>,
}

/// What the host thread asks the client task to send.
pub(crate) enum Outgoing {
    Diagnostics {
        uri: Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    },
    Message {
        level: MessageType,
        text: String,
        show: bool,
    },
    ProgressBegin {
        title: String,
    },
    ProgressReport {
        percentage: u32,
        message: String,
    },
    ProgressEnd,
    WatchFiles,
    /// Diagnostics changed: a client that pulls them should pull again.
    RefreshDiagnostics,
}

/// Folders with fewer files load without a progress report.
const PROGRESS_FROM_FILES: usize = 50;

/// Folders with more files, or more bytes, load in the background, a part at a time: the
/// documents the editor opens meanwhile are checked, and requests answered, between two parts.
/// A smaller folder loads at once (in tens of milliseconds), so that the first requests see all
/// of it. One large schema is enough to go to the background: a file opened beside GitLab's
/// 2.7 MB schema got its diagnostics after that schema's parse and check (240-300 ms), and now
/// gets them first (25-33 ms).
const BACKGROUND_FROM_FILES: usize = 1000;
const BACKGROUND_FROM_BYTES: u64 = 1024 * 1024;

/// At most this many files, and bytes (but at least one file), are read between two looks at the
/// queue while a folder loads in the background.
const LOAD_PART: usize = 128;
const LOAD_PART_BYTES: u64 = 1024 * 1024;

/// Runs the host thread until the queue is dropped.
/// `sent` counts what the protocol side queued, so that a check can stop when newer changes
/// wait.
pub(crate) fn run(
    queue: mpsc::Receiver<Queued>,
    sent: Arc<AtomicU64>,
    out: channel::UnboundedSender<Outgoing>,
    snapshots: watch::Sender<Published>,
) {
    let mut worker = Worker {
        state: None,
        early: Vec::new(),
        out,
        uris: HashMap::new(),
        versions: HashMap::new(),
        out_of_sync: HashMap::new(),
        unpublished: Vec::new(),
        removed: Vec::new(),
        config_problems: BTreeMap::new(),
        adopted_roots: Vec::new(),
        loads: VecDeque::new(),
    };
    let mut waiting: VecDeque<Queued> = VecDeque::new();
    let mut seq = 0;
    // How many messages were taken from the queue.
    let mut taken: u64 = 0;
    let mut memory = crate::chores::MemoryRelease::default();
    loop {
        let first = match waiting.pop_front() {
            Some(message) => Some(message),
            // A folder loading in the background goes on while nothing else is queued.
            None if worker.is_loading() => match queue.try_recv() {
                Ok(message) => {
                    taken += 1;
                    Some(message)
                }
                Err(mpsc::TryRecvError::Empty) => None,
                Err(mpsc::TryRecvError::Disconnected) => return,
            },
            None => match memory.wait_for_message(&queue) {
                Ok(Some(message)) => {
                    taken += 1;
                    Some(message)
                }
                Ok(None) => continue,
                Err(mpsc::RecvError) => return,
            },
        };
        match first {
            Some(first) => {
                let mut batch = vec![first];
                batch.extend(waiting.drain(..));
                let before = batch.len();
                batch.extend(queue.try_iter());
                taken += (batch.len() - before) as u64;
                for message in batch {
                    seq += worker.handle(message);
                }
            }
            None => {
                worker.load_part();
                // The parts read so far are checked with the next change, or once all is read.
                if worker.is_loading() {
                    continue;
                }
            }
        }
        if let Some(syntax) = worker.syntax_snapshot() {
            let out_of_sync = Arc::new(worker.out_of_sync.keys().cloned().collect());
            snapshots.send_modify(|published| {
                published.syntax_seq = seq;
                published.syntax = Some(syntax);
                published.out_of_sync = out_of_sync;
            });
        }
        let interrupted = || sent.load(Ordering::SeqCst) > taken;
        let (snapshot, complete) = worker.commit(&interrupted);
        let out_of_sync = Arc::new(worker.out_of_sync.keys().cloned().collect());
        if complete {
            // The published snapshot it replaces may hold the last reference to the old model.
            crate::chores::drop_in_background(snapshots.send_replace(Published {
                seq,
                snapshot,
                syntax_seq: seq,
                syntax: None,
                out_of_sync,
            }));
        } else {
            // Newer changes stopped the checks: requests that read the texts only are answered
            // from what this commit analysed; those that read findings wait for a commit that
            // finishes.
            snapshots.send_modify(|published| {
                published.syntax_seq = seq;
                published.syntax = snapshot;
                published.out_of_sync = out_of_sync;
            });
        }
        let before = waiting.len();
        waiting.extend(queue.try_iter());
        taken += (waiting.len() - before) as u64;
        // A stopped commit's findings are partly those of older texts: never published.
        if complete
            && waiting.is_empty()
            && let Err(panic) = catch_unwind(AssertUnwindSafe(|| worker.publish()))
        {
            let message = format!(
                "ddlint: internal error while publishing diagnostics: {}",
                panic_message(&*panic)
            );
            worker.tell(NoticeLevel::Error, message, true);
        }
        let before = waiting.len();
        waiting.extend(queue.try_iter());
        taken += (waiting.len() - before) as u64;
        if waiting.is_empty() {
            worker.prepare_next_commit();
            memory.idle();
        }
    }
}

struct State {
    host: Host,
    setup: Setup,
    snapshot: Option<Arc<Snapshot>>,
}

struct Worker {
    state: Option<State>,
    /// Messages that arrived before `Start`: the `initialize` handler queues `Start` when it
    /// runs, which may be after the layer queued the notifications that follow it.
    early: Vec<Queued>,
    out: channel::UnboundedSender<Outgoing>,
    /// The URIs the client opened documents with, by host key.
    uris: HashMap<PathBuf, Uri>,
    /// The version of each open document's last change.
    versions: HashMap<PathBuf, i32>,
    /// Documents whose copy is out of sync, with the URI to clear: not checked (their
    /// diagnostics are not published) until the editor opens them again or sends their whole
    /// text. LSP has no request for a document's text.
    out_of_sync: HashMap<PathBuf, Uri>,
    /// Files whose diagnostics changed since they were last published.
    unpublished: Vec<PathBuf>,
    removed: Vec<PathBuf>,
    /// The problems published for each `ddlint.toml`.
    config_problems: BTreeMap<PathBuf, String>,
    /// Without workspace folders from the client: the project folders read around the files
    /// it opened (see `workspace::project_root`).
    adopted_roots: Vec<PathBuf>,
    /// Large folders being read in the background, in order.
    loads: VecDeque<Load>,
}

/// A folder being read a part at a time.
struct Load {
    root: PathBuf,
    paths: Vec<PathBuf>,
    read: usize,
    /// Progress is reported for it.
    reporting: bool,
}

impl Load {
    /// Reads the next part; true once every file is read.
    fn read_part(&mut self, host: &mut Host, out: &channel::UnboundedSender<Outgoing>) -> bool {
        let mut end = self.read;
        let mut bytes = 0;
        while end < self.paths.len() && end - self.read < LOAD_PART && bytes < LOAD_PART_BYTES {
            bytes += file_size(&self.paths[end]);
            end += 1;
        }
        host.read_files(&self.paths[self.read..end]);
        self.read = end;
        let total = self.paths.len();
        if self.reporting {
            let _ = out.send(Outgoing::ProgressReport {
                percentage: (end * 100 / total.max(1)) as u32,
                message: format!("{end}/{total} files"),
            });
        }
        let done = end == total;
        if done {
            self.end(out);
        }
        done
    }

    fn end(&mut self, out: &channel::UnboundedSender<Outgoing>) {
        if std::mem::take(&mut self.reporting) {
            let _ = out.send(Outgoing::ProgressEnd);
        }
    }
}

impl Worker {
    /// Applies a message; returns how many queued messages are now applied (none while waiting
    /// for `Start`, the waiting ones too once it comes).
    fn handle(&mut self, message: Queued) -> u64 {
        if self.state.is_none() {
            let Queued::Start(setup) = message else {
                self.early.push(message);
                return 0;
            };
            let mut host = Host::new(setup.encoding, setup.settings.erd_hover);
            host.configure(setup.settings.erd_hover, setup.settings.overrides.clone());
            report_settings_problems(&self.out, &setup.settings);
            self.state = Some(State {
                host,
                setup,
                snapshot: None,
            });
            let early = std::mem::take(&mut self.early);
            let count = early.len() as u64;
            for message in early {
                self.apply(message);
            }
            return count + 1;
        }
        self.apply(message);
        1
    }

    fn apply(&mut self, message: Queued) {
        let Some(state) = &mut self.state else { return };
        let out = &self.out;
        let applied = catch_unwind(AssertUnwindSafe(|| match message {
            Queued::Start(_) => {}
            Queued::Initialized => {
                if state.setup.watch_files {
                    let _ = out.send(Outgoing::WatchFiles);
                }
                for folder in state.setup.folders.clone() {
                    let load = load_folder(&mut state.host, &folder, state.setup.progress, out);
                    self.loads.extend(load);
                }
            }
            Queued::Change { uri, change } => {
                if let (Some(uri), Change::Open { path, .. }) = (uri, &change) {
                    self.uris.insert(path.clone(), uri);
                }
                if let Change::Open { path, .. } = &change
                    && state.setup.folders.is_empty()
                    && !self.adopted_roots.iter().any(|root| path.starts_with(root))
                    && let Some(root) = crate::workspace::project_root(path)
                {
                    let load = load_folder(&mut state.host, &root, state.setup.progress, out);
                    self.loads.extend(load);
                    self.adopted_roots.push(root);
                }
                let path = match &change {
                    Change::Open { path, .. } | Change::Edit { path, .. } => Some(path.clone()),
                    _ => None,
                };
                let was_out = path
                    .as_ref()
                    .is_some_and(|p| self.out_of_sync.contains_key(p));
                if let Some(change) = in_sync(
                    change,
                    &mut self.versions,
                    &mut self.out_of_sync,
                    &self.uris,
                    out,
                ) {
                    state.host.apply(change);
                }
                // Back in sync: publish even if the diagnostics did not change.
                if let Some(path) = path
                    && was_out
                    && !self.out_of_sync.contains_key(&path)
                    && !self.unpublished.contains(&path)
                {
                    self.unpublished.push(path);
                }
            }
            Queued::OutOfSync { uri, reason } => {
                if let Some(path) = super::proto::from_proto::path(&uri) {
                    lose_sync(&path, uri, &reason, &mut self.out_of_sync, out);
                }
            }
            Queued::Settings(settings) => {
                state
                    .host
                    .configure(settings.erd_hover, settings.overrides.clone());
                report_settings_problems(out, &settings);
            }
            Queued::Folders { added, removed } => {
                for folder in removed {
                    for load in self.loads.iter_mut().filter(|load| load.root == folder) {
                        load.end(out);
                    }
                    self.loads.retain(|load| load.root != folder);
                    state.host.remove_folder(&folder);
                }
                for folder in added {
                    let load = load_folder(&mut state.host, &folder, state.setup.progress, out);
                    self.loads.extend(load);
                }
            }
        }));
        if let Err(panic) = applied {
            self.tell(
                NoticeLevel::Error,
                format!(
                    "ddlint: internal error while applying a change: {}",
                    panic_message(&*panic)
                ),
                true,
            );
        }
    }

    fn is_loading(&self) -> bool {
        !self.loads.is_empty()
    }

    /// Reads the next part of the first folder loading in the background.
    fn load_part(&mut self) {
        let (Some(state), Some(load)) = (&mut self.state, self.loads.front_mut()) else {
            self.loads.clear();
            return;
        };
        let out = &self.out;
        match catch_unwind(AssertUnwindSafe(|| load.read_part(&mut state.host, out))) {
            Ok(false) => {}
            Ok(true) => {
                self.loads.pop_front();
            }
            Err(panic) => {
                load.end(out);
                self.loads.pop_front();
                let message = format!(
                    "ddlint: internal error while reading the workspace: {}",
                    panic_message(&*panic)
                );
                self.tell(NoticeLevel::Error, message, true);
            }
        }
    }

    fn prepare_next_commit(&mut self) {
        if let Some(state) = self.state.as_mut() {
            let outcome = catch_unwind(AssertUnwindSafe(|| state.host.prepare_next_commit()));
            self.survived("preparing the next check", outcome);
        }
    }

    /// What the host's work returned, or `None` after telling the user it panicked while
    /// `doing` something.
    fn survived<T>(&self, doing: &str, outcome: std::thread::Result<T>) -> Option<T> {
        match outcome {
            Ok(value) => Some(value),
            Err(panic) => {
                let message = format!(
                    "ddlint: internal error while {doing}: {}",
                    panic_message(&*panic)
                );
                self.tell(NoticeLevel::Error, message, true);
                None
            }
        }
    }

    /// The edited files analysed again ahead of the commit's checks, for requests that read
    /// only them; `None` if there is nothing to show early.
    fn syntax_snapshot(&mut self) -> Option<Arc<Snapshot>> {
        let state = self.state.as_mut()?;
        let last = state.snapshot.as_ref()?;
        let outcome = catch_unwind(AssertUnwindSafe(|| state.host.syntax_snapshot(last)));
        self.survived("analysing an edit", outcome).flatten()
    }

    /// The snapshot of a commit, and whether it checked everything (see
    /// `Host::commit_unless`).
    fn commit(&mut self, interrupted: &dyn Fn() -> bool) -> (Option<Arc<Snapshot>>, bool) {
        let Some(state) = self.state.as_mut() else {
            return (None, true);
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| state.host.commit_unless(interrupted)));
        let Some(commit) = self.survived("checking", outcome) else {
            let last = self.state.as_ref().and_then(|state| state.snapshot.clone());
            return (last, true);
        };
        let Some(state) = self.state.as_mut() else {
            return (None, true);
        };
        let Commit {
            snapshot,
            changed,
            removed,
            notices,
            complete,
        } = commit;
        // The previous snapshot may hold the last reference to large data (the old model).
        crate::chores::drop_in_background(state.snapshot.replace(Arc::clone(&snapshot)));
        for notice in notices {
            self.tell(notice.level, notice.message, notice.show);
        }
        // A set, not `Vec::contains`: a folder that loads changes thousands of files at once.
        let mut queued: HashSet<PathBuf> = self.unpublished.iter().cloned().collect();
        for path in changed {
            if queued.insert(path.clone()) {
                self.unpublished.push(path);
            }
        }
        self.removed.extend(removed);
        (Some(snapshot), complete)
    }

    /// Sends what changed since the last publication: removed files first (cleared), then the
    /// changed files in the host's order (edited files first).
    fn publish(&mut self) {
        let Some(state) = &self.state else { return };
        let Some(snapshot) = &state.snapshot else {
            return;
        };
        let encoding = state.host.encoding();
        if state.setup.pull_diagnostics {
            let changed = !self.removed.is_empty() || !self.unpublished.is_empty();
            self.removed.clear();
            self.unpublished.clear();
            if changed {
                let _ = self.out.send(Outgoing::RefreshDiagnostics);
            }
            self.publish_config_problems(Arc::clone(snapshot), encoding);
            return;
        }
        for path in std::mem::take(&mut self.removed) {
            if snapshot.file(&path).is_some() {
                continue;
            }
            let uri = self.uris.remove(&path).or_else(|| to_proto::uri(&path));
            if let Some(uri) = uri {
                let _ = self.out.send(Outgoing::Diagnostics {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
        }
        for path in std::mem::take(&mut self.unpublished) {
            if self.out_of_sync.contains_key(&path) {
                continue;
            }
            let Some(file) = snapshot.file(&path) else {
                continue;
            };
            let Some(uri) = self
                .uris
                .get(&path)
                .cloned()
                .or_else(|| to_proto::uri(&path))
            else {
                continue;
            };
            let diagnostics = file
                .diagnostics
                .iter()
                .map(|d| to_proto::diagnostic(snapshot, file, d, encoding))
                .collect();
            let _ = self.out.send(Outgoing::Diagnostics {
                uri,
                diagnostics,
                version: file.version,
            });
        }
        self.publish_config_problems(Arc::clone(snapshot), encoding);
    }

    /// An invalid `ddlint.toml` gets a diagnostic at the problem, and a message when it appears.
    fn publish_config_problems(&mut self, snapshot: Arc<Snapshot>, encoding: PositionEncoding) {
        let mut now: BTreeMap<PathBuf, String> = BTreeMap::new();
        for problem in snapshot.config_problems() {
            let key = format!("{}{:?}", problem.message, problem.range);
            if self.config_problems.get(&problem.path) != Some(&key) {
                let location = match (&problem.lines, problem.range) {
                    (Some(lines), Some(range)) => {
                        let at = lines.line_col(range.start(), PositionEncoding::Utf32);
                        format!(":{}:{}", at.line + 1, at.col + 1)
                    }
                    _ => String::new(),
                };
                let text = format!(
                    "ddlint: {}{location}: {}; the previous settings stay in force until it is fixed",
                    problem.path.display(),
                    problem.message
                );
                self.tell(NoticeLevel::Error, text, true);
                let range = match (&problem.lines, problem.range) {
                    (Some(lines), Some(range)) => to_proto::range(lines, range, encoding),
                    _ => lsp::Range::default(),
                };
                let diagnostic = lsp::Diagnostic {
                    range,
                    severity: Some(lsp::DiagnosticSeverity::ERROR),
                    source: Some("ddlint".to_string()),
                    message: problem.message.clone(),
                    ..lsp::Diagnostic::default()
                };
                self.send_diagnostics(&problem.path, vec![diagnostic]);
            }
            now.insert(problem.path.clone(), key);
        }
        let fixed: Vec<PathBuf> = self
            .config_problems
            .keys()
            .filter(|path| !now.contains_key(*path))
            .cloned()
            .collect();
        for path in fixed {
            self.send_diagnostics(&path, Vec::new());
        }
        self.config_problems = now;
    }

    fn send_diagnostics(&self, path: &Path, diagnostics: Vec<lsp::Diagnostic>) {
        if let Some(uri) = to_proto::uri(path) {
            let _ = self.out.send(Outgoing::Diagnostics {
                uri,
                diagnostics,
                version: None,
            });
        }
    }

    fn tell(&self, level: NoticeLevel, text: String, show: bool) {
        let level = match level {
            NoticeLevel::Error => MessageType::ERROR,
            NoticeLevel::Warning => MessageType::WARNING,
            NoticeLevel::Info => MessageType::INFO,
        };
        let _ = self.out.send(Outgoing::Message { level, text, show });
    }
}

/// The settings the editor sent that could not be used, as one message the user sees.
fn report_settings_problems(out: &channel::UnboundedSender<Outgoing>, settings: &Settings) {
    if !settings.problems.is_empty() {
        let _ = out.send(Outgoing::Message {
            level: MessageType::WARNING,
            text: format!("ddlint: ignored settings: {}", settings.problems.join("; ")),
            show: true,
        });
    }
}

/// The change to apply, if the document is in sync after it: an edit of a document out of sync
/// is dropped unless it sends the whole text, and one whose version is not newer than the last
/// puts the document out of sync.
fn in_sync(
    change: Change,
    versions: &mut HashMap<PathBuf, i32>,
    out_of_sync: &mut HashMap<PathBuf, Uri>,
    uris: &HashMap<PathBuf, Uri>,
    out: &channel::UnboundedSender<Outgoing>,
) -> Option<Change> {
    match change {
        Change::Open {
            ref path, version, ..
        } => {
            versions.insert(path.clone(), version);
            out_of_sync.remove(path);
            Some(change)
        }
        Change::Close { ref path } => {
            versions.remove(path);
            out_of_sync.remove(path);
            Some(change)
        }
        Change::Edit {
            path,
            version,
            mut edits,
        } => {
            let last = versions.insert(path.clone(), version);
            if let Some(last) = last.filter(|last| version <= *last) {
                let uri = uris.get(&path).cloned().or_else(|| to_proto::uri(&path))?;
                let reason = format!("version {version} of it arrived after version {last}");
                lose_sync(&path, uri, &reason, out_of_sync, out);
                return None;
            }
            if out_of_sync.contains_key(&path) {
                // The whole text brings the copy back in sync; edits before it do not matter.
                let whole = edits.iter().rposition(|edit| edit.range.is_none())?;
                edits.drain(..whole);
                out_of_sync.remove(&path);
            }
            Some(Change::Edit {
                path,
                version,
                edits,
            })
        }
        other => Some(other),
    }
}

/// Marks a document out of sync; the first time, tells the user and clears its diagnostics.
fn lose_sync(
    path: &Path,
    uri: Uri,
    reason: &str,
    out_of_sync: &mut HashMap<PathBuf, Uri>,
    out: &channel::UnboundedSender<Outgoing>,
) {
    if out_of_sync
        .insert(path.to_path_buf(), uri.clone())
        .is_some()
    {
        return;
    }
    let text = format!(
        "ddlint: {}: {reason}, so ddlint's copy of the document no longer matches the editor's; \
         it is not checked until it is reopened (or its whole text is sent)",
        path.display()
    );
    let _ = out.send(Outgoing::Message {
        level: MessageType::ERROR,
        text,
        show: true,
    });
    let _ = out.send(Outgoing::Diagnostics {
        uri,
        diagnostics: Vec::new(),
        version: None,
    });
}

/// Starts reading a workspace folder, reporting progress while a large one loads: a small folder
/// is read at once, a large one is returned, to read in the background.
fn load_folder(
    host: &mut Host,
    folder: &Path,
    progress: bool,
    out: &channel::UnboundedSender<Outgoing>,
) -> Option<Load> {
    let paths = host.begin_folder(folder);
    let large = paths.len() >= BACKGROUND_FROM_FILES || {
        let mut bytes = 0;
        paths.iter().any(|path| {
            bytes += file_size(path);
            bytes >= BACKGROUND_FROM_BYTES
        })
    };
    let reporting = progress && (large || paths.len() >= PROGRESS_FROM_FILES);
    if reporting {
        let _ = out.send(Outgoing::ProgressBegin {
            title: "ddlint: reading schema files".to_string(),
        });
    }
    let mut load = Load {
        root: folder.to_path_buf(),
        paths,
        read: 0,
        reporting,
    };
    if large {
        return Some(load);
    }
    while !load.read_part(host, out) {}
    None
}

/// A file's size, 0 when it cannot be read (reading it then says why).
fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |metadata| metadata.len())
}
