//! `ddlint.toml`: house-style policy, rule levels and options, external objects, schema source
//! roots and excluded paths.
//!
//! The file is validated strictly: an unknown key, a value of the wrong type or a value outside
//! its choices is an error that names the file, line and column, what was wrong and what is
//! accepted. Rule ids and rule options are not known here; the caller passes the rule registry as
//! data ([`RuleSpec`]).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::suggest;

mod postgres_version;

/// The name of the configuration file, looked up from a file's directory towards the root.
pub const FILE_NAME: &str = "ddlint.toml";

/// How loudly a rule reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        choice_name(self)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule as the configuration sees it: its id and the options `[rules.<id>]` accepts besides
/// `level`.
#[derive(Clone, Copy, Debug)]
pub struct RuleSpec {
    pub id: &'static str,
    pub options: &'static [OptionSpec],
}

#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    pub kind: OptionKind,
    pub doc: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    /// A positive integer.
    Integer,
    String,
    StringList,
    /// Positive integers.
    IntegerList,
    /// A string that must be one of these values.
    Choice(&'static [&'static str]),
}

/// A validated rule option; a [`OptionKind::Choice`] is stored as a `String`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    Integer(i64),
    String(String),
    StringList(Vec<String>),
    IntegerList(Vec<i64>),
}

/// One `[rules.<id>]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleConfig {
    pub level: Option<Level>,
    pub options: BTreeMap<String, OptionValue>,
}

/// What an editor's settings change in every folder's configuration: they take precedence over
/// `ddlint.toml`, as a user's own choice does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditorOverrides {
    pub rule_levels: BTreeMap<String, Level>,
    /// The baseline file, absolute or relative to the workspace folder.
    pub baseline: Option<PathBuf>,
}

impl EditorOverrides {
    /// `config` as the folder at `root` sees it with these settings.
    pub fn apply(&self, config: &mut Config, root: &Path) {
        for (rule, level) in &self.rule_levels {
            config.rules.entry(rule.clone()).or_default().level = Some(*level);
        }
        if let Some(baseline) = &self.baseline {
            config.baseline = Some(root.join(baseline));
        }
    }
}

/// `[policy] strings`: the house style for string columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StringPolicy {
    #[default]
    Text,
    Varchar,
}

/// `[policy] enums`: the house style for closed sets of values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EnumPolicy {
    #[default]
    Check,
    Enum,
}

/// `[policy] keys`: the house style for surrogate primary keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyPolicy {
    #[default]
    Any,
    Identity,
    Uuid,
}

/// `preset`: how loud the checklist is (see `rules::preset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Preset {
    /// Findings a reviewer agrees with on nearly every schema warn; the checklist's judgement
    /// calls are informational or off.
    #[default]
    Recommended,
    /// Every item of the checklist warns: what a design review of a new schema wants.
    Strict,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub strings: StringPolicy,
    pub enums: EnumPolicy,
    pub keys: KeyPolicy,
    /// Set by the top-level `preset` key.
    pub preset: Preset,
}

/// An entry of `[schema] external`: an object defined outside the workspace, written as in SQL
/// (no case folding is applied here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternalObject {
    /// `"storage"`: every table of the schema.
    Schema(String),
    /// `"auth.users"`.
    Table { schema: String, table: String },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaSettings {
    pub external: Vec<ExternalObject>,
}

/// `[prisma] database_names`: which naming convention the database names must follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DatabaseNames {
    #[default]
    Any,
    SnakeCase,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrismaSettings {
    pub database_names: DatabaseNames,
}

/// `[hover] erd`: how a table hover draws the neighbourhood.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErdHover {
    #[default]
    Text,
    Mermaid,
    Both,
    Off,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HoverSettings {
    pub erd: ErdHover,
}

/// `[migrations]`: how ddlint knows which migrations already ran.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationSettings {
    /// Migrations whose version is at most this one ran; later ones are pending.
    pub applied_through: Option<String>,
    /// The branch whose committed migrations ran (git); found from the repository when unset.
    pub default_branch: Option<String>,
    /// The major version of the PostgreSQL the migrations run on, as written in `ddlint.toml`;
    /// see `postgres_version`.
    pub postgres_version: Option<u32>,
}

/// The oldest PostgreSQL major version still supported by the PostgreSQL project: what the
/// zero-downtime rules assume when nothing says which version runs the migrations.
pub const OLDEST_SUPPORTED_POSTGRES: u32 = 13;

/// The PostgreSQL majors whose locking behaviour the migration rules know.
const KNOWN_POSTGRES: std::ops::RangeInclusive<i64> = 9..=18;

impl MigrationSettings {
    /// The major version the migration rules judge for.
    pub fn postgres_version(&self) -> u32 {
        self.postgres_version.unwrap_or(OLDEST_SUPPORTED_POSTGRES)
    }
}

/// A validated `ddlint.toml`; `Config::default()` is the configuration when there is no file.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file this was read from; relative settings (`exclude`, `[[source]] root`) are relative
    /// to its directory.
    pub file: Option<PathBuf>,
    /// The `exclude` globs as written.
    pub exclude: Vec<String>,
    exclude_matcher: GlobSet,
    pub policy: Policy,
    pub schema: SchemaSettings,
    /// `[[source]] root` values as written.
    pub sources: Vec<PathBuf>,
    pub prisma: PrismaSettings,
    pub hover: HoverSettings,
    pub migrations: MigrationSettings,
    /// `baseline`: the baseline file as written (relative to the configuration's directory).
    pub baseline: Option<PathBuf>,
    pub rules: BTreeMap<String, RuleConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            file: None,
            exclude: Vec::new(),
            exclude_matcher: GlobSet::empty(),
            policy: Policy::default(),
            schema: SchemaSettings::default(),
            sources: Vec::new(),
            prisma: PrismaSettings::default(),
            hover: HoverSettings::default(),
            migrations: MigrationSettings::default(),
            baseline: None,
            rules: BTreeMap::new(),
        }
    }
}

