//! Tests across the module: conversions against a naive model of LSP lines, documents against a
//! `String` under random edits, and incremental reparsing straight from the rope.

use tree_sitter::{InputEdit, Parser, Point, Tree};

use super::*;
use PositionEncoding::{Utf8, Utf16, Utf32};

const ENCODINGS: [PositionEncoding; 3] = [Utf8, Utf16, Utf32];

/// Every width of character, every terminator, and characters that other conventions (Unicode,
/// ropey's default features) treat as line breaks but LSP does not.
const TEXTS: &[&str] = &[
    "",
    "a",
    "ab\ncd",
    "ab\ncd\n",
    "\n\n",
    "é",
    "xé\néy",
    "中文\n字",
    "a😀b\n😀😀",
    "a\r\nb\r\n",
    "\r\n\r\n",
    "a\rb\r",
    "\r",
    "\r\r\n\n\r",
    "a\u{2028}b\u{85}c\u{b}d\u{c}e\u{2029}",
    "é\r\n中\r😀\n",
];

fn width(ch: char, encoding: PositionEncoding) -> u32 {
    match encoding {
        Utf8 => ch.len_utf8() as u32,
        Utf16 => ch.len_utf16() as u32,
        Utf32 => 1,
    }
}

/// The content byte ranges of the lines of `text`, split at `\n`, `\r\n` and `\r`.
fn model_lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        if ch == '\n' || ch == '\r' {
            lines.push((start, i));
            start = i + 1;
            if ch == '\r' && chars.next_if(|&(_, next)| next == '\n').is_some() {
                start += 1;
            }
        }
    }
    lines.push((start, text.len()));
    lines
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn model_line_col(text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
    let offset = floor_boundary(text, offset);
    let lines = model_lines(text);
    let (line, &(start, end)) = lines
        .iter()
        .enumerate()
        .rfind(|(_, (start, _))| *start <= offset)
        .unwrap();
    let col = text[start..offset.min(end)]
        .chars()
        .map(|ch| width(ch, encoding))
        .sum();
    LineCol::new(line as u32, col)
}

fn model_offset(text: &str, position: LineCol, encoding: PositionEncoding) -> usize {
    let Some(&(start, end)) = model_lines(text).get(position.line as usize) else {
        return text.len();
    };
    let mut col = 0;
    for (i, ch) in text[start..end].char_indices() {
        col += width(ch, encoding);
        if col > position.col {
            return start + i;
        }
    }
    end
}

/// The tree-sitter point of `byte`: rows count `\n` only, columns are bytes.
fn model_point(text: &str, byte: usize) -> Point {
    let before = &text.as_bytes()[..byte];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(byte, |newline| byte - newline - 1);
    Point::new(row, column)
}

#[test]
fn conversions_match_the_model() {
    for &text in TEXTS {
        let index = LineIndex::new(text);
        let doc = Document::new(text, 0);
        let lines = model_lines(text);
        assert_eq!(index.line_count() as usize, lines.len(), "{text:?}");
        assert_eq!(doc.line_count() as usize, lines.len(), "{text:?}");
        for encoding in ENCODINGS {
            for offset in 0..text.len() as u32 + 3 {
                let expect = model_line_col(text, offset as usize, encoding);
                let context = format!("{encoding:?} position of {offset} in {text:?}");
                assert_eq!(index.line_col(offset, encoding), expect, "{context}");
                assert_eq!(
                    doc.offset_to_position(offset, encoding),
                    expect,
                    "{context}"
                );
            }
            let lines = (0..lines.len() as u32 + 2).chain([u32::MAX]);
            for line in lines {
                for col in (0..2 * text.len() as u32 + 3).chain([u32::MAX]) {
                    let position = LineCol::new(line, col);
                    let expect = model_offset(text, position, encoding) as u32;
                    let context = format!("{encoding:?} offset of {position:?} in {text:?}");
                    assert_eq!(index.offset(position, encoding), expect, "{context}");
                    assert_eq!(
                        doc.position_to_offset(position, encoding),
                        expect,
                        "{context}"
                    );
                }
            }
        }
    }
}

