//! `kubectl`: finds the subcommand as cobra does, and holds what the subcommands share (resource
//! arguments, namespaces, output formats, kubectl's wording of names and errors).

pub mod access;
pub mod api_resources;
pub mod apply;
pub mod create;
mod create_rbac;
pub mod describe;
pub mod exec;
pub mod explain;
pub mod export;
pub mod get;
pub mod help;
pub mod info;
pub mod logs;
pub mod modify;
pub mod printers;
pub mod rollout;
pub mod top;
pub mod version;
pub mod wait;

use kubeplay_api::{Kind, Object};

use crate::flags::{self, Flag, Parsed};
use crate::{Io, Job, Session};

/// kubectl's top-level commands in the order kubectl registers them (cobra keeps that order for
/// its "Did you mean this?" suggestions).
pub(crate) const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-resources",
    "api-versions",
    "config",
    "kuberc",
    "plugin",
    "version",
    "options",
];

/// Commands kubectl has but the playground cannot run (no containers, files or kubeconfig).
pub(crate) const UNSUPPORTED: &[&str] = &[
    "edit",
    "certificate",
    "attach",
    "port-forward",
    "proxy",
    "cp",
    "debug",
    "events",
    "diff",
    "kustomize",
    "completion",
    "kuberc",
    "plugin",
    "options",
];

/// Runs `kubectl ARGS`.
pub fn run(s: &mut Session, args: &[String], io: &mut Io, allow_job: bool) -> (i32, Option<Job>) {
    let Some(pos) = find_command(args) else {
        // No subcommand: flags alone are parsed against the root command.
        return match flags::parse(&[], args) {
            Err(e) => (
                io.fail(format!("error: {}\nSee 'kubectl --help' for usage.", e.0)),
                None,
            ),
            Ok(_) => {
                io.out.push_str(help::ROOT);
                (0, None)
            }
        };
    };
    let (name, rest) = split_at_command(args, pos);
    let user = match access::impersonation(args) {
        Ok(u) => u,
        Err(e) => return (io.error(e), None),
    };
    let acting = user.is_some();
    if acting {
        s.cluster_mut().set_requester(user);
    }
    let result = dispatch(s, name, &rest, io, allow_job);
    if acting {
        s.cluster_mut().set_requester(None);
    }
    result
}

fn dispatch(
    s: &mut Session,
    name: &str,
    rest: &[String],
    io: &mut Io,
    allow_job: bool,
) -> (i32, Option<Job>) {
    let rest = rest.to_vec();
    let code = match name {
        "get" => return get::run(s, &rest, io, allow_job),
        "rollout" => return rollout::run(s, &rest, io, allow_job),
        "wait" => return wait::run(s, &rest, io, allow_job),
        "create" => create::run(s, &rest, io),
        "run" => create::run_pod(s, &rest, io),
        "expose" => create::expose(s, &rest, io),
        "autoscale" => create::autoscale(s, &rest, io),
        "apply" => apply::apply(s, &rest, io),
        "replace" => apply::replace(s, &rest, io),
        "delete" => apply::delete(s, &rest, io),
        "describe" => describe::run(s, &rest, io),
        "scale" => modify::scale(s, &rest, io),
        "set" => modify::set(s, &rest, io),
        "patch" => modify::patch(s, &rest, io),
        "label" => modify::label_or_annotate(s, &rest, io, modify::Meta::Labels),
        "annotate" => modify::label_or_annotate(s, &rest, io, modify::Meta::Annotations),
        "cordon" => modify::cordon(s, &rest, io, true),
        "uncordon" => modify::cordon(s, &rest, io, false),
        "drain" => modify::drain(s, &rest, io),
        "taint" => modify::taint(s, &rest, io),
        "top" => top::run(s, &rest, io),
        "logs" => logs::run(s, &rest, io),
        "exec" => exec::run(s, &rest, io),
        "version" => version::run(s, &rest, io),
        "api-resources" => api_resources::run(s, &rest, io),
        "api-versions" => info::api_versions(s, &rest, io),
        "cluster-info" => info::cluster_info(s, &rest, io),
        "config" => info::config(s, &rest, io),
        "explain" => explain::run(s, &rest, io),
        "help" => help::run(&rest, io),
        "auth" => access::auth(s, &rest, io),
        other if UNSUPPORTED.contains(&other) => io.error(format!(
            "\"kubectl {other}\" is not available in the playground (it has no containers, files or kubeconfig to act on)"
        )),
        other => {
            let suggestions = suggest(other);
            let mut msg = format!("unknown command \"{other}\" for \"kubectl\"");
            if !suggestions.is_empty() {
                msg.push_str("\n\nDid you mean this?\n");
                for sug in suggestions {
                    msg.push('\t');
                    msg.push_str(sug);
                    msg.push('\n');
                }
            }
            io.error(msg)
        }
    };
    (code, None)
}

