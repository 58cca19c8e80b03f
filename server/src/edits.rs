//! Test helpers for editing a file the way the language server does, with a reproducible
//! stream of choices.

use std::sync::Arc;

use crate::analysis::FileData;
use crate::lower::ChangedSpan;
use crate::text::{Document, TextRange};

/// A deterministic stream of numbers (a linear congruential generator).
pub(crate) struct Numbers(pub u64);

impl Numbers {
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

/// Edits `file` as the language server does (incremental reparse, lowered statements reused).
pub(crate) fn edited(
    file: &FileData,
    document: &mut Document,
    range: TextRange,
    text: &str,
) -> FileData {
    let applied = document.apply_edit(range, text).unwrap();
    let span = ChangedSpan::of_edit(
        applied.new_range.start(),
        applied.old_range.end(),
        applied.new_range.end(),
    );
    file.reparsed(Arc::from(document.text()), &[applied.input_edit()], span)
}
