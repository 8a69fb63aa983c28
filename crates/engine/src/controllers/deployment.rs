//! The Deployment controller: rolling updates and Recreate by upstream's arithmetic (§3, §5 of
//! KUBERNETES-SEMANTICS.md), revisions, proportional scaling, history clean-up, status and
//! conditions.

use std::collections::BTreeMap;

use kubeplay_api::apps::{
    DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL,
    REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
};
use kubeplay_api::core::PodTemplateSpec;
use kubeplay_api::meta::Condition;
use kubeplay_api::{
    Deployment, IntOrString, Kind, Object, ObjectMeta, OwnerReference, ReplicaSet, Time,
};

use crate::store::Key;
use crate::{Cluster, Task};

/// Upstream's fenceposts: `(maxSurge, maxUnavailable)` resolved against `desired` (§3.3).
pub(crate) fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i64,
) -> Result<(i64, i64), String> {
    let surge = match max_surge {
        Some(v) => v.scaled_value(desired, true)?,
        None => 0,
    };
    let unavailable = match max_unavailable {
        Some(v) => v.scaled_value(desired, false)?,
        None => 0,
    };
    if surge == 0 && unavailable == 0 {
        return Ok((0, 1));
    }
    Ok((surge, unavailable))
}

fn is_rolling(d: &Deployment) -> bool {
    d.spec.strategy.type_ != "Recreate"
}

/// `MaxSurge(d)`.
pub(crate) fn max_surge(d: &Deployment) -> i64 {
    if !is_rolling(d) {
        return 0;
    }
    let ru = d.spec.strategy.rolling_update.as_ref();
    resolve_fenceposts(
        ru.and_then(|r| r.max_surge.as_ref()),
        ru.and_then(|r| r.max_unavailable.as_ref()),
        d.replicas() as i64,
    )
    .map(|(s, _)| s)
    .unwrap_or(0)
}

/// `MaxUnavailable(d)`: clamped to replicas; 0 for Recreate or zero replicas.
pub(crate) fn max_unavailable(d: &Deployment) -> i64 {
    if !is_rolling(d) || d.replicas() == 0 {
        return 0;
    }
    let ru = d.spec.strategy.rolling_update.as_ref();
    resolve_fenceposts(
        ru.and_then(|r| r.max_surge.as_ref()),
        ru.and_then(|r| r.max_unavailable.as_ref()),
        d.replicas() as i64,
    )
    .map(|(_, u)| u.min(d.replicas() as i64))
    .unwrap_or(0)
}

/// `NewRSNewReplicas` (§3.4). `all_spec` is Σ spec.replicas over every RS including the new one.
pub(crate) fn new_rs_new_replicas(d: &Deployment, all_spec: i64, new_spec: i64) -> i64 {
    let replicas = d.replicas() as i64;
    if !is_rolling(d) {
        return replicas;
    }
    let max_total = replicas + max_surge(d);
    if all_spec >= max_total {
        return new_spec;
    }
    new_spec + (max_total - all_spec).min(replicas - new_spec)
}

/// FNV-32a over the template (as JSON, without the hash label) and the collision count, encoded
/// with upstream's `SafeEncodeString` alphabet: `nginx-7c9f8d5b4`-style names.
pub(crate) fn pod_template_hash(
    template: &PodTemplateSpec,
    collision_count: Option<i32>,
) -> String {
    let mut t = template.clone();
    t.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    let mut bytes = serde_json::to_vec(&t).unwrap_or_default();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|c| ALPHANUMS[c as usize % ALPHANUMS.len()] as char)
        .collect()
}

fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    b.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    a == b
}

fn spec(rs: &ReplicaSet) -> i64 {
    rs.replicas() as i64
}

