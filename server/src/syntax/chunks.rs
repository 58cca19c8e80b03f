//! A file's syntax trees, in chunks of whole top-level statements, so that an edit reparses only
//! the chunk it falls in.
//!
//! Tree-sitter's incremental reparse rebuilds the repetition at the root of the tree, which costs
//! time in proportion to the number of top-level statements: tens of milliseconds per keystroke
//! on a schema of 15 000 statements. So a SQL text is kept as chunks of [`CHUNK_BYTES`] on
//! average; an edit reparses the chunks it touches (with an included range, so positions
//! stay those of the whole text) and the other chunks keep their trees, moved when the edit lies
//! before them.
//!
//! A chunk ends right after a *closed* statement: one that ends with its `;` (or a complete psql
//! line or COPY block), has no syntax error and does not follow a statement with errors, lone
//! `;`s between them counting as part of it (where that error's recovery ends differs between
//! parses); and the next chunk starts with a
//! statement without errors. After a closed statement the parser is back in its start state, so
//! the next chunk parses on its own as it does in the whole text, except where error recovery
//! would differ, which the second condition excludes. A reparse that breaks either condition at
//! its ends (a `;` deleted, a quote left open, an error in its first statement) takes in the
//! neighbouring chunk, and so on.
//!
//! Error recovery is not a function of the statement alone: where two recoveries cost the same,
//! the one kept depends on the rest of the parse, up to where it ends (an error later in the same
//! parse can tip it), and on the old subtrees an incremental parse reuses. So that an edited text
//! reports the errors a fresh open of it does, a chunk with errors always has a tree of its own,
//! parsed from scratch over the chunk alone, and where chunks end depends only on the statements
//! there, not on where the previous chunk started ([`ends_chunk`]): a text edited into chunks and
//! the same text cut fresh end their chunks at the same statements.
//!
//! A SQL text with a bracket, quote or comment that is never closed is first cut into parts
//! (`resync.rs`), each parsed on its own: a chunk never spans a cut, and the chunk after one starts
//! in the start state whatever precedes it. An edit that changes where the text is cut parses
//! all its parts again.
//!
//! Syntax errors are kept per chunk with offsets relative to its start; a line:column a message
//! names is written when the errors are read, so a chunk that moves keeps its errors as they are.
//!
//! Prisma files are small: they are one chunk, reparsed whole.

use std::sync::{Arc, OnceLock};

use tree_sitter::{InputEdit, Node, Point, Range, Tree};

use super::errors::FoundError;
use super::highlight::Highlight;
use super::resync::{
    Opener, Scan, Segment, Unclosed, block_comment_closed, restarts_after_edit,
    segments_and_statements,
};
use super::{Language, SyntaxError, parse, parse_range, reparse_range, syntax_errors_in};
use crate::text::{LineIndex, TextRange};

/// Chunks hold this many bytes on average.
const CHUNK_BYTES: u32 = 8 * 1024;

/// The syntax trees of one text.
#[derive(Clone)]
pub struct SyntaxTrees {
    language: Language,
    /// In text order, covering the whole text without gaps.
    chunks: Vec<Chunk>,
    /// The parts of the text parsed apart, cut after an opener that is never closed (SQL).
    segments: Vec<Segment>,
    /// Where the lexical scan that finds the parts may restart after an edit, when the text is
    /// one part because every opener closes in order (SQL).
    restarts: Option<Arc<[u32]>>,
    /// The lexical scan of an SQL text without restarts, to rescan only around the next edit.
    scan: Option<Arc<Scan>>,
}

/// Where a text is cut into parts, with what lets the next edit rescan only around itself.
struct Cuts {
    parts: Vec<Segment>,
    restarts: Option<Vec<u32>>,
    scan: Option<Scan>,
}

#[derive(Clone)]
struct Chunk {
    range: TextRange,
    start: Point,
    end: Point,
    /// A tree holding the chunk's statements; neighbouring chunks may share it (one `Arc`: a
    /// `Tree` copy's root node has an address of its own, so copies cannot be told apart).
    tree: Arc<Tree>,
    /// The syntax errors in the chunk, with offsets relative to its start.
    errors: Arc<[FoundError]>,
    /// Whether the chunk ends where the text is cut after an opener that is never closed: the
    /// next chunk is parsed from the start state whatever comes before it.
    cut: bool,
    /// The chunk's highlights, relative to its start, once asked for: they stay right while
    /// edits elsewhere only move the chunk.
    highlights: Arc<OnceLock<Vec<Highlight>>>,
}

/// A chunk as the highlighter sees it.
pub(super) struct HighlightedChunk<'a> {
    pub tree: &'a Tree,
    pub range: TextRange,
    pub highlights: &'a OnceLock<Vec<Highlight>>,
}

/// Where a reparse changed the trees: `old` in the previous text became `new`. Statements outside
/// are the same text as before (after `new` moved by the edit's length change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reparsed {
    pub old: TextRange,
    pub new: TextRange,
}

impl SyntaxTrees {
    /// Parses a whole text.
    pub fn parse(language: Language, text: &str) -> SyntaxTrees {
        let cuts = cuts(language, text);
        let tree = (cuts.parts.len() == 1).then(|| parse(language, text, None));
        SyntaxTrees::build(language, tree, text, cuts)
    }

    /// The chunks of a tree of the whole text. A text cut after an opener that is never closed
    /// is parsed again in its parts.
    pub fn from_tree(language: Language, tree: Tree, text: &str) -> SyntaxTrees {
        let cuts = cuts(language, text);
        let tree = (cuts.parts.len() == 1).then_some(tree);
        SyntaxTrees::build(language, tree, text, cuts)
    }

    /// Parses an SQL text in up to `pieces` pieces, one thread each, and runs `then` on each
    /// piece's tree in the thread that parsed it.
    ///
    /// The pieces end after statements where a parse of the whole text ends a chunk
    /// ([`ends_chunk`]), found by a lexical scan that each piece's parse then confirms, so the
    /// chunks are those of a whole parse. `None` when the text has syntax errors, is cut after an
    /// opener that is never closed, or a parse does not confirm where the scan cut: parse it
    /// whole then, as error recovery may depend on all of it.
    pub fn parse_in_pieces<T: Send>(
        text: &str,
        pieces: usize,
        then: impl Fn(&Tree) -> T + Sync,
    ) -> Option<(SyntaxTrees, Vec<T>)> {
        let pieces = Pieces::cut(text, pieces)?;
        let parse_piece = |index: usize| -> Option<(Vec<Chunk>, T)> {
            let (tree, region) = pieces.parse(text, index)?;
            let value = then(&tree);
            let chunks = split(
                Language::Sql,
                &Arc::new(tree),
                region,
                text,
                None,
                false,
                Parsed::Afresh,
            );
            Some((chunks, value))
        };
        let count = pieces.regions.len();
        let parsed = crate::parallel::try_map(count, count, parse_piece)?;
        let mut chunks = Vec::new();
        let mut values = Vec::with_capacity(parsed.len());
        for (piece_chunks, value) in parsed {
            chunks.extend(piece_chunks);
            values.push(value);
        }
        let trees = SyntaxTrees {
            language: Language::Sql,
            chunks,
            segments: pieces.parts,
            restarts: pieces.restarts.map(Arc::from),
            scan: None,
        };
        Some((trees, values))
    }

    /// Runs `then` on the trees of an SQL text parsed in pieces of about `piece_bytes`, cut as
    /// [`SyntaxTrees::parse_in_pieces`] cuts, on up to `threads` threads; each tree is dropped
    /// once `then` has read it. For a run that needs what `then` makes of the trees and not the
    /// trees: a large schema's trees take as much memory as all the rest, and only those of the
    /// pieces being read are held at once. `None` where `parse_in_pieces` gives `None`.
    pub fn read_in_pieces<T: Send>(
        text: &str,
        piece_bytes: usize,
        threads: usize,
        then: impl Fn(&Tree) -> T + Sync,
    ) -> Option<Vec<T>> {
        let pieces = Pieces::cut(text, text.len().div_ceil(piece_bytes.max(1)))?;
        crate::parallel::try_map(pieces.regions.len(), threads, |index| {
            let (tree, _) = pieces.parse(text, index)?;
            Some(then(&tree))
        })
    }

    /// The trees of the parts of `text`; `whole` is the tree of a text in one part.
    fn build(language: Language, whole: Option<Tree>, text: &str, cuts: Cuts) -> SyntaxTrees {
        let parts = cuts.parts;
        let whole = whole.map(Arc::new);
        let mut chunks = Vec::new();
        let (mut start, mut start_point) = (0, Point::new(0, 0));
        let last = parts.len() - 1;
        for (index, part) in parts.iter().enumerate() {
            let end = part.end as usize;
            let end_point = advanced(start_point, &text[start..end]);
            let region = Range {
                start_byte: start,
                end_byte: end,
                start_point,
                end_point,
            };
            let tree = match &whole {
                Some(tree) => tree.clone(),
                None => Arc::new(parse_range(language, text, region)),
            };
            chunks.extend(split(
                language,
                &tree,
                region,
                text,
                part.unclosed,
                index < last,
                Parsed::Afresh,
            ));
            (start, start_point) = (end, end_point);
        }
        SyntaxTrees {
            language,
            chunks,
            segments: parts,
            restarts: cuts.restarts.map(Arc::from),
            scan: cuts.scan.map(Arc::new),
        }
    }

    /// Whether every chunk holds the one tree of the whole text: a text freshly parsed in one
    /// part (not cut after an opener that is never closed) without a chunk of its own (one with
    /// syntax errors, when there are several chunks).
    pub fn is_whole_tree(&self) -> bool {
        self.segments.len() == 1
            && self
                .chunks
                .windows(2)
                .all(|pair| Arc::ptr_eq(&pair[0].tree, &pair[1].tree))
    }

