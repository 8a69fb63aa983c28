//! The board's view model: nodes as Tetris wells sized by their allocatable resources, pods as
//! pieces sized by their requests, the pending queue, rollouts, Services and traffic. Computed
//! from the engine's state so that the web crate only draws; tested natively.

use std::collections::BTreeMap;
use std::rc::Rc;

use kubeplay_api::apps::{POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION};
use kubeplay_api::summary::{pod_ready, pod_status};
use kubeplay_api::{Kind, Object, Pod, Time};
use kubeplay_engine::{Activity, Cluster, TrafficSample};

/// Requests the scheduler assumes for a container that sets none, used to size such pieces.
const DEFAULT_CPU_MILLIS: i64 = 100;
const DEFAULT_MEMORY_BYTES: i64 = 200 * 1024 * 1024;

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
}

#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Milliseconds until taint-based eviction deletes the first of its pods (0: under way),
    /// while the node has NoExecute taints that some pod tolerates only for a while.
    pub eviction_in_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Hue (0..360) for the owner, stable across runs.
    pub hue: u16,
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
/// failures (crash loops, image pulls), so owners get greens, blues and purples: 140..330.
pub fn hue(name: &str) -> u16 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    140 + (h % 190) as u16
}

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
    // ReplicaSet uid → (Deployment name or RS name, revision)
    let mut m = BTreeMap::new();
    for o in cluster.list(Kind::ReplicaSet, None, None) {
        if let Object::ReplicaSet(rs) = o {
            let owner = rs
                .metadata
                .controller()
                .map(|r| r.name.clone())
                .unwrap_or_else(|| rs.metadata.name.clone());
            m.insert(rs.metadata.uid.clone(), (owner, Some(rs.revision())));
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
        .cloned()
        .unwrap_or_else(|| image.clone());
    let serving = cluster
        .pod_runtime(&pod.metadata.namespace, &pod.metadata.name)
        .is_some_and(|r| r.serving);
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
    }
}

/// Computes the board from the cluster.
/// Compares names with their runs of digits taken as numbers: `node-2` < `node-10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(rest.len());
            let (chunk, tail) = rest.split_at(end);
            rest = tail;
            Some((digit, chunk))
        })
    }
    // Numbers compare by the length of their significant digits first, then as text.
    fn key((digit, c): (bool, &str)) -> (bool, usize, &str) {
        let trimmed = c.trim_start_matches('0');
        if digit {
            (true, trimmed.len(), trimmed)
        } else {
            (false, 0, c)
        }
    }
    chunks(a)
        .map(key)
        .cmp(chunks(b).map(key))
        .then_with(|| a.cmp(b))
}

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
    let mut by_node: BTreeMap<String, Vec<(Option<Time>, PodView)>> = BTreeMap::new();
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
                .entry(p.spec.node_name.clone())
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
        let mut pods = by_node.remove(&n.metadata.name).unwrap_or_default();
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
        let active: Vec<&Rc<PodView>> = pods
            .iter()
            .filter(|p| p.phase != "Succeeded" && p.phase != "Failed")
            .collect();
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
        let fragmented = !pending.is_empty()
            && free_cpu > 0
            && free_mem > 0
            && !pending.iter().any(|p| {
                let (c, m) = if p.best_effort {
                    (0, 0)
                } else {
                    (p.cpu_millis, p.memory_bytes)
                };
                c <= free_cpu && m <= free_mem
            });
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
            eviction_in_ms: evictions
                .get(&n.metadata.name)
                .map(|at| (at.millis() - now.millis()).max(0)),
        }));
    }
    // node-2 before node-10, as a person counts (kubectl sorts by plain string order).
    nodes.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    let deployments = deployments(cluster);
    let services = services(cluster);
    Board {
        now: cluster.now(),
        nodes,
        pending,
        deployments,
        services,
        scheduler_configured: cluster.scheduler_config().is_some(),
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

/// The last `n` seconds of traffic to each Service.
pub fn traffic(cluster: &Cluster, n: usize) -> Vec<TrafficSample> {
    let s = cluster.traffic_samples();
    s[s.len().saturating_sub(n)..].to_vec()
}

/// Requests answered and failed over all the traffic kept (the last hour): (ok, failed).
pub fn traffic_totals(cluster: &Cluster) -> (u64, u64) {
    cluster
        .traffic_samples()
        .iter()
        .fold((0, 0), |(ok, failed), s| {
            (ok + u64::from(s.ok), failed + u64::from(s.failed))
        })
}

/// The most recent controller decisions, newest first.
pub fn recent_activity(cluster: &Cluster, n: usize) -> Vec<Activity> {
    cluster.activity().iter().rev().take(n).cloned().collect()
}

/// One line of `kubectl get events`, newest first in `recent_events`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventView {
    /// kubectl's LAST SEEN: `12s`, `3m4s`.
    pub last_seen: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    /// `pod/nginx-7c9f-x2x4q`, as kubectl's OBJECT column.
    pub object: String,
    pub message: String,
    /// How many times it happened (merged by the event recorder).
    pub count: i64,
}

