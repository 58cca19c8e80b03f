//! Figures for navigation requests on a large schema, not a timed test: `sql/gitlab-structure.sql`
//! of the corpus at `DDLINT_CORPUS` is loaded into the host, then definition, references and
//! document highlight, completion and selection ranges are asked at foreign-key targets and
//! indexed columns spread over the file, and document and workspace symbols and folding ranges a
//! few times, and semantic tokens on a freshly loaded file and again. Then the same file is
//! opened in `ddlint lsp` over stdio, as an editor opens it, and semantic tokens are asked there:
//! the whole answer, encoded as the protocol's integers and written as JSON, timed until its last
//! byte is read. Prints the median, 99th percentile and worst time of each request.
//!
//! `DDLINT_CORPUS=/path/to/corpus cargo bench -p ddlint --bench navigation`

// The allocator of the shipped binary, so that the figures are its figures.
ddlint::global_allocator!();

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use ddlint::ide;
use ddlint::text::PositionEncoding;
use ddlint::workspace::host::{Host, Snapshot};

/// Places asked at, per kind of name.
const PLACES: usize = 200;

fn main() {
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
    let folder = std::env::temp_dir().join(format!("ddlint-bench-nav-{}", std::process::id()));
    let path = folder.join("structure.sql");
    let snapshot = load(&folder, &path, &text);
    let Some(file) = snapshot.file(&path) else {
        println!("the schema was not read; nothing to measure");
        return;
    };

    // A table name after REFERENCES, a column in an index's column list.
    let tables = places(&text, "REFERENCES ", 2);
    let columns = places(&text, "USING btree (", 1);
    // What was asked, the times, and how many results came back in all.
    let mut asked: Vec<(String, Vec<Duration>, usize)> = Vec::new();
    for (kind, offsets) in [("table", &tables), ("column", &columns)] {
        let mut times: [Vec<Duration>; 6] = Default::default();
        let mut found = [0; 6];
        for &offset in offsets.iter() {
            let started = Instant::now();
            let targets = ide::definition(&snapshot, file, offset);
            times[0].push(started.elapsed());
            found[0] += targets.map_or(0, |n| n.targets.len());
            let started = Instant::now();
            found[1] += ide::references(&snapshot, file, offset, true).len();
            times[1].push(started.elapsed());
            let started = Instant::now();
            found[2] += ide::highlights(&snapshot, file, offset).len();
            times[2].push(started.elapsed());
            let started = Instant::now();
            let config = ide::CompletionConfig { snippets: true };
            found[3] += ide::completion(file, offset, config).map_or(0, |c| c.items.len());
            times[3].push(started.elapsed());
            let started = Instant::now();
            found[4] += ide::selection_ranges(file, offset).len();
            times[4].push(started.elapsed());
            let started = Instant::now();
            found[5] += usize::from(ide::hover(&snapshot, file, offset).is_some());
            times[5].push(started.elapsed());
        }
        let requests = [
            "definition",
            "references",
            "document highlight",
            "completion",
            "selection ranges",
            "hover",
        ];
        for ((request, times), found) in requests.into_iter().zip(times).zip(found) {
            let what = format!("{request} at a {kind} ({} places)", offsets.len());
            asked.push((what, times, found));
        }
    }
    let mut found = 0;
    let symbols: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            found += ide::document_symbols(file).len();
            started.elapsed()
        })
        .collect();
    asked.push(("document symbols (10 times)".to_string(), symbols, found));
    let mut found = 0;
    let folding: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            found += ide::folding_ranges(file).len();
            started.elapsed()
        })
        .collect();
    asked.push(("folding ranges (10 times)".to_string(), folding, found));
    // Rename of the referenced column whose reference count is nearest 100, in a copy named as
    // a hand-written schema: ddlint refuses to edit a generated dump such as `structure.sql`.
    let edited_path = folder.join("schema.sql");
    let edited = load(&folder, &edited_path, &text);
    let edited_file = edited.file(&edited_path).expect("the schema is read");
    let referenced = places(&text, "REFERENCES ", 0)
        .into_iter()
        .filter_map(|at| Some(at + text[at as usize..].find('(')? as u32 + 1));
    let (column, count) = referenced
        .map(|at| (at, ide::references(&snapshot, file, at, true).len()))
        .min_by_key(|(_, count)| count.abs_diff(100))
        .unwrap_or((0, 0));
    let mut found = 0;
    let renames: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            found += ide::rename(&edited, edited_file, column, "renamed_column", 0)
                .map_or(0, |renamed| renamed.edits.len());
            started.elapsed()
        })
        .collect();
    asked.push((
        format!("rename of a column with {count} references (10 times)"),
        renames,
        found,
    ));
    let whole = ddlint::text::TextRange::new(0, text.len() as u32);
    // An editor's first request after opening the file: nothing highlighted yet. Each sample
    // loads the schema again.
    let mut found = 0;
    let first: Vec<Duration> = (0..5)
        .map(|_| {
            let snapshot = load(&folder, &path, &text);
            let file = snapshot.file(&path).expect("the schema is read");
            let started = Instant::now();
            found += ide::semantic_tokens(file, whole).len();
            started.elapsed()
        })
        .collect();
    asked.push((
        "semantic tokens, whole file, first request (5 loads)".to_string(),
        first,
        found,
    ));
    // Later requests: the chunks an edit did not touch keep their highlights.
    ide::semantic_tokens(file, whole);
    let mut found = 0;
    let tokens: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            found += ide::semantic_tokens(file, whole).len();
            started.elapsed()
        })
        .collect();
    asked.push((
        "semantic tokens, whole file, later requests (10 times)".to_string(),
        tokens,
        found,
    ));
    let mut found = 0;
    let hints: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            found += ide::inlay_hints(file, whole).len();
            started.elapsed()
        })
        .collect();
    asked.push((
        "inlay hints, whole file (10 times)".to_string(),
        hints,
        found,
    ));
    let queries = ["user", "project_id", "ci_b", "idx", "x"];
    let mut found = 0;
    let workspace: Vec<Duration> = queries
        .iter()
        .map(|query| {
            let started = Instant::now();
            found += ide::workspace_symbols(&snapshot, query).len();
            started.elapsed()
        })
        .collect();
    asked.push((
        "workspace symbols (5 queries)".to_string(),
        workspace,
        found,
    ));

    semantic_tokens_over_stdio(&folder, &text, &mut asked);

    println!("{}: {} bytes", source.display(), text.len());
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    for (what, mut times, found) in asked {
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{what}: median {}, p99 {}, worst {} ({found} results)",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(at(1.0))
        );
    }
}

