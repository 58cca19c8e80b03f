//! One file's analysis: its tree, lowered statements, syntax errors and suppressions, and for a
//! design document its schema blocks. Below the rules and the fix builders, which read it.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use tree_sitter::InputEdit;

use crate::lower::{self, ChangedSpan, PlacedStatement};
use crate::markdown::Embedding;
use crate::model::FileId;
use crate::suppression::{self, Suppressions};
use crate::syntax::{Language, SyntaxError, SyntaxTrees};
use crate::text::{LineIndex, TextRange};

/// Everything ddlint knows about one file's text.
#[derive(Clone)]
pub struct FileData {
    pub id: FileId,
    /// The path as the user reached it (for messages).
    pub path: PathBuf,
    pub language: Language,
    /// The text the analysis reads: the file's text, or for a Markdown document its view of
    /// the schema blocks (see [`crate::markdown`]), the same length, every offset the same.
    pub text: Arc<String>,
    /// The file's own text: what an editor shows and what fixes are applied to.
    pub document: Arc<String>,
    /// The blocks of a Markdown document.
    pub markdown: Option<Arc<Embedding>>,
    /// The trees; none in a check, which lets them go once the file is lowered (`analysis`).
    pub syntax: SyntaxTrees,
    /// The part of the text that is applied (dbmate and goose files: the up section).
    pub applied: TextRange,
    /// Shared: checks keep the statements of the version they checked, to compare.
    pub statements: Arc<Vec<PlacedStatement>>,
    pub syntax_errors: Vec<SyntaxError>,
    pub suppressions: Suppressions,
    pub lines: Arc<LineIndex>,
    /// Whether the text has Prisma Migrate's step comments: computed when first asked, or
    /// carried from the version before an edit that could not have added one.
    migrate_steps: OnceLock<bool>,
    /// This analysis among all others: the next version of the file names it as its origin.
    pub revision: u64,
    /// For the analysis of an edited text: the revision of the version before the edits, and
    /// where the two texts differ.
    pub edited_from: Option<(u64, ChangedSpan)>,
}

/// A revision number no analysis had before.
fn next_revision() -> u64 {
    static REVISIONS: AtomicU64 = AtomicU64::new(0);
    REVISIONS.fetch_add(1, Ordering::Relaxed)
}

/// SQL texts from this size are parsed in pieces, one per core.
const PIECES_FROM_BYTES: usize = 256 * 1024;

/// Parses and lowers an SQL text: a large one in pieces on several threads, each piece lowered
/// by the thread that parsed it.
fn parse_sql(text: &str, applied: TextRange) -> (SyntaxTrees, Vec<PlacedStatement>) {
    let cores = crate::cores();
    let pieces = cores.min(text.len() / PIECES_FROM_BYTES);
    if pieces > 1
        && let Some((syntax, lowered)) = SyntaxTrees::parse_in_pieces(text, pieces, |tree| {
            lower::lower_sql_nodes(crate::syntax::statements(tree), text, applied)
        })
    {
        return (syntax, lowered.concat());
    }
    let tree = crate::syntax::parse(Language::Sql, text, None);
    let syntax = SyntaxTrees::from_tree(Language::Sql, tree.clone(), text);
    let statements = if syntax.is_whole_tree() {
        lower::lower_sql(&tree, text, applied)
    } else {
        // Cut after an opener that is never closed: the statements of the parts.
        lower::lower_sql_nodes(syntax.statements(), text, applied)
    };
    (syntax, statements)
}

/// The pieces a check parses a large SQL text in: the trees of one piece per core are held at
/// once, not the whole text's.
const CHECK_PIECE_BYTES: usize = 256 * 1024;

