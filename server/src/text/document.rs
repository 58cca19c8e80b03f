//! Open editor documents: a rope that takes LSP-style incremental changes.

use std::fmt;
use std::sync::Arc;

use ropey::{Rope, RopeSlice};
use tree_sitter::{InputEdit, Point};

use super::{LineCol, PositionEncoding, TextRange, to_u32};

/// The text of one open document and its version, changed in place by edits.
///
/// Conversions go through the rope's own line index (`O(log n)` each), so a large file needs no
/// separate [`super::LineIndex`] rebuilt on every keystroke. Cloning is cheap (the rope shares its
/// nodes), which makes a clone a fine snapshot.
#[derive(Clone, Debug)]
pub struct Document {
    rope: Rope,
    version: i32,
    /// How many `\r` are not followed by `\n`. Tree-sitter counts rows by `\n` alone, so while
    /// this is zero its rows are the rope's lines and points are cheap.
    lone_crs: usize,
    /// The copies [`Document::shared_text`] handed out last: once nobody else holds one, the
    /// next copy is written into its memory.
    copies: Vec<Arc<String>>,
}

/// How many copies of its text a document keeps to write the next one into: the analyses of
/// the two versions before an edit are often still held when it is copied.
const KEPT_COPIES: usize = 3;

/// Texts from this size are copied into new memory each time: a kept copy would cost more
/// memory than it saves time.
const KEPT_COPY_MAX_BYTES: usize = 16 << 20;

/// One applied edit, in bytes: `old_range` of the old text became `new_range` of the new text.
///
/// Also carries the tree-sitter points of the edit, computed from the old text before it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub old_range: TextRange,
    pub new_range: TextRange,
    start_point: Point,
    old_end_point: Point,
    new_end_point: Point,
}

impl TextEdit {
    /// The edit for [`tree_sitter::Tree::edit`], before reparsing with the old tree.
    pub fn input_edit(&self) -> InputEdit {
        InputEdit {
            start_byte: self.old_range.start() as usize,
            old_end_byte: self.old_range.end() as usize,
            new_end_byte: self.new_range.end() as usize,
            start_position: self.start_point,
            old_end_position: self.old_end_point,
            new_end_position: self.new_end_point,
        }
    }
}

/// A change that could not be applied; the document is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditError {
    /// The change's range starts after it ends.
    InvertedRange { start: LineCol, end: LineCol },
    /// The text would grow past 4 GiB, the most a byte offset can address.
    TooLarge,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvertedRange { start, end } => write!(
                f,
                "change range starts at {}:{}, after its end at {}:{} (zero-based line:column)",
                start.line, start.col, end.line, end.col
            ),
            Self::TooLarge => f.write_str("the edited text would be larger than 4 GiB"),
        }
    }
}

impl std::error::Error for EditError {}

