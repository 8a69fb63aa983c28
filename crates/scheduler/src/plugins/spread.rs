//! PodTopologySpread: filter on DoNotSchedule constraints, score on ScheduleAnyway ones, with the
//! system default constraints for pods that a Service or ReplicaSet selects (§1.5.8, §2.5).

use std::rc::Rc;

use kubeplay_api::core::TopologySpreadConstraint;
use kubeplay_api::meta::LabelSelectorRequirement;
use kubeplay_api::{LabelSelector, Pod};

use super::basic::{has_required_node_affinity, matches_required_node_affinity, untolerated_taint};
use super::noderesources::MAX_NODE_SCORE;
use crate::snapshot::{Domains, OwnerSelector, PreparedSnapshot, NO_DOMAIN};

pub const HOSTNAME: &str = "kubernetes.io/hostname";
pub const ZONE: &str = "topology.kubernetes.io/zone";
pub const ERR_CONSTRAINTS: &str = "node(s) didn't match pod topology spread constraints";
pub const ERR_MISSING_LABEL: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

/// A cluster-level default constraint (PodTopologySpreadArgs.defaultConstraints): no selector, it
/// is deduced for each pod from the Services/ReplicaSets that select it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultConstraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub when_unsatisfiable: String,
}

/// PodTopologySpreadArgs, defaulted: `defaultingType: System` uses the system defaults
/// (hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadArgs {
    pub default_constraints: Vec<DefaultConstraint>,
    pub system_defaulting: bool,
}

impl Default for SpreadArgs {
    fn default() -> Self {
        SpreadArgs {
            default_constraints: system_default_constraints(),
            system_defaulting: true,
        }
    }
}

pub fn system_default_constraints() -> Vec<DefaultConstraint> {
    vec![
        DefaultConstraint {
            max_skew: 3,
            topology_key: HOSTNAME.into(),
            when_unsatisfiable: "ScheduleAnyway".into(),
        },
        DefaultConstraint {
            max_skew: 5,
            topology_key: ZONE.into(),
            when_unsatisfiable: "ScheduleAnyway".into(),
        },
    ]
}

/// One constraint as the plugin evaluates it.
#[derive(Clone, Debug)]
pub struct Constraint {
    pub max_skew: i64,
    pub key: String,
    /// None: the constraint has no selector and matches no pod.
    pub selector: Option<LabelSelector>,
    pub min_domains: i64,
    pub honor_affinity: bool,
    pub honor_taints: bool,
    pub do_not_schedule: bool,
}

/// The pod's constraints, and whether they are its own (not defaults).
pub fn pod_constraints(
    pod: &Pod,
    args: &SpreadArgs,
    owner_selectors: &[OwnerSelector],
) -> (Vec<Constraint>, bool) {
    let explicit = &pod.spec.topology_spread_constraints;
    if !explicit.is_empty() {
        return (
            explicit.iter().map(|c| from_explicit(pod, c)).collect(),
            true,
        );
    }
    let Some(selector) = default_selector(pod, owner_selectors) else {
        return (Vec::new(), false);
    };
    let cs = args
        .default_constraints
        .iter()
        .map(|d| Constraint {
            max_skew: d.max_skew,
            key: d.topology_key.clone(),
            selector: Some(selector.clone()),
            min_domains: 1,
            honor_affinity: true,
            honor_taints: false,
            do_not_schedule: d.when_unsatisfiable == "DoNotSchedule",
        })
        .collect();
    (cs, false)
}

fn from_explicit(pod: &Pod, c: &TopologySpreadConstraint) -> Constraint {
    let selector = c.label_selector.clone().map(|mut s| {
        // matchLabelKeys: the incoming pod's values for those keys are ANDed into the selector.
        for key in &c.match_label_keys {
            if let Some(v) = pod.metadata.labels.get(key) {
                s.match_expressions.push(LabelSelectorRequirement {
                    key: key.clone(),
                    operator: "In".into(),
                    values: vec![v.clone()],
                });
            }
        }
        s
    });
    Constraint {
        max_skew: c.max_skew as i64,
        key: c.topology_key.clone(),
        selector,
        min_domains: c.min_domains.unwrap_or(1).max(1) as i64,
        honor_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
        honor_taints: c.node_taints_policy.as_deref() == Some("Honor"),
        do_not_schedule: c.when_unsatisfiable != "ScheduleAnyway",
    }
}

