//! Section 9 of the catalog: PostgreSQL's "don't do this".

pub(crate) mod create_rule;
pub(crate) mod table_inheritance;
pub(crate) mod timestamp_precision;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[
    &table_inheritance::RULE,
    &create_rule::RULE,
    &timestamp_precision::RULE,
];
