//! The scheduler tables of KUBERNETES-SEMANTICS.md §1–§2 through the path a user takes: Node
//! objects whose status gives the machine, existing pods bound with `spec.nodeName`, an incoming
//! pod, and the decision read back from the kube-scheduler-simulator annotations.
//!
//! Rows whose incoming pod cannot exist through the API (a pod with no containers fails
//! validation) or cannot pass the filters (upstream's score tests skip filtering) are covered at
//! unit level in kubeplay-scheduler only.

use std::collections::BTreeMap;

use kubeplay_api::{parse_documents, Kind, Object};
use kubeplay_engine::{Cluster, ClusterConfig};

/// A Node manifest: its name, capacity, and extra YAML (metadata lines or a `spec:` block).
struct Node {
    name: String,
    cpu: String,
    memory: String,
    extra: String,
}

fn node(name: &str, cpu: &str, memory: &str) -> Node {
    Node {
        name: name.into(),
        cpu: cpu.into(),
        memory: memory.into(),
        extra: String::new(),
    }
}

fn node_yaml(n: &Node) -> String {
    // `extra` is either metadata lines (indented labels) or a top-level `spec:` block.
    let (meta, spec) = if n.extra.starts_with("spec:") {
        ("", n.extra.as_str())
    } else {
        (n.extra.as_str(), "")
    };
    format!(
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: \"{}\"\n{meta}{spec}status:\n  capacity:\n    cpu: \"{}\"\n    memory: \"{}\"\n    pods: \"110\"\n---\n",
        n.name, n.cpu, n.memory
    )
}

/// Containers with the given (cpu, memory) requests; `memory` of "" leaves it unset.
fn containers(reqs: &[(&str, &str)]) -> String {
    reqs.iter()
        .enumerate()
        .map(|(i, (cpu, mem))| {
            let mut r = String::new();
            if !cpu.is_empty() {
                r.push_str(&format!("        cpu: \"{cpu}\"\n"));
            }
            if !mem.is_empty() {
                r.push_str(&format!("        memory: \"{mem}\"\n"));
            }
            let res = if r.is_empty() {
                "    resources: {}\n".to_string()
            } else {
                format!("    resources:\n      requests:\n{r}")
            };
            format!("  - name: c{i}\n    image: registry.k8s.io/pause:3.10\n{res}")
        })
        .collect()
}

fn pod_yaml(
    name: &str,
    node: &str,
    reqs: &[(&str, &str)],
    spec_extra: &str,
    labels: &str,
) -> String {
    let node_line = if node.is_empty() {
        String::new()
    } else {
        format!("  nodeName: \"{node}\"\n")
    };
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    run: {name}\n{labels}spec:\n{node_line}{spec_extra}  containers:\n{}---\n",
        containers(reqs)
    )
}

/// The FitError part of a FailedScheduling message, without the PostFilter text that follows
/// it (upstream's tables give the FitError alone).
fn fit_error(message: &str) -> String {
    match message.find(". ") {
        Some(i) => message[..=i].to_string(),
        None => message.to_string(),
    }
}

fn apply(c: &mut Cluster, yaml: &str) {
    for v in parse_documents(yaml).expect("YAML") {
        c.apply(Object::from_value(v).expect("kind"))
            .expect("accepted");
    }
}

/// Builds the cluster, schedules `incoming`, and returns its annotations.
fn schedule(
    nodes: &[Node],
    existing: &[(&str, Vec<(&str, &str)>)],
    incoming: &str,
    config: Option<&str>,
) -> (Cluster, BTreeMap<String, String>) {
    let mut c = Cluster::new(ClusterConfig {
        seed: 1,
        record_trace: false,
    });
    if let Some(cfg) = config {
        let v = parse_documents(cfg).unwrap().remove(0);
        c.set_scheduler_config(&v).expect("valid configuration");
    }
    let yaml: String = nodes.iter().map(node_yaml).collect();
    apply(&mut c, &yaml);
    for (i, (n, reqs)) in existing.iter().enumerate() {
        apply(&mut c, &pod_yaml(&format!("existing-{i}"), n, reqs, "", ""));
    }
    c.advance(1_000);
    apply(&mut c, incoming);
    c.advance(1_000);
    let name = parse_documents(incoming).unwrap()[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let anns = match c.get(Kind::Pod, "default", &name) {
        Ok(Object::Pod(p)) => p.metadata.annotations.clone(),
        _ => panic!("no pod"),
    };
    (c, anns)
}

fn scores(anns: &BTreeMap<String, String>, key: &str, plugin: &str) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(anns.get(key).map(String::as_str).unwrap_or("{}")).unwrap();
    let m = v.as_object().cloned().unwrap_or_default();
    m.iter()
        .map(|(_, per)| {
            per.get(plugin)
                .and_then(|s| s.as_str())
                .unwrap_or("-")
                .to_string()
        })
        .collect()
}

