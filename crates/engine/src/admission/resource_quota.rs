//! ResourceQuota: what an object uses of a namespace's quotas, the ResourceQuota admission
//! plugin's checks on create, and the usage the resourcequota controller reports.
//!
//! Models kubernetes/plugin/pkg/admission/resourcequota (`checkRequest`) with the evaluators of
//! kubernetes/pkg/quota/v1/evaluator/core (`PodUsageFunc`, `podEvaluator.Constraints`, the
//! object-count evaluators) and kubernetes/pkg/controller/resourcequota (`syncResourceQuota`).

use std::collections::BTreeSet;

use kubeplay_api::core::{Pod, ResourceList};
use kubeplay_api::quota::ResourceQuota;
use kubeplay_api::{Kind, Object, Quantity};

use super::limit_ranger::{add_into, pod_sums};

/// The resource names for which a quota makes every container state its own value
/// (upstream's `validationSet`, kept for backward compatibility).
const MUST_SPECIFY: &[&str] = &[
    "cpu",
    "limits.cpu",
    "limits.memory",
    "memory",
    "requests.cpu",
    "requests.memory",
];

/// `count/deployments.apps`, `count/pods`: the object-count name of a kind.
pub fn count_name(kind: Kind) -> String {
    format!("count/{}", kind.qualified_plural())
}

/// The names a quota on this kind of object can limit, as its evaluator's
/// `MatchingResources`.
fn matches_resource(kind: Kind, name: &str) -> bool {
    if name == count_name(kind) {
        return true;
    }
    match kind {
        Kind::Pod => {
            name == "pods"
                || [
                    "cpu",
                    "memory",
                    "ephemeral-storage",
                    "requests.cpu",
                    "requests.memory",
                    "requests.ephemeral-storage",
                    "limits.cpu",
                    "limits.memory",
                    "limits.ephemeral-storage",
                ]
                .contains(&name)
        }
        Kind::Service => {
            ["services", "services.loadbalancers", "services.nodeports"].contains(&name)
        }
        Kind::ConfigMap => name == "configmaps",
        Kind::Secret => name == "secrets",
        Kind::ResourceQuota => name == "resourcequotas",
        Kind::PersistentVolumeClaim => {
            ["persistentvolumeclaims", "requests.storage"].contains(&name)
                || name
                    .split_once(".storageclass.storage.k8s.io/")
                    .is_some_and(|(_, r)| r == "persistentvolumeclaims" || r == "requests.storage")
        }
        _ => false,
    }
}

/// Whether a pod still uses compute resources: terminal pods do not (`QuotaV1Pod`).
fn pod_counts(p: &Pod) -> bool {
    p.status.phase != "Succeeded" && p.status.phase != "Failed"
}

fn one() -> Quantity {
    Quantity::from_units(1)
}

