//! `kubectl apply -f` (created / configured / unchanged, with the last-applied annotation) and
//! `kubectl delete` (by name, `-f`, `-l`, `--all`), waiting for deletions as kubectl does.

use kubeplay_api::{Kind, LabelSelector, Object};
use kubeplay_engine::ApplyOutcome;

use super::create::{dry_run, server_dry_run, DryRun};
use super::printers;
use super::{namespace, parse_flags, parse_targets, wants_help, Targets};
use crate::doc::Doc;
use crate::flags::{flag, opt, short, FlagKind};
use crate::{Io, Session};

/// `kubectl.kubernetes.io/last-applied-configuration`.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

const APPLY_FLAGS: &[crate::flags::Flag] = &[
    short("filename", 'f', FlagKind::StringSlice),
    short("recursive", 'R', FlagKind::Bool),
    short("kustomize", 'k', FlagKind::String),
    opt("dry-run", FlagKind::String, "unchanged"),
    short("output", 'o', FlagKind::String),
    flag("server-side", FlagKind::Bool),
    flag("force-conflicts", FlagKind::Bool),
    flag("force", FlagKind::Bool),
    flag("overwrite", FlagKind::Bool),
    flag("validate", FlagKind::String),
    flag("field-manager", FlagKind::String),
    short("selector", 'l', FlagKind::String),
    flag("prune", FlagKind::Bool),
    flag("wait", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
];

/// `kubectl apply ...`
pub fn apply(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let p = match parse_flags(io, "apply", APPLY_FLAGS, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "apply", io) {
        return 0;
    }
    if !p.args.is_empty() {
        return io.fail(format!(
            "error: Unexpected args: [{}]\nSee 'kubectl apply -h' for help and examples",
            p.args.join(" ")
        ));
    }
    if p.has("kustomize") {
        return io.error("apply -k is not available in the playground: it builds no kustomizations; apply the rendered manifests with -f (or a here-document)");
    }
    if !p.has("filename") {
        return io.error("must specify one of -f and -k");
    }
    if p.bool("prune") {
        return io.error("--prune is not available in the playground");
    }
    let dry = match dry_run(&p, io, s) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let format = match p.get("output") {
        None | Some("") => None,
        Some(o) => match printers::parse_format(o, printers::OBJECT_FORMATS) {
            Ok(f) => Some(f),
            Err(e) => return io.error(e),
        },
    };
    let mut scheduler_configs = Vec::new();
    let objs = match super::read_manifests_and_scheduler_configs(s, &p, io, &mut scheduler_configs)
    {
        Ok(o) => o,
        Err(c) => return c,
    };
    let default_ns = namespace(&p);
    let mut code = 0;
    for (cfg, _source) in scheduler_configs {
        // The playground's kube-scheduler restarts with the new configuration.
        if dry != DryRun::None {
            io.println("kubeschedulerconfiguration.kubescheduler.config.k8s.io/kube-scheduler configured (dry run)".to_string());
            continue;
        }
        match s.cluster_mut().set_scheduler_config(&cfg) {
            Ok(()) => io.println(format!(
                "kubeschedulerconfiguration.kubescheduler.config.k8s.io/kube-scheduler configured (kube-scheduler restarted; profiles: {})",
                s.cluster().scheduler_profiles().join(", ")
            )),
            Err(e) => code = io.fail(format!("error: kube-scheduler keeps its previous configuration: {}", e.message)),
        }
    }
    let mut printed: Vec<(Doc, String)> = Vec::new();
    for (mut obj, source) in objs {
        if obj.kind().namespaced() {
            if obj.namespace().is_empty() {
                obj.meta_mut().namespace = default_ns.clone();
            } else if p.namespace().is_some_and(|n| n != obj.namespace()) {
                code = io.error(format!("the namespace from the provided object \"{}\" does not match the namespace \"{default_ns}\". You must pass '--namespace={}' to perform this operation.", obj.namespace(), obj.namespace()));
                continue;
            }
        }
        if obj.name().is_empty() {
            // apply reads the live object first, by name: kubectl's error for a nameless one.
            let kind = obj.kind();
            let (group, version) = match kind.api_version().split_once('/') {
                Some((g, v)) => (g, v),
                None => ("", kind.api_version()),
            };
            let ns = if kind.namespaced() {
                obj.namespace()
            } else {
                ""
            };
            code = io.error(format!(
                "error when retrieving current configuration of:\nResource: \"{group}/{version}, Resource={}\", GroupVersionKind: \"{group}/{version}, Kind={}\"\nName: \"\", Namespace: \"{ns}\"\nfrom server for: \"{source}\": resource name may not be empty",
                kind.plural(),
                kind.name()
            ));
            continue;
        }
        set_last_applied(&mut obj);
        let reference = super::object_ref(&obj);
        // kubectl apply reads the live object first; a user who may not is told so.
        if let Err(e) =
            super::authorize(s.cluster(), "get", obj.kind(), obj.namespace(), obj.name())
        {
            let kind = obj.kind();
            let (group, version) = match kind.api_version().split_once('/') {
                Some((g, v)) => (g, v),
                None => ("", kind.api_version()),
            };
            code = io.fail(format!(
                "Error from server (Forbidden): error when retrieving current configuration of:\nResource: \"{group}/{version}, Resource={}\", GroupVersionKind: \"{group}/{version}, Kind={}\"\nName: \"{}\", Namespace: \"{}\"\nfrom server for: \"{source}\": {}",
                kind.plural(),
                kind.name(),
                obj.name(),
                obj.namespace(),
                e.message
            ));
            continue;
        }
        let exists = s
            .cluster()
            .get(obj.kind(), obj.namespace(), obj.name())
            .is_ok();
        let (result, word) = match dry {
            DryRun::Client => (
                Ok(obj.clone()),
                if exists {
                    "configured (dry run)"
                } else {
                    "created (dry run)"
                },
            ),
            DryRun::Server => {
                if exists {
                    (Ok(obj.clone()), "configured (server dry run)")
                } else {
                    (server_dry_run(s, obj), "created (server dry run)")
                }
            }
            DryRun::None => match s.cluster_mut().apply(obj) {
                Ok((o, outcome)) => (
                    Ok(o),
                    match outcome {
                        ApplyOutcome::Created => "created",
                        ApplyOutcome::Configured => "configured",
                        ApplyOutcome::Unchanged => "unchanged",
                    },
                ),
                Err(e) => (Err(e), ""),
            },
        };
        match result {
            Ok(o) => match &format {
                None => io.println(format!("{reference} {word}")),
                Some(_) => printed.push((Doc::from_value(&o.to_value()), reference)),
            },
            Err(e) => {
                code = io.fail(if exists {
                    e.to_string()
                } else {
                    super::error_when_creating(&e, &source)
                });
            }
        }
    }
    if let Some(f) = &format {
        let single = printed.len() == 1;
        let (docs, names): (Vec<Doc>, Vec<String>) = printed.into_iter().unzip();
        printers::print_docs(io, f, docs, &names, single);
    }
    code
}

/// Records the manifest as kubectl does before sending it: compact JSON of the object with the
/// annotation itself left out, ending with a newline.
pub(crate) fn set_last_applied(obj: &mut Object) {
    obj.meta_mut().annotations.remove(LAST_APPLIED);
    let mut v = obj.to_value();
    // The manifest, not the defaults: drop what `to_value` adds for empty status.
    if let Some(m) = v.as_object_mut() {
        if m.get("status").is_some_and(is_empty_value) {
            m.remove("status");
        }
        if let Some(meta) = m.get_mut("metadata").and_then(|x| x.as_object_mut()) {
            meta.entry("annotations")
                .or_insert_with(|| serde_json::json!({}));
        }
    }
    let json = Doc::from_value(&v).to_json_compact();
    obj.meta_mut()
        .annotations
        .insert(LAST_APPLIED.into(), format!("{json}\n"));
}

fn is_empty_value(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => m.values().all(is_empty_value),
        serde_json::Value::Null => true,
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::String(s) => s.is_empty(),
        _ => false,
    }
}

