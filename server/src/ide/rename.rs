//! Rename a table, column, index or constraint. Where the object was created in a file people edit
//! (a schema file or a migration not applied yet), every name of it in the source changes. Where an
//! applied migration created it, history stays as it is: a new migration renames it, written the
//! way the folder names its migrations, and schema files of the source that name it change too.
//! Pending migrations run before that new migration, so they keep the name they were written
//! with.

use super::name_index;
use super::names::{self, Symbol};
use crate::diagnostic::Edit;
use crate::lower::{ConstraintKind, Fact, StatementKind};
use crate::model::names::{MAX_NAME_BYTES, names_word, quote_if_needed};
use crate::model::{History, Loc, Model, QualifiedName};
use crate::rules::MigrationStep;
use crate::syntax::Language;
use crate::text::{PositionEncoding, TextRange};
use crate::workspace::history::{MigrationConvention, NewFile};
use crate::workspace::host::{FileView, Snapshot};

/// What a rename at the cursor would change.
#[derive(Debug, PartialEq, Eq)]
pub struct RenameTarget {
    /// The name at the cursor.
    pub range: TextRange,
    /// The name as it is now.
    pub name: String,
}

/// The edits of a rename.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Renamed {
    /// Each name replaced with the new one.
    pub edits: Vec<Edit>,
    /// A migration that renames the object, for an object applied migrations created.
    pub new_files: Vec<NewFile>,
}

/// The table, column, index or constraint at `offset`, if it can be renamed.
pub fn prepare_rename(file: &FileView, offset: u32) -> Result<RenameTarget, String> {
    refuse_map(file, offset)?;
    let (symbol, range) = names::symbol_at(file, offset).ok_or_else(|| {
        "ddlint renames tables, columns, indexes and constraints: there is none here".to_string()
    })?;
    let model = &file
        .source
        .as_ref()
        .ok_or_else(|| "this file is not part of a schema".to_string())?
        .model;
    let name = current_names(model, &symbol)?.0;
    Ok(RenameTarget { range, name })
}

/// A `@map` name is the database's: renaming the field or model leaves it, and changing it is an
/// edit of the string.
fn refuse_map(file: &FileView, offset: u32) -> Result<(), String> {
    if names::on_prisma_map(file, offset) {
        return Err(
            "this is the name in the database, which `@map`/`@@map` sets: edit the string, or \
             rename the field or model at its name"
                .to_string(),
        );
    }
    Ok(())
}

/// The name of the object as it is now, with its Prisma name.
fn current_names(model: &Model, symbol: &Symbol) -> Result<(String, Option<String>), String> {
    match symbol {
        Symbol::Table(id) => {
            let table = model.table(*id);
            Ok((table.name.name.clone(), table.prisma_name.clone()))
        }
        Symbol::Column(table, position) => {
            let column = &model.table(*table).columns[*position];
            Ok((column.name.clone(), column.prisma_name.clone()))
        }
        Symbol::Constraint(table, position) => {
            let table = model.table(*table);
            let constraint = &table.constraints[*position];
            if table.language == Language::Prisma {
                return Err(
                    "a Prisma constraint's name is its `map:` argument: edit it there".to_string(),
                );
            }
            let name = constraint.name().map(String::from).or_else(|| {
                crate::model::names::implied_constraint_name(&table.name.name, constraint.kind())
            });
            name.map(|name| (name, None))
                .ok_or_else(|| "a NOT NULL constraint has no name to rename".to_string())
        }
        Symbol::Index(position) => {
            let index = &model.indexes[*position];
            let table = model.table(index.table);
            if table.language == Language::Prisma {
                return Err(
                    "a Prisma index's name is its `map:` argument: edit it there".to_string(),
                );
            }
            let name = index.name.clone().unwrap_or_else(|| {
                crate::model::names::implied_index_name(&table.name.name, &index.def.value)
            });
            Ok((name, None))
        }
        _ => Err("ddlint renames tables, columns, indexes and constraints only".to_string()),
    }
}

/// Whether the object has only the name PostgreSQL derives, written nowhere it is created.
fn derived(model: &Model, symbol: &Symbol) -> bool {
    match symbol {
        Symbol::Constraint(table, position) => {
            model.table(*table).constraints[*position].name().is_none()
        }
        Symbol::Index(position) => model.indexes[*position].name.is_none(),
        _ => false,
    }
}

