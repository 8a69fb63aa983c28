//! `kubectl get`: kubectl's table columns per kind (`printers.go`), `-o wide|yaml|json|name|
//! jsonpath|custom-columns`, `-l`, `-A`, `--show-labels`, `-L`, `--sort-by`, and `-w`.

use std::collections::BTreeMap;

use kubeplay_api::storage::access_modes_short;
use kubeplay_api::{Kind, LabelSelector, Object, Time};
use kubeplay_engine::Cluster;

use super::printers::{self, Format};
use super::{namespace, parse_flags, parse_targets, wants_help, Targets};
use crate::doc::Doc;
use crate::duration::human;
use crate::flags::{flag, short, FlagKind};
use crate::tabwriter::TabWriter;
use crate::{Io, Job, Session};

const FLAGS: &[crate::flags::Flag] = &[
    short("output", 'o', FlagKind::String),
    short("selector", 'l', FlagKind::String),
    short("all-namespaces", 'A', FlagKind::Bool),
    short("watch", 'w', FlagKind::Bool),
    flag("watch-only", FlagKind::Bool),
    flag("raw", FlagKind::String),
    flag("output-watch-events", FlagKind::Bool),
    flag("show-labels", FlagKind::Bool),
    short("label-columns", 'L', FlagKind::StringSlice),
    flag("no-headers", FlagKind::Bool),
    flag("sort-by", FlagKind::String),
    flag("field-selector", FlagKind::String),
    flag("show-kind", FlagKind::Bool),
    flag("ignore-not-found", FlagKind::Bool),
    flag("chunk-size", FlagKind::Int),
    flag("show-managed-fields", FlagKind::Bool),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("template", FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    short("recursive", 'R', FlagKind::Bool),
    flag("server-print", FlagKind::Bool),
    flag("subresource", FlagKind::String),
];

/// How a table is laid out.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableOptions {
    pub wide: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    pub namespace_column: bool,
    /// `pod/` before names (several kinds in one listing).
    pub kind_prefix: bool,
    pub no_headers: bool,
}

