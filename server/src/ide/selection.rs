//! Selection ranges: from the token at a position out through its syntax-tree ancestors, each
//! range once.

use crate::text::TextRange;
use crate::workspace::host::FileView;

/// The ranges to select at `offset`, innermost first, each containing the previous.
pub fn selection_ranges(file: &FileView, offset: u32) -> Vec<TextRange> {
    let len = file.data.text.len() as u32;
    if !file.data.reads_at(offset) {
        return Vec::new();
    }
    let mut out: Vec<TextRange> = Vec::new();
    let mut node = file.data.syntax.node_at(offset as usize);
    while let Some(current) = node {
        let range = TextRange::from(current.byte_range());
        let known = out.last().is_some_and(|last| *last == range);
        // The root of a chunk's tree may reach past the file's other chunks; the whole file
        // is added at the end instead.
        if !known && current.parent().is_some() && range.end() <= len {
            out.push(range);
        }
        node = current.parent();
    }
    let whole = TextRange::new(0, len);
    if out.last() != Some(&whole) {
        out.push(whole);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expected: &[&str]) {
        let fixture = Fixture::new(fixture);
        let (file, offset) = fixture.cursor();
        let found: Vec<&str> = super::selection_ranges(file, offset)
            .into_iter()
            .map(|range| file.data.slice(range))
            .take(expected.len())
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn from_a_name_out_to_the_statement_and_the_file() {
        let fixture = "CREATE TABLE t (id bigint, \"Größe\" text NOT NULL);\r\nCREATE INDEX ON t (\"Gr$0öße\");\r\n";
        check(
            fixture,
            &["\"Größe\"", "(\"Größe\")", "CREATE INDEX ON t (\"Größe\");"],
        );
        let ranges = {
            let fixture = Fixture::new(fixture);
            let (file, offset) = fixture.cursor();
            super::selection_ranges(file, offset)
        };
        assert!(
            ranges
                .windows(2)
                .all(|w| w[1].contains_range(w[0]) && w[0] != w[1])
        );
        assert_eq!(ranges.last().map(|r| r.start()), Some(0));
        check(
            "CREATE TABLE t (id bigint, name te$0xt NOT NULL);",
            &["text", "name text NOT NULL"],
        );
    }

    #[test]
    fn every_offset_gets_nested_ranges_ending_with_the_file() {
        let text = "CREATE TABLE t (a int CHECK (a > 0)\r\n/* x */ CREATE INDEX ON t (\"Größe\"";
        let fixture = Fixture::new(&format!("{text}$0"));
        let (file, _) = fixture.cursor();
        for offset in 0..=text.len() as u32 {
            let ranges = super::selection_ranges(file, offset);
            assert!(
                ranges
                    .windows(2)
                    .all(|w| w[1].contains_range(w[0]) && w[0] != w[1])
            );
            assert_eq!(ranges.last().map(|r| r.len()), Some(text.len() as u32));
        }
    }

    #[test]
    fn prisma_fields() {
        check(
            "//- prisma/schema.prisma\nmodel User {\n  id Int @id @def$0ault(autoincrement())\n}\n",
            &["default"],
        );
    }
}