impl FileData {
    /// [`FileData::new`] for a run that reads the lowered statements and never the trees (a
    /// check): the trees are released, and those of a large SQL text are dropped a piece at a
    /// time, as soon as the piece is lowered. On GitLab's schema the trees took half the memory
    /// of the whole check.
    pub fn without_trees(
        id: FileId,
        path: PathBuf,
        language: Language,
        text: Arc<String>,
    ) -> FileData {
        // A suppression comment is found in the trees.
        let piecewise = language == Language::Sql
            && text.len() >= PIECES_FROM_BYTES
            && !crate::markdown::is_document(&path)
            && !text.contains(suppression::MARKER);
        let applied = applied_region_of(language, &text);
        let lowered = piecewise
            .then(|| {
                SyntaxTrees::read_in_pieces(&text, CHECK_PIECE_BYTES, crate::cores(), |tree| {
                    lower::lower_sql_nodes(crate::syntax::statements(tree), &text, applied)
                })
            })
            .flatten();
        let Some(lowered) = lowered else {
            let mut file = FileData::new(id, path, language, text);
            file.syntax = SyntaxTrees::released(language);
            return file;
        };
        let lines = Arc::new(LineIndex::new(&text));
        // Every piece parsed without an error: there are no syntax errors, and no suppressions.
        FileData::assemble(
            id,
            path,
            language,
            (text, lines),
            SyntaxTrees::released(language),
            applied,
            lowered.concat(),
            Suppressions::default(),
        )
    }

    /// Parses and lowers `text` from scratch.
    pub fn new(id: FileId, path: PathBuf, language: Language, text: Arc<String>) -> FileData {
        if crate::markdown::is_document(&path) {
            return FileData::design_document(id, path, text);
        }
        let applied = applied_region_of(language, &text);
        let (syntax, statements) = match language {
            Language::Sql => parse_sql(&text, applied),
            Language::Prisma => {
                let tree = crate::syntax::parse(language, &text, None);
                let statements = lower::lower_prisma(&tree, &text);
                (SyntaxTrees::from_tree(language, tree, &text), statements)
            }
        };
        let lines = Arc::new(LineIndex::new(&text));
        let suppressions = suppression::collect(language, &syntax, &text, &statements);
        FileData::assemble(
            id,
            path,
            language,
            (text, lines),
            syntax,
            applied,
            statements,
            suppressions,
        )
    }

    /// A Markdown document (or a Mermaid file): its schema blocks parsed from the document's
    /// view, syntax errors kept only in blocks that read as schema.
    fn design_document(id: FileId, path: PathBuf, document: Arc<String>) -> FileData {
        let mut embedding = Embedding::scan(&path, &document);
        let fenced: Vec<TextRange> = embedding.blocks.iter().map(|b| b.range).collect();
        let tables = if embedding.standalone_diagram {
            Vec::new()
        } else {
            crate::markdown::column_tables::lower(&document, &fenced)
        };
        embedding.tables = tables.iter().map(PlacedStatement::range).collect();
        let language = embedding.language();
        let text: Arc<String> = Arc::from(embedding.view(&document, language));
        let tree = crate::syntax::parse(language, &text, None);
        let whole = TextRange::new(0, text.len() as u32);
        let syntax = SyntaxTrees::from_tree(language, tree.clone(), &text);
        let mut statements = match language {
            Language::Sql if syntax.is_whole_tree() => lower::lower_sql(&tree, &text, whole),
            Language::Sql => lower::lower_sql_nodes(syntax.statements(), &text, whole),
            Language::Prisma => lower::lower_prisma(&tree, &text),
        };
        if language == Language::Sql && !tables.is_empty() {
            statements.extend(tables);
            statements.sort_by_key(|s| s.start);
        }
        crate::markdown::keep_latest_definitions(&embedding, &mut statements);
        let lines = Arc::new(LineIndex::new(&document));
        let mut suppressions = suppression::collect(language, &syntax, &text, &statements);
        suppressions.add(embedding.suppressions(&document));
        let mut file = FileData::assemble(
            id,
            path,
            language,
            (text, lines),
            syntax,
            whole,
            statements,
            suppressions,
        );
        file.syntax_errors.retain(|error| {
            embedding
                .block_holding(TextRange::empty(error.range.start()))
                .is_some_and(|block| Embedding::reads_as_schema(block, &document))
        });
        file.document = document;
        file.markdown = Some(Arc::new(embedding));
        file
    }

