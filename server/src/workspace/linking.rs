//! Schema directories: standalone SQL files of one directory that build one schema together
//! (`CreateTypes.sql`, `CreateTables.sql`, `CreatePrimaryKeys.sql`, `CreateIndexes.sql`, ...).
//!
//! Each standalone file is its own source, so a file that adds keys or indexes to tables created
//! in a sibling file would see tables it does not know, and the sibling would miss its keys.
//! Files of one directory are linked into one source when one uses what another creates (it
//! alters, indexes, comments on or references a table, or uses a type, that the other creates and
//! it does not), and applied creators first. Directories of alternative schemas (two files
//! creating the same table) are left alone: which one applies is not ours to guess.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::files::FileKind;
use super::sources::{FileRole, SchemaSource, SourceFile, SourceKind};
use crate::lower::{AlterTypeAction, Fact, ObjectName, PlacedStatement, TypeRef};
use crate::markdown::is_mermaid_file;

/// What one file creates and what it uses without creating it. Names are borrowed from the
/// lowered statements.
#[derive(Default)]
struct Needs<'a> {
    creates_tables: HashSet<&'a str>,
    creates_types: HashSet<&'a str>,
    uses_tables: HashSet<&'a str>,
    uses_types: HashSet<&'a str>,
}

/// The unqualified name: schema files mix qualified and unqualified spellings.
fn key(name: &ObjectName) -> &str {
    &name.name.name
}

/// How a statement names a table or type, for linking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Naming {
    CreatesTable = 0,
    CreatesType = 1,
    UsesTable = 2,
    UsesType = 3,
}

/// Calls `found` with each table or type that `statement` creates or uses.
fn names_of<'a>(statement: &'a PlacedStatement, mut found: impl FnMut(Naming, &'a str)) {
    fn use_type<'a>(found: &mut impl FnMut(Naming, &'a str), ty: &'a TypeRef) {
        if ty.builtin.is_none() {
            found(Naming::UsesType, &ty.name);
        }
    }
    for fact in &statement.lowered.facts {
        match fact {
            Fact::CreateTable(table) => {
                found(Naming::CreatesTable, key(&table.name));
                for column in &table.columns {
                    if let Some(ty) = &column.ty {
                        use_type(&mut found, ty);
                    }
                    for constraint in &column.constraints {
                        if let crate::lower::ConstraintKind::ForeignKey { references, .. } =
                            &constraint.kind
                        {
                            found(Naming::UsesTable, key(&references.table));
                        }
                    }
                }
                for parent in table
                    .partition_of
                    .iter()
                    .chain(&table.inherits)
                    .chain(&table.like)
                {
                    found(Naming::UsesTable, key(parent));
                }
            }
            Fact::AlterTable(alter) => found(Naming::UsesTable, key(&alter.name)),
            Fact::CreateIndex(index) => found(Naming::UsesTable, key(&index.table)),
            Fact::CreateTrigger(trigger) => found(Naming::UsesTable, key(&trigger.table)),
            Fact::CreatePolicy(policy) => found(Naming::UsesTable, key(&policy.table)),
            Fact::Comment(comment) => found(Naming::UsesTable, key(&comment.target)),
            Fact::CreateType(create) => found(Naming::CreatesType, key(&create.name)),
            Fact::CreateDomain(domain) => {
                found(Naming::CreatesType, key(&domain.name));
                use_type(&mut found, &domain.ty);
            }
            Fact::AlterType { name, action } if !matches!(action, AlterTypeAction::Other) => {
                found(Naming::UsesType, key(name));
            }
            _ => {}
        }
    }
}

fn needs_of(statements: &[PlacedStatement]) -> Needs<'_> {
    let mut needs = Needs::default();
    for statement in statements {
        names_of(statement, |naming, name| {
            let set = match naming {
                Naming::CreatesTable => &mut needs.creates_tables,
                Naming::CreatesType => &mut needs.creates_types,
                Naming::UsesTable => &mut needs.uses_tables,
                Naming::UsesType => &mut needs.uses_types,
            };
            set.insert(name);
        });
    }
    needs
        .uses_tables
        .retain(|t| !needs.creates_tables.contains(t));
    needs
        .uses_types
        .retain(|t| !needs.creates_types.contains(t));
    needs
}

/// The tables and types a file creates and uses, each counted by the statements naming it, so
/// that an edit updates them from the statements it replaced alone: the language server keeps
/// them for standalone SQL files, to tell whether an edit can change how a file links to the
/// others of its directory.
#[derive(Default)]
pub struct LinkNames {
    /// For each name, how many statements name it in each way ([`Naming`] order).
    counts: HashMap<Box<str>, [u32; 4]>,
}