impl Config {
    /// The directory relative settings are resolved against.
    pub fn dir(&self) -> Option<&Path> {
        self.file.as_deref().and_then(Path::parent)
    }

    /// The configured schema source roots, joined to the configuration's directory.
    pub fn source_roots(&self) -> Vec<PathBuf> {
        let dir = self.dir().unwrap_or(Path::new(""));
        self.sources.iter().map(|root| dir.join(root)).collect()
    }

    /// The baseline file, joined to the configuration's directory.
    pub fn baseline_file(&self) -> Option<PathBuf> {
        let dir = self.dir().unwrap_or(Path::new(""));
        self.baseline.as_ref().map(|path| dir.join(path))
    }

    /// The compiled `exclude` globs. They match paths relative to [`Config::dir`]; a pattern
    /// without `/` matches a name at any depth, `*` does not cross `/`.
    pub fn exclude_matcher(&self) -> &GlobSet {
        &self.exclude_matcher
    }

    pub fn rule(&self, id: &str) -> Option<&RuleConfig> {
        self.rules.get(id)
    }

    /// The configured level of a rule, or `default` when the file does not set one.
    pub fn level(&self, id: &str, default: Level) -> Level {
        self.rule(id).and_then(|rule| rule.level).unwrap_or(default)
    }

    pub fn option(&self, id: &str, name: &str) -> Option<&OptionValue> {
        self.rule(id).and_then(|rule| rule.options.get(name))
    }
}

/// Where in the file a problem is. `line` and `column` are 1-based; the column counts characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorLocation {
    pub line: usize,
    pub column: usize,
    pub range: Range<usize>,
}

