//! The VS Code extension's side of the protocol: compiles editors/vscode and runs its Node tests,
//! whose session test drives this package's `ddlint` binary through vscode-languageserver-protocol
//! as the extension's language client would.
//!
//! Needs `node` (20 or newer) on PATH and `npm ci` run in editors/vscode; without them the test is
//! skipped with a message, and `DDLINT_REQUIRE_EXTERNAL=1` makes that a failure.

mod support;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use support::child::{Run, run_with_timeout};
use support::external::Needs;
use support::skip;

const TIMEOUT: Duration = Duration::from_secs(180);
const TEST_FILES: [&str; 4] = [
    "out/test/config.test.js",
    "out/test/erd.test.js",
    "out/test/actions.test.js",
    "out/test/server.test.js",
];

#[test]
fn vscode_client_session() {
    let test = "vscode_client_session";
    let extension = Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/vscode");
    let Some(node) = find_on_path("node") else {
        return skip(
            test,
            Needs::VscodeNode,
            "node not found on PATH (Node 20 or newer runs the VS Code client tests)",
        );
    };
    match node_major(&node) {
        Some(major) if major >= 20 => {}
        found => {
            return skip(
                test,
                Needs::VscodeNode,
                &format!(
                    "{} is Node {found:?}; the VS Code client tests need 20 or newer",
                    node.display()
                ),
            );
        }
    }
    let tsc = extension.join("node_modules/typescript/bin/tsc");
    if !tsc.is_file()
        || !extension
            .join("node_modules/vscode-languageserver-protocol")
            .is_dir()
    {
        return skip(
            test,
            Needs::VscodeNode,
            "editors/vscode/node_modules is not installed; run `npm ci` in editors/vscode",
        );
    }

    let mut compile = Command::new(&node);
    compile.arg(&tsc).args(["-p", "."]).current_dir(&extension);
    let run = run_with_timeout(compile, TIMEOUT);
    assert!(
        run.succeeded(),
        "compiling editors/vscode failed\n{}",
        report(&run)
    );

    let mut tests = Command::new(&node);
    tests
        .arg("--test")
        .args(TEST_FILES)
        .current_dir(&extension)
        .env("DDLINT_BIN", env!("CARGO_BIN_EXE_ddlint"))
        // The binary is given, so the Node side must never skip its session test.
        .env("DDLINT_REQUIRE_EXTERNAL", "1");
    let run = run_with_timeout(tests, TIMEOUT);
    assert!(
        run.succeeded(),
        "the VS Code client tests failed against {}\n{}",
        env!("CARGO_BIN_EXE_ddlint"),
        report(&run)
    );
    eprint!("{}", run.stdout);
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn node_major(node: &Path) -> Option<u32> {
    let output = Command::new(node)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let version = String::from_utf8(output.stdout).ok()?;
    version
        .trim()
        .strip_prefix('v')?
        .split('.')
        .next()?
        .parse()
        .ok()
}

fn report(run: &Run) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        run.status_text(TIMEOUT),
        run.stdout,
        run.stderr
    )
}
