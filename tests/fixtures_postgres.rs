//! Every rule fixture against a real PostgreSQL: fixtures PostgreSQL accepts stay accepted after
//! each fix of each finding; fixtures PostgreSQL rejects are flagged at error level by ddlint.

mod support;

use ddlint::fixture::{self, Fixture, FixtureFile, Postgres};
use ddlint::markdown;
use ddlint::rules::{self, Severity};
use support::postgres::{PgCluster, postgres_or_skip};

/// Runs the files in order (a fix's new migration or migration to write last), each in its own
/// session, in a fresh database.
fn run(cluster: &PgCluster, files: &[FixtureFile]) -> Result<(), String> {
    let db = cluster.fresh_database()?;
    for file in files {
        if file.path.extension().is_some_and(|e| e == "prisma") {
            continue;
        }
        let sql = if markdown::is_document(&file.path) {
            match markdown::sql_view(&file.path, &file.text) {
                Some(sql) => sql,
                None => continue,
            }
        } else {
            file.text.clone()
        };
        db.run_sql(&sql)
            .map_err(|e| format!("{}: {e}", file.path.display()))?;
    }
    Ok(())
}

fn verify(cluster: &PgCluster, rule: &str, fixture: &Fixture) -> Result<(), String> {
    let checked = fixture.check(&fixture.files, &fixture.rules_under_test(rule), None)?;
    match &fixture.postgres {
        Postgres::Skip(_) => Ok(()),
        Postgres::Rejects => {
            if run(cluster, &fixture.files).is_ok() {
                return Err(format!(
                    "{}: PostgreSQL accepts a fixture marked `postgres: rejects`",
                    fixture.name
                ));
            }
            if !checked
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
            {
                return Err(format!(
                    "{}: PostgreSQL rejects it but ddlint reports no error",
                    fixture.name
                ));
            }
            Ok(())
        }
        Postgres::Accepts => {
            run(cluster, &fixture.files)
                .map_err(|e| format!("{}: PostgreSQL rejects the fixture: {e}", fixture.name))?;
            for diagnostic in fixture::fixable(&checked, rule) {
                for fix in &diagnostic.fixes {
                    let fixed = fixture.apply(&fixture.files, &checked, fix);
                    run(cluster, &fixed).map_err(|e| {
                        format!(
                            "{}: PostgreSQL rejects the result of \"{}\": {e}\n{}",
                            fixture.name,
                            fix.title,
                            fixture::show(&fixed)
                        )
                    })?;
                }
            }
            Ok(())
        }
    }
}

#[test]
fn every_fixture_and_every_fix_against_postgres() {
    let Some(cluster) = postgres_or_skip("every_fixture_and_every_fix_against_postgres") else {
        return;
    };
    let mut failures = Vec::new();
    let mut verified = 0;
    for rule in rules::all() {
        let fixtures = fixture::rule_fixtures(rule.id).unwrap_or_else(|e| panic!("{e}"));
        for fixture in &fixtures {
            match verify(&cluster, rule.id, fixture) {
                Ok(()) => verified += 1,
                Err(failure) => failures.push(failure),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        verified + failures.len(),
        failures.join("\n\n")
    );
}
