//! Column tables of Markdown design documents, lowered to the facts of the `CREATE TABLE` they
//! describe:
//!
//! ```markdown
//! ### users
//!
//! | Column     | Type        | Constraints       | Description   |
//! |------------|-------------|-------------------|---------------|
//! | id         | `bigint`    | PK                |               |
//! | team_id    | `bigint`    | FK → teams.id     | owning team   |
//! | created_at | `timestamp` | NOT NULL, DEFAULT now() |         |
//! ```
//!
//! Recognition is strict, so that no other table of a document is ever reported: the table sits
//! under a heading that is only a table name (`### users`, `## Table: users`, ``### `users` ``,
//! `#### users table`, `### public.users`), directly or under a `Columns`-like subheading of it,
//! with no code block in between (its statements would lie inside the table's); its header names
//! both a column column and a type column (a plain `Name` header also needs a column or a cell
//! that only columns have: constraints, nullability, a default, a key); at least half of its
//! types are PostgreSQL's built-in types and none a programming language's. Every range points at
//! the text in the document (the type's range at the type in its cell), so diagnostics land on the
//! cell and a fix that replaces a type edits the cell in place. The table's element list is left
//! unset (`elements_range`): fixes that would write SQL into the table (a new column, a table
//! constraint) have nowhere to go.
//!
//! A table of the same table's indexes after its column table (`Name | Columns | Type | Unique`,
//! under the table's heading or an `Indexes` subheading) gives a `CREATE INDEX` per row.

use std::collections::HashMap;
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use crate::lower::{
    ColumnDef, Comment, Constraint, ConstraintAttributes, ConstraintKind, CreateIndex, CreateTable,
    Cx, Expr, Fact, Ident, Identity, IndexElement, LoweredStatement, ObjectKind, ObjectName,
    Persistence, PlacedStatement, References, ReferentialAction, StatementKind, TypeRef,
    unquote_ident,
};
use crate::syntax::{self, Language};
use crate::text::TextRange;

/// Lowers the column tables of the Markdown document `text`; `skip` are its fenced code blocks,
/// which are not looked into. One statement per table, from its heading to its last row.
pub fn lower(text: &str, skip: &[TextRange]) -> Vec<PlacedStatement> {
    let lines = lines(text, skip);
    let mut headings: Vec<Heading> = Vec::new();
    let mut placed = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.skipped {
            i += 1;
            continue;
        }
        if let Some(heading) = atx_heading(text, line) {
            open(&mut headings, heading);
            i += 1;
            continue;
        }
        if let Some(end) = pipe_table(text, &lines, i) {
            // A code block between the heading and the table would lie inside the table's
            // statement, and its statements with it: such a table is left out.
            let between = |owner: &Heading| TextRange::new(owner.start, line.start);
            if let Some(owner) = owner(&mut headings)
                && !skip.iter().any(|block| block.intersects(between(owner)))
                && let Some(statement) = column_table(text, owner, &lines[i..end])
            {
                owner.keys = Some(keys(&statement));
                placed.push(statement);
            } else if let Some(owner) = index_owner(&headings) {
                placed.extend(index_table(text, owner, &lines[i..end]));
            }
            i = end;
            continue;
        }
        if let Some(heading) = setext_heading(text, &lines, i) {
            open(&mut headings, heading);
            i += 2;
            continue;
        }
        let prose = line.content(text).trim();
        // Fences and HTML comments (`<!-- ddlint-ignore ... -->`) describe no table.
        if let Some(top) = headings.last_mut()
            && !prose.is_empty()
            && !prose.starts_with(['`', '~'])
            && !prose.starts_with("<!--")
        {
            top.prose.push(prose.to_string());
        }
        i += 1;
    }
    placed
}

/// Whether an edit (`range` replaced by `new_text`) stays inside one cell of the column table
/// lowered as `statement`, or inside the title of its heading, and keeps the table a table (no
/// line break, no cell separator). A fix of the table's facts that passes rewrites what a cell
/// says (`timestamp` -> `timestamptz`, ` NOT NULL` added to a cell); any other would write SQL
/// into the document's prose (`CREATE INDEX ...` after the table) and is to be dropped.
pub fn edit_stays_in_cells(
    text: &str,
    statement: &PlacedStatement,
    range: TextRange,
    new_text: &str,
) -> bool {
    if !statement.range().contains_range(range)
        || new_text.contains(['\n', '\r'])
        || !unescaped_pipes(new_text).is_empty()
    {
        return false;
    }
    let (start, end) = (range.start() as usize, range.end() as usize);
    let Some(line_start) = text
        .get(..start)
        .map(|t| t.rfind(['\n', '\r']).map_or(0, |i| i + 1))
    else {
        return false;
    };
    let line_end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    if end > line_end {
        return false;
    }
    // The heading's line: after its `#` marks (a setext heading's title has none).
    if line_start <= statement.start as usize {
        let head = statement.absolute(statement.lowered.head);
        let marks_end = if head.start() < line_end as u32 {
            head.end()
        } else {
            statement.start
        };
        return range.start() >= marks_end
            && !(range.is_empty() && range.start() == statement.start);
    }
    let (from, to) = (start - line_start, end - line_start);
    segments(&text[line_start..line_end])
        .iter()
        .any(|&(segment_start, segment_end)| segment_start <= from && to <= segment_end)
}

// ---------------------------------------------------------------------------------------------
// Lines and blocks

#[derive(Clone, Copy, Debug)]
struct Line {
    start: u32,
    /// Before the line terminator.
    end: u32,
    /// In a fenced code block.
    skipped: bool,
}

impl Line {
    fn content(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }

    fn blank(self, text: &str) -> bool {
        self.content(text).trim().is_empty()
    }
}

fn lines(text: &str, skip: &[TextRange]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    while start <= text.len() {
        let end = text[start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| start + i);
        let next = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => text.len() + 1,
        };
        let range = TextRange::from_usize(start..end);
        let skipped = skip
            .iter()
            .any(|s| s.intersects(range) || (range.is_empty() && s.contains(range.start())));
        lines.push(Line {
            start: range.start(),
            end: range.end(),
            skipped,
        });
        start = next;
    }
    lines
}

/// Where a table row's cells start: after list indentation and block quote markers.
fn row_start(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t', '>']).len()
}

/// Byte offsets of the `|` that separate cells (`\|` is a pipe inside a cell).
fn unescaped_pipes(line: &str) -> Vec<usize> {
    let mut pipes = Vec::new();
    let mut escaped = false;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b'\\' if !escaped => escaped = true,
            b'|' if !escaped => pipes.push(i),
            _ => escaped = false,
        }
        if b != b'\\' {
            escaped = false;
        }
    }
    pipes
}

/// The byte ranges of a row's cells in the line `content`, untrimmed: between the pipes, the
/// leading and trailing pipe being optional; none when the line has no pipe.
fn segments(content: &str) -> Vec<(usize, usize)> {
    let pipes = unescaped_pipes(content);
    let (Some(&leading), Some(&trailing)) = (pipes.first(), pipes.last()) else {
        return Vec::new();
    };
    let first = row_start(content);
    let last = content.trim_end().len();
    let mut segments = Vec::with_capacity(pipes.len() + 1);
    let mut from = first;
    for &pipe in &pipes {
        segments.push((from, pipe));
        from = pipe + 1;
    }
    segments.push((from, last.max(from)));
    if trailing + 1 == last {
        segments.pop();
    }
    if leading == first && !segments.is_empty() {
        segments.remove(0);
    }
    segments
}

/// A row's cells, trimmed, as ranges of the text; `None` for a line that has no pipe.
fn cells(text: &str, line: Line) -> Option<Vec<TextRange>> {
    let content = line.content(text);
    let segments = segments(content);
    if segments.is_empty() {
        return None;
    }
    let cells = segments
        .into_iter()
        .map(|(from, to)| {
            let cell = &content[from..to];
            let lead = cell.len() - cell.trim_start().len();
            let start = line.start as usize + from + lead;
            TextRange::from_usize(start..start + cell.trim().len())
        })
        .collect();
    Some(cells)
}

/// A GFM delimiter row (`|---|:--:|`) with `count` cells.
fn is_delimiter_row(text: &str, line: Line, count: usize) -> bool {
    let Some(cells) = cells(text, line) else {
        return false;
    };
    cells.len() == count
        && cells.iter().all(|cell| {
            let cell = &text[cell.start() as usize..cell.end() as usize];
            let dashes = cell.trim_start_matches(':').trim_end_matches(':');
            !dashes.is_empty() && dashes.bytes().all(|b| b == b'-')
        })
}

/// The end (line index, exclusive) of the pipe table whose header is line `i`.
fn pipe_table(text: &str, lines: &[Line], i: usize) -> Option<usize> {
    let header = cells(text, lines[i])?;
    let delimiter = *lines.get(i + 1)?;
    if delimiter.skipped || !is_delimiter_row(text, delimiter, header.len()) {
        return None;
    }
    let mut end = i + 2;
    while let Some(line) = lines.get(end)
        && !line.skipped
        && !line.blank(text)
        && !unescaped_pipes(line.content(text)).is_empty()
    {
        end += 1;
    }
    Some(end)
}

// ---------------------------------------------------------------------------------------------
// Headings

/// A heading still open (no heading of its level or above came after it).
struct Heading {
    level: u8,
    /// Where a table it names begins.
    start: u32,
    /// The `#` marks, or a setext heading's underline.
    head: TextRange,
    /// The table it names: its name parts as written.
    name: Option<Vec<TextRange>>,
    /// A `Columns`-like heading under a table's heading.
    section: bool,
    /// The text lines under it (not under a subheading), which describe the table it names.
    prose: Vec<String>,
    /// Once its column table is read: the columns of its primary key and unique constraints,
    /// whose own indexes an index table may list.
    keys: Option<Vec<Vec<String>>>,
    /// An `Indexes` heading.
    indexes: bool,
}

fn open(headings: &mut Vec<Heading>, heading: Heading) {
    while headings.last().is_some_and(|h| h.level >= heading.level) {
        headings.pop();
    }
    headings.push(heading);
}

/// The heading a table just read belongs to: the innermost one if it names a table, or the one
/// above a `Columns` section heading.
fn owner(headings: &mut [Heading]) -> Option<&mut Heading> {
    let top = headings.len().checked_sub(1)?;
    let index = if headings[top].name.is_some() {
        top
    } else if headings[top].section && top > 0 && headings[top - 1].name.is_some() {
        top - 1
    } else {
        return None;
    };
    let heading = &mut headings[index];
    heading.keys.is_none().then_some(heading)
}

/// The heading whose table an index table belongs to: one whose column table was read, as the
/// innermost heading or above an `Indexes` heading.
fn index_owner(headings: &[Heading]) -> Option<&Heading> {
    let top = headings.len().checked_sub(1)?;
    let index = if headings[top].indexes && top > 0 {
        top - 1
    } else {
        top
    };
    let heading = &headings[index];
    heading.keys.as_ref().map(|_| heading)
}

