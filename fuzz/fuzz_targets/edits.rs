//! The language server's edit path: a document opened and edited (UTF-16 positions, as VS Code
//! sends them) ends with the diagnostics a fresh open of the final text gets: the same rules,
//! ranges, severities and messages, syntax errors' included.

#![no_main]

mod common;

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

use ddlint::text::{LineIndex, PositionEncoding, TextRange};
use ddlint::workspace::host::{Change, Host, TextChange};

use common::{next_edit, split};

const PATH: &str = "/nonexistent-ddlint-fuzz/schema.sql";

fn opened(text: &str) -> Host {
    let mut host = Host::new(PositionEncoding::Utf16, None);
    host.apply(Change::Open {
        path: PathBuf::from(PATH),
        language: None,
        version: 1,
        text: text.to_owned(),
    });
    host
}

fn findings(host: &mut Host) -> Vec<(&'static str, TextRange, String)> {
    let commit = host.commit();
    let Some(file) = commit.snapshot.file(Path::new(PATH)) else {
        return Vec::new();
    };
    let mut found: Vec<_> = file
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.range, d.message.clone()))
        .collect();
    found.sort();
    found
}

fuzz_target!(|data: &[u8]| {
    let (text, mut script) = split(data);
    let mut host = opened(&text);
    host.commit();
    let mut current = text;
    let mut version = 1;
    while let Some(edit) = next_edit(&current, &mut script) {
        let lines = LineIndex::new(&current);
        let at = |offset: usize| lines.line_col(offset as u32, PositionEncoding::Utf16);
        version += 1;
        host.apply(Change::Edit {
            path: PathBuf::from(PATH),
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
    let edited = findings(&mut host);
    let fresh = findings(&mut opened(&current));
    assert_eq!(edited, fresh, "for the text {current:?}");
});
