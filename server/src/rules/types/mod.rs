//! Section 1 of the catalog: types.

pub(crate) mod float_for_money;
pub(crate) mod timestamp_without_time_zone;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[&timestamp_without_time_zone::RULE, &float_for_money::RULE];
