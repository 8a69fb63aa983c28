//! `kubectl create` (deployment, service, secret, configmap, namespace, job, cronjob, `-f`),
//! `kubectl run` and `kubectl expose`: the objects they generate in Go struct field order (so
//! `--dry-run=client -o json` matches the real kubectl), and sending them to the cluster.

use std::collections::BTreeMap;

use base64::Engine;
use kubeplay_api::{Kind, Object};

use super::printers::{self, Format};
use super::{namespace, parse_flags, usage_error, wants_help};
use crate::doc::Doc;
use crate::flags::{flag, opt, short, Flag, FlagKind, Parsed};
use crate::{Io, Session};

/// Flags every generator shares.
const COMMON: &[Flag] = &[
    opt("dry-run", FlagKind::String, "unchanged"),
    short("output", 'o', FlagKind::String),
    flag("save-config", FlagKind::Bool),
    flag("validate", FlagKind::String),
    flag("field-manager", FlagKind::String),
    flag("show-managed-fields", FlagKind::Bool),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("template", FlagKind::String),
];

pub(super) fn with_common(extra: &[Flag]) -> Vec<Flag> {
    let mut v = COMMON.to_vec();
    v.extend_from_slice(extra);
    v
}

/// `--dry-run`: none, client or server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DryRun {
    None,
    Client,
    Server,
}

