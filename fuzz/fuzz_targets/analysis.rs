//! The whole analysis: lowering, the model, every rule and every fix never panic, and the text a
//! fix leaves checks again without a panic. Input with a NUL is two migrations of one folder
//! (so the migration rules run), else one schema file. Input that starts with a 0x01 byte is a
//! Prisma schema instead, followed after a NUL by its first migration.

#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

use ddlint::analysis::{TextInput, check_texts};
use ddlint::config::Config;
use ddlint::fix::apply_edits;
use ddlint::rules::Selection;
use ddlint::workspace::history::NoVcs;

fn inputs(files: &[(PathBuf, String)]) -> Vec<TextInput> {
    files
        .iter()
        .map(|(path, text)| TextInput {
            path: path.clone(),
            key: path.clone(),
            text: Arc::new(text.clone()),
        })
        .collect()
}

/// Where the input's one or two texts live.
fn layout(data: &[u8]) -> (&[u8], [&'static str; 2], &'static str) {
    match data.split_first() {
        Some((1, prisma)) => (
            prisma,
            [
                "/app/prisma/schema.prisma",
                "/app/prisma/migrations/20240101000000_init/migration.sql",
            ],
            "/app/prisma/schema.prisma",
        ),
        _ => (
            data,
            [
                "/db/migrations/0001_init.sql",
                "/db/migrations/0002_change.sql",
            ],
            "/db/schema.sql",
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let (data, [first, second], alone) = layout(data);
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let files: Vec<(PathBuf, String)> = match data.iter().position(|&b| b == 0) {
        Some(at) => vec![
            (PathBuf::from(first), text(&data[..at])),
            (PathBuf::from(second), text(&data[at + 1..])),
        ],
        None => vec![(PathBuf::from(alone), text(data))],
    };
    let config = Config::default();
    let selection = Selection::default();
    let checked = check_texts(inputs(&files), &config, &selection, &NoVcs);
    let fixes = checked.diagnostics.iter().flat_map(|d| &d.fixes).take(16);
    for fix in fixes {
        let fixed: Vec<(PathBuf, String)> = checked
            .files
            .iter()
            .map(|file| {
                let (text, _) = apply_edits(&file.text, file.id, &fix.edits);
                (file.path.clone(), text)
            })
            .collect();
        check_texts(inputs(&fixed), &config, &selection, &NoVcs);
    }
});
