//! A throwaway PostgreSQL cluster for tests.
//!
//! The cluster lives in a fresh temporary directory (data directory, Unix socket directory and
//! server log), listens on no TCP address, runs with fsync off, and is stopped and deleted when
//! the last handle is dropped, also while a failing test unwinds. Tests share one running cluster
//! through [`postgres_or_skip`] and isolate themselves with [`PgCluster::fresh_database`].
//!
//! `initdb` refuses to run as root (CI does), so as root every server program and `psql` run as
//! the unprivileged `postgres` system user, who then owns the temporary directory.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{SystemTime, UNIX_EPOCH};

use super::skip;

/// Why a PostgreSQL test is skipped when the server programs are missing.
pub const MISSING: &str = "PostgreSQL (initdb) not found; install the postgresql package";

/// The superuser every cluster is created with; local connections are trusted.
const SUPERUSER: &str = "ddlint";

/// The PostgreSQL programs a cluster needs.
#[derive(Debug, Clone)]
pub struct Tools {
    pub initdb: PathBuf,
    pub pg_ctl: PathBuf,
    pub postgres: PathBuf,
    pub psql: PathBuf,
}

impl Tools {
    /// The server programs from `PATH` (taking `pg_ctl` and `postgres` from `initdb`'s own
    /// directory), else from the newest `/usr/lib/postgresql/<major>/bin` (Debian's layout);
    /// `psql` from `PATH`, else next to the server programs.
    pub fn find() -> Option<Tools> {
        let bin = server_bin_dir()?;
        let psql = find_on_path("psql").or_else(|| executable(&bin.join("psql")))?;
        Some(Tools {
            initdb: bin.join("initdb"),
            pg_ctl: bin.join("pg_ctl"),
            postgres: bin.join("postgres"),
            psql,
        })
    }
}

fn server_bin_dir() -> Option<PathBuf> {
    if let Some(initdb) = find_on_path("initdb") {
        // A distribution may link only some programs into PATH; their real directory has all.
        let candidates = [fs::canonicalize(&initdb).ok(), Some(initdb)];
        for candidate in candidates.into_iter().flatten() {
            if let Some(dir) = candidate.parent()
                && has_server_programs(dir)
            {
                return Some(dir.to_path_buf());
            }
        }
    }
    let versions = fs::read_dir("/usr/lib/postgresql").ok()?;
    versions
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_server_programs(&bin).then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major)
        .map(|(_, bin)| bin)
}

fn has_server_programs(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|program| executable(&dir.join(program)).is_some())
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| executable(&dir.join(program)))
}

fn executable(path: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = fs::metadata(path).ok()?;
    (metadata.is_file() && metadata.permissions().mode() & 0o111 != 0).then(|| path.to_path_buf())
}

/// Who runs the server programs and `psql`.
#[derive(Debug)]
enum RunAs {
    CurrentUser,
    /// Root hands over to the `postgres` user through `runuser` or `setpriv`.
    Postgres {
        uid: u32,
        gid: u32,
        switch: Switch,
    },
}

#[derive(Debug)]
enum Switch {
    Runuser(PathBuf),
    Setpriv(PathBuf),
}

impl RunAs {
    fn detect() -> Result<RunAs, String> {
        if id(&["-u"])? != 0 {
            return Ok(RunAs::CurrentUser);
        }
        let no_user = |error: String| {
            format!(
                "running as root, which initdb refuses, and there is no `postgres` user to run \
                 PostgreSQL as (the postgresql package creates it): {error}"
            )
        };
        let uid = id(&["-u", "postgres"]).map_err(no_user)?;
        let gid = id(&["-g", "postgres"]).map_err(no_user)?;
        let switch = if let Some(runuser) = find_on_path("runuser") {
            Switch::Runuser(runuser)
        } else if let Some(setpriv) = find_on_path("setpriv") {
            Switch::Setpriv(setpriv)
        } else {
            return Err(
                "running as root, and neither runuser nor setpriv (util-linux) is \
                        available to run PostgreSQL as the `postgres` user"
                    .to_owned(),
            );
        };
        Ok(RunAs::Postgres { uid, gid, switch })
    }

