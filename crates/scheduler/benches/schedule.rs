//! Throughput of the default profile: 10,000 Deployment pods placed one by one on 1,000 nodes.
//!
//! Nodes carry hostname and zone labels, and the pods belong to 100 ReplicaSets whose selectors
//! are passed as owner selectors, so PodTopologySpread's system-default spreading is active, as
//! in a real cluster. Each bound pod is added to the prepared snapshot, as the engine does.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeplay_api::{LabelSelector, Node, Pod};
use kubeplay_scheduler::{NodeInfo, Scheduler, Snapshot};
use serde_json::json;

fn nodes(n: usize) -> Vec<Node> {
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "metadata": {"name": format!("node-{i:04}"), "labels": {
                    "kubernetes.io/hostname": format!("node-{i:04}"),
                    "topology.kubernetes.io/zone": format!("zone-{}", i % 3),
                }},
                "status": {"allocatable": {"cpu": "32", "memory": "128Gi", "pods": "110"}}
            }))
            .expect("node")
        })
        .collect()
}

fn pods(n: usize, deployments: usize) -> Vec<Pod> {
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
            .expect("pod")
        })
        .collect()
}

fn selectors(deployments: usize) -> Vec<LabelSelector> {
    (0..deployments)
        .map(|d| LabelSelector::parse(&format!("app=app-{d}")).expect("selector"))
        .collect()
}

/// Places every pod; returns how many were bound.
fn place_all(
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
        owner_selectors: owners.to_vec(),
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

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule");
    group.sample_size(10);

    let (n, p, d) = (1_000, 10_000, 100);
    let (ns, ps, owners) = (nodes(n), pods(p, d), selectors(d));
    group.throughput(Throughput::Elements(p as u64));
    group.bench_function("default_profile/10000_pods_1000_nodes", |b| {
        b.iter(|| {
            let mut sched = Scheduler::default();
            sched.set_decision_records(false);
            assert_eq!(place_all(&mut sched, &ns, &ps, &owners), p);
        })
    });

    let (n, p) = (100, 1_000);
    let (ns, ps) = (nodes(n), pods(p, d));
    group.throughput(Throughput::Elements(p as u64));
    group.bench_function("default_profile_with_records/1000_pods_100_nodes", |b| {
        b.iter(|| {
            let mut sched = Scheduler::default();
            assert_eq!(place_all(&mut sched, &ns, &ps, &owners), p);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
