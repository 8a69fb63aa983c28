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
        Kind::ConfigMap,
        Kind::Secret,
        Kind::Service,
        Kind::Deployment,
        Kind::ReplicaSet,
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
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove(crate::kubectl::apply::LAST_APPLIED);
            a.remove(kubeplay_api::apps::REVISION_ANNOTATION);
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
            _ => {}
        }
        if spec.is_empty() && o.kind() == Kind::Namespace {
            map.remove("spec");
        }
    }
    v
}
