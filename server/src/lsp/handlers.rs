//! Request handlers: `fn(&Snapshot, &Session, Params) -> Option<Result>`, each a conversion from
//! the protocol, a call into `ide/`, and a conversion back. A document or position the snapshot
//! does not know is `None`.

use std::collections::HashMap;

use serde::Serialize;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::proto::{from_proto, to_proto};
use crate::ide;
use crate::model::{FileId, Loc};
use crate::rules::Edit;
use crate::text::{LineIndex, PositionEncoding, TextRange};
use crate::workspace::history::NewFile;
use crate::workspace::host::{FileView, Snapshot};

/// What was negotiated with the client at `initialize`.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub(crate) encoding: PositionEncoding,
    /// Workspace edits may carry LSP 3.18 snippet text edits (with `documentChanges`).
    pub(crate) snippet_edits: bool,
    /// Workspace edits may use `documentChanges` (versioned edits).
    pub(crate) document_changes: bool,
    pub(crate) markdown: bool,
    /// The client shows nested document symbols.
    pub(crate) hierarchical_symbols: bool,
    /// Workspace edits may create files (`documentChanges` with resource operations).
    pub(crate) create_files: bool,
    /// Completion items may be snippets.
    pub(crate) completion_snippets: bool,
}

pub(crate) fn hover(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::HoverParams,
) -> Option<lsp::Hover> {
    let position = params.text_document_position_params;
    let path = from_proto::path(&position.text_document.uri)?;
    let file = snapshot.file(&path)?;
    let offset = from_proto::offset(&file.data.lines, position.position, session.encoding);
    let found = ide::hover(snapshot, file, offset)?;
    let kind = if session.markdown {
        lsp::MarkupKind::Markdown
    } else {
        lsp::MarkupKind::PlainText
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind,
            value: found.markdown,
        }),
        range: Some(to_proto::range(
            &file.data.lines,
            found.range,
            session.encoding,
        )),
    })
}

pub(crate) fn completion(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::CompletionParams,
) -> Option<lsp::CompletionResponse> {
    let position = params.text_document_position;
    let path = from_proto::path(&position.text_document.uri)?;
    let file = snapshot.file(&path)?;
    let offset = from_proto::offset(&file.data.lines, position.position, session.encoding);
    let config = ide::CompletionConfig {
        snippets: session.completion_snippets,
    };
    let found = ide::completion(file, offset, config)?;
    let range = to_proto::range(&file.data.lines, found.range, session.encoding);
    let items = found
        .items
        .into_iter()
        .map(|item| to_proto::completion_item(item, range, session.markdown))
        .collect();
    Some(lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: found.incomplete,
        items,
    }))
}

pub(crate) fn folding_ranges(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::FoldingRangeParams,
) -> Option<Vec<lsp::FoldingRange>> {
    let file = snapshot.file(&from_proto::path(&params.text_document.uri)?)?;
    let lines = &file.data.lines;
    let ranges = ide::folding_ranges(file)
        .into_iter()
        .filter_map(|fold| {
            let range = to_proto::range(lines, fold.range, session.encoding);
            let kind = match fold.kind {
                ide::FoldKind::Region => lsp::FoldingRangeKind::Region,
                ide::FoldKind::Comment => lsp::FoldingRangeKind::Comment,
            };
            (range.end.line > range.start.line).then(|| lsp::FoldingRange {
                start_line: range.start.line,
                end_line: range.end.line,
                kind: Some(kind),
                ..lsp::FoldingRange::default()
            })
        })
        .collect();
    Some(ranges)
}

pub(crate) fn selection_ranges(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::SelectionRangeParams,
) -> Option<Vec<lsp::SelectionRange>> {
    let file = snapshot.file(&from_proto::path(&params.text_document.uri)?)?;
    let lines = &file.data.lines;
    let answers = params
        .positions
        .into_iter()
        .map(|position| {
            let offset = from_proto::offset(lines, position, session.encoding);
            let ranges = ide::selection_ranges(file, offset);
            let mut nested: Option<lsp::SelectionRange> = None;
            for range in ranges.into_iter().rev() {
                nested = Some(lsp::SelectionRange {
                    range: to_proto::range(lines, range, session.encoding),
                    parent: nested.map(Box::new),
                });
            }
            nested.unwrap_or(lsp::SelectionRange {
                range: lsp::Range::new(position, position),
                parent: None,
            })
        })
        .collect();
    Some(answers)
}

