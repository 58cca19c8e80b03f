//! A tolerant reader of one `erDiagram`: statements it does not understand are skipped, never
//! reported, and every token keeps its range in the document.

use super::{Attribute, Card, Cardinality, Entity, ErDiagram, Relationship, Token};
use crate::text::TextRange;

/// Statements that draw nothing the schema could contradict.
const IGNORED_STATEMENTS: &[&str] = &[
    "direction",
    "title",
    "acctitle",
    "accdescr",
    "style",
    "classdef",
    "class",
];

/// The word forms of the cardinalities, longest first so that `one or more` wins over `1`.
const WORD_CARDINALITIES: &[(&str, Cardinality)] = &[
    ("zero or more", Cardinality::ZeroOrMore),
    ("zero or many", Cardinality::ZeroOrMore),
    ("one or more", Cardinality::OneOrMore),
    ("one or many", Cardinality::OneOrMore),
    ("zero or one", Cardinality::ZeroOrOne),
    ("one or zero", Cardinality::ZeroOrOne),
    ("only one", Cardinality::ExactlyOne),
    ("many(0)", Cardinality::ZeroOrMore),
    ("many(1)", Cardinality::OneOrMore),
    ("0+", Cardinality::ZeroOrMore),
    ("1+", Cardinality::OneOrMore),
    ("1", Cardinality::ExactlyOne),
];

pub(super) fn parse(text: &str, base: u32) -> ErDiagram {
    let mut parser = Parser {
        text,
        pos: 0,
        base,
        diagram: ErDiagram {
            text: text.to_string(),
            base,
            header: None,
            direction: None,
            entities: Vec::new(),
            relationships: Vec::new(),
        },
    };
    parser.run();
    parser.diagram
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
    base: u32,
    diagram: ErDiagram,
}

