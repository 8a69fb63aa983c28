//! The API server's storage: objects by kind, namespace and name, resourceVersions, the log of
//! watch events (ADDED, MODIFIED, DELETED) that controllers and the trace read, and the indexes
//! that informers keep (dependents by owner, pods by node and label, events by what the event
//! recorder merges on), so that no controller scans every object.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

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

/// One watch event, as a watcher of the API would see it. It shares the stored version of the
/// object (objects in the store are immutable once written), so an event costs no copy.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub time: Time,
    pub type_: WatchType,
    pub object: Rc<Object>,
}

/// What the event recorder merges repeated events on: namespace, involved object's uid, reason,
/// message and source component.
type EventIdentity = (String, String, String, String, String);

#[derive(Default)]
pub struct Store {
    /// Each version is written once and then shared (by watch events, by readers that keep it
    /// past a write): a write replaces the `Rc`, never the object behind it.
    objects: BTreeMap<Key, Rc<Object>>,
    resource_version: u64,
    /// Events not yet consumed by the cluster's dispatcher.
    pending: Vec<WatchEvent>,
    /// Dependents by the uid of each of their owners.
    by_owner: BTreeMap<String, BTreeSet<Key>>,
    /// Every object by uid.
    uids: BTreeMap<String, Key>,
    /// Pods by node name (unscheduled pods under ""), with the stored version itself: the
    /// scheduler reads every pod of every node each cycle, and a second lookup by key per pod
    /// was a fifth of the time a 10,000-pod cluster took to settle.
    pods_by_node: BTreeMap<String, NodePods>,
    /// Counts changes to `pods_by_node`: each node's pods remember the count at their last
    /// change, so a reader can tell that nothing bound to a node changed since it last looked.
    node_pod_changes: u64,
    /// Pods by (namespace, label key, label value).
    pods_by_label: BTreeMap<(String, String, String), BTreeSet<Key>>,
    event_identities: BTreeMap<EventIdentity, Key>,
    /// Events by lastTimestamp, oldest first.
    events_by_time: BTreeSet<(Time, Key)>,
}

/// The pods bound to one node, and when they last changed (see `Store::node_pods_changed`).
#[derive(Default)]
struct NodePods {
    changed: u64,
    pods: BTreeMap<Key, Rc<Object>>,
}

impl NodePods {
    /// Marks a change, with the next value of the store's counter.
    fn touch(&mut self, counter: &mut u64) {
        *counter += 1;
        self.changed = *counter;
    }
}

/// Whether two versions of an object have the same index entries.
fn same_index_entries(a: &Object, b: &Object) -> bool {
    let (ma, mb) = (a.meta(), b.meta());
    let same_kind_fields = match (a, b) {
        (Object::Pod(x), Object::Pod(y)) => {
            x.spec.node_name == y.spec.node_name && x.metadata.labels == y.metadata.labels
        }
        (Object::Event(_), _) | (_, Object::Event(_)) => false,
        _ => true,
    };
    same_kind_fields && ma.uid == mb.uid && ma.owner_references == mb.owner_references
}

