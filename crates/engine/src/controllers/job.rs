//! The Job controller: runs a Job's pods until `completions` of them succeed, `parallelism` at a
//! time (one pod per index, `<job>-<index>-<5 chars>`, for Indexed Jobs), re-creates failed pods
//! after an exponential back-off (10 s doubling, at most 6 min) until more than `backoffLimit`
//! failed (container restarts count too under `restartPolicy: OnFailure`), applies
//! `podFailurePolicy` rules and `activeDeadlineSeconds`, deletes its pods when suspended, and
//! reports status as upstream's does: `SuccessCriteriaMet` then `Complete` once no pod is left
//! running, `FailureTarget` then `Failed` once its pods are gone. The TTL-after-finished
//! controller deletes a finished Job `ttlSecondsAfterFinished` after it finished.
//!
//! Upstream tracks counted pods with a finalizer on each pod; the playground keeps the same
//! bookkeeping beside the Job ([`Tracking`]), so a pod deleted while it runs still counts as a
//! failure and a counted pod removed later is not lost.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_api::batch::{self, Job, JobStatus};
use kubeplay_api::core::{EnvVar, EnvVarSource, Pod};
use kubeplay_api::meta::Condition;
use kubeplay_api::{Kind, Object, ObjectMeta, OwnerReference, Time};

use crate::store::Key;
use crate::{Cluster, Task};

/// `DefaultJobPodFailureBackOff` and the documented cap of the re-creation back-off.
const BACKOFF_INITIAL: i64 = 10_000;
const BACKOFF_MAX: i64 = 360_000;

/// What the controller remembers about a Job's pods (upstream: the tracking finalizer).
#[derive(Clone, Debug, Default)]
pub(crate) struct Tracking {
    /// Pods already counted as succeeded or failed.
    counted: BTreeSet<String>,
    /// Pods seen active: one that disappears before it was counted failed.
    seen_active: BTreeSet<String>,
    /// No new pod before this time (the back-off after a failure).
    backoff_until: Option<Time>,
}

/// What a failed pod means under the Job's `podFailurePolicy`.
enum FailureAction {
    Count,
    Ignore,
    FailJob(String),
}

