//! StatefulSets end to end: ordered creation (each pod once the one before is ready), stable
//! names and claims, scale-down from the top, a rolling update from the top down to the
//! partition, Parallel management, and a re-created pod finding its volume's data.

mod common;

use common::*;
use expect_test::{expect, Expect};
use kubeplay_api::summary::pod_status;
use kubeplay_api::{Kind, Object, StatefulSet};
use kubeplay_engine::Cluster;

const CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n";

fn sts_yaml(replicas: i32, image: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: nginx\n  replicas: {replicas}\n{extra_spec}  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: {image}\n        volumeMounts:\n        - name: www\n          mountPath: /usr/share/nginx/html\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n"
    )
}

fn sts(c: &Cluster) -> StatefulSet {
    match c.get(Kind::StatefulSet, "default", "web") {
        Ok(Object::StatefulSet(s)) => (**s).clone(),
        _ => panic!("no statefulset"),
    }
}

/// `READY` and each pod: `name=image STATUS`, by name.
fn line(c: &Cluster) -> String {
    let s = sts(c);
    let mut pods: Vec<String> = pods(c)
        .iter()
        .map(|p| {
            format!(
                "{}={} {}",
                p.metadata.name,
                p.spec.containers[0].image,
                pod_status(p)
            )
        })
        .collect();
    pods.sort();
    format!(
        "ready={}/{} current={} updated={} | {}",
        s.status.ready_replicas,
        s.replicas(),
        s.status.current_replicas,
        s.status.updated_replicas,
        pods.join(", ")
    )
}

fn watch(c: &mut Cluster, secs: i64, expect: Expect) {
    expect.assert_eq(&watch_changes(c, secs, line));
}

