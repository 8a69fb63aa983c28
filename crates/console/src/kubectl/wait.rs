//! `kubectl wait --for=condition=C[=value] | --for=delete | --for=jsonpath='{...}'=value`.

use kubeplay_api::{Kind, LabelSelector, Object, Time};
use kubeplay_engine::Cluster;

use super::{namespace, parse_flags, parse_targets, wants_help, Targets};
use crate::flags::{flag, short, FlagKind};
use crate::jsonpath::Template;
use crate::{Io, Job, Session};

#[derive(Debug, Clone)]
enum Condition {
    /// `condition=Ready` (status True) or `condition=Ready=false`.
    Status(String, String),
    Delete,
    /// `jsonpath='{.status.phase}'=Running`; `None` waits for the field to exist.
    JsonPath(Template, Option<String>),
}

/// A `kubectl wait` in progress.
#[derive(Debug)]
pub struct WaitFor {
    targets: Vec<(Kind, String, String, String)>,
    met: Vec<bool>,
    condition: Condition,
    pub(crate) deadline: Time,
}

impl WaitFor {
    fn is_met(&self, cluster: &Cluster, kind: Kind, ns: &str, name: &str, uid: &str) -> bool {
        let obj = cluster.get(kind, ns, name).ok();
        match &self.condition {
            Condition::Delete => obj.is_none_or(|o| o.meta().uid != uid),
            Condition::Status(c, want) => obj.is_some_and(|o| condition_is(o, c, want)),
            Condition::JsonPath(t, want) => obj.is_some_and(|o| {
                let vals = t.values(&o.to_value());
                match want {
                    None => !vals.is_empty(),
                    Some(w) => vals.iter().any(|v| match v {
                        serde_json::Value::String(s) => s == w,
                        other => w.parse::<serde_json::Value>().is_ok_and(|x| x == *other),
                    }),
                }
            }),
        }
    }

    pub(crate) fn step(&mut self, cluster: &Cluster, io: &mut Io) -> Option<i32> {
        for i in 0..self.targets.len() {
            if self.met[i] {
                continue;
            }
            let (kind, ns, name, uid) = &self.targets[i];
            if self.is_met(cluster, *kind, ns, name, uid) {
                self.met[i] = true;
                io.println(format!("{} condition met", super::kind_ref(*kind, name)));
            }
        }
        self.met.iter().all(|m| *m).then_some(0)
    }

    pub(crate) fn timed_out(&mut self, io: &mut Io) -> i32 {
        for (i, (kind, _, name, _)) in self.targets.iter().enumerate() {
            if !self.met[i] {
                let what = if matches!(self.condition, Condition::Delete) {
                    "delete"
                } else {
                    "the condition"
                };
                io.error(format!(
                    "timed out waiting for {what} on {}/{name}",
                    kind.qualified_plural()
                ));
            }
        }
        1
    }
}

/// Whether one of the object's `.status.conditions` (any kind's) has this type and status, both
/// compared without case, as `kubectl wait --for=condition=TYPE[=STATUS]` compares them.
fn condition_is(o: &Object, type_: &str, want: &str) -> bool {
    conditions(o)
        .iter()
        .any(|(t, st)| t.eq_ignore_ascii_case(type_) && st.eq_ignore_ascii_case(want))
}