    fn command(&self, program: &Path) -> Command {
        let mut command = match self {
            RunAs::CurrentUser => Command::new(program),
            RunAs::Postgres {
                switch: Switch::Runuser(runuser),
                ..
            } => {
                let mut command = Command::new(runuser);
                command.args(["-u", "postgres", "--"]).arg(program);
                command
            }
            RunAs::Postgres {
                uid,
                gid,
                switch: Switch::Setpriv(setpriv),
            } => {
                let mut command = Command::new(setpriv);
                command
                    .arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={gid}"))
                    .args(["--init-groups", "--"])
                    .arg(program);
                command
            }
        };
        // The caller's PG* settings (PGHOST, PGOPTIONS...) must not redirect or alter sessions,
        // and messages must be in English for tests to match them.
        for (key, _) in std::env::vars_os() {
            if key.to_str().is_some_and(|key| key.starts_with("PG")) {
                command.env_remove(key);
            }
        }
        command.env("LC_ALL", "C").env("PGCONNECT_TIMEOUT", "10");
        command
    }

    /// Gives `path` to the user the server runs as.
    fn own(&self, path: &Path) -> Result<(), String> {
        match self {
            RunAs::CurrentUser => Ok(()),
            RunAs::Postgres { uid, gid, .. } => {
                std::os::unix::fs::chown(path, Some(*uid), Some(*gid)).map_err(|error| {
                    format!(
                        "cannot give {} to the postgres user: {error}",
                        path.display()
                    )
                })
            }
        }
    }
}

/// Runs `id` (user and group ids).
fn id(args: &[&str]) -> Result<u32, String> {
    let output = Command::new("id")
        .args(args)
        .output()
        .map_err(|error| format!("cannot run `id`: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim().parse().map_err(|error| {
        format!(
            "unexpected output of `id {}`: {text:?} ({error})",
            args.join(" ")
        )
    })
}

/// A running PostgreSQL cluster in a temporary directory; dropping it stops the server and
/// deletes the directory.
#[derive(Debug)]
pub struct PgCluster {
    tools: Tools,
    run_as: RunAs,
    root: PathBuf,
    data: PathBuf,
    socket_dir: PathBuf,
    log: PathBuf,
    port: u16,
    databases: AtomicUsize,
}

impl PgCluster {
    /// Finds the programs, creates a cluster and starts it; the error explains what failed,
    /// with the server log when the server itself did not come up.
    pub fn start() -> Result<PgCluster, String> {
        Self::start_with(Tools::find().ok_or_else(|| MISSING.to_owned())?)
    }

    pub fn start_with(tools: Tools) -> Result<PgCluster, String> {
        let run_as = RunAs::detect()?;
        let root = create_temp_root(&run_as)?;
        let cluster = PgCluster {
            tools,
            data: root.join("data"),
            socket_dir: root.join("socket"),
            log: root.join("server.log"),
            port: free_port()?,
            databases: AtomicUsize::new(0),
            run_as,
            root,
        };
        // From here on, dropping `cluster` cleans up whatever was created.
        fs::create_dir(&cluster.socket_dir)
            .map_err(|error| format!("cannot create {}: {error}", cluster.socket_dir.display()))?;
        cluster.run_as.own(&cluster.root)?;
        cluster.run_as.own(&cluster.socket_dir)?;
        cluster.init()?;
        cluster.launch()?;
        Ok(cluster)
    }

