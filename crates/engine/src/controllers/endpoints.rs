//! The Endpoints controller: a Service's ready pods as `addresses`, unready ones as
//! `notReadyAddresses`, terminating and IP-less pods left out (§6); `publishNotReadyAddresses`
//! honoured.

use kubeplay_api::core::{EndpointAddress, EndpointPort, EndpointSubset, ObjectReference, Pod};
use kubeplay_api::{Endpoints, IntOrString, Kind, Object, ObjectMeta};

use crate::store::Key;
use crate::Cluster;

impl Cluster {
    pub(crate) fn sync_endpoints(&mut self, ns: &str, name: &str) {
        let ep_key = Key::new(Kind::Endpoints, ns, name);
        let Some(Object::Service(svc)) =
            self.store.get(&Key::new(Kind::Service, ns, name)).cloned()
        else {
            if self.store.contains(&ep_key) {
                self.store.remove(&ep_key, self.now);
            }
            return;
        };
        if svc.spec.selector.is_empty() {
            return; // User-managed Endpoints.
        }
        let pnra = svc.spec.publish_not_ready_addresses;
        let mut ready = Vec::new();
        let mut not_ready = Vec::new();
        let mut ports: Vec<EndpointPort> = Vec::new();
        for o in self.store.pods_matching(ns, &svc.spec.selector) {
            let Object::Pod(p) = o else { continue };
            let place = endpoints_place(p, pnra);
            if place == EndpointPlace::Absent {
                continue;
            }
            let addr = EndpointAddress {
                ip: p.status.pod_ip.clone(),
                node_name: Some(p.spec.node_name.clone()),
                target_ref: Some(ObjectReference {
                    kind: "Pod".into(),
                    namespace: ns.into(),
                    name: p.metadata.name.clone(),
                    uid: p.metadata.uid.clone(),
                    ..Default::default()
                }),
            };
            if place == EndpointPlace::Addresses {
                ready.push(addr);
            } else {
                not_ready.push(addr);
            }
            if ports.is_empty() {
                for sp in &svc.spec.ports {
                    let port = match &sp.target_port {
                        Some(IntOrString::Int(n)) => Some(*n as i32),
                        Some(IntOrString::String(named)) => p
                            .spec
                            .containers
                            .iter()
                            .flat_map(|c| &c.ports)
                            .find(|cp| &cp.name == named)
                            .map(|cp| cp.container_port),
                        None => Some(sp.port),
                    };
                    if let Some(port) = port {
                        ports.push(EndpointPort {
                            name: sp.name.clone(),
                            port,
                            protocol: sp.protocol.clone(),
                        });
                    }
                }
            }
        }
        ready.sort_by(|a, b| a.ip.cmp(&b.ip));
        not_ready.sort_by(|a, b| a.ip.cmp(&b.ip));
        let subsets = if ready.is_empty() && not_ready.is_empty() {
            vec![]
        } else {
            vec![EndpointSubset {
                addresses: ready,
                not_ready_addresses: not_ready,
                ports,
            }]
        };
        let existing = self.store.get(&ep_key).cloned();
        let mut ep = match existing {
            Some(Object::Endpoints(e)) => e,
            _ => {
                let mut m = ObjectMeta::named(ns, name);
                m.uid = self.new_uid();
                m.creation_timestamp = Some(self.now);
                m.labels = svc.metadata.labels.clone();
                Endpoints {
                    metadata: m,
                    subsets: vec![],
                }
            }
        };
        if ep.subsets != subsets || ep.metadata.resource_version.is_empty() {
            ep.subsets = subsets;
            let n = ep.subsets.first().map_or(0, |s| s.addresses.len());
            self.record(
                "endpoint-controller",
                format!("Endpoints {ns}/{name}"),
                format!("{n} ready address(es)"),
            );
            self.store.put(Object::Endpoints(ep), self.now);
        }
    }
}

/// Where a pod goes in its Service's Endpoints (§6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EndpointPlace {
    Addresses,
    NotReadyAddresses,
    Absent,
}