/// Reads `--dry-run` as kubectl does, warning about the deprecated bare form.
pub(crate) fn dry_run(p: &Parsed, io: &mut Io, s: &Session) -> Result<DryRun, i32> {
    match p.get("dry-run") {
        None | Some("none") | Some("false") => Ok(DryRun::None),
        Some("client") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some("unchanged") | Some("true") => {
            io.err.push_str(&klog_warning(
                s,
                "helpers.go:714] --dry-run is deprecated and can be replaced with --dry-run=client.",
            ));
            Ok(DryRun::Client)
        }
        Some(other) => Err(io.error(format!(
            "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// A klog warning line, stamped with simulated time and pid 1.
pub(crate) fn klog_warning(s: &Session, msg: &str) -> String {
    let t = s.cluster().now().rfc3339(); // 2026-01-01T00:00:00Z
    let (date, time) = t.split_once('T').unwrap_or(("", ""));
    let mm = date.get(5..7).unwrap_or("01");
    let dd = date.get(8..10).unwrap_or("01");
    let hms = time.trim_end_matches('Z');
    format!("W{mm}{dd} {hms}.000000       1 {msg}\n")
}

fn output_format(p: &Parsed, io: &mut Io) -> Result<Option<Format>, i32> {
    match p.get("output") {
        None | Some("") => Ok(None),
        Some(o) => printers::parse_format(o, printers::OBJECT_FORMATS)
            .map(Some)
            .map_err(|e| io.error(e)),
    }
}

/// What a generator made: the object as kubectl would send it, in Go field order.
pub(super) struct Generated {
    pub(super) kind: Kind,
    pub(super) name: String,
    pub(super) doc: Doc,
    /// Wraps a server error: `failed to create deployment: %v`.
    pub(super) failure_prefix: Option<String>,
}

/// Sends (or with `--dry-run` only prints) a generated object, and prints what kubectl prints.
pub(super) fn finish(
    s: &mut Session,
    io: &mut Io,
    p: &Parsed,
    mut g: Generated,
    verb: &str,
) -> i32 {
    // `run` and `expose --overrides`: a patch of the generated object (JSON merge by default).
    if let Some(text) = p.get("overrides").filter(|t| !t.is_empty()) {
        let patch = match kubeplay_api::object::parse_value(text) {
            Ok(v) => v,
            Err(e) => {
                return io.error(format!(
                    "unable to parse \"{text}\": {}",
                    e.trim_start_matches("error: ")
                ))
            }
        };
        let name = p.get("override-type").unwrap_or("merge");
        let Some(ty) = kubeplay_api::patch::PatchType::parse(name) else {
            return io.error(format!(
                "--override-type must be one of [json merge strategic], not \"{name}\""
            ));
        };
        match ty.apply(&g.doc.to_value(), &patch) {
            Ok(v) => g.doc = Doc::from_value(&v),
            Err(e) => return io.error(e),
        }
    }
    let dry = match dry_run(p, io, s) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let format = match output_format(p, io) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let reference = super::kind_ref(g.kind, &g.name);
    let print = |io: &mut Io, doc: Doc, suffix: &str| match &format {
        None => io.println(format!("{reference} {verb}{suffix}")),
        Some(f) => printers::print_docs(io, f, vec![doc], std::slice::from_ref(&reference), true),
    };
    if dry == DryRun::Client {
        print(io, g.doc, " (dry run)");
        return 0;
    }
    let obj = match Object::from_value(g.doc.to_value()) {
        Ok(o) => o,
        Err(e) => return io.error(e.message),
    };
    let mut obj = obj;
    if obj.namespace().is_empty() && g.kind.namespaced() {
        obj.meta_mut().namespace = namespace(p);
    }
    if dry == DryRun::Server {
        return match server_dry_run(s, obj) {
            Ok(o) => {
                print(io, Doc::from_value(&o.to_value()), " (server dry run)");
                0
            }
            Err(e) => report(io, &g.failure_prefix, g.kind, e),
        };
    }
    match s.cluster_mut().create(obj) {
        Ok(o) => {
            print(io, Doc::from_value(&o.to_value()), "");
            0
        }
        Err(e) => report(io, &g.failure_prefix, g.kind, e),
    }
}

fn report(io: &mut Io, prefix: &Option<String>, kind: Kind, e: kubeplay_api::ApiError) -> i32 {
    match prefix {
        Some(p) => io.error(format!("{p}{}", super::raw_message(&e, kind))),
        None => io.fail(e.to_string()),
    }
}

/// Admission without storage: what `--dry-run=server` checks.
pub(crate) fn server_dry_run(
    s: &Session,
    mut obj: Object,
) -> Result<Object, kubeplay_api::ApiError> {
    let kind = obj.kind();
    if kind.namespaced() {
        if obj.namespace().is_empty() {
            obj.meta_mut().namespace = "default".into();
        }
        s.cluster().get(Kind::Namespace, "", obj.namespace())?;
    }
    if s.cluster().get(kind, obj.namespace(), obj.name()).is_ok() {
        return Err(kubeplay_api::ApiError::already_exists(
            &kind.qualified_plural(),
            obj.name(),
        ));
    }
    kubeplay_api::defaults::apply_defaults(&mut obj);
    kubeplay_api::validation::validate(&obj)?;
    Ok(obj)
}

/// `metadata`: name, namespace (only with `-n`), labels, in ObjectMeta's field order.
pub(super) fn meta(name: &str, p: &Parsed, labels: Option<Doc>) -> Doc {
    let mut m = Doc::map().with("name", Doc::str(name));
    if let Some(ns) = p.namespace() {
        m.push("namespace", Doc::str(ns));
    }
    if let Some(l) = labels {
        m.push("labels", l);
    }
    m
}

fn app_labels(name: &str) -> Doc {
    Doc::map().with("app", Doc::str(name))
}

/// Exactly one NAME, or cobra's usage error.
fn one_name(io: &mut Io, path: &str, p: &Parsed) -> Result<String, i32> {
    if p.args.len() != 1 {
        return Err(usage_error(
            io,
            path,
            &format!("exactly one NAME is required, got {}", p.args.len()),
        ));
    }
    Ok(p.args[0].clone())
}

/// The start every `create <kind> NAME` subcommand shares: flags, `--help` (which ends the
/// command with status 0), then exactly one NAME. `Err` carries the exit status.
pub(super) fn parse_named(
    io: &mut Io,
    path: &str,
    flags: &[Flag],
    args: &[String],
) -> Result<(Parsed, String), i32> {
    let p = parse_flags(io, path, flags, args)?;
    if wants_help(&p, path, io) {
        return Err(0);
    }
    let name = one_name(io, path, &p)?;
    Ok((p, name))
}

/// `kubectl create ...`
pub fn run(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let Some((sub, rest)) = super::split_command(args) else {
        return create_from_file(s, args, io);
    };
    // Only `-n`/`--namespace` and friends may come before the generator's name.
    match sub {
        "deployment" | "deploy" => deployment(s, &rest, io),
        "service" | "svc" => service(s, &rest, io),
        "secret" => secret(s, &rest, io),
        "configmap" | "cm" => configmap(s, &rest, io),
        "namespace" | "ns" => namespace_cmd(s, &rest, io),
        "job" => job(s, &rest, io),
        "priorityclass" | "pc" => priority_class(s, &rest, io),
        "poddisruptionbudget" | "pdb" => pod_disruption_budget(s, &rest, io),
        "cronjob" | "cj" => cron_job(s, &rest, io),
        "quota" | "resourcequota" => quota(s, &rest, io),
        "ingress" | "ing" => ingress(s, &rest, io),
        "serviceaccount" | "sa" => super::create_rbac::service_account(s, &rest, io),
        "role" => super::create_rbac::role(s, &rest, io, false),
        "clusterrole" => super::create_rbac::role(s, &rest, io, true),
        "rolebinding" => super::create_rbac::binding(s, &rest, io, false),
        "clusterrolebinding" => super::create_rbac::binding(s, &rest, io, true),
        "token" => super::create_rbac::token(s, &rest, io),
        _ => create_from_file(s, args, io),
    }
}

fn create_from_file(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = with_common(&[
        short("filename", 'f', FlagKind::StringSlice),
        short("recursive", 'R', FlagKind::Bool),
        short("kustomize", 'k', FlagKind::String),
        flag("edit", FlagKind::Bool),
        flag("raw", FlagKind::String),
        flag("windows-line-endings", FlagKind::Bool),
        short("selector", 'l', FlagKind::String),
    ]);
    let p = match parse_flags(io, "create", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "create", io) {
        return 0;
    }
    if let Some(a) = p.args.first() {
        return io.fail(format!(
            "error: unknown command \"{a}\" for \"kubectl create\"\nSee 'kubectl create -h' for help and examples"
        ));
    }
    if !p.has("filename") {
        return io.error("must specify one of -f and -k");
    }
    let dry = match dry_run(&p, io, s) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let format = match output_format(&p, io) {
        Ok(f) => f,
        Err(c) => return c,
    };
    let objs = match super::read_manifests_with_source(s, &p, io) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let ns = p.namespace().map(str::to_string);
    let mut code = 0;
    for (mut obj, source) in objs {
        if let Some(ns) = &ns {
            if obj.kind().namespaced() {
                if !obj.namespace().is_empty() && obj.namespace() != ns {
                    code = io.error(format!("the namespace from the provided object \"{}\" does not match the namespace \"{ns}\". You must pass '--namespace={}' to perform this operation.", obj.namespace(), obj.namespace()));
                    continue;
                }
                obj.meta_mut().namespace = ns.clone();
            }
        }
        let reference = super::object_ref(&obj);
        let result = match dry {
            DryRun::Client => Ok(obj.clone()),
            DryRun::Server => server_dry_run(s, obj),
            DryRun::None => s.cluster_mut().create(obj),
        };
        let suffix = match dry {
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
            DryRun::None => "",
        };
        match result {
            Ok(o) => match &format {
                None => io.println(format!("{reference} created{suffix}")),
                Some(f) => printers::print_docs(
                    io,
                    f,
                    vec![Doc::from_value(&o.to_value())],
                    std::slice::from_ref(&reference),
                    true,
                ),
            },
            Err(e) => code = io.fail(super::error_when_creating(&e, &source)),
        }
    }
    code
}

// ----- deployment ---------------------------------------------------------------------------------

fn deployment(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create deployment";
    let flags = with_common(&[
        flag("image", FlagKind::StringSlice),
        flag("port", FlagKind::Int32),
        short("replicas", 'r', FlagKind::Int32),
    ]);
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let images = p.all("image");
    if images.is_empty() {
        return io.error("required flag(s) \"image\" not set");
    }
    let name = match one_name(io, PATH, &p) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let command = p.after_dash.clone().unwrap_or_default();
    if images.len() > 1 && !command.is_empty() {
        return io.error("cannot specify multiple --image options and command");
    }
    let replicas = p.int("replicas").unwrap_or(1);
    let port = p.int("port").unwrap_or(-1);
    let mut containers = Vec::new();
    for (i, image) in images.iter().enumerate() {
        let mut c = Doc::map()
            .with("name", Doc::str(container_name(image)))
            .with("image", Doc::str(image.clone()));
        if !command.is_empty() {
            c.push(
                "command",
                Doc::Seq(command.iter().map(|a| Doc::str(a.clone())).collect()),
            );
        }
        if i == 0 && port >= 0 {
            c.push(
                "ports",
                Doc::Seq(vec![Doc::map().with("containerPort", Doc::int(port))]),
            );
        }
        c.push("resources", Doc::map());
        containers.push(c);
    }
    let doc = Doc::map()
        .with("kind", Doc::str("Deployment"))
        .with("apiVersion", Doc::str("apps/v1"))
        .with("metadata", meta(&name, &p, Some(app_labels(&name))))
        .with(
            "spec",
            Doc::map()
                .with("replicas", Doc::int(replicas))
                .with(
                    "selector",
                    Doc::map().with("matchLabels", app_labels(&name)),
                )
                .with(
                    "template",
                    Doc::map()
                        .with("metadata", Doc::map().with("labels", app_labels(&name)))
                        .with("spec", Doc::map().with("containers", Doc::Seq(containers))),
                )
                .with("strategy", Doc::map()),
        )
        .with("status", Doc::map());
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Deployment,
            name,
            doc,
            failure_prefix: Some("failed to create deployment: ".into()),
        },
        "created",
    )
}

/// The container name `create deployment` derives from an image: its last path element without
/// tag or digest, with `.` and `_` made DNS-safe.
fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split(':').next().unwrap_or(last);
    let last = last.split('@').next().unwrap_or(last);
    if last.contains(['_', '.']) {
        // Upstream appends 5 random characters here; a fixed suffix keeps runs reproducible.
        format!("{}-{}", last.replace(['_', '.'], "-"), "x7k2p")
    } else {
        last.to_string()
    }
}

// ----- job and cronjob ----------------------------------------------------------------------------

/// The one container `create job` and `create cronjob` put in their pod template: named after
/// the object, with the words after `--` as its command.
fn job_pod_template(name: &str, image: &str, command: &[String], restart: &str) -> Doc {
    let mut c = Doc::map()
        .with("name", Doc::str(name))
        .with("image", Doc::str(image));
    if !command.is_empty() {
        c.push(
            "command",
            Doc::Seq(command.iter().map(|a| Doc::str(a.clone())).collect()),
        );
    }
    c.push("resources", Doc::map());
    Doc::map().with("metadata", Doc::map()).with(
        "spec",
        Doc::map()
            .with("containers", Doc::Seq(vec![c]))
            .with("restartPolicy", Doc::str(restart)),
    )
}

/// `kubectl create job NAME --image=IMAGE [-- COMMAND...]` or `--from=cronjob/NAME`. Models
/// kubernetes/staging/src/k8s.io/kubectl/pkg/cmd/create CreateJobOptions (createJob,
/// createJobFromCronJob).
fn job(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create job";
    let flags = with_common(&[
        flag("image", FlagKind::String),
        flag("from", FlagKind::String),
    ]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let image = p.get("image").unwrap_or("");
    let from = p.get("from").unwrap_or("");
    if image.is_empty() == from.is_empty() {
        return io.error("either --image or --from must be specified");
    }
    let command = p.after_dash.clone().unwrap_or_default();
    if !command.is_empty() && !from.is_empty() {
        return io.error("cannot specify --from and command");
    }
    let doc = if image.is_empty() {
        match job_from_cron_job(s, &p, &name, from) {
            Ok(d) => d,
            Err(e) => return io.fail(e),
        }
    } else {
        Doc::map()
            .with("kind", Doc::str("Job"))
            .with("apiVersion", Doc::str("batch/v1"))
            .with("metadata", meta(&name, &p, None))
            .with(
                "spec",
                Doc::map().with(
                    "template",
                    job_pod_template(&name, image, &command, "Never"),
                ),
            )
            .with("status", Doc::map())
    };
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Job,
            name,
            doc,
            failure_prefix: Some("failed to create job: ".into()),
        },
        "created",
    )
}

/// The Job `--from=cronjob/NAME` makes: the CronJob's job template, marked as started by
/// hand, owned by the CronJob. The error is kubectl's whole message.
fn job_from_cron_job(s: &Session, p: &Parsed, name: &str, from: &str) -> Result<Doc, String> {
    let ns = namespace(p);
    let Some((type_, source)) = from.split_once('/') else {
        // A bare word is a resource type to the resource builder, which needs a name.
        super::resolve_kind(from).map_err(|e| format!("error: {e}"))?;
        return Err("error: resource(s) were provided, but no name was specified".into());
    };
    let kind = super::resolve_kind(type_).map_err(|e| format!("error: {e}"))?;
    let cj = match s.cluster().get(kind, &ns, source) {
        Ok(Object::CronJob(cj)) => cj,
        // Go's type name for the object the builder decoded (`*v1.Deployment`).
        Ok(other) => {
            return Err(format!(
                "error: unknown object type *v1.{}",
                other.kind().name()
            ))
        }
        Err(e) => return Err(e.to_string()),
    };
    let template = &cj.spec.job_template;
    // The template's annotations are copied over the mark (a template may even set its own);
    // a BTreeMap writes them sorted, as encoding/json writes a map.
    let mut annotations = BTreeMap::from([(
        "cronjob.kubernetes.io/instantiate".to_string(),
        "manual".to_string(),
    )]);
    annotations.extend(template.metadata.annotations.clone());
    let mut m = Doc::map().with("name", Doc::str(name));
    if let Some(ns) = p.namespace() {
        m.push("namespace", Doc::str(ns));
    }
    if !template.metadata.labels.is_empty() {
        m.push("labels", Doc::string_map(&template.metadata.labels));
    }
    m.push("annotations", Doc::string_map(&annotations));
    m.push(
        "ownerReferences",
        Doc::Seq(vec![Doc::map()
            .with("apiVersion", Doc::str("batch/v1"))
            .with("kind", Doc::str("CronJob"))
            .with("name", Doc::str(cj.metadata.name.clone()))
            .with("uid", Doc::str(cj.metadata.uid.clone()))
            .with("controller", Doc::Bool(true))]),
    );
    let spec = serde_json::to_value(&template.spec).unwrap_or_default();
    Ok(Doc::map()
        .with("kind", Doc::str("Job"))
        .with("apiVersion", Doc::str("batch/v1"))
        .with("metadata", m)
        .with("spec", Doc::from_value(&spec))
        .with("status", Doc::map()))
}

/// `kubectl create cronjob NAME --image=IMAGE --schedule=SCHEDULE [--restart=POLICY] [--
/// COMMAND...]`. Models kubernetes/staging/src/k8s.io/kubectl/pkg/cmd/create
/// CreateCronJobOptions.createCronJob.
fn cron_job(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create cronjob";
    let flags = with_common(&[
        flag("image", FlagKind::String),
        flag("schedule", FlagKind::String),
        flag("restart", FlagKind::String),
    ]);
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    // cobra checks required flags before the command runs, so before the NAME.
    let missing: Vec<String> = ["image", "schedule"]
        .iter()
        .filter(|f| !p.has(f))
        .map(|f| format!("\"{f}\""))
        .collect();
    if !missing.is_empty() {
        return io.error(format!("required flag(s) {} not set", missing.join(", ")));
    }
    let name = match one_name(io, PATH, &p) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let image = p.get("image").unwrap_or("");
    let restart = p
        .get("restart")
        .filter(|r| !r.is_empty())
        .unwrap_or("OnFailure");
    let command = p.after_dash.clone().unwrap_or_default();
    let doc = Doc::map()
        .with("kind", Doc::str("CronJob"))
        .with("apiVersion", Doc::str("batch/v1"))
        .with("metadata", meta(&name, &p, None))
        .with(
            "spec",
            Doc::map()
                .with("schedule", Doc::str(p.get("schedule").unwrap_or("")))
                .with(
                    "jobTemplate",
                    Doc::map()
                        .with("metadata", Doc::map().with("name", Doc::str(name.clone())))
                        .with(
                            "spec",
                            Doc::map().with(
                                "template",
                                job_pod_template(&name, image, &command, restart),
                            ),
                        ),
                ),
        )
        .with("status", Doc::map());
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::CronJob,
            name,
            doc,
            failure_prefix: Some("failed to create cronjob: ".into()),
        },
        "created",
    )
}

