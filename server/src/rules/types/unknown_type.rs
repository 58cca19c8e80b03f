//! ## What it does
//! Reports column and domain types that PostgreSQL will not find: neither built in, nor
//! created in the workspace (`CREATE TYPE`, `CREATE DOMAIN`, a table's row type), nor provided
//! by an extension the workspace creates (`CREATE EXTENSION citext`, PostGIS, pgvector, ltree,
//! hstore, ...; in Prisma, the datasource's `extensions`). The usual catch is a misspelling:
//! `timestmap`, `varchr(20)`. In Prisma: a field type that is neither a scalar, an enum nor a
//! model. A type is looked up by the name it had where it is written: a type a later migration
//! renames (Prisma's `"Role_new"` swap, `ALTER TYPE ... RENAME TO`) is found there.
//!
//! Not reported: types qualified with a schema the workspace never defines (they live
//! elsewhere), schemas and tables of `[schema] external`, types listed in the `known` option,
//! types a `CREATE TYPE` or `CREATE DOMAIN` inside a function or `DO` block creates, and any
//! type while the workspace creates an extension whose types are not known to ddlint. In a
//! standalone schema file (outside a migration folder) that has other schema files beside it,
//! which may be applied first and create its types, only likely misspellings are reported:
//! unknown types within two edits of a known name. A lone schema file is complete.
//!
//! ## Why is this bad?
//! PostgreSQL rejects the statement (`type "timestmap" does not exist`), so the migration fails
//! when it is applied, often late, in a deployment pipeline.
//!
//! ## Example
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     happened_at timestmap NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     happened_at timestamptz NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! "Did you mean `<type>`?" replaces the type name with the closest known name (at most two
//! edits away). It is unsafe: the closest name is a guess.
//!
//! ## Options
//! - `known`: type names (or `schema.name`, globs allowed) that exist outside the workspace.

use std::collections::HashSet;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::catalog::types::{
    builtin_type_spellings, extension_types, is_known_extension, is_pseudo_type, known_extensions,
};
use crate::config::{Level, OptionKind, OptionSpec};
use crate::lower::{StatementKind, TypeRef};
use crate::model::names::quote_if_needed;
use crate::model::{Located, QualifiedName};
use crate::rules::common::{
    builtin, defined_columns, domain_type, matches_any, may_rely_on_sibling_files,
};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::suggest;
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "unknown-type",
    level: |_| Level::Error,
    options: &[OptionSpec {
        name: "known",
        kind: OptionKind::StringList,
        doc: "type names (or schema.name globs) defined outside the workspace",
    }],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

/// Prisma's scalar types.
const PRISMA_SCALARS: &[&str] = &[
    "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
];

/// The largest edit distance of a suggestion.
const MAX_DISTANCE: usize = 2;

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let mut lookup = Lookup {
        cx,
        known: cx.option_strings("known", &[]),
        created_in_bodies: None,
    };
    let only_misspellings = may_rely_on_sibling_files(cx.model);
    let mut report_unknown = |ty: &Located<TypeRef>, language: Language| {
        if lookup.is_known(ty, language) {
            return;
        }
        let diagnostic = report(cx, ty, language);
        if !only_misspellings || !diagnostic.fixes.is_empty() {
            out.push(diagnostic);
        }
    };
    for (table, column) in defined_columns(cx) {
        if let Some(ty) = &column.ty {
            report_unknown(ty, table.language);
        }
    }
    for domain in &cx.model.domains {
        report_unknown(&domain_type(domain), Language::Sql);
    }
}

struct Lookup<'a, 'cx> {
    cx: &'a RuleCx<'cx>,
    known: Vec<String>,
    /// Type names created by statements the model does not see, lower-cased; read on demand.
    created_in_bodies: Option<HashSet<String>>,
}

impl Lookup<'_, '_> {
    fn is_known(&mut self, ty: &Located<TypeRef>, language: Language) -> bool {
        let value = &ty.value;
        if value.name.is_empty() || builtin(value).is_some() {
            return true;
        }
        let model = self.cx.model;
        if language == Language::Prisma {
            // `Unsupported("...")` and native types are passed to PostgreSQL as written.
            let written = self.cx.text(ty.loc(value.name_range));
            return written.starts_with("Unsupported")
                || value.modifiers_range.is_some()
                || model.find_type(value, Language::Prisma).is_some();
        }
        if let Some(schema) = &value.schema {
            let qualified = QualifiedName::new(schema, &value.name);
            if schema == "pg_catalog"
                || !model.defines_schema(schema)
                || self.cx.is_external(&qualified)
            {
                return true;
            }
        }
        if model.find_type_written(ty, Language::Sql).is_some()
            || model.find_domain(value).is_some()
        {
            return true;
        }
        let at = ty.origin.statement_loc();
        if model
            .dropped_types
            .iter()
            .any(|(name, dropped)| *name == value.name && model.precedes(at, *dropped))
        {
            return true;
        }
        // Every table, view and sequence has a row type of the same name (the table's name
        // where the type is written).
        let in_schema = |name: &QualifiedName| {
            name.name == value.name && value.schema.as_ref().is_none_or(|s| *s == name.schema)
        };
        if model.live_tables().any(|t| in_schema(t.name_at(model, at)))
            || model.other_relations.iter().any(|(n, _)| in_schema(n))
        {
            return true;
        }
        let provided = |extension: &str| {
            !is_known_extension(extension)
                || extension_types(extension).contains(&value.name.as_str())
        };
        if model.extensions.iter().any(|(name, _)| provided(name)) {
            return true;
        }
        let qualified = value
            .schema
            .as_ref()
            .map(|schema| format!("{schema}.{}", value.name));
        if matches_any(&self.known, &value.name)
            || qualified.is_some_and(|q| matches_any(&self.known, &q))
        {
            return true;
        }
        let cx = self.cx;
        self.created_in_bodies
            .get_or_insert_with(|| created_in_text(cx))
            .contains(&value.name.to_ascii_lowercase())
    }
}

