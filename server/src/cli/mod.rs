//! The command line: `ddlint check`, `ddlint rules`, `ddlint erd`, `ddlint lsp`.

mod check;
mod erd;
mod render;
mod rule_docs;
mod sarif;
mod style;
mod summary;
mod text;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::EXIT_ERROR;
use crate::rules;

/// Reviews PostgreSQL and Prisma schemas against a schema-design checklist.
#[derive(Parser, Debug)]
#[command(name = "ddlint", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check schema files, migration folders and Prisma schemas.
    Check(CheckArgs),
    /// List the rules with their levels, or show one rule's documentation.
    Rules(rule_docs::RulesArgs),
    /// Draw the entity-relationship diagram of the schemas, or around one table.
    #[command(after_help = erd::EXAMPLES)]
    Erd(erd::ErdArgs),
    /// Run the language server on standard input and output.
    Lsp {
        /// Use standard input and output (the only transport; accepted because editors pass it).
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    /// Files or directories to check.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Only these rules (comma-separated ids); runs them even where ddlint.toml turns them off.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Apply safe fixes to the files, then report what remains.
    #[arg(long)]
    fix: bool,
    /// With --fix, also apply unsafe fixes (they change meaning or existing data).
    #[arg(long, requires = "fix")]
    unsafe_fixes: bool,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Print the number of findings per rule instead of each finding (text or json format).
    #[arg(long)]
    statistics: bool,
    /// Report only in files changed since this git commit, branch or tag, and there only in
    /// statements added since (the whole history is still checked).
    #[arg(long, value_name = "REF")]
    since: Option<String>,
    /// Report only findings this baseline file does not hold (overrides `baseline` in
    /// ddlint.toml); its entries that match nothing are reported as stale.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every finding in this baseline file, then exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// `path:line:col: severity[rule] message`, then the source with the span marked, related
    /// places and fixes.
    Text,
    /// One JSON array of findings, sorted by path, line and column.
    Json,
    /// A SARIF 2.1.0 log, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=...::message`), shown as annotations.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    fn threshold(self) -> rules::Severity {
        match self {
            FailOn::Error => rules::Severity::Error,
            FailOn::Warning => rules::Severity::Warning,
            FailOn::Info => rules::Severity::Info,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules(args) => rule_docs::run(&args),
        Command::Erd(args) => erd::run(&args),
        Command::Lsp { stdio: _ } => crate::lsp::run(),
    }
}

/// Writes a command's output to standard output. A reader that stops early (`ddlint rules |
/// head -1`) closes the pipe; like other Unix tools, ddlint then stops writing without an error.
/// The output is written in large blocks: standard output alone flushes at every line, a
/// system call per line of a JSON report.
fn write_stdout(
    write: impl FnOnce(&mut io::BufWriter<io::StdoutLock<'static>>) -> io::Result<()>,
) -> Result<(), String> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {error}"))
        }
        _ => Ok(()),
    }
}
