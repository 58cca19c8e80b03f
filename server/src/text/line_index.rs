//! Line/column conversions for a text that does not change (CLI runs, snapshots).

use super::{LineCol, PositionEncoding, TextRange, to_u32};

/// Where each line of a text starts and ends, and where its non-ASCII characters are, so that
/// byte offsets and [`LineCol`] positions convert without the text.
///
/// A lookup costs a binary search over the lines, plus a walk over the non-ASCII characters of
/// that one line; a pure-ASCII line converts in constant time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    lines: Vec<Line>,
    /// The non-ASCII characters of the whole text, in order; each line owns a contiguous run.
    wide: Vec<WideChar>,
    len: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Line {
    start: u32,
    /// The end of the line's content, before its terminator.
    end: u32,
    /// The index in `wide` of the line's first non-ASCII character.
    wide_start: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    start: u32,
    /// The UTF-8 length: 2, 3 or 4.
    len: u8,
}

impl WideChar {
    fn end(self) -> u32 {
        self.start + u32::from(self.len)
    }

    fn width(self, encoding: PositionEncoding) -> u32 {
        match encoding {
            PositionEncoding::Utf8 => u32::from(self.len),
            PositionEncoding::Utf16 if self.len == 4 => 2,
            PositionEncoding::Utf16 | PositionEncoding::Utf32 => 1,
        }
    }
}

impl LineIndex {
    /// Indexes `text` in one pass. Only its first 4 GiB are indexed; offsets beyond convert as
    /// the end of that prefix.
    pub fn new(text: &str) -> Self {
        let bytes = indexed_prefix(text);
        let mut index = Self {
            lines: Vec::new(),
            wide: Vec::new(),
            len: to_u32(bytes.len()),
        };
        index.scan_to_end(bytes, 0);
        index
    }

    /// The index of `text`, which this index's text became by replacing `old` (a range of the
    /// previous text) with `inserted` bytes. Only the lines around the edit are scanned again;
    /// the others are moved.
    pub fn edited(&self, text: &str, old: TextRange, inserted: u32) -> Self {
        if text.len() >= u32::MAX as usize || self.len as usize >= u32::MAX as usize {
            return Self::new(text);
        }
        let bytes = indexed_prefix(text);
        let delta = i64::from(inserted) - i64::from(old.len());
        // One line of margin on each side keeps a `\r\n` pair that the edit joins or splits inside
        // the scanned part.
        let first = self.line_index(old.start()).saturating_sub(1);
        let resume = self.line_index(old.end()) + 2;
        let from = self.lines[first].start;
        let mut index = Self {
            lines: self.lines[..first].to_vec(),
            wide: self.wide[..self.lines[first].wide_start as usize].to_vec(),
            len: to_u32(bytes.len()),
        };
        let Some(kept) = self.lines.get(resume) else {
            index.scan_to_end(bytes, from as usize);
            return index;
        };
        let moved = |offset: u32| (i64::from(offset) + delta) as u32;
        let until = moved(kept.start) as usize;
        let (line_start, _) = index.scan(bytes, from as usize, until);
        debug_assert_eq!(line_start, until);
        let wide_shift = index.wide.len() as i64 - i64::from(kept.wide_start);
        index
            .lines
            .extend(self.lines[resume..].iter().map(|line| Line {
                start: moved(line.start),
                end: moved(line.end),
                wide_start: (i64::from(line.wide_start) + wide_shift) as u32,
            }));
        index.wide.extend(
            self.wide[kept.wide_start as usize..]
                .iter()
                .map(|c| WideChar {
                    start: moved(c.start),
                    len: c.len,
                }),
        );
        index
    }

    /// The position in `lines` of the line holding `offset`.
    fn line_index(&self, offset: u32) -> usize {
        self.lines
            .partition_point(|line| line.start <= offset)
            .saturating_sub(1)
    }

    /// Indexes `bytes[from..]`, `from` being a line start, to the end of the text.
    fn scan_to_end(&mut self, bytes: &[u8], from: usize) {
        let (line_start, wide_start) = self.scan(bytes, from, bytes.len());
        self.lines.push(Line {
            start: to_u32(line_start),
            end: to_u32(bytes.len()),
            wide_start,
        });
    }

