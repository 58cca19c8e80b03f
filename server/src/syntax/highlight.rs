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
    let names = query.capture_names();
    let mut found: Vec<Highlight> = Vec::new();
    let mut cursor = QueryCursor::new();
    for (tree, chunk) in trees.chunk_trees() {
        let start = chunk.start().max(range.start());
        let end = chunk.end().min(range.end());
        if start >= end {
            continue;
        }
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
}