fn atx_heading(text: &str, line: Line) -> Option<Heading> {
    let content = line.content(text);
    let indent = content.len() - content.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &content[indent..];
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    let after = &rest[level..];
    if !(1..=6).contains(&level) || (!after.is_empty() && !after.starts_with([' ', '\t'])) {
        return None;
    }
    // A closing sequence of `#` is not part of the title.
    let mut title = rest[level..].trim_end();
    let closing = title.trim_end_matches('#');
    if closing.len() < title.len() && (closing.is_empty() || closing.ends_with([' ', '\t'])) {
        title = closing;
    }
    let title_start = line.start as usize + indent + level;
    let start = line.start + indent as u32;
    Some(heading(
        text,
        level as u8,
        start,
        TextRange::new(start, start + level as u32),
        TextRange::from_usize(title_start..title_start + title.len()),
    ))
}

/// A setext heading: a one-line paragraph (line `i`) underlined with `=` or `-`.
fn setext_heading(text: &str, lines: &[Line], i: usize) -> Option<Heading> {
    let line = lines[i];
    let underline = *lines.get(i + 1)?;
    let after_break = i == 0 || lines[i - 1].skipped || lines[i - 1].blank(text);
    let marks = underline.content(text).trim();
    let level = match marks.bytes().next()? {
        b'=' => 1,
        b'-' => 2,
        _ => return None,
    };
    let indent = |l: Line| l.content(text).len() - l.content(text).trim_start_matches(' ').len();
    if underline.skipped
        || !after_break
        || line.blank(text)
        || indent(line) > 3
        || indent(underline) > 3
        || !marks.bytes().all(|b| b == marks.as_bytes()[0])
    {
        return None;
    }
    let title = line.content(text).trim();
    let start = line.start + indent(line) as u32;
    let head_start = underline.start + indent(underline) as u32;
    Some(heading(
        text,
        level,
        start,
        TextRange::new(head_start, head_start + marks.len() as u32),
        TextRange::new(start, start + title.len() as u32),
    ))
}

/// Headings that name a part of a document, not a table, even when they are one word (a README's
/// `## Configuration` over a `Name | Type | Default` table of options is no schema).
const SECTION_WORDS: &[&str] = &[
    "alternatives",
    "api",
    "appendix",
    "arguments",
    "attributes",
    "background",
    "changelog",
    "changes",
    "columns",
    "commands",
    "conclusion",
    "config",
    "configuration",
    "constraints",
    "contents",
    "context",
    "contributing",
    "decisions",
    "definition",
    "deployment",
    "design",
    "details",
    "diagram",
    "enums",
    "environment",
    "erd",
    "example",
    "examples",
    "exports",
    "faq",
    "fields",
    "flags",
    "functions",
    "glossary",
    "goals",
    "headers",
    "index",
    "indexes",
    "indices",
    "inputs",
    "installation",
    "introduction",
    "keys",
    "license",
    "limitations",
    "methods",
    "migrations",
    "motivation",
    "notes",
    "options",
    "outputs",
    "overview",
    "parameters",
    "policies",
    "properties",
    "props",
    "queries",
    "reference",
    "references",
    "relations",
    "relationships",
    "request",
    "requirements",
    "response",
    "returns",
    "schema",
    "schemas",
    "sequences",
    "settings",
    "structure",
    "summary",
    "tables",
    "testing",
    "todo",
    "triggers",
    "troubleshooting",
    "types",
    "usage",
    "variables",
    "views",
];

/// Subheadings under a table's heading that hold its column table.
const COLUMN_SECTIONS: &[&str] = &[
    "columns",
    "fields",
    "attributes",
    "structure",
    "schema",
    "definition",
    "column definitions",
    "column list",
    "table definition",
    "table structure",
    "table schema",
];

fn heading(text: &str, level: u8, start: u32, head: TextRange, title: TextRange) -> Heading {
    let tokens = tokenize(text, title);
    let words = tokens
        .iter()
        .filter(|t| t.kind == Kind::Word)
        .map(|t| t.lower(text))
        .collect::<Vec<_>>()
        .join(" ");
    let only_words = tokens.iter().all(|t| t.kind == Kind::Word);
    Heading {
        level,
        start,
        head,
        name: table_name(text, &tokens),
        section: only_words && COLUMN_SECTIONS.contains(&words.as_str()),
        prose: Vec::new(),
        keys: None,
        indexes: only_words && matches!(words.as_str(), "indexes" | "indices" | "index"),
    }
}

/// The table a heading's title names: `users`, `Table: users`, `` `users` ``, `users table`,
/// `users (table)`, `public.users`, `2.1 users`, `` `users` — what it holds ``; `None` for any
/// other title.
fn table_name(text: &str, tokens: &[Token]) -> Option<Vec<TextRange>> {
    let mut tokens = tokens;
    // Section numbers (`2.1`, `3.`).
    while let [first, rest @ ..] = tokens
        && (first.kind == Kind::Number || first.kind == Kind::Punct(b'.'))
    {
        tokens = rest;
    }
    let mut explicit = false;
    if let [first, rest @ ..] = tokens
        && first.is(text, "table")
        && !rest.is_empty()
    {
        explicit = true;
        tokens = rest;
        if let [colon, rest @ ..] = tokens
            && colon.kind == Kind::Punct(b':')
        {
            tokens = rest;
        }
    }
    if let [rest @ .., colon] = tokens
        && colon.kind == Kind::Punct(b':')
    {
        tokens = rest;
    }
    if let [rest @ .., open, word, close] = tokens
        && open.kind == Kind::Punct(b'(')
        && word.is(text, "table")
        && close.kind == Kind::Punct(b')')
    {
        explicit = true;
        tokens = rest;
    }
    if let [rest @ .., last] = tokens
        && last.is(text, "table")
        && !rest.is_empty()
    {
        explicit = true;
        tokens = rest;
    }
    let (parts, rest) = name_parts(text, tokens)?;
    let first = parts[0];
    let in_code = text[..first.start() as usize].ends_with('`');
    // After a name in backticks, a dash, colon or parenthesis may start a description.
    let described = rest.first().is_some_and(|t| {
        matches!(t.kind, Kind::Punct(b'-' | b':' | b'(')) || matches!(t.text(text), "—" | "–")
    });
    if parts.len() > 2 || !(rest.is_empty() || in_code && described) {
        return None;
    }
    let one_word = parts.len() == 1 && !text[first.start() as usize..].starts_with('"');
    let word = text[first.start() as usize..first.end() as usize].to_ascii_lowercase();
    if one_word && !explicit && !in_code && SECTION_WORDS.contains(&word.as_str()) {
        return None;
    }
    Some(parts)
}

/// The dotted name (`public.users`, `"Users"`, written without spaces) that `tokens` begin with,
/// and the tokens after it.
fn name_parts<'t>(text: &str, tokens: &'t [Token]) -> Option<(Vec<TextRange>, &'t [Token])> {
    let mut parts = Vec::new();
    let mut index = 0;
    while let Some(token) = tokens.get(index)
        && matches!(token.kind, Kind::Word | Kind::Quoted)
    {
        parts.push(token.range);
        let joined = |a: &Token, b: &Token| {
            let between = &text[a.range.end() as usize..b.range.start() as usize];
            between.bytes().all(|b| b == b'`')
        };
        match (tokens.get(index + 1), tokens.get(index + 2)) {
            (Some(dot), Some(next))
                if dot.kind == Kind::Punct(b'.') && joined(token, dot) && joined(dot, next) =>
            {
                index += 2;
            }
            _ => {
                index += 1;
                break;
            }
        }
    }
    (!parts.is_empty()).then(|| (parts, &tokens[index..]))
}

// ---------------------------------------------------------------------------------------------
// Cell tokens

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    /// A double-quoted identifier.
    Quoted,
    /// A single-quoted string.
    Str,
    Number,
    /// `→`, `->`, `=>`, `⇒`.
    Arrow,
    Punct(u8),
    /// Any other character (emoji, symbols).
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    range: TextRange,
}

impl Token {
    fn text(self, text: &str) -> &str {
        &text[self.range.start() as usize..self.range.end() as usize]
    }

    fn lower(self, text: &str) -> String {
        self.text(text).to_lowercase()
    }

    fn is(self, text: &str, word: &str) -> bool {
        self.kind == Kind::Word && self.text(text).eq_ignore_ascii_case(word)
    }
}

/// The tokens of a cell; Markdown's inline markup (code spans' backticks, emphasis, link
/// brackets and targets, escapes) is skipped, `<br>` separates like a comma.
fn tokenize(text: &str, range: TextRange) -> Vec<Token> {
    let cell = &text[range.start() as usize..range.end() as usize];
    let base = range.start() as usize;
    let mut tokens = Vec::new();
    let mut link_target: Option<(usize, usize)> = None;
    let mut i = 0;
    while let Some(c) = cell[i..].chars().next() {
        let rest = &cell[i..];
        let push = |tokens: &mut Vec<Token>, kind, len: usize| {
            tokens.push(Token {
                kind,
                range: TextRange::from_usize(base + i..base + i + len),
            });
            len
        };
        if let Some((from, to)) = link_target
            && i == from
        {
            link_target = None;
            i = to;
            continue;
        }
        let len = if c.is_whitespace() || matches!(c, '`' | '*' | '~' | '\\') {
            c.len_utf8()
        } else if c == '['
            && let Some(target) = link(rest)
        {
            link_target = Some((i + target.0, i + target.1));
            1
        } else if let Some(tag) = ["<br>", "<br/>", "<br />"].into_iter().find(|tag| {
            rest.get(..tag.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(tag))
        }) {
            push(&mut tokens, Kind::Punct(b','), tag.len())
        } else if rest.starts_with("->") || rest.starts_with("=>") {
            push(&mut tokens, Kind::Arrow, 2)
        } else if matches!(c, '→' | '⇒' | '⟶') {
            push(&mut tokens, Kind::Arrow, c.len_utf8())
        } else if c.is_alphabetic() || c == '_' {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            push(&mut tokens, Kind::Word, len)
        } else if c.is_ascii_digit() {
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            push(&mut tokens, Kind::Number, len)
        } else if c == '\'' || c == '"' {
            let kind = if c == '"' { Kind::Quoted } else { Kind::Str };
            push(&mut tokens, kind, quoted_len(rest, c))
        } else if c.is_ascii() {
            push(&mut tokens, Kind::Punct(c as u8), 1)
        } else {
            push(&mut tokens, Kind::Other, c.len_utf8())
        };
        i += len;
    }
    tokens
}

/// `[text](target)` at the start of `rest`: the byte range of `](target)`.
fn link(rest: &str) -> Option<(usize, usize)> {
    let close = rest.find(']')?;
    let after = rest[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    Some((close, close + 2 + end + 1))
}

/// The length of a quoted token (a doubled quote is part of it; an unclosed one runs to the end).
fn quoted_len(rest: &str, quote: char) -> usize {
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            if chars.peek().is_some_and(|&(_, next)| next == quote) {
                chars.next();
                continue;
            }
            return i + 1;
        }
    }
    rest.len()
}

fn cover(first: Token, last: Token) -> TextRange {
    first.range.cover(last.range)
}

// ---------------------------------------------------------------------------------------------
// What a row says

/// What a column table's header says each column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Name,
    Type,
    Constraints,
    /// Yes means nullable.
    Nullable,
    /// Yes means NOT NULL.
    Required,
    Default,
    Key,
    PrimaryKey,
    Unique,
    References,
    Description,
}

