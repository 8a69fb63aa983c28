//! Probe schedules, solved analytically: the prober worker ticks every `periodSeconds` from when
//! the kubelet admitted the pod, skips ticks before `initialDelaySeconds` of the container's
//! start (and, for readiness and liveness, before the startup probe passed), and flips the result
//! after `successThreshold` or `failureThreshold` equal results in a row. The app passes every
//! probe once it serves (`kubeplay.dev/startup-seconds` after its start) and fails before.

use kubeplay_api::core::{Container, Probe};
use kubeplay_api::Time;

/// Failing ticks reported as `Unhealthy` events per container start, at most.
pub(crate) const MAX_REPORTED_FAILURES: usize = 20;

fn period_ms(p: &Probe) -> i64 {
    p.period_seconds.unwrap_or(10).max(1) as i64 * 1000
}

fn delay_ms(p: &Probe) -> i64 {
    p.initial_delay_seconds.unwrap_or(0).max(0) as i64 * 1000
}

/// The first tick of a worker started at `admitted` at or after `t`.
pub(crate) fn tick_at_or_after(admitted: Time, period: i64, t: Time) -> Time {
    if t <= admitted {
        return admitted;
    }
    let k = (t.millis() - admitted.millis() + period - 1) / period;
    admitted.plus_millis(k.saturating_mul(period))
}

/// The first tick at which the probe runs: `initialDelaySeconds` after `started`, not before
/// `gate` (the startup probe's success).
pub(crate) fn first_probe(admitted: Time, started: Time, probe: &Probe, gate: Time) -> Time {
    tick_at_or_after(
        admitted,
        period_ms(probe),
        started.plus_millis(delay_ms(probe)).max(gate),
    )
}

/// When the probe result turns to success: `successThreshold` passing ticks in a row, the first
/// at or after the app serves.
pub(crate) fn success_at(
    admitted: Time,
    started: Time,
    probe: &Probe,
    serving_at: Time,
    gate: Time,
) -> Time {
    let period = period_ms(probe);
    let first = tick_at_or_after(
        admitted,
        period,
        first_probe(admitted, started, probe, gate).max(serving_at),
    );
    let threshold = probe.success_threshold.unwrap_or(1).max(1) as i64;
    first.plus_millis((threshold - 1).saturating_mul(period))
}

/// The ticks that fail (the app does not serve yet), at most [`MAX_REPORTED_FAILURES`].
pub(crate) fn failing_ticks(
    admitted: Time,
    started: Time,
    probe: &Probe,
    serving_at: Time,
    gate: Time,
) -> Vec<Time> {
    let period = period_ms(probe);
    let mut t = first_probe(admitted, started, probe, gate);
    let mut out = Vec::new();
    while t < serving_at && out.len() < MAX_REPORTED_FAILURES {
        out.push(t);
        t = t.plus_millis(period);
    }
    out
}

/// When a liveness or startup probe kills the container: at the `failureThreshold`-th failing
/// tick in a row, if the app does not serve by then.
pub(crate) fn failure_at(
    admitted: Time,
    started: Time,
    probe: &Probe,
    serving_at: Time,
    gate: Time,
) -> Option<Time> {
    let period = period_ms(probe);
    let threshold = probe.failure_threshold.unwrap_or(3).max(1) as i64;
    let kill = first_probe(admitted, started, probe, gate)
        .plus_millis((threshold - 1).saturating_mul(period));
    (kill < serving_at).then_some(kill)
}

