//! The grammars' highlight queries compiled into a table the highlighter looks each node up in.
//!
//! Running the query takes most of the time of a whole-file highlight (its cursor tracks every
//! pattern's state at every node). The queries are simple: each capture sits at the end of one
//! chain of nodes (`(create_table name: (object_reference name: (_) @type))`), so a walk over the
//! tree that keeps the kinds of the nodes above it can decide every capture from a table. The
//! `.scm` files stay the single source: editors read them as they are, and this reads them too.
//!
//! Supported: node, wildcard and literal patterns, alternations, fields, one child per node, a
//! trailing anchor, and `#any-of?`/`#not-any-of?` on the captured text. Anything else is an error,
//! which the tests of both grammars' queries would show.

use std::num::NonZeroU16;

/// A highlight query as a table.
pub(super) struct HighlightRules {
    capture_names: Vec<String>,
    rules: Vec<Rule>,
    /// Per node kind id, whether nodes of that kind are named.
    named: Vec<bool>,
    /// Per node kind id, the rules of a single node that can match a node of that kind, in
    /// pattern order.
    alone: Vec<Vec<u32>>,
    /// Per node kind id, the rules of a chain whose captured node's parent can be of that kind,
    /// in pattern order: most nodes have no rule under their parent.
    under: Vec<Vec<u32>>,
    /// Per node kind id, whether a rule needs the field under which a node of that kind sits in
    /// its parent when it is an ancestor of the captured node.
    ancestor_field: Vec<bool>,
}

/// One capture: the chain of nodes from the pattern's outermost node down to the captured one.
struct Rule {
    /// The steps above the captured node, outermost first.
    above: Vec<Step>,
    captured: Step,
    capture: usize,
    text: Option<TextTest>,
}

#[derive(Clone)]
struct Step {
    kinds: Kinds,
    field: Option<NonZeroU16>,
    /// The node is its parent's last named child (a trailing `.` anchor).
    last_named: bool,
}

#[derive(Clone)]
enum Kinds {
    Any,
    AnyNamed,
    /// Sorted ids: several ids can share a name (aliases).
    Ids(Vec<u16>),
}

impl Kinds {
    fn contains(&self, kind: u16, named: bool) -> bool {
        match self {
            Kinds::Any => true,
            Kinds::AnyNamed => named,
            Kinds::Ids(ids) => ids.binary_search(&kind).is_ok(),
        }
    }
}

/// The text tests a pattern writes, with the capture each applies to.
type TextTests = Vec<(String, TextTest)>;

/// `#any-of?` (or, negated, `#not-any-of?`) on the captured node's text.
#[derive(Clone)]
struct TextTest {
    among: Vec<String>,
    negated: bool,
}

impl TextTest {
    fn accepts(&self, text: &str) -> bool {
        self.among.iter().any(|word| word == text) != self.negated
    }
}

/// A node during the walk, with what the rules may ask of it.
pub(super) struct Visited<'a> {
    pub kind: u16,
    /// The field it sits under in its parent, asked only when a rule needs it.
    pub field: &'a mut dyn FnMut() -> Option<NonZeroU16>,
    /// Whether no named sibling follows it, asked only when a rule needs it.
    pub last_named: &'a mut dyn FnMut() -> bool,
    pub text: &'a str,
}

/// A node above the visited one: its kind and, when some rule needs it, its field.
#[derive(Clone, Copy)]
pub(super) struct Ancestor {
    pub kind: u16,
    /// The node lies inside the highlighted range.
    pub inside: bool,
    pub field: Option<NonZeroU16>,
}

impl HighlightRules {
    pub fn compile(language: &tree_sitter::Language, source: &str) -> Result<Self, String> {
        let patterns = Parser::new(source).patterns()?;
        let kinds = KindNames::of(language);
        let mut compiler = Compiler {
            language,
            kinds: &kinds,
            capture_names: Vec::new(),
            rules: Vec::new(),
        };
        for (pattern, tests) in &patterns {
            compiler.collect(pattern, &mut Vec::new(), None, false, &[], tests)?;
        }
        let kind_count = language.node_kind_count();
        let named: Vec<bool> = (0..kind_count as u16)
            .map(|kind| language.node_kind_is_named(kind))
            .collect();
        let mut alone = vec![Vec::new(); kind_count];
        let mut under = vec![Vec::new(); kind_count];
        let mut ancestor_field = vec![false; kind_count];
        for (index, rule) in compiler.rules.iter().enumerate() {
            let (table, step) = match rule.above.last() {
                Some(parent) => (&mut under, parent),
                None => (&mut alone, &rule.captured),
            };
            for (kind, rules) in table.iter_mut().enumerate() {
                if step.kinds.contains(kind as u16, named[kind]) {
                    rules.push(index as u32);
                }
            }
            for step in rule.above.iter().filter(|step| step.field.is_some()) {
                for (kind, needed) in ancestor_field.iter_mut().enumerate() {
                    *needed |= step.kinds.contains(kind as u16, named[kind]);
                }
            }
        }
        Ok(HighlightRules {
            capture_names: compiler.capture_names,
            rules: compiler.rules,
            named,
            alone,
            under,
            ancestor_field,
        })
    }

