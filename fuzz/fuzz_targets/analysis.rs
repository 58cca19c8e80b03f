//! The whole analysis: lowering, the model, every rule and every fix never panic, and the text a
//! fix leaves checks again without a panic, and without a syntax error where there was none.
//! Input with a NUL is two migrations of one folder (so the migration rules run), else one schema
//! file. Input that starts with a 0x01 byte is a Prisma schema instead, followed after a NUL by
//! its first migration. Input that starts with a 0x02, 0x03 or 0x04 byte is a rule fixture (SQL,
//! Prisma or Markdown): its `config:` lines are a `ddlint.toml`, its `file:` lines start files
//! at paths of their own, and every rule runs under that configuration, forced on where it is
//! off; its fixes also write new migrations.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

use ddlint::analysis::{Checked, TextInput, check_texts};
use ddlint::config::Config;
use ddlint::fix::apply_edits;
use ddlint::fixture::{self, FixtureFile};
use ddlint::rules::{self, Fix, Selection};
use ddlint::workspace::history::{NoVcs, Pinned, Vcs};

/// The fixes applied and checked again, at most 16 per input.
fn first_fixes(checked: &Checked) -> impl Iterator<Item = &Fix> {
    checked.diagnostics.iter().flat_map(|d| &d.fixes).take(16)
}

/// A fix of text that parses leaves text that parses: its edits and new files are SQL or Prisma
/// the grammars read.
fn assert_fix_parses(before: &Checked, after: &Checked, fix: &str, files: &impl std::fmt::Debug) {
    let broken = |checked: &Checked| checked.diagnostics.iter().any(|d| d.rule == "syntax-error");
    assert!(
        broken(before) || !broken(after),
        "the fix {fix:?} broke the syntax: {files:?}"
    );
}

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

fn check_files(data: &[u8]) {
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
    for fix in first_fixes(&checked) {
        let fixed: Vec<(PathBuf, String)> = checked
            .files
            .iter()
            .map(|file| {
                let (text, _) = apply_edits(&file.document, file.id, &fix.edits);
                (file.path.clone(), text)
            })
            .collect();
        let rechecked = check_texts(inputs(&fixed), &config, &selection, &NoVcs);
        assert_fix_parses(&checked, &rechecked, &fix.title, &fixed);
    }
}

/// Checks a fixture with every rule, forced on where its configuration turns one off, then what
/// each of its first fixes leaves, the migrations of the fixture's files counted applied or
/// pending as they were before the fix.
fn check_fixture(name: &str, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    let Ok(fixture) = fixture::parse(name, Path::new(name), &text) else {
        return;
    };
    let Ok(config) = fixture.config() else {
        return;
    };
    let selection = Selection {
        select: Some(rules::specs().iter().map(|s| s.id.to_string()).collect()),
        ignore: Vec::new(),
        force_selected: true,
    };
    let check = |files: &[FixtureFile], vcs: &dyn Vcs| {
        let files: Vec<(PathBuf, String)> = files
            .iter()
            .map(|file| (file.path.clone(), file.text.clone()))
            .collect();
        check_texts(inputs(&files), &config, &selection, vcs)
    };
    let checked = check(&fixture.files, &NoVcs);
    for fix in first_fixes(&checked) {
        let after = fixture.apply(&fixture.files, &checked, fix);
        let rechecked = check(&after, &Pinned::new(&checked.history));
        assert_fix_parses(&checked, &rechecked, &fix.title, &after);
    }
}

fuzz_target!(|data: &[u8]| match data.split_first() {
    Some((2, rest)) => check_fixture("fixture.sql", rest),
    Some((3, rest)) => check_fixture("fixture.prisma", rest),
    Some((4, rest)) => check_fixture("fixture.md", rest),
    _ => check_files(data),
});
