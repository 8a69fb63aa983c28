//! Shared helpers for the engine's integration tests: clusters built from YAML.

#![allow(dead_code)]

use kubeplay_api::{parse_documents, Kind, Object};
use kubeplay_engine::{Cluster, ClusterConfig};

pub fn apply_yaml(c: &mut Cluster, yaml: &str) {
    for v in parse_documents(yaml).expect("valid YAML") {
        let o = Object::from_value(v).expect("known kind");
        c.apply(o).expect("accepted");
    }
}

pub fn node_yaml(name: &str, cpu: &str, memory: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels:\n    topology.kubernetes.io/zone: zone-a\nstatus:\n  capacity:\n    cpu: \"{cpu}\"\n    memory: {memory}\n    pods: \"110\"\n---\n"
    )
}

/// A cluster of `n` nodes of 4 CPU / 8Gi.
pub fn cluster(n: usize, seed: u64) -> Cluster {
    let mut c = Cluster::new(ClusterConfig {
        seed,
        record_trace: true,
    });
    let yaml: String = (1..=n)
        .map(|i| node_yaml(&format!("node-{i}"), "4", "8Gi"))
        .collect();
    apply_yaml(&mut c, &yaml);
    c
}

pub fn deployment_yaml(
    name: &str,
    replicas: i32,
    image: &str,
    extra_pod_yaml: &str,
    annotations: &str,
) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n      annotations:\n        kubeplay.dev/none: \"0\"\n{annotations}    spec:\n      containers:\n      - name: app\n        image: {image}\n{extra_pod_yaml}"
    )
}

pub fn pods(c: &Cluster) -> Vec<kubeplay_api::Pod> {
    c.list(Kind::Pod, Some("default"), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

pub fn deployment(c: &Cluster, name: &str) -> kubeplay_api::Deployment {
    match c.get(Kind::Deployment, "default", name) {
        Ok(Object::Deployment(d)) => d.clone(),
        _ => panic!("no deployment {name}"),
    }
}

/// Runs the cluster for `secs` in half-second steps and lists each change of `line(c)` with
/// when it happened: `2.5s <line>`.
pub fn watch_changes(c: &mut Cluster, secs: i64, line: impl Fn(&Cluster) -> String) -> String {
    let start = c.now();
    let mut out = Vec::new();
    let mut last = String::new();
    for _ in 0..secs * 2 {
        let l = line(c);
        if l != last {
            let t = (c.now().millis() - start.millis()) as f64 / 1000.0;
            out.push(format!("{t:.1}s {l}"));
            last = l;
        }
        c.advance(500);
    }
    out.join("\n")
}
