//! The lines that end the text output of `ddlint check` (with or without `--statistics`): what
//! was fixed, how many findings of each severity, what `--fix` could fix.

use std::io::{self, Write};

use crate::analysis::Checked;
use crate::rules::{Safety, Severity};

/// More findings than this make a long report: it ends with the counts per rule and the command
/// that records them as a baseline.
pub(crate) const LONG_REPORT: usize = 30;

/// What the run did and was asked for besides checking, which the summary also reports.
#[derive(Clone, Debug, Default)]
pub(crate) struct Run {
    /// Fixes `--fix` applied.
    pub fixed: usize,
    /// `--unsafe-fixes` was given.
    pub unsafe_fixes: bool,
    /// Findings a baseline holds are not reported.
    pub baseline_used: bool,
    /// The paths as given on the command line, for the commands the summary suggests.
    pub paths: String,
}

/// The counts the summary reports.
struct Totals {
    errors: usize,
    warnings: usize,
    infos: usize,
    files: usize,
    /// Findings whose only fix `--fix` applies.
    fixable_safe: usize,
    /// Findings whose only fix needs `--unsafe-fixes`.
    fixable_unsafe: usize,
}

impl Totals {
    fn of(checked: &Checked) -> Totals {
        let mut totals = Totals {
            errors: 0,
            warnings: 0,
            infos: 0,
            files: checked.files.len(),
            fixable_safe: 0,
            fixable_unsafe: 0,
        };
        for diagnostic in &checked.diagnostics {
            match diagnostic.severity {
                Severity::Error => totals.errors += 1,
                Severity::Warning => totals.warnings += 1,
                Severity::Info => totals.infos += 1,
            }
            match diagnostic.fixes.as_slice() {
                [fix] if !fix.is_applicable() => {}
                [fix] if fix.safety == Safety::Safe => totals.fixable_safe += 1,
                [_] => totals.fixable_unsafe += 1,
                _ => {}
            }
        }
        totals
    }

    fn findings(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

pub(crate) fn write(out: &mut impl Write, checked: &Checked, run: &Run) -> io::Result<()> {
    let totals = Totals::of(checked);
    let Run {
        fixed,
        unsafe_fixes,
        baseline_used,
        ref paths,
    } = *run;
    if fixed > 0 {
        writeln!(
            out,
            "Fixed {fixed} {}.",
            plural(fixed, "problem", "problems")
        )?;
    }
    let files = plural(totals.files, "file", "files");
    let total = totals.findings();
    if total == 0 {
        return writeln!(out, "No problems found in {} {files}.", totals.files);
    }
    writeln!(
        out,
        "Found {total} {} ({} {}, {} {}, {} info) in {} {files}.",
        plural(total, "problem", "problems"),
        totals.errors,
        plural(totals.errors, "error", "errors"),
        totals.warnings,
        plural(totals.warnings, "warning", "warnings"),
        totals.infos,
        totals.files,
    )?;
    if totals.fixable_safe > 0 {
        writeln!(
            out,
            "{} fixable with `ddlint check --fix`.",
            totals.fixable_safe
        )?;
    }
    if totals.fixable_unsafe > 0 && !unsafe_fixes {
        writeln!(
            out,
            "{} more fixable with `--fix --unsafe-fixes` (they change meaning or data).",
            totals.fixable_unsafe
        )?;
    }
    if total > LONG_REPORT && !baseline_used {
        writeln!(
            out,
            "To adopt ddlint here, record these as a baseline (`ddlint check{paths} --write-baseline ddlint-baseline.json`, then `baseline = \"ddlint-baseline.json\"` in ddlint.toml): later runs report only new findings."
        )?;
    }
    Ok(())
}

pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
