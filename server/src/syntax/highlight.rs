//! Highlighting from the grammars' highlight queries: each captured node's range with the
//! capture's name (`keyword`, `type.builtin`, `string`, ...), over every chunk of a file.

use std::sync::OnceLock;

use tree_sitter::Tree;

use super::chunks::HighlightedChunk;
use super::highlight_rules::{Ancestor, HighlightRules, Visited};
use super::{Language, SyntaxTrees};
use crate::text::TextRange;

/// A captured range and the highlight query's name for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub capture: &'static str,
}

/// The language's highlight query as a table; `None` if it does not compile (the tests of this
/// module check that both do).
fn rules(language: Language) -> Option<&'static HighlightRules> {
    static RULES: [OnceLock<Option<HighlightRules>>; 2] = [OnceLock::new(), OnceLock::new()];
    let (slot, source) = match language {
        Language::Sql => (&RULES[0], ddlint_grammar::HIGHLIGHTS_QUERY),
        Language::Prisma => (&RULES[1], ddlint_grammar::PRISMA_HIGHLIGHTS_QUERY),
    };
    slot.get_or_init(|| HighlightRules::compile(&language.tree_sitter(), source).ok())
        .as_ref()
}

/// Ranges from this size up are highlighted on several threads.
const PARALLEL_FROM: u32 = 256 * 1024;

/// Parts a range is cut into per thread, taken in turn by whichever thread is free.
const PARTS_PER_THREAD: usize = 4;

/// The flattened highlights of each chunk of `run` (neighbouring chunks sharing one tree), within
/// `range`, from one walk: each walk starts by finding its first statement among all the tree's
/// statements, which is not worth repeating per chunk.
fn highlight_run(
    rules: &'static HighlightRules,
    run: &[HighlightedChunk],
    text: &str,
    range: TextRange,
) -> Vec<Vec<Highlight>> {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return Vec::new();
    };
    let start = first.range.start().max(range.start());
    let end = last.range.end().min(range.end());
    let mut found = Vec::new();
    walk(
        rules,
        first.tree,
        text,
        TextRange::new(start, end),
        &mut Vec::new(),
        &mut found,
    );
    let mut per_chunk = vec![Vec::new(); run.len()];
    // The walk finds nodes in text order, so their chunks come in order too.
    let mut index = 0;
    for highlight in found {
        while run
            .get(index)
            .is_some_and(|chunk| chunk.range.end() <= highlight.range.start())
        {
            index += 1;
        }
        // A node reaching past its chunk is not the chunk's (as when highlighted alone).
        if let Some(chunk) = run.get(index)
            && chunk.range.contains_range(highlight.range)
        {
            per_chunk[index].push(highlight);
        }
    }
    per_chunk.into_iter().map(flatten).collect()
}