fn role(header: &str) -> Option<Role> {
    let normalized: String = header
        .chars()
        .filter(|c| !matches!(c, '*' | '`' | '?' | ':'))
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect::<String>()
        .to_lowercase();
    let normalized = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match normalized.as_str() {
        "column" | "column name" | "name" | "field" | "field name" | "attribute"
        | "attribute name" | "col" => Role::Name,
        "type" | "data type" | "datatype" | "sql type" | "postgres type" | "postgresql type"
        | "pg type" | "db type" | "database type" | "column type" | "type (sql)" => Role::Type,
        "constraints" | "constraint" | "modifiers" | "options" | "flags" | "attributes"
        | "properties" | "extra" => Role::Constraints,
        "nullable" | "null" | "is nullable" | "allow null" | "allows null" | "null allowed" => {
            Role::Nullable
        }
        "required" | "not null" | "non null" | "mandatory" => Role::Required,
        "default" | "default value" | "defaults" => Role::Default,
        "key" | "keys" | "key type" => Role::Key,
        "pk" | "primary key" | "primary" => Role::PrimaryKey,
        "unique" | "uk" | "uq" => Role::Unique,
        "references" | "reference" | "foreign key" | "fk" | "refs" | "relation" | "links to" => {
            Role::References
        }
        "description" | "notes" | "note" | "comment" | "comments" | "remarks" | "purpose"
        | "meaning" => Role::Description,
        _ => return None,
    })
}

/// A foreign key written in a cell (`FK → users.id`, `REFERENCES users(id) ON DELETE CASCADE`).
#[derive(Debug)]
struct ForeignKey {
    range: TextRange,
    table: Vec<Token>,
    columns: Vec<Token>,
    on_delete: Option<(ReferentialAction, TextRange)>,
    on_update: Option<(ReferentialAction, TextRange)>,
}

/// What the cells of a row say about its column, as ranges of the text.
#[derive(Debug, Default)]
struct Spec {
    primary_key: Option<TextRange>,
    unique: Option<TextRange>,
    not_null: Option<TextRange>,
    null: Option<TextRange>,
    /// The clause (`DEFAULT now()`, a Default cell) and the expression.
    default: Option<(TextRange, TextRange)>,
    /// `CHECK (...)` clauses.
    checks: Vec<TextRange>,
    foreign_keys: Vec<ForeignKey>,
    identity: Option<Identity>,
}

/// Whether the column-name header is the plain `Name`, which tables of other things use too.
fn role_of_name_is_generic(text: &str, header: TextRange) -> bool {
    let header = &text[header.start() as usize..header.end() as usize];
    header
        .trim_matches(['*', '`', ' '])
        .eq_ignore_ascii_case("name")
}

/// Words that begin a constraint: they end a type or a default expression written before them.
fn starts_constraint(token: Token, text: &str) -> bool {
    token.kind == Kind::Arrow
        || token.kind == Kind::Word
            && matches!(
                token.lower(text).as_str(),
                "not"
                    | "null"
                    | "nullable"
                    | "optional"
                    | "required"
                    | "primary"
                    | "pk"
                    | "foreign"
                    | "fk"
                    | "references"
                    | "unique"
                    | "uk"
                    | "default"
                    | "check"
                    | "identity"
                    | "generated"
                    | "autoincrement"
                    | "auto_increment"
                    | "auto"
            )
}

impl Spec {
    fn is_empty(&self) -> bool {
        self.primary_key.is_none()
            && self.unique.is_none()
            && self.not_null.is_none()
            && self.null.is_none()
            && self.default.is_none()
            && self.checks.is_empty()
            && self.foreign_keys.is_empty()
            && self.identity.is_none()
    }

    /// Reads the constraints written in `tokens`; words it does not know are skipped.
    fn scan(&mut self, text: &str, tokens: &[Token]) {
        let is = |k: usize, word: &str| tokens.get(k).is_some_and(|t| t.is(text, word));
        let punct = |k: usize, p: u8| tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(p));
        let span = |from: usize, to: usize| cover(tokens[from], tokens[to]);
        let mut i = 0;
        while i < tokens.len() {
            let token = tokens[i];
            let word = if token.kind == Kind::Word {
                token.lower(text)
            } else {
                String::new()
            };
            i = match word.as_str() {
                "primary" if is(i + 1, "key") => {
                    self.primary_key = Some(span(i, i + 1));
                    i + 2
                }
                "pk" => {
                    self.primary_key = Some(token.range);
                    i + 1
                }
                "foreign" if is(i + 1, "key") => self.foreign_key(text, tokens, i, i + 2),
                "fk" | "references" | "ref" | "refs" => self.foreign_key(text, tokens, i, i + 1),
                "not" if is(i + 1, "null") || is(i + 1, "nullable") => {
                    self.not_null = Some(span(i, i + 1));
                    i + 2
                }
                "non" if punct(i + 1, b'-') && is(i + 2, "null") => {
                    self.not_null = Some(span(i, i + 2));
                    i + 3
                }
                "required" | "mandatory" => {
                    self.not_null = Some(token.range);
                    i + 1
                }
                "null" | "nullable" | "optional" => {
                    self.null = Some(token.range);
                    i + 1
                }
                "unique" | "uk" | "uq" => {
                    let end = if is(i + 1, "key") { i + 1 } else { i };
                    self.unique = Some(span(i, end));
                    end + 1
                }
                "default" => self.default_clause(text, tokens, i),
                "check" if punct(i + 1, b'(') => match closing_paren(tokens, i + 1) {
                    Some(close) => {
                        self.checks.push(span(i, close));
                        close + 1
                    }
                    None => tokens.len(),
                },
                "generated" if is(i + 1, "always") => {
                    self.identity = Some(Identity::Always);
                    skip_words(text, tokens, i + 2, &["as", "identity"])
                }
                "generated" if is(i + 1, "by") => {
                    self.identity = Some(Identity::ByDefault);
                    skip_words(text, tokens, i + 2, &["default", "as", "identity"])
                }
                "identity" | "autoincrement" | "auto_increment" => {
                    self.identity = Some(Identity::ByDefault);
                    i + 1
                }
                "auto" if punct(i + 1, b'-') && is(i + 2, "increment") => {
                    self.identity = Some(Identity::ByDefault);
                    i + 3
                }
                "on" if is(i + 1, "delete") || is(i + 1, "update") => {
                    let (action, end) = referential_action(text, tokens, i + 2);
                    if let (Some(action), Some(fk)) = (action, self.foreign_keys.last_mut()) {
                        let clause = Some((action, span(i, end - 1)));
                        if is(i + 1, "delete") {
                            fk.on_delete = clause;
                        } else {
                            fk.on_update = clause;
                        }
                        // The clause belongs to the key's text when nothing is between them.
                        if i > 0 && tokens[i - 1].range.end() == fk.range.end() {
                            fk.range = fk.range.cover(tokens[end - 1].range);
                        }
                    }
                    end
                }
                _ if token.kind == Kind::Arrow => self.foreign_key(text, tokens, i, i + 1),
                _ => i + 1,
            };
        }
    }

    /// A foreign key whose keyword is `tokens[keyword]` and whose target follows from `from`:
    /// `users.id`, `users(id)`, `public.users.id`, `users`, after an optional `:`, arrow, `to`
    /// or `REFERENCES`. Returns where reading goes on.
    fn foreign_key(&mut self, text: &str, tokens: &[Token], keyword: usize, from: usize) -> usize {
        let mut k = from;
        while tokens.get(k).is_some_and(|t| {
            matches!(t.kind, Kind::Arrow | Kind::Punct(b':'))
                || ["to", "references", "ref"].iter().any(|w| t.is(text, w))
        }) {
            k += 1;
        }
        let wrapped = tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(b'('));
        if wrapped {
            k += 1;
        }
        let name = |k: usize| {
            tokens
                .get(k)
                .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
                .copied()
        };
        let mut parts = Vec::new();
        while let Some(part) = name(k) {
            parts.push(part);
            k += 1;
            if tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(b'.')) && name(k + 1).is_some() {
                k += 1;
            } else {
                break;
            }
        }
        if parts.is_empty() {
            return from;
        }
        let mut columns = Vec::new();
        if tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(b'(')) {
            let mut j = k + 1;
            while let Some(column) = name(j) {
                columns.push(column);
                j += 1;
                if tokens.get(j).is_some_and(|t| t.kind == Kind::Punct(b',')) {
                    j += 1;
                }
            }
            if tokens.get(j).is_some_and(|t| t.kind == Kind::Punct(b')')) {
                k = j + 1;
            } else {
                columns.clear();
            }
        }
        // `users.id`: the last part is the column.
        if columns.is_empty() && parts.len() > 1 {
            columns.extend(parts.pop());
        }
        if wrapped && tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(b')')) {
            k += 1;
        }
        self.foreign_keys.push(ForeignKey {
            range: cover(tokens[keyword], tokens[k - 1]),
            table: parts,
            columns,
            on_delete: None,
            on_update: None,
        });
        k
    }

    /// `DEFAULT now()`, `default: 0`: the expression runs to a separator or the next constraint.
    fn default_clause(&mut self, text: &str, tokens: &[Token], keyword: usize) -> usize {
        let mut first = keyword + 1;
        if tokens
            .get(first)
            .is_some_and(|t| matches!(t.kind, Kind::Punct(b':' | b'=')))
        {
            first += 1;
        }
        let mut depth = 0usize;
        let mut k = first;
        while let Some(&token) = tokens.get(k) {
            match token.kind {
                Kind::Punct(b'(' | b'[') => depth += 1,
                Kind::Punct(b')' | b']') if depth == 0 => break,
                Kind::Punct(b')' | b']') => depth -= 1,
                Kind::Punct(b',' | b';') if depth == 0 => break,
                _ if depth == 0 && k > first && starts_constraint(token, text) => break,
                _ => {}
            }
            k += 1;
        }
        if k > first {
            let expression = cover(tokens[first], tokens[k - 1]);
            self.default = Some((cover(tokens[keyword], tokens[k - 1]), expression));
        }
        k
    }
}

