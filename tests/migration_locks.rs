//! The locks and rewrites the zero-downtime migration rules claim, checked on a real
//! PostgreSQL: each statement runs in a transaction on a table with rows and an index,
//! `pg_locks` is read before commit, and the table's and index's files are compared for the
//! rewrite claims. Statements the rules leave alone must not rewrite either.

mod support;

use std::path::Path;

use ddlint::fixture;
use support::postgres::{PgCluster, postgres_or_skip};

const TABLE: &str = "CREATE TABLE t (
    id int NOT NULL,
    n int,
    code varchar(10),
    note text,
    amount numeric(10, 2),
    at timestamp,
    address cidr
);
CREATE INDEX t_code_idx ON t (code);
CREATE INDEX t_at_idx ON t (at);
INSERT INTO t SELECT i, i, i::text, i::text, i, now(), '10.0.0.0/8' FROM generate_series(1, 10) i;
";

/// The finding of `rule` on `statement` run as a pending migration after the one creating the
/// table, if any.
fn finding(rule: &str, statement: &str) -> Option<String> {
    let text = format!(
        "-- file: migrations/20240101000000_init.sql\n{TABLE}-- file: migrations/20240201000000_change.sql\n{statement}\n"
    );
    let fixture = fixture::parse(rule, Path::new("locks.sql"), &text).unwrap();
    let checked = fixture
        .check(&fixture.files, &[rule.to_owned()], None)
        .unwrap();
    checked
        .diagnostics
        .iter()
        .find(|d| d.rule == rule)
        .map(|d| d.message.clone())
}

/// The lock modes `statement` holds on `t` before commit, and whether the table or its index
/// got new files.
fn run(cluster: &PgCluster, statement: &str) -> (Vec<String>, bool) {
    let db = cluster.fresh_database().unwrap();
    let rows = db
        .query(&format!(
            "{TABLE}
SELECT 't'::regclass::oid AS t_oid, pg_relation_filenode('t') AS t_file,
    pg_relation_filenode('t_code_idx') AS i_file, pg_relation_filenode('t_at_idx') AS a_file \\gset
BEGIN;
{statement}
SELECT string_agg(mode, ',' ORDER BY mode),
    bool_or(pg_relation_filenode(:t_oid) <> :t_file
        OR coalesce(pg_relation_filenode(to_regclass('t_code_idx')) <> :i_file, false)
        OR coalesce(pg_relation_filenode(to_regclass('t_at_idx')) <> :a_file, false))
FROM pg_locks WHERE relation = :t_oid AND pid = pg_backend_pid();
COMMIT;"
        ))
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    let row = &rows[0];
    (
        row[0].split(',').map(str::to_owned).collect(),
        row[1] == "t",
    )
}

#[test]
fn claimed_locks_and_rewrites_match_postgres() {
    let Some(cluster) = postgres_or_skip("claimed_locks_and_rewrites_match_postgres") else {
        return;
    };
    // (rule, statement, whether the rule claims a rewrite)
    let reported = [
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN n TYPE bigint;",
            true,
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN code TYPE varchar(5);",
            true,
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN note TYPE varchar(20);",
            true,
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN amount TYPE numeric(12, 3);",
            true,
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN at TYPE timestamptz;",
            true,
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN code TYPE text USING lower(code);",
            true,
        ),
        (
            "volatile-default-rewrite",
            "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();",
            true,
        ),
        (
            "volatile-default-rewrite",
            "ALTER TABLE t ADD COLUMN s bigserial;",
            true,
        ),
        (
            "volatile-default-rewrite",
            "ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS IDENTITY;",
            true,
        ),
        (
            "volatile-default-rewrite",
            "ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) STORED;",
            true,
        ),
        (
            "set-not-null-scan",
            "ALTER TABLE t ALTER COLUMN n SET NOT NULL;",
            false,
        ),
        (
            "constraint-not-valid",
            "ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0);",
            false,
        ),
        (
            "unique-constraint-with-index",
            "ALTER TABLE t ADD CONSTRAINT t_id_key UNIQUE (id);",
            false,
        ),
        (
            "unique-constraint-with-index",
            "ALTER TABLE t ADD PRIMARY KEY (id);",
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (rule, statement, rewrite) in reported {
        let Some(message) = finding(rule, statement) else {
            failures.push(format!("{rule} does not report `{statement}`"));
            continue;
        };
        let (locks, rewritten) = run(&cluster, statement);
        if message.contains("ACCESS EXCLUSIVE") && !locks.iter().any(|l| l == "AccessExclusiveLock")
        {
            failures.push(format!(
                "`{statement}` takes {locks:?}, not ACCESS EXCLUSIVE"
            ));
        }
        if message.contains("rewrites") != rewrite || rewritten != rewrite {
            failures.push(format!(
                "`{statement}`: claimed rewrite {rewrite}, message `{message}`, rewritten {rewritten}"
            ));
        }
    }
    // Left alone: PostgreSQL changes only the catalog.
    let quiet = [
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN code TYPE varchar(20);",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN code TYPE varchar;",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN code TYPE text;",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN note TYPE varchar;",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN amount TYPE numeric(12, 2);",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN amount TYPE numeric;",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN at TYPE timestamp(6);",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN address TYPE inet;",
        ),
        (
            "alter-column-type-rewrite",
            "ALTER TABLE t ALTER COLUMN code TYPE text USING code::text;",
        ),
        (
            "volatile-default-rewrite",
            "ALTER TABLE t ADD COLUMN c timestamptz NOT NULL DEFAULT now();",
        ),
        (
            "volatile-default-rewrite",
            "ALTER TABLE t ADD COLUMN c date DEFAULT CURRENT_DATE;",
        ),
        (
            "volatile-default-rewrite",
            "ALTER TABLE t ADD COLUMN c text NOT NULL DEFAULT 'new';",
        ),
    ];
    for (rule, statement) in quiet {
        if let Some(message) = finding(rule, statement) {
            failures.push(format!("{rule} reports `{statement}`: {message}"));
        }
        let (_, rewritten) = run(&cluster, statement);
        if rewritten {
            failures.push(format!(
                "`{statement}` rewrites, but {rule} leaves it alone"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