#[test]
fn positions_round_trip_at_char_boundaries() {
    for &text in TEXTS {
        let index = LineIndex::new(text);
        let mid_crlf =
            |offset: usize| text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o) && !mid_crlf(o)) {
            for encoding in ENCODINGS {
                let position = index.line_col(offset as u32, encoding);
                assert_eq!(index.offset(position, encoding), offset as u32, "{text:?}");
            }
        }
    }
}

#[test]
fn end_of_crlf_lines() {
    let doc = Document::new("ab\r\ncd\r\n", 0);
    for encoding in ENCODINGS {
        assert_eq!(doc.offset_to_position(2, encoding), LineCol::new(0, 2));
        assert_eq!(doc.offset_to_position(3, encoding), LineCol::new(0, 2));
        assert_eq!(doc.offset_to_position(4, encoding), LineCol::new(1, 0));
        assert_eq!(doc.offset_to_position(8, encoding), LineCol::new(2, 0));
        assert_eq!(doc.position_to_offset(LineCol::new(0, 2), encoding), 2);
        assert_eq!(doc.position_to_offset(LineCol::new(0, 5), encoding), 2);
        assert_eq!(doc.position_to_offset(LineCol::new(1, 2), encoding), 6);
        assert_eq!(doc.position_to_offset(LineCol::new(2, 0), encoding), 8);
    }

    let mut doc = doc;
    let edit = doc
        .apply_change(Some((LineCol::new(0, 2), LineCol::new(0, 2))), "x", Utf16)
        .unwrap();
    assert_eq!(doc.text(), "abx\r\ncd\r\n");
    assert_eq!(edit.old_range, TextRange::empty(2));
    assert_eq!(edit.new_range, TextRange::new(2, 3));
}

#[test]
fn insert_between_cr_and_lf() {
    let mut doc = Document::new("ab\r\ncd", 0);
    let edit = doc.apply_edit(TextRange::empty(3), "x").unwrap();
    assert_eq!(doc.text(), "ab\rx\ncd");
    assert_eq!(doc.line_count(), 3);
    assert_eq!(doc.offset_to_position(3, Utf16), LineCol::new(1, 0));
    assert_eq!(doc.offset_to_position(5, Utf16), LineCol::new(2, 0));
    assert_eq!(
        edit.input_edit(),
        InputEdit {
            start_byte: 3,
            old_end_byte: 3,
            new_end_byte: 4,
            start_position: Point::new(0, 3),
            old_end_position: Point::new(0, 3),
            new_end_position: Point::new(0, 4),
        }
    );

    // The lone `\r` is one line for LSP, not a row for tree-sitter.
    let edit = doc.apply_edit(TextRange::empty(6), "é").unwrap();
    assert_eq!(doc.text(), "ab\rx\ncéd");
    assert_eq!(edit.input_edit().start_position, Point::new(1, 1));

    let edit = doc.apply_edit(TextRange::new(3, 4), "").unwrap();
    assert_eq!(doc.text(), "ab\r\ncéd");
    assert_eq!(doc.line_count(), 2);
    assert_eq!(edit.input_edit().start_position, Point::new(0, 3));
    assert_eq!(doc.offset_to_position(7, Utf16), LineCol::new(1, 2));
}

#[test]
fn changes_in_each_encoding() {
    let cases = [(Utf8, 5), (Utf16, 3), (Utf32, 2)];
    for (encoding, after_emoji) in cases {
        let mut doc = Document::new("a😀b\nc", 0);
        let range = (LineCol::new(0, 1), LineCol::new(0, after_emoji));
        let edit = doc.apply_change(Some(range), "é", encoding).unwrap();
        assert_eq!(doc.text(), "aéb\nc", "{encoding:?}");
        assert_eq!(edit.old_range, TextRange::new(1, 5));
        assert_eq!(edit.new_range, TextRange::new(1, 3));
    }
}

#[test]
fn changes_clamp_their_positions() {
    let mut doc = Document::new("ab\ncd", 0);
    let range = (LineCol::new(0, 9), LineCol::new(7, 0));
    doc.apply_change(Some(range), "!", Utf16).unwrap();
    assert_eq!(doc.text(), "ab!");

    // Inside 😀 in UTF-16: both ends round down to its start.
    let mut doc = Document::new("😀", 0);
    let range = (LineCol::new(0, 1), LineCol::new(0, 1));
    doc.apply_change(Some(range), "x", Utf16).unwrap();
    assert_eq!(doc.text(), "x😀");

    // Byte ends inside a character round down too.
    let mut doc = Document::new("中x", 0);
    doc.apply_edit(TextRange::new(1, 99), "y").unwrap();
    assert_eq!(doc.text(), "y");
}

