//! Tests of the board and staging.

use std::rc::Rc;

use super::*;
use crate::stage::changed_pieces;
use kubeplay_api::parse_documents;
use kubeplay_api::Object;
use kubeplay_engine::Cluster;
use kubeplay_engine::ClusterConfig;

fn node(name: &str, pods: &[(&str, &str)]) -> Rc<NodeView> {
    Rc::new(NodeView {
        name: name.into(),
        status: "Ready".into(),
        ready: true,
        cordoned: false,
        zone: None,
        taints: vec![],
        cpu_allocatable_millis: 4000,
        memory_allocatable_bytes: 8 << 30,
        cpu_requested_millis: 0,
        memory_requested_bytes: 0,
        pods_allocatable: 110,
        pods: pods
            .iter()
            .map(|(name, status)| {
                Rc::new(PodView {
                    name: name.to_string(),
                    namespace: "default".into(),
                    node: String::new(),
                    phase: "Running".into(),
                    ready: true,
                    status: status.to_string(),
                    ready_text: "1/1".into(),
                    restarts: 0,
                    owner: "web".into(),
                    version: "1".into(),
                    image: "nginx".into(),
                    revision: Some(1),
                    cpu_millis: 100,
                    memory_bytes: 1 << 20,
                    best_effort: false,
                    terminating: false,
                    serving: true,
                    hue: 200,
                })
            })
            .collect(),
        fragmented: false,
        eviction_in_ms: None,
    })
}

fn board_of(nodes: Vec<Rc<NodeView>>) -> Board {
    Board {
        now: Time(0),
        nodes,
        pending: vec![],
        deployments: vec![],
        services: vec![],
        scheduler_configured: false,
    }
}

#[test]
fn changed_pieces_counts_added_removed_and_changed() {
    let a = node(
        "n",
        &[("p1", "Running"), ("p2", "Running"), ("p3", "Running")],
    );
    for (pods, want) in [
        (
            vec![("p1", "Running"), ("p2", "Running"), ("p3", "Running")],
            0,
        ),
        (
            vec![("p1", "Running"), ("p2", "Terminating"), ("p3", "Running")],
            2,
        ),
        (vec![("p1", "Running"), ("p2", "Running")], 1),
        (
            vec![
                ("p1", "Running"),
                ("p2", "Running"),
                ("p3", "Running"),
                ("p4", "Pending"),
            ],
            1,
        ),
        (vec![], 3),
    ] {
        assert_eq!(changed_pieces(&a, &node("n", &pods)), want, "{pods:?}");
    }
}

#[test]
fn staging_spends_its_budget_node_by_node_and_always_progresses() {
    let old = board_of((0..4).map(|i| node(&format!("n{i}"), &[])).collect());
    let busy: Vec<(String, &str)> = (0..10).map(|i| (format!("p{i}"), "Running")).collect();
    let busy: Vec<(&str, &str)> = busy.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    let new = board_of((0..4).map(|i| node(&format!("n{i}"), &busy)).collect());
    // 10 pieces per node: a budget of 25 takes two nodes, starting where asked.
    let (staged, done) = stage(&old, &new, 25, 3);
    assert!(!done);
    let taken: Vec<bool> = staged.nodes.iter().map(|n| n.pods.len() == 10).collect();
    assert_eq!(taken, [true, false, false, true]);
    // A budget smaller than one node still takes the first changed node.
    let (staged, done) = stage(&old, &new, 1, 0);
    assert!(!done);
    assert_eq!(
        staged.nodes.iter().filter(|n| n.pods.len() == 10).count(),
        1
    );
    // Enough budget: the target whole.
    let (staged, done) = stage(&old, &new, 40, 0);
    assert!(done);
    assert_eq!(staged, new);
    // A node added or removed: no staging.
    let fewer = board_of(new.nodes[..3].to_vec());
    assert!(stage(&old, &fewer, 1, 0).1);
}

#[test]
fn a_failed_nodes_eviction_countdown() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\nstatus:\n  allocatable: {cpu: '4', memory: 8Gi, pods: '110'}\n",
    );
    apply(
        &mut c,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.12\n",
    );
    let at = |c: &Cluster, s: i64| Time(c.now().millis() + s * 1000);
    c.run_until(at(&c, 30));
    assert_eq!(board(&c).nodes[0].eviction_in_ms, None);
    c.fail_node("node-1").unwrap();
    c.run_until(at(&c, 100));
    let n = &board(&c).nodes[0];
    assert!(!n.ready);
    // Tainted about 40 s after the failure; the pods' default toleration is 300 s.
    let left = n.eviction_in_ms.expect("a countdown");
    assert!((200_000..=300_000).contains(&left), "{left}");
    c.run_until(at(&c, left / 1000 + 5));
    assert_eq!(
        board(&c).nodes[0].eviction_in_ms,
        None,
        "evicted: nothing left to count"
    );
}

#[test]
fn natural_order() {
    use std::cmp::Ordering::*;
    for (a, b, want) in [
        ("node-2", "node-10", Less),
        ("node-10", "node-2", Greater),
        ("node-2", "node-2", Equal),
        ("node-02", "node-2", Less), // equal as numbers: plain order decides
        ("a", "node-1", Less),
        ("node-1", "node-1a", Less),
        ("node-9-b", "node-10-a", Less),
        ("", "node", Less),
        (
            "worker-99999999999999999999",
            "worker-100000000000000000000",
            Less,
        ),
    ] {
        assert_eq!(natural_cmp(a, b), want, "{a} vs {b}");
    }
}

fn apply(c: &mut Cluster, yaml: &str) {
    for v in parse_documents(yaml).unwrap() {
        c.apply(Object::from_value(v).unwrap()).unwrap();
    }
}

#[test]
fn wells_pieces_and_fragmentation() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  capacity:\n    cpu: \"2\"\n    memory: 4Gi\n");
    let pod = |name: &str, cpu: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: {cpu}\n        memory: 1Gi\n---\n")
    };
    apply(&mut c, &pod("a", "1500m"));
    c.advance(10_000);
    apply(&mut c, &pod("b", "1"));
    c.advance(10_000);
    let b = board(&c);
    assert_eq!(b.nodes.len(), 1);
    let n = &b.nodes[0];
    assert_eq!(
        (n.cpu_allocatable_millis, n.cpu_requested_millis),
        (2000, 1500)
    );
    assert_eq!(n.pods.len(), 1);
    assert_eq!(n.pods[0].status, "Running");
    assert_eq!(b.pending.len(), 1);
    assert_eq!(b.pending[0].name, "b");
    assert!(n.fragmented, "500m left, but the pending pod needs 1 CPU");
    assert_eq!(clock(c.now()), "00:00:20");
}

#[test]
fn piece_labels_read_on_every_fill() {
    // Every hue owners get (140..330) at every lightness versions get (38..62 %).
    let lightnesses: std::collections::BTreeSet<u8> = (0..100)
        .map(|v| piece_lightness(&format!("{v:x}")))
        .collect();
    assert_eq!(lightnesses.len(), 4, "{lightnesses:?}");
    for hue in 140..330u16 {
        for &light in &lightnesses {
            let c = piece_contrast(hue, PIECE_SATURATION, light);
            assert!(c >= 4.5, "hue {hue}, lightness {light}: contrast {c:.2}");
        }
    }
    assert_eq!(ink_on(220, 62, 30), "#fff");
    assert_eq!(ink_on(140, 62, 62), "#000");
}
