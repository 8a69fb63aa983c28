//! Traffic, the controllers' recent decisions and kubectl's events, for the side panels.

use kubeplay_api::{Kind, Object};
use kubeplay_engine::{Activity, Cluster, TrafficSample};

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
