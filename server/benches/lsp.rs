//! Figures for the language server's hot path, not a timed test: a large schema
//! (`sql/gitlab-structure.sql` of the corpus at `DDLINT_CORPUS`) is loaded into the host and
//! opened, then one-character edits are each applied and committed until fresh diagnostics are
//! computed: 50 in one name in the middle of the file (typing there), then a character typed
//! and deleted at 25 places spread over the file (each place new), then 100 edits of each kind
//! (a name or a type, a view, a sequence, a function, a trigger, a table before the model
//! checkpoint; a type, domain, setting or drop pasted and removed), then a statement typed key
//! by key into an empty line in the middle, with the editor closing brackets and quotes and
//! without (brackets and quotes open for a while). Between edits the bench does
//! what the server does once diagnostics are out (drops the old snapshot, moves and copies the
//! model checkpoint, drops the last check, returns freed memory at most once a second),
//! untimed. Prints the median and the worst edit of each series, the p50, p99 and worst of each
//! kind and of each way of typing, then where an edit's time goes (reanalysis of the file, model build, rules) and the
//! slowest rules on the whole schema.
//!
//! With `-- --soak [EDITS]` (10,000 by default) it then types and deletes a character EDITS
//! times at 200 places in turn, printing the resident memory and the edit times every 500 edits:
//! net-neutral edits must leave the memory flat.
//!
//! With `-- --workspace [FILES]` (20,000 by default) it measures a workspace of many small schema
//! files instead, written to a temporary folder: the load, the first commit after a document
//! opens, a keystroke in it, and one file in ten changed on disk at once. No corpus is needed.
//!
//! `DDLINT_CORPUS=/path/to/corpus cargo bench -p ddlint --bench lsp [-- --soak [EDITS]]`

// The allocator of the shipped binary, so that the figures are its figures.
ddlint::global_allocator!();

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ddlint::analysis::FileData;
use ddlint::config::Config;
use ddlint::lower::ChangedSpan;
use ddlint::model::{BuildCache, FileInput, Model};
use ddlint::rules::{self, RuleCache, Selection};
use ddlint::text::{Document, LineCol, PositionEncoding, TextRange};
use ddlint::workspace::host::{Change, DiskChange, DiskEvent, Host, TextChange};

const EDITS: usize = 50;
/// Edits of each kind: half of them type, half undo. A hundred, so that the p99 is not the
/// slowest one.
const KIND_EDITS: usize = 100;
/// Keystrokes timed in one file of the workspace of many files.
const KEYSTROKES: usize = 21;
/// Places the soak run types at, in turn, and how many edits each RSS sample follows.
const SOAK_PLACES: usize = 200;
const SOAK_SAMPLE: usize = 500;

