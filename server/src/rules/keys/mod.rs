//! Section 2 of the catalog: keys and relationships.

pub(crate) mod foreign_key_without_index;
pub(crate) mod missing_primary_key;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[&missing_primary_key::RULE, &foreign_key_without_index::RULE];
