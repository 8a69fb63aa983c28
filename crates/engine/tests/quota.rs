//! ResourceQuota and LimitRange admission as tables: each row is the namespace's policies, the
//! pods already there and one pod to create, with what the API server answers (the pod's
//! resources and LimitRanger's annotation, or the refusal).

mod common;

use common::*;
use expect_test::{expect, Expect};
use kubeplay_api::{parse_documents, Kind, Object};
use kubeplay_engine::Cluster;

/// A container `c` (or `name`) with the given `resources:` body (indented six spaces).
fn pod(name: &str, containers: &[(&str, &str)]) -> String {
    let mut y =
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n");
    for (c, res) in containers {
        y.push_str(&format!("  - name: {c}\n    image: nginx:1.27\n"));
        if !res.is_empty() {
            y.push_str("    resources:\n");
            for line in res.split(';') {
                let (kind, rest) = line.trim().split_once(' ').unwrap_or((line, ""));
                y.push_str(&format!("      {kind}:\n"));
                for kv in rest.split(',') {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    y.push_str(&format!("        {}: \"{}\"\n", k.trim(), v.trim()));
                }
            }
        }
    }
    y
}

fn quota(name: &str, hard: &str) -> String {
    let mut y =
        format!("apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: {name}\nspec:\n  hard:\n");
    for kv in hard.split(',') {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        y.push_str(&format!("    {k}: \"{v}\"\n"));
    }
    y
}

fn limit_range(items: &str) -> String {
    format!(
        "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: limits\nspec:\n  limits:\n{items}"
    )
}

/// Creates the policies and `before` pods, then `new`; prints the answer.
fn admit(policies: &[String], before: &[String], new: &str) -> String {
    let mut c = cluster(1, 3);
    for p in policies.iter().chain(before) {
        apply_yaml(&mut c, p);
    }
    c.advance(1_000);
    create(&mut c, new)
}

fn create(c: &mut Cluster, yaml: &str) -> String {
    let v = parse_documents(yaml).unwrap().remove(0);
    match c.create(Object::from_value(v).unwrap()) {
        Ok(Object::Pod(p)) => {
            let res: Vec<String> = p
                .spec
                .containers
                .iter()
                .map(|c| {
                    let show = |l: &kubeplay_api::core::ResourceList| {
                        l.iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(",")
                    };
                    format!(
                        "{}: requests {} limits {}",
                        c.name,
                        show(&c.resources.requests),
                        show(&c.resources.limits)
                    )
                })
                .collect();
            let note = p
                .metadata
                .annotations
                .get("kubernetes.io/limit-ranger")
                .map(|a| format!("\n  annotation: {a}"))
                .unwrap_or_default();
            format!("created; {}{note}", res.join("; "))
        }
        Ok(o) => format!("created {}", o.name()),
        Err(e) => format!("{:?}: {}", e.reason, e.message),
    }
}

fn check(got: Vec<String>, want: Expect) {
    want.assert_eq(&got.join("\n"));
}