    /// A file ddlint reports on but does not analyse (a baseline's entries): its text and
    /// lines, no statements.
    pub fn unparsed(id: FileId, path: PathBuf, text: Arc<String>) -> FileData {
        let tree = crate::syntax::parse(Language::Sql, "", None);
        let syntax = SyntaxTrees::from_tree(Language::Sql, tree, "");
        let lines = Arc::new(LineIndex::new(&text));
        let whole = TextRange::new(0, 0);
        FileData::assemble(
            id,
            path,
            Language::Sql,
            (text, lines),
            syntax,
            whole,
            Vec::new(),
            Suppressions::default(),
        )
    }

    /// The analysis of this file's next version: `edits` (in order, as tree-sitter takes them)
    /// turned this version's text into `text`, and `span` is where the two differ. Only the
    /// chunks of the text the edits touched are parsed again, and only the statements they
    /// touched are lowered again.
    pub fn reparsed(&self, text: Arc<String>, edits: &[InputEdit], span: ChangedSpan) -> FileData {
        if self.markdown.is_some() {
            return FileData::design_document(self.id, self.path.clone(), text);
        }
        let (syntax, reparsed) = self.syntax.reparse(&text, edits, span.new, span.delta);
        let applied = self.applied_after_edit(&text, span);
        let all_applied = applied == TextRange::new(0, text.len() as u32)
            && self.applied == TextRange::new(0, self.text.len() as u32);
        let previous = &self.statements;
        let statements = match (self.language, syntax.single_tree()) {
            (Language::Prisma, Some(tree)) => lower::lower_prisma(tree, &text),
            // Outside the reparsed part, statements are those of this version, maybe moved.
            _ if all_applied => {
                let inside = syntax.statements_in(reparsed.new);
                let before = previous
                    .iter()
                    .take_while(|s| s.start < reparsed.old.start());
                let after = previous.iter().filter(|s| s.start >= reparsed.old.end());
                let moved = |s: &PlacedStatement| PlacedStatement {
                    start: (i64::from(s.start) + span.delta) as u32,
                    lowered: Arc::clone(&s.lowered),
                };
                before
                    .cloned()
                    .chain(lower::lower_sql_reusing(
                        inside, &text, applied, previous, span,
                    ))
                    .chain(after.map(moved))
                    .collect()
            }
            _ => lower::lower_sql_reusing(syntax.statements(), &text, applied, previous, span),
        };
        let old = TextRange::new(
            span.new.start(),
            (i64::from(span.new.end()) - span.delta) as u32,
        );
        let lines = Arc::new(self.lines.edited(&text, old, span.new.len()));
        let suppressions = if !self.suppressions.marked {
            suppression::collect_if_marked(self.language, &syntax, &text, &statements, span.new)
        } else {
            suppression::collect(self.language, &syntax, &text, &statements)
        };
        let mut next = FileData::assemble(
            self.id,
            self.path.clone(),
            self.language,
            (text, lines),
            syntax,
            applied,
            statements,
            suppressions,
        );
        next.edited_from = Some((self.revision, span));
        // A text without steps has one after the edit only if a step's comment line or the line
        // after it changed: looking around the edit is enough, not the whole text again.
        if self.migrate_steps.get() == Some(&false) {
            let around = lines_around(&next.text, span.new);
            let _ = next
                .migrate_steps
                .set(has_prisma_migrate_steps(&next.text[around]));
        }
        next
    }

