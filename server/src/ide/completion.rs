//! Completion from the text before the cursor: the statement the user is typing rarely parses,
//! so the context (a table name, a column of some table, a type, the start of a statement or of
//! a table element) comes from its tokens, and the candidates from the model of the file's
//! source. Prisma: the position in a model's field line.

use crate::catalog::types;
use crate::lower::{ConstraintKind, TypeDefinition, TypeRef};
use crate::model::names::quote_if_needed;
use crate::model::{Column, Model, Table};
use crate::syntax::Language;
use crate::text::TextRange;
use crate::workspace::host::FileView;

/// What the client may be sent.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompletionConfig {
    /// The client expands snippets (`$1`, `${1:name}`).
    pub snippets: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Table,
    Column,
    Type,
    Enum,
    Keyword,
    Snippet,
    Attribute,
    Function,
}

#[derive(Clone, Debug)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Replaces the typed prefix; the label when `None`.
    pub insert: Option<String>,
    /// `insert` is a snippet.
    pub snippet: bool,
    /// Relevance order, compared as text.
    pub sort: String,
}

#[derive(Debug)]
pub struct Completions {
    /// The typed prefix the chosen item replaces.
    pub range: TextRange,
    pub items: Vec<CompletionItem>,
    /// Capped: typing more asks again.
    pub incomplete: bool,
}

/// Enough for any list a person scrolls; a schema with more tables gets the best matches.
const LIMIT: usize = 500;

pub fn completion(file: &FileView, offset: u32, config: CompletionConfig) -> Option<Completions> {
    let text = &file.data.text;
    if !file.data.reads_at(offset) {
        return None;
    }
    let offset = (offset as usize).min(text.len());
    // Before a migration's up section (the marker line of goose and dbmate) nothing is read.
    if !text.is_char_boundary(offset) || offset < file.data.applied.start() as usize {
        return None;
    }
    let model = file.source.as_ref().map(|s| &*s.model);
    let mut out = Builder::default();
    let prefix_start = match file.data.language {
        Language::Sql => {
            let start = statement_start(file, offset as u32) as usize;
            let until = migration_order(file);
            // The rest of the statement, for the tables a query names after the cursor.
            let rest = &text[offset..];
            let mut end = rest.len().min(4096);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            let after = &rest[..end];
            let after = &after[..after.find(';').unwrap_or(end)];
            let sql = Sql {
                before: &text[start..offset],
                after,
                base: start,
            };
            sql.complete(model, until, config, &mut out)?
        }
        Language::Prisma => prisma(text, offset, model, &mut out)?,
    };
    let prefix = &text[prefix_start..offset];
    Some(out.finish(prefix, TextRange::new(prefix_start as u32, offset as u32)))
}

/// Where the statement at `offset` starts: the last one lowered that starts before it (the
/// tokens restart after each `;`).
fn statement_start(file: &FileView, offset: u32) -> u32 {
    let statements = &file.data.statements;
    let before = statements.partition_point(|s| s.start < offset);
    let applied = file.data.applied.start();
    before
        .checked_sub(1)
        .map_or(applied, |last| statements[last].start.max(applied))
}

#[derive(Default)]
struct Builder {
    items: Vec<CompletionItem>,
}

impl Builder {
    fn push(&mut self, tier: u8, label: String, kind: CompletionKind) -> &mut CompletionItem {
        let sort = format!("{tier}{:05}", self.items.len());
        let at = self.items.len();
        self.items.push(CompletionItem {
            label,
            kind,
            detail: None,
            documentation: None,
            insert: None,
            snippet: false,
            sort,
        });
        &mut self.items[at]
    }

    fn keywords(&mut self, tier: u8, keywords: &[&str]) {
        for keyword in keywords {
            self.push(tier, (*keyword).to_string(), CompletionKind::Keyword);
        }
    }

    fn snippet(&mut self, label: &str, detail: &str, body: &str) {
        let item = self.push(0, label.to_string(), CompletionKind::Snippet);
        item.detail = Some(detail.to_string());
        item.insert = Some(body.to_string());
        item.snippet = true;
    }

    /// The items the prefix matches (as clients filter: a subsequence starting at the start of
    /// a word), those it starts first, best first, capped.
    fn finish(mut self, prefix: &str, range: TextRange) -> Completions {
        let wanted: Vec<char> = prefix
            .trim_start_matches(['"', '@'])
            .chars()
            .flat_map(char::to_lowercase)
            .collect();
        self.items.retain(|item| matches(&wanted, &item.label));
        let starts = |item: &CompletionItem| {
            let label = item.label.trim_start_matches(['"', '@']).to_lowercase();
            let wanted: String = wanted.iter().collect();
            label.starts_with(&wanted)
        };
        self.items
            .sort_by_cached_key(|item| (!starts(item), item.sort.clone()));
        for (rank, item) in self.items.iter_mut().enumerate() {
            item.sort = format!("{rank:05}");
        }
        let incomplete = self.items.len() > LIMIT;
        self.items.truncate(LIMIT);
        Completions {
            range,
            items: self.items,
            incomplete,
        }
    }
}

/// Whether `wanted` (lower case) is a subsequence of `label` whose first character starts a
/// word of it.
fn matches(wanted: &[char], label: &str) -> bool {
    let Some((first, rest)) = wanted.split_first() else {
        return true;
    };
    let label: Vec<char> = label.trim_start_matches(['"', '@']).chars().collect();
    let word_start = |i: usize| {
        i == 0
            || matches!(label[i - 1], '_' | '.' | ' ' | '@' | '"')
            || label[i].is_uppercase() && label[i - 1].is_lowercase()
    };
    let Some(at) = (0..label.len())
        .find(|&i| word_start(i) && label[i].to_lowercase().eq(std::iter::once(*first)))
    else {
        return false;
    };
    let mut rest = rest.iter().peekable();
    for c in label[at + 1..].iter().flat_map(|c| c.to_lowercase()) {
        if rest.peek() == Some(&&c) {
            rest.next();
        }
    }
    rest.peek().is_none()
}

// SQL

#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// An unquoted word, as written.
    Word(String),
    /// A quoted identifier, unquoted.
    Quoted(String),
    Punct(char),
    /// A literal or operator.
    Other,
}