/// What an edit changed in a file's [`LinkNames`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LinkChange {
    /// The names a way of naming came to or went from.
    pub names: Vec<Box<str>>,
    /// Whether the number of names the file uses without creating them changed: a sibling
    /// supplies a file only if it explains half of them (see [`suppliers`]), so a use of a name
    /// no sibling knows can link or unlink the file all the same.
    pub uses_changed: bool,
}

impl LinkNames {
    pub fn of(statements: &[PlacedStatement]) -> LinkNames {
        let mut names = LinkNames::default();
        names.replace(&[], statements);
        names
    }

    /// Takes an edit that replaced the statements `removed` by `added`.
    pub fn replace(
        &mut self,
        removed: &[PlacedStatement],
        added: &[PlacedStatement],
    ) -> LinkChange {
        // Whether a name counts among the uses without creation (see `needs_of`), as 0 or 1 per
        // table and type.
        fn outside_uses(counts: &[u32; 4]) -> i64 {
            let table = counts[Naming::UsesTable as usize] > 0
                && counts[Naming::CreatesTable as usize] == 0;
            let ty =
                counts[Naming::UsesType as usize] > 0 && counts[Naming::CreatesType as usize] == 0;
            i64::from(table) + i64::from(ty)
        }
        let mut change = LinkChange::default();
        // The outside uses of each name the edit touches, before it.
        let mut before: HashMap<&str, i64> = HashMap::new();
        // Added first: a name both statements hold never drops to zero.
        for statement in added {
            names_of(statement, |naming, name| {
                let counts = match self.counts.get_mut(name) {
                    Some(counts) => counts,
                    None => self.counts.entry(Box::from(name)).or_default(),
                };
                before.entry(name).or_insert_with(|| outside_uses(counts));
                let count = &mut counts[naming as usize];
                if *count == 0 {
                    change.names.push(Box::from(name));
                }
                *count += 1;
            });
        }
        for statement in removed {
            names_of(statement, |naming, name| {
                let Some(counts) = self.counts.get_mut(name) else {
                    return;
                };
                before.entry(name).or_insert_with(|| outside_uses(counts));
                let count = &mut counts[naming as usize];
                *count = count.saturating_sub(1);
                if *count == 0 {
                    change.names.push(Box::from(name));
                    if counts.iter().all(|&count| count == 0) {
                        self.counts.remove(name);
                    }
                }
            });
        }
        let after = |name: &str| self.counts.get(name).map_or(0, outside_uses);
        change.uses_changed = before.iter().map(|(name, n)| after(name) - n).sum::<i64>() != 0;
        change
    }

    /// Whether any statement names `name`, in any way.
    pub fn names(&self, name: &str) -> bool {
        self.counts.contains_key(name)
    }
}

/// The statements of `new` that are not those of `old`, and the other way round: statements an
/// edit did not touch are shared, and all of them lie before or after the ones it replaced.
pub fn replaced_statements<'a>(
    old: &'a [PlacedStatement],
    new: &'a [PlacedStatement],
) -> (&'a [PlacedStatement], &'a [PlacedStatement]) {
    let same = |a: &PlacedStatement, b: &PlacedStatement| Arc::ptr_eq(&a.lowered, &b.lowered);
    let prefix = old.iter().zip(new).take_while(|(a, b)| same(a, b)).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| same(a, b))
        .count();
    (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    )
}

/// Links the standalone SQL sources of each directory that depend on one another; other sources
/// are returned as they are. `statements` gives a file's lowered statements.
pub fn link_schema_directories<'a>(
    sources: Vec<SchemaSource>,
    statements: impl Fn(&Path) -> Option<&'a [PlacedStatement]>,
) -> Vec<SchemaSource> {
    let mut by_directory: BTreeMap<PathBuf, Vec<SchemaSource>> = BTreeMap::new();
    let mut result = Vec::new();
    for source in sources {
        let linkable = source.kind == SourceKind::Standalone
            && source.files.len() == 1
            && FileKind::of(&source.files[0].path) == Some(FileKind::Sql);
        match (linkable, source.files[0].path.parent()) {
            (true, Some(directory)) => by_directory
                .entry(directory.to_path_buf())
                .or_default()
                .push(source),
            _ => result.push(source),
        }
    }
    for (directory, group) in by_directory {
        if group.len() < 2 {
            result.extend(group);
            continue;
        }
        let paths: Vec<PathBuf> = group.iter().map(|s| s.files[0].path.clone()).collect();
        let needs: Vec<Needs> = paths
            .iter()
            .map(|p| needs_of(statements(p).unwrap_or(&[])))
            .collect();
        let mut originals: Vec<Option<SchemaSource>> = group.into_iter().map(Some).collect();
        for component in components(&needs) {
            if component.len() < 2 || has_alternatives(&component, &needs) {
                result.extend(component.iter().filter_map(|&i| originals[i].take()));
                continue;
            }
            let files = creators_first(&component, &needs, &paths)
                .into_iter()
                .map(|i| SourceFile {
                    path: paths[i].clone(),
                    role: FileRole::Applied,
                    version: None,
                })
                .collect();
            result.push(SchemaSource {
                root: directory.clone(),
                kind: SourceKind::Standalone,
                files,
            });
        }
    }
    let mut result = attach_diagrams(result);
    result.sort_by(|a, b| a.root.cmp(&b.root));
    result
}