/// A code action as sent: ls-types' `CodeAction` cannot hold a snippet text edit.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CodeAction {
    title: String,
    kind: lsp::CodeActionKind,
    diagnostics: Vec<lsp::Diagnostic>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    is_preferred: bool,
    edit: WorkspaceEdit,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
struct WorkspaceEdit {
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<HashMap<Uri, Vec<lsp::TextEdit>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document_changes: Option<Vec<DocumentChange>>,
}

#[derive(Serialize, Debug)]
#[serde(untagged)]
enum DocumentChange {
    Create(lsp::ResourceOp),
    Edit(DocumentEdit),
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
struct DocumentEdit {
    text_document: lsp::OptionalVersionedTextDocumentIdentifier,
    edits: Vec<TextEdit>,
}

#[derive(Serialize, Debug)]
#[serde(untagged)]
enum TextEdit {
    Plain(lsp::TextEdit),
    Snippet(SnippetTextEdit),
}

/// LSP 3.18 `SnippetTextEdit`.
#[derive(Serialize, Debug)]
struct SnippetTextEdit {
    range: lsp::Range,
    snippet: StringValue,
}

#[derive(Serialize, Debug)]
struct StringValue {
    kind: &'static str,
    value: String,
}

pub(crate) fn code_actions(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::CodeActionParams,
) -> Option<Vec<CodeAction>> {
    // `only` filters by kind prefix: `source` asks for `source.fixAll.ddlint` too.
    let wants = |kind: &str| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|asked| {
                let asked = asked.as_str();
                asked.is_empty() || kind == asked || kind.starts_with(&format!("{asked}."))
            })
        })
    };
    let uri = params.text_document.uri;
    let path = from_proto::path(&uri)?;
    let file = snapshot.file(&path)?;
    let lines = &file.data.lines;
    let range = from_proto::range(lines, params.range, session.encoding);
    let context = ide::ActionContext {
        creates_files: session.create_files,
        now_utc: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
    };
    let mut actions = Vec::new();
    if wants("quickfix") {
        let sent: Vec<(String, TextRange)> = params
            .context
            .diagnostics
            .iter()
            .filter_map(|d| match &d.code {
                Some(lsp::NumberOrString::String(rule)) => Some((
                    rule.clone(),
                    from_proto::range(lines, d.range, session.encoding),
                )),
                _ => None,
            })
            .collect();
        let diagnostics = ide::requested_diagnostics(file, range, &sent);
        for action in ide::code_actions(snapshot, file, &diagnostics, context) {
            let Some(mut edit) =
                workspace_edit(snapshot, session, (file.data.id, &uri), &action.edits)
            else {
                continue;
            };
            if !action.new_files.is_empty() {
                let changes = edit.document_changes.get_or_insert_with(Vec::new);
                for new in &action.new_files {
                    let Some(created) = create_file(new) else {
                        continue;
                    };
                    changes.extend(created);
                }
            }
            actions.push(CodeAction {
                title: action.title,
                kind: lsp::CodeActionKind::QUICKFIX,
                diagnostics: vec![to_proto::diagnostic(
                    snapshot,
                    file,
                    action.diagnostic,
                    session.encoding,
                )],
                is_preferred: action.preferred,
                edit,
            });
        }
    }
    let whole_file = [
        (
            FIX_ALL,
            ide::fix_all(file).map(|edits| ("Fix all safe ddlint findings".to_owned(), edits)),
        ),
        (
            "source",
            ide::suppress_file(file).map(|(title, edit)| (title, vec![edit])),
        ),
        (
            "refactor.rewrite",
            ide::update_erd(file, range).map(|(title, edit)| (title, vec![edit])),
        ),
    ];
    for (kind, found) in whole_file {
        let Some((title, edits)) = found.filter(|_| wants(kind)) else {
            continue;
        };
        let Some(edit) = workspace_edit(snapshot, session, (file.data.id, &uri), &edits) else {
            continue;
        };
        actions.push(CodeAction {
            title,
            kind: lsp::CodeActionKind::from(kind.to_owned()),
            diagnostics: Vec::new(),
            is_preferred: false,
            edit,
        });
    }
    Some(actions)
}

