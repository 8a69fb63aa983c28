//! The loader: Killercoda's layout, kubeplay's fields, and every kind of bad input it refuses.

use expect_test::{expect, Expect};
use kubeplay_workshop::{load, Expect as Want, HintWhen, MapSource};

/// The workshop in a few lines, or the error.
fn summary(files: &[(&str, &str)]) -> String {
    let src = MapSource(
        files
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    match load(&src) {
        Err(e) => format!("error: {e}\n"),
        Ok(w) => {
            let mut s = format!(
                "{:?} scenario={} seed={} setup={:?} background={:?}\n",
                w.title, w.start.scenario, w.start.seed, w.start.setup, w.start.background
            );
            for (i, st) in w.steps.iter().enumerate() {
                s.push_str(&format!("step {} {:?}\n", i + 1, st.title));
                for c in &st.checks {
                    let want = match &c.expect {
                        Want::Success => "success".to_string(),
                        Want::Output(o) => format!("output {o:?}"),
                        Want::Contains(o) => format!("contains {o:?}"),
                        Want::Matches(p) => format!("matches /{}/", p.0.as_str()),
                    };
                    s.push_str(&format!("  check {:?}: {:?} -> {want}\n", c.name, c.run));
                }
                for h in &st.hints {
                    let when = match &h.when {
                        HintWhen::Always => "always".to_string(),
                        HintWhen::CheckFails(n) => format!("while {n:?} fails"),
                        HintWhen::After(ms) => format!("after {ms}ms"),
                    };
                    s.push_str(&format!("  hint {when}\n"));
                }
                for c in &st.solution {
                    s.push_str(&format!("  solution {c:?}\n"));
                }
            }
            s
        }
    }
}

fn check(files: &[(&str, &str)], expect: Expect) {
    expect.assert_eq(&summary(files));
}

const KUBEPLAY_JSON: &str = r#"{
  "title": "Deploy",
  "details": {
    "intro": {"text": "intro.md"},
    "steps": [{
      "title": "Create",
      "text": "step1.md",
      "verify": "step1/verify.sh",
      "kubeplay": {
        "checks": [
          {"name": "exists", "run": "kubectl get deploy web -o name", "output": "deployment.apps/web"},
          {"run": "kubectl get deploy web", "contains": "web"},
          {"name": "ready", "run": "kubectl get deploy web -o jsonpath={.status.readyReplicas}", "matches": "^[1-9]"}
        ],
        "hints": [
          {"text": "Use `kubectl create deployment`."},
          {"text": "Not yet ready", "check": "ready"},
          {"text": "Still stuck?", "after": "2m"},
          {"text": "Really?", "after": 300},
          {"text": "The script", "check": "verify"}
        ],
        "solution": ["kubectl create deployment web --image=nginx:1.25"]
      }
    }],
    "finish": {"text": "finish.md"}
  },
  "kubeplay": {"scenario": "empty", "seed": 7, "setup": ["node add n1"]}
}"#;

