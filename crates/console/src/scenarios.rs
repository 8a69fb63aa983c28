//! The scenarios shipped with the playground, embedded so that the web app and the CLI load the
//! same ones: `default` (three Ready nodes), `empty`, `kubeadm` (Killercoda's two-node kubeadm
//! cluster: controlplane and node01, the control plane's pods in kube-system), and `scale` (a thousand nodes and ten
//! thousand pods, generated: as YAML it would be 30,000 lines nobody reads).

use serde_json::{json, Value};

/// The scenarios written as files (`static/scenarios/*.yaml`), by name.
const FILES: &[(&str, &str)] = &[
    (
        "default",
        include_str!("../../../static/scenarios/default.yaml"),
    ),
    (
        "empty",
        include_str!("../../../static/scenarios/empty.yaml"),
    ),
    (
        "kubeadm",
        include_str!("../../../static/scenarios/kubeadm.yaml"),
    ),
];

/// The big cluster of issue 15: this many nodes in three zones, and Deployments of `SCALE_REPLICAS`
/// pods each with a Service.
pub const SCALE_NODES: usize = 1_000;
pub const SCALE_DEPLOYMENTS: usize = 100;
pub const SCALE_REPLICAS: usize = 100;

/// Whether `name` is a built-in scenario.
pub fn exists(name: &str) -> bool {
    names().contains(&name)
}

/// The objects of a scenario, by name, as documents for `Session::load_documents`.
pub fn documents(name: &str) -> Option<Result<Vec<Value>, String>> {
    if name == "scale" {
        return Some(Ok(scale()));
    }
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, y)| kubeplay_api::parse_documents(y))
}

/// The scenarios' names, for `--scenario` errors and the web app's picker.
pub fn names() -> Vec<&'static str> {
    FILES.iter().map(|(n, _)| *n).chain(["scale"]).collect()
}

/// `scale`: the empty cluster's objects, `SCALE_NODES` nodes shaped like the default scenario's
/// (4 CPUs, 8Gi, 110 pods; zones a, b and c), and `SCALE_DEPLOYMENTS` Deployments `app-00`...
/// of `SCALE_REPLICAS` pods asking 200m and 256Mi (half of every node once spread) with a
/// readiness probe, each behind a Service of its name. The pods are created and scheduled as
/// the cluster starts, so the scenario opens on a cluster settling. Built as objects, not YAML:
/// 2,000 documents are past what the YAML loader accepts from a user (and slower to parse).
fn scale() -> Vec<Value> {
    let mut docs = kubeplay_api::parse_documents(FILES[1].1).unwrap_or_default();
    for i in 1..=SCALE_NODES {
        let name = format!("node-{i:04}");
        docs.push(json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {
                "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux", "topology.kubernetes.io/region": "region-1",
                "topology.kubernetes.io/zone": format!("zone-{}", ["a", "b", "c"][i % 3]),
            }},
            "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
        }));
    }
    for i in 0..SCALE_DEPLOYMENTS {
        let app = format!("app-{i:02}");
        docs.push(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": app, "labels": {"app": app}},
            "spec": {
                "replicas": SCALE_REPLICAS,
                "selector": {"matchLabels": {"app": app}},
                "template": {
                    "metadata": {"labels": {"app": app}},
                    "spec": {"containers": [{
                        "name": "app", "image": "nginx:1.25",
                        "ports": [{"containerPort": 80}],
                        "resources": {"requests": {"cpu": "200m", "memory": "256Mi"}},
                        "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5},
                    }]},
                },
            },
        }));
        docs.push(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": app},
            "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 80}]},
        }));
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_parses_and_scale_has_what_it_says() {
        for name in names() {
            let docs = documents(name).unwrap().unwrap();
            for d in &docs {
                kubeplay_api::Object::from_value(d.clone()).unwrap();
            }
            if name == "scale" {
                let kinds = |k: &str| docs.iter().filter(|d| d["kind"] == k).count();
                assert_eq!(kinds("Node"), SCALE_NODES);
                assert_eq!(kinds("Deployment"), SCALE_DEPLOYMENTS);
                // Every Deployment's Service, and the `kubernetes` one.
                assert_eq!(kinds("Service"), SCALE_DEPLOYMENTS + 1);
            }
        }
        assert!(documents("nope").is_none() && !exists("nope"));
    }
}
