//! Where the parser resynchronises after a bracket, quote or comment that is never closed.
//!
//! Tree-sitter's error recovery gives up on a text with many unclosed brackets (the cost of
//! each recovery grows with the depth) and swallows the statements after them, and a quote
//! that never ends takes the rest of the file. A lexical scan (strings, quoted identifiers,
//! dollar quotes, comments, brackets, COPY data) finds the openers that no later text closes;
//! the text is then cut at the first line after such an opener that plainly starts a new
//! statement (`CREATE ...`, `ALTER TABLE`, `COMMENT ON`... at column 0), above the `--` comment
//! lines right before it (a suppression or note on that statement), and each part is parsed on
//! its own. A valid text has no opener that is never closed, so it is never cut.

use crate::text::TextRange;

/// What opens a token or a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opener {
    Parenthesis,
    Bracket,
    String,
    QuotedIdentifier,
    /// A dollar quote, with the length of its tag (`$body$` is 6).
    Dollar(u32),
    Comment,
}

/// An opener that is never closed: what it is and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unclosed {
    pub opener: Opener,
    pub at: u32,
}

impl Unclosed {
    /// The range of the opening token.
    pub fn range(self) -> TextRange {
        let len = match self.opener {
            Opener::Dollar(tag) => tag,
            Opener::Comment => 2,
            _ => 1,
        };
        TextRange::new(self.at, self.at + len)
    }

    /// What is wrong and what to do.
    pub fn message(self, text: &str) -> String {
        match self.opener {
            Opener::Parenthesis => "`(` opened here is never closed; add the missing `)`".into(),
            Opener::Bracket => "`[` opened here is never closed; add the missing `]`".into(),
            Opener::String => "string opened here is never closed; add the closing `'`".into(),
            Opener::QuotedIdentifier => {
                "quoted identifier opened here is never closed; add the closing `\"`".into()
            }
            Opener::Dollar(_) => {
                let range = self.range();
                let tag = text
                    .get(range.start() as usize..range.end() as usize)
                    .unwrap_or("$$");
                format!("dollar-quoted string opened here is never closed; add the closing `{tag}`")
            }
            Opener::Comment => "comment opened here is never closed; add `*/`".into(),
        }
    }
}

/// A part of the text parsed on its own: up to `end`, with the innermost opener in it that is
/// never closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub end: u32,
    pub unclosed: Option<Unclosed>,
}

/// What the scan meets, in text order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Open(Opener, u32),
    Close(Opener),
    /// A line that plainly starts a statement, and whether the statement before it ended
    /// there (with a `;`, or none came before).
    StatementLine(u32, bool),
    /// A quote or comment that never ends.
    Unterminated(Opener, u32),
    /// A `;` outside any parentheses: the statement from its first token through the `;`.
    StatementEnd(TextRange),
}

/// The parts of `text` as [`Scan::segments`] finds them, and where its statements end by the same
/// lexical scan: each from its first token through a `;` outside parentheses, quotes and
/// comments (a guess that the parse confirms, or not: `BEGIN ATOMIC` bodies hold `;` too).
pub fn segments_and_statements(text: &str) -> (Vec<Segment>, Option<Vec<u32>>, Vec<TextRange>) {
    let (events, _) = scan(text, true);
    let statements = events
        .iter()
        .filter_map(|event| match event {
            Event::StatementEnd(range) => Some(*range),
            _ => None,
        })
        .collect();
    (
        segments_of(text, &events),
        restarts_of(&events, 0, RESTART_SPACING),
        statements,
    )
}

/// Restarts are kept about this many bytes apart.
const RESTART_SPACING: u32 = 4 * 1024;

/// Where a scan may restart, `base` added, `spacing` bytes apart or more: statement lines where
/// no statement is under way and no opener is open. `None` unless every opener is closed, in
/// order: a text that is one part.
fn restarts_of(events: &[Event], base: u32, spacing: u32) -> Option<Vec<u32>> {
    let mut open: Vec<Opener> = Vec::new();
    let mut restarts = vec![base];
    for event in events {
        match *event {
            Event::Open(opener, _) => open.push(opener),
            Event::Close(kind) => {
                if open.pop() != Some(kind) {
                    return None;
                }
            }
            Event::StatementLine(at, fresh) => {
                let at = base + at;
                if fresh && open.is_empty() && at >= restarts[restarts.len() - 1] + spacing {
                    restarts.push(at);
                }
            }
            Event::Unterminated(..) => return None,
            Event::StatementEnd(_) => {}
        }
    }
    open.is_empty().then_some(restarts)
}

