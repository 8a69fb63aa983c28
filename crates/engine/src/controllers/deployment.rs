//! The Deployment controller (`syncDeployment`): dispatch by pause, scaling event and strategy,
//! RollingUpdate and Recreate, revisions, history clean-up, status and conditions. The arithmetic
//! lives in `deployment_util.rs`; this file applies its decisions to the store and says why.

use kubeplay_api::apps::{ReplicaSetSpec, REVISION_ANNOTATION};
use kubeplay_api::{
    Deployment, Kind, LabelSelector, Object, ObjectMeta, OwnerReference, ReplicaSet,
};

use super::deployment_util::*;
use crate::store::Key;
use crate::{Cluster, Task};

const CONTROLLER: &str = "deployment-controller";

impl Cluster {
    pub(crate) fn sync_deployment(&mut self, ns: &str, name: &str) {
        let Some(Object::Deployment(mut d)) = self
            .store
            .get(&Key::new(Kind::Deployment, ns, name))
            .cloned()
        else {
            return;
        };
        let rs_list = self.owned_replica_sets(&d);
        if d.metadata.deletion_timestamp.is_some() {
            // syncStatusOnly.
            let (new_rs, mut all) =
                self.get_all_replica_sets_and_sync_revision(&mut d, &rs_list, false);
            all.extend(new_rs.clone());
            self.sync_deployment_status(&mut d, &all, new_rs.as_ref());
            return;
        }
        if d.spec.selector == LabelSelector::default() {
            self.event(
                &Object::Deployment(d),
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.".into(),
                CONTROLLER,
                "",
            );
            return;
        }
        // checkPausedConditions: an Unknown condition on pause and resume, so that a resumed
        // rollout does not time out at once.
        if let Some(c) = paused_condition(&d, self.now) {
            set_condition(&mut d.status, c);
            self.put_deployment(&d);
        }
        if d.spec.paused || is_scaling_event(&d, &rs_list) {
            self.sync_scale(d, &rs_list);
            return;
        }
        if is_rolling(&d) {
            self.rollout_rolling(d, &rs_list);
        } else {
            self.rollout_recreate(d, &rs_list);
        }
    }

    /// The ReplicaSets the Deployment controls, older first.
    fn owned_replica_sets(&self, d: &Deployment) -> Vec<ReplicaSet> {
        let mut v: Vec<ReplicaSet> = self
            .store
            .dependents(&d.metadata.uid)
            .filter_map(|o| match o {
                Object::ReplicaSet(rs)
                    if rs.metadata.namespace == d.metadata.namespace
                        && rs
                            .metadata
                            .controller()
                            .is_some_and(|r| r.uid == d.metadata.uid) =>
                {
                    Some(rs.clone())
                }
                _ => None,
            })
            .collect();
        v.sort_by(by_creation);
        v
    }

    fn put_deployment(&mut self, d: &Deployment) {
        self.store.put(Object::Deployment(d.clone()), self.now);
    }

    fn what(d: &Deployment) -> String {
        format!("Deployment {}/{}", d.metadata.namespace, d.metadata.name)
    }

    /// `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (found, re-adopted or created) and
    /// the old ones.
    fn get_all_replica_sets_and_sync_revision(
        &mut self,
        d: &mut Deployment,
        rs_list: &[ReplicaSet],
        create: bool,
    ) -> (Option<ReplicaSet>, Vec<ReplicaSet>) {
        let existing = find_new_replica_set(d, rs_list).cloned();
        let old: Vec<ReplicaSet> = rs_list
            .iter()
            .filter(|rs| {
                existing
                    .as_ref()
                    .is_none_or(|n| n.metadata.uid != rs.metadata.uid)
            })
            .cloned()
            .collect();
        let new_rs = self.get_new_replica_set(d, existing, &old, create);
        (new_rs, old)
    }

