//! `kubectl describe` for pods, nodes, deployments, replicasets and services (and the simpler
//! kinds), laid out as kubectl's describers write them: one tabwriter (padding 2) over the text,
//! events sorted by time at the end.

mod storage;

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

// ----- pod ---------------------------------------------------------------------------------------

fn pod(cluster: &Cluster, p: &kubeplay_api::Pod, w: &mut Writer) {
    let now = cluster.now();
    w.line(&format!("Name:\t{}", p.metadata.name));
    w.line(&format!("Namespace:\t{}", p.metadata.namespace));
    w.line(&format!("Priority:\t{}", p.spec.priority.unwrap_or(0)));
    if !p.spec.priority_class_name.is_empty() {
        w.line(&format!(
            "Priority Class Name:\t{}",
            p.spec.priority_class_name
        ));
    }
    let sa = p
        .spec
        .extra
        .get("serviceAccountName")
        .and_then(|v| v.as_str())
        .unwrap_or("default");
    w.line(&format!("Service Account:\t{sa}"));
    if p.spec.node_name.is_empty() {
        w.line("Node:\t<none>");
    } else {
        w.line(&format!("Node:\t{}/{}", p.spec.node_name, p.status.host_ip));
    }
    if let Some(t) = p.status.start_time {
        w.line(&format!("Start Time:\t{}", rfc1123z(t)));
    }
    labels(w, "Labels", &p.metadata.labels);
    annotations(w, "Annotations", &p.metadata.annotations);
    if let Some(dt) = p.metadata.deletion_timestamp {
        let lasts = human(dt.millis() - now.millis());
        w.line(&format!("Status:\tTerminating (lasts {lasts})"));
        w.line(&format!(
            "Termination Grace Period:\t{}s",
            p.metadata.deletion_grace_period_seconds.unwrap_or(30)
        ));
    } else {
        w.line(&format!("Status:\t{}", p.status.phase));
    }
    if !p.status.reason.is_empty() {
        w.line(&format!("Reason:\t{}", p.status.reason));
    }
    if !p.status.message.is_empty() {
        w.line(&format!("Message:\t{}", p.status.message));
    }
    w.line(&format!("IP:\t{}", p.status.pod_ip));
    if p.status.pod_ip.is_empty() {
        w.line("IPs:\t<none>");
    } else {
        w.line("IPs:");
        w.line(&format!("  IP:\t{}", p.status.pod_ip));
    }
    controlled_by(w, &p.metadata);
    if !p.spec.init_containers.is_empty() {
        w.line("Init Containers:");
        for c in &p.spec.init_containers {
            let st = p
                .status
                .init_container_statuses
                .iter()
                .find(|s| s.name == c.name);
            container(w, c, st);
        }
    }
    w.line("Containers:");
    for c in &p.spec.containers {
        let st = p
            .status
            .container_statuses
            .iter()
            .find(|s| s.name == c.name);
        container(w, c, st);
    }
    if !p.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus");
        for c in &p.status.conditions {
            w.line(&format!("  {} \t{} ", c.type_, c.status));
        }
    }
    volumes(w, "", &p.spec.volumes);
    w.line(&format!("QoS Class:\t{}", p.status.qos_class));
    node_selector(w, "", &p.spec.node_selector);
    tolerations(w, "Tolerations", "", &p.spec.tolerations);
}

fn state_lines(w: &mut Writer, title: &str, st: &kubeplay_api::core::ContainerState) {
    if let Some(r) = &st.running {
        w.line(&format!("    {title}:\tRunning"));
        if let Some(t) = r.started_at {
            w.line(&format!("      Started:\t{}", rfc1123z(t)));
        }
    } else if let Some(wt) = &st.waiting {
        w.line(&format!("    {title}:\tWaiting"));
        if !wt.reason.is_empty() {
            w.line(&format!("      Reason:\t{}", wt.reason));
        }
        if !wt.message.is_empty() {
            w.line(&format!("      Message:\t{}", wt.message));
        }
    } else if let Some(t) = &st.terminated {
        w.line(&format!("    {title}:\tTerminated"));
        if !t.reason.is_empty() {
            w.line(&format!("      Reason:\t{}", t.reason));
        }
        if !t.message.is_empty() {
            w.line(&format!("      Message:\t{}", t.message));
        }
        w.line(&format!("      Exit Code:\t{}", t.exit_code));
        if let Some(s) = t.started_at {
            w.line(&format!("      Started:\t{}", rfc1123z(s)));
        }
        if let Some(f) = t.finished_at {
            w.line(&format!("      Finished:\t{}", rfc1123z(f)));
        }
    } else {
        w.line(&format!("    {title}:\tWaiting"));
    }
}

/// `describeContainerCommand`: each word of the command and args on its own line (and each
/// line of a word that has several).
fn command_and_args(w: &mut Writer, c: &Container) {
    for (field, title) in [("command", "Command"), ("args", "Args")] {
        let Some(words) = c.extra.get(field).and_then(|v| v.as_array()) else {
            continue;
        };
        if words.is_empty() {
            continue;
        }
        w.line(&format!("    {title}:"));
        for word in words {
            for l in word.as_str().unwrap_or("").split('\n') {
                w.line(&format!("      {l}"));
            }
        }
    }
}

