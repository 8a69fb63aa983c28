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

/// Whether an init container is a sidecar (`restartPolicy: Always`): it keeps running beside
/// the containers.
pub fn is_restartable_init_container(c: &kubeplay_api::core::Container) -> bool {
    c.extra.get("restartPolicy").and_then(|v| v.as_str()) == Some("Always")
}

/// The pod-level `spec.resources.requests` (PodLevelResources, on by default since 1.34), when
/// the pod states any: only `cpu` and `memory` are pod-level resources.
pub fn pod_level_requests(pod: &Pod) -> Option<ResourceList> {
    let requests = pod
        .spec
        .extra
        .get("resources")?
        .get("requests")?
        .as_object()?;
    let mut out = ResourceList::new();
    for name in ["cpu", "memory"] {
        let q = requests
            .get(name)
            .and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_number().map(|n| n.to_string()))
            })
            .and_then(|s| s.parse().ok());
        if let Some(q) = q {
            out.insert(name.to_string(), q);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// [`pod_requests`] without and with the defaults for absent cpu and memory, at once: a node's
/// sums need both for every pod, and the pod-level lookup (a search of the pod's spec) is then
/// done once.
pub fn pod_requests_both(pod: &Pod) -> (Resources, Resources) {
    match pod_level_requests(pod) {
        // With pod-level requests the defaults never apply (see pod_requests).
        Some(level) => {
            let r = with_pod_level(pod, &level);
            (r.clone(), r)
        }
        None => (
            add_overhead(pod, container_sum(pod, false)),
            add_overhead(pod, container_sum(pod, true)),
        ),
    }
}

fn with_pod_level(pod: &Pod, level: &ResourceList) -> Resources {
    let mut sum = container_sum(pod, false);
    let mut l = Resources::default();
    l.add_list(level);
    if level.contains_key("cpu") {
        sum.milli_cpu = l.milli_cpu;
    }
    if level.contains_key("memory") {
        sum.memory = l.memory;
    }
    add_overhead(pod, sum)
}

/// A pod's effective request, as upstream's `resourcehelper.PodRequests` computes it:
/// * the containers' sum, plus every sidecar (`restartPolicy: Always` init container), which
///   runs beside them;
/// * each ordinary init container counts together with the sidecars started before it, and
///   the result is the per-resource maximum of that sum and every such init-container figure;
/// * pod-level `spec.resources.requests` replace the result for `cpu` and `memory`;
/// * plus `spec.overhead`.
///
/// With `non_missing`, a container's absent `cpu` or `memory` key counts as the scheduler's
/// default 100m/200Mi (the scoring view, `NonZeroRequested`); an explicit `"0"` stays 0, and a
/// pod with pod-level requests gets no defaults (`getNonMissingContainerRequests`). Without,
/// absent keys count as 0 (the filtering view, `Requested`).
pub fn pod_requests(pod: &Pod, non_missing: bool) -> Resources {
    match pod_level_requests(pod) {
        Some(level) => with_pod_level(pod, &level),
        None => add_overhead(pod, container_sum(pod, non_missing)),
    }
}

/// The incoming pod's request as NodeResourcesFit's scoring strategies see it: the containers'
/// figures with the 100m/200Mi defaults, pod-level requests not applied. (So kube-scheduler
/// v1.35.4 scores; its filter and BalancedAllocation do apply pod-level requests. Observed in
/// `tests/fixtures/scheduler-vectors`, 5 cases.)
pub fn pod_requests_for_fit_score(pod: &Pod) -> Resources {
    add_overhead(pod, container_sum(pod, true))
}

fn add_overhead(pod: &Pod, mut sum: Resources) -> Resources {
    if !pod.spec.overhead.is_empty() {
        sum.add_list(&pod.spec.overhead);
    }
    sum
}

/// The containers' and init containers' part of [`pod_requests`].
fn container_sum(pod: &Pod, non_missing: bool) -> Resources {
    let mut sum = Resources::default();
    for c in &pod.spec.containers {
        sum.add(&container_requests(&c.resources.requests, non_missing));
    }
    let mut sidecars = Resources::default();
    let mut init = Resources::default();
    for c in &pod.spec.init_containers {
        let mut r = container_requests(&c.resources.requests, non_missing);
        if is_restartable_init_container(c) {
            sum.add(&r);
            sidecars.add(&r);
            r = sidecars.clone();
        } else {
            r.add(&sidecars);
        }
        init.max_with(&r);
    }
    sum.max_with(&init);
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
