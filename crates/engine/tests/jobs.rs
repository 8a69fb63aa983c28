//! Jobs and CronJobs end to end, as `kubectl get job,pods -w` would show them: completions and
//! parallelism, back-off and `backoffLimit`, `podFailurePolicy`, `activeDeadlineSeconds`,
//! Indexed Jobs, suspension, TTL after finished; CronJobs firing on the simulated clock with
//! their concurrency policies and history limits.

mod common;

use common::*;
use expect_test::{expect, Expect};
use kubeplay_api::summary::pod_status;
use kubeplay_api::{Job, Kind, Object};
use kubeplay_engine::Cluster;

fn job_yaml(spec: &str, command: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: work\nspec:\n{spec}  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: main\n        image: busybox:1.36\n        command: {command}\n"
    )
}

fn job(c: &Cluster, name: &str) -> Option<Job> {
    match c.get(Kind::Job, "default", name) {
        Ok(Object::Job(j)) => Some((**j).clone()),
        _ => None,
    }
}

/// One line of what the Job and its pods look like now.
fn job_line(c: &Cluster, name: &str) -> String {
    let Some(j) = job(c, name) else {
        return "(job gone)".into();
    };
    let conds: Vec<String> = j
        .status
        .conditions
        .iter()
        .filter(|c| c.status == "True")
        .map(|c| format!("{}({})", c.type_, c.reason))
        .collect();
    let mut pods: Vec<String> = pods(c)
        .iter()
        .filter(|p| p.metadata.labels.get("job-name").map(String::as_str) == Some(name))
        .map(|p| {
            let index = p
                .metadata
                .annotation("batch.kubernetes.io/job-completion-index")
                .map(|i| format!("#{i} "))
                .unwrap_or_default();
            format!("{index}{}", pod_status(p))
        })
        .collect();
    pods.sort();
    format!(
        "active={} succeeded={} failed={} {}| {}",
        j.status.active,
        j.status.succeeded,
        j.status.failed,
        if conds.is_empty() {
            String::new()
        } else {
            format!("{} ", conds.join(","))
        },
        pods.join(", ")
    )
}