    /// The applied part of the next version. When this version has no up/down marker line (it is
    /// all applied) and the edited lines hold none, the next one is all applied too, which spares
    /// a scan of the whole text.
    fn applied_after_edit(&self, text: &str, span: ChangedSpan) -> TextRange {
        let everything = TextRange::new(0, text.len() as u32);
        let all_applied = self.applied == TextRange::new(0, self.text.len() as u32);
        if self.language == Language::Sql && all_applied {
            let (start, end) = (span.new.start() as usize, span.new.end() as usize);
            let first_line = text
                .get(..start)
                .and_then(|text| text.rfind('\n'))
                .map_or(0, |i| i + 1);
            let last_line = text
                .get(end..)
                .and_then(|text| text.find('\n'))
                .map_or(text.len(), |i| end + i + 1);
            let touched = text.get(first_line..last_line).unwrap_or(text);
            if applied_region(touched) == (0..touched.len()) {
                return everything;
            }
        }
        applied_region_of(self.language, text)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        id: FileId,
        path: PathBuf,
        language: Language,
        (text, lines): (Arc<String>, Arc<LineIndex>),
        syntax: SyntaxTrees,
        applied: TextRange,
        statements: Vec<PlacedStatement>,
        suppressions: Suppressions,
    ) -> FileData {
        let syntax_errors = syntax
            .syntax_errors(&lines)
            .into_iter()
            .filter(|error| applied.contains_range(error.range))
            .collect();
        FileData {
            id,
            path,
            language,
            document: Arc::clone(&text),
            text,
            markdown: None,
            syntax,
            applied,
            statements: Arc::new(statements),
            syntax_errors,
            suppressions,
            lines,
            migrate_steps: OnceLock::new(),
            revision: next_revision(),
            edited_from: None,
        }
    }

    /// Whether the text has a Prisma Migrate step (see [`has_prisma_migrate_steps`]).
    pub fn has_prisma_migrate_steps(&self) -> bool {
        *self
            .migrate_steps
            .get_or_init(|| has_prisma_migrate_steps(&self.text))
    }

    /// The lowered statement that contains `offset`.
    pub fn statement_at(&self, offset: u32) -> Option<&PlacedStatement> {
        let index = self.statements.partition_point(|s| s.start <= offset);
        let candidate = self.statements.get(index.checked_sub(1)?)?;
        candidate
            .range()
            .contains_inclusive(offset)
            .then_some(candidate)
    }

    /// Whether `offset` is in the text the analysis reads: anywhere in a schema file, only in
    /// the schema blocks of a Markdown document (not in its prose).
    pub fn reads_at(&self, offset: u32) -> bool {
        self.markdown.as_ref().is_none_or(|embedding| {
            embedding
                .blocks_of(self.language)
                .any(|block| block.content.contains_inclusive(offset))
        })
    }

    /// The text at `range` as the analysis reads it; in a Markdown column table, which the view
    /// of the schema blocks blanks, the document's own (a fix copying a type's precision from a
    /// cell copied blanks).
    pub fn slice(&self, range: TextRange) -> &str {
        let in_table = self.markdown.as_ref().is_some_and(|embedding| {
            embedding
                .tables
                .iter()
                .any(|table| table.contains_range(range))
        });
        let text = if in_table { &self.document } else { &self.text };
        text.get(range.start() as usize..range.end() as usize)
            .unwrap_or("")
    }
}

/// The part of a file that is applied (dbmate and goose files: the up section).
fn applied_region_of(language: Language, text: &str) -> TextRange {
    match language {
        Language::Sql => TextRange::from(applied_region(text)),
        Language::Prisma => TextRange::new(0, text.len() as u32),
    }
}

/// The part of a migration file that is applied when migrating up: for goose (`-- +goose Up` /
/// `-- +goose Down`) and dbmate (`-- migrate:up` / `-- migrate:down`) files, the text between the
/// up marker line and the down marker line (an up marker without a down marker: to the end);
/// for any other file, the whole text.
pub fn applied_region(text: &str) -> Range<usize> {
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        match section_marker(line) {
            Some(Section::Up) if start.is_none() => start = Some(offset),
            Some(Section::Down) => return start.unwrap_or(0)..line_start,
            _ => {}
        }
    }
    start.unwrap_or(0)..text.len()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Up,
    Down,
}

fn section_marker(line: &str) -> Option<Section> {
    let comment = line.trim_start().strip_prefix("--")?.trim_start();
    let lower = comment.trim_end().to_ascii_lowercase();
    let words = if let Some(rest) = lower.strip_prefix("+goose") {
        rest.split_whitespace().next()?.to_owned()
    } else {
        let rest = lower.strip_prefix("migrate:")?;
        rest.split_whitespace().next()?.to_owned()
    };
    match words.as_str() {
        "up" => Some(Section::Up),
        "down" => Some(Section::Down),
        _ => None,
    }
}

