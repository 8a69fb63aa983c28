//! Access from kubectl's side: impersonation (`--as`, `--as-group`, read for every command),
//! `kubectl auth can-i` and `kubectl auth whoami`. The decisions are the engine's authorizer's
//! (`kubeplay_engine::rbac`); this file turns words into its attributes and prints its answers.

use kubeplay_api::Kind;
use kubeplay_engine::rbac::{Attributes, UserInfo};

use super::printers::{self, Format};
use super::{namespace, parse_flags, usage_error, wants_help};
use crate::doc::Doc;
use crate::flags::{flag, short, FlagKind};
use crate::tabwriter::TabWriter;
use crate::{Io, Session};

/// The user the command's `--as` and `--as-group` name, if any, with the groups the API
/// server's impersonation filter adds. Read from the raw words, since every command takes them.
pub(crate) fn impersonation(args: &[String]) -> Result<Option<UserInfo>, String> {
    let mut user: Option<String> = None;
    let mut groups: Vec<String> = Vec::new();
    let mut uid = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            break;
        }
        let mut take = |name: &str| -> Option<String> {
            if let Some(v) = a.strip_prefix(&format!("--{name}=")) {
                return Some(v.to_string());
            }
            if a == format!("--{name}") {
                i += 1;
                return Some(args.get(i).cloned().unwrap_or_default());
            }
            None
        };
        if let Some(v) = take("as") {
            user = Some(v);
        } else if let Some(v) = take("as-group") {
            groups.push(v);
        } else if take("as-uid").is_some() {
            uid = true;
        }
        i += 1;
    }
    match user.filter(|u| !u.is_empty()) {
        Some(u) => Ok(Some(UserInfo::impersonated(&u, &groups))),
        None if !groups.is_empty() || uid => {
            Err("requesting uid, groups or user-extra for  without impersonating a user".into())
        }
        None => Ok(None),
    }
}

/// Who the API server sees: the impersonated user, or the console's admin.
fn requester(s: &Session) -> UserInfo {
    s.cluster()
        .requester()
        .cloned()
        .unwrap_or_else(UserInfo::admin)
}

/// `kubectl auth SUBCOMMAND`.
pub(crate) fn auth(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    match super::split_command(args) {
        Some(("can-i", rest)) => can_i(s, &rest, io),
        Some(("whoami", rest)) => whoami(s, &rest, io),
        Some(("reconcile", _)) => io.error(
            "\"kubectl auth reconcile\" is not available in the playground",
        ),
        Some((other, _)) if !other.starts_with('-') => io.fail(format!(
            "error: unknown command \"{other}\" for \"kubectl auth\"\nSee 'kubectl auth -h' for help and examples"
        )),
        _ => {
            io.out.push_str(&super::help::for_command("auth"));
            0
        }
    }
}

/// kubectl's verbs for `can-i`, beyond which it warns.
const KNOWN_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];

