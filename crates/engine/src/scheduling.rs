//! The scheduler's loop: picks pending pods in queue order, asks the scheduling framework for a
//! node, binds the pod or records `FailedScheduling`, and retries unschedulable pods when the
//! cluster changes.
//!
//! Until the `kubeplay-scheduler` crate is wired in, this module filters on readiness,
//! cordoning, NoSchedule/NoExecute taints, node selectors and resource fit, and scores by least
//! allocation and spreading of a workload's pods.

use std::collections::BTreeMap;

use kubeplay_api::core::Pod;
use kubeplay_api::meta::Condition;
use kubeplay_api::{Kind, Node, Object};
use rand::Rng;

use crate::store::Key;
use crate::Cluster;

#[derive(Default)]
pub(crate) struct SchedulerState {}

/// CPU millicores and memory bytes a pod requests (max of init containers vs the sum of
/// containers, plus overhead), as the scheduler counts it.
pub(crate) fn pod_requests(pod: &Pod) -> (i64, i64) {
    let sum = |res: &str, nonzero: i64| -> i64 {
        let get = |c: &kubeplay_api::core::Container| -> i64 {
            c.resources
                .requests
                .get(res)
                .map(|q| {
                    if res == "cpu" {
                        q.milli_value()
                    } else {
                        q.value()
                    }
                })
                .unwrap_or(nonzero)
        };
        let containers: i64 = pod.spec.containers.iter().map(get).sum();
        let init = pod.spec.init_containers.iter().map(get).max().unwrap_or(0);
        let overhead = pod
            .spec
            .overhead
            .get(res)
            .map(|q| {
                if res == "cpu" {
                    q.milli_value()
                } else {
                    q.value()
                }
            })
            .unwrap_or(0);
        containers.max(init) + overhead
    };
    (sum("cpu", 0), sum("memory", 0))
}

fn allocatable(node: &Node, res: &str) -> i64 {
    node.status
        .allocatable
        .get(res)
        .or_else(|| node.status.capacity.get(res))
        .map(|q| {
            if res == "cpu" {
                q.milli_value()
            } else {
                q.value()
            }
        })
        .unwrap_or(0)
}

