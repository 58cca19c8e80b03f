//! What the zero-downtime rules claim about PostgreSQL, checked on a real one: each statement runs
//! in a transaction on a table with rows, `pg_locks` is read before the transaction ends and the
//! strongest mode on the table asserted; `relfilenode` before and after says whether the table was
//! rewritten. The same statement, as a pending migration after the one that created the table,
//! must be reported by the rule (or, for the cases the rule leaves alone, not reported).
//! A second test holds the type changes and defaults to the rewrite their messages claim, with
//! the table's indexes (rebuilt by some changes that leave the table's file alone).

mod support;

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use ddlint::fixture;
use support::postgres::{Database, PgCluster, postgres_or_skip};

/// The tables every case starts from, with rows, as the earlier (applied) migration.
const SETUP: &str = "\
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    qty integer NOT NULL,
    name varchar(100),
    price numeric(10, 2),
    note text
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE TYPE mood AS ENUM ('happy', 'sad');
INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 100) g;
INSERT INTO orders SELECT g, 1 + g % 100, g, 'n' || g, g, 'note' FROM generate_series(1, 1000) g;
";

/// Lock modes from weakest to strongest.
const MODES: &[&str] = &[
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
];

/// What PostgreSQL does with a case's statement.
enum Claim {
    /// Run in a transaction: the strongest lock held on `orders` and whether `orders` was
    /// rewritten (`None`: the table is gone, or a rewrite is not what the rule claims).
    Locks {
        mode: &'static str,
        rewrite: Option<bool>,
    },
    /// Runs only outside a transaction: it waits for a reader of `orders` (so it wants ACCESS
    /// EXCLUSIVE, the only mode that conflicts with ACCESS SHARE), and rewrites or not.
    BlocksReaders { rewrite: bool },
    /// PostgreSQL refuses it with an error containing this text.
    Rejected(&'static str),
}

struct Case {
    rule: &'static str,
    /// The pending migration.
    migration: &'static str,
    claim: Claim,
    reported: bool,
}

const fn locks(mode: &'static str, rewrite: Option<bool>) -> Claim {
    Claim::Locks { mode, rewrite }
}

const CASES: &[Case] = &[
    Case {
        rule: "alter-column-type-rewrite",
        migration: "ALTER TABLE orders ALTER COLUMN qty TYPE bigint;",
        claim: locks("AccessExclusiveLock", Some(true)),
        reported: true,
    },
    Case {
        rule: "alter-column-type-rewrite",
        migration: "ALTER TABLE orders ALTER COLUMN name TYPE varchar(200);",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: false,
    },
    Case {
        rule: "alter-column-type-rewrite",
        migration: "ALTER TABLE orders ALTER COLUMN name TYPE text;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: false,
    },
    Case {
        rule: "alter-column-type-rewrite",
        migration: "ALTER TABLE orders ALTER COLUMN price TYPE numeric(12, 2);",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: false,
    },
    Case {
        rule: "set-not-null-scan",
        migration: "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "constraint-not-valid",
        migration: "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "constraint-not-valid",
        migration: "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: false,
    },
    Case {
        rule: "unique-constraint-with-index",
        migration: "ALTER TABLE orders ADD CONSTRAINT orders_name_key UNIQUE (name);",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "volatile-default-rewrite",
        migration: "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        claim: locks("AccessExclusiveLock", Some(true)),
        reported: true,
    },
    Case {
        rule: "volatile-default-rewrite",
        migration: "ALTER TABLE orders ADD COLUMN serial_no bigserial;",
        claim: locks("AccessExclusiveLock", Some(true)),
        reported: true,
    },
    Case {
        rule: "volatile-default-rewrite",
        migration: "ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (qty * price) STORED;",
        claim: locks("AccessExclusiveLock", Some(true)),
        reported: true,
    },
    Case {
        rule: "volatile-default-rewrite",
        migration: "ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: false,
    },
    Case {
        rule: "volatile-default-rewrite",
        migration: "ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: false,
    },
    Case {
        rule: "rename-breaks-clients",
        migration: "ALTER TABLE orders RENAME COLUMN note TO remark;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "drop-column-breaks-clients",
        migration: "ALTER TABLE orders DROP COLUMN note;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "drop-index-not-concurrent",
        migration: "DROP INDEX orders_customer_id_idx;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "reindex-not-concurrent",
        migration: "REINDEX TABLE orders;",
        claim: locks("ShareLock", None),
        reported: true,
    },
    Case {
        rule: "reindex-not-concurrent",
        migration: "REINDEX INDEX orders_customer_id_idx;",
        claim: locks("ShareLock", None),
        reported: true,
    },
    Case {
        rule: "vacuum-full-or-cluster",
        migration: "VACUUM FULL orders;",
        claim: Claim::BlocksReaders { rewrite: true },
        reported: true,
    },
    Case {
        rule: "vacuum-full-or-cluster",
        migration: "CLUSTER orders USING orders_pkey;",
        claim: locks("AccessExclusiveLock", Some(true)),
        reported: true,
    },
    Case {
        rule: "truncate-cascade",
        migration: "TRUNCATE customers CASCADE;",
        claim: locks("AccessExclusiveLock", Some(true)),
        reported: true,
    },
    Case {
        rule: "lock-timeout-missing",
        migration: "ALTER TABLE orders ADD COLUMN shipped boolean;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "lock-timeout-missing",
        migration: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN shipped boolean;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: false,
    },
    Case {
        rule: "lock-timeout-missing",
        migration: "ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;",
        claim: locks("ShareRowExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "lock-timeout-missing",
        migration: "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_qty_positive;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "index-not-concurrent",
        migration: "CREATE INDEX orders_name_idx ON orders (name);",
        claim: locks("ShareLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "foreign-key-not-valid",
        migration: "ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);",
        claim: locks("ShareRowExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "mixed-ddl-and-dml",
        migration: "ALTER TABLE orders ADD COLUMN total numeric;\nUPDATE orders SET total = qty * price;",
        claim: locks("AccessExclusiveLock", Some(false)),
        reported: true,
    },
    Case {
        rule: "concurrently-in-transaction",
        migration: "BEGIN;\nCREATE INDEX CONCURRENTLY orders_name_idx ON orders (name);\nCOMMIT;",
        claim: Claim::Rejected("cannot run inside a transaction block"),
        reported: true,
    },
    Case {
        rule: "add-column-not-null-without-default",
        migration: "ALTER TABLE orders ADD COLUMN region text NOT NULL;",
        claim: Claim::Rejected("contains null values"),
        reported: true,
    },
];

/// The strongest lock this session holds on `orders` and its relfilenode, read at the end of
/// the transaction that runs `statement`; then the transaction is rolled back.
fn locks_and_file(db: &Database, statement: &str) -> Result<(String, String), String> {
    let before = db.query("SELECT oid FROM pg_class WHERE relname = 'orders'")?;
    let oid = &before[0][0];
    let rows = db.query(&format!(
        "BEGIN;\n{statement}\nSELECT (SELECT string_agg(mode, ',') FROM pg_locks \
         WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = {oid}), \
         (SELECT relfilenode FROM pg_class WHERE oid = {oid});\nROLLBACK;"
    ))?;
    let row = rows.last().ok_or("the lock query returned nothing")?;
    let strongest = row[0]
        .split(',')
        .max_by_key(|mode| MODES.iter().position(|known| known == mode))
        .unwrap_or_default()
        .to_owned();
    Ok((strongest, row[1].clone()))
}

fn relfilenode(db: &Database) -> Result<String, String> {
    Ok(db
        .query("SELECT relfilenode FROM pg_class WHERE relname = 'orders'")?
        .remove(0)
        .remove(0))
}

/// Runs `statement` (which cannot run in a transaction) while another session reads `orders`
/// in an open transaction: whether it gave up waiting for that reader's ACCESS SHARE lock.
fn waits_for_readers(db: &Database, statement: &str) -> Result<bool, String> {
    thread::scope(|scope| {
        let reader = scope.spawn(|| {
            db.run_sql("BEGIN;\nSELECT count(*) FROM orders;\nSELECT pg_sleep(3);\nCOMMIT;")
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let readers = db.query(
                "SELECT count(*) FROM pg_locks WHERE pid <> pg_backend_pid() \
                 AND locktype = 'relation' AND relation = 'orders'::regclass",
            )?;
            if readers[0][0] != "0" {
                break;
            }
            if Instant::now() > deadline {
                return Err("the reading session never locked orders".to_owned());
            }
            thread::sleep(Duration::from_millis(20));
        }
        let outcome = db.run_sql(&format!("SET lock_timeout = '200ms';\n{statement}"));
        reader.join().expect("the reader thread panicked")?;
        match outcome {
            Ok(_) => Ok(false),
            Err(error) if error.contains("lock timeout") => Ok(true),
            Err(error) => Err(error),
        }
    })
}

/// Whether the rule reports the migration when it runs after the one creating the tables.
fn reported(rule: &str, migration: &str, postgres_major: u32) -> Result<bool, String> {
    if !ddlint::rules::specs().iter().any(|spec| spec.id == rule) {
        return Err(format!("no rule is called {rule}"));
    }
    let text = format!(
        "-- config: [migrations]\n-- config: postgres_version = {postgres_major}\n\
         -- file: migrations/0001_init.sql\n{SETUP}-- file: migrations/0002_change.sql\n{migration}\n"
    );
    let case = fixture::parse(rule, Path::new("case.sql"), &text)?;
    let checked = case.check(&case.files, &[rule.to_owned()], None)?;
    Ok(checked
        .diagnostics
        .iter()
        .any(|d| d.rule == rule && checked.keys[d.file.0 as usize].ends_with("0002_change.sql")))
}

fn verify(db: &Database, case: &Case) -> Result<(), String> {
    db.run_sql(SETUP)?;
    match case.claim {
        Claim::Locks { mode, rewrite } => {
            let before = relfilenode(db)?;
            let (strongest, after) = locks_and_file(db, case.migration)?;
            if strongest != mode {
                return Err(format!("takes {strongest}, the rule's case says {mode}"));
            }
            if let Some(rewrite) = rewrite
                && (before != after) != rewrite
            {
                return Err(format!(
                    "relfilenode {before} -> {after}, the case says rewrite = {rewrite}"
                ));
            }
        }
        Claim::BlocksReaders { rewrite } => {
            if !waits_for_readers(db, case.migration)? {
                return Err("ran beside a reader: it does not take ACCESS EXCLUSIVE".to_owned());
            }
            let before = relfilenode(db)?;
            db.run_sql(case.migration)?;
            if (before != relfilenode(db)?) != rewrite {
                return Err(format!("the case says rewrite = {rewrite}"));
            }
        }
        Claim::Rejected(text) => match db.run_sql(case.migration) {
            Ok(_) => return Err("PostgreSQL accepts it".to_owned()),
            Err(error) if error.contains(text) => {}
            Err(error) => return Err(format!("rejected for another reason: {error}")),
        },
    }
    Ok(())
}

#[test]
fn each_rule_claims_the_lock_postgres_takes() {
    let Some(cluster) = postgres_or_skip("each_rule_claims_the_lock_postgres_takes") else {
        return;
    };
    let major = cluster.major_version().unwrap();
    let mut failures = Vec::new();
    for case in CASES {
        let db = cluster.fresh_database().unwrap();
        let label = format!("{} on `{}`", case.rule, case.migration.replace('\n', " "));
        if let Err(error) = verify(&db, case) {
            failures.push(format!("{label}: {error}"));
        }
        match reported(case.rule, case.migration, major) {
            Ok(found) if found == case.reported => {}
            Ok(found) => failures.push(format!(
                "{label}: expected {}, but the rule {}",
                if case.reported {
                    "a finding"
                } else {
                    "no finding"
                },
                if found { "reports it" } else { "is silent" }
            )),
            Err(error) => failures.push(format!("{label}: {error}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

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
