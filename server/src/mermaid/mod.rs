//! Mermaid `erDiagram` blocks read back: a tolerant parser that keeps every token's range, the
//! drift between a diagram and the schema model (each with a fix), and the diagram rewritten from
//! the schema by the renderer of `ddlint erd`, keeping what the author chose (relationship labels,
//! entity order).
//!
//! Pure functions of text and model: no I/O, no LSP types. Ranges are byte offsets in the
//! document the block was taken from (`base` is where the block's content starts).

mod drift;
mod parse;
mod update;

pub use drift::{Drift, DriftKind, drift};
pub use update::update;

use crate::text::TextRange;

/// One `erDiagram` block as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErDiagram {
    /// The block's content.
    pub text: String,
    /// The offset of `text` in the document.
    pub base: u32,
    /// The `erDiagram` keyword; `None` when the block is another kind of diagram (then nothing
    /// else is read).
    pub header: Option<TextRange>,
    /// The `direction TB` statement, when written.
    pub direction: Option<TextRange>,
    /// Every entity, declared by a block or a bare name or mentioned in a relationship, in the
    /// order of first mention.
    pub entities: Vec<Entity>,
    pub relationships: Vec<Relationship>,
}

/// A word of the diagram: its text (without quotes) and where it is (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// The name at its first mention.
    pub name: Token,
    /// `NAME["Label"]`: the label Mermaid shows instead of the name.
    pub alias: Option<Token>,
    /// The attributes of every `{ ... }` block of the entity.
    pub attributes: Vec<Attribute>,
    /// The first `{ ... }` block, braces included.
    pub body: Option<TextRange>,
    /// Every place the name is written, the first included.
    pub mentions: Vec<TextRange>,
}

/// `type name PK, FK "comment"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub ty: Token,
    pub name: Token,
    /// `PK`, `FK`, `UK` (upper-cased), each with its range.
    pub keys: Vec<Token>,
    pub comment: Option<Token>,
    /// From the type to the last token.
    pub range: TextRange,
}

/// `left <left_card><line><right_card> right : label`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relationship {
    pub left: Token,
    pub left_card: Card,
    /// `--` (or `to`): identifying; `..` (or `optionally to`): not.
    pub identifying: bool,
    /// The `--`, `..`, `to` or `optionally to` between the cardinalities.
    pub line: TextRange,
    pub right_card: Card,
    pub right: Token,
    pub label: Option<Token>,
    /// From the left entity to the label.
    pub range: TextRange,
}

impl Relationship {
    /// The cardinalities and the line between them: `||--o{`.
    pub fn symbol_range(&self) -> TextRange {
        self.left_card.range.cover(self.right_card.range)
    }
}

/// A cardinality as written: `||`, `o{`, `zero or more`...
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Card {
    pub kind: Cardinality,
    pub range: TextRange,
    /// Written in words (`only one`) rather than symbols.
    pub words: bool,
}

/// How many rows an end of a relationship stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cardinality {
    /// `|o`, `o|`, `zero or one`.
    ZeroOrOne,
    /// `||`, `only one`.
    ExactlyOne,
    /// `}o`, `o{`, `zero or more`.
    ZeroOrMore,
    /// `}|`, `|{`, `one or more`.
    OneOrMore,
}

impl Cardinality {
    /// How the cardinality is written at the left end (`left`) or the right end, in symbols or
    /// in words.
    pub fn spelling(self, left: bool, words: bool) -> &'static str {
        match (self, words, left) {
            (Cardinality::ZeroOrOne, true, _) => "zero or one",
            (Cardinality::ExactlyOne, true, _) => "only one",
            (Cardinality::ZeroOrMore, true, _) => "zero or more",
            (Cardinality::OneOrMore, true, _) => "one or more",
            (Cardinality::ZeroOrOne, false, true) => "|o",
            (Cardinality::ZeroOrOne, false, false) => "o|",
            (Cardinality::ExactlyOne, false, _) => "||",
            (Cardinality::ZeroOrMore, false, true) => "}o",
            (Cardinality::ZeroOrMore, false, false) => "o{",
            (Cardinality::OneOrMore, false, true) => "}|",
            (Cardinality::OneOrMore, false, false) => "|{",
        }
    }

    pub fn is_many(self) -> bool {
        matches!(self, Cardinality::ZeroOrMore | Cardinality::OneOrMore)
    }
}

