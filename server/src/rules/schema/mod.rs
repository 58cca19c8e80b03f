//! Section 11 of the catalog: what PostgreSQL itself would reject; and the framework's own rules.

pub(crate) mod duplicate_column;
pub(crate) mod duplicate_table;
pub(crate) mod erd_drift;
pub(crate) mod syntax_error;
pub(crate) mod unknown_column_reference;
pub(crate) mod unused_suppression;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &duplicate_column::RULE,
    &duplicate_table::RULE,
    &erd_drift::RULE,
    &unknown_column_reference::RULE,
    &unused_suppression::RULE,
];