fn event_identity(e: &kubeplay_api::Event) -> EventIdentity {
    (
        e.metadata.namespace.clone(),
        e.involved_object.uid.clone(),
        e.reason.clone(),
        e.message.clone(),
        e.source.component.clone(),
    )
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key).map(|o| &**o)
    }
    /// The stored version itself, to keep without copying it.
    pub fn get_shared(&self, key: &Key) -> Option<Rc<Object>> {
        self.objects.get(key).cloned()
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
            .map(|(_, o)| &**o)
    }
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }
    /// Writes an object, bumping its resourceVersion, and records the watch event.
    pub fn put(&mut self, mut obj: Object, now: Time) -> Rc<Object> {
        self.resource_version += 1;
        obj.meta_mut().resource_version = self.resource_version.to_string();
        let key = Key::of(&obj);
        let obj = Rc::new(obj);
        let old = self.objects.insert(key.clone(), Rc::clone(&obj));
        let type_ = if old.is_some() {
            WatchType::Modified
        } else {
            WatchType::Added
        };
        match old {
            // Most writes are status updates: nothing indexed changed, but the pod index holds
            // the version itself.
            Some(old) if same_index_entries(&old, &obj) => {
                if let Object::Pod(p) = &*obj {
                    if let Some(bucket) = self.pods_by_node.get_mut(&p.spec.node_name) {
                        if let Some(entry) = bucket.pods.get_mut(&key) {
                            *entry = Rc::clone(&obj);
                            bucket.touch(&mut self.node_pod_changes);
                        }
                    }
                }
            }
            Some(old) => {
                self.unindex(&key, &old);
                self.index(&key, &obj);
            }
            None => self.index(&key, &obj),
        }
        self.pending.push(WatchEvent {
            time: now,
            type_,
            object: Rc::clone(&obj),
        });
        obj
    }
    pub fn remove(&mut self, key: &Key, now: Time) -> Option<Rc<Object>> {
        let mut obj = self.objects.remove(key)?;
        self.unindex(key, &obj);
        self.resource_version += 1;
        // Copied only if someone still holds the last version.
        Rc::make_mut(&mut obj).meta_mut().resource_version = self.resource_version.to_string();
        self.pending.push(WatchEvent {
            time: now,
            type_: WatchType::Deleted,
            object: Rc::clone(&obj),
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

    fn index(&mut self, key: &Key, obj: &Rc<Object>) {
        let meta = obj.meta();
        if !meta.uid.is_empty() {
            self.uids.insert(meta.uid.clone(), key.clone());
        }
        for r in &meta.owner_references {
            self.by_owner
                .entry(r.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        match &**obj {
            Object::Pod(p) => {
                let bucket = self
                    .pods_by_node
                    .entry(p.spec.node_name.clone())
                    .or_default();
                bucket.pods.insert(key.clone(), Rc::clone(obj));
                bucket.touch(&mut self.node_pod_changes);
                for (k, v) in &p.metadata.labels {
                    self.pods_by_label
                        .entry((key.namespace.clone(), k.clone(), v.clone()))
                        .or_default()
                        .insert(key.clone());
                }
            }
            Object::Event(e) => {
                self.event_identities.insert(event_identity(e), key.clone());
                self.events_by_time
                    .insert((e.last_timestamp.unwrap_or_default(), key.clone()));
            }
            _ => {}
        }
    }

    fn unindex(&mut self, key: &Key, obj: &Object) {
        fn drop_from<K: Ord>(map: &mut BTreeMap<K, BTreeSet<Key>>, k: K, key: &Key) {
            if let Some(set) = map.get_mut(&k) {
                set.remove(key);
                if set.is_empty() {
                    map.remove(&k);
                }
            }
        }
        let meta = obj.meta();
        if self.uids.get(&meta.uid) == Some(key) {
            self.uids.remove(&meta.uid);
        }
        for r in &meta.owner_references {
            drop_from(&mut self.by_owner, r.uid.clone(), key);
        }
        match obj {
            Object::Pod(p) => {
                if let Some(bucket) = self.pods_by_node.get_mut(&p.spec.node_name) {
                    bucket.pods.remove(key);
                    bucket.touch(&mut self.node_pod_changes);
                    if bucket.pods.is_empty() {
                        self.pods_by_node.remove(&p.spec.node_name);
                    }
                }
                for (k, v) in &p.metadata.labels {
                    drop_from(
                        &mut self.pods_by_label,
                        (key.namespace.clone(), k.clone(), v.clone()),
                        key,
                    );
                }
            }
            Object::Event(e) => {
                let id = event_identity(e);
                if self.event_identities.get(&id) == Some(key) {
                    self.event_identities.remove(&id);
                }
                self.events_by_time
                    .remove(&(e.last_timestamp.unwrap_or_default(), key.clone()));
            }
            _ => {}
        }
    }

    /// Objects that name `owner_uid` among their ownerReferences, in key order.
    pub fn dependents(&self, owner_uid: &str) -> impl Iterator<Item = &Object> + '_ {
        self.by_owner
            .get(owner_uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.get(k))
    }

    /// Owner uids that some object names, with whether an object with that uid exists.
    pub fn owners(&self) -> impl Iterator<Item = (&str, bool)> + '_ {
        self.by_owner
            .keys()
            .map(|uid| (uid.as_str(), self.uids.contains_key(uid)))
    }

    /// Whether an object with this uid exists.
    pub fn has_uid(&self, uid: &str) -> bool {
        self.uids.contains_key(uid)
    }

    /// Node names that pods are bound to ("" for unscheduled pods).
    pub fn nodes_with_pods(&self) -> impl Iterator<Item = &str> + '_ {
        self.pods_by_node.keys().map(String::as_str)
    }

    /// A number that changes whenever a pod bound to `node` is added, written or removed (0 if
    /// none is bound): equal on two reads, nothing bound to the node changed in between.
    pub fn node_pods_changed(&self, node: &str) -> u64 {
        self.pods_by_node.get(node).map_or(0, |b| b.changed)
    }

    /// Pods bound to `node` ("" for unscheduled pods), in key order.
    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &Object> + '_ {
        self.pods_by_node
            .get(node)
            .into_iter()
            .flat_map(|bucket| bucket.pods.values())
            .map(|o| &**o)
    }

    /// Pods of a namespace whose labels include every pair of `selector` (a Service's selector),
    /// in key order. An empty selector selects none, as for Services.
    pub fn pods_matching(
        &self,
        namespace: &str,
        selector: &BTreeMap<String, String>,
    ) -> Vec<&Object> {
        let sets: Option<Vec<&BTreeSet<Key>>> = selector
            .iter()
            .map(|(k, v)| {
                self.pods_by_label
                    .get(&(namespace.to_string(), k.clone(), v.clone()))
            })
            .collect();
        let Some(mut sets) = sets else {
            return Vec::new();
        };
        sets.sort_by_key(|s| s.len());
        let Some((smallest, rest)) = sets.split_first() else {
            return Vec::new();
        };
        smallest
            .iter()
            .filter(|k| rest.iter().all(|s| s.contains(*k)))
            .filter_map(|k| self.get(k))
            .collect()
    }

    /// The event the event recorder would merge a new one into.
    pub fn find_event(
        &self,
        namespace: &str,
        involved_uid: &str,
        reason: &str,
        message: &str,
        component: &str,
    ) -> Option<&Object> {
        let id = (
            namespace.to_string(),
            involved_uid.to_string(),
            reason.to_string(),
            message.to_string(),
            component.to_string(),
        );
        self.event_identities.get(&id).and_then(|k| self.get(k))
    }

    /// Events by lastTimestamp, oldest first, and how many there are.
    pub fn events_by_age(&self) -> (impl Iterator<Item = &(Time, Key)> + '_, usize) {
        (self.events_by_time.iter(), self.events_by_time.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use kubeplay_api::{OwnerReference, Pod};

    use super::*;

    fn pod(i: u64, node: u64, owner: u64, tier: u64) -> Object {
        let mut p = Pod::default();
        p.metadata.namespace = ["default", "other"][(i % 2) as usize].into();
        p.metadata.name = format!("p{i}");
        p.metadata.uid = format!("uid-p{i}");
        p.spec.node_name = if node == 0 {
            String::new()
        } else {
            format!("node-{node}")
        };
        p.metadata.labels.insert("app".into(), "web".into());
        p.metadata.labels.insert("tier".into(), format!("t{tier}"));
        p.metadata.owner_references.push(OwnerReference {
            uid: format!("rs-{owner}"),
            controller: Some(true),
            ..Default::default()
        });
        Object::Pod(p)
    }

    /// Random writes and deletes; every index query must equal a scan of all objects.
    #[test]
    fn indexes_agree_with_scans() {
        let mut s = Store::default();
        let mut x: u64 = 7;
        let mut next = |n: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % n
        };
        for _ in 0..3_000 {
            let i = next(60);
            if next(4) == 0 {
                s.remove(
                    &Key::new(
                        Kind::Pod,
                        ["default", "other"][(i % 2) as usize],
                        &format!("p{i}"),
                    ),
                    Time(0),
                );
            } else {
                s.put(pod(i, next(4), next(5), next(3)), Time(0));
            }
        }
        let names =
            |v: Vec<&Object>| -> Vec<String> { v.iter().map(|o| o.name().to_string()).collect() };
        let all: Vec<&Object> = s.list(Kind::Pod, None).collect();
        for owner in 0..5 {
            let uid = format!("rs-{owner}");
            let scan: Vec<&Object> = all
                .iter()
                .copied()
                .filter(|o| o.meta().owner_references.iter().any(|r| r.uid == uid))
                .collect();
            assert_eq!(names(s.dependents(&uid).collect()), names(scan));
        }
        for node in ["", "node-1", "node-2", "node-3"] {
            let scan: Vec<&Object> = all
                .iter()
                .copied()
                .filter(|o| matches!(o, Object::Pod(p) if p.spec.node_name == node))
                .collect();
            assert_eq!(names(s.pods_on_node(node).collect()), names(scan));
        }
        for ns in ["default", "other"] {
            for tier in ["t0", "t1", "t2"] {
                let sel: BTreeMap<String, String> = [("app", "web"), ("tier", tier)]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                let scan: Vec<&Object> = all
                    .iter()
                    .copied()
                    .filter(|o| {
                        o.namespace() == ns
                            && sel.iter().all(|(k, v)| o.meta().labels.get(k) == Some(v))
                    })
                    .collect();
                assert_eq!(names(s.pods_matching(ns, &sel)), names(scan));
            }
            assert!(s.pods_matching(ns, &BTreeMap::new()).is_empty());
        }
        let live: Vec<(&str, bool)> = s.owners().collect();
        assert_eq!(live.len(), 5);
        assert!(live.iter().all(|(_, exists)| !exists));
    }
}
