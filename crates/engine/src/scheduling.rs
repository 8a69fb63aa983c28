//! The scheduler's loop: takes pending pods in PrioritySort order, asks `kubeplay-scheduler` for a
//! node, binds the pod (writing the decision record as kube-scheduler-simulator's annotations) or
//! records `FailedScheduling` with upstream's FitError text. Unschedulable pods are tried again
//! when the cluster changes (a node added or changed, a pod deleted), as the upstream queue does.

use std::collections::BTreeMap;

use kubeplay_api::core::Pod;
use kubeplay_api::meta::Condition;
use kubeplay_api::{ApiError, Kind, LabelSelector, Node, Object};
use kubeplay_scheduler::{
    NodeInfo, NodeSums, OwnerSelector, PreparedSnapshot, Scheduler, Snapshot,
};
use rand::Rng;

use kubeplay_api::storage::SELECTED_NODE_ANNOTATION;
use kubeplay_api::{PersistentVolumeClaim, StorageClass};
use kubeplay_scheduler::volumes;
use kubeplay_scheduler::Storage;

use crate::store::{Key, Store};
use crate::Cluster;

/// The claims, volumes and classes VolumeBinding reads, and which pods hold which claims (only
/// looked up when a ReadWriteOncePod claim exists, the only case that needs it).
fn storage_view(store: &Store) -> Storage<'_> {
    let mut view = Storage::default();
    for o in store.list(Kind::PersistentVolumeClaim, None) {
        if let Object::PersistentVolumeClaim(c) = o {
            view.claims.push(c);
        }
    }
    if view.claims.is_empty() {
        return view;
    }
    for o in store.list(Kind::PersistentVolume, None) {
        if let Object::PersistentVolume(v) = o {
            view.volumes.push(v);
        }
    }
    for o in store.list(Kind::StorageClass, None) {
        if let Object::StorageClass(c) = o {
            view.classes.push(c);
        }
    }
    if view
        .claims
        .iter()
        .any(|c| c.spec.access_modes.iter().any(|m| m == "ReadWriteOncePod"))
    {
        for o in store.list(Kind::Pod, None) {
            if let Object::Pod(p) = o {
                if p.spec.node_name.is_empty()
                    || p.status.phase == "Succeeded"
                    || p.status.phase == "Failed"
                {
                    continue;
                }
                for c in volumes::pod_claims(p) {
                    view.in_use
                        .push((&p.metadata.namespace, c, &p.metadata.name));
                }
            }
        }
    }
    view
}

/// Clusters up to this many nodes get full decision records on every pod.
pub const RECORD_DECISIONS_UP_TO_NODES: usize = 100;

/// kube-scheduler places one pod at a time; the simulation places at most this many pods per
/// scheduling cycle and runs the next cycle `CYCLE_MS` later (a throughput of 1,000 pods a
/// second), so a burst of thousands of pods is spread over simulated time as in a real cluster.
pub const PODS_PER_CYCLE: usize = 20;
pub const CYCLE_MS: i64 = 20;

/// What an attempt decided, applied to the store after the cycle.
enum Outcome {
    Bind(String),
    Unschedulable(String),
    /// The FitError message, the node the pod is nominated to, and the pods to evict there.
    Preempt(String, String, Vec<Key>),
}

#[derive(Default)]
pub(crate) struct SchedulerState {
    pub(crate) scheduler: Scheduler,
    /// The KubeSchedulerConfiguration in force, as applied (None: the defaults).
    pub(crate) config: Option<serde_json::Value>,
    /// Each node's request sums as of the last cycle, with `Store::node_pods_changed` then: a
    /// node whose pods did not change keeps them, instead of every pod's requests being read
    /// again every 20 ms (a quarter of the time 10,000 pods took to start).
    node_sums: BTreeMap<String, (u64, NodeSums)>,
}

impl Cluster {
    /// Replaces the scheduler's configuration (the playground's stand-in for restarting
    /// kube-scheduler with `--config`). Refused configurations leave the old one in force.
    pub fn set_scheduler_config(&mut self, cfg: &serde_json::Value) -> Result<(), ApiError> {
        let s = Scheduler::from_config(cfg)
            .map_err(|e| ApiError::invalid("KubeSchedulerConfiguration", "", &[e.to_string()]))?;
        self.scheduler = SchedulerState {
            scheduler: s,
            config: Some(cfg.clone()),
            node_sums: Default::default(),
        };
        self.record(
            "kube-scheduler",
            "KubeSchedulerConfiguration".into(),
            format!(
                "restarted with profiles: {}",
                self.scheduler.scheduler.profile_names().join(", ")
            ),
        );
        self.schedule_in(crate::delays::SCHEDULER, crate::Task::Schedule);
        Ok(())
    }

