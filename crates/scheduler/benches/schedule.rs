//! Throughput of the default profile: 10,000 Deployment pods placed one by one on 1,000 nodes.
//!
//! Nodes carry hostname and zone labels, and the pods belong to 100 ReplicaSets whose selectors
//! are passed as owner selectors, so PodTopologySpread's system-default spreading is active, as
//! in a real cluster. Each bound pod is added to the prepared snapshot, as the engine does.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeplay_scheduler::workload::{nodes, place_all, pods, selectors};
use kubeplay_scheduler::Scheduler;

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
