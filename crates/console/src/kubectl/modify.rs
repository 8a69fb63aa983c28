//! kubectl's client-side updates: `scale`, `set image`, `label`, `annotate`, `cordon`,
//! `uncordon`, `drain` and `taint`. Each reads the object, changes it and sends an update, as the
//! real kubectl patches it; nothing is changed when the command fails.

use std::collections::BTreeMap;

use kubeplay_api::core::Taint;
use kubeplay_api::{Kind, LabelSelector, Object};

use super::{namespace, parse_flags, parse_targets, wants_help, Targets};
use crate::flags::{flag, opt, short, FlagKind, Parsed};
use crate::{Io, Session};

const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// Resolves `TYPE NAME`, `TYPE/NAME`, `-l` or `--all` to objects, with kubectl's errors.
fn select(s: &Session, p: &Parsed, args: &[String], io: &mut Io) -> Result<Vec<Object>, i32> {
    let ns = namespace(p);
    let selector = match p.get("selector") {
        Some(sel) => Some(LabelSelector::parse(sel).map_err(|e| io.error(e))?),
        None => None,
    };
    let targets = match parse_targets(args) {
        Ok(Targets::Kinds(k)) if k.is_empty() => return Err(io.error(NO_RESOURCES)),
        Ok(t) => t,
        Err(e) => return Err(io.error(e)),
    };
    let mut out = Vec::new();
    match targets {
        Targets::Named(named) => {
            for (k, n) in named {
                // kubectl reads each object before it changes it.
                super::authorize(s.cluster(), "get", k, &ns, &n)
                    .map_err(|e| io.fail(e.to_string()))?;
                match s.cluster().get(k, &ns, &n) {
                    Ok(o) => out.push(o.clone()),
                    Err(e) => return Err(io.fail(e.to_string())),
                }
            }
        }
        Targets::Kinds(kinds) => {
            if selector.is_none() && !p.bool("all") {
                return Err(io.error("resource(s) were provided, but no name was specified"));
            }
            for k in kinds {
                let list_ns = if p.bool("all-namespaces") || !k.namespaced() {
                    None
                } else {
                    Some(ns.as_str())
                };
                super::authorize(s.cluster(), "list", k, list_ns.unwrap_or(""), "")
                    .map_err(|e| io.fail(e.to_string()))?;
                out.extend(
                    s.cluster()
                        .list(k, list_ns, selector.as_ref())
                        .into_iter()
                        .cloned(),
                );
            }
            if out.is_empty() {
                io.err
                    .push_str(&format!("No resources found in {ns} namespace.\n"));
            }
        }
    }
    Ok(out)
}

fn update(s: &mut Session, io: &mut Io, obj: Object) -> Result<Object, i32> {
    s.cluster_mut()
        .update(obj)
        .map_err(|e| io.fail(e.to_string()))
}

// ----- scale -------------------------------------------------------------------------------------

