//! Rule fixtures: annotated SQL and Prisma files under `src/rules/fixtures/<rule-id>/`, read by
//! the rules' tests and by the PostgreSQL verification of every fix.
//!
//! A fixture is one file, optionally split into several virtual files:
//!
//! ```sql
//! -- config: [rules.timestamp-without-time-zone]
//! -- config: allow = ["*_local_time"]
//! -- postgres: rejects
//! -- file: migrations/0001_init.sql
//! CREATE TABLE t (created_at timestamp);
//! --                         ^^^^^^^^^ timestamp-without-time-zone
//! ```
//!
//! Header lines (before any other line): `config:` lines form a `ddlint.toml`; `postgres:` says
//! what PostgreSQL does with the files (`accepts`, the default; `rejects`; `skip <reason>`).
//! `-- file: <path>` starts a virtual file. An annotation line (`--` or `//`, carets, a rule id,
//! optionally `: text the message contains`) marks the expected diagnostic on the nearest line
//! above that is not an annotation; caret columns count characters. Markdown fixtures (`.md`)
//! take their SQL blocks' `--` annotations, and `%%` ones in Mermaid blocks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{Checked, TextInput, check_texts};
use crate::config::{self, Config};
use crate::fix::apply_edits;
use crate::rules::{self, Diagnostic, Fix, Placement, Selection};
use crate::text::PositionEncoding;
use crate::workspace::history::{MigrationConvention, NoVcs, Pinned};

/// The clock of fixes that write new migrations in fixtures (2030-01-01 00:00:00 UTC), so their
/// names do not depend on the day the tests run.
pub const FIX_CLOCK: u64 = 1_893_456_000;

/// The name of the file that holds a migration to write (a fix of a generated dump).
pub const MIGRATION_TO_WRITE: &str = "migration-to-write.sql";

/// What PostgreSQL does with a fixture's files, executed in order in a fresh database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Postgres {
    Accepts,
    Rejects,
    Skip(String),
}

#[derive(Clone, Debug)]
pub struct FixtureFile {
    pub path: PathBuf,
    pub text: String,
}

/// An expected diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub file: usize,
    /// 0-based line and character columns.
    pub line: u32,
    pub start: u32,
    pub end: u32,
    pub rule: String,
    pub message: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Fixture {
    pub name: String,
    pub files: Vec<FixtureFile>,
    pub config: String,
    pub postgres: Postgres,
    pub expected: Vec<Expected>,
}

/// The directory holding every rule's fixtures.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/fixtures")
}

/// The fixtures of one rule, sorted by name.
pub fn rule_fixtures(rule: &str) -> Result<Vec<Fixture>, String> {
    let dir = fixtures_dir().join(rule);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    entries.sort();
    entries
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = format!(
                "{rule}/{}",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            );
            parse(&name, path, &text)
        })
        .collect()
}

