//! Hover: on a table name (where it is created or mentioned) the table and its neighbours; on
//! another name what `symbol_hover` says of it; on a diagnostic the documentation of its rule.

use std::slice;

use crate::erd::hover::{Locations, hover_markdown};
use crate::ide::symbol_hover::symbol_hover;
use crate::lower::{ConstraintKind, Fact, ObjectKind, ObjectName};
use crate::model::{Loc, Model, QualifiedName, TableId};
use crate::rules;
use crate::syntax::Language;
use crate::text::{PositionEncoding, TextRange};
use crate::workspace::host::{FileView, Snapshot};

pub struct HoverResult {
    pub markdown: String,
    /// What the hover is about: the table name or the diagnostic.
    pub range: TextRange,
}

/// The hover at `offset` of `file`, if there is anything to say.
pub fn hover(snapshot: &Snapshot, file: &FileView, offset: u32) -> Option<HoverResult> {
    let mut sections = Vec::new();
    let mut range = None;
    if let Some(source) = &file.source
        && let Some((table, name_range)) = table_at(&source.model, file, offset)
    {
        let files = SnapshotFiles(snapshot);
        sections.push(hover_markdown(
            &source.model,
            table,
            &files,
            snapshot.erd_hover(file),
        ));
        range = Some(name_range);
    } else if let Some((markdown, name_range)) = symbol_hover(snapshot, file, offset) {
        sections.push(markdown);
        range = Some(name_range);
    }
    let mut documented: Vec<&str> = Vec::new();
    for diagnostic in file
        .diagnostics
        .iter()
        .filter(|d| d.range.contains_inclusive(offset))
    {
        if documented.contains(&diagnostic.rule) {
            continue;
        }
        documented.push(diagnostic.rule);
        let Some(rule) = rules::find(diagnostic.rule) else {
            continue;
        };
        sections.push(format!("### ddlint `{}`\n\n{}", rule.id, rule.doc().trim()));
        range.get_or_insert(diagnostic.range);
    }
    Some(HoverResult {
        markdown: sections.join("\n\n---\n\n"),
        range: range?,
    })
}

/// The files of a snapshot as the ERD hover reads them: paths relative to their folder.
struct SnapshotFiles<'a>(&'a Snapshot);

impl Locations for SnapshotFiles<'_> {
    fn path_and_line(&self, loc: Loc) -> Option<(String, u32)> {
        let file = self.0.file_by_id(loc.file)?;
        let line = file
            .data
            .lines
            .line_col(loc.range.start(), PositionEncoding::Utf8)
            .line
            + 1;
        let path = file
            .data
            .path
            .strip_prefix(&file.root)
            .unwrap_or(&file.data.path);
        Some((path.display().to_string(), line))
    }

    fn text(&self, loc: Loc) -> Option<&str> {
        let file = self.0.file_by_id(loc.file)?;
        file.data
            .text
            .get(loc.range.start() as usize..loc.range.end() as usize)
    }
}

/// How a statement mentions a table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The name in CREATE TABLE.
    Definition,
    /// The target of a foreign key.
    Referenced,
    /// The table an ALTER TABLE or CREATE INDEX statement applies to.
    Altered,
    /// Any other mention (COMMENT ON t, a parent table, a trigger's table...).
    Mention,
}

/// The table named at `offset`, with the range of the name.
fn table_at(model: &Model, file: &FileView, offset: u32) -> Option<(TableId, TextRange)> {
    if file.data.language == Language::Prisma {
        return prisma_model_at(model, file, offset);
    }
    let statement = file.data.statement_at(offset)?;
    let mut names = Vec::new();
    for fact in &statement.lowered.facts {
        table_names(fact, &mut names);
    }
    let (name, role) = names
        .into_iter()
        .find(|(name, _)| statement.absolute(name.range).contains_inclusive(offset))?;
    let range = statement.absolute(name.range);
    let loc = Loc {
        file: file.data.id,
        range,
    };
    let located = match role {
        Role::Definition => model
            .tables
            .iter()
            .find(|table| {
                table.name_loc.file == loc.file && range.contains_range(table.name_loc.range)
            })
            .map(|table| table.id),
        Role::Referenced => model
            .tables
            .iter()
            .flat_map(|table| table.foreign_keys())
            .find(|fk| match fk.kind() {
                ConstraintKind::ForeignKey { references, .. } => {
                    fk.def.loc(references.table.range) == loc
                }
                _ => false,
            })
            .and_then(|fk| fk.target),
        // Resolved by the model with the search path in force at the statement.
        Role::Altered => model
            .statement_tables
            .get(&(file.data.id, statement.start))
            .copied(),
        Role::Mention => None,
    };
    let table = located.or_else(|| by_name(model, name))?;
    Some((table, range))
}