impl Cluster {
    pub(crate) fn schedule_pending(&mut self) {
        let mut pending: Vec<Pod> = self
            .store
            .list(Kind::Pod, None)
            .filter_map(|o| match o {
                Object::Pod(p)
                    if p.spec.node_name.is_empty()
                        && !p.is_terminating()
                        && p.spec.scheduler_name == "default-scheduler" =>
                {
                    Some(p.clone())
                }
                _ => None,
            })
            .collect();
        // PrioritySort: higher priority first, then older.
        pending.sort_by(|a, b| {
            b.spec
                .priority
                .unwrap_or(0)
                .cmp(&a.spec.priority.unwrap_or(0))
                .then(
                    a.metadata
                        .creation_timestamp
                        .cmp(&b.metadata.creation_timestamp),
                )
        });
        let nodes: Vec<Node> = self
            .store
            .list(Kind::Node, None)
            .filter_map(|o| match o {
                Object::Node(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let mut used: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
        let mut owners: BTreeMap<(String, String), i64> = BTreeMap::new();
        for o in self.store.list(Kind::Pod, None) {
            if let Object::Pod(p) = o {
                if !p.spec.node_name.is_empty()
                    && p.status.phase != "Succeeded"
                    && p.status.phase != "Failed"
                {
                    let (c, m) = pod_requests(p);
                    let e = used.entry(p.spec.node_name.clone()).or_default();
                    e.0 += c;
                    e.1 += m;
                    e.2 += 1;
                    if let Some(owner) = p.metadata.controller() {
                        *owners
                            .entry((owner.uid.clone(), p.spec.node_name.clone()))
                            .or_default() += 1;
                    }
                }
            }
        }
        for pod in pending {
            let (cpu, mem) = pod_requests(&pod);
            let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
            let mut feasible: Vec<(&Node, i64)> = Vec::new();
            for node in &nodes {
                let name = &node.metadata.name;
                let u = used.get(name).copied().unwrap_or_default();
                let mut why: Vec<String> = Vec::new();
                if node.spec.unschedulable {
                    why.push("node(s) were unschedulable".into());
                }
                if node.spec.taints.iter().any(|t| {
                    (t.effect == "NoSchedule" || t.effect == "NoExecute")
                        && !pod.spec.tolerations.iter().any(|tol| tol.tolerates(t))
                }) {
                    why.push("node(s) had untolerated taint(s)".into());
                }
                if !pod
                    .spec
                    .node_selector
                    .iter()
                    .all(|(k, v)| node.metadata.labels.get(k) == Some(v))
                {
                    why.push("node(s) didn't match Pod's node affinity/selector".into());
                }
                if u.2 + 1 > allocatable(node, "pods") {
                    why.push("Too many pods".into());
                }
                if cpu > allocatable(node, "cpu") - u.0 {
                    why.push("Insufficient cpu".into());
                }
                if mem > allocatable(node, "memory") - u.1 {
                    why.push("Insufficient memory".into());
                }
                if why.is_empty() {
                    let cap_c = allocatable(node, "cpu").max(1);
                    let cap_m = allocatable(node, "memory").max(1);
                    let (rc, rm) = (u.0 + cpu.max(100), u.1 + mem.max(209_715_200));
                    let least = (((cap_c - rc).max(0) * 100 / cap_c)
                        + ((cap_m - rm).max(0) * 100 / cap_m))
                        / 2;
                    let same = pod
                        .metadata
                        .controller()
                        .map(|o| {
                            owners
                                .get(&(o.uid.clone(), name.clone()))
                                .copied()
                                .unwrap_or(0)
                        })
                        .unwrap_or(0);
                    feasible.push((node, least - same * 20));
                } else {
                    for w in why {
                        *reasons.entry(w).or_default() += 1;
                    }
                }
            }
            let key = Key::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name);
            if feasible.is_empty() {
                let parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
                let mut msg = format!("0/{} nodes are available", nodes.len());
                if parts.is_empty() {
                    msg.push('.');
                } else {
                    msg = format!("{msg}: {}.", parts.join(", "));
                }
                self.mark_unschedulable(&key, msg);
                continue;
            }
            let best = feasible.iter().map(|(_, s)| *s).max().unwrap_or(0);
            let top: Vec<&Node> = feasible
                .iter()
                .filter(|(_, s)| *s == best)
                .map(|(n, _)| *n)
                .collect();
            let chosen = top[(self.rng.next_u32() as usize) % top.len()]
                .metadata
                .name
                .clone();
            let e = used.entry(chosen.clone()).or_default();
            e.0 += cpu;
            e.1 += mem;
            e.2 += 1;
            if let Some(owner) = pod.metadata.controller() {
                *owners
                    .entry((owner.uid.clone(), chosen.clone()))
                    .or_default() += 1;
            }
            self.bind(&key, &chosen);
        }
    }

    fn bind(&mut self, key: &Key, node: &str) {
        let Some(Object::Pod(mut pod)) = self.store.get(key).cloned() else {
            return;
        };
        let now = self.now;
        pod.spec.node_name = node.to_string();
        pod.status.conditions.retain(|c| c.type_ != "PodScheduled");
        pod.status.conditions.push(Condition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_transition_time: Some(now),
            last_probe_time: None,
            ..Default::default()
        });
        let msg = format!(
            "Successfully assigned {}/{} to {node}",
            key.namespace, key.name
        );
        self.event(
            &Object::Pod(pod.clone()),
            "Normal",
            "Scheduled",
            msg,
            "default-scheduler",
            "",
        );
        self.record(
            "default-scheduler",
            format!("Pod {}/{}", key.namespace, key.name),
            format!("bound to {node}"),
        );
        self.store.put(Object::Pod(pod), now);
    }

    fn mark_unschedulable(&mut self, key: &Key, message: String) {
        let Some(Object::Pod(mut pod)) = self.store.get(key).cloned() else {
            return;
        };
        let now = self.now;
        let already = pod
            .condition("PodScheduled")
            .is_some_and(|c| c.status == "False" && c.message == message);
        if already {
            return;
        }
        pod.status.conditions.retain(|c| c.type_ != "PodScheduled");
        pod.status.conditions.push(Condition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: "Unschedulable".into(),
            message: message.clone(),
            last_transition_time: Some(now),
            ..Default::default()
        });
        self.event(
            &Object::Pod(pod.clone()),
            "Warning",
            "FailedScheduling",
            message.clone(),
            "default-scheduler",
            "",
        );
        self.record(
            "default-scheduler",
            format!("Pod {}/{}", key.namespace, key.name),
            format!("unschedulable: {message}"),
        );
        self.store.put(Object::Pod(pod), now);
    }
}