/// The authorization filter for a read the console makes (`get`, `list`): the engine's
/// authorizer decides, for the user `--as` names.
pub(crate) fn authorize(
    cluster: &kubeplay_engine::Cluster,
    verb: &str,
    kind: Kind,
    namespace: &str,
    name: &str,
) -> Result<(), kubeplay_api::ApiError> {
    let mut attrs = kubeplay_engine::rbac::Attributes::resource(
        verb,
        kubeplay_engine::kind_group(kind),
        kind.plural(),
        if kind.namespaced() { namespace } else { "" },
    );
    attrs.name = name.into();
    cluster.authorize(&attrs)
}

/// Which of a workload's pods `pod_for` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PodOrder {
    /// The first listed (by name).
    Listed,
    /// The first by kubectl's `podutils.ByLogging`, as `kubectl logs` sorts them.
    ByLogging,
}

/// The pod `POD` or `TYPE/NAME` names for `logs` and `exec`: a workload's first pod, with how
/// many it has (kubectl's `AttachablePodForObject`, `logsForObject`). The error is kubectl's
/// whole line. `doing` words the error for a kind without pods (`get the logs from`, `attach
/// to`).
pub(crate) fn pod_for(
    s: &Session,
    ns: &str,
    target: &str,
    doing: &str,
    order: PodOrder,
) -> Result<(kubeplay_api::Pod, usize), String> {
    let cluster = s.cluster();
    let (kind, name) = match target.split_once('/') {
        None => (Kind::Pod, target),
        Some((t, name)) => (resolve_kind(t).map_err(|e| format!("error: {e}"))?, name),
    };
    let owner = cluster.get(kind, ns, name).map_err(|e| e.to_string())?;
    let selector = match owner {
        Object::Pod(p) => return Ok((p.clone(), 1)),
        Object::Deployment(d) => d.spec.selector.clone(),
        Object::ReplicaSet(rs) => rs.spec.selector.clone(),
        Object::DaemonSet(ds) => ds.spec.selector.clone(),
        Object::StatefulSet(sts) => sts.spec.selector.clone(),
        Object::Service(svc) => kubeplay_api::LabelSelector {
            match_labels: svc.spec.selector.clone(),
            ..Default::default()
        },
        Object::Job(j) => match j.spec.selector.clone().filter(|s| !s.is_empty()) {
            Some(sel) => sel,
            // The API server gives every Job a selector; without one, its pods are those it
            // controls (an empty selector would take every pod).
            None => {
                let uid = j.metadata.uid.clone();
                let mut pods: Vec<&kubeplay_api::Pod> = cluster
                    .list(Kind::Pod, Some(ns), None)
                    .into_iter()
                    .filter_map(|o| match o {
                        Object::Pod(p) if p.metadata.controller().is_some_and(|c| c.uid == uid) => {
                            Some(p)
                        }
                        _ => None,
                    })
                    .collect();
                return first_pod(&mut pods, order);
            }
        },
        // `SelectorsForObject`, with Go's name for the object's type.
        other => {
            let go_type = format!("*v1.{}", other.kind().name());
            return Err(format!(
                "error: cannot {doing} {go_type}: selector for {go_type} not implemented"
            ));
        }
    };
    let mut pods: Vec<&kubeplay_api::Pod> = cluster
        .list(Kind::Pod, Some(ns), Some(&selector))
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) => Some(p),
            _ => None,
        })
        .collect();
    first_pod(&mut pods, order)
}

