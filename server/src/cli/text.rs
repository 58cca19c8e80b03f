//! `--format text`: each finding as rustc and ruff show theirs, drawn by annotate-snippets. First
//! the header line tools parse (`path:line:col: severity[rule] message`), then the source with the
//! finding's span marked by display width (a span over several lines marked where it starts and
//! where it ends), related places of the same file as labels in that source, those of another
//! file as notes, and the fixes as help lines.

use std::io::{self, Write};
use std::ops::{Range, RangeInclusive};

use annotate_snippets::{AnnotationKind, Group, Level, Snippet};
use unicode_width::UnicodeWidthChar;

use super::render::{ordered, position};
use super::style::Style;
use super::summary;
use crate::analysis::{Checked, FileData};
use crate::rules::{Diagnostic, Placement, Related, Safety, Severity};
use crate::text::{PositionEncoding, TextRange};

/// Columns from one tab stop to the next: a tab is drawn up to the next stop, as an editor shows
/// it (annotate-snippets would draw every tab as four spaces, wherever it is).
const TAB_WIDTH: usize = 4;

/// A related place in the same file at most this many lines away from the finding is labelled in
/// the finding's snippet, with the lines between folded; a farther one is named in a note.
const NEAR_LINES: u32 = 200;

pub(crate) fn text(
    out: &mut impl Write,
    checked: &Checked,
    style: Style,
    run: &summary::Run,
) -> io::Result<()> {
    let renderer = style.renderer();
    for (file, diagnostic) in ordered(checked) {
        writeln!(out, "{}", header(file, diagnostic, style))?;
        writeln!(
            out,
            "{}",
            renderer.render(&[group(checked, file, diagnostic)])
        )?;
        writeln!(out)?;
    }
    if checked.diagnostics.len() > summary::LONG_REPORT {
        super::render::rule_counts(out, checked, style, run.unsafe_fixes)?;
    }
    summary::write(out, checked, run)
}

/// `path:line:col: severity[rule] message`, 1-based, columns in characters. Tools parse it:
/// without colour it stays byte for byte what it has always been.
fn header(file: &FileData, diagnostic: &Diagnostic, style: Style) -> String {
    let start = position(file, diagnostic.range.start());
    let location = format!(
        "{}:{}:{}",
        file.path.display(),
        start.line + 1,
        start.col + 1
    );
    let kind = format!("{}[{}]", diagnostic.severity, diagnostic.rule);
    format!(
        "{}: {} {}",
        style.bold(location),
        style.paint(Style::severity_style(diagnostic.severity), kind),
        style.bold(&diagnostic.message)
    )
}

fn group<'a>(checked: &'a Checked, file: &'a FileData, diagnostic: &'a Diagnostic) -> Group<'a> {
    let primary = lines_of(file, diagnostic.range);
    let (near, elsewhere): (Vec<&Related>, Vec<&Related>) =
        diagnostic.related.iter().partition(|related| {
            related.loc.file == diagnostic.file
                && lines_apart(&primary, &lines_of(file, related.loc.range)) <= NEAR_LINES
        });
    let lines = near.iter().fold(primary, |lines, related| {
        let other = lines_of(file, related.loc.range);
        *lines.start().min(other.start())..=*lines.end().max(other.end())
    });
    let excerpt = Excerpt::new(file, lines);
    let primary = AnnotationKind::Primary.span(excerpt.span(diagnostic.range));
    let labels: Vec<_> = near
        .iter()
        .map(|related| {
            AnnotationKind::Context
                .span(excerpt.span(related.loc.range))
                .label(related.message.as_str())
        })
        .collect();
    let snippet = Snippet::source(excerpt.text)
        .line_start(*excerpt.lines.start() as usize + 1)
        .annotation(primary)
        .annotations(labels);
    let mut group = Group::with_level(level(diagnostic.severity)).element(snippet);
    for related in elsewhere {
        let Some(other) = checked.files.iter().find(|f| f.id == related.loc.file) else {
            continue;
        };
        let at = position(other, related.loc.range.start());
        group = group.element(Level::NOTE.message(format!(
            "{}:{}:{}: {}",
            other.path.display(),
            at.line + 1,
            at.col + 1,
            related.message
        )));
    }
    for fix in &diagnostic.fixes {
        let mut message = match fix.safety {
            Safety::Safe => fix.title.clone(),
            Safety::Unsafe => format!("{} (unsafe fix)", fix.title),
        };
        // Nothing applies a migration to write: the help line carries it.
        if let (Placement::MigrationToWrite, Some(step)) = (fix.placement, &fix.migration) {
            message.push(':');
            for line in step.up.trim_end().lines() {
                message.push_str("\n    ");
                message.push_str(line);
            }
        }
        group = group.element(Level::HELP.message(message));
    }
    group
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The lines a range covers (0-based). A range that ends at the start of a line ends on the line
/// before: its line break is the last thing it covers.
fn lines_of(file: &FileData, range: TextRange) -> RangeInclusive<u32> {
    let start = file.lines.line_col(range.start(), PositionEncoding::Utf8);
    let end = file.lines.line_col(range.end(), PositionEncoding::Utf8);
    let last = if end.col == 0 && end.line > start.line {
        end.line - 1
    } else {
        end.line
    };
    start.line..=last.max(start.line)
}

