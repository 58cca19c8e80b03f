//! Edit builders shared by rules, and applying edits to texts.
//!
//! Builders keep the file's formatting: its line endings, the indentation and keyword case of the
//! surrounding statement, and the comments around the edit.

pub mod prisma;

use crate::diagnostic::{Diagnostic, Edit};
use crate::file::FileData;
use crate::model::{FileId, Loc};
use crate::text::TextRange;

/// The file's line ending (`\r\n` when its first line ends that way).
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The offset of the end of the line containing `offset` (before its terminator).
pub fn end_of_line(text: &str, offset: u32) -> u32 {
    let rest = &text[offset as usize..];
    let len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    offset + len as u32
}

/// The offset of the start of the line containing `offset`.
pub fn start_of_line(text: &str, offset: u32) -> u32 {
    text[..offset as usize]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i as u32 + 1)
}

/// The whitespace that starts the line containing `offset`.
fn indentation(text: &str, offset: u32) -> &str {
    let start = start_of_line(text, offset) as usize;
    let line = &text[start..];
    let len = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..len]
}

/// [`indentation`] in `file`, less the prefix of the Markdown block holding `offset` (a list
/// item's indentation, `> ` in a block quote): the view of the blocks blanks that prefix, and
/// confining a fix to its block puts it back before each line the fix inserts.
pub fn indentation_in(file: &FileData, offset: u32) -> &str {
    let indent = indentation(&file.text, offset);
    let prefix = file.markdown.as_ref().and_then(|embedding| {
        embedding
            .block_holding(TextRange::empty(offset))
            .map(|block| block.prefix.len())
    });
    &indent[prefix.unwrap_or(0).min(indent.len())..]
}

/// Whether the statement at `range` writes its keywords in lower case (`create table`).
pub fn uses_lowercase_keywords(text: &str, range: TextRange) -> bool {
    let statement = &text[range.start() as usize..range.end() as usize];
    let first_word: String = statement
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    !first_word.is_empty() && first_word.chars().all(|c| c.is_ascii_lowercase())
}

/// SQL keywords in the case the statement at `range` uses.
pub fn keyword_case(text: &str, range: TextRange, sql: &str) -> String {
    if uses_lowercase_keywords(text, range) {
        lower_keywords(sql)
    } else {
        sql.to_string()
    }
}

