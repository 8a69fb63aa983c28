//! Services and traffic: kube-proxy's view of each Service's endpoints (applied after a
//! propagation delay), and a generator that sends N requests per second to a Service. A request
//! succeeds only if kube-proxy routes it to a pod whose app serves at that instant; one that
//! fails is counted under the cause the engine knows (`FailureCause`), and a few requests a
//! second are kept one by one for the board to draw (`RequestSample`).

use std::collections::{BTreeMap, VecDeque};

use kubeplay_api::{ApiError, Endpoints, Kind, Object, Time};
use rand::Rng;
use serde::Serialize;

use crate::{delays, Cluster, Task};

/// Requests per simulated second to one Service, as the trace records it (the trace line has
/// no causes: `failures` is for the page and the console).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrafficSample {
    /// The end of the second the sample covers.
    pub time: Time,
    /// `default/web`.
    pub service: String,
    pub ok: u32,
    /// Every failed request: the sum of `failures`.
    pub failed: u32,
    /// Successful requests by the image that served them.
    pub versions: BTreeMap<String, u32>,
    /// The failed requests by cause.
    pub failures: FailureCounts,
}

/// Why a request failed, as the engine knows it at the instant of the request. The order of
/// declaration indexes `FailureCounts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureCause {
    /// kube-proxy had no ready endpoint for the Service (none ready yet, scaled to zero, or the
    /// endpoints controller took them out).
    NoEndpoint,
    /// kube-proxy routed to a pod whose app does not listen: not started yet, stopped at
    /// SIGTERM, crashed or killed by a probe.
    ConnectionRefused,
    /// kube-proxy routed to a pod on a machine that failed (`node fail`) and has not come back;
    /// kube-proxy keeps routing there until the node is marked NotReady and its pods leave the
    /// endpoints.
    NodeDown,
    /// The app serves, but the certificate it loaded at start is past its notAfter.
    CertificateExpired,
    /// A NetworkPolicy isolates the pod kube-proxy routed to (or the client pod, for egress) and
    /// no rule allows the connection: its packets are dropped and the client times out.
    BlockedByPolicy,
}

impl FailureCause {
    /// Every cause, in the order the page stacks and lists them.
    pub const ALL: [FailureCause; 5] = [
        FailureCause::NoEndpoint,
        FailureCause::ConnectionRefused,
        FailureCause::NodeDown,
        FailureCause::CertificateExpired,
        FailureCause::BlockedByPolicy,
    ];

    /// A stable identifier: `no-endpoint`, `connection-refused`, `node-down`,
    /// `certificate-expired`, `blocked-by-policy` (the page's `data-cause`).
    pub fn id(self) -> &'static str {
        match self {
            FailureCause::NoEndpoint => "no-endpoint",
            FailureCause::ConnectionRefused => "connection-refused",
            FailureCause::NodeDown => "node-down",
            FailureCause::CertificateExpired => "certificate-expired",
            FailureCause::BlockedByPolicy => "blocked-by-policy",
        }
    }

    /// In words, as a client would see it: `no ready endpoint`, `connection refused`...
    pub fn describe(self) -> &'static str {
        match self {
            FailureCause::NoEndpoint => "no ready endpoint",
            FailureCause::ConnectionRefused => "connection refused",
            FailureCause::NodeDown => "node down",
            FailureCause::CertificateExpired => "certificate expired",
            FailureCause::BlockedByPolicy => "blocked by a NetworkPolicy",
        }
    }
}

/// Failed requests by cause, one count per `FailureCause`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FailureCounts([u32; 5]);

impl FailureCounts {
    pub fn get(&self, cause: FailureCause) -> u32 {
        self.0[cause as usize]
    }

    pub fn add(&mut self, cause: FailureCause, n: u32) {
        let s = &mut self.0[cause as usize];
        *s = s.saturating_add(n);
    }

    pub fn merge(&mut self, other: &FailureCounts) {
        for c in FailureCause::ALL {
            self.add(c, other.get(c));
        }
    }

    pub fn total(&self) -> u64 {
        FailureCause::ALL
            .iter()
            .map(|c| u64::from(self.get(*c)))
            .sum()
    }

