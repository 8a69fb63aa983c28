//! Deployments end to end through the engine: creation, rolling updates, Recreate, replacement.

mod common;

use common::*;
use kubeplay_api::{Kind, Object};

#[test]
fn a_deployment_runs_its_pods_on_the_nodes() {
    let mut c = cluster(3, 7);
    apply_yaml(&mut c, &deployment_yaml("nginx", 5, "nginx:1.10", "", ""));
    c.advance(30_000);
    let pods = pods(&c);
    assert_eq!(pods.len(), 5);
    for p in &pods {
        assert_eq!(p.status.phase, "Running", "{}", p.metadata.name);
        assert!(p.is_ready());
        assert!(!p.spec.node_name.is_empty());
    }
    let nodes: std::collections::BTreeSet<_> =
        pods.iter().map(|p| p.spec.node_name.clone()).collect();
    assert_eq!(nodes.len(), 3, "spread over the three nodes");
    let d = deployment(&c, "nginx");
    assert_eq!(d.status.available_replicas, 5);
    assert_eq!(
        d.metadata
            .annotations
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("1")
    );
}

fn counts(c: &kubeplay_engine::Cluster) -> (usize, usize) {
    let pods = pods(c);
    let non_terminating = pods.iter().filter(|p| !p.is_terminating()).count();
    let available = pods
        .iter()
        .filter(|p| !p.is_terminating() && p.is_ready())
        .count();
    (non_terminating, available)
}

#[test]
fn a_rolling_update_keeps_within_surge_and_unavailability() {
    let mut c = cluster(3, 11);
    apply_yaml(&mut c, &deployment_yaml("web", 10, "nginx:1.10", "", ""));
    c.advance(60_000);
    assert_eq!(counts(&c), (10, 10));
    apply_yaml(&mut c, &deployment_yaml("web", 10, "nginx:1.11", "", ""));
    let (mut max_pods, mut min_avail) = (0, usize::MAX);
    for _ in 0..1200 {
        c.advance(100);
        let (n, a) = counts(&c);
        max_pods = max_pods.max(n);
        min_avail = min_avail.min(a);
    }
    let d = deployment(&c, "web");
    assert!(
        max_pods <= 13,
        "at most replicas + maxSurge non-terminating pods, saw {max_pods}"
    );
    assert!(
        min_avail >= 8,
        "at least replicas - maxUnavailable available, saw {min_avail}"
    );
    assert_eq!(d.status.updated_replicas, 10);
    assert_eq!(d.status.available_replicas, 10);
    assert!(pods(&c)
        .iter()
        .all(|p| p.spec.containers[0].image == "nginx:1.11"));
    assert_eq!(c.list(Kind::ReplicaSet, Some("default"), None).len(), 2);
}

#[test]
fn recreate_never_runs_two_versions_at_once() {
    let mut c = cluster(3, 3);
    let strategy = "  strategy:\n    type: Recreate\n";
    let y = deployment_yaml("db", 4, "redis:7", "", "")
        .replace("  selector:", &format!("{strategy}  selector:"));
    apply_yaml(&mut c, &y);
    c.advance(60_000);
    apply_yaml(&mut c, &y.replace("redis:7", "redis:7.2"));
    for _ in 0..600 {
        c.advance(100);
        let images: std::collections::BTreeSet<String> = pods(&c)
            .iter()
            .map(|p| p.spec.containers[0].image.clone())
            .collect();
        assert!(images.len() <= 1, "two versions at once: {images:?}");
    }
    assert!(pods(&c)
        .iter()
        .all(|p| p.spec.containers[0].image == "redis:7.2" && p.is_ready()));
}

