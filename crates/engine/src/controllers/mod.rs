//! The controllers of kube-controller-manager, each a level-triggered sync over the store.

mod cronjob;
mod daemonset;
mod deployment;
mod deployment_util;
mod disruption;
mod endpoints;
mod garbage;
pub(crate) mod history;
pub(crate) mod hpa;
pub(crate) mod job;
pub(crate) mod node_lifecycle;
mod replicaset;
mod resourcequota;
pub(crate) mod statefulset;
pub(crate) mod volume;