fn container(w: &mut Writer, c: &Container, st: Option<&kubeplay_api::core::ContainerStatus>) {
    w.line(&format!("  {}:", c.name));
    if let Some(st) = st {
        if !st.container_id.is_empty() {
            w.line(&format!("    Container ID:\t{}", st.container_id));
        }
    }
    w.line(&format!("    Image:\t{}", c.image));
    if let Some(st) = st {
        w.line(&format!("    Image ID:\t{}", st.image_id));
    }
    let (ports, host) = ports_of(c);
    w.line(&format!("    Port:\t{ports}"));
    w.line(&format!("    Host Port:\t{host}"));
    command_and_args(w, c);
    // A container the kubelet has not reported yet (the pod is not scheduled) has no State,
    // Ready or Restart Count lines, as in kubectl.
    if let Some(st) = st {
        state_lines(w, "State", &st.state);
        if !st.last_state.is_empty() {
            state_lines(w, "Last State", &st.last_state);
        }
        w.line(&format!(
            "    Ready:\t{}",
            if st.ready { "True" } else { "False" }
        ));
        w.line(&format!("    Restart Count:\t{}", st.restart_count));
    }
    resources(w, "    ", c);
    probe(w, "    ", "Liveness", &c.liveness_probe, c);
    probe(w, "    ", "Readiness", &c.readiness_probe, c);
    probe(w, "    ", "Startup", &c.startup_probe, c);
    env(w, "    ", c);
    mounts(w, "    ", c);
}

// ----- node --------------------------------------------------------------------------------------

