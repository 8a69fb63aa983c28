//! kube-scheduler, simulated: the scheduling framework and its in-tree plugins with upstream's
//! formulas, KubeSchedulerConfiguration profiles, explained decisions, and schedulers of your own
//! written in CEL.
//!
//! # Design
//!
//! A pure library: no IO, no clock, no randomness of its own. The engine hands it a [`Snapshot`]
//! of the cluster (nodes and the pods bound to them) and a pod, and gets back an [`Attempt`]:
//! the chosen node or upstream's [`FitError`], and a [`DecisionRecord`] of every plugin's verdict
//! (written on the pod as kube-scheduler-simulator's annotations). Ties between equally scored
//! nodes are broken by a `pick(n)` callback drawing from the engine's seeded RNG, so a run is
//! reproducible from its seed, natively and in wasm.
//!
//! One attempt ([`Scheduler::schedule`]) runs kube-scheduler's `schedulePod`:
//! 1. **PreFilter** per plugin (computing per-pod state once, or Skip);
//! 2. **Filter** over the nodes starting at a rotating index (`nextStartNodeIndex`), stopping
//!    once `numFeasibleNodesToFind` nodes pass (percentageOfNodesToScore, adaptive by default:
//!    `max(5, 50 − nodes/125)` % of the nodes, at least 100). Each node stops at its first
//!    failing filter (NodeAffinity's PreFilter result, `matchFields` on `metadata.name`, leaves
//!    the other nodes out). No feasible node: a FitError, ending with the PostFilter text
//!    (DynamicResources, then DefaultPreemption's verdict per node; nothing is evicted).
//!    Exactly one: chosen without scoring;
//! 3. **PreScore** (Skip drops the plugin), **Score**, **NormalizeScore**, then `Σ score × weight`;
//! 4. **selectHost**: the highest total, ties by reservoir sampling (the k-th tie replaces the
//!    pick when `pick(k) == 0`).
//!
//! The scheduler keeps one piece of state, `nextStartNodeIndex`, as upstream does: that is why
//! `schedule` takes `&mut self`.
//!
//! Plugins are an enum, not trait objects: each is a set of plain functions over a
//! [`PreparedSnapshot`], testable against the upstream tables of KUBERNETES-SEMANTICS.md one by
//! one (module `plugins`). Plugin names, default weights, arguments and failure reasons are
//! upstream's. Where upstream was not researched (InterPodAffinity, ImageLocality), the module
//! says what is assumed. NodeResourcesBalancedAllocation follows the pre-1.36 formula.
//!
//! # Performance
//!
//! A [`PreparedSnapshot`] holds what upstream's scheduler cache holds: per-node sums of requests
//! (actual and non-zero), allocatable parsed once, image summaries, the pods with affinity terms,
//! and memoised per-node counts of pods matching a selector (PodTopologySpread's system-default
//! spreading needs them for every pod of a Deployment). Build it once and
//! [`PreparedSnapshot::add_pod`] each binding ([`Scheduler::schedule_prepared`]); then an attempt
//! touches each examined node a few times with integer arithmetic, and no JSON. The simple
//! [`Scheduler::schedule`] prepares a snapshot per call, which suits small clusters.
//! Decision records allocate a string per node and plugin; [`Scheduler::set_decision_records`]
//! turns them off for bulk runs. See `benches/schedule.rs` and docs/BENCHMARKS.md.
//!
//! # Your own scheduler
//!
//! The `CELScheduler` plugin takes `filter` and `score` CEL expressions over `pod`, `node`,
//! `nodeInfo` and `podRequests` in its pluginConfig args (the module `plugins::celsched` documents them; [`CEL_SCHEDULER`] is the name). The example
//! `examples/hightower.yaml` rebuilds Kelsey Hightower's 2016 demo scheduler with it.
//!
//! ```
//! use kubeplay_scheduler::{Scheduler, Snapshot, NodeInfo};
//! let node: kubeplay_api::Node = serde_json::from_value(serde_json::json!({
//!     "metadata": {"name": "node-1"},
//!     "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}}
//! })).unwrap();
//! let pod = kubeplay_api::Pod::default();
//! let snapshot = Snapshot { nodes: vec![NodeInfo { node: &node, pods: vec![] }], owner_selectors: vec![], namespace_labels: Default::default(), storage: Default::default() };
//! let mut scheduler = Scheduler::default();
//! let attempt = scheduler.schedule(&pod, &snapshot, &mut |n| n - 1);
//! assert_eq!(attempt.result, Ok("node-1".to_string()));
//! ```

mod config;
mod framework;
mod plugins;
mod preemption;
mod record;
pub mod resources;
mod snapshot;
pub mod workload;

#[cfg(test)]
mod tests;

use kubeplay_api::Pod;

pub use config::{
    builtin_profiles, ConfigError, API_VERSION, DEFAULT_SCHEDULER_NAME, HIGHTOWER_YAML, KIND,
};
pub use framework::num_feasible_nodes_to_find;
/// The name of the plugin that runs CEL expressions as filter and score: `CELScheduler`.
pub const CEL_SCHEDULER: &str = plugins::celsched::NAME;
pub use preemption::{Budget, Preemption};
pub use record::{
    Attempt, DecisionRecord, FitError, FILTER_RESULT_ANNOTATION, FINAL_SCORE_RESULT_ANNOTATION,
    PASSED, POST_FILTER_RESULT_ANNOTATION, SCORE_RESULT_ANNOTATION, SELECTED_NODE_ANNOTATION,
};
pub use snapshot::{NodeInfo, NodeSums, OwnerSelector, PreparedSnapshot, Snapshot, Storage};

