//! The kubelet end to end, as `kubectl get pod -w` would show it: probes, restarts and
//! CrashLoopBackOff, graceful termination, Secrets and ConfigMaps in env and volumes, several
//! containers in a pod.

mod common;

use common::*;
use expect_test::{expect, Expect};
use kubeplay_api::summary::{pod_ready, pod_status};
use kubeplay_api::{Kind, Object, Pod};
use kubeplay_engine::Cluster;

/// A pod named `app` on the cluster: `annotations` and `spec` are YAML lines (indented for
/// `metadata.annotations` and the first container).
fn pod_yaml(annotations: &str, container: &str, spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  annotations:\n    kubeplay.dev/none: \"0\"\n{annotations}spec:\n{spec}  containers:\n  - name: app\n    image: nginx:1.25\n{container}"
    )
}

fn get_pod(c: &Cluster) -> Option<Pod> {
    match c.get(Kind::Pod, "default", "app") {
        Ok(Object::Pod(p)) => Some(p.clone()),
        _ => None,
    }
}

/// `kubectl get pod app -w` for `secs` seconds, in 100 ms steps: STATUS READY RESTARTS at each
/// change, with the time since the start of the watch.
fn watch(c: &mut Cluster, secs: i64) -> String {
    let start = c.now();
    let mut out: Vec<String> = Vec::new();
    let mut last = String::new();
    for _ in 0..secs * 10 {
        let line = match get_pod(c) {
            Some(p) => format!(
                "{} {} {}",
                pod_status(&p),
                pod_ready(&p),
                p.status
                    .container_statuses
                    .iter()
                    .map(|s| s.restart_count)
                    .sum::<i32>()
            ),
            None => "(gone)".into(),
        };
        if line != last {
            let t = (c.now().millis() - start.millis()) as f64 / 1000.0;
            out.push(format!("{t:.1}s {line}"));
            last = line;
        }
        c.advance(100);
    }
    out.join("\n")
}

