//! A pod's effective request (`resourcehelper.PodRequests`): sidecars, init containers and
//! pod-level resources, in the filtering view and the scoring views.

use expect_test::{expect, Expect};

use super::pod;
use crate::resources::{pod_requests, pod_requests_both, pod_requests_for_fit_score};

/// `spec` is a pod spec line (see `tests/mod.rs`); prints cpu (m) and memory (Mi) as the filter,
/// the node's NonZeroRequested and NodeResourcesFit's scorer see them.
fn check(spec: &str, expect: Expect) {
    let p = pod(spec);
    // The pair a node's sums take is the two views computed apart.
    assert_eq!(
        pod_requests_both(&p),
        (pod_requests(&p, false), pod_requests(&p, true)),
        "{spec}"
    );
    let show =
        |r: crate::resources::Resources| format!("{}m/{}Mi", r.milli_cpu, r.memory / (1024 * 1024));
    expect.assert_eq(&format!(
        "filter {} nonzero {} fit-score {}",
        show(pod_requests(&p, false)),
        show(pod_requests(&p, true)),
        show(pod_requests_for_fit_score(&p))
    ));
}

#[test]
fn sidecars_add_to_the_containers() {
    // An ordinary init container: max(Σ containers, init).
    check(
        "p c:cpu=1,memory=1Gi i:cpu=3,memory=512Mi",
        expect!["filter 3000m/1024Mi nonzero 3000m/1024Mi fit-score 3000m/1024Mi"],
    );
    // A sidecar runs beside the containers: its request adds to their sum.
    check(
        r#"p c:cpu=1,memory=1Gi spec:{"initContainers": [{"name": "s", "image": "envoy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}}}]}"#,
        expect!["filter 1500m/1280Mi nonzero 1500m/1280Mi fit-score 1500m/1280Mi"],
    );
    // An init container after a sidecar counts together with it: max(1+0.5, 2+0.5) = 2.5.
    check(
        r#"p c:cpu=1 spec:{"initContainers": [
            {"name": "s", "image": "envoy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m"}}},
            {"name": "i", "image": "busybox", "resources": {"requests": {"cpu": "2"}}}]}"#,
        expect!["filter 2500m/0Mi nonzero 2500m/400Mi fit-score 2500m/400Mi"],
    );
    // One before the sidecar does not: max(1+0.5, 2) = 2.
    check(
        r#"p c:cpu=1 spec:{"initContainers": [
            {"name": "i", "image": "busybox", "resources": {"requests": {"cpu": "2"}}},
            {"name": "s", "image": "envoy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m"}}}]}"#,
        expect!["filter 2000m/0Mi nonzero 2000m/400Mi fit-score 2000m/400Mi"],
    );
}

#[test]
fn pod_level_resources_replace_cpu_and_memory() {
    // Filter and BalancedAllocation use the pod-level figures; a pod-level pod gets no 100m/200Mi
    // defaults on the node; NodeResourcesFit's scorer still reads the containers (v1.35.4).
    check(
        r#"p c: spec:{"resources": {"requests": {"cpu": "500m", "memory": "128Mi"}}}"#,
        expect!["filter 500m/128Mi nonzero 500m/128Mi fit-score 100m/200Mi"],
    );
    check(
        r#"p c:cpu=750m,memory=32Mi c:cpu=50m spec:{"resources": {"requests": {"cpu": "1750m"}}}"#,
        expect!["filter 1750m/32Mi nonzero 1750m/32Mi fit-score 800m/232Mi"],
    );
}
