//! Parse a text, edit it incrementally, and compare with a fresh parse of the result: the same
//! syntax errors (messages included) and the same statements, broken ones included.

use std::path::PathBuf;
use std::sync::Arc;

use ddlint::analysis::FileData;
use ddlint::lower::ChangedSpan;
use ddlint::model::FileId;
use ddlint::syntax::Language;
use ddlint::text::{Document, TextRange};

use crate::common::{next_edit, split};

pub fn run(language: Language, data: &[u8]) {
    let (text, mut script) = split(data);
    let path = PathBuf::from(match language {
        Language::Sql => "schema.sql",
        Language::Prisma => "schema.prisma",
    });
    let mut file = FileData::new(FileId(1), path.clone(), language, Arc::new(text.clone()));
    let mut document = Document::new(&text, 0);
    let mut current = text;
    while let Some(edit) = next_edit(&current, &mut script) {
        let range = TextRange::new(edit.start as u32, edit.end as u32);
        let Ok(applied) = document.apply_edit(range, edit.text) else {
            return;
        };
        let span = ChangedSpan::of_edit(
            applied.new_range.start(),
            applied.old_range.end(),
            applied.new_range.end(),
        );
        current = document.text();
        file = file.reparsed(Arc::new(current.clone()), &[applied.input_edit()], span);
    }
    let fresh = FileData::new(FileId(1), path, language, Arc::new(current.clone()));
    assert_eq!(
        file.syntax_errors, fresh.syntax_errors,
        "incremental and fresh syntax errors differ for {current:?}"
    );
    let placed = |f: &FileData| {
        f.statements
            .iter()
            .map(|s| (s.start, Arc::clone(&s.lowered)))
            .collect::<Vec<_>>()
    };
    assert!(
        placed(&file) == placed(&fresh),
        "incremental and fresh statements differ for {current:?}"
    );
}
