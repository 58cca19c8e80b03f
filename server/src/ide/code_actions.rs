//! Code actions: the fixes the diagnostics carry, and "ignore this rule here", which writes a
//! suppression comment before the statement (SQL) or the model or field (Prisma); in a design
//! document, inside the block, or an HTML comment before a column table.

use crate::analysis::FileData;
use crate::fix::edits_conflict;
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
        if let Some((what, edit)) = ignore(&file.data, diagnostic) {
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
        let conflicts = fix
            .edits
            .iter()
            .any(|edit| edits.iter().any(|taken| edits_conflict(taken, edit)));
        if !conflicts {
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
    let newline = if file.data.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let rules = rules.join(", ");
    let edit = match file.data.language {
        // Prose is no SQL comment: a document takes the HTML form, after its front matter.
        _ if file.data.markdown.is_some() => Edit::insert(
            file.data.id,
            front_matter_end(&file.data.document),
            format!("<!-- ddlint-ignore-file {rules} -->{newline}"),
        ),
        Language::Sql => Edit::insert(
            file.data.id,
            0,
            format!("-- ddlint-ignore-file {rules}{newline}"),
        ),
        Language::Prisma => Edit::insert(
            file.data.id,
            0,
            format!("// ddlint-ignore-file {rules}{newline}"),
        ),
    };
    Some((format!("Ignore {rules} in this file"), edit))
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

/// Where a Markdown document's YAML front matter (`---` lines at its top) ends: 0 without one.
fn front_matter_end(document: &str) -> u32 {
    let mut lines = document.split_inclusive('\n');
    let Some(first) = lines.next().filter(|first| first.trim_end() == "---") else {
        return 0;
    };
    let mut end = first.len();
    for line in lines {
        end += line.len();
        if line.trim_end() == "---" {
            return end as u32;
        }
    }
    0
}

/// The suppression of the diagnostic's rule for the statement, model or field holding it. In a
/// design document the comment is written inside the block, with the block's prefix; before a
/// column table, where no SQL comment can go, it is an HTML comment.
fn ignore(file: &FileData, diagnostic: &Diagnostic) -> Option<(&'static str, Edit)> {
    let (what, mut edit) = match file.language {
        Language::Sql => ignore_sql(file, diagnostic),
        Language::Prisma => ignore_prisma(file, diagnostic),
    }?;
    if file.markdown.is_none() || crate::markdown::confine_edit(&mut edit, file) {
        return Some((what, edit));
    }
    let statement = file.statement_at(diagnostic.range.start())?.range();
    let edit = suppress_before(file, statement, HTML_COMMENT, diagnostic.rule);
    Some(("table", edit))
}

/// How a suppression comment opens and closes, and whether it goes in a design document's prose
/// (which the view of its blocks blanks) rather than in the schema.
struct CommentForm {
    open: &'static str,
    close: &'static str,
    in_prose: bool,
}

const SQL_COMMENT: CommentForm = CommentForm {
    open: "--",
    close: "",
    in_prose: false,
};
const PRISMA_COMMENT: CommentForm = CommentForm {
    open: "///",
    close: "",
    in_prose: false,
};
const HTML_COMMENT: CommentForm = CommentForm {
    open: "<!--",
    close: " -->",
    in_prose: true,
};

/// `-- ddlint-ignore <rule>` on the line before the statement holding the diagnostic.
fn ignore_sql(file: &FileData, diagnostic: &Diagnostic) -> Option<(&'static str, Edit)> {
    let statement = file.statement_at(diagnostic.range.start())?.range();
    let edit = suppress_before(file, statement, SQL_COMMENT, diagnostic.rule);
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
        PRISMA_COMMENT,
        diagnostic.rule,
    );
    Some((what, edit))
}

/// The edit that suppresses `rule` for the item at `item`: the rule added to a suppression
/// comment already on the lines before it, or a new comment line with the item's indentation
/// (in a design document's block, the indentation past the block's prefix, which confining the
/// edit to the block writes).
fn suppress_before(file: &FileData, item: TextRange, form: CommentForm, rule: &str) -> Edit {
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
    let text = if form.in_prose {
        &file.document
    } else {
        &file.text
    };
    let start = item.start() as usize;
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let CommentForm { open, close, .. } = form;
    if before.chars().all(char::is_whitespace) {
        let indent = if form.in_prose {
            before
        } else {
            crate::fix::indentation_in(file, item.start())
        };
        Edit::insert(
            file.id,
            line_start as u32,
            format!("{indent}{open} ddlint-ignore {rule}{close}{newline}"),
        )
    } else {
        // The item shares its line with something before it: the comment needs a line of its own.
        Edit::insert(
            file.id,
            item.start(),
            format!("{newline}{open} ddlint-ignore {rule}{close}{newline}"),
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
    use crate::workspace::host::{Change, Host};

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
        let edit = ignore(&data, &diagnostic).unwrap().1;
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
    fn fix_all_leaves_out_an_insert_inside_another_fix_s_removal() {
        let fixture = crate::ide::fixture::Fixture::new("CREATE TABLE t (a int, b int, c int);\n");
        let file = fixture.file("schema.sql");
        let id = file.data.id;
        let fixed = |start, end, text: &str| {
            let loc = Loc {
                file: id,
                range: TextRange::new(start, end),
            };
            let fix = crate::diagnostic::Fix::safe("fix", vec![Edit::replace(loc, text)]);
            Diagnostic::new(loc, "").with_fix(fix)
        };
        let view = FileView {
            data: file.data.clone(),
            version: None,
            diagnostics: Arc::from(vec![
                fixed(21, 28, ""),
                // Inside the removal: no order keeps both.
                fixed(25, 25, " NOT NULL"),
                // At its end: after it.
                fixed(28, 28, ", x int"),
            ]),
            source: None,
            config: file.config.clone(),
            root: file.root.clone(),
        };
        let (applied, skipped) = apply_edits(&file.data.text, id, &fix_all(&view).unwrap());
        assert!(skipped.is_empty());
        assert_eq!(applied, "CREATE TABLE t (a int, x int, c int);\n");
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

    /// A design document opened in an editor.
    fn document_findings(text: &str) -> (Arc<Snapshot>, PathBuf) {
        let path = PathBuf::from("/ddlint-action-test/design.md");
        let mut host = Host::new(PositionEncoding::Utf8, None);
        host.apply(Change::Open {
            path: path.clone(),
            language: None,
            version: 1,
            text: text.to_string(),
        });
        (host.commit().snapshot, path)
    }

    fn rules_of(text: &str) -> Vec<&'static str> {
        let (snapshot, path) = document_findings(text);
        let file = snapshot.file(&path).unwrap();
        file.diagnostics.iter().map(|d| d.rule).collect()
    }

    /// Ignores `rule` where it is reported in a design document: the document becomes `after`,
    /// which reports everything the original did but that finding.
    #[track_caller]
    fn check_document(before: &str, rule: &str, after: &str) {
        let (snapshot, path) = document_findings(before);
        let file = snapshot.file(&path).unwrap();
        let diagnostic = file.diagnostics.iter().find(|d| d.rule == rule).unwrap();
        let (_, edit) = ignore(&file.data, diagnostic).unwrap();
        let (applied, _) = apply_edits(before, file.data.id, &[edit]);
        assert_eq!(applied, after);
        let mut expected = rules_of(before);
        let at = expected.iter().position(|r| *r == rule).unwrap();
        expected.remove(at);
        assert_eq!(rules_of(&applied), expected, "{applied}");
    }

    #[test]
    fn document_comment_stays_in_a_quoted_block() {
        check_document(
            "# D\n\n> ```sql\n> CREATE TABLE b (\n>   id bigint PRIMARY KEY,\n>   at timestamp\n> );\n> ```\n",
            "timestamp-without-time-zone",
            "# D\n\n> ```sql\n> -- ddlint-ignore timestamp-without-time-zone\n> CREATE TABLE b (\n>   id bigint PRIMARY KEY,\n>   at timestamp\n> );\n> ```\n",
        );
    }

    #[test]
    fn document_comment_stays_in_a_list_item_with_the_statement_after_it() {
        check_document(
            "- item\n\n  ```sql\n  CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (\n    id bigint PRIMARY KEY,\n    at timestamp\n  );\n  ```\n",
            "timestamp-without-time-zone",
            "- item\n\n  ```sql\n  CREATE TABLE a (id int PRIMARY KEY); \n  -- ddlint-ignore timestamp-without-time-zone\n  CREATE TABLE b (\n    id bigint PRIMARY KEY,\n    at timestamp\n  );\n  ```\n",
        );
    }

    #[test]
    fn a_column_table_gets_an_html_comment() {
        let table = "| Column | Type | Constraints |\n|---|---|---|\n| id | bigint | PK |\n| at | timestamp | NOT NULL |\n";
        check_document(
            &format!("# D\n\n### events\n\n{table}"),
            "timestamp-without-time-zone",
            &format!(
                "# D\n\n<!-- ddlint-ignore timestamp-without-time-zone -->\n### events\n\n{table}"
            ),
        );
        // A second rule joins the comment.
        check_document(
            &format!("<!-- ddlint-ignore missing-primary-key -->\n### events\n\n{table}"),
            "timestamp-without-time-zone",
            &format!(
                "<!-- ddlint-ignore missing-primary-key, timestamp-without-time-zone -->\n### events\n\n{table}"
            ),
        );
    }

    #[test]
    fn a_document_is_ignored_by_an_html_comment_after_its_front_matter() {
        let text = "---\ntitle: D\n---\n# D\n\n```sql\nCREATE TABLE b (id bigint PRIMARY KEY, at timestamp);\n```\n";
        let (snapshot, path) = document_findings(text);
        let file = snapshot.file(&path).unwrap();
        assert!(!file.diagnostics.is_empty());
        let (_, edit) = suppress_file(file).unwrap();
        let (applied, _) = apply_edits(text, file.data.id, &[edit]);
        assert!(
            applied.starts_with("---\ntitle: D\n---\n<!-- ddlint-ignore-file "),
            "{applied}"
        );
        assert_eq!(rules_of(&applied), Vec::<&str>::new(), "{applied}");
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
