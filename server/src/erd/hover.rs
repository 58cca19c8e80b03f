//! The Markdown of a table hover: a header line (name, column count, where it is defined), the
//! columns with their types and constraints, then the neighbourhood as a text drawing and/or a
//! Mermaid `erDiagram`, as `[hover] erd` asks.

use std::fmt::Write as _;

use super::graph::Graph;
use super::mermaid::{self, Attributes};
use super::text::{self, MAX_NEIGHBOURS, Neighbourhood};
use super::{column_label, column_type, on_delete_text, table_label, truncate};
use crate::config::ErdHover;
use crate::file::FileData;
use crate::lower::ConstraintKind;
use crate::model::{Column, Constraint, Loc, Model, Table, TableId};
use crate::text::PositionEncoding;

/// Tables with more columns than this list only the first [`COLUMNS_WHEN_CUT`].
pub const MAX_COLUMNS: usize = 20;
pub const COLUMNS_WHEN_CUT: usize = 15;
/// Defaults longer than this are cut.
const MAX_DEFAULT_CHARS: usize = 40;

/// What a hover needs to know about the files behind the model.
pub trait Locations {
    /// The path to show for the file of `loc`, and the 1-based line `loc` starts on.
    fn path_and_line(&self, loc: Loc) -> Option<(String, u32)>;
    /// The text at `loc`.
    fn text(&self, loc: Loc) -> Option<&str>;
}

impl Locations for [FileData] {
    fn path_and_line(&self, loc: Loc) -> Option<(String, u32)> {
        let file = self.iter().find(|f| f.id == loc.file)?;
        let line = file
            .lines
            .line_col(loc.range.start(), PositionEncoding::Utf8)
            .line
            + 1;
        Some((file.path.display().to_string(), line))
    }

    fn text(&self, loc: Loc) -> Option<&str> {
        let file = self.iter().find(|f| f.id == loc.file)?;
        file.text
            .get(loc.range.start() as usize..loc.range.end() as usize)
    }
}

/// The hover of `table`:
///
/// ````markdown
/// **posts** · 3 columns · defined in db/0002_posts.sql:1
///
/// ```text
/// id         bigint  PK · identity
/// author_id  bigint  NOT NULL · FK → users.id (cascade)
/// title      text    NOT NULL
/// ```
///
/// ```text
/// (the neighbourhood drawing)
/// ```
/// ````
pub fn hover_markdown(
    model: &Model,
    table: TableId,
    files: &(impl Locations + ?Sized),
    mode: ErdHover,
) -> String {
    let table = model.table(table);
    let mut out = header(table, files);
    let comment = table
        .comment
        .as_deref()
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "));
    if let Some(comment) = comment.filter(|c| !c.is_empty()) {
        // In emphasis, a leading `#`, `>` or `-` cannot start a heading, quote or list.
        let _ = write!(out, "\n\n*{}*", escape(&comment));
    }
    out.push_str("\n\n");
    out.push_str(&columns_block(model, table, files));

    let graph = Graph::around(model, table.id);
    let hood = Neighbourhood::new(&graph, table.id, MAX_NEIGHBOURS);
    if hood.is_empty() {
        return out;
    }
    if matches!(mode, ErdHover::Text | ErdHover::Both) {
        let _ = write!(out, "\n```text\n{}\n```\n", text::draw(model, &hood));
    }
    if matches!(mode, ErdHover::Mermaid | ErdHover::Both) {
        let shown = hood.tables();
        let drawn = graph.restrict(|t| shown.contains(&t));
        let _ = write!(
            out,
            "\n```mermaid\n{}```\n",
            mermaid::render(model, &drawn, Attributes::Keys)
        );
        if mode == ErdHover::Mermaid && hood.hidden() > 0 {
            let _ = writeln!(out, "\n+{} more related tables not drawn", hood.hidden());
        }
    }
    out
}

/// `**posts** · 7 columns · defined in db/migrations/0002_posts.sql:1`
fn header(table: &Table, files: &(impl Locations + ?Sized)) -> String {
    let label = table_label(table);
    let mut parts = vec![format!("**{}**", escape(&label))];
    let sql_name = if table.name.schema == "public" {
        table.name.name.clone()
    } else {
        format!("{}.{}", table.name.schema, table.name.name)
    };
    if sql_name != label {
        parts.push(format!("table {}", escape(&sql_name)));
    }
    if let Some(parent) = &table.partition_of {
        parts.push(format!("partition of {}", escape(&parent.to_string())));
    }
    let count = table.columns.len();
    parts.push(format!(
        "{count} column{}",
        if count == 1 { "" } else { "s" }
    ));
    if let Some((path, line)) = files.path_and_line(table.name_loc) {
        parts.push(format!("defined in {}:{line}", escape(&path)));
    }
    parts.join(" · ")
}