/// A configuration file that cannot be read or is invalid. Displays as `path:line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// `None` when the file could not be read at all.
    pub location: Option<ErrorLocation>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                location.line,
                location.column,
                self.message
            ),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The nearest `ddlint.toml` in `start` (a directory) or its parent (a file, or a path that does
/// not exist yet, like an unsaved buffer), then in each ancestor directory.
pub fn find_config_file(start: &Path) -> Option<PathBuf> {
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let start = std::path::absolute(start).ok()?;
    let first_dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    first_dir
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The configuration that applies to `start`: the nearest `ddlint.toml`, or the default when
/// there is none. Without `[migrations] postgres_version`, the version is the one the project's
/// Supabase, Docker Compose or asdf files state, if any.
pub fn load(start: &Path, rules: &[RuleSpec]) -> Result<Config, ConfigError> {
    let mut config = match find_config_file(start) {
        Some(path) => {
            let unreadable = |message| ConfigError {
                path: path.clone(),
                location: None,
                message,
            };
            let bytes = std::fs::read(&path)
                .map_err(|error| unreadable(format!("cannot read the file: {error}")))?;
            let text = crate::text::decode_utf8(bytes).map_err(unreadable)?;
            parse(&text, &path, rules)?
        }
        None => Config::default(),
    };
    if config.migrations.postgres_version.is_none() {
        config.migrations.postgres_version = postgres_version::detect(start);
    }
    Ok(config)
}

/// Validates the text of a `ddlint.toml` read from `path`.
pub fn parse(text: &str, path: &Path, rules: &[RuleSpec]) -> Result<Config, ConfigError> {
    let error_at = |problem: Problem| ConfigError {
        path: path.to_path_buf(),
        location: Some(locate(text, problem.range)),
        message: problem.message,
    };
    let document = DeTable::parse(text).map_err(|error| {
        error_at(Problem {
            range: error.span().unwrap_or(0..0),
            message: error.message().to_owned(),
        })
    })?;
    let mut config = read_document(document.get_ref(), rules).map_err(error_at)?;
    config.file = Some(path.to_path_buf());
    Ok(config)
}

fn locate(text: &str, range: Range<usize>) -> ErrorLocation {
    let start = range.start.min(text.len());
    let before = text.get(..start).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    ErrorLocation {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        range,
    }
}

struct Problem {
    range: Range<usize>,
    message: String,
}

type Checked<T> = Result<T, Problem>;

type Entry<'t, 'i> = (
    &'t Spanned<toml::de::DeString<'i>>,
    &'t Spanned<DeValue<'i>>,
);

/// A table's entries in document order, so the first problem reported is the first in the file.
fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

const TOP_LEVEL_KEYS: &[&str] = &[
    "preset",
    "exclude",
    "baseline",
    "policy",
    "schema",
    "source",
    "prisma",
    "hover",
    "migrations",
    "rules",
];

fn read_document(document: &DeTable<'_>, rules: &[RuleSpec]) -> Checked<Config> {
    let mut config = Config::default();
    let mut preset = Preset::default();
    for (key, value) in entries(document) {
        match key.get_ref().as_ref() {
            "preset" => preset = choice(value, "preset")?,
            "exclude" => {
                let globs = string_list(value, "exclude")?;
                config.exclude_matcher = compile_excludes(&globs)?;
                config.exclude = globs.into_iter().map(|(glob, _)| glob).collect();
            }
            "policy" => config.policy = read_policy(value)?,
            "schema" => config.schema = read_schema(value)?,
            "source" => config.sources = read_sources(value)?,
            "prisma" => config.prisma = read_prisma(value)?,
            "hover" => config.hover = read_hover(value)?,
            "migrations" => config.migrations = read_migrations(value)?,
            "baseline" => {
                let path = string(value, "baseline")?;
                if path.trim().is_empty() {
                    return Err(Problem {
                        range: value.span(),
                        message: "baseline must not be empty".to_owned(),
                    });
                }
                config.baseline = Some(PathBuf::from(path));
            }
            "rules" => config.rules = read_rules(value, rules)?,
            _ => return Err(unknown_name(key, "key", "at the top level", TOP_LEVEL_KEYS)),
        }
    }
    config.policy.preset = preset;
    Ok(config)
}

fn read_policy(value: &Spanned<DeValue<'_>>) -> Checked<Policy> {
    let mut policy = Policy::default();
    for (key, value) in entries(table(value, "policy")?) {
        match key.get_ref().as_ref() {
            "strings" => policy.strings = choice(value, "policy.strings")?,
            "enums" => policy.enums = choice(value, "policy.enums")?,
            "keys" => policy.keys = choice(value, "policy.keys")?,
            _ => {
                return Err(unknown_name(
                    key,
                    "key",
                    "in [policy]",
                    &["strings", "enums", "keys"],
                ));
            }
        }
    }
    Ok(policy)
}

fn read_schema(value: &Spanned<DeValue<'_>>) -> Checked<SchemaSettings> {
    let mut schema = SchemaSettings::default();
    for (key, value) in entries(table(value, "schema")?) {
        match key.get_ref().as_ref() {
            "external" => {
                schema.external = string_list(value, "schema.external")?
                    .into_iter()
                    .map(|(name, range)| external_object(name, range))
                    .collect::<Checked<_>>()?;
            }
            _ => return Err(unknown_name(key, "key", "in [schema]", &["external"])),
        }
    }
    Ok(schema)
}

fn external_object(name: String, range: Range<usize>) -> Checked<ExternalObject> {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [schema] if !schema.is_empty() => Ok(ExternalObject::Schema(name.clone())),
        [schema, table] if !schema.is_empty() && !table.is_empty() => Ok(ExternalObject::Table {
            schema: (*schema).to_owned(),
            table: (*table).to_owned(),
        }),
        _ => Err(Problem {
            range,
            message: format!(
                "invalid entry {name:?} in schema.external; expected a schema (\"storage\") or a schema-qualified table (\"auth.users\")"
            ),
        }),
    }
}

fn read_sources(value: &Spanned<DeValue<'_>>) -> Checked<Vec<PathBuf>> {
    let DeValue::Array(items) = value.get_ref() else {
        return Err(wrong_type(
            value,
            "an array of tables ([[source]])",
            "source",
        ));
    };
    let mut roots = Vec::new();
    for item in items.iter() {
        let DeValue::Table(source) = item.get_ref() else {
            return Err(wrong_type(item, "a table ([[source]])", "source"));
        };
        let mut root = None;
        for (key, value) in entries(source) {
            match key.get_ref().as_ref() {
                "root" => {
                    let path = string(value, "source.root")?;
                    if path.is_empty() {
                        return Err(Problem {
                            range: value.span(),
                            message: "source.root must not be empty".to_owned(),
                        });
                    }
                    root = Some(PathBuf::from(path));
                }
                _ => return Err(unknown_name(key, "key", "in [[source]]", &["root"])),
            }
        }
        let Some(root) = root else {
            return Err(Problem {
                range: item.span(),
                message: "missing `root` in [[source]]".to_owned(),
            });
        };
        roots.push(root);
    }
    Ok(roots)
}

fn read_prisma(value: &Spanned<DeValue<'_>>) -> Checked<PrismaSettings> {
    let mut prisma = PrismaSettings::default();
    for (key, value) in entries(table(value, "prisma")?) {
        match key.get_ref().as_ref() {
            "database_names" => prisma.database_names = choice(value, "prisma.database_names")?,
            _ => return Err(unknown_name(key, "key", "in [prisma]", &["database_names"])),
        }
    }
    Ok(prisma)
}

fn read_hover(value: &Spanned<DeValue<'_>>) -> Checked<HoverSettings> {
    let mut hover = HoverSettings::default();
    for (key, value) in entries(table(value, "hover")?) {
        match key.get_ref().as_ref() {
            "erd" => hover.erd = choice(value, "hover.erd")?,
            _ => return Err(unknown_name(key, "key", "in [hover]", &["erd"])),
        }
    }
    Ok(hover)
}

fn read_migrations(value: &Spanned<DeValue<'_>>) -> Checked<MigrationSettings> {
    let mut migrations = MigrationSettings::default();
    for (key, value) in entries(table(value, "migrations")?) {
        let non_empty = |path: &str| {
            let text = string(value, path)?;
            if text.trim().is_empty() {
                return Err(Problem {
                    range: value.span(),
                    message: format!("{path} must not be empty"),
                });
            }
            Ok(text)
        };
        match key.get_ref().as_ref() {
            "applied_through" => {
                let version = non_empty("migrations.applied_through")?;
                if !version.starts_with(|c: char| c.is_ascii_digit())
                    || !version
                        .chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
                {
                    return Err(Problem {
                        range: value.span(),
                        message: format!(
                            "invalid version {version:?} for migrations.applied_through; expected \
                             the version part of a migration name, such as \"20240101120000\", \
                             \"42\" or \"1.2\""
                        ),
                    });
                }
                migrations.applied_through = Some(version);
            }
            "default_branch" => {
                migrations.default_branch = Some(non_empty("migrations.default_branch")?)
            }
            "postgres_version" => {
                let major = integer(value, "migrations.postgres_version")?;
                if !KNOWN_POSTGRES.contains(&major) {
                    return Err(Problem {
                        range: value.span(),
                        message: format!(
                            "migrations.postgres_version must be a PostgreSQL major version from \
                             {} to {}, such as 16; got {major}",
                            KNOWN_POSTGRES.start(),
                            KNOWN_POSTGRES.end()
                        ),
                    });
                }
                migrations.postgres_version = Some(major as u32);
            }
            _ => {
                return Err(unknown_name(
                    key,
                    "key",
                    "in [migrations]",
                    &["applied_through", "default_branch", "postgres_version"],
                ));
            }
        }
    }
    Ok(migrations)
}

fn read_rules(
    value: &Spanned<DeValue<'_>>,
    specs: &[RuleSpec],
) -> Checked<BTreeMap<String, RuleConfig>> {
    let mut rules = BTreeMap::new();
    for (key, value) in entries(table(value, "rules")?) {
        let id = key.get_ref().as_ref();
        let Some(spec) = specs.iter().find(|spec| spec.id == id) else {
            let hint = match suggest::closest(id, specs.iter().map(|spec| spec.id), max_typo(id)) {
                Some(known) => format!("did you mean `{known}`?"),
                None => "`ddlint rules` lists the rule ids".to_owned(),
            };
            return Err(Problem {
                range: key.span(),
                message: format!("unknown rule `{id}`; {hint}"),
            });
        };
        rules.insert(id.to_owned(), read_rule(value, spec)?);
    }
    Ok(rules)
}

fn read_rule(value: &Spanned<DeValue<'_>>, spec: &RuleSpec) -> Checked<RuleConfig> {
    let id = spec.id;
    let mut rule = RuleConfig::default();
    for (key, value) in entries(table(value, &format!("rules.{id}"))?) {
        let name = key.get_ref().as_ref();
        let path = format!("rules.{id}.{name}");
        if name == "level" {
            rule.level = Some(choice(value, &path)?);
            continue;
        }
        let Some(option) = spec.options.iter().find(|option| option.name == name) else {
            let known: Vec<&str> = std::iter::once("level")
                .chain(spec.options.iter().map(|option| option.name))
                .collect();
            return Err(unknown_name(
                key,
                "option",
                &format!("for rule `{id}`"),
                &known,
            ));
        };
        rule.options
            .insert(name.to_owned(), option_value(value, option.kind, &path)?);
    }
    Ok(rule)
}

fn option_value(
    value: &Spanned<DeValue<'_>>,
    kind: OptionKind,
    path: &str,
) -> Checked<OptionValue> {
    match kind {
        OptionKind::Bool => match value.get_ref() {
            DeValue::Boolean(flag) => Ok(OptionValue::Bool(*flag)),
            _ => Err(wrong_type(value, "a boolean", path)),
        },
        OptionKind::Integer => positive(value, path).map(OptionValue::Integer),
        OptionKind::String => string(value, path).map(OptionValue::String),
        OptionKind::StringList => {
            let items = string_list(value, path)?;
            // Names and patterns: an empty one matches nothing a schema can hold.
            if let Some((_, range)) = items.iter().find(|(item, _)| item.is_empty()) {
                return Err(Problem {
                    range: range.clone(),
                    message: format!("an item of {path} must not be empty"),
                });
            }
            Ok(OptionValue::StringList(
                items.into_iter().map(|(item, _)| item).collect(),
            ))
        }
        OptionKind::IntegerList => {
            let DeValue::Array(items) = value.get_ref() else {
                return Err(wrong_type(value, "an array of integers", path));
            };
            items
                .iter()
                .map(|item| positive(item, &format!("an item of {path}")))
                .collect::<Checked<Vec<i64>>>()
                .map(OptionValue::IntegerList)
        }
        OptionKind::Choice(choices) => {
            let text = string_in(value, path, choices)?;
            if choices.contains(&text.as_str()) {
                Ok(OptionValue::String(text))
            } else {
                Err(invalid_choice(value, &text, path, choices))
            }
        }
    }
}

fn integer(value: &Spanned<DeValue<'_>>, path: &str) -> Checked<i64> {
    match value.get_ref() {
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map_err(|_| Problem {
                range: value.span(),
                message: format!("integer {integer} for {path} is out of range"),
            }),
        _ => Err(wrong_type(value, "an integer", path)),
    }
}

/// An integer option: each is a count or a length, so zero and less mean nothing.
fn positive(value: &Spanned<DeValue<'_>>, path: &str) -> Checked<i64> {
    let number = integer(value, path)?;
    if number < 1 {
        return Err(Problem {
            range: value.span(),
            message: format!("{path} must be a positive integer; got {number}"),
        });
    }
    Ok(number)
}

/// Settings whose values are a fixed set of words.
trait Choice: Copy + PartialEq + 'static {
    const CHOICES: &'static [(&'static str, Self)];
}

