//! describe for PersistentVolumes, PersistentVolumeClaims, StorageClasses and StatefulSets.
//! Models kubectl's describePersistentVolume, describePersistentVolumeClaim,
//! describeStorageClass and describeStatefulSet.

use kubeplay_api::storage::{access_modes_short, PersistentVolume, PersistentVolumeClaim};
use kubeplay_api::{Kind, Object, StatefulSet, StorageClass};
use kubeplay_engine::Cluster;
use serde_json::Value;

use super::{annotations, labels, pod_template, pods_status, rfc1123z, Writer};
use crate::duration::human;

fn status_line(cluster: &Cluster, phase: &str, deleting: Option<kubeplay_api::Time>) -> String {
    match deleting {
        Some(t) => format!(
            "Terminating (lasts {})",
            human(cluster.now().millis() - t.millis())
        ),
        None => phase.to_string(),
    }
}

fn finalizers(f: &[String]) -> String {
    format!("[{}]", f.join(" "))
}

pub(super) fn persistent_volume(cluster: &Cluster, pv: &PersistentVolume, w: &mut Writer) {
    let s = &pv.spec;
    w.line(&format!("Name:\t{}", pv.metadata.name));
    labels(w, "Labels", &pv.metadata.labels);
    annotations(w, "Annotations", &pv.metadata.annotations);
    w.line(&format!(
        "Finalizers:\t{}",
        finalizers(&pv.metadata.finalizers)
    ));
    w.line(&format!("StorageClass:\t{}", s.storage_class_name));
    w.line(&format!(
        "Status:\t{}",
        status_line(cluster, &pv.status.phase, pv.metadata.deletion_timestamp)
    ));
    w.line(&format!(
        "Claim:\t{}",
        s.claim_ref
            .as_ref()
            .map(|r| format!("{}/{}", r.namespace, r.name))
            .unwrap_or_default()
    ));
    w.line(&format!(
        "Reclaim Policy:\t{}",
        s.persistent_volume_reclaim_policy
    ));
    w.line(&format!(
        "Access Modes:\t{}",
        access_modes_short(&s.access_modes)
    ));
    if let Some(m) = &s.volume_mode {
        w.line(&format!("VolumeMode:\t{m}"));
    }
    w.line(&format!(
        "Capacity:\t{}",
        s.capacity
            .get("storage")
            .map(|q| q.to_string())
            .unwrap_or_default()
    ));
    match s.node_affinity.as_ref().and_then(|a| a.required.as_ref()) {
        None => w.line("Node Affinity:\t<none>"),
        Some(sel) => {
            w.line("Node Affinity:\t");
            w.line("  Required Terms:\t");
            for (i, t) in sel.node_selector_terms.iter().enumerate() {
                let exprs: Vec<String> = t
                    .match_expressions
                    .iter()
                    .map(|r| {
                        format!(
                            "{} {} [{}]",
                            r.key,
                            r.operator.to_ascii_lowercase(),
                            r.values.join(", ")
                        )
                    })
                    .collect();
                w.line(&format!(
                    "    Term {i}:\t{}",
                    if exprs.is_empty() {
                        "<none>".to_string()
                    } else {
                        exprs.join(", ")
                    }
                ));
            }
        }
    }
    w.line(&format!("Message:\t{}", pv.status.message));
    w.line("Source:");
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(h) = s.extra.get("hostPath") {
        w.line("    Type:\tHostPath (bare host directory volume)");
        w.line(&format!("    Path:\t{}", field(h, "path")));
        w.line(&format!("    HostPathType:\t{}", field(h, "type")));
    } else if let Some(l) = s.extra.get("local") {
        w.line("    Type:\tLocalVolume (a persistent volume backed by local storage on a node)");
        w.line(&format!("    Path:\t{}", field(l, "path")));
    } else if let Some(n) = s.extra.get("nfs") {
        w.line("    Type:\tNFS (an NFS mount that lasts the lifetime of a pod)");
        w.line(&format!("    Server:\t{}", field(n, "server")));
        w.line(&format!("    Path:\t{}", field(n, "path")));
        w.line(&format!(
            "    ReadOnly:\t{}",
            n.get("readOnly").and_then(Value::as_bool).unwrap_or(false)
        ));
    } else if let Some(c) = s.extra.get("csi") {
        w.line("    Type:\tCSI (a Container Storage Interface (CSI) volume source)");
        w.line(&format!("    Driver:\t{}", field(c, "driver")));
        w.line(&format!("    FSType:\t{}", field(c, "fsType")));
        w.line(&format!("    VolumeHandle:\t{}", field(c, "volumeHandle")));
        w.line(&format!(
            "    ReadOnly:\t{}",
            c.get("readOnly").and_then(Value::as_bool).unwrap_or(false)
        ));
        w.line("    VolumeAttributes:\t<none>");
    } else {
        w.line("    Type:\t<unknown>");
    }
}

