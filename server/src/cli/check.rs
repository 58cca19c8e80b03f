//! `ddlint check`: read the files, check them, apply fixes, report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::render;
use super::style::Style;
use super::summary::{self, Run};
use super::text;
use super::{CheckArgs, Format, write_stdout};
use crate::analysis::{Checked, FileData, TextInput, check_texts};
use crate::baseline::{self, Baseline, Entry};
use crate::config::{self, Config};
use crate::fix::{apply_edits, edits_conflict};
use crate::model::{FileId, Loc};
use crate::rules::{self, Diagnostic, Edit, Fix, MigrationStep, Placement, Safety, Selection};
use crate::suggest;
use crate::text::TextRange;
use crate::workspace::files::{Problem, collect_files, read_texts};
use crate::workspace::history::{Git, MigrationConvention, NewFile, Pinned};
use crate::workspace::since::ChangedSince;
use crate::{EXIT_ERROR, EXIT_FINDINGS};

/// At most this many rounds of fixing: a fix may make another applicable.
const MAX_FIX_ROUNDS: usize = 10;

pub(crate) fn run(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(code) => code,
        Err(message) => {
            stderr_line!("error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn check(args: &CheckArgs) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let start = args.paths.first().map_or(cwd.clone(), |p| cwd.join(p));
    let config = config::load(&start, &rules::specs()).map_err(|e| e.to_string())?;
    let selection = selection(args)?;
    if args.statistics && !matches!(args.format, Format::Text | Format::Json) {
        return Err("--statistics works with the text and json formats".to_string());
    }

    let collected = collect_files(&args.paths, &config);
    let mut usage_error = false;
    for problem in &collected.problems {
        match problem.problem {
            Problem::Unreadable(_) => {
                stderr_line!("warning: {}: {}", problem.path.display(), problem.problem)
            }
            _ => {
                stderr_line!("error: {}: {}", problem.path.display(), problem.problem);
                usage_error = true;
            }
        }
    }
    let named: Vec<PathBuf> = args.paths.iter().map(|p| absolute(&cwd, p)).collect();
    let mut inputs = Vec::new();
    for (path, read) in collected.files.iter().zip(read_texts(&collected.files)) {
        let key = absolute(&cwd, path);
        match read {
            Ok(text) => inputs.push(TextInput {
                path: path.clone(),
                key,
                text,
            }),
            // A file the user named is an error; one a directory holds is skipped.
            Err(message) if named.contains(&key) => {
                stderr_line!("error: {}: {message}", path.display());
                usage_error = true;
            }
            Err(message) => stderr_line!("warning: {}: {message}; skipped", path.display()),
        }
    }
    if inputs.is_empty() && !collected.files.is_empty() {
        // "No problems found in 0 files" would hide that nothing could be read.
        usage_error = true;
    }

    let changed = match &args.since {
        Some(reference) => Some(ChangedSince::read(&cwd, reference)?),
        None => None,
    };
    let mut checked = check_texts(inputs, &config, &selection, &Git::default());
    let mut fixed = 0;
    if args.fix {
        fixed = apply_fixes(&mut checked, &config, &selection, args.unsafe_fixes, &cwd)?;
    }
    if let Some(changed) = &changed {
        keep_new_since(&mut checked, changed);
    }
    if let Some(path) = &args.write_baseline {
        let path = absolute(&cwd, path);
        let entries = baseline_entries(&checked, &path);
        let count = entries.len();
        std::fs::write(&path, baseline::render(entries))
            .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))?;
        stderr_line!(
            "Recorded {count} {} in {}; `ddlint check --baseline {}` (or `baseline = \"…\"` in ddlint.toml) now reports only new ones.",
            summary::plural(count, "finding", "findings"),
            relative(&cwd, &path).display(),
            relative(&cwd, &path).display(),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let baseline_file = match &args.baseline {
        Some(path) => Some(absolute(&cwd, path)),
        None => config.baseline_file().map(|path| absolute(&cwd, &path)),
    };
    let baseline_used = baseline_file.is_some();
    if let Some(path) = baseline_file {
        apply_baseline(&mut checked, &path, &config, &selection, &cwd)?;
    }
    // Nothing was read: a summary of no findings would read as a clean result.
    let nothing_read = usage_error && checked.files.is_empty();
    if !(nothing_read && args.format == Format::Text) {
        report(args, &checked, &config, fixed, baseline_used, &cwd)?;
    }
    if usage_error {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let threshold = args.fail_on.threshold();
    let failing = checked.diagnostics.iter().any(|d| d.severity >= threshold);
    // The process ends next, and the system takes its memory back at once: freeing the files'
    // statements and the findings an allocation at a time would only add to the run time.
    std::mem::forget(checked);
    Ok(if failing {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

fn selection(args: &CheckArgs) -> Result<Selection, String> {
    for id in args.select.iter().chain(&args.ignore) {
        if rules::find(id).is_none() {
            let hint = suggest::closest(id, rules::all().map(|r| r.id), 4)
                .map(|closest| format!("; did you mean `{closest}`?"))
                .unwrap_or_else(|| "; `ddlint rules` lists them".to_string());
            return Err(format!("unknown rule `{id}`{hint}"));
        }
    }
    Ok(Selection {
        select: (!args.select.is_empty()).then(|| args.select.clone()),
        ignore: args.ignore.clone(),
        force_selected: true,
    })
}

pub(super) fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    std::path::absolute(cwd.join(path)).unwrap_or_else(|_| cwd.join(path))
}

/// The fix `--fix` applies for a diagnostic: its only fix, when allowed. Diagnostics with
/// several fixes ask the author to choose.
pub(crate) fn chosen_fix(diagnostic: &Diagnostic, unsafe_fixes: bool) -> Option<&Fix> {
    match diagnostic.fixes.as_slice() {
        [fix] if fix.is_applicable() && (fix.safety == Safety::Safe || unsafe_fixes) => Some(fix),
        _ => None,
    }
}

/// Applies fixes round after round, re-checking in between, until none applies. Two fixes whose
/// edits conflict never go into one round, as in the editor's fix-all; fixes for applied
/// migrations are written as new migrations, those of a round together. Returns the number of
/// fixes applied.
fn apply_fixes(
    checked: &mut Checked,
    config: &Config,
    selection: &Selection,
    unsafe_fixes: bool,
    cwd: &Path,
) -> Result<usize, String> {
    let mut applied = 0;
    // A rule that keeps reporting after its migration is written must not get it twice.
    let mut written: Vec<MigrationStep> = Vec::new();
    // Migrations that ran stay applied, and those ddlint writes are pending, whatever the
    // newest migration becomes.
    let history = Pinned::new(&checked.history);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    for _ in 0..MAX_FIX_ROUNDS {
        let mut edits: Vec<Edit> = Vec::new();
        let mut steps: BTreeMap<PathBuf, Vec<MigrationStep>> = BTreeMap::new();
        for diagnostic in &checked.diagnostics {
            let Some(fix) = chosen_fix(diagnostic, unsafe_fixes) else {
                continue;
            };
            let new_migration = match (fix.placement, &fix.migration) {
                (Placement::NewMigration, Some(step)) => {
                    let Some(source) = checked.source_of(diagnostic.file) else {
                        continue;
                    };
                    if written.contains(step) {
                        continue;
                    }
                    Some((source.root.clone(), step))
                }
                _ => None,
            };
            let conflicts = fix
                .edits
                .iter()
                .any(|edit| edits.iter().any(|taken| edits_conflict(taken, edit)));
            if conflicts {
                continue;
            }
            edits.extend(fix.edits.iter().cloned());
            if let Some((root, step)) = new_migration {
                written.push(step.clone());
                steps.entry(root).or_default().push(step.clone());
            }
            applied += 1;
        }
        if edits.is_empty() && steps.is_empty() {
            break;
        }
        let mut inputs = write_migrations(checked, &steps, now, cwd)?;
        for file in &checked.files {
            let (text, _) = apply_edits(&file.document, file.id, &edits);
            if edits.iter().any(|edit| edit.file == file.id) {
                std::fs::write(&file.path, &text)
                    .map_err(|e| format!("{}: cannot write: {e}", file.path.display()))?;
            }
            inputs.push(TextInput {
                path: file.path.clone(),
                key: absolute(cwd, &file.path),
                text: Arc::from(text),
            });
        }
        *checked = check_texts(inputs, config, selection, &history);
    }
    Ok(applied)
}

/// Writes the migrations holding `steps` into their folders, as the folder's tool names them;
/// returns the new files as inputs for the next check.
fn write_migrations(
    checked: &Checked,
    steps: &BTreeMap<PathBuf, Vec<MigrationStep>>,
    now: u64,
    cwd: &Path,
) -> Result<Vec<TextInput>, String> {
    let mut inputs = Vec::new();
    for (root, steps) in steps {
        let Some(source) = checked.sources.iter().find(|source| &source.root == root) else {
            continue;
        };
        let Some(convention) = MigrationConvention::of(source, |key| source_text(checked, key))
        else {
            stderr_line!(
                "warning: {}: {} fix(es) belong in a new migration, but ddlint cannot tell how \
                 this folder names its migrations; write them by hand",
                relative(cwd, root).display(),
                steps.len()
            );
            continue;
        };
        for file in convention.write(steps, now) {
            if file.path.exists() {
                return Err(format!(
                    "{}: cannot write a new migration: the file exists",
                    file.path.display()
                ));
            }
            if let Some(dir) = file.path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
            }
            std::fs::write(&file.path, &file.text)
                .map_err(|e| format!("{}: cannot write: {e}", file.path.display()))?;
            inputs.push(TextInput {
                path: relative(cwd, &file.path),
                key: file.path,
                text: Arc::from(file.text),
            });
        }
    }
    Ok(inputs)
}

/// The files a fix's new migration would be written to now, or none for a fix without one (or
/// in a folder whose names ddlint cannot follow).
pub(super) fn new_migration_files(
    checked: &Checked,
    diagnostic: &Diagnostic,
    fix: &Fix,
    now: u64,
) -> Vec<NewFile> {
    let (Placement::NewMigration, Some(step)) = (fix.placement, &fix.migration) else {
        return Vec::new();
    };
    let Some(source) = checked.source_of(diagnostic.file) else {
        return Vec::new();
    };
    MigrationConvention::of(source, |key| source_text(checked, key))
        .map(|convention| convention.write(std::slice::from_ref(step), now))
        .unwrap_or_default()
}

fn source_text<'a>(checked: &'a Checked, key: &Path) -> Option<&'a str> {
    let id = checked.keys.iter().position(|k| k == key)?;
    let file = checked.files.iter().find(|file| file.id.0 as usize == id)?;
    Some(&file.text)
}

/// `path` relative to `cwd` when it is below it, as users name files.
fn relative(cwd: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(cwd).unwrap_or(path).to_path_buf()
}

/// Keeps only the findings in files changed since `--since`'s commit, in statements added
/// since.
fn keep_new_since(checked: &mut Checked, changed: &ChangedSince) {
    let Checked {
        files,
        keys,
        diagnostics,
        ..
    } = checked;
    diagnostics.retain(|diagnostic| {
        let Some(file) = files.iter().find(|file| file.id == diagnostic.file) else {
            return false;
        };
        keys.get(file.id.0 as usize)
            .is_some_and(|key| changed.is_new(key, file, diagnostic))
    });
}

/// A finding's identity in a baseline at `baseline` (paths relative to its directory).
fn baseline_entry(checked: &Checked, diagnostic: &Diagnostic, baseline: &Path) -> Option<Entry> {
    let file = checked
        .files
        .iter()
        .find(|file| file.id == diagnostic.file)?;
    let key = checked.keys.get(file.id.0 as usize)?;
    let dir = baseline.parent().unwrap_or(Path::new(""));
    Some(Entry::new(
        diagnostic.rule,
        &baseline::relative_path(key, dir),
        &diagnostic.message,
        file.slice(diagnostic.range),
    ))
}

fn baseline_entries(checked: &Checked, baseline: &Path) -> Vec<Entry> {
    checked
        .diagnostics
        .iter()
        .filter_map(|diagnostic| baseline_entry(checked, diagnostic, baseline))
        .collect()
}

/// Drops the findings the baseline at `path` holds, and reports its entries that match none as
/// unused suppressions of the baseline file.
fn apply_baseline(
    checked: &mut Checked,
    path: &Path,
    config: &Config,
    selection: &Selection,
    cwd: &Path,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read the baseline: {e}; `ddlint check --write-baseline {}` writes one",
            path.display(),
            relative(cwd, path).display()
        )
    })?;
    let baseline = Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let diagnostics = std::mem::take(&mut checked.diagnostics);
    let findings = diagnostics
        .into_iter()
        .map(|diagnostic| {
            let entry = baseline_entry(checked, &diagnostic, path)
                .unwrap_or_else(|| Entry::new(diagnostic.rule, "", &diagnostic.message, ""));
            (entry, diagnostic)
        })
        .collect();
    let (new, stale) = baseline.filter(findings);
    checked.diagnostics = new;
    // Nothing can be said about entries of rules that did not run.
    let stale: Vec<_> = stale
        .into_iter()
        .filter(|stale| {
            rules::find(&stale.entry.rule)
                .is_some_and(|rule| rules::effective_severity(rule, config, selection).is_some())
        })
        .collect();
    let rule = rules::find("unused-suppression");
    let Some(severity) = rule.and_then(|rule| rules::effective_severity(rule, config, selection))
    else {
        return Ok(());
    };
    if stale.is_empty() {
        return Ok(());
    }
    let id = FileId(checked.keys.len() as u32);
    let file = FileData::unparsed(id, relative(cwd, path), Arc::from(text));
    for entry in stale {
        let Some(line) = file.lines.line_range(entry.line as u32 - 1) else {
            continue;
        };
        let indent = file.slice(line).len() - file.slice(line).trim_start().len();
        let mut diagnostic = Diagnostic::new(
            Loc {
                file: id,
                range: TextRange::new(line.start() + indent as u32, line.end()),
            },
            format!(
                "baseline entry for `{}` in {} matches no finding any more; `ddlint check --write-baseline {}` refreshes the baseline",
                entry.entry.rule,
                entry.entry.path,
                relative(cwd, path).display()
            ),
        );
        diagnostic.rule = "unused-suppression";
        diagnostic.severity = severity;
        checked.diagnostics.push(diagnostic);
    }
    checked.keys.push(path.to_path_buf());
    checked.files.push(file);
    Ok(())
}

fn report(
    args: &CheckArgs,
    checked: &Checked,
    config: &Config,
    fixed: usize,
    baseline_used: bool,
    cwd: &Path,
) -> Result<(), String> {
    let style = Style::detect();
    let run = Run {
        fixed,
        unsafe_fixes: args.unsafe_fixes,
        baseline_used,
        paths: args
            .paths
            .iter()
            .map(|path| format!(" {}", path.display()))
            .collect(),
    };
    write_stdout(|out| match args.format {
        Format::Json if args.statistics => render::statistics_json(out, checked, args.unsafe_fixes),
        Format::Json => render::json(out, checked),
        Format::Text if args.statistics => render::statistics(
            &mut style.stream(out as &mut dyn std::io::Write),
            checked,
            style,
            &run,
        ),
        Format::Text => text::text(
            &mut style.stream(out as &mut dyn std::io::Write),
            checked,
            style,
            &run,
        ),
        Format::Sarif => super::sarif::write(out, checked, config, cwd),
        Format::Github => render::github(out, checked),
    })
}
