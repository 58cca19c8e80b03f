//! The throwaway-PostgreSQL harness itself: scripts run, errors carry PostgreSQL's message,
//! databases are isolated, and the cluster goes away with its last handle.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::postgres::{PgCluster, postgres_or_skip, tools_or_skip};

#[test]
fn creates_and_queries_a_table() {
    let Some(cluster) = postgres_or_skip("creates_and_queries_a_table") else {
        return;
    };
    let db = cluster.fresh_database().unwrap();
    db.run_sql(
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, note text);\n\
         INSERT INTO users VALUES (1, 'a@example.com', NULL), (2, 'b@example.com', 'two\nlines');",
    )
    .unwrap();
    let rows = db
        .query("SELECT id, email, note FROM users ORDER BY id")
        .unwrap();
    assert_eq!(
        rows,
        [
            ["1", "a@example.com", ""],
            ["2", "b@example.com", "two\nlines"]
        ]
    );
    assert_eq!(
        db.query("SELECT 1 WHERE false").unwrap(),
        Vec::<Vec<String>>::new()
    );
    assert_eq!(db.query("SELECT ''").unwrap(), [[""]]);
}

#[test]
fn a_failing_statement_returns_postgres_error_and_stops_the_script() {
    let Some(cluster) =
        postgres_or_skip("a_failing_statement_returns_postgres_error_and_stops_the_script")
    else {
        return;
    };
    let db = cluster.fresh_database().unwrap();
    let error = db
        .run_sql("CREATE TABLE t (id int);\nCREATE TABLE t (id int);\nCREATE TABLE after_error (id int);")
        .unwrap_err();
    assert!(error.contains(r#"relation "t" already exists"#), "{error}");
    let error = db.run_sql("CREATE TABEL t2 (id int);").unwrap_err();
    assert!(
        error.contains(r#"syntax error at or near "TABEL""#),
        "{error}"
    );
    let tables = db
        .query("SELECT relname FROM pg_class WHERE relname IN ('t', 'after_error') ORDER BY 1")
        .unwrap();
    assert_eq!(tables, [["t"]], "ON_ERROR_STOP stops at the first error");
}

#[test]
fn fresh_databases_are_isolated() {
    let Some(cluster) = postgres_or_skip("fresh_databases_are_isolated") else {
        return;
    };
    let first = cluster.fresh_database().unwrap();
    let second = cluster.fresh_database().unwrap();
    assert_ne!(first.name(), second.name());
    first
        .run_sql("CREATE TABLE only_in_first (id int);")
        .unwrap();
    second
        .run_sql("CREATE TABLE only_in_first (id text);")
        .unwrap();
    let error = second
        .run_sql("SELECT count(*) FROM only_in_first WHERE id = 1;")
        .unwrap_err();
    assert!(
        error.contains("operator does not exist: text = integer"),
        "{error}"
    );
    assert_eq!(
        first
            .query("SELECT count(*) FROM only_in_first WHERE id = 1")
            .unwrap(),
        [["0"]]
    );
}

#[test]
fn a_script_runs_in_one_session() {
    let Some(cluster) = postgres_or_skip("a_script_runs_in_one_session") else {
        return;
    };
    let db = cluster.fresh_database().unwrap();
    let output = db
        .run_sql("SET search_path = custom, public;\nCREATE SCHEMA custom;\nSHOW search_path;")
        .unwrap();
    assert!(output.contains("custom, public"), "{output}");
}

#[test]
fn dropping_the_cluster_stops_it_and_deletes_its_directory() {
    let test = "dropping_the_cluster_stops_it_and_deletes_its_directory";
    let Some(tools) = tools_or_skip(test) else {
        return;
    };
    let cluster = PgCluster::start_with(tools).unwrap();
    let db = cluster.fresh_database().unwrap();
    assert_eq!(db.query("SELECT 40 + 2").unwrap(), [["42"]]);
    let root = cluster.root().to_path_buf();
    let pid_file = std::fs::read_to_string(root.join("data").join("postmaster.pid")).unwrap();
    let pid = pid_file.lines().next().unwrap().trim().to_owned();
    assert!(is_running(&pid));
    drop(db);
    drop(cluster);
    assert!(!root.exists(), "{} is left behind", root.display());
    // The postmaster may need a moment to be reaped after pg_ctl saw it stop.
    let deadline = Instant::now() + Duration::from_secs(10);
    while is_running(&pid) {
        assert!(Instant::now() < deadline, "postmaster {pid} still runs");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_panicking_test_still_removes_its_cluster() {
    let Some(tools) = tools_or_skip("a_panicking_test_still_removes_its_cluster") else {
        return;
    };
    let mut root = None;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let cluster = PgCluster::start_with(tools).unwrap();
        root = Some(cluster.root().to_path_buf());
        panic!("a failing assertion while the cluster runs");
    }));
    assert!(outcome.is_err());
    let root = root.unwrap();
    assert!(!root.exists(), "{} is left behind", root.display());
}

fn is_running(pid: &str) -> bool {
    Command::new("kill")
        .args(["-0", pid])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}
