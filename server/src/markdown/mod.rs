//! Markdown design documents as schema sources.
//!
//! A document's ```sql (```postgresql, ```pgsql, ```psql) and ```prisma fenced blocks are read in
//! document order as one schema. They are parsed from a *view* of the document: a copy of the
//! same length in which every byte outside the blocks of the view's language is a space (line
//! breaks kept), so every offset the parser, the rules and the fixes produce is an offset into
//! the .md itself, and line and column arithmetic (UTF-16 included) works on the real text.
//!
//! A document that has both SQL and Prisma blocks shows two views of one design: the SQL blocks
//! are the schema (they are what a migration runs), and the Prisma blocks are left out. A
//! document with Prisma blocks only is a Prisma schema.
//!
//! Design documents show parts of a schema: a block may be an excerpt (`...`) or a query, and
//! tables a document references without defining are outside it. So syntax errors are reported
//! only in blocks that read as schema (their first statement is DDL and nothing is elided), and
//! the source counts as one that may rely on tables defined elsewhere.

pub mod column_tables;

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Edit};
use crate::file::FileData;
use crate::lower::{Fact, PlacedStatement};
use crate::model::FileId;
use crate::suppression::{MARKER, Suppression, rule_ids};
use crate::syntax::Language;
use crate::text::TextRange;

/// Whether a path names a Markdown (or standalone Mermaid) document.
pub fn is_document(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            matches!(
                ext.to_ascii_lowercase().as_str(),
                "md" | "markdown" | "mmd" | "mermaid"
            )
        })
}

/// The SQL a document's blocks run, at their offsets in it (for running a design document on
/// PostgreSQL); `None` when the document's schema is Prisma.
pub fn sql_view(path: &std::path::Path, text: &str) -> Option<String> {
    let embedding = Embedding::scan(path, text);
    (embedding.language() == Language::Sql).then(|| embedding.view(text, Language::Sql))
}

/// Whether a path names a standalone Mermaid file: the whole text is one diagram.
pub fn is_mermaid_file(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| matches!(ext.to_ascii_lowercase().as_str(), "mmd" | "mermaid"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockLanguage {
    Sql,
    Prisma,
    Mermaid,
    Other,
}

impl BlockLanguage {
    fn of_info(info: &str) -> BlockLanguage {
        let word = info
            .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match word.as_str() {
            "sql" | "postgresql" | "postgres" | "pgsql" | "psql" | "plpgsql" => BlockLanguage::Sql,
            "prisma" => BlockLanguage::Prisma,
            "mermaid" => BlockLanguage::Mermaid,
            _ => BlockLanguage::Other,
        }
    }
}

/// One fenced code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub language: BlockLanguage,
    /// From the first character of the opening fence to the end of the closing fence (or of the
    /// document, when the block is never closed).
    pub range: TextRange,
    /// The lines between the fences, line breaks included.
    pub content: TextRange,
    /// Where the closing fence starts; `None` when the block runs to the end of the document.
    pub closing: Option<u32>,
    /// The block sits in a block quote: its lines start with `>` markers.
    quoted: bool,
    /// What starts each of its lines: the indentation of a list item, `> ` in a block quote.
    pub prefix: String,
}

/// The parts of a Markdown document ddlint reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Embedding {
    pub blocks: Vec<Block>,
    /// HTML comments outside the blocks.
    pub comments: Vec<TextRange>,
    /// The column tables (and index tables) lowered from the prose, heading to last row: see
    /// [`column_tables`]. Set by whoever lowers them.
    pub tables: Vec<TextRange>,
    /// The whole text is one Mermaid diagram (a `.mmd` file).
    pub standalone_diagram: bool,
}

impl Embedding {
    pub fn scan(path: &std::path::Path, text: &str) -> Embedding {
        if is_mermaid_file(path) {
            let whole = TextRange::new(0, text.len() as u32);
            return Embedding {
                blocks: vec![Block {
                    language: BlockLanguage::Mermaid,
                    range: whole,
                    content: whole,
                    closing: None,
                    quoted: false,
                    prefix: String::new(),
                }],
                comments: Vec::new(),
                tables: Vec::new(),
                standalone_diagram: true,
            };
        }
        let (blocks, comments) = scan_markdown(text);
        Embedding {
            blocks,
            comments,
            tables: Vec::new(),
            standalone_diagram: false,
        }
    }