impl Cluster {
    pub(crate) fn sync_deployment(&mut self, ns: &str, name: &str) {
        let Some(Object::Deployment(d)) = self
            .store
            .get(&Key::new(Kind::Deployment, ns, name))
            .cloned()
        else {
            return;
        };
        if d.metadata.deletion_timestamp.is_some() {
            return;
        }
        if d.spec.selector.is_empty() {
            self.event(
                &Object::Deployment(d),
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.".into(),
                "deployment-controller",
                "",
            );
            return;
        }
        let all = self.owned_replica_sets(&d);
        if d.spec.paused {
            self.scale_deployment(&d, &all);
            self.sync_deployment_status(ns, name, false);
            return;
        }
        if self.is_scaling_event(&d, &all) {
            self.scale_deployment(&d, &all);
            self.sync_deployment_status(ns, name, false);
            return;
        }
        if is_rolling(&d) {
            self.rollout_rolling(d);
        } else {
            self.rollout_recreate(d);
        }
    }

    fn owned_replica_sets(&self, d: &Deployment) -> Vec<ReplicaSet> {
        let mut v: Vec<ReplicaSet> = self
            .store
            .list(Kind::ReplicaSet, Some(&d.metadata.namespace))
            .filter_map(|o| match o {
                Object::ReplicaSet(rs)
                    if rs
                        .metadata
                        .controller()
                        .is_some_and(|r| r.uid == d.metadata.uid) =>
                {
                    Some(rs.clone())
                }
                _ => None,
            })
            .collect();
        // ReplicaSetsByCreationTimestamp: older first, then by name.
        v.sort_by(|a, b| {
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp)
                .then(a.metadata.name.cmp(&b.metadata.name))
        });
        v
    }

    /// `FindNewReplicaSet`: the oldest RS whose template equals the Deployment's.
    fn find_new_rs(d: &Deployment, all: &[ReplicaSet]) -> Option<ReplicaSet> {
        all.iter()
            .find(|rs| equal_ignore_hash(&rs.spec.template, &d.spec.template))
            .cloned()
    }

    /// `isScalingEvent`: an active RS's desired-replicas annotation differs from spec.replicas.
    fn is_scaling_event(&self, d: &Deployment, all: &[ReplicaSet]) -> bool {
        all.iter().filter(|rs| spec(rs) > 0).any(|rs| {
            rs.metadata
                .annotation(DESIRED_REPLICAS_ANNOTATION)
                .and_then(|v| v.parse::<i32>().ok())
                .is_some_and(|v| v != d.replicas())
        })
    }

    /// Finds or creates the new RS, bumping revisions as `getNewReplicaSet` does.
    fn get_new_replica_set(
        &mut self,
        d: &Deployment,
        all: &[ReplicaSet],
        create: bool,
    ) -> Option<ReplicaSet> {
        let max_old_revision = all
            .iter()
            .filter(|rs| !equal_ignore_hash(&rs.spec.template, &d.spec.template))
            .map(|rs| rs.revision())
            .max()
            .unwrap_or(0);
        let new_revision = max_old_revision + 1;
        let ns = d.metadata.namespace.clone();
        if let Some(mut rs) = Self::find_new_rs(d, all) {
            // Re-adopted (rollback or template reverted): move it to the newest revision.
            let old_rev = rs.revision();
            let mut changed = false;
            if old_rev < new_revision {
                if old_rev > 0 {
                    let hist = rs
                        .metadata
                        .annotations
                        .get(REVISION_HISTORY_ANNOTATION)
                        .cloned()
                        .unwrap_or_default();
                    let hist = if hist.is_empty() {
                        old_rev.to_string()
                    } else {
                        format!("{hist},{old_rev}")
                    };
                    rs.metadata
                        .annotations
                        .insert(REVISION_HISTORY_ANNOTATION.into(), hist);
                }
                rs.metadata
                    .annotations
                    .insert(REVISION_ANNOTATION.into(), new_revision.to_string());
                changed = true;
            }
            for (k, v) in copyable_annotations(&d.metadata) {
                if rs.metadata.annotations.get(&k) != Some(&v) {
                    rs.metadata.annotations.insert(k, v);
                    changed = true;
                }
            }
            if rs.spec.min_ready_seconds != d.spec.min_ready_seconds {
                rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
                changed = true;
            }
            if changed {
                self.store.put(Object::ReplicaSet(rs.clone()), self.now);
                self.set_deployment_revision(d, &rs.revision().to_string());
            }
            return Some(rs);
        }
        if !create {
            return None;
        }
        let hash = pod_template_hash(&d.spec.template, d.status.collision_count);
        let mut template = d.spec.template.clone();
        template
            .metadata
            .labels
            .insert(POD_TEMPLATE_HASH_LABEL.into(), hash.clone());
        let mut selector = d.spec.selector.clone();
        selector
            .match_labels
            .insert(POD_TEMPLATE_HASH_LABEL.into(), hash.clone());
        let name = format!("{}-{hash}", d.metadata.name);
        let mut meta = ObjectMeta::named(&ns, &name);
        meta.labels = template.metadata.labels.clone();
        meta.annotations = copyable_annotations(&d.metadata);
        meta.annotations
            .insert(REVISION_ANNOTATION.into(), new_revision.to_string());
        meta.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: d.metadata.name.clone(),
            uid: d.metadata.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        let all_spec: i64 = all.iter().map(spec).sum();
        let replicas = new_rs_new_replicas(d, all_spec, 0);
        meta.annotations
            .insert(DESIRED_REPLICAS_ANNOTATION.into(), d.replicas().to_string());
        meta.annotations.insert(
            MAX_REPLICAS_ANNOTATION.into(),
            (d.replicas() as i64 + max_surge(d)).to_string(),
        );
        let rs = ReplicaSet {
            metadata: meta,
            spec: kubeplay_api::apps::ReplicaSetSpec {
                replicas: Some(replicas as i32),
                min_ready_seconds: d.spec.min_ready_seconds,
                selector,
                template,
            },
            status: Default::default(),
        };
        match self.create(Object::ReplicaSet(rs)) {
            Ok(Object::ReplicaSet(rs)) => {
                self.event(
                    &Object::Deployment(d.clone()),
                    "Normal",
                    "ScalingReplicaSet",
                    format!("Scaled up replica set {name} from 0 to {replicas}"),
                    "deployment-controller",
                    "",
                );
                self.record("deployment-controller", format!("Deployment {ns}/{}", d.metadata.name), format!("new template: created ReplicaSet {name} (revision {new_revision}) with {replicas} replicas"));
                self.set_deployment_revision(d, &new_revision.to_string());
                self.set_progressing(
                    d,
                    "True",
                    "NewReplicaSetCreated",
                    format!("Created new replica set \"{name}\""),
                );
                Some(rs)
            }
            _ => None,
        }
    }

    fn set_deployment_revision(&mut self, d: &Deployment, rev: &str) {
        let key = Key::new(Kind::Deployment, &d.metadata.namespace, &d.metadata.name);
        if let Some(Object::Deployment(mut cur)) = self.store.get(&key).cloned() {
            if cur.metadata.annotation(REVISION_ANNOTATION) != Some(rev) {
                cur.metadata
                    .annotations
                    .insert(REVISION_ANNOTATION.into(), rev.into());
                self.store.put(Object::Deployment(cur), self.now);
            }
        }
    }

    /// Scales an RS, writing the desired/max-replicas annotations, with the controller's event.
    fn scale_replica_set(&mut self, d: &Deployment, rs: &ReplicaSet, to: i64, why: &str) -> bool {
        let key = Key::new(Kind::ReplicaSet, &rs.metadata.namespace, &rs.metadata.name);
        let Some(Object::ReplicaSet(mut cur)) = self.store.get(&key).cloned() else {
            return false;
        };
        let from = spec(&cur);
        let desired = d.replicas().to_string();
        let max = (d.replicas() as i64 + max_surge(d)).to_string();
        let annotations_ok = cur.metadata.annotation(DESIRED_REPLICAS_ANNOTATION)
            == Some(desired.as_str())
            && cur.metadata.annotation(MAX_REPLICAS_ANNOTATION) == Some(max.as_str());
        if from == to && annotations_ok {
            return false;
        }
        cur.spec.replicas = Some(to.max(0) as i32);
        cur.metadata
            .annotations
            .insert(DESIRED_REPLICAS_ANNOTATION.into(), desired);
        cur.metadata
            .annotations
            .insert(MAX_REPLICAS_ANNOTATION.into(), max);
        if from != to {
            cur.metadata.generation += 1;
        }
        let name = cur.metadata.name.clone();
        self.store.put(Object::ReplicaSet(cur), self.now);
        if from != to {
            let verb = if to > from { "up" } else { "down" };
            self.event(
                &Object::Deployment(d.clone()),
                "Normal",
                "ScalingReplicaSet",
                format!("Scaled {verb} replica set {name} from {from} to {to}"),
                "deployment-controller",
                "",
            );
            self.record(
                "deployment-controller",
                format!("Deployment {}/{}", d.metadata.namespace, d.metadata.name),
                format!("scaled {verb} ReplicaSet {name} from {from} to {to}: {why}"),
            );
        }
        true
    }

    fn rollout_rolling(&mut self, d: Deployment) {
        let (ns, name) = (d.metadata.namespace.clone(), d.metadata.name.clone());
        let all = self.owned_replica_sets(&d);
        let Some(new_rs) = self.get_new_replica_set(&d, &all, true) else {
            return;
        };
        let all = self.owned_replica_sets(&d);
        let old: Vec<ReplicaSet> = all
            .iter()
            .filter(|rs| rs.metadata.uid != new_rs.metadata.uid)
            .cloned()
            .collect();
        let new_rs = all
            .iter()
            .find(|rs| rs.metadata.uid == new_rs.metadata.uid)
            .cloned()
            .unwrap_or(new_rs);

        // reconcileNewReplicaSet
        let replicas = d.replicas() as i64;
        let new_spec = spec(&new_rs);
        if new_spec != replicas {
            let to = if new_spec > replicas {
                replicas
            } else {
                new_rs_new_replicas(&d, all.iter().map(spec).sum(), new_spec)
            };
            let surge = max_surge(&d);
            if to != new_spec
                && self.scale_replica_set(
                    &d,
                    &new_rs,
                    to,
                    &format!("new ReplicaSet toward {replicas} within maxSurge {surge}"),
                )
            {
                self.sync_deployment_status(&ns, &name, true);
                return;
            }
        }

        // reconcileOldReplicaSets
        let old_spec: i64 = old.iter().map(spec).sum();
        if old_spec > 0 {
            let min_available = replicas - max_unavailable(&d);
            let new_unavailable = spec(&new_rs) - new_rs.status.available_replicas as i64;
            let all_spec: i64 = all.iter().map(spec).sum();
            let max_scaled_down = all_spec - min_available - new_unavailable;
            if max_scaled_down > 0 {
                let mut scaled = 0i64;
                // cleanupUnhealthyReplicas: old RSs with unavailable pods go first.
                for rs in &old {
                    if scaled >= max_scaled_down {
                        break;
                    }
                    let s = spec(rs);
                    let avail = rs.status.available_replicas as i64;
                    if s == 0 || s == avail {
                        continue;
                    }
                    let n = (max_scaled_down - scaled).min(s - avail);
                    if self.scale_replica_set(&d, rs, s - n, "removing unhealthy old replicas") {
                        scaled += n;
                    }
                }
                // scaleDownOldReplicaSetsForRollingUpdate
                let all_now = self.owned_replica_sets(&d);
                let available: i64 = all_now
                    .iter()
                    .map(|rs| rs.status.available_replicas as i64)
                    .sum();
                if available > min_available {
                    let mut budget = available - min_available;
                    for rs in all_now
                        .iter()
                        .filter(|rs| rs.metadata.uid != new_rs.metadata.uid)
                    {
                        if budget <= 0 {
                            break;
                        }
                        let s = spec(rs);
                        if s == 0 {
                            continue;
                        }
                        let n = s.min(budget);
                        if self.scale_replica_set(
                            &d,
                            rs,
                            s - n,
                            &format!("{available} available, minimum {min_available}"),
                        ) {
                            budget -= n;
                            scaled += n;
                        }
                    }
                }
                if scaled > 0 {
                    self.sync_deployment_status(&ns, &name, true);
                    return;
                }
            }
        }
        self.finish_sync(&d);
    }

    fn rollout_recreate(&mut self, d: Deployment) {
        let (ns, name) = (d.metadata.namespace.clone(), d.metadata.name.clone());
        let all = self.owned_replica_sets(&d);
        let new_rs = Self::find_new_rs(&d, &all);
        let old: Vec<ReplicaSet> = all
            .iter()
            .filter(|rs| Some(&rs.metadata.uid) != new_rs.as_ref().map(|n| &n.metadata.uid))
            .cloned()
            .collect();
        let mut scaled = false;
        for rs in old.iter().filter(|rs| spec(rs) > 0) {
            scaled |= self.scale_replica_set(&d, rs, 0, "Recreate: stopping every old pod first");
        }
        if scaled {
            self.sync_deployment_status(&ns, &name, true);
            return;
        }
        // Wait until no old pod is running (terminating pods count).
        let old_running = old.iter().any(|rs| {
            rs.status.replicas > 0
                || self
                    .owned_pods(&rs.metadata.uid, &ns)
                    .iter()
                    .any(|p| p.status.phase != "Succeeded" && p.status.phase != "Failed")
        });
        if old_running {
            self.sync_deployment_status(&ns, &name, false);
            return;
        }
        let Some(new_rs) = self.get_new_replica_set(&d, &all, true) else {
            return;
        };
        if spec(&new_rs) != d.replicas() as i64 {
            self.scale_replica_set(
                &d,
                &new_rs,
                d.replicas() as i64,
                "Recreate: old pods gone, starting the new ones",
            );
            self.sync_deployment_status(&ns, &name, true);
            return;
        }
        self.finish_sync(&d);
    }

    fn finish_sync(&mut self, d: &Deployment) {
        let (ns, name) = (d.metadata.namespace.clone(), d.metadata.name.clone());
        self.sync_deployment_status(&ns, &name, false);
        if let Some(Object::Deployment(cur)) = self
            .store
            .get(&Key::new(Kind::Deployment, &ns, &name))
            .cloned()
        {
            if deployment_complete(&cur) {
                self.cleanup_deployment(&cur);
            }
        }
    }

    /// `cleanupDeployment`: keeps at most revisionHistoryLimit old, scaled-down RSs (§5.3).
    fn cleanup_deployment(&mut self, d: &Deployment) {
        let Some(limit) = d.spec.revision_history_limit else {
            return;
        };
        let all = self.owned_replica_sets(d);
        let new_uid = Self::find_new_rs(d, &all).map(|r| r.metadata.uid);
        let mut old: Vec<ReplicaSet> = all
            .into_iter()
            .filter(|rs| {
                Some(&rs.metadata.uid) != new_uid.as_ref()
                    && rs.metadata.deletion_timestamp.is_none()
            })
            .collect();
        let diff = old.len() as i64 - limit as i64;
        if diff <= 0 {
            return;
        }
        old.sort_by(|a, b| {
            a.revision().cmp(&b.revision()).then(
                a.metadata
                    .creation_timestamp
                    .cmp(&b.metadata.creation_timestamp),
            )
        });
        for rs in old.into_iter().take(diff as usize) {
            if rs.status.replicas != 0
                || spec(&rs) != 0
                || rs.metadata.generation > rs.status.observed_generation
            {
                continue;
            }
            self.record(
                "deployment-controller",
                format!("Deployment {}/{}", d.metadata.namespace, d.metadata.name),
                format!(
                    "deleting old ReplicaSet {} (revisionHistoryLimit {limit})",
                    rs.metadata.name
                ),
            );
            let _ = self.delete(
                Kind::ReplicaSet,
                &rs.metadata.namespace,
                &rs.metadata.name,
                None,
            );
        }
    }

    /// `scale()` — proportional scaling while a rollout is in progress (§3.6).
    fn scale_deployment(&mut self, d: &Deployment, all: &[ReplicaSet]) {
        let replicas = d.replicas() as i64;
        let active: Vec<&ReplicaSet> = all.iter().filter(|rs| spec(rs) > 0).collect();
        let new_rs = Self::find_new_rs(d, all);
        if active.len() <= 1 {
            let target = active
                .first()
                .map(|r| (*r).clone())
                .or_else(|| new_rs.clone())
                .or_else(|| all.last().cloned());
            if let Some(rs) = target {
                self.scale_replica_set(d, &rs, replicas, &format!("scaled to {replicas} replicas"));
            }
            return;
        }
        if let Some(n) = &new_rs {
            let saturated = spec(n) == replicas
                && n.metadata.annotation(DESIRED_REPLICAS_ANNOTATION)
                    == Some(replicas.to_string().as_str())
                && n.status.available_replicas as i64 == replicas;
            if saturated {
                for rs in all
                    .iter()
                    .filter(|rs| rs.metadata.uid != n.metadata.uid && spec(rs) > 0)
                {
                    self.scale_replica_set(d, rs, 0, "new ReplicaSet saturated");
                }
                return;
            }
        }
        if !is_rolling(d) {
            return;
        }
        let surge = max_surge(d);
        let allowed = if replicas == 0 { 0 } else { replicas + surge };
        let current: i64 = active.iter().map(|rs| spec(rs)).sum();
        let to_add = allowed - current;
        let mut sorted: Vec<&ReplicaSet> = active.clone();
        // Largest first; ties: newer first when growing, older first when shrinking.
        sorted.sort_by(|a, b| {
            spec(b).cmp(&spec(a)).then_with(|| {
                let o = a
                    .metadata
                    .creation_timestamp
                    .cmp(&b.metadata.creation_timestamp)
                    .then(a.metadata.name.cmp(&b.metadata.name));
                if to_add > 0 {
                    o.reverse()
                } else {
                    o
                }
            })
        });
        let mut added = 0i64;
        let mut targets: BTreeMap<String, i64> = BTreeMap::new();
        for rs in &sorted {
            let max_ann = rs
                .metadata
                .annotation(MAX_REPLICAS_ANNOTATION)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(d.status.replicas as i64);
            let proportion = get_proportion(spec(rs), replicas, surge, max_ann, to_add, added);
            added += proportion;
            targets.insert(rs.metadata.name.clone(), spec(rs) + proportion);
        }
        if let Some(first) = sorted.first() {
            let left = to_add - added;
            let t = targets
                .entry(first.metadata.name.clone())
                .or_insert(spec(first));
            *t = (*t + left).max(0);
        }
        for rs in sorted {
            let to = targets.get(&rs.metadata.name).copied().unwrap_or(spec(rs));
            self.scale_replica_set(
                d,
                rs,
                to,
                &format!("proportional scaling to {replicas} replicas"),
            );
        }
    }

    /// Recomputes the Deployment's status and conditions (`syncRolloutStatus`).
    pub(crate) fn sync_deployment_status(
        &mut self,
        ns: &str,
        name: &str,
        progressed_by_scaling: bool,
    ) {
        let key = Key::new(Kind::Deployment, ns, name);
        let Some(Object::Deployment(mut d)) = self.store.get(&key).cloned() else {
            return;
        };
        let all = self.owned_replica_sets(&d);
        let new_rs = Self::find_new_rs(&d, &all);
        let old_status = d.status.clone();
        let st = &mut d.status;
        st.observed_generation = d.metadata.generation;
        st.replicas = all.iter().map(|r| r.status.replicas).sum();
        st.updated_replicas = new_rs.as_ref().map_or(0, |r| r.status.replicas);
        st.ready_replicas = all.iter().map(|r| r.status.ready_replicas).sum();
        st.available_replicas = all.iter().map(|r| r.status.available_replicas).sum();
        let total_spec: i32 = all.iter().map(|r| r.replicas()).sum();
        st.unavailable_replicas = (total_spec - st.available_replicas).max(0);
        let terminating: i32 = all
            .iter()
            .map(|r| r.status.terminating_replicas.unwrap_or(0))
            .sum();
        st.terminating_replicas = Some(terminating);
        let now = self.now;
        let min_available = d.replicas() as i64 - max_unavailable(&d);
        let available = if d.status.available_replicas as i64 >= min_available {
            (
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            )
        } else {
            (
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        };
        set_condition(
            &mut d.status.conditions,
            "Available",
            available.0,
            available.1,
            available.2.into(),
            now,
        );
        // Progressing.
        if let Some(deadline) = d.spec.progress_deadline_seconds {
            let current = d
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "Progressing")
                .cloned();
            let rs_name = new_rs
                .as_ref()
                .map(|r| r.metadata.name.clone())
                .unwrap_or_default();
            let complete = deployment_complete(&d);
            let already_done = d.status.replicas == d.status.updated_replicas
                && current
                    .as_ref()
                    .is_some_and(|c| c.reason == "NewReplicaSetAvailable");
            if d.spec.paused {
                if current.as_ref().is_none_or(|c| {
                    c.reason != "ProgressDeadlineExceeded" && c.reason != "DeploymentPaused"
                }) {
                    set_condition(
                        &mut d.status.conditions,
                        "Progressing",
                        "Unknown",
                        "DeploymentPaused",
                        "Deployment is paused".into(),
                        now,
                    );
                }
            } else if already_done {
            } else if complete {
                set_condition(
                    &mut d.status.conditions,
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
                    now,
                );
            } else if progressed_by_scaling
                || deployment_progressing(&old_status, &d.status)
                || current
                    .as_ref()
                    .is_some_and(|c| c.reason == "DeploymentPaused")
            {
                let msg = format!("ReplicaSet \"{rs_name}\" is progressing.");
                let reason = if current
                    .as_ref()
                    .is_some_and(|c| c.reason == "NewReplicaSetCreated")
                    && !deployment_progressing(&old_status, &d.status)
                {
                    "NewReplicaSetCreated"
                } else {
                    "ReplicaSetUpdated"
                };
                let msg = if reason == "NewReplicaSetCreated" {
                    current.as_ref().map(|c| c.message.clone()).unwrap_or(msg)
                } else {
                    msg
                };
                set_condition(
                    &mut d.status.conditions,
                    "Progressing",
                    "True",
                    reason,
                    msg,
                    now,
                );
                // Refresh lastUpdateTime on every progress.
                if let Some(c) = d
                    .status
                    .conditions
                    .iter_mut()
                    .find(|c| c.type_ == "Progressing")
                {
                    c.last_update_time = Some(now);
                }
            } else if let Some(c) = &current {
                let timed_out = c.reason == "ProgressDeadlineExceeded"
                    || (c.reason != "NewReplicaSetAvailable"
                        && c.last_update_time
                            .is_some_and(|t| t.plus_millis(deadline as i64 * 1000) < now));
                if timed_out && c.reason != "ProgressDeadlineExceeded" {
                    set_condition(
                        &mut d.status.conditions,
                        "Progressing",
                        "False",
                        "ProgressDeadlineExceeded",
                        format!("ReplicaSet \"{rs_name}\" has timed out progressing."),
                        now,
                    );
                    self.record(
                        "deployment-controller",
                        format!("Deployment {ns}/{name}"),
                        format!(
                            "rollout stuck: no progress for {deadline}s (progressDeadlineSeconds)"
                        ),
                    );
                } else if !timed_out {
                    if let Some(t) = c.last_update_time {
                        self.schedule_at(
                            t.plus_millis(deadline as i64 * 1000 + 1000),
                            Task::SyncDeployment(ns.into(), name.into()),
                        );
                    }
                }
            }
        } else {
            d.status.conditions.retain(|c| c.type_ != "Progressing");
        }
        // Keep kubectl's order: Available, then Progressing.
        d.status
            .conditions
            .sort_by_key(|c| if c.type_ == "Available" { 0 } else { 1 });
        if d.status != old_status {
            self.store.put(Object::Deployment(d), now);
        }
    }

    fn set_progressing(&mut self, d: &Deployment, status: &str, reason: &str, message: String) {
        let key = Key::new(Kind::Deployment, &d.metadata.namespace, &d.metadata.name);
        if let Some(Object::Deployment(mut cur)) = self.store.get(&key).cloned() {
            let now = self.now;
            set_condition(
                &mut cur.status.conditions,
                "Progressing",
                status,
                reason,
                message,
                now,
            );
            if let Some(c) = cur
                .status
                .conditions
                .iter_mut()
                .find(|c| c.type_ == "Progressing")
            {
                c.last_update_time = Some(now);
            }
            cur.status
                .conditions
                .sort_by_key(|c| if c.type_ == "Available" { 0 } else { 1 });
            self.store.put(Object::Deployment(cur), now);
        }
    }
}

