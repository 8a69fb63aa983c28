//! VolumeRestrictions and VolumeBinding: a pod's PersistentVolumeClaims must exist, an
//! Immediate claim must be bound before the pod is scheduled, a bound claim's volume must reach
//! the node, and a WaitForFirstConsumer claim must find a volume that reaches the node or a class
//! that can provision one. The volume matching here is also the PersistentVolume controller's
//! (`find_matching_volume`), so the scheduler and the controller agree on which volume a claim
//! gets.

use std::borrow::Cow;

use kubeplay_api::core::{NodeSelector, Pod};
use kubeplay_api::storage::{PersistentVolume, PersistentVolumeClaim, StorageClass};
use kubeplay_api::Node;

use crate::snapshot::Storage;

pub const ERR_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
pub const ERR_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
pub const ERR_BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";
pub const ERR_RWOP_CONFLICT: &str =
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

/// The claim names of the pod's `persistentVolumeClaim` volumes, in volume order.
pub fn pod_claims(pod: &Pod) -> impl Iterator<Item = &str> {
    pod.spec
        .volumes
        .iter()
        .filter_map(|v| v.persistent_volume_claim.as_ref())
        .map(|c| c.claim_name.as_str())
}

/// Whether a volume's `nodeAffinity` admits the node (no affinity: every node).
pub fn volume_reaches(pv: &PersistentVolume, node: &Node) -> bool {
    match pv
        .spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.required.as_ref())
    {
        Some(sel) => selector_admits(sel, node),
        None => true,
    }
}

fn selector_admits(sel: &NodeSelector, node: &Node) -> bool {
    sel.node_selector_terms
        .iter()
        .any(|t| super::basic::term_matches(t, node))
}

/// The class a claim asks for: its `storageClassName` (defaulted by admission), `""` for none.
pub fn claim_class(claim: &PersistentVolumeClaim) -> &str {
    claim.spec.storage_class_name.as_deref().unwrap_or("")
}

/// Whether binding this claim waits for a pod to be scheduled (its class is WaitForFirstConsumer).
pub fn delays_binding(claim: &PersistentVolumeClaim, classes: &[&StorageClass]) -> bool {
    let name = claim_class(claim);
    !name.is_empty()
        && classes
            .iter()
            .any(|c| c.metadata.name == name && c.waits_for_first_consumer())
}

/// `FindMatchingVolume`: the volume a claim binds to. A volume pre-bound to the claim
/// (`claimRef`) wins; otherwise the smallest Available one of the claim's class, volume mode and
/// selector that has every access mode it asks for and at least its size, and (when `node` is
/// given) reaches that node. With `delayed`, only pre-bound volumes match unless `node` is known.
pub fn find_matching_volume<'a>(
    claim: &PersistentVolumeClaim,
    volumes: &[&'a PersistentVolume],
    node: Option<&Node>,
    delayed: bool,
) -> Option<&'a PersistentVolume> {
    let want = claim.requested_storage();
    let class = claim_class(claim);
    let mode = claim.spec.volume_mode.as_deref().unwrap_or("Filesystem");
    let mut best: Option<&PersistentVolume> = None;
    for pv in volumes {
        if pv.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let prebound = match &pv.spec.claim_ref {
            Some(r) => {
                if r.name != claim.metadata.name || r.namespace != claim.metadata.namespace {
                    continue;
                }
                if !r.uid.is_empty() && r.uid != claim.metadata.uid {
                    continue;
                }
                true
            }
            None => false,
        };
        if !claim.spec.volume_name.is_empty() && claim.spec.volume_name != pv.metadata.name {
            continue;
        }
        if pv.spec.storage_class_name != class
            || pv.spec.volume_mode.as_deref().unwrap_or("Filesystem") != mode
            || pv.storage() < want
            || !claim
                .spec
                .access_modes
                .iter()
                .all(|m| pv.spec.access_modes.contains(m))
            || claim
                .spec
                .selector
                .as_ref()
                .is_some_and(|s| !s.matches(&pv.metadata.labels))
        {
            continue;
        }
        if !(prebound || pv.status.phase == "Available" || pv.status.phase.is_empty()) {
            continue;
        }
        if let Some(n) = node {
            if !volume_reaches(pv, n) {
                continue;
            }
        } else if delayed && !prebound {
            continue;
        }
        if prebound {
            return Some(pv);
        }
        if best.is_none_or(|b| pv.storage() < b.storage()) {
            best = Some(pv);
        }
    }
    best
}

