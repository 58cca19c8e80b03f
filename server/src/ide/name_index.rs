//! Which statements of a schema source write which names, so that references and highlights
//! read only those statements rather than every statement of the source. Built on the first
//! request for a version of a source, and kept for the next requests on that version.

use std::sync::{Arc, Mutex, Weak};

use hashbrown::HashMap;

use super::names::for_each_mention;
use crate::analysis::FileData;
use crate::model::Model;
use crate::workspace::host::{FileView, Snapshot, SourceView};

/// The statements writing each name (as `Mention::text` gives it), by position in the source's
/// members and in the file's statements, in source order.
pub(crate) struct NameIndex {
    /// What the index was built from. Weak references keep the allocations, so an address seen
    /// here is never reused for another version, without keeping an old version's data.
    files: Vec<Weak<FileData>>,
    model: Weak<Model>,
    by_name: HashMap<String, Vec<(u32, u32)>>,
}

/// Indexes kept, most recently used first: one per source being worked on.
const KEPT: usize = 4;

static CACHE: Mutex<Vec<Arc<NameIndex>>> = Mutex::new(Vec::new());

impl NameIndex {
    /// The index of `source`'s members, `files` (the snapshot's views of them, in order).
    pub fn of(source: &SourceView, files: &[&Arc<FileView>]) -> Arc<NameIndex> {
        let same = |index: &NameIndex| {
            Weak::as_ptr(&index.model) == Arc::as_ptr(&source.model)
                && index.files.len() == files.len()
                && index
                    .files
                    .iter()
                    .zip(files)
                    .all(|(kept, file)| Weak::as_ptr(kept) == Arc::as_ptr(&file.data))
        };
        let lock = || {
            CACHE
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some(found) = lock().iter().find(|index| same(index)) {
            return Arc::clone(found);
        }
        // Built without the lock: requests on other sources go on meanwhile.
        let built = Arc::new(NameIndex::build(source, files));
        let mut cache = lock();
        cache.retain(|index| !same(index));
        cache.insert(0, Arc::clone(&built));
        cache.truncate(KEPT);
        built
    }

    fn build(source: &SourceView, files: &[&Arc<FileView>]) -> NameIndex {
        let mut by_name: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        for (position, file) in files.iter().enumerate() {
            for (index, statement) in file.data.statements.iter().enumerate() {
                let at = (position as u32, index as u32);
                for_each_mention(statement, &mut |mention| {
                    let text = mention.text();
                    if text.is_empty() {
                        return;
                    }
                    match by_name.get_mut(text) {
                        Some(list) => {
                            if list.last() != Some(&at) {
                                list.push(at);
                            }
                        }
                        None => {
                            by_name.insert(text.to_string(), vec![at]);
                        }
                    }
                });
            }
        }
        NameIndex {
            files: files
                .iter()
                .map(|file| Arc::downgrade(&file.data))
                .collect(),
            model: Arc::downgrade(&source.model),
            by_name,
        }
    }

    /// The statements writing any of `names`, as (member position, statement index), in source
    /// order, each once.
    pub fn statements(&self, names: &[String]) -> Vec<(u32, u32)> {
        let mut found: Vec<(u32, u32)> = names
            .iter()
            .filter_map(|name| self.by_name.get(name.as_str()))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The snapshot's views of a source's members, in order.
pub(crate) fn members<'s>(snapshot: &'s Snapshot, source: &SourceView) -> Vec<&'s Arc<FileView>> {
    source
        .members
        .iter()
        .filter_map(|id| snapshot.file_by_id(*id))
        .collect()
}