/// A standalone Mermaid diagram (`.mmd`) beside a schema file or a Prisma schema joins that
/// source, so that its `erDiagram` is compared with the schema it draws (the first such source
/// by path when a directory holds several). A diagram with no schema beside it stays alone.
fn attach_diagrams(sources: Vec<SchemaSource>) -> Vec<SchemaSource> {
    let is_diagram = |source: &SchemaSource| {
        source.kind == SourceKind::Standalone
            && source.files.len() == 1
            && is_mermaid_file(&source.files[0].path)
    };
    let (diagrams, mut schemas): (Vec<SchemaSource>, Vec<SchemaSource>) =
        sources.into_iter().partition(is_diagram);
    schemas.sort_by(|a, b| a.root.cmp(&b.root));
    for diagram in diagrams {
        let directory = diagram.files[0].path.parent();
        let beside = schemas.iter_mut().find(|source| {
            matches!(
                source.kind,
                SourceKind::Standalone | SourceKind::PrismaSchema
            ) && source.files.iter().any(|f| {
                f.path.parent() == directory && FileKind::of(&f.path) != Some(FileKind::Markdown)
            })
        });
        match beside {
            Some(source) => source.files.extend(diagram.files),
            None => schemas.push(diagram),
        }
    }
    schemas
}

/// How many standalone sources have an SQL file in each directory, counted once for a list of
/// sources: asking [`SqlDirectories::beside_other_schemas`] of each source is then linear in the
/// sources, not quadratic (a workspace of 20,000 schema files has as many sources).
#[derive(Clone, Debug, Default)]
pub struct SqlDirectories {
    sources_with_sql: HashMap<PathBuf, u32>,
}

impl SqlDirectories {
    pub fn of(sources: &[SchemaSource]) -> SqlDirectories {
        let mut sources_with_sql: HashMap<PathBuf, u32> = HashMap::new();
        for source in sources.iter().filter(|s| s.kind == SourceKind::Standalone) {
            for directory in sql_directories(source) {
                *sources_with_sql.entry(directory.to_path_buf()).or_default() += 1;
            }
        }
        SqlDirectories { sources_with_sql }
    }

    /// Whether other standalone schema files lie beside the files of a standalone `source` (one
    /// of the sources counted), in one of its directories, without being part of it: such a
    /// file may be applied after a sibling that creates what it uses. A lone `schema.sql`, or a
    /// directory whose files were all linked into one source, is complete.
    pub fn beside_other_schemas(&self, source: &SchemaSource) -> bool {
        if source.kind != SourceKind::Standalone {
            return false;
        }
        // A design document shows part of a schema: what it does not define is elsewhere.
        if source
            .files
            .iter()
            .any(|f| FileKind::of(&f.path) == Some(FileKind::Markdown) && !is_mermaid_file(&f.path))
        {
            return true;
        }
        let own = sql_directories(source);
        source
            .files
            .iter()
            .filter_map(|f| f.path.parent())
            .collect::<BTreeSet<&Path>>()
            .into_iter()
            .any(|directory| {
                let all = self.sources_with_sql.get(directory).copied().unwrap_or(0);
                all > u32::from(own.contains(directory))
            })
    }
}

/// The directories holding a source's SQL files.
fn sql_directories(source: &SchemaSource) -> BTreeSet<&Path> {
    source
        .files
        .iter()
        .filter(|f| FileKind::of(&f.path) == Some(FileKind::Sql))
        .filter_map(|f| f.path.parent())
        .collect()
}

/// Whether `a` creates something `b` uses.
fn feeds(a: &Needs, b: &Needs) -> bool {
    b.uses_tables.iter().any(|t| a.creates_tables.contains(t))
        || b.uses_types.iter().any(|t| a.creates_types.contains(t))
}

