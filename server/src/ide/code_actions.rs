//! Code actions: the fixes the diagnostics carry, and "ignore this rule here", which writes a
//! suppression comment before the statement (SQL) or the model or field (Prisma).

use crate::analysis::FileData;
use crate::rules::{Diagnostic, Edit, MigrationStep, Placement, Safety};
use crate::syntax::Language;
use crate::text::{PositionEncoding, TextRange};
use crate::workspace::history::{MigrationConvention, NewFile};
use crate::workspace::host::{FileView, Snapshot};

/// An action offered for one diagnostic.
pub struct Action<'a> {
    pub title: String,
    pub diagnostic: &'a Diagnostic,
    /// The fix to apply without asking (the first fix, when it keeps meaning).
    pub preferred: bool,
    pub edits: Vec<Edit>,
    /// Files the action creates: a new migration, named as the folder's tool names them.
    pub new_files: Vec<NewFile>,
}

/// What the client can do besides editing open text.
#[derive(Clone, Copy, Debug)]
pub struct ActionContext {
    /// The client creates files from a workspace edit.
    pub creates_files: bool,
    /// Seconds since the Unix epoch (UTC), for the versions of new migrations.
    pub now_utc: u64,
}

/// The diagnostics a request for actions at `range` is about: those the client sent with it
/// (by rule and range, wherever they are), those that touch the range, and for a cursor on a
/// line where none touches it, those on that line (a cursor at column 0 of a flagged line).
/// A cursor is an empty range or a one-character one: Helix sends the character under its
/// block cursor.
pub fn requested_diagnostics<'a>(
    file: &'a FileView,
    range: TextRange,
    sent: &[(String, TextRange)],
) -> Vec<&'a Diagnostic> {
    let was_sent = |d: &Diagnostic| {
        sent.iter()
            .any(|(rule, sent_range)| rule == d.rule && *sent_range == d.range)
    };
    let mut found: Vec<&Diagnostic> = file
        .diagnostics
        .iter()
        .filter(|d| was_sent(d) || d.range.touches(range))
        .collect();
    let selected = file
        .data
        .text
        .get(range.start() as usize..range.end() as usize)
        .unwrap_or_default();
    let cursor = selected.chars().count() <= 1 && !selected.contains(['\n', '\r']);
    if found.is_empty() && cursor {
        let line_of = |offset| {
            file.data
                .lines
                .line_col(offset, PositionEncoding::Utf8)
                .line
        };
        let line = line_of(range.start());
        found = file
            .diagnostics
            .iter()
            .filter(|d| line_of(d.range.start()) == line)
            .collect();
    }
    found
}

/// The actions for `diagnostics` of `file`: each diagnostic's fixes, then the suppression of its
/// rule. A fix that becomes a new migration is offered to clients that create files; a
/// migration to write by hand (for a generated dump) is no action.
pub fn code_actions<'a>(
    snapshot: &Snapshot,
    file: &'a FileView,
    diagnostics: &[&'a Diagnostic],
    context: ActionContext,
) -> Vec<Action<'a>> {
    let mut actions = Vec::new();
    for &diagnostic in diagnostics {
        for (index, fix) in diagnostic.fixes.iter().enumerate() {
            let new_files = match (fix.placement, &fix.migration) {
                (Placement::MigrationToWrite, _) => continue,
                (Placement::NewMigration, Some(step)) => {
                    if !context.creates_files {
                        continue;
                    }
                    let Some(files) = new_migration(snapshot, file, step, context.now_utc) else {
                        continue;
                    };
                    files
                }
                _ => Vec::new(),
            };
            actions.push(Action {
                title: fix.title.clone(),
                diagnostic,
                preferred: index == 0 && fix.safety == Safety::Safe,
                edits: fix.edits.clone(),
                new_files,
            });
        }
        // An unused suppression is fixed by removing it, not by another one.
        if diagnostic.rule == "unused-suppression" {
            continue;
        }
        let ignore = match file.data.language {
            Language::Sql => ignore_sql(&file.data, diagnostic),
            Language::Prisma => ignore_prisma(&file.data, diagnostic),
        };
        if let Some((what, edit)) = ignore {
            actions.push(Action {
                title: format!("Ignore {} for this {what}", diagnostic.rule),
                diagnostic,
                preferred: false,
                edits: vec![edit],
                new_files: Vec::new(),
            });
        }
    }
    actions
}

