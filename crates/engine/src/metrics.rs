//! The metrics-server: what `kubectl top` and the HorizontalPodAutoscaler read. A running pod's
//! app container uses 1m of CPU idle plus `kubeplay.dev/cpu-per-request` (default 2m) for each
//! request per second it answered over the last 15 s of traffic, up to its CPU limit; its
//! other containers 1m. Memory is the container's request (4Mi without one): the playground
//! does not model memory growing with load.

use kubeplay_api::{Pod, Quantity};

use crate::Cluster;

/// CPU a container uses idle, in millicores.
pub const IDLE_CPU_MILLI: i64 = 1;
/// What a container without a memory request uses.
pub const NOMINAL_MEMORY: i64 = 4 * 1024 * 1024;
/// CPU per request per second, in millicores, unless the pod's annotation says otherwise.
pub const CPU_PER_REQUEST_MILLI: f64 = 2.0;
pub const CPU_PER_REQUEST_ANNOTATION: &str = "kubeplay.dev/cpu-per-request";

/// One container's use now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerMetrics {
    pub name: String,
    pub cpu_milli: i64,
    pub memory_bytes: i64,
}

impl Cluster {
    /// What the metrics-server reports for a pod: None unless it is running.
    pub fn pod_metrics(&self, pod: &Pod) -> Option<Vec<ContainerMetrics>> {
        if pod.status.phase != "Running" {
            return None;
        }
        let rate = self.traffic.served_rate(&pod.status.pod_ip, self.now);
        let per_request = pod
            .metadata
            .annotation(CPU_PER_REQUEST_ANNOTATION)
            .and_then(|v| v.parse::<Quantity>().ok())
            .map(|q| q.milli_value() as f64)
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(CPU_PER_REQUEST_MILLI);
        Some(
            pod.spec
                .containers
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut cpu = IDLE_CPU_MILLI;
                    if i == 0 {
                        cpu += (rate * per_request).round().min(1e9) as i64;
                    }
                    if let Some(limit) = c.resources.limits.get("cpu") {
                        cpu = cpu.min(limit.milli_value().max(IDLE_CPU_MILLI));
                    }
                    let memory = c
                        .resources
                        .requests
                        .get("memory")
                        .map(Quantity::value)
                        .unwrap_or(NOMINAL_MEMORY);
                    ContainerMetrics {
                        name: c.name.clone(),
                        cpu_milli: cpu,
                        memory_bytes: memory,
                    }
                })
                .collect(),
        )
    }

    /// The pod's total: (millicores, bytes).
    pub fn pod_usage(&self, pod: &Pod) -> Option<(i64, i64)> {
        self.pod_metrics(pod).map(|cs| {
            cs.iter()
                .fold((0, 0), |(c, m), x| (c + x.cpu_milli, m + x.memory_bytes))
        })
    }
}