    /// The causes with a count, in `FailureCause::ALL`'s order.
    pub fn nonzero(&self) -> impl Iterator<Item = (FailureCause, u32)> + '_ {
        FailureCause::ALL
            .into_iter()
            .map(|c| (c, self.get(c)))
            .filter(|(_, n)| *n > 0)
    }
}

/// One request kept for the board to draw: a sample of the traffic, never all of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSample {
    /// Counts up by one per kept request, from 1: lets a view tell which requests it has not
    /// drawn yet.
    pub seq: u64,
    /// When the request was made (within the second that the traffic sample covers).
    pub time: Time,
    /// `default/web`.
    pub service: String,
    /// The pod IP kube-proxy routed it to; `None` when it had no ready endpoint.
    pub ip: Option<String>,
    /// `None` when the app answered, else why it failed.
    pub failure: Option<FailureCause>,
}

/// Requests kept per Service per generator second, spread evenly over the second: as many as a
/// reader can follow as dots at once, whatever the rate.
pub const SAMPLED_PER_SECOND: u32 = 8;
/// Individual requests kept in all (about a minute of one Service at full sampling): views
/// draw the last second or two.
const SAMPLED_KEPT: usize = 512;

/// An interval during which an app instance answers requests.
#[derive(Clone, Copy, Debug)]
struct Serving {
    from: Time,
    until: Option<Time>,
    cert_not_after: Option<Time>,
}

/// Single requests counted into a generator's next second.
#[derive(Default)]
struct Pending {
    ok: u32,
    failed: u32,
    versions: BTreeMap<String, u32>,
    failures: FailureCounts,
}

/// The node a pod IP is on and the periods during which that node was down (`node fail` until
/// `node restore`; `None`: not restored yet).
struct NodeDown {
    node: String,
    periods: Vec<(Time, Option<Time>)>,
}

#[derive(Default)]
pub(crate) struct Traffic {
    generators: BTreeMap<String, u32>,
    /// When each generator was last started: `traffic status` counts requests from then on.
    started: BTreeMap<String, Time>,
    /// Per Service: (time kube-proxy applies it, ready endpoint IPs).
    proxy: BTreeMap<String, Vec<(Time, Vec<String>)>>,
    /// Per pod IP: the image and the intervals during which the app answers, each with the
    /// notAfter of the certificate it serves (TLS apps).
    serving: BTreeMap<String, (String, Vec<Serving>)>,
    samples: Vec<TrafficSample>,
    ticking: bool,
    /// Single requests per Service since the last tick of its generator.
    single: BTreeMap<String, Pending>,
    /// Per pod IP: when its node was down. Serving stops when a node fails, as it does at
    /// SIGTERM; this is what tells the two apart.
    down: BTreeMap<String, NodeDown>,
    /// Individual requests for the board, oldest first.
    sampled: VecDeque<RequestSample>,
    /// The last `RequestSample::seq` given.
    sampled_seq: u64,
    /// Per pod IP: requests it answered in each of the last generator seconds (second, count),
    /// what its CPU use is computed from (see `metrics.rs`).
    served: BTreeMap<String, VecDeque<(i64, u32)>>,
}

/// How far back the served counts are kept, and the window a rate is averaged over (about the
/// resolution a metrics-server reports at).
const SERVED_KEPT_SECONDS: i64 = 60;
pub(crate) const RATE_WINDOW_SECONDS: i64 = 15;

impl Traffic {
    /// Requests per second the app at `ip` answered over the last `RATE_WINDOW_SECONDS`.
    pub(crate) fn served_rate(&self, ip: &str, now: Time) -> f64 {
        let Some(counts) = self.served.get(ip) else {
            return 0.0;
        };
        let since = now.seconds() - RATE_WINDOW_SECONDS;
        let n: u64 = counts
            .iter()
            .filter(|(sec, _)| *sec > since)
            .map(|(_, c)| u64::from(*c))
            .sum();
        n as f64 / RATE_WINDOW_SECONDS as f64
    }

    fn count_served(&mut self, counts: BTreeMap<String, u32>, second: i64) {
        for (ip, n) in counts {
            let q = self.served.entry(ip).or_default();
            match q.back_mut() {
                Some((s, c)) if *s == second => *c += n,
                _ => q.push_back((second, n)),
            }
        }
        let horizon = second - SERVED_KEPT_SECONDS;
        self.served.retain(|_, q| {
            while q.front().is_some_and(|(s, _)| *s <= horizon) {
                q.pop_front();
            }
            !q.is_empty()
        });
    }