    /// `getNewReplicaSet`: syncs an existing new ReplicaSet's annotations (a rollback moves it to
    /// the next revision) or creates one named `<deployment>-<pod-template-hash>`.
    fn get_new_replica_set(
        &mut self,
        d: &mut Deployment,
        existing: Option<ReplicaSet>,
        old: &[ReplicaSet],
        create: bool,
    ) -> Option<ReplicaSet> {
        let now = self.now;
        let new_revision = max_revision(old) + 1;
        if let Some(existing) = existing {
            let mut rs = existing.clone();
            let annotations_updated = set_new_replica_set_annotations(
                d,
                &mut rs,
                new_revision,
                true,
                MAX_REV_HISTORY_LENGTH_IN_CHARS,
            );
            if annotations_updated || rs.spec.min_ready_seconds != d.spec.min_ready_seconds {
                rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
                if rs.revision() != existing.revision() && existing.revision() > 0 {
                    self.record(
                        CONTROLLER,
                        Self::what(d),
                        format!(
                            "template matches ReplicaSet {} again (revision {}): it becomes the new ReplicaSet, revision {}",
                            rs.metadata.name,
                            existing.revision(),
                            rs.revision()
                        ),
                    );
                }
                return match &*self.store.put(Object::ReplicaSet(rs), now) {
                    Object::ReplicaSet(rs) => Some(rs.clone()),
                    _ => None,
                };
            }
            let revision = rs
                .metadata
                .annotation(REVISION_ANNOTATION)
                .unwrap_or_default()
                .to_string();
            let mut needs_update = set_deployment_revision(d, &revision);
            if progress_deadline(d).is_some() && condition(&d.status, "Progressing").is_none() {
                set_condition(
                    &mut d.status,
                    new_condition(
                        "Progressing",
                        "True",
                        FOUND_NEW_RS_REASON,
                        format!("Found new replica set \"{}\"", rs.metadata.name),
                        now,
                    ),
                );
                needs_update = true;
            }
            if needs_update {
                self.put_deployment(d);
            }
            return Some(rs);
        }
        if !create {
            return None;
        }
        let hash = pod_template_hash(&d.spec.template, d.status.collision_count);
        let name = format!("{}-{hash}", d.metadata.name);
        let mut template = d.spec.template.clone();
        template.metadata.labels = with_hash_label(&template.metadata.labels, &hash);
        let mut selector = d.spec.selector.clone();
        selector.match_labels = with_hash_label(&selector.match_labels, &hash);
        let mut meta = ObjectMeta::named(&d.metadata.namespace, &name);
        meta.labels = template.metadata.labels.clone();
        meta.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: d.metadata.name.clone(),
            uid: d.metadata.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        let replicas = new_rs_new_replicas(d, replica_count(old), 0);
        let mut rs = ReplicaSet {
            metadata: meta,
            spec: ReplicaSetSpec {
                replicas: Some(replicas as i32),
                min_ready_seconds: d.spec.min_ready_seconds,
                selector,
                template,
            },
            status: Default::default(),
        };
        set_new_replica_set_annotations(
            d,
            &mut rs,
            new_revision,
            false,
            MAX_REV_HISTORY_LENGTH_IN_CHARS,
        );
        let created = match self.create(Object::ReplicaSet(rs)) {
            Ok(Object::ReplicaSet(rs)) => rs,
            Ok(_) => return None,
            Err(e) if e.reason == kubeplay_api::Reason::AlreadyExists => {
                let key = Key::new(Kind::ReplicaSet, &d.metadata.namespace, &name);
                match self.store.get(&key) {
                    Some(Object::ReplicaSet(rs))
                        if rs
                            .metadata
                            .controller()
                            .is_some_and(|c| c.uid == d.metadata.uid)
                            && equal_ignore_hash(&rs.spec.template, &d.spec.template) =>
                    {
                        return Some(rs.clone());
                    }
                    _ => {
                        // A hash collision: bump collisionCount and try again on the next sync.
                        let count = d.status.collision_count.unwrap_or(0).saturating_add(1);
                        d.status.collision_count = Some(count);
                        self.record(
                            CONTROLLER,
                            Self::what(d),
                            format!(
                                "ReplicaSet {name} exists and is not this Deployment's: collisionCount {count}"
                            ),
                        );
                        self.put_deployment(d);
                        return None;
                    }
                }
            }
            Err(e) => {
                let msg = format!("Failed to create new replica set \"{name}\": {}", e.message);
                if progress_deadline(d).is_some() {
                    set_condition(
                        &mut d.status,
                        new_condition(
                            "Progressing",
                            "False",
                            FAILED_RS_CREATE_REASON,
                            msg.clone(),
                            now,
                        ),
                    );
                    self.put_deployment(d);
                }
                self.event(
                    &Object::Deployment(d.clone()),
                    "Warning",
                    FAILED_RS_CREATE_REASON,
                    msg,
                    CONTROLLER,
                    "",
                );
                return None;
            }
        };
        if replicas > 0 {
            self.event(
                &Object::Deployment(d.clone()),
                "Normal",
                "ScalingReplicaSet",
                format!("Scaled up replica set {name} from 0 to {replicas}"),
                CONTROLLER,
                "",
            );
        }
        self.record(
            CONTROLLER,
            Self::what(d),
            format!("new template: created ReplicaSet {name} (revision {new_revision}) with {replicas} replicas"),
        );
        set_deployment_revision(d, &new_revision.to_string());
        if progress_deadline(d).is_some() {
            set_condition(
                &mut d.status,
                new_condition(
                    "Progressing",
                    "True",
                    NEW_RS_REASON,
                    format!("Created new replica set \"{name}\""),
                    now,
                ),
            );
        }
        self.put_deployment(d);
        Some(created)
    }

