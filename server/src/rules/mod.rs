//! The rules of RULES.md: one file per rule (its documentation in the file's `//!` comment, its
//! check function, its fixes), grouped by catalog section, with fixtures under `fixtures/<id>/`.
//!
//! A rule is a pure function of the schema model and the files' texts; it knows nothing of the
//! CLI or of LSP. The framework here runs the enabled rules, sets ids and severities, applies
//! suppression comments and reports unused ones.

mod common;
mod forms;
mod incremental;
mod placement;
mod preset;
mod scope;
mod words;

mod audit;
mod constraints;
mod dont;
mod indexes;
mod keys;
mod migrations;
mod naming;
mod schema;
mod security;
mod shape;
mod types;

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::config::{Config, Level, OptionSpec, OptionValue, Policy, RuleSpec};
use crate::file::FileData;
use crate::lower::PlacedStatement;
use crate::model::{FileId, Loc, Model, QualifiedName, Table, TableId};
use crate::suggest;

pub use crate::diagnostic::*;
pub use incremental::RuleCache;
pub use placement::place_fixes;
use scope::Visit;

/// A rule: metadata and its check.
pub struct Rule {
    pub id: &'static str,
    /// The level when `ddlint.toml` says nothing; some rules depend on the house-style policy.
    pub level: fn(&Policy) -> Level,
    pub options: &'static [OptionSpec],
    /// Whether the rule offers fixes.
    pub fixable: bool,
    /// What a finding of the rule can depend on, which decides what runs again after an edit.
    pub scope: RuleScope,
    /// `None` for the rules the framework itself reports (`syntax-error`, `unused-suppression`).
    pub check: Option<fn(&RuleCx, &mut Vec<Diagnostic>)>,
}

/// What a rule's findings depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleScope {
    /// A finding reported in a table's statements depends only on that table, the tables its
    /// foreign keys link it with (both ways), its inheritance family, the names of relations,
    /// types and domains; not on functions, triggers or statements the model does not read (a
    /// rule that reads them is `Schema`). The rule visits tables with
    /// `RuleCx::live_tables`, `defined_columns` or `defined_names`, so that after an edit it can
    /// run on the affected tables only.
    Table,
    /// As `Table`, and findings also depend on which tables exist by name (a column named after
    /// a table): the rule runs on the whole schema after an edit that creates, removes or
    /// renames a table.
    TableAndNames,
    /// A finding depends only on the statement it is reported in. The rule visits statements
    /// with `RuleCx::statements`, so that after an edit it can run on the changed ones only.
    Statement,
    /// Findings may depend on anything; the rule runs on the whole schema every time.
    Schema,
}

impl Rule {
    pub fn doc(&self) -> &'static str {
        docs::doc(self.id).unwrap_or("")
    }

    /// The level when `ddlint.toml` does not set one: the rule's own, under the house-style
    /// policy and the preset.
    pub fn default_level(&self, policy: &Policy) -> Level {
        preset::level(self.id, (self.level)(policy), policy.preset)
    }
}

mod docs {
    // `fn doc(id) -> Option<&'static str>`, extracted from the rule files' `//!` comments.
    include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));
}

/// A section of the catalog with its rules, in catalog order.
pub struct Section {
    pub title: &'static str,
    pub rules: &'static [&'static Rule],
}

/// The catalog's sections, in order.
pub const SECTIONS: &[Section] = &[
    Section {
        title: "Types",
        rules: types::RULES,
    },
    Section {
        title: "Keys and relationships",
        rules: keys::RULES,
    },
    Section {
        title: "Indexes",
        rules: indexes::RULES,
    },
    Section {
        title: "Constraints and nullability",
        rules: constraints::RULES,
    },
    Section {
        title: "Audit columns",
        rules: audit::RULES,
    },
    Section {
        title: "Naming",
        rules: naming::RULES,
    },
    Section {
        title: "Table shape",
        rules: shape::RULES,
    },
    Section {
        title: "Security",
        rules: security::RULES,
    },
    Section {
        title: "PostgreSQL \"don't do this\"",
        rules: dont::RULES,
    },
    Section {
        title: "Zero-downtime migrations",
        rules: migrations::RULES,
    },
    Section {
        title: "Schema errors",
        rules: schema::RULES,
    },
];

/// Every rule, in catalog order.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    SECTIONS
        .iter()
        .flat_map(|section| section.rules.iter().copied())
}

pub fn find(id: &str) -> Option<&'static Rule> {
    all().find(|rule| rule.id == id)
}