    pub(crate) fn endpoints_changed(&mut self, ep: &Endpoints, now: Time) {
        let key = format!("{}/{}", ep.metadata.namespace, ep.metadata.name);
        let ips: Vec<String> = ep
            .subsets
            .iter()
            .flat_map(|s| s.addresses.iter().map(|a| a.ip.clone()))
            .collect();
        let hist = self.proxy.entry(key).or_default();
        hist.push((now.plus_millis(delays::KUBE_PROXY), ips));
        // Keep what a request in the last minute could still see.
        let horizon = now.plus_millis(-60_000);
        while hist.len() > 2 && hist[1].0 <= horizon {
            hist.remove(0);
        }
    }

    pub(crate) fn serving_started(
        &mut self,
        ip: &str,
        image: &str,
        from: Time,
        until: Option<Time>,
        cert_not_after: Option<Time>,
    ) {
        if ip.is_empty() {
            return;
        }
        let e = self
            .serving
            .entry(ip.to_string())
            .or_insert_with(|| (image.to_string(), Vec::new()));
        e.0 = image.to_string();
        // A new app instance on this IP: any earlier one is gone (an IP can be reused), and
        // what ended more than a minute ago no request can ask about.
        for s in e.1.iter_mut() {
            s.until = Some(s.until.map_or(from, |u| u.min(from)));
        }
        let horizon = from.plus_millis(-60_000);
        e.1.retain(|s| s.until.is_none_or(|u| u > horizon));
        e.1.push(Serving {
            from,
            until,
            cert_not_after,
        });
    }

    pub(crate) fn serving_stopped(&mut self, ip: &str, at: Time) {
        if let Some((_, intervals)) = self.serving.get_mut(ip) {
            if let Some(last) = intervals.last_mut() {
                last.until = Some(last.until.map_or(at, |u| u.min(at)));
            }
        }
    }

    fn routes_at(&self, service: &str, t: Time) -> &[String] {
        self.proxy
            .get(service)
            .and_then(|h| h.iter().rev().find(|(at, _)| *at <= t))
            .map(|(_, ips)| ips.as_slice())
            .unwrap_or(&[])
    }

    /// The image that answers a request to `ip` at `t`, if the app there serves then (and its
    /// certificate, if it has one, has not expired).
    fn serves(&self, ip: &str, t: Time) -> Option<&str> {
        let (image, intervals) = self.serving.get(ip)?;
        intervals
            .iter()
            .any(|s| {
                s.from <= t
                    && s.until.is_none_or(|u| t < u)
                    && s.cert_not_after.is_none_or(|na| t <= na)
            })
            .then_some(image.as_str())
    }

    /// What a request routed to `ip` at `t` gets: the image that answered, or why it failed.
    /// Whether it succeeds is `serves`' answer alone; the cause only explains a failure.
    fn answer(&self, ip: &str, t: Time) -> Result<&str, FailureCause> {
        if let Some(image) = self.serves(ip, t) {
            return Ok(image);
        }
        let node_down = self.down.get(ip).is_some_and(|d| {
            d.periods
                .iter()
                .any(|(from, until)| *from <= t && until.is_none_or(|u| t < u))
        });
        if node_down {
            return Err(FailureCause::NodeDown);
        }
        // Listening at `t`, so only the certificate can have refused it.
        let listening = self.serving.get(ip).is_some_and(|(_, intervals)| {
            intervals
                .iter()
                .any(|s| s.from <= t && s.until.is_none_or(|u| t < u))
        });
        Err(if listening {
            FailureCause::CertificateExpired
        } else {
            FailureCause::ConnectionRefused
        })
    }

    /// The machine of `node` failed at `at`: requests to these pod IPs fail as "node down"
    /// until it is restored.
    pub(crate) fn node_down(&mut self, node: &str, ips: &[String], at: Time) {
        // What ended more than a minute ago no request can ask about.
        let horizon = at.plus_millis(-60_000);
        self.down.retain(|_, d| {
            d.periods
                .retain(|(_, until)| until.is_none_or(|u| u > horizon));
            !d.periods.is_empty()
        });
        for ip in ips.iter().filter(|ip| !ip.is_empty()) {
            let d = self.down.entry(ip.clone()).or_insert_with(|| NodeDown {
                node: node.to_string(),
                periods: Vec::new(),
            });
            d.node = node.to_string();
            if !d.periods.iter().any(|(_, until)| until.is_none()) {
                d.periods.push((at, None));
            }
        }
    }