#[test]
fn a_deleted_pod_is_replaced_and_deleting_the_deployment_cascades() {
    let mut c = cluster(2, 5);
    apply_yaml(&mut c, &deployment_yaml("nginx", 3, "nginx:1.10", "", ""));
    c.advance(30_000);
    let victim = pods(&c)[0].metadata.name.clone();
    c.delete(Kind::Pod, "default", &victim, None).unwrap();
    c.advance(60_000);
    let p = pods(&c);
    assert_eq!(p.len(), 3);
    assert!(p.iter().all(|p| p.metadata.name != victim && p.is_ready()));
    c.delete(Kind::Deployment, "default", "nginx", None)
        .unwrap();
    c.advance(60_000);
    assert!(pods(&c).is_empty());
    assert!(c.list(Kind::ReplicaSet, None, None).is_empty());
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    let run = || {
        let mut c = cluster(3, 42);
        apply_yaml(&mut c, &deployment_yaml("nginx", 5, "nginx:1.10", "", ""));
        c.advance(20_000);
        apply_yaml(&mut c, &deployment_yaml("nginx", 5, "nginx:1.11", "", ""));
        c.advance(60_000);
        c.trace().unwrap().join("\n")
    };
    let a = run();
    assert_eq!(a, run());
    assert!(a.len() > 1000);
}

#[test]
fn a_failed_nodes_pods_run_elsewhere_after_their_toleration() {
    let mut c = cluster(3, 9);
    apply_yaml(&mut c, &deployment_yaml("nginx", 6, "nginx:1.10", "", ""));
    c.advance(30_000);
    let on_node1: Vec<String> = pods(&c)
        .iter()
        .filter(|p| p.spec.node_name == "node-1")
        .map(|p| p.metadata.name.clone())
        .collect();
    assert!(!on_node1.is_empty());
    c.fail_node("node-1").unwrap();
    c.advance(60_000);
    match c.get(Kind::Node, "", "node-1") {
        Ok(Object::Node(n)) => {
            assert!(!n.is_ready());
            assert!(n
                .spec
                .taints
                .iter()
                .any(|t| t.key == "node.kubernetes.io/unreachable" && t.effect == "NoExecute"));
        }
        _ => panic!(),
    }
    // 300 s of toleration, then eviction and replacement.
    c.advance(330_000);
    let p = pods(&c);
    let running_elsewhere = p
        .iter()
        .filter(|p| !p.is_terminating() && p.is_ready() && p.spec.node_name != "node-1")
        .count();
    assert_eq!(running_elsewhere, 6);
}

#[test]
fn pods_of_a_deleted_node_are_collected_and_replaced() {
    let mut c = cluster(3, 13);
    apply_yaml(&mut c, &deployment_yaml("nginx", 6, "nginx:1.10", "", ""));
    c.advance(30_000);
    let on_node1 = pods(&c)
        .iter()
        .filter(|p| p.spec.node_name == "node-1")
        .count();
    assert!(on_node1 > 0);
    c.delete(Kind::Node, "", "node-1", None).unwrap();
    c.advance(30_000);
    assert_eq!(
        pods(&c)
            .iter()
            .filter(|p| p.spec.node_name == "node-1")
            .count(),
        on_node1,
        "kept during the pod garbage collector's quarantine"
    );
    c.advance(60_000);
    let p = pods(&c);
    assert!(p.iter().all(|p| p.spec.node_name != "node-1"));
    assert_eq!(p.iter().filter(|p| p.is_ready()).count(), 6);
}

#[test]
fn cordon_and_uncordon_taint_promptly_even_while_evictions_wait() {
    let mut c = cluster(3, 14);
    apply_yaml(&mut c, &deployment_yaml("nginx", 3, "nginx:1.10", "", ""));
    c.advance(30_000);
    // A failed node: its pods are due for eviction 300 s from now.
    c.fail_node("node-3").unwrap();
    c.advance(60_000);
    let set_unschedulable = |c: &mut kubeplay_engine::Cluster, v: bool| {
        let Ok(Object::Node(mut n)) = c.get(Kind::Node, "", "node-1").cloned() else {
            panic!("node-1")
        };
        n.spec.unschedulable = v;
        c.update(Object::Node(n)).unwrap();
    };
    let tainted = |c: &kubeplay_engine::Cluster| match c.get(Kind::Node, "", "node-1") {
        Ok(Object::Node(n)) => n
            .spec
            .taints
            .iter()
            .any(|t| t.key == "node.kubernetes.io/unschedulable"),
        _ => false,
    };
    set_unschedulable(&mut c, true);
    c.advance(5_000);
    assert!(tainted(&c));
    set_unschedulable(&mut c, false);
    c.advance(5_000);
    assert!(!tainted(&c));
}