fn closing_paren(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Punct(b'(') => depth += 1,
            Kind::Punct(b')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

fn skip_words(text: &str, tokens: &[Token], mut k: usize, words: &[&str]) -> usize {
    for word in words {
        if tokens.get(k).is_some_and(|t| t.is(text, word)) {
            k += 1;
        }
    }
    k
}

/// `CASCADE`, `SET NULL`, ... at `k`: the action and the index after it.
fn referential_action(
    text: &str,
    tokens: &[Token],
    k: usize,
) -> (Option<ReferentialAction>, usize) {
    let is = |k: usize, word: &str| tokens.get(k).is_some_and(|t| t.is(text, word));
    if is(k, "cascade") {
        (Some(ReferentialAction::Cascade), k + 1)
    } else if is(k, "restrict") {
        (Some(ReferentialAction::Restrict), k + 1)
    } else if is(k, "set") && is(k + 1, "null") {
        (Some(ReferentialAction::SetNull), k + 2)
    } else if is(k, "set") && is(k + 1, "default") {
        (Some(ReferentialAction::SetDefault), k + 2)
    } else if is(k, "no") && is(k + 1, "action") {
        (Some(ReferentialAction::NoAction), k + 2)
    } else {
        (None, k.min(tokens.len()))
    }
}

/// A yes/no cell: `yes`, `✓`, `true`, `x` or `no`, `✗`, `false`.
fn yes_no(text: &str, cell: TextRange) -> Option<bool> {
    let value: String = text[cell.start() as usize..cell.end() as usize]
        .chars()
        .filter(|c| !matches!(c, '*' | '`' | '\u{fe0f}') && !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    match value.as_str() {
        "yes" | "y" | "true" | "x" | "✓" | "✔" | "☑" | "✅" => Some(true),
        "no" | "n" | "false" | "✗" | "✘" | "✖" | "❌" => Some(false),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Lowering a table

/// Programming-language type names: a table that uses them documents code, not a schema.
const NOT_SQL_TYPES: &[&str] = &[
    "string", "number", "object", "datetime", "long", "double", "float64", "int64", "int32", "any",
    "array", "map", "list", "dict", "str", "guid", "objectid", "enum",
];

/// One row of a column table.
struct Row {
    range: TextRange,
    name: Token,
    ty: Option<TextRange>,
    spec: Spec,
    description: Option<String>,
}

fn column_table(text: &str, owner: &Heading, lines: &[Line]) -> Option<PlacedStatement> {
    let header = cells(text, lines[0])?;
    let roles: Vec<Option<Role>> = header
        .iter()
        .map(|cell| role(&text[cell.start() as usize..cell.end() as usize]))
        .collect();
    let column_of = |wanted: Role| roles.iter().position(|r| *r == Some(wanted));
    let (name_column, type_column) = (column_of(Role::Name)?, column_of(Role::Type)?);
    // `Name | Type | Description` also lists options, parameters and fields of code: only a
    // column that says something only columns say makes such a table a column list.
    let generic = role_of_name_is_generic(text, header[name_column]);
    let says_more = roles
        .iter()
        .flatten()
        .any(|role| !matches!(role, Role::Name | Role::Type | Role::Description));
    let mut rows = Vec::new();
    for &line in &lines[2..] {
        let Some(cells) = cells(text, line) else {
            continue;
        };
        let Some(row) = row(text, &cells, &roles, name_column, type_column) else {
            continue;
        };
        rows.push(row);
    }
    let name_parts = owner.name.as_ref()?;
    let start = owner.start;
    let end = lines.last()?.end;
    // The cells that hold SQL (types, defaults, checks) are parsed in one go.
    let mut lowering = Lowering::new(text, start, end);
    let pieces: Vec<(Option<usize>, Option<usize>, Vec<usize>)> = rows
        .iter()
        .map(|row| {
            let ty = row.ty.map(|ty| lowering.piece(Piece::Type, ty));
            let default = row
                .spec
                .default
                .map(|(_, expression)| lowering.piece(Piece::Default, expression));
            let checks = row
                .spec
                .checks
                .iter()
                .map(|&check| lowering.piece(Piece::Check, check))
                .collect();
            (ty, default, checks)
        })
        .collect();
    let parsed = lowering.parse();
    let columns: Vec<(Option<TypeRef>, &Row)> = rows
        .iter()
        .zip(&pieces)
        .map(|(row, (ty, _, _))| (ty.and_then(|p| parsed.type_ref(p)), row))
        .collect();
    if !looks_like_sql(text, &columns) {
        return None;
    }
    if generic && !says_more && rows.iter().all(|row| row.spec.is_empty()) {
        return None;
    }
    let rel = |range: TextRange| TextRange::new(range.start() - start, range.end() - start);
    let ident = |range: TextRange| {
        let (name, quoted) = unquote_ident(&text[range.start() as usize..range.end() as usize]);
        Ident {
            name,
            quoted,
            range: rel(range),
        }
    };
    let object_name = |parts: &[TextRange]| -> Option<ObjectName> {
        let (last, schema) = parts.split_last()?;
        Some(ObjectName {
            schema: schema.last().map(|&s| ident(s)),
            name: ident(*last),
            range: rel(parts[0].cover(*last)),
        })
    };
    let table_name = object_name(name_parts)?;

    let primary_keys: Vec<&Row> = rows
        .iter()
        .filter(|r| r.spec.primary_key.is_some())
        .collect();
    let mut table_constraints = Vec::new();
    // Several rows marked PK: one key of those columns, as a design document means it.
    if let [first, _, ..] = primary_keys.as_slice() {
        table_constraints.push(Arc::new(Constraint {
            name: None,
            kind: ConstraintKind::PrimaryKey {
                columns: primary_keys.iter().map(|r| ident(r.name.range)).collect(),
            },
            attributes: ConstraintAttributes::default(),
            using_index: None,
            range: rel(first.spec.primary_key?),
        }));
    }
    let mut comments = Vec::new();
    let mut column_defs = Vec::new();
    for ((ty, row), (_, default, checks)) in columns.into_iter().zip(pieces) {
        let name = ident(row.name.range);
        let constraint = |kind, range: TextRange| {
            Arc::new(Constraint {
                name: None,
                kind,
                attributes: ConstraintAttributes::default(),
                using_index: None,
                range: rel(range),
            })
        };
        let mut constraints = Vec::new();
        if let (Some(range), 1) = (row.spec.primary_key, primary_keys.len()) {
            let columns = vec![name.clone()];
            constraints.push(constraint(ConstraintKind::PrimaryKey { columns }, range));
        }
        if let Some(range) = row.spec.unique {
            let kind = ConstraintKind::Unique {
                columns: vec![name.clone()],
                nulls_not_distinct: false,
            };
            constraints.push(constraint(kind, range));
        }
        for fk in &row.spec.foreign_keys {
            let parts: Vec<TextRange> = fk.table.iter().map(|t| t.range).collect();
            let Some(target) = object_name(&parts) else {
                continue;
            };
            let references = References {
                table: target,
                columns: fk.columns.iter().map(|c| ident(c.range)).collect(),
                on_delete: fk.on_delete.map(|(action, range)| (action, rel(range))),
                on_update: fk.on_update.map(|(action, range)| (action, rel(range))),
                match_full: false,
                range: rel(fk.range),
            };
            let kind = ConstraintKind::ForeignKey {
                columns: vec![name.clone()],
                references,
            };
            constraints.push(constraint(kind, fk.range));
        }
        for (check, piece) in row.spec.checks.iter().zip(checks) {
            if let Some(expression) = parsed.check(piece) {
                constraints.push(constraint(ConstraintKind::Check(expression), *check));
            }
        }
        let default = default
            .and_then(|piece| parsed.default(piece))
            .zip(row.spec.default);
        if let Some(text) = &row.description {
            comments.push(Fact::Comment(Arc::new(Comment {
                kind: ObjectKind::Column,
                target: table_name.clone(),
                column: Some(name.clone()),
                on_table: None,
                text: Some(text.clone()),
            })));
        }
        column_defs.push(Arc::new(ColumnDef {
            name,
            ty: ty.map(Arc::new),
            not_null: row.spec.not_null.map(rel),
            null: row.spec.null.map(rel),
            default_range: default.as_ref().map(|(_, (clause, _))| rel(*clause)),
            default: default.map(|(expression, _)| Arc::new(expression)),
            generated: None,
            identity: row.spec.identity,
            collation: None,
            constraints,
            range: rel(row.range),
            prisma_name: None,
        }));
    }
    let description = owner.prose.join(" ");
    if !description.is_empty() {
        comments.insert(
            0,
            Fact::Comment(Arc::new(Comment {
                kind: ObjectKind::Table,
                target: table_name.clone(),
                column: None,
                on_table: None,
                text: Some(description),
            })),
        );
    }
    let mut facts = vec![Fact::CreateTable(Arc::new(CreateTable {
        name: table_name,
        if_not_exists: false,
        persistence: Persistence::Permanent,
        columns: column_defs,
        constraints: table_constraints,
        partition_of: None,
        partitioned: false,
        of_type: None,
        inherits: Vec::new(),
        inherits_range: None,
        like: Vec::new(),
        as_query: false,
        elements_range: None,
        element_ranges: Vec::new(),
        prisma_name: None,
    }))];
    facts.extend(comments);
    Some(PlacedStatement {
        start,
        lowered: Arc::new(LoweredStatement {
            kind: StatementKind::CreateTable,
            len: end - start,
            head: rel(owner.head),
            facts,
        }),
    })
}

/// One body row: `None` when its name cell does not hold a column name.
fn row(
    text: &str,
    cells: &[TextRange],
    roles: &[Option<Role>],
    name_column: usize,
    type_column: usize,
) -> Option<Row> {
    let name_tokens = tokenize(text, *cells.get(name_column)?);
    let first = name_tokens.iter().position(|t| t.kind != Kind::Other)?;
    let name = name_tokens[first];
    if !matches!(name.kind, Kind::Word | Kind::Quoted) {
        return None;
    }
    let mut spec = Spec::default();
    spec.scan(text, &name_tokens[first + 1..]);
    let type_tokens = cells
        .get(type_column)
        .map(|&cell| tokenize(text, cell))
        .unwrap_or_default();
    let type_end = type_end(text, &type_tokens);
    let ty = (type_end > 0).then(|| cover(type_tokens[0], type_tokens[type_end - 1]));
    spec.scan(text, &type_tokens[type_end..]);
    let mut description: Option<String> = None;
    for (&cell, role) in cells.iter().zip(roles) {
        let Some(role) = role else { continue };
        let tokens = || tokenize(text, cell);
        match role {
            Role::Name | Role::Type => {}
            Role::Constraints => spec.scan(text, &tokens()),
            Role::Nullable | Role::Required => match yes_no(text, cell) {
                Some(yes) if yes == (*role == Role::Nullable) => spec.null = Some(cell),
                Some(_) => spec.not_null = Some(cell),
                None => spec.scan(text, &tokens()),
            },
            Role::PrimaryKey | Role::Unique => match yes_no(text, cell) {
                Some(true) if *role == Role::PrimaryKey => spec.primary_key = Some(cell),
                Some(true) => spec.unique = Some(cell),
                Some(false) => {}
                None => spec.scan(text, &tokens()),
            },
            Role::Key => {
                let tokens = tokens();
                match tokens.as_slice() {
                    [only] if only.is(text, "pri") => spec.primary_key = Some(only.range),
                    [only] if only.is(text, "uni") => spec.unique = Some(only.range),
                    _ => spec.scan(text, &tokens),
                }
            }
            Role::Default => default_cell(text, &tokens(), &mut spec),
            Role::References => {
                let tokens = tokens();
                match tokens.first() {
                    Some(&first)
                        if !starts_constraint(first, text) && first.kind != Kind::Arrow =>
                    {
                        let end = spec.foreign_key(text, &tokens, 0, 0);
                        spec.scan(text, &tokens[end..]);
                    }
                    _ => spec.scan(text, &tokens),
                }
            }
            Role::Description => {
                let written = text[cell.start() as usize..cell.end() as usize].replace("\\|", "|");
                let written = written.trim();
                if !written.is_empty() && !matches!(written, "-" | "—" | "–") {
                    description = Some(written.to_string());
                }
            }
        }
    }
    // The definition runs from the name to the last cell that holds SQL, so that a fix adding a
    // constraint after it (` UNIQUE`) writes into that cell.
    let sql_cells = roles
        .iter()
        .zip(cells)
        .filter(|(role, _)| matches!(role, Some(Role::Name | Role::Type | Role::Constraints)))
        .map(|(_, cell)| cell.end());
    let row_range = TextRange::new(
        cells[name_column].start(),
        sql_cells.max().unwrap_or(cells[name_column].end()),
    );
    Some(Row {
        range: row_range,
        name,
        ty,
        spec,
        description,
    })
}

/// Where the type in a type cell ends (a token index): at a separator or a constraint word.
fn type_end(text: &str, tokens: &[Token]) -> usize {
    let mut depth = 0usize;
    for (k, &token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Punct(b'(')
                if tokens
                    .get(k + 1)
                    .is_some_and(|&t| starts_constraint(t, text)) =>
            {
                return k;
            }
            Kind::Punct(b'(' | b'[') => depth += 1,
            Kind::Punct(b')' | b']') => depth = depth.saturating_sub(1),
            Kind::Punct(b',' | b';') if depth == 0 => return k,
            _ if depth == 0 && starts_constraint(token, text) => return k,
            _ => {}
        }
    }
    tokens.len()
}

/// A Default cell: the whole cell is the expression (`now()`, `` `0` ``, `DEFAULT 'x'`); a dash,
/// `none` or `null` says there is none.
fn default_cell(text: &str, tokens: &[Token], spec: &mut Spec) {
    let words: Vec<String> = tokens.iter().map(|t| t.lower(text)).collect();
    match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["-"] | ["none"] | ["null"] | ["n", "/", "a"] => {}
        ["autoincrement" | "auto_increment" | "identity" | "serial"]
        | ["auto", "-", "increment"] => {
            spec.identity = Some(Identity::ByDefault);
        }
        ["default", ..] => spec.scan(text, tokens),
        _ => {
            let (Some(&first), Some(&last)) = (tokens.first(), tokens.last()) else {
                return;
            };
            spec.default = Some((cover(first, last), cover(first, last)));
        }
    }
}

/// Whether the types look like PostgreSQL's: at least half built in, none a programming
/// language's.
fn looks_like_sql(text: &str, columns: &[(Option<TypeRef>, &Row)]) -> bool {
    let builtin = columns
        .iter()
        .filter(|(ty, _)| ty.as_ref().is_some_and(|t| t.builtin.is_some()))
        .count();
    let foreign = columns.iter().any(|(_, row)| {
        row.ty.is_some_and(|ty| {
            let written = &text[ty.start() as usize..ty.end() as usize];
            let word = written.split(|c: char| !c.is_alphanumeric()).next();
            word.is_some_and(|w| NOT_SQL_TYPES.contains(&w.to_ascii_lowercase().as_str()))
        })
    });
    !columns.is_empty() && 2 * builtin >= columns.len() && !foreign
}

// ---------------------------------------------------------------------------------------------
// Index tables

/// The words of an index table's Type cells: methods and kinds of index.
const METHOD_WORDS: &[&str] = &[
    "btree",
    "hash",
    "gin",
    "gist",
    "brin",
    "spgist",
    "unique",
    "index",
    "partial",
    "composite",
    "plain",
    "normal",
    "regular",
    "-",
];

/// The column sets of a lowered table's primary key and unique constraints.
fn keys(statement: &PlacedStatement) -> Vec<Vec<String>> {
    let Some(Fact::CreateTable(table)) = statement.lowered.facts.first() else {
        return Vec::new();
    };
    let names = |columns: &[Ident]| columns.iter().map(|c| c.name.clone()).collect();
    table
        .constraints
        .iter()
        .chain(table.columns.iter().flat_map(|c| &c.constraints))
        .filter_map(|constraint| match &constraint.kind {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns, .. } => {
                Some(names(columns))
            }
            _ => None,
        })
        .collect()
}

/// The index table (`Name | Columns | Type | Unique`) of the table `owner` names: one
/// `CREATE INDEX` statement per row, from the row's first cell to its last. Rows that are not a
/// plain list of columns (expressions, a WHERE cell) are left out, and so are the unique
/// indexes of the table's own keys, which PostgreSQL creates with the constraint.
fn index_table(text: &str, owner: &Heading, lines: &[Line]) -> Vec<PlacedStatement> {
    let Some(header) = cells(text, lines[0]) else {
        return Vec::new();
    };
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum IndexRole {
        Name,
        Columns,
        Method,
        Unique,
        Predicate,
    }
    let roles: Vec<Option<IndexRole>> = header
        .iter()
        .map(|cell| {
            let header = text[cell.start() as usize..cell.end() as usize]
                .trim_matches(['*', '`', ' '])
                .to_lowercase();
            Some(match header.as_str() {
                "name" | "index" | "index name" => IndexRole::Name,
                "columns" | "column(s)" | "column" | "fields" | "indexed columns"
                | "key columns" => IndexRole::Columns,
                "type" | "method" | "index type" | "using" | "kind" => IndexRole::Method,
                "unique" | "unique?" => IndexRole::Unique,
                "where" | "condition" | "predicate" | "partial" | "filter" => IndexRole::Predicate,
                _ => return None,
            })
        })
        .collect();
    if !roles.contains(&Some(IndexRole::Columns)) {
        return Vec::new();
    }
    let (Some(name_parts), Some(keys)) = (&owner.name, &owner.keys) else {
        return Vec::new();
    };
    let mut placed = Vec::new();
    'rows: for &line in &lines[2..] {
        let Some(cells) = cells(text, line) else {
            continue;
        };
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            continue;
        };
        let row = first.cover(*last);
        let start = row.start();
        let ident = |token: Token| {
            let (name, quoted) = unquote_ident(token.text(text));
            Ident {
                name,
                quoted,
                range: TextRange::new(token.range.start() - start, token.range.end() - start),
            }
        };
        let mut index = CreateIndex {
            name: None,
            table: owner_name(text, name_parts),
            unique: false,
            concurrently: false,
            if_not_exists: false,
            only: false,
            method: None,
            elements: Vec::new(),
            include: Vec::new(),
            predicate: None,
            nulls_not_distinct: false,
            index_keyword: TextRange::empty(0),
        };
        for (&cell, role) in cells.iter().zip(&roles) {
            let tokens = tokenize(text, cell);
            let words = || tokens.iter().map(|t| t.lower(text));
            match role {
                Some(IndexRole::Name) => {
                    index.name = tokens
                        .first()
                        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
                        .map(|&t| ident(t));
                }
                Some(IndexRole::Columns) => match index_elements(text, &tokens) {
                    Some(elements) => {
                        index.elements = elements
                            .into_iter()
                            .map(|(column, descending, range)| IndexElement {
                                column: Some(ident(column)),
                                expression: None,
                                collation: None,
                                opclass: None,
                                descending,
                                nulls_first: None,
                                range: TextRange::new(range.start() - start, range.end() - start),
                            })
                            .collect();
                    }
                    None => continue 'rows,
                },
                Some(IndexRole::Method) => {
                    // A type that is no index method: a column table, not an index table.
                    if !words().all(|w| METHOD_WORDS.contains(&w.as_str())) {
                        return Vec::new();
                    }
                    index.unique |= words().any(|w| w == "unique");
                    index.method = words().find(|w| {
                        matches!(w.as_str(), "hash" | "gin" | "gist" | "brin" | "spgist")
                    });
                }
                Some(IndexRole::Unique) => {
                    index.unique |=
                        yes_no(text, cell) == Some(true) || words().any(|w| w == "unique");
                }
                Some(IndexRole::Predicate) if !tokens.is_empty() => continue 'rows,
                Some(IndexRole::Predicate) | None => {}
            }
        }
        let columns: Vec<String> = index
            .elements
            .iter()
            .filter_map(|e| e.column.as_ref().map(|c| c.name.clone()))
            .collect();
        if columns.is_empty() || index.unique && keys.contains(&columns) {
            continue;
        }
        placed.push(PlacedStatement {
            start,
            lowered: Arc::new(LoweredStatement {
                kind: StatementKind::CreateIndex,
                len: row.len(),
                head: TextRange::empty(0),
                facts: vec![Fact::CreateIndex(Arc::new(index))],
            }),
        });
    }
    placed
}

