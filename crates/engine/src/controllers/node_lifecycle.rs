//! The node lifecycle controller and taint-based eviction: a node whose kubelet stops posting
//! status turns NotReady (Unknown) after the grace period and is tainted
//! `node.kubernetes.io/unreachable`; its pods are evicted once their toleration runs out
//! (§2.2); cordoned nodes carry the `unschedulable` taint.

use kubeplay_api::core::Taint;
use kubeplay_api::{Kind, Object, Time};

use crate::store::Key;
use crate::{delays, Cluster, Task};

pub(crate) const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub(crate) const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub(crate) const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
/// The pod garbage collector's `quarantineTime`: how long a node must be gone before its pods
/// are deleted.
const POD_GC_QUARANTINE: i64 = 40_000;

impl Cluster {
    /// When a failed machine's kubelet posted its last status (`node fail`); `None` while it
    /// runs. The board shows a failure at once; this controller finds out when the grace
    /// period has passed since.
    pub fn kubelet_stopped_since(&self, node: &str) -> Option<Time> {
        self.kubelet
            .is_failed(node)
            .then(|| self.kubelet.last_heartbeat(node))
            .flatten()
    }

    pub(crate) fn monitor_nodes(&mut self) {
        let now = self.now;
        // Only nodes with something to do are copied: most of the time, none.
        let nodes: Vec<kubeplay_api::Node> = self
            .store
            .list(Kind::Node, None)
            .filter_map(|o| match o {
                Object::Node(n) if self.node_needs_attention(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let mut next_eviction: Option<Time> = None;
        for mut node in nodes {
            let name = node.metadata.name.clone();
            let before = node.clone();
            let heartbeat = self.kubelet.last_heartbeat(&name);
            let alive = !self.kubelet.is_failed(&name);
            let ready_now = node.is_ready();
            if !alive
                && ready_now
                && heartbeat.is_some_and(|t| t.plus_millis(delays::NODE_MONITOR_GRACE) <= now)
            {
                for c in node.status.conditions.iter_mut() {
                    if matches!(
                        c.type_.as_str(),
                        "Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure"
                    ) {
                        c.status = "Unknown".into();
                        c.reason = "NodeStatusUnknown".into();
                        c.message = "Kubelet stopped posting node status.".into();
                        c.last_transition_time = Some(now);
                    }
                }
                add_taint(&mut node, UNREACHABLE, "NoSchedule", now);
                add_taint(&mut node, UNREACHABLE, "NoExecute", now);
                self.record(
                    "node-lifecycle-controller",
                    format!("Node {name}"),
                    format!(
                        "no status from the kubelet for {}s: NotReady, tainted {UNREACHABLE}",
                        delays::NODE_MONITOR_GRACE / 1000
                    ),
                );
                self.event(
                    &Object::Node(node.clone()),
                    "Normal",
                    "NodeNotReady",
                    format!("Node {name} status is now: NodeNotReady"),
                    "node-controller",
                    "",
                );
                self.mark_pods_not_ready(&name);
            } else if alive && node.is_ready() {
                node.spec
                    .taints
                    .retain(|t| t.key != UNREACHABLE && t.key != NOT_READY);
            }
            if node.spec.unschedulable {
                add_taint(&mut node, UNSCHEDULABLE, "NoSchedule", now);
            } else {
                node.spec.taints.retain(|t| t.key != UNSCHEDULABLE);
            }
            if node != before {
                self.store.put(Object::Node(node.clone()), now);
            }
            if let Some(t) = self.evict_untolerated(&node) {
                next_eviction = Some(next_eviction.map_or(t, |n: Time| n.min(t)));
            }
        }
        self.collect_orphaned_pods();
        let period = now.plus_millis(delays::NODE_MONITOR_PERIOD);
        self.schedule_at(
            next_eviction.map_or(period, |t| t.min(period)),
            Task::NodeMonitor,
        );
    }

    /// The pod garbage collector's `gcOrphaned`: pods bound to a node that no longer exists are
    /// deleted at once (grace period 0) once the node has been missing for the quarantine time.
    fn collect_orphaned_pods(&mut self) {
        let now = self.now;
        let missing: Vec<String> = self
            .store
            .nodes_with_pods()
            .filter(|n| !n.is_empty() && !self.store.contains(&Key::new(Kind::Node, "", n)))
            .map(str::to_string)
            .collect();
        self.kubelet
            .missing_nodes
            .retain(|n, _| missing.contains(n));
        for node in missing {
            let since = *self
                .kubelet
                .missing_nodes
                .entry(node.clone())
                .or_insert(now);
            if since.plus_millis(POD_GC_QUARANTINE) > now {
                continue;
            }
            let pods: Vec<Key> = self.store.pods_on_node(&node).map(Key::of).collect();
            for key in pods {
                self.record(
                    "pod-garbage-collector",
                    format!("Pod {}/{}", key.namespace, key.name),
                    format!("node {node} no longer exists: deleting the pod"),
                );
                self.delete_pod_gracefully(&key, Some(0));
            }
        }
    }

    /// Whether `monitor_nodes` has anything to change or evict on this node.
    fn node_needs_attention(&self, node: &kubeplay_api::Node) -> bool {
        let name = &node.metadata.name;
        let alive = !self.kubelet.is_failed(name);
        let lost = !alive
            && node.is_ready()
            && self
                .kubelet
                .last_heartbeat(name)
                .is_some_and(|t| t.plus_millis(delays::NODE_MONITOR_GRACE) <= self.now);
        let stale_taint = alive
            && node.is_ready()
            && node
                .spec
                .taints
                .iter()
                .any(|t| t.key == UNREACHABLE || t.key == NOT_READY);
        let has_unschedulable = node.spec.taints.iter().any(|t| t.key == UNSCHEDULABLE);
        // A NoExecute taint matters only while pods are on the node: a failed node left alone
        // for days is not copied every monitor period.
        let evicts = node.spec.taints.iter().any(|t| t.effect == "NoExecute")
            && self.store.pods_on_node(name).next().is_some();
        lost || stale_taint || has_unschedulable != node.spec.unschedulable || evicts
    }

    /// Taint-based eviction: deletes pods on `node` that do not tolerate its NoExecute taints, at
    /// the time their shortest `tolerationSeconds` allows. Returns the next eviction time.
    fn evict_untolerated(&mut self, node: &kubeplay_api::Node) -> Option<Time> {
        let no_execute: Vec<&Taint> = node
            .spec
            .taints
            .iter()
            .filter(|t| t.effect == "NoExecute")
            .collect();
        if no_execute.is_empty() {
            return None;
        }
        let now = self.now;
        let mut next = None;
        let pods: Vec<kubeplay_api::Pod> = self
            .store
            .pods_on_node(&node.metadata.name)
            .filter_map(|o| match o {
                Object::Pod(p) if p.spec.node_name == node.metadata.name && !p.is_terminating() => {
                    Some(p.clone())
                }
                _ => None,
            })
            .collect();
        for pod in pods {
            let Some(at) = eviction_time(&pod, &no_execute, now) else {
                continue;
            };
            if at <= now {
                let key = Key::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name);
                self.event(
                    &Object::Pod(pod.clone()),
                    "Normal",
                    "TaintManagerEviction",
                    format!(
                        "Marking for deletion Pod {}/{}",
                        pod.metadata.namespace, pod.metadata.name
                    ),
                    "taint-eviction-controller",
                    "",
                );
                self.record(
                    "taint-eviction-controller",
                    format!("Pod {}/{}", pod.metadata.namespace, pod.metadata.name),
                    format!(
                        "evicted: node {} is tainted and the pod's toleration expired",
                        node.metadata.name
                    ),
                );
                self.delete_pod_gracefully(&key, None);
            } else {
                next = Some(next.map_or(at, |n: Time| n.min(at)));
            }
        }
        next
    }

    /// `MarkPodsNotReady`: pods on an unreachable node lose their Ready condition.
    fn mark_pods_not_ready(&mut self, node: &str) {
        let now = self.now;
        let pods: Vec<kubeplay_api::Pod> = self
            .store
            .pods_on_node(node)
            .filter_map(|o| match o {
                Object::Pod(p) if p.spec.node_name == node => Some(p.clone()),
                _ => None,
            })
            .collect();
        for mut p in pods {
            let mut changed = false;
            for c in p
                .status
                .conditions
                .iter_mut()
                .filter(|c| c.type_ == "Ready" || c.type_ == "ContainersReady")
            {
                if c.status != "False" {
                    c.status = "False".into();
                    c.last_transition_time = Some(now);
                    changed = true;
                }
            }
            for cs in p.status.container_statuses.iter_mut() {
                cs.ready = false;
            }
            if changed {
                self.store.put(Object::Pod(p), now);
            }
        }
    }
}

fn add_taint(node: &mut kubeplay_api::Node, key: &str, effect: &str, now: Time) {
    if !node
        .spec
        .taints
        .iter()
        .any(|t| t.key == key && t.effect == effect)
    {
        node.spec.taints.push(Taint {
            key: key.into(),
            value: String::new(),
            effect: effect.into(),
            time_added: (effect == "NoExecute").then_some(now),
        });
    }
}

/// When taint-based eviction deletes `pod` from a node with these NoExecute taints
/// (`getMinTolerationTime`): at once for a taint it does not tolerate or tolerates for a
/// non-positive time, else when its shortest `tolerationSeconds` runs out after the taint was
/// added; `None` when it tolerates every taint forever. Shared with the board's countdown.
pub fn eviction_time(pod: &kubeplay_api::Pod, no_execute: &[&Taint], now: Time) -> Option<Time> {
    let mut evict_at: Option<Time> = None;
    for taint in no_execute {
        let used: Vec<_> = pod
            .spec
            .tolerations
            .iter()
            .filter(|t| t.tolerates(taint))
            .collect();
        let added = taint.time_added.unwrap_or(now);
        let delay = if used.is_empty()
            || used
                .iter()
                .any(|t| t.toleration_seconds.is_some_and(|s| s <= 0))
        {
            Some(0)
        } else {
            used.iter().filter_map(|t| t.toleration_seconds).min()
        };
        if let Some(d) = delay {
            let t = added.plus_millis(d * 1000);
            evict_at = Some(evict_at.map_or(t, |e: Time| e.min(t)));
        }
    }
    evict_at
}
