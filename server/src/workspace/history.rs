//! History: which migrations already ran somewhere (*applied*), which are still being written
//! (*pending*), and which schema files are generated dumps. A fix never edits an applied
//! migration or a dump; it is written as a new migration instead, named the way the folder's
//! tool names its migrations ([`MigrationConvention`]).
//!
//! A migration counts as applied, by the first of these that is known:
//! 1. `[migrations] applied_through = "<version>"`: every migration whose version is at most
//!    that one.
//! 2. git: every migration committed on the default branch (`[migrations] default_branch`, else
//!    the branch `origin/HEAD` names, else `origin/main`, `origin/master`, `main`, `master`).
//!    Work on a feature branch, and files not committed yet, are pending.
//! 3. Otherwise every migration but the newest of its folder.
//!
//! Flyway's repeatable migrations (`R__`) run again whenever they change, so they stay
//! editable; down migrations share the status of their up migration.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use super::sources::{
    FileRole, MigrationLayout, SchemaSource, SourceKind, compare_version_texts, is_repeatable,
};
use crate::config::MigrationSettings;
use crate::model::History;
use crate::rules::MigrationStep;

/// What version control says about a migration folder.
pub trait Vcs: Sync {
    /// The files below `dir` committed on the default branch, as `dir` joined with their path
    /// below it; `None` when that cannot be known (no repository, no default branch, no git).
    fn committed_on_default_branch(
        &self,
        dir: &Path,
        branch: Option<&str>,
    ) -> Option<HashSet<PathBuf>>;

    /// Forgets what was learnt: the repository may have changed.
    fn forget(&self) {}
}

/// No version control: history falls back to the configuration and the newest migration.
pub struct NoVcs;

impl Vcs for NoVcs {
    fn committed_on_default_branch(&self, _: &Path, _: Option<&str>) -> Option<HashSet<PathBuf>> {
        None
    }
}

/// The applied migrations of an earlier classification, kept while ddlint itself adds
/// migrations (which are pending, as is everything that was).
pub struct Pinned {
    applied: HashSet<PathBuf>,
}

impl Pinned {
    pub fn new<'a>(history: impl IntoIterator<Item = (&'a PathBuf, &'a History)>) -> Pinned {
        Pinned {
            applied: history
                .into_iter()
                .filter(|(_, history)| **history == History::AppliedMigration)
                .map(|(path, _)| lexical(path))
                .collect(),
        }
    }
}

impl Vcs for Pinned {
    fn committed_on_default_branch(&self, dir: &Path, _: Option<&str>) -> Option<HashSet<PathBuf>> {
        let dir = lexical(dir);
        Some(
            self.applied
                .iter()
                .filter(|path| path.starts_with(&dir))
                .cloned()
                .collect(),
        )
    }
}

/// What git answered, by directory and configured branch.
type Answers = HashMap<(PathBuf, Option<String>), Option<HashSet<PathBuf>>>;

/// The `git` program. Answers are kept per directory until `forget`.
#[derive(Default)]
pub struct Git {
    answers: Mutex<Answers>,
}

impl Vcs for Git {
    fn committed_on_default_branch(
        &self,
        dir: &Path,
        branch: Option<&str>,
    ) -> Option<HashSet<PathBuf>> {
        let key = (dir.to_path_buf(), branch.map(str::to_owned));
        if let Some(answer) = self.lock().get(&key) {
            return answer.clone();
        }
        let answer = git_files_on_default_branch(dir, branch);
        self.lock().insert(key, answer.clone());
        answer
    }

    fn forget(&self) {
        self.lock().clear();
    }
}

impl Git {
    fn lock(&self) -> std::sync::MutexGuard<'_, Answers> {
        self.answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// The ref of the default branch: the configured one, else what `origin/HEAD` points to, else
/// the first of `origin/main`, `origin/master`, `main`, `master` that exists.
fn default_branch(dir: &Path, configured: Option<&str>) -> Option<String> {
    let exists = |name: &str| {
        git(
            dir,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{name}^{{commit}}"),
            ],
        )
        .is_some()
    };
    if let Some(name) = configured {
        return exists(name).then(|| name.to_owned());
    }
    if let Some(target) = git(
        dir,
        &["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"],
    ) {
        let target = String::from_utf8(target).ok()?;
        let target = target.trim();
        if exists(target) {
            return Some(target.to_owned());
        }
    }
    ["origin/main", "origin/master", "main", "master"]
        .into_iter()
        .find(|name| exists(name))
        .map(str::to_owned)
}