/// `kubectl create poddisruptionbudget NAME --selector=SELECTOR (--min-available=N |
/// --max-unavailable=N)`; N is a number or a percentage.
fn pod_disruption_budget(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create poddisruptionbudget";
    let flags = with_common(&[
        flag("selector", FlagKind::String),
        flag("min-available", FlagKind::String),
        flag("max-unavailable", FlagKind::String),
    ]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let min = p.get("min-available").filter(|v| !v.is_empty());
    let max = p.get("max-unavailable").filter(|v| !v.is_empty());
    match (min, max) {
        (None, None) => {
            return io.error("one of min-available or max-unavailable must be specified")
        }
        (Some(_), Some(_)) => {
            return io.error("min-available and max-unavailable cannot be both specified")
        }
        _ => {}
    }
    let Some(selector) = p.get("selector").filter(|v| !v.is_empty()) else {
        return io.error("a selector must be specified");
    };
    let selector = match kubeplay_api::LabelSelector::parse(selector) {
        Ok(sel) => sel,
        Err(e) => return io.error(e),
    };
    // intstr.Parse: a number is an int, anything else a string.
    let int_or_string = |v: &str| match v.parse::<i64>() {
        Ok(n) => Doc::int(n),
        Err(_) => Doc::str(v),
    };
    let mut spec = Doc::map();
    if let Some(v) = min {
        spec = spec.with("minAvailable", int_or_string(v));
    }
    if let Some(v) = max {
        spec = spec.with("maxUnavailable", int_or_string(v));
    }
    let selector = serde_json::to_value(&selector).unwrap_or_default();
    spec = spec.with("selector", Doc::from_value(&selector));
    let doc = Doc::map()
        .with("kind", Doc::str("PodDisruptionBudget"))
        .with("apiVersion", Doc::str("policy/v1"))
        .with("metadata", meta(&name, &p, None))
        .with("spec", spec)
        .with(
            "status",
            Doc::map()
                .with("currentHealthy", Doc::int(0))
                .with("desiredHealthy", Doc::int(0))
                .with("disruptionsAllowed", Doc::int(0))
                .with("expectedPods", Doc::int(0)),
        );
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::PodDisruptionBudget,
            name,
            doc,
            failure_prefix: Some("failed to create poddisruptionbudgets: ".into()),
        },
        "created",
    )
}