/// Lower-cases the upper-case words of a snippet of SQL written with upper-case keywords,
/// leaving quoted strings and identifiers alone.
fn lower_keywords(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            out.push_str(&word.to_ascii_lowercase());
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in sql.chars() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                flush(&mut word, &mut out);
                quote = Some(c);
                out.push(c);
            }
            None if c.is_ascii_alphanumeric() || c == '_' => word.push(c),
            None => {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Inserts `statement` on a line of its own after the statement at `after` (after any comment
/// that ends that statement's last line).
pub fn insert_statement_after(file: &FileData, after: TextRange, statement: &str) -> Edit {
    let place = place_after(&file.text, after);
    let text = format!("{}{statement}{}", place.before, place.after);
    Edit::replace(loc(file, place.range), text).of_statements()
}

/// Like `insert_statement_after`, with snippet placeholders in `snippet`.
pub fn insert_statement_snippet_after(file: &FileData, after: TextRange, snippet: &str) -> Edit {
    let place = place_after(&file.text, after);
    let snippet = format!("{}{snippet}{}", place.before, place.after);
    Edit::snippet(file.id, place.range, snippet).of_statements()
}

fn loc(file: &FileData, range: TextRange) -> Loc {
    Loc {
        file: file.id,
        range,
    }
}

/// Where a statement inserted after another goes: the blanks it replaces (usually none) and the
/// text around it.
struct Place {
    range: TextRange,
    before: String,
    after: String,
}

/// Where a statement inserted after the statement at `after` goes: at the end of that statement's
/// line, after a line break; where another statement or a block comment follows on that line, in
/// place of the blanks after the `;`, on a line of its own (the end of the line would be inside
/// the next statement or the comment); for a last statement without its `;`, right after it,
/// with the `;` it lacks.
fn place_after(text: &str, after: TextRange) -> Place {
    let newline = line_ending(text);
    let statement = &text[after.start() as usize..after.end() as usize];
    let written = statement.trim_end();
    let end = after.start() + written.len() as u32;
    let at = |offset| TextRange::empty(offset);
    if written.ends_with(';') {
        let eol = end_of_line(text, end);
        let rest = text[end as usize..eol as usize].trim_start();
        if rest.is_empty() || rest.starts_with("--") {
            return Place {
                range: at(eol),
                before: newline.to_string(),
                after: String::new(),
            };
        }
        return Place {
            range: TextRange::new(end, eol - rest.len() as u32),
            before: newline.to_string(),
            after: newline.to_string(),
        };
    }
    // Before the line break and blanks the range ends with; a `;` after a line comment would be
    // part of the comment.
    let last_line = &written[written.rfind('\n').map_or(0, |i| i + 1)..];
    let before = if last_line.contains("--") {
        format!("{newline};{newline}")
    } else {
        format!(";{newline}")
    };
    Place {
        range: at(end),
        before,
        after: String::new(),
    }
}

/// Deletes a statement with its line(s) when nothing else is on them.
pub fn delete_statement(file: &FileData, range: TextRange) -> Edit {
    let text = &*file.text;
    let line_start = start_of_line(text, range.start());
    let before_is_blank = text[line_start as usize..range.start() as usize]
        .trim()
        .is_empty();
    let eol = end_of_line(text, range.end());
    let after_is_blank = text[range.end() as usize..eol as usize].trim().is_empty();
    let start = if before_is_blank {
        line_start
    } else {
        range.start()
    };
    let end = if after_is_blank {
        let rest = &text[eol as usize..];
        let terminator = if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(!rest.is_empty())
        };
        eol + terminator as u32
    } else {
        range.end()
    };
    Edit::replace(
        Loc {
            file: file.id,
            range: TextRange::new(start, end),
        },
        "",
    )
}

/// Applies non-overlapping edits to one file's text. Edits are given in any order; an edit that
/// overlaps an earlier-applied one is skipped and returned.
pub fn apply_edits(text: &str, file: FileId, edits: &[Edit]) -> (String, Vec<Edit>) {
    let mut mine: Vec<&Edit> = edits.iter().filter(|e| e.file == file).collect();
    mine.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out = String::with_capacity(text.len());
    let mut skipped = Vec::new();
    let mut cursor = 0u32;
    for edit in mine {
        if edit.range.start() < cursor || edit.range.end() as usize > text.len() {
            skipped.push(edit.clone());
            continue;
        }
        out.push_str(&text[cursor as usize..edit.range.start() as usize]);
        out.push_str(&edit.text);
        cursor = edit.range.end();
    }
    out.push_str(&text[cursor as usize..]);
    (out, skipped)
}

/// Leaves out each fix whose own edits overlap: an editor rejects the whole workspace edit, and
/// `--fix` would apply part of it (a constraint removed without the index that replaces it).
/// Broken statements can place an insert inside a removal. Inserts at one offset may follow each
/// other.
pub fn drop_overlapping(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        diagnostic.fixes.retain(|fix| !edits_overlap(&fix.edits));
    }
}

/// Whether `a` and `b`, edits of two different fixes, cannot go into one set of edits: they
/// overlap, an insert lies inside the other's range, or they start at one offset (no order is
/// right for both). Edits that only touch go together.
pub fn edits_conflict(a: &Edit, b: &Edit) -> bool {
    let (x, y) = (a.range, b.range);
    a.file == b.file && (x.start() == y.start() || (x.start() < y.end() && y.start() < x.end()))
}

