//! `kubectl describe`, laid out as kubectl's describers write them: one tabwriter (padding 2)
//! over the text, events sorted by time at the end. Here: the command, the dispatch by kind,
//! the simpler kinds, and what several describers share (labels, pod templates, volumes, events);
//! each group of kinds has its own file in `describe/` (pods, nodes, workloads, network, storage,
//! policy, access).

mod access;
mod network;
mod node;
mod pod;
mod policy;
mod storage;
mod workloads;

use access::*;
use network::*;
use node::*;
use pod::*;
use policy::*;
use workloads::*;

use std::collections::BTreeMap;

use kubeplay_api::core::{Container, PodTemplateSpec, Toleration};
use kubeplay_api::{Kind, Object, Quantity, Time};
use kubeplay_engine::Cluster;

use super::{namespace, parse_flags, parse_targets, wants_help, Targets};
use crate::duration::human;
use crate::flags::{flag, short, FlagKind};
use crate::tabwriter::TabWriter;
use crate::{Io, Session};

pub fn run(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        short("selector", 'l', FlagKind::String),
        short("all-namespaces", 'A', FlagKind::Bool),
        flag("show-events", FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        flag("chunk-size", FlagKind::Int),
    ];
    let p = match parse_flags(io, "describe", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "describe", io) {
        return 0;
    }
    let ns = namespace(&p);
    let all_ns = p.bool("all-namespaces");
    let show_events = p.get("show-events").is_none_or(|v| v == "true");
    let selector = match p.get("selector").map(kubeplay_api::LabelSelector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return io.error(e),
        None => None,
    };
    let targets = match parse_targets(&p.args) {
        Ok(Targets::Kinds(k)) if k.is_empty() => {
            return io.error("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.")
        }
        Ok(t) => t,
        Err(e) => return io.error(e),
    };
    let cluster = s.cluster();
    let mut objs: Vec<Object> = Vec::new();
    let mut code = 0;
    match targets {
        Targets::Kinds(kinds) => {
            for k in kinds {
                let list_ns = if all_ns || !k.namespaced() {
                    None
                } else {
                    Some(ns.as_str())
                };
                objs.extend(
                    cluster
                        .list(k, list_ns, selector.as_ref())
                        .into_iter()
                        .cloned(),
                );
            }
            if objs.is_empty() {
                io.err
                    .push_str(&format!("No resources found in {ns} namespace.\n"));
                return 0;
            }
        }
        Targets::Named(named) => {
            for (k, name) in named {
                if let Err(e) = super::authorize(cluster, "get", k, &ns, &name) {
                    code = io.fail(e.to_string());
                    continue;
                }
                match cluster.get(k, &ns, &name) {
                    Ok(o) => objs.push(o.clone()),
                    Err(e) => {
                        // describe falls back to every object whose name starts with NAME.
                        let list_ns = if k.namespaced() {
                            Some(ns.as_str())
                        } else {
                            None
                        };
                        let prefixed: Vec<Object> = cluster
                            .list(k, list_ns, None)
                            .into_iter()
                            .filter(|o| o.name().starts_with(&name))
                            .cloned()
                            .collect();
                        if prefixed.is_empty() {
                            code = io.fail(e.to_string());
                        }
                        objs.extend(prefixed);
                    }
                }
            }
        }
    }
    let mut first = true;
    for o in &objs {
        let text = describe(cluster, o, show_events);
        if !first {
            io.out.push_str("\n\n");
        }
        first = false;
        io.out.push_str(&text);
    }
    code
}