/// The files whose creations `user` relies on: for each name it uses, the one file of the
/// directory that creates it. They must explain at least half of its uses: a name or two in
/// common with an unrelated schema of the same directory is chance, not a dependency.
fn suppliers(user: usize, needs: &[Needs]) -> BTreeSet<usize> {
    let wanted = &needs[user];
    let uses = wanted
        .uses_tables
        .iter()
        .map(|name| (name, true))
        .chain(wanted.uses_types.iter().map(|name| (name, false)));
    let mut found = BTreeSet::new();
    let mut explained = 0;
    for (name, is_table) in uses {
        let mut creators = (0..needs.len()).filter(|&other| {
            other != user
                && if is_table {
                    needs[other].creates_tables.contains(name)
                } else {
                    needs[other].creates_types.contains(name)
                }
        });
        if let (Some(only), None) = (creators.next(), creators.next()) {
            found.insert(only);
            explained += 1;
        }
    }
    let total = wanted.uses_tables.len() + wanted.uses_types.len();
    if explained * 2 < total {
        found.clear();
    }
    found
}

/// Groups of files connected by "supplies what the other uses", in either direction.
fn components(needs: &[Needs]) -> Vec<Vec<usize>> {
    let mut component_of: Vec<usize> = (0..needs.len()).collect();
    fn root(component_of: &mut [usize], mut i: usize) -> usize {
        while component_of[i] != i {
            component_of[i] = component_of[component_of[i]];
            i = component_of[i];
        }
        i
    }
    for user in 0..needs.len() {
        for supplier in suppliers(user, needs) {
            let (a, b) = (
                root(&mut component_of, supplier),
                root(&mut component_of, user),
            );
            component_of[a] = b;
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..needs.len() {
        let r = root(&mut component_of, i);
        groups.entry(r).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort();
    groups
}

/// Two files of the group create the same table: they are alternatives, not parts.
fn has_alternatives(component: &[usize], needs: &[Needs]) -> bool {
    let mut seen = HashSet::new();
    component
        .iter()
        .flat_map(|&i| &needs[i].creates_tables)
        .any(|table| !seen.insert(table))
}

/// A topological order (creators before users); ties and cycles go by file name.
fn creators_first(component: &[usize], needs: &[Needs], paths: &[PathBuf]) -> Vec<usize> {
    let mut remaining: Vec<usize> = component.to_vec();
    remaining.sort_by(|a, b| paths[*a].cmp(&paths[*b]));
    let mut order = Vec::new();
    while !remaining.is_empty() {
        let ready = remaining
            .iter()
            .position(|&b| {
                !remaining
                    .iter()
                    .any(|&a| a != b && feeds(&needs[a], &needs[b]))
            })
            .unwrap_or(0);
        order.push(remaining.remove(ready));
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::lower_file;
    use crate::syntax::{Language, parse};

    fn standalone(path: &str) -> SchemaSource {
        SchemaSource {
            root: PathBuf::from(path),
            kind: SourceKind::Standalone,
            files: vec![SourceFile {
                path: PathBuf::from(path),
                role: FileRole::Applied,
                version: None,
            }],
        }
    }

    fn link(files: &[(&str, &str)]) -> Vec<Vec<String>> {
        let lowered: Vec<(PathBuf, Vec<PlacedStatement>)> = files
            .iter()
            .map(|(path, text)| {
                let tree = parse(Language::Sql, text, None);
                (PathBuf::from(path), lower_file(Language::Sql, &tree, text))
            })
            .collect();
        let sources = files.iter().map(|(path, _)| standalone(path)).collect();
        let linked = link_schema_directories(sources, |path| {
            lowered
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, s)| s.as_slice())
        });
        linked
            .into_iter()
            .map(|s| {
                s.files
                    .iter()
                    .map(|f| f.path.display().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_lone_file_or_a_fully_linked_directory_has_nothing_beside_it() {
        let lone = standalone("db/schema.sql");
        let elsewhere = standalone("seeds/data.sql");
        let sources = [lone.clone(), elsewhere.clone()];
        assert!(!SqlDirectories::of(&sources).beside_other_schemas(&lone));
        let first = standalone("sql/pagila-schema.sql");
        let second = standalone("sql/pagila-temporal-setup.sql");
        let sources = [first.clone(), second.clone(), elsewhere];
        assert!(SqlDirectories::of(&sources).beside_other_schemas(&second));
        let linked = SchemaSource {
            root: PathBuf::from("sql"),
            kind: SourceKind::Standalone,
            files: first.files.iter().chain(&second.files).cloned().collect(),
        };
        assert!(!SqlDirectories::of(std::slice::from_ref(&linked)).beside_other_schemas(&linked));
    }

    #[test]
    fn split_schema_is_one_source_in_dependency_order() {
        let linked = link(&[
            ("sql/CreateIndexes.sql", "CREATE INDEX ON artist (name);"),
            (
                "sql/CreatePrimaryKeys.sql",
                "ALTER TABLE artist ADD PRIMARY KEY (id);",
            ),
            (
                "sql/CreateTables.sql",
                "CREATE TABLE artist (id int, name text, kind artist_kind);",
            ),
            (
                "sql/CreateTypes.sql",
                "CREATE TYPE artist_kind AS ENUM ('person', 'group');",
            ),
            (
                "sql/Unrelated.sql",
                "CREATE TABLE other (id int PRIMARY KEY);",
            ),
        ]);
        assert_eq!(
            linked,
            [
                vec![
                    "sql/CreateTypes.sql".to_string(),
                    "sql/CreateTables.sql".to_string(),
                    "sql/CreateIndexes.sql".to_string(),
                    "sql/CreatePrimaryKeys.sql".to_string(),
                ],
                vec!["sql/Unrelated.sql".to_string()],
            ]
        );
    }

    #[test]
    fn alternative_schemas_stay_apart() {
        let linked = link(&[
            ("sql/schema.sql", "CREATE TABLE film (id int PRIMARY KEY);"),
            (
                "sql/schema-jsonb.sql",
                "CREATE TABLE film (id int PRIMARY KEY, data jsonb);",
            ),
            (
                "sql/temporal.sql",
                "ALTER TABLE film ADD COLUMN valid_from date;",
            ),
        ]);
        assert_eq!(linked.len(), 3);
    }

    #[test]
    fn a_name_in_common_with_an_unrelated_schema_is_no_link() {
        let linked = link(&[
            (
                "sql/shop.sql",
                "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE carts (id int);",
            ),
            (
                "sql/forum-keys.sql",
                "ALTER TABLE posts ADD PRIMARY KEY (id); ALTER TABLE topics ADD PRIMARY KEY (id);
                 CREATE INDEX ON users (name);",
            ),
        ]);
        assert_eq!(linked.len(), 2);
    }

    fn lowered(text: &str) -> Vec<PlacedStatement> {
        lower_file(Language::Sql, &parse(Language::Sql, text, None), text)
    }

    /// An edit's replaced statements are found by what the new statements share with the old,
    /// and change the links only when a table or type name comes or goes.
    #[test]
    fn link_names_change_only_when_a_name_comes_or_goes() {
        let old = lowered(
            "CREATE TABLE artist (id int);\nCREATE TABLE album (id int);\nCREATE INDEX ON album (id);\n",
        );
        let mut names = LinkNames::of(&old);
        let mut edited = |new: &str| {
            let mut statements = old.clone();
            statements[1] = lowered(new).remove(0);
            let (removed, added) = replaced_statements(&old, &statements);
            assert_eq!((removed.len(), added.len()), (1, 1), "{new}");
            let change = names.replace(removed, added);
            // Undone, for the next edit.
            names.replace(added, removed);
            (!change.names.is_empty(), change.uses_changed)
        };
        assert_eq!(
            edited("CREATE TABLE album (id bigint, title text);"),
            (false, false)
        );
        // The index now uses a table the file does not create.
        assert_eq!(edited("CREATE TABLE albums (id int);"), (true, true));
        assert_eq!(
            edited("CREATE TABLE album (id int, artist int REFERENCES artist);"),
            (true, false)
        );
        assert_eq!(
            edited("CREATE TABLE album (id int, artist int REFERENCES label);"),
            (true, true)
        );

        let shorter = lowered("CREATE TABLE artist (id int);\nCREATE INDEX ON album (id);\n");
        let statements = vec![old[0].clone(), old[2].clone()];
        let (removed, added) = replaced_statements(&old, &statements);
        assert_eq!((removed.len(), added.len()), (1, 0));
        let mut names = LinkNames::of(&old);
        assert!(names.names("album"));
        assert_eq!(names.replace(removed, added).names, [Box::from("album")]);
        assert!(names.names("album") && !names.names("albums"));
        assert_eq!(replaced_statements(&old, &old.clone()).0.len(), 0);
        assert_eq!(replaced_statements(&old, &shorter).0.len(), 3);
    }

    #[test]
    fn other_directories_are_not_linked() {
        let linked = link(&[
            ("a/tables.sql", "CREATE TABLE t (id int);"),
            ("b/keys.sql", "ALTER TABLE t ADD PRIMARY KEY (id);"),
        ]);
        assert_eq!(linked.len(), 2);
    }
}