    /// The machine of `node` is back at `at`: a pod IP on it that does not answer now is one
    /// whose app has not started again (connection refused).
    pub(crate) fn node_up(&mut self, node: &str, at: Time) {
        for d in self.down.values_mut() {
            if d.node == node {
                for p in d.periods.iter_mut().filter(|p| p.1.is_none()) {
                    p.1 = Some(at);
                }
            }
        }
    }

    /// Keeps one request for the board, dropping the oldest past `SAMPLED_KEPT`.
    fn keep_request(
        &mut self,
        time: Time,
        service: &str,
        ip: Option<&str>,
        failure: Option<FailureCause>,
    ) {
        self.sampled_seq += 1;
        self.sampled.push_back(RequestSample {
            seq: self.sampled_seq,
            time,
            service: service.to_string(),
            ip: ip.map(str::to_string),
            failure,
        });
        while self.sampled.len() > SAMPLED_KEPT {
            self.sampled.pop_front();
        }
    }
}

/// Whether request `i` of a second's `rps` is among the `SAMPLED_PER_SECOND` kept, spread
/// evenly over the second (every request when there are no more than that).
fn sampled(i: u32, rps: u32) -> bool {
    let slot = |i: u32| u64::from(i) * u64::from(SAMPLED_PER_SECOND) / u64::from(rps.max(1));
    i == 0 || slot(i) != slot(i - 1)
}

impl Cluster {
    /// Starts (or changes) a generator of `rps` requests per second to a Service.
    pub fn start_traffic(
        &mut self,
        namespace: &str,
        service: &str,
        rps: u32,
    ) -> Result<(), ApiError> {
        self.get(Kind::Service, namespace, service)?;
        let key = format!("{namespace}/{service}");
        if !self.traffic.proxy.contains_key(&key) {
            if let Ok(Object::Endpoints(ep)) =
                self.get(Kind::Endpoints, namespace, service).cloned()
            {
                self.traffic.proxy.entry(key.clone()).or_default().push((
                    self.now,
                    ep.subsets
                        .iter()
                        .flat_map(|s| s.addresses.iter().map(|a| a.ip.clone()))
                        .collect(),
                ));
            }
        }
        self.traffic.started.insert(key.clone(), self.now);
        self.traffic.generators.insert(key, rps.min(10_000));
        if !self.traffic.ticking {
            self.traffic.ticking = true;
            self.schedule_in(1_000, Task::TrafficTick);
        }
        Ok(())
    }

    /// Stops every traffic generator.
    pub fn stop_traffic(&mut self) {
        self.traffic.generators.clear();
        self.traffic.started.clear();
        // Single requests waiting for a generator's next second count now.
        for (service, p) in std::mem::take(&mut self.traffic.single) {
            self.record_sample(TrafficSample {
                time: self.now,
                service,
                ok: p.ok,
                failed: p.failed,
                versions: p.versions,
                failures: p.failures,
            });
        }
    }

    /// When the generator of a Service (`default/web`) was last started, while it runs.
    pub fn traffic_started(&self, service: &str) -> Option<Time> {
        self.traffic.started.get(service).copied()
    }

    pub fn traffic_generators(&self) -> &BTreeMap<String, u32> {
        &self.traffic.generators
    }

    pub fn traffic_samples(&self) -> &[TrafficSample] {
        &self.traffic.samples
    }

    /// Individual requests kept for the board, oldest first: per generator second and Service
    /// at most `SAMPLED_PER_SECOND` spread evenly over the second, plus the first failure of
    /// each cause that the even spread missed (a rare failure is not sampled away; the traffic
    /// samples give the true proportions); every single request (`curl`); the last 512 in all.
    pub fn sampled_requests(&self) -> &VecDeque<RequestSample> {
        &self.traffic.sampled
    }

