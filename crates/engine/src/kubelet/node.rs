//! The node side of the kubelet: registration (what a real kubelet reports about its machine),
//! heartbeats, and the playground's machine controls (a node fails, a node comes back).

use kubeplay_api::core::{NodeAddress, NodeSystemInfo};
use kubeplay_api::meta::Condition;
use kubeplay_api::{Kind, Node, Object, Quantity, Time};

use super::Kubelet;
use crate::store::Key;
use crate::{Cluster, Task};

impl Kubelet {
    pub(crate) fn node_added(&mut self, name: &str, now: Time) {
        let idx = self.next_index;
        let n = self.nodes.entry(name.to_string()).or_default();
        if n.last_heartbeat.is_none() {
            n.last_heartbeat = Some(now);
            n.index = idx;
            self.next_index += 1;
        }
    }
    pub(crate) fn node_removed(&mut self, name: &str) {
        self.nodes.remove(name);
    }
    pub(crate) fn is_failed(&self, name: &str) -> bool {
        self.nodes.get(name).is_some_and(|n| n.failed)
    }
    pub(crate) fn last_heartbeat(&self, name: &str) -> Option<Time> {
        self.nodes.get(name).and_then(|n| n.last_heartbeat)
    }
    pub(crate) fn forget(&mut self, key: &Key) {
        self.pods.remove(key);
    }

    /// Fills in what a real kubelet would report on registration: conditions, addresses, node
    /// info; allocatable defaults to capacity (a documented playground difference).
    pub(crate) fn prepare_node(&mut self, n: &mut Node, now: Time) {
        if n.status.allocatable.is_empty() {
            n.status.allocatable = n.status.capacity.clone();
        }
        for (k, v) in [
            ("cpu", "2"),
            ("memory", "4Gi"),
            ("pods", "110"),
            ("ephemeral-storage", "100Gi"),
        ] {
            if !n.status.capacity.contains_key(k) {
                let Ok(q) = v.parse::<Quantity>() else {
                    continue;
                };
                n.status.capacity.insert(k.into(), q);
                n.status.allocatable.entry(k.into()).or_insert(q);
            }
        }
        let name = n.metadata.name.clone();
        for (k, v) in [
            ("kubernetes.io/hostname", name.as_str()),
            ("kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("beta.kubernetes.io/arch", "amd64"),
        ] {
            n.metadata
                .labels
                .entry(k.into())
                .or_insert_with(|| v.into());
        }
        if n.status.conditions.is_empty() {
            let cond = |t: &str, s: &str, reason: &str, msg: &str| Condition {
                type_: t.into(),
                status: s.into(),
                last_heartbeat_time: Some(now),
                last_transition_time: Some(now),
                reason: reason.into(),
                message: msg.into(),
                ..Default::default()
            };
            n.status.conditions = vec![
                cond(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                cond(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                cond(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                cond(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ];
        }
        let idx = self.nodes.len() + 1;
        if n.status.addresses.is_empty() {
            n.status.addresses = vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: format!("172.18.0.{}", idx + 1),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: name.clone(),
                },
            ];
        }
        n.status.node_info.get_or_insert_with(|| NodeSystemInfo {
            architecture: "amd64".into(),
            boot_id: format!("boot-{name}"),
            container_runtime_version: "containerd://2.1.0".into(),
            kernel_version: "6.8.0-kubeplay".into(),
            kube_proxy_version: String::new(),
            kubelet_version: "v1.37.1".into(),
            machine_id: format!("machine-{name}"),
            operating_system: "linux".into(),
            os_image: "Debian GNU/Linux 12 (bookworm)".into(),
            system_uuid: format!("uuid-{name}"),
        });
        if n.spec.pod_cidr.is_empty() {
            n.spec.pod_cidr = format!("10.244.{idx}.0/24");
        }
    }
}

impl Cluster {
    /// The machine stops: its kubelet stops posting status and its containers stop serving.
    pub fn fail_node(&mut self, name: &str) -> Result<(), kubeplay_api::ApiError> {
        self.get(Kind::Node, "", name)?;
        let now = self.now;
        if let Some(n) = self.kubelet.nodes.get_mut(name) {
            n.failed = true;
            // Its last status: a running kubelet posts one every few seconds (the simulation
            // does not tick them, so the one before the failure is taken to be now).
            n.last_heartbeat = Some(now);
        }
        let ips: Vec<String> = self
            .store
            .pods_on_node(name)
            .filter_map(|o| match o {
                Object::Pod(p) if p.spec.node_name == name => Some(p.status.pod_ip.clone()),
                _ => None,
            })
            .collect();
        for ip in &ips {
            self.traffic.serving_stopped(ip, now);
        }
        // Serving stops as it does at SIGTERM; this tells a request's failure apart.
        self.traffic.node_down(name, &ips, now);
        self.record(
            "playground",
            format!("Node {name}"),
            "machine failed: the kubelet stops posting status".into(),
        );
        self.schedule_in(crate::delays::NODE_MONITOR_GRACE, Task::NodeMonitor);
        Ok(())
    }

    /// The machine comes back: the kubelet posts Ready, restarts containers and finishes
    /// pending terminations.
    pub fn restore_node(&mut self, name: &str) -> Result<(), kubeplay_api::ApiError> {
        let Object::Node(mut node) = self.get(Kind::Node, "", name)?.clone() else {
            return Ok(());
        };
        let now = self.now;
        if let Some(n) = self.kubelet.nodes.get_mut(name) {
            n.failed = false;
            n.last_heartbeat = Some(now);
        }
        self.traffic.node_up(name, now);
        for c in node.status.conditions.iter_mut() {
            let (status, reason, msg) = match c.type_.as_str() {
                "Ready" => ("True", "KubeletReady", "kubelet is posting ready status"),
                "MemoryPressure" => (
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                "DiskPressure" => (
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                _ => (
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
            };
            if c.status != status {
                c.last_transition_time = Some(now);
            }
            c.status = status.into();
            c.reason = reason.into();
            c.message = msg.into();
            c.last_heartbeat_time = Some(now);
        }
        node.spec.taints.retain(|t| {
            t.key != "node.kubernetes.io/unreachable" && t.key != "node.kubernetes.io/not-ready"
        });
        self.store.put(Object::Node(node.clone()), now);
        self.event(
            &Object::Node(node),
            "Normal",
            "NodeReady",
            format!("Node {name} status is now: NodeReady"),
            "kubelet",
            name,
        );
        self.record(
            "playground",
            format!("Node {name}"),
            "machine restored: the kubelet posts Ready again".into(),
        );
        self.node_rebooted(name);
        self.dispatch();
        Ok(())
    }
}