/// `kubectl auth can-i VERB TYPE[/NAME] [NAME]`, `can-i VERB /URL`, `can-i --list`. Models
/// kubectl's `CanIOptions`: yes or no on stdout, exit 0 or 1; `--quiet` prints nothing.
fn can_i(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "auth can-i";
    let flags = [
        short("all-namespaces", 'A', FlagKind::Bool),
        flag("list", FlagKind::Bool),
        flag("no-headers", FlagKind::Bool),
        short("quiet", 'q', FlagKind::Bool),
        flag("subresource", FlagKind::String),
    ];
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let ns = if p.bool("all-namespaces") {
        String::new()
    } else {
        namespace(&p)
    };
    let user = requester(s);
    let policy = s.cluster().policy();
    if p.bool("list") {
        if !p.args.is_empty() {
            return usage_error(io, PATH, "list option must be specified with no arguments");
        }
        let rules: Vec<kubeplay_api::rbac::PolicyRule> =
            policy.rules_for(&user, &ns).into_iter().cloned().collect();
        let mut text = String::new();
        if !p.bool("no-headers") {
            text.push_str("Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
        }
        for (_, res, urls, names, verbs) in super::describe::compact_rules(&rules) {
            text.push_str(&format!("{res}\t{urls}\t{names}\t{verbs}\n"));
        }
        io.out.push_str(&TabWriter::table().format(&text));
        return 0;
    }
    let (verb, target) = match p.args.as_slice() {
        [verb, target] => (verb.clone(), target.clone()),
        [verb, target, name] if !target.contains('/') => (verb.clone(), format!("{target}/{name}")),
        [] | [_] => {
            return usage_error(
                io,
                PATH,
                "you must specify two arguments: verb resource or verb resource/resourceName.",
            )
        }
        _ => return usage_error(
            io,
            PATH,
            "you must specify two or three arguments: verb, resource, and optional resourceName",
        ),
    };
    if !KNOWN_VERBS.contains(&verb.as_str()) && !target.starts_with('/') {
        io.err
            .push_str(&format!("Warning: verb '{verb}' is not a known verb\n"));
    }
    let attrs = if target.starts_with('/') {
        Attributes {
            verb: verb.clone(),
            path: target.clone(),
            ..Default::default()
        }
    } else {
        let (type_, name) = match target.split_once('/') {
            Some((t, n)) => (t.to_string(), n.to_string()),
            None => (target.clone(), String::new()),
        };
        let (group, resource, namespaced) = if type_ == "*" {
            ("*".to_string(), "*".to_string(), true)
        } else {
            match Kind::from_resource_name(&type_) {
                Some(k) => (
                    kubeplay_engine::kind_group(k).to_string(),
                    k.plural().to_string(),
                    k.namespaced(),
                ),
                None => {
                    io.err.push_str(&format!(
                        "Warning: the server doesn't have a resource type '{type_}'\n"
                    ));
                    let (r, g) = type_.split_once('.').unwrap_or((&type_, ""));
                    (g.to_string(), r.to_string(), true)
                }
            }
        };
        if !namespaced && p.namespace().is_some() {
            io.err.push_str(&format!(
                "Warning: resource '{resource}' is not namespace scoped\n"
            ));
        }
        Attributes {
            verb: verb.clone(),
            api_group: group,
            resource,
            subresource: p.string("subresource", ""),
            namespace: if namespaced { ns } else { String::new() },
            name,
            path: String::new(),
        }
    };
    let allowed = policy.allows(&user, &attrs);
    if !p.bool("quiet") {
        io.println(if allowed { "yes" } else { "no" });
    }
    if allowed {
        0
    } else {
        1
    }
}

/// `kubectl auth whoami`: the SelfSubjectReview's user as a table, or the review itself with
/// `-o yaml|json`.
fn whoami(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "auth whoami";
    let flags = [short("output", 'o', FlagKind::String)];
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let user = requester(s);
    if let Err(e) = s.cluster().authorize(&Attributes::resource(
        "create",
        "authentication.k8s.io",
        "selfsubjectreviews",
        "",
    )) {
        return io.fail(e.to_string());
    }
    let format = match p.get("output").filter(|o| !o.is_empty()) {
        None => None,
        Some(o) => match printers::parse_format(o, printers::OBJECT_FORMATS) {
            Ok(f) => Some(f),
            Err(e) => return io.error(e),
        },
    };
    match format {
        None | Some(Format::Table { .. }) => {
            let text = format!(
                "ATTRIBUTE\tVALUE\nUsername\t{}\nGroups\t[{}]\n",
                user.name,
                user.groups.join(" ")
            );
            io.out.push_str(&TabWriter::table().format(&text));
        }
        Some(f) => {
            let review = Doc::map()
                .with("kind", Doc::str("SelfSubjectReview"))
                .with("apiVersion", Doc::str("authentication.k8s.io/v1"))
                .with("metadata", Doc::map())
                .with(
                    "status",
                    Doc::map().with(
                        "userInfo",
                        Doc::map()
                            .with("username", Doc::str(user.name.as_str()))
                            .with(
                                "groups",
                                Doc::Seq(
                                    user.groups.iter().map(|g| Doc::str(g.as_str())).collect(),
                                ),
                            ),
                    ),
                );
            printers::print_docs(
                io,
                &f,
                vec![review],
                &["selfsubjectreview".to_string()],
                true,
            );
        }
    }
    0
}
