//! Editor features in editor terms: byte offsets into a snapshot's files, Markdown, edits. No
//! LSP types; `lsp/` converts.

mod code_actions;
mod hover;

pub use code_actions::{Action, ActionContext, code_actions};
pub use hover::{HoverResult, hover};
