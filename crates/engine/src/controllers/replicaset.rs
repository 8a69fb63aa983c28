//! The ReplicaSet controller: keeps `spec.replicas` active pods, names them `<rs>-<5 chars>`,
//! picks scale-down victims in upstream's order (§4), and reports status.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use kubeplay_api::core::Pod;
use kubeplay_api::{Kind, Object, ObjectMeta, OwnerReference, ReplicaSet, Time};

use crate::store::Key;
use crate::{Cluster, Task};

/// Upstream's `burstReplicas`: at most this many creations or deletions per sync.
const BURST_REPLICAS: usize = 500;

impl Cluster {
    pub(crate) fn sync_replica_set(&mut self, ns: &str, name: &str) {
        let Some(Object::ReplicaSet(rs)) = self
            .store
            .get(&Key::new(Kind::ReplicaSet, ns, name))
            .cloned()
        else {
            return;
        };
        if rs.metadata.deletion_timestamp.is_some() {
            return;
        }
        let pods = self.owned_pods(&rs.metadata.uid, ns);
        let active: Vec<&Pod> = pods.iter().filter(|p| p.is_active()).collect();
        let want = rs.replicas().max(0) as usize;
        let what = format!("ReplicaSet {ns}/{name}");
        match active.len().cmp(&want) {
            Ordering::Less => {
                let n = (want - active.len()).min(BURST_REPLICAS);
                self.record(
                    "replicaset-controller",
                    what,
                    format!("{} of {want} pods, creating {n}", active.len()),
                );
                for _ in 0..n {
                    self.create_pod_for(&rs);
                }
            }
            Ordering::Greater => {
                let n = (active.len() - want).min(BURST_REPLICAS);
                let victims = self.pods_to_delete(&rs, active, n);
                self.record(
                    "replicaset-controller",
                    what,
                    format!(
                        "{} of {want} pods, deleting {n}: {}",
                        victims.len() + want,
                        victims.join(", ")
                    ),
                );
                for v in victims {
                    let key = Key::new(Kind::Pod, ns, &v);
                    if self.store.contains(&key) {
                        self.event(
                            &Object::ReplicaSet(rs.clone()),
                            "Normal",
                            "SuccessfulDelete",
                            format!("Deleted pod: {v}"),
                            "replicaset-controller",
                            "",
                        );
                        self.delete_pod_gracefully(&key, None);
                    }
                }
            }
            Ordering::Equal => {}
        }
        self.update_replica_set_status(ns, name);
    }

    pub(crate) fn owned_pods(&self, owner_uid: &str, ns: &str) -> Vec<Pod> {
        self.store
            .list(Kind::Pod, Some(ns))
            .filter_map(|o| match o {
                Object::Pod(p) if p.metadata.controller().is_some_and(|r| r.uid == owner_uid) => {
                    Some(p.clone())
                }
                _ => None,
            })
            .collect()
    }

    fn create_pod_for(&mut self, rs: &ReplicaSet) {
        let ns = rs.metadata.namespace.clone();
        let mut name;
        loop {
            name = format!("{}-{}", rs.metadata.name, self.random_suffix());
            if !self.store.contains(&Key::new(Kind::Pod, &ns, &name)) {
                break;
            }
        }
        let tmpl = &rs.spec.template;
        let mut meta = ObjectMeta::named(&ns, &name);
        meta.labels = tmpl.metadata.labels.clone();
        meta.annotations = tmpl.metadata.annotations.clone();
        meta.generate_name = format!("{}-", rs.metadata.name);
        meta.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "ReplicaSet".into(),
            name: rs.metadata.name.clone(),
            uid: rs.metadata.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        let pod = Pod {
            metadata: meta,
            spec: tmpl.spec.clone(),
            status: Default::default(),
        };
        match self.create(Object::Pod(pod)) {
            Ok(_) => self.event(
                &Object::ReplicaSet(rs.clone()),
                "Normal",
                "SuccessfulCreate",
                format!("Created pod: {name}"),
                "replicaset-controller",
                "",
            ),
            Err(e) => self.event(
                &Object::ReplicaSet(rs.clone()),
                "Warning",
                "FailedCreate",
                format!("Error creating: {}", e.message),
                "replicaset-controller",
                "",
            ),
        }
    }