/// The columns as aligned plain text in a code block: every client shows a code block as
/// written, while Markdown tables come out as raw pipes in Neovim and Helix.
fn columns_block(model: &Model, table: &Table, files: &(impl Locations + ?Sized)) -> String {
    let shown = if table.columns.len() > MAX_COLUMNS {
        COLUMNS_WHEN_CUT
    } else {
        table.columns.len()
    };
    let rows: Vec<[String; 3]> = table.columns[..shown]
        .iter()
        .map(|column| {
            [
                column_label(table, &column.name),
                column_type(table, &column.name),
                notes(model, table, column, files).join(" · "),
            ]
        })
        .collect();
    let width = |cell: usize| {
        rows.iter()
            .map(|row| row[cell].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (name_width, type_width) = (width(0), width(1));
    let mut body = String::new();
    for [name, ty, notes] in &rows {
        let line = format!("{name:name_width$}  {ty:type_width$}  {notes}");
        body.push_str(line.trim_end());
        body.push('\n');
    }
    if shown < table.columns.len() {
        let _ = writeln!(body, "... {} more", table.columns.len() - shown);
    }
    let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
    format!("{fence}text\n{body}{fence}\n")
}

fn longest_backtick_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// `PK · identity`, `NOT NULL · FK → users.id (cascade)`, `default now()`...
fn notes(
    model: &Model,
    table: &Table,
    column: &Column,
    files: &(impl Locations + ?Sized),
) -> Vec<String> {
    let name = column.name.as_str();
    let is_key = |kind: fn(&ConstraintKind) -> bool| {
        table
            .constraints
            .iter()
            .any(|c| kind(c.kind()) && c.columns() == [name])
    };
    let primary = table
        .primary_key()
        .is_some_and(|pk| pk.columns().contains(&name));
    let mut notes = Vec::new();
    if primary {
        notes.push("PK".to_string());
    }
    if column.identity {
        notes.push("identity".to_string());
    }
    if column.generated {
        notes.push("generated".to_string());
    }
    if !column.is_nullable() && !primary {
        notes.push("NOT NULL".to_string());
    }
    let unique_index = model.indexes_of(table.id).any(|index| {
        index.def.value.unique
            && index.def.value.predicate.is_none()
            && index.columns() == [Some(name)]
    });
    if !primary && (is_key(|k| matches!(k, ConstraintKind::Unique { .. })) || unique_index) {
        notes.push("unique".to_string());
    }
    for fk in table.foreign_keys() {
        if let Some(note) = foreign_key_note(model, fk, name) {
            notes.push(note);
        }
    }
    if let Some(default) = &column.default {
        let written = files
            .text(default.loc(default.value.range))
            .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| default.value.normalized.clone());
        notes.push(format!("default {}", truncate(&written, MAX_DEFAULT_CHARS)));
    }
    notes
}

/// `FK → users.id (cascade)` when `column` is one of the foreign key's columns.
fn foreign_key_note(model: &Model, fk: &Constraint, column: &str) -> Option<String> {
    let ConstraintKind::ForeignKey {
        columns,
        references,
    } = fk.kind()
    else {
        return None;
    };
    let position = columns.iter().position(|c| c.name == column)?;
    let target = fk.target.map(|t| model.table(t));
    let target_label = match target {
        Some(table) => table_label(table),
        None => match &references.table.schema {
            Some(schema) => format!("{}.{}", schema.name, references.table.name.name),
            None => references.table.name.name.clone(),
        },
    };
    let referenced = model.referenced_columns(fk);
    let mut note = format!("FK → {target_label}");
    if let Some(target_column) = referenced.get(position) {
        let shown =
            target.map_or_else(|| target_column.clone(), |t| column_label(t, target_column));
        let _ = write!(note, ".{shown}");
    }
    if let Some(action) = references
        .on_delete
        .and_then(|(action, _)| on_delete_text(action))
    {
        let _ = write!(note, " ({action})");
    }
    Some(note)
}

/// Markdown-escapes text for a table cell or a paragraph, with as few backslashes as it takes
/// (some hover renderers show them): underscores inside words (`author_id`) and brackets
/// without a link target (`text[]`) stay as they are.
fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let inside_word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
        let escaped = match c {
            '\\' | '`' | '*' | '<' | '|' | '~' | '&' => true,
            '_' => !(i > 0 && inside_word(chars.get(i - 1)) && inside_word(chars.get(i + 1))),
            _ => false,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_identifiers_readable() {
        assert_eq!(escape("author_id"), "author_id");
        assert_eq!(escape("_hidden"), "\\_hidden");
        assert_eq!(escape("a|b*c"), "a\\|b\\*c");
        assert_eq!(escape("trailing_"), "trailing\\_");
        assert_eq!(escape("text[]"), "text[]");
        assert_eq!(escape("<b>"), "\\<b>");
    }
}
