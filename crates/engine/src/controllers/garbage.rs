//! The garbage collector: removes objects whose controller owner is gone (background cascading
//! deletion), so deleting a Deployment removes its ReplicaSets and then their Pods (a CronJob its Jobs,
//! then theirs).

use std::collections::BTreeSet;

use kubeplay_api::{Kind, Object};

use crate::store::Key;
use crate::Cluster;

const OWNED_KINDS: [Kind; 7] = [
    Kind::ReplicaSet,
    Kind::Job,
    Kind::Pod,
    Kind::Endpoints,
    Kind::Event,
    Kind::PersistentVolumeClaim,
    Kind::ControllerRevision,
];

impl Cluster {
    pub(crate) fn collect_garbage(&mut self) {
        let gone: Vec<String> = self
            .store
            .owners()
            .filter(|(_, exists)| !exists)
            .map(|(uid, _)| uid.to_string())
            .collect();
        let mut orphans: BTreeSet<Key> = BTreeSet::new();
        for uid in &gone {
            for o in self.store.dependents(uid) {
                let refs = &o.meta().owner_references;
                if OWNED_KINDS.contains(&o.kind())
                    && refs.iter().all(|r| !self.store.has_uid(&r.uid))
                    && o.meta().deletion_timestamp.is_none()
                {
                    orphans.insert(Key::of(o));
                }
            }
        }
        for key in orphans {
            self.record(
                "garbage-collector",
                format!("{} {}/{}", key.kind.name(), key.namespace, key.name),
                "owner deleted: deleting dependent".into(),
            );
            match key.kind {
                Kind::Pod => {
                    self.delete_pod_gracefully(&key, None);
                }
                // Through the API's delete: pvc-protection keeps a claim in use.
                Kind::PersistentVolumeClaim => {
                    let _ = self.delete(key.kind, &key.namespace, &key.name, None);
                }
                _ => {
                    if let Some(Object::ReplicaSet(_) | Object::Job(_)) =
                        self.store.remove(&key, self.now).as_deref()
                    {
                        // Its pods are collected on the next pass.
                        self.schedule_in(
                            crate::delays::GARBAGE_COLLECTOR,
                            crate::Task::CollectGarbage,
                        );
                    }
                }
            }
        }
    }
}
