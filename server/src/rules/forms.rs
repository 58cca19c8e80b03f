//! Migration forms: the change an in-place fix makes, written as statements of a migration of
//! its own, for when its edits would land in an applied migration or a generated dump (see
//! `placement`). Such a migration runs after every other, so it names things as they are named
//! now, and it changes the column or index as it stands now.

use std::collections::HashSet;

use crate::lower::{Fact, StatementKind, TypeRef};
use crate::model::names::{is_identifier_char, names_word, quote_if_needed};
use crate::model::{Column, Loc, Located, QualifiedName, Table};
use crate::rules::common::type_tokens;
use crate::rules::{Fix, MigrationStep, RuleCx, migration_name};
use crate::syntax::Language;
use crate::text::TextRange;

/// Statements of a migration form with the statements that undo them, in the keyword case of
/// the statement the finding is in.
pub struct Form<'c, 'a> {
    cx: &'c RuleCx<'a>,
    /// The statement the finding is in, whose keyword case the statements take.
    at: Loc,
    up: Vec<String>,
    down: Vec<String>,
    outside_transaction: bool,
}

impl<'c, 'a> Form<'c, 'a> {
    /// A form for a fix of something defined by the statement at `at`; `None` for Prisma
    /// schemas, which are never history.
    pub fn new(cx: &'c RuleCx<'a>, table: &Table, at: Loc) -> Option<Form<'c, 'a>> {
        if table.language != Language::Sql {
            return None;
        }
        Some(Form::of_sql(cx, at))
    }

    /// A form for a fix of the SQL statement at `at`.
    pub fn of_sql(cx: &'c RuleCx<'a>, at: Loc) -> Form<'c, 'a> {
        Form {
            cx,
            at,
            up: Vec::new(),
            down: Vec::new(),
            outside_transaction: false,
        }
    }

    /// `ALTER TABLE t ALTER COLUMN c TYPE <to> [USING ...]`, undone by `TYPE <from>`.
    pub fn retype(
        mut self,
        table: &Table,
        column: &Column,
        (from, to): (&str, &str),
        conversion: Conversion,
    ) -> Option<Form<'c, 'a>> {
        if read_by_view(self.cx, table) {
            return None;
        }
        let column_name = quote_if_needed(&column.name);
        let alter = format!("ALTER TABLE {} ALTER COLUMN {column_name} TYPE", table.name);
        let (forward, back) = match conversion {
            Conversion::Assignment => (String::new(), String::new()),
            Conversion::Cast => (
                format!(" USING {column_name}::{to}"),
                format!(" USING {column_name}::{from}"),
            ),
            Conversion::WallClockUtc => {
                let utc = format!(" USING {column_name} AT TIME ZONE 'UTC'");
                (utc.clone(), utc)
            }
        };
        self.up.push(format!("{alter} {to}{forward};"));
        self.down.push(format!("{alter} {from}{back};"));
        Some(self)
    }

    /// Widens an integer column (written `from`, a serial as the integer it stores) to `wide`;
    /// a serial's sequence too, whose type caps the values it hands out.
    pub fn widen_integer(
        self,
        table: &Table,
        column: &Column,
        serial: bool,
        (from, wide): (&str, &str),
    ) -> Option<Form<'c, 'a>> {
        let form = self.retype(table, column, (from, wide), Conversion::Assignment)?;
        if !serial {
            return Some(form);
        }
        let sequence = |ty: &str| {
            format!(
                "DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s AS {ty}', pg_get_serial_sequence('{}', '{}')); END $$;",
                table.name.to_string().replace('\'', "''"),
                column.name.replace('\'', "''")
            )
        };
        Some(form.statement(sequence(wide), Some(sequence(from))))
    }

