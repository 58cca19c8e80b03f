//! Highlighting from the grammars' highlight queries: each captured node's range with the
//! capture's name (`keyword`, `type.builtin`, `string`, ...), over every chunk of a file.

use std::sync::OnceLock;

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use super::{Language, SyntaxTrees};
use crate::text::TextRange;

/// A captured range and the highlight query's name for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub capture: &'static str,
}

/// The language's highlight query; `None` if it does not compile against the grammar (the
/// grammar crate's tests check that it does).
fn query(language: Language) -> Option<&'static Query> {
    static QUERIES: [OnceLock<Option<Query>>; 2] = [OnceLock::new(), OnceLock::new()];
    let (slot, source) = match language {
        Language::Sql => (&QUERIES[0], ddlint_grammar::HIGHLIGHTS_QUERY),
        Language::Prisma => (&QUERIES[1], ddlint_grammar::PRISMA_HIGHLIGHTS_QUERY),
    };
    slot.get_or_init(|| Query::new(&language.tree_sitter(), source).ok())
        .as_ref()
}

/// Ranges from this size up are highlighted on several threads.
const PARALLEL_FROM: u32 = 256 * 1024;

/// The captures of `query` in `chunks`, within `range`, in the order the query yields them.
fn capture(
    query: &'static Query,
    chunks: &[(&tree_sitter::Tree, TextRange)],
    text: &str,
    range: TextRange,
) -> Vec<Highlight> {
    let names = query.capture_names();
    let mut found: Vec<Highlight> = Vec::new();
    let mut cursor = QueryCursor::new();
    for (tree, chunk) in chunks {
        let start = chunk.start().max(range.start());
        let end = chunk.end().min(range.end());
        cursor.set_byte_range(start as usize..end as usize);
        let mut captures = cursor.captures(query, tree.root_node(), text.as_bytes());
        while let Some((matched, index)) = captures.next() {
            let capture = matched.captures()[*index];
            let node_range = TextRange::from(capture.node.byte_range());
            if node_range.start() < start || node_range.end() > end || node_range.is_empty() {
                continue;
            }
            found.push(Highlight {
                range: node_range,
                capture: names[capture.index as usize],
            });
        }
    }
    found
}

/// The highlights of the part of `text` in `range`, in text order, without overlaps: where
/// captures nest, the innermost wins (a string inside a default, a name inside a call).
pub fn highlights(
    trees: &SyntaxTrees,
    language: Language,
    text: &str,
    range: TextRange,
) -> Vec<Highlight> {
    let Some(query) = query(language) else {
        return Vec::new();
    };
    let chunks: Vec<(&tree_sitter::Tree, TextRange)> = trees
        .chunk_trees()
        .filter(|(_, chunk)| chunk.start().max(range.start()) < chunk.end().min(range.end()))
        .collect();
    // A whole large file (an editor's first full request) is split between the cores; a
    // visible range is not worth a thread.
    let parts = if range.len() >= PARALLEL_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let mut found: Vec<Highlight> = if parts > 1 && chunks.len() >= parts {
        let per_part = chunks.len().div_ceil(parts);
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .chunks(per_part)
                .map(|part| scope.spawn(move || capture(query, part, text, range)))
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    } else {
        capture(query, &chunks, text, range)
    };
    // Outer captures first, then the inner ones that split them.
    found.sort_by_key(|h| (h.range.start(), std::cmp::Reverse(h.range.end())));
    let mut flat: Vec<Highlight> = Vec::with_capacity(found.len());
    for highlight in found {
        match flat.last_mut() {
            Some(last) if last.range.end() > highlight.range.start() => {
                // Nested: the inner capture replaces the outer one over its range.
                let outer = *last;
                if outer.range.start() < highlight.range.start() {
                    last.range = TextRange::new(outer.range.start(), highlight.range.start());
                } else {
                    flat.pop();
                }
                flat.push(highlight);
                if highlight.range.end() < outer.range.end() {
                    flat.push(Highlight {
                        range: TextRange::new(highlight.range.end(), outer.range.end()),
                        capture: outer.capture,
                    });
                }
            }
            _ => flat.push(highlight),
        }
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

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