/// After an edit of a text whose `restarts` are known (it was one part), the restarts of the
/// edited `text`, when it is one part too; `changed` is where the old text changed and `delta`
/// how much longer the new one is. Only the part of the text between the restarts around the
/// change is scanned: the scan's state there is that of the old text, and if every opener in
/// it closes in order, the text before and after scans as it did.
pub fn restarts_after_edit(
    restarts: &[u32],
    text: &str,
    changed: TextRange,
    delta: i64,
) -> Option<Vec<u32>> {
    let before = restarts.partition_point(|&at| at <= changed.start());
    let start = *restarts.get(before.checked_sub(1)?)?;
    let after = restarts.partition_point(|&at| at <= changed.end());
    let shifted = |at: u32| u32::try_from(i64::from(at) + delta).ok();
    let end = match restarts.get(after) {
        Some(&at) => shifted(at)?,
        None => text.len() as u32,
    };
    let window = text.get(start as usize..end as usize)?;
    if may_copy(window) {
        return None;
    }
    let (events, under_way) = scan(window, false);
    // A statement still under way when the window ends would change how the next reads; at
    // the end of the text there is no next.
    if under_way && (end as usize) < text.len() {
        return None;
    }
    let inside = restarts_of(&events, start, RESTART_SPACING)?;
    let mut all = restarts[..before].to_vec();
    all.extend(inside.into_iter().skip(1));
    for &at in &restarts[after..] {
        all.push(shifted(at)?);
    }
    Some(all)
}

/// The lexical scan of a whole text, kept when the text has no restarts (an opener is left
/// open, or closed out of order) so that an edit rescans only the text around it: while someone
/// types a bracket or quote that is not closed yet, every keystroke would otherwise scan the
/// whole text again.
#[derive(Debug, PartialEq, Eq)]
pub struct Scan {
    events: Vec<Event>,
    /// Statement lines where no statement is under way, about [`RESTART_SPACING`] apart, with
    /// the index of their event; the text's start first.
    restarts: Vec<(u32, usize)>,
    /// Where the first quote or comment that never ends starts: an edit after it may end it.
    first_unterminated: Option<u32>,
}

impl Scan {
    pub fn of(text: &str) -> Scan {
        let mut events = scan(text, false).0;
        // Kept as long as the text: without the room `scan` made ahead.
        events.shrink_to_fit();
        Scan::from_events(events)
    }

    fn from_events(events: Vec<Event>) -> Scan {
        let mut restarts = vec![(0, 0)];
        let mut first_unterminated = None;
        for (index, event) in events.iter().enumerate() {
            match *event {
                Event::StatementLine(at, true)
                    if at >= restarts[restarts.len() - 1].0 + RESTART_SPACING =>
                {
                    restarts.push((at, index));
                }
                Event::Unterminated(_, at) => {
                    first_unterminated.get_or_insert(at);
                }
                _ => {}
            }
        }
        Scan {
            events,
            restarts,
            first_unterminated,
        }
    }

    /// The parts of the text scanned, in order; the last ends at the end of the text. One part
    /// unless an opener is never closed and a statement line follows it.
    pub fn segments(&self, text: &str) -> Vec<Segment> {
        segments_of(text, &self.events)
    }

    /// Where a scan of the text, one part with every opener closed in order, may restart
    /// after an edit ([`restarts_after_edit`]).
    pub fn restarts(&self) -> Option<Vec<u32>> {
        restarts_of(&self.events, 0, RESTART_SPACING)
    }