    fn init(&self) -> Result<(), String> {
        let output = self
            .run_as
            .command(&self.tools.initdb)
            .arg("--pgdata")
            .arg(&self.data)
            .args([
                "--username",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .map_err(|error| format!("cannot run {}: {error}", self.tools.initdb.display()))?;
        if !output.status.success() {
            return Err(format!(
                "initdb failed ({}):\n{}",
                output.status,
                output_text(&output)
            ));
        }
        let settings = format!(
            "\n# Throwaway test cluster: no TCP, no durability, nothing in the background.\n\
             listen_addresses = ''\n\
             port = {port}\n\
             unix_socket_directories = '{socket_dir}'\n\
             fsync = off\n\
             synchronous_commit = off\n\
             full_page_writes = off\n\
             autovacuum = off\n\
             max_connections = 40\n\
             shared_buffers = 32MB\n\
             statement_timeout = '2min'\n",
            port = self.port,
            socket_dir = self.socket_dir.display().to_string().replace('\'', "''"),
        );
        let config = self.data.join("postgresql.conf");
        fs::OpenOptions::new()
            .append(true)
            .open(&config)
            .and_then(|mut file| file.write_all(settings.as_bytes()))
            .map_err(|error| format!("cannot write {}: {error}", config.display()))
    }

    fn launch(&self) -> Result<(), String> {
        let output = self
            .run_as
            .command(&self.tools.pg_ctl)
            .arg("--pgdata")
            .arg(&self.data)
            .arg("--log")
            .arg(&self.log)
            .arg("-p")
            .arg(&self.tools.postgres)
            .args(["--wait", "--timeout=60", "--silent", "start"])
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("cannot run {}: {error}", self.tools.pg_ctl.display()))?;
        if !output.status.success() {
            return Err(format!(
                "pg_ctl start failed ({}):\n{}\nserver log:\n{}",
                output.status,
                output_text(&output),
                self.log()
            ));
        }
        self.psql("postgres", &["-A", "-t"], "SELECT 1")
            .map(|_| ())
            .map_err(|error| {
                format!(
                    "the server does not answer: {error}\nserver log:\n{}",
                    self.log()
                )
            })
    }

    /// The temporary directory holding the data directory, the socket and the log.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The server log so far (for error messages).
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log)
            .unwrap_or_else(|error| format!("(cannot read {}: {error})", self.log.display()))
    }

    /// `server_version_num`, e.g. 150018 for 15.18.
    pub fn version_num(&self) -> Result<u32, String> {
        let text = self.psql("postgres", &["-A", "-t"], "SHOW server_version_num")?;
        text.trim()
            .parse()
            .map_err(|error| format!("unexpected server_version_num {text:?}: {error}"))
    }

    /// The major version, e.g. 15.
    pub fn major_version(&self) -> Result<u32, String> {
        self.version_num().map(|num| num / 10000)
    }

    /// Creates an empty database with a name no other caller gets.
    pub fn fresh_database(&self) -> Result<Database<'_>, String> {
        let name = format!(
            "ddlint_test_{}",
            self.databases.fetch_add(1, Ordering::Relaxed)
        );
        self.psql("postgres", &[], &format!("CREATE DATABASE {name}"))?;
        Ok(Database {
            cluster: self,
            name,
        })
    }

    /// Runs `sql` (fed on standard input, one session) in `database`; the output on success,
    /// psql's error text otherwise.
    fn psql(&self, database: &str, extra_args: &[&str], sql: &str) -> Result<String, String> {
        let mut child = self
            .run_as
            .command(&self.tools.psql)
            .args([
                "--no-psqlrc",
                "--quiet",
                "--set",
                "ON_ERROR_STOP=1",
                "--host",
            ])
            .arg(&self.socket_dir)
            .arg(format!("--port={}", self.port))
            .args(["--username", SUPERUSER, "--dbname", database])
            .args(extra_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot run {}: {error}", self.tools.psql.display()))?;
        let mut stdin = child.stdin.take().ok_or("psql has no standard input")?;
        // Writing from another thread: psql may fill its output pipe before reading all input.
        let output = std::thread::scope(|scope| {
            scope.spawn(move || {
                // A write error means psql stopped reading (ON_ERROR_STOP); its stderr says why.
                let _ = stdin.write_all(sql.as_bytes());
            });
            child.wait_with_output()
        })
        .map_err(|error| format!("psql failed to run: {error}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            Err(if stderr.is_empty() {
                format!("psql failed ({})", output.status)
            } else {
                stderr
            })
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.data.join("postmaster.pid").exists() {
            // Best effort: nothing can be reported from here, and the directory goes anyway.
            let _ = self
                .run_as
                .command(&self.tools.pg_ctl)
                .arg("--pgdata")
                .arg(&self.data)
                .args(["--mode=immediate", "--wait", "--silent", "stop"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = fs::remove_dir_all(&self.root);
    }
}

const FIELD_SEPARATOR: &str = "\u{1f}";

/// A database of a [`PgCluster`].
#[derive(Debug)]
pub struct Database<'c> {
    cluster: &'c PgCluster,
    name: String,
}

impl Database<'_> {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs a whole script in one session (`psql -v ON_ERROR_STOP=1`, fed on standard input),
    /// stopping at the first error: what it printed on success, psql's error text (with
    /// PostgreSQL's message) otherwise.
    pub fn run_sql(&self, sql: &str) -> Result<String, String> {
        self.cluster.psql(&self.name, &[], sql)
    }

    /// The rows a query returns, each a list of column values as text (NULL is empty).
    /// Meant for one statement; the rows of several are concatenated.
    pub fn query(&self, sql: &str) -> Result<Vec<Vec<String>>, String> {
        // Rows end with NUL, which no value can contain; fields are split by the ASCII unit
        // separator, which schema tests do not put in their values.
        let output = self.cluster.psql(
            &self.name,
            &[
                "--no-align",
                "--tuples-only",
                "--record-separator-zero",
                "--field-separator",
                FIELD_SEPARATOR,
            ],
            sql,
        )?;
        Ok(output
            .split_terminator('\0')
            .map(|row| row.split(FIELD_SEPARATOR).map(str::to_owned).collect())
            .collect())
    }
}

/// Combined stdout and stderr of a finished program.
fn output_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A port number no one listens on; with `listen_addresses = ''` it only names the socket file,
/// but distinct clusters then also get distinct shared-memory keys.
fn free_port() -> Result<u16, String> {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| format!("cannot find a free port: {error}"))
}

