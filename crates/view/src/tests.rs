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
                    ..Default::default()
                })
            })
            .collect(),
        ..Default::default()
    })
}

pub(crate) fn board_of(nodes: Vec<Rc<NodeView>>) -> Board {
    Board {
        now: Time(0),
        nodes,
        pending: vec![],
        deployments: vec![],
        services: vec![],
        scheduler_configured: false,
        requests: Default::default(),
        density: Density::Normal,
        map: false,
        cells: CellScale {
            cpu_millis: 250,
            memory_bytes: 512 << 20,
        },
        max_cpu_millis: 4000,
        max_memory_bytes: 8 << 30,
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
    let n = &board(&c).nodes[0];
    assert_eq!((n.kubelet_stopped, n.not_ready_in_ms), (false, None));
    c.fail_node("node-1").unwrap();
    // The board knows at once; the controller only when the grace period, counted from the
    // last status the kubelet posted, runs out.
    let n = &board(&c).nodes[0];
    assert!(n.ready && n.kubelet_stopped);
    let first = n.not_ready_in_ms.expect("a countdown to NotReady");
    assert_eq!(first, 40_000);
    c.run_until(at(&c, 10));
    assert_eq!(board(&c).nodes[0].not_ready_in_ms, Some(first - 10_000));
    c.run_until(at(&c, 90));
    let n = &board(&c).nodes[0];
    assert!(!n.ready);
    assert_eq!((n.kubelet_stopped, n.not_ready_in_ms), (true, None));
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

// --- Requests drawn on the board, failures by cause, certificates on pieces ---

/// Three nodes, the Deployment `web` of `replicas` pods (one container, `extra` under it) and
/// the Service `web` in front of it, a minute after they were created.
fn served_cluster(replicas: u32, extra: &str) -> Cluster {
    served_cluster_with("", replicas, extra)
}

/// `served_cluster` with `first` (manifests) applied before the Deployment.
fn served_cluster_with(first: &str, replicas: u32, extra: &str) -> Cluster {
    let mut c = Cluster::new(ClusterConfig::default());
    if !first.is_empty() {
        apply(&mut c, first);
    }
    for i in 1..=3 {
        apply(
            &mut c,
            &format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\nstatus:\n  allocatable: {{cpu: '4', memory: 8Gi, pods: '110'}}\n"),
        );
    }
    apply(
        &mut c,
        &format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {{app: web}}\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.25\n{extra}"),
    );
    c.advance(60_000);
    c
}

#[test]
fn requests_go_from_their_service_to_the_pod_that_answered() {
    let mut c = served_cluster(3, "");
    assert_eq!(
        *board(&c).requests,
        RequestsView::default(),
        "no traffic, nothing to draw"
    );
    c.start_traffic("default", "web", 4).unwrap();
    c.advance(3_000);
    let b = board(&c);
    let r = &b.requests;
    assert_eq!(
        r.services,
        vec![ServiceEntry {
            namespace: "default".into(),
            name: "web".into(),
            rps: Some(4)
        }]
    );
    let pods: Vec<&str> = b
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .map(|p| p.name.as_str())
        .collect();
    // Three seconds of 4 requests, all answered, each by a pod on the board.
    assert_eq!(r.recent.len(), 12);
    assert!(r.recent.windows(2).all(|w| w[0].seq < w[1].seq));
    for q in &r.recent {
        assert_eq!((q.service.as_str(), q.outcome()), ("web", "ok"));
        assert!(q.pod.as_deref().is_some_and(|p| pods.contains(&p)), "{q:?}");
    }
    assert_eq!(failures_text(&r.failures), "0 failed");

    // node-1 fails: its pod's requests fail there, as "node down".
    let on_node_1: Vec<String> = b.nodes[0].pods.iter().map(|p| p.name.clone()).collect();
    c.fail_node("node-1").unwrap();
    c.advance(2_000);
    let b = board(&c);
    let down: Vec<&RequestView> = b
        .requests
        .recent
        .iter()
        .filter(|q| q.failure.is_some())
        .collect();
    assert!(!down.is_empty());
    for q in &down {
        assert_eq!(q.outcome(), "node-down");
        assert!(
            q.pod.as_ref().is_some_and(|p| on_node_1.contains(p)),
            "{q:?}"
        );
    }
    let f = b.requests.failures;
    assert_eq!(
        (f.get(kubeplay_engine::FailureCause::NodeDown), f.total()),
        (f.total() as u32, traffic_totals(&c).1)
    );

    // Scaled to zero: nothing to route to, the requests fail at the Service.
    c.stop_traffic();
    let mut c = served_cluster(0, "");
    c.start_traffic("default", "web", 2).unwrap();
    c.advance(2_000);
    let b = board(&c);
    assert!(b
        .requests
        .recent
        .iter()
        .all(|q| q.outcome() == "no-endpoint" && q.pod.is_none()));
    assert_eq!(
        failures_text(&b.requests.failures),
        "4 failed: 4 no ready endpoint"
    );
}

#[test]
fn failures_in_words() {
    use kubeplay_engine::{FailureCause::*, FailureCounts};
    let counts = |of: &[(kubeplay_engine::FailureCause, u32)]| {
        let mut c = FailureCounts::default();
        for (cause, n) in of {
            c.add(*cause, *n);
        }
        c
    };
    for (counts, want) in [
        (counts(&[]), "0 failed"),
        (
            counts(&[(NoEndpoint, 9), (ConnectionRefused, 3)]),
            "12 failed: 9 no ready endpoint, 3 connection refused",
        ),
        (
            counts(&[(NodeDown, 1), (CertificateExpired, 2)]),
            "3 failed: 1 node down, 2 certificate expired",
        ),
    ] {
        assert_eq!(failures_text(&counts), want);
    }
}

/// A `kubernetes.io/tls` Secret `web-tls` whose certificate expires `hours` after the epoch.
fn tls_secret(hours: i64) -> String {
    let pem = kubeplay_engine::tls::certificate_pem(
        "web.default.svc",
        kubeplay_engine::EPOCH,
        kubeplay_engine::EPOCH.plus_millis(hours * 3_600_000),
    );
    let indented: String = pem.lines().map(|l| format!("    {l}\n")).collect();
    format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-tls\ntype: kubernetes.io/tls\nstringData:\n  tls.key: key\n  tls.crt: |\n{indented}")
}

#[test]
fn a_piece_shows_when_its_certificate_expires() {
    let tls = "        volumeMounts:\n        - {name: tls, mountPath: /etc/tls}\n      volumes:\n      - name: tls\n        secret: {secretName: web-tls}\n";
    let piece = |c: &Cluster| board(c).nodes.iter().flat_map(|n| n.pods.clone()).next();
    let p = piece(&served_cluster(1, "")).expect("a piece");
    assert_eq!(
        (p.cert_not_after, p.cert_expires_in.clone(), p.cert_expiring),
        (None, None, false),
        "no TLS, no certificate"
    );
    let rows: [(i64, i64, &str, bool); 5] = [
        // (certificate valid for hours, simulated minutes from the epoch, expires in, badged)
        (30 * 24, 2, "29d", false),
        (25, 2, "24h", false),
        (2, 2, "118m", true),
        (2, 119, "60s", true),
        (2, 121, "expired", true),
    ];
    for (hours, minute, left, badged) in rows {
        // The Secret first, so that the app loads it when it starts.
        let mut c = served_cluster_with(&tls_secret(hours), 1, tls);
        c.run_until(kubeplay_engine::EPOCH.plus_millis(minute * 60_000));
        let p = piece(&c).expect("a piece");
        assert_eq!(
            p.cert_not_after,
            Some(kubeplay_engine::EPOCH.plus_millis(hours * 3_600_000)),
            "{hours}h at minute {minute}"
        );
        assert_eq!(
            (p.cert_expires_in.as_deref(), p.cert_expiring),
            (Some(left), badged),
            "{hours}h at minute {minute}"
        );
    }
}
