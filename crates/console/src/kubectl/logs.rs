//! `kubectl logs`: what a container's simulated process printed (`echo hello` in a Job), or for
//! a server that prints nothing of its own, what the image would log: a start-up line when the
//! container starts, then one access-log line per request the traffic generator sent to it (its
//! share of the Service's successful requests). The control plane's components (kubeadm
//! scenario) log their usual opening lines in klog's format.

use kubeplay_api::{Kind, Object, Time};

use super::{namespace, parse_flags, wants_help};
use crate::flags::{flag, short, FlagKind};
use crate::{Io, Session};

/// `10/Jan/2026:00:01:00 +0000`, nginx's `$time_local`.
fn clf_time(t: Time) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let s = t.rfc3339();
    let month: usize = s.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!(
        "{}/{}/{}:{} +0000",
        s.get(8..10).unwrap_or("01"),
        MONTHS[month.clamp(1, 12) - 1],
        s.get(0..4).unwrap_or("1970"),
        s.get(11..19).unwrap_or("00:00:00")
    )
}

/// `2026/01/01 00:00:05`, nginx's error-log time.
fn ngx_time(t: Time) -> String {
    let s = t.rfc3339();
    format!(
        "{} {}",
        s.get(0..10).unwrap_or("").replace('-', "/"),
        s.get(11..19).unwrap_or("")
    )
}

/// `2026-01-01T00:00:05.000000000Z`: the kubelet's `--timestamps` prefix (RFC 3339 with nine
/// fractional digits; simulated time has milliseconds).
fn log_timestamp(t: Time) -> String {
    let s = t.rfc3339();
    format!(
        "{}.{:03}000000Z",
        s.trim_end_matches('Z'),
        t.millis().rem_euclid(1000)
    )
}

/// A klog line: `I0101 00:00:05.123000       1 server.go:150] msg` (pid 1 in a container).
fn klog(t: Time, at: &str, msg: &str) -> String {
    let s = t.rfc3339();
    format!(
        "I{}{} {}.{:03}000       1 {at}] {msg}",
        s.get(5..7).unwrap_or("01"),
        s.get(8..10).unwrap_or("01"),
        s.get(11..19).unwrap_or("00:00:00"),
        t.millis().rem_euclid(1000)
    )
}

