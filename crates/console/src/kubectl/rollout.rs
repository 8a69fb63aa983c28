//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments, and `status`,
//! `history`, `undo` and `restart` for DaemonSets and StatefulSets (from their
//! ControllerRevisions). As in the real kubectl, `undo`, `pause`, `resume` and `restart` are
//! client-side updates of the workload, and `status` watches it, printing kubectl's progress
//! lines.

use kubeplay_api::apps::{
    CHANGE_CAUSE_ANNOTATION, POD_TEMPLATE_HASH_LABEL, RESTARTED_AT_ANNOTATION,
};
use kubeplay_api::{DaemonSet, Deployment, Kind, Object, ReplicaSet, StatefulSet, Time};
use kubeplay_engine::Cluster;

use super::{namespace, parse_flags, parse_targets, wants_help, Targets};
use crate::flags::{flag, opt, short, FlagKind, Parsed};
use crate::tabwriter::TabWriter;
use crate::{Io, Job, Session};

pub fn run(s: &mut Session, args: &[String], io: &mut Io, allow_job: bool) -> (i32, Option<Job>) {
    let Some((sub, rest)) = super::split_command(args) else {
        io.out.push_str(&super::help::for_command("rollout"));
        return (0, None);
    };
    let code = match sub {
        "status" => return status(s, &rest, io, allow_job),
        "history" => history(s, &rest, io),
        "undo" => undo(s, &rest, io),
        "pause" => pause_resume(s, &rest, io, true),
        "resume" => pause_resume(s, &rest, io, false),
        "restart" => restart(s, &rest, io),
        other => io.fail(format!(
            "error: unknown command \"{other}\" for \"kubectl rollout\"\n\nDid you mean this?\n\tstatus\n\thistory\n"
        )),
    };
    (code, None)
}

/// The deployments the arguments name (`deployment/x`, `deployment x`, `-l`).
fn deployments(s: &Session, p: &Parsed, io: &mut Io) -> Result<Vec<Deployment>, i32> {
    let ns = namespace(p);
    if let Some(sel) = p.get("selector") {
        let sel = kubeplay_api::LabelSelector::parse(sel).map_err(|e| io.error(e))?;
        return Ok(s
            .cluster()
            .list(Kind::Deployment, Some(&ns), Some(&sel))
            .into_iter()
            .filter_map(|o| match o {
                Object::Deployment(d) => Some(d.clone()),
                _ => None,
            })
            .collect());
    }
    let named = match parse_targets(&p.args) {
        Ok(Targets::Named(n)) => n,
        Ok(Targets::Kinds(k)) if k.is_empty() => {
            return Err(io.error("required resource not specified"));
        }
        Ok(Targets::Kinds(_)) => {
            return Err(io.error("resource(s) were provided, but no name was specified"))
        }
        Err(e) => return Err(io.error(e)),
    };
    let mut out = Vec::new();
    for (k, name) in named {
        if k != Kind::Deployment {
            return Err(io.error(format!(
                "no status viewer has been implemented for {}",
                k.name()
            )));
        }
        match s.cluster().get(k, &ns, &name) {
            Ok(Object::Deployment(d)) => out.push(d.clone()),
            Ok(_) => {}
            Err(e) => return Err(io.fail(e.to_string())),
        }
    }
    Ok(out)
}

/// The DaemonSets and StatefulSets the arguments name, when they name only those
/// (`daemonset/x`, `sts web`).
fn daemon_and_stateful_sets(
    s: &Session,
    p: &Parsed,
    io: &mut Io,
) -> Option<Result<Vec<Object>, i32>> {
    let Ok(Targets::Named(named)) = parse_targets(&p.args) else {
        return None;
    };
    if named.is_empty()
        || named
            .iter()
            .any(|(k, _)| *k != Kind::DaemonSet && *k != Kind::StatefulSet)
    {
        return None;
    }
    let ns = namespace(p);
    let mut out = Vec::new();
    for (k, name) in named {
        match s.cluster().get(k, &ns, &name) {
            Ok(o) => out.push(o.clone()),
            Err(e) => return Some(Err(io.fail(e.to_string()))),
        }
    }
    Some(Ok(out))
}