impl Cluster {
    pub(crate) fn sync_job(&mut self, ns: &str, name: &str) {
        let Some(Object::Job(job)) = self.store.get(&Key::new(Kind::Job, ns, name)).cloned() else {
            return;
        };
        let job: Job = *job;
        if job.metadata.deletion_timestamp.is_some() {
            return;
        }
        if job.finished() {
            self.expire_finished_job(&job);
            return;
        }
        let now = self.now;
        let uid = job.metadata.uid.clone();
        let indexed = job.spec.indexed();
        let completions = job.spec.completions;
        let mut pods: Vec<Pod> = self.owned_pods(&uid, ns).into_iter().cloned().collect();
        pods.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        let mut st = job.status.clone();
        let before = st.clone();
        let mut track = self.job_tracking.remove(&uid).unwrap_or_default();

        // Count the pods that finished since the last sync.
        let mut done_indexes = parse_intervals(&st.completed_indexes);
        let mut fail_job: Option<(&str, String)> = None;
        let mut new_failures = false;
        for p in &pods {
            let puid = &p.metadata.uid;
            let phase = p.status.phase.as_str();
            if (phase == "Succeeded" || phase == "Failed") && track.counted.insert(puid.clone()) {
                track.seen_active.remove(puid);
                if phase == "Succeeded" {
                    match (indexed, pod_index(p)) {
                        (true, Some(i)) if completions.is_some_and(|c| i < c) => {
                            done_indexes.insert(i);
                        }
                        (true, _) => {}
                        (false, _) => st.succeeded += 1,
                    }
                    continue;
                }
                match failure_action(&job, p) {
                    FailureAction::Ignore => {}
                    FailureAction::Count => {
                        st.failed += 1;
                        new_failures = true;
                    }
                    FailureAction::FailJob(msg) => {
                        st.failed += 1;
                        fail_job.get_or_insert(("PodFailurePolicy", msg));
                    }
                }
            } else if p.is_active() {
                track.seen_active.insert(puid.clone());
            }
        }
        let present: BTreeSet<&str> = pods.iter().map(|p| p.metadata.uid.as_str()).collect();
        let vanished: Vec<String> = track
            .seen_active
            .iter()
            .filter(|u| !present.contains(u.as_str()) && !track.counted.contains(*u))
            .cloned()
            .collect();
        for u in vanished {
            track.seen_active.remove(&u);
            track.counted.insert(u);
            st.failed += 1;
            new_failures = true;
        }
        if indexed {
            st.succeeded = done_indexes.len() as i32;
            st.completed_indexes = format_intervals(&done_indexes);
        }

        let active: Vec<&Pod> = pods.iter().filter(|p| p.is_active()).collect();
        let restarts: i32 = if job.spec.template.spec.restart_policy == "OnFailure" {
            active
                .iter()
                .flat_map(|p| &p.status.container_statuses)
                .map(|c| c.restart_count)
                .sum()
        } else {
            0
        };
        let backoff_limit = job.spec.backoff_limit.unwrap_or(6);
        if fail_job.is_none() && st.failed + restarts > backoff_limit {
            fail_job = Some((
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit".into(),
            ));
        }
        let suspended = job.spec.suspended();
        if let (None, Some(ads), Some(start), false) = (
            &fail_job,
            job.spec.active_deadline_seconds,
            st.start_time,
            suspended,
        ) {
            let deadline = start.plus_millis(ads.saturating_mul(1000));
            if now >= deadline {
                fail_job = Some((
                    "DeadlineExceeded",
                    "Job was active longer than specified deadline".into(),
                ));
            } else {
                self.schedule_at(deadline, Task::SyncJob(ns.into(), name.into()));
            }
        }
        let complete = match completions {
            Some(c) => st.succeeded >= c,
            None => st.succeeded > 0 && active.is_empty(),
        };
        let what = format!("Job {ns}/{name}");
        let job_obj = Object::Job(Box::new(job.clone()));
        let mut to_delete: Vec<String> = Vec::new();
        let mut to_create: Vec<Option<i32>> = Vec::new();

        let failing = job
            .condition("FailureTarget")
            .map(|c| (c.reason.clone(), c.message.clone()));
        if let Some((reason, message)) = fail_job.map(|(r, m)| (r.to_string(), m)).or(failing) {
            if set_condition(&mut st, "FailureTarget", "True", &reason, &message, now) {
                self.event(
                    &job_obj,
                    "Warning",
                    &reason,
                    message.clone(),
                    "job-controller",
                    "",
                );
                self.record(
                    "job-controller",
                    what.clone(),
                    format!("failing: {message}"),
                );
            }
            to_delete.extend(active.iter().map(|p| p.metadata.name.clone()));
            let left = pods.iter().any(|p| p.is_active() || p.is_terminating());
            if !left && set_condition(&mut st, "Failed", "True", &reason, &message, now) {
                self.record("job-controller", what.clone(), "failed".into());
            }
        } else if complete {
            let msg = "Reached expected number of succeeded pods";
            set_condition(
                &mut st,
                "SuccessCriteriaMet",
                "True",
                "CompletionsReached",
                msg,
                now,
            );
            to_delete.extend(active.iter().map(|p| p.metadata.name.clone()));
            let left = pods.iter().any(|p| p.is_active() || p.is_terminating());
            if !left && set_condition(&mut st, "Complete", "True", "CompletionsReached", msg, now) {
                st.completion_time = Some(now);
                self.event(
                    &job_obj,
                    "Normal",
                    "Completed",
                    "Job completed".into(),
                    "job-controller",
                    "",
                );
                self.record("job-controller", what.clone(), "completed".into());
            }
        } else if suspended {
            if set_condition(
                &mut st,
                "Suspended",
                "True",
                "JobSuspended",
                "Job suspended",
                now,
            ) {
                self.event(
                    &job_obj,
                    "Normal",
                    "Suspended",
                    "Job suspended".into(),
                    "job-controller",
                    "",
                );
            }
            // Pods stopped by a suspension are not failures.
            for p in &active {
                track.seen_active.remove(&p.metadata.uid);
                track.counted.insert(p.metadata.uid.clone());
            }
            to_delete.extend(active.iter().map(|p| p.metadata.name.clone()));
        } else {
            if job.condition("Suspended").is_some() {
                set_condition(
                    &mut st,
                    "Suspended",
                    "False",
                    "JobResumed",
                    "Job resumed",
                    now,
                );
                self.event(
                    &job_obj,
                    "Normal",
                    "Resumed",
                    "Job resumed".into(),
                    "job-controller",
                    "",
                );
                st.start_time = Some(now);
            }
            st.start_time.get_or_insert(now);
            if new_failures {
                let failures = (st.failed + restarts).clamp(1, 30) as u32;
                let delay = BACKOFF_INITIAL
                    .saturating_mul(1 << (failures - 1).min(20))
                    .min(BACKOFF_MAX);
                track.backoff_until = Some(now.plus_millis(delay));
            }
            let parallelism = job.spec.parallelism.unwrap_or(1).max(0) as usize;
            let wanted = match completions {
                Some(c) => parallelism.min((c - st.succeeded).max(0) as usize),
                None if st.succeeded > 0 => 0,
                None => parallelism,
            };
            if active.len() > wanted {
                // Newest (highest index) first, as upstream's active-pod ranking ends.
                let mut extra: Vec<&Pod> = active.clone();
                extra.sort_by_key(|p| {
                    std::cmp::Reverse((pod_index(p), p.metadata.creation_timestamp))
                });
                to_delete.extend(
                    extra
                        .iter()
                        .take(active.len() - wanted)
                        .map(|p| p.metadata.name.clone()),
                );
            } else if active.len() < wanted {
                match track.backoff_until.filter(|t| *t > now) {
                    Some(t) => self.schedule_at(t, Task::SyncJob(ns.into(), name.into())),
                    None if indexed => {
                        let busy: BTreeSet<i32> =
                            active.iter().filter_map(|p| pod_index(p)).collect();
                        to_create.extend(
                            (0..completions.unwrap_or(0))
                                .filter(|i| !done_indexes.contains(i) && !busy.contains(i))
                                .take(wanted - active.len())
                                .map(Some),
                        );
                    }
                    None => to_create.extend(std::iter::repeat_n(None, wanted - active.len())),
                }
            }
        }

        let mut created = 0;
        for index in to_create.into_iter().take(500) {
            if self.create_job_pod(&job, index) {
                created += 1;
            }
        }
        if created > 0 {
            self.record(
                "job-controller",
                what.clone(),
                format!("creating {created} pod(s)"),
            );
        }
        for p in &to_delete {
            let key = Key::new(Kind::Pod, ns, p);
            if self.store.contains(&key) {
                self.event(
                    &job_obj,
                    "Normal",
                    "SuccessfulDelete",
                    format!("Deleted pod: {p}"),
                    "job-controller",
                    "",
                );
                self.delete_pod_gracefully(&key, None);
            }
        }
        let deleting: BTreeSet<&String> = to_delete.iter().collect();
        st.active = active
            .iter()
            .filter(|p| !deleting.contains(&p.metadata.name))
            .count() as i32
            + created;
        st.ready = Some(
            active
                .iter()
                .filter(|p| p.is_ready() && !deleting.contains(&p.metadata.name))
                .count() as i32,
        );
        st.terminating =
            Some(pods.iter().filter(|p| p.is_terminating()).count() as i32 + deleting.len() as i32);
        st.uncounted_terminated_pods = Some(serde_json::json!({}));
        self.job_tracking.insert(uid, track);
        if st != before {
            let mut job = job;
            job.status = st;
            let finished = job.finished();
            let job = Object::Job(Box::new(job));
            self.store.put(job.clone(), now);
            if finished {
                if let Object::Job(j) = &job {
                    self.expire_finished_job(j);
                }
            }
        }
    }

