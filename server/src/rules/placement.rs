//! Fixes never rewrite history. A fix whose edits would change an applied migration becomes a
//! new migration; one that would change a generated dump becomes a migration to write by hand.
//! The migration is the fix's own (`Fix::migration`) or, for a fix that only inserts whole
//! statements, those statements. A fix that has neither is dropped: no fix is better than a
//! wrong one.

use crate::diagnostic::migration_name;
use crate::model::{FileId, History, Loc, Model};
use crate::rules::{Diagnostic, Fix, MigrationStep, Placement};

/// What the title of a fix that moved into a new migration ends with.
pub const IN_A_NEW_MIGRATION: &str = " in a new migration";

/// What the title of a fix that became a migration to write ends with.
pub const IN_A_MIGRATION_YOU_WRITE: &str = " in a migration you write (this file is generated)";

/// Moves or drops the fixes of `diagnostics` that edit applied migrations or generated dumps.
pub fn place_fixes(diagnostics: &mut [Diagnostic], model: &Model) {
    let history = |file: FileId| {
        model
            .file_meta(file)
            .map_or(History::Schema, |meta| meta.history)
    };
    let mut last_rename: Option<Option<Loc>> = None;
    for diagnostic in diagnostics.iter_mut() {
        if diagnostic.fixes.iter().all(|fix| {
            fix.edits
                .iter()
                .all(|edit| history(edit.file).is_editable())
        }) {
            continue;
        }
        let last_rename = *last_rename.get_or_insert_with(|| last_rename_in(model));
        let fixes = std::mem::take(&mut diagnostic.fixes);
        diagnostic.fixes = fixes
            .into_iter()
            .filter_map(|fix| place(fix, &history, |at| renamed_after(model, last_rename, at)))
            .collect();
    }
}

/// The last RENAME of a table, column, index or type.
fn last_rename_in(model: &Model) -> Option<Loc> {
    let tables = model.tables.iter().flat_map(|table| {
        let columns = table.columns.iter().flat_map(|c| &c.former_names);
        table
            .former_names
            .iter()
            .map(|former| former.until)
            .chain(columns.map(|former| former.until))
    });
    let indexes = model.indexes.iter().flat_map(|index| &index.former_names);
    let types = model.types.iter().flat_map(|ty| &ty.former_names);
    tables
        .chain(indexes.map(|former| former.until))
        .chain(types.map(|former| former.until))
        .reduce(|a, b| if model.precedes(a, b) { b } else { a })
}

/// Whether something was renamed after `at`, so that statements written for `at` may name it
/// by a name it no longer has.
fn renamed_after(model: &Model, last_rename: Option<Loc>, at: Loc) -> bool {
    last_rename.is_some_and(|rename| model.precedes(at, rename))
}

fn place(
    mut fix: Fix,
    history: &impl Fn(FileId) -> History,
    renamed_after: impl Fn(Loc) -> bool,
) -> Option<Fix> {
    let touched: Vec<History> = fix.edits.iter().map(|edit| history(edit.file)).collect();
    if touched.iter().all(|history| history.is_editable()) {
        return Some(fix);
    }
    // Edits with a later migration of their own cannot move into a migration.
    if fix.placement != Placement::InPlace {
        return None;
    }
    let step = match fix.migration.take() {
        Some(mut step) => {
            if let Some(title) = step.title.take() {
                fix.title = title;
            }
            step
        }
        // Statements written for their place name things as they were named there.
        None if fix.edits.iter().any(|edit| {
            renamed_after(Loc {
                file: edit.file,
                range: edit.range,
            })
        }) =>
        {
            return None;
        }
        None => statements_as_migration(&fix)?,
    };
    fix.placement = if touched.contains(&History::Generated) {
        fix.title.push_str(IN_A_MIGRATION_YOU_WRITE);
        Placement::MigrationToWrite
    } else {
        fix.title.push_str(IN_A_NEW_MIGRATION);
        Placement::NewMigration
    };
    fix.edits.clear();
    fix.migration = Some(step);
    Some(fix)
}

/// The statements a fix inserts, as a migration: only when every edit inserts whole statements.
fn statements_as_migration(fix: &Fix) -> Option<MigrationStep> {
    if fix.edits.is_empty() || !fix.edits.iter().all(|edit| edit.inserts_statements) {
        return None;
    }
    let mut up = String::new();
    for edit in &fix.edits {
        for line in edit.text.trim().lines() {
            up.push_str(line.trim_end_matches('\r'));
            up.push('\n');
        }
    }
    let downs: Option<Vec<String>> = split_statements(&up)
        .iter()
        .rev()
        .map(|statement| undo(statement))
        .collect();
    Some(MigrationStep {
        title: None,
        name: migration_name(&fix.title),
        outside_transaction: up.to_ascii_uppercase().contains(" CONCURRENTLY "),
        down: downs.map(|downs| downs.join("\n")),
        up,
    })
}

/// Statements of SQL written by a fix builder: split at `;` outside quotes and dollar quotes.
fn split_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut dollar: Option<String> = None;
    let mut chars = sql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        current.push(c);
        if let Some(tag) = &dollar {
            if c == '$' && sql[at..].starts_with(tag.as_str()) {
                for _ in 1..tag.len() {
                    if let Some((_, c)) = chars.next() {
                        current.push(c);
                    }
                }
                dollar = None;
            }
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') => {
                let rest = &sql[at + 1..];
                let tag_len = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if rest[tag_len..].starts_with('$') {
                    let tag = format!("${}$", &rest[..tag_len]);
                    for _ in 0..=tag_len {
                        if let Some((_, c)) = chars.next() {
                            current.push(c);
                        }
                    }
                    dollar = Some(tag);
                }
            }
            (None, ';') => {
                statements.push(current.trim().to_owned());
                current.clear();
            }
            _ => {}
        }
    }
    if !current.trim().is_empty() {
        statements.push(current.trim().to_owned());
    }
    statements
}

