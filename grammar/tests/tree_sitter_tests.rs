//! Runs the grammars' tree-sitter test files (`test/corpus/*.txt` trees and `test/highlight/*`
//! highlight assertions) without the tree-sitter CLI, so CI needs no extra tool. The files keep
//! tree-sitter's format: `tree-sitter test` runs the same ones while working on a grammar.

use std::path::{Path, PathBuf};

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Parser, Point, Query, QueryCursor, Tree};

struct Grammar {
    name: &'static str,
    dir: PathBuf,
    language: Language,
    highlights: &'static str,
}

fn grammars() -> Vec<Grammar> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![
        Grammar {
            name: "sql",
            dir: root.to_path_buf(),
            language: ddlint_grammar::LANGUAGE.into(),
            highlights: ddlint_grammar::HIGHLIGHTS_QUERY,
        },
        Grammar {
            name: "prisma",
            dir: root.join("prisma"),
            language: ddlint_grammar::PRISMA_LANGUAGE.into(),
            highlights: ddlint_grammar::PRISMA_HIGHLIGHTS_QUERY,
        },
    ]
}

fn parse(language: &Language, text: &str) -> Tree {
    let mut parser = Parser::new();
    parser.set_language(language).unwrap();
    parser.parse(text, None).unwrap()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// One test case of a corpus file.
struct Case {
    name: String,
    input: String,
    expected: String,
    error: bool,
    skip: bool,
}

/// A line made of one delimiter character repeated (at least three times), then an optional
/// suffix shared by the whole file.
fn is_delimiter(line: &str, c: char) -> bool {
    line.chars().take_while(|&x| x == c).count() >= 3
}

fn parse_cases(text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_delimiter(lines[i], '=') {
            i += 1;
            continue;
        }
        // Header: `===`, the name and attribute lines, `===`.
        let mut name_lines = Vec::new();
        i += 1;
        while i < lines.len() && !is_delimiter(lines[i], '=') {
            name_lines.push(lines[i]);
            i += 1;
        }
        i += 1;
        let mut input = Vec::new();
        while i < lines.len() && !is_delimiter(lines[i], '-') {
            input.push(lines[i]);
            i += 1;
        }
        i += 1;
        let mut expected = Vec::new();
        while i < lines.len() && !(is_delimiter(lines[i], '=') && i + 2 < lines.len()) {
            expected.push(lines[i]);
            i += 1;
        }
        let attributes: Vec<&str> = name_lines.iter().skip(1).map(|l| l.trim()).collect();
        // tree-sitter drops the blank line between the input and the `---` line.
        while input.last().is_some_and(|l| l.trim().is_empty()) {
            input.pop();
        }
        cases.push(Case {
            name: name_lines
                .first()
                .map(|n| n.trim().to_string())
                .unwrap_or_default(),
            input: input.join("\n"),
            expected: expected.join(" "),
            error: attributes.contains(&":error"),
            skip: attributes.contains(&":skip"),
        });
    }
    cases
}

