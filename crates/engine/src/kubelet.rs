//! A kubelet per node, simulated in stages with seeded jitter (in the spirit of KWOK's stages):
//! image pull (slow on a node's first pull, cached after), container creation and start, the
//! app's startup, readiness and liveness probes, crashes with CrashLoopBackOff, and graceful
//! termination (preStop, SIGTERM, the grace period).
//!
//! Annotations that set an app's behaviour: `kubeplay.dev/startup-seconds`,
//! `kubeplay.dev/pull-seconds`, `kubeplay.dev/crash-after-seconds`,
//! `kubeplay.dev/shutdown-seconds`.

use std::collections::BTreeMap;

use kubeplay_api::core::{
    ContainerImage, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, NodeAddress, NodeSystemInfo, Pod,
};
use kubeplay_api::meta::Condition;
use kubeplay_api::{Kind, Node, Object, Quantity, Time};

use crate::images::{self, PullOutcome};
use crate::store::Key;
use crate::{Cluster, Task};

/// Kubelet timings (milliseconds) before jitter.
pub mod timing {
    /// From binding until the kubelet has set up the pod sandbox.
    pub const SANDBOX: i64 = 300;
    /// Creating and starting the containers once images are present.
    pub const CONTAINER_START: i64 = 600;
    /// Reporting a failed pull before backing off.
    pub const PULL_FAIL: i64 = 1_500;
    /// Image pull and crash back-off: 10 s doubling to 5 min, as upstream.
    pub const BACKOFF_INITIAL: i64 = 10_000;
    pub const BACKOFF_MAX: i64 = 300_000;
}

#[derive(Clone, Debug, PartialEq)]
enum Stage {
    /// Bound; the kubelet has not acted yet.
    New,
    Pulling {
        failed: Option<String>,
    },
    PullBackOff {
        attempts: u32,
    },
    Creating,
    Running {
        started_at: Time,
        serving_at: Time,
        ready_at: Option<Time>,
        crash_at: Option<Time>,
        liveness_kill_at: Option<Time>,
    },
    CrashLoopBackOff,
    Terminating {
        exit_at: Time,
        killed: bool,
    },
}

#[derive(Clone, Debug)]
struct PodRuntime {
    stage: Stage,
    restarts: i32,
    crash_backoff: i64,
}

#[derive(Clone, Debug, Default)]
struct NodeRuntime {
    failed: bool,
    last_heartbeat: Option<Time>,
    /// Images on the machine, with the time each finished (or will finish) pulling.
    images: BTreeMap<String, Time>,
    index: usize,
}

#[derive(Default)]
pub(crate) struct Kubelet {
    nodes: BTreeMap<String, NodeRuntime>,
    pods: BTreeMap<Key, PodRuntime>,
    next_index: usize,
}

/// What the UI may show about a pod beyond its API object.
#[derive(Clone, Debug, PartialEq)]
pub struct PodRuntimeView {
    pub stage: &'static str,
    /// Whether the app in the pod answers requests now.
    pub serving: bool,
}

impl Kubelet {
    pub(crate) fn node_added(&mut self, name: &str, now: Time) {
        let idx = self.next_index;
        let n = self.nodes.entry(name.to_string()).or_default();
        if n.last_heartbeat.is_none() {
            n.last_heartbeat = Some(now);
            n.index = idx;
            self.next_index += 1;
        }
    }
    pub(crate) fn node_removed(&mut self, name: &str) {
        self.nodes.remove(name);
    }
    pub(crate) fn is_failed(&self, name: &str) -> bool {
        self.nodes.get(name).is_some_and(|n| n.failed)
    }
    pub(crate) fn last_heartbeat(&self, name: &str) -> Option<Time> {
        self.nodes.get(name).and_then(|n| n.last_heartbeat)
    }
    pub(crate) fn forget(&mut self, key: &Key) {
        self.pods.remove(key);
    }

