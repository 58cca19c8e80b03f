//! Finding the schema files under the paths a user names.
//!
//! Directories are walked honouring `.gitignore` (also outside a git repository), `.ignore`, git's
//! `info/exclude` and global excludes, skipping hidden entries, `node_modules` (dependencies'
//! READMEs and SQL are not the project's schema), and whatever the configuration's `exclude`
//! globs match. A file named explicitly is taken as it is, ignored or excluded or not, as long
//! as it is a schema file (SQL, Prisma, Markdown or Mermaid).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

use crate::config::Config;

/// The languages ddlint reads, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Sql,
    Prisma,
    /// A Markdown design document or a Mermaid diagram (see [`crate::markdown`]).
    Markdown,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "sql" | "pgsql" | "psql" => Some(FileKind::Sql),
            "prisma" => Some(FileKind::Prisma),
            "md" | "markdown" | "mmd" | "mermaid" => Some(FileKind::Markdown),
            _ => None,
        }
    }
}

/// The outcome of [`collect_files`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectedFiles {
    /// Schema files, sorted, each once, as reached from the argument (`db/` gives `db/x.sql`).
    pub files: Vec<PathBuf>,
    /// Arguments and entries that could not be used, in the order met.
    pub problems: Vec<PathProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathProblem {
    pub path: PathBuf,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A file named explicitly whose extension is neither SQL nor Prisma.
    NotSchemaFile,
    /// A path named explicitly that is neither a file nor a directory: what it is instead.
    NotAFile(&'static str),
    NotFound,
    /// A symbolic link that leads back to itself, directly or through other links.
    SymlinkLoop,
    /// A symbolic link to this path, which does not exist.
    DanglingLink(PathBuf),
    /// A path named explicitly that cannot be read (permission denied, ...).
    Inaccessible(String),
    /// The walk could not read a directory or an ignore file.
    Unreadable(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotSchemaFile => f.write_str(
                "not a schema file (.sql, .pgsql, .psql, .prisma, .md, .markdown, .mmd)",
            ),
            Problem::NotAFile(kind) => write!(
                f,
                "{kind}, not a file; ddlint checks schema files and the directories that hold them"
            ),
            Problem::NotFound => f.write_str("no such file or directory"),
            Problem::SymlinkLoop => f.write_str(
                "a symbolic link loop (following the links leads back to one of them); point the \
                 link at a schema file or directory, or remove it",
            ),
            Problem::DanglingLink(target) => write!(
                f,
                "a symbolic link to {}, which does not exist; point the link at a schema file or \
                 directory, or remove it",
                target.display()
            ),
            Problem::Inaccessible(message) | Problem::Unreadable(message) => f.write_str(message),
        }
    }
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

/// The schema files named by `paths` (files or directories). `config` supplies the `exclude`
/// globs, which apply relative to its directory.
pub fn collect_files(paths: &[PathBuf], config: &Config) -> CollectedFiles {
    let exclusion = Exclusion::new(config);
    // Keyed by the normalised path so `db/` and `./db/x.sql` do not yield one file twice.
    let mut files: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    let mut problems = Vec::new();
    for path in paths {
        let problem = |problem| PathProblem {
            path: path.clone(),
            problem,
        };
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                walk_directory(path, &exclusion, &mut files, &mut problems);
            }
            Ok(meta) if meta.is_file() && FileKind::of(path).is_some() => {
                files.entry(normalise(path)).or_insert_with(|| path.clone());
            }
            Ok(meta) if meta.is_file() => problems.push(problem(Problem::NotSchemaFile)),
            Ok(meta) => problems.push(problem(Problem::NotAFile(special_kind(meta.file_type())))),
            Err(error) => problems.push(problem(path_problem(path, &error))),
        }
    }
    let mut files: Vec<PathBuf> = files.into_values().collect();
    files.sort();
    CollectedFiles { files, problems }
}

