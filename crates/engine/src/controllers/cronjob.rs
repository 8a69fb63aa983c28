//! The CronJob controller (upstream's v2 controller): at each time the schedule names, on the
//! simulated clock, it creates a Job `<cronjob>-<scheduled time in minutes since the epoch>` from
//! the Job template, unless the CronJob is suspended, the start is later than
//! `startingDeadlineSeconds`, or `concurrencyPolicy: Forbid` finds a Job still running (`Replace`
//! deletes the running ones first). It keeps `status.active`, `lastScheduleTime` and
//! `lastSuccessfulTime`, and deletes finished Jobs beyond the history limits, oldest first.

use kubeplay_api::batch::{self, CronJob, Job};
use kubeplay_api::core::ObjectReference;
use kubeplay_api::cron::{utc_offset_minutes, Schedule};
use kubeplay_api::{Kind, Object, ObjectMeta, OwnerReference, Time};

use crate::store::Key;
use crate::{Cluster, Task};

/// Missed start times looked at in one sync; upstream warns past 100 (`TooManyMissedTimes`).
const MAX_MISSED: usize = 100;

impl Cluster {
    pub(crate) fn sync_cron_job(&mut self, ns: &str, name: &str) {
        let Some(Object::CronJob(cj)) = self.store.get(&Key::new(Kind::CronJob, ns, name)).cloned()
        else {
            return;
        };
        let cj: CronJob = *cj;
        if cj.metadata.deletion_timestamp.is_some() {
            return;
        }
        let now = self.now;
        let about = Object::CronJob(Box::new(cj.clone()));
        let what = format!("CronJob {ns}/{name}");
        let mut st = cj.status.clone();
        let before = st.clone();
        let mut jobs: Vec<Job> = self
            .store
            .dependents(&cj.metadata.uid)
            .filter_map(|o| match o {
                Object::Job(j)
                    if j.metadata.namespace == ns
                        && j.metadata
                            .controller()
                            .is_some_and(|r| r.uid == cj.metadata.uid) =>
                {
                    Some((**j).clone())
                }
                _ => None,
            })
            .collect();
        jobs.sort_by_key(|j| (scheduled_time(j), j.metadata.name.clone()));

        // Jobs that finished since the last sync leave `active`.
        for j in &jobs {
            let was_active = st.active.iter().any(|r| r.uid == j.metadata.uid);
            if !was_active || !j.finished() {
                continue;
            }
            let condition = if j.condition("Complete").is_some() {
                "Complete"
            } else {
                "Failed"
            };
            self.event(
                &about,
                "Normal",
                "SawCompletedJob",
                format!(
                    "Saw completed job: {}, condition: {condition}",
                    j.metadata.name
                ),
                "cronjob-controller",
                "",
            );
            if let Some(t) = j.status.completion_time {
                st.last_successful_time = Some(st.last_successful_time.map_or(t, |l| l.max(t)));
            }
        }
        st.active = jobs
            .iter()
            .filter(|j| !j.finished())
            .map(job_reference)
            .collect();

        // History limits: the oldest finished Jobs beyond them go.
        let limits = [
            (
                "Complete",
                cj.spec.successful_jobs_history_limit.unwrap_or(3),
            ),
            ("Failed", cj.spec.failed_jobs_history_limit.unwrap_or(1)),
        ];
        for (condition, limit) in limits {
            let finished: Vec<&Job> = jobs
                .iter()
                .filter(|j| j.condition(condition).is_some())
                .collect();
            let extra = finished.len().saturating_sub(limit.max(0) as usize);
            for j in finished.into_iter().take(extra) {
                let jname = j.metadata.name.clone();
                if self.delete(Kind::Job, ns, &jname, None).is_ok() {
                    self.event(
                        &about,
                        "Normal",
                        "SuccessfulDelete",
                        format!("Deleted job {jname}"),
                        "cronjob-controller",
                        "",
                    );
                }
            }
        }

        let Ok(schedule) = Schedule::parse(&cj.spec.schedule) else {
            self.write_cron_job_status(cj, st, before);
            return;
        };
        let offset = cj
            .spec
            .time_zone
            .as_deref()
            .and_then(utc_offset_minutes)
            .map_or(0, |m| i64::from(m) * 60_000);
        // The schedule is read on the zone's wall clock.
        let next = |t: Time| {
            schedule
                .next_after(t.millis() + offset)
                .map(|n| Time(n - offset))
        };
        if cj.suspended() {
            self.write_cron_job_status(cj, st, before);
            return;
        }

        // The most recent start time due and not yet run.
        let earliest = st
            .last_schedule_time
            .or(cj.metadata.creation_timestamp)
            .unwrap_or(now);
        let mut due = None;
        let mut t = next(earliest);
        let mut missed = 0;
        while let Some(at) = t.filter(|at| *at <= now) {
            due = Some(at);
            missed += 1;
            if missed >= MAX_MISSED {
                break;
            }
            t = next(at);
        }
        if missed >= MAX_MISSED {
            self.event(
                &about,
                "Warning",
                "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into(),
                "cronjob-controller",
                "",
            );
        }
        if let Some(at) = due {
            let late = cj
                .spec
                .starting_deadline_seconds
                .is_some_and(|d| now.millis() > at.millis() + d.saturating_mul(1000));
            if late {
                self.event(
                    &about,
                    "Warning",
                    "MissSchedule",
                    format!("Missed scheduled time to start a job: {}", at.rfc3339()),
                    "cronjob-controller",
                    "",
                );
            } else if !st.active.is_empty() && cj.spec.concurrency_policy == "Forbid" {
                self.event(
                    &about,
                    "Normal",
                    "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
                    "cronjob-controller",
                    "",
                );
                self.record(
                    "cronjob-controller",
                    what.clone(),
                    format!(
                        "skipped the {} run: a Job is still running (Forbid)",
                        at.rfc3339()
                    ),
                );
            } else {
                if cj.spec.concurrency_policy == "Replace" {
                    for r in std::mem::take(&mut st.active) {
                        if self.delete(Kind::Job, ns, &r.name, None).is_ok() {
                            self.event(
                                &about,
                                "Normal",
                                "SuccessfulDelete",
                                format!("Deleted job {}", r.name),
                                "cronjob-controller",
                                "",
                            );
                        }
                    }
                }
                if let Some(r) = self.create_scheduled_job(&cj, at, offset) {
                    self.record(
                        "cronjob-controller",
                        what.clone(),
                        format!("created Job {} for {}", r.name, at.rfc3339()),
                    );
                    st.active.push(r);
                }
                st.last_schedule_time = Some(at);
            }
        }
        if let Some(at) = next(now) {
            self.schedule_at(at, Task::SyncCronJob(ns.into(), name.into()));
        }
        self.write_cron_job_status(cj, st, before);
    }

