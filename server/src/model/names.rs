//! Schema-qualified names and how unqualified names resolve.

use std::fmt;

use crate::lower::{Fact, ObjectName, PlacedStatement, TypeRef};

/// A resolved object name: schema and name as PostgreSQL stores them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: &str, name: &str) -> QualifiedName {
        QualifiedName {
            schema: schema.to_string(),
            name: name.to_string(),
        }
    }
}

/// A borrowed `QualifiedName`, to look a name up without allocating one. It hashes as the owned
/// name does.
#[derive(Clone, Copy, Debug, Hash)]
pub struct NameRef<'a> {
    pub schema: &'a str,
    pub name: &'a str,
}

impl hashbrown::Equivalent<QualifiedName> for NameRef<'_> {
    fn equivalent(&self, key: &QualifiedName) -> bool {
        key.schema == self.schema && key.name == self.name
    }
}

impl fmt::Display for QualifiedName {
    /// `users` for tables in `public`, `audit.events` elsewhere; quoted where PostgreSQL needs it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.schema != "public" {
            write!(f, "{}.", quote_if_needed(&self.schema))?;
        }
        f.write_str(&quote_if_needed(&self.name))
    }
}

/// The identifier as it must be written in SQL: bare when it is lower-case snake_case and not a
/// reserved word, double-quoted otherwise.
pub fn quote_if_needed(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    let reserved = matches!(
        crate::catalog::keywords::keyword_category(name),
        Some(
            crate::catalog::keywords::KeywordCategory::Reserved
                | crate::catalog::keywords::KeywordCategory::TypeFuncName
        )
    );
    if plain && !reserved {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// The search path of a session: where unqualified names are created and looked up.
#[derive(Clone, Debug)]
pub struct SearchPath {
    schemas: Vec<String>,
}

/// Two paths are the same when names read the same under both (pg_dump's empty path reads as
/// `public`).
impl PartialEq for SearchPath {
    fn eq(&self, other: &Self) -> bool {
        self.lookup_schemas().eq(other.lookup_schemas())
            && self.creation_schema() == other.creation_schema()
    }
}

impl Default for SearchPath {
    fn default() -> Self {
        SearchPath {
            schemas: vec!["public".to_string()],
        }
    }
}

impl SearchPath {
    pub fn set(&mut self, schemas: &[String]) {
        // `"$user"` names a schema per role; schema files use it only before `public`.
        self.schemas = schemas
            .iter()
            .filter(|s| s.as_str() != "$user")
            .cloned()
            .collect();
    }

    /// The schema unqualified objects are created in. pg_dump empties the search path and
    /// qualifies every name, so an empty path falls back to `public`.
    pub fn creation_schema(&self) -> &str {
        self.schemas
            .iter()
            .find(|s| s.as_str() != "pg_catalog" && s.as_str() != "pg_temp")
            .map_or("public", String::as_str)
    }

    /// The schemas searched for an unqualified name, in order.
    pub fn lookup_schemas(&self) -> impl Iterator<Item = &str> {
        let fallback = self.schemas.is_empty().then_some("public");
        self.schemas.iter().map(String::as_str).chain(fallback)
    }

    /// The path after `statements`, when one of them sets it (the last one decides).
    pub fn set_by(statements: &[PlacedStatement]) -> Option<SearchPath> {
        let schemas = statements.iter().rev().find_map(|statement| {
            statement
                .lowered
                .facts
                .iter()
                .rev()
                .find_map(|fact| match fact {
                    Fact::SetSearchPath { schemas } => Some(schemas),
                    _ => None,
                })
        })?;
        let mut path = SearchPath::default();
        path.set(schemas);
        Some(path)
    }

    /// Whether a file's session has the same path after `before` then `old` as after `before`
    /// then `new`: then every statement after those reads as it did.
    pub fn same_after(
        before: &[PlacedStatement],
        old: &[PlacedStatement],
        new: &[PlacedStatement],
    ) -> bool {
        let (old, new) = (SearchPath::set_by(old), SearchPath::set_by(new));
        match (&old, &new) {
            (None, None) => return true,
            (Some(old), Some(new)) => return old == new,
            _ => {}
        }
        let before = || SearchPath::set_by(before).unwrap_or_default();
        old.unwrap_or_else(before) == new.unwrap_or_else(before)
    }

    /// The name an object is created under.
    pub fn qualify_for_creation(&self, name: &ObjectName) -> QualifiedName {
        let schema = name
            .schema
            .as_ref()
            .map_or(self.creation_schema(), |s| s.name.as_str());
        QualifiedName::new(schema, &name.name.name)
    }
}

/// The name a type reference looks up among user types and domains.
pub fn type_lookup_name(ty: &TypeRef) -> &str {
    &ty.name
}

/// The name PostgreSQL gives a constraint created without one (`users_pkey`,
/// `users_email_key`, `orders_customer_id_fkey`, `t_price_check`); `None` for NOT NULL.
/// Collisions, which PostgreSQL resolves by appending a number, are not considered.
pub fn implied_constraint_name(table: &str, kind: &crate::lower::ConstraintKind) -> Option<String> {
    use crate::lower::ConstraintKind::*;
    let names = |columns: &[crate::lower::Ident]| {
        columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    };
    let (columns, label) = match kind {
        PrimaryKey { .. } => (Vec::new(), "pkey"),
        Unique { columns, .. } => (names(columns), "key"),
        ForeignKey { columns, .. } => (names(columns), "fkey"),
        Exclude { columns } => (names(columns), "excl"),
        // `t_col_check` when the expression uses one column, else `t_check`.
        Check(expr) => {
            let mut columns = names(&expr.columns);
            columns.dedup();
            if columns.len() != 1 {
                columns.clear();
            }
            (columns, "check")
        }
        NotNull { .. } => return None,
    };
    Some(implied_name(table, &columns, label))
}

/// The name PostgreSQL gives `CREATE INDEX ON table (...)`: `<table>_<columns>_idx`, an
/// expression contributing its function's name (or `expr`).
pub fn implied_index_name(table: &str, index: &crate::lower::CreateIndex) -> String {
    let columns: Vec<String> = index
        .elements
        .iter()
        .map(|element| match (&element.column, &element.expression) {
            (Some(column), _) => column.name.clone(),
            (None, Some(expression)) => expression
                .functions
                .first()
                .cloned()
                .unwrap_or_else(|| "expr".to_string()),
            (None, None) => "expr".to_string(),
        })
        .collect();
    implied_name(table, &columns, "idx")
}

/// Whether `c` may be part of an unquoted identifier.
pub fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Whether `word` occurs in `text` as a whole identifier.
pub fn names_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        !text[..at].ends_with(is_identifier_char)
            && !text[at + word.len()..].starts_with(is_identifier_char)
    })
}

