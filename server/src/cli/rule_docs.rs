//! `ddlint rules`: the rules as a table grouped by catalog section (JSON for tools), or one rule's
//! documentation.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::style::Style;
use super::write_stdout;
use crate::EXIT_ERROR;
use crate::config::{self, Config};
use crate::rules::{self, Rule};

/// The table fits a terminal this wide.
pub(crate) const TABLE_WIDTH: usize = 100;

/// Columns between the table's columns.
const GAP: &str = "  ";

/// Marks a level that `ddlint.toml` changed.
const CONFIGURED: char = '*';

#[derive(clap::Args, Debug)]
pub(crate) struct RulesArgs {
    /// A rule id, e.g. `foreign-key-without-index`: print its documentation.
    id: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum RulesFormat {
    /// A table for people (or, with an id, the rule's documentation as Markdown).
    Text,
    /// For tools: an array of rules (or, with an id, one rule with its documentation).
    Json,
}

pub(crate) fn run(args: &RulesArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let config = match config::load(&cwd, &rules::specs()) {
        Ok(config) => config,
        Err(error) => {
            stderr_line!("error: {error}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let rule = match args.id.as_deref().map(known) {
        None => None,
        Some(Ok(rule)) => Some(rule),
        Some(Err(message)) => {
            stderr_line!("error: {message}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let style = Style::detect();
    let written = write_stdout(|out| match (rule, args.format) {
        (Some(rule), RulesFormat::Text) => {
            let level = config.level(rule.id, rule.default_level(&config.policy));
            writeln!(out, "# {} ({level})\n", rule.id)?;
            writeln!(out, "{}", rule.doc())
        }
        (Some(rule), RulesFormat::Json) => {
            let mut entry = Entry::new(rule, &config);
            entry.doc = Some(rule.doc());
            json(out, &entry)
        }
        (None, RulesFormat::Text) => {
            table(&mut style.stream(out as &mut dyn Write), &config, style)
        }
        (None, RulesFormat::Json) => {
            let entries: Vec<Entry> = rules::all().map(|rule| Entry::new(rule, &config)).collect();
            json(out, &entries)
        }
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            stderr_line!("error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn known(id: &str) -> Result<&'static Rule, String> {
    rules::find(id).ok_or_else(|| {
        match crate::suggest::closest(id, rules::all().map(|r| r.id), 4) {
            Some(closest) => format!("unknown rule `{id}`; did you mean `{closest}`?"),
            None => format!("unknown rule `{id}`; `ddlint rules` lists them"),
        }
    })
}

/// A rule in `ddlint rules --format json`.
#[derive(Serialize)]
struct Entry {
    id: &'static str,
    section: &'static str,
    /// The level in effect here: `ddlint.toml`'s, else the default.
    level: &'static str,
    /// The level without a `[rules.<id>] level` (it may depend on `[policy]`).
    default_level: &'static str,
    fixable: bool,
    /// The first sentence of "What it does", whole.
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<&'static str>,
}

impl Entry {
    fn new(rule: &'static Rule, config: &Config) -> Entry {
        let default = rule.default_level(&config.policy);
        Entry {
            id: rule.id,
            section: section_of(rule),
            level: config.level(rule.id, default).as_str(),
            default_level: default.as_str(),
            fixable: rule.fixable,
            summary: first_sentence(rule.doc()),
            doc: None,
        }
    }
}

fn section_of(rule: &Rule) -> &'static str {
    rules::SECTIONS
        .iter()
        .find(|section| section.rules.iter().any(|r| r.id == rule.id))
        .map_or("", |section| section.title)
}

fn json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// One row per rule: id, level (marked when `ddlint.toml` set it), `yes` when fixable, the summary
/// cut to what is left of `TABLE_WIDTH`; a heading row per catalog section.
fn table(out: &mut impl Write, config: &Config, style: Style) -> io::Result<()> {
    let id_width = rules::all().map(|rule| rule.id.len()).max().unwrap_or(0);
    let level_width = "warning".len() + 1;
    let fix_width = "FIX".len();
    let summary_width =
        TABLE_WIDTH.saturating_sub(id_width + level_width + fix_width + 3 * GAP.len());
    let row = |id: &str, level: &str, fix: &str, summary: &str| {
        format!("{id:id_width$}{GAP}{level:level_width$}{GAP}{fix:fix_width$}{GAP}{summary}")
    };
    writeln!(
        out,
        "{}",
        style.bold(row("RULE", "LEVEL", "FIX", "SUMMARY").trim_end())
    )?;
    let mut configured = false;
    for section in rules::SECTIONS {
        writeln!(out, "\n{}", style.bold(section.title))?;
        for rule in section.rules {
            let default = rule.default_level(&config.policy);
            let level = config.level(rule.id, default);
            let mut shown = level.as_str().to_string();
            if level != default {
                shown.push(CONFIGURED);
                configured = true;
            }
            let fix = if rule.fixable { "yes" } else { "" };
            let summary = fit(&what_it_reports(rule.doc()), summary_width);
            writeln!(out, "{}", row(rule.id, &shown, fix, &summary).trim_end())?;
        }
    }
    if configured {
        writeln!(
            out,
            "\n{CONFIGURED} set by ddlint.toml (`ddlint rules --format json` shows the defaults)"
        )?;
    }
    writeln!(out, "\n`ddlint rules <id>` prints a rule's documentation.")
}

/// The first sentence of the documentation without the word nearly every one starts with
/// ("Reports `CREATE RULE`, on the rule's name." becomes "`CREATE RULE`, on the rule's name."),
/// and one that introduces a list ends in `…` rather than `:`.
fn what_it_reports(doc: &str) -> String {
    let sentence = first_sentence(doc);
    let sentence = match sentence.strip_suffix(':') {
        Some(introduction) => format!("{introduction}…"),
        None => sentence,
    };
    let Some(what) = sentence.strip_prefix("Reports ") else {
        return sentence;
    };
    let mut chars = what.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or(sentence)
}

/// The first sentence of a rule's "What it does" section, on one line: up to the first `. `
/// (without one, the first `: `) outside code spans, that does not end an ellipsis or an
/// abbreviation.
pub(crate) fn first_sentence(doc: &str) -> String {
    let body: String = doc
        .lines()
        .skip_while(|line| !line.starts_with("## What it does"))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    match sentence_end(&body, ". ").or_else(|| sentence_end(&body, ": ")) {
        Some(end) => body[..=end].trim_end().to_string(),
        None => body,
    }
}

/// Where `mark` first ends a sentence of `text`: outside code spans, and, for a full stop, not
/// the last dot of `...`, `e.g.` or `i.e.`.
fn sentence_end(text: &str, mark: &str) -> Option<usize> {
    outside_code(text).find(|&at| {
        text[at..].starts_with(mark)
            && !(mark.starts_with('.')
                && [".", "e.g", "i.e"]
                    .iter()
                    .any(|before| text[..at].ends_with(before)))
    })
}

/// The byte offsets of the characters of `text` that are not inside a code span (`` `...` ``).
fn outside_code(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut in_code = false;
    text.char_indices().filter_map(move |(at, c)| {
        if c == '`' {
            in_code = !in_code;
            return None;
        }
        (!in_code).then_some(at)
    })
}

/// `text` in at most `width` columns: whole when it fits, else cut after a word outside code
/// spans and ended by `…`. Only when a code span is too wide to keep whole is it cut, after one
/// of its words, and closed.
pub(crate) fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let longest = |cuts: &mut dyn Iterator<Item = usize>| {
        cuts.filter(|&at| text[at..].starts_with(' '))
            .map(|at| cut(text, at))
            .take_while(|shown| shown.width() <= width)
            .last()
    };
    longest(&mut outside_code(text))
        .or_else(|| longest(&mut text.char_indices().map(|(at, _)| at)))
        .unwrap_or_else(|| hard_cut(text, width))
}

/// `text` up to `at`, without trailing punctuation, a code span left open closed, then `…`.
fn cut(text: &str, at: usize) -> String {
    let kept = text[..at].trim_end_matches([' ', ',', ';', ':']);
    let close = if kept.matches('`').count() % 2 == 1 {
        "`"
    } else {
        ""
    };
    format!("{kept}{close}…")
}

/// For a first word wider than `width`: cut anywhere, and close a code span left open.
fn hard_cut(text: &str, width: usize) -> String {
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let c_width = c.width().unwrap_or(0);
        if used + c_width + "`…".width() > width {
            break;
        }
        kept.push(c);
        used += c_width;
    }
    cut(&kept, kept.len())
}

#[cfg(test)]
mod tests {
    use super::{first_sentence, fit};

    fn doc(what: &str) -> String {
        format!("# rule\n\n## What it does\n{what}\n\n## Why is this bad?\nBecause.\n")
    }

    #[test]
    fn the_first_sentence_ends_outside_code_and_ellipses() {
        assert_eq!(
            first_sentence(&doc("Reports `ALTER TABLE ... ADD COLUMN`. Then more.")),
            "Reports `ALTER TABLE ... ADD COLUMN`."
        );
        assert_eq!(
            first_sentence(&doc(
                "Reports a\nlist, e.g. this one... and that. Then more."
            )),
            "Reports a list, e.g. this one... and that."
        );
        assert_eq!(
            first_sentence(&doc("Reports text PostgreSQL cannot parse:\n- a\n- b")),
            "Reports text PostgreSQL cannot parse:"
        );
        assert_eq!(first_sentence(&doc("No full stop")), "No full stop");
    }

    #[test]
    fn a_summary_is_cut_after_a_word_outside_code() {
        let summary = "Reports `ALTER TABLE ... ADD COLUMN` without a default, on a table.";
        assert_eq!(fit(summary, 80), summary);
        assert_eq!(fit(summary, 40), "Reports `ALTER TABLE ... ADD COLUMN`…");
        assert_eq!(fit(summary, 30), "Reports…");
        assert_eq!(
            fit("Reports columns, domains and more", 18),
            "Reports columns…"
        );
        assert_eq!(fit("`a_very_long_code_span`", 10), "`a_very_`…");
        assert_eq!(
            fit("`ALTER TABLE ... ADD FOREIGN KEY` without", 30),
            "`ALTER TABLE ... ADD FOREIGN`…"
        );
    }

    #[test]
    fn widths_are_display_widths() {
        assert_eq!(fit("名前 名前 名前", 10), "名前 名前…");
    }
}
