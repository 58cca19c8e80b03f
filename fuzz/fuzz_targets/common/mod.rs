//! Turning fuzzer bytes into a text and a sequence of edits of it.
//!
//! The input is the starting text, then optionally a NUL and an edit script: each 4 bytes are
//! one edit (a 16-bit position, a length to delete and a piece to insert, chosen from pieces
//! that open, close and break statements, quotes and comments).

#![allow(dead_code)]

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

/// The next edit of `text` from the script, on character boundaries and never between the two
/// characters of a CRLF line break, where no LSP position can point.
pub fn next_edit(text: &str, script: &mut &[u8]) -> Option<Edit> {
    let (&[a, b, len, piece], rest) = script.split_first_chunk::<4>()?;
    *script = rest;
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at)
            || (text[..at].ends_with('\r') && text[at..].starts_with('\n'))
        {
            at -= 1;
        }
        at
    };
    let start = floor(usize::from(u16::from_le_bytes([a, b])) % (text.len() + 1));
    let end = floor(start + usize::from(len % 24));
    Some(Edit {
        start,
        end,
        text: PIECES[usize::from(piece) % PIECES.len()],
    })
}
