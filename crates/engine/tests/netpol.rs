//! NetworkPolicies as the traffic model enforces them: ingress by pod and namespace selectors,
//! ports, ipBlocks for clients outside the cluster, egress from the client's side, and several
//! policies adding up.

mod common;

use common::*;
use expect_test::expect;
use kubeplay_engine::{Cluster, FailureCause};

fn setup() -> Cluster {
    let mut c = cluster(2, 21);
    apply_yaml(
        &mut c,
        &deployment_yaml(
            "db",
            2,
            "redis:7",
            "        ports:\n        - containerPort: 6379\n          name: redis\n",
            "",
        ),
    );
    apply_yaml(&mut c, "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector:\n    app: db\n  ports:\n  - port: 6379\n    targetPort: redis\n");
    for (name, app, ns) in [
        ("api", "api", "default"),
        ("other", "other", "default"),
        ("tool", "api", "ops"),
    ] {
        if ns != "default" {
            apply_yaml(&mut c, &format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    team: ops\n"));
        }
        apply_yaml(&mut c, &format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app: {app}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sleep\", \"infinity\"]\n"));
    }
    c.advance(20_000);
    c
}

/// Who reaches `db:6379`: each client, 4 tries each.
fn reach(c: &mut Cluster) -> String {
    let mut out = Vec::new();
    for (ns, pod) in [("default", "api"), ("default", "other"), ("ops", "tool")] {
        let results: Vec<&str> = (0..4)
            .map(|_| {
                match c
                    .request_from(Some((ns, pod)), "default", "db", Some(6379))
                    .unwrap()
                {
                    Ok(_) => "ok",
                    Err(FailureCause::BlockedByPolicy) => "blocked",
                    Err(_) => "failed",
                }
            })
            .collect();
        out.push(format!("{ns}/{pod}: {}", results.join(" ")));
    }
    let ext = match c.request_from(None, "default", "db", Some(6379)).unwrap() {
        Ok(_) => "ok",
        Err(FailureCause::BlockedByPolicy) => "blocked",
        Err(_) => "failed",
    };
    out.push(format!("outside: {ext}"));
    out.join("\n")
}

#[test]
fn policies_decide_who_reaches_the_database() {
    let mut c = setup();
    let mut steps = vec![format!("no policy:\n{}", reach(&mut c))];
    apply_yaml(&mut c, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db-deny\nspec:\n  podSelector:\n    matchLabels:\n      app: db\n");
    steps.push(format!("deny all ingress to db:\n{}", reach(&mut c)));
    apply_yaml(&mut c, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db-from-api\nspec:\n  podSelector:\n    matchLabels:\n      app: db\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: api\n    ports:\n    - port: redis\n");
    steps.push(format!(
        "plus from app=api in its namespace, on the named port:\n{}",
        reach(&mut c)
    ));
    apply_yaml(&mut c, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db-from-ops\nspec:\n  podSelector:\n    matchLabels:\n      app: db\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          team: ops\n    - ipBlock:\n        cidr: 192.168.0.0/16\n");
    steps.push(format!(
        "plus every pod of namespaces team=ops and 192.168/16:\n{}",
        reach(&mut c)
    ));
    apply_yaml(&mut c, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: api-egress\nspec:\n  podSelector:\n    matchLabels:\n      app: api\n  policyTypes: [Egress]\n  egress:\n  - ports:\n    - port: 53\n      protocol: UDP\n");
    steps.push(format!("plus api may only send DNS:\n{}", reach(&mut c)));
    expect![[r#"
        no policy:
        default/api: ok ok ok ok
        default/other: ok ok ok ok
        ops/tool: ok ok ok ok
        outside: ok

        deny all ingress to db:
        default/api: blocked blocked blocked blocked
        default/other: blocked blocked blocked blocked
        ops/tool: blocked blocked blocked blocked
        outside: blocked

        plus from app=api in its namespace, on the named port:
        default/api: ok ok ok ok
        default/other: blocked blocked blocked blocked
        ops/tool: blocked blocked blocked blocked
        outside: blocked

        plus every pod of namespaces team=ops and 192.168/16:
        default/api: ok ok ok ok
        default/other: blocked blocked blocked blocked
        ops/tool: ok ok ok ok
        outside: ok

        plus api may only send DNS:
        default/api: blocked blocked blocked blocked
        default/other: blocked blocked blocked blocked
        ops/tool: ok ok ok ok
        outside: ok"#]]
    .assert_eq(&steps.join("\n\n"));
}

#[test]
fn traffic_from_outside_counts_blocked_requests() {
    let mut c = setup();
    c.start_traffic("default", "db", 10).unwrap();
    c.advance(3_000);
    apply_yaml(&mut c, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\nspec:\n  podSelector: {}\n");
    c.advance(3_000);
    let lines: Vec<String> = c
        .traffic_samples()
        .iter()
        .map(|s| {
            format!(
                "ok={} blocked={}",
                s.ok,
                s.failures.get(FailureCause::BlockedByPolicy)
            )
        })
        .collect();
    expect![[r#"
        ok=10 blocked=0
        ok=10 blocked=0
        ok=10 blocked=0
        ok=0 blocked=10
        ok=0 blocked=10
        ok=0 blocked=10"#]]
    .assert_eq(&lines.join("\n"));
}