    /// The scan of the edited `text`, from this scan and a scan of the text between the
    /// restarts around the edit; `changed` is where the old text changed and `delta` how much
    /// longer the new one is. `None` where that window cannot tell: a statement, a quote or a
    /// comment may go on past its end, a quote or comment before it never ended (the edit may
    /// end it), or COPY data may run past it.
    pub fn after_edit(&self, text: &str, changed: TextRange, delta: i64) -> Option<Scan> {
        let before = self
            .restarts
            .partition_point(|&(at, _)| at <= changed.start());
        let (start, first) = *self.restarts.get(before.checked_sub(1)?)?;
        if self.first_unterminated.is_some_and(|at| at < start) {
            return None;
        }
        let after = self
            .restarts
            .partition_point(|&(at, _)| at <= changed.end());
        let shifted = |at: u32| u32::try_from(i64::from(at) + delta).ok();
        let (end, last) = match self.restarts.get(after) {
            Some(&(at, index)) => (shifted(at)?, index),
            None => (text.len() as u32, self.events.len()),
        };
        let window = text.get(start as usize..end as usize)?;
        if may_copy(window) {
            return None;
        }
        let (inside, under_way) = scan(window, false);
        let open_at_end = under_way
            || inside
                .iter()
                .any(|event| matches!(event, Event::Unterminated(..)));
        if open_at_end && (end as usize) < text.len() {
            return None;
        }
        let mut events = Vec::with_capacity(self.events.len() + inside.len() - (last - first));
        events.extend_from_slice(&self.events[..first]);
        events.extend(inside.iter().map(|event| event.shifted(i64::from(start))));
        for event in &self.events[last..] {
            events.push(event.shifted(delta));
        }
        Some(Scan::from_events(events))
    }
}

impl Event {
    fn shifted(self, delta: i64) -> Event {
        let moved = |at: u32| (i64::from(at) + delta) as u32;
        match self {
            Event::Open(opener, at) => Event::Open(opener, moved(at)),
            Event::Close(opener) => Event::Close(opener),
            Event::StatementLine(at, fresh) => Event::StatementLine(moved(at), fresh),
            Event::Unterminated(opener, at) => Event::Unterminated(opener, moved(at)),
            Event::StatementEnd(range) => {
                Event::StatementEnd(TextRange::new(moved(range.start()), moved(range.end())))
            }
        }
    }
}

/// Whether a window of text may hold a `COPY ... FROM stdin`, which skips its data lines: they
/// may run past the window.
fn may_copy(window: &str) -> bool {
    window
        .as_bytes()
        .windows(4)
        .any(|word| word.eq_ignore_ascii_case(b"copy"))
}

