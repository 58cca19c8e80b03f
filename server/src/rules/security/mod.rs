//! Section 8 of the catalog: security.

pub(crate) mod policy_without_rls;
pub(crate) mod rls_enabled_without_policy;
pub(crate) mod security_definer_without_search_path;
pub(crate) mod sensitive_column_plaintext;

use super::Rule;

pub(super) const RULES: &[&Rule] = &[
    &sensitive_column_plaintext::RULE,
    &rls_enabled_without_policy::RULE,
    &policy_without_rls::RULE,
    &security_definer_without_search_path::RULE,
];
