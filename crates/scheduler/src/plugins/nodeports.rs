//! NodePorts: a pod asking for host ports fits only a node where no pod holds them
//! (upstream's `nodeports` plugin and `HostPortInfo.CheckConflict`).

use kubeplay_api::core::Container;
use kubeplay_api::Pod;

use crate::resources::is_restartable_init_container;
use crate::snapshot::PreparedNode;

pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

/// A host port a container asks for: (hostIP, protocol, port), with upstream's defaults
/// (`0.0.0.0`, `TCP`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPort {
    ip: String,
    protocol: String,
    port: i64,
}

fn container_host_ports(c: &Container, out: &mut Vec<HostPort>) {
    for p in &c.ports {
        let port = p
            .extra
            .get("hostPort")
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        if port <= 0 {
            continue;
        }
        let ip = p
            .extra
            .get("hostIP")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .unwrap_or("0.0.0.0");
        let protocol = if p.protocol.is_empty() {
            "TCP"
        } else {
            p.protocol.as_str()
        };
        out.push(HostPort {
            ip: ip.to_string(),
            protocol: protocol.to_string(),
            port,
        });
    }
}

/// The host ports a pod holds: its containers' and its sidecars' (which keep running).
pub fn host_ports(pod: &Pod) -> Vec<HostPort> {
    let mut out = Vec::new();
    for c in &pod.spec.containers {
        container_host_ports(c, &mut out);
    }
    for c in pod
        .spec
        .init_containers
        .iter()
        .filter(|c| is_restartable_init_container(c))
    {
        container_host_ports(c, &mut out);
    }
    out
}

/// PreFilter: the pod's host ports, or None (Skip) when it asks for none.
pub fn prefilter(pod: &Pod) -> Option<Vec<HostPort>> {
    let ports = host_ports(pod);
    (!ports.is_empty()).then_some(ports)
}

/// `CheckConflict`: a wildcard address conflicts with the port on any address; a specific one
/// with the same address or the wildcard.
fn conflicts(want: &HostPort, used: &HostPort) -> bool {
    want.port == used.port
        && want.protocol == used.protocol
        && (want.ip == "0.0.0.0" || used.ip == "0.0.0.0" || want.ip == used.ip)
}

/// Filter: no wanted port is held by a pod on the node.
pub fn filter(wanted: &[HostPort], node: &PreparedNode) -> Result<(), &'static str> {
    for p in &node.pods {
        for used in host_ports(p) {
            if wanted.iter().any(|w| conflicts(w, &used)) {
                return Err(ERR_REASON);
            }
        }
    }
    Ok(())
}
