//! Test helpers: nodes, pods and whole scenarios from compact one-line specs, and a `check` that
//! prints a scheduling attempt (filter verdicts, raw and final scores, the choice) for expect-test.
//!
//! Scenario lines (`#` starts a comment):
//! * `node NAME [RES=QTY]... [l:K=V] [taint:K[=V]:EFFECT] [unschedulable] [image:NAME[,NAME]@SIZE] [annot:K=V]`
//!   — RES is cpu, memory, pods, ephemeral-storage or an extended resource; `pods` defaults to 110.
//! * `pod NAME@NODE ...` — an existing pod bound to NODE; `pod NAME ...` — the pod to schedule.
//!   Pod tokens: `c:RES=QTY,...` (a container; `c:` alone has no requests), `i:...` (init
//!   container), `overhead:...`, `img:IMAGE` (image of the last container), `ns:NS` (default
//!   `default`), `l:K=V`, `tol:K[=V|>V|<V][:EFFECT]` (no operator: Exists), `prio:N`,
//!   `sched:NAME`, `nodename:NODE`, `terminating`, `created:SECONDS`, and `spec:{...}` (the rest
//!   of the line, JSON merged into the pod's spec).
//! * `namespace NAME [l:K=V]...` — a Namespace's labels (for `namespaceSelector`).
//! * `owner SELECTOR` — a selector of a Service in `default` (`app=web`), for default spreading.

mod cel;
mod config;
mod filters;
mod framework;
mod interpod;
mod resources;
mod scores;
mod snapshot;
mod spread;

use std::collections::BTreeMap;

use expect_test::Expect;
use kubeplay_api::core::{ContainerImage, Taint, Toleration};
use kubeplay_api::{LabelSelector, Node, Pod, Quantity, Time};
use serde_json::{json, Value};

use crate::{Attempt, NodeInfo, Scheduler, Snapshot};

fn resource_list(s: &str) -> BTreeMap<String, Quantity> {
    s.split(',')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, "0"));
            (k.to_string(), v.parse().expect("quantity"))
        })
        .collect()
}

fn is_resource_name(k: &str) -> bool {
    matches!(k, "cpu" | "memory" | "pods" | "ephemeral-storage")
        || k.contains('/')
        || k.starts_with("hugepages-")
}

/// A node from a compact spec (see the module docs).
pub fn node(spec: &str) -> Node {
    let mut tokens = spec.split_whitespace();
    let mut n = Node::default();
    n.metadata.name = tokens.next().unwrap_or("node").to_string();
    let mut alloc = BTreeMap::new();
    for t in tokens {
        if let Some(kv) = t.strip_prefix("l:") {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            n.metadata.labels.insert(k.into(), v.into());
        } else if let Some(kv) = t.strip_prefix("annot:") {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            n.metadata.annotations.insert(k.into(), v.into());
        } else if let Some(tt) = t.strip_prefix("taint:") {
            let (kv, effect) = tt.rsplit_once(':').expect("taint:K[=V]:EFFECT");
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            n.spec.taints.push(Taint {
                key: k.into(),
                value: v.into(),
                effect: effect.into(),
                time_added: None,
            });
        } else if t == "unschedulable" {
            n.spec.unschedulable = true;
        } else if let Some(img) = t.strip_prefix("image:") {
            let (names, size) = img.rsplit_once('@').expect("image:NAME@SIZE");
            let size: Quantity = size.parse().expect("size");
            n.status.images.push(ContainerImage {
                names: names.split(',').map(str::to_string).collect(),
                size_bytes: size.value(),
            });
        } else if let Some((k, v)) = t.split_once('=') {
            assert!(is_resource_name(k), "unknown node token {t}");
            alloc.insert(k.to_string(), v.parse::<Quantity>().expect("quantity"));
        } else {
            panic!("unknown node token {t}");
        }
    }
    alloc
        .entry("pods".to_string())
        .or_insert(Quantity::from_units(110));
    n.status.capacity = alloc.clone();
    n.status.allocatable = alloc;
    n
}

