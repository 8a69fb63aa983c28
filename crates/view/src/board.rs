//! The board: nodes as wells sized by their allocatable resources, pods as pieces sized by
//! their requests, the pending queue, and the Deployments and Services beside it.

use std::collections::BTreeMap;
use std::rc::Rc;

use kubeplay_api::apps::{POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};
use kubeplay_api::summary::{pod_ready, pod_status};
use kubeplay_api::{Kind, Object, Pod, Time};
use kubeplay_engine::Cluster;

use crate::hue;
use crate::natural_cmp;
use crate::wells::{full_for, CellScale, Density};

/// Requests the scheduler assumes for a container that sets none, used to size such pieces.
const DEFAULT_CPU_MILLIS: i64 = 100;
const DEFAULT_MEMORY_BYTES: i64 = 200 * 1024 * 1024;
/// A served certificate this close to its notAfter gets a badge on its piece: a day, the scale
/// of the playground's certificate stories (the built-in workshop's expires after four hours).
pub const CERT_EXPIRING_MS: i64 = 24 * 3_600_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    pub now: Time,
    /// Shared, so a view can tell an unchanged node by pointer and skip redrawing it.
    pub nodes: Vec<Rc<NodeView>>,
    /// Pods waiting for a node, in the scheduler's queue order.
    pub pending: Vec<Rc<PodView>>,
    pub deployments: Vec<DeploymentView>,
    pub services: Vec<ServiceView>,
    /// A KubeSchedulerConfiguration was applied (a profile picked in the header, or by hand).
    pub scheduler_configured: bool,
    /// Requests to draw as dots, the Services they enter by, and failures by cause.
    pub requests: Rc<crate::RequestsView>,
    /// How big the wells are drawn, from the number of nodes.
    pub density: Density,
    /// Too many nodes or pods for an element each: the board is a map (`map::wants_map`).
    pub map: bool,
    /// One cell of every piece and well (`wells::CellScale::choose`).
    pub cells: CellScale,
    /// The largest node's allocatable CPU and memory: wells are drawn to scale with it.
    pub max_cpu_millis: i64,
    pub max_memory_bytes: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeView {
    pub name: String,
    /// `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` when cordoned — as kubectl.
    pub status: String,
    pub ready: bool,
    pub cordoned: bool,
    pub zone: Option<String>,
    /// `key=value:Effect`, as kubectl describe prints taints.
    pub taints: Vec<String>,
    pub cpu_allocatable_millis: i64,
    pub memory_allocatable_bytes: i64,
    pub cpu_requested_millis: i64,
    pub memory_requested_bytes: i64,
    pub pods_allocatable: i64,
    /// Pods bound to the node, oldest first (the bottom of the well).
    pub pods: Vec<Rc<PodView>>,
    /// Room is left but no pending pod fits in it: fragmentation.
    pub fragmented: bool,
    /// Pods are pending and none of them fits in what is left (`wells::full_for`).
    pub full: bool,
    /// The machine failed: its kubelet stopped posting status. The board shows it at once;
    /// the node lifecycle controller finds out only after its grace period.
    pub kubelet_stopped: bool,
    /// While the kubelet is stopped and the node still Ready: milliseconds until the grace
    /// period runs out and the controller marks it NotReady (0: at its next look).
    pub not_ready_in_ms: Option<i64>,
    /// Milliseconds until taint-based eviction deletes the first of its pods (0: under way),
    /// while the node has NoExecute taints that some pod tolerates only for a while.
    pub eviction_in_ms: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodView {
    pub name: String,
    pub namespace: String,
    pub node: String,
    pub phase: String,
    pub ready: bool,
    /// kubectl's STATUS column.
    pub status: String,
    /// kubectl's READY column.
    pub ready_text: String,
    pub restarts: i32,
    /// The workload that owns the pod (Deployment, else ReplicaSet, else the pod itself).
    pub owner: String,
    /// The version within the owner: its pod-template-hash, else the image.
    pub version: String,
    pub image: String,
    pub revision: Option<i64>,
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    /// Requests were unset and the piece is sized by the scheduler's defaults.
    pub best_effort: bool,
    pub terminating: bool,
    /// Whether the app answers requests now (from the kubelet's simulation).
    pub serving: bool,
    /// The notAfter of the TLS certificate the app loaded at start, if it serves one.
    pub cert_not_after: Option<Time>,
    /// How long until that certificate expires, as kubectl words ages (`3h59m`), or `expired`:
    /// coarse, so that the piece is not redrawn every frame.
    pub cert_expires_in: Option<String>,
    /// The certificate expires within `CERT_EXPIRING_MS`, or has: the board badges the piece.
    pub cert_expiring: bool,
    /// Hue (0..360) for the owner, stable across runs.
    pub hue: u16,
}

impl PodView {
    /// Succeeded or Failed: the pod no longer takes room on its node.
    pub fn finished(&self) -> bool {
        self.phase == "Succeeded" || self.phase == "Failed"
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentView {
    pub name: String,
    pub namespace: String,
    pub replicas: i32,
    pub updated: i32,
    pub ready: i32,
    pub available: i32,
    pub strategy: String,
    pub max_surge: i64,
    pub max_unavailable: i64,
    /// Non-terminating pods now, to compare with replicas + maxSurge.
    pub pods_now: i32,
    pub rolling_out: bool,
    pub paused: bool,
    pub replica_sets: Vec<ReplicaSetView>,
    /// The first container's name and image (what `kubectl set image` names).
    pub container: String,
    pub image: String,
    pub hue: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaSetView {
    pub name: String,
    pub revision: i64,
    pub image: String,
    pub desired: i32,
    pub current: i32,
    pub ready: i32,
    pub is_new: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceView {
    pub name: String,
    pub namespace: String,
    pub type_: String,
    pub cluster_ip: String,
    pub ports: String,
    /// Pod names behind the Service's ready addresses.
    pub endpoints: Vec<String>,
    pub not_ready: Vec<String>,
    pub traffic_rps: Option<u32>,
}

/// A stable hue for a name (FNV-1a), so an owner keeps its colour. Reds and oranges are kept for

fn requests(pod: &Pod) -> (i64, i64, bool) {
    let mut cpu = 0;
    let mut mem = 0;
    let mut unset = true;
    for c in &pod.spec.containers {
        if let Some(q) = c.resources.requests.get("cpu") {
            cpu += q.milli_value();
            unset = false;
        } else {
            cpu += DEFAULT_CPU_MILLIS;
        }
        if let Some(q) = c.resources.requests.get("memory") {
            mem += q.value();
            unset = false;
        } else {
            mem += DEFAULT_MEMORY_BYTES;
        }
    }
    (cpu, mem, unset)
}

fn owner_names(cluster: &Cluster) -> BTreeMap<String, (String, Option<i64>)> {
    // Controller uid → (the workload people name: the Deployment of a ReplicaSet, the CronJob of
    // a Job, else the controller itself; the ReplicaSet's revision). A DaemonSet's, a
    // StatefulSet's or a Job's pods take its colour.
    let mut m = BTreeMap::new();
    for kind in [
        Kind::ReplicaSet,
        Kind::Job,
        Kind::DaemonSet,
        Kind::StatefulSet,
    ] {
        for o in cluster.list(kind, None, None) {
            let meta = o.meta();
            let owner = meta
                .controller()
                .map(|r| r.name.clone())
                .unwrap_or_else(|| meta.name.clone());
            let revision = match o {
                Object::ReplicaSet(rs) => Some(rs.revision()),
                _ => None,
            };
            m.insert(meta.uid.clone(), (owner, revision));
        }
    }
    m
}

fn pod_view(
    cluster: &Cluster,
    pod: &Pod,
    owners: &BTreeMap<String, (String, Option<i64>)>,
) -> PodView {
    let (cpu, mem, best_effort) = requests(pod);
    let (owner, revision) = pod
        .metadata
        .controller()
        .and_then(|r| owners.get(&r.uid).cloned())
        .unwrap_or_else(|| (pod.metadata.name.clone(), None));
    let image = pod
        .spec
        .containers
        .first()
        .map(|c| c.image.clone())
        .unwrap_or_default();
    let version = pod
        .metadata
        .labels
        .get(POD_TEMPLATE_HASH_LABEL)
        .or_else(|| {
            pod.metadata
                .labels
                .get(kubeplay_api::apps::CONTROLLER_REVISION_HASH_LABEL)
        })
        .cloned()
        .unwrap_or_else(|| image.clone());
    let (serving, cert_not_after) = cluster.pod_serving(pod);
    let cert_left = cert_not_after.map(|na| na.millis() - cluster.now().millis());
    PodView {
        name: pod.metadata.name.clone(),
        namespace: pod.metadata.namespace.clone(),
        node: pod.spec.node_name.clone(),
        phase: pod.status.phase.clone(),
        ready: pod.is_ready(),
        status: pod_status(pod),
        ready_text: pod_ready(pod),
        restarts: pod
            .status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum(),
        hue: hue(&owner),
        owner,
        version,
        image,
        revision,
        cpu_millis: cpu,
        memory_bytes: mem,
        best_effort,
        terminating: pod.is_terminating(),
        serving,
        cert_not_after,
        cert_expires_in: cert_left.map(|ms| {
            // The app refuses once now is past notAfter (`t <= notAfter` still serves).
            if ms < 0 {
                "expired".to_string()
            } else {
                kubeplay_api::summary::human_duration(ms)
            }
        }),
        cert_expiring: cert_left.is_some_and(|ms| ms < CERT_EXPIRING_MS),
    }
}

/// Computes the board from the cluster.
pub fn board(cluster: &Cluster) -> Board {
    let owners = owner_names(cluster);
    let now = cluster.now();
    // NoExecute taints by node, for the eviction countdown.
    let no_execute: BTreeMap<&str, Vec<&kubeplay_api::core::Taint>> = cluster
        .list(Kind::Node, None, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Node(n) => Some((
                n.metadata.name.as_str(),
                n.spec
                    .taints
                    .iter()
                    .filter(|t| t.effect == "NoExecute")
                    .collect::<Vec<_>>(),
            )),
            _ => None,
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let mut evictions: BTreeMap<String, Time> = BTreeMap::new();
    let mut by_node: BTreeMap<&str, Vec<(Option<Time>, PodView)>> = BTreeMap::new();
    let mut pending: Vec<(i32, Option<Time>, PodView)> = Vec::new();
    for o in cluster.list(Kind::Pod, None, None) {
        let Object::Pod(p) = o else { continue };
        let v = pod_view(cluster, p, &owners);
        if p.spec.node_name.is_empty() {
            pending.push((
                p.spec.priority.unwrap_or(0),
                p.metadata.creation_timestamp,
                v,
            ));
        } else {
            if let Some(taints) = no_execute.get(p.spec.node_name.as_str()) {
                if let Some(at) = (!p.is_terminating())
                    .then(|| kubeplay_engine::eviction_time(p, taints, now))
                    .flatten()
                {
                    let e = evictions.entry(p.spec.node_name.clone()).or_insert(at);
                    *e = (*e).min(at);
                }
            }
            // Creation time never changes, so a piece keeps its place (and its DOM element, whose
            // drop animation would replay if it moved).
            by_node
                .entry(p.spec.node_name.as_str())
                .or_default()
                .push((p.metadata.creation_timestamp, v));
        }
    }
    pending.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.name.cmp(&b.2.name))
    });
    let pending: Vec<Rc<PodView>> = pending.into_iter().map(|(_, _, v)| Rc::new(v)).collect();
    let mut nodes = Vec::new();
    for o in cluster.list(Kind::Node, None, None) {
        let Object::Node(n) = o else { continue };
        let mut pods = by_node.remove(n.metadata.name.as_str()).unwrap_or_default();
        pods.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
        // Shared, so a view can skip redrawing an unchanged piece.
        let pods: Vec<Rc<PodView>> = pods.into_iter().map(|(_, v)| Rc::new(v)).collect();
        let alloc = |r: &str| {
            n.status
                .allocatable
                .get(r)
                .or_else(|| n.status.capacity.get(r))
        };
        let cpu_alloc = alloc("cpu").map_or(0, |q| q.milli_value());
        let mem_alloc = alloc("memory").map_or(0, |q| q.value());
        let pods_alloc = alloc("pods").map_or(110, |q| q.value());
        let active: Vec<&Rc<PodView>> = pods.iter().filter(|p| !p.finished()).collect();
        let cpu_req: i64 = active
            .iter()
            .map(|p| if p.best_effort { 0 } else { p.cpu_millis })
            .sum();
        let mem_req: i64 = active
            .iter()
            .map(|p| if p.best_effort { 0 } else { p.memory_bytes })
            .sum();
        let ready_cond = n
            .condition("Ready")
            .map(|c| c.status.clone())
            .unwrap_or_default();
        let mut status = match ready_cond.as_str() {
            "True" => "Ready".to_string(),
            _ => "NotReady".to_string(),
        };
        if n.spec.unschedulable {
            status.push_str(",SchedulingDisabled");
        }
        let free_cpu = cpu_alloc - cpu_req;
        let free_mem = mem_alloc - mem_req;
        let full = full_for(free_cpu, free_mem, &pending);
        let fragmented = full && free_cpu > 0 && free_mem > 0;
        let stopped_since = cluster.kubelet_stopped_since(&n.metadata.name);
        nodes.push(Rc::new(NodeView {
            name: n.metadata.name.clone(),
            ready: ready_cond == "True",
            status,
            cordoned: n.spec.unschedulable,
            zone: n
                .metadata
                .labels
                .get("topology.kubernetes.io/zone")
                .cloned(),
            taints: n.spec.taints.iter().map(|t| t.to_spec_string()).collect(),
            cpu_allocatable_millis: cpu_alloc,
            memory_allocatable_bytes: mem_alloc,
            cpu_requested_millis: cpu_req,
            memory_requested_bytes: mem_req,
            pods_allocatable: pods_alloc,
            pods,
            fragmented,
            full,
            kubelet_stopped: stopped_since.is_some(),
            not_ready_in_ms: stopped_since.filter(|_| ready_cond == "True").map(|since| {
                (since.millis() + kubeplay_engine::delays::NODE_MONITOR_GRACE - now.millis()).max(0)
            }),
            eviction_in_ms: evictions
                .get(&n.metadata.name)
                .map(|at| (at.millis() - now.millis()).max(0)),
        }));
    }
    // node-2 before node-10, as a person counts (kubectl sorts by plain string order).
    nodes.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    let deployments = deployments(cluster);
    let services = services(cluster);
    let density = Density::of(nodes.len());
    let max_cpu_millis = nodes
        .iter()
        .map(|n| n.cpu_allocatable_millis)
        .max()
        .unwrap_or(1);
    let max_memory_bytes = nodes
        .iter()
        .map(|n| n.memory_allocatable_bytes)
        .max()
        .unwrap_or(1);
    let cells = CellScale::choose(
        max_cpu_millis,
        max_memory_bytes,
        density.well_px(),
        density.min_cell_px(),
        nodes
            .iter()
            .flat_map(|n| n.pods.iter())
            .chain(pending.iter())
            .map(|p| (p.cpu_millis, p.memory_bytes)),
    );
    let map = crate::map::wants_map(
        nodes.len(),
        nodes.iter().map(|n| n.pods.len()).sum::<usize>() + pending.len(),
    );
    Board {
        now: cluster.now(),
        nodes,
        pending,
        deployments,
        services,
        scheduler_configured: cluster.scheduler_config().is_some(),
        requests: Rc::new(crate::requests(cluster)),
        density,
        map,
        cells,
        max_cpu_millis,
        max_memory_bytes,
    }
}

fn deployments(cluster: &Cluster) -> Vec<DeploymentView> {
    let mut out = Vec::new();
    for o in cluster.list(Kind::Deployment, None, None) {
        let Object::Deployment(d) = o else { continue };
        let mut rss: Vec<ReplicaSetView> = Vec::new();
        let new_rev = d
            .metadata
            .annotation(REVISION_ANNOTATION)
            .and_then(|r| r.parse::<i64>().ok())
            .unwrap_or(0);
        let mut pods_now = 0;
        for r in cluster.list(Kind::ReplicaSet, Some(&d.metadata.namespace), None) {
            let Object::ReplicaSet(rs) = r else { continue };
            if rs.metadata.controller().map(|c| &c.uid) != Some(&d.metadata.uid) {
                continue;
            }
            pods_now += rs.status.replicas;
            if rs.replicas() == 0 && rs.status.replicas == 0 && rs.revision() != new_rev {
                continue; // History only.
            }
            rss.push(ReplicaSetView {
                name: rs.metadata.name.clone(),
                revision: rs.revision(),
                image: rs
                    .spec
                    .template
                    .spec
                    .containers
                    .first()
                    .map(|c| c.image.clone())
                    .unwrap_or_default(),
                desired: rs.replicas(),
                current: rs.status.replicas,
                ready: rs.status.ready_replicas,
                is_new: rs.revision() == new_rev,
            });
        }
        rss.sort_by_key(|r| std::cmp::Reverse(r.revision));
        let replicas = d.replicas();
        let (surge, unavailable) = surge_and_unavailable(d);
        let first = d.spec.template.spec.containers.first();
        let rolling_out = rss.len() > 1
            || d.status.updated_replicas != replicas
            || d.status.available_replicas != replicas;
        out.push(DeploymentView {
            name: d.metadata.name.clone(),
            namespace: d.metadata.namespace.clone(),
            replicas,
            updated: d.status.updated_replicas,
            ready: d.status.ready_replicas,
            available: d.status.available_replicas,
            strategy: d.spec.strategy.type_.clone(),
            max_surge: surge,
            max_unavailable: unavailable,
            pods_now,
            rolling_out,
            paused: d.spec.paused,
            replica_sets: rss,
            container: first.map(|c| c.name.clone()).unwrap_or_default(),
            image: first.map(|c| c.image.clone()).unwrap_or_default(),
            hue: hue(&d.metadata.name),
        });
    }
    out
}

/// The rollout budget as the controller resolves it (percentages of replicas: surge rounds up,
/// unavailable down; both zero means one unavailable).
fn surge_and_unavailable(d: &kubeplay_api::Deployment) -> (i64, i64) {
    if d.spec.strategy.type_ == "Recreate" {
        return (0, d.replicas() as i64);
    }
    let r = d.replicas() as i64;
    let ru = d.spec.strategy.rolling_update.as_ref();
    let s = ru
        .and_then(|x| x.max_surge.as_ref())
        .and_then(|v| v.scaled_value(r, true).ok())
        .unwrap_or(0);
    let u = ru
        .and_then(|x| x.max_unavailable.as_ref())
        .and_then(|v| v.scaled_value(r, false).ok())
        .unwrap_or(0);
    if s == 0 && u == 0 {
        (0, 1)
    } else {
        (s, u.min(r))
    }
}

fn services(cluster: &Cluster) -> Vec<ServiceView> {
    let gens = cluster.traffic_generators();
    let mut out = Vec::new();
    for o in cluster.list(Kind::Service, None, None) {
        let Object::Service(s) = o else { continue };
        let (mut ready, mut not_ready) = (Vec::new(), Vec::new());
        if let Ok(Object::Endpoints(ep)) =
            cluster.get(Kind::Endpoints, &s.metadata.namespace, &s.metadata.name)
        {
            for sub in &ep.subsets {
                ready.extend(
                    sub.addresses
                        .iter()
                        .filter_map(|a| a.target_ref.as_ref().map(|r| r.name.clone())),
                );
                not_ready.extend(
                    sub.not_ready_addresses
                        .iter()
                        .filter_map(|a| a.target_ref.as_ref().map(|r| r.name.clone())),
                );
            }
        }
        let ports: Vec<String> = s
            .spec
            .ports
            .iter()
            .map(|p| match p.node_port {
                Some(np) => format!("{}:{np}/{}", p.port, p.protocol),
                None => format!("{}/{}", p.port, p.protocol),
            })
            .collect();
        out.push(ServiceView {
            name: s.metadata.name.clone(),
            namespace: s.metadata.namespace.clone(),
            type_: s.spec.type_.clone(),
            cluster_ip: s.spec.cluster_ip.clone(),
            ports: ports.join(","),
            endpoints: ready,
            not_ready,
            traffic_rps: gens
                .get(&format!("{}/{}", s.metadata.namespace, s.metadata.name))
                .copied(),
        });
    }
    out
}
