//! The language server (`ddlint lsp`): tower-lsp-server glue only.
//!
//! - Messages are read in order by the [`transport`], which answers the frames it cannot
//!   decode itself; the [`ordered`] layer puts every notification
//!   that changes state (document open/change/close, watched files, workspace folders,
//!   `initialized`) on the host thread's queue synchronously, in that order.
//! - The host thread ([`worker`]) owns the [`Host`](crate::workspace::host::Host): it applies
//!   the queued changes a batch at a time, publishes an immutable snapshot for requests after
//!   each batch, and sends the diagnostics that changed to the client through one task that
//!   talks to the client in order.
//! - A request waits for the first snapshot that includes every change queued before it, then
//!   runs its [`handlers`] function on a blocking thread under `catch_unwind`: a panic becomes
//!   an error response and a log line, and the server keeps serving. Typing never waits for a
//!   request.
//! - Positions are converted only in [`proto`], in the encoding negotiated at `initialize`
//!   (UTF-8 when the client offers it, else UTF-16).

mod handlers;
mod ordered;
mod proto;
mod settings;
mod transport;
mod worker;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;

use tokio::sync::{mpsc as channel, watch};
use tower_lsp_server::jsonrpc::{self, ErrorCode};
use tower_lsp_server::ls_types::{self as lsp, MessageType};
use tower_lsp_server::{Client, LanguageServer, LspService};

use crate::text::PositionEncoding;
use crate::workspace::host::{Snapshot, panic_message};
use handlers::Session;
use ordered::{CODE_ACTION, Ordered, Queue};
use worker::{Outgoing, Published, Queued, Setup};