/// What a failed probe reports, as the kubelet's prober words it for each handler.
pub(crate) fn failure_output(probe: &Probe, container: &Container, pod_ip: &str) -> String {
    let port = |v: Option<&serde_json::Value>| -> String {
        match v {
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::String(name)) => container
                .ports
                .iter()
                .find(|p| &p.name == name)
                .map(|p| p.container_port.to_string())
                .unwrap_or_else(|| name.clone()),
            _ => "80".into(),
        }
    };
    if let Some(h) = probe.handler.get("httpGet") {
        let scheme = h
            .get("scheme")
            .and_then(|s| s.as_str())
            .unwrap_or("HTTP")
            .to_ascii_lowercase();
        let path = h.get("path").and_then(|s| s.as_str()).unwrap_or("/");
        let port = port(h.get("port"));
        return format!(
            "Get \"{scheme}://{pod_ip}:{port}{path}\": dial tcp {pod_ip}:{port}: connect: connection refused"
        );
    }
    if let Some(h) = probe.handler.get("tcpSocket") {
        let port = port(h.get("port"));
        return format!("dial tcp {pod_ip}:{port}: connect: connection refused");
    }
    if let Some(h) = probe.handler.get("grpc") {
        let port = port(h.get("port"));
        return format!(
            "timeout: failed to connect service \"{pod_ip}:{port}\" within 1s: context deadline exceeded"
        );
    }
    // exec: the command's output, which a simulated app does not have.
    String::new()
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    const T0: Time = crate::EPOCH;

    fn s(t: Time) -> String {
        format!("{}", (t.millis() - T0.millis()) as f64 / 1000.0)
    }

    fn probe(delay: i32, period: i32, success: i32, failure: i32) -> Probe {
        Probe {
            initial_delay_seconds: Some(delay),
            period_seconds: Some(period),
            success_threshold: Some(success),
            failure_threshold: Some(failure),
            ..Default::default()
        }
    }

    /// Admitted at 0 s, container started at `started`, app serving at `serving` (seconds):
    /// readiness success and liveness kill times.
    fn check(started: f64, serving: f64, p: Probe, expect: Expect) {
        let at = |secs: f64| T0.plus_millis((secs * 1000.0) as i64);
        let (st, sv) = (at(started), at(serving));
        let ready = success_at(T0, st, &p, sv, st);
        let fails: Vec<String> = failing_ticks(T0, st, &p, sv, st)
            .into_iter()
            .map(s)
            .collect();
        let kill = failure_at(T0, st, &p, sv, st).map_or("-".to_string(), s);
        expect.assert_eq(&format!(
            "ready at {}, failing ticks [{}], liveness kills at {kill}",
            s(ready),
            fails.join(" ")
        ));
    }

    #[test]
    fn probe_schedules() {
        // Serving at once: the first tick after start passes (ticks at 0, 10, 20... from admission).
        check(
            4.2,
            4.2,
            probe(0, 10, 1, 3),
            expect!["ready at 10, failing ticks [], liveness kills at -"],
        );
        // A 10 s startup: ticks at 10 fails, 20 passes.
        check(
            4.2,
            14.2,
            probe(0, 10, 1, 3),
            expect!["ready at 20, failing ticks [10], liveness kills at -"],
        );
        // initialDelaySeconds 5 after a start at 4.2: the first tick at or after 9.2 is 10.
        check(
            4.2,
            4.2,
            probe(5, 10, 1, 3),
            expect!["ready at 10, failing ticks [], liveness kills at -"],
        );
        // initialDelaySeconds 6: first probe at 20.
        check(
            4.2,
            4.2,
            probe(6, 10, 1, 3),
            expect!["ready at 20, failing ticks [], liveness kills at -"],
        );
        // successThreshold 3 with a 2 s period: 6, 8, 10 pass.
        check(
            4.2,
            4.2,
            probe(0, 2, 3, 3),
            expect!["ready at 10, failing ticks [], liveness kills at -"],
        );
        // A 40 s startup with liveness every 10 s, 3 failures: killed at 30 (10, 20, 30 fail).
        check(
            4.2,
            44.2,
            probe(0, 10, 1, 3),
            expect!["ready at 50, failing ticks [10 20 30 40], liveness kills at 30"],
        );
        // The same with initialDelaySeconds 30: probes at 40 (fails), 50 (passes): alive.
        check(
            4.2,
            44.2,
            probe(30, 10, 1, 3),
            expect!["ready at 50, failing ticks [40], liveness kills at -"],
        );
        // A probe on the tick the app starts serving passes.
        check(
            0.0,
            10.0,
            probe(0, 10, 1, 1),
            expect!["ready at 10, failing ticks [0], liveness kills at 0"],
        );
    }

    #[test]
    fn failure_messages() {
        let mut c = Container::default();
        c.ports.push(kubeplay_api::core::ContainerPort {
            name: "http".into(),
            container_port: 8080,
            ..Default::default()
        });
        let with = |k: &str, v: serde_json::Value| {
            let mut p = Probe::default();
            p.handler.insert(k.into(), v);
            failure_output(&p, &c, "10.244.1.7")
        };
        expect![[r#"Get "http://10.244.1.7:8080/healthz": dial tcp 10.244.1.7:8080: connect: connection refused"#]]
            .assert_eq(&with("httpGet", serde_json::json!({"path": "/healthz", "port": "http"})));
        expect!["dial tcp 10.244.1.7:5432: connect: connection refused"]
            .assert_eq(&with("tcpSocket", serde_json::json!({"port": 5432})));
        expect![""].assert_eq(&with(
            "exec",
            serde_json::json!({"command": ["cat", "/tmp/ok"]}),
        ));
    }
}
