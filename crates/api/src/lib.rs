//! Kubernetes API objects as the playground stores and prints them: the kinds it serves, object
//! metadata, quantities, label selectors, defaulting and validation with the API server's messages.
//!
//! Pure data: no IO, no clock. The engine, scheduler and console all speak these types.

pub mod apps;
pub mod autoscaling;
pub mod batch;
pub mod core;
pub mod cron;
pub mod defaults;
pub mod error;
pub mod ingress;
pub mod meta;
pub mod networking;
pub mod object;
pub mod patch;
pub mod policy;
pub mod quantity;
pub mod quota;
pub mod rbac;
pub mod storage;
pub mod summary;
pub mod validation;

pub use apps::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
pub use autoscaling::HorizontalPodAutoscaler;
pub use batch::{CronJob, Job};
pub use core::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, PriorityClass, Secret, Service,
    ServiceAccount,
};
pub use error::{ApiError, Reason};
pub use meta::{IntOrString, LabelSelector, ObjectMeta, OwnerReference, Time};
pub use object::{parse_documents, Kind, Object, ALL_CATEGORY, RESOURCES};
pub use quantity::Quantity;
pub use storage::{PersistentVolume, PersistentVolumeClaim, StorageClass};
