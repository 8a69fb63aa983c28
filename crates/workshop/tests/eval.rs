//! Workshops against a live session: checks, hints, solving, jumping to a step, `check`.

use expect_test::{expect, Expect};
use kubeplay_workshop::checker::{check_workshop, new_session};
use kubeplay_workshop::{evaluate, go_to_step, hints, load, solve, start, MapSource, Workshop};

const INDEX: &str = r#"{
  "title": "Web",
  "details": {
    "steps": [
      {
        "title": "Create a Deployment",
        "text": "step1.md",
        "kubeplay": {
          "checks": [
            {"name": "exists", "run": "kubectl get deployment web -o name", "output": "deployment.apps/web"},
            {"name": "ready", "run": "kubectl get deployment web -o jsonpath={.status.readyReplicas}", "output": "2"}
          ],
          "hints": [
            {"text": "Read `kubectl create deployment -h`."},
            {"text": "Wait for the pods.", "check": "ready"},
            {"text": "Try the solution below.", "after": "1m"}
          ],
          "solution": ["kubectl create deployment web --image=nginx:1.25 --replicas=2"]
        }
      },
      {
        "title": "Expose it",
        "text": "step2.md",
        "kubeplay": {
          "checks": [
            {"name": "port", "run": "kubectl get service web -o jsonpath={.spec.ports[0].port}", "matches": "^80$"},
            {"name": "endpoints", "run": "kubectl get endpoints web", "contains": ":80"}
          ]
        }
      }
    ]
  },
  "kubeplay": {"seed": 3}
}"#;

const STEP2: &str = "Expose it.\n\n<details><summary>Solution</summary>\n\n```\nkubectl expose deployment web --port=80\n```{{exec}}\n\n</details>\n";

fn workshop() -> Workshop {
    load(&MapSource::from([
        ("index.json", INDEX),
        ("step1.md", "Create `web`."),
        ("step2.md", STEP2),
    ]))
    .unwrap()
}

fn status_text(s: &kubeplay_workshop::StepStatus) -> String {
    let mut out = format!("passed={}\n", s.passed);
    for c in &s.checks {
        out.push_str(&format!(
            "  {} {}: {}\n",
            if c.passed { "ok  " } else { "fail" },
            c.name,
            c.detail
        ));
    }
    out
}

fn check(actual: String, expect: Expect) {
    expect.assert_eq(&actual);
}

