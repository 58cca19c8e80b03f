//! Code actions: the fixes the diagnostics carry, and "ignore this rule here", which writes a
//! suppression comment before the statement (SQL) or the model or field (Prisma).

use crate::analysis::FileData;
use crate::rules::{Diagnostic, Edit, Safety};
use crate::syntax::Language;
use crate::text::TextRange;
use crate::workspace::host::FileView;

/// An action offered for one diagnostic.
pub struct Action<'a> {
    pub title: String,
    pub diagnostic: &'a Diagnostic,
    /// The fix to apply without asking (the first fix, when it keeps meaning).
    pub preferred: bool,
    pub edits: Vec<Edit>,
}

/// The actions for the diagnostics of `file` that touch `range`: each diagnostic's fixes, then
/// the suppression of its rule.
pub fn code_actions(file: &FileView, range: TextRange) -> Vec<Action<'_>> {
    let mut actions = Vec::new();
    for diagnostic in file.diagnostics.iter().filter(|d| d.range.touches(range)) {
        for (index, fix) in diagnostic.fixes.iter().enumerate() {
            actions.push(Action {
                title: fix.title.clone(),
                diagnostic,
                preferred: index == 0 && fix.safety == Safety::Safe,
                edits: fix.edits.clone(),
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
            });
        }
    }
    actions
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
        FileData::new(FileId(1), PathBuf::from("x"), language, Arc::from(text))
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