#[test]
fn kubeplay_fields() {
    check(
        &[
            ("index.json", KUBEPLAY_JSON),
            ("intro.md", "Hi"),
            ("step1.md", "Create it"),
            ("step1/verify.sh", "kubectl get deploy web"),
            ("finish.md", "Done"),
        ],
        expect![[r##"
            "Deploy" scenario=empty seed=7 setup=["node add n1"] background=None
            step 1 "Create"
              check "exists": "kubectl get deploy web -o name" -> output "deployment.apps/web"
              check "check 2": "kubectl get deploy web" -> contains "web"
              check "ready": "kubectl get deploy web -o jsonpath={.status.readyReplicas}" -> matches /^[1-9]/
              check "verify": "kubectl get deploy web" -> success
              hint always
              hint while "ready" fails
              hint after 120000ms
              hint after 300000ms
              hint while "verify" fails
              solution "kubectl create deployment web --image=nginx:1.25"
        "##]],
    );
}

#[test]
fn killercoda_layout() {
    // Killercoda's own fields, the older courseData/code names, a solution in <details>, and
    // index.yaml when there is no index.json.
    check(
        &[
            (
                "index.yaml",
                "title: Pods\ndetails:\n  intro:\n    text: intro.md\n    courseData: setup.sh\n  steps:\n    - text: step1/text.md\n      verify: step1/verify.sh\n      code: step1/fg.sh\n    - title: Two\n      text: step2/text.md\nbackend:\n  imageid: kubernetes-kubeadm-2nodes\n",
            ),
            ("intro.md", "Hi"),
            ("setup.sh", "kubectl create ns lab"),
            ("step1/text.md", "<details><summary>Solution</summary>\n\n```\nkubectl run p --image=nginx\n```{{exec}}\n\n</details>\n"),
            ("step1/verify.sh", "#!/bin/bash\nkubectl get pod p\n"),
            ("step1/fg.sh", "echo hi"),
            ("step2/text.md", "Nothing to do"),
            ("step2/solution.sh", "kubectl delete pod p\n"),
        ],
        expect![[r##"
            "Pods" scenario=kubeadm seed=1 setup=[] background=Some("kubectl create ns lab")
            step 1 "Step 1"
              check "verify": "#!/bin/bash\nkubectl get pod p\n" -> success
              solution "kubectl run p --image=nginx"
            step 2 "Two"
              solution "kubectl delete pod p\n"
        "##]],
    );
}

#[test]
fn malformed_index() {
    check(
        &[(
            "index.json",
            "{\n  \"title\": \"x\",\n  \"details\": {\n    \"steps\": [\n  }\n}",
        )],
        expect![[r##"
            error: index.json:5: expected value
        "##]],
    );
    check(
        &[("index.json", "{\"title\": 3}")],
        expect![[r##"
            error: index.json:1: invalid type: integer `3`, expected a string
        "##]],
    );
    check(
        &[(
            "index.yaml",
            "title: x\ndetails:\n  steps:\n    - title: [unclosed\n",
        )],
        expect![[r#"
            error: index.yaml:4: expected string scalar
        "#]],
    );
    check(
        &[("index.yaml", "title: x\ndetails:\n  steps: 5\n")],
        expect![[r#"
            error: index.yaml:3: expected sequence start
        "#]],
    );
    check(
        &[(
            "index.json",
            r#"{"details": {"steps": [{"kubeplay": {"checks": [{"run": "x", "ouput": "y"}]}}]}}"#,
        )],
        expect![[r##"
            error: index.json:1: unknown field `ouput`, expected one of `name`, `run`, `output`, `contains`, `matches`
        "##]],
    );
    check(
        &[("README.md", "")],
        expect![[r##"
        error: no index.json or index.yaml in the workshop folder
    "##]],
    );
}

#[test]
fn files() {
    let index = |text: &str| {
        format!(r#"{{"title": "t", "details": {{"steps": [{{"title": "s", "text": "{text}"}}]}}}}"#)
    };
    check(
        &[("index.json", &index("step1.md"))],
        expect![[r##"
        error: step1.md: no such file
    "##]],
    );
    check(
        &[("index.json", &index("../secret.md"))],
        expect![[r##"
        error: ../secret.md: path outside the workshop folder
    "##]],
    );
    check(
        &[("index.json", &index("/etc/passwd"))],
        expect![[r##"
        error: /etc/passwd: path outside the workshop folder
    "##]],
    );
    check(
        &[("index.json", &index("a/../../b.md"))],
        expect![[r##"
        error: a/../../b.md: path outside the workshop folder
    "##]],
    );
    check(
        &[("index.json", &index("https://evil.example/x.md"))],
        expect![[r##"
        error: https://evil.example/x.md: path outside the workshop folder
    "##]],
    );
    let big = "x".repeat(10 * 1024 * 1024);
    check(
        &[("index.json", &index("step1.md")), ("step1.md", &big)],
        expect![[r##"
        error: step1.md: file too large (10485760 bytes, at most 1 MiB)
    "##]],
    );
    check(
        &[("index.json", &index("./step1.md")), ("step1.md", "ok")],
        expect![[r##"
        "t" scenario=default seed=1 setup=[] background=None
        step 1 "s"
    "##]],
    );
}

#[test]
fn invalid_fields() {
    let step = |kubeplay: &str| {
        format!(r#"{{"details": {{"steps": [{{"title": "Expose", "kubeplay": {kubeplay}}}]}}}}"#)
    };
    check(
        &[(
            "index.json",
            &step(
                r#"{"checks": [{"name": "svc", "run": "kubectl get svc web"}], "hints": [{"text": "x", "check": "sevice"}]}"#,
            ),
        )],
        expect![[r##"
            error: index.json: step 1 "Expose": a hint names check "sevice", which the step does not have (its checks: svc)
        "##]],
    );
    check(
        &[(
            "index.json",
            &step(r#"{"hints": [{"text": "x", "check": "verify"}]}"#),
        )],
        expect![[r##"
            error: index.json: step 1 "Expose": a hint names check "verify", which the step does not have (its checks: none)
        "##]],
    );
    check(
        &[(
            "index.json",
            &step(r#"{"checks": [{"run": "a", "output": "x", "contains": "y"}]}"#),
        )],
        expect![[r##"
            error: index.json: step 1 "Expose": check "check 1": give at most one of output, contains, matches
        "##]],
    );
    check(
        &[(
            "index.json",
            &step(r#"{"checks": [{"name": "re", "run": "a", "matches": "("}]}"#),
        )],
        expect![[r#"
            error: index.json: step 1 "Expose": check "re": bad regular expression: found open group without closing ')'
        "#]],
    );
    check(
        &[(
            "index.json",
            &step(r#"{"checks": [{"name": "a", "run": "x"}, {"name": "a", "run": "y"}]}"#),
        )],
        expect![[r##"
            error: index.json: step 1 "Expose": two checks are named "a"
        "##]],
    );
    check(
        &[(
            "index.json",
            &step(r#"{"checks": [{"name": "a", "run": "  "}]}"#),
        )],
        expect![[r##"
            error: index.json: step 1 "Expose": check "a" has no command to run
        "##]],
    );
    check(
        &[(
            "index.json",
            &step(r#"{"hints": [{"text": "x", "after": "soon"}]}"#),
        )],
        expect![[r##"
            error: index.json: step 1 "Expose": a hint's after: time: invalid duration "soon"
        "##]],
    );
    let many = format!(
        r#"{{"details": {{"steps": [{}]}}}}"#,
        vec![r#"{"title": "s"}"#; 101].join(",")
    );
    check(
        &[("index.json", &many)],
        expect![[r##"
        error: index.json: 101 steps, at most 100
    "##]],
    );
}

#[test]
fn served_paths() {
    use kubeplay_workshop::served_path;
    for ok in ["labs/my-lab", "workshops/ckad-scale/", "a.b/c_d"] {
        assert!(served_path(ok).is_ok(), "{ok}");
    }
    assert_eq!(served_path(" labs/x/ ").unwrap(), "labs/x");
    for bad in [
        "",
        "/etc",
        "//evil.example/x",
        "https://evil.example/x",
        "javascript:alert(1)",
        "../up",
        "a/../../b",
        "./a",
        "a\\b",
        "a?b",
        "a#b",
        "%2e%2e/x",
        "a b",
        "a\nb",
        "a\u{0}b",
    ] {
        assert!(served_path(bad).is_err(), "{bad:?} should be refused");
    }
}
