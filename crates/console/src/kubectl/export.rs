//! `kubeplay export`: the user's objects as manifests a real cluster accepts: no status, no
//! server-set metadata, no objects that controllers own, no nodes or system namespaces.

use kubeplay_api::{Kind, Object};
use kubeplay_engine::Cluster;
use serde_json::Value;

use crate::doc::Doc;

const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-node-lease", "kube-public", "kube-system"];

/// Multi-document YAML of the cluster's user objects.
pub fn export(cluster: &Cluster) -> String {
    let order = [
        Kind::Namespace,
        Kind::PriorityClass,
        Kind::StorageClass,
        Kind::PersistentVolume,
        Kind::PersistentVolumeClaim,
        Kind::IngressClass,
        Kind::ClusterRole,
        Kind::ClusterRoleBinding,
        Kind::ServiceAccount,
        Kind::Role,
        Kind::RoleBinding,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::Service,
        Kind::NetworkPolicy,
        Kind::ResourceQuota,
        Kind::LimitRange,
        Kind::Ingress,
        Kind::PodDisruptionBudget,
        Kind::DaemonSet,
        Kind::StatefulSet,
        Kind::Deployment,
        Kind::HorizontalPodAutoscaler,
        Kind::ReplicaSet,
        Kind::CronJob,
        Kind::Job,
        Kind::Pod,
    ];
    let mut docs = Vec::new();
    for kind in order {
        for o in cluster.list(kind, None, None) {
            if skip(o) {
                continue;
            }
            docs.push(crate::yaml::to_yaml(&Doc::from_value(&clean(o))));
        }
    }
    docs.join("---\n")
}

fn skip(o: &Object) -> bool {
    let m = o.meta();
    if m.controller().is_some()
        || kubeplay_api::Kind::Namespace != o.kind()
            && SYSTEM_NAMESPACES.contains(&m.namespace.as_str())
            && m.namespace != "default"
    {
        return true;
    }
    match o {
        Object::Namespace(ns) => SYSTEM_NAMESPACES.contains(&ns.metadata.name.as_str()),
        Object::Service(svc) => {
            svc.metadata.namespace == "default" && svc.metadata.name == "kubernetes"
        }
        Object::ConfigMap(cm) => cm.metadata.name == "kube-root-ca.crt",
        // A provisioner makes these again for their claims.
        Object::PersistentVolume(pv) => pv
            .metadata
            .annotation(kubeplay_api::storage::PROVISIONED_BY_ANNOTATION)
            .is_some(),
        // Made by the ServiceAccount controller and the API server's bootstrap policy.
        Object::ServiceAccount(sa) => sa.metadata.name == "default",
        Object::ClusterRole(_) | Object::ClusterRoleBinding(_) => m
            .labels
            .get("kubernetes.io/bootstrapping")
            .is_some_and(|v| v == "rbac-defaults"),
        _ => false,
    }
}

fn clean(o: &Object) -> Value {
    let mut v = o.to_value();
    let Some(map) = v.as_object_mut() else {
        return v;
    };
    map.remove("status");
    if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "managedFields",
            "ownerReferences",
            "generateName",
        ] {
            meta.remove(k);
        }
        // The protection finalizers admission adds.
        if let Some(f) = meta.get_mut("finalizers").and_then(Value::as_array_mut) {
            f.retain(|x| {
                !matches!(
                    x.as_str(),
                    Some("kubernetes.io/pvc-protection" | "kubernetes.io/pv-protection")
                )
            });
            if f.is_empty() {
                meta.remove("finalizers");
            }
        }
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove(crate::kubectl::apply::LAST_APPLIED);
            a.remove(kubeplay_api::apps::REVISION_ANNOTATION);
            // What the volume controller, provisioner and scheduler wrote on claims and volumes.
            a.retain(|k, _| {
                !k.starts_with("pv.kubernetes.io/")
                    && !k.starts_with("volume.kubernetes.io/")
                    && !k.starts_with("volume.beta.kubernetes.io/")
            });
            if a.is_empty() {
                meta.remove("annotations");
            }
        }
        if o.kind() == Kind::Namespace {
            if let Some(l) = meta.get_mut("labels").and_then(Value::as_object_mut) {
                l.remove("kubernetes.io/metadata.name");
                if l.is_empty() {
                    meta.remove("labels");
                }
            }
        }
        if o.kind() == Kind::DaemonSet {
            if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                a.remove("deprecated.daemonset.template.generation");
                if a.is_empty() {
                    meta.remove("annotations");
                }
            }
        }
        // A Job's own labels, when the API server copied the generated ones from its template.
        let generated_job_labels =
            matches!(o, Object::Job(j) if j.spec.manual_selector != Some(true));
        if generated_job_labels {
            if let Some(l) = meta.get_mut("labels").and_then(Value::as_object_mut) {
                for k in kubeplay_api::batch::GENERATED_LABELS {
                    l.remove(k);
                }
                if l.is_empty() {
                    meta.remove("labels");
                }
            }
        }
    }
    if let Some(spec) = map.get_mut("spec").and_then(Value::as_object_mut) {
        match o.kind() {
            Kind::Service => {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            Kind::Pod => {
                spec.remove("nodeName");
            }
            Kind::Namespace => {
                spec.remove("finalizers");
            }
            // A claim the controller bound binds again in the new cluster; a volume stays
            // reserved for the claim of that name (a new claim has a new uid).
            Kind::PersistentVolumeClaim => {
                let bound_by_controller = o
                    .meta()
                    .annotation(kubeplay_api::storage::BOUND_BY_CONTROLLER_ANNOTATION)
                    .is_some();
                if bound_by_controller {
                    spec.remove("volumeName");
                }
            }
            Kind::PersistentVolume => {
                let bound_by_controller = o
                    .meta()
                    .annotation(kubeplay_api::storage::BOUND_BY_CONTROLLER_ANNOTATION)
                    .is_some();
                if bound_by_controller {
                    spec.remove("claimRef");
                } else if let Some(r) = spec.get_mut("claimRef").and_then(Value::as_object_mut) {
                    r.remove("uid");
                    r.remove("resourceVersion");
                }
            }
            Kind::Job => unset_generated_selector(spec),
            _ => {}
        }
        if spec.is_empty() && o.kind() == Kind::Namespace {
            map.remove("spec");
        }
    }
    v
}