    /// Creates one pod from the Job's template (`index` for an Indexed Job).
    fn create_job_pod(&mut self, job: &Job, index: Option<i32>) -> bool {
        let ns = job.metadata.namespace.clone();
        let jname = &job.metadata.name;
        let prefix = match index {
            Some(i) => format!("{jname}-{i}-"),
            None => format!("{jname}-"),
        };
        let name = self.free_pod_name(&ns, &prefix);
        let tmpl = &job.spec.template;
        let mut meta = ObjectMeta::named(&ns, &name);
        meta.generate_name = prefix;
        meta.labels = tmpl.metadata.labels.clone();
        meta.annotations = tmpl.metadata.annotations.clone();
        meta.owner_references = vec![OwnerReference {
            api_version: "batch/v1".into(),
            kind: "Job".into(),
            name: jname.clone(),
            uid: job.metadata.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        let mut spec = tmpl.spec.clone();
        if let Some(i) = index {
            meta.annotations
                .insert(batch::COMPLETION_INDEX.into(), i.to_string());
            meta.labels
                .insert(batch::COMPLETION_INDEX.into(), i.to_string());
            spec.extra
                .entry("hostname".into())
                .or_insert_with(|| format!("{jname}-{i}").into());
            for c in spec
                .containers
                .iter_mut()
                .chain(spec.init_containers.iter_mut())
            {
                if !c.env.iter().any(|e| e.name == "JOB_COMPLETION_INDEX") {
                    let mut from = EnvVarSource::default();
                    from.extra.insert(
                        "fieldRef".into(),
                        serde_json::json!({
                            "apiVersion": "v1",
                            "fieldPath": format!("metadata.annotations['{}']", batch::COMPLETION_INDEX),
                        }),
                    );
                    c.env.push(EnvVar {
                        name: "JOB_COMPLETION_INDEX".into(),
                        value: None,
                        value_from: Some(from),
                    });
                }
            }
        }
        let pod = Pod {
            metadata: meta,
            spec,
            status: Default::default(),
        };
        let about = Object::Job(Box::new(job.clone()));
        match self.create(Object::Pod(pod)) {
            Ok(_) => {
                self.event(
                    &about,
                    "Normal",
                    "SuccessfulCreate",
                    format!("Created pod: {name}"),
                    "job-controller",
                    "",
                );
                true
            }
            Err(e) => {
                self.event(
                    &about,
                    "Warning",
                    "FailedCreate",
                    format!("Error creating: {}", e.message),
                    "job-controller",
                    "",
                );
                false
            }
        }
    }

    /// The TTL-after-finished controller: deletes a finished Job once its TTL has passed.
    fn expire_finished_job(&mut self, job: &Job) {
        let Some(ttl) = job.spec.ttl_seconds_after_finished else {
            return;
        };
        let finished_at = job
            .status
            .completion_time
            .or_else(|| job.condition("Failed").and_then(|c| c.last_transition_time))
            .unwrap_or(self.now);
        let expires = finished_at.plus_millis(i64::from(ttl) * 1000);
        let (ns, name) = (&job.metadata.namespace, &job.metadata.name);
        if self.now >= expires {
            self.record(
                "ttl-after-finished-controller",
                format!("Job {ns}/{name}"),
                format!("deleting: finished {ttl}s ago (ttlSecondsAfterFinished)"),
            );
            let _ = self.delete(Kind::Job, ns, name, None);
        } else {
            self.schedule_at(expires, Task::SyncJob(ns.clone(), name.clone()));
        }
    }

    /// Forgets what was tracked for a deleted Job.
    pub(crate) fn job_deleted(&mut self, uid: &str) {
        self.job_tracking.remove(uid);
    }
}

/// Sets a condition; true if it changed (or is new).
fn set_condition(
    st: &mut JobStatus,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Time,
) -> bool {
    if let Some(c) = st.conditions.iter_mut().find(|c| c.type_ == type_) {
        if c.status == status {
            return false;
        }
        *c = Condition {
            type_: type_.into(),
            status: status.into(),
            last_probe_time: Some(now),
            last_transition_time: Some(now),
            reason: reason.into(),
            message: message.into(),
            ..Default::default()
        };
        return true;
    }
    st.conditions.push(Condition {
        type_: type_.into(),
        status: status.into(),
        last_probe_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.into(),
        message: message.into(),
        ..Default::default()
    });
    true
}

fn pod_index(p: &Pod) -> Option<i32> {
    p.metadata
        .annotation(batch::COMPLETION_INDEX)
        .and_then(|i| i.parse().ok())
        .filter(|i| *i >= 0)
}

/// The first `podFailurePolicy` rule that matches a failed pod decides what it means; with no
/// rule matching (or no policy) the failure counts.
fn failure_action(job: &Job, p: &Pod) -> FailureAction {
    let Some(policy) = &job.spec.pod_failure_policy else {
        return FailureAction::Count;
    };
    let pod = format!("{}/{}", p.metadata.namespace, p.metadata.name);
    for (i, rule) in policy.rules.iter().enumerate() {
        let matched = if let Some(codes) = &rule.on_exit_codes {
            p.status.container_statuses.iter().find_map(|cs| {
                let t = cs.state.terminated.as_ref()?;
                let name_ok = codes.container_name.as_ref().is_none_or(|n| *n == cs.name);
                let hit = match codes.operator.as_str() {
                    "In" => codes.values.contains(&t.exit_code),
                    "NotIn" => t.exit_code != 0 && !codes.values.contains(&t.exit_code),
                    _ => false,
                };
                (name_ok && hit).then(|| {
                    format!(
                        "Container {} for pod {pod} failed with exit code {} matching {} rule at index {i}",
                        cs.name, t.exit_code, rule.action
                    )
                })
            })
        } else {
            rule.on_pod_conditions.iter().find_map(|pc| {
                let want = if pc.status.is_empty() {
                    "True"
                } else {
                    pc.status.as_str()
                };
                p.condition(&pc.type_)
                    .filter(|c| c.status == want)
                    .map(|_| {
                        format!(
                            "Pod {pod} has condition {} matching {} rule at index {i}",
                            pc.type_, rule.action
                        )
                    })
            })
        };
        if let Some(msg) = matched {
            return match rule.action.as_str() {
                "Ignore" => FailureAction::Ignore,
                "FailJob" => FailureAction::FailJob(msg),
                // FailIndex acts with backoffLimitPerIndex, which the playground does not model:
                // the failure counts.
                _ => FailureAction::Count,
            };
        }
    }
    FailureAction::Count
}

/// `0-2,4` → {0, 1, 2, 4}.
fn parse_intervals(s: &str) -> BTreeSet<i32> {
    let mut out = BTreeSet::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.parse::<i32>(), b.parse::<i32>()) {
            out.extend(a..=b.min(a.saturating_add(100_000)));
        }
    }
    out
}

