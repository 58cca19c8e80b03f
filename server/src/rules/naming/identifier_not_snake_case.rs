//! ## What it does
//! Reports names of tables, columns, indexes, constraints, types and domains that are not
//! snake_case: quoted names with upper-case letters, spaces or other characters that are not
//! letters, digits or `_` (`"createdAt"`, `"Order Items"`), and unquoted mixed-case names
//! (`createdAt`), which PostgreSQL folds to lower case (`createdat`). An unquoted name written
//! all in capitals (`USER_ID`) folds to a snake_case name and is not reported. Lower-case
//! letters outside ASCII are lower case (`"café"`), and so are letters of scripts without case.
//! Not reported: domains named after a media type (`"application/octet-stream"`, `"text/csv"`),
//! which PostgREST requires to negotiate response formats. In Prisma, with
//! `[prisma] database_names = "snake_case"`, it checks the database names (`@map`, `@@map`, or
//! the Prisma name where there is none), not the Prisma identifiers; the SQL that Prisma Migrate
//! generates from it is not checked: files in its `<version>_<name>/migration.sql` layout, and
//! files with its step comments (`-- CreateTable`, `-- AddForeignKey`, ...) wherever they were
//! copied to (goose migrations, schema dumps).
//!
//! ## Why is this bad?
//! A quoted mixed-case name must be quoted, with the exact case, in every query, view, function
//! and tool that touches it; forgetting the quotes gives "column does not exist". An unquoted
//! mixed-case name silently becomes `createdat` in the catalog, so the word breaks the author
//! wrote are lost everywhere the name is shown (psql, dumps, ORMs, error messages).
//!
//! ## Example
//! ```sql
//! CREATE TABLE "OrderItems" (
//!     "orderId" bigint NOT NULL,
//!     createdAt timestamptz NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE order_items (
//!     order_id bigint NOT NULL,
//!     created_at timestamptz NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! SQL: no automatic fix, since renaming breaks every query that uses the name; the message
//! gives the snake_case name, and the editor's rename changes the name with its references.
//! Prisma: "Map to `<snake_case>`" adds or corrects `@map`/`@@map`; it is unsafe because the
//! next migration renames the database object (the Prisma Client API keeps its names).
//!
//! ## Options
//! None. Prisma schemas are checked only with `[prisma] database_names = "snake_case"`.

use crate::config::{DatabaseNames, Level};

use crate::model::{Loc, Table};
use crate::rules::common::append_to_prisma_model;
use crate::rules::naming::{DefinedName, NameKind, defined_names};
use crate::rules::words::words;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "identifier-not-snake-case",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let prisma = cx.config.prisma.database_names == DatabaseNames::SnakeCase;
    for defined in defined_names(cx) {
        let diagnostic = match defined.language {
            Language::Sql if cx.is_prisma_generated(defined.loc.file) => None,
            Language::Sql if defined.kind == NameKind::Domain && is_media_type(defined.name) => {
                None
            }
            Language::Sql => sql_diagnostic(cx, defined),
            Language::Prisma if prisma => prisma_diagnostic(cx, defined),
            Language::Prisma => None,
        };
        out.extend(diagnostic);
    }
}

fn sql_diagnostic(cx: &RuleCx, defined: &DefinedName) -> Option<Diagnostic> {
    let written = cx.text(defined.loc);
    let quoted = written.ends_with('"');
    let kind = defined.kind.as_str();
    // An unquoted name's word breaks are only in the written text.
    let spelled = if quoted { defined.name } else { written };
    let snake = || {
        to_snake_case(spelled).map_or_else(|| "a snake_case name".to_string(), |s| format!("`{s}`"))
    };
    let message = if quoted {
        if is_snake_case(defined.name) {
            return None;
        }
        let snake = snake();
        format!(
            "{kind} name `{written}` is not snake_case: every query must double-quote it with this exact case; rename it (with its references) to {snake}"
        )
    } else if has_both_cases(written) {
        let snake = snake();
        format!(
            "{kind} name `{written}` is not snake_case: PostgreSQL folds it to `{}`, losing its word breaks; rename it (with its references) to {snake}",
            defined.name
        )
    } else if !is_snake_case(defined.name) {
        let snake = snake();
        format!(
            "{kind} name `{written}` has characters other than lower-case letters, digits and `_`; rename it (with its references) to {snake}"
        )
    } else {
        return None;
    };
    Some(Diagnostic::new(defined.loc, message))
}

