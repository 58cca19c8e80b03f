//! Schema sources: which files describe one schema, and the order in which they apply.
//!
//! A *migration root* is a directory of ordered migrations. It is recognised from the names of
//! the files below it, or configured (`[[source]] root`). Recognised names, by tool:
//!
//! | names | tools |
//! |---|---|
//! | `<version>_<name>.sql`, `<version>_<name>.up.sql` / `.down.sql` | golang-migrate, sqlx, dbmate, goose, Supabase |
//! | `V<version>.<Name>.up.sql` / `.down.sql` | authelia |
//! | `V<version>__<desc>.sql`, `U<version>__<desc>.sql`, `R__<desc>.sql` | Flyway |
//! | `<version>_<name>/up.sql` + `down.sql` | Diesel, Hasura |
//! | `<version>_<name>/migration.sql` | Prisma Migrate |
//! | `v<major>.<minor>/<any>.sql` | Temporal's `versioned/` schema directories |
//!
//! A version is a run of digits, or several runs joined by `.` or `-` (Flyway also accepts `_`):
//! `20240101120000`, `1.1`, Diesel's `2019-02-26-002946`. Versions compare part by part as
//! numbers of any length (`V2__` before `V10__`, `1.2` before `1.10`), then by name.
//!
//! Apply order inside a root: versioned entries, then Flyway repeatable (`R__`) entries by name,
//! then files with no version by path. Down migrations (`*.down.sql`, `down.sql`, Flyway `U`) are
//! listed after the up migrations of their version but never applied.
//!
//! A SQL file belongs to its nearest configured root; failing that, to its nearest recognised
//! root; failing that, it is a standalone schema. A configured root claims everything below it, so
//! naming a root in `ddlint.toml` overrides what the names suggest inside it.
//!
//! Prisma files never belong to migration roots. The files of a multi-file Prisma schema (one
//! file with a `datasource` block, the others in its directory or below) form one source;
//! a directory holding several files with a `datasource` holds independent schemas, each its own
//! standalone source.
//!
//! Everything here works on paths alone, except the text helpers [`declares_prisma_datasource`]
//! and [`prisma_targets_another_database`]. Paths are compared lexically, so files and configured
//! roots must be given in the same form (both relative to one directory, or both absolute).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::files::FileKind;

/// The files of one schema, in the order they apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaSource {
    /// The migration root or Prisma schema directory; for a standalone source, the file itself.
    pub root: PathBuf,
    pub kind: SourceKind,
    /// Apply order; down migrations are listed but not applied.
    pub files: Vec<SourceFile>,
}

impl SchemaSource {
    pub fn contains(&self, path: &Path) -> bool {
        self.files
            .iter()
            .any(|file| lexical_components(&file.path).eq(lexical_components(path)))
    }

    /// The files that build the schema, in order.
    pub fn applied_files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files
            .iter()
            .filter(|file| file.role == FileRole::Applied)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Migrations {
        layout: MigrationLayout,
    },
    /// A Prisma schema, possibly split over several files.
    PrismaSchema,
    /// One file that is its own schema.
    Standalone,
}

/// The naming scheme of a migration root, as far as names tell it apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrationLayout {
    /// `<version>_<name>.sql` or `.up.sql` / `.down.sql` (golang-migrate, sqlx, dbmate, goose,
    /// authelia's `V0001.Name.up.sql`).
    VersionedFiles,
    /// The same names in `supabase/migrations/`; Supabase schemas reference `auth` and `storage`
    /// tables that the migrations never create.
    Supabase,
    /// `V<version>__<desc>.sql`, `U...`, `R__...`.
    Flyway,
    /// `<version>_<name>/up.sql` + `down.sql` (Diesel, Hasura).
    UpDownDirectories,
    /// `<version>_<name>/migration.sql`.
    PrismaMigrate,
    /// `v<major>.<minor>/*.sql` (Temporal).
    VersionDirectories,
    /// A configured root whose names carry no versions: files apply by path.
    Unversioned,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub role: FileRole,
    /// The version as written in the file or directory name (`20240101120000`, `1.1`,
    /// `2019-02-26-002946`).
    pub version: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileRole {
    Applied,
    /// A down or undo migration: part of the source, never applied.
    Down,
}

/// Partitions `files` into schema sources, sorted by root. `declares_datasource` tells whether a
/// `.prisma` file has a `datasource` block (see [`declares_prisma_datasource`]); it is asked only
/// about Prisma files.
pub fn group_into_sources(
    files: &[PathBuf],
    configured_roots: &[PathBuf],
    declares_datasource: impl Fn(&Path) -> bool,
) -> Vec<SchemaSource> {
    let (prisma_files, other_files): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|path| FileKind::of(path) == Some(FileKind::Prisma));
    // A design document is its own schema, wherever it lies.
    let (documents, sql_files): (Vec<&PathBuf>, Vec<&PathBuf>) = other_files
        .into_iter()
        .partition(|path| FileKind::of(path) == Some(FileKind::Markdown));
    let mut sources = sql_sources(&sql_files, configured_roots);
    sources.extend(prisma_sources(&prisma_files, &declares_datasource));
    sources.extend(documents.into_iter().map(|path| standalone(path)));
    sources.sort_by(|a, b| a.root.cmp(&b.root));
    sources
}

/// The source that lists `path`. A file the grouping has not seen (just created, opened from
/// outside the workspace) has none: group again with it included.
pub fn source_of<'a>(sources: &'a [SchemaSource], path: &Path) -> Option<&'a SchemaSource> {
    sources.iter().find(|source| source.contains(path))
}

fn sql_sources(files: &[&PathBuf], configured_roots: &[PathBuf]) -> Vec<SchemaSource> {
    let configured: BTreeMap<PathBuf, PathBuf> = configured_roots
        .iter()
        .map(|root| (lexical(root), root.clone()))
        .collect();
    let recognised: BTreeMap<PathBuf, PathBuf> = files
        .iter()
        .filter_map(|file| implied_root(file))
        .map(|root| (lexical(&root), root))
        .collect();

    let mut by_root: BTreeMap<&PathBuf, (&PathBuf, Vec<&PathBuf>)> = BTreeMap::new();
    let mut sources = Vec::new();
    for &file in files {
        let normalised = lexical(file);
        let owner = nearest_root(&normalised, &configured)
            .or_else(|| nearest_root(&normalised, &recognised));
        match owner {
            Some((key, root)) => by_root
                .entry(key)
                .or_insert((root, Vec::new()))
                .1
                .push(file),
            None => sources.push(standalone(file)),
        }
    }
    for (key, (root, files)) in by_root {
        sources.push(migration_source(key, root, &files));
    }
    sources
}

