//! The language server's edit path: documents opened and edited (UTF-16 positions, as VS Code
//! sends them) end with the diagnostics a fresh open of the final texts gets: the same rules,
//! ranges, severities and messages, syntax errors' included, and show the same outline, folds,
//! semantic tokens and hovers. The editor's settings turn every rule on, those off by default
//! too.
//!
//! A form feed in the input's text splits it into two documents, so that an edit of one changes
//! what the other's statements refer to; the high bit of an edit's length byte then picks the
//! document it edits. The bytes of the edit script past its last whole edit (their count, and
//! whether the last of them is odd) choose where the two documents live: two schema files of one
//! directory, two migrations of one folder, a migration and its down migration, a Prisma schema
//! and its first migration, a schema file and the Mermaid diagram beside it, the two files of a
//! multi-file Prisma schema, or a design document beside a schema file. When there are such
//! bytes and the second bit of the last is set, git says the first document is committed on the
//! default branch (an applied migration, when it is one); else there is no repository.

#![no_main]

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

use ddlint::ide;
use ddlint::text::{LineIndex, PositionEncoding, TextRange};
use ddlint::workspace::history::Vcs;
use ddlint::workspace::host::{Change, Host, Snapshot, TextChange};

use common::{Layout, every_rule_on, layout, next_edit, position, split};

/// A repository whose default branch holds one file.
struct Committed(&'static str);

impl Vcs for Committed {
    fn committed_on_default_branch(&self, dir: &Path, _: Option<&str>) -> Option<HashSet<PathBuf>> {
        let path = Path::new(self.0);
        Some(
            path.starts_with(dir)
                .then(|| path.to_path_buf())
                .into_iter()
                .collect(),
        )
    }
}

fn opened(layout: &Layout, committed: bool, texts: &[String]) -> Host {
    let mut host = Host::new(PositionEncoding::Utf16, None);
    host.configure(None, every_rule_on());
    if committed {
        host = host.with_vcs(Box::new(Committed(layout[0])));
    }
    for (path, text) in layout.iter().zip(texts) {
        host.apply(Change::Open {
            path: PathBuf::from(path),
            language: None,
            version: 1,
            text: text.clone(),
        });
    }
    host
}

type Finding = (&'static str, &'static str, TextRange, String);

fn findings(layout: &Layout, snapshot: &Snapshot) -> Vec<Finding> {
    let mut found = Vec::new();
    for &path in layout {
        let Some(file) = snapshot.file(Path::new(path)) else {
            continue;
        };
        found.extend(
            file.diagnostics
                .iter()
                .map(|d| (path, d.rule, d.range, d.message.clone())),
        );
    }
    found.sort();
    found
}

/// What the editor shows of each document besides its diagnostics: its outline, folds and
/// semantic tokens, and the hovers at positions spread over it.
fn shown(layout: &Layout, snapshot: &Snapshot) -> Vec<String> {
    let mut shown = Vec::new();
    for &path in layout {
        let Some(file) = snapshot.file(Path::new(path)) else {
            continue;
        };
        let text = &file.data.text;
        shown.push(format!(
            "{path}: {:?} {:?} {:?}",
            ide::document_symbols(file),
            ide::folding_ranges(file),
            ide::semantic_tokens(file, TextRange::new(0, text.len() as u32)),
        ));
        for n in 0..16 {
            let at = position(text, text.len() * n / 16) as u32;
            if let Some(hover) = ide::hover(snapshot, file, at) {
                shown.push(format!("{path}@{at}: {:?} {}", hover.range, hover.markdown));
            }
        }
    }
    shown
}

fuzz_target!(|data: &[u8]| {
    let (text, mut script) = split(data);
    let (layout, committed) = layout(script);
    let mut texts: Vec<String> = text.splitn(2, '\u{c}').map(str::to_owned).collect();
    let mut host = opened(layout, committed, &texts);
    host.commit();
    let mut version = 1;
    while let Some(&[_, _, len, _]) = script.first_chunk::<4>() {
        let document = usize::from(len >> 7) % texts.len();
        let current = &mut texts[document];
        let Some(edit) = next_edit(current, &mut script) else {
            break;
        };
        let lines = LineIndex::new(current);
        let at = |offset: usize| lines.line_col(offset as u32, PositionEncoding::Utf16);
        version += 1;
        host.apply(Change::Edit {
            path: PathBuf::from(layout[document]),
            version,
            edits: vec![TextChange {
                range: Some((at(edit.start), at(edit.end))),
                text: edit.text.to_owned(),
            }],
        });
        current.replace_range(edit.start..edit.end, edit.text);
        // Commit after some edits only: a commit may have to take several at once.
        if version % 3 == 0 {
            host.commit();
        }
    }
    let edited = host.commit().snapshot;
    let fresh = opened(layout, committed, &texts).commit().snapshot;
    assert_eq!(
        findings(layout, &edited),
        findings(layout, &fresh),
        "for the texts {texts:?}"
    );
    assert_eq!(
        shown(layout, &edited),
        shown(layout, &fresh),
        "for the texts {texts:?}"
    );
});