/// What a path that is not a file is, for messages.
fn special_kind(file_type: std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

/// Why a path named on the command line cannot be used.
fn path_problem(path: &Path, error: &std::io::Error) -> Problem {
    if let Some(problem) = link_problem(path) {
        return problem;
    }
    match error.kind() {
        std::io::ErrorKind::NotFound => Problem::NotFound,
        std::io::ErrorKind::PermissionDenied => Problem::Inaccessible(
            "permission denied; ddlint needs read access to it and its directories".to_string(),
        ),
        _ => Problem::Inaccessible(format!("cannot read: {error}")),
    }
}

/// A broken symbolic link at `path`: a loop, or a link to nothing. Followed by hand, because
/// the error of following it says "no such file" for both on some systems.
fn link_problem(path: &Path) -> Option<Problem> {
    let mut seen = Vec::new();
    let mut current = path.to_path_buf();
    // Linux gives up after 40 links.
    for _ in 0..40 {
        let target = std::fs::read_link(&current).ok()?;
        let target = match current.parent() {
            Some(directory) => normalise(&directory.join(target)),
            None => target,
        };
        if seen.contains(&target) || target == normalise(path) {
            return Some(Problem::SymlinkLoop);
        }
        if std::fs::symlink_metadata(&target).is_err() {
            return Some(Problem::DanglingLink(target));
        }
        seen.push(current);
        current = target;
    }
    Some(Problem::SymlinkLoop)
}

fn walk_directory(
    directory: &Path,
    exclusion: &Exclusion,
    files: &mut BTreeMap<PathBuf, PathBuf>,
    problems: &mut Vec<PathProblem>,
) {
    let filter = exclusion.clone();
    // On all cores: a folder of migrations is mostly directories to list and ignore files to
    // look for, which one thread would wait on one after the other.
    let walk = WalkBuilder::new(directory)
        .hidden(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .require_git(false)
        .parents(true)
        .follow_links(false)
        .threads(crate::cores())
        // The directory the user named is walked even if a glob matches it.
        .filter_entry(move |entry| {
            entry.depth() == 0
                || !(filter.excludes(entry.path()) || entry.file_name() == "node_modules")
        })
        .build_parallel();
    let found = Mutex::new((Vec::new(), Vec::new()));
    walk.run(|| {
        Box::new(|entry| {
            let mut kept = None;
            let mut failed = None;
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    let is_file = entry.file_type().is_some_and(|kind| {
                        kind.is_file() || (kind.is_symlink() && path.is_file())
                    });
                    if is_file && FileKind::of(path).is_some() {
                        kept = Some(entry.into_path());
                    }
                }
                Err(error) => failed = Some(error.to_string()),
            }
            if kept.is_some() || failed.is_some() {
                let mut found = found
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                found.0.extend(kept);
                found.1.extend(failed);
            }
            WalkState::Continue
        })
    });
    let (paths, errors) = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for path in paths {
        files.entry(normalise(&path)).or_insert(path);
    }
    // Threads end in any order: the messages are sorted so that a run repeats.
    let mut errors = errors;
    errors.sort();
    problems.extend(errors.into_iter().map(|error| PathProblem {
        path: directory.to_path_buf(),
        problem: Problem::Unreadable(error),
    }));
}

/// The `exclude` globs with the absolute directory they are relative to.
#[derive(Clone)]
struct Exclusion {
    globs: GlobSet,
    base: Option<PathBuf>,
}

impl Exclusion {
    fn new(config: &Config) -> Exclusion {
        let base = config
            .dir()
            .and_then(absolute)
            .filter(|_| !config.exclude_matcher().is_empty());
        Exclusion {
            globs: config.exclude_matcher().clone(),
            base,
        }
    }

    fn excludes(&self, path: &Path) -> bool {
        let Some(base) = &self.base else {
            return false;
        };
        let Some(path) = absolute(path) else {
            return false;
        };
        path.strip_prefix(base)
            .is_ok_and(|relative| self.globs.is_match(relative))
    }
}

/// `path` made absolute against the working directory, with `.` and `..` resolved lexically.
fn absolute(path: &Path) -> Option<PathBuf> {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    std::path::absolute(path).ok().map(|path| normalise(&path))
}

/// The text of a schema file, or why it cannot be checked (for a message that ends in
/// "skipped"). A byte-order mark is dropped: it is not part of the schema.
pub fn read_text(path: &Path) -> Result<std::sync::Arc<String>, String> {
    // Opening a named pipe waits for a writer: a pipe given a schema file's name (or put where
    // one was) would block whoever reads it.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(format!("{}, not a file", special_kind(meta.file_type())));
    }
    let bytes = std::fs::read(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "permission denied; ddlint needs read access to it".to_string()
        }
        _ => format!("cannot read: {error}"),
    })?;
    // UTF-16 holds NUL bytes: say what it is rather than "binary".
    if crate::text::foreign_encoding(&bytes).is_none()
        && bytes[..bytes.len().min(8192)].contains(&0)
    {
        return Err("binary file, not SQL or Prisma text".to_string());
    }
    crate::text::decode_utf8(bytes).map(std::sync::Arc::new)
}

