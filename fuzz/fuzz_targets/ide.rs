//! Editor features never panic. The input's documents (a form feed splits it in two) are opened
//! in the language server's host where the edits target would put them, with every rule on; then
//! every file-wide request runs on each (symbols, folding, semantic tokens, inlay hints, the
//! actions of every diagnostic, fix-all, ...), and every request at a position runs at each
//! position its script names (hover, definition, references, highlights, completion, selection
//! ranges, rename, code actions for a range). Each 4 bytes of the script are a 16-bit offset, a
//! byte whose high bit picks the document and whose other bits extend the offset to a range, and
//! a byte that picks the new name of the rename; without a script, 16 positions spread over each
//! document.
//!
//! Where no document has a syntax error, the "Ignore <rule> for this ..." action of the first
//! finding and the "Ignore ... in this file" action of its document are applied: reopened, the
//! documents report the same findings but fewer of that rule (none of those rules in that file).
//! So is the first rename that edits only the documents of a schema that parses and resolves
//! every name, once: reopened, they report no syntax error, unknown reference or duplicate; and
//! each document's fix-all, whose fixes must not break the text together.

#![no_main]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

use ddlint::diagnostic::Edit;
use ddlint::fix::apply_edits;
use ddlint::ide::{self, ActionContext, CompletionConfig, Renamed};
use ddlint::model::Loc;
use ddlint::text::{PositionEncoding, TextRange};
use ddlint::workspace::host::{Change, FileView, Host, Snapshot};

use common::{Layout, every_rule_on, layout, position, split};

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
    let text = &file.data.text;
    let whole = TextRange::new(0, text.len() as u32);
    check_symbols(text, &ide::document_symbols(file), whole);
    for fold in ide::folding_ranges(file) {
        assert!(
            in_text(text, fold.range),
            "fold {:?} outside the text",
            fold.range
        );
    }
    check_tokens(text, &ide::semantic_tokens(file, whole));
    for hint in ide::inlay_hints(file, whole) {
        assert!(
            in_text(text, TextRange::empty(hint.offset)),
            "inlay hint {:?} at {}",
            hint.label,
            hint.offset
        );
    }
    if let Some(edits) = ide::fix_all(file) {
        check_edits(snapshot, &edits, "fix-all");
    }
    ide::suppress_file(file);
    ide::update_erd(file, whole);
    for diagnostic in file.diagnostics.iter() {
        let mut locations = vec![Loc {
            file: diagnostic.file,
            range: diagnostic.range,
        }];
        locations.extend(diagnostic.related.iter().map(|related| related.loc));
        check_locations(snapshot, &locations, diagnostic.rule);
    }
    let every: Vec<_> = file.diagnostics.iter().collect();
    for action in ide::code_actions(snapshot, file, &every, CONTEXT) {
        check_edits(snapshot, &action.edits, &action.title);
    }
}

// What clients hold answers to: VS Code rejects a symbol with an empty name or whose name lies
// outside it and a selection range that does not contain the one before it, a completion range
// must be on the cursor's line and hold it, semantic tokens are sent as deltas from the one
// before, and the edits of one workspace edit must not overlap.

/// Whether `range` lies in `text`, on character boundaries.
fn in_text(text: &str, range: TextRange) -> bool {
    range.start() <= range.end()
        && text.is_char_boundary(range.start() as usize)
        && text.is_char_boundary(range.end() as usize)
}

fn contains(outer: TextRange, inner: TextRange) -> bool {
    outer.start() <= inner.start() && inner.end() <= outer.end()
}

fn check_symbols(text: &str, symbols: &[ide::DocumentSymbol], parent: TextRange) {
    for symbol in symbols {
        assert!(
            !symbol.name.is_empty()
                && in_text(text, symbol.range)
                && contains(symbol.range, symbol.selection)
                && contains(parent, symbol.range),
            "symbol {:?} at {:?}, named at {:?}, in {parent:?}",
            symbol.name,
            symbol.range,
            symbol.selection
        );
        check_symbols(text, &symbol.children, symbol.range);
    }
}

fn check_tokens(text: &str, tokens: &[ide::Token]) {
    for token in tokens {
        assert!(
            in_text(text, token.range) && !token.range.is_empty(),
            "token {token:?} is empty or outside the text"
        );
    }
    for pair in tokens.windows(2) {
        assert!(
            pair[0].range.end() <= pair[1].range.start(),
            "tokens out of order or overlapping: {pair:?}"
        );
    }
}

/// Each location lies in its file's text.
fn check_locations(snapshot: &Snapshot, locations: &[Loc], what: &str) {
    for loc in locations {
        if let Some(file) = snapshot.file_by_id(loc.file) {
            assert!(
                in_text(&file.data.document, loc.range),
                "{what}: {:?} outside its text",
                loc.range
            );
        }
    }
}

