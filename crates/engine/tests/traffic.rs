//! The lessons traffic teaches, as real clusters teach them: a rolling update of a slow-starting
//! app drops requests without a readiness probe, a few without a preStop delay, none with both;
//! an expired TLS certificate fails requests, and rotating it with a rollout restart fails none.
//! The trace records every second of it, the same for the same seed.

mod common;

use base64::Engine;
use common::*;
use kubeplay_api::{Object, Time};
use kubeplay_engine::{tls, Cluster, EPOCH};

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 80\n";
const SLOW: &str = "        kubeplay.dev/startup-seconds: \"10\"\n";
const READINESS: &str = "        readinessProbe:\n          httpGet:\n            path: /\n            port: 80\n          periodSeconds: 1\n";
const PRE_STOP: &str =
    "        lifecycle:\n          preStop:\n            sleep:\n              seconds: 5\n";

/// Traffic samples from the trace: (ok, failed) per second.
fn traffic(c: &Cluster) -> Vec<(u64, u64)> {
    c.trace()
        .unwrap_or_default()
        .iter()
        .filter(|l| l.contains("\"type\":\"TRAFFIC\""))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["ok"].as_u64().unwrap_or(0),
                v["failed"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A 4-replica Deployment of a slow-starting app under 50 requests/s, updated to a new image;
/// returns the cluster and the requests that failed.
fn rolling_update(container_extra: &str, seed: u64) -> (Cluster, u64) {
    let mut c = cluster(3, seed);
    let d = |image: &str| deployment_yaml("web", 4, image, container_extra, SLOW);
    apply_yaml(&mut c, &format!("{SERVICE}---\n{}", d("nginx:1.10")));
    c.advance(60_000);
    c.start_traffic("default", "web", 50)
        .expect("service exists");
    c.advance(10_000);
    apply_yaml(&mut c, &d("nginx:1.11"));
    c.advance(120_000);
    assert!(
        pods(&c)
            .iter()
            .all(|p| p.spec.containers[0].image == "nginx:1.11" && p.is_ready()),
        "the update finished"
    );
    let failed = traffic(&c).iter().map(|(_, f)| f).sum();
    (c, failed)
}

#[test]
fn readiness_probe_and_pre_stop_make_a_rolling_update_lossless() {
    let (c, failed) = rolling_update(&format!("{READINESS}{PRE_STOP}"), 41);
    assert_eq!(failed, 0);
    let samples = traffic(&c);
    assert_eq!(samples.len(), 130, "a TRAFFIC line per second");
    assert!(samples.iter().all(|(ok, failed)| *ok == 50 && *failed == 0));
    // Both versions answered during the update.
    let trace = c.trace().unwrap_or_default().join("\n");
    assert!(trace.contains(r#""versions":{"nginx:1.10":"#));
    assert!(trace.contains(r#""nginx:1.11":"#));
}

#[test]
fn without_a_readiness_probe_a_slow_app_gets_requests_before_it_serves() {
    let (c, failed) = rolling_update(PRE_STOP, 41);
    assert!(failed > 100, "failed {failed}");
    let worst = traffic(&c).iter().map(|(_, f)| *f).max().unwrap_or(0);
    assert!(
        worst >= 10,
        "the trace shows failing seconds (worst {worst})"
    );
}

#[test]
fn without_a_pre_stop_delay_requests_fail_while_kube_proxy_catches_up() {
    let (_, failed) = rolling_update(READINESS, 41);
    // Each old pod stops at SIGTERM while kube-proxy still routes to it for about a second.
    assert!((1..200).contains(&failed), "failed {failed}");
}

#[test]
fn the_same_seed_and_script_give_byte_identical_traces() {
    let run = || {
        rolling_update(READINESS, 42)
            .0
            .trace()
            .unwrap_or_default()
            .join("\n")
    };
    let a = run();
    assert_eq!(a, run());
    assert!(a.contains("\"type\":\"TRAFFIC\""));
    let other = rolling_update(READINESS, 43)
        .0
        .trace()
        .unwrap_or_default()
        .join("\n");
    assert_ne!(a, other, "another seed, another run");
}

fn tls_secret(c: &mut Cluster, not_after: Time) {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let pem = tls::certificate_pem("web.default.svc", EPOCH.plus_millis(-86_400_000), not_after);
    let v = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "web-tls"},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": b64(&pem), "tls.key": b64("placeholder key")}
    });
    let obj = Object::from_value(v).expect("a Secret");
    c.apply(obj).expect("accepted");
}

const TLS_VOLUME: &str = "        volumeMounts:\n        - name: tls\n          mountPath: /etc/tls\n      volumes:\n      - name: tls\n        secret:\n          secretName: web-tls\n";

fn tls_deployment(restarted_at: &str) -> String {
    deployment_yaml(
        "web",
        4,
        "nginx:1.25",
        &format!("{READINESS}{PRE_STOP}{TLS_VOLUME}"),
        &format!("{SLOW}        kubectl.kubernetes.io/restartedAt: \"{restarted_at}\"\n"),
    )
}

/// 4 pods serving a certificate that expires 10 minutes after the epoch, under traffic.
fn tls_cluster() -> Cluster {
    let mut c = cluster(3, 44);
    tls_secret(&mut c, EPOCH.plus_millis(600_000));
    apply_yaml(
        &mut c,
        &format!("{SERVICE}---\n{}", tls_deployment("never")),
    );
    c.advance(60_000);
    c.start_traffic("default", "web", 20)
        .expect("service exists");
    c
}

#[test]
fn an_expired_certificate_fails_every_request() {
    let mut c = tls_cluster();
    c.run_until(EPOCH.plus_millis(600_000));
    assert_eq!(traffic(&c).iter().map(|(_, f)| f).sum::<u64>(), 0);
    c.advance(30_000);
    let last = traffic(&c).last().copied().unwrap_or_default();
    assert_eq!(
        last,
        (0, 20),
        "every request fails once the certificate expired"
    );
    // Rotating the Secret alone does not help: the app loaded its certificate at start.
    tls_secret(&mut c, EPOCH.plus_millis(365 * 86_400_000));
    c.advance(120_000);
    assert_eq!(traffic(&c).last().copied().unwrap_or_default(), (0, 20));
    let mounted = pods(&c)
        .iter()
        .filter_map(|p| c.pod_runtime("default", &p.metadata.name))
        .filter(|r| {
            r.volumes.get("tls").is_some_and(|v| {
                let crt = v.files.get("tls.crt").map(String::as_str).unwrap_or("");
                tls::certificate_not_after(crt) == Ok(EPOCH.plus_millis(365 * 86_400_000))
            })
        })
        .count();
    assert_eq!(mounted, 4, "the volumes show the new Secret");
}

#[test]
fn rotating_the_secret_and_restarting_the_rollout_fails_no_request() {
    let mut c = tls_cluster();
    c.run_until(EPOCH.plus_millis(300_000));
    tls_secret(&mut c, EPOCH.plus_millis(365 * 86_400_000));
    apply_yaml(&mut c, &tls_deployment("2026-01-01T00:05:00Z"));
    c.run_until(EPOCH.plus_millis(900_000));
    let samples = traffic(&c);
    assert!(samples.len() > 800);
    assert_eq!(samples.iter().map(|(_, f)| f).sum::<u64>(), 0);
    let not_after: Vec<Option<Time>> = pods(&c)
        .iter()
        .filter_map(|p| c.pod_runtime("default", &p.metadata.name))
        .map(|r| r.certificate_not_after)
        .collect();
    assert_eq!(
        not_after,
        vec![Some(EPOCH.plus_millis(365 * 86_400_000)); 4]
    );
}

#[test]
fn single_requests_are_routed_and_counted() {
    let mut c = cluster(3, 5);
    apply_yaml(
        &mut c,
        &format!(
            "{SERVICE}---\n{}",
            deployment_yaml("web", 2, "nginx:1.10", "", "")
        ),
    );
    // Before any pod serves, and before kube-proxy programs the Service: refused.
    assert_eq!(c.request("default", "web").unwrap(), None);
    c.advance(60_000);
    assert_eq!(
        c.request("default", "web").unwrap().as_deref(),
        Some("nginx:1.10")
    );
    assert!(c.request("default", "nope").is_err());
    // Counted as traffic: one failed, one answered, with no generator running.
    assert_eq!(traffic(&c), vec![(0, 1), (1, 0)]);
    // With a generator, a request joins its next second.
    c.start_traffic("default", "web", 10).unwrap();
    c.request("default", "web").unwrap();
    c.advance(1_000);
    assert_eq!(traffic(&c).last(), Some(&(11, 0)));
}