/// The first lines the Kubernetes components of the kubeadm scenario log as they start (their
/// usual opening lines, abridged; the simulation runs none of their code), by image.
fn component_lines(image: &str, node_ip: &str, t: Time) -> Option<Vec<String>> {
    let (repo, tag) = image.rsplit_once(':').unwrap_or((image, "latest"));
    let name = repo.rsplit('/').next().unwrap_or(repo);
    let version = format!("version=\"{tag}\"");
    Some(match name {
        "kube-apiserver" => vec![
            klog(t, "options.go:249", &format!("external host was not specified, using {node_ip}")),
            klog(t, "server.go:150", &format!("Version: {tag}")),
            klog(t, "server.go:152", "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\""),
            klog(t, "dynamic_serving_content.go:135", "\"Starting controller\" name=\"serving-cert::/etc/kubernetes/pki/apiserver.crt::/etc/kubernetes/pki/apiserver.key\""),
            klog(t, "secure_serving.go:211", "Serving securely on [::]:6443"),
            klog(t, "controller.go:615", "quota admission added evaluator for: namespaces"),
        ],
        "kube-scheduler" | "kube-controller-manager" => {
            let (port, start, file) = if name == "kube-scheduler" {
                (10259, "\"Starting Kubernetes Scheduler\"", "server.go:171")
            } else {
                (10257, "\"Starting\"", "controllermanager.go:197")
            };
            vec![
                klog(t, "serving.go:386", "Generated self-signed cert in-memory"),
                klog(t, file, &format!("{start} {version}")),
                klog(t, "secure_serving.go:211", &format!("Serving securely on 127.0.0.1:{port}")),
                klog(t, "leaderelection.go:257", &format!("attempting to acquire leader lease kube-system/{name}...")),
                klog(t, "leaderelection.go:271", &format!("successfully acquired lease kube-system/{name}")),
            ]
        }
        "kube-proxy" => vec![
            klog(t, "server_linux.go:63", "\"Using iptables proxy\""),
            klog(t, "server.go:698", &format!("\"Successfully retrieved node IP(s)\" IPs=[\"{node_ip}\"]")),
            klog(t, "server_linux.go:132", "\"Using iptables Proxier\""),
            klog(t, "config.go:199", "\"Starting service config controller\""),
            klog(t, "shared_informer.go:313", "Waiting for caches to sync for service config"),
            klog(t, "shared_informer.go:320", "Caches are synced for service config"),
        ],
        "etcd" => {
            let ts = t.rfc3339();
            vec![
                format!("{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdmain/etcd.go:64\",\"msg\":\"Running: \",\"args\":[\"etcd\",\"--advertise-client-urls=https://{node_ip}:2379\",\"--data-dir=/var/lib/etcd\"]}}"),
                format!("{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/etcd.go:140\",\"msg\":\"configuring peer listeners\",\"listen-peer-urls\":[\"https://{node_ip}:2380\"]}}"),
                format!("{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdserver/server.go:2118\",\"msg\":\"published local member to cluster through raft\"}}"),
                format!("{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/serve.go:250\",\"msg\":\"serving client traffic securely\",\"traffic\":\"grpc+http\",\"address\":\"{node_ip}:2379\"}}"),
            ]
        }
        "coredns" => vec![
            ".:53".to_string(),
            "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908".to_string(),
            format!("CoreDNS-{}", tag.trim_start_matches('v')),
            "linux/amd64, go1.24.1, 707c7c1".to_string(),
        ],
        _ => return None,
    })
}

/// The log of a server that prints nothing of its own, running since `started`: its start-up
/// lines, then its access lines.
fn server_log(
    s: &Session,
    pod: &kubeplay_api::Pod,
    container: &str,
    started: Time,
) -> Vec<(Time, String)> {
    let cluster = s.cluster();
    let Some(c) = pod.spec.containers.iter().find(|c| c.name == container) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let nginx = c.image.contains("nginx");
    if let Some(start) = component_lines(&c.image, &pod.status.host_ip, started) {
        lines.extend(start.into_iter().map(|l| (started, l)));
        return lines;
    }
    if nginx {
        let t = ngx_time(started);
        lines.push((
            started,
            format!("{t} [notice] 1#1: using the \"epoll\" event method"),
        ));
        lines.push((started, format!("{t} [notice] 1#1: start worker processes")));
    } else {
        lines.push((
            started,
            format!(
                "{} listening on :{}",
                started.rfc3339(),
                c.ports.first().map(|p| p.container_port).unwrap_or(8080)
            ),
        ));
    }
    // Access lines: this pod's share of each second's successful requests to Services that
    // select it.
    let services: Vec<String> = cluster
        .list(Kind::Service, Some(&pod.metadata.namespace), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Service(svc)
                if !svc.spec.selector.is_empty()
                    && svc
                        .spec
                        .selector
                        .iter()
                        .all(|(k, v)| pod.metadata.labels.get(k) == Some(v)) =>
            {
                Some(format!("{}/{}", svc.metadata.namespace, svc.metadata.name))
            }
            _ => None,
        })
        .collect();
    if services.is_empty() {
        return lines;
    }
    let peers = |svc: &str| -> usize {
        let (ns, name) = svc.split_once('/').unwrap_or(("default", svc));
        match cluster.get(Kind::Endpoints, ns, name) {
            Ok(Object::Endpoints(ep)) => ep
                .subsets
                .iter()
                .map(|s| s.addresses.len())
                .sum::<usize>()
                .max(1),
            _ => 1,
        }
    };
    let mut seq = 0u64;
    for sample in cluster.traffic_samples() {
        if !services.contains(&sample.service) || sample.time < started {
            continue;
        }
        let served = sample.versions.get(&c.image).copied().unwrap_or(0) as usize;
        let n = peers(&sample.service);
        // A deterministic split of the second's requests among the ready endpoints.
        let mine = served / n + usize::from((seq as usize % n) < served % n);
        seq += 1;
        for _ in 0..mine {
            lines.push((sample.time, format!(
                "10.244.0.1 - - [{}] \"GET / HTTP/1.1\" 200 615 \"-\" \"kubeplay-traffic/1.0\" \"-\"",
                clf_time(sample.time)
            )));
        }
    }
    lines
}

