use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::*;
use crate::workspace::sources::group_into_sources;

/// 2030-01-01 00:00:00 UTC.
const CLOCK: u64 = 1_893_456_000;

fn source_of(paths: &[&str]) -> SchemaSource {
    let files: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let mut sources = group_into_sources(&files, &[], |_| false);
    assert_eq!(sources.len(), 1, "{sources:?}");
    sources.remove(0)
}

fn statuses(source: &SchemaSource, settings: &MigrationSettings, vcs: &dyn Vcs) -> Vec<String> {
    classify(source, settings, vcs, |_| None)
        .iter()
        .zip(&source.files)
        .map(|(history, file)| format!("{} {history:?}", file.path.display()))
        .collect()
}

struct Committed(Vec<&'static str>);

impl Vcs for Committed {
    fn committed_on_default_branch(&self, _: &Path, _: Option<&str>) -> Option<HashSet<PathBuf>> {
        Some(self.0.iter().map(PathBuf::from).collect())
    }
}

#[test]
fn without_version_control_every_migration_but_the_newest_ran() {
    let source = source_of(&[
        "db/0001_init.up.sql",
        "db/0001_init.down.sql",
        "db/0002_users.up.sql",
        "db/0002_users.down.sql",
    ]);
    assert_eq!(
        statuses(&source, &MigrationSettings::default(), &NoVcs),
        [
            "db/0001_init.up.sql AppliedMigration",
            "db/0001_init.down.sql AppliedMigration",
            "db/0002_users.up.sql PendingMigration",
            "db/0002_users.down.sql PendingMigration",
        ]
    );
}

#[test]
fn the_newest_migration_directory_is_pending_whole() {
    let source = source_of(&[
        "prisma/migrations/20240101000000_init/migration.sql",
        "prisma/migrations/20240201000000_users/migration.sql",
    ]);
    assert_eq!(
        statuses(&source, &MigrationSettings::default(), &NoVcs),
        [
            "prisma/migrations/20240101000000_init/migration.sql AppliedMigration",
            "prisma/migrations/20240201000000_users/migration.sql PendingMigration",
        ]
    );
}

#[test]
fn applied_through_wins_over_version_control() {
    let source = source_of(&[
        "m/V1__init.sql",
        "m/V2__users.sql",
        "m/V10__orders.sql",
        "m/R__views.sql",
    ]);
    let settings = MigrationSettings {
        applied_through: Some("2".to_owned()),
        ..MigrationSettings::default()
    };
    assert_eq!(
        statuses(&source, &settings, &Committed(vec!["m/V10__orders.sql"])),
        [
            "m/V1__init.sql AppliedMigration",
            "m/V2__users.sql AppliedMigration",
            "m/V10__orders.sql PendingMigration",
            "m/R__views.sql PendingMigration",
        ]
    );
}

#[test]
fn migrations_on_the_default_branch_ran() {
    let source = source_of(&["m/001_a.sql", "m/002_b.sql", "m/003_c.sql"]);
    assert_eq!(
        statuses(
            &source,
            &MigrationSettings::default(),
            &Committed(vec!["m/001_a.sql", "m/./002_b.sql"])
        ),
        [
            "m/001_a.sql AppliedMigration",
            "m/002_b.sql AppliedMigration",
            "m/003_c.sql PendingMigration",
        ]
    );
}

#[test]
fn standalone_dumps_are_generated_and_schemas_are_not() {
    let texts: HashMap<&str, &str> = HashMap::from([
        (
            "a/pagila.sql",
            "--\n-- PostgreSQL database dump\n--\nCREATE TABLE t (id int);\n",
        ),
        (
            "b/db.sql",
            "SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n",
        ),
        ("c/schema.sql", "CREATE TABLE t (id int);\n"),
        ("d/structure.sql", "CREATE TABLE t (id int);\n"),
        (
            "e/keys.sql",
            "-- Automatically generated, do not edit.\nALTER TABLE t ADD PRIMARY KEY (id);\n",
        ),
        (
            "f/schema.sql",
            "-- CreateEnum\nCREATE TYPE \"Role\" AS ENUM ('A');\n\n-- CreateTable\nCREATE TABLE \"User\" (id int);\n",
        ),
    ]);
    for (path, text) in &texts {
        let source = source_of(&[path]);
        let found = classify(&source, &MigrationSettings::default(), &NoVcs, |p| {
            texts.get(p.to_str()?).copied()
        });
        let expected = if *path == "c/schema.sql" {
            History::Schema
        } else {
            History::Generated
        };
        assert_eq!(found, [expected], "{path}: {text}");
    }
}

#[test]
fn git_knows_what_the_default_branch_holds() {
    let dir = std::env::temp_dir().join(format!("ddlint-history-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("db/migrations")).unwrap();
    let run = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output();
        matches!(status, Ok(output) if output.status.success())
    };
    if !run(&["init", "--quiet", "--initial-branch=main"]) {
        // git is part of every machine ddlint is developed on; say so if it is not.
        eprintln!("skipping git_knows_what_the_default_branch_holds: git cannot run");
        return;
    }
    std::fs::write(
        dir.join("db/migrations/001_init.sql"),
        "CREATE TABLE a (id int);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("db/migrations/002_more.sql"),
        "CREATE TABLE b (id int);\n",
    )
    .unwrap();
    assert!(run(&["add", "db/migrations/001_init.sql"]));
    assert!(run(&["commit", "--quiet", "-m", "init"]));
    assert!(run(&["checkout", "--quiet", "-b", "feature"]));
    std::fs::write(
        dir.join("db/migrations/003_new.sql"),
        "CREATE TABLE c (id int);\n",
    )
    .unwrap();
    assert!(run(&["add", "db/migrations/002_more.sql"]));
    assert!(run(&["commit", "--quiet", "-m", "more"]));

    let root = dir.join("db/migrations");
    let committed = Git::default()
        .committed_on_default_branch(&root, None)
        .expect("main is the default branch");
    assert_eq!(committed, HashSet::from([root.join("001_init.sql")]));
    let on_feature = Git::default()
        .committed_on_default_branch(&root, Some("feature"))
        .expect("the configured branch exists");
    assert_eq!(
        on_feature,
        HashSet::from([root.join("001_init.sql"), root.join("002_more.sql")])
    );
    assert_eq!(
        Git::default().committed_on_default_branch(&root, Some("no-such-branch")),
        None
    );
    assert_eq!(
        Git::default().committed_on_default_branch(&std::env::temp_dir(), None),
        None,
        "outside a repository nothing is known"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// git runs only for a folder in a repository: one with a `.git` in it or above it, a directory
/// or (in a worktree or submodule) a file.
#[test]
fn git_runs_only_inside_a_repository() {
    let dir = std::env::temp_dir().join(format!("ddlint-history-repo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for folder in ["plain/db", "worktree/db", "clone/.git", "clone/db"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
    }
    std::fs::write(dir.join("worktree/.git"), "gitdir: ../clone/.git\n").unwrap();
    assert!(!in_repository(&dir.join("plain/db")));
    assert!(in_repository(&dir.join("worktree/db")));
    assert!(in_repository(&dir.join("clone/db")));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn written(paths: &[&str], texts: &[(&str, &str)], steps: &[MigrationStep]) -> Vec<String> {
    let source = source_of(paths);
    let texts: HashMap<&str, &str> = texts.iter().copied().collect();
    let convention = MigrationConvention::of(&source, |p| texts.get(p.to_str()?).copied())
        .expect("a folder ddlint can write to");
    convention
        .write(steps, CLOCK)
        .into_iter()
        .map(|file| format!("{}\n{}", file.path.display(), file.text))
        .collect()
}

fn index_step() -> MigrationStep {
    MigrationStep {
        title: None,
        name: "create_index_on_orders_customer_id".to_owned(),
        up: "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);".to_owned(),
        down: Some("DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;".to_owned()),
        outside_transaction: true,
    }
}

fn comment_step() -> MigrationStep {
    MigrationStep {
        title: None,
        name: "add_comment_on_table_orders".to_owned(),
        up: "COMMENT ON TABLE orders IS 'One row per order';".to_owned(),
        down: Some("COMMENT ON TABLE orders IS NULL;".to_owned()),
        outside_transaction: false,
    }
}

#[test]
fn new_migrations_follow_each_tools_names() {
    assert_eq!(
        written(&["m/20240101000000_init.sql"], &[], &[comment_step()]),
        [
            "m/20300101000000_add_comment_on_table_orders.sql\nCOMMENT ON TABLE orders IS 'One row per order';\n"
        ]
    );
    assert_eq!(
        written(
            &["m/000001_init.up.sql", "m/000001_init.down.sql"],
            &[],
            &[index_step()]
        ),
        [
            "m/000002_create_index_on_orders_customer_id.up.sql\n-- no-transaction\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n",
            "m/000002_create_index_on_orders_customer_id.down.sql\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;\n",
        ]
    );
    assert_eq!(
        written(
            &[
                "m/V0001.Initial_Schema.up.sql",
                "m/V0001.Initial_Schema.down.sql"
            ],
            &[],
            &[comment_step()]
        ),
        [
            "m/V0002.AddCommentOnTableOrders.up.sql\nCOMMENT ON TABLE orders IS 'One row per order';\n",
            "m/V0002.AddCommentOnTableOrders.down.sql\nCOMMENT ON TABLE orders IS NULL;\n",
        ]
    );
    assert_eq!(
        written(
            &["m/V1__init.sql", "m/V2__users.sql"],
            &[],
            &[comment_step()]
        ),
        [
            "m/V3__add_comment_on_table_orders.sql\nCOMMENT ON TABLE orders IS 'One row per order';\n"
        ]
    );
    assert_eq!(
        written(&["m/V1.9__init.sql"], &[], &[comment_step()])[0]
            .lines()
            .next(),
        Some("m/V1.10__add_comment_on_table_orders.sql")
    );
    assert_eq!(
        written(
            &["p/migrations/20240101000000_init/migration.sql"],
            &[],
            &[comment_step()]
        ),
        [
            "p/migrations/20300101000000_add_comment_on_table_orders/migration.sql\nCOMMENT ON TABLE orders IS 'One row per order';\n"
        ]
    );
    assert_eq!(
        written(
            &[
                "d/2019-02-26-002946_init/up.sql",
                "d/2019-02-26-002946_init/down.sql"
            ],
            &[],
            &[index_step()]
        ),
        [
            "d/2030-01-01-000000_create_index_on_orders_customer_id/up.sql\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n",
            "d/2030-01-01-000000_create_index_on_orders_customer_id/down.sql\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;\n",
            "d/2030-01-01-000000_create_index_on_orders_customer_id/metadata.toml\nrun_in_transaction = false\n",
        ]
    );
    assert_eq!(
        written(
            &[
                "d/2026-07-27-143313-0000_rename/up.sql",
                "d/2026-07-27-143313-0000_rename/down.sql"
            ],
            &[],
            &[comment_step()]
        )[0]
        .lines()
        .next(),
        Some("d/2030-01-01-000000-0000_add_comment_on_table_orders/up.sql")
    );
    assert_eq!(
        written(
            &["h/1574432601495_create_tables/up.sql"],
            &[],
            &[comment_step()]
        )[0]
        .lines()
        .next(),
        Some("h/1893456000000_add_comment_on_table_orders/up.sql")
    );
}

#[test]
fn goose_and_dbmate_files_get_their_sections() {
    let goose = [(
        "g/20240101000000_init.sql",
        "-- +goose Up\nCREATE TABLE t (id int);\n",
    )];
    assert_eq!(
        written(&["g/20240101000000_init.sql"], &goose, &[index_step()]),
        [
            "g/20300101000000_create_index_on_orders_customer_id.sql\n-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;\n"
        ]
    );
    let dbmate = [(
        "b/20240101000000_init.sql",
        "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\n",
    )];
    assert_eq!(
        written(
            &["b/20240101000000_init.sql"],
            &dbmate,
            &[comment_step(), index_step()]
        ),
        [
            "b/20300101000000_add_comment_on_table_orders.sql\n-- migrate:up\nCOMMENT ON TABLE orders IS 'One row per order';\n\n-- migrate:down\nCOMMENT ON TABLE orders IS NULL;\n",
            "b/20300101000001_create_index_on_orders_customer_id.sql\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;\n",
        ]
    );
}

#[test]
fn steps_that_may_share_a_transaction_share_a_migration() {
    let mut second = comment_step();
    second.up = "COMMENT ON TABLE customers IS 'People who order';".to_owned();
    second.down = Some("COMMENT ON TABLE customers IS NULL;".to_owned());
    let files = written(
        &["m/000001_a.up.sql", "m/000001_a.down.sql"],
        &[],
        &[comment_step(), second],
    );
    assert_eq!(
        files,
        [
            "m/000002_ddlint_fixes.up.sql\nCOMMENT ON TABLE orders IS 'One row per order';\nCOMMENT ON TABLE customers IS 'People who order';\n",
            "m/000002_ddlint_fixes.down.sql\nCOMMENT ON TABLE customers IS NULL;\nCOMMENT ON TABLE orders IS NULL;\n",
        ]
    );
}

#[test]
fn a_version_is_never_older_than_the_newest_one() {
    let future = written(
        &["m/20990101000000_from_the_future.sql"],
        &[],
        &[comment_step()],
    );
    assert!(future[0].starts_with("m/20990101000001_"), "{future:?}");
}

#[test]
fn civil_dates_round_trip() {
    for seconds in [0, 951_782_400, CLOCK, 4_102_444_799] {
        let (y, mo, d, h, mi, s) = civil(seconds);
        let text = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}");
        assert_eq!(timestamp_seconds(&text), seconds, "{text}");
    }
    assert_eq!(civil(951_782_400), (2000, 2, 29, 0, 0, 0));
}

#[test]
fn folders_without_versions_cannot_be_written_to() {
    let source = SchemaSource {
        root: PathBuf::from("sql"),
        kind: SourceKind::Migrations {
            layout: MigrationLayout::Unversioned,
        },
        files: vec![crate::workspace::sources::SourceFile {
            path: PathBuf::from("sql/setup.sql"),
            role: FileRole::Applied,
            version: None,
        }],
    };
    assert_eq!(MigrationConvention::of(&source, |_| None), None);
}