fn sum_requests(
    pods: &[&kubeplay_api::Pod],
) -> (BTreeMap<String, Quantity>, BTreeMap<String, Quantity>) {
    let mut req: BTreeMap<String, Quantity> = BTreeMap::new();
    let mut lim: BTreeMap<String, Quantity> = BTreeMap::new();
    for p in pods {
        let (r, l) = pod_requests_limits(p);
        for (k, v) in r {
            req.entry(k).and_modify(|e| *e = e.add(&v)).or_insert(v);
        }
        for (k, v) in l {
            lim.entry(k).and_modify(|e| *e = e.add(&v)).or_insert(v);
        }
    }
    (req, lim)
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

fn pct(part: &Quantity, whole: Option<&Quantity>, milli: bool) -> i64 {
    let Some(whole) = whole else { return 0 };
    let (p, w) = if milli {
        (part.milli_value() as f64, whole.milli_value() as f64)
    } else {
        (part.value() as f64, whole.value() as f64)
    };
    if w == 0.0 {
        0
    } else {
        (p / w * 100.0) as i64
    }
}

fn qstr(q: Option<&Quantity>) -> String {
    q.map(|q| q.to_string()).unwrap_or_else(|| "0".into())
}

fn node(cluster: &Cluster, n: &kubeplay_api::Node, w: &mut Writer) {
    let now = cluster.now();
    w.line(&format!("Name:\t{}", n.metadata.name));
    w.line(&format!("Roles:\t{}", super::get::node_roles(n)));
    labels(w, "Labels", &n.metadata.labels);
    annotations(w, "Annotations", &n.metadata.annotations);
    if let Some(t) = n.metadata.creation_timestamp {
        w.line(&format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    if n.spec.taints.is_empty() {
        w.line("Taints:\t<none>");
    } else {
        for (i, t) in n.spec.taints.iter().enumerate() {
            let s = t.to_spec_string();
            if i == 0 {
                w.line(&format!("Taints:\t{s}"));
            } else {
                w.line(&format!("\t{s}"));
            }
        }
    }
    w.line(&format!("Unschedulable:\t{}", n.spec.unschedulable));
    w.line("Lease:");
    w.line(&format!("  HolderIdentity:\t{}", n.metadata.name));
    w.line("  AcquireTime:\t<unset>");
    let renew = n
        .condition("Ready")
        .and_then(|c| c.last_heartbeat_time)
        .map(rfc1123z)
        .unwrap_or_else(|| "<unset>".into());
    w.line(&format!("  RenewTime:\t{renew}"));
    if !n.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
        w.line("  ----\t------\t-----------------\t------------------\t------\t-------");
        for c in &n.status.conditions {
            let t = |x: Option<Time>| {
                x.map(rfc1123z)
                    .unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".into())
            };
            w.line(&format!(
                "  {} \t{} \t{} \t{} \t{} \t{}",
                c.type_,
                c.status,
                t(c.last_heartbeat_time),
                t(c.last_transition_time),
                c.reason,
                c.message
            ));
        }
    }
    w.line("Addresses:");
    for a in &n.status.addresses {
        w.line(&format!("  {}:\t{}", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", &n.status.capacity),
        ("Allocatable", &n.status.allocatable),
    ] {
        w.line(&format!("{title}:"));
        for (k, q) in list {
            w.line(&format!("  {k}:\t{q}"));
        }
    }
    if let Some(i) = &n.status.node_info {
        w.line("System Info:");
        w.line(&format!("  Machine ID:\t{}", i.machine_id));
        w.line(&format!("  System UUID:\t{}", i.system_uuid));
        w.line(&format!("  Boot ID:\t{}", i.boot_id));
        w.line(&format!("  Kernel Version:\t{}", i.kernel_version));
        w.line(&format!("  OS Image:\t{}", i.os_image));
        w.line(&format!("  Operating System:\t{}", i.operating_system));
        w.line(&format!("  Architecture:\t{}", i.architecture));
        w.line(&format!(
            "  Container Runtime Version:\t{}",
            i.container_runtime_version
        ));
        w.line(&format!("  Kubelet Version:\t{}", i.kubelet_version));
        w.line(&format!("  Kube-Proxy Version:\t{}", i.kube_proxy_version));
    }
    if !n.spec.pod_cidr.is_empty() {
        w.line(&format!("PodCIDR:\t{}", n.spec.pod_cidr));
        w.line(&format!("PodCIDRs:\t{}", n.spec.pod_cidr));
    }
    let pods: Vec<&kubeplay_api::Pod> = cluster
        .list(Kind::Pod, None, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.spec.node_name == n.metadata.name
                    && p.status.phase != "Succeeded"
                    && p.status.phase != "Failed" =>
            {
                Some(p)
            }
            _ => None,
        })
        .collect();
    let alloc = &n.status.allocatable;
    w.line(&format!("Non-terminated Pods:\t({} in total)", pods.len()));
    w.line("  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
    w.line("  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---");
    for p in &pods {
        let (r, l) = pod_requests_limits(p);
        let cell = |m: &BTreeMap<String, Quantity>, k: &str, milli: bool| {
            let q = m.get(k).copied().unwrap_or_else(Quantity::zero);
            format!("{} ({}%)", qstr(m.get(k)), pct(&q, alloc.get(k), milli))
        };
        let age = p
            .metadata
            .creation_timestamp
            .map(|t| human(now.millis() - t.millis()))
            .unwrap_or_default();
        w.line(&format!(
            "  {}\t{}\t\t{}\t{}\t{}\t{}\t{age}",
            p.metadata.namespace,
            p.metadata.name,
            cell(&r, "cpu", true),
            cell(&l, "cpu", true),
            cell(&r, "memory", false),
            cell(&l, "memory", false),
        ));
    }
    let (req, lim) = sum_requests(&pods);
    w.line("Allocated resources:");
    w.line("  (Total limits may be over 100 percent, i.e., overcommitted.)");
    w.line("  Resource\tRequests\tLimits");
    w.line("  --------\t--------\t------");
    let mut resources = vec![
        "cpu".to_string(),
        "memory".to_string(),
        "ephemeral-storage".to_string(),
    ];
    for k in alloc.keys() {
        if k.starts_with("hugepages-") {
            resources.push(k.clone());
        }
    }
    for k in resources {
        let milli = k == "cpu";
        let zero = Quantity::zero();
        let rq = req.get(&k).unwrap_or(&zero);
        let lq = lim.get(&k).unwrap_or(&zero);
        w.line(&format!(
            "  {k}\t{} ({}%)\t{} ({}%)",
            qstr(req.get(&k)),
            pct(rq, alloc.get(&k), milli),
            qstr(lim.get(&k)),
            pct(lq, alloc.get(&k), milli)
        ));
    }
}

// ----- deployment and replicaset -----------------------------------------------------------------

fn deployment(cluster: &Cluster, d: &kubeplay_api::Deployment, w: &mut Writer) {
    w.line(&format!("Name:\t{}", d.metadata.name));
    w.line(&format!("Namespace:\t{}", d.metadata.namespace));
    if let Some(t) = d.metadata.creation_timestamp {
        w.line(&format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    labels(w, "Labels", &d.metadata.labels);
    annotations(w, "Annotations", &d.metadata.annotations);
    w.line(&format!(
        "Selector:\t{}",
        d.spec.selector.to_selector_string()
    ));
    let st = &d.status;
    w.line(&format!(
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
        d.replicas(),
        st.updated_replicas,
        st.replicas,
        st.available_replicas,
        st.unavailable_replicas
    ));
    let strategy = if d.spec.strategy.type_.is_empty() {
        "RollingUpdate"
    } else {
        &d.spec.strategy.type_
    };
    w.line(&format!("StrategyType:\t{strategy}"));
    w.line(&format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds));
    if let Some(ru) = &d.spec.strategy.rolling_update {
        let s = |v: &Option<kubeplay_api::IntOrString>| {
            v.as_ref().map(|v| v.to_string()).unwrap_or_default()
        };
        w.line(&format!(
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
            s(&ru.max_unavailable),
            s(&ru.max_surge)
        ));
    }
    pod_template(w, &d.spec.template);
    if !st.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tReason");
        w.line("  ----\t------\t------");
        for c in &st.conditions {
            w.line(&format!("  {} \t{}\t{}", c.type_, c.status, c.reason));
        }
    }
    let rss: Vec<&kubeplay_api::ReplicaSet> = cluster
        .list(Kind::ReplicaSet, Some(&d.metadata.namespace), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::ReplicaSet(rs)
                if rs
                    .metadata
                    .controller()
                    .is_some_and(|c| c.uid == d.metadata.uid) =>
            {
                Some(rs)
            }
            _ => None,
        })
        .collect();
    let hash_free = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata
            .labels
            .remove(kubeplay_api::apps::POD_TEMPLATE_HASH_LABEL);
        serde_json::to_value(&t).ok()
    };
    let want = hash_free(&d.spec.template);
    let mut new_rs = None;
    let mut old = Vec::new();
    for rs in &rss {
        if new_rs.is_none() && hash_free(&rs.spec.template) == want {
            new_rs = Some(*rs);
        } else if rs.replicas() != 0 {
            old.push(*rs);
        }
    }
    let fmt_rs = |rs: &kubeplay_api::ReplicaSet| {
        format!(
            "{} ({}/{} replicas created)",
            rs.metadata.name,
            rs.status.replicas,
            rs.replicas()
        )
    };
    let old_s: Vec<String> = old.iter().map(|rs| fmt_rs(rs)).collect();
    w.line(&format!(
        "OldReplicaSets:\t{}",
        if old_s.is_empty() {
            "<none>".into()
        } else {
            old_s.join(", ")
        }
    ));
    w.line(&format!(
        "NewReplicaSet:\t{}",
        new_rs.map(fmt_rs).unwrap_or_else(|| "<none>".into())
    ));
}

fn replica_set(cluster: &Cluster, rs: &kubeplay_api::ReplicaSet, w: &mut Writer) {
    w.line(&format!("Name:\t{}", rs.metadata.name));
    w.line(&format!("Namespace:\t{}", rs.metadata.namespace));
    w.line(&format!(
        "Selector:\t{}",
        rs.spec.selector.to_selector_string()
    ));
    labels(w, "Labels", &rs.metadata.labels);
    annotations(w, "Annotations", &rs.metadata.annotations);
    controlled_by(w, &rs.metadata);
    w.line(&format!(
        "Replicas:\t{} current / {} desired",
        rs.status.replicas,
        rs.replicas()
    ));
    pods_status(cluster, &rs.metadata, w);
    pod_template(w, &rs.spec.template);
    if !rs.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tReason");
        w.line("  ----\t------\t------");
        for c in &rs.status.conditions {
            w.line(&format!("  {} \t{}\t{}", c.type_, c.status, c.reason));
        }
    }
}

/// Models kubectl's describeNetworkPolicy.
fn network_policy(np: &kubeplay_api::networking::NetworkPolicy, w: &mut Writer) {
    use kubeplay_api::networking::{Peer, PolicyPort};
    w.line(&format!("Name:\t{}", np.metadata.name));
    w.line(&format!("Namespace:\t{}", np.metadata.namespace));
    if let Some(t) = np.metadata.creation_timestamp {
        let [y, mo, d, h, mi, se, _] = t.civil();
        w.line(&format!(
            "Created on:\t{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{se:02} +0000 UTC"
        ));
    }
    labels(w, "Labels", &np.metadata.labels);
    annotations(w, "Annotations", &np.metadata.annotations);
    w.line("Spec:");
    let sel = np.spec.pod_selector.to_selector_string();
    if sel.is_empty() {
        w.line("  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)");
    } else {
        w.line(&format!("  PodSelector:     {sel}"));
    }
    let ports = |w: &mut Writer, ports: &[PolicyPort], label: &str| {
        if ports.is_empty() {
            w.line(&format!(
                "    {label}: <any> (traffic allowed to all ports)"
            ));
        }
        for p in ports {
            let port = p
                .port
                .as_ref()
                .map_or("<any>".to_string(), |p| p.to_string());
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.end_port {
                Some(end) => w.line(&format!("    {label}: {port}-{end}/{proto}")),
                None => w.line(&format!("    {label}: {port}/{proto}")),
            }
        }
    };
    let peers = |w: &mut Writer, peers: &[Peer], label: &str, any: &str| {
        if peers.is_empty() {
            w.line(&format!("    {label}: <any> ({any})"));
            return;
        }
        w.line(&format!("    {label}:"));
        for p in peers {
            match (&p.pod_selector, &p.namespace_selector, &p.ip_block) {
                (_, _, Some(b)) => {
                    w.line("      IPBlock:");
                    w.line(&format!("        CIDR: {}", b.cidr));
                    w.line(&format!("        Except: {}", b.except.join(", ")));
                }
                (Some(ps), Some(ns), None) => {
                    w.line(&format!(
                        "      NamespaceSelector: {}",
                        ns.to_selector_string()
                    ));
                    w.line(&format!("      PodSelector: {}", ps.to_selector_string()));
                }
                (Some(ps), None, None) => {
                    w.line(&format!("      PodSelector: {}", ps.to_selector_string()))
                }
                (None, Some(ns), None) => w.line(&format!(
                    "      NamespaceSelector: {}",
                    ns.to_selector_string()
                )),
                (None, None, None) => {}
            }
        }
    };
    if np.applies_to_ingress() {
        w.line("  Allowing ingress traffic:");
        if np.spec.ingress.is_empty() {
            w.line("    <none> (Selected pods are isolated for ingress connectivity)");
        }
        for (i, r) in np.spec.ingress.iter().enumerate() {
            if i > 0 {
                w.line("    ----------");
            }
            ports(w, &r.ports, "To Port");
            peers(w, &r.from, "From", "traffic not restricted by source");
        }
    } else {
        w.line("  Not affecting ingress traffic");
    }
    if np.applies_to_egress() {
        w.line("  Allowing egress traffic:");
        if np.spec.egress.is_empty() {
            w.line("    <none> (Selected pods are isolated for egress connectivity)");
        }
        for (i, r) in np.spec.egress.iter().enumerate() {
            if i > 0 {
                w.line("    ----------");
            }
            ports(w, &r.ports, "To Port");
            peers(w, &r.to, "To", "traffic not restricted by destination");
        }
    } else {
        w.line("  Not affecting egress traffic");
    }
    w.line(&format!(
        "  Policy Types: {}",
        np.spec.policy_types.join(", ")
    ));
}

/// `Pods Status:` of a ReplicaSet or DaemonSet: its pods by phase.
fn pods_status(cluster: &Cluster, owner: &kubeplay_api::ObjectMeta, w: &mut Writer) {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for o in cluster.list(Kind::Pod, Some(&owner.namespace), None) {
        if let Object::Pod(p) = o {
            if p.metadata.controller().is_some_and(|c| c.uid == owner.uid) {
                match p.status.phase.as_str() {
                    "Running" => running += 1,
                    "Pending" => waiting += 1,
                    "Succeeded" => succeeded += 1,
                    "Failed" => failed += 1,
                    _ => {}
                }
            }
        }
    }
    w.line(&format!(
        "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"
    ));
}

/// Models kubectl's describeDaemonSet.
fn daemon_set(cluster: &Cluster, ds: &kubeplay_api::DaemonSet, w: &mut Writer) {
    let st = &ds.status;
    w.line(&format!("Name:\t{}", ds.metadata.name));
    w.line(&format!("Namespace:\t{}", ds.metadata.namespace));
    w.line(&format!(
        "Selector:\t{}",
        ds.spec.selector.to_selector_string()
    ));
    let node_selector = &ds.spec.template.spec.node_selector;
    w.line(&format!(
        "Node-Selector:\t{}",
        if node_selector.is_empty() {
            "<none>".to_string()
        } else {
            node_selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        }
    ));
    labels(w, "Labels", &ds.metadata.labels);
    annotations(w, "Annotations", &ds.metadata.annotations);
    w.line(&format!(
        "Desired Number of Nodes Scheduled: {}",
        st.desired_number_scheduled
    ));
    w.line(&format!(
        "Current Number of Nodes Scheduled: {}",
        st.current_number_scheduled
    ));
    w.line(&format!(
        "Number of Nodes Scheduled with Up-to-date Pods: {}",
        st.updated_number_scheduled
    ));
    w.line(&format!(
        "Number of Nodes Scheduled with Available Pods: {}",
        st.number_available
    ));
    w.line(&format!(
        "Number of Nodes Misscheduled: {}",
        st.number_misscheduled
    ));
    pods_status(cluster, &ds.metadata, w);
    pod_template(w, &ds.spec.template);
}

/// Models kubectl's describeHorizontalPodAutoscalerV2.
fn autoscaler(h: &kubeplay_api::HorizontalPodAutoscaler, w: &mut Writer) {
    w.line(&format!("Name:\t{}", h.metadata.name));
    w.line(&format!("Namespace:\t{}", h.metadata.namespace));
    labels(w, "Labels", &h.metadata.labels);
    annotations(w, "Annotations", &h.metadata.annotations);
    if let Some(t) = h.metadata.creation_timestamp {
        w.line(&format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    let r = &h.spec.scale_target_ref;
    w.line(&format!("Reference:\t{}/{}", r.kind, r.name));
    w.line("Metrics:\t( current / target )");
    for (i, m) in h.spec.metrics.iter().enumerate() {
        let Some(res) = &m.resource else { continue };
        let current = h
            .status
            .current_metrics
            .get(i)
            .and_then(|c| c.resource.as_ref())
            .map(|c| &c.current);
        let t = &res.target;
        match t.average_utilization {
            Some(want) if t.type_ == "Utilization" => {
                let cur = match current {
                    Some(c) => format!(
                        "{}% ({})",
                        c.average_utilization.unwrap_or(0),
                        c.average_value
                            .as_ref()
                            .map_or(String::new(), |v| v.to_string())
                    ),
                    None => "<unknown>".into(),
                };
                w.line(&format!(
                    "  resource {} on pods  (as a percentage of request):\t{cur} / {want}%",
                    res.name
                ));
            }
            _ => {
                let cur = current
                    .and_then(|c| c.average_value.as_ref())
                    .map_or("<unknown>".to_string(), |v| v.to_string());
                let want = t
                    .average_value
                    .as_ref()
                    .or(t.value.as_ref())
                    .map_or("<unknown>".to_string(), |v| v.to_string());
                w.line(&format!("  resource {} on pods:\t{cur} / {want}", res.name));
            }
        }
    }
    w.line(&format!("Min replicas:\t{}", h.min_replicas()));
    w.line(&format!("Max replicas:\t{}", h.spec.max_replicas));
    w.line(&format!(
        "{} pods:\t{} current / {} desired",
        r.kind, h.status.current_replicas, h.status.desired_replicas
    ));
    if !h.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tReason\tMessage");
        w.line("  ----\t------\t------\t-------");
        for c in &h.status.conditions {
            w.line(&format!(
                "  {}\t{}\t{}\t{}",
                c.type_, c.status, c.reason, c.message
            ));
        }
    }
}

// ----- job and cronjob --------------------------------------------------------------------------

/// Models kubernetes/staging/src/k8s.io/kubectl/pkg/describe describeJob.
fn job(j: &kubeplay_api::Job, w: &mut Writer) {
    let (spec, st) = (&j.spec, &j.status);
    w.line(&format!("Name:\t{}", j.metadata.name));
    w.line(&format!("Namespace:\t{}", j.metadata.namespace));
    let selector = spec
        .selector
        .as_ref()
        .map(|s| s.to_selector_string())
        .unwrap_or_default();
    w.line(&format!("Selector:\t{selector}"));
    labels(w, "Labels", &j.metadata.labels);
    annotations(w, "Annotations", &j.metadata.annotations);
    controlled_by(w, &j.metadata);
    if let Some(p) = spec.parallelism {
        w.line(&format!("Parallelism:\t{p}"));
    }
    match spec.completions {
        Some(c) => w.line(&format!("Completions:\t{c}")),
        None => w.line("Completions:\t<unset>"),
    }
    if let Some(m) = &spec.completion_mode {
        w.line(&format!("Completion Mode:\t{m}"));
    }
    if let Some(s) = spec.suspend {
        w.line(&format!("Suspend:\t{s}"));
    }
    if let Some(b) = spec.backoff_limit {
        w.line(&format!("Backoff Limit:\t{b}"));
    }
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        w.line(&format!("TTL Seconds After Finished:\t{ttl}"));
    }
    if let Some(t) = st.start_time {
        w.line(&format!("Start Time:\t{}", rfc1123z(t)));
    }
    if let Some(t) = st.completion_time {
        w.line(&format!("Completed At:\t{}", rfc1123z(t)));
    }
    if let (Some(start), Some(done)) = (st.start_time, st.completion_time) {
        w.line(&format!(
            "Duration:\t{}",
            human(done.millis() - start.millis())
        ));
    }
    if let Some(d) = spec.active_deadline_seconds {
        w.line(&format!("Active Deadline Seconds:\t{d}s"));
    }
    let active = match st.ready {
        Some(ready) => format!("{} Active ({ready} Ready)", st.active),
        None => format!("{} Active", st.active),
    };
    w.line(&format!(
        "Pods Statuses:\t{active} / {} Succeeded / {} Failed",
        st.succeeded, st.failed
    ));
    if spec.indexed() {
        w.line(&format!(
            "Completed Indexes:\t{}",
            cap_indexes(&st.completed_indexes, 50)
        ));
    }
    pod_template(w, &spec.template);
}

/// `capIndexesListOrNone`: the interval list, cut at the first comma at or after `soft_limit`.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes.get(soft_limit..).and_then(|rest| rest.find(',')) {
        Some(i) => format!("{}...", &indexes[..soft_limit + i + 1]),
        None => indexes.to_string(),
    }
}