pub fn run(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        short("container", 'c', FlagKind::String),
        short("follow", 'f', FlagKind::Bool),
        short("previous", 'p', FlagKind::Bool),
        flag("tail", FlagKind::Int),
        flag("since", FlagKind::Duration),
        flag("timestamps", FlagKind::Bool),
        flag("all-containers", FlagKind::Bool),
        short("selector", 'l', FlagKind::String),
        flag("prefix", FlagKind::Bool),
        flag("max-log-requests", FlagKind::Int),
        flag("pod-running-timeout", FlagKind::Duration),
    ];
    let p = match parse_flags(io, "logs", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "logs", io) {
        return 0;
    }
    let ns = namespace(&p);
    // `-l SELECTOR`: every matching pod's log, 10 lines each unless --tail says otherwise.
    let (pods, tail) = match p.get("selector") {
        Some(sel) => {
            if !p.args.is_empty() {
                return io.error("only a selector (-l) or a POD name is allowed");
            }
            let selector = match kubeplay_api::LabelSelector::parse(sel) {
                Ok(x) => x,
                Err(e) => return io.error(e),
            };
            let pods: Vec<kubeplay_api::Pod> = s
                .cluster()
                .list(Kind::Pod, Some(&ns), Some(&selector))
                .into_iter()
                .filter_map(|o| match o {
                    Object::Pod(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            if pods.is_empty() {
                io.err
                    .push_str(&format!("No resources found in {ns} namespace.\n"));
                return 0;
            }
            (pods, Some(p.int("tail").unwrap_or(10)))
        }
        None => match one_pod(s, &p, &ns, io) {
            Ok(pod) => (vec![pod], p.int("tail")),
            Err(code) => return code,
        },
    };
    let prefix = p.bool("prefix");
    let timestamps = p.bool("timestamps");
    let since = p
        .duration("since")
        .filter(|d| *d > 0)
        .map(|d| s.cluster().now().plus_millis(-d));
    for pod in &pods {
        let containers = match containers(&p, pod, io) {
            Ok(c) => c,
            Err(code) => return code,
        };
        for container in containers {
            let mut lines = match log_of(s, &p, pod, &container, io) {
                Ok(lines) => lines,
                Err(code) => return code,
            };
            if let Some(since) = since {
                lines.retain(|(t, _)| *t >= since);
            }
            if let Some(t) = tail.filter(|t| *t >= 0) {
                let t = t as usize;
                if lines.len() > t {
                    lines.drain(..lines.len() - t);
                }
            }
            for (t, l) in lines {
                let l = if timestamps {
                    format!("{} {l}", log_timestamp(t))
                } else {
                    l
                };
                if prefix {
                    io.println(format!("[pod/{}/{container}] {l}", pod.metadata.name));
                } else {
                    io.println(l);
                }
            }
        }
    }
    0
}

/// The pod `logs POD` or `logs TYPE/NAME` names (the first pod of a workload, as kubectl).
fn one_pod(
    s: &Session,
    p: &crate::flags::Parsed,
    ns: &str,
    io: &mut Io,
) -> Result<kubeplay_api::Pod, i32> {
    let Some(target) = p.args.first() else {
        return Err(io.fail("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"));
    };
    match super::pod_for(
        s,
        ns,
        target,
        "get the logs from",
        super::PodOrder::ByLogging,
    ) {
        Ok((pod, found)) => {
            if found > 1 {
                io.err.push_str(&format!(
                    "Found {found} pods, using pod/{}\n",
                    pod.metadata.name
                ));
            }
            Ok(pod)
        }
        Err(e) => Err(io.fail(e)),
    }
}

/// The containers whose logs to print: `-c NAME`, `--all-containers`, or the first (saying so
/// when there are more, as kubectl).
fn containers(
    p: &crate::flags::Parsed,
    pod: &kubeplay_api::Pod,
    io: &mut Io,
) -> Result<Vec<String>, i32> {
    if p.bool("all-containers") {
        return Ok(pod.spec.containers.iter().map(|c| c.name.clone()).collect());
    }
    Ok(vec![match p.get("container") {
        Some(c) => {
            if !pod.spec.containers.iter().any(|x| x.name == c) {
                return Err(io.fail(format!(
                    "error: container {c} is not valid for pod {}",
                    pod.metadata.name
                )));
            }
            c.to_string()
        }
        None => {
            let names: Vec<&str> = pod
                .spec
                .containers
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            if names.len() > 1 {
                io.err.push_str(&format!(
                    "Defaulted container \"{}\" out of: {}\n",
                    names[0],
                    names.join(", ")
                ));
            }
            names.first().map(|s| s.to_string()).unwrap_or_default()
        }
    }])
}

/// The container's log, or the kubelet's error when it has none (`validateContainerLogStatus`):
/// the running or terminated container's, else the last terminated one's (a container waiting
/// to restart); `--previous`, the last terminated one's.
fn log_of(
    s: &Session,
    p: &crate::flags::Parsed,
    pod: &kubeplay_api::Pod,
    container: &str,
    io: &mut Io,
) -> Result<Vec<(Time, String)>, i32> {
    let pod_name = &pod.metadata.name;
    let st = pod
        .status
        .container_statuses
        .iter()
        .find(|s| s.name == container);
    let runtime = s
        .cluster()
        .pod_runtime(&pod.metadata.namespace, pod_name)
        .and_then(|rt| rt.containers.into_iter().find(|c| c.name == container));
    // The runtime keeps the output of the latest start and of the one before. A container
    // waiting to restart has not started again: its last terminated run is the latest.
    let (latest, before) = runtime
        .map(|c| (c.output, c.previous_output))
        .unwrap_or_default();
    let last_terminated = st.and_then(|s| s.last_state.terminated.as_ref());
    // (when the run started if it is still running, what it printed)
    let (running_since, output) = if p.bool("previous") {
        if last_terminated.is_none() {
            return Err(io.fail(format!(
                "Error from server (BadRequest): previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
            )));
        }
        let waiting = st.is_some_and(|s| s.state.running.is_none() && s.state.terminated.is_none());
        (None, if waiting { latest } else { before })
    } else if let Some(r) = st.and_then(|s| s.state.running.as_ref()) {
        (r.started_at, latest)
    } else if st.is_some_and(|s| s.state.terminated.is_some()) || last_terminated.is_some() {
        (None, latest)
    } else {
        let reason = st
            .and_then(|s| s.state.waiting.as_ref())
            .map(|w| w.reason.as_str())
            .filter(|r| !r.is_empty())
            .unwrap_or("ContainerCreating");
        let why = match reason {
            "ErrImagePull" => "image can't be pulled",
            "ImagePullBackOff" => "trying and failing to pull image",
            other => other,
        };
        return Err(io.fail(format!(
            "Error from server (BadRequest): container \"{container}\" in pod \"{pod_name}\" is waiting to start: {why}"
        )));
    };
    // A running process that printed nothing serves: its log is what its image would write.
    Ok(match running_since {
        Some(started) if output.is_empty() => server_log(s, pod, container, started),
        _ => output,
    })
}
