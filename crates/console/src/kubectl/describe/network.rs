//! describe for Services, NetworkPolicies and Ingresses.

use super::*;

/// Models kubectl's describeNetworkPolicy.
pub(super) fn network_policy(np: &kubeplay_api::networking::NetworkPolicy, w: &mut Writer) {
    use kubeplay_api::networking::{Peer, PolicyPort};
    w.line(&format!("Name:\t{}", np.metadata.name));
    w.line(&format!("Namespace:\t{}", np.metadata.namespace));
    if let Some(t) = np.metadata.creation_timestamp {
        let [y, mo, d, h, mi, se, _] = t.civil();
        w.line(&format!(
            "Created on:\t{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{se:02} +0000 UTC"
        ));
    }
    labels(w, "Labels", &np.metadata.labels);
    annotations(w, "Annotations", &np.metadata.annotations);
    w.line("Spec:");
    let sel = np.spec.pod_selector.to_selector_string();
    if sel.is_empty() {
        w.line("  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)");
    } else {
        w.line(&format!("  PodSelector:     {sel}"));
    }
    let ports = |w: &mut Writer, ports: &[PolicyPort], label: &str| {
        if ports.is_empty() {
            w.line(&format!(
                "    {label}: <any> (traffic allowed to all ports)"
            ));
        }
        for p in ports {
            let port = p
                .port
                .as_ref()
                .map_or("<any>".to_string(), |p| p.to_string());
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.end_port {
                Some(end) => w.line(&format!("    {label}: {port}-{end}/{proto}")),
                None => w.line(&format!("    {label}: {port}/{proto}")),
            }
        }
    };
    let peers = |w: &mut Writer, peers: &[Peer], label: &str, any: &str| {
        if peers.is_empty() {
            w.line(&format!("    {label}: <any> ({any})"));
            return;
        }
        w.line(&format!("    {label}:"));
        for p in peers {
            match (&p.pod_selector, &p.namespace_selector, &p.ip_block) {
                (_, _, Some(b)) => {
                    w.line("      IPBlock:");
                    w.line(&format!("        CIDR: {}", b.cidr));
                    w.line(&format!("        Except: {}", b.except.join(", ")));
                }
                (Some(ps), Some(ns), None) => {
                    w.line(&format!(
                        "      NamespaceSelector: {}",
                        ns.to_selector_string()
                    ));
                    w.line(&format!("      PodSelector: {}", ps.to_selector_string()));
                }
                (Some(ps), None, None) => {
                    w.line(&format!("      PodSelector: {}", ps.to_selector_string()))
                }
                (None, Some(ns), None) => w.line(&format!(
                    "      NamespaceSelector: {}",
                    ns.to_selector_string()
                )),
                (None, None, None) => {}
            }
        }
    };
    if np.applies_to_ingress() {
        w.line("  Allowing ingress traffic:");
        if np.spec.ingress.is_empty() {
            w.line("    <none> (Selected pods are isolated for ingress connectivity)");
        }
        for (i, r) in np.spec.ingress.iter().enumerate() {
            if i > 0 {
                w.line("    ----------");
            }
            ports(w, &r.ports, "To Port");
            peers(w, &r.from, "From", "traffic not restricted by source");
        }
    } else {
        w.line("  Not affecting ingress traffic");
    }
    if np.applies_to_egress() {
        w.line("  Allowing egress traffic:");
        if np.spec.egress.is_empty() {
            w.line("    <none> (Selected pods are isolated for egress connectivity)");
        }
        for (i, r) in np.spec.egress.iter().enumerate() {
            if i > 0 {
                w.line("    ----------");
            }
            ports(w, &r.ports, "To Port");
            peers(w, &r.to, "To", "traffic not restricted by destination");
        }
    } else {
        w.line("  Not affecting egress traffic");
    }
    w.line(&format!(
        "  Policy Types: {}",
        np.spec.policy_types.join(", ")
    ));
}

