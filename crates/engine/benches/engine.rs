//! The engine's speed on what learners and the CLI do: a 10-replica rolling update; 1,000 nodes
//! and 10,000 pods created and settled; ten simulated minutes of a settled 1,000-pod cluster.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use kubeplay_api::{parse_documents, Object};
use kubeplay_engine::{Cluster, ClusterConfig};

fn apply(c: &mut Cluster, yaml: &str) {
    for v in parse_documents(yaml).unwrap_or_default() {
        if let Ok(o) = Object::from_value(v) {
            let _ = c.apply(o);
        }
    }
}

fn nodes(c: &mut Cluster, n: usize, cpu: &str, memory: &str) {
    let yaml: String = (0..n)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i:04}\n  labels:\n    topology.kubernetes.io/zone: zone-{}\nstatus:\n  capacity:\n    cpu: \"{cpu}\"\n    memory: {memory}\n    pods: \"110\"\n---\n",
                i % 3
            )
        })
        .collect();
    apply(c, &yaml);
}

fn deployment(name: &str, replicas: usize, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: app\n        image: {image}\n        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n        readinessProbe:\n          httpGet:\n            path: /\n            port: 80\n          periodSeconds: 5\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n  - port: 80\n---\n"
    )
}

fn cluster(seed: u64) -> Cluster {
    Cluster::new(ClusterConfig {
        seed,
        record_trace: false,
    })
}

/// `deployments` Deployments of `replicas` pods each, on `n` nodes, settled.
fn settled(n: usize, deployments: usize, replicas: usize) -> Cluster {
    let mut c = cluster(1);
    nodes(&mut c, n, "16", "64Gi");
    let yaml: String = (0..deployments)
        .map(|i| deployment(&format!("app-{i:03}"), replicas, "nginx:1.25"))
        .collect();
    apply(&mut c, &yaml);
    c.advance(120_000);
    c
}

fn rolling_update(crit: &mut Criterion) {
    crit.bench_function("rolling update of 10 replicas", |b| {
        b.iter_batched(
            || {
                let mut c = cluster(1);
                nodes(&mut c, 3, "4", "8Gi");
                apply(&mut c, &deployment("web", 10, "nginx:1.10"));
                c.advance(60_000);
                c.start_traffic("default", "web", 50).ok();
                c
            },
            |mut c| {
                apply(&mut c, &deployment("web", 10, "nginx:1.11"));
                c.advance(120_000);
                c
            },
            BatchSize::PerIteration,
        )
    });
}

fn create_and_settle(crit: &mut Criterion) {
    let mut g = crit.benchmark_group("scale");
    g.sample_size(10);
    g.bench_function("1,000 nodes and 10,000 pods created and settled", |b| {
        b.iter(|| settled(1_000, 100, 100))
    });
    g.bench_function("ten simulated minutes of a 1,000-pod cluster", |b| {
        b.iter_batched(
            || {
                let mut c = settled(100, 10, 100);
                c.start_traffic("default", "app-000", 100).ok();
                c
            },
            |mut c| {
                c.advance(600_000);
                c
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, rolling_update, create_and_settle);
criterion_main!(benches);
