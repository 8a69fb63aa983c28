//! The scheduler inspector: per node, the filters' verdicts and the scores of one decision.

use std::collections::BTreeMap;

use kubeplay_api::{Kind, Object, Pod};
use kubeplay_engine::Cluster;

/// The scheduler inspector's view of one pod: per node, every filter's verdict, every score
/// plugin's raw and weighted score, the total, and in plain words why a node lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    pub pod: String,
    pub scheduler: String,
    pub selected: Option<String>,
    /// For a pod no node fits: the scheduler's FitError text.
    pub unschedulable: Option<String>,
    /// The score plugins that ran, in name order.
    pub plugins: Vec<String>,
    pub nodes: Vec<NodeVerdict>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeVerdict {
    pub node: String,
    /// (plugin, "passed" or the reason).
    pub filters: Vec<(String, String)>,
    pub passed: bool,
    /// Per score plugin in `Inspection::plugins` order: (raw, normalised × weight).
    pub scores: Vec<(Option<i64>, Option<i64>)>,
    pub total: Option<i64>,
    pub chosen: bool,
    /// Why this node did not get the pod, in plain words (None for the chosen one).
    pub why_not: Option<String>,
}

type Results = BTreeMap<String, BTreeMap<String, String>>;

fn parse_results(pod: &Pod, key: &str) -> Results {
    pod.metadata
        .annotations
        .get(key)
        .and_then(|s| serde_json::from_str::<Results>(s).ok())
        .unwrap_or_default()
}

/// Reads the decision the scheduler recorded on a pod (kube-scheduler-simulator's annotations).
pub fn inspect(cluster: &Cluster, namespace: &str, name: &str) -> Option<Inspection> {
    let Ok(Object::Pod(pod)) = cluster.get(Kind::Pod, namespace, name) else {
        return None;
    };
    let filter = parse_results(pod, "scheduler-simulator/filter-result");
    let score = parse_results(pod, "scheduler-simulator/score-result");
    let final_score = parse_results(pod, "scheduler-simulator/finalscore-result");
    let selected = pod
        .metadata
        .annotations
        .get("scheduler-simulator/selected-node")
        .cloned();
    let unschedulable = pod
        .condition("PodScheduled")
        .filter(|c| c.status == "False")
        .map(|c| c.message.clone());
    let mut plugins: Vec<String> = final_score
        .values()
        .flat_map(|m| m.keys().cloned())
        .collect();
    plugins.sort();
    plugins.dedup();
    let mut nodes: Vec<NodeVerdict> = Vec::new();
    let totals: BTreeMap<&String, i64> = final_score
        .iter()
        .map(|(n, m)| (n, m.values().filter_map(|v| v.parse::<i64>().ok()).sum()))
        .collect();
    let best = totals.values().copied().max();
    for (node, verdicts) in &filter {
        let filters: Vec<(String, String)> = verdicts
            .iter()
            .map(|(p, v)| (p.clone(), v.clone()))
            .collect();
        let passed = filters.iter().all(|(_, v)| v == "passed");
        let scores: Vec<(Option<i64>, Option<i64>)> = plugins
            .iter()
            .map(|p| {
                let raw = score
                    .get(node)
                    .and_then(|m| m.get(p))
                    .and_then(|v| v.parse().ok());
                let fin = final_score
                    .get(node)
                    .and_then(|m| m.get(p))
                    .and_then(|v| v.parse().ok());
                (raw, fin)
            })
            .collect();
        let total = totals.get(node).copied();
        let chosen = selected.as_deref() == Some(node.as_str());
        let why_not = if chosen {
            None
        } else if !passed {
            let reasons: Vec<String> = filters
                .iter()
                .filter(|(_, v)| v != "passed")
                .map(|(p, v)| format!("{p}: {v}"))
                .collect();
            Some(format!("filtered out — {}", reasons.join("; ")))
        } else if let (Some(t), Some(b), Some(sel)) = (total, best, selected.as_ref()) {
            // The plugin where this node lost the most against the winner.
            let winner = final_score.get(sel);
            let gap = plugins
                .iter()
                .filter_map(|p| {
                    let w = winner
                        .and_then(|m| m.get(p))
                        .and_then(|v| v.parse::<i64>().ok())?;
                    let mine = final_score
                        .get(node)
                        .and_then(|m| m.get(p))
                        .and_then(|v| v.parse::<i64>().ok())?;
                    Some((w - mine, p.clone()))
                })
                .max();
            match gap {
                _ if t == b => Some(format!(
                    "tied at {t} with {sel}; the tie was broken at random"
                )),
                Some((g, p)) if g > 0 => {
                    Some(format!("scored {t} against {b}; lost most on {p} (−{g})"))
                }
                _ => Some(format!("scored {t} against {b}")),
            }
        } else if selected.is_some() && plugins.is_empty() {
            Some("only one node passed the filters, so nothing was scored".into())
        } else {
            None
        };
        nodes.push(NodeVerdict {
            node: node.clone(),
            filters,
            passed,
            scores,
            total,
            chosen,
            why_not,
        });
    }
    let scheduler = if pod.spec.scheduler_name.is_empty() {
        "default-scheduler".into()
    } else {
        pod.spec.scheduler_name.clone()
    };
    Some(Inspection {
        pod: pod.metadata.name.clone(),
        scheduler,
        selected,
        unschedulable,
        plugins,
        nodes,
    })
}

#[cfg(test)]
mod inspector_tests {
    use super::*;
    use kubeplay_api::parse_documents;
    use kubeplay_engine::ClusterConfig;

    #[test]
    fn explains_the_choice_and_the_losers() {
        let mut c = Cluster::new(ClusterConfig::default());
        let nodes = "apiVersion: v1\nkind: Node\nmetadata:\n  name: big\nstatus:\n  capacity:\n    cpu: \"8\"\n    memory: 16Gi\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: small\nstatus:\n  capacity:\n    cpu: \"1\"\n    memory: 2Gi\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: tiny\nstatus:\n  capacity:\n    cpu: 100m\n    memory: 1Gi\n";
        for v in parse_documents(nodes).unwrap() {
            c.apply(Object::from_value(v).unwrap()).unwrap();
        }
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 500m\n        memory: 256Mi\n";
        c.apply(Object::from_value(parse_documents(pod).unwrap().remove(0)).unwrap())
            .unwrap();
        c.advance(2_000);
        let i = inspect(&c, "default", "p").unwrap();
        assert_eq!(i.selected.as_deref(), Some("big"));
        let tiny = i.nodes.iter().find(|n| n.node == "tiny").unwrap();
        assert!(!tiny.passed);
        assert_eq!(
            tiny.why_not.as_deref(),
            Some("filtered out — NodeResourcesFit: Insufficient cpu")
        );
        let small = i.nodes.iter().find(|n| n.node == "small").unwrap();
        assert!(
            small.passed && small.why_not.as_deref().unwrap().starts_with("scored "),
            "{small:?}"
        );
        assert!(i.nodes.iter().find(|n| n.node == "big").unwrap().chosen);
    }
}