    /// The trees of `text`, which `edits` (applied in order, as [`Tree::edit`] takes them) made
    /// from the text of these trees; `changed` covers every byte of `text` that differs (in new
    /// coordinates) and `delta` is how much the text after it moved.
    pub fn reparse(
        &self,
        text: &str,
        edits: &[InputEdit],
        changed: TextRange,
        delta: i64,
    ) -> (SyntaxTrees, Reparsed) {
        let old_start = changed.start();
        let old_end = u32::try_from(i64::from(changed.end()) - delta)
            .unwrap_or(old_start)
            .max(old_start);
        let last_index = self.chunks.len() - 1;
        let changed_old = TextRange::new(old_start, old_end);
        let cuts = self.cuts_after_edit(text, changed_old, delta);
        if !self.same_parts(&cuts.parts, edits, changed_old) {
            return self.reparse_new_parts(text, edits, changed_old, changed, delta, cuts);
        }
        let parts = &cuts.parts;
        let (mut first, mut last) = self.touched(changed_old);
        if self.language == Language::Prisma {
            last = last_index;
        }
        let mut edited = EditedTrees::new(edits);
        let old_tree = edited.of(&self.chunks[first].tree);
        let (tree, region) = loop {
            // The end of the text also moves with text inserted right at it.
            let at_end = last == last_index;
            let (end_byte, end_point) = moved(
                self.chunks[last].range.end() as usize,
                self.chunks[last].end,
                edits,
                at_end,
            );
            let start = &self.chunks[first];
            let region = Range {
                start_byte: start.range.start() as usize,
                end_byte,
                start_point: start.start,
                end_point,
            };
            let tree = Arc::new(reparse_range(self.language, text, &old_tree, region));
            // After a cut the parser starts afresh, and nothing is parsed across one.
            let start_clean =
                first == 0 || self.chunks[first - 1].cut || starts_clean(&tree, region.start_byte);
            let ending = if last == last_index || self.chunks[last].cut {
                Ending::Closed
            } else {
                ending(&tree, region.end_byte, text)
            };
            if start_clean && ending == Ending::Closed {
                break (tree, region);
            }
            (first, last) = widened(first, last, last_index, start_clean, ending, |index| {
                self.chunks[index].cut
            });
        };
        let mut chunks = Vec::with_capacity(self.chunks.len() + 1);
        chunks.extend(self.kept_before(first, &mut edited));
        let (unclosed, cut) = in_part(parts, region);
        chunks.extend(split(
            self.language,
            &tree,
            region,
            text,
            unclosed,
            cut,
            Parsed::Incrementally,
        ));
        chunks.extend(self.kept_after(last, &mut edited));
        let new = TextRange::from_usize(region.start_byte..region.end_byte);
        self.replaced(first..=last, new, chunks, cuts)
    }

    /// Where the edited text is cut: rescanned around the edit where this text's restarts or
    /// scan allow it, else scanned whole. `changed` is where the old text changed.
    fn cuts_after_edit(&self, text: &str, changed: TextRange, delta: i64) -> Cuts {
        if let Some(restarts) = self
            .restarts
            .as_deref()
            .and_then(|restarts| restarts_after_edit(restarts, text, changed, delta))
        {
            let whole = Segment {
                end: text.len() as u32,
                unclosed: None,
            };
            return Cuts {
                parts: vec![whole],
                restarts: Some(restarts),
                scan: None,
            };
        }
        match self
            .scan
            .as_deref()
            .and_then(|scan| scan.after_edit(text, changed, delta))
        {
            Some(scan) => Cuts::of_scan(text, scan),
            None => cuts(self.language, text),
        }
    }

    /// The chunks before `first`, unchanged but for their trees, which get the edits.
    fn kept_before(&self, first: usize, edited: &mut EditedTrees) -> Vec<Chunk> {
        self.chunks[..first]
            .iter()
            .map(|chunk| Chunk {
                tree: edited.of(&chunk.tree),
                ..chunk.clone()
            })
            .collect()
    }

    /// The chunks after `last`, moved by the edits (which all lie before them).
    fn kept_after(&self, last: usize, edited: &mut EditedTrees) -> Vec<Chunk> {
        let text_end = self.chunks[self.chunks.len() - 1].range.end();
        self.chunks[last + 1..]
            .iter()
            .map(|chunk| {
                let (start_byte, start) = moved(
                    chunk.range.start() as usize,
                    chunk.start,
                    edited.edits,
                    false,
                );
                let (end_byte, end) = moved(
                    chunk.range.end() as usize,
                    chunk.end,
                    edited.edits,
                    chunk.range.end() == text_end,
                );
                Chunk {
                    range: TextRange::from_usize(start_byte..end_byte),
                    start,
                    end,
                    tree: edited.of(&chunk.tree),
                    errors: Arc::clone(&chunk.errors),
                    cut: chunk.cut,
                    highlights: Arc::clone(&chunk.highlights),
                }
            })
            .collect()
    }

    /// As [`SyntaxTrees::reparse`], for an edit that changed where the text is cut into parts:
    /// an opener left open, or one closed again. The chunks around the edit and around every
    /// cut or unclosed opener that is new or gone are parsed again, each part from the
    /// parser's start state, until the parse ends where a kept chunk starts as it did; the
    /// other chunks are kept, as for any edit.
    #[allow(clippy::too_many_arguments)]
    fn reparse_new_parts(
        &self,
        text: &str,
        edits: &[InputEdit],
        changed_old: TextRange,
        changed: TextRange,
        delta: i64,
        cuts: Cuts,
    ) -> (SyntaxTrees, Reparsed) {
        let parts = &cuts.parts;
        let affected = self.parts_differ(parts, edits, changed_old, changed);
        let last_index = self.chunks.len() - 1;
        // The affected range starts at or before the edit and ends at or after it.
        let affected_old_end = u32::try_from(i64::from(affected.end()) - delta)
            .unwrap_or(changed_old.end())
            .max(changed_old.end());
        let (mut first, mut last) =
            self.touched(TextRange::new(affected.start(), affected_old_end));
        let cut_at: Vec<usize> = parts[..parts.len() - 1]
            .iter()
            .map(|part| part.end as usize)
            .collect();
        let is_cut = |at: usize| cut_at.binary_search(&at).is_ok();
        let moved_end = |index: usize| {
            let chunk = &self.chunks[index];
            moved(
                chunk.range.end() as usize,
                chunk.end,
                edits,
                index == last_index,
            )
        };
        let pieces = loop {
            let start = &self.chunks[first];
            let (end_byte, end_point) = moved_end(last);
            // The region cut where the new text is cut; each piece parsed on its own.
            let mut pieces: Vec<(Range, Arc<Tree>)> = Vec::new();
            let (mut from, mut from_point) = (start.range.start() as usize, start.start);
            let region_start = from;
            let inner = cut_at
                .iter()
                .copied()
                .filter(|&cut| cut > region_start && cut < end_byte);
            for to in inner.chain([end_byte]) {
                let to_point = if to == end_byte {
                    end_point
                } else {
                    advanced(from_point, &text[from..to])
                };
                let region = Range {
                    start_byte: from,
                    end_byte: to,
                    start_point: from_point,
                    end_point: to_point,
                };
                pieces.push((region, Arc::new(parse_range(self.language, text, region))));
                (from, from_point) = (to, to_point);
            }
            let start_clean = region_start == 0
                || is_cut(region_start)
                || starts_clean(&pieces[0].1, region_start);
            let ending = match pieces.last() {
                Some((_, tree)) if last != last_index && !is_cut(end_byte) => {
                    ending(tree, end_byte, text)
                }
                _ => Ending::Closed,
            };
            if start_clean && ending == Ending::Closed {
                break pieces;
            }
            (first, last) = widened(first, last, last_index, start_clean, ending, |index| {
                is_cut(moved_end(index).0)
            });
        };
        let mut edited = EditedTrees::new(edits);
        let mut chunks = self.kept_before(first, &mut edited);
        for (region, tree) in &pieces {
            let (unclosed, cut) = in_part(parts, *region);
            chunks.extend(split(
                self.language,
                tree,
                *region,
                text,
                unclosed,
                cut,
                Parsed::Afresh,
            ));
        }
        chunks.extend(self.kept_after(last, &mut edited));
        let new =
            TextRange::from_usize(pieces[0].0.start_byte..pieces[pieces.len() - 1].0.end_byte);
        self.replaced(first..=last, new, chunks, cuts)
    }

    /// The first and last chunk that `range` (before the edits) touches, counting one that
    /// merely ends or starts where it does.
    fn touched(&self, range: TextRange) -> (usize, usize) {
        let last_index = self.chunks.len() - 1;
        let first = self
            .chunks
            .iter()
            .position(|c| c.range.end() >= range.start())
            .unwrap_or(last_index);
        let last = self
            .chunks
            .iter()
            .rposition(|c| c.range.start() <= range.end())
            .unwrap_or(first)
            .max(first);
        (first, last)
    }

    /// The trees after a reparse that replaced the chunks `replaced` by those of `new`.
    fn replaced(
        &self,
        replaced: std::ops::RangeInclusive<usize>,
        new: TextRange,
        chunks: Vec<Chunk>,
        cuts: Cuts,
    ) -> (SyntaxTrees, Reparsed) {
        let old = TextRange::new(
            self.chunks[*replaced.start()].range.start(),
            self.chunks[*replaced.end()].range.end(),
        );
        let trees = SyntaxTrees {
            language: self.language,
            chunks,
            segments: cuts.parts,
            restarts: cuts.restarts.map(Arc::from),
            scan: cuts.scan.map(Arc::new),
        };
        (trees, Reparsed { old, new })
    }