/// Every safe fix of the file that edits it in place, as one set of edits (`source.fixAll`):
/// the first safe fix of each diagnostic, skipping any that overlaps one already taken. `None`
/// when there is nothing to fix.
pub fn fix_all(file: &FileView) -> Option<Vec<Edit>> {
    let mut edits: Vec<Edit> = Vec::new();
    for diagnostic in file.diagnostics.iter() {
        let Some(fix) = diagnostic.fixes.iter().find(|fix| {
            fix.safety == Safety::Safe
                && fix.placement == Placement::InPlace
                && !fix.edits.is_empty()
                && fix.edits.iter().all(|edit| edit.file == file.data.id)
        }) else {
            continue;
        };
        let overlaps = fix.edits.iter().any(|edit| {
            edits.iter().any(|taken| {
                taken.range.intersects(edit.range) || taken.range.start() == edit.range.start()
            })
        });
        if !overlaps {
            edits.extend(fix.edits.iter().cloned());
        }
    }
    (!edits.is_empty()).then_some(edits)
}

/// "Update the ERD from the schema" for the Mermaid `erDiagram` block of a design document at
/// `range`: the block redrawn as `ddlint erd` draws the document's schema, in the author's entity
/// order and with their relationship labels. `None` outside such a block, or when the block is
/// already what it would become.
pub fn update_erd(file: &FileView, range: TextRange) -> Option<(String, Edit)> {
    let embedding = file.data.markdown.as_ref()?;
    let model = &file.source.as_ref()?.model;
    let document = &file.data.document;
    let block = embedding
        .er_diagrams(document)
        .find(|block| block.contains_inclusive(range.start()))?;
    let current = &document[block.start() as usize..block.end() as usize];
    let diagram = crate::mermaid::parse(current, block.start());
    let updated = crate::mermaid::update(&diagram, model);
    (updated != current).then(|| {
        let loc = crate::model::Loc {
            file: file.data.id,
            range: block,
        };
        (
            "Update the ERD from the schema".to_string(),
            Edit::replace(loc, updated),
        )
    })
}

/// `-- ddlint-ignore-file <rules>` at the top of the file, for every rule with a finding in it:
/// a way to keep a file out of review (generated, vendored) without configuration.
pub fn suppress_file(file: &FileView) -> Option<(String, Edit)> {
    let mut rules: Vec<&str> = file
        .diagnostics
        .iter()
        .map(|d| d.rule)
        .filter(|rule| *rule != "unused-suppression" && *rule != "syntax-error")
        .collect();
    rules.sort_unstable();
    rules.dedup();
    if rules.is_empty() {
        return None;
    }
    let marker = match file.data.language {
        Language::Sql => "--",
        Language::Prisma => "//",
    };
    let newline = if file.data.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let edit = Edit::insert(
        file.data.id,
        0,
        format!("{marker} ddlint-ignore-file {}{newline}", rules.join(", ")),
    );
    Some((format!("Ignore {} in this file", rules.join(", ")), edit))
}

/// The files of `step` as a new migration of the folder `file` belongs to; `None` where ddlint
/// cannot tell how the folder names its migrations.
fn new_migration(
    snapshot: &Snapshot,
    file: &FileView,
    step: &MigrationStep,
    now_utc: u64,
) -> Option<Vec<NewFile>> {
    let source = file.source.as_ref()?.migrations.as_ref()?;
    let convention = MigrationConvention::of(source, |path| {
        snapshot.file(path).map(|view| view.data.text.as_str())
    })?;
    Some(convention.write(std::slice::from_ref(step), now_utc))
}

/// `-- ddlint-ignore <rule>` on the line before the statement holding the diagnostic.
fn ignore_sql(file: &FileData, diagnostic: &Diagnostic) -> Option<(&'static str, Edit)> {
    let statement = file.statement_at(diagnostic.range.start())?.range();
    let edit = suppress_before(file, statement, "--", diagnostic.rule);
    Some(("statement", edit))
}

/// `/// ddlint-ignore <rule>` on the line before the field, model or enum holding the diagnostic.
fn ignore_prisma(file: &FileData, diagnostic: &Diagnostic) -> Option<(&'static str, Edit)> {
    let start = diagnostic.range.start() as usize;
    let (node, what) = file
        .syntax
        .path_at(start)
        .into_iter()
        .rev()
        .find_map(|node| {
            let what = match node.kind() {
                "field_declaration" => "field",
                "model_declaration" => "model",
                "view_declaration" => "view",
                "enum_declaration" => "enum",
                "enum_value" => "enum value",
                _ => return None,
            };
            Some((node, what))
        })?;
    let edit = suppress_before(
        file,
        TextRange::from(node.byte_range()),
        "///",
        diagnostic.rule,
    );
    Some((what, edit))
}