/// The comment lines Prisma Migrate writes above each step of the SQL it generates.
const PRISMA_MIGRATE_STEPS: &[&str] = &[
    "-- CreateEnum",
    "-- AlterEnum",
    "-- DropEnum",
    "-- CreateTable",
    "-- AlterTable",
    "-- DropTable",
    "-- CreateIndex",
    "-- DropIndex",
    "-- RenameIndex",
    "-- AddForeignKey",
    "-- DropForeignKey",
    "-- RenameForeignKey",
];

/// Whether the text has a Prisma Migrate step: a step comment on a line of its own, followed by
/// a statement in Prisma's form, upper-case keywords and a double-quoted name (`CREATE TABLE
/// "User" (`). Hand-written SQL that borrows the comments names its objects its own way.
/// Suppression comments between the two, where ddlint's "ignore" action writes them, do not
/// count.
pub(crate) fn has_prisma_migrate_steps(text: &str) -> bool {
    // This runs on every edit of a large file: a vectorised search finds the only lines that
    // can be steps, those starting with `-- `.
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"-- ").any(|at| {
        if at > 0 && bytes[at - 1] != b'\n' {
            return false;
        }
        let (line, after) = text[at..].split_once('\n').unwrap_or((&text[at..], ""));
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !PRISMA_MIGRATE_STEPS.contains(&line) {
            return false;
        }
        let statement = after
            .split('\n')
            .find(|line| !is_suppression_line(line))
            .unwrap_or("");
        statement.split_once('"').is_some_and(|(keywords, _)| {
            !keywords.trim().is_empty()
                && keywords
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b' ')
        })
    })
}

/// A `-- ddlint-ignore` comment line.
fn is_suppression_line(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("--")
        .is_some_and(|comment| comment.trim_start().starts_with(suppression::MARKER))
}