    /// The range of the edited text covering `changed` and every cut or unclosed opener of
    /// `parts` that is not one of this text's moved by `edits`, or the other way round.
    /// `changed_old` is `changed` before the edits.
    fn parts_differ(
        &self,
        parts: &[Segment],
        edits: &[InputEdit],
        changed_old: TextRange,
        changed: TextRange,
    ) -> TextRange {
        // A cut is a mark without an opener. Marks within the change are covered by it.
        fn marks(parts: &[Segment], at: impl Fn(u32) -> Option<u32>) -> Vec<(u32, u8)> {
            let last = parts.len() - 1;
            let mut marks: Vec<(u32, u8)> = Vec::new();
            for (index, part) in parts.iter().enumerate() {
                if index < last {
                    marks.extend(at(part.end).map(|end| (end, 0)));
                }
                if let Some(unclosed) = part.unclosed {
                    let kind = match unclosed.opener {
                        Opener::Parenthesis => 1,
                        Opener::Bracket => 2,
                        Opener::String => 3,
                        Opener::QuotedIdentifier => 4,
                        Opener::Comment => 5,
                        Opener::Dollar(_) => 6,
                    };
                    marks.extend(at(unclosed.at).map(|at| (at, kind)));
                }
            }
            marks.sort_unstable();
            marks
        }
        let old = marks(&self.segments, |at| {
            (!changed_old.contains_inclusive(at)).then(|| moved_byte(at as usize, edits) as u32)
        });
        let new = marks(parts, |at| (!changed.contains_inclusive(at)).then_some(at));
        let (mut start, mut end) = (changed.start(), changed.end());
        let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
        loop {
            let differing = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) if a == b => {
                    old.next();
                    new.next();
                    continue;
                }
                (Some(a), Some(b)) if a < b => old.next(),
                (Some(_), Some(_)) => new.next(),
                (Some(_), None) => old.next(),
                (None, Some(_)) => new.next(),
                (None, None) => break,
            };
            if let Some(&(at, _)) = differing {
                (start, end) = (start.min(at), end.max(at));
            }
        }
        TextRange::new(start, end)
    }

    /// Whether `parts` of the edited text are the parts of this one, moved by `edits` (none of
    /// their positions within `changed`, in the coordinates before the edits).
    fn same_parts(&self, parts: &[Segment], edits: &[InputEdit], changed: TextRange) -> bool {
        if parts.len() != self.segments.len() {
            return false;
        }
        let last = parts.len() - 1;
        let moved_to = |offset: u32| {
            (!changed.contains_inclusive(offset)).then(|| moved_byte(offset as usize, edits) as u32)
        };
        self.segments
            .iter()
            .zip(parts)
            .enumerate()
            .all(|(index, (old, new))| {
                let end = if index == last {
                    Some(new.end)
                } else {
                    moved_to(old.end)
                };
                let unclosed = match (old.unclosed, new.unclosed) {
                    (None, None) => true,
                    (Some(old), Some(new)) => {
                        old.opener == new.opener && moved_to(old.at) == Some(new.at)
                    }
                    _ => false,
                };
                end == Some(new.end) && unclosed
            })
    }

    /// Each chunk's tree with the part of the text it covers, in text order (neighbouring
    /// chunks may share a tree, the same `&Tree`: only its nodes within the range belong to the
    /// chunk).
    pub fn chunk_trees(&self) -> impl Iterator<Item = (&Tree, TextRange)> {
        self.chunks.iter().map(|chunk| (&*chunk.tree, chunk.range))
    }

    /// Each chunk with its kept highlights, in text order.
    pub(super) fn highlighted_chunks(&self) -> impl Iterator<Item = HighlightedChunk<'_>> {
        self.chunks.iter().map(|chunk| HighlightedChunk {
            tree: &chunk.tree,
            range: chunk.range,
            highlights: &chunk.highlights,
        })
    }

    /// The top-level statements (comments and other extras skipped), in order.
    pub fn statements(&self) -> impl Iterator<Item = Node<'_>> {
        self.chunks.iter().flat_map(|chunk| {
            top_level(&chunk.tree, chunk.range).filter(|node| node.is_named() && !node.is_extra())
        })
    }

    /// Every top-level node in order, comments included.
    pub fn top_level_nodes(&self) -> impl Iterator<Item = Node<'_>> {
        self.chunks
            .iter()
            .flat_map(|chunk| top_level(&chunk.tree, chunk.range))
    }

    /// The top-level statements that start in `range`.
    pub fn statements_in(&self, range: TextRange) -> impl Iterator<Item = Node<'_>> {
        self.chunks
            .iter()
            .filter(move |chunk| {
                chunk.range.end() > range.start() && chunk.range.start() < range.end()
            })
            .flat_map(|chunk| top_level(&chunk.tree, chunk.range))
            .filter(move |node| {
                node.is_named() && !node.is_extra() && range.contains(node.start_byte() as u32)
            })
    }

    /// The smallest node at `offset`.
    pub fn node_at(&self, offset: usize) -> Option<Node<'_>> {
        // The chunk holding `offset`; a chunk's tree may know nodes past its end that are stale.
        let index = self
            .chunks
            .partition_point(|chunk| (chunk.range.end() as usize) <= offset)
            .min(self.chunks.len() - 1);
        let chunk = &self.chunks[index];
        chunk
            .tree
            .root_node()
            .descendant_for_byte_range(offset, offset)
    }

    /// The nodes at `offset` from the root down to [`SyntaxTrees::node_at`]'s: a walk up this
    /// list is linear, one up through `Node::parent` (a search from the root) quadratic.
    pub fn path_at(&self, offset: usize) -> Vec<Node<'_>> {
        let index = self
            .chunks
            .partition_point(|chunk| (chunk.range.end() as usize) <= offset)
            .min(self.chunks.len() - 1);
        let root = self.chunks[index].tree.root_node();
        let mut path = vec![root];
        let mut cursor = root.walk();
        // The child that node_at descends into: it reaches past `offset` (an empty one up to
        // it) and does not start after it.
        'descend: while cursor.goto_first_child() {
            loop {
                let node = cursor.node();
                let (start, end) = (node.start_byte(), node.end_byte());
                if end > offset || (start == end && end == offset) {
                    if start > offset {
                        break 'descend;
                    }
                    path.push(node);
                    continue 'descend;
                }
                if !cursor.goto_next_sibling() {
                    break 'descend;
                }
            }
        }
        path
    }

    /// The syntax errors of the whole text, in order; `lines` indexes the text.
    pub fn syntax_errors(&self, lines: &LineIndex) -> Vec<SyntaxError> {
        let mut all = Vec::new();
        for chunk in &self.chunks {
            let base = i64::from(chunk.range.start());
            all.extend(
                chunk
                    .errors
                    .iter()
                    .map(|error| error.moved(base).render(lines)),
            );
        }
        all
    }

    /// The tree of a text kept in one chunk (always for Prisma).
    pub fn single_tree(&self) -> Option<&Tree> {
        match self.chunks.as_slice() {
            [only] => Some(&only.tree),
            _ => None,
        }
    }

    /// How many chunks the text is kept in.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// No trees at all, for a text checked once whose trees are no longer needed once it is
    /// lowered: it has no statements, nodes or highlights, and cannot be reparsed.
    pub fn released(language: Language) -> SyntaxTrees {
        SyntaxTrees {
            language,
            chunks: Vec::new(),
            segments: Vec::new(),
            restarts: None,
            scan: None,
        }
    }
}

/// An SQL text cut into pieces at statements that end a chunk, each to be parsed on its own.
struct Pieces {
    parts: Vec<Segment>,
    restarts: Option<Vec<u32>>,
    regions: Vec<Range>,
    /// The statement each piece but the last ends with, which its parse must end with too.
    cuts: Vec<Option<TextRange>>,
}

impl Pieces {
    /// About `pieces` pieces of similar size; `None` for a text cut into parts (an opener never
    /// closed) or that cannot be cut at all.
    fn cut(text: &str, pieces: usize) -> Option<Pieces> {
        let (parts, restarts, statements) = segments_and_statements(text);
        if parts.len() != 1 {
            return None;
        }
        let mut ends = statements.into_iter().filter(|statement| {
            ends_chunk(&text[statement.start() as usize..statement.end() as usize])
        });
        let mut cuts: Vec<Option<TextRange>> = Vec::new();
        for piece in 1..pieces {
            let middle = (text.len() * piece / pieces) as u32;
            match ends.find(|statement| statement.end() >= middle) {
                Some(statement) if statement.end() < text.len() as u32 => {
                    cuts.push(Some(statement));
                }
                _ => break,
            }
        }
        if cuts.is_empty() {
            return None;
        }
        cuts.push(None);
        let mut regions = Vec::with_capacity(cuts.len());
        let (mut start, mut start_point) = (0, Point::new(0, 0));
        for cut in &cuts {
            let end = cut.map_or(text.len(), |statement| statement.end() as usize);
            let end_point = advanced(start_point, &text[start..end]);
            regions.push(Range {
                start_byte: start,
                end_byte: end,
                start_point,
                end_point,
            });
            (start, start_point) = (end, end_point);
        }
        Some(Pieces {
            parts,
            restarts,
            regions,
            cuts,
        })
    }

    /// The tree of piece `index`, or `None` when its parse has errors or does not end with the
    /// statement the scan cut after.
    fn parse(&self, text: &str, index: usize) -> Option<(Tree, Range)> {
        let region = self.regions[index];
        let cut = self.cuts[index];
        let tree = parse_range(Language::Sql, text, region);
        let range = TextRange::from_usize(region.start_byte..region.end_byte);
        let nodes: Vec<Node> = top_level(&tree, range).collect();
        let confirmed = !tree.root_node().has_error()
            && !nodes.iter().any(|node| leaves_token_open(*node, text))
            && cut.is_none_or(|cut| {
                nodes
                    .iter()
                    .rfind(|node| is_statement(**node))
                    .is_some_and(|last| super::range(*last) == cut)
            });
        drop(nodes);
        confirmed.then_some((tree, region))
    }
}