/// Renames the table, column, index or constraint at `offset` to `new_name`; `now_utc` (seconds
/// since 1970) versions a new migration in a timestamped folder.
pub fn rename(
    snapshot: &Snapshot,
    file: &FileView,
    offset: u32,
    new_name: &str,
    now_utc: u64,
) -> Result<Renamed, String> {
    refuse_map(file, offset)?;
    let (symbol, _) = names::symbol_at(file, offset).ok_or_else(|| {
        "ddlint renames tables, columns, indexes and constraints: there is none here".to_string()
    })?;
    let source = file
        .source
        .as_ref()
        .ok_or_else(|| "this file is not part of a schema".to_string())?;
    let model = &source.model;
    let (old, prisma_old) = current_names(model, &symbol)?;
    let prisma = file.data.language == Language::Prisma;
    check_name(new_name, prisma)?;
    check_conflict(model, &symbol, new_name)?;

    let created = names::definition_loc(model, &symbol)[0];
    let history = |loc: Loc| {
        model
            .file_meta(loc.file)
            .map_or(History::Schema, |meta| meta.history)
    };
    // Names written as the object is called now; older names are history.
    let current: Vec<Loc> = names::occurrences(snapshot, file, &symbol, None)
        .into_iter()
        .filter(|o| !o.mapped)
        .map(|o| o.loc)
        .filter(|loc| {
            let written = snapshot
                .file_by_id(loc.file)
                .map_or("", |f| f.data.slice(loc.range));
            let folded = names::folded(written);
            folded == old || prisma_old.as_deref() == Some(written)
        })
        .collect();
    let path_of = |loc: Loc| {
        snapshot
            .file_by_id(loc.file)
            .map_or_else(String::new, |f| f.data.path.display().to_string())
    };
    match history(created) {
        History::Schema | History::PendingMigration => {
            if derived(model, &symbol) {
                let how = match symbol {
                    Symbol::Index(_) => format!("`CREATE INDEX {new_name} ON`"),
                    _ => format!("`CONSTRAINT {new_name}` before it"),
                };
                return Err(format!(
                    "`{old}` is the name PostgreSQL derives where none is written: write {how} \
                     instead"
                ));
            }
            if let Some(fixed) = current.iter().find(|loc| !history(**loc).is_editable()) {
                return Err(format!(
                    "`{old}` is also named in {}, which is history (an applied migration or a \
                     generated dump): rename it there with a migration",
                    path_of(*fixed)
                ));
            }
            refuse_stale_queries(snapshot, file, &symbol, |loc| history(loc).is_editable())?;
            Ok(Renamed {
                edits: replaced(snapshot, current, new_name),
                new_files: Vec::new(),
            })
        }
        History::AppliedMigration => {
            let folder = source.migrations.as_ref().ok_or_else(|| {
                "an applied migration created it, and its folder is not one ddlint writes \
                 migrations to"
                    .to_string()
            })?;
            let convention = MigrationConvention::of(folder, |path| {
                snapshot.file(path).map(|f| f.data.text.as_str())
            })
            .ok_or_else(|| {
                format!(
                    "an applied migration created `{old}`, and ddlint cannot tell how {} names \
                     new migrations",
                    folder.root.display()
                )
            })?;
            // Pending migrations run before the new one, and PostgreSQL renames what their views
            // and rules read.
            refuse_stale_queries(snapshot, file, &symbol, |loc| {
                history(loc) == History::Schema
            })?;
            let step = migration(model, &symbol, new_name).ok_or_else(|| {
                "ddlint renames tables, columns, indexes and constraints only".to_string()
            })?;
            let in_schema_files = current
                .into_iter()
                .filter(|loc| history(*loc) == History::Schema)
                .collect();
            Ok(Renamed {
                edits: replaced(snapshot, in_schema_files, new_name),
                new_files: convention.write(&[step], now_utc),
            })
        }
        History::Generated => Err(format!(
            "`{old}` is created in a generated dump ({}), which the next dump overwrites: \
             rename it with a migration",
            path_of(created)
        )),
    }
}