/// Resolves a name written without the search path in force where it was written: a schema
/// written is used, else `public`, else any schema that has the table.
fn by_name(model: &Model, name: &ObjectName) -> Option<TableId> {
    let table = &name.name.name;
    if let Some(schema) = &name.schema {
        return model
            .find_table(&QualifiedName::new(&schema.name, table))
            .map(|t| t.id);
    }
    model
        .find_table(&QualifiedName::new("public", table))
        .or_else(|| model.live_tables().find(|t| t.name.name == *table))
        .map(|t| t.id)
}

fn table_names<'a>(fact: &'a Fact, out: &mut Vec<(&'a ObjectName, Role)>) {
    match fact {
        Fact::CreateTable(create) => {
            out.push((&create.name, Role::Definition));
            let parents = create
                .partition_of
                .iter()
                .chain(&create.inherits)
                .chain(&create.like);
            out.extend(parents.map(|name| (name, Role::Mention)));
            for column in &create.columns {
                foreign_keys(&column.constraints, out);
            }
            foreign_keys(&create.constraints, out);
        }
        Fact::AlterTable(alter) => {
            out.push((&alter.name, Role::Altered));
            for action in &alter.actions {
                use crate::lower::AlterTableAction::*;
                match &action.action {
                    AddColumn { column, .. } => foreign_keys(&column.constraints, out),
                    AddConstraint(constraint) => foreign_keys(slice::from_ref(constraint), out),
                    AttachPartition { partition } | DetachPartition { partition } => {
                        out.push((partition, Role::Mention))
                    }
                    _ => {}
                }
            }
        }
        Fact::CreateIndex(index) => out.push((&index.table, Role::Altered)),
        Fact::CreateTrigger(trigger) => out.push((&trigger.table, Role::Mention)),
        Fact::CreatePolicy(policy) => out.push((&policy.table, Role::Mention)),
        Fact::CreateRule { table, .. } => out.push((table, Role::Mention)),
        Fact::Drop(drop) => {
            if drop.kind == ObjectKind::Table {
                out.extend(drop.targets.iter().map(|name| (name, Role::Mention)));
            }
            out.extend(drop.table.iter().map(|name| (name, Role::Mention)));
        }
        Fact::Comment(comment) => {
            if matches!(comment.kind, ObjectKind::Table | ObjectKind::Column) {
                out.push((&comment.target, Role::Mention));
            }
            out.extend(comment.on_table.iter().map(|name| (name, Role::Mention)));
        }
        _ => {}
    }
}

fn foreign_keys<'a>(
    constraints: &'a [std::sync::Arc<crate::lower::Constraint>],
    out: &mut Vec<(&'a ObjectName, Role)>,
) {
    for constraint in constraints {
        if let ConstraintKind::ForeignKey { references, .. } = &constraint.kind {
            out.push((&references.table, Role::Referenced));
        }
    }
}

