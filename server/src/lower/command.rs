//! Lowering of the generic statements the migration rules read: TRUNCATE, REINDEX, VACUUM,
//! CLUSTER, UPDATE, INSERT, DELETE and the transaction commands. The grammar keeps them as a
//! verb and token trees, so this reads their leaves, tracking parenthesis depth.

use tree_sitter::Node;

use super::{Command, CommandVerb, Cx, Ident, ObjectName, TextRange};

/// A leaf token of the statement.
struct Token<'a> {
    /// Lower-cased outside quotes.
    word: String,
    node: Node<'a>,
    range: TextRange,
    /// Parentheses open around it (a parenthesis itself counts outside).
    depth: usize,
}

impl<'a> Cx<'a> {
    /// The leaves of `node`, comments left out.
    pub fn leaves(&self, node: Node<'a>) -> Vec<Node<'a>> {
        crate::syntax::descendants(node)
            .filter(|n| n.child_count() == 0 && !n.is_extra())
            .collect()
    }

    fn tokens(&self, node: Node<'a>) -> Vec<Token<'a>> {
        let mut depth = 0usize;
        let mut tokens = Vec::new();
        for leaf in self.leaves(node) {
            let text = self.text(leaf);
            if text == ")" {
                depth = depth.saturating_sub(1);
            }
            let word = if leaf.kind() == "quoted_identifier" || leaf.kind() == "string" {
                text.to_string()
            } else {
                text.to_ascii_lowercase()
            };
            tokens.push(Token {
                word,
                node: leaf,
                range: self.range(leaf),
                depth,
            });
            if text == "(" {
                depth += 1;
            }
        }
        tokens
    }

    pub fn command(&self, node: Node<'a>) -> Option<Command> {
        let tokens = self.tokens(node);
        let first = tokens.first()?;
        let verb = match first.word.as_str() {
            "truncate" => CommandVerb::Truncate,
            "reindex" => CommandVerb::Reindex,
            "vacuum" => CommandVerb::Vacuum,
            "cluster" => CommandVerb::Cluster,
            "update" => CommandVerb::Update,
            "insert" => CommandVerb::Insert,
            "delete" => CommandVerb::Delete,
            "begin" => CommandVerb::Begin,
            "start" if word(&tokens, 1) == Some("transaction") => CommandVerb::Begin,
            "commit" | "end" | "abort" => CommandVerb::Commit,
            // ROLLBACK TO SAVEPOINT stays in the transaction.
            "rollback" if !tokens.iter().any(|t| t.word == "to") => CommandVerb::Commit,
            _ => return None,
        };
        let mut command = Command {
            verb,
            head: first.range,
            object_kind: None,
            targets: Vec::new(),
            full: None,
            concurrently: None,
            cascade: None,
            bounded: false,
        };
        let mut at = 1;
        match verb {
            CommandVerb::Truncate => {
                at = self.extend_head(&tokens, at, &mut command, &["table"]);
                at = skip(&tokens, at, &["only"]);
                while let Some((name, next)) = self.object_name_at(&tokens, at) {
                    command.targets.push(name);
                    at = skip(&tokens, next, &["*"]);
                    if word(&tokens, at) != Some(",") {
                        break;
                    }
                    at = skip(&tokens, at + 1, &["only"]);
                }
                command.cascade = tokens[at.min(tokens.len())..]
                    .iter()
                    .find(|t| t.depth == 0 && t.word == "cascade")
                    .map(|t| t.range);
            }
            CommandVerb::Reindex | CommandVerb::Vacuum | CommandVerb::Cluster => {
                at = self.options(&tokens, at, &mut command);
                if verb == CommandVerb::Reindex {
                    let kind = word(&tokens, at)?;
                    if !matches!(kind, "index" | "table" | "schema" | "database" | "system") {
                        return None;
                    }
                    command.object_kind = Some(kind.to_string());
                    command.head = TextRange::new(command.head.start(), tokens[at].range.end());
                    at += 1;
                }
                // The unparenthesized options of the older syntax.
                while let Some(option) = word(&tokens, at) {
                    match option {
                        "full" => command.full = Some(tokens[at].range),
                        "concurrently" => command.concurrently = Some(tokens[at].range),
                        "freeze" | "verbose" | "analyze" | "analyse" => {}
                        _ => break,
                    }
                    if option == "full" {
                        command.head = TextRange::new(command.head.start(), tokens[at].range.end());
                    }
                    at += 1;
                }
                while let Some((name, next)) = self.object_name_at(&tokens, at) {
                    command.targets.push(name);
                    // VACUUM's column lists, CLUSTER's `USING index`.
                    at = next;
                    while tokens
                        .get(at)
                        .is_some_and(|t| t.depth > 0 || t.word == "(" || t.word == ")")
                    {
                        at += 1;
                    }
                    match word(&tokens, at) {
                        Some(",") => at += 1,
                        // `CLUSTER index ON table`: the table is what it locks.
                        Some("on") if verb == CommandVerb::Cluster => {
                            command.targets.clear();
                            at += 1;
                        }
                        _ => break,
                    }
                }
            }
            CommandVerb::Update | CommandVerb::Delete | CommandVerb::Insert => {
                let joined: &[&str] = match verb {
                    CommandVerb::Delete => &["from"],
                    CommandVerb::Insert => &["into"],
                    _ => &[],
                };
                at = self.extend_head(&tokens, at, &mut command, joined);
                at = skip(&tokens, at, &["only"]);
                let (name, next) = self.object_name_at(&tokens, at)?;
                command.targets.push(name);
                let rest = &tokens[next.min(tokens.len())..];
                command.bounded = if verb == CommandVerb::Insert {
                    // Past the column list and alias: VALUES or DEFAULT VALUES list the rows.
                    let mut index = 0;
                    while rest
                        .get(index)
                        .is_some_and(|t| t.depth > 0 || t.word == "(" || t.word == ")")
                    {
                        index += 1;
                    }
                    if word(rest, index) == Some("as") {
                        index += 2;
                    }
                    matches!(word(rest, index), Some("values" | "default")) || where_bounds(rest)
                } else {
                    where_bounds(rest)
                };
            }
            CommandVerb::Begin | CommandVerb::Commit => {}
        }
        Some(command)
    }

    /// Adds the words `joined` that follow the verb to the head.
    fn extend_head(
        &self,
        tokens: &[Token],
        at: usize,
        command: &mut Command,
        joined: &[&str],
    ) -> usize {
        match tokens.get(at) {
            Some(token) if token.depth == 0 && joined.contains(&token.word.as_str()) => {
                command.head = TextRange::new(command.head.start(), token.range.end());
                at + 1
            }
            _ => at,
        }
    }

    /// A parenthesized option list (`VACUUM (FULL, ANALYZE)`, `REINDEX (CONCURRENTLY)`).
    fn options(&self, tokens: &[Token], at: usize, command: &mut Command) -> usize {
        if word(tokens, at) != Some("(") {
            return at;
        }
        let mut index = at + 1;
        while let Some(token) = tokens.get(index) {
            if token.depth == 0 {
                break;
            }
            let disabled =
                word(tokens, index + 1).is_some_and(|w| matches!(w, "false" | "off" | "0"));
            match token.word.as_str() {
                "full" if !disabled => command.full = Some(token.range),
                "concurrently" if !disabled => command.concurrently = Some(token.range),
                _ => {}
            }
            index += 1;
        }
        // The closing parenthesis.
        if let Some(close) = tokens.get(index) {
            if command.full.is_some() {
                command.head = TextRange::new(command.head.start(), close.range.end());
            }
            index += 1;
        }
        index
    }

    /// A possibly qualified name at depth 0 starting at `at`, and the index after it.
    fn object_name_at(&self, tokens: &[Token], at: usize) -> Option<(ObjectName, usize)> {
        let is_name = |index: usize| {
            tokens.get(index).is_some_and(|t| {
                t.depth == 0 && matches!(t.node.kind(), "identifier" | "quoted_identifier")
            })
        };
        if !is_name(at) {
            return None;
        }
        let first: Ident = self.ident(tokens[at].node);
        if word(tokens, at + 1) == Some(".") && is_name(at + 2) {
            let name = self.ident(tokens[at + 2].node);
            let range = TextRange::new(first.range.start(), name.range.end());
            return Some((
                ObjectName {
                    schema: Some(first),
                    name,
                    range,
                },
                at + 3,
            ));
        }
        let range = first.range;
        Some((
            ObjectName {
                schema: None,
                name: first,
                range,
            },
            at + 1,
        ))
    }
}

fn word<'t>(tokens: &'t [Token], at: usize) -> Option<&'t str> {
    tokens.get(at).map(|t| t.word.as_str())
}