/// The `n` most recently seen events of every namespace, newest first (kubectl's order, reversed).
pub fn recent_events(cluster: &Cluster, n: usize) -> Vec<EventView> {
    use kubeplay_api::summary::{event_last_seen, event_object, human_duration};
    let now = cluster.now();
    let mut events: Vec<(&kubeplay_api::Event, u64)> = cluster
        .list(Kind::Event, None, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) => Some((e, e.metadata.resource_version.parse().unwrap_or(0))),
            _ => None,
        })
        .collect();
    events.sort_by_key(|(e, rv)| std::cmp::Reverse((event_last_seen(e), *rv)));
    events
        .into_iter()
        .take(n)
        .map(|(e, _)| EventView {
            last_seen: event_last_seen(e).map_or_else(
                || "<unknown>".to_string(),
                |t| human_duration(now.millis() - t.millis()),
            ),
            type_: e.type_.clone(),
            reason: e.reason.clone(),
            object: event_object(e),
            message: e.message.clone(),
            count: e.count.max(1),
        })
        .collect()
}

/// One step of the guided tour: the story of Kelsey Hightower's Kubernetes demos, told with the
/// cluster at hand (its deployment, its Service, its nodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourStep {
    pub title: &'static str,
    /// The console line the step's button runs.
    pub command: String,
    /// What the cluster shows once the step is done.
    pub done: bool,
    /// What to look at on the board, and why it happens.
    pub watch: String,
}