/// `StatefulSetStatusViewer.Status`.
pub(crate) fn stateful_set_status_line(s: &StatefulSet) -> Result<(String, bool), String> {
    if s.spec.update_strategy.type_ != "RollingUpdate" {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let st = &s.status;
    if st.observed_generation == 0 || s.metadata.generation > st.observed_generation {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    if st.ready_replicas < s.replicas() {
        return Ok((
            format!(
                "Waiting for {} pods to be ready...\n",
                s.replicas() - st.ready_replicas
            ),
            false,
        ));
    }
    let partition = s.partition();
    if partition > 0 {
        let want = (s.replicas() - partition).max(0);
        if st.updated_replicas < want {
            return Ok((
                format!(
                    "Waiting for partitioned roll out to finish: {} out of {want} new pods have been updated...\n",
                    st.updated_replicas
                ),
                false,
            ));
        }
        return Ok((
            format!(
                "partitioned roll out complete: {} new pods have been updated...\n",
                st.updated_replicas
            ),
            true,
        ));
    }
    if st.update_revision != st.current_revision {
        return Ok((
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...\n",
                st.updated_replicas, st.update_revision
            ),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {}...\n",
            st.current_replicas, st.current_revision
        ),
        true,
    ))
}

/// `DaemonSetStatusViewer.Status`.
pub(crate) fn daemon_set_status_line(d: &DaemonSet) -> Result<(String, bool), String> {
    if d.spec.update_strategy.type_ != "RollingUpdate" {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let name = &d.metadata.name;
    let st = &d.status;
    if d.metadata.generation > st.observed_generation {
        return Ok((
            "Waiting for daemon set spec update to be observed...\n".into(),
            false,
        ));
    }
    if st.updated_number_scheduled < st.desired_number_scheduled {
        return Ok((
            format!(
                "Waiting for daemon set {name:?} rollout to finish: {} out of {} new pods have been updated...\n",
                st.updated_number_scheduled, st.desired_number_scheduled
            ),
            false,
        ));
    }
    if st.number_available < st.desired_number_scheduled {
        return Ok((
            format!(
                "Waiting for daemon set {name:?} rollout to finish: {} of {} updated pods are available...\n",
                st.number_available, st.desired_number_scheduled
            ),
            false,
        ));
    }
    Ok((
        format!("daemon set {name:?} successfully rolled out\n"),
        true,
    ))
}

/// ReplicaSets a Deployment controls, by revision.
fn owned_replica_sets(cluster: &Cluster, d: &Deployment) -> Vec<ReplicaSet> {
    let mut v: Vec<ReplicaSet> = cluster
        .list(Kind::ReplicaSet, Some(&d.metadata.namespace), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::ReplicaSet(rs)
                if rs
                    .metadata
                    .controller()
                    .is_some_and(|c| c.uid == d.metadata.uid) =>
            {
                Some(rs.clone())
            }
            _ => None,
        })
        .collect();
    v.sort_by_key(ReplicaSet::revision);
    v
}

// ----- status ------------------------------------------------------------------------------------

/// `rollout status`: prints the status line each time the Deployment changes, until it is done.
#[derive(Debug)]
pub struct RolloutStatus {
    /// Deployment or DaemonSet.
    kind: Kind,
    namespace: String,
    name: String,
    revision: i64,
    watch: bool,
    last_rv: Option<String>,
    pub(crate) deadline: Option<Time>,
}

/// `DeploymentStatusViewer.Status`: the line to print, and whether the rollout is done.
pub(crate) fn status_line(d: &Deployment, revision: i64) -> Result<(String, bool), String> {
    if revision > 0 {
        let rev: i64 = d
            .metadata
            .annotation(kubeplay_api::apps::REVISION_ANNOTATION)
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        if rev != revision {
            return Err(format!(
                "desired revision ({revision}) is different from the running revision ({rev})"
            ));
        }
    }
    let name = &d.metadata.name;
    if d.metadata.generation <= d.status.observed_generation {
        if d.status
            .conditions
            .iter()
            .any(|c| c.type_ == "Progressing" && c.reason == "ProgressDeadlineExceeded")
        {
            return Err(format!(
                "deployment {name:?} exceeded its progress deadline"
            ));
        }
        let want = d.replicas();
        let st = &d.status;
        if st.updated_replicas < want {
            return Ok((
                format!(
                    "Waiting for deployment {name:?} rollout to finish: {} out of {want} new replicas have been updated...\n",
                    st.updated_replicas
                ),
                false,
            ));
        }
        if st.replicas > st.updated_replicas {
            return Ok((
                format!(
                    "Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n",
                    st.replicas - st.updated_replicas
                ),
                false,
            ));
        }
        if st.available_replicas < st.updated_replicas {
            return Ok((
                format!(
                    "Waiting for deployment {name:?} rollout to finish: {} of {} updated replicas are available...\n",
                    st.available_replicas, st.updated_replicas
                ),
                false,
            ));
        }
        return Ok((
            format!("deployment {name:?} successfully rolled out\n"),
            true,
        ));
    }
    Ok((
        "Waiting for deployment spec update to be observed...\n".to_string(),
        false,
    ))
}

impl RolloutStatus {
    pub(crate) fn step(&mut self, cluster: &Cluster, io: &mut Io) -> Option<i32> {
        let o = match cluster.get(self.kind, &self.namespace, &self.name) {
            Ok(o) => o,
            Err(e) => return Some(io.fail(e.to_string())),
        };
        if self.last_rv.as_deref() == Some(o.meta().resource_version.as_str()) {
            return None;
        }
        self.last_rv = Some(o.meta().resource_version.clone());
        let line = match o {
            Object::Deployment(d) => status_line(d, self.revision),
            Object::DaemonSet(d) => daemon_set_status_line(d),
            Object::StatefulSet(d) => stateful_set_status_line(d),
            _ => return Some(1),
        };
        match line {
            Err(e) => Some(io.error(e)),
            Ok((line, done)) => {
                io.out.push_str(&line);
                if done || !self.watch {
                    Some(0)
                } else {
                    None
                }
            }
        }
    }
}

fn status(s: &mut Session, args: &[String], io: &mut Io, allow_job: bool) -> (i32, Option<Job>) {
    let flags = [
        short("watch", 'w', FlagKind::Bool),
        flag("revision", FlagKind::Int),
        flag("timeout", FlagKind::Duration),
        short("selector", 'l', FlagKind::String),
        short("filename", 'f', FlagKind::StringSlice),
    ];
    let p = match parse_flags(io, "rollout status", &flags, args) {
        Ok(p) => p,
        Err(c) => return (c, None),
    };
    if wants_help(&p, "rollout status", io) {
        return (0, None);
    }
    let (kind, meta) = match daemon_and_stateful_sets(s, &p, io) {
        Some(Ok(ds)) => match ds.into_iter().next() {
            Some(d) => (d.kind(), d.meta().clone()),
            None => return (io.error("no resources found"), None),
        },
        Some(Err(c)) => return (c, None),
        None => {
            let ds = match deployments(s, &p, io) {
                Ok(d) => d,
                Err(c) => return (c, None),
            };
            let Some(d) = ds.into_iter().next() else {
                return (io.error("no resources found"), None);
            };
            (Kind::Deployment, d.metadata)
        }
    };
    let now = s.cluster().now();
    let job = Job::RolloutStatus(RolloutStatus {
        kind,
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
        revision: p.int("revision").unwrap_or(0),
        watch: p.get("watch").is_none_or(|w| w == "true"),
        last_rv: None,
        deadline: p
            .duration("timeout")
            .filter(|t| *t > 0)
            .map(|t| now.plus_millis(t)),
    });
    if allow_job {
        let mut job = job;
        if let Some(code) = job.step(s.cluster(), io) {
            return (code, None);
        }
        return (0, Some(job));
    }
    (crate::jobs::drive(s.cluster_mut(), job, io), None)
}

// ----- history -----------------------------------------------------------------------------------

fn history(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("revision", FlagKind::Int),
        short("selector", 'l', FlagKind::String),
        short("output", 'o', FlagKind::String),
        short("filename", 'f', FlagKind::StringSlice),
    ];
    let p = match parse_flags(io, "rollout history", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "rollout history", io) {
        return 0;
    }
    let revision = p.int("revision").unwrap_or(0);
    if let Some(found) = daemon_and_stateful_sets(s, &p, io) {
        let Ok(found) = found else { return 1 };
        for o in found {
            let reference = format!("{}/{}", o.kind().qualified_singular(), o.name());
            let revs = controller_revisions(s.cluster(), &o);
            if revision > 0 {
                let Some(t) = revs
                    .iter()
                    .find(|r| r.revision == revision)
                    .and_then(|r| r.template())
                else {
                    return io.error("unable to find the specified revision");
                };
                io.out
                    .push_str(&format!("{reference} with revision #{revision}\n"));
                io.out.push_str(&super::describe::pod_template_text(&t));
                io.out.push('\n');
                continue;
            }
            let mut text = String::from("REVISION\tCHANGE-CAUSE\n");
            for r in &revs {
                let cause = r
                    .metadata
                    .annotation(CHANGE_CAUSE_ANNOTATION)
                    .filter(|c| !c.is_empty())
                    .unwrap_or("<none>");
                text.push_str(&format!("{}\t{cause}\n", r.revision));
            }
            let table = TabWriter::describe().format(&text);
            io.out.push_str(&format!("{reference} \n{table}\n"));
        }
        return 0;
    }
    let ds = match deployments(s, &p, io) {
        Ok(d) => d,
        Err(c) => return c,
    };
    for d in ds {
        let rss = owned_replica_sets(s.cluster(), &d);
        let reference = format!("deployment.apps/{}", d.metadata.name);
        if revision > 0 {
            let Some(rs) = rss.iter().find(|rs| rs.revision() == revision) else {
                return io.error("unable to find the specified revision");
            };
            io.out
                .push_str(&format!("{reference} with revision #{revision}\n"));
            io.out.push_str(&pod_template(rs));
            io.out.push('\n');
            continue;
        }
        let mut text = String::from("REVISION\tCHANGE-CAUSE\n");
        for rs in &rss {
            if rs.revision() == 0 {
                continue;
            }
            let cause = rs
                .metadata
                .annotation(CHANGE_CAUSE_ANNOTATION)
                .filter(|c| !c.is_empty())
                .unwrap_or("<none>");
            text.push_str(&format!("{}\t{cause}\n", rs.revision()));
        }
        let table = TabWriter::describe().format(&text);
        io.out.push_str(&format!("{reference} \n{table}\n"));
    }
    0
}