    /// The language the document's schema is written in: SQL when it has SQL blocks (or none
    /// at all), Prisma when its only schema blocks are Prisma.
    pub fn language(&self) -> Language {
        let has = |language| self.blocks.iter().any(|b| b.language == language);
        if !has(BlockLanguage::Sql) && self.tables.is_empty() && has(BlockLanguage::Prisma) {
            Language::Prisma
        } else {
            Language::Sql
        }
    }

    pub fn blocks_of(&self, language: Language) -> impl Iterator<Item = &Block> {
        let wanted = match language {
            Language::Sql => BlockLanguage::Sql,
            Language::Prisma => BlockLanguage::Prisma,
        };
        self.blocks.iter().filter(move |b| b.language == wanted)
    }

    /// The diagrams: the content of each ```mermaid block that is an `erDiagram`.
    pub fn er_diagrams<'a>(&'a self, text: &'a str) -> impl Iterator<Item = TextRange> + 'a {
        self.blocks
            .iter()
            .filter(|b| b.language == BlockLanguage::Mermaid)
            .map(|b| b.content)
            .filter(|content| {
                text.get(content.start() as usize..content.end() as usize)
                    .is_some_and(|body| first_diagram_word(body) == Some("erDiagram"))
            })
    }

    /// The text the parser of `language` reads: the document with everything outside that
    /// language's blocks blanked, offsets unchanged. Each SQL block ends with a `;` where its
    /// closing fence starts, so a statement left open in one block does not run into the next.
    pub fn view(&self, text: &str, language: Language) -> String {
        let mut view: Vec<u8> = text
            .bytes()
            .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
            .collect();
        for block in self.blocks_of(language) {
            let start = block.content.start() as usize;
            let end = block.content.end() as usize;
            view[start..end].copy_from_slice(&text.as_bytes()[start..end]);
            if block.quoted {
                blank_quote_markers(&mut view[start..end]);
            }
            if let (Language::Sql, Some(closing)) = (language, block.closing) {
                view[closing as usize] = b';';
            }
        }
        // Only ASCII bytes were written over whole blocks of valid UTF-8 text or its bytes.
        String::from_utf8(view).unwrap_or_default()
    }

    /// The block whose content holds `range` (an empty range may sit at the content's end).
    pub fn block_holding(&self, range: TextRange) -> Option<&Block> {
        self.blocks.iter().find(|block| {
            block.content.start() <= range.start() && range.end() <= block.content.end()
        })
    }

    /// Whether syntax errors in `block` are the schema's: the block's first statement is DDL and
    /// nothing in it is elided (`...`, `…`, `<placeholder>`).
    pub fn reads_as_schema(block: &Block, text: &str) -> bool {
        let body = &text[block.content.start() as usize..block.content.end() as usize];
        if body.contains("...") || body.contains('…') || has_placeholder(body) {
            return false;
        }
        let first_word = body
            .lines()
            .map(str::trim_start)
            .map(|line| line.trim_start_matches('>').trim_start())
            .find(|line| !line.is_empty() && !line.starts_with("--"))
            .and_then(|line| line.split(|c: char| !c.is_ascii_alphabetic()).next())
            .unwrap_or("")
            .to_ascii_uppercase();
        matches!(first_word.as_str(), "CREATE" | "ALTER" | "COMMENT" | "DROP")
    }
}

