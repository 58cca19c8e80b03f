//! Semantic tokens: the grammar's highlights, with names the schema knows given their kind
//! (a table, a column, a type, a function), so that SQL and Prisma highlight in every editor,
//! VS Code included, which has no grammar of its own for them here.

use crate::ide::names::{What, for_each_mention};
use crate::syntax::highlight::for_each_highlight;
use crate::text::TextRange;
use crate::workspace::host::FileView;

/// Token kinds, in the order of the legend the server announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Keyword,
    Type,
    String,
    Comment,
    Number,
    Operator,
    Function,
    Variable,
    Property,
    Parameter,
    /// A table, view or sequence.
    Class,
    /// A constant (`NULL`, `true`, an enum label).
    EnumMember,
    /// A Prisma attribute.
    Decorator,
}

impl TokenKind {
    /// The LSP names, in legend order.
    pub const LEGEND: [&'static str; 13] = [
        "keyword",
        "type",
        "string",
        "comment",
        "number",
        "operator",
        "function",
        "variable",
        "property",
        "parameter",
        "class",
        "enumMember",
        "decorator",
    ];

    pub fn index(self) -> u32 {
        self as u32
    }

    fn of_capture(capture: &str) -> Option<TokenKind> {
        let base = capture.split('.').next().unwrap_or(capture);
        Some(match (base, capture) {
            (_, "variable.parameter") => TokenKind::Parameter,
            (_, "variable.other.member") => TokenKind::Property,
            (_, "comment.documentation") => TokenKind::Comment,
            (_, "constant.builtin" | "constant.builtin.boolean") => TokenKind::Keyword,
            ("keyword", _) => TokenKind::Keyword,
            ("type", _) => TokenKind::Type,
            ("string", _) => TokenKind::String,
            ("comment", _) => TokenKind::Comment,
            ("number", _) => TokenKind::Number,
            ("operator", _) => TokenKind::Operator,
            ("function", _) => TokenKind::Function,
            ("variable", _) => TokenKind::Variable,
            ("property", _) => TokenKind::Property,
            ("constant", _) => TokenKind::EnumMember,
            ("attribute", _) => TokenKind::Decorator,
            _ => return None,
        })
    }
}

/// A token: a range of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: TextRange,
    pub kind: TokenKind,
}

/// Ranges from this size up have their names collected on a thread of their own while the
/// grammar's highlights are found.
const NAMES_APART_FROM: u32 = 256 * 1024;

/// The tokens of `file` within `range`, in text order, without overlaps.
pub fn semantic_tokens(file: &FileView, range: TextRange) -> Vec<Token> {
    let data = &file.data;
    let grammar_tokens = || {
        let mut kinds = CaptureKinds::default();
        let mut tokens = Vec::new();
        for_each_highlight(&data.syntax, data.language, &data.text, range, |h| {
            if let Some(kind) = kinds.of(h.capture) {
                tokens.push(Token {
                    range: h.range,
                    kind,
                });
            }
        });
        tokens
    };
    let (tokens, named) = if range.len() >= NAMES_APART_FROM {
        std::thread::scope(|scope| {
            let names = scope.spawn(|| named_tokens(file, range));
            let tokens = grammar_tokens();
            let named = names
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (tokens, named)
        })
    } else {
        (grammar_tokens(), named_tokens(file, range))
    };
    if named.is_empty() {
        return tokens;
    }
    // Both lists are in text order without overlaps: one merge, the grammar's tokens that a
    // name covers left out.
    let mut merged = Vec::with_capacity(tokens.len() + named.len());
    let mut named = named.into_iter().peekable();
    for token in tokens {
        while let Some(name) = named.next_if(|n| n.range.end() <= token.range.start()) {
            merged.push(name);
        }
        if named
            .peek()
            .is_none_or(|n| !n.range.intersects(token.range))
        {
            merged.push(token);
        }
    }
    merged.extend(named);
    merged
}

/// Names the statements write, by what they name, in text order without overlaps: these
/// replace the grammar's guess.
fn named_tokens(file: &FileView, range: TextRange) -> Vec<Token> {
    let mut named: Vec<Token> = Vec::new();
    for statement in file.data.statements.iter() {
        let statement_range = statement.range();
        if statement_range.end() < range.start() || statement_range.start() > range.end() {
            continue;
        }
        for_each_mention(statement, &mut |mention| {
            let kind = match mention.what {
                What::Table(_) | What::Relation(_) => TokenKind::Class,
                What::Column(..) => TokenKind::Property,
                What::TypeUse(_) | What::TypeName(_) | What::DomainName(_) => TokenKind::Type,
                What::Function(_) => TokenKind::Function,
                _ => TokenKind::Variable,
            };
            let absolute = statement.absolute(mention.range);
            if range.contains_range(absolute) && !absolute.is_empty() {
                named.push(Token {
                    range: absolute,
                    kind,
                });
            }
        });
    }
    named.sort_by_key(|t| t.range.start());
    named.dedup_by(|b, a| a.range.intersects(b.range));
    named
}

/// The token kind of each capture name met so far: a file has hundreds of thousands of
/// highlights and a grammar a few dozen capture names, which are `'static` and so compared by
/// address.
#[derive(Default)]
struct CaptureKinds {
    known: Vec<(&'static str, Option<TokenKind>)>,
}

impl CaptureKinds {
    fn of(&mut self, capture: &'static str) -> Option<TokenKind> {
        if let Some((_, kind)) = self
            .known
            .iter()
            .find(|(name, _)| std::ptr::eq(*name, capture))
        {
            return *kind;
        }
        let kind = TokenKind::of_capture(capture);
        self.known.push((capture, kind));
        kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    #[test]
    fn names_get_the_kind_of_what_they_name() {
        let fixture = Fixture::new(
            "CREATE TYPE mood AS ENUM ('ok');\n\
             CREATE TABLE people (id bigint PRIMARY KEY, feeling mood, boss bigint REFERENCES people (id));\n\
             CREATE INDEX people_boss_idx ON people (boss);\n",
        );
        let file = fixture.file("schema.sql");
        let whole = TextRange::new(0, file.data.text.len() as u32);
        let tokens = semantic_tokens(file, whole);
        let text = &file.data.text;
        let of = |word: &str, nth: usize| {
            let start = text.match_indices(word).nth(nth).unwrap().0 as u32;
            tokens
                .iter()
                .find(|t| t.range.start() == start)
                .map(|t| t.kind)
        };
        assert_eq!(of("people", 0), Some(TokenKind::Class));
        assert_eq!(of("people", 1), Some(TokenKind::Class));
        assert_eq!(of("feeling", 0), Some(TokenKind::Property));
        assert_eq!(of("mood", 1), Some(TokenKind::Type));
        assert_eq!(of("CREATE", 0), Some(TokenKind::Keyword));
        assert_eq!(of("'ok'", 0), Some(TokenKind::String));
        assert!(
            tokens
                .windows(2)
                .all(|w| w[0].range.end() <= w[1].range.start())
        );
    }
}
