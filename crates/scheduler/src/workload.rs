//! A synthetic workload for measuring the scheduler: nodes in three zones and the pods of many
//! Deployments, placed one by one as the engine places them. Shared by the criterion benchmark
//! and the browser benchmark of the wasm build (`window.kubeplay.benchScheduler`).

use kubeplay_api::{LabelSelector, Node, Pod};
use serde_json::json;

use crate::{NodeInfo, Scheduler, Snapshot};

/// `n` nodes of 32 CPU / 128Gi / 110 pods, with hostname and zone labels.
pub fn nodes(n: usize) -> Vec<Node> {
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "metadata": {"name": format!("node-{i:04}"), "labels": {
                    "kubernetes.io/hostname": format!("node-{i:04}"),
                    "topology.kubernetes.io/zone": format!("zone-{}", i % 3),
                }},
                "status": {"allocatable": {"cpu": "32", "memory": "128Gi", "pods": "110"}}
            }))
            .unwrap_or_default()
        })
        .collect()
}

/// `n` pods of `deployments` Deployments, with varied CPU and memory requests.
pub fn pods(n: usize, deployments: usize) -> Vec<Pod> {
    (0..n)
        .map(|i| {
            let d = i % deployments;
            serde_json::from_value(json!({
                "metadata": {"name": format!("app-{d}-{i}"), "namespace": "default",
                             "labels": {"app": format!("app-{d}")}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "resources": {
                    "requests": {"cpu": format!("{}m", 100 + 50 * (d % 5)), "memory": format!("{}Mi", 128 * (1 + d % 4))}
                }}]}
            }))
            .unwrap_or_default()
        })
        .collect()
}

/// The Deployments' selectors, passed as owner selectors (system-default spreading).
pub fn selectors(deployments: usize) -> Vec<LabelSelector> {
    (0..deployments)
        .map(|d| LabelSelector::parse(&format!("app=app-{d}")).unwrap_or_default())
        .collect()
}

/// Places every pod with `sched`, adding each bound pod to the snapshot as the engine does;
/// returns how many were bound. Ties are broken by a fixed LCG, so runs are reproducible.
pub fn place_all(
    sched: &mut Scheduler,
    nodes: &[Node],
    pods: &[Pod],
    owners: &[LabelSelector],
) -> usize {
    let snapshot = Snapshot {
        nodes: nodes
            .iter()
            .map(|n| NodeInfo {
                node: n,
                pods: vec![],
            })
            .collect(),
        // As Services of the pods' namespace: the workload's pods have no controller.
        owner_selectors: owners
            .iter()
            .map(|s| crate::OwnerSelector::service("default", s.clone()))
            .collect(),
        namespace_labels: Default::default(),
        storage: Default::default(),
    };
    let mut prepared = snapshot.prepare();
    let mut x: u64 = 42;
    let mut bound = 0;
    for p in pods {
        let attempt = sched.schedule_prepared(p, &prepared, &mut |n| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) % n as u64) as u32
        });
        if let Ok(name) = attempt.result {
            if let Some(i) = prepared.node_index(&name) {
                prepared.add_pod(i, p);
                bound += 1;
            }
        }
    }
    bound
}