    /// Indexes the lines that end in `bytes[from..until]`, `from` being a line start; returns
    /// where the unfinished last line starts, in the text and in `wide`.
    fn scan(&mut self, bytes: &[u8], from: usize, until: usize) -> (usize, u32) {
        let mut line_start = from;
        let mut wide_start = to_u32(self.wide.len());
        let mut i = from;
        while i < until {
            let byte = bytes[i];
            match byte {
                b'\n' | b'\r' => {
                    let terminator = if byte == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    self.lines.push(Line {
                        start: to_u32(line_start),
                        end: to_u32(i),
                        wide_start,
                    });
                    i += terminator;
                    line_start = i;
                    wide_start = to_u32(self.wide.len());
                }
                0..0x80 => i = skip_plain_ascii(bytes, i + 1).min(until),
                _ => {
                    // `i` is at a char boundary, so `byte` leads a multi-byte sequence.
                    let len = match byte {
                        0xF0.. => 4,
                        0xE0.. => 3,
                        _ => 2,
                    };
                    self.wide.push(WideChar {
                        start: to_u32(i),
                        len,
                    });
                    i += usize::from(len);
                }
            }
        }
        (line_start, wide_start)
    }

    /// The length of the indexed text in bytes.
    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of lines: one more than the number of terminators.
    pub fn line_count(&self) -> u32 {
        to_u32(self.lines.len())
    }

    /// The content of line `line`, without its terminator.
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let line = self.lines.get(line as usize)?;
        Some(TextRange::new(line.start, line.end))
    }

    /// The position of byte `offset`. An offset past the end is the end; one inside a character
    /// or a `\r\n` terminator rounds down to its start.
    pub fn line_col(&self, offset: u32, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len);
        self.col_in_line(self.line_index(offset), offset, encoding)
    }

    /// Converts offsets that mostly come in text order, as a document's tokens do: each lookup
    /// starts from the line of the one before instead of searching all lines.
    pub fn forward(&self, encoding: PositionEncoding) -> ForwardLineCols<'_> {
        ForwardLineCols {
            index: self,
            encoding,
            line: 0,
        }
    }

    /// The position of `offset` (at most the text's length) on line `index`, which holds it.
    fn col_in_line(&self, index: usize, offset: u32, encoding: PositionEncoding) -> LineCol {
        let Some(line) = self.lines.get(index) else {
            return LineCol::default();
        };
        let offset = offset.min(line.end);
        let mut col = 0;
        let mut ascii_from = line.start;
        for wide in self.wide_chars(index) {
            if wide.start >= offset {
                break;
            }
            if offset < wide.end() {
                return LineCol::new(to_u32(index), col + wide.start - ascii_from);
            }
            col += wide.start - ascii_from + wide.width(encoding);
            ascii_from = wide.end();
        }
        LineCol::new(to_u32(index), col + offset - ascii_from)
    }

    /// The byte offset of `position`, clamped: a column past the end of its line is the line's
    /// end, a line past the last is the end of the text, and a column inside a character is
    /// that character's start.
    pub fn offset(&self, position: LineCol, encoding: PositionEncoding) -> u32 {
        let index = position.line as usize;
        let Some(line) = self.lines.get(index) else {
            return self.len;
        };
        let mut remaining = position.col;
        let mut ascii_from = line.start;
        for wide in self.wide_chars(index) {
            let ascii = wide.start - ascii_from;
            if remaining < ascii {
                return ascii_from + remaining;
            }
            remaining -= ascii;
            let width = wide.width(encoding);
            if remaining < width {
                return wide.start;
            }
            remaining -= width;
            ascii_from = wide.end();
        }
        ascii_from.saturating_add(remaining).min(line.end)
    }

    fn wide_chars(&self, line: usize) -> &[WideChar] {
        let (Some(this), next) = (self.lines.get(line), self.lines.get(line + 1)) else {
            return &[];
        };
        let end = next.map_or(self.wide.len(), |next| next.wide_start as usize);
        self.wide
            .get(this.wide_start as usize..end)
            .unwrap_or_default()
    }
}

/// Offsets converted in text order; see [`LineIndex::forward`].
pub struct ForwardLineCols<'a> {
    index: &'a LineIndex,
    encoding: PositionEncoding,
    /// The line of the last offset converted.
    line: usize,
}

/// Lines looked at one by one before a search: the next offset is most often on the same line
/// or a few below.
const FORWARD_STEPS: usize = 8;