/// Each file's edits lie in its text and do not overlap (inserts at one offset may follow each
/// other).
fn check_edits(snapshot: &Snapshot, edits: &[Edit], what: &str) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.file, edit.range.start(), edit.range.end()));
    for edit in &sorted {
        if let Some(file) = snapshot.file_by_id(edit.file) {
            assert!(
                in_text(&file.data.document, edit.range),
                "{what}: an edit at {:?} outside its text",
                edit.range
            );
        }
    }
    for pair in sorted.windows(2) {
        assert!(
            pair[0].file != pair[1].file || pair[0].range.end() <= pair[1].range.start(),
            "{what}: overlapping edits {:?} and {:?}",
            pair[0],
            pair[1]
        );
    }
}

/// The requests at a position; a rename that succeeds is returned.
fn requests_at(
    snapshot: &Snapshot,
    file: &FileView,
    offset: u32,
    range: TextRange,
    name: &str,
) -> Option<Renamed> {
    let text = &file.data.text;
    let cursor = TextRange::empty(offset);
    if let Some(hover) = ide::hover(snapshot, file, offset) {
        assert!(in_text(text, hover.range), "hover over {:?}", hover.range);
    }
    if let Some(navigation) = ide::definition(snapshot, file, offset) {
        assert!(
            contains(navigation.origin, cursor),
            "definition from {:?} at {offset}",
            navigation.origin
        );
        check_locations(snapshot, &navigation.targets, "definition");
    }
    check_locations(
        snapshot,
        &ide::references(snapshot, file, offset, true),
        "references",
    );
    for highlight in ide::highlights(snapshot, file, offset) {
        assert!(
            in_text(text, highlight.range),
            "highlight {:?}",
            highlight.range
        );
    }
    if let Some(completions) = ide::completion(file, offset, CompletionConfig { snippets: true }) {
        let range = completions.range;
        assert!(
            contains(range, cursor)
                && in_text(text, range)
                && !text[range.start() as usize..range.end() as usize].contains(['\n', '\r']),
            "completion replaces {range:?} for the cursor at {offset}"
        );
    }
    let selections = ide::selection_ranges(file, offset);
    assert!(
        selections
            .first()
            .is_none_or(|first| contains(*first, cursor))
            && selections.windows(2).all(|pair| contains(pair[1], pair[0])),
        "selection ranges {selections:?} at {offset}"
    );
    let renamed = ide::prepare_rename(file, offset)
        .ok()
        .and_then(|_| ide::rename(snapshot, file, offset, name, CONTEXT.now_utc).ok());
    if let Some(renamed) = &renamed {
        check_edits(snapshot, &renamed.edits, "rename");
    }
    let requested = ide::requested_diagnostics(file, range, &[]);
    for action in ide::code_actions(snapshot, file, &requested, CONTEXT) {
        check_edits(snapshot, &action.edits, &action.title);
    }
    ide::update_erd(file, range);
    check_tokens(text, &ide::semantic_tokens(file, range));
    ide::inlay_hints(file, range);
    renamed
}

/// Findings a rename must not add: a text it broke, a reference it left naming the old name, a
/// name it made collide.
const BROKEN_BY_RENAME: &[&str] = &[
    "syntax-error",
    "unknown-column-reference",
    "foreign-key-unknown-target",
    "unknown-type",
    "duplicate-table",
    "duplicate-column",
];