    /// Fills in what a real kubelet would report on registration: conditions, addresses, node
    /// info; allocatable defaults to capacity (a documented playground difference).
    pub(crate) fn prepare_node(&mut self, n: &mut Node, now: Time) {
        if n.status.allocatable.is_empty() {
            n.status.allocatable = n.status.capacity.clone();
        }
        for (k, v) in [
            ("cpu", "2"),
            ("memory", "4Gi"),
            ("pods", "110"),
            ("ephemeral-storage", "100Gi"),
        ] {
            if !n.status.capacity.contains_key(k) {
                let Ok(q) = v.parse::<Quantity>() else {
                    continue;
                };
                n.status.capacity.insert(k.into(), q);
                n.status.allocatable.entry(k.into()).or_insert(q);
            }
        }
        let name = n.metadata.name.clone();
        for (k, v) in [
            ("kubernetes.io/hostname", name.as_str()),
            ("kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("beta.kubernetes.io/arch", "amd64"),
        ] {
            n.metadata
                .labels
                .entry(k.into())
                .or_insert_with(|| v.into());
        }
        if n.status.conditions.is_empty() {
            let cond = |t: &str, s: &str, reason: &str, msg: &str| Condition {
                type_: t.into(),
                status: s.into(),
                last_heartbeat_time: Some(now),
                last_transition_time: Some(now),
                reason: reason.into(),
                message: msg.into(),
                ..Default::default()
            };
            n.status.conditions = vec![
                cond(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                cond(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                cond(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                cond(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ];
        }
        let idx = self.nodes.len() + 1;
        if n.status.addresses.is_empty() {
            n.status.addresses = vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: format!("172.18.0.{}", idx + 1),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: name.clone(),
                },
            ];
        }
        n.status.node_info.get_or_insert_with(|| NodeSystemInfo {
            architecture: "amd64".into(),
            boot_id: format!("boot-{name}"),
            container_runtime_version: "containerd://2.1.0".into(),
            kernel_version: "6.8.0-kubeplay".into(),
            kube_proxy_version: String::new(),
            kubelet_version: "v1.34.0".into(),
            machine_id: format!("machine-{name}"),
            operating_system: "linux".into(),
            os_image: "Debian GNU/Linux 12 (bookworm)".into(),
            system_uuid: format!("uuid-{name}"),
        });
        if n.spec.pod_cidr.is_empty() {
            n.spec.pod_cidr = format!("10.244.{idx}.0/24");
        }
    }
}

fn annotation_seconds(pod: &Pod, key: &str) -> Option<f64> {
    pod.metadata
        .annotation(key)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v.min(86_400.0))
}

fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

impl Cluster {
    /// Called on every watch event of a bound pod: starts the kubelet's work on new pods and
    /// termination on deleted ones.
    pub(crate) fn kubelet_watch(&mut self, pod: &Pod) {
        let key = Key::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name);
        match self.kubelet.pods.get(&key).map(|r| r.stage.clone()) {
            None => {
                self.kubelet.pods.insert(
                    key.clone(),
                    PodRuntime {
                        stage: Stage::New,
                        restarts: 0,
                        crash_backoff: timing::BACKOFF_INITIAL,
                    },
                );
                let d = self.jitter(timing::SANDBOX, 0.3);
                self.schedule_in(d, Task::Kubelet(key.namespace, key.name));
            }
            Some(Stage::Terminating { .. }) => {}
            Some(_) if pod.is_terminating() => {
                self.schedule_in(0, Task::Kubelet(key.namespace, key.name));
            }
            Some(_) => {}
        }
    }

    pub(crate) fn kubelet_sync(&mut self, ns: &str, name: &str) {
        let key = Key::new(Kind::Pod, ns, name);
        let Some(Object::Pod(pod)) = self.store.get(&key).cloned() else {
            self.kubelet.forget(&key);
            return;
        };
        let node = pod.spec.node_name.clone();
        if self.kubelet.is_failed(&node) || !self.kubelet.nodes.contains_key(&node) {
            return; // The kubelet is down: nothing progresses until the node is restored.
        }
        let Some(rt) = self.kubelet.pods.get(&key).cloned() else {
            return;
        };
        if pod.is_terminating() && !matches!(rt.stage, Stage::Terminating { .. }) {
            self.begin_termination(&key, pod, rt);
            return;
        }
        let now = self.now;
        match rt.stage.clone() {
            Stage::New => {
                let mut p = pod.clone();
                let idx = self.kubelet.nodes.get(&node).map_or(0, |n| n.index) + 1;
                if p.status.pod_ip.is_empty() {
                    p.status.pod_ip = self.allocate_pod_ip(idx);
                }
                p.status.host_ip = self.node_ip(&node);
                p.status.start_time = Some(now);
                set_pod_condition(&mut p, "PodReadyToStartContainers", "True", now);
                set_pod_condition(&mut p, "Initialized", "True", now);
                set_pod_condition(&mut p, "Ready", "False", now);
                set_pod_condition(&mut p, "ContainersReady", "False", now);
                p.status.container_statuses =
                    container_statuses(&p, |_| waiting("ContainerCreating", ""), 0, false);
                self.store.put(Object::Pod(p.clone()), now);
                self.start_pull(&key, &p);
            }
            Stage::Pulling { failed: Some(msg) } => {
                let mut p = pod.clone();
                let attempts = match rt.stage {
                    Stage::PullBackOff { attempts } => attempts,
                    _ => 0,
                };
                self.event(
                    &Object::Pod(pod.clone()),
                    "Warning",
                    "Failed",
                    msg.clone(),
                    "kubelet",
                    &node,
                );
                self.event(
                    &Object::Pod(pod.clone()),
                    "Warning",
                    "Failed",
                    "Error: ErrImagePull".into(),
                    "kubelet",
                    &node,
                );
                p.status.container_statuses =
                    container_statuses(&p, |_| waiting("ErrImagePull", &msg), rt.restarts, false);
                self.store.put(Object::Pod(p), now);
                self.set_stage(
                    &key,
                    Stage::PullBackOff {
                        attempts: attempts + 1,
                    },
                );
                self.schedule_in(2_000, Task::Kubelet(ns.into(), name.into()));
            }
            Stage::PullBackOff { attempts } => {
                let mut p = pod.clone();
                let image = pod
                    .spec
                    .containers
                    .first()
                    .map(|c| c.image.clone())
                    .unwrap_or_default();
                let already = p
                    .status
                    .container_statuses
                    .first()
                    .and_then(|c| c.state.waiting.as_ref())
                    .is_some_and(|w| w.reason == "ImagePullBackOff");
                if !already {
                    let msg = format!("Back-off pulling image \"{image}\"");
                    self.event(
                        &Object::Pod(pod.clone()),
                        "Normal",
                        "BackOff",
                        msg.clone(),
                        "kubelet",
                        &node,
                    );
                    self.event(
                        &Object::Pod(pod.clone()),
                        "Warning",
                        "Failed",
                        "Error: ImagePullBackOff".into(),
                        "kubelet",
                        &node,
                    );
                    p.status.container_statuses = container_statuses(
                        &p,
                        |_| waiting("ImagePullBackOff", &msg),
                        rt.restarts,
                        false,
                    );
                    self.store.put(Object::Pod(p), now);
                    let backoff = (timing::BACKOFF_INITIAL << attempts.saturating_sub(1).min(5))
                        .min(timing::BACKOFF_MAX);
                    self.schedule_in(backoff, Task::Kubelet(ns.into(), name.into()));
                } else {
                    // Back-off over: try the pull again.
                    self.start_pull_attempt(&key, &pod, attempts);
                }
            }
            Stage::Pulling { failed: None } => {
                let d = self.jitter(timing::CONTAINER_START, 0.3);
                self.set_stage(&key, Stage::Creating);
                self.schedule_in(d, Task::Kubelet(ns.into(), name.into()));
            }
            Stage::Creating => self.start_containers(&key, pod, rt),
            Stage::Running {
                started_at,
                serving_at,
                ready_at,
                crash_at,
                liveness_kill_at,
            } => {
                let mut next: Vec<Time> = Vec::new();
                if let Some(t) = crash_at.filter(|t| *t <= now) {
                    let _ = t;
                    self.container_died(&key, pod, rt, "Error", 1, started_at, None);
                    return;
                }
                if let Some(t) = liveness_kill_at.filter(|t| *t <= now) {
                    let _ = t;
                    let cname = pod
                        .spec
                        .containers
                        .first()
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    self.event(&Object::Pod(pod.clone()), "Warning", "Unhealthy", "Liveness probe failed: Get \"http://app/healthz\": dial tcp: connect: connection refused".into(), "kubelet", &node);
                    self.event(
                        &Object::Pod(pod.clone()),
                        "Normal",
                        "Killing",
                        format!("Container {cname} failed liveness probe, will be restarted"),
                        "kubelet",
                        &node,
                    );
                    self.container_died(&key, pod, rt, "Error", 137, started_at, Some(0));
                    return;
                }
                if let Some(t) = ready_at {
                    if t <= now && !pod.is_ready() {
                        let mut p = pod.clone();
                        set_pod_condition(&mut p, "ContainersReady", "True", now);
                        set_pod_condition(&mut p, "Ready", "True", now);
                        for c in p.status.container_statuses.iter_mut() {
                            c.ready = true;
                        }
                        self.store.put(Object::Pod(p), now);
                    } else if t > now {
                        next.push(t);
                    }
                }
                let _ = serving_at;
                next.extend(
                    crash_at
                        .into_iter()
                        .chain(liveness_kill_at)
                        .filter(|t| *t > now),
                );
                if let Some(t) = next.into_iter().min() {
                    self.schedule_at(t, Task::Kubelet(ns.into(), name.into()));
                }
            }
            Stage::CrashLoopBackOff => {
                self.set_stage(&key, Stage::Creating);
                self.start_containers(&key, pod, rt);
            }
            Stage::Terminating { exit_at, killed } => {
                if now < exit_at {
                    self.schedule_at(exit_at, Task::Kubelet(ns.into(), name.into()));
                    return;
                }
                self.finish_termination(&key, pod, killed);
            }
        }
    }

    fn node_ip(&self, node: &str) -> String {
        match self.store.get(&Key::new(Kind::Node, "", node)) {
            Some(Object::Node(n)) => n
                .status
                .addresses
                .iter()
                .find(|a| a.type_ == "InternalIP")
                .map(|a| a.address.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn set_stage(&mut self, key: &Key, stage: Stage) {
        if let Some(rt) = self.kubelet.pods.get_mut(key) {
            rt.stage = stage;
        }
    }

    fn start_pull(&mut self, key: &Key, pod: &Pod) {
        self.start_pull_attempt(key, pod, 0);
    }

    fn start_pull_attempt(&mut self, key: &Key, pod: &Pod, attempts: u32) {
        let node = pod.spec.node_name.clone();
        let mut total_ms = 0i64;
        let override_s = annotation_seconds(pod, "kubeplay.dev/pull-seconds");
        for c in &pod.spec.containers {
            let pulled_at = self
                .kubelet
                .nodes
                .get(&node)
                .and_then(|n| n.images.get(&c.image).copied());
            if let Some(at) = pulled_at.filter(|at| *at > self.now) {
                // Another pod's pull of this image is under way: wait for it.
                total_ms += at.millis() - self.now.millis();
                continue;
            }
            let cached = pulled_at.is_some();
            if cached && c.image_pull_policy != "Always" {
                self.event(
                    &Object::Pod(pod.clone()),
                    "Normal",
                    "Pulled",
                    format!("Container image \"{}\" already present on machine", c.image),
                    "kubelet",
                    &node,
                );
                continue;
            }
            self.event(
                &Object::Pod(pod.clone()),
                "Normal",
                "Pulling",
                format!("Pulling image \"{}\"", c.image),
                "kubelet",
                &node,
            );
            match images::lookup(&c.image) {
                PullOutcome::NotFound { reference } => {
                    let msg = format!(
                        "Failed to pull image \"{}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found",
                        c.image
                    );
                    self.set_stage(key, Stage::Pulling { failed: Some(msg) });
                    let _ = attempts;
                    let d = self.jitter(timing::PULL_FAIL, 0.3);
                    self.schedule_in(d, Task::Kubelet(key.namespace.clone(), key.name.clone()));
                    return;
                }
                PullOutcome::Ok {
                    size_bytes,
                    seconds,
                } => {
                    let base = ms(override_s.unwrap_or(if cached { 0.5 } else { seconds }));
                    let d = self.jitter(base, 0.25);
                    total_ms += d;
                    let secs = d as f64 / 1000.0;
                    self.event(
                        &Object::Pod(pod.clone()),
                        "Normal",
                        "Pulled",
                        format!("Successfully pulled image \"{}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {size_bytes} bytes.", c.image),
                        "kubelet",
                        &node,
                    );
                    let image = c.image.clone();
                    let done = self.now.plus_millis(total_ms);
                    if let Some(n) = self.kubelet.nodes.get_mut(&node) {
                        n.images.insert(image.clone(), done);
                    }
                    self.record_node_image(&node, &image, size_bytes);
                }
            }
        }
        self.set_stage(key, Stage::Pulling { failed: None });
        self.schedule_in(
            total_ms,
            Task::Kubelet(key.namespace.clone(), key.name.clone()),
        );
    }

    /// Lists a pulled image in node.status.images, which ImageLocality scores.
    fn record_node_image(&mut self, node: &str, image: &str, size: i64) {
        if let Some(Object::Node(mut n)) = self.store.get(&Key::new(Kind::Node, "", node)).cloned()
        {
            let full = images::qualified(image);
            if !n.status.images.iter().any(|i| i.names.contains(&full)) {
                n.status.images.push(ContainerImage {
                    names: vec![full, image.to_string()],
                    size_bytes: size,
                });
                self.store.put(Object::Node(n), self.now);
            }
        }
    }

    fn start_containers(&mut self, key: &Key, pod: Pod, rt: PodRuntime) {
        let now = self.now;
        let node = pod.spec.node_name.clone();
        for c in &pod.spec.containers {
            if rt.restarts > 0 {
                self.event(
                    &Object::Pod(pod.clone()),
                    "Normal",
                    "Pulled",
                    format!("Container image \"{}\" already present on machine", c.image),
                    "kubelet",
                    &node,
                );
            }
            self.event(
                &Object::Pod(pod.clone()),
                "Normal",
                "Created",
                format!("Created container: {}", c.name),
                "kubelet",
                &node,
            );
            self.event(
                &Object::Pod(pod.clone()),
                "Normal",
                "Started",
                format!("Started container {}", c.name),
                "kubelet",
                &node,
            );
        }
        let startup = ms(annotation_seconds(&pod, "kubeplay.dev/startup-seconds").unwrap_or(0.0));
        let serving_at = now.plus_millis(startup);
        let crash_at = annotation_seconds(&pod, "kubeplay.dev/crash-after-seconds")
            .map(|s| now.plus_millis(ms(s).max(1)));
        let main = pod.spec.containers.first();
        // Readiness: with no probe the container is ready once started; with one, at the first
        // probe after the app serves.
        let ready_at = match main.and_then(|c| c.readiness_probe.as_ref()) {
            None => Some(now),
            Some(probe) => {
                let delay = probe.initial_delay_seconds.unwrap_or(0).max(0) as i64 * 1000;
                let period = probe.period_seconds.unwrap_or(10).max(1) as i64 * 1000;
                let success = probe.success_threshold.unwrap_or(1).max(1) as i64;
                let first = now.plus_millis(delay);
                let mut t = first;
                if serving_at > first {
                    let k = (serving_at.millis() - first.millis() + period - 1) / period;
                    t = first.plus_millis(k * period);
                }
                Some(t.plus_millis((success - 1) * period))
            }
        };
        // Liveness: fails while the app does not yet serve; kills after failureThreshold misses.
        let liveness_kill_at = main
            .and_then(|c| c.liveness_probe.as_ref())
            .and_then(|probe| {
                let delay = probe.initial_delay_seconds.unwrap_or(0).max(0) as i64 * 1000;
                let period = probe.period_seconds.unwrap_or(10).max(1) as i64 * 1000;
                let failures = probe.failure_threshold.unwrap_or(3).max(1) as i64;
                let kill = now.plus_millis(delay + (failures - 1) * period);
                (serving_at > kill).then_some(kill)
            });
        let mut p = pod.clone();
        p.status.phase = "Running".into();
        let ready_now = ready_at.is_some_and(|t| t <= now);
        p.status.container_statuses = container_statuses(
            &p,
            |_| ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(now),
                }),
                ..Default::default()
            },
            rt.restarts,
            ready_now,
        );
        if let Some(prev) = pod.status.container_statuses.first() {
            for cs in p.status.container_statuses.iter_mut() {
                cs.last_state = prev.last_state.clone();
            }
        }
        let status = if ready_now { "True" } else { "False" };
        set_pod_condition(&mut p, "ContainersReady", status, now);
        set_pod_condition(&mut p, "Ready", status, now);
        self.store.put(Object::Pod(p.clone()), now);
        let image = main.map(|c| c.image.clone()).unwrap_or_default();
        self.traffic.serving_started(
            &p.status.pod_ip,
            &image,
            serving_at,
            crash_at.or(liveness_kill_at),
        );
        self.set_stage(
            key,
            Stage::Running {
                started_at: now,
                serving_at,
                ready_at,
                crash_at,
                liveness_kill_at,
            },
        );
        let next = [ready_at.filter(|t| *t > now), crash_at, liveness_kill_at]
            .into_iter()
            .flatten()
            .min();
        if let Some(t) = next {
            self.schedule_at(t, Task::Kubelet(key.namespace.clone(), key.name.clone()));
        }
        if rt.restarts == 0 {
            self.record(
                "kubelet",
                format!("Pod {}/{}", key.namespace, key.name),
                format!("containers started on {node}"),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn container_died(
        &mut self,
        key: &Key,
        pod: Pod,
        rt: PodRuntime,
        reason: &str,
        code: i32,
        started_at: Time,
        backoff_override: Option<i64>,
    ) {
        let now = self.now;
        let node = pod.spec.node_name.clone();
        self.traffic.serving_stopped(&pod.status.pod_ip, now);
        let restarts = rt.restarts + 1;
        let backoff = backoff_override.unwrap_or(rt.crash_backoff);
        let cname = pod
            .spec
            .containers
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let mut p = pod.clone();
        let last = ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: code,
                reason: reason.into(),
                started_at: Some(started_at),
                finished_at: Some(now),
                ..Default::default()
            }),
            ..Default::default()
        };
        let msg = format!(
            "back-off {}s restarting failed container={cname} pod={}_{}({})",
            backoff / 1000,
            key.name,
            key.namespace,
            pod.metadata.uid
        );
        p.status.container_statuses =
            container_statuses(&p, |_| waiting("CrashLoopBackOff", &msg), restarts, false);
        for cs in p.status.container_statuses.iter_mut() {
            cs.last_state = last.clone();
        }
        set_pod_condition(&mut p, "ContainersReady", "False", now);
        set_pod_condition(&mut p, "Ready", "False", now);
        self.store.put(Object::Pod(p), now);
        if backoff > 0 {
            self.event(
                &Object::Pod(pod.clone()),
                "Warning",
                "BackOff",
                format!(
                    "Back-off restarting failed container {cname} in pod {}_{}({})",
                    key.name, key.namespace, pod.metadata.uid
                ),
                "kubelet",
                &node,
            );
        }
        self.record("kubelet", format!("Pod {}/{}", key.namespace, key.name), format!("container {cname} exited ({reason}, code {code}); restart {restarts} after {}s back-off", backoff / 1000));
        if let Some(r) = self.kubelet.pods.get_mut(key) {
            r.restarts = restarts;
            r.stage = Stage::CrashLoopBackOff;
            if backoff_override.is_none() {
                r.crash_backoff = (r.crash_backoff * 2).min(timing::BACKOFF_MAX);
            }
        }
        self.schedule_in(
            backoff.max(100),
            Task::Kubelet(key.namespace.clone(), key.name.clone()),
        );
    }

    /// SIGTERM after the preStop hook; the process exits after its shutdown time or is killed at
    /// the end of the grace period.
    fn begin_termination(&mut self, key: &Key, pod: Pod, rt: PodRuntime) {
        let now = self.now;
        let node = pod.spec.node_name.clone();
        let grace_ms = pod
            .metadata
            .deletion_grace_period_seconds
            .or(pod.spec.termination_grace_period_seconds)
            .unwrap_or(30)
            .max(0)
            * 1000;
        let running = matches!(rt.stage, Stage::Running { .. });
        let (exit_at, killed) = if running {
            let pre_stop = pod
                .spec
                .containers
                .first()
                .and_then(|c| c.lifecycle.as_ref())
                .and_then(|l| l.pre_stop.as_ref())
                .map(|h| h.sleep.as_ref().map_or(0, |s| s.seconds.max(0) * 1000))
                .unwrap_or(0);
            let shutdown =
                ms(annotation_seconds(&pod, "kubeplay.dev/shutdown-seconds").unwrap_or(0.0));
            let natural = pre_stop.min(grace_ms) + shutdown;
            if natural <= grace_ms {
                (now.plus_millis(natural), false)
            } else {
                (now.plus_millis(grace_ms), true)
            }
        } else {
            (now, false)
        };
        for c in &pod.spec.containers {
            self.event(
                &Object::Pod(pod.clone()),
                "Normal",
                "Killing",
                format!("Stopping container {}", c.name),
                "kubelet",
                &node,
            );
        }
        if running {
            self.traffic.serving_stopped(&pod.status.pod_ip, exit_at);
        }
        self.set_stage(key, Stage::Terminating { exit_at, killed });
        self.schedule_at(
            exit_at,
            Task::Kubelet(key.namespace.clone(), key.name.clone()),
        );
    }

    fn finish_termination(&mut self, key: &Key, pod: Pod, killed: bool) {
        let now = self.now;
        let mut p = pod.clone();
        let (code, reason) = if killed {
            (137, "Error")
        } else {
            (0, "Completed")
        };
        let restarts = self.kubelet.pods.get(key).map_or(0, |r| r.restarts);
        p.status.container_statuses = container_statuses(
            &p,
            |_| ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: code,
                    reason: reason.into(),
                    finished_at: Some(now),
                    ..Default::default()
                }),
                ..Default::default()
            },
            restarts,
            false,
        );
        set_pod_condition(&mut p, "Ready", "False", now);
        set_pod_condition(&mut p, "ContainersReady", "False", now);
        self.store.put(Object::Pod(p), now);
        // The kubelet confirms the deletion with grace period 0: the object goes away.
        self.store.remove(key, now);
        self.kubelet.forget(key);
    }

    /// Deletes a pod as the API server does: an unscheduled pod goes at once; a bound one gets a
    /// deletionTimestamp and terminates on its node.
    pub(crate) fn delete_pod_gracefully(&mut self, key: &Key, grace_period: Option<i64>) -> Object {
        let Some(Object::Pod(mut pod)) = self.store.get(key).cloned() else {
            return Object::Pod(Pod::default());
        };
        let now = self.now;
        if pod.spec.node_name.is_empty() || grace_period == Some(0) {
            self.traffic.serving_stopped(&pod.status.pod_ip, now);
            let removed = self.store.remove(key, now).unwrap_or(Object::Pod(pod));
            self.kubelet.forget(key);
            return removed;
        }
        if pod.metadata.deletion_timestamp.is_some() {
            return Object::Pod(pod);
        }
        let grace = grace_period
            .or(pod.spec.termination_grace_period_seconds)
            .unwrap_or(30)
            .max(0);
        pod.metadata.deletion_timestamp = Some(now.plus_millis(grace * 1000));
        pod.metadata.deletion_grace_period_seconds = Some(grace);
        self.store.put(Object::Pod(pod), now)
    }

    /// A Secret or ConfigMap changed: mounted volumes see it after the kubelet's sync delay
    /// (environment variables stay as they were at container start).
    pub(crate) fn kubelet_config_changed(&mut self, _obj: &Object) {}

    // ----- the playground's machine controls ---------------------------------------------------

    /// The machine stops: its kubelet stops posting status and its containers stop serving.
    pub fn fail_node(&mut self, name: &str) -> Result<(), kubeplay_api::ApiError> {
        self.get(Kind::Node, "", name)?;
        let now = self.now;
        if let Some(n) = self.kubelet.nodes.get_mut(name) {
            n.failed = true;
        }
        let ips: Vec<String> = self
            .store
            .list(Kind::Pod, None)
            .filter_map(|o| match o {
                Object::Pod(p) if p.spec.node_name == name => Some(p.status.pod_ip.clone()),
                _ => None,
            })
            .collect();
        for ip in ips {
            self.traffic.serving_stopped(&ip, now);
        }
        self.record(
            "playground",
            format!("Node {name}"),
            "machine failed: the kubelet stops posting status".into(),
        );
        self.schedule_in(crate::delays::NODE_MONITOR_GRACE, Task::NodeMonitor);
        Ok(())
    }

    /// The machine comes back: the kubelet posts Ready, restarts containers and finishes
    /// pending terminations.
    pub fn restore_node(&mut self, name: &str) -> Result<(), kubeplay_api::ApiError> {
        let Object::Node(mut node) = self.get(Kind::Node, "", name)?.clone() else {
            return Ok(());
        };
        let now = self.now;
        if let Some(n) = self.kubelet.nodes.get_mut(name) {
            n.failed = false;
            n.last_heartbeat = Some(now);
        }
        for c in node.status.conditions.iter_mut() {
            let (status, reason, msg) = match c.type_.as_str() {
                "Ready" => ("True", "KubeletReady", "kubelet is posting ready status"),
                "MemoryPressure" => (
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                "DiskPressure" => (
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                _ => (
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
            };
            if c.status != status {
                c.last_transition_time = Some(now);
            }
            c.status = status.into();
            c.reason = reason.into();
            c.message = msg.into();
            c.last_heartbeat_time = Some(now);
        }
        node.spec.taints.retain(|t| {
            t.key != "node.kubernetes.io/unreachable" && t.key != "node.kubernetes.io/not-ready"
        });
        self.store.put(Object::Node(node.clone()), now);
        self.event(
            &Object::Node(node),
            "Normal",
            "NodeReady",
            format!("Node {name} status is now: NodeReady"),
            "kubelet",
            name,
        );
        self.record(
            "playground",
            format!("Node {name}"),
            "machine restored: the kubelet posts Ready again".into(),
        );
        let pods: Vec<Key> = self
            .store
            .list(Kind::Pod, None)
            .filter_map(|o| match o {
                Object::Pod(p) if p.spec.node_name == name => Some(Key::of(o)),
                _ => None,
            })
            .collect();
        for key in pods {
            if let Some(rt) = self.kubelet.pods.get_mut(&key) {
                if matches!(rt.stage, Stage::Running { .. }) {
                    // The machine rebooted: its containers start again.
                    rt.restarts += 1;
                    rt.stage = Stage::Creating;
                }
            }
            let d = self.jitter(timing::SANDBOX, 0.3);
            self.schedule_in(d, Task::Kubelet(key.namespace, key.name));
        }
        self.dispatch();
        Ok(())
    }

    /// Facts about a pod's containers that the API does not carry, for the board.
    pub fn pod_runtime(&self, namespace: &str, name: &str) -> Option<PodRuntimeView> {
        let key = Key::new(Kind::Pod, namespace, name);
        let rt = self.kubelet.pods.get(&key)?;
        let (stage, serving) = match &rt.stage {
            Stage::New => ("Scheduled", false),
            Stage::Pulling { .. } => ("Pulling", false),
            Stage::PullBackOff { .. } => ("PullBackOff", false),
            Stage::Creating => ("Creating", false),
            Stage::Running { serving_at, .. } => ("Running", *serving_at <= self.now),
            Stage::CrashLoopBackOff => ("CrashLoopBackOff", false),
            Stage::Terminating { exit_at, .. } => ("Terminating", *exit_at > self.now),
        };
        let serving = serving
            && !self.kubelet.is_failed(
                &self
                    .store
                    .get(&key)
                    .map(|o| match o {
                        Object::Pod(p) => p.spec.node_name.clone(),
                        _ => String::new(),
                    })
                    .unwrap_or_default(),
            );
        Some(PodRuntimeView { stage, serving })
    }
}

fn waiting(reason: &str, message: &str) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: reason.into(),
            message: message.into(),
        }),
        ..Default::default()
    }
}