fn git_files_on_default_branch(dir: &Path, branch: Option<&str>) -> Option<HashSet<PathBuf>> {
    // Each `git` run costs milliseconds: a folder outside any repository asks none.
    if !in_repository(dir) {
        return None;
    }
    let branch = default_branch(dir, branch)?;
    // Paths come relative to `dir` (ls-tree's default), so they join with `dir` as given.
    let listed = git(
        dir,
        &["ls-tree", "-r", "-z", "--name-only", &branch, "--", "."],
    )?;
    Some(
        listed
            .split(|&byte| byte == 0)
            .filter(|name| !name.is_empty())
            .filter_map(|name| std::str::from_utf8(name).ok())
            .map(|name| dir.join(name))
            .collect(),
    )
}

/// Whether git may find a repository for `dir`: a `.git` in it or above it (a directory, or the
/// file of a worktree or submodule), or one named by `GIT_DIR`.
fn in_repository(dir: &Path) -> bool {
    if std::env::var_os("GIT_DIR").is_some() {
        return true;
    }
    let Ok(dir) = std::path::absolute(dir) else {
        return true;
    };
    dir.ancestors()
        .any(|folder| std::fs::symlink_metadata(folder.join(".git")).is_ok())
}

/// The history of each file of `source`, in the order of `source.files`. `text` gives a file's
/// text, for recognising generated dumps.
pub fn classify<'t>(
    source: &SchemaSource,
    settings: &MigrationSettings,
    vcs: &dyn Vcs,
    text: impl Fn(&Path) -> Option<&'t str>,
) -> Vec<History> {
    match source.kind {
        SourceKind::PrismaSchema => vec![History::Schema; source.files.len()],
        SourceKind::Standalone => source
            .files
            .iter()
            .map(|file| match text(&file.path) {
                Some(text) if is_generated(&file.path, text) => History::Generated,
                _ => History::Schema,
            })
            .collect(),
        SourceKind::Migrations { .. } => classify_migrations(source, settings, vcs),
    }
}

fn classify_migrations(
    source: &SchemaSource,
    settings: &MigrationSettings,
    vcs: &dyn Vcs,
) -> Vec<History> {
    let status = |applied: bool| {
        if applied {
            History::AppliedMigration
        } else {
            History::PendingMigration
        }
    };
    let repeatable = |path: &Path| is_repeatable(path);
    if let Some(through) = settings.applied_through.as_deref() {
        return source
            .files
            .iter()
            .map(|file| match &file.version {
                _ if repeatable(&file.path) => History::PendingMigration,
                Some(version) => status(compare_version_texts(version, through).is_le()),
                None => History::AppliedMigration,
            })
            .collect();
    }
    if let Some(committed) =
        vcs.committed_on_default_branch(&source.root, settings.default_branch.as_deref())
    {
        let committed: HashSet<PathBuf> = committed.iter().map(|path| lexical(path)).collect();
        return source
            .files
            .iter()
            .map(|file| {
                if repeatable(&file.path) {
                    History::PendingMigration
                } else {
                    status(committed.contains(&lexical(&file.path)))
                }
            })
            .collect();
    }
    let newest = newest_version(source);
    let last_applied = source
        .files
        .iter()
        .rposition(|file| file.role == FileRole::Applied && !repeatable(&file.path));
    source
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            if repeatable(&file.path) {
                return History::PendingMigration;
            }
            let is_newest = match (&newest, &file.version) {
                (Some(newest), Some(version)) => {
                    compare_version_texts(version, newest) == Ordering::Equal
                }
                // A folder without versions: the last file applied is the newest.
                (None, _) => Some(index) == last_applied,
                (Some(_), None) => false,
            };
            status(!is_newest)
        })
        .collect()
}

fn newest_version(source: &SchemaSource) -> Option<String> {
    source
        .files
        .iter()
        .filter_map(|file| file.version.as_deref())
        .max_by(|a, b| compare_version_texts(a, b))
        .map(str::to_owned)
}

fn lexical(path: &Path) -> PathBuf {
    path.components()
        .filter(|part| !matches!(part, std::path::Component::CurDir))
        .collect()
}

