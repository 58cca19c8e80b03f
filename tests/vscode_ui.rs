//! The VS Code extension in a real VS Code: editors/vscode/ui-test/ui-test.js installs the
//! packaged platform `.vsix` (with this package's `ddlint` inside) into code-server and drives it
//! with Playwright in headless Chromium: the squiggle and Problems entry of examples/schema.sql,
//! "Convert to timestamptz" from the quick fix menu, the finding gone with the file unsaved, the
//! ERD panel with the schema's tables, a click on a table opening its definition, the panel redrawn
//! after a save, "Fix all safe problems", the panel around the table under the cursor. Screenshots
//! of each step go to target/vscode-ui/ (CI keeps them).
//!
//! Needs Node 20 or newer, `npm ci` in editors/vscode, code-server installed in
//! editors/vscode/ui-test (`npm ci --ignore-scripts && ./install-code-server.sh`) and Chromium
//! (`/usr/bin/chromium`, or `CHROMIUM`); without them the test is skipped with a message, and
//! `DDLINT_REQUIRE_EXTERNAL=1` makes that a failure. `DDLINT_VSIX` names a .vsix to test instead
//! of packaging one around the test build.

mod support;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::child::{Run, run_with_timeout};
use support::external::Needs;
use support::{notice, skip};

const TIMEOUT: Duration = Duration::from_secs(600);

#[test]
fn vscode_ui_quick_fix_and_erd_panel() {
    let test = "vscode_ui_quick_fix_and_erd_panel";
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lies in the repository");
    let extension = root.join("editors/vscode");
    let ui_test = extension.join("ui-test");
    let Some(node) = find_on_path("node") else {
        return skip(test, Needs::CodeServer, "node not found on PATH");
    };
    if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
        return skip(
            test,
            Needs::CodeServer,
            "the UI test runs on linux-x64 only",
        );
    }
    if !ui_test
        .join("node_modules/code-server/lib/vscode/node_modules")
        .is_dir()
        || !ui_test.join("node_modules/playwright-core").is_dir()
    {
        return skip(
            test,
            Needs::CodeServer,
            "code-server is not installed; run `npm ci --ignore-scripts && ./install-code-server.sh` \
             in editors/vscode/ui-test",
        );
    }
    let chromium = env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        return skip(
            test,
            Needs::Chromium,
            &format!(
                "{} not found (apt-get install chromium)",
                chromium.display()
            ),
        );
    }
    if !extension.join("node_modules/@vscode/vsce").is_dir() {
        return skip(
            test,
            Needs::VscodeNode,
            "editors/vscode/node_modules is not installed; run `npm ci` in editors/vscode",
        );
    }

    let out = root.join("target/vscode-ui");
    std::fs::create_dir_all(&out).expect("target/vscode-ui can be created");
    let vsix = match env::var_os("DDLINT_VSIX") {
        Some(vsix) => PathBuf::from(vsix),
        None => {
            let vsix = out.join("ddlint-linux-x64.vsix");
            let mut package = Command::new(&node);
            package
                .args(["scripts/package.js", "--target", "linux-x64", "--binary"])
                .arg(env!("CARGO_BIN_EXE_ddlint"))
                .arg("--out")
                .arg(&vsix)
                .current_dir(&extension);
            let run = run_with_timeout(package, TIMEOUT);
            assert!(
                run.succeeded(),
                "packaging the extension failed\n{}",
                report(&run)
            );
            vsix
        }
    };

    let started = Instant::now();
    let mut ui = Command::new(&node);
    ui.arg("ui-test.js")
        .current_dir(&ui_test)
        .env("DDLINT_VSIX", &vsix)
        .env("DDLINT_UI_SCREENSHOTS", out.join("screenshots"))
        .env("CHROMIUM", &chromium);
    let run = run_with_timeout(ui, TIMEOUT);
    assert!(
        run.succeeded(),
        "the VS Code UI test failed (screenshots in {})\n{}",
        out.join("screenshots").display(),
        report(&run)
    );
    notice(&format!(
        "{test}: passed in {:.0?}; screenshots in {}",
        started.elapsed(),
        out.join("screenshots").display()
    ));
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn report(run: &Run) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        run.status_text(TIMEOUT),
        run.stdout,
        run.stderr
    )
}