impl Embedding {
    /// `<!-- ddlint-ignore rule-id -->` before a block covers the block;
    /// `<!-- ddlint-ignore-file rule-id -->` anywhere covers the document.
    pub fn suppressions(&self, text: &str) -> Vec<Suppression> {
        let mut found = Vec::new();
        for &comment in &self.comments {
            let inner = &text[comment.start() as usize..comment.end() as usize];
            let inner_start = comment.start() as usize + "<!--".len();
            let body = inner
                .strip_prefix("<!--")
                .unwrap_or(inner)
                .trim_end_matches("-->");
            let Some(rest) = body.trim_start().strip_prefix(MARKER) else {
                continue;
            };
            let (whole_file, list) = match rest.strip_prefix("-file") {
                Some(list) => (true, list),
                None => (false, rest),
            };
            if !list.starts_with(char::is_whitespace) {
                continue;
            }
            let list_start = inner_start + (body.len() - list.len());
            let rules = rule_ids(list, list_start);
            if rules.is_empty() {
                continue;
            }
            let scope = (!whole_file).then(|| {
                self.covered_by_comment(text, comment)
                    .unwrap_or(TextRange::empty(comment.end()))
            });
            found.push(Suppression {
                comment,
                rules,
                scope,
            });
        }
        found
    }

    /// What a suppression comment covers: the column table it sits in (between a table's
    /// heading and its rows), else the block or column table that starts after it with only
    /// blank lines between.
    fn covered_by_comment(&self, text: &str, comment: TextRange) -> Option<TextRange> {
        if let Some(&table) = self.tables.iter().find(|t| t.contains_range(comment)) {
            return Some(table);
        }
        let offset = comment.end();
        let blocks = self.blocks.iter().map(|b| (b.range.start(), b.content));
        let tables = self.tables.iter().map(|t| (t.start(), *t));
        let (start, covered) = blocks
            .chain(tables)
            .filter(|(start, _)| *start >= offset)
            .min_by_key(|(start, _)| *start)?;
        text[offset as usize..start as usize]
            .trim_start_matches(|c: char| c.is_whitespace() || c == '>' || c == '-' || c == '*')
            .is_empty()
            .then_some(covered)
    }
}

/// A document often shows a table twice: as it is, then as it would be (partitioned, with a
/// new key), or as a column table and as SQL. The later definition is the design, so an
/// earlier one in another block or table is left out rather than reported as a duplicate.
pub fn keep_latest_definitions(embedding: &Embedding, statements: &mut Vec<PlacedStatement>) {
    let created = |statement: &PlacedStatement| {
        statement.lowered.facts.iter().find_map(|fact| match fact {
            Fact::CreateTable(table) => Some((
                table.name.schema.as_ref().map(|s| s.name.clone()),
                table.name.name.name.clone(),
            )),
            _ => None,
        })
    };
    // A fenced block, or a column table (each its own place).
    let block_of = |statement: &PlacedStatement| {
        embedding
            .blocks
            .iter()
            .position(|b| b.content.contains_inclusive(statement.start))
            .map_or((false, statement.start as usize), |index| (true, index))
    };
    let mut last_definition = HashMap::new();
    for (index, statement) in statements.iter().enumerate() {
        if let Some(name) = created(statement) {
            last_definition.insert(name, (index, block_of(statement)));
        }
    }
    let mut index = 0;
    statements.retain(|statement| {
        let keep = created(statement).is_none_or(|name| {
            let (last, last_block) = last_definition[&name];
            last == index || last_block == block_of(statement)
        });
        index += 1;
        keep
    });
}

/// Keeps a Markdown document's fixes inside its blocks: a fix that would write into the prose
/// around them is dropped, except that statements a fix appends at the end of the document go
/// at the end of its last schema block instead.
pub fn confine_fixes(diagnostics: &mut [Diagnostic], files: &[&FileData]) {
    let documents: HashMap<FileId, &FileData> = files
        .iter()
        .filter(|file| file.markdown.is_some())
        .map(|file| (file.id, *file))
        .collect();
    if documents.is_empty() {
        return;
    }
    for diagnostic in diagnostics.iter_mut() {
        diagnostic.fixes.retain_mut(|fix| {
            fix.edits
                .iter_mut()
                .all(|edit| match documents.get(&edit.file) {
                    None => true,
                    Some(file) => confine_edit(edit, file),
                })
        });
    }
}