impl Choice for Level {
    const CHOICES: &'static [(&'static str, Self)] = &[
        ("off", Level::Off),
        ("info", Level::Info),
        ("warning", Level::Warning),
        ("error", Level::Error),
    ];
}

impl Choice for StringPolicy {
    const CHOICES: &'static [(&'static str, Self)] = &[
        ("text", StringPolicy::Text),
        ("varchar", StringPolicy::Varchar),
    ];
}

impl Choice for EnumPolicy {
    const CHOICES: &'static [(&'static str, Self)] =
        &[("check", EnumPolicy::Check), ("enum", EnumPolicy::Enum)];
}

impl Choice for KeyPolicy {
    const CHOICES: &'static [(&'static str, Self)] = &[
        ("any", KeyPolicy::Any),
        ("identity", KeyPolicy::Identity),
        ("uuid", KeyPolicy::Uuid),
    ];
}

impl Choice for Preset {
    const CHOICES: &'static [(&'static str, Self)] = &[
        ("recommended", Preset::Recommended),
        ("strict", Preset::Strict),
    ];
}

impl Choice for DatabaseNames {
    const CHOICES: &'static [(&'static str, Self)] = &[
        ("any", DatabaseNames::Any),
        ("snake_case", DatabaseNames::SnakeCase),
    ];
}

impl Choice for ErdHover {
    const CHOICES: &'static [(&'static str, Self)] = &[
        ("text", ErdHover::Text),
        ("mermaid", ErdHover::Mermaid),
        ("both", ErdHover::Both),
        ("off", ErdHover::Off),
    ];
}

fn choice_name<T: Choice>(value: T) -> &'static str {
    T::CHOICES
        .iter()
        .find(|(_, candidate)| *candidate == value)
        .map_or("", |(name, _)| name)
}

fn choice<T: Choice>(value: &Spanned<DeValue<'_>>, path: &str) -> Checked<T> {
    let names: Vec<&str> = T::CHOICES.iter().map(|(name, _)| *name).collect();
    let text = string_in(value, path, &names)?;
    T::CHOICES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, choice)| *choice)
        .ok_or_else(|| invalid_choice(value, &text, path, &names))
}

/// A string value that must be one of `choices`; a value of another type names the choices.
fn string_in(value: &Spanned<DeValue<'_>>, path: &str, choices: &[&str]) -> Checked<String> {
    match value.get_ref() {
        DeValue::String(text) => Ok(text.to_string()),
        _ => Err(wrong_type(
            value,
            &format!("one of {}", quoted_list(choices)),
            path,
        )),
    }
}