/// The root a file's own name implies: its directory when the file name is a migration name,
/// its directory's parent when the directory name is.
fn implied_root(file: &Path) -> Option<PathBuf> {
    let parent = file.parent()?;
    if MigrationName::parse(&entry_stem(file)?.0).is_some() {
        return Some(parent.to_path_buf());
    }
    let directory = parent.file_name()?.to_str()?;
    match MigrationName::parse(directory)? {
        MigrationName::Versioned(_) => Some(parent.parent()?.to_path_buf()),
        MigrationName::FlywayRepeatable => None,
    }
}

/// The deepest root strictly above `file`, as (normalised key, root as written): its
/// directories looked up from the nearest, not every root compared with it.
fn nearest_root<'r>(
    file: &Path,
    roots: &'r BTreeMap<PathBuf, PathBuf>,
) -> Option<(&'r PathBuf, &'r PathBuf)> {
    file.ancestors()
        .skip(1)
        .find_map(|directory| roots.get_key_value(directory))
}

fn standalone(file: &Path) -> SchemaSource {
    SchemaSource {
        root: file.to_path_buf(),
        kind: SourceKind::Standalone,
        files: vec![SourceFile {
            path: file.to_path_buf(),
            role: role_of_file(file),
            version: None,
        }],
    }
}

fn migration_source(key: &Path, root: &Path, files: &[&PathBuf]) -> SchemaSource {
    let mut entries: Vec<(SortKey, SourceFile)> = files
        .iter()
        .map(|file| {
            let relative = lexical(file)
                .strip_prefix(key)
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let key = SortKey::new(&relative);
            let file = SourceFile {
                path: (*file).clone(),
                role: key.role(),
                version: key.version().map(|version| version.text.clone()),
            };
            (key, file)
        })
        .collect();
    entries.sort_by(|(a, _), (b, _)| apply_order(a, b));
    let layout = layout_of(key, entries.iter().map(|(key, _)| key));
    SchemaSource {
        root: root.to_path_buf(),
        kind: SourceKind::Migrations { layout },
        files: entries.into_iter().map(|(_, file)| file).collect(),
    }
}

fn layout_of<'k>(root: &Path, keys: impl Iterator<Item = &'k SortKey>) -> MigrationLayout {
    let seen: Vec<MigrationLayout> = keys.filter_map(SortKey::layout_hint).collect();
    let mut names = root.components().rev().map(|part| part.as_os_str());
    let in_supabase =
        names.next() == Some("migrations".as_ref()) && names.next() == Some("supabase".as_ref());
    // Most specific first: one Flyway file makes the whole root Flyway's.
    let layout = [
        MigrationLayout::Flyway,
        MigrationLayout::PrismaMigrate,
        MigrationLayout::UpDownDirectories,
        MigrationLayout::VersionDirectories,
        MigrationLayout::VersionedFiles,
    ]
    .into_iter()
    .find(|layout| seen.contains(layout))
    .unwrap_or(MigrationLayout::Unversioned);
    if in_supabase && layout == MigrationLayout::VersionedFiles {
        MigrationLayout::Supabase
    } else {
        layout
    }
}

/// Where a file sorts inside its migration root: its path below the root, each component read
/// as a migration name, so that versions order directories and files at every level.
#[derive(Debug)]
struct SortKey {
    components: Vec<ComponentKey>,
    relative: PathBuf,
}

#[derive(Debug)]
struct ComponentKey {
    class: EntryClass,
    version: Option<Version>,
    role: FileRole,
    /// A directory's name, or a file's name without extension and `.up`/`.down`, so that an up
    /// file and its down file sort together.
    stem: String,
    /// The name as written.
    name: String,
}

/// Unversioned entries come last: they are helpers or snapshots that migration tools either
/// skip or do not run before their numbered steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum EntryClass {
    Versioned,
    Repeatable,
    Unversioned,
}

impl SortKey {
    fn new(relative: &Path) -> SortKey {
        let names: Vec<&str> = relative
            .components()
            .filter_map(|part| part.as_os_str().to_str())
            .collect();
        let last = names.len().saturating_sub(1);
        let components = names
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let (stem, role) = if index == last {
                    let path = Path::new(name);
                    let stem =
                        entry_stem(path).map_or_else(|| (*name).to_owned(), |(stem, _)| stem);
                    (stem, role_of_file(path))
                } else {
                    ((*name).to_owned(), FileRole::Applied)
                };
                let (class, version) = match MigrationName::parse(&stem) {
                    Some(MigrationName::Versioned(version)) => {
                        (EntryClass::Versioned, Some(version))
                    }
                    Some(MigrationName::FlywayRepeatable) => (EntryClass::Repeatable, None),
                    None => (EntryClass::Unversioned, None),
                };
                ComponentKey {
                    class,
                    version,
                    role,
                    stem,
                    name: (*name).to_owned(),
                }
            })
            .collect();
        SortKey {
            components,
            relative: relative.to_path_buf(),
        }
    }

    fn role(&self) -> FileRole {
        self.components
            .last()
            .map_or(FileRole::Applied, |component| component.role)
    }

    /// The outermost version on the path: a migration directory's, or the file's own.
    fn version(&self) -> Option<&Version> {
        self.components
            .iter()
            .find_map(|component| component.version.as_ref())
    }

    /// The layout the entry directly under the root points to, if any.
    fn layout_hint(&self) -> Option<MigrationLayout> {
        let (entry, inside) = self.components.split_first()?;
        match (inside, &entry.version) {
            ([], Some(version)) if version.flyway => Some(MigrationLayout::Flyway),
            ([], Some(_)) => Some(MigrationLayout::VersionedFiles),
            ([], None) if entry.class == EntryClass::Repeatable => Some(MigrationLayout::Flyway),
            ([], None) => None,
            ([file], Some(_)) if file.name == "migration.sql" => {
                Some(MigrationLayout::PrismaMigrate)
            }
            ([file], Some(_)) if file.name == "up.sql" || file.name == "down.sql" => {
                Some(MigrationLayout::UpDownDirectories)
            }
            (_, Some(_)) => Some(MigrationLayout::VersionDirectories),
            (_, None) => None,
        }
    }
}

