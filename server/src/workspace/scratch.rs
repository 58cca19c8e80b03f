//! Temporary directories for tests that need a real file system.

use std::path::{Path, PathBuf};

/// A fresh directory under the system temporary directory, removed when dropped.
pub(crate) struct ScratchDir(PathBuf);

impl ScratchDir {
    /// `name` keeps concurrently running tests apart; the process id keeps test runs apart.
    pub(crate) fn new(name: &str) -> ScratchDir {
        let path = std::env::temp_dir().join(format!("ddlint-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        ScratchDir(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to `relative`, creating its directories.
    pub(crate) fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
