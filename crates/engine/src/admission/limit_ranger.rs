//! The LimitRanger admission plugin: a namespace's LimitRanges give containers their default
//! requests and limits, then bound each container's and each pod's resources.
//!
//! Models kubernetes/plugin/pkg/admission/limitranger (`PodMutateLimitFunc`,
//! `PodValidateLimitFunc` and their min, max and ratio constraints).

use kubeplay_api::core::{Container, Pod, ResourceList};
use kubeplay_api::quota::LimitRange;
use kubeplay_api::Quantity;

/// The annotation LimitRanger writes on a pod it changed.
pub const LIMIT_RANGER_ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// Fills in the defaults of `range`'s Container items that `pod`'s containers leave unset, and
/// says what it set in the `kubernetes.io/limit-ranger` annotation. Returns whether it changed
/// anything. Models limitranger `PodMutateLimitFunc` / `mergePodResourceRequirements`.
pub fn apply_defaults(pod: &mut Pod, range: &LimitRange) -> bool {
    let mut limits = ResourceList::new();
    let mut requests = ResourceList::new();
    for item in range.spec.limits.iter().filter(|i| i.type_ == "Container") {
        limits.extend(item.default.clone());
        requests.extend(item.default_request.clone());
    }
    if limits.is_empty() && requests.is_empty() {
        return false;
    }
    let mut notes = Vec::new();
    let spec = &mut pod.spec;
    let all = spec.containers.iter_mut().map(|c| (c, "container")).chain(
        spec.init_containers
            .iter_mut()
            .map(|c| (c, "init container")),
    );
    for (c, what) in all {
        let mut set_requests = fill(&mut c.resources.requests, &requests);
        let mut set_limits = fill(&mut c.resources.limits, &limits);
        set_requests.sort();
        set_limits.sort();
        if !set_requests.is_empty() {
            notes.push(format!(
                "{} request for {what} {}",
                set_requests.join(", "),
                c.name
            ));
        }
        if !set_limits.is_empty() {
            notes.push(format!(
                "{} limit for {what} {}",
                set_limits.join(", "),
                c.name
            ));
        }
    }
    if notes.is_empty() {
        return false;
    }
    pod.metadata.annotations.insert(
        LIMIT_RANGER_ANNOTATION.into(),
        format!("LimitRanger plugin set: {}", notes.join("; ")),
    );
    true
}

/// Inserts each default the list lacks; returns the names it inserted.
fn fill(list: &mut ResourceList, defaults: &ResourceList) -> Vec<String> {
    let mut set = Vec::new();
    for (k, v) in defaults {
        if !list.contains_key(k) {
            list.insert(k.clone(), *v);
            set.push(k.clone());
        }
    }
    set
}

/// The bounds of `range` that `pod` breaks, in upstream's order (each container's min, max and
/// ratio, then init containers', then the pod's sums). Models limitranger
/// `PodValidateLimitFunc`.
pub fn violations(pod: &Pod, range: &LimitRange) -> Vec<String> {
    let mut errs = Vec::new();
    for item in &range.spec.limits {
        match item.type_.as_str() {
            "Container" => {
                let containers = pod.spec.containers.iter().chain(&pod.spec.init_containers);
                for c in containers {
                    check(
                        "Container",
                        item,
                        &c.resources.requests,
                        &c.resources.limits,
                        &mut errs,
                    );
                }
            }
            "Pod" => {
                let (requests, limits) = pod_sums(pod);
                check("Pod", item, &requests, &limits, &mut errs);
            }
            // PersistentVolumeClaims are not served.
            _ => {}
        }
    }
    errs
}

fn check(
    what: &str,
    item: &kubeplay_api::quota::LimitRangeItem,
    requests: &ResourceList,
    limits: &ResourceList,
    errs: &mut Vec<String>,
) {
    for (k, min) in &item.min {
        match (requests.get(k), limits.get(k)) {
            (None, _) => errs.push(format!(
                "minimum {k} usage per {what} is {min}.  No request is specified"
            )),
            (Some(r), _) if r < min => errs.push(format!(
                "minimum {k} usage per {what} is {min}, but request is {r}"
            )),
            (_, Some(l)) if l < min => errs.push(format!(
                "minimum {k} usage per {what} is {min}, but limit is {l}"
            )),
            _ => {}
        }
    }
    for (k, max) in &item.max {
        match (requests.get(k), limits.get(k)) {
            (_, None) => errs.push(format!(
                "maximum {k} usage per {what} is {max}.  No limit is specified"
            )),
            (_, Some(l)) if l > max => errs.push(format!(
                "maximum {k} usage per {what} is {max}, but limit is {l}"
            )),
            (Some(r), _) if r > max => errs.push(format!(
                "maximum {k} usage per {what} is {max}, but request is {r}"
            )),
            _ => {}
        }
    }
    for (k, ratio) in &item.max_limit_request_ratio {
        let req = requests.get(k).map_or(0, Quantity::milli_value);
        let lim = limits.get(k).map_or(0, Quantity::milli_value);
        if req == 0 {
            errs.push(format!("{k} max limit to request ratio per {what} is {ratio}, but no request is specified or request is 0"));
        } else if lim == 0 {
            errs.push(format!("{k} max limit to request ratio per {what} is {ratio}, but no limit is specified or limit is 0"));
        } else if lim as i128 * 1000 > ratio.milli_value() as i128 * req as i128 {
            // Go's %f: six decimals.
            let observed = lim as f64 / req as f64;
            errs.push(format!("{k} max limit to request ratio per {what} is {ratio}, but provided ratio is {observed:.6}"));
        }
    }
}

/// A pod's requests and limits: the sum over its containers, or the largest init container's
/// where that is more (init containers run one at a time). Models limitranger `podRequests` and
/// `podLimits`.
pub fn pod_sums(pod: &Pod) -> (ResourceList, ResourceList) {
    let sum = |pick: fn(&Container) -> &ResourceList| {
        let mut total = ResourceList::new();
        for c in &pod.spec.containers {
            add_into(&mut total, pick(c));
        }
        for c in &pod.spec.init_containers {
            for (k, v) in pick(c) {
                match total.get(k) {
                    Some(t) if t >= v => {}
                    _ => {
                        total.insert(k.clone(), *v);
                    }
                }
            }
        }
        total
    };
    (sum(|c| &c.resources.requests), sum(|c| &c.resources.limits))
}

/// Adds each quantity of `more` into `total`; a new name keeps the way it was written.
pub fn add_into(total: &mut ResourceList, more: &ResourceList) {
    for (k, v) in more {
        match total.get_mut(k) {
            Some(t) => *t = t.add(v),
            None => {
                total.insert(k.clone(), *v);
            }
        }
    }
}