/// The kind of the action that applies every safe fix of a file (editors run it on save when
/// asked for `source.fixAll`).
pub(crate) const FIX_ALL: &str = "source.fixAll.ddlint";

/// A new file with its text: created (never over an existing one), then filled.
fn create_file(new: &NewFile) -> Option<[DocumentChange; 2]> {
    let uri = to_proto::uri(&new.path)?;
    Some([
        DocumentChange::Create(lsp::ResourceOp::Create(lsp::CreateFile {
            uri: uri.clone(),
            options: Some(lsp::CreateFileOptions {
                overwrite: Some(false),
                ignore_if_exists: Some(false),
            }),
            annotation_id: None,
        })),
        DocumentChange::Edit(DocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![TextEdit::Plain(lsp::TextEdit {
                range: lsp::Range::default(),
                new_text: new.text.clone(),
            })],
        }),
    ])
}

/// The edits as a workspace edit, grouped by file. The requested document keeps the URI the
/// client sent; its edits target the version the fixes were computed for.
fn workspace_edit(
    snapshot: &Snapshot,
    session: &Session,
    requested: (FileId, &Uri),
    edits: &[Edit],
) -> Option<WorkspaceEdit> {
    let mut by_file: Vec<(FileId, Vec<&Edit>)> = Vec::new();
    for edit in edits {
        match by_file.iter_mut().find(|(id, _)| *id == edit.file) {
            Some((_, list)) => list.push(edit),
            None => by_file.push((edit.file, vec![edit])),
        }
    }
    let mut changes = HashMap::new();
    let mut document_changes = Vec::new();
    for (id, edits) in by_file {
        let file = snapshot.file_by_id(id)?;
        let uri = if id == requested.0 {
            requested.1.clone()
        } else {
            to_proto::uri(&file.data.path)?
        };
        let range = |edit: &Edit| to_proto::range(&file.data.lines, edit.range, session.encoding);
        if session.document_changes {
            let edits = edits
                .iter()
                .map(|edit| match &edit.snippet {
                    Some(snippet) if session.snippet_edits => TextEdit::Snippet(SnippetTextEdit {
                        range: range(edit),
                        snippet: StringValue {
                            kind: "snippet",
                            value: snippet.clone(),
                        },
                    }),
                    _ => TextEdit::Plain(lsp::TextEdit {
                        range: range(edit),
                        new_text: edit.text.clone(),
                    }),
                })
                .collect();
            document_changes.push(DocumentChange::Edit(DocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri,
                    version: file.version,
                },
                edits,
            }));
        } else {
            let plain = edits.iter().map(|edit| lsp::TextEdit {
                range: range(edit),
                new_text: edit.text.clone(),
            });
            changes.insert(uri, plain.collect());
        }
    }
    Some(if session.document_changes {
        WorkspaceEdit {
            changes: None,
            document_changes: Some(document_changes),
        }
    } else {
        WorkspaceEdit {
            changes: Some(changes),
            document_changes: None,
        }
    })
}

/// The document and byte offset of a position request.
fn position_in<'s>(
    snapshot: &'s Snapshot,
    session: &Session,
    position: &lsp::TextDocumentPositionParams,
) -> Option<(&'s FileView, u32)> {
    let path = from_proto::path(&position.text_document.uri)?;
    let file = snapshot.file(&path)?;
    let offset = from_proto::offset(&file.data.lines, position.position, session.encoding);
    Some((file, offset))
}

/// A location; one in the requested document keeps the URI the client sent.
fn location(
    snapshot: &Snapshot,
    session: &Session,
    requested: (FileId, &Uri),
    loc: Loc,
) -> Option<lsp::Location> {
    let file = snapshot.file_by_id(loc.file)?;
    let uri = if loc.file == requested.0 {
        requested.1.clone()
    } else {
        to_proto::uri(&file.data.path)?
    };
    let range = to_proto::range(&file.data.lines, loc.range, session.encoding);
    Some(lsp::Location::new(uri, range))
}