pub(super) fn service(cluster: &Cluster, svc: &kubeplay_api::Service, w: &mut Writer) {
    w.line(&format!("Name:\t{}", svc.metadata.name));
    w.line(&format!("Namespace:\t{}", svc.metadata.namespace));
    labels(w, "Labels", &svc.metadata.labels);
    annotations(w, "Annotations", &svc.metadata.annotations);
    let sel = crate::kubectl::get::join_labels(&svc.spec.selector);
    w.line(&format!("Selector:\t{sel}"));
    let type_ = if svc.spec.type_.is_empty() {
        "ClusterIP"
    } else {
        &svc.spec.type_
    };
    w.line(&format!("Type:\t{type_}"));
    let extra_str = |k: &str| {
        svc.spec
            .extra
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let policy = extra_str("ipFamilyPolicy");
    if !policy.is_empty() {
        w.line(&format!("IP Family Policy:\t{policy}"));
    }
    let families: Vec<String> = svc
        .spec
        .extra
        .get("ipFamilies")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if !families.is_empty() {
        w.line(&format!("IP Families:\t{}", families.join(",")));
    }
    if type_ == "ExternalName" {
        w.line(&format!("External Name:\t{}", extra_str("externalName")));
    } else {
        w.line(&format!("IP:\t{}", svc.spec.cluster_ip));
        let ips = if svc.spec.cluster_ips.is_empty() {
            vec![svc.spec.cluster_ip.clone()]
        } else {
            svc.spec.cluster_ips.clone()
        };
        w.line(&format!("IPs:\t{}", ips.join(",")));
    }
    let ep = match cluster.get(Kind::Endpoints, &svc.metadata.namespace, &svc.metadata.name) {
        Ok(Object::Endpoints(ep)) => Some(ep.clone()),
        _ => None,
    };
    for p in &svc.spec.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            &p.name
        };
        let proto = if p.protocol.is_empty() {
            "TCP"
        } else {
            &p.protocol
        };
        w.line(&format!("Port:\t{name}\t{}/{proto}", p.port));
        let target = p
            .target_port
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_else(|| p.port.to_string());
        w.line(&format!("TargetPort:\t{target}/{proto}"));
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            w.line(&format!("NodePort:\t{name}\t{np}/{proto}"));
        }
        let addrs: Vec<String> = ep
            .as_ref()
            .map(|ep| {
                ep.subsets
                    .iter()
                    .flat_map(|ss| {
                        let port = ss
                            .ports
                            .iter()
                            .find(|ep_port| ep_port.name == p.name || ss.ports.len() == 1)
                            .map(|x| x.port);
                        ss.addresses.iter().map(move |a| match port {
                            Some(pt) => format!("{}:{pt}", a.ip),
                            None => a.ip.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        w.line(&format!("Endpoints:\t{}", addrs.join(",")));
    }
    let affinity = extra_str("sessionAffinity");
    w.line(&format!(
        "Session Affinity:\t{}",
        if affinity.is_empty() {
            "None"
        } else {
            &affinity
        }
    ));
    let etp = extra_str("externalTrafficPolicy");
    if !etp.is_empty() {
        w.line(&format!("External Traffic Policy:\t{etp}"));
    }
    let itp = extra_str("internalTrafficPolicy");
    if !itp.is_empty() {
        w.line(&format!("Internal Traffic Policy:\t{itp}"));
    }
}

/// `kubectl describe ingress` (kubectl's describeIngressV1).
pub(super) fn ingress(cluster: &Cluster, ing: &kubeplay_api::ingress::Ingress, w: &mut Writer) {
    w.line(&format!("Name:\t{}", ing.metadata.name));
    labels(w, "Labels", &ing.metadata.labels);
    w.line(&format!("Namespace:\t{}", ing.metadata.namespace));
    w.line(&format!(
        "Address:\t{}",
        crate::kubectl::get::ingress_address(&ing.status.load_balancer, true)
    ));
    w.line(&format!(
        "Ingress Class:\t{}",
        ing.spec.ingress_class_name.as_deref().unwrap_or("<none>")
    ));
    let ns = &ing.metadata.namespace;
    let default = ing
        .spec
        .default_backend
        .as_ref()
        .map_or("<default>".to_string(), |b| ingress_backend(cluster, ns, b));
    w.line(&format!("Default backend:\t{default}"));
    if !ing.spec.tls.is_empty() {
        w.line("TLS:");
        for t in &ing.spec.tls {
            if t.secret_name.is_empty() {
                w.line(&format!("  SNI routes {}", t.hosts.join(",")));
            } else {
                w.line(&format!(
                    "  {} terminates {}",
                    t.secret_name,
                    t.hosts.join(",")
                ));
            }
        }
    }
    w.line("Rules:");
    w.line("  Host\tPath\tBackends");
    w.line("  ----\t----\t--------");
    let mut count = 0;
    for rule in &ing.spec.rules {
        let Some(http) = &rule.http else {
            continue;
        };
        count += 1;
        let host = if rule.host.is_empty() {
            "*"
        } else {
            &rule.host
        };
        w.line(&format!("  {host}\t"));
        for p in &http.paths {
            w.line(&format!(
                "    \t{} \t{}",
                p.path,
                ingress_backend(cluster, ns, &p.backend)
            ));
        }
    }
    if count == 0 {
        w.line(&format!("  *\t*\t{default}"));
    }
    annotations(w, "Annotations", &ing.metadata.annotations);
}

/// `svc:80 (10.244.1.5:80,...)`: the backend and the endpoints of its Service port (kubectl's
/// describeBackendV1).
pub(super) fn ingress_backend(
    cluster: &Cluster,
    ns: &str,
    b: &kubeplay_api::ingress::IngressBackend,
) -> String {
    let Some(svc_ref) = &b.service else {
        return match &b.resource {
            Some(r) => {
                let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let group = r
                    .get("apiGroup")
                    .and_then(|v| v.as_str())
                    .unwrap_or("<none>");
                format!(
                    "APIGroup: {group}, Kind: {}, Name: {}",
                    s("kind"),
                    s("name")
                )
            }
            None => String::new(),
        };
    };
    let sb = b.describe();
    let ep = match cluster.get(Kind::Endpoints, ns, &svc_ref.name) {
        Ok(Object::Endpoints(ep)) => ep,
        Ok(_) => return sb,
        Err(e) => return format!("{sb} (<error: {}>)", e.message),
    };
    let svc = match cluster.get(Kind::Service, ns, &svc_ref.name) {
        Ok(Object::Service(svc)) => svc,
        Ok(_) => return sb,
        Err(e) => return format!("{sb}(<error: {}>)", e.message),
    };
    let mut port_name = "";
    for sp in &svc.spec.ports {
        let by_number = svc_ref.port.number.is_some_and(|n| n == sp.port);
        let by_name = !svc_ref.port.name.is_empty() && svc_ref.port.name == sp.name;
        if by_number || by_name {
            port_name = &sp.name;
        }
    }
    // formatEndpoints over the ports of that name only.
    const MAX: usize = 3;
    let mut list = Vec::new();
    let mut count = 0;
    for ss in &ep.subsets {
        for port in ss.ports.iter().filter(|p| p.name == port_name) {
            for a in &ss.addresses {
                if list.len() < MAX {
                    list.push(format!("{}:{}", a.ip, port.port));
                }
                count += 1;
            }
        }
    }
    let mut eps = list.join(",");
    if count > MAX {
        eps.push_str(&format!(" + {} more...", count - MAX));
    }
    if eps.is_empty() {
        eps = "<none>".into();
    }
    format!("{sb} ({eps})")
}