/// One `--rule` of `kubectl create ingress`: `host/path=svc:port[,tls[=secret]]`.
struct IngressRuleFlag {
    host: String,
    path: String,
    service: String,
    port: String,
    /// `Some("")`: tls without a secret.
    tls: Option<String>,
}

/// Reads a rule as kubectl's rule expression does: a host of word characters, `*`, `-` and
/// `.`; a path from the first `/` to the `=` after which `svc:port` follows (the last such);
/// an optional `,tls[=secret]`. Anything after is ignored, as kubectl's unanchored match does.
fn parse_ingress_rule(rule: &str) -> Option<IngressRuleFlag> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let host_end = rule.find(|c: char| !(word(c) || c == '*' || c == '.'))?;
    let (host, rest) = rule.split_at(host_end);
    if !rest.starts_with('/') {
        return None;
    }
    // The path is greedy: the last `=` that a `svc:port` follows ends it.
    let target = |after: &str| -> Option<(String, String, Option<String>)> {
        let svc_end = after.find(|c: char| !word(c)).unwrap_or(after.len());
        let (svc, after) = after.split_at(svc_end);
        let after = after.strip_prefix(':')?;
        let port_end = after.find(|c: char| !word(c)).unwrap_or(after.len());
        let (port, after) = after.split_at(port_end);
        if svc.is_empty() || port.is_empty() {
            return None;
        }
        let tls = after.strip_prefix(",tls").map(|t| {
            let t = t.strip_prefix('=').unwrap_or(t);
            let end = t.find(|c: char| !word(c)).unwrap_or(t.len());
            t[..end].to_string()
        });
        Some((svc.to_string(), port.to_string(), tls))
    };
    rest.match_indices('=').rev().find_map(|(i, _)| {
        target(&rest[i + 1..]).map(|(service, port, tls)| IngressRuleFlag {
            host: host.to_string(),
            path: rest[..i].to_string(),
            service,
            port,
            tls,
        })
    })
}

/// `{service: {name, port: {number|name}}}`: a number when the port reads as one.
fn ingress_backend_doc(service: &str, port: &str) -> Doc {
    let port = match port.parse::<i64>() {
        Ok(n) => Doc::map().with("number", Doc::int(n)),
        Err(_) => Doc::map().with("name", Doc::str(port)),
    };
    Doc::map().with(
        "service",
        Doc::map()
            .with("name", Doc::str(service))
            .with("port", port),
    )
}

/// `kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] [--class=CLASS]
/// [--default-backend=svc:port] [--annotation=key=value]`: a path ending in `*` is a Prefix,
/// any other Exact; rules of one host share its paths; the first TLS rule of a host names it.
fn ingress(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create ingress";
    let flags = with_common(&[
        flag("rule", FlagKind::StringArray),
        flag("annotation", FlagKind::StringArray),
        flag("class", FlagKind::String),
        flag("default-backend", FlagKind::String),
    ]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let rules_given = p.all("rule");
    let default_backend = p.get("default-backend").filter(|v| !v.is_empty());
    if default_backend.is_none() && rules_given.is_empty() {
        return io.error("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)");
    }
    let mut rules = Vec::new();
    for r in &rules_given {
        match parse_ingress_rule(r) {
            Some(rule) => rules.push(rule),
            None => {
                return io.error(format!(
                    "rule {r} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
                ))
            }
        }
    }
    let mut annotations = Doc::map();
    let mut any_annotation = false;
    for a in p.all("annotation") {
        let Some((k, v)) = a.split_once('=') else {
            return io.error(format!(
                "annotation {a} is invalid and should be in format key=[value]"
            ));
        };
        annotations.push(k, Doc::str(v));
        any_annotation = true;
    }
    let default_backend = match default_backend {
        Some(b) => match b.split(':').collect::<Vec<_>>()[..] {
            [svc, port] => Some(ingress_backend_doc(svc, port)),
            _ => return io.error("default-backend should be in format servicename:serviceport"),
        },
        None => None,
    };
    // Rules grouped by host, in the order hosts first appear.
    let mut hosts: Vec<(String, Vec<Doc>)> = Vec::new();
    for r in &rules {
        let (path, path_type) = match r.path.strip_suffix('*') {
            Some(prefix) => (prefix, "Prefix"),
            None => (r.path.as_str(), "Exact"),
        };
        let entry = Doc::map()
            .with("backend", ingress_backend_doc(&r.service, &r.port))
            .with("path", Doc::str(path))
            .with("pathType", Doc::str(path_type));
        match hosts.iter_mut().find(|(h, _)| *h == r.host) {
            Some((_, paths)) => paths.push(entry),
            None => hosts.push((r.host.clone(), vec![entry])),
        }
    }
    let mut tls: Vec<Doc> = Vec::new();
    let mut tls_hosts: Vec<&str> = Vec::new();
    for r in &rules {
        let Some(secret) = &r.tls else { continue };
        if r.host.is_empty() || tls_hosts.contains(&r.host.as_str()) {
            continue;
        }
        tls_hosts.push(&r.host);
        let mut t = Doc::map().with("hosts", Doc::Seq(vec![Doc::str(&r.host)]));
        if !secret.is_empty() {
            t.push("secretName", Doc::str(secret));
        }
        tls.push(t);
    }
    let mut spec = Doc::map();
    if let Some(b) = default_backend {
        spec.push("defaultBackend", b);
    }
    if let Some(class) = p.get("class").filter(|c| !c.is_empty()) {
        spec.push("ingressClassName", Doc::str(class));
    }
    if !hosts.is_empty() {
        let rules = hosts
            .into_iter()
            .map(|(host, paths)| {
                let mut rule = Doc::map();
                if !host.is_empty() {
                    rule.push("host", Doc::str(host));
                }
                rule.with("http", Doc::map().with("paths", Doc::Seq(paths)))
            })
            .collect();
        spec.push("rules", Doc::Seq(rules));
    }
    if !tls.is_empty() {
        spec.push("tls", Doc::Seq(tls));
    }
    let mut metadata = Doc::map();
    if any_annotation {
        metadata.push("annotations", annotations);
    }
    metadata.push("name", Doc::str(&name));
    if let Some(ns) = p.namespace() {
        metadata.push("namespace", Doc::str(ns));
    }
    let doc = Doc::map()
        .with("kind", Doc::str("Ingress"))
        .with("apiVersion", Doc::str("networking.k8s.io/v1"))
        .with("metadata", metadata)
        .with("spec", spec)
        .with("status", Doc::map().with("loadBalancer", Doc::map()));
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Ingress,
            name,
            doc,
            failure_prefix: None,
        },
        "created",
    )
}

