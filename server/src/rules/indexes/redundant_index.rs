//! ## What it does
//! Reports a non-unique btree index whose key is a strict leading part of another btree index of
//! the same table with the same predicate: an index on `(a)` next to one on `(a, b)`. Also
//! reported: a non-unique btree index on exactly the key of a unique index, primary key or unique
//! constraint (not a DEFERRABLE one). The index's INCLUDE columns must be in the other index too.
//!
//! The leading elements must be the same keys: same columns or expressions, operator classes
//! (Prisma's `ops: raw("text_pattern_ops")` included), collations and sort order.
//!
//! Not reported: unique indexes (they enforce something), indexes with another access method,
//! a partial index next to a non-partial one (or one with another predicate), an index whose
//! operator class or collation serves other lookups (`text_pattern_ops` for `LIKE 'a%'`).
//!
//! ## Why is this bad?
//! A btree index on `(a, b)` serves every lookup and range scan on `a` alone, so the index on
//! `(a)` costs writes, vacuum work and cache memory for little gain. It may still be worth
//! keeping when the wider index is much larger; this is a hint to check, not an error.
//!
//! ## Example
//! ```sql
//! CREATE INDEX orders_customer_id_idx ON orders (customer_id);
//! CREATE INDEX orders_customer_id_created_at_idx ON orders (customer_id, created_at);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE INDEX orders_customer_id_created_at_idx ON orders (customer_id, created_at);
//! ```
//!
//! ## Fix safety
//! No fix: whether the narrower index pays for itself depends on the queries.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::rules::common::table_label;
use crate::rules::indexes::{IndexShape, index_shapes};
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "redundant-index",
    level: |_| Level::Info,
    options: &[],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        let shapes = index_shapes(cx, table);
        for narrow in shapes.iter().filter(|s| !s.unique && s.is_btree()) {
            let Some(wide) = shapes
                .iter()
                .filter(|wide| !std::ptr::eq(*wide, narrow) && covers(wide, narrow))
                .min_by_key(|wide| wide.elements.len())
            else {
                continue;
            };
            let message = format!(
                "{} is redundant: {} of `{}` starts with the same key and serves the same lookups",
                narrow.describe(cx.model, narrow.loc),
                wide.describe(cx.model, narrow.loc),
                table_label(cx, table, narrow.loc)
            );
            out.push(Diagnostic::new(narrow.loc, message).with_related(
                wide.loc,
                format!("{} is defined here", wide.describe(cx.model, wide.loc)),
            ));
        }
    }
}

/// Whether `wide` serves every lookup `narrow` serves.
fn covers(wide: &IndexShape, narrow: &IndexShape) -> bool {
    let n = narrow.elements.len();
    if !wide.is_btree() || wide.predicate != narrow.predicate || n == 0 || wide.elements.len() < n {
        return false;
    }
    let longer = wide.elements.len() > n;
    let same_as_unique = wide.elements.len() == n && wide.unique && wide.immediate;
    if !(longer || same_as_unique) || !narrow.same_elements(&wide.elements[..n]) {
        return false;
    }
    // An index-only scan on the narrow index needs its INCLUDE columns in the wide one.
    let wide_columns = wide.key_columns();
    narrow
        .include
        .iter()
        .all(|c| wide_columns.contains(c) || wide.include.contains(c))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