/// Annotations a Deployment passes to its ReplicaSets (upstream skips its own bookkeeping ones).
fn copyable_annotations(meta: &ObjectMeta) -> BTreeMap<String, String> {
    meta.annotations
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "kubectl.kubernetes.io/last-applied-configuration"
                    | REVISION_ANNOTATION
                    | REVISION_HISTORY_ANNOTATION
                    | DESIRED_REPLICAS_ANNOTATION
                    | MAX_REPLICAS_ANNOTATION
                    | "deprecated.deployment.rollback.to"
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `GetProportion` (§3.6).
pub(crate) fn get_proportion(
    rs_spec: i64,
    replicas: i64,
    surge: i64,
    max_annotation: i64,
    to_add: i64,
    added: i64,
) -> i64 {
    if rs_spec == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = if replicas == 0 || max_annotation == 0 {
        -rs_spec
    } else {
        let target = (rs_spec as f64) * ((replicas + surge) as f64) / (max_annotation as f64);
        target.round() as i64 - rs_spec
    };
    let remaining = to_add - added;
    if to_add > 0 {
        fraction.min(remaining)
    } else {
        fraction.max(remaining)
    }
}

/// `DeploymentComplete`.
pub(crate) fn deployment_complete(d: &Deployment) -> bool {
    let r = d.replicas();
    d.status.updated_replicas == r
        && d.status.replicas == r
        && d.status.available_replicas == r
        && d.status.observed_generation >= d.metadata.generation
}

/// `DeploymentProgressing`.
fn deployment_progressing(
    old: &kubeplay_api::apps::DeploymentStatus,
    new: &kubeplay_api::apps::DeploymentStatus,
) -> bool {
    new.updated_replicas > old.updated_replicas
        || (new.replicas - new.updated_replicas) < (old.replicas - old.updated_replicas)
        || new.ready_replicas > old.ready_replicas
        || new.available_replicas > old.available_replicas
}

fn set_condition(
    conds: &mut Vec<Condition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: Time,
) {
    match conds.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.last_transition_time = Some(now);
                c.last_update_time = Some(now);
            }
            if c.reason != reason || c.message != message {
                c.last_update_time = Some(now);
            }
            c.status = status.into();
            c.reason = reason.into();
            c.message = message;
        }
        None => conds.push(Condition {
            type_: type_.into(),
            status: status.into(),
            last_update_time: Some(now),
            last_transition_time: Some(now),
            reason: reason.into(),
            message,
            ..Default::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ios(s: &str) -> Option<IntOrString> {
        match s {
            "nil" => None,
            _ => Some(
                s.parse::<i64>()
                    .map(IntOrString::Int)
                    .unwrap_or_else(|_| IntOrString::String(s.into())),
            ),
        }
    }

    /// `TestResolveFenceposts` (§3.3), row for row.
    #[test]
    fn resolve_fenceposts_table() {
        let rows: &[(&str, &str, i64, Result<(i64, i64), ()>)] = &[
            ("0%", "0%", 0, Ok((0, 1))),
            ("oops", "39%", 10, Err(())),
            ("55%", "urg", 10, Err(())),
            ("nil", "39%", 10, Ok((0, 3))),
            ("39%", "nil", 10, Ok((4, 0))),
            ("nil", "nil", 10, Ok((0, 1))),
        ];
        for (surge, unav, desired, want) in rows {
            let got = resolve_fenceposts(ios(surge).as_ref(), ios(unav).as_ref(), *desired)
                .map_err(|_| ());
            assert_eq!(
                &got, want,
                "surge={surge} unavailable={unav} desired={desired}"
            );
        }
    }

    /// `GetProportion` rows from `TestScale` that need no controller state.
    #[test]
    fn proportions() {
        // proportional 5→10 with v2=2, v1=3, surge 0, max annotation 5.
        assert_eq!(get_proportion(2, 10, 0, 5, 5, 0), 2);
        assert_eq!(get_proportion(3, 10, 0, 5, 5, 2), 3);
        // proportional 5→3.
        assert_eq!(get_proportion(3, 3, 0, 5, -2, 0), -1);
    }
}
