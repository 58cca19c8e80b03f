//! What rules produce: diagnostics that carry their fixes. Below the rules, so that the fix
//! builders (`fix`) and design documents (`markdown`) that make and confine edits need no rules.

use std::fmt;

use crate::model::{FileId, Loc};
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One level lower (`info` stays `info`).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix keeps the meaning of the schema and the data in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Safety {
    /// Keeps meaning; applied by `ddlint check --fix`.
    Safe,
    /// Changes meaning or existing data; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// A text replacement in one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: FileId,
    pub range: TextRange,
    /// The new text, with snippet placeholders resolved to their defaults.
    pub text: String,
    /// The same text as an LSP snippet (`${1:12}`), for clients that support snippets.
    pub snippet: Option<String>,
    /// The edit inserts whole statements on lines of their own, which could as well run as a
    /// migration of their own.
    pub inserts_statements: bool,
}

impl Edit {
    pub fn replace(loc: Loc, text: impl Into<String>) -> Edit {
        Edit {
            file: loc.file,
            range: loc.range,
            text: text.into(),
            snippet: None,
            inserts_statements: false,
        }
    }

    pub fn insert(file: FileId, offset: u32, text: impl Into<String>) -> Edit {
        Edit {
            file,
            range: TextRange::empty(offset),
            text: text.into(),
            snippet: None,
            inserts_statements: false,
        }
    }

    /// An edit whose text has placeholders: `${1:default}` in `snippet`.
    pub fn snippet(file: FileId, range: TextRange, snippet: impl Into<String>) -> Edit {
        let snippet = snippet.into();
        Edit {
            file,
            range,
            text: resolve_placeholders(&snippet),
            snippet: Some(snippet),
            inserts_statements: false,
        }
    }

    /// Marks the edit as inserting whole statements (see `inserts_statements`).
    pub fn of_statements(mut self) -> Edit {
        self.inserts_statements = true;
        self
    }
}

/// A change written as a migration of its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MigrationStep {
    /// The fix's title when it runs as this migration, where that differs from its title in
    /// place (a type for existing rows that loses nothing, where a new column may take another).
    pub title: Option<String>,
    /// A few words for the file name, in snake_case (`add_index_orders_customer_id`).
    pub name: String,
    /// The statements, each ending with `;`.
    pub up: String,
    /// Statements that undo `up`, when known (empty when there is nothing to undo).
    pub down: Option<String>,
    /// `up` cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`): it is written alone
    /// in its migration, with the tool's switch for running outside a transaction.
    pub outside_transaction: bool,
}

/// Where a fix's change goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Placement {
    /// `edits` apply to the files; `migration`, if any, is only the same change in another form.
    #[default]
    InPlace,
    /// `edits` apply and `migration` is written as a new migration of the folder of the
    /// diagnostic's file: a step that must come later (`VALIDATE CONSTRAINT`), or the whole
    /// change when the edits would have rewritten an applied migration (`edits` is then empty).
    NewMigration,
    /// The edits would change a generated dump, which the next dump overwrites: `migration` is
    /// the migration to write by hand; nothing is applied (`edits` is empty).
    MigrationToWrite,
}

/// A fix: edits that resolve a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub title: String,
    pub safety: Safety,
    pub edits: Vec<Edit>,
    /// The same change as a migration of its own, for when `edits` would rewrite history.
    /// Fixes that insert whole statements need none: their statements are the migration.
    pub migration: Option<MigrationStep>,
    /// Set by the framework from the history of the files the edits touch.
    pub placement: Placement,
}