/// Whether `edit` stays in a block of `file`, after moving an append at the end of the document
/// into the last schema block; in a block that is quoted or in a list item, the lines the edit
/// writes get the block's prefix.
pub fn confine_edit(edit: &mut Edit, file: &FileData) -> bool {
    let Some(embedding) = &file.markdown else {
        return true;
    };
    let end = file.document.len() as u32;
    if edit.range == TextRange::empty(end) && edit.inserts_statements {
        let Some(last) = embedding.blocks_of(file.language).last() else {
            return false;
        };
        edit.range = TextRange::empty(last.content.end());
        if !edit.text.ends_with('\n') {
            edit.text.push('\n');
            if let Some(snippet) = &mut edit.snippet {
                snippet.push('\n');
            }
        }
    }
    if let Some(table) = file
        .statements
        .iter()
        .find(|s| embedding.tables.contains(&s.range()) && s.range().contains_range(edit.range))
    {
        return column_tables::edit_stays_in_cells(&file.document, table, edit.range, &edit.text);
    }
    let Some(block) = embedding.block_holding(edit.range) else {
        return false;
    };
    if !block.prefix.is_empty() {
        let starts_line =
            |offset: u32| offset == 0 || file.document.as_bytes()[offset as usize - 1] == b'\n';
        let ends = Ends {
            at_line_start: starts_line(edit.range.start()),
            before_line_start: starts_line(edit.range.end()),
        };
        edit.text = with_prefix(&edit.text, &block.prefix, ends);
        edit.snippet = edit
            .snippet
            .as_deref()
            .map(|snippet| with_prefix(snippet, &block.prefix, ends));
    }
    true
}

/// Whether an edit starts at the start of a line of the document, and whether the text after it
/// does.
#[derive(Clone, Copy)]
struct Ends {
    at_line_start: bool,
    before_line_start: bool,
}

/// `text` with `prefix` before each of its lines that starts a line of the document (the first
/// only when the edit starts a line), and after it when it ends a line the rest of the document's
/// line now starts, so that every line stays in the indented or quoted block. A blank line gets
/// the prefix without its trailing spaces: a line without its `>` would end the quote.
fn with_prefix(text: &str, prefix: &str, ends: Ends) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index > 0 || ends.at_line_start {
            if line == "\n" || line == "\r\n" {
                out.push_str(prefix.trim_end());
            } else {
                out.push_str(prefix);
            }
        }
        out.push_str(line);
    }
    if text.ends_with('\n') && !ends.before_line_start {
        out.push_str(prefix);
    }
    out
}

/// `<table_name>`, `<column>`: a word in angle brackets stands for something the reader fills in.
fn has_placeholder(body: &str) -> bool {
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let word_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ' ' || c == '-'))
            .unwrap_or(after.len());
        if word_len > 0 && after[word_len..].starts_with('>') {
            let word = after[..word_len].trim();
            if word.chars().next().is_some_and(char::is_alphabetic) {
                return true;
            }
        }
        rest = after;
    }
    false
}

fn first_diagram_word(body: &str) -> Option<&str> {
    let mut in_front_matter = false;
    for line in body.lines() {
        let line = line.trim();
        if line == "---" {
            in_front_matter = !in_front_matter;
            continue;
        }
        if in_front_matter || line.is_empty() || line.starts_with("%%") {
            continue;
        }
        return line.split_whitespace().next();
    }
    None
}

/// Blanks the `>` markers (and the spaces around them) that start each line of a quoted block.
fn blank_quote_markers(bytes: &mut [u8]) {
    let mut at_line_start = true;
    for byte in bytes.iter_mut() {
        match *byte {
            b'\n' => at_line_start = true,
            b'>' | b' ' | b'\t' if at_line_start => *byte = b' ',
            _ => at_line_start = false,
        }
    }
}

/// A line's fence, if it opens or closes one: its character, length, and what follows it.
struct Fence<'a> {
    /// Offset of the fence's first character in the line.
    column: usize,
    marker: u8,
    length: usize,
    rest: &'a str,
    quoted: bool,
}

