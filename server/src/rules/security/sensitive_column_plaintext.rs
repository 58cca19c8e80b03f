//! ## What it does
//! Reports text columns (`text`, `varchar`, `char`, `citext`) whose name, lower-cased (and
//! camelCase split, for Prisma fields), is exactly one of: `password`, `passwd`, `pwd`,
//! `secret`, `client_secret`, `api_key`, `apikey`, `access_token`, `refresh_token`,
//! `auth_token`, `token`, `private_key`, `ssn`, `social_security_number`, `credit_card`,
//! `credit_card_number`, `card_number`, `cvv`, `cvc`, `iban`, `tax_id`. Names that say the value
//! is protected (`password_hash`, `encrypted_token`, `*_digest`, `*_ciphertext`), `bytea`
//! columns and columns whose COMMENT mentions hashing or encryption are not reported.
//!
//! ## Why is this bad?
//! Anyone who can read the table (a backup, a replica, a support role, an SQL injection, a
//! leaked dump) reads every password, token and card number in it. Passwords belong hashed with
//! a slow hash (argon2, bcrypt, scrypt); tokens hashed (look them up by their hash), except an
//! OAuth provider's access and refresh tokens, which the application sends back (encrypt
//! them); personal and payment data encrypted or tokenized. A name that says so (`password_hash`)
//! tells readers it was done.
//!
//! ## Example
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     password text NOT NULL
//! );
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE users (
//!     id bigint PRIMARY KEY,
//!     password_hash text NOT NULL
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: hashing or encrypting needs application changes and a data migration.
//! If the column already holds hashes, rename it, or say so in its comment
//! (`COMMENT ON COLUMN users.password IS 'bcrypt hash'`).
//!
//! ## Options
//! - `names`: the column names considered sensitive (replaces the default list).

use crate::config::{Level, OptionKind, OptionSpec};
use crate::rules::common::{builtin, defined_columns};
use crate::rules::naming::identifier_not_snake_case::to_snake_case;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "sensitive-column-plaintext",
    level: |_| Level::Warning,
    options: &[OptionSpec {
        name: "names",
        kind: OptionKind::StringList,
        doc: "column names considered sensitive",
    }],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

const PASSWORDS: &[&str] = &["password", "passwd", "pwd"];
/// Values the application only compares: a hash is enough.
const TOKENS: &[&str] = &[
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "auth_token",
    "token",
];
/// Tokens an OAuth provider issues are sent back to it (encrypt); tokens the application issues
/// are only compared (hash).
const OAUTH_TOKENS: &[&str] = &["access_token", "refresh_token"];
/// Values the application must read back: they need encryption.
const KEYS: &[&str] = &["secret", "client_secret", "private_key"];
const PERSONAL: &[&str] = &[
    "ssn",
    "social_security_number",
    "credit_card",
    "credit_card_number",
    "card_number",
    "cvv",
    "cvc",
    "iban",
    "tax_id",
];

/// Words in a comment that say the value is protected.
const PROTECTED: &[&str] = &[
    "hash", "encrypt", "bcrypt", "argon2", "scrypt", "digest", "cipher",
];

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    let defaults: Vec<&str> = PASSWORDS
        .iter()
        .chain(TOKENS)
        .chain(KEYS)
        .chain(PERSONAL)
        .copied()
        .collect();
    let names = cx.option_strings("names", &defaults);
    for (table, column) in defined_columns(cx) {
        let Some(ty) = &column.ty else { continue };
        let textual = ty.value.array_dims == 0
            && (matches!(builtin(&ty.value), Some("text" | "varchar" | "bpchar"))
                || ty.value.name == "citext");
        if !textual {
            continue;
        }
        let normalized = to_snake_case(&column.name).unwrap_or_else(|| column.name.to_lowercase());
        let Some(name) = names.iter().find(|n| n.eq_ignore_ascii_case(&normalized)) else {
            continue;
        };
        let comment = column.comment.as_deref().unwrap_or("").to_lowercase();
        if PROTECTED.iter().any(|word| comment.contains(word)) {
            continue;
        }
        let advice = if PASSWORDS.contains(&name.as_str()) {
            "store a slow hash (argon2, bcrypt) in a column named like `password_hash`"
        } else if OAUTH_TOKENS.contains(&name.as_str()) {
            "encrypt it where the application sends it back to an OAuth provider, or store a hash (and look it up by hash) where it only checks tokens it issued"
        } else if TOKENS.contains(&name.as_str()) {
            "store a hash (and look it up by hash) or encrypt it, in a column named like `token_hash`"
        } else if KEYS.contains(&name.as_str()) {
            "encrypt it (the application needs it back), in a column named like `encrypted_*`"
        } else {
            "encrypt or tokenize it, in a column named like `encrypted_*`"
        };
        let message = format!(
            "`{}.{}` looks like a secret stored as plain text; {advice} (or say in its comment that it is already hashed or encrypted)",
            table.name_at(cx.model, column.name_loc()),
            column.name_at(cx.model, column.name_loc())
        );
        out.push(Diagnostic::new(column.name_loc(), message));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