/// [`read_text`] of each path, in order, on all cores: a folder of migrations is thousands of
/// small files, and reading each costs system calls more than bytes.
pub fn read_texts(paths: &[PathBuf]) -> Vec<Result<std::sync::Arc<String>, String>> {
    const BATCH: usize = 32;
    let workers = crate::cores().min(paths.len().div_ceil(BATCH));
    if workers <= 1 {
        return paths.iter().map(|path| read_text(path)).collect();
    }
    let batches: Vec<&[PathBuf]> = paths.chunks(BATCH).collect();
    crate::parallel::map(batches.len(), workers, |batch| {
        batches[batch]
            .iter()
            .map(|path| read_text(path))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Resolves `.` and `..` without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(normal.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    normal.pop();
                } else if !matches!(
                    normal.components().next_back(),
                    Some(Component::RootDir | Component::Prefix(_))
                ) {
                    normal.push("..");
                }
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, Config};
    use crate::workspace::scratch::ScratchDir;

    /// The collected files relative to `root`, with `/` separators.
    fn relative(collected: &CollectedFiles, root: &Path) -> Vec<String> {
        collected
            .files
            .iter()
            .map(|path| {
                path.strip_prefix(root)
                    .unwrap_or_else(|_| panic!("{} is outside the root", path.display()))
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    /// Many files read on several threads come back in the order asked, each with its own
    /// text or its own reason.
    #[test]
    fn texts_read_together_keep_their_order_and_errors() {
        let scratch = ScratchDir::new("read-texts");
        let paths: Vec<PathBuf> = (0..150)
            .map(|n| match n % 7 {
                0 => scratch.path().join(format!("missing_{n}.sql")),
                3 => {
                    let path = scratch.write(&format!("bad_{n}.sql"), "");
                    std::fs::write(&path, [b'a', 0xff, b'\n']).unwrap();
                    path
                }
                _ => scratch.write(&format!("{n}.sql"), &format!("SELECT {n};\n")),
            })
            .collect();
        let read = read_texts(&paths);
        assert_eq!(read.len(), paths.len());
        for (n, (path, read)) in paths.iter().zip(&read).enumerate() {
            assert_eq!(read, &read_text(path), "{}", path.display());
            match n % 7 {
                0 => assert!(read.as_ref().is_err_and(|e| e.starts_with("cannot read"))),
                3 => assert!(
                    read.as_ref()
                        .is_err_and(|e| e.starts_with("not valid UTF-8"))
                ),
                _ => assert_eq!(
                    read.as_deref().map(String::as_str),
                    Ok(format!("SELECT {n};\n").as_str())
                ),
            }
        }
    }

    fn config_at(scratch: &ScratchDir, text: &str) -> Config {
        let file = scratch.write(config::FILE_NAME, text);
        config::parse(text, &file, &[]).unwrap()
    }

    #[test]
    fn file_kinds() {
        assert_eq!(FileKind::of(Path::new("a/b.sql")), Some(FileKind::Sql));
        assert_eq!(FileKind::of(Path::new("b.PGSQL")), Some(FileKind::Sql));
        assert_eq!(FileKind::of(Path::new("b.psql")), Some(FileKind::Sql));
        assert_eq!(
            FileKind::of(Path::new("schema.prisma")),
            Some(FileKind::Prisma)
        );
        assert_eq!(
            FileKind::of(Path::new("notes.md")),
            Some(FileKind::Markdown)
        );
        assert_eq!(FileKind::of(Path::new("notes.txt")), None);
        assert_eq!(FileKind::of(Path::new("sql")), None);
        assert_eq!(FileKind::of(Path::new(".sql")), None);
    }

    #[test]
    fn walk_honours_ignore_files_without_a_git_repository() {
        let scratch = ScratchDir::new("files-ignore");
        scratch.write(".gitignore", "ignored.sql\nbuild/\n");
        scratch.write("sub/.ignore", "skip.sql\n");
        for file in [
            "a.sql",
            "ignored.sql",
            "build/x.sql",
            "sub/b.PSQL",
            "sub/c.prisma",
            "sub/skip.sql",
            "sub/deeper/d.pgsql",
            "notes.txt",
            ".hidden/h.sql",
            ".dot.sql",
            "docs/design.md",
            "node_modules/pkg/README.md",
            "node_modules/pkg/schema.sql",
        ] {
            scratch.write(file, "");
        }
        let collected = collect_files(&[scratch.path().to_path_buf()], &Config::default());
        assert!(collected.problems.is_empty(), "{:?}", collected.problems);
        assert_eq!(
            relative(&collected, scratch.path()),
            [
                "a.sql",
                "docs/design.md",
                "sub/b.PSQL",
                "sub/c.prisma",
                "sub/deeper/d.pgsql"
            ]
        );
    }

    #[test]
    fn walk_skips_excluded_paths_relative_to_the_config() {
        let scratch = ScratchDir::new("files-exclude");
        let config = config_at(
            &scratch,
            r#"exclude = ["vendor/**", "db/legacy/*.sql", "*.gen.sql", "tmp"]"#,
        );
        for file in [
            "vendor/v.sql",
            "db/legacy/old.sql",
            "db/legacy/deep/kept.sql",
            "db/schema.gen.sql",
            "db/kept.sql",
            "db/tmp/t.sql",
            "tmp/t.sql",
            "other/vendor/kept.sql",
        ] {
            scratch.write(file, "");
        }
        let collected = collect_files(&[scratch.path().to_path_buf()], &config);
        assert_eq!(
            relative(&collected, scratch.path()),
            [
                "db/kept.sql",
                "db/legacy/deep/kept.sql",
                "other/vendor/kept.sql"
            ]
        );

        // Walking a subdirectory applies the same globs, still relative to the config.
        let db = scratch.path().join("db");
        let collected = collect_files(std::slice::from_ref(&db), &config);
        assert_eq!(
            relative(&collected, &db),
            ["kept.sql", "legacy/deep/kept.sql"]
        );

        // A path spelt with `..` is resolved before matching.
        let roundabout = scratch.path().join("other/../db/legacy");
        let collected = collect_files(std::slice::from_ref(&roundabout), &config);
        assert_eq!(relative(&collected, &roundabout), ["deep/kept.sql"]);
    }

    #[test]
    fn explicit_files_are_taken_as_named() {
        let scratch = ScratchDir::new("files-explicit");
        scratch.write(".gitignore", "ignored.sql\n");
        let config = config_at(&scratch, r#"exclude = ["excluded.sql"]"#);
        let ignored = scratch.write("ignored.sql", "");
        let excluded = scratch.write("excluded.sql", "");
        let text = scratch.write("notes.txt", "");
        let missing = scratch.path().join("missing.sql");
        let collected = collect_files(
            &[
                excluded.clone(),
                ignored.clone(),
                text.clone(),
                missing.clone(),
            ],
            &config,
        );
        assert_eq!(collected.files, [excluded, ignored]);
        assert_eq!(
            collected.problems,
            [
                PathProblem {
                    path: text.clone(),
                    problem: Problem::NotSchemaFile
                },
                PathProblem {
                    path: missing,
                    problem: Problem::NotFound
                },
            ]
        );
        assert_eq!(
            collected.problems[0].to_string(),
            format!(
                "{}: not a schema file (.sql, .pgsql, .psql, .prisma, .md, .markdown, .mmd)",
                text.display()
            )
        );
    }

    /// A named pipe is never opened: reading it would wait for a writer forever.
    #[cfg(unix)]
    #[test]
    fn pipes_and_devices_are_named_for_what_they_are() {
        let scratch = ScratchDir::new("files-special");
        let pipe = scratch.path().join("schema.sql");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
        let device = PathBuf::from("/dev/null");
        let collected = collect_files(&[pipe.clone(), device.clone()], &Config::default());
        assert!(collected.files.is_empty());
        let messages: Vec<String> = collected.problems.iter().map(ToString::to_string).collect();
        let because = "not a file; ddlint checks schema files and the directories that hold them";
        assert_eq!(
            messages,
            [
                format!("{}: a named pipe, {because}", pipe.display()),
                format!("/dev/null: a device, {because}"),
            ]
        );
        // Nor when it takes the place of a file the server knows.
        assert_eq!(read_text(&pipe).unwrap_err(), "a named pipe, not a file");
    }

    #[test]
    fn paths_stay_as_reached_and_appear_once() {
        let scratch = ScratchDir::new("files-dedup");
        scratch.write("db/b.sql", "");
        scratch.write("db/a.sql", "");
        let spelt = scratch.path().join("./db");
        let collected = collect_files(
            &[
                spelt.join("b.sql"),
                spelt.clone(),
                scratch.path().join("db/a.sql"),
            ],
            &Config::default(),
        );
        assert!(collected.problems.is_empty(), "{:?}", collected.problems);
        assert_eq!(collected.files, [spelt.join("a.sql"), spelt.join("b.sql")]);
    }

    #[test]
    fn lexical_normalisation() {
        assert_eq!(normalise(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalise(Path::new("./a")), Path::new("a"));
        assert_eq!(normalise(Path::new("../a/..")), Path::new(".."));
        assert_eq!(normalise(Path::new("/../a")), Path::new("/a"));
    }
}