/// Whether a standalone schema file is the output of a tool rather than written by people:
/// pg_dump output (its header or its session preamble), a Rails `structure.sql`, a file that
/// says it is generated, or Prisma's SQL (`-- CreateTable` sections).
pub fn is_generated(path: &Path, text: &str) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if name == "structure.sql"
        || name.ends_with("-structure.sql")
        || name.ends_with("_structure.sql")
    {
        return true;
    }
    let head: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
    let head_lower = head.to_ascii_lowercase();
    head.contains("PostgreSQL database dump")
        || head.contains("SELECT pg_catalog.set_config('search_path', '', false);")
        || (head_lower.contains("generated") && head_lower.contains("do not edit"))
        || is_prisma_generated_sql(text)
}

/// SQL written by Prisma Migrate: its statements come in sections headed by comments such as
/// `-- CreateTable`, `-- CreateEnum`, `-- AddForeignKey`.
pub fn is_prisma_generated_sql(text: &str) -> bool {
    const MARKERS: [&str; 6] = [
        "-- CreateTable",
        "-- CreateEnum",
        "-- CreateIndex",
        "-- AddForeignKey",
        "-- AlterTable",
        "-- DropTable",
    ];
    text.lines()
        .map(str::trim_end)
        .filter(|line| MARKERS.contains(line))
        .take(2)
        .count()
        >= 2
        || text
            .lines()
            .next()
            .is_some_and(|line| MARKERS.contains(&line.trim_end()))
}

/// A file a fix creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    pub path: PathBuf,
    pub text: String,
}

/// How a migration folder names and writes its migrations, read off its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationConvention {
    root: PathBuf,
    format: Format,
    versions: VersionStyle,
    /// The newest version in the folder.
    newest: Option<String>,
    line_ending: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `<version>_<name>.sql` (sqlx, Supabase, golang-migrate without down files).
    File,
    /// `<version>_<name>.up.sql` and `.down.sql` (golang-migrate, sqlx's reversible form).
    UpDownFiles,
    /// `V<version>.<Name>.up.sql` and `.down.sql`.
    PrefixedUpDownFiles,
    /// `<version>_<name>.sql` with `-- +goose Up` / `-- +goose Down` sections.
    Goose,
    /// `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections.
    Dbmate,
    /// `V<version>__<name>.sql`.
    Flyway,
    /// `<version>_<name>/migration.sql`.
    PrismaMigrate,
    /// `<version>_<name>/up.sql` and `down.sql` (Diesel, Hasura).
    UpDownDirectories,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VersionStyle {
    /// `20240101120000`.
    Timestamp,
    /// Diesel's `2024-01-01-120000`, or with a sequence number, `2024-01-01-120000-0000`.
    DashedTimestamp { sequence: bool },
    /// Milliseconds since 1970 (Hasura), 13 digits.
    UnixMillis,
    /// Seconds since 1970, 10 digits.
    UnixSeconds,
    /// `0001`, `42`: the next number, padded to the same width.
    Sequence { width: usize },
    /// `1.2.3`: the last part incremented.
    Dotted,
}