#[test]
fn inverted_change_is_an_error() {
    let mut doc = Document::new("ab\ncd", 3);
    let (start, end) = (LineCol::new(1, 0), LineCol::new(0, 1));
    let error = doc
        .apply_change(Some((start, end)), "x", Utf16)
        .unwrap_err();
    assert_eq!(error, EditError::InvertedRange { start, end });
    assert_eq!(
        error.to_string(),
        "change range starts at 1:0, after its end at 0:1 (zero-based line:column)"
    );
    assert_eq!(doc.text(), "ab\ncd");
    assert_eq!(doc.version(), 3);
}

#[test]
fn full_replacement() {
    let mut doc = Document::new("a\r\nbé", 1);
    let edit = doc.apply_change(None, "x\ny😀", Utf16).unwrap();
    doc.set_version(2);
    assert_eq!(doc.text(), "x\ny😀");
    assert_eq!(doc.version(), 2);
    assert_eq!(
        edit.input_edit(),
        InputEdit {
            start_byte: 0,
            old_end_byte: 6,
            new_end_byte: 7,
            start_position: Point::new(0, 0),
            old_end_position: Point::new(1, 3),
            new_end_position: Point::new(1, 5),
        }
    );
}

#[test]
fn chunks_cover_the_text() {
    let text = "CREATE TABLE é (id bigint);\r\n".repeat(2000);
    let doc = Document::new(&text, 0);
    let mut read = Vec::new();
    while read.len() < text.len() {
        let chunk = doc.chunk_at_byte(read.len());
        assert!(!chunk.is_empty());
        read.extend_from_slice(chunk);
    }
    assert_eq!(read, text.as_bytes());
    assert!(doc.chunk_at_byte(text.len()).is_empty());
    assert!(doc.chunk_at_byte(text.len() + 5).is_empty());
    assert_eq!(doc.chunk_at_byte(7)[..5], *b"TABLE");
}

/// A tiny deterministic generator (splitmix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const FRAGMENTS: &[&str] = &[
    "a",
    "bc",
    " ",
    "é",
    "中",
    "😀",
    "\n",
    "\r",
    "\r\n",
    "x\r\ny",
    "é😀\n中",
];

fn random_text(rng: &mut Rng, max_fragments: usize) -> String {
    (0..rng.below(max_fragments + 1))
        .map(|_| *rng.pick(FRAGMENTS))
        .collect()
}

#[test]
fn random_edits_match_a_string() {
    let mut rng = Rng(0x00dd_1147);
    let mut model = String::from("CREATE TABLE é (\r\n  id bigint\r\n);\n");
    let mut doc = Document::new(&model, 1);
    for step in 0..200 {
        let insert = random_text(&mut rng, 4);
        let (start, end, edit) = match rng.below(10) {
            0 => (0, model.len(), doc.apply_change(None, &insert, Utf16)),
            1..5 => {
                // Byte offsets, possibly past the end or inside a character.
                let a = rng.below(model.len() + 3);
                let b = rng.below(model.len() + 3);
                let (a, b) = (a.min(b), a.max(b));
                let edit = doc.apply_edit(TextRange::from(a..b), &insert);
                (floor_boundary(&model, a), floor_boundary(&model, b), edit)
            }
            _ => {
                // Positions, possibly past the end of their line or of the text.
                let encoding = *rng.pick(&ENCODINGS);
                let lines = model_lines(&model).len();
                let mut position =
                    || LineCol::new(rng.below(lines + 1) as u32, rng.below(8) as u32);
                let (a, b) = (position(), position());
                let (a, b) = (a.min(b), a.max(b));
                let edit = doc.apply_change(Some((a, b)), &insert, encoding);
                let start = model_offset(&model, a, encoding);
                (start, model_offset(&model, b, encoding), edit)
            }
        };
        let edit = edit.unwrap();
        let start_position = model_point(&model, start);
        let old_end_position = model_point(&model, end);
        model.replace_range(start..end, &insert);
        let new_end = start + insert.len();
        let expect = InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: model_point(&model, new_end),
        };
        assert_eq!(edit.input_edit(), expect, "step {step}");
        assert_eq!(doc.text(), model, "step {step}");
        assert_eq!(
            doc.line_count() as usize,
            model_lines(&model).len(),
            "step {step}"
        );
        for _ in 0..4 {
            let encoding = *rng.pick(&ENCODINGS);
            let offset = rng.below(model.len() + 2);
            let expect = model_line_col(&model, offset, encoding);
            assert_eq!(
                doc.offset_to_position(offset as u32, encoding),
                expect,
                "step {step}"
            );
        }
    }
}