/// The table an index row is on: named as its heading names it, at no place in the row.
fn owner_name(text: &str, parts: &[TextRange]) -> ObjectName {
    let ident = |range: &TextRange| {
        let (name, quoted) = unquote_ident(&text[range.start() as usize..range.end() as usize]);
        Ident {
            name,
            quoted,
            range: TextRange::empty(0),
        }
    };
    let (last, schema) = parts
        .split_last()
        .map_or((None, None), |(l, s)| (Some(l), s.last()));
    ObjectName {
        schema: schema.map(ident),
        name: last.map(ident).unwrap_or(Ident {
            name: String::new(),
            quoted: false,
            range: TextRange::empty(0),
        }),
        range: TextRange::empty(0),
    }
}

/// `a, b DESC` or `(a, b)`: the columns with their order; `None` for anything else (an
/// expression, an operator class).
fn index_elements(text: &str, tokens: &[Token]) -> Option<Vec<(Token, bool, TextRange)>> {
    let inner = match tokens {
        [open, inner @ .., close]
            if open.kind == Kind::Punct(b'(') && close.kind == Kind::Punct(b')') =>
        {
            inner
        }
        _ => tokens,
    };
    let mut elements = Vec::new();
    for item in inner.split(|t| t.kind == Kind::Punct(b',')) {
        match item {
            [column] if matches!(column.kind, Kind::Word | Kind::Quoted) => {
                elements.push((*column, false, column.range));
            }
            [column, order]
                if matches!(column.kind, Kind::Word | Kind::Quoted)
                    && (order.is(text, "asc") || order.is(text, "desc")) =>
            {
                elements.push((*column, order.is(text, "desc"), cover(*column, *order)));
            }
            _ => return None,
        }
    }
    Some(elements)
}

// ---------------------------------------------------------------------------------------------
// Cell text parsed as SQL

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Piece {
    Type,
    Default,
    Check,
}

/// Cell text parsed as SQL: each piece is copied verbatim into a statement of its own (so an
/// error stays in its statement), and read with a base that maps it back to the document; a
/// piece written like an earlier one is read from that one's statement.
struct Lowering<'t> {
    text: &'t str,
    /// Where the statement begins in the document.
    start: u32,
    sql: String,
    /// Each piece: its range in the document and its offset in `sql`.
    pieces: Vec<(TextRange, usize)>,
    /// Where each text is in `sql`: a table's types repeat, and a text is parsed once.
    written: HashMap<(Piece, &'t str), usize>,
}

struct Parsed {
    sql: String,
    tree: Tree,
    start: u32,
    pieces: Vec<(TextRange, usize)>,
}

impl<'t> Lowering<'t> {
    fn new(text: &'t str, start: u32, end: u32) -> Lowering<'t> {
        // Spaces first, so that every piece sits further into `sql` than into the statement
        // and its base (the difference) is not negative.
        Lowering {
            text,
            start,
            sql: " ".repeat((end - start) as usize),
            pieces: Vec::new(),
            written: HashMap::new(),
        }
    }

    fn piece(&mut self, kind: Piece, range: TextRange) -> usize {
        let written = &self.text[range.start() as usize..range.end() as usize];
        let at = *self.written.entry((kind, written)).or_insert_with(|| {
            let (before, after) = match kind {
                Piece::Type => ("CREATE TABLE t (c ", ");\n"),
                Piece::Default => ("CREATE TABLE t (c int DEFAULT ", ");\n"),
                Piece::Check => ("CREATE TABLE t (c int ", ");\n"),
            };
            self.sql.push_str(before);
            let at = self.sql.len();
            self.sql.push_str(written);
            self.sql.push_str(after);
            at
        });
        self.pieces.push((range, at));
        self.pieces.len() - 1
    }

    fn parse(self) -> Parsed {
        let tree = syntax::parse(Language::Sql, &self.sql, None);
        Parsed {
            sql: self.sql,
            tree,
            start: self.start,
            pieces: self.pieces,
        }
    }
}

impl Parsed {
    /// The node of piece `index` that spans it exactly and passes `wanted`, and the context that
    /// gives its ranges in the statement.
    fn node(&self, index: usize, wanted: impl Fn(Node) -> bool) -> Option<(Node<'_>, Cx<'_>)> {
        let (range, at) = self.pieces[index];
        let end = at + range.len() as usize;
        let mut node = self.tree.root_node().descendant_for_byte_range(at, end)?;
        loop {
            if node.start_byte() < at || node.end_byte() > end {
                return None;
            }
            if node.start_byte() == at && node.end_byte() == end && wanted(node) {
                break;
            }
            node = node.parent()?;
        }
        if node.has_error() {
            return None;
        }
        let relative = range.start() - self.start;
        let cx = Cx {
            text: &self.sql,
            base: at as u32 - relative,
        };
        Some((node, cx))
    }

