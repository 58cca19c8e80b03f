//! ## What it does
//! Reports two or more columns of a table that differ only by a trailing number (`phone1`,
//! `phone2`; `tag_1`, `tag_2`, `tag_3`; `email`, `email2`), once per group, on its first column.
//! The numbers must run without gaps from 1 (or 2, after an unnumbered column); names where
//! the number is part of a term (`sha1`/`sha256`, `ipv4`/`ipv6`) or the stem is a single letter
//! (`x1`, `x2`) are not groups, nor are 0-based pairs (`entity0`, `entity1`), which usually
//! name two roles, nor are columns that together form one primary key or unique constraint
//! (`id1`, `id2`), nor are two columns that reference the same table (`user1`, `user2` of a
//! friendship, both referencing `profiles`): they are the two ends of a relationship. Address
//! lines (`address_line_1`, `address1`, `street1`, `line1`..., also
//! behind a prefix: `shipping_address_line1`) are a well-known exception, configurable with
//! `allow`.
//!
//! ## Why is this bad?
//! A numbered group is a list stored in columns: the schema fixes how many values there can be,
//! queries have to test every column (`WHERE phone1 = $1 OR phone2 = $1`), a third value needs a
//! migration, and nothing can index or constrain "any of them". A child table with one row per
//! value has none of these limits.
//!
//! ## Example
//! ```sql
//! CREATE TABLE contacts (
//!     id bigint PRIMARY KEY,
//!     phone1 text,
//!     phone2 text
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE contacts (
//!     id bigint PRIMARY KEY
//! );
//! CREATE TABLE contact_phones (
//!     contact_id bigint NOT NULL REFERENCES contacts (id),
//!     phone text NOT NULL,
//!     PRIMARY KEY (contact_id, phone)
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: moving values to a child table changes the schema and the queries.
//!
//! ## Options
//! - `allow`: column names (globs) that may form numbered groups (default: `address_line*`,
//!   `address*`, `addr*`, `street*`, `line*`).

use std::collections::BTreeMap;

use crate::config::{Level, OptionKind, OptionSpec};
use crate::lower::ConstraintKind;
use crate::model::{Column, Table};
use crate::rules::common::matches_any;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "repeating-column-group",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "allow",
        kind: OptionKind::StringList,
        doc: "column names (globs) that may form numbered groups",
    }],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

const ALLOWED: &[&str] = &["address_line*", "address*", "addr*", "street*", "line*"];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let allow = cx.option_strings("allow", ALLOWED);
    for table in cx.live_tables() {
        if table.partition_of.is_some() {
            continue;
        }
        for group in groups(table) {
            if group.iter().any(|column| is_allowed(&allow, &column.name))
                || is_one_key(table, &group)
                || is_relationship_ends(table, &group)
            {
                continue;
            }
            let at = group[0].name_loc();
            let names: Vec<String> = group
                .iter()
                .map(|c| format!("`{}`", c.name_at(cx.model, at)))
                .collect();
            let message = format!(
                "{} differ only by a trailing number: a repeating group; store the values as rows of a child table of `{}`",
                names.join(", "),
                table.name_at(cx.model, at)
            );
            let mut diagnostic = Diagnostic::new(group[0].name_loc(), message);
            for other in &group[1..] {
                diagnostic = diagnostic.with_related(
                    other.name_loc(),
                    format!(
                        "`{}` is in the same group",
                        other.name_at(cx.model, other.name_loc())
                    ),
                );
            }
            out.push(diagnostic);
        }
    }
}

/// An allowed name, alone or as the end of a longer name (`shipping_address_line1`).
fn is_allowed(allow: &[String], name: &str) -> bool {
    matches_any(allow, name)
        || name
            .match_indices('_')
            .any(|(at, _)| matches_any(allow, &name[at + 1..]))
}

/// Columns that together form one primary key or unique constraint (`id1`, `id2`) are the
/// parts of a key, not a list.
fn is_one_key(table: &Table, group: &[&Column]) -> bool {
    table
        .constraints
        .iter()
        .any(|constraint| match constraint.kind() {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns, .. } => {
                group
                    .iter()
                    .all(|column| columns.iter().any(|key| key.name == column.name))
            }
            _ => false,
        })
}

/// Two columns that reference the same table (`user1`, `user2` of a friendship, both
/// referencing `profiles`) are the two ends of a relationship, not a list.
fn is_relationship_ends(table: &Table, group: &[&Column]) -> bool {
    let target = |column: &Column| {
        table.foreign_keys().find_map(|fk| match fk.kind() {
            ConstraintKind::ForeignKey {
                columns,
                references,
                ..
            } if columns.len() == 1 && columns[0].name == column.name => {
                Some((fk.target, references.table.name.name.clone()))
            }
            _ => None,
        })
    };
    match group {
        [first, second] => target(first).is_some_and(|t| Some(t) == target(second)),
        _ => false,
    }
}

/// The numbered groups of a table's own columns, each in number order (an unnumbered column of
/// the stem first).
fn groups(table: &Table) -> Vec<Vec<&Column>> {
    let own: Vec<&Column> = table.columns.iter().filter(|c| !c.inherited).collect();
    let mut by_stem: BTreeMap<&str, Vec<(u32, &Column)>> = BTreeMap::new();
    for column in &own {
        let Some((stem, number)) = numbered(&column.name) else {
            continue;
        };
        by_stem.entry(stem).or_default().push((number, column));
    }
    let mut found = Vec::new();
    for (stem, mut members) in by_stem {
        members.sort_by_key(|(number, _)| *number);
        let base = own
            .iter()
            .find(|c| c.name.trim_end_matches('_') == stem)
            .copied();
        let numbers: Vec<u32> = members.iter().map(|(n, _)| *n).collect();
        let first = numbers[0];
        let consecutive = numbers.windows(2).all(|pair| pair[1] == pair[0] + 1);
        // `entity0`, `entity1` (0-based) usually name two roles, not a list.
        let starts_well = first == 1 || (first == 2 && base.is_some());
        let size = members.len() + usize::from(base.is_some());
        if !consecutive || !starts_well || size < 2 {
            continue;
        }
        found.push(
            base.into_iter()
                .chain(members.into_iter().map(|(_, c)| c))
                .collect(),
        );
    }
    found.sort_by_key(|group: &Vec<&Column>| group[0].name_loc().range.start());
    found
}

/// `phone_2` -> (`phone`, 2): the stem without a trailing underscore, and the number. The stem
/// must have at least two characters and end in a letter.
fn numbered(name: &str) -> Option<(&str, u32)> {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 2 {
        return None;
    }
    let (stem, number) = name.split_at(name.len() - digits);
    let stem = stem.strip_suffix('_').unwrap_or(stem);
    let ends_in_letter = stem.chars().last().is_some_and(|c| c.is_alphabetic());
    if stem.chars().count() < 2 || !ends_in_letter {
        return None;
    }
    Some((stem, number.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }

    #[test]
    fn numbered_names() {
        assert_eq!(super::numbered("phone2"), Some(("phone", 2)));
        assert_eq!(super::numbered("tag_10"), Some(("tag", 10)));
        assert_eq!(super::numbered("x1"), None);
        assert_eq!(super::numbered("sha256"), None);
        assert_eq!(super::numbered("phone"), None);
        assert_eq!(super::numbered("v2_1"), None);
    }
}