const MOST_ALLOCATED: &str = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: MostAllocated\n        resources:\n        - name: cpu\n          weight: 1\n        - name: memory\n          weight: MEMW\n";

#[test]
fn least_allocated_rows() {
    // Row 2: 37, 50.
    let nodes = [
        node("node1", "4000m", "10000"),
        node("node2", "6000m", "10000"),
    ];
    let (_, anns) = schedule(
        &nodes,
        &[],
        &pod_yaml("p", "", &[("1000m", "2000"), ("2000m", "3000")], "", ""),
        None,
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["37", "50"]
    );
    assert_eq!(
        anns.get("scheduler-simulator/selected-node")
            .map(String::as_str),
        Some("node2")
    );
}

#[test]
fn most_allocated_rows() {
    let cfg = MOST_ALLOCATED.replace("MEMW", "1");
    // Row 2: 62, 50.
    let nodes = [
        node("node1", "4000m", "10000"),
        node("node2", "6000m", "10000"),
    ];
    let (_, anns) = schedule(
        &nodes,
        &[],
        &pod_yaml("p", "", &[("3000m", "5000")], "", ""),
        Some(&cfg),
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["62", "50"]
    );
    // Row 4: 42, 55 with existing pods.
    let nodes = [
        node("node1", "10000m", "20000"),
        node("node2", "10000m", "20000"),
    ];
    let existing = [
        ("node1", vec![("3000m", "0")]),
        ("node2", vec![("3000m", "5000")]),
    ];
    let (_, anns) = schedule(
        &nodes,
        &existing,
        &pod_yaml("p", "", &[("3000m", "5000")], "", ""),
        Some(&cfg),
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["42", "55"]
    );
    // Row 6: memory weight 2 → 58, 50.
    let cfg = MOST_ALLOCATED.replace("MEMW", "2");
    let nodes = [
        node("node1", "4000m", "10000"),
        node("node2", "6000m", "10000"),
    ];
    let (_, anns) = schedule(
        &nodes,
        &[],
        &pod_yaml("p", "", &[("3000m", "5000")], "", ""),
        Some(&cfg),
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["58", "50"]
    );
}

#[test]
fn balanced_allocation_row_2() {
    let nodes = [
        node("node1", "4000m", "10000"),
        node("node2", "6000m", "10000"),
    ];
    let (_, anns) = schedule(
        &nodes,
        &[],
        &pod_yaml("p", "", &[("1000m", "2000"), ("2000m", "3000")], "", ""),
        None,
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesBalancedAllocation"
        ),
        ["87", "100"]
    );
}

fn tainted(name: &str, taints: &[&str]) -> Node {
    let mut extra = String::from("spec:\n  taints:\n");
    for t in taints {
        let (kv, effect) = t.rsplit_once(':').unwrap();
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        extra.push_str(&format!(
            "  - key: {k}\n    value: \"{v}\"\n    effect: {effect}\n"
        ));
    }
    if taints.is_empty() {
        extra.clear();
    }
    Node {
        extra,
        ..node(name, "4", "8Gi")
    }
}