    fn write_cron_job_status(
        &mut self,
        mut cj: CronJob,
        st: batch::CronJobStatus,
        before: batch::CronJobStatus,
    ) {
        if st != before {
            cj.status = st;
            self.store.put(Object::CronJob(Box::new(cj)), self.now);
        }
    }

    /// `getJobFromTemplate2`: the Job for the start at `at`, named after it in minutes.
    fn create_scheduled_job(
        &mut self,
        cj: &CronJob,
        at: Time,
        offset: i64,
    ) -> Option<ObjectReference> {
        let ns = &cj.metadata.namespace;
        let name = format!("{}-{}", cj.metadata.name, at.millis().div_euclid(60_000));
        let tmpl = &cj.spec.job_template;
        let mut meta = ObjectMeta::named(ns, &name);
        meta.labels = tmpl.metadata.labels.clone();
        meta.annotations = tmpl.metadata.annotations.clone();
        meta.annotations.insert(
            batch::CRONJOB_SCHEDULED_TIMESTAMP.into(),
            zoned_rfc3339(at, offset),
        );
        meta.owner_references = vec![OwnerReference {
            api_version: "batch/v1".into(),
            kind: "CronJob".into(),
            name: cj.metadata.name.clone(),
            uid: cj.metadata.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        let job = Job {
            metadata: meta,
            spec: tmpl.spec.clone(),
            status: Default::default(),
        };
        let about = Object::CronJob(Box::new(cj.clone()));
        match self.create(Object::Job(Box::new(job))) {
            Ok(Object::Job(j)) => {
                self.event(
                    &about,
                    "Normal",
                    "SuccessfulCreate",
                    format!("Created job {name}"),
                    "cronjob-controller",
                    "",
                );
                Some(job_reference(&j))
            }
            Ok(_) => None,
            // Created already for this start time (the sync ran twice): nothing to do.
            Err(e) if e.message.contains("already exists") => None,
            Err(e) => {
                self.event(
                    &about,
                    "Warning",
                    "FailedCreate",
                    format!("Error creating job: {}", e.message),
                    "cronjob-controller",
                    "",
                );
                None
            }
        }
    }
}

fn job_reference(j: &Job) -> ObjectReference {
    ObjectReference {
        api_version: "batch/v1".into(),
        kind: "Job".into(),
        namespace: j.metadata.namespace.clone(),
        name: j.metadata.name.clone(),
        uid: j.metadata.uid.clone(),
        resource_version: j.metadata.resource_version.clone(),
        ..Default::default()
    }
}

/// The start time the CronJob controller stamped on a Job, or its creation.
fn scheduled_time(j: &Job) -> Option<Time> {
    j.metadata
        .annotation(batch::CRONJOB_SCHEDULED_TIMESTAMP)
        .and_then(Time::parse_rfc3339)
        .or(j.metadata.creation_timestamp)
}

/// RFC 3339 on the CronJob's zone (`2026-01-01T05:00:00+05:00`; `Z` for UTC).
fn zoned_rfc3339(t: Time, offset_ms: i64) -> String {
    if offset_ms == 0 {
        return t.rfc3339();
    }
    let local = Time(t.millis() + offset_ms).rfc3339();
    let minutes = offset_ms / 60_000;
    let sign = if minutes < 0 { '-' } else { '+' };
    format!(
        "{}{sign}{:02}:{:02}",
        local.trim_end_matches('Z'),
        minutes.abs() / 60,
        minutes.abs() % 60
    )
}
