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
        Style { color: !no_color && io::stdout().is_terminal() }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
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
fn ordered(checked: &Checked) -> Vec<(&FileData, &Diagnostic)> {
    let mut all: Vec<(&FileData, &Diagnostic)> =
        checked.diagnostics.iter().filter_map(|d| Some((file_of(checked, d)?, d))).collect();
    all.sort_by(|(fa, a), (fb, b)| (&fa.path, a.range.start(), a.rule).cmp(&(&fb.path, b.range.start(), b.rule)));
    all
}

fn position(file: &FileData, offset: u32) -> LineCol {
    file.lines.line_col(offset, PositionEncoding::Utf32)
}

/// rustc/ruff style: header, source line, carets, fix titles; then a summary.
pub(crate) fn text(out: &mut impl Write, checked: &Checked, style: Style, fixed: usize, unsafe_fixes: bool) -> io::Result<()> {
    let diagnostics = ordered(checked);
    for (file, diagnostic) in &diagnostics {
        let start = position(file, diagnostic.range.start());
        writeln!(
            out,
            "{}: {}[{}] {}",
            style.bold(&format!("{}:{}:{}", file.path.display(), start.line + 1, start.col + 1)),
            style.severity(diagnostic.severity),
            diagnostic.rule,
            diagnostic.message
        )?;
        snippet(out, file, diagnostic, style)?;
        for related in &diagnostic.related {
            if let Some(other) = checked.files.iter().find(|f| f.id == related.loc.file) {
                let at = position(other, related.loc.range.start());
                writeln!(out, "   {} {}:{}:{}: {}", style.blue("="), other.path.display(), at.line + 1, at.col + 1, related.message)?;
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

fn snippet(out: &mut impl Write, file: &FileData, diagnostic: &Diagnostic, style: Style) -> io::Result<()> {
    let start = position(file, diagnostic.range.start());
    let Some(line_range) = file.lines.line_range(start.line) else {
        return Ok(());
    };
    let line = file.slice(line_range);
    let end_offset = diagnostic.range.end().min(line_range.end()).max(diagnostic.range.start());
    let end_col = position(file, end_offset).col.max(start.col + 1);
    // Tabs shown as four spaces, with the carets moved to match.
    let display = |upto: usize| -> usize { line.chars().take(upto).map(|c| if c == '\t' { 4 } else { 1 }).sum() };
    let shown: String = line.chars().map(|c| if c == '\t' { "    ".to_string() } else { c.to_string() }).collect();
    let number = (start.line + 1).to_string();
    let gutter = " ".repeat(number.len());
    let caret_start = display(start.col as usize);
    let caret_len = display(end_col as usize).saturating_sub(caret_start).max(1);
    writeln!(out, "{gutter} {}", style.blue("|"))?;
    writeln!(out, "{} {} {}", style.blue(&number), style.blue("|"), shown.trim_end())?;
    let carets = "^".repeat(caret_len);
    let painted = match diagnostic.severity {
        Severity::Error => style.paint("1;31", &carets),
        Severity::Warning => style.paint("1;33", &carets),
        Severity::Info => style.paint("1;36", &carets),
    };
    writeln!(out, "{gutter} {} {}{painted}", style.blue("|"), " ".repeat(caret_start))
}

fn summary(out: &mut impl Write, checked: &Checked, fixed: usize, unsafe_fixes: bool) -> io::Result<()> {
    let count = |severity| checked.diagnostics.iter().filter(|d| d.severity == severity).count();
    let (errors, warnings, infos) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    if fixed > 0 {
        writeln!(out, "Fixed {fixed} {}.", plural(fixed, "problem", "problems"))?;
    }
    let total = errors + warnings + infos;
    if total == 0 {
        return writeln!(out, "No problems found in {} {}.", checked.files.len(), plural(checked.files.len(), "file", "files"));
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
        writeln!(out, "{fixable_unsafe} more fixable with `--fix --unsafe-fixes` (they change meaning or data).")?;
    }
    Ok(())
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `ruff --statistics` style: one line per rule, most frequent first.
pub(crate) fn statistics(out: &mut impl Write, checked: &Checked, style: Style) -> io::Result<()> {
    let mut counts: BTreeMap<&str, (usize, Severity, bool)> = BTreeMap::new();
    for diagnostic in &checked.diagnostics {
        let entry = counts.entry(diagnostic.rule).or_insert((0, diagnostic.severity, false));
        entry.0 += 1;
        entry.2 |= !diagnostic.fixes.is_empty();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let width = rows.iter().map(|(_, (n, ..))| n.to_string().len()).max().unwrap_or(1);
    let rule_width = rows.iter().map(|(rule, _)| rule.len()).max().unwrap_or(0);
    for (rule, (n, severity, fixable)) in rows {
        let marker = if fixable { "[*]" } else { "   " };
        writeln!(out, "{n:>width$}  {rule:rule_width$}  {marker}  {}", style.severity(severity))?;
    }
    Ok(())
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
                start: JsonPosition { line: start.line + 1, column: start.col + 1 },
                end: JsonPosition { line: end.line + 1, column: end.col + 1 },
                fixes: d.fixes.iter().map(|f| JsonFix { title: &f.title, safety: f.safety.as_str() }).collect(),
            }
        })
        .collect();
    items.sort_by(|a, b| (&a.path, a.start.line, a.start.column).cmp(&(&b.path, b.start.line, b.start.column)));
    serde_json::to_writer_pretty(&mut *out, &items).map_err(io::Error::other)?;
    writeln!(out)
}