/// The description of one object.
pub fn describe(cluster: &Cluster, o: &Object, show_events: bool) -> String {
    let mut w = Writer::default();
    match o {
        Object::Pod(p) => pod(cluster, p, &mut w),
        Object::Node(n) => node(cluster, n, &mut w),
        Object::Deployment(d) => deployment(cluster, d, &mut w),
        Object::ReplicaSet(rs) => replica_set(cluster, rs, &mut w),
        Object::Service(svc) => service(cluster, svc, &mut w),
        Object::Job(j) => job(j, &mut w),
        Object::DaemonSet(ds) => daemon_set(cluster, ds, &mut w),
        Object::NetworkPolicy(np) => network_policy(np, &mut w),
        Object::Ingress(ing) => ingress(cluster, ing, &mut w),
        Object::IngressClass(ic) => {
            w.line(&format!("Name:\t{}", ic.metadata.name));
            labels(&mut w, "Labels", &ic.metadata.labels);
            annotations(&mut w, "Annotations", &ic.metadata.annotations);
            w.line(&format!("Controller:\t{}", ic.spec.controller));
        }
        // kubectl describes neither with events.
        Object::ResourceQuota(q) => {
            resource_quota(q, &mut w);
            return w.finish();
        }
        Object::LimitRange(l) => {
            w.line(&format!("Name:\t{}", l.metadata.name));
            w.line(&format!("Namespace:\t{}", l.metadata.namespace));
            w.line(
                "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio",
            );
            w.line(
                "----\t--------\t---\t---\t---------------\t-------------\t-----------------------",
            );
            limit_range_rows(l, "", &mut w);
            return w.finish();
        }
        Object::ServiceAccount(sa) => service_account(sa, &mut w),
        Object::Role(r) => {
            policy_rules(o, &r.rules, &mut w);
            return w.finish();
        }
        Object::ClusterRole(r) => {
            policy_rules(o, &r.rules, &mut w);
            return w.finish();
        }
        Object::RoleBinding(b) => {
            binding(o, &b.role_ref, &b.subjects, &mut w);
            return w.finish();
        }
        Object::ClusterRoleBinding(b) => {
            binding(o, &b.role_ref, &b.subjects, &mut w);
            return w.finish();
        }
        Object::PodDisruptionBudget(b) => {
            w.line(&format!("Name:\t{}", b.metadata.name));
            w.line(&format!("Namespace:\t{}", b.metadata.namespace));
            if let Some(v) = &b.spec.min_available {
                w.line(&format!("Min available:\t{v}"));
            }
            if let Some(v) = &b.spec.max_unavailable {
                w.line(&format!("Max unavailable:\t{v}"));
            }
            let sel = b
                .spec
                .selector
                .as_ref()
                .map(|s| s.to_selector_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "<unset>".into());
            w.line(&format!("Selector:\t{sel}"));
            w.line("Status:");
            w.line(&format!(
                "    Allowed disruptions:\t{}",
                b.status.disruptions_allowed
            ));
            w.line(&format!("    Current:\t{}", b.status.current_healthy));
            w.line(&format!("    Desired:\t{}", b.status.desired_healthy));
            w.line(&format!("    Total:\t{}", b.status.expected_pods));
        }
        Object::PriorityClass(pc) => {
            w.line(&format!("Name:\t{}", pc.metadata.name));
            w.line(&format!("Value:\t{}", pc.value));
            w.line(&format!("GlobalDefault:\t{}", pc.global_default));
            w.line(&format!(
                "PreemptionPolicy:\t{}",
                pc.preemption_policy
                    .as_deref()
                    .unwrap_or("PreemptLowerPriority")
            ));
            w.line(&format!("Description:\t{}", pc.description));
            annotations(&mut w, "Annotations", &pc.metadata.annotations);
        }
        Object::CronJob(cj) => cron_job(cj, &mut w),
        Object::PersistentVolume(pv) => storage::persistent_volume(cluster, pv, &mut w),
        Object::PersistentVolumeClaim(pvc) => {
            storage::persistent_volume_claim(cluster, pvc, &mut w)
        }
        Object::StorageClass(sc) => storage::storage_class(sc, &mut w),
        Object::StatefulSet(sts) => storage::stateful_set(cluster, sts, &mut w),
        Object::HorizontalPodAutoscaler(h) => autoscaler(h, &mut w),
        Object::ControllerRevision(r) => {
            common_meta(&mut w, o, true);
            w.line(&format!("Revision:\t{}", r.revision));
            if let Some(t) = r.template() {
                pod_template(&mut w, &t);
            }
        }
        Object::ConfigMap(cm) => {
            common_meta(&mut w, o, true);
            w.line("");
            w.line("Data");
            w.line("====");
            for (k, v) in &cm.data {
                w.line(&format!("{k}:"));
                w.line("----");
                w.line(v);
                w.line("");
            }
            w.line("");
            w.line("BinaryData");
            w.line("====");
            w.line("");
        }
        Object::Secret(sec) => {
            common_meta(&mut w, o, true);
            w.line("");
            w.line(&format!("Type:\t{}", sec.type_));
            w.line("");
            w.line("Data");
            w.line("====");
            for (k, v) in &sec.data {
                use base64::Engine;
                let n = base64::engine::general_purpose::STANDARD
                    .decode(v)
                    .map(|b| b.len())
                    .unwrap_or(0);
                w.line(&format!("{k}:\t{n} bytes"));
            }
        }
        Object::Namespace(ns) => {
            w.line(&format!("Name:\t{}", ns.metadata.name));
            labels(&mut w, "Labels", &ns.metadata.labels);
            annotations(&mut w, "Annotations", &ns.metadata.annotations);
            w.line(&format!(
                "Status:\t{}",
                if ns.status.phase.is_empty() {
                    "Active"
                } else {
                    &ns.status.phase
                }
            ));
            w.line("");
            namespace_quotas(cluster, &ns.metadata.name, &mut w);
            w.line("");
            namespace_limits(cluster, &ns.metadata.name, &mut w);
            return w.finish();
        }
        Object::Endpoints(ep) => {
            common_meta(&mut w, o, true);
            w.line("Subsets:");
            for ss in &ep.subsets {
                let ready: Vec<&str> = ss.addresses.iter().map(|a| a.ip.as_str()).collect();
                let not_ready: Vec<&str> = ss
                    .not_ready_addresses
                    .iter()
                    .map(|a| a.ip.as_str())
                    .collect();
                w.line(&format!(
                    "  Addresses:\t{}",
                    if ready.is_empty() {
                        "<none>".into()
                    } else {
                        ready.join(",")
                    }
                ));
                w.line(&format!(
                    "  NotReadyAddresses:\t{}",
                    if not_ready.is_empty() {
                        "<none>".into()
                    } else {
                        not_ready.join(",")
                    }
                ));
                w.line("  Ports:");
                w.line("    Name\tPort\tProtocol");
                w.line("    ----\t----\t--------");
                for p in &ss.ports {
                    w.line(&format!(
                        "    {}\t{}\t{}",
                        if p.name.is_empty() {
                            "<unset>"
                        } else {
                            &p.name
                        },
                        p.port,
                        if p.protocol.is_empty() {
                            "TCP"
                        } else {
                            &p.protocol
                        }
                    ));
                }
                w.line("");
            }
        }
        Object::Event(e) => {
            common_meta(&mut w, o, false);
            w.line(&format!("Reason:\t{}", e.reason));
            w.line(&format!("Message:\t{}", e.message));
            w.line(&format!("Type:\t{}", e.type_));
            return w.finish();
        }
    }
    if show_events {
        events(cluster, o, &mut w);
    }
    w.finish()
}