/// Refuses a rename of a table or column that a query ddlint does not rename inside may read
/// (its text names the table, and the column): a view's or rule's in an `edited` file, whose
/// text would go on naming what no longer exists (in the database PostgreSQL renames what they
/// read), and a function's body anywhere, which PostgreSQL keeps as text too.
fn refuse_stale_queries(
    snapshot: &Snapshot,
    file: &FileView,
    symbol: &Symbol,
    edited: impl Fn(Loc) -> bool,
) -> Result<(), String> {
    let Some(source) = &file.source else {
        return Ok(());
    };
    let model = &source.model;
    let (table, column) = match symbol {
        Symbol::Table(id) => (model.table(*id), None),
        Symbol::Column(id, position) => {
            let table = model.table(*id);
            (table, Some(&table.columns[*position].name))
        }
        _ => return Ok(()),
    };
    let named: Vec<String> = std::iter::once(&table.name.name)
        .chain(column)
        .map(|name| name.to_lowercase())
        .collect();
    for member in name_index::members(snapshot, source) {
        let data = &member.data;
        // SQL statements only: a Prisma view block lists fields, not a query.
        let queries = data.statements.iter().filter(|statement| {
            matches!(
                statement.lowered.kind,
                StatementKind::CreateView
                    | StatementKind::CreateRule
                    | StatementKind::CreateFunction
            )
        });
        for statement in queries {
            // A function's body stays text in the database as well: stale wherever it is. Its
            // signature is no query (`RETURNS SETOF users` is renamed with the table).
            let Some((what, name, whose, stale_anywhere, query)) =
                statement.lowered.facts.iter().find_map(|fact| match fact {
                    Fact::CreateView { name, .. } => Some((
                        "view",
                        &name.name.name,
                        "ddlint does not rename inside a view's query",
                        false,
                        None,
                    )),
                    Fact::CreateRule { name, .. } => Some((
                        "rule",
                        &name.name,
                        "ddlint does not rename inside a rule's query",
                        false,
                        None,
                    )),
                    Fact::CreateFunction(function) => Some((
                        "function",
                        &function.name.name.name,
                        "neither ddlint nor PostgreSQL renames inside a function's body",
                        true,
                        function.body_range,
                    )),
                    _ => None,
                })
            else {
                continue;
            };
            let range = statement.range();
            let loc = Loc {
                file: data.id,
                range,
            };
            let searched = query.map_or(range, |query| {
                TextRange::new(
                    statement.start + query.start(),
                    statement.start + query.end(),
                )
            });
            let text = data.slice(searched).to_lowercase();
            if !(stale_anywhere || edited(loc)) || !named.iter().all(|name| names_word(&text, name))
            {
                continue;
            }
            let line = data
                .lines
                .line_col(range.start(), PositionEncoding::Utf32)
                .line
                + 1;
            return Err(format!(
                "{what} `{name}` ({}:{line}) may read `{}`, and {whose}: change the {what} by \
                 hand along with the rename",
                data.path.display(),
                named.last().map_or("", String::as_str)
            ));
        }
    }
    Ok(())
}

/// A new name must be usable without quotes and kept whole (SQL), or be an identifier (Prisma).
fn check_name(name: &str, prisma: bool) -> Result<(), String> {
    let valid = if prisma {
        name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    } else {
        !name.is_empty() && quote_if_needed(name) == name
    };
    if valid && !prisma && name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "`{name}` is {} bytes long: PostgreSQL keeps only the first {MAX_NAME_BYTES} bytes of a \
             name, so use a shorter one",
            name.len()
        ));
    }
    if valid {
        return Ok(());
    }
    Err(if prisma {
        format!("`{name}` is not a Prisma name: use letters, digits and underscores")
    } else {
        format!(
            "`{name}` would need quoting in SQL: use lower-case letters, digits and underscores, \
             and not a reserved word"
        )
    })
}

/// `new_name` in place of each name at `locs`. A quoted name can touch a word (`"name"text`,
/// `REFERENCES"users"`), which the new name, never quoted, would run into: a space keeps them
/// apart.
fn replaced(snapshot: &Snapshot, locs: Vec<Loc>, new_name: &str) -> Vec<Edit> {
    let joins = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
    locs.into_iter()
        .map(|loc| {
            let text = snapshot
                .file_by_id(loc.file)
                .map_or("", |file| file.data.document.as_str());
            let (start, end) = (loc.range.start() as usize, loc.range.end() as usize);
            let before = joins(text.get(..start).and_then(|t| t.chars().next_back()))
                && joins(new_name.chars().next());
            let after = joins(text.get(end..).and_then(|t| t.chars().next()))
                && joins(new_name.chars().next_back());
            let space = |yes: bool| if yes { " " } else { "" };
            Edit::replace(loc, format!("{}{new_name}{}", space(before), space(after)))
        })
        .collect()
}

