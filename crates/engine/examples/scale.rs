//! Times the issue-15 scale workload once, for `scripts/bench.sh`: 1,000 nodes and 10,000 pods
//! (100 Deployments × 100 with Services) created and settled, then ten simulated minutes with
//! traffic on 10 Services. Prints `figure<TAB>value` lines; peak memory from /proc (Linux only).
//!
//!   cargo run --release -p kubeplay-engine --example scale [-- NODES DEPLOYMENTS REPLICAS]

use std::time::Instant;

use kubeplay_api::{parse_documents, Kind, Object};
use kubeplay_engine::{Cluster, ClusterConfig};

fn apply(c: &mut Cluster, yaml: &str) {
    for v in parse_documents(yaml).unwrap_or_default() {
        if let Ok(o) = Object::from_value(v) {
            let _ = c.apply(o);
        }
    }
}

/// The engine bench's workload: requests 100m/128Mi, a readiness probe, a Service of the same name.
fn deployment(name: &str, replicas: usize, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: app\n        image: {image}\n        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n        readinessProbe:\n          httpGet:\n            path: /\n            port: 80\n          periodSeconds: 5\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n  - port: 80\n---\n"
    )
}

/// Every one of `pods` pods Ready, and the Services' endpoints list them all as ready addresses.
fn settled(c: &Cluster, pods: usize) -> bool {
    let all = c.list(Kind::Pod, Some("default"), None);
    let ready = all
        .iter()
        .filter(|o| matches!(o, Object::Pod(p) if p.is_ready()))
        .count();
    if all.len() != pods || ready != pods {
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

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (n, deployments, replicas) = match args[..] {
        [a, b, c] => (a, b, c),
        _ => (1_000, 100, 100),
    };
    let mut c = Cluster::new(ClusterConfig {
        seed: 1,
        record_trace: false,
    });
    let start = Instant::now();
    let nodes: String = (0..n)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i:04}\n  labels:\n    topology.kubernetes.io/zone: zone-{}\nstatus:\n  capacity:\n    cpu: \"16\"\n    memory: 64Gi\n    pods: \"110\"\n---\n",
                i % 3
            )
        })
        .collect();
    apply(&mut c, &nodes);
    let workloads: String = (0..deployments)
        .map(|i| deployment(&format!("app-{i:03}"), replicas, "nginx:1.25"))
        .collect();
    apply(&mut c, &workloads);
    // Advance in steps until settled, as a person watching would: every pod Ready and every
    // Service's endpoints complete.
    let mut simulated = 0;
    while !settled(&c, deployments * replicas) && simulated < 600_000 {
        c.advance(1_000);
        simulated += 1_000;
    }
    let settle = start.elapsed();
    println!("settle_s\t{:.3}", settle.as_secs_f64());
    println!("settle_simulated_s\t{}", simulated / 1_000);
    for i in 0..deployments.min(10) {
        c.start_traffic("default", &format!("app-{i:03}"), 100).ok();
    }
    let t = Instant::now();
    c.advance(600_000);
    println!("ten_minutes_s\t{:.3}", t.elapsed().as_secs_f64());
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
            let kb: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
            println!("peak_rss_mb\t{}", kb / 1024);
        }
    }
}