fn toleration(s: &str) -> Toleration {
    // K[op V][:EFFECT]
    let (kv, effect) = match s.rsplit_once(':') {
        Some((kv, e)) => (kv, e),
        None => (s, ""),
    };
    let (key, operator, value) = if let Some((k, v)) = kv.split_once('=') {
        (k, "Equal", v)
    } else if let Some((k, v)) = kv.split_once('>') {
        (k, "Gt", v)
    } else if let Some((k, v)) = kv.split_once('<') {
        (k, "Lt", v)
    } else {
        (kv, "Exists", "")
    };
    Toleration {
        key: key.into(),
        operator: operator.into(),
        value: value.into(),
        effect: effect.into(),
        toleration_seconds: None,
    }
}

/// A pod from a compact spec (see the module docs); the name may carry `@NODE`.
pub fn pod(spec: &str) -> Pod {
    let (spec, patch) = match spec.split_once("spec:") {
        Some((a, b)) => (a, Some(b)),
        None => (spec, None),
    };
    let mut tokens = spec.split_whitespace();
    let mut p = Pod::default();
    let name = tokens.next().unwrap_or("pod");
    let (name, node) = name.split_once('@').unwrap_or((name, ""));
    p.metadata.name = name.into();
    p.metadata.namespace = "default".into();
    p.spec.node_name = node.into();
    for t in tokens {
        if let Some(r) = t.strip_prefix("c:") {
            let mut c = kubeplay_api::core::Container {
                name: format!("c{}", p.spec.containers.len()),
                ..Default::default()
            };
            c.resources.requests = resource_list(r);
            p.spec.containers.push(c);
        } else if let Some(r) = t.strip_prefix("i:") {
            let mut c = kubeplay_api::core::Container {
                name: format!("i{}", p.spec.init_containers.len()),
                ..Default::default()
            };
            c.resources.requests = resource_list(r);
            p.spec.init_containers.push(c);
        } else if let Some(r) = t.strip_prefix("overhead:") {
            p.spec.overhead = resource_list(r);
        } else if let Some(img) = t.strip_prefix("img:") {
            if p.spec.containers.is_empty() {
                p.spec.containers.push(Default::default());
            }
            if let Some(c) = p.spec.containers.last_mut() {
                c.image = img.into();
            }
        } else if let Some(ns) = t.strip_prefix("ns:") {
            p.metadata.namespace = ns.into();
        } else if let Some(kv) = t.strip_prefix("l:") {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            p.metadata.labels.insert(k.into(), v.into());
        } else if let Some(tol) = t.strip_prefix("tol:") {
            p.spec.tolerations.push(toleration(tol));
        } else if let Some(n) = t.strip_prefix("prio:") {
            p.spec.priority = Some(n.parse().expect("priority"));
        } else if let Some(n) = t.strip_prefix("sched:") {
            p.spec.scheduler_name = n.into();
        } else if let Some(n) = t.strip_prefix("nodename:") {
            p.spec.node_name = n.into();
        } else if t == "terminating" {
            p.metadata.deletion_timestamp = Some(Time(0));
        } else if let Some(s) = t.strip_prefix("created:") {
            p.metadata.creation_timestamp = Some(Time(s.parse::<i64>().expect("seconds") * 1000));
        } else {
            panic!("unknown pod token {t}");
        }
    }
    if let Some(patch) = patch {
        let patch: Value = serde_json::from_str(patch.trim()).expect("spec JSON");
        let mut v = serde_json::to_value(&p).expect("pod JSON");
        if let (Some(spec), Some(obj)) = (v["spec"].as_object_mut(), patch.as_object()) {
            for (k, val) in obj {
                spec.insert(k.clone(), val.clone());
            }
        }
        p = serde_json::from_value(v).expect("patched pod");
    }
    p
}

/// Nodes, bound pods, the pod to schedule and owner selectors, from scenario lines.
pub struct Scenario {
    pub nodes: Vec<Node>,
    pub bound: Vec<Pod>,
    pub pod: Pod,
    pub owners: Vec<LabelSelector>,
    pub namespaces: BTreeMap<String, BTreeMap<String, String>>,
}

