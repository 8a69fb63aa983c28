//! The scoring tables of KUBERNETES-SEMANTICS.md §1.6–§1.7, row for row, through the framework
//! (each plugin alone at weight 1, so `raw/final` is the plugin's score before and after
//! normalisation).

use expect_test::expect;
use serde_json::{json, Value};

use super::{check, only};
use crate::plugins::noderesources::broken_linear;

fn fit(args: Value) -> Value {
    only(
        &[],
        &[("NodeResourcesFit", 1)],
        json!([{"name": "NodeResourcesFit", "args": args}]),
    )
}

fn least() -> Value {
    fit(json!({}))
}

fn least_with(resources: Value) -> Value {
    fit(json!({"scoringStrategy": {"type": "LeastAllocated", "resources": resources}}))
}

fn most(resources: Value) -> Value {
    fit(json!({"scoringStrategy": {"type": "MostAllocated", "resources": resources}}))
}

fn cpu_mem() -> Value {
    json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}])
}

#[test]
fn least_allocated() {
    // Row 1: a pod with no containers requests nothing.
    check(
        least(),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=4000m memory=10000
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=100/100
            n2: NodeResourcesFit=100/100
            => n1
        "#]],
    );
    // Row 2: n1 cpu (4000−3000)*100/4000 = 25, memory 50 → 37 (floor).
    check(
        least(),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=6000m memory=10000
         pod p c:cpu=1000m,memory=2000 c:cpu=2000m,memory=3000",
        expect![[r#"
            n1: NodeResourcesFit=37/37
            n2: NodeResourcesFit=50/50
            => n2
        "#]],
    );
    // Row 3: empty pods on the nodes.
    check(
        least(),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=4000m memory=10000
         pod e1@n1
         pod e2@n1
         pod e3@n2
         pod e4@n2
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=100/100
            n2: NodeResourcesFit=100/100
            => n1
        "#]],
    );
    // Row 4: an explicit memory "0" stays 0 (no 200Mi default).
    check(
        least(),
        "node n1 cpu=10000m memory=20000
         node n2 cpu=10000m memory=20000
         pod e1@n1 c:cpu=3000m,memory=0
         pod e2@n1 c:cpu=3000m,memory=0
         pod e3@n2 c:cpu=3000m,memory=0
         pod e4@n2 c:cpu=3000m,memory=5000
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=70/70
            n2: NodeResourcesFit=57/57
            => n1
        "#]],
    );
    // Row 7: cpu 6000 > 4000 scores 0.
    check(
        least(),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=4000m memory=10000
         pod e1@n1 c:cpu=3000m,memory=0
         pod e2@n2 c:cpu=3000m,memory=5000
         pod p c:cpu=3000m,memory=0",
        expect![[r#"
            n1: NodeResourcesFit=50/50
            n2: NodeResourcesFit=25/25
            => n1
        "#]],
    );
    // Row 8: no capacity at all.
    check(
        least(),
        "node n1
         node n2
         pod e1@n1 c:cpu=3000m,memory=0
         pod e2@n2 c:cpu=3000m,memory=5000
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=0/0
            n2: NodeResourcesFit=0/0
            => n1
        "#]],
    );
    // Row 10: an extended resource the pod does not request is bypassed.
    check(
        least_with(
            json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "example.com/foo", "weight": 1}]),
        ),
        "node n1 cpu=6000m memory=10000
         node n2 cpu=6000m memory=10000 example.com/foo=4
         pod p c:cpu=3000m,memory=5000",
        expect![[r#"
            n1: NodeResourcesFit=50/50
            n2: NodeResourcesFit=50/50
            => n1
        "#]],
    );
}

#[test]
fn most_allocated() {
    check(
        most(cpu_mem()),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=4000m memory=10000
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=0/0
            n2: NodeResourcesFit=0/0
            => n1
        "#]],
    );
    check(
        most(cpu_mem()),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=6000m memory=10000
         pod p c:cpu=3000m,memory=5000",
        expect![[r#"
            n1: NodeResourcesFit=62/62
            n2: NodeResourcesFit=50/50
            => n1
        "#]],
    );
    check(
        most(cpu_mem()),
        "node n1 cpu=10000m memory=20000
         node n2 cpu=10000m memory=20000
         pod e1@n1 c:cpu=3000m,memory=0
         pod e2@n1 c:cpu=3000m,memory=0
         pod e3@n2 c:cpu=3000m,memory=0
         pod e4@n2 c:cpu=3000m,memory=5000
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=30/30
            n2: NodeResourcesFit=42/42
            => n2
        "#]],
    );
    check(
        most(cpu_mem()),
        "node n1 cpu=10000m memory=20000
         node n2 cpu=10000m memory=20000
         pod e1@n1 c:cpu=3000m,memory=0
         pod e2@n2 c:cpu=3000m,memory=5000
         pod p c:cpu=3000m,memory=5000",
        expect![[r#"
            n1: NodeResourcesFit=42/42
            n2: NodeResourcesFit=55/55
            => n2
        "#]],
    );
    // Row 6: memory weighs 2.
    check(
        most(json!([{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}])),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=6000m memory=10000
         pod p c:cpu=3000m,memory=5000",
        expect![[r#"
            n1: NodeResourcesFit=58/58
            n2: NodeResourcesFit=50/50
            => n1
        "#]],
    );
    // Row 8: an extended resource the pod requests.
    check(
        most(
            json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "example.com/foo", "weight": 1}]),
        ),
        "node n1 cpu=6000m memory=10000 example.com/foo=4
         node n2 cpu=6000m memory=10000 example.com/foo=10
         pod p c:cpu=3000m,memory=5000,example.com/foo=2",
        expect![[r#"
            n1: NodeResourcesFit=50/50
            n2: NodeResourcesFit=40/40
            => n1
        "#]],
    );
    // Row 9: one the pod does not request is skipped, weight included.
    check(
        most(
            json!([{"name": "example.com/foo", "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]),
        ),
        "node n1 cpu=6000m memory=10000
         node n2 cpu=6000m memory=10000 example.com/foo=4
         pod p c:cpu=3000m,memory=4000",
        expect![[r#"
            n1: NodeResourcesFit=45/45
            n2: NodeResourcesFit=45/45
            => n1
        "#]],
    );
}

fn rtcr(shape: Value, resources: Value) -> Value {
    fit(json!({"scoringStrategy": {
        "type": "RequestedToCapacityRatio",
        "resources": resources,
        "requestedToCapacityRatio": {"shape": shape},
    }}))
}

#[test]
fn requested_to_capacity_ratio() {
    let least_like = json!([{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]);
    check(
        rtcr(least_like.clone(), cpu_mem()),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=4000m memory=10000
         pod e1@n1
         pod e2@n1
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=100/100
            n2: NodeResourcesFit=100/100
            => n1
        "#]],
    );
    // Row 3: 37.5 rounds half away from zero to 38 (LeastAllocated floors the same to 37).
    check(
        rtcr(least_like, cpu_mem()),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=6000m memory=10000
         pod e1@n1 c:cpu=3000m,memory=5000
         pod e2@n2 c:cpu=3000m,memory=5000
         pod p",
        expect![[r#"
            n1: NodeResourcesFit=38/38
            n2: NodeResourcesFit=50/50
            => n2
        "#]],
    );
}

#[test]
fn resource_bin_packing_single_extended() {
    let cfg = || {
        rtcr(
            json!([{"utilization": 0, "score": 0}, {"utilization": 100, "score": 1}]),
            json!([{"name": "intel.com/foo", "weight": 1}]),
        )
    };
    let nodes = "node n1 cpu=4000m memory=10000 intel.com/foo=8
                 node n2 cpu=4000m memory=10000 intel.com/foo=4\n";
    check(
        cfg(),
        &format!("{nodes} pod p"),
        expect![[r#"
            n1: NodeResourcesFit=0/0
            n2: NodeResourcesFit=0/0
            => n1
        "#]],
    );
    check(
        cfg(),
        &format!("{nodes} pod p c:intel.com/foo=2"),
        expect![[r#"
            n1: NodeResourcesFit=2/2
            n2: NodeResourcesFit=5/5
            => n2
        "#]],
    );
    check(
        cfg(),
        &format!("{nodes} pod e1@n2 c:intel.com/foo=2\n pod p c:intel.com/foo=2"),
        expect![[r#"
            n1: NodeResourcesFit=2/2
            n2: NodeResourcesFit=10/10
            => n2
        "#]],
    );
    check(
        cfg(),
        &format!("{nodes} pod p c:intel.com/foo=4"),
        expect![[r#"
            n1: NodeResourcesFit=5/5
            n2: NodeResourcesFit=10/10
            => n2
        "#]],
    );
}

#[test]
fn broken_linear_function() {
    let check = |shape: &[(i64, i64)], points: &[i64], expect: expect_test::Expect| {
        let got: Vec<String> = points
            .iter()
            .map(|&p| format!("{p}→{}", broken_linear(shape, p)))
            .collect();
        expect.assert_eq(&got.join(" "));
    };
    check(
        &[(10, 1), (90, 9)],
        &[-10, 0, 9, 10, 15, 19, 20, 89, 90, 99, 100, 110],
        expect!["-10→1 0→1 9→1 10→1 15→1 19→1 20→2 89→8 90→9 99→9 100→9 110→9"],
    );
    check(
        &[(0, 2), (40, 10), (100, 0)],
        &[-10, 0, 20, 30, 40, 70, 100, 110],
        expect!["-10→2 0→2 20→6 30→8 40→10 70→5 100→0 110→0"],
    );
    check(
        &[(0, 5), (100, 5)],
        &[0, 50, 100],
        expect!["0→5 50→5 100→5"],
    );
}

fn balanced(resources: Value) -> Value {
    only(
        &[],
        &[("NodeResourcesBalancedAllocation", 1)],
        json!([{"name": "NodeResourcesBalancedAllocation", "args": {"resources": resources}}]),
    )
}

#[test]
fn balanced_allocation() {
    // Row 1: a BestEffort pod: PreScore Skip, nothing scored.
    check(
        balanced(cpu_mem()),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=4000m memory=10000
         pod p",
        expect![[r#"
            n1: 
            n2: 
            => n1
        "#]],
    );
    // Row 2: n1 fractions .75 and .5: std .125 → 87.5 → 87.
    check(
        balanced(cpu_mem()),
        "node n1 cpu=4000m memory=10000
         node n2 cpu=6000m memory=10000
         pod p c:cpu=1000m,memory=2000 c:cpu=2000m,memory=3000",
        expect![[r#"
            n1: NodeResourcesBalancedAllocation=87/87
            n2: NodeResourcesBalancedAllocation=100/100
            => n2
        "#]],
    );
    // Row 5: cpuOnly on n1, cpuAndMemory on n2.
    check(
        balanced(cpu_mem()),
        "node n1 cpu=6000m memory=10000
         node n2 cpu=6000m memory=10000
         pod e1@n1 c:cpu=1000m,memory=0 c:cpu=2000m,memory=0
         pod e2@n2 c:cpu=1000m,memory=2000 c:cpu=2000m,memory=3000
         pod p c:cpu=1000m,memory=0 c:cpu=2000m,memory=0",
        expect![[r#"
            n1: NodeResourcesBalancedAllocation=50/50
            n2: NodeResourcesBalancedAllocation=75/75
            => n2
        "#]],
    );
    // Row 6: three resources, population standard deviation.
    let gpu = json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "nvidia.com/gpu", "weight": 1}]);
    check(
        balanced(gpu.clone()),
        "node n1 cpu=3500m memory=40000 nvidia.com/gpu=8
         node n2 cpu=3500m memory=40000 nvidia.com/gpu=8
         pod e1@n1 c:cpu=1000m,memory=2000 c:cpu=2000m,memory=3000,nvidia.com/gpu=3
         pod e2@n2 c:cpu=1000m,memory=2000 c:cpu=2000m,memory=3000
         pod p c:memory=0,nvidia.com/gpu=1",
        expect![[r#"
            n1: NodeResourcesBalancedAllocation=70/70
            n2: NodeResourcesBalancedAllocation=65/65
            => n1
        "#]],
    );
    // Row 7: a GPU the pod does not request is skipped.
    check(
        balanced(gpu),
        "node n1 cpu=3500m memory=40000 nvidia.com/gpu=8
         node n2 cpu=3500m memory=40000
         pod p c:cpu=1000m,memory=2000 c:cpu=2000m,memory=3000",
        expect![[r#"
            n1: NodeResourcesBalancedAllocation=63/63
            n2: NodeResourcesBalancedAllocation=63/63
            => n1
        "#]],
    );
}

fn taint_score() -> Value {
    only(&[], &[("TaintToleration", 1)], json!([]))
}

#[test]
fn taint_toleration_score() {
    check(
        taint_score(),
        "node A taint:foo=bar:PreferNoSchedule
         node B taint:foo=blah:PreferNoSchedule
         pod p tol:foo=bar:PreferNoSchedule",
        expect![[r#"
            A: TaintToleration=0/100
            B: TaintToleration=1/0
            => A
        "#]],
    );
    check(
        taint_score(),
        "node A
         node B taint:cpu-type=arm64:PreferNoSchedule
         node C taint:cpu-type=arm64:PreferNoSchedule taint:disk-type=ssd:PreferNoSchedule
         pod p tol:cpu-type=arm64:PreferNoSchedule tol:disk-type=ssd:PreferNoSchedule",
        expect![[r#"
            A: TaintToleration=0/100
            B: TaintToleration=0/100
            C: TaintToleration=0/100
            => A
        "#]],
    );
    // Only PreferNoSchedule taints count; NoSchedule tolerations do not tolerate them.
    check(
        taint_score(),
        "node A
         node B taint:cpu-type=arm64:NoSchedule
         node C taint:cpu-type=arm64:PreferNoSchedule taint:disk-type=ssd:PreferNoSchedule
         pod p tol:cpu-type=arm64:NoSchedule tol:disk-type=ssd:NoSchedule",
        expect![[r#"
            A: TaintToleration=0/100
            B: TaintToleration=0/100
            C: TaintToleration=2/0
            => A
        "#]],
    );
    check(
        taint_score(),
        "node A
         node B taint:cpu-type=arm64:PreferNoSchedule
         pod p",
        expect![[r#"
            A: TaintToleration=0/100
            B: TaintToleration=1/0
            => A
        "#]],
    );
}

fn affinity_score() -> Value {
    only(&[], &[("NodeAffinity", 1)], json!([]))
}

const PREFERRED_ALL: &str = r#"spec:{"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[
  {"weight":2,"preference":{"matchExpressions":[{"key":"foo","operator":"In","values":["bar"]}]}},
  {"weight":4,"preference":{"matchExpressions":[{"key":"key","operator":"In","values":["value"]}]}},
  {"weight":5,"preference":{"matchExpressions":[{"key":"foo","operator":"In","values":["bar"]},{"key":"key","operator":"In","values":["value"]},{"key":"az","operator":"In","values":["az1"]}]}}]}}}"#;

#[test]
fn node_affinity_score() {
    check(
        affinity_score(),
        r#"node n1 l:foo=bar
           node n2 l:key=value
           node n3 l:az=az1
           pod p spec:{"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":2,"preference":{"matchExpressions":[{"key":"foo","operator":"In","values":["bar"]}]}}]}}}"#,
        expect![[r#"
            n1: NodeAffinity=2/100
            n2: NodeAffinity=0/0
            n3: NodeAffinity=0/0
            => n1
        "#]],
    );
    // All three terms (derived: raw 2, 11, 4 → 18, 100, 36).
    check(
        affinity_score(),
        &format!(
            "node n1 l:foo=bar
             node n5 l:foo=bar l:key=value l:az=az1
             node n2 l:key=value
             pod p {PREFERRED_ALL}"
        ),
        expect![[r#"
            n1: NodeAffinity=2/18
            n2: NodeAffinity=4/36
            n5: NodeAffinity=11/100
            => n5
        "#]],
    );
    // No affinity: PreScore Skip.
    check(
        affinity_score(),
        "node n1 l:foo=bar
         node n2
         pod p",
        expect![[r#"
            n1: 
            n2: 
            => n1
        "#]],
    );
}

#[test]
fn image_locality() {
    // Assumed upstream formula: Σ size × nodesWithImage/allNodes, clamped to
    // [23 MB, 1000 MB × containers], scaled to 0..100. 500Mi on 1 of 2 nodes: 250 MiB → 23.
    check(
        only(&[], &[("ImageLocality", 1)], json!([])),
        "node n1 image:registry/app:1.0@500Mi
         node n2 image:nginx:latest@10Mi
         node n3
         pod p img:registry/app:1.0 c: img:nginx",
        expect![[r#"
            n1: ImageLocality=7/7
            n2: ImageLocality=0/0
            n3: ImageLocality=0/0
            => n1
        "#]],
    );
}

/// A node whose status lists an image name twice (the pod's reference was already
/// registry-qualified) counts once for that image's spread: 2 of 3 nodes, not 3 of 3.
#[test]
fn image_locality_counts_each_node_once() {
    check(
        only(&[], &[("ImageLocality", 1)], json!([])),
        "node n1 image:docker.io/library/postgres:16,docker.io/library/postgres:16@900Mi
         node n2 image:docker.io/library/postgres:16@900Mi
         node n3
         pod p img:docker.io/library/postgres:16",
        expect![[r#"
            n1: ImageLocality=59/59
            n2: ImageLocality=59/59
            n3: ImageLocality=0/0
            => n1
        "#]],
    );
}

/// A resource with zero allocatable takes no part, weight included, in every strategy and in
/// BalancedAllocation: this node (no memory) scores on cpu alone.
#[test]
fn zero_allocatable_resources_are_skipped() {
    let scenario = "node a cpu=4 memory=0
         node b cpu=4 memory=0
         pod x@b c:cpu=1
         pod p c:cpu=1,memory=0";
    let fit = |strategy: serde_json::Value| {
        only(
            &[],
            &[
                ("NodeResourcesFit", 1),
                ("NodeResourcesBalancedAllocation", 1),
            ],
            json!([{"name": "NodeResourcesFit", "args": {"scoringStrategy": strategy}}]),
        )
    };
    check(
        fit(
            json!({"type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 3}]}),
        ),
        scenario,
        expect![[r#"
            a: NodeResourcesBalancedAllocation=100/100 NodeResourcesFit=75/75
            b: NodeResourcesBalancedAllocation=100/100 NodeResourcesFit=50/50
            => a
        "#]],
    );
    check(
        fit(
            json!({"type": "MostAllocated", "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 3}]}),
        ),
        scenario,
        expect![[r#"
            a: NodeResourcesBalancedAllocation=100/100 NodeResourcesFit=25/25
            b: NodeResourcesBalancedAllocation=100/100 NodeResourcesFit=50/50
            => b
        "#]],
    );
    check(
        fit(
            json!({"type": "RequestedToCapacityRatio", "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 3}],
            "requestedToCapacityRatio": {"shape": [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]}}),
        ),
        scenario,
        expect![[r#"
            a: NodeResourcesBalancedAllocation=100/100 NodeResourcesFit=25/25
            b: NodeResourcesBalancedAllocation=100/100 NodeResourcesFit=50/50
            => b
        "#]],
    );
}

#[test]
fn fast_paths_agree_with_the_general_formula() {
    use crate::plugins::noderesources::{
        balanced_score, fit_score, resource_terms, FitArgs, PodRequest, ResourceSpec,
        ScoringStrategy,
    };
    // cpu-then-memory takes the straight-line path; memory-then-cpu the general loop.
    let spec = |names: [&str; 2], w: [i64; 2]| -> Vec<ResourceSpec> {
        names
            .iter()
            .zip(w)
            .map(|(n, weight)| ResourceSpec {
                name: n.to_string(),
                weight,
            })
            .collect()
    };
    let mut checked = 0;
    for cap in ["1", "3", "7500m", "64"] {
        for mem in ["1Gi", "3000", "129M"] {
            for used in [
                "",
                "c:cpu=333m,memory=77M",
                "c:cpu=5,memory=5Gi",
                "c:memory=1",
            ] {
                for p in [
                    "",
                    "c:cpu=1",
                    "c:cpu=250m,memory=100Mi",
                    "c:cpu=7,memory=2Gi",
                ] {
                    let s = super::Scenario::parse(&format!(
                        "node n cpu={cap} memory={mem}\npod u@n {used}\npod p {p}"
                    ));
                    let snap = s.snapshot();
                    let prepared = snap.prepare();
                    let node = &prepared.nodes[0];
                    let req = PodRequest::of(&s.pod);
                    for strategy in [
                        ScoringStrategy::LeastAllocated,
                        ScoringStrategy::MostAllocated,
                    ] {
                        for w in [[1, 1], [1, 3], [5, 2]] {
                            let fast = spec(["cpu", "memory"], w);
                            let slow = spec(["memory", "cpu"], [w[1], w[0]]);
                            let args = |resources| FitArgs {
                                strategy: strategy.clone(),
                                resources,
                                ..FitArgs::default()
                            };
                            let (fa, sa) = (args(fast), args(slow));
                            assert_eq!(
                                fit_score(&fa, &resource_terms(&fa.resources, &req, false), node),
                                fit_score(&sa, &resource_terms(&sa.resources, &req, false), node),
                                "{cap} {mem} {used} {p} {strategy:?} {w:?}"
                            );
                            assert_eq!(
                                balanced_score(&resource_terms(&fa.resources, &req, true), node),
                                balanced_score(&resource_terms(&sa.resources, &req, true), node),
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 3 * 4 * 4 * 2 * 3);
}

#[test]
fn float_divisions_are_exact() {
    use crate::plugins::noderesources::{div_floor, scaled_ratio_inv};
    let mut x: u64 = 1;
    let mut next = |bits: u32| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 11) % (1u64 << bits)) as i64
    };
    for bits in [4, 10, 20, 32, 40, 45] {
        for _ in 0..20_000 {
            let whole = next(bits).max(1);
            let part = next(bits) % (whole + 1);
            assert_eq!(
                div_floor(part * 100, whole),
                part * 100 / whole,
                "{part}/{whole}"
            );
            assert_eq!(
                scaled_ratio_inv(part, whole, 1.0 / whole as f64),
                part * 100 / whole,
                "{part}/{whole}"
            );
        }
    }
    // Exact multiples, where a rounding error would show.
    for whole in 1..2000i64 {
        for k in 0..=100 {
            let part = whole * k / 100;
            assert_eq!(
                scaled_ratio_inv(part, whole, 1.0 / whole as f64),
                part * 100 / whole
            );
        }
    }
}