/// Definition, declaration and type definition alike: where the object named at the position
/// was created, then (in a migration folder) the statements that altered it.
pub(crate) fn definition(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::GotoDefinitionParams,
) -> Option<lsp::GotoDefinitionResponse> {
    let position = params.text_document_position_params;
    let (file, offset) = position_in(snapshot, session, &position)?;
    let found = ide::definition(snapshot, file, offset)?;
    let requested = (file.data.id, &position.text_document.uri);
    let locations: Vec<lsp::Location> = found
        .targets
        .into_iter()
        .filter_map(|loc| location(snapshot, session, requested, loc))
        .collect();
    (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
}

pub(crate) fn references(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::ReferenceParams,
) -> Option<Vec<lsp::Location>> {
    let position = params.text_document_position;
    let (file, offset) = position_in(snapshot, session, &position)?;
    let requested = (file.data.id, &position.text_document.uri);
    let found = ide::references(snapshot, file, offset, params.context.include_declaration);
    Some(
        found
            .into_iter()
            .filter_map(|loc| location(snapshot, session, requested, loc))
            .collect(),
    )
}

pub(crate) fn document_highlight(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::DocumentHighlightParams,
) -> Option<Vec<lsp::DocumentHighlight>> {
    let (file, offset) = position_in(snapshot, session, &params.text_document_position_params)?;
    let highlights = ide::highlights(snapshot, file, offset)
        .into_iter()
        .map(|highlight| lsp::DocumentHighlight {
            range: to_proto::range(&file.data.lines, highlight.range, session.encoding),
            kind: Some(if highlight.write {
                lsp::DocumentHighlightKind::WRITE
            } else {
                lsp::DocumentHighlightKind::READ
            }),
        })
        .collect();
    Some(highlights)
}

/// The outline: nested where the client supports it, else flat with container names.
pub(crate) fn document_symbols(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::DocumentSymbolParams,
) -> Option<lsp::DocumentSymbolResponse> {
    let uri = params.text_document.uri;
    let file = snapshot.file(&from_proto::path(&uri)?)?;
    let symbols = ide::document_symbols(file);
    let lines = &file.data.lines;
    if session.hierarchical_symbols {
        let nested = symbols
            .iter()
            .map(|symbol| to_proto::document_symbol(lines, symbol, session.encoding))
            .collect();
        return Some(lsp::DocumentSymbolResponse::Nested(nested));
    }
    let mut flat = Vec::new();
    let mut pending: Vec<(&ide::DocumentSymbol, Option<&str>)> =
        symbols.iter().rev().map(|s| (s, None)).collect();
    while let Some((symbol, container)) = pending.pop() {
        let range = to_proto::range(lines, symbol.selection, session.encoding);
        flat.push(to_proto::symbol_information(
            &symbol.name,
            symbol.kind,
            container,
            lsp::Location::new(uri.clone(), range),
        ));
        pending.extend(
            symbol
                .children
                .iter()
                .rev()
                .map(|child| (child, Some(symbol.name.as_str()))),
        );
    }
    Some(lsp::DocumentSymbolResponse::Flat(flat))
}

pub(crate) fn workspace_symbols(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::WorkspaceSymbolParams,
) -> Option<lsp::WorkspaceSymbolResponse> {
    let found = ide::workspace_symbols(snapshot, &params.query);
    let symbols = found
        .into_iter()
        .filter_map(|symbol| {
            let file = snapshot.file_by_id(symbol.loc.file)?;
            let uri = to_proto::uri(&file.data.path)?;
            let range = to_proto::range(&file.data.lines, symbol.loc.range, session.encoding);
            Some(lsp::WorkspaceSymbol {
                name: symbol.name,
                kind: to_proto::symbol_kind(symbol.kind),
                tags: None,
                container_name: symbol.container,
                location: lsp::OneOf::Left(lsp::Location::new(uri, range)),
                data: None,
            })
        })
        .collect();
    Some(lsp::WorkspaceSymbolResponse::Nested(symbols))
}

/// The name a rename at the position would change, or why there is none.
pub(crate) fn prepare_rename(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::TextDocumentPositionParams,
) -> Option<Result<lsp::PrepareRenameResponse, String>> {
    let (file, offset) = position_in(snapshot, session, &params)?;
    Some(ide::prepare_rename(file, offset).map(|target| {
        lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: to_proto::range(&file.data.lines, target.range, session.encoding),
            placeholder: target.name,
        }
    }))
}