/// The ControllerRevisions a DaemonSet or StatefulSet controls, by revision.
fn controller_revisions(
    cluster: &Cluster,
    owner: &Object,
) -> Vec<kubeplay_api::apps::ControllerRevision> {
    let uid = &owner.meta().uid;
    let mut v: Vec<kubeplay_api::apps::ControllerRevision> = cluster
        .list(Kind::ControllerRevision, Some(owner.namespace()), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::ControllerRevision(r)
                if r.metadata.controller().is_some_and(|c| &c.uid == uid) =>
            {
                Some(r.clone())
            }
            _ => None,
        })
        .collect();
    v.sort_by_key(|r| r.revision);
    v
}

/// `DescribePodTemplate`, as `rollout history --revision` prints it.
fn pod_template(rs: &ReplicaSet) -> String {
    super::describe::pod_template_text(&rs.spec.template)
}

// ----- undo, pause, resume, restart --------------------------------------------------------------

fn undo(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("to-revision", FlagKind::Int),
        short("selector", 'l', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
    ];
    let p = match parse_flags(io, "rollout undo", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "rollout undo", io) {
        return 0;
    }
    let to = p.int("to-revision").unwrap_or(0);
    if let Some(found) = daemon_and_stateful_sets(s, &p, io) {
        let Ok(found) = found else { return 1 };
        let mut code = 0;
        for mut o in found {
            let reference = format!("{}/{}", o.kind().qualified_singular(), o.name());
            let revs = controller_revisions(s.cluster(), &o);
            // The target is `to`, or the revision before the newest.
            let target = if to > 0 {
                revs.iter().find(|r| r.revision == to)
            } else {
                revs.iter().rev().nth(1)
            };
            let Some(target) = target else {
                code = io.error(if to > 0 {
                    format!("unable to find specified revision {to} in history")
                } else {
                    "no last revision to roll back to".to_string()
                });
                continue;
            };
            let number = target.revision;
            let Some(template) = target.template() else {
                code = io.error(format!(
                    "unable to find specified revision {number} in history"
                ));
                continue;
            };
            let current = match &mut o {
                Object::DaemonSet(d) => &mut d.spec.template,
                Object::StatefulSet(d) => &mut d.spec.template,
                _ => continue,
            };
            if equal_ignoring_hash(&template, current) {
                io.println(format!(
                    "{reference} skipped rollback (current template already matches revision {number})"
                ));
                continue;
            }
            *current = template;
            if p.get("dry-run").is_some_and(|x| x != "none") {
                io.println(format!("{reference} rolled back (dry run)"));
                continue;
            }
            match s.cluster_mut().update(o) {
                Ok(_) => io.println(format!("{reference} rolled back")),
                Err(e) => code = io.fail(e.to_string()),
            }
        }
        return code;
    }
    let ds = match deployments(s, &p, io) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let mut code = 0;
    for mut d in ds {
        let reference = format!("deployment.apps/{}", d.metadata.name);
        if d.spec.paused {
            code = io.error(format!("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{}' and try again", d.metadata.name));
            continue;
        }
        let rss = owned_replica_sets(s.cluster(), &d);
        // `deploymentutil.GetAllReplicaSets` history: the target is `to`, or the revision before
        // the current one.
        let target = if to > 0 {
            match rss.iter().find(|rs| rs.revision() == to) {
                Some(rs) => rs.clone(),
                None => {
                    code = io.error(format!("unable to find specified revision {to} in history"));
                    continue;
                }
            }
        } else {
            let mut revs: Vec<&ReplicaSet> = rss.iter().filter(|rs| rs.revision() > 0).collect();
            revs.sort_by_key(|rs| std::cmp::Reverse(rs.revision()));
            match revs.get(1) {
                Some(rs) => (*rs).clone(),
                None => {
                    code = io.error(format!(
                        "no rollout history found for deployment \"{}\"",
                        d.metadata.name
                    ));
                    continue;
                }
            }
        };
        let mut template = target.spec.template.clone();
        template.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
        if equal_ignoring_hash(&template, &d.spec.template) {
            io.println(format!(
                "{reference} skipped rollback (current template already matches revision {})",
                target.revision()
            ));
            continue;
        }
        d.spec.template = template;
        if p.get("dry-run").is_some_and(|x| x != "none") {
            io.println(format!("{reference} rolled back (dry run)"));
            continue;
        }
        match s.cluster_mut().update(Object::Deployment(d)) {
            Ok(_) => io.println(format!("{reference} rolled back")),
            Err(e) => code = io.fail(e.to_string()),
        }
    }
    code
}