fn tolerations(ts: &[&str]) -> String {
    let mut s = String::from("  tolerations:\n");
    for t in ts {
        // key[=value|:Exists][:Effect] | key Op value:Effect
        let (body, effect) = t.rsplit_once(':').unwrap_or((t, ""));
        let (key, op, value) = if let Some((k, v)) = body.split_once('=') {
            (k, "Equal", v)
        } else if let Some((k, rest)) = body.split_once(' ') {
            let (op, v) = rest.split_once(' ').unwrap();
            (k, op, v)
        } else {
            (body, "Exists", "")
        };
        s.push_str(&format!("  - key: {key}\n    operator: {op}\n"));
        if !value.is_empty() {
            s.push_str(&format!("    value: \"{value}\"\n"));
        }
        if !effect.is_empty() {
            s.push_str(&format!("    effect: {effect}\n"));
        }
    }
    if ts.is_empty() {
        s.clear();
    }
    s
}

#[test]
fn taint_toleration_score_rows() {
    // pod tolerations, nodes' taints, expected normalised scores (final score / weight 3)
    let rows: &[(&[&str], &[&[&str]], &[&str])] = &[
        (
            &["foo=bar:PreferNoSchedule"],
            &[
                &["foo=bar:PreferNoSchedule"],
                &["foo=blah:PreferNoSchedule"],
            ],
            &["300", "0"],
        ),
        (
            &[
                "cpu-type=arm64:PreferNoSchedule",
                "disk-type=ssd:PreferNoSchedule",
            ],
            &[
                &[],
                &["cpu-type=arm64:PreferNoSchedule"],
                &[
                    "cpu-type=arm64:PreferNoSchedule",
                    "disk-type=ssd:PreferNoSchedule",
                ],
            ],
            &["300", "300", "300"],
        ),
        (
            &["cpu-type:NoSchedule", "disk-type:NoSchedule"],
            &[
                &[],
                &["cpu-type=arm64:NoSchedule"],
                &[
                    "cpu-type=arm64:PreferNoSchedule",
                    "disk-type=ssd:PreferNoSchedule",
                ],
            ],
            &["300", "300", "0"],
        ),
        (
            &[],
            &[&[], &["cpu-type=arm64:PreferNoSchedule"]],
            &["300", "0"],
        ),
    ];
    for (tols, node_taints, want) in rows {
        let nodes: Vec<Node> = node_taints
            .iter()
            .enumerate()
            .map(|(i, t)| tainted(&format!("node{}", (b'a' + i as u8) as char), t))
            .collect();
        let tol = tolerations(tols);
        let (_, anns) = schedule(
            &nodes,
            &[],
            &pod_yaml("p", "", &[("100m", "100Mi")], &tol, ""),
            None,
        );
        assert_eq!(
            scores(
                &anns,
                "scheduler-simulator/finalscore-result",
                "TaintToleration"
            ),
            *want,
            "tolerations {tols:?}"
        );
    }
}

#[test]
fn taint_toleration_filter_rows() {
    let rows: &[(&[&str], &str, bool)] = &[
        (&[], "dedicated=user1:NoSchedule", false),
        (
            &["dedicated=user1:NoSchedule"],
            "dedicated=user1:NoSchedule",
            true,
        ),
        (
            &["dedicated=user2:NoSchedule"],
            "dedicated=user1:NoSchedule",
            false,
        ),
        (&["foo:NoSchedule"], "foo=bar:NoSchedule", true),
        (&["foo=bar:PreferNoSchedule"], "foo=bar:NoSchedule", false),
        (&["foo=bar"], "foo=bar:NoSchedule", true),
        (
            &["dedicated=user2:NoSchedule"],
            "dedicated=user1:PreferNoSchedule",
            true,
        ),
        (&[], "dedicated=user1:PreferNoSchedule", true),
        (
            &["priority-level Gt 950:NoSchedule"],
            "priority-level=800:NoSchedule",
            false,
        ),
        (&["sla Gt 750:NoSchedule"], "sla=950:NoSchedule", true),
        (
            &["priority-level Lt 800:NoSchedule"],
            "priority-level=950:NoSchedule",
            false,
        ),
    ];
    for (tols, taint, fits) in rows {
        let nodes = [tainted("node1", &[taint])];
        let (c, anns) = schedule(
            &nodes,
            &[],
            &pod_yaml("p", "", &[("100m", "100Mi")], &tolerations(tols), ""),
            None,
        );
        let verdict = scores(
            &anns,
            "scheduler-simulator/filter-result",
            "TaintToleration",
        );
        let bound = matches!(c.get(Kind::Pod, "default", "p"), Ok(Object::Pod(p)) if !p.spec.node_name.is_empty());
        assert_eq!(
            bound, *fits,
            "tolerations {tols:?} taint {taint}: {verdict:?}"
        );
        let want = if *fits {
            "passed"
        } else {
            "node(s) had untolerated taint(s)"
        };
        assert_eq!(verdict, [want], "tolerations {tols:?} taint {taint}");
    }
}