impl Token {
    fn is(&self, keyword: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    /// The identifier PostgreSQL reads.
    fn ident(&self) -> Option<String> {
        match self {
            Token::Word(w) => Some(w.to_lowercase()),
            Token::Quoted(q) => Some(q.clone()),
            _ => None,
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The tokens of `text`, and where an unfinished last word or quoted identifier starts; `None`
/// when `text` ends inside a string or comment.
fn tokens(text: &str) -> Option<(Vec<Token>, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut last_start = text.len();
    while at < text.len() {
        let rest = &text[at..];
        let c = rest.chars().next()?;
        let start = at;
        if c.is_whitespace() {
            at += c.len_utf8();
            continue;
        }
        if rest.starts_with("--") {
            at += rest.find('\n')?;
            continue;
        }
        if rest.starts_with("/*") {
            at += rest.find("*/")? + 2;
            continue;
        }
        if c == '\'' || c == '$' && rest[1..].starts_with(|c: char| c == '$' || c.is_alphabetic()) {
            let delimiter = if c == '\'' {
                "'".to_string()
            } else {
                let end = rest[1..].find('$')? + 2;
                rest[..end].to_string()
            };
            let body = &rest[delimiter.len()..];
            at += delimiter.len() + body.find(&delimiter)? + delimiter.len();
            out.push(Token::Other);
            continue;
        }
        if c == '"' {
            let mut end = 1;
            let mut name = String::new();
            loop {
                match rest[end..].find('"') {
                    Some(quote) if rest[end + quote + 1..].starts_with('"') => {
                        name.push_str(&rest[end..end + quote + 1]);
                        end += quote + 2;
                    }
                    Some(quote) => {
                        name.push_str(&rest[end..end + quote]);
                        end += quote + 1;
                        break;
                    }
                    // A quote left open on an earlier line: a completion replaces text on the
                    // cursor's line only, and inside a quoted name there is nothing to offer.
                    None if rest.contains(['\n', '\r']) => return None,
                    // Still being typed.
                    None => return Some((out, start)),
                }
            }
            at += end;
            last_start = start;
            out.push(Token::Quoted(name));
            continue;
        }
        if is_ident_char(c) {
            let len = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
            at += len;
            last_start = start;
            out.push(Token::Word(rest[..len].to_string()));
            continue;
        }
        at += c.len_utf8();
        match c {
            // A statement ends: the cursor's starts after it.
            ';' => out.clear(),
            '(' | ')' | ',' | '.' => out.push(Token::Punct(c)),
            _ => out.push(Token::Other),
        }
    }
    if matches!(out.last(), Some(Token::Word(_))) && text.ends_with(is_ident_char) {
        out.pop();
        return Some((out, last_start));
    }
    Some((out, text.len()))
}

/// Where completion is asked in an SQL statement.
#[derive(Debug, PartialEq)]
enum Context {
    Tables {
        schema: Option<String>,
    },
    Columns(Option<Name>),
    /// The columns a foreign key may reference: keys first.
    ReferencedColumns(Name),
    /// The columns of the tables a query names, with their aliases.
    QueryColumns(Vec<(Name, Option<String>)>),
    /// A table of the statement written so far has these columns (a CREATE TABLE being typed).
    WrittenColumns(Name, Vec<(String, String)>),
    Types,
    StatementStart,
    ElementStart,
    ColumnOptions,
    Functions,
    Keywords(&'static [&'static str]),
    Nothing,
}

/// A possibly qualified table name, as PostgreSQL reads it.
#[derive(Clone, Debug, PartialEq)]
struct Name {
    schema: Option<String>,
    name: String,
}

/// Words after which a table name comes.
const TABLE_KEYWORDS: &[&str] = &[
    "references",
    "from",
    "join",
    "table",
    "into",
    "only",
    "exists",
];

const CONSTRAINT_KEYWORDS: &[&str] = &[
    "constraint",
    "primary",
    "unique",
    "foreign",
    "check",
    "exclude",
    "like",
];

/// The name ending at `end` (exclusive) of `tokens`: `name` or `schema . name`.
fn name_before(tokens: &[Token], end: usize) -> Option<(Name, usize)> {
    let name = tokens.get(end.checked_sub(1)?)?.ident()?;
    if end >= 3
        && tokens[end - 2] == Token::Punct('.')
        && let Some(schema) = tokens[end - 3].ident()
    {
        return Some((
            Name {
                schema: Some(schema),
                name,
            },
            end - 3,
        ));
    }
    Some((Name { schema: None, name }, end - 1))
}

/// The name starting at `at`, after optional words to skip.
fn name_after(tokens: &[Token], mut at: usize, skip: &[&str]) -> Option<Name> {
    while tokens.get(at).is_some_and(|t| skip.iter().any(|k| t.is(k))) {
        at += 1;
    }
    let first = tokens.get(at)?.ident()?;
    if tokens.get(at + 1) == Some(&Token::Punct('.'))
        && let Some(name) = tokens.get(at + 2).and_then(Token::ident)
    {
        return Some(Name {
            schema: Some(first),
            name,
        });
    }
    Some(Name {
        schema: None,
        name: first,
    })
}

/// The table the statement is about, and whether it creates it.
fn statement_table(tokens: &[Token]) -> Option<(Name, bool)> {
    let depth_zero = |i: usize| depth_at(tokens, i) == 0;
    if let Some(table) = tokens.iter().position(|t| t.is("table"))
        && table < 5
    {
        let creates = tokens[..table].iter().any(|t| t.is("create"));
        let alters = tokens[..table].iter().any(|t| t.is("alter"));
        if creates || alters {
            let skip: &[&str] = &["if", "not", "exists", "only"];
            return name_after(tokens, table + 1, skip).map(|n| (n, creates));
        }
    }
    // CREATE INDEX / POLICY / TRIGGER ... ON table, a query's FROM table.
    let on = (0..tokens.len())
        .find(|&i| tokens[i].is("on") && depth_zero(i))
        .or_else(|| (0..tokens.len()).find(|&i| tokens[i].is("from") && depth_zero(i)))?;
    name_after(tokens, on + 1, &["only"]).map(|n| (n, false))
}

fn depth_at(tokens: &[Token], end: usize) -> usize {
    let mut depth = 0usize;
    for token in &tokens[..end] {
        match token {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

fn context(tokens: &[Token]) -> Context {
    let Some(last) = tokens.last() else {
        return Context::StatementStart;
    };
    let first_is = |keyword: &str| tokens.first().is_some_and(|t| t.is(keyword));
    let previous = |back: usize| tokens.len().checked_sub(back).map(|i| &tokens[i]);
    if *last == Token::Punct('.')
        && let Some((name, start)) = name_before(tokens, tokens.len() - 1)
    {
        if first_is("comment") && tokens.iter().any(|t| t.is("column")) {
            return Context::Columns(Some(name));
        }
        let after_keyword = start
            .checked_sub(1)
            .is_some_and(|k| tokens[k].is("on") || TABLE_KEYWORDS.iter().any(|w| tokens[k].is(w)));
        if after_keyword && name.schema.is_none() {
            return Context::Tables {
                schema: Some(name.name),
            };
        }
        return Context::Nothing;
    }
    if first_is("comment") {
        return match last {
            t if t.is("on") => {
                Context::Keywords(&["TABLE", "COLUMN", "INDEX", "TYPE", "CONSTRAINT"])
            }
            t if t.is("table") || t.is("column") => Context::Tables { schema: None },
            _ => Context::Nothing,
        };
    }
    if (last.is("delete") || last.is("update")) && previous(2).is_some_and(|t| t.is("on")) {
        return Context::Keywords(&[
            "CASCADE",
            "RESTRICT",
            "SET NULL",
            "SET DEFAULT",
            "NO ACTION",
        ]);
    }
    if last.is("exists") && previous(3).is_some_and(|t| t.is("column")) {
        return Context::Columns(statement_table(tokens).map(|(name, _)| name));
    }
    if last.is("table") && previous(2).is_some_and(|t| !t.is("alter") && !t.is("lock")) {
        // A new table's name.
        return Context::Nothing;
    }
    if last.is("exists") && tokens.iter().any(|t| t.is("not")) {
        return Context::Nothing;
    }
    let in_table_statement = first_is("create") || first_is("alter");
    let statement = statement_table(tokens);
    let partition_of = last.is("of") && previous(2).is_some_and(|t| t.is("partition"));
    let dml_update = last.is("update") && tokens.len() == 1;
    if TABLE_KEYWORDS.iter().any(|k| last.is(k)) || partition_of || dml_update {
        return Context::Tables { schema: None };
    }
    if (last.is("function") || last.is("procedure")) && previous(2).is_some_and(|t| t.is("execute"))
    {
        return Context::Functions;
    }
    if last.is("using") && tokens.iter().take(5).any(|t| t.is("index")) {
        return Context::Keywords(&["btree", "gin", "gist", "brin", "hash", "spgist"]);
    }
    if last.is("on") {
        let defines_table = tokens.iter().take(4).any(|t| t.is("table"));
        return if defines_table && in_table_statement {
            Context::Keywords(&["DELETE", "UPDATE"])
        } else {
            Context::Tables { schema: None }
        };
    }
    if last.is("type") && previous(2).is_some_and(|t| !t.is("create") && !t.is("alter")) {
        return Context::Types;
    }
    // The innermost open parenthesis that lists columns or holds a table's elements.
    let mut open: Vec<usize> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct('(') => open.push(i),
            Token::Punct(')') => {
                open.pop();
            }
            _ => {}
        }
    }
    for &paren in open.iter().rev() {
        let before = &tokens[..paren];
        if let Some((name, start)) = name_before(before, paren) {
            if start > 0 && before[start - 1].is("references") {
                return Context::ReferencedColumns(name);
            }
            if start > 0 && before[start - 1].is("on") {
                return Context::Columns(Some(name));
            }
            if let Some((table, true)) = &statement
                && *table == name
                && open[0] == paren
            {
                if open.last() == Some(&paren) {
                    return element(tokens, paren);
                }
                continue;
            }
        }
        if before.last().is_some_and(|t| t.is("inherits")) && open.last() == Some(&paren) {
            return Context::Tables { schema: None };
        }
        let lists_columns = before.last().is_some_and(|t| {
            ["key", "unique", "check", "include", "exclude"]
                .iter()
                .any(|k| t.is(k))
        }) || before.len() >= 2 && before[before.len() - 2].is("using");
        if lists_columns {
            return statement_columns(tokens, statement, &open);
        }
    }
    if tokens.iter().any(|t| t.is("where"))
        || first_is("create") && tokens.iter().any(|t| t.is("using"))
    {
        return statement_columns(tokens, statement, &open);
    }
    if last.is("create") && tokens.len() == 1 {
        return Context::Keywords(&[
            "TABLE",
            "INDEX",
            "UNIQUE INDEX",
            "TYPE",
            "DOMAIN",
            "VIEW",
            "FUNCTION",
            "TRIGGER",
            "POLICY",
            "SEQUENCE",
            "EXTENSION",
            "SCHEMA",
        ]);
    }
    if first_is("alter") {
        let after_name = name_before(tokens, tokens.len()).is_some_and(|(_, start)| {
            start > 0
                && ["table", "only", "exists"]
                    .iter()
                    .any(|k| tokens[start - 1].is(k))
        });
        if after_name {
            return Context::Keywords(&[
                "ADD COLUMN",
                "ADD CONSTRAINT",
                "ALTER COLUMN",
                "DROP COLUMN",
                "DROP CONSTRAINT",
                "RENAME COLUMN",
                "RENAME TO",
                "ENABLE ROW LEVEL SECURITY",
            ]);
        }
        let column_words = ["drop", "alter", "rename", "column"];
        if column_words.iter().any(|k| last.is(k))
            || last.is("exists") && previous(3).is_some_and(|t| t.is("drop") || t.is("column"))
        {
            return Context::Columns(statement.map(|(name, _)| name));
        }
        // ADD [COLUMN] [IF NOT EXISTS] name
        let add = tokens.iter().rposition(|t| t.is("add"));
        if let Some(add) = add {
            let mut rest = &tokens[add + 1..];
            while rest
                .first()
                .is_some_and(|t| ["column", "if", "not", "exists"].iter().any(|k| t.is(k)))
            {
                rest = &rest[1..];
            }
            let constraint = rest
                .first()
                .is_some_and(|t| CONSTRAINT_KEYWORDS.iter().any(|k| t.is(k)));
            if rest.len() == 1 && !constraint {
                return Context::Types;
            }
            if rest.len() > 1 && !constraint {
                return column_options(tokens);
            }
        }
        return Context::Nothing;
    }
    Context::Nothing
}

/// Inside a CREATE TABLE's parentheses, depending on how much of the element is written.
fn element(tokens: &[Token], body: usize) -> Context {
    let mut start = body + 1;
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(body + 1) {
        match token {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => depth = depth.saturating_sub(1),
            Token::Punct(',') if depth == 0 => start = i + 1,
            _ => {}
        }
    }
    let written = &tokens[start..];
    match written {
        [] => Context::ElementStart,
        [like] if like.is("like") => Context::Tables { schema: None },
        [first, ..] if CONSTRAINT_KEYWORDS.iter().any(|k| first.is(k)) => Context::Nothing,
        [_] => Context::Types,
        _ => column_options(written),
    }
}

/// After a column's type: its options, or what follows the option word just written.
fn column_options(written: &[Token]) -> Context {
    match written.last() {
        Some(t) if t.is("not") => Context::Keywords(&["NULL"]),
        Some(t) if t.is("default") => Context::Keywords(&[
            "now()",
            "gen_random_uuid()",
            "CURRENT_TIMESTAMP",
            "true",
            "false",
        ]),
        Some(t) if t.is("generated") => {
            Context::Keywords(&["ALWAYS AS IDENTITY", "BY DEFAULT AS IDENTITY", "ALWAYS AS"])
        }
        _ => Context::ColumnOptions,
    }
}

/// The columns of the statement's table: the model's, or those a CREATE TABLE being typed
/// has written so far.
fn statement_columns(tokens: &[Token], statement: Option<(Name, bool)>, open: &[usize]) -> Context {
    match statement {
        Some((name, true)) if !open.is_empty() => {
            Context::WrittenColumns(name, written_columns(tokens, open[0]))
        }
        Some((name, _)) => Context::Columns(Some(name)),
        None => Context::Columns(None),
    }
}

/// The column names and types a CREATE TABLE's body at `body` writes before the cursor.
fn written_columns(tokens: &[Token], body: usize) -> Vec<(String, String)> {
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut element_start = true;
    let mut i = body + 1;
    while i < tokens.len() {
        let token = &tokens[i];
        match token {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => depth = depth.saturating_sub(1),
            Token::Punct(',') if depth == 0 => {
                element_start = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        if element_start && depth == 0 {
            let constraint = CONSTRAINT_KEYWORDS.iter().any(|k| token.is(k));
            if let (false, Some(name)) = (constraint, token.ident()) {
                let ty = match tokens.get(i + 1) {
                    Some(Token::Word(w)) => w.to_lowercase(),
                    _ => String::new(),
                };
                columns.push((name, ty));
            }
        }
        element_start = false;
        i += 1;
    }
    columns
}

/// The statement around the cursor.
struct Sql<'t> {
    before: &'t str,
    after: &'t str,
    base: usize,
}

impl Sql<'_> {
    fn complete(
        &self,
        model: Option<&Model>,
        until: Option<usize>,
        config: CompletionConfig,
        out: &mut Builder,
    ) -> Option<usize> {
        let (tokens, prefix) = tokens(self.before)?;
        let context = match context(&tokens) {
            Context::Nothing | Context::Columns(_) if is_query(&tokens) => {
                let tables = query_tables(&tokens, &tokens_after(self.after));
                match qualifier(&tokens) {
                    // `alias.` or `table.`: that table's columns.
                    Some(written) => tables
                        .into_iter()
                        .find(|(name, alias)| alias.as_ref().unwrap_or(&name.name) == &written)
                        .map_or(Context::Nothing, |(name, _)| Context::Columns(Some(name))),
                    None => Context::QueryColumns(tables),
                }
            }
            context => context,
        };
        sql(context, model, until, config, out);
        Some(self.base + prefix)
    }
}

/// Whether the statement is a query or a data change, or holds a query (a view's).
fn is_query(tokens: &[Token]) -> bool {
    let starts = ["select", "with", "update", "delete", "insert", "explain"];
    tokens
        .first()
        .is_some_and(|t| starts.iter().any(|k| t.is(k)))
        || tokens.iter().any(|t| t.is("select"))
}

/// The name before a `.` just typed.
fn qualifier(tokens: &[Token]) -> Option<String> {
    let [.., name, Token::Punct('.')] = tokens else {
        return None;
    };
    name.ident()
}

/// The tokens of the statement after the cursor, the rest of the word at the cursor dropped;
/// where the text read is cut inside a string or comment, those before it.
fn tokens_after(after: &str) -> Vec<Token> {
    let mut rest = after.trim_start_matches(is_ident_char);
    loop {
        if let Some((tokens, _)) = tokens(&format!("{rest} ")) {
            return tokens;
        }
        let Some(cut) = rest.rfind(['\'', '"', '$', '-', '/']) else {
            return Vec::new();
        };
        rest = &rest[..cut];
    }
}

/// Words that end a table reference in FROM, rather than give it an alias.
const NOT_ALIASES: &[&str] = &[
    "where",
    "join",
    "inner",
    "left",
    "right",
    "full",
    "cross",
    "natural",
    "on",
    "using",
    "set",
    "group",
    "order",
    "limit",
    "offset",
    "having",
    "window",
    "union",
    "except",
    "intersect",
    "returning",
    "for",
    "values",
    "select",
    "default",
    "lateral",
    "only",
];

/// The tables a query names (FROM, JOIN, UPDATE, INSERT INTO, DELETE FROM), with their aliases,
/// before and after the cursor.
fn query_tables(before: &[Token], after: &[Token]) -> Vec<(Name, Option<String>)> {
    let tokens: Vec<&Token> = before.iter().chain(after).collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        // UPDATE names a table where it starts a statement (or follows a WITH query), not in
        // ON UPDATE, BEFORE UPDATE or FOR UPDATE.
        let update = tokens[at].is("update") && (at == 0 || *tokens[at - 1] == Token::Punct(')'));
        let names_table = update || ["from", "join", "into"].iter().any(|k| tokens[at].is(k));
        at += 1;
        if !names_table {
            continue;
        }
        // `FROM a, b`: each table of the list.
        loop {
            while tokens.get(at).is_some_and(|t| t.is("only")) {
                at += 1;
            }
            let Some(first) = tokens.get(at).and_then(|t| t.ident()) else {
                break;
            };
            at += 1;
            let name = if tokens.get(at) == Some(&&Token::Punct('.'))
                && let Some(name) = tokens.get(at + 1).and_then(|t| t.ident())
            {
                at += 2;
                Name {
                    schema: Some(first),
                    name,
                }
            } else {
                Name {
                    schema: None,
                    name: first,
                }
            };
            if tokens.get(at).is_some_and(|t| t.is("as")) {
                at += 1;
            }
            let alias = tokens
                .get(at)
                .filter(|t| !NOT_ALIASES.iter().any(|k| t.is(k)))
                .and_then(|t| t.ident());
            if alias.is_some() {
                at += 1;
            }
            found.push((name, alias));
            if tokens.get(at) != Some(&&Token::Punct(',')) {
                break;
            }
            at += 1;
        }
    }
    found
}

fn sql(
    context: Context,
    model: Option<&Model>,
    until: Option<usize>,
    config: CompletionConfig,
    out: &mut Builder,
) {
    match context {
        Context::Tables { schema } => {
            if let Some(model) = model {
                tables(model, until, schema.as_deref(), out);
            }
        }
        Context::Columns(table) => {
            if let Some(table) = model
                .zip(table.as_ref())
                .and_then(|(m, t)| find_table(m, until, t))
            {
                columns(table, out);
            }
        }
        Context::ReferencedColumns(table) => {
            if let Some(table) = model.and_then(|m| find_table(m, until, &table)) {
                key_columns_first(table, out);
            }
        }
        Context::QueryColumns(tables) => {
            let tables = tables
                .iter()
                .filter_map(|(name, _)| model.and_then(|m| find_table(m, until, name)));
            for table in tables {
                for column in &table.columns {
                    let label = quote_if_needed(&column.name);
                    if out.items.iter().all(|item| item.label != label) {
                        column_item(column, out);
                    }
                }
            }
        }
        Context::WrittenColumns(table, written) => {
            for (name, ty) in &written {
                let item = out.push(0, quote_if_needed(name), CompletionKind::Column);
                item.detail = (!ty.is_empty()).then(|| ty.clone());
            }
            // Those written after the cursor, as the model last read them.
            if let Some(table) = model.and_then(|m| find_table(m, until, &table)) {
                for column in &table.columns {
                    if !written.iter().any(|(name, _)| *name == column.name) {
                        column_item(column, out);
                    }
                }
            }
        }
        Context::Types => sql_types(model, out),
        Context::StatementStart => {
            if config.snippets {
                statement_snippets(out);
            }
            out.keywords(
                1,
                &[
                    "CREATE TABLE",
                    "CREATE INDEX",
                    "CREATE UNIQUE INDEX",
                    "CREATE TYPE",
                    "ALTER TABLE",
                    "COMMENT ON",
                    "DROP TABLE",
                ],
            );
        }
        Context::ElementStart => {
            if config.snippets {
                element_snippets(out);
            }
            out.keywords(
                1,
                &[
                    "CONSTRAINT",
                    "PRIMARY KEY",
                    "UNIQUE",
                    "FOREIGN KEY",
                    "CHECK",
                ],
            );
        }
        Context::ColumnOptions => out.keywords(
            0,
            &[
                "NOT NULL",
                "DEFAULT",
                "PRIMARY KEY",
                "REFERENCES",
                "UNIQUE",
                "CHECK",
                "GENERATED ALWAYS AS IDENTITY",
                "CONSTRAINT",
                "NULL",
            ],
        ),
        Context::Keywords(keywords) => out.keywords(0, keywords),
        Context::Functions => {
            for function in model.iter().flat_map(|m| &m.functions) {
                let name = &function.value.name;
                let label = match &name.schema {
                    Some(schema) => format!(
                        "{}.{}",
                        quote_if_needed(&schema.name),
                        quote_if_needed(&name.name.name)
                    ),
                    None => quote_if_needed(&name.name.name),
                };
                if out.items.iter().all(|item| item.label != label) {
                    out.push(0, label, CompletionKind::Function).detail = function
                        .value
                        .returns
                        .as_ref()
                        .map(|ty| format!("returns {}", type_text(ty)));
                }
            }
        }
        Context::Nothing => {}
    }
}

fn statement_snippets(out: &mut Builder) {
    out.snippet(
        "table with an identity key",
        "CREATE TABLE with id, created_at, updated_at",
        "CREATE TABLE ${1:name} (\n\tid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n\t$0\n\tcreated_at timestamptz NOT NULL DEFAULT now(),\n\tupdated_at timestamptz NOT NULL DEFAULT now()\n);",
    );
    out.snippet(
        "foreign key column with its index",
        "ALTER TABLE ADD COLUMN ... REFERENCES, CREATE INDEX",
        "ALTER TABLE ${1:table} ADD COLUMN ${2:other}_id bigint REFERENCES ${2:other} (id);\nCREATE INDEX ${1:table}_${2:other}_id_idx ON ${1:table} (${2:other}_id);",
    );
}

fn element_snippets(out: &mut Builder) {
    out.snippet(
        "id identity key",
        "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    );
    out.snippet(
        "created_at",
        "timestamptz NOT NULL DEFAULT now()",
        "created_at timestamptz NOT NULL DEFAULT now()",
    );
    out.snippet(
        "updated_at",
        "timestamptz NOT NULL DEFAULT now()",
        "updated_at timestamptz NOT NULL DEFAULT now()",
    );
    out.snippet(
        "foreign key column",
        "bigint NOT NULL REFERENCES ... (id); index it",
        "${1:other}_id bigint NOT NULL REFERENCES ${1:other} (id)",
    );
}

/// In a migration, the order of its file: tables later migrations create do not exist there.
fn migration_order(file: &FileView) -> Option<usize> {
    let model = &file.source.as_ref()?.model;
    let meta = model.file_meta(file.data.id)?;
    meta.is_migration.then_some(meta.order)
}

/// The tables not dropped, and in a migration, those created by it or before it.
fn live_tables(model: &Model, until: Option<usize>) -> impl DoubleEndedIterator<Item = &Table> {
    let created_before = move |table: &Table| {
        until.is_none_or(|until| {
            model
                .file_meta(table.created.file)
                .is_none_or(|meta| meta.order <= until)
        })
    };
    model
        .tables
        .iter()
        .map(std::sync::Arc::as_ref)
        .filter(move |t| !t.dropped && created_before(t))
}

/// The table `name` names: by its name now, else (in a migration before a rename) by a former
/// one.
fn find_table<'m>(model: &'m Model, until: Option<usize>, name: &Name) -> Option<&'m Table> {
    let is = |n: &crate::model::QualifiedName| {
        n.name == name.name && name.schema.as_ref().is_none_or(|s| *s == n.schema)
    };
    live_tables(model, until)
        .rev()
        .find(|t| is(&t.name))
        .or_else(|| {
            live_tables(model, until)
                .rev()
                .find(|t| t.former_names.iter().any(|f| is(&f.name)))
        })
}

fn tables(model: &Model, until: Option<usize>, schema: Option<&str>, out: &mut Builder) {
    for table in live_tables(model, until) {
        if table.language != Language::Sql || schema.is_some_and(|s| s != table.name.schema) {
            continue;
        }
        let name = quote_if_needed(&table.name.name);
        let (tier, label) = match (schema, table.name.schema.as_str()) {
            (Some(_), _) | (None, "public") => (0, name),
            (None, other) => (1, format!("{}.{name}", quote_if_needed(other))),
        };
        let columns = table.columns.len();
        let item = out.push(tier, label, CompletionKind::Table);
        item.detail = Some(format!(
            "table, {columns} column{}",
            if columns == 1 { "" } else { "s" }
        ));
        let names: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .take(12)
            .collect();
        let mut doc = table
            .comment
            .clone()
            .map(|c| c + "\n\n")
            .unwrap_or_default();
        doc.push_str(&format!("`{}`", names.join("`, `")));
        if columns > names.len() {
            doc.push_str(", …");
        }
        item.documentation = Some(doc);
    }
}

fn columns(table: &Table, out: &mut Builder) {
    for column in &table.columns {
        column_item(column, out);
    }
}

/// A foreign key references a primary key or unique columns: the primary key first, then
/// unique columns, then the others.
fn key_columns_first(table: &Table, out: &mut Builder) {
    let rank = |column: &Column| {
        let on = |primary: bool| {
            table.constraints.iter().any(|c| {
                let kind = match c.kind() {
                    ConstraintKind::PrimaryKey { .. } => true,
                    ConstraintKind::Unique { .. } => false,
                    _ => return false,
                };
                kind == primary && c.columns().contains(&column.name.as_str())
            })
        };
        if on(true) {
            0
        } else if on(false) {
            1
        } else {
            2
        }
    };
    for tier in 0..3 {
        for column in table.columns.iter().filter(|c| rank(c) == tier) {
            column_item_in(tier, column, out);
        }
    }
}

fn column_item(column: &Column, out: &mut Builder) {
    column_item_in(0, column, out);
}

fn column_item_in(tier: u8, column: &Column, out: &mut Builder) {
    let item = out.push(tier, quote_if_needed(&column.name), CompletionKind::Column);
    let mut detail = column
        .ty
        .as_ref()
        .map(|t| type_text(&t.value))
        .unwrap_or_default();
    if column.not_null.is_some() {
        detail.push_str(" NOT NULL");
    }
    item.detail = Some(detail.trim().to_string());
    item.documentation = column.comment.clone();
}

/// A type as a person writes it.
fn type_text(ty: &TypeRef) -> String {
    let mut text = match &ty.schema {
        Some(schema) => format!("{schema}.{}", ty.name),
        None => ty.name.clone(),
    };
    if !ty.modifiers.is_empty() {
        text.push_str(&format!("({})", ty.modifiers.join(", ")));
    }
    if ty.time_zone == Some(true) {
        text.push_str(" with time zone");
    }
    text.push_str(&"[]".repeat(ty.array_dims as usize));
    text
}

/// The built-in types a column usually has, first.
const COMMON_TYPES: &[&str] = &[
    "bigint",
    "text",
    "timestamptz",
    "boolean",
    "uuid",
    "jsonb",
    "integer",
    "numeric",
    "date",
    "bytea",
    "smallint",
    "double precision",
    "inet",
    "interval",
];

fn sql_types(model: Option<&Model>, out: &mut Builder) {
    if let Some(model) = model {
        for ty in &model.types {
            let (detail, doc) = match &ty.def.value.definition {
                TypeDefinition::Enum { .. } => {
                    ("enum", Some(format!("`{}`", ty.labels.join("`, `"))))
                }
                TypeDefinition::Composite { attributes } => {
                    let names: Vec<&str> =
                        attributes.iter().map(|a| a.name.name.as_str()).collect();
                    ("composite type", Some(names.join(", ")))
                }
                TypeDefinition::Range => ("range type", None),
                TypeDefinition::Base | TypeDefinition::Shell => ("type", None),
            };
            let item = out.push(
                0,
                qualified_label(&ty.name.schema, &ty.name.name),
                CompletionKind::Enum,
            );
            item.detail = Some(detail.to_string());
            item.documentation = doc;
        }
        for domain in &model.domains {
            let label = qualified_label(&domain.name.schema, &domain.name.name);
            let item = out.push(0, label, CompletionKind::Type);
            item.detail = Some(format!("domain over {}", type_text(&domain.def.value.ty)));
        }
    }
    for name in COMMON_TYPES {
        out.push(1, (*name).to_string(), CompletionKind::Type);
    }
    for name in types::builtin_type_spellings() {
        let skip =
            name.starts_with('_') || types::is_pseudo_type(name) || COMMON_TYPES.contains(&name);
        if skip {
            continue;
        }
        match DISCOURAGED_TYPES
            .iter()
            .find(|(spelling, _)| *spelling == name)
        {
            Some((_, rule)) => {
                let item = out.push(3, name.to_string(), CompletionKind::Type);
                item.detail = Some(format!("flagged by {rule}"));
                item.documentation =
                    Some(format!("`ddlint rules {rule}` says why and what to use"));
            }
            None => {
                out.push(2, name.to_string(), CompletionKind::Type);
            }
        }
    }
}

/// Built-in types a rule of the checklist flags, listed last.
const DISCOURAGED_TYPES: &[(&str, &str)] = &[
    ("timestamp", "timestamp-without-time-zone"),
    ("timestamp without time zone", "timestamp-without-time-zone"),
    ("json", "prefer-jsonb"),
    ("money", "money-type"),
    ("char", "char-type"),
    ("character", "char-type"),
    ("bpchar", "char-type"),
    ("nchar", "char-type"),
    ("national char", "char-type"),
    ("national character", "char-type"),
    ("timetz", "time-with-time-zone"),
    ("time with time zone", "time-with-time-zone"),
    ("serial", "prefer-identity"),
    ("bigserial", "prefer-identity"),
    ("smallserial", "prefer-identity"),
    ("serial2", "prefer-identity"),
    ("serial4", "prefer-identity"),
    ("serial8", "prefer-identity"),
];

fn qualified_label(schema: &str, name: &str) -> String {
    let name = quote_if_needed(name);
    if schema == "public" {
        name
    } else {
        format!("{}.{name}", quote_if_needed(schema))
    }
}

// Prisma

const PRISMA_SCALARS: &[&str] = &[
    "String", "Int", "BigInt", "Boolean", "DateTime", "Decimal", "Float", "Json", "Bytes",
];

/// PostgreSQL's native types by the scalar they map, as `@db.` writes them.
const NATIVE_TYPES: &[(&str, &[&str])] = &[
    (
        "String",
        &[
            "Text",
            "VarChar()",
            "Char()",
            "Uuid",
            "Citext",
            "Inet",
            "Xml",
            "Bit()",
            "VarBit",
        ],
    ),
    (
        "DateTime",
        &[
            "Timestamptz(6)",
            "Timestamp(6)",
            "Date",
            "Time(6)",
            "Timetz(6)",
        ],
    ),
    ("Int", &["Integer", "SmallInt", "Oid"]),
    ("BigInt", &["BigInt"]),
    ("Float", &["DoublePrecision", "Real"]),
    ("Decimal", &["Decimal(65, 30)", "Money"]),
    ("Boolean", &["Boolean"]),
    ("Json", &["JsonB", "Json"]),
    ("Bytes", &["ByteA"]),
];

const FIELD_ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("@id", "@id", "the primary key"),
    (
        "@default",
        "@default($1)",
        "a default value: autoincrement(), now(), uuid(), cuid()...",
    ),
    ("@unique", "@unique", "a unique constraint"),
    (
        "@relation",
        "@relation(fields: [$1], references: [$2])",
        "a foreign key",
    ),
    ("@map", "@map(\"$1\")", "the column's name in the database"),
    (
        "@updatedAt",
        "@updatedAt",
        "set to the current time on every update",
    ),
    ("@ignore", "@ignore", "left out of the client"),
];

const BLOCK_ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("@@id", "@@id([$1])", "a composite primary key"),
    (
        "@@unique",
        "@@unique([$1])",
        "a composite unique constraint",
    ),
    ("@@index", "@@index([$1])", "an index"),
    ("@@map", "@@map(\"$1\")", "the table's name in the database"),
    ("@@schema", "@@schema(\"$1\")", "the table's schema"),
];

