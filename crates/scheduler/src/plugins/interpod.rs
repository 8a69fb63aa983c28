//! InterPodAffinity: required and preferred pod affinity and anti-affinity on any topology key.
//!
//! KUBERNETES-SEMANTICS.md did not research this plugin (§2.6). What follows restates upstream's
//! behaviour as known from kube-scheduler's `interpodaffinity` plugin; assumptions are marked.
//! * Filter, in this order: (1) the pod's required affinity: the node must carry every term's
//!   topology key, and some pod matching *all* the terms must run in the node's domain of each
//!   key — unless no pod anywhere matches and the pod matches its own terms (the first pod of a
//!   group that wants to be together); (2) the pod's required anti-affinity: no matching pod in the
//!   node's domain; (3) existing pods' required anti-affinity: no pod whose term matches the
//!   incoming pod runs in the node's domain of that term's key.
//! * Score: per topology (key, value), the sum of: the pod's preferred affinity weights (minus
//!   anti-affinity weights) for each existing pod matching a term; existing pods' required affinity
//!   terms matching the incoming pod, times hardPodAffinityWeight (default 1); existing pods'
//!   preferred terms matching the incoming pod (affinity +, anti-affinity −). A node scores the
//!   sum over the keys it carries; scores are min-max normalised to 0..100 (truncated).
//! * A term matches a pod when the pod's namespace is among the term's `namespaces` (empty: the
//!   term owner's namespace; `namespaceSelector: {}`: all namespaces) and its labels match the
//!   `labelSelector` (absent: matches nothing); a non-empty `namespaceSelector` is matched
//!   against the Namespace objects' labels. Assumed: `matchLabelKeys` and `mismatchLabelKeys`
//!   are ignored. Terminating pods count, as upstream's NodeInfo holds them.

use std::collections::BTreeMap;

use kubeplay_api::core::PodAffinityTerm;
use kubeplay_api::{LabelSelector, Node, Pod};

use super::noderesources::MAX_NODE_SCORE;
use crate::snapshot::PreparedSnapshot;

pub const ERR_AFFINITY: &str = "node(s) didn't match pod affinity rules";
pub const ERR_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
pub const ERR_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";

/// InterPodAffinityArgs, defaulted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub hard_pod_affinity_weight: i64,
    pub ignore_preferred_terms_of_existing_pods: bool,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            hard_pod_affinity_weight: 1,
            ignore_preferred_terms_of_existing_pods: false,
        }
    }
}

/// Namespace name → its labels, for terms' `namespaceSelector`.
pub type NamespaceLabels = BTreeMap<String, BTreeMap<String, String>>;

/// A term with the namespace of the pod that owns it and its parsed `namespaceSelector`.
#[derive(Clone)]
struct Term<'p> {
    term: &'p PodAffinityTerm,
    owner_namespace: &'p str,
    /// `namespaceSelector`, if the term has one (`{}` selects every namespace).
    namespace_selector: Option<LabelSelector>,
    namespace_labels: &'p NamespaceLabels,
    weight: i64,
}

impl<'p> Term<'p> {
    fn new(
        term: &'p PodAffinityTerm,
        owner_namespace: &'p str,
        namespace_labels: &'p NamespaceLabels,
        weight: i64,
    ) -> Term<'p> {
        let namespace_selector = term
            .extra
            .get("namespaceSelector")
            .filter(|v| !v.is_null())
            .map(|v| serde_json::from_value::<LabelSelector>(v.clone()).unwrap_or_default());
        Term {
            term,
            owner_namespace,
            namespace_selector,
            namespace_labels,
            weight,
        }
    }

    /// upstream's `AffinityTerm.Matches`: the pod's namespace is listed in `namespaces` or its
    /// labels match `namespaceSelector` (with neither, the owner's namespace is the only one),
    /// and its labels match `labelSelector` (absent: nothing).
    fn matches(&self, pod: &Pod) -> bool {
        let Some(selector) = &self.term.label_selector else {
            return false;
        };
        let ns = &pod.metadata.namespace;
        let in_namespace = if self.term.namespaces.is_empty() && self.namespace_selector.is_none() {
            ns == self.owner_namespace
        } else {
            self.term.namespaces.iter().any(|n| n == ns)
                || self.namespace_selector.as_ref().is_some_and(|s| {
                    s.is_empty()
                        || self
                            .namespace_labels
                            .get(ns.as_str())
                            .is_some_and(|labels| s.matches(labels))
                })
        };
        in_namespace && selector.matches(&pod.metadata.labels)
    }

    fn pair(&self, node: &Node) -> Option<(String, String)> {
        let key = &self.term.topology_key;
        node.metadata
            .labels
            .get(key)
            .map(|v| (key.clone(), v.clone()))
    }
}

