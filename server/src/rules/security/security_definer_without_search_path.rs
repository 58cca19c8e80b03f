//! ## What it does
//! Reports `CREATE FUNCTION` / `CREATE PROCEDURE ... SECURITY DEFINER` without a
//! `SET search_path` clause (in the statement or in a later `ALTER FUNCTION ... SET
//! search_path`), on the `SECURITY DEFINER` words.
//!
//! ## Why is this bad?
//! A security-definer function runs with its owner's privileges but resolves unqualified names
//! through the *caller's* search path. A caller who can create objects in any schema on that
//! path (`public`, before PostgreSQL 15, or a temporary schema) can shadow a table, function or
//! operator the function uses and run their own code as the owner. PostgreSQL's documentation
//! asks every security-definer function to set a safe `search_path`.
//!
//! ## Example
//! ```sql
//! CREATE FUNCTION delete_account(account bigint) RETURNS void
//!     LANGUAGE sql SECURITY DEFINER
//!     AS $$ DELETE FROM public.accounts WHERE id = account $$;
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE FUNCTION delete_account(account bigint) RETURNS void
//!     LANGUAGE sql SECURITY DEFINER
//!     SET search_path = ''
//!     AS $$ DELETE FROM public.accounts WHERE id = account $$;
//! ```
//!
//! ## Fix safety
//! "Set search_path = <schema>, pg_temp" inserts `SET search_path = public, pg_temp` (the
//! function's own schema, as a snippet placeholder) before the body: the body still finds what
//! it finds today in that schema, and `pg_temp` comes last so that a caller's temporary objects
//! cannot shadow anything. It is unsafe: a body that relies on another schema of the caller's
//! path must qualify those names (or the placeholder must list that schema), and the schema
//! named must be one that untrusted roles cannot create objects in (`public` is, before
//! PostgreSQL 15, unless its CREATE privilege was revoked).
//!
//! In an applied migration or a generated dump the fix is a new migration, `ALTER FUNCTION
//! name(argument types) SET search_path = <schema>, pg_temp`, undone by `RESET search_path`.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::{indentation_in, keyword_case, line_ending, start_of_line};
use crate::lower::CreateFunction;
use crate::lower::FunctionKind;
use crate::model::Located;
use crate::model::names::quote_if_needed;
use crate::rules::forms::Form;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "security-definer-without-search-path",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for function in &cx.model.functions {
        let Some(definer) = function.value.security_definer else {
            continue;
        };
        if function.value.settings.iter().any(|s| s == "search_path") {
            continue;
        }
        let message = format!(
            "security-definer {} `{}` runs with its owner's privileges but uses the caller's search_path; add `SET search_path`",
            match function.value.kind {
                crate::lower::FunctionKind::Function => "function",
                crate::lower::FunctionKind::Procedure => "procedure",
            },
            function.value.name.name.name
        );
        out.push(
            Diagnostic::new(function.loc(definer), message)
                .with_fixes(set_search_path(cx, function)),
        );
    }
}

/// Inserts `SET search_path = ''` before the body: on a line of its own when the body starts a
/// line, else inline.
fn set_search_path(cx: &RuleCx, function: &Located<CreateFunction>) -> Option<Fix> {
    let body = function.loc(function.value.body_range?);
    let file = cx.file(body.file)?;
    let text = &*file.text;
    let at = body.range.start();
    let schema = function
        .value
        .name
        .schema
        .as_ref()
        .map_or("public".to_owned(), |schema| quote_if_needed(&schema.name));
    let clause = keyword_case(
        text,
        function.origin.statement,
        &format!("SET search_path = ${{1:{schema}}}, pg_temp"),
    );
    let line_start = start_of_line(text, at);
    let starts_line = text[line_start as usize..at as usize].trim().is_empty();
    let snippet = if starts_line {
        format!("{clause}{}{}", line_ending(text), indentation_in(file, at))
    } else {
        format!("{clause} ")
    };
    let edit = Edit::snippet(file.id, TextRange::empty(at), snippet);
    let fix = Fix::unsafe_(format!("Set search_path = {schema}, pg_temp"), vec![edit]);
    let kind = match function.value.kind {
        FunctionKind::Function => "FUNCTION",
        FunctionKind::Procedure => "PROCEDURE",
    };
    let parameters: Vec<&str> = function
        .value
        .parameter_types
        .iter()
        .map(|ty| cx.text(function.loc(ty.range)))
        .collect();
    let signature = format!(
        "ALTER {kind} {}({})",
        cx.text(function.loc(function.value.name.range)),
        parameters.join(", ")
    );
    let step = Form::of_sql(cx, function.origin.statement_loc())
        .statement(
            format!("{signature} SET search_path = {schema}, pg_temp;"),
            Some(format!("{signature} RESET search_path;")),
        )
        .step(&fix.title);
    Some(fix.with_migration(step))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