    /// `getPodsToDelete`: ranks by `ActivePodsWithRanks.Less` (§4) and takes the first `n`.
    fn pods_to_delete(&self, rs: &ReplicaSet, active: Vec<&Pod>, n: usize) -> Vec<String> {
        // Rank: active pods of all ReplicaSets of the same Deployment on the same node.
        let related_owner = rs.metadata.controller().map(|r| r.uid.clone());
        let mut per_node: BTreeMap<String, i64> = BTreeMap::new();
        let related_rs: Vec<String> = self
            .store
            .list(Kind::ReplicaSet, Some(&rs.metadata.namespace))
            .filter_map(|o| match o {
                Object::ReplicaSet(r)
                    if related_owner.is_some()
                        && r.metadata.controller().map(|c| c.uid.clone()) == related_owner =>
                {
                    Some(r.metadata.uid.clone())
                }
                _ => None,
            })
            .chain(std::iter::once(rs.metadata.uid.clone()))
            .collect();
        for o in self.store.list(Kind::Pod, Some(&rs.metadata.namespace)) {
            if let Object::Pod(p) = o {
                if p.is_active()
                    && p.metadata
                        .controller()
                        .is_some_and(|c| related_rs.contains(&c.uid))
                    && !p.spec.node_name.is_empty()
                {
                    *per_node.entry(p.spec.node_name.clone()).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(&Pod, i64)> = active
            .into_iter()
            .map(|p| (p, per_node.get(&p.spec.node_name).copied().unwrap_or(0)))
            .collect();
        ranked.sort_by(|a, b| deletion_order(a, b));
        ranked
            .into_iter()
            .take(n)
            .map(|(p, _)| p.metadata.name.clone())
            .collect()
    }

    pub(crate) fn update_replica_set_status(&mut self, ns: &str, name: &str) {
        let Some(Object::ReplicaSet(mut rs)) = self
            .store
            .get(&Key::new(Kind::ReplicaSet, ns, name))
            .cloned()
        else {
            return;
        };
        let pods = self.owned_pods(&rs.metadata.uid, ns);
        let now = self.now;
        let min_ready = rs.spec.min_ready_seconds as i64;
        let active: Vec<&Pod> = pods.iter().filter(|p| p.is_active()).collect();
        let st = &mut rs.status;
        let before = st.clone();
        st.replicas = active.len() as i32;
        st.fully_labeled_replicas = active
            .iter()
            .filter(|p| {
                rs.spec
                    .template
                    .metadata
                    .labels
                    .iter()
                    .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
            })
            .count() as i32;
        st.ready_replicas = active.iter().filter(|p| p.is_ready()).count() as i32;
        st.available_replicas = active
            .iter()
            .filter(|p| p.is_available(min_ready, now))
            .count() as i32;
        let terminating = pods.iter().filter(|p| p.is_terminating()).count() as i32;
        st.terminating_replicas = Some(terminating);
        st.observed_generation = rs.metadata.generation;
        // A pod that is ready but not yet available becomes available after minReadySeconds.
        if min_ready > 0 {
            let next = active
                .iter()
                .filter(|p| p.is_ready() && !p.is_available(min_ready, now))
                .filter_map(|p| p.condition("Ready").and_then(|c| c.last_transition_time))
                .map(|t| t.plus_millis(min_ready * 1000 + 1))
                .min();
            if let Some(t) = next {
                self.schedule_at(t, Task::SyncReplicaSet(ns.into(), name.into()));
            }
        }
        if rs.status != before {
            self.store.put(Object::ReplicaSet(rs), now);
        }
    }
}

/// `ActivePodsWithRanks.Less`: `Less` means "delete first".
fn deletion_order(a: &(&Pod, i64), b: &(&Pod, i64)) -> Ordering {
    let (pa, ra) = a;
    let (pb, rb) = b;
    let assigned = |p: &Pod| !p.spec.node_name.is_empty();
    let phase_rank = |p: &Pod| match p.status.phase.as_str() {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let cost = |p: &Pod| -> i64 {
        p.metadata
            .annotation("controller.kubernetes.io/pod-deletion-cost")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    };
    let ready_since = |p: &Pod| -> Option<Time> {
        p.condition("Ready")
            .filter(|c| c.status == "True")
            .and_then(|c| c.last_transition_time)
    };
    let restarts = |p: &Pod| {
        p.status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0)
    };
    assigned(pa)
        .cmp(&assigned(pb))
        .then(phase_rank(pa).cmp(&phase_rank(pb)))
        .then(pa.is_ready().cmp(&pb.is_ready()))
        .then(cost(pa).cmp(&cost(pb)))
        .then(rb.cmp(ra))
        .then_with(|| {
            if pa.is_ready() && pb.is_ready() {
                // More recently ready first; a missing time counts as newest.
                let (ta, tb) = (ready_since(pa), ready_since(pb));
                match (ta, tb) {
                    (Some(x), Some(y)) => y.cmp(&x),
                    (None, Some(_)) => Ordering::Less,
                    (Some(_), None) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            } else {
                Ordering::Equal
            }
        })
        .then(restarts(pb).cmp(&restarts(pa)))
        .then_with(|| {
            let (ca, cb) = (
                pa.metadata.creation_timestamp,
                pb.metadata.creation_timestamp,
            );
            match (ca, cb) {
                (Some(x), Some(y)) => y.cmp(&x),
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        })
        .then(pa.metadata.name.cmp(&pb.metadata.name))
}