fn segments_of(text: &str, events: &[Event]) -> Vec<Segment> {
    // First pass: which openers are closed (tokens that never end are not).
    let mut closed = vec![false; events.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (index, event) in events.iter().enumerate() {
        match *event {
            Event::Open(..) => stack.push(index),
            Event::Close(kind) => {
                if let Some(&top) = stack.last()
                    && matches!(events[top], Event::Open(open, _) if open == kind)
                {
                    closed[top] = true;
                    stack.pop();
                }
            }
            Event::StatementLine(..) | Event::StatementEnd(_) => {}
            Event::Unterminated(..) => stack.clear(),
        }
    }
    // Second pass: cut at a statement line while an opener that is never closed is open. The
    // matching agrees with the first pass for every opener after the last cut.
    let mut parts = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let innermost_unclosed = |open: &[usize]| {
        let count = open.iter().take_while(|&&index| !closed[index]).count();
        let index = *open.get(count.checked_sub(1)?)?;
        match events[index] {
            Event::Open(opener, at) | Event::Unterminated(opener, at) => {
                Some(Unclosed { opener, at })
            }
            _ => None,
        }
    };
    for (index, event) in events.iter().enumerate() {
        match *event {
            Event::Open(..) => open.push(index),
            Event::Close(kind) => {
                if let Some(&top) = open.last()
                    && matches!(events[top], Event::Open(opener, _) if opener == kind)
                {
                    open.pop();
                }
            }
            Event::StatementLine(at, _) => {
                if let Some(unclosed) = innermost_unclosed(&open) {
                    parts.push(Segment {
                        end: above_comment_lines(text.as_bytes(), at as usize, unclosed.at),
                        unclosed: Some(unclosed),
                    });
                    open.clear();
                }
            }
            Event::StatementEnd(_) => {}
            Event::Unterminated(..) => open.push(index),
        }
    }
    parts.push(Segment {
        end: text.len() as u32,
        unclosed: innermost_unclosed(&open),
    });
    parts
}

/// The bytes the scan looks at; it skips the others.
const SPECIAL: [bool; 256] = {
    let mut special = [false; 256];
    let bytes = b"\n'\"$()[];-/";
    let mut i = 0;
    while i < bytes.len() {
        special[bytes[i] as usize] = true;
        i += 1;
    }
    special
};

/// The events of a lexical scan of `text`; statement ends only when asked for (an edit's
/// reparse scans the whole text and needs none). With them, whether a statement is still under
/// way at the end (no `;` after its last token).
fn scan(text: &str, statement_ends: bool) -> (Vec<Event>, bool) {
    let bytes = text.as_bytes();
    // Room made once: an edit rescans the window around it, and growing the list from empty
    // took thirty times as long as the scan in a profile of typing (each larger block searched
    // for anew). SQL has an event every 40 to 50 bytes (GitLab's schema: 58,000 in 2.7 MB).
    let mut events = Vec::with_capacity(text.len() / 48);
    let mut i = 0;
    // Where the current statement started, to find `COPY ... FROM stdin;` at its `;`.
    let mut statement_start: Option<usize> = None;
    // Parentheses open in the current statement.
    let mut depth = 0usize;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            line_start = false;
            if starts_statement(&bytes[i..]) {
                events.push(Event::StatementLine(i as u32, statement_start.is_none()));
            }
            if bytes[i] == b'\\' {
                // A psql meta-command: the line is not SQL.
                i = line_end(bytes, i);
                continue;
            }
        }
        let byte = bytes[i];
        if !SPECIAL[byte as usize] {
            // Most of a text: words and spaces, skipped at once.
            if statement_start.is_none() && !byte.is_ascii_whitespace() {
                statement_start = Some(i);
            }
            i += 1;
            while i < bytes.len() && !SPECIAL[bytes[i] as usize] {
                i += 1;
            }
            continue;
        }
        let comment = matches!(
            (byte, bytes.get(i + 1)),
            (b'-', Some(b'-')) | (b'/', Some(b'*'))
        );
        if statement_start.is_none() && !byte.is_ascii_whitespace() && !comment {
            statement_start = Some(i);
        }
        let token_end = match byte {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => Some(line_end(bytes, i)),
            b'/' if bytes.get(i + 1) == Some(&b'*') => block_comment_end(bytes, i),
            b'\'' => {
                let escapes = i > 0
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && !bytes.get(i.wrapping_sub(2)).is_some_and(|b| is_word(*b));
                string_end(bytes, i, escapes)
            }
            b'"' => quoted_identifier_end(bytes, i),
            b'$' if i == 0 || !is_word(bytes[i - 1]) => match dollar_tag(bytes, i) {
                Some(tag) => dollar_end(text, i, tag),
                None => Some(i + 1),
            },
            b'(' | b'[' => {
                let opener = if byte == b'(' {
                    Opener::Parenthesis
                } else {
                    Opener::Bracket
                };
                events.push(Event::Open(opener, i as u32));
                depth += usize::from(byte == b'(');
                Some(i + 1)
            }
            b')' => {
                events.push(Event::Close(Opener::Parenthesis));
                depth = depth.saturating_sub(1);
                Some(i + 1)
            }
            b']' => {
                events.push(Event::Close(Opener::Bracket));
                Some(i + 1)
            }
            b';' => {
                let start = statement_start.take().unwrap_or(i);
                if is_copy_from_stdin(&text[start..i]) {
                    // The data lines end with a line `\.`, and the statement with them.
                    Some(text[i..].find("\n\\.").map_or(text.len(), |at| i + at + 3))
                } else {
                    if statement_ends && depth == 0 {
                        events.push(Event::StatementEnd(TextRange::from_usize(start..i + 1)));
                    }
                    Some(i + 1)
                }
            }
            _ => Some(i + 1),
        };
        match token_end {
            Some(end) => {
                // Lines that start inside a token are no statement lines; a line comment ends
                // with its line.
                line_start = bytes[end - 1] == b'\n';
                i = end;
            }
            None => {
                let opener = match byte {
                    b'\'' => Opener::String,
                    b'"' => Opener::QuotedIdentifier,
                    b'/' => Opener::Comment,
                    _ => Opener::Dollar(dollar_tag(bytes, i).unwrap_or(2) as u32),
                };
                let at = match opener {
                    // `E'...`: the token starts at the `E`.
                    Opener::String
                        if i > 0
                            && matches!(bytes[i - 1], b'e' | b'E')
                            && !bytes.get(i.wrapping_sub(2)).is_some_and(|b| is_word(*b)) =>
                    {
                        i - 1
                    }
                    _ => i,
                };
                let resume = next_statement_line(bytes, i);
                events.push(Event::Unterminated(opener, at as u32));
                match resume {
                    Some(next) => {
                        i = next;
                        statement_start = None;
                        depth = 0;
                        line_start = true;
                    }
                    None => break,
                }
            }
        }
    }
    (events, statement_start.is_some())
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |at| from + at + 1)
}