/// How long the server waits for the client to answer one of its own requests (progress
/// tokens, registrations) before going on without it.
const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the language server protocol on stdin and stdout until the client says `exit`. The
/// exit code is 0 when `shutdown` came first, 1 otherwise (as the protocol asks).
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            stderr_line!("error: cannot start the language server: {error}");
            return ExitCode::from(crate::EXIT_ERROR);
        }
    };
    let shutdown = Arc::new(AtomicBool::new(false));
    runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        Arc::clone(&shutdown),
    ));
    // Reading stdin may still block a runtime thread; it must not keep the process alive.
    runtime.shutdown_background();
    if shutdown.load(Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The messages the protocol service is given when a client writes `input` to standard input,
/// encoded again as JSON. For the fuzz target of the framing.
#[doc(hidden)]
pub fn service_bodies(input: &[u8]) -> Vec<Vec<u8>> {
    transport::messages_read(input)
        .into_iter()
        .filter_map(|message| match message {
            transport::Incoming::Request(request) => serde_json::to_vec(&request).ok(),
            transport::Incoming::Response(response) => serde_json::to_vec(&response).ok(),
        })
        .collect()
}

async fn serve(
    input: impl tokio::io::AsyncRead + Unpin,
    output: impl tokio::io::AsyncWrite + Unpin,
    shutdown: Arc<AtomicBool>,
) {
    let (queue_sender, queue_receiver) = mpsc::channel();
    let sent = Arc::new(AtomicU64::new(0));
    let queue = Arc::new(Queue::new(queue_sender, Arc::clone(&sent)));
    let (out_sender, out_receiver) = channel::unbounded_channel();
    let (snapshot_sender, snapshot_receiver) = watch::channel(Published::default());
    let host = std::thread::Builder::new()
        .name("ddlint-host".to_string())
        .spawn(move || worker::run(queue_receiver, sent, out_sender, snapshot_sender));
    if let Err(error) = host {
        stderr_line!("error: cannot start the host thread: {error}");
        return;
    }
    let snippet_edits = Arc::new(AtomicBool::new(false));
    let (service, socket) = LspService::build(|client| {
        tokio::spawn(deliver(client.clone(), out_receiver));
        Server {
            client,
            queue: Arc::clone(&queue),
            snapshots: snapshot_receiver,
            session: OnceLock::new(),
            snippet_edits: Arc::clone(&snippet_edits),
            shutdown,
            sent_tokens: Mutex::default(),
        }
    })
    .custom_method(CODE_ACTION, Server::code_action)
    .finish();
    let service = Ordered::new(service, queue, snippet_edits);
    transport::serve(input, output, service, socket).await;
}

struct Server {
    client: Client,
    queue: Arc<Queue>,
    snapshots: watch::Receiver<Published>,
    session: OnceLock<Arc<Session>>,
    snippet_edits: Arc<AtomicBool>,
    shutdown: Arc<AtomicBool>,
    /// The semantic tokens last sent for each document, for `semanticTokens/full/delta`.
    sent_tokens: Mutex<handlers::SentTokens>,
}

impl LanguageServer for Server {
    async fn initialize(
        &self,
        params: lsp::InitializeParams,
    ) -> jsonrpc::Result<lsp::InitializeResult> {
        let (session, setup, result) =
            negotiate(&params, self.snippet_edits.load(Ordering::SeqCst));
        let _ = self.session.set(Arc::new(session));
        self.queue.push(Queued::Start(setup));
        Ok(result)
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn hover(&self, params: lsp::HoverParams) -> jsonrpc::Result<Option<lsp::Hover>> {
        self.request("textDocument/hover", params, handlers::hover)
            .await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> jsonrpc::Result<Option<lsp::CompletionResponse>> {
        // Typing waits for nothing: the names offered are those of the last finished check,
        // while the text around the cursor is the edited one.
        self.answer(
            "textDocument/completion",
            params,
            handlers::completion,
            Needs::Syntax,
        )
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::FoldingRange>>> {
        self.answer(
            "textDocument/foldingRange",
            params,
            handlers::folding_ranges,
            Needs::Syntax,
        )
        .await
    }

    async fn selection_range(
        &self,
        params: lsp::SelectionRangeParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::SelectionRange>>> {
        self.answer(
            "textDocument/selectionRange",
            params,
            handlers::selection_ranges,
            Needs::Syntax,
        )
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> jsonrpc::Result<Option<lsp::GotoDefinitionResponse>> {
        self.request("textDocument/definition", params, handlers::definition)
            .await
    }

    async fn goto_declaration(
        &self,
        params: lsp::request::GotoDeclarationParams,
    ) -> jsonrpc::Result<Option<lsp::request::GotoDeclarationResponse>> {
        self.request("textDocument/declaration", params, handlers::definition)
            .await
    }

    async fn goto_type_definition(
        &self,
        params: lsp::request::GotoTypeDefinitionParams,
    ) -> jsonrpc::Result<Option<lsp::request::GotoTypeDefinitionResponse>> {
        self.request("textDocument/typeDefinition", params, handlers::definition)
            .await
    }

    async fn references(
        &self,
        params: lsp::ReferenceParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::Location>>> {
        self.request("textDocument/references", params, handlers::references)
            .await
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> jsonrpc::Result<lsp::DocumentDiagnosticReportResult> {
        let report = self
            .request(
                "textDocument/diagnostic",
                params,
                handlers::document_diagnostic,
            )
            .await?;
        Ok(report.unwrap_or_else(handlers::no_document_diagnostics))
    }

    async fn workspace_diagnostic(
        &self,
        params: lsp::WorkspaceDiagnosticParams,
    ) -> jsonrpc::Result<lsp::WorkspaceDiagnosticReportResult> {
        let report = self
            .request(
                "workspace/diagnostic",
                params,
                handlers::workspace_diagnostic,
            )
            .await?;
        Ok(report.unwrap_or_else(|| {
            lsp::WorkspaceDiagnosticReportResult::Report(lsp::WorkspaceDiagnosticReport {
                items: Vec::new(),
            })
        }))
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> jsonrpc::Result<Option<lsp::SemanticTokensResult>> {
        let uri = params.text_document.uri.clone();
        let tokens = self
            .answer(
                "textDocument/semanticTokens/full",
                params,
                handlers::semantic_tokens_full,
                Needs::Syntax,
            )
            .await?;
        Ok(tokens.map(|tokens| {
            let mut sent = self.sent_tokens.lock().unwrap_or_else(|p| p.into_inner());
            lsp::SemanticTokensResult::Tokens(sent.remember(&uri, tokens))
        }))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> jsonrpc::Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        let uri = params.text_document.uri.clone();
        let previous = params.previous_result_id.clone();
        let full = lsp::SemanticTokensParams {
            work_done_progress_params: params.work_done_progress_params,
            partial_result_params: params.partial_result_params,
            text_document: params.text_document,
        };
        let tokens = self
            .answer(
                "textDocument/semanticTokens/full/delta",
                full,
                handlers::semantic_tokens_full,
                Needs::Syntax,
            )
            .await?;
        Ok(tokens.map(|tokens| {
            let mut sent = self.sent_tokens.lock().unwrap_or_else(|p| p.into_inner());
            sent.delta(&uri, &previous, tokens)
        }))
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> jsonrpc::Result<Option<lsp::SemanticTokensRangeResult>> {
        self.answer(
            "textDocument/semanticTokens/range",
            params,
            handlers::semantic_tokens_range,
            Needs::Syntax,
        )
        .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::InlayHint>>> {
        self.request("textDocument/inlayHint", params, handlers::inlay_hints)
            .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::DocumentHighlight>>> {
        self.request(
            "textDocument/documentHighlight",
            params,
            handlers::document_highlight,
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<lsp::DocumentSymbolResponse>> {
        self.request(
            "textDocument/documentSymbol",
            params,
            handlers::document_symbols,
        )
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> jsonrpc::Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.request("workspace/symbol", params, handlers::workspace_symbols)
            .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> jsonrpc::Result<Option<lsp::PrepareRenameResponse>> {
        refusable(
            self.request(
                "textDocument/prepareRename",
                params,
                handlers::prepare_rename,
            )
            .await,
        )
    }

    async fn rename(
        &self,
        params: lsp::RenameParams,
    ) -> jsonrpc::Result<Option<lsp::WorkspaceEdit>> {
        refusable(
            self.request("textDocument/rename", params, handlers::rename)
                .await,
        )
    }
}

impl Server {
    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> jsonrpc::Result<Option<Vec<handlers::CodeAction>>> {
        self.request("textDocument/codeAction", params, handlers::code_actions)
            .await
    }

    /// Runs `handler` on the snapshot that includes every change queued before this request.
    async fn request<P, R>(
        &self,
        method: &'static str,
        params: P,
        handler: fn(&Snapshot, &Session, P) -> Option<R>,
    ) -> jsonrpc::Result<Option<R>>
    where
        P: serde::Serialize + Send + 'static,
        R: Send + 'static,
    {
        self.answer(method, params, handler, Needs::Findings).await
    }

    /// Runs `handler` on a snapshot that includes every change queued before this request:
    /// for `Needs::Syntax`, the first one with those changes analysed, maybe not yet checked.
    async fn answer<P, R>(
        &self,
        method: &'static str,
        params: P,
        handler: fn(&Snapshot, &Session, P) -> Option<R>,
        needs: Needs,
    ) -> jsonrpc::Result<Option<R>>
    where
        P: serde::Serialize + Send + 'static,
        R: Send + 'static,
    {
        let Some(session) = self.session.get().cloned() else {
            return Err(jsonrpc::Error::invalid_request());
        };
        let Some(published) = self.published(needs).await else {
            return Err(internal_error(format!(
                "ddlint cannot answer {method}: the host thread stopped"
            )));
        };
        if let Some(path) = document_path(&params)
            && published.out_of_sync.contains(&path)
        {
            // Pulled diagnostics: none, like the ones pushed for it.
            if method == "textDocument/diagnostic" {
                return Ok(None);
            }
            return Err(jsonrpc::Error {
                code: ErrorCode::ContentModified,
                message: format!(
                    "ddlint's copy of {} no longer matches the editor's: reopen the document",
                    path.display()
                )
                .into(),
                data: None,
            });
        }
        let Some(snapshot) = published.snapshot else {
            return Err(internal_error(format!(
                "ddlint cannot answer {method}: the host thread stopped"
            )));
        };
        let outcome = tokio::task::spawn_blocking(move || {
            guarded(method, || handler(&snapshot, &session, params))
        })
        .await
        .unwrap_or_else(|error| {
            Err(internal_error(format!(
                "ddlint failed while handling {method}: {error}"
            )))
        });
        if let Err(error) = &outcome {
            self.client
                .log_message(MessageType::ERROR, &error.message)
                .await;
        }
        outcome
    }

    /// The snapshot that includes every change queued before now: a checked one, or for
    /// `Needs::Syntax` also one whose edits are analysed but not yet checked.
    async fn published(&self, needs: Needs) -> Option<Published> {
        let wanted = self.queue.sent();
        let mut snapshots = self.snapshots.clone();
        let checked =
            |published: &Published| published.seq >= wanted && published.snapshot.is_some();
        let analysed = |published: &Published| {
            needs == Needs::Syntax && published.syntax_seq >= wanted && published.syntax.is_some()
        };
        let published = snapshots
            .wait_for(|published| checked(published) || analysed(published))
            .await
            .ok()?;
        let mut published = published.clone();
        if !checked(&published) {
            published.snapshot = published.syntax.take();
        }
        Some(published)
    }
}

/// What a request reads of the snapshot it is answered from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Findings, sources or the model: only a checked snapshot has them right.
    Findings,
    /// The document's own text and trees, and at most the names of the last checked model.
    Syntax,
}

/// The path of the document a request's params name (`textDocument.uri`), if any.
fn document_path(params: &impl serde::Serialize) -> Option<PathBuf> {
    let params = serde_json::to_value(params).ok()?;
    let uri: lsp::Uri = params
        .pointer("/textDocument/uri")?
        .as_str()?
        .parse()
        .ok()?;
    proto::from_proto::path(&uri)
}

/// Runs one request's work: a panic becomes an error response (and the panic hook's line on
/// stderr) instead of taking the server down.
fn guarded<R>(method: &str, work: impl FnOnce() -> R) -> jsonrpc::Result<R> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| {
        internal_error(format!(
            "ddlint panicked while handling {method}: {}",
            panic_message(&*panic)
        ))
    })
}

/// A handler's refusal (a rename that cannot be done, and why) as the error response the
/// protocol asks for, `RequestFailed`, whose message clients show.
fn refusable<T>(outcome: jsonrpc::Result<Option<Result<T, String>>>) -> jsonrpc::Result<Option<T>> {
    match outcome? {
        Some(Ok(value)) => Ok(Some(value)),
        Some(Err(message)) => Err(jsonrpc::Error {
            code: ErrorCode::ServerError(REQUEST_FAILED),
            message: message.into(),
            data: None,
        }),
        None => Ok(None),
    }
}

/// LSP's `RequestFailed` error code.
const REQUEST_FAILED: i64 = -32803;

fn internal_error(message: String) -> jsonrpc::Error {
    stderr_line!("{message}");
    jsonrpc::Error {
        code: ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

/// The session, the host's setup and the server's capabilities for a client.
fn negotiate(
    params: &lsp::InitializeParams,
    snippet_edits: bool,
) -> (Session, Setup, lsp::InitializeResult) {
    let capabilities = &params.capabilities;
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    let offers_utf8 = offered.is_some_and(|kinds| {
        kinds
            .iter()
            .any(|kind| proto::encoding(kind) == Some(PositionEncoding::Utf8))
    });
    let encoding = if offers_utf8 {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    };
    let workspace = capabilities.workspace.as_ref();
    let document_changes = workspace
        .and_then(|workspace| workspace.workspace_edit.as_ref())
        .and_then(|edit| edit.document_changes)
        .unwrap_or(false);
    let markdown = capabilities
        .text_document
        .as_ref()
        .and_then(|document| document.hover.as_ref())
        .and_then(|hover| hover.content_format.as_ref())
        .is_none_or(|formats| formats.contains(&lsp::MarkupKind::Markdown));
    let hierarchical_symbols = capabilities
        .text_document
        .as_ref()
        .and_then(|document| document.document_symbol.as_ref())
        .and_then(|symbols| symbols.hierarchical_document_symbol_support)
        .unwrap_or(false);
    let create_files = document_changes
        && workspace
            .and_then(|workspace| workspace.workspace_edit.as_ref())
            .and_then(|edit| edit.resource_operations.as_ref())
            .is_some_and(|operations| operations.contains(&lsp::ResourceOperationKind::Create));
    let completion_snippets = capabilities
        .text_document
        .as_ref()
        .and_then(|document| document.completion.as_ref())
        .and_then(|completion| completion.completion_item.as_ref())
        .and_then(|item| item.snippet_support)
        .unwrap_or(false);
    let session = Session {
        encoding,
        snippet_edits,
        document_changes,
        markdown,
        hierarchical_symbols,
        create_files,
        completion_snippets,
    };

    let watch_files = workspace
        .and_then(|workspace| workspace.did_change_watched_files.as_ref())
        .and_then(|watched| watched.dynamic_registration)
        .unwrap_or(false);
    let progress = capabilities
        .window
        .as_ref()
        .and_then(|window| window.work_done_progress)
        .unwrap_or(false);
    let refresh_diagnostics = workspace
        .and_then(|workspace| workspace.diagnostics.as_ref())
        .and_then(|diagnostics| diagnostics.refresh_support)
        .unwrap_or(false);
    // Pull only from a client that can be asked to pull again: an edit of one migration changes
    // the findings of files the client does not know changed (Neovim 0.11 pulls, but only for
    // buffers it edits, so it keeps push and sees the whole workspace's findings).
    let pull_diagnostics = refresh_diagnostics
        && capabilities
            .text_document
            .as_ref()
            .is_some_and(|document| document.diagnostic.is_some());
    let setup = Setup {
        encoding,
        settings: settings::read(params.initialization_options.as_ref()),
        folders: folders(params),
        progress,
        watch_files,
        pull_diagnostics,
    };

    let result = lsp::InitializeResult {
        capabilities: lsp::ServerCapabilities {
            position_encoding: Some(proto::encoding_kind(encoding)),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    ..lsp::TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            completion_provider: Some(lsp::CompletionOptions {
                // A space would ask after every word; `@` starts Prisma attributes.
                trigger_characters: Some(vec![".".into(), "(".into(), "@".into()]),
                ..lsp::CompletionOptions::default()
            }),
            folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(lsp::SelectionRangeProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            declaration_provider: Some(lsp::DeclarationCapability::Simple(true)),
            type_definition_provider: Some(lsp::TypeDefinitionProviderCapability::Simple(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_highlight_provider: Some(lsp::OneOf::Left(true)),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            diagnostic_provider: pull_diagnostics.then(|| {
                lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                    identifier: Some("ddlint".to_owned()),
                    // A migration changes what later files of its folder mean.
                    inter_file_dependencies: true,
                    workspace_diagnostics: true,
                    work_done_progress_options: Default::default(),
                })
            }),
            semantic_tokens_provider: Some(
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp::SemanticTokensOptions {
                        work_done_progress_options: Default::default(),
                        legend: lsp::SemanticTokensLegend {
                            token_types: crate::ide::TokenKind::LEGEND
                                .iter()
                                .map(|name| lsp::SemanticTokenType::new(name))
                                .collect(),
                            token_modifiers: Vec::new(),
                        },
                        range: Some(true),
                        full: Some(lsp::SemanticTokensFullOptions::Delta { delta: Some(true) }),
                    },
                ),
            ),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            })),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::from(handlers::FIX_ALL.to_owned()),
                        lsp::CodeActionKind::SOURCE,
                        lsp::CodeActionKind::REFACTOR_REWRITE,
                    ]),
                    ..lsp::CodeActionOptions::default()
                },
            )),
            workspace: Some(lsp::WorkspaceServerCapabilities {
                workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..lsp::ServerCapabilities::default()
        },
        server_info: Some(lsp::ServerInfo {
            name: "ddlint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    };
    (session, setup, result)
}

/// The workspace folders, else the root URI, else the root path (Helix outside a repository
/// sends an empty folder list, a null root URI and only the root path).
#[allow(deprecated)]
fn folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| proto::from_proto::path(&folder.uri))
        .filter(|p| p.is_absolute())
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    if let Some(root) = params
        .root_uri
        .as_ref()
        .and_then(proto::from_proto::path)
        .filter(|p| p.is_absolute())
    {
        return vec![root];
    }
    params
        .root_path
        .iter()
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .collect()
}

/// Sends what the host thread produces to the client, one message after another.
async fn deliver(client: Client, mut outgoing: channel::UnboundedReceiver<Outgoing>) {
    let mut progress = None;
    let mut tokens = 0;
    while let Some(message) = outgoing.recv().await {
        match message {
            Outgoing::Diagnostics {
                uri,
                diagnostics,
                version,
            } => {
                client.publish_diagnostics(uri, diagnostics, version).await;
            }
            Outgoing::RefreshDiagnostics => {
                // A client that does not answer must not hold up what follows.
                let _ = tokio::time::timeout(
                    CLIENT_REQUEST_TIMEOUT,
                    client.workspace_diagnostic_refresh(),
                )
                .await;
            }
            Outgoing::Message { level, text, show } => {
                if show {
                    client.show_message(level, &text).await;
                }
                client.log_message(level, text).await;
            }
            Outgoing::ProgressBegin { title } => {
                tokens += 1;
                let token = lsp::ProgressToken::String(format!("ddlint/load/{tokens}"));
                let created = tokio::time::timeout(
                    CLIENT_REQUEST_TIMEOUT,
                    client.create_work_done_progress(token.clone()),
                )
                .await;
                if let Ok(Ok(())) = created {
                    progress = Some(
                        client
                            .progress(token, title)
                            .with_percentage(0)
                            .begin()
                            .await,
                    );
                }
            }
            Outgoing::ProgressReport {
                percentage,
                message,
            } => {
                if let Some(progress) = &progress {
                    progress.report_with_message(message, percentage).await;
                }
            }
            Outgoing::ProgressEnd => {
                if let Some(progress) = progress.take() {
                    progress.finish().await;
                }
            }
            Outgoing::WatchFiles => {
                let registration = watch_registration();
                let registered = tokio::time::timeout(
                    CLIENT_REQUEST_TIMEOUT,
                    client.register_capability(vec![registration]),
                )
                .await;
                if !matches!(registered, Ok(Ok(()))) {
                    client
                        .log_message(
                            MessageType::WARNING,
                            "ddlint: the client did not register the file watchers",
                        )
                        .await;
                }
            }
        }
    }
}

fn watch_registration() -> lsp::Registration {
    let watcher = |pattern: &str| lsp::FileSystemWatcher {
        glob_pattern: lsp::GlobPattern::String(pattern.to_string()),
        kind: None,
    };
    let options = lsp::DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![
            watcher("**/*.{sql,pgsql,psql,prisma,md,markdown,mmd,mermaid}"),
            watcher(&format!("**/{}", crate::config::FILE_NAME)),
        ],
    };
    lsp::Registration {
        id: "ddlint-watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_request_becomes_an_error_response() {
        let outcome = guarded("textDocument/hover", || -> Option<u32> {
            panic!("boom at 3:4")
        });
        let error = outcome.unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError);
        assert!(
            error.message.contains("textDocument/hover"),
            "{}",
            error.message
        );
        assert!(error.message.contains("boom at 3:4"), "{}", error.message);
        assert_eq!(guarded("textDocument/hover", || Some(7)).unwrap(), Some(7));
    }

    #[test]
    fn utf8_is_chosen_when_offered() {
        let mut params = lsp::InitializeParams::default();
        assert_eq!(
            negotiate(&params, false).0.encoding,
            PositionEncoding::Utf16
        );
        params.capabilities.general = Some(lsp::GeneralClientCapabilities {
            position_encodings: Some(vec![
                lsp::PositionEncodingKind::UTF16,
                lsp::PositionEncodingKind::UTF8,
            ]),
            ..lsp::GeneralClientCapabilities::default()
        });
        let (session, _, result) = negotiate(&params, false);
        assert_eq!(session.encoding, PositionEncoding::Utf8);
        assert_eq!(
            result.capabilities.position_encoding,
            Some(lsp::PositionEncodingKind::UTF8)
        );
    }
}