/// Applies a rename that edits only the documents (no new migration) and checks what the
/// reopened documents report.
fn check_rename(
    snapshot: &Snapshot,
    layout: &Layout,
    texts: &[&str],
    renamed: &Renamed,
    new_name: &str,
) {
    let mut renamed_texts: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
    let mut applied = 0;
    for (index, path) in layout.iter().enumerate().take(texts.len()) {
        let Some(file) = snapshot.file(Path::new(path)) else {
            continue;
        };
        applied += renamed
            .edits
            .iter()
            .filter(|edit| edit.file == file.data.id)
            .count();
        renamed_texts[index] = apply_edits(&file.data.document, file.data.id, &renamed.edits).0;
    }
    if applied != renamed.edits.len() {
        return;
    }
    let count = |findings: &BTreeMap<(usize, &'static str), usize>, rule: &str| {
        findings
            .iter()
            .filter(|((_, r), _)| *r == rule)
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    let before = findings(snapshot, layout);
    // Only a schema that parses and resolves every name is held to it: error recovery may read a
    // renamed statement differently, which of two definitions of one name a reference means
    // changes once one is renamed, and a name nothing defines may come to mean the renamed one.
    if BROKEN_BY_RENAME.iter().any(|rule| count(&before, rule) > 0) {
        return;
    }
    let renamed_texts: Vec<&str> = renamed_texts.iter().map(String::as_str).collect();
    let after = findings(&open(layout, &renamed_texts), layout);
    for rule in BROKEN_BY_RENAME {
        assert!(
            count(&after, rule) == 0,
            "renaming to {new_name:?} added {rule} findings: {after:?} in {renamed_texts:?}"
        );
    }
}

/// The documents opened at the layout's paths, with every rule on.
fn open(layout: &Layout, texts: &[&str]) -> Arc<Snapshot> {
    let mut host = Host::new(PositionEncoding::Utf16, None);
    host.configure(None, every_rule_on());
    for (path, text) in layout.iter().zip(texts) {
        host.apply(Change::Open {
            path: PathBuf::from(path),
            language: None,
            version: 1,
            text: (*text).to_owned(),
        });
    }
    host.commit().snapshot
}

/// How many findings of each rule each document has, by the document's place in the layout.
fn findings(snapshot: &Snapshot, layout: &Layout) -> BTreeMap<(usize, &'static str), usize> {
    let mut counts = BTreeMap::new();
    for (index, path) in layout.iter().enumerate() {
        for diagnostic in snapshot
            .file(Path::new(path))
            .iter()
            .flat_map(|f| f.diagnostics.iter())
        {
            *counts.entry((index, diagnostic.rule)).or_default() += 1;
        }
    }
    counts
}

/// Applies the ignore actions of the first finding and each document's fix-all (see the module's
/// comment), and checks what the reopened documents report.
fn check_actions(snapshot: &Snapshot, layout: &Layout, texts: &[&str]) {
    let before = findings(snapshot, layout);
    if before.keys().any(|(_, rule)| *rule == "syntax-error") {
        return;
    }
    let Some((index, file, diagnostic)) = layout.iter().enumerate().find_map(|(index, path)| {
        let file = snapshot.file(Path::new(path))?;
        let diagnostic = file
            .diagnostics
            .iter()
            .find(|d| d.rule != "unused-suppression")?;
        Some((index, file, diagnostic))
    }) else {
        return;
    };
    let reopened = |edits: &[Edit]| {
        let mut texts: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
        texts[index] = apply_edits(&file.data.document, file.data.id, edits).0;
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        findings(&open(layout, &texts), layout)
    };
    let title = format!("Ignore {} for this ", diagnostic.rule);
    let actions = ide::code_actions(snapshot, file, &[diagnostic], CONTEXT);
    if let Some(ignore) = actions.iter().find(|a| a.title.starts_with(&title)) {
        let after = reopened(&ignore.edits);
        let mut expected = before.clone();
        let key = (index, diagnostic.rule);
        let fewer = after.get(&key).copied().unwrap_or(0) < before[&key];
        expected.remove(&key);
        let mut rest = after.clone();
        rest.remove(&key);
        assert!(
            fewer && rest == expected,
            "{:?} changed the findings from {before:?} to {after:?}",
            ignore.title
        );
    }
    for (index, path) in layout.iter().enumerate().take(texts.len()) {
        let Some(file) = snapshot.file(Path::new(path)) else {
            continue;
        };
        let Some(edits) = ide::fix_all(file) else {
            continue;
        };
        let mut fixed: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
        fixed[index] = apply_edits(&file.data.document, file.data.id, &edits).0;
        let fixed: Vec<&str> = fixed.iter().map(String::as_str).collect();
        let after = findings(&open(layout, &fixed), layout);
        assert!(
            !after.keys().any(|(_, rule)| *rule == "syntax-error"),
            "fix-all broke the text: {fixed:?}"
        );
    }
    if let Some((title, edit)) = ide::suppress_file(file) {
        let after = reopened(&[edit]);
        let expected: BTreeMap<_, _> = before
            .into_iter()
            .filter(|((at, rule), _)| *at != index || *rule == "unused-suppression")
            .collect();
        assert!(
            after == expected,
            "{title:?} left the findings {after:?}, not {expected:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let (text, script) = split(data);
    let (layout, _) = layout(script);
    let texts: Vec<&str> = text.splitn(2, '\u{c}').collect();
    let snapshot = open(layout, &texts);
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
    for query in ["", "user"] {
        for symbol in ide::workspace_symbols(&snapshot, query) {
            assert!(!symbol.name.is_empty(), "a symbol with an empty name");
            check_locations(&snapshot, &[symbol.loc], &symbol.name);
        }
    }
    check_actions(&snapshot, layout, &texts);
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
    let mut first_rename = None;
    for [a, b, extent, name] in chunks {
        let file = files[usize::from(extent >> 7) % files.len()];
        let text = &file.data.text;
        let start = position(
            text,
            usize::from(u16::from_le_bytes([a, b])) % (text.len() + 1),
        );
        let end = position(text, start + usize::from(extent & 0x7f));
        let name = NAMES[usize::from(name) % NAMES.len()];
        let renamed = requests_at(
            &snapshot,
            file,
            start as u32,
            TextRange::new(start as u32, end as u32),
            name,
        );
        if first_rename.is_none() {
            first_rename = renamed
                .filter(|renamed| renamed.new_files.is_empty())
                .map(|renamed| (renamed, name));
        }
    }
    if let Some((renamed, name)) = first_rename {
        check_rename(&snapshot, layout, &texts, &renamed, name);
    }
});