/// A rename as a workspace edit: a new migration is a file to create, so that needs a client
/// that creates files.
pub(crate) fn rename(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::RenameParams,
) -> Option<Result<lsp::WorkspaceEdit, String>> {
    let position = params.text_document_position;
    let (file, offset) = position_in(snapshot, session, &position)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let renamed = match ide::rename(snapshot, file, offset, &params.new_name, now) {
        Ok(renamed) => renamed,
        Err(refusal) => return Some(Err(refusal)),
    };
    if !renamed.new_files.is_empty() && !session.create_files {
        return Some(Err(
            "this rename is a new migration, and the editor does not let a language server \
             create files"
                .to_string(),
        ));
    }
    let requested = (file.data.id, &position.text_document.uri);
    let mut by_file: Vec<(FileId, Vec<lsp::TextEdit>)> = Vec::new();
    for edit in &renamed.edits {
        let target = snapshot.file_by_id(edit.file)?;
        let text_edit = lsp::TextEdit {
            range: to_proto::range(&target.data.lines, edit.range, session.encoding),
            new_text: edit.text.clone(),
        };
        match by_file.iter_mut().find(|(id, _)| *id == edit.file) {
            Some((_, edits)) => edits.push(text_edit),
            None => by_file.push((edit.file, vec![text_edit])),
        }
    }
    let uri_of = |id: FileId| -> Option<Uri> {
        if id == requested.0 {
            return Some(requested.1.clone());
        }
        to_proto::uri(&snapshot.file_by_id(id)?.data.path)
    };
    if !session.document_changes {
        let mut changes = HashMap::new();
        for (id, edits) in by_file {
            changes.insert(uri_of(id)?, edits);
        }
        return Some(Ok(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        }));
    }
    let mut operations = Vec::new();
    for new in &renamed.new_files {
        let uri = to_proto::uri(&new.path)?;
        operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
            lsp::CreateFile {
                uri: uri.clone(),
                options: None,
                annotation_id: None,
            },
        )));
        operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![lsp::OneOf::Left(lsp::TextEdit {
                range: lsp::Range::default(),
                new_text: new.text.clone(),
            })],
        }));
    }
    for (id, edits) in by_file {
        let version = snapshot.file_by_id(id)?.version;
        operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                uri: uri_of(id)?,
                version,
            },
            edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
        }));
    }
    Some(Ok(lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Operations(operations)),
        ..lsp::WorkspaceEdit::default()
    }))
}

pub(crate) fn inlay_hints(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::InlayHintParams,
) -> Option<Vec<lsp::InlayHint>> {
    let path = from_proto::path(&params.text_document.uri)?;
    let file = snapshot.file(&path)?;
    let lines = &file.data.lines;
    let range = from_proto::range(lines, params.range, session.encoding);
    let hints = ide::inlay_hints(file, range)
        .into_iter()
        .map(|hint| lsp::InlayHint {
            position: to_proto::position(lines, hint.offset, session.encoding),
            label: lsp::InlayHintLabel::String(hint.label),
            kind: Some(lsp::InlayHintKind::TYPE),
            text_edits: None,
            tooltip: None,
            padding_left: None,
            padding_right: None,
            data: None,
        });
    Some(hints.collect())
}

pub(crate) fn semantic_tokens_full(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::SemanticTokensParams,
) -> Option<lsp::SemanticTokens> {
    let path = from_proto::path(&params.text_document.uri)?;
    let file = snapshot.file(&path)?;
    let whole = TextRange::new(0, file.data.text.len() as u32);
    Some(encode_tokens(file, session, whole))
}

/// The semantic tokens last sent for each document, each under a result id, so that the next
/// request can be answered with what changed (`semanticTokens/full/delta`): a keystroke changes
/// a few tokens of thousands.
#[derive(Default)]
pub(crate) struct SentTokens {
    next_id: u64,
    by_document: HashMap<lsp::Uri, (String, Vec<lsp::SemanticToken>)>,
}