fn equal_ignoring_hash(
    a: &kubeplay_api::core::PodTemplateSpec,
    b: &kubeplay_api::core::PodTemplateSpec,
) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    b.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    let mut ad = Object::Deployment(Deployment::default());
    let mut bd = Object::Deployment(Deployment::default());
    if let (Object::Deployment(x), Object::Deployment(y)) = (&mut ad, &mut bd) {
        x.spec.template = a;
        y.spec.template = b;
        kubeplay_api::defaults::apply_defaults(&mut ad);
        kubeplay_api::defaults::apply_defaults(&mut bd);
    }
    ad == bd
}

fn simple_flags() -> Vec<crate::flags::Flag> {
    vec![
        short("selector", 'l', FlagKind::String),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
    ]
}

fn pause_resume(s: &mut Session, args: &[String], io: &mut Io, pause: bool) -> i32 {
    let path = if pause {
        "rollout pause"
    } else {
        "rollout resume"
    };
    let p = match parse_flags(io, path, &simple_flags(), args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, path, io) {
        return 0;
    }
    let ds = match deployments(s, &p, io) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let mut code = 0;
    for mut d in ds {
        let name = d.metadata.name.clone();
        if d.spec.paused == pause {
            code = io.error(format!(
                "deployments.apps \"{name}\" is {}",
                if pause {
                    "already paused"
                } else {
                    "not paused"
                }
            ));
            continue;
        }
        d.spec.paused = pause;
        match s.cluster_mut().update(Object::Deployment(d)) {
            Ok(_) => io.println(format!(
                "deployment.apps/{name} {}",
                if pause { "paused" } else { "resumed" }
            )),
            Err(e) => code = io.fail(e.to_string()),
        }
    }
    code
}

