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

/// How long after a refused pod creation the ReplicaSet is synced again. Upstream's workqueue
/// backs off exponentially (5 ms doubling to 1000 s); a fixed 10 s keeps the retries visible
/// in the events without a per-ReplicaSet failure count.
const FAILED_CREATE_RETRY_MS: i64 = 10_000;

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
        let want = rs.replicas().max(0) as usize;
        let (active, victims) = {
            let active: Vec<&Pod> = self
                .owned_pods(&rs.metadata.uid, ns)
                .into_iter()
                .filter(|p| p.is_active())
                .collect();
            let n = active.len();
            let victims = if n > want {
                self.pods_to_delete(&rs, active, (n - want).min(BURST_REPLICAS))
            } else {
                Vec::new()
            };
            (n, victims)
        };
        let what = format!("ReplicaSet {ns}/{name}");
        let mut manage_error = None;
        match active.cmp(&want) {
            Ordering::Less => {
                let n = (want - active).min(BURST_REPLICAS);
                self.record(
                    "replicaset-controller",
                    what,
                    format!("{active} of {want} pods, creating {n}"),
                );
                for _ in 0..n {
                    if let Err(e) = self.create_pod_for(&rs) {
                        manage_error = Some(e);
                        // As slowStartBatch, the first refusal ends the batch; the workqueue
                        // retries the ReplicaSet later, when a quota or LimitRange may allow it.
                        self.schedule_in(
                            FAILED_CREATE_RETRY_MS,
                            Task::SyncReplicaSet(ns.to_string(), name.to_string()),
                        );
                        break;
                    }
                }
            }
            Ordering::Greater => {
                let n = victims.len();
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
        self.update_replica_set_status(ns, name, manage_error);
    }

    /// The pods in `ns` whose controller is `owner_uid`, in name order.
    pub(crate) fn owned_pods(&self, owner_uid: &str, ns: &str) -> Vec<&Pod> {
        self.store
            .dependents(owner_uid)
            .filter_map(|o| match o {
                Object::Pod(p)
                    if p.metadata.namespace == ns
                        && p.metadata.controller().is_some_and(|r| r.uid == owner_uid) =>
                {
                    Some(p)
                }
                _ => None,
            })
            .collect()
    }

    /// Creates one pod from the template. The error is the API server's 403 refusal (an
    /// admission plugin: ResourceQuota, LimitRanger, Priority), which ends the batch.
    fn create_pod_for(&mut self, rs: &ReplicaSet) -> Result<(), String> {
        let ns = rs.metadata.namespace.clone();
        let name = self.free_pod_name(&ns, &format!("{}-", rs.metadata.name));
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
            Ok(_) => {
                self.event(
                    &Object::ReplicaSet(rs.clone()),
                    "Normal",
                    "SuccessfulCreate",
                    format!("Created pod: {name}"),
                    "replicaset-controller",
                    "",
                );
                Ok(())
            }
            Err(e) => {
                self.event(
                    &Object::ReplicaSet(rs.clone()),
                    "Warning",
                    "FailedCreate",
                    format!("Error creating: {}", e.message),
                    "replicaset-controller",
                    "",
                );
                if e.reason == kubeplay_api::Reason::Forbidden {
                    Err(e.message)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// `getPodsToDelete`: ranks by `ActivePodsWithRanks.Less` (§4) and takes the first `n`.
    fn pods_to_delete(&self, rs: &ReplicaSet, active: Vec<&Pod>, n: usize) -> Vec<String> {
        if n >= active.len() {
            // Every pod goes: upstream does not sort.
            return active.iter().map(|p| p.metadata.name.clone()).collect();
        }
        // Rank: active pods of all ReplicaSets of the same Deployment on the same node.
        let ns = &rs.metadata.namespace;
        let related_rs: Vec<String> = match rs.metadata.controller() {
            Some(owner) => self
                .store
                .dependents(&owner.uid)
                .filter_map(|o| match o {
                    Object::ReplicaSet(r)
                        if r.metadata.namespace == *ns
                            && r.metadata.controller().is_some_and(|c| c.uid == owner.uid) =>
                    {
                        Some(r.metadata.uid.clone())
                    }
                    _ => None,
                })
                .collect(),
            None => vec![rs.metadata.uid.clone()],
        };
        let mut per_node: BTreeMap<String, i64> = BTreeMap::new();
        for uid in &related_rs {
            for p in self.owned_pods(uid, ns) {
                if p.is_active() {
                    *per_node.entry(p.spec.node_name.clone()).or_default() += 1;
                }
            }
        }
        let ranked: Vec<RankedPod> = active
            .into_iter()
            .map(|p| RankedPod::new(p, per_node.get(&p.spec.node_name).copied().unwrap_or(0)))
            .collect();
        let now = self.now;
        merge_sort_by(ranked, &|a, b| deletion_order(a, b, now))
            .into_iter()
            .take(n)
            .map(|p| p.name)
            .collect()
    }

    /// `calculateStatus`; `manage_error` is this sync's refused creation, kept as the
    /// ReplicaFailure condition (the first message stays until a sync without one removes it).
    pub(crate) fn update_replica_set_status(
        &mut self,
        ns: &str,
        name: &str,
        manage_error: Option<String>,
    ) {
        let Some(Object::ReplicaSet(mut rs)) = self
            .store
            .get(&Key::new(Kind::ReplicaSet, ns, name))
            .cloned()
        else {
            return;
        };
        let now = self.now;
        let min_ready = rs.spec.min_ready_seconds as i64;
        let pods = self.owned_pods(&rs.metadata.uid, ns);
        let active: Vec<&Pod> = pods.iter().copied().filter(|p| p.is_active()).collect();
        let mut st = rs.status.clone();
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
        let next = active
            .iter()
            .filter(|p| min_ready > 0 && p.is_ready() && !p.is_available(min_ready, now))
            .filter_map(|p| p.condition("Ready").and_then(|c| c.last_transition_time))
            .map(|t| t.plus_millis(min_ready * 1000 + 1))
            .min();
        drop(active);
        drop(pods);
        if let Some(t) = next {
            self.schedule_at(t, Task::SyncReplicaSet(ns.into(), name.into()));
        }
        match manage_error {
            Some(message) if !st.conditions.iter().any(|c| c.type_ == "ReplicaFailure") => {
                st.conditions.push(kubeplay_api::meta::Condition {
                    type_: "ReplicaFailure".into(),
                    status: "True".into(),
                    last_transition_time: Some(now),
                    reason: "FailedCreate".into(),
                    message,
                    ..Default::default()
                });
            }
            Some(_) => {}
            None => st.conditions.retain(|c| c.type_ != "ReplicaFailure"),
        }
        rs.status = st;
        if rs.status != before {
            self.store.put(Object::ReplicaSet(rs), now);
        }
    }
}

/// What `ActivePodsWithRanks.Less` reads of a pod, with its rank.
#[derive(Clone, Debug)]
pub(crate) struct RankedPod {
    pub name: String,
    uid: String,
    assigned: bool,
    phase: i32,
    ready: bool,
    ready_since: Option<Time>,
    deletion_cost: i64,
    rank: i64,
    restarts: i32,
    created: Option<Time>,
}

impl RankedPod {
    pub(crate) fn new(p: &Pod, rank: i64) -> RankedPod {
        let ready = p.is_ready();
        RankedPod {
            name: p.metadata.name.clone(),
            uid: p.metadata.uid.clone(),
            assigned: !p.spec.node_name.is_empty(),
            // podPhaseToOrdinal: Pending 0, Unknown 1, Running 2; any other phase reads as 0.
            phase: match p.status.phase.as_str() {
                "Unknown" => 1,
                "Running" => 2,
                _ => 0,
            },
            ready,
            ready_since: p
                .condition("Ready")
                .filter(|_| ready)
                .and_then(|c| c.last_transition_time),
            // `GetDeletionCostFromPodAnnotations`: an int32; anything else counts as 0.
            deletion_cost: p
                .metadata
                .annotation("controller.kubernetes.io/pod-deletion-cost")
                .and_then(|c| c.trim().parse::<i32>().ok())
                .unwrap_or(0) as i64,
            rank,
            restarts: p
                .status
                .container_statuses
                .iter()
                .map(|c| c.restart_count)
                .max()
                .unwrap_or(0),
            created: p.metadata.creation_timestamp,
        }
    }
}

/// `afterOrZero`: a zero (missing) time counts as the newest.
fn after_or_zero(a: Option<Time>, b: Option<Time>) -> bool {
    match (a, b) {
        (None, _) | (_, None) => a.is_none(),
        (Some(x), Some(y)) => x > y,
    }
}

/// `logarithmicRankDiff`: compares `floor(log2(now − t))` of two times, in nanoseconds as Go's
/// durations are.
fn logarithmic_rank_diff(a: Time, b: Time, now: Time) -> i64 {
    // Integer log2 of nanoseconds: the same as Go's `int64(math.Log2(float64(d)))` for these
    // values, and the same natively and in wasm.
    let bucket = |t: Time| {
        let d = (now.millis() - t.millis()).saturating_mul(1_000_000);
        if d > 0 {
            d.ilog2() as i64
        } else {
            -1
        }
    };
    bucket(a) - bucket(b)
}

/// `ActivePodsWithRanks.Less` (§4) with the PodDeletionCost and LogarithmicScaleDown features on
/// (their upstream defaults): `Less` means "delete first". The first rule that tells the pods
/// apart decides.
pub(crate) fn deletion_order(a: &RankedPod, b: &RankedPod, now: Time) -> Ordering {
    let less = |i: &RankedPod, j: &RankedPod| -> Option<bool> {
        // 1. Unassigned < assigned.
        if i.assigned != j.assigned {
            return Some(!i.assigned);
        }
        // 2. Pending < Unknown < Running.
        if i.phase != j.phase {
            return Some(i.phase < j.phase);
        }
        // 3. Not ready < ready.
        if i.ready != j.ready {
            return Some(!i.ready);
        }
        // 4. Lower pod-deletion-cost < higher.
        if i.deletion_cost != j.deletion_cost {
            return Some(i.deletion_cost < j.deletion_cost);
        }
        // 5. More related pods on the same node < fewer.
        if i.rank != j.rank {
            return Some(i.rank > j.rank);
        }
        // 6. Both ready: ready more recently < ready longer (log2 buckets, then UID).
        if i.ready && j.ready && i.ready_since != j.ready_since {
            return Some(match (i.ready_since, j.ready_since) {
                (Some(x), Some(y)) => match logarithmic_rank_diff(x, y, now) {
                    0 => i.uid < j.uid,
                    d => d < 0,
                },
                (x, y) => after_or_zero(x, y),
            });
        }
        // 7. More container restarts < fewer.
        if i.restarts != j.restarts {
            return Some(i.restarts > j.restarts);
        }
        // 8. Newer < older (log2 buckets, then UID).
        if i.created != j.created {
            return Some(match (i.created, j.created) {
                (Some(x), Some(y)) => match logarithmic_rank_diff(x, y, now) {
                    0 => i.uid < j.uid,
                    d => d < 0,
                },
                (x, y) => after_or_zero(x, y),
            });
        }
        None
    };
    match (less(a, b), less(b, a)) {
        (Some(true), _) => Ordering::Less,
        (_, Some(true)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// A stable merge sort that accepts any comparator: upstream's `Less` is not guaranteed to be a
/// total order (rule 6 can skip to rule 7 for equal times), and `slice::sort_by` may panic on one.
fn merge_sort_by<T: Clone>(v: Vec<T>, cmp: &dyn Fn(&T, &T) -> Ordering) -> Vec<T> {
    if v.len() <= 1 {
        return v;
    }
    let mut right = v;
    let left: Vec<T> = right.drain(..right.len() / 2).collect();
    let (left, right) = (merge_sort_by(left, cmp), merge_sort_by(right, cmp));
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    loop {
        let take_left = match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => cmp(b, a) != Ordering::Less,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_left { l.next() } else { r.next() };
        out.extend(next);
    }
    out
}

#[cfg(test)]
#[path = "replicaset_tests.rs"]
mod tests;
