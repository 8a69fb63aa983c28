//! What a container is given from the API: env from Secrets and ConfigMaps (resolved when the
//! container starts, with the kubelet's errors), Secret and ConfigMap volumes (with its mount
//! errors), and how long its preStop hook takes.

use std::collections::BTreeMap;

use base64::Engine;
use kubeplay_api::core::{Container, Pod, Volume};
use kubeplay_api::{Kind, Object};
use serde_json::Value;

use crate::store::{Key, Store};

/// A Secret or ConfigMap as a volume shows it: decoded files and the version they come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountedVolume {
    /// `Secret/tls` or `ConfigMap/settings`.
    pub source: String,
    /// The `type` of a Secret (`kubernetes.io/tls`), empty for a ConfigMap.
    pub secret_type: String,
    /// The object's resourceVersion the files were written from.
    pub resource_version: String,
    /// File name → content.
    pub files: BTreeMap<String, String>,
}

fn decode(v: &str) -> String {
    match base64::engine::general_purpose::STANDARD.decode(v.trim()) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

/// A Secret's or ConfigMap's data, decoded, with its type and resourceVersion; `None` if absent.
fn source_data(
    store: &Store,
    kind: Kind,
    ns: &str,
    name: &str,
) -> Option<(BTreeMap<String, String>, String, String)> {
    match store.get(&Key::new(kind, ns, name))? {
        Object::Secret(s) => Some((
            s.data.iter().map(|(k, v)| (k.clone(), decode(v))).collect(),
            s.type_.clone(),
            s.metadata.resource_version.clone(),
        )),
        Object::ConfigMap(c) => Some((
            c.data.clone(),
            String::new(),
            c.metadata.resource_version.clone(),
        )),
        _ => None,
    }
}

fn not_found(kind: Kind, name: &str) -> String {
    match kind {
        Kind::Secret => format!("secret \"{name}\" not found"),
        _ => format!("configmap \"{name}\" not found"),
    }
}

/// `optional: true` in an extra map.
fn optional(extra: &BTreeMap<String, Value>) -> bool {
    extra
        .get("optional")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The container's environment as the kubelet builds it at container start, or the message of
/// `CreateContainerConfigError`.
pub(crate) fn resolve_env(
    store: &Store,
    pod: &Pod,
    c: &Container,
    pod_ip: &str,
) -> Result<BTreeMap<String, String>, String> {
    let ns = pod.metadata.namespace.as_str();
    let mut env = BTreeMap::new();
    // envFrom first; explicit env entries override it.
    if let Some(Value::Array(sources)) = c.extra.get("envFrom") {
        for src in sources {
            let prefix = src.get("prefix").and_then(Value::as_str).unwrap_or("");
            for (field, kind) in [
                ("secretRef", Kind::Secret),
                ("configMapRef", Kind::ConfigMap),
            ] {
                let Some(r) = src.get(field) else { continue };
                let name = r.get("name").and_then(Value::as_str).unwrap_or("");
                let opt = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
                match source_data(store, kind, ns, name) {
                    Some((data, _, _)) => {
                        for (k, v) in data {
                            env.insert(format!("{prefix}{k}"), v);
                        }
                    }
                    None if opt => {}
                    None => return Err(not_found(kind, name)),
                }
            }
        }
    }
    for e in &c.env {
        if let Some(v) = &e.value {
            env.insert(e.name.clone(), v.clone());
            continue;
        }
        let Some(from) = &e.value_from else {
            env.insert(e.name.clone(), String::new());
            continue;
        };
        let refs = [
            (from.secret_key_ref.as_ref(), Kind::Secret, "Secret"),
            (
                from.config_map_key_ref.as_ref(),
                Kind::ConfigMap,
                "ConfigMap",
            ),
        ];
        for (r, kind, kind_name) in refs {
            let Some(r) = r else { continue };
            let opt = r.optional.unwrap_or(false);
            match source_data(store, kind, ns, &r.name) {
                Some((data, _, _)) => match data.get(&r.key) {
                    Some(v) => {
                        env.insert(e.name.clone(), v.clone());
                    }
                    None if opt => {}
                    None => {
                        return Err(format!(
                            "couldn't find key {} in {kind_name} {ns}/{}",
                            r.key, r.name
                        ))
                    }
                },
                None if opt => {}
                None => return Err(not_found(kind, &r.name)),
            }
        }
        if let Some(path) = from
            .extra
            .get("fieldRef")
            .and_then(|f| f.get("fieldPath"))
            .and_then(Value::as_str)
        {
            let v = match path {
                "metadata.name" => pod.metadata.name.clone(),
                "metadata.namespace" => ns.to_string(),
                "metadata.uid" => pod.metadata.uid.clone(),
                "spec.nodeName" => pod.spec.node_name.clone(),
                "spec.serviceAccountName" => "default".into(),
                "status.podIP" => pod_ip.to_string(),
                "status.hostIP" => pod.status.host_ip.clone(),
                p => {
                    let key = |prefix: &str| {
                        p.strip_prefix(prefix)
                            .and_then(|k| k.strip_suffix("']"))
                            .map(str::to_string)
                    };
                    match (key("metadata.annotations['"), key("metadata.labels['")) {
                        (Some(k), _) => pod.metadata.annotations.get(&k).cloned(),
                        (_, Some(k)) => pod.metadata.labels.get(&k).cloned(),
                        _ => None,
                    }
                    .unwrap_or_default()
                }
            };
            env.insert(e.name.clone(), v);
        }
    }
    Ok(env)
}

/// The pod's Secret and ConfigMap volumes as they mount now, or every `FailedMount` message.
pub(crate) fn mount_volumes(
    store: &Store,
    pod: &Pod,
) -> Result<BTreeMap<String, MountedVolume>, Vec<String>> {
    let mut mounts = BTreeMap::new();
    let mut errors = Vec::new();
    // A claim not bound yet: no mount, whether or not there is an error to report.
    let mut waiting = false;
    for v in &pod.spec.volumes {
        if let Some(c) = &v.persistent_volume_claim {
            let ns = &pod.metadata.namespace;
            let name = &c.claim_name;
            match store.get(&Key::new(Kind::PersistentVolumeClaim, ns, name)) {
                Some(Object::PersistentVolumeClaim(pvc)) if pvc.status.phase == "Bound" => {}
                // Being provisioned on this node: the kubelet waits without complaint (upstream's
                // pod is not even bound yet at this point).
                Some(Object::PersistentVolumeClaim(pvc))
                    if pvc
                        .metadata
                        .annotation(kubeplay_api::storage::SELECTED_NODE_ANNOTATION)
                        == Some(pod.spec.node_name.as_str()) => {}
                Some(_) => errors.push(format!("Unable to attach or mount volumes: unmounted volumes=[{}], unattached volumes=[], failed to process volumes=[{}]: error processing PVC {ns}/{name}: PVC is not bound", v.name, v.name)),
                None => errors.push(format!("Unable to attach or mount volumes: unmounted volumes=[{}], unattached volumes=[], failed to process volumes=[{}]: error processing PVC {ns}/{name}: failed to fetch PVC from API server: persistentvolumeclaims \"{name}\" not found", v.name, v.name)),
            }
            waiting |= !matches!(
                store.get(&Key::new(Kind::PersistentVolumeClaim, ns, name)),
                Some(Object::PersistentVolumeClaim(pvc)) if pvc.status.phase == "Bound"
            );
            continue;
        }
        let Some((kind, name, opt)) = volume_source(v) else {
            continue;
        };
        match mounted(store, kind, &pod.metadata.namespace, &name) {
            Some(m) => {
                mounts.insert(v.name.clone(), m);
            }
            None if opt => {}
            None => errors.push(format!(
                "MountVolume.SetUp failed for volume \"{}\" : {}",
                v.name,
                not_found(kind, &name)
            )),
        }
    }
    if errors.is_empty() && !waiting {
        Ok(mounts)
    } else {
        Err(errors)
    }
}

/// The Secret or ConfigMap a volume mounts, and whether it is optional.
pub(crate) fn volume_source(v: &Volume) -> Option<(Kind, String, bool)> {
    if let Some(s) = &v.secret {
        return Some((Kind::Secret, s.secret_name.clone(), optional(&s.extra)));
    }
    if let Some(c) = &v.config_map {
        return Some((Kind::ConfigMap, c.name.clone(), optional(&c.extra)));
    }
    None
}

/// A Secret's or ConfigMap's current content as a volume would show it.
pub(crate) fn mounted(store: &Store, kind: Kind, ns: &str, name: &str) -> Option<MountedVolume> {
    let (files, secret_type, resource_version) = source_data(store, kind, ns, name)?;
    Some(MountedVolume {
        source: format!("{}/{name}", kind.name()),
        secret_type,
        resource_version,
        files,
    })
}

/// How long the preStop hook runs, in milliseconds: `sleep.seconds`, or an `exec` command that
/// runs `sleep N` (the usual `["sh", "-c", "sleep 5"]`); other hooks return at once.
pub(crate) fn pre_stop_ms(c: &Container) -> i64 {
    let Some(h) = c.lifecycle.as_ref().and_then(|l| l.pre_stop.as_ref()) else {
        return 0;
    };
    if let Some(s) = &h.sleep {
        return s.seconds.clamp(0, 86_400) * 1000;
    }
    if let Some(e) = &h.exec {
        let words: Vec<&str> = e
            .command
            .iter()
            .flat_map(|a| a.split(|ch: char| ch.is_whitespace() || ch == ';' || ch == '&'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut total = 0.0;
        for pair in words.windows(2) {
            if let [cmd, arg] = pair {
                if cmd.rsplit('/').next() == Some("sleep") {
                    let secs = arg.trim_end_matches('s').parse::<f64>().unwrap_or(0.0);
                    if secs.is_finite() && secs > 0.0 {
                        total += secs.min(86_400.0);
                    }
                }
            }
        }
        return (total * 1000.0).round() as i64;
    }
    0
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};
    use kubeplay_api::core::{ExecAction, Lifecycle, LifecycleHandler, SleepAction};

    use super::*;

    fn check_pre_stop(handler: LifecycleHandler, expect: Expect) {
        let c = Container {
            lifecycle: Some(Lifecycle {
                pre_stop: Some(handler),
                ..Default::default()
            }),
            ..Default::default()
        };
        expect.assert_eq(&pre_stop_ms(&c).to_string());
    }

    fn exec(args: &[&str]) -> LifecycleHandler {
        LifecycleHandler {
            exec: Some(ExecAction {
                command: args.iter().map(|s| s.to_string()).collect(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn pre_stop_durations() {
        check_pre_stop(
            LifecycleHandler {
                sleep: Some(SleepAction { seconds: 5 }),
                ..Default::default()
            },
            expect!["5000"],
        );
        check_pre_stop(exec(&["sleep", "15"]), expect!["15000"]);
        check_pre_stop(exec(&["/bin/sh", "-c", "sleep 5"]), expect!["5000"]);
        check_pre_stop(
            exec(&["sh", "-c", "nginx -s quit; /bin/sleep 2.5"]),
            expect!["2500"],
        );
        check_pre_stop(exec(&["sh", "-c", "sleep 3s && sleep 1"]), expect!["4000"]);
        check_pre_stop(exec(&["sleep", "-1"]), expect!["0"]);
        check_pre_stop(exec(&["sleep", "inf"]), expect!["0"]);
        check_pre_stop(exec(&["nginx", "-s", "quit"]), expect!["0"]);
        check_pre_stop(LifecycleHandler::default(), expect!["0"]);
    }
}