/// The API server generates a Job's selector and its pods' labels from the Job's uid unless
/// `manualSelector` is true, and refuses a selector it did not generate: a manifest leaves both
/// out.
fn unset_generated_selector(spec: &mut serde_json::Map<String, Value>) {
    if spec.get("manualSelector") == Some(&Value::Bool(true)) {
        return;
    }
    spec.remove("selector");
    let labels = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("metadata"))
        .and_then(Value::as_object_mut);
    if let Some(meta) = labels {
        if let Some(l) = meta.get_mut("labels").and_then(Value::as_object_mut) {
            for k in kubeplay_api::batch::GENERATED_LABELS {
                l.remove(k);
            }
            if l.is_empty() {
                meta.remove("labels");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use kubeplay_engine::ClusterConfig;
    use serde_json::json;

    use super::*;

    #[test]
    fn jobs_export_without_what_the_server_generated() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        let generated = json!({"batch.kubernetes.io/controller-uid": "5f1c", "batch.kubernetes.io/job-name": "pi",
                               "controller-uid": "5f1c", "job-name": "pi"});
        let pod_spec =
            json!({"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34"}]});
        for v in [
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick", "namespace": "default"},
                   "spec": {"schedule": "*/1 * * * *", "jobTemplate": {"spec": {"template": {"spec": pod_spec}}}}}),
            // As the API server stores a Job it gave a selector.
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi", "namespace": "default"},
                   "spec": {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "5f1c"}},
                            "template": {"metadata": {"labels": generated}, "spec": pod_spec}}}),
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "mine", "namespace": "default"},
                   "spec": {"manualSelector": true, "selector": {"matchLabels": {"app": "mine"}},
                            "template": {"metadata": {"labels": {"app": "mine"}}, "spec": pod_spec}}}),
            // Started by the CronJob: the CronJob stands for it.
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "tick-1", "namespace": "default",
                       "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "tick", "uid": "1", "controller": true}]},
                   "spec": {"template": {"spec": pod_spec}}}),
        ] {
            cluster
                .create(Object::from_value(v).expect("object"))
                .expect("created");
        }
        expect![[r#"
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: tick
              namespace: default
            spec:
              concurrencyPolicy: Allow
              failedJobsHistoryLimit: 1
              jobTemplate:
                metadata: {}
                spec:
                  template:
                    metadata: {}
                    spec:
                      containers:
                      - image: perl:5.34
                        imagePullPolicy: IfNotPresent
                        name: pi
                        resources: {}
                        terminationMessagePath: /dev/termination-log
                        terminationMessagePolicy: File
                      dnsPolicy: ClusterFirst
                      restartPolicy: Never
                      schedulerName: default-scheduler
                      securityContext: {}
                      terminationGracePeriodSeconds: 30
              schedule: '*/1 * * * *'
              successfulJobsHistoryLimit: 3
              suspend: false
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              labels:
                app: mine
              name: mine
              namespace: default
            spec:
              backoffLimit: 6
              completionMode: NonIndexed
              completions: 1
              manualSelector: true
              parallelism: 1
              podReplacementPolicy: TerminatingOrFailed
              selector:
                matchLabels:
                  app: mine
              suspend: false
              template:
                metadata:
                  labels:
                    app: mine
                spec:
                  containers:
                  - image: perl:5.34
                    imagePullPolicy: IfNotPresent
                    name: pi
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  restartPolicy: Never
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: pi
              namespace: default
            spec:
              backoffLimit: 6
              completionMode: NonIndexed
              completions: 1
              parallelism: 1
              podReplacementPolicy: TerminatingOrFailed
              suspend: false
              template:
                metadata: {}
                spec:
                  containers:
                  - image: perl:5.34
                    imagePullPolicy: IfNotPresent
                    name: pi
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  restartPolicy: Never
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
        "#]]
        .assert_eq(&export(&cluster));
    }
}