fn prisma(text: &str, offset: usize, model: Option<&Model>, out: &mut Builder) -> Option<usize> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    if line.contains("//") {
        return None;
    }
    let block = enclosing_block(&text[..line_start])?;
    let prefix_len = line.len()
        - line
            .trim_end_matches(|c: char| is_ident_char(c) || c == '@' || c == '.')
            .len();
    let (before, prefix) = line.split_at(line.len() - prefix_len);
    let words: Vec<&str> = before.split_whitespace().collect();
    // The field's type, without its list or optional marker.
    let field_type = words.get(1).map(|w| w.trim_end_matches(['?', ']', '[']));
    let start = offset - prefix_len;
    if block.0 != "model" && block.0 != "type" && block.0 != "view" {
        return Some(start);
    }
    if let Some(argument) = prisma_field_list(line) {
        if let Some(model) = model {
            let owner = match argument {
                FieldList::Fields => Some(block.1),
                FieldList::References => field_type.map(String::from),
            };
            if let Some(table) = owner.and_then(|o| model.table_by_prisma_name(&o)) {
                for column in &table.columns {
                    let name = column
                        .prisma_name
                        .clone()
                        .unwrap_or_else(|| column.name.clone());
                    let item = out.push(0, name, CompletionKind::Column);
                    item.detail = column.ty.as_ref().map(|t| t.value.name.clone());
                }
            }
        }
        let after_word = line.len() - line.trim_end_matches(is_ident_char).len();
        return Some(offset - after_word);
    }
    if let Some(attribute) = open_attribute(before) {
        attribute_arguments(attribute, before, field_type, model, out);
        return Some(start);
    }
    if prefix.starts_with("@db.") {
        let scalar = field_type;
        for (owner, natives) in NATIVE_TYPES {
            let tier = if scalar == Some(owner) { 0 } else { 1 };
            if tier == 1 && scalar.is_some_and(|s| PRISMA_SCALARS.contains(&s)) {
                continue;
            }
            for native in *natives {
                let name = native.split('(').next().unwrap_or(native);
                let item = out.push(tier, format!("@db.{name}"), CompletionKind::Attribute);
                item.detail = Some(format!("{owner} as PostgreSQL's {name}"));
                item.insert = Some(format!("@db.{}", native.trim_end_matches("()")));
            }
        }
        return Some(start);
    }
    if prefix.starts_with("@@") || words.is_empty() && prefix.starts_with('@') {
        attributes(BLOCK_ATTRIBUTES, out);
        return Some(start);
    }
    match words.len() {
        1 if !prefix.starts_with('@') => {
            for scalar in PRISMA_SCALARS {
                out.push(1, (*scalar).to_string(), CompletionKind::Type);
            }
            if let Some(model) = model {
                for table in &model.tables {
                    if let Some(name) = &table.prisma_name {
                        let item = out.push(0, name.clone(), CompletionKind::Table);
                        item.detail = Some(format!("model, {} fields", table.columns.len()));
                    }
                }
                for ty in &model.types {
                    if let Some(name) = &ty.def.value.prisma_name {
                        let item = out.push(0, name.clone(), CompletionKind::Enum);
                        item.detail = Some("enum".to_string());
                        item.documentation = Some(ty.labels.join(", "));
                    }
                }
            }
        }
        0 | 1 => {}
        _ => {
            attributes(FIELD_ATTRIBUTES, out);
            out.push(1, "@db.".to_string(), CompletionKind::Attribute)
                .detail = Some("a native PostgreSQL type".to_string());
        }
    }
    Some(start)
}

