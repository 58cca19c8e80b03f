//! The files of a workspace: finding them on disk ([`files`]) and partitioning them into schema
//! sources in migration order ([`sources`]).

pub mod files;
pub mod sources;

#[cfg(test)]
pub(crate) mod scratch;
