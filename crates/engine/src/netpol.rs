//! NetworkPolicy as a network plugin enforces it (upstream's semantics; the playground's
//! kube-proxy and traffic model ask it): a pod is isolated for ingress when a policy of its
//! namespace selects it with policyType Ingress, and then a connection reaches it only if some
//! such policy's rule allows the source (a pod by its labels and its namespace's labels, or an
//! address block) on the port; egress likewise, from the source pod's side. Policies add up; an
//! isolated pod with no rule allowing a connection drops it (the client times out).
//!
//! Connections from outside the cluster (the `traffic` generator) come from
//! [`EXTERNAL_CLIENT_IP`], so only an `ipBlock` that holds it lets them in.

use kubeplay_api::core::Pod;
use kubeplay_api::meta::IntOrString;
use kubeplay_api::networking::{ipv4_in_cidr, NetworkPolicy, Peer, PolicyPort};
use kubeplay_api::{Kind, LabelSelector, Object};

use crate::store::Store;

/// The address the traffic generator's requests come from, as a client outside the cluster.
pub const EXTERNAL_CLIENT_IP: &str = "192.168.0.10";

/// Where a connection comes from: a pod, or a client outside the cluster.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    Pod(&'a Pod),
    External,
}

impl Source<'_> {
    fn ip(&self) -> &str {
        match self {
            Source::Pod(p) => &p.status.pod_ip,
            Source::External => EXTERNAL_CLIENT_IP,
        }
    }
}

fn policies<'s>(store: &'s Store, namespace: &str) -> impl Iterator<Item = &'s NetworkPolicy> {
    store
        .list(Kind::NetworkPolicy, Some(namespace))
        .filter_map(|o| match o {
            Object::NetworkPolicy(np) => Some(np),
            _ => None,
        })
}

/// Whether any NetworkPolicy exists: without one, nothing is checked.
pub(crate) fn any(store: &Store) -> bool {
    store.list(Kind::NetworkPolicy, None).next().is_some()
}

fn namespace_labels<'s>(
    store: &'s Store,
    ns: &str,
) -> Option<&'s std::collections::BTreeMap<String, String>> {
    match store.get(&crate::store::Key::new(Kind::Namespace, "", ns)) {
        Some(Object::Namespace(n)) => Some(&n.metadata.labels),
        _ => None,
    }
}

/// Whether `peer` (of a policy in `policy_ns`) names `pod` (or, for an ipBlock, its address).
fn peer_matches(store: &Store, peer: &Peer, policy_ns: &str, pod: Option<&Pod>, ip: &str) -> bool {
    if let Some(b) = &peer.ip_block {
        return ipv4_in_cidr(ip, &b.cidr) && !b.except.iter().any(|e| ipv4_in_cidr(ip, e));
    }
    let Some(pod) = pod else {
        return false;
    };
    let ns = &pod.metadata.namespace;
    let ns_ok = match &peer.namespace_selector {
        None => ns == policy_ns,
        Some(sel) => namespace_labels(store, ns).is_some_and(|l| sel.matches(l)),
    };
    let pod_ok = peer
        .pod_selector
        .as_ref()
        .is_none_or(|sel: &LabelSelector| sel.matches(&pod.metadata.labels));
    ns_ok && pod_ok
}

/// Whether `ports` (empty: every port) allow TCP `port` on `pod` (named ports are the pod's).
fn port_matches(ports: &[PolicyPort], pod: Option<&Pod>, port: i32) -> bool {
    ports.is_empty()
        || ports.iter().any(|p| {
            if p.protocol.as_deref().is_some_and(|pr| pr != "TCP") {
                return false;
            }
            match &p.port {
                None => true,
                Some(IntOrString::Int(n)) => {
                    let lo = *n as i32;
                    let hi = p.end_port.unwrap_or(lo);
                    (lo..=hi).contains(&port)
                }
                Some(IntOrString::String(name)) => pod.is_some_and(|pod| {
                    pod.spec
                        .containers
                        .iter()
                        .flat_map(|c| &c.ports)
                        .any(|cp| cp.name == *name && cp.container_port == port)
                }),
            }
        })
}

/// Whether a TCP connection from `src` to `dst` on `port` gets through.
pub(crate) fn allows(store: &Store, src: Source, dst: &Pod, port: i32) -> bool {
    // Ingress at the destination.
    let dst_ns = &dst.metadata.namespace;
    let mut isolated = false;
    let mut allowed = false;
    for np in policies(store, dst_ns) {
        if !np.applies_to_ingress() || !np.spec.pod_selector.matches(&dst.metadata.labels) {
            continue;
        }
        isolated = true;
        let src_pod = match src {
            Source::Pod(p) => Some(p),
            Source::External => None,
        };
        allowed |= np.spec.ingress.iter().any(|r| {
            (r.from.is_empty()
                || r.from
                    .iter()
                    .any(|peer| peer_matches(store, peer, dst_ns, src_pod, src.ip())))
                && port_matches(&r.ports, Some(dst), port)
        });
        if allowed {
            break;
        }
    }
    if isolated && !allowed {
        return false;
    }
    // Egress at the source.
    let Source::Pod(src_pod) = src else {
        return true;
    };
    let src_ns = &src_pod.metadata.namespace;
    let mut isolated = false;
    for np in policies(store, src_ns) {
        if !np.applies_to_egress() || !np.spec.pod_selector.matches(&src_pod.metadata.labels) {
            continue;
        }
        isolated = true;
        let ok = np.spec.egress.iter().any(|r| {
            (r.to.is_empty()
                || r.to
                    .iter()
                    .any(|peer| peer_matches(store, peer, src_ns, Some(dst), &dst.status.pod_ip)))
                && port_matches(&r.ports, Some(dst), port)
        });
        if ok {
            return true;
        }
    }
    !isolated
}
