//! DaemonSets end to end: one pod per eligible node (nodeSelector, taints and the tolerations
//! daemon pods get), placed by the scheduler, a node added later getting its pod, and a rolling
//! update one node at a time.

mod common;

use common::*;
use expect_test::{expect, Expect};
use kubeplay_api::summary::pod_status;
use kubeplay_api::{DaemonSet, Kind, Object};
use kubeplay_engine::Cluster;

fn ds_yaml(image: &str, pod_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n{pod_spec}      containers:\n      - name: agent\n        image: {image}\n"
    )
}

fn ds(c: &Cluster) -> DaemonSet {
    match c.get(Kind::DaemonSet, "default", "agent") {
        Ok(Object::DaemonSet(d)) => (**d).clone(),
        _ => panic!("no daemonset"),
    }
}

/// `kubectl get ds agent` and where its pods are: `node=image STATUS` sorted by node.
fn line(c: &Cluster) -> String {
    let d = ds(c);
    let s = &d.status;
    let mut pods: Vec<String> = pods(c)
        .iter()
        .filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some("agent"))
        .map(|p| {
            let node = if p.spec.node_name.is_empty() {
                "-"
            } else {
                &p.spec.node_name
            };
            format!("{node}={} {}", p.spec.containers[0].image, pod_status(p))
        })
        .collect();
    pods.sort();
    format!(
        "desired={} current={} ready={} up-to-date={} available={} | {}",
        s.desired_number_scheduled,
        s.current_number_scheduled,
        s.number_ready,
        s.updated_number_scheduled,
        s.number_available,
        pods.join(", ")
    )
}

fn watch(c: &mut Cluster, secs: i64, expect: Expect) {
    expect.assert_eq(&watch_changes(c, secs, line));
}

#[test]
fn one_pod_per_node_and_a_new_node_gets_its_own() {
    let mut c = cluster(2, 3);
    apply_yaml(&mut c, &ds_yaml("nginx:1.25", ""));
    watch(
        &mut c,
        8,
        expect![[r#"
            0.0s desired=0 current=0 ready=0 up-to-date=0 available=0 | 
            0.5s desired=2 current=2 ready=0 up-to-date=2 available=0 | node-1=nginx:1.25 ContainerCreating, node-2=nginx:1.25 ContainerCreating
            5.5s desired=2 current=2 ready=1 up-to-date=2 available=1 | node-1=nginx:1.25 Running, node-2=nginx:1.25 ContainerCreating
            6.0s desired=2 current=2 ready=2 up-to-date=2 available=2 | node-1=nginx:1.25 Running, node-2=nginx:1.25 Running"#]],
    );
    apply_yaml(&mut c, &node_yaml("node-3", "4", "8Gi"));
    watch(
        &mut c,
        8,
        expect![[r#"
        0.0s desired=2 current=2 ready=2 up-to-date=2 available=2 | node-1=nginx:1.25 Running, node-2=nginx:1.25 Running
        0.5s desired=3 current=3 ready=2 up-to-date=3 available=2 | node-1=nginx:1.25 Running, node-2=nginx:1.25 Running, node-3=nginx:1.25 ContainerCreating
        5.5s desired=3 current=3 ready=3 up-to-date=3 available=3 | node-1=nginx:1.25 Running, node-2=nginx:1.25 Running, node-3=nginx:1.25 Running"#]],
    );
}

#[test]
fn taints_and_node_selectors_decide_which_nodes() {
    let mut c = cluster(3, 3);
    // node-1 is tainted, node-2 cordoned (daemon pods tolerate that), node-3 plain.
    apply_yaml(
        &mut c,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  labels:\n    topology.kubernetes.io/zone: zone-a\nspec:\n  taints:\n  - key: dedicated\n    value: gpu\n    effect: NoSchedule\nstatus:\n  capacity:\n    cpu: \"4\"\n    memory: 8Gi\n    pods: \"110\"\n",
    );
    apply_yaml(
        &mut c,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-2\n  labels:\n    topology.kubernetes.io/zone: zone-a\nspec:\n  unschedulable: true\nstatus:\n  capacity:\n    cpu: \"4\"\n    memory: 8Gi\n    pods: \"110\"\n",
    );
    apply_yaml(&mut c, &ds_yaml("nginx:1.25", ""));
    c.advance(8_000);
    let mut lines = vec![line(&c)];
    // A nodeSelector no node has: every pod goes.
    apply_yaml(
        &mut c,
        &ds_yaml("nginx:1.25", "      nodeSelector:\n        disk: ssd\n"),
    );
    c.advance(8_000);
    lines.push(line(&c));
    expect![[r#"
        desired=2 current=2 ready=2 up-to-date=2 available=2 | node-2=nginx:1.25 Running, node-3=nginx:1.25 Running
        desired=0 current=0 ready=0 up-to-date=0 available=0 | "#]].assert_eq(&lines.join("\n"));
}

#[test]
fn a_rolling_update_replaces_one_node_at_a_time() {
    let mut c = cluster(3, 3);
    apply_yaml(&mut c, &ds_yaml("nginx:1.25", ""));
    c.advance(10_000);
    apply_yaml(&mut c, &ds_yaml("nginx:1.26", ""));
    watch(
        &mut c,
        30,
        expect![[r#"
            0.0s desired=3 current=3 ready=3 up-to-date=3 available=3 | node-1=nginx:1.25 Running, node-2=nginx:1.25 Running, node-3=nginx:1.25 Running
            0.5s desired=3 current=3 ready=2 up-to-date=1 available=2 | node-1=nginx:1.26 ContainerCreating, node-2=nginx:1.25 Running, node-3=nginx:1.25 Running
            6.0s desired=3 current=3 ready=2 up-to-date=2 available=2 | node-1=nginx:1.26 Running, node-2=nginx:1.26 ContainerCreating, node-3=nginx:1.25 Running
            11.0s desired=3 current=2 ready=2 up-to-date=2 available=2 | -=nginx:1.26 Pending, node-1=nginx:1.26 Running, node-2=nginx:1.26 Running
            11.5s desired=3 current=3 ready=2 up-to-date=3 available=2 | node-1=nginx:1.26 Running, node-2=nginx:1.26 Running, node-3=nginx:1.26 ContainerCreating
            15.5s desired=3 current=3 ready=3 up-to-date=3 available=3 | node-1=nginx:1.26 Running, node-2=nginx:1.26 Running, node-3=nginx:1.26 Running"#]],
    );
}
