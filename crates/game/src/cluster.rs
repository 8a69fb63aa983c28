//! The game's cluster: six nodes of mixed sizes in three zones, the pods bound to them, node
//! events, and one scheduling attempt of the real kube-scheduler plugins per arrival.

use kubeplay_api::{Node, Pod};
use kubeplay_scheduler::resources::{node_allocatable, pod_requests};
use kubeplay_scheduler::{NodeInfo, Scheduler, Snapshot};
use serde_json::json;

use crate::sequence::{NodeEvent, SplitMix64, DB_TAINT, MAINTENANCE_TAINT};

/// One node of the game's cluster as it starts.
#[derive(Clone, Copy, Debug)]
pub struct NodeSpec {
    pub name: &'static str,
    pub cpu: &'static str,
    pub memory: &'static str,
    pub zone: &'static str,
    /// `disktype=ssd`: what the `search` pods' nodeSelector asks for.
    pub ssd: bool,
    /// The database node's taint (`dedicated=db:NoSchedule`).
    pub taint: Option<(&'static str, &'static str, &'static str)>,
}

/// The cluster: wells of 8 to 16 rows (CPU) by 8 to 16 columns (memory): a small node, a
/// memory-optimised one, a compute one, a large one, the database node and a medium one.
pub const NODES: [NodeSpec; 6] = [
    NodeSpec {
        name: "node-1",
        cpu: "4",
        memory: "8Gi",
        zone: "zone-a",
        ssd: false,
        taint: None,
    },
    NodeSpec {
        name: "node-2",
        cpu: "4",
        memory: "16Gi",
        zone: "zone-b",
        ssd: false,
        taint: None,
    },
    NodeSpec {
        name: "node-3",
        cpu: "8",
        memory: "8Gi",
        zone: "zone-c",
        ssd: true,
        taint: None,
    },
    NodeSpec {
        name: "node-4",
        cpu: "8",
        memory: "16Gi",
        zone: "zone-a",
        ssd: true,
        taint: None,
    },
    NodeSpec {
        name: "node-5",
        cpu: "4",
        memory: "8Gi",
        zone: "zone-b",
        ssd: false,
        taint: Some(DB_TAINT),
    },
    NodeSpec {
        name: "node-6",
        cpu: "6",
        memory: "12Gi",
        zone: "zone-c",
        ssd: false,
        taint: None,
    },
];

fn node_object(spec: &NodeSpec) -> Node {
    let mut labels = json!({
        "kubernetes.io/hostname": spec.name,
        "kubernetes.io/os": "linux",
        "topology.kubernetes.io/zone": spec.zone,
    });
    if spec.ssd {
        labels["disktype"] = json!("ssd");
    }
    let taints: Vec<serde_json::Value> = spec
        .taint
        .iter()
        .map(|(key, value, effect)| json!({"key": key, "value": value, "effect": effect}))
        .collect();
    if let Some((key, value, _)) = spec.taint {
        labels[key] = json!(value);
    }
    let resources = json!({"cpu": spec.cpu, "memory": spec.memory, "pods": "110"});
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": spec.name, "labels": labels},
        "spec": {"taints": taints},
        "status": {"capacity": resources, "allocatable": resources,
                   "conditions": [{"type": "Ready", "status": "True"}]}
    }))
    .unwrap_or_default()
}

/// What the filters said of one node for the current pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Fits,
    /// The filter plugin that rejected the node and its reason, as kube-scheduler words them.
    Rejected {
        plugin: String,
        reason: String,
    },
}

impl Verdict {
    /// `NodeResourcesFit: Insufficient cpu`, or `fits`.
    pub fn text(&self) -> String {
        match self {
            Verdict::Fits => "fits".to_string(),
            Verdict::Rejected { plugin, reason } if plugin.is_empty() => reason.clone(),
            Verdict::Rejected { plugin, reason } => format!("{plugin}: {reason}"),
        }
    }
    pub fn fits(&self) -> bool {
        matches!(self, Verdict::Fits)
    }
}