#[test]
fn solved_end_to_end() {
    let w = workshop();
    let mut s = new_session(&w).unwrap();
    start(&mut s, &w).unwrap();
    check(
        status_text(&evaluate(&mut s, &w.steps[0])),
        expect![[r#"
        passed=false
          fail exists: exit status 1: Error from server (NotFound): deployments.apps "web" not found
          fail ready: exit status 1: Error from server (NotFound): deployments.apps "web" not found
    "#]],
    );
    // Created but not ready yet: only the "ready" check fails.
    s.run("kubectl create deployment web --image=nginx:1.25 --replicas=2");
    check(
        status_text(&evaluate(&mut s, &w.steps[0])),
        expect![[r#"
        passed=false
          ok   exists: deployment.apps/web
          fail ready: printed "", expected "2"
    "#]],
    );
    s.cluster_mut().advance(30_000);
    check(
        status_text(&evaluate(&mut s, &w.steps[0])),
        expect![[r#"
        passed=true
          ok   exists: deployment.apps/web
          ok   ready: 2
    "#]],
    );
    // Step 2's solution comes from its <details> block.
    assert_eq!(
        w.steps[1].solution,
        vec!["kubectl expose deployment web --port=80"]
    );
    solve(&mut s, &w.steps[1]).unwrap();
    check(
        status_text(&evaluate(&mut s, &w.steps[1])),
        expect![[r#"
        passed=true
          ok   port: 80
          ok   endpoints: NAME   ENDPOINTS                     AGE
    "#]],
    );
}

#[test]
fn go_to_a_step() {
    let w = workshop();
    let mut s = new_session(&w).unwrap();
    start(&mut s, &w).unwrap();
    go_to_step(&mut s, &w, 2).unwrap();
    assert!(evaluate(&mut s, &w.steps[1]).passed);
    let mut s = new_session(&w).unwrap();
    check(
        go_to_step(&mut s, &w, 3).unwrap_err().to_string(),
        expect!["there is no step 3"],
    );
}

#[test]
fn checker_report() {
    check(
        check_workshop(&workshop(), "web").render(),
        expect![[r#"
        PASS  web step 1 "Create a Deployment"
        PASS  web step 2 "Expose it"
        2 passed, 0 failed
    "#]],
    );
    // The solution scales to 1, the check wants 2: the line names the step and the check.
    let broken = INDEX.replace("--replicas=2\"", "--replicas=1\"");
    let w = load(&MapSource::from([
        ("index.json", broken.as_str()),
        ("step1.md", ""),
        ("step2.md", STEP2),
    ]))
    .unwrap();
    check(
        check_workshop(&w, "web").render(),
        expect![[r#"
        FAIL  web step 1 "Create a Deployment": check "ready" still fails 10 minutes after the solution: printed "1", expected "2"
        PASS  web step 2 "Expose it"
        1 passed, 1 failed
    "#]],
    );
    // A setup that fails fails every step.
    let broken = INDEX.replace(
        "\"seed\": 3",
        "\"seed\": 3, \"setup\": [\"kubectl get pod nope\"]",
    );
    let w = load(&MapSource::from([
        ("index.json", broken.as_str()),
        ("step1.md", ""),
        ("step2.md", STEP2),
    ]))
    .unwrap();
    check(
        check_workshop(&w, "web").render(),
        expect![[r#"
        FAIL  web step 1 "Create a Deployment": the workshop does not start: setup command `kubectl get pod nope` failed: Error from server (NotFound): pods "nope" not found
        FAIL  web step 2 "Expose it": the workshop does not start: setup command `kubectl get pod nope` failed: Error from server (NotFound): pods "nope" not found
        0 passed, 2 failed
    "#]],
    );
}

#[test]
fn hints_that_apply() {
    let w = workshop();
    let step = &w.steps[0];
    let mut s = new_session(&w).unwrap();
    let show = |status: &kubeplay_workshop::StepStatus, elapsed: i64| -> String {
        hints(step, status, elapsed)
            .iter()
            .map(|h| {
                kubeplay_workshop::markdown::inline_text(match h.text.0.first() {
                    Some(kubeplay_workshop::Block::Paragraph(i)) => i,
                    _ => &[],
                })
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let nothing = evaluate(&mut s, step);
    check(
        show(&nothing, 0),
        expect!["Read kubectl create deployment -h. | Wait for the pods."],
    );
    check(
        show(&nothing, 59_999),
        expect!["Read kubectl create deployment -h. | Wait for the pods."],
    );
    check(
        show(&nothing, 60_000),
        expect![
            "Read kubectl create deployment -h. | Wait for the pods. | Try the solution below."
        ],
    );
    s.run("kubectl create deployment web --image=nginx:1.25 --replicas=2");
    s.cluster_mut().advance(60_000);
    let done = evaluate(&mut s, step);
    check(show(&done, 120_000), expect![""]);
}

#[test]
fn a_step_without_solution() {
    let w = workshop();
    let mut step = w.steps[0].clone();
    step.solution.clear();
    let mut s = new_session(&w).unwrap();
    check(
        solve(&mut s, &step).unwrap_err().to_string(),
        expect!["the step has no solution"],
    );
    step.solution = vec!["kubectl get pod missing".into()];
    check(
        solve(&mut s, &step).unwrap_err().to_string(),
        expect![[
            r#"solution command `kubectl get pod missing` failed: Error from server (NotFound): pods "missing" not found"#
        ]],
    );
}

#[test]
fn killercoda_import() {
    let src = MapSource::from([
        (
            "index.json",
            r#"{"title": "Lab", "details": {
                "intro": {"text": "intro.md", "background": "setup.sh"},
                "steps": [
                  {"title": "Create a pod", "text": "step1/text.md", "verify": "step1/verify.sh"},
                  {"title": "Look inside", "text": "step2/text.md", "verify": "step2/verify.sh"},
                  {"title": "Install helm", "text": "step3/text.md", "verify": "step3/verify.sh"}
                ]},
                "backend": {"imageid": "kubernetes-kubeadm-2nodes"}}"#,
        ),
        ("intro.md", "Hi"),
        ("setup.sh", "#!/bin/bash\napt-get update\n"),
        ("step1/text.md", "<details><summary>Solution</summary>\n\n`kubectl run my-pod --image=nginx`{{exec}}\n\n</details>\n"),
        ("step1/verify.sh", "#!/bin/bash\n\nkubectl get pod my-pod\n"),
        ("step2/text.md", "<details><summary>Solution</summary>\n\n`kubectl exec my-pod -- ls`{{exec}}\n\n</details>\n"),
        ("step2/verify.sh", "kubectl -n default exec my-pod -- cat /tmp/x\n"),
        ("step3/text.md", "Install it."),
        ("step3/solution.sh", "curl -fsSL https://get.helm.sh | bash\n"),
        ("step3/verify.sh", "helm version\n"),
    ]);
    let (w, report) = kubeplay_workshop::checker::import_killercoda(&src).unwrap();
    check(
        report.lines("lab").join("\n"),
        expect![[r#"
            lab intro: cannot run `apt-get` (background)
            lab step 1 "Create a pod": kubeplay can run it
            lab step 2 "Look inside": kubeplay can run it
            lab step 3 "Install helm": cannot run `helm` (verify), `curl` (solution), `bash` (solution)"#]],
    );
    assert_eq!(w.start.scenario, "kubeadm");
}

#[test]
fn checks_never_wait_or_change_anything() {
    let src = MapSource::from([(
        "index.json",
        r#"{"details": {"steps": [{"title": "Wait", "kubeplay": {"checks": [
            {"name": "watch", "run": "kubectl get pods -w"},
            {"name": "rollout", "run": "kubectl rollout status deployment/web"},
            {"name": "create", "run": "kubectl create namespace sneaky"},
            {"name": "sleep", "run": "sleep 1h"}
        ]}}]}}"#,
    )]);
    let w = load(&src).unwrap();
    let mut s = new_session(&w).unwrap();
    s.run("kubectl create deployment web --image=nginx:1.25");
    let before = s.cluster().now();
    check(
        status_text(&evaluate(&mut s, &w.steps[0])),
        expect![[r#"
        passed=false
          ok   watch: 
          fail rollout: exit status 1: error: timed out waiting for the condition
          fail create: exit status 1: error: a check cannot change the cluster (kubectl create)
          fail sleep: exit status 1: error: a check cannot change the cluster (sleep)
    "#]],
    );
    assert_eq!(s.cluster().now(), before);
    assert!(s.run("kubectl get namespace sneaky")[0].status != 0);
}
