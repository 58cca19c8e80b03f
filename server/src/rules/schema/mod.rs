//! Section 11 of the catalog: what PostgreSQL itself would reject; and the framework's own rules.

pub(crate) mod syntax_error;
pub(crate) mod unused_suppression;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[&syntax_error::RULE, &unused_suppression::RULE];
