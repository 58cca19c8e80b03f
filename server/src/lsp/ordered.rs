//! The layer in front of the protocol service that keeps document changes in order.
//!
//! Handlers run at once (the transport spawns each message's future), and a handler's body only
//! starts when its future is first polled, so two `didChange` handlers could run in either
//! order. This layer sees every message in the order it was read, in `Service::call`, and hands
//! the notifications that change state straight to the host thread's queue there,
//! synchronously. Everything else goes on to the protocol service.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll};

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tower_lsp_server::ExitedError;
use tower_lsp_server::jsonrpc::{self, ErrorCode, Request, Response};
use tower_lsp_server::ls_types as lsp;
use tower_service::Service;

use super::proto::from_proto;
use super::transport::REJECT;
use super::worker::Queued;
use crate::syntax::Language;
use crate::workspace::host::Change;

/// The notification the transport makes up for a document notification it could not decode
/// (params `uri`, `reason`): the document is out of sync.
pub(crate) const OUT_OF_SYNC: &str = "ddlint/outOfSync";

/// The method code actions are routed to; see [`Ordered::call`].
pub(crate) const CODE_ACTION: &str = "ddlint/codeAction";

/// The queue of the host thread, with a count of what was sent, so that a request can wait
/// until everything that arrived before it is applied.
pub(crate) struct Queue {
    sender: mpsc::Sender<Queued>,
    /// Shared with the host thread, which stops a check when newer messages wait.
    sent: Arc<AtomicU64>,
}

impl Queue {
    pub(crate) fn new(sender: mpsc::Sender<Queued>, sent: Arc<AtomicU64>) -> Queue {
        Queue { sender, sent }
    }

    pub(crate) fn push(&self, message: Queued) {
        self.sent.fetch_add(1, Ordering::SeqCst);
        // The host thread only stops when the queue is dropped: nothing is lost here.
        let _ = self.sender.send(message);
    }

    /// How many messages were queued so far.
    pub(crate) fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

pub(crate) struct Ordered<S> {
    inner: S,
    queue: Arc<Queue>,
    /// Set from the raw `initialize` request: whether the client applies snippet text edits.
    snippet_edits: Arc<AtomicBool>,
}

impl<S> Ordered<S> {
    pub(crate) fn new(inner: S, queue: Arc<Queue>, snippet_edits: Arc<AtomicBool>) -> Ordered<S> {
        Ordered {
            inner,
            queue,
            snippet_edits,
        }
    }
}

impl<S> Service<Request> for Ordered<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.id().is_none() {
            match queued(request.method(), request.params()) {
                Some(Ok(message)) => {
                    self.queue.push(message);
                    return Box::pin(std::future::ready(Ok(None)));
                }
                Some(Err(error)) => {
                    stderr_line!(
                        "ddlint: ignoring a malformed {} notification: {error}",
                        request.method()
                    );
                    return Box::pin(std::future::ready(Ok(None)));
                }
                None => {}
            }
        }
        if let Some(id) = request.id().cloned() {
            let rejected = match request.method() {
                REJECT => Some(rejection(request.params())),
                // tower-lsp-server drops every `$/` message, requests too: they would wait forever.
                method if method.starts_with("$/") => Some(jsonrpc::Error {
                    code: ErrorCode::MethodNotFound,
                    message: format!("ddlint does not know the request {method}").into(),
                    data: None,
                }),
                _ => None,
            };
            if let Some(error) = rejected {
                return Box::pin(std::future::ready(Ok(Some(Response::from_error(
                    id, error,
                )))));
            }
        }
        match request.method() {
            "initialize" => {
                self.snippet_edits
                    .store(snippet_edit_support(request.params()), Ordering::SeqCst);
                Box::pin(self.inner.call(request))
            }
            // ls-types has no 3.18 `SnippetTextEdit`, so code actions are answered by a handler
            // with response types of our own; the built-in method cannot be replaced.
            "textDocument/codeAction" => {
                let (_, id, params) = request.into_parts();
                let mut rerouted = Request::build(CODE_ACTION);
                if let Some(id) = id {
                    rerouted = rerouted.id(id);
                }
                if let Some(params) = params {
                    rerouted = rerouted.params(params);
                }
                Box::pin(self.inner.call(rerouted.finish()))
            }
            _ => Box::pin(self.inner.call(request)),
        }
    }
}

/// The error a [`REJECT`] request from the transport asks for.
fn rejection(params: Option<&Value>) -> jsonrpc::Error {
    let field = |name: &str| params.and_then(|params| params.get(name));
    jsonrpc::Error {
        code: ErrorCode::from(field("code").and_then(Value::as_i64).unwrap_or(-32600)),
        message: field("message")
            .and_then(Value::as_str)
            .unwrap_or("invalid request")
            .to_string()
            .into(),
        data: None,
    }
}

