//! The small plugins: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, ImageLocality,
//! and upstream's DefaultNormalizeScore helper they share.

use kubeplay_api::core::{NodeSelectorTerm, Taint, Toleration};
use kubeplay_api::{Node, Pod};

use super::noderesources::MAX_NODE_SCORE;
use crate::snapshot::{ImageSummary, PreparedNode};

pub const ERR_UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const ERR_NODE_NAME: &str = "node(s) didn't match the requested node name";
pub const ERR_UNTOLERATED_TAINT: &str = "node(s) had untolerated taint(s)";
pub const ERR_NODE_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
pub const ERR_ENFORCED_NODE_AFFINITY: &str =
    "node(s) didn't match scheduler-enforced node affinity";

/// How the FitError counts nodes that NodeAffinity's PreFilter result left out.
pub const ERR_PREFILTER_EXCLUDED: &str = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

/// NodeAffinity's PreFilter result: the node names the pod's required terms allow through
/// `matchFields` `metadata.name In [...]` (intersected within a term, united across terms), or
/// None when some term does not name nodes (every node is then a candidate). An empty set means
/// the terms conflict, and the pod fits nowhere.
pub fn prefilter_node_names(
    pod: &Pod,
) -> Result<Option<std::collections::BTreeSet<&str>>, &'static str> {
    let Some(sel) = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    else {
        return Ok(None);
    };
    let mut names: Option<std::collections::BTreeSet<&str>> = None;
    for t in &sel.node_selector_terms {
        let mut term: Option<std::collections::BTreeSet<&str>> = None;
        for r in &t.match_fields {
            if r.key == "metadata.name" && r.operator == "In" {
                let s: std::collections::BTreeSet<&str> =
                    r.values.iter().map(String::as_str).collect();
                term = Some(match term {
                    None => s,
                    Some(prev) => prev.intersection(&s).copied().collect(),
                });
            }
        }
        let Some(term) = term else {
            return Ok(None);
        };
        names.get_or_insert_with(Default::default).extend(term);
    }
    match names {
        Some(n) if n.is_empty() => Err("pod affinity terms conflict"),
        other => Ok(other),
    }
}

/// NodeAffinityArgs: `addedAffinity`, node affinity the scheduler adds to every pod of the
/// profile (its required terms filter before the pod's own; its preferred terms score with them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeAffinityArgs {
    pub added_affinity: Option<kubeplay_api::core::NodeAffinity>,
}

impl NodeAffinityArgs {
    fn added_required(&self) -> Option<&kubeplay_api::core::NodeSelector> {
        self.added_affinity.as_ref().and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    }

    fn added_preferred(&self) -> &[kubeplay_api::core::PreferredSchedulingTerm] {
        self.added_affinity.as_ref().map_or(&[], |a| {
            a.preferred_during_scheduling_ignored_during_execution
                .as_slice()
        })
    }

    /// Whether PreFilter runs: the pod or the profile requires something of the node.
    pub fn prefilter_runs(&self, pod: &Pod) -> bool {
        has_required_node_affinity(pod) || self.added_required().is_some()
    }

    /// The filter: the scheduler-enforced affinity first, then the pod's own.
    pub fn filter(&self, pod: &Pod, node: &Node) -> Result<(), &'static str> {
        if let Some(sel) = self.added_required() {
            if !sel
                .node_selector_terms
                .iter()
                .any(|t| term_matches(t, node))
            {
                return Err(ERR_ENFORCED_NODE_AFFINITY);
            }
        }
        if matches_required_node_affinity(pod, node) {
            Ok(())
        } else {
            Err(ERR_NODE_AFFINITY)
        }
    }

    /// Whether PreScore runs: preferred terms of the pod or of the profile.
    pub fn prescore_runs(&self, pod: &Pod) -> bool {
        has_preferred_node_affinity(pod) || !self.added_preferred().is_empty()
    }

    /// The raw score: the pod's matching preferred weights plus the profile's.
    pub fn score(&self, pod: &Pod, node: &Node) -> i64 {
        let added: i64 = self
            .added_preferred()
            .iter()
            .filter(|t| t.weight != 0 && term_matches(&t.preference, node))
            .map(|t| t.weight as i64)
            .sum();
        added + preferred_node_affinity_score(pod, node)
    }
}

/// `helper.DefaultNormalizeScore`: scale to 0..100 by the maximum; with `reverse`, 100 − that.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = MAX_NODE_SCORE);
        }
        return;
    }
    for s in scores.iter_mut() {
        let v = MAX_NODE_SCORE * *s / max;
        *s = if reverse { MAX_NODE_SCORE - v } else { v };
    }
}

/// NodeUnschedulable: a cordoned node takes only pods tolerating
/// `node.kubernetes.io/unschedulable:NoSchedule`.
pub fn tolerates_unschedulable(pod: &Pod) -> bool {
    let taint = Taint {
        key: "node.kubernetes.io/unschedulable".into(),
        effect: "NoSchedule".into(),
        ..Default::default()
    };
    pod.spec.tolerations.iter().any(|t| t.tolerates(&taint))
}

