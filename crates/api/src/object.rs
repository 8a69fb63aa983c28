//! The kinds the playground serves, their API resources (`kubectl api-resources`), and `Object`, the
//! tagged union the store holds, with conversion to and from Kubernetes JSON/YAML.

use serde_json::{Map, Value};

use crate::apps::{ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet};
use crate::autoscaling::HorizontalPodAutoscaler;
use crate::batch::{CronJob, Job};
use crate::core::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, PriorityClass, Secret, Service,
    ServiceAccount,
};
use crate::error::ApiError;
use crate::ingress::{Ingress, IngressClass};
use crate::meta::ObjectMeta;
use crate::networking::NetworkPolicy;
use crate::policy::PodDisruptionBudget;
use crate::quota::{LimitRange, ResourceQuota};
use crate::rbac::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use crate::storage::{PersistentVolume, PersistentVolumeClaim, StorageClass};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Pod,
    Node,
    Service,
    Endpoints,
    Secret,
    ConfigMap,
    Namespace,
    Event,
    Deployment,
    ReplicaSet,
    Job,
    CronJob,
    DaemonSet,
    PriorityClass,
    NetworkPolicy,
    PodDisruptionBudget,
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
    StatefulSet,
    HorizontalPodAutoscaler,
    ControllerRevision,
    ResourceQuota,
    LimitRange,
    Ingress,
    IngressClass,
    ServiceAccount,
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
}

/// One row of `kubectl api-resources`.
#[derive(Clone, Copy, Debug)]
pub struct ResourceType {
    pub kind: Kind,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub api_version: &'static str,
    pub namespaced: bool,
    pub verbs: &'static str,
}