fn prisma_diagnostic(cx: &RuleCx, defined: &DefinedName) -> Option<Diagnostic> {
    if is_snake_case(defined.name) {
        return None;
    }
    let snake = to_snake_case(defined.name);
    let (attribute, statement) = match (defined.kind, defined.table) {
        (NameKind::Column, Some(table)) => {
            let column = table.columns.iter().find(|c| c.name == defined.name)?;
            ("@map", column.def.loc(column.def.value.range))
        }
        (NameKind::Table, Some(table)) => ("@@map", table.created.statement_loc()),
        (NameKind::Type, _) => (
            "@@map",
            Loc {
                file: defined.loc.file,
                range: enclosing_block(cx, defined.loc)?,
            },
        ),
        _ => return None,
    };
    let mapped = map_string(cx, statement, attribute);
    let at = mapped.unwrap_or(defined.loc);
    let kind = if defined.kind == NameKind::Type {
        "enum"
    } else {
        defined.kind.as_str()
    };
    let mut message = format!(
        "database name `{}` of {kind} `{}` is not snake_case",
        defined.name,
        cx.text(defined.loc)
    );
    let Some(snake) = snake else {
        return Some(Diagnostic::new(at, message));
    };
    message.push_str(&format!("; map it to `{snake}`"));
    let title = format!("Map to `{snake}`");
    let edit = match (mapped, defined.kind, defined.table) {
        (Some(string), _, _) => Some(Edit::replace(string, format!("\"{snake}\""))),
        (None, NameKind::Column, _) => Some(Edit::insert(
            statement.file,
            statement.range.end(),
            format!(" @map(\"{snake}\")"),
        )),
        (None, NameKind::Table, Some(table)) => append_map(cx, table, &snake),
        _ => None,
    };
    let fix = edit.map(|edit| Fix::unsafe_(title, vec![edit]));
    Some(Diagnostic::new(at, message).with_fixes(fix))
}

/// The block (`enum X { ... }`) statement containing `loc`.
fn enclosing_block(cx: &RuleCx, loc: Loc) -> Option<TextRange> {
    cx.file(loc.file)?
        .statement_at(loc.range.start())
        .map(|s| s.range())
}

/// The string literal of `@map("...")` / `@@map(name: "...")` inside `within`.
fn map_string(cx: &RuleCx, within: Loc, attribute: &str) -> Option<Loc> {
    let text = cx.text(within);
    let mut search = 0;
    let start = loop {
        let found = search + text[search..].find(attribute)?;
        // `@map` must not match the tail of `@@map`.
        let preceded_by_at = found > 0 && text.as_bytes()[found - 1] == b'@';
        let after = &text[found + attribute.len()..];
        if !preceded_by_at && after.trim_start().starts_with('(') {
            break found + attribute.len();
        }
        search = found + attribute.len();
    };
    let open = start + text[start..].find('"')?;
    let mut close = open + 1;
    let bytes = text.as_bytes();
    while close < bytes.len() && bytes[close] != b'"' {
        close += if bytes[close] == b'\\' { 2 } else { 1 };
    }
    (close < bytes.len()).then(|| Loc {
        file: within.file,
        range: TextRange::new(
            within.range.start() + open as u32,
            within.range.start() + close as u32 + 1,
        ),
    })
}

/// Adds `@@map("...")` as the model's last member.
fn append_map(cx: &RuleCx, table: &Table, snake: &str) -> Option<Edit> {
    append_to_prisma_model(cx, table, &format!("@@map(\"{snake}\")"))
}

/// Letters that are not upper case (`café`, `bıgınt`, and scripts without case), digits and
/// underscores only.
fn is_snake_case(name: &str) -> bool {
    if name.is_ascii() {
        return !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    }
    name.chars()
        .all(|c| (c.is_alphabetic() && !c.is_uppercase()) || c.is_ascii_digit() || c == '_')
}

/// Whether the text has both lower-case and upper-case letters.
fn has_both_cases(text: &str) -> bool {
    if text.is_ascii() {
        let bytes = text.as_bytes();
        return bytes.iter().any(u8::is_ascii_uppercase)
            && bytes.iter().any(u8::is_ascii_lowercase);
    }
    text.contains(char::is_lowercase) && text.contains(char::is_uppercase)
}

/// A media type (`"application/octet-stream"`, `"text/csv"`, `"*/*"`): PostgREST chooses a
/// response format by the domain named after it, so the name is the platform's, not a style.
fn is_media_type(name: &str) -> bool {
    let part = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, '.' | '+' | '-' | '_' | '*')
            })
    };
    name.split_once('/')
        .is_some_and(|(kind, subtype)| part(kind) && part(subtype))
}

/// `createdAt` -> `created_at`, `HTTPServer` -> `http_server`, `Order Items` -> `order_items`;
/// `None` for names with non-ASCII letters, which have no obvious ASCII spelling.
pub(crate) fn to_snake_case(name: &str) -> Option<String> {
    if name.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
        return None;
    }
    let words = words(name);
    (!words.is_empty()).then(|| words.join("_"))
}

#[cfg(test)]
mod tests {
    use super::to_snake_case;
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    #[test]
    fn snake_case_conversion() {
        assert_eq!(to_snake_case("createdAt").as_deref(), Some("created_at"));
        assert_eq!(to_snake_case("HTTPServer").as_deref(), Some("http_server"));
        assert_eq!(to_snake_case("Order Items").as_deref(), Some("order_items"));
        assert_eq!(to_snake_case("userID2").as_deref(), Some("user_id2"));
        assert_eq!(
            to_snake_case("already_snake").as_deref(),
            Some("already_snake")
        );
        assert_eq!(to_snake_case("Übersicht"), None);
        assert_eq!(to_snake_case("$$"), None);
    }
}
