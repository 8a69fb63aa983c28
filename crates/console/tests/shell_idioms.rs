//! The shell glue of Killercoda-style verify scripts and everyday tutorials, run in the console
//! against the default scenario: each case shows every top-level command with its output (`! `
//! marks standard error, `[exit N]` a failure).

use expect_test::{expect, Expect};
use kubeplay_console::{Clock, Session, SessionConfig};

const SETUP: &str = "kubectl create deployment web --image=nginx:1.25 --replicas=3\nkubectl rollout status deploy/web";

mod common;

use common::render;

fn session() -> Session {
    let mut s = common::session();
    let _ = s.run(SETUP);
    s
}

fn check(script: &str, want: Expect) {
    let mut s = session();
    want.assert_eq(&render(&s.run(script)));
}

#[test]
fn killercoda_idioms() {
    check(
        "kubectl get pods -o jsonpath='{.items[*].status.phase}' | grep -c Running\nkubectl get pods -o jsonpath='{.items[*].status.phase}' | tr ' ' '\\n' | grep -c Running",
        expect![[r#"
            $ kubectl get pods -o jsonpath='{.items[*].status.phase}' | grep -c Running
            1
            $ kubectl get pods -o jsonpath='{.items[*].status.phase}' | tr ' ' '\n' | grep -c Running
            3
        "#]],
    );
    check(
        "if [ \"$(kubectl get deploy web -o jsonpath='{.status.readyReplicas}')\" -eq 3 ]; then echo ok; else exit 1; fi",
        expect![[r#"
            $ if [ "$(kubectl get deploy web -o jsonpath='{.status.readyReplicas}')" -eq 3 ]; then echo ok; else exit 1; fi
            ok
        "#]],
    );
    check(
        "if [ \"$(kubectl get deploy nope -o jsonpath='{.status.readyReplicas}' 2>/dev/null)\" -eq 3 ]; then echo ok; else exit 1; fi\necho not reached",
        expect![[r#"
            $ if [ "$(kubectl get deploy nope -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" -eq 3 ]; then echo ok; else exit 1; fi
            ! [: : integer expression expected
            [exit 1]
        "#]],
    );
    check(
        "kubectl get pods -o json | jq -r '.items[].metadata.name' | wc -l\nkubectl get deploy web -o json | jq '.spec.replicas'",
        expect![[r#"
            $ kubectl get pods -o json | jq -r '.items[].metadata.name' | wc -l
            3
            $ kubectl get deploy web -o json | jq '.spec.replicas'
            3
        "#]],
    );
    check(
        "kubectl get pods --no-headers | awk '{print $3}' | sort | uniq -c",
        expect![[r#"
            $ kubectl get pods --no-headers | awk '{print $3}' | sort | uniq -c
                  3 Running
        "#]],
    );
    check(
        "kubectl get deploy web >/dev/null 2>&1 && echo exists\nkubectl get deploy nope >/dev/null 2>&1 || echo missing",
        expect![[r#"
            $ kubectl get deploy web >/dev/null 2>&1
            $ echo exists
            exists
            $ kubectl get deploy nope >/dev/null 2>&1
            [exit 1]
            $ echo missing
            missing
        "#]],
    );
}

#[test]
fn variables_last_between_lines() {
    let mut s = session();
    let mut outs =
        s.run("POD=$(kubectl get pod -l app=web -o jsonpath='{.items[0].metadata.name}')");
    outs.extend(s.run("kubectl describe pod $POD | grep -E '^(Name|Status):'"));
    outs.extend(s.run("echo \"${POD%-*}\" | cut -d- -f1"));
    expect![[r#"
        $ POD=$(kubectl get pod -l app=web -o jsonpath='{.items[0].metadata.name}')
        $ kubectl describe pod $POD | grep -E '^(Name|Status):'
        Name:             web-6df7ccfbbd-7lp7x
        Status:           Running
        $ echo "${POD%-*}" | cut -d- -f1
        web
    "#]]
    .assert_eq(&render(&outs));
}

#[test]
fn heredoc_with_variables() {
    check(
        "NAME=settings\nMODE=fast\nkubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: $NAME\ndata:\n  mode: $MODE\n  literal: \\$MODE\nEOF\nkubectl get cm $NAME -o jsonpath='{.data.mode} {.data.literal}{\"\\n\"}'",
        expect![[r#"
            $ NAME=settings
            $ MODE=fast
            $ kubectl apply -f - <<EOF
            configmap/settings created
            $ kubectl get cm $NAME -o jsonpath='{.data.mode} {.data.literal}{"\n"}'
            fast $MODE
        "#]],
    );
}

#[test]
fn what_the_playground_cannot_do_says_so() {
    check(
        "curl -s http://web\nssh node-1\ndocker ps\ncat /etc/hosts\nkubectl cp web:/etc/hosts hosts",
        expect![[r#"
            $ curl -s http://web
            ! curl: the playground has no network: its Pods, Services and nodes are simulated (use kubectl get, describe and logs)
            [exit 127]
            $ ssh node-1
            ! ssh: the playground has no network: its Pods, Services and nodes are simulated (use kubectl get, describe and logs)
            [exit 127]
            $ docker ps
            ! docker: the playground has no real containers or machines: its nodes are simulated
            [exit 127]
            $ cat /etc/hosts
            ! cat: /etc/hosts: the playground has no host files (only the files of its editor)
            [exit 1]
            $ kubectl cp web:/etc/hosts hosts
            ! error: "kubectl cp" is not available in the playground (it has no containers, files or kubeconfig to act on)
            [exit 1]
        "#]],
    );
}

#[test]
fn loops_and_exit() {
    check(
        "for d in web; do kubectl get deploy $d -o jsonpath='{.metadata.name}={.spec.replicas}{\"\\n\"}'; done\nexit 3\necho not reached",
        expect![[r#"
            $ for d in web; do kubectl get deploy $d -o jsonpath='{.metadata.name}={.spec.replicas}{"\n"}'; done
            web=3
            $ exit 3
            [exit 3]
        "#]],
    );
    check(
        "set -e\nkubectl get deploy nope\necho not reached",
        expect![[r#"
            $ set -e
            $ kubectl get deploy nope
            ! Error from server (NotFound): deployments.apps "nope" not found
            [exit 1]
        "#]],
    );
}

#[test]
fn verify_scripts_as_checks() {
    let mut s = session();
    let verify = "#!/bin/bash\nset -e\nREADY=$(kubectl get deploy web -o jsonpath='{.status.readyReplicas}')\nif [ \"$READY\" -ne 5 ]; then\n  echo \"web has $READY ready replicas, not 5\"\n  exit 1\nfi\necho done";
    let out = s.check(verify);
    assert_eq!(
        (out.stdout.as_str(), out.status),
        ("web has 3 ready replicas, not 5\n", 1)
    );
    assert_eq!(
        s.check("echo \"[$READY]\"").stdout,
        "[]\n",
        "a check's variables do not stay"
    );
    let _ = s.run("kubectl scale deploy web --replicas=5\nkubectl rollout status deploy/web");
    let out = s.check(verify);
    assert_eq!((out.stdout.as_str(), out.status), ("done\n", 0));
    // A waiting command inside `if` looks once in a check too.
    let out = s.check("if kubectl rollout status deploy/web >/dev/null; then echo rolled-out; fi");
    assert_eq!(out.stdout, "rolled-out\n");
}

#[test]
fn waiting_inside_compound_commands_runs_on_the_simulated_clock() {
    let mut s = Session::new(SessionConfig {
        clock: Clock::External,
        ..SessionConfig::default()
    });
    s.load_named_scenario("default").unwrap();
    let outs = s.run("kubectl create deployment web --image=nginx:1.25\nif kubectl rollout status deploy/web >/dev/null; then echo ready; fi");
    assert!(!s.busy(), "no job holds the console");
    assert_eq!(outs.last().map(|o| o.stdout.as_str()), Some("ready\n"));
    // At the top level it holds the console as before.
    let _ =
        s.run("kubectl set image deploy/web nginx=nginx:1.26\nkubectl rollout status deploy/web");
    assert!(s.busy());
}