/// The longest name PostgreSQL keeps, in bytes (`NAMEDATALEN - 1`): it truncates longer ones
/// with only a notice.
pub const MAX_NAME_BYTES: usize = 63;

/// `makeObjectName`: `<table>_<col1>_<col2>_<label>`, the table and column parts shortened,
/// the longer first, until the name fits in [`MAX_NAME_BYTES`].
pub fn implied_name(table: &str, columns: &[String], label: &str) -> String {
    const MAX: usize = MAX_NAME_BYTES;
    let mut joined = String::new();
    for column in columns {
        if !joined.is_empty() {
            joined.push('_');
        }
        joined.push_str(column);
        if joined.len() >= MAX {
            break;
        }
    }
    let clip = |text: &str, max: usize| {
        let mut end = max.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text[..end].to_string()
    };
    let joined = clip(&joined, MAX);
    let overhead = label.len() + 1 + usize::from(!joined.is_empty());
    let available = MAX - overhead;
    let (mut first, mut second) = (table.len(), joined.len());
    while first + second > available {
        if first > second {
            first -= 1;
        } else {
            second -= 1;
        }
    }
    let mut name = clip(table, first);
    if !joined.is_empty() {
        name.push('_');
        name.push_str(&clip(&joined, second));
    }
    name.push('_');
    name.push_str(label);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_when_needed() {
        assert_eq!(QualifiedName::new("public", "users").to_string(), "users");
        assert_eq!(
            QualifiedName::new("audit", "Events").to_string(),
            "audit.\"Events\""
        );
        assert_eq!(QualifiedName::new("public", "user").to_string(), "\"user\"");
    }

    #[test]
    fn implied_names() {
        let columns = vec!["email".to_string()];
        assert_eq!(implied_name("users", &columns, "key"), "users_email_key");
        assert_eq!(implied_name("users", &[], "pkey"), "users_pkey");
        let long = "a".repeat(40);
        let name = implied_name(&long, std::slice::from_ref(&long), "key");
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "a".repeat(29)));
    }

    #[test]
    fn search_path_creation_schema() {
        let mut path = SearchPath::default();
        assert_eq!(path.creation_schema(), "public");
        path.set(&["$user".to_string(), "app".to_string(), "public".to_string()]);
        assert_eq!(path.creation_schema(), "app");
        path.set(&[]);
        assert_eq!(path.creation_schema(), "public");
    }
}
