//! The StatefulSet controller: pods with stable names (`web-0`, `web-1`...), hostnames and
//! claims (`www-web-0` from each `volumeClaimTemplate`, kept when the pod goes, so the next
//! `web-0` mounts the same volume). `OrderedReady` creates them one at a time in ordinal order,
//! each once the one before is Running and Ready, and removes them from the highest ordinal
//! down; `Parallel` does both at once. A template change rolls out from the highest ordinal
//! down to `partition`, one pod at a time, each deleted and re-created at the new revision once
//! the others are ready (`OnDelete` waits for the user to delete them). Revisions are named
//! `<set>-<hash>` and kept as ControllerRevisions (`history.rs`), which a pod below the
//! partition is re-created from.

use std::collections::BTreeMap;

use kubeplay_api::apps::{
    StatefulSet, CONTROLLER_REVISION_HASH_LABEL, POD_INDEX_LABEL, STATEFUL_SET_POD_NAME_LABEL,
};
use kubeplay_api::core::{PersistentVolumeClaimVolumeSource, Pod, PodTemplateSpec, Volume};
use kubeplay_api::{ApiError, Kind, Object, ObjectMeta, OwnerReference, PersistentVolumeClaim};
use serde_json::json;

use super::deployment_util::pod_template_hash;
use crate::store::Key;
use crate::{Cluster, Task};

const COMPONENT: &str = "statefulset-controller";

/// The ordinal of a set's pod from its name (`web-3` → 3).
fn ordinal_of(set: &str, pod: &str) -> Option<i32> {
    pod.strip_prefix(set)?
        .strip_prefix('-')?
        .parse::<i32>()
        .ok()
        .filter(|o| *o >= 0)
}

fn revision_of(p: &Pod) -> &str {
    p.metadata
        .labels
        .get(CONTROLLER_REVISION_HASH_LABEL)
        .map_or("", String::as_str)
}

fn claim_name(template: &PersistentVolumeClaim, set: &str, ordinal: i32) -> String {
    format!("{}-{set}-{ordinal}", template.metadata.name)
}

/// Running and Ready (and available after minReadySeconds): a pod the next one may wait on.
fn healthy(p: &Pod, min_ready: i64, now: kubeplay_api::Time) -> bool {
    p.status.phase == "Running" && !p.is_terminating() && p.is_available(min_ready, now)
}

impl Cluster {
    pub(crate) fn sync_stateful_set(&mut self, ns: &str, name: &str) {
        let Some(Object::StatefulSet(sts)) = self
            .store
            .get(&Key::new(Kind::StatefulSet, ns, name))
            .cloned()
        else {
            return;
        };
        let sts: StatefulSet = *sts;
        if sts.metadata.deletion_timestamp.is_some() {
            return;
        }
        let now = self.now;
        let update_revision = format!(
            "{name}-{}",
            // The status always carries a collision count (0 at first), so the hash has one too.
            pod_template_hash(
                &sts.spec.template,
                Some(sts.status.collision_count.unwrap_or(0))
            )
        );
        let current_revision = if sts.status.current_revision.is_empty() {
            update_revision.clone()
        } else {
            sts.status.current_revision.clone()
        };
        let live: Vec<String> = self
            .owned_pods(&sts.metadata.uid, ns)
            .iter()
            .map(|p| revision_of(p).to_string())
            .chain([current_revision.clone()])
            .collect();
        let live: Vec<&str> = live.iter().map(String::as_str).collect();
        self.record_revision(
            &super::history::Owner {
                kind: "StatefulSet",
                meta: &sts.metadata,
                revision_history_limit: sts.spec.revision_history_limit.unwrap_or(10),
            },
            &update_revision,
            &sts.spec.template,
            &live,
        );
        let about = Object::StatefulSet(Box::new(sts.clone()));
        let min_ready = i64::from(sts.spec.min_ready_seconds);
        let start = sts.start_ordinal();
        let replicas = sts.replicas().max(0);
        let end = start.saturating_add(replicas);
        let partition = sts.partition();
        let monotonic = !sts.parallel();

        let mut by_ordinal: BTreeMap<i32, Pod> = BTreeMap::new();
        let mut condemned: Vec<(i32, Pod)> = Vec::new();
        for p in self.owned_pods(&sts.metadata.uid, ns) {
            match ordinal_of(name, &p.metadata.name) {
                Some(o) if o >= start && o < end => {
                    by_ordinal.insert(o, p.clone());
                }
                Some(o) => condemned.push((o, p.clone())),
                None => condemned.push((i32::MAX, p.clone())),
            }
        }
        condemned.sort_by_key(|c| std::cmp::Reverse(c.0));

        // Replicas in ordinal order: create the missing, replace the finished, and (OrderedReady)
        // stop at the first that is not yet healthy.
        let mut all_healthy = true;
        for ordinal in start..end {
            match by_ordinal.get(&ordinal) {
                None => {
                    let revision = if ordinal - start < partition {
                        current_revision.clone()
                    } else {
                        update_revision.clone()
                    };
                    self.create_stateful_pod(&sts, ordinal, &revision, &about);
                    all_healthy = false;
                    if monotonic {
                        break;
                    }
                }
                Some(p) if p.status.phase == "Failed" || p.status.phase == "Succeeded" => {
                    if !p.is_terminating() {
                        self.delete_stateful_pod(&sts, &p.metadata.name.clone(), &about);
                    }
                    all_healthy = false;
                    if monotonic {
                        break;
                    }
                }
                Some(p) if !healthy(p, min_ready, now) => {
                    all_healthy = false;
                    if let Some(t) = p
                        .condition("Ready")
                        .filter(|c| c.status == "True" && min_ready > 0)
                        .and_then(|c| c.last_transition_time)
                    {
                        self.schedule_at(
                            t.plus_millis(min_ready * 1000 + 1),
                            Task::SyncStatefulSet(ns.into(), name.into()),
                        );
                    }
                    if monotonic {
                        break;
                    }
                }
                Some(_) => {}
            }
        }

        // Condemned pods (scaled away): the highest ordinal first, one at a time unless
        // Parallel, and only once the ones that stay are healthy.
        if !condemned.is_empty() && (all_healthy || !monotonic) {
            for (_, p) in &condemned {
                if p.is_terminating() {
                    if monotonic {
                        break;
                    }
                    continue;
                }
                self.delete_stateful_pod(&sts, &p.metadata.name, &about);
                if sts
                    .spec
                    .persistent_volume_claim_retention_policy
                    .as_ref()
                    .is_some_and(|r| r.when_scaled == "Delete")
                {
                    if let Some(o) = ordinal_of(name, &p.metadata.name) {
                        self.delete_stateful_claims(&sts, o);
                    }
                }
                if monotonic {
                    break;
                }
            }
        }

        // Rolling update: from the highest ordinal down to the partition, one at a time, while
        // every pod is healthy.
        let rolling = sts.spec.update_strategy.type_ != "OnDelete";
        if rolling && all_healthy && condemned.is_empty() {
            for ordinal in (start..end).rev() {
                if ordinal - start < partition {
                    break;
                }
                let Some(p) = by_ordinal.get(&ordinal) else {
                    break;
                };
                if revision_of(p) != update_revision {
                    if !p.is_terminating() {
                        self.delete_stateful_pod(&sts, &p.metadata.name.clone(), &about);
                    }
                    break;
                }
            }
        }
        self.update_stateful_set_status(ns, name, &current_revision, &update_revision);
    }