/// One scheduling attempt's verdicts, node by node (the cluster's order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub verdicts: Vec<Verdict>,
    /// Final scores (Σ normalised score × weight) of the feasible nodes; None for the others,
    /// and for the only feasible node (upstream does not score one candidate).
    pub scores: Vec<Option<i64>>,
    /// The profile's choice; None when the pod fits nowhere.
    pub chosen: Option<usize>,
    /// When it fits nowhere: the FitError as the FailedScheduling event says it.
    pub fit_error: Option<String>,
}

impl Evaluation {
    /// The share of the chosen node's final score that `node` gets, in percent (100 for the
    /// choice itself and for nodes tied with it; 100 when nothing was scored, since then `node`
    /// is the only candidate). None when `node` is rejected.
    pub fn share_pct(&self, node: usize) -> Option<u32> {
        if !self.verdicts.get(node)?.fits() {
            return None;
        }
        let best = self
            .chosen
            .and_then(|c| self.scores.get(c).copied().flatten());
        let mine = self.scores.get(node).copied().flatten();
        Some(match (mine, best) {
            _ if Some(node) == self.chosen => 100,
            (Some(m), Some(b)) if b > 0 => ((m.max(0) * 100 + b / 2) / b).clamp(0, 100) as u32,
            _ => 100,
        })
    }
}

/// CPU and memory of one node: requested by its pods and allocatable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_requested_millis: i64,
    pub cpu_allocatable_millis: i64,
    pub memory_requested_bytes: i64,
    pub memory_allocatable_bytes: i64,
}

impl Usage {
    /// At least 90% of CPU or of memory requested: the well counts as filled.
    pub fn filled(&self) -> bool {
        (self.cpu_allocatable_millis > 0
            && self.cpu_requested_millis * 10 >= self.cpu_allocatable_millis * 9)
            || (self.memory_allocatable_bytes > 0
                && self.memory_requested_bytes * 10 >= self.memory_allocatable_bytes * 9)
    }
    pub fn free_cpu_millis(&self) -> i64 {
        (self.cpu_allocatable_millis - self.cpu_requested_millis).max(0)
    }
    pub fn free_memory_bytes(&self) -> i64 {
        (self.memory_allocatable_bytes - self.memory_requested_bytes).max(0)
    }
}

/// The cluster one run plays on (the player's, or a replay's).
#[derive(Clone, Debug)]
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub failed: Vec<bool>,
    /// The pods bound to each node, oldest first.
    pub pods: Vec<Vec<Pod>>,
    /// Pods that were on a node when it failed.
    pub lost: usize,
}

impl Default for Cluster {
    fn default() -> Cluster {
        Cluster {
            nodes: NODES.iter().map(node_object).collect(),
            failed: vec![false; NODES.len()],
            pods: vec![Vec::new(); NODES.len()],
            lost: 0,
        }
    }
}

impl Cluster {
    /// Applies a node event as the API server and the node lifecycle controller would.
    pub fn apply(&mut self, event: &NodeEvent) {
        let Some(node) = self.nodes.get_mut(event.node()) else {
            return;
        };
        match event {
            NodeEvent::Cordon { .. } => node.spec.unschedulable = true,
            NodeEvent::Taint { .. } => {
                let (key, value, effect) = MAINTENANCE_TAINT;
                node.spec.taints.push(taint(key, value, effect));
            }
            NodeEvent::Fail { node: i } => {
                // Models kubernetes/pkg/controller/nodelifecycle: an unreachable node gets the
                // NoSchedule taint (TaintNodesByCondition) and the NoExecute one that evicts.
                for effect in ["NoSchedule", "NoExecute"] {
                    node.spec
                        .taints
                        .push(taint("node.kubernetes.io/unreachable", "", effect));
                }
                for c in node
                    .status
                    .conditions
                    .iter_mut()
                    .filter(|c| c.type_ == "Ready")
                {
                    c.status = "Unknown".to_string();
                    c.reason = "NodeStatusUnknown".to_string();
                }
                if let (Some(f), Some(pods)) = (self.failed.get_mut(*i), self.pods.get_mut(*i)) {
                    *f = true;
                    self.lost += pods.len();
                    pods.clear();
                }
            }
        }
    }

    fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            nodes: self
                .nodes
                .iter()
                .zip(&self.pods)
                .map(|(node, pods)| NodeInfo {
                    node,
                    pods: pods.iter().collect(),
                })
                .collect(),
            owner_selectors: Vec::new(),
            namespace_labels: Default::default(),
            storage: Default::default(),
        }
    }

    /// One scheduling attempt of `pod` by `scheduler`, ties broken by `ties` as the engine
    /// breaks them with its seeded RNG.
    pub fn evaluate(
        &self,
        scheduler: &mut Scheduler,
        ties: &mut SplitMix64,
        pod: &Pod,
    ) -> Evaluation {
        let snapshot = self.snapshot();
        let attempt = scheduler.schedule(pod, &snapshot, &mut |n| ties.below(n as u64) as u32);
        let record = &attempt.record;
        let unexamined = match &attempt.result {
            Err(e) if e.unresolvable.is_some() => e.to_string(),
            _ => "node was not examined".to_string(),
        };
        let verdicts = self
            .nodes
            .iter()
            .map(|n| {
                let name = n.metadata.name.as_str();
                match (record.rejection(name), record.filter.contains_key(name)) {
                    (Some((plugin, reason)), _) => Verdict::Rejected {
                        plugin: plugin.to_string(),
                        reason: reason.to_string(),
                    },
                    (None, true) => Verdict::Fits,
                    (None, false) => Verdict::Rejected {
                        plugin: String::new(),
                        reason: unexamined.clone(),
                    },
                }
            })
            .collect();
        let scores = self
            .nodes
            .iter()
            .map(|n| record.total_score(&n.metadata.name))
            .collect();
        let (chosen, fit_error) = match &attempt.result {
            Ok(name) => (self.index(name), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Evaluation {
            verdicts,
            scores,
            chosen,
            fit_error,
        }
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.metadata.name == name)
    }

    /// Binds `pod` to the `node`-th node (as the scheduler's Bind sets `spec.nodeName`).
    pub fn bind(&mut self, node: usize, pod: &Pod) {
        let Some(name) = self.nodes.get(node).map(|n| n.metadata.name.clone()) else {
            return;
        };
        let mut pod = pod.clone();
        pod.spec.node_name = name;
        pod.status.phase = "Running".to_string();
        if let Some(list) = self.pods.get_mut(node) {
            list.push(pod);
        }
    }

    pub fn usage(&self, node: usize) -> Usage {
        let (Some(n), Some(pods)) = (self.nodes.get(node), self.pods.get(node)) else {
            return Usage::default();
        };
        let alloc = node_allocatable(n);
        let mut u = Usage {
            cpu_allocatable_millis: alloc.milli_cpu,
            memory_allocatable_bytes: alloc.memory,
            ..Usage::default()
        };
        for p in pods {
            let r = pod_requests(p, false);
            u.cpu_requested_millis += r.milli_cpu;
            u.memory_requested_bytes += r.memory;
        }
        u
    }

    /// Whether some pod of the game could still go on the node: it has not failed, is not
    /// cordoned, and has no taint but the database one (which `db` pods tolerate).
    pub fn takes_pods(&self, node: usize) -> bool {
        let (Some(n), Some(false)) = (self.nodes.get(node), self.failed.get(node).copied()) else {
            return false;
        };
        let (db_key, db_value, _) = DB_TAINT;
        !n.spec.unschedulable
            && n.spec
                .taints
                .iter()
                .all(|t| t.key == db_key && t.value == db_value)
    }
}

fn taint(key: &str, value: &str, effect: &str) -> kubeplay_api::core::Taint {
    kubeplay_api::core::Taint {
        key: key.to_string(),
        value: value.to_string(),
        effect: effect.to_string(),
        time_added: None,
    }
}