/// What an object uses of a quota. Models the core evaluators' `Usage`: every object counts
/// under `count/<resource>`; a pod that is not terminal also under `pods` and its requests and
/// limits (`cpu` and `memory` are the requests under their legacy names).
pub fn usage(obj: &Object) -> ResourceList {
    let mut u = ResourceList::new();
    u.insert(count_name(obj.kind()), one());
    match obj {
        Object::Pod(p) if pod_counts(p) => {
            u.insert("pods".into(), one());
            let (requests, limits) = pod_sums(p);
            let mut requests = requests;
            // The pod's overhead counts too (`PodRequests` with overhead).
            add_into(&mut requests, &p.spec.overhead);
            let mut limits = limits;
            if !limits.is_empty() {
                add_into(&mut limits, &p.spec.overhead);
            }
            for r in ["cpu", "memory", "ephemeral-storage"] {
                if let Some(v) = requests.get(r) {
                    u.insert(r.into(), *v);
                    u.insert(format!("requests.{r}"), *v);
                }
                if let Some(v) = limits.get(r) {
                    u.insert(format!("limits.{r}"), *v);
                }
            }
        }
        Object::Service(s) => {
            u.insert("services".into(), one());
            let ports = s.spec.ports.len() as i64;
            let (lb, node_ports) = match s.spec.type_.as_str() {
                "LoadBalancer" => (1, ports),
                "NodePort" => (0, ports),
                _ => (0, 0),
            };
            u.insert("services.loadbalancers".into(), Quantity::from_units(lb));
            u.insert(
                "services.nodeports".into(),
                Quantity::from_units(node_ports),
            );
        }
        Object::ConfigMap(_) => {
            u.insert("configmaps".into(), one());
        }
        Object::Secret(_) => {
            u.insert("secrets".into(), one());
        }
        Object::ResourceQuota(_) => {
            u.insert("resourcequotas".into(), one());
        }
        // The claim's size, in all and per class (`gold.storageclass.storage.k8s.io/...`).
        Object::PersistentVolumeClaim(c) => {
            let size = c
                .spec
                .resources
                .requests
                .get("storage")
                .copied()
                .unwrap_or_else(Quantity::zero);
            u.insert("persistentvolumeclaims".into(), one());
            u.insert("requests.storage".into(), size);
            if let Some(class) = c
                .spec
                .storage_class_name
                .as_deref()
                .filter(|c| !c.is_empty())
            {
                let prefix = format!("{class}.storageclass.storage.k8s.io/");
                u.insert(format!("{prefix}persistentvolumeclaims"), one());
                u.insert(format!("{prefix}requests.storage"), size);
            }
        }
        _ => {}
    }
    u
}

/// Whether a quota's scopes all select the object. Only pods have scopes; a scoped quota does
/// not track other kinds (`MatchesNoScopeFunc`). Models `podMatchesScopeFunc`.
pub fn matches_scopes(q: &ResourceQuota, obj: &Object) -> bool {
    if q.spec.scopes.is_empty() {
        return true;
    }
    let Object::Pod(p) = obj else {
        return false;
    };
    q.spec.scopes.iter().all(|scope| match scope.as_str() {
        "Terminating" => p
            .spec
            .extra
            .get("activeDeadlineSeconds")
            .and_then(serde_json::Value::as_i64)
            .is_some_and(|s| s >= 0),
        "NotTerminating" => !p.spec.extra.contains_key("activeDeadlineSeconds"),
        "BestEffort" => is_best_effort(p),
        "NotBestEffort" => !is_best_effort(p),
        "PriorityClass" => !p.spec.priority_class_name.is_empty(),
        "CrossNamespacePodAffinity" => p.spec.affinity.as_ref().is_some_and(|a| {
            let json = serde_json::to_value(a).unwrap_or_default().to_string();
            json.contains("\"namespaces\"") || json.contains("\"namespaceSelector\"")
        }),
        _ => false,
    })
}

/// The BestEffort QoS class: no container requests or limits CPU or memory.
fn is_best_effort(p: &Pod) -> bool {
    p.spec
        .containers
        .iter()
        .chain(&p.spec.init_containers)
        .all(|c| {
            ["cpu", "memory"].iter().all(|r| {
                !c.resources.requests.contains_key(*r) && !c.resources.limits.contains_key(*r)
            })
        })
}