    fn create_stateful_pod(
        &mut self,
        sts: &StatefulSet,
        ordinal: i32,
        revision: &str,
        about: &Object,
    ) {
        let ns = sts.metadata.namespace.clone();
        let set = sts.metadata.name.clone();
        let pod_name = format!("{set}-{ordinal}");
        // Claims first: the pod must find them.
        for t in &sts.spec.volume_claim_templates {
            let cname = claim_name(t, &set, ordinal);
            if self
                .store
                .contains(&Key::new(Kind::PersistentVolumeClaim, &ns, &cname))
            {
                continue;
            }
            let mut meta = ObjectMeta::named(&ns, &cname);
            meta.labels = t.metadata.labels.clone();
            for (k, v) in &sts.spec.selector.match_labels {
                meta.labels.insert(k.clone(), v.clone());
            }
            meta.annotations = t.metadata.annotations.clone();
            if sts
                .spec
                .persistent_volume_claim_retention_policy
                .as_ref()
                .is_some_and(|r| r.when_deleted == "Delete")
            {
                meta.owner_references = vec![owner(sts)];
            }
            let claim = PersistentVolumeClaim {
                metadata: meta,
                spec: t.spec.clone(),
                status: Default::default(),
            };
            match self.create(Object::PersistentVolumeClaim(claim)) {
                Ok(_) => self.event(
                    about,
                    "Normal",
                    "SuccessfulCreate",
                    format!("create Claim {cname} Pod {pod_name} in StatefulSet {set} success"),
                    COMPONENT,
                    "",
                ),
                Err(e) => {
                    self.event(
                        about,
                        "Warning",
                        "FailedCreate",
                        format!("create Claim {cname} for Pod {pod_name} in StatefulSet {set} failed error: {}", e.message),
                        COMPONENT,
                        "",
                    );
                    return;
                }
            }
        }
        let template = self
            .revision_template(&ns, revision)
            .unwrap_or_else(|| sts.spec.template.clone());
        let mut meta = ObjectMeta::named(&ns, &pod_name);
        meta.labels = template.metadata.labels.clone();
        meta.labels
            .insert(CONTROLLER_REVISION_HASH_LABEL.into(), revision.to_string());
        meta.labels
            .insert(STATEFUL_SET_POD_NAME_LABEL.into(), pod_name.clone());
        meta.labels
            .insert(POD_INDEX_LABEL.into(), ordinal.to_string());
        meta.annotations = template.metadata.annotations.clone();
        meta.generate_name = format!("{set}-");
        meta.owner_references = vec![owner(sts)];
        let mut spec = template.spec.clone();
        spec.extra.insert("hostname".into(), json!(pod_name));
        if !sts.spec.service_name.is_empty() {
            spec.extra
                .insert("subdomain".into(), json!(sts.spec.service_name));
        }
        for t in &sts.spec.volume_claim_templates {
            let volume = Volume {
                name: t.metadata.name.clone(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim_name(t, &set, ordinal),
                    read_only: false,
                }),
                ..Default::default()
            };
            match spec.volumes.iter_mut().find(|v| v.name == volume.name) {
                Some(v) => *v = volume,
                None => spec.volumes.push(volume),
            }
        }
        let pod = Pod {
            metadata: meta,
            spec,
            status: Default::default(),
        };
        match self.create(Object::Pod(pod)) {
            Ok(_) => self.event(
                about,
                "Normal",
                "SuccessfulCreate",
                format!("create Pod {pod_name} in StatefulSet {set} successful"),
                COMPONENT,
                "",
            ),
            Err(e) => self.event(
                about,
                "Warning",
                "FailedCreate",
                format!(
                    "create Pod {pod_name} in StatefulSet {set} failed error: {}",
                    e.message
                ),
                COMPONENT,
                "",
            ),
        }
    }

    fn delete_stateful_pod(&mut self, sts: &StatefulSet, pod: &str, about: &Object) {
        let key = Key::new(Kind::Pod, &sts.metadata.namespace, pod);
        if !self.store.contains(&key) {
            return;
        }
        self.event(
            about,
            "Normal",
            "SuccessfulDelete",
            format!(
                "delete Pod {pod} in StatefulSet {} successful",
                sts.metadata.name
            ),
            COMPONENT,
            "",
        );
        self.delete_pod_gracefully(&key, None);
    }

    fn delete_stateful_claims(&mut self, sts: &StatefulSet, ordinal: i32) {
        for t in &sts.spec.volume_claim_templates {
            let cname = claim_name(t, &sts.metadata.name, ordinal);
            let _ = self.delete(
                Kind::PersistentVolumeClaim,
                &sts.metadata.namespace,
                &cname,
                None,
            );
        }
    }

    fn update_stateful_set_status(
        &mut self,
        ns: &str,
        name: &str,
        current_revision: &str,
        update_revision: &str,
    ) {
        let Some(Object::StatefulSet(sts)) = self
            .store
            .get(&Key::new(Kind::StatefulSet, ns, name))
            .cloned()
        else {
            return;
        };
        let mut sts: StatefulSet = *sts;
        let now = self.now;
        let min_ready = i64::from(sts.spec.min_ready_seconds);
        let pods: Vec<&Pod> = self
            .owned_pods(&sts.metadata.uid, ns)
            .into_iter()
            .filter(|p| !p.is_terminating())
            .collect();
        let mut st = sts.status.clone();
        st.observed_generation = sts.metadata.generation;
        st.replicas = pods.len() as i32;
        st.ready_replicas = pods.iter().filter(|p| p.is_ready()).count() as i32;
        st.available_replicas = pods
            .iter()
            .filter(|p| p.is_available(min_ready, now))
            .count() as i32;
        st.current_replicas = pods
            .iter()
            .filter(|p| revision_of(p) == current_revision)
            .count() as i32;
        st.updated_replicas = pods
            .iter()
            .filter(|p| revision_of(p) == update_revision)
            .count() as i32;
        st.current_revision = current_revision.to_string();
        st.update_revision = update_revision.to_string();
        // The update is complete: what was the update revision is now the current one.
        let replicas = sts.replicas().max(0);
        if st.updated_replicas == replicas
            && st.ready_replicas == replicas
            && st.replicas == replicas
        {
            st.current_revision = update_revision.to_string();
            st.current_replicas = st.updated_replicas;
        }
        st.collision_count = st.collision_count.or(Some(0));
        drop(pods);
        if st != sts.status {
            sts.status = st;
            self.store.put(Object::StatefulSet(Box::new(sts)), now);
        }
    }
}

fn owner(sts: &StatefulSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: sts.metadata.name.clone(),
        uid: sts.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The API server's rule for updates: only these fields of a StatefulSet's spec may change.
pub(crate) fn validate_update(old: &StatefulSet, new: &StatefulSet) -> Result<(), ApiError> {
    let strip = |s: &StatefulSet| {
        let mut spec = s.spec.clone();
        spec.replicas = None;
        spec.ordinals = None;
        spec.template = PodTemplateSpec::default();
        spec.update_strategy = Default::default();
        spec.persistent_volume_claim_retention_policy = None;
        spec.min_ready_seconds = 0;
        spec.revision_history_limit = None;
        spec
    };
    if strip(old) != strip(new) {
        return Err(ApiError::invalid(
            "StatefulSet",
            &new.metadata.name,
            &["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".to_string()],
        ));
    }
    Ok(())
}