/// A Prisma model name: where the model is declared or used as a field's type.
fn prisma_model_at(model: &Model, file: &FileView, offset: u32) -> Option<(TableId, TextRange)> {
    let candidates = [offset as usize, (offset as usize).saturating_sub(1)];
    let node = candidates.into_iter().find_map(|at| {
        let path = file.data.syntax.path_at(at);
        let [.., parent, node] = path[..] else {
            return None;
        };
        let names_a_model = matches!(parent.kind(), "model_declaration" | "field_type")
            && parent.child_by_field_name("name") == Some(node);
        names_a_model.then_some(node)
    })?;
    let name = file.data.text.get(node.byte_range())?;
    let table = model.table_by_prisma_name(name)?;
    Some((table.id, TextRange::from(node.byte_range())))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::ErdHover;
    use crate::workspace::host::{Change, Host};

    const SCHEMA: &str = "\
CREATE TABLE users (id bigint PRIMARY KEY, created_at timestamp);
CREATE TABLE posts (
    id bigint PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    title text NOT NULL
);
CREATE INDEX posts_author ON posts (author_id);
ALTER TABLE ONLY posts ADD CONSTRAINT posts_title_key UNIQUE (title);
COMMENT ON COLUMN posts.title IS 'shown in lists';
";

    /// The hover at the `$0` in `fixture` (one file), with `erd` as the drawing setting.
    #[track_caller]
    fn hover_at(fixture: &str, name: &str, erd: ErdHover) -> Option<(String, String)> {
        let offset = fixture.find("$0").expect("a $0 marker");
        let text = fixture.replacen("$0", "", 1);
        let path = PathBuf::from(format!("/ddlint-hover-test/{name}"));
        let mut host = Host::new(PositionEncoding::Utf8, Some(erd));
        host.apply(Change::Open {
            path: path.clone(),
            language: None,
            version: 1,
            text: text.clone(),
        });
        let snapshot = host.commit().snapshot;
        let file = snapshot.file(&path)?;
        let found = hover(&snapshot, file, offset as u32)?;
        let covered = text[found.range.start() as usize..found.range.end() as usize].to_string();
        Some((found.markdown, covered))
    }

    #[track_caller]
    fn check_table(marked: &str, expect_table: &str) {
        let (markdown, covered) = hover_at(marked, "schema.sql", ErdHover::Off).expect("a hover");
        assert!(
            markdown.starts_with(&format!("**{expect_table}**")),
            "{markdown}"
        );
        assert_eq!(covered, expect_table);
    }

    fn mark(text: &str, before: &str) -> String {
        let at = text
            .find(before)
            .unwrap_or_else(|| panic!("{before:?} not in the schema"));
        format!("{}$0{}", &text[..at], &text[at..])
    }

    #[test]
    fn table_names_where_defined_and_mentioned() {
        check_table(&mark(SCHEMA, "users (id"), "users");
        check_table(&mark(SCHEMA, "sers (id)"), "users");
        check_table(&mark(SCHEMA, "posts (author_id)"), "posts");
        check_table(&mark(SCHEMA, "posts ADD"), "posts");
        check_table(&mark(SCHEMA, "posts.title"), "posts");
        let (markdown, _) =
            hover_at(&mark(SCHEMA, "posts (\n"), "schema.sql", ErdHover::Off).unwrap();
        assert!(
            markdown.contains("author_id") && markdown.contains("FK → users.id"),
            "{markdown}"
        );
        assert!(
            markdown.matches("```text").count() == 1 && !markdown.contains("```mermaid"),
            "the column list and no drawing when the setting is off: {markdown}"
        );
    }

    #[test]
    fn the_drawing_follows_the_setting() {
        let (both, _) = hover_at(&mark(SCHEMA, "posts (\n"), "schema.sql", ErdHover::Both).unwrap();
        assert!(
            both.contains("```text") && both.contains("```mermaid"),
            "{both}"
        );
        let (text, _) = hover_at(&mark(SCHEMA, "posts (\n"), "schema.sql", ErdHover::Text).unwrap();
        assert!(
            text.contains("```text") && !text.contains("```mermaid"),
            "{text}"
        );
    }

    #[test]
    fn a_diagnostic_shows_its_rules_documentation() {
        let (markdown, covered) =
            hover_at(&mark(SCHEMA, "imestamp)"), "schema.sql", ErdHover::Off).unwrap();
        assert!(
            markdown.contains("### ddlint `timestamp-without-time-zone`"),
            "{markdown}"
        );
        assert!(markdown.contains("## Why is this bad?"), "{markdown}");
        assert_eq!(covered, "timestamp");
        assert!(hover_at(&mark(SCHEMA, "\nCREATE INDEX"), "schema.sql", ErdHover::Off).is_none());
    }

    #[test]
    fn prisma_models_where_declared_and_used() {
        let schema = "model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n";
        let (markdown, covered) =
            hover_at(&mark(schema, "Post[]"), "schema.prisma", ErdHover::Off).unwrap();
        assert!(markdown.starts_with("**Post**"), "{markdown}");
        assert_eq!(covered, "Post");
        let (markdown, _) =
            hover_at(&mark(schema, "User {"), "schema.prisma", ErdHover::Off).unwrap();
        assert!(markdown.starts_with("**User**"), "{markdown}");
    }
}
