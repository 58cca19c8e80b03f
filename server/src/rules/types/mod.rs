//! Section 1 of the catalog: types.

pub(crate) mod char_type;
pub(crate) mod float_for_money;
pub(crate) mod integer_primary_key;
pub(crate) mod money_type;
pub(crate) mod prefer_identity;
pub(crate) mod prefer_jsonb;
pub(crate) mod text_for_bounded_string;
pub(crate) mod time_with_time_zone;
pub(crate) mod timestamp_without_time_zone;
pub(crate) mod unknown_type;
pub(crate) mod varchar_arbitrary_length;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[
    &timestamp_without_time_zone::RULE,
    &time_with_time_zone::RULE,
    &float_for_money::RULE,
    &money_type::RULE,
    &varchar_arbitrary_length::RULE,
    &text_for_bounded_string::RULE,
    &char_type::RULE,
    &prefer_jsonb::RULE,
    &integer_primary_key::RULE,
    &prefer_identity::RULE,
    &unknown_type::RULE,
];