impl MigrationConvention {
    /// The convention of a migration folder, or `None` for one ddlint cannot write to
    /// (directories per version, no versions). `text` gives a file's text.
    pub fn of<'t>(
        source: &SchemaSource,
        text: impl Fn(&Path) -> Option<&'t str>,
    ) -> Option<MigrationConvention> {
        let SourceKind::Migrations { layout } = source.kind else {
            return None;
        };
        let newest = newest_version(source);
        let newest_file = source
            .files
            .iter()
            .filter(|file| file.version.as_deref() == newest.as_deref())
            .find(|file| file.role == FileRole::Applied)?;
        let newest_name = newest_file.path.file_name()?.to_str()?;
        let has_down = source.files.iter().any(|file| file.role == FileRole::Down);
        let texts: Vec<&str> = source.files.iter().filter_map(|f| text(&f.path)).collect();
        let format = match layout {
            MigrationLayout::Flyway => Format::Flyway,
            MigrationLayout::PrismaMigrate => Format::PrismaMigrate,
            MigrationLayout::UpDownDirectories => Format::UpDownDirectories,
            MigrationLayout::VersionedFiles | MigrationLayout::Supabase => {
                if texts.iter().any(|t| t.contains("-- +goose Up")) {
                    Format::Goose
                } else if texts.iter().any(|t| t.contains("-- migrate:up")) {
                    Format::Dbmate
                } else if newest_name.starts_with(['V', 'v']) && has_down {
                    Format::PrefixedUpDownFiles
                } else if has_down {
                    Format::UpDownFiles
                } else {
                    Format::File
                }
            }
            MigrationLayout::VersionDirectories | MigrationLayout::Unversioned => return None,
        };
        let versions = VersionStyle::of(newest.as_deref()?)?;
        let line_ending = texts
            .first()
            .map_or("\n", |text| crate::fix::line_ending(text));
        Some(MigrationConvention {
            root: source.root.clone(),
            format,
            versions,
            newest,
            line_ending,
        })
    }

    /// The files of new migrations holding `steps`, in order, versioned after every migration
    /// of the folder and after `now_utc` (seconds since 1970) for timestamped folders. A step
    /// that must run outside a transaction gets a migration of its own.
    pub fn write(&self, steps: &[MigrationStep], now_utc: u64) -> Vec<NewFile> {
        let mut files = Vec::new();
        let mut previous = self.newest.clone();
        for group in group_steps(steps) {
            let version = self.versions.next(previous.as_deref(), now_utc);
            files.extend(self.files_of(&version, &group));
            previous = Some(version);
        }
        files
    }

    fn files_of(&self, version: &str, group: &Group) -> Vec<NewFile> {
        let nl = self.line_ending;
        let up = normalise(&group.up, nl);
        let down = group.down.as_deref().map(|down| normalise(down, nl));
        let name = &group.name;
        let file = |relative: String, text: String| NewFile {
            path: self.root.join(relative),
            text,
        };
        let header = |switch: &str| {
            if group.outside_transaction && !switch.is_empty() {
                format!("{switch}{nl}")
            } else {
                String::new()
            }
        };
        match self.format {
            Format::File => vec![file(
                format!("{version}_{name}.sql"),
                format!("{}{up}", header("-- no-transaction")),
            )],
            Format::UpDownFiles => vec![
                file(
                    format!("{version}_{name}.up.sql"),
                    format!("{}{up}", header("-- no-transaction")),
                ),
                file(
                    format!("{version}_{name}.down.sql"),
                    down.unwrap_or_default(),
                ),
            ],
            Format::PrefixedUpDownFiles => {
                let camel = camel_case(name);
                vec![
                    file(format!("V{version}.{camel}.up.sql"), up),
                    file(
                        format!("V{version}.{camel}.down.sql"),
                        down.unwrap_or_default(),
                    ),
                ]
            }
            Format::Goose => {
                let (begin, end) = if up.contains("$$") {
                    (
                        format!("-- +goose StatementBegin{nl}"),
                        format!("-- +goose StatementEnd{nl}"),
                    )
                } else {
                    (String::new(), String::new())
                };
                let down = down
                    .map(|down| format!("{begin}{down}{end}"))
                    .unwrap_or_default();
                vec![file(
                    format!("{version}_{name}.sql"),
                    format!(
                        "{}-- +goose Up{nl}{begin}{up}{end}{nl}-- +goose Down{nl}{down}",
                        header("-- +goose NO TRANSACTION")
                    ),
                )]
            }
            Format::Dbmate => {
                let marker = if group.outside_transaction {
                    "-- migrate:up transaction:false"
                } else {
                    "-- migrate:up"
                };
                vec![file(
                    format!("{version}_{name}.sql"),
                    format!(
                        "{marker}{nl}{up}{nl}-- migrate:down{nl}{}",
                        down.unwrap_or_default()
                    ),
                )]
            }
            // Flyway runs a file holding only `CREATE INDEX CONCURRENTLY` outside a
            // transaction by itself.
            Format::Flyway => vec![file(format!("V{version}__{name}.sql"), up)],
            // Prisma Migrate runs a file of one statement without a transaction.
            Format::PrismaMigrate => vec![file(format!("{version}_{name}/migration.sql"), up)],
            Format::UpDownDirectories => {
                let dir = format!("{version}_{name}");
                let mut files = vec![
                    file(format!("{dir}/up.sql"), up),
                    file(format!("{dir}/down.sql"), down.unwrap_or_default()),
                ];
                if group.outside_transaction
                    && matches!(self.versions, VersionStyle::DashedTimestamp { .. })
                {
                    // Diesel's switch; Hasura has none and runs a single statement as is.
                    files.push(file(
                        format!("{dir}/metadata.toml"),
                        format!("run_in_transaction = false{nl}"),
                    ));
                }
                files
            }
        }
    }
}

/// Steps that share a migration: consecutive transactional steps together; a step that must
/// run outside a transaction alone.
struct Group {
    name: String,
    up: String,
    down: Option<String>,
    outside_transaction: bool,
}