/// `kubectl create quota NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2]`.
/// Quantities are checked here, as kubectl parses them; scopes are the API server's to refuse.
fn quota(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create quota";
    let flags = with_common(&[
        flag("hard", FlagKind::String),
        flag("scopes", FlagKind::String),
    ]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let mut hard = std::collections::BTreeMap::new();
    for statement in p
        .get("hard")
        .filter(|h| !h.is_empty())
        .into_iter()
        .flat_map(|h| h.split(','))
    {
        let parts: Vec<&str> = statement.split('=').collect();
        let [key, value] = parts[..] else {
            return io.error(format!(
                "Invalid argument syntax {statement}, expected <resource>=<value>"
            ));
        };
        match value.parse::<kubeplay_api::Quantity>() {
            Ok(q) => {
                hard.insert(key.to_string(), q);
            }
            Err(e) => return io.error(e.to_string()),
        }
    }
    let mut spec = Doc::map();
    if !hard.is_empty() {
        let mut m = Doc::map();
        for (k, v) in &hard {
            m.push(k, Doc::str(v.to_string()));
        }
        spec.push("hard", m);
    }
    if let Some(scopes) = p.get("scopes").filter(|v| !v.is_empty()) {
        spec.push(
            "scopes",
            Doc::Seq(scopes.split(',').map(Doc::str).collect()),
        );
    }
    let doc = Doc::map()
        .with("kind", Doc::str("ResourceQuota"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", meta(&name, &p, None))
        .with("spec", spec)
        .with("status", Doc::map());
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::ResourceQuota,
            name,
            doc,
            failure_prefix: Some("failed to create quota: ".into()),
        },
        "created",
    )
}

/// `kubectl create priorityclass NAME [--value=N] [--global-default] [--description=TEXT]
/// [--preemption-policy=POLICY]`.
fn priority_class(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create priorityclass";
    let flags = with_common(&[
        flag("value", FlagKind::Int32),
        flag("global-default", FlagKind::Bool),
        flag("description", FlagKind::String),
        flag("preemption-policy", FlagKind::String),
    ]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let mut doc = Doc::map()
        .with("kind", Doc::str("PriorityClass"))
        .with("apiVersion", Doc::str("scheduling.k8s.io/v1"))
        .with("metadata", meta(&name, &p, None))
        .with("value", Doc::int(p.int("value").unwrap_or(0)));
    if p.bool("global-default") {
        doc = doc.with("globalDefault", Doc::Bool(true));
    }
    if let Some(d) = p.get("description").filter(|d| !d.is_empty()) {
        doc = doc.with("description", Doc::str(d));
    }
    let policy = p
        .get("preemption-policy")
        .filter(|v| !v.is_empty())
        .unwrap_or("PreemptLowerPriority");
    doc = doc.with("preemptionPolicy", Doc::str(policy));
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::PriorityClass,
            name,
            doc,
            failure_prefix: Some("failed to create priorityclass: ".into()),
        },
        "created",
    )
}

// ----- service ------------------------------------------------------------------------------------

fn service(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let Some((sub, rest)) = super::split_command(args) else {
        io.err.push_str(super::help::CREATE_SERVICE);
        return 1;
    };
    let (type_, path) = match sub {
        "clusterip" => ("ClusterIP", "create service clusterip"),
        "nodeport" => ("NodePort", "create service nodeport"),
        "loadbalancer" => ("LoadBalancer", "create service loadbalancer"),
        "externalname" => ("ExternalName", "create service externalname"),
        other => {
            return io.fail(format!(
                "error: unknown command \"{other}\" for \"kubectl create service\"\n\nDid you mean this?\n\tclusterip\n\tnodeport\n"
            ))
        }
    };
    let mut extra = vec![flag("tcp", FlagKind::StringSlice)];
    match type_ {
        "ClusterIP" => extra.push(flag("clusterip", FlagKind::String)),
        "NodePort" => extra.push(flag("node-port", FlagKind::Int)),
        "ExternalName" => extra.push(flag("external-name", FlagKind::String)),
        _ => {}
    }
    let flags = with_common(&extra);
    let p = match parse_flags(io, path, &flags, &rest) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, path, io) {
        return 0;
    }
    if type_ == "ExternalName" && p.get("external-name").is_none_or(str::is_empty) {
        return io.error("required flag(s) \"external-name\" not set");
    }
    let name = match one_name(io, path, &p) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let tcp = p.all("tcp");
    let cluster_ip = p.get("clusterip").unwrap_or("");
    if tcp.is_empty() && type_ != "ExternalName" && cluster_ip != "None" {
        return io.error("at least one tcp port specifier must be provided");
    }
    let node_port = p.int("node-port").unwrap_or(0);
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = match parse_ports(spec) {
            Ok(x) => x,
            Err(e) => return io.error(e),
        };
        let mut d = Doc::map()
            .with("name", Doc::str(spec.replace(':', "-")))
            .with("protocol", Doc::str("TCP"))
            .with("port", Doc::int(port))
            .with("targetPort", target);
        if node_port != 0 {
            d.push("nodePort", Doc::int(node_port));
        }
        ports.push(d);
    }
    let mut spec = Doc::map();
    if !ports.is_empty() {
        spec.push("ports", Doc::Seq(ports));
    }
    spec.push("selector", app_labels(&name));
    if !cluster_ip.is_empty() {
        spec.push("clusterIP", Doc::str(cluster_ip));
    }
    spec.push("type", Doc::str(type_));
    if let Some(ext) = p.get("external-name") {
        spec.push("externalName", Doc::str(ext));
    }
    let doc = Doc::map()
        .with("kind", Doc::str("Service"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", meta(&name, &p, Some(app_labels(&name))))
        .with("spec", spec)
        .with("status", Doc::map().with("loadBalancer", Doc::map()));
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Service,
            name,
            doc,
            failure_prefix: Some(format!("failed to create {type_} service: ")),
        },
        "created",
    )
}

/// `port[:targetPort]` as `create service --tcp` reads it.
fn parse_ports(spec: &str) -> Result<(i64, Doc), String> {
    let mut parts = spec.split(':');
    let port_s = parts.next().unwrap_or("");
    let port = parse_uint16(port_s)?;
    let Some(target) = parts.next() else {
        return Ok((port, Doc::int(port)));
    };
    if let Ok(n) = target.parse::<i64>() {
        if !(1..=65535).contains(&n) {
            return Err("must be between 1 and 65535, inclusive".into());
        }
        return Ok((port, Doc::int(n)));
    }
    let valid_name = !target.is_empty()
        && target.len() <= 15
        && target
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && target.chars().any(|c| c.is_ascii_lowercase())
        && !target.starts_with('-')
        && !target.ends_with('-')
        && !target.contains("--");
    if !valid_name {
        return Err(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into(),
        );
    }
    Ok((port, Doc::str(target)))
}