/// The top-level nodes of `tree` (extras included) that start in `range`.
/// For a reparse that did not start clean or did not end closed, the chunks to reparse
/// instead of `first..=last`: one more before, or after, or up to the next chunk that
/// `ends_at_cut` (where a quote or comment left open may end, as it depends on all the text
/// after it up to a cut).
fn widened(
    first: usize,
    last: usize,
    last_index: usize,
    start_clean: bool,
    ending: Ending,
    ends_at_cut: impl Fn(usize) -> bool,
) -> (usize, usize) {
    let first = if start_clean { first } else { first - 1 };
    let last = match ending {
        Ending::Closed => last,
        Ending::Open => last + 1,
        Ending::Unterminated => (last + 1..last_index)
            .find(|&index| ends_at_cut(index))
            .unwrap_or(last_index),
    };
    (first, last)
}

/// Of the part a region of a reparse lies in: its unclosed opener if the region holds it, and
/// whether the region ends where the text is cut.
fn in_part(parts: &[Segment], region: Range) -> (Option<Unclosed>, bool) {
    let part = parts
        .iter()
        .position(|part| part.end as usize >= region.end_byte)
        .unwrap_or(parts.len() - 1);
    let unclosed = parts[part]
        .unclosed
        .filter(|unclosed| (region.start_byte..region.end_byte).contains(&(unclosed.at as usize)));
    let cut = parts[part].end as usize == region.end_byte && part < parts.len() - 1;
    (unclosed, cut)
}

/// Copies of trees with the edits applied, one per tree however many chunks share it. Every
/// chunk's tree gets every edit, also where it holds no statement of the chunk: any tree must
/// be right everywhere to serve as the old tree of a later reparse.
struct EditedTrees<'e> {
    edits: &'e [InputEdit],
    done: Vec<(Arc<Tree>, Arc<Tree>)>,
}

impl<'e> EditedTrees<'e> {
    fn new(edits: &'e [InputEdit]) -> Self {
        Self {
            edits,
            done: Vec::new(),
        }
    }

    fn of(&mut self, tree: &Arc<Tree>) -> Arc<Tree> {
        if let Some((_, done)) = self
            .done
            .iter()
            .find(|(original, _)| Arc::ptr_eq(original, tree))
        {
            return done.clone();
        }
        let mut copy = Tree::clone(tree);
        for edit in self.edits {
            copy.edit(edit);
        }
        let copy = Arc::new(copy);
        self.done.push((tree.clone(), copy.clone()));
        copy
    }
}

/// The top-level nodes of `tree` that start in `range` (see [`super::top_nodes`]).
fn top_level(tree: &Tree, range: TextRange) -> impl Iterator<Item = Node<'_>> {
    let mut cursor = tree.root_node().walk();
    // A cursor on the root has no siblings: a lone `ERROR` root comes out alone.
    let mut started = super::lone_error_root(tree)
        || cursor
            .goto_first_child_for_byte(range.start() as usize)
            .is_some();
    std::iter::from_fn(move || {
        while started {
            let node = cursor.node();
            started = cursor.goto_next_sibling();
            if node.start_byte() >= range.end() as usize {
                started = false;
                return None;
            }
            if node.start_byte() >= range.start() as usize {
                return Some(node);
            }
        }
        None
    })
}

/// How the tree of a region was parsed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parsed {
    /// From scratch, over exactly the region.
    Afresh,
    /// Reusing the subtrees of an old tree.
    Incrementally,
}

/// Cuts the part `region` of `tree` into chunks, each after a closed statement that
/// [`ends_chunk`], and finds each chunk's syntax errors; `unclosed` is an opener in the region
/// that is never closed, and `cut` says whether the region ends where the text is cut after one.
/// A chunk with errors gets its own tree, unless `tree` is its tree parsed afresh.
fn split(
    language: Language,
    tree: &Arc<Tree>,
    region: Range,
    text: &str,
    unclosed: Option<Unclosed>,
    cut: bool,
    parsed: Parsed,
) -> Vec<Chunk> {
    let whole = TextRange::from_usize(region.start_byte..region.end_byte);
    let errors = match unclosed {
        Some(unclosed) => errors_with_unclosed(language, tree, text, whole, unclosed),
        None => syntax_errors_in(language, tree, text, whole),
    };
    let mut cuts: Vec<(u32, Point)> = Vec::new();
    if language == Language::Sql {
        let nodes: Vec<Node> = top_level(tree, whole).collect();
        // Whether the last statement so far is closed: a comment after an open one is no end.
        let mut statement_closed = true;
        // Whether the last statement so far, and the one before it, have errors (see
        // `follows_error`).
        let (mut statement_error, mut after_error) = (false, false);
        for (index, node) in nodes.iter().enumerate() {
            // Where an unterminated quote or comment ends depends on everything after it.
            if leaves_token_open(*node, text) {
                break;
            }
            let closed = is_closed(*node, text);
            if is_statement(*node) {
                statement_closed = closed;
                after_error = statement_error;
                // A lone `;` after a broken statement says nothing of where its recovery ended.
                if node.kind() != "empty_statement" {
                    statement_error = node.has_error();
                }
            }
            let end = node.end_byte() as u32;
            if end >= whole.end()
                || !closed
                || !statement_closed
                || after_error
                || !ends_chunk(&text[node.byte_range()])
            {
                continue;
            }
            // The next chunk's first statement must parse the same from the parser's start state,
            // which error recovery does not promise.
            let next = nodes[index + 1..].iter().find(|next| is_statement(**next));
            if next.is_some_and(|next| next.has_error()) {
                continue;
            }
            cuts.push((end, node.end_position()));
        }
    }
    cuts.push((whole.end(), region.end_point));
    let mut chunks = Vec::with_capacity(cuts.len());
    let (mut start, mut start_point) = (whole.start(), region.start_point);
    let last = cuts.len() - 1;
    let tree_is_the_chunks = parsed == Parsed::Afresh && last == 0;
    for (index, (end, end_point)) in cuts.into_iter().enumerate() {
        let range = TextRange::new(start, end);
        // An error belongs to the chunk it starts in; one at the very end to the last chunk.
        let mut mine: Vec<FoundError> = errors
            .iter()
            .filter(|error| {
                error.range.start() >= start && (error.range.start() < end || index == last)
            })
            .cloned()
            .collect();
        let mut own_tree = tree.clone();
        if !mine.is_empty() && !tree_is_the_chunks {
            let own = Range {
                start_byte: start as usize,
                end_byte: end as usize,
                start_point,
                end_point,
            };
            own_tree = Arc::new(parse_range(language, text, own));
            mine = match unclosed.filter(|unclosed| range.contains(unclosed.at)) {
                Some(unclosed) => errors_with_unclosed(language, &own_tree, text, range, unclosed),
                None => syntax_errors_in(language, &own_tree, text, range),
            };
        }
        chunks.push(Chunk {
            range,
            start: start_point,
            end: end_point,
            tree: own_tree,
            errors: relative(mine, start),
            cut: cut && index == last,
            highlights: Arc::default(),
        });
        (start, start_point) = (end, end_point);
    }
    chunks
}

/// Whether a chunk ends after a closed top-level node with this text: decided by a hash of the
/// text alone, with a chance of its length in [`CHUNK_BYTES`], so that chunks hold that many
/// bytes on average and end at the same statements however the text came to be.
fn ends_chunk(node_text: &str) -> bool {
    // FNV-1a: stable across runs and builds, unlike the standard library's hasher.
    let hash = node_text
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    hash % u64::from(CHUNK_BYTES) < node_text.len() as u64
}

/// The syntax errors of `region` where `unclosed` is never closed: the error of the statement
/// holding it is one at the opener, unless it already names where something was opened.
fn errors_with_unclosed(
    language: Language,
    tree: &Tree,
    text: &str,
    region: TextRange,
    unclosed: Unclosed,
) -> Vec<FoundError> {
    let holder = top_level(tree, region).find(|node| node.end_byte() > unclosed.at as usize);
    let Some(holder) = holder.filter(|node| node.start_byte() <= unclosed.at as usize) else {
        let mut errors = syntax_errors_in(language, tree, text, region);
        errors.push(FoundError::new(unclosed.range(), unclosed.message(text)));
        return errors;
    };
    let start = holder.start_byte() as u32;
    let mut errors = syntax_errors_in(language, tree, text, TextRange::new(region.start(), start));
    let own = syntax_errors_in(language, tree, text, TextRange::new(start, start + 1));
    match own.into_iter().next() {
        Some(error) if error.names_position() => errors.push(error),
        _ => errors.push(FoundError::new(unclosed.range(), unclosed.message(text))),
    }
    errors.extend(syntax_errors_in(
        language,
        tree,
        text,
        TextRange::new(start + 1, region.end()),
    ));
    errors
}

/// The parts of a text parsed apart: SQL is cut after an opener that is never closed.
fn cuts(language: Language, text: &str) -> Cuts {
    match language {
        Language::Sql => Cuts::of_scan(text, Scan::of(text)),
        Language::Prisma => {
            let whole = Segment {
                end: text.len() as u32,
                unclosed: None,
            };
            Cuts {
                parts: vec![whole],
                restarts: None,
                scan: None,
            }
        }
    }
}

impl Cuts {
    /// The cuts a scan of an SQL text finds; the scan is kept unless restarts do its work.
    fn of_scan(text: &str, scan: Scan) -> Cuts {
        let parts = scan.segments(text);
        match scan.restarts() {
            Some(restarts) => Cuts {
                parts,
                restarts: Some(restarts),
                scan: None,
            },
            None => Cuts {
                parts,
                restarts: None,
                scan: Some(scan),
            },
        }
    }
}

/// The tree-sitter point after `text`, from `start`.
fn advanced(start: Point, text: &str) -> Point {
    match text.rfind('\n') {
        Some(last) => Point::new(
            start.row + text.matches('\n').count(),
            text.len() - last - 1,
        ),
        None => Point::new(start.row, start.column + text.len()),
    }
}

/// Errors with offsets relative to `base`.
fn relative(errors: Vec<FoundError>, base: u32) -> Arc<[FoundError]> {
    errors
        .iter()
        .map(|error| error.moved(-i64::from(base)))
        .collect()
}

