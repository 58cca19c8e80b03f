//! Editor features in editor terms: byte offsets into a snapshot's files, Markdown, edits. No
//! LSP types; `lsp/` converts.

mod code_actions;
mod definition;
#[cfg(test)]
mod fixture;
mod hover;
mod inlay_hints;
mod name_index;
mod names;
mod references;
mod rename;
mod semantic_tokens;
mod symbol_hover;
mod symbols;

pub use code_actions::{
    Action, ActionContext, code_actions, fix_all, requested_diagnostics, suppress_file,
};
pub use definition::{Navigation, definition};
pub use hover::{HoverResult, hover};
pub use inlay_hints::{InlayHint, inlay_hints};
pub use references::{Highlight, highlights, references};
pub use rename::{RenameTarget, Renamed, prepare_rename, rename};
pub use semantic_tokens::{Token, TokenKind, semantic_tokens};
pub use symbols::{
    DocumentSymbol, SymbolKind, WorkspaceSymbol, document_symbols, workspace_symbols,
};