/// The fence a line holds after its indentation, block-quote markers and, on an opening line,
/// a list item's marker (`- ```sql`).
fn fence_in(line: &str) -> Option<Fence<'_>> {
    let bytes = line.as_bytes();
    let mut at = 0;
    let mut quoted = false;
    loop {
        match bytes.get(at) {
            Some(b' ' | b'\t') => at += 1,
            Some(b'>') => {
                quoted = true;
                at += 1;
            }
            _ => break,
        }
    }
    let marker_end = list_marker_end(&line[at..]).map(|end| at + end);
    for start in [Some(at), marker_end].into_iter().flatten() {
        let marker = match bytes.get(start) {
            Some(&b) if b == b'`' || b == b'~' => b,
            _ => continue,
        };
        let length = bytes[start..].iter().take_while(|&&b| b == marker).count();
        if length < 3 {
            continue;
        }
        let rest = &line[start + length..];
        if marker == b'`' && rest.contains('`') {
            continue;
        }
        return Some(Fence {
            column: start,
            marker,
            length,
            rest,
            quoted,
        });
    }
    None
}

/// The end of a list item's marker and the spaces after it (`- `, `* `, `+ `, `1. `, `1) `).
fn list_marker_end(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let marker_len = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') => digits + 1,
                _ => return None,
            }
        }
        _ => return None,
    };
    let spaces = bytes[marker_len..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    (spaces > 0).then_some(marker_len + spaces)
}

/// The fenced blocks and the HTML comments outside them.
fn scan_markdown(text: &str) -> (Vec<Block>, Vec<TextRange>) {
    struct Open {
        marker: u8,
        length: usize,
        language: BlockLanguage,
        start: usize,
        content_start: usize,
        quoted: bool,
        prefix: String,
    }
    let mut blocks = Vec::new();
    let mut comments = Vec::new();
    let mut open: Option<Open> = None;
    let mut prose_start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        match &open {
            Some(block) => {
                let closes = fence_in(body).is_some_and(|fence| {
                    fence.marker == block.marker
                        && fence.length >= block.length
                        && fence.rest.trim().is_empty()
                        && body[..fence.column]
                            .bytes()
                            .all(|b| matches!(b, b' ' | b'\t' | b'>'))
                });
                if closes {
                    let fence = fence_in(body).map_or(0, |fence| fence.column);
                    blocks.push(Block {
                        language: block.language,
                        range: TextRange::from_usize(block.start..line_start + body.len()),
                        content: TextRange::from_usize(block.content_start..line_start),
                        closing: Some((line_start + fence) as u32),
                        quoted: block.quoted,
                        prefix: block.prefix.clone(),
                    });
                    open = None;
                    prose_start = offset;
                }
            }
            None => {
                if let Some(fence) = fence_in(body) {
                    comments.extend(html_comments(text, prose_start, line_start));
                    open = Some(Open {
                        marker: fence.marker,
                        length: fence.length,
                        language: BlockLanguage::of_info(fence.rest.trim()),
                        start: line_start + fence.column,
                        content_start: offset,
                        quoted: fence.quoted,
                        prefix: body[..fence.column]
                            .chars()
                            .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
                            .collect(),
                    });
                }
            }
        }
    }
    match open {
        Some(block) => blocks.push(Block {
            language: block.language,
            range: TextRange::from_usize(block.start..text.len()),
            content: TextRange::from_usize(block.content_start..text.len()),
            closing: None,
            quoted: block.quoted,
            prefix: block.prefix,
        }),
        None => comments.extend(html_comments(text, prose_start, text.len())),
    }
    (blocks, comments)
}

/// The `<!-- ... -->` comments in `text[start..end]`.
fn html_comments(text: &str, start: usize, end: usize) -> Vec<TextRange> {
    let mut found = Vec::new();
    let mut at = start;
    while let Some(open) = text[at..end].find("<!--") {
        let from = at + open;
        let close = text[from + 4..end]
            .find("-->")
            .map_or(end, |i| from + 4 + i + 3);
        found.push(TextRange::from_usize(from..close));
        at = close;
    }
    found
}

#[cfg(test)]
mod tests;
