//! What kubectl asks the API server and its kubeconfig about, answered for the one simulated
//! cluster: `api-versions`, `cluster-info`, `config` (one context, `kubeplay`, read-only), and
//! `get --raw` for the health and version endpoints.

use kubeplay_api::{Kind, RESOURCES};

use super::{parse_flags, wants_help};
use crate::flags::{flag, short, FlagKind};
use crate::{Io, Session};

/// The simulated API server's address, as kubeconfigs and `cluster-info` show it.
pub const SERVER: &str = "https://127.0.0.1:6443";
/// The kubeconfig's one cluster, user and context.
pub const CONTEXT: &str = "kubeplay";

/// `kubectl api-versions`: the group/versions of the kinds the playground serves, sorted.
pub fn api_versions(_s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let p = match parse_flags(io, "api-versions", &[], args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "api-versions", io) {
        return 0;
    }
    let mut versions: Vec<&str> = RESOURCES.iter().map(|r| r.api_version).collect();
    versions.sort_unstable();
    versions.dedup();
    for v in versions {
        io.println(v);
    }
    0
}

/// `kubectl cluster-info`: the control plane's address, and CoreDNS's when a `kube-dns`
/// Service exists (the playground starts without one).
pub fn cluster_info(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let p = match parse_flags(io, "cluster-info", &[], args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "cluster-info", io) {
        return 0;
    }
    if p.args.first().map(String::as_str) == Some("dump") {
        return io.error("\"kubectl cluster-info dump\" is not available in the playground (use kubectl get, describe and logs)");
    }
    io.println(format!("Kubernetes control plane is running at {SERVER}"));
    if s.cluster()
        .get(Kind::Service, "kube-system", "kube-dns")
        .is_ok()
    {
        io.println(format!("CoreDNS is running at {SERVER}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"));
    }
    io.println("");
    io.println("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    0
}

/// `kubectl config`: the kubeconfig of the one simulated context. Reading works; changing it
/// says why not (there is one cluster and one user).
pub fn config(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        short("output", 'o', FlagKind::String),
        flag("minify", FlagKind::Bool),
        flag("raw", FlagKind::Bool),
        flag("flatten", FlagKind::Bool),
        flag("no-headers", FlagKind::Bool),
        flag("current", FlagKind::Bool),
        flag("cluster", FlagKind::String),
        flag("user", FlagKind::String),
    ];
    let p = match parse_flags(io, "config", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "config", io) {
        return 0;
    }
    let Some(sub) = p.args.first().map(String::as_str) else {
        io.out.push_str(&super::help::for_command("config"));
        return 0;
    };
    match sub {
        "current-context" => io.println(CONTEXT),
        "get-contexts" => {
            if let Some(name) = p.args.get(1).filter(|n| *n != CONTEXT) {
                return io.error(format!("context {name} not found"));
            }
            let ns = context_namespace(s);
            let mut text = String::new();
            if !p.bool("no-headers") {
                text.push_str("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
            }
            text.push_str(&format!("*\t{CONTEXT}\t{CONTEXT}\t{CONTEXT}\t{ns}\n"));
            io.out.push_str(&crate::tabwriter::TabWriter::table().format(&text));
        }
        "get-clusters" => io.println(format!("NAME\n{CONTEXT}")),
        "get-users" => io.println(format!("NAME\n{CONTEXT}")),
        "use-context" | "use" => match p.args.get(1) {
            Some(name) if name == CONTEXT => {
                io.println(format!("Switched to context \"{CONTEXT}\"."))
            }
            Some(name) => return io.error(format!("no context exists with the name: \"{name}\"")),
            None => return io.error("Unexpected args: []"),
        },
        // The one change the playground's kubeconfig takes: the context's namespace, where
        // commands without -n act (`set-context --current --namespace=dev`).
        "set-context" => {
            let named = p.args.get(1);
            if named.is_some_and(|n| n != CONTEXT) || (named.is_none() && !p.bool("current")) {
                return io.error(format!(
                    "the playground has one context, {CONTEXT}: use kubectl config set-context --current --namespace=NAME"
                ));
            }
            if p.get("cluster").is_some_and(|c| c != CONTEXT) || p.get("user").is_some_and(|u| u != CONTEXT) {
                return io.error(format!("the playground has one cluster and one user, both {CONTEXT}"));
            }
            if let Some(ns) = p.namespace() {
                s.context_namespace = ns.to_string();
            }
            io.println(format!("Context \"{CONTEXT}\" modified."));
        }
        "view" => {
            // There are no real credentials to show, even with --raw.
            let data = "DATA+OMITTED";
            let mut context = serde_json::json!({"cluster": CONTEXT, "user": CONTEXT});
            let ns = context_namespace(s);
            if !ns.is_empty() {
                context["namespace"] = serde_json::Value::String(ns);
            }
            let config = serde_json::json!({
                "apiVersion": "v1",
                "clusters": [{"cluster": {"certificate-authority-data": data, "server": SERVER}, "name": CONTEXT}],
                "contexts": [{"context": context, "name": CONTEXT}],
                "current-context": CONTEXT,
                "kind": "Config",
                "preferences": {},
                "users": [{"name": CONTEXT, "user": {"client-certificate-data": data, "client-key-data": data}}],
            });
            let format = match super::printers::parse_format(
                p.get("output").unwrap_or("yaml"),
                super::printers::GET_FORMATS,
            ) {
                Ok(f) => f,
                Err(e) => return io.error(e),
            };
            let doc = crate::doc::Doc::from_value(&config);
            super::printers::print_docs(io, &format, vec![doc], &[], true);
        }
        other => {
            return io.error(format!(
                "\"kubectl config {other}\" is not available in the playground: it has one cluster, one user and one context ({CONTEXT}), whose namespace set-context --current --namespace=NAME changes"
            ))
        }
    }
    0
}

/// The context's namespace as kubeconfig shows it: empty when it is the default one.
fn context_namespace(s: &Session) -> String {
    match s.context_namespace.as_str() {
        "default" => String::new(),
        ns => ns.to_string(),
    }
}

/// `kubectl get --raw PATH`: the API server's health endpoints and `/version`.
pub fn raw(path: &str, io: &mut Io) -> i32 {
    let path = path.split('?').next().unwrap_or("");
    match path.trim_end_matches('/') {
        "/healthz" | "/readyz" | "/livez" => {
            io.out.push_str("ok");
            0
        }
        "/version" => {
            io.out.push_str(&super::version::server_json_pretty());
            0
        }
        _ => io
            .fail("Error from server (NotFound): the server could not find the requested resource"),
    }
}