/// Text written line by line, aligned by one tabwriter at the end, except that `flush` starts a
/// new alignment (kubectl flushes before the events table).
#[derive(Default)]
struct Writer {
    done: String,
    pending: String,
}

impl Writer {
    fn line(&mut self, s: &str) {
        self.pending.push_str(s);
        self.pending.push('\n');
    }
    fn flush(&mut self) {
        let p = std::mem::take(&mut self.pending);
        self.done.push_str(&TabWriter::describe().format(&p));
    }
    fn finish(mut self) -> String {
        self.flush();
        self.done
    }
}

/// `Mon, 02 Jan 2006 15:04:05 -0700` (Go's RFC1123Z), in UTC.
pub fn rfc1123z(t: Time) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let s = t.rfc3339(); // 2026-01-01T00:00:00Z
    let days = t.seconds().div_euclid(86_400);
    let dow = DAYS[days.rem_euclid(7) as usize];
    let month: usize = s.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!(
        "{dow}, {} {} {} {} +0000",
        s.get(8..10).unwrap_or("01"),
        MONTHS[(month.clamp(1, 12)) - 1],
        s.get(0..4).unwrap_or("1970"),
        s.get(11..19).unwrap_or("00:00:00")
    )
}

fn labels(w: &mut Writer, title: &str, l: &BTreeMap<String, String>) {
    if l.is_empty() {
        w.line(&format!("{title}:\t<none>"));
        return;
    }
    for (i, (k, v)) in l.iter().enumerate() {
        if i == 0 {
            w.line(&format!("{title}:\t{k}={v}"));
        } else {
            w.line(&format!("\t{k}={v}"));
        }
    }
}

fn annotations(w: &mut Writer, title: &str, a: &BTreeMap<String, String>) {
    // kubectl leaves out the last-applied configuration.
    let shown: Vec<(&String, &String)> = a
        .iter()
        .filter(|(k, _)| k.as_str() != super::apply::LAST_APPLIED)
        .collect();
    if shown.is_empty() {
        w.line(&format!("{title}:\t<none>"));
        return;
    }
    for (i, (k, v)) in shown.into_iter().enumerate() {
        let line = format!("{k}: {}", v.trim_end());
        if i == 0 {
            w.line(&format!("{title}:\t{line}"));
        } else {
            w.line(&format!("\t{line}"));
        }
    }
}

