//! Odd but valid input must not panic or hang the engine: absurd numbers in specs, probes and
//! annotations, garbage in Secrets, calls on objects that are gone.

mod common;

use common::*;
use kubeplay_api::{Kind, Object};

#[test]
fn absurd_values_that_pass_validation_do_not_panic() {
    let mut c = cluster(2, 51);
    let strategy = "  strategy:\n    rollingUpdate:\n      maxSurge: 9223372036854775807\n      maxUnavailable: 99999999999999999%\n";
    let strategy_ok = strategy.replace("99999999999999999%", "100%");
    let probes = "        readinessProbe:\n          exec:\n            command: [\"true\"]\n          initialDelaySeconds: 2147483647\n          periodSeconds: 2147483647\n          successThreshold: 2147483647\n        livenessProbe:\n          tcpSocket:\n            port: http\n          failureThreshold: 2147483647\n          periodSeconds: 1\n        lifecycle:\n          preStop:\n            exec:\n              command: [\"sleep\", \"1e300\"]\n";
    let annotations = "        kubeplay.dev/startup-seconds: \"NaN\"\n        kubeplay.dev/crash-after-seconds: \"-5\"\n        kubeplay.dev/shutdown-seconds: \"1e308\"\n        kubeplay.dev/pull-seconds: \"inf\"\n        controller.kubernetes.io/pod-deletion-cost: \"99999999999\"\n";
    for s in [strategy, strategy_ok.as_str()] {
        let y = deployment_yaml("odd", 3, "nginx", probes, annotations)
            .replace("  selector:", &format!("{s}  selector:"));
        if let Ok(docs) = kubeplay_api::parse_documents(&y) {
            for v in docs {
                if let Ok(o) = Object::from_value(v) {
                    let _ = c.apply(o);
                }
            }
        }
    }
    apply_yaml(
        &mut c,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad-tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: bm90IGEgY2VydA==\n  tls.key: eA==\n",
    );
    let tls_pod = deployment_yaml(
        "tls",
        2,
        "nginx:1.25",
        "        volumeMounts:\n        - name: t\n          mountPath: /t\n      volumes:\n      - name: t\n        secret:\n          secretName: bad-tls\n",
        "",
    );
    apply_yaml(&mut c, &tls_pod);
    c.advance(600_000);
    // The TLS app cannot load its certificate: it crash-loops, as nginx would.
    let crashing = pods(&c)
        .iter()
        .filter(|p| p.metadata.name.starts_with("tls-"))
        .all(|p| p.status.container_statuses[0].restart_count > 0);
    assert!(crashing);
    // Scale to zero and back, delete everything twice, fail and restore nodes that do not exist.
    let mut d = deployment(&c, "odd");
    d.spec.replicas = Some(0);
    let _ = c.update(Object::Deployment(d.clone()));
    c.advance(10_000);
    d.spec.replicas = Some(5);
    let _ = c.update(Object::Deployment(d));
    c.advance(10_000);
    for p in pods(&c) {
        let _ = c.delete(Kind::Pod, "default", &p.metadata.name, Some(0));
        let _ = c.delete(Kind::Pod, "default", &p.metadata.name, None);
    }
    assert!(c.fail_node("no-such-node").is_err());
    assert!(c.restore_node("no-such-node").is_err());
    let _ = c.fail_node("node-1");
    let _ = c.fail_node("node-1");
    let _ = c.delete(Kind::Node, "", "node-1", None);
    let _ = c.restore_node("node-1");
    c.advance(900_000);
    let _ = c.delete(Kind::Deployment, "default", "odd", None);
    let _ = c.delete(Kind::Deployment, "default", "odd", None);
    c.advance(60_000);
    assert!(c.next_task_time().is_some(), "the simulation goes on");
}

/// Quotas, LimitRanges and Ingresses with values at the edges: huge quantities, zero ratios,
/// non-ASCII hosts, status written by the user, routes to nothing. Nothing may panic.
#[test]
fn odd_quotas_limit_ranges_and_ingresses_do_not_panic() {
    let mut c = cluster(1, 52);
    let docs = [
        "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    pods: \"999999999999999999\"\n    requests.cpu: 1n\n    limits.memory: \"0\"\n    count/nonsense.example.com: \"1\"\n    requests.storage: 1Ei\n  scopes: [BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity, Terminating]\n",
        "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: l\nspec:\n  limits:\n  - type: Container\n    maxLimitRequestRatio:\n      cpu: \"0\"\n      memory: 1e-9\n    min:\n      cpu: \"0\"\n  - type: Pod\n    max:\n      memory: \"1\"\n  - type: PersistentVolumeClaim\n    max:\n      storage: 1Gi\n",
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\n",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  ingressClassName: nginx\n  defaultBackend:\n    resource:\n      kind: Bucket\n      name: b\n  rules:\n  - host: \"ünïcode.example\"\n    http:\n      paths:\n      - path: /\n        pathType: ImplementationSpecific\n        backend:\n          service:\n            name: nowhere\n            port:\n              name: http\nstatus:\n  loadBalancer:\n    ingress:\n    - hostname: \"ééééééééééééééééééééé\"\n",
    ];
    for d in docs {
        for v in kubeplay_api::parse_documents(d).unwrap_or_default() {
            if let Ok(o) = Object::from_value(v) {
                let _ = c.apply(o);
            }
        }
    }
    apply_yaml(
        &mut c,
        &deployment_yaml(
            "w",
            3,
            "nginx",
            "        resources:\n          requests:\n            cpu: 1n\n          limits:\n            cpu: 1n\n",
            "",
        ),
    );
    c.advance(60_000);
    for host in ["ünïcode.example", "", "*", "...", "172.18.0.2"] {
        for path in ["", "/", "//", "/?x", "#", "/a/../b"] {
            let _ = c.ingress_route(host, path);
            let _ = c.ingress_serves(host);
        }
    }
    let _ = c.delete(Kind::ResourceQuota, "default", "q", None);
    let _ = c.delete(Kind::IngressClass, "", "nginx", None);
    c.advance(60_000);
}
