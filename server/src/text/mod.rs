//! Text: byte ranges, line/column positions and their encodings, open documents with edits.
//!
//! The rest of the server works on byte offsets ([`TextRange`]). A position encoding appears only
//! when converting at the edge: LSP positions (UTF-8 or UTF-16, as negotiated) and CLI columns
//! (characters). This module is the only place that knows about encodings.
//!
//! Lines follow LSP: a line ends at `\n`, `\r\n` or a lone `\r`, and `\r\n` is one terminator.
//! Columns never point into a terminator or into a character: converting a position clamps a
//! column past the line's end to that end, a line past the text's end to the text's end, and a
//! column or offset inside a character to that character's start.

mod document;
mod line_index;
mod range;
#[cfg(test)]
mod tests;

pub use document::{Document, EditError, TextEdit};
pub use line_index::{ForwardLineCols, LineIndex};
pub use range::TextRange;

/// How columns count: the unit of [`LineCol::col`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: the LSP default; characters outside the BMP count 2.
    #[default]
    Utf16,
    /// Unicode scalar values (`char`s), as the CLI counts columns.
    Utf32,
}

/// A zero-based line and a column counted in some [`PositionEncoding`].
///
/// Ordered by line, then column, as positions in a text are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineCol {
    pub const fn new(line: u32, col: u32) -> Self {
        Self { line, col }
    }
}

/// The encoding a file's byte-order mark says it is in, when that is not UTF-8.
pub fn foreign_encoding(bytes: &[u8]) -> Option<&'static str> {
    [
        (&[0xff, 0xfe, 0, 0][..], "UTF-32LE"),
        (&[0, 0, 0xfe, 0xff][..], "UTF-32BE"),
        (&[0xff, 0xfe][..], "UTF-16LE"),
        (&[0xfe, 0xff][..], "UTF-16BE"),
    ]
    .into_iter()
    .find(|(mark, _)| bytes.starts_with(mark))
    .map(|(_, encoding)| encoding)
}

/// A file's bytes as UTF-8 text without its byte-order mark, or what the bytes are and how to
/// convert them.
pub fn decode_utf8(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(encoding) = foreign_encoding(&bytes) {
        return Err(format!(
            "{encoding} text (it starts with a {encoding} byte-order mark); ddlint reads UTF-8: \
             convert it, e.g. `iconv -f {encoding} -t UTF-8`"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {}); convert it to UTF-8",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Converts a byte count to `u32`, saturating: texts over 4 GiB are out of scope.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