/// `TestEnoughRequests` through the API: one node of cpu 10m, memory 20, pods 32.
#[test]
fn enough_requests_rows() {
    // incoming (containers, init containers), existing usage, expected FitError or "fits"
    let rows: &[(&[(&str, &str)], &[(&str, &str)], (&str, &str), &str)] = &[
        (
            &[("1m", "1")],
            &[],
            ("10m", "20"),
            "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.",
        ),
        (
            &[("1m", "1")],
            &[("3m", "1")],
            ("8m", "19"),
            "0/1 nodes are available: 1 Insufficient cpu.",
        ),
        (
            &[("1m", "1")],
            &[("3m", "1"), ("2m", "1")],
            ("8m", "19"),
            "0/1 nodes are available: 1 Insufficient cpu.",
        ),
        (
            &[("1m", "1")],
            &[("1m", "3")],
            ("9m", "19"),
            "0/1 nodes are available: 1 Insufficient memory.",
        ),
        (&[("1m", "1")], &[("1m", "1")], ("9m", "19"), "fits"),
        (&[("1m", "1")], &[], ("5m", "5"), "fits"),
        (
            &[("2m", "1")],
            &[],
            ("9m", "5"),
            "0/1 nodes are available: 1 Insufficient cpu.",
        ),
        (
            &[("1m", "2")],
            &[],
            ("5m", "19"),
            "0/1 nodes are available: 1 Insufficient memory.",
        ),
        (&[("5m", "1")], &[], ("5m", "19"), "fits"),
        (&[("4m", "1")], &[("5m", "1")], ("5m", "19"), "fits"),
    ];
    for (reqs, inits, used, want) in rows {
        let nodes = [node("node1", "10m", "20")];
        let init = if inits.is_empty() {
            String::new()
        } else {
            format!(
                "  initContainers:\n{}",
                containers(inits).replace("  - name: c", "  - name: init")
            )
        };
        let (c, _) = schedule(
            &nodes,
            &[("node1", vec![*used])],
            &pod_yaml("p", "", reqs, &init, ""),
            None,
        );
        let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
            panic!()
        };
        let got = if p.spec.node_name.is_empty() {
            p.condition("PodScheduled")
                .map(|c| fit_error(&c.message))
                .unwrap_or_default()
        } else {
            "fits".to_string()
        };
        assert_eq!(&got, want, "pod {reqs:?} init {inits:?} used {used:?}");
    }
}

#[test]
fn too_many_pods() {
    let nodes = [node("node1", "4", "8Gi")];
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &node_yaml(&nodes[0]).replace("pods: \"110\"", "pods: \"1\""),
    );
    apply(&mut c, &pod_yaml("existing", "node1", &[("", "")], "", ""));
    apply(&mut c, &pod_yaml("p", "", &[("", "")], "", ""));
    c.advance(1_000);
    let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
        panic!()
    };
    // "Too many pods" is resolvable: preemption looks for victims (and finds none).
    let message = "0/1 nodes are available: 1 Too many pods. no new claims to deallocate, \
                   preemption: 0/1 nodes are available: 1 No preemption victims found for \
                   incoming pod.";
    assert_eq!(p.condition("PodScheduled").unwrap().message, message);
    // The FailedScheduling event carries the same text.
    let events: Vec<String> = c
        .list(Kind::Event, Some("default"), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) if e.reason == "FailedScheduling" => Some(e.message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(events, [message]);
}

#[test]
fn fit_error_with_taints_and_resources() {
    let mut nodes = vec![node("node1", "1", "8Gi")];
    nodes.push(tainted("node2", &["dedicated=db:NoSchedule"]));
    nodes.push(tainted("node3", &["dedicated=db:NoSchedule"]));
    let (c, _) = schedule(
        &nodes,
        &[],
        &pod_yaml("p", "", &[("2", "1Gi")], "", ""),
        None,
    );
    let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
        panic!()
    };
    // 2 cpus on a 1-cpu node and untolerated taints: no eviction could help anywhere.
    assert_eq!(
        p.condition("PodScheduled").unwrap().message,
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s). \
         no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not \
         helpful for scheduling."
    );
}