fn lines_apart(a: &RangeInclusive<u32>, b: &RangeInclusive<u32>) -> u32 {
    b.start()
        .saturating_sub(*a.end())
        .max(a.start().saturating_sub(*b.end()))
}

/// Some lines of a file as annotate-snippets gets them: tabs expanded to the next tab stop, each
/// line ended by `\n` whatever its terminator was (`\r\n`, or a lone `\r` the line index counts).
struct Excerpt<'f> {
    file: &'f FileData,
    lines: RangeInclusive<u32>,
    text: String,
    /// Where each line starts in `text`.
    starts: Vec<usize>,
}

impl<'f> Excerpt<'f> {
    fn new(file: &'f FileData, lines: RangeInclusive<u32>) -> Excerpt<'f> {
        let mut text = String::new();
        let mut starts = Vec::new();
        for line in lines.clone() {
            starts.push(text.len());
            expand_tabs(content(file, line), &mut text);
            text.push('\n');
        }
        Excerpt {
            file,
            lines,
            text,
            starts,
        }
    }

    /// Where a range of the file is in `text`.
    fn span(&self, range: TextRange) -> Range<usize> {
        let start = self.offset(range.start());
        let last = *lines_of(self.file, range).end();
        let end_line = self
            .file
            .lines
            .line_col(range.end(), PositionEncoding::Utf8)
            .line;
        let end = if end_line > last {
            self.line_end(last)
        } else {
            self.offset(range.end())
        };
        start..end.max(start)
    }

    /// Where a byte of the file is in `text`; a byte of a line terminator is the end of its
    /// line's content.
    fn offset(&self, offset: u32) -> usize {
        let at = self.file.lines.line_col(offset, PositionEncoding::Utf8);
        if at.line < *self.lines.start() {
            return 0;
        }
        if at.line > *self.lines.end() {
            return self.text.len();
        }
        let line = content(self.file, at.line);
        let before = line.get(..at.col as usize).unwrap_or(line);
        let mut expanded = String::new();
        expand_tabs(before, &mut expanded);
        self.line_start(at.line) + expanded.len()
    }

    fn line_start(&self, line: u32) -> usize {
        let index = (line - self.lines.start()) as usize;
        self.starts.get(index).copied().unwrap_or(self.text.len())
    }

    /// The end of a line's content in `text`, before its `\n`.
    fn line_end(&self, line: u32) -> usize {
        (self.line_start(line + 1)).saturating_sub(1)
    }
}

/// A line's text without its terminator, as the file has it (a Markdown document's prose too).
fn content(file: &FileData, line: u32) -> &str {
    file.lines.line_range(line).map_or("", |range| {
        file.document
            .get(range.start() as usize..range.end() as usize)
            .unwrap_or("")
    })
}

/// Appends `line` with each tab replaced by the spaces up to the next tab stop; columns count
/// display width (two for a CJK character or an emoji, none for a combining mark).
fn expand_tabs(line: &str, out: &mut String) {
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_WIDTH - column % TAB_WIDTH;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += c.width().unwrap_or(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::{NEAR_LINES, text};
    use crate::analysis::{Checked, FileData};
    use crate::cli::style::Style;
    use crate::cli::summary::Run;
    use crate::model::{FileId, Loc};
    use crate::rules::{Diagnostic, Fix, Severity};
    use crate::syntax::Language;
    use crate::text::TextRange;

    fn file(id: u32, path: &str, text: &str) -> FileData {
        FileData::new(
            FileId(id),
            PathBuf::from(path),
            Language::Sql,
            Arc::new(String::from(text)),
        )
    }

    /// The `nth` occurrence (from 0) of `needle` in `file`.
    fn at(file: &FileData, needle: &str, nth: usize) -> Loc {
        let start = file
            .text
            .match_indices(needle)
            .nth(nth)
            .map(|(start, _)| start)
            .unwrap_or_else(|| panic!("{needle:?} is not in {}", file.path.display()));
        Loc {
            file: file.id,
            range: TextRange::from_usize(start..start + needle.len()),
        }
    }

    fn finding(rule: &'static str, severity: Severity, loc: Loc, message: &str) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(loc, message);
        diagnostic.rule = rule;
        diagnostic.severity = severity;
        diagnostic
    }

    /// The text output, escape codes shown as `␛`.
    fn render(files: Vec<FileData>, diagnostics: Vec<Diagnostic>, color: bool) -> String {
        let checked = Checked {
            files,
            diagnostics,
            sources: Vec::new(),
            keys: Vec::new(),
            history: Default::default(),
        };
        let mut out = Vec::new();
        text(&mut out, &checked, Style::new(color), &Run::default()).unwrap();
        String::from_utf8(out).unwrap().replace('\x1b', "␛")
    }

    /// The text output for a `timestamp` column in `text`, with a related place when given.
    fn timestamp_in(text: &str, related: Option<(&str, &str)>, color: bool) -> String {
        let schema = file(0, "db/schema.sql", text);
        let mut finding = finding(
            "timestamp-without-time-zone",
            Severity::Warning,
            at(&schema, "timestamp", 0),
            "`created_at` is `timestamp without time zone`",
        )
        .with_fix(Fix::safe("Convert to timestamptz", Vec::new()));
        if let Some((needle, message)) = related {
            finding = finding.with_related(at(&schema, needle, 0), message);
        }
        render(vec![schema], vec![finding], color)
    }

    #[test]
    fn wide_characters_before_the_span() {
        insta::assert_snapshot!(timestamp_in(
            "CREATE TABLE users (\n    \"名前\" text, /* 😀 e\u{301} */ created_at timestamp\n);\n",
            None,
            false
        ));
    }

    #[test]
    fn tabs_reach_the_next_tab_stop() {
        insta::assert_snapshot!(timestamp_in(
            "CREATE TABLE users (\n\tid\tbigint,\n\tcreated_at\ttimestamp\n);\n",
            Some(("id", "the key")),
            false
        ));
    }

    #[test]
    fn crlf_line_ends() {
        insta::assert_snapshot!(timestamp_in(
            "CREATE TABLE users (\r\n    id bigint,\r\n    created_at timestamp\r\n);\r\n",
            None,
            false
        ));
    }

    #[test]
    fn a_span_over_several_lines_is_marked_where_it_starts_and_ends() {
        let text = "CREATE TABLE orders (\n    id bigint,\n    total float8\n);\n";
        let schema = file(0, "db/schema.sql", text);
        let start = text.find("CREATE").unwrap();
        let end = text.find(')').unwrap() + 1;
        let statement = Loc {
            file: schema.id,
            range: TextRange::from_usize(start..end),
        };
        let finding = finding(
            "missing-primary-key",
            Severity::Error,
            statement,
            "table `orders` has no primary key",
        )
        .with_fix(Fix::unsafe_("Make `id` the primary key", Vec::new()));
        insta::assert_snapshot!(render(vec![schema], vec![finding], false));
    }

    #[test]
    fn a_span_ending_with_its_line_break_ends_on_that_line() {
        let text = "CREATE RULE r AS ON INSERT TO t DO NOTHING;\nSELECT 1;\n";
        let schema = file(0, "db/schema.sql", text);
        let statement = Loc {
            file: schema.id,
            range: TextRange::from_usize(0..text.find('\n').unwrap() + 1),
        };
        let finding = finding("create-rule", Severity::Warning, statement, "a rule");
        insta::assert_snapshot!(render(vec![schema], vec![finding], false));
    }

    #[test]
    fn related_places_in_the_same_file_are_labelled() {
        let mut text = String::from("CREATE TABLE orders (id bigint);\n");
        text.push_str(&"-- filler\n".repeat(5));
        text.push_str("CREATE TABLE orders (id bigint);\n");
        let schema = file(0, "db/schema.sql", &text);
        let finding = finding(
            "duplicate-table",
            Severity::Error,
            at(&schema, "orders", 1),
            "table `orders` already exists",
        )
        .with_related(at(&schema, "orders", 0), "`orders` is first created here");
        insta::assert_snapshot!(render(vec![schema], vec![finding], false));
    }

    #[test]
    fn related_places_far_away_or_in_another_file_are_notes() {
        let mut text = String::from("CREATE TABLE orders (id bigint);\n");
        text.push_str(&"-- filler\n".repeat(NEAR_LINES as usize + 1));
        text.push_str("CREATE TABLE orders (id bigint);\n");
        let schema = file(0, "db/schema.sql", &text);
        let other = file(1, "db/other.sql", "CREATE TABLE orders (id bigint);\n");
        let finding = finding(
            "duplicate-table",
            Severity::Error,
            at(&schema, "orders", 1),
            "table `orders` already exists",
        )
        .with_related(at(&schema, "orders", 0), "`orders` is first created here")
        .with_related(at(&other, "orders", 0), "and again here");
        insta::assert_snapshot!(render(vec![schema, other], vec![finding], false));
    }

    fn colour_case(color: bool) -> String {
        timestamp_in(
            "CREATE TABLE users (id bigint PRIMARY KEY, created_at timestamp);\n",
            Some(("id", "the key")),
            color,
        )
    }

    #[test]
    fn colour_on() {
        insta::assert_snapshot!(colour_case(true));
    }

    #[test]
    fn colour_off() {
        let plain = colour_case(false);
        assert!(!plain.contains('␛'), "{plain}");
        insta::assert_snapshot!(plain);
    }
}
