//! Why requests fail, as the engine knows it: each row is a story typed at the console under
//! traffic, and the failed requests it causes, split by cause (no ready endpoint, connection
//! refused, node down, certificate expired). Also: how few requests the board gets to draw.

use std::collections::BTreeMap;

use expect_test::{expect, Expect};
use kubeplay_console::{Session, SessionConfig};
use kubeplay_engine::{tls, FailureCause, EPOCH, SAMPLED_PER_SECOND};

fn session() -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.load_named_scenario("default").expect("default scenario");
    s
}

/// Runs `script`, failing the test on a command that fails.
fn run(s: &mut Session, script: &str) {
    for o in s.run(script) {
        assert_eq!(
            o.status, 0,
            "{} failed: {}{}",
            o.command, o.stdout, o.stderr
        );
    }
}

/// Three replicas of nginx, one per node, ready and exposed, under 20 requests a second.
const SETUP: &str = "kubectl create deployment web --image=nginx:1.25 --replicas=3
kubectl expose deployment web --port=80
sleep 60s
traffic svc/web --rps 20
sleep 5s
";

/// The same app with a 10-second warm-up, a readiness probe if `probe`, and the TLS Secret
/// `web-tls` mounted if `tls`.
fn manifest(replicas: u32, probe: bool, tls: bool, restarted_at: &str) -> String {
    let mut m = format!(
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
      annotations:
        kubeplay.dev/startup-seconds: \"10\"
        kubectl.kubernetes.io/restartedAt: \"{restarted_at}\"
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"
    );
    if probe {
        m.push_str(
            "        readinessProbe:
          httpGet:
            path: /
            port: 80
          periodSeconds: 1
        lifecycle:
          preStop:
            sleep:
              seconds: 5
",
        );
    }
    if tls {
        m.push_str(
            "        volumeMounts:
        - name: tls
          mountPath: /etc/tls
      volumes:
      - name: tls
        secret:
          secretName: web-tls
",
        );
    }
    m.push_str("EOF\n");
    m
}

/// A `kubernetes.io/tls` Secret whose certificate expires `minutes` after the cluster started.
fn tls_secret(minutes: i64) -> String {
    let pem = tls::certificate_pem(
        "web.default.svc",
        EPOCH.plus_millis(-86_400_000),
        EPOCH.plus_millis(minutes * 60_000),
    );
    let indented: String = pem.lines().map(|l| format!("    {l}\n")).collect();
    format!(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: web-tls
type: kubernetes.io/tls
stringData:
  tls.crt: |
{indented}  tls.key: placeholder
EOF
"
    )
}

/// The failed requests of the whole run by cause, as `total: cause=n ...`, checking on the
/// way that every second's causes add up to its failed count.
fn failures(s: &Session) -> String {
    let mut by_cause: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut ok, mut failed) = (0u64, 0u64);
    for sample in s.cluster().traffic_samples() {
        assert_eq!(
            sample.failures.total(),
            u64::from(sample.failed),
            "causes add up at {}",
            sample.time.rfc3339()
        );
        ok += u64::from(sample.ok);
        failed += u64::from(sample.failed);
        for (c, n) in sample.failures.nonzero() {
            *by_cause.entry(c.id()).or_default() += u64::from(n);
        }
    }
    let causes: Vec<String> = by_cause.iter().map(|(c, n)| format!("{c}={n}")).collect();
    format!("ok={ok} failed={failed} {}", causes.join(" "))
        .trim_end()
        .to_string()
}

fn check(script: &str, want: Expect) {
    let mut s = session();
    run(&mut s, script);
    want.assert_eq(&failures(&s));
}

#[test]
fn failed_requests_by_cause() {
    // A healthy Deployment under traffic fails nothing.
    check(&format!("{SETUP}sleep 30s\n"), expect!["ok=700 failed=0"]);
    // Scaled to zero: nginx stops at SIGTERM while kube-proxy still routes to it for about a
    // second (refused), then the Service has no endpoint left.
    check(
        &format!("{SETUP}kubectl scale deployment web --replicas=0\nsleep 30s\n"),
        expect!["ok=102 failed=598 connection-refused=21 no-endpoint=577"],
    );
    // A Service with no pods behind it: every request finds no endpoint.
    check(
        "kubectl create service clusterip web --tcp=80:80\ntraffic svc/web --rps 10\nsleep 10s\n",
        expect!["ok=0 failed=100 no-endpoint=100"],
    );
    // The machine under one pod fails: kube-proxy keeps routing a third of the requests there
    // until the node is NotReady and its pod leaves the endpoints (about 40 s).
    check(
        &format!("{SETUP}node fail node-1\nsleep 90s\n"),
        expect!["ok=1627 failed=273 node-down=273"],
    );
    // Back before the grace period ran out: the node's pod restarts its app, and until it
    // serves again the requests routed there are refused, not lost to a down node.
    check(
        &format!("{SETUP}node fail node-1\nsleep 10s\nnode restore node-1\nsleep 30s\n"),
        expect!["ok=832 failed=68 connection-refused=4 node-down=64"],
    );
    // A slow-starting app without a readiness probe gets requests before it listens.
    check(
        &format!(
            "{}kubectl expose deployment web --port=80\ntraffic svc/web --rps 20\nsleep 30s\n",
            manifest(2, false, false, "never")
        ),
        expect!["ok=296 failed=304 connection-refused=188 no-endpoint=116"],
    );
    // With a readiness probe it gets none until it serves: until then there is no endpoint.
    check(
        &format!(
            "{}kubectl expose deployment web --port=80\ntraffic svc/web --rps 20\nsleep 30s\n",
            manifest(2, true, false, "never")
        ),
        expect!["ok=275 failed=325 no-endpoint=325"],
    );
    // A certificate that expires four minutes in: every request fails from then on.
    check(
        &format!(
            "{}{}kubectl expose deployment web --port=80\nsleep 60s\ntraffic svc/web --rps 20\nsleep 5m\n",
            tls_secret(4),
            manifest(2, true, true, "never")
        ),
        expect!["ok=3581 failed=2419 certificate-expired=2419"],
    );
}