fn labelled(name: &str, labels: &[(&str, &str)]) -> Node {
    let mut extra = String::new();
    if !labels.is_empty() {
        extra = String::from("  labels:\n");
        for (k, v) in labels {
            extra.push_str(&format!("    {k}: \"{v}\"\n"));
        }
    }
    // Labels belong under metadata: node_yaml puts `extra` right after the name.
    Node {
        extra,
        ..node(name, "4", "8Gi")
    }
}

/// `TestSingleConstraint` rows through the API: nodes a, b in zone1 and x, y in zone2.
#[test]
fn topology_spread_filter_rows() {
    let constraint = |key: &str, skew: i32| {
        format!("  topologySpreadConstraints:\n  - maxSkew: {skew}\n    topologyKey: {key}\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector:\n      matchExpressions:\n      - key: foo\n        operator: Exists\n")
    };
    // existing foo pods per node (a, b, x, y), constraint, expected node set the pod may land on
    let rows: &[(&[usize; 4], &str, i32, &[&str])] = &[
        (&[0, 0, 0, 0], "zone", 1, &["a", "b", "x", "y"]),
        (&[2, 1, 0, 3], "zone", 1, &["a", "b", "x", "y"]),
        (&[2, 1, 0, 3], "node", 1, &["x"]),
        (&[2, 1, 0, 3], "node", 2, &["b", "x"]),
    ];
    for (counts, key, skew, want) in rows {
        let nodes: Vec<Node> = ["a", "b", "x", "y"]
            .iter()
            .map(|n| {
                labelled(
                    n,
                    &[
                        (
                            "zone",
                            if *n == "a" || *n == "b" {
                                "zone1"
                            } else {
                                "zone2"
                            },
                        ),
                        ("node", n),
                    ],
                )
            })
            .collect();
        let mut existing_yaml = String::new();
        for (i, n) in ["a", "b", "x", "y"].iter().enumerate() {
            for j in 0..counts[i] {
                existing_yaml.push_str(&pod_yaml(
                    &format!("e-{n}-{j}"),
                    n,
                    &[("100m", "100Mi")],
                    "",
                    "    foo: \"\"\n",
                ));
            }
        }
        let mut c = Cluster::new(ClusterConfig::default());
        apply(&mut c, &nodes.iter().map(node_yaml).collect::<String>());
        apply(&mut c, &existing_yaml);
        c.advance(1_000);
        apply(
            &mut c,
            &pod_yaml(
                "p",
                "",
                &[("100m", "100Mi")],
                &constraint(key, *skew),
                "    foo: \"\"\n",
            ),
        );
        c.advance(1_000);
        let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
            panic!()
        };
        let filter: serde_json::Value =
            serde_json::from_str(&p.metadata.annotations["scheduler-simulator/filter-result"])
                .unwrap();
        let fits: Vec<&str> = ["a", "b", "x", "y"]
            .into_iter()
            .filter(|n| {
                filter[*n]
                    .as_object()
                    .is_some_and(|m| m.values().all(|v| v == "passed"))
            })
            .collect();
        assert_eq!(&fits, want, "counts {counts:?} {key} skew {skew}");
    }
}

const ZERO: (&str, &str) = ("0", "0");