/// Whether `body`, a block comment as parsed, ends where its nesting does: one left open runs to
/// the end of what was parsed, which may fall right after an inner comment's `*/`.
pub(super) fn block_comment_closed(body: &str) -> bool {
    block_comment_end(body.as_bytes(), 0) == Some(body.len())
}

/// The end of a (nested) block comment starting at `from`, if it ends.
fn block_comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The end of a string starting at `from`: a doubled quote stays inside; with `escapes`
/// (`E'...'`) so does a quote after a backslash. As the grammar's scanner has it, a string
/// never runs into a line that starts a DDL statement, nor after a line ending with `;` into
/// one that starts with a statement word: it is then unterminated.
fn string_end(bytes: &[u8], from: usize, escapes: bool) -> Option<usize> {
    let mut i = from + 1;
    // The last character that is neither a space nor a line break.
    let mut last = b'\'';
    while i < bytes.len() {
        let byte = bytes[i];
        if escapes && byte == b'\\' {
            i += 2;
            continue;
        }
        if byte == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        if byte == b'\n' {
            let line = &bytes[i + 1..];
            if starts_ddl(line) || last == b';' && starts_with_statement_word(line) {
                return None;
            }
            if !line.starts_with(b"--") {
                last = b'\n';
            }
        } else if !byte.is_ascii_whitespace() {
            last = byte;
        }
        i += 1;
    }
    None
}

/// The end of a quoted identifier starting at `from`: a doubled quote stays inside.
fn quoted_identifier_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from + 1;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            if bytes.get(i + 1) != Some(&b'"') {
                return Some(i + 1);
            }
            i += 1;
        }
        i += 1;
    }
    None
}

/// The length of the dollar-quote tag at `from` (`$$`, `$body$`), if one starts there.
fn dollar_tag(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = &bytes[from + 1..];
    let name = rest.iter().take_while(|&&b| is_word(b)).count();
    if rest.first().is_some_and(u8::is_ascii_digit) || rest.get(name) != Some(&b'$') {
        return None;
    }
    Some(name + 2)
}

fn dollar_end(text: &str, from: usize, tag: usize) -> Option<usize> {
    let delimiter = &text[from..from + tag];
    let body = from + tag;
    text[body..]
        .find(delimiter)
        .map(|at| body + at + delimiter.len())
}

/// `at`, the start of the statement line a cut is at, moved up over the `--` comment lines right
/// above it that start after the opener at `opener`: a suppression or a note on the statement
/// stays with it.
fn above_comment_lines(bytes: &[u8], at: usize, opener: u32) -> u32 {
    let mut start = at;
    while start > 0 {
        let previous = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |i| i + 1);
        if previous <= opener as usize
            || !bytes[previous..start].trim_ascii_start().starts_with(b"--")
        {
            break;
        }
        start = previous;
    }
    start as u32
}

/// The start of the first line after `from` that starts a statement.
fn next_statement_line(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i = line_end(bytes, i);
        if i >= bytes.len() {
            return None;
        }
        if starts_statement(&bytes[i..]) {
            return Some(i);
        }
    }
}

/// The first two words of a line.
fn first_words(line: &[u8]) -> (&[u8], &[u8]) {
    fn word(text: &[u8]) -> &[u8] {
        let len = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let ends = text.get(len).is_none_or(|b| b.is_ascii_whitespace());
        if ends { &text[..len] } else { &text[..0] }
    }
    let first = word(line);
    let rest = &line[first.len()..];
    let spaces = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    (first, word(&rest[spaces..]))
}

fn is(word: &[u8], keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword.as_bytes())
}

