//! ## What it does
//! Reports columns of type `json` (in Prisma, `Json @db.Json`), and `json` domains that table
//! columns store values in. A column that keeps a raw payload verbatim is not reported: one whose
//! `COMMENT ON COLUMN` says "raw", or whose name has a `raw` part (`raw_payload`, `body_raw`).
//! Nor is a column whose statement comes right after `--` comment lines that name `jsonb` (or
//! whose type has such a comment on its line): the author weighed `jsonb` and chose `json`. A
//! `ddlint-ignore` comment is no such reason, though it names `prefer-jsonb`.
//! A domain that only such columns use, or none (PostgREST's `"application/json"`, a function's
//! result type), is not reported either: nothing is stored in it.
//!
//! ## Why is this bad?
//! `json` stores the text as written and re-parses it on every access. `jsonb` stores a parsed
//! binary form: operators and functions are faster, it supports containment (`@>`), equality
//! and GIN indexes, and duplicate keys are resolved once. `json` is only right when the exact
//! input text (key order, whitespace, duplicate keys) must be kept, as for a webhook body that
//! is verified by signature.
//!
//! ## Example
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     payload json NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE events (
//!     id bigint PRIMARY KEY,
//!     payload jsonb NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! "Use jsonb" replaces the type. It is unsafe: application code reads documents without their
//! key order, whitespace and duplicate keys, and on an `ALTER COLUMN ... TYPE` of an existing
//! column the stored documents lose them. In Prisma it removes `@db.Json` (`Json` maps to
//! `jsonb`).
//!
//! In an applied migration or a generated dump the fix is a new migration, `ALTER COLUMN ... TYPE
//! jsonb USING <column>::jsonb` (none when a view reads the table).
//!
//! ## Options
//! None.

use std::collections::HashSet;

use crate::config::Level;
use crate::lower::TypeRef;
use crate::model::{Column, Located, QualifiedName};
use crate::rules::common::{
    builtin, column_label, defined_columns, domain_type, remove_prisma_native, type_loc,
    type_tokens, written_case,
};
use crate::rules::forms::{Conversion, retype_fix};
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::syntax::Language;

pub(crate) const RULE: Rule = Rule {
    id: "prefer-jsonb",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Table,
    check: Some(check),
};

const ADVICE: &str = "it is re-parsed on every access and cannot be indexed with GIN; use `jsonb`";

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if builtin(&ty.value) != Some("json")
            || keeps_raw_payload(column)
            || explains_choice_of_json(cx, ty)
        {
            continue;
        }
        let message = format!(
            "`{}` is `json`: {ADVICE}",
            column_label(cx, table, &column.name, ty.origin.statement_loc())
        );
        let edit = match table.language {
            Language::Sql => Some(Edit::replace(
                type_tokens(ty),
                written_case(cx, ty, "jsonb"),
            )),
            Language::Prisma => remove_prisma_native(cx, ty),
        };
        let jsonb = written_case(cx, ty, "jsonb");
        let fix = edit.map(|edit| {
            let fix = Fix::unsafe_("Use jsonb", vec![edit]);
            retype_fix(cx, table, column, ty, fix, &jsonb, Conversion::Cast)
        });
        out.push(Diagnostic::new(type_loc(ty, table.language), message).with_fixes(fix));
    }
    let json_domains: Vec<_> = cx
        .model
        .domains
        .iter()
        .filter(|domain| builtin(&domain.def.value.ty) == Some("json"))
        .collect();
    if json_domains.is_empty() {
        return;
    }
    let stored = stored_domains(cx);
    for domain in json_domains {
        if !stored.contains(&domain.name) {
            continue;
        }
        let ty = domain_type(domain);
        let message = format!("domain `{}` is based on `json`: {ADVICE}", domain.name);
        let edit = Edit::replace(type_tokens(&ty), written_case(cx, &ty, "jsonb"));
        let fix = Fix::unsafe_("Use jsonb", vec![edit]);
        out.push(Diagnostic::new(type_tokens(&ty), message).with_fix(fix));
    }
}