#[test]
fn resource_quota_admission() {
    let full = "requests.cpu=1,requests.memory=1Gi,limits.cpu=2,limits.memory=2Gi";
    let sized = "requests cpu=500m,memory=256Mi;limits cpu=500m,memory=256Mi";
    let rows = vec![
        // pods counted: two exist, a third is refused
        admit(
            &[quota("q", "pods=2")],
            &[pod("a", &[("nginx", "")]), pod("b", &[("nginx", "")])],
            &pod("x", &[("nginx", "")]),
        ),
        // a compute quota needs each container to state the resource
        admit(&[quota("q", full)], &[], &pod("x", &[("nginx", "")])),
        admit(
            &[quota("q", full)],
            &[],
            &pod("x", &[("nginx", "requests cpu=100m,memory=64Mi"), ("side", "")]),
        ),
        // cpu and memory are requests.cpu and requests.memory by their legacy names
        admit(
            &[quota("q", "cpu=1,memory=1Gi")],
            &[pod("a", &[("nginx", sized)])],
            &pod("x", &[("nginx", "requests cpu=600m,memory=256Mi")]),
        ),
        // fits exactly
        admit(
            &[quota("q", full)],
            &[pod("a", &[("nginx", sized)])],
            &pod("x", &[("nginx", sized)]),
        ),
        // over on two resources at once
        admit(
            &[quota("q", full)],
            &[pod("a", &[("nginx", sized)])],
            &pod("x", &[("nginx", "requests cpu=1,memory=1Gi;limits cpu=1,memory=1Gi")]),
        ),
        // quotas in name order: the first that refuses answers
        admit(
            &[quota("b-pods", "pods=1"), quota("a-count", "count/pods=1")],
            &[pod("a", &[("nginx", "")])],
            &pod("x", &[("nginx", "")]),
        ),
        // a quota on other kinds leaves pods alone
        admit(
            &[quota("q", "count/deployments.apps=0,services=0")],
            &[],
            &pod("x", &[("nginx", "")]),
        ),
        // object counts
        admit(
            &[quota("q", "configmaps=1")],
            &["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n".into()],
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n",
        ),
        admit(
            &[quota("q", "count/deployments.apps=0")],
            &[],
            &deployment_yaml("web", 1, "nginx:1.27", "", ""),
        ),
        // LimitRanger's defaults count toward the quota
        admit(
            &[
                quota("q", full),
                limit_range("  - type: Container\n    default:\n      cpu: 500m\n      memory: 512Mi\n    defaultRequest:\n      cpu: 250m\n      memory: 256Mi\n"),
            ],
            &[],
            &pod("x", &[("nginx", "")]),
        ),
    ];
    check(
        rows,
        expect![[r#"
            Forbidden: pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2
            Forbidden: pods "x" is forbidden: failed quota: q: must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; requests.memory for: nginx
            Forbidden: pods "x" is forbidden: failed quota: q: must specify limits.cpu for: nginx,side; limits.memory for: nginx,side; requests.cpu for: side; requests.memory for: side
            Forbidden: pods "x" is forbidden: exceeded quota: q, requested: cpu=600m, used: cpu=500m, limited: cpu=1
            created; nginx: requests cpu=500m,memory=256Mi limits cpu=500m,memory=256Mi
            Forbidden: pods "x" is forbidden: exceeded quota: q, requested: requests.cpu=1,requests.memory=1Gi, used: requests.cpu=500m,requests.memory=256Mi, limited: requests.cpu=1,requests.memory=1Gi
            Forbidden: pods "x" is forbidden: exceeded quota: a-count, requested: count/pods=1, used: count/pods=1, limited: count/pods=1
            created; nginx: requests  limits 
            Forbidden: configmaps "two" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1
            Forbidden: deployments.apps "web" is forbidden: exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=0, limited: count/deployments.apps=0
            created; nginx: requests cpu=250m,memory=256Mi limits cpu=500m,memory=512Mi
              annotation: LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx"#]],
    );
}

#[test]
fn limit_range_admission() {
    let container = |body: &str| limit_range(&format!("  - type: Container\n{body}"));
    let rows = vec![
        // max: no limit given and no default... the max becomes the default limit
        admit(
            &[container("    max:\n      cpu: 500m\n")],
            &[],
            &pod("x", &[("nginx", "")]),
        ),
        admit(
            &[container("    max:\n      cpu: 500m\n")],
            &[],
            &pod("x", &[("nginx", "limits cpu=1")]),
        ),
        admit(
            &[container("    min:\n      memory: 64Mi\n    max:\n      memory: 1Gi\n")],
            &[],
            &pod("x", &[("nginx", "requests memory=32Mi")]),
        ),
        // several violations: Go's aggregate in brackets
        admit(
            &[container("    max:\n      cpu: 500m\n      memory: 128Mi\n")],
            &[],
            &pod("x", &[("nginx", "limits cpu=1,memory=1Gi")]),
        ),
        admit(
            &[container("    maxLimitRequestRatio:\n      cpu: \"2\"\n")],
            &[],
            &pod("x", &[("nginx", "requests cpu=100m;limits cpu=1")]),
        ),
        admit(
            &[container("    maxLimitRequestRatio:\n      cpu: \"2\"\n")],
            &[],
            &pod("x", &[("nginx", "")]),
        ),
        // Pod: the sum of the containers
        admit(
            &[limit_range("  - type: Pod\n    max:\n      cpu: \"1\"\n")],
            &[],
            &pod("x", &[("a", "limits cpu=600m"), ("b", "limits cpu=600m")]),
        ),
        // a container's own values stay; only what it leaves out is filled
        admit(
            &[container("    default:\n      cpu: 500m\n      memory: 512Mi\n    defaultRequest:\n      cpu: 100m\n")],
            &[],
            &pod("x", &[("nginx", "limits memory=1Gi")]),
        ),
        // a default limit below the container's request: pod validation after admission
        admit(
            &[container("    default:\n      cpu: 500m\n")],
            &[],
            &pod("x", &[("nginx", "requests cpu=1")]),
        ),
    ];
    check(
        rows,
        expect![[r#"
            created; nginx: requests cpu=500m limits cpu=500m
              annotation: LimitRanger plugin set: cpu request for container nginx; cpu limit for container nginx
            Forbidden: pods "x" is forbidden: maximum cpu usage per Container is 500m, but limit is 1
            Forbidden: pods "x" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi
            Forbidden: pods "x" is forbidden: [maximum cpu usage per Container is 500m, but limit is 1, maximum memory usage per Container is 128Mi, but limit is 1Gi]
            Forbidden: pods "x" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 10.000000
            Forbidden: pods "x" is forbidden: cpu max limit to request ratio per Container is 2, but no request is specified or request is 0
            Forbidden: pods "x" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m
            created; nginx: requests cpu=100m,memory=1Gi limits cpu=500m,memory=1Gi
              annotation: LimitRanger plugin set: cpu request for container nginx; cpu limit for container nginx
            Invalid: The Pod "x" is invalid: spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m"#]],
    );
}

#[test]
fn limit_range_defaulting_and_validation() {
    let mut c = cluster(1, 3);
    let out = vec![
        create(
            &mut c,
            &limit_range("  - type: Container\n    max:\n      cpu: \"1\"\n    min:\n      cpu: 100m\n"),
        ),
        c.get(Kind::LimitRange, "default", "limits")
            .map(|o| serde_json::to_string(&o.to_value()["spec"]).unwrap())
            .unwrap_or_default(),
        create(
            &mut c,
            "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: bad\nspec:\n  limits:\n  - type: Container\n    min:\n      cpu: \"2\"\n    max:\n      cpu: \"1\"\n  - type: Pod\n    default:\n      cpu: \"1\"\n  - type: Node\n",
        ),
        create(
            &mut c,
            "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: bad\nspec:\n  hard:\n    pods: \"-1\"\n  scopes: [Forever]\n",
        ),
    ];
    check(
        out,
        expect![[r#"
        created limits
        {"limits":[{"default":{"cpu":"1"},"defaultRequest":{"cpu":"1"},"max":{"cpu":"1"},"min":{"cpu":"100m"},"type":"Container"}]}
        Invalid: The LimitRange "bad" is invalid: 
        * spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1
        * spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1
        * spec.limits[0].default[cpu]: Invalid value: "1": min value 2 is greater than default value 1
        * spec.limits[1].default[cpu]: Forbidden: may not be specified when `type` is 'Pod'
        * spec.limits[2].type: Unsupported value: "Node": supported values: "Container", "PersistentVolumeClaim", "Pod"
        Invalid: The ResourceQuota "bad" is invalid: 
        * spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0
        * spec.scopes[0]: Unsupported value: "Forever": supported values: "BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating""#]],
    );
}

#[test]
fn quota_controller_keeps_status_and_replica_sets_retry() {
    let mut c = cluster(1, 3);
    apply_yaml(&mut c, &quota("q", "pods=2,requests.cpu=1"));
    apply_yaml(
        &mut c,
        &deployment_yaml(
            "web",
            3,
            "nginx:1.27",
            "        resources:\n          requests:\n            cpu: 300m\n",
            "",
        ),
    );
    c.advance(5_000);
    let status = |c: &Cluster| match c.get(Kind::ResourceQuota, "default", "q") {
        Ok(Object::ResourceQuota(q)) => serde_json::to_string(&q.status).unwrap(),
        _ => String::new(),
    };
    let events = |c: &Cluster| {
        c.list(Kind::Event, Some("default"), None)
            .into_iter()
            .filter_map(|o| match o {
                // The pod's random name left out: the refusal is what matters.
                Object::Event(e) if e.reason == "FailedCreate" => Some(format!(
                    "{} ({}x): {}",
                    e.reason,
                    e.count,
                    e.message.split_once("forbidden: ").map_or("", |m| m.1)
                )),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let mut out = vec![status(&c), format!("pods: {}", pods(&c).len())];
    out.extend(events(&c));
    // Raising the quota lets the ReplicaSet's next retry create the third pod.
    apply_yaml(&mut c, &quota("q", "pods=3,requests.cpu=1"));
    c.advance(11_000);
    out.push(status(&c));
    out.push(format!("pods: {}", pods(&c).len()));
    check(
        out,
        expect![[r#"
        {"hard":{"pods":"2","requests.cpu":"1"},"used":{"pods":"2","requests.cpu":"600m"}}
        pods: 2
        FailedCreate (4x): exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2
        {"hard":{"pods":"3","requests.cpu":"1"},"used":{"pods":"3","requests.cpu":"900m"}}
        pods: 3"#]],
    );
}
