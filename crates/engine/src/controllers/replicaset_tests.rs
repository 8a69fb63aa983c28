//! §4's scale-down victim ordering as a table of pod pairs: which of two pods is deleted first.

use expect_test::{expect, Expect};
use kubeplay_api::core::ContainerStatus;
use kubeplay_api::meta::Condition;
use kubeplay_api::{Pod, Time};

use super::*;

const NOW: Time = Time(crate::EPOCH.0 + 86_400_000);

/// A pod described in a few words: `node`, `unassigned`, `Pending`/`Unknown`/`Running`,
/// `ready@-60` (ready since 60 s ago), `ready@zero` (ready, no transition time), `cost=N`,
/// `rank=N`, `restarts=N`, `created@-60`, `uid=x`.
fn pod(desc: &str) -> RankedPod {
    let mut p = Pod::default();
    p.metadata.name = desc.into();
    p.metadata.uid = "m".into();
    p.spec.node_name = "node-1".into();
    p.status.phase = "Running".into();
    p.metadata.creation_timestamp = Some(NOW.plus_millis(-3_600_000));
    let mut rank = 1;
    for word in desc.split_whitespace() {
        let (k, v) = word.split_once(['=', '@']).unwrap_or((word, ""));
        let secs = || v.parse::<i64>().map(|s| NOW.plus_millis(s * 1000)).ok();
        match k {
            "unassigned" => p.spec.node_name.clear(),
            "Pending" | "Unknown" | "Running" => p.status.phase = k.into(),
            "ready" => p.status.conditions.push(Condition {
                type_: "Ready".into(),
                status: "True".into(),
                last_transition_time: secs(),
                ..Default::default()
            }),
            "cost" => {
                p.metadata.annotations.insert(
                    "controller.kubernetes.io/pod-deletion-cost".into(),
                    v.into(),
                );
            }
            "rank" => rank = v.parse().unwrap_or(0),
            "restarts" => p.status.container_statuses.push(ContainerStatus {
                restart_count: v.parse().unwrap_or(0),
                ..Default::default()
            }),
            "created" => p.metadata.creation_timestamp = secs(),
            "uid" => p.metadata.uid = v.into(),
            _ => {}
        }
    }
    RankedPod::new(&p, rank)
}

fn check(a: &str, b: &str, expect: Expect) {
    let got = match deletion_order(&pod(a), &pod(b), NOW) {
        Ordering::Less => format!("delete first: {a}"),
        Ordering::Greater => format!("delete first: {b}"),
        Ordering::Equal => "either".to_string(),
    };
    expect.assert_eq(&got);
}

#[test]
fn victim_order_table() {
    // 1. Unassigned < assigned.
    check(
        "unassigned Pending",
        "Running ready@-60",
        expect!["delete first: unassigned Pending"],
    );
    // 2. Pending < Unknown < Running.
    check("Running", "Pending", expect!["delete first: Pending"]);
    check("Unknown", "Pending", expect!["delete first: Pending"]);
    check("Running", "Unknown", expect!["delete first: Unknown"]);
    // 3. Not ready < ready.
    check(
        "Running ready@-60",
        "Running",
        expect!["delete first: Running"],
    );
    // 4. Lower pod-deletion-cost < higher (the default is 0; negative costs go first).
    check(
        "ready@-60 cost=100",
        "ready@-60 cost=10",
        expect!["delete first: ready@-60 cost=10"],
    );
    check(
        "ready@-60",
        "ready@-60 cost=-5",
        expect!["delete first: ready@-60 cost=-5"],
    );
    check(
        "ready@-60 cost=oops",
        "ready@-60 cost=1",
        expect!["delete first: ready@-60 cost=oops"],
    );
    // 5. More related pods on its node < fewer.
    check(
        "ready@-60 rank=1",
        "ready@-60 rank=3",
        expect!["delete first: ready@-60 rank=3"],
    );
    // 6. Both ready: ready more recently < ready longer, in log2 buckets of the time since.
    check(
        "ready@-3600",
        "ready@-60",
        expect!["delete first: ready@-60"],
    );
    check(
        "ready@-60",
        "ready@zero",
        expect!["delete first: ready@zero"],
    );
    // 60 s and 50 s ago share a bucket (2^35 ns ≈ 34 s .. 2^36 ns ≈ 69 s): the UID decides.
    check(
        "ready@-60 uid=b",
        "ready@-50 uid=a",
        expect!["delete first: ready@-50 uid=a"],
    );
    check(
        "ready@-60 uid=a",
        "ready@-50 uid=b",
        expect!["delete first: ready@-60 uid=a"],
    );
    // Equal ready times go on to the next rules.
    check(
        "ready@-60 restarts=0",
        "ready@-60 restarts=2",
        expect!["delete first: ready@-60 restarts=2"],
    );
    // 7. More restarts < fewer.
    check(
        "Running restarts=1",
        "Running restarts=4",
        expect!["delete first: Running restarts=4"],
    );
    // 8. Newer < older, in log2 buckets; a missing creation time counts as newest.
    check(
        "created@-3600",
        "created@-10",
        expect!["delete first: created@-10"],
    );
    check(
        "created@-60 uid=z",
        "created@-50 uid=y",
        expect!["delete first: created@-50 uid=y"],
    );
    check(
        "created@-10",
        "created@none",
        expect!["delete first: created@none"],
    );
    // 9. Nothing tells them apart.
    check("Running", "Running", expect!["either"]);
    // Rules apply in order: an unready pod goes before a ready one even with a higher cost.
    check(
        "Running cost=1000",
        "Running ready@-60",
        expect!["delete first: Running cost=1000"],
    );
    // A not-ready pod on a crowded node still goes after a Pending one.
    check(
        "Pending rank=1",
        "Running rank=9",
        expect!["delete first: Pending rank=1"],
    );
}

#[test]
fn merge_sort_keeps_ties_in_order_and_tolerates_any_comparator() {
    let v: Vec<(i32, char)> = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
    let sorted = merge_sort_by(v, &|a, b| a.0.cmp(&b.0));
    assert_eq!(sorted, vec![(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    // An inconsistent comparator yields some order, never a panic.
    let v: Vec<i32> = (0..50).collect();
    assert_eq!(merge_sort_by(v, &|a, b| (a ^ b).cmp(&7)).len(), 50);
}

/// `IsPodAvailable` (§3.7): ready for strictly more than minReadySeconds.
#[test]
fn availability_needs_min_ready_seconds_strictly_past() {
    let mut p = Pod::default();
    p.status.conditions.push(Condition {
        type_: "Ready".into(),
        status: "True".into(),
        last_transition_time: Some(NOW),
        ..Default::default()
    });
    let at = |ms: i64| NOW.plus_millis(ms);
    assert!(p.is_available(0, at(0)));
    assert!(!p.is_available(5, at(5_000)));
    assert!(p.is_available(5, at(5_001)));
    p.status.conditions[0].status = "False".into();
    assert!(!p.is_available(0, at(10_000)));
}