/// A new directory under the temporary directory. Unix socket paths are limited to about 100
/// bytes, and the `postgres` user must be able to reach it, hence `/tmp` for root or long paths.
fn create_temp_root(run_as: &RunAs) -> Result<PathBuf, String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let temp = std::env::temp_dir();
    let base = match run_as {
        RunAs::CurrentUser if temp.as_os_str().len() <= 40 => temp,
        _ => PathBuf::from("/tmp"),
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let mut last_error = None;
    for _ in 0..100 {
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = base.join(format!("ddlint-pg-{}-{count}-{nanos}", std::process::id()));
        match fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                last_error = Some(error)
            }
            Err(error) => return Err(format!("cannot create {}: {error}", path.display())),
        }
    }
    Err(format!(
        "cannot create a directory under {}: {last_error:?}",
        base.display()
    ))
}

/// The PostgreSQL programs, or `None` after the skip rule of [`postgres_or_skip`] is applied.
pub fn tools_or_skip(test: &str) -> Option<Tools> {
    let tools = Tools::find();
    if tools.is_none() {
        skip(test, super::external::Needs::Postgres, MISSING);
    }
    tools
}

/// The cluster tests share while any of them holds it.
static SHARED: Mutex<Weak<PgCluster>> = Mutex::new(Weak::new());

/// A running cluster for `test`, shared with the tests running at the same time; `None` (after
/// a visible skip message) when PostgreSQL is not installed, a panic when
/// `DDLINT_REQUIRE_EXTERNAL=1` is set then. A server that is installed but does not start is a
/// failure, with its log in the panic message.
pub fn postgres_or_skip(test: &str) -> Option<Arc<PgCluster>> {
    let tools = tools_or_skip(test)?;
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(cluster) = shared.upgrade() {
        return Some(cluster);
    }
    let cluster = match PgCluster::start_with(tools) {
        Ok(cluster) => Arc::new(cluster),
        Err(error) => panic!("{test}: PostgreSQL is installed but did not start: {error}"),
    };
    *shared = Arc::downgrade(&cluster);
    Some(cluster)
}