fn check_watch(yaml: &str, secs: i64, expect: Expect) {
    let mut c = cluster(1, 31);
    apply_yaml(&mut c, yaml);
    expect.assert_eq(&watch(&mut c, secs));
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    let mut v: Vec<(i64, String)> = c
        .list(Kind::Event, Some("default"), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) if e.reason == reason => Some((
                e.first_timestamp.map_or(0, |t| t.millis()),
                format!("{} x{}: {}", e.reason, e.count, e.message),
            )),
            _ => None,
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn a_pod_starts_and_is_ready_at_once_without_probes() {
    check_watch(
        &pod_yaml("", "", ""),
        10,
        expect![[r#"
            0.0s Pending 0/1 0
            0.5s ContainerCreating 0/1 0
            6.0s Running 1/1 0"#]],
    );
}

#[test]
fn a_readiness_probe_holds_a_slow_app_back_until_it_serves() {
    let probe = "    readinessProbe:\n      httpGet:\n        path: /\n        port: 80\n      periodSeconds: 2\n";
    let yaml = pod_yaml("    kubeplay.dev/startup-seconds: \"10\"\n", probe, "");
    let mut c = cluster(1, 31);
    apply_yaml(&mut c, &yaml);
    expect![[r#"
        0.0s Pending 0/1 0
        0.5s ContainerCreating 0/1 0
        6.0s Running 0/1 0
        16.1s Running 1/1 0"#]]
    .assert_eq(&watch(&mut c, 20));
    let ip = get_pod(&c).map(|p| p.status.pod_ip).unwrap_or_default();
    let unhealthy = events(&c, "Unhealthy").join("\n").replace(&ip, "IP");
    expect![[r#"Unhealthy x5: Readiness probe failed: Get "http://IP:80/": dial tcp IP:80: connect: connection refused"#]]
        .assert_eq(&unhealthy);
}

#[test]
fn a_liveness_probe_restarts_an_app_that_starts_too_slowly() {
    // 40 s to start; liveness every 10 s, 3 failures: killed at the third failing probe, again
    // and again, then in CrashLoopBackOff.
    let probe = "    livenessProbe:\n      tcpSocket:\n        port: 80\n";
    check_watch(
        &pod_yaml("    kubeplay.dev/startup-seconds: \"40\"\n", probe, ""),
        150,
        expect![[r#"
            0.0s Pending 0/1 0
            0.5s ContainerCreating 0/1 0
            6.0s Running 1/1 0
            30.1s Error 0/1 0
            31.1s Running 1/1 1
            60.1s Error 0/1 1
            61.1s CrashLoopBackOff 0/1 1
            70.1s Running 1/1 2
            90.1s Error 0/1 2
            91.1s CrashLoopBackOff 0/1 2
            110.1s Running 1/1 3
            130.1s Error 0/1 3
            131.1s CrashLoopBackOff 0/1 3"#]],
    );
}

#[test]
fn crash_loop_back_off_doubles_from_ten_seconds() {
    let mut c = cluster(1, 32);
    apply_yaml(
        &mut c,
        &pod_yaml("    kubeplay.dev/crash-after-seconds: \"2\"\n", "", ""),
    );
    expect![[r#"
        0.0s Pending 0/1 0
        0.5s ContainerCreating 0/1 0
        5.2s Running 1/1 0
        7.2s Error 0/1 0
        8.2s Running 1/1 1
        10.2s Error 0/1 1
        11.2s CrashLoopBackOff 0/1 1
        20.2s Running 1/1 2
        22.2s Error 0/1 2
        23.2s CrashLoopBackOff 0/1 2
        42.2s Running 1/1 3
        44.2s Error 0/1 3
        45.2s CrashLoopBackOff 0/1 3
        84.2s Running 1/1 4
        86.2s Error 0/1 4
        87.2s CrashLoopBackOff 0/1 4"#]]
    .assert_eq(&watch(&mut c, 90));
    let p = get_pod(&c).unwrap_or_default();
    let cs = &p.status.container_statuses[0];
    let waiting = cs.state.waiting.clone().unwrap_or_default();
    expect![[r#"back-off 1m20s restarting failed container=app pod=app_default(UID)"#]]
        .assert_eq(&waiting.message.replace(&p.metadata.uid, "UID"));
    let last = cs.last_state.terminated.clone().unwrap_or_default();
    assert_eq!((last.exit_code, last.reason.as_str()), (1, "Error"));
    assert_eq!(p.status.phase, "Running");
    expect!["BackOff x4: Back-off restarting failed container app in pod app_default(UID)"]
        .assert_eq(
            &events(&c, "BackOff")
                .join("\n")
                .replace(&p.metadata.uid, "UID"),
        );
}

#[test]
fn the_crash_back_off_resets_after_ten_minutes_of_running() {
    let mut c = cluster(1, 33);
    apply_yaml(
        &mut c,
        &pod_yaml("    kubeplay.dev/crash-after-seconds: \"700\"\n", "", ""),
    );
    c.advance(2_200_000);
    let p = get_pod(&c).unwrap_or_default();
    assert_eq!(p.status.container_statuses[0].restart_count, 3);
    assert!(
        events(&c, "BackOff").is_empty(),
        "never in CrashLoopBackOff"
    );
}

#[test]
fn restart_policy_never_leaves_a_crashed_pod_failed() {
    let yaml = pod_yaml(
        "    kubeplay.dev/crash-after-seconds: \"2\"\n",
        "",
        "  restartPolicy: Never\n",
    );
    let mut c = cluster(1, 31);
    apply_yaml(&mut c, &yaml);
    c.advance(15_000);
    assert_eq!(get_pod(&c).map(|p| p.status.phase), Some("Failed".into()));
    check_watch(
        &yaml,
        15,
        expect![[r#"
            0.0s Pending 0/1 0
            0.5s ContainerCreating 0/1 0
            6.0s Running 1/1 0
            8.0s Error 0/1 0"#]],
    );
}

/// Deletes the pod after it runs, then watches it go.
fn check_termination(annotations: &str, container: &str, spec: &str, expect: Expect) {
    let mut c = cluster(1, 34);
    apply_yaml(&mut c, &pod_yaml(annotations, container, spec));
    c.advance(10_000);
    c.delete(Kind::Pod, "default", "app", None)
        .expect("deleted");
    let w = watch(&mut c, 40);
    expect.assert_eq(&w);
}

#[test]
fn graceful_termination_runs_pre_stop_then_sigterm_within_the_grace_period() {
    // No hook, the app exits at SIGTERM.
    check_termination(
        "",
        "",
        "",
        expect![[r#"
           0.0s Terminating 1/1 0
           0.1s (gone)"#]],
    );
    // preStop sleep 5 s, then 3 s to shut down.
    check_termination(
        "    kubeplay.dev/shutdown-seconds: \"3\"\n",
        "    lifecycle:\n      preStop:\n        sleep:\n          seconds: 5\n",
        "",
        expect![[r#"
               0.0s Terminating 1/1 0
               8.0s (gone)"#]],
    );
    // An exec hook running `sleep 7`.
    check_termination(
        "",
        "    lifecycle:\n      preStop:\n        exec:\n          command: [\"/bin/sh\", \"-c\", \"sleep 7\"]\n",
        "",
        expect![[r#"
               0.0s Terminating 1/1 0
               7.0s (gone)"#]],
    );
    // The hook outlasts terminationGracePeriodSeconds 4: cut at 4 s, then the 2 s minimum
    // before SIGKILL.
    check_termination(
        "    kubeplay.dev/shutdown-seconds: \"30\"\n",
        "    lifecycle:\n      preStop:\n        sleep:\n          seconds: 10\n",
        "  terminationGracePeriodSeconds: 4\n",
        expect![[r#"
               0.0s Terminating 1/1 0
               6.0s (gone)"#]],
    );
    // A slow shutdown is killed when the grace period (30 s) ends.
    check_termination(
        "    kubeplay.dev/shutdown-seconds: \"45\"\n",
        "",
        "",
        expect![[r#"
            0.0s Terminating 1/1 0
            30.0s (gone)"#]],
    );
}

#[test]
fn the_last_status_of_a_killed_pod_says_so() {
    let mut c = cluster(1, 35);
    apply_yaml(
        &mut c,
        &pod_yaml(
            "    kubeplay.dev/shutdown-seconds: \"45\"\n",
            "",
            "  terminationGracePeriodSeconds: 5\n",
        ),
    );
    c.advance(10_000);
    c.delete(Kind::Pod, "default", "app", None)
        .expect("deleted");
    c.advance(10_000);
    let last_status = c
        .trace()
        .unwrap_or_default()
        .iter()
        .rev()
        .find(|l| l.contains("\"MODIFIED\"") && l.contains("\"kind\":\"Pod\""))
        .cloned()
        .unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&last_status).unwrap_or_default();
    let status = &v["object"]["status"];
    expect![[r#"Failed 137 Error"#]].assert_eq(&format!(
        "{} {} {}",
        status["phase"].as_str().unwrap_or(""),
        status["containerStatuses"][0]["state"]["terminated"]["exitCode"],
        status["containerStatuses"][0]["state"]["terminated"]["reason"]
            .as_str()
            .unwrap_or("")
    ));
}

const SECRET_ENV: &str = "    env:\n    - name: PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db\n          key: password\n";

fn secret_yaml(name: &str, kv: &str) -> String {
    format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\nstringData:\n  {kv}\n")
}

#[test]
fn env_from_a_missing_secret_is_a_create_container_config_error() {
    let mut c = cluster(1, 36);
    apply_yaml(&mut c, &pod_yaml("", SECRET_ENV, ""));
    c.advance(10_000);
    let p = get_pod(&c).unwrap_or_default();
    expect!["CreateContainerConfigError: secret \"db\" not found"].assert_eq(&format!(
        "{}: {}",
        pod_status(&p),
        p.status.container_statuses[0]
            .state
            .waiting
            .clone()
            .unwrap_or_default()
            .message
    ));
    expect![[r#"Failed x1: Error: secret "db" not found"#]]
        .assert_eq(&events(&c, "Failed").join("\n"));
    // A Secret without the key: the kubelet's other message.
    apply_yaml(&mut c, &secret_yaml("db", "user: admin"));
    c.advance(16_000);
    let p = get_pod(&c).unwrap_or_default();
    expect!["couldn't find key password in Secret default/db"].assert_eq(
        &p.status.container_statuses[0]
            .state
            .waiting
            .clone()
            .unwrap_or_default()
            .message,
    );
    // With the key, the next retry starts the container with it.
    apply_yaml(&mut c, &secret_yaml("db", "password: s3cret"));
    c.advance(16_000);
    let p = get_pod(&c).unwrap_or_default();
    assert_eq!(pod_status(&p), "Running");
    let env = |c: &Cluster| {
        c.pod_runtime("default", "app")
            .and_then(|r| {
                r.containers
                    .first()
                    .and_then(|c| c.env.get("PASSWORD").cloned())
            })
            .unwrap_or_default()
    };
    assert_eq!(env(&c), "s3cret");
    // Env is fixed at container start: a new Secret value does not reach the running process.
    apply_yaml(&mut c, &secret_yaml("db", "password: rotated"));
    c.advance(120_000);
    assert_eq!(env(&c), "s3cret");
}

#[test]
fn a_mounted_secret_updates_after_the_kubelet_sync_delay() {
    let mut c = cluster(1, 37);
    let volume = "    volumeMounts:\n    - name: creds\n      mountPath: /etc/creds\n";
    let spec = "  volumes:\n  - name: creds\n    secret:\n      secretName: db\n";
    apply_yaml(&mut c, &pod_yaml("", volume, spec));
    c.advance(5_000);
    let p = get_pod(&c).unwrap_or_default();
    assert_eq!(pod_status(&p), "ContainerCreating");
    assert!(
        p.status.pod_ip.is_empty(),
        "no sandbox before the volumes mount"
    );
    expect![[
        r#"FailedMount x4: MountVolume.SetUp failed for volume "creds" : secret "db" not found"#
    ]]
    .assert_eq(&events(&c, "FailedMount").join("\n"));
    apply_yaml(&mut c, &secret_yaml("db", "password: one"));
    c.advance(20_000);
    let file = |c: &Cluster| {
        c.pod_runtime("default", "app")
            .and_then(|r| {
                r.volumes
                    .get("creds")
                    .and_then(|v| v.files.get("password").cloned())
            })
            .unwrap_or_default()
    };
    assert_eq!(pod_status(&get_pod(&c).unwrap_or_default()), "Running");
    assert_eq!(file(&c), "one");
    apply_yaml(&mut c, &secret_yaml("db", "password: two"));
    let changed = c.now();
    let mut seen_at = None;
    for _ in 0..1000 {
        c.advance(100);
        if file(&c) == "two" {
            seen_at = Some(c.now().millis() - changed.millis());
            break;
        }
    }
    let seen = seen_at.unwrap_or(i64::MAX);
    assert!((30_000..=90_000).contains(&seen), "seen after {seen} ms");
}

#[test]
fn each_container_has_its_status_and_ready_counts_them() {
    // A sidecar whose image tag does not exist: the app runs, the pod is 1/2 and Pending.
    let sidecar = "  - name: sidecar\n    image: busybox:9.9\n";
    let yaml = pod_yaml("", sidecar, "");
    let mut c = cluster(1, 38);
    apply_yaml(&mut c, &yaml);
    expect![[r#"
        0.0s Pending 0/2 0
        0.5s ContainerCreating 0/2 0
        6.1s ContainerCreating 1/2 0
        7.6s ErrImagePull 1/2 0
        9.6s ImagePullBackOff 1/2 0"#]]
    .assert_eq(&watch(&mut c, 15));
    let p = get_pod(&c).unwrap_or_default();
    assert_eq!(p.status.phase, "Pending");
    assert!(p.status.container_statuses[0].state.running.is_some());
    // Two good containers: 2/2. (A busybox with no command would exit at once, as its `sh`
    // does with no terminal.)
    let yaml = pod_yaml(
        "",
        "  - name: sidecar\n    image: busybox:1.36\n    command: [\"sleep\", \"infinity\"]\n",
        "",
    );
    let mut c = cluster(1, 39);
    apply_yaml(&mut c, &yaml);
    expect![[r#"
        0.0s Pending 0/2 0
        0.5s ContainerCreating 0/2 0
        5.9s ContainerCreating 1/2 0
        7.4s Running 2/2 0"#]]
    .assert_eq(&watch(&mut c, 15));
}