    /// `scaleReplicaSet`: writes the size and the desired/max-replicas annotations. Returns
    /// whether the size changed (upstream's `scaled`).
    fn scale_replica_set(&mut self, d: &Deployment, name: &str, to: i64, why: &str) -> bool {
        let key = Key::new(Kind::ReplicaSet, &d.metadata.namespace, name);
        let Some(Object::ReplicaSet(mut cur)) = self.store.get(&key).cloned() else {
            return false;
        };
        let to = to.max(0);
        let from = spec(&cur);
        let annotations_changed = set_replicas_annotations(
            &mut cur,
            d.replicas() as i64,
            d.replicas() as i64 + max_surge(d),
        );
        if from == to && !annotations_changed {
            return false;
        }
        cur.spec.replicas = Some(to.min(i32::MAX as i64) as i32);
        if from != to {
            cur.metadata.generation += 1;
        }
        self.store.put(Object::ReplicaSet(cur), self.now);
        if from == to {
            return false;
        }
        let verb = if to > from { "up" } else { "down" };
        self.event(
            &Object::Deployment(d.clone()),
            "Normal",
            "ScalingReplicaSet",
            format!("Scaled {verb} replica set {name} from {from} to {to}"),
            CONTROLLER,
            "",
        );
        self.record(
            CONTROLLER,
            Self::what(d),
            format!("scaled {verb} ReplicaSet {name} from {from} to {to}: {why}"),
        );
        true
    }

    /// `rolloutRolling` (§3.5): at most one phase per sync.
    fn rollout_rolling(&mut self, mut d: Deployment, rs_list: &[ReplicaSet]) {
        let (new_rs, old) = self.get_all_replica_sets_and_sync_revision(&mut d, rs_list, true);
        let Some(new_rs) = new_rs else { return };
        let mut all = old.clone();
        all.push(new_rs.clone());
        if let Some(to) = reconcile_new_replica_set(&d, replica_count(&all), spec(&new_rs)) {
            let why = if to < spec(&new_rs) {
                format!("more than the {} desired replicas", d.replicas())
            } else {
                format!(
                    "{} replicas + maxSurge {} allow {} pods in all",
                    d.replicas(),
                    max_surge(&d),
                    d.replicas() as i64 + max_surge(&d)
                )
            };
            if self.scale_replica_set(&d, &new_rs.metadata.name, to, &why) {
                self.sync_rollout_status(&mut d, &all, Some(&new_rs));
                return;
            }
        }
        let active_old: Vec<ReplicaSet> = old.iter().filter(|rs| spec(rs) > 0).cloned().collect();
        match reconcile_old_replica_sets(&d, &all, &active_old, &new_rs) {
            Ok(ops) => {
                let mut scaled = false;
                for op in ops {
                    scaled |= self.scale_replica_set(&d, &op.name, op.to, &op.why);
                }
                if scaled {
                    self.sync_rollout_status(&mut d, &all, Some(&new_rs));
                    return;
                }
            }
            Err(_) => {
                // Upstream fails this sync and requeues; the ReplicaSet's status catches up.
                let task =
                    Task::SyncDeployment(d.metadata.namespace.clone(), d.metadata.name.clone());
                self.schedule_in(1_000, task);
                return;
            }
        }
        if deployment_complete(&d, &d.status) {
            self.cleanup_deployment(&d, &old);
        }
        self.sync_rollout_status(&mut d, &all, Some(&new_rs));
    }

    /// `rolloutRecreate` (§5.2): every old pod gone before the new ReplicaSet is created.
    fn rollout_recreate(&mut self, mut d: Deployment, rs_list: &[ReplicaSet]) {
        let (mut new_rs, mut old) =
            self.get_all_replica_sets_and_sync_revision(&mut d, rs_list, false);
        let mut all = old.clone();
        all.extend(new_rs.clone());
        let mut scaled = false;
        for rs in old.iter().filter(|rs| spec(rs) > 0) {
            scaled |= self.scale_replica_set(
                &d,
                &rs.metadata.name,
                0,
                "Recreate: every old pod stops first",
            );
        }
        if scaled {
            self.sync_rollout_status(&mut d, &all, new_rs.as_ref());
            return;
        }
        if self.old_pods_running(new_rs.as_ref(), &old) {
            self.sync_rollout_status(&mut d, &all, new_rs.as_ref());
            return;
        }
        if new_rs.is_none() {
            (new_rs, old) = self.get_all_replica_sets_and_sync_revision(&mut d, rs_list, true);
            all = old.clone();
            all.extend(new_rs.clone());
        }
        if let Some(n) = &new_rs {
            if spec(n) != d.replicas() as i64 {
                self.scale_replica_set(
                    &d,
                    &n.metadata.name,
                    d.replicas() as i64,
                    "Recreate: the old pods are gone, the new ones start",
                );
            }
        }
        if deployment_complete(&d, &d.status) {
            self.cleanup_deployment(&d, &old);
        }
        self.sync_rollout_status(&mut d, &all, new_rs.as_ref());
    }