/// Rows whose incoming pod is "none" upstream: through the API that is a pod whose requests are
/// explicitly zero (the scheduler's non-zero defaults apply only to absent keys, §1.4).
#[test]
fn zero_request_rows() {
    // LeastAllocated row 1: 100, 100.
    let nodes = [
        node("node1", "4000m", "10000"),
        node("node2", "4000m", "10000"),
    ];
    let (_, anns) = schedule(&nodes, &[], &pod_yaml("p", "", &[ZERO], "", ""), None);
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["100", "100"]
    );
    // BalancedAllocation row 1: a pod that requests nothing skips the plugin (PreScore Skip).
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesBalancedAllocation"
        ),
        ["-", "-"]
    );
    // LeastAllocated row 3: two empty pods on each node change nothing.
    let existing = [
        ("node1", vec![ZERO]),
        ("node1", vec![ZERO]),
        ("node2", vec![ZERO]),
        ("node2", vec![ZERO]),
    ];
    let (_, anns) = schedule(&nodes, &existing, &pod_yaml("p", "", &[ZERO], "", ""), None);
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["100", "100"]
    );
    // LeastAllocated row 4: 70, 57.
    let big = [
        node("node1", "10000m", "20000"),
        node("node2", "10000m", "20000"),
    ];
    let existing = [
        ("node1", vec![("3000m", "0")]),
        ("node1", vec![("3000m", "0")]),
        ("node2", vec![("3000m", "0")]),
        ("node2", vec![("3000m", "5000")]),
    ];
    let (_, anns) = schedule(&big, &existing, &pod_yaml("p", "", &[ZERO], "", ""), None);
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["70", "57"]
    );
    // MostAllocated row 3: 30, 42.
    let cfg = MOST_ALLOCATED.replace("MEMW", "1");
    let (_, anns) = schedule(
        &big,
        &existing,
        &pod_yaml("p", "", &[ZERO], "", ""),
        Some(&cfg),
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["30", "42"]
    );
}

#[test]
fn requested_to_capacity_ratio_rows() {
    let cfg = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: RequestedToCapacityRatio\n        resources:\n        - name: cpu\n          weight: 1\n        - name: memory\n          weight: 1\n        requestedToCapacityRatio:\n          shape:\n          - utilization: 0\n            score: 10\n          - utilization: 100\n            score: 0\n";
    // Row 1: two empty pods on node1 → 100, 100.
    let nodes = [
        node("node1", "4000m", "10000"),
        node("node2", "4000m", "10000"),
    ];
    let existing = [("node1", vec![ZERO]), ("node1", vec![ZERO])];
    let (_, anns) = schedule(
        &nodes,
        &existing,
        &pod_yaml("p", "", &[ZERO], "", ""),
        Some(cfg),
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["100", "100"]
    );
    // Row 3: (3000,5000) on each of 4000/6000 CPU nodes → 38, 50 (round, not floor).
    let nodes = [
        node("node1", "4000m", "10000"),
        node("node2", "6000m", "10000"),
    ];
    let existing = [
        ("node1", vec![("3000m", "5000")]),
        ("node2", vec![("3000m", "5000")]),
    ];
    let (_, anns) = schedule(
        &nodes,
        &existing,
        &pod_yaml("p", "", &[ZERO], "", ""),
        Some(cfg),
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesFit"
        ),
        ["38", "50"]
    );
}

#[test]
fn node_affinity_rows() {
    // Score: only the weight-2 `foo In [bar]` term; the node with foo=bar gets 100 (× weight 2).
    let nodes = [
        labelled("node1", &[("foo", "bar")]),
        labelled("node2", &[("key", "value")]),
        labelled("node3", &[("az", "az1")]),
    ];
    let preferred = "  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 2\n        preference:\n          matchExpressions:\n          - key: foo\n            operator: In\n            values: [bar]\n";
    let (_, anns) = schedule(
        &nodes,
        &[],
        &pod_yaml("p", "", &[("100m", "100Mi")], preferred, ""),
        None,
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/finalscore-result",
            "NodeAffinity"
        ),
        ["200", "0", "0"]
    );
    // No preferred terms: PreScore Skip, the plugin is absent from the scores.
    let (_, anns) = schedule(
        &nodes,
        &[],
        &pod_yaml("p", "", &[("100m", "100Mi")], "", ""),
        None,
    );
    assert_eq!(
        scores(&anns, "scheduler-simulator/score-result", "NodeAffinity"),
        ["-", "-", "-"]
    );
    // Filter: nodeSelector and required terms (terms ORed, expressions ANDed).
    let rows: &[(&str, &[&str])] = &[
        ("  nodeSelector:\n    foo: bar\n", &["node1"]),
        ("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - key: foo\n            operator: Exists\n        - matchExpressions:\n          - key: az\n            operator: In\n            values: [az1]\n", &["node1", "node3"]),
        ("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - key: foo\n            operator: DoesNotExist\n          - key: key\n            operator: NotIn\n            values: [value]\n", &["node3"]),
    ];
    for (spec, want) in rows {
        let (_, anns) = schedule(
            &nodes,
            &[],
            &pod_yaml("p", "", &[("100m", "100Mi")], spec, ""),
            None,
        );
        let filter: serde_json::Value =
            serde_json::from_str(&anns["scheduler-simulator/filter-result"]).unwrap();
        let fits: Vec<&str> = ["node1", "node2", "node3"]
            .into_iter()
            .filter(|n| filter[*n]["NodeAffinity"] == "passed")
            .collect();
        assert_eq!(&fits, want, "{spec}");
        let failed: Vec<&str> = ["node1", "node2", "node3"]
            .into_iter()
            .filter(|n| !fits.contains(n))
            .collect();
        for n in failed {
            assert_eq!(
                filter[n]["NodeAffinity"],
                "node(s) didn't match Pod's node affinity/selector"
            );
        }
    }
}

