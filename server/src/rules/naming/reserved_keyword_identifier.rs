//! ## What it does
//! Reports tables and columns named with a PostgreSQL keyword, quoted or not, from PostgreSQL's
//! own keyword list: a *reserved* keyword (`user`, `order`, `group`, `table`, `check`,
//! `default`, `limit`, `offset`, `desc`, `end`, ...) at the rule's level; a keyword reserved
//! except as a function or type name (`left`, `join`, `authorization`) or usable as a column but
//! not as a function or type name (`timestamp`, `position`, `time`, `interval`) one level lower
//! (info by default). Unreserved keywords (`name`, `type`, `value`, `key`) are not reported. The
//! message names a usual alternative.
//!
//! ## Why is this bad?
//! A reserved word is a syntax error where a name is expected, so every query, view and
//! function has to double-quote it (`SELECT "user" FROM "order"`), and every tool that
//! generates SQL has to know that. The other keywords work in most places but read as SQL
//! syntax and break in some contexts (`position(...)` is a function, `time` a type).
//!
//! ## Example
//! ```sql
//! CREATE TABLE "user" (
//!     id bigint PRIMARY KEY,
//!     "order" integer NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     sort_order integer NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: renaming breaks every query that uses the name; use the editor's rename.
//!
//! ## Options
//! None.

use crate::catalog::keywords::{KeywordCategory, keyword_category};
use crate::config::Level;
use crate::rules::naming::{NameKind, defined_names};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "reserved-keyword-identifier",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for defined in defined_names(cx) {
        if !matches!(defined.kind, NameKind::Table | NameKind::Column) {
            continue;
        }
        // A quoted `"User"` keeps its case and is not the keyword `user`.
        if defined.name.bytes().any(|b| b.is_ascii_uppercase()) {
            continue;
        }
        let Some(category) = keyword_category(defined.name) else {
            continue;
        };
        let kind = defined.kind.as_str();
        let name = defined.name;
        let alternative = alternative(cx, defined);
        let diagnostic = match category {
            KeywordCategory::Unreserved => continue,
            KeywordCategory::Reserved => Diagnostic::new(
                defined.loc,
                format!(
                    "{kind} `{name}` is a reserved keyword in PostgreSQL: every query must double-quote it; rename it, e.g. to `{alternative}`"
                ),
            ),
            KeywordCategory::TypeFuncName => Diagnostic::new(
                defined.loc,
                format!(
                    "{kind} `{name}` is a PostgreSQL keyword that is reserved except as a function or type name: queries must double-quote it; consider `{alternative}`"
                ),
            )
            .demoted(),
            KeywordCategory::ColName => Diagnostic::new(
                defined.loc,
                format!(
                    "{kind} `{name}` is a PostgreSQL keyword (SQL syntax uses it as a type or function name); consider `{alternative}`"
                ),
            )
            .demoted(),
        };
        out.push(diagnostic);
    }
}

/// A usual replacement: tables take a plural, columns a more descriptive name.
fn alternative(cx: &RuleCx, defined: &crate::rules::naming::DefinedName) -> String {
    let name = defined.name;
    let candidates: Vec<String> = match defined.kind {
        NameKind::Table => vec![plural(name), format!("app_{}", plural(name))],
        _ => {
            let known = COLUMN_ALTERNATIVES
                .iter()
                .find(|(keyword, _)| *keyword == name)
                .map(|(_, a)| a.to_string());
            known.into_iter().chain([format!("{name}_value")]).collect()
        }
    };
    let free = |candidate: &String| {
        let keyword = matches!(
            keyword_category(candidate),
            Some(
                KeywordCategory::Reserved
                    | KeywordCategory::TypeFuncName
                    | KeywordCategory::ColName
            )
        );
        let taken = match (defined.kind, defined.table) {
            (NameKind::Table, Some(table)) => {
                cx.model.relation_exists(&table.name.schema, candidate)
            }
            (_, Some(table)) => table.column(candidate).is_some(),
            _ => false,
        };
        !keyword && !taken
    };
    let fallback = candidates.last().cloned().unwrap_or_default();
    candidates.into_iter().find(free).unwrap_or(fallback)
}