/// The rule ids and options, for validating `ddlint.toml`.
pub fn specs() -> Vec<RuleSpec> {
    all()
        .map(|rule| RuleSpec {
            id: rule.id,
            options: rule.options,
        })
        .collect()
}

/// `--select` / `--ignore`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these rules (all enabled rules when `None`).
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Selected rules run even where the configuration turns them off (`--select` on the
    /// command line); fixtures leave levels to their configuration.
    pub force_selected: bool,
}

impl Selection {
    pub fn includes(&self, id: &str) -> bool {
        self.select
            .as_ref()
            .is_none_or(|select| select.iter().any(|s| s == id))
            && !self.ignore.iter().any(|i| i == id)
    }

    /// A rule explicitly selected runs even when the configuration turns it off.
    fn forces(&self, id: &str) -> bool {
        self.force_selected
            && self
                .select
                .as_ref()
                .is_some_and(|select| select.iter().any(|s| s == id))
    }
}

/// What a rule sees.
pub struct RuleCx<'a> {
    pub model: &'a Model,
    pub config: &'a Config,
    files: &'a [&'a FileData],
    rule: &'static Rule,
    shared: &'a Shared<'a>,
    /// After an edit: what to visit again.
    visit: Option<&'a Visit<'a>>,
}

/// What several rules derive from the same model, computed once per check by whichever rule
/// asks first (rules run on several threads).
struct Shared<'a> {
    /// Of every table, and of the tables an edit affects (rules that visit everything and
    /// rules that visit those may run in the same check).
    defined_names: [OnceLock<Vec<naming::DefinedName<'a>>>; 2],
    /// By table id, each gathered when first asked for.
    index_shapes: Vec<OnceLock<Vec<indexes::IndexShape<'a>>>>,
    /// The schema has a table only Rails or Django creates (see `audit::app_sets_timestamps`).
    framework_schema: OnceLock<bool>,
    /// The files Prisma Migrate generated (see `common::is_prisma_migrate_sql`).
    prisma_generated: OnceLock<Vec<FileId>>,
    /// The CREATE VIEW statements of the source's history (see `forms`).
    views: OnceLock<forms::ViewText>,
}

impl Shared<'_> {
    fn new(model: &Model) -> Self {
        Shared {
            defined_names: [OnceLock::new(), OnceLock::new()],
            index_shapes: model.tables.iter().map(|_| OnceLock::new()).collect(),
            framework_schema: OnceLock::new(),
            prisma_generated: OnceLock::new(),
            views: OnceLock::new(),
        }
    }
}