impl Fix {
    pub fn new(title: impl Into<String>, safety: Safety, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            safety,
            edits,
            migration: None,
            placement: Placement::InPlace,
        }
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Safety::Safe, edits)
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Safety::Unsafe, edits)
    }

    /// The change as a migration, for when the edits would land in an applied migration or a
    /// generated dump.
    pub fn with_migration(mut self, step: impl Into<Option<MigrationStep>>) -> Fix {
        self.migration = step.into();
        self
    }

    /// Gives the fix's migration form a title of its own (see `MigrationStep::title`).
    pub fn with_migration_title(mut self, title: &str) -> Fix {
        if let Some(step) = &mut self.migration {
            step.title = Some(title.to_owned());
            step.name = migration_name(title);
        }
        self
    }

    /// Besides its edits, the fix writes `step` as a new migration.
    pub fn in_new_migration(mut self, step: MigrationStep) -> Fix {
        self.migration = Some(step);
        self.placement = Placement::NewMigration;
        self
    }

    /// Whether applying the fix changes anything (a migration to write by hand does not).
    pub fn is_applicable(&self) -> bool {
        self.placement != Placement::MigrationToWrite
    }
}

/// Another place that explains a diagnostic (the first definition of a duplicate, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub loc: Loc,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id; set by the framework for the rule that produced it.
    pub rule: &'static str,
    /// Set by the framework from the configured level.
    pub severity: Severity,
    pub file: FileId,
    pub range: TextRange,
    pub message: String,
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
    /// A lesser form of the rule's problem: the framework reports it one level below the
    /// rule's configured level.
    pub demoted: bool,
}

impl Diagnostic {
    pub fn new(loc: Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule: "",
            severity: Severity::Warning,
            file: loc.file,
            range: loc.range,
            message: message.into(),
            fixes: Vec::new(),
            related: Vec::new(),
            demoted: false,
        }
    }

    /// Reports this diagnostic one level below the rule's level.
    pub fn demoted(mut self) -> Diagnostic {
        self.demoted = true;
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Diagnostic {
        self.fixes.extend(fixes);
        self
    }

    pub fn with_related(mut self, loc: Loc, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related {
            loc,
            message: message.into(),
        });
        self
    }

    pub fn loc(&self) -> Loc {
        Loc {
            file: self.file,
            range: self.range,
        }
    }
}

/// A file-name slug from a fix title: `Create index on orders (customer_id)` →
/// `create_index_on_orders_customer_id`.
pub fn migration_name(title: &str) -> String {
    let mut name = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if name.len() + word.len() >= 60 {
            break;
        }
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(&word.to_ascii_lowercase());
    }
    if name.is_empty() {
        "ddlint_fix".to_owned()
    } else {
        name
    }
}

/// `${1:12},${2:2}` -> `12,2`; `$0` and `$1` (no default) -> nothing; `\$` -> `$`.
pub fn resolve_placeholders(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
                if chars.peek() == Some(&':') {
                    chars.next();
                }
                let mut depth = 0;
                let mut previous = ' ';
                while let Some(inner) = chars.next() {
                    match inner {
                        // An escaped `}` or `$` inside a default (see `escape_snippet`).
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                out.push(escaped);
                            }
                            previous = ' ';
                            continue;
                        }
                        // Only `${` opens a nested placeholder; a plain `{` is text.
                        '{' if previous == '$' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    out.push(inner);
                    previous = inner;
                }
            }
            '$' if chars.peek().is_some_and(|c| c.is_ascii_digit()) => {
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Escapes text for use inside a snippet.
pub fn escape_snippet(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
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
    fn placeholders_resolve_to_defaults() {
        assert_eq!(
            resolve_placeholders("numeric(${1:12},${2:2})"),
            "numeric(12,2)"
        );
        assert_eq!(
            resolve_placeholders("COMMENT ON TABLE t IS '${1:describe t}';$0"),
            "COMMENT ON TABLE t IS 'describe t';"
        );
        assert_eq!(resolve_placeholders("a \\$1 b"), "a $1 b");
        assert_eq!(resolve_placeholders(&escape_snippet("$$x}")), "$$x}");
        assert_eq!(
            resolve_placeholders(&format!("${{1:{}}}", escape_snippet("'{}'"))),
            "'{}'"
        );
    }

    #[test]
    fn migration_names_come_from_titles() {
        assert_eq!(
            migration_name("Create index on orders (customer_id)"),
            "create_index_on_orders_customer_id"
        );
        assert_eq!(migration_name("é"), "ddlint_fix");
    }
}
