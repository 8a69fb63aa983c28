//! describe for nodes: conditions, capacity, the pods on the node and the requests they
//! allocate (kubectl's describeNode).

use super::*;

pub(super) fn sum_requests(
    pods: &[&kubeplay_api::Pod],
) -> (BTreeMap<String, Quantity>, BTreeMap<String, Quantity>) {
    let mut req: BTreeMap<String, Quantity> = BTreeMap::new();
    let mut lim: BTreeMap<String, Quantity> = BTreeMap::new();
    for p in pods {
        let (r, l) = pod_requests_limits(p);
        for (k, v) in r {
            req.entry(k).and_modify(|e| *e = e.add(&v)).or_insert(v);
        }
        for (k, v) in l {
            lim.entry(k).and_modify(|e| *e = e.add(&v)).or_insert(v);
        }
    }
    (req, lim)
}

pub(super) fn pct(part: &Quantity, whole: Option<&Quantity>, milli: bool) -> i64 {
    let Some(whole) = whole else { return 0 };
    let (p, w) = if milli {
        (part.milli_value() as f64, whole.milli_value() as f64)
    } else {
        (part.value() as f64, whole.value() as f64)
    };
    if w == 0.0 {
        0
    } else {
        (p / w * 100.0) as i64
    }
}

pub(super) fn qstr(q: Option<&Quantity>) -> String {
    q.map(|q| q.to_string()).unwrap_or_else(|| "0".into())
}

pub(super) fn node(cluster: &Cluster, n: &kubeplay_api::Node, w: &mut Writer) {
    let now = cluster.now();
    w.line(&format!("Name:\t{}", n.metadata.name));
    w.line(&format!("Roles:\t{}", crate::kubectl::get::node_roles(n)));
    labels(w, "Labels", &n.metadata.labels);
    annotations(w, "Annotations", &n.metadata.annotations);
    if let Some(t) = n.metadata.creation_timestamp {
        w.line(&format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    if n.spec.taints.is_empty() {
        w.line("Taints:\t<none>");
    } else {
        for (i, t) in n.spec.taints.iter().enumerate() {
            let s = t.to_spec_string();
            if i == 0 {
                w.line(&format!("Taints:\t{s}"));
            } else {
                w.line(&format!("\t{s}"));
            }
        }
    }
    w.line(&format!("Unschedulable:\t{}", n.spec.unschedulable));
    w.line("Lease:");
    w.line(&format!("  HolderIdentity:\t{}", n.metadata.name));
    w.line("  AcquireTime:\t<unset>");
    let renew = n
        .condition("Ready")
        .and_then(|c| c.last_heartbeat_time)
        .map(rfc1123z)
        .unwrap_or_else(|| "<unset>".into());
    w.line(&format!("  RenewTime:\t{renew}"));
    if !n.status.conditions.is_empty() {
        w.line("Conditions:");
        w.line("  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
        w.line("  ----\t------\t-----------------\t------------------\t------\t-------");
        for c in &n.status.conditions {
            let t = |x: Option<Time>| {
                x.map(rfc1123z)
                    .unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".into())
            };
            w.line(&format!(
                "  {} \t{} \t{} \t{} \t{} \t{}",
                c.type_,
                c.status,
                t(c.last_heartbeat_time),
                t(c.last_transition_time),
                c.reason,
                c.message
            ));
        }
    }
    w.line("Addresses:");
    for a in &n.status.addresses {
        w.line(&format!("  {}:\t{}", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", &n.status.capacity),
        ("Allocatable", &n.status.allocatable),
    ] {
        w.line(&format!("{title}:"));
        for (k, q) in list {
            w.line(&format!("  {k}:\t{q}"));
        }
    }
    if let Some(i) = &n.status.node_info {
        w.line("System Info:");
        w.line(&format!("  Machine ID:\t{}", i.machine_id));
        w.line(&format!("  System UUID:\t{}", i.system_uuid));
        w.line(&format!("  Boot ID:\t{}", i.boot_id));
        w.line(&format!("  Kernel Version:\t{}", i.kernel_version));
        w.line(&format!("  OS Image:\t{}", i.os_image));
        w.line(&format!("  Operating System:\t{}", i.operating_system));
        w.line(&format!("  Architecture:\t{}", i.architecture));
        w.line(&format!(
            "  Container Runtime Version:\t{}",
            i.container_runtime_version
        ));
        w.line(&format!("  Kubelet Version:\t{}", i.kubelet_version));
        w.line(&format!("  Kube-Proxy Version:\t{}", i.kube_proxy_version));
    }
    if !n.spec.pod_cidr.is_empty() {
        w.line(&format!("PodCIDR:\t{}", n.spec.pod_cidr));
        w.line(&format!("PodCIDRs:\t{}", n.spec.pod_cidr));
    }
    let pods: Vec<&kubeplay_api::Pod> = cluster
        .list(Kind::Pod, None, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.spec.node_name == n.metadata.name
                    && p.status.phase != "Succeeded"
                    && p.status.phase != "Failed" =>
            {
                Some(p)
            }
            _ => None,
        })
        .collect();
    let alloc = &n.status.allocatable;
    w.line(&format!("Non-terminated Pods:\t({} in total)", pods.len()));
    w.line("  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
    w.line("  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---");
    for p in &pods {
        let (r, l) = pod_requests_limits(p);
        let cell = |m: &BTreeMap<String, Quantity>, k: &str, milli: bool| {
            let q = m.get(k).copied().unwrap_or_else(Quantity::zero);
            format!("{} ({}%)", qstr(m.get(k)), pct(&q, alloc.get(k), milli))
        };
        let age = p
            .metadata
            .creation_timestamp
            .map(|t| human(now.millis() - t.millis()))
            .unwrap_or_default();
        w.line(&format!(
            "  {}\t{}\t\t{}\t{}\t{}\t{}\t{age}",
            p.metadata.namespace,
            p.metadata.name,
            cell(&r, "cpu", true),
            cell(&l, "cpu", true),
            cell(&r, "memory", false),
            cell(&l, "memory", false),
        ));
    }
    let (req, lim) = sum_requests(&pods);
    w.line("Allocated resources:");
    w.line("  (Total limits may be over 100 percent, i.e., overcommitted.)");
    w.line("  Resource\tRequests\tLimits");
    w.line("  --------\t--------\t------");
    let mut resources = vec![
        "cpu".to_string(),
        "memory".to_string(),
        "ephemeral-storage".to_string(),
    ];
    for k in alloc.keys() {
        if k.starts_with("hugepages-") {
            resources.push(k.clone());
        }
    }
    for k in resources {
        let milli = k == "cpu";
        let zero = Quantity::zero();
        let rq = req.get(&k).unwrap_or(&zero);
        let lq = lim.get(&k).unwrap_or(&zero);
        w.line(&format!(
            "  {k}\t{} ({}%)\t{} ({}%)",
            qstr(req.get(&k)),
            pct(rq, alloc.get(&k), milli),
            qstr(lim.get(&k)),
            pct(lq, alloc.get(&k), milli)
        ));
    }
}
