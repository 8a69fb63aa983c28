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