/// `TestPodTopologySpreadScore`: counts 2/1/0/3 on a/b/c/d, hostname, maxSkew 1 → 20, 60, 100, 0.
#[test]
fn topology_spread_score_row() {
    let nodes: Vec<Node> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| labelled(n, &[("kubernetes.io/hostname", n)]))
        .collect();
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &nodes.iter().map(node_yaml).collect::<String>());
    let mut existing = String::new();
    for (n, count) in [("a", 2), ("b", 1), ("c", 0), ("d", 3)] {
        for j in 0..count {
            existing.push_str(&pod_yaml(
                &format!("e-{n}-{j}"),
                n,
                &[("100m", "100Mi")],
                "",
                "    foo: \"\"\n",
            ));
        }
    }
    apply(&mut c, &existing);
    c.advance(1_000);
    let constraint = "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n    whenUnsatisfiable: ScheduleAnyway\n    labelSelector:\n      matchExpressions:\n      - key: foo\n        operator: Exists\n";
    apply(
        &mut c,
        &pod_yaml("p", "", &[("100m", "100Mi")], constraint, "    foo: \"\"\n"),
    );
    c.advance(1_000);
    let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
        panic!()
    };
    // Normalised × weight 2.
    assert_eq!(
        scores(
            &p.metadata.annotations,
            "scheduler-simulator/finalscore-result",
            "PodTopologySpread"
        ),
        ["40", "120", "200", "0"]
    );
}

/// BalancedAllocation rows 5 and 6 (pre-1.36 formula).
#[test]
fn balanced_allocation_rows_5_and_6() {
    // Row 5: cpuOnly on node1, cpuAndMemory on node2, incoming cpuOnly → 50, 75.
    let nodes = [
        node("node1", "6000m", "10000"),
        node("node2", "6000m", "10000"),
    ];
    let existing = [
        ("node1", vec![("1000m", "0"), ("2000m", "0")]),
        ("node2", vec![("1000m", "2000"), ("2000m", "3000")]),
    ];
    let (_, anns) = schedule(
        &nodes,
        &existing,
        &pod_yaml("p", "", &[("1000m", "0"), ("2000m", "0")], "", ""),
        None,
    );
    assert_eq!(
        scores(
            &anns,
            "scheduler-simulator/score-result",
            "NodeResourcesBalancedAllocation"
        ),
        ["50", "75"]
    );
    // Row 6: three resources (a GPU), population standard deviation → 70, 65.
    let cfg = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n  pluginConfig:\n  - name: NodeResourcesBalancedAllocation\n    args:\n      resources:\n      - name: cpu\n        weight: 1\n      - name: memory\n        weight: 1\n      - name: nvidia.com/gpu\n        weight: 1\n";
    let gpu = |n: &str| node(n, "3500m", "40000");
    let nodes = [gpu("node1"), gpu("node2")];
    let mut c = Cluster::new(ClusterConfig::default());
    c.set_scheduler_config(&parse_documents(cfg).unwrap().remove(0))
        .unwrap();
    let yaml: String = nodes.iter().map(node_yaml).collect::<String>().replace(
        "    pods: \"110\"\n",
        "    pods: \"110\"\n    nvidia.com/gpu: \"8\"\n",
    );
    apply(&mut c, &yaml);
    let gpu_pod = |name: &str, node: &str, reqs: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: {node}\n  containers:\n{reqs}---\n")
    };
    let c1 = "  - name: a\n    image: registry.k8s.io/pause:3.10\n    resources:\n      requests:\n        cpu: 1000m\n        memory: \"2000\"\n";
    let c2 = |gpu: &str| {
        format!("  - name: b\n    image: registry.k8s.io/pause:3.10\n    resources:\n      requests:\n        cpu: 2000m\n        memory: \"3000\"\n{gpu}")
    };
    apply(
        &mut c,
        &gpu_pod(
            "e1",
            "node1",
            &format!(
                "{c1}{}",
                c2("        nvidia.com/gpu: \"3\"\n      limits:\n        nvidia.com/gpu: \"3\"\n")
            ),
        ),
    );
    apply(&mut c, &gpu_pod("e2", "node2", &format!("{c1}{}", c2(""))));
    c.advance(1_000);
    let incoming = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: registry.k8s.io/pause:3.10\n    resources:\n      requests:\n        memory: \"0\"\n        nvidia.com/gpu: \"1\"\n      limits:\n        nvidia.com/gpu: \"1\"\n";
    apply(&mut c, incoming);
    c.advance(1_000);
    let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
        panic!()
    };
    assert_eq!(
        scores(
            &p.metadata.annotations,
            "scheduler-simulator/score-result",
            "NodeResourcesBalancedAllocation"
        ),
        ["70", "65"]
    );
}