/// Models kubernetes/staging/src/k8s.io/kubectl/pkg/describe describeCronJob (and
/// describeJobTemplate, printActiveJobs).
fn cron_job(cj: &kubeplay_api::CronJob, w: &mut Writer) {
    let spec = &cj.spec;
    let or_unset = |v: Option<i64>, unit: &str| match v {
        Some(v) => format!("{v}{unit}"),
        None => "<unset>".into(),
    };
    w.line(&format!("Name:\t{}", cj.metadata.name));
    w.line(&format!("Namespace:\t{}", cj.metadata.namespace));
    labels(w, "Labels", &cj.metadata.labels);
    annotations(w, "Annotations", &cj.metadata.annotations);
    w.line(&format!("Schedule:\t{}", spec.schedule));
    w.line(&format!("Concurrency Policy:\t{}", spec.concurrency_policy));
    let suspend = match spec.suspend {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.line(&format!("Suspend:\t{suspend}"));
    w.line(&format!(
        "Successful Job History Limit:\t{}",
        or_unset(spec.successful_jobs_history_limit.map(i64::from), "")
    ));
    w.line(&format!(
        "Failed Job History Limit:\t{}",
        or_unset(spec.failed_jobs_history_limit.map(i64::from), "")
    ));
    w.line(&format!(
        "Starting Deadline Seconds:\t{}",
        or_unset(spec.starting_deadline_seconds, "s")
    ));
    let template = &spec.job_template.spec;
    w.line(&format!(
        "Selector:\t{}",
        template
            .selector
            .as_ref()
            .map(|s| s.to_selector_string())
            .unwrap_or_else(|| "<unset>".into())
    ));
    w.line(&format!(
        "Parallelism:\t{}",
        or_unset(template.parallelism.map(i64::from), "")
    ));
    w.line(&format!(
        "Completions:\t{}",
        or_unset(template.completions.map(i64::from), "")
    ));
    if let Some(d) = template.active_deadline_seconds {
        w.line(&format!("Active Deadline Seconds:\t{d}s"));
    }
    pod_template(w, &template.template);
    w.line(&format!(
        "Last Schedule Time:\t{}",
        cj.status
            .last_schedule_time
            .map(rfc1123z)
            .unwrap_or_else(|| "<unset>".into())
    ));
    let active: Vec<&str> = cj.status.active.iter().map(|r| r.name.as_str()).collect();
    w.line(&format!(
        "Active Jobs:\t{}",
        if active.is_empty() {
            "<none>".to_string()
        } else {
            active.join(", ")
        }
    ));
}

// ----- service -----------------------------------------------------------------------------------

fn service(cluster: &Cluster, svc: &kubeplay_api::Service, w: &mut Writer) {
    w.line(&format!("Name:\t{}", svc.metadata.name));
    w.line(&format!("Namespace:\t{}", svc.metadata.namespace));
    labels(w, "Labels", &svc.metadata.labels);
    annotations(w, "Annotations", &svc.metadata.annotations);
    let sel = super::get::join_labels(&svc.spec.selector);
    w.line(&format!("Selector:\t{sel}"));
    let type_ = if svc.spec.type_.is_empty() {
        "ClusterIP"
    } else {
        &svc.spec.type_
    };
    w.line(&format!("Type:\t{type_}"));
    let extra_str = |k: &str| {
        svc.spec
            .extra
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let policy = extra_str("ipFamilyPolicy");
    if !policy.is_empty() {
        w.line(&format!("IP Family Policy:\t{policy}"));
    }
    let families: Vec<String> = svc
        .spec
        .extra
        .get("ipFamilies")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if !families.is_empty() {
        w.line(&format!("IP Families:\t{}", families.join(",")));
    }
    if type_ == "ExternalName" {
        w.line(&format!("External Name:\t{}", extra_str("externalName")));
    } else {
        w.line(&format!("IP:\t{}", svc.spec.cluster_ip));
        let ips = if svc.spec.cluster_ips.is_empty() {
            vec![svc.spec.cluster_ip.clone()]
        } else {
            svc.spec.cluster_ips.clone()
        };
        w.line(&format!("IPs:\t{}", ips.join(",")));
    }
    let ep = match cluster.get(Kind::Endpoints, &svc.metadata.namespace, &svc.metadata.name) {
        Ok(Object::Endpoints(ep)) => Some(ep.clone()),
        _ => None,
    };
    for p in &svc.spec.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            &p.name
        };
        let proto = if p.protocol.is_empty() {
            "TCP"
        } else {
            &p.protocol
        };
        w.line(&format!("Port:\t{name}\t{}/{proto}", p.port));
        let target = p
            .target_port
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_else(|| p.port.to_string());
        w.line(&format!("TargetPort:\t{target}/{proto}"));
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            w.line(&format!("NodePort:\t{name}\t{np}/{proto}"));
        }
        let addrs: Vec<String> = ep
            .as_ref()
            .map(|ep| {
                ep.subsets
                    .iter()
                    .flat_map(|ss| {
                        let port = ss
                            .ports
                            .iter()
                            .find(|ep_port| ep_port.name == p.name || ss.ports.len() == 1)
                            .map(|x| x.port);
                        ss.addresses.iter().map(move |a| match port {
                            Some(pt) => format!("{}:{pt}", a.ip),
                            None => a.ip.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        w.line(&format!("Endpoints:\t{}", addrs.join(",")));
    }
    let affinity = extra_str("sessionAffinity");
    w.line(&format!(
        "Session Affinity:\t{}",
        if affinity.is_empty() {
            "None"
        } else {
            &affinity
        }
    ));
    let etp = extra_str("externalTrafficPolicy");
    if !etp.is_empty() {
        w.line(&format!("External Traffic Policy:\t{etp}"));
    }
    let itp = extra_str("internalTrafficPolicy");
    if !itp.is_empty() {
        w.line(&format!("Internal Traffic Policy:\t{itp}"));
    }
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

/// The help line kubectl prints under a quota's scope.
fn scope_help(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => return None,
    })
}

fn sorted_scopes(q: &kubeplay_api::quota::ResourceQuota) -> Vec<&str> {
    let mut scopes: Vec<&str> = q.spec.scopes.iter().map(String::as_str).collect();
    scopes.sort_unstable();
    scopes
}

/// `kubectl describe quota` (kubectl's describeQuota): the used amount is shown in the hard
/// amount's format when they differ.
fn resource_quota(q: &kubeplay_api::quota::ResourceQuota, w: &mut Writer) {
    w.line(&format!("Name:\t{}", q.metadata.name));
    w.line(&format!("Namespace:\t{}", q.metadata.namespace));
    let scopes = sorted_scopes(q);
    if !scopes.is_empty() {
        w.line(&format!("Scopes:\t{}", scopes.join(", ")));
        for help in scopes.iter().filter_map(|s| scope_help(s)) {
            w.line(&format!(" * {help}"));
        }
    }
    w.line("Resource\tUsed\tHard");
    w.line("--------\t----\t----");
    for (k, hard) in &q.status.hard {
        let used = q.status.used.get(k).copied().unwrap_or_else(Quantity::zero);
        let used = if used.format() == hard.format() {
            used
        } else if hard.format() == kubeplay_api::quantity::Format::BinarySI {
            Quantity::from_bytes_binary(used.value())
        } else {
            Quantity::from_units(used.value())
        };
        w.line(&format!("{k}\t{used}\t{hard}"));
    }
}

/// A LimitRange's rows (kubectl's describeLimitRangeSpec): one per item and resource, `-` where
/// the item sets nothing; resources in name order.
fn limit_range_rows(l: &kubeplay_api::quota::LimitRange, prefix: &str, w: &mut Writer) {
    for item in &l.spec.limits {
        let mut names: Vec<&String> = item
            .max
            .keys()
            .chain(item.min.keys())
            .chain(item.default.keys())
            .chain(item.default_request.keys())
            .chain(item.max_limit_request_ratio.keys())
            .collect();
        names.sort();
        names.dedup();
        let cell = |list: &kubeplay_api::core::ResourceList, k: &String| {
            list.get(k).map_or("-".to_string(), |q| q.to_string())
        };
        for k in names {
            w.line(&format!(
                "{prefix}{}\t{k}\t{}\t{}\t{}\t{}\t{}",
                item.type_,
                cell(&item.min, k),
                cell(&item.max, k),
                cell(&item.default_request, k),
                cell(&item.default, k),
                cell(&item.max_limit_request_ratio, k),
            ));
        }
    }
}

/// `describe namespace`'s quota section (kubectl's DescribeResourceQuotas).
fn namespace_quotas(cluster: &Cluster, ns: &str, w: &mut Writer) {
    let quotas: Vec<&kubeplay_api::quota::ResourceQuota> = cluster
        .list(Kind::ResourceQuota, Some(ns), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::ResourceQuota(q) => Some(q),
            _ => None,
        })
        .collect();
    if quotas.is_empty() {
        w.line("No resource quota.");
        return;
    }
    w.line("Resource Quotas");
    for q in quotas {
        w.line(&format!("  Name:\t{}", q.metadata.name));
        let scopes = sorted_scopes(q);
        if !scopes.is_empty() {
            w.line(&format!("  Scopes:\t{}", scopes.join(", ")));
            for help in scopes.iter().filter_map(|s| scope_help(s)) {
                w.line(&format!("  * {help}"));
            }
        }
        w.line("  Resource\tUsed\tHard");
        w.line("  --------\t---\t---");
        for (k, hard) in &q.status.hard {
            let used = q.status.used.get(k).copied().unwrap_or_else(Quantity::zero);
            w.line(&format!("  {k}\t{used}\t{hard}"));
        }
    }
}

/// `describe namespace`'s limits section (kubectl's DescribeLimitRanges).
fn namespace_limits(cluster: &Cluster, ns: &str, w: &mut Writer) {
    let ranges: Vec<&kubeplay_api::quota::LimitRange> = cluster
        .list(Kind::LimitRange, Some(ns), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::LimitRange(l) => Some(l),
            _ => None,
        })
        .collect();
    if ranges.is_empty() {
        w.line("No LimitRange resource.");
        return;
    }
    w.line("Resource Limits");
    w.line(" Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio");
    w.line(" ----\t--------\t---\t---\t---------------\t-------------\t-----------------------");
    for l in ranges {
        limit_range_rows(l, " ", w);
    }
}

/// `kubectl describe ingress` (kubectl's describeIngressV1).
fn ingress(cluster: &Cluster, ing: &kubeplay_api::ingress::Ingress, w: &mut Writer) {
    w.line(&format!("Name:\t{}", ing.metadata.name));
    labels(w, "Labels", &ing.metadata.labels);
    w.line(&format!("Namespace:\t{}", ing.metadata.namespace));
    w.line(&format!(
        "Address:\t{}",
        super::get::ingress_address(&ing.status.load_balancer, true)
    ));
    w.line(&format!(
        "Ingress Class:\t{}",
        ing.spec.ingress_class_name.as_deref().unwrap_or("<none>")
    ));
    let ns = &ing.metadata.namespace;
    let default = ing
        .spec
        .default_backend
        .as_ref()
        .map_or("<default>".to_string(), |b| ingress_backend(cluster, ns, b));
    w.line(&format!("Default backend:\t{default}"));
    if !ing.spec.tls.is_empty() {
        w.line("TLS:");
        for t in &ing.spec.tls {
            if t.secret_name.is_empty() {
                w.line(&format!("  SNI routes {}", t.hosts.join(",")));
            } else {
                w.line(&format!(
                    "  {} terminates {}",
                    t.secret_name,
                    t.hosts.join(",")
                ));
            }
        }
    }
    w.line("Rules:");
    w.line("  Host\tPath\tBackends");
    w.line("  ----\t----\t--------");
    let mut count = 0;
    for rule in &ing.spec.rules {
        let Some(http) = &rule.http else {
            continue;
        };
        count += 1;
        let host = if rule.host.is_empty() {
            "*"
        } else {
            &rule.host
        };
        w.line(&format!("  {host}\t"));
        for p in &http.paths {
            w.line(&format!(
                "    \t{} \t{}",
                p.path,
                ingress_backend(cluster, ns, &p.backend)
            ));
        }
    }
    if count == 0 {
        w.line(&format!("  *\t*\t{default}"));
    }
    annotations(w, "Annotations", &ing.metadata.annotations);
}

/// `svc:80 (10.244.1.5:80,...)`: the backend and the endpoints of its Service port (kubectl's
/// describeBackendV1).
fn ingress_backend(
    cluster: &Cluster,
    ns: &str,
    b: &kubeplay_api::ingress::IngressBackend,
) -> String {
    let Some(svc_ref) = &b.service else {
        return match &b.resource {
            Some(r) => {
                let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let group = r
                    .get("apiGroup")
                    .and_then(|v| v.as_str())
                    .unwrap_or("<none>");
                format!(
                    "APIGroup: {group}, Kind: {}, Name: {}",
                    s("kind"),
                    s("name")
                )
            }
            None => String::new(),
        };
    };
    let sb = b.describe();
    let ep = match cluster.get(Kind::Endpoints, ns, &svc_ref.name) {
        Ok(Object::Endpoints(ep)) => ep,
        Ok(_) => return sb,
        Err(e) => return format!("{sb} (<error: {}>)", e.message),
    };
    let svc = match cluster.get(Kind::Service, ns, &svc_ref.name) {
        Ok(Object::Service(svc)) => svc,
        Ok(_) => return sb,
        Err(e) => return format!("{sb}(<error: {}>)", e.message),
    };
    let mut port_name = "";
    for sp in &svc.spec.ports {
        let by_number = svc_ref.port.number.is_some_and(|n| n == sp.port);
        let by_name = !svc_ref.port.name.is_empty() && svc_ref.port.name == sp.name;
        if by_number || by_name {
            port_name = &sp.name;
        }
    }
    // formatEndpoints over the ports of that name only.
    const MAX: usize = 3;
    let mut list = Vec::new();
    let mut count = 0;
    for ss in &ep.subsets {
        for port in ss.ports.iter().filter(|p| p.name == port_name) {
            for a in &ss.addresses {
                if list.len() < MAX {
                    list.push(format!("{}:{}", a.ip, port.port));
                }
                count += 1;
            }
        }
    }
    let mut eps = list.join(",");
    if count > MAX {
        eps.push_str(&format!(" + {} more...", count - MAX));
    }
    if eps.is_empty() {
        eps = "<none>".into();
    }
    format!("{sb} ({eps})")
}
/// kubectl's ServiceAccount description (no token Secrets are made since 1.24: `<none>`).
fn service_account(sa: &kubeplay_api::ServiceAccount, w: &mut Writer) {
    w.line(&format!("Name:\t{}", sa.metadata.name));
    w.line(&format!("Namespace:\t{}", sa.metadata.namespace));
    labels(w, "Labels", &sa.metadata.labels);
    annotations(w, "Annotations", &sa.metadata.annotations);
    let names = |v: Vec<String>| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v.join(", ")
        }
    };
    let pull: Vec<String> = sa
        .image_pull_secrets
        .iter()
        .filter_map(|s| s.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .collect();
    w.line(&format!("Image pull secrets:\t{}", names(pull)));
    let mountable: Vec<String> = sa.secrets.iter().map(|s| s.name.clone()).collect();
    w.line(&format!("Mountable secrets:\t{}", names(mountable)));
    w.line("Tokens:\t<none>");
}

/// Models kubectl's RoleDescriber: each rule broken down to one group, resource and name, those
/// with the same three merged (`rbac.CompactRules`), sorted as upstream sorts them (by the
/// rule's printed form, verbs first).
fn policy_rules(o: &Object, rules: &[kubeplay_api::rbac::PolicyRule], w: &mut Writer) {
    w.line(&format!("Name:\t{}", o.name()));
    labels(w, "Labels", &o.meta().labels);
    annotations(w, "Annotations", &o.meta().annotations);
    w.line("PolicyRule:");
    w.line("  Resources\tNon-Resource URLs\tResource Names\tVerbs");
    w.line("  ---------\t-----------------\t--------------\t-----");
    for (_, resource, urls, names, verbs) in compact_rules(rules) {
        w.line(&format!("  {resource}\t{urls}\t{names}\t{verbs}"));
    }
}

/// Go's `%v` of a `[]string`: `[a b]`.
fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
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

/// kubectl's RoleBindingDescriber and ClusterRoleBindingDescriber.
fn binding(
    o: &Object,
    role_ref: &kubeplay_api::rbac::RoleRef,
    subjects: &[kubeplay_api::rbac::Subject],
    w: &mut Writer,
) {
    w.line(&format!("Name:\t{}", o.name()));
    labels(w, "Labels", &o.meta().labels);
    annotations(w, "Annotations", &o.meta().annotations);
    w.line("Role:");
    w.line(&format!("  Kind:\t{}", role_ref.kind));
    w.line(&format!("  Name:\t{}", role_ref.name));
    w.line("Subjects:");
    w.line("  Kind\tName\tNamespace");
    w.line("  ----\t----\t---------");
    for s in subjects {
        w.line(&format!("  {}\t{}\t{}", s.kind, s.name, s.namespace));
    }
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