/// TaintToleration filter: the first NoSchedule/NoExecute taint no toleration tolerates.
pub fn untolerated_taint<'n>(taints: &'n [Taint], tolerations: &[Toleration]) -> Option<&'n Taint> {
    taints.iter().find(|t| {
        (t.effect == "NoSchedule" || t.effect == "NoExecute")
            && !tolerations.iter().any(|tol| tol.tolerates(t))
    })
}

/// TaintToleration score: how many PreferNoSchedule taints the pod's PreferNoSchedule (or
/// effect-less) tolerations leave untolerated. Normalised reversed: fewer is better.
pub fn intolerable_prefer_no_schedule(taints: &[Taint], tolerations: &[&Toleration]) -> i64 {
    taints
        .iter()
        .filter(|t| {
            t.effect == "PreferNoSchedule" && !tolerations.iter().any(|tol| tol.tolerates(t))
        })
        .count() as i64
}

/// The tolerations TaintToleration's score considers: effect empty or PreferNoSchedule.
pub fn prefer_no_schedule_tolerations(pod: &Pod) -> Vec<&Toleration> {
    pod.spec
        .tolerations
        .iter()
        .filter(|t| t.effect.is_empty() || t.effect == "PreferNoSchedule")
        .collect()
}

/// One NodeSelectorTerm: its expressions (on labels) and fields (`metadata.name` only) are ANDed;
/// a term with neither matches nothing.
pub fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    term.match_expressions
        .iter()
        .all(|r| r.matches(&node.metadata.labels))
        && term.match_fields.iter().all(|r| {
            if r.key != "metadata.name" {
                return false;
            }
            let name = &node.metadata.name;
            match r.operator.as_str() {
                "In" => r.values.iter().any(|v| v == name),
                "NotIn" => !r.values.iter().any(|v| v == name),
                _ => false,
            }
        })
}

/// Whether the pod has a nodeSelector or required node affinity (NodeAffinity's PreFilter runs).
pub fn has_required_node_affinity(pod: &Pod) -> bool {
    !pod.spec.node_selector.is_empty()
        || pod
            .spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .is_some_and(|na| {
                na.required_during_scheduling_ignored_during_execution
                    .is_some()
            })
}

/// NodeAffinity filter: `spec.nodeSelector` (every label) AND the required terms (any term).
pub fn matches_required_node_affinity(pod: &Pod, node: &Node) -> bool {
    let labels = &node.metadata.labels;
    if !pod
        .spec
        .node_selector
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    match pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        }) {
        Some(sel) => sel
            .node_selector_terms
            .iter()
            .any(|t| term_matches(t, node)),
        None => true,
    }
}

/// NodeAffinity score: Σ weights of the preferred terms the node matches (weight 0 ignored).
pub fn preferred_node_affinity_score(pod: &Pod, node: &Node) -> i64 {
    pod.spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .map_or(0, |na| {
            na.preferred_during_scheduling_ignored_during_execution
                .iter()
                .filter(|t| t.weight != 0 && term_matches(&t.preference, node))
                .map(|t| t.weight as i64)
                .sum()
        })
}

pub fn has_preferred_node_affinity(pod: &Pod) -> bool {
    pod.spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .is_some_and(|na| {
            !na.preferred_during_scheduling_ignored_during_execution
                .is_empty()
        })
}

const MB: i64 = 1024 * 1024;
/// ImageLocality thresholds: below 23 MB an image is not worth preferring a node for; above
/// 1000 MB per container the score saturates.
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// `normalizedImageName`: an image with no tag gets `:latest`.
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':').map_or(-1, |i| i as isize);
    let slash = name.rfind('/').map_or(-1, |i| i as isize);
    if colon <= slash {
        format!("{name}:latest")
    } else {
        name.to_string()
    }
}

/// ImageLocality: for each of the pod's container images (init included) present on the node,
/// `size * nodesWithImage / allNodes` (spread images count less than rare ones), summed, clamped
/// to [23 MB, 1000 MB × containers] and scaled linearly to 0..100.
pub fn image_locality_score(
    images: &[String],
    num_containers: usize,
    node: &PreparedNode,
    summaries: &std::collections::BTreeMap<&str, ImageSummary>,
    total_nodes: usize,
) -> i64 {
    let mut sum: i64 = 0;
    if !node.images.is_empty() && total_nodes > 0 {
        for image in images {
            if node.has_image(image) {
                if let Some(s) = summaries.get(image.as_str()) {
                    sum = sum.saturating_add(
                        (s.size as f64 * s.num_nodes as f64 / total_nodes as f64) as i64,
                    );
                }
            }
        }
    }
    let max_threshold = MAX_CONTAINER_THRESHOLD * num_containers as i64;
    if max_threshold <= MIN_THRESHOLD {
        return 0;
    }
    let sum = sum.clamp(MIN_THRESHOLD, max_threshold);
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD)
}