impl ForwardLineCols<'_> {
    /// The same position as [`LineIndex::line_col`].
    pub fn line_col(&mut self, offset: u32) -> LineCol {
        let offset = offset.min(self.index.len);
        let lines = &self.index.lines;
        if lines.get(self.line).is_none_or(|line| offset < line.start) {
            self.line = self.index.line_index(offset);
        } else {
            let starts_at_or_before = |line: &Line| line.start <= offset;
            let near = lines[self.line + 1..]
                .iter()
                .take(FORWARD_STEPS)
                .take_while(|line| starts_at_or_before(line))
                .count();
            self.line += near;
            if near == FORWARD_STEPS {
                self.line += lines[self.line + 1..].partition_point(starts_at_or_before);
            }
        }
        self.index.col_in_line(self.line, offset, self.encoding)
    }

    /// Where the content of the last converted offset's line ends, before its terminator.
    pub fn line_end(&self) -> u32 {
        self.index.lines.get(self.line).map_or(0, |line| line.end)
    }

    /// Where the line after the last converted offset's line starts, if there is one.
    pub fn next_line_start(&self) -> Option<u32> {
        self.index.lines.get(self.line + 1).map(|line| line.start)
    }
}

/// The first offset from `i` that may hold a line terminator or a non-ASCII byte, skipping
/// eight plain ASCII bytes at a time (a large schema is mostly that).
/// The part of `text` an index covers: its first 4 GiB, cut at a character boundary.
fn indexed_prefix(text: &str) -> &[u8] {
    let mut cut = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text.as_bytes()[..cut]
}

