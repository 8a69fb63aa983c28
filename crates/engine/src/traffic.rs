//! Services and traffic: kube-proxy's view of each Service's endpoints (applied after a
//! propagation delay), and a generator that sends N requests per second to a Service. A request
//! succeeds only if kube-proxy routes it to a pod whose app serves at that instant.

use std::collections::BTreeMap;

use kubeplay_api::{ApiError, Endpoints, Kind, Object, Time};
use rand::Rng;
use serde::Serialize;

use crate::{delays, Cluster, Task};

/// Requests per simulated second to one Service, as the trace records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrafficSample {
    /// The end of the second the sample covers.
    pub time: Time,
    /// `default/web`.
    pub service: String,
    pub ok: u32,
    pub failed: u32,
    /// Successful requests by the image that served them.
    pub versions: BTreeMap<String, u32>,
}

/// An interval during which an app instance answers requests.
#[derive(Clone, Copy, Debug)]
struct Serving {
    from: Time,
    until: Option<Time>,
    cert_not_after: Option<Time>,
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
    /// Single requests per Service since the last tick of its generator: (ok, failed, versions).
    single: BTreeMap<String, (u32, u32, BTreeMap<String, u32>)>,
}

impl Traffic {
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
        for (service, (ok, failed, versions)) in std::mem::take(&mut self.traffic.single) {
            self.record_sample(TrafficSample {
                time: self.now,
                service,
                ok,
                failed,
                versions,
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
        for (service, rps) in gens {
            self.work += u64::from(rps);
            let mut sample = TrafficSample {
                time: end,
                service: service.clone(),
                ok: 0,
                failed: 0,
                versions: BTreeMap::new(),
            };
            for i in 0..rps {
                let t = start.plus_millis((i as i64 * 1000) / rps.max(1) as i64);
                let routes = self.traffic.routes_at(&service, t);
                if routes.is_empty() {
                    sample.failed += 1;
                    continue;
                }
                let idx = (self.rng.next_u32() as usize) % routes.len();
                let ip = routes[idx].clone();
                match self.traffic.serves(&ip, t) {
                    Some(image) => {
                        sample.ok += 1;
                        *sample.versions.entry(image.to_string()).or_default() += 1;
                    }
                    None => sample.failed += 1,
                }
            }
            // Single requests (`curl` in a container) made during this second count here too.
            if let Some((ok, failed, versions)) = self.traffic.single.remove(&service) {
                sample.ok += ok;
                sample.failed += failed;
                for (v, n) in versions {
                    *sample.versions.entry(v).or_default() += n;
                }
            }
            self.record_sample(sample);
        }
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
        let image = if routes.is_empty() {
            None
        } else {
            let ip = &routes[(self.rng.next_u32() as usize) % routes.len()];
            self.traffic.serves(ip, now).map(str::to_string)
        };
        let (ok, failed) = if image.is_some() { (1, 0) } else { (0, 1) };
        let versions: BTreeMap<String, u32> = image.iter().map(|i| (i.clone(), 1)).collect();
        if self.traffic.generators.contains_key(&key) {
            let e = self.traffic.single.entry(key).or_default();
            e.0 += ok;
            e.1 += failed;
            for (v, n) in versions {
                *e.2.entry(v).or_default() += n;
            }
        } else {
            self.record_sample(TrafficSample {
                time: now,
                service: key,
                ok,
                failed,
                versions,
            });
        }
        Ok(image)
    }
}
