//! The disruption controller and the eviction API: each PodDisruptionBudget's status counts the
//! pods it selects (`expectedPods`; for `maxUnavailable` and percentages, the replicas their
//! controllers want), the healthy (Ready) ones, how many must stay healthy, and how many
//! evictions it allows now. An eviction (`kubectl drain`) is refused with 429 while a budget
//! that selects the pod allows none, and takes one from the budget when it goes through.

use std::collections::BTreeSet;

use kubeplay_api::core::Pod;
use kubeplay_api::meta::{Condition, IntOrString};
use kubeplay_api::policy::PodDisruptionBudget;
use kubeplay_api::{ApiError, Kind, Object};

use crate::store::Key;
use crate::{Cluster, Task};

/// `GetScaledValueFromIntOrPercent`, rounded up as the disruption controller does.
fn scaled(v: &IntOrString, total: i32) -> i32 {
    v.scaled_value(i64::from(total), true)
        .map_or(0, |n| n.clamp(0, i64::from(i32::MAX)) as i32)
}

impl Cluster {
    fn budget_pods(&self, pdb: &PodDisruptionBudget) -> Vec<&Pod> {
        let Some(sel) = &pdb.spec.selector else {
            return Vec::new();
        };
        self.store
            .list(Kind::Pod, Some(&pdb.metadata.namespace))
            .filter_map(|o| match o {
                Object::Pod(p) if sel.matches(&p.metadata.labels) && !p.is_terminating() => Some(p),
                _ => None,
            })
            .filter(|p| p.status.phase != "Succeeded" && p.status.phase != "Failed")
            .collect()
    }

    pub(crate) fn sync_disruption_budget(&mut self, ns: &str, name: &str) {
        let Some(Object::PodDisruptionBudget(mut pdb)) = self
            .store
            .get(&Key::new(Kind::PodDisruptionBudget, ns, name))
            .cloned()
        else {
            return;
        };
        let pods = self.budget_pods(&pdb);
        let healthy = pods.iter().filter(|p| p.is_ready()).count() as i32;
        let needs_scale = pdb.spec.max_unavailable.is_some()
            || matches!(pdb.spec.min_available, Some(IntOrString::String(_)));
        let expected = if needs_scale {
            // The replicas the pods' controllers want (`getExpectedScale`).
            let owners: BTreeSet<(String, String)> = pods
                .iter()
                .filter_map(|p| p.metadata.controller())
                .map(|r| (r.kind.clone(), r.name.clone()))
                .collect();
            let mut n = 0;
            for (kind, owner) in &owners {
                n += match (
                    kind.as_str(),
                    self.store.get(&Key::new(Kind::ReplicaSet, ns, owner)),
                ) {
                    ("ReplicaSet", Some(Object::ReplicaSet(rs))) => rs.replicas(),
                    _ => pods
                        .iter()
                        .filter(|p| p.metadata.controller().is_some_and(|r| r.name == *owner))
                        .count() as i32,
                };
            }
            n + pods
                .iter()
                .filter(|p| p.metadata.controller().is_none())
                .count() as i32
        } else {
            pods.len() as i32
        };
        let desired = match (&pdb.spec.min_available, &pdb.spec.max_unavailable) {
            (Some(min), _) => scaled(min, expected),
            (None, Some(max)) => (expected - scaled(max, expected)).max(0),
            (None, None) => expected,
        };
        let allowed = (healthy - desired).max(0);
        let now = self.now;
        let mut st = pdb.status.clone();
        st.observed_generation = pdb.metadata.generation;
        st.current_healthy = healthy;
        st.desired_healthy = desired;
        st.expected_pods = expected;
        st.disruptions_allowed = allowed;
        let (status, reason, message) = if allowed > 0 {
            ("True", "SufficientPods", "")
        } else {
            ("False", "InsufficientPods", "")
        };
        let changed = st
            .conditions
            .iter()
            .find(|c| c.type_ == "DisruptionAllowed")
            .is_none_or(|c| c.status != status);
        if changed {
            st.conditions.retain(|c| c.type_ != "DisruptionAllowed");
            st.conditions.push(Condition {
                type_: "DisruptionAllowed".into(),
                status: status.into(),
                reason: reason.into(),
                message: message.into(),
                last_transition_time: Some(now),
                ..Default::default()
            });
        }
        if st != pdb.status {
            pdb.status = st;
            self.store.put(Object::PodDisruptionBudget(pdb), now);
        }
    }

    /// Budgets of the pod's namespace that select it, for their sync after a pod changes.
    pub(crate) fn budgets_selecting(&self, pod: &Pod) -> Vec<String> {
        self.store
            .list(Kind::PodDisruptionBudget, Some(&pod.metadata.namespace))
            .filter_map(|o| match o {
                Object::PodDisruptionBudget(b)
                    if b.spec
                        .selector
                        .as_ref()
                        .is_some_and(|s| s.matches(&pod.metadata.labels)) =>
                {
                    Some(b.metadata.name.clone())
                }
                _ => None,
            })
            .collect()
    }

    /// `POST pods/NAME/eviction`: deletes the pod gracefully unless a PodDisruptionBudget that
    /// selects it allows no disruption now (429 TooManyRequests, as the API server answers; the
    /// client retries). A pod that is not Ready may go when its budget is met anyway
    /// (`IfHealthyBudget`), or always (`AlwaysAllow`).
    pub fn evict(&mut self, namespace: &str, name: &str) -> Result<(), ApiError> {
        self.authorize(&crate::rbac::Attributes {
            subresource: "eviction".into(),
            name: name.into(),
            ..crate::rbac::Attributes::resource("create", "", "pods", namespace)
        })?;
        let key = Key::new(Kind::Pod, namespace, name);
        let Some(Object::Pod(pod)) = self.store.get(&key).cloned() else {
            return Err(ApiError::not_found("pods", name));
        };
        if pod.is_terminating() {
            return Ok(());
        }
        let budgets: Vec<PodDisruptionBudget> = self
            .budgets_selecting(&pod)
            .iter()
            .filter_map(|b| {
                match self
                    .store
                    .get(&Key::new(Kind::PodDisruptionBudget, namespace, b))
                {
                    Some(Object::PodDisruptionBudget(b)) => Some(b.clone()),
                    _ => None,
                }
            })
            .collect();
        if budgets.len() > 1 {
            return Err(ApiError {
                reason: kubeplay_api::Reason::Invalid,
                message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
            });
        }
        if let Some(mut b) = budgets.into_iter().next() {
            let unhealthy_ok = !pod.is_ready()
                && (b.spec.unhealthy_pod_eviction_policy.as_deref() == Some("AlwaysAllow")
                    || b.status.current_healthy >= b.status.desired_healthy);
            if !unhealthy_ok {
                if b.status.disruptions_allowed <= 0 {
                    return Err(ApiError::too_many_requests(
                        "Cannot evict pod as it would violate the pod's disruption budget.".into(),
                    ));
                }
                b.status.disruptions_allowed -= 1;
                let bname = b.metadata.name.clone();
                self.store.put(Object::PodDisruptionBudget(b), self.now);
                self.schedule_in(
                    crate::delays::CONTROLLER,
                    Task::SyncDisruptionBudget(namespace.into(), bname),
                );
            }
        }
        self.record(
            "eviction",
            format!("Pod {namespace}/{name}"),
            "evicted".into(),
        );
        self.delete_pod_gracefully(&key, None);
        self.dispatch();
        Ok(())
    }
}
