//! CELScheduler: the Hightower example, bad expressions refused with their position, evaluation
//! errors as filter reasons, normalisation, and weighting with the built-in plugins.

use expect_test::{expect, Expect};
use serde_json::{json, Value};

use super::{check, first_tied, Scenario};
use crate::{builtin_profiles, Scheduler, HIGHTOWER_YAML};

fn hightower() -> Value {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(HIGHTOWER_YAML).expect("hightower.yaml parses");
    docs.into_iter().next().expect("one document")
}

const CLUSTER: &str = "node pricey cpu=4 memory=8Gi annot:hightower.com/cost=10
                       node cheap cpu=1 memory=8Gi annot:hightower.com/cost=2
                       node medium cpu=4 memory=8Gi annot:hightower.com/cost=5
                       node free cpu=4 memory=8Gi
                       pod busy@medium c:cpu=1\n";

#[test]
fn hightower_picks_the_cheapest_node_that_fits() {
    // `cheap` lacks the CPU, `free` the cost annotation: `medium` (5) beats `pricey` (10).
    check(
        hightower(),
        &format!("{CLUSTER}pod p sched:hightower c:cpu=2"),
        expect![[r#"
            cheap: ✗ CELScheduler: node(s) had no hightower.com/cost annotation or too little cpu
            free: ✗ CELScheduler: node(s) had no hightower.com/cost annotation or too little cpu
            medium: CELScheduler=5/100
            pricey: CELScheduler=10/0
            => medium
        "#]],
    );
    // A small pod fits on `cheap`.
    check(
        hightower(),
        &format!("{CLUSTER}pod p sched:hightower c:cpu=500m"),
        expect![[r#"
            cheap: CELScheduler=2/100
            free: ✗ CELScheduler: node(s) had no hightower.com/cost annotation or too little cpu
            medium: CELScheduler=5/62
            pricey: CELScheduler=10/0
            => cheap
        "#]],
    );
    // The example's other profile is the default one.
    let sched = Scheduler::from_config(&hightower()).unwrap();
    assert_eq!(sched.profile_names(), ["default-scheduler", "hightower"]);
    // Without the profile, nothing serves the pod: it stays Pending.
    let s = Scenario::parse(&format!("{CLUSTER}pod p sched:hightower c:cpu=2"));
    let mut default = Scheduler::default();
    assert!(!default.serves("hightower"));
    assert!(default
        .schedule(&s.pod, &s.snapshot(), &mut first_tied)
        .result
        .is_err());
    // It is also a built-in profile.
    let builtin = builtin_profiles()
        .into_iter()
        .find(|p| p.0 == "hightower")
        .unwrap();
    assert_eq!(builtin.3, hightower());
}

fn cel(args: Value) -> Value {
    json!({"profiles": [{
        "schedulerName": "mine",
        "plugins": {"multiPoint": {"disabled": [{"name": "*"}], "enabled": [{"name": "CELScheduler"}]}},
        "pluginConfig": [{"name": "CELScheduler", "args": args}],
    }]})
}

fn refused(args: Value, expect: Expect) {
    let e = Scheduler::from_config(&cel(args)).unwrap_err();
    expect.assert_eq(&e.to_string());
}

#[test]
fn bad_expressions_are_refused_with_their_position() {
    refused(
        json!({"filter": "node.metadata.name == "}),
        expect![[r#"
            profiles[0].pluginConfig[0].args.filter: Invalid value: "node.metadata.name == ": ERROR: <input>:1:23: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}
            | node.metadata.name == 
            | ......................^"#]],
    );
    refused(
        json!({"score": "1 +* 2"}),
        expect![[r#"
            profiles[0].pluginConfig[0].args.score: Invalid value: "1 +* 2": ERROR: <input>:1:4: Syntax error: extraneous input '*' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}
            | 1 +* 2
            | ...^"#]],
    );
    refused(
        json!({}),
        expect![
            "profiles[0].pluginConfig[0].args: Required value: at least one of filter or score"
        ],
    );
    refused(
        json!({"filter": "true", "normalize": "Sideways", "scroe": "1"}),
        expect![[
            r#"[strict decoding error: unknown field "profiles[0].pluginConfig[0].args.scroe", profiles[0].pluginConfig[0].args.normalize: Unsupported value: "Sideways": supported values: "None", "MinMax", "ReverseMinMax"]"#
        ]],
    );
    refused(
        json!({"filter": ""}),
        expect![[
            r#"profiles[0].pluginConfig[0].args.filter: Invalid value: "": expression is empty"#
        ]],
    );
}

#[test]
fn evaluation_errors_filter_the_node_out() {
    check(
        cel(json!({"filter": "node.metadata.labels['tier'] == 'gold'"})),
        "node a l:tier=gold
         node b l:other=x
         node c
         pod p sched:mine",
        expect![[r#"
            a: 
            b: ✗ CELScheduler: CELScheduler filter: No such key: tier
            c: ✗ CELScheduler: CELScheduler filter: No such key: labels
            => a
        "#]],
    );
    check(
        cel(json!({"filter": "node.metadata.name"})),
        "node a
         pod p sched:mine",
        expect![[r#"
            a: ✗ CELScheduler: CELScheduler filter returned string, want bool
            => 0/1 nodes are available: 1 CELScheduler filter returned string, want bool.
        "#]],
    );
}

#[test]
fn scores_and_normalisation() {
    // Free CPU in cores, clamped to 0..100 (normalize: None); an error scores 0.
    check(
        cel(json!({"score": "(nodeInfo.allocatable.cpu - nodeInfo.requested.cpu) / 1000 * 60"})),
        "node a cpu=1
         node b cpu=4
         node c cpu=2
         pod x@c c:cpu=1500m
         pod p sched:mine",
        expect![[r#"
            a: CELScheduler=60/60
            b: CELScheduler=240/100
            c: CELScheduler=0/0
            => b
        "#]],
    );
    check(
        cel(json!({"score": "size(nodeInfo.pods)", "normalize": "MinMax"})),
        "node a
         node b
         node c
         pod x@b
         pod y@b
         pod z@c
         pod p sched:mine",
        expect![[r#"
            a: CELScheduler=0/0
            b: CELScheduler=2/100
            c: CELScheduler=1/50
            => b
        "#]],
    );
    check(
        cel(json!({"score": "int(node.metadata.labels.rank)", "normalize": "ReverseMinMax"})),
        "node a l:rank=7
         node b l:rank=x
         node c l:rank=3
         pod p sched:mine",
        expect![[r#"
            a: CELScheduler=7/0
            b: CELScheduler=CELScheduler score: Error executing function 'int': string parse error: invalid digit found in string/0
            c: CELScheduler=3/100
            => c
        "#]],
    );
}

#[test]
fn weighted_with_built_in_plugins() {
    // The CEL score (weight 3) against LeastAllocated (weight 1).
    check(
        json!({"profiles": [{
            "schedulerName": "mine",
            "plugins": {"multiPoint": {"enabled": [{"name": "CELScheduler", "weight": 3}]}},
            "pluginConfig": [{"name": "CELScheduler", "args": {"score": "node.metadata.labels.ssd == 'true' ? 100 : 0"}}],
        }]}),
        "node a cpu=4 memory=8Gi l:ssd=true
         node b cpu=8 memory=16Gi l:ssd=false
         pod p sched:mine c:cpu=1,memory=1Gi",
        expect![[r#"
            a: CELScheduler=100/300 DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=93/93 NodeResourcesFit=81/81 TaintToleration=0/300
            b: CELScheduler=0/0 DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=96/96 NodeResourcesFit=90/90 TaintToleration=0/300
            => a
        "#]],
    );
}