fn container_statuses(
    pod: &Pod,
    state: impl Fn(&str) -> ContainerState,
    restarts: i32,
    ready: bool,
) -> Vec<ContainerStatus> {
    pod.spec
        .containers
        .iter()
        .map(|c| {
            let st = state(&c.name);
            let running = st.running.is_some();
            ContainerStatus {
                name: c.name.clone(),
                image: c.image.clone(),
                image_id: if running {
                    images::qualified(&c.image)
                } else {
                    String::new()
                },
                container_id: if running {
                    format!(
                        "containerd://{:x}{}",
                        restarts,
                        pod.metadata.uid.replace('-', "")
                    )
                } else {
                    String::new()
                },
                ready,
                restart_count: restarts,
                started: Some(running),
                state: st,
                last_state: ContainerState::default(),
            }
        })
        .collect()
}

fn set_pod_condition(p: &mut Pod, type_: &str, status: &str, now: Time) {
    match p.status.conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.status = status.into();
                c.last_transition_time = Some(now);
            }
            if status == "True" {
                c.reason.clear();
                c.message.clear();
            } else if type_ == "Ready" || type_ == "ContainersReady" {
                c.reason = "ContainersNotReady".into();
                let names: Vec<String> = p.spec.containers.iter().map(|c| c.name.clone()).collect();
                c.message = format!("containers with unready status: [{}]", names.join(" "));
            }
        }
        None => {
            let mut c = Condition {
                type_: type_.into(),
                status: status.into(),
                last_transition_time: Some(now),
                last_probe_time: None,
                ..Default::default()
            };
            if status != "True" && (type_ == "Ready" || type_ == "ContainersReady") {
                c.reason = "ContainersNotReady".into();
                let names: Vec<String> = p.spec.containers.iter().map(|c| c.name.clone()).collect();
                c.message = format!("containers with unready status: [{}]", names.join(" "));
            }
            p.status.conditions.push(c);
        }
    }
    // kubectl shows conditions in the kubelet's order.
    let order = |t: &str| match t {
        "PodReadyToStartContainers" => 0,
        "Initialized" => 1,
        "Ready" => 2,
        "ContainersReady" => 3,
        "PodScheduled" => 4,
        _ => 5,
    };
    p.status.conditions.sort_by_key(|c| order(&c.type_));
}
