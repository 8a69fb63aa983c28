//! `kubectl top nodes|pods`: what the engine's metrics-server reports (`kubeplay_engine::metrics`:
//! CPU from the requests each pod answered, memory from the requests).

use std::collections::BTreeMap;

use kubeplay_api::{Kind, LabelSelector, Object, Quantity};

use super::{namespace, parse_flags, wants_help};
use crate::flags::{flag, short, FlagKind};
use crate::tabwriter::TabWriter;
use crate::{Io, Session};

fn running(p: &kubeplay_api::Pod) -> bool {
    p.status.phase == "Running" && p.metadata.deletion_timestamp.is_none()
}

pub fn run(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let Some((sub, rest)) = super::split_command(args) else {
        io.out.push_str(&super::help::for_command("top"));
        return 0;
    };
    let flags = [
        short("selector", 'l', FlagKind::String),
        short("all-namespaces", 'A', FlagKind::Bool),
        flag("sort-by", FlagKind::String),
        flag("no-headers", FlagKind::Bool),
        flag("containers", FlagKind::Bool),
        flag("show-capacity", FlagKind::Bool),
        flag("use-protocol-buffers", FlagKind::Bool),
        flag("sum", FlagKind::Bool),
    ];
    let path = match sub {
        "node" | "nodes" | "no" => "top node",
        "pod" | "pods" | "po" => "top pod",
        other => {
            return io.fail(format!(
                "error: unknown command \"{other}\" for \"kubectl top\"\n\nDid you mean this?\n\tnode\n\tpod\n"
            ))
        }
    };
    let p = match parse_flags(io, path, &flags, &rest) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, path, io) {
        return 0;
    }
    let selector = match p.get("selector").map(LabelSelector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return io.error(e),
        None => None,
    };
    // `top node NAME` / `top pod NAME`: that one object's metrics.
    let name = p.args.first().cloned();
    let cluster = s.cluster();
    let headers = !p.bool("no-headers");
    let mut text = String::new();
    if path == "top node" {
        let mut usage: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for o in cluster.list(Kind::Pod, None, None) {
            if let Object::Pod(pod) = o {
                if running(pod) && !pod.spec.node_name.is_empty() {
                    let (c, m) = cluster.pod_usage(pod).unwrap_or_default();
                    let e = usage.entry(pod.spec.node_name.clone()).or_default();
                    e.0 += c;
                    e.1 += m;
                }
            }
        }
        let mut rows = Vec::new();
        for o in cluster.list(Kind::Node, None, selector.as_ref()) {
            let Object::Node(n) = o else { continue };
            if name.as_ref().is_some_and(|want| *want != n.metadata.name) {
                continue;
            }
            if !n.is_ready() {
                rows.push((n.metadata.name.clone(), None));
                continue;
            }
            // The kubelet and system daemons use some of every node.
            let (c, m) = usage.get(&n.metadata.name).copied().unwrap_or_default();
            let (c, m) = (c + 100, m + 600 * 1024 * 1024);
            let basis = if p.bool("show-capacity") {
                &n.status.capacity
            } else {
                &n.status.allocatable
            };
            let ac = basis.get("cpu").map(Quantity::milli_value).unwrap_or(0);
            let am = basis.get("memory").map(Quantity::value).unwrap_or(0);
            rows.push((n.metadata.name.clone(), Some((c, m, ac, am))));
        }
        if rows.is_empty() {
            if let Some(name) = &name {
                return io.fail(format!(
                    "Error from server (NotFound): nodes.metrics.k8s.io \"{name}\" not found"
                ));
            }
            return io.error("metrics not available yet");
        }
        if headers {
            text.push_str("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
        }
        let mut missing = Vec::new();
        for (name, u) in rows {
            match u {
                Some((c, m, ac, am)) => {
                    let cp = if ac > 0 { c * 100 / ac } else { 0 };
                    let mp = if am > 0 { m * 100 / am } else { 0 };
                    text.push_str(&format!(
                        "{name}\t{c}m\t{cp}%\t{}Mi\t{mp}%\t\n",
                        m / (1024 * 1024)
                    ));
                }
                None => missing.push(name),
            }
        }
        for name in missing {
            text.push_str(&format!(
                "{name}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n"
            ));
        }
    } else {
        let all = p.bool("all-namespaces");
        let ns = namespace(&p);
        let pods: Vec<&kubeplay_api::Pod> = cluster
            .list(
                Kind::Pod,
                if all { None } else { Some(&ns) },
                selector.as_ref(),
            )
            .into_iter()
            .filter_map(|o| match o {
                Object::Pod(pod) if running(pod) => Some(pod),
                _ => None,
            })
            .filter(|pod| name.as_ref().is_none_or(|want| *want == pod.metadata.name))
            .collect();
        if pods.is_empty() {
            if let Some(name) = &name {
                return io.fail(format!(
                    "Error from server (NotFound): pods.metrics.k8s.io \"{ns}/{name}\" not found"
                ));
            }
            if all {
                io.err.push_str("No resources found\n");
                return 0;
            }
            io.err
                .push_str(&format!("No resources found in {ns} namespace.\n"));
            return 0;
        }
        if headers {
            if all {
                text.push_str("NAMESPACE\t");
            }
            if p.bool("containers") {
                text.push_str("POD\tNAME\tCPU(cores)\tMEMORY(bytes)\t\n");
            } else {
                text.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
            }
        }
        for pod in pods {
            if all {
                text.push_str(&format!("{}\t", pod.metadata.namespace));
            }
            if p.bool("containers") {
                for c in cluster.pod_metrics(pod).unwrap_or_default() {
                    text.push_str(&format!(
                        "{}\t{}\t{}m\t{}Mi\t\n",
                        pod.metadata.name,
                        c.name,
                        c.cpu_milli,
                        c.memory_bytes / (1024 * 1024)
                    ));
                }
            } else {
                let (cpu, mem) = cluster.pod_usage(pod).unwrap_or_default();
                text.push_str(&format!(
                    "{}\t{cpu}m\t{}Mi\t\n",
                    pod.metadata.name,
                    mem / (1024 * 1024)
                ));
            }
        }
    }
    io.out.push_str(&TabWriter::table().format(&text));
    0
}