#[test]
fn a_single_request_gets_its_cause_too() {
    let mut s = session();
    run(
        &mut s,
        "kubectl create service clusterip web --tcp=80:80
kubectl run client --image=busybox -- sleep 3600
sleep 30s
",
    );
    s.run("kubectl exec client -- wget -q -O- http://web");
    assert_eq!(failures(&s), "ok=0 failed=1 no-endpoint=1");
    let kept: Vec<_> = s.cluster().sampled_requests().iter().collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].failure, Some(FailureCause::NoEndpoint));
    assert_eq!(kept[0].ip, None);
}

/// Requests kept for the board per generator second, by rate: every request up to
/// `SAMPLED_PER_SECOND`, then that many spread over the second, plus one of each failure cause
/// the spread missed.
#[test]
fn the_board_gets_a_readable_sample() {
    let rows: &[(u32, &str, Expect)] = &[
        (3, "", expect!["3 per second, 0 failed kept"]),
        (8, "", expect!["8 per second, 0 failed kept"]),
        (50, "", expect!["8 per second, 0 failed kept"]),
        (1000, "", expect!["8 per second, 0 failed kept"]),
        // One pod of three stopped serving (its node failed): a third of the requests fail,
        // and the spread keeps about a third of the dots red.
        (
            1000,
            "node fail node-1\n",
            expect!["8 per second, 1 failed kept"],
        ),
    ];
    for (rps, then, want) in rows {
        let mut s = session();
        run(
            &mut s,
            &format!(
                "kubectl create deployment web --image=nginx:1.25 --replicas=3
kubectl expose deployment web --port=80
sleep 60s
{then}traffic svc/web --rps {rps}
sleep 3s
"
            ),
        );
        let c = s.cluster();
        // The last full second's requests.
        let last = c.traffic_samples().last().map(|x| x.time).unwrap_or(EPOCH);
        let second: Vec<_> = c
            .sampled_requests()
            .iter()
            .filter(|r| r.time < last && r.time >= last.plus_millis(-1_000))
            .collect();
        assert!(second.len() <= (SAMPLED_PER_SECOND + 4) as usize);
        // Spread over the second: the first at its start, the others at least 1000/rate/2 ms
        // apart, in time order.
        assert_eq!(
            second.first().map(|r| r.time),
            Some(last.plus_millis(-1_000))
        );
        assert!(second.windows(2).all(|w| w[0].time <= w[1].time));
        // Every kept request that reached a pod names its IP, and the IPs are pods'.
        let ips: Vec<String> = c
            .list(kubeplay_api::Kind::Pod, None, None)
            .into_iter()
            .filter_map(|o| match o {
                kubeplay_api::Object::Pod(p) => Some(p.status.pod_ip.clone()),
                _ => None,
            })
            .collect();
        assert!(second
            .iter()
            .all(|r| r.ip.as_ref().is_some_and(|ip| ips.contains(ip))));
        want.assert_eq(&format!(
            "{} per second, {} failed kept",
            second.len(),
            second.iter().filter(|r| r.failure.is_some()).count()
        ));
    }
}

#[test]
fn a_rare_failure_is_not_sampled_away() {
    // 1,000 requests a second over 30 pods, and one pod stops at SIGTERM while kube-proxy
    // still routes to it: about 3% of a second's requests fail, which an even spread of 8
    // usually misses; the sample keeps one of them all the same.
    let mut s = session();
    run(
        &mut s,
        "kubectl create deployment web --image=nginx:1.25 --replicas=30
kubectl expose deployment web --port=80
sleep 60s
traffic svc/web --rps 1000
sleep 2s
kubectl delete pod $(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}') --wait=false
sleep 3s
",
    );
    let c = s.cluster();
    let failing: Vec<_> = c
        .traffic_samples()
        .iter()
        .filter(|x| x.failed > 0)
        .collect();
    assert!(
        failing.iter().any(|x| x.failed * 8 < x.ok + x.failed),
        "a second where failures were rare: {failing:?}"
    );
    for sample in failing {
        let kept = c
            .sampled_requests()
            .iter()
            .filter(|r| r.time < sample.time && r.time >= sample.time.plus_millis(-1_000));
        let causes: std::collections::BTreeSet<_> = kept.filter_map(|r| r.failure).collect();
        let seen: std::collections::BTreeSet<_> =
            sample.failures.nonzero().map(|(c, _)| c).collect();
        assert_eq!(
            causes,
            seen,
            "every cause of the second at {} has a dot",
            sample.time.rfc3339()
        );
    }
}