/// Whether a top-level node is a statement or what is left of one: error recovery makes the
/// tokens it skips an extra, as comments are.
fn is_statement(node: Node) -> bool {
    !node.is_extra() || node.is_error()
}

/// Whether the text after `node` parses the same on its own: the statement is complete.
fn is_closed(node: Node, text: &str) -> bool {
    if node.has_error() || node.is_missing() {
        return false;
    }
    if node.is_extra() {
        if node.kind() == "block_comment" {
            return block_comment_closed(text.get(node.byte_range()).unwrap_or(""));
        }
        // A line comment or psql command runs to the end of its line: where the text goes on
        // without a line break, it goes on too (a reparse ended before the rest of the line).
        let after = text.get(node.end_byte()..).unwrap_or("");
        return after.is_empty() || after.starts_with(['\n', '\r']);
    }
    let last = node.child(node.child_count().saturating_sub(1));
    let copy_ended = || {
        // A COPY's data ends at its `\.` line; without one, it runs on to the end of the text.
        node.kind() == "copy_statement"
            && text
                .get(node.byte_range())
                .is_some_and(|copy| copy.ends_with("\\."))
    };
    last.is_some_and(|last| last.kind() == ";")
        || node.kind() == "psql_meta_command"
        || copy_ended()
}

/// Whether the last statement of `nodes` comes right after one with errors, lone `;`s between
/// them counting as part of it. Where error recovery ends is not settled: a fresh parse may
/// take that statement into the error that an incremental one ended before it, so no chunk
/// ends after it.
fn follows_error(nodes: &[Node]) -> bool {
    let mut statements = nodes.iter().rev().filter(|node| is_statement(**node));
    statements.next();
    statements
        .find(|node| node.kind() != "empty_statement")
        .is_some_and(|before| before.has_error())
}

/// How a reparsed region ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// The text after it parses the same on its own.
    Closed,
    /// Its last statement goes on past it.
    Open,
    /// A quote or comment in it did not end within it, so it may end anywhere after.
    Unterminated,
}

fn ending(tree: &Tree, end: usize, text: &str) -> Ending {
    let nodes: Vec<Node> = super::top_nodes(tree)
        .into_iter()
        .filter(|node| node.start_byte() < end)
        .collect();
    if nodes.iter().any(|node| leaves_token_open(*node, text)) {
        return Ending::Unterminated;
    }
    let Some(last) = nodes.last() else {
        return Ending::Closed;
    };
    let statement_closed = nodes
        .iter()
        .rfind(|node| is_statement(**node))
        .is_none_or(|statement| is_closed(*statement, text));
    // A fresh parse ends a chunk only where the last node's text says so: one an edit changed
    // may no longer end one, and the next chunk then parses with it.
    if is_closed(*last, text)
        && last.end_byte() <= end
        && statement_closed
        && !follows_error(&nodes)
        && text.get(last.byte_range()).is_some_and(ends_chunk)
    {
        Ending::Closed
    } else {
        Ending::Open
    }
}

/// Whether a top-level node holds a quote or comment that did not end: an unterminated block
/// comment, or a character that opens a quoted token and could not be lexed.
fn leaves_token_open(node: Node, text: &str) -> bool {
    let open_comment = |node: Node| node.kind() == "block_comment" && !is_closed(node, text);
    if open_comment(node) {
        return true;
    }
    node.has_error()
        && super::descendants(node).any(|inner| {
            open_comment(inner)
                || (inner.is_error()
                    && inner.child_count() == 0
                    && opens_token(&text[inner.start_byte()..]))
        })
}

/// Whether `rest` starts with what opens a quoted token (`'`, `"`, `$tag$`, `E'`, `U&'`...).
fn opens_token(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    matches!(
        bytes,
        [b'\'' | b'"' | b'$', ..]
            | [
                b'e' | b'E' | b'b' | b'B' | b'x' | b'X' | b'n' | b'N',
                b'\'',
                ..
            ]
            | [b'u' | b'U', b'&', b'\'' | b'"', ..]
    )
}

/// Whether the first statement of a reparsed region is free of errors, so that parsing it from the
/// parser's start state gives what parsing the text before it too would.
fn starts_clean(tree: &Tree, start: usize) -> bool {
    let first = super::top_nodes(tree)
        .into_iter()
        .find(|node| node.start_byte() >= start && is_statement(*node));
    first.is_none_or(|node| !node.has_error())
}

/// A byte offset after edits, given the offset before (not at the end of the text).
fn moved_byte(byte: usize, edits: &[InputEdit]) -> usize {
    edits.iter().fold(byte, |byte, edit| {
        if byte <= edit.start_byte {
            byte
        } else if byte < edit.old_end_byte {
            edit.new_end_byte
        } else {
            byte - edit.old_end_byte + edit.new_end_byte
        }
    })
}