/// TestEnoughRequests' extended-resource rows: node example.com/aaa = 5.
#[test]
fn enough_requests_extended_rows() {
    let rows: &[(&str, &str, &str)] = &[
        (
            "10",
            "0",
            "0/1 nodes are available: 1 Insufficient example.com/aaa.",
        ),
        ("3", "2", "fits"),
        (
            "4",
            "2",
            "0/1 nodes are available: 1 Insufficient example.com/aaa.",
        ),
    ];
    for (want_ext, used_ext, want) in rows {
        let mut c = Cluster::new(ClusterConfig::default());
        apply(
            &mut c,
            &node_yaml(&node("node1", "10", "20Gi")).replace(
                "    pods: \"110\"\n",
                "    pods: \"32\"\n    example.com/aaa: \"5\"\n",
            ),
        );
        let ext_pod = |name: &str, node: &str, n: &str| {
            let node_line = if node.is_empty() {
                String::new()
            } else {
                format!("  nodeName: {node}\n")
            };
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{node_line}  containers:\n  - name: c\n    image: registry.k8s.io/pause:3.10\n    resources:\n      requests:\n        example.com/aaa: \"{n}\"\n      limits:\n        example.com/aaa: \"{n}\"\n---\n")
        };
        apply(&mut c, &ext_pod("used", "node1", used_ext));
        apply(&mut c, &ext_pod("p", "", want_ext));
        c.advance(1_000);
        let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
            panic!()
        };
        let got = if p.spec.node_name.is_empty() {
            p.condition("PodScheduled")
                .map(|c| fit_error(&c.message))
                .unwrap_or_default()
        } else {
            "fits".into()
        };
        assert_eq!(&got, want, "request {want_ext}, used {used_ext}");
    }
}

/// The kubelet lists a pulled image under the pod's reference and its registry-qualified name,
/// each once: an image already written with its registry has one name, so ImageLocality counts
/// its node once.
#[test]
fn kubelet_lists_each_image_name_once() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &node_yaml(&node("node1", "4", "8Gi")));
    apply(
        &mut c,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n  - name: db\n    image: docker.io/library/redis:7\n",
    );
    c.advance(30_000);
    let Ok(Object::Node(n)) = c.get(Kind::Node, "", "node1") else {
        panic!("no node")
    };
    let names: Vec<Vec<String>> = n.status.images.iter().map(|i| i.names.clone()).collect();
    assert_eq!(
        names,
        [
            vec![
                "docker.io/library/nginx:1.25".to_string(),
                "nginx:1.25".to_string()
            ],
            vec!["docker.io/library/redis:7".to_string()],
        ]
    );
}
