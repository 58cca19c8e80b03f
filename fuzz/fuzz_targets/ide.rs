//! Editor features never panic. The input's documents (a form feed splits it in two) are opened
//! in the language server's host where the edits target would put them, with every rule on; then
//! every file-wide request runs on each (symbols, folding, semantic tokens, inlay hints, the
//! actions of every diagnostic, fix-all, ...), and every request at a position runs at each
//! position its script names (hover, definition, references, highlights, completion, selection
//! ranges, rename, code actions for a range). Each 4 bytes of the script are a 16-bit offset, a
//! byte whose high bit picks the document and whose other bits extend the offset to a range, and
//! a byte that picks the new name of the rename; without a script, 16 positions spread over each
//! document.

#![no_main]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

use ddlint::ide::{self, ActionContext, CompletionConfig};
use ddlint::text::{PositionEncoding, TextRange};
use ddlint::workspace::host::{Change, FileView, Host, Snapshot};

use common::{every_rule_on, layout, position, split};

/// New names for renames: valid ones, ones that would need quotes, one PostgreSQL would cut to
/// 63 bytes, a Prisma one and none.
const NAMES: &[&str] = &[
    "renamed",
    "x",
    "Users",
    "a b",
    "select",
    "a_name_postgresql_would_cut_short_as_it_is_longer_than_sixty_three_bytes",
    "User",
    "",
];

/// A fixed clock, so that the names of new migrations repeat.
const CONTEXT: ActionContext = ActionContext {
    creates_files: true,
    now_utc: 1_700_000_000,
};

fn whole_file_requests(snapshot: &Snapshot, file: &FileView) {
    let whole = TextRange::new(0, file.data.text.len() as u32);
    ide::document_symbols(file);
    ide::folding_ranges(file);
    ide::semantic_tokens(file, whole);
    ide::inlay_hints(file, whole);
    ide::fix_all(file);
    ide::suppress_file(file);
    ide::update_erd(file, whole);
    let every: Vec<_> = file.diagnostics.iter().collect();
    ide::code_actions(snapshot, file, &every, CONTEXT);
}

fn requests_at(snapshot: &Snapshot, file: &FileView, offset: u32, range: TextRange, name: &str) {
    ide::hover(snapshot, file, offset);
    ide::definition(snapshot, file, offset);
    ide::references(snapshot, file, offset, true);
    ide::highlights(snapshot, file, offset);
    ide::completion(file, offset, CompletionConfig { snippets: true });
    ide::selection_ranges(file, offset);
    if ide::prepare_rename(file, offset).is_ok() {
        let _ = ide::rename(snapshot, file, offset, name, CONTEXT.now_utc);
    }
    let requested = ide::requested_diagnostics(file, range, &[]);
    ide::code_actions(snapshot, file, &requested, CONTEXT);
    ide::update_erd(file, range);
    ide::semantic_tokens(file, range);
    ide::inlay_hints(file, range);
}

fuzz_target!(|data: &[u8]| {
    let (text, script) = split(data);
    let (layout, _) = layout(script);
    let mut host = Host::new(PositionEncoding::Utf16, None);
    host.configure(None, every_rule_on());
    for (path, text) in layout.iter().zip(text.splitn(2, '\u{c}')) {
        host.apply(Change::Open {
            path: PathBuf::from(path),
            language: None,
            version: 1,
            text: text.to_owned(),
        });
    }
    let snapshot = host.commit().snapshot;
    let files: Vec<&Arc<FileView>> = layout
        .iter()
        .filter_map(|path| snapshot.file(Path::new(path)))
        .collect();
    if files.is_empty() {
        return;
    }
    for file in &files {
        whole_file_requests(&snapshot, file);
    }
    ide::workspace_symbols(&snapshot, "");
    ide::workspace_symbols(&snapshot, "user");
    // Without a script (a seed), positions spread over each document.
    let chunks: Vec<[u8; 4]> = if script.len() < 4 {
        (0..files.len() * 16)
            .map(|n| {
                let file = n / 16;
                let len = files[file].data.text.len();
                let [a, b] = u16::try_from(len * (n % 16) / 16)
                    .unwrap_or(u16::MAX)
                    .to_le_bytes();
                [a, b, (file as u8) << 7 | 8, n as u8]
            })
            .collect()
    } else {
        script
            .chunks_exact(4)
            .map(|chunk| [chunk[0], chunk[1], chunk[2], chunk[3]])
            .collect()
    };
    for [a, b, extent, name] in chunks {
        let file = files[usize::from(extent >> 7) % files.len()];
        let text = &file.data.text;
        let start = position(
            text,
            usize::from(u16::from_le_bytes([a, b])) % (text.len() + 1),
        );
        let end = position(text, start + usize::from(extent & 0x7f));
        let name = NAMES[usize::from(name) % NAMES.len()];
        requests_at(
            &snapshot,
            file,
            start as u32,
            TextRange::new(start as u32, end as u32),
            name,
        );
    }
});