    /// Whether nodes of `kind` are named; ERROR nodes, whose kind id is past the grammar's
    /// kinds, are.
    fn is_named(&self, kind: u16) -> bool {
        self.named.get(kind as usize).copied().unwrap_or(true)
    }

    /// Whether any rule may capture a node of `kind` under a parent of `parent`.
    pub fn may_capture(&self, kind: u16, parent: Option<u16>) -> bool {
        let has_rules = |table: &[Vec<u32>], kind: u16| {
            table
                .get(kind as usize)
                .is_some_and(|rules| !rules.is_empty())
        };
        has_rules(&self.alone, kind) || parent.is_some_and(|parent| has_rules(&self.under, parent))
    }

    pub fn needs_ancestor_field(&self, kind: u16) -> bool {
        self.ancestor_field
            .get(kind as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Calls `capture` with the name of each capture of `node`, below `ancestors` (outermost
    /// first), in pattern order.
    pub fn captures<'s>(
        &'s self,
        node: &mut Visited,
        ancestors: &[Ancestor],
        capture: &mut impl FnMut(&'s str),
    ) {
        let none: &[u32] = &[];
        let alone = self
            .alone
            .get(node.kind as usize)
            .map_or(none, Vec::as_slice);
        let under = ancestors
            .last()
            .and_then(|parent| self.under.get(parent.kind as usize))
            .map_or(none, Vec::as_slice);
        if alone.is_empty() && under.is_empty() {
            return;
        }
        let named = self.is_named(node.kind);
        let mut field: Option<Option<NonZeroU16>> = None;
        // Both lists are in pattern order; merged, captures come out in pattern order.
        let (mut a, mut u) = (0, 0);
        while a < alone.len() || u < under.len() {
            let index = if u == under.len() || (a < alone.len() && alone[a] < under[u]) {
                a += 1;
                alone[a - 1]
            } else {
                u += 1;
                under[u - 1]
            };
            let rule = &self.rules[index as usize];
            let (captured, above) = (&rule.captured, &rule.above);
            if above.len() > ancestors.len() || !captured.kinds.contains(node.kind, named) {
                continue;
            }
            let parents = &ancestors[ancestors.len() - above.len()..];
            let chain_matches = above.iter().zip(parents).all(|(step, at)| {
                step.kinds.contains(at.kind, self.is_named(at.kind))
                    && (step.field.is_none() || step.field == at.field)
            });
            if !chain_matches {
                continue;
            }
            let field_matches = captured.field.is_none()
                || captured.field == *field.get_or_insert_with(|| (node.field)());
            if !field_matches
                || (captured.last_named && !(node.last_named)())
                || rule
                    .text
                    .as_ref()
                    .is_some_and(|test| !test.accepts(node.text))
            {
                continue;
            }
            capture(&self.capture_names[rule.capture]);
        }
    }
}

/// Node kind ids by name, named and anonymous apart.
struct KindNames {
    named: Vec<(String, u16)>,
    anonymous: Vec<(String, u16)>,
}

impl KindNames {
    fn of(language: &tree_sitter::Language) -> KindNames {
        let mut names = KindNames {
            named: Vec::new(),
            anonymous: Vec::new(),
        };
        for id in 0..language.node_kind_count() as u16 {
            let Some(name) = language.node_kind_for_id(id) else {
                continue;
            };
            if !language.node_kind_is_visible(id) {
                continue;
            }
            let list = if language.node_kind_is_named(id) {
                &mut names.named
            } else {
                &mut names.anonymous
            };
            list.push((name.to_string(), id));
        }
        names
    }

    fn ids(&self, name: &str, named: bool) -> Vec<u16> {
        let list = if named { &self.named } else { &self.anonymous };
        let mut ids: Vec<u16> = list
            .iter()
            .filter(|(n, _)| n == name)
            .map(|&(_, id)| id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

struct Compiler<'a> {
    language: &'a tree_sitter::Language,
    kinds: &'a KindNames,
    capture_names: Vec<String>,
    rules: Vec<Rule>,
}

impl Compiler<'_> {
    fn collect(
        &mut self,
        pattern: &Pattern,
        above: &mut Vec<Step>,
        field: Option<NonZeroU16>,
        last_named: bool,
        inherited: &[String],
        tests: &[(String, TextTest)],
    ) -> Result<(), String> {
        match pattern {
            Pattern::Alternation {
                alternatives,
                captures,
            } => {
                let captures: Vec<String> = inherited.iter().chain(captures).cloned().collect();
                for alternative in alternatives {
                    self.collect(alternative, above, field, last_named, &captures, tests)?;
                }
                Ok(())
            }
            Pattern::Node {
                kind,
                child,
                captures,
            } => {
                let kinds = match kind {
                    NodeKind::Any => Kinds::Any,
                    NodeKind::AnyNamed => Kinds::AnyNamed,
                    NodeKind::Named(name) | NodeKind::Anonymous(name) => {
                        let named = matches!(kind, NodeKind::Named(_));
                        let ids = self.kinds.ids(name, named);
                        if ids.is_empty() {
                            return Err(format!("no node kind {name:?} in the grammar"));
                        }
                        Kinds::Ids(ids)
                    }
                };
                let step = Step {
                    kinds,
                    field,
                    last_named,
                };
                let captures: Vec<&String> = inherited.iter().chain(captures).collect();
                match child {
                    Some(_) if !captures.is_empty() => Err(
                        "a capture on a node that also constrains its children is not supported"
                            .to_string(),
                    ),
                    Some(child) => {
                        let field = match &child.field {
                            Some(name) => Some(
                                self.language
                                    .field_id_for_name(name)
                                    .ok_or_else(|| format!("no field {name:?} in the grammar"))?,
                            ),
                            None => None,
                        };
                        above.push(step);
                        let result = self.collect(
                            &child.pattern,
                            above,
                            field,
                            child.last_named,
                            &[],
                            tests,
                        );
                        above.pop();
                        result
                    }
                    None => {
                        for name in captures {
                            let capture = match self.capture_names.iter().position(|n| n == name) {
                                Some(index) => index,
                                None => {
                                    self.capture_names.push(name.clone());
                                    self.capture_names.len() - 1
                                }
                            };
                            let text = tests
                                .iter()
                                .find(|(on, _)| on == name)
                                .map(|(_, test)| test.clone());
                            self.rules.push(Rule {
                                above: above.clone(),
                                captured: step.clone(),
                                capture,
                                text,
                            });
                        }
                        Ok(())
                    }
                }
            }
        }
    }
}

enum NodeKind {
    Named(String),
    Anonymous(String),
    /// `(_)`
    AnyNamed,
    /// `_`
    Any,
}

enum Pattern {
    Node {
        kind: NodeKind,
        child: Option<Box<Child>>,
        captures: Vec<String>,
    },
    Alternation {
        alternatives: Vec<Pattern>,
        captures: Vec<String>,
    },
}

struct Child {
    field: Option<String>,
    pattern: Pattern,
    last_named: bool,
}

/// A reader of the query language, for the part of it the highlight queries use.
struct Parser<'a> {
    source: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn new(source: &'a str) -> Self {
        Parser { source, at: 0 }
    }

    fn error(&self, what: &str) -> String {
        let line = self.source[..self.at].matches('\n').count() + 1;
        format!("line {line} of the highlight query: {what}")
    }

    fn skip_blank(&mut self) {
        loop {
            let rest = &self.source[self.at..];
            let trimmed = rest.trim_start();
            self.at += rest.len() - trimmed.len();
            if trimmed.starts_with(';') {
                self.at += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_blank();
        self.source[self.at..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> &'a str {
        self.skip_blank();
        let rest = &self.source[self.at..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '?' | '!')))
            .unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    fn string(&mut self) -> Result<String, String> {
        if !self.eat('"') {
            return Err(self.error("expected a string"));
        }
        let mut value = String::new();
        let mut chars = self.source[self.at..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                c => value.push(c),
            }
        }
        Err(self.error("unterminated string"))
    }

    /// Each top-level pattern with the text tests written inside it, by capture.
    fn patterns(&mut self) -> Result<Vec<(Pattern, TextTests)>, String> {
        let mut patterns = Vec::new();
        while self.peek().is_some() {
            let mut tests = Vec::new();
            let pattern = self.pattern(&mut tests)?;
            patterns.push((pattern, tests));
        }
        Ok(patterns)
    }

    fn captures(&mut self) -> Result<Vec<String>, String> {
        if matches!(self.peek(), Some('*' | '+' | '?')) {
            return Err(self.error("quantifiers are not supported"));
        }
        let mut captures = Vec::new();
        while self.eat('@') {
            captures.push(self.word().to_string());
        }
        Ok(captures)
    }

    fn pattern(&mut self, tests: &mut TextTests) -> Result<Pattern, String> {
        match self.peek() {
            Some('"') => {
                let name = self.string()?;
                Ok(Pattern::Node {
                    kind: NodeKind::Anonymous(name),
                    child: None,
                    captures: self.captures()?,
                })
            }
            Some('[') => {
                self.at += 1;
                let mut alternatives = Vec::new();
                while !self.eat(']') {
                    if self.peek().is_none() {
                        return Err(self.error("unclosed ["));
                    }
                    alternatives.push(self.pattern(tests)?);
                }
                Ok(Pattern::Alternation {
                    alternatives,
                    captures: self.captures()?,
                })
            }
            Some('(') => {
                self.at += 1;
                let kind = match self.peek() {
                    Some('"') => NodeKind::Anonymous(self.string()?),
                    _ => match self.word() {
                        "_" => NodeKind::AnyNamed,
                        "" => return Err(self.error("expected a node kind after (")),
                        name => NodeKind::Named(name.to_string()),
                    },
                };
                let mut child: Option<Box<Child>> = None;
                loop {
                    match self.peek() {
                        Some(')') => {
                            self.at += 1;
                            break;
                        }
                        None => return Err(self.error("unclosed (")),
                        Some('.') => {
                            self.at += 1;
                            match (&mut child, self.peek()) {
                                (Some(child), Some(')')) => child.last_named = true,
                                _ => return Err(self.error("only a trailing anchor is supported")),
                            }
                        }
                        Some('(') if self.source[self.at + 1..].trim_start().starts_with('#') => {
                            self.at += 1;
                            tests.push(self.predicate()?);
                        }
                        Some('!') => return Err(self.error("negated fields are not supported")),
                        Some(_) => {
                            if child.is_some() {
                                return Err(
                                    self.error("a pattern with several children is not supported")
                                );
                            }
                            let field = self.field();
                            let pattern = self.pattern(tests)?;
                            child = Some(Box::new(Child {
                                field,
                                pattern,
                                last_named: false,
                            }));
                        }
                    }
                }
                Ok(Pattern::Node {
                    kind,
                    child,
                    captures: self.captures()?,
                })
            }
            Some('_') => {
                self.at += 1;
                Ok(Pattern::Node {
                    kind: NodeKind::Any,
                    child: None,
                    captures: self.captures()?,
                })
            }
            _ => Err(self.error("expected a pattern")),
        }
    }

    /// `name:` before a child pattern, if there is one.
    fn field(&mut self) -> Option<String> {
        self.skip_blank();
        let rest = &self.source[self.at..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 && rest[len..].starts_with(':') {
            self.at += len + 1;
            Some(rest[..len].to_string())
        } else {
            None
        }
    }

    /// `#any-of? @capture "word" ...)`, after its `(`.
    fn predicate(&mut self) -> Result<(String, TextTest), String> {
        if !self.eat('#') {
            return Err(self.error("expected a predicate"));
        }
        let negated = match self.word() {
            "any-of?" => false,
            "not-any-of?" => true,
            other => return Err(self.error(&format!("the predicate #{other} is not supported"))),
        };
        if !self.eat('@') {
            return Err(self.error("a predicate must start with a capture"));
        }
        let capture = self.word().to_string();
        let mut words = Vec::new();
        while !self.eat(')') {
            if self.peek() != Some('"') {
                return Err(self.error("a predicate's arguments must be strings"));
            }
            words.push(self.string()?);
        }
        Ok((
            capture,
            TextTest {
                among: words,
                negated,
            },
        ))
    }
}
