use super::{KEYWORDS, KeywordCategory, LONGEST_KEYWORD, keyword_category};

#[track_caller]
fn check(word: &str, expected: Option<KeywordCategory>) {
    assert_eq!(keyword_category(word), expected, "category of {word:?}");
}

#[test]
fn reserved_words_the_rule_names() {
    for word in [
        "user", "order", "group", "table", "check", "default", "limit", "offset",
    ] {
        check(word, Some(KeywordCategory::Reserved));
    }
    for word in ["desc", "primary", "references", "all", "end"] {
        check(word, Some(KeywordCategory::Reserved));
    }
}

#[test]
fn common_column_names_are_unreserved() {
    check("name", Some(KeywordCategory::Unreserved));
    check("type", Some(KeywordCategory::Unreserved));
    check("value", Some(KeywordCategory::Unreserved));
}

#[test]
fn type_and_function_like_keywords() {
    check("timestamp", Some(KeywordCategory::ColName));
    check("time", Some(KeywordCategory::ColName));
    check("interval", Some(KeywordCategory::ColName));
    check("position", Some(KeywordCategory::ColName));
    check("authorization", Some(KeywordCategory::TypeFuncName));
    check("like", Some(KeywordCategory::TypeFuncName));
}

#[test]
fn ascii_case_is_ignored() {
    check("USER", Some(KeywordCategory::Reserved));
    check("Order", Some(KeywordCategory::Reserved));
    check("TimeStamp", Some(KeywordCategory::ColName));
}

#[test]
fn non_keywords() {
    check("users", None);
    check("email", None);
    check("", None);
    check("tablé", None);
    check("user_", None);
    check("zzz", None);
}

#[test]
fn table_is_sorted_lowercase_and_unique() {
    assert!(KEYWORDS.windows(2).all(|pair| pair[0].0 < pair[1].0));
    assert!(
        KEYWORDS
            .iter()
            .all(|(word, _)| word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    );
    for (word, category) in KEYWORDS {
        check(word, Some(*category));
    }
    let longest = KEYWORDS.iter().map(|(word, _)| word.len()).max();
    assert_eq!(longest, Some(LONGEST_KEYWORD));
    check(&"a".repeat(LONGEST_KEYWORD + 1), None);
}

#[test]
fn codes_match_pg_get_keywords() {
    let codes: Vec<char> = [
        KeywordCategory::Reserved,
        KeywordCategory::TypeFuncName,
        KeywordCategory::ColName,
        KeywordCategory::Unreserved,
    ]
    .into_iter()
    .map(KeywordCategory::code)
    .collect();
    assert_eq!(codes, ['R', 'T', 'C', 'U']);
}