/// Reads the content of one `erDiagram` block (the text between the fences, or a whole `.mmd`
/// file) that starts at offset `base` of its document. Never fails: what it does not understand
/// it skips.
pub fn parse(text: &str, base: u32) -> ErDiagram {
    parse::parse(text, base)
}

impl ErDiagram {
    /// The diagram's own text at an absolute `range` (empty when outside it).
    pub fn slice(&self, range: TextRange) -> &str {
        let start = range.start().saturating_sub(self.base) as usize;
        let end = range.end().saturating_sub(self.base) as usize;
        self.text.get(start..end).unwrap_or("")
    }

    /// Whether any entity lists attributes.
    pub fn shows_attributes(&self) -> bool {
        self.entities.iter().any(|e| !e.attributes.is_empty())
    }

    /// The range to delete to remove `range` from the diagram: its whole line (line break
    /// included) when nothing else is on it, else `range` and the spaces before it.
    pub fn removal(&self, range: TextRange) -> TextRange {
        let text = self.text.as_str();
        let start = (range.start().saturating_sub(self.base) as usize).min(text.len());
        let end = (range.end().saturating_sub(self.base) as usize).clamp(start, text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |at| end + at + 1);
        let before = &text[line_start..start];
        let after = &text[end..line_end];
        let alone = before.trim().is_empty()
            && (after.trim().is_empty() || after.trim_start().starts_with("%%"));
        let (from, to) = if alone {
            (line_start, line_end)
        } else {
            (start - (before.len() - before.trim_end().len()), end)
        };
        TextRange::from_usize(from..to) + self.base
    }

    /// The indentation of the diagram's statements (of its first entity or relationship line).
    fn indent(&self) -> String {
        let first = self
            .entities
            .iter()
            .map(|e| e.name.range.start())
            .chain(self.relationships.iter().map(|r| r.range.start()))
            .min();
        let Some(start) = first else {
            return "    ".to_string();
        };
        let start = (start.saturating_sub(self.base) as usize).min(self.text.len());
        let line_start = self.text[..start].rfind('\n').map_or(0, |at| at + 1);
        let indent = &self.text[line_start..start];
        if !indent.is_empty() && indent.chars().all(|c| c == ' ' || c == '\t') {
            indent.to_string()
        } else {
            "    ".to_string()
        }
    }

    /// An insertion of an attribute line at the end of `entity`'s first block: on a line of its
    /// own, indented like the block's attributes, when the closing brace is alone on its line.
    fn add_attribute(&self, entity: &Entity, line: &str) -> Option<(TextRange, String)> {
        let body = entity.body?;
        let close = (body.end().saturating_sub(self.base) as usize)
            .checked_sub(1)
            .filter(|&at| self.text.get(at..at + 1) == Some("}"))?;
        let line_start = self.text[..close].rfind('\n').map_or(0, |at| at + 1);
        if !self.text[line_start..close].trim().is_empty() {
            return Some((
                TextRange::empty(self.base + close as u32),
                format!("{line} "),
            ));
        }
        let indent = entity
            .attributes
            .first()
            .map(|a| {
                let start = (a.range.start().saturating_sub(self.base) as usize).min(close);
                let from = self.text[..start].rfind('\n').map_or(0, |at| at + 1);
                self.text[from..start].to_string()
            })
            .filter(|indent| indent.chars().all(|c| c == ' ' || c == '\t'))
            .unwrap_or_else(|| format!("{}    ", &self.text[line_start..close]));
        let newline = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        Some((
            TextRange::empty(self.base + line_start as u32),
            format!("{indent}{line}{newline}"),
        ))
    }

    /// An insertion of `lines` (each without indentation or line break) after the last
    /// statement of the diagram.
    fn append(&self, lines: &[String]) -> (TextRange, String) {
        let indent = self.indent();
        let content_end = self.text.trim_end().len();
        let newline = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let mut inserted = String::new();
        for line in lines {
            inserted.push_str(newline);
            if !line.is_empty() {
                inserted.push_str(&indent);
                inserted.push_str(line);
            }
        }
        (
            TextRange::empty(self.base.saturating_add(content_end as u32)),
            inserted,
        )
    }
}

#[cfg(test)]
mod tests;