fn skip_plain_ascii(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS != 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_ne_bytes(chunk);
        let special = word & HIGHS != 0
            || has_zero_byte(word ^ (ONES * u64::from(b'\n')))
            || has_zero_byte(word ^ (ONES * u64::from(b'\r')));
        if special {
            break;
        }
        i += 8;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use PositionEncoding::{Utf8, Utf16, Utf32};

    #[track_caller]
    fn check(text: &str, offset: u32, expect: [(u32, u32); 3]) {
        let index = LineIndex::new(text);
        for (encoding, (line, col)) in [Utf8, Utf16, Utf32].into_iter().zip(expect) {
            let position = LineCol::new(line, col);
            assert_eq!(
                index.line_col(offset, encoding),
                position,
                "{encoding:?} position of {offset} in {text:?}"
            );
            assert_eq!(
                index.offset(position, encoding),
                offset,
                "{encoding:?} offset of {position:?} in {text:?}"
            );
        }
    }

    /// Offsets in text order, with jumps over many lines and a few steps back, convert as a
    /// search over all lines does.
    #[test]
    fn forward_conversion_equals_a_search() {
        let text: String = (0..400)
            .map(|n| match n % 4 {
                0 => "a\n",
                1 => "é日\r\n",
                2 => "\r",
                _ => "🦀 bc\n",
            })
            .collect();
        let index = LineIndex::new(&text);
        let mut offsets: Vec<u32> = (0..=text.len() as u32 + 3).step_by(3).collect();
        offsets.extend([900, 5, 2000, 2001, 0, text.len() as u32 + 10]);
        for encoding in [Utf8, Utf16, Utf32] {
            let mut forward = index.forward(encoding);
            for &offset in &offsets {
                assert_eq!(
                    forward.line_col(offset),
                    index.line_col(offset, encoding),
                    "{encoding:?} {offset}"
                );
            }
        }
    }

    /// Edits of every kind (joining and splitting `\r\n`, multi-byte characters, at both ends)
    /// give the index a fresh scan gives.
    #[test]
    fn an_edited_index_equals_a_fresh_one() {
        let pieces = ["a", "\n", "\r", "\r\n", "é", "日本", "🦀", "abc def", ""];
        let mut numbers = crate::edits::Numbers(0x2545_F491_4F6C_DD1D);
        let mut next = |bound: usize| numbers.below(bound);
        let mut text = String::from("create table t (\r\n  id int -- é\n);\r\n\n🦀\r");
        let mut index = LineIndex::new(&text);
        for _ in 0..3000 {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let start = boundaries[next(boundaries.len())];
            let end = boundaries[(boundaries.iter().position(|&b| b == start).unwrap() + next(4))
                .min(boundaries.len() - 1)];
            let inserted: String = (0..next(3)).map(|_| pieces[next(pieces.len())]).collect();
            text.replace_range(start..end, &inserted);
            index = index.edited(
                &text,
                TextRange::new(start as u32, end as u32),
                inserted.len() as u32,
            );
            assert_eq!(index, LineIndex::new(&text), "after an edit, text {text:?}");
        }
    }

    #[test]
    fn ascii() {
        check("ab\ncd", 0, [(0, 0); 3]);
        check("ab\ncd", 2, [(0, 2); 3]);
        check("ab\ncd", 3, [(1, 0); 3]);
        check("ab\ncd", 5, [(1, 2); 3]);
    }

    #[test]
    fn two_byte_chars() {
        // é is 2 bytes, 1 UTF-16 unit.
        check("xé\néy", 3, [(0, 3), (0, 2), (0, 2)]);
        check("xé\néy", 6, [(1, 2), (1, 1), (1, 1)]);
        check("xé\néy", 7, [(1, 3), (1, 2), (1, 2)]);
    }

    #[test]
    fn three_byte_chars() {
        // 中 is 3 bytes, 1 UTF-16 unit.
        check("中文x", 3, [(0, 3), (0, 1), (0, 1)]);
        check("中文x", 7, [(0, 7), (0, 3), (0, 3)]);
    }

    #[test]
    fn astral_chars() {
        // 😀 is 4 bytes, 2 UTF-16 units.
        check("a😀b", 1, [(0, 1); 3]);
        check("a😀b", 5, [(0, 5), (0, 3), (0, 2)]);
        check("a😀b", 6, [(0, 6), (0, 4), (0, 3)]);
        check("😀\n😀😀", 9, [(1, 4), (1, 2), (1, 1)]);
    }

    #[test]
    fn line_terminators() {
        let index = LineIndex::new("a\r\nb\rc\n\nd");
        assert_eq!(index.line_count(), 5);
        let lines: Vec<_> = (0..6).map(|line| index.line_range(line)).collect();
        assert_eq!(
            lines,
            [
                Some(TextRange::new(0, 1)),
                Some(TextRange::new(3, 4)),
                Some(TextRange::new(5, 6)),
                Some(TextRange::new(7, 7)),
                Some(TextRange::new(8, 9)),
                None,
            ]
        );
        assert_eq!(LineIndex::new("").line_count(), 1);
        assert_eq!(LineIndex::new("a\n").line_count(), 2);
    }

    #[test]
    fn crlf_positions() {
        let text = "ab\r\ncd\r\n";
        check(text, 2, [(0, 2); 3]);
        check(text, 4, [(1, 0); 3]);
        check(text, 8, [(2, 0); 3]);
        let index = LineIndex::new(text);
        // Inside the terminator: rounds down to the end of the line's content.
        assert_eq!(index.line_col(3, Utf16), LineCol::new(0, 2));
        assert_eq!(index.offset(LineCol::new(0, 3), Utf16), 2);
        assert_eq!(index.offset(LineCol::new(1, 9), Utf16), 6);
    }

    #[test]
    fn clamping() {
        let index = LineIndex::new("é😀\nab");
        // Column past the end of a line: the line's end, before the terminator.
        assert_eq!(index.offset(LineCol::new(0, 99), Utf16), 6);
        assert_eq!(index.offset(LineCol::new(0, u32::MAX), Utf8), 6);
        // Line past the end: the end of the text.
        assert_eq!(index.offset(LineCol::new(2, 0), Utf8), 9);
        assert_eq!(index.offset(LineCol::new(u32::MAX, 5), Utf32), 9);
        // Offset past the end.
        assert_eq!(index.line_col(100, Utf32), LineCol::new(1, 2));
        // Inside é, inside 😀: round down.
        assert_eq!(index.line_col(1, Utf16), LineCol::new(0, 0));
        assert_eq!(index.line_col(4, Utf16), LineCol::new(0, 1));
        assert_eq!(index.line_col(5, Utf8), LineCol::new(0, 2));
        // Between the two UTF-16 units of 😀, or mid-char in UTF-8: round down.
        assert_eq!(index.offset(LineCol::new(0, 2), Utf16), 2);
        assert_eq!(index.offset(LineCol::new(0, 1), Utf8), 0);
        assert_eq!(index.offset(LineCol::new(0, 4), Utf8), 2);
    }

    #[test]
    fn ascii_lines_have_no_wide_chars() {
        let index = LineIndex::new("abc\nxé");
        assert!(index.wide_chars(0).is_empty());
        assert_eq!(index.wide_chars(1), [WideChar { start: 5, len: 2 }]);
        assert!(index.wide_chars(2).is_empty());
    }
}
