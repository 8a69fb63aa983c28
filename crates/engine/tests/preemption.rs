//! PriorityClass admission and DefaultPreemption end to end: a higher-priority pod that fits
//! nowhere evicts the fewest, least important pods on the best node, is nominated there, and
//! runs once they are gone.

mod common;

use common::*;
use expect_test::expect;
use kubeplay_api::summary::pod_status;
use kubeplay_api::{Kind, Object};
use kubeplay_engine::Cluster;

const CLASSES: &str = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: polite\nvalue: 1000\npreemptionPolicy: Never\n";

fn filler(c: &mut Cluster) {
    apply_yaml(
        c,
        &deployment_yaml(
            "low",
            3,
            "nginx:1.25",
            "        resources:\n          requests:\n            cpu: \"1\"\n",
            "",
        ),
    );
    c.advance(10_000);
}

fn urgent(class: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: urgent\nspec:\n  priorityClassName: {class}\n  containers:\n  - name: app\n    image: nginx:1.25\n    resources:\n      requests:\n        cpu: \"2\"\n")
}

fn state(c: &Cluster) -> String {
    let mut lines: Vec<String> = pods(c)
        .iter()
        .map(|p| {
            let name = if p.metadata.name == "urgent" {
                "urgent"
            } else {
                "low-*"
            };
            format!(
                "{name} prio={} node={} nominated={} {}",
                p.spec.priority.unwrap_or(0),
                if p.spec.node_name.is_empty() {
                    "-"
                } else {
                    &p.spec.node_name
                },
                if p.status.nominated_node_name.is_empty() {
                    "-"
                } else {
                    &p.status.nominated_node_name
                },
                pod_status(p)
            )
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    let mut out: Vec<String> = c
        .list(Kind::Event, Some("default"), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) if e.reason == reason => {
                Some(e.message.replace(char::is_numeric, "#"))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_higher_priority_pod_preempts_one_lower_priority_pod() {
    let mut c = cluster(1, 11);
    apply_yaml(&mut c, CLASSES);
    filler(&mut c);
    apply_yaml(&mut c, &urgent("high"));
    c.advance(300);
    let mut out = vec![state(&c)];
    c.advance(10_000);
    out.push(state(&c));
    out.extend(events(&c, "Preempted"));
    expect![[r#"
        low-* prio=0 node=- nominated=- Pending
        low-* prio=0 node=node-1 nominated=- Running
        low-* prio=0 node=node-1 nominated=- Running
        urgent prio=1000 node=node-1 nominated=node-1 Pending
        ---
        low-* prio=0 node=- nominated=- Pending
        low-* prio=0 node=node-1 nominated=- Running
        low-* prio=0 node=node-1 nominated=- Running
        urgent prio=1000 node=node-1 nominated=node-1 Running
        ---
        Preempted by pod #f###a#e-###f-#c##-####-#f####f##bf# on node node-#"#]]
    .assert_eq(&out.join("\n---\n"));
}

#[test]
fn preemption_policy_never_waits() {
    let mut c = cluster(1, 11);
    apply_yaml(&mut c, CLASSES);
    filler(&mut c);
    apply_yaml(&mut c, &urgent("polite"));
    c.advance(10_000);
    expect![[r#"
        low-* prio=0 node=node-1 nominated=- Running
        low-* prio=0 node=node-1 nominated=- Running
        low-* prio=0 node=node-1 nominated=- Running
        urgent prio=1000 node=- nominated=- Pending"#]]
    .assert_eq(&state(&c));
}

#[test]
fn an_unknown_priority_class_is_refused() {
    let mut c = cluster(1, 11);
    let v = kubeplay_api::parse_documents(&urgent("nope")).unwrap();
    let err = c
        .create(Object::from_value(v[0].clone()).unwrap())
        .unwrap_err();
    expect![[r#"pods "urgent" is forbidden: no PriorityClass with name nope was found"#]]
        .assert_eq(&err.message);
}

#[test]
fn preemption_spares_pods_a_disruption_budget_protects() {
    let mut c = cluster(2, 11);
    apply_yaml(&mut c, CLASSES);
    for (name, node, app) in [("guarded", "node-1", "db"), ("free", "node-2", "batch")] {
        apply_yaml(&mut c, &format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: {app}\nspec:\n  nodeName: {node}\n  containers:\n  - name: app\n    image: nginx:1.25\n    resources:\n      requests:\n        cpu: \"3\"\n"));
    }
    apply_yaml(&mut c, "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: db\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: db\n");
    c.advance(10_000);
    apply_yaml(&mut c, &urgent("high"));
    c.advance(10_000);
    let names: Vec<String> = pods(&c)
        .iter()
        .map(|p| format!("{} on {}", p.metadata.name, p.spec.node_name))
        .collect();
    // The budget allows the db pod no disruption: the batch pod on node-2 goes instead.
    expect![[r#"
        guarded on node-1
        urgent on node-2"#]]
    .assert_eq(&names.join("\n"));
}