impl<'a> RuleCx<'a> {
    /// A file of the source (every location in the model is in one).
    pub fn file(&self, id: FileId) -> Option<&'a FileData> {
        self.files.iter().find(|file| file.id == id).copied()
    }

    pub fn files(&self) -> impl Iterator<Item = &'a FileData> + '_ {
        self.files.iter().copied()
    }

    /// The source text at a location.
    pub fn text(&self, loc: Loc) -> &'a str {
        self.file(loc.file).map_or("", |file| file.slice(loc.range))
    }

    /// The live tables this run visits: all of them, or after an edit those it can affect.
    pub fn live_tables(&self) -> impl Iterator<Item = &'a Table> + '_ {
        self.model
            .live_tables()
            .filter(|table| self.covers(table.id))
    }

    /// Whether this run visits the table.
    pub fn covers(&self, table: TableId) -> bool {
        self.visit.is_none_or(|visit| visit.tables.contains(table))
    }

    /// The statements of a file this run visits: all of them, or after an edit those it
    /// changed.
    pub fn statements(&self, file: &'a FileData) -> &'a [PlacedStatement] {
        match self.visit {
            Some(visit) if self.rule.scope == RuleScope::Statement => {
                visit.changed_statements(file)
            }
            _ => &file.statements,
        }
    }

    /// Whether Prisma Migrate generated the SQL file (its names and timestamps are Prisma's).
    pub fn is_prisma_generated(&self, file: FileId) -> bool {
        self.shared
            .prisma_generated
            .get_or_init(|| {
                self.files
                    .iter()
                    .filter(|file| common::is_prisma_migrate_sql(file))
                    .map(|file| file.id)
                    .collect()
            })
            .contains(&file)
    }

    pub fn policy(&self) -> &Policy {
        &self.config.policy
    }

    fn option(&self, name: &str) -> Option<&'a OptionValue> {
        self.config.option(self.rule.id, name)
    }

    /// A string-list option, or `default` when `ddlint.toml` does not set it.
    pub fn option_strings(&self, name: &str, default: &[&str]) -> Vec<String> {
        match self.option(name) {
            Some(OptionValue::StringList(values)) => values.clone(),
            _ => default.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn option_int(&self, name: &str, default: i64) -> i64 {
        match self.option(name) {
            Some(OptionValue::Integer(value)) => *value,
            _ => default,
        }
    }

    /// An integer-list option, or `default` when `ddlint.toml` does not set it.
    pub fn option_ints(&self, name: &str, default: &[i64]) -> Vec<i64> {
        match self.option(name) {
            Some(OptionValue::IntegerList(values)) => values.clone(),
            _ => default.to_vec(),
        }
    }

    pub fn option_bool(&self, name: &str, default: bool) -> bool {
        match self.option(name) {
            Some(OptionValue::Bool(value)) => *value,
            _ => default,
        }
    }

    /// Whether `[schema] external` declares the table (or its whole schema) as defined elsewhere.
    pub fn is_external(&self, name: &QualifiedName) -> bool {
        use crate::config::ExternalObject;
        self.config
            .schema
            .external
            .iter()
            .any(|external| match external {
                ExternalObject::Schema(schema) => *schema == name.schema,
                ExternalObject::Table { schema, table } => {
                    *schema == name.schema && *table == name.name
                }
            })
    }
}

fn severity(level: Level) -> Option<Severity> {
    match level {
        Level::Off => None,
        Level::Info => Some(Severity::Info),
        Level::Warning => Some(Severity::Warning),
        Level::Error => Some(Severity::Error),
    }
}

/// The level a rule runs at, `None` when it does not run.
pub fn effective_severity(rule: &Rule, config: &Config, selection: &Selection) -> Option<Severity> {
    if !selection.includes(rule.id) {
        return None;
    }
    let level = config.level(rule.id, rule.default_level(&config.policy));
    match (severity(level), selection.forces(rule.id)) {
        (None, true) => severity(rule.default_level(&config.policy)).or(Some(Severity::Info)),
        (found, _) => found,
    }
}

/// The rules that run, with their severities.
pub(crate) fn enabled(config: &Config, selection: &Selection) -> Vec<(&'static Rule, Severity)> {
    self::all()
        .filter_map(|rule| Some((rule, effective_severity(rule, config, selection)?)))
        .collect()
}

/// Runs the enabled rules over a source's model; diagnostics come sorted by file and position.
pub fn check(
    model: &Model,
    files: &[&FileData],
    config: &Config,
    selection: &Selection,
) -> Vec<Diagnostic> {
    if files.is_empty() {
        return Vec::new();
    }
    let enabled = enabled(config, selection);
    let found = run(&enabled, model, files, config, None);
    finish(
        found.into_iter().flatten().collect(),
        files,
        config,
        selection,
        &enabled,
    )
}

/// What each rule finds (with its id and severity set, before suppressions), by rule. With
/// `visit`, rules of `RuleScope::Table` (and `TableAndNames` while no table name changed) and
/// `RuleScope::Statement` visit only what it names; the others visit everything.
pub(crate) fn run(
    enabled: &[(&'static Rule, Severity)],
    model: &Model,
    files: &[&FileData],
    config: &Config,
    visit: Option<&Visit>,
) -> Vec<Vec<Diagnostic>> {
    let shared = Shared::new(model);
    let text_bytes: usize = files.iter().map(|file| file.text.len()).sum();
    let mut found = run_on_all_cores(enabled, text_bytes, |rule| {
        let visit = visit.filter(|visit| match rule.scope {
            RuleScope::Schema => false,
            RuleScope::TableAndNames => !visit.names_changed,
            RuleScope::Table | RuleScope::Statement => true,
        });
        run_rule(rule, model, files, config, &shared, visit)
    });
    for ((rule, severity), found) in enabled.iter().zip(&mut found) {
        for diagnostic in found {
            diagnostic.rule = rule.id;
            diagnostic.severity = if diagnostic.demoted {
                severity.lower()
            } else {
                *severity
            };
        }
    }
    found
}

/// Applies suppression comments, reports unused ones, sorts and removes duplicates.
pub(crate) fn finish(
    mut all: Vec<Diagnostic>,
    files: &[&FileData],
    config: &Config,
    selection: &Selection,
    enabled: &[(&'static Rule, Severity)],
) -> Vec<Diagnostic> {
    let ran: HashSet<&'static str> = enabled.iter().map(|(rule, _)| rule.id).collect();
    // Suppression comments.
    let mut used: HashSet<(FileId, usize, usize)> = HashSet::new();
    all.retain(|diagnostic| {
        let Some(file) = files.iter().find(|f| f.id == diagnostic.file) else {
            return false;
        };
        let mut suppressed = false;
        for (index, suppression) in file.suppressions.items.iter().enumerate() {
            if suppression.covers(diagnostic.rule, diagnostic.range.start()) {
                let rule_index = suppression
                    .rules
                    .iter()
                    .position(|r| r.rule == diagnostic.rule)
                    .unwrap_or(0);
                used.insert((file.id, index, rule_index));
                suppressed = true;
            }
        }
        !suppressed
    });
    if let Some(severity) = effective_severity(&schema::unused_suppression::RULE, config, selection)
    {
        for file in files {
            for (index, suppression) in file.suppressions.items.iter().enumerate() {
                for (rule_index, suppressed) in suppression.rules.iter().enumerate() {
                    if used.contains(&(file.id, index, rule_index)) {
                        continue;
                    }
                    let known = find(&suppressed.rule).is_some();
                    if known && !ran.contains(suppressed.rule.as_str()) {
                        // The rule did not run: nothing can be said about its suppressions.
                        continue;
                    }
                    let loc = Loc {
                        file: file.id,
                        range: suppressed.range,
                    };
                    let mut diagnostic = if known {
                        Diagnostic::new(
                            loc,
                            format!(
                                "`{}` is suppressed here but reports nothing",
                                suppressed.rule
                            ),
                        )
                        .with_fix(Fix::safe(
                            "Remove unused suppression",
                            vec![schema::unused_suppression::removal(
                                file,
                                suppression,
                                rule_index,
                            )],
                        ))
                    } else {
                        let mut diagnostic = Diagnostic::new(
                            loc,
                            format!("unknown rule `{}` in suppression comment", suppressed.rule),
                        );
                        if let Some(closest) = suggest::closest(&suppressed.rule, all_ids(), 3) {
                            diagnostic = diagnostic.with_fix(Fix::safe(
                                format!("Did you mean `{closest}`?"),
                                vec![Edit::replace(loc, closest)],
                            ));
                        }
                        diagnostic
                    };
                    diagnostic.rule = schema::unused_suppression::RULE.id;
                    diagnostic.severity = severity;
                    all.push(diagnostic);
                }
            }
        }
    }
    all.sort_by(|a, b| {
        (a.file, a.range.start(), a.range.end(), a.rule).cmp(&(
            b.file,
            b.range.start(),
            b.range.end(),
            b.rule,
        ))
    });
    all.dedup_by(|a, b| {
        a.file == b.file && a.range == b.range && a.rule == b.rule && a.message == b.message
    });
    all
}

/// One rule's findings, without ids and severities.
fn run_rule<'a>(
    rule: &'static Rule,
    model: &'a Model,
    files: &'a [&'a FileData],
    config: &'a Config,
    shared: &'a Shared<'a>,
    visit: Option<&'a Visit<'a>>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    match rule.check {
        Some(check) => {
            // A bug in one rule must not take the others (or the language server) down.
            let cx = RuleCx {
                model,
                config,
                files,
                rule,
                shared,
                visit,
            };
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&cx, &mut found)));
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                stderr_line!(
                    "ddlint: internal error in rule `{}` ({message}); its findings are missing",
                    rule.id
                );
                found.clear();
            }
        }
        None if rule.id == schema::syntax_error::RULE.id => {
            for file in files {
                for error in &file.syntax_errors {
                    found.push(Diagnostic::new(
                        Loc {
                            file: file.id,
                            range: error.range,
                        },
                        error.message.clone(),
                    ));
                }
            }
        }
        None => {}
    }
    found
}

/// Below this much schema text the rules run on the calling thread: starting threads would cost
/// more than they save (a workspace of thousands of one-table files checks as many sources).
const PARALLEL_FROM_BYTES: usize = 32 * 1024;

/// Runs the rules on all cores (each worker takes the next rule not yet taken) when the schema
/// has `text_bytes` enough; the results keep the rules' order, so the output does not depend on
/// scheduling.
fn run_on_all_cores(
    enabled: &[(&'static Rule, Severity)],
    text_bytes: usize,
    run: impl Fn(&'static Rule) -> Vec<Diagnostic> + Sync,
) -> Vec<Vec<Diagnostic>> {
    let workers = if text_bytes < PARALLEL_FROM_BYTES {
        1
    } else {
        crate::cores()
    };
    crate::parallel::map(enabled.len(), workers, |index| run(enabled[index].0))
}

fn all_ids() -> impl Iterator<Item = &'static str> {
    all().map(|rule| rule.id)
}

#[cfg(test)]
mod tests;
