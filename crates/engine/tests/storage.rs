//! Storage end to end: claims bind to the smallest matching volume, a default class provisions
//! (Immediate at once, WaitForFirstConsumer on the node the scheduler picks), VolumeBinding's
//! reasons for pods whose claims are missing or unbound, pvc-protection, reclaim policies, and
//! data written to a volume outliving the pod.

mod common;

use common::*;
use expect_test::{expect, Expect};
use kubeplay_api::summary::pod_status;
use kubeplay_api::{Kind, Object};
use kubeplay_engine::Cluster;

fn pv_yaml(name: &str, size: &str, class: &str, modes: &str, policy: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {name}\nspec:\n  capacity:\n    storage: {size}\n  accessModes: [{modes}]\n  storageClassName: \"{class}\"\n  persistentVolumeReclaimPolicy: {policy}\n  hostPath:\n    path: /mnt/{name}\n"
    )
}

fn pvc_yaml(name: &str, size: &str, class: Option<&str>, modes: &str) -> String {
    let class = class.map_or(String::new(), |c| format!("  storageClassName: \"{c}\"\n"));
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n  accessModes: [{modes}]\n{class}  resources:\n    requests:\n      storage: {size}\n"
    )
}

fn pod_yaml(name: &str, claim: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: {claim}\n"
    )
}

const LOCAL_PATH_CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: local-path\n  annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\nreclaimPolicy: Delete\n";

const STANDARD_CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\nprovisioner: csi.example.com\n";

/// Every claim and volume, `kubectl get pvc,pv` style, and the pods' state.
fn state(c: &Cluster) -> String {
    let mut out = Vec::new();
    for o in c.list(Kind::PersistentVolumeClaim, None, None) {
        if let Object::PersistentVolumeClaim(p) = o {
            out.push(format!(
                "pvc/{} {} volume={} class={} {}",
                p.metadata.name,
                if p.metadata.deletion_timestamp.is_some() {
                    "Terminating"
                } else {
                    &p.status.phase
                },
                if p.spec.volume_name.starts_with("pvc-") {
                    "pvc-<uid>"
                } else {
                    &p.spec.volume_name
                },
                p.spec.storage_class_name.as_deref().unwrap_or("<nil>"),
                p.status
                    .capacity
                    .get("storage")
                    .map(|q| q.to_string())
                    .unwrap_or_default()
            ));
        }
    }
    for o in c.list(Kind::PersistentVolume, None, None) {
        if let Object::PersistentVolume(v) = o {
            let name = if v.metadata.name.starts_with("pvc-") {
                "pvc-<uid>"
            } else {
                &v.metadata.name
            };
            out.push(format!(
                "pv/{name} {} claim={} {}",
                v.status.phase,
                v.spec
                    .claim_ref
                    .as_ref()
                    .map(|r| format!("{}/{}", r.namespace, r.name))
                    .unwrap_or_default(),
                v.spec.persistent_volume_reclaim_policy
            ));
        }
    }
    for p in pods(c) {
        let msg = p
            .condition("PodScheduled")
            .filter(|c| c.status == "False")
            .map(|c| format!(" ({})", c.message))
            .unwrap_or_default();
        out.push(format!(
            "pod/{} {} node={}{msg}",
            p.metadata.name,
            pod_status(&p),
            p.spec.node_name
        ));
    }
    out.join("\n")
}

fn events(c: &Cluster, kind: &str) -> String {
    let mut out: Vec<String> = c
        .list(Kind::Event, None, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) if e.involved_object.kind == kind => Some(format!(
                "{} {} {}: {}",
                e.involved_object.name, e.type_, e.reason, e.message
            )),
            _ => None,
        })
        .collect();
    out.sort();
    out.join("\n")
}

fn check(c: &mut Cluster, secs: i64, expect: Expect) {
    c.advance(secs * 1000);
    expect.assert_eq(&state(c));
}

