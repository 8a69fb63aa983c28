//! A kubelet per node, simulated in stages with seeded jitter (in the spirit of KWOK's stages):
//! volume mounts (Secrets and ConfigMaps, refreshed after the sync delay), the pod sandbox, image
//! pulls in container order (slow on a node's first pull, cached after), container start with
//! env from Secrets and ConfigMaps, startup/readiness/liveness probes on upstream's tick
//! schedule, crashes with CrashLoopBackOff, and graceful termination (preStop, SIGTERM, the grace
//! period). Each container has its own state; the pod's status is rendered from them.
//!
//! The pod's app is its first container. Annotations set how it behaves:
//! `kubeplay.dev/startup-seconds`, `kubeplay.dev/pull-seconds`,
//! `kubeplay.dev/crash-after-seconds`, `kubeplay.dev/shutdown-seconds`. Other containers start at
//! once, serve nothing and never crash.

mod config;
mod node;
mod probes;
mod process;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use kubeplay_api::core::{
    ContainerImage, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, Pod, PodStatus,
};
use kubeplay_api::meta::Condition;
use kubeplay_api::{Kind, Object, Time};

pub use config::MountedVolume;

use crate::images::{self, PullOutcome};
use crate::store::Key;
use crate::{Cluster, Task};

/// Kubelet timings (milliseconds) before jitter.
pub mod timing {
    /// From binding until the kubelet has mounted volumes and set up the pod sandbox.
    pub const SANDBOX: i64 = 300;
    /// Creating and starting a container once its image is present.
    pub const CONTAINER_START: i64 = 600;
    /// Reporting a failed pull.
    pub const PULL_FAIL: i64 = 1_500;
    /// ErrImagePull shows this long before ImagePullBackOff.
    pub const ERR_IMAGE_PULL: i64 = 2_000;
    /// A pull of an image already on the node (`imagePullPolicy: Always`).
    pub const CACHED_PULL: i64 = 500;
    /// Image pull and crash back-off: 10 s doubling to 5 min, as upstream.
    pub const BACKOFF_INITIAL: i64 = 10_000;
    pub const BACKOFF_MAX: i64 = 300_000;
    /// The PLEG relist period: how soon the kubelet notices that a container exited.
    pub const PLEG_RELIST: i64 = 1_000;
    /// The pod worker's back-off after a failed sync (a missing Secret for env): 10 s + ≤50%.
    pub const SYNC_ERROR_BACKOFF: i64 = 10_000;
    /// Volume mount retries: 500 ms doubling to 2 min 2 s.
    pub const MOUNT_RETRY_INITIAL: i64 = 500;
    pub const MOUNT_RETRY_MAX: i64 = 122_000;
    /// `syncFrequency`: a mounted Secret or ConfigMap shows a change at the pod's next periodic
    /// sync, 1 min ± 50%.
    pub const SYNC_FREQUENCY: i64 = 60_000;
    /// `minimumGracePeriodInSeconds`: SIGTERM always gets this long before SIGKILL.
    pub const MIN_GRACE: i64 = 2_000;
    /// A TLS app that cannot load its certificate exits this long after starting.
    pub const BAD_CERT_EXIT: i64 = 100;
}

#[derive(Clone, Debug, PartialEq)]
enum PodStage {
    /// Volumes not mounted yet (retried with back-off); no sandbox.
    Mounting { retry: i64, next: Time },
    /// The sandbox runs; containers have their own states.
    Active,
    /// Deleted: the containers got preStop and SIGTERM; all exited by `done_at`.
    Terminating { done_at: Time },
}

/// What a waiting container does next, at its `at`.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// Waits for the containers before it to start (the kubelet starts them in order).
    Queued,
    /// Pulling; `failed` holds the error the pull ends with, `report` the Pulled event.
    Pulling {
        failed: Option<String>,
        report: Option<String>,
    },
    /// Back-off after a failed pull: ErrImagePull, then ImagePullBackOff, then a new pull.
    PullBackOff,
    /// Creating and starting the container.
    Starting,
    /// CrashLoopBackOff: restarts when the back-off ends.
    CrashBackOff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    /// The process ended on its own with this code (its command finished, or
    /// `kubeplay.dev/exit-after-seconds`).
    Finished(i32),
    Crash,
    Liveness,
    Startup,
    BadCertificate,
}

