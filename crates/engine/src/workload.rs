//! The scale workload of issue 15, shared by the native example (`examples/scale.rs`) and the
//! page's `window.kubeplay.benchEngine`, so that both time the same cluster: `nodes` nodes of
//! 16 CPUs and 64Gi in three zones, and `deployments` Deployments of `replicas` pods (100m and
//! 128Mi, a readiness probe) each behind a Service of its name. Nothing here reads a clock.

use kubeplay_api::{Kind, Object};
use serde_json::json;

use crate::Cluster;

/// The nodes, Deployments and Services, in the order they are created.
pub fn objects(nodes: usize, deployments: usize, replicas: usize) -> Vec<Object> {
    let mut docs = Vec::with_capacity(nodes + 2 * deployments);
    for i in 0..nodes {
        docs.push(json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("node-{i:04}"),
                "labels": {"topology.kubernetes.io/zone": format!("zone-{}", i % 3)}},
            "status": {"capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"}},
        }));
    }
    for i in 0..deployments {
        let app = format!("app-{i:03}");
        docs.push(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": app},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": app}},
                "template": {
                    "metadata": {"labels": {"app": app}},
                    "spec": {"containers": [{
                        "name": "app", "image": "nginx:1.25",
                        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                        "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5},
                    }]},
                },
            },
        }));
        docs.push(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": app},
            "spec": {"selector": {"app": app}, "ports": [{"port": 80}]},
        }));
    }
    docs.into_iter()
        .filter_map(|d| Object::from_value(d).ok())
        .collect()
}

/// Whether `pods` pods exist in `default`, every one Ready, and the Services' endpoints list
/// them all as ready addresses.
pub fn settled(c: &Cluster, pods: usize) -> bool {
    let all = c.list(Kind::Pod, Some("default"), None);
    if all.len() != pods
        || !all
            .iter()
            .all(|o| matches!(o, Object::Pod(p) if p.is_ready()))
    {
        return false;
    }
    let addresses: usize = c
        .list(Kind::Endpoints, Some("default"), None)
        .iter()
        .map(|o| match o {
            Object::Endpoints(e) => e.subsets.iter().map(|s| s.addresses.len()).sum(),
            _ => 0,
        })
        .sum();
    addresses == pods
}

/// Creates the workload on `c` and advances it a simulated second at a time, as a person
/// watching would, until it has settled or `limit_ms` have passed. Returns the simulated
/// milliseconds it took, or None if it did not settle.
pub fn create_and_settle(
    c: &mut Cluster,
    nodes: usize,
    deployments: usize,
    replicas: usize,
    limit_ms: i64,
) -> Option<i64> {
    for o in objects(nodes, deployments, replicas) {
        let _ = c.apply(o);
    }
    let mut simulated = 0;
    while !settled(c, deployments * replicas) {
        if simulated >= limit_ms {
            return None;
        }
        c.advance(1_000);
        simulated += 1_000;
    }
    Some(simulated)
}

/// Starts 100 requests a second on the first `services` Services of the workload.
pub fn start_traffic(c: &mut Cluster, services: usize) {
    for i in 0..services {
        let _ = c.start_traffic("default", &format!("app-{i:03}"), 100);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClusterConfig;

    #[test]
    fn a_small_workload_settles_with_every_endpoint() {
        let mut c = Cluster::new(ClusterConfig {
            seed: 1,
            record_trace: false,
        });
        assert!(!settled(&c, 6));
        let took = create_and_settle(&mut c, 3, 2, 3, 120_000).expect("settles");
        assert!(took > 0 && took <= 60_000, "{took} ms");
        assert_eq!(c.list(Kind::Node, None, None).len(), 3);
        assert!(settled(&c, 6));
        // Five pods are not six: the check counts.
        assert!(!settled(&c, 5));
    }
}
