//! The Endpoints controller: a Service's ready pods as `addresses`, unready ones as
//! `notReadyAddresses`, terminating and IP-less pods left out (§6); `publishNotReadyAddresses`
//! honoured.

use kubeplay_api::core::{EndpointAddress, EndpointPort, EndpointSubset, ObjectReference};
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
        for o in self.store.list(Kind::Pod, Some(ns)) {
            let Object::Pod(p) = o else { continue };
            if !svc
                .spec
                .selector
                .iter()
                .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
            {
                continue;
            }
            let terminal = p.status.phase == "Succeeded" || p.status.phase == "Failed";
            if terminal || p.status.pod_ip.is_empty() || (!pnra && p.is_terminating()) {
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
            if pnra || p.is_ready() {
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