fn common_meta(w: &mut Writer, o: &Object, with_ns: bool) {
    let m = o.meta();
    w.line(&format!("Name:\t{}", m.name));
    if with_ns {
        w.line(&format!("Namespace:\t{}", m.namespace));
    }
    labels(w, "Labels", &m.labels);
    annotations(w, "Annotations", &m.annotations);
}

fn controlled_by(w: &mut Writer, m: &kubeplay_api::ObjectMeta) {
    if let Some(c) = m.controller() {
        w.line(&format!("Controlled By:\t{}/{}", c.kind, c.name));
    }
}

fn tolerations(w: &mut Writer, title: &str, indent: &str, ts: &[Toleration]) {
    if ts.is_empty() {
        w.line(&format!("{indent}{title}:\t<none>"));
        return;
    }
    let mut ts = ts.to_vec();
    ts.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, t) in ts.iter().enumerate() {
        let mut s = t.key.clone();
        if !t.value.is_empty() {
            s.push_str(&format!("={}", t.value));
        }
        if !t.effect.is_empty() {
            s.push_str(&format!(":{}", t.effect));
        }
        if t.operator == "Exists" && t.value.is_empty() {
            s.push_str(if t.key.is_empty() && t.effect.is_empty() {
                "op=Exists"
            } else {
                " op=Exists"
            });
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        if i == 0 {
            w.line(&format!("{indent}{title}:\t{s}"));
        } else {
            w.line(&format!("{indent}\t{s}"));
        }
    }
}

fn node_selector(w: &mut Writer, indent: &str, sel: &BTreeMap<String, String>) {
    if sel.is_empty() {
        w.line(&format!("{indent}Node-Selectors:\t<none>"));
    } else {
        let s: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        w.line(&format!("{indent}Node-Selectors:\t{}", s.join(",")));
    }
}

fn resources(w: &mut Writer, indent: &str, c: &Container) {
    for (title, list) in [
        ("Limits", &c.resources.limits),
        ("Requests", &c.resources.requests),
    ] {
        if list.is_empty() {
            continue;
        }
        w.line(&format!("{indent}{title}:"));
        for (k, q) in list {
            w.line(&format!("{indent}  {k}:\t{q}"));
        }
    }
}

