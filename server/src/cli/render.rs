//! Output formats of `ddlint check`.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::analysis::{Checked, FileData};
use crate::rules::{Diagnostic, Safety, Severity};
use crate::text::{LineCol, PositionEncoding};

/// Colours, only on a terminal and never with `NO_COLOR`.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    color: bool,
}

impl Style {
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color && io::stdout().is_terminal(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, severity.as_str())
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn blue(self, text: &str) -> String {
        self.paint("1;34", text)
    }
}

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

fn position(file: &FileData, offset: u32) -> LineCol {
    file.lines.line_col(offset, PositionEncoding::Utf32)
}

/// rustc/ruff style: header, source line, carets, fix titles; then a summary.
pub(crate) fn text(
    out: &mut impl Write,
    checked: &Checked,
    style: Style,
    fixed: usize,
    unsafe_fixes: bool,
) -> io::Result<()> {
    let diagnostics = ordered(checked);
    for (file, diagnostic) in &diagnostics {
        let start = position(file, diagnostic.range.start());
        writeln!(
            out,
            "{}: {}[{}] {}",
            style.bold(&format!(
                "{}:{}:{}",
                file.path.display(),
                start.line + 1,
                start.col + 1
            )),
            style.severity(diagnostic.severity),
            diagnostic.rule,
            diagnostic.message
        )?;
        snippet(out, file, diagnostic, style)?;
        for related in &diagnostic.related {
            if let Some(other) = checked.files.iter().find(|f| f.id == related.loc.file) {
                let at = position(other, related.loc.range.start());
                writeln!(
                    out,
                    "   {} {}:{}:{}: {}",
                    style.blue("="),
                    other.path.display(),
                    at.line + 1,
                    at.col + 1,
                    related.message
                )?;
            }
        }
        for fix in &diagnostic.fixes {
            let safety = match fix.safety {
                Safety::Safe => "",
                Safety::Unsafe => " (unsafe)",
            };
            writeln!(out, "   {} fix: {}{safety}", style.blue("="), fix.title)?;
        }
        writeln!(out)?;
    }
    summary(out, checked, fixed, unsafe_fixes)
}

fn snippet(
    out: &mut impl Write,
    file: &FileData,
    diagnostic: &Diagnostic,
    style: Style,
) -> io::Result<()> {
    let start = position(file, diagnostic.range.start());
    let Some(line_range) = file.lines.line_range(start.line) else {
        return Ok(());
    };
    let line = file.slice(line_range);
    let end_offset = diagnostic
        .range
        .end()
        .min(line_range.end())
        .max(diagnostic.range.start());
    let end_col = position(file, end_offset).col.max(start.col + 1);
    // Tabs shown as four spaces, with the carets moved to match.
    let display = |upto: usize| -> usize {
        line.chars()
            .take(upto)
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum()
    };
    let shown: String = line
        .chars()
        .map(|c| {
            if c == '\t' {
                "    ".to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let number = (start.line + 1).to_string();
    let gutter = " ".repeat(number.len());
    let caret_start = display(start.col as usize);
    let caret_len = display(end_col as usize).saturating_sub(caret_start).max(1);
    writeln!(out, "{gutter} {}", style.blue("|"))?;
    writeln!(
        out,
        "{} {} {}",
        style.blue(&number),
        style.blue("|"),
        shown.trim_end()
    )?;
    let carets = "^".repeat(caret_len);
    let painted = match diagnostic.severity {
        Severity::Error => style.paint("1;31", &carets),
        Severity::Warning => style.paint("1;33", &carets),
        Severity::Info => style.paint("1;36", &carets),
    };
    writeln!(
        out,
        "{gutter} {} {}{painted}",
        style.blue("|"),
        " ".repeat(caret_start)
    )
}

fn summary(
    out: &mut impl Write,
    checked: &Checked,
    fixed: usize,
    unsafe_fixes: bool,
) -> io::Result<()> {
    let count = |severity| {
        checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    if fixed > 0 {
        writeln!(
            out,
            "Fixed {fixed} {}.",
            plural(fixed, "problem", "problems")
        )?;
    }
    let total = errors + warnings + infos;
    if total == 0 {
        return writeln!(
            out,
            "No problems found in {} {}.",
            checked.files.len(),
            plural(checked.files.len(), "file", "files")
        );
    }
    writeln!(
        out,
        "Found {total} {} ({errors} {}, {warnings} {}, {infos} info) in {} {}.",
        plural(total, "problem", "problems"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        checked.files.len(),
        plural(checked.files.len(), "file", "files"),
    )?;
    let fixable_safe = checked
        .diagnostics
        .iter()
        .filter(|d| matches!(d.fixes.as_slice(), [fix] if fix.safety == Safety::Safe))
        .count();
    let fixable_unsafe = checked
        .diagnostics
        .iter()
        .filter(|d| matches!(d.fixes.as_slice(), [fix] if fix.safety == Safety::Unsafe))
        .count();
    if fixable_safe > 0 {
        writeln!(out, "{fixable_safe} fixable with `ddlint check --fix`.")?;
    }
    if fixable_unsafe > 0 && !unsafe_fixes {
        writeln!(
            out,
            "{fixable_unsafe} more fixable with `--fix --unsafe-fixes` (they change meaning or data)."
        )?;
    }
    Ok(())
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
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
    fixed: usize,
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
            (true, true) => format!("[{}] ", style.paint("1;36", "*")),
            (true, false) => "[ ] ".to_string(),
        };
        let severity = style.severity(row.severity);
        writeln!(
            out,
            "{}\t{}\t{marker}{severity}",
            style.bold(&format!("{:>count_width$}", row.count)),
            style.bold(&format!("{:<rule_width$}", row.rule)),
        )?;
    }
    if !rows.is_empty() {
        writeln!(out)?;
    }
    summary(out, checked, fixed, unsafe_fixes)
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