/// The volume matching VolumeBinding uses, shared with the engine's PersistentVolume controller
/// so that both pick the same volume for a claim.
pub mod volumes {
    pub use crate::plugins::volumes::{
        claim_class, delays_binding, find_matching_volume, pod_claims, volume_reaches,
    };
}

/// Whether a pod may run on a node as far as NodeAffinity (nodeSelector and required affinity)
/// and TaintToleration (NoSchedule and NoExecute taints) say: the DaemonSet controller's
/// `NodeShouldRunDaemonPod`, which uses these two plugins' filters.
pub fn node_admits(pod: &Pod, node: &kubeplay_api::Node) -> bool {
    plugins::basic::matches_required_node_affinity(pod, node)
        && plugins::basic::untolerated_taint(&node.spec.taints, &pod.spec.tolerations).is_none()
}

/// The scheduler: one profile per schedulerName it serves.
pub struct Scheduler {
    profiles: Vec<framework::Profile>,
    next_start_node_index: usize,
    record: bool,
    buffers: framework::Buffers,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("profiles", &self.profile_names())
            .field("next_start_node_index", &self.next_start_node_index)
            .finish()
    }
}

impl Default for Scheduler {
    /// The default profile, "default-scheduler", with every in-tree plugin at its default weight.
    fn default() -> Scheduler {
        // The empty configuration always parses; the fallback keeps this path free of panics.
        Scheduler::from_config(&serde_json::json!({})).unwrap_or(Scheduler {
            profiles: Vec::new(),
            next_start_node_index: 0,
            record: true,
            buffers: Default::default(),
        })
    }
}

impl Scheduler {
    /// A scheduler from a KubeSchedulerConfiguration (`kubescheduler.config.k8s.io/v1`) given as a
    /// JSON value (parse YAML with `kubeplay_api::parse_documents`). Refused configurations say
    /// why with the API machinery's field-error messages.
    pub fn from_config(cfg: &serde_json::Value) -> Result<Scheduler, ConfigError> {
        Ok(Scheduler {
            profiles: config::parse(cfg)?,
            next_start_node_index: 0,
            record: true,
            buffers: Default::default(),
        })
    }

    /// The schedulerNames this scheduler serves, in configuration order.
    pub fn profile_names(&self) -> Vec<String> {
        self.profiles.iter().map(|p| p.name.clone()).collect()
    }

    /// Whether a pod with this `spec.schedulerName` is ours (empty means "default-scheduler").
    pub fn serves(&self, scheduler_name: &str) -> bool {
        let name = if scheduler_name.is_empty() {
            DEFAULT_SCHEDULER_NAME
        } else {
            scheduler_name
        };
        self.profiles.iter().any(|p| p.name == name)
    }

    /// Whether attempts fill in the filter and score maps of their [`DecisionRecord`] (on by
    /// default). Off, only `selected` is set: for bulk runs and benchmarks.
    pub fn set_decision_records(&mut self, on: bool) {
        self.record = on;
    }

    /// upstream's `nextStartNodeIndex`: where the next attempt starts examining nodes.
    pub fn next_start_node_index(&self) -> usize {
        self.next_start_node_index
    }

    /// One scheduling attempt of `pod` against `snapshot`. `pick(n)` must return a uniform index in
    /// `0..n` from the engine's seeded RNG; it is called only to break ties between nodes with
    /// the same top score. Takes `&mut self` to advance `nextStartNodeIndex`.
    pub fn schedule(
        &mut self,
        pod: &Pod,
        snapshot: &Snapshot,
        pick: &mut dyn FnMut(u32) -> u32,
    ) -> Attempt {
        let prepared = snapshot.prepare();
        self.schedule_prepared(pod, &prepared, pick)
    }

    /// [`schedule`](Self::schedule) against a prepared snapshot, for many attempts in a row.
    pub fn schedule_prepared(
        &mut self,
        pod: &Pod,
        snapshot: &PreparedSnapshot,
        pick: &mut dyn FnMut(u32) -> u32,
    ) -> Attempt {
        let name = if pod.spec.scheduler_name.is_empty() {
            DEFAULT_SCHEDULER_NAME
        } else {
            pod.spec.scheduler_name.as_str()
        };
        let Some(profile) = self.profiles.iter().find(|p| p.name == name) else {
            return Attempt {
                result: Err(FitError {
                    num_nodes: snapshot.len(),
                    reasons: Default::default(),
                    unresolvable: Some(format!(
                        "no scheduler profile serves schedulerName {name:?}"
                    )),
                    post_filter: None,
                }),
                record: DecisionRecord::default(),
            };
        };
        framework::schedule_one(
            profile,
            &mut self.next_start_node_index,
            self.record,
            &mut self.buffers,
            pod,
            snapshot,
            pick,
        )
    }
}

/// PrioritySort's order for the scheduling queue: higher `spec.priority` first (absent = 0), then
/// the older `creationTimestamp` (absent counts as oldest).
pub fn queue_less(a: &Pod, b: &Pod) -> bool {
    let (pa, pb) = (a.spec.priority.unwrap_or(0), b.spec.priority.unwrap_or(0));
    if pa != pb {
        return pa > pb;
    }
    a.metadata.creation_timestamp < b.metadata.creation_timestamp
}