const DELETE_FLAGS: &[crate::flags::Flag] = &[
    short("filename", 'f', FlagKind::StringSlice),
    short("recursive", 'R', FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    flag("all", FlagKind::Bool),
    short("all-namespaces", 'A', FlagKind::Bool),
    flag("grace-period", FlagKind::Int),
    flag("now", FlagKind::Bool),
    flag("force", FlagKind::Bool),
    flag("wait", FlagKind::Bool),
    flag("cascade", FlagKind::String),
    flag("ignore-not-found", FlagKind::Bool),
    short("output", 'o', FlagKind::String),
    opt("dry-run", FlagKind::String, "unchanged"),
    flag("timeout", FlagKind::Duration),
    flag("field-selector", FlagKind::String),
    short("interactive", 'i', FlagKind::Bool),
    flag("raw", FlagKind::String),
];

const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `kubectl delete ...`
pub fn delete(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let p = match parse_flags(io, "delete", DELETE_FLAGS, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "delete", io) {
        return 0;
    }
    let dry = match dry_run(&p, io, s) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let name_output = match p.get("output") {
        None | Some("") => false,
        Some("name") => true,
        Some(o) => {
            return io.error(format!(
                "unable to match a printer suitable for the output format \"{o}\", allowed formats are: name"
            ))
        }
    };
    let ns = namespace(&p);
    let all_ns = p.bool("all-namespaces");
    let selector = match p.get("selector") {
        Some(sel) => match LabelSelector::parse(sel) {
            Ok(s) => Some(s),
            Err(e) => return io.error(e),
        },
        None => None,
    };
    let field_selector = match p.get("field-selector") {
        Some(fs) => match super::get::parse_field_selector(fs) {
            Ok(f) => f,
            Err(e) => return io.error(e),
        },
        None => Vec::new(),
    };
    // A year at most: the engine schedules the end of the grace period on its clock.
    let mut grace = p
        .int("grace-period")
        .filter(|g| *g >= 0)
        .map(|g| g.min(31_536_000));
    if p.bool("now") {
        grace = Some(1);
    }
    if p.bool("force") && grace.is_none() {
        grace = Some(0);
    }
    if p.bool("force") && grace == Some(0) {
        io.err.push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let mut code = 0;
    // (kind, namespace, name) to delete, in order.
    let mut victims: Vec<(Kind, String, String)> = Vec::new();
    if p.has("filename") {
        if !p.args.is_empty() {
            return io.error("When -f is specified, no arguments are allowed");
        }
        let objs = match super::read_manifests(s, &p, io) {
            Ok(o) => o,
            Err(c) => return c,
        };
        for o in objs {
            let ons = if o.namespace().is_empty() {
                ns.clone()
            } else {
                o.namespace().to_string()
            };
            victims.push((o.kind(), ons, o.name().to_string()));
        }
    } else {
        let targets = match parse_targets(&p.args) {
            Ok(Targets::Kinds(k)) if k.is_empty() => return io.error(NO_RESOURCES),
            Ok(t) => t,
            Err(e) => return io.error(e),
        };
        match targets {
            Targets::Named(named) => {
                if selector.is_some() {
                    return io.error("name cannot be provided when a selector is specified");
                }
                for (k, n) in named {
                    victims.push((k, ns.clone(), n));
                }
            }
            Targets::Kinds(kinds) => {
                if selector.is_none() && !p.bool("all") && field_selector.is_empty() {
                    return io.error("resource(s) were provided, but no name was specified");
                }
                for kind in kinds {
                    let list_ns = if all_ns || !kind.namespaced() {
                        None
                    } else {
                        Some(ns.as_str())
                    };
                    for o in s.cluster().list(kind, list_ns, selector.as_ref()) {
                        if field_selector.iter().all(|f| f.matches(o)) {
                            victims.push((kind, o.namespace().to_string(), o.name().to_string()));
                        }
                    }
                }
                if victims.is_empty() {
                    io.err.push_str(&if all_ns {
                        "No resources found\n".to_string()
                    } else {
                        format!("No resources found in {ns} namespace.\n")
                    });
                    return 0;
                }
            }
        }
    }
    let mut deleted: Vec<(Kind, String, String, String)> = Vec::new();
    for (kind, vns, name) in victims {
        // The API server authorizes a DELETE before it looks the object up.
        if let Err(e) = super::authorize(s.cluster(), "delete", kind, &vns, &name) {
            code = io.fail(e.to_string());
            continue;
        }
        let uid = match s.cluster().get(kind, &vns, &name) {
            Ok(o) => o.meta().uid.clone(),
            Err(e) => {
                if !p.bool("ignore-not-found") {
                    code = io.fail(e.to_string());
                }
                continue;
            }
        };
        if dry == DryRun::None {
            if let Err(e) = s.cluster_mut().delete(kind, &vns, &name, grace) {
                code = io.fail(e.to_string());
                continue;
            }
        }
        let kind_s = kind.qualified_singular();
        if name_output {
            io.println(format!("{kind_s}/{name}"));
        } else {
            let mut op = if grace == Some(0) {
                "force deleted".to_string()
            } else {
                "deleted".to_string()
            };
            match dry {
                DryRun::Client => op.push_str(" (dry run)"),
                DryRun::Server => op.push_str(" (server dry run)"),
                DryRun::None => {}
            }
            if kind.namespaced() {
                io.println(format!("{kind_s} \"{name}\" {op} from {vns} namespace"));
            } else {
                io.println(format!("{kind_s} \"{name}\" {op}"));
            }
        }
        deleted.push((kind, vns, name, uid));
    }
    // kubectl waits until the objects are gone (pods terminate gracefully).
    let wait = p.get("wait").is_none_or(|w| w == "true");
    if wait && dry == DryRun::None && !deleted.is_empty() && s.clock == crate::Clock::Simulated {
        let timeout = p
            .duration("timeout")
            .filter(|t| *t > 0)
            .unwrap_or(crate::jobs::DEFAULT_CAP_MS);
        if !super::wait_until_gone(s.cluster_mut(), &deleted, timeout) {
            code = io.error("timed out waiting for the condition");
        }
    }
    code
}

/// `kubectl replace -f`: a PUT of each object (it must exist; nothing is merged, so what the
/// manifest leaves out is gone), or with `--force` a delete and create.
pub fn replace(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        short("filename", 'f', FlagKind::StringSlice),
        short("recursive", 'R', FlagKind::Bool),
        flag("force", FlagKind::Bool),
        flag("grace-period", FlagKind::Int),
        flag("cascade", FlagKind::String),
        flag("wait", FlagKind::Bool),
        flag("save-config", FlagKind::Bool),
        flag("validate", FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
        short("output", 'o', FlagKind::String),
        flag("field-manager", FlagKind::String),
    ];
    let p = match parse_flags(io, "replace", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "replace", io) {
        return 0;
    }
    if !p.has("filename") {
        return io.error("must specify --filename to replace");
    }
    let dry = match dry_run(&p, io, s) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let objs = match super::read_manifests_with_source(s, &p, io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let default_ns = namespace(&p);
    let mut code = 0;
    for (mut obj, source) in objs {
        if obj.kind().namespaced() && obj.namespace().is_empty() {
            obj.meta_mut().namespace = default_ns.clone();
        }
        let reference = super::object_ref(&obj);
        let (kind, ns, name) = (
            obj.kind(),
            obj.namespace().to_string(),
            obj.name().to_string(),
        );
        if s.cluster().get(kind, &ns, &name).is_err() {
            code = io.fail(format!(
                "Error from server (NotFound): error when replacing \"{source}\": {} \"{name}\" not found",
                kind.qualified_plural()
            ));
            continue;
        }
        if dry != DryRun::None {
            io.println(format!("{reference} replaced (dry run)"));
            continue;
        }
        let result = if p.bool("force") {
            // Delete, let the object go (pods terminate), then create it anew.
            let grace = p.int("grace-period").filter(|g| *g >= 0);
            let uid = match s.cluster_mut().delete(kind, &ns, &name, grace) {
                Ok(o) => o.meta().uid.clone(),
                Err(e) => {
                    code = io.fail(e.to_string());
                    continue;
                }
            };
            let kind_s = kind.qualified_singular();
            if kind.namespaced() {
                io.println(format!("{kind_s} \"{name}\" deleted from {ns} namespace"));
            } else {
                io.println(format!("{kind_s} \"{name}\" deleted"));
            }
            // kubectl waits for the object to be gone before creating it again (on the web's
            // clock, time moves on its own and the create may find it still terminating).
            if s.clock == crate::Clock::Simulated {
                let deleted = [(kind, ns.clone(), name.clone(), uid)];
                super::wait_until_gone(s.cluster_mut(), &deleted, crate::jobs::DEFAULT_CAP_MS);
            }
            s.cluster_mut().create(obj)
        } else {
            // A PUT replaces the labels and annotations too (apply would merge them).
            s.cluster_mut().update(obj)
        };
        match result {
            Ok(_) => io.println(format!("{reference} replaced")),
            Err(e) => code = io.fail(e.to_string()),
        }
    }
    code
}
