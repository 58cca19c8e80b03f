//! Test workspaces for editor features: files written from one text, a `$0` cursor, and
//! locations described as `path:line text` for readable expectations.
//!
//! ```text
//! //- db/001_users.sql
//! CREATE TABLE users (id bigint PRIMARY KEY);
//! //- db/002_posts.sql
//! CREATE TABLE posts (author bigint REFERENCES us$0ers);
//! ```
//!
//! A fixture without `//-` lines is one file, `schema.sql`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::Loc;
use crate::text::{PositionEncoding, TextRange};
use crate::workspace::host::{FileView, Host, Snapshot};
use crate::workspace::scratch::ScratchDir;

pub(crate) struct Fixture {
    scratch: ScratchDir,
    pub snapshot: Arc<Snapshot>,
    /// The file holding the cursor, and the cursor's offset.
    cursor: Option<(PathBuf, u32)>,
}

impl Fixture {
    pub fn new(fixture: &str) -> Fixture {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let count = COUNT.fetch_add(1, Ordering::Relaxed);
        let scratch = ScratchDir::new(&format!("ide-{count}"));
        let mut cursor = None;
        let sections: Vec<(&str, &str)> = if fixture.starts_with("//- ") {
            fixture
                .split("//- ")
                .filter(|s| !s.is_empty())
                .map(|section| section.split_once('\n').unwrap_or((section, "")))
                .collect()
        } else {
            vec![("schema.sql", fixture)]
        };
        for (path, text) in sections {
            let path = path.trim_end_matches('\r');
            let text = match text.find("$0") {
                Some(at) => {
                    cursor = Some((scratch.path().join(path), at as u32));
                    text.replacen("$0", "", 1)
                }
                None => text.to_string(),
            };
            scratch.write(path, &text);
        }
        let mut host = Host::new(PositionEncoding::Utf8, None);
        host.add_folder(scratch.path());
        let snapshot = host.commit().snapshot;
        Fixture {
            scratch,
            snapshot,
            cursor,
        }
    }

    /// The file with the cursor and the cursor's offset.
    pub fn cursor(&self) -> (&FileView, u32) {
        let (path, offset) = self.cursor.as_ref().expect("a $0 marker");
        let file = self.snapshot.file(path).expect("the cursor's file is read");
        (file, *offset)
    }

    pub fn file(&self, path: &str) -> &FileView {
        self.snapshot
            .file(&self.scratch.path().join(path))
            .expect("the file is read")
    }

    /// `path:line text`, the line counted from 1.
    pub fn describe(&self, loc: Loc) -> String {
        let file = self.snapshot.file_by_id(loc.file).expect("a known file");
        let path = file.data.path.strip_prefix(self.scratch.path()).unwrap();
        format!("{}:{}", path.display(), self.describe_in(file, loc.range))
    }

    /// `line text` of a range of `file`.
    pub fn describe_in(&self, file: &FileView, range: TextRange) -> String {
        let line = file
            .data
            .lines
            .line_col(range.start(), PositionEncoding::Utf8)
            .line;
        format!("{} {}", line + 1, file.data.slice(range))
    }
}