struct Terms<'p> {
    required_affinity: Vec<Term<'p>>,
    required_anti: Vec<Term<'p>>,
    preferred_affinity: Vec<Term<'p>>,
    preferred_anti: Vec<Term<'p>>,
}

fn required<'p>(
    list: &'p [PodAffinityTerm],
    ns: &'p str,
    labels: &'p NamespaceLabels,
) -> impl Iterator<Item = Term<'p>> {
    list.iter().map(move |term| Term::new(term, ns, labels, 1))
}

fn terms<'p>(pod: &'p Pod, labels: &'p NamespaceLabels) -> Terms<'p> {
    let ns = pod.metadata.namespace.as_str();
    let mut t = Terms {
        required_affinity: Vec::new(),
        required_anti: Vec::new(),
        preferred_affinity: Vec::new(),
        preferred_anti: Vec::new(),
    };
    let Some(a) = &pod.spec.affinity else {
        return t;
    };
    if let Some(pa) = &a.pod_affinity {
        t.required_affinity.extend(required(
            &pa.required_during_scheduling_ignored_during_execution,
            ns,
            labels,
        ));
        t.preferred_affinity.extend(
            pa.preferred_during_scheduling_ignored_during_execution
                .iter()
                .map(|w| Term::new(&w.pod_affinity_term, ns, labels, w.weight as i64)),
        );
    }
    if let Some(pa) = &a.pod_anti_affinity {
        t.required_anti.extend(required(
            &pa.required_during_scheduling_ignored_during_execution,
            ns,
            labels,
        ));
        t.preferred_anti.extend(
            pa.preferred_during_scheduling_ignored_during_execution
                .iter()
                .map(|w| Term::new(&w.pod_affinity_term, ns, labels, w.weight as i64)),
        );
    }
    t
}

type Counts = BTreeMap<(String, String), i64>;

/// PreFilter state.
pub struct FilterState<'p> {
    affinity: Vec<Term<'p>>,
    anti: Vec<Term<'p>>,
    existing_anti_counts: Counts,
    affinity_counts: Counts,
    anti_counts: Counts,
    matches_own_affinity: bool,
}