fn edits_overlap(edits: &[Edit]) -> bool {
    let mut ranges: Vec<(FileId, u32, u32)> = edits
        .iter()
        .map(|edit| (edit.file, edit.range.start(), edit.range.end()))
        .collect();
    ranges.sort_unstable();
    ranges
        .windows(2)
        .any(|pair| pair[0].0 == pair[1].0 && pair[0].2 > pair[1].1)
}

/// Where new elements go in a CREATE TABLE's parenthesised list, worked out from the ranges of
/// the elements it already has.
pub struct TableElements<'a> {
    pub file: &'a FileData,
    /// The `( ... )` range.
    pub parens: TextRange,
    /// The ranges of the elements written in it, in order.
    pub elements: Vec<TextRange>,
}

impl TableElements<'_> {
    /// The indentation of the elements (that of the first one on a line of its own), or four
    /// spaces more than the statement's line.
    pub fn indent(&self) -> String {
        let text = &*self.file.text;
        for element in &self.elements {
            let line_start = start_of_line(text, element.start());
            if text[line_start as usize..element.start() as usize]
                .trim()
                .is_empty()
            {
                return indentation_in(self.file, element.start()).to_string();
            }
        }
        format!("{}    ", indentation_in(self.file, self.parens.start()))
    }

    /// Whether the list is written on one line (`(a int, b int)`).
    fn single_line(&self) -> bool {
        let text = &self.file.text[self.parens.start() as usize..self.parens.end() as usize];
        !text.contains('\n')
    }

    /// Inserts `element` as the first element.
    pub fn insert_first(&self, element: &str) -> Edit {
        let after_paren = self.parens.start() + 1;
        match self.elements.first() {
            None => Edit::insert(self.file.id, after_paren, element.to_string()),
            Some(first) if self.single_line() => {
                Edit::insert(self.file.id, first.start(), format!("{element}, "))
            }
            Some(first) => {
                let newline = line_ending(&self.file.text);
                let indent = self.indent();
                let text = &*self.file.text;
                let line_start = start_of_line(text, first.start());
                // Not where the line starts in a comment that ends before the element.
                let alone = text[line_start as usize..first.start() as usize]
                    .trim()
                    .is_empty();
                if line_start > after_paren && alone {
                    Edit::insert(
                        self.file.id,
                        line_start,
                        format!("{indent}{element},{newline}"),
                    )
                } else {
                    Edit::insert(
                        self.file.id,
                        first.start(),
                        format!("{element},{newline}{indent}"),
                    )
                }
            }
        }
    }

    /// Appends `element` after the last element (after a comment ending its line), adding the
    /// comma to the element before it.
    pub fn append(&self, element: &str) -> Vec<Edit> {
        let Some(last) = self.elements.last() else {
            return vec![Edit::insert(
                self.file.id,
                self.parens.start() + 1,
                element.to_string(),
            )];
        };
        if self.single_line() {
            return vec![Edit::insert(
                self.file.id,
                last.end(),
                format!(", {element}"),
            )];
        }
        let text = &*self.file.text;
        let newline = line_ending(text);
        let indent = self.indent();
        let eol = end_of_line(text, last.end());
        let rest = text[last.end() as usize..eol as usize].trim_start();
        // The closing parenthesis is on the last element's line (`b int);`), or a block comment
        // that may go on past it: the end of the line is no place for the new element.
        if eol >= self.parens.end() || !(rest.is_empty() || rest.starts_with("--")) {
            return vec![Edit::insert(
                self.file.id,
                last.end(),
                format!(",{newline}{indent}{element}"),
            )];
        }
        vec![
            Edit::insert(self.file.id, last.end(), ","),
            Edit::insert(self.file.id, eol, format!("{newline}{indent}{element}")),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Language;
    use std::path::PathBuf;

    fn file(text: &str) -> FileData {
        FileData::new(
            FileId(0),
            PathBuf::from("a.sql"),
            Language::Sql,
            std::sync::Arc::new(String::from(text)),
        )
    }

    fn apply(file: &FileData, edit: Edit) -> String {
        apply_edits(&file.text, file.id, &[edit]).0
    }

    #[test]
    fn a_fix_whose_own_edits_overlap_is_left_out() {
        use crate::diagnostic::Fix;
        let (a, b) = (FileId(1), FileId(2));
        let loc = |file, start, end| Loc {
            file,
            range: TextRange::new(start, end),
        };
        let mut diagnostics = vec![
            Diagnostic::new(loc(a, 0, 4), "x")
                // An insert inside a removal, as a broken statement can place it.
                .with_fix(Fix::safe(
                    "overlapping",
                    vec![
                        Edit::replace(loc(a, 10, 20), ""),
                        Edit::insert(a, 15, "CREATE INDEX ...;"),
                    ],
                ))
                .with_fix(Fix::safe(
                    "inserts at one offset, a removal after them, another file",
                    vec![
                        Edit::insert(a, 5, "("),
                        Edit::insert(a, 5, ")"),
                        Edit::replace(loc(a, 5, 9), ""),
                        Edit::replace(loc(b, 6, 8), "x"),
                    ],
                )),
        ];
        drop_overlapping(&mut diagnostics);
        let titles: Vec<&str> = diagnostics[0]
            .fixes
            .iter()
            .map(|f| f.title.as_str())
            .collect();
        assert_eq!(
            titles,
            ["inserts at one offset, a removal after them, another file"]
        );
    }

    /// A last statement written without its `;` gets one: the statement inserted after it ran
    /// into it.
    #[test]
    fn insert_after_a_last_statement_without_its_semicolon() {
        for (text, expected) in [
            (
                "CREATE TABLE a (id int)",
                "CREATE TABLE a (id int);\nCREATE INDEX ON a (id);",
            ),
            (
                "CREATE TABLE a (id int)\r\n",
                "CREATE TABLE a (id int);\r\nCREATE INDEX ON a (id);\r\n",
            ),
            (
                "CREATE TABLE a (id int) -- last",
                "CREATE TABLE a (id int) -- last\n;\nCREATE INDEX ON a (id);",
            ),
            (
                "CREATE TABLE a (id int)\n-- note\n",
                "CREATE TABLE a (id int)\n-- note\n;\nCREATE INDEX ON a (id);\n",
            ),
        ] {
            let f = file(text);
            let last = f.statements[0].range();
            let edited = apply(
                &f,
                insert_statement_after(&f, last, "CREATE INDEX ON a (id);"),
            );
            assert_eq!(edited, expected);
            assert!(file(&edited).syntax_errors.is_empty(), "{edited}");
            assert_eq!(file(&edited).statements.len(), 2, "{edited}");
        }
    }

    /// The end of the line would be inside the next statement or the comment.
    #[test]
    fn insert_after_a_statement_with_another_on_its_line() {
        for (text, expected) in [
            (
                "CREATE TABLE a (id int); CREATE TABLE b (id int);\n",
                "CREATE TABLE a (id int);\nCREATE INDEX ON a (id);\nCREATE TABLE b (id int);\n",
            ),
            (
                "CREATE TABLE a (id int)\r\n;CREATE TABLE b (\r\nid int);",
                "CREATE TABLE a (id int)\r\n;\r\nCREATE INDEX ON a (id);\r\nCREATE TABLE b (\r\nid int);",
            ),
            (
                "CREATE TABLE a (id int); /* b comes\nlater */\n",
                "CREATE TABLE a (id int);\nCREATE INDEX ON a (id);\n/* b comes\nlater */\n",
            ),
        ] {
            let f = file(text);
            let first = f.statements[0].range();
            let edited = apply(
                &f,
                insert_statement_after(&f, first, "CREATE INDEX ON a (id);"),
            );
            assert_eq!(edited, expected);
            assert!(file(&edited).syntax_errors.is_empty(), "{edited}");
        }
    }

    /// The elements of a table with one element, `element`, and no other parentheses.
    fn one_element<'a>(f: &'a FileData, element: &str) -> TableElements<'a> {
        let span = |part: &str| {
            let start = f.text.find(part).unwrap() as u32;
            TextRange::new(start, start + part.len() as u32)
        };
        TableElements {
            file: f,
            parens: TextRange::new(span("(").start(), span(")").end()),
            elements: vec![span(element)],
        }
    }

    /// At the end of the last element's line, the new element would be inside the comment.
    #[test]
    fn append_before_a_block_comment_that_goes_on() {
        let f = file("CREATE TABLE a (\n  id int /* the key,\n  of a */\n);\n");
        let elements = one_element(&f, "id int");
        let edited = apply_edits(&f.text, f.id, &elements.append("b int")).0;
        assert_eq!(
            edited,
            "CREATE TABLE a (\n  id int,\n  b int /* the key,\n  of a */\n);\n"
        );
        assert!(file(&edited).syntax_errors.is_empty(), "{edited}");
    }

    /// At the start of the first element's line, the new element would be inside the comment.
    #[test]
    fn insert_first_after_a_block_comment_that_ends_on_its_line() {
        let f = file("CREATE TABLE a (\n  /* the\n  key */ id int\n);\n");
        let elements = one_element(&f, "id int");
        let edited = apply(&f, elements.insert_first("b int"));
        assert_eq!(
            edited,
            "CREATE TABLE a (\n  /* the\n  key */ b int,\n    id int\n);\n"
        );
        assert!(file(&edited).syntax_errors.is_empty(), "{edited}");
    }

    #[test]
    fn insert_after_keeps_trailing_comment_and_crlf() {
        let f = file("CREATE TABLE a (id int); -- first\r\nCREATE TABLE b (id int);\r\n");
        let first = f.statements[0].range();
        let edited = apply(
            &f,
            insert_statement_after(&f, first, "CREATE INDEX ON a (id);"),
        );
        assert_eq!(
            edited,
            "CREATE TABLE a (id int); -- first\r\nCREATE INDEX ON a (id);\r\nCREATE TABLE b (id int);\r\n"
        );
    }

    #[test]
    fn insert_after_last_statement_without_newline() {
        let f = file("CREATE TABLE a (id int);");
        let edited = apply(
            &f,
            insert_statement_after(&f, f.statements[0].range(), "SELECT 1;"),
        );
        assert_eq!(edited, "CREATE TABLE a (id int);\nSELECT 1;");
    }

    #[test]
    fn delete_whole_lines() {
        let f = file("CREATE TABLE a (id int);\n  CREATE INDEX i ON a (id);\nSELECT 1;\n");
        let edited = apply(&f, delete_statement(&f, f.statements[1].range()));
        assert_eq!(edited, "CREATE TABLE a (id int);\nSELECT 1;\n");
    }

    #[test]
    fn keyword_case_follows_the_statement() {
        let text = "create table a (id int);";
        let range = TextRange::new(0, text.len() as u32);
        assert_eq!(
            keyword_case(text, range, "CREATE INDEX \"X\" ON a (id) WHERE b = 'Y'"),
            "create index \"X\" on a (id) where b = 'Y'"
        );
        assert_eq!(
            keyword_case("CREATE TABLE a ();", TextRange::new(0, 5), "CREATE INDEX"),
            "CREATE INDEX"
        );
    }

    #[test]
    fn overlapping_edits_are_skipped() {
        let edits = [
            Edit::replace(
                Loc {
                    file: FileId(0),
                    range: TextRange::new(0, 3),
                },
                "x",
            ),
            Edit::replace(
                Loc {
                    file: FileId(0),
                    range: TextRange::new(2, 4),
                },
                "y",
            ),
        ];
        let (text, skipped) = apply_edits("abcdef", FileId(0), &edits);
        assert_eq!(text, "xdef");
        assert_eq!(skipped.len(), 1);
    }
}