/// Whether a line starts with the first words of a DDL statement, which never continue the
/// statement before it (`CREATE` and an object, `COMMENT ON`, `ALTER TABLE`, `DROP TABLE`), as
/// the grammar's scanner reads them.
fn starts_ddl(line: &[u8]) -> bool {
    const OBJECTS: &[&str] = &[
        "TABLE",
        "INDEX",
        "UNIQUE",
        "VIEW",
        "MATERIALIZED",
        "FUNCTION",
        "PROCEDURE",
        "TRIGGER",
        "TYPE",
        "DOMAIN",
        "SEQUENCE",
        "SCHEMA",
        "EXTENSION",
        "POLICY",
        "OR",
        "TEMPORARY",
        "TEMP",
        "UNLOGGED",
        "RULE",
        "EVENT",
    ];
    let (first, second) = first_words(line);
    is(first, "CREATE") && OBJECTS.iter().any(|object| is(second, object))
        || is(first, "COMMENT") && is(second, "ON")
        || (is(first, "ALTER") || is(first, "DROP")) && is(second, "TABLE")
}

/// Whether a line starts with a word that starts a statement.
fn starts_with_statement_word(line: &[u8]) -> bool {
    const WORDS: &[&str] = &[
        "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "INSERT", "UPDATE", "DELETE",
        "SELECT", "WITH", "SET", "RESET", "COPY", "COMMIT", "START", "ROLLBACK", "TRUNCATE", "DO",
        "CALL", "REFRESH", "VACUUM", "ANALYZE",
    ];
    let (first, _) = first_words(line);
    WORDS.iter().any(|word| is(first, word))
}

/// Whether a line plainly starts a statement: the first words of a DDL statement, or `GRANT`
/// (reserved) or `INSERT INTO` at column 0.
fn starts_statement(line: &[u8]) -> bool {
    // Most lines start with a space or a word of no statement: the scan asks of every line.
    if !matches!(
        line.first().map(u8::to_ascii_uppercase),
        Some(b'C' | b'A' | b'D' | b'G' | b'I')
    ) {
        return false;
    }
    let (first, second) = first_words(line);
    starts_ddl(line)
        || is(first, "GRANT") && !second.is_empty()
        || is(first, "INSERT") && is(second, "INTO")
}