    /// `oldPodsRunning`: an old ReplicaSet still reports replicas, or one of its pods is not
    /// Succeeded/Failed (terminating pods count).
    fn old_pods_running(&self, new_rs: Option<&ReplicaSet>, old: &[ReplicaSet]) -> bool {
        if old.iter().map(|rs| rs.status.replicas as i64).sum::<i64>() > 0 {
            return true;
        }
        old.iter()
            .filter(|rs| new_rs.is_none_or(|n| n.metadata.uid != rs.metadata.uid))
            .any(|rs| {
                self.owned_pods(&rs.metadata.uid, &rs.metadata.namespace)
                    .iter()
                    .any(|p| p.status.phase != "Succeeded" && p.status.phase != "Failed")
            })
    }

    /// `sync`: proportional scaling (a scaling event, or any change while paused), history
    /// clean-up when paused, and the status without progress estimation.
    fn sync_scale(&mut self, mut d: Deployment, rs_list: &[ReplicaSet]) {
        let (new_rs, old) = self.get_all_replica_sets_and_sync_revision(&mut d, rs_list, false);
        for op in scale_plan(&d, new_rs.as_ref(), &old) {
            self.scale_replica_set(&d, &op.name, op.to, &op.why);
        }
        if d.spec.paused {
            self.cleanup_deployment(&d, &old);
        }
        let mut all = old;
        all.extend(new_rs.clone());
        self.sync_deployment_status(&mut d, &all, new_rs.as_ref());
    }

    /// `syncDeploymentStatus`: counts and the Available condition.
    fn sync_deployment_status(
        &mut self,
        d: &mut Deployment,
        all: &[ReplicaSet],
        new_rs: Option<&ReplicaSet>,
    ) {
        let st = calculate_status(d, all, new_rs, self.now);
        if st != d.status {
            d.status = st;
            self.put_deployment(d);
        }
    }

    /// `syncRolloutStatus`: status, Available and Progressing; a Deployment that made no progress
    /// is looked at again when its deadline passes.
    fn sync_rollout_status(
        &mut self,
        d: &mut Deployment,
        all: &[ReplicaSet],
        new_rs: Option<&ReplicaSet>,
    ) {
        let now = self.now;
        let st = rollout_status(d, all, new_rs, now);
        if st == d.status {
            if let Some(t) = requeue_stuck_at(d, &st, now) {
                let task =
                    Task::SyncDeployment(d.metadata.namespace.clone(), d.metadata.name.clone());
                self.schedule_at(t, task);
            }
            return;
        }
        let was = condition(&d.status, "Progressing").map(|c| c.reason.clone());
        let is = condition(&st, "Progressing").map(|c| c.reason.clone());
        if was != is {
            match is.as_deref() {
                Some(TIMED_OUT_REASON) => self.record(
                    CONTROLLER,
                    Self::what(d),
                    format!(
                        "rollout stuck: no progress for {}s (progressDeadlineSeconds): ProgressDeadlineExceeded",
                        progress_deadline(d).unwrap_or(0)
                    ),
                ),
                Some(NEW_RS_AVAILABLE_REASON) => self.record(
                    CONTROLLER,
                    Self::what(d),
                    "rollout complete: every replica updated and available".into(),
                ),
                _ => {}
            }
        }
        d.status = st;
        self.put_deployment(d);
    }

    /// `cleanupDeployment` (§5.3): deletes old ReplicaSets beyond revisionHistoryLimit.
    fn cleanup_deployment(&mut self, d: &Deployment, old: &[ReplicaSet]) {
        for name in replica_sets_to_clean_up(d, old) {
            self.record(
                CONTROLLER,
                Self::what(d),
                format!(
                    "deleting old ReplicaSet {name}: more than revisionHistoryLimit {}",
                    d.spec.revision_history_limit.unwrap_or(0)
                ),
            );
            let _ = self.delete(Kind::ReplicaSet, &d.metadata.namespace, &name, None);
        }
    }
}

/// `SetDeploymentRevision`.
fn set_deployment_revision(d: &mut Deployment, revision: &str) -> bool {
    if d.metadata.annotation(REVISION_ANNOTATION) == Some(revision) {
        return false;
    }
    d.metadata
        .annotations
        .insert(REVISION_ANNOTATION.into(), revision.into());
    true
}