    pub(crate) fn traffic_tick(&mut self) {
        let end = self.now;
        let start = end.plus_millis(-1_000);
        let gens: Vec<(String, u32)> = self
            .traffic
            .generators
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        if gens.is_empty() {
            self.traffic.ticking = false;
            return;
        }
        let policies = crate::netpol::any(&self.store);
        let mut served: BTreeMap<String, u32> = BTreeMap::new();
        for (service, rps) in gens {
            self.work += u64::from(rps);
            // With NetworkPolicies: whether each routed pod lets the outside client in, asked
            // once per pod per second.
            let mut blocked: BTreeMap<String, bool> = BTreeMap::new();
            let mut sample = TrafficSample {
                time: end,
                service: service.clone(),
                ok: 0,
                failed: 0,
                versions: BTreeMap::new(),
                failures: FailureCounts::default(),
            };
            // Kept for the board: (time, routed IP, failure), in time order.
            let mut kept: Vec<(Time, Option<String>, Option<FailureCause>)> = Vec::new();
            // The first failure of each cause, in case the even spread keeps none of it.
            let mut first: BTreeMap<FailureCause, (Time, Option<String>)> = BTreeMap::new();
            for i in 0..rps {
                let t = start.plus_millis((i as i64 * 1000) / rps.max(1) as i64);
                let routes = self.traffic.routes_at(&service, t);
                let (ip, failure) = if routes.is_empty() {
                    (None, Some(FailureCause::NoEndpoint))
                } else {
                    let idx = (self.rng.next_u32() as usize) % routes.len();
                    let ip = &routes[idx];
                    let dropped = policies
                        && *blocked.entry(ip.clone()).or_insert_with(|| {
                            !connection_allowed(&self.store, None, &service, None, ip)
                        });
                    let answer = if dropped {
                        Err(FailureCause::BlockedByPolicy)
                    } else {
                        self.traffic.answer(ip, t)
                    };
                    match answer {
                        Ok(image) => {
                            sample.ok += 1;
                            *sample.versions.entry(image.to_string()).or_default() += 1;
                            match served.get_mut(ip) {
                                Some(n) => *n += 1,
                                None => {
                                    served.insert(ip.clone(), 1);
                                }
                            }
                            (Some(ip), None)
                        }
                        Err(cause) => (Some(ip), Some(cause)),
                    }
                };
                if let Some(cause) = failure {
                    sample.failed += 1;
                    sample.failures.add(cause, 1);
                }
                if sampled(i, rps) {
                    kept.push((t, ip.cloned(), failure));
                } else if let Some(cause) = failure {
                    first.entry(cause).or_insert_with(|| (t, ip.cloned()));
                }
            }
            for (cause, (t, ip)) in first {
                if !kept.iter().any(|k| k.2 == Some(cause)) {
                    kept.push((t, ip, Some(cause)));
                }
            }
            kept.sort_by_key(|k| k.0);
            for (t, ip, failure) in kept {
                self.traffic
                    .keep_request(t, &service, ip.as_deref(), failure);
            }
            // Single requests (`curl` in a container) made during this second count here too.
            if let Some(p) = self.traffic.single.remove(&service) {
                sample.ok += p.ok;
                sample.failed += p.failed;
                for (v, n) in p.versions {
                    *sample.versions.entry(v).or_default() += n;
                }
                sample.failures.merge(&p.failures);
            }
            self.record_sample(sample);
        }
        self.traffic.count_served(served, end.seconds());
        self.schedule_in(1_000, Task::TrafficTick);
    }

    /// Keeps a second's (or one request's) traffic, and writes it to the trace.
    fn record_sample(&mut self, sample: TrafficSample) {
        if let Some(trace) = &mut self.trace {
            let line = serde_json::json!({
                "time": sample.time.rfc3339(),
                "type": "TRAFFIC",
                "service": sample.service,
                "ok": sample.ok,
                "failed": sample.failed,
                "versions": sample.versions,
            });
            trace.push(line.to_string());
        }
        self.traffic.samples.push(sample);
        if self.traffic.samples.len() > 3_600 {
            self.traffic.samples.drain(..600);
        }
    }

    /// One request to a Service from inside the cluster (`curl` or `wget` in a container),
    /// routed as kube-proxy routes it now: the image of the app that answered, or `None` when
    /// no endpoint answers (none ready, or the chosen one not serving). It counts in the
    /// Service's traffic: in the generator's next second if one runs, else as a sample now.
    pub fn request(&mut self, namespace: &str, service: &str) -> Result<Option<String>, ApiError> {
        self.request_from(None, namespace, service, None)
            .map(|r| r.ok())
    }