fn check_conflict(model: &Model, symbol: &Symbol, new_name: &str) -> Result<(), String> {
    match symbol {
        Symbol::Table(id) => {
            let schema = &model.table(*id).name.schema;
            if model.relation_exists(schema, new_name)
                || model.table_by_prisma_name(new_name).is_some()
            {
                return Err(format!(
                    "a table, view, sequence or index named `{new_name}` already exists in \
                     schema `{schema}`"
                ));
            }
        }
        Symbol::Column(id, _) => {
            let table = model.table(*id);
            let taken = table
                .columns
                .iter()
                .any(|c| c.name == new_name || c.prisma_name.as_deref() == Some(new_name));
            if taken {
                return Err(format!(
                    "`{}` already has a column named `{new_name}`",
                    table.name
                ));
            }
        }
        Symbol::Index(position) => {
            let schema = &model.table(model.indexes[*position].table).name.schema;
            if model.relation_exists(schema, new_name) {
                return Err(format!(
                    "a table, view, sequence or index named `{new_name}` already exists in \
                     schema `{schema}`"
                ));
            }
        }
        Symbol::Constraint(id, position) => {
            let table = model.table(*id);
            let taken = table
                .constraints
                .iter()
                .enumerate()
                .any(|(i, c)| i != *position && c.is_named(&table.name.name, new_name));
            if taken {
                return Err(format!(
                    "`{}` already has a constraint named `{new_name}`",
                    table.name
                ));
            }
            // A key's or unique constraint's index takes the new name too.
            let indexed = !matches!(
                table.constraints[*position].kind(),
                ConstraintKind::ForeignKey { .. } | ConstraintKind::Check(_)
            );
            if indexed && model.relation_exists(&table.name.schema, new_name) {
                return Err(format!(
                    "a table, view, sequence or index named `{new_name}` already exists in \
                     schema `{}`",
                    table.name.schema
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The migration that renames the object (and its undo).
fn migration(model: &Model, symbol: &Symbol, new_name: &str) -> Option<MigrationStep> {
    let (up, down, name) = match symbol {
        Symbol::Table(id) => {
            let table = &model.table(*id).name;
            let mut renamed = table.clone();
            renamed.name = new_name.to_string();
            (
                format!("ALTER TABLE {table} RENAME TO {new_name};"),
                format!(
                    "ALTER TABLE {renamed} RENAME TO {};",
                    quote_if_needed(&table.name)
                ),
                format!("rename_{}_to_{new_name}", table.name),
            )
        }
        Symbol::Column(id, position) => {
            let table = model.table(*id);
            let column = &table.columns[*position].name;
            let quoted = quote_if_needed(column);
            (
                format!(
                    "ALTER TABLE {} RENAME COLUMN {quoted} TO {new_name};",
                    table.name
                ),
                format!(
                    "ALTER TABLE {} RENAME COLUMN {new_name} TO {quoted};",
                    table.name
                ),
                format!("rename_{}_{column}_to_{new_name}", table.name.name),
            )
        }
        Symbol::Constraint(id, _) => {
            let table = model.table(*id);
            let (old, _) = current_names(model, symbol).ok()?;
            let quoted = quote_if_needed(&old);
            (
                format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {quoted} TO {new_name};",
                    table.name
                ),
                format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {new_name} TO {quoted};",
                    table.name
                ),
                format!("rename_{old}_to_{new_name}"),
            )
        }
        Symbol::Index(position) => {
            let (old, _) = current_names(model, symbol).ok()?;
            let schema = model
                .table(model.indexes[*position].table)
                .name
                .schema
                .clone();
            let name = |name: &str| QualifiedName {
                schema: schema.clone(),
                name: name.to_string(),
            };
            (
                format!("ALTER INDEX {} RENAME TO {new_name};", name(&old)),
                format!(
                    "ALTER INDEX {} RENAME TO {};",
                    name(new_name),
                    quote_if_needed(&old)
                ),
                format!("rename_{old}_to_{new_name}"),
            )
        }
        _ => return None,
    };
    Some(MigrationStep {
        title: None,
        name: file_words(&name),
        up,
        down: Some(down),
        outside_transaction: false,
    })
}

/// Lower-case words joined by `_`, for a file name.
fn file_words(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use crate::ide::fixture::Fixture;

    /// The files a rename at the cursor changes, as `path` then the new text, and the files it
    /// creates as `new path` then their text.
    #[track_caller]
    fn rename(fixture: &str, new_name: &str) -> Result<Vec<String>, String> {
        let fixture = Fixture::new(fixture);
        let (file, offset) = fixture.cursor();
        let renamed = super::rename(&fixture.snapshot, file, offset, new_name, 1_700_000_000)?;
        let mut changed: Vec<(String, String)> = Vec::new();
        let mut edits = renamed.edits.clone();
        edits.sort_by_key(|edit| std::cmp::Reverse((edit.file, edit.range.start())));
        for edit in edits {
            let path = fixture.describe(crate::model::Loc {
                file: edit.file,
                range: edit.range,
            });
            let path = path.split(':').next().unwrap().to_string();
            let text = match changed.iter_mut().find(|(p, _)| *p == path) {
                Some((_, text)) => text,
                None => {
                    let text = fixture.file(&path).data.text.to_string();
                    changed.push((path.clone(), text));
                    &mut changed.last_mut().unwrap().1
                }
            };
            text.replace_range(
                edit.range.start() as usize..edit.range.end() as usize,
                &edit.text,
            );
        }
        let mut out: Vec<String> = changed
            .into_iter()
            .flat_map(|(path, text)| [path, text])
            .collect();
        for new in renamed.new_files {
            let path = new.path.file_name().unwrap().to_string_lossy();
            out.push(format!("new {path}"));
            out.push(new.text);
        }
        Ok(out)
    }

    #[test]
    fn a_schema_file_changes_everywhere() {
        let schema = "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE posts (author bigint REFERENCES users (id));\nCREATE INDEX ON posts (author);\nCOMMENT ON TABLE us$0ers IS 'people';\n";
        assert_eq!(
            rename(schema, "members").unwrap(),
            [
                "schema.sql",
                "CREATE TABLE members (id bigint PRIMARY KEY);\nCREATE TABLE posts (author bigint REFERENCES members (id));\nCREATE INDEX ON posts (author);\nCOMMENT ON TABLE members IS 'people';\n"
            ]
        );
        let column = schema.replace("$0", "").replace("(author)", "(au$0thor)");
        assert_eq!(
            rename(&column, "writer").unwrap()[1],
            "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE posts (writer bigint REFERENCES users (id));\nCREATE INDEX ON posts (writer);\nCOMMENT ON TABLE users IS 'people';\n"
        );
    }

    #[test]
    fn a_quoted_name_that_touches_a_word_keeps_apart_from_it() {
        let schema = "CREATE TABLE\"users\"(id bigint PRIMARY KEY, \"na$0me\"text);\nCREATE INDEX ON users(\"name\");\n";
        assert_eq!(
            rename(schema, "x").unwrap()[1],
            "CREATE TABLE\"users\"(id bigint PRIMARY KEY, x text);\nCREATE INDEX ON users(x);\n"
        );
        let table = schema
            .replace("$0", "")
            .replace("\"users\"(", "\"us$0ers\"(");
        assert_eq!(
            rename(&table, "people").unwrap()[1],
            "CREATE TABLE people(id bigint PRIMARY KEY, \"name\"text);\nCREATE INDEX ON people(\"name\");\n"
        );
    }

    #[test]
    fn an_applied_migration_gets_a_new_one_and_a_pending_one_its_edits() {
        let folder = "\
//- db/001_users.sql
CREATE TABLE \"Größe\" (id bigint PRIMARY KEY, name text);\r
//- db/002_orders.sql
CREATE TABLE orders (id bigint PRIMARY KEY, note text, buyer bigint REFERENCES \"Größe\");\r
ALTER TABLE orders RENAME COLUMN note TO remark;\r
CREATE INDEX ON orders (remark);\r
";
        // Applied: a new migration, in the folder's numbering and line ends; the pending
        // migration runs before it and keeps the name.
        assert_eq!(
            rename(
                &folder.replace("REFERENCES \"Gr", "REFERENCES \"G$0r"),
                "sizes"
            )
            .unwrap(),
            [
                "new 003_rename_gr_e_to_sizes.sql",
                "ALTER TABLE \"Größe\" RENAME TO sizes;\r\n",
            ]
        );
        // Pending: edits, the name before an earlier rename left as it was.
        assert_eq!(
            rename(&folder.replace("(remark)", "(rem$0ark)"), "memo").unwrap(),
            [
                "db/002_orders.sql",
                "CREATE TABLE orders (id bigint PRIMARY KEY, note text, buyer bigint REFERENCES \"Größe\");\r\nALTER TABLE orders RENAME COLUMN note TO memo;\r\nCREATE INDEX ON orders (memo);\r\n",
            ]
        );
    }

    /// ddlint does not rename inside queries: a rename a view survives only in the database (a
    /// new migration) goes ahead, one that leaves an edited file's view, or a function anywhere,
    /// naming what no longer exists is refused.
    #[test]
    fn queries_that_may_read_the_name_stop_a_rename() {
        let schema = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX ON users (em$0ail);\nCREATE VIEW mailing AS\n  SELECT Email FROM users;\n";
        let refused = rename(schema, "address").unwrap_err();
        assert!(refused.starts_with("view `mailing` ("), "{refused}");
        assert!(
            refused.ends_with(
                "schema.sql:3) may read `email`, and ddlint does not rename inside a view's \
                 query: change the view by hand along with the rename"
            ),
            "{refused}"
        );
        let table = schema.replace("$0", "").replace("ON users", "ON us$0ers");
        assert!(
            rename(&table, "members")
                .unwrap_err()
                .contains("may read `users`")
        );
        // The view names no `id`.
        let id = schema
            .replace("$0", "")
            .replace("(id bigint", "(i$0d bigint");
        assert!(rename(&id, "user_id").is_ok());
        // Applied, the view in a migration before the new one: PostgreSQL renames what it reads.
        let folder = "\
//- db/001_users.sql
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE VIEW mailing AS SELECT email FROM users;
//- db/002_index.sql
CREATE INDEX ON users (em$0ail);
";
        assert_eq!(
            rename(folder, "address").unwrap(),
            [
                "new 003_rename_users_email_to_address.sql",
                "ALTER TABLE users RENAME COLUMN email TO address;\n",
            ]
        );
        // A function's body is text in the database too: the new migration would break it.
        let function = folder.replace(
            "CREATE VIEW mailing AS SELECT email FROM users;",
            "CREATE FUNCTION mailing() RETURNS SETOF text LANGUAGE sql AS $$ SELECT email FROM users $$;",
        );
        assert!(
            rename(&function, "address")
                .unwrap_err()
                .contains("function `mailing` (")
        );
        // A trigger function that names no table reads whatever table it is attached to.
        let trigger = folder.replace(
            "CREATE VIEW mailing AS SELECT email FROM users;",
            "CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.email := lower(NEW.email); RETURN NEW; END $$;",
        );
        assert!(rename(&trigger, "address").is_ok());
    }

    #[test]
    fn prisma_models_and_fields() {
        let schema = "//- schema.prisma\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   Us$0er @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n";
        assert_eq!(
            rename(schema, "Person").unwrap()[1],
            "model Person {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   Person @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n"
        );
        let field = schema
            .replace("$0", "")
            .replace("[authorId]", "[author$0Id]");
        assert_eq!(
            rename(&field, "writerId").unwrap()[1],
            "model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [writerId], references: [id])\n  writerId Int\n}\n"
        );
    }

    /// A table is also the type of its rows: a column of that type and a function returning its
    /// rows went on naming the old table.
    #[test]
    fn a_table_s_row_type_is_renamed_with_it() {
        let schema = "CREATE TABLE us$0ers (id bigint PRIMARY KEY);\nCREATE TABLE audits (id bigint PRIMARY KEY, before users, text text);\nCREATE FUNCTION active() RETURNS SETOF users LANGUAGE sql AS $$ SELECT 1 $$;\n";
        assert_eq!(
            rename(schema, "members").unwrap()[1],
            "CREATE TABLE members (id bigint PRIMARY KEY);\nCREATE TABLE audits (id bigint PRIMARY KEY, before members, text text);\nCREATE FUNCTION active() RETURNS SETOF members LANGUAGE sql AS $$ SELECT 1 $$;\n"
        );
        // A table named like a built-in type is not what the type names.
        let text = "CREATE TABLE te$0xt (id bigint PRIMARY KEY);\nCREATE TABLE notes (id bigint PRIMARY KEY, body text);\n";
        assert_eq!(
            rename(text, "texts").unwrap()[1],
            "CREATE TABLE texts (id bigint PRIMARY KEY);\nCREATE TABLE notes (id bigint PRIMARY KEY, body text);\n"
        );
    }

    /// A field in an index or key list with arguments (`key(ops: ...)`, `title(sort: Desc)`) is
    /// renamed too: the list went on naming the old field.
    #[test]
    fn prisma_fields_with_arguments_in_index_lists() {
        let schema = "//- schema.prisma\nmodel Secret {\n  k$0ey   String @unique\n  title String\n\n  @@index([key(ops: raw(\"text_pattern_ops\"))], type: BTree)\n  @@index([title, key(sort: Desc)])\n  @@unique([key(length: 10), title])\n}\n";
        assert_eq!(
            rename(schema, "name").unwrap()[1],
            "model Secret {\n  name   String @unique\n  title String\n\n  @@index([name(ops: raw(\"text_pattern_ops\"))], type: BTree)\n  @@index([title, name(sort: Desc)])\n  @@unique([name(length: 10), title])\n}\n"
        );
    }

    #[test]
    fn prisma_map_names_stay_as_the_database_has_them() {
        let schema = "//- schema.prisma\nmodel Kunde {\n  id    Int    @id\n  größe Int    @map(\"größe\")\n  @@map(\"kunden\")\n}\n";
        let schema = schema.replace("  größe Int", "  groesse Int");
        assert_eq!(
            rename(&schema.replace("model Kunde", "model Ku$0nde"), "Client").unwrap()[1],
            "model Client {\n  id    Int    @id\n  groesse Int    @map(\"größe\")\n  @@map(\"kunden\")\n}\n"
        );
        assert_eq!(
            rename(&schema.replace("  groesse", "  groe$0sse"), "size").unwrap()[1],
            "model Kunde {\n  id    Int    @id\n  size Int    @map(\"größe\")\n  @@map(\"kunden\")\n}\n"
        );
        let refused = rename(&schema.replace("(\"kunden", "(\"ku$0nden"), "clients");
        assert!(refused.unwrap_err().contains("edit the string"));
    }

    #[test]
    fn constraints_by_their_written_or_derived_names() {
        let folder = "\
//- db/001_users.sql
CREATE TABLE \"Größe\" (id bigint PRIMARY KEY, email text UNIQUE);
//- db/002_orders.sql
ALTER INDEX \"Größe_email_k$0ey\" SET (fillfactor = 90);
";
        // Applied: a new migration renames the derived name.
        assert_eq!(
            rename(folder, "users_email_unique").unwrap(),
            [
                "new 003_rename_gr_e_email_key_to_users_email_unique.sql",
                "ALTER TABLE \"Größe\" RENAME CONSTRAINT \"Größe_email_key\" TO users_email_unique;\n",
            ]
        );
        // In a file people edit, a derived name cannot be renamed where it is created.
        let schema = "CREATE TABLE t (id bigint PRIMARY KEY);\nCOMMENT ON CONSTRAINT t_pk$0ey ON t IS 'key';\n";
        let refused = rename(schema, "t_key").unwrap_err();
        assert!(
            refused.contains("write `CONSTRAINT t_key` before it"),
            "{refused}"
        );
        // A written name changes everywhere.
        let named = "CREATE TABLE t (id bigint, CONSTRAINT t_pk PRIMARY KEY (id));\nCOMMENT ON CONSTRAINT t_p$0k ON t IS 'key';\n";
        assert_eq!(
            rename(named, "t_key").unwrap()[1],
            "CREATE TABLE t (id bigint, CONSTRAINT t_key PRIMARY KEY (id));\nCOMMENT ON CONSTRAINT t_key ON t IS 'key';\n"
        );
        let taken = "CREATE TABLE t (id bigint PRIMARY KEY, a int, CONSTRAINT t_a CHECK (a > 0), CONSTRAINT t_b CHECK (a < 9));\nCOMMENT ON CONSTRAINT t_$0a ON t IS 'x';\n";
        assert!(
            rename(taken, "t_b")
                .unwrap_err()
                .contains("already has a constraint")
        );
        assert!(
            rename(taken, "t_pkey")
                .unwrap_err()
                .contains("already has a constraint")
        );
    }

    #[test]
    fn indexes_by_their_written_or_derived_names() {
        let folder = "\
//- db/001_users.sql
CREATE TABLE audit.\"Größe\" (id bigint, \"maß\" int);
CREATE INDEX ON audit.\"Größe\" (\"maß\");
//- db/002_more.sql
ALTER INDEX audit.\"Größe_m$0aß_idx\" SET (fillfactor = 90);
";
        assert_eq!(
            rename(folder, "sizes_by_measure").unwrap(),
            [
                "new 003_rename_gr_e_ma_idx_to_sizes_by_measure.sql",
                "ALTER INDEX audit.\"Größe_maß_idx\" RENAME TO sizes_by_measure;\n",
            ]
        );
        let schema =
            "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nCOMMENT ON INDEX t_$0a IS 'x';\n";
        assert_eq!(
            rename(schema, "t_by_a").unwrap()[1],
            "CREATE TABLE t (a int);\nCREATE INDEX t_by_a ON t (a);\nCOMMENT ON INDEX t_by_a IS 'x';\n"
        );
        let derived =
            "CREATE TABLE t (a int);\nCREATE INDEX ON t (a);\nCOMMENT ON INDEX t_a_$0idx IS 'x';\n";
        let refused = rename(derived, "t_by_a").unwrap_err();
        assert!(
            refused.contains("write `CREATE INDEX t_by_a ON` instead"),
            "{refused}"
        );
        // Renamed later, the derived name is history.
        let renamed = "CREATE TABLE t (a int);\nCREATE INDEX ON t (a);\nALTER INDEX t_a_idx RENAME TO t_by_a;\nCOMMENT ON INDEX t_by$0_a IS 'x';\n";
        assert_eq!(
            rename(renamed, "t_a_index").unwrap()[1],
            "CREATE TABLE t (a int);\nCREATE INDEX ON t (a);\nALTER INDEX t_a_idx RENAME TO t_a_index;\nCOMMENT ON INDEX t_a_index IS 'x';\n"
        );
    }

    #[test]
    fn refusals_say_why() {
        let schema = "CREATE TABLE users (id bigint PRIMARY KEY, name text);\nCREATE TABLE teams (id bigint);\nCREATE INDEX users_name ON us$0ers (name);\n";
        let refused = |schema: &str, name: &str| rename(schema, name).unwrap_err();
        assert!(refused(schema, "Users").contains("would need quoting"));
        assert!(refused(schema, "select").contains("would need quoting"));
        // PostgreSQL would keep the first 63 bytes: not the name asked for.
        assert_eq!(
            refused(schema, &"u".repeat(64)),
            format!(
                "`{}` is 64 bytes long: PostgreSQL keeps only the first 63 bytes of a name, so \
                 use a shorter one",
                "u".repeat(64)
            )
        );
        assert!(rename(schema, &"u".repeat(63)).is_ok());
        assert!(refused(schema, "teams").contains("named `teams` already exists"));
        assert!(refused(schema, "users_name").contains("already exists"));
        let column = schema.replace("$0", "").replace("(name)", "(na$0me)");
        assert!(refused(&column, "id").contains("`users` already has a column named `id`"));
        let index = schema
            .replace("$0", "")
            .replace("users_name", "users_$0name");
        assert!(refused(&index, "users").contains("already exists"));
        let prepared = {
            let fixture = Fixture::new(schema);
            let (file, offset) = fixture.cursor();
            let target = super::prepare_rename(file, offset).unwrap();
            fixture.describe_in(file, target.range) + " " + &target.name
        };
        assert_eq!(prepared, "3 users users");
    }

    #[test]
    fn schema_files_that_build_one_schema_change_together() {
        let linked = "\
//- schema/CreateTables.sql
CREATE TABLE art$0ist (id bigint NOT NULL, name text NOT NULL);
//- schema/CreatePrimaryKeys.sql
ALTER TABLE artist ADD PRIMARY KEY (id);
";
        assert_eq!(
            rename(linked, "performer").unwrap(),
            [
                "schema/CreateTables.sql",
                "CREATE TABLE performer (id bigint NOT NULL, name text NOT NULL);\n",
                "schema/CreatePrimaryKeys.sql",
                "ALTER TABLE performer ADD PRIMARY KEY (id);\n",
            ]
        );
    }
}