/// One walk over the nodes of `tree` that overlap `range`, keeping the kinds (and, where a rule
/// asks, the fields) of the nodes above the current one.
fn walk(
    rules: &'static HighlightRules,
    tree: &Tree,
    text: &str,
    range: TextRange,
    ancestors: &mut Vec<Ancestor>,
    found: &mut Vec<Highlight>,
) {
    let (start, end) = (range.start() as usize, range.end() as usize);
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let kind = node.kind_id();
        let parent = ancestors.last();
        // Below a node inside the range every node is inside it: most nodes need no offsets.
        let (overlaps, inside) = if parent.is_some_and(|parent| parent.inside) {
            (true, true)
        } else {
            let (node_start, node_end) = (node.start_byte(), node.end_byte());
            (
                node_end > start && node_start < end,
                node_start >= start && node_end <= end,
            )
        };
        if inside && rules.may_capture(kind, parent.map(|parent| parent.kind)) {
            let (node_start, node_end) = (node.start_byte(), node.end_byte());
            if node_start < node_end {
                let node_range = TextRange::from_usize(node_start..node_end);
                let mut field = || cursor.field_id();
                // A copy of the cursor: `Node::next_sibling` searches down from the root.
                let mut last_named = || {
                    let mut probe = cursor.clone();
                    while probe.goto_next_sibling() {
                        if probe.node().is_named() {
                            return false;
                        }
                    }
                    true
                };
                let mut visited = Visited {
                    kind,
                    field: &mut field,
                    last_named: &mut last_named,
                    text: &text[node_start..node_end],
                };
                rules.captures(&mut visited, ancestors, &mut |capture| {
                    found.push(Highlight {
                        range: node_range,
                        capture,
                    })
                });
            }
        }
        if overlaps {
            let field = if rules.needs_ancestor_field(kind) {
                cursor.field_id()
            } else {
                None
            };
            // Only a node that starts before the range needs a search for its first child.
            let entered = if inside || node.start_byte() >= start {
                cursor.goto_first_child()
            } else {
                cursor.goto_first_child_for_byte(start).is_some()
            };
            if entered {
                ancestors.push(Ancestor {
                    kind,
                    field,
                    inside,
                });
                continue;
            }
        }
        // The next node after this one's subtree, before `end`.
        loop {
            if cursor.goto_next_sibling()
                && (ancestors.last().is_some_and(|parent| parent.inside)
                    || cursor.node().start_byte() < end)
            {
                break;
            }
            if ancestors.pop().is_none() || !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// The highlights of the part of `text` in `range`, in text order, without overlaps: where
/// captures nest, the innermost wins (a string inside a default, a name inside a call).
pub fn highlights(
    trees: &SyntaxTrees,
    language: Language,
    text: &str,
    range: TextRange,
) -> Vec<Highlight> {
    let mut flat = Vec::new();
    for_each_highlight(trees, language, text, range, |highlight| {
        flat.push(highlight)
    });
    flat
}

/// Calls `each` with the highlights [`highlights`] returns, in order, without collecting them.
pub fn for_each_highlight(
    trees: &SyntaxTrees,
    language: Language,
    text: &str,
    range: TextRange,
    mut each: impl FnMut(Highlight),
) {
    let Some(rules) = rules(language) else {
        return;
    };
    let chunks: Vec<HighlightedChunk> = trees
        .highlighted_chunks()
        .filter(|chunk| chunk.range.start().max(range.start()) < chunk.range.end().min(range.end()))
        .collect();
    // A chunk the range covers whole is highlighted once and kept; one it covers in part is
    // highlighted over that part.
    let whole = |chunk: &HighlightedChunk| range.contains_range(chunk.range);
    let missing: Vec<usize> = (0..chunks.len())
        .filter(|&index| !whole(&chunks[index]) || chunks[index].highlights.get().is_none())
        .collect();
    let missing_bytes: u32 = missing.iter().map(|&index| chunks[index].range.len()).sum();
    // A whole large file (an editor's first full request) is split between the cores; a
    // visible range or an edited chunk is not worth a thread.
    let threads = if missing_bytes >= PARALLEL_FROM {
        crate::cores().min(4)
    } else {
        1
    };
    // Statements differ in how many nodes a byte holds: each thread takes the next run of
    // chunks when it is done with one, rather than a fixed share.
    let per_run = if threads > 1 {
        missing.len().div_ceil(threads * PARTS_PER_THREAD)
    } else {
        usize::MAX
    };
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for &index in &missing {
        match runs.last_mut() {
            Some(run)
                if run.end == index
                    && run.len() < per_run
                    && std::ptr::eq(chunks[index].tree, chunks[index - 1].tree) =>
            {
                run.end += 1;
            }
            _ => runs.push(index..index + 1),
        }
    }
    // Each run gives the highlights of the chunks the range covers in part; those it covers
    // whole are kept in the chunk.
    let highlight = |index: usize| {
        let run = runs[index].clone();
        let found = highlight_run(rules, &chunks[run.clone()], text, range);
        let mut partial = Vec::new();
        for (index, found) in run.zip(found) {
            let chunk = &chunks[index];
            if whole(chunk) {
                let base = i64::from(chunk.range.start());
                let relative = found.into_iter().map(|h| moved(h, -base)).collect();
                // Another request may have kept the same highlights first.
                let _ = chunk.highlights.set(relative);
            } else {
                partial.push((index, found));
            }
        }
        partial
    };
    // What is left: the chunks the range covers in part, in order.
    let mut partial = crate::parallel::map(runs.len(), threads, highlight)
        .into_iter()
        .flatten()
        .peekable();
    for (index, chunk) in chunks.iter().enumerate() {
        match partial.next_if(|(at, _)| *at == index) {
            Some((_, found)) => found.into_iter().for_each(&mut each),
            None => {
                let base = i64::from(chunk.range.start());
                let kept = chunk.highlights.get().map_or(&[][..], Vec::as_slice);
                kept.iter().for_each(|h| each(moved(*h, base)));
            }
        }
    }
}

fn moved(highlight: Highlight, delta: i64) -> Highlight {
    Highlight {
        range: highlight.range.shift(delta).unwrap_or(highlight.range),
        ..highlight
    }
}

/// Captures in text order without overlaps: where captures nest, the innermost wins over its
/// range; of captures of one range, the last.
fn flatten(mut found: Vec<Highlight>) -> Vec<Highlight> {
    // Outer captures first, then the inner ones that split them.
    found.sort_by_key(|h| (h.range.start(), std::cmp::Reverse(h.range.end())));
    let mut flat: Vec<Highlight> = Vec::with_capacity(found.len());
    let (mut overlapped, mut after) = (Vec::new(), Vec::new());
    for highlight in found {
        let (start, end) = (highlight.range.start(), highlight.range.end());
        // The pieces it overlaps are the last ones (those kept are disjoint and in order): each
        // keeps what lies before and after it. There can be several: an outer capture already
        // split by an inner one, or an earlier capture of the same range.
        let first = flat.partition_point(|kept| kept.range.end() <= start);
        overlapped.extend(flat.drain(first..));
        for piece in overlapped.drain(..) {
            if piece.range.start() < start {
                flat.push(Highlight {
                    range: TextRange::new(piece.range.start(), start),
                    ..piece
                });
            }
            if piece.range.end() > end {
                after.push(Highlight {
                    range: TextRange::new(piece.range.start().max(end), piece.range.end()),
                    ..piece
                });
            }
        }
        flat.push(highlight);
        flat.append(&mut after);
    }
    flat
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use tree_sitter::{Query, QueryCursor, StreamingIterator};

    use super::*;

    /// What tree-sitter's own query engine captures, flattened the same way: the reference the
    /// compiled table must agree with.
    fn by_query(trees: &SyntaxTrees, language: Language, text: &str) -> Vec<Highlight> {
        static QUERIES: [OnceLock<Query>; 2] = [OnceLock::new(), OnceLock::new()];
        let (slot, source) = match language {
            Language::Sql => (&QUERIES[0], ddlint_grammar::HIGHLIGHTS_QUERY),
            Language::Prisma => (&QUERIES[1], ddlint_grammar::PRISMA_HIGHLIGHTS_QUERY),
        };
        let query = slot.get_or_init(|| {
            Query::new(&language.tree_sitter(), source).expect("the query compiles")
        });
        let names = query.capture_names();
        let mut found = Vec::new();
        let mut cursor = QueryCursor::new();
        for (tree, chunk) in trees.chunk_trees() {
            cursor.set_byte_range(chunk.start() as usize..chunk.end() as usize);
            let mut captures = cursor.captures(query, tree.root_node(), text.as_bytes());
            while let Some((matched, index)) = captures.next() {
                let capture = matched.captures()[*index];
                let range = TextRange::from(capture.node.byte_range());
                if chunk.contains_range(range) && !range.is_empty() {
                    found.push(Highlight {
                        range,
                        capture: names[capture.index as usize],
                    });
                }
            }
        }
        flatten(found)
    }

    /// Compares the walk with the query on `text`; the first difference, if any.
    fn difference(language: Language, text: &str) -> Option<String> {
        let trees = SyntaxTrees::parse(language, text);
        let whole = TextRange::new(0, text.len() as u32);
        let walked = highlights(&trees, language, text, whole);
        let queried = by_query(&trees, language, text);
        let show = |h: Option<&Highlight>| {
            h.map(|h| {
                let at = &text[h.range.start() as usize..h.range.end() as usize];
                format!("{:?} {at:?} {}", h.range, h.capture)
            })
        };
        (0..walked.len().max(queried.len()))
            .find(|&i| walked.get(i) != queried.get(i))
            .map(|i| {
                format!(
                    "walk {:?}, query {:?}",
                    show(walked.get(i)),
                    show(queried.get(i))
                )
            })
    }

    fn files_under(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, found);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("sql" | "prisma")
            ) {
                found.push(path);
            }
        }
    }

    fn assert_same_as_the_query(files: &[std::path::PathBuf]) {
        let mut compared = 0;
        for path in files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let language = match path.extension().and_then(|e| e.to_str()) {
                Some("prisma") => Language::Prisma,
                _ => Language::Sql,
            };
            if let Some(difference) = difference(language, &text) {
                panic!("{}: {difference}", path.display());
            }
            compared += 1;
        }
        assert!(compared > 0, "no file compared");
    }

    #[test]
    fn both_queries_compile_into_tables() {
        for language in [Language::Sql, Language::Prisma] {
            let source = match language {
                Language::Sql => ddlint_grammar::HIGHLIGHTS_QUERY,
                Language::Prisma => ddlint_grammar::PRISMA_HIGHLIGHTS_QUERY,
            };
            if let Err(error) = HighlightRules::compile(&language.tree_sitter(), source) {
                panic!("{language:?}: {error}");
            }
        }
    }

    #[test]
    fn the_walk_captures_what_the_query_captures_on_every_fixture() {
        let mut files = Vec::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        files_under(&root.join("src/rules/fixtures"), &mut files);
        files_under(&root.join("../examples"), &mut files);
        assert_same_as_the_query(&files);
    }

    #[test]
    fn the_walk_captures_what_the_query_captures_on_the_corpus() {
        let Some(corpus) = std::env::var_os("DDLINT_CORPUS") else {
            eprintln!("DDLINT_CORPUS is not set: the corpus comparison of highlights is skipped");
            return;
        };
        let corpus = Path::new(&corpus);
        let mut files = vec![corpus.join("sql/gitlab-structure.sql")];
        files_under(&corpus.join("pg-regress"), &mut files);
        files_under(&corpus.join("prisma"), &mut files);
        assert_same_as_the_query(&files);
    }

    fn captured(language: Language, text: &str) -> Vec<(&str, &'static str)> {
        let trees = SyntaxTrees::parse(language, text);
        let whole = TextRange::new(0, text.len() as u32);
        highlights(&trees, language, text, whole)
            .into_iter()
            .map(|h| {
                (
                    &text[h.range.start() as usize..h.range.end() as usize],
                    h.capture,
                )
            })
            .collect()
    }

    #[test]
    fn sql_keywords_types_strings_comments_and_numbers() {
        let found = captured(
            Language::Sql,
            "-- orders\nCREATE TABLE t (id bigint DEFAULT 1, s text DEFAULT 'x');\n",
        );
        for expected in [
            ("-- orders", "comment"),
            ("bigint", "type"),
            ("1", "number"),
            ("'x'", "string"),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
        assert!(
            found
                .iter()
                .any(|(_, capture)| capture.starts_with("keyword")),
            "{found:?}"
        );
        // Flat: no two highlights overlap.
        let trees = SyntaxTrees::parse(Language::Sql, "CREATE TABLE t (a int);");
        let flat = highlights(
            &trees,
            Language::Sql,
            "CREATE TABLE t (a int);",
            TextRange::new(0, 23),
        );
        assert!(
            flat.windows(2)
                .all(|w| w[0].range.end() <= w[1].range.start()),
            "{flat:?}"
        );
    }

    #[test]
    fn an_outer_capture_and_two_of_one_range_inside_it() {
        let at = |start, end, capture| Highlight {
            range: TextRange::new(start, end),
            capture,
        };
        let flat = flatten(vec![
            at(8, 12, "inner.first"),
            at(0, 16, "outer"),
            at(8, 12, "inner.last"),
            at(2, 4, "early"),
        ]);
        assert_eq!(
            flat,
            [
                at(0, 2, "outer"),
                at(2, 4, "early"),
                at(4, 8, "outer"),
                at(8, 12, "inner.last"),
                at(12, 16, "outer"),
            ]
        );
        // Where the ide fuzz target found `TIMESTAMP` highlighted twice.
        let text = "ALTER TABLE c ADD COLUMN at TIMESTAMP(3);\n";
        let trees = SyntaxTrees::parse(Language::Sql, text);
        let flat = highlights(&trees, Language::Sql, text, TextRange::new(0, 42));
        assert!(
            flat.windows(2)
                .all(|w| w[0].range.end() <= w[1].range.start()),
            "{flat:?}"
        );
    }

    #[test]
    fn prisma_attributes_and_types() {
        let found = captured(Language::Prisma, "model A {\n  id Int @id\n}\n");
        assert!(found.iter().any(|(text, _)| *text == "Int"), "{found:?}");
        assert!(
            found.iter().any(|(_, capture)| *capture == "attribute"),
            "{found:?}"
        );
    }

    #[test]
    fn a_large_file_on_several_threads_highlights_as_its_parts_do() {
        let statement = "CREATE TABLE t_{n} (id bigint PRIMARY KEY, note text DEFAULT 'ä', n int CHECK (n > 0)); -- {n}\n";
        let text: String = (0..4000)
            .map(|n| statement.replace("{n}", &n.to_string()))
            .collect();
        assert!(text.len() as u32 >= PARALLEL_FROM);
        let trees = SyntaxTrees::parse(Language::Sql, &text);
        assert!(
            trees.chunk_trees().count() >= 4,
            "one chunk: nothing to split"
        );
        let whole = highlights(
            &trees,
            Language::Sql,
            &text,
            TextRange::new(0, text.len() as u32),
        );
        // Parts below the threshold, cut at line starts, are highlighted on this thread.
        let mut parts = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let end = text[(start + 100_000).min(text.len())..]
                .find('\n')
                .map_or(text.len(), |i| (start + 100_000).min(text.len()) + i + 1);
            parts.extend(highlights(
                &trees,
                Language::Sql,
                &text,
                TextRange::from_usize(start..end),
            ));
            start = end;
        }
        assert_eq!(whole.len(), parts.len());
        assert!(whole == parts);
    }
}
