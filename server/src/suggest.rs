//! "Did you mean ...?" suggestions for misspelt names (config keys, rule ids, tables, columns).

/// The candidate closest to `name` by case-insensitive Levenshtein distance, if that distance is at
/// most `max_distance`. On a tie the earlier candidate wins, so callers control the preference by
/// the order they pass.
pub fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max_distance: usize,
) -> Option<&'a str> {
    let name = lowercase_chars(name);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = levenshtein(&name, &lowercase_chars(candidate));
        if distance > max_distance {
            continue;
        }
        if best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

fn lowercase_chars(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// Edit distance with unit costs for insertion, deletion and substitution, using one row.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &a_char) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &b_char) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(a_char != b_char);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> usize {
        levenshtein(&lowercase_chars(a), &lowercase_chars(b))
    }

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("flaw", "lawn"), 2);
        assert_eq!(distance("Strings", "strings"), 0);
        assert_eq!(
            distance("timestamp-without-timezone", "timestamp-without-time-zone"),
            1
        );
    }

    #[test]
    fn picks_the_closest_within_the_limit() {
        let candidates = ["strings", "enums", "keys"];
        assert_eq!(closest("strngs", candidates, 2), Some("strings"));
        assert_eq!(closest("KEYS", candidates, 0), Some("keys"));
        assert_eq!(closest("enum", candidates, 1), Some("enums"));
        assert_eq!(closest("colour", candidates, 2), None);
    }

    #[test]
    fn earlier_candidate_wins_a_tie() {
        assert_eq!(closest("ab", ["ax", "xb"], 1), Some("ax"));
        assert_eq!(closest("ab", ["xb", "ax"], 1), Some("xb"));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(distance("café", "cafe"), 1);
        assert_eq!(closest("naïve", ["naive"], 1), Some("naive"));
    }
}