    /// `ALTER TABLE t ALTER COLUMN c <action>`, undone by `ALTER COLUMN c <undo>`.
    pub fn alter_column(
        mut self,
        table: &Table,
        column: &Column,
        action: &str,
        undo: &str,
    ) -> Form<'c, 'a> {
        let alter = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            table.name,
            quote_if_needed(&column.name)
        );
        self.up.push(format!("{alter} {action};"));
        self.down.push(format!("{alter} {undo};"));
        self
    }

    /// `ALTER TABLE t ADD COLUMN <definition>` (`definition` starts with the column's name as
    /// written here), undone by dropping the column.
    pub fn add_column(mut self, table: &Table, name: &str, definition: &str) -> Form<'c, 'a> {
        self.up.push(format!(
            "ALTER TABLE {} ADD COLUMN {definition};",
            table.name
        ));
        self.down.push(format!(
            "ALTER TABLE {} DROP COLUMN {};",
            table.name,
            quote_if_needed(name)
        ));
        self
    }

    /// `ALTER TABLE t ADD PRIMARY KEY (columns)`, undone by dropping PostgreSQL's name for it.
    pub fn add_primary_key(self, table: &Table, columns: &[&str]) -> Form<'c, 'a> {
        self.add_key(table, "PRIMARY KEY", &[], "pkey", columns)
    }

    /// `ALTER TABLE t ADD UNIQUE (columns)`, undone by dropping PostgreSQL's name for it.
    pub fn add_unique(self, table: &Table, columns: &[&str]) -> Form<'c, 'a> {
        let named: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        self.add_key(table, "UNIQUE", &named, "key", columns)
    }

    fn add_key(
        mut self,
        table: &Table,
        kind: &str,
        named_by: &[String],
        label: &str,
        columns: &[&str],
    ) -> Form<'c, 'a> {
        let columns: Vec<String> = columns.iter().map(|c| quote_if_needed(c)).collect();
        self.up.push(format!(
            "ALTER TABLE {} ADD {kind} ({});",
            table.name,
            columns.join(", ")
        ));
        let constraint = crate::model::names::implied_name(&table.name.name, named_by, label);
        self.down.push(format!(
            "ALTER TABLE {} DROP CONSTRAINT {};",
            table.name,
            quote_if_needed(&constraint)
        ));
        self
    }

    /// `DROP INDEX CONCURRENTLY` of an index of `table` (outside a transaction, so that writes
    /// go on), undone by the statement that created it.
    pub fn drop_index(mut self, table: &Table, name: &str, created_by: &str) -> Form<'c, 'a> {
        let index = QualifiedName {
            schema: table.name.schema.clone(),
            name: name.to_owned(),
        };
        self.up
            .push(format!("DROP INDEX CONCURRENTLY IF EXISTS {index};"));
        self.down
            .push(format!("{};", created_by.trim().trim_end_matches(';')));
        self.outside_transaction = true;
        self
    }

    /// A statement that changes data first (a backfill), which nothing undoes.
    pub fn data(mut self, statement: String) -> Form<'c, 'a> {
        self.up.push(statement);
        self
    }

    /// A statement with its undo.
    pub fn statement(mut self, up: String, down: Option<String>) -> Form<'c, 'a> {
        self.up.push(up);
        self.down.extend(down);
        self
    }

    /// The statements as a migration named after the fix's title.
    pub fn step(self, title: &str) -> Option<MigrationStep> {
        if self.up.is_empty() {
            return None;
        }
        let text = &self.cx.file(self.at.file)?.text;
        let case = |sql: String| crate::fix::keyword_case(text, self.at.range, &sql);
        let down: Vec<String> = self.down.into_iter().rev().map(case).collect();
        Some(MigrationStep {
            title: None,
            name: migration_name(title),
            up: self.up.into_iter().map(case).collect::<Vec<_>>().join("\n") + "\n",
            down: Some(down.join("\n") + if down.is_empty() { "" } else { "\n" }),
            outside_transaction: self.outside_transaction,
        })
    }
}

/// How stored values become values of the new type, and back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// PostgreSQL's assignment cast, both ways.
    Assignment,
    /// An explicit cast to each type (`c::jsonb`, `c::json`), where no assignment cast exists.
    Cast,
    /// `timestamp` values read as UTC wall-clock readings, and written back as such.
    WallClockUtc,
}

/// A column's whole type as written, and the same with its type tokens (not its array
/// brackets) replaced by `tokens`.
pub fn retyped(cx: &RuleCx, ty: &Located<TypeRef>, tokens: &str) -> (String, String) {
    let whole = ty.loc(ty.value.range);
    let replaced = type_tokens(ty).range;
    let before = TextRange::new(whole.range.start(), replaced.start());
    let after = TextRange::new(replaced.end(), whole.range.end());
    let part = |range| {
        cx.text(Loc {
            file: whole.file,
            range,
        })
    };
    let to = format!("{}{tokens}{}", part(before), part(after));
    (cx.text(whole).to_string(), to)
}