#[test]
fn a_claim_binds_the_smallest_volume_that_fits() {
    let mut c = cluster(1, 1);
    apply_yaml(
        &mut c,
        &pv_yaml("big", "10Gi", "", "ReadWriteOnce", "Retain"),
    );
    apply_yaml(
        &mut c,
        &pv_yaml("small", "1Gi", "", "ReadWriteOnce", "Retain"),
    );
    apply_yaml(&mut c, &pv_yaml("rox", "2Gi", "", "ReadOnlyMany", "Retain"));
    apply_yaml(
        &mut c,
        &pv_yaml("manual", "5Gi", "manual", "ReadWriteOnce", "Retain"),
    );
    apply_yaml(&mut c, &pvc_yaml("data", "2Gi", None, "ReadWriteOnce"));
    check(
        &mut c,
        2,
        expect![[r#"
            pvc/data Bound volume=big class=<nil> 10Gi
            pv/big Bound claim=default/data Retain
            pv/manual Available claim= Retain
            pv/rox Available claim= Retain
            pv/small Available claim= Retain"#]],
    );
    // A claim of class "manual" takes the volume of that class only.
    apply_yaml(
        &mut c,
        &pvc_yaml("m", "1Gi", Some("manual"), "ReadWriteOnce"),
    );
    // Nothing left that fits: the claim waits, and says so.
    apply_yaml(&mut c, &pvc_yaml("huge", "50Gi", Some(""), "ReadWriteOnce"));
    check(
        &mut c,
        2,
        expect![[r#"
            pvc/data Bound volume=big class=<nil> 10Gi
            pvc/huge Pending volume= class= 
            pvc/m Bound volume=manual class=manual 5Gi
            pv/big Bound claim=default/data Retain
            pv/manual Bound claim=default/m Retain
            pv/rox Available claim= Retain
            pv/small Available claim= Retain"#]],
    );
    expect![[r#"huge Normal FailedBinding: no persistent volumes available for this claim and no storage class is set"#]]
        .assert_eq(&events(&c, "PersistentVolumeClaim"));
    // A new volume that fits binds the waiting claim.
    apply_yaml(
        &mut c,
        &pv_yaml("xl", "100Gi", "", "ReadWriteOnce", "Retain"),
    );
    c.advance(2000);
    assert!(
        state(&c).contains("pvc/huge Bound volume=xl"),
        "{}",
        state(&c)
    );
}

#[test]
fn pods_wait_for_missing_and_unbound_claims() {
    let mut c = cluster(2, 1);
    apply_yaml(&mut c, &pod_yaml("nobody", "missing"));
    apply_yaml(
        &mut c,
        &pvc_yaml("unbound", "1Gi", Some(""), "ReadWriteOnce"),
    );
    apply_yaml(&mut c, &pod_yaml("waiting", "unbound"));
    check(
        &mut c,
        3,
        expect![[r#"
            pvc/unbound Pending volume= class= 
            pod/nobody Pending node= (0/2 nodes are available: persistentvolumeclaim "missing" not found. no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.)
            pod/waiting Pending node= (0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.)"#]],
    );
    // Creating what they wait for lets them run.
    apply_yaml(
        &mut c,
        &pvc_yaml("missing", "1Gi", Some(""), "ReadWriteOnce"),
    );
    apply_yaml(
        &mut c,
        &pv_yaml("one", "1Gi", "", "ReadWriteOnce", "Retain"),
    );
    apply_yaml(
        &mut c,
        &pv_yaml("two", "1Gi", "", "ReadWriteOnce", "Retain"),
    );
    c.advance(10_000);
    let s = state(&c);
    assert!(s.contains("pod/nobody Running"), "{s}");
    assert!(s.contains("pod/waiting Running"), "{s}");
}

#[test]
fn wait_for_first_consumer_provisions_on_the_chosen_node() {
    let mut c = cluster(2, 1);
    apply_yaml(&mut c, LOCAL_PATH_CLASS);
    apply_yaml(&mut c, &pvc_yaml("data", "1Gi", None, "ReadWriteOnce"));
    check(
        &mut c,
        2,
        expect!["pvc/data Pending volume= class=local-path "],
    );
    apply_yaml(&mut c, &pod_yaml("app", "data"));
    c.advance(8_000);
    let s = state(&c);
    assert!(s.contains("pvc/data Bound"), "{s}");
    assert!(
        s.contains("pv/pvc-<uid> Bound claim=default/data Delete"),
        "{s}"
    );
    assert!(s.contains("pod/app Running"), "{s}");
    let ev = events(&c, "PersistentVolumeClaim").replace(
        &match c.get(Kind::PersistentVolumeClaim, "default", "data") {
            Ok(Object::PersistentVolumeClaim(p)) => p.spec.volume_name.clone(),
            _ => String::new(),
        },
        "pvc-<uid>",
    );
    expect![[r#"
        data Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.
        data Normal Provisioning: External provisioner is provisioning volume for claim "default/data"
        data Normal ProvisioningSucceeded: Successfully provisioned volume pvc-<uid>
        data Normal WaitForFirstConsumer: waiting for first consumer to be created before binding"#]]
    .assert_eq(&ev);
    // The volume is pinned to the pod's node: a second pod of the claim goes there too.
    let node = pods(&c)[0].spec.node_name.clone();
    let pv = c
        .list(Kind::PersistentVolume, None, None)
        .into_iter()
        .find_map(|o| match o {
            Object::PersistentVolume(v) => Some(v.clone()),
            _ => None,
        })
        .expect("a volume");
    let aff = serde_json::to_string(&pv.spec.node_affinity).unwrap_or_default();
    assert!(aff.contains(&node), "{aff}");
    apply_yaml(&mut c, &pod_yaml("second", "data"));
    c.advance(5_000);
    let second = pods(&c)
        .into_iter()
        .find(|p| p.metadata.name == "second")
        .expect("second");
    assert_eq!(second.spec.node_name, node);
}

#[test]
fn immediate_class_provisions_at_once_and_delete_reclaims() {
    let mut c = cluster(1, 1);
    apply_yaml(&mut c, STANDARD_CLASS);
    apply_yaml(
        &mut c,
        &pvc_yaml("data", "3Gi", Some("standard"), "ReadWriteOnce"),
    );
    check(
        &mut c,
        3,
        expect![[r#"
            pvc/data Bound volume=pvc-<uid> class=standard 3Gi
            pv/pvc-<uid> Bound claim=default/data Delete"#]],
    );
    c.delete(Kind::PersistentVolumeClaim, "default", "data", None)
        .expect("delete");
    check(&mut c, 2, expect![""]);
}

#[test]
fn a_claim_in_use_is_protected_and_retain_keeps_the_volume() {
    let mut c = cluster(1, 1);
    apply_yaml(
        &mut c,
        &pv_yaml("keep", "1Gi", "", "ReadWriteOnce", "Retain"),
    );
    apply_yaml(&mut c, &pvc_yaml("data", "1Gi", Some(""), "ReadWriteOnce"));
    apply_yaml(&mut c, &pod_yaml("app", "data"));
    c.advance(6_000);
    c.delete(Kind::PersistentVolumeClaim, "default", "data", None)
        .expect("delete");
    check(
        &mut c,
        1,
        expect![[r#"
            pvc/data Terminating volume=keep class= 1Gi
            pv/keep Bound claim=default/data Retain
            pod/app Running node=node-1"#]],
    );
    c.delete(Kind::Pod, "default", "app", None).expect("delete");
    check(
        &mut c,
        40,
        expect!["pv/keep Released claim=default/data Retain"],
    );
}

#[test]
fn files_on_a_volume_outlive_the_pod_and_the_container_layer_does_not() {
    let mut c = cluster(1, 1);
    apply_yaml(&mut c, STANDARD_CLASS);
    apply_yaml(
        &mut c,
        &pvc_yaml("data", "1Gi", Some("standard"), "ReadWriteOnce"),
    );
    apply_yaml(&mut c, &pod_yaml("app", "data"));
    c.advance(8_000);
    c.write_container_file(
        "default",
        "app",
        "app",
        "/data/index.html",
        "hello\n",
        false,
    )
    .expect("write");
    c.write_container_file("default", "app", "app", "/tmp/scratch", "gone\n", false)
        .expect("write");
    let files = c.container_files("default", "app", "app");
    assert_eq!(
        files.keys().cloned().collect::<Vec<_>>(),
        ["/data/index.html", "/tmp/scratch"]
    );
    c.delete(Kind::Pod, "default", "app", Some(0))
        .expect("delete");
    c.advance(3_000);
    apply_yaml(&mut c, &pod_yaml("app", "data"));
    c.advance(8_000);
    let files = c.container_files("default", "app", "app");
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        [("/data/index.html".to_string(), "hello\n".to_string())]
    );
    // A read-only claim refuses writes.
    let ro = pod_yaml("reader", "data")
        .replace("claimName: data", "claimName: data\n      readOnly: true");
    apply_yaml(&mut c, &ro);
    c.advance(8_000);
    assert_eq!(
        c.write_container_file("default", "reader", "app", "/data/x", "y", false),
        Err("Read-only file system".to_string())
    );
}