/// A host with `text` as the only file of a workspace folder.
fn load(folder: &Path, path: &Path, text: &str) -> Arc<Snapshot> {
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder).expect("create the workspace folder");
    std::fs::write(path, text).expect("write the schema");
    let mut host = Host::new(PositionEncoding::Utf16, None);
    host.add_folder(folder);
    let snapshot = host.commit().snapshot;
    let _ = std::fs::remove_dir_all(folder);
    snapshot
}

/// Up to `PLACES` offsets `inside` bytes into the name after each `marker`, spread over the file.
fn places(text: &str, marker: &str, inside: usize) -> Vec<u32> {
    let all: Vec<usize> = text
        .match_indices(marker)
        .map(|(at, _)| at + marker.len() + inside)
        .collect();
    let step = all.len().div_ceil(PLACES).max(1);
    all.into_iter().step_by(step).map(|at| at as u32).collect()
}

/// Semantic tokens as an editor gets them from `ddlint lsp`: after the file's first diagnostics,
/// the first full request (three server starts), later full requests, and a delta after each of
/// ten one-character edits, each typed once the last one's diagnostics are out. Results count
/// the integers received.
fn semantic_tokens_over_stdio(
    folder: &Path,
    text: &str,
    asked: &mut Vec<(String, Vec<Duration>, usize)>,
) {
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder).expect("create the workspace folder");
    let path = folder.join("schema.sql");
    std::fs::write(&path, text).expect("write the schema");
    let uri = format!("file://{}", path.display());
    let (mut first, mut later, mut deltas) = (Vec::new(), Vec::new(), Vec::new());
    let (mut first_found, mut later_found, mut delta_found) = (0, 0, 0);
    for start in 0..3 {
        let mut server = Server::start(folder);
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "sql", "version": 1, "text": text } }),
        );
        server.wait_for_diagnostics(1);
        let full = json!({ "textDocument": { "uri": uri } });
        let (time, answer) = server.timed("textDocument/semanticTokens/full", full.clone());
        first.push(time);
        first_found += integers(&answer);
        if start > 0 {
            server.stop();
            continue;
        }
        let mut result_id = answer["resultId"].clone();
        for _ in 0..10 {
            let (time, answer) = server.timed("textDocument/semanticTokens/full", full.clone());
            later.push(time);
            later_found += integers(&answer);
            result_id = answer["resultId"].clone();
        }
        // Typing in a name near the middle, then asking what changed.
        let line = text[..text.len() / 2].matches('\n').count();
        for version in 2..12 {
            server.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{
                        "range": {
                            "start": { "line": line, "character": 0 },
                            "end": { "line": line, "character": 0 }
                        },
                        "text": "x"
                    }]
                }),
            );
            let params = json!({ "textDocument": { "uri": uri }, "previousResultId": result_id });
            let (time, answer) = server.timed("textDocument/semanticTokens/full/delta", params);
            deltas.push(time);
            delta_found += answer["edits"]
                .as_array()
                .map_or(0, |edits| edits.iter().map(integers).sum());
            result_id = answer["resultId"].clone();
            // Typing pauses between keys: the next edit finds the check of this one done.
            server.wait_for_diagnostics(version);
        }
        server.stop();
    }
    let _ = std::fs::remove_dir_all(folder);
    asked.push((
        "over stdio: semantic tokens full, first request after the first diagnostics (3 starts)"
            .to_string(),
        first,
        first_found,
    ));
    asked.push((
        "over stdio: semantic tokens full, later requests (10 times)".to_string(),
        later,
        later_found,
    ));
    asked.push((
        "over stdio: semantic tokens delta after a one-character edit (10 edits)".to_string(),
        deltas,
        delta_found,
    ));
}