/// The guided tour, each step's command and state read from the board: deploy, expose, send
/// traffic, update the image, fail a node, pack like Tetris. Steps already done (by the tour or by hand) are ticked.
pub fn tour(board: &Board) -> Vec<TourStep> {
    let deployment = board.deployments.iter().find(|d| d.namespace == "default");
    let name = deployment.map_or("nginx", |d| d.name.as_str());
    let service = board
        .services
        .iter()
        .find(|s| s.namespace == "default" && s.name != "kubernetes");
    let revision = deployment
        .and_then(|d| d.replica_sets.iter().map(|r| r.revision).max())
        .unwrap_or(0);
    // The node with most of the deployment's pods: failing it shows the most healing.
    let busiest = board
        .nodes
        .iter()
        .filter(|n| n.ready)
        .max_by_key(|n| {
            (
                n.pods.iter().filter(|p| p.owner == name).count(),
                std::cmp::Reverse(n.name.clone()),
            )
        })
        .map_or("node-1", |n| n.name.as_str());
    let failed = board.nodes.iter().find(|n| !n.ready);
    vec![
        TourStep {
            title: "Run a container",
            command: format!("kubectl create deployment {name} --image=nginx:1.10 --replicas=5"),
            done: deployment.is_some(),
            watch: "The Deployment creates a ReplicaSet, which creates the pods. Each waits in \
                    Pending until the scheduler picks a node for it, then drops into that node's \
                    well: striped while its image is pulled and the container starts, solid once \
                    ready. No one said which node: the scheduler decided (click a pod to see why)."
                .into(),
        },
        TourStep {
            title: "Expose it",
            command: format!("kubectl expose deployment {name} --port=80"),
            done: service.is_some(),
            watch: "A Service gives the pods one stable address. Its endpoints are the pods that \
                    match its selector and are ready: see the Services panel."
                .into(),
        },
        TourStep {
            title: "Send it traffic",
            command: format!(
                "traffic svc/{} --rps 50",
                service.map_or(name, |s| s.name.as_str())
            ),
            done: service.is_some_and(|s| s.traffic_rps.is_some()),
            watch:
                "The chart shows each second's requests, coloured by the version that answered; \
                    failed ones are red. A request fails when no ready pod is there to answer."
                    .into(),
        },
        TourStep {
            title: "Update the image",
            command: match deployment {
                Some(d) => format!(
                    "kubectl set image deployment/{} {}={}",
                    d.name,
                    d.container,
                    next_image(&d.image)
                ),
                None => format!("kubectl set image deployment/{name} nginx=nginx:1.11"),
            },
            done: revision >= 2,
            watch: "A rolling update: the new ReplicaSet grows while the old one shrinks, never \
                    beyond the budget shown in Deployments (maxSurge above, maxUnavailable below). \
                    Watch the chart: requests fail if a pod gets traffic before it is ready (no \
                    readinessProbe) or is stopped while still an endpoint (no preStop delay). The \
                    Manifest editor's example has both: apply it, update it, and none fail."
                .into(),
        },
        TourStep {
            title: "Kill a node",
            command: match failed {
                Some(n) => format!("node restore {}", n.name),
                None => format!("node fail {busiest}"),
            },
            done: failed.is_some(),
            watch: "The node stops reporting. After 40 s the node controller marks it NotReady \
                    and taints it; its pods tolerate that for 300 s, then are evicted, and their \
                    ReplicaSet creates replacements on the other nodes. The old pods stay \
                    Terminating: no kubelet is left to confirm they stopped. That is 6 minutes of \
                    simulated time: pick 20× or 50× to watch it. Deleting a pod heals at once."
                .into(),
        },
        TourStep {
            title: "Pack like Tetris",
            // The web app writes the named profiles as files (the header's Scheduler menu
            // applies the same ones).
            command: "kubectl apply -f schedulers/bin-packing.yaml".into(),
            done: board.scheduler_configured,
            watch: "The scheduler now scores a node higher the fuller it is (NodeResourcesFit \
                    MostAllocated) instead of the emptier: new pods stack into the fullest node \
                    that fits, leaving whole nodes free for big pieces. Scale up with +1 and \
                    watch where they land; click one to see the scores. The Scheduler menu in \
                    the header switches back."
                .into(),
        },
    ]
}

/// The image with its tag's last number increased (`nginx:1.10` → `nginx:1.11`), for the tour's
/// update step; an image without a numbered tag is returned as it is.
pub fn next_image(image: &str) -> String {
    let tag_at = image
        .rfind(':')
        .filter(|&i| !image[i..].contains('/'))
        .map(|i| i + 1);
    let Some(start) = tag_at else {
        return image.to_string();
    };
    let tag = &image[start..];
    let digits = tag.len() - tag.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return image.to_string();
    }
    let (head, number) = image.split_at(image.len() - digits);
    match number.parse::<u64>() {
        Ok(n) => format!("{head}{}", n + 1),
        Err(_) => image.to_string(),
    }
}