/// `ShouldPodBeInEndpoints(pod, includeTerminating = publishNotReadyAddresses)` then
/// `addEndpointSubset`: ready (or published anyway) pods are addresses, others not-ready ones.
pub(crate) fn endpoints_place(p: &Pod, publish_not_ready: bool) -> EndpointPlace {
    let terminal = p.status.phase == "Succeeded" || p.status.phase == "Failed";
    if terminal || p.status.pod_ip.is_empty() || (!publish_not_ready && p.is_terminating()) {
        EndpointPlace::Absent
    } else if publish_not_ready || p.is_ready() {
        EndpointPlace::Addresses
    } else {
        EndpointPlace::NotReadyAddresses
    }
}

/// An EndpointSlice endpoint's conditions (`podToEndpoint`). The playground keeps Endpoints
/// only (the table of §6 tests this); kube-proxy's view in `traffic.rs` routes to what `ready`
/// would.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EndpointConditions {
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// `ShouldPodBeInEndpoints(pod, true)` then `podToEndpoint`: terminating pods stay, not ready.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn endpoint_slice_conditions(
    p: &Pod,
    publish_not_ready: bool,
) -> Option<EndpointConditions> {
    let terminal = p.status.phase == "Succeeded" || p.status.phase == "Failed";
    if terminal || p.status.pod_ip.is_empty() {
        return None;
    }
    let serving = p.is_ready();
    let terminating = p.is_terminating();
    Some(EndpointConditions {
        ready: publish_not_ready || (serving && !terminating),
        serving,
        terminating,
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};
    use kubeplay_api::meta::Condition;

    use super::*;

    /// A pod in one of the truth table's states.
    fn pod(state: &str) -> Pod {
        let mut p = Pod::default();
        p.status.phase = "Running".into();
        p.status.pod_ip = "10.244.1.2".into();
        let ready = |p: &mut Pod| {
            p.status.conditions.push(Condition {
                type_: "Ready".into(),
                status: "True".into(),
                ..Default::default()
            })
        };
        match state {
            "Running, Ready" => ready(&mut p),
            "Running, not Ready" => {}
            "No pod IP yet" => {
                p.status.phase = "Pending".into();
                p.status.pod_ip.clear();
            }
            "Terminating, still Ready" => {
                ready(&mut p);
                p.metadata.deletion_timestamp = Some(crate::EPOCH);
            }
            "Terminating, not Ready" => p.metadata.deletion_timestamp = Some(crate::EPOCH),
            "Succeeded" => p.status.phase = "Succeeded".into(),
            "Failed" => p.status.phase = "Failed".into(),
            _ => {}
        }
        p
    }

    fn place(p: &Pod, pnra: bool) -> &'static str {
        match endpoints_place(p, pnra) {
            EndpointPlace::Addresses => "addresses",
            EndpointPlace::NotReadyAddresses => "notReadyAddresses",
            EndpointPlace::Absent => "absent",
        }
    }

    /// One row: Endpoints (pNRA=false) | Endpoints (pNRA=true) | EndpointSlice (pNRA=false).
    fn check(state: &str, expect: Expect) {
        let p = pod(state);
        let slice = match endpoint_slice_conditions(&p, false) {
            Some(c) => {
                let b = |v: bool| if v { "T" } else { "F" };
                format!(
                    "ready={} serving={} terminating={}",
                    b(c.ready),
                    b(c.serving),
                    b(c.terminating)
                )
            }
            None => "absent".into(),
        };
        expect.assert_eq(&format!(
            "{} | {} | {slice}",
            place(&p, false),
            place(&p, true)
        ));
    }

    #[test]
    fn endpoints_truth_table() {
        check(
            "Running, Ready",
            expect!["addresses | addresses | ready=T serving=T terminating=F"],
        );
        check(
            "Running, not Ready",
            expect!["notReadyAddresses | addresses | ready=F serving=F terminating=F"],
        );
        check("No pod IP yet", expect!["absent | absent | absent"]);
        check(
            "Terminating, still Ready",
            expect!["absent | addresses | ready=F serving=T terminating=T"],
        );
        check(
            "Terminating, not Ready",
            expect!["absent | addresses | ready=F serving=F terminating=T"],
        );
        check("Succeeded", expect!["absent | absent | absent"]);
        check("Failed", expect!["absent | absent | absent"]);
    }
}
