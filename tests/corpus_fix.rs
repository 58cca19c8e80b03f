//! `ddlint check --fix --unsafe-fixes` on a copy of the real-world corpus (`DDLINT_CORPUS`) never
//! rewrites history: it changes no migration but the newest of each folder and no generated
//! dump, and every migration it writes applies on PostgreSQL after the folder's migrations.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ddlint::config::MigrationSettings;
use ddlint::file::applied_region;
use ddlint::model::History;
use ddlint::workspace::history::{NoVcs, classify};
use ddlint::workspace::sources::{FileRole, SchemaSource, SourceKind, group_into_sources};
use support::external::Needs;
use support::postgres::postgres_or_skip;

const TEST: &str = "fix_never_rewrites_history_and_its_migrations_apply";

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn copy_tree(from: &Path, to: &Path) {
    for file in files_below(from) {
        let target = to.join(file.strip_prefix(from).expect("below the root"));
        fs::create_dir_all(target.parent().expect("a parent")).expect("a directory");
        fs::copy(&file, &target).expect("a copy");
    }
}

fn sql_sources(root: &Path) -> Vec<SchemaSource> {
    let files: Vec<PathBuf> = files_below(root)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    group_into_sources(&files, &[], |_| false)
}

#[test]
fn fix_never_rewrites_history_and_its_migrations_apply() {
    let Some(corpus) = std::env::var_os("DDLINT_CORPUS").map(PathBuf::from) else {
        support::skip(
            TEST,
            Needs::Corpus,
            "DDLINT_CORPUS is not set (point it at the shared corpus directory)",
        );
        return;
    };
    let work = std::env::temp_dir().join(format!("ddlint-corpus-fix-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    for part in ["migrations", "sql"] {
        copy_tree(&corpus.join(part), &work.join(part));
    }
    let before: BTreeMap<PathBuf, Vec<u8>> = files_below(&work)
        .into_iter()
        .map(|path| {
            let bytes = fs::read(&path).expect("readable");
            (path, bytes)
        })
        .collect();
    // What may change: pending migrations and schema files people write.
    let mut editable: BTreeSet<PathBuf> = BTreeSet::new();
    for source in sql_sources(&work) {
        let history = classify(&source, &MigrationSettings::default(), &NoVcs, |path| {
            before
                .get(path)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
        });
        for (file, history) in source.files.iter().zip(history) {
            if matches!(history, History::PendingMigration | History::Schema) {
                editable.insert(file.path.clone());
            }
        }
    }

    let output = Command::new(env!("CARGO_BIN_EXE_ddlint"))
        .args(["check", "--fix", "--unsafe-fixes", "--format", "json"])
        .arg(&work)
        .current_dir(&work)
        .output()
        .expect("ddlint runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "ddlint check --fix exited with {:?}:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );

    let after = files_below(&work);
    let rewritten: Vec<&PathBuf> = after
        .iter()
        .filter(|path| {
            before
                .get(*path)
                .is_some_and(|bytes| fs::read(path).expect("readable") != *bytes)
        })
        .filter(|path| !editable.contains(*path))
        .collect();
    assert!(
        rewritten.is_empty(),
        "--fix rewrote applied migrations or generated dumps: {rewritten:?}"
    );
    let created: BTreeSet<PathBuf> = after
        .iter()
        .filter(|path| !before.contains_key(*path))
        .cloned()
        .collect();
    assert!(
        created
            .iter()
            .all(|path| path.starts_with(work.join("migrations"))),
        "new files outside migration folders: {created:?}"
    );
    assert!(
        !created.is_empty(),
        "the corpus has fixes for applied migrations, so --fix writes new migrations"
    );

    let Some(cluster) = postgres_or_skip(TEST) else {
        fs::remove_dir_all(&work).expect("cleanup");
        return;
    };
    let mut verified = 0;
    let mut failures = Vec::new();
    for source in sql_sources(&work.join("migrations")) {
        let SourceKind::Migrations { .. } = source.kind else {
            continue;
        };
        let applied: Vec<&PathBuf> = source
            .files
            .iter()
            .filter(|file| file.role == FileRole::Applied)
            .map(|file| &file.path)
            .collect();
        if !applied.iter().any(|path| created.contains(*path)) {
            continue;
        }
        let Ok(db) = cluster.fresh_database() else {
            failures.push(format!("{}: no database", source.root.display()));
            continue;
        };
        let run = |path: &Path| {
            let text = fs::read_to_string(path).expect("a UTF-8 migration");
            db.run_sql(&text[applied_region(&text)])
        };
        // A folder whose own migrations do not apply here (extensions, roles of its platform)
        // says nothing about the new ones.
        let originals_apply = applied
            .iter()
            .filter(|path| !created.contains(**path))
            .all(|path| run(path).is_ok());
        if !originals_apply {
            support::notice(&format!(
                "{TEST}: {} does not apply on this PostgreSQL; its new migrations are not run",
                source.root.display()
            ));
            continue;
        }
        for path in applied.iter().filter(|path| created.contains(**path)) {
            if let Err(error) = run(path) {
                failures.push(format!(
                    "{}: {error}\n{}",
                    path.display(),
                    fs::read_to_string(path).unwrap_or_default()
                ));
            }
        }
        verified += 1;
    }
    assert!(
        failures.is_empty(),
        "new migrations PostgreSQL rejects:\n{}",
        failures.join("\n\n")
    );
    assert!(
        verified > 0,
        "no migration folder of the corpus applies on PostgreSQL"
    );
    support::notice(&format!(
        "{TEST}: {verified} folders applied with their new migrations"
    ));
    fs::remove_dir_all(&work).expect("cleanup");
}