/// The simulated clock as `HH:MM:SS` since the cluster started.
pub fn clock(now: Time) -> String {
    let s = (now.millis() - kubeplay_engine::EPOCH.millis()).max(0) / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// Pieces that differ between two states of a node: pods added, removed or changed.
fn changed_pieces(from: &NodeView, to: &NodeView) -> usize {
    let before: std::collections::HashMap<&str, &PodView> =
        from.pods.iter().map(|p| (p.name.as_str(), &**p)).collect();
    let kept = to
        .pods
        .iter()
        .filter(|p| before.get(p.name.as_str()) == Some(&&***p))
        .count();
    // Changed or added pods, plus removed ones.
    (to.pods.len() - kept) + (from.pods.len() - kept)
}

/// `shown` moved towards `target`: whole nodes at a time, starting at node `from` (round robin),
/// until about `budget` pieces changed; everything but the nodes comes from `target`.
/// Returns the board and whether it is `target` in full.
pub fn stage(shown: &Board, target: &Board, budget: usize, from: usize) -> (Board, bool) {
    let same_nodes = shown.nodes.len() == target.nodes.len()
        && shown
            .nodes
            .iter()
            .zip(&target.nodes)
            .all(|(a, b)| a.name == b.name);
    let mut board = target.clone();
    if !same_nodes {
        return (board, true);
    }
    let n = target.nodes.len();
    let mut spent = 0;
    let mut done = true;
    for k in 0..n {
        let i = (from + k) % n;
        let (old, new) = (&shown.nodes[i], &target.nodes[i]);
        if Rc::ptr_eq(old, new) || **old == **new {
            continue;
        }
        let cost = changed_pieces(old, new);
        // A node is taken whole; the first changed node always is, so staging always advances.
        if spent > 0 && spent + cost > budget {
            board.nodes[i] = old.clone();
            done = false;
        } else {
            spent += cost;
        }
    }
    (board, done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_api::parse_documents;
    use kubeplay_engine::ClusterConfig;

    fn node(name: &str, pods: &[(&str, &str)]) -> Rc<NodeView> {
        Rc::new(NodeView {
            name: name.into(),
            status: "Ready".into(),
            ready: true,
            cordoned: false,
            zone: None,
            taints: vec![],
            cpu_allocatable_millis: 4000,
            memory_allocatable_bytes: 8 << 30,
            cpu_requested_millis: 0,
            memory_requested_bytes: 0,
            pods_allocatable: 110,
            pods: pods
                .iter()
                .map(|(name, status)| {
                    Rc::new(PodView {
                        name: name.to_string(),
                        namespace: "default".into(),
                        node: String::new(),
                        phase: "Running".into(),
                        ready: true,
                        status: status.to_string(),
                        ready_text: "1/1".into(),
                        restarts: 0,
                        owner: "web".into(),
                        version: "1".into(),
                        image: "nginx".into(),
                        revision: Some(1),
                        cpu_millis: 100,
                        memory_bytes: 1 << 20,
                        best_effort: false,
                        terminating: false,
                        serving: true,
                        hue: 200,
                    })
                })
                .collect(),
            fragmented: false,
            eviction_in_ms: None,
        })
    }

    fn board_of(nodes: Vec<Rc<NodeView>>) -> Board {
        Board {
            now: Time(0),
            nodes,
            pending: vec![],
            deployments: vec![],
            services: vec![],
            scheduler_configured: false,
        }
    }

    #[test]
    fn changed_pieces_counts_added_removed_and_changed() {
        let a = node(
            "n",
            &[("p1", "Running"), ("p2", "Running"), ("p3", "Running")],
        );
        for (pods, want) in [
            (
                vec![("p1", "Running"), ("p2", "Running"), ("p3", "Running")],
                0,
            ),
            (
                vec![("p1", "Running"), ("p2", "Terminating"), ("p3", "Running")],
                2,
            ),
            (vec![("p1", "Running"), ("p2", "Running")], 1),
            (
                vec![
                    ("p1", "Running"),
                    ("p2", "Running"),
                    ("p3", "Running"),
                    ("p4", "Pending"),
                ],
                1,
            ),
            (vec![], 3),
        ] {
            assert_eq!(changed_pieces(&a, &node("n", &pods)), want, "{pods:?}");
        }
    }

    #[test]
    fn staging_spends_its_budget_node_by_node_and_always_progresses() {
        let old = board_of((0..4).map(|i| node(&format!("n{i}"), &[])).collect());
        let busy: Vec<(String, &str)> = (0..10).map(|i| (format!("p{i}"), "Running")).collect();
        let busy: Vec<(&str, &str)> = busy.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let new = board_of((0..4).map(|i| node(&format!("n{i}"), &busy)).collect());
        // 10 pieces per node: a budget of 25 takes two nodes, starting where asked.
        let (staged, done) = stage(&old, &new, 25, 3);
        assert!(!done);
        let taken: Vec<bool> = staged.nodes.iter().map(|n| n.pods.len() == 10).collect();
        assert_eq!(taken, [true, false, false, true]);
        // A budget smaller than one node still takes the first changed node.
        let (staged, done) = stage(&old, &new, 1, 0);
        assert!(!done);
        assert_eq!(
            staged.nodes.iter().filter(|n| n.pods.len() == 10).count(),
            1
        );
        // Enough budget: the target whole.
        let (staged, done) = stage(&old, &new, 40, 0);
        assert!(done);
        assert_eq!(staged, new);
        // A node added or removed: no staging.
        let fewer = board_of(new.nodes[..3].to_vec());
        assert!(stage(&old, &fewer, 1, 0).1);
    }

    #[test]
    fn next_image_bumps_the_tags_last_number() {
        for (image, want) in [
            ("nginx:1.10", "nginx:1.11"),
            ("nginx:1.9", "nginx:1.10"),
            ("redis:7", "redis:8"),
            ("nginx", "nginx"),
            ("nginx:latest", "nginx:latest"),
            ("registry:5000/app", "registry:5000/app"),
            ("registry:5000/app:v2", "registry:5000/app:v3"),
            ("app:1.27-alpine", "app:1.27-alpine"),
        ] {
            assert_eq!(next_image(image), want, "{image}");
        }
    }

    #[test]
    fn tour_follows_the_cluster() {
        let mut c = Cluster::new(ClusterConfig::default());
        apply(
            &mut c,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\nstatus:\n  allocatable: {cpu: '4', memory: 8Gi, pods: '110'}\n",
        );
        c.run_until(Time(c.now().millis() + 2_000));
        let steps = tour(&board(&c));
        let done: Vec<bool> = steps.iter().map(|s| s.done).collect();
        assert_eq!(done, [false; 6]);
        assert_eq!(
            steps[0].command,
            "kubectl create deployment nginx --image=nginx:1.10 --replicas=5"
        );
        assert_eq!(steps[4].command, "node fail node-1");
        apply(
            &mut c,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.12\n",
        );
        c.run_until(Time(c.now().millis() + 30_000));
        let steps = tour(&board(&c));
        assert!(steps[0].done && !steps[1].done);
        assert_eq!(steps[1].command, "kubectl expose deployment web --port=80");
        assert_eq!(
            steps[3].command,
            "kubectl set image deployment/web app=nginx:1.13"
        );
        // kubectl's events, newest first, with its OBJECT column.
        let events = recent_events(&c, 50);
        assert!(events
            .iter()
            .any(|e| e.reason == "Scheduled" && e.object.starts_with("pod/web-")));
        assert!(events
            .iter()
            .any(|e| e.reason == "ScalingReplicaSet" && e.object == "deployment/web"));
        assert_eq!(recent_events(&c, 2).len(), 2);
    }

    #[test]
    fn a_failed_nodes_eviction_countdown() {
        let mut c = Cluster::new(ClusterConfig::default());
        apply(
            &mut c,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\nstatus:\n  allocatable: {cpu: '4', memory: 8Gi, pods: '110'}\n",
        );
        apply(
            &mut c,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.12\n",
        );
        let at = |c: &Cluster, s: i64| Time(c.now().millis() + s * 1000);
        c.run_until(at(&c, 30));
        assert_eq!(board(&c).nodes[0].eviction_in_ms, None);
        c.fail_node("node-1").unwrap();
        c.run_until(at(&c, 100));
        let n = &board(&c).nodes[0];
        assert!(!n.ready);
        // Tainted about 40 s after the failure; the pods' default toleration is 300 s.
        let left = n.eviction_in_ms.expect("a countdown");
        assert!((200_000..=300_000).contains(&left), "{left}");
        c.run_until(at(&c, left / 1000 + 5));
        assert_eq!(
            board(&c).nodes[0].eviction_in_ms,
            None,
            "evicted: nothing left to count"
        );
    }

    #[test]
    fn natural_order() {
        use std::cmp::Ordering::*;
        for (a, b, want) in [
            ("node-2", "node-10", Less),
            ("node-10", "node-2", Greater),
            ("node-2", "node-2", Equal),
            ("node-02", "node-2", Less), // equal as numbers: plain order decides
            ("a", "node-1", Less),
            ("node-1", "node-1a", Less),
            ("node-9-b", "node-10-a", Less),
            ("", "node", Less),
            (
                "worker-99999999999999999999",
                "worker-100000000000000000000",
                Less,
            ),
        ] {
            assert_eq!(natural_cmp(a, b), want, "{a} vs {b}");
        }
    }

    fn apply(c: &mut Cluster, yaml: &str) {
        for v in parse_documents(yaml).unwrap() {
            c.apply(Object::from_value(v).unwrap()).unwrap();
        }
    }

    #[test]
    fn wells_pieces_and_fragmentation() {
        let mut c = Cluster::new(ClusterConfig::default());
        apply(&mut c, "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  capacity:\n    cpu: \"2\"\n    memory: 4Gi\n");
        let pod = |name: &str, cpu: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: {cpu}\n        memory: 1Gi\n---\n")
        };
        apply(&mut c, &pod("a", "1500m"));
        c.advance(10_000);
        apply(&mut c, &pod("b", "1"));
        c.advance(10_000);
        let b = board(&c);
        assert_eq!(b.nodes.len(), 1);
        let n = &b.nodes[0];
        assert_eq!(
            (n.cpu_allocatable_millis, n.cpu_requested_millis),
            (2000, 1500)
        );
        assert_eq!(n.pods.len(), 1);
        assert_eq!(n.pods[0].status, "Running");
        assert_eq!(b.pending.len(), 1);
        assert_eq!(b.pending[0].name, "b");
        assert!(n.fragmented, "500m left, but the pending pod needs 1 CPU");
        assert_eq!(clock(c.now()), "00:00:20");
    }
}

/// The scheduler inspector's view of one pod: per node, every filter's verdict, every score
/// plugin's raw and weighted score, the total, and in plain words why a node lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    pub pod: String,
    pub scheduler: String,
    pub selected: Option<String>,
    /// For a pod no node fits: the scheduler's FitError text.
    pub unschedulable: Option<String>,
    /// The score plugins that ran, in name order.
    pub plugins: Vec<String>,
    pub nodes: Vec<NodeVerdict>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeVerdict {
    pub node: String,
    /// (plugin, "passed" or the reason).
    pub filters: Vec<(String, String)>,
    pub passed: bool,
    /// Per score plugin in `Inspection::plugins` order: (raw, normalised × weight).
    pub scores: Vec<(Option<i64>, Option<i64>)>,
    pub total: Option<i64>,
    pub chosen: bool,
    /// Why this node did not get the pod, in plain words (None for the chosen one).
    pub why_not: Option<String>,
}

type Results = BTreeMap<String, BTreeMap<String, String>>;

fn parse_results(pod: &Pod, key: &str) -> Results {
    pod.metadata
        .annotations
        .get(key)
        .and_then(|s| serde_json::from_str::<Results>(s).ok())
        .unwrap_or_default()
}

/// Reads the decision the scheduler recorded on a pod (kube-scheduler-simulator's annotations).
pub fn inspect(cluster: &Cluster, namespace: &str, name: &str) -> Option<Inspection> {
    let Ok(Object::Pod(pod)) = cluster.get(Kind::Pod, namespace, name) else {
        return None;
    };
    let filter = parse_results(pod, "scheduler-simulator/filter-result");
    let score = parse_results(pod, "scheduler-simulator/score-result");
    let final_score = parse_results(pod, "scheduler-simulator/finalscore-result");
    let selected = pod
        .metadata
        .annotations
        .get("scheduler-simulator/selected-node")
        .cloned();
    let unschedulable = pod
        .condition("PodScheduled")
        .filter(|c| c.status == "False")
        .map(|c| c.message.clone());
    let mut plugins: Vec<String> = final_score
        .values()
        .flat_map(|m| m.keys().cloned())
        .collect();
    plugins.sort();
    plugins.dedup();
    let mut nodes: Vec<NodeVerdict> = Vec::new();
    let totals: BTreeMap<&String, i64> = final_score
        .iter()
        .map(|(n, m)| (n, m.values().filter_map(|v| v.parse::<i64>().ok()).sum()))
        .collect();
    let best = totals.values().copied().max();
    for (node, verdicts) in &filter {
        let filters: Vec<(String, String)> = verdicts
            .iter()
            .map(|(p, v)| (p.clone(), v.clone()))
            .collect();
        let passed = filters.iter().all(|(_, v)| v == "passed");
        let scores: Vec<(Option<i64>, Option<i64>)> = plugins
            .iter()
            .map(|p| {
                let raw = score
                    .get(node)
                    .and_then(|m| m.get(p))
                    .and_then(|v| v.parse().ok());
                let fin = final_score
                    .get(node)
                    .and_then(|m| m.get(p))
                    .and_then(|v| v.parse().ok());
                (raw, fin)
            })
            .collect();
        let total = totals.get(node).copied();
        let chosen = selected.as_deref() == Some(node.as_str());
        let why_not = if chosen {
            None
        } else if !passed {
            let reasons: Vec<String> = filters
                .iter()
                .filter(|(_, v)| v != "passed")
                .map(|(p, v)| format!("{p}: {v}"))
                .collect();
            Some(format!("filtered out — {}", reasons.join("; ")))
        } else if let (Some(t), Some(b), Some(sel)) = (total, best, selected.as_ref()) {
            // The plugin where this node lost the most against the winner.
            let winner = final_score.get(sel);
            let gap = plugins
                .iter()
                .filter_map(|p| {
                    let w = winner
                        .and_then(|m| m.get(p))
                        .and_then(|v| v.parse::<i64>().ok())?;
                    let mine = final_score
                        .get(node)
                        .and_then(|m| m.get(p))
                        .and_then(|v| v.parse::<i64>().ok())?;
                    Some((w - mine, p.clone()))
                })
                .max();
            match gap {
                _ if t == b => Some(format!(
                    "tied at {t} with {sel}; the tie was broken at random"
                )),
                Some((g, p)) if g > 0 => {
                    Some(format!("scored {t} against {b}; lost most on {p} (−{g})"))
                }
                _ => Some(format!("scored {t} against {b}")),
            }
        } else if selected.is_some() && plugins.is_empty() {
            Some("only one node passed the filters, so nothing was scored".into())
        } else {
            None
        };
        nodes.push(NodeVerdict {
            node: node.clone(),
            filters,
            passed,
            scores,
            total,
            chosen,
            why_not,
        });
    }
    let scheduler = if pod.spec.scheduler_name.is_empty() {
        "default-scheduler".into()
    } else {
        pod.spec.scheduler_name.clone()
    };
    Some(Inspection {
        pod: pod.metadata.name.clone(),
        scheduler,
        selected,
        unschedulable,
        plugins,
        nodes,
    })
}

#[cfg(test)]
mod inspector_tests {
    use super::*;
    use kubeplay_api::parse_documents;
    use kubeplay_engine::ClusterConfig;

    #[test]
    fn explains_the_choice_and_the_losers() {
        let mut c = Cluster::new(ClusterConfig::default());
        let nodes = "apiVersion: v1\nkind: Node\nmetadata:\n  name: big\nstatus:\n  capacity:\n    cpu: \"8\"\n    memory: 16Gi\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: small\nstatus:\n  capacity:\n    cpu: \"1\"\n    memory: 2Gi\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: tiny\nstatus:\n  capacity:\n    cpu: 100m\n    memory: 1Gi\n";
        for v in parse_documents(nodes).unwrap() {
            c.apply(Object::from_value(v).unwrap()).unwrap();
        }
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 500m\n        memory: 256Mi\n";
        c.apply(Object::from_value(parse_documents(pod).unwrap().remove(0)).unwrap())
            .unwrap();
        c.advance(2_000);
        let i = inspect(&c, "default", "p").unwrap();
        assert_eq!(i.selected.as_deref(), Some("big"));
        let tiny = i.nodes.iter().find(|n| n.node == "tiny").unwrap();
        assert!(!tiny.passed);
        assert_eq!(
            tiny.why_not.as_deref(),
            Some("filtered out — NodeResourcesFit: Insufficient cpu")
        );
        let small = i.nodes.iter().find(|n| n.node == "small").unwrap();
        assert!(
            small.passed && small.why_not.as_deref().unwrap().starts_with("scored "),
            "{small:?}"
        );
        assert!(i.nodes.iter().find(|n| n.node == "big").unwrap().chosen);
    }
}
