//! `ddlint erd`: the entity-relationship diagram of the schemas, or of one table's neighbourhood.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;

use super::check::absolute;
use super::write_stdout;
use crate::EXIT_ERROR;
use crate::analysis::{SourceModel, TextInput, build_models};
use crate::erd::mermaid::Attributes;
use crate::erd::{self, Graph, Section, dot, html, mermaid, text};
use crate::workspace::files::{Problem, collect_files, read_texts};
use crate::{config, rules, suggest};

pub(crate) const EXAMPLES: &str = "\
Examples:
  ddlint erd db/migrations                       Mermaid erDiagram of the whole schema
  ddlint erd --format html -o erd.html            a page to open in a browser
  ddlint erd --format dot | dot -Tsvg > erd.svg  Graphviz
  ddlint erd --around posts --depth 2            posts and the tables up to two keys away
  ddlint erd --around posts --format text        the drawing a hover on posts shows
  ddlint erd . --source db/migrations            one schema source of several

Lines carry crow's-foot cardinalities: exactly one (a NOT NULL foreign key), zero or one (a
nullable one) at the referenced table; zero or more, or zero or one for a unique foreign key, at
the referencing table. With several schema sources (migration folders, standalone files,
Prisma schemas) the Mermaid output is still one erDiagram, each source's tables after a
`%% source` comment (a table name two sources share is followed by the source in parentheses);
the other formats draw one diagram per source. --source draws one source only.";

#[derive(clap::Args, Debug)]
pub(crate) struct ErdArgs {
    /// Files or directories to read.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ErdFormat::Mermaid)]
    format: ErdFormat,
    /// Draw only the schema source at this path: a migration folder or a schema file, as the
    /// section comments of the Mermaid output name it. By default every source.
    #[arg(long, value_name = "PATH")]
    source: Option<PathBuf>,
    /// Draw only this table and its neighbours: a name as written (`posts`, `public.posts`,
    /// `"Posts"`) or a Prisma model name.
    #[arg(long, value_name = "TABLE")]
    around: Option<String>,
    /// With --around: include tables up to this many foreign keys away.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "around")]
    depth: usize,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ErdFormat {
    /// A Mermaid `erDiagram` (renders on GitHub, GitLab, in Markdown previews).
    Mermaid,
    /// A Graphviz digraph with HTML-like table labels (`dot -Tsvg`).
    Dot,
    /// A self-contained HTML page with the diagram drawn in SVG.
    Html,
    /// Box drawings of each table with its direct neighbours.
    Text,
}

pub(crate) fn run(args: &ErdArgs) -> ExitCode {
    match erd_command(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            stderr_line!("error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn erd_command(args: &ErdArgs) -> Result<(), String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let start = args.paths.first().map_or(cwd.clone(), |p| cwd.join(p));
    let config = config::load(&start, &rules::specs()).map_err(|e| e.to_string())?;
    let collected = collect_files(&args.paths, &config);
    for problem in &collected.problems {
        match problem.problem {
            Problem::Unreadable(_) => stderr_line!("warning: {problem}"),
            _ => return Err(problem.to_string()),
        }
    }
    let mut inputs = Vec::new();
    for (path, read) in collected.files.iter().zip(read_texts(&collected.files)) {
        match read {
            Ok(text) => inputs.push(TextInput {
                path: path.clone(),
                key: absolute(&cwd, path),
                text,
            }),
            Err(message) => stderr_line!("warning: {}: {message}; skipped", path.display()),
        }
    }
    let modeled = build_models(inputs, &config);
    let sources: Vec<&SourceModel> = modeled
        .sources
        .iter()
        .filter(|s| s.model.live_tables().next().is_some())
        .collect();
    if sources.is_empty() {
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!("no tables found in {}", paths.join(", ")));
    }
    let title = |source: &SourceModel| relative(&cwd, &source.root);
    let sources = match &args.source {
        None => sources,
        Some(wanted) => {
            let wanted = same_path(&cwd.join(wanted));
            let chosen: Vec<&SourceModel> = sources
                .iter()
                .copied()
                .filter(|s| same_path(&s.root) == wanted)
                .collect();
            if chosen.is_empty() {
                let names: Vec<String> = sources.iter().map(|s| title(s)).collect();
                return Err(format!(
                    "no schema source at {}; the sources with tables are {}",
                    args.source.as_deref().unwrap_or(Path::new("")).display(),
                    names.join(", ")
                ));
            }
            chosen
        }
    };

    let sections: Vec<Section> = match &args.around {
        None => sources
            .iter()
            .map(|s| Section {
                title: title(s),
                model: &s.model,
                graph: Graph::new(&s.model),
            })
            .collect(),
        Some(name) => {
            let found: Vec<Section> = sources
                .iter()
                .filter_map(|s| {
                    let center = erd::find_table(&s.model, name)?;
                    let graph = Graph::new(&s.model).neighbourhood(center, args.depth);
                    Some(Section {
                        title: title(s),
                        model: &s.model,
                        graph,
                    })
                })
                .collect();
            if found.is_empty() {
                return Err(unknown_table(name, &sources));
            }
            found
        }
    };

    let output = match args.format {
        ErdFormat::Mermaid => mermaid::render_sections(&sections, Attributes::All),
        ErdFormat::Dot => dot::render(&sections),
        ErdFormat::Html => {
            let subject = match &args.around {
                Some(name) => format!("{name} and its neighbours"),
                None => args
                    .paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            html::render(
                &format!("{subject} · entity-relationship diagram"),
                &sections,
            )
        }
        ErdFormat::Text => text_output(&sections, args),
    };
    write_output(args.output.as_deref(), &output)
}

/// The drawing of every table of the sections; with `--around`, of the tables less than
/// `--depth` keys from it, so that the drawings together reach `--depth`.
fn text_output(sections: &[Section], args: &ErdArgs) -> String {
    let mut drawings = Vec::new();
    for section in sections {
        if sections.len() > 1 {
            drawings.push(format!("# {}", section.title));
        }
        let full = Graph::new(section.model);
        let focus: Vec<_> = match &args.around {
            Some(name) => match erd::find_table(section.model, name) {
                Some(center) => full
                    .neighbourhood(center, args.depth.saturating_sub(1))
                    .nodes()
                    .to_vec(),
                None => Vec::new(),
            },
            None => section.graph.nodes().to_vec(),
        };
        drawings.extend(
            focus
                .into_iter()
                .map(|table| text::table_drawing(section.model, &full, table)),
        );
    }
    let mut out = drawings.join("\n\n");
    out.push('\n');
    out
}

fn unknown_table(name: &str, sources: &[&SourceModel]) -> String {
    let names: Vec<String> = sources
        .iter()
        .flat_map(|s| erd::table_names(&s.model))
        .collect();
    match suggest::closest(name, names.iter().map(String::as_str), 3) {
        Some(closest) => format!("unknown table `{name}`; did you mean `{closest}`?"),
        None => format!(
            "unknown table `{name}`; the schema has {} tables",
            names.len()
        ),
    }
}

/// A path as the file system resolves it, so that `./db` and `db/` compare equal.
fn same_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn relative(cwd: &Path, path: &Path) -> String {
    match path.strip_prefix(cwd) {
        Ok(inside) if inside.as_os_str().is_empty() => ".".to_string(),
        Ok(inside) => inside.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

fn write_output(path: Option<&Path>, output: &str) -> Result<(), String> {
    match path {
        Some(path) => std::fs::write(path, output)
            .map_err(|e| format!("{}: cannot write: {e}", path.display())),
        None => write_stdout(|out| out.write_all(output.as_bytes())),
    }
}
