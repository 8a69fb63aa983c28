//! Request sums kept across cycles (`PreparedSnapshot::with_sums`) give the same snapshot and the
//! same decisions as sums read from every pod.

use super::{first_tied, Scenario};
use crate::{NodeSums, PreparedSnapshot, Scheduler};

#[test]
fn known_sums_give_the_same_decisions_as_reading_every_pod() {
    // Containers with and without requests (the non-zero defaults), an init container, a
    // sidecar, pod-level requests and overhead, on two nodes; the pod to place fits on one only.
    let s = Scenario::parse(
        r#"
        node n1 cpu=4 memory=8Gi
        node n2 cpu=4 memory=8Gi
        node n3 cpu=2 memory=2Gi
        pod a@n1 c:cpu=1,memory=1Gi c:
        pod b@n1 c:cpu=500m i:cpu=2,memory=512Mi
        pod c@n2 c:cpu=1,memory=1Gi spec:{"initContainers": [{"name": "s", "image": "envoy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}}}]}
        pod d@n2 c:cpu=100m overhead:cpu=250m,memory=64Mi
        pod e@n2 c: spec:{"resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}}}
        pod p c:cpu=1500m,memory=1Gi
        "#,
    );
    let snapshot = s.snapshot();
    let sums: Vec<Option<NodeSums>> = snapshot
        .nodes
        .iter()
        .map(|n| Some(NodeSums::of(n.pods.iter().copied())))
        .collect();
    let read = PreparedSnapshot::new(&snapshot);
    let kept = PreparedSnapshot::with_sums(&snapshot, &sums);
    for (a, b) in read.nodes.iter().zip(&kept.nodes) {
        assert_eq!(a.sums, b.sums, "{}", a.name);
        assert_eq!(a.pods.len(), b.pods.len());
    }
    // The sums are not zero, so the check above compares something.
    assert!(
        read.nodes[0].sums.requested.milli_cpu > 0 && read.nodes[1].sums.requested.milli_cpu > 0
    );
    let mut sched = Scheduler::default();
    let one = sched.schedule_prepared(&s.pod, &read, &mut first_tied);
    let two = sched.schedule_prepared(&s.pod, &kept, &mut first_tied);
    assert!(one.result.is_ok(), "{:?}", one.result);
    assert_eq!(one.result, two.result);
    assert_eq!(one.record.annotations(), two.record.annotations());
    // A node with no sums given (shorter list) is read from its pods.
    let partial = PreparedSnapshot::with_sums(&snapshot, &sums[..1]);
    assert_eq!(partial.nodes[1].sums, read.nodes[1].sums);
}