/// S-expressions compared without formatting: one space between tokens, none inside parens.
fn normalize(sexp: &str) -> String {
    let spaced = sexp.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut out = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let previous = if i > 0 { tokens[i - 1] } else { "(" };
        if i > 0 && *token != ")" && previous != "(" {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}

#[test]
fn corpus_trees() {
    let mut failures = Vec::new();
    let mut count = 0;
    for grammar in grammars() {
        for file in files(&grammar.dir.join("test/corpus")) {
            let text = std::fs::read_to_string(&file).unwrap();
            for case in parse_cases(&text) {
                if case.skip {
                    continue;
                }
                count += 1;
                let tree = parse(&grammar.language, &case.input);
                let root = tree.root_node();
                let label = format!(
                    "{} {}: {}",
                    grammar.name,
                    file.file_name().unwrap().to_string_lossy(),
                    case.name
                );
                if case.error {
                    if !root.has_error() {
                        failures.push(format!(
                            "{label}: expected an error, got {}",
                            root.to_sexp()
                        ));
                    }
                    continue;
                }
                let (found, expected) = (normalize(&root.to_sexp()), normalize(&case.expected));
                if found != expected {
                    failures.push(format!(
                        "{label}:\n  expected {expected}\n  found    {found}"
                    ));
                }
            }
        }
    }
    assert!(count >= 150, "only {count} corpus cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One assertion of a highlight test: the capture expected at a position (or, with `!`, not).
struct Assertion {
    point: Point,
    capture: String,
    negated: bool,
    line: usize,
}

/// `-- ^ keyword` points at a column of the nearest line above that is not an assertion;
/// `-- <- keyword` at the column where the comment starts.
fn parse_assertions(text: &str, comment: &str) -> Vec<Assertion> {
    let mut assertions = Vec::new();
    let mut last_code_row = None;
    for (row, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix(comment) else {
            last_code_row = Some(row);
            continue;
        };
        let comment_col = line.len() - trimmed.len();
        let after = rest.trim_start();
        let (column, spec) = if let Some(spec) = after.strip_prefix("<-") {
            (comment_col, spec)
        } else if let Some(position) = line.find('^').filter(|_| after.starts_with('^')) {
            let carets = line[position..].chars().take_while(|&c| c == '^').count();
            (position, &line[position + carets..])
        } else {
            last_code_row = Some(row);
            continue;
        };
        let Some(code_row) = last_code_row else {
            continue;
        };
        for capture in spec.split_whitespace() {
            let (negated, name) = match capture.strip_prefix('!') {
                Some(name) => (true, name),
                None => (false, capture),
            };
            assertions.push(Assertion {
                point: Point {
                    row: code_row,
                    column,
                },
                capture: name.to_string(),
                negated,
                line: row + 1,
            });
        }
    }
    assertions
}

/// The capture a highlighter shows at `point`: the innermost captured node wins; for one node,
/// the pattern written first in the query wins.
fn capture_at(query: &Query, tree: &Tree, text: &str, point: Point) -> Option<String> {
    let mut cursor = QueryCursor::new();
    let mut best: Option<(usize, usize, String)> = None;
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    while let Some(found) = matches.next() {
        for capture in found.captures() {
            let node: Node = capture.node;
            if !(node.start_position() <= point && point < node.end_position()) {
                continue;
            }
            let name = query.capture_names()[capture.index as usize];
            if name.starts_with('_') || name.starts_with("injection") {
                continue;
            }
            let size = node.byte_range().len();
            let better = best.as_ref().is_none_or(|(best_size, best_pattern, _)| {
                (size, found.pattern_index) < (*best_size, *best_pattern)
            });
            if better {
                best = Some((size, found.pattern_index, name.to_string()));
            }
        }
    }
    best.map(|(_, _, name)| name)
}

#[test]
fn highlight_assertions() {
    let mut failures = Vec::new();
    let mut count = 0;
    for grammar in grammars() {
        let query = Query::new(&grammar.language, grammar.highlights).unwrap();
        let comment = if grammar.name == "prisma" { "//" } else { "--" };
        for file in files(&grammar.dir.join("test/highlight")) {
            let text = std::fs::read_to_string(&file).unwrap();
            let tree = parse(&grammar.language, &text);
            for assertion in parse_assertions(&text, comment) {
                count += 1;
                let found = capture_at(&query, &tree, &text, assertion.point);
                let matches = found.as_deref() == Some(assertion.capture.as_str());
                if matches == assertion.negated {
                    failures.push(format!(
                        "{}:{}: expected {}{} at {}:{}, found {found:?}",
                        file.display(),
                        assertion.line,
                        if assertion.negated { "not " } else { "" },
                        assertion.capture,
                        assertion.point.row + 1,
                        assertion.point.column + 1,
                    ));
                }
            }
        }
    }
    assert!(count >= 100, "only {count} highlight assertions found");
    assert!(
        failures.is_empty(),
        "{} of {count} assertions failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