/// `strconv.ParseUint(s, 10, 16)` with Go's error text.
fn parse_uint16(s: &str) -> Result<i64, String> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing {}: invalid syntax",
            crate::duration::go_quote(s)
        ));
    }
    match s.parse::<u64>() {
        Ok(v) if v <= 65535 => Ok(v as i64),
        _ => Err(format!(
            "strconv.ParseUint: parsing {}: value out of range",
            crate::duration::go_quote(s)
        )),
    }
}

// ----- secret and configmap -----------------------------------------------------------------------

fn secret(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let Some((sub, rest)) = super::split_command(args) else {
        io.err.push_str(super::help::CREATE_SECRET);
        return 1;
    };
    match sub {
        "generic" => secret_generic(s, &rest, io),
        "tls" => secret_tls(s, &rest, io),
        "docker-registry" => secret_docker_registry(s, &rest, io),
        other => io.fail(format!(
            "error: unknown command \"{other}\" for \"kubectl create secret\"\n\nDid you mean this?\n\tgeneric\n\ttls\n"
        )),
    }
}

/// Reads `--from-literal`, `--from-file` and `--from-env-file` into key/value pairs, with
/// kubectl's duplicate-key error (worded per kind).
fn collect_data(
    s: &Session,
    p: &Parsed,
    dup: &dyn Fn(&str) -> String,
) -> Result<BTreeMap<String, String>, String> {
    let mut data = BTreeMap::new();
    let add = |k: String, v: String, data: &mut BTreeMap<String, String>| {
        if data.contains_key(&k) {
            return Err(dup(&k));
        }
        data.insert(k, v);
        Ok(())
    };
    for lit in p.all("from-literal") {
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(format!("invalid literal source {lit}, expected key=value"));
        };
        add(k.to_string(), v.to_string(), &mut data)?;
    }
    for f in p.all("from-file") {
        let (key, path) = match f.split_once('=') {
            Some((k, path)) => (k.to_string(), path.to_string()),
            None => (f.rsplit('/').next().unwrap_or(&f).to_string(), f.clone()),
        };
        let text = s
            .files()
            .read(&path)
            .map_err(|e| format!("error reading {path}: {}", e.reason()))?;
        add(key, text, &mut data)?;
    }
    for f in p.all("from-env-file") {
        let text = s
            .files()
            .read(&f)
            .map_err(|e| format!("error reading {f}: {}", e.reason()))?;
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            add(k.to_string(), v.to_string(), &mut data)?;
        }
    }
    Ok(data)
}

const DATA_FLAGS: &[Flag] = &[
    flag("from-literal", FlagKind::StringArray),
    flag("from-file", FlagKind::StringSlice),
    flag("from-env-file", FlagKind::StringSlice),
    flag("append-hash", FlagKind::Bool),
];

fn secret_generic(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create secret generic";
    let mut extra = DATA_FLAGS.to_vec();
    extra.push(flag("type", FlagKind::String));
    let flags = with_common(&extra);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let data = match collect_data(s, &p, &|k| {
        format!("cannot add key {k}, another key by that name already exists")
    }) {
        Ok(d) => d,
        Err(e) => return io.error(e),
    };
    let mut doc = Doc::map()
        .with("kind", Doc::str("Secret"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", meta(&name, &p, None));
    if !data.is_empty() {
        doc.push("data", b64_map(&data));
    }
    if let Some(t) = p.get("type").filter(|t| !t.is_empty()) {
        doc.push("type", Doc::str(t));
    }
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Secret,
            name,
            doc,
            failure_prefix: Some("failed to create secret ".into()),
        },
        "created",
    )
}

fn secret_docker_registry(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create secret docker-registry";
    let flags = with_common(&[
        flag("docker-server", FlagKind::String),
        flag("docker-username", FlagKind::String),
        flag("docker-password", FlagKind::String),
        flag("docker-email", FlagKind::String),
        flag("from-file", FlagKind::StringSlice),
        flag("append-hash", FlagKind::Bool),
    ]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let user = p.get("docker-username").unwrap_or("");
    let password = p.get("docker-password").unwrap_or("");
    if user.is_empty() || password.is_empty() {
        return io.error("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
    }
    let server = p
        .get("docker-server")
        .unwrap_or("https://index.docker.io/v1/");
    let b64 = |x: &str| base64::engine::general_purpose::STANDARD.encode(x.as_bytes());
    let mut entry = Doc::map()
        .with("username", Doc::str(user))
        .with("password", Doc::str(password));
    if let Some(e) = p.get("docker-email").filter(|e| !e.is_empty()) {
        entry.push("email", Doc::str(e));
    }
    entry.push("auth", Doc::str(b64(&format!("{user}:{password}"))));
    let config = Doc::map().with("auths", Doc::map().with(server, entry));
    let doc = Doc::map()
        .with("kind", Doc::str("Secret"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", meta(&name, &p, None))
        .with(
            "data",
            Doc::map().with(
                ".dockerconfigjson",
                Doc::str(b64(&config.to_json_compact())),
            ),
        )
        .with("type", Doc::str("kubernetes.io/dockerconfigjson"));
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Secret,
            name,
            doc,
            failure_prefix: Some("failed to create secret ".into()),
        },
        "created",
    )
}

fn b64_map(data: &BTreeMap<String, String>) -> Doc {
    Doc::Map(
        data.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    Doc::str(base64::engine::general_purpose::STANDARD.encode(v.as_bytes())),
                )
            })
            .collect(),
    )
}