/// The edit that suppresses `rule` for the item at `item`: the rule added to a suppression
/// comment already on the lines before it, or a new comment line with the item's indentation.
fn suppress_before(file: &FileData, item: TextRange, marker: &str, rule: &str) -> Edit {
    let existing = file
        .suppressions
        .items
        .iter()
        .filter(|suppression| {
            suppression.scope == Some(item) && suppression.comment.end() <= item.start()
        })
        .find_map(|suppression| suppression.rules.last());
    if let Some(last) = existing {
        return Edit::insert(file.id, last.range.end(), format!(", {rule}"));
    }
    let text = &file.text;
    let start = item.start() as usize;
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if before.chars().all(char::is_whitespace) {
        Edit::insert(
            file.id,
            line_start as u32,
            format!("{before}{marker} ddlint-ignore {rule}{newline}"),
        )
    } else {
        // The item shares its line with something before it: the comment needs a line of its own.
        Edit::insert(
            file.id,
            item.start(),
            format!("{newline}{marker} ddlint-ignore {rule}{newline}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::fix::apply_edits;
    use crate::model::{FileId, Loc};

    fn file(language: Language, text: &str) -> FileData {
        FileData::new(
            FileId(1),
            PathBuf::from("x"),
            language,
            Arc::new(String::from(text)),
        )
    }

    fn diagnostic_at(text: &str, word: &str, rule: &'static str) -> Diagnostic {
        let start = text.rfind(word).unwrap() as u32;
        let range = TextRange::new(start, start + word.len() as u32);
        let mut diagnostic = Diagnostic::new(
            Loc {
                file: FileId(1),
                range,
            },
            "",
        );
        diagnostic.rule = rule;
        diagnostic
    }

    #[track_caller]
    fn check(language: Language, before: &str, word: &str, rule: &'static str, after: &str) {
        let data = file(language, before);
        let diagnostic = diagnostic_at(before, word, rule);
        let edit = match language {
            Language::Sql => ignore_sql(&data, &diagnostic),
            Language::Prisma => ignore_prisma(&data, &diagnostic),
        }
        .unwrap()
        .1;
        let (applied, _) = apply_edits(before, FileId(1), &[edit]);
        assert_eq!(applied, after);
        // The new comment really suppresses the rule there.
        let fixed = file(language, &applied);
        let moved = diagnostic_at(&applied, word, rule);
        assert!(
            fixed
                .suppressions
                .items
                .iter()
                .any(|s| s.covers(rule, moved.range.start())),
            "{applied}"
        );
    }

    #[test]
    fn sql_comment_goes_on_the_line_before_with_the_indentation() {
        check(
            Language::Sql,
            "CREATE TABLE a (id int);\n  CREATE TABLE b (\n    at timestamp\n  );\n",
            "timestamp",
            "timestamp-without-time-zone",
            "CREATE TABLE a (id int);\n  -- ddlint-ignore timestamp-without-time-zone\n  CREATE TABLE b (\n    at timestamp\n  );\n",
        );
    }

    #[test]
    fn sql_comment_joins_an_existing_suppression() {
        check(
            Language::Sql,
            "-- ddlint-ignore missing-primary-key\nCREATE TABLE b (at timestamp);\n",
            "timestamp",
            "timestamp-without-time-zone",
            "-- ddlint-ignore missing-primary-key, timestamp-without-time-zone\nCREATE TABLE b (at timestamp);\n",
        );
    }

    #[test]
    fn sql_statement_sharing_a_line_gets_its_own() {
        check(
            Language::Sql,
            "CREATE TABLE a (id int); CREATE TABLE b (at timestamp);\r\n",
            "timestamp",
            "timestamp-without-time-zone",
            "CREATE TABLE a (id int); \r\n-- ddlint-ignore timestamp-without-time-zone\r\nCREATE TABLE b (at timestamp);\r\n",
        );
    }

    #[test]
    fn prisma_comment_goes_before_the_field() {
        check(
            Language::Prisma,
            "model A {\n  id    Int   @id\n  price Float\n}\n",
            "Float",
            "float-for-money",
            "model A {\n  id    Int   @id\n  /// ddlint-ignore float-for-money\n  price Float\n}\n",
        );
    }
}