impl Scenario {
    pub fn parse(text: &str) -> Scenario {
        let mut s = Scenario {
            nodes: Vec::new(),
            bound: Vec::new(),
            pod: Pod::default(),
            owners: Vec::new(),
            namespaces: BTreeMap::new(),
        };
        // A line that does not start with a keyword continues the previous one (long JSON).
        let mut lines: Vec<String> = Vec::new();
        for line in text.lines() {
            let line = line.split(" #").next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let keyword = ["node ", "pod ", "owner ", "namespace "]
                .iter()
                .any(|k| line.starts_with(k));
            match lines.last_mut() {
                Some(last) if !keyword => last.push_str(line),
                _ => lines.push(line.to_string()),
            }
        }
        for line in &lines {
            let line = line.as_str();
            let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
            match kind {
                "node" => s.nodes.push(node(rest)),
                "owner" => s.owners.push(LabelSelector::parse(rest).expect("selector")),
                "namespace" => {
                    let mut words = rest.split_whitespace();
                    let name = words.next().unwrap_or("").to_string();
                    let labels = words
                        .filter_map(|w| w.strip_prefix("l:"))
                        .map(|kv| {
                            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                            (k.to_string(), v.to_string())
                        })
                        .collect();
                    s.namespaces.insert(name, labels);
                }
                "pod" => {
                    let p = pod(rest);
                    let bound = rest
                        .split_whitespace()
                        .next()
                        .is_some_and(|n| n.contains('@'));
                    if bound {
                        s.bound.push(p);
                    } else {
                        s.pod = p;
                    }
                }
                other => panic!("unknown scenario line {other}"),
            }
        }
        s
    }

    pub fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            nodes: self
                .nodes
                .iter()
                .map(|n| NodeInfo {
                    node: n,
                    pods: self
                        .bound
                        .iter()
                        .filter(|p| p.spec.node_name == n.metadata.name)
                        .collect(),
                })
                .collect(),
            owner_selectors: self
                .owners
                .iter()
                .map(|s| crate::OwnerSelector::service("default", s.clone()))
                .collect(),
            namespace_labels: self.namespaces.clone(),
            storage: Default::default(),
        }
    }
}

/// A picker that never replaces the first of tied nodes.
pub fn first_tied(n: u32) -> u32 {
    n.saturating_sub(1).max(1)
}

/// One attempt, printed: per node the filter verdicts that did not pass or `feasible`, the raw and
/// final score of each plugin, then the choice or the FitError.
pub fn describe(attempt: &Attempt) -> String {
    let mut out = String::new();
    let r = &attempt.record;
    for (node, verdicts) in &r.filter {
        let failed: Vec<String> = verdicts
            .iter()
            .filter(|(_, v)| v.as_str() != crate::PASSED)
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let scores: Vec<String> = r
            .score
            .get(node)
            .map(|m| {
                m.iter()
                    .map(|(k, raw)| {
                        let fin = r
                            .final_score
                            .get(node)
                            .and_then(|f| f.get(k))
                            .cloned()
                            .unwrap_or_default();
                        format!("{k}={raw}/{fin}")
                    })
                    .collect()
            })
            .unwrap_or_default();
        if failed.is_empty() {
            out.push_str(&format!("{node}: {}\n", scores.join(" ")));
        } else {
            out.push_str(&format!("{node}: ✗ {}\n", failed.join("; ")));
        }
    }
    match &attempt.result {
        Ok(n) => out.push_str(&format!("=> {n}\n")),
        Err(e) => out.push_str(&format!("=> {e}\n")),
    }
    out
}

/// A configuration with one profile, "default-scheduler", running only `filters` and `scores`
/// (name, weight); `args` are pluginConfig entries.
pub fn only(filters: &[&str], scores: &[(&str, i64)], args: Value) -> Value {
    let enabled_f: Vec<Value> = filters.iter().map(|n| json!({"name": n})).collect();
    let enabled_s: Vec<Value> = scores
        .iter()
        .map(|(n, w)| json!({"name": n, "weight": w}))
        .collect();
    json!({
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "profiles": [{
            "schedulerName": "default-scheduler",
            "plugins": {
                "multiPoint": {"disabled": [{"name": "*"}]},
                "filter": {"enabled": enabled_f},
                "score": {"enabled": enabled_s},
            },
            "pluginConfig": args,
        }]
    })
}

/// Runs `scenario` through a scheduler built from `cfg` and compares the description.
pub fn check(cfg: Value, scenario: &str, expect: Expect) {
    let s = Scenario::parse(scenario);
    let mut sched = Scheduler::from_config(&cfg).unwrap_or_else(|e| panic!("config: {e}"));
    let attempt = sched.schedule(&s.pod, &s.snapshot(), &mut first_tied);
    expect.assert_eq(&describe(&attempt));
}
