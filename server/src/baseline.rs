//! Baselines: the findings a project accepted when it adopted ddlint, so that a check reports
//! only new ones. A finding is identified by its rule, its file (relative to the baseline's
//! directory), its message (which names the object it is about) and the text it flags, never by
//! its line: it survives moves and edits elsewhere in the file. Identical findings count: two
//! recorded, three found, one reported. Entries that match nothing any more are stale.
//!
//! The file is JSON with one finding per line, so that a stale entry can be pointed at and the
//! file diffs well:
//!
//! ```json
//! {
//!   "ddlint_baseline": 1,
//!   "findings": [
//!     {"rule": "timestamp-without-time-zone", "path": "db/schema.sql", "message": "...", "text": "timestamp"}
//!   ]
//! }
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The format version written in the file.
const FORMAT: u32 = 1;

/// Flagged text longer than this is cut: a whole statement adds nothing to the identity.
const MAX_TEXT: usize = 120;

/// A finding as a baseline records it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    /// Relative to the baseline file's directory, with `/` separators.
    pub path: String,
    pub message: String,
    /// The flagged source text, whitespace collapsed.
    pub text: String,
}

impl Entry {
    pub fn new(rule: &str, path: &str, message: &str, flagged: &str) -> Entry {
        let mut text = String::with_capacity(flagged.len().min(MAX_TEXT));
        for word in flagged.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
        if text.len() > MAX_TEXT {
            let mut cut = MAX_TEXT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        Entry {
            rule: rule.to_owned(),
            path: path.to_owned(),
            message: message.to_owned(),
            text,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct File {
    ddlint_baseline: u32,
    findings: Vec<Entry>,
}

/// A baseline read from its file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// With the 1-based line each is written on.
    entries: Vec<(Entry, usize)>,
}

/// An entry that matched no finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    pub entry: Entry,
    /// 1-based, in the baseline file.
    pub line: usize,
}

impl Baseline {
    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|error| {
            format!(
                "not a ddlint baseline ({error}); `ddlint check --write-baseline FILE` writes one"
            )
        })?;
        if file.ddlint_baseline != FORMAT {
            return Err(format!(
                "baseline format {} is not the one this ddlint reads ({FORMAT}); write it again with `ddlint check --write-baseline FILE`",
                file.ddlint_baseline
            ));
        }
        // Entries are written one per line; a file formatted otherwise points at its start.
        let lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.trim_start().starts_with("{\"rule\""))
            .map(|(index, _)| index + 1)
            .collect();
        let one_per_line = lines.len() == file.findings.len();
        let line_of = |index: usize| {
            if one_per_line { lines[index] } else { 1 }
        };
        Ok(Baseline {
            entries: file
                .findings
                .into_iter()
                .enumerate()
                .map(|(index, entry)| (entry, line_of(index)))
                .collect(),
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Splits findings into those the baseline does not hold (in their order) and the
    /// baseline's entries that matched none of them.
    pub fn filter<T>(&self, findings: Vec<(Entry, T)>) -> (Vec<T>, Vec<Stale>) {
        let mut left: HashMap<&Entry, Vec<usize>> = HashMap::new();
        for (entry, line) in &self.entries {
            left.entry(entry).or_default().push(*line);
        }
        let mut new = Vec::new();
        for (entry, finding) in findings {
            match left.get_mut(&entry).and_then(Vec::pop) {
                Some(_) => {}
                None => new.push(finding),
            }
        }
        let mut stale: Vec<Stale> = left
            .into_iter()
            .flat_map(|(entry, lines)| {
                lines.into_iter().map(|line| Stale {
                    entry: entry.clone(),
                    line,
                })
            })
            .collect();
        stale.sort_by_key(|stale| stale.line);
        (new, stale)
    }
}

/// How a baseline in `dir` names the file at `path`: relative to `dir` where it is below it,
/// with `/` separators.
pub fn relative_path(path: &std::path::Path, dir: &std::path::Path) -> String {
    let path = path.strip_prefix(dir).unwrap_or(path);
    path.components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The text of a baseline file holding `entries`, sorted so that the file diffs well.
pub fn render(mut entries: Vec<Entry>) -> String {
    entries.sort();
    let mut out = format!("{{\n  \"ddlint_baseline\": {FORMAT},\n  \"findings\": [");
    for (index, entry) in entries.iter().enumerate() {
        out.push_str(if index == 0 { "\n    " } else { ",\n    " });
        // An entry is four strings: serialising it cannot fail.
        out.push_str(&serde_json::to_string(entry).unwrap_or_default());
    }
    if !entries.is_empty() {
        out.push_str("\n  ");
    }
    out.push_str("]\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rule: &str, text: &str) -> Entry {
        Entry::new(rule, "db/schema.sql", "`created_at` is `timestamp`", text)
    }

    #[test]
    fn a_written_baseline_reads_back_with_its_lines() {
        let text = render(vec![
            entry("timestamp-without-time-zone", "timestamp"),
            entry("char-type", "char(2)"),
        ]);
        assert_eq!(
            text,
            "{\n  \"ddlint_baseline\": 1,\n  \"findings\": [\n    {\"rule\":\"char-type\",\"path\":\"db/schema.sql\",\"message\":\"`created_at` is `timestamp`\",\"text\":\"char(2)\"},\n    {\"rule\":\"timestamp-without-time-zone\",\"path\":\"db/schema.sql\",\"message\":\"`created_at` is `timestamp`\",\"text\":\"timestamp\"}\n  ]\n}\n"
        );
        let baseline = Baseline::parse(&text).unwrap();
        assert_eq!(baseline.entries[0].1, 4);
        assert_eq!(baseline.entries[1].1, 5);
        assert_eq!(Baseline::parse(&render(Vec::new())).unwrap().len(), 0);
    }

    #[test]
    fn only_findings_beyond_the_baseline_are_new() {
        let baseline = Baseline::parse(&render(vec![
            entry("timestamp-without-time-zone", "timestamp"),
            entry("timestamp-without-time-zone", "timestamp"),
            entry("char-type", "char(2)"),
        ]))
        .unwrap();
        let (new, stale) = baseline.filter(vec![
            (entry("timestamp-without-time-zone", "timestamp"), 1),
            (entry("timestamp-without-time-zone", "timestamp"), 2),
            (entry("timestamp-without-time-zone", "timestamp"), 3),
            (entry("float-for-money", "float"), 4),
        ]);
        assert_eq!(new, [3, 4]);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].entry.rule, "char-type");
        assert_eq!(stale[0].line, 4);
    }

    #[test]
    fn identity_ignores_whitespace_and_long_text() {
        assert_eq!(
            entry("r", "timestamp\n    (3)"),
            entry("r", "timestamp (3)")
        );
        let long = "é".repeat(200);
        assert!(entry("r", &long).text.len() <= MAX_TEXT);
    }

    #[test]
    fn other_files_are_refused_with_what_to_do() {
        let error = Baseline::parse("[]").unwrap_err();
        assert!(error.starts_with("not a ddlint baseline"), "{error}");
        assert!(error.contains("--write-baseline"));
        let error = Baseline::parse("{\"ddlint_baseline\": 9, \"findings\": []}").unwrap_err();
        assert!(error.contains("format 9"), "{error}");
    }
}