impl SentTokens {
    /// `tokens` with a new result id, kept for the next delta.
    pub(crate) fn remember(
        &mut self,
        uri: &lsp::Uri,
        mut tokens: lsp::SemanticTokens,
    ) -> lsp::SemanticTokens {
        self.next_id += 1;
        let id = self.next_id.to_string();
        tokens.result_id = Some(id.clone());
        self.by_document
            .insert(uri.clone(), (id, tokens.data.clone()));
        tokens
    }

    /// The edit from the tokens sent under `previous` to `tokens`, or all of `tokens` when
    /// `previous` is not what was sent last for the document.
    pub(crate) fn delta(
        &mut self,
        uri: &lsp::Uri,
        previous: &str,
        tokens: lsp::SemanticTokens,
    ) -> lsp::SemanticTokensFullDeltaResult {
        let old = match self.by_document.get(uri) {
            Some((id, data)) if id == previous => data.clone(),
            _ => return lsp::SemanticTokensFullDeltaResult::Tokens(self.remember(uri, tokens)),
        };
        let edit = tokens_edit(&old, &tokens.data);
        let sent = self.remember(uri, tokens);
        lsp::SemanticTokensFullDeltaResult::TokensDelta(lsp::SemanticTokensDelta {
            result_id: sent.result_id,
            edits: edit.into_iter().collect(),
        })
    }
}

/// One edit turning `old` into `new`: what lies between their common start and common end.
/// Offsets count integers, five per token, as the protocol does. `None` when they are equal.
fn tokens_edit(
    old: &[lsp::SemanticToken],
    new: &[lsp::SemanticToken],
) -> Option<lsp::SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return None;
    }
    Some(lsp::SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: (deleted * 5) as u32,
        data: Some(inserted.to_vec()),
    })
}

pub(crate) fn semantic_tokens_range(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::SemanticTokensRangeParams,
) -> Option<lsp::SemanticTokensRangeResult> {
    let path = from_proto::path(&params.text_document.uri)?;
    let file = snapshot.file(&path)?;
    let range = from_proto::range(&file.data.lines, params.range, session.encoding);
    Some(lsp::SemanticTokensRangeResult::Tokens(encode_tokens(
        file, session, range,
    )))
}

/// Tokens in LSP's relative encoding, one per line a token spans (not every client takes
/// tokens over several lines).
fn encode_tokens(file: &FileView, session: &Session, range: TextRange) -> lsp::SemanticTokens {
    lsp::SemanticTokens {
        result_id: None,
        data: relative_tokens(
            &file.data.lines,
            ide::semantic_tokens(file, range),
            session.encoding,
        ),
    }
}

/// `tokens` (in text order, without overlaps) as LSP integers, split at line ends.
fn relative_tokens(
    lines: &LineIndex,
    tokens: Vec<ide::Token>,
    encoding: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let mut positions = lines.forward(encoding);
    let mut data = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_start) = (0, 0);
    for token in tokens {
        let mut start = token.range.start();
        while start < token.range.end() {
            let from = positions.line_col(start);
            let to = positions.line_col(token.range.end().min(positions.line_end()));
            if to.col > from.col {
                let delta_line = from.line - last_line;
                let delta_start = if delta_line == 0 {
                    from.col - last_start
                } else {
                    from.col
                };
                data.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length: to.col - from.col,
                    token_type: token.kind.index(),
                    token_modifiers_bitset: 0,
                });
                (last_line, last_start) = (from.line, from.col);
            }
            match positions.next_line_start() {
                Some(next) => start = next,
                None => break,
            }
        }
    }
    data
}

pub(crate) fn document_diagnostic(
    snapshot: &Snapshot,
    session: &Session,
    params: lsp::DocumentDiagnosticParams,
) -> Option<lsp::DocumentDiagnosticReportResult> {
    let path = from_proto::path(&params.text_document.uri)?;
    let file = snapshot.file(&path)?;
    Some(lsp::DocumentDiagnosticReportResult::Report(
        lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: full_report(snapshot, session, file),
        }),
    ))
}

/// The answer for a document ddlint does not check: no diagnostics.
pub(crate) fn no_document_diagnostics() -> lsp::DocumentDiagnosticReportResult {
    lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
        lsp::RelatedFullDocumentDiagnosticReport::default(),
    ))
}

