//! The files of a workspace: finding them on disk ([`files`]), partitioning them into schema
//! sources in migration order ([`sources`]), and the language server's state ([`host`]).

pub mod files;
pub mod history;
pub mod host;
pub mod sources;

pub mod linking;
#[cfg(test)]
pub(crate) mod scratch;
pub mod since;