fn claims(c: &Cluster) -> String {
    c.list(Kind::PersistentVolumeClaim, None, None)
        .into_iter()
        .map(|o| match o {
            Object::PersistentVolumeClaim(p) => format!("{} {}", p.metadata.name, p.status.phase),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn pods_start_in_order_with_their_own_claims() {
    let mut c = cluster(2, 3);
    apply_yaml(&mut c, CLASS);
    apply_yaml(&mut c, &sts_yaml(3, "nginx:1.25", ""));
    watch(
        &mut c,
        20,
        expect![[r#"
            0.0s ready=0/3 current=0 updated=0 | 
            0.5s ready=0/3 current=1 updated=1 | web-0=nginx:1.25 ContainerCreating
            7.0s ready=1/3 current=2 updated=2 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Pending
            7.5s ready=1/3 current=2 updated=2 | web-0=nginx:1.25 Running, web-1=nginx:1.25 ContainerCreating
            13.0s ready=2/3 current=3 updated=3 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Running, web-2=nginx:1.25 Pending
            13.5s ready=2/3 current=3 updated=3 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Running, web-2=nginx:1.25 ContainerCreating
            15.5s ready=3/3 current=3 updated=3 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Running, web-2=nginx:1.25 Running"#]],
    );
    expect!["www-web-0 Bound, www-web-1 Bound, www-web-2 Bound"].assert_eq(&claims(&c));
    let web1 = pods(&c)
        .into_iter()
        .find(|p| p.metadata.name == "web-1")
        .expect("web-1");
    expect![[r#"Some(String("web-1")) Some(String("nginx")) {"app": "nginx", "apps.kubernetes.io/pod-index": "1", "controller-revision-hash": "web-8486465cc6", "statefulset.kubernetes.io/pod-name": "web-1"}"#]].assert_eq(&format!(
        "{:?} {:?} {:?}",
        web1.spec.extra.get("hostname"),
        web1.spec.extra.get("subdomain"),
        web1.metadata.labels
    ));
}

#[test]
fn scale_down_from_the_top_and_claims_stay() {
    let mut c = cluster(2, 3);
    apply_yaml(&mut c, CLASS);
    apply_yaml(&mut c, &sts_yaml(3, "nginx:1.25", ""));
    c.advance(30_000);
    apply_yaml(&mut c, &sts_yaml(1, "nginx:1.25", ""));
    watch(
        &mut c,
        80,
        expect![[r#"
        0.0s ready=3/1 current=3 updated=3 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Running, web-2=nginx:1.25 Running
        0.5s ready=1/1 current=1 updated=1 | web-0=nginx:1.25 Running"#]],
    );
    expect!["www-web-0 Bound, www-web-1 Bound, www-web-2 Bound"].assert_eq(&claims(&c));
}

#[test]
fn rolling_update_from_the_top_down_to_the_partition() {
    let mut c = cluster(2, 3);
    apply_yaml(&mut c, CLASS);
    apply_yaml(
        &mut c,
        &sts_yaml(
            3,
            "nginx:1.25",
            "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 1\n",
        ),
    );
    c.advance(30_000);
    apply_yaml(
        &mut c,
        &sts_yaml(
            3,
            "nginx:1.26",
            "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 1\n",
        ),
    );
    watch(
        &mut c,
        90,
        expect![[r#"
            0.0s ready=3/3 current=3 updated=3 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Running, web-2=nginx:1.25 Running
            0.5s ready=2/3 current=2 updated=1 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Running, web-2=nginx:1.26 ContainerCreating
            5.5s ready=2/3 current=1 updated=2 | web-0=nginx:1.25 Running, web-1=nginx:1.26 Pending, web-2=nginx:1.26 Running
            6.0s ready=2/3 current=1 updated=2 | web-0=nginx:1.25 Running, web-1=nginx:1.26 ContainerCreating, web-2=nginx:1.26 Running
            10.5s ready=3/3 current=1 updated=2 | web-0=nginx:1.25 Running, web-1=nginx:1.26 Running, web-2=nginx:1.26 Running"#]],
    );
    // Lowering the partition finishes the rollout.
    apply_yaml(&mut c, &sts_yaml(3, "nginx:1.26", ""));
    watch(
        &mut c,
        60,
        expect![[r#"
            0.0s ready=3/3 current=1 updated=2 | web-0=nginx:1.25 Running, web-1=nginx:1.26 Running, web-2=nginx:1.26 Running
            0.5s ready=2/3 current=0 updated=3 | web-0=nginx:1.26 ContainerCreating, web-1=nginx:1.26 Running, web-2=nginx:1.26 Running
            1.5s ready=3/3 current=3 updated=3 | web-0=nginx:1.26 Running, web-1=nginx:1.26 Running, web-2=nginx:1.26 Running"#]],
    );
    let s = sts(&c);
    assert_eq!(s.status.current_revision, s.status.update_revision);
}

#[test]
fn parallel_starts_every_pod_at_once() {
    let mut c = cluster(2, 3);
    apply_yaml(&mut c, CLASS);
    apply_yaml(
        &mut c,
        &sts_yaml(3, "nginx:1.25", "  podManagementPolicy: Parallel\n"),
    );
    watch(
        &mut c,
        10,
        expect![[r#"
            0.0s ready=0/3 current=0 updated=0 | 
            0.5s ready=0/3 current=3 updated=3 | web-0=nginx:1.25 ContainerCreating, web-1=nginx:1.25 ContainerCreating, web-2=nginx:1.25 ContainerCreating
            6.0s ready=2/3 current=3 updated=3 | web-0=nginx:1.25 Running, web-1=nginx:1.25 ContainerCreating, web-2=nginx:1.25 Running
            7.0s ready=3/3 current=3 updated=3 | web-0=nginx:1.25 Running, web-1=nginx:1.25 Running, web-2=nginx:1.25 Running"#]],
    );
}

#[test]
fn a_recreated_pod_mounts_the_same_volume() {
    let mut c = cluster(2, 3);
    apply_yaml(&mut c, CLASS);
    apply_yaml(&mut c, &sts_yaml(2, "nginx:1.25", ""));
    c.advance(30_000);
    c.write_container_file(
        "default",
        "web-0",
        "nginx",
        "/usr/share/nginx/html/index.html",
        "web-0\n",
        false,
    )
    .expect("write");
    let node = pods(&c)
        .into_iter()
        .find(|p| p.metadata.name == "web-0")
        .map(|p| p.spec.node_name)
        .expect("web-0");
    c.delete(Kind::Pod, "default", "web-0", None)
        .expect("delete");
    c.advance(60_000);
    let again = pods(&c)
        .into_iter()
        .find(|p| p.metadata.name == "web-0")
        .expect("web-0 again");
    assert_eq!(pod_status(&again), "Running");
    // Its local volume pins it to the same node.
    assert_eq!(again.spec.node_name, node);
    let files = c.container_files("default", "web-0", "nginx");
    assert_eq!(
        files
            .get("/usr/share/nginx/html/index.html")
            .map(String::as_str),
        Some("web-0\n")
    );
}