fn secret_tls(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create secret tls";
    let flags = with_common(&[
        flag("cert", FlagKind::String),
        flag("key", FlagKind::String),
        flag("append-hash", FlagKind::Bool),
    ]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let (Some(cert), Some(key)) = (
        p.get("cert").filter(|c| !c.is_empty()),
        p.get("key").filter(|k| !k.is_empty()),
    ) else {
        return io.error("key and cert must be specified");
    };
    let mut data = BTreeMap::new();
    for (k, path) in [("tls.crt", cert), ("tls.key", key)] {
        match s.files().read(path) {
            Ok(t) => {
                data.insert(k.to_string(), t);
            }
            Err(e) => {
                return io.error(format!(
                    "Cannot read file {path}, open {path}: {}",
                    e.reason()
                ))
            }
        }
    }
    let doc = Doc::map()
        .with("kind", Doc::str("Secret"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", meta(&name, &p, None))
        .with("data", b64_map(&data))
        .with("type", Doc::str("kubernetes.io/tls"));
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Secret,
            name,
            doc,
            failure_prefix: Some("failed to create secret ".into()),
        },
        "created",
    )
}

fn configmap(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create configmap";
    let flags = with_common(DATA_FLAGS);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let n2 = name.clone();
    let data = match collect_data(s, &p, &move |k| {
        format!("cannot add key \"{k}\", another key by that name already exists in Data for ConfigMap \"{n2}\"")
    }) {
        Ok(d) => d,
        Err(e) => return io.error(e),
    };
    let mut doc = Doc::map()
        .with("kind", Doc::str("ConfigMap"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", meta(&name, &p, None));
    if !data.is_empty() {
        doc.push("data", Doc::string_map(&data));
    }
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::ConfigMap,
            name,
            doc,
            failure_prefix: Some("failed to create configmap: ".into()),
        },
        "created",
    )
}

fn namespace_cmd(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "create namespace";
    let flags = with_common(&[]);
    let (p, name) = match parse_named(io, PATH, &flags, args) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let doc = Doc::map()
        .with("kind", Doc::str("Namespace"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", Doc::map().with("name", Doc::str(name.clone())))
        .with("spec", Doc::map())
        .with("status", Doc::map());
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Namespace,
            name,
            doc,
            failure_prefix: None,
        },
        "created",
    )
}

// ----- run and expose -----------------------------------------------------------------------------

/// `kubectl run NAME --image=IMAGE`: a bare pod labelled `run=NAME`.
pub fn run_pod(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "run";
    let flags = with_common(&[
        flag("image", FlagKind::String),
        flag("port", FlagKind::String),
        short("labels", 'l', FlagKind::String),
        flag("env", FlagKind::StringArray),
        flag("restart", FlagKind::String),
        flag("command", FlagKind::Bool),
        flag("image-pull-policy", FlagKind::String),
        flag("annotations", FlagKind::StringArray),
        short("stdin", 'i', FlagKind::Bool),
        short("tty", 't', FlagKind::Bool),
        flag("rm", FlagKind::Bool),
        flag("expose", FlagKind::Bool),
        flag("overrides", FlagKind::String),
        flag("override-type", FlagKind::String),
    ]);
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let Some(image) = p.get("image").filter(|i| !i.is_empty()).map(str::to_string) else {
        return io.error("required flag(s) \"image\" not set");
    };
    let Some(name) = p.args.first().cloned() else {
        return usage_error(io, PATH, "NAME is required for run");
    };
    if p.bool("stdin") || p.bool("tty") || p.bool("rm") {
        return io
            .error("the playground runs no real containers: -i, -t and --rm are not available");
    }
    let mut labels = Doc::map();
    match p.get("labels") {
        Some(l) => {
            for kv in l.split(',') {
                let Some((k, v)) = kv.split_once('=') else {
                    return io.error(format!("invalid label spec: {kv}"));
                };
                labels.push(k, Doc::str(v));
            }
        }
        None => labels.push("run", Doc::str(name.clone())),
    }
    let mut c = Doc::map()
        .with("name", Doc::str(name.clone()))
        .with("image", Doc::str(image));
    let rest: Vec<String> = p
        .args
        .iter()
        .skip(1)
        .cloned()
        .chain(p.after_dash.clone().unwrap_or_default())
        .collect();
    if !rest.is_empty() {
        let key = if p.bool("command") { "command" } else { "args" };
        c.push(key, Doc::Seq(rest.into_iter().map(Doc::Str).collect()));
    }
    if let Some(port) = p.get("port") {
        let Ok(n) = port.parse::<i64>() else {
            return io.error(format!(
                "strconv.Atoi: parsing {}: invalid syntax",
                crate::duration::go_quote(port)
            ));
        };
        c.push(
            "ports",
            Doc::Seq(vec![Doc::map().with("containerPort", Doc::int(n))]),
        );
    }
    let env = p.all("env");
    if !env.is_empty() {
        let mut items = Vec::new();
        for e in env {
            let (k, v) = e.split_once('=').unwrap_or((&e, ""));
            items.push(
                Doc::map()
                    .with("name", Doc::str(k))
                    .with("value", Doc::str(v)),
            );
        }
        c.push("env", Doc::Seq(items));
    }
    if let Some(pp) = p.get("image-pull-policy") {
        c.push("imagePullPolicy", Doc::str(pp));
    }
    c.push("resources", Doc::map());
    let restart = p.get("restart").unwrap_or("Always");
    if !["Always", "OnFailure", "Never"].contains(&restart) {
        return io.error(format!("invalid restart policy: {restart}"));
    }
    let mut m = meta(&name, &p, Some(labels));
    let anns = p.all("annotations");
    if !anns.is_empty() {
        let mut a = Doc::map();
        for kv in anns {
            let (k, v) = kv.split_once('=').unwrap_or((&kv, ""));
            a.push(k, Doc::str(v));
        }
        m.push("annotations", a);
    }
    let doc = Doc::map()
        .with("kind", Doc::str("Pod"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", m)
        .with(
            "spec",
            Doc::map()
                .with("containers", Doc::Seq(vec![c]))
                .with("restartPolicy", Doc::str(restart))
                .with("dnsPolicy", Doc::str("ClusterFirst")),
        )
        .with("status", Doc::map());
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Pod,
            name,
            doc,
            failure_prefix: None,
        },
        "created",
    )
}

/// `kubectl expose (deployment|rs|pod|svc) NAME --port=...`: a Service selecting the same pods.
pub fn expose(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "expose";
    let flags = with_common(&[
        flag("port", FlagKind::String),
        flag("target-port", FlagKind::String),
        flag("type", FlagKind::String),
        flag("name", FlagKind::String),
        flag("protocol", FlagKind::String),
        flag("selector", FlagKind::String),
        short("labels", 'l', FlagKind::String),
        flag("node-port", FlagKind::Int),
        flag("cluster-ip", FlagKind::String),
        short("filename", 'f', FlagKind::StringSlice),
        flag("overrides", FlagKind::String),
        flag("override-type", FlagKind::String),
    ]);
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let targets = match super::parse_targets(&p.args) {
        Ok(super::Targets::Named(n)) if n.len() == 1 => n,
        Ok(super::Targets::Kinds(k)) if k.is_empty() => {
            return io.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        Ok(_) => return usage_error(io, PATH, "exactly one resource is required"),
        Err(e) => return io.error(e),
    };
    let (kind, src_name) = targets[0].clone();
    let ns = namespace(&p);
    let src = match s.cluster().get(kind, &ns, &src_name) {
        Ok(o) => o.clone(),
        Err(e) => return io.fail(e.to_string()),
    };
    let (selector, labels, template_ports) = match &src {
        Object::Deployment(d) => (
            d.spec.selector.match_labels.clone(),
            d.metadata.labels.clone(),
            container_ports(&d.spec.template.spec),
        ),
        Object::ReplicaSet(rs) => (
            rs.spec.selector.match_labels.clone(),
            rs.metadata.labels.clone(),
            container_ports(&rs.spec.template.spec),
        ),
        Object::Pod(pod) => (
            pod.metadata.labels.clone(),
            pod.metadata.labels.clone(),
            container_ports(&pod.spec),
        ),
        Object::Service(svc) => (
            svc.spec.selector.clone(),
            svc.metadata.labels.clone(),
            svc.spec.ports.iter().map(|p| p.port as i64).collect(),
        ),
        _ => return io.error(format!("cannot expose a {}", kind.name())),
    };
    let selector = match p.get("selector") {
        Some(sel) => sel
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        None => selector,
    };
    if selector.is_empty() {
        return io.error(format!(
            "couldn't retrieve selectors via --selector flag or introspection: the {} has no selector",
            kind.name()
        ));
    }
    let ports: Vec<i64> = match p.get("port") {
        Some(port) => match port.parse::<i64>() {
            Ok(n) => vec![n],
            Err(_) => {
                return io.error(format!(
                    "strconv.Atoi: parsing {}: invalid syntax",
                    crate::duration::go_quote(port)
                ))
            }
        },
        None => template_ports,
    };
    if ports.is_empty() {
        return io.error("couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples");
    }
    let name = p.get("name").unwrap_or(&src_name).to_string();
    let protocol = p.get("protocol").unwrap_or("TCP");
    let mut port_docs = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let mut d = Doc::map();
        if ports.len() > 1 {
            d.push("name", Doc::str(format!("port-{}", i + 1)));
        }
        d.push("protocol", Doc::str(protocol));
        d.push("port", Doc::int(*port));
        let target = match p.get("target-port") {
            Some(t) => match t.parse::<i64>() {
                Ok(n) => Doc::int(n),
                Err(_) => Doc::str(t),
            },
            None => Doc::int(*port),
        };
        d.push("targetPort", target);
        if let Some(np) = p.int("node-port") {
            d.push("nodePort", Doc::int(np));
        }
        port_docs.push(d);
    }
    let mut spec = Doc::map()
        .with("ports", Doc::Seq(port_docs))
        .with("selector", Doc::string_map(&selector));
    if let Some(ip) = p.get("cluster-ip") {
        spec.push("clusterIP", Doc::str(ip));
    }
    if let Some(t) = p.get("type") {
        spec.push("type", Doc::str(t));
    }
    let mut m = Doc::map().with("name", Doc::str(name.clone()));
    if let Some(ns) = p.namespace() {
        m.push("namespace", Doc::str(ns));
    }
    if !labels.is_empty() {
        m.push("labels", Doc::string_map(&labels));
    }
    let doc = Doc::map()
        .with("kind", Doc::str("Service"))
        .with("apiVersion", Doc::str("v1"))
        .with("metadata", m)
        .with("spec", spec)
        .with("status", Doc::map().with("loadBalancer", Doc::map()));
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::Service,
            name,
            doc,
            failure_prefix: None,
        },
        "exposed",
    )
}

