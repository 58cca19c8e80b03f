//! A small LSP client for the end-to-end tests: spawns `ddlint lsp --stdio`, frames JSON-RPC
//! messages, answers the server's own requests, records what the server sends, and keeps the
//! client's copy of a document with position conversions of its own (independent of the
//! server's code).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A running server and everything it sent.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Notifications and server requests, in arrival order.
    pub received: Vec<Value>,
    /// Responses read while another was awaited: the server answers concurrent requests in
    /// the order they finish.
    unclaimed: Vec<Value>,
}

impl Server {
    pub fn start(workspace: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ddlint"))
            .args(["lsp", "--stdio"])
            .current_dir(workspace)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ddlint lsp");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let (sender, incoming) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut reader = BufReader::new(stderr_pipe);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Server {
            stdin: child.stdin.take(),
            child,
            incoming,
            stderr,
            next_id: 0,
            received: Vec::new(),
            unclaimed: Vec::new(),
        }
    }

    /// `initialize` with `capabilities`, then `initialized`; returns the initialize result.
    pub fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let root_uri = file_uri(root);
        let result = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": root_uri,
                "capabilities": capabilities,
                "initializationOptions": options,
                "workspaceFolders": [{ "uri": root_uri, "name": "workspace" }],
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(&serde_json::to_vec(message).unwrap());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request_response(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.awaited(&json!(id), &format!("a response to {method}"))
    }

    /// Waits for the response with `id` to a message sent raw.
    pub fn response(&mut self, id: &Value) -> Value {
        self.awaited(id, &format!("a response with the id {id}"))
    }

    /// The response with `id`, read now or kept from before.
    fn awaited(&mut self, id: &Value, what: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(at) = self.unclaimed.iter().position(|m| m.get("id") == Some(id)) {
                return self.unclaimed.remove(at);
            }
            if self.next(deadline).is_none() {
                self.fail(what);
            }
        }
    }

    /// Sends a request and returns its result; an error response fails the test.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_response(method, params);
        if let Some(error) = response.get("error") {
            self.fail(&format!("a result for {method}, got the error {error}"));
        }
        response["result"].clone()
    }

    /// Waits until `find` sees what it looks for in the received messages.
    pub fn wait_for<T>(&mut self, what: &str, mut find: impl FnMut(&[Value]) -> Option<T>) -> T {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(found) = find(&self.received) {
                return found;
            }
            if self.next(deadline).is_none() {
                self.fail(what);
            }
        }
    }

    /// The diagnostics published last for `uri` at `version` (`Value::Null`: a file on disk).
    pub fn diagnostics(&mut self, uri: &str, version: Value) -> Vec<Value> {
        self.wait_for(
            &format!("diagnostics for {uri} at version {version}"),
            |received| {
                received
                    .iter()
                    .rev()
                    .find(|message| is_diagnostics(message, uri, &version))
                    .map(|message| {
                        message["params"]["diagnostics"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                    })
            },
        )
    }

    /// A point in the received messages, for [`Server::diagnostics_after`].
    pub fn mark(&self) -> usize {
        self.received.len()
    }

    /// Waits for diagnostics for `uri` that satisfy `accept`, published after this call.
    pub fn diagnostics_until(
        &mut self,
        uri: &str,
        what: &str,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let mark = self.mark();
        self.diagnostics_after(mark, uri, what, accept)
    }

    /// Waits for diagnostics for `uri` that satisfy `accept`, published after `mark`.
    pub fn diagnostics_after(
        &mut self,
        start: usize,
        uri: &str,
        what: &str,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.wait_for(what, |received| {
            received[start..]
                .iter()
                .filter(|message| {
                    message["method"] == "textDocument/publishDiagnostics"
                        && message["params"]["uri"] == uri
                })
                .map(|message| {
                    message["params"]["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .rfind(|diagnostics| accept(diagnostics))
        })
    }

    /// `shutdown` then `exit`; the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                self.fail("the server to exit");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Reads the next message: the server's own requests are answered with `null` and
    /// recorded with its notifications, responses kept until awaited. `None` at the deadline.
    fn next(&mut self, deadline: Instant) -> Option<()> {
        let wait = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(wait) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        if message.get("method").is_some() {
            if let Some(id) = message.get("id") {
                let reply = json!({ "jsonrpc": "2.0", "id": id, "result": null });
                self.send(&reply);
            }
            self.received.push(message);
        } else {
            self.unclaimed.push(message);
        }
        Some(())
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Fails with everything the server said.
    pub fn fail(&self, expected: &str) -> ! {
        let received: Vec<String> = self
            .received
            .iter()
            .map(|m| shorten(&m.to_string()))
            .collect();
        panic!(
            "expected {expected}\n--- received ---\n{}\n--- server stderr ---\n{}",
            received.join("\n"),
            self.stderr()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 400 {
        format!("{}...", text.chars().take(400).collect::<String>())
    } else {
        text.to_string()
    }
}

fn is_diagnostics(message: &Value, uri: &str, version: &Value) -> bool {
    message["method"] == "textDocument/publishDiagnostics"
        && message["params"]["uri"] == uri
        && message["params"].get("version").unwrap_or(&Value::Null) == version
}

/// One framed message, or `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_str().expect("a UTF-8 path").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// How the client counts columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The client's copy of a document. Lines end at `\n`, `\r\n` or `\r`, as LSP says.
#[derive(Clone, Debug)]
pub struct Text {
    pub text: String,
    pub encoding: Encoding,
}

impl Text {
    pub fn new(text: &str, encoding: Encoding) -> Text {
        Text {
            text: text.to_string(),
            encoding,
        }
    }

    /// The byte offsets where lines start.
    fn line_starts(&self) -> Vec<usize> {
        let bytes = self.text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 2;
                }
                b'\r' | b'\n' => {
                    starts.push(i + 1);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        starts
    }

    fn width(&self, text: &str) -> usize {
        match self.encoding {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.encode_utf16().count(),
        }
    }

    /// The LSP position of a byte offset (a char boundary, not between `\r` and `\n`).
    pub fn position(&self, offset: usize) -> Value {
        let starts = self.line_starts();
        let line = starts.partition_point(|&start| start <= offset) - 1;
        json!({ "line": line, "character": self.width(&self.text[starts[line]..offset]) })
    }

    pub fn range(&self, start: usize, end: usize) -> Value {
        json!({ "start": self.position(start), "end": self.position(end) })
    }

    /// The byte offset of an LSP position.
    pub fn offset(&self, position: &Value) -> usize {
        let starts = self.line_starts();
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start = starts[line];
        let mut width = 0;
        for (index, c) in self.text[start..].char_indices() {
            if width >= character || c == '\n' || c == '\r' {
                return start + index;
            }
            width += match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        self.text.len()
    }

    /// The text an LSP range covers.
    pub fn slice(&self, range: &Value) -> &str {
        &self.text[self.offset(&range["start"])..self.offset(&range["end"])]
    }

    /// Replaces `start..end` and returns the change event that tells the server.
    pub fn replace(&mut self, start: usize, end: usize, new: &str) -> Value {
        let change = json!({ "range": self.range(start, end), "text": new });
        self.text.replace_range(start..end, new);
        change
    }

    /// Applies LSP text edits (non-overlapping, in any order).
    pub fn apply(&mut self, edits: &[Value]) {
        let mut resolved: Vec<(usize, usize, String)> = edits
            .iter()
            .map(|edit| {
                let start = self.offset(&edit["range"]["start"]);
                let end = self.offset(&edit["range"]["end"]);
                (start, end, edit["newText"].as_str().unwrap().to_string())
            })
            .collect();
        resolved.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
        for (start, end, text) in resolved {
            self.text.replace_range(start..end, &text);
        }
    }
}

/// A scratch directory, removed at the end of the test unless it failed.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("ddlint-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path.canonicalize().unwrap())
    }

    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