fn group_steps(steps: &[MigrationStep]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    // Two findings can lead to the same change (a key both too narrow and mismatched).
    let mut seen: HashSet<&str> = HashSet::new();
    for step in steps.iter().filter(|step| seen.insert(step.up.trim())) {
        match groups.last_mut() {
            Some(group) if !group.outside_transaction && !step.outside_transaction => {
                group.up.push('\n');
                group.up.push_str(step.up.trim_end());
                // Undo in reverse order; a group is reversible only when every step is.
                group.down = match (&group.down, &step.down) {
                    (Some(earlier), Some(later)) => {
                        Some(format!("{}\n{}", later.trim_end(), earlier))
                    }
                    _ => None,
                };
                if group.name != "ddlint_fixes" {
                    group.name = "ddlint_fixes".to_owned();
                }
            }
            _ => groups.push(Group {
                name: step.name.clone(),
                up: step.up.trim_end().to_owned(),
                down: step.down.as_ref().map(|down| down.trim_end().to_owned()),
                outside_transaction: step.outside_transaction,
            }),
        }
    }
    groups
}

/// `text` with `nl` line endings and a final line ending.
fn normalise(text: &str, nl: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for line in text.trim_end().lines() {
        out.push_str(line.trim_end_matches('\r'));
        out.push_str(nl);
    }
    out
}

fn camel_case(name: &str) -> String {
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

impl VersionStyle {
    fn of(newest: &str) -> Option<VersionStyle> {
        let digits = newest.chars().all(|c| c.is_ascii_digit());
        Some(match newest.len() {
            14 if digits => VersionStyle::Timestamp,
            13 if digits => VersionStyle::UnixMillis,
            10 if digits => VersionStyle::UnixSeconds,
            17 if is_dashed_timestamp(newest) => VersionStyle::DashedTimestamp { sequence: false },
            22 if is_dashed_timestamp(&newest[..17])
                && newest[17..].starts_with('-')
                && newest[18..].chars().all(|c| c.is_ascii_digit()) =>
            {
                VersionStyle::DashedTimestamp { sequence: true }
            }
            width if digits => VersionStyle::Sequence { width },
            _ if newest
                .split(['.', '_'])
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit())) =>
            {
                VersionStyle::Dotted
            }
            _ => return None,
        })
    }

    /// The version after `previous`, and for timestamps not before `now_utc`.
    fn next(self, previous: Option<&str>, now_utc: u64) -> String {
        match self {
            VersionStyle::Timestamp | VersionStyle::DashedTimestamp { .. } => {
                let at_least = previous.map_or(0, |p| timestamp_seconds(p) + 1);
                let (y, mo, d, h, mi, s) = civil(now_utc.max(at_least));
                match self {
                    VersionStyle::DashedTimestamp { sequence: true } => {
                        format!("{y:04}-{mo:02}-{d:02}-{h:02}{mi:02}{s:02}-0000")
                    }
                    VersionStyle::DashedTimestamp { sequence: false } => {
                        format!("{y:04}-{mo:02}-{d:02}-{h:02}{mi:02}{s:02}")
                    }
                    _ => format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"),
                }
            }
            VersionStyle::UnixMillis => {
                let last = previous.and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
                (now_utc.saturating_mul(1000)).max(last + 1).to_string()
            }
            VersionStyle::UnixSeconds => {
                let last = previous.and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
                now_utc.max(last + 1).to_string()
            }
            VersionStyle::Sequence { width } => {
                let last = previous.and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
                format!("{:0width$}", last + 1)
            }
            VersionStyle::Dotted => {
                let previous = previous.unwrap_or("0");
                let split = previous.rfind(['.', '_']).map_or(0, |at| at + 1);
                let (head, last) = previous.split_at(split);
                let next = last.parse::<u64>().map_or(1, |n| n + 1);
                format!("{head}{next}")
            }
        }
    }
}

fn is_dashed_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 17
        && bytes.iter().enumerate().all(|(at, byte)| match at {
            4 | 7 | 10 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

/// Seconds since 1970 of a `YYYYMMDDHHMMSS` or `YYYY-MM-DD-HHMMSS[-NNNN]` version.
fn timestamp_seconds(version: &str) -> u64 {
    let digits: String = version
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let field = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .and_then(|part| part.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let days = days_from_civil(field(0..4), field(4..6), field(6..8));
    let seconds = days * 86_400 + field(8..10) * 3600 + field(10..12) * 60 + field(12..14);
    u64::try_from(seconds).unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `(year, month, day, hour, minute, second)` in UTC of seconds since 1970.
fn civil(seconds: u64) -> (i64, i64, i64, i64, i64, i64) {
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX / 2);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
    )
}

#[cfg(test)]
mod tests;