/// The statement that undoes one a fix builder wrote, when there is a plain one. Statements
/// that change nothing to undo (`VALIDATE CONSTRAINT`) undo to nothing.
fn undo(statement: &str) -> Option<String> {
    let words = words(statement);
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let is = |at: usize, word: &str| upper.get(at).is_some_and(|w| w == word);
    let keyword = |at: usize, text: &str| {
        if statement
            .trim_start()
            .starts_with(|c: char| c.is_ascii_lowercase())
        {
            text.to_ascii_lowercase()
        } else {
            text.to_owned()
        }
        .replace("{}", words.get(at).map_or("", String::as_str))
    };
    // CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON ...
    if is(0, "CREATE") {
        let mut at = 1;
        if is(at, "UNIQUE") {
            at += 1;
        }
        if is(at, "INDEX") {
            at += 1;
            let concurrently = is(at, "CONCURRENTLY");
            if concurrently {
                at += 1;
            }
            if is(at, "IF") && is(at + 1, "NOT") && is(at + 2, "EXISTS") {
                at += 3;
            }
            if is(at, "ON") {
                return None;
            }
            let drop = if concurrently {
                "DROP INDEX CONCURRENTLY IF EXISTS {};"
            } else {
                "DROP INDEX IF EXISTS {};"
            };
            return Some(keyword(at, drop));
        }
        // CREATE TRIGGER name ... ON table
        if is(1, "TRIGGER") {
            let on = upper.iter().position(|w| w == "ON")?;
            let (name, table) = (words.get(2)?, words.get(on + 1)?);
            return Some(format!(
                "{}{name}{}{table};",
                keyword(0, "DROP TRIGGER IF EXISTS "),
                keyword(0, " ON ")
            ));
        }
        return None;
    }
    // COMMENT ON <kind> <name> IS ...
    if is(0, "COMMENT") && is(1, "ON") {
        let is_at = upper.iter().position(|w| w == "IS")?;
        let target = words[2..is_at].join(" ");
        return Some(format!(
            "{}{target}{}",
            keyword(0, "COMMENT ON "),
            keyword(0, " IS NULL;")
        ));
    }
    // ALTER TABLE [ONLY] name <action>
    if is(0, "ALTER") && is(1, "TABLE") {
        let mut at = 2;
        if is(at, "ONLY") {
            at += 1;
        }
        let table = words.get(at)?;
        let action = at + 1;
        if is(action, "ADD") && is(action + 1, "CONSTRAINT") {
            let name = words.get(action + 2)?;
            return Some(format!(
                "{}{table}{}{name};",
                keyword(0, "ALTER TABLE "),
                keyword(0, " DROP CONSTRAINT IF EXISTS ")
            ));
        }
        if is(action, "ENABLE") && is(action + 1, "ROW") {
            return Some(format!(
                "{}{table}{}",
                keyword(0, "ALTER TABLE "),
                keyword(0, " DISABLE ROW LEVEL SECURITY;")
            ));
        }
        if is(action, "VALIDATE") && is(action + 1, "CONSTRAINT") {
            return Some(String::new());
        }
    }
    None
}

/// The words of a statement: identifiers (quoted ones whole), keywords and punctuation runs.
fn words(statement: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in statement.chars() {
        if quoted {
            current.push(c);
            if c == '"' {
                quoted = false;
            }
            continue;
        }
        match c {
            '"' => {
                current.push(c);
                quoted = true;
            }
            c if c.is_whitespace() || c == '(' || c == ';' => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_builders_statements_are_undone() {
        assert_eq!(
            undo("CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);"),
            Some("DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;".to_owned())
        );
        assert_eq!(
            undo("create unique index \"Orders_key\" on \"Orders\" (k);"),
            Some("drop index if exists \"Orders_key\";".to_owned())
        );
        assert_eq!(
            undo("COMMENT ON TABLE public.users IS 'People who sign in; one row each';"),
            Some("COMMENT ON TABLE public.users IS NULL;".to_owned())
        );
        assert_eq!(
            undo("ALTER TABLE ONLY orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);"),
            Some("ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check;".to_owned())
        );
        assert_eq!(
            undo("ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;"),
            Some("ALTER TABLE accounts DISABLE ROW LEVEL SECURITY;".to_owned())
        );
        assert_eq!(
            undo("ALTER TABLE t VALIDATE CONSTRAINT t_fk;"),
            Some(String::new())
        );
        assert_eq!(
            undo(
                "CREATE TRIGGER t_set_updated_at BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();"
            ),
            Some("DROP TRIGGER IF EXISTS t_set_updated_at ON t;".to_owned())
        );
        assert_eq!(
            undo("CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ $$;"),
            None
        );
        assert_eq!(undo("UPDATE t SET a = 1;"), None);
    }

    #[test]
    fn statements_split_outside_quotes_and_bodies() {
        assert_eq!(
            split_statements(
                "COMMENT ON TABLE t IS 'a; b';\nCREATE FUNCTION f() RETURNS trigger AS $fn$ BEGIN x := 1; END $fn$ LANGUAGE plpgsql;\nSELECT 1"
            ),
            [
                "COMMENT ON TABLE t IS 'a; b';",
                "CREATE FUNCTION f() RETURNS trigger AS $fn$ BEGIN x := 1; END $fn$ LANGUAGE plpgsql;",
                "SELECT 1"
            ]
        );
    }
}
