//! Editor features in editor terms: byte offsets into a snapshot's files, Markdown, edits. No
//! LSP types; `lsp/` converts.

mod code_actions;
mod completion;
mod definition;
#[cfg(test)]
mod fixture;
mod folding;
mod hover;
mod inlay_hints;
mod name_index;
mod names;
mod references;
mod rename;
mod selection;
mod semantic_tokens;
mod symbol_hover;
mod symbols;

pub use code_actions::{
    Action, ActionContext, code_actions, fix_all, requested_diagnostics, suppress_file, update_erd,
};
pub use completion::{CompletionConfig, CompletionItem, CompletionKind, Completions, completion};
pub use definition::{Navigation, definition};
pub use folding::{Fold, FoldKind, folding_ranges};
pub use hover::{HoverResult, hover};
pub use inlay_hints::{InlayHint, inlay_hints};
pub use references::{Highlight, highlights, references};
pub use rename::{RenameTarget, Renamed, prepare_rename, rename};
pub use selection::selection_ranges;
pub use semantic_tokens::{Token, TokenKind, semantic_tokens};
pub use symbols::{
    DocumentSymbol, SymbolKind, WorkspaceSymbol, document_symbols, workspace_symbols,
};