impl Parser<'_> {
    fn run(&mut self) {
        loop {
            self.skip_blank(true);
            let Some(c) = self.peek() else { return };
            let start = self.pos;
            if self.diagram.header.is_none()
                && self.at_line_start(start)
                && self.rest().starts_with("---")
            {
                self.skip_front_matter();
                continue;
            }
            if c == ';' {
                self.pos += 1;
                continue;
            }
            self.statement();
            if self.pos == start {
                // Nothing understood: move on to the next line.
                self.skip_line();
            }
        }
    }

    fn statement(&mut self) {
        let start = self.pos;
        let word = self.plain_word();
        let lower = word.to_ascii_lowercase();
        if self.diagram.header.is_none() {
            if lower == "erdiagram" {
                self.diagram.header = Some(self.range(start, self.pos));
            } else {
                // Another kind of diagram: nothing here is an entity.
                self.pos = self.text.len();
            }
            return;
        }
        let whole_word = self
            .peek()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ':' | '{'));
        if whole_word && IGNORED_STATEMENTS.contains(&lower.as_str()) {
            let line_end = self.line_end();
            if lower == "direction" {
                self.diagram.direction = Some(self.range(start, line_end));
            }
            let braced =
                lower == "accdescr" && self.text[self.pos..line_end].trim_start().starts_with('{');
            self.pos = line_end;
            if braced {
                self.pos = self.text[self.pos..]
                    .find('}')
                    .map_or(self.text.len(), |at| self.pos + at + 1);
            }
            return;
        }
        self.pos = start;
        let Some(name) = self.entity_ref() else {
            return;
        };
        let entity = self.mention(&name);
        self.skip_spaces();
        if self.peek() == Some('[') {
            self.alias(entity);
            self.skip_spaces();
        }
        if self.rest().starts_with(":::") {
            self.pos += 3;
            self.plain_word();
            self.skip_spaces();
        }
        if self.peek() == Some('{') {
            self.pos += 1;
            self.block(entity);
            return;
        }
        if let Some(relationship) = self.relationship(start, name) {
            self.diagram.relationships.push(relationship);
        }
    }

    /// `NAME[Label]` or `NAME["Label"]`: the label Mermaid shows for the entity.
    fn alias(&mut self, entity: usize) {
        let open = self.pos;
        self.pos += 1;
        let line_end = self.line_end();
        let Some(close) = self.text[self.pos..line_end]
            .find(']')
            .map(|at| self.pos + at)
        else {
            self.pos = line_end;
            return;
        };
        let inner = &self.text[self.pos..close];
        let trimmed = inner.trim().trim_matches('"');
        let token = Token {
            text: trimmed.to_string(),
            range: self.range(open + 1, close),
        };
        self.pos = close + 1;
        if self.diagram.entities[entity].alias.is_none() {
            self.diagram.entities[entity].alias = Some(token);
        }
    }

    /// The attributes between `{` and `}`.
    fn block(&mut self, entity: usize) {
        let open = self.pos - 1;
        loop {
            self.skip_blank(true);
            let Some(c) = self.peek() else { break };
            if c == '}' {
                self.pos += 1;
                let body = self.range(open, self.pos);
                self.diagram.entities[entity].body.get_or_insert(body);
                return;
            }
            let start = self.pos;
            let Some(ty) = self.attribute_word() else {
                self.pos += c.len_utf8();
                continue;
            };
            self.skip_spaces();
            let Some(name) = self.attribute_word() else {
                continue;
            };
            let mut end = self.pos;
            let mut keys = Vec::new();
            loop {
                let before = self.pos;
                while matches!(self.peek(), Some(' ' | '\t' | ',')) {
                    self.pos += 1;
                }
                let key_start = self.pos;
                let key: String = self
                    .rest()
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .collect();
                let after = self.rest()[key.len()..].chars().next();
                let is_key = matches!(key.to_ascii_uppercase().as_str(), "PK" | "FK" | "UK")
                    && after.is_none_or(|c| c.is_whitespace() || matches!(c, ',' | '"' | '}'));
                if !is_key {
                    self.pos = before;
                    break;
                }
                self.pos = key_start + key.len();
                end = self.pos;
                keys.push(Token {
                    text: key.to_ascii_uppercase(),
                    range: self.range(key_start, self.pos),
                });
            }
            self.skip_spaces();
            let comment = if self.peek() == Some('"') {
                let token = self.quoted();
                end = self.pos;
                Some(token)
            } else {
                None
            };
            let attribute = Attribute {
                ty,
                name,
                keys,
                comment,
                range: self.range(start, end),
            };
            self.diagram.entities[entity].attributes.push(attribute);
        }
        // An unterminated block: what was read counts, without a body to insert into.
    }

    /// `A ||--o{ B : label`, `A only one to zero or more B : "label"`; `None` when no
    /// cardinalities follow `left`, or no second entity follows them (then the line is skipped).
    fn relationship(&mut self, statement: usize, left: Token) -> Option<Relationship> {
        let start = self.pos;
        let parsed = self.symbol_cardinalities().or_else(|| {
            self.pos = start;
            self.word_cardinalities()
        });
        let Some((left_card, identifying, line, right_card)) = parsed else {
            self.pos = start;
            return None;
        };
        self.skip_spaces();
        let Some(right) = self.entity_ref() else {
            self.skip_line();
            return None;
        };
        self.mention(&right);
        let mut end = self.pos;
        self.skip_spaces();
        let mut label = None;
        if self.peek() == Some(':') {
            self.pos += 1;
            self.skip_spaces();
            if self.peek() == Some('"') {
                label = Some(self.quoted());
            } else {
                let line_end = self.line_end();
                let rest = &self.text[self.pos..line_end];
                let text = rest.split("%%").next().unwrap_or("").trim_end();
                if !text.is_empty() {
                    label = Some(Token {
                        text: text.to_string(),
                        range: self.range(self.pos, self.pos + text.len()),
                    });
                }
                self.pos += text.len();
            }
            end = self.pos;
        }
        Some(Relationship {
            range: self.range(statement, end),
            left,
            left_card,
            identifying,
            line,
            right_card,
            right,
            label,
        })
    }

    fn symbol_cardinalities(&mut self) -> Option<(Card, bool, TextRange, Card)> {
        let left = self.symbol_cardinality()?;
        let line_start = self.pos;
        let identifying = match self.rest().get(..2)? {
            "--" => true,
            ".." | ".-" | "-." => false,
            _ => return None,
        };
        self.pos += 2;
        let line = self.range(line_start, self.pos);
        let right = self.symbol_cardinality()?;
        Some((left, identifying, line, right))
    }

    fn symbol_cardinality(&mut self) -> Option<Card> {
        let kind = match self.rest().get(..2)? {
            "|o" | "o|" => Cardinality::ZeroOrOne,
            "||" => Cardinality::ExactlyOne,
            "}o" | "o{" => Cardinality::ZeroOrMore,
            "}|" | "|{" => Cardinality::OneOrMore,
            _ => return None,
        };
        let start = self.pos;
        self.pos += 2;
        Some(Card {
            kind,
            range: self.range(start, self.pos),
            words: false,
        })
    }

    fn word_cardinalities(&mut self) -> Option<(Card, bool, TextRange, Card)> {
        let left = self.word_cardinality()?;
        self.skip_spaces();
        let line_start = self.pos;
        let identifying = if self.eat_words("to") {
            true
        } else if self.eat_words("optionally to") {
            false
        } else {
            return None;
        };
        let line = self.range(line_start, self.pos);
        self.skip_spaces();
        let right = self.word_cardinality()?;
        Some((left, identifying, line, right))
    }

    fn word_cardinality(&mut self) -> Option<Card> {
        let start = self.pos;
        let kind = WORD_CARDINALITIES
            .iter()
            .find(|(words, _)| self.eat_words(words))
            .map(|(_, kind)| *kind)?;
        Some(Card {
            kind,
            range: self.range(start, self.pos),
            words: true,
        })
    }

    /// Consumes `words` (case-insensitive, single spaces standing for any run of spaces) when
    /// they end at a word boundary.
    fn eat_words(&mut self, words: &str) -> bool {
        let start = self.pos;
        for (i, word) in words.split(' ').enumerate() {
            if i > 0 {
                let before = self.pos;
                self.skip_spaces();
                if self.pos == before {
                    self.pos = start;
                    return false;
                }
            }
            let matched = self
                .rest()
                .get(..word.len())
                .is_some_and(|got| got.eq_ignore_ascii_case(word));
            if !matched {
                self.pos = start;
                return false;
            }
            self.pos += word.len();
        }
        if self.peek().is_some_and(|c| !c.is_whitespace()) {
            self.pos = start;
            return false;
        }
        true
    }

    /// An entity name: `"quoted"` or a run of characters that are not syntax.
    fn entity_ref(&mut self) -> Option<Token> {
        if self.peek() == Some('"') {
            let token = self.quoted();
            return (!token.text.is_empty()).then_some(token);
        }
        let start = self.pos;
        let len: usize = self
            .rest()
            .chars()
            .take_while(|&c| {
                !c.is_whitespace()
                    && !matches!(c, '{' | '}' | '[' | ']' | ':' | '"' | '|' | ';' | '%')
            })
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            return None;
        }
        self.pos += len;
        Some(Token {
            text: self.text[start..self.pos].to_string(),
            range: self.range(start, self.pos),
        })
    }

    /// The index of the entity `name` names, added at its first mention.
    fn mention(&mut self, name: &Token) -> usize {
        let entities = &mut self.diagram.entities;
        if let Some(at) = entities.iter().position(|e| e.name.text == name.text) {
            entities[at].mentions.push(name.range);
            return at;
        }
        entities.push(Entity {
            name: name.clone(),
            alias: None,
            attributes: Vec::new(),
            body: None,
            mentions: vec![name.range],
        });
        entities.len() - 1
    }

    /// A type or attribute name: everything up to a space, a quote or a brace.
    fn attribute_word(&mut self) -> Option<Token> {
        let start = self.pos;
        let len: usize = self
            .rest()
            .chars()
            .take_while(|&c| !c.is_whitespace() && !matches!(c, '{' | '}' | '"'))
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            return None;
        }
        self.pos += len;
        Some(Token {
            text: self.text[start..self.pos].to_string(),
            range: self.range(start, self.pos),
        })
    }

    /// `"text"` up to the closing quote or the end of the line; the range includes the quotes.
    fn quoted(&mut self) -> Token {
        let start = self.pos;
        self.pos += 1;
        let line_end = self.line_end();
        let (inner_end, end) = match self.text[self.pos..line_end].find('"') {
            Some(at) => (self.pos + at, self.pos + at + 1),
            None => (line_end, line_end),
        };
        let text = self.text[self.pos..inner_end].to_string();
        self.pos = end;
        Token {
            text,
            range: self.range(start, end),
        }
    }

    fn plain_word(&mut self) -> &str {
        let start = self.pos;
        let len: usize = self
            .rest()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        self.pos += len;
        &self.text[start..self.pos]
    }

    fn skip_front_matter(&mut self) {
        self.skip_line();
        while self.pos < self.text.len() {
            let line_end = self.line_end();
            let line = self.text[self.pos..line_end].trim();
            self.skip_line();
            if line == "---" {
                return;
            }
        }
    }

    /// Skips spaces, `%%` comments and, with `lines`, line breaks.
    fn skip_blank(&mut self, lines: bool) {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\u{feff}') => self.pos += self.peek().map_or(1, char::len_utf8),
                Some('\r' | '\n') if lines => self.pos += 1,
                Some('%') if self.rest().starts_with("%%") => self.pos = self.line_end(),
                _ => return,
            }
        }
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn skip_line(&mut self) {
        self.pos = self.line_end();
        if self.peek() == Some('\r') {
            self.pos += 1;
        }
        if self.peek() == Some('\n') {
            self.pos += 1;
        }
    }

    fn line_end(&self) -> usize {
        self.text[self.pos..]
            .find(['\r', '\n'])
            .map_or(self.text.len(), |at| self.pos + at)
    }

    fn at_line_start(&self, at: usize) -> bool {
        self.text[..at].ends_with('\n') || self.text[..at].trim().is_empty()
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn range(&self, start: usize, end: usize) -> TextRange {
        TextRange::from_usize(start..end) + self.base
    }
}