fn apply_order(a: &SortKey, b: &SortKey) -> Ordering {
    let mut a_components = a.components.iter();
    let mut b_components = b.components.iter();
    loop {
        let ordering = match (a_components.next(), b_components.next()) {
            (Some(a), Some(b)) => a
                .class
                .cmp(&b.class)
                .then_with(|| compare_versions(a.version.as_ref(), b.version.as_ref()))
                .then_with(|| a.role.cmp(&b.role))
                .then_with(|| a.stem.cmp(&b.stem))
                .then_with(|| a.name.cmp(&b.name)),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => return a.relative.cmp(&b.relative),
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
}

fn compare_versions(a: Option<&Version>, b: Option<&Version>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => {
            let a_parts = a.parts.iter().map(String::as_str);
            let b_parts = b.parts.iter().map(String::as_str);
            for (a_part, b_part) in a_parts.zip(b_parts) {
                let ordering = compare_digits(a_part, b_part);
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            a.parts.len().cmp(&b.parts.len())
        }
        // Only entries of one class are compared here, and a class either has versions or not.
        _ => Ordering::Equal,
    }
}

/// Compares two versions as written in migration names (`20240101120000`, `1.10`,
/// `2019-02-26-002946`) part by part as numbers.
pub fn compare_version_texts(a: &str, b: &str) -> Ordering {
    compare_versions(Some(&Version::new(a, false)), Some(&Version::new(b, false)))
}

/// Whether a migration file is a Flyway repeatable migration (`R__<desc>.sql`), which runs
/// again whenever it changes.
pub fn is_repeatable(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| {
            matches!(
                MigrationName::parse(name.trim_end_matches(".sql")),
                Some(MigrationName::FlywayRepeatable)
            )
        })
}

/// Compares two digit strings as numbers of any length.
fn compare_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Version {
    /// As written.
    text: String,
    /// Digit strings, compared as numbers one after the other.
    parts: Vec<String>,
    flyway: bool,
}

impl Version {
    fn new(text: &str, flyway: bool) -> Version {
        let parts = text.split(['.', '_', '-']).map(str::to_owned).collect();
        Version {
            text: text.to_owned(),
            parts,
            flyway,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum MigrationName {
    Versioned(Version),
    /// Flyway's `R__<desc>`: applied after every versioned migration.
    FlywayRepeatable,
}

impl MigrationName {
    /// Reads a file stem (without extension and `.up`/`.down`) or a directory name.
    fn parse(name: &str) -> Option<MigrationName> {
        if let Some(description) = name.strip_prefix("R__") {
            return (!description.is_empty()).then_some(MigrationName::FlywayRepeatable);
        }
        if let Some(version) = flyway_version(name) {
            return Some(MigrationName::Versioned(Version::new(version, true)));
        }
        let (prefixed, unprefixed) = match name.strip_prefix(['V', 'v']) {
            Some(rest) => (true, rest),
            None => (false, name),
        };
        let length = version_length(unprefixed);
        if length == 0 {
            return None;
        }
        let (version, rest) = unprefixed.split_at(length);
        // `V0001.Initial_Schema` and `v1.10` yes; `v2_schema` is an ordinary name.
        let separated = if prefixed {
            rest.is_empty() || rest.starts_with('.')
        } else {
            rest.is_empty() || rest.starts_with(['_', '-', '.'])
        };
        separated.then(|| MigrationName::Versioned(Version::new(version, false)))
    }
}

/// `V1__x`, `V1.1__x`, `V2_1__x`, `U3__x`: the version between the prefix and `__`.
fn flyway_version(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(['V', 'U'])?;
    let (version, description) = rest.split_once("__")?;
    let well_formed = !description.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version.ends_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && !version.contains("..")
        && !version.contains("._")
        && !version.contains("_.");
    well_formed.then_some(version)
}

/// The length of the leading version: digit groups joined by `-` or `.`.
fn version_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    let digits_from = |start: usize| {
        bytes[start..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    };
    let mut end = digits_from(0);
    if end == 0 {
        return 0;
    }
    while end < bytes.len() && matches!(bytes[end], b'-' | b'.') {
        let group = digits_from(end + 1);
        if group == 0 {
            break;
        }
        end += 1 + group;
    }
    end
}

/// A file's name without extension and `.up`/`.down`, and whether it was a down file.
fn entry_stem(file: &Path) -> Option<(String, FileRole)> {
    let stem = file.file_stem()?.to_str()?;
    let lower = stem.to_ascii_lowercase();
    if lower.ends_with(".down") {
        return Some((
            stem[..stem.len() - ".down".len()].to_owned(),
            FileRole::Down,
        ));
    }
    if lower.ends_with(".up") {
        return Some((
            stem[..stem.len() - ".up".len()].to_owned(),
            FileRole::Applied,
        ));
    }
    Some((stem.to_owned(), FileRole::Applied))
}

fn role_of_file(file: &Path) -> FileRole {
    let Some((stem, role)) = entry_stem(file) else {
        return FileRole::Applied;
    };
    let is_undo = flyway_version(&stem).is_some() && stem.starts_with('U');
    if role == FileRole::Down || stem.eq_ignore_ascii_case("down") || is_undo {
        FileRole::Down
    } else {
        FileRole::Applied
    }
}

fn prisma_sources(
    files: &[&PathBuf],
    declares_datasource: &impl Fn(&Path) -> bool,
) -> Vec<SchemaSource> {
    let mut datasources_per_directory: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for file in files {
        if declares_datasource(file) {
            let directory = lexical(file.parent().unwrap_or(Path::new("")));
            *datasources_per_directory.entry(directory).or_default() += 1;
        }
    }
    let mut schemas: BTreeMap<PathBuf, (PathBuf, Vec<PathBuf>)> = BTreeMap::new();
    let mut sources = Vec::new();
    for &file in files {
        let normalised = lexical(file);
        // The nearest directory with a datasource decides: one means a schema, several mean
        // independent schemas side by side.
        let deciding = normalised.ancestors().skip(1).find_map(|directory| {
            datasources_per_directory
                .get(directory)
                .map(|count| (directory, *count))
        });
        match deciding {
            Some((directory, 1)) => {
                let original_root = original_ancestor(
                    file,
                    normalised.components().count() - directory.components().count(),
                );
                schemas
                    .entry(directory.to_path_buf())
                    .or_insert_with(|| (original_root, Vec::new()))
                    .1
                    .push(file.clone());
            }
            _ => sources.push(standalone(file)),
        }
    }
    for (_, (root, mut files)) in schemas {
        files.sort();
        sources.push(SchemaSource {
            root,
            kind: SourceKind::PrismaSchema,
            files: files
                .into_iter()
                .map(|path| SourceFile {
                    path,
                    role: FileRole::Applied,
                    version: None,
                })
                .collect(),
        });
    }
    sources
}

/// `file` with `levels` trailing components removed, in the form the caller wrote it.
fn original_ancestor(file: &Path, levels: usize) -> PathBuf {
    file.ancestors()
        .nth(levels)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A path without `.` components, for comparisons; `..` is kept, as resolving it needs the disk.
pub(crate) fn lexical(path: &Path) -> PathBuf {
    lexical_components(path).collect()
}

fn lexical_components(path: &Path) -> impl Iterator<Item = Component<'_>> {
    path.components()
        .filter(|part| !matches!(part, Component::CurDir))
}

/// Whether a Prisma schema file has a `datasource` block, which marks the main file of a schema.
pub fn declares_prisma_datasource(text: &str) -> bool {
    text.lines().any(|line| {
        line.trim_start()
            .strip_prefix("datasource")
            .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    })
}

/// Whether a Prisma schema's datasource names a database other than PostgreSQL (MySQL, SQLite,
/// SQL Server, MongoDB): ddlint's advice (`timestamptz`, `jsonb`, ...) does not apply there.
pub fn prisma_targets_another_database(text: &str) -> bool {
    let mut in_datasource = false;
    for line in text.lines().map(str::trim) {
        if line
            .strip_prefix("datasource")
            .is_some_and(|rest| rest.starts_with(char::is_whitespace))
        {
            in_datasource = true;
        } else if in_datasource && line.starts_with('}') {
            in_datasource = false;
        } else if in_datasource
            && let Some(value) = line
                .strip_prefix("provider")
                .and_then(|rest| rest.trim_start().strip_prefix('='))
        {
            let provider = value.trim().trim_matches('"');
            return !matches!(provider, "postgresql" | "postgres" | "cockroachdb");
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::applied_region;

    #[test]
    fn prisma_providers() {
        let schema = |provider: &str| {
            format!(
                "generator client {{\n  provider = \"prisma-client-js\"\n}}\n\ndatasource db {{\n  provider = \"{provider}\"\n  url = env(\"DATABASE_URL\")\n}}\n"
            )
        };
        for other in ["mysql", "sqlite", "sqlserver", "mongodb"] {
            assert!(prisma_targets_another_database(&schema(other)), "{other}");
        }
        for postgres in ["postgresql", "postgres", "cockroachdb"] {
            assert!(
                !prisma_targets_another_database(&schema(postgres)),
                "{postgres}"
            );
        }
        assert!(!prisma_targets_another_database(
            "model User {\n  id Int @id\n}\n"
        ));
    }

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    fn group(list: &[&str]) -> Vec<SchemaSource> {
        group_into_sources(&paths(list), &[], |_| false)
    }

    /// The only source of `list`, which must be a migration root.
    #[track_caller]
    fn single_migration_source(list: &[&str]) -> SchemaSource {
        let mut sources = group(list);
        assert_eq!(sources.len(), 1, "{sources:#?}");
        let source = sources.remove(0);
        assert!(
            matches!(source.kind, SourceKind::Migrations { .. }),
            "{source:#?}"
        );
        source
    }

    fn layout(source: &SchemaSource) -> Option<MigrationLayout> {
        match source.kind {
            SourceKind::Migrations { layout } => Some(layout),
            _ => None,
        }
    }

    /// The files in order, down files marked with a trailing ` (down)`.
    fn order(source: &SchemaSource) -> Vec<String> {
        source
            .files
            .iter()
            .map(|file| {
                let path = file.path.to_string_lossy().into_owned();
                match file.role {
                    FileRole::Applied => path,
                    FileRole::Down => format!("{path} (down)"),
                }
            })
            .collect()
    }

    #[test]
    fn golang_migrate_and_sqlx_up_down_files() {
        let source = single_migration_source(&[
            "db/migrations/2_posts.up.sql",
            "db/migrations/10_tags.up.sql",
            "db/migrations/1_users.down.sql",
            "db/migrations/2_posts.down.sql",
            "db/migrations/1_users.up.sql",
        ]);
        assert_eq!(source.root, Path::new("db/migrations"));
        assert_eq!(layout(&source), Some(MigrationLayout::VersionedFiles));
        assert_eq!(
            order(&source),
            [
                "db/migrations/1_users.up.sql",
                "db/migrations/1_users.down.sql (down)",
                "db/migrations/2_posts.up.sql",
                "db/migrations/2_posts.down.sql (down)",
                "db/migrations/10_tags.up.sql",
            ]
        );
        let versions: Vec<_> = source.files.iter().map(|f| f.version.as_deref()).collect();
        assert_eq!(
            versions,
            [Some("1"), Some("1"), Some("2"), Some("2"), Some("10")]
        );
        let applied: Vec<_> = source.applied_files().map(|f| f.path.clone()).collect();
        assert_eq!(
            applied,
            paths(&[
                "db/migrations/1_users.up.sql",
                "db/migrations/2_posts.up.sql",
                "db/migrations/10_tags.up.sql",
            ])
        );
    }

    #[test]
    fn timestamped_files_of_sqlx_dbmate_and_goose() {
        let source = single_migration_source(&[
            "migrations/20240102000000_b.sql",
            "migrations/20240101000000_a.sql",
            "migrations/20231231235959_z.sql",
        ]);
        assert_eq!(layout(&source), Some(MigrationLayout::VersionedFiles));
        assert_eq!(
            order(&source),
            [
                "migrations/20231231235959_z.sql",
                "migrations/20240101000000_a.sql",
                "migrations/20240102000000_b.sql",
            ]
        );
    }

    #[test]
    fn versions_compare_as_numbers_then_names() {
        let source = single_migration_source(&[
            "m/10_ten.sql",
            "m/9_nine.sql",
            "m/0009_also_nine.sql",
            "m/100000000000000000000000001_huge.sql",
            "m/99999999999999999999999999_big.sql",
            "m/1-two-dashes.sql",
        ]);
        assert_eq!(
            order(&source),
            [
                "m/1-two-dashes.sql",
                "m/0009_also_nine.sql",
                "m/9_nine.sql",
                "m/10_ten.sql",
                "m/99999999999999999999999999_big.sql",
                "m/100000000000000000000000001_huge.sql",
            ]
        );
    }

    #[test]
    fn flyway() {
        let source = single_migration_source(&[
            "sql/V10__ten.sql",
            "sql/R__views.sql",
            "sql/V2__two.sql",
            "sql/V1.1__one_one.sql",
            "sql/U2__two.sql",
            "sql/V2_1__two_one.sql",
            "sql/R__a_functions.sql",
            "sql/V1__init.sql",
            "sql/V1.10__one_ten.sql",
        ]);
        assert_eq!(layout(&source), Some(MigrationLayout::Flyway));
        assert_eq!(
            order(&source),
            [
                "sql/V1__init.sql",
                "sql/V1.1__one_one.sql",
                "sql/V1.10__one_ten.sql",
                "sql/V2__two.sql",
                "sql/U2__two.sql (down)",
                "sql/V2_1__two_one.sql",
                "sql/V10__ten.sql",
                "sql/R__a_functions.sql",
                "sql/R__views.sql",
            ]
        );
        let versions: Vec<_> = source.files.iter().map(|f| f.version.as_deref()).collect();
        assert_eq!(
            versions,
            [
                Some("1"),
                Some("1.1"),
                Some("1.10"),
                Some("2"),
                Some("2"),
                Some("2_1"),
                Some("10"),
                None,
                None
            ]
        );
    }

    #[test]
    fn authelia_style() {
        let source = single_migration_source(&[
            "postgres/V0010.FixConsent.up.sql",
            "postgres/V0002.WebAuthn.down.sql",
            "postgres/V0001.Initial_Schema.up.sql",
            "postgres/V0002.WebAuthn.up.sql",
            "postgres/V0001.Initial_Schema.down.sql",
        ]);
        assert_eq!(layout(&source), Some(MigrationLayout::VersionedFiles));
        assert_eq!(
            order(&source),
            [
                "postgres/V0001.Initial_Schema.up.sql",
                "postgres/V0001.Initial_Schema.down.sql (down)",
                "postgres/V0002.WebAuthn.up.sql",
                "postgres/V0002.WebAuthn.down.sql (down)",
                "postgres/V0010.FixConsent.up.sql",
            ]
        );
    }

    #[test]
    fn diesel_directories() {
        let source = single_migration_source(&[
            "migrations/2019-02-27-170003_create_community/up.sql",
            "migrations/2019-02-26-002946_create_user/down.sql",
            "migrations/00000000000000_diesel_initial_setup/up.sql",
            "migrations/2025-09-19-132648-0000_theme/up.sql",
            "migrations/2019-02-26-002946_create_user/up.sql",
            "migrations/00000000000000_diesel_initial_setup/down.sql",
            "migrations/2025-09-19-090047_notify/up.sql",
        ]);
        assert_eq!(source.root, Path::new("migrations"));
        assert_eq!(layout(&source), Some(MigrationLayout::UpDownDirectories));
        assert_eq!(
            order(&source),
            [
                "migrations/00000000000000_diesel_initial_setup/up.sql",
                "migrations/00000000000000_diesel_initial_setup/down.sql (down)",
                "migrations/2019-02-26-002946_create_user/up.sql",
                "migrations/2019-02-26-002946_create_user/down.sql (down)",
                "migrations/2019-02-27-170003_create_community/up.sql",
                "migrations/2025-09-19-090047_notify/up.sql",
                "migrations/2025-09-19-132648-0000_theme/up.sql",
            ]
        );
        assert_eq!(
            source.files[2].version.as_deref(),
            Some("2019-02-26-002946")
        );
    }

    #[test]
    fn hasura_directories_under_a_database_folder() {
        let source = single_migration_source(&[
            "hasura/migrations/default/1574629116211_set_fk/up.sql",
            "hasura/migrations/default/1574432601495_create_tables/up.sql",
            "hasura/migrations/default/1574629116211_set_fk/down.sql",
        ]);
        assert_eq!(source.root, Path::new("hasura/migrations/default"));
        assert_eq!(layout(&source), Some(MigrationLayout::UpDownDirectories));
        assert_eq!(
            order(&source),
            [
                "hasura/migrations/default/1574432601495_create_tables/up.sql",
                "hasura/migrations/default/1574629116211_set_fk/up.sql",
                "hasura/migrations/default/1574629116211_set_fk/down.sql (down)",
            ]
        );
    }

    #[test]
    fn prisma_migrate_next_to_its_schema() {
        let files = paths(&[
            "prisma/migrations/20221013171533_add_nsfw/migration.sql",
            "prisma/schema.prisma",
            "prisma/migrations/20221011220133_init/migration.sql",
        ]);
        let sources = group_into_sources(&files, &[], |path| path.ends_with("schema.prisma"));
        assert_eq!(sources.len(), 2, "{sources:#?}");
        assert_eq!(sources[0].root, Path::new("prisma"));
        assert_eq!(sources[0].kind, SourceKind::PrismaSchema);
        assert_eq!(order(&sources[0]), ["prisma/schema.prisma"]);
        assert_eq!(sources[1].root, Path::new("prisma/migrations"));
        assert_eq!(layout(&sources[1]), Some(MigrationLayout::PrismaMigrate));
        assert_eq!(
            order(&sources[1]),
            [
                "prisma/migrations/20221011220133_init/migration.sql",
                "prisma/migrations/20221013171533_add_nsfw/migration.sql",
            ]
        );
    }

    #[test]
    fn supabase() {
        let sources = group(&[
            "supabase/migrations/20240414162100_invitations.sql",
            "supabase/seed.sql",
            "supabase/migrations/20240414161707_setup.sql",
        ]);
        assert_eq!(sources.len(), 2, "{sources:#?}");
        assert_eq!(sources[0].root, Path::new("supabase/migrations"));
        assert_eq!(layout(&sources[0]), Some(MigrationLayout::Supabase));
        assert_eq!(
            order(&sources[0]),
            [
                "supabase/migrations/20240414161707_setup.sql",
                "supabase/migrations/20240414162100_invitations.sql",
            ]
        );
        assert_eq!(sources[1].root, Path::new("supabase/seed.sql"));
        assert_eq!(sources[1].kind, SourceKind::Standalone);
    }

    #[test]
    fn temporal_version_directories_are_one_source_per_database() {
        let sources = group(&[
            "v12/temporal/versioned/v1.10/task_queue_user_data.sql",
            "v12/temporal/versioned/v1.0/schema.sql",
            "v12/temporal/versioned/v1.5/executions.sql",
            "v12/temporal/versioned/v1.5/cluster_membership.sql",
            "v12/temporal/versioned/v1.9/history_tasks_table.sql",
            "v12/visibility/versioned/v1.0/schema.sql",
            "v12/visibility/versioned/v1.1/index.sql",
        ]);
        assert_eq!(sources.len(), 2, "{sources:#?}");
        assert_eq!(sources[0].root, Path::new("v12/temporal/versioned"));
        assert_eq!(
            layout(&sources[0]),
            Some(MigrationLayout::VersionDirectories)
        );
        assert_eq!(
            order(&sources[0]),
            [
                "v12/temporal/versioned/v1.0/schema.sql",
                "v12/temporal/versioned/v1.5/cluster_membership.sql",
                "v12/temporal/versioned/v1.5/executions.sql",
                "v12/temporal/versioned/v1.9/history_tasks_table.sql",
                "v12/temporal/versioned/v1.10/task_queue_user_data.sql",
            ]
        );
        assert_eq!(sources[0].files[4].version.as_deref(), Some("1.10"));
        assert_eq!(sources[1].root, Path::new("v12/visibility/versioned"));
    }

    #[test]
    fn unversioned_files_in_a_root_apply_after_the_versioned_ones() {
        let source = single_migration_source(&[
            "db/migrations/schema.sql",
            "db/migrations/002_b.sql",
            "db/migrations/helpers/functions.sql",
            "db/migrations/001_a.sql",
        ]);
        assert_eq!(
            order(&source),
            [
                "db/migrations/001_a.sql",
                "db/migrations/002_b.sql",
                "db/migrations/helpers/functions.sql",
                "db/migrations/schema.sql",
            ]
        );
        assert!(source.files[2].version.is_none());
    }

    #[test]
    fn standalone_files() {
        let sources = group(&[
            "schema.sql",
            "db/views.sql",
            "db/v2_schema.sql",
            "db/2fa.sql",
            "db/teardown.down.sql",
        ]);
        assert_eq!(sources.len(), 5, "{sources:#?}");
        assert!(sources.iter().all(|s| s.kind == SourceKind::Standalone));
        assert!(
            sources
                .iter()
                .all(|s| s.files.len() == 1 && s.root == s.files[0].path)
        );
        let down = source_of(&sources, Path::new("db/teardown.down.sql"));
        assert_eq!(down.map(|s| s.files[0].role), Some(FileRole::Down));
    }

    #[test]
    fn migration_root_in_the_working_directory() {
        let source = single_migration_source(&["002_b.sql", "001_a.sql", "seed.sql"]);
        assert_eq!(source.root, Path::new(""));
        assert_eq!(order(&source), ["001_a.sql", "002_b.sql", "seed.sql"]);
    }

    #[test]
    fn nearest_recognised_root_wins() {
        let sources = group(&[
            "db/001_init.sql",
            "db/seeds/001_users.sql",
            "db/seeds/002_posts.sql",
        ]);
        assert_eq!(sources.len(), 2, "{sources:#?}");
        assert_eq!(order(&sources[0]), ["db/001_init.sql"]);
        assert_eq!(
            order(&sources[1]),
            ["db/seeds/001_users.sql", "db/seeds/002_posts.sql"]
        );
    }

    #[test]
    fn configured_root_claims_everything_below_it() {
        let files = paths(&[
            "./db/views.sql",
            "db/tables.sql",
            "db/migrations/001_x.sql",
            "other/schema.sql",
        ]);
        let sources = group_into_sources(&files, &paths(&["./db"]), |_| false);
        assert_eq!(sources.len(), 2, "{sources:#?}");
        let db = &sources[0];
        assert_eq!(db.root, Path::new("./db"));
        assert_eq!(layout(db), Some(MigrationLayout::Unversioned));
        assert_eq!(
            order(db),
            ["db/migrations/001_x.sql", "db/tables.sql", "./db/views.sql"]
        );
        assert_eq!(sources[1].kind, SourceKind::Standalone);
        assert!(std::ptr::eq(
            source_of(&sources, Path::new("db/views.sql")).unwrap(),
            db
        ));
        assert!(source_of(&sources, Path::new("db/new.sql")).is_none());
    }

    #[test]
    fn configured_root_with_versioned_names_orders_them() {
        let files = paths(&["sql/b.sql", "sql/2_two.sql", "sql/1_one.sql"]);
        let sources = group_into_sources(&files, &paths(&["sql"]), |_| false);
        assert_eq!(sources.len(), 1);
        assert_eq!(
            order(&sources[0]),
            ["sql/1_one.sql", "sql/2_two.sql", "sql/b.sql"]
        );
    }

    #[test]
    fn versions_order_every_level_of_a_configured_root() {
        let files = paths(&[
            "db/migrations/10_ten.sql",
            "db/migrations/2_two.sql",
            "db/tables.sql",
            "db/functions/1_util.sql",
        ]);
        let sources = group_into_sources(&files, &paths(&["db"]), |_| false);
        assert_eq!(sources.len(), 1, "{sources:#?}");
        assert_eq!(
            order(&sources[0]),
            [
                "db/functions/1_util.sql",
                "db/migrations/2_two.sql",
                "db/migrations/10_ten.sql",
                "db/tables.sql",
            ]
        );
        let versions: Vec<_> = sources[0]
            .files
            .iter()
            .map(|f| f.version.as_deref())
            .collect();
        assert_eq!(versions, [Some("1"), Some("2"), Some("10"), None]);
    }

    #[test]
    fn multi_file_prisma_schemas() {
        let files = paths(&[
            "prisma/dub/schema.prisma",
            "prisma/dub/link.prisma",
            "prisma/rallly/models/user.prisma",
            "prisma/rallly/schema.prisma",
            "prisma/calcom.prisma",
            "prisma/civitai.prisma",
            "fragments/user.prisma",
        ]);
        let with_datasource = paths(&[
            "prisma/dub/schema.prisma",
            "prisma/rallly/schema.prisma",
            "prisma/calcom.prisma",
            "prisma/civitai.prisma",
        ]);
        let sources = group_into_sources(&files, &[], |path| {
            with_datasource.iter().any(|p| p == path)
        });
        let summary: Vec<(String, SourceKind, usize)> = sources
            .iter()
            .map(|s| (s.root.to_string_lossy().into_owned(), s.kind, s.files.len()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "fragments/user.prisma".to_owned(),
                    SourceKind::Standalone,
                    1
                ),
                ("prisma/calcom.prisma".to_owned(), SourceKind::Standalone, 1),
                (
                    "prisma/civitai.prisma".to_owned(),
                    SourceKind::Standalone,
                    1
                ),
                ("prisma/dub".to_owned(), SourceKind::PrismaSchema, 2),
                ("prisma/rallly".to_owned(), SourceKind::PrismaSchema, 2),
            ]
        );
        assert_eq!(
            order(&sources[4]),
            [
                "prisma/rallly/models/user.prisma",
                "prisma/rallly/schema.prisma"
            ]
        );
    }

    #[test]
    fn migration_names() {
        let version = |name: &str| match MigrationName::parse(name) {
            Some(MigrationName::Versioned(version)) => Some(version.parts),
            _ => None,
        };
        assert_eq!(version("20240101_init"), Some(vec!["20240101".to_owned()]));
        assert_eq!(version("001-init"), Some(vec!["001".to_owned()]));
        assert_eq!(version("001.init"), Some(vec!["001".to_owned()]));
        assert_eq!(version("42"), Some(vec!["42".to_owned()]));
        assert_eq!(
            version("1.2.3_x"),
            Some(vec!["1".to_owned(), "2".to_owned(), "3".to_owned()])
        );
        assert_eq!(
            version("V2_1__x"),
            Some(vec!["2".to_owned(), "1".to_owned()])
        );
        assert_eq!(
            version("v1.10"),
            Some(vec!["1".to_owned(), "10".to_owned()])
        );
        assert_eq!(
            version("V0001.Initial_Schema"),
            Some(vec!["0001".to_owned()])
        );
        assert_eq!(version("2fa"), None);
        assert_eq!(version("v2_schema"), None);
        assert_eq!(version("schema"), None);
        assert_eq!(version("V__x"), None);
        assert_eq!(version("R__"), None);
        assert_eq!(
            MigrationName::parse("R__views"),
            Some(MigrationName::FlywayRepeatable)
        );
    }

    #[test]
    fn roles() {
        assert_eq!(role_of_file(Path::new("a/1_x.down.sql")), FileRole::Down);
        assert_eq!(role_of_file(Path::new("a/1_x.DOWN.sql")), FileRole::Down);
        assert_eq!(role_of_file(Path::new("a/1_x/down.sql")), FileRole::Down);
        assert_eq!(role_of_file(Path::new("a/U3__x.sql")), FileRole::Down);
        assert_eq!(role_of_file(Path::new("a/1_x.up.sql")), FileRole::Applied);
        assert_eq!(role_of_file(Path::new("a/1_x/up.sql")), FileRole::Applied);
        assert_eq!(role_of_file(Path::new("a/downtime.sql")), FileRole::Applied);
        assert_eq!(role_of_file(Path::new("a/Users.sql")), FileRole::Applied);
    }

    #[track_caller]
    fn check_region(text: &str, expected: &str) {
        assert_eq!(&text[applied_region(text)], expected);
    }

    #[test]
    fn goose_sections() {
        check_region(
            "-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE t (id int);\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE t;\n",
            "-- +goose StatementBegin\nCREATE TABLE t (id int);\n-- +goose StatementEnd\n\n",
        );
        check_region(
            "-- leading comment\n--  +goose up\nCREATE TABLE t ();\n",
            "CREATE TABLE t ();\n",
        );
        check_region(
            "-- +goose Up\r\n-- +goose NO TRANSACTION\r\nCREATE INDEX i ON t (c);\r\n-- +goose Down\r\nDROP INDEX i;\r\n",
            "-- +goose NO TRANSACTION\r\nCREATE INDEX i ON t (c);\r\n",
        );
    }

    #[test]
    fn dbmate_sections() {
        check_region(
            "-- migrate:up\nCREATE TABLE t ();\n\n-- migrate:down\nDROP TABLE t;\n",
            "CREATE TABLE t ();\n\n",
        );
        check_region(
            "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- migrate:down\n",
            "CREATE INDEX CONCURRENTLY i ON t (c);\n",
        );
        check_region("-- migrate:up\nSELECT 1;", "SELECT 1;");
    }

    #[test]
    fn text_without_markers_is_applied_whole() {
        check_region("", "");
        check_region("CREATE TABLE t ();\n", "CREATE TABLE t ();\n");
        check_region(
            "-- migrate:upgrade notes\nCREATE TABLE t ();",
            "-- migrate:upgrade notes\nCREATE TABLE t ();",
        );
        check_region("SELECT '-- +goose Down';\n", "SELECT '-- +goose Down';\n");
    }

    #[test]
    fn down_marker_without_up_marker_ends_the_region() {
        check_region(
            "CREATE TABLE t ();\n-- +goose Down\nDROP TABLE t;\n",
            "CREATE TABLE t ();\n",
        );
    }

    #[test]
    fn prisma_datasource() {
        assert!(declares_prisma_datasource(
            "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n"
        ));
        assert!(declares_prisma_datasource("  datasource\tdb {}"));
        assert!(!declares_prisma_datasource(
            "// datasource db {}\nmodel User {\n  id Int @id\n}\n"
        ));
        assert!(!declares_prisma_datasource(
            "model datasourceLog {\n  id Int @id\n}\n"
        ));
    }

    /// Each directory of the corpus's `migrations/` is one schema, except Temporal's, which holds
    /// two databases (`temporal/versioned` and `visibility/versioned`).
    #[test]
    fn corpus_migration_directories() {
        let Some(corpus) = std::env::var_os("DDLINT_CORPUS") else {
            println!("DDLINT_CORPUS is not set; skipping the corpus test");
            return;
        };
        let migrations = Path::new(&corpus).join("migrations");
        let collected = super::super::files::collect_files(
            std::slice::from_ref(&migrations),
            &crate::config::Config::default(),
        );
        assert!(collected.problems.is_empty(), "{:?}", collected.problems);
        assert!(!collected.files.is_empty());
        let sources = group_into_sources(&collected.files, &[], |_| false);

        let mut expected_roots: Vec<PathBuf> = std::fs::read_dir(&migrations)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_dir())
            .flat_map(|path| {
                if path.ends_with("temporal-postgresql-v12") {
                    vec![
                        path.join("temporal/versioned"),
                        path.join("visibility/versioned"),
                    ]
                } else {
                    vec![path]
                }
            })
            .collect();
        expected_roots.sort();
        let roots: Vec<PathBuf> = sources.iter().map(|s| s.root.clone()).collect();
        assert_eq!(roots, expected_roots);
        let listed: usize = sources.iter().map(|s| s.files.len()).sum();
        assert_eq!(listed, collected.files.len());

        let by_name = |name: &str| {
            sources
                .iter()
                .find(|s| {
                    s.root
                        .strip_prefix(&migrations)
                        .is_ok_and(|r| r == Path::new(name))
                })
                .unwrap_or_else(|| panic!("no source {name}"))
        };
        let relative_order = |source: &SchemaSource| -> Vec<String> {
            source
                .applied_files()
                .map(|f| {
                    f.path
                        .strip_prefix(&source.root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        };
        let position = |list: &[String], name: &str| {
            list.iter()
                .position(|item| item == name)
                .unwrap_or_else(|| panic!("{name} is not applied"))
        };

        for source in &sources {
            let SourceKind::Migrations { layout } = source.kind else {
                panic!("{} is not a migration source", source.root.display());
            };
            for file in &source.files {
                let name = file.path.file_name().unwrap().to_string_lossy();
                let is_down = name == "down.sql" || name.ends_with(".down.sql");
                let expected_role = if is_down {
                    FileRole::Down
                } else {
                    FileRole::Applied
                };
                assert_eq!(file.role, expected_role, "{}", file.path.display());
                assert!(file.version.is_some(), "{}", file.path.display());
            }
            let versions: Vec<Version> = source
                .applied_files()
                .map(|f| {
                    Version::new(
                        f.version.as_deref().unwrap(),
                        layout == MigrationLayout::Flyway,
                    )
                })
                .collect();
            for pair in versions.windows(2) {
                assert_ne!(
                    compare_versions(Some(&pair[0]), Some(&pair[1])),
                    Ordering::Greater,
                    "{} before {} in {}",
                    pair[0].text,
                    pair[1].text,
                    source.root.display()
                );
            }
        }

        let lemmy = by_name("lemmy-diesel");
        assert_eq!(layout(lemmy), Some(MigrationLayout::UpDownDirectories));
        let lemmy_order = relative_order(lemmy);
        assert_eq!(lemmy_order[0], "00000000000000_diesel_initial_setup/up.sql");
        assert_eq!(lemmy_order[1], "2019-02-26-002946_create_user/up.sql");
        assert!(
            position(&lemmy_order, "2025-09-19-090047_notify-mod-action/up.sql")
                < position(
                    &lemmy_order,
                    "2025-09-19-132648-0000_theme-instance-default/up.sql"
                )
        );
        // Diesel orders by the version with dashes removed, compared as text.
        let mut diesel_order = lemmy_order.clone();
        diesel_order.sort_by_key(|name| {
            let version = name.split('_').next().unwrap_or_default().replace('-', "");
            (version, name.clone())
        });
        assert_eq!(lemmy_order, diesel_order);

        let umami = relative_order(by_name("umami-prisma"));
        assert_eq!(
            layout(by_name("umami-prisma")),
            Some(MigrationLayout::PrismaMigrate)
        );
        assert_eq!(umami[0], "01_init/migration.sql");
        assert_eq!(
            position(&umami, "09_update_hostname_region/migration.sql") + 1,
            position(&umami, "10_add_distinct_id/migration.sql")
        );

        let authelia = by_name("authelia-postgres");
        assert_eq!(layout(authelia), Some(MigrationLayout::VersionedFiles));
        let authelia_order = order(authelia);
        assert!(authelia_order[0].ends_with("V0001.Initial_Schema.up.sql"));
        assert!(authelia_order[1].ends_with("V0001.Initial_Schema.down.sql (down)"));
        assert!(authelia_order[2].ends_with("V0002.WebAuthn.up.sql"));

        let temporal = relative_order(by_name("temporal-postgresql-v12/temporal/versioned"));
        assert_eq!(
            layout(by_name("temporal-postgresql-v12/temporal/versioned")),
            Some(MigrationLayout::VersionDirectories)
        );
        assert_eq!(temporal[0], "v1.0/schema.sql");
        assert_eq!(
            position(&temporal, "v1.9/history_tasks_table.sql") + 1,
            position(&temporal, "v1.10/task_queue_user_data.sql")
        );

        let hatchet = by_name("hatchet-goose");
        assert_eq!(layout(hatchet), Some(MigrationLayout::VersionedFiles));
        assert_eq!(relative_order(hatchet)[0], "20240115180414_init.sql");

        let pace = by_name("pace-admin-hasura");
        assert_eq!(layout(pace), Some(MigrationLayout::UpDownDirectories));
        assert_eq!(
            relative_order(pace)[0],
            "1574432601495_create_tables/up.sql"
        );

        assert_eq!(
            layout(by_name("civitai-prisma")),
            Some(MigrationLayout::PrismaMigrate)
        );
        assert_eq!(
            layout(by_name("atuin-server-postgres-sqlx")),
            Some(MigrationLayout::VersionedFiles)
        );
    }

    #[test]
    fn corpus_goose_sections_exclude_the_down_part() {
        let Some(corpus) = std::env::var_os("DDLINT_CORPUS") else {
            println!("DDLINT_CORPUS is not set; skipping the corpus test");
            return;
        };
        let directory = Path::new(&corpus).join("migrations/hatchet-goose");
        let mut with_down = 0;
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let region = applied_region(&text);
            let applied = &text[region.clone()];
            assert!(!applied.contains("+goose Up"), "{}", path.display());
            assert!(!applied.contains("+goose Down"), "{}", path.display());
            if text.contains("-- +goose Down") {
                with_down += 1;
                assert!(region.end < text.len(), "{}", path.display());
            }
        }
        assert!(with_down > 0);
    }
}