/// {0, 1, 2, 4} → `0-2,4`, as `status.completedIndexes` is written.
fn format_intervals(set: &BTreeSet<i32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = set.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
    }
    parts.join(",")
}

/// Labels the API server puts on a new Job's template and selector (`generateSelector`).
pub(crate) fn admit_job(job: &mut Job) {
    let uid = job.metadata.uid.clone();
    let name = job.metadata.name.clone();
    if job.spec.manual_selector != Some(true) {
        let labels = &mut job.spec.template.metadata.labels;
        labels.insert(batch::CONTROLLER_UID_LABEL.into(), uid.clone());
        labels.insert(batch::JOB_NAME_LABEL.into(), name.clone());
        labels.insert(batch::LEGACY_CONTROLLER_UID_LABEL.into(), uid.clone());
        labels.insert(batch::LEGACY_JOB_NAME_LABEL.into(), name);
        job.spec.selector = Some(kubeplay_api::LabelSelector {
            match_labels: BTreeMap::from([(batch::CONTROLLER_UID_LABEL.to_string(), uid)]),
            ..Default::default()
        });
    }
    // `SetDefaults_Job`, applied again when the stored Job is read: a Job without labels gets
    // its template's.
    if job.metadata.labels.is_empty() {
        job.metadata.labels = job.spec.template.metadata.labels.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_indexes_round_trip() {
        for (text, want) in [
            ("", vec![]),
            ("0-2,4", vec![0, 1, 2, 4]),
            ("3", vec![3]),
            ("0,2-3,7-9", vec![0, 2, 3, 7, 8, 9]),
        ] {
            let set = parse_intervals(text);
            assert_eq!(set.iter().copied().collect::<Vec<_>>(), want, "{text}");
            assert_eq!(format_intervals(&set), text);
        }
    }
}
