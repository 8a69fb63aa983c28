//! The API server's storage: objects by kind, namespace and name, resourceVersions, and the log of
//! watch events (ADDED, MODIFIED, DELETED) that controllers and the trace read.

use std::collections::BTreeMap;

use kubeplay_api::{Kind, Object, Time};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl Key {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Key {
        let namespace = if kind.namespaced() {
            namespace.to_string()
        } else {
            String::new()
        };
        Key {
            kind,
            namespace,
            name: name.to_string(),
        }
    }
    pub fn of(obj: &Object) -> Key {
        Key::new(obj.kind(), obj.namespace(), obj.name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WatchType {
    #[serde(rename = "ADDED")]
    Added,
    #[serde(rename = "MODIFIED")]
    Modified,
    #[serde(rename = "DELETED")]
    Deleted,
}

/// One watch event, as a watcher of the API would see it.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub time: Time,
    pub type_: WatchType,
    pub object: Object,
}

#[derive(Default)]
pub struct Store {
    objects: BTreeMap<Key, Object>,
    resource_version: u64,
    /// Events not yet consumed by the cluster's dispatcher.
    pending: Vec<WatchEvent>,
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key)
    }
    pub fn contains(&self, key: &Key) -> bool {
        self.objects.contains_key(key)
    }
    /// Objects of a kind, optionally in one namespace, in name order.
    pub fn list(&self, kind: Kind, namespace: Option<&str>) -> impl Iterator<Item = &Object> + '_ {
        let namespace: Option<String> = if kind.namespaced() {
            namespace.map(str::to_string)
        } else {
            None
        };
        let start = Key {
            kind,
            namespace: namespace.clone().unwrap_or_default(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| {
                k.kind == kind && namespace.as_ref().is_none_or(|ns| &k.namespace == ns)
            })
            .map(|(_, o)| o)
    }
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }
    /// Writes an object, bumping its resourceVersion, and records the watch event.
    pub fn put(&mut self, mut obj: Object, now: Time) -> Object {
        self.resource_version += 1;
        obj.meta_mut().resource_version = self.resource_version.to_string();
        let key = Key::of(&obj);
        let type_ = if self.objects.contains_key(&key) {
            WatchType::Modified
        } else {
            WatchType::Added
        };
        self.objects.insert(key, obj.clone());
        self.pending.push(WatchEvent {
            time: now,
            type_,
            object: obj.clone(),
        });
        obj
    }
    pub fn remove(&mut self, key: &Key, now: Time) -> Option<Object> {
        let mut obj = self.objects.remove(key)?;
        self.resource_version += 1;
        obj.meta_mut().resource_version = self.resource_version.to_string();
        self.pending.push(WatchEvent {
            time: now,
            type_: WatchType::Deleted,
            object: obj.clone(),
        });
        Some(obj)
    }
    pub fn take_events(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending)
    }
    pub fn len(&self) -> usize {
        self.objects.len()
    }
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}
