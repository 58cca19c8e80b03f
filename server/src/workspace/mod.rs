//! The files of a workspace: finding them on disk ([`files`]), partitioning them into schema
//! sources in migration order ([`sources`]), and the language server's state ([`host`]).

pub mod files;
pub mod history;
pub mod host;
pub mod sources;

pub mod linking;
#[cfg(test)]
pub(crate) mod scratch;
mod shared_map;
pub mod since;

use std::path::{Path, PathBuf};

/// The folder to read around a file opened without a workspace folder (a client that sends no
/// root, as Helix does outside a repository): the nearest directory holding `ddlint.toml` or
/// `.git`; else the parent of the migration folder the file is in; else the file's directory.
/// Never the file system root or the home directory, which would mean reading everything.
pub fn project_root(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let too_wide = |candidate: &Path| {
        candidate.parent().is_none() || home.as_deref().is_some_and(|home| home == candidate)
    };
    let marked = dir.ancestors().find(|candidate| {
        candidate.join(crate::config::FILE_NAME).is_file() || candidate.join(".git").exists()
    });
    if let Some(root) = marked.filter(|root| !too_wide(root)) {
        return Some(root.to_path_buf());
    }
    // `db/migrations/0001_init.sql`, `migrations/20240101_init/up.sql`: the folder that holds
    // the migrations, and what sits beside it (a schema file, `ddlint.toml`).
    let migrations = dir.ancestors().take(3).find(|candidate| {
        candidate
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.eq_ignore_ascii_case("migrations"))
    });
    let root = migrations.and_then(Path::parent).unwrap_or(dir);
    (!too_wide(root)).then(|| root.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loose_file_reads_its_project() {
        let base = std::env::temp_dir().join(format!("ddlint-root-{}", std::process::id()));
        let repo = base.join("repo");
        let nested = repo.join("db/schema");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        assert_eq!(project_root(&nested.join("a.sql")), Some(repo.clone()));

        let loose = base.join("loose/db/migrations/20240101_init");
        std::fs::create_dir_all(&loose).unwrap();
        assert_eq!(
            project_root(&loose.join("up.sql")),
            Some(base.join("loose/db"))
        );
        let plain = base.join("plain");
        std::fs::create_dir_all(&plain).unwrap();
        assert_eq!(project_root(&plain.join("s.sql")), Some(plain.clone()));
        std::fs::remove_dir_all(&base).unwrap();
    }
}
