//! `--since <git-ref>`: what changed since a commit, so that a check of the whole history
//! reports only in files changed since then, and in those only in statements that are new
//! (a statement whose text, spaces aside, the file already had counts as old).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::file::FileData;
use crate::rules::Diagnostic;

/// The files changed since a commit, with their text at that commit.
#[derive(Debug, Default)]
pub struct ChangedSince {
    /// By absolute path: the statements of the file at the commit (whitespace collapsed), or
    /// `None` for a file the commit did not have.
    files: HashMap<PathBuf, Option<HashSet<String>>>,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}

fn nul_separated(bytes: &[u8]) -> impl Iterator<Item = &str> {
    bytes
        .split(|&byte| byte == 0)
        .filter(|name| !name.is_empty())
        .filter_map(|name| std::str::from_utf8(name).ok())
}

impl ChangedSince {
    /// What changed in the repository holding `dir` between `reference` and the working tree,
    /// untracked files included.
    pub fn read(dir: &Path, reference: &str) -> Result<ChangedSince, String> {
        let top = git(dir, &["rev-parse", "--show-toplevel"])
            .map_err(|error| format!("--since needs a git repository: {error}"))?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let commit = format!("{reference}^{{commit}}");
        git(&top, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
            format!(
                "--since {reference}: no such commit, branch or tag in {}",
                top.display()
            )
        })?;
        let changed = git(
            &top,
            &["diff", "--name-only", "-z", "--no-renames", reference, "--"],
        )?;
        let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])?;
        let mut files = HashMap::new();
        for name in nul_separated(&changed).chain(nul_separated(&untracked)) {
            let old = git(&top, &["show", &format!("{reference}:{name}")])
                .ok()
                .map(|bytes| statements_of(Path::new(name), &String::from_utf8_lossy(&bytes)));
            files.insert(top.join(name), old);
        }
        Ok(ChangedSince { files })
    }

    /// Whether a finding in `file` (whose absolute path is `key`) is new since the commit.
    pub fn is_new(&self, key: &Path, file: &FileData, diagnostic: &Diagnostic) -> bool {
        let Some(old) = self.files.get(key) else {
            return false;
        };
        let Some(old) = old else {
            return true;
        };
        let text = match file.statement_at(diagnostic.range.start()) {
            Some(statement) => file.slice(statement.range()),
            // Outside statements (a comment): its line.
            None => {
                let start = crate::fix::start_of_line(&file.text, diagnostic.range.start());
                let end = crate::fix::end_of_line(&file.text, diagnostic.range.start());
                &file.text[start as usize..end as usize]
            }
        };
        !old.contains(&collapse(text))
    }
}

/// The statements of a file's text (and its lines, for what lies outside statements), with
/// whitespace collapsed.
fn statements_of(path: &Path, text: &str) -> HashSet<String> {
    let mut found: HashSet<String> = text.lines().map(collapse).collect();
    if let Some(language) = crate::syntax::Language::from_path(path) {
        let file = FileData::new(
            crate::model::FileId(0),
            path.to_path_buf(),
            language,
            std::sync::Arc::new(text.to_string()),
        );
        found.extend(
            file.statements
                .iter()
                .map(|statement| collapse(file.slice(statement.range()))),
        );
    }
    found
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