/// Whether a statement's text is `COPY ... FROM stdin`, whose data lines follow it.
fn is_copy_from_stdin(statement: &str) -> bool {
    let statement = statement.trim_start();
    let Some(verb) = statement.get(..4) else {
        return false;
    };
    if !verb.eq_ignore_ascii_case("copy") {
        return false;
    }
    let lower = statement.to_ascii_lowercase();
    let mut words = lower.split_ascii_whitespace();
    words.any(|word| word == "from") && words.next().is_some_and(|word| word == "stdin")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::Numbers;

    /// The parts of `text`, and where a scan may restart after an edit.
    fn segments(text: &str) -> (Vec<Segment>, Option<Vec<u32>>) {
        let scan = Scan::of(text);
        (scan.segments(text), scan.restarts())
    }

    /// Whether a whole scan of `text` is at `at` as at its start: at a line start, outside any
    /// token, opener and statement.
    fn scan_may_restart_at(text: &str, at: u32) -> bool {
        let before = &text[..at as usize];
        let (events, under_way) = scan(before, false);
        (before.is_empty() || before.ends_with('\n'))
            && !under_way
            && restarts_of(&events, 0, u32::MAX).is_some()
    }

    /// Replaces a random range of up to 8 bytes of `text` by `inserted`, then undoes it; `check`
    /// sees the text after each, with the range the old text changed in and how much longer
    /// the new one is.
    fn edit_and_undo(
        numbers: &mut Numbers,
        text: &mut String,
        inserted: &str,
        mut check: impl FnMut(&str, TextRange, i64),
    ) {
        let mut at = numbers.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + numbers.below(8)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let removed = text[at..end].to_string();
        for (range, new) in [
            (at..end, inserted),
            (at..at + inserted.len(), removed.as_str()),
        ] {
            let changed = TextRange::from_usize(range.clone());
            let delta = new.len() as i64 - range.len() as i64;
            text.replace_range(range, new);
            check(text, changed, delta);
        }
    }

    /// Random edits of a text with every kind of token (brackets, quotes, comments, dollar
    /// quotes, COPY data) and statements: whenever the scan of the window around an edit says
    /// the text is still one part, a scan of the whole text agrees, and the restarts it gives are
    /// places where a whole scan may restart.
    #[test]
    fn a_scan_restarted_around_an_edit_agrees_with_a_whole_scan() {
        const PIECES: [&str; 22] = [
            "CREATE TABLE a (id int CHECK ((id > 0)), b int[] DEFAULT ARRAY[1]);\n",
            "ALTER TABLE a ADD CONSTRAINT k CHECK (b <> '(');\n",
            "COMMENT ON TABLE a IS 'it''s (';\n",
            "CREATE FUNCTION f() RETURNS int AS $body$\nCREATE TABLE x (\n$body$;\n",
            "INSERT INTO a VALUES (1, E'\\'(');\n",
            "GRANT ALL ON a TO b;\n",
            "/* a /* nested */ ( */\n",
            "-- a comment (\n",
            "COPY a (id) FROM stdin;\n(1\n\\.\n",
            "SELECT \"a(\", $1;\n",
            "(",
            ")",
            "[",
            "]",
            "'",
            "\"",
            "$$",
            "/*",
            ";",
            "\n",
            "x",
            "CREATE",
        ];
        let mut numbers = Numbers(17);
        let mut checked = 0;
        for _ in 0..10 {
            let mut text = String::new();
            while text.len() < 20 * 1024 {
                // COPY data lines end where the scan cannot tell from a window: rarely.
                let piece = match numbers.below(800) {
                    0 => 8,
                    n => n % 8,
                };
                text.push_str(PIECES[piece]);
            }
            let mut restarts = segments(&text).1;
            for _ in 0..300 {
                let inserted = match numbers.below(2) {
                    0 => PIECES[numbers.below(PIECES.len())],
                    _ => "",
                };
                edit_and_undo(&mut numbers, &mut text, inserted, |text, changed, delta| {
                    let rescanned = restarts
                        .as_deref()
                        .and_then(|r| restarts_after_edit(r, text, changed, delta));
                    let (parts, whole) = segments(text);
                    match rescanned {
                        Some(found) => {
                            checked += 1;
                            let one = Segment {
                                end: text.len() as u32,
                                unclosed: None,
                            };
                            assert_eq!(parts, [one], "{text:?}");
                            let near = (changed.start().saturating_sub(2 * RESTART_SPACING))
                                ..changed.end() + 2 * RESTART_SPACING;
                            for &restart in found.iter().filter(|at| near.contains(at)) {
                                assert!(scan_may_restart_at(text, restart), "{restart}: {text:?}");
                            }
                            restarts = Some(found);
                        }
                        None => restarts = whole,
                    }
                });
            }
        }
        assert!(checked > 1_000, "only {checked} edits rescanned in part");
    }

    /// Random edits of texts with unclosed brackets, quotes and comments too: a scan updated
    /// around an edit is the scan of the whole edited text.
    #[test]
    fn a_scan_updated_around_an_edit_is_a_whole_scan() {
        const PIECES: [&str; 14] = [
            "CREATE TABLE a (id int CHECK ((id > 0)), b int[] DEFAULT ARRAY[1]);\n",
            "ALTER TABLE a ADD CONSTRAINT k CHECK (b <> '(');\n",
            "CREATE FUNCTION f() RETURNS int AS $body$\nCREATE TABLE x (\n$body$;\n",
            "CREATE TABLE b (id int,\n",
            "/* a /* nested */ ( */\n",
            "COPY a (id) FROM stdin;\n(1\n\\.\n",
            "(",
            ")",
            "'",
            "/*",
            "$$",
            ";",
            "\n",
            "CREATE",
        ];
        let mut numbers = Numbers(29);
        let (mut updated, mut in_parts) = (0, 0);
        for _ in 0..10 {
            let mut text = String::new();
            while text.len() < 20 * 1024 {
                let piece = match numbers.below(400) {
                    0 => 5,
                    1 => 4,
                    n => [0, 1, 2, 3][n % 4],
                };
                text.push_str(PIECES[piece]);
            }
            let mut scan = Scan::of(&text);
            for _ in 0..300 {
                let inserted = match numbers.below(3) {
                    0 => "",
                    _ => PIECES[6 + numbers.below(PIECES.len() - 6)],
                };
                edit_and_undo(&mut numbers, &mut text, inserted, |text, changed, delta| {
                    let whole = Scan::of(text);
                    if let Some(found) = scan.after_edit(text, changed, delta) {
                        assert_eq!(found, whole, "after an edit of {changed:?}: {text:?}");
                        updated += 1;
                        in_parts += usize::from(whole.segments(text).len() > 1);
                    }
                    scan = whole;
                });
            }
        }
        assert!(
            updated > 1_000,
            "only {updated} scans updated around the edit"
        );
        assert!(in_parts > 300, "only {in_parts} of them in several parts");
    }

    fn cuts(text: &str) -> Vec<(u32, Option<(Opener, u32)>)> {
        segments(text)
            .0
            .into_iter()
            .map(|s| (s.end, s.unclosed.map(|u| (u.opener, u.at))))
            .collect()
    }

    /// The comment lines right above the statement line parsing resumes at stay with that
    /// statement: a suppression there went on covering it.
    #[test]
    fn a_cut_keeps_the_comment_lines_above_its_statement() {
        let text = "SELECT \"a;\n-- ddlint-ignore r\n  -- why\nCREATE TABLE c (id int);\n";
        assert_eq!(
            cuts(text),
            [
                (11, Some((Opener::QuotedIdentifier, 7))),
                (text.len() as u32, None)
            ]
        );
        // A blank line ends the comment lines that go with the statement.
        let text = "SELECT (\n-- far\n\nCREATE TABLE c (id int);\n";
        assert_eq!(cuts(text)[0], (17, Some((Opener::Parenthesis, 7))));
    }

    #[test]
    fn a_valid_text_is_one_part() {
        let text = "CREATE TABLE a (\nid int DEFAULT f((1)),\nb int[] DEFAULT ARRAY[1]\n);\n\
            CREATE FUNCTION f() RETURNS int AS $body$\nCREATE TABLE x (\n$body$;\n\
            COMMENT ON TABLE a IS 'it''s\ncreate a table (';\n/* a /* nested */\nCREATE ( */\n\
            COPY a (id) FROM stdin;\n(1\n\\.\nSELECT E'\\'(', \"a(\", $1;\n";
        assert_eq!(cuts(text), [(text.len() as u32, None)]);
    }

    #[test]
    fn cut_at_the_statement_line_after_an_unclosed_parenthesis() {
        let text = "SELECT ((((((((((((\nCREATE TABLE c (id int);\n";
        assert_eq!(
            cuts(text),
            [
                (20, Some((Opener::Parenthesis, 18))),
                (text.len() as u32, None)
            ]
        );
        // At the end of the text: the innermost opener that is never closed, no cut.
        assert_eq!(
            cuts("SELECT ((1) ("),
            [(13, Some((Opener::Parenthesis, 12)))]
        );
    }

    #[test]
    fn quotes_and_comments_that_never_end() {
        for (text, opener, at) in [
            ("SELECT 'a;\nCREATE TABLE c (id int);\n", Opener::String, 7),
            (
                "SELECT E'a\\';\nCREATE TABLE c (id int);\n",
                Opener::String,
                7,
            ),
            (
                "SELECT \"a;\nCREATE TABLE c (id int);\n",
                Opener::QuotedIdentifier,
                7,
            ),
            (
                "SELECT $x$ a;\nCREATE TABLE c (id int);\n",
                Opener::Dollar(3),
                7,
            ),
            (
                "SELECT 1; /* a\nCREATE TABLE c (id int);\n",
                Opener::Comment,
                10,
            ),
        ] {
            let end = text.find("CREATE").unwrap_or(0) as u32;
            assert_eq!(
                cuts(text),
                [(end, Some((opener, at))), (text.len() as u32, None)],
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_opener_closed_later_is_no_cut() {
        // The column `alter` and the `CREATE` line inside a closed dollar quote start nothing.
        let text = "CREATE TABLE a (\nalter int,\nb int\n);\nSELECT (\n$$\nCREATE TABLE x\n$$);\n";
        assert_eq!(cuts(text), [(text.len() as u32, None)]);
    }
}