/// SIGTERM and exit of a container whose pod is being deleted.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stop {
    sigterm_at: Time,
    exit_at: Time,
    killed: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Run {
    started_at: Time,
    /// The app answers requests from here (other containers: from their start).
    serving_at: Time,
    /// The startup probe passed (the start itself without one).
    started_ok_at: Option<Time>,
    ready_at: Option<Time>,
    /// The container exits on its own at this time.
    exit: Option<(Time, Exit)>,
    /// Failed probes still to report as Unhealthy events.
    unhealthy: Vec<(Time, &'static str, String)>,
    stop: Option<Stop>,
}

#[derive(Clone, Debug, PartialEq)]
enum CState {
    Waiting {
        reason: String,
        message: String,
        step: Step,
        at: Time,
    },
    Running(Run),
    /// Exited; the kubelet acts on it at `at` (restart or back-off), never when `None`.
    Terminated {
        term: ContainerStateTerminated,
        at: Option<Time>,
    },
}

#[derive(Clone, Debug, PartialEq)]
struct Ctr {
    name: String,
    restarts: i32,
    state: CState,
    last: Option<ContainerStateTerminated>,
    /// Its first start was attempted: the next container may begin.
    launched: bool,
    /// It has run at least once: the next start is a restart.
    ran: bool,
    /// `flowcontrol.Backoff` entry of the crash back-off: (duration, lastUpdate).
    crash_backoff: Option<(i64, Time)>,
    pull_attempts: u32,
    /// The environment of the running process, fixed at its start.
    env: BTreeMap<String, String>,
    /// What the process of the current start prints, and when (see `process`).
    output: Rc<Vec<(Time, String)>>,
    /// The previous start's output (`kubectl logs --previous`).
    previous_output: Rc<Vec<(Time, String)>>,
}

#[derive(Clone, Debug)]
struct PodRuntime {
    stage: PodStage,
    /// When the kubelet admitted the pod: probe workers tick from here.
    admitted: Time,
    containers: Vec<Ctr>,
    mounts: BTreeMap<String, MountedVolume>,
    /// Periodic syncs that will refresh the mounted volumes.
    refresh_at: Vec<Time>,
    /// notAfter of the certificate the app loaded at its last start.
    cert_not_after: Option<Time>,
    /// Wake-ups already queued for this pod.
    wakes: BTreeSet<Time>,
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
    /// Nodes that pods are bound to but that no longer exist, since when the pod garbage
    /// collector has seen them missing.
    pub(crate) missing_nodes: BTreeMap<String, Time>,
}

/// What the UI may show about a pod beyond its API object.
#[derive(Clone, Debug, PartialEq)]
pub struct PodRuntimeView {
    /// `Mounting`, `Pulling`, `PullBackOff`, `Creating`, `ConfigError`, `Running`, `Completed`, `Error`,
    /// `CrashLoopBackOff` or `Terminating`: where the app container is.
    pub stage: &'static str,
    /// Whether the app in the pod answers requests now.
    pub serving: bool,
    /// Each container's process as `kubectl exec` would find it.
    pub containers: Vec<ContainerRuntimeView>,
    /// Mounted Secret and ConfigMap volumes, by volume name, as the pod's files show them now.
    pub volumes: BTreeMap<String, MountedVolume>,
    /// The certificate the app serves expires at this time (TLS apps).
    pub certificate_not_after: Option<Time>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerRuntimeView {
    pub name: String,
    /// The environment, fixed when the process started.
    pub env: BTreeMap<String, String>,
    pub restarts: i32,
    /// What the current process has printed so far, with when (`kubectl logs`).
    pub output: Vec<(Time, String)>,
    /// What the previous process printed (`kubectl logs --previous`).
    pub previous_output: Vec<(Time, String)>,
}

/// The lines a process has printed by `now`.
fn visible(output: &[(Time, String)], now: Time) -> Vec<(Time, String)> {
    output
        .iter()
        .take_while(|(t, _)| *t <= now)
        .cloned()
        .collect()
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

fn waiting(reason: &str, message: String, step: Step, at: Time) -> CState {
    CState::Waiting {
        reason: reason.into(),
        message,
        step,
        at,
    }
}

/// Go's `time.Duration` printing for whole seconds: `10s`, `1m20s`, `5m0s`.
fn go_duration(ms: i64) -> String {
    let s = ms / 1000;
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m{}s", s / 60, s % 60)
    }
}

/// `containerd://` and 64 hex digits, stable for a pod, container and restart.
fn container_id(uid: &str, name: &str, restarts: i32) -> String {
    let mut out = String::from("containerd://");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..4u8 {
        for b in uid
            .bytes()
            .chain(name.bytes())
            .chain(restarts.to_le_bytes())
            .chain([round])
        {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

impl Cluster {
    fn pod_name(pod: &Pod) -> String {
        format!("Pod {}/{}", pod.metadata.namespace, pod.metadata.name)
    }

    fn kubelet_event(&mut self, pod: &Pod, type_: &str, reason: &str, message: String) {
        let node = pod.spec.node_name.clone();
        self.event(
            &Object::Pod(pod.clone()),
            type_,
            reason,
            message,
            "kubelet",
            &node,
        );
    }

    /// Called on every watch event of a bound pod: admits new pods, starts termination of
    /// deleted ones.
    pub(crate) fn kubelet_watch(&mut self, pod: &Pod) {
        let key = Key::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name);
        match self.kubelet.pods.get(&key).map(|r| r.stage.clone()) {
            None => {
                let d = self.jitter(timing::SANDBOX, 0.3);
                let at = self.now.plus_millis(d);
                let containers = pod
                    .spec
                    .containers
                    .iter()
                    .map(|c| Ctr {
                        name: c.name.clone(),
                        restarts: 0,
                        state: waiting("ContainerCreating", String::new(), Step::Queued, at),
                        last: None,
                        launched: false,
                        ran: false,
                        crash_backoff: None,
                        pull_attempts: 0,
                        env: BTreeMap::new(),
                        output: Rc::default(),
                        previous_output: Rc::default(),
                    })
                    .collect();
                self.kubelet.pods.insert(
                    key.clone(),
                    PodRuntime {
                        stage: PodStage::Mounting {
                            retry: timing::MOUNT_RETRY_INITIAL,
                            next: at,
                        },
                        admitted: self.now,
                        containers,
                        mounts: BTreeMap::new(),
                        refresh_at: Vec::new(),
                        cert_not_after: None,
                        wakes: BTreeSet::new(),
                    },
                );
                self.wake_pod(&key, at);
            }
            Some(PodStage::Terminating { .. }) => {}
            Some(_) if pod.is_terminating() => self.wake_pod(&key, self.now),
            Some(_) => {}
        }
    }

    /// Queues a kubelet sync of the pod at `t`, unless one is queued for then already.
    fn wake_pod(&mut self, key: &Key, t: Time) {
        let t = t.max(self.now);
        if let Some(rt) = self.kubelet.pods.get_mut(key) {
            if !rt.wakes.insert(t) {
                return;
            }
        }
        self.schedule_at(t, Task::Kubelet(key.namespace.clone(), key.name.clone()));
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
        let Some(mut rt) = self.kubelet.pods.remove(&key) else {
            return;
        };
        let now = self.now;
        rt.wakes = rt.wakes.split_off(&now.plus_millis(1));
        let mut pod = pod;
        if pod.is_terminating() && !matches!(rt.stage, PodStage::Terminating { .. }) {
            self.begin_termination(&pod, &mut rt);
        }
        match rt.stage.clone() {
            PodStage::Mounting { retry, next } if next <= now => {
                self.try_mount(&mut pod, &mut rt, retry);
            }
            PodStage::Mounting { .. } => {}
            PodStage::Active => self.step_containers(&pod, &mut rt),
            PodStage::Terminating { done_at } => {
                if done_at <= now {
                    self.finish_termination(&key, &pod, &rt);
                    return;
                }
                self.step_unhealthy_events(&pod, &mut rt);
            }
        }
        // Periodic syncs refresh the mounted Secrets and ConfigMaps.
        if rt.refresh_at.iter().any(|t| *t <= now) {
            rt.refresh_at.retain(|t| *t > now);
            for v in &pod.spec.volumes {
                if let Some((kind, src, _)) = config::volume_source(v) {
                    if let Some(m) = config::mounted(&self.store, kind, ns, &src) {
                        rt.mounts.insert(v.name.clone(), m);
                    }
                }
            }
        }
        let status = render_status(&pod, &rt, now);
        if status != pod.status {
            pod.status = status;
            self.store.put(Object::Pod(pod), now);
        }
        if let Some(t) = next_wake(&rt, now) {
            self.kubelet.pods.insert(key.clone(), rt);
            self.wake_pod(&key, t);
        } else {
            self.kubelet.pods.insert(key, rt);
        }
    }

    /// Mounts the pod's volumes (the kubelet waits for them before the sandbox); on success
    /// sets up the sandbox (pod IP) and begins the first container.
    fn try_mount(&mut self, pod: &mut Pod, rt: &mut PodRuntime, retry: i64) {
        let now = self.now;
        if pod.status.start_time.is_none() {
            pod.status.start_time = Some(now);
            pod.status.host_ip = self.node_ip(&pod.spec.node_name);
            pod.status.host_ips = vec![kubeplay_api::core::PodIp {
                ip: pod.status.host_ip.clone(),
            }];
        }
        match config::mount_volumes(&self.store, pod) {
            Err(errors) => {
                for e in errors {
                    self.kubelet_event(pod, "Warning", "FailedMount", e);
                }
                rt.stage = PodStage::Mounting {
                    retry: (retry * 2).min(timing::MOUNT_RETRY_MAX),
                    next: now.plus_millis(retry),
                };
            }
            Ok(mounts) => {
                rt.mounts = mounts;
                let idx = self
                    .kubelet
                    .nodes
                    .get(&pod.spec.node_name)
                    .map_or(0, |n| n.index)
                    + 1;
                if pod.status.pod_ip.is_empty() {
                    // host-local IPAM: the next address of the node's range not in use there.
                    let used: BTreeSet<String> = self
                        .store
                        .pods_on_node(&pod.spec.node_name)
                        .filter_map(|o| match o {
                            Object::Pod(p) if !p.status.pod_ip.is_empty() => {
                                Some(p.status.pod_ip.clone())
                            }
                            _ => None,
                        })
                        .collect();
                    let mut ip = self.allocate_pod_ip(idx);
                    for _ in 0..250 {
                        if !used.contains(&ip) {
                            break;
                        }
                        ip = self.allocate_pod_ip(idx);
                    }
                    pod.status.pod_ip = ip;
                    pod.status.pod_ips = vec![kubeplay_api::core::PodIp {
                        ip: pod.status.pod_ip.clone(),
                    }];
                }
                rt.stage = PodStage::Active;
                self.step_containers(pod, rt);
            }
        }
    }

    /// Does whatever is due for each container, in order; a queued container begins once the
    /// one before it has had its first start.
    fn step_containers(&mut self, pod: &Pod, rt: &mut PodRuntime) {
        let now = self.now;
        for i in 0..rt.containers.len() {
            let previous_launched = i == 0 || rt.containers.get(i - 1).is_some_and(|c| c.launched);
            // A container may go through several steps at one instant (a cached pull).
            for _ in 0..4 {
                let Some(ctr) = rt.containers.get(i) else {
                    break;
                };
                let due = match &ctr.state {
                    CState::Waiting {
                        step: Step::Queued, ..
                    } => previous_launched,
                    CState::Waiting { at, .. } => *at <= now,
                    CState::Running(run) => {
                        run.exit.is_some_and(|(t, _)| t <= now)
                            || run.unhealthy.first().is_some_and(|(t, _, _)| *t <= now)
                    }
                    CState::Terminated { at, .. } => at.is_some_and(|t| t <= now),
                };
                if !due {
                    break;
                }
                self.step_container(pod, rt, i);
            }
        }
    }

    fn step_container(&mut self, pod: &Pod, rt: &mut PodRuntime, i: usize) {
        let now = self.now;
        let Some(spec) = pod.spec.containers.get(i).cloned() else {
            return;
        };
        let Some(ctr) = rt.containers.get(i).cloned() else {
            return;
        };
        match ctr.state {
            CState::Waiting { step, reason, .. } => match step {
                Step::Queued => self.begin_pull(pod, rt, i),
                Step::Pulling {
                    failed: None,
                    report,
                } => {
                    if let Some(msg) = report {
                        self.kubelet_event(pod, "Normal", "Pulled", msg);
                    }
                    if let Some(c) = rt.containers.get_mut(i) {
                        let d = self.jitter(timing::CONTAINER_START, 0.3);
                        c.state = waiting(
                            "ContainerCreating",
                            String::new(),
                            Step::Starting,
                            now.plus_millis(d),
                        );
                    }
                }
                Step::Pulling {
                    failed: Some(msg), ..
                } => {
                    self.kubelet_event(pod, "Warning", "Failed", msg.clone());
                    self.kubelet_event(pod, "Warning", "Failed", "Error: ErrImagePull".into());
                    if let Some(c) = rt.containers.get_mut(i) {
                        c.launched = true;
                        c.pull_attempts += 1;
                        c.state = waiting(
                            "ErrImagePull",
                            msg,
                            Step::PullBackOff,
                            now.plus_millis(timing::ERR_IMAGE_PULL),
                        );
                    }
                }
                Step::PullBackOff if reason == "ErrImagePull" => {
                    let msg = format!("Back-off pulling image \"{}\"", spec.image);
                    self.kubelet_event(pod, "Normal", "BackOff", msg.clone());
                    self.kubelet_event(pod, "Warning", "Failed", "Error: ImagePullBackOff".into());
                    let attempts = ctr.pull_attempts.saturating_sub(1).min(5);
                    let backoff = (timing::BACKOFF_INITIAL << attempts).min(timing::BACKOFF_MAX);
                    if let Some(c) = rt.containers.get_mut(i) {
                        c.state = waiting(
                            "ImagePullBackOff",
                            msg,
                            Step::PullBackOff,
                            now.plus_millis(backoff),
                        );
                    }
                }
                Step::PullBackOff => self.begin_pull(pod, rt, i),
                Step::Starting => self.start_container(pod, rt, i),
                Step::CrashBackOff => {
                    let finished = ctr.last.as_ref().and_then(|t| t.finished_at).unwrap_or(now);
                    if let Some(c) = rt.containers.get_mut(i) {
                        c.crash_backoff = Some(next_backoff(c.crash_backoff, finished, now));
                    }
                    self.start_container(pod, rt, i);
                }
            },
            CState::Running(mut run) => {
                let due: Vec<(Time, &'static str, String)> = run
                    .unhealthy
                    .iter()
                    .filter(|(t, _, _)| *t <= now)
                    .cloned()
                    .collect();
                run.unhealthy.retain(|(t, _, _)| *t > now);
                for (_, kind, output) in due {
                    self.kubelet_event(
                        pod,
                        "Warning",
                        "Unhealthy",
                        format!("{kind} probe failed: {output}"),
                    );
                }
                match run.exit.filter(|(t, _)| *t <= now) {
                    Some((t, why)) => self.container_exited(pod, rt, i, &run, t, why),
                    None => {
                        if let Some(c) = rt.containers.get_mut(i) {
                            c.state = CState::Running(run);
                        }
                    }
                }
            }
            CState::Terminated { term, .. } => self.after_exit(pod, rt, i, term),
        }
    }

    /// Reports Unhealthy events still due while the pod terminates.
    fn step_unhealthy_events(&mut self, pod: &Pod, rt: &mut PodRuntime) {
        let now = self.now;
        let mut due = Vec::new();
        for c in rt.containers.iter_mut() {
            if let CState::Running(run) = &mut c.state {
                due.extend(run.unhealthy.iter().filter(|(t, _, _)| *t <= now).cloned());
                run.unhealthy.retain(|(t, _, _)| *t > now);
            }
        }
        for (_, kind, output) in due {
            self.kubelet_event(
                pod,
                "Warning",
                "Unhealthy",
                format!("{kind} probe failed: {output}"),
            );
        }
    }

    /// `EnsureImageExists`: a cached image starts at once (unless `imagePullPolicy: Always`);
    /// otherwise a pull, slow the first time on a node, or a failure for an unknown tag.
    fn begin_pull(&mut self, pod: &Pod, rt: &mut PodRuntime, i: usize) {
        let now = self.now;
        let Some(c) = pod.spec.containers.get(i).cloned() else {
            return;
        };
        let node = pod.spec.node_name.clone();
        let pulled_at = self
            .kubelet
            .nodes
            .get(&node)
            .and_then(|n| n.images.get(&c.image).copied());
        let next_state = if let Some(at) = pulled_at.filter(|at| *at > now) {
            // Another pod's pull of this image is under way: wait for it.
            let report = format!(
                "Successfully pulled image \"{}\" in 0s ({:.3}s including waiting)",
                c.image,
                (at.millis() - now.millis()) as f64 / 1000.0
            );
            waiting(
                "ContainerCreating",
                String::new(),
                Step::Pulling {
                    failed: None,
                    report: Some(report),
                },
                at,
            )
        } else if pulled_at.is_some() && c.image_pull_policy != "Always" {
            self.kubelet_event(
                pod,
                "Normal",
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
            );
            let d = self.jitter(timing::CONTAINER_START, 0.3);
            waiting(
                "ContainerCreating",
                String::new(),
                Step::Starting,
                now.plus_millis(d),
            )
        } else {
            self.kubelet_event(
                pod,
                "Normal",
                "Pulling",
                format!("Pulling image \"{}\"", c.image),
            );
            match images::lookup(&c.image) {
                PullOutcome::NotFound { reference } => {
                    let msg = format!(
                        "Failed to pull image \"{}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found",
                        c.image
                    );
                    let d = self.jitter(timing::PULL_FAIL, 0.3);
                    let reason = match &rt.containers.get(i).map(|c| &c.state) {
                        Some(CState::Waiting { reason, .. }) if reason == "ImagePullBackOff" => {
                            reason.clone()
                        }
                        _ => "ContainerCreating".into(),
                    };
                    waiting(
                        &reason,
                        String::new(),
                        Step::Pulling {
                            failed: Some(msg),
                            report: None,
                        },
                        now.plus_millis(d),
                    )
                }
                PullOutcome::Ok {
                    size_bytes,
                    seconds,
                } => {
                    let override_s = if i == 0 {
                        annotation_seconds(pod, "kubeplay.dev/pull-seconds")
                    } else {
                        None
                    };
                    let base = match (override_s, pulled_at) {
                        (Some(s), _) => ms(s),
                        (None, Some(_)) => timing::CACHED_PULL,
                        (None, None) => ms(seconds),
                    };
                    let d = self.jitter(base, 0.25);
                    let secs = d as f64 / 1000.0;
                    let report = format!("Successfully pulled image \"{}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {size_bytes} bytes.", c.image);
                    let done = now.plus_millis(d);
                    if let Some(n) = self.kubelet.nodes.get_mut(&node) {
                        n.images.insert(c.image.clone(), done);
                    }
                    self.record_node_image(&node, &c.image, size_bytes);
                    waiting(
                        "ContainerCreating",
                        String::new(),
                        Step::Pulling {
                            failed: None,
                            report: Some(report),
                        },
                        done,
                    )
                }
            }
        };
        if let Some(ctr) = rt.containers.get_mut(i) {
            ctr.state = next_state;
        }
    }

    /// Lists a pulled image in node.status.images, which ImageLocality scores.
    fn record_node_image(&mut self, node: &str, image: &str, size: i64) {
        if let Some(Object::Node(mut n)) = self.store.get(&Key::new(Kind::Node, "", node)).cloned()
        {
            let full = images::qualified(image);
            if !n.status.images.iter().any(|i| i.names.contains(&full)) {
                // The pod's reference and the registry-qualified name, once each (an image
                // already written with its registry has one name).
                let mut names = vec![full];
                if names[0] != image {
                    names.push(image.to_string());
                }
                n.status.images.push(ContainerImage {
                    names,
                    size_bytes: size,
                });
                self.store.put(Object::Node(n), self.now);
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

    /// Creates and starts a container: env resolved now (or CreateContainerConfigError), the
    /// app's behaviour from the annotations, probe outcomes solved ahead.
    fn start_container(&mut self, pod: &Pod, rt: &mut PodRuntime, i: usize) {
        let now = self.now;
        let Some(spec) = pod.spec.containers.get(i).cloned() else {
            return;
        };
        let Some(ctr) = rt.containers.get(i).cloned() else {
            return;
        };
        let env = match config::resolve_env(&self.store, pod, &spec, &pod.status.pod_ip) {
            Ok(env) => env,
            Err(msg) => {
                self.kubelet_event(pod, "Warning", "Failed", format!("Error: {msg}"));
                let extra = (self.rng_unit() * timing::SYNC_ERROR_BACKOFF as f64 * 0.5) as i64;
                if let Some(c) = rt.containers.get_mut(i) {
                    c.launched = true;
                    c.state = waiting(
                        "CreateContainerConfigError",
                        msg,
                        Step::Starting,
                        now.plus_millis(timing::SYNC_ERROR_BACKOFF + extra),
                    );
                }
                return;
            }
        };
        if ctr.ran {
            self.kubelet_event(
                pod,
                "Normal",
                "Pulled",
                format!(
                    "Container image \"{}\" already present on machine",
                    spec.image
                ),
            );
        }
        self.kubelet_event(
            pod,
            "Normal",
            "Created",
            format!("Created container: {}", spec.name),
        );
        self.kubelet_event(
            pod,
            "Normal",
            "Started",
            format!("Started container {}", spec.name),
        );
        let app = i == 0;
        let startup = if app {
            ms(annotation_seconds(pod, "kubeplay.dev/startup-seconds").unwrap_or(0.0))
        } else {
            0
        };
        let serving_at = now.plus_millis(startup);
        let mut exits: Vec<(Time, Exit)> = Vec::new();
        let hostname = pod
            .spec
            .extra
            .get("hostname")
            .and_then(|h| h.as_str())
            .unwrap_or(&pod.metadata.name);
        let process = process::plan(&spec, now, hostname, &env);
        if let Some((after, code)) = process.exit {
            exits.push((now.plus_millis(after.max(1)), Exit::Finished(code)));
        }
        if app {
            if let Some(s) = annotation_seconds(pod, "kubeplay.dev/crash-after-seconds") {
                exits.push((now.plus_millis(ms(s).max(1)), Exit::Crash));
            }
            if let Some(s) = annotation_seconds(pod, "kubeplay.dev/exit-after-seconds") {
                let code = pod
                    .metadata
                    .annotation("kubeplay.dev/exit-code")
                    .and_then(|c| c.trim().parse::<i32>().ok())
                    .map_or(0, |c| c.clamp(0, 255));
                exits.push((now.plus_millis(ms(s).max(1)), Exit::Finished(code)));
            }
            // A TLS app loads its certificate from a mounted kubernetes.io/tls Secret.
            rt.cert_not_after = None;
            let tls = rt
                .mounts
                .values()
                .find(|m| m.secret_type == "kubernetes.io/tls");
            if let Some(m) = tls {
                match crate::tls::certificate_not_after(
                    m.files.get("tls.crt").map(String::as_str).unwrap_or(""),
                ) {
                    Ok(t) => rt.cert_not_after = Some(t),
                    Err(_) => {
                        exits.push((now.plus_millis(timing::BAD_CERT_EXIT), Exit::BadCertificate))
                    }
                }
            }
        }
        let admitted = rt.admitted;
        let output =
            |p: &kubeplay_api::core::Probe| probes::failure_output(p, &spec, &pod.status.pod_ip);
        let mut unhealthy: Vec<(Time, &'static str, String)> = Vec::new();
        let started_ok_at = match &spec.startup_probe {
            None => Some(now),
            Some(p) => {
                let ok = probes::success_at(admitted, now, p, serving_at, now);
                for t in probes::failing_ticks(admitted, now, p, serving_at, now) {
                    unhealthy.push((t, "Startup", output(p)));
                }
                if let Some(kill) = probes::failure_at(admitted, now, p, serving_at, now) {
                    exits.push((kill, Exit::Startup));
                }
                Some(ok)
            }
        };
        let gate = started_ok_at.unwrap_or(now);
        let ready_at = match &spec.readiness_probe {
            None => started_ok_at,
            Some(p) => {
                for t in probes::failing_ticks(admitted, now, p, serving_at, gate) {
                    unhealthy.push((t, "Readiness", output(p)));
                }
                Some(probes::success_at(admitted, now, p, serving_at, gate))
            }
        };
        if let Some(p) = &spec.liveness_probe {
            for t in probes::failing_ticks(admitted, now, p, serving_at, gate) {
                unhealthy.push((t, "Liveness", output(p)));
            }
            if let Some(kill) = probes::failure_at(admitted, now, p, serving_at, gate) {
                exits.push((kill, Exit::Liveness));
            }
        }
        let exit = exits.into_iter().min_by_key(|(t, _)| *t);
        if let Some((t, _)) = exit {
            unhealthy.retain(|(u, _, _)| *u <= t);
        }
        unhealthy.sort_by_key(|(t, _, _)| *t);
        if app {
            self.traffic.serving_started(
                &pod.status.pod_ip,
                &spec.image,
                serving_at,
                exit.map(|(t, _)| t),
                rt.cert_not_after,
            );
        }
        if let Some(c) = rt.containers.get_mut(i) {
            if c.ran {
                c.restarts += 1;
            }
            if c.ran {
                c.previous_output = std::mem::take(&mut c.output);
            }
            c.ran = true;
            c.launched = true;
            c.env = env;
            c.output = Rc::new(
                process
                    .output
                    .into_iter()
                    .map(|(after, line)| (now.plus_millis(after), line))
                    .collect(),
            );
            c.state = CState::Running(Run {
                started_at: now,
                serving_at,
                started_ok_at,
                ready_at,
                exit,
                unhealthy,
                stop: None,
            });
        }
        if !ctr.ran && i + 1 == pod.spec.containers.len() {
            self.record(
                "kubelet",
                Self::pod_name(pod),
                format!("containers started on {}", pod.spec.node_name),
            );
        }
    }

    fn rng_unit(&mut self) -> f64 {
        use rand::Rng;
        (self.rng.next_u32() as f64) / (u32::MAX as f64)
    }

    /// A container exits on its own (a crash, a failed probe, a certificate it cannot load).
    fn container_exited(
        &mut self,
        pod: &Pod,
        rt: &mut PodRuntime,
        i: usize,
        run: &Run,
        at: Time,
        why: Exit,
    ) {
        let name = rt
            .containers
            .get(i)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let (code, reason) = match why {
            Exit::Finished(0) => (0, "Completed"),
            Exit::Finished(code) => (code, "Error"),
            Exit::Crash | Exit::BadCertificate => (1, "Error"),
            Exit::Liveness | Exit::Startup => {
                let kind = if why == Exit::Liveness {
                    "liveness"
                } else {
                    "startup"
                };
                self.kubelet_event(
                    pod,
                    "Normal",
                    "Killing",
                    format!("Container {name} failed {kind} probe, will be restarted"),
                );
                (137, "Error")
            }
        };
        if i == 0 {
            self.traffic.serving_stopped(&pod.status.pod_ip, at);
        }
        let cause = match why {
            Exit::Finished(_) => "its process ended",
            Exit::Crash => "the app crashed (kubeplay.dev/crash-after-seconds)",
            Exit::BadCertificate => "the app cannot load its TLS certificate",
            Exit::Liveness => "the liveness probe failed",
            Exit::Startup => "the startup probe failed",
        };
        self.record(
            "kubelet",
            Self::pod_name(pod),
            format!("container {name} exited with code {code}: {cause}"),
        );
        let term = ContainerStateTerminated {
            exit_code: code,
            reason: reason.into(),
            started_at: Some(run.started_at),
            finished_at: Some(at),
            ..Default::default()
        };
        let restart = match pod.spec.restart_policy.as_str() {
            "Never" => false,
            "OnFailure" => code != 0,
            _ => true,
        };
        if let Some(c) = rt.containers.get_mut(i) {
            c.state = CState::Terminated {
                term,
                at: restart.then(|| at.plus_millis(timing::PLEG_RELIST)),
            };
        }
    }

    /// The kubelet notices an exited container: restarts it at once, or waits out the crash
    /// back-off in CrashLoopBackOff (`IsInBackOffSince` / `Next` of `flowcontrol.Backoff`).
    fn after_exit(
        &mut self,
        pod: &Pod,
        rt: &mut PodRuntime,
        i: usize,
        term: ContainerStateTerminated,
    ) {
        let now = self.now;
        let Some(ctr) = rt.containers.get(i).cloned() else {
            return;
        };
        let finished = term.finished_at.unwrap_or(now);
        let in_backoff = ctr.crash_backoff.filter(|(d, last_update)| {
            finished.millis() - last_update.millis() <= 2 * timing::BACKOFF_MAX
                && now.millis() - finished.millis() < *d
        });
        match in_backoff {
            Some((d, _)) => {
                let message = format!(
                    "back-off {} restarting failed container={} pod={}_{}({})",
                    go_duration(d),
                    ctr.name,
                    pod.metadata.name,
                    pod.metadata.namespace,
                    pod.metadata.uid
                );
                self.kubelet_event(
                    pod,
                    "Warning",
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {} in pod {}_{}({})",
                        ctr.name, pod.metadata.name, pod.metadata.namespace, pod.metadata.uid
                    ),
                );
                self.record(
                    "kubelet",
                    Self::pod_name(pod),
                    format!(
                        "container {} in CrashLoopBackOff: restart in {}",
                        ctr.name,
                        go_duration(d)
                    ),
                );
                if let Some(c) = rt.containers.get_mut(i) {
                    c.last = Some(term);
                    c.state = waiting(
                        "CrashLoopBackOff",
                        message,
                        Step::CrashBackOff,
                        finished.plus_millis(d),
                    );
                }
            }
            None => {
                if let Some(c) = rt.containers.get_mut(i) {
                    c.crash_backoff = Some(next_backoff(c.crash_backoff, finished, now));
                    c.last = Some(term);
                }
                self.start_container(pod, rt, i);
            }
        }
    }

    /// preStop, then SIGTERM, then SIGKILL at the end of the grace period, for every running
    /// container at once. The app stops answering at its SIGTERM.
    fn begin_termination(&mut self, pod: &Pod, rt: &mut PodRuntime) {
        let now = self.now;
        let grace_ms = pod
            .metadata
            .deletion_grace_period_seconds
            .or(pod.spec.termination_grace_period_seconds)
            .unwrap_or(30)
            .clamp(0, 86_400 * 365)
            * 1000;
        let shutdown = ms(annotation_seconds(pod, "kubeplay.dev/shutdown-seconds").unwrap_or(0.0));
        let mut done_at = now;
        let mut killing = Vec::new();
        for (i, ctr) in rt.containers.iter_mut().enumerate() {
            let CState::Running(run) = &mut ctr.state else {
                continue;
            };
            let spec = pod.spec.containers.get(i);
            let hook = if grace_ms > 0 {
                spec.map_or(0, config::pre_stop_ms).min(grace_ms)
            } else {
                0
            };
            let sigterm_at = now.plus_millis(hook);
            // executePreStopHook returns whole seconds; the rest of the grace period follows,
            // never less than the minimum.
            let remaining = (grace_ms - (hook / 1000) * 1000).max(timing::MIN_GRACE);
            let kill_at = sigterm_at.plus_millis(remaining);
            let natural = sigterm_at.plus_millis(if i == 0 { shutdown } else { 0 });
            let (exit_at, killed) = if natural <= kill_at {
                (natural, false)
            } else {
                (kill_at, true)
            };
            run.stop = Some(Stop {
                sigterm_at,
                exit_at,
                killed,
            });
            if i == 0 {
                self.traffic.serving_stopped(&pod.status.pod_ip, sigterm_at);
            }
            done_at = done_at.max(exit_at);
            killing.push(ctr.name.clone());
        }
        for name in killing {
            self.kubelet_event(
                pod,
                "Normal",
                "Killing",
                format!("Stopping container {name}"),
            );
        }
        rt.stage = PodStage::Terminating { done_at };
    }

    /// Every container has exited: the kubelet writes the terminal status and confirms the
    /// deletion (grace period 0), so the object goes away.
    fn finish_termination(&mut self, key: &Key, pod: &Pod, rt: &PodRuntime) {
        let now = self.now;
        let mut p = pod.clone();
        p.status = render_status(pod, rt, now);
        self.store.put(Object::Pod(p), now);
        self.store.remove(key, now);
        self.kubelet.forget(key);
    }

    /// Deletes a pod as the API server does: an unscheduled pod goes at once; a bound one gets a
    /// deletionTimestamp and terminates on its node.
    pub(crate) fn delete_pod_gracefully(
        &mut self,
        key: &Key,
        grace_period: Option<i64>,
    ) -> Rc<Object> {
        let Some(stored) = self.store.get_shared(key) else {
            return Rc::new(Object::Pod(Pod::default()));
        };
        let Object::Pod(pod) = &*stored else {
            return stored;
        };
        let now = self.now;
        if pod.spec.node_name.is_empty() || grace_period == Some(0) {
            self.traffic.serving_stopped(&pod.status.pod_ip, now);
            // Dropped first, so that the removal need not copy the pod.
            drop(stored);
            let removed = self
                .store
                .remove(key, now)
                .unwrap_or_else(|| Rc::new(Object::Pod(Pod::default())));
            self.kubelet.forget(key);
            return removed;
        }
        if pod.metadata.deletion_timestamp.is_some() {
            return stored;
        }
        let mut pod = pod.clone();
        let grace = grace_period
            .or(pod.spec.termination_grace_period_seconds)
            .unwrap_or(30)
            .clamp(0, 86_400 * 365);
        pod.metadata.deletion_timestamp = Some(now.plus_millis(grace * 1000));
        pod.metadata.deletion_grace_period_seconds = Some(grace);
        self.store.put(Object::Pod(pod), now)
    }

    /// A Secret or ConfigMap changed: pods that mount it see the change at their next periodic
    /// sync (environment variables keep what they had at container start).
    /// A claim was bound: pods on nodes waiting to mount it try again now.
    pub(crate) fn kubelet_claim_bound(&mut self, ns: &str, claim: &str) {
        let waiting: Vec<Key> = self
            .kubelet
            .pods
            .iter()
            .filter(|(k, rt)| k.namespace == ns && matches!(rt.stage, PodStage::Mounting { .. }))
            .filter(|(k, _)| {
                matches!(self.store.get(k), Some(Object::Pod(p))
                    if kubeplay_scheduler::volumes::pod_claims(p).any(|c| c == claim))
            })
            .map(|(k, _)| k.clone())
            .collect();
        let at = self.now.plus_millis(timing::MOUNT_RETRY_INITIAL);
        for key in waiting {
            if let Some(rt) = self.kubelet.pods.get_mut(&key) {
                rt.stage = PodStage::Mounting {
                    retry: timing::MOUNT_RETRY_INITIAL,
                    next: at,
                };
            }
            self.wake_pod(&key, at);
        }
    }

    pub(crate) fn kubelet_config_changed(&mut self, obj: &Object) {
        let kind = obj.kind();
        let (ns, name) = (obj.namespace().to_string(), obj.name().to_string());
        let affected: Vec<Key> = self
            .kubelet
            .pods
            .iter()
            .filter(|(k, rt)| {
                k.namespace == ns
                    && rt
                        .mounts
                        .values()
                        .any(|m| m.source == format!("{}/{name}", kind.name()))
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in affected {
            let d = self.jitter(timing::SYNC_FREQUENCY, 0.5);
            let at = self.now.plus_millis(d);
            if let Some(rt) = self.kubelet.pods.get_mut(&key) {
                rt.refresh_at.push(at);
            }
            self.wake_pod(&key, at);
        }
    }

    /// The machine rebooted: every container that ran is started again (the restart count goes
    /// up, the last state says the node lost it), and pending terminations finish.
    pub(crate) fn node_rebooted(&mut self, node: &str) {
        let now = self.now;
        let keys: Vec<Key> = self
            .store
            .pods_on_node(node)
            .filter_map(|o| match o {
                Object::Pod(p) if p.spec.node_name == node => Some(Key::of(o)),
                _ => None,
            })
            .collect();
        for key in keys {
            let d = self.jitter(timing::SANDBOX + timing::CONTAINER_START, 0.3);
            if let Some(rt) = self.kubelet.pods.get_mut(&key) {
                if let PodStage::Terminating { done_at } = &mut rt.stage {
                    *done_at = now;
                }
                for c in rt.containers.iter_mut() {
                    if let CState::Running(run) = &c.state {
                        c.last = Some(ContainerStateTerminated {
                            exit_code: 255,
                            reason: "Unknown".into(),
                            started_at: Some(run.started_at),
                            finished_at: Some(now),
                            ..Default::default()
                        });
                        if matches!(rt.stage, PodStage::Terminating { .. }) {
                            if let Some(last) = c.last.clone() {
                                c.state = CState::Terminated {
                                    term: last,
                                    at: None,
                                };
                            }
                        } else {
                            c.state = waiting(
                                "ContainerCreating",
                                String::new(),
                                Step::Starting,
                                now.plus_millis(d),
                            );
                        }
                    }
                }
            }
            self.wake_pod(&key, now.plus_millis(d));
        }
    }

    /// Whether `pod`'s app container answers requests now, and when its serving certificate
    /// expires: the two runtime facts the board draws for every pod, without the copies of
    /// environment and mounts that [`pod_runtime`](Self::pod_runtime) makes (the board of a
    /// 10,000-pod cluster spent a quarter of its time in them).
    pub fn pod_serving(&self, pod: &kubeplay_api::Pod) -> (bool, Option<Time>) {
        let key = Key::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name);
        match self.kubelet.pods.get(&key) {
            Some(rt) => (self.serving(rt, &pod.spec.node_name), rt.cert_not_after),
            None => (false, None),
        }
    }

    fn serving(&self, rt: &PodRuntime, node: &str) -> bool {
        let now = self.now;
        rt.containers.first().is_some_and(|c| match &c.state {
            CState::Running(run) => {
                run.serving_at <= now
                    && run.exit.is_none_or(|(t, _)| t > now)
                    && run.stop.is_none_or(|s| s.sigterm_at > now)
            }
            _ => false,
        }) && !self.kubelet.is_failed(node)
    }

    /// Facts about a pod's containers that the API does not carry, for the board.
    pub fn pod_runtime(&self, namespace: &str, name: &str) -> Option<PodRuntimeView> {
        let key = Key::new(Kind::Pod, namespace, name);
        let rt = self.kubelet.pods.get(&key)?;
        let node = match self.store.get(&key) {
            Some(Object::Pod(p)) => p.spec.node_name.clone(),
            _ => String::new(),
        };
        let app = rt.containers.first();
        let stage = match (&rt.stage, app.map(|c| &c.state)) {
            (PodStage::Terminating { .. }, _) => "Terminating",
            (PodStage::Mounting { .. }, _) => "Mounting",
            (_, Some(CState::Running(_))) => "Running",
            (_, Some(CState::Terminated { term, .. })) if term.exit_code == 0 => "Completed",
            (_, Some(CState::Terminated { .. })) => "Error",
            (_, Some(CState::Waiting { reason, step, .. })) => match (reason.as_str(), step) {
                ("CrashLoopBackOff", _) => "CrashLoopBackOff",
                ("CreateContainerConfigError", _) => "ConfigError",
                ("ErrImagePull" | "ImagePullBackOff", _) => "PullBackOff",
                (_, Step::Pulling { .. }) => "Pulling",
                _ => "Creating",
            },
            (_, None) => "Running",
        };
        Some(PodRuntimeView {
            stage,
            serving: self.serving(rt, &node),
            containers: rt
                .containers
                .iter()
                .map(|c| ContainerRuntimeView {
                    name: c.name.clone(),
                    env: c.env.clone(),
                    output: visible(&c.output, self.now),
                    previous_output: visible(&c.previous_output, self.now),
                    restarts: c.restarts,
                })
                .collect(),
            volumes: rt.mounts.clone(),
            certificate_not_after: rt.cert_not_after,
        })
    }
}

/// `flowcontrol.Backoff.Next`: the first back-off (or the first after 10 minutes without one)
/// is 10 s; each next one doubles, up to 5 minutes.
fn next_backoff(entry: Option<(i64, Time)>, event: Time, now: Time) -> (i64, Time) {
    match entry {
        Some((d, last_update))
            if event.millis() - last_update.millis() <= 2 * timing::BACKOFF_MAX =>
        {
            ((d * 2).min(timing::BACKOFF_MAX), now)
        }
        _ => (timing::BACKOFF_INITIAL, now),
    }
}

/// The earliest time something changes for the pod.
fn next_wake(rt: &PodRuntime, now: Time) -> Option<Time> {
    let mut times: Vec<Time> = rt.refresh_at.clone();
    match &rt.stage {
        PodStage::Mounting { next, .. } => times.push(*next),
        PodStage::Terminating { done_at } => times.push(*done_at),
        PodStage::Active => {}
    }
    for (i, c) in rt.containers.iter().enumerate() {
        match &c.state {
            CState::Waiting {
                step: Step::Queued, ..
            } => {
                let prev_launched = i == 0 || rt.containers.get(i - 1).is_some_and(|p| p.launched);
                if prev_launched && rt.stage == PodStage::Active {
                    times.push(now);
                }
            }
            CState::Waiting { at, .. } if rt.stage == PodStage::Active => times.push(*at),
            CState::Waiting { .. } => {}
            CState::Running(run) => {
                times.extend(run.ready_at);
                times.extend(run.started_ok_at);
                times.extend(run.exit.map(|(t, _)| t));
                times.extend(run.unhealthy.first().map(|(t, _, _)| *t));
                times.extend(run.stop.map(|s| s.exit_at));
            }
            CState::Terminated { at, .. } => times.extend(*at),
        }
    }
    times.into_iter().filter(|t| *t > now).min()
}

/// What the container status says now.
fn render_container(
    pod: &Pod,
    rt: &PodRuntime,
    i: usize,
    c: &Ctr,
    now: Time,
) -> (ContainerStatus, bool) {
    let image = pod
        .spec
        .containers
        .get(i)
        .map(|s| s.image.clone())
        .unwrap_or_default();
    let last_state = ContainerState {
        terminated: c.last.clone(),
        ..Default::default()
    };
    let id = container_id(&pod.metadata.uid, &c.name, c.restarts);
    let mut st = ContainerStatus {
        name: c.name.clone(),
        state: ContainerState::default(),
        last_state,
        ready: false,
        restart_count: c.restarts,
        image: image.clone(),
        image_id: String::new(),
        container_id: String::new(),
        started: Some(false),
    };
    match &c.state {
        CState::Waiting {
            reason, message, ..
        } => {
            st.state.waiting = Some(ContainerStateWaiting {
                reason: reason.clone(),
                message: message.clone(),
            });
        }
        CState::Running(run) => {
            let exited = run.stop.filter(|s| s.exit_at <= now).map(|s| {
                let (code, reason) = if s.killed {
                    (137, "Error")
                } else {
                    (0, "Completed")
                };
                ContainerStateTerminated {
                    exit_code: code,
                    reason: reason.into(),
                    started_at: Some(run.started_at),
                    finished_at: Some(s.exit_at),
                    ..Default::default()
                }
            });
            st.image_id = images::qualified(&image);
            st.container_id = id;
            match exited {
                Some(term) => st.state.terminated = Some(term),
                None => {
                    st.state.running = Some(ContainerStateRunning {
                        started_at: Some(run.started_at),
                    });
                    let started = run.started_ok_at.is_some_and(|t| t <= now);
                    st.started = Some(started);
                    st.ready = run.ready_at.is_some_and(|t| t <= now)
                        && !(rt.stage == PodStage::Active
                            && run.exit.is_some_and(|(t, _)| t <= now));
                }
            }
        }
        CState::Terminated { term, .. } => {
            let term = term.clone();
            st.image_id = images::qualified(&image);
            st.container_id = id;
            st.state.terminated = Some(term);
        }
    }
    let ready = st.ready;
    (st, ready)
}

/// `getPhase` of the kubelet (restartPolicy aware; a deleted pod whose containers all stopped
/// is terminal).
fn pod_phase(pod: &Pod, statuses: &[ContainerStatus], terminal: bool) -> &'static str {
    let (mut running, mut waiting_n, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for s in statuses {
        if s.state.running.is_some() {
            running += 1;
        } else if let Some(t) = &s.state.terminated {
            stopped += 1;
            if t.exit_code == 0 {
                succeeded += 1;
            }
        } else if s.last_state.terminated.is_some() {
            stopped += 1;
        } else {
            waiting_n += 1;
        }
    }
    if waiting_n > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped == 0 {
        return "Pending";
    }
    if terminal {
        return if stopped == succeeded {
            "Succeeded"
        } else {
            "Failed"
        };
    }
    match pod.spec.restart_policy.as_str() {
        "Never" if stopped == succeeded => "Succeeded",
        "Never" => "Failed",
        "OnFailure" if stopped == succeeded => "Succeeded",
        _ => "Running",
    }
}

/// The pod's status as the kubelet reports it, from the runtime state.
fn render_status(pod: &Pod, rt: &PodRuntime, now: Time) -> PodStatus {
    let mut st = pod.status.clone();
    let mut statuses = Vec::with_capacity(rt.containers.len());
    let mut unready = Vec::new();
    for (i, c) in rt.containers.iter().enumerate() {
        let (s, ready) = render_container(pod, rt, i, c, now);
        if !ready {
            unready.push(c.name.clone());
        }
        statuses.push(s);
    }
    let sandbox = !matches!(rt.stage, PodStage::Mounting { .. });
    let terminal = matches!(rt.stage, PodStage::Terminating { done_at } if done_at <= now);
    st.phase = pod_phase(pod, &statuses, terminal).into();
    st.container_statuses = statuses;
    let all_ready = unready.is_empty() && !terminal;
    let message = format!("containers with unready status: [{}]", unready.join(" "));
    set_pod_condition(
        &mut st,
        "PodReadyToStartContainers",
        sandbox && !terminal,
        "",
        now,
    );
    set_pod_condition(&mut st, "Initialized", true, "", now);
    set_pod_condition(&mut st, "Ready", all_ready, &message, now);
    set_pod_condition(&mut st, "ContainersReady", all_ready, &message, now);
    st
}

/// Sets a pod condition, keeping lastTransitionTime unless the status flips; kubectl shows them
/// in the kubelet's order.
fn set_pod_condition(
    st: &mut PodStatus,
    type_: &str,
    value: bool,
    unready_message: &str,
    now: Time,
) {
    let status = if value { "True" } else { "False" };
    let (reason, message) = match (value, type_) {
        (false, "Ready" | "ContainersReady") => ("ContainersNotReady", unready_message),
        _ => ("", ""),
    };
    match st.conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.status = status.into();
                c.last_transition_time = Some(now);
            }
            c.reason = reason.into();
            c.message = message.into();
        }
        None => st.conditions.push(Condition {
            type_: type_.into(),
            status: status.into(),
            last_transition_time: Some(now),
            reason: reason.into(),
            message: message.into(),
            ..Default::default()
        }),
    }
    let order = |t: &str| match t {
        "PodReadyToStartContainers" => 0,
        "Initialized" => 1,
        "Ready" => 2,
        "ContainersReady" => 3,
        "PodScheduled" => 4,
        _ => 5,
    };
    st.conditions.sort_by_key(|c| order(&c.type_));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_back_off_doubles_to_five_minutes_and_resets_after_ten() {
        let t = |s: i64| crate::EPOCH.plus_millis(s * 1000);
        let mut e = None;
        let mut seq = Vec::new();
        for k in 0..8 {
            e = Some(next_backoff(e, t(k * 10), t(k * 10)));
            seq.push(go_duration(e.map_or(0, |(d, _)| d)));
        }
        assert_eq!(
            seq,
            ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s", "5m0s"]
        );
        // A container that ran for more than 10 minutes since the last back-off starts over.
        let after_long_run = next_backoff(e, t(70 + 601), t(70 + 601));
        assert_eq!(after_long_run.0, 10_000);
    }
}