/// The host message of a notification that changes state; `None` for other messages.
fn queued(method: &str, params: Option<&Value>) -> Option<Result<Queued, String>> {
    let uri = || {
        params
            .and_then(|params| params.pointer("/textDocument/uri").or(params.get("uri")))
            .and_then(Value::as_str)
            .and_then(|uri| uri.parse::<lsp::Uri>().ok())
    };
    let message = match method {
        "initialized" => Ok(Queued::Initialized),
        OUT_OF_SYNC => {
            let reason = params.and_then(|params| params.get("reason"));
            let reason = reason
                .and_then(Value::as_str)
                .unwrap_or("it could not be read");
            uri()
                .map(|uri| Queued::OutOfSync {
                    uri,
                    reason: reason.to_string(),
                })
                .ok_or_else(|| "no document URI".to_string())
        }
        "textDocument/didOpen" => {
            parse::<lsp::DidOpenTextDocumentParams>(params).and_then(|params| {
                let document = params.text_document;
                let path = path_of(&document.uri)?;
                let change = Change::Open {
                    path,
                    language: language(&document.language_id),
                    version: document.version,
                    text: document.text,
                };
                Ok(Queued::Change {
                    uri: Some(document.uri),
                    change,
                })
            })
        }
        "textDocument/didChange" => {
            parse::<lsp::DidChangeTextDocumentParams>(params).and_then(|params| {
                let change = Change::Edit {
                    path: path_of(&params.text_document.uri)?,
                    version: params.text_document.version,
                    edits: params
                        .content_changes
                        .into_iter()
                        .map(from_proto::text_change)
                        .collect(),
                };
                Ok(Queued::Change { uri: None, change })
            })
        }
        "textDocument/didClose" => {
            parse::<lsp::DidCloseTextDocumentParams>(params).and_then(|params| {
                let change = Change::Close {
                    path: path_of(&params.text_document.uri)?,
                };
                Ok(Queued::Change { uri: None, change })
            })
        }
        "workspace/didChangeWatchedFiles" => {
            parse::<lsp::DidChangeWatchedFilesParams>(params).map(|params| {
                let events = params
                    .changes
                    .iter()
                    .filter_map(from_proto::disk_event)
                    .collect();
                Queued::Change {
                    uri: None,
                    change: Change::Disk(events),
                }
            })
        }
        "workspace/didChangeConfiguration" => {
            // Clients that are asked for settings send none here; keep those of `initialize`.
            let settings = params.and_then(|params| params.get("settings"))?;
            if !super::settings::concerns_ddlint(settings) {
                return None;
            }
            Ok(Queued::Settings(super::settings::read(Some(settings))))
        }
        "workspace/didChangeWorkspaceFolders" => {
            parse::<lsp::DidChangeWorkspaceFoldersParams>(params).map(|params| {
                let paths = |folders: Vec<lsp::WorkspaceFolder>| {
                    folders
                        .iter()
                        .filter_map(|folder| from_proto::path(&folder.uri))
                        .collect()
                };
                Queued::Folders {
                    added: paths(params.event.added),
                    removed: paths(params.event.removed),
                }
            })
        }
        _ => return None,
    };
    // A document change that cannot be applied leaves the server's copy behind the editor's.
    if let Err(error) = &message
        && matches!(method, "textDocument/didOpen" | "textDocument/didChange")
        && let Some(uri) = uri()
    {
        return Some(Ok(Queued::OutOfSync {
            uri,
            reason: format!("a {method} notification could not be read ({error})"),
        }));
    }
    Some(message)
}

fn path_of(uri: &lsp::Uri) -> Result<std::path::PathBuf, String> {
    from_proto::path(uri).ok_or_else(|| format!("`{}` names no file", uri.as_str()))
}

fn parse<T: DeserializeOwned>(params: Option<&Value>) -> Result<T, String> {
    T::deserialize(params.unwrap_or(&Value::Null)).map_err(|error| error.to_string())
}

/// The language of an editor's language id.
fn language(id: &str) -> Option<Language> {
    match id.to_ascii_lowercase().as_str() {
        "sql" | "pgsql" | "postgres" | "postgresql" | "psql" => Some(Language::Sql),
        "prisma" => Some(Language::Prisma),
        _ => None,
    }
}

/// Whether the client applies snippet text edits in workspace edits: LSP 3.18's
/// `workspace.workspaceEdit.snippetEditSupport`, or the older experimental `snippetTextEdit`.
/// Read from the raw request because ls-types does not model either.
fn snippet_edit_support(params: Option<&Value>) -> bool {
    let Some(capabilities) = params.and_then(|params| params.get("capabilities")) else {
        return false;
    };
    let standard = capabilities.pointer("/workspace/workspaceEdit/snippetEditSupport");
    let experimental = capabilities.pointer("/experimental/snippetTextEdit");
    [standard, experimental]
        .into_iter()
        .flatten()
        .any(|flag| flag.as_bool() == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn snippet_support_comes_from_either_capability() {
        let standard = json!({ "capabilities": { "workspace": { "workspaceEdit": { "snippetEditSupport": true } } } });
        let experimental =
            json!({ "capabilities": { "experimental": { "snippetTextEdit": true } } });
        let neither = json!({ "capabilities": { "workspace": { "workspaceEdit": { "documentChanges": true } } } });
        assert!(snippet_edit_support(Some(&standard)));
        assert!(snippet_edit_support(Some(&experimental)));
        assert!(!snippet_edit_support(Some(&neither)));
        assert!(!snippet_edit_support(None));
    }

    #[test]
    fn document_notifications_become_host_changes() {
        let open = json!({ "textDocument": { "uri": "file:///w/a.sql", "languageId": "sql", "version": 3, "text": "x" } });
        let Some(Ok(Queued::Change { change, uri })) = queued("textDocument/didOpen", Some(&open))
        else {
            panic!("didOpen is queued");
        };
        assert_eq!(uri.unwrap().as_str(), "file:///w/a.sql");
        assert_eq!(
            change,
            Change::Open {
                path: "/w/a.sql".into(),
                language: Some(Language::Sql),
                version: 3,
                text: "x".into()
            }
        );
        assert!(
            queued("textDocument/didChange", Some(&json!({ "bad": 1 })))
                .unwrap()
                .is_err()
        );
        assert!(queued("textDocument/hover", None).is_none());
    }
}