    /// The configuration in force, if one was applied.
    pub fn scheduler_config(&self) -> Option<&serde_json::Value> {
        self.scheduler.config.as_ref()
    }

    /// The schedulerNames the scheduler serves now.
    pub fn scheduler_profiles(&self) -> Vec<String> {
        self.scheduler.scheduler.profile_names()
    }

    pub(crate) fn schedule_pending(&mut self) {
        // Unbound pods are indexed under the empty node name.
        // Only references are collected and ordered: the cycle takes `PODS_PER_CYCLE` of what may
        // be thousands of pending pods, and only those are copied.
        let mut waiting: Vec<&Pod> = self
            .store
            .pods_on_node("")
            .filter_map(|o| match o {
                Object::Pod(p)
                    if !p.is_terminating()
                        && self.scheduler.scheduler.serves(&p.spec.scheduler_name) =>
                {
                    Some(p)
                }
                _ => None,
            })
            .collect();
        if waiting.is_empty() {
            return;
        }
        // PrioritySort (queue_less): higher priority first, then older; the name makes it total,
        // so taking the first `PODS_PER_CYCLE` before sorting them picks the same pods in the
        // same order as sorting all.
        let queue_less = |a: &&Pod, b: &&Pod| {
            b.spec
                .priority
                .unwrap_or(0)
                .cmp(&a.spec.priority.unwrap_or(0))
                .then(
                    a.metadata
                        .creation_timestamp
                        .cmp(&b.metadata.creation_timestamp),
                )
                .then(a.metadata.namespace.cmp(&b.metadata.namespace))
                .then(a.metadata.name.cmp(&b.metadata.name))
        };
        let more = waiting.len() > PODS_PER_CYCLE;
        if more {
            waiting.select_nth_unstable_by(PODS_PER_CYCLE, queue_less);
            waiting.truncate(PODS_PER_CYCLE);
        }
        waiting.sort_by(queue_less);
        let pending: Vec<Pod> = waiting.into_iter().cloned().collect();
        if more {
            self.schedule_in(CYCLE_MS, crate::Task::Schedule);
        }
        // The snapshot borrows the store (no copies: a cycle runs every 20 ms while pods wait);
        // the store is written only after the attempts, from `outcomes`.
        let store = &self.store;
        let nodes: Vec<&Node> = store
            .list(Kind::Node, None)
            .filter_map(|o| match o {
                Object::Node(n) => Some(n),
                _ => None,
            })
            .collect();
        // Services select by labels within their namespace; a ReplicaSet's selector counts only
        // for the pods it controls (helper.DefaultSelector).
        let mut owner_selectors: Vec<OwnerSelector> = Vec::new();
        for o in store.list(Kind::Service, None) {
            if let Object::Service(s) = o {
                if !s.spec.selector.is_empty() {
                    let selector = LabelSelector {
                        match_labels: s.spec.selector.clone(),
                        match_expressions: vec![],
                    };
                    owner_selectors.push(OwnerSelector::service(&s.metadata.namespace, selector));
                }
            }
        }
        for o in store.list(Kind::ReplicaSet, None) {
            if let Object::ReplicaSet(rs) = o {
                owner_selectors.push(OwnerSelector::controller(
                    &rs.metadata.namespace,
                    &rs.metadata.uid,
                    rs.spec.selector.clone(),
                ));
            }
        }
        let snapshot = Snapshot {
            nodes: nodes
                .iter()
                .map(|n| NodeInfo {
                    node: n,
                    pods: store
                        .pods_on_node(&n.metadata.name)
                        .filter_map(|o| match o {
                            Object::Pod(p)
                                if p.status.phase != "Succeeded" && p.status.phase != "Failed" =>
                            {
                                Some(p)
                            }
                            _ => None,
                        })
                        .collect(),
                })
                .collect(),
            owner_selectors,
            namespace_labels: store
                .list(Kind::Namespace, None)
                .map(|o| (o.name().to_string(), o.meta().labels.clone()))
                .collect(),
            storage: storage_view(store),
        };
        // The sums of nodes gone since the last cycle are dropped with `kept`.
        let mut kept = std::mem::take(&mut self.scheduler.node_sums);
        let sums: Vec<Option<NodeSums>> = snapshot
            .nodes
            .iter()
            .map(|info| {
                let name = &info.node.metadata.name;
                let changed = store.node_pods_changed(name);
                let sums = match kept.remove(name) {
                    Some((c, sums)) if c == changed => sums,
                    _ => NodeSums::of(info.pods.iter().copied()),
                };
                self.scheduler
                    .node_sums
                    .insert(name.clone(), (changed, sums.clone()));
                Some(sums)
            })
            .collect();
        // Full decision records cost a JSON map of every node per pod: past this many nodes only
        // the chosen node is recorded (documented in docs/ENGINE.md), which keeps a 1,000-node
        // cluster fast; the board's inspector serves the sizes people look at.
        let scheduler = &mut self.scheduler.scheduler;
        scheduler.set_decision_records(nodes.len() <= RECORD_DECISIONS_UP_TO_NODES);
        let mut prepared = PreparedSnapshot::with_sums(&snapshot, &sums);
        // PodDisruptionBudgets, for preemption's choice of victims.
        let budgets: Vec<kubeplay_scheduler::Budget> = store
            .list(Kind::PodDisruptionBudget, None)
            .filter_map(|o| match o {
                Object::PodDisruptionBudget(b) => Some(kubeplay_scheduler::Budget {
                    namespace: b.metadata.namespace.clone(),
                    selector: b.spec.selector.clone()?,
                    disruptions_allowed: b.status.disruptions_allowed,
                }),
                _ => None,
            })
            .collect();
        let mut outcomes: Vec<(usize, Outcome, BTreeMap<String, String>)> = Vec::new();
        // Pods bound in this cycle are added to the prepared snapshot ("assumed", as upstream's
        // cache does) so that the next attempt sees the resources they take.
        let rng = &mut self.rng;
        for (i, pod) in pending.iter().enumerate() {
            let mut pick = |n: u32| if n <= 1 { 0 } else { rng.next_u32() % n };
            let attempt = scheduler.schedule_prepared(pod, &prepared, &mut pick);
            let annotations = attempt.record.annotations();
            match attempt.result {
                Ok(node) => {
                    if let Some(idx) = prepared.node_index(&node) {
                        prepared.add_pod(idx, pod);
                    }
                    outcomes.push((i, Outcome::Bind(node), annotations));
                }
                Err(mut fit) => {
                    // DefaultPreemption, for a pod that lower-priority pods keep out.
                    let chosen = (fit.unresolvable.is_none()
                        && Scheduler::may_preempt(pod, &snapshot))
                    .then(|| scheduler.preempt(pod, &snapshot, &mut prepared, &budgets))
                    .flatten();
                    match chosen {
                        Some(p) => {
                            // A successful PostFilter adds nothing to the FitError.
                            fit.post_filter = None;
                            let victims = p
                                .victims
                                .iter()
                                .map(|v| {
                                    Key::new(Kind::Pod, &v.metadata.namespace, &v.metadata.name)
                                })
                                .collect();
                            outcomes.push((
                                i,
                                Outcome::Preempt(fit.to_string(), p.node, victims),
                                annotations,
                            ));
                        }
                        None => {
                            outcomes.push((i, Outcome::Unschedulable(fit.to_string()), annotations))
                        }
                    }
                }
            }
        }
        drop(prepared);
        for (i, result, annotations) in outcomes {
            let key = Key::new(
                Kind::Pod,
                &pending[i].metadata.namespace,
                &pending[i].metadata.name,
            );
            match result {
                Outcome::Bind(node) => self.bind(&key, &node, annotations),
                Outcome::Unschedulable(msg) => self.mark_unschedulable(&key, msg, annotations),
                Outcome::Preempt(msg, node, victims) => {
                    self.mark_unschedulable(&key, msg, annotations);
                    self.evict_for(&key, &node, &victims);
                }
            }
        }
    }