/// The names that some SQL text of the source creates with `CREATE TYPE` or `CREATE DOMAIN`,
/// lower-cased: statements inside function bodies and `DO` blocks, which the model does not see.
fn created_in_text(cx: &RuleCx) -> HashSet<String> {
    let mut names = HashSet::new();
    let bodies = cx
        .files()
        .filter(|file| file.language == Language::Sql)
        .flat_map(|file| {
            file.statements
                .iter()
                .filter(|s| {
                    matches!(
                        s.lowered.kind,
                        StatementKind::CreateFunction | StatementKind::Other
                    )
                })
                .map(move |s| file.slice(s.range()))
        });
    // Searched in the text as written: a lower-cased copy of every body cost more than the
    // search, at every keystroke that leaves a type name unknown.
    static CREATES: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["create type", "create domain"])
            .ok()
    });
    let Some(creates) = CREATES.as_ref() else {
        return names;
    };
    for body in bodies {
        for found in creates.find_iter(body) {
            let rest = body[found.end()..].trim_start();
            let created = rest
                .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
                .next()
                .unwrap_or("");
            let last = created.rsplit('.').next().unwrap_or(created);
            names.insert(last.trim_matches('"').to_ascii_lowercase());
        }
    }
    names
}

fn report(cx: &RuleCx, ty: &Located<TypeRef>, language: Language) -> Diagnostic {
    let loc = ty.loc(ty.value.name_range);
    let written = cx.text(loc);
    let provider =
        known_extensions().find(|e| extension_types(e).contains(&ty.value.name.as_str()));
    let message = match (language, provider) {
        (Language::Sql, Some(extension)) => format!(
            "type `{written}` comes from the `{extension}` extension, which the workspace does not create (`CREATE EXTENSION {extension}`)"
        ),
        (Language::Sql, None) => format!(
            "type `{written}` does not exist: it is not built in, and the workspace creates no type, domain or extension that provides it"
        ),
        (Language::Prisma, _) => {
            format!("type `{written}` is neither a Prisma scalar, an enum nor a model")
        }
    };
    let suggestion = match (language, provider) {
        (Language::Sql, Some(_)) => None,
        (Language::Sql, None) => sql_suggestion(cx, &ty.value, written),
        (Language::Prisma, _) => prisma_suggestion(cx, written),
    };
    let fix = suggestion.map(|replacement| {
        Fix::unsafe_(
            format!("Did you mean `{replacement}`?"),
            vec![Edit::replace(loc, replacement)],
        )
    });
    Diagnostic::new(loc, message).with_fixes(fix)
}

fn sql_suggestion(cx: &RuleCx, ty: &TypeRef, written: &str) -> Option<String> {
    let model = cx.model;
    let mut candidates: Vec<&str> = builtin_type_spellings()
        .filter(|s| !s.starts_with('_') && !is_pseudo_type(s))
        .collect();
    candidates.extend(model.types.iter().map(|t| t.name.name.as_str()));
    candidates.extend(model.domains.iter().map(|d| d.name.name.as_str()));
    candidates.extend(
        model
            .extensions
            .iter()
            .flat_map(|(name, _)| extension_types(name).iter().copied()),
    );
    let closest = suggest::closest(&ty.name, candidates.iter().copied(), MAX_DISTANCE)?;
    if crate::catalog::types::builtin_type(closest).is_some() {
        let upper = written.starts_with(|c: char| c.is_ascii_uppercase());
        return Some(if upper {
            closest.to_ascii_uppercase()
        } else {
            closest.to_string()
        });
    }
    Some(quote_if_needed(closest))
}

fn prisma_suggestion(cx: &RuleCx, written: &str) -> Option<String> {
    let mut candidates: Vec<&str> = PRISMA_SCALARS.to_vec();
    candidates.extend(
        cx.model
            .types
            .iter()
            .filter_map(|t| t.def.value.prisma_name.as_deref()),
    );
    candidates.extend(
        cx.model
            .tables
            .iter()
            .filter_map(|t| t.prisma_name.as_deref()),
    );
    suggest::closest(written, candidates.iter().copied(), MAX_DISTANCE).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