/// `kubectl get ...`
pub fn run(s: &mut Session, args: &[String], io: &mut Io, allow_job: bool) -> (i32, Option<Job>) {
    let p = match parse_flags(io, "get", FLAGS, args) {
        Ok(p) => p,
        Err(c) => return (c, None),
    };
    if wants_help(&p, "get", io) {
        return (0, None);
    }
    if let Some(path) = p.get("raw") {
        if !p.args.is_empty() {
            return (
                io.error("arguments may not be passed when --raw is specified"),
                None,
            );
        }
        return (super::info::raw(path, io), None);
    }
    let format = match printers::parse_format(p.get("output").unwrap_or(""), printers::GET_FORMATS)
    {
        Ok(f) => f,
        Err(e) => return (io.error(e), None),
    };
    let all_ns = p.bool("all-namespaces");
    let ns = namespace(&p);
    let selector = match p.get("selector") {
        Some(sel) => match LabelSelector::parse(sel) {
            Ok(s) => Some(s),
            Err(e) => return (io.error(e), None),
        },
        None => None,
    };
    let field_selector = match p.get("field-selector") {
        Some(fs) => match parse_field_selector(fs) {
            Ok(f) => f,
            Err(e) => return (io.error(e), None),
        },
        None => Vec::new(),
    };
    let targets = if p.has("filename") {
        match super::read_manifests(s, &p, io) {
            Ok(objs) => Targets::Named(
                objs.iter()
                    .map(|o| (o.kind(), o.name().to_string()))
                    .collect(),
            ),
            Err(c) => return (c, None),
        }
    } else {
        match parse_targets(&p.args) {
            Ok(Targets::Kinds(k)) if k.is_empty() => {
                return (
                    io.fail("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"),
                    None,
                )
            }
            Ok(t) => t,
            Err(e) => return (io.error(e), None),
        }
    };
    let mut opts = TableOptions {
        wide: matches!(format, Format::Table { wide: true }),
        show_labels: p.bool("show-labels"),
        label_columns: p.all("label-columns"),
        namespace_column: all_ns,
        kind_prefix: p.bool("show-kind")
            || p.args
                .first()
                .is_some_and(|a| a.contains(',') || a == "all"),
        no_headers: p.bool("no-headers"),
    };
    let cluster = s.cluster();
    let now = cluster.now();
    // Gather the objects (and NotFound errors for named ones).
    let mut objs: Vec<Object> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let single;
    match &targets {
        Targets::Kinds(kinds) => {
            single = false;
            for kind in kinds {
                let list_ns = if all_ns || !kind.namespaced() {
                    None
                } else {
                    Some(ns.as_str())
                };
                if let Err(e) = super::authorize(cluster, "list", *kind, list_ns.unwrap_or(""), "")
                {
                    errors.push(e.to_string());
                    continue;
                }
                let mut found: Vec<Object> = cluster
                    .list(*kind, list_ns, selector.as_ref())
                    .into_iter()
                    .filter(|o| field_selector.iter().all(|f| f.matches(o)))
                    .cloned()
                    .collect();
                if *kind == Kind::Event {
                    found.sort_by_key(event_sort_key);
                }
                objs.extend(found);
            }
        }
        Targets::Named(named) => {
            single = named.len() == 1;
            if named.iter().any(|(k, _)| named[0].0 != *k) {
                opts.kind_prefix = true;
            }
            for (kind, name) in named {
                if let Err(e) = super::authorize(cluster, "get", *kind, &ns, name) {
                    errors.push(e.to_string());
                    continue;
                }
                match cluster.get(*kind, &ns, name) {
                    Ok(o) => objs.push(o.clone()),
                    Err(e) => {
                        if !p.bool("ignore-not-found") {
                            errors.push(e.to_string());
                        }
                    }
                }
            }
        }
    }
    if let Some(sort) = p.get("sort-by") {
        if let Err(e) = sort_by(&mut objs, sort) {
            return (io.error(e), None);
        }
    }
    let kinds_in_output: Vec<Kind> = {
        let mut v: Vec<Kind> = Vec::new();
        for o in &objs {
            if !v.contains(&o.kind()) {
                v.push(o.kind());
            }
        }
        v
    };
    if kinds_in_output.len() > 1 {
        opts.kind_prefix = true;
    }
    let asks_endpoints = match &targets {
        Targets::Kinds(k) => k.contains(&Kind::Endpoints),
        Targets::Named(n) => n.iter().any(|(k, _)| *k == Kind::Endpoints),
    };
    if asks_endpoints {
        io.err.push_str("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    }
    let watch = p.bool("watch") || p.bool("watch-only");
    if watch {
        // One type, or one named object (kubectl watches it by a metadata.name field selector).
        let (kind, name) = match &targets {
            Targets::Kinds(kinds) if kinds.len() == 1 => (kinds[0], None),
            Targets::Kinds(_) => {
                return (
                    io.error("you may only specify a single resource type"),
                    None,
                )
            }
            Targets::Named(named) if named.len() == 1 => {
                if let Some(e) = errors.first() {
                    return (io.fail(e), None);
                }
                (named[0].0, Some(named[0].1.clone()))
            }
            Targets::Named(_) => return (io.error("watch is only supported on individual resources and resource collections, but a list of resources is found"), None),
        };
        let deadline = match p.get("request-timeout").map(crate::duration::parse_go) {
            Some(Ok(ms)) if ms > 0 => Some(now.plus_millis(ms)),
            Some(Err(e)) => return (io.error(e), None),
            _ => None,
        };
        if !allow_job && deadline.is_none() {
            return (
                io.error("--watch needs --request-timeout=DURATION in scripts (the simulated clock would run forever); the web console watches until Ctrl-C"),
                None,
            );
        }
        let mut w = Watch {
            kind,
            name,
            namespace: if all_ns { None } else { Some(ns.clone()) },
            selector: selector.clone(),
            opts: opts.clone(),
            format,
            seen: BTreeMap::new(),
            tw: TabWriter::table(),
            headers_printed: false,
            deadline,
        };
        w.initial(cluster, io, p.bool("watch-only"));
        let job = Job::Watch(w);
        if allow_job {
            return (0, Some(job));
        }
        let code = crate::jobs::drive(s.cluster_mut(), job, io);
        return (code, None);
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    if objs.is_empty() {
        for e in &errors {
            io.fail(e);
        }
        if errors.is_empty() && !matches!(targets, Targets::Named(_)) {
            if !matches!(format, Format::Table { .. }) && !matches!(format, Format::Name) {
                // `-o yaml|json` of an empty list prints the empty List.
                printers::print_docs(io, &format, Vec::new(), &[], false);
            } else if all_ns
                || matches!(&targets, Targets::Kinds(k) if k.iter().all(|k| !k.namespaced()))
            {
                io.err.push_str("No resources found\n");
            } else {
                io.err
                    .push_str(&format!("No resources found in {ns} namespace.\n"));
            }
        }
        return (code, None);
    }
    match &format {
        Format::Table { .. } => {
            let mut text = String::new();
            let mut first = true;
            let mut i = 0;
            while i < objs.len() {
                let kind = objs[i].kind();
                let mut j = i;
                while j < objs.len() && objs[j].kind() == kind {
                    j += 1;
                }
                if !first {
                    text.push('\n');
                }
                first = false;
                let refs: Vec<&Object> = objs[i..j].iter().collect();
                text.push_str(&table(kind, &refs, now, &opts));
                i = j;
            }
            io.out.push_str(&text);
        }
        _ => {
            let docs: Vec<Doc> = objs
                .iter()
                .map(|o| Doc::from_value(&o.to_value()))
                .collect();
            let names: Vec<String> = objs.iter().map(super::object_ref).collect();
            printers::print_docs(io, &format, docs, &names, single && objs.len() == 1);
        }
    }
    for e in &errors {
        io.fail(e);
    }
    (code, None)
}

/// Events by time, then in the order they were written (their resourceVersion).
pub(crate) fn event_sort_key(o: &Object) -> (Time, u64) {
    let rv = o.meta().resource_version.parse().unwrap_or(0);
    match o {
        Object::Event(e) => (
            kubeplay_api::summary::event_last_seen(e).unwrap_or_default(),
            rv,
        ),
        _ => (Time::default(), rv),
    }
}

fn sort_by(objs: &mut [Object], expr: &str) -> Result<(), String> {
    let path = if expr.starts_with('{') {
        expr.to_string()
    } else if expr.starts_with('.') {
        format!("{{{expr}}}")
    } else {
        format!("{{.{expr}}}")
    };
    let t = crate::jsonpath::Template::parse(&path)
        .map_err(|e| format!("error parsing jsonpath {path}, {e}"))?;
    let mut keyed: Vec<(serde_json::Value, Object)> = objs
        .iter()
        .map(|o| {
            let v = t
                .values(&o.to_value())
                .into_iter()
                .next()
                .unwrap_or(serde_json::Value::Null);
            (v, o.clone())
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
        (serde_json::Value::String(x), serde_json::Value::String(y)) => x.cmp(y),
        (serde_json::Value::Null, serde_json::Value::Null) => std::cmp::Ordering::Equal,
        (serde_json::Value::Null, _) => std::cmp::Ordering::Less,
        (_, serde_json::Value::Null) => std::cmp::Ordering::Greater,
        (x, y) => x.to_string().cmp(&y.to_string()),
    });
    for (slot, (_, o)) in objs.iter_mut().zip(keyed) {
        *slot = o;
    }
    Ok(())
}

/// One `--field-selector` requirement: `metadata.name`, `metadata.namespace`, `status.phase`,
/// `spec.nodeName`, with `=`, `==` or `!=`.
#[derive(Clone, Debug)]
pub(crate) struct FieldReq {
    field: String,
    value: String,
    equal: bool,
}

impl FieldReq {
    pub(crate) fn matches(&self, o: &Object) -> bool {
        let actual = match (self.field.as_str(), o) {
            ("metadata.name", _) => o.name().to_string(),
            ("metadata.namespace", _) => o.namespace().to_string(),
            ("status.phase", Object::Pod(p)) => p.status.phase.clone(),
            ("spec.nodeName", Object::Pod(p)) => p.spec.node_name.clone(),
            ("spec.unschedulable", Object::Node(n)) => n.spec.unschedulable.to_string(),
            ("type", Object::Event(e)) => e.type_.clone(),
            ("reason", Object::Event(e)) => e.reason.clone(),
            ("involvedObject.name", Object::Event(e)) => e.involved_object.name.clone(),
            ("involvedObject.kind", Object::Event(e)) => e.involved_object.kind.clone(),
            _ => String::new(),
        };
        (actual == self.value) == self.equal
    }
}

pub(crate) fn parse_field_selector(s: &str) -> Result<Vec<FieldReq>, String> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (field, value, equal) = if let Some((f, v)) = part.split_once("!=") {
            (f, v, false)
        } else if let Some((f, v)) = part.split_once("==") {
            (f, v, true)
        } else if let Some((f, v)) = part.split_once('=') {
            (f, v, true)
        } else {
            return Err(format!(
                "invalid selector: '{s}'; can't understand '{part}'"
            ));
        };
        const KNOWN: &[&str] = &[
            "metadata.name",
            "metadata.namespace",
            "status.phase",
            "spec.nodeName",
            "spec.unschedulable",
            "type",
            "reason",
            "involvedObject.name",
            "involvedObject.kind",
        ];
        if !KNOWN.contains(&field) {
            return Err(format!(
                "Error from server (BadRequest): Unable to find \"{field}\" field label"
            ));
        }
        out.push(FieldReq {
            field: field.into(),
            value: value.into(),
            equal,
        });
    }
    Ok(out)
}

// ----- tables --------------------------------------------------------------------------------------

/// A whole table (headers and rows) for objects of one kind, aligned.
pub(crate) fn table(kind: Kind, objs: &[&Object], now: Time, opts: &TableOptions) -> String {
    let mut text = String::new();
    if !opts.no_headers {
        text.push_str(&headers(kind, opts).join("\t"));
        text.push('\n');
    }
    for o in objs {
        text.push_str(&row(o, now, opts).join("\t"));
        text.push('\n');
    }
    TabWriter::table().format(&text)
}

/// The column headers kubectl prints for a kind.
pub(crate) fn headers(kind: Kind, opts: &TableOptions) -> Vec<String> {
    let (base, wide): (&[&str], &[&str]) = match kind {
        Kind::Pod => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Kind::Deployment => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::ReplicaSet => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::DaemonSet => (
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::PriorityClass => (
            &["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
            &[],
        ),
        Kind::NetworkPolicy => (&["NAME", "POD-SELECTOR", "AGE"], &[]),
        Kind::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Kind::ControllerRevision => (&["NAME", "CONTROLLER", "REVISION", "AGE"], &[]),
        Kind::HorizontalPodAutoscaler => (
            &[
                "NAME",
                "REFERENCE",
                "TARGETS",
                "MINPODS",
                "MAXPODS",
                "REPLICAS",
                "AGE",
            ],
            &[],
        ),
        Kind::PersistentVolume => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::PersistentVolumeClaim => (
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::StorageClass => (
            &[
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            &[],
        ),
        Kind::ResourceQuota => (&["NAME", "REQUEST", "LIMIT", "AGE"], &[]),
        Kind::LimitRange => (&["NAME", "CREATED AT"], &[]),
        Kind::Ingress => (&["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], &[]),
        Kind::IngressClass => (&["NAME", "CONTROLLER", "PARAMETERS", "AGE"], &[]),
        Kind::ServiceAccount => (&["NAME", "SECRETS", "AGE"], &[]),
        Kind::Role | Kind::ClusterRole => (&["NAME", "CREATED AT"], &[]),
        Kind::RoleBinding | Kind::ClusterRoleBinding => (
            &["NAME", "ROLE", "AGE"],
            &["USERS", "GROUPS", "SERVICEACCOUNTS"],
        ),
        Kind::PodDisruptionBudget => (
            &[
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE",
            ],
            &[],
        ),
        Kind::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Kind::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        Kind::Secret => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        Kind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        Kind::Event => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
        Kind::Job => (
            &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::CronJob => (
            &[
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
    };
    let mut h: Vec<String> = Vec::new();
    if opts.namespace_column && kind.namespaced() {
        h.push("NAMESPACE".into());
    }
    if kind == Kind::Event && opts.wide {
        h.extend(
            [
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
    } else {
        h.extend(base.iter().map(|s| s.to_string()));
        if opts.wide {
            h.extend(wide.iter().map(|s| s.to_string()));
        }
    }
    for l in &opts.label_columns {
        h.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
    }
    if opts.show_labels {
        h.push("LABELS".into());
    }
    h
}

/// One object's cells.
pub(crate) fn row(o: &Object, now: Time, opts: &TableOptions) -> Vec<String> {
    let age = |t: Option<Time>| match t {
        Some(t) => human(now.millis() - t.millis()),
        None => "<unknown>".to_string(),
    };
    let meta = o.meta();
    let name = if opts.kind_prefix {
        super::object_ref(o)
    } else {
        meta.name.clone()
    };
    let created = age(meta.creation_timestamp);
    let mut cells: Vec<String> = Vec::new();
    if opts.namespace_column && o.kind().namespaced() {
        cells.push(meta.namespace.clone());
    }
    match o {
        Object::Pod(p) => {
            let st = pod_status(p, now);
            cells.extend([name, st.ready, st.reason, st.restarts, created]);
            if opts.wide {
                cells.push(none_if_empty(&p.status.pod_ip));
                cells.push(none_if_empty(&p.spec.node_name));
                cells.push(none_if_empty(&p.status.nominated_node_name));
                let gates = p
                    .spec
                    .extra
                    .get("readinessGates")
                    .and_then(|g| g.as_array())
                    .map(|a| a.len())
                    .unwrap_or(0);
                cells.push(if gates == 0 {
                    "<none>".into()
                } else {
                    format!("0/{gates}")
                });
            }
        }
        Object::Node(n) => {
            cells.extend([
                name,
                node_status(n),
                node_roles(n),
                created,
                n.status
                    .node_info
                    .as_ref()
                    .map(|i| i.kubelet_version.clone())
                    .unwrap_or_default(),
            ]);
            if opts.wide {
                let addr = |t: &str| {
                    n.status
                        .addresses
                        .iter()
                        .find(|a| a.type_ == t)
                        .map(|a| a.address.clone())
                        .unwrap_or_else(|| "<none>".into())
                };
                let info = n.status.node_info.clone().unwrap_or_default();
                cells.extend([
                    addr("InternalIP"),
                    addr("ExternalIP"),
                    unknown_if_empty(&info.os_image),
                    unknown_if_empty(&info.kernel_version),
                    unknown_if_empty(&info.container_runtime_version),
                ]);
            }
        }
        Object::Deployment(d) => {
            cells.extend([
                name,
                format!("{}/{}", d.status.ready_replicas, d.replicas()),
                d.status.updated_replicas.to_string(),
                d.status.available_replicas.to_string(),
                created,
            ]);
            if opts.wide {
                cells.extend(pod_template_cells(
                    &d.spec.template.spec,
                    Some(&d.spec.selector),
                ));
            }
        }
        Object::ReplicaSet(rs) => {
            cells.extend([
                name,
                rs.replicas().to_string(),
                rs.status.replicas.to_string(),
                rs.status.ready_replicas.to_string(),
                created,
            ]);
            if opts.wide {
                cells.extend(pod_template_cells(
                    &rs.spec.template.spec,
                    Some(&rs.spec.selector),
                ));
            }
        }
        Object::DaemonSet(ds) => {
            let st = &ds.status;
            let selector = &ds.spec.template.spec.node_selector;
            cells.extend([
                name,
                st.desired_number_scheduled.to_string(),
                st.current_number_scheduled.to_string(),
                st.number_ready.to_string(),
                st.updated_number_scheduled.to_string(),
                st.number_available.to_string(),
                if selector.is_empty() {
                    "<none>".into()
                } else {
                    join_labels(selector)
                },
                created,
            ]);
            if opts.wide {
                cells.extend(pod_template_cells(
                    &ds.spec.template.spec,
                    Some(&ds.spec.selector),
                ));
            }
        }
        Object::PodDisruptionBudget(b) => {
            let v = |x: &Option<kubeplay_api::IntOrString>| {
                x.as_ref().map_or("N/A".to_string(), |v| v.to_string())
            };
            cells.extend([
                name,
                v(&b.spec.min_available),
                v(&b.spec.max_unavailable),
                b.status.disruptions_allowed.to_string(),
                created,
            ]);
        }
        Object::ResourceQuota(q) => {
            let (request, limit) = quota_columns(q);
            cells.extend([name, request, limit, created]);
        }
        Object::Ingress(ing) => {
            cells.extend([
                name,
                ing.spec
                    .ingress_class_name
                    .clone()
                    .unwrap_or_else(|| "<none>".into()),
                ingress_hosts(&ing.spec.rules),
                ingress_address(&ing.status.load_balancer, opts.wide),
                if ing.spec.tls.is_empty() {
                    "80"
                } else {
                    "80, 443"
                }
                .into(),
                created,
            ]);
        }
        Object::IngressClass(ic) => {
            let params = ic
                .spec
                .extra
                .get("parameters")
                .map(|p| {
                    let s = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("");
                    let kind = match p.get("apiGroup").and_then(|g| g.as_str()) {
                        Some(g) => format!("{}.{g}", s("kind")),
                        None => s("kind").to_string(),
                    };
                    format!("{kind}/{}", s("name"))
                })
                .unwrap_or_else(|| "<none>".into());
            cells.extend([name, ic.spec.controller.clone(), params, created]);
        }
        Object::LimitRange(l) => {
            cells.extend([
                name,
                l.metadata
                    .creation_timestamp
                    .map(|t| t.rfc3339())
                    .unwrap_or_default(),
            ]);
        }
        Object::ServiceAccount(sa) => {
            cells.extend([name, sa.secrets.len().to_string(), created]);
        }
        Object::Role(_) | Object::ClusterRole(_) => {
            cells.extend([
                name,
                meta.creation_timestamp
                    .map_or_else(String::new, |t| t.rfc3339()),
            ]);
        }
        Object::RoleBinding(kubeplay_api::rbac::RoleBinding {
            subjects, role_ref, ..
        })
        | Object::ClusterRoleBinding(kubeplay_api::rbac::ClusterRoleBinding {
            subjects,
            role_ref,
            ..
        }) => {
            cells.extend([
                name,
                format!("{}/{}", role_ref.kind, role_ref.name),
                created,
            ]);
            if opts.wide {
                // kubectl's printer: names comma-joined by kind, ServiceAccounts as NS:NAME.
                let of = |kind: &str| {
                    subjects
                        .iter()
                        .filter(|s| s.kind == kind)
                        .map(|s| match kind {
                            "ServiceAccount" => format!("{}:{}", s.namespace, s.name),
                            _ => s.name.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                cells.extend([of("User"), of("Group"), of("ServiceAccount")]);
            }
        }
        Object::NetworkPolicy(np) => {
            let sel = np.spec.pod_selector.to_selector_string();
            cells.extend([
                name,
                if sel.is_empty() { "<none>".into() } else { sel },
                created,
            ]);
        }
        Object::HorizontalPodAutoscaler(h) => {
            let r = &h.spec.scale_target_ref;
            cells.extend([
                name,
                format!("{}/{}", r.kind, r.name),
                hpa_targets(h),
                h.spec
                    .min_replicas
                    .map_or("<unset>".to_string(), |m| m.to_string()),
                h.spec.max_replicas.to_string(),
                h.status.current_replicas.to_string(),
                created,
            ]);
        }
        Object::ControllerRevision(r) => {
            let controller = r
                .metadata
                .controller()
                .map(|c| {
                    let kind = Kind::from_type_meta(&c.api_version, &c.kind)
                        .map_or_else(|| c.kind.to_ascii_lowercase(), Kind::qualified_singular);
                    format!("{kind}/{}", c.name)
                })
                .unwrap_or_else(|| "<none>".into());
            cells.extend([name, controller, r.revision.to_string(), created]);
        }
        Object::StatefulSet(sts) => {
            cells.extend([
                name,
                format!("{}/{}", sts.status.ready_replicas, sts.replicas()),
                created,
            ]);
            if opts.wide {
                cells.extend(
                    pod_template_cells(&sts.spec.template.spec, None)
                        .into_iter()
                        .take(2),
                );
            }
        }
        Object::PersistentVolume(pv) => {
            let s = &pv.spec;
            let phase = if pv.metadata.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                pv.status.phase.clone()
            };
            cells.extend([
                name,
                s.capacity
                    .get("storage")
                    .map(|q| q.to_string())
                    .unwrap_or_default(),
                access_modes_short(&s.access_modes),
                s.persistent_volume_reclaim_policy.clone(),
                phase,
                s.claim_ref
                    .as_ref()
                    .map(|r| format!("{}/{}", r.namespace, r.name))
                    .unwrap_or_default(),
                s.storage_class_name.clone(),
                "<unset>".into(),
                pv.status.reason.clone(),
                created,
            ]);
            if opts.wide {
                cells.push(s.volume_mode.clone().unwrap_or_default());
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            let phase = if pvc.metadata.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                pvc.status.phase.clone()
            };
            let (capacity, modes) = pvc.shown_capacity_and_modes();
            cells.extend([
                name,
                phase,
                pvc.spec.volume_name.clone(),
                capacity,
                modes,
                pvc.spec.storage_class_name.clone().unwrap_or_default(),
                "<unset>".into(),
                created,
            ]);
            if opts.wide {
                cells.push(pvc.spec.volume_mode.clone().unwrap_or_default());
            }
        }
        Object::StorageClass(sc) => {
            cells.extend([
                if sc.is_default() {
                    format!("{name} (default)")
                } else {
                    name
                },
                sc.provisioner.clone(),
                sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
                sc.volume_binding_mode
                    .clone()
                    .unwrap_or_else(|| "Immediate".into()),
                sc.allow_volume_expansion.unwrap_or(false).to_string(),
                created,
            ]);
        }
        Object::PriorityClass(pc) => {
            cells.extend([
                name,
                pc.value.to_string(),
                pc.global_default.to_string(),
                created,
                pc.preemption_policy
                    .clone()
                    .unwrap_or_else(|| "PreemptLowerPriority".into()),
            ]);
        }
        Object::Service(svc) => {
            let type_ = if svc.spec.type_.is_empty() {
                "ClusterIP"
            } else {
                &svc.spec.type_
            };
            let cluster_ip = if svc.spec.cluster_ip.is_empty() {
                "<none>".to_string()
            } else {
                svc.spec.cluster_ip.clone()
            };
            cells.extend([
                name,
                type_.to_string(),
                cluster_ip,
                service_external_ip(svc),
                service_ports(svc),
                created,
            ]);
            if opts.wide {
                cells.push(if svc.spec.selector.is_empty() {
                    "<none>".into()
                } else {
                    join_labels(&svc.spec.selector)
                });
            }
        }
        Object::Endpoints(ep) => {
            cells.extend([name, format_endpoints(ep), created]);
        }
        Object::Job(j) => {
            let [status, completions, duration] = job_cells(j, now);
            cells.extend([name, status, completions, duration, created]);
            if opts.wide {
                cells.extend(pod_template_cells(
                    &j.spec.template.spec,
                    j.spec.selector.as_ref(),
                ));
            }
        }
        Object::CronJob(cj) => {
            cells.push(name);
            cells.extend(cron_job_cells(cj, now));
            cells.push(created);
            if opts.wide {
                let template = &cj.spec.job_template.spec;
                cells.extend(pod_template_cells(
                    &template.template.spec,
                    template.selector.as_ref(),
                ));
            }
        }
        Object::Secret(sec) => {
            cells.extend([
                name,
                sec.type_.clone(),
                (sec.data.len() + sec.string_data.len()).to_string(),
                created,
            ]);
        }
        Object::ConfigMap(cm) => {
            cells.extend([
                name,
                (cm.data.len() + cm.binary_data.len()).to_string(),
                created,
            ]);
        }
        Object::Namespace(ns) => {
            let phase = if ns.status.phase.is_empty() {
                "Active"
            } else {
                &ns.status.phase
            };
            cells.extend([name, phase.to_string(), created]);
        }
        Object::Event(e) => {
            let first = e.first_timestamp.or(e.event_time);
            let last = kubeplay_api::summary::event_last_seen(e);
            let target = kubeplay_api::summary::event_object(e);
            if opts.wide {
                let source = if e.source.host.is_empty() {
                    e.source.component.clone()
                } else {
                    format!("{}, {}", e.source.component, e.source.host)
                };
                cells.extend([
                    age(last),
                    e.type_.clone(),
                    e.reason.clone(),
                    target,
                    e.involved_object.field_path.clone(),
                    source,
                    e.message.trim().to_string(),
                    age(first),
                    e.count.max(1).to_string(),
                    e.metadata.name.clone(),
                ]);
            } else {
                cells.extend([
                    age(last),
                    e.type_.clone(),
                    e.reason.clone(),
                    target,
                    e.message.trim().to_string(),
                ]);
            }
        }
    }
    for l in &opts.label_columns {
        cells.push(meta.labels.get(l).cloned().unwrap_or_default());
    }
    if opts.show_labels {
        cells.push(if meta.labels.is_empty() {
            "<none>".into()
        } else {
            join_labels(&meta.labels)
        });
    }
    cells
}

fn none_if_empty(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

fn unknown_if_empty(s: &str) -> String {
    if s.is_empty() {
        "<unknown>".into()
    } else {
        s.to_string()
    }
}

pub(crate) fn join_labels(l: &BTreeMap<String, String>) -> String {
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The wide CONTAINERS, IMAGES and SELECTOR cells (`layoutContainerCells` and
/// `metav1.FormatLabelSelector`, which prints a missing or empty selector as `<none>`).
fn pod_template_cells(
    spec: &kubeplay_api::core::PodSpec,
    sel: Option<&LabelSelector>,
) -> [String; 3] {
    let names: Vec<&str> = spec.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = spec.containers.iter().map(|c| c.image.as_str()).collect();
    let selector = sel
        .map(LabelSelector::to_selector_string)
        .unwrap_or_default();
    [
        names.join(","),
        images.join(","),
        if selector.is_empty() {
            "<none>".into()
        } else {
            selector
        },
    ]
}

/// An autoscaler's TARGETS: `cpu: 45%/50%` per metric (`<unknown>` before the first reading),
/// as kubectl's `formatHPAMetrics` writes them.
pub(crate) fn hpa_targets(h: &kubeplay_api::HorizontalPodAutoscaler) -> String {
    let mut list = Vec::new();
    for (i, m) in h.spec.metrics.iter().enumerate() {
        let Some(r) = &m.resource else {
            list.push("<unknown>".to_string());
            continue;
        };
        let current = h
            .status
            .current_metrics
            .get(i)
            .and_then(|c| c.resource.as_ref())
            .filter(|c| c.name == r.name)
            .map(|c| &c.current);
        let t = &r.target;
        list.push(match (t.type_.as_str(), t.average_utilization) {
            ("Utilization", Some(want)) => format!(
                "{}: {}/{want}%",
                r.name,
                current
                    .and_then(|c| c.average_utilization)
                    .map_or("<unknown>".to_string(), |u| format!("{u}%"))
            ),
            _ => format!(
                "{}: {}/{}",
                r.name,
                current
                    .and_then(|c| c.average_value.as_ref())
                    .map_or("<unknown>".to_string(), |v| v.to_string()),
                t.average_value
                    .as_ref()
                    .or(t.value.as_ref())
                    .map_or("<unknown>".to_string(), |v| v.to_string())
            ),
        });
    }
    if list.is_empty() {
        return "<none>".into();
    }
    if list.len() > 2 {
        let more = list.len() - 2;
        list.truncate(2);
        return format!("{} + {more} more...", list.join(", "));
    }
    list.join(", ")
}

/// A Job's STATUS, COMPLETIONS and DURATION cells. Models
/// kubernetes/pkg/printers/internalversion printJob.
pub(crate) fn job_cells(j: &kubeplay_api::Job, now: Time) -> [String; 3] {
    let is = |t: &str| j.condition(t).is_some();
    let status = if is("Complete") {
        "Complete"
    } else if is("Failed") {
        "Failed"
    } else if j.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if is("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else if is("FailureTarget") {
        "FailureTarget"
    } else if is("Suspended") {
        "Suspended"
    } else {
        "Running"
    };
    let succeeded = j.status.succeeded;
    let completions = match j.spec.completions {
        Some(c) => format!("{succeeded}/{c}"),
        None => match j.spec.parallelism.unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (j.status.start_time, j.status.completion_time) {
        (None, _) => String::new(),
        (Some(start), None) => human(now.millis() - start.millis()),
        (Some(start), Some(done)) => human(done.millis() - start.millis()),
    };
    [status.to_string(), completions, duration]
}

/// A CronJob's SCHEDULE, TIMEZONE, SUSPEND, ACTIVE and LAST SCHEDULE cells. Models
/// kubernetes/pkg/printers/internalversion printCronJob.
pub(crate) fn cron_job_cells(cj: &kubeplay_api::CronJob, now: Time) -> [String; 5] {
    let suspend = match cj.spec.suspend {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    [
        cj.spec.schedule.clone(),
        cj.spec.time_zone.clone().unwrap_or_else(|| "<none>".into()),
        suspend.to_string(),
        cj.status.active.len().to_string(),
        cj.status
            .last_schedule_time
            .map(|t| human(now.millis() - t.millis()))
            .unwrap_or_else(|| "<none>".into()),
    ]
}

/// The READY, STATUS and RESTARTS cells of a pod, as `printPod` computes them.
pub(crate) struct PodStatusCells {
    pub ready: String,
    pub reason: String,
    pub restarts: String,
}

pub(crate) fn pod_status(p: &kubeplay_api::Pod, now: Time) -> PodStatusCells {
    let total = p.spec.containers.len();
    let mut ready = 0;
    let mut restarts = 0i64;
    let mut last_restart: Option<Time> = None;
    let mut reason = if p.status.reason.is_empty() {
        p.status.phase.clone()
    } else {
        p.status.reason.clone()
    };
    if p.status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }
    let mut initializing = false;
    let n_init = p.spec.init_containers.len();
    for (i, c) in p.status.init_container_statuses.iter().enumerate() {
        restarts += c.restart_count as i64;
        if let Some(t) = c.state.terminated.as_ref().filter(|t| t.exit_code == 0) {
            let _ = t;
            continue;
        }
        if let Some(t) = &c.state.terminated {
            reason = if t.reason.is_empty() {
                format!("Init:ExitCode:{}", t.exit_code)
            } else {
                format!("Init:{}", t.reason)
            };
            initializing = true;
        } else if let Some(w) = c
            .state
            .waiting
            .as_ref()
            .filter(|w| !w.reason.is_empty() && w.reason != "PodInitializing")
        {
            reason = format!("Init:{}", w.reason);
            initializing = true;
        } else {
            reason = format!("Init:{i}/{n_init}");
            initializing = true;
        }
        break;
    }
    if !initializing {
        let mut has_running = false;
        for c in p.status.container_statuses.iter().rev() {
            restarts += c.restart_count as i64;
            if let Some(t) = c.last_state.terminated.as_ref().and_then(|t| t.finished_at) {
                if last_restart.is_none_or(|l| l < t) {
                    last_restart = Some(t);
                }
            }
            if let Some(w) = c.state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
                reason = w.reason.clone();
            } else if let Some(t) = c.state.terminated.as_ref() {
                reason = if t.reason.is_empty() {
                    format!("ExitCode:{}", t.exit_code)
                } else {
                    t.reason.clone()
                };
            } else if c.ready && c.state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if p.condition("Ready").is_some() {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let terminal = p.status.phase == "Succeeded" || p.status.phase == "Failed";
    if p.metadata.deletion_timestamp.is_some() && p.status.reason == "NodeLost" {
        reason = "Unknown".into();
    } else if p.metadata.deletion_timestamp.is_some() && !terminal {
        reason = "Terminating".into();
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => {
            format!("{restarts} ({} ago)", human(now.millis() - t.millis()))
        }
        _ => restarts.to_string(),
    };
    PodStatusCells {
        ready: format!("{ready}/{total}"),
        reason,
        restarts,
    }
}

pub(crate) fn node_status(n: &kubeplay_api::Node) -> String {
    let mut status = Vec::new();
    if let Some(c) = n.condition("Ready") {
        status.push(if c.status == "True" {
            "Ready"
        } else {
            "NotReady"
        });
    }
    if status.is_empty() {
        status.push("Unknown");
    }
    if n.spec.unschedulable {
        status.push("SchedulingDisabled");
    }
    status.join(",")
}

pub(crate) fn node_roles(n: &kubeplay_api::Node) -> String {
    let mut roles: Vec<String> = Vec::new();
    for (k, v) in &n.metadata.labels {
        if let Some(r) = k.strip_prefix("node-role.kubernetes.io/") {
            if !r.is_empty() {
                roles.push(r.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.push(v.clone());
        }
    }
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

fn service_external_ip(svc: &kubeplay_api::Service) -> String {
    match svc.spec.type_.as_str() {
        "ExternalName" => svc
            .spec
            .extra
            .get("externalName")
            .and_then(|v| v.as_str())
            .unwrap_or("<none>")
            .to_string(),
        "LoadBalancer" => {
            let ingress: Vec<String> = svc
                .status
                .extra
                .get("loadBalancer")
                .and_then(|lb| lb.get("ingress"))
                .and_then(|i| i.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.get("ip").or_else(|| i.get("hostname")))
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if ingress.is_empty() {
                "<pending>".into()
            } else {
                ingress.join(",")
            }
        }
        _ => {
            let external: Vec<String> = svc
                .spec
                .extra
                .get("externalIPs")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
    }
}

pub(crate) fn service_ports(svc: &kubeplay_api::Service) -> String {
    if svc.spec.ports.is_empty() {
        return "<none>".into();
    }
    svc.spec
        .ports
        .iter()
        .map(|p| {
            let proto = if p.protocol.is_empty() {
                "TCP"
            } else {
                &p.protocol
            };
            match p.node_port {
                Some(np) if np != 0 => format!("{}:{np}/{proto}", p.port),
                _ => format!("{}/{proto}", p.port),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `formatEndpoints`: up to three `ip:port` pairs, then `+ N more...`.
pub(crate) fn format_endpoints(ep: &kubeplay_api::Endpoints) -> String {
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut count = 0;
    let mut more = false;
    for ss in &ep.subsets {
        if ss.ports.is_empty() {
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                }
                if !more {
                    list.push(a.ip.clone());
                }
                count += 1;
            }
        } else {
            for port in &ss.ports {
                for a in &ss.addresses {
                    if list.len() == MAX {
                        more = true;
                    }
                    if !more {
                        list.push(format!("{}:{}", a.ip, port.port));
                    }
                    count += 1;
                }
            }
        }
    }
    let mut ret = list.join(",");
    if more {
        ret.push_str(&format!(" + {} more...", count - MAX));
    }
    if ret.is_empty() {
        "<none>".into()
    } else {
        ret
    }
}

// ----- watch ---------------------------------------------------------------------------------------

/// `kubectl get -w`: prints a row each time an object of the kind changes.
#[derive(Debug)]
pub struct Watch {
    kind: Kind,
    /// `get KIND NAME -w`: that object alone.
    name: Option<String>,
    namespace: Option<String>,
    selector: Option<LabelSelector>,
    opts: TableOptions,
    format: Format,
    /// resourceVersion and last object per object, to see changes and deletions.
    seen: BTreeMap<(String, String), (String, Object)>,
    tw: TabWriter,
    headers_printed: bool,
    pub(crate) deadline: Option<Time>,
}

impl Watch {
    fn current(&self, cluster: &Cluster) -> Vec<Object> {
        cluster
            .list(self.kind, self.namespace.as_deref(), self.selector.as_ref())
            .into_iter()
            .filter(|o| self.name.as_deref().is_none_or(|n| o.name() == n))
            .cloned()
            .collect()
    }

    fn print(&mut self, objs: &[Object], now: Time, io: &mut Io) {
        if objs.is_empty() {
            return;
        }
        match &self.format {
            Format::Table { .. } => {
                let mut text = String::new();
                if !self.headers_printed && !self.opts.no_headers {
                    text.push_str(&headers(self.kind, &self.opts).join("\t"));
                    text.push('\n');
                }
                self.headers_printed = true;
                for o in objs {
                    text.push_str(&row(o, now, &self.opts).join("\t"));
                    text.push('\n');
                }
                io.out.push_str(&self.tw.format(&text));
            }
            f => {
                for o in objs {
                    let name = super::object_ref(o);
                    printers::print_docs(
                        io,
                        f,
                        vec![Doc::from_value(&o.to_value())],
                        &[name],
                        true,
                    );
                    if matches!(f, Format::Yaml) {
                        io.out.push_str("---\n");
                    }
                }
            }
        }
    }

    fn initial(&mut self, cluster: &Cluster, io: &mut Io, watch_only: bool) {
        let objs = self.current(cluster);
        for o in &objs {
            self.seen.insert(
                (o.namespace().to_string(), o.name().to_string()),
                (o.meta().resource_version.clone(), o.clone()),
            );
        }
        if !watch_only {
            if objs.is_empty() {
                match &self.namespace {
                    Some(ns) if self.kind.namespaced() => io
                        .err
                        .push_str(&format!("No resources found in {ns} namespace.\n")),
                    _ => io.err.push_str("No resources found\n"),
                }
            }
            self.print(&objs, cluster.now(), io);
        }
    }

    pub(crate) fn step(&mut self, cluster: &Cluster, io: &mut Io) -> Option<i32> {
        let objs = self.current(cluster);
        let mut changed: Vec<Object> = Vec::new();
        let mut live = std::collections::BTreeSet::new();
        for o in objs {
            let key = (o.namespace().to_string(), o.name().to_string());
            live.insert(key.clone());
            let rv = o.meta().resource_version.clone();
            if self.seen.get(&key).is_none_or(|(old, _)| *old != rv) {
                changed.push(o.clone());
                self.seen.insert(key, (rv, o));
            }
        }
        let gone: Vec<(String, String)> = self
            .seen
            .keys()
            .filter(|k| !live.contains(*k))
            .cloned()
            .collect();
        for k in gone {
            if let Some((_, o)) = self.seen.remove(&k) {
                changed.push(o);
            }
        }
        self.print(&changed, cluster.now(), io);
        None
    }
}

/// The REQUEST and LIMIT cells of a ResourceQuota: `used/hard` for each resource in status.hard,
/// `limits.*` in the second. Models kubernetes/pkg/printers/internalversion printResourceQuota.
fn quota_columns(q: &kubeplay_api::quota::ResourceQuota) -> (String, String) {
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for (k, hard) in &q.status.hard {
        let used = q
            .status
            .used
            .get(k)
            .copied()
            .unwrap_or_else(kubeplay_api::Quantity::zero);
        let cell = format!("{k}: {used}/{hard}");
        if k.split('.').next() == Some("limits") && k.contains('.') {
            limit.push(cell);
        } else {
            request.push(cell);
        }
    }
    (request.join(", "), limit.join(", "))
}

/// The HOSTS cell (kubectl's formatHosts): up to three rule hosts, `*` when none names one.
fn ingress_hosts(rules: &[kubeplay_api::ingress::IngressRule]) -> String {
    const MAX: usize = 3;
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for r in rules {
        if list.len() == MAX {
            more = true;
        }
        if !more && !r.host.is_empty() {
            list.push(&r.host);
        }
    }
    if list.is_empty() {
        return "*".into();
    }
    let hosts = list.join(",");
    if more {
        format!("{hosts} + {} more...", rules.len() - MAX)
    } else {
        hosts
    }
}

/// The ADDRESS cell: IPs and host names, cut to 16 characters unless wide, as kubectl does.
pub(crate) fn ingress_address(
    lb: &kubeplay_api::ingress::IngressLoadBalancerStatus,
    wide: bool,
) -> String {
    let all: Vec<&str> = lb
        .ingress
        .iter()
        .flat_map(|i| [i.ip.as_str(), i.hostname.as_str()])
        .filter(|s| !s.is_empty())
        .collect();
    let r = all.join(",");
    if !wide && r.chars().count() > 16 {
        format!("{}...", r.chars().take(13).collect::<String>())
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};
    use serde_json::json;

    use super::*;

    /// `kubectl get` of the objects (JSON as an API server would hold them) at 00:10:00.
    fn check(kind: Kind, objects: &[serde_json::Value], wide: bool, want: Expect) {
        let mut objs: Vec<Object> = Vec::new();
        for v in objects {
            let mut v = v.clone();
            v["kind"] = json!(kind.name());
            v["apiVersion"] = json!(kind.api_version());
            v["metadata"]["namespace"] = json!("default");
            v["metadata"]["creationTimestamp"] = json!("2026-01-01T00:00:00Z");
            objs.push(Object::from_value(v).expect("object"));
        }
        let refs: Vec<&Object> = objs.iter().collect();
        let now = Time::parse_rfc3339("2026-01-01T00:10:00Z").expect("time");
        let opts = TableOptions {
            wide,
            ..Default::default()
        };
        want.assert_eq(&table(kind, &refs, now, &opts));
    }

    fn cond(type_: &str) -> serde_json::Value {
        json!({"type": type_, "status": "True"})
    }

    #[test]
    fn jobs_as_print_job_shows_them() {
        let template = json!({"spec": {"containers": [
            {"name": "pi", "image": "perl:5.34"},
            {"name": "log", "image": "busybox"}
        ]}});
        check(
            Kind::Job,
            &[
                // Not started: no DURATION.
                json!({"metadata": {"name": "pending"}, "spec": {"completions": 1, "parallelism": 1, "template": template}}),
                // Running for 4m.
                json!({"metadata": {"name": "running"}, "spec": {"completions": 3, "template": template},
                       "status": {"startTime": "2026-01-01T00:06:00Z", "active": 1, "succeeded": 1}}),
                // Done in 1m5s.
                json!({"metadata": {"name": "done"}, "spec": {"completions": 1, "template": template},
                       "status": {"startTime": "2026-01-01T00:01:00Z", "completionTime": "2026-01-01T00:02:05Z",
                                  "succeeded": 1, "conditions": [cond("SuccessCriteriaMet"), cond("Complete")]}}),
                // A work queue: no completions, parallelism 3.
                json!({"metadata": {"name": "queue"}, "spec": {"parallelism": 3, "template": template},
                       "status": {"startTime": "2026-01-01T00:09:58Z", "active": 3}}),
                json!({"metadata": {"name": "single"}, "spec": {"parallelism": 1, "template": template}}),
                json!({"metadata": {"name": "failed"}, "spec": {"completions": 1, "template": template},
                       "status": {"startTime": "2026-01-01T00:00:00Z", "failed": 7,
                                  "conditions": [cond("FailureTarget"), cond("Failed")]}}),
                json!({"metadata": {"name": "failing"}, "spec": {"completions": 1, "template": template},
                       "status": {"conditions": [cond("FailureTarget")]}}),
                json!({"metadata": {"name": "meets"}, "spec": {"completions": 1, "template": template},
                       "status": {"conditions": [cond("SuccessCriteriaMet")]}}),
                json!({"metadata": {"name": "paused"}, "spec": {"completions": 1, "suspend": true, "template": template},
                       "status": {"conditions": [cond("Suspended")]}}),
                json!({"metadata": {"name": "resumed"}, "spec": {"completions": 1, "template": template},
                       "status": {"conditions": [{"type": "Suspended", "status": "False"}]}}),
                json!({"metadata": {"name": "deleted", "deletionTimestamp": "2026-01-01T00:09:00Z"},
                       "spec": {"completions": 1, "template": template}}),
            ],
            false,
            expect![[r#"
                NAME      STATUS               COMPLETIONS   DURATION   AGE
                pending   Running              0/1                      10m
                running   Running              1/3           4m         10m
                done      Complete             1/1           65s        10m
                queue     Running              0/1 of 3      2s         10m
                single    Running              0/1                      10m
                failed    Failed               0/1           10m        10m
                failing   FailureTarget        0/1                      10m
                meets     SuccessCriteriaMet   0/1                      10m
                paused    Suspended            0/1                      10m
                resumed   Running              0/1                      10m
                deleted   Terminating          0/1                      10m
            "#]],
        );
        check(
            Kind::Job,
            &[
                json!({"metadata": {"name": "pi"}, "spec": {"completions": 1, "template": template,
                       "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "5f1c"}}}}),
                json!({"metadata": {"name": "no-selector"}, "spec": {"template": template}}),
            ],
            true,
            expect![[r#"
                NAME          STATUS    COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES              SELECTOR
                pi            Running   0/1                      10m   pi,log       perl:5.34,busybox   batch.kubernetes.io/controller-uid=5f1c
                no-selector   Running   0/1                      10m   pi,log       perl:5.34,busybox   <none>
            "#]],
        );
    }

    #[test]
    fn cronjobs_as_print_cron_job_shows_them() {
        let job_template = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "tick", "image": "busybox"}
        ]}}}});
        let cronjobs = [
            json!({"metadata": {"name": "tick"}, "spec": {"schedule": "*/1 * * * *", "suspend": false,
                   "jobTemplate": job_template}}),
            json!({"metadata": {"name": "nightly"}, "spec": {"schedule": "0 3 * * *", "timeZone": "Etc/UTC",
                   "suspend": true, "jobTemplate": {"spec": {
                       "selector": {"matchLabels": {"app": "nightly"}},
                       "template": {"spec": {"containers": [{"name": "backup", "image": "restic:0.16"}]}}}}},
                   "status": {"lastScheduleTime": "2026-01-01T00:07:00Z",
                              "active": [{"kind": "Job", "name": "nightly-1", "namespace": "default"},
                                         {"kind": "Job", "name": "nightly-2", "namespace": "default"}]}}),
            json!({"metadata": {"name": "unset"}, "spec": {"schedule": "@hourly", "jobTemplate": job_template}}),
        ];
        check(
            Kind::CronJob,
            &cronjobs,
            false,
            expect![[r#"
                NAME      SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE
                tick      */1 * * * *   <none>     False     0        <none>          10m
                nightly   0 3 * * *     Etc/UTC    True      2        3m              10m
                unset     @hourly       <none>     <unset>   0        <none>          10m
            "#]],
        );
        check(
            Kind::CronJob,
            &cronjobs[..2],
            true,
            expect![[r#"
                NAME      SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE   CONTAINERS   IMAGES        SELECTOR
                tick      */1 * * * *   <none>     False     0        <none>          10m   tick         busybox       <none>
                nightly   0 3 * * *     Etc/UTC    True      2        3m              10m   backup       restic:0.16   app=nightly
            "#]],
        );
    }
}
