//! The simulated Kubernetes control plane: an API server's store, a discrete-event clock, the
//! controllers, the scheduler's loop, a kubelet per node, Services and a traffic generator.
//!
//! Architecture invariants: the engine never does IO and never reads a wall clock — simulated time
//! only moves in [`Cluster::advance`]; all randomness comes from one seeded Xoshiro256++ generator,
//! so the same seed and commands give the same trace natively and in wasm; no input can panic it.
//!
//! The public surface is the API server's verbs ([`Cluster::create`], [`Cluster::apply`],
//! [`Cluster::update`], [`Cluster::get`], [`Cluster::list`], [`Cluster::delete`]), time
//! ([`Cluster::advance`]), the playground's built-ins (node failure, traffic), and read-only views
//! for the UI (activity log, traffic samples, per-pod runtime facts).

pub mod admission;
mod controllers;
pub mod images;
pub mod ingress;
mod kubelet;
pub mod metrics;
pub mod netpol;
pub mod rbac;
mod scheduling;
pub mod store;
pub mod tls;
mod traffic;
mod volume_data;
pub mod workload;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::rc::Rc;

use kubeplay_api::core::{Event, EventSource, ObjectReference};
use kubeplay_api::defaults::apply_defaults;
use kubeplay_api::validation::validate;
use kubeplay_api::{ApiError, Kind, LabelSelector, Object, ObjectMeta, Time};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

pub use controllers::node_lifecycle::eviction_time;
pub use kubelet::{timing as kubelet_timing, ContainerRuntimeView, MountedVolume, PodRuntimeView};
pub use scheduling::RECORD_DECISIONS_UP_TO_NODES;
pub use store::{Key, WatchEvent, WatchType};
pub use traffic::{FailureCause, FailureCounts, RequestSample, TrafficSample, SAMPLED_PER_SECOND};

/// The annotation the API server keeps on a DaemonSet: how many times its template changed.
const DAEMONSET_TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// The simulated clock starts here, whatever the wall clock says.
pub const EPOCH: Time = Time(1_767_225_600_000); // 2026-01-01T00:00:00Z

#[derive(Clone, Debug)]
pub struct ClusterConfig {
    pub seed: u64,
    /// Keep every watch event and traffic sample as JSON Lines (`kubeplay run --trace`).
    pub record_trace: bool,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            seed: 1,
            record_trace: false,
        }
    }
}

/// How `apply` changed the store, for kubectl's `created` / `configured` / `unchanged`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
}

/// A controller's decision with its reason, for the UI's activity log.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Activity {
    pub time: Time,
    /// `deployment-controller`, `replicaset-controller`, `default-scheduler`, `kubelet`...
    pub controller: String,
    /// `ReplicaSet default/nginx-7c9f8d`.
    pub object: String,
    pub message: String,
}

/// Work the simulation has scheduled for a later simulated time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Task {
    SyncDeployment(String, String),
    SyncReplicaSet(String, String),
    SyncEndpoints(String, String),
    SyncJob(String, String),
    SyncDaemonSet(String, String),
    SyncDisruptionBudget(String, String),
    /// Every ResourceQuota of a namespace.
    SyncResourceQuotas(String),
    /// The simulated ingress controller's pass over every Ingress.
    SyncIngresses,
    SyncCronJob(String, String),
    SyncStatefulSet(String, String),
    SyncClaim(String, String),
    SyncVolume(String),
    SyncAutoscaler(String, String),
    SyncAutoscalers,
    Schedule,
    Kubelet(String, String),
    NodeMonitor,
    CollectGarbage,
    TrafficTick,
}

/// A binding's roleRef is immutable (`ValidateRoleBindingUpdate`): delete and recreate it.
fn role_ref_changed(obj: &Object, r: &kubeplay_api::rbac::RoleRef) -> ApiError {
    ApiError::invalid(
        obj.kind().name(),
        obj.name(),
        &[format!(
            "roleRef: Invalid value: rbac.RoleRef{{APIGroup:{:?}, Kind:{:?}, Name:{:?}}}: cannot change roleRef",
            r.api_group, r.kind, r.name
        )],
    )
}

/// A kind's API group (`""` for the core group), as RBAC rules name it.
pub fn kind_group(kind: Kind) -> &'static str {
    kind.api_version().split_once('/').map_or("", |(g, _)| g)
}

/// A version-4-shaped UUID from two draws of `rng`.
fn uid_from(rng: &mut Xoshiro256PlusPlus) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// Controller syncs are level-triggered: one queued sync covers any number of triggers.
fn is_deduped(task: &Task) -> bool {
    !matches!(task, Task::Kubelet(..) | Task::TrafficTick)
}

/// Simulated reaction delays (milliseconds). Real controllers react within milliseconds of a
/// watch event; these small delays keep cause and effect visible in order.
pub mod delays {
    pub const CONTROLLER: i64 = 50;
    pub const SCHEDULER: i64 = 100;
    pub const GARBAGE_COLLECTOR: i64 = 200;
    /// kube-proxy programs a Service's new endpoints this long after they change.
    pub const KUBE_PROXY: i64 = 1_000;
    /// `--node-monitor-grace-period`: a node that stops posting status turns NotReady after this.
    pub const NODE_MONITOR_GRACE: i64 = 40_000;
    pub const NODE_MONITOR_PERIOD: i64 = 5_000;
}

pub struct Cluster {
    pub(crate) store: store::Store,
    pub(crate) now: Time,
    pub(crate) rng: Xoshiro256PlusPlus,
    /// UIDs of the objects the control plane makes for itself (the bootstrap RBAC policy, each
    /// namespace's `default` ServiceAccount) come from their own stream, so that adding them
    /// left the names and UIDs every other object draws from `rng` as they were.
    system_rng: Xoshiro256PlusPlus,
    queue: BinaryHeap<Reverse<(Time, u64, Task)>>,
    /// Controller syncs waiting in `queue`, with their due time (a workqueue's dedupe).
    queued: BTreeMap<Task, Time>,
    seq: u64,
    pub(crate) kubelet: kubelet::Kubelet,
    pub(crate) scheduler: scheduling::SchedulerState,
    pub(crate) traffic: traffic::Traffic,
    activity: Vec<Activity>,
    trace: Option<Vec<String>>,
    next_ip: u32,
    /// Service ClusterIPs come from their own range and counter (10.96.0.0/12).
    next_service_ip: u32,
    /// Only the API server and the scheduler act (see [`Cluster::set_scheduler_only`]).
    scheduler_only: bool,
    /// See [`Cluster::work`].
    work: u64,
    /// See [`Cluster::set_work_limit`].
    work_limit: Option<u64>,
    /// Each node's labels and spec as the DaemonSet controller last saw them, so the kubelet's
    /// status writes do not wake every DaemonSet.
    daemon_node_view: BTreeMap<String, String>,
    /// Who the API verbs act for (`kubectl --as`); `None` is the cluster's admin, always
    /// allowed. Controllers' own writes, made while time runs, are never checked.
    requester: Option<rbac::UserInfo>,
    /// The Job controller's bookkeeping of counted pods, by Job UID.
    pub(crate) job_tracking: BTreeMap<String, controllers::job::Tracking>,
    /// The simulated provisioner's work in progress.
    pub(crate) provisioning: controllers::volume::Provisioning,
    /// What containers wrote to their volumes (see `volume_data`).
    pub(crate) volume_data: volume_data::VolumeData,
    /// The horizontal pod autoscaler controller's memory.
    pub(crate) autoscaling: controllers::hpa::State,
}