fn skip(tokens: &[Token], at: usize, words: &[&str]) -> usize {
    match word(tokens, at) {
        Some(w) if words.contains(&w) => at + 1,
        _ => at,
    }
}

/// Whether the statement's WHERE (from its top level on) selects rows by value, or a LIMIT
/// caps them, as a batch does. `col IS NULL` or a join condition (`o.id = t.id`) alone does
/// not bound a backfill.
fn where_bounds(rest: &[Token]) -> bool {
    let Some(start) = rest
        .iter()
        .position(|t| t.depth == 0 && (t.word == "where" || t.word == "limit"))
    else {
        return false;
    };
    let clause = &rest[start..];
    let literal = |token: Option<&Token>| {
        token.is_some_and(|t| {
            matches!(t.node.kind(), "number" | "string" | "parameter")
                || t.word.starts_with('$')
                || t.word.starts_with('\'')
        })
    };
    clause
        .iter()
        .enumerate()
        .any(|(index, token)| match token.word.as_str() {
            "limit" | "between" => true,
            "=" | "<" | ">" | "<=" | ">=" => {
                literal(clause.get(index + 1)) || index > 0 && literal(clause.get(index - 1))
            }
            // `IN (1, 2)`: an opening parenthesis then a literal.
            "in" => {
                clause.get(index + 1).is_some_and(|t| t.word == "(")
                    && literal(clause.get(index + 2))
            }
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use crate::lower::{Fact, lower_file};
    use crate::syntax::{self, Language};

    /// The command of each statement: verb, head text, targets, FULL / CONCURRENTLY / CASCADE,
    /// bounded.
    fn commands(text: &str) -> Vec<String> {
        let tree = syntax::parse(Language::Sql, text, None);
        lower_file(Language::Sql, &tree, text)
            .iter()
            .filter_map(|statement| {
                let Some(Fact::Command(command)) = statement.lowered.facts.first() else {
                    return None;
                };
                let at = |r: crate::text::TextRange| {
                    &text[(statement.start + r.start()) as usize
                        ..(statement.start + r.end()) as usize]
                };
                let targets: Vec<&str> = command.targets.iter().map(|t| at(t.range)).collect();
                let flags = [
                    command.full.map(|_| "full"),
                    command.concurrently.map(|_| "concurrently"),
                    command.cascade.map(|_| "cascade"),
                    command.bounded.then_some("bounded"),
                ];
                let flags: Vec<&str> = flags.into_iter().flatten().collect();
                let line = format!(
                    "{:?} `{}` {} {}",
                    command.verb,
                    at(command.head),
                    targets.join(","),
                    flags.join(",")
                );
                Some(line.trim_end().to_string())
            })
            .collect()
    }

    #[test]
    fn commands_lower_their_verb_targets_and_options() {
        let text = "\
TRUNCATE TABLE ONLY a, public.b RESTART IDENTITY CASCADE;
truncate c;
REINDEX INDEX CONCURRENTLY i;
REINDEX (VERBOSE) TABLE t;
REINDEX (CONCURRENTLY) TABLE t;
VACUUM FULL ANALYZE t (a, b), u;
VACUUM (FULL, ANALYZE) t;
VACUUM (FULL false) t;
CLUSTER t USING t_pkey;
CLUSTER t_pkey ON t;
UPDATE t SET a = 1;
UPDATE t SET a = 1 WHERE a IS NULL;
UPDATE ONLY t SET a = o.a FROM o WHERE o.id = t.id;
UPDATE t SET a = 1 WHERE id BETWEEN 1 AND 1000;
UPDATE t SET a = 1 WHERE id IN (SELECT id FROM t WHERE a IS NULL LIMIT 1000);
DELETE FROM t WHERE id < 1000;
DELETE FROM pg_catalog.pg_enum WHERE enumlabel = 'x';
INSERT INTO t (a) VALUES (1);
INSERT INTO t SELECT * FROM u;
INSERT INTO t (a) SELECT a FROM u WHERE a > 5;
BEGIN;
START TRANSACTION;
COMMIT;
ROLLBACK TO SAVEPOINT s;
END;
";
        assert_eq!(
            commands(text),
            [
                "Truncate `TRUNCATE TABLE` a,public.b cascade",
                "Truncate `truncate` c",
                "Reindex `REINDEX INDEX` i concurrently",
                "Reindex `REINDEX (VERBOSE) TABLE` t",
                "Reindex `REINDEX (CONCURRENTLY) TABLE` t concurrently",
                "Vacuum `VACUUM FULL` t,u full",
                "Vacuum `VACUUM (FULL, ANALYZE)` t full",
                "Vacuum `VACUUM` t",
                "Cluster `CLUSTER` t",
                "Cluster `CLUSTER` t",
                "Update `UPDATE` t",
                "Update `UPDATE` t",
                "Update `UPDATE` t",
                "Update `UPDATE` t bounded",
                "Update `UPDATE` t bounded",
                "Delete `DELETE FROM` t bounded",
                "Delete `DELETE FROM` pg_catalog.pg_enum bounded",
                "Insert `INSERT INTO` t bounded",
                "Insert `INSERT INTO` t",
                "Insert `INSERT INTO` t bounded",
                "Begin `BEGIN`",
                "Begin `START`",
                "Commit `COMMIT`",
                "Commit `END`",
            ]
        );
        assert!(commands("SELECT 1;").is_empty());
    }
}
