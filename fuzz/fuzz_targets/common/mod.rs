//! Turning fuzzer bytes into a text and a sequence of edits of it.
//!
//! The input is the starting text, then optionally a NUL and an edit script: each 4 bytes are
//! one edit (a 16-bit position, a length to delete and a piece to insert, chosen from pieces
//! that open, close and break statements, quotes and comments). The bytes past the script's
//! last whole edit choose where the documents live ([`layout`]).

#![allow(dead_code)]

use ddlint::config::{EditorOverrides, Level};
use ddlint::rules;

/// What an edit inserts: the characters that change how SQL and Prisma split into statements and
/// tokens, multi-byte text, whole statements, and the lines that end a COPY's data, group
/// statements (goose) or mark a migration's applied part.
const PIECES: &[&str] = &[
    "",
    ";",
    "(",
    ")",
    "'",
    "\"",
    "$$",
    "--",
    "/*",
    "*/",
    "\n",
    "\r\n",
    "\r",
    " ",
    "x",
    "é",
    "🚀",
    ",",
    "CREATE TABLE t (id int);\n",
    "timestamp",
    "REFERENCES t (id)",
    "NOT NULL",
    "ALTER TABLE t ADD COLUMN c text;\n",
    "{",
    "}",
    "model M {\n  id Int @id\n}\n",
    "@relation",
    "DROP TABLE t;\n",
    "CREATE INDEX i ON t (id);\n",
    "SET search_path TO public;\n",
    "SET search_path TO app, public;\n",
    "public.",
    "\\",
    "E'",
    "`",
    ".",
    "$f$",
    "COPY t FROM stdin;\n",
    "\\.\n",
    "-- +goose StatementBegin\n",
    "-- +goose StatementEnd\n",
    "-- +goose Up\n",
    "-- +goose Down\n",
];

pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: &'static str,
}

/// At most this many edits per input: each one reparses, and thousands of them make one input
/// take seconds without reaching anything new.
const MAX_EDITS: usize = 64;

/// The text and the raw edit script, with the bytes past its last whole edit kept (they make no
/// edit; the edits target reads their count).
pub fn split(data: &[u8]) -> (String, &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(at) => {
            let script = &data[at + 1..];
            (
                String::from_utf8_lossy(&data[..at]).into_owned(),
                &script[..script.len().min(4 * MAX_EDITS + script.len() % 4)],
            )
        }
        None => (String::from_utf8_lossy(data).into_owned(), &[]),
    }
}

/// `at`, or the nearest offset before it where an LSP position can point: a character
/// boundary, not between the two characters of a CRLF line break.
pub fn position(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) || (text[..at].ends_with('\r') && text[at..].starts_with('\n'))
    {
        at -= 1;
    }
    at
}

/// The next edit of `text` from the script, at positions an editor can send.
pub fn next_edit(text: &str, script: &mut &[u8]) -> Option<Edit> {
    let (&[a, b, len, piece], rest) = script.split_first_chunk::<4>()?;
    *script = rest;
    let start = position(
        text,
        usize::from(u16::from_le_bytes([a, b])) % (text.len() + 1),
    );
    let end = position(text, start + usize::from(len % 24));
    Some(Edit {
        start,
        end,
        text: PIECES[usize::from(piece) % PIECES.len()],
    })
}

pub type Layout = [&'static str; 2];

/// Where two documents live: two schema files of one directory, two migrations of one folder, a
/// migration and its down migration, a Prisma schema and its first migration, a schema file and
/// the Mermaid diagram beside it, the two files of a multi-file Prisma schema, a design document
/// beside a schema file.
pub const LAYOUTS: [Layout; 7] = [
    [
        "/nonexistent-ddlint-fuzz/a.sql",
        "/nonexistent-ddlint-fuzz/b.sql",
    ],
    [
        "/nonexistent-ddlint-fuzz/db/migrations/1_first.up.sql",
        "/nonexistent-ddlint-fuzz/db/migrations/2_second.up.sql",
    ],
    [
        "/nonexistent-ddlint-fuzz/db/migrations/1_first.up.sql",
        "/nonexistent-ddlint-fuzz/db/migrations/1_first.down.sql",
    ],
    [
        "/nonexistent-ddlint-fuzz/prisma/schema.prisma",
        "/nonexistent-ddlint-fuzz/prisma/migrations/20240101000000_init/migration.sql",
    ],
    [
        "/nonexistent-ddlint-fuzz/db/schema.sql",
        "/nonexistent-ddlint-fuzz/db/erd.mmd",
    ],
    [
        "/nonexistent-ddlint-fuzz/prisma/schema/schema.prisma",
        "/nonexistent-ddlint-fuzz/prisma/schema/models/user.prisma",
    ],
    [
        "/nonexistent-ddlint-fuzz/db/design.md",
        "/nonexistent-ddlint-fuzz/db/schema.sql",
    ],
];

/// The layout that the bytes past the script's last whole edit choose, and whether the first
/// document is committed.
pub fn layout(script: &[u8]) -> (&'static Layout, bool) {
    let trailing = &script[script.len() - script.len() % 4..];
    match trailing.last() {
        None => (&LAYOUTS[0], false),
        Some(last) => (
            &LAYOUTS[trailing.len() + 3 * usize::from(last % 2)],
            last & 2 != 0,
        ),
    }
}

/// The editor's settings with every rule on, those off by default too, so that their findings
/// and fixes are reached as well.
pub fn every_rule_on() -> EditorOverrides {
    EditorOverrides {
        rule_levels: rules::specs()
            .iter()
            .map(|spec| (spec.id.to_string(), Level::Warning))
            .collect(),
        baseline: None,
    }
}