impl Cluster {
    /// An empty cluster with the `default`, `kube-node-lease`, `kube-public` and `kube-system`
    /// namespaces (each with its `default` ServiceAccount) and the bootstrap RBAC policy.
    pub fn new(config: ClusterConfig) -> Cluster {
        let mut c = Cluster {
            store: store::Store::default(),
            now: EPOCH,
            rng: Xoshiro256PlusPlus::seed_from_u64(config.seed),
            system_rng: Xoshiro256PlusPlus::seed_from_u64(config.seed ^ 0x7379_7374_656d_0000),
            queue: BinaryHeap::new(),
            queued: BTreeMap::new(),
            seq: 0,
            kubelet: kubelet::Kubelet::default(),
            scheduler: scheduling::SchedulerState::default(),
            traffic: traffic::Traffic::default(),
            activity: Vec::new(),
            trace: config.record_trace.then(Vec::new),
            next_ip: 0,
            next_service_ip: 0,
            scheduler_only: false,
            work: 0,
            work_limit: None,
            job_tracking: BTreeMap::new(),
            requester: None,
            daemon_node_view: BTreeMap::new(),
            provisioning: Default::default(),
            volume_data: Default::default(),
            autoscaling: Default::default(),
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let obj = Object::Namespace(kubeplay_api::Namespace {
                metadata: ObjectMeta::named("", ns),
                ..Default::default()
            });
            let _ = c.create(obj);
        }
        for obj in rbac::bootstrap_policy() {
            let _ = c.create_system(obj);
        }
        c.schedule_at(
            c.now.plus_millis(delays::NODE_MONITOR_PERIOD),
            Task::NodeMonitor,
        );
        c.dispatch();
        c
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// Runs only the API server and the scheduler, as kube-scheduler-simulator's cluster does: no
    /// controllers, no kubelets (nodes are stored as given, with API defaulting only:
    /// `allocatable` from `capacity` where missing; no images are pulled or recorded), no node
    /// monitor, no kube-proxy or traffic. Bound pods count where `spec.nodeName` says. This is how
    /// the scheduler is compared with the real kube-scheduler on given objects
    /// (`tests/upstream_vectors.rs`); call it right after [`Cluster::new`]. Work the other
    /// components would have done is dropped, not postponed.
    pub fn set_scheduler_only(&mut self, on: bool) {
        self.scheduler_only = on;
    }

    // ----- the API server's verbs -------------------------------------------------------------

    /// `POST`: admission (defaulting, validation) then storage, as the API server does on create.
    pub fn create(&mut self, mut obj: Object) -> Result<Object, ApiError> {
        self.admit_namespace(&mut obj)?;
        self.authorize_object("create", &obj, false)?;
        self.create_shared(obj).map(|o| (*o).clone())
    }

    /// `create` returning the stored version itself: controllers that create objects by the
    /// thousand need no copy of what they wrote.
    pub(crate) fn create_shared(&mut self, obj: Object) -> Result<Rc<Object>, ApiError> {
        self.create_with(obj, false)
    }

    /// `create` for an object the control plane makes for itself (its UID from `system_rng`).
    pub(crate) fn create_system(&mut self, obj: Object) -> Result<Rc<Object>, ApiError> {
        self.create_with(obj, true)
    }

    fn create_with(&mut self, mut obj: Object, system: bool) -> Result<Rc<Object>, ApiError> {
        let kind = obj.kind();
        self.admit_namespace(&mut obj)?;
        if obj.name().is_empty() && !obj.meta().generate_name.is_empty() {
            let name = format!("{}{}", obj.meta().generate_name, self.random_suffix());
            obj.meta_mut().name = name;
        }
        let key = Key::of(&obj);
        if self.store.contains(&key) {
            return Err(ApiError::already_exists(
                &kind.qualified_plural(),
                obj.name(),
            ));
        }
        apply_defaults(&mut obj);
        validate(&obj)?;
        let uid = if system {
            uid_from(&mut self.system_rng)
        } else {
            self.new_uid()
        };
        let now = self.now;
        let meta = obj.meta_mut();
        meta.uid = uid;
        meta.creation_timestamp = Some(now);
        meta.deletion_timestamp = None;
        if tracks_generation(kind) {
            meta.generation = 1;
        }
        self.admit_create(&mut obj)?;
        self.admit_policies(&mut obj)?;
        let stored = self.store.put(obj, now);
        self.dispatch();
        Ok(stored)
    }

    /// `PUT`: replaces the object's spec and metadata; status and server-set fields are kept.
    pub fn update(&mut self, mut obj: Object) -> Result<Object, ApiError> {
        self.admit_namespace(&mut obj)?;
        self.authorize_object("update", &obj, true)?;
        self.update_unchecked(obj)
    }

    fn update_unchecked(&mut self, mut obj: Object) -> Result<Object, ApiError> {
        let key = Key::of(&obj);
        let Some(old) = self.store.get(&key).cloned() else {
            return Err(ApiError::not_found(
                &obj.kind().qualified_plural(),
                obj.name(),
            ));
        };
        apply_defaults(&mut obj);
        validate(&obj)?;
        let changed = preserve_server_fields(&old, &mut obj);
        if !changed {
            return Ok(old);
        }
        self.validate_update(&old, &obj)?;
        let stored = self.store.put(obj, self.now);
        self.dispatch();
        Ok((*stored).clone())
    }

    /// `kubectl apply`: create when absent, otherwise update the fields the manifest sets.
    pub fn apply(&mut self, obj: Object) -> Result<(Object, ApplyOutcome), ApiError> {
        let mut obj = obj;
        self.admit_namespace(&mut obj)?;
        let key = Key::of(&obj);
        match self.store.get(&key).cloned() {
            None => {
                self.authorize_object("create", &obj, false)?;
                self.create_shared(obj)
                    .map(|o| ((*o).clone(), ApplyOutcome::Created))
            }
            Some(old) => {
                self.authorize_object("patch", &obj, true)?;
                let before = old.meta().resource_version.clone();
                let merged = merge_for_apply(&old, obj);
                let stored = self.update_unchecked(merged)?;
                let outcome = if stored.meta().resource_version == before {
                    ApplyOutcome::Unchanged
                } else {
                    ApplyOutcome::Configured
                };
                Ok((stored, outcome))
            }
        }
    }

    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Result<&Object, ApiError> {
        self.store
            .get(&Key::new(kind, namespace, name))
            .ok_or_else(|| ApiError::not_found(&kind.qualified_plural(), name))
    }

    /// Objects of a kind (all namespaces when `namespace` is `None`), filtered by a label
    /// selector, ordered by namespace then name as the API server lists them.
    pub fn list(
        &self,
        kind: Kind,
        namespace: Option<&str>,
        selector: Option<&LabelSelector>,
    ) -> Vec<&Object> {
        self.store
            .list(kind, namespace)
            .filter(|o| selector.is_none_or(|s| s.matches(&o.meta().labels)))
            .collect()
    }

    /// `DELETE` with the default (background) propagation: pods terminate gracefully; owned
    /// objects are removed by the garbage collector shortly after their owner.
    pub fn delete(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
        grace_period: Option<i64>,
    ) -> Result<Object, ApiError> {
        self.authorize(&rbac::Attributes {
            name: name.into(),
            ..rbac::Attributes::resource(
                "delete",
                kind_group(kind),
                kind.plural(),
                if kind.namespaced() { namespace } else { "" },
            )
        })?;
        let key = Key::new(kind, namespace, name);
        let Some(obj) = self.store.get(&key).cloned() else {
            return Err(ApiError::not_found(&kind.qualified_plural(), name));
        };
        let result = match obj {
            Object::Pod(_) => (*self.delete_pod_gracefully(&key, grace_period)).clone(),
            Object::Namespace(ref ns)
                if ["default", "kube-system", "kube-public", "kube-node-lease"]
                    .contains(&ns.metadata.name.as_str()) =>
            {
                return Err(ApiError::forbidden(format!(
                    "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
                )));
            }
            Object::PersistentVolumeClaim(_) | Object::PersistentVolume(_)
                if self.protect_storage(&obj).is_some() =>
            {
                let kept = self.protect_storage(&obj).unwrap_or(obj);
                self.dispatch();
                return Ok(kept);
            }
            _ => {
                let removed = self
                    .store
                    .remove(&key, self.now)
                    .map_or(obj, |o| (*o).clone());
                if let Object::Node(n) = &removed {
                    self.kubelet.node_removed(&n.metadata.name);
                }
                removed
            }
        };
        self.schedule_in(delays::GARBAGE_COLLECTOR, Task::CollectGarbage);
        self.dispatch();
        Ok(result)
    }

    // ----- time --------------------------------------------------------------------------------

    /// Runs the simulation forward by `millis` of simulated time.
    pub fn advance(&mut self, millis: i64) {
        let end = self.now.plus_millis(millis.max(0));
        self.run_until(end);
    }

    /// How much the simulation has done since the cluster was made: one per task run, plus one
    /// per simulated request. A measure of cost that, unlike a wall clock, is the same on every
    /// machine, so a budget on it stops a replay at the same place everywhere.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// Stops the simulation once [`Cluster::work`] reaches `limit`: time no longer moves (the
    /// clock stays at the last task run) until the limit is lifted. A replay sets it so that no
    /// log can keep the page busy for long, whatever traffic it starts.
    pub fn set_work_limit(&mut self, limit: Option<u64>) {
        self.work_limit = limit;
    }

    /// Whether the work limit has stopped the simulation.
    pub fn work_limit_reached(&self) -> bool {
        self.work_limit.is_some_and(|l| self.work >= l)
    }

    /// Runs every task due at or before `end`, then sets the clock to `end`.
    pub fn run_until(&mut self, end: Time) {
        let requester = self.requester.take();
        self.run_until_unchecked(end);
        self.requester = requester;
    }

    fn run_until_unchecked(&mut self, end: Time) {
        // Bounded so that no input can hang the simulation: each task either completes or
        // reschedules itself later in time.
        let mut budget: u64 = 50_000_000;
        while let Some(Reverse((t, _, _))) = self.queue.peek() {
            if *t > end || budget == 0 {
                break;
            }
            if self.work_limit_reached() {
                return;
            }
            budget -= 1;
            self.work += 1;
            let Some(Reverse((t, _, task))) = self.queue.pop() else {
                break;
            };
            if is_deduped(&task) {
                // A stale entry: the same sync was moved earlier and has already run.
                if self.queued.get(&task) != Some(&t) {
                    continue;
                }
                self.queued.remove(&task);
            }
            if t > self.now {
                self.now = t;
            }
            self.run_task(task);
            self.dispatch();
        }
        if end > self.now {
            self.now = end;
        }
    }

    /// When the next scheduled task is due, if any.
    pub fn next_task_time(&self) -> Option<Time> {
        self.queue.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Runs on to the next scheduled task (at least a millisecond on), or to `deadline` if that
    /// comes first: how a command that waits for a condition moves time, checking it after
    /// each change.
    pub fn run_to_next_task(&mut self, deadline: Time) {
        let requester = self.requester.take();
        self.run_to_next_task_unchecked(deadline);
        self.requester = requester;
    }

    fn run_to_next_task_unchecked(&mut self, deadline: Time) {
        let next = self
            .next_task_time()
            .unwrap_or(deadline)
            .min(deadline)
            .max(self.now.plus_millis(1));
        self.run_until(next);
    }

    fn run_task(&mut self, task: Task) {
        if self.scheduler_only && task != Task::Schedule {
            return;
        }
        match task {
            Task::SyncDeployment(ns, name) => self.sync_deployment(&ns, &name),
            Task::SyncReplicaSet(ns, name) => self.sync_replica_set(&ns, &name),
            Task::SyncEndpoints(ns, name) => self.sync_endpoints(&ns, &name),
            Task::SyncJob(ns, name) => self.sync_job(&ns, &name),
            Task::SyncDaemonSet(ns, name) => self.sync_daemon_set(&ns, &name),
            Task::SyncDisruptionBudget(ns, name) => self.sync_disruption_budget(&ns, &name),
            Task::SyncResourceQuotas(ns) => self.sync_resource_quotas(&ns),
            Task::SyncIngresses => self.sync_ingresses(),
            Task::SyncCronJob(ns, name) => self.sync_cron_job(&ns, &name),
            Task::SyncStatefulSet(ns, name) => self.sync_stateful_set(&ns, &name),
            Task::SyncClaim(ns, name) => self.sync_claim(&ns, &name),
            Task::SyncVolume(name) => self.sync_volume(&name),
            Task::SyncAutoscaler(ns, name) => self.sync_autoscaler(&ns, &name),
            Task::SyncAutoscalers => self.sync_autoscalers(),
            Task::Schedule => self.schedule_pending(),
            Task::Kubelet(ns, name) => self.kubelet_sync(&ns, &name),
            Task::NodeMonitor => self.monitor_nodes(),
            Task::CollectGarbage => self.collect_garbage(),
            Task::TrafficTick => self.traffic_tick(),
        }
    }

    pub(crate) fn schedule_at(&mut self, t: Time, task: Task) {
        let t = t.max(self.now);
        // A sync already queued covers this one: controllers are level-triggered.
        if is_deduped(&task) {
            match self.queued.get(&task) {
                Some(due) if *due <= t => return,
                _ => {
                    self.queued.insert(task.clone(), t);
                }
            }
        }
        self.seq += 1;
        self.queue.push(Reverse((t, self.seq, task)));
    }

    pub(crate) fn schedule_in(&mut self, millis: i64, task: Task) {
        self.schedule_at(self.now.plus_millis(millis), task);
    }

    /// Turns watch events into controller work and trace lines.
    pub(crate) fn dispatch(&mut self) {
        loop {
            let events = self.store.take_events();
            if events.is_empty() {
                return;
            }
            for ev in events {
                if let Some(trace) = &mut self.trace {
                    let line = serde_json::json!({
                        "time": ev.time.rfc3339(),
                        "type": ev.type_,
                        "object": ev.object.to_value(),
                    });
                    trace.push(line.to_string());
                }
                self.route(&ev);
            }
        }
    }

    fn route(&mut self, ev: &WatchEvent) {
        let obj: &Object = &ev.object;
        let ns = obj.namespace().to_string();
        self.quota_watch(obj);
        match obj {
            Object::Deployment(d) => self.schedule_in(
                delays::CONTROLLER,
                Task::SyncDeployment(ns, d.metadata.name.clone()),
            ),
            Object::ReplicaSet(rs) => {
                self.schedule_in(
                    delays::CONTROLLER,
                    Task::SyncReplicaSet(ns.clone(), rs.metadata.name.clone()),
                );
                if let Some(owner) = rs.metadata.controller().filter(|o| o.kind == "Deployment") {
                    self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncDeployment(ns, owner.name.clone()),
                    );
                }
            }
            Object::Job(j) => {
                if ev.type_ == WatchType::Deleted {
                    self.job_deleted(&j.metadata.uid);
                } else {
                    self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncJob(ns.clone(), j.metadata.name.clone()),
                    );
                }
                if let Some(owner) = j.metadata.controller().filter(|o| o.kind == "CronJob") {
                    self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncCronJob(ns, owner.name.clone()),
                    );
                }
            }
            Object::Ingress(_) | Object::IngressClass(_) => {
                self.schedule_in(delays::CONTROLLER, Task::SyncIngresses)
            }
            Object::PodDisruptionBudget(b) if ev.type_ != WatchType::Deleted => self.schedule_in(
                delays::CONTROLLER,
                Task::SyncDisruptionBudget(ns, b.metadata.name.clone()),
            ),
            Object::DaemonSet(ds) if ev.type_ != WatchType::Deleted => self.schedule_in(
                delays::CONTROLLER,
                Task::SyncDaemonSet(ns, ds.metadata.name.clone()),
            ),
            Object::CronJob(cj) if ev.type_ != WatchType::Deleted => self.schedule_in(
                delays::CONTROLLER,
                Task::SyncCronJob(ns, cj.metadata.name.clone()),
            ),
            Object::StatefulSet(sts) if ev.type_ != WatchType::Deleted => self.schedule_in(
                delays::CONTROLLER,
                Task::SyncStatefulSet(ns, sts.metadata.name.clone()),
            ),
            Object::PersistentVolumeClaim(c) => {
                if ev.type_ == WatchType::Deleted {
                    self.claim_removed(c);
                } else {
                    // A pod may be waiting for this claim to exist.
                    if ev.type_ == WatchType::Added {
                        self.schedule_in(delays::SCHEDULER, Task::Schedule);
                    }
                    self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncClaim(ns, c.metadata.name.clone()),
                    );
                }
            }
            Object::PersistentVolume(v) if ev.type_ != WatchType::Deleted => self.schedule_in(
                delays::CONTROLLER,
                Task::SyncVolume(v.metadata.name.clone()),
            ),
            Object::StorageClass(_) if ev.type_ == WatchType::Added => self.resync_pending_claims(),
            Object::HorizontalPodAutoscaler(h) => match ev.type_ {
                WatchType::Added => {
                    self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncAutoscaler(ns, h.metadata.name.clone()),
                    );
                    self.start_autoscalers();
                }
                WatchType::Deleted => self.autoscaler_deleted(&h.metadata.uid),
                _ => {}
            },
            Object::Pod(p) => {
                match p.metadata.controller() {
                    Some(owner) if owner.kind == "ReplicaSet" => self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncReplicaSet(ns.clone(), owner.name.clone()),
                    ),
                    Some(owner) if owner.kind == "Job" => self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncJob(ns.clone(), owner.name.clone()),
                    ),
                    Some(owner) if owner.kind == "DaemonSet" => self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncDaemonSet(ns.clone(), owner.name.clone()),
                    ),
                    Some(owner) if owner.kind == "StatefulSet" => self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncStatefulSet(ns.clone(), owner.name.clone()),
                    ),
                    _ => {}
                }
                if ev.type_ == WatchType::Deleted
                    || p.status.phase == "Succeeded"
                    || p.status.phase == "Failed"
                {
                    self.pod_released_claims(p);
                }
                if ev.type_ == WatchType::Deleted {
                    self.volume_data_pod_gone(p);
                }
                for b in self.budgets_selecting(p) {
                    self.schedule_in(
                        delays::CONTROLLER,
                        Task::SyncDisruptionBudget(ns.clone(), b),
                    );
                }
                let services: Vec<String> = self
                    .store
                    .list(Kind::Service, Some(&ns))
                    .filter_map(|s| match s {
                        Object::Service(s)
                            if !s.spec.selector.is_empty()
                                && s.spec
                                    .selector
                                    .iter()
                                    .all(|(k, v)| p.metadata.labels.get(k) == Some(v)) =>
                        {
                            Some(s.metadata.name.clone())
                        }
                        _ => None,
                    })
                    .collect();
                for s in services {
                    self.schedule_in(delays::CONTROLLER, Task::SyncEndpoints(ns.clone(), s));
                }
                // A freed slot or a new pod: the scheduling queue moves pods back to active. The
                // scheduler's own write of an unschedulable pod's PodScheduled=False is not news
                // to it (upstream requeues on cluster events, not on its own status writes).
                let own_status_write = ev.type_ == WatchType::Modified
                    && p.condition("PodScheduled")
                        .is_some_and(|c| c.status == "False" && c.reason == "Unschedulable");
                if ev.type_ == WatchType::Deleted
                    || (p.spec.node_name.is_empty() && !own_status_write)
                {
                    self.schedule_in(delays::SCHEDULER, Task::Schedule);
                }
                if !p.spec.node_name.is_empty() && ev.type_ != WatchType::Deleted {
                    self.kubelet_watch(p);
                }
                if ev.type_ == WatchType::Deleted {
                    self.kubelet
                        .forget(&Key::new(Kind::Pod, &ns, &p.metadata.name));
                }
            }
            Object::Service(s) => {
                self.schedule_in(
                    delays::CONTROLLER,
                    Task::SyncEndpoints(ns, s.metadata.name.clone()),
                );
            }
            Object::Node(n) => {
                if ev.type_ == WatchType::Added {
                    self.kubelet.node_added(&n.metadata.name, self.now);
                }
                // Labels, taints or the node itself changed: which nodes a DaemonSet runs on.
                // (Status-only writes, the kubelet's heartbeats, change nothing for them.)
                if ev.type_ != WatchType::Modified || self.node_placement_changed(n) {
                    self.sync_all_daemon_sets();
                }
                self.schedule_in(delays::SCHEDULER, Task::Schedule);
            }
            Object::Endpoints(ep) => self.traffic.endpoints_changed(ep, self.now),
            // The ServiceAccount controller acts at once rather than after a delay: a script
            // that creates a namespace and then a pod in it must find `default` there, as it
            // does against a real cluster, where the controller takes milliseconds.
            Object::Namespace(_) if ev.type_ == WatchType::Added => {
                self.sync_service_accounts(obj.name().to_string())
            }
            Object::ServiceAccount(_) if ev.type_ == WatchType::Deleted => {
                self.sync_service_accounts(ns)
            }
            Object::Secret(_) | Object::ConfigMap(_) => self.kubelet_config_changed(obj),
            _ => {}
        }
    }

    // ----- helpers shared by controllers ------------------------------------------------------

    /// Whether a node's labels or spec (taints, cordon) changed since the DaemonSet controller
    /// last looked; false at once when there is no DaemonSet.
    fn node_placement_changed(&mut self, n: &kubeplay_api::Node) -> bool {
        if self.store.list(Kind::DaemonSet, None).next().is_none() {
            return false;
        }
        let view = format!(
            "{}{}",
            serde_json::to_string(&n.metadata.labels).unwrap_or_default(),
            serde_json::to_string(&n.spec).unwrap_or_default()
        );
        self.daemon_node_view
            .insert(n.metadata.name.clone(), view.clone())
            != Some(view)
    }

    fn admit_namespace(&mut self, obj: &mut Object) -> Result<(), ApiError> {
        let kind = obj.kind();
        if !kind.namespaced() {
            obj.meta_mut().namespace.clear();
            return Ok(());
        }
        if obj.namespace().is_empty() {
            obj.meta_mut().namespace = "default".into();
        }
        let ns = obj.namespace().to_string();
        if kind != Kind::Event && !self.store.contains(&Key::new(Kind::Namespace, "", &ns)) {
            return Err(ApiError::not_found("namespaces", &ns));
        }
        Ok(())
    }

    /// Acts for `user` (`kubectl --as`) until set back to `None`: the API verbs then refuse what
    /// RBAC does not allow, as the API server's authorization filter does.
    pub fn set_requester(&mut self, user: Option<rbac::UserInfo>) {
        self.requester = user;
    }

    pub fn requester(&self) -> Option<&rbac::UserInfo> {
        self.requester.as_ref()
    }

    /// The authorization filter: `Forbidden` with the API server's message when the requester
    /// may not do what `attrs` asks; always allowed without one.
    pub fn authorize(&self, attrs: &rbac::Attributes) -> Result<(), ApiError> {
        let Some(user) = &self.requester else {
            return Ok(());
        };
        if self.policy().allows(user, attrs) {
            return Ok(());
        }
        Err(ApiError::forbidden(rbac::forbidden_message(user, attrs)))
    }

    fn authorize_object(&self, verb: &str, obj: &Object, named: bool) -> Result<(), ApiError> {
        if self.requester.is_none() {
            return Ok(());
        }
        let kind = obj.kind();
        let mut attrs =
            rbac::Attributes::resource(verb, kind_group(kind), kind.plural(), obj.namespace());
        // A create request's URL has no name; the others name the object.
        if named {
            attrs.name = obj.name().into();
        }
        self.authorize(&attrs)
    }

    /// Models kubernetes/plugin/pkg/admission/serviceaccount: a pod runs as a ServiceAccount
    /// that exists in its namespace (defaulting has named `default` when the pod named none).
    fn admit_service_account(&self, p: &kubeplay_api::Pod) -> Result<(), ApiError> {
        let name = p
            .spec
            .extra
            .get("serviceAccountName")
            .and_then(|v| v.as_str())
            .unwrap_or("default");
        let ns = &p.metadata.namespace;
        if self
            .store
            .contains(&Key::new(Kind::ServiceAccount, ns, name))
        {
            return Ok(());
        }
        Err(ApiError::forbidden(format!(
            "pods {:?} is forbidden: error looking up service account {ns}/{name}: serviceaccount {name:?} not found",
            p.metadata.name
        )))
    }

    /// Models kubernetes/pkg/controller/serviceaccount `ServiceAccountsController.syncNamespace`:
    /// every namespace that exists has a `default` ServiceAccount.
    fn sync_service_accounts(&mut self, ns: String) {
        if self.scheduler_only
            || !self.store.contains(&Key::new(Kind::Namespace, "", &ns))
            || self
                .store
                .contains(&Key::new(Kind::ServiceAccount, &ns, "default"))
        {
            return;
        }
        let sa = Object::ServiceAccount(kubeplay_api::ServiceAccount {
            metadata: ObjectMeta::named(&ns, "default"),
            ..Default::default()
        });
        // Only a namespace's disappearance makes this fail, and then there is nothing to do.
        let _ = self.create_system(sa);
    }

    /// The authorizer over the store's Roles, ClusterRoles and bindings.
    pub fn policy(&self) -> rbac::Policy {
        rbac::Policy::from_objects(
            [
                Kind::Role,
                Kind::ClusterRole,
                Kind::RoleBinding,
                Kind::ClusterRoleBinding,
            ]
            .into_iter()
            .flat_map(|k| self.store.list(k, None)),
        )
    }

    /// The Priority admission plugin: a pod's `priorityClassName` (or the global default class)
    /// gives its `priority` and `preemptionPolicy`; with neither, priority 0. Defaulting has
    /// already written `priority: 0`, so a 0 the user wrote beside a class is not refused, as
    /// upstream would (any other value that differs from the class's is).
    fn admit_priority(&self, p: &mut kubeplay_api::Pod) -> Result<(), ApiError> {
        let classes = || {
            self.store
                .list(Kind::PriorityClass, None)
                .filter_map(|o| match o {
                    Object::PriorityClass(pc) => Some(pc),
                    _ => None,
                })
        };
        let class = if p.spec.priority_class_name.is_empty() {
            classes().find(|pc| pc.global_default)
        } else {
            match classes().find(|pc| pc.metadata.name == p.spec.priority_class_name) {
                Some(pc) => Some(pc),
                None => {
                    return Err(ApiError::forbidden(format!(
                        "pods {:?} is forbidden: no PriorityClass with name {} was found",
                        p.metadata.name, p.spec.priority_class_name
                    )))
                }
            }
        };
        let Some(pc) = class else {
            return match p.spec.priority {
                Some(v) if v != 0 => Err(ApiError::forbidden(format!(
                    "pods {:?} is forbidden: the integer value of priority ({v}) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name",
                    p.metadata.name
                ))),
                _ => Ok(()),
            };
        };
        if let Some(v) = p.spec.priority.filter(|v| *v != pc.value && *v != 0) {
            return Err(ApiError::forbidden(format!(
                "pods {:?} is forbidden: the integer value of priority ({v}) must not be provided in pod spec; priority admission controller computed {} from the given PriorityClass name",
                p.metadata.name, pc.value
            )));
        }
        p.spec.priority_class_name = pc.metadata.name.clone();
        p.spec.priority = Some(pc.value);
        let policy = pc
            .preemption_policy
            .clone()
            .unwrap_or_else(|| "PreemptLowerPriority".into());
        // Defaulting wrote PreemptLowerPriority already; the class decides.
        p.spec
            .extra
            .insert("preemptionPolicy".into(), policy.into());
        Ok(())
    }

    /// Admission that depends on cluster state: Service IPs, Node machines.
    fn admit_create(&mut self, obj: &mut Object) -> Result<(), ApiError> {
        match obj {
            Object::Job(j) => {
                controllers::job::admit_job(j);
                Ok(())
            }
            Object::PersistentVolumeClaim(c) => {
                self.admit_claim(c);
                Ok(())
            }
            Object::PersistentVolume(v) => {
                self.admit_volume(v);
                Ok(())
            }
            Object::Pod(p) if !self.scheduler_only => {
                self.admit_service_account(p)?;
                self.admit_priority(p)
            }
            Object::DaemonSet(ds) => {
                ds.metadata
                    .annotations
                    .insert(DAEMONSET_TEMPLATE_GENERATION.into(), "1".into());
                Ok(())
            }
            Object::PriorityClass(pc) if pc.global_default => {
                let other = self
                    .store
                    .list(Kind::PriorityClass, None)
                    .find_map(|o| match o {
                        Object::PriorityClass(d) if d.global_default => {
                            Some(d.metadata.name.clone())
                        }
                        _ => None,
                    });
                match other {
                    Some(d) => Err(ApiError::invalid(
                        "PriorityClass",
                        &pc.metadata.name,
                        &[format!("globalDefault: Invalid value: true: PriorityClass {d:?} is already marked as default. Only one default can exist")],
                    )),
                    None => Ok(()),
                }
            }
            Object::Service(s) => {
                if s.spec.cluster_ip.is_empty() {
                    // 10.96.0.1 is the `kubernetes` Service's in a real cluster.
                    self.next_service_ip += 1;
                    let n = self.next_service_ip;
                    s.spec.cluster_ip = format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff);
                }
                s.spec.cluster_ips = vec![s.spec.cluster_ip.clone()];
                let taken: BTreeSet<i32> = self
                    .store
                    .list(Kind::Service, None)
                    .filter_map(|o| match o {
                        Object::Service(s) => Some(
                            s.spec
                                .ports
                                .iter()
                                .filter_map(|p| p.node_port)
                                .collect::<Vec<_>>(),
                        ),
                        _ => None,
                    })
                    .flatten()
                    .collect();
                if matches!(s.spec.type_.as_str(), "NodePort" | "LoadBalancer") {
                    let mut next = 30_000 + (self.rng.next_u32() % 2_000) as i32;
                    for p in &mut s.spec.ports {
                        if p.node_port.is_none() {
                            while taken.contains(&next) {
                                next += 1;
                            }
                            p.node_port = Some(next);
                            next += 1;
                        }
                    }
                }
                Ok(())
            }
            Object::Node(n) if self.scheduler_only => {
                if n.status.allocatable.is_empty() {
                    n.status.allocatable = n.status.capacity.clone();
                }
                Ok(())
            }
            Object::Node(n) => {
                self.kubelet.prepare_node(n, self.now);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn validate_update(&self, old: &Object, new: &Object) -> Result<(), ApiError> {
        let immutable = |field: &str| {
            ApiError::invalid(
                new.kind().name(),
                new.name(),
                &[format!(
                    "{field}: Invalid value: {}: field is immutable",
                    "\"...\""
                )],
            )
        };
        match (old, new) {
            (Object::Deployment(a), Object::Deployment(b))
                if a.spec.selector != b.spec.selector =>
            {
                let sel = serde_json::to_string(&b.spec.selector).unwrap_or_default();
                Err(ApiError::invalid(
                    "Deployment",
                    new.name(),
                    &[format!(
                        "spec.selector: Invalid value: v1.LabelSelector{sel}: field is immutable"
                    )],
                ))
            }
            (Object::DaemonSet(a), Object::DaemonSet(b)) if a.spec.selector != b.spec.selector => {
                Err(immutable("spec.selector"))
            }
            (Object::Job(a), Object::Job(b)) if a.spec.selector != b.spec.selector => {
                Err(immutable("spec.selector"))
            }
            (Object::StatefulSet(a), Object::StatefulSet(b)) => {
                controllers::statefulset::validate_update(a, b)
            }
            (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
                controllers::volume::validate_claim_update(a, b)
            }
            (Object::Job(a), Object::Job(b)) if a.spec.template != b.spec.template => {
                Err(immutable("spec.template"))
            }
            (Object::Job(a), Object::Job(b))
                if a.spec.completions != b.spec.completions && !a.spec.indexed() =>
            {
                Err(immutable("spec.completions"))
            }
            (Object::RoleBinding(a), Object::RoleBinding(b)) if a.role_ref != b.role_ref => {
                Err(role_ref_changed(new, &b.role_ref))
            }
            (Object::ClusterRoleBinding(a), Object::ClusterRoleBinding(b))
                if a.role_ref != b.role_ref =>
            {
                Err(role_ref_changed(new, &b.role_ref))
            }
            (Object::Service(a), Object::Service(b))
                if !b.spec.cluster_ip.is_empty() && a.spec.cluster_ip != b.spec.cluster_ip =>
            {
                Err(immutable("spec.clusterIPs[0]"))
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn new_uid(&mut self) -> String {
        uid_from(&mut self.rng)
    }

    /// Five characters from upstream's name-suffix alphabet, for `<rs>-<suffix>` pod names.
    pub(crate) fn random_suffix(&mut self) -> String {
        const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..5)
            .map(|_| ALPHANUMS[(self.rng.next_u32() as usize) % ALPHANUMS.len()] as char)
            .collect()
    }

    /// `<prefix><5 chars>` not yet taken by a pod of `ns`: the name a controller's
    /// `generateName` gets.
    pub(crate) fn free_pod_name(&mut self, ns: &str, prefix: &str) -> String {
        loop {
            let name = format!("{prefix}{}", self.random_suffix());
            if !self.store.contains(&Key::new(Kind::Pod, ns, &name)) {
                return name;
            }
        }
    }

    /// A jittered duration: `base_ms` ± `spread` (0.2 = ±20%), from the seeded RNG.
    pub(crate) fn jitter(&mut self, base_ms: i64, spread: f64) -> i64 {
        let u = (self.rng.next_u32() as f64) / (u32::MAX as f64); // 0..1
        let factor = 1.0 + spread * (2.0 * u - 1.0);
        ((base_ms as f64) * factor).round().max(0.0) as i64
    }

    pub(crate) fn allocate_pod_ip(&mut self, node_index: usize) -> String {
        self.next_ip += 1;
        format!("10.244.{}.{}", node_index, 2 + (self.next_ip % 250))
    }

    pub(crate) fn record(&mut self, controller: &str, object: String, message: String) {
        self.activity.push(Activity {
            time: self.now,
            controller: controller.into(),
            object,
            message,
        });
        if self.activity.len() > 5_000 {
            self.activity.drain(..1_000);
        }
    }

    /// Records a `v1` Event about an object, merging repeats as the event recorder does.
    pub(crate) fn event(
        &mut self,
        about: &Object,
        type_: &str,
        reason: &str,
        message: String,
        component: &str,
        host: &str,
    ) {
        let meta = about.meta();
        let ns = if meta.namespace.is_empty() {
            "default".to_string()
        } else {
            meta.namespace.clone()
        };
        let existing = match self
            .store
            .find_event(&ns, &meta.uid, reason, &message, component)
        {
            Some(Object::Event(e)) => Some(e.clone()),
            _ => None,
        };
        let now = self.now;
        let ev = match existing {
            Some(mut e) => {
                e.count += 1;
                e.last_timestamp = Some(now);
                e
            }
            None => {
                let name = format!(
                    "{}.{:016x}",
                    meta.name,
                    (now.millis() as u64).wrapping_mul(1_000_003) ^ self.rng.next_u64() >> 16
                );
                let mut m = ObjectMeta::named(&ns, &name);
                m.uid = self.new_uid();
                m.creation_timestamp = Some(now);
                Event {
                    metadata: m,
                    involved_object: ObjectReference {
                        api_version: about.kind().api_version().into(),
                        kind: about.kind().name().into(),
                        namespace: meta.namespace.clone(),
                        name: meta.name.clone(),
                        uid: meta.uid.clone(),
                        resource_version: meta.resource_version.clone(),
                        field_path: String::new(),
                    },
                    reason: reason.into(),
                    message,
                    source: EventSource {
                        component: component.into(),
                        host: host.into(),
                    },
                    first_timestamp: Some(now),
                    last_timestamp: Some(now),
                    count: 1,
                    type_: type_.into(),
                    event_time: None,
                    reporting_component: component.into(),
                    reporting_instance: host.into(),
                }
            }
        };
        self.store.put(Object::Event(ev), now);
        self.expire_events();
    }

    /// Keeps the event list bounded, as the API server's one-hour event TTL does.
    fn expire_events(&mut self) {
        let horizon = self.now.plus_millis(-3_600_000);
        let (by_age, total) = self.store.events_by_age();
        // Past the bound, drop the oldest as well.
        let excess = if total > 2_000 { total - 1_500 } else { 0 };
        let old: Vec<Key> = by_age
            .enumerate()
            .take_while(|(i, (t, _))| *i < excess || *t < horizon)
            .map(|(_, (_, k))| k.clone())
            .collect();
        for k in old {
            self.store.remove(&k, self.now);
        }
    }

    // ----- views for the console and the UI ----------------------------------------------------

    pub fn activity(&self) -> &[Activity] {
        &self.activity
    }

    /// The trace as JSON Lines, if recording was enabled.
    pub fn trace(&self) -> Option<&[String]> {
        self.trace.as_deref()
    }

    /// The trace as the text of a JSON Lines file (each line ended by a newline), if recording
    /// was enabled.
    pub fn trace_jsonl(&self) -> Option<String> {
        self.trace
            .as_deref()
            .map(|lines| lines.iter().map(|l| format!("{l}\n")).collect())
    }

    /// The store's resourceVersion: it changes whenever any object does, so a view can skip
    /// recomputing while it stays the same.
    pub fn resource_version(&self) -> u64 {
        self.store.resource_version()
    }

    pub fn store_len(&self) -> usize {
        self.store.len()
    }
}

/// Keeps what the server owns (uid, creationTimestamp, resourceVersion, generation, status) when
/// a user replaces an object; bumps `generation` when the spec changed. Returns whether anything
/// the user controls changed.
/// Kinds whose `metadata.generation` counts spec changes (their controllers report
/// `observedGeneration`).
fn tracks_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Deployment
            | Kind::ReplicaSet
            | Kind::Job
            | Kind::CronJob
            | Kind::DaemonSet
            | Kind::PodDisruptionBudget
            | Kind::StatefulSet
            | Kind::HorizontalPodAutoscaler
    )
}

fn preserve_server_fields(old: &Object, new: &mut Object) -> bool {
    let om = old.meta().clone();
    {
        let m = new.meta_mut();
        m.uid = om.uid.clone();
        m.creation_timestamp = om.creation_timestamp;
        m.deletion_timestamp = om.deletion_timestamp;
        m.resource_version = om.resource_version.clone();
        m.generation = om.generation;
        if m.owner_references.is_empty() {
            m.owner_references = om.owner_references.clone();
        }
    }
    let spec_changed = match (old, &mut *new) {
        (Object::Deployment(a), Object::Deployment(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::ReplicaSet(a), Object::ReplicaSet(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::Job(a), Object::Job(b)) => {
            b.status = a.status.clone();
            // What the API server generated on create stays unless the update sets it.
            if b.spec.manual_selector != Some(true) {
                if b.spec.selector.is_none() {
                    b.spec.selector = a.spec.selector.clone();
                }
                for key in kubeplay_api::batch::GENERATED_LABELS {
                    if let Some(v) = a.spec.template.metadata.labels.get(key) {
                        b.spec
                            .template
                            .metadata
                            .labels
                            .entry(key.into())
                            .or_insert_with(|| v.clone());
                    }
                }
            }
            if b.metadata.labels.is_empty() {
                b.metadata.labels = a.metadata.labels.clone();
            }
            a.spec != b.spec
        }
        (Object::CronJob(a), Object::CronJob(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::PodDisruptionBudget(a), Object::PodDisruptionBudget(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::StatefulSet(a), Object::StatefulSet(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::HorizontalPodAutoscaler(a), Object::HorizontalPodAutoscaler(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
            b.status = a.status.clone();
            // What admission and the controller set stays unless the update sets it.
            if b.spec.volume_name.is_empty() {
                b.spec.volume_name = a.spec.volume_name.clone();
            }
            if b.spec.storage_class_name.is_none() {
                b.spec.storage_class_name = a.spec.storage_class_name.clone();
            }
            if b.metadata.finalizers.is_empty() {
                b.metadata.finalizers = a.metadata.finalizers.clone();
            }
            a.spec != b.spec
        }
        (Object::PersistentVolume(a), Object::PersistentVolume(b)) => {
            b.status = a.status.clone();
            if b.spec.claim_ref.is_none() {
                b.spec.claim_ref = a.spec.claim_ref.clone();
            }
            if b.metadata.finalizers.is_empty() {
                b.metadata.finalizers = a.metadata.finalizers.clone();
            }
            a.spec != b.spec
        }
        (Object::Ingress(a), Object::Ingress(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::ResourceQuota(a), Object::ResourceQuota(b)) => {
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (Object::DaemonSet(a), Object::DaemonSet(b)) => {
            b.status = a.status.clone();
            // The API server counts template changes in this annotation.
            let generation = a
                .metadata
                .annotations
                .get(DAEMONSET_TEMPLATE_GENERATION)
                .and_then(|g| g.parse::<i64>().ok())
                .unwrap_or(1);
            let next = if a.spec.template != b.spec.template {
                generation + 1
            } else {
                generation
            };
            b.metadata
                .annotations
                .insert(DAEMONSET_TEMPLATE_GENERATION.into(), next.to_string());
            a.spec != b.spec
        }
        (Object::Pod(a), Object::Pod(b)) => {
            b.status = a.status.clone();
            if b.spec.node_name.is_empty() {
                b.spec.node_name = a.spec.node_name.clone();
            }
            a.spec != b.spec
        }
        (Object::Node(a), Object::Node(b)) => {
            if b.status.capacity.is_empty() {
                b.status = a.status.clone();
            }
            a.spec != b.spec || a.status != b.status
        }
        (Object::Service(a), Object::Service(b)) => {
            if b.spec.cluster_ip.is_empty() {
                b.spec.cluster_ip = a.spec.cluster_ip.clone();
                b.spec.cluster_ips = a.spec.cluster_ips.clone();
            }
            for (bp, ap) in b.spec.ports.iter_mut().zip(&a.spec.ports) {
                if bp.node_port.is_none() {
                    bp.node_port = ap.node_port;
                }
            }
            b.status = a.status.clone();
            a.spec != b.spec
        }
        (a, b) => a.to_value() != b.to_value(),
    };
    if spec_changed && tracks_generation(new.kind()) {
        new.meta_mut().generation += 1;
    }
    let meta_changed = {
        let nm = new.meta();
        nm.labels != om.labels
            || nm.annotations != om.annotations
            || nm.owner_references != om.owner_references
    };
    spec_changed || meta_changed
}

/// `kubectl apply` semantics, simplified: the manifest's metadata labels/annotations are merged
/// over the live object's, and its spec replaces the live spec. (Real apply computes a three-way
/// strategic merge with the last-applied annotation; this is documented in ARCHITECTURE.md.)
fn merge_for_apply(old: &Object, mut new: Object) -> Object {
    let om = old.meta();
    let nm = new.meta_mut();
    for (k, v) in &om.annotations {
        nm.annotations.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for (k, v) in &om.labels {
        nm.labels.entry(k.clone()).or_insert_with(|| v.clone());
    }
    new
}