    /// Preemption's effects: the victims get the DisruptionTarget condition, a `Preempted`
    /// event and a graceful deletion; the preemptor is nominated to the node.
    fn evict_for(&mut self, preemptor: &Key, node: &str, victims: &[Key]) {
        let now = self.now;
        let Some(Object::Pod(mut pod)) = self.store.get(preemptor).cloned() else {
            return;
        };
        let component = if pod.spec.scheduler_name.is_empty() {
            "default-scheduler".to_string()
        } else {
            pod.spec.scheduler_name.clone()
        };
        let uid = pod.metadata.uid.clone();
        for key in victims {
            let Some(Object::Pod(mut v)) = self.store.get(key).cloned() else {
                continue;
            };
            v.status
                .conditions
                .retain(|c| c.type_ != "DisruptionTarget");
            v.status.conditions.push(Condition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                reason: "PreemptionByScheduler".into(),
                message: format!("{component}: preempting to accommodate a higher priority pod"),
                last_transition_time: Some(now),
                ..Default::default()
            });
            let v = Object::Pod(v);
            self.event(
                &v,
                "Normal",
                "Preempted",
                format!("Preempted by pod {uid} on node {node}"),
                &component,
                "",
            );
            self.record(
                &component,
                format!("Pod {}/{}", key.namespace, key.name),
                format!(
                    "preempted for {}/{} on {node}",
                    preemptor.namespace, preemptor.name
                ),
            );
            self.store.put(v, now);
            self.delete_pod_gracefully(key, None);
        }
        pod.status.nominated_node_name = node.to_string();
        self.store.put(Object::Pod(pod), now);
    }

    fn bind(&mut self, key: &Key, node: &str, annotations: BTreeMap<String, String>) {
        let Some(Object::Pod(mut pod)) = self.store.get(key).cloned() else {
            return;
        };
        let now = self.now;
        self.select_node_for_claims(&pod, node);
        pod.spec.node_name = node.to_string();
        pod.metadata.annotations.extend(annotations);
        pod.status.conditions.retain(|c| c.type_ != "PodScheduled");
        pod.status.conditions.push(Condition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_transition_time: Some(now),
            ..Default::default()
        });
        let msg = format!(
            "Successfully assigned {}/{} to {node}",
            key.namespace, key.name
        );
        let component = if pod.spec.scheduler_name.is_empty() {
            "default-scheduler".to_string()
        } else {
            pod.spec.scheduler_name.clone()
        };
        let pod = Object::Pod(pod);
        self.event(&pod, "Normal", "Scheduled", msg, &component, "");
        self.record(
            &component,
            format!("Pod {}/{}", key.namespace, key.name),
            format!("bound to {node}"),
        );
        self.store.put(pod, now);
    }

    /// VolumeBinding's PreBind for WaitForFirstConsumer claims: the chosen node is written on
    /// each unbound one (`volume.kubernetes.io/selected-node`), and the PersistentVolume
    /// controller binds or provisions a volume there. (Upstream waits in PreBind until they are
    /// bound; here the kubelet waits to mount them instead, which looks the same from outside
    /// but for the pod showing its node a moment earlier.)
    fn select_node_for_claims(&mut self, pod: &Pod, node: &str) {
        let classes: Vec<&StorageClass> = self
            .store
            .list(Kind::StorageClass, None)
            .filter_map(|o| match o {
                Object::StorageClass(c) => Some(c),
                _ => None,
            })
            .collect();
        let mut selected: Vec<PersistentVolumeClaim> = Vec::new();
        for name in volumes::pod_claims(pod) {
            let key = Key::new(Kind::PersistentVolumeClaim, &pod.metadata.namespace, name);
            if let Some(Object::PersistentVolumeClaim(c)) = self.store.get(&key) {
                if c.status.phase != "Bound"
                    && volumes::delays_binding(c, &classes)
                    && c.metadata.annotation(SELECTED_NODE_ANNOTATION) != Some(node)
                {
                    let mut c = c.clone();
                    c.metadata
                        .annotations
                        .insert(SELECTED_NODE_ANNOTATION.into(), node.into());
                    selected.push(c);
                }
            }
        }
        for c in selected {
            self.store.put(Object::PersistentVolumeClaim(c), self.now);
        }
    }

    fn mark_unschedulable(
        &mut self,
        key: &Key,
        message: String,
        annotations: BTreeMap<String, String>,
    ) {
        let Some(Object::Pod(mut pod)) = self.store.get(key).cloned() else {
            return;
        };
        let now = self.now;
        let component = if pod.spec.scheduler_name.is_empty() {
            "default-scheduler".to_string()
        } else {
            pod.spec.scheduler_name.clone()
        };
        self.event(
            &Object::Pod(pod.clone()),
            "Warning",
            "FailedScheduling",
            message.clone(),
            &component,
            "",
        );
        let unchanged = pod
            .condition("PodScheduled")
            .is_some_and(|c| c.status == "False" && c.message == message)
            && annotations
                .iter()
                .all(|(k, v)| pod.metadata.annotations.get(k) == Some(v));
        if unchanged {
            return;
        }
        pod.metadata.annotations.extend(annotations);
        pod.status.conditions.retain(|c| c.type_ != "PodScheduled");
        pod.status.conditions.push(Condition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: "Unschedulable".into(),
            message: message.clone(),
            last_transition_time: Some(now),
            ..Default::default()
        });
        self.record(
            &component,
            format!("Pod {}/{}", key.namespace, key.name),
            format!("unschedulable: {message}"),
        );
        self.store.put(Object::Pod(pod), now);
    }
}
