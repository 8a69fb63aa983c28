//! Resource arithmetic as the scheduler does it: a pod's effective request, a node's allocatable.
//!
//! CPU is counted in millicores (`milli_value`), everything else in whole units (`value`: bytes,
//! counts), with integer arithmetic only, as upstream's `framework.Resource` does.

use kubeplay_api::core::ResourceList;
use kubeplay_api::{Node, Pod};

/// `DefaultMilliCPURequest`: what a container with no CPU request counts for in scoring.
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `DefaultMemoryRequest`: 200 MiB, what a container with no memory request counts for in scoring.
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

/// A set of resource amounts (`framework.Resource`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    /// Only meaningful for allocatable: how many pods the node accepts.
    pub allowed_pods: i64,
    /// Extended, hugepages and other scalar resources, sorted by name.
    pub scalar: Vec<(String, i64)>,
}

/// Whether upstream counts `name` as a scalar resource (`IsScalarResourceName`): extended resources
/// (`example.com/foo`), prefixed native ones (`kubernetes.io/...`), hugepages and attachable volumes.
pub fn is_scalar_resource(name: &str) -> bool {
    (name.contains('/') && !name.starts_with("requests."))
        || name.starts_with("hugepages-")
        || name.starts_with("attachable-volumes-")
}

impl Resources {
    /// The amount of the resource named as in a manifest (`cpu` in millicores).
    pub fn get(&self, name: &str) -> i64 {
        match name {
            "cpu" => self.milli_cpu,
            "memory" => self.memory,
            "ephemeral-storage" => self.ephemeral_storage,
            "pods" => self.allowed_pods,
            _ => self.scalar(name),
        }
    }

    pub fn scalar(&self, name: &str) -> i64 {
        match self.scalar.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => self.scalar[i].1,
            Err(_) => 0,
        }
    }

    /// Whether the scalar resource is present at all (a node lacking it differs from one with 0).
    pub fn has_scalar(&self, name: &str) -> bool {
        self.scalar
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .is_ok()
    }

    fn scalar_slot(&mut self, name: &str) -> &mut i64 {
        let i = match self.scalar.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => i,
            Err(i) => {
                self.scalar.insert(i, (name.to_string(), 0));
                i
            }
        };
        &mut self.scalar[i].1
    }

    /// Adds a manifest's resource list (`Resource.Add`): unknown non-scalar names are ignored.
    pub fn add_list(&mut self, list: &ResourceList) {
        for (name, q) in list {
            match name.as_str() {
                "cpu" => self.milli_cpu = self.milli_cpu.saturating_add(q.milli_value()),
                "memory" => self.memory = self.memory.saturating_add(q.value()),
                "ephemeral-storage" => {
                    self.ephemeral_storage = self.ephemeral_storage.saturating_add(q.value())
                }
                "pods" => self.allowed_pods = self.allowed_pods.saturating_add(q.value()),
                n if is_scalar_resource(n) => {
                    let slot = self.scalar_slot(n);
                    *slot = slot.saturating_add(q.value());
                }
                _ => {}
            }
        }
    }

    pub fn add(&mut self, other: &Resources) {
        self.milli_cpu = self.milli_cpu.saturating_add(other.milli_cpu);
        self.memory = self.memory.saturating_add(other.memory);
        self.ephemeral_storage = self
            .ephemeral_storage
            .saturating_add(other.ephemeral_storage);
        self.allowed_pods = self.allowed_pods.saturating_add(other.allowed_pods);
        for (n, v) in &other.scalar {
            let slot = self.scalar_slot(n);
            *slot = slot.saturating_add(*v);
        }
    }

    pub fn sub(&mut self, other: &Resources) {
        self.milli_cpu = self.milli_cpu.saturating_sub(other.milli_cpu);
        self.memory = self.memory.saturating_sub(other.memory);
        self.ephemeral_storage = self
            .ephemeral_storage
            .saturating_sub(other.ephemeral_storage);
        self.allowed_pods = self.allowed_pods.saturating_sub(other.allowed_pods);
        for (n, v) in &other.scalar {
            let slot = self.scalar_slot(n);
            *slot = slot.saturating_sub(*v);
        }
    }

    /// Per-resource maximum, as init containers combine with the containers' sum.
    fn max_with(&mut self, other: &Resources) {
        self.milli_cpu = self.milli_cpu.max(other.milli_cpu);
        self.memory = self.memory.max(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(other.ephemeral_storage);
        for (n, v) in &other.scalar {
            let slot = self.scalar_slot(n);
            *slot = (*slot).max(*v);
        }
    }

    /// Whether nothing at all is requested (the pod-count check is then the only resource check).
    pub fn is_empty_request(&self) -> bool {
        self.milli_cpu == 0
            && self.memory == 0
            && self.ephemeral_storage == 0
            && self.scalar.iter().all(|(_, v)| *v == 0)
    }
}

/// One container's requests; with `non_missing`, an absent `cpu` or `memory` key counts as the
/// scheduler's default (an explicit `"0"` stays 0, as upstream's `GetNonzeroRequests` does).
fn container_requests(list: &ResourceList, non_missing: bool) -> Resources {
    let mut r = Resources::default();
    r.add_list(list);
    if non_missing {
        if !list.contains_key("cpu") {
            r.milli_cpu = DEFAULT_MILLI_CPU_REQUEST;
        }
        if !list.contains_key("memory") {
            r.memory = DEFAULT_MEMORY_REQUEST;
        }
    }
    r
}

/// A pod's effective request: `max(Σ containers, max(each init container)) + overhead`, per
/// resource. With `non_missing`, absent CPU/memory requests count as 100m/200Mi (the scoring
/// view, `NonZeroRequested`); without, they count as 0 (the filtering view, `Requested`).
///
/// Assumed, not researched: restartable init containers (sidecars) are treated as ordinary init
/// containers, and pod-level resources are ignored.
pub fn pod_requests(pod: &Pod, non_missing: bool) -> Resources {
    let mut sum = Resources::default();
    for c in &pod.spec.containers {
        sum.add(&container_requests(&c.resources.requests, non_missing));
    }
    for c in &pod.spec.init_containers {
        sum.max_with(&container_requests(&c.resources.requests, non_missing));
    }
    if !pod.spec.overhead.is_empty() {
        sum.add_list(&pod.spec.overhead);
    }
    sum
}

/// A node's allocatable resources. A node that states no `allocatable` at all falls back to its
/// `capacity` (what the kubelet would report with no reservations).
pub fn node_allocatable(node: &Node) -> Resources {
    let mut r = Resources::default();
    if node.status.allocatable.is_empty() {
        r.add_list(&node.status.capacity);
    } else {
        r.add_list(&node.status.allocatable);
    }
    r
}
