//! Names as words. `payAmount`, `"serviceFee"`, `amount_due` and `TotalPrice` say their words in
//! different case styles; rules that judge a name by what it says match its words, never one
//! spelling.

use std::borrow::Cow;

/// The lower-case words of a name: split at `_`, blanks and other characters that are neither
/// letters nor digits, and where the case changes (`payAmount` -> pay amount, `HTTPServer` ->
/// http server, `userID2` -> user id2, `tagIDs` -> tag ids). Letters outside ASCII count as
/// letters.
pub(crate) fn words(name: &str) -> Vec<String> {
    // Most names: words between the characters that are neither letters nor digits.
    if name.is_ascii() && !name.bytes().any(|b| b.is_ascii_uppercase()) {
        return name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect();
    }
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            // The plural of an acronym (`tagIDs`, `URLs`) keeps its `s`.
            let plural_s = chars.get(i + 1) == Some(&'s')
                && !chars.get(i + 2).is_some_and(|n| n.is_lowercase());
            let next_is_lower = !plural_s && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower);
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The name in snake_case (`createdAt` -> `created_at`, `"Order Items"` -> `order_items`); a
/// name already in lower-case snake_case stays as it is.
pub(crate) fn snake_case(name: &str) -> Cow<'_, str> {
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Cow::Borrowed(name);
    }
    Cow::Owned(words(name).join("_"))
}

/// Whether one of the name's words is in `list`.
pub(crate) fn has_word(words: &[String], list: &[&str]) -> bool {
    words.iter().any(|word| list.contains(&word.as_str()))
}

/// Whether the name's last word (the noun that says what the value is, in English word order)
/// is in `list`.
pub(crate) fn last_word_in(words: &[String], list: &[&str]) -> bool {
    words
        .last()
        .is_some_and(|word| list.contains(&word.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(name: &str) -> Vec<String> {
        words(name)
    }

    #[test]
    fn words_in_every_case_style() {
        assert_eq!(split("payAmount"), ["pay", "amount"]);
        assert_eq!(split("serviceFee"), ["service", "fee"]);
        assert_eq!(split("amount_due"), ["amount", "due"]);
        assert_eq!(split("TotalPrice"), ["total", "price"]);
        assert_eq!(split("HTTPServer"), ["http", "server"]);
        assert_eq!(split("userID2"), ["user", "id2"]);
        assert_eq!(split("tagIDs"), ["tag", "ids"]);
        assert_eq!(split("URLsByHost"), ["urls", "by", "host"]);
        assert_eq!(split("DocumentAuditLog"), ["document", "audit", "log"]);
        assert_eq!(split("Order Items"), ["order", "items"]);
        assert_eq!(split("__diesel_schema"), ["diesel", "schema"]);
        assert_eq!(split("ÉtatCivil"), ["état", "civil"]);
        assert!(split("").is_empty());
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("createdAt"), "created_at");
        assert_eq!(snake_case("userID"), "user_id");
        assert_eq!(snake_case("order_status"), "order_status");
        assert_eq!(snake_case("Status"), "status");
        assert_eq!(
            snake_case("ImpersonationAuditLog"),
            "impersonation_audit_log"
        );
        assert_eq!(snake_case("address_line_1"), "address_line_1");
    }
}