fn plural(name: &str) -> String {
    if name.ends_with('s') || name.ends_with('x') || name.ends_with("ch") {
        format!("{name}es")
    } else if let Some(stem) = name
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{name}s")
    }
}

/// Column names that usually replace a keyword.
const COLUMN_ALTERNATIVES: &[(&str, &str)] = &[
    ("user", "user_id"),
    ("order", "sort_order"),
    ("position", "sort_order"),
    ("group", "group_name"),
    ("default", "is_default"),
    ("primary", "is_primary"),
    ("unique", "is_unique"),
    ("desc", "description"),
    ("end", "ends_at"),
    ("time", "occurred_at"),
    ("timestamp", "occurred_at"),
    ("interval", "duration"),
    ("limit", "max_count"),
    ("offset", "start_offset"),
    ("from", "sender"),
    ("to", "recipient"),
    ("table", "table_name"),
    ("column", "column_name"),
    ("check", "check_result"),
    ("references", "reference_ids"),
    ("analyse", "analysis"),
    ("analyze", "analysis"),
    ("current_user", "current_user_id"),
    ("session_user", "session_user_id"),
    ("authorization", "authorization_header"),
    ("collation", "collation_name"),
    ("left", "left_value"),
    ("right", "right_value"),
    ("national", "nationality"),
    ("none", "is_none"),
    ("char", "character_value"),
    ("values", "value_list"),
    ("both", "is_both"),
    ("natural", "is_natural"),
    ("only", "is_only"),
    ("all", "is_all"),
    ("case", "case_id"),
];

#[cfg(test)]
mod tests {
    use crate::catalog::keywords::{KeywordCategory, keyword_category};
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    #[test]
    fn keyword_categories_the_rule_relies_on() {
        for reserved in [
            "user", "order", "group", "table", "check", "default", "limit", "offset", "desc", "end",
        ] {
            assert_eq!(
                keyword_category(reserved),
                Some(KeywordCategory::Reserved),
                "{reserved}"
            );
        }
        for unreserved in ["name", "type", "value", "key", "level"] {
            assert_eq!(
                keyword_category(unreserved),
                Some(KeywordCategory::Unreserved),
                "{unreserved}"
            );
        }
        for lesser in ["timestamp", "position", "time", "interval"] {
            assert_eq!(
                keyword_category(lesser),
                Some(KeywordCategory::ColName),
                "{lesser}"
            );
        }
        assert_eq!(keyword_category("users"), None);
    }

    #[test]
    fn lesser_keywords_are_reported_one_level_lower() {
        use crate::analysis::{TextInput, check_texts};
        use crate::rules::{Selection, Severity};
        let text = "CREATE TABLE t (id bigint PRIMARY KEY, \"order\" int, position int);\n";
        let input = TextInput {
            path: "a.sql".into(),
            key: "a.sql".into(),
            text: std::sync::Arc::new(String::from(text)),
        };
        let selection = Selection {
            select: Some(vec![super::RULE.id.to_string()]),
            ..Selection::default()
        };
        let checked = check_texts(
            vec![input],
            &crate::config::Config::default(),
            &selection,
            &crate::workspace::history::NoVcs,
        );
        let found: Vec<(&str, Severity)> = checked
            .diagnostics
            .iter()
            .map(|d| {
                (
                    &text[d.range.start() as usize..d.range.end() as usize],
                    d.severity,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("\"order\"", Severity::Warning),
                ("position", Severity::Info)
            ]
        );
    }

    #[test]
    fn plurals() {
        assert_eq!(super::plural("user"), "users");
        assert_eq!(super::plural("check"), "checks");
        assert_eq!(super::plural("index"), "indexes");
        assert_eq!(super::plural("entry"), "entries");
        assert_eq!(super::plural("day"), "days");
    }
}
