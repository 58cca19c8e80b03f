//! Request handlers: `fn(&Snapshot, &Session, Params) -> Option<Result>`, each a conversion from
//! the protocol, a call into `ide/`, and a conversion back. A document or position the snapshot
//! does not know is `None`.

use std::collections::HashMap;

use serde::Serialize;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::proto::{from_proto, to_proto};
use crate::ide;
use crate::model::FileId;
use crate::rules::Edit;
use crate::text::PositionEncoding;
use crate::workspace::history::NewFile;
use crate::workspace::host::Snapshot;

/// What was negotiated with the client at `initialize`.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub(crate) encoding: PositionEncoding,
    /// Workspace edits may carry LSP 3.18 snippet text edits (with `documentChanges`).
    pub(crate) snippet_edits: bool,
    /// Workspace edits may use `documentChanges` (versioned edits).
    pub(crate) document_changes: bool,
    /// Workspace edits may create files (`documentChanges` with the `create` operation).
    pub(crate) create_files: bool,
    pub(crate) markdown: bool,
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
    let wanted = params.context.only.as_ref().is_none_or(|only| {
        only.iter().any(|kind| {
            let kind = kind.as_str();
            kind.is_empty() || kind == "quickfix" || kind.starts_with("quickfix.")
        })
    });
    if !wanted {
        return Some(Vec::new());
    }
    let uri = params.text_document.uri;
    let path = from_proto::path(&uri)?;
    let file = snapshot.file(&path)?;
    let range = from_proto::range(&file.data.lines, params.range, session.encoding);
    let context = ide::ActionContext {
        creates_files: session.create_files,
        now_utc: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
    };
    let actions = ide::code_actions(snapshot, file, range, context)
        .into_iter()
        .filter_map(|action| {
            let mut edit = workspace_edit(snapshot, session, (file.data.id, &uri), &action.edits)?;
            if !action.new_files.is_empty() {
                let changes = edit.document_changes.get_or_insert_with(Vec::new);
                for new in &action.new_files {
                    changes.extend(create_file(new)?);
                }
            }
            Some(CodeAction {
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
            })
        })
        .collect();
    Some(actions)
}

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