pub fn scale(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("replicas", FlagKind::Int32),
        flag("current-replicas", FlagKind::Int32),
        flag("resource-version", FlagKind::String),
        short("selector", 'l', FlagKind::String),
        flag("all", FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        flag("timeout", FlagKind::Duration),
        short("output", 'o', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
    ];
    let p = match parse_flags(io, "scale", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "scale", io) {
        return 0;
    }
    let Some(replicas) = p.int("replicas") else {
        return io.error("required flag(s) \"replicas\" not set");
    };
    if replicas < 0 {
        return io.error(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        );
    }
    let objs = match select(s, &p, &p.args.clone(), io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let mut code = 0;
    for mut obj in objs {
        let current = match &obj {
            Object::Deployment(d) => d.replicas(),
            Object::ReplicaSet(rs) => rs.replicas(),
            Object::StatefulSet(sts) => sts.replicas(),
            other => {
                code = io.error(format!(
                    "no objects passed to scale {} \"{}\" is not scalable",
                    other.kind().qualified_plural(),
                    other.name()
                ));
                continue;
            }
        };
        if let Some(want) = p.int("current-replicas").filter(|c| *c >= 0) {
            if want != current as i64 {
                code = io.error(format!("Expected replicas to be {want}, was {current}"));
                continue;
            }
        }
        match &mut obj {
            Object::Deployment(d) => d.spec.replicas = Some(replicas as i32),
            Object::ReplicaSet(rs) => rs.spec.replicas = Some(replicas as i32),
            Object::StatefulSet(sts) => sts.spec.replicas = Some(replicas as i32),
            _ => {}
        }
        let reference = super::object_ref(&obj);
        if p.get("dry-run").is_some_and(|d| d != "none") {
            io.println(format!("{reference} scaled (dry run)"));
            continue;
        }
        // kubectl scale PATCHes the scale subresource.
        let mut attrs = kubeplay_engine::rbac::Attributes::resource(
            "patch",
            kubeplay_engine::kind_group(obj.kind()),
            obj.kind().plural(),
            obj.namespace(),
        );
        attrs.subresource = "scale".into();
        attrs.name = obj.name().into();
        if let Err(e) = s.cluster().authorize(&attrs) {
            code = io.fail(e.to_string());
            continue;
        }
        match update(s, io, obj) {
            Ok(_) => io.println(format!("{reference} scaled")),
            Err(c) => code = c,
        }
    }
    code
}

// ----- set image ---------------------------------------------------------------------------------

pub fn set(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let Some((sub, rest)) = super::split_command(args) else {
        io.out.push_str(&super::help::for_command("set"));
        return 0;
    };
    match sub {
        "image" => set_image(s, &rest, io),
        "resources" => set_resources(s, &rest, io),
        "env" => set_env(s, &rest, io),
        "serviceaccount" | "sa" => set_serviceaccount(s, &rest, io),
        "selector" | "subject" => io.error(format!(
            "\"kubectl set {sub}\" is not available in the playground; edit the manifest and apply it"
        )),
        other => io.fail(format!(
            "error: unknown command \"{other}\" for \"kubectl set\"\n\nDid you mean this?\n\timage\n"
        )),
    }
}

fn set_image(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "set image";
    let flags = [
        short("selector", 'l', FlagKind::String),
        flag("all", FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
        flag("local", FlagKind::Bool),
        flag("record", FlagKind::Bool),
    ];
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    // Resource arguments first, then CONTAINER=IMAGE pairs.
    let split = p
        .args
        .iter()
        .position(|a| a.contains('='))
        .unwrap_or(p.args.len());
    let (resources, pairs) = p.args.split_at(split);
    if pairs.is_empty() {
        return super::usage_error(io, PATH, "at least one image update is required");
    }
    let mut images: Vec<(String, String)> = Vec::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some((c, i)) if !c.is_empty() && !i.is_empty() => images.push((c.into(), i.into())),
            _ => {
                return io.error(format!(
                    "invalid image update \"{pair}\": expected CONTAINER=IMAGE"
                ))
            }
        }
    }
    if resources.is_empty() {
        return io.error(NO_RESOURCES);
    }
    let objs = match select(s, &p, resources, io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let mut code = 0;
    for mut obj in objs {
        let reference = super::object_ref(&obj);
        let Some(spec) = pod_spec_mut(&mut obj) else {
            code = io.error(format!(
                "{reference} is not a workload: it has no containers"
            ));
            continue;
        };
        let mut missing = None;
        for (c, image) in &images {
            let mut found = false;
            for cont in spec
                .containers
                .iter_mut()
                .chain(spec.init_containers.iter_mut())
            {
                if c == "*" || cont.name == *c {
                    cont.image = image.clone();
                    found = true;
                }
            }
            if !found {
                missing = Some(c.clone());
            }
        }
        if let Some(c) = missing {
            code = io.error(format!("unable to find container named \"{c}\""));
            continue;
        }
        if p.get("dry-run").is_some_and(|d| d != "none") {
            io.println(format!("{reference} image updated (dry run)"));
            continue;
        }
        match update(s, io, obj) {
            Ok(_) => io.println(format!("{reference} image updated")),
            Err(c) => code = c,
        }
    }
    code
}

/// The resource arguments and, after them, the `KEY=VALUE` and `KEY-` changes (`label`,
/// `annotate`, `set env`). As in kubectl, any word ending in `-` is a removal, prefixed keys too
/// (`pod-security.kubernetes.io/enforce-`): no object name can end in `-`.
fn split_changes(args: &[String]) -> (&[String], &[String]) {
    let at = args
        .iter()
        .position(|a| a.contains('=') || a.ends_with('-'))
        .unwrap_or(args.len());
    args.split_at(at)
}

/// The pod spec of a workload `set` changes, or kubectl's error for an object without one
/// (`polymorphichelpers.UpdatePodSpecForObject`). A Job's template is immutable once created:
/// the API server refuses the change, as it refuses it from kubectl.
fn pod_spec_mut(obj: &mut Object) -> Option<&mut kubeplay_api::core::PodSpec> {
    match obj {
        Object::Deployment(d) => Some(&mut d.spec.template.spec),
        Object::ReplicaSet(rs) => Some(&mut rs.spec.template.spec),
        Object::Pod(pod) => Some(&mut pod.spec),
        Object::Job(j) => Some(&mut j.spec.template.spec),
        Object::CronJob(cj) => Some(&mut cj.spec.job_template.spec.template.spec),
        Object::DaemonSet(ds) => Some(&mut ds.spec.template.spec),
        Object::StatefulSet(sts) => Some(&mut sts.spec.template.spec),
        _ => None,
    }
}

/// `name=quantity,...` of `--limits` and `--requests`.
fn resource_list(text: &str) -> Result<kubeplay_api::core::ResourceList, String> {
    let mut out = kubeplay_api::core::ResourceList::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let (name, q) = part
            .split_once('=')
            .ok_or_else(|| format!("invalid argument syntax {part}"))?;
        let quantity = q.parse::<kubeplay_api::Quantity>().map_err(|_| {
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_string()
        })?;
        out.insert(name.to_string(), quantity);
    }
    Ok(out)
}

/// `kubectl set resources`: requests and limits of the containers (`-c` picks some).
fn set_resources(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "set resources";
    let flags = [
        short("selector", 'l', FlagKind::String),
        flag("all", FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
        short("containers", 'c', FlagKind::String),
        flag("limits", FlagKind::String),
        flag("requests", FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
        flag("local", FlagKind::Bool),
    ];
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    if p.get("limits").is_none() && p.get("requests").is_none() {
        return io.error(
            "you must specify an update to requests or limits (in the form of --requests/--limits)",
        );
    }
    let lists = (
        p.get("limits").map(resource_list).transpose(),
        p.get("requests").map(resource_list).transpose(),
    );
    let (limits, requests) = match lists {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return io.error(e),
    };
    if p.args.is_empty() {
        return io.error(NO_RESOURCES);
    }
    let objs = match select(s, &p, &p.args.clone(), io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let which = p.get("containers").unwrap_or("*").to_string();
    let mut code = 0;
    for mut obj in objs {
        let reference = super::object_ref(&obj);
        let Some(spec) = pod_spec_mut(&mut obj) else {
            code = io.error(format!(
                "{reference} is not a workload: it has no containers"
            ));
            continue;
        };
        let mut found = false;
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut())
        {
            if which != "*" && c.name != which {
                continue;
            }
            found = true;
            for (list, target) in [
                (&limits, &mut c.resources.limits),
                (&requests, &mut c.resources.requests),
            ] {
                if let Some(list) = list {
                    target.extend(list.iter().map(|(k, v)| (k.clone(), *v)));
                }
            }
        }
        if !found {
            code = io.error(format!("unable to find container named {which}"));
            continue;
        }
        if p.get("dry-run").is_some_and(|d| d != "none") {
            io.println(format!(
                "{reference} resource requirements updated (dry run)"
            ));
            continue;
        }
        match update(s, io, obj) {
            Ok(_) => io.println(format!("{reference} resource requirements updated")),
            Err(c) => code = c,
        }
    }
    code
}

/// An environment variable's name for a ConfigMap's or Secret's key (`--from`): upper case,
/// and `_` for what a name may not hold, as kubectl makes it.
fn env_name(prefix: &str, key: &str) -> String {
    let key: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}{key}")
}

/// `kubectl set env`: `KEY=VALUE`, `KEY-`, `--from=configmap/NAME|secret/NAME` (with
/// `--prefix` and `--keys`), `-c`, and `--list`.
fn set_env(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "set env";
    let flags = [
        short("selector", 'l', FlagKind::String),
        flag("all", FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
        short("containers", 'c', FlagKind::String),
        short("env", 'e', FlagKind::StringSlice),
        flag("from", FlagKind::String),
        flag("prefix", FlagKind::String),
        flag("keys", FlagKind::StringSlice),
        flag("list", FlagKind::Bool),
        flag("overwrite", FlagKind::Bool),
        flag("resolve", FlagKind::Bool),
        opt("dry-run", FlagKind::String, "unchanged"),
        flag("local", FlagKind::Bool),
    ];
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let (resources, changes) = split_changes(&p.args);
    let mut set: Vec<kubeplay_api::core::EnvVar> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    for c in changes.iter().chain(p.all("env").iter()) {
        match c.split_once('=') {
            Some((k, v)) if !k.is_empty() => set.push(kubeplay_api::core::EnvVar {
                name: k.to_string(),
                value: Some(v.to_string()),
                value_from: None,
            }),
            _ if c.ends_with('-') && c.len() > 1 => {
                remove.push(c.trim_end_matches('-').to_string())
            }
            _ => {
                return io.error(format!(
                    "environment variables must be of the form key=value, got {c}"
                ))
            }
        }
    }
    let ns = namespace(&p);
    if let Some(from) = p.get("from") {
        let (kind, name) = match from.split_once('/') {
            Some(("configmap" | "configmaps" | "cm", n)) => (Kind::ConfigMap, n),
            Some(("secret" | "secrets", n)) => (Kind::Secret, n),
            _ => {
                return io.error(format!(
                    "from must be of the form configmap/NAME or secret/NAME, got {from}"
                ))
            }
        };
        let keys: Vec<String> = match s.cluster().get(kind, &ns, name) {
            Ok(Object::ConfigMap(c)) => c.data.keys().cloned().collect(),
            Ok(Object::Secret(sec)) => sec.data.keys().cloned().collect(),
            Ok(_) => Vec::new(),
            Err(e) => return io.fail(e.to_string()),
        };
        let only = p.all("keys");
        let prefix = p.get("prefix").unwrap_or("").to_string();
        for key in keys
            .into_iter()
            .filter(|k| only.is_empty() || only.contains(k))
        {
            let selector = kubeplay_api::core::KeySelector {
                name: name.to_string(),
                key: key.clone(),
                optional: None,
            };
            let value_from = if kind == Kind::ConfigMap {
                kubeplay_api::core::EnvVarSource {
                    config_map_key_ref: Some(selector),
                    ..Default::default()
                }
            } else {
                kubeplay_api::core::EnvVarSource {
                    secret_key_ref: Some(selector),
                    ..Default::default()
                }
            };
            set.push(kubeplay_api::core::EnvVar {
                name: env_name(&prefix, &key),
                value: None,
                value_from: Some(value_from),
            });
        }
    }
    let list = p.bool("list");
    if !list && set.is_empty() && remove.is_empty() {
        return io.error("at least one environment variable must be provided");
    }
    if resources.is_empty() {
        return io.error(NO_RESOURCES);
    }
    let objs = match select(s, &p, resources, io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let which = p.get("containers").unwrap_or("*").to_string();
    let mut code = 0;
    for mut obj in objs {
        let reference = super::object_ref(&obj);
        let kind_name = format!("{}/{}", obj.kind().name().to_ascii_lowercase(), obj.name());
        let Some(spec) = pod_spec_mut(&mut obj) else {
            code = io.error(format!(
                "{reference} is not a workload: it has no containers"
            ));
            continue;
        };
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut())
        {
            if which != "*" && c.name != which {
                continue;
            }
            if list {
                io.println(format!("# {kind_name}, container {}", c.name));
                for e in &c.env {
                    match (&e.value, &e.value_from) {
                        (Some(v), _) => io.println(format!("{}={v}", e.name)),
                        (None, Some(from)) => {
                            if let Some(r) = &from.config_map_key_ref {
                                io.println(format!(
                                    "# {} from configmap {}, key {}",
                                    e.name, r.name, r.key
                                ));
                            } else if let Some(r) = &from.secret_key_ref {
                                io.println(format!(
                                    "# {} from secret {}, key {}",
                                    e.name, r.name, r.key
                                ));
                            } else {
                                io.println(format!("# {} from a field reference", e.name));
                            }
                        }
                        (None, None) => io.println(format!("{}=", e.name)),
                    }
                }
                continue;
            }
            c.env.retain(|e| !remove.contains(&e.name));
            for v in &set {
                match c.env.iter_mut().find(|e| e.name == v.name) {
                    Some(e) => *e = v.clone(),
                    None => c.env.push(v.clone()),
                }
            }
        }
        if list {
            continue;
        }
        if p.get("dry-run").is_some_and(|d| d != "none") {
            io.println(format!("{reference} env updated (dry run)"));
            continue;
        }
        match update(s, io, obj) {
            Ok(_) => io.println(format!("{reference} env updated")),
            Err(c) => code = c,
        }
    }
    code
}

/// `kubectl set serviceaccount TYPE NAME SERVICE_ACCOUNT`: the pod template's (or pod's)
/// `serviceAccountName`.
fn set_serviceaccount(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "set serviceaccount";
    let flags = [
        flag("all", FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
        flag("local", FlagKind::Bool),
        flag("record", FlagKind::Bool),
    ];
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let Some((account, resources)) = p.args.split_last() else {
        return super::usage_error(io, PATH, "serviceaccount is required");
    };
    if resources.is_empty() {
        return super::usage_error(io, PATH, "serviceaccount is required");
    }
    let objs = match select(s, &p, resources, io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let mut code = 0;
    for mut obj in objs {
        let reference = super::object_ref(&obj);
        let Some(spec) = pod_spec_mut(&mut obj) else {
            code = io.error(format!(
                "{reference} is not a workload: it has no pod template"
            ));
            continue;
        };
        // The playground keeps the field without simulating service accounts.
        spec.extra.insert(
            "serviceAccountName".into(),
            serde_json::Value::String(account.clone()),
        );
        let updated = obj;
        if p.get("dry-run").is_some_and(|d| d != "none") {
            io.println(format!("{reference} serviceaccount updated (dry run)"));
            continue;
        }
        match update(s, io, updated) {
            Ok(_) => io.println(format!("{reference} serviceaccount updated")),
            Err(c) => code = c,
        }
    }
    code
}

// ----- label and annotate ------------------------------------------------------------------------

/// Which metadata map `label` or `annotate` changes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Meta {
    Labels,
    Annotations,
}

pub fn label_or_annotate(s: &mut Session, args: &[String], io: &mut Io, which: Meta) -> i32 {
    let path = if which == Meta::Labels {
        "label"
    } else {
        "annotate"
    };
    let flags = [
        flag("overwrite", FlagKind::Bool),
        short("selector", 'l', FlagKind::String),
        flag("all", FlagKind::Bool),
        short("all-namespaces", 'A', FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        flag("list", FlagKind::Bool),
        flag("local", FlagKind::Bool),
        short("output", 'o', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
        flag("resource-version", FlagKind::String),
        flag("field-selector", FlagKind::String),
    ];
    let p = match parse_flags(io, path, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, path, io) {
        return 0;
    }
    let (resources, changes) = split_changes(&p.args);
    let noun = if which == Meta::Labels {
        "label"
    } else {
        "annotation"
    };
    if changes.is_empty() && !p.bool("list") {
        return super::usage_error(io, path, &format!("at least one {noun} update is required"));
    }
    let mut add: BTreeMap<String, String> = BTreeMap::new();
    let mut remove: Vec<String> = Vec::new();
    for c in changes {
        if let Some((k, v)) = c.split_once('=') {
            if which == Meta::Labels {
                let bad_value = !v.is_empty()
                    && (v.len() > 63
                        || !v
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                        || !v.starts_with(|c: char| c.is_ascii_alphanumeric())
                        || !v.ends_with(|c: char| c.is_ascii_alphanumeric()));
                if bad_value {
                    return io.error(format!("invalid label value: \"{c}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
                }
            }
            add.insert(k.to_string(), v.to_string());
        } else if let Some(k) = c.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return io.error(format!("invalid {noun} format: {c}"));
        }
    }
    if resources.is_empty() {
        return io.error(NO_RESOURCES);
    }
    let objs = match select(s, &p, resources, io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let mut code = 0;
    for mut obj in objs {
        let reference = super::object_ref(&obj);
        let map = match which {
            Meta::Labels => &mut obj.meta_mut().labels,
            Meta::Annotations => &mut obj.meta_mut().annotations,
        };
        if p.bool("list") {
            for (k, v) in map.iter() {
                io.println(format!("{k}={v}"));
            }
            continue;
        }
        if !p.bool("overwrite") {
            if let Some((k, old)) = add
                .iter()
                .find_map(|(k, v)| map.get(k).filter(|old| *old != v).map(|old| (k, old)))
            {
                code = io.error(format!(
                    "'{k}' already has a value ({old}), and --overwrite is false"
                ));
                continue;
            }
        }
        let before = map.clone();
        for (k, v) in &add {
            map.insert(k.clone(), v.clone());
        }
        for k in &remove {
            if map.remove(k).is_none() && which == Meta::Labels {
                io.err.push_str(&format!("label \"{k}\" not found.\n"));
            }
        }
        let changed = *map != before;
        let msg = match which {
            Meta::Labels if !remove.is_empty() && add.is_empty() && changed => "unlabeled",
            Meta::Labels if !changed => "not labeled",
            Meta::Labels => "labeled",
            Meta::Annotations if !changed => "not annotated",
            Meta::Annotations => "annotated",
        };
        if p.get("dry-run").is_some_and(|d| d != "none") {
            io.println(format!("{reference} {msg} (dry run)"));
            continue;
        }
        if changed {
            if let Err(c) = update(s, io, obj) {
                code = c;
                continue;
            }
        }
        io.println(format!("{reference} {msg}"));
    }
    code
}

// ----- nodes: cordon, uncordon, drain, taint -----------------------------------------------------

fn nodes_named(
    s: &Session,
    p: &Parsed,
    io: &mut Io,
    path: &str,
) -> Result<Vec<kubeplay_api::Node>, i32> {
    if p.args.is_empty() && p.get("selector").is_none() {
        return Err(super::usage_error(
            io,
            path,
            "USAGE: kubectl cordon NODE [flags]",
        ));
    }
    let mut out = Vec::new();
    if let Some(sel) = p.get("selector") {
        let sel = LabelSelector::parse(sel).map_err(|e| io.error(e))?;
        for o in s.cluster().list(Kind::Node, None, Some(&sel)) {
            if let Object::Node(n) = o {
                out.push(n.clone());
            }
        }
    }
    for a in &p.args {
        let name = a
            .strip_prefix("node/")
            .or_else(|| a.strip_prefix("nodes/"))
            .unwrap_or(a);
        match s.cluster().get(Kind::Node, "", name) {
            Ok(Object::Node(n)) => out.push(n.clone()),
            Ok(_) => {}
            Err(e) => return Err(io.fail(e.to_string())),
        }
    }
    Ok(out)
}

pub fn cordon(s: &mut Session, args: &[String], io: &mut Io, on: bool) -> i32 {
    let path = if on { "cordon" } else { "uncordon" };
    let flags = [
        short("selector", 'l', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
    ];
    let p = match parse_flags(io, path, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, path, io) {
        return 0;
    }
    let nodes = match nodes_named(s, &p, io, path) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let mut code = 0;
    for mut n in nodes {
        let reference = format!("node/{}", n.metadata.name);
        if n.spec.unschedulable == on {
            io.println(format!("{reference} already {path}ed"));
            continue;
        }
        n.spec.unschedulable = on;
        match update(s, io, Object::Node(n)) {
            Ok(_) => io.println(format!("{reference} {path}ed")),
            Err(c) => code = c,
        }
    }
    code
}

pub fn drain(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("ignore-daemonsets", FlagKind::Bool),
        flag("delete-emptydir-data", FlagKind::Bool),
        flag("force", FlagKind::Bool),
        flag("grace-period", FlagKind::Int),
        flag("timeout", FlagKind::Duration),
        short("selector", 'l', FlagKind::String),
        flag("pod-selector", FlagKind::String),
        flag("disable-eviction", FlagKind::Bool),
        flag("skip-wait-for-delete-timeout", FlagKind::Int),
        opt("dry-run", FlagKind::String, "unchanged"),
    ];
    let p = match parse_flags(io, "drain", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "drain", io) {
        return 0;
    }
    let nodes = match nodes_named(s, &p, io, "drain") {
        Ok(n) => n,
        Err(c) => return c,
    };
    let grace = p
        .int("grace-period")
        .filter(|g| *g >= 0)
        .map(|g| g.min(31_536_000));
    let mut code = 0;
    for mut n in nodes {
        let name = n.metadata.name.clone();
        if !n.spec.unschedulable {
            n.spec.unschedulable = true;
            if let Err(c) = update(s, io, Object::Node(n)) {
                code = c;
                continue;
            }
            io.println(format!("node/{name} cordoned"));
        } else {
            io.println(format!("node/{name} already cordoned"));
        }
        let pods: Vec<kubeplay_api::Pod> = s
            .cluster()
            .list(Kind::Pod, None, None)
            .into_iter()
            .filter_map(|o| match o {
                Object::Pod(pod) if pod.spec.node_name == name && pod.is_active() => {
                    Some(pod.clone())
                }
                _ => None,
            })
            .collect();
        let pod_ref =
            |pod: &kubeplay_api::Pod| format!("{}/{}", pod.metadata.namespace, pod.metadata.name);
        let is_mirror = |pod: &kubeplay_api::Pod| {
            pod.metadata
                .annotation("kubernetes.io/config.mirror")
                .is_some()
        };
        let daemon = |pod: &kubeplay_api::Pod| {
            pod.metadata
                .controller()
                .is_some_and(|c| c.kind == "DaemonSet")
        };
        let unmanaged: Vec<String> = pods
            .iter()
            .filter(|pod| pod.metadata.controller().is_none() && !is_mirror(pod))
            .map(pod_ref)
            .collect();
        let daemons: Vec<String> = pods.iter().filter(|pod| daemon(pod)).map(pod_ref).collect();
        // kubectl's filters, in its order: unmanaged pods need --force, DaemonSet pods
        // --ignore-daemonsets (they are left running); mirror pods are skipped.
        let mut refusals = Vec::new();
        if !unmanaged.is_empty() && !p.bool("force") {
            refusals.push(format!(
                "cannot delete Pods that declare no controller (use --force to override): {}",
                unmanaged.join(", ")
            ));
        }
        if !daemons.is_empty() && !p.bool("ignore-daemonsets") {
            refusals.push(format!(
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}",
                daemons.join(", ")
            ));
        }
        if !refusals.is_empty() {
            let msg = refusals.join(", ");
            io.err.push_str(&format!(
                "error: unable to drain node \"{name}\" due to error: {msg}, continuing command...\nThere are pending nodes to be drained:\n {name}\nerror: {msg}\n"
            ));
            code = 1;
            continue;
        }
        let mut warnings = Vec::new();
        if !unmanaged.is_empty() {
            warnings.push(format!(
                "deleting Pods that declare no controller: {}",
                unmanaged.join(", ")
            ));
        }
        if !daemons.is_empty() {
            warnings.push(format!(
                "ignoring DaemonSet-managed Pods: {}",
                daemons.join(", ")
            ));
        }
        if !warnings.is_empty() {
            io.err
                .push_str(&format!("Warning: {}\n", warnings.join("; ")));
        }
        let pods: Vec<kubeplay_api::Pod> = pods
            .into_iter()
            .filter(|pod| !daemon(pod) && !is_mirror(pod))
            .collect();
        for pod in &pods {
            io.println(format!(
                "evicting pod {}/{}",
                pod.metadata.namespace, pod.metadata.name
            ));
        }
        // Evictions through the API: a PodDisruptionBudget may refuse one (429) for now; kubectl
        // retries every 5 s until the global timeout (none by default; the playground's cap).
        let simulated = s.clock == crate::Clock::Simulated;
        let timeout = p
            .duration("timeout")
            .filter(|t| *t > 0)
            .unwrap_or(crate::jobs::DEFAULT_CAP_MS);
        let deadline = s.cluster().now().plus_millis(timeout);
        let mut waiting: Vec<&kubeplay_api::Pod> = pods.iter().collect();
        let mut stuck = false;
        loop {
            let mut refused = Vec::new();
            for pod in waiting {
                let (ns, pname) = (&pod.metadata.namespace, &pod.metadata.name);
                let evicted = if p.bool("disable-eviction") {
                    s.cluster_mut()
                        .delete(Kind::Pod, ns, pname, grace)
                        .map(|_| ())
                } else {
                    s.cluster_mut().evict(ns, pname)
                };
                match evicted {
                    Err(e) if e.reason == kubeplay_api::Reason::TooManyRequests => {
                        io.err.push_str(&format!(
                            "error when evicting pods/\"{pname}\" -n \"{ns}\" (will retry after 5s): {}\n",
                            e.message
                        ));
                        refused.push(pod);
                    }
                    _ => {}
                }
            }
            if refused.is_empty() {
                break;
            }
            if !simulated || s.cluster().now().plus_millis(5_000) > deadline {
                let first = refused[0];
                io.err.push_str(&format!(
                    "error: unable to drain node \"{name}\" due to error: error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {}, continuing command...\nThere are pending nodes to be drained:\n {name}\n",
                    first.metadata.name,
                    first.metadata.namespace,
                    crate::duration::go(timeout)
                ));
                stuck = true;
                break;
            }
            s.cluster_mut().advance(5_000);
            waiting = refused;
        }
        if stuck {
            code = 1;
            continue;
        }
        // Evictions complete once the pods are gone.
        if simulated {
            let deleted: Vec<_> = pods
                .iter()
                .map(|pod| {
                    (
                        Kind::Pod,
                        pod.metadata.namespace.clone(),
                        pod.metadata.name.clone(),
                        pod.metadata.uid.clone(),
                    )
                })
                .collect();
            super::wait_until_gone(s.cluster_mut(), &deleted, timeout);
        }
        for pod in &pods {
            io.println(format!("pod/{} evicted", pod.metadata.name));
        }
        io.println(format!("node/{name} drained"));
    }
    code
}

/// Parses `key[=value]:Effect` (add) or `key[:Effect]-` (remove).
fn parse_taint(spec: &str) -> Result<(Taint, bool), String> {
    let (body, remove) = match spec.strip_suffix('-') {
        Some(b) => (b, true),
        None => (spec, false),
    };
    let (kv, effect) = match body.rsplit_once(':') {
        Some((kv, e)) => (kv, e),
        None if remove => (body, ""),
        None => return Err(format!("invalid taint spec: {spec}")),
    };
    if !effect.is_empty() && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect) {
        return Err(format!(
            "invalid taint effect: {effect}, unsupported taint effect"
        ));
    }
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k, v),
        None => (kv, ""),
    };
    if key.is_empty() {
        return Err(format!("invalid taint spec: {spec}"));
    }
    Ok((
        Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
            time_added: None,
        },
        remove,
    ))
}

pub fn taint(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("overwrite", FlagKind::Bool),
        short("selector", 'l', FlagKind::String),
        flag("all", FlagKind::Bool),
        short("output", 'o', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
    ];
    let p = match parse_flags(io, "taint", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "taint", io) {
        return 0;
    }
    let mut words = p.args.clone();
    if words
        .first()
        .is_some_and(|w| w == "nodes" || w == "node" || w == "no")
    {
        words.remove(0);
    } else if words.first().is_some_and(|w| !w.contains('/')) && !words.is_empty() {
        return io.error(format!(
            "invalid resource type {}, only node types are supported",
            words[0]
        ));
    }
    let split = words
        .iter()
        .position(|w| w.contains(':') || w.contains('=') || w.ends_with('-'))
        .unwrap_or(words.len());
    let (names, specs) = words.split_at(split);
    if specs.is_empty() {
        return io.error("at least one taint update is required");
    }
    let mut changes = Vec::new();
    for spec in specs {
        match parse_taint(spec) {
            Ok(t) => changes.push(t),
            Err(e) => return io.error(e),
        }
    }
    let mut node_args = Parsed::default();
    node_args.args = names.to_vec();
    let mut nodes = Vec::new();
    if p.bool("all") || p.get("selector").is_some() {
        let sel = match p.get("selector").map(LabelSelector::parse) {
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => return io.error(e),
            None => None,
        };
        for o in s.cluster().list(Kind::Node, None, sel.as_ref()) {
            if let Object::Node(n) = o {
                nodes.push(n.clone());
            }
        }
    } else {
        if names.is_empty() {
            return io.error(NO_RESOURCES);
        }
        match nodes_named(s, &node_args, io, "taint") {
            Ok(n) => nodes = n,
            Err(c) => return c,
        }
    }
    let mut code = 0;
    for mut n in nodes {
        let name = n.metadata.name.clone();
        let mut tainted = false;
        let mut untainted = false;
        let mut failed = None;
        for (t, remove) in &changes {
            if *remove {
                let before = n.spec.taints.len();
                n.spec
                    .taints
                    .retain(|x| !(x.key == t.key && (t.effect.is_empty() || x.effect == t.effect)));
                if n.spec.taints.len() == before {
                    let spec = if t.effect.is_empty() {
                        t.key.clone()
                    } else {
                        format!("{}:{}", t.key, t.effect)
                    };
                    failed = Some(format!("taint \"{spec}\" not found"));
                }
                untainted = true;
            } else {
                if let Some(existing) = n
                    .spec
                    .taints
                    .iter_mut()
                    .find(|x| x.key == t.key && x.effect == t.effect)
                {
                    if !p.bool("overwrite") {
                        failed = Some(format!(
                            "node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                            t.key
                        ));
                        continue;
                    }
                    existing.value = t.value.clone();
                } else {
                    let mut t = t.clone();
                    if t.effect == "NoExecute" {
                        t.time_added = Some(s.cluster().now());
                    }
                    n.spec.taints.push(t);
                }
                tainted = true;
            }
        }
        if let Some(e) = failed {
            code = io.error(e);
            continue;
        }
        let word = if untainted && !tainted {
            "untainted"
        } else {
            "tainted"
        };
        match update(s, io, Object::Node(n)) {
            Ok(_) => io.println(format!("node/{name} {word}")),
            Err(c) => code = c,
        }
    }
    code
}

// ----- patch ------------------------------------------------------------------------------------

/// `kubectl patch`: strategic merge (the default), JSON merge or JSON patch, computed on the
/// live object's JSON as the API server does (`kubeplay_api::patch`), then stored as an update
/// (so validation and immutable fields apply).
pub fn patch(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        short("patch", 'p', FlagKind::String),
        flag("patch-file", FlagKind::String),
        flag("type", FlagKind::String),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
        flag("dry-run", FlagKind::String),
        flag("local", FlagKind::Bool),
        flag("subresource", FlagKind::String),
        flag("field-manager", FlagKind::String),
        short("recursive", 'R', FlagKind::Bool),
    ];
    let p = match parse_flags(io, "patch", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "patch", io) {
        return 0;
    }
    let type_name = p.get("type").unwrap_or("strategic");
    let Some(ty) = kubeplay_api::patch::PatchType::parse(type_name) else {
        return io.error(format!(
            "--type must be one of [json merge strategic], not \"{type_name}\""
        ));
    };
    let text = match (p.get("patch"), p.get("patch-file")) {
        (Some(t), None) => t.to_string(),
        (None, Some(f)) => match s.files().read(f) {
            Ok(t) => t,
            Err(_) => {
                return io.error(format!(
                    "unable to read patch file: open {f}: no such file or directory"
                ))
            }
        },
        (Some(_), Some(_)) => return io.error("--patch and --patch-file are mutually exclusive"),
        (None, None) => {
            return io
                .error("must specify --patch or --patch-file containing the contents of the patch")
        }
    };
    // kubectl accepts the patch as JSON or YAML.
    let patch = match kubeplay_api::object::parse_value(&text) {
        Ok(v) => v,
        Err(e) => {
            let reason = e.trim_start_matches("error: ");
            return io.error(format!("unable to parse \"{text}\": {reason}"));
        }
    };
    let dry = match super::create::dry_run(&p, io, s) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let objs = if p.has("filename") {
        match super::read_manifests(s, &p, io) {
            Ok(found) => {
                let mut live = Vec::new();
                for o in found {
                    let ns = match o.meta().namespace.as_str() {
                        "" => namespace(&p),
                        ns => ns.to_string(),
                    };
                    match s.cluster().get(o.kind(), &ns, o.name()) {
                        Ok(l) => live.push(l.clone()),
                        Err(e) => return io.fail(e.to_string()),
                    }
                }
                live
            }
            Err(c) => return c,
        }
    } else {
        match select(s, &p, &p.args.clone(), io) {
            Ok(o) => o,
            Err(c) => return c,
        }
    };
    let mut code = 0;
    for obj in objs {
        let reference = super::object_ref(&obj);
        let patched = match ty.apply(&obj.to_value(), &patch) {
            Ok(v) => Object::from_value(v).map_err(|e| e.to_string()),
            Err(e) => Err(format!("Error from server (BadRequest): {e}")),
        };
        let patched = match patched {
            Ok(o) => o,
            Err(e) => {
                code = io.fail(e);
                continue;
            }
        };
        if patched.kind() != obj.kind() || patched.name() != obj.name() {
            code = io.fail(format!(
                "Error from server (BadRequest): the name or kind of the object cannot be changed by a patch ({reference})"
            ));
            continue;
        }
        let stored = match dry {
            super::create::DryRun::Client => {
                io.println(format!("{reference} patched (dry run)"));
                continue;
            }
            super::create::DryRun::Server => {
                io.println(format!("{reference} patched (server dry run)"));
                continue;
            }
            super::create::DryRun::None => match update(s, io, patched) {
                // The update stored nothing new: kubectl's "(no change)".
                Ok(o) if o.meta().resource_version == obj.meta().resource_version => {
                    io.println(format!("{reference} patched (no change)"));
                    continue;
                }
                Ok(o) => o,
                Err(c) => {
                    code = c;
                    continue;
                }
            },
        };
        match p.get("output") {
            Some(o) if !o.is_empty() => {
                let format = match super::printers::parse_format(o, super::printers::GET_FORMATS) {
                    Ok(f) => f,
                    Err(e) => return io.error(e),
                };
                let doc = crate::doc::Doc::from_value(&stored.to_value());
                super::printers::print_docs(io, &format, vec![doc], &[reference], true);
            }
            _ => io.println(format!("{reference} patched")),
        }
    }
    code
}