/// The lines of `text` that `range` touches, with the line before and the line after them, and
/// past the suppression comment lines on either side, the next line too: the lines a Prisma
/// Migrate step the edit touches can span.
fn lines_around(text: &str, range: TextRange) -> Range<usize> {
    let bytes = text.as_bytes();
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let line_end =
        |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
    let mut start = line_start(range.start() as usize);
    loop {
        let before = line_start(start.saturating_sub(1));
        let at_text_start = before == start;
        start = before;
        if at_text_start || !is_suppression_line(&text[start..line_end(start)]) {
            break;
        }
    }
    let mut end = line_end(range.end() as usize);
    loop {
        let next = end;
        end = line_end(end);
        if next == end || !is_suppression_line(&text[next..end]) {
            break;
        }
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(file: &FileData) -> Vec<(u32, &lower::LoweredStatement)> {
        file.statements
            .iter()
            .map(|statement| (statement.start, &*statement.lowered))
            .collect()
    }

    /// A check's file without trees holds what a file parsed whole holds, trees aside: on a
    /// large text read piece by piece, on one with a syntax error (parsed whole), and on one with
    /// a suppression comment (found in the trees).
    #[test]
    fn a_file_without_trees_holds_what_a_whole_parse_gives() {
        let tables: String = (0..12_000)
            .map(|i| format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, created_at timestamp);\n"))
            .collect();
        assert!(tables.len() > 2 * CHECK_PIECE_BYTES);
        // The first text takes the way without trees.
        assert!(SyntaxTrees::read_in_pieces(&tables, CHECK_PIECE_BYTES, 2, |_| ()).is_some());
        let texts = [
            tables.clone(),
            format!("{tables}CREATE TABLE broken (id bigint,);\n"),
            format!(
                "{tables}-- ddlint-ignore timestamp-without-time-zone\nCREATE TABLE s (at timestamp);\n"
            ),
        ];
        for text in texts {
            let text: Arc<String> = Arc::from(text);
            let path = PathBuf::from("schema.sql");
            let whole = FileData::new(FileId(0), path.clone(), Language::Sql, Arc::clone(&text));
            let check = FileData::without_trees(FileId(0), path, Language::Sql, Arc::clone(&text));
            assert_eq!(check.syntax.statements().count(), 0);
            assert_eq!(statements(&check), statements(&whole));
            assert_eq!(check.syntax_errors, whole.syntax_errors);
            assert_eq!(check.suppressions, whole.suppressions);
            assert_eq!(
                whole.suppressions.items.len(),
                usize::from(text.contains("ddlint-ignore"))
            );
            assert_eq!(check.applied, whole.applied);
        }
    }

    /// A statement with syntax errors is lowered again after an edit elsewhere in its chunk:
    /// its text is the same, but its recovery depends on the text around it. Here the last
    /// statement's foreign key went to `use` before the edits and to `DEC` after them, and the
    /// edited file kept `use`. (The `edits` fuzz target found it.)
    #[test]
    fn a_statement_with_errors_is_lowered_again_after_an_edit_before_it() {
        let text = "CREATEMARY KEY);\nCREATE TABLE posts`FFROM orders;\nCREATE RULE delete_recent AS \
                    ON Dnt_oASROM pdes WHEng;\nCREATE VIELE\n);\nALTER TABLE posts ADD CONSTd) \
                    REFERENCES use) ON DEC";
        let path = PathBuf::from("schema.sql");
        let mut file = FileData::new(
            FileId(0),
            path.clone(),
            Language::Sql,
            Arc::new(String::from(text)),
        );
        let mut document = crate::text::Document::new(text, 1);
        for (start, end, new) in [
            (102, 110, "ALTER TABLE t ADD COLUMN c text;\n"),
            (48, 58, "\n"),
        ] {
            file = crate::edits::edited(&file, &mut document, TextRange::new(start, end), new);
        }
        let fresh = FileData::new(FileId(0), path, Language::Sql, Arc::from(document.text()));
        assert_eq!(statements(&file), statements(&fresh));
    }

    /// A statement's lowering is kept only where the same text is still a whole statement: the
    /// `_` before brackets never closed is a piece of its part's `ERROR` root once a statement is
    /// pasted before it (found by the parse_sql fuzz target), and a statement again once it is
    /// taken out.
    #[test]
    fn a_piece_of_a_broken_statement_is_not_the_statement_its_text_was() {
        let text = "s;x*/_[[[[[[[[[[[[[[[";
        let path = PathBuf::from("schema.sql");
        let fresh =
            |text: String| FileData::new(FileId(0), path.clone(), Language::Sql, Arc::new(text));
        let file = fresh(text.to_string());
        let mut document = crate::text::Document::new(text, 1);
        let pasted = "SET search_path TO app, public;\n";
        let file = crate::edits::edited(&file, &mut document, TextRange::new(2, 5), pasted);
        assert_eq!(statements(&file), statements(&fresh(document.text())));
        let back = TextRange::new(2, 2 + pasted.len() as u32);
        let file = crate::edits::edited(&file, &mut document, back, "x*/");
        assert_eq!(document.text(), text);
        assert_eq!(statements(&file), statements(&fresh(text.to_string())));
    }

    /// After a quote that never ends, parsing resumes at the next statement line, and the
    /// suppression comment right above that line went on covering the statement.
    #[test]
    fn a_suppression_after_a_quote_that_never_ends_covers_its_statement() {
        let text = "SELECT \"a;\n-- ddlint-ignore missing-table-comment\nCREATE TABLE users (id bigint PRIMARY KEY);\n";
        let file = FileData::new(
            FileId(0),
            PathBuf::from("a.sql"),
            Language::Sql,
            Arc::from(text.to_string()),
        );
        let at = text.find("users").unwrap() as u32;
        assert!(
            file.suppressions
                .items
                .iter()
                .any(|s| s.covers("missing-table-comment", at))
        );
    }

    /// "Ignore ... for this statement" writes its comment between a step's comment and its
    /// statement: the SQL is still Prisma's.
    #[test]
    fn a_suppression_comment_keeps_a_prisma_migrate_step() {
        let step = "-- CreateTable\n-- ddlint-ignore missing-table-comment\n-- ddlint-ignore r\r\nCREATE TABLE \"A\" (id int);\n";
        assert!(has_prisma_migrate_steps(step));
        assert!(!has_prisma_migrate_steps(
            &step.replace("ddlint-ignore r", "other")
        ));
        // Edits of the statement and of the step's comment, a suppression line away from each
        // other, find the step as a scan of the whole text does.
        for (text, from, to) in [
            (
                step.replace("CREATE TABLE", "create table"),
                "create table",
                "CREATE TABLE",
            ),
            (
                step.replace("CreateTable", "CreateTablx"),
                "CreateTablx",
                "CreateTable",
            ),
        ] {
            let file = FileData::new(
                FileId(0),
                PathBuf::from("a.sql"),
                Language::Sql,
                Arc::from(text.clone()),
            );
            assert!(!file.has_prisma_migrate_steps());
            let mut document = crate::text::Document::new(&text, 1);
            let at = text.find(from).unwrap();
            let range = TextRange::from_usize(at..at + from.len());
            let file = crate::edits::edited(&file, &mut document, range, to);
            assert!(file.has_prisma_migrate_steps(), "{}", file.text);
        }
    }

    /// Whether the text has Prisma Migrate steps, carried over edits elsewhere and found again
    /// around an edit, is what a scan of the whole text finds: pieces of step comments and of
    /// Prisma-style statements inserted and removed at random, line breaks included.
    #[test]
    fn prisma_migrate_steps_after_edits_are_those_of_the_whole_text() {
        let pieces = [
            "\n-- CreateTable\n",
            "-- ddlint-ignore r\n",
            "-- AddForeignKey\r\n",
            "\n",
            "CREATE TABLE \"A\" (id int);",
            "ALTER TABLE \"A\" ",
            "x",
        ];
        let text = "CREATE TABLE a (id int);\n-- CreateTable for b\nCREATE TABLE \"b\" (id int);\n";
        let path = PathBuf::from("schema.sql");
        // The comment line completed: the step's statement is on the unchanged line after it.
        let file = FileData::new(
            FileId(0),
            path.clone(),
            Language::Sql,
            Arc::from(text.to_string()),
        );
        assert!(!file.has_prisma_migrate_steps());
        let mut document = crate::text::Document::new(text, 1);
        let at = text.find(" for b").unwrap() as u32;
        let file = crate::edits::edited(&file, &mut document, TextRange::new(at, at + 6), "");
        assert!(file.has_prisma_migrate_steps());
        let mut numbers = crate::edits::Numbers(7);
        let (mut carried, mut found) = (0, 0);
        for _ in 0..40 {
            let mut file = FileData::new(
                FileId(0),
                path.clone(),
                Language::Sql,
                Arc::from(text.to_string()),
            );
            let mut document = crate::text::Document::new(text, 1);
            assert!(!file.has_prisma_migrate_steps());
            for _ in 0..12 {
                let len = document.text().len();
                let mut start = numbers.below(len + 1);
                while !document.text().is_char_boundary(start) {
                    start -= 1;
                }
                let end = if numbers.below(3) == 0 {
                    let mut end = (start + numbers.below(12)).min(len);
                    while !document.text().is_char_boundary(end) {
                        end -= 1;
                    }
                    end
                } else {
                    start
                };
                let piece = pieces[numbers.below(pieces.len())];
                let range = TextRange::new(start as u32, end as u32);
                let known = file.migrate_steps.get().copied();
                file = crate::edits::edited(&file, &mut document, range, piece);
                carried += usize::from(known == Some(false));
                let whole = has_prisma_migrate_steps(&file.text);
                found += usize::from(whole);
                assert_eq!(file.has_prisma_migrate_steps(), whole, "{:?}", file.text);
            }
        }
        assert!(
            carried > 100 && found > 20,
            "carried {carried}, found {found}"
        );
    }
}