/// The domains that columns of live tables store values of, directly or through other domains;
/// raw payload columns do not count.
fn stored_domains<'a>(cx: &RuleCx<'a>) -> HashSet<&'a QualifiedName> {
    let mut stored = HashSet::new();
    let columns = cx.model.live_tables().flat_map(|table| &table.columns);
    for column in columns.filter(|c| !keeps_raw_payload(c)) {
        let mut ty = column.ty.as_ref().map(|ty| &ty.value);
        // Domains may be based on domains; the bound stops a (rejected) cycle.
        for _ in 0..8 {
            let domain = ty
                .filter(|ty| builtin(ty).is_none())
                .and_then(|ty| cx.model.find_domain(ty));
            let Some(domain) = domain else {
                break;
            };
            stored.insert(&domain.name);
            ty = Some(&domain.def.value.ty);
        }
    }
    stored
}

/// Whether the `--` comment lines right above the statement that gives the type, or a comment
/// on the type's own line, name `jsonb`: the author weighed it and chose `json` (to keep key
/// order, or for size).
fn explains_choice_of_json(cx: &RuleCx, ty: &Located<TypeRef>) -> bool {
    let Some(file) = cx.file(ty.origin.file) else {
        return false;
    };
    let text = &*file.text;
    // A suppression comment names the rule, `prefer-jsonb`, not a choice.
    let names_jsonb = |comment: &str| {
        let body = comment.trim_start_matches('-').trim_start();
        !body.starts_with(crate::suppression::MARKER)
            && comment
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|word| word.eq_ignore_ascii_case("jsonb"))
    };
    let statement_line = crate::fix::start_of_line(text, ty.origin.statement.start()) as usize;
    let above = text[..statement_line]
        .lines()
        .rev()
        .map(str::trim_start)
        .take_while(|line| line.starts_with("--"))
        .take(6);
    let type_end = ty.loc(ty.value.range).range.end() as usize;
    let same_line = text[type_end..].lines().next().unwrap_or("");
    let trailing = same_line.find("--").map(|at| &same_line[at..]);
    above.chain(trailing).any(names_jsonb)
}

/// The column's comment or name says it keeps the payload as received.
fn keeps_raw_payload(column: &Column) -> bool {
    // `raw`, `raw_body`, `body_raw` and Prisma's `rawBody`, not `drawing`.
    let has_raw_word = |text: &str| {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| {
                word.eq_ignore_ascii_case("raw")
                    || word
                        .strip_prefix("raw")
                        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            })
    };
    column.comment.as_deref().is_some_and(has_raw_word) || has_raw_word(&column.name)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use crate::analysis::{TextInput, check_texts};
    use crate::config::Config;
    use crate::rules::Selection;
    use crate::rules::tests::check_rule_fixtures;
    use crate::workspace::history::NoVcs;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    /// `-- ddlint-ignore prefer-jsonb` names `jsonb` too: taken for the author's reason to keep
    /// `json`, it silenced the rule itself and was then reported as suppressing nothing.
    #[test]
    fn a_suppression_comment_is_no_reason_to_keep_json() {
        for text in [
            "-- ddlint-ignore prefer-jsonb\nCREATE TABLE p (id bigint PRIMARY KEY, body json);\n",
            "-- ddlint-ignore-file prefer-jsonb\nCREATE TABLE p (id bigint PRIMARY KEY, body json);\n",
            "CREATE TABLE p (\n    id bigint PRIMARY KEY,\n    body json -- ddlint-ignore prefer-jsonb\n);\n",
        ] {
            let input = TextInput {
                path: PathBuf::from("schema.sql"),
                key: PathBuf::from("/project/schema.sql"),
                text: Arc::new(text.to_string()),
            };
            let checked = check_texts(
                vec![input],
                &Config::default(),
                &Selection::default(),
                &NoVcs,
            );
            let rules: Vec<&str> = checked.diagnostics.iter().map(|d| d.rule).collect();
            assert!(
                !rules.contains(&"prefer-jsonb") && !rules.contains(&"unused-suppression"),
                "{rules:?} in {text}"
            );
        }
    }
}