/// A position after edits, given its position before: moved by edits before it, unchanged by
/// edits after it. `inclusive` moves it with text inserted right at it too (the end of the text).
fn moved(byte: usize, point: Point, edits: &[InputEdit], inclusive: bool) -> (usize, Point) {
    let (mut byte, mut point) = (byte, point);
    for edit in edits {
        let before = if inclusive {
            byte < edit.start_byte
        } else {
            byte <= edit.start_byte
        };
        if before {
            continue;
        }
        if byte < edit.old_end_byte {
            (byte, point) = (edit.new_end_byte, edit.new_end_position);
            continue;
        }
        let (old, new) = (edit.old_end_position, edit.new_end_position);
        point = if point.row == old.row {
            Point::new(new.row, new.column + (point.column - old.column))
        } else {
            Point::new(point.row - old.row + new.row, point.column)
        };
        byte = byte - edit.old_end_byte + edit.new_end_byte;
    }
    (byte, point)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::highlight::highlights;

    /// A statement's kind, range and tree.
    type Statement = (String, std::ops::Range<usize>, String);

    /// Every top-level statement and every syntax error.
    fn summary(trees: &SyntaxTrees, text: &str) -> (Vec<Statement>, Vec<SyntaxError>) {
        let statements = trees
            .statements()
            .map(|node| (node.kind().to_string(), node.byte_range(), node.to_sexp()))
            .collect();
        (statements, trees.syntax_errors(&LineIndex::new(text)))
    }

    fn point_at(text: &str, byte: usize) -> Point {
        let row = text[..byte].matches('\n').count();
        Point::new(row, byte - text[..byte].rfind('\n').map_or(0, |i| i + 1))
    }

    /// Replaces `start..end` of `text`; the edit as tree-sitter takes it.
    fn replace(text: &mut String, start: usize, end: usize, new: &str) -> InputEdit {
        let (start_position, old_end_position) = (point_at(text, start), point_at(text, end));
        text.replace_range(start..end, new);
        InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: start + new.len(),
            start_position,
            old_end_position,
            new_end_position: point_at(text, start + new.len()),
        }
    }

    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Random edits, most of them breaking the text, then undone: whatever the edits before, a
    /// text without syntax errors has exactly the trees a fresh parse gives. (Where the text has
    /// errors, a chunk's error recovery may differ from that of a whole-text parse.)
    /// `DDLINT_FUZZ_SEED` and `DDLINT_FUZZ_ROUNDS` run other or more rounds.
    #[test]
    fn valid_text_reparses_as_a_fresh_parse_after_any_edits() {
        let mut text: String = (0..1200)
            .map(|i| {
                format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, note text DEFAULT 'n;{i}');\n")
            })
            .collect();
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        assert!(trees.chunk_count() >= 4, "{} chunks", trees.chunk_count());
        let pieces = [
            "x",
            ";",
            "'",
            "$$",
            "/*",
            "*/",
            "(",
            ")",
            "\n",
            "é😀",
            "CREATE TABLE z (a int);",
            " -- c\n",
            "",
        ];
        let seed = std::env::var("DDLINT_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x2545_f491_4f6c_dd1d);
        let rounds = std::env::var("DDLINT_FUZZ_ROUNDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60);
        let mut rng = Rng(seed);
        let apply = |trees: &SyntaxTrees, text: &mut String, at: usize, end: usize, new: &str| {
            let edit = replace(text, at, end, new);
            let changed = TextRange::from_usize(at..edit.new_end_byte);
            let delta = edit.new_end_byte as i64 - edit.old_end_byte as i64;
            trees.reparse(text, &[edit], changed, delta).0
        };
        for round in 0..rounds {
            // Up to three edits, remembered so they can be undone in reverse order.
            let mut undo: Vec<(usize, usize, String)> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let boundaries: Vec<usize> = trees
                    .chunks
                    .iter()
                    .map(|c| c.range.end() as usize)
                    .collect();
                let near_boundary = rng.below(2) == 0;
                let mut at = if near_boundary {
                    boundaries[rng.below(boundaries.len())].saturating_sub(rng.below(3))
                } else {
                    rng.below(text.len() + 1)
                };
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let mut end = (at + rng.below(3)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let piece = pieces[rng.below(pieces.len())];
                undo.push((at, at + piece.len(), text[at..end].to_string()));
                trees = apply(&trees, &mut text, at, end, piece);
                // A valid text must already match.
                let fresh = SyntaxTrees::parse(Language::Sql, &text);
                if fresh.syntax_errors(&LineIndex::new(&text)).is_empty() {
                    assert_eq!(
                        summary(&trees, &text),
                        summary(&fresh, &text),
                        "round {round}, after an edit at {at}"
                    );
                }
            }
            for (at, end, old) in undo.into_iter().rev() {
                trees = apply(&trees, &mut text, at, end, &old);
            }
            let fresh = SyntaxTrees::parse(Language::Sql, &text);
            assert!(fresh.syntax_errors(&LineIndex::new(&text)).is_empty());
            assert_eq!(
                summary(&trees, &text),
                summary(&fresh, &text),
                "round {round}, after undoing its edits"
            );
        }
    }

    /// Random edits that leave errors in the text (unclosed brackets and quotes among them): the
    /// syntax errors, messages included, are always those of a fresh parse, whatever chunks and
    /// cuts the edits left. `DDLINT_FUZZ_SEED` and `DDLINT_FUZZ_ROUNDS` as above.
    #[test]
    fn syntax_errors_after_any_edits_are_those_of_a_fresh_parse() {
        let mut text: String = (0..1200)
            .map(|i| {
                format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, note text DEFAULT 'n;{i}');\n")
            })
            .collect();
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        let pieces = [
            "x",
            ";",
            "'",
            "E'\\'",
            "\"",
            "$$",
            "$b$",
            "/*",
            "*/",
            "(",
            "((((((((((((",
            ")",
            "[",
            "\n",
            "\r",
            ",",
            " -- c\n",
            "\nCREATE TABLE q (",
            "",
            "DEFAULT",
        ];
        let seed = std::env::var("DDLINT_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        let mut rng = Rng(seed);
        let rounds = std::env::var("DDLINT_FUZZ_ROUNDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60);
        for round in 0..rounds {
            let boundaries: Vec<usize> = trees
                .chunks
                .iter()
                .map(|c| c.range.end() as usize)
                .collect();
            let mut at = if rng.below(2) == 0 {
                boundaries[rng.below(boundaries.len())].saturating_sub(rng.below(3))
            } else {
                rng.below(text.len() + 1)
            };
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = (at + rng.below(3)).min(text.len());
            let piece = pieces[rng.below(pieces.len())];
            let edit = replace(&mut text, at, end, piece);
            let changed = TextRange::from_usize(at..edit.new_end_byte);
            let delta = edit.new_end_byte as i64 - edit.old_end_byte as i64;
            trees = trees.reparse(&text, &[edit], changed, delta).0;
            let lines = LineIndex::new(&text);
            assert_eq!(
                trees.syntax_errors(&lines),
                SyntaxTrees::parse(Language::Sql, &text).syntax_errors(&lines),
                "round {round}, after {piece:?} at {at}"
            );
            // Highlights kept from before the edit are those the chunks have now.
            let whole = TextRange::from_usize(0..text.len());
            let mut forgetting = trees.clone();
            for chunk in &mut forgetting.chunks {
                chunk.highlights = Arc::default();
            }
            assert_eq!(
                highlights(&trees, Language::Sql, &text, whole),
                highlights(&forgetting, Language::Sql, &text, whole),
                "round {round}, after {piece:?} at {at}"
            );
        }
    }

    /// Reparses `text` after replacing `start..end` by `new`.
    fn edited(
        trees: &SyntaxTrees,
        text: &mut String,
        start: usize,
        end: usize,
        new: &str,
    ) -> SyntaxTrees {
        let edit = replace(text, start, end, new);
        let changed = TextRange::from_usize(start..edit.new_end_byte);
        let delta = edit.new_end_byte as i64 - edit.old_end_byte as i64;
        trees.reparse(text, &[edit], changed, delta).0
    }

    /// Edits `trees` and `text`, checks that the statements and errors are a fresh parse's, and
    /// returns the fresh parse.
    fn edited_as_fresh(
        trees: &mut SyntaxTrees,
        text: &mut String,
        start: usize,
        end: usize,
        new: &str,
    ) -> SyntaxTrees {
        *trees = edited(trees, text, start, end, new);
        let fresh = SyntaxTrees::parse(Language::Sql, text);
        assert_eq!(summary(trees, text), summary(&fresh, text), "after {new:?}");
        fresh
    }

    fn messages(trees: &SyntaxTrees, text: &str) -> Vec<String> {
        let lines = LineIndex::new(text);
        trees
            .syntax_errors(&lines)
            .into_iter()
            .map(|error| error.message)
            .collect()
    }

    /// Tree-sitter counts only `\n` as a line break, editors and messages also a lone `\r`: the
    /// line an error message names follows one inserted above it.
    #[test]
    fn a_lone_carriage_return_above_moves_the_line_a_message_names() {
        let mut text: String = (0..600)
            .map(|i| format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, note text);\n"))
            .collect();
        text.push_str("CREATE TABLE broken (\n  id int\n;\n");
        let trees = SyntaxTrees::parse(Language::Sql, &text);
        assert!(trees.chunk_count() >= 2);
        assert_eq!(
            messages(&trees, &text),
            ["missing `)` to close the column list opened at 601:21"]
        );
        let trees = edited(&trees, &mut text, 10, 10, "\r");
        assert_eq!(
            messages(&trees, &text),
            ["missing `)` to close the column list opened at 602:21"]
        );
        let fresh = SyntaxTrees::parse(Language::Sql, &text);
        assert_eq!(messages(&trees, &text), messages(&fresh, &text));
    }

    /// Where two recoveries of an error cost the same, tree-sitter keeps the one that an error
    /// later in the same parse favours: here a fresh parse reaches the unterminated quote at the
    /// end, a reparse of the first chunk stops before it. (The fuzz target `edits` found it.)
    #[test]
    fn a_later_error_in_the_parse_does_not_change_the_recovery_of_an_earlier_one() {
        let mut text = String::from(
            "create domain d_fail as int4 constraint cc check (values > 1) deferrable;\n",
        );
        text.extend((0..800).map(|i| format!("CREATE TABLE t{i} (id bigint PRIMARY KEY);\n")));
        text.push_str(
            "create function f() as $$ x $$ language plpgsql immutable x\"\n e;\n\nselect 1;\n",
        );
        let trees = SyntaxTrees::parse(Language::Sql, &text);
        assert!(trees.chunk_count() >= 3);
        let trees = edited(&trees, &mut text, 0, 0, "");
        let fresh = SyntaxTrees::parse(Language::Sql, &text);
        assert_eq!(summary(&trees, &text), summary(&fresh, &text));
    }

    /// A comment after a broken statement is no place to end a chunk: the message of the error
    /// names the statement after it, which a chunk ending there would hide.
    #[test]
    fn no_chunk_ends_at_a_comment_after_a_broken_statement() {
        // Long comments, so that chunks end after some.
        let comment = "c".repeat(200);
        let statement =
            |i: usize| format!("CREATE TABLE t{i} (id bigint PRIMARY KEY); -- {i} {comment}\n");
        let mut text: String = (0..400).map(statement).collect();
        let trees = SyntaxTrees::parse(Language::Sql, &text);
        let boundary = trees
            .chunks
            .iter()
            .map(|chunk| chunk.range.end() as usize)
            .find(|&end| text[..end].ends_with(&comment));
        let Some(boundary) = boundary else {
            panic!("no chunk ends after a comment");
        };
        // Break the statement that ends the first chunk, away from the chunk's end.
        let semicolon = text[..boundary].rfind(';').unwrap_or(0);
        let trees = edited(&trees, &mut text, semicolon, semicolon + 1, ")");
        let fresh = SyntaxTrees::parse(Language::Sql, &text);
        assert_eq!(messages(&trees, &text), messages(&fresh, &text));
        assert!(
            messages(&fresh, &text)[0].contains("unexpected `CREATE`"),
            "{:?}",
            messages(&fresh, &text)
        );
    }

    /// The kinds of the statements and the syntax errors (covered text, message) of `text`.
    fn analysed(text: &str) -> (Vec<String>, Vec<(String, String)>) {
        let trees = SyntaxTrees::parse(Language::Sql, text);
        let kinds = trees
            .statements()
            .map(|node| node.kind().to_string())
            .collect();
        let errors = trees
            .syntax_errors(&LineIndex::new(text))
            .into_iter()
            .map(|error| {
                let covered = &text[error.range.start() as usize..error.range.end() as usize];
                (covered.to_string(), error.message)
            })
            .collect();
        (kinds, errors)
    }

    #[test]
    fn any_number_of_unclosed_parentheses_gives_one_error_and_spares_what_follows() {
        let never_closed = "`(` opened here is never closed; add the missing `)`";
        for depth in [1, 11, 50, 1000] {
            let open = "(".repeat(depth);
            let text = format!(
                "CREATE TABLE a (id int);\nSELECT {open}\nCREATE TABLE c (id int);\nCREATE INDEX i ON c (id);\n"
            );
            let (kinds, errors) = analysed(&text);
            assert_eq!(kinds.first().map(String::as_str), Some("create_table"));
            assert_eq!(
                kinds[kinds.len() - 2..],
                ["create_table", "create_index"],
                "{depth}: {kinds:?}"
            );
            assert_eq!(errors, [("(".to_string(), never_closed.to_string())]);
            // The innermost one is reported.
            let at = SyntaxTrees::parse(Language::Sql, &text).syntax_errors(&LineIndex::new(&text))
                [0]
            .range
            .start() as usize;
            assert_eq!(at, text.find('\n').unwrap_or(0) + 7 + depth);
            // At the end of the text, with nothing after it.
            let text = format!("CREATE TABLE a (id int);\nSELECT {open}\n");
            let (kinds, errors) = analysed(&text);
            assert_eq!(kinds.first().map(String::as_str), Some("create_table"));
            assert_eq!(
                errors,
                [("(".to_string(), never_closed.to_string())],
                "{depth}"
            );
        }
    }

    #[test]
    fn unclosed_quotes_comments_and_brackets_give_an_error_and_spare_what_follows() {
        let after = "\nCREATE TABLE c (id int);\nCOMMENT ON TABLE c IS 'c';\n";
        for (broken, covered, message) in [
            (
                "CREATE TABLE a (id int DEFAULT 'x);",
                "'",
                "unterminated string started at 1:32; add the closing `'`",
            ),
            (
                "CREATE TABLE a (id int DEFAULT E'x\\');",
                "E",
                "string opened here is never closed; add the closing `'`",
            ),
            (
                "CREATE TABLE \"a (id int);",
                "\"a (id int);",
                "unterminated quoted identifier started at 1:14; add the closing `\"`",
            ),
            (
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1;",
                "$$",
                "unterminated dollar-quoted string started at 1:49; add the closing `$$`",
            ),
            (
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1;",
                "$",
                "unterminated dollar-quoted string started at 1:49; add the closing `$body$`",
            ),
            (
                "CREATE TABLE a (id int); /* never closed",
                "/* never closed",
                "unterminated comment started at 1:26; add `*/`",
            ),
            (
                "CREATE TABLE a (id int); /* outer /* inner */",
                "/* outer /* inner */",
                "unterminated comment started at 1:26; add `*/`",
            ),
            (
                "CREATE TABLE a (id int[(1));",
                "[",
                "`[` opened here is never closed; add the missing `]`",
            ),
        ] {
            let text = format!("{broken}{after}");
            let (kinds, errors) = analysed(&text);
            assert_eq!(
                kinds[kinds.len() - 2..],
                ["create_table", "comment_statement"],
                "{broken}: {kinds:?}"
            );
            assert_eq!(
                errors,
                [(covered.to_string(), message.to_string())],
                "{broken}"
            );
        }
    }

    /// Dollar-quoted bodies and strings hold `CREATE` lines at column 0, and COPY data
    /// unbalanced brackets: a valid text is never cut.
    #[test]
    fn valid_text_with_statement_lines_inside_tokens_is_not_cut() {
        let text = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n\
            EXECUTE 'CREATE TABLE x (';\nEND\n$$;\nCOMMENT ON FUNCTION f() IS 'one\n\
            create a table (';\nCOPY t (a) FROM stdin;\n(1\n\\.\nCREATE TABLE t (a text);\n";
        let trees = SyntaxTrees::parse(Language::Sql, text);
        assert_eq!(trees.segments.len(), 1);
        assert!(trees.syntax_errors(&LineIndex::new(text)).is_empty());
    }

    /// Typing a bracket that is never closed, then more, then closing it: the trees follow
    /// the cut as a fresh parse does.
    #[test]
    fn edits_that_make_and_remove_a_cut_end_as_a_fresh_parse() {
        let mut text: String = (0..600)
            .map(|i| format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, note text);\n"))
            .collect();
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        let at = text.find("t300").unwrap_or(0) - 1;
        for (start, end, new) in [
            (at, at, "((((((((((((("),
            (at + 13, at + 13, "\r"),
            (at, at + 13, ""),
            (at, at, "'"),
            (at, at + 1, ""),
            (10, 10, "x"),
        ] {
            let fresh = edited_as_fresh(&mut trees, &mut text, start, end, new);
            assert_eq!(trees.segments.len(), fresh.segments.len());
        }
        assert_eq!(trees.segments.len(), 1);
    }

    /// Leaving a bracket, quote or comment open in a long text, and closing it again, parses
    /// only the chunks around the edit and around the cut it makes or removes again, and ends
    /// as a fresh parse of the result does.
    #[test]
    fn an_opener_left_open_or_closed_reparses_the_chunks_around_it() {
        let mut text: String = (0..4000)
            .map(|i| format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, note text);\n"))
            .collect();
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        let at = text.find("note text);\nCREATE TABLE t2000 ").unwrap_or(0) + "note text".len();
        let typed = text
            .find("(id bigint PRIMARY KEY, note text);\nCREATE TABLE t3000 ")
            .unwrap_or(0);
        for (start, end, new) in [
            (at, at + 1, ""),
            (at, at, ")"),
            (typed, typed, "'"),
            (typed + 1, typed + 1, "x"),
            (typed, typed + 2, ""),
            (at, at, "/*"),
            (at, at + 2, ""),
            (typed, typed + 1, ""),
            (typed, typed, "("),
        ] {
            let edit = replace(&mut text, start, end, new);
            let changed = TextRange::from_usize(start..edit.new_end_byte);
            let delta = edit.new_end_byte as i64 - edit.old_end_byte as i64;
            let reparsed;
            (trees, reparsed) = trees.reparse(&text, &[edit], changed, delta);
            let fresh = SyntaxTrees::parse(Language::Sql, &text);
            assert_eq!(
                summary(&trees, &text),
                summary(&fresh, &text),
                "after {new:?} at {start}"
            );
            assert_eq!(trees.segments, fresh.segments, "after {new:?} at {start}");
            let chunk_ends = |trees: &SyntaxTrees| -> Vec<(u32, bool)> {
                trees
                    .chunks
                    .iter()
                    .map(|c| (c.range.end(), c.cut))
                    .collect()
            };
            assert_eq!(
                chunk_ends(&trees),
                chunk_ends(&fresh),
                "after {new:?} at {start}"
            );
            assert!(
                reparsed.new.len() < text.len() as u32 / 5,
                "after {new:?} at {start}: reparsed {:?} of {} bytes",
                reparsed.new,
                text.len()
            );
        }
    }

    /// A comment that ends a chunk, opened again inside (comments nest): the parse of that chunk
    /// alone ends right after the inner comment's `*/`, but the comment now runs on over every
    /// statement after it (none starts a line, where the scan would cut the text), as in a
    /// fresh parse.
    #[test]
    fn a_comment_left_open_inside_by_a_nested_one_runs_on_past_its_chunk() {
        let comment = (0..1000)
            .map(|n| format!("/* note {n}: {} */", "x".repeat(300)))
            .find(|comment| ends_chunk(comment))
            .expect("a comment that ends a chunk");
        let mut text = format!("{comment}\n");
        text.extend((0..50).map(|i| format!(" CREATE TABLE t{i} (id bigint PRIMARY KEY);\n")));
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        assert_eq!(trees.chunks[0].range.end() as usize, comment.len());
        for (start, end, new) in [(3, 3, "/*"), (3, 5, "")] {
            edited_as_fresh(&mut trees, &mut text, start, end, new);
        }
    }

    /// A lone `;` after a broken statement belongs to it: the statement after both follows an
    /// error, and no chunk ends after it (found by the edits fuzz target: a fresh parse took the
    /// statement after the `;` into the error).
    #[test]
    fn a_statement_after_an_error_and_a_lone_semicolon_follows_the_error() {
        let text = "CREATE TABLE t (id int REFERENCES;\n;\nSELECT 1;\n";
        let tree = parse(Language::Sql, text, None);
        let nodes: Vec<Node> = top_level(&tree, TextRange::from_usize(0..text.len())).collect();
        let kinds: Vec<(&str, bool)> = nodes.iter().map(|n| (n.kind(), n.has_error())).collect();
        let last = kinds.len() - 1;
        assert!(kinds[0].1 && !kinds[last].1, "{kinds:?}");
        assert!(
            kinds[1..last]
                .iter()
                .all(|k| *k == ("empty_statement", false)),
            "{kinds:?}"
        );
        assert!(follows_error(&nodes));
        assert!(follows_error(&nodes[..2]));
        assert!(ending(&tree, text.len(), text) == Ending::Open);
    }

    /// A part in which nothing reduces to a statement parses into an `ERROR` root, which is its
    /// one statement: a broken one, so no chunk starts clean with it (found by the parse_sql
    /// fuzz target: an edit closed the quote that cut the text, the chunk before the part was
    /// kept, and the part's error was lost).
    #[test]
    fn a_part_that_parses_into_an_error_root_is_one_broken_statement() {
        let tail = "d\"x\"\"$$y$$;\"\\\"\"\nd\\";
        let tree = parse(Language::Sql, tail, None);
        assert!(
            tree.root_node().is_error(),
            "{}",
            tree.root_node().to_sexp()
        );
        assert_eq!(
            messages(&SyntaxTrees::parse(Language::Sql, tail), tail),
            ["incomplete `D` statement: it ends after `\\`"]
        );
        assert!(!starts_clean(&tree, 0));
        assert!(ending(&tree, tail.len(), tail) == Ending::Open);

        let mut text = String::from("CREATE TABLE a (id int);\nd\"   \"\"\"$$y$$;\"\\\"\"\nd\\");
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        let quote = text.find('"').unwrap_or(0) + 1;
        edited_as_fresh(&mut trees, &mut text, quote, quote + 4, "x");
        assert!(text.ends_with(tail), "{text:?}");
    }

    /// A line comment or psql command that an edit makes of a statement runs on past the
    /// statement's `;` to the end of the line, into the next chunk (found by the parse_sql fuzz
    /// target: `\E` made of `CREATE ROLE` kept the chunk of the `e` after it).
    #[test]
    fn a_comment_or_psql_command_made_of_a_statement_takes_in_the_rest_of_its_line() {
        for (start, end, new) in [(0, 10, "\\"), (0, 0, "--")] {
            let mut text = String::from("CREATE ROLE r63;e");
            let mut trees = SyntaxTrees::parse(Language::Sql, &text);
            assert_eq!(trees.chunk_count(), 2, "the role's statement ends a chunk");
            edited_as_fresh(&mut trees, &mut text, start, end, new);
            assert!(messages(&trees, &text).is_empty(), "{text:?}");
        }
    }

    /// A COPY whose `\.` an edit removed runs on to the end of the text, past the region the
    /// reparse covered (found by the parse_sql fuzz target). The last statement is one that
    /// ends a chunk.
    #[test]
    fn a_copy_that_lost_its_end_line_takes_in_the_rest_of_the_text() {
        let mut text = String::from(
            "''s('');--\nCOPY()FROM stdin;\nrt\n\\.\n\nselect * f();select * from t1606;\n",
        );
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        let start = text.find("rt").unwrap_or(0);
        let end = text.find("f()").unwrap_or(0) + 1;
        edited_as_fresh(&mut trees, &mut text, start, end, "NOT NULL");
    }

    /// Chunks end where a fresh parse ends them, also after an edit of the statement that ended
    /// one: its new text no longer ends a chunk, so the chunk after it is parsed with it (found
    /// by the parse_sql fuzz target, where a chunk with an error recovered as a fresh parse of
    /// the text did only when parsed together with the next chunk).
    #[test]
    fn a_statement_edited_so_that_it_no_longer_ends_a_chunk_joins_the_next_one() {
        let mut text: String = (0..600)
            .map(|i| format!("CREATE TABLE t{i} (id bigint PRIMARY KEY, note text);\n"))
            .collect();
        let trees = SyntaxTrees::parse(Language::Sql, &text);
        let ranges = |trees: &SyntaxTrees| {
            trees
                .chunk_trees()
                .map(|(_, range)| range)
                .collect::<Vec<_>>()
        };
        assert!(ranges(&trees).len() >= 2);
        let end = ranges(&trees)[0].end() as usize;
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let name_end = start + text[start..].find(" (").unwrap_or(0);
        let trees = edited(&trees, &mut text, name_end, name_end, "x");
        assert!(!ends_chunk(&text[start..=end]), "{:?}", &text[start..=end]);
        let fresh = SyntaxTrees::parse(Language::Sql, &text);
        assert_eq!(ranges(&trees), ranges(&fresh));
    }

    /// What the parser expected is read from a fresh parse: an incremental one keeps tokens of
    /// the text before the edit with the parse state they had then.
    #[test]
    fn what_was_expected_does_not_depend_on_the_edits_before() {
        let mut text = String::from(
            "ALTER TABLE post\n    DROP COLUMN federation_pending;\n\n\
             ALTER TABLE comment\n    DROP COLUMN federation_pending;\n",
        );
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        let second = text.rfind("MN federat").unwrap_or(0);
        let end = text.len() - 9;
        for (start, end, new) in [(second, second + 10, "\n"), (end - 3, end, "")] {
            trees = edited(&trees, &mut text, start, end, new);
            let fresh = SyntaxTrees::parse(Language::Sql, &text);
            assert_eq!(messages(&trees, &text), messages(&fresh, &text), "{text:?}");
        }
        assert!(text.ends_with("DROP COLU\nion_pendin"), "{text:?}");
    }

    /// Tree-sitter counts the text before a range into the cost of skipping its first token, so
    /// a part parsed over its range of the whole text recovered from errors by how long the text
    /// before it was. An edit above a comment that is never closed shortened it; the part after
    /// the cut kept its tree, and a fresh open parsed it otherwise. (The fuzz target `edits`
    /// found it.)
    #[test]
    fn the_recovery_of_a_part_does_not_depend_on_the_text_before_it() {
        let mut text = String::from(
            "TE\"s (accBLE unique co\" 1ely on.\nCRE events_kind_idx ON event'\n-- A covxs' \
             INCLUDE column the wider index la/*unt_coveCR\rLE t (id int);\n(account_id) \
             INCLUDE (px_idx ON events (regESC);\ntimestampothéression ser\"FERENCES t (id)BLE \
             tit\"b;\" text NOT NULL, UNIQUE (title));\nCREATE INDEX x ON i;ps);\nCREATE",
        );
        let mut trees = SyntaxTrees::parse(Language::Sql, &text);
        assert!(trees.segments.len() >= 2);
        for (start, end, new) in [(145, 159, "'"), (207, 215, "\r")] {
            trees = edited(&trees, &mut text, start, end, new);
            let fresh = SyntaxTrees::parse(Language::Sql, &text);
            assert_eq!(summary(&trees, &text), summary(&fresh, &text), "{text:?}");
            assert_eq!(messages(&trees, &text), messages(&fresh, &text), "{text:?}");
        }
    }

    #[test]
    fn several_edits_at_once() {
        let mut text: String = (0..800)
            .map(|i| format!("CREATE INDEX i{i} ON t (a);\n"))
            .collect();
        let trees = SyntaxTrees::parse(Language::Sql, &text);
        let first = replace(&mut text, 100, 101, "yy");
        let second = replace(&mut text, 15_000, 15_010, "");
        let changed = TextRange::new(100, 15_000);
        let (next, _) = trees.reparse(&text, &[first, second], changed, -9);
        assert_eq!(
            summary(&next, &text),
            summary(&SyntaxTrees::parse(Language::Sql, &text), &text)
        );
        assert_eq!(next.node_at(text.len() - 3).map(|n| n.kind()), Some(")"));
        for offset in [0, 99, 100, 5_000, text.len() - 3, text.len()] {
            assert_eq!(next.path_at(offset).last().copied(), next.node_at(offset));
        }
    }

    /// The chunks of a text parsed in pieces are those of a whole parse: same ranges, trees that
    /// give the same statements. (A piece never ends at a `COPY ... FROM stdin`: its data, even
    /// none, belongs to the statement.)
    #[track_caller]
    fn assert_same_as_whole(text: &str, pieces: usize) {
        let (trees, counts) = SyntaxTrees::parse_in_pieces(text, pieces, |tree| {
            crate::syntax::statements(tree).count()
        })
        .unwrap_or_else(|| panic!("{pieces} pieces refused"));
        let whole = SyntaxTrees::parse(Language::Sql, text);
        let ranges = |trees: &SyntaxTrees| -> Vec<TextRange> {
            trees.chunks.iter().map(|chunk| chunk.range).collect()
        };
        assert_eq!(ranges(&trees), ranges(&whole));
        assert_eq!(summary(&trees, text), summary(&whole, text));
        assert_eq!(counts.len(), pieces);
        assert_eq!(counts.iter().sum::<usize>(), whole.statements().count());
    }

    #[test]
    fn a_text_parsed_in_pieces_has_the_chunks_of_a_whole_parse() {
        let text: String = (0..3000)
            .map(|i| {
                format!(
                    "-- table {i}; (not a statement)\nCREATE TABLE t{i} (\n    id bigint, -- ;\n    \
                     note text DEFAULT 'a;b',\n    CHECK (note <> $$;$$)\n);\n\
                     CREATE FUNCTION f{i}() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;\n\
                     COPY t{i} (id, note) FROM stdin;\n{i}\tx;y\n\\.\n\
                     COPY t{i} (id) FROM stdin;\n\\.\n"
                )
            })
            .collect();
        for pieces in [2, 3, 5] {
            assert_same_as_whole(&text, pieces);
        }
    }

    /// Read in more pieces than threads, each piece's statements come back in the text's order,
    /// those of a whole parse; a text the scan cannot cut is refused as `parse_in_pieces`
    /// refuses it.
    #[test]
    fn a_text_read_in_pieces_gives_the_statements_of_a_whole_parse_in_order() {
        let text: String = (0..3000)
            .map(|i| format!("CREATE TABLE t{i} (id bigint, note text DEFAULT 'a;b');\n"))
            .collect();
        let whole: Vec<TextRange> = SyntaxTrees::parse(Language::Sql, &text)
            .statements()
            .map(crate::syntax::range)
            .collect();
        for (piece_bytes, threads) in [(4096, 2), (4096, 1), (20_000, 3)] {
            let read = SyntaxTrees::read_in_pieces(&text, piece_bytes, threads, |tree| {
                crate::syntax::statements(tree)
                    .map(crate::syntax::range)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_else(|| panic!("pieces of {piece_bytes} bytes refused"));
            // Pieces end where chunks may end, so there are fewer than asked for.
            assert!(
                read.len() > 3,
                "{} pieces of {piece_bytes} bytes",
                read.len()
            );
            assert_eq!(read.concat(), whole, "pieces of {piece_bytes} bytes");
        }
        // A text of one piece is left to a whole parse.
        assert!(SyntaxTrees::read_in_pieces(&text, text.len(), 2, |_| ()).is_none());
        let broken = format!("{text}CREATE TABLE broken (id bigint,);\n");
        assert!(SyntaxTrees::read_in_pieces(&broken, 4096, 2, |_| ()).is_none());
    }

    #[test]
    fn a_text_the_scan_cannot_cut_is_parsed_whole() {
        let valid: String = (0..2000)
            .map(|i| format!("CREATE TABLE t{i} (id bigint);\n"))
            .collect();
        let refused = |text: &str| SyntaxTrees::parse_in_pieces(text, 2, |_| ()).is_none();
        // A syntax error, anywhere.
        assert!(refused(&format!(
            "{valid}CREATE TABLE broken (id bigint,);\n"
        )));
        assert!(refused(&format!(
            "CREATE TABLE broken (id bigint,);\n{valid}"
        )));
        // The `;` of a body in BEGIN ATOMIC ... END is no statement end.
        let atomic: String = (0..2000)
            .map(|i| {
                format!(
                    "CREATE FUNCTION f{i}() RETURNS int LANGUAGE sql\n\
                     BEGIN ATOMIC\n  SELECT {i};\n  SELECT {i};\nEND;\n"
                )
            })
            .collect();
        if let Some((trees, _)) = SyntaxTrees::parse_in_pieces(&atomic, 2, |_| ()) {
            let whole = SyntaxTrees::parse(Language::Sql, &atomic);
            assert_eq!(summary(&trees, &atomic), summary(&whole, &atomic));
        }
        // An opener that is never closed cuts the text into parts: parsed as before.
        assert!(refused(&format!(
            "{valid}CREATE TABLE open (id bigint\n{valid}"
        )));
    }

    /// On the corpus (`DDLINT_CORPUS`): every SQL file of 256 KiB or more parsed in two pieces
    /// (where it can be) gives the chunks of a whole parse.
    #[test]
    fn corpus_files_parsed_in_pieces_have_the_chunks_of_a_whole_parse() {
        let Some(corpus) = std::env::var_os("DDLINT_CORPUS") else {
            println!("DDLINT_CORPUS is not set; skipping the corpus test");
            return;
        };
        let mut large = Vec::new();
        let mut folders = vec![std::path::PathBuf::from(corpus)];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "sql")
                    && entry.metadata().is_ok_and(|m| m.len() >= 256 * 1024)
                {
                    large.push(path);
                }
            }
        }
        assert!(!large.is_empty(), "no SQL file of 256 KiB in the corpus");
        let mut pieced = 0;
        for path in &large {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            if SyntaxTrees::parse_in_pieces(&text, 2, |_| ()).is_some() {
                assert_same_as_whole(&text, 2);
                pieced += 1;
            }
        }
        println!(
            "{pieced} of {} large SQL files parsed in pieces",
            large.len()
        );
        assert!(pieced > 0, "no large corpus file was parsed in pieces");
    }
}