fn first_pod(
    pods: &mut [&kubeplay_api::Pod],
    order: PodOrder,
) -> Result<(kubeplay_api::Pod, usize), String> {
    if order == PodOrder::ByLogging {
        pods.sort_by(|a, b| by_logging(a, b));
    }
    match pods.first() {
        Some(first) => Ok(((*first).clone(), pods.len())),
        None => Err("error: timed out waiting for the condition".into()),
    }
}

/// Models kubernetes/staging/src/k8s.io/kubectl/pkg/util/podutils ByLogging: scheduled pods
/// first, then Running (and the phases upstream's table leaves out, Succeeded and Failed), Unknown,
/// Pending; ready before not ready, ready for longer first; more restarts first; older first.
fn by_logging(a: &kubeplay_api::Pod, b: &kubeplay_api::Pod) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    // Earlier first, a missing time last (`afterOrZero`).
    let earlier = |x: Option<kubeplay_api::Time>, y: Option<kubeplay_api::Time>| match (x, y) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let (an, bn) = (&a.spec.node_name, &b.spec.node_name);
    if an != bn && (an.is_empty() || bn.is_empty()) {
        return an.is_empty().cmp(&bn.is_empty());
    }
    let phase = |p: &kubeplay_api::Pod| match p.status.phase.as_str() {
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    let ready_since =
        |p: &kubeplay_api::Pod| p.condition("Ready").and_then(|c| c.last_transition_time);
    let restarts = |p: &kubeplay_api::Pod| {
        p.status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0)
    };
    phase(a)
        .cmp(&phase(b))
        .then_with(|| b.is_ready().cmp(&a.is_ready()))
        .then_with(|| {
            if a.is_ready() && b.is_ready() {
                earlier(ready_since(a), ready_since(b))
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| restarts(b).cmp(&restarts(a)))
        .then_with(|| earlier(a.metadata.creation_timestamp, b.metadata.creation_timestamp))
}

/// Runs the simulated clock until every deleted object (kind, namespace, name, uid) is gone or
/// `timeout_ms` passed; whether they are gone.
pub(crate) fn wait_until_gone(
    cluster: &mut kubeplay_engine::Cluster,
    deleted: &[(Kind, String, String, String)],
    timeout_ms: i64,
) -> bool {
    let deadline = cluster.now().plus_millis(timeout_ms);
    let gone = |c: &kubeplay_engine::Cluster| {
        deleted
            .iter()
            .all(|(k, n, name, uid)| match c.get(*k, n, name) {
                Ok(o) => o.meta().uid != *uid,
                Err(_) => true,
            })
    };
    while !gone(cluster) && cluster.now() < deadline {
        cluster.run_to_next_task(deadline);
    }
    gone(cluster)
}

/// The (sub)command in `args` and the words left for it, flags before it included: kubectl
/// reads a global flag anywhere (`kubectl -n prod rollout status deploy/web`, `kubectl rollout
/// -n prod history ...`), so a flag's value is never taken for a command's name.
pub(crate) fn split_command(args: &[String]) -> Option<(&str, Vec<String>)> {
    find_command(args).map(|pos| split_at_command(args, pos))
}

/// The flags before the command move after its own words, so that the next subcommand's
/// finder sees the subcommand's name first; they go before a `--`, whose words belong to the
/// container.
fn split_at_command(args: &[String], pos: usize) -> (&str, Vec<String>) {
    let mut rest: Vec<String> = args[pos + 1..].to_vec();
    let at = rest.iter().position(|a| a == "--").unwrap_or(rest.len());
    rest.splice(at..at, args[..pos].iter().cloned());
    (args[pos].as_str(), rest)
}

pub(crate) fn find_command(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            return None;
        }
        if let Some(long) = a.strip_prefix("--") {
            if !long.contains('=') && !is_bool_global(long) {
                i += 1; // the flag's value
            }
        } else if a.starts_with('-') && a.len() > 1 {
            let body = &a[1..];
            if body.len() == 1 && !is_bool_global_short(body) {
                i += 1;
            }
        } else {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn is_bool_global(name: &str) -> bool {
    flags::GLOBAL
        .iter()
        .any(|f| f.long == name && f.kind == flags::FlagKind::Bool)
}

fn is_bool_global_short(s: &str) -> bool {
    flags::GLOBAL.iter().any(|f| {
        f.short.map(|c| c.to_string()).as_deref() == Some(s) && f.kind == flags::FlagKind::Bool
    })
}

/// cobra's `SuggestionsFor`: commands within Levenshtein distance 2, or with the typed prefix.
fn suggest(typed: &str) -> Vec<&'static str> {
    let lower = typed.to_ascii_lowercase();
    COMMANDS
        .iter()
        .copied()
        .filter(|c| levenshtein(&lower, c) <= 2 || c.starts_with(&lower))
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

// ----- shared by the subcommands -----------------------------------------------------------------

/// Parses a command's flags; on error prints pflag's message and cobra's usage hint.
pub(crate) fn parse_flags(
    io: &mut Io,
    path: &str,
    flags: &[Flag],
    args: &[String],
) -> Result<Parsed, i32> {
    match flags::parse(flags, args) {
        Ok(mut p) => {
            p.context_namespace = Some(io.context_namespace.clone()).filter(|n| !n.is_empty());
            Ok(p)
        }
        Err(e) => Err(io.fail(format!(
            "error: {}\nSee 'kubectl {path} --help' for usage.",
            e.0
        ))),
    }
}

/// Prints a command's help if `-h`/`--help` was given. Returns true if it did.
pub(crate) fn wants_help(p: &Parsed, path: &str, io: &mut Io) -> bool {
    if p.bool("help") {
        io.out.push_str(&help::for_command(path));
        true
    } else {
        false
    }
}

/// The namespace a command acts in: `-n`, else the context's (`default`).
/// The namespace a command acts in: `-n`, else the context's, else `default`.
pub(crate) fn namespace(p: &Parsed) -> String {
    p.namespace()
        .filter(|n| !n.is_empty())
        .or(p.context_namespace.as_deref())
        .unwrap_or("default")
        .to_string()
}

/// `cmdutil.UsageErrorf`: the message and the help hint.
pub(crate) fn usage_error(io: &mut Io, path: &str, msg: &str) -> i32 {
    io.fail(format!(
        "error: {msg}\nSee 'kubectl {path} -h' for help and examples"
    ))
}

/// Resolves a resource type as the user typed it (`po`, `deployments.apps`, `Deployment`).
pub(crate) fn resolve_kind(name: &str) -> Result<Kind, String> {
    Kind::from_resource_name(name)
        .ok_or_else(|| format!("the server doesn't have a resource type \"{name}\""))
}

/// `deployment.apps/nginx`, `pod/nginx-1`: how kubectl names an object in its messages.
pub(crate) fn object_ref(obj: &Object) -> String {
    format!("{}/{}", obj.kind().qualified_singular(), obj.name())
}

pub(crate) fn kind_ref(kind: Kind, name: &str) -> String {
    format!("{}/{}", kind.qualified_singular(), name)
}

/// What the resource arguments of `get`, `describe`, `delete`... name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Targets {
    /// `pods`, `pods,svc`, `all`: every object of these kinds.
    Kinds(Vec<Kind>),
    /// `pod a b`, `pod/a svc/b`.
    Named(Vec<(Kind, String)>),
}

/// kubectl's resource builder: `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...`.
pub(crate) fn parse_targets(args: &[String]) -> Result<Targets, String> {
    let Some(first) = args.first() else {
        return Ok(Targets::Kinds(Vec::new()));
    };
    if args.iter().any(|a| a.contains('/')) {
        let mut named = Vec::new();
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            if n.is_empty() {
                return Err(
                    "arguments in resource/name form must have a single resource and name".into(),
                );
            }
            named.push((resolve_kind(t)?, n.to_string()));
        }
        return Ok(Targets::Named(named));
    }
    let mut kinds = Vec::new();
    for t in first.split(',') {
        if t == "all" {
            // The `all` category, in discovery's order.
            for &k in kubeplay_api::ALL_CATEGORY {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            continue;
        }
        let k = resolve_kind(t)?;
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    if args.len() > 1 {
        if kinds.len() > 1 || first.split(',').any(|t| t == "all") {
            return Err(
                "arguments in resource/name form must have a single resource and name".to_string(),
            );
        }
        return Ok(Targets::Named(
            args[1..].iter().map(|n| (kinds[0], n.clone())).collect(),
        ));
    }
    Ok(Targets::Kinds(kinds))
}

/// The objects a manifest (`-f`) names, parsed and typed, with kubectl's errors.
pub(crate) fn read_manifests(s: &Session, p: &Parsed, io: &mut Io) -> Result<Vec<Object>, i32> {
    read_manifests_with_source(s, p, io).map(|v| v.into_iter().map(|(o, _)| o).collect())
}

/// `kubescheduler.config.k8s.io/v1` `KubeSchedulerConfiguration`: not an API object, but
/// `kubectl apply -f` takes it in the playground, as its stand-in for restarting kube-scheduler
/// with `--config`.
pub(crate) fn is_scheduler_config(v: &serde_json::Value) -> bool {
    v.get("kind").and_then(|k| k.as_str()) == Some("KubeSchedulerConfiguration")
        && v.get("apiVersion")
            .and_then(|k| k.as_str())
            .is_some_and(|a| a.starts_with("kubescheduler.config.k8s.io/"))
}

/// Like [`read_manifests_with_source`], but hands KubeSchedulerConfiguration documents to
/// `scheduler_configs` instead of refusing them (for `kubectl apply`).
pub(crate) fn read_manifests_and_scheduler_configs(
    s: &Session,
    p: &Parsed,
    io: &mut Io,
    scheduler_configs: &mut Vec<(serde_json::Value, String)>,
) -> Result<Vec<(Object, String)>, i32> {
    read_manifests_inner(s, p, io, Some(scheduler_configs))
}

/// [`read_manifests`], with the file each object came from (`STDIN` for `-`).
pub(crate) fn read_manifests_with_source(
    s: &Session,
    p: &Parsed,
    io: &mut Io,
) -> Result<Vec<(Object, String)>, i32> {
    read_manifests_inner(s, p, io, None)
}

fn read_manifests_inner(
    s: &Session,
    p: &Parsed,
    io: &mut Io,
    mut scheduler_configs: Option<&mut Vec<(serde_json::Value, String)>>,
) -> Result<Vec<(Object, String)>, i32> {
    let mut objs = Vec::new();
    for path in p.all("filename") {
        let text = if path == "-" {
            io.stdin.take().unwrap_or_default()
        } else if path.starts_with("http://") || path.starts_with("https://") {
            // kubectl would fetch it; the playground has no network (and never downloads).
            return Err(io.error(format!(
                "unable to read URL \"{path}\": the playground has no network; paste the manifest into the editor, or use kubectl apply -f - <<EOF"
            )));
        } else if s.files().is_dir(&path) {
            let mut all = String::new();
            for f in s.files().list_dir(&path) {
                if f.ends_with(".yaml") || f.ends_with(".yml") || f.ends_with(".json") {
                    if let Ok(t) = s.files().read(&f) {
                        all.push_str("\n---\n");
                        all.push_str(&t);
                    }
                }
            }
            all
        } else {
            match s.files().read(&path) {
                Ok(t) => t,
                Err(crate::FileError::NotFound) => {
                    return Err(io.error(format!("the path \"{path}\" does not exist")));
                }
                Err(e) => return Err(io.error(format!("open {path}: {}", e.reason()))),
            }
        };
        let source = if path == "-" {
            "STDIN".to_string()
        } else {
            path.clone()
        };
        let docs = match kubeplay_api::parse_documents(&text) {
            Ok(d) => d,
            Err(e) => {
                return Err(io.fail(format!(
                    "error: error parsing {source}: {}",
                    e.trim_start_matches("error: ")
                )))
            }
        };
        for v in docs {
            if let Some(cfgs) = scheduler_configs.as_deref_mut() {
                if is_scheduler_config(&v) {
                    cfgs.push((v, source.clone()));
                    continue;
                }
            }
            let meta_field = |k: &str| {
                v.get("metadata")
                    .and_then(|m| m.get(k))
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let (name, ns) = (meta_field("name"), meta_field("namespace"));
            match Object::from_value(v) {
                Ok(o) => objs.push((o, source.clone())),
                Err(e) if e.message.starts_with("resource mapping not found") => {
                    return Err(io.fail(format!(
                        "error: {}",
                        e.message.replacen(
                            "name: \"\" namespace: \"\" from \"\"",
                            &format!("name: \"{name}\" namespace: \"{ns}\" from \"{source}\""),
                            1
                        )
                    )))
                }
                // A field of the wrong type: the API server refuses the object as it decodes it.
                Err(e) if e.message.contains("cannot be handled as a") => {
                    return Err(io.fail(format!(
                        "Error from server (BadRequest): error when creating \"{source}\": {}",
                        e.message
                    )))
                }
                Err(e) => {
                    return Err(io.fail(format!(
                        "error: error validating \"{source}\": {}",
                        e.message
                    )))
                }
            }
        }
    }
    if objs.is_empty() && scheduler_configs.is_none_or(|c| c.is_empty()) {
        return Err(io.error("no objects passed to apply"));
    }
    Ok(objs)
}

/// How kubectl reports a server error for an object read from a file: an Invalid error as
/// `CheckErr` prints it, others with the file's name.
pub(crate) fn error_when_creating(e: &kubeplay_api::ApiError, source: &str) -> String {
    if e.reason == kubeplay_api::Reason::Invalid {
        return e.to_string();
    }
    format!(
        "Error from server ({:?}): error when creating \"{source}\": {}",
        e.reason, e.message
    )
}

/// The raw message of a server error as `err.Error()` gives it (`Deployment.apps "x" is
/// invalid: ...` for Invalid errors), for commands that wrap it (`failed to create deployment`).
pub(crate) fn raw_message(e: &kubeplay_api::ApiError, kind: Kind) -> String {
    if e.reason == kubeplay_api::Reason::Invalid {
        if let Some(rest) = e.message.strip_prefix(&format!("The {} ", kind.name())) {
            let qualified = match kind.api_version().split_once('/') {
                Some((group, _)) => format!("{}.{group}", kind.name()),
                None => kind.name().to_string(),
            };
            return format!("{qualified} {rest}");
        }
    }
    e.message.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_cobra() {
        assert_eq!(suggest("foo"), vec!["top"]);
        // As the real kubectl lists them (`kubectl gt`, `kubectl des`).
        assert_eq!(suggest("gt"), vec!["set", "get", "cp"]);
        assert_eq!(suggest("des"), vec!["set", "get", "describe"]);
        assert!(suggest("xyzzy").is_empty());
    }

    #[test]
    fn targets_parse_like_the_resource_builder() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            parse_targets(&args("po,svc")),
            Ok(Targets::Kinds(vec![Kind::Pod, Kind::Service]))
        );
        assert_eq!(
            parse_targets(&args("deploy/a pod/b")),
            Ok(Targets::Named(vec![
                (Kind::Deployment, "a".into()),
                (Kind::Pod, "b".into())
            ]))
        );
        assert_eq!(
            parse_targets(&args("foo")),
            Err("the server doesn't have a resource type \"foo\"".into())
        );
    }
}
