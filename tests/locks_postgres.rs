//! The locks the migration rules claim, read on a real PostgreSQL: each statement runs in a
//! transaction on tables with rows, and the strongest mode the session then holds on the table
//! is read from `pg_locks` before the transaction rolls back. The rewrite claims compare the
//! table's file node before and after.

mod support;

use support::postgres::{Database, postgres_or_skip};

const SETUP: &str = "
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers, status text);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders);
CREATE TABLE logs (id bigint PRIMARY KEY);
INSERT INTO customers SELECT g FROM generate_series(1, 1000) g;
INSERT INTO orders SELECT g, g, 'new' FROM generate_series(1, 1000) g;
INSERT INTO order_items SELECT g, g FROM generate_series(1, 1000) g;
INSERT INTO logs SELECT g FROM generate_series(1, 1000) g;
CREATE INDEX orders_status_idx ON orders (status);
ALTER TABLE orders ADD CONSTRAINT orders_id_check CHECK (id > 0) NOT VALID;
";

/// Lock modes, weakest first.
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

/// (rule, statement, relation, the strongest mode the rule says it takes on the relation).
const CLAIMS: &[(&str, &str, &str, &str)] = &[
    (
        "drop-index-not-concurrent",
        "DROP INDEX orders_status_idx",
        "orders",
        "AccessExclusiveLock",
    ),
    (
        "reindex-not-concurrent",
        "REINDEX TABLE orders",
        "orders",
        "ShareLock",
    ),
    (
        "reindex-not-concurrent",
        "REINDEX INDEX orders_status_idx",
        "orders",
        "ShareLock",
    ),
    (
        "reindex-not-concurrent",
        "REINDEX INDEX orders_status_idx",
        "orders_status_idx",
        "AccessExclusiveLock",
    ),
    (
        "vacuum-full-or-cluster",
        "CLUSTER orders USING orders_pkey",
        "orders",
        "AccessExclusiveLock",
    ),
    (
        "truncate-cascade",
        "TRUNCATE customers CASCADE",
        "order_items",
        "AccessExclusiveLock",
    ),
    (
        "lock-timeout-missing",
        "ALTER TABLE orders ADD COLUMN note text",
        "orders",
        "AccessExclusiveLock",
    ),
    (
        "lock-timeout-missing",
        "ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers NOT VALID",
        "orders",
        "ShareRowExclusiveLock",
    ),
    (
        "lock-timeout-missing",
        "CREATE INDEX orders_customer_id_idx ON orders (customer_id)",
        "orders",
        "ShareLock",
    ),
    (
        "lock-timeout-missing",
        "DROP TABLE logs",
        "logs",
        "AccessExclusiveLock",
    ),
    (
        "lock-timeout-missing",
        "TRUNCATE logs",
        "logs",
        "AccessExclusiveLock",
    ),
    // Not reported: VALIDATE CONSTRAINT lets reads and writes go on.
    (
        "lock-timeout-missing",
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_id_check",
        "orders",
        "ShareUpdateExclusiveLock",
    ),
    // Not reported as a backfill's lock: DML alone blocks no reader or writer.
    (
        "mixed-ddl-and-dml",
        "UPDATE orders SET status = 'old'",
        "orders",
        "RowExclusiveLock",
    ),
];

fn single(db: &Database, sql: &str) -> String {
    let rows = db.query(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.first()
        .and_then(|row| row.first())
        .cloned()
        .unwrap_or_default()
}

/// The strongest mode the session holds on `relation` after `statement`, in a transaction.
fn strongest_lock(db: &Database, statement: &str, relation: &str) -> String {
    // By OID: DROP TABLE leaves no name to look up.
    let oid = single(db, &format!("SELECT '{relation}'::regclass::oid"));
    let modes = db
        .query(&format!(
            "BEGIN;\n{statement};\nSELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = {oid} AND granted;\nROLLBACK;"
        ))
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    modes
        .iter()
        .filter_map(|row| row.first())
        .max_by_key(|mode| MODES.iter().position(|m| m == mode))
        .cloned()
        .unwrap_or_default()
}

#[test]
fn the_locks_the_migration_rules_claim() {
    let Some(cluster) = postgres_or_skip("the_locks_the_migration_rules_claim") else {
        return;
    };
    let db = cluster.fresh_database().unwrap();
    db.run_sql(SETUP).unwrap();
    let mut failures = Vec::new();
    for (rule, statement, relation, claimed) in CLAIMS {
        let held = strongest_lock(&db, statement, relation);
        if held != *claimed {
            failures.push(format!(
                "{rule}: `{statement}` holds {held} on {relation}, not {claimed}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn vacuum_full_and_cluster_rewrite_the_table() {
    let Some(cluster) = postgres_or_skip("vacuum_full_and_cluster_rewrite_the_table") else {
        return;
    };
    let db = cluster.fresh_database().unwrap();
    db.run_sql(SETUP).unwrap();
    for statement in [
        "VACUUM FULL orders",
        "VACUUM (FULL) orders",
        "CLUSTER orders USING orders_pkey",
    ] {
        let before = single(&db, "SELECT pg_relation_filenode('orders')");
        db.run_sql(&format!("{statement};")).unwrap();
        let after = single(&db, "SELECT pg_relation_filenode('orders')");
        assert_ne!(before, after, "`{statement}` did not rewrite the table");
    }
    // Plain VACUUM, which the rule leaves alone, keeps the file.
    let before = single(&db, "SELECT pg_relation_filenode('orders')");
    db.run_sql("VACUUM orders;").unwrap();
    assert_eq!(before, single(&db, "SELECT pg_relation_filenode('orders')"));
}
