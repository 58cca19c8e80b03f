//! The `ddlint` binary: the command line and the language server.

fn main() -> std::process::ExitCode {
    ddlint::cli::main()
}
