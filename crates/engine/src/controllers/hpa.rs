//! The horizontal pod autoscaler controller, every 15 s (`--horizontal-pod-autoscaler-sync-period`)
//! while an autoscaler exists: the CPU use of the target's ready pods (from `metrics.rs`) over
//! their requests, against the target; upstream's replica calculation (tolerance 0.1; pods not yet
//! ready count as 0% when scaling up, pods without metrics as 100% down and 0% up), then the
//! behavior: stabilization windows (none up, 5 min down by default) and rate limits (by default
//! up to 4 pods or double every 15 s up, all at once down), within min and max replicas.

use std::collections::BTreeMap;

use kubeplay_api::autoscaling::{
    HorizontalPodAutoscaler, MetricStatus, MetricValueStatus, ResourceMetricStatus, ScalingPolicy,
    ScalingRules,
};
use kubeplay_api::meta::Condition;
use kubeplay_api::{Kind, LabelSelector, Object, Pod, Quantity, Time};

use crate::store::Key;
use crate::{Cluster, Task};

pub(crate) const SYNC_PERIOD_MS: i64 = 15_000;
const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-cpu-initialization-period`.
const CPU_INITIALIZATION_MS: i64 = 300_000;
const COMPONENT: &str = "horizontal-pod-autoscaler";
const CPU_UTILIZATION: &str = "cpu resource utilization (percentage of request)";
const CPU_VALUE: &str = "cpu resource";

/// Per autoscaler (by uid): its recent recommendations and the scale changes it made.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) ticking: bool,
    recommendations: BTreeMap<String, Vec<(Time, i32)>>,
    events: BTreeMap<String, Vec<(Time, i32)>>,
}

fn default_rules(up: bool) -> ScalingRules {
    let policy = |type_: &str, value| ScalingPolicy {
        type_: type_.into(),
        value,
        period_seconds: 15,
    };
    ScalingRules {
        stabilization_window_seconds: Some(if up { 0 } else { 300 }),
        select_policy: Some("Max".into()),
        policies: if up {
            vec![policy("Pods", 4), policy("Percent", 100)]
        } else {
            vec![policy("Percent", 100)]
        },
        extra: Default::default(),
    }
}

/// The rules in force: the spec's, with upstream's defaults for what it leaves out.
fn rules(h: &HorizontalPodAutoscaler, up: bool) -> ScalingRules {
    let given = h.spec.behavior.as_ref().and_then(|b| {
        if up {
            b.scale_up.clone()
        } else {
            b.scale_down.clone()
        }
    });
    let mut r = default_rules(up);
    if let Some(g) = given {
        if g.stabilization_window_seconds.is_some() {
            r.stabilization_window_seconds = g.stabilization_window_seconds;
        }
        if g.select_policy.is_some() {
            r.select_policy = g.select_policy;
        }
        if !g.policies.is_empty() {
            r.policies = g.policies;
        }
    }
    r
}

/// How many replicas the scale events in `period` added (up) or removed (down).
fn changed_in_period(events: &[(Time, i32)], now: Time, period_s: i32, up: bool) -> i32 {
    let since = now.plus_millis(-i64::from(period_s) * 1000);
    events
        .iter()
        .filter(|(t, _)| *t > since)
        .map(|(_, d)| if up { (*d).max(0) } else { (-*d).max(0) })
        .sum()
}

/// `calculateScaleUpLimitWithScalingRules` / `calculateScaleDownLimitWithBehaviors`.
fn rate_limit(
    rules: &ScalingRules,
    events: &[(Time, i32)],
    current: i32,
    now: Time,
    up: bool,
) -> i32 {
    let select = rules.select_policy.as_deref().unwrap_or("Max");
    if select == "Disabled" {
        return current;
    }
    let mut limits = rules.policies.iter().map(|p| {
        let start = if up {
            current - changed_in_period(events, now, p.period_seconds, true)
        } else {
            current + changed_in_period(events, now, p.period_seconds, false)
        };
        let start = f64::from(start.max(0));
        match (p.type_.as_str(), up) {
            ("Pods", true) => start as i32 + p.value,
            ("Pods", false) => start as i32 - p.value,
            (_, true) => (start * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32,
            (_, false) => (start * (1.0 - f64::from(p.value) / 100.0)).ceil() as i32,
        }
    });
    let first = limits.next().unwrap_or(current);
    let pick = |a: i32, b: i32| match (select, up) {
        ("Min", true) | ("Max", false) => a.min(b),
        _ => a.max(b),
    };
    limits.fold(first, pick)
}

/// What the controller found for one sync.
struct Reading {
    desired: i32,
    /// averageUtilization (percent) and averageValue (millicores) over the ready pods.
    utilization: Option<i32>,
    average_milli: i64,
    metric_name: &'static str,
}

impl Cluster {
    pub(crate) fn start_autoscalers(&mut self) {
        if !self.autoscaling.ticking {
            self.autoscaling.ticking = true;
            self.schedule_in(SYNC_PERIOD_MS, Task::SyncAutoscalers);
        }
    }

    pub(crate) fn sync_autoscalers(&mut self) {
        let all: Vec<(String, String)> = self
            .store
            .list(Kind::HorizontalPodAutoscaler, None)
            .map(|o| (o.namespace().to_string(), o.name().to_string()))
            .collect();
        if all.is_empty() {
            self.autoscaling.ticking = false;
            return;
        }
        for (ns, name) in all {
            self.sync_autoscaler(&ns, &name);
        }
        self.schedule_in(SYNC_PERIOD_MS, Task::SyncAutoscalers);
    }

    /// The target's replicas and pod selector, or the error upstream's scale client gives.
    fn scale_of(&self, h: &HorizontalPodAutoscaler) -> Result<(Kind, i32, LabelSelector), String> {
        let r = &h.spec.scale_target_ref;
        let ns = &h.metadata.namespace;
        let kind = match r.kind.as_str() {
            "Deployment" => Kind::Deployment,
            "ReplicaSet" => Kind::ReplicaSet,
            "StatefulSet" => Kind::StatefulSet,
            other => return Err(format!("no matches for kind \"{other}\" in group \"\"")),
        };
        match self.store.get(&Key::new(kind, ns, &r.name)) {
            Some(Object::Deployment(d)) => Ok((kind, d.replicas(), d.spec.selector.clone())),
            Some(Object::ReplicaSet(rs)) => Ok((kind, rs.replicas(), rs.spec.selector.clone())),
            Some(Object::StatefulSet(s)) => Ok((kind, s.replicas(), s.spec.selector.clone())),
            _ => Err(format!(
                "{} \"{}\" not found",
                kind.qualified_plural(),
                r.name
            )),
        }
    }

    /// upstream's `GetResourceReplicas` for CPU, as utilization or as an average value.
    fn cpu_replicas(
        &self,
        h: &HorizontalPodAutoscaler,
        current: i32,
        pods: &[&Pod],
    ) -> Result<Reading, String> {
        let Some(target) = h.cpu_target() else {
            return Err(
                "the playground measures cpu only: no cpu Resource metric in spec.metrics".into(),
            );
        };
        let now = self.now;
        // Requests, and who has metrics and is ready.
        let mut requests: BTreeMap<&str, i64> = BTreeMap::new();
        let mut usage: BTreeMap<&str, i64> = BTreeMap::new();
        let (mut unready, mut missing) = (Vec::new(), Vec::new());
        for p in pods {
            let name = p.metadata.name.as_str();
            let mut req = 0;
            for c in &p.spec.containers {
                match c.resources.requests.get("cpu") {
                    Some(q) => req += q.milli_value(),
                    None if target.type_ == "Utilization" => {
                        return Err(format!(
                            "failed to get cpu utilization: missing request for cpu in container {} of Pod {name}",
                            c.name
                        ))
                    }
                    None => {}
                }
            }
            requests.insert(name, req);
            if p.status.phase == "Pending" {
                unready.push(name);
                continue;
            }
            let Some((cpu, _)) = self.pod_usage(p) else {
                missing.push(name);
                continue;
            };
            let ready = p.condition("Ready");
            let started = p.status.start_time.unwrap_or(now);
            let initializing = now.millis() - started.millis() < CPU_INITIALIZATION_MS;
            let not_ready = match ready {
                None => true,
                Some(c) if c.status != "True" => true,
                // Within the initialization period a pod counts only once a metrics window
                // has passed since it became ready.
                Some(c) => {
                    initializing
                        && c.last_transition_time.is_some_and(|t| {
                            now.millis() < t.millis() + crate::traffic::RATE_WINDOW_SECONDS * 1000
                        })
                }
            };
            if not_ready {
                unready.push(name);
            } else {
                usage.insert(name, cpu);
            }
        }
        if usage.is_empty() {
            return Err("failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API".into());
        }
        let sum = |m: &BTreeMap<&str, i64>, keys: &mut dyn Iterator<Item = &&str>| -> i64 {
            keys.filter_map(|k| m.get(*k)).sum()
        };
        let used: i64 = usage.values().sum();
        let requested: i64 = sum(&requests, &mut usage.keys());
        let ready_count = usage.len() as f64;
        let utilization = (requested > 0).then(|| (used * 100 / requested) as i32);
        let average_milli = used / usage.len() as i64;
        // The ratio of use to target, from the given per-pod figures.
        let ratio_of = |used: i64, requested: i64, count: f64| -> f64 {
            match target.type_.as_str() {
                "Utilization" => {
                    let want = f64::from(target.average_utilization.unwrap_or(80));
                    if requested == 0 {
                        return 1.0;
                    }
                    (used as f64 * 100.0 / requested as f64) / want
                }
                _ => {
                    let want = target
                        .average_value
                        .as_ref()
                        .or(target.value.as_ref())
                        .map(Quantity::milli_value)
                        .unwrap_or(1)
                        .max(1) as f64;
                    (used as f64 / count.max(1.0)) / want
                }
            }
        };
        let ratio = ratio_of(used, requested, ready_count);
        let within = |r: f64| (1.0 - r).abs() <= TOLERANCE;
        let metric_name = if target.type_ == "Utilization" {
            CPU_UTILIZATION
        } else {
            CPU_VALUE
        };
        let reading = |desired| Reading {
            desired,
            utilization,
            average_milli,
            metric_name,
        };
        if missing.is_empty() && unready.is_empty() {
            if within(ratio) {
                return Ok(reading(current));
            }
            return Ok(reading((ratio * ready_count).ceil() as i32));
        }
        // Fill in the pods without a usable metric, in the direction that damps the change.
        let (mut used2, mut req2, mut count2) = (used, requested, ready_count);
        for name in &missing {
            let r = requests.get(name).copied().unwrap_or(0);
            if ratio < 1.0 {
                used2 += match target.type_.as_str() {
                    "Utilization" => r,
                    _ => target
                        .average_value
                        .as_ref()
                        .map(Quantity::milli_value)
                        .unwrap_or(0),
                };
            }
            req2 += r;
            count2 += 1.0;
        }
        if ratio > 1.0 {
            for name in &unready {
                req2 += requests.get(name).copied().unwrap_or(0);
                count2 += 1.0;
            }
        }
        let new_ratio = ratio_of(used2, req2, count2);
        if within(new_ratio) || (ratio > 1.0) != (new_ratio > 1.0) {
            return Ok(reading(current));
        }
        let desired = (new_ratio * count2).ceil() as i32;
        if (new_ratio < 1.0 && desired > current) || (new_ratio > 1.0 && desired < current) {
            return Ok(reading(current));
        }
        Ok(reading(desired))
    }

    pub(crate) fn sync_autoscaler(&mut self, ns: &str, name: &str) {
        let key = Key::new(Kind::HorizontalPodAutoscaler, ns, name);
        let Some(Object::HorizontalPodAutoscaler(h)) = self.store.get(&key).cloned() else {
            return;
        };
        let now = self.now;
        let uid = h.metadata.uid.clone();
        let about = Object::HorizontalPodAutoscaler(h.clone());
        let mut st = h.status.clone();
        st.observed_generation = h.metadata.generation;
        let set = |st: &mut kubeplay_api::autoscaling::HorizontalPodAutoscalerStatus,
                   type_: &str,
                   status: bool,
                   reason: &str,
                   message: String| {
            let status = if status { "True" } else { "False" };
            match st.conditions.iter_mut().find(|c| c.type_ == type_) {
                Some(c) if c.status == status && c.reason == reason && c.message == message => {}
                Some(c) => {
                    if c.status != status {
                        c.last_transition_time = Some(now);
                    }
                    c.status = status.into();
                    c.reason = reason.into();
                    c.message = message;
                }
                None => st.conditions.push(Condition {
                    type_: type_.into(),
                    status: status.into(),
                    reason: reason.into(),
                    message,
                    last_transition_time: Some(now),
                    ..Default::default()
                }),
            }
        };
        let (kind, current, selector) = match self.scale_of(&h) {
            Ok(s) => s,
            Err(e) => {
                self.event(
                    &about,
                    "Warning",
                    "FailedGetScale",
                    e.clone(),
                    COMPONENT,
                    "",
                );
                set(
                    &mut st,
                    "AbleToScale",
                    false,
                    "FailedGetScale",
                    format!("the HPA controller was unable to get the target's current scale: {e}"),
                );
                self.write_autoscaler_status(&key, st);
                return;
            }
        };
        let pods: Vec<Pod> = self
            .store
            .list(Kind::Pod, Some(ns))
            .filter_map(|o| match o {
                Object::Pod(p)
                    if selector.matches(&p.metadata.labels)
                        && !p.is_terminating()
                        && p.status.phase != "Failed"
                        && p.status.phase != "Succeeded" =>
                {
                    Some(p.clone())
                }
                _ => None,
            })
            .collect();
        st.current_replicas = pods.len() as i32;
        set(
            &mut st,
            "AbleToScale",
            true,
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale".into(),
        );
        if current == 0 {
            st.desired_replicas = 0;
            set(
                &mut st,
                "ScalingActive",
                false,
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero".into(),
            );
            self.write_autoscaler_status(&key, st);
            return;
        }
        let refs: Vec<&Pod> = pods.iter().collect();
        let reading = match self.cpu_replicas(&h, current, &refs) {
            Ok(r) => r,
            Err(e) => {
                self.event(
                    &about,
                    "Warning",
                    "FailedGetResourceMetric",
                    e.clone(),
                    COMPONENT,
                    "",
                );
                self.event(&about, "Warning", "FailedComputeMetricsReplicas", format!("invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: {e}"), COMPONENT, "");
                set(
                    &mut st,
                    "ScalingActive",
                    false,
                    "FailedGetResourceMetric",
                    format!("the HPA was unable to compute the replica count: {e}"),
                );
                st.current_metrics.clear();
                self.write_autoscaler_status(&key, st);
                return;
            }
        };
        st.current_metrics = vec![MetricStatus {
            type_: "Resource".into(),
            resource: Some(ResourceMetricStatus {
                name: "cpu".into(),
                current: MetricValueStatus {
                    average_utilization: reading.utilization,
                    average_value: Some(Quantity::from_milli(reading.average_milli)),
                },
            }),
        }];
        set(
            &mut st,
            "ScalingActive",
            true,
            "ValidMetricFound",
            format!(
                "the HPA was able to successfully calculate a replica count from {}",
                reading.metric_name
            ),
        );

        // Stabilization: the lowest recommendation of the up window, the highest of the down one.
        let (up_rules, down_rules) = (rules(&h, true), rules(&h, false));
        let recs = self
            .autoscaling
            .recommendations
            .entry(uid.clone())
            .or_default();
        let window =
            |r: &ScalingRules| i64::from(r.stabilization_window_seconds.unwrap_or(0).max(0)) * 1000;
        let (up_w, down_w) = (window(&up_rules), window(&down_rules));
        let mut up_rec = reading.desired;
        let mut down_rec = reading.desired;
        for (t, r) in recs.iter() {
            if now.millis() - t.millis() < up_w {
                up_rec = up_rec.min(*r);
            }
            if now.millis() - t.millis() < down_w {
                down_rec = down_rec.max(*r);
            }
        }
        let keep = up_w.max(down_w);
        recs.retain(|(t, _)| now.millis() - t.millis() < keep);
        recs.push((now, reading.desired));
        let stabilized = current.max(up_rec).min(down_rec);
        let able_reason = if stabilized == reading.desired {
            None
        } else if stabilized > reading.desired {
            Some(("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"))
        } else {
            Some(("ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation"))
        };

        // Rate limits and bounds.
        let events = self.autoscaling.events.entry(uid.clone()).or_default();
        events.retain(|(t, _)| now.millis() - t.millis() < 1_800_000);
        let (min, max) = (h.min_replicas(), h.spec.max_replicas.max(1));
        let mut desired = stabilized;
        let mut limited = (
            "DesiredWithinRange",
            "the desired count is within the acceptable range",
            false,
        );
        if desired > current {
            let up_limit = rate_limit(&up_rules, events, current, now, true).max(current);
            if desired > up_limit {
                desired = up_limit;
                limited = (
                    "ScaleUpLimit",
                    "the desired replica count is increasing faster than the maximum scale rate",
                    true,
                );
            }
            if desired > max {
                desired = max;
                limited = (
                    "TooManyReplicas",
                    "the desired replica count is more than the maximum replica count",
                    true,
                );
            }
        } else if desired < current {
            let down_limit = rate_limit(&down_rules, events, current, now, false).min(current);
            if desired < down_limit {
                desired = down_limit;
                limited = (
                    "ScaleDownLimit",
                    "the desired replica count is decreasing faster than the maximum scale rate",
                    true,
                );
            }
            if desired < min {
                desired = min;
                limited = (
                    "TooFewReplicas",
                    "the desired replica count is less than the minimum replica count",
                    true,
                );
            }
        }
        if desired > max {
            desired = max;
            limited = (
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count",
                true,
            );
        }
        if desired < min {
            desired = min;
            limited = (
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
                true,
            );
        }
        set(
            &mut st,
            "ScalingLimited",
            limited.2,
            limited.0,
            limited.1.into(),
        );
        st.desired_replicas = desired;
        if desired != current {
            let reason = if desired > current {
                format!("{} above target", reading.metric_name)
            } else {
                "All metrics below target".to_string()
            };
            if self.rescale(kind, ns, &h.spec.scale_target_ref.name, desired) {
                if let Some(ev) = self.autoscaling.events.get_mut(&uid) {
                    ev.push((now, desired - current));
                }
                self.event(
                    &about,
                    "Normal",
                    "SuccessfulRescale",
                    format!("New size: {desired}; reason: {reason}"),
                    COMPONENT,
                    "",
                );
                self.record(
                    COMPONENT,
                    format!("HorizontalPodAutoscaler {ns}/{name}"),
                    format!(
                        "scaled {} from {current} to {desired}: {reason}",
                        h.spec.scale_target_ref.name
                    ),
                );
                st.last_scale_time = Some(now);
                set(
                    &mut st,
                    "AbleToScale",
                    true,
                    "SucceededRescale",
                    format!("the HPA controller was able to update the target scale to {desired}"),
                );
            }
        } else {
            match able_reason {
                Some((reason, message)) => {
                    set(&mut st, "AbleToScale", true, reason, message.into())
                }
                None => set(
                    &mut st,
                    "AbleToScale",
                    true,
                    "ReadyForNewScale",
                    "recommended size matches current size".into(),
                ),
            }
        }
        self.write_autoscaler_status(&key, st);
    }

    /// Writes the target's `spec.replicas` (the scale subresource).
    fn rescale(&mut self, kind: Kind, ns: &str, name: &str, replicas: i32) -> bool {
        let Some(mut o) = self.store.get(&Key::new(kind, ns, name)).cloned() else {
            return false;
        };
        match &mut o {
            Object::Deployment(d) => d.spec.replicas = Some(replicas),
            Object::ReplicaSet(rs) => rs.spec.replicas = Some(replicas),
            Object::StatefulSet(s) => s.spec.replicas = Some(replicas),
            _ => return false,
        }
        self.update(o).is_ok()
    }

    fn write_autoscaler_status(
        &mut self,
        key: &Key,
        st: kubeplay_api::autoscaling::HorizontalPodAutoscalerStatus,
    ) {
        if let Some(Object::HorizontalPodAutoscaler(h)) = self.store.get(key) {
            if h.status != st {
                let mut h = h.clone();
                h.status = st;
                self.store.put(Object::HorizontalPodAutoscaler(h), self.now);
            }
        }
    }

    pub(crate) fn autoscaler_deleted(&mut self, uid: &str) {
        self.autoscaling.recommendations.remove(uid);
        self.autoscaling.events.remove(uid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (current, events as (seconds ago, change), up?) → the limit of the default rules.
    #[test]
    fn default_rate_limits() {
        let now = Time(1_000_000);
        let ago = |s: i64, d: i32| (now.plus_millis(-s * 1000), d);
        type Case = (i32, Vec<(Time, i32)>, bool, i32);
        let cases: &[Case] = &[
            // Up: 4 pods or double, whichever is more.
            (1, vec![], true, 5),
            (2, vec![], true, 6),
            (5, vec![], true, 10),
            // What was added in the last 15 s counts against the period's start.
            (6, vec![ago(10, 4)], true, 6),
            (6, vec![ago(20, 4)], true, 12),
            // Down: all at once (100% per 15 s).
            (8, vec![], false, 0),
            (5, vec![ago(5, -3)], false, 0),
        ];
        for (current, events, up, want) in cases {
            let r = default_rules(*up);
            assert_eq!(
                rate_limit(&r, events, *current, now, *up),
                *want,
                "current {current} events {events:?} up {up}"
            );
        }
    }

    #[test]
    fn policies_and_select() {
        let now = Time(1_000_000);
        let rules = |select: &str, policies: Vec<(&str, i32)>| ScalingRules {
            stabilization_window_seconds: None,
            select_policy: Some(select.into()),
            policies: policies
                .into_iter()
                .map(|(t, v)| ScalingPolicy {
                    type_: t.into(),
                    value: v,
                    period_seconds: 60,
                })
                .collect(),
            extra: Default::default(),
        };
        // Min picks the smaller change.
        assert_eq!(
            rate_limit(
                &rules("Min", vec![("Pods", 1), ("Percent", 50)]),
                &[],
                10,
                now,
                true
            ),
            11
        );
        assert_eq!(
            rate_limit(
                &rules("Max", vec![("Pods", 1), ("Percent", 50)]),
                &[],
                10,
                now,
                true
            ),
            15
        );
        // Down by 10% rounds up what stays: 10 → 9; Pods 2 → 8; Max lets the most go.
        assert_eq!(
            rate_limit(
                &rules("Max", vec![("Percent", 10), ("Pods", 2)]),
                &[],
                10,
                now,
                false
            ),
            8
        );
        assert_eq!(
            rate_limit(
                &rules("Min", vec![("Percent", 10), ("Pods", 2)]),
                &[],
                10,
                now,
                false
            ),
            9
        );
        assert_eq!(
            rate_limit(&rules("Disabled", vec![("Pods", 2)]), &[], 10, now, false),
            10
        );
    }
}