/// Parses a fixture's text.
pub fn parse(name: &str, path: &Path, text: &str) -> Result<Fixture, String> {
    let comment = if path.extension().is_some_and(|e| e == "prisma") {
        "//"
    } else {
        "--"
    };
    // In a Markdown fixture, annotations in a Mermaid block are Mermaid comments.
    let markdown = crate::markdown::is_document(path);
    let default_name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let mut fixture = Fixture {
        name: name.to_string(),
        files: Vec::new(),
        config: String::new(),
        postgres: Postgres::Accepts,
        expected: Vec::new(),
    };
    let mut in_header = true;
    let mut last_code_line: Option<u32> = None;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let directive = line.strip_prefix(comment).map(str::trim_start);
        if in_header {
            if let Some(config) = directive.and_then(|d| d.strip_prefix("config:")) {
                fixture.config.push_str(config.trim());
                fixture.config.push('\n');
                continue;
            }
            if let Some(postgres) = directive.and_then(|d| d.strip_prefix("postgres:")) {
                let postgres = postgres.trim();
                fixture.postgres = match postgres {
                    "accepts" => Postgres::Accepts,
                    "rejects" => Postgres::Rejects,
                    other => match other.strip_prefix("skip") {
                        Some(reason) => Postgres::Skip(reason.trim().to_string()),
                        None => {
                            return Err(format!("{name}: unknown postgres directive `{other}`"));
                        }
                    },
                };
                continue;
            }
        }
        in_header = false;
        if let Some(file) = directive.and_then(|d| d.strip_prefix("file:")) {
            fixture.files.push(FixtureFile {
                path: PathBuf::from(file.trim()),
                text: String::new(),
            });
            last_code_line = None;
            continue;
        }
        if fixture.files.is_empty() {
            fixture.files.push(FixtureFile {
                path: default_name.clone(),
                text: String::new(),
            });
        }
        let file_index = fixture.files.len() - 1;
        let current = &mut fixture.files[file_index];
        let line_number = current.text.split_inclusive('\n').count() as u32;
        current.text.push_str(raw);
        let trimmed = line.trim_start();
        let annotation = trimmed
            .strip_prefix(comment)
            .or_else(|| trimmed.strip_prefix("%%").filter(|_| markdown))
            .filter(|rest| rest.trim_start().starts_with('^'));
        match annotation {
            Some(rest) => {
                let code_line = last_code_line
                    .ok_or_else(|| format!("{name}: annotation before any code: {line}"))?;
                let prefix_chars = line.chars().count() - rest.chars().count();
                let carets_at = rest.chars().take_while(|c| *c != '^').count();
                let carets = rest
                    .chars()
                    .skip(carets_at)
                    .take_while(|c| *c == '^')
                    .count();
                let start = (prefix_chars + carets_at) as u32;
                let after: String = rest.chars().skip(carets_at + carets).collect();
                let after = after.trim();
                let (rule, message) = match after.split_once(':') {
                    Some((rule, message)) => (rule.trim(), Some(message.trim().to_string())),
                    None => (after, None),
                };
                if rule.is_empty() {
                    return Err(format!("{name}: annotation without a rule id: {line}"));
                }
                fixture.expected.push(Expected {
                    file: file_index,
                    line: code_line,
                    start,
                    end: start + carets as u32,
                    rule: rule.to_string(),
                    message,
                });
            }
            None => last_code_line = Some(line_number),
        }
    }
    if fixture.files.is_empty() {
        fixture.files.push(FixtureFile {
            path: default_name,
            text: String::new(),
        });
    }
    Ok(fixture)
}

impl Fixture {
    pub fn config(&self) -> Result<Config, String> {
        if self.config.is_empty() {
            return Ok(Config::default());
        }
        config::parse(&self.config, Path::new("ddlint.toml"), &rules::specs())
            .map_err(|e| format!("{}: {e}", self.name))
    }

    /// The rules the fixture is about: `rule`, every rule it annotates, and `syntax-error` (a
    /// fixture is valid SQL unless it says otherwise).
    pub fn rules_under_test(&self, rule: &str) -> Vec<String> {
        let mut ids = vec![rule.to_string()];
        if rule != "syntax-error" {
            ids.push("syntax-error".to_string());
        }
        for expected in &self.expected {
            if !ids.contains(&expected.rule) {
                ids.push(expected.rule.clone());
            }
        }
        ids
    }

    /// Checks the fixture's files (or those a fix left) with only `rules` enabled. Migrations
    /// are applied or pending as `pinned` says, else as history says without version control
    /// (every migration but the newest of its folder ran).
    pub fn check(
        &self,
        files: &[FixtureFile],
        rules: &[String],
        pinned: Option<&Checked>,
    ) -> Result<Checked, String> {
        let config = self.config()?;
        let selection = Selection {
            select: Some(rules.to_vec()),
            ignore: Vec::new(),
            force_selected: false,
        };
        let inputs = files
            .iter()
            .map(|file| TextInput {
                path: file.path.clone(),
                key: file.path.clone(),
                text: Arc::new(file.text.clone()),
            })
            .collect();
        Ok(match pinned {
            Some(before) => check_texts(inputs, &config, &selection, &Pinned::new(&before.history)),
            None => check_texts(inputs, &config, &selection, &NoVcs),
        })
    }

    /// The diagnostics found, in the annotation format, for comparison with `expected`.
    pub fn found(&self, checked: &Checked) -> Vec<Expected> {
        let mut found: Vec<Expected> = checked
            .diagnostics
            .iter()
            .filter_map(|d| {
                let file = d.file.0 as usize;
                let lines = &checked.files.iter().find(|f| f.id == d.file)?.lines;
                let start = lines.line_col(d.range.start(), PositionEncoding::Utf32);
                let end = lines.line_col(d.range.end(), PositionEncoding::Utf32);
                let end_col = if end.line == start.line {
                    end.col
                } else {
                    // A diagnostic over several lines is annotated to the end of its first line.
                    let line = lines.line_range(start.line)?;
                    lines.line_col(line.end(), PositionEncoding::Utf32).col
                };
                Some(Expected {
                    file,
                    line: start.line,
                    start: start.col,
                    end: end_col.max(start.col + u32::from(start == end)),
                    rule: d.rule.to_string(),
                    message: Some(d.message.clone()),
                })
            })
            .collect();
        found.sort();
        found
    }