impl Document {
    pub fn new(text: &str, version: i32) -> Self {
        let rope = Rope::from_str(text);
        let lone_crs = lone_crs_in(&rope, 0, rope.len_bytes());
        Self {
            rope,
            version,
            lone_crs,
            copies: Vec::new(),
        }
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn set_version(&mut self, version: i32) {
        self.version = version;
    }

    /// The rope itself, for reading slices or chunks without copying.
    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// A copy of the whole text, a chunk at a time (`to_string` formats it, several times
    /// slower on a large file).
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.rope.len_bytes());
        for chunk in self.rope.chunks() {
            text.push_str(chunk);
        }
        text
    }

    /// [`Document::text`], shared. On a large file this copy is made at every keystroke: made
    /// in new memory, it spent most of its time on the system's page faults and the allocator's
    /// search for a block, so the memory of a copy nobody holds any more is used again.
    pub fn shared_text(&mut self) -> Arc<String> {
        let len = self.rope.len_bytes();
        let free = self
            .copies
            .iter()
            .position(|copy| Arc::strong_count(copy) == 1 && copy.capacity() >= len);
        let mut text = free
            .and_then(|index| Arc::try_unwrap(self.copies.remove(index)).ok())
            .unwrap_or_default();
        text.clear();
        // Room to grow: typing makes each version longer than the last.
        text.reserve_exact(len + len / 32 + 64);
        for chunk in self.rope.chunks() {
            text.push_str(chunk);
        }
        let text = Arc::new(text);
        if len <= KEPT_COPY_MAX_BYTES {
            if self.copies.len() == KEPT_COPIES {
                self.copies.remove(0);
            }
            self.copies.push(Arc::clone(&text));
        } else {
            self.copies.clear();
        }
        text
    }

    pub fn len(&self) -> u32 {
        to_u32(self.rope.len_bytes())
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    /// The number of lines: one more than the number of terminators.
    pub fn line_count(&self) -> u32 {
        to_u32(self.rope.len_lines())
    }

    /// The position of byte `offset`, clamped and rounded down as [`super::LineIndex::line_col`].
    pub fn offset_to_position(&self, offset: u32, encoding: PositionEncoding) -> LineCol {
        let byte = (offset as usize).min(self.rope.len_bytes());
        let char_idx = self.rope.byte_to_char(byte);
        let line = self.rope.char_to_line(char_idx);
        let slice = self.rope.line(line);
        let in_line = (char_idx - self.rope.line_to_char(line)).min(content_chars(slice));
        let col = match encoding {
            PositionEncoding::Utf8 => slice.char_to_byte(in_line),
            PositionEncoding::Utf16 => slice.char_to_utf16_cu(in_line),
            PositionEncoding::Utf32 => in_line,
        };
        LineCol::new(to_u32(line), to_u32(col))
    }

    /// The byte offset of `position`, clamped and rounded down as [`super::LineIndex::offset`].
    pub fn position_to_offset(&self, position: LineCol, encoding: PositionEncoding) -> u32 {
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.len();
        }
        let slice = self.rope.line(line);
        let content = content_chars(slice);
        let col = position.col as usize;
        let in_line = match encoding {
            PositionEncoding::Utf8 => slice.byte_to_char(col.min(slice.char_to_byte(content))),
            PositionEncoding::Utf16 => {
                slice.utf16_cu_to_char(col.min(slice.char_to_utf16_cu(content)))
            }
            PositionEncoding::Utf32 => col.min(content),
        };
        to_u32(self.rope.line_to_byte(line) + slice.char_to_byte(in_line))
    }

    /// Applies one change of an LSP `didChange` notification: `range` in `encoding`, or `None`
    /// to replace the whole text. Positions are clamped as [`Document::position_to_offset`].
    pub fn apply_change(
        &mut self,
        range: Option<(LineCol, LineCol)>,
        text: &str,
        encoding: PositionEncoding,
    ) -> Result<TextEdit, EditError> {
        let range = match range {
            None => TextRange::new(0, self.len()),
            Some((start, end)) if start > end => {
                return Err(EditError::InvertedRange { start, end });
            }
            Some((start, end)) => TextRange::new(
                self.position_to_offset(start, encoding),
                self.position_to_offset(end, encoding),
            ),
        };
        self.apply_edit(range, text)
    }

    /// Replaces the bytes of `range` with `text`. Ends past the text are clamped to its end, and
    /// ends inside a character move to that character's start.
    pub fn apply_edit(&mut self, range: TextRange, text: &str) -> Result<TextEdit, EditError> {
        let len = self.rope.len_bytes();
        let start_char = self.rope.byte_to_char((range.start() as usize).min(len));
        let end_char = self.rope.byte_to_char((range.end() as usize).min(len));
        let start = self.rope.char_to_byte(start_char);
        let end = self.rope.char_to_byte(end_char);
        let new_end = start + text.len();
        if u32::try_from(len - (end - start) + text.len()).is_err() {
            return Err(EditError::TooLarge);
        }

        let start_point = self.point(start);
        let old_end_point = self.point(end);
        let new_end_point = match text.rfind('\n') {
            Some(last) => Point::new(
                start_point.row + text.bytes().filter(|&b| b == b'\n').count(),
                text.len() - last - 1,
            ),
            None => Point::new(start_point.row, start_point.column + text.len()),
        };

        let removed_lone_crs = lone_crs_in(&self.rope, start, end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, text);
        self.lone_crs = self.lone_crs - removed_lone_crs + lone_crs_in(&self.rope, start, new_end);

        Ok(TextEdit {
            old_range: TextRange::from(start..end),
            new_range: TextRange::from(start..new_end),
            start_point,
            old_end_point,
            new_end_point,
        })
    }

    /// The bytes from `byte` to the end of the rope chunk holding it; empty at or past the end.
    /// Tree-sitter reads a rope through this without copying it:
    /// `parser.parse_with_options(&mut |byte, _| doc.chunk_at_byte(byte), old_tree, None)`.
    pub fn chunk_at_byte(&self, byte: usize) -> &[u8] {
        if byte >= self.rope.len_bytes() {
            return &[];
        }
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(byte);
        chunk
            .as_bytes()
            .get(byte - chunk_start..)
            .unwrap_or_default()
    }

    /// The tree-sitter point of `byte` (a char boundary): the row counts `\n` only, the column
    /// is in bytes.
    fn point(&self, byte: usize) -> Point {
        if self.lone_crs == 0 {
            let line = self.rope.byte_to_line(byte);
            return Point::new(line, byte - self.rope.line_to_byte(line));
        }
        // Lone `\r` ends a rope line but not a tree-sitter row; such files are rare enough
        // that counting from the start is acceptable.
        let mut row = 0;
        let mut row_start = 0;
        let mut chunk_start = 0;
        for chunk in self.rope.chunks() {
            if chunk_start >= byte {
                break;
            }
            let prefix = chunk
                .as_bytes()
                .get(..byte - chunk_start)
                .unwrap_or(chunk.as_bytes());
            for (i, _) in prefix.iter().enumerate().filter(|&(_, &b)| b == b'\n') {
                row += 1;
                row_start = chunk_start + i + 1;
            }
            chunk_start += chunk.len();
        }
        Point::new(row, byte - row_start)
    }
}

