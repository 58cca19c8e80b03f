//! A map that successive snapshots share: a copy costs a pointer per shard, and a change copies
//! only the shard of its key. Every commit of a workspace of thousands of files makes a
//! snapshot while requests still read the last one; building each from scratch cost
//! milliseconds a keystroke.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// Enough that a change copies a small part of a large map.
const SHARDS: usize = 64;

pub struct SharedMap<K, V> {
    shards: Vec<Arc<HashMap<K, V>>>,
}

impl<K, V> Clone for SharedMap<K, V> {
    fn clone(&self) -> Self {
        SharedMap {
            shards: self.shards.clone(),
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap {
            shards: (0..SHARDS).map(|_| Arc::new(HashMap::new())).collect(),
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> SharedMap<K, V> {
    /// The shard of a key; the same for every map, so that it is the same for a key and its
    /// borrowed form (`Arc<Path>` and `&Path`), which hash alike.
    fn shard<Q: Hash + ?Sized>(key: &Q) -> usize {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        (hasher.finish() % SHARDS as u64) as usize
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shards[Self::shard(key)].get(key)
    }

    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shards[Self::shard(key)].get_key_value(key)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get(key).is_some()
    }

    /// Copies the shard of `key` when another map shares it.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let shard = Self::shard(&key);
        Arc::make_mut(&mut self.shards[shard]).insert(key, value)
    }

    /// Copies the shard of `key` only when the key is in it.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let shard = Self::shard(key);
        if !self.shards[shard].contains_key(key) {
            return None;
        }
        Arc::make_mut(&mut self.shards[shard]).remove(key)
    }

    /// Every value, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.shards.iter().flat_map(|shard| shard.values())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    #[test]
    fn a_copy_keeps_what_the_map_held_when_it_was_made() {
        let mut map: SharedMap<Arc<Path>, u32> = SharedMap::default();
        for n in 0..1000 {
            map.insert(Arc::from(PathBuf::from(format!("/w/f{n}.sql"))), n);
        }
        let before = map.clone();
        map.insert(Arc::from(Path::new("/w/f1.sql")), 7);
        map.insert(Arc::from(Path::new("/w/new.sql")), 5000);
        assert_eq!(map.remove(Path::new("/w/f2.sql")), Some(2));
        assert_eq!(map.remove(Path::new("/w/absent.sql")), None);

        assert_eq!(before.values().count(), 1000);
        assert_eq!(before.get(Path::new("/w/f1.sql")), Some(&1));
        assert_eq!(before.get(Path::new("/w/f2.sql")), Some(&2));
        assert!(!before.contains_key(Path::new("/w/new.sql")));

        assert_eq!(map.get(Path::new("/w/f1.sql")), Some(&7));
        assert!(!map.contains_key(Path::new("/w/f2.sql")));
        let (key, value) = map.get_key_value(Path::new("/w/new.sql")).unwrap();
        assert_eq!((&**key, *value), (Path::new("/w/new.sql"), 5000));
        let mut values: Vec<u32> = map.values().copied().collect();
        values.sort_unstable();
        assert_eq!(values.len(), 1000);
        assert_eq!(values.last(), Some(&5000));
    }

    #[test]
    fn a_change_copies_only_the_shard_of_its_key() {
        let mut map: SharedMap<u32, u32> = SharedMap::default();
        for n in 0..6400 {
            map.insert(n, n);
        }
        let before = map.clone();
        map.insert(1, 2);
        let shared = map
            .shards
            .iter()
            .zip(before.shards.iter())
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count();
        assert_eq!(shared, SHARDS - 1);
    }
}
