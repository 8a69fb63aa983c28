//! PodTopologySpread: the score table of §1.7 and the filter tables of §2.5, row for row.

use expect_test::{expect, Expect};
use serde_json::json;

use super::{check, only};

fn constraint(key: &str, skew: i32, when: &str, selector_key: &str) -> String {
    format!(
        r#"{{"maxSkew":{skew},"topologyKey":"{key}","whenUnsatisfiable":"{when}","labelSelector":{{"matchExpressions":[{{"key":"{selector_key}","operator":"Exists"}}]}}}}"#
    )
}

fn score_check(scenario: &str, constraint: &str, expect: Expect) {
    check(
        only(
            &["NodeUnschedulable"],
            &[("PodTopologySpread", 1)],
            json!([]),
        ),
        &format!("{scenario}\npod p l:foo= spec:{{\"topologySpreadConstraints\":[{constraint}]}}"),
        expect,
    );
}

/// `n` pods labelled foo on `node`.
fn foos(node: &str, n: usize) -> String {
    (0..n)
        .map(|i| format!("pod {node}{i}@{node} l:foo=\n"))
        .collect()
}

#[test]
fn spread_score() {
    let host = constraint("kubernetes.io/hostname", 1, "ScheduleAnyway", "foo");
    // Weight ln(4+2) = 1.79; raw 4, 2, 0, 5; 100 × (5 + 0 − s) / 5.
    score_check(
        &format!(
            "node a l:kubernetes.io/hostname=a
             node b l:kubernetes.io/hostname=b
             node c l:kubernetes.io/hostname=c
             node d l:kubernetes.io/hostname=d
             {}{}{}",
            foos("a", 2),
            foos("b", 1),
            foos("d", 3)
        ),
        &host,
        expect![[r#"
            a: PodTopologySpread=4/20
            b: PodTopologySpread=2/60
            c: PodTopologySpread=0/100
            d: PodTopologySpread=5/0
            => c
        "#]],
    );
    // node-y (3 pods) is not a candidate.
    let abxy = |b_label: &str| {
        format!(
            "node a l:kubernetes.io/hostname=a
             node b {b_label}
             node x l:kubernetes.io/hostname=x
             node y l:kubernetes.io/hostname=y unschedulable
             {}{}{}{}",
            foos("a", 4),
            foos("b", 2),
            foos("x", 1),
            foos("y", 3)
        )
    };
    score_check(
        &abxy("l:kubernetes.io/hostname=b"),
        &host,
        expect![[r#"
            a: PodTopologySpread=6/33
            b: PodTopologySpread=3/83
            x: PodTopologySpread=2/100
            y: ✗ NodeUnschedulable: node(s) were unschedulable
            => x
        "#]],
    );
    // node-b lacks the hostname label: ignored, scores 0.
    score_check(
        &abxy(""),
        &host,
        expect![[r#"
            a: PodTopologySpread=6/16
            b: PodTopologySpread=0/0
            x: PodTopologySpread=1/100
            y: ✗ NodeUnschedulable: node(s) were unschedulable
            => x
        "#]],
    );
    // Zones: counts cover every node of the domain, filtered ones too (zone1 = 6, zone2 = 4).
    score_check(
        &format!(
            "node a l:topology.kubernetes.io/zone=zone1
             node b l:topology.kubernetes.io/zone=zone1
             node x l:topology.kubernetes.io/zone=zone2
             node y l:topology.kubernetes.io/zone=zone2 unschedulable
             {}{}{}{}",
            foos("a", 4),
            foos("b", 2),
            foos("x", 1),
            foos("y", 3)
        ),
        &constraint("topology.kubernetes.io/zone", 1, "ScheduleAnyway", "foo"),
        expect![[r#"
            a: PodTopologySpread=8/75
            b: PodTopologySpread=8/75
            x: PodTopologySpread=6/100
            y: ✗ NodeUnschedulable: node(s) were unschedulable
            => x
        "#]],
    );
    // No existing pods: all 100.
    score_check(
        "node a l:kubernetes.io/hostname=a
         node b l:kubernetes.io/hostname=b",
        &host,
        expect![[r#"
            a: PodTopologySpread=0/100
            b: PodTopologySpread=0/100
            => a
        "#]],
    );
}

#[test]
fn spread_system_defaults() {
    // Selected by an owner (a ReplicaSet's selector): hostname maxSkew 3 and zone maxSkew 5.
    let scenario = "node a l:kubernetes.io/hostname=a l:topology.kubernetes.io/zone=z1
                    node b l:kubernetes.io/hostname=b l:topology.kubernetes.io/zone=z1
                    node c l:kubernetes.io/hostname=c l:topology.kubernetes.io/zone=z2
                    pod w1@a l:app=web
                    pod w2@a l:app=web
                    pod w3@b l:app=web
                    pod other@c l:app=db
                    pod p l:app=web";
    check(
        only(&[], &[("PodTopologySpread", 1)], json!([])),
        &format!("{scenario}\nowner app=web"),
        expect![[r#"
            a: PodTopologySpread=13/46
            b: PodTopologySpread=12/53
            c: PodTopologySpread=6/100
            => c
        "#]],
    );
    // Not selected by any owner: no default constraints, PreScore Skip.
    check(
        only(&[], &[("PodTopologySpread", 1)], json!([])),
        &format!("{scenario}\nowner app=db"),
        expect![[r#"
            a: 
            b: 
            c: 
            => a
        "#]],
    );
}

fn filter_check(existing: &str, pod_extra: &str, constraints: &[String], expect: Expect) {
    let cs = constraints.join(",");
    check(
        only(&["PodTopologySpread"], &[], json!([])),
        &format!(
            "node a l:zone=zone1 l:node=a
             node b l:zone=zone1 l:node=b
             node x l:zone=zone2 l:node=x
             node y l:zone=zone2 l:node=y
             {existing}
             pod p l:foo= {pod_extra} spec:{{\"topologySpreadConstraints\":[{cs}]}}"
        ),
        expect,
    );
}

#[test]
fn spread_filter_single_constraint() {
    let zone = || constraint("zone", 1, "DoNotSchedule", "foo");
    let node = |skew| constraint("node", skew, "DoNotSchedule", "foo");
    let all_fit = || {
        expect![[r#"
        a: 
        b: 
        x: 
        y: 
        => a
    "#]]
    };
    filter_check("", "", &[zone()], all_fit());
    filter_check(
        "",
        "",
        &[constraint("zone", 1, "DoNotSchedule", "bar")],
        all_fit(),
    );
    // Pods of other namespaces do not count: zone1 = 0, zone2 = 2.
    filter_check(
        "pod a1@a l:foo= ns:ns1
         pod a2@a l:foo= ns:ns2
         pod x1@x l:foo=
         pod y1@y l:foo=",
        "",
        &[zone()],
        expect![[r#"
            a: 
            b: 
            x: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            => a
        "#]],
    );
    filter_check(
        &format!(
            "{}{}{}",
            super::spread::foos("a", 2),
            super::spread::foos("b", 1),
            super::spread::foos("y", 3)
        ),
        "",
        &[zone()],
        all_fit(),
    );
    // node-b has label `zon`, not `zone`: zone1 = 1 (a only), zone2 = 2.
    check(
        only(&["PodTopologySpread"], &[], json!([])),
        &format!(
            "node a l:zone=zone1 l:node=a
             node b l:zon=zone1 l:node=b
             node x l:zone=zone2 l:node=x
             node y l:zone=zone2 l:node=y
             {}{}{}{}
             pod p l:foo= spec:{{\"topologySpreadConstraints\":[{}]}}",
            foos("a", 1),
            foos("b", 1),
            foos("x", 1),
            foos("y", 1),
            zone()
        ),
        expect![[r#"
            a: 
            b: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints (missing required label)
            x: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            => a
        "#]],
    );
    let a2b1y3 = format!("{}{}{}", foos("a", 2), foos("b", 1), foos("y", 3));
    filter_check(
        &a2b1y3,
        "",
        &[node(1)],
        expect![[r#"
        a: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
        b: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
        x: 
        y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
        => x
    "#]],
    );
    filter_check(
        &a2b1y3,
        "",
        &[node(2)],
        expect![[r#"
        a: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
        b: 
        x: 
        y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
        => b
    "#]],
    );
    // The incoming pod does not match its own selector.
    check(
        only(&["PodTopologySpread"], &[], json!([])),
        &format!(
            "node a l:zone=zone1 l:node=a
             node b l:zone=zone1 l:node=b
             node x l:zone=zone2 l:node=x
             node y l:zone=zone2 l:node=y
             {a2b1y3}
             pod p l:bar= spec:{{\"topologySpreadConstraints\":[{}]}}",
            node(1)
        ),
        expect![[r#"
            a: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            b: 
            x: 
            y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            => b
        "#]],
    );
    // Required node affinity to {a, y}: only a and y are domains (min 2). The affinity filter
    // itself is not enabled, so b and x pass, as in the upstream test.
    check(
        only(&["PodTopologySpread"], &[], json!([])),
        &format!(
            r#"node a l:zone=zone1 l:node=a
               node b l:zone=zone1 l:node=b
               node x l:zone=zone2 l:node=x
               node y l:zone=zone2 l:node=y
               {a2b1y3}
               pod p l:foo= spec:{{"topologySpreadConstraints":[{}],"affinity":{{"nodeAffinity":{{"requiredDuringSchedulingIgnoredDuringExecution":{{"nodeSelectorTerms":[{{"matchExpressions":[{{"key":"node","operator":"In","values":["a","y"]}}]}}]}}}}}}}}"#,
            node(1)
        ),
        expect![[r#"
            a: 
            b: 
            x: 
            y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            => a
        "#]],
    );
}

#[test]
fn spread_filter_multiple_constraints() {
    let zone = constraint("zone", 1, "DoNotSchedule", "foo");
    let node = constraint("node", 1, "DoNotSchedule", "foo");
    filter_check(
        &format!("{}{}{}", foos("a", 2), foos("b", 1), foos("y", 3)),
        "",
        &[zone.clone(), node.clone()],
        expect![[r#"
            a: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            b: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            x: 
            y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            => x
        "#]],
    );
    filter_check(
        &format!("{}{}{}", foos("a", 2), foos("b", 1), foos("y", 4)),
        "",
        &[zone, node],
        expect![[r#"
            a: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            b: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            x: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            y: ✗ PodTopologySpread: node(s) didn't match pod topology spread constraints
            => 0/4 nodes are available: 4 node(s) didn't match pod topology spread constraints.
        "#]],
    );
}

/// System-default spreading takes the selectors of the Services in the pod's namespace that
/// select it and of its own controller: not another namespace's Services, not a ReplicaSet whose
/// selector matches but that does not control the pod.
#[test]
fn default_selector_sources() {
    use crate::plugins::spread::default_selector;
    use crate::OwnerSelector;
    let sel = |s: &str| kubeplay_api::LabelSelector::parse(s).unwrap();
    let mut p = super::pod("p l:app=web l:tier=front");
    p.metadata
        .owner_references
        .push(kubeplay_api::meta::OwnerReference {
            kind: "ReplicaSet".into(),
            name: "web-1".into(),
            uid: "uid-1".into(),
            controller: Some(true),
            ..Default::default()
        });
    let show = |owners: &[OwnerSelector]| {
        default_selector(&p, owners).map_or("none".to_string(), |s| {
            serde_json::to_string(&s).unwrap_or_default()
        })
    };
    expect!["none"].assert_eq(&show(&[
        OwnerSelector::service("team-x", sel("app=web")),
        OwnerSelector::controller("default", "uid-2", sel("app=web")),
    ]));
    expect![[r#"{"matchLabels":{"app":"web","tier":"front"}}"#]].assert_eq(&show(&[
        OwnerSelector::service("default", sel("app=web")),
        OwnerSelector::controller("default", "uid-1", sel("tier=front")),
        OwnerSelector::service("default", sel("app=db")),
    ]));
}
