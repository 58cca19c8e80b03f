//! Output formats of `ddlint check` for tools (JSON, GitHub workflow commands) and
//! `--statistics`; the text format is in `text.rs`, SARIF in `sarif.rs`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::style::Style;
use super::summary;
use crate::analysis::{Checked, FileData};
use crate::rules::{Diagnostic, Severity};
use crate::text::{LineCol, PositionEncoding};

fn file_of<'a>(checked: &'a Checked, diagnostic: &Diagnostic) -> Option<&'a FileData> {
    checked.files.iter().find(|f| f.id == diagnostic.file)
}

/// Diagnostics in report order: by path, then position.
pub(crate) fn ordered(checked: &Checked) -> Vec<(&FileData, &Diagnostic)> {
    let mut all: Vec<(&FileData, &Diagnostic)> = checked
        .diagnostics
        .iter()
        .filter_map(|d| Some((file_of(checked, d)?, d)))
        .collect();
    all.sort_by(|(fa, a), (fb, b)| {
        (&fa.path, a.range.start(), a.rule).cmp(&(&fb.path, b.range.start(), b.rule))
    });
    all
}

pub(super) fn position(file: &FileData, offset: u32) -> LineCol {
    file.lines.line_col(offset, PositionEncoding::Utf32)
}

/// One row of `--statistics`: a rule at one severity (a rule reports some findings one level
/// lower than others).
#[derive(Serialize)]
struct Statistic {
    rule: &'static str,
    #[serde(rename = "severity")]
    severity_name: &'static str,
    #[serde(skip)]
    severity: Severity,
    count: usize,
    /// Some finding has a fix that `--fix` applies (with `--unsafe-fixes`, unsafe ones too).
    fixable: bool,
}

fn statistics_rows(checked: &Checked, unsafe_fixes: bool) -> Vec<Statistic> {
    let mut counts: BTreeMap<(&'static str, Severity), (usize, bool)> = BTreeMap::new();
    for diagnostic in &checked.diagnostics {
        let entry = counts
            .entry((diagnostic.rule, diagnostic.severity))
            .or_insert((0, false));
        entry.0 += 1;
        entry.1 |= super::check::chosen_fix(diagnostic, unsafe_fixes).is_some();
    }
    let mut rows: Vec<Statistic> = counts
        .into_iter()
        .map(|((rule, severity), (count, fixable))| Statistic {
            rule,
            severity_name: severity.as_str(),
            severity,
            count,
            fixable,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.rule.cmp(b.rule))
            .then(b.severity.cmp(&a.severity))
    });
    rows
}

/// `ruff --statistics` style: count, rule and fix marker, most frequent first, tab-separated;
/// then the usual summary. The `[*]`/`[ ]` column appears when some rule is fixable.
pub(crate) fn statistics(
    out: &mut impl Write,
    checked: &Checked,
    style: Style,
    run: &summary::Run,
) -> io::Result<()> {
    rule_counts(out, checked, style, run.unsafe_fixes)?;
    summary::write(out, checked, run)
}

/// The `--statistics` rows, then a blank line. A long text report ends with them too, so that
/// a first run on a large schema can be read from its end.
pub(crate) fn rule_counts(
    out: &mut impl Write,
    checked: &Checked,
    style: Style,
    unsafe_fixes: bool,
) -> io::Result<()> {
    let rows = statistics_rows(checked, unsafe_fixes);
    let count_width = rows
        .iter()
        .map(|row| row.count.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows.iter().map(|row| row.rule.len()).max().unwrap_or(0);
    let any_fixable = rows.iter().any(|row| row.fixable);
    for row in &rows {
        let marker = match (any_fixable, row.fixable) {
            (false, _) => String::new(),
            (true, true) => format!("[{}] ", style.fixable("*")),
            (true, false) => "[ ] ".to_string(),
        };
        let severity = style.severity(row.severity);
        writeln!(
            out,
            "{}\t{}\t{marker}{severity}",
            style.bold(format!("{:>count_width$}", row.count)),
            style.bold(format!("{:<rule_width$}", row.rule)),
        )?;
    }
    if !rows.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// `--statistics --format json`: the rows as a JSON array.
pub(crate) fn statistics_json(
    out: &mut impl Write,
    checked: &Checked,
    unsafe_fixes: bool,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &statistics_rows(checked, unsafe_fixes))?;
    writeln!(out)
}

/// `--format github`: one workflow command per finding, which GitHub Actions shows as an
/// annotation on the file. Lines and columns are 1-based; columns count characters.
pub(crate) fn github(out: &mut impl Write, checked: &Checked) -> io::Result<()> {
    for (file, diagnostic) in ordered(checked) {
        let start = position(file, diagnostic.range.start());
        let end = position(file, diagnostic.range.end());
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        // Relative to the repository root, as GitHub expects: no `./`, forward slashes.
        let path: std::path::PathBuf = file
            .path
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let path = path.to_string_lossy().replace('\\', "/");
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&path),
            start.line + 1,
            start.col + 1,
            end.line + 1,
            end.col + 1,
            escape_property(diagnostic.rule),
            escape_data(&diagnostic.message),
        )?;
    }
    Ok(())
}

/// A workflow command's message: `%`, CR and LF are percent-encoded.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which delimit properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    safety: &'static str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: String,
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    fixes: Vec<JsonFix<'a>>,
}

/// One JSON array, sorted by path, line and column; lines and columns are 1-based, columns count
/// characters.
pub(crate) fn json(out: &mut impl Write, checked: &Checked) -> io::Result<()> {
    let mut items: Vec<JsonDiagnostic> = ordered(checked)
        .into_iter()
        .map(|(file, d)| {
            let start = position(file, d.range.start());
            let end = position(file, d.range.end());
            JsonDiagnostic {
                path: file.path.display().to_string(),
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                start: JsonPosition {
                    line: start.line + 1,
                    column: start.col + 1,
                },
                end: JsonPosition {
                    line: end.line + 1,
                    column: end.col + 1,
                },
                fixes: d
                    .fixes
                    .iter()
                    .map(|f| JsonFix {
                        title: &f.title,
                        safety: f.safety.as_str(),
                    })
                    .collect(),
            }
        })
        .collect();
    items.sort_by(|a, b| {
        (&a.path, a.start.line, a.start.column).cmp(&(&b.path, b.start.line, b.start.column))
    });
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(
            escape_data("100% done\nnext: line, more"),
            "100%25 done%0Anext: line, more"
        );
        assert_eq!(escape_property("db/a:b,c.sql"), "db/a%3Ab%2Cc.sql");
        assert_eq!(escape_property("50%\r"), "50%25%0D");
    }
}
