//! Read-only checks (`Session::check`, a workshop's verify scripts) and the command log with its
//! replay (`Session::log`, `Session::replay`: saved progress and share links).

use expect_test::{expect, Expect};
use kubeplay_console::{
    Clock, LogKind, LoggedCommand, MemFiles, ReplayError, Session, SessionConfig,
};
use kubeplay_engine::ClusterConfig;

fn session(clock: Clock) -> Session {
    let mut s = Session::new(SessionConfig {
        cluster: ClusterConfig {
            seed: 7,
            record_trace: true,
        },
        clock,
    });
    s.load_named_scenario("default").expect("default scenario");
    s
}

/// A check's output as a user would see it: `! ` marks standard error, `[exit N]` the status.
fn render_check(out: &kubeplay_console::Output) -> String {
    let mut text = out.stdout.clone();
    for l in out.stderr.lines() {
        text.push_str(&format!("! {l}\n"));
    }
    text.push_str(&format!("[exit {}]\n", out.status));
    text
}

/// Runs `setup` (simulated clock), then `script` as a check.
fn check(setup: &str, script: &str, want: Expect) {
    let mut s = session(Clock::Simulated);
    let _ = s.run(setup);
    want.assert_eq(&render_check(&s.check(script)));
}

const WEB: &str = "kubectl create deployment web --image=nginx:1.25 --replicas=3\nkubectl rollout status deploy/web";

