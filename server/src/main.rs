//! The `ddlint` binary: the command line and the language server.

ddlint::global_allocator!();

fn main() -> std::process::ExitCode {
    ddlint::cli::main()
}
