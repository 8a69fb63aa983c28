//! Traffic, the controllers' recent decisions and kubectl's events, for the side panels, and
//! the requests the board draws as dots.

use std::collections::BTreeMap;

use kubeplay_api::{Kind, Object, Time};
use kubeplay_engine::{Activity, Cluster, FailureCause, FailureCounts, TrafficSample};

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

/// Failed requests by cause over all the traffic kept (the last hour): the split of
/// `traffic_totals`' failed.
pub fn traffic_failures(cluster: &Cluster) -> FailureCounts {
    let mut all = FailureCounts::default();
    for s in cluster.traffic_samples() {
        all.merge(&s.failures);
    }
    all
}

/// How far back (simulated) the board looks for requests to draw: the engine counts a
/// generator's second at its end, so the newest requests are up to a second old when they
/// appear, and a view recomputed every half second must not miss a second.
const RECENT_REQUESTS_MS: i64 = 3_000;
/// At most this many requests are handed to the board in one view.
const RECENT_REQUESTS_MAX: usize = 96;

/// A Service drawn as an entry point above the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEntry {
    pub namespace: String,
    pub name: String,
    /// The generator's requests per second, while one runs.
    pub rps: Option<u32>,
}

/// One request the board draws as a dot from its Service to the pod that answered, or a burst
/// where it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestView {
    /// The engine's `RequestSample::seq`: new requests have higher ones.
    pub seq: u64,
    pub time: Time,
    pub namespace: String,
    pub service: String,
    /// The pod kube-proxy routed it to (found by its IP); `None` when there was no ready
    /// endpoint, or the pod is gone.
    pub pod: Option<String>,
    /// `None`: answered.
    pub failure: Option<FailureCause>,
}

impl RequestView {
    /// `ok`, or the cause's id (`no-endpoint`...): the dot's `data-outcome`.
    pub fn outcome(&self) -> &'static str {
        self.failure.map_or("ok", FailureCause::id)
    }
}

/// What the board needs to draw requests: the Services' entry points, the last seconds'
/// sampled requests, and the failures by cause (the traffic panel's totals).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestsView {
    /// Services with a generator running or a request among `recent`, by namespace and name.
    pub services: Vec<ServiceEntry>,
    /// Oldest first.
    pub recent: Vec<RequestView>,
    pub failures: FailureCounts,
}

/// The requests for the board, from the engine's sampled requests: at most
/// `RECENT_REQUESTS_MAX` of the last `RECENT_REQUESTS_MS`, each mapped from its pod IP to the
/// pod that has it now.
pub fn requests(cluster: &Cluster) -> RequestsView {
    let since = cluster.now().plus_millis(-RECENT_REQUESTS_MS);
    let sampled = cluster.sampled_requests();
    let fresh = sampled.iter().rev().take_while(|r| r.time >= since).count();
    let take = fresh.min(RECENT_REQUESTS_MAX);
    let recent_samples = sampled.iter().skip(sampled.len() - take);
    // Pod IPs to names, only when there is something to draw. A pod that has finished keeps
    // its IP in its status but gives it up: a live pod with the same IP wins.
    let mut by_ip: BTreeMap<&str, (bool, &str)> = BTreeMap::new();
    if take > 0 {
        for o in cluster.list(Kind::Pod, None, None) {
            let Object::Pod(p) = o else { continue };
            if p.status.pod_ip.is_empty() {
                continue;
            }
            let live = p.status.phase != "Succeeded" && p.status.phase != "Failed";
            let e = by_ip
                .entry(p.status.pod_ip.as_str())
                .or_insert((live, p.metadata.name.as_str()));
            if live && !e.0 {
                *e = (live, p.metadata.name.as_str());
            }
        }
    }
    let recent: Vec<RequestView> = recent_samples
        .map(|r| {
            let (namespace, service) = r.service.split_once('/').unwrap_or(("default", &r.service));
            RequestView {
                seq: r.seq,
                time: r.time,
                namespace: namespace.to_string(),
                service: service.to_string(),
                pod: r
                    .ip
                    .as_deref()
                    .and_then(|ip| by_ip.get(ip))
                    .map(|(_, name)| name.to_string()),
                failure: r.failure,
            }
        })
        .collect();
    let mut services: BTreeMap<(String, String), Option<u32>> = BTreeMap::new();
    for (key, rps) in cluster.traffic_generators() {
        let (ns, name) = key.split_once('/').unwrap_or(("default", key));
        services.insert((ns.to_string(), name.to_string()), Some(*rps));
    }
    for r in &recent {
        services
            .entry((r.namespace.clone(), r.service.clone()))
            .or_insert(None);
    }
    RequestsView {
        services: services
            .into_iter()
            .map(|((namespace, name), rps)| ServiceEntry {
                namespace,
                name,
                rps,
            })
            .collect(),
        recent,
        failures: traffic_failures(cluster),
    }
}

/// Failed requests in words, for the panel's totals: `12 failed: 9 no ready endpoint, 3
/// connection refused` (`0 failed` when none).
pub fn failures_text(failures: &FailureCounts) -> String {
    let parts: Vec<String> = failures
        .nonzero()
        .map(|(c, n)| format!("{n} {}", c.describe()))
        .collect();
    if parts.is_empty() {
        format!("{} failed", failures.total())
    } else {
        format!("{} failed: {}", failures.total(), parts.join(", "))
    }
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
