//! `kubectl create serviceaccount|role|clusterrole|rolebinding|clusterrolebinding|token`: the
//! objects they generate in Go struct field order, with kubectl's flag checks and messages.

use kubeplay_api::{Kind, Object};

use super::create::{finish, meta, parse_named, with_common, Generated};
use crate::doc::Doc;
use crate::flags::{flag, FlagKind, Parsed};
use crate::{Io, Session};

const GROUP: &str = kubeplay_api::rbac::GROUP;

/// kubectl's `validResourceVerbs` and `validNonResourceVerbs`: others only draw a warning.
const RESOURCE_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
];
const NON_RESOURCE_VERBS: &[&str] = &[
    "*", "get", "post", "put", "delete", "patch", "head", "options",
];

fn strs(v: &[String]) -> Doc {
    Doc::Seq(v.iter().map(|s| Doc::str(s.as_str())).collect())
}

/// `kubectl create serviceaccount NAME`.
pub(super) fn service_account(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = with_common(&[]);
    let (p, name) = match parse_named(io, "create serviceaccount", &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let doc = Doc::map()
        .with("kind", Doc::str("ServiceAccount"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", meta(&name, &p, None));
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::ServiceAccount,
            name,
            doc,
            failure_prefix: None,
        },
        "created",
    )
}

/// A `--resource` value resolved as kubectl's RESTMapper would: `deploy` → `deployments` in
/// `apps`, `pods/log` keeps its subresource, `foos.example.com` names a group.
fn resolve_resource(s: &Session, r: &str) -> Result<(String, String), String> {
    let (base, sub) = match r.split_once('/') {
        Some((b, sub)) => (b, Some(sub)),
        None => (r, None),
    };
    if base == "*" {
        let resource = sub.map_or("*".to_string(), |sub| format!("*/{sub}"));
        return Ok((String::new(), resource));
    }
    let _ = s;
    let (name, group) = match base.split_once('.') {
        Some((n, g)) => (n, Some(g)),
        None => (base, None),
    };
    let known = Kind::from_resource_name(base).map(|k| {
        (
            kubeplay_engine::kind_group(k).to_string(),
            k.plural().to_string(),
        )
    });
    // Resources the playground does not serve but labs name, in their real groups.
    let extra = [
        ("persistentvolumeclaims", ""),
        ("persistentvolumes", ""),
        ("replicationcontrollers", ""),
        ("limitranges", ""),
        ("resourcequotas", ""),
        ("statefulsets", "apps"),
        ("ingresses", "networking.k8s.io"),
        ("storageclasses", "storage.k8s.io"),
    ];
    let (group, plural) = match known {
        Some(gp) => gp,
        None => match extra.iter().find(|(n, g)| {
            (*n == name || n.strip_suffix('s') == Some(name)) && group.is_none_or(|x| x == *g)
        }) {
            Some((n, g)) => (g.to_string(), n.to_string()),
            None => {
                return Err(format!(
                    "error: the server doesn't have a resource type \"{name}\""
                ))
            }
        },
    };
    let plural = match sub {
        Some(sub) => format!("{plural}/{sub}"),
        None => plural,
    };
    Ok((group, plural))
}

/// `kubectl create role NAME --verb=... --resource=... [--resource-name=...]` and
/// `kubectl create clusterrole NAME` (which also takes `--non-resource-url` and
/// `--aggregation-rule`). Models kubectl's `CreateRoleOptions` and `CreateClusterRoleOptions`.
pub(super) fn role(s: &mut Session, args: &[String], io: &mut Io, cluster: bool) -> i32 {
    let path = if cluster {
        "create clusterrole"
    } else {
        "create role"
    };
    let mut extra = vec![
        flag("verb", FlagKind::StringSlice),
        flag("resource", FlagKind::StringSlice),
        flag("resource-name", FlagKind::StringArray),
    ];
    if cluster {
        extra.push(flag("non-resource-url", FlagKind::StringSlice));
        extra.push(flag("aggregation-rule", FlagKind::String));
    }
    let flags = with_common(&extra);
    let (p, name) = match parse_named(io, path, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let verbs = p.all("verb");
    let resources = p.all("resource");
    let names = p.all("resource-name");
    let urls = if cluster {
        p.all("non-resource-url")
    } else {
        Vec::new()
    };
    let aggregation = p.get("aggregation-rule").filter(|a| !a.is_empty());
    let kind = if cluster { "ClusterRole" } else { "Role" };
    let mut doc = Doc::map()
        .with("kind", Doc::str(kind))
        .with("apiVersion", Doc::str(format!("{GROUP}/v1")))
        .with("metadata", meta(&name, &p, None));
    if let Some(rule) = aggregation {
        if !verbs.is_empty() || !resources.is_empty() || !names.is_empty() || !urls.is_empty() {
            return io.error("aggregation rule must be specified without nonResourceURLs, resources, verbs or resourceNames");
        }
        let mut labels = Doc::map();
        for pair in rule.split(',') {
            let Some((k, v)) = pair.split_once('=') else {
                return io.error(format!("invalid argument {rule:?} for \"--aggregation-rule\" flag: {pair} must be formatted as key=value"));
            };
            labels.push(k, Doc::str(v));
        }
        doc.push("rules", Doc::Null);
        doc.push(
            "aggregationRule",
            Doc::map().with(
                "clusterRoleSelectors",
                Doc::Seq(vec![Doc::map().with("matchLabels", labels)]),
            ),
        );
        return send(s, io, &p, Kind::ClusterRole, name, doc);
    }
    if verbs.is_empty() {
        return io.error("at least one verb must be specified");
    }
    if resources.is_empty() && urls.is_empty() {
        return io.error(if cluster {
            "one of resource or nonResourceURL must be specified"
        } else {
            "at least one resource must be specified"
        });
    }
    for v in &verbs {
        let valid = RESOURCE_VERBS.contains(&v.as_str())
            || (!urls.is_empty() && NON_RESOURCE_VERBS.contains(&v.as_str()));
        if !valid {
            io.err
                .push_str(&format!("Warning: '{v}' is not a standard resource verb\n"));
        }
    }
    for u in &urls {
        if !u.starts_with('/') {
            return io.error("nonResourceURL should start with /");
        }
    }
    // One rule per API group, groups sorted, each with the verbs and resource names.
    let mut by_group: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in &resources {
        match resolve_resource(s, r) {
            Ok((g, res)) => {
                let list = by_group.entry(g).or_default();
                if !list.contains(&res) {
                    list.push(res);
                }
            }
            Err(e) => return io.fail(e),
        }
    }
    let mut rules = Vec::new();
    for (g, res) in by_group {
        let mut rule = Doc::map()
            .with("verbs", strs(&verbs))
            .with("apiGroups", strs(&[g]))
            .with("resources", strs(&res));
        if !names.is_empty() {
            rule.push("resourceNames", strs(&names));
        }
        rules.push(rule);
    }
    if !urls.is_empty() {
        rules.push(
            Doc::map()
                .with("verbs", strs(&verbs))
                .with("nonResourceURLs", strs(&urls)),
        );
    }
    doc.push("rules", Doc::Seq(rules));
    let kind = if cluster {
        Kind::ClusterRole
    } else {
        Kind::Role
    };
    send(s, io, &p, kind, name, doc)
}

fn send(s: &mut Session, io: &mut Io, p: &Parsed, kind: Kind, name: String, doc: Doc) -> i32 {
    finish(
        s,
        io,
        p,
        Generated {
            kind,
            name,
            doc,
            failure_prefix: None,
        },
        "created",
    )
}

/// `kubectl create rolebinding NAME --role=R|--clusterrole=CR [--user=U] [--group=G]
/// [--serviceaccount=NS:NAME]` and `kubectl create clusterrolebinding NAME --clusterrole=CR ...`.
pub(super) fn binding(s: &mut Session, args: &[String], io: &mut Io, cluster: bool) -> i32 {
    let path = if cluster {
        "create clusterrolebinding"
    } else {
        "create rolebinding"
    };
    let mut extra = vec![
        flag("clusterrole", FlagKind::String),
        flag("user", FlagKind::StringArray),
        flag("group", FlagKind::StringArray),
        flag("serviceaccount", FlagKind::StringArray),
    ];
    if !cluster {
        extra.push(flag("role", FlagKind::String));
    }
    let flags = with_common(&extra);
    let (p, name) = match parse_named(io, path, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let cr = p.get("clusterrole").filter(|v| !v.is_empty());
    let role = p.get("role").filter(|v| !v.is_empty());
    let (ref_kind, ref_name) = match (cluster, role, cr) {
        (true, _, None) => return io.error("required flag(s) \"clusterrole\" not set"),
        (_, None, Some(c)) => ("ClusterRole", c.to_string()),
        (false, Some(r), None) => ("Role", r.to_string()),
        _ => return io.error("exactly one of clusterrole or role must be specified"),
    };
    let mut subjects = Vec::new();
    for (flag_name, kind) in [("user", "User"), ("group", "Group")] {
        for n in p.all(flag_name) {
            subjects.push(
                Doc::map()
                    .with("kind", Doc::str(kind))
                    .with("apiGroup", Doc::str(GROUP))
                    .with("name", Doc::str(n)),
            );
        }
    }
    for sa in p.all("serviceaccount") {
        let Some((ns, n)) = sa
            .split_once(':')
            .filter(|(ns, n)| !ns.is_empty() && !n.is_empty())
        else {
            return io.error("serviceaccount must be <namespace>:<name>");
        };
        subjects.push(
            Doc::map()
                .with("kind", Doc::str("ServiceAccount"))
                .with("name", Doc::str(n))
                .with("namespace", Doc::str(ns)),
        );
    }
    let kind_name = if cluster {
        "ClusterRoleBinding"
    } else {
        "RoleBinding"
    };
    let mut doc = Doc::map()
        .with("kind", Doc::str(kind_name))
        .with("apiVersion", Doc::str(format!("{GROUP}/v1")))
        .with("metadata", meta(&name, &p, None));
    if !subjects.is_empty() {
        doc.push("subjects", Doc::Seq(subjects));
    }
    doc.push(
        "roleRef",
        Doc::map()
            .with("apiGroup", Doc::str(GROUP))
            .with("kind", Doc::str(ref_kind))
            .with("name", Doc::str(ref_name)),
    );
    let kind = if cluster {
        Kind::ClusterRoleBinding
    } else {
        Kind::RoleBinding
    };
    send(s, io, &p, kind, name, doc)
}

/// FNV-1a 64 over `parts`, for the token's deterministic bytes.
fn fnv(parts: &[&str], salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `kubectl create token SA [--duration=D] [--audience=A]`: a TokenRequest for the
/// ServiceAccount, printed as the API server's signed JWT would be. There is no signing key: the
/// header, claims and a 256-byte "signature" are derived from the names and the simulated clock,
/// so the same session prints the same token.
pub(super) fn token(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("duration", FlagKind::Duration),
        flag("audience", FlagKind::StringArray),
        flag("bound-object-kind", FlagKind::String),
        flag("bound-object-name", FlagKind::String),
        flag("bound-object-uid", FlagKind::String),
        crate::flags::short("output", 'o', FlagKind::String),
    ];
    let (p, name) = match parse_named(io, "create token", &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let ns = super::namespace(&p);
    let duration_ms = p.duration("duration").unwrap_or(0);
    if duration_ms < 0 {
        return io.error("--duration must be greater than or equal to 0");
    }
    if duration_ms % 1000 != 0 {
        return io.error("--duration must be a whole number of seconds");
    }
    // The API server's default and minimum expirations.
    let seconds = if duration_ms == 0 {
        3600
    } else {
        duration_ms / 1000
    };
    let cluster = s.cluster();
    let sa = match cluster.get(Kind::ServiceAccount, &ns, &name) {
        Ok(Object::ServiceAccount(sa)) => sa.clone(),
        Ok(_) => {
            return io.fail(format!(
                "Error from server (NotFound): serviceaccounts \"{name}\" not found"
            ))
        }
        Err(e) => return io.fail(e.to_string()),
    };
    if let Err(e) = cluster.authorize(&kubeplay_engine::rbac::Attributes {
        subresource: "token".into(),
        name: name.clone(),
        ..kubeplay_engine::rbac::Attributes::resource("create", "", "serviceaccounts", &ns)
    }) {
        return io.fail(e.to_string());
    }
    if seconds < 600 {
        return io.fail(format!("The TokenRequest \"{name}\" is invalid: spec.expirationSeconds: Invalid value: {seconds}: may not specify a duration less than 10 minutes"));
    }
    let iat = cluster.now().seconds();
    let issuer = "https://kubernetes.default.svc.cluster.local";
    let audiences = {
        let a = p.all("audience");
        if a.is_empty() {
            vec![issuer.to_string()]
        } else {
            a
        }
    };
    let jti_bits = [
        fnv(&[&ns, &name, &iat.to_string()], 1),
        fnv(&[&ns, &name, &iat.to_string()], 2),
    ];
    let jti = format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        jti_bits[0] >> 32,
        (jti_bits[0] >> 16) & 0xffff,
        jti_bits[0] & 0xfff,
        8 + (jti_bits[1] >> 62),
        (jti_bits[1] >> 48) & 0xfff,
        jti_bits[1] & 0xffff_ffff_ffff
    );
    let kid = b64url(&fnv(&["kubeplay-service-account-key"], 0).to_be_bytes());
    let header = format!("{{\"alg\":\"RS256\",\"kid\":\"{kid}\"}}");
    let claims = serde_json::json!({
        "aud": audiences,
        "exp": iat + seconds,
        "iat": iat,
        "iss": issuer,
        "jti": jti,
        "kubernetes.io": {
            "namespace": ns,
            "serviceaccount": {"name": name, "uid": sa.metadata.uid},
        },
        "nbf": iat,
        "sub": format!("system:serviceaccount:{ns}:{name}"),
    });
    let signing_input = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let signature: Vec<u8> = (0..32u64)
        .flat_map(|i| fnv(&[&signing_input], i).to_be_bytes())
        .collect();
    io.println(format!("{signing_input}.{}", b64url(&signature)));
    0
}