/// Applies `yaml` and prints each change of the Job's line for `secs` seconds (500 ms steps).
fn check(yaml: &str, secs: i64, expect: Expect) {
    let mut c = cluster(2, 5);
    c.advance(1_000);
    apply_yaml(&mut c, yaml);
    let start = c.now();
    let mut out = Vec::new();
    let mut last = String::new();
    for _ in 0..secs * 2 {
        let line = job_line(&c, "work");
        if line != last {
            let t = (c.now().millis() - start.millis()) as f64 / 1000.0;
            out.push(format!("{t:.1}s {line}"));
            last = line;
        }
        c.advance(500);
    }
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn a_job_runs_its_pod_to_completion() {
    check(
        &job_yaml("", r#"["sh", "-c", "echo working; sleep 5"]"#),
        12,
        expect![[r#"
              0.0s active=0 succeeded=0 failed=0 | 
              0.5s active=1 succeeded=0 failed=0 | ContainerCreating
              2.0s active=1 succeeded=0 failed=0 | Running
              7.0s active=0 succeeded=1 failed=0 SuccessCriteriaMet(CompletionsReached),Complete(CompletionsReached) | Completed"#]],
    );
}

#[test]
fn completions_run_parallelism_at_a_time() {
    check(
        &job_yaml("  completions: 5\n  parallelism: 2\n", r#"["sleep", "3"]"#),
        30,
        expect![[r#"
            0.0s active=0 succeeded=0 failed=0 | 
            0.5s active=2 succeeded=0 failed=0 | ContainerCreating, ContainerCreating
            2.0s active=2 succeeded=0 failed=0 | ContainerCreating, Running
            2.5s active=2 succeeded=0 failed=0 | Running, Running
            5.0s active=2 succeeded=0 failed=0 | Completed, Running
            5.5s active=2 succeeded=2 failed=0 | Completed, Completed, Pending, Pending
            6.0s active=2 succeeded=2 failed=0 | Completed, Completed, ContainerCreating, ContainerCreating
            6.5s active=2 succeeded=2 failed=0 | Completed, Completed, Running, Running
            9.5s active=1 succeeded=4 failed=0 | Completed, Completed, Completed, Completed, Pending
            10.0s active=1 succeeded=4 failed=0 | Completed, Completed, Completed, Completed, ContainerCreating
            10.5s active=1 succeeded=4 failed=0 | Completed, Completed, Completed, Completed, Running
            13.5s active=0 succeeded=5 failed=0 SuccessCriteriaMet(CompletionsReached),Complete(CompletionsReached) | Completed, Completed, Completed, Completed, Completed"#]],
    );
}

#[test]
fn failures_back_off_until_the_limit() {
    check(
        &job_yaml("  backoffLimit: 2\n", r#"["sh", "-c", "exit 1"]"#),
        120,
        expect![[r#"
            0.0s active=0 succeeded=0 failed=0 | 
            0.5s active=1 succeeded=0 failed=0 | ContainerCreating
            2.0s active=0 succeeded=0 failed=1 | Error
            12.0s active=1 succeeded=0 failed=1 | Error, Pending
            12.5s active=1 succeeded=0 failed=1 | ContainerCreating, Error
            13.0s active=0 succeeded=0 failed=2 | Error, Error
            33.0s active=1 succeeded=0 failed=2 | Error, Error, Pending
            33.5s active=1 succeeded=0 failed=2 | ContainerCreating, Error, Error
            34.0s active=0 succeeded=0 failed=3 FailureTarget(BackoffLimitExceeded),Failed(BackoffLimitExceeded) | Error, Error, Error"#]],
    );
}

#[test]
fn pod_failure_policy_fails_the_job_on_an_exit_code() {
    check(
        &job_yaml(
            "  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes:\n        containerName: main\n        operator: In\n        values: [42]\n",
            r#"["sh", "-c", "sleep 2; exit 42"]"#,
        ),
        20,
        expect![[r#"
              0.0s active=0 succeeded=0 failed=0 | 
              0.5s active=1 succeeded=0 failed=0 | ContainerCreating
              2.0s active=1 succeeded=0 failed=0 | Running
              4.0s active=0 succeeded=0 failed=1 FailureTarget(PodFailurePolicy),Failed(PodFailurePolicy) | Error"#]],
    );
}

#[test]
fn active_deadline_stops_a_long_job() {
    check(
        &job_yaml("  activeDeadlineSeconds: 10\n", r#"["sleep", "600"]"#),
        20,
        expect![[r#"
            0.0s active=0 succeeded=0 failed=0 | 
            0.5s active=1 succeeded=0 failed=0 | ContainerCreating
            2.0s active=1 succeeded=0 failed=0 | Running
            10.5s active=0 succeeded=0 failed=1 FailureTarget(DeadlineExceeded),Failed(DeadlineExceeded) | "#]],
    );
}

#[test]
fn indexed_jobs_run_each_index_once() {
    check(
        &job_yaml(
            "  completions: 3\n  parallelism: 3\n  completionMode: Indexed\n",
            r#"["sh", "-c", "echo index $JOB_COMPLETION_INDEX; sleep 2"]"#,
        ),
        15,
        expect![[r#"
              0.0s active=0 succeeded=0 failed=0 | 
              0.5s active=3 succeeded=0 failed=0 | #0 ContainerCreating, #1 Pending, #2 ContainerCreating
              1.0s active=3 succeeded=0 failed=0 | #0 ContainerCreating, #1 ContainerCreating, #2 ContainerCreating
              2.0s active=3 succeeded=0 failed=0 | #0 Running, #1 ContainerCreating, #2 Running
              2.5s active=3 succeeded=0 failed=0 | #0 Running, #1 Running, #2 Running
              4.0s active=1 succeeded=2 failed=0 | #0 Completed, #1 Running, #2 Completed
              4.5s active=0 succeeded=3 failed=0 SuccessCriteriaMet(CompletionsReached),Complete(CompletionsReached) | #0 Completed, #1 Completed, #2 Completed"#]],
    );
}

#[test]
fn ttl_after_finished_deletes_the_job_and_its_pods() {
    check(
        &job_yaml("  ttlSecondsAfterFinished: 5\n", r#"["echo", "done"]"#),
        20,
        expect![[r#"
              0.0s active=0 succeeded=0 failed=0 | 
              0.5s active=1 succeeded=0 failed=0 | ContainerCreating
              2.0s active=0 succeeded=1 failed=0 SuccessCriteriaMet(CompletionsReached),Complete(CompletionsReached) | Completed
              7.0s (job gone)"#]],
    );
}

#[test]
fn a_deleted_running_pod_counts_as_a_failure_and_is_replaced() {
    let mut c = cluster(1, 5);
    apply_yaml(&mut c, &job_yaml("", r#"["sleep", "30"]"#));
    c.advance(5_000);
    let victim = pods(&c)[0].metadata.name.clone();
    c.delete(Kind::Pod, "default", &victim, Some(0)).unwrap();
    c.advance(15_000);
    expect!["active=1 succeeded=0 failed=1 | Running"].assert_eq(&job_line(&c, "work"));
}

#[test]
fn suspending_a_job_deletes_its_pods_and_resuming_starts_again() {
    let mut c = cluster(1, 5);
    apply_yaml(&mut c, &job_yaml("", r#"["sleep", "30"]"#));
    c.advance(5_000);
    let mut lines = vec![job_line(&c, "work")];
    apply_yaml(&mut c, &job_yaml("  suspend: true\n", r#"["sleep", "30"]"#));
    c.advance(40_000);
    lines.push(job_line(&c, "work"));
    apply_yaml(
        &mut c,
        &job_yaml("  suspend: false\n", r#"["sleep", "30"]"#),
    );
    c.advance(5_000);
    lines.push(job_line(&c, "work"));
    expect![[r#"
        active=1 succeeded=0 failed=0 | Running
        active=0 succeeded=0 failed=0 Suspended(JobSuspended) | 
        active=1 succeeded=0 failed=0 | Running"#]]
    .assert_eq(&lines.join("\n"));
}

#[test]
fn the_job_template_is_immutable() {
    let mut c = cluster(1, 5);
    apply_yaml(&mut c, &job_yaml("", r#"["sleep", "30"]"#));
    let v = kubeplay_api::parse_documents(&job_yaml("", r#"["sleep", "31"]"#)).unwrap();
    let err = c
        .apply(Object::from_value(v[0].clone()).unwrap())
        .unwrap_err();
    expect![[
        r#"The Job "work" is invalid: spec.template: Invalid value: "...": field is immutable"#
    ]]
    .assert_eq(&err.message);
}

fn cron_yaml(spec: &str, command: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\nspec:\n  schedule: \"*/1 * * * *\"\n{spec}  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: tick\n            image: busybox:1.36\n            command: {command}\n"
    )
}

/// The CronJob's Jobs and their states, minute by minute.
fn check_cron(yaml: &str, minutes: i64, expect: Expect) {
    let mut c = cluster(1, 9);
    apply_yaml(&mut c, yaml);
    let mut out = Vec::new();
    for m in 1..=minutes {
        c.advance(60_000);
        let cj = match c.get(Kind::CronJob, "default", "tick") {
            Ok(Object::CronJob(cj)) => cj.clone(),
            _ => panic!("no cronjob"),
        };
        let jobs: Vec<String> = c
            .list(Kind::Job, Some("default"), None)
            .into_iter()
            .filter_map(|o| match o {
                Object::Job(j) => {
                    let state = if j.condition("Complete").is_some() {
                        "Complete"
                    } else if j.condition("Failed").is_some() {
                        "Failed"
                    } else {
                        "Running"
                    };
                    Some(format!("{} {state}", j.metadata.name))
                }
                _ => None,
            })
            .collect();
        out.push(format!(
            "{m}m active={} last={} | {}",
            cj.status.active.len(),
            cj.status
                .last_schedule_time
                .map(|t| t.rfc3339())
                .unwrap_or_else(|| "-".into()),
            jobs.join(", ")
        ));
    }
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn a_cronjob_fires_every_minute_and_keeps_three_successes() {
    check_cron(
        &cron_yaml("", r#"["echo", "tick"]"#),
        6,
        expect![[r#"
         1m active=1 last=2026-01-01T00:01:00Z | tick-29453761 Running
         2m active=1 last=2026-01-01T00:02:00Z | tick-29453761 Complete, tick-29453762 Running
         3m active=1 last=2026-01-01T00:03:00Z | tick-29453761 Complete, tick-29453762 Complete, tick-29453763 Running
         4m active=1 last=2026-01-01T00:04:00Z | tick-29453761 Complete, tick-29453762 Complete, tick-29453763 Complete, tick-29453764 Running
         5m active=1 last=2026-01-01T00:05:00Z | tick-29453762 Complete, tick-29453763 Complete, tick-29453764 Complete, tick-29453765 Running
         6m active=1 last=2026-01-01T00:06:00Z | tick-29453763 Complete, tick-29453764 Complete, tick-29453765 Complete, tick-29453766 Running"#]],
    );
}

#[test]
fn forbid_skips_a_start_while_a_job_runs() {
    check_cron(
        &cron_yaml("  concurrencyPolicy: Forbid\n", r#"["sleep", "90"]"#),
        5,
        expect![[r#"
             1m active=1 last=2026-01-01T00:01:00Z | tick-29453761 Running
             2m active=1 last=2026-01-01T00:01:00Z | tick-29453761 Running
             3m active=1 last=2026-01-01T00:02:00Z | tick-29453761 Complete, tick-29453762 Running
             4m active=1 last=2026-01-01T00:02:00Z | tick-29453761 Complete, tick-29453762 Running
             5m active=1 last=2026-01-01T00:04:00Z | tick-29453761 Complete, tick-29453762 Complete, tick-29453764 Running"#]],
    );
}

#[test]
fn replace_deletes_the_running_job() {
    check_cron(
        &cron_yaml("  concurrencyPolicy: Replace\n", r#"["sleep", "90"]"#),
        4,
        expect![[r#"
             1m active=1 last=2026-01-01T00:01:00Z | tick-29453761 Running
             2m active=1 last=2026-01-01T00:02:00Z | tick-29453762 Running
             3m active=1 last=2026-01-01T00:03:00Z | tick-29453763 Running
             4m active=1 last=2026-01-01T00:04:00Z | tick-29453764 Running"#]],
    );
}

#[test]
fn a_suspended_cronjob_creates_nothing() {
    check_cron(
        &cron_yaml("  suspend: true\n", r#"["echo", "tick"]"#),
        3,
        expect![[r#"
         1m active=0 last=- | 
         2m active=0 last=- | 
         3m active=0 last=- | "#]],
    );
}
