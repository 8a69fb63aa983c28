//! The web console's side of the API: with [`Clock::External`], commands that wait hold the
//! console and stream their lines as the host advances time and calls `poll`.

use expect_test::expect;
use kubeplay_console::{Clock, Output, Session, SessionConfig};

fn web_session() -> Session {
    let mut s = Session::new(SessionConfig {
        clock: Clock::External,
        ..SessionConfig::default()
    });
    s.load_named_scenario("default").expect("default scenario");
    s
}

/// Chunks as the web console would append them: `[id]` groups chunks of one command, `...`
/// marks a chunk of a command still running.
fn render(outs: &[Output]) -> String {
    let mut text = String::new();
    for o in outs {
        text.push_str(&format!(
            "[{}] {}{}\n",
            o.id,
            o.command,
            if o.finished { "" } else { " ..." }
        ));
        text.push_str(&o.stdout);
        for l in o.stderr.lines() {
            text.push_str(&format!("! {l}\n"));
        }
        if o.finished && o.status != 0 {
            text.push_str(&format!("[exit {}]\n", o.status));
        }
    }
    text
}

#[test]
fn rollout_status_streams_while_time_runs() {
    let mut s = web_session();
    let mut outs = s.run(
        "kubectl create deployment nginx --image=nginx:1.10 --replicas=3\nkubectl rollout status deployment/nginx\nkubectl get deploy nginx",
    );
    assert!(s.busy());
    // Input typed while a command holds the console waits its turn.
    outs.extend(s.run("echo queued"));
    let mut polls = 0;
    while s.busy() && polls < 100 {
        s.cluster_mut().advance(1_000);
        outs.extend(s.poll());
        polls += 1;
    }
    assert!(!s.busy());
    expect![[r#"
        [1] kubectl create deployment nginx --image=nginx:1.10 --replicas=3
        deployment.apps/nginx created
        [2] kubectl rollout status deployment/nginx ...
        Waiting for deployment spec update to be observed...
        [2] kubectl rollout status deployment/nginx ...
        Waiting for deployment "nginx" rollout to finish: 0 of 3 updated replicas are available...
        [2] kubectl rollout status deployment/nginx ...
        Waiting for deployment "nginx" rollout to finish: 2 of 3 updated replicas are available...
        [2] kubectl rollout status deployment/nginx
        deployment "nginx" successfully rolled out
        [3] kubectl get deploy nginx
        NAME    READY   UP-TO-DATE   AVAILABLE   AGE
        nginx   3/3     3            3           7s
        [4] echo queued
        queued
    "#]]
    .assert_eq(&render(&outs));
}

#[test]
fn watch_prints_changes_until_interrupted() {
    let mut s = web_session();
    let mut outs = s.run("kubectl run web --image=nginx:1.25\nkubectl get pods -w");
    for _ in 0..8 {
        s.cluster_mut().advance(1_000);
        outs.extend(s.poll());
    }
    assert!(s.busy());
    outs.extend(s.interrupt());
    assert!(!s.busy());
    expect![[r#"
        [1] kubectl run web --image=nginx:1.25
        pod/web created
        [2] kubectl get pods -w ...
        NAME   READY   STATUS    RESTARTS   AGE
        web    0/1     Pending   0          0s
        [2] kubectl get pods -w ...
        web    0/1     ContainerCreating   0          1s
        [2] kubectl get pods -w ...
        web    1/1     Running             0          6s
        [2] kubectl get pods -w
        [exit 130]
    "#]]
    .assert_eq(&render(&outs));
}
