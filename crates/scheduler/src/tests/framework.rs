//! The framework: FitError text, the one-feasible-node shortcut, weights, tie-breaks by `pick`,
//! percentageOfNodesToScore and the rotating start index, records, and the queue order.

use std::collections::BTreeMap;

use expect_test::expect;
use serde_json::json;

use super::{check, describe, first_tied, only, pod, Scenario};
use crate::{num_feasible_nodes_to_find, queue_less, FitError, NodeInfo, Scheduler, Snapshot};

#[test]
fn fit_error_message() {
    // §2.7: "<count> <reason>" sorted as strings.
    check(
        json!({}),
        "node n1 cpu=1 memory=1Gi
         node n2 cpu=4 memory=4Gi taint:dedicated=gpu:NoSchedule
         node n3 cpu=4 memory=4Gi taint:node.kubernetes.io/not-ready:NoExecute
         pod p c:cpu=2,memory=1Mi",
        expect![[r#"
            n1: ✗ NodeResourcesFit: Insufficient cpu
            n2: ✗ TaintToleration: node(s) had untolerated taint(s)
            n3: ✗ TaintToleration: node(s) had untolerated taint(s)
            => 0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
        "#]],
    );
    let e = FitError {
        num_nodes: 12,
        reasons: BTreeMap::from([
            ("Insufficient memory".to_string(), 10),
            ("Too many pods".to_string(), 2),
        ]),
        unresolvable: None,
        post_filter: None,
    };
    expect!["0/12 nodes are available: 10 Insufficient memory, 2 Too many pods."]
        .assert_eq(&e.to_string());
    expect!["no nodes available to schedule pods"].assert_eq(&FitError::default().to_string());
}

#[test]
fn default_profile_end_to_end() {
    // One feasible node: chosen without scoring.
    check(
        json!({}),
        "node small cpu=1 memory=1Gi
         node big cpu=8 memory=16Gi
         pod p c:cpu=2,memory=1Gi",
        expect![[r#"
            big: 
            small: ✗ NodeResourcesFit: Insufficient cpu
            => big
        "#]],
    );
    // Every default score plugin with its weight (final = normalised × weight).
    check(
        json!({}),
        "node a cpu=4 memory=8Gi l:kubernetes.io/hostname=a
         node b cpu=4 memory=8Gi l:kubernetes.io/hostname=b taint:spot=true:PreferNoSchedule
         pod x@a c:cpu=2,memory=2Gi
         pod p c:cpu=1,memory=1Gi",
        expect![[r#"
            a: DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=81/81 NodeResourcesFit=43/43 TaintToleration=0/300
            b: DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=93/93 NodeResourcesFit=81/81 TaintToleration=1/0
            => a
        "#]],
    );
}

#[test]
fn tie_break_by_pick() {
    let s = Scenario::parse(
        "node a cpu=4 memory=8Gi
         node b cpu=4 memory=8Gi
         node c cpu=4 memory=8Gi
         pod p c:cpu=1,memory=1Gi",
    );
    let snap = s.snapshot();
    // Reservoir sampling: the k-th tied node replaces the pick when pick(k) == 0.
    let run = |answers: &[u32]| {
        let mut sched = Scheduler::default();
        let mut calls = Vec::new();
        let mut it = answers.iter().copied();
        let got = sched
            .schedule(&s.pod, &snap, &mut |n| {
                calls.push(n);
                it.next().unwrap_or(0)
            })
            .result;
        format!("{got:?} calls={calls:?}")
    };
    expect![[r#"Ok("a") calls=[2, 3]"#]].assert_eq(&run(&[1, 1]));
    expect![[r#"Ok("b") calls=[2, 3]"#]].assert_eq(&run(&[0, 2]));
    expect![[r#"Ok("c") calls=[2, 3]"#]].assert_eq(&run(&[1, 0]));
    // The same seed gives the same node: a tiny seeded generator stands in for the engine's.
    let seeded = |seed: u64| {
        let mut sched = Scheduler::default();
        let mut x = seed;
        (0..5)
            .map(|_| {
                sched
                    .schedule(&s.pod, &snap, &mut |n| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((x >> 33) % n as u64) as u32
                    })
                    .result
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(seeded(7), seeded(7));
}

#[test]
fn percentage_of_nodes_to_score() {
    let rows: Vec<String> = [
        (None, 10),
        (None, 99),
        (None, 100),
        (None, 1000),
        (None, 5000),
        (None, 6000),
        (None, 10000),
        (Some(10), 500),
        (Some(50), 1000),
        (Some(100), 1000),
    ]
    .iter()
    .map(|&(p, n)| format!("{p:?}/{n}→{}", num_feasible_nodes_to_find(p, n)))
    .collect();
    expect!["None/10→10 None/99→99 None/100→100 None/1000→420 None/5000→500 None/6000→300 None/10000→500 Some(10)/500→100 Some(50)/1000→500 Some(100)/1000→1000"]
        .assert_eq(&rows.join(" "));
}

#[test]
fn rotating_start_index() {
    // 200 identical nodes, 50%: each attempt examines 100 nodes and the next starts after them.
    let nodes: Vec<_> = (0..200)
        .map(|i| super::node(&format!("n{i:03} cpu=4 memory=8Gi")))
        .collect();
    let snap = Snapshot {
        nodes: nodes
            .iter()
            .map(|n| NodeInfo {
                node: n,
                pods: vec![],
            })
            .collect(),
        owner_selectors: vec![],
        namespace_labels: Default::default(),
        storage: Default::default(),
    };
    let mut sched = Scheduler::from_config(&json!({"percentageOfNodesToScore": 50})).unwrap();
    let p = pod("p c:cpu=1,memory=1Gi");
    let mut seen = Vec::new();
    for _ in 0..3 {
        let a = sched.schedule(&p, &snap, &mut first_tied);
        seen.push(format!(
            "{} scored={} next={}",
            a.result.unwrap_or_default(),
            a.record.score.len(),
            sched.next_start_node_index()
        ));
    }
    expect!["n000 scored=100 next=100, n100 scored=100 next=0, n000 scored=100 next=100"]
        .assert_eq(&seen.join(", "));
}

#[test]
fn records_and_annotations() {
    let s = Scenario::parse(
        "node a cpu=4 memory=8Gi
         node b cpu=1 memory=8Gi
         node c cpu=4 memory=8Gi
         pod p c:cpu=2,memory=1Gi",
    );
    let mut sched = Scheduler::from_config(&only(
        &["NodeResourcesFit"],
        &[("NodeResourcesFit", 2)],
        json!([]),
    ))
    .unwrap();
    let a = sched.schedule(&s.pod, &s.snapshot(), &mut first_tied);
    let ann = a.record.annotations();
    let text: Vec<String> = ann.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    expect![[r#"
        scheduler-simulator/filter-result: {"a":{"NodeResourcesFit":"passed"},"b":{"NodeResourcesFit":"Insufficient cpu"},"c":{"NodeResourcesFit":"passed"}}
        scheduler-simulator/finalscore-result: {"a":{"NodeResourcesFit":"136"},"c":{"NodeResourcesFit":"136"}}
        scheduler-simulator/score-result: {"a":{"NodeResourcesFit":"68"},"c":{"NodeResourcesFit":"68"}}
        scheduler-simulator/selected-node: a"#]]
    .assert_eq(&text.join("\n"));
    // Records off: only the selection.
    sched.set_decision_records(false);
    let a = sched.schedule(&s.pod, &s.snapshot(), &mut first_tied);
    expect![[r#"
        => a
    "#]]
    .assert_eq(&describe(&a));
    assert_eq!(a.record.selected.as_deref(), Some("a"));
    assert!(a.record.filter.is_empty() && a.record.score.is_empty());
}

#[test]
fn unserved_scheduler_and_no_nodes() {
    let s = Scenario::parse(
        "node a cpu=4 memory=8Gi
         pod p sched:hightower",
    );
    let mut sched = Scheduler::default();
    assert!(!sched.serves("hightower"));
    assert!(sched.serves(""));
    let a = sched.schedule(&s.pod, &s.snapshot(), &mut first_tied);
    expect![[r#"
        => no scheduler profile serves schedulerName "hightower"
    "#]]
    .assert_eq(&describe(&a));
    let a = sched.schedule(&pod("p"), &Snapshot::default(), &mut first_tied);
    expect![[r#"
        => no nodes available to schedule pods
    "#]]
    .assert_eq(&describe(&a));
}

#[test]
fn queue_order() {
    let mut pods = [
        pod("low-old prio:0 created:1"),
        pod("high-new prio:100 created:9"),
        pod("low-new prio:0 created:5"),
        pod("high-old prio:100 created:2"),
        pod("none created:3"),
    ];
    pods.sort_by(|a, b| {
        if queue_less(a, b) {
            std::cmp::Ordering::Less
        } else if queue_less(b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    let names: Vec<&str> = pods.iter().map(|p| p.metadata.name.as_str()).collect();
    expect!["high-old high-new low-old none low-new"].assert_eq(&names.join(" "));
}

#[test]
fn prepared_snapshot_add_and_remove() {
    let s = Scenario::parse(
        "node a cpu=2 memory=8Gi
         node b cpu=2 memory=8Gi
         pod p c:cpu=1500m,memory=1Gi",
    );
    let snap = s.snapshot();
    let mut prepared = snap.prepare();
    let mut sched = Scheduler::default();
    let first = sched
        .schedule_prepared(&s.pod, &prepared, &mut first_tied)
        .result
        .unwrap();
    let i = prepared.node_index(&first).unwrap();
    assert!(prepared.add_pod(i, &s.pod));
    let second = sched
        .schedule_prepared(&s.pod, &prepared, &mut first_tied)
        .result
        .unwrap();
    assert_ne!(first, second);
    let j = prepared.node_index(&second).unwrap();
    assert!(prepared.add_pod(j, &s.pod));
    let third = sched.schedule_prepared(&s.pod, &prepared, &mut first_tied);
    expect!["0/2 nodes are available: 2 Insufficient cpu. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."]
        .assert_eq(&third.result.unwrap_err().to_string());
    assert!(prepared.remove_pod(j, &s.pod));
    assert_eq!(
        sched
            .schedule_prepared(&s.pod, &prepared, &mut first_tied)
            .result,
        Ok(second)
    );
}

/// DefaultPreemption's verdict per node: unresolvable failures (a taint, a request above the
/// node's whole allocatable) are not helped by preemption; free resources could be, but with no
/// pod of lower priority there are no victims. DynamicResources has no claims to deallocate.
#[test]
fn post_filter_verdicts() {
    let s = Scenario::parse(
        "node a cpu=4 memory=8Gi
         node b cpu=1 memory=8Gi
         node c cpu=8 memory=8Gi taint:dedicated=db:NoSchedule
         pod x@a c:cpu=3
         pod p c:cpu=2",
    );
    let mut sched = Scheduler::default();
    let attempt = sched.schedule(&s.pod, &s.snapshot(), &mut first_tied);
    let anns = attempt.record.annotations();
    expect![[r#"{"a":{"DefaultPreemption":"No preemption victims found for incoming pod"},"b":{"DefaultPreemption":"Preemption is not helpful for scheduling"},"c":{"DefaultPreemption":"Preemption is not helpful for scheduling"}}"#]]
        .assert_eq(&anns[crate::POST_FILTER_RESULT_ANNOTATION]);
    expect!["0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."]
        .assert_eq(&attempt.result.unwrap_err().to_string());
    // A pod that may not preempt says so; a profile without the PostFilter plugins adds nothing.
    let never = pod("p c:cpu=2 spec:{\"preemptionPolicy\": \"Never\"}");
    let attempt = sched.schedule(&never, &s.snapshot(), &mut first_tied);
    expect!["0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never."]
        .assert_eq(&attempt.result.unwrap_err().to_string());
    let mut bare = Scheduler::from_config(&only(
        &["TaintToleration", "NodeResourcesFit"],
        &[],
        json!([]),
    ))
    .unwrap();
    let attempt = bare.schedule(&s.pod, &s.snapshot(), &mut first_tied);
    expect!["0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu."]
        .assert_eq(&attempt.result.unwrap_err().to_string());
}

/// DynamicResources (no ResourceClaims in the playground) scores 0 on every node, weight 2.
#[test]
fn dynamic_resources_scores_zero() {
    check(
        json!({}),
        "node a cpu=4 memory=8Gi
         node b cpu=4 memory=8Gi
         pod p c:cpu=1",
        expect![[r#"
            a: DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=87/87 NodeResourcesFit=86/86 TaintToleration=0/300
            b: DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=87/87 NodeResourcesFit=86/86 TaintToleration=0/300
            => a
        "#]],
    );
}

#[test]
fn record_rejection_and_total_score() {
    let s = Scenario::parse(
        "node a cpu=4 memory=8Gi l:kubernetes.io/hostname=a
         node b cpu=4 memory=8Gi l:kubernetes.io/hostname=b taint:spot=true:PreferNoSchedule
         node c cpu=1 memory=8Gi
         node d cpu=4 memory=8Gi taint:dedicated=db:NoSchedule
         pod x@a c:cpu=2,memory=2Gi
         pod p c:cpu=2,memory=1Gi",
    );
    let attempt = Scheduler::default().schedule(&s.pod, &s.snapshot(), &mut first_tied);
    let r = &attempt.record;
    let row = |node: &str| format!("{node}: {:?} {:?}", r.rejection(node), r.total_score(node));
    let rows: Vec<String> = ["a", "b", "c", "d", "absent"]
        .iter()
        .map(|n| row(n))
        .collect();
    // The totals are what selectHost compares. a: LeastAllocated (0 + 62.5) / 2 = 31, balanced
    // (1 − |1 − 0.375| / 2) = 68, TaintToleration 300; b: 68 + 81 and its PreferNoSchedule taint
    // costs it the 300.
    expect![[r#"
        a: None Some(399)
        b: None Some(149)
        c: Some(("NodeResourcesFit", "Insufficient cpu")) None
        d: Some(("TaintToleration", "node(s) had untolerated taint(s)")) None
        absent: None None"#]]
    .assert_eq(&rows.join("\n"));
    assert_eq!(attempt.result, Ok("a".to_string()));
    // One feasible node is chosen without scoring: no total.
    let one = Scenario::parse(
        "node small cpu=1 memory=1Gi
         node big cpu=8 memory=16Gi
         pod p c:cpu=2,memory=1Gi",
    );
    let attempt = Scheduler::default().schedule(&one.pod, &one.snapshot(), &mut first_tied);
    assert_eq!(attempt.record.total_score("big"), None);
    assert_eq!(attempt.record.rejection("big"), None);
}
