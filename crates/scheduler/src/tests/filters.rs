//! The filter tables of KUBERNETES-SEMANTICS.md §2.1–§2.4, row for row.

use expect_test::{expect, Expect};
use serde_json::{json, Value};

use super::{check, only};

fn fit_filter(args: Value) -> Value {
    only(
        &["NodeResourcesFit"],
        &[],
        json!([{"name": "NodeResourcesFit", "args": args}]),
    )
}

/// TestEnoughRequests: node cpu=10m memory=20 pods=32 example.com/aaa=5, one existing pod `used`.
fn enough(pod: &str, used: &str, expect: Expect) {
    check(
        fit_filter(json!({})),
        &format!(
            "node n cpu=10m memory=20 pods=32 example.com/aaa=5
             pod used@n {used}
             pod p {pod}"
        ),
        expect,
    );
}

#[test]
fn enough_requests() {
    enough(
        "",
        "c:cpu=10m,memory=20",
        expect![[r#"
        n: 
        => n
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1",
        "c:cpu=10m,memory=20",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient cpu, Insufficient memory
        => 0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1 i:cpu=3m,memory=1",
        "c:cpu=8m,memory=19",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient cpu
        => 0/1 nodes are available: 1 Insufficient cpu.
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1 i:cpu=3m,memory=1 i:cpu=2m,memory=1",
        "c:cpu=8m,memory=19",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient cpu
        => 0/1 nodes are available: 1 Insufficient cpu.
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1 i:cpu=1m,memory=3",
        "c:cpu=9m,memory=19",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient memory
        => 0/1 nodes are available: 1 Insufficient memory.
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1 i:cpu=1m,memory=1",
        "c:cpu=9m,memory=19",
        expect![[r#"
        n: 
        => n
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1",
        "c:cpu=5m,memory=5",
        expect![[r#"
        n: 
        => n
    "#]],
    );
    enough(
        "c:cpu=2m,memory=1",
        "c:cpu=9m,memory=5",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient cpu
        => 0/1 nodes are available: 1 Insufficient cpu.
    "#]],
    );
    enough(
        "c:cpu=1m,memory=2",
        "c:cpu=5m,memory=19",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient memory
        => 0/1 nodes are available: 1 Insufficient memory.
    "#]],
    );
    enough(
        "c:cpu=5m,memory=1",
        "c:cpu=5m,memory=19",
        expect![[r#"
        n: 
        => n
    "#]],
    );
    enough(
        "c:cpu=4m,memory=1 i:cpu=5m,memory=1",
        "c:cpu=5m,memory=19",
        expect![[r#"
        n: 
        => n
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1 overhead:cpu=3m,memory=13",
        "c:cpu=5m,memory=5",
        expect![[r#"
        n: 
        => n
    "#]],
    );
    enough(
        "c:cpu=1m,memory=1 overhead:cpu=1m,memory=15",
        "c:cpu=5m,memory=5",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient memory
        => 0/1 nodes are available: 1 Insufficient memory.
    "#]],
    );
    enough(
        "c:example.com/aaa=10",
        "c:example.com/aaa=0",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient example.com/aaa
        => 0/1 nodes are available: 1 Insufficient example.com/aaa.
    "#]],
    );
    enough(
        "c:example.com/aaa=3 c:example.com/aaa=3",
        "c:example.com/aaa=2",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient example.com/aaa
        => 0/1 nodes are available: 1 Insufficient example.com/aaa.
    "#]],
    );
    enough(
        "c:example.com/bbb=1",
        "",
        expect![[r#"
        n: ✗ NodeResourcesFit: Insufficient example.com/bbb
        => 0/1 nodes are available: 1 Insufficient example.com/bbb.
    "#]],
    );
}

#[test]
fn ignored_resources() {
    let scenario = "node n cpu=10m memory=20 pods=32 example.com/aaa=5
                    pod p c:example.com/bbb=1";
    check(
        fit_filter(json!({"ignoredResources": ["example.com/bbb"]})),
        scenario,
        expect![[r#"
            n: 
            => n
        "#]],
    );
    check(
        fit_filter(json!({"ignoredResourceGroups": ["example.com"]})),
        scenario,
        expect![[r#"
            n: 
            => n
        "#]],
    );
}

#[test]
fn not_enough_requests() {
    for pod in [
        "",
        "c:cpu=1m,memory=1",
        "c:cpu=1m,memory=1 i:cpu=3m,memory=1",
    ] {
        check(
            fit_filter(json!({})),
            &format!(
                "node n cpu=10m memory=20 pods=1
                 pod used@n
                 pod p {pod}"
            ),
            expect![[r#"
                n: ✗ NodeResourcesFit: Too many pods
                => 0/1 nodes are available: 1 Too many pods.
            "#]],
        );
    }
}

fn taints(tolerations: &str, node_taints: &str, expect: Expect) {
    check(
        only(&["TaintToleration"], &[], json!([])),
        &format!("node n {node_taints}\n pod p {tolerations}"),
        expect,
    );
}

#[test]
fn taint_toleration_filter() {
    let fits = || {
        expect![[r#"
        n: 
        => n
    "#]]
    };
    let fails = || {
        expect![[r#"
        n: ✗ TaintToleration: node(s) had untolerated taint(s)
        => 0/1 nodes are available: 1 node(s) had untolerated taint(s).
    "#]]
    };
    taints("", "taint:dedicated=user1:NoSchedule", fails());
    taints(
        "tol:dedicated=user1:NoSchedule",
        "taint:dedicated=user1:NoSchedule",
        fits(),
    );
    taints(
        "tol:dedicated=user2:NoSchedule",
        "taint:dedicated=user1:NoSchedule",
        fails(),
    );
    taints("tol:foo:NoSchedule", "taint:foo=bar:NoSchedule", fits());
    taints(
        "tol:dedicated=user2:NoSchedule tol:foo:NoSchedule",
        "taint:dedicated=user2:NoSchedule taint:foo=bar:NoSchedule",
        fits(),
    );
    taints(
        "tol:foo=bar:PreferNoSchedule",
        "taint:foo=bar:NoSchedule",
        fails(),
    );
    taints("tol:foo=bar", "taint:foo=bar:NoSchedule", fits());
    taints(
        "tol:dedicated=user2:NoSchedule",
        "taint:dedicated=user1:PreferNoSchedule",
        fits(),
    );
    taints("", "taint:dedicated=user1:PreferNoSchedule", fits());
    // Lt/Gt: numeric comparison of the taint's value with the toleration's.
    taints(
        "tol:priority-level>950:NoSchedule",
        "taint:priority-level=800:NoSchedule",
        fails(),
    );
    taints("tol:sla>750:NoSchedule", "taint:sla=950:NoSchedule", fits());
    taints(
        "tol:priority-level<800:NoSchedule",
        "taint:priority-level=950:NoSchedule",
        fails(),
    );
    taints(
        "tol:priority-level<800:NoSchedule",
        "taint:priority-level=700:NoSchedule",
        fits(),
    );
    taints(
        "tol:sla>750:NoSchedule",
        "taint:sla=high:NoSchedule",
        fails(),
    );
    // NoExecute is filtered too.
    taints("", "taint:k=v:NoExecute", fails());
}

#[test]
fn node_unschedulable_and_node_name() {
    let cfg = || only(&["NodeUnschedulable", "NodeName"], &[], json!([]));
    check(
        cfg(),
        "node a unschedulable
         node b
         pod p",
        expect![[r#"
            a: ✗ NodeUnschedulable: node(s) were unschedulable
            b: 
            => b
        "#]],
    );
    check(
        cfg(),
        "node a unschedulable
         pod p tol:node.kubernetes.io/unschedulable:NoSchedule",
        expect![[r#"
            a: 
            => a
        "#]],
    );
    check(
        cfg(),
        "node a
         node b
         pod p nodename:b",
        expect![[r#"
            a: ✗ NodeName: node(s) didn't match the requested node name
            b: 
            => b
        "#]],
    );
}

fn affinity(spec: &str, expect: Expect) {
    check(
        only(&["NodeAffinity"], &[], json!([])),
        &format!(
            "node a l:zone=z1 l:disk=ssd l:gen=5
             node b l:zone=z2 l:gen=3
             node c
             pod p {spec}"
        ),
        expect,
    );
}

#[test]
fn node_affinity_filter() {
    affinity(
        r#"spec:{"nodeSelector":{"disk":"ssd"}}"#,
        expect![[r#"
        a: 
        b: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
        c: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
        => a
    "#]],
    );
    // Terms are ORed, expressions within a term ANDed.
    affinity(
        r#"spec:{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
            {"matchExpressions":[{"key":"zone","operator":"In","values":["z1"]},{"key":"disk","operator":"DoesNotExist"}]},
            {"matchExpressions":[{"key":"gen","operator":"Gt","values":["2"]}]}]}}}}"#,
        expect![[r#"
            a: 
            b: 
            c: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
            => a
        "#]],
    );
    // nodeSelector AND affinity; matchFields on metadata.name (c is not a candidate at all:
    // NodeAffinity's PreFilter result leaves it out, so it has no record).
    affinity(
        r#"spec:{"nodeSelector":{"zone":"z2"},"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
            {"matchFields":[{"key":"metadata.name","operator":"In","values":["a","b"]}]}]}}}}"#,
        expect![[r#"
            a: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
            b: 
            => b
        "#]],
    );
    // An empty term matches nothing.
    affinity(
        r#"spec:{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{}]}}}}"#,
        expect![[r#"
            a: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
            b: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
            c: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
            => 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.
        "#]],
    );
    // No selector and no required affinity: PreFilter Skip, not in the record.
    affinity(
        "",
        expect![[r#"
        a: 
        b: 
        c: 
        => a
    "#]],
    );
}

/// `NodeAffinityArgs.addedAffinity`: its required terms filter every pod of the profile (with
/// their own reason, before the pod's own affinity), its preferred terms add to the score.
#[test]
fn node_affinity_added_affinity() {
    let args = |added: Value| {
        only(
            &["NodeAffinity"],
            &[("NodeAffinity", 2)],
            json!([{"name": "NodeAffinity", "args": {"addedAffinity": added}}]),
        )
    };
    let scenario = "node a cpu=1 l:disk=ssd
         node b cpu=1 l:disk=hdd
         node c cpu=1 l:disk=ssd l:gpu=true
         pod p c: spec:{\"nodeSelector\": {\"disk\": \"ssd\"}}";
    check(
        args(
            json!({"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "gpu", "operator": "DoesNotExist"}]}]}}),
        ),
        scenario,
        expect![[r#"
            a: 
            b: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
            c: ✗ NodeAffinity: node(s) didn't match scheduler-enforced node affinity
            => a
        "#]],
    );
    check(
        args(json!({"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 30, "preference": {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}}]})),
        scenario,
        expect![[r#"
            a: NodeAffinity=0/0
            b: ✗ NodeAffinity: node(s) didn't match Pod's node affinity/selector
            c: NodeAffinity=30/200
            => c
        "#]],
    );
}

/// NodePorts: a host port (protocol, address) held by a pod on the node; a wildcard address
/// conflicts with any, distinct specific addresses or protocols do not. Without host ports the
/// plugin's PreFilter skips (no record).
#[test]
fn node_ports() {
    let port = |p: &str| {
        format!("spec:{{\"containers\": [{{\"name\": \"c\", \"image\": \"nginx\", \"ports\": [{p}]}}]}}")
    };
    let scenario = format!(
        "node a cpu=1
         node b cpu=1
         node c cpu=1
         node d cpu=1
         pod x@a {}
         pod y@b {}
         pod z@c {}
         pod p {}",
        port(r#"{"containerPort": 80, "hostPort": 8080}"#),
        port(r#"{"containerPort": 80, "hostPort": 8080, "hostIP": "10.0.0.1"}"#),
        port(r#"{"containerPort": 80, "hostPort": 8080, "protocol": "UDP"}"#),
        port(r#"{"containerPort": 80, "hostPort": 8080, "hostIP": "10.0.0.2"}"#),
    );
    check(
        only(&["NodePorts"], &[], json!([])),
        &scenario,
        expect![[r#"
            a: ✗ NodePorts: node(s) didn't have free ports for the requested pod ports
            b: 
            c: 
            d: 
            => b
        "#]],
    );
    check(
        only(&["NodePorts"], &[], json!([])),
        "node a cpu=1
         pod p c:",
        expect![[r#"
            a: 
            => a
        "#]],
    );
}

/// NodeAffinity's PreFilter result: `matchFields` on `metadata.name` narrows the nodes filtered
/// at all; the others have no record and count in the FitError as not satisfying the plugin.
#[test]
fn node_affinity_prefilter_result() {
    let pod = |terms: &str| {
        format!(
            "pod p c:cpu=2 spec:{{\"affinity\": {{\"nodeAffinity\": {{\"requiredDuringSchedulingIgnoredDuringExecution\": {{\"nodeSelectorTerms\": [{terms}]}}}}}}}}"
        )
    };
    let nodes = "node a cpu=1\nnode b cpu=1\nnode c cpu=4\n";
    let field = |v: &str| {
        format!(
            r#"{{"matchFields": [{{"key": "metadata.name", "operator": "In", "values": [{v}]}}]}}"#
        )
    };
    // Only a and b are candidates: both lack cpu; c is left out.
    check(
        json!({}),
        &format!("{nodes}{}", pod(&field(r#""a", "b""#))),
        expect![[r#"
            a: ✗ NodeResourcesFit: Insufficient cpu
            b: ✗ NodeResourcesFit: Insufficient cpu
            => 0/3 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity], 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
        "#]],
    );
    // A term without node names makes every node a candidate.
    check(
        json!({}),
        &format!(
            "{nodes}{}",
            pod(&format!(
                r#"{}, {{"matchExpressions": [{{"key": "x", "operator": "DoesNotExist"}}]}}"#,
                field(r#""a""#)
            ))
        ),
        expect![[r#"
            a: ✗ NodeResourcesFit: Insufficient cpu
            b: ✗ NodeResourcesFit: Insufficient cpu
            c: 
            => c
        "#]],
    );
}