/// `helper.DefaultSelector`: the union of the requirements of the Services of the pod's
/// namespace that select it and of its own controller; None when there are none (the pod is then
/// not spread by default).
pub fn default_selector(pod: &Pod, owner_selectors: &[OwnerSelector]) -> Option<LabelSelector> {
    let mut out = LabelSelector::default();
    for o in owner_selectors {
        if !o.applies_to(pod) {
            continue;
        }
        let s = &o.selector;
        for (k, v) in &s.match_labels {
            out.match_labels.insert(k.clone(), v.clone());
        }
        for r in &s.match_expressions {
            if !out.match_expressions.contains(r) {
                out.match_expressions.push(r.clone());
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Per node, the pods counting towards the constraint's selector (0 for none or an empty one, as
/// upstream's `countPodsMatchSelector`).
fn node_counts(snap: &PreparedSnapshot, pod: &Pod, c: &Constraint) -> Option<Rc<Vec<u32>>> {
    match &c.selector {
        Some(s) if !s.is_empty() => Some(snap.matching_counts(&pod.metadata.namespace, s)),
        _ => None,
    }
}

fn self_match(pod: &Pod, c: &Constraint) -> i64 {
    c.selector
        .as_ref()
        .is_some_and(|s| s.matches(&pod.metadata.labels)) as i64
}

fn has_all_keys(domains: &[Rc<Domains>], i: usize) -> bool {
    domains.iter().all(|d| d.of_node[i] != NO_DOMAIN)
}

/// Whether node `i` takes part in counting for `c` (nodeAffinityPolicy, nodeTaintsPolicy).
fn included(
    snap: &PreparedSnapshot,
    pod: &Pod,
    c: &Constraint,
    i: usize,
    affinity_ok: bool,
) -> bool {
    (!c.honor_affinity || affinity_ok)
        && (!c.honor_taints
            || untolerated_taint(snap.nodes[i].taints, &pod.spec.tolerations).is_none())
}

struct FilterConstraint<'a> {
    c: Constraint,
    domains: Rc<Domains<'a>>,
    /// Matching pods per domain; −1 for values no eligible node carries.
    counts: Vec<i64>,
    min: i64,
    self_match: i64,
}

/// PreFilter state: counts per domain over every eligible node.
pub struct FilterState<'a> {
    constraints: Vec<FilterConstraint<'a>>,
}

pub fn prefilter<'a>(
    pod: &Pod,
    constraints: &[Constraint],
    snap: &PreparedSnapshot<'a>,
) -> Option<FilterState<'a>> {
    let cs: Vec<&Constraint> = constraints.iter().filter(|c| c.do_not_schedule).collect();
    if cs.is_empty() {
        return None;
    }
    let domains: Vec<Rc<Domains<'a>>> = cs.iter().map(|c| snap.domains(&c.key)).collect();
    let counts_of: Vec<Option<Rc<Vec<u32>>>> =
        cs.iter().map(|c| node_counts(snap, pod, c)).collect();
    let mut counts: Vec<Vec<i64>> = domains.iter().map(|d| vec![-1; d.values.len()]).collect();
    let needs_affinity = cs.iter().any(|c| c.honor_affinity) && has_required_node_affinity(pod);
    for i in 0..snap.nodes.len() {
        if !has_all_keys(&domains, i) {
            continue;
        }
        let affinity_ok =
            !needs_affinity || matches_required_node_affinity(pod, snap.nodes[i].node);
        for (k, c) in cs.iter().enumerate() {
            if !included(snap, pod, c, i, affinity_ok) {
                continue;
            }
            let d = domains[k].of_node[i] as usize;
            let n = counts_of[k].as_ref().map_or(0, |v| v[i] as i64);
            let slot = &mut counts[k][d];
            *slot = (*slot).max(0) + n;
        }
    }
    let constraints = cs
        .into_iter()
        .zip(domains)
        .zip(counts)
        .map(|((c, d), counts)| {
            let present: Vec<i64> = counts.iter().copied().filter(|&n| n >= 0).collect();
            let min = if (present.len() as i64) < c.min_domains {
                0
            } else {
                present.iter().copied().min().unwrap_or(0)
            };
            FilterConstraint {
                self_match: self_match(pod, c),
                c: c.clone(),
                domains: d,
                counts,
                min,
            }
        })
        .collect();
    Some(FilterState { constraints })
}