/// An in-place change of a column's type tokens to `tokens`, with its migration form; none
/// where the conversion cannot apply (a time zone conversion of an array).
pub fn retype_fix(
    cx: &RuleCx,
    table: &Table,
    column: &Column,
    ty: &Located<TypeRef>,
    fix: Fix,
    tokens: &str,
    conversion: Conversion,
) -> Fix {
    if table.language != Language::Sql
        || (conversion == Conversion::WallClockUtc && ty.value.array_dims > 0)
    {
        return fix;
    }
    let (from, to) = retyped(cx, ty, tokens);
    let form = Form::new(cx, table, ty.origin.statement_loc()).and_then(|form| {
        form.retype(table, column, (&from, &to), conversion)?
            .step(&fix.title)
    });
    fix.with_migration(form)
}

/// Whether a view's query may read the table (its text names the table by any of its names):
/// PostgreSQL refuses to change the type of a column a view uses.
fn read_by_view(cx: &RuleCx, table: &Table) -> bool {
    // Gathered once per check: every fix that changes a column's type asks.
    let views = cx.shared.views.get_or_init(|| {
        let texts: Vec<String> = cx
            .files()
            .flat_map(|file| {
                file.statements
                    .iter()
                    .filter(|statement| {
                        // The kind first: it spares reading the facts of every other statement.
                        let lowered = &statement.lowered;
                        matches!(
                            lowered.kind,
                            StatementKind::CreateView | StatementKind::PrismaBlock
                        ) && lowered
                            .facts
                            .iter()
                            .any(|fact| matches!(fact, Fact::CreateView { .. }))
                    })
                    .map(|statement| file.slice(statement.range()).to_lowercase())
            })
            .collect();
        let words = texts
            .iter()
            .flat_map(|text| text.split(|c: char| !is_identifier_char(c)))
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect();
        ViewText { texts, words }
    });
    std::iter::once(table.name.name.as_str())
        .chain(
            table
                .former_names
                .iter()
                .map(|former| former.name.name.as_str()),
        )
        .map(str::to_lowercase)
        .any(|name| {
            if name.chars().all(is_identifier_char) {
                views.words.contains(&name)
            } else {
                views.texts.iter().any(|text| names_word(text, &name))
            }
        })
}

/// The CREATE VIEW statements of a source's history, lower-cased, and the identifiers they
/// hold.
pub(crate) struct ViewText {
    texts: Vec<String>,
    words: HashSet<String>,
}

#[cfg(test)]
mod tests {
    use crate::rules::Safety;
    use crate::rules::placement::IN_A_NEW_MIGRATION;
    use crate::rules::tests::fixes_in_fixture;

    /// Each rule's `applied_migration` fixture: its finding in an applied migration has its fix
    /// as a new migration (the fixtures run on PostgreSQL with those migrations too).
    #[test]
    fn fixes_of_applied_migrations_are_new_migrations() {
        let cases = [
            ("timestamp-without-time-zone", "Convert to timestamptz"),
            ("prefer-jsonb", "Use jsonb"),
            ("money-type", "Use numeric"),
            ("float-for-money", "Use numeric"),
            ("char-type", "Use varchar(2)"),
            ("varchar-arbitrary-length", "Use text"),
            (
                "integer-primary-key",
                "Use bigserial (and bigint for 1 referencing column)",
            ),
            ("foreign-key-type-mismatch", "Widen `teams.id` to `bigint`"),
            ("nullable-audit-column", "Add NOT NULL DEFAULT now()"),
            ("duplicate-index", "Remove duplicate index"),
            (
                "security-definer-without-search-path",
                "Set search_path = public, pg_temp",
            ),
        ];
        for (rule, title) in cases {
            let fixes = fixes_in_fixture(rule, "applied_migration.sql");
            let expected = format!("{title}{IN_A_NEW_MIGRATION}");
            assert!(
                fixes[0].iter().any(|(found, _)| *found == expected),
                "{rule}: {:?}",
                fixes[0]
            );
            assert!(
                fixes[0]
                    .iter()
                    .all(|(found, safety)| found.ends_with(IN_A_NEW_MIGRATION)
                        && (*safety == Safety::Unsafe || rule == "duplicate-index")),
                "{rule}: {:?}",
                fixes[0]
            );
        }
    }

    /// PostgreSQL refuses to change the type of a column a view reads.
    #[test]
    fn no_type_change_under_a_view() {
        let fixes = fixes_in_fixture("timestamp-without-time-zone", "applied_migration.sql");
        assert_eq!(fixes.len(), 2);
        assert!(fixes[1].is_empty(), "{:?}", fixes[1]);
    }
}