#[test]
fn checks_read_the_cluster() {
    check(
        WEB,
        "kubectl get deploy web -o jsonpath='{.status.readyReplicas}'; echo",
        expect![[r#"
            3
            [exit 0]
        "#]],
    );
    check(
        WEB,
        "kubectl get deploy nope",
        expect![[r#"
            ! Error from server (NotFound): deployments.apps "nope" not found
            [exit 1]
        "#]],
    );
    check(
        WEB,
        "kubectl get deploy nope || echo missing && echo then",
        expect![[r#"
            missing
            then
            ! Error from server (NotFound): deployments.apps "nope" not found
            [exit 0]
        "#]],
    );
    check(
        "",
        "echo 'open",
        expect![[r#"
            ! unexpected EOF while looking for matching `''
            [exit 2]
        "#]],
    );
}

#[test]
fn checks_cannot_change_the_cluster() {
    for (script, want) in [
        ("kubectl scale deploy web --replicas=5", "kubectl scale"),
        ("kubectl create ns x", "kubectl create"),
        ("kubectl -n default delete pod x", "kubectl delete"),
        ("kubectl apply -f x.yaml", "kubectl apply"),
        (
            "kubectl set image deploy/web nginx=nginx:1.26",
            "kubectl set",
        ),
        ("kubectl label deploy web a=b", "kubectl label"),
        ("kubectl annotate deploy web a=b", "kubectl annotate"),
        (
            "kubectl rollout restart deploy/web",
            "kubectl rollout restart",
        ),
        ("kubectl rollout undo deploy/web", "kubectl rollout undo"),
        ("kubectl rollout pause deploy/web", "kubectl rollout pause"),
        ("kubectl cordon node-1", "kubectl cordon"),
        ("kubectl drain node-1", "kubectl drain"),
        ("kubectl expose deploy web --port=80", "kubectl expose"),
        ("kubectl run p --image=nginx", "kubectl run"),
        ("kubectl taint node node-1 a=b:NoSchedule", "kubectl taint"),
        ("k uncordon node-1", "kubectl uncordon"),
        ("sleep 10s", "sleep"),
        ("traffic svc/web --rps 5", "traffic"),
        ("node fail node-1", "node"),
        (
            "kubectl patch deploy web -p '{\"spec\":{\"replicas\":1}}'",
            "kubectl patch",
        ),
        ("kubectl set env deploy/web A=1", "kubectl set"),
        (
            "kubectl config set-context --current --namespace=kube-system",
            "kubectl config set-context",
        ),
    ] {
        let mut s = session(Clock::Simulated);
        let _ = s.run(WEB);
        let before = s.run("kubectl get all,nodes -o yaml")[0].stdout.clone();
        let now = s.cluster().now();
        let out = s.check(script);
        assert_eq!(
            out.stderr,
            format!("error: a check cannot change the cluster ({want})\n"),
            "{script}"
        );
        assert_eq!(out.status, 1, "{script}");
        assert_eq!(s.cluster().now(), now, "{script}");
        assert_eq!(
            s.run("kubectl get all,nodes -o yaml")[0].stdout,
            before,
            "{script}"
        );
    }
    // What kubectl or the playground cannot do still says so.
    // exec only reads a simulated container: a lab's `kubectl exec pod -- env | grep X` check.
    check(
        "kubectl run web --image=nginx --env=DB_USER=admin\nkubectl wait --for=condition=Ready pod/web",
        "kubectl exec web -- env | grep -c DB_USER",
        expect![[r#"
            1
            [exit 0]
        "#]],
    );
    check(
        "",
        "kubectl port-forward web 8080:80",
        expect![[r#"
            ! error: "kubectl port-forward" is not available in the playground (it has no containers, files or kubeconfig to act on)
            [exit 1]
        "#]],
    );
}

#[test]
fn waiting_commands_look_once() {
    // Already satisfied: done at once.
    check(
        WEB,
        "kubectl rollout status deploy/web && kubectl wait --for=condition=Available deploy/web",
        expect![[r#"
            deployment "web" successfully rolled out
            deployment.apps/web condition met
            [exit 0]
        "#]],
    );
    // Not yet: the timeout error, and no time passes.
    check(
        "kubectl create deployment web --image=nginx:1.25 --replicas=3",
        "kubectl rollout status deploy/web",
        expect![[r#"
            Waiting for deployment spec update to be observed...
            ! error: timed out waiting for the condition
            [exit 1]
        "#]],
    );
    check(
        "kubectl create deployment web --image=nginx:1.25 --replicas=3",
        "kubectl wait --for=condition=Available deploy/web --timeout=60s",
        expect![[r#"
            ! error: timed out waiting for the condition on deployments.apps/web
            [exit 1]
        "#]],
    );
    // A watch prints what it sees now, and ends.
    check(
        "kubectl run p --image=nginx:1.25",
        "kubectl get pods -w",
        expect![[r#"
            NAME   READY   STATUS    RESTARTS   AGE
            p      0/1     Pending   0          0s
            [exit 0]
        "#]],
    );
}

#[test]
fn a_checks_files_are_discarded() {
    let mut s = session(Clock::Simulated);
    let out = s.check("echo hi > probe.txt; cat probe.txt");
    assert_eq!(render_check(&out), "hi\n[exit 0]\n");
    assert!(s.files().read("probe.txt").is_err());
    let _ = s.run("echo kept > f.txt");
    assert_eq!(s.check("cat f.txt; echo x >> f.txt").stdout, "kept\n");
    assert_eq!(s.files().read("f.txt").as_deref(), Ok("kept\n"));
}

#[test]
fn checks_leave_no_trace() {
    let story = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/trace/story.kp"
    ))
    .unwrap();
    let probe = "kubectl get pods -o wide; kubectl rollout status deployment/nginx; \
                 kubectl wait --for=condition=Ready pod --all --timeout=30s; kubectl get pods -w; \
                 kubectl scale deploy nginx --replicas=9; sleep 1h; traffic stop; \
                 kubectl describe deploy nginx > out.txt; kubectl top nodes; kubectl logs deploy/nginx";
    let mut s = session(Clock::Simulated);
    for st in kubeplay_console::shell::statements(&story) {
        let _ = s.check(probe);
        let _ = s.run(&st);
        let _ = s.check(probe);
    }
    let with_checks = s.cluster().trace_jsonl().unwrap_or_default();
    assert!(with_checks.lines().count() > 100);
    assert!(
        with_checks == kubeplay_console::trace_of(7, &story),
        "checks changed the trace"
    );
    assert!(s.log().iter().all(|e| !e.line.contains("scale")));
}

#[test]
fn a_check_leaves_a_waiting_command_alone() {
    let mut s = session(Clock::External);
    let first =
        s.run("kubectl create deployment web --image=nginx:1.25\nkubectl rollout status deploy/web\necho after");
    assert!(s.busy());
    let out = s.check("kubectl get deploy web -o name");
    assert_eq!(out.stdout, "deployment.apps/web\n");
    assert!(s.busy());
    let mut outs = Vec::new();
    while s.busy() {
        s.cluster_mut().advance(1_000);
        outs.extend(s.poll());
    }
    // The ids continue where they were: the check took none.
    assert_eq!(first.last().map(|o| o.id), Some(2));
    let last = outs.last().unwrap();
    assert_eq!((last.id, last.stdout.as_str()), (3, "after\n"));
}

#[test]
fn the_clock_can_be_switched() {
    let mut s = session(Clock::External);
    assert_eq!(s.clock(), Clock::External);
    s.set_clock(Clock::Simulated);
    assert_eq!(s.clock(), Clock::Simulated);
    // Simulated: the rollout waits by moving time itself.
    let outs = s
        .run("kubectl create deployment web --image=nginx:1.25\nkubectl rollout status deploy/web");
    assert!(!s.busy());
    assert!(outs[1].stdout.ends_with("successfully rolled out\n"));
}

fn render_log(log: &[LoggedCommand]) -> String {
    log.iter()
        .map(|e| {
            format!(
                "+{:<6} {:?} {:?} {:?}\n",
                e.at_ms - T0,
                e.clock,
                e.kind,
                e.line
            )
        })
        .collect()
}

/// What a user did in the web console: commands typed while `rollout status` held the console,
/// the host advancing time in uneven steps, a Ctrl-C.
fn web_story(steps: &[i64]) -> Session {
    let mut s = session(Clock::External);
    let mut steps = steps.iter().cycle();
    let mut drain = |s: &mut Session| {
        let mut guard = 0;
        while s.busy() && guard < 1_000 {
            s.cluster_mut().advance(*steps.next().unwrap());
            let _ = s.poll();
            guard += 1;
        }
    };
    let _ = s.run("kubectl create deployment web --image=nginx:1.25 --replicas=3\nkubectl rollout status deploy/web");
    let _ = s.run("kubectl scale deploy web --replicas=5");
    let _ = s.run("kubectl expose deploy web --port=80\ntraffic svc/web --rps 20");
    drain(&mut s);
    s.cluster_mut().advance(4_321);
    let _ = s.run(
        "kubectl set image deploy/web nginx=nginx:1.26 && kubectl rollout status deploy/web && kubectl scale deploy web --replicas=2",
    );
    drain(&mut s);
    let _ = s.run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\nEOF");
    let _ = s.run("kubectl get pods -w");
    s.cluster_mut().advance(2_500);
    let _ = s.poll();
    let _ = s.interrupt();
    s.cluster_mut().advance(777);
    let _ = s.run("node fail node-2");
    s.cluster_mut().advance(65_000);
    s
}

#[test]
fn the_log_records_statements_as_they_start() {
    let s = web_story(&[700, 1_300, 250]);
    expect![[r#"
        +0      External Statement "kubectl create deployment web --image=nginx:1.25 --replicas=3"
        +0      External Statement "kubectl rollout status deploy/web"
        +6500   External Statement "kubectl scale deploy web --replicas=5"
        +6500   External Statement "kubectl expose deploy web --port=80"
        +6500   External Statement "traffic svc/web --rps 20"
        +10821  External Statement "kubectl set image deploy/web nginx=nginx:1.26 && kubectl rollout status deploy/web && kubectl scale deploy web --replicas=2"
        +17571  External Resume { status: 0, next: 2 } "kubectl set image deploy/web nginx=nginx:1.26 && kubectl rollout status deploy/web && kubectl scale deploy web --replicas=2"
        +17571  External Statement "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\nEOF"
        +17571  External Statement "kubectl get pods -w"
        +20071  External Interrupt "\u{3}"
        +20848  External Statement "node fail node-2"
    "#]]
    .assert_eq(&render_log(s.log()));
}

#[test]
fn replay_rebuilds_the_cluster_whatever_the_host_steps() {
    let original = web_story(&[700, 1_300, 250]);
    let log = original.log().to_vec();
    // Saved as JSON, restored in a fresh session whose host advances in other steps.
    let json = serde_json::to_string(&log).unwrap();
    let restored: Vec<LoggedCommand> = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, log);
    let mut s = session(Clock::External);
    s.replay(&restored).unwrap();
    assert!(!s.busy());
    assert_eq!(s.log(), log.as_slice());
    // The original ran 65s past its last statement; so does the replayed one.
    let behind = original.cluster().now().millis() - s.cluster().now().millis();
    s.cluster_mut().advance(behind);
    let wide = |s: &mut Session| s.run("kubectl get pods,svc,cm -o wide")[0].stdout.clone();
    let mut original = original;
    assert_eq!(wide(&mut s), wide(&mut original));
    assert!(
        s.cluster().trace_jsonl() == original.cluster().trace_jsonl(),
        "the replayed trace differs"
    );
    // A different granularity gives the same log shape but other times: still replayable.
    let other = web_story(&[2_000, 90]);
    let mut again = session(Clock::External);
    again.replay(other.log()).unwrap();
    let mut other = other;
    let now = other.cluster().now().millis() - again.cluster().now().millis();
    again.cluster_mut().advance(now);
    assert_eq!(wide(&mut again), wide(&mut other));
    assert!(again.cluster().trace_jsonl() == other.cluster().trace_jsonl());
}

#[test]
fn replay_of_a_simulated_session() {
    let mut cli = session(Clock::Simulated);
    let _ = cli.run("kubectl create deployment web --image=nginx:1.25 --replicas=2\nkubectl rollout status deploy/web\nsleep 30s\nkubectl scale deploy web --replicas=4");
    let mut s = session(Clock::External);
    s.replay(cli.log()).unwrap();
    assert_eq!(
        s.clock(),
        Clock::External,
        "the session's clock is restored"
    );
    assert!(s.cluster().trace_jsonl() == cli.cluster().trace_jsonl());
}

/// The cluster's time once the default scenario is loaded (2026-01-01T00:00:01Z).
const T0: i64 = 1_767_225_601_000;

fn entry(at_ms: i64, line: &str) -> LoggedCommand {
    LoggedCommand {
        at_ms,
        line: line.to_string(),
        kind: LogKind::Statement,
        clock: Clock::External,
    }
}

fn replay_error(log: &[LoggedCommand]) -> String {
    let mut s = Session::with_files(SessionConfig::default(), Box::new(MemFiles::default()));
    let _ = s.load_named_scenario("default");
    match s.replay(log) {
        Ok(()) => "ok".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn hostile_logs_are_refused() {
    let check = |log: &[LoggedCommand], want: Expect| want.assert_eq(&replay_error(log));
    check(
        &[entry(T0 + 5_000, "echo a"), entry(T0 + 2_000, "echo b")],
        expect!["entry 2 starts at 1767225603000 ms, before the time the replay has reached (1767225606000 ms): the log is corrupt"],
    );
    check(
        &[entry(T0 - 1, "echo a")],
        expect!["entry 1 starts at 1767225600999 ms, before the time the replay has reached (1767225601000 ms): the log is corrupt"],
    );
    check(
        &[entry(T0, &"x".repeat(1 << 20))],
        expect!["entry 1 is 1048576 bytes long; a replayed statement has at most 262144 bytes"],
    );
    check(
        &vec![entry(T0, "echo a"); 100_000],
        expect!["the log has 100000 entries; a replay takes at most 10000"],
    );
    check(
        &vec![entry(T0, &"y".repeat(200_000)); 50],
        expect!["the log holds 8400000 bytes of statements; a replay takes at most 8388608"],
    );
    check(
        &[entry(T0, "echo a"), entry(T0 + 8 * 86_400_000, "echo b")],
        expect!["entry 2 starts at 1767916801000 ms: a replay covers at most 7 days of simulated time (it started at 1767225601000 ms)"],
    );
    check(
        &[entry(i64::MAX, "echo a")],
        expect!["entry 1 starts at 9223372036854775807 ms: a replay covers at most 7 days of simulated time (it started at 1767225601000 ms)"],
    );
    // Time that statements themselves move is counted too.
    check(
        &[
            LoggedCommand {
                clock: Clock::Simulated,
                ..entry(T0, &"sleep 24h; ".repeat(20))
            },
            entry(T0 + 600_000_000, "echo late"),
        ],
        expect!["entry 1 moves simulated time past the end of the replay's budget (7 days)"],
    );
    // Nonsense that is well-formed runs as it would have (and fails as it would have).
    check(
        &[
            entry(T0, "kubectl nope; echo 'open"),
            LoggedCommand {
                kind: LogKind::Resume {
                    status: -4,
                    next: usize::MAX,
                },
                ..entry(T0 + 2_000, "| |")
            },
            LoggedCommand {
                kind: LogKind::Interrupt,
                ..entry(T0 + 3_000, "")
            },
        ],
        expect!["ok"],
    );
    // A log that is not JSON of entries does not deserialize.
    assert!(serde_json::from_str::<Vec<LoggedCommand>>(r#"[{"at_ms":"x"}]"#).is_err());
    let _: ReplayError = ReplayError::TooManyEntries { entries: 1 };
}