/// Filter: every DoNotSchedule constraint must keep its skew within maxSkew.
pub fn filter(state: &FilterState<'_>, i: usize) -> Result<(), &'static str> {
    for fc in &state.constraints {
        let d = fc.domains.of_node[i];
        if d == NO_DOMAIN {
            return Err(ERR_MISSING_LABEL);
        }
        let matched = fc.counts[d as usize].max(0);
        if matched + fc.self_match - fc.min > fc.c.max_skew {
            return Err(ERR_CONSTRAINTS);
        }
    }
    Ok(())
}

struct ScoreConstraint<'a> {
    c: Constraint,
    is_host: bool,
    domains: Rc<Domains<'a>>,
    weight: f64,
    /// Per domain (last slot: nodes lacking the label), `count * weight + maxSkew − 1` (non-hostname keys).
    contribution: Vec<f64>,
    host_counts: Option<Rc<Vec<u32>>>,
}

/// PreScore state over the feasible nodes.
pub struct ScoreState<'a> {
    constraints: Vec<ScoreConstraint<'a>>,
    /// Per feasible node: lacks a topology key while all are required (scores 0, not normalised).
    pub ignored: Vec<bool>,
}

pub fn prescore<'a>(
    pod: &Pod,
    constraints: &[Constraint],
    explicit: bool,
    args: &SpreadArgs,
    snap: &PreparedSnapshot<'a>,
    feasible: &[u32],
) -> Option<ScoreState<'a>> {
    let cs: Vec<&Constraint> = constraints.iter().filter(|c| !c.do_not_schedule).collect();
    if cs.is_empty() {
        return None;
    }
    let require_all = explicit || !args.system_defaulting;
    let is_host: Vec<bool> = cs.iter().map(|c| c.key == HOSTNAME).collect();
    let domains: Vec<Rc<Domains<'a>>> = cs.iter().map(|c| snap.domains(&c.key)).collect();
    let slot = |k: usize, i: usize| -> usize {
        let d = domains[k].of_node[i];
        if d == NO_DOMAIN {
            domains[k].values.len()
        } else {
            d as usize
        }
    };
    // Hostname constraints count per node in Score: no per-domain table (1,000 hostnames).
    let mut pair_counts: Vec<Vec<i64>> = domains
        .iter()
        .zip(&is_host)
        .map(|(d, &host)| {
            if host {
                Vec::new()
            } else {
                vec![-1; d.values.len() + 1]
            }
        })
        .collect();
    let mut topo_size = vec![0usize; cs.len()];
    let mut ignored = Vec::with_capacity(feasible.len());
    for &i in feasible {
        let i = i as usize;
        let ignore = require_all && !has_all_keys(&domains, i);
        ignored.push(ignore);
        if ignore {
            continue;
        }
        for k in 0..cs.len() {
            if is_host[k] {
                continue;
            }
            let s = slot(k, i);
            if pair_counts[k][s] < 0 {
                pair_counts[k][s] = 0;
                topo_size[k] += 1;
            }
        }
    }
    let num_ignored = ignored.iter().filter(|&&x| x).count();
    for k in 0..cs.len() {
        if is_host[k] {
            topo_size[k] = feasible.len() - num_ignored;
        }
    }
    let counts_of: Vec<Option<Rc<Vec<u32>>>> =
        cs.iter().map(|c| node_counts(snap, pod, c)).collect();
    let needs_affinity = cs.iter().any(|c| c.honor_affinity) && has_required_node_affinity(pod);
    let honor_taints = cs.iter().any(|c| c.honor_taints);
    if !require_all && !needs_affinity && !honor_taints {
        // Every node counts: the memoised per-domain sums are the answer.
        for (k, c) in cs.iter().enumerate() {
            if is_host[k] {
                continue;
            }
            if let Some(sel) = c.selector.as_ref().filter(|s| !s.is_empty()) {
                let sums = snap.matching_domain_sums(&pod.metadata.namespace, sel, &domains[k]);
                for (slot, count) in pair_counts[k].iter_mut().enumerate() {
                    if *count >= 0 {
                        *count += sums.get(slot).copied().unwrap_or(0);
                    }
                }
            }
        }
    } else if is_host.iter().any(|h| !h) {
        for i in 0..snap.nodes.len() {
            if require_all && !has_all_keys(&domains, i) {
                continue;
            }
            let affinity_ok =
                !needs_affinity || matches_required_node_affinity(pod, snap.nodes[i].node);
            for (k, c) in cs.iter().enumerate() {
                if is_host[k]
                    || ((needs_affinity || honor_taints) && !included(snap, pod, c, i, affinity_ok))
                {
                    continue;
                }
                let s = slot(k, i);
                if pair_counts[k][s] < 0 {
                    continue;
                }
                pair_counts[k][s] += counts_of[k].as_ref().map_or(0, |v| v[i] as i64);
            }
        }
    }
    let constraints = cs
        .into_iter()
        .enumerate()
        .zip(domains)
        .zip(pair_counts)
        .map(|(((k, c), d), pair_counts)| ScoreConstraint {
            weight: ((topo_size[k] + 2) as f64).ln(),
            is_host: is_host[k],
            host_counts: if is_host[k] {
                counts_of[k].clone()
            } else {
                None
            },
            contribution: if is_host[k] {
                Vec::new()
            } else {
                let w = ((topo_size[k] + 2) as f64).ln();
                pair_counts
                    .iter()
                    .map(|&n| n.max(0) as f64 * w + (c.max_skew - 1) as f64)
                    .collect()
            },
            c: c.clone(),
            domains: d,
        })
        .collect();
    Some(ScoreState {
        constraints,
        ignored,
    })
}