fn integers(tokens: &Value) -> usize {
    tokens["data"].as_array().map_or(0, Vec::len)
}

/// `ddlint lsp` with its standard input and output, for one document.
struct Server {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: u64,
    /// The document's version its last diagnostics were published for.
    diagnosed: i64,
}

impl Server {
    fn start(folder: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ddlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ddlint lsp");
        let input = child.stdin.take().expect("the server's input");
        let output = BufReader::new(child.stdout.take().expect("the server's output"));
        let mut server = Server {
            child,
            input,
            output,
            next_id: 0,
            diagnosed: 0,
        };
        let capabilities = json!({
            "general": { "positionEncodings": ["utf-16"] },
            "textDocument": { "semanticTokens": {
                "requests": { "full": { "delta": true } },
                "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"]
            } }
        });
        let root = format!("file://{}", folder.display());
        server.timed(
            "initialize",
            json!({ "processId": null, "rootUri": root, "capabilities": capabilities }),
        );
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.input.flush())
            .expect("write to the server");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message's body, unparsed.
    fn receive(&mut self) -> Vec<u8> {
        let mut length = 0;
        loop {
            let mut line = String::new();
            let read = self
                .output
                .read_line(&mut line)
                .expect("read from the server");
            assert!(read > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length:") {
                length = value.trim().parse().expect("a Content-Length");
            }
        }
        let mut body = vec![0; length];
        self.output
            .read_exact(&mut body)
            .expect("read a body from the server");
        body
    }

    /// The time until the whole answer to a request is read, and its result.
    fn timed(&mut self, method: &str, params: Value) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let started = Instant::now();
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let body = self.receive();
            let elapsed = started.elapsed();
            let message: Value = serde_json::from_slice(&body).expect("a JSON message");
            if message.get("method").is_some() {
                self.handle(&message);
            } else if message["id"] == json!(id) {
                return (elapsed, message["result"].clone());
            }
        }
    }

    /// Reads messages until the document's diagnostics for `version` (or a later one) are in.
    fn wait_for_diagnostics(&mut self, version: i64) {
        while self.diagnosed < version {
            let message: Value = serde_json::from_slice(&self.receive()).expect("a JSON message");
            self.handle(&message);
        }
    }

    /// A message from the server that is no response: its requests are answered with `null`,
    /// its diagnostics noted.
    fn handle(&mut self, message: &Value) {
        if message["method"] == "textDocument/publishDiagnostics" {
            let version = message["params"]["version"].as_i64().unwrap_or(0);
            self.diagnosed = self.diagnosed.max(version);
        } else if let Some(request) = message.get("id") {
            self.send(&json!({ "jsonrpc": "2.0", "id": request, "result": null }));
        }
    }

    fn stop(mut self) {
        self.timed("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}