fn invalid_choice(
    value: &Spanned<DeValue<'_>>,
    text: &str,
    path: &str,
    choices: &[&str],
) -> Problem {
    Problem {
        range: value.span(),
        message: format!(
            "invalid value {text:?} for {path}; expected one of {}",
            quoted_list(choices)
        ),
    }
}

fn quoted_list(choices: &[&str]) -> String {
    choices
        .iter()
        .map(|choice| format!("{choice:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn table<'t, 'i>(value: &'t Spanned<DeValue<'i>>, path: &str) -> Checked<&'t DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(table) => Ok(table),
        _ => Err(wrong_type(value, &format!("a table ([{path}])"), path)),
    }
}

fn string(value: &Spanned<DeValue<'_>>, path: &str) -> Checked<String> {
    match value.get_ref() {
        DeValue::String(text) => Ok(text.to_string()),
        _ => Err(wrong_type(value, "a string", path)),
    }
}

/// The strings of an array, each with its own range for later checks.
fn string_list(value: &Spanned<DeValue<'_>>, path: &str) -> Checked<Vec<(String, Range<usize>)>> {
    let DeValue::Array(items) = value.get_ref() else {
        return Err(wrong_type(value, "an array of strings", path));
    };
    items
        .iter()
        .map(|item| match item.get_ref() {
            DeValue::String(text) => Ok((text.to_string(), item.span())),
            _ => Err(wrong_type(item, "a string", &format!("an item of {path}"))),
        })
        .collect()
}

fn compile_excludes(globs: &[(String, Range<usize>)]) -> Checked<GlobSet> {
    let mut set = GlobSetBuilder::new();
    for (pattern, range) in globs {
        // Like .gitignore: a pattern without a slash names a file or directory at any depth.
        let anchored = if pattern.contains('/') {
            pattern.trim_start_matches('/').to_owned()
        } else {
            format!("**/{pattern}")
        };
        let glob = GlobBuilder::new(&anchored)
            .literal_separator(true)
            .build()
            .map_err(|error| Problem {
                range: range.clone(),
                message: format!("invalid glob {pattern:?} in exclude: {}", error.kind()),
            })?;
        set.add(glob);
    }
    set.build().map_err(|error| Problem {
        range: globs.first().map_or(0..0, |(_, range)| range.clone()),
        message: format!("invalid exclude globs: {error}"),
    })
}

fn wrong_type(value: &Spanned<DeValue<'_>>, expected: &str, path: &str) -> Problem {
    let found = match value.get_ref() {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    };
    Problem {
        range: value.span(),
        message: format!("expected {expected} for {path}, found {found}"),
    }
}

/// `noun` is what the name was meant to be ("key", "option").
fn unknown_name(
    key: &Spanned<toml::de::DeString<'_>>,
    noun: &str,
    place: &str,
    known: &[&str],
) -> Problem {
    let name = key.get_ref().as_ref();
    let valid = known
        .iter()
        .map(|known| format!("`{known}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = match suggest::closest(name, known.iter().copied(), max_typo(name)) {
        Some(close) => {
            format!(
                "unknown {noun} `{name}` {place}; did you mean `{close}`? (valid {noun}s: {valid})"
            )
        }
        None => format!("unknown {noun} `{name}` {place}; valid {noun}s: {valid}"),
    };
    Problem {
        range: key.span(),
        message,
    }
}

/// How many edits a misspelling may be from the intended name: about one in three characters.
fn max_typo(name: &str) -> usize {
    (name.chars().count() / 3).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::scratch::ScratchDir;

    const TIMESTAMP_OPTIONS: &[OptionSpec] = &[OptionSpec {
        name: "allow",
        kind: OptionKind::StringList,
        doc: "column name patterns that hold wall-clock times",
    }];

    const SAMPLE_OPTIONS: &[OptionSpec] = &[
        OptionSpec {
            name: "enabled",
            kind: OptionKind::Bool,
            doc: "a flag",
        },
        OptionSpec {
            name: "limit",
            kind: OptionKind::Integer,
            doc: "a threshold",
        },
        OptionSpec {
            name: "suffix",
            kind: OptionKind::String,
            doc: "a name part",
        },
        OptionSpec {
            name: "mode",
            kind: OptionKind::Choice(&["strict", "loose"]),
            doc: "how strict",
        },
        OptionSpec {
            name: "sizes",
            kind: OptionKind::IntegerList,
            doc: "some lengths",
        },
    ];

    const RULES: &[RuleSpec] = &[
        RuleSpec {
            id: "timestamp-without-time-zone",
            options: TIMESTAMP_OPTIONS,
        },
        RuleSpec {
            id: "sample-rule",
            options: SAMPLE_OPTIONS,
        },
        RuleSpec {
            id: "missing-primary-key",
            options: &[],
        },
    ];

    fn parse_ok(text: &str) -> Config {
        match parse(text, Path::new("ddlint.toml"), RULES) {
            Ok(config) => config,
            Err(error) => panic!("unexpected error: {error}"),
        }
    }

    #[track_caller]
    fn check_error(text: &str, expected: &str) {
        match parse(text, Path::new("ddlint.toml"), RULES) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => assert_eq!(error.to_string(), expected),
        }
    }

    #[test]
    fn no_file_is_the_default() {
        let config = Config::default();
        assert_eq!(config.policy, Policy::default());
        assert_eq!(config.policy.strings, StringPolicy::Text);
        assert_eq!(config.policy.enums, EnumPolicy::Check);
        assert_eq!(config.policy.keys, KeyPolicy::Any);
        assert_eq!(config.hover.erd, ErdHover::Text);
        assert_eq!(config.prisma.database_names, DatabaseNames::Any);
        assert!(config.rules.is_empty());
        assert!(config.exclude_matcher().is_empty());
        assert_eq!(config.level("anything", Level::Warning), Level::Warning);
        assert_eq!(parse_ok("").policy, Policy::default());
    }

    #[test]
    fn full_file() {
        let config = parse_ok(
            r#"
preset = "strict"
exclude = ["vendor/**", "db/legacy/*.sql", "*.gen.sql"]

[policy]
strings = "varchar"
enums = "enum"
keys = "uuid"

[schema]
external = ["auth.users", "storage"]

[[source]]
root = "db/migrations"

[[source]]
root = "legacy"

[prisma]
database_names = "snake_case"

[hover]
erd = "both"

[rules.timestamp-without-time-zone]
level = "off"
allow = ["*_local_time", "opens_at"]

[rules.sample-rule]
level = "info"
enabled = true
limit = 0x10
suffix = "_at"
mode = "loose"

[rules.missing-primary-key]
level = "error"
"#,
        );
        assert_eq!(
            config.exclude,
            ["vendor/**", "db/legacy/*.sql", "*.gen.sql"]
        );
        assert_eq!(
            config.policy,
            Policy {
                strings: StringPolicy::Varchar,
                enums: EnumPolicy::Enum,
                keys: KeyPolicy::Uuid,
                preset: Preset::Strict,
            }
        );
        assert_eq!(
            config.schema.external,
            [
                ExternalObject::Table {
                    schema: "auth".to_owned(),
                    table: "users".to_owned()
                },
                ExternalObject::Schema("storage".to_owned()),
            ]
        );
        assert_eq!(
            config.sources,
            [PathBuf::from("db/migrations"), PathBuf::from("legacy")]
        );
        assert_eq!(
            config.source_roots(),
            [PathBuf::from("db/migrations"), PathBuf::from("legacy")]
        );
        assert_eq!(config.prisma.database_names, DatabaseNames::SnakeCase);
        assert_eq!(config.hover.erd, ErdHover::Both);
        assert_eq!(
            config.level("timestamp-without-time-zone", Level::Warning),
            Level::Off
        );
        assert_eq!(
            config.option("timestamp-without-time-zone", "allow"),
            Some(&OptionValue::StringList(vec![
                "*_local_time".to_owned(),
                "opens_at".to_owned()
            ]))
        );
        let sample = &config.rules["sample-rule"];
        assert_eq!(sample.level, Some(Level::Info));
        assert_eq!(sample.options["enabled"], OptionValue::Bool(true));
        assert_eq!(sample.options["limit"], OptionValue::Integer(16));
        assert_eq!(
            sample.options["suffix"],
            OptionValue::String("_at".to_owned())
        );
        assert_eq!(
            sample.options["mode"],
            OptionValue::String("loose".to_owned())
        );
        assert_eq!(
            config.level("missing-primary-key", Level::Warning),
            Level::Error
        );
        assert_eq!(config.file.as_deref(), Some(Path::new("ddlint.toml")));
    }

    #[test]
    fn separated_integers() {
        let config = parse_ok("[rules.sample-rule]\nlimit = 1_000\n");
        assert_eq!(
            config.option("sample-rule", "limit"),
            Some(&OptionValue::Integer(1000))
        );
    }

    #[test]
    fn integer_lists() {
        let config = parse_ok("[rules.sample-rule]\nsizes = [255, 0x10]\n");
        assert_eq!(
            config.option("sample-rule", "sizes"),
            Some(&OptionValue::IntegerList(vec![255, 16]))
        );
        let problem = parse(
            "[rules.sample-rule]\nsizes = [255, \"1k\"]\n",
            Path::new("ddlint.toml"),
            RULES,
        )
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
        assert!(problem.contains("an item of"), "{problem}");
    }

    #[test]
    fn source_roots_are_relative_to_the_file() {
        let config = match parse(
            "[[source]]\nroot = \"db/migrations\"\n",
            Path::new("project/ddlint.toml"),
            RULES,
        ) {
            Ok(config) => config,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(config.dir(), Some(Path::new("project")));
        assert_eq!(
            config.source_roots(),
            [PathBuf::from("project/db/migrations")]
        );
    }

    #[test]
    fn exclude_globs() {
        let config =
            parse_ok(r#"exclude = ["vendor/**", "db/legacy/*.sql", "*.gen.sql", "/top.sql"]"#);
        let excluded = |path: &str| config.exclude_matcher().is_match(path);
        assert!(excluded("vendor/x.sql"));
        assert!(excluded("vendor/deep/x.sql"));
        assert!(excluded("db/legacy/old.sql"));
        assert!(!excluded("db/legacy/deeper/old.sql"));
        assert!(excluded("schema.gen.sql"));
        assert!(excluded("db/schema.gen.sql"));
        assert!(excluded("top.sql"));
        assert!(!excluded("db/top.sql"));
        assert!(!excluded("db/schema.sql"));
    }

    #[test]
    fn level_order_and_names() {
        assert!(Level::Off < Level::Info);
        assert!(Level::Info < Level::Warning);
        assert!(Level::Warning < Level::Error);
        assert_eq!(Level::Warning.to_string(), "warning");
        assert_eq!(Level::Off.as_str(), "off");
    }

    #[test]
    fn toml_syntax_error() {
        let error = match parse(
            "[policy\nstrings = \"text\"\n",
            Path::new("ddlint.toml"),
            RULES,
        ) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error,
        };
        let location = error
            .location
            .clone()
            .unwrap_or_else(|| panic!("no location"));
        assert_eq!((location.line, location.column), (1, 8));
        assert!(error.message.contains("expected `]`"), "{error}");

        let duplicate = match parse(
            "[policy]\nstrings = \"text\"\nstrings = \"varchar\"\n",
            Path::new("ddlint.toml"),
            RULES,
        ) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error,
        };
        assert!(
            duplicate
                .to_string()
                .starts_with("ddlint.toml:3:1: duplicate key"),
            "{duplicate}"
        );
    }

    #[test]
    fn migrations_say_what_already_ran() {
        let config = parse(
            "[migrations]\napplied_through = \"20240101120000\"\ndefault_branch = \"origin/trunk\"\n",
            Path::new("ddlint.toml"),
            RULES,
        )
        .unwrap();
        assert_eq!(
            config.migrations,
            MigrationSettings {
                applied_through: Some("20240101120000".to_owned()),
                default_branch: Some("origin/trunk".to_owned()),
                postgres_version: None,
            }
        );
        assert_eq!(
            config.migrations.postgres_version(),
            OLDEST_SUPPORTED_POSTGRES
        );
        let pinned = parse(
            "[migrations]\npostgres_version = 11\n",
            Path::new("ddlint.toml"),
            RULES,
        )
        .unwrap();
        assert_eq!(pinned.migrations.postgres_version(), 11);
        check_error(
            "[migrations]\npostgres_version = 160\n",
            "ddlint.toml:2:20: migrations.postgres_version must be a PostgreSQL major version from 9 to 18, such as 16; got 160",
        );
        check_error(
            "[migrations]\napplied_through = \"latest\"\n",
            "ddlint.toml:2:19: invalid version \"latest\" for migrations.applied_through; expected the version part of a migration name, such as \"20240101120000\", \"42\" or \"1.2\"",
        );
        check_error(
            "[migrations]\ndefault_branch = \"\"\n",
            "ddlint.toml:2:18: migrations.default_branch must not be empty",
        );
        check_error(
            "[migrations]\napplied = \"1\"\n",
            "ddlint.toml:2:1: unknown key `applied` in [migrations]; valid keys: `applied_through`, `default_branch`, `postgres_version`",
        );
    }

    #[test]
    fn unknown_top_level_key() {
        check_error(
            "exclude = []\nexlude = [\"x\"]\n",
            "ddlint.toml:2:1: unknown key `exlude` at the top level; did you mean `exclude`? (valid keys: `preset`, `exclude`, `baseline`, `policy`, `schema`, `source`, `prisma`, `hover`, `migrations`, `rules`)",
        );
        check_error(
            "[colours]\nred = 1\n",
            "ddlint.toml:1:2: unknown key `colours` at the top level; valid keys: `preset`, `exclude`, `baseline`, `policy`, `schema`, `source`, `prisma`, `hover`, `migrations`, `rules`",
        );
    }

    #[test]
    fn unknown_policy_key_and_value() {
        check_error(
            "[policy]\nstrngs = \"text\"\n",
            "ddlint.toml:2:1: unknown key `strngs` in [policy]; did you mean `strings`? (valid keys: `strings`, `enums`, `keys`)",
        );
        check_error(
            "[policy]\nenums = \"check\"\nstrings = \"txt\"\n",
            "ddlint.toml:3:11: invalid value \"txt\" for policy.strings; expected one of \"text\", \"varchar\"",
        );
        check_error(
            "[policy]\nkeys = 1\n",
            "ddlint.toml:2:8: expected one of \"any\", \"identity\", \"uuid\" for policy.keys, found an integer",
        );
    }

    #[test]
    fn unknown_rule_with_suggestion() {
        check_error(
            "\n\n[rules.timestamp-without-timezone]\nlevel = \"off\"\n",
            "ddlint.toml:3:8: unknown rule `timestamp-without-timezone`; did you mean `timestamp-without-time-zone`?",
        );
        check_error(
            "[rules.no-such-thing]\nlevel = \"off\"\n",
            "ddlint.toml:1:8: unknown rule `no-such-thing`; `ddlint rules` lists the rule ids",
        );
    }

    #[test]
    fn unknown_rule_option_lists_the_valid_ones() {
        check_error(
            "[rules.timestamp-without-time-zone]\nalow = []\n",
            "ddlint.toml:2:1: unknown option `alow` for rule `timestamp-without-time-zone`; did you mean `allow`? (valid options: `level`, `allow`)",
        );
        check_error(
            "[rules.missing-primary-key]\nthreshold = 3\n",
            "ddlint.toml:2:1: unknown option `threshold` for rule `missing-primary-key`; valid options: `level`",
        );
    }

    #[test]
    fn wrong_option_types() {
        check_error(
            "[rules.timestamp-without-time-zone]\nallow = \"*_local_time\"\n",
            "ddlint.toml:2:9: expected an array of strings for rules.timestamp-without-time-zone.allow, found a string",
        );
        check_error(
            "[rules.timestamp-without-time-zone]\nallow = [\"a\", 2]\n",
            "ddlint.toml:2:15: expected a string for an item of rules.timestamp-without-time-zone.allow, found an integer",
        );
        check_error(
            "[rules.sample-rule]\nenabled = \"yes\"\n",
            "ddlint.toml:2:11: expected a boolean for rules.sample-rule.enabled, found a string",
        );
        check_error(
            "[rules.sample-rule]\nlimit = 1.5\n",
            "ddlint.toml:2:9: expected an integer for rules.sample-rule.limit, found a float",
        );
        check_error(
            "[rules.timestamp-without-time-zone]\nallow = [\"a\", \"\"]\n",
            "ddlint.toml:2:15: an item of rules.timestamp-without-time-zone.allow must not be empty",
        );
        check_error(
            "[rules.sample-rule]\nlimit = -1_000\n",
            "ddlint.toml:2:9: rules.sample-rule.limit must be a positive integer; got -1000",
        );
        check_error(
            "[rules.sample-rule]\nsizes = [255, 0]\n",
            "ddlint.toml:2:15: an item of rules.sample-rule.sizes must be a positive integer; got 0",
        );
        check_error(
            "[rules.sample-rule]\nlimit = 0x7fffffffffffffff1\n",
            "ddlint.toml:2:9: integer 0x7fffffffffffffff1 for rules.sample-rule.limit is out of range",
        );
        check_error(
            "[rules.sample-rule]\nsuffix = []\n",
            "ddlint.toml:2:10: expected a string for rules.sample-rule.suffix, found an array",
        );
        check_error(
            "[rules.sample-rule]\nmode = \"lax\"\n",
            "ddlint.toml:2:8: invalid value \"lax\" for rules.sample-rule.mode; expected one of \"strict\", \"loose\"",
        );
    }

    #[test]
    fn bad_level() {
        check_error(
            "[rules.missing-primary-key]\nlevel = \"warn\"\n",
            "ddlint.toml:2:9: invalid value \"warn\" for rules.missing-primary-key.level; expected one of \"off\", \"info\", \"warning\", \"error\"",
        );
        check_error(
            "[rules.missing-primary-key]\nlevel = true\n",
            "ddlint.toml:2:9: expected one of \"off\", \"info\", \"warning\", \"error\" for rules.missing-primary-key.level, found a boolean",
        );
    }

    #[test]
    fn bad_tables_and_sources() {
        check_error(
            "policy = \"text\"\n",
            "ddlint.toml:1:10: expected a table ([policy]) for policy, found a string",
        );
        check_error(
            "[rules]\nmissing-primary-key = \"off\"\n",
            "ddlint.toml:2:23: expected a table ([rules.missing-primary-key]) for rules.missing-primary-key, found a string",
        );
        check_error(
            "[source]\nroot = \"db\"\n",
            "ddlint.toml:1:1: expected an array of tables ([[source]]) for source, found a table",
        );
        check_error(
            "[[source]]\nroot = \"\"\n",
            "ddlint.toml:2:8: source.root must not be empty",
        );
        check_error(
            "[[source]]\nroots = \"db\"\n",
            "ddlint.toml:2:1: unknown key `roots` in [[source]]; did you mean `root`? (valid keys: `root`)",
        );
        let missing = match parse("[[source]]\n", Path::new("ddlint.toml"), RULES) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error,
        };
        assert!(missing.message.contains("missing `root`"), "{missing}");
    }

    #[test]
    fn bad_external_and_globs() {
        check_error(
            "[schema]\nexternal = [\"auth.users\", \"a.b.c\"]\n",
            "ddlint.toml:2:27: invalid entry \"a.b.c\" in schema.external; expected a schema (\"storage\") or a schema-qualified table (\"auth.users\")",
        );
        check_error(
            "exclude = [\"ok/**\", \"db/[abc.sql\"]\n",
            "ddlint.toml:1:21: invalid glob \"db/[abc.sql\" in exclude: unclosed character class; missing ']'",
        );
    }

    #[test]
    fn error_exposes_location_and_range() {
        let text = "[hover]\nerd = \"ascii\"\n";
        let error = match parse(text, Path::new("cfg/ddlint.toml"), RULES) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error,
        };
        let location = error
            .location
            .clone()
            .unwrap_or_else(|| panic!("no location"));
        assert_eq!((location.line, location.column), (2, 7));
        assert_eq!(&text[location.range.clone()], "\"ascii\"");
        assert_eq!(
            error.to_string(),
            "cfg/ddlint.toml:2:7: invalid value \"ascii\" for hover.erd; expected one of \"text\", \"mermaid\", \"both\", \"off\""
        );
    }

    #[test]
    fn columns_count_characters() {
        check_error(
            "# é\n[prisma]\ndatabase_names = \"camelCase\" # ü\n",
            "ddlint.toml:3:18: invalid value \"camelCase\" for prisma.database_names; expected one of \"any\", \"snake_case\"",
        );
        check_error(
            "exclude = [\"é\", 3]\n",
            "ddlint.toml:1:17: expected a string for an item of exclude, found an integer",
        );
    }

    #[test]
    fn find_config_file_walks_up() {
        let scratch = ScratchDir::new("config-walk");
        let root = scratch.path();
        let nested = root.join("db/migrations");
        std::fs::create_dir_all(&nested).unwrap();
        scratch.write(FILE_NAME, "[policy]\nkeys = \"identity\"\n");

        let expected = std::path::absolute(root.join(FILE_NAME)).unwrap();
        assert_eq!(find_config_file(&nested), Some(expected.clone()));
        // A file, existing or not, starts from its directory.
        assert_eq!(
            find_config_file(&nested.join("001_init.sql")),
            Some(expected.clone())
        );
        assert_eq!(find_config_file(root), Some(expected.clone()));

        let closer = scratch.write("db/ddlint.toml", "");
        assert_eq!(
            find_config_file(&nested),
            Some(std::path::absolute(&closer).unwrap())
        );

        let config = load(&nested, RULES).unwrap();
        assert_eq!(config.policy.keys, KeyPolicy::Any);
        let config = load(root, RULES).unwrap();
        assert_eq!(config.policy.keys, KeyPolicy::Identity);
        assert_eq!(config.file, Some(expected));
    }

    #[test]
    fn load_reports_the_file() {
        let scratch = ScratchDir::new("config-load");
        scratch.write(FILE_NAME, "[hover]\nerd = 3\n");
        let error = load(scratch.path(), RULES).unwrap_err();
        assert!(error.path.ends_with(FILE_NAME));
        assert!(error.to_string().ends_with(
            "ddlint.toml:2:7: expected one of \"text\", \"mermaid\", \"both\", \"off\" for hover.erd, found an integer"
        ), "{error}");
    }

    #[test]
    fn load_says_what_encoding_the_file_is_in() {
        let scratch = ScratchDir::new("config-encoding");
        let path = scratch.path().join(FILE_NAME);
        // What Windows PowerShell 5 writes for `echo 'preset = "strict"' > ddlint.toml`.
        let utf16: Vec<u8> = [0xfeff_u16]
            .into_iter()
            .chain("preset = \"strict\"\r\n".encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect();
        std::fs::write(&path, utf16).unwrap();
        let error = load(scratch.path(), RULES).unwrap_err().to_string();
        assert!(
            error.ends_with(
                "ddlint.toml: UTF-16LE text (it starts with a UTF-16LE byte-order mark); ddlint reads \
                 UTF-8: convert it, e.g. `iconv -f UTF-16LE -t UTF-8`"
            ),
            "{error}"
        );
        // A UTF-8 byte-order mark is not part of the settings.
        std::fs::write(&path, "\u{feff}preset = \"strict\"\n").unwrap();
        assert_eq!(
            load(scratch.path(), RULES).unwrap().policy.preset,
            Preset::Strict
        );
    }
}