fn restart(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let p = match parse_flags(io, "rollout restart", &simple_flags(), args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "rollout restart", io) {
        return 0;
    }
    if let Some(found) = daemon_and_stateful_sets(s, &p, io) {
        let Ok(found) = found else { return 1 };
        let now = s.cluster().now();
        let mut code = 0;
        for mut o in found {
            let template = match &mut o {
                Object::DaemonSet(d) => &mut d.spec.template,
                Object::StatefulSet(d) => &mut d.spec.template,
                _ => continue,
            };
            template
                .metadata
                .annotations
                .insert(RESTARTED_AT_ANNOTATION.into(), now.rfc3339());
            let what = format!("{}/{}", o.kind().qualified_singular(), o.name());
            match s.cluster_mut().update(o) {
                Ok(_) => io.println(format!("{what} restarted")),
                Err(e) => code = io.fail(e.to_string()),
            }
        }
        return code;
    }
    let ds = match deployments(s, &p, io) {
        Ok(d) => d,
        Err(c) => return c,
    };
    let now = s.cluster().now();
    let mut code = 0;
    for mut d in ds {
        let name = d.metadata.name.clone();
        if d.spec.paused {
            code = io.error(format!("deployments.apps \"{name}\" can't restart paused deployment (run rollout resume first)"));
            continue;
        }
        d.spec
            .template
            .metadata
            .annotations
            .insert(RESTARTED_AT_ANNOTATION.into(), now.rfc3339());
        match s.cluster_mut().update(Object::Deployment(d)) {
            Ok(_) => io.println(format!("deployment.apps/{name} restarted")),
            Err(e) => code = io.fail(e.to_string()),
        }
    }
    code
}
