//! The whole analysis: lowering, the model, every rule and every fix never panic, and the text a
//! fix leaves checks again without a panic. Input with a NUL is two migrations of one folder
//! (so the migration rules run), else one schema file.

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

fuzz_target!(|data: &[u8]| {
    let files: Vec<(PathBuf, String)> = match data.iter().position(|&b| b == 0) {
        Some(at) => vec![
            (
                PathBuf::from("/db/migrations/0001_init.sql"),
                String::from_utf8_lossy(&data[..at]).into_owned(),
            ),
            (
                PathBuf::from("/db/migrations/0002_change.sql"),
                String::from_utf8_lossy(&data[at + 1..]).into_owned(),
            ),
        ],
        None => vec![(
            PathBuf::from("/db/schema.sql"),
            String::from_utf8_lossy(data).into_owned(),
        )],
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
