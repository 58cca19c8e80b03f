//! Section 7 of the catalog: the shape of tables.

pub(crate) mod repeating_column_group;
pub(crate) mod table_too_wide;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[&table_too_wide::RULE, &repeating_column_group::RULE];
