//! Folding ranges from the syntax trees: statements and declarations over several lines, the
//! parenthesised or braced bodies inside them that start on a later line, runs of line
//! comments and block comments.

use tree_sitter::Node;

use crate::text::TextRange;
use crate::workspace::host::FileView;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Region,
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    /// Ends before the line of a closing `)` or `}` that starts its line, which stays shown.
    pub range: TextRange,
    pub kind: FoldKind,
}

pub fn folding_ranges(file: &FileView) -> Vec<Fold> {
    let text = &*file.data.text;
    let mut folds = Folds {
        text,
        out: Vec::new(),
        last_start_row: None,
        comments: None,
    };
    for node in file.data.syntax.top_level_nodes() {
        folds.node(node, true);
    }
    folds.flush_comments();
    folds.out.sort_by_key(|fold| fold.range.start());
    folds.out
}

struct Folds<'t> {
    text: &'t str,
    out: Vec<Fold>,
    /// The start row of the last region: one region per start line, the outermost.
    last_start_row: Option<usize>,
    /// A run of line comments: its start, the row of its last line and its end.
    comments: Option<(usize, usize, usize)>,
}

impl Folds<'_> {
    fn node(&mut self, node: Node, top: bool) {
        let (start, end) = (node.start_position().row, node.end_position().row);
        match node.kind() {
            "comment" | "doc_comment" => {
                self.comment_line(node);
                return;
            }
            "block_comment" => {
                if end > start {
                    self.push(node.start_byte(), node.end_byte(), FoldKind::Comment);
                }
                return;
            }
            _ => {}
        }
        if end == start {
            return;
        }
        let opens = node
            .child(0)
            .is_some_and(|first| matches!(first.kind(), "(" | "{"));
        let body = node.kind().ends_with("_body");
        if (top && node.is_named()) || opens || body {
            self.region(node);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            self.node(child, false);
        }
    }

    fn region(&mut self, node: Node) {
        let start_row = node.start_position().row;
        if self.last_start_row == Some(start_row) {
            return;
        }
        self.last_start_row = Some(start_row);
        let start = node.start_byte();
        let mut end = node.end_byte();
        // A closer alone at the start of its line stays shown.
        let line_start = self.text[..end].rfind('\n').map_or(0, |i| i + 1);
        let before_closer = self.text[line_start..end].trim_end_matches([')', '}', ';']);
        if before_closer.trim().is_empty() && line_start > start {
            end = line_start - 1;
        }
        self.push(start, end, FoldKind::Region);
    }

    fn comment_line(&mut self, node: Node) {
        let row = node.start_position().row;
        match &mut self.comments {
            Some((_, last_row, end)) if *last_row + 1 == row => {
                *last_row = row;
                *end = node.end_byte();
            }
            _ => {
                self.flush_comments();
                self.comments = Some((node.start_byte(), row, node.end_byte()));
            }
        }
    }

    fn flush_comments(&mut self) {
        if let Some((start, _, end)) = self.comments.take()
            && self.text[start..end].trim_end().contains('\n')
        {
            self.push(start, end, FoldKind::Comment);
        }
    }

    fn push(&mut self, start: usize, end: usize, kind: FoldKind) {
        self.out.push(Fold {
            range: TextRange::from_usize(start..end),
            kind,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::FoldKind;
    use crate::ide::fixture::Fixture;
    use crate::text::PositionEncoding;

    /// `kind first-last` with lines counted from 1.
    #[track_caller]
    fn check(fixture: &str, expected: &[&str]) {
        let fixture = Fixture::new(fixture);
        let file = fixture.file(if fixture_is_prisma(&fixture) {
            "prisma/schema.prisma"
        } else {
            "schema.sql"
        });
        let lines = &file.data.lines;
        let line = |offset| lines.line_col(offset, PositionEncoding::Utf8).line + 1;
        let found: Vec<String> = super::folding_ranges(file)
            .iter()
            .map(|fold| {
                let kind = match fold.kind {
                    FoldKind::Region => "region",
                    FoldKind::Comment => "comment",
                };
                format!(
                    "{kind} {}-{}",
                    line(fold.range.start()),
                    line(fold.range.end())
                )
            })
            .collect();
        assert_eq!(found, expected);
    }

    fn fixture_is_prisma(fixture: &Fixture) -> bool {
        fixture
            .snapshot
            .files()
            .any(|f| f.data.language == crate::syntax::Language::Prisma)
    }

    #[test]
    fn statements_bodies_and_comment_blocks() {
        check(
            "\
-- Users of the shop.
-- One row a person.
CREATE TABLE users (
    id bigint PRIMARY KEY,
    name text CHECK (
        name <> ''
    )
);
CREATE INDEX users_name ON users (name);
/* a long
   note */
CREATE VIEW names AS
SELECT name
FROM users;
",
            &[
                "comment 1-2",
                "region 3-7",
                "region 5-6",
                "comment 10-11",
                "region 12-14",
            ],
        );
    }

    #[test]
    fn crlf_and_an_unfinished_statement() {
        check(
            "CREATE TABLE t (\r\n  a int,\r\n  b int\r\n);\r\nCREATE TABLE u (\r\n  a int,\r\n",
            &["region 1-3", "region 5-6"],
        );
    }

    #[test]
    fn prisma_models_and_enums() {
        check(
            "\
//- prisma/schema.prisma
/// A person.
model User {
  id   Int  @id
  mood Mood
}

enum Mood {
  OK
  SAD
}
",
            &["region 2-4", "region 7-9"],
        );
    }
}