fn main() {
    if let Some(files) = option_count("--workspace", 20_000) {
        workspace_load(files);
        return;
    }
    let Some(corpus) = std::env::var_os("DDLINT_CORPUS") else {
        println!(
            "DDLINT_CORPUS is not set (the corpus directory holding sql/gitlab-structure.sql); \
             nothing to measure"
        );
        return;
    };
    let source = PathBuf::from(corpus).join("sql/gitlab-structure.sql");
    let text = match std::fs::read_to_string(&source) {
        Ok(text) => text,
        Err(error) => {
            println!(
                "cannot read {}: {error}; nothing to measure",
                source.display()
            );
            return;
        }
    };
    // Inside the first name after the middle of the file: each edit changes a statement's facts.
    let Some(offset) = named_offset(&text, text.len() / 2) else {
        println!(
            "no named statement after the middle of {}; nothing to measure",
            source.display()
        );
        return;
    };

    // A workspace folder holding only the schema, as an editor would open it.
    let folder = std::env::temp_dir().join(format!("ddlint-bench-lsp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("create the workspace folder");
    let path = folder.join("structure.sql");
    std::fs::write(&path, &text).expect("write the schema");

    let mut host = Host::new(PositionEncoding::Utf16, None);
    let started = Instant::now();
    host.add_folder(&folder);
    let loaded = host.commit();
    let load = started.elapsed();
    let diagnostics = loaded
        .snapshot
        .file(&path)
        .map_or(0, |file| file.diagnostics.len());
    drop(loaded);

    let started = Instant::now();
    open_document(&mut host, &path, &text);
    let opened = host.commit();
    let open = started.elapsed();
    drop(opened);

    let mut version = 1;
    let mut memory = ddlint::chores::MemoryRelease::default();
    // Applies one change and commits it, timed until fresh diagnostics.
    let mut timed = |host: &mut Host, change: TextChange| {
        version += 1;
        let started = Instant::now();
        host.apply(Change::Edit {
            path: path.clone(),
            version,
            edits: vec![change],
        });
        let commit = host.commit();
        let took = started.elapsed();
        // As the language server does once the diagnostics are out: the replaced snapshot is
        // dropped, then the next build's checkpoint copied.
        drop(commit);
        host.prepare_next_commit();
        memory.idle();
        took
    };
    let mut times: Vec<Duration> = (0..EDITS)
        .map(|n| timed(&mut host, piece_change(&text, offset, "x", n % 2 == 0)))
        .collect();
    // Typing a character then deleting it at places spread over the file, each place new.
    let places: Vec<usize> = (1..=EDITS / 2)
        .filter_map(|n| named_offset(&text, text.len() * n / (EDITS / 2 + 1)))
        .collect();
    let mut spread_times: Vec<Duration> = places
        .iter()
        .flat_map(|&place| [(place, true), (place, false)])
        .map(|(place, insert)| timed(&mut host, piece_change(&text, place, "x", insert)))
        .collect();
    let kinds: Vec<(String, usize, String, Vec<Duration>)> = edit_kinds(&text)
        .into_iter()
        .map(|(kind, place, piece)| {
            let times = (0..KIND_EDITS)
                .map(|n| timed(&mut host, piece_change(&text, place, &piece, n % 2 == 0)))
                .collect();
            (kind, place, piece, times)
        })
        .collect();
    let typing: Vec<(&str, Vec<Duration>)> = [
        ("the editor closing brackets and quotes", true),
        ("every bracket and quote closed by hand", false),
    ]
    .into_iter()
    .map(|(how, closes_pairs)| {
        let line = line_col(&text, typing_line_start(&text)).line;
        let keys = typed_keys(TYPED_STATEMENT, closes_pairs);
        let mut times: Vec<Duration> = keys
            .iter()
            .map(|key| timed(&mut host, key.change(line)))
            .collect();
        // The statement removed again, untimed, for the figures that follow.
        timed(
            &mut host,
            TextChange {
                range: Some((LineCol::new(line, 0), LineCol::new(line + 1, 0))),
                text: String::new(),
            },
        );
        times.sort();
        (how, times)
    })
    .collect();
    let previous = host.commit();

    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "{}: {} bytes, {diagnostics} diagnostics",
        source.display(),
        text.len()
    );
    println!("load (walk, read, parse, check): {}", ms(load));
    println!("open (same text as on disk):      {}", ms(open));
    println!("one-character edit until fresh diagnostics:");
    for (what, times) in [
        (format!("{EDITS} edits in one place"), &mut times),
        (
            format!("{} edits at {} places", spread_times.len(), places.len()),
            &mut spread_times,
        ),
    ] {
        let (median, worst, best) = spread(times);
        println!(
            "  {what}: median {}  worst {}  best {}",
            ms(median),
            ms(worst),
            ms(best)
        );
    }

    let Some(file) = previous.snapshot.file(&path) else {
        return;
    };
    println!(
        "edits by kind, each made and undone {} times: p50 / p99 / max, then the median of \
         each step (reanalysis, model build, rules)",
        KIND_EDITS / 2
    );
    for (kind, place, piece, mut times) in kinds {
        times.sort();
        let p99 = times[(times.len() * 99).div_ceil(100) - 1];
        let steps = phases(Arc::clone(&file.data), place as u32, &piece, KIND_EDITS);
        println!(
            "  {kind:<42} {:>9} {:>9} {:>9}   {:>9} {:>9} {:>9}",
            ms(times[times.len() / 2]),
            ms(p99),
            ms(times[times.len() - 1]),
            ms(steps[0]),
            ms(steps[1]),
            ms(steps[2]),
        );
    }
    println!(
        "a statement typed one key at a time into an empty line in the middle ({} keys as \
         typed): p50 / p99 / max, and the keystrokes over 16 ms",
        TYPED_STATEMENT.len()
    );
    for (how, times) in typing {
        let p99 = times[(times.len() * 99).div_ceil(100) - 1];
        println!(
            "  {how:<42} {:>9} {:>9} {:>9}   {} of {}",
            ms(times[times.len() / 2]),
            ms(p99),
            ms(times[times.len() - 1]),
            times
                .iter()
                .filter(|took| **took > Duration::from_millis(16))
                .count(),
            times.len()
        );
    }

    let [reanalysis, model_build, rules_run] =
        phases(Arc::clone(&file.data), offset as u32, "x", EDITS);
    println!("steps of an edit in one place (median of {EDITS}):");
    println!(
        "  reanalysis of the file (text copy, reparse, lowering, line index): {}",
        ms(reanalysis)
    );
    println!(
        "  model build (resumed at the edited statement): {}",
        ms(model_build)
    );
    println!(
        "  rules (on the tables the edit can affect): {}",
        ms(rules_run)
    );
    slowest_rules(&file.data);
    drop(previous);

    if let Some(edits) = soak_edits() {
        println!(
            "soak: {edits} edits, a character typed then deleted at places spread over the file"
        );
        let places: Vec<usize> = (1..=SOAK_PLACES)
            .filter_map(|n| named_offset(&text, text.len() * n / (SOAK_PLACES + 1)))
            .collect();
        let mut times = Vec::with_capacity(SOAK_SAMPLE);
        for n in 0..edits {
            let place = places[(n / 2) % places.len()];
            times.push(timed(
                &mut host,
                piece_change(&text, place, "x", n % 2 == 0),
            ));
            if (n + 1) % SOAK_SAMPLE == 0 {
                let (median, worst, _) = spread(&mut times);
                times.clear();
                println!(
                    "  after {:>6} edits: RSS {}, edits median {} worst {}",
                    n + 1,
                    resident().map_or("unknown".to_string(), |bytes| format!(
                        "{:.1} MB",
                        bytes as f64 / 1e6
                    )),
                    ms(median),
                    ms(worst)
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&folder);
}

/// The change that inserts `piece` at `offset` of `text`, or deletes it from there again when
/// `text` holds it there.
fn piece_change(text: &str, offset: usize, piece: &str, insert: bool) -> TextChange {
    let at = line_col(text, offset);
    if insert {
        return TextChange {
            range: Some((at, at)),
            text: piece.to_string(),
        };
    }
    let edited = format!("{}{piece}{}", &text[..offset], &text[offset..]);
    TextChange {
        range: Some((at, line_col(&edited, offset + piece.len()))),
        text: String::new(),
    }
}

/// A statement as someone types it: its brackets and quotes open for a while, unless the editor
/// closes them.
const TYPED_STATEMENT: &str = "CREATE TABLE typed_items (id bigint NOT NULL, \
    project_id bigint REFERENCES projects (id), name text DEFAULT 'none', \
    created_at timestamp with time zone);\n";

/// The start of the first empty line after the middle of `text`, between two statements.
fn typing_line_start(text: &str) -> usize {
    let middle = text.len() / 2;
    text[middle..]
        .find("\n\n")
        .map_or(text.len(), |at| middle + at + 1)
}

/// One keystroke: `text` inserted at `column` of the typing line.
struct Key {
    column: u32,
    text: &'static str,
}

impl Key {
    fn change(&self, line: u32) -> TextChange {
        let at = LineCol::new(line, self.column);
        TextChange {
            range: Some((at, at)),
            text: self.text.to_string(),
        }
    }
}

/// The edits that typing `statement` (ASCII, on one line) makes. An editor that closes pairs
/// inserts `()` or `''` for the opener and steps over the closer when it is typed.
fn typed_keys(statement: &'static str, closes_pairs: bool) -> Vec<Key> {
    let mut keys = Vec::new();
    let mut column = 0;
    // The closers the editor inserted that the cursor has not stepped over yet.
    let mut pending: Vec<u8> = Vec::new();
    for (at, byte) in statement.bytes().enumerate() {
        let typed = &statement[at..=at];
        if closes_pairs && pending.last() == Some(&byte) {
            pending.pop();
            column += 1;
            continue;
        }
        let text = match byte {
            b'(' if closes_pairs => "()",
            b'\'' if closes_pairs => "''",
            _ => typed,
        };
        if text.len() == 2 {
            pending.push(text.as_bytes()[1]);
        }
        keys.push(Key { column, text });
        column += 1;
    }
    keys
}

/// Opens `path` in the editor with `text`, its first version.
fn open_document(host: &mut Host, path: &Path, text: &str) {
    host.apply(Change::Open {
        path: path.to_path_buf(),
        language: None,
        version: 1,
        text: text.to_owned(),
    });
}

/// Edits of the soak run: `--soak [EDITS]` after `--`, 10,000 by default.
fn soak_edits() -> Option<usize> {
    option_count("--soak", 10_000)
}

/// The count after `option` on the command line (`default` without one); `None` without the
/// option.
fn option_count(option: &str, default: usize) -> Option<usize> {
    let mut args = std::env::args().skip_while(|arg| arg != option);
    args.next()?;
    Some(args.next().and_then(|n| n.parse().ok()).unwrap_or(default))
}

/// A workspace folder of `files` one-table schema files, 200 to a directory: the load, the
/// commit after a document opens (what the first request on it waits for), a keystroke in it.
fn workspace_load(files: usize) {
    let folder =
        std::env::temp_dir().join(format!("ddlint-bench-workspace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    for n in 0..files {
        let directory = folder.join(format!("m{:03}", n / 200));
        std::fs::create_dir_all(&directory).expect("create a directory of the workspace");
        let text = format!(
            "CREATE TABLE t{n} (id bigint PRIMARY KEY, name text NOT NULL, \
             created_at timestamptz NOT NULL DEFAULT now());\n\
             CREATE INDEX t{n}_name ON t{n} (name);\n"
        );
        std::fs::write(directory.join(format!("f{n}.sql")), text).expect("write a schema file");
    }
    let path = folder.join("m000").join("f0.sql");
    let text = std::fs::read_to_string(&path).expect("read the first file back");

    let mut host = Host::new(PositionEncoding::Utf16, None);
    let started = Instant::now();
    host.add_folder(&folder);
    let loaded = host.commit();
    let load = started.elapsed();
    let checked = loaded.changed.len();
    drop(loaded);

    let started = Instant::now();
    open_document(&mut host, &path, &text);
    drop(host.commit());
    let open = started.elapsed();

    // Characters typed into a name, one commit each.
    let at = line_col(&text, text.find("name").unwrap_or(0));
    let mut keystrokes: Vec<Duration> = (0..KEYSTROKES)
        .map(|typed| {
            let started = Instant::now();
            host.apply(Change::Edit {
                path: path.clone(),
                version: 2 + typed as i32,
                edits: vec![TextChange {
                    range: Some((at, at)),
                    text: "x".to_string(),
                }],
            });
            drop(host.commit());
            started.elapsed()
        })
        .collect();
    keystrokes.sort();

    // A checkout or a pull: one file in ten changes on disk at once, each gaining a column.
    let mut events = Vec::new();
    for n in (1..files).step_by(10) {
        let path = folder
            .join(format!("m{:03}", n / 200))
            .join(format!("f{n}.sql"));
        let text = format!(
            "CREATE TABLE t{n} (id bigint PRIMARY KEY, name text NOT NULL, note text, \
             created_at timestamptz NOT NULL DEFAULT now());\n\
             CREATE INDEX t{n}_name ON t{n} (name);\n"
        );
        std::fs::write(&path, text).expect("rewrite a schema file");
        events.push(DiskEvent {
            path,
            change: DiskChange::Changed,
        });
    }
    let rewritten = events.len();
    let started = Instant::now();
    host.apply(Change::Disk(events));
    drop(host.commit());
    let checkout = started.elapsed();

    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!("workspace of {files} schema files ({checked} with diagnostics published):");
    println!("  load (walk, read, parse, check): {}", ms(load));
    println!("  open one of them until its diagnostics: {}", ms(open));
    println!(
        "  a keystroke in it until fresh diagnostics: median {}, worst {} ({KEYSTROKES})",
        ms(keystrokes[KEYSTROKES / 2]),
        ms(keystrokes[KEYSTROKES - 1])
    );
    println!(
        "  {rewritten} files changed on disk at once until fresh diagnostics: {}",
        ms(checkout)
    );
    println!(
        "  RSS {}",
        resident().map_or("unknown".to_string(), |bytes| format!(
            "{:.1} MB",
            bytes as f64 / 1e6
        ))
    );
    let _ = std::fs::remove_dir_all(&folder);
}

/// The resident memory of this process (Linux).
fn resident() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The kinds of edit the bench times apart: what, where, and the text typed there (then
/// deleted). One character in a name or type, at the places the model treats differently, and
/// whole statements pasted among the tables (GitLab's schema has no types, domains,
/// settings or drops of its own).
fn edit_kinds(text: &str) -> Vec<(String, usize, String)> {
    // pg_dump writes the tables and sequences first, then constraints, indexes and triggers.
    let middle = text.len() / 2;
    let tables = text.len() / 5;
    let after = |from: usize, keyword: &str| -> Option<usize> {
        Some(from + text.get(from..)?.find(keyword)? + keyword.len())
    };
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    // One character typed two characters into the name after a keyword.
    let named = [
        (
            "first table's name (before the checkpoint)",
            0,
            "CREATE TABLE ",
        ),
        ("a referenced table", middle, " REFERENCES "),
        ("a view's name", 0, "CREATE VIEW "),
        ("a sequence's name", tables, "CREATE SEQUENCE "),
        ("a function's name", 0, "CREATE FUNCTION "),
        ("a trigger's name", middle, "CREATE TRIGGER "),
    ];
    let mut kinds: Vec<(&str, Option<usize>, String)> = named
        .into_iter()
        .map(|(kind, from, keyword)| (kind, after(from, keyword).map(|at| at + 2), "x".into()))
        .collect();
    kinds.insert(
        1,
        (
            "a column's type",
            after(tables, "CREATE TABLE ").and_then(|at| after(at, " integer")),
            "x".into(),
        ),
    );
    let statement = after(tables, "\nCREATE TABLE ").map(line_start);
    let dropped = after(tables / 2, "\nCREATE TABLE ").and_then(|at| {
        let name = &text[at..];
        Some(name[..name.find([' ', '\n'])?].to_string())
    });
    for (kind, piece) in [
        (
            "CREATE TYPE pasted",
            Some("CREATE TYPE bench_mood AS ENUM ('calm', 'busy');\n\n".to_string()),
        ),
        (
            "CREATE DOMAIN pasted",
            Some("CREATE DOMAIN bench_email AS text CHECK (VALUE LIKE '%@%');\n\n".to_string()),
        ),
        (
            "SET search_path pasted",
            Some("SET search_path TO public;\n\n".to_string()),
        ),
        (
            "DROP TABLE pasted (of an earlier table)",
            dropped.map(|name| format!("DROP TABLE {name};\n\n")),
        ),
    ] {
        if let Some(piece) = piece {
            kinds.push((kind, statement, piece));
        }
    }
    kinds
        .into_iter()
        .filter_map(|(kind, at, piece)| Some((kind.to_string(), at?, piece)))
        .collect()
}

/// Inside the first name of an ALTER TABLE ... ADD CONSTRAINT, CREATE INDEX or CREATE TABLE
/// statement after `from`.
fn named_offset(text: &str, from: usize) -> Option<usize> {
    ["ADD CONSTRAINT ", "CREATE INDEX ", "CREATE TABLE "]
        .iter()
        .filter_map(|keyword| {
            text.get(from..)?
                .find(keyword)
                .map(|at| from + at + keyword.len() + 2)
        })
        .min()
}

fn line_col(text: &str, offset: usize) -> LineCol {
    let line = text[..offset].matches('\n').count() as u32;
    let column = (offset - text[..offset].rfind('\n').map_or(0, |i| i + 1)) as u32;
    LineCol::new(line, column)
}

/// Median, worst and best.
fn spread(times: &mut [Duration]) -> (Duration, Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() - 1], times[0])
}

/// The same edits again (`piece` typed at `offset`, then deleted, `edits` times), timing the
/// steps a commit takes for this one-file source: the medians of reanalysis, model build and
/// rules.
fn phases(mut data: Arc<FileData>, offset: u32, piece: &str, edits: usize) -> [Duration; 3] {
    let mut document = Document::new(&data.text, 0);
    let config = Config::default();
    let selection = Selection::default();
    let (mut reanalysis, mut model_build, mut rules_run) = (Vec::new(), Vec::new(), Vec::new());
    let config = Arc::new(config);
    let mut cache = BuildCache::default();
    let mut rule_cache = RuleCache::default();
    let first = Arc::new(Model::build(&[FileInput {
        file: data.id,
        language: data.language,
        history: ddlint::model::History::Schema,
        statements: &data.statements,
    }]));
    rule_cache.check(&first, &[&*data], &config, &selection);
    for edit in 0..edits {
        let range = if edit % 2 == 0 {
            TextRange::empty(offset)
        } else {
            TextRange::new(offset, offset + piece.len() as u32)
        };
        let started = Instant::now();
        let Ok(applied) = document.apply_edit(range, if edit % 2 == 0 { piece } else { "" }) else {
            return [Duration::ZERO; 3];
        };
        let span = ChangedSpan::of_edit(
            applied.new_range.start(),
            applied.old_range.end(),
            applied.new_range.end(),
        );
        data = Arc::new(data.reparsed(Arc::from(document.text()), &[applied.input_edit()], span));
        reanalysis.push(started.elapsed());
        let started = Instant::now();
        let inputs = [FileInput {
            file: data.id,
            language: data.language,
            history: ddlint::model::History::Schema,
            statements: &data.statements,
        }];
        let model = Arc::new(Model::build_resuming(&inputs, &mut cache));
        model_build.push(started.elapsed());
        let started = Instant::now();
        let found = rule_cache.check(&model, &[&*data], &config, &selection);
        rules_run.push(started.elapsed());
        drop((found, model));
        cache.prepare();
        rule_cache.prepare();
    }
    [reanalysis, model_build, rules_run].map(|mut times| spread(&mut times).0)
}

/// Each rule on its own over the whole schema, the slowest first.
fn slowest_rules(data: &FileData) {
    let inputs = [FileInput {
        file: data.id,
        language: data.language,
        history: ddlint::model::History::Schema,
        statements: &data.statements,
    }];
    let model = Model::build(&inputs);
    let config = Config::default();
    let mut costs: Vec<(Duration, &str, rules::RuleScope)> = rules::all()
        .map(|rule| {
            let selection = Selection {
                select: Some(vec![rule.id.to_string()]),
                ..Selection::default()
            };
            let started = Instant::now();
            for _ in 0..3 {
                rules::check(&model, &[data], &config, &selection);
            }
            (started.elapsed() / 3, rule.id, rule.scope)
        })
        .collect();
    costs.sort_by_key(|(cost, ..)| std::cmp::Reverse(*cost));
    println!("slowest rules, each alone (with what an edit reruns them on):");
    for (cost, id, scope) in costs.iter().take(8) {
        println!(
            "  {:>7.1} ms  {id} ({scope:?})",
            cost.as_secs_f64() * 1000.0
        );
    }
    let whole: Duration = costs
        .iter()
        .filter(|(_, _, scope)| *scope == rules::RuleScope::Schema)
        .map(|(cost, ..)| *cost)
        .sum();
    println!(
        "  rules of the whole schema, which every edit reruns: {:.1} ms together, one at a time",
        whole.as_secs_f64() * 1000.0
    );
}