fn attributes(list: &[(&str, &str, &str)], out: &mut Builder) {
    for (label, insert, doc) in list {
        let item = out.push(0, (*label).to_string(), CompletionKind::Attribute);
        item.detail = Some((*doc).to_string());
        item.insert = Some((*insert).to_string());
        item.snippet = insert.contains('$');
    }
}

/// The attribute whose parentheses `line` ends inside (`@default`, `@relation`).
fn open_attribute(line: &str) -> Option<&str> {
    let mut depth = 0i32;
    for (at, c) in line.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => {
                let before = &line[..at];
                // After the last character that is not part of the name, which may be wider
                // than a byte.
                let name_start = before
                    .char_indices()
                    .rfind(|&(_, c)| !(is_ident_char(c) || c == '@' || c == '.'))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                let name = &before[name_start..];
                return name.starts_with('@').then_some(name);
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn attribute_arguments(
    attribute: &str,
    before: &str,
    field_type: Option<&str>,
    model: Option<&Model>,
    out: &mut Builder,
) {
    let simple = |out: &mut Builder, list: &[(&str, &str)]| {
        for (label, insert) in list {
            let item = out.push(0, (*label).to_string(), CompletionKind::Keyword);
            item.insert = Some((*insert).to_string());
            item.snippet = insert.contains('$');
        }
    };
    match attribute {
        "@default" => {
            let enum_values = model
                .and_then(|m| {
                    m.types
                        .iter()
                        .find(|t| t.def.value.prisma_name.as_deref() == field_type)
                })
                .map(|ty| ty.labels.clone())
                .unwrap_or_default();
            for label in enum_values {
                out.push(0, label, CompletionKind::Enum);
            }
            let functions: &[(&str, &str)] = match field_type {
                Some("Int" | "BigInt") => &[("autoincrement()", "autoincrement()")],
                Some("DateTime") => &[("now()", "now()")],
                Some("String") => &[
                    ("uuid()", "uuid()"),
                    ("cuid()", "cuid()"),
                    ("nanoid()", "nanoid()"),
                ],
                Some("Boolean") => &[("true", "true"), ("false", "false")],
                _ => &[],
            };
            simple(out, functions);
            simple(out, &[("dbgenerated()", "dbgenerated(\"$1\")")]);
        }
        "@relation" => {
            let action = before.trim_end().ends_with("onDelete:")
                || before.trim_end().ends_with("onUpdate:");
            if action {
                let actions = ["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];
                for action in actions {
                    out.push(0, action.to_string(), CompletionKind::Keyword);
                }
            } else {
                simple(
                    out,
                    &[
                        ("fields", "fields: [$1]"),
                        ("references", "references: [$1]"),
                        ("onDelete", "onDelete: "),
                        ("onUpdate", "onUpdate: "),
                        ("name", "name: \"$1\""),
                        ("map", "map: \"$1\""),
                    ],
                );
            }
        }
        _ => {}
    }
}

enum FieldList {
    Fields,
    References,
}

/// Inside `fields: [` or `references: [` of a `@relation(...)` on this line, or the list of a
/// block attribute (`@@index([`).
fn prisma_field_list(line: &str) -> Option<FieldList> {
    let open = line.rfind('[')?;
    if line[open..].contains(']') {
        return None;
    }
    let before = line[..open].trim_end();
    if let Some(attribute) = before.strip_suffix('(') {
        let block = ["@@id", "@@unique", "@@index"];
        return block
            .iter()
            .any(|b| attribute.trim_end().ends_with(b))
            .then_some(FieldList::Fields);
    }
    let before = before.strip_suffix(':')?.trim_end();
    if before.ends_with("references") {
        Some(FieldList::References)
    } else if before.ends_with("fields") {
        Some(FieldList::Fields)
    } else {
        None
    }
}

/// The keyword and name of the block `text` ends inside (`("model", "User")`).
fn enclosing_block(text: &str) -> Option<(&str, String)> {
    for line in text.lines().rev() {
        let line = line.trim();
        if line.starts_with('}') {
            return None;
        }
        if let Some(head) = line.strip_suffix('{') {
            let mut words = head.split_whitespace();
            let keyword = words.next()?;
            let name = words.next()?.to_string();
            return Some((keyword, name));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{CompletionConfig, Completions};
    use crate::ide::fixture::Fixture;

    fn complete(fixture: &str, snippets: bool) -> (Fixture, Option<Completions>) {
        let fixture = Fixture::new(fixture);
        let (file, offset) = fixture.cursor();
        let found = super::completion(file, offset, CompletionConfig { snippets });
        (fixture, found)
    }

    /// The first labels offered, best first.
    #[track_caller]
    fn labels(fixture: &str) -> Vec<String> {
        let (_, found) = complete(fixture, false);
        found
            .map(|c| c.items.into_iter().map(|i| i.label).take(8).collect())
            .unwrap_or_default()
    }

    #[track_caller]
    fn check(fixture: &str, expected: &[&str]) {
        assert_eq!(labels(fixture), expected);
    }

    const SCHEMA: &str = "\
CREATE SCHEMA billing;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN email AS text;
CREATE TABLE users (id bigint PRIMARY KEY, mail email NOT NULL, feeling mood);
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total numeric(10, 2));
";

    fn with(typed: &str) -> String {
        format!("{SCHEMA}{typed}")
    }

    #[test]
    fn migration_sections() {
        // Nothing on goose's marker line: the up section starts after it.
        let up = "-- +goose Up\nCREATE TABLE users (id int);\n";
        assert!(
            complete(&format!("-- +go$0ose Up\n{}", &up[13..]), false)
                .1
                .is_none()
        );
        check(&format!("{up}ALTER TABLE $0"), &["users"]);
        check(&format!("{up}-- +goose Down\nALTER TABLE $0"), &["users"]);
    }

    #[test]
    fn tables_after_the_words_that_name_one() {
        let tables = ["users", "billing.invoices"];
        check(&with("CREATE TABLE posts (a bigint REFERENCES $0"), &tables);
        check(&with("CREATE INDEX ON $0"), &tables);
        check(&with("ALTER TABLE $0"), &tables);
        check(&with("ALTER TABLE ONLY us$0"), &["users"]);
        check(&with("SELECT 1 FROM $0"), &tables);
        check(&with("INSERT INTO inv$0"), &["billing.invoices"]);
        check(&with("ALTER TABLE billing.$0"), &["invoices"]);
        check(&with("CREATE TABLE p2 PARTITION OF u$0"), &["users"]);
        check(&with("CREATE TABLE p2 (LIKE u$0"), &["users"]);
        check(&with("CREATE TABLE p2 (a int) INHERITS (u$0"), &["users"]);
        check(&with("CREATE INDEX ON users USING g$0"), &["gin", "gist"]);
        check(
            &with(
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE sql AS 'x';\nCREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION $0",
            ),
            &["touch"],
        );
        // Not a table: the events of a trigger, the commands of a policy.
        check(&with("CREATE TRIGGER t BEFORE UPDATE $0"), &[]);
        check(&with("CREATE IN$0"), &["INDEX", "UNIQUE INDEX"]);
        check(
            &with("ALTER TABLE users AD$0"),
            &["ADD COLUMN", "ADD CONSTRAINT"],
        );
        check(&with("CREATE POLICY p ON users FOR UPDATE $0"), &[]);
        // A new table's name is not completed.
        check(&with("CREATE TABLE $0"), &[]);
        check(
            &with("CREATE TABLE posts (a bigint REFERENCES users ON $0"),
            &["DELETE", "UPDATE"],
        );
    }

    #[test]
    fn columns_of_the_right_table_in_column_lists() {
        let users = ["id", "mail", "feeling"];
        check(&with("CREATE INDEX users_mail ON users ($0"), &users);
        check(
            &with("CREATE INDEX ON users USING btree (lower(m$0"),
            &["mail"],
        );
        check(
            &with("CREATE TABLE p (u bigint REFERENCES billing.invoices ($0"),
            &["id", "total"],
        );
        check(
            &with("ALTER TABLE users ADD CONSTRAINT u UNIQUE ($0"),
            &users,
        );
        check(&with("ALTER TABLE users ADD FOREIGN KEY ($0"), &users);
        check(&with("ALTER TABLE users DROP COLUMN $0"), &users);
        check(&with("ALTER TABLE users ALTER COLUMN fe$0"), &["feeling"]);
        check(&with("CREATE INDEX ON users (id) WHERE $0"), &users);
        check(
            &with("CREATE POLICY own ON users USING (id = 1 AND $0"),
            &users,
        );
        // The CREATE TABLE being typed: its columns so far.
        check(
            &with("CREATE TABLE posts (\n  id bigint,\n  title text,\n  CHECK (length($0"),
            &["id", "title"],
        );
        check(&with("COMMENT ON COLUMN users.$0"), &users);
        check(
            &with("CREATE VIEW v AS SELECT id FROM users WHERE $0"),
            &users,
        );
    }

    #[test]
    fn a_foreign_key_lists_the_referenced_tables_keys_first() {
        let schema = "\
CREATE TABLE \"Größe\" (note text, \"maß\" int UNIQUE, id bigint PRIMARY KEY);
";
        let keys = ["id", "\"maß\"", "note"];
        check(
            &format!("{schema}CREATE TABLE p (g bigint REFERENCES \"Größe\" ($0"),
            &keys,
        );
        check(
            &format!("{schema}CREATE TABLE p (g bigint, FOREIGN KEY (g) REFERENCES \"Größe\" ($0"),
            &keys,
        );
        check(
            &format!(
                "{schema}ALTER TABLE \"Größe\" ADD FOREIGN KEY (note) REFERENCES \"Größe\" ($0"
            ),
            &keys,
        );
        // The foreign key's own columns are the statement's table's.
        check(
            &with("ALTER TABLE users ADD FOREIGN KEY ($0) REFERENCES billing.invoices (id)"),
            &["id", "mail", "feeling"],
        );
    }

    #[test]
    fn queries_list_the_columns_of_the_tables_they_name() {
        let users = ["id", "mail", "feeling"];
        check(&with("SELECT $0 FROM users"), &users);
        check(&with("SELECT m$0 FROM users WHERE id = 1"), &["mail"]);
        check(&with("SELECT * FROM users WHERE $0"), &users);
        check(&with("UPDATE users SET $0"), &users);
        check(&with("UPDATE users SET mail = 'x' WHERE f$0"), &["feeling"]);
        check(&with("DELETE FROM users WHERE $0"), &users);
        check(&with("INSERT INTO users ($0"), &users);
        // Every table of a join, each column once, and a table through its alias.
        check(
            &with("SELECT $0 FROM users u JOIN billing.invoices AS i ON i.id = u.id"),
            &["id", "mail", "feeling", "total"],
        );
        check(
            &with("SELECT i.$0 FROM users u JOIN billing.invoices AS i ON i.id = u.id"),
            &["id", "total"],
        );
        check(
            &with("SELECT u.$0 FROM users AS u, billing.invoices"),
            &users,
        );
        check(&with("SELECT users.f$0 FROM users"), &["feeling"]);
        check(
            &with("WITH recent AS (SELECT 1) UPDATE users SET $0"),
            &users,
        );
        // Not queries: a foreign key's actions, a trigger's events.
        check(
            &with(
                "ALTER TABLE users ADD FOREIGN KEY (id) REFERENCES billing.invoices ON UPDATE CASCADE, ADD UNIQUE ($0",
            ),
            &users,
        );
        check(&with("CREATE TRIGGER t BEFORE UPDATE OF $0"), &[]);
        // Tables where a table comes.
        check(&with("SELECT id FROM $0"), &["users", "billing.invoices"]);
        // A data migration sees the tables of the migrations before it.
        let folder = "\
//- db/001_users.sql
CREATE TABLE \"Größe\" (id bigint PRIMARY KEY, \"maß\" int);
//- db/002_backfill.sql
UPDATE \"Größe\" SET m$0 = 0 WHERE id > 0;
";
        check(folder, &["\"maß\""]);
        // A long statement after the cursor, cut inside a character.
        let long = format!("SELECT $0 FROM users WHERE mail = '{}';", "ü".repeat(3000));
        check(&with(&long), &users);
        // A migration before a rename names the table as it was then.
        let renamed = "\
//- db/001_users.sql
CREATE TABLE customers (id bigint PRIMARY KEY, \"maß\" int);
//- db/002_index.sql
CREATE INDEX ON customers ($0
//- db/003_rename.sql
ALTER TABLE customers RENAME TO clients;
";
        check(renamed, &["id", "\"maß\""]);
    }

    #[test]
    fn types_after_a_column_name() {
        let (_, found) = complete(&with("CREATE TABLE posts (\n  id bigint,\n  at $0"), false);
        let found = found.expect("completions");
        let labels: Vec<&str> = found.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(
            labels[..5],
            ["mood", "email", "bigint", "text", "timestamptz"]
        );
        assert!(labels.contains(&"varchar"));
        assert!(!labels.contains(&"trigger") && !labels.contains(&"_int4"));
        assert_eq!(found.items[0].documentation.as_deref(), Some("`ok`, `sad`"));
        assert_eq!(found.items[1].detail.as_deref(), Some("domain over text"));
        check(
            &with("ALTER TABLE users ADD COLUMN born da$0"),
            &["date", "datemultirange", "daterange", "decimal"],
        );
        check(
            &with("ALTER TABLE users ALTER COLUMN id TYPE mo$0"),
            &["mood", "money"],
        );
        check(
            &with("ALTER TABLE users ALTER COLUMN id SET DATA TYPE mo$0"),
            &["mood", "money"],
        );
        check(&with("CREATE TABLE posts (id bigint NOT $0"), &["NULL"]);
        check(
            &with("ALTER TABLE users ADD COLUMN at timestamptz NOT NULL DEFAULT $0"),
            &[
                "now()",
                "gen_random_uuid()",
                "CURRENT_TIMESTAMP",
                "true",
                "false",
            ],
        );
        check(
            &with("CREATE TABLE posts (id bigint GENERATED $0"),
            &["ALWAYS AS IDENTITY", "BY DEFAULT AS IDENTITY", "ALWAYS AS"],
        );
        // After the type: the column's options.
        check(
            &with("CREATE TABLE posts (id bigint NOT NULL, a text $0"),
            &[
                "NOT NULL",
                "DEFAULT",
                "PRIMARY KEY",
                "REFERENCES",
                "UNIQUE",
                "CHECK",
                "GENERATED ALWAYS AS IDENTITY",
                "CONSTRAINT",
            ],
        );
    }

    #[test]
    fn details_say_what_a_table_and_a_column_are() {
        let (_, found) = complete(&with("ALTER TABLE users ALTER COLUMN $0"), false);
        let items = found.expect("completions").items;
        assert_eq!(items[1].detail.as_deref(), Some("email NOT NULL"));
        let (_, found) = complete(&with("ALTER TABLE $0"), false);
        let items = found.expect("completions").items;
        assert_eq!(items[0].detail.as_deref(), Some("table, 3 columns"));
        assert_eq!(
            items[0].documentation.as_deref(),
            Some("`id`, `mail`, `feeling`")
        );
    }

    #[test]
    fn checklist_snippets_only_for_clients_that_expand_them() {
        let start = with("$0");
        let (_, plain) = complete(&start, false);
        let plain = plain.expect("completions");
        assert!(plain.items.iter().all(|i| !i.snippet));
        assert_eq!(plain.items[0].label, "CREATE TABLE");
        let (_, snippets) = complete(&start, true);
        let first = &snippets.expect("completions").items[0];
        assert!(first.snippet);
        let body = first.insert.as_deref().unwrap_or_default();
        assert!(body.contains("id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"));
        assert!(body.contains("created_at timestamptz NOT NULL DEFAULT now()"));
        let (_, element) = complete(&with("CREATE TABLE posts (\n  id bigint,\n  $0"), true);
        let labels: Vec<String> = element
            .expect("completions")
            .items
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert_eq!(
            labels[..4],
            [
                "id identity key",
                "created_at",
                "updated_at",
                "foreign key column"
            ]
        );
        assert_eq!(labels[4], "CONSTRAINT");
    }

    #[test]
    fn the_prefix_is_replaced_and_strings_and_comments_get_nothing() {
        let (fixture, found) = complete(&with("CREATE INDEX ON users (fee$0"), false);
        let found = found.expect("completions");
        let (file, _) = fixture.cursor();
        assert_eq!(file.data.slice(found.range), "fee");
        check(&with("COMMENT ON TABLE users IS 'us$0"), &[]);
        check(&with("-- REFERENCES $0"), &[]);
        check(
            &with("CREATE INDEX ON users (id); -- x\nALTER TABLE $0"),
            &["users", "billing.invoices"],
        );
    }

    #[test]
    fn a_quote_left_open_on_an_earlier_line_gets_nothing() {
        // Clients accept no completion that replaces text across lines.
        for line_end in ["\n", "\r\n", "\r"] {
            let typed = format!("ALTER TABLE t\" TIMESTAMP(3);{line_end}IMES$0");
            let (_, found) = complete(&with(&typed), false);
            assert!(found.is_none(), "{:?}", found.map(|f| f.range));
        }
    }

    #[test]
    fn non_ascii_names_quoted_and_crlf() {
        let fixture = "CREATE TABLE \"Größe\" (\"Maß\" bigint PRIMARY KEY, \"Wert\" text);\r\n\r\nCREATE INDEX ON \"Größe\" (\"M$0";
        let (fixture, found) = complete(fixture, false);
        let found = found.expect("completions");
        let labels: Vec<&str> = found.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["\"Maß\""]);
        let (file, _) = fixture.cursor();
        assert_eq!(file.data.slice(found.range), "\"M");
        check(
            "CREATE TABLE \"Größe\" (a int);\r\nALTER TABLE Gr$0",
            &["\"Größe\""],
        );
    }

    #[test]
    fn incomplete_statements_before_complete_ones() {
        // The statement being typed runs into the next one; the tree has errors there.
        let fixture = with(
            "CREATE TABLE posts (author bigint REFERENCES $0\nCREATE TABLE tags (id bigint);\n",
        );
        check(&fixture, &["users", "tags", "billing.invoices"]);
        let fixture = with("CREATE INDEX ON users ($0\n\nCREATE TABLE tags (id bigint);\n");
        check(&fixture, &["id", "mail", "feeling"]);
    }

    #[test]
    fn a_migration_sees_the_tables_of_the_migrations_before_it() {
        let folder = "\
//- db/001_users.sql
CREATE TABLE users (id bigint PRIMARY KEY);
//- db/002_posts.sql
CREATE TABLE posts (id bigint PRIMARY KEY, author bigint REFERENCES $0);
//- db/003_tags.sql
CREATE TABLE tags (id bigint PRIMARY KEY);
";
        check(folder, &["users", "posts"]);
    }

    #[test]
    fn every_offset_of_odd_text_answers_without_panicking() {
        let text = "CREATE TABLE \"a\"\"b\" (x int DEFAULT 'it''s', y text CHECK (y <> $$;$$));\r\n\
                    /* note */ CREATE INDEX ON \"a\"\"b\" (x) -- trailing\nWHERE x > $1 AND \"Größe";
        let fixture = Fixture::new(&format!("{text}$0"));
        let (file, _) = fixture.cursor();
        for offset in 0..=text.len() as u32 {
            for snippets in [false, true] {
                let _ = super::completion(file, offset, CompletionConfig { snippets });
            }
        }
        let prisma = Fixture::new(
            "//- prisma/schema.prisma\nmodel A {\n  id Int @id @default(autoincrement(\n  b  String[] @db.\n  @@index([\n}\n$0",
        );
        let (file, _) = prisma.cursor();
        for offset in 0..=file.data.text.len() as u32 {
            let _ = super::completion(file, offset, CompletionConfig::default());
        }
    }

    const PRISMA: &str = "\
//- prisma/schema.prisma
model User {
  id    Int    @id
  posts Post[]
  mood  Mood
}

enum Mood {
  OK
}

model Post {
  id       Int  @id
  authorId Int
  $0
}
";

    fn prisma(line: &str) -> Vec<String> {
        labels(&PRISMA.replace("$0", line))
    }

    #[test]
    fn attribute_after_a_wide_character() {
        assert_eq!(
            super::open_attribute("  name String\u{fffd}@default("),
            Some("@default")
        );
        assert_eq!(
            super::open_attribute("  author User →@relation(fields: ["),
            Some("@relation")
        );
        assert_eq!(
            super::open_attribute("  name String @default(now()) "),
            None
        );
    }

    #[test]
    fn prisma_types_attributes_and_native_types() {
        assert_eq!(prisma("author $0")[..3], ["User", "Post", "Mood"]);
        assert_eq!(prisma("author $0")[3], "String");
        assert_eq!(
            prisma("title String @db.$0"),
            [
                "@db.Text",
                "@db.VarChar",
                "@db.Char",
                "@db.Uuid",
                "@db.Citext",
                "@db.Inet",
                "@db.Xml",
                "@db.Bit",
            ]
        );
        assert_eq!(
            prisma("at DateTime @db.Tz$0"),
            ["@db.Timestamptz", "@db.Timetz"]
        );
        assert_eq!(prisma("at DateTime @up$0"), ["@updatedAt"]);
        assert_eq!(prisma("at DateTime @de$0"), ["@default"]);
        assert_eq!(prisma("@@in$0"), ["@@index"]);
        assert_eq!(
            prisma("author User @relation(fields: [$0"),
            ["id", "authorId"]
        );
        assert_eq!(
            prisma("author User @relation(fields: [authorId], references: [$0"),
            ["id", "mood"]
        );
        assert_eq!(
            prisma("at DateTime @default($0"),
            ["now()", "dbgenerated()"]
        );
        assert_eq!(prisma("mood Mood @default($0"), ["OK", "dbgenerated()"]);
        assert_eq!(
            prisma("author User @relation(fields: [authorId], references: [id], onDelete: $0"),
            ["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"]
        );
        assert_eq!(
            prisma("author User @relation($0"),
            [
                "fields",
                "references",
                "onDelete",
                "onUpdate",
                "name",
                "map"
            ]
        );
        let split = "\
//- prisma/schema/user.prisma
model User {
  id Int @id
}
//- prisma/schema/post.prisma
model Post {
  id     Int @id
  author Us$0
}
//- prisma/schema/base.prisma
datasource db {
  provider = \"postgresql\"
  url      = env(\"DATABASE_URL\")
}
";
        assert_eq!(labels(split), ["User"]);
        // A field's name is new.
        assert_eq!(prisma("auth$0"), Vec::<String>::new());
    }
}