/// `podEvaluator.Constraints`: when a quota limits CPU or memory, each container must state
/// that resource. The error lists each missing name with its containers.
fn constraints(p: &Pod, restricted: &BTreeSet<&str>) -> Result<(), String> {
    let required: BTreeSet<&str> = restricted
        .iter()
        .copied()
        .filter(|r| MUST_SPECIFY.contains(r))
        .collect();
    if required.is_empty() {
        return Ok(());
    }
    let mut missing: std::collections::BTreeMap<&str, BTreeSet<&str>> = Default::default();
    for c in p.spec.containers.iter().chain(&p.spec.init_containers) {
        let rq = &c.resources.requests;
        let lm = &c.resources.limits;
        for r in &required {
            let has = match *r {
                "cpu" | "requests.cpu" => rq.contains_key("cpu"),
                "memory" | "requests.memory" => rq.contains_key("memory"),
                "limits.cpu" => lm.contains_key("cpu"),
                "limits.memory" => lm.contains_key("memory"),
                _ => true,
            };
            if !has {
                missing.entry(r).or_default().insert(c.name.as_str());
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(r, names)| {
            format!(
                "{r} for: {}",
                names.iter().copied().collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    Err(format!("must specify {}", parts.join("; ")))
}

/// `name=quantity` pairs in name order, as the plugin prints a ResourceList.
fn pretty(list: &ResourceList) -> String {
    list.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// One quota with its current usage, as admission reads it.
pub struct QuotaUse<'a> {
    pub quota: &'a ResourceQuota,
    pub used: ResourceList,
}

/// The ResourceQuota plugin's decision on creating `obj`: every matching quota's constraints
/// first, then whether the object's usage fits under each quota's hard limits. Quotas are
/// checked in name order; the first refusal is the answer. Models resourcequota `checkRequest`.
pub fn check(obj: &Object, quotas: &[QuotaUse<'_>]) -> Result<(), String> {
    let kind = obj.kind();
    let mut interesting = Vec::new();
    for q in quotas {
        if !matches_scopes(q.quota, obj) {
            continue;
        }
        let restricted: BTreeSet<&str> = q
            .quota
            .spec
            .hard
            .keys()
            .map(String::as_str)
            .filter(|r| matches_resource(kind, r))
            .collect();
        if restricted.is_empty() {
            continue;
        }
        if let Object::Pod(p) = obj {
            constraints(p, &restricted)
                .map_err(|e| format!("failed quota: {}: {e}", q.quota.metadata.name))?;
        }
        interesting.push(q);
    }
    let delta = usage(obj);
    for q in interesting {
        let hard = &q.quota.spec.hard;
        let requested: ResourceList = delta
            .iter()
            .filter(|(k, _)| hard.contains_key(*k))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let exceeded: Vec<&String> = requested
            .iter()
            .filter(|(k, v)| {
                let used = q.used.get(*k).copied().unwrap_or_else(Quantity::zero);
                hard.get(*k).is_some_and(|h| used.add(v) > *h)
            })
            .map(|(k, _)| k)
            .collect();
        if exceeded.is_empty() {
            continue;
        }
        let mask = |list: &ResourceList| -> ResourceList {
            exceeded
                .iter()
                .map(|k| {
                    let v = list.get(*k).copied().unwrap_or_else(Quantity::zero);
                    ((*k).clone(), v)
                })
                .collect()
        };
        return Err(format!(
            "exceeded quota: {}, requested: {}, used: {}, limited: {}",
            q.quota.metadata.name,
            pretty(&mask(&requested)),
            pretty(&mask(&q.used)),
            pretty(&mask(hard)),
        ));
    }
    Ok(())
}

/// The kinds whose objects a quota's hard names count.
pub fn counted_kinds(q: &ResourceQuota) -> BTreeSet<Kind> {
    let mut kinds = BTreeSet::new();
    for name in q.spec.hard.keys() {
        for r in kubeplay_api::RESOURCES.iter().filter(|r| r.namespaced) {
            if matches_resource(r.kind, name) {
                kinds.insert(r.kind);
            }
        }
    }
    kinds
}

/// A quota's `status.used`: for each hard name, the sum over the namespace's objects that the
/// quota selects (0 when none). Models resourcequota `CalculateUsage`.
pub fn used<'a>(q: &ResourceQuota, objects: impl Iterator<Item = &'a Object>) -> ResourceList {
    let mut total = ResourceList::new();
    for o in objects.filter(|o| matches_scopes(q, o)) {
        let u: ResourceList = usage(o)
            .into_iter()
            .filter(|(k, _)| q.spec.hard.contains_key(k))
            .collect();
        add_into(&mut total, &u);
    }
    for k in q.spec.hard.keys() {
        total.entry(k.clone()).or_insert_with(Quantity::zero);
    }
    total
}