    /// Compares the expected diagnostics with the found ones; the error renders both.
    pub fn compare(&self, checked: &Checked) -> Result<(), String> {
        let found = self.found(checked);
        let mut missing: Vec<&Expected> = Vec::new();
        let mut unmatched: Vec<&Expected> = found.iter().collect();
        for expected in &self.expected {
            let position = unmatched.iter().position(|f| {
                f.file == expected.file
                    && f.line == expected.line
                    && f.start == expected.start
                    && f.end == expected.end
                    && f.rule == expected.rule
                    && expected.message.as_ref().is_none_or(|m| {
                        f.message
                            .as_ref()
                            .is_some_and(|found| found.contains(m.as_str()))
                    })
            });
            match position {
                Some(position) => {
                    unmatched.remove(position);
                }
                None => missing.push(expected),
            }
        }
        if missing.is_empty() && unmatched.is_empty() {
            return Ok(());
        }
        let describe = |e: &Expected| {
            format!(
                "  {}:{}:{}-{} {}{}",
                self.files[e.file].path.display(),
                e.line + 1,
                e.start + 1,
                e.end + 1,
                e.rule,
                e.message
                    .as_ref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            )
        };
        let mut report = format!("fixture {}:\n", self.name);
        if !missing.is_empty() {
            report.push_str("expected but not reported:\n");
            for e in missing {
                report.push_str(&describe(e));
                report.push('\n');
            }
        }
        if !unmatched.is_empty() {
            report.push_str("reported but not expected:\n");
            for e in unmatched {
                report.push_str(&describe(e));
                report.push('\n');
            }
        }
        Err(report)
    }

    /// The files after applying `fix` to `files` (checked as `checked`): edited in place, with
    /// a new migration, or with the migration to write for a generated dump as a last file.
    pub fn apply(&self, files: &[FixtureFile], checked: &Checked, fix: &Fix) -> Vec<FixtureFile> {
        // File ids are the positions of the files.
        let mut after: Vec<FixtureFile> = files
            .iter()
            .enumerate()
            .map(|(index, file)| {
                let text = match checked
                    .files
                    .iter()
                    .find(|data| data.id.0 as usize == index)
                {
                    Some(data) => apply_edits(&data.document, data.id, &fix.edits).0,
                    None => file.text.clone(),
                };
                FixtureFile {
                    path: file.path.clone(),
                    text,
                }
            })
            .collect();
        let Some(step) = &fix.migration else {
            return after;
        };
        match fix.placement {
            Placement::InPlace => {}
            Placement::NewMigration => {
                let convention = checked
                    .diagnostics
                    .iter()
                    .find(|d| d.fixes.contains(fix))
                    .and_then(|d| checked.source_of(d.file))
                    .and_then(|source| {
                        MigrationConvention::of(source, |key| {
                            files
                                .iter()
                                .find(|f| f.path == key)
                                .map(|f| f.text.as_str())
                        })
                    });
                if let Some(convention) = convention {
                    after.extend(
                        convention
                            .write(std::slice::from_ref(step), FIX_CLOCK)
                            .into_iter()
                            .map(|file| FixtureFile {
                                path: file.path,
                                text: file.text,
                            }),
                    );
                }
            }
            Placement::MigrationToWrite => after.push(FixtureFile {
                path: PathBuf::from(MIGRATION_TO_WRITE),
                text: step.up.clone(),
            }),
        }
        after
    }
}

/// Files as one text, for failure messages.
pub fn show(files: &[FixtureFile]) -> String {
    files
        .iter()
        .map(|file| format!("-- file: {}\n{}", file.path.display(), file.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The diagnostics of `rule` that carry fixes.
pub fn fixable<'a>(checked: &'a Checked, rule: &str) -> impl Iterator<Item = &'a Diagnostic> {
    checked
        .diagnostics
        .iter()
        .filter(move |d| d.rule == rule && !d.fixes.is_empty())
}