fn container_ports(spec: &kubeplay_api::core::PodSpec) -> Vec<i64> {
    spec.containers
        .iter()
        .flat_map(|c| c.ports.iter().map(|p| p.container_port as i64))
        .collect()
}

/// `kubectl autoscale (deployment|replicaset|statefulset) NAME --max=N [--min=N] [--cpu=50%]`:
/// an autoscaling/v2 HorizontalPodAutoscaler for the workload, as kubectl generates it.
pub fn autoscale(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const PATH: &str = "autoscale";
    let flags = with_common(&[
        flag("min", FlagKind::Int32),
        flag("max", FlagKind::Int32),
        flag("cpu", FlagKind::String),
        flag("cpu-percent", FlagKind::Int32),
        flag("memory", FlagKind::String),
        flag("name", FlagKind::String),
        short("filename", 'f', FlagKind::StringSlice),
    ]);
    let p = match parse_flags(io, PATH, &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, PATH, io) {
        return 0;
    }
    let Some(max) = p.int("max") else {
        return io.error("required flag(s) \"max\" not set");
    };
    let min = p.int("min").unwrap_or(-1);
    if max < 1 {
        return io.error(format!(
            "--max=MAXPODS is required and must be at least 1, max: {max}"
        ));
    }
    if max < min {
        return io.error(format!(
            "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        ));
    }
    let targets = match super::parse_targets(&p.args) {
        Ok(super::Targets::Named(n)) if n.len() == 1 => n,
        Ok(super::Targets::Kinds(k)) if k.is_empty() => {
            return io.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        Ok(_) => return usage_error(io, PATH, "exactly one resource is required"),
        Err(e) => return io.error(e),
    };
    let (kind, target) = targets[0].clone();
    if !matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
    ) {
        return io.error(format!(
            "cannot autoscale a {}: {} \"{target}\" has no scale subresource",
            kind.name(),
            kind.qualified_plural()
        ));
    }
    let ns = namespace(&p);
    if let Err(e) = s.cluster().get(kind, &ns, &target) {
        return io.fail(e.to_string());
    }
    // A target given as `70%` is a utilization, otherwise an average value (bare numbers in
    // millicores for CPU, mebibytes for memory).
    let metric = |resource: &str, text: &str, unit: &str| -> Result<Doc, String> {
        let target = match text.strip_suffix('%') {
            Some(n) => {
                let n: i64 = n
                    .parse()
                    .map_err(|_| format!("invalid {resource} utilization {text:?}"))?;
                Doc::map()
                    .with("averageUtilization", Doc::int(n))
                    .with("type", Doc::str("Utilization"))
            }
            None => {
                let q = if text.chars().all(|c| c.is_ascii_digit()) {
                    format!("{text}{unit}")
                } else {
                    text.to_string()
                };
                let q: kubeplay_api::Quantity = q
                    .parse()
                    .map_err(|_| format!("invalid {resource} quantity {text:?}"))?;
                Doc::map()
                    .with("averageValue", Doc::str(q.to_string()))
                    .with("type", Doc::str("AverageValue"))
            }
        };
        Ok(Doc::map()
            .with(
                "resource",
                Doc::map()
                    .with("name", Doc::str(resource))
                    .with("target", target),
            )
            .with("type", Doc::str("Resource")))
    };
    let mut metrics = Vec::new();
    if let Some(pct) = p.int("cpu-percent") {
        io.err.push_str("Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).\n");
        if pct >= 0 && p.get("cpu").is_none() {
            metrics.push(
                Doc::map()
                    .with(
                        "resource",
                        Doc::map().with("name", Doc::str("cpu")).with(
                            "target",
                            Doc::map()
                                .with("averageUtilization", Doc::int(pct))
                                .with("type", Doc::str("Utilization")),
                        ),
                    )
                    .with("type", Doc::str("Resource")),
            );
        }
    }
    for (resource, unit) in [("cpu", "m"), ("memory", "Mi")] {
        if let Some(text) = p.get(resource).filter(|t| !t.is_empty()) {
            match metric(resource, text, unit) {
                Ok(d) => metrics.push(d),
                Err(e) => return io.error(e),
            }
        }
    }
    let name = p.get("name").unwrap_or(&target).to_string();
    let mut m = Doc::map().with("name", Doc::str(name.clone()));
    if let Some(ns) = p.namespace() {
        m.push("namespace", Doc::str(ns));
    }
    let mut spec = Doc::map().with("maxReplicas", Doc::int(max));
    if !metrics.is_empty() {
        spec.push("metrics", Doc::Seq(metrics));
    }
    if min >= 0 {
        spec.push("minReplicas", Doc::int(min));
    }
    spec.push(
        "scaleTargetRef",
        Doc::map()
            .with("apiVersion", Doc::str(kind.api_version()))
            .with("kind", Doc::str(kind.name()))
            .with("name", Doc::str(target)),
    );
    let doc = Doc::map()
        .with("apiVersion", Doc::str("autoscaling/v2"))
        .with("kind", Doc::str("HorizontalPodAutoscaler"))
        .with("metadata", m)
        .with("spec", spec)
        .with(
            "status",
            Doc::map()
                .with("currentMetrics", Doc::Null)
                .with("desiredReplicas", Doc::int(0)),
        );
    finish(
        s,
        io,
        &p,
        Generated {
            kind: Kind::HorizontalPodAutoscaler,
            name,
            doc,
            failure_prefix: None,
        },
        "autoscaled",
    )
}