    /// A request from the pod `from` (namespace, name), or from outside the cluster, to a
    /// Service's `port` (its first port when `None`): the image that answered, or why none did.
    pub fn request_from(
        &mut self,
        from: Option<(&str, &str)>,
        namespace: &str,
        service: &str,
        port: Option<i32>,
    ) -> Result<Result<String, FailureCause>, ApiError> {
        self.get(Kind::Service, namespace, service)?;
        let key = format!("{namespace}/{service}");
        let now = self.now;
        let routes: Vec<String> = if self.traffic.proxy.contains_key(&key) {
            self.traffic.routes_at(&key, now).to_vec()
        } else {
            match self.get(Kind::Endpoints, namespace, service) {
                Ok(Object::Endpoints(ep)) => ep
                    .subsets
                    .iter()
                    .flat_map(|s| s.addresses.iter().map(|a| a.ip.clone()))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (ip, answer) = if routes.is_empty() {
            (None, Err(FailureCause::NoEndpoint))
        } else {
            let ip = routes[(self.rng.next_u32() as usize) % routes.len()].clone();
            let answer = if crate::netpol::any(&self.store)
                && !connection_allowed(&self.store, from, &key, port, &ip)
            {
                Err(FailureCause::BlockedByPolicy)
            } else {
                self.traffic.answer(&ip, now).map(str::to_string)
            };
            (Some(ip), answer)
        };
        self.traffic
            .keep_request(now, &key, ip.as_deref(), answer.as_ref().err().copied());
        let mut failures = FailureCounts::default();
        if let Err(cause) = answer {
            failures.add(cause, 1);
        }
        let image = answer.as_ref().ok().cloned();
        let (ok, failed) = if image.is_some() { (1, 0) } else { (0, 1) };
        let versions: BTreeMap<String, u32> = image.iter().map(|i| (i.clone(), 1)).collect();
        if self.traffic.generators.contains_key(&key) {
            let e = self.traffic.single.entry(key).or_default();
            e.ok += ok;
            e.failed += failed;
            for (v, n) in versions {
                *e.versions.entry(v).or_default() += n;
            }
            e.failures.merge(&failures);
        } else {
            self.record_sample(TrafficSample {
                time: now,
                service: key,
                ok,
                failed,
                versions,
                failures,
            });
        }
        Ok(answer)
    }
}

/// Whether NetworkPolicies let a connection through from `from` (a pod, by namespace and name;
/// `None`: a client outside the cluster) to the pod at `ip` behind `service` (`ns/name`), on the
/// pod port the Service's `port` (its first, when `None`) targets.
fn connection_allowed(
    store: &crate::store::Store,
    from: Option<(&str, &str)>,
    service: &str,
    port: Option<i32>,
    ip: &str,
) -> bool {
    let (ns, name) = service.split_once('/').unwrap_or(("default", service));
    let Some(dst) = store.list(Kind::Pod, Some(ns)).find_map(|o| match o {
        Object::Pod(p) if p.status.pod_ip == ip && !p.spec.node_name.is_empty() => Some(p),
        _ => None,
    }) else {
        return true;
    };
    let svc = match store.get(&crate::store::Key::new(Kind::Service, ns, name)) {
        Some(Object::Service(s)) => Some(s),
        _ => None,
    };
    let sp = svc.and_then(|s| match port {
        Some(p) => s.spec.ports.iter().find(|sp| sp.port == p),
        None => s.spec.ports.first(),
    });
    let target = match sp.and_then(|sp| sp.target_port.clone()) {
        Some(kubeplay_api::IntOrString::Int(n)) => n as i32,
        Some(kubeplay_api::IntOrString::String(name)) => dst
            .spec
            .containers
            .iter()
            .flat_map(|c| &c.ports)
            .find(|cp| cp.name == name)
            .map_or(0, |cp| cp.container_port),
        None => sp.map_or(80, |sp| sp.port),
    };
    let src_pod = from.and_then(|(sns, sname)| {
        match store.get(&crate::store::Key::new(Kind::Pod, sns, sname)) {
            Some(Object::Pod(p)) => Some(p),
            _ => None,
        }
    });
    let src = match src_pod {
        Some(p) => crate::netpol::Source::Pod(p),
        None => crate::netpol::Source::External,
    };
    crate::netpol::allows(store, src, dst, target)
}
