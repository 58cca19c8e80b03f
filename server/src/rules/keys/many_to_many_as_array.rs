//! ## What it does
//! Reports columns named `*_ids` (Prisma `*Ids`) that hold a list of keys: arrays of
//! `integer`, `bigint`, `smallint` or `uuid`, and `text` / `varchar` columns (comma-separated
//! lists) whose name points to a table of the workspace (`post_ids` and a `posts` table; a
//! string of `stripe_price_ids` lists identifiers of another system). Arrays with other names
//! (`tags text[]`) are not reported, nor materialised hierarchy paths (`traversal_ids`,
//! `ancestor_ids`, `path_ids`, `descendant_ids`), which list the ancestors of a row in order for
//! fast tree queries rather than a relationship.
//!
//! ## Why is this bad?
//! A list of ids in one column is a many-to-many relationship the database cannot see: no
//! foreign key checks that the ids exist or removes them when the rows are deleted, the
//! reverse lookup ("which rows contain 42?") needs a GIN index or a full scan, and one link
//! cannot be added or removed without rewriting the whole list, racing with concurrent
//! writers. A junction table with two foreign keys has none of these problems.
//!
//! ## Example
//! ```sql
//! CREATE TABLE posts (
//!     id bigint PRIMARY KEY,
//!     tag_ids bigint[] NOT NULL DEFAULT '{}'
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE posts (
//!     id bigint PRIMARY KEY
//! );
//! CREATE TABLE post_tags (
//!     post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
//!     tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
//!     PRIMARY KEY (post_id, tag_id)
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: moving the data into a junction table is a migration of its own.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::model::Model;
use crate::rules::common::{builtin, column_label, defined_columns};
use crate::rules::words::{last_word_in, words};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "many-to-many-as-array",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::TableAndNames,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        if !is_id_list_name(&column.name) || is_hierarchy_path(&column.name) {
            continue;
        }
        let list = match (builtin(&ty.value), ty.value.array_dims) {
            (Some("int2" | "int4" | "int8" | "uuid"), 1..) => "an array of ids",
            (Some("text" | "varchar"), 0) if names_a_table(cx.model, &column.name) => {
                "a list of ids in a string"
            }
            _ => continue,
        };
        let message = format!(
            "`{}` keeps {list}: the database cannot check that they exist or find the rows that contain one; use a junction table with two foreign keys",
            column_label(cx, table, &column.name, column.name_loc())
        );
        out.push(Diagnostic::new(column.name_loc(), message));
    }
}

/// `tag_ids`, `TAG_IDS`, Prisma's `tagIds`, `"tagIDs"`.
fn is_id_list_name(name: &str) -> bool {
    // Most names are ruled out before they are split into words: a last word `ids` is spelt
    // with these ASCII letters.
    if !name
        .as_bytes()
        .windows(3)
        .any(|letters| letters.eq_ignore_ascii_case(b"ids"))
    {
        return false;
    }
    let words = words(name);
    words.len() > 1 && last_word_in(&words, &["ids"])
}

/// Whether the word before `_ids` names a table (`post` in `related_post_ids`, `posts`).
fn names_a_table(model: &Model, column: &str) -> bool {
    let lower = column.to_ascii_lowercase();
    let stem = lower
        .strip_suffix("_ids")
        .or_else(|| lower.strip_suffix("ids"))
        .unwrap_or(&lower);
    let word = stem.rsplit('_').next().unwrap_or(stem);
    if word.is_empty() {
        return false;
    }
    model.live_tables().any(|table| {
        let name = table
            .prisma_name
            .as_deref()
            .unwrap_or(&table.name.name)
            .to_ascii_lowercase();
        let last = name.rsplit('_').next().unwrap_or(&name);
        [word.to_string(), format!("{word}s"), format!("{word}es")].contains(&last.to_string())
            || last
                .strip_suffix("ies")
                .is_some_and(|stem| format!("{stem}y") == word)
    })
}

/// `traversal_ids`, `ancestorIds`, `self_and_descendant_ids`: an ordered path in a tree.
fn is_hierarchy_path(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["traversal", "ancestor", "descendant", "path"]
        .iter()
        .any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
