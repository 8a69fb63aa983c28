//! KubeSchedulerConfiguration: defaulting, plugin-set merging, weights, validation messages, and
//! the built-in profiles.

use expect_test::{expect, Expect};
use serde_json::{json, Value};

use crate::{builtin_profiles, Scheduler};

/// Prints the profiles' filter and score plugins (with weights), or the error.
fn check(cfg: Value, expect: Expect) {
    let out = match Scheduler::from_config(&cfg) {
        Ok(s) => s
            .profiles
            .iter()
            .map(|p| {
                let filters: Vec<&str> =
                    p.filters.iter().map(|&i| p.plugins[i].0.as_str()).collect();
                let scores: Vec<String> = p
                    .scores
                    .iter()
                    .map(|&(i, w)| format!("{}×{w}", p.plugins[i].0))
                    .collect();
                format!(
                    "{} pct={:?}\n  filter: {}\n  score: {}",
                    p.name,
                    p.percentage,
                    filters.join(" "),
                    scores.join(" ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&out);
}

#[test]
fn defaults() {
    check(
        json!({}),
        expect![[r#"
            default-scheduler pct=None
              filter: NodeUnschedulable NodeName TaintToleration NodeAffinity NodePorts NodeResourcesFit VolumeRestrictions NodeVolumeLimits VolumeBinding VolumeZone PodTopologySpread InterPodAffinity DynamicResources
              score: TaintToleration×3 NodeAffinity×2 NodeResourcesFit×1 PodTopologySpread×2 InterPodAffinity×2 DynamicResources×2 NodeResourcesBalancedAllocation×1 ImageLocality×1"#]],
    );
}

#[test]
fn plugin_sets_merge_as_upstream() {
    // A default re-enabled in multiPoint keeps its place with the new weight; disabling at the
    // score point removes it there only; a score-point weight wins over multiPoint's.
    check(
        json!({"percentageOfNodesToScore": 30, "profiles": [{
            "schedulerName": "custom",
            "percentageOfNodesToScore": 70,
            "plugins": {
                "multiPoint": {"enabled": [{"name": "NodeResourcesFit", "weight": 5}], "disabled": [{"name": "ImageLocality"}]},
                "score": {"enabled": [{"name": "TaintToleration", "weight": 7}], "disabled": [{"name": "NodeAffinity"}]},
                "filter": {"disabled": [{"name": "*"}], "enabled": [{"name": "NodeResourcesFit"}, {"name": "TaintToleration"}]}
            }
        }, {"schedulerName": "other"}]}),
        expect![[r#"
            custom pct=Some(70)
              filter: NodeResourcesFit TaintToleration
              score: TaintToleration×7 NodeResourcesFit×5 PodTopologySpread×2 InterPodAffinity×2 DynamicResources×2 NodeResourcesBalancedAllocation×1
            other pct=Some(30)
              filter: NodeUnschedulable NodeName TaintToleration NodeAffinity NodePorts NodeResourcesFit VolumeRestrictions NodeVolumeLimits VolumeBinding VolumeZone PodTopologySpread InterPodAffinity DynamicResources
              score: TaintToleration×3 NodeAffinity×2 NodeResourcesFit×1 PodTopologySpread×2 InterPodAffinity×2 DynamicResources×2 NodeResourcesBalancedAllocation×1 ImageLocality×1"#]],
    );
    check(
        json!({"profiles": [{"plugins": {"multiPoint": {"disabled": [{"name": "*"}], "enabled": [{"name": "NodeResourcesFit"}]}}}]}),
        expect![[r#"
            default-scheduler pct=None
              filter: NodeResourcesFit
              score: NodeResourcesFit×1"#]],
    );
}

#[test]
fn validation_messages() {
    check(
        json!({"profiles": [{"schedulerName": "a"}, {"schedulerName": "a"}]}),
        expect![[r#"error: profiles[1].schedulerName: Duplicate value: "a""#]],
    );
    check(
        json!({"profiles": [{"schedulerName": "a"}, {}]}),
        expect!["error: profiles[1].schedulerName: Required value"],
    );
    check(
        json!({"percentageOfNodesToScore": 110}),
        expect!["error: percentageOfNodesToScore: Invalid value: 110: not in valid range [0-100]"],
    );
    check(
        json!({"profiles": [{"plugins": {"score": {"enabled": [{"name": "NodeResourcesFitt"}]}}}]}),
        expect![[
            r#"error: creating profile for scheduler name default-scheduler: plugin "NodeResourcesFitt" does not exist"#
        ]],
    );
    check(
        json!({"profiles": [{"plugins": {"score": {"enabled": [{"name": "NodeName"}]}}}]}),
        expect![[
            r#"error: creating profile for scheduler name default-scheduler: plugin "NodeName" does not extend score plugin"#
        ]],
    );
    check(
        json!({"apiVersion": "kubescheduler.config.k8s.io/v1beta3", "kind": "KubeSchedulerConfiguration"}),
        expect![[
            r#"error: no kind "KubeSchedulerConfiguration" is registered for version "kubescheduler.config.k8s.io/v1beta3""#
        ]],
    );
    // Resource weights: 0 defaults to 1; −1 and 101 are refused.
    for w in [0, -1, 101] {
        check(
            json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {
                "type": "MostAllocated", "resources": [{"name": "cpu", "weight": w}]}}}]}]}),
            match w {
                0 => expect![[r#"
                    default-scheduler pct=None
                      filter: NodeUnschedulable NodeName TaintToleration NodeAffinity NodePorts NodeResourcesFit VolumeRestrictions NodeVolumeLimits VolumeBinding VolumeZone PodTopologySpread InterPodAffinity DynamicResources
                      score: TaintToleration×3 NodeAffinity×2 NodeResourcesFit×1 PodTopologySpread×2 InterPodAffinity×2 DynamicResources×2 NodeResourcesBalancedAllocation×1 ImageLocality×1"#]],
                -1 => expect!["error: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of cpu not in valid range (0, 100]"],
                _ => expect!["error: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]"],
            },
        );
    }
    check(
        json!({"profiles": [{"pluginConfig": [
            {"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "Fancy"}}},
            {"name": "NodeResourcesFit", "args": {}},
            {"name": "PodTopologySpread", "args": {"defaultingType": "System", "defaultConstraints": [{"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "Maybe"}]}},
            {"name": "InterPodAffinity", "args": {"hardPodAffinityWeight": 101}}
        ]}]}),
        expect![[
            r#"error: [profiles[0].pluginConfig[1]: Duplicate value: "NodeResourcesFit", profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: "Fancy": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio", profiles[0].pluginConfig[2].args.defaultConstraints[0].maxSkew: Invalid value: 0: must be greater than zero, profiles[0].pluginConfig[2].args.defaultConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway", profiles[0].pluginConfig[2].args.defaultingType: Invalid value: "System": when .defaultConstraints are not empty, profiles[0].pluginConfig[3].args.hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]]"#
        ]],
    );
    check(
        json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {
            "type": "RequestedToCapacityRatio",
            "requestedToCapacityRatio": {"shape": [{"utilization": 50, "score": 11}, {"utilization": 40, "score": 1}]}}}}]}]}),
        expect!["error: [profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[1].utilization: Invalid value: 40: utilization values must be sorted in increasing order, profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[0].score: Invalid value: 11: not in valid range [0, 10]]"],
    );
}

#[test]
fn builtin_profiles_parse() {
    for (id, title, _, cfg) in builtin_profiles() {
        let s = Scheduler::from_config(&cfg).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(s.serves("default-scheduler"), "{id}: {title}");
    }
    let ids: Vec<&str> = builtin_profiles().iter().map(|p| p.0).collect();
    expect!["default bin-packing spread requested-to-capacity hightower"].assert_eq(&ids.join(" "));
    let bin = builtin_profiles()
        .into_iter()
        .find(|p| p.0 == "bin-packing")
        .unwrap()
        .3;
    super::check(
        bin,
        "node a cpu=4 memory=8Gi
         node b cpu=4 memory=8Gi
         pod x@b c:cpu=2,memory=4Gi
         pod p c:cpu=1,memory=1Gi",
        expect![[r#"
            a: DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=93/93 NodeResourcesFit=18/18 TaintToleration=0/300
            b: DynamicResources=0/0 ImageLocality=0/0 NodeResourcesBalancedAllocation=93/93 NodeResourcesFit=68/68 TaintToleration=0/300
            => b
        "#]],
    );
}