/// Every schema file's diagnostics, for a client that asks for the whole workspace.
pub(crate) fn workspace_diagnostic(
    snapshot: &Snapshot,
    session: &Session,
    _params: lsp::WorkspaceDiagnosticParams,
) -> Option<lsp::WorkspaceDiagnosticReportResult> {
    let items = snapshot
        .files()
        .filter_map(|file| {
            Some(lsp::WorkspaceDocumentDiagnosticReport::Full(
                lsp::WorkspaceFullDocumentDiagnosticReport {
                    uri: to_proto::uri(&file.data.path)?,
                    version: file.version.map(i64::from),
                    full_document_diagnostic_report: full_report(snapshot, session, file),
                },
            ))
        })
        .collect();
    Some(lsp::WorkspaceDiagnosticReportResult::Report(
        lsp::WorkspaceDiagnosticReport { items },
    ))
}

fn full_report(
    snapshot: &Snapshot,
    session: &Session,
    file: &FileView,
) -> lsp::FullDocumentDiagnosticReport {
    lsp::FullDocumentDiagnosticReport {
        result_id: None,
        items: file
            .diagnostics
            .iter()
            .map(|d| to_proto::diagnostic(snapshot, file, d, session.encoding))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::{Token, TokenKind};

    /// The same split and encoding done the plain way: each piece found by searching for the
    /// next line break, each position by a search over all lines.
    fn searched(text: &str, tokens: &[Token], encoding: PositionEncoding) -> Vec<[u32; 4]> {
        let lines = LineIndex::new(text);
        let mut pieces = Vec::new();
        for token in tokens {
            let mut start = token.range.start();
            while start < token.range.end() {
                let end = text[start as usize..token.range.end() as usize]
                    .find(['\n', '\r'])
                    .map_or(token.range.end(), |at| start + at as u32);
                let (from, to) = (
                    lines.line_col(start, encoding),
                    lines.line_col(end, encoding),
                );
                if to.col > from.col {
                    pieces.push([from.line, from.col, to.col - from.col, token.kind.index()]);
                }
                start = end;
                while start < token.range.end()
                    && matches!(text.as_bytes()[start as usize], b'\n' | b'\r')
                {
                    start += 1;
                }
            }
        }
        pieces
    }

    fn absolute(data: &[lsp::SemanticToken]) -> Vec<[u32; 4]> {
        let (mut line, mut col) = (0, 0);
        data.iter()
            .map(|token| {
                if token.delta_line > 0 {
                    col = 0;
                }
                line += token.delta_line;
                col += token.delta_start;
                [line, col, token.length, token.token_type]
            })
            .collect()
    }

    #[test]
    fn tokens_split_at_line_ends_in_every_encoding() {
        let pieces = [
            "ab", " ", "\n", "\r\n", "\r", "\n\n", "é", "日本", "🦀", "x",
        ];
        let mut numbers = crate::edits::Numbers(0x9E37_79B9_7F4A_7C15);
        let mut next = |bound: usize| numbers.below(bound);
        for _ in 0..300 {
            let text: String = (0..next(60)).map(|_| pieces[next(pieces.len())]).collect();
            let boundaries: Vec<u32> = (0..=text.len())
                .filter(|&at| text.is_char_boundary(at))
                .map(|at| at as u32)
                .collect();
            let mut cuts: Vec<u32> = (0..next(12))
                .map(|_| boundaries[next(boundaries.len())])
                .collect();
            cuts.sort_unstable();
            cuts.dedup();
            let tokens: Vec<Token> = cuts
                .chunks_exact(2)
                .map(|pair| Token {
                    range: TextRange::new(pair[0], pair[1]),
                    kind: TokenKind::Comment,
                })
                .collect();
            let lines = LineIndex::new(&text);
            for encoding in [
                PositionEncoding::Utf8,
                PositionEncoding::Utf16,
                PositionEncoding::Utf32,
            ] {
                assert_eq!(
                    absolute(&relative_tokens(&lines, tokens.clone(), encoding)),
                    searched(&text, &tokens, encoding),
                    "{encoding:?} {text:?} {tokens:?}"
                );
            }
        }
    }
}