/// Raw score of node `i` (feasible position `j`): `round(Σ cnt * weight + maxSkew − 1)`.
pub fn score(state: &ScoreState<'_>, i: usize, j: usize) -> i64 {
    if state.ignored.get(j).copied().unwrap_or(false) {
        return 0;
    }
    let mut score = 0.0f64;
    for sc in &state.constraints {
        let d = sc.domains.of_node[i];
        if d == NO_DOMAIN {
            continue;
        }
        score += if sc.is_host {
            let cnt = sc.host_counts.as_ref().map_or(0, |v| v[i] as i64);
            cnt as f64 * sc.weight + (sc.c.max_skew - 1) as f64
        } else {
            sc.contribution[d as usize]
        };
    }
    round_half_away(score)
}

/// `math.Round` without a libm call on the hot path: exact for the non-negative sums seen here
/// (the correction handles `x + 0.5` rounding up in floating point).
fn round_half_away(x: f64) -> i64 {
    if !(0.0..9.0e15).contains(&x) {
        return x.round() as i64;
    }
    let r = (x + 0.5) as i64;
    if r as f64 - x > 0.5 {
        r - 1
    } else {
        r
    }
}

/// NormalizeScore: `100 * (max + min − s) / max` over the nodes not ignored; all 100 if max is 0.
pub fn normalize(state: &ScoreState<'_>, scores: &mut [i64]) {
    let (mut min, mut max) = (i64::MAX, 0i64);
    for (j, s) in scores.iter().enumerate() {
        if state.ignored.get(j).copied().unwrap_or(false) {
            continue;
        }
        min = min.min(*s);
        max = max.max(*s);
    }
    for (j, s) in scores.iter_mut().enumerate() {
        if state.ignored.get(j).copied().unwrap_or(false) {
            *s = 0;
        } else if max == 0 {
            *s = MAX_NODE_SCORE;
        } else {
            *s = crate::plugins::noderesources::div_floor(MAX_NODE_SCORE * (max + min - *s), max);
        }
    }
}