/// The number of chars of a rope line without its terminator.
fn content_chars(line: RopeSlice<'_>) -> usize {
    let len = line.len_chars();
    match line.get_char(len.wrapping_sub(1)) {
        Some('\n') if len >= 2 && line.char(len - 2) == '\r' => len - 2,
        Some('\n' | '\r') => len - 1,
        _ => len,
    }
}

/// How many lone `\r` lie in bytes `start - 1 .. end`: the ones an edit of `start..end` can
/// remove, or create, since the byte after `start - 1` changes.
fn lone_crs_in(rope: &Rope, start: usize, end: usize) -> usize {
    let from = start.saturating_sub(1);
    let mut bytes = rope.bytes_at(from).peekable();
    let mut count = 0;
    for _ in from..end {
        let Some(byte) = bytes.next() else { break };
        if byte == b'\r' && bytes.peek() != Some(&b'\n') {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each shared copy holds the text of its version; the memory of a copy nobody else holds
    /// any more is written over by the next, that of one still held never is.
    #[test]
    fn shared_copies_reuse_only_the_memory_of_copies_nobody_holds() {
        let mut doc = Document::new("CREATE TABLE t (id int);\n", 1);
        let held = doc.shared_text();
        let mut addresses = vec![held.as_ptr()];
        for n in 0..12u32 {
            doc.apply_edit(TextRange::empty(n), "é").unwrap();
            let copy = doc.shared_text();
            assert_eq!(*copy, doc.text());
            addresses.push(copy.as_ptr());
        }
        // Only the first copy is still held: every later one was let go when the next was made.
        assert_eq!(*held, "CREATE TABLE t (id int);\n");
        assert!(!addresses[1..].contains(&held.as_ptr()));
        let distinct: std::collections::HashSet<_> = addresses[1..].iter().collect();
        assert!(
            distinct.len() <= KEPT_COPIES,
            "{} buffers for 12 copies",
            distinct.len()
        );
        // A copy larger than any kept one gets memory of its own.
        let long = "x".repeat(4096);
        doc.apply_edit(TextRange::empty(0), &long).unwrap();
        assert_eq!(*doc.shared_text(), doc.text());
    }

    fn count_lone_crs(text: &str) -> usize {
        text.match_indices('\r')
            .filter(|&(i, _)| !text[i + 1..].starts_with('\n'))
            .count()
    }

    #[test]
    fn lone_carriage_returns_are_counted_across_edits() {
        let mut doc = Document::new("a\r\nb\rc", 0);
        assert_eq!(doc.lone_crs, 1);
        let edits = [
            // Split the `\r\n`, then join it again.
            ((3, 3), "x"),
            ((3, 4), ""),
            // Join the lone `\r` with a new `\n`, then remove both.
            ((6, 6), "\n"),
            ((5, 7), ""),
            // New lone `\r`s at the start, in the middle and at the end.
            ((0, 0), "\r"),
            ((4, 4), "\r\r\n\r"),
            ((10, 10), "\r"),
            // Delete the `\n` after a `\r`.
            ((5, 6), ""),
            ((0, 10), "y"),
        ];
        for ((start, end), text) in edits {
            doc.apply_edit(TextRange::new(start, end), text).unwrap();
            let text = doc.text();
            assert_eq!(doc.lone_crs, count_lone_crs(&text), "{text:?}");
        }
    }
}
