//! The resourcequota controller: keeps each ResourceQuota's `status.hard` (its spec) and
//! `status.used` (what the namespace's objects use) current. Models
//! kubernetes/pkg/controller/resourcequota `syncResourceQuota`.

use kubeplay_api::{Kind, Object};

use crate::{delays, Cluster, Task};

impl Cluster {
    /// Recomputes every quota of the namespace; writes only those whose status changed.
    pub(crate) fn sync_resource_quotas(&mut self, ns: &str) {
        let quotas: Vec<kubeplay_api::quota::ResourceQuota> = self
            .store
            .list(Kind::ResourceQuota, Some(ns))
            .filter_map(|o| match o {
                Object::ResourceQuota(q) => Some(q.clone()),
                _ => None,
            })
            .collect();
        for mut q in quotas {
            let used = self.quota_used(&q);
            if q.status.hard == q.spec.hard && q.status.used == used {
                continue;
            }
            q.status.hard = q.spec.hard.clone();
            q.status.used = used;
            let now = self.now;
            self.store.put(Object::ResourceQuota(q), now);
        }
    }

    /// A change to a namespaced object may change what a quota there uses: a sync of the
    /// namespace's quotas is queued (nothing when it has none).
    pub(crate) fn quota_watch(&mut self, obj: &Object) {
        let kind = obj.kind();
        if !kind.namespaced() || kind == Kind::Event {
            return;
        }
        let ns = obj.namespace();
        if self
            .store
            .list(Kind::ResourceQuota, Some(ns))
            .next()
            .is_none()
        {
            return;
        }
        self.schedule_in(delays::CONTROLLER, Task::SyncResourceQuotas(ns.to_string()));
    }
}
