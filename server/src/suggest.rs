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
    let (mut lowered, mut row) = (Vec::new(), Vec::new());
    for candidate in candidates {
        // The distance is at least the difference in length (an ASCII name keeps its length
        // when lower-cased): most candidates of a large schema stop here.
        if candidate.is_ascii() && candidate.len().abs_diff(name.len()) > max_distance {
            continue;
        }
        // A later candidate must be closer than the best so far.
        let limit = match best {
            Some((0, _)) => break,
            Some((best_distance, _)) => best_distance - 1,
            None => max_distance,
        };
        lowered.clear();
        lowered.extend(candidate.chars().flat_map(char::to_lowercase));
        if let Some(distance) = levenshtein_within(&name, &lowered, limit, &mut row) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

fn lowercase_chars(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// Edit distance with unit costs for insertion, deletion and substitution, using one row
/// (`row`, reused between calls); `None` once it must exceed `limit`.
fn levenshtein_within(a: &[char], b: &[char], limit: usize, row: &mut Vec<usize>) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    row.clear();
    row.extend(0..=b.len());
    for (i, &a_char) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, &b_char) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(a_char != b_char);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
            smallest = smallest.min(row[j + 1]);
        }
        // Every later row is at least this row's smallest value.
        if smallest > limit {
            return None;
        }
    }
    Some(row[b.len()]).filter(|&distance| distance <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> usize {
        levenshtein_within(
            &lowercase_chars(a),
            &lowercase_chars(b),
            usize::MAX,
            &mut Vec::new(),
        )
        .unwrap_or(usize::MAX)
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
        assert_eq!(closest("abc", ["abx", "abc", "ab"], 2), Some("abc"));
        assert_eq!(closest("abc", ["abcd", "xbc"], 2), Some("abcd"));
    }

    /// Candidates far longer or shorter are passed over without a distance, whatever their
    /// alphabet.
    #[test]
    fn lengths_decide_first() {
        assert_eq!(
            closest("namespacxes", ["namespace_settings", "namespaces"], 2),
            Some("namespaces")
        );
        assert_eq!(closest("ÉTÉ", ["ete", "été", "étés"], 1), Some("été"));
        assert_eq!(closest("straße", ["strasse", "strae"], 1), Some("strae"));
        assert_eq!(closest("long_name", ["ln", "a_much_longer_name"], 3), None);
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(distance("café", "cafe"), 1);
        assert_eq!(closest("naïve", ["naive"], 1), Some("naive"));
    }
}