/// What VolumeRestrictions' and VolumeBinding's PreFilters found for one pod: the claims' state
/// the Filter checks per node.
#[derive(Debug)]
pub(crate) struct Claims<'s> {
    /// Bound claims' volumes: each must reach the node.
    bound: Vec<&'s PersistentVolume>,
    /// Unbound WaitForFirstConsumer claims, with whether their class can provision a volume.
    delayed: Vec<(&'s PersistentVolumeClaim, bool)>,
}

/// VolumeRestrictions' PreFilter: a claim the pod mounts that is missing, or that another pod
/// holds with ReadWriteOncePod, is UnschedulableAndUnresolvable.
pub(crate) fn restrictions(pod: &Pod, storage: &Storage) -> Result<(), String> {
    let ns = pod.metadata.namespace.as_str();
    for name in pod_claims(pod) {
        let Some(claim) = storage
            .claims
            .iter()
            .find(|c| c.metadata.namespace == ns && c.metadata.name == name)
        else {
            return Err(format!("persistentvolumeclaim \"{name}\" not found"));
        };
        if claim
            .spec
            .access_modes
            .iter()
            .any(|m| m == "ReadWriteOncePod")
            && storage.in_use.iter().any(|(cns, cname, user)| {
                *cns == ns && *cname == name && *user != pod.metadata.name
            })
        {
            return Err(ERR_RWOP_CONFLICT.to_string());
        }
    }
    Ok(())
}

/// VolumeBinding's PreFilter: `None` when the pod mounts no claim (the plugin skips), an
/// UnschedulableAndUnresolvable message when a claim is missing, being deleted, names a class
/// that does not exist, or is unbound with Immediate binding.
pub(crate) fn prefilter<'s>(
    pod: &Pod,
    storage: &Storage<'s>,
) -> Option<Result<Claims<'s>, String>> {
    let names: Vec<&str> = pod_claims(pod).collect();
    if names.is_empty() {
        return None;
    }
    let ns = pod.metadata.namespace.as_str();
    let mut claims = Claims {
        bound: Vec::new(),
        delayed: Vec::new(),
    };
    let mut unbound_immediate = false;
    for name in names {
        let Some(claim) = storage
            .claims
            .iter()
            .find(|c| c.metadata.namespace == ns && c.metadata.name == name)
        else {
            return Some(Err(format!("persistentvolumeclaim \"{name}\" not found")));
        };
        if claim.metadata.deletion_timestamp.is_some() {
            return Some(Err(format!(
                "persistentvolumeclaim \"{name}\" is being deleted"
            )));
        }
        if !claim.spec.volume_name.is_empty() && claim.status.phase == "Bound" {
            match storage
                .volumes
                .iter()
                .find(|v| v.metadata.name == claim.spec.volume_name)
            {
                Some(pv) => claims.bound.push(pv),
                None => {
                    return Some(Err(format!(
                        "persistentvolume \"{}\" not found",
                        claim.spec.volume_name
                    )))
                }
            }
            continue;
        }
        let class = claim_class(claim);
        if !class.is_empty() && !storage.classes.iter().any(|c| c.metadata.name == class) {
            return Some(Err(format!(
                "storageclass.storage.k8s.io \"{class}\" not found"
            )));
        }
        if delays_binding(claim, &storage.classes) {
            let provisions = storage
                .classes
                .iter()
                .any(|c| c.metadata.name == class && c.provisions());
            claims.delayed.push((claim, provisions));
        } else {
            unbound_immediate = true;
        }
    }
    if unbound_immediate {
        return Some(Err(ERR_UNBOUND_IMMEDIATE.to_string()));
    }
    if claims.bound.is_empty() && claims.delayed.is_empty() {
        return None;
    }
    Some(Ok(claims))
}

/// VolumeBinding's Filter on one node.
pub(crate) fn filter(
    claims: &Claims,
    storage: &Storage,
    node: &Node,
) -> Result<(), Cow<'static, str>> {
    if claims.bound.iter().any(|pv| !volume_reaches(pv, node)) {
        return Err(Cow::Borrowed(ERR_NODE_CONFLICT));
    }
    for (claim, provisions) in &claims.delayed {
        if !*provisions && find_matching_volume(claim, &storage.volumes, Some(node), true).is_none()
        {
            return Err(Cow::Borrowed(ERR_BIND_CONFLICT));
        }
    }
    Ok(())
}