pub(super) fn persistent_volume_claim(
    cluster: &Cluster,
    pvc: &PersistentVolumeClaim,
    w: &mut Writer,
) {
    w.line(&format!("Name:\t{}", pvc.metadata.name));
    w.line(&format!("Namespace:\t{}", pvc.metadata.namespace));
    w.line(&format!(
        "StorageClass:\t{}",
        pvc.spec.storage_class_name.as_deref().unwrap_or("")
    ));
    w.line(&format!(
        "Status:\t{}",
        status_line(cluster, &pvc.status.phase, pvc.metadata.deletion_timestamp)
    ));
    w.line(&format!("Volume:\t{}", pvc.spec.volume_name));
    labels(w, "Labels", &pvc.metadata.labels);
    annotations(w, "Annotations", &pvc.metadata.annotations);
    w.line(&format!(
        "Finalizers:\t{}",
        finalizers(&pvc.metadata.finalizers)
    ));
    let (capacity, modes) = pvc.shown_capacity_and_modes();
    w.line(&format!("Capacity:\t{capacity}"));
    w.line(&format!("Access Modes:\t{modes}"));
    if let Some(m) = &pvc.spec.volume_mode {
        w.line(&format!("VolumeMode:\t{m}"));
    }
    let users: Vec<String> = cluster
        .list(Kind::Pod, Some(&pvc.metadata.namespace), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.spec.volumes.iter().any(|v| {
                    v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|c| c.claim_name == pvc.metadata.name)
                }) =>
            {
                Some(p.metadata.name.clone())
            }
            _ => None,
        })
        .collect();
    if users.is_empty() {
        w.line("Used By:\t<none>");
    } else {
        for (i, u) in users.iter().enumerate() {
            if i == 0 {
                w.line(&format!("Used By:\t{u}"));
            } else {
                w.line(&format!("\t{u}"));
            }
        }
    }
}

pub(super) fn storage_class(sc: &StorageClass, w: &mut Writer) {
    w.line(&format!("Name:\t{}", sc.metadata.name));
    w.line(&format!(
        "IsDefaultClass:\t{}",
        if sc.is_default() { "Yes" } else { "No" }
    ));
    let shown: Vec<String> = sc
        .metadata
        .annotations
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.line(&format!(
        "Annotations:\t{}",
        if shown.is_empty() {
            "<none>".to_string()
        } else {
            shown.join(",")
        }
    ));
    w.line(&format!("Provisioner:\t{}", sc.provisioner));
    let params: Vec<String> = sc
        .parameters
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.line(&format!(
        "Parameters:\t{}",
        if params.is_empty() {
            "<none>".to_string()
        } else {
            params.join(",")
        }
    ));
    w.line(&format!(
        "AllowVolumeExpansion:\t{}",
        sc.allow_volume_expansion
            .map_or("<unset>".to_string(), |b| if b { "True" } else { "False" }
                .to_string())
    ));
    w.line("MountOptions:\t<none>");
    w.line(&format!(
        "ReclaimPolicy:\t{}",
        sc.reclaim_policy.as_deref().unwrap_or("Delete")
    ));
    w.line(&format!(
        "VolumeBindingMode:\t{}",
        sc.volume_binding_mode.as_deref().unwrap_or("Immediate")
    ));
}

pub(super) fn stateful_set(cluster: &Cluster, sts: &StatefulSet, w: &mut Writer) {
    w.line(&format!("Name:\t{}", sts.metadata.name));
    w.line(&format!("Namespace:\t{}", sts.metadata.namespace));
    if let Some(t) = sts.metadata.creation_timestamp {
        w.line(&format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    w.line(&format!(
        "Selector:\t{}",
        sts.spec.selector.to_selector_string()
    ));
    labels(w, "Labels", &sts.metadata.labels);
    annotations(w, "Annotations", &sts.metadata.annotations);
    w.line(&format!(
        "Replicas:\t{} desired | {} total",
        sts.replicas(),
        sts.status.replicas
    ));
    w.line(&format!(
        "Update Strategy:\t{}",
        sts.spec.update_strategy.type_
    ));
    if let Some(ru) = &sts.spec.update_strategy.rolling_update {
        if let Some(p) = ru.partition {
            w.line(&format!("  Partition:\t{p}"));
        }
    }
    pods_status(cluster, &sts.metadata, w);
    pod_template(w, &sts.spec.template);
    if sts.spec.volume_claim_templates.is_empty() {
        w.line("Volume Claims:\t<none>");
        return;
    }
    w.line("Volume Claims:");
    for t in &sts.spec.volume_claim_templates {
        w.line(&format!("  Name:\t{}", t.metadata.name));
        w.line(&format!(
            "  StorageClass:\t{}",
            t.spec.storage_class_name.as_deref().unwrap_or("")
        ));
        labels(w, "  Labels", &t.metadata.labels);
        annotations(w, "  Annotations", &t.metadata.annotations);
        w.line(&format!(
            "  Capacity:\t{}",
            t.spec
                .resources
                .requests
                .get("storage")
                .map(|q| q.to_string())
                .unwrap_or_default()
        ));
        w.line(&format!(
            "  Access Modes:\t[{}]",
            t.spec.access_modes.join(" ")
        ));
    }
}