fn sql_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&ddlint_grammar::LANGUAGE.into())
        .unwrap();
    parser
}

fn parse_rope(parser: &mut Parser, doc: &Document, old: Option<&Tree>) -> Tree {
    parser
        .parse_with_options(&mut |byte, _| doc.chunk_at_byte(byte), old, None)
        .unwrap()
}

/// Every node with its byte range and points, which the S-expression leaves out.
fn dump(tree: &Tree) -> String {
    let mut out = String::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        let (start, end) = (node.start_position(), node.end_position());
        out += &format!(
            "{} {:?} {}:{}-{}:{}\n",
            node.kind(),
            node.byte_range(),
            start.row,
            start.column,
            end.row,
            end.column
        );
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

const STATEMENTS: &[&str] = &[
    "CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  name text NOT NULL\n);\n",
    "CREATE TABLE posts (\r\n  id bigint,\r\n  author_id bigint REFERENCES users (id)\r\n);\r\n",
    "--café😀中\nCREATE INDEX posts_author ON posts (author_id);\n",
    "COMMENT ON TABLE users IS 'utilisateurs😀';\n",
    "ALTER TABLE posts ADD COLUMN title text DEFAULT 'é' NOT NULL;\n",
];

/// Edits a real tree with each edit's `InputEdit`, reparses from the rope with the old tree,
/// and compares with a fresh parse of the new text.
#[test]
fn incremental_reparse_matches_a_fresh_parse() {
    let mut rng = Rng(7);
    let mut parser = sql_parser();
    let mut doc = Document::new(&STATEMENTS.concat(), 0);
    let mut tree = parse_rope(&mut parser, &doc, None);
    for step in 0..60 {
        let text = doc.text();
        let mut statement_starts: Vec<usize> = [0]
            .into_iter()
            .chain(text.match_indices(";\n").map(|(i, _)| i + 2))
            .chain(text.match_indices(";\r\n").map(|(i, _)| i + 3))
            .collect();
        statement_starts.sort_unstable();
        let edit = match rng.below(4) {
            // Insert a statement, through a UTF-16 change.
            0 => {
                let at = *rng.pick(&statement_starts) as u32;
                let position = doc.offset_to_position(at, Utf16);
                let statement = *rng.pick(STATEMENTS);
                doc.apply_change(Some((position, position)), statement, Utf16)
            }
            // Delete a statement.
            1 if statement_starts.len() > 2 => {
                let i = rng.below(statement_starts.len() - 1);
                let range = TextRange::from(statement_starts[i]..statement_starts[i + 1]);
                doc.apply_edit(range, "")
            }
            // Insert blank space or a comment at a space; comments and strings hold none, so
            // every space separates two tokens.
            _ => {
                let spaces: Vec<usize> = text.match_indices(' ').map(|(i, _)| i).collect();
                let at = *rng.pick(&spaces) as u32;
                let filler = *rng.pick(&["  ", "\n", "\r\n", " --é😀\n", " /*中*/ "]);
                doc.apply_edit(TextRange::empty(at), filler)
            }
        }
        .unwrap();
        tree.edit(&edit.input_edit());
        tree = parse_rope(&mut parser, &doc, Some(&tree));
        let fresh = parser.parse(doc.text(), None).unwrap();
        assert!(
            !fresh.root_node().has_error(),
            "step {step}: {}",
            doc.text()
        );
        assert_eq!(
            tree.root_node().to_sexp(),
            fresh.root_node().to_sexp(),
            "step {step}"
        );
        assert_eq!(dump(&tree), dump(&fresh), "step {step}");
    }
}