/// Every kind, in `kubectl api-resources` order: the core group first, then the groups in
/// discovery's order (apps, autoscaling, batch, networking.k8s.io, policy,
/// rbac.authorization.k8s.io, scheduling.k8s.io, storage.k8s.io), by name within a group.
pub const RESOURCES: &[ResourceType] = &[
    ResourceType {
        kind: Kind::ConfigMap,
        plural: "configmaps",
        singular: "configmap",
        short_names: &["cm"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Endpoints,
        plural: "endpoints",
        singular: "endpoints",
        short_names: &["ep"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Event,
        plural: "events",
        singular: "event",
        short_names: &["ev"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::LimitRange,
        plural: "limitranges",
        singular: "limitrange",
        short_names: &["limits"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Namespace,
        plural: "namespaces",
        singular: "namespace",
        short_names: &["ns"],
        api_version: "v1",
        namespaced: false,
        verbs: "create,delete,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Node,
        plural: "nodes",
        singular: "node",
        short_names: &["no"],
        api_version: "v1",
        namespaced: false,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::PersistentVolumeClaim,
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::PersistentVolume,
        plural: "persistentvolumes",
        singular: "persistentvolume",
        short_names: &["pv"],
        api_version: "v1",
        namespaced: false,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Pod,
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::ResourceQuota,
        plural: "resourcequotas",
        singular: "resourcequota",
        short_names: &["quota"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Secret,
        plural: "secrets",
        singular: "secret",
        short_names: &[],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::ServiceAccount,
        plural: "serviceaccounts",
        singular: "serviceaccount",
        short_names: &["sa"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Service,
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        api_version: "v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::ControllerRevision,
        plural: "controllerrevisions",
        singular: "controllerrevision",
        short_names: &[],
        api_version: "apps/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::DaemonSet,
        plural: "daemonsets",
        singular: "daemonset",
        short_names: &["ds"],
        api_version: "apps/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Deployment,
        plural: "deployments",
        singular: "deployment",
        short_names: &["deploy"],
        api_version: "apps/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::ReplicaSet,
        plural: "replicasets",
        singular: "replicaset",
        short_names: &["rs"],
        api_version: "apps/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::StatefulSet,
        plural: "statefulsets",
        singular: "statefulset",
        short_names: &["sts"],
        api_version: "apps/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::HorizontalPodAutoscaler,
        plural: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        short_names: &["hpa"],
        api_version: "autoscaling/v2",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::CronJob,
        plural: "cronjobs",
        singular: "cronjob",
        short_names: &["cj"],
        api_version: "batch/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Job,
        plural: "jobs",
        singular: "job",
        short_names: &[],
        api_version: "batch/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::IngressClass,
        plural: "ingressclasses",
        singular: "ingressclass",
        short_names: &[],
        api_version: "networking.k8s.io/v1",
        namespaced: false,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Ingress,
        plural: "ingresses",
        singular: "ingress",
        short_names: &["ing"],
        api_version: "networking.k8s.io/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::NetworkPolicy,
        plural: "networkpolicies",
        singular: "networkpolicy",
        short_names: &["netpol"],
        api_version: "networking.k8s.io/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::PodDisruptionBudget,
        plural: "poddisruptionbudgets",
        singular: "poddisruptionbudget",
        short_names: &["pdb"],
        api_version: "policy/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::ClusterRoleBinding,
        plural: "clusterrolebindings",
        singular: "clusterrolebinding",
        short_names: &[],
        api_version: "rbac.authorization.k8s.io/v1",
        namespaced: false,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::ClusterRole,
        plural: "clusterroles",
        singular: "clusterrole",
        short_names: &[],
        api_version: "rbac.authorization.k8s.io/v1",
        namespaced: false,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::RoleBinding,
        plural: "rolebindings",
        singular: "rolebinding",
        short_names: &[],
        api_version: "rbac.authorization.k8s.io/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::Role,
        plural: "roles",
        singular: "role",
        short_names: &[],
        api_version: "rbac.authorization.k8s.io/v1",
        namespaced: true,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::PriorityClass,
        plural: "priorityclasses",
        singular: "priorityclass",
        short_names: &["pc"],
        api_version: "scheduling.k8s.io/v1",
        namespaced: false,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
    ResourceType {
        kind: Kind::StorageClass,
        plural: "storageclasses",
        singular: "storageclass",
        short_names: &["sc"],
        api_version: "storage.k8s.io/v1",
        namespaced: false,
        verbs: "create,delete,deletecollection,get,list,patch,update,watch",
    },
];

/// The kinds of the `all` category (`kubectl get all`), in discovery's order.
pub const ALL_CATEGORY: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::HorizontalPodAutoscaler,
    Kind::CronJob,
    Kind::Job,
];

impl Kind {
    pub fn resource(self) -> &'static ResourceType {
        RESOURCES
            .iter()
            .find(|r| r.kind == self)
            .expect("every kind has a resource row")
    }
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pod => "Pod",
            Kind::Node => "Node",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::Secret => "Secret",
            Kind::ConfigMap => "ConfigMap",
            Kind::Namespace => "Namespace",
            Kind::Event => "Event",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
            Kind::DaemonSet => "DaemonSet",
            Kind::PriorityClass => "PriorityClass",
            Kind::NetworkPolicy => "NetworkPolicy",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::PersistentVolume => "PersistentVolume",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::StorageClass => "StorageClass",
            Kind::StatefulSet => "StatefulSet",
            Kind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Kind::ControllerRevision => "ControllerRevision",
            Kind::ResourceQuota => "ResourceQuota",
            Kind::LimitRange => "LimitRange",
            Kind::Ingress => "Ingress",
            Kind::IngressClass => "IngressClass",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::Role => "Role",
            Kind::ClusterRole => "ClusterRole",
            Kind::RoleBinding => "RoleBinding",
            Kind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }
    pub fn api_version(self) -> &'static str {
        self.resource().api_version
    }
    pub fn plural(self) -> &'static str {
        self.resource().plural
    }
    pub fn namespaced(self) -> bool {
        self.resource().namespaced
    }
    /// `deployment.apps`, `pod` — how kubectl names a kind in `deployment.apps/nginx created`.
    pub fn qualified_singular(self) -> String {
        let r = self.resource();
        match r.api_version.split_once('/') {
            Some((group, _)) => format!("{}.{group}", r.singular),
            None => r.singular.to_string(),
        }
    }
    /// `deployments.apps`, `pods` — as in `deployments.apps "x" not found`.
    pub fn qualified_plural(self) -> String {
        let r = self.resource();
        match r.api_version.split_once('/') {
            Some((group, _)) => format!("{}.{group}", r.plural),
            None => r.plural.to_string(),
        }
    }
    /// Resolves what a user types after `kubectl get`: plural, singular, short name, kind, or
    /// `deployments.apps`-style qualified names, case-insensitively.
    pub fn from_resource_name(s: &str) -> Option<Kind> {
        let s = s.to_ascii_lowercase();
        let (name, group) = match s.split_once('.') {
            Some((n, g)) => (n.to_string(), Some(g.to_string())),
            None => (s.clone(), None),
        };
        RESOURCES
            .iter()
            .find(|r| {
                let group_ok = match &group {
                    None => true,
                    Some(g) => {
                        r.api_version.split_once('/').map(|(rg, _)| rg) == Some(g.as_str())
                            || (r.api_version == "v1" && g == "v1")
                    }
                };
                group_ok
                    && (r.plural == name
                        || r.singular == name
                        || r.short_names.contains(&name.as_str())
                        || r.kind.name().to_ascii_lowercase() == name)
            })
            .map(|r| r.kind)
    }
    /// Resolves `apiVersion` + `kind` from a manifest.
    pub fn from_type_meta(api_version: &str, kind: &str) -> Option<Kind> {
        RESOURCES
            .iter()
            .find(|r| r.api_version == api_version && r.kind.name() == kind)
            .map(|r| r.kind)
    }
}

/// Any object the store holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Pod(Pod),
    Node(Node),
    Service(Service),
    Endpoints(Endpoints),
    Secret(Secret),
    ConfigMap(ConfigMap),
    Namespace(Namespace),
    Event(Event),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
    // Boxed: a Job or CronJob (a pod template inside a spec) is much larger than the other
    // kinds, and every stored object would otherwise pay for it.
    Job(Box<Job>),
    CronJob(Box<CronJob>),
    DaemonSet(Box<DaemonSet>),
    PriorityClass(PriorityClass),
    NetworkPolicy(NetworkPolicy),
    PodDisruptionBudget(PodDisruptionBudget),
    PersistentVolume(PersistentVolume),
    PersistentVolumeClaim(PersistentVolumeClaim),
    StorageClass(StorageClass),
    StatefulSet(Box<StatefulSet>),
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    ControllerRevision(ControllerRevision),
    ResourceQuota(ResourceQuota),
    LimitRange(LimitRange),
    Ingress(Ingress),
    IngressClass(IngressClass),
    ServiceAccount(ServiceAccount),
    Role(Role),
    ClusterRole(ClusterRole),
    RoleBinding(RoleBinding),
    ClusterRoleBinding(ClusterRoleBinding),
}

macro_rules! each_kind {
    ($self:expr, $o:ident => $body:expr) => {
        match $self {
            Object::Pod($o) => $body,
            Object::Node($o) => $body,
            Object::Service($o) => $body,
            Object::Endpoints($o) => $body,
            Object::Secret($o) => $body,
            Object::ConfigMap($o) => $body,
            Object::Namespace($o) => $body,
            Object::Event($o) => $body,
            Object::Deployment($o) => $body,
            Object::ReplicaSet($o) => $body,
            Object::Job($o) => $body,
            Object::CronJob($o) => $body,
            Object::DaemonSet($o) => $body,
            Object::PriorityClass($o) => $body,
            Object::NetworkPolicy($o) => $body,
            Object::PodDisruptionBudget($o) => $body,
            Object::PersistentVolume($o) => $body,
            Object::PersistentVolumeClaim($o) => $body,
            Object::StorageClass($o) => $body,
            Object::StatefulSet($o) => $body,
            Object::HorizontalPodAutoscaler($o) => $body,
            Object::ControllerRevision($o) => $body,
            Object::ResourceQuota($o) => $body,
            Object::LimitRange($o) => $body,
            Object::Ingress($o) => $body,
            Object::IngressClass($o) => $body,
            Object::ServiceAccount($o) => $body,
            Object::Role($o) => $body,
            Object::ClusterRole($o) => $body,
            Object::RoleBinding($o) => $body,
            Object::ClusterRoleBinding($o) => $body,
        }
    };
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Pod(_) => Kind::Pod,
            Object::Node(_) => Kind::Node,
            Object::Service(_) => Kind::Service,
            Object::Endpoints(_) => Kind::Endpoints,
            Object::Secret(_) => Kind::Secret,
            Object::ConfigMap(_) => Kind::ConfigMap,
            Object::Namespace(_) => Kind::Namespace,
            Object::Event(_) => Kind::Event,
            Object::Deployment(_) => Kind::Deployment,
            Object::ReplicaSet(_) => Kind::ReplicaSet,
            Object::Job(_) => Kind::Job,
            Object::CronJob(_) => Kind::CronJob,
            Object::DaemonSet(_) => Kind::DaemonSet,
            Object::PriorityClass(_) => Kind::PriorityClass,
            Object::NetworkPolicy(_) => Kind::NetworkPolicy,
            Object::PodDisruptionBudget(_) => Kind::PodDisruptionBudget,
            Object::PersistentVolume(_) => Kind::PersistentVolume,
            Object::PersistentVolumeClaim(_) => Kind::PersistentVolumeClaim,
            Object::StorageClass(_) => Kind::StorageClass,
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::HorizontalPodAutoscaler(_) => Kind::HorizontalPodAutoscaler,
            Object::ControllerRevision(_) => Kind::ControllerRevision,
            Object::ResourceQuota(_) => Kind::ResourceQuota,
            Object::LimitRange(_) => Kind::LimitRange,
            Object::Ingress(_) => Kind::Ingress,
            Object::IngressClass(_) => Kind::IngressClass,
            Object::ServiceAccount(_) => Kind::ServiceAccount,
            Object::Role(_) => Kind::Role,
            Object::ClusterRole(_) => Kind::ClusterRole,
            Object::RoleBinding(_) => Kind::RoleBinding,
            Object::ClusterRoleBinding(_) => Kind::ClusterRoleBinding,
        }
    }
    pub fn meta(&self) -> &ObjectMeta {
        each_kind!(self, o => &o.metadata)
    }
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        each_kind!(self, o => &mut o.metadata)
    }
    pub fn name(&self) -> &str {
        &self.meta().name
    }
    pub fn namespace(&self) -> &str {
        &self.meta().namespace
    }

    /// The object as Kubernetes JSON: `apiVersion` and `kind` first-class, keys sorted as kubectl
    /// prints them.
    pub fn to_value(&self) -> Value {
        let body = each_kind!(self, o => serde_json::to_value(o));
        let mut map = match body {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        map.insert(
            "apiVersion".into(),
            Value::String(self.kind().api_version().into()),
        );
        map.insert("kind".into(), Value::String(self.kind().name().into()));
        Value::Object(map)
    }

    /// Reads an object from Kubernetes JSON (already parsed from JSON or YAML).
    pub fn from_value(v: Value) -> Result<Object, ApiError> {
        let Value::Object(mut map) = v else {
            return Err(ApiError::bad_request(
                "Object 'Kind' is missing in the document".to_string(),
            ));
        };
        let kind = map
            .remove("kind")
            .and_then(|k| k.as_str().map(str::to_string));
        let api_version = map
            .remove("apiVersion")
            .and_then(|k| k.as_str().map(str::to_string));
        let Some(kind) = kind.filter(|k| !k.is_empty()) else {
            return Err(ApiError::bad_request(
                "Object 'Kind' is missing in the document".to_string(),
            ));
        };
        let Some(api_version) = api_version.filter(|a| !a.is_empty()) else {
            return Err(ApiError::bad_request(
                "Object 'apiVersion' is missing in the document".to_string(),
            ));
        };
        // autoscaling/v1 is still served upstream and many tutorials use it: the API server
        // converts it to v2, its storage version.
        if api_version == "autoscaling/v1" && kind == "HorizontalPodAutoscaler" {
            crate::autoscaling::convert_v1_spec(&mut map);
            return Object::from_value(Value::Object({
                map.insert("apiVersion".into(), Value::String("autoscaling/v2".into()));
                map.insert("kind".into(), Value::String(kind));
                map
            }));
        }
        let Some(k) = Kind::from_type_meta(&api_version, &kind) else {
            return Err(ApiError::no_kind_match(&api_version, &kind));
        };
        if let Some(msg) = go_type_error(k, &map) {
            return Err(ApiError::bad_request(format!(
                "{kind} in version \"{}\" cannot be handled as a {kind}: {msg}",
                api_version.rsplit('/').next().unwrap_or(&api_version)
            )));
        }
        let body = Value::Object(map);
        let decode = |e: serde_json::Error| {
            ApiError::bad_request(format!(
                "{kind} in version \"{}\" cannot be handled as a {kind}: {e}",
                api_version.rsplit('/').next().unwrap_or(&api_version)
            ))
        };
        Ok(match k {
            Kind::Pod => Object::Pod(serde_json::from_value(body).map_err(decode)?),
            Kind::Node => Object::Node(serde_json::from_value(body).map_err(decode)?),
            Kind::Service => Object::Service(serde_json::from_value(body).map_err(decode)?),
            Kind::Endpoints => Object::Endpoints(serde_json::from_value(body).map_err(decode)?),
            Kind::Secret => Object::Secret(serde_json::from_value(body).map_err(decode)?),
            Kind::ConfigMap => Object::ConfigMap(serde_json::from_value(body).map_err(decode)?),
            Kind::Namespace => Object::Namespace(serde_json::from_value(body).map_err(decode)?),
            Kind::Event => Object::Event(serde_json::from_value(body).map_err(decode)?),
            Kind::Deployment => Object::Deployment(serde_json::from_value(body).map_err(decode)?),
            Kind::ReplicaSet => Object::ReplicaSet(serde_json::from_value(body).map_err(decode)?),
            Kind::Job => Object::Job(serde_json::from_value(body).map_err(decode)?),
            Kind::CronJob => Object::CronJob(serde_json::from_value(body).map_err(decode)?),
            Kind::DaemonSet => Object::DaemonSet(serde_json::from_value(body).map_err(decode)?),
            Kind::PriorityClass => {
                Object::PriorityClass(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::NetworkPolicy => {
                Object::NetworkPolicy(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::PodDisruptionBudget => {
                Object::PodDisruptionBudget(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::PersistentVolume => {
                Object::PersistentVolume(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::PersistentVolumeClaim => {
                Object::PersistentVolumeClaim(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::StorageClass => {
                Object::StorageClass(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::StatefulSet => Object::StatefulSet(serde_json::from_value(body).map_err(decode)?),
            Kind::HorizontalPodAutoscaler => {
                Object::HorizontalPodAutoscaler(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::ControllerRevision => {
                Object::ControllerRevision(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::ResourceQuota => {
                Object::ResourceQuota(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::LimitRange => Object::LimitRange(serde_json::from_value(body).map_err(decode)?),
            Kind::Ingress => Object::Ingress(serde_json::from_value(body).map_err(decode)?),
            Kind::IngressClass => {
                Object::IngressClass(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::ServiceAccount => {
                Object::ServiceAccount(serde_json::from_value(body).map_err(decode)?)
            }
            Kind::Role => Object::Role(serde_json::from_value(body).map_err(decode)?),
            Kind::ClusterRole => Object::ClusterRole(serde_json::from_value(body).map_err(decode)?),
            Kind::RoleBinding => Object::RoleBinding(serde_json::from_value(body).map_err(decode)?),
            Kind::ClusterRoleBinding => {
                Object::ClusterRoleBinding(serde_json::from_value(body).map_err(decode)?)
            }
        })
    }
}

/// Parses a stream of YAML (or JSON, which is YAML) documents into JSON values, skipping empty
/// documents. A `List` kind is flattened into its items, as kubectl does.
/// A JSON value's type as Go's `encoding/json` names it in an UnmarshalTypeError.
fn go_json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The API server's text for a value of the wrong JSON type in the fields users most often
/// get wrong (a number or `true` where a string goes): `json: cannot unmarshal number into Go
/// struct field ConfigMap.data of type string`. The Go struct is the innermost one holding the
/// field; the path runs from the object's root without list indexes, as Go prints it.
fn go_type_error(kind: Kind, body: &Map<String, Value>) -> Option<String> {
    let err = |got: &Value, field: &str, want: &str| {
        Some(format!(
            "json: cannot unmarshal {} into Go struct field {field} of type {want}",
            go_json_type(got)
        ))
    };
    let strings = |m: Option<&Value>, field: &str| -> Option<String> {
        let m = m?.as_object()?;
        m.values()
            .find(|v| !v.is_string() && !v.is_null())
            .and_then(|v| err(v, field, "string"))
    };
    let meta = body.get("metadata");
    if let Some(e) = strings(
        meta.and_then(|m| m.get("labels")),
        "ObjectMeta.metadata.labels",
    )
    .or_else(|| {
        strings(
            meta.and_then(|m| m.get("annotations")),
            "ObjectMeta.metadata.annotations",
        )
    }) {
        return Some(e);
    }
    match kind {
        Kind::ConfigMap => strings(body.get("data"), "ConfigMap.data"),
        Kind::Secret => strings(body.get("stringData"), "Secret.stringData").or_else(|| {
            strings(body.get("data"), "Secret.data")
                .map(|e| e.replace("of type string", "of type []uint8"))
        }),
        Kind::Deployment | Kind::ReplicaSet | Kind::Pod => {
            let (spec, prefix) = if kind == Kind::Pod {
                (body.get("spec"), "spec")
            } else {
                let spec = body.get("spec");
                let struct_name = if kind == Kind::Deployment {
                    "DeploymentSpec"
                } else {
                    "ReplicaSetSpec"
                };
                if let Some(r) = spec
                    .and_then(|s| s.get("replicas"))
                    .filter(|r| !r.is_number() && !r.is_null())
                {
                    return err(r, &format!("{struct_name}.spec.replicas"), "int32");
                }
                (
                    spec.and_then(|s| s.get("template"))
                        .and_then(|t| t.get("spec")),
                    "spec.template.spec",
                )
            };
            let containers = spec
                .and_then(|s| s.get("containers"))
                .and_then(Value::as_array)?;
            for c in containers {
                if let Some(i) = c.get("image").filter(|i| !i.is_string() && !i.is_null()) {
                    return err(i, &format!("Container.{prefix}.containers.image"), "string");
                }
                for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                    if let Some(v) = e.get("value").filter(|v| !v.is_string() && !v.is_null()) {
                        return err(
                            v,
                            &format!("EnvVar.{prefix}.containers.env.value"),
                            "string",
                        );
                    }
                }
            }
            None
        }
        _ => None,
    }
}

/// A YAML syntax error as kubectl words it (sigs.k8s.io/yaml over go-yaml): `error converting
/// YAML to JSON: yaml: line N: MESSAGE`, with go-yaml's message where it differs from the
/// parser's, and none of the parser's own source excerpt.
fn yaml_error(e: &serde_saphyr::Error) -> String {
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let Some((place, message)) = first.strip_prefix("line ").and_then(|r| r.split_once(": "))
    else {
        return format!("error converting YAML to JSON: yaml: {first}");
    };
    let line = place.split(" column").next().unwrap_or(place);
    let message = if message.starts_with("unclosed bracket '['") {
        "did not find expected ',' or ']'"
    } else if message.starts_with("unclosed bracket '{'") {
        "did not find expected ',' or '}'"
    } else if message.starts_with("tabs disallowed") {
        "found character that cannot start any token"
    } else {
        message
    };
    format!("error converting YAML to JSON: yaml: line {line}: {message}")
}

/// One JSON or YAML value, as it is (a patch, `kubectl patch -p`): no List flattening, the
/// first document of a multi-document YAML.
pub fn parse_value(text: &str) -> Result<Value, String> {
    if text.len() > 4 * 1024 * 1024 {
        return Err("error: the document is larger than 4 MiB".to_string());
    }
    if text.trim_start().starts_with(['{', '[']) {
        return serde_json::from_str(text).map_err(|e| format!("error: error parsing JSON: {e}"));
    }
    let docs = serde_saphyr::from_multiple::<Value>(text)
        .map_err(|e| format!("error: {}", yaml_error(&e)))?;
    Ok(docs.into_iter().next().unwrap_or(Value::Null))
}

pub fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    if text.len() > 4 * 1024 * 1024 {
        return Err("error: the manifest is larger than 4 MiB".to_string());
    }
    let docs: Vec<Value> = if text.trim_start().starts_with(['{', '[']) {
        vec![serde_json::from_str(text).map_err(|e| format!("error: error parsing JSON: {e}"))?]
    } else {
        serde_saphyr::from_multiple::<Value>(text)
            .map_err(|e| format!("error: {}", yaml_error(&e)))?
    };
    let mut out = Vec::new();
    for d in docs {
        match d {
            Value::Null => {}
            Value::Object(ref m) if m.get("kind").and_then(Value::as_str) == Some("List") => {
                if let Some(Value::Array(items)) = m.get("items") {
                    out.extend(items.iter().cloned());
                }
            }
            Value::Array(items) => out.extend(items),
            other => out.push(other),
        }
    }
    Ok(out)
}