fn probe(
    w: &mut Writer,
    indent: &str,
    title: &str,
    p: &Option<kubeplay_api::core::Probe>,
    c: &Container,
) {
    let Some(p) = p else { return };
    let action = if let Some(h) = p.handler.get("httpGet") {
        let port = h
            .get("port")
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        let path = h.get("path").and_then(|v| v.as_str()).unwrap_or("");
        let scheme = h
            .get("scheme")
            .and_then(|v| v.as_str())
            .unwrap_or("HTTP")
            .to_ascii_lowercase();
        let host = h.get("host").and_then(|v| v.as_str()).unwrap_or("");
        format!("http-get {scheme}://{host}:{port}{path}")
    } else if let Some(t) = p.handler.get("tcpSocket") {
        let port = t
            .get("port")
            .map(|v| v.to_string().trim_matches('"').to_string())
            .unwrap_or_default();
        format!("tcp-socket :{port}")
    } else if let Some(e) = p.handler.get("exec") {
        let cmd: Vec<String> = e
            .get("command")
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        format!("exec [{}]", cmd.join(" "))
    } else {
        "unknown".into()
    };
    let _ = c;
    w.line(&format!(
        "{indent}{title}:\t{action} delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    ));
}

fn env(w: &mut Writer, indent: &str, c: &Container) {
    if c.env.is_empty() {
        w.line(&format!("{indent}Environment:\t<none>"));
        return;
    }
    w.line(&format!("{indent}Environment:"));
    for e in &c.env {
        let v = match (&e.value, &e.value_from) {
            (Some(v), _) => v.clone(),
            (None, Some(src)) => {
                if let Some(k) = &src.secret_key_ref {
                    format!("<set to the key '{}' in secret '{}'>", k.key, k.name)
                } else if let Some(k) = &src.config_map_key_ref {
                    format!("<set to the key '{}' of config map '{}'>", k.key, k.name)
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        };
        w.line(&format!("{indent}  {}:\t{v}", e.name));
    }
}

fn mounts(w: &mut Writer, indent: &str, c: &Container) {
    if c.volume_mounts.is_empty() {
        w.line(&format!("{indent}Mounts:\t<none>"));
        return;
    }
    w.line(&format!("{indent}Mounts:"));
    for m in &c.volume_mounts {
        let ro = m
            .extra
            .get("readOnly")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        w.line(&format!(
            "{indent}  {} from {} ({})",
            m.mount_path,
            m.name,
            if ro { "ro" } else { "rw" }
        ));
    }
}

fn ports_of(c: &Container) -> (String, String) {
    if c.ports.is_empty() {
        return ("<none>".into(), "<none>".into());
    }
    let p: Vec<String> = c
        .ports
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.container_port,
                if p.protocol.is_empty() {
                    "TCP"
                } else {
                    &p.protocol
                }
            )
        })
        .collect();
    let h: Vec<String> = c
        .ports
        .iter()
        .map(|p| {
            let hp = p
                .extra
                .get("hostPort")
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            format!(
                "{hp}/{}",
                if p.protocol.is_empty() {
                    "TCP"
                } else {
                    &p.protocol
                }
            )
        })
        .collect();
    (p.join(", "), h.join(", "))
}

fn volumes(w: &mut Writer, indent: &str, vols: &[kubeplay_api::core::Volume]) {
    if vols.is_empty() {
        w.line(&format!("{indent}Volumes:\t<none>"));
        return;
    }
    w.line(&format!("{indent}Volumes:"));
    for v in vols {
        w.line(&format!("{indent}  {}:", v.name));
        if let Some(sec) = &v.secret {
            w.line(&format!(
                "{indent}    Type:\tSecret (a volume populated by a Secret)"
            ));
            w.line(&format!("{indent}    SecretName:\t{}", sec.secret_name));
            w.line(&format!("{indent}    Optional:\tfalse"));
        } else if let Some(cm) = &v.config_map {
            w.line(&format!(
                "{indent}    Type:\tConfigMap (a volume populated by a ConfigMap)"
            ));
            w.line(&format!("{indent}    Name:\t{}", cm.name));
            w.line(&format!("{indent}    Optional:\tfalse"));
        } else if let Some(c) = &v.persistent_volume_claim {
            w.line(&format!("{indent}    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)"));
            w.line(&format!("{indent}    ClaimName:\t{}", c.claim_name));
            w.line(&format!("{indent}    ReadOnly:\t{}", c.read_only));
        } else if let Some(h) = &v.host_path {
            w.line(&format!(
                "{indent}    Type:\tHostPath (bare host directory volume)"
            ));
            w.line(&format!("{indent}    Path:\t{}", h.path));
            w.line(&format!(
                "{indent}    HostPathType:\t{}",
                h.type_.as_deref().unwrap_or("")
            ));
        } else if v.empty_dir.is_some() {
            w.line(&format!(
                "{indent}    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)"
            ));
            w.line(&format!("{indent}    Medium:\t"));
            w.line(&format!("{indent}    SizeLimit:\t<unset>"));
        } else {
            w.line(&format!("{indent}    Type:\t<unknown>"));
        }
    }
}

/// `DescribePodTemplate` on its own, as `rollout history --revision` prints it.
pub(crate) fn pod_template_text(t: &PodTemplateSpec) -> String {
    let mut w = Writer {
        done: String::new(),
        pending: String::new(),
    };
    pod_template(&mut w, t);
    w.finish()
}

fn pod_template(w: &mut Writer, t: &PodTemplateSpec) {
    w.line("Pod Template:");
    labels(w, "  Labels", &t.metadata.labels);
    if !t.metadata.annotations.is_empty() {
        annotations(w, "  Annotations", &t.metadata.annotations);
    }
    w.line("  Containers:");
    for c in &t.spec.containers {
        w.line(&format!("   {}:", c.name));
        w.line(&format!("    Image:\t{}", c.image));
        let (ports, host) = ports_of(c);
        w.line(&format!("    Port:\t{ports}"));
        w.line(&format!("    Host Port:\t{host}"));
        command_and_args(w, c);
        resources(w, "    ", c);
        probe(w, "    ", "Liveness", &c.liveness_probe, c);
        probe(w, "    ", "Readiness", &c.readiness_probe, c);
        probe(w, "    ", "Startup", &c.startup_probe, c);
        env(w, "    ", c);
        mounts(w, "    ", c);
    }
    volumes(w, "  ", &t.spec.volumes);
    node_selector(w, "  ", &t.spec.node_selector);
    tolerations(w, "Tolerations", "  ", &t.spec.tolerations);
}

/// `resourcehelper.PodRequestsAndLimits`: the sum over containers (init containers' maximum is
/// ignored here, as pods in the playground rarely have them).
pub(crate) fn pod_requests_limits(
    p: &kubeplay_api::Pod,
) -> (BTreeMap<String, Quantity>, BTreeMap<String, Quantity>) {
    let mut req: BTreeMap<String, Quantity> = BTreeMap::new();
    let mut lim: BTreeMap<String, Quantity> = BTreeMap::new();
    for c in &p.spec.containers {
        for (k, v) in &c.resources.requests {
            req.entry(k.clone())
                .and_modify(|e| *e = e.add(v))
                .or_insert(*v);
        }
        for (k, v) in &c.resources.limits {
            lim.entry(k.clone())
                .and_modify(|e| *e = e.add(v))
                .or_insert(*v);
        }
    }
    (req, lim)
}

// ----- events ------------------------------------------------------------------------------------

fn events(cluster: &Cluster, o: &Object, w: &mut Writer) {
    let m = o.meta();
    let ns = if m.namespace.is_empty() {
        None
    } else {
        Some(m.namespace.as_str())
    };
    let mut evs: Vec<&kubeplay_api::Event> = cluster
        .list(Kind::Event, ns, None)
        .into_iter()
        .filter_map(|e| match e {
            Object::Event(e)
                if e.involved_object.uid == m.uid
                    || (e.involved_object.name == m.name
                        && e.involved_object.kind == o.kind().name()
                        && e.involved_object.uid.is_empty()) =>
            {
                Some(e)
            }
            _ => None,
        })
        .collect();
    if evs.is_empty() {
        w.line("Events:\t<none>");
        return;
    }
    w.flush();
    evs.sort_by_key(|e| {
        (
            e.last_timestamp.or(e.first_timestamp),
            e.metadata.resource_version.parse::<u64>().unwrap_or(0),
        )
    });
    let now = cluster.now();
    w.line("Events:");
    w.line("  Type\tReason\tAge\tFrom\tMessage");
    w.line("  ----\t------\t----\t----\t-------");
    for e in evs {
        let since = |t: Option<Time>| {
            t.map(|t| human(now.millis() - t.millis()))
                .unwrap_or_else(|| "<unknown>".into())
        };
        let first = since(e.first_timestamp.or(e.event_time));
        let interval = if e.count > 1 {
            format!("{} (x{} over {first})", since(e.last_timestamp), e.count)
        } else {
            first
        };
        let from = if e.source.component.is_empty() {
            &e.reporting_component
        } else {
            &e.source.component
        };
        w.line(&format!(
            "  {}\t{}\t{interval}\t{from}\t{}",
            e.type_,
            e.reason,
            e.message.trim()
        ));
    }
}

/// Rows of the PolicyRule table: (sort key, resource.group, URLs, names, verbs).
pub(crate) fn compact_rules(
    rules: &[kubeplay_api::rbac::PolicyRule],
) -> Vec<(String, String, String, String, String)> {
    // (group, resource, name) → verbs, in first-seen order.
    type RuleKey = (String, String, Option<String>);
    let mut compact: Vec<(RuleKey, Vec<String>)> = Vec::new();
    let mut url_rows: Vec<(String, String)> = Vec::new();
    for r in rules {
        for u in &r.non_resource_urls {
            for v in &r.verbs {
                url_rows.push((u.clone(), v.clone()));
            }
        }
        if !r.non_resource_urls.is_empty() {
            continue;
        }
        let names: Vec<Option<String>> = if r.resource_names.is_empty() {
            vec![None]
        } else {
            r.resource_names.iter().cloned().map(Some).collect()
        };
        for g in &r.api_groups {
            for res in &r.resources {
                for n in &names {
                    let key = (g.clone(), res.clone(), n.clone());
                    let verbs = match compact.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, v)) => v,
                        None => {
                            compact.push((key, Vec::new()));
                            &mut compact.last_mut().expect("just pushed").1
                        }
                    };
                    for v in &r.verbs {
                        if !verbs.contains(v) {
                            verbs.push(v.clone());
                        }
                    }
                }
            }
        }
    }
    let mut rows: Vec<(String, String, String, String, String)> = compact
        .into_iter()
        .map(|((g, res, n), verbs)| {
            let names: Vec<String> = n.into_iter().collect();
            let groups = vec![g.clone()];
            let key = format!(
                "&PolicyRule{{Verbs:{},APIGroups:{},Resources:[{res}],ResourceNames:{},NonResourceURLs:[],}}",
                go_list(&verbs),
                go_list(&groups),
                go_list(&names)
            );
            let (base, sub) = match res.split_once('/') {
                Some((b, s)) => (b.to_string(), format!("/{s}")),
                None => (res.clone(), String::new()),
            };
            let combined = if g.is_empty() {
                format!("{base}{sub}")
            } else {
                format!("{base}.{g}{sub}")
            };
            (key, combined, "[]".into(), go_list(&names), go_list(&verbs))
        })
        .collect();
    rows.extend(url_rows.into_iter().map(|(u, v)| {
        let key = format!(
            "&PolicyRule{{Verbs:[{v}],APIGroups:[],Resources:[],ResourceNames:[],NonResourceURLs:[{u}],}}"
        );
        (key, String::new(), format!("[{u}]"), "[]".into(), format!("[{v}]"))
    }));
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};
    use kubeplay_engine::{Cluster, ClusterConfig};
    use serde_json::json;

    use super::*;

    /// `kubectl describe` of an object given as the API server would hold it (not stored, so it
    /// has no events).
    fn check(v: serde_json::Value, want: Expect) {
        let o = Object::from_value(v).expect("object");
        let cluster = Cluster::new(ClusterConfig::default());
        want.assert_eq(&describe(&cluster, &o, true));
    }

    #[test]
    fn a_job_as_describe_job_shows_it() {
        check(
            json!({
                "apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"name": "tick-29000000", "namespace": "default",
                    "labels": {"batch.kubernetes.io/controller-uid": "5f1c", "batch.kubernetes.io/job-name": "tick-29000000"},
                    "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-01-01T00:01:00Z"},
                    "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "tick", "uid": "9a0b", "controller": true}]},
                "spec": {"parallelism": 1, "completions": 1, "completionMode": "NonIndexed", "suspend": false,
                    "backoffLimit": 6, "ttlSecondsAfterFinished": 100, "activeDeadlineSeconds": 60,
                    "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "5f1c"}},
                    "template": {"metadata": {"labels": {"batch.kubernetes.io/controller-uid": "5f1c", "batch.kubernetes.io/job-name": "tick-29000000"}},
                        "spec": {"restartPolicy": "OnFailure", "containers": [
                            {"name": "tick", "image": "busybox", "command": ["sh", "-c", "date\necho done"]}]}}},
                "status": {"startTime": "2026-01-01T00:01:00Z", "completionTime": "2026-01-01T00:01:07Z",
                    "succeeded": 1, "ready": 0, "terminating": 0,
                    "conditions": [{"type": "Complete", "status": "True"}]}
            }),
            expect![[r#"
                Name:                        tick-29000000
                Namespace:                   default
                Selector:                    batch.kubernetes.io/controller-uid=5f1c
                Labels:                      batch.kubernetes.io/controller-uid=5f1c
                                             batch.kubernetes.io/job-name=tick-29000000
                Annotations:                 batch.kubernetes.io/cronjob-scheduled-timestamp: 2026-01-01T00:01:00Z
                Controlled By:               CronJob/tick
                Parallelism:                 1
                Completions:                 1
                Completion Mode:             NonIndexed
                Suspend:                     false
                Backoff Limit:               6
                TTL Seconds After Finished:  100
                Start Time:                  Thu, 01 Jan 2026 00:01:00 +0000
                Completed At:                Thu, 01 Jan 2026 00:01:07 +0000
                Duration:                    7s
                Active Deadline Seconds:     60s
                Pods Statuses:               0 Active (0 Ready) / 1 Succeeded / 0 Failed
                Pod Template:
                  Labels:  batch.kubernetes.io/controller-uid=5f1c
                           batch.kubernetes.io/job-name=tick-29000000
                  Containers:
                   tick:
                    Image:      busybox
                    Port:       <none>
                    Host Port:  <none>
                    Command:
                      sh
                      -c
                      date
                      echo done
                    Environment:   <none>
                    Mounts:        <none>
                  Volumes:         <none>
                  Node-Selectors:  <none>
                  Tolerations:     <none>
                Events:            <none>
            "#]],
        );
        // Indexed, not started, no `ready` count yet; a manifest's unset fields stay unset.
        check(
            json!({
                "apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"name": "indexed", "namespace": "default"},
                "spec": {"completionMode": "Indexed", "parallelism": 3,
                    "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "w", "image": "busybox"}]}}},
                "status": {"active": 3}
            }),
            expect![[r#"
                Name:               indexed
                Namespace:          default
                Selector:           
                Labels:             <none>
                Annotations:        <none>
                Parallelism:        3
                Completions:        <unset>
                Completion Mode:    Indexed
                Pods Statuses:      3 Active / 0 Succeeded / 0 Failed
                Completed Indexes:  <none>
                Pod Template:
                  Labels:  <none>
                  Containers:
                   w:
                    Image:         busybox
                    Port:          <none>
                    Host Port:     <none>
                    Environment:   <none>
                    Mounts:        <none>
                  Volumes:         <none>
                  Node-Selectors:  <none>
                  Tolerations:     <none>
                Events:            <none>
            "#]],
        );
    }

    #[test]
    fn completed_indexes_are_capped_as_kubectl_caps_them() {
        for (indexes, want) in [
            ("", "<none>"),
            ("0-2,4", "0-2,4"),
            // 50 characters: shown whole.
            (
                "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37",
                "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37",
            ),
            (
                "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39",
                "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,...",
            ),
            (
                "0-99999999999999999999999999999999999999999999999999999,100000",
                "0-99999999999999999999999999999999999999999999999999999,...",
            ),
        ] {
            assert_eq!(cap_indexes(indexes, 50), want, "{indexes}");
        }
    }

    #[test]
    fn a_cronjob_as_describe_cronjob_shows_it() {
        check(
            json!({
                "apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": {"name": "tick", "namespace": "default"},
                "spec": {"schedule": "*/1 * * * *", "concurrencyPolicy": "Allow", "suspend": false,
                    "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                    "jobTemplate": {"metadata": {"name": "tick"}, "spec": {
                        "template": {"spec": {"restartPolicy": "OnFailure", "containers": [
                            {"name": "tick", "image": "busybox", "command": ["date"]}]}}}}},
                "status": {"lastScheduleTime": "2026-01-01T00:03:00Z",
                    "active": [{"apiVersion": "batch/v1", "kind": "Job", "name": "tick-29000003", "namespace": "default"},
                               {"apiVersion": "batch/v1", "kind": "Job", "name": "tick-29000004", "namespace": "default"}]}
            }),
            expect![[r#"
                Name:                          tick
                Namespace:                     default
                Labels:                        <none>
                Annotations:                   <none>
                Schedule:                      */1 * * * *
                Concurrency Policy:            Allow
                Suspend:                       False
                Successful Job History Limit:  3
                Failed Job History Limit:      1
                Starting Deadline Seconds:     <unset>
                Selector:                      <unset>
                Parallelism:                   <unset>
                Completions:                   <unset>
                Pod Template:
                  Labels:  <none>
                  Containers:
                   tick:
                    Image:      busybox
                    Port:       <none>
                    Host Port:  <none>
                    Command:
                      date
                    Environment:     <none>
                    Mounts:          <none>
                  Volumes:           <none>
                  Node-Selectors:    <none>
                  Tolerations:       <none>
                Last Schedule Time:  Thu, 01 Jan 2026 00:03:00 +0000
                Active Jobs:         tick-29000003, tick-29000004
                Events:              <none>
            "#]],
        );
        check(
            json!({
                "apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": {"name": "nightly", "namespace": "ops", "labels": {"team": "ops"}},
                "spec": {"schedule": "0 3 * * *", "suspend": true, "startingDeadlineSeconds": 200,
                    "jobTemplate": {"spec": {"parallelism": 2, "completions": 4, "activeDeadlineSeconds": 600,
                        "selector": {"matchLabels": {"app": "nightly"}},
                        "template": {"metadata": {"labels": {"app": "nightly"}},
                            "spec": {"restartPolicy": "Never", "containers": [{"name": "backup", "image": "restic:0.16"}]}}}}}
            }),
            expect![[r#"
                Name:                          nightly
                Namespace:                     ops
                Labels:                        team=ops
                Annotations:                   <none>
                Schedule:                      0 3 * * *
                Concurrency Policy:            
                Suspend:                       True
                Successful Job History Limit:  <unset>
                Failed Job History Limit:      <unset>
                Starting Deadline Seconds:     200s
                Selector:                      app=nightly
                Parallelism:                   2
                Completions:                   4
                Active Deadline Seconds:       600s
                Pod Template:
                  Labels:  app=nightly
                  Containers:
                   backup:
                    Image:           restic:0.16
                    Port:            <none>
                    Host Port:       <none>
                    Environment:     <none>
                    Mounts:          <none>
                  Volumes:           <none>
                  Node-Selectors:    <none>
                  Tolerations:       <none>
                Last Schedule Time:  <unset>
                Active Jobs:         <none>
                Events:              <none>
            "#]],
        );
    }
}