/// `(type, status)` of an object's conditions.
fn conditions(o: &Object) -> Vec<(String, String)> {
    let v = o.to_value();
    v.get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(|c| c.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    Some((
                        c.get("type")?.as_str()?.to_string(),
                        c.get("status")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn run(s: &mut Session, args: &[String], io: &mut Io, allow_job: bool) -> (i32, Option<Job>) {
    let flags = [
        flag("for", FlagKind::String),
        flag("timeout", FlagKind::Duration),
        short("selector", 'l', FlagKind::String),
        flag("all", FlagKind::Bool),
        short("all-namespaces", 'A', FlagKind::Bool),
        short("filename", 'f', FlagKind::StringSlice),
        short("output", 'o', FlagKind::String),
        flag("field-selector", FlagKind::String),
    ];
    let p = match parse_flags(io, "wait", &flags, args) {
        Ok(p) => p,
        Err(c) => return (c, None),
    };
    if wants_help(&p, "wait", io) {
        return (0, None);
    }
    let Some(for_) = p.get("for") else {
        return (io.error("--for must be specified"), None);
    };
    let condition = if for_ == "delete" {
        Condition::Delete
    } else if let Some(c) = for_.strip_prefix("condition=") {
        let (c, v) = match c.split_once('=') {
            Some((c, v)) => (c, v),
            None => (c, "true"),
        };
        Condition::Status(c.to_string(), v.to_string())
    } else if let Some(j) = for_.strip_prefix("jsonpath=") {
        let (expr, value) = match j.rfind("}=") {
            Some(i) => (&j[..=i], Some(j[i + 2..].to_string())),
            None => (j, None),
        };
        let expr = if expr.starts_with('{') {
            expr.to_string()
        } else {
            format!("{{{expr}}}")
        };
        match Template::parse(&expr) {
            Ok(t) => Condition::JsonPath(t, value),
            Err(e) => {
                return (
                    io.error(format!("unrecognized JSONPath expression: {e}")),
                    None,
                )
            }
        }
    } else {
        return (
            io.error(format!("unrecognized condition: \"{for_}\"")),
            None,
        );
    };
    let ns = namespace(&p);
    let mut targets = Vec::new();
    let selector = match p.get("selector").map(LabelSelector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return (io.error(e), None),
        None => None,
    };
    match parse_targets(&p.args) {
        Ok(Targets::Named(named)) => {
            for (k, n) in named {
                match s.cluster().get(k, &ns, &n) {
                    Ok(o) => targets.push((k, ns.clone(), n, o.meta().uid.clone())),
                    Err(e) => {
                        if matches!(condition, Condition::Delete) {
                            // Already gone: the condition is met at once.
                            targets.push((k, ns.clone(), n, String::new()));
                        } else {
                            return (io.fail(e.to_string()), None);
                        }
                    }
                }
            }
        }
        Ok(Targets::Kinds(kinds)) if !kinds.is_empty() => {
            if selector.is_none() && !p.bool("all") {
                return (io.error("resource(s) were provided, but no name was specified"), None);
            }
            for k in kinds {
                let list_ns = if p.bool("all-namespaces") || !k.namespaced() { None } else { Some(ns.as_str()) };
                for o in s.cluster().list(k, list_ns, selector.as_ref()) {
                    targets.push((k, o.namespace().to_string(), o.name().to_string(), o.meta().uid.clone()));
                }
            }
            if targets.is_empty() {
                return (io.error("no matching resources found"), None);
            }
        }
        Ok(_) => {
            return (io.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"), None)
        }
        Err(e) => return (io.error(e), None),
    }
    let timeout = p.duration("timeout").unwrap_or(30_000);
    let now = s.cluster().now();
    let mut w = WaitFor {
        met: vec![false; targets.len()],
        targets,
        condition,
        deadline: now.plus_millis(timeout.max(0)),
    };
    if let Some(code) = w.step(s.cluster(), io) {
        return (code, None);
    }
    if timeout <= 0 {
        return (w.timed_out(io), None);
    }
    let job = Job::Wait(w);
    if allow_job {
        return (0, Some(job));
    }
    (crate::jobs::drive(s.cluster_mut(), job, io), None)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn conditions_of_any_kind_are_waited_for() {
        let job = Object::from_value(json!({
            "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi", "namespace": "default"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl"}]}}},
            "status": {"conditions": [
                {"type": "SuccessCriteriaMet", "status": "True"},
                {"type": "Complete", "status": "True"},
                {"type": "Suspended", "status": "False"}
            ]}
        }))
        .expect("job");
        for (type_, want, met) in [
            ("complete", "true", true),
            ("Complete", "True", true),
            ("successcriteriamet", "true", true),
            ("failed", "true", false),
            ("suspended", "false", true),
            ("suspended", "true", false),
        ] {
            assert_eq!(condition_is(&job, type_, want), met, "{type_}={want}");
        }
    }
}