/// PreFilter; None (Skip) when neither the pod nor any existing pod has required terms that apply.
pub fn prefilter<'p>(pod: &'p Pod, snap: &'p PreparedSnapshot) -> Option<FilterState<'p>> {
    let labels = &snap.namespace_labels;
    let own = terms(pod, labels);
    let mut existing_anti_counts = Counts::new();
    if snap.pods_with_required_anti_affinity > 0 {
        for n in &snap.nodes {
            for existing in &n.with_required_anti_affinity {
                for t in terms(existing, labels).required_anti {
                    if t.matches(pod) {
                        if let Some(p) = t.pair(n.node) {
                            *existing_anti_counts.entry(p).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    if existing_anti_counts.is_empty()
        && own.required_affinity.is_empty()
        && own.required_anti.is_empty()
    {
        return None;
    }
    let (mut affinity_counts, mut anti_counts) = (Counts::new(), Counts::new());
    if !own.required_affinity.is_empty() || !own.required_anti.is_empty() {
        for n in &snap.nodes {
            for existing in &n.pods {
                if !own.required_affinity.is_empty()
                    && own.required_affinity.iter().all(|t| t.matches(existing))
                {
                    for t in &own.required_affinity {
                        if let Some(p) = t.pair(n.node) {
                            *affinity_counts.entry(p).or_default() += 1;
                        }
                    }
                }
                for t in &own.required_anti {
                    if t.matches(existing) {
                        if let Some(p) = t.pair(n.node) {
                            *anti_counts.entry(p).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    let matches_own_affinity = own.required_affinity.iter().all(|t| t.matches(pod));
    Some(FilterState {
        affinity: own.required_affinity,
        anti: own.required_anti,
        existing_anti_counts,
        affinity_counts,
        anti_counts,
        matches_own_affinity,
    })
}

pub fn filter(state: &FilterState, node: &Node) -> Result<(), &'static str> {
    if !state.affinity.is_empty() {
        let mut pods_exist = true;
        for t in &state.affinity {
            match t.pair(node) {
                Some(p) => {
                    if state.affinity_counts.get(&p).copied().unwrap_or(0) <= 0 {
                        pods_exist = false;
                    }
                }
                None => return Err(ERR_AFFINITY),
            }
        }
        if !pods_exist {
            // The first pod of a group that wants to be together: nothing matches anywhere yet.
            let first_of_group = state.affinity_counts.is_empty() && state.matches_own_affinity;
            if !first_of_group {
                return Err(ERR_AFFINITY);
            }
        }
    }
    for t in &state.anti {
        if let Some(p) = t.pair(node) {
            if state.anti_counts.get(&p).copied().unwrap_or(0) > 0 {
                return Err(ERR_ANTI_AFFINITY);
            }
        }
    }
    for ((key, value), n) in &state.existing_anti_counts {
        if *n > 0 && node.metadata.labels.get(key) == Some(value) {
            return Err(ERR_EXISTING_ANTI_AFFINITY);
        }
    }
    Ok(())
}

/// PreScore state: topology key → value → score.
pub struct ScoreState {
    topology_score: BTreeMap<String, BTreeMap<String, i64>>,
}

fn add(m: &mut BTreeMap<String, BTreeMap<String, i64>>, t: &Term, node: &Node, w: i64) {
    if let Some((k, v)) = t.pair(node) {
        *m.entry(k).or_default().entry(v).or_default() += w;
    }
}

/// PreScore over every node of the cluster; None (Skip) when nothing scores.
pub fn prescore(pod: &Pod, args: &Args, snap: &PreparedSnapshot) -> Option<ScoreState> {
    let labels = &snap.namespace_labels;
    let own = terms(pod, labels);
    let has_constraints = !own.preferred_affinity.is_empty() || !own.preferred_anti.is_empty();
    if !has_constraints
        && (args.ignore_preferred_terms_of_existing_pods || snap.pods_with_affinity == 0)
    {
        return None;
    }
    let mut m: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for n in &snap.nodes {
        if n.node.metadata.labels.is_empty() {
            continue;
        }
        let pods = if has_constraints {
            &n.pods
        } else {
            &n.with_affinity
        };
        for existing in pods {
            for t in &own.preferred_affinity {
                if t.matches(existing) {
                    add(&mut m, t, n.node, t.weight);
                }
            }
            for t in &own.preferred_anti {
                if t.matches(existing) {
                    add(&mut m, t, n.node, -t.weight);
                }
            }
            let theirs = terms(existing, labels);
            if args.hard_pod_affinity_weight > 0 {
                for t in &theirs.required_affinity {
                    if t.matches(pod) {
                        add(&mut m, t, n.node, args.hard_pod_affinity_weight);
                    }
                }
            }
            for t in &theirs.preferred_affinity {
                if t.matches(pod) {
                    add(&mut m, t, n.node, t.weight);
                }
            }
            for t in &theirs.preferred_anti {
                if t.matches(pod) {
                    add(&mut m, t, n.node, -t.weight);
                }
            }
        }
    }
    (!m.is_empty()).then_some(ScoreState { topology_score: m })
}

pub fn score(state: &ScoreState, node: &Node) -> i64 {
    state
        .topology_score
        .iter()
        .filter_map(|(k, values)| node.metadata.labels.get(k).and_then(|v| values.get(v)))
        .sum()
}

/// Min-max normalisation to 0..100 (all 0 when every node scores the same).
pub fn normalize(scores: &mut [i64]) {
    let min = scores.iter().copied().min().unwrap_or(0);
    let max = scores.iter().copied().max().unwrap_or(0);
    let diff = max - min;
    for s in scores.iter_mut() {
        *s = if diff > 0 {
            (MAX_NODE_SCORE as f64 * ((*s - min) as f64 / diff as f64)) as i64
        } else {
            0
        };
    }
}