    fn type_ref(&self, index: usize) -> Option<TypeRef> {
        let (node, cx) = self.node(index, |n| n.kind() == "data_type")?;
        Some(cx.type_ref(node))
    }

    /// A default expression; words that would be column names are prose, not SQL.
    fn default(&self, index: usize) -> Option<Expr> {
        let in_default = |n: Node| n.parent().is_some_and(|p| p.kind() == "default_clause");
        let (node, cx) = self.node(index, in_default)?;
        let parent = node.parent()?;
        if parent.has_error() {
            return None;
        }
        let expression = cx.expr(node);
        expression.columns.is_empty().then_some(expression)
    }

    fn check(&self, index: usize) -> Option<Expr> {
        let (node, cx) = self.node(index, |n| n.kind() == "check_constraint")?;
        Some(cx.expr(syntax::field(node, "expression")?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables lowered from `md`, with the statement each came from.
    fn tables(md: &str) -> Vec<(PlacedStatement, CreateTable)> {
        lower(md, &[])
            .into_iter()
            .map(|placed| {
                let Fact::CreateTable(table) = &placed.lowered.facts[0] else {
                    panic!("not a table: {:?}", placed.lowered.facts[0]);
                };
                let table = CreateTable::clone(table);
                (placed, table)
            })
            .collect()
    }

    #[track_caller]
    fn one_table(md: &str) -> (PlacedStatement, CreateTable) {
        let mut all = tables(md);
        assert_eq!(all.len(), 1, "{md}");
        all.remove(0)
    }

    fn at<'t>(md: &'t str, placed: &PlacedStatement, range: TextRange) -> &'t str {
        let range = placed.absolute(range);
        &md[range.start() as usize..range.end() as usize]
    }

    fn column<'c>(table: &'c CreateTable, name: &str) -> &'c ColumnDef {
        table
            .columns
            .iter()
            .find(|c| c.name.name == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    const COLUMNS: &str = "| Column | Type |\n|---|---|\n| id | bigint |\n";

    #[test]
    fn headings_that_name_a_table() {
        for (heading, schema, name) in [
            ("### users", None, "users"),
            ("## Table: users", None, "users"),
            ("### `users`", None, "users"),
            ("#### users table", None, "users"),
            ("### public.users", Some("public"), "users"),
            ("### `public.users`", Some("public"), "users"),
            ("### Users", None, "users"),
            ("### \"Users\"", None, "Users"),
            ("## 2.1 users", None, "users"),
            ("### **users**", None, "users"),
            ("### users ###", None, "users"),
            ("users\n=====", None, "users"),
            ("users\n-----", None, "users"),
            ("## Table: indexes", None, "indexes"),
        ] {
            let md = format!("# Design\n\n{heading}\n\n{COLUMNS}");
            let (placed, table) = one_table(&md);
            assert_eq!(table.name.name.name, name, "{heading}");
            assert_eq!(
                table.name.schema.as_ref().map(|s| s.name.as_str()),
                schema,
                "{heading}"
            );
            let written = at(&md, &placed, table.name.name.range);
            assert!(
                written.trim_matches('"').eq_ignore_ascii_case(name),
                "{heading}"
            );
            let first_line = heading.lines().next().unwrap_or_default();
            assert!(
                md[placed.start as usize..].starts_with(first_line),
                "{heading}"
            );
            assert!(md[..placed.range().end() as usize].ends_with("| id | bigint |"));
        }
    }

    #[test]
    fn headings_and_tables_that_are_not_column_lists() {
        for md in [
            // A sentence, not a table name.
            "### How we index users\n\n| Column | Type |\n|---|---|\n| id | bigint |\n",
            // A section of the document.
            "## Indexes\n\n| Name | Type |\n|---|---|\n| users_email | btree |\n",
            "## Columns\n\n| Column | Type |\n|---|---|\n| id | bigint |\n",
            // No type column, or no column column.
            "### users\n\n| Option | Description |\n|---|---|\n| id | bigint |\n",
            "### users\n\n| Option | Type | Description |\n|---|---|---|\n| id | bigint | x |\n",
            // No heading at all.
            "| Column | Type |\n|---|---|\n| id | bigint |\n",
            // Types of a programming language.
            "### createUser\n\n| Name | Type |\n|---|---|\n| id | string |\n| age | integer |\n",
            // Not a table: no delimiter row.
            "### users\n\n| Column | Type |\n| id | bigint |\n",
        ] {
            assert!(tables(md).is_empty(), "{md}");
        }
    }

    #[test]
    fn headers_in_any_order_and_spelling() {
        for header in [
            "| Column | Type |",
            "| Type | Column name |",
            "| **Field** | Data type |",
            "| attribute | DATATYPE |",
            "| Column name | SQL type |",
            "| `column_name` | `data_type` |",
        ] {
            let md = format!("### users\n\n{header}\n|---|---|\n");
            let swapped = header.starts_with("| Type");
            let row = if swapped {
                "| bigint | id |"
            } else {
                "| id | bigint |"
            };
            let md = format!("{md}{row}\n");
            let (_, table) = one_table(&md);
            assert_eq!(table.columns.len(), 1, "{header}");
            assert_eq!(table.columns[0].name.name, "id", "{header}");
        }
    }

    #[test]
    fn a_table_under_a_columns_subheading_and_only_the_first() {
        let md = "### users\n\nThe people who sign in.\n\n#### Columns\n\n| Column | Type |\n|---|---|\n| id | bigint |\n\n#### Indexes\n\n| Name | Type |\n|---|---|\n| users_pkey | bigint |\n\n| Column | Type |\n|---|---|\n| other | bigint |\n";
        let (placed, table) = one_table(md);
        assert_eq!(placed.start, 0);
        assert_eq!(table.columns[0].name.name, "id");
        let Fact::Comment(comment) = &placed.lowered.facts[1] else {
            panic!("no table comment");
        };
        assert_eq!(comment.kind, ObjectKind::Table);
        assert_eq!(comment.text.as_deref(), Some("The people who sign in."));
    }

    #[test]
    fn types_point_at_their_cells() {
        let md = "## orders\n\n| Column | Type |\n|---|---|\n| a | `varchar(255)` |\n| b | timestamp with time zone |\n| c | numeric(12,2) |\n| d | text[] |\n| e | `character varying` |\n| f | int |\n";
        let (placed, table) = one_table(md);
        let ty = |name: &str| column(&table, name).ty.clone().expect("a type");
        let a = ty("a");
        assert_eq!(
            (a.name.as_str(), a.modifiers.as_slice()),
            ("varchar", &["255".to_string()][..])
        );
        assert_eq!(at(md, &placed, a.range), "varchar(255)");
        assert_eq!(at(md, &placed, a.name_range), "varchar");
        let b = ty("b");
        assert_eq!(b.builtin, Some("timestamptz"));
        assert_eq!(
            at(md, &placed, b.time_zone_range.expect("zone")),
            "with time zone"
        );
        assert_eq!(ty("c").modifiers, ["12", "2"]);
        assert_eq!(ty("d").array_dims, 1);
        assert_eq!(at(md, &placed, ty("d").range), "text[]");
        assert_eq!(ty("e").builtin, Some("varchar"));
        assert_eq!(at(md, &placed, column(&table, "f").range), "f | int");
        assert_eq!(at(md, &placed, column(&table, "f").name.range), "f");
    }

    #[test]
    fn constraint_spellings() {
        let md = "### posts\n\n| Column | Type | Constraints |\n|---|---|---|\n\
| id | bigint | PK |\n\
| a | int | primary key |\n\
| b | int | FK → users.id |\n\
| c | int | FK -> users(id) |\n\
| d | int | REFERENCES public.users(id) ON DELETE CASCADE |\n\
| e | int | references users.id, not null, on delete set null |\n\
| f | int | NOT NULL |\n\
| g | int | required |\n\
| h | int | NULL |\n\
| i | int | nullable |\n\
| j | int | UNIQUE |\n\
| k | int | UK |\n\
| l | timestamptz | DEFAULT now() |\n\
| m | int | default: 0 |\n\
| n | int | CHECK (n > 0) |\n\
| o | text | NOT NULL DEFAULT 'x' UNIQUE |\n\
| p | int | FK → users |\n\
| q | int | whatever words, **Indexed** |\n";
        let (placed, table) = one_table(md);
        let kinds = |name: &str| -> Vec<&ConstraintKind> {
            column(&table, name)
                .constraints
                .iter()
                .map(|c| &c.kind)
                .collect()
        };
        // Two rows say PK: one key of both columns.
        let [key] = table.constraints.as_slice() else {
            panic!("{:?}", table.constraints)
        };
        let ConstraintKind::PrimaryKey { columns } = &key.kind else {
            panic!()
        };
        assert_eq!(
            columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["id", "a"]
        );
        assert_eq!(at(md, &placed, key.range), "PK");
        let target = |name: &str| -> (String, Vec<String>, String) {
            let c = &column(&table, name).constraints[0];
            let ConstraintKind::ForeignKey {
                references,
                columns,
            } = &c.kind
            else {
                panic!("{name}: {:?}", c.kind)
            };
            assert_eq!(columns[0].name, name);
            let schema = references
                .table
                .schema
                .as_ref()
                .map(|s| format!("{}.", s.name));
            (
                format!(
                    "{}{}",
                    schema.unwrap_or_default(),
                    references.table.name.name
                ),
                references.columns.iter().map(|c| c.name.clone()).collect(),
                at(md, &placed, c.range).to_string(),
            )
        };
        let users = |columns: &[&str], written: &str| {
            (
                "users".to_string(),
                columns.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                written.to_string(),
            )
        };
        assert_eq!(target("b"), users(&["id"], "FK → users.id"));
        assert_eq!(target("c"), users(&["id"], "FK -> users(id)"));
        let d = target("d");
        assert_eq!(d.0, "public.users");
        assert_eq!(d.2, "REFERENCES public.users(id) ON DELETE CASCADE");
        let ConstraintKind::ForeignKey { references, .. } = kinds("d")[0] else {
            panic!()
        };
        let (action, range) = references.on_delete.expect("on delete");
        assert_eq!(action, ReferentialAction::Cascade);
        assert_eq!(at(md, &placed, range), "ON DELETE CASCADE");
        assert_eq!(target("e"), users(&["id"], "references users.id"));
        let ConstraintKind::ForeignKey { references, .. } = kinds("e")[0] else {
            panic!()
        };
        let (action, range) = references.on_delete.expect("on delete");
        assert_eq!(action, ReferentialAction::SetNull);
        assert_eq!(at(md, &placed, range), "on delete set null");
        assert_eq!(target("p"), users(&[], "FK → users"));
        let not_null = |name: &str| column(&table, name).not_null.map(|r| at(md, &placed, r));
        let null = |name: &str| column(&table, name).null.map(|r| at(md, &placed, r));
        assert_eq!(not_null("e"), Some("not null"));
        assert_eq!(not_null("f"), Some("NOT NULL"));
        assert_eq!(not_null("g"), Some("required"));
        assert_eq!((null("h"), not_null("h")), (Some("NULL"), None));
        assert_eq!(null("i"), Some("nullable"));
        for name in ["j", "k"] {
            assert!(
                matches!(kinds(name)[..], [ConstraintKind::Unique { .. }]),
                "{name}"
            );
        }
        let default = |name: &str| {
            let c = column(&table, name);
            let expression = c.default.as_ref().expect("a default");
            (
                at(md, &placed, c.default_range.expect("a clause")),
                at(md, &placed, expression.range),
            )
        };
        assert_eq!(default("l"), ("DEFAULT now()", "now()"));
        assert_eq!(
            column(&table, "l").default.as_ref().unwrap().functions,
            ["now"]
        );
        assert_eq!(default("m"), ("default: 0", "0"));
        assert_eq!(
            column(&table, "m").default.as_ref().unwrap().literal,
            Some(crate::lower::Literal::Number("0".into()))
        );
        let check = &column(&table, "n").constraints[0];
        let ConstraintKind::Check(expression) = &check.kind else {
            panic!()
        };
        assert_eq!(at(md, &placed, check.range), "CHECK (n > 0)");
        assert_eq!(at(md, &placed, expression.range), "(n > 0)");
        assert_eq!(expression.columns[0].name, "n");
        assert_eq!(not_null("o"), Some("NOT NULL"));
        assert_eq!(default("o"), ("DEFAULT 'x'", "'x'"));
        assert!(matches!(kinds("o")[..], [ConstraintKind::Unique { .. }]));
        // Cells written alike are parsed once, and each keeps its own place.
        let type_start = |name: &str| {
            let range = placed.absolute(column(&table, name).ty.as_ref().unwrap().range);
            assert_eq!(&md[range.start() as usize..range.end() as usize], "int");
            range.start()
        };
        assert!(type_start("a") < type_start("b") && type_start("b") < type_start("q"));
        let q = column(&table, "q");
        assert!(q.constraints.is_empty() && q.not_null.is_none() && q.default.is_none());
    }

    #[test]
    fn constraints_in_the_type_or_name_cell_and_in_their_own_columns() {
        let md = "### users\n\n| Name | Type | Nullable | Default | Key | References |\n|---|---|---|---|---|---|\n\
| id | uuid PRIMARY KEY | no | `gen_random_uuid()` | | |\n\
| team_id (FK → teams.id) | bigint | ✗ | - | | |\n\
| email | `varchar(320)`, unique | ✓ | | | |\n\
| org_id | bigint | yes | | FK | orgs.id |\n\
| code | text | NO | 'x' | UNI | |\n\
| seq | bigint | | auto-increment | PRI | |\n\
| note | text | | some words | | |\n";
        let (placed, table) = one_table(md);
        let id = column(&table, "id");
        assert_eq!(at(md, &placed, id.ty.as_ref().unwrap().range), "uuid");
        // `PRIMARY KEY` in the type cell and `PRI` in the Key column: one key of both.
        let ConstraintKind::PrimaryKey { columns } = &table.constraints[0].kind else {
            panic!("{:?}", table.constraints)
        };
        assert_eq!(columns.len(), 2);
        assert_eq!(at(md, &placed, table.constraints[0].range), "PRIMARY KEY");
        assert_eq!(at(md, &placed, id.not_null.unwrap()), "no");
        assert_eq!(
            at(md, &placed, id.default.as_ref().unwrap().range),
            "gen_random_uuid()"
        );
        let team = column(&table, "team_id");
        assert_eq!(at(md, &placed, team.name.range), "team_id");
        assert_eq!(at(md, &placed, team.constraints[0].range), "FK → teams.id");
        assert_eq!(at(md, &placed, team.not_null.unwrap()), "✗");
        assert!(team.default.is_none());
        let email = column(&table, "email");
        assert_eq!(
            at(md, &placed, email.ty.as_ref().unwrap().range),
            "varchar(320)"
        );
        assert!(matches!(
            email.constraints[0].kind,
            ConstraintKind::Unique { .. }
        ));
        assert_eq!(at(md, &placed, email.null.unwrap()), "✓");
        let org = column(&table, "org_id");
        assert_eq!(at(md, &placed, org.constraints[0].range), "orgs.id");
        let code = column(&table, "code");
        assert!(matches!(
            code.constraints[0].kind,
            ConstraintKind::Unique { .. }
        ));
        assert!(code.not_null.is_some());
        let seq = column(&table, "seq");
        assert_eq!(seq.identity, Some(Identity::ByDefault));
        // Words that are no expression are no default.
        assert!(column(&table, "note").default.is_none());
    }

    #[test]
    fn default_cells() {
        let md = "### t\n\n| Column | Type | Default |\n|---|---|---|\n\
| a | timestamptz | CURRENT_TIMESTAMP |\n\
| b | boolean | `false` |\n\
| c | text | 'pending' |\n\
| d | numeric(12,2) | 0.00 |\n\
| e | jsonb | `'{}'::jsonb` |\n\
| f | uuid | gen_random_uuid() |\n\
| g | int | - |\n\
| h | int | NULL |\n\
| i | int | current time |\n\
| j | bigint | auto-increment |\n\
| k | text | DEFAULT 'x' |\n";
        let (placed, table) = one_table(md);
        let default = |name: &str| {
            column(&table, name)
                .default
                .as_ref()
                .map(|d| at(md, &placed, d.range))
        };
        for (name, written) in [
            ("a", "CURRENT_TIMESTAMP"),
            ("b", "false"),
            ("c", "'pending'"),
            ("d", "0.00"),
            ("e", "'{}'::jsonb"),
            ("f", "gen_random_uuid()"),
            ("k", "'x'"),
        ] {
            assert_eq!(default(name), Some(written), "{name}");
        }
        assert_eq!(
            column(&table, "c").default.as_ref().unwrap().literal,
            Some(crate::lower::Literal::String("pending".into()))
        );
        for name in ["g", "h", "i", "j"] {
            assert_eq!(default(name), None, "{name}");
        }
        assert_eq!(column(&table, "j").identity, Some(Identity::ByDefault));
        let clause = column(&table, "k").default_range.unwrap();
        assert_eq!(at(md, &placed, clause), "DEFAULT 'x'");
    }

    #[test]
    fn offsets_stay_exact_with_non_ascii_crlf_lists_and_escaped_pipes() {
        let md = "# Entwurf — Übersicht 🚀\r\n\r\nÄnderungen: größer.\r\n\r\n### users\r\n\r\n\
- the table, in a list item:\r\n\r\n\
  | Column | Type | Description |\r\n\
  |---|---|---|\r\n\
  | naïve_at | timestamp | Zeit — lokal \\| UTC 🕐 |\r\n\
  | größe | int | ✓ |\r\n";
        let (placed, table) = one_table(md);
        let at_ = column(&table, "naïve_at");
        assert_eq!(at(md, &placed, at_.name.range), "naïve_at");
        assert_eq!(at(md, &placed, at_.ty.as_ref().unwrap().range), "timestamp");
        assert_eq!(
            at(
                md,
                &placed,
                column(&table, "größe").ty.as_ref().unwrap().range
            ),
            "int"
        );
        assert!(md[..placed.range().end() as usize].ends_with("| größe | int | ✓ |"));
        let comments: Vec<&Comment> = placed
            .lowered
            .facts
            .iter()
            .filter_map(|f| match f {
                Fact::Comment(c) if c.kind == ObjectKind::Column => Some(&**c),
                _ => None,
            })
            .collect();
        assert_eq!(comments[0].text.as_deref(), Some("Zeit — lokal | UTC 🕐"));
        assert_eq!(comments[1].text.as_deref(), Some("✓"));
    }

    #[test]
    fn fenced_blocks_are_not_looked_into() {
        let md = "### users\n\n| Column | Type |\n|---|---|\n| id | bigint |\n\n```sh\n# a comment, not a heading\n| Column | Type |\n|---|---|\n| id | bigint |\n```\n\n### logs\n\n```text\n| Column | Type |\n|---|---|\n| id | bigint |\n```\n";
        let block = |fence: &str| {
            let open = md.find(fence).unwrap();
            let close = md[open + 3..].find("```\n").unwrap() + open + 6;
            TextRange::from_usize(open..close)
        };
        let placed = lower(md, &[block("```sh"), block("```text")]);
        assert_eq!(placed.len(), 1);
        let Fact::CreateTable(table) = &placed[0].lowered.facts[0] else {
            panic!()
        };
        assert_eq!(table.name.name.name, "users");
        assert_eq!(table.columns.len(), 1);
    }

    #[test]
    fn a_table_after_a_code_block_under_its_heading_is_left_out() {
        // The block's statements would lie inside the table's statement.
        let md = "### users\n\n```sql\nCREATE TABLE users (id bigint);\n```\n\n| Column | Type |\n|---|---|\n| id | bigint |\n";
        let open = md.find("```sql").unwrap();
        let close = md.find("```\n\n").unwrap() + 3;
        assert!(lower(md, &[TextRange::from_usize(open..close)]).is_empty());
        assert_eq!(lower(md, &[]).len(), 1);
    }

    #[test]
    fn a_plain_name_header_needs_something_only_columns_have() {
        let options = "## users\n\n| Name | Type | Description |\n|---|---|---|\n| enabled | boolean | turns it on |\n| retries | integer | how often |\n";
        assert!(tables(options).is_empty());
        for md in [
            "## users\n\n| Name | Type | Nullable |\n|---|---|---|\n| id | bigint | no |\n",
            "## users\n\n| Name | Type | Description |\n|---|---|---|\n| id | bigint PK | the key |\n",
            "## users\n\n| Column | Type | Description |\n|---|---|---|\n| id | bigint | the key |\n",
        ] {
            assert_eq!(tables(md).len(), 1, "{md}");
        }
    }

    #[test]
    fn headings_with_a_description_after_a_name_in_code() {
        for heading in [
            "### `users` — registered accounts",
            "### `users` - registered accounts",
            "### `users` (core)",
            "### users:",
            "### users (table)",
            "### 1. `users`",
        ] {
            let md = format!("{heading}\n\n{COLUMNS}");
            let (_, table) = one_table(&md);
            assert_eq!(table.name.name.name, "users", "{heading}");
        }
        for heading in [
            "### users — registered accounts",
            "### users and teams",
            "## Configuration",
        ] {
            assert!(
                tables(&format!("{heading}\n\n{COLUMNS}")).is_empty(),
                "{heading}"
            );
        }
    }

    #[test]
    fn edits_allowed_only_inside_cells_and_the_heading() {
        let md =
            "### users\n\nprose\n\n| Column | Type |\n|---|---|\n| id | timestamp |\n\nafter\n";
        let (placed, _) = one_table(md);
        let range = |needle: &str| {
            let start = md.find(needle).unwrap();
            TextRange::from_usize(start..start + needle.len())
        };
        let end_of = |needle: &str| TextRange::empty(range(needle).end());
        let allowed =
            |range: TextRange, new_text: &str| edit_stays_in_cells(md, &placed, range, new_text);
        assert!(allowed(range("timestamp"), "timestamptz"));
        assert!(allowed(end_of("timestamp"), " NOT NULL"));
        assert!(allowed(range("users"), "people"));
        assert!(!allowed(range("###"), "##"));
        assert!(!allowed(
            TextRange::empty(0),
            "CREATE TYPE mood AS ENUM ('a');\n"
        ));
        assert!(!allowed(
            end_of("timestamp"),
            "\nCREATE INDEX ON users (id);"
        ));
        assert!(!allowed(end_of("timestamp"), " | x"));
        assert!(!allowed(range("prose"), "x"));
        assert!(!allowed(range("id | timestamp"), "x"));
        assert!(!allowed(end_of("timestamp |"), " UNIQUE"));
        assert!(!allowed(range("after"), "x"));
        assert!(!allowed(TextRange::empty(placed.range().end()), " x"));
    }

    #[test]
    fn index_tables_after_a_column_table() {
        let md = "### tags\n\n| Column | Type | Constraints |\n|---|---|---|\n\
| id | bigint | PK |\n| name | text | UNIQUE |\n| listing_id | bigint | FK → listings.id |\n\n\
#### Indexes\n\n| Name | Columns | Type | Unique | Where |\n|---|---|---|---|---|\n\
| tags_pkey | id | btree | yes | |\n\
| tags_name_key | name | | ✓ | |\n\
| tags_listing_idx | listing_id, name DESC | btree | no | |\n\
| tags_name_gin | (name) | GIN | | |\n\
| tags_lower_name | lower(name) | | yes | |\n\
| tags_live | listing_id | | | deleted_at IS NULL |\n";
        let placed = lower(md, &[]);
        let indexes: Vec<(&PlacedStatement, &CreateIndex)> = placed
            .iter()
            .filter_map(|p| match &p.lowered.facts[0] {
                Fact::CreateIndex(index) => Some((p, &**index)),
                _ => None,
            })
            .collect();
        // The keys' own indexes, the expression and the partial index are left out.
        let names: Vec<&str> = indexes
            .iter()
            .map(|(_, i)| i.name.as_ref().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["tags_listing_idx", "tags_name_gin"]);
        let (row, index) = indexes[0];
        assert_eq!(index.table.name.name, "tags");
        assert!(!index.unique && index.method.is_none());
        let elements: Vec<(&str, bool)> = index
            .elements
            .iter()
            .map(|e| (at(md, row, e.range), e.descending))
            .collect();
        assert_eq!(elements, [("listing_id", false), ("name DESC", true)]);
        assert!(md[row.start as usize..].starts_with("tags_listing_idx |"));
        assert_eq!(indexes[1].1.method.as_deref(), Some("gin"));
    }

    #[test]
    fn tables_that_are_no_index_tables() {
        for second in [
            // Another column table under the same heading.
            "| Column | Type |\n|---|---|\n| other | bigint |\n",
            "| Name | Columns | Type |\n|---|---|---|\n| x | a, b | bigint |\n",
            "| Name | Description |\n|---|---|\n| x | y |\n",
        ] {
            let md = format!("### t\n\n{COLUMNS}\n{second}");
            assert_eq!(lower(&md, &[]).len(), 1, "{second}");
        }
        let alone = "### t\n\n| Name | Columns |\n|---|---|\n| t_a | a |\n";
        assert!(lower(alone, &[]).is_empty());
    }

    mod analysis {
        use std::path::PathBuf;
        use std::sync::Arc;

        use super::*;
        use crate::analysis::FileData;
        use crate::config::Config;
        use crate::model::{FileId, FileInput, History, Model};
        use crate::rules::{self, Diagnostic, Selection};
        use crate::syntax::SyntaxTrees;
        use crate::text::LineIndex;

        /// The findings of every rule on a Markdown document whose schema is its column tables.
        pub(super) fn check_markdown(md: &str) -> (FileData, Vec<Diagnostic>) {
            // The document's SQL text: nothing but line breaks, as outside every block.
            let blank: String = md
                .bytes()
                .map(|b| {
                    if b == b'\n' || b == b'\r' {
                        b as char
                    } else {
                        ' '
                    }
                })
                .collect();
            let tree = syntax::parse(Language::Sql, &blank, None);
            let file = FileData::assemble(
                FileId(0),
                PathBuf::from("design.md"),
                Language::Sql,
                (Arc::new(String::from(md)), Arc::new(LineIndex::new(md))),
                SyntaxTrees::from_tree(Language::Sql, tree, &blank),
                TextRange::new(0, md.len() as u32),
                lower(md, &[]),
                Default::default(),
            );
            let diagnostics = check(&file);
            (file, diagnostics)
        }

        pub(super) fn check_sql(sql: &str) -> (FileData, Vec<Diagnostic>) {
            let file = FileData::new(
                FileId(0),
                PathBuf::from("schema.sql"),
                Language::Sql,
                Arc::new(String::from(sql)),
            );
            let diagnostics = check(&file);
            (file, diagnostics)
        }

        fn check(file: &FileData) -> Vec<Diagnostic> {
            let model = Model::build(&[FileInput {
                file: file.id,
                language: Language::Sql,
                history: History::Schema,
                statements: &file.statements,
            }]);
            let mut diagnostics =
                rules::check(&model, &[file], &Config::default(), &Selection::default());
            rules::place_fixes(&mut diagnostics, &model);
            diagnostics
        }

        const DESIGN: &str = "# Design\n\n## users\n\nPeople who sign in.\n\n\
| Column | Type | Constraints | Description |\n\
|---|---|---|---|\n\
| id | serial | PK | |\n\
| email | text | NOT NULL, UNIQUE | login |\n\
| status | text | | |\n\
| created_at | timestamp | NOT NULL DEFAULT now() | |\n\
| updated_at | timestamptz | | |\n\n\
## posts\n\n\
| Column | Type | Constraints |\n\
|---|---|---|\n\
| author_id | integer | FK → users.id |\n\
| body | text | |\n";

        const SAME_IN_SQL: &str = "CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    status text,
    created_at timestamp NOT NULL DEFAULT now(),
    updated_at timestamptz
);
COMMENT ON TABLE users IS 'People who sign in.';
COMMENT ON COLUMN users.email IS 'login';
CREATE TABLE posts (
    author_id integer REFERENCES users (id),
    body text
);
";

        fn findings(diagnostics: &[Diagnostic]) -> Vec<(&'static str, String)> {
            let mut findings: Vec<_> = diagnostics
                .iter()
                .map(|d| (d.rule, d.message.clone()))
                .collect();
            findings.sort();
            findings
        }

        #[test]
        fn rules_find_in_a_column_table_what_they_find_in_its_sql() {
            let (file, markdown) = check_markdown(DESIGN);
            let (_, sql) = check_sql(SAME_IN_SQL);
            assert_eq!(findings(&markdown), findings(&sql));
            let rules: Vec<&str> = findings(&markdown).iter().map(|f| f.0).collect();
            for rule in [
                "timestamp-without-time-zone",
                "missing-primary-key",
                "integer-primary-key",
                "foreign-key-without-index",
            ] {
                assert!(rules.contains(&rule), "{rule}: {rules:?}");
            }
            // Each finding is where the table says it.
            let at = |rule: &str| {
                let d = markdown.iter().find(|d| d.rule == rule).expect(rule);
                (d.range.start() as usize, file.slice(d.range))
            };
            let cell = DESIGN.find("| timestamp |").unwrap() + 2;
            assert_eq!(at("timestamp-without-time-zone"), (cell, "timestamp"));
            let heading = DESIGN.find("## posts").unwrap() + 3;
            assert_eq!(at("missing-primary-key"), (heading, "posts"));
            assert_eq!(at("foreign-key-without-index").1, "FK → users.id");
        }

        #[test]
        fn a_type_fix_edits_the_cell_and_the_document_then_passes() {
            let (file, diagnostics) = check_markdown(DESIGN);
            let fix = diagnostics
                .iter()
                .find(|d| d.rule == "timestamp-without-time-zone")
                .and_then(|d| d.fixes.first())
                .expect("a fix");
            let statement = file.statement_at(fix.edits[0].range.start()).unwrap();
            assert!(
                fix.edits
                    .iter()
                    .all(|e| edit_stays_in_cells(DESIGN, statement, e.range, &e.text))
            );
            let (fixed, skipped) = crate::fix::apply_edits(DESIGN, file.id, &fix.edits);
            assert!(skipped.is_empty());
            assert!(fixed.contains("| created_at | timestamptz | NOT NULL DEFAULT now() | |\n"));
            let (_, after) = check_markdown(&fixed);
            assert!(
                !after
                    .iter()
                    .any(|d| d.rule == "timestamp-without-time-zone")
            );
        }

        #[test]
        fn fixes_that_would_write_sql_into_the_document_are_told_apart() {
            let (file, diagnostics) = check_markdown(DESIGN);
            let fix = |rule: &str, title: &str| {
                diagnostics
                    .iter()
                    .filter(|d| d.rule == rule)
                    .flat_map(|d| &d.fixes)
                    .find(|f| f.title.starts_with(title))
                    .unwrap_or_else(|| panic!("{rule}: {title}"))
            };
            let in_cells = |fix: &crate::rules::Fix| {
                fix.edits.iter().all(|e| {
                    file.statement_at(e.range.start())
                        .is_some_and(|s| edit_stays_in_cells(DESIGN, s, e.range, &e.text))
                })
            };
            assert!(!in_cells(fix("foreign-key-without-index", "Create index")));
            // An index table that lists the index answers the finding.
            let indexed = format!(
                "{DESIGN}\n#### Indexes\n\n| Name | Columns |\n|---|---|\n| posts_author | author_id |\n"
            );
            let (_, after) = check_markdown(&indexed);
            assert!(!after.iter().any(|d| d.rule == "foreign-key-without-index"));
            assert!(!in_cells(fix(
                "unique-email-case-sensitive",
                "Replace with"
            )));
            assert!(!in_cells(fix(
                "enum-like-column-unconstrained",
                "Create an enum type"
            )));
            // A clause added to a cell: the document still says what the fix says.
            let on_delete = fix("foreign-key-without-on-delete", "Add ON DELETE CASCADE");
            assert!(in_cells(on_delete));
            let check = fix("enum-like-column-unconstrained", "Add CHECK");
            assert!(in_cells(check));
            let mut edits = on_delete.edits.clone();
            edits.extend(check.edits.iter().cloned());
            let (fixed, _) = crate::fix::apply_edits(DESIGN, file.id, &edits);
            assert!(
                fixed.contains("| FK → users.id ON DELETE CASCADE |"),
                "{fixed}"
            );
            let (_, after) = check_markdown(&fixed);
            let rules: Vec<&str> = after.iter().map(|d| d.rule).collect();
            assert!(
                !rules.contains(&"foreign-key-without-on-delete"),
                "{rules:?}"
            );
            assert!(
                !rules.contains(&"enum-like-column-unconstrained"),
                "{rules:?}"
            );
        }
    }
}
