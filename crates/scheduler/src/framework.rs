//! One scheduling cycle: PreFilter, Filter over a rotating window of nodes, PreScore, Score,
//! NormalizeScore, weights, and selectHost — kube-scheduler's `schedulePod`, restated.

use std::borrow::Cow;
use std::collections::BTreeMap;

use kubeplay_api::Pod;

use crate::plugins::basic::{self, ERR_NODE_NAME, ERR_UNSCHEDULABLE, ERR_UNTOLERATED_TAINT};
use crate::plugins::celsched::{self, CelCycle};
use crate::plugins::noderesources::{self as nr, PodRequest};
use crate::plugins::{interpod, nodeports, spread, volumes, Plugin};
use crate::record::{Attempt, DecisionRecord, FitError, PASSED};
use crate::snapshot::PreparedSnapshot;

/// One profile: a schedulerName and the plugins it runs at each extension point.
#[derive(Debug)]
pub(crate) struct Profile {
    pub name: String,
    /// percentageOfNodesToScore in force (the profile's, else the configuration's); None or 0:
    /// adaptive.
    pub percentage: Option<i32>,
    pub plugins: Vec<(String, Plugin)>,
    /// Indices into `plugins`, in the order filters run.
    pub filters: Vec<usize>,
    /// Indices into `plugins` with their weights, in the order scores run.
    pub scores: Vec<(usize, i64)>,
    /// The PostFilter plugins enabled (DynamicResources, DefaultPreemption), in order.
    pub post_filters: Vec<String>,
}

/// `numFeasibleNodesToFind`: every node below 100 nodes; otherwise the percentage (adaptive when
/// unset: `max(5, 50 − nodes/125)`) of the nodes, but at least 100.
pub fn num_feasible_nodes_to_find(percentage: Option<i32>, num_all: usize) -> usize {
    const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
    const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: i64 = 5;
    if num_all < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all;
    }
    let mut pct = percentage.unwrap_or(0) as i64;
    if pct <= 0 {
        pct = (50 - num_all as i64 / 125).max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    }
    if pct >= 100 {
        return num_all;
    }
    let n = (num_all as i64 * pct / 100) as usize;
    n.max(MIN_FEASIBLE_NODES_TO_FIND)
}

enum FState<'p, 'a> {
    Skip,
    Run,
    Spread(spread::FilterState<'a>),
    Inter(interpod::FilterState<'p>),
    Ports(Vec<nodeports::HostPort>),
    Volumes(volumes::Claims<'a>),
}

enum SState<'a, 'r> {
    Run,
    Resources(Vec<nr::ResourceTerm<'r>>),
    Taint(Vec<&'a kubeplay_api::core::Toleration>),
    Spread(spread::ScoreState<'a>),
    Inter(interpod::ScoreState),
    Images(Vec<String>, usize),
}

/// The common filters (NodeUnschedulable, NodeName, TaintToleration, NodeResourcesFit) as one
/// inlined predicate: a node that passes is feasible at once; one that does not goes through the
/// plugins one by one to find the reasons, in order.
struct FastFilter<'p> {
    unschedulable: bool,
    node_name: bool,
    taints: bool,
    fit: Option<&'p nr::FitArgs>,
    tolerates_unschedulable: bool,
}

impl<'p> FastFilter<'p> {
    fn new(active: &[(usize, &'p Plugin)], tolerates_unschedulable: bool) -> Option<Self> {
        let mut f = FastFilter {
            unschedulable: false,
            node_name: false,
            taints: false,
            fit: None,
            tolerates_unschedulable,
        };
        for (_, p) in active {
            match p {
                Plugin::NodeUnschedulable => f.unschedulable = true,
                Plugin::NodeName => f.node_name = true,
                Plugin::TaintToleration => f.taints = true,
                Plugin::NodeResourcesFit(args) => f.fit = Some(args),
                _ => return None,
            }
        }
        Some(f)
    }

    #[inline]
    fn passes(&self, node: &crate::snapshot::PreparedNode, req: &PodRequest, pod: &Pod) -> bool {
        if self.unschedulable && node.unschedulable && !self.tolerates_unschedulable {
            return false;
        }
        if self.node_name && !pod.spec.node_name.is_empty() && pod.spec.node_name != node.name {
            return false;
        }
        if self.taints
            && !node.taints.is_empty()
            && basic::untolerated_taint(node.taints, &pod.spec.tolerations).is_some()
        {
            return false;
        }
        if let Some(args) = self.fit {
            let alloc = &node.allocatable;
            let used = &node.sums.requested;
            if node.pods.len() as i64 + 1 > alloc.allowed_pods {
                return false;
            }
            if !req.empty {
                let r = &req.actual;
                if (r.milli_cpu > 0 && r.milli_cpu > alloc.milli_cpu.saturating_sub(used.milli_cpu))
                    || (r.memory > 0 && r.memory > alloc.memory.saturating_sub(used.memory))
                    || (r.ephemeral_storage > 0
                        && r.ephemeral_storage
                            > alloc
                                .ephemeral_storage
                                .saturating_sub(used.ephemeral_storage))
                {
                    return false;
                }
                if !r.scalar.is_empty() {
                    let mut reasons = Vec::new();
                    nr::fits_request(req, node, args, &mut reasons);
                    return reasons.is_empty();
                }
            }
        }
        true
    }
}

/// Buffers kept between attempts so that a cycle allocates little.
#[derive(Default)]
pub(crate) struct Buffers {
    feasible: Vec<u32>,
    totals: Vec<i64>,
    scores: Vec<i64>,
}

struct Failure {
    node: u32,
    filter_pos: usize,
    reasons: Vec<Cow<'static, str>>,
    /// The status was UnschedulableAndUnresolvable: removing pods from the node cannot help, so
    /// preemption does not try it.
    unresolvable: bool,
}

struct ScoreRecord {
    plugin: usize,
    raw: Vec<String>,
    finals: Vec<i64>,
}

pub(crate) fn schedule_one<'a>(
    profile: &Profile,
    next_start: &mut usize,
    record: bool,
    bufs: &mut Buffers,
    pod: &Pod,
    snap: &PreparedSnapshot<'a>,
    pick: &mut dyn FnMut(u32) -> u32,
) -> Attempt {
    let n = snap.nodes.len();
    let fail = |reasons: BTreeMap<String, usize>, unresolvable: Option<String>| Attempt {
        result: Err(FitError {
            num_nodes: n,
            reasons,
            unresolvable,
            post_filter: None,
        }),
        record: DecisionRecord::default(),
    };
    if n == 0 {
        return fail(BTreeMap::new(), None);
    }
    // A PreFilter's UnschedulableAndUnresolvable: no node is examined, and the PostFilter
    // plugins find every node unhelpful.
    let prefilter_fail = |msg: &str, rec: &mut DecisionRecord| {
        let mut text = format!("0/{n} nodes are available: {msg}.");
        if let Some(pf) = post_filter(profile, pod, snap, &[], false, rec) {
            text.push(' ');
            text.push_str(&pf);
        }
        Attempt {
            result: Err(FitError {
                num_nodes: n,
                reasons: BTreeMap::new(),
                unresolvable: Some(text),
                post_filter: None,
            }),
            record: DecisionRecord::default(),
        }
    };
    let req = PodRequest::of(pod);
    let mut cel_cycle: Option<CelCycle> = None;
    let mut spread_constraints: Option<(Vec<spread::Constraint>, bool)> = None;
    let tolerates_unschedulable = basic::tolerates_unschedulable(pod);

    // PreFilter. NodeAffinity's result (`matchFields` on `metadata.name`) narrows the nodes
    // that are filtered at all.
    let mut allowed: Option<std::collections::BTreeSet<&str>> = None;
    let mut fstates: Vec<FState> = Vec::with_capacity(profile.filters.len());
    for &pi in &profile.filters {
        let st = match &profile.plugins[pi].1 {
            Plugin::NodeAffinity(args) => {
                match basic::prefilter_node_names(pod) {
                    Ok(names) => allowed = names,
                    Err(e) => return prefilter_fail(e, &mut DecisionRecord::default()),
                }
                if args.prefilter_runs(pod) {
                    FState::Run
                } else {
                    FState::Skip
                }
            }
            Plugin::PodTopologySpread(args) => {
                let (cs, _) = spread_constraints.get_or_insert_with(|| {
                    spread::pod_constraints(pod, args, &snap.owner_selectors)
                });
                match spread::prefilter(pod, cs, snap) {
                    Some(s) => FState::Spread(s),
                    None => FState::Skip,
                }
            }
            Plugin::NodePorts => match nodeports::prefilter(pod) {
                Some(ports) => FState::Ports(ports),
                None => FState::Skip,
            },
            Plugin::InterPodAffinity(_) => match interpod::prefilter(pod, snap) {
                Some(s) => FState::Inter(s),
                None => FState::Skip,
            },
            Plugin::Cel(args) => {
                if args.filter.is_none() {
                    FState::Skip
                } else {
                    if cel_cycle.is_none() {
                        match celsched::cycle(args, pod, &req) {
                            Ok(c) => cel_cycle = Some(c),
                            Err(e) => {
                                return fail(BTreeMap::new(), Some(format!("CELScheduler: {e}")))
                            }
                        }
                    }
                    FState::Run
                }
            }
            Plugin::VolumeRestrictions => {
                if let Err(e) = volumes::restrictions(pod, &snap.storage) {
                    return prefilter_fail(&e, &mut DecisionRecord::default());
                }
                FState::Skip
            }
            Plugin::VolumeBinding => match volumes::prefilter(pod, &snap.storage) {
                None => FState::Skip,
                Some(Ok(claims)) => FState::Volumes(claims),
                Some(Err(e)) => return prefilter_fail(&e, &mut DecisionRecord::default()),
            },
            Plugin::NotSimulated
            | Plugin::BalancedAllocation(_)
            | Plugin::ImageLocality
            | Plugin::DynamicResources => FState::Skip,
            _ => FState::Run,
        };
        fstates.push(st);
    }

    // Filter, from the rotating start index, until enough feasible nodes are found.
    let active: Vec<(usize, &Plugin)> = profile
        .filters
        .iter()
        .enumerate()
        .filter(|(pos, _)| !matches!(fstates[*pos], FState::Skip))
        .map(|(pos, &pi)| (pos, &profile.plugins[pi].1))
        .collect();
    let to_find = num_feasible_nodes_to_find(profile.percentage, n);
    let start = *next_start % n;
    let feasible = &mut bufs.feasible;
    feasible.clear();
    let mut failures: Vec<Failure> = Vec::new();
    let mut reasons: Vec<Cow<'static, str>> = Vec::new();
    let fast = FastFilter::new(&active, tolerates_unschedulable);
    let mut processed = 0usize;
    let mut excluded = 0usize;
    let mut i = start;
    for _ in 0..n {
        if feasible.len() >= to_find {
            break;
        }
        let this = i;
        i = if i + 1 == n { 0 } else { i + 1 };
        let i = this;
        let node = &snap.nodes[i];
        if allowed.as_ref().is_some_and(|a| !a.contains(node.name)) {
            excluded += 1;
            continue;
        }
        processed += 1;
        if let Some(f) = &fast {
            if f.passes(node, &req, pod) {
                feasible.push(i as u32);
                continue;
            }
        }
        let mut failed_at = None;
        for &(pos, plugin) in &active {
            let ok = match (plugin, &fstates[pos]) {
                (Plugin::NodeUnschedulable, _) => {
                    let ok = !node.unschedulable || tolerates_unschedulable;
                    if !ok {
                        reasons.push(Cow::Borrowed(ERR_UNSCHEDULABLE));
                    }
                    ok
                }
                (Plugin::NodeName, _) => {
                    let ok = pod.spec.node_name.is_empty() || pod.spec.node_name == node.name();
                    if !ok {
                        reasons.push(Cow::Borrowed(ERR_NODE_NAME));
                    }
                    ok
                }
                (Plugin::TaintToleration, _) => {
                    let ok = node.taints.is_empty()
                        || basic::untolerated_taint(node.taints, &pod.spec.tolerations).is_none();
                    if !ok {
                        reasons.push(Cow::Borrowed(ERR_UNTOLERATED_TAINT));
                    }
                    ok
                }
                (Plugin::NodeAffinity(args), _) => match args.filter(pod, node.node) {
                    Ok(()) => true,
                    Err(e) => {
                        reasons.push(Cow::Borrowed(e));
                        false
                    }
                },
                (Plugin::NodePorts, FState::Ports(ports)) => match nodeports::filter(ports, node) {
                    Ok(()) => true,
                    Err(e) => {
                        reasons.push(Cow::Borrowed(e));
                        false
                    }
                },
                (Plugin::NodeResourcesFit(args), _) => {
                    nr::fits_request(&req, node, args, &mut reasons);
                    reasons.is_empty()
                }
                (Plugin::PodTopologySpread(_), FState::Spread(s)) => match spread::filter(s, i) {
                    Ok(()) => true,
                    Err(e) => {
                        reasons.push(Cow::Borrowed(e));
                        false
                    }
                },
                (Plugin::InterPodAffinity(_), FState::Inter(s)) => {
                    match interpod::filter(s, node.node) {
                        Ok(()) => true,
                        Err(e) => {
                            reasons.push(Cow::Borrowed(e));
                            false
                        }
                    }
                }
                (Plugin::VolumeBinding, FState::Volumes(claims)) => {
                    match volumes::filter(claims, &snap.storage, node.node) {
                        Ok(()) => true,
                        Err(e) => {
                            reasons.push(e);
                            false
                        }
                    }
                }
                (Plugin::Cel(args), _) => match &cel_cycle {
                    Some(c) => match celsched::filter(args, c, node) {
                        Ok(()) => true,
                        Err(e) => {
                            reasons.push(Cow::Owned(e));
                            false
                        }
                    },
                    None => true,
                },
                _ => true,
            };
            if !ok {
                failed_at = Some(pos);
                break;
            }
        }
        match failed_at {
            None => feasible.push(i as u32),
            Some(pos) => failures.push(Failure {
                node: i as u32,
                filter_pos: pos,
                unresolvable: unresolvable(
                    &profile.plugins[profile.filters[pos]].1,
                    &reasons,
                    &req,
                    node,
                ),
                reasons: std::mem::take(&mut reasons),
            }),
        }
    }
    *next_start = (start + processed) % n;

    let mut rec = DecisionRecord::default();
    if record {
        let passed_before = |upto: usize| {
            let mut m = BTreeMap::new();
            for (pos, &pi) in profile.filters.iter().enumerate().take(upto) {
                if !matches!(fstates[pos], FState::Skip) {
                    m.insert(profile.plugins[pi].0.clone(), PASSED.to_string());
                }
            }
            m
        };
        for &i in feasible.iter() {
            rec.filter.insert(
                snap.nodes[i as usize].name().to_string(),
                passed_before(profile.filters.len()),
            );
        }
        for f in &failures {
            let mut m = passed_before(f.filter_pos);
            let joined: Vec<&str> = f.reasons.iter().map(|r| r.as_ref()).collect();
            m.insert(
                profile.plugins[profile.filters[f.filter_pos]].0.clone(),
                joined.join(", "),
            );
            rec.filter
                .insert(snap.nodes[f.node as usize].name().to_string(), m);
        }
    }

    if feasible.is_empty() {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for f in &failures {
            for r in &f.reasons {
                *counts.entry(r.to_string()).or_default() += 1;
            }
        }
        if excluded > 0 {
            *counts
                .entry(basic::ERR_PREFILTER_EXCLUDED.to_string())
                .or_default() += excluded;
        }
        let post_filter = post_filter(profile, pod, snap, &failures, record, &mut rec);
        return Attempt {
            result: Err(FitError {
                num_nodes: n,
                reasons: counts,
                unresolvable: None,
                post_filter,
            }),
            record: rec,
        };
    }
    if feasible.len() == 1 {
        let name = snap.nodes[feasible[0] as usize].name().to_string();
        rec.selected = Some(name.clone());
        return Attempt {
            result: Ok(name),
            record: rec,
        };
    }

    // PreScore, Score, NormalizeScore, weights.
    let m = feasible.len();
    let totals = &mut bufs.totals;
    totals.clear();
    totals.resize(m, 0);
    let scores = &mut bufs.scores;
    let mut score_records: Vec<ScoreRecord> = Vec::new();
    for &(pi, weight) in &profile.scores {
        let plugin = &profile.plugins[pi].1;
        let state = match plugin {
            Plugin::TaintToleration => {
                Some(SState::Taint(basic::prefer_no_schedule_tolerations(pod)))
            }
            Plugin::NodeAffinity(args) => args.prescore_runs(pod).then_some(SState::Run),
            Plugin::NodeResourcesFit(args) => Some(SState::Resources(nr::resource_terms(
                &args.resources,
                &req,
                false,
            ))),
            Plugin::BalancedAllocation(args) => (!nr::balanced_skips(args, &req))
                .then(|| SState::Resources(nr::resource_terms(&args.resources, &req, true))),
            Plugin::PodTopologySpread(args) => {
                let (cs, explicit) = spread_constraints.get_or_insert_with(|| {
                    spread::pod_constraints(pod, args, &snap.owner_selectors)
                });
                spread::prescore(pod, cs, *explicit, args, snap, feasible).map(SState::Spread)
            }
            Plugin::InterPodAffinity(args) => {
                interpod::prescore(pod, args, snap).map(SState::Inter)
            }
            // No claims: every node scores 0.
            Plugin::DynamicResources => Some(SState::Run),
            Plugin::ImageLocality => {
                let images: Vec<String> = pod
                    .spec
                    .init_containers
                    .iter()
                    .chain(&pod.spec.containers)
                    .map(|c| basic::normalized_image_name(&c.image))
                    .collect();
                let count = images.len();
                Some(SState::Images(images, count))
            }
            Plugin::Cel(args) => {
                if args.score.is_none() {
                    None
                } else {
                    if cel_cycle.is_none() {
                        match celsched::cycle(args, pod, &req) {
                            Ok(c) => cel_cycle = Some(c),
                            Err(e) => {
                                return fail(BTreeMap::new(), Some(format!("CELScheduler: {e}")))
                            }
                        }
                    }
                    Some(SState::Run)
                }
            }
            _ => None,
        };
        let Some(state) = state else {
            continue;
        };
        scores.clear();
        scores.resize(m, 0);
        let mut cel_errors: Vec<Option<String>> = Vec::new();
        match (plugin, &state) {
            (Plugin::TaintToleration, SState::Taint(tols)) => {
                for (j, &i) in feasible.iter().enumerate() {
                    scores[j] =
                        basic::intolerable_prefer_no_schedule(snap.nodes[i as usize].taints, tols);
                }
            }
            (Plugin::NodeAffinity(args), _) => {
                for (j, &i) in feasible.iter().enumerate() {
                    scores[j] = args.score(pod, snap.nodes[i as usize].node);
                }
            }
            (Plugin::NodeResourcesFit(args), SState::Resources(terms)) => {
                for (j, &i) in feasible.iter().enumerate() {
                    scores[j] = nr::fit_score(args, terms, &snap.nodes[i as usize]);
                }
            }
            (Plugin::BalancedAllocation(_), SState::Resources(terms)) => {
                for (j, &i) in feasible.iter().enumerate() {
                    scores[j] = nr::balanced_score(terms, &snap.nodes[i as usize]);
                }
            }
            (Plugin::PodTopologySpread(_), SState::Spread(s)) => {
                for (j, &i) in feasible.iter().enumerate() {
                    scores[j] = spread::score(s, i as usize, j);
                }
            }
            (Plugin::InterPodAffinity(_), SState::Inter(s)) => {
                for (j, &i) in feasible.iter().enumerate() {
                    scores[j] = interpod::score(s, snap.nodes[i as usize].node);
                }
            }
            (Plugin::ImageLocality, SState::Images(images, count)) => {
                // No node has any of the images: every node scores the same (the minimum).
                let any = images.iter().any(|i| snap.images.contains_key(i.as_str()));
                for (j, &i) in feasible.iter().enumerate().filter(|_| any) {
                    scores[j] = basic::image_locality_score(
                        images,
                        *count,
                        &snap.nodes[i as usize],
                        &snap.images,
                        n,
                    );
                }
            }
            (Plugin::Cel(args), _) => {
                if let Some(c) = &cel_cycle {
                    cel_errors.resize(m, None);
                    for (j, &i) in feasible.iter().enumerate() {
                        match celsched::score(args, c, &snap.nodes[i as usize]) {
                            Ok(s) => scores[j] = s,
                            Err(e) => cel_errors[j] = Some(e),
                        }
                    }
                }
            }
            _ => {}
        }
        let raw: Vec<String> = if record {
            scores
                .iter()
                .enumerate()
                .map(|(j, s)| match cel_errors.get(j) {
                    Some(Some(e)) => e.clone(),
                    _ => s.to_string(),
                })
                .collect()
        } else {
            Vec::new()
        };
        match (plugin, &state) {
            (Plugin::TaintToleration, _) => basic::default_normalize(scores, true),
            (Plugin::NodeAffinity(_), _) => basic::default_normalize(scores, false),
            (Plugin::PodTopologySpread(_), SState::Spread(s)) => spread::normalize(s, scores),
            (Plugin::InterPodAffinity(_), _) => interpod::normalize(scores),
            (Plugin::Cel(args), _) => {
                let failed: Vec<bool> = cel_errors.iter().map(Option::is_some).collect();
                celsched::normalize(args.normalize, scores, &failed)
            }
            _ => {}
        }
        for (t, s) in totals.iter_mut().zip(scores.iter()) {
            *t += s * weight;
        }
        if record {
            score_records.push(ScoreRecord {
                plugin: pi,
                raw,
                finals: scores.iter().map(|s| s * weight).collect(),
            });
        }
    }
    if record {
        for sr in &score_records {
            let pname = &profile.plugins[sr.plugin].0;
            for (j, &i) in feasible.iter().enumerate() {
                let node = snap.nodes[i as usize].name();
                rec.score
                    .entry(node.to_string())
                    .or_default()
                    .insert(pname.clone(), sr.raw[j].clone());
                rec.final_score
                    .entry(node.to_string())
                    .or_default()
                    .insert(pname.clone(), sr.finals[j].to_string());
            }
        }
    }

    // selectHost: the highest total; ties broken by reservoir sampling through `pick`.
    let mut best = 0usize;
    let mut max = totals[0];
    let mut tied = 1u32;
    for (j, &t) in totals.iter().enumerate().skip(1) {
        if t > max {
            max = t;
            best = j;
            tied = 1;
        } else if t == max {
            tied += 1;
            if pick(tied) == 0 {
                best = j;
            }
        }
    }
    let name = snap.nodes[feasible[best] as usize].name().to_string();
    rec.selected = Some(name.clone());
    Attempt {
        result: Ok(name),
        record: rec,
    }
}

/// Whether a filter failure is UnschedulableAndUnresolvable, as the plugin's status code says:
/// node-level mismatches always are; NodeResourcesFit only when a request exceeds the node's
/// whole allocatable; PodTopologySpread for a missing topology label; InterPodAffinity for the
/// pod's own required affinity. Skew, anti-affinity, host ports and free resources could change
/// if pods went away.
fn unresolvable(
    plugin: &Plugin,
    reasons: &[Cow<'static, str>],
    req: &PodRequest,
    node: &crate::snapshot::PreparedNode,
) -> bool {
    match plugin {
        Plugin::NodeResourcesFit(args) => nr::exceeds_allocatable(req, node, args),
        Plugin::PodTopologySpread(_) => reasons.iter().any(|r| r == spread::ERR_MISSING_LABEL),
        Plugin::InterPodAffinity(_) => reasons.iter().any(|r| r == interpod::ERR_AFFINITY),
        Plugin::NodePorts => false,
        _ => true,
    }
}

/// upstream's PostFilter for a pod no node fits: DynamicResources has no claims to deallocate,
/// and DefaultPreemption looks for nodes where evicting lower-priority pods could help. The
/// playground does not preempt: a node whose failure is resolvable reports that no victims were
/// found, which is upstream's verdict when no pod there has a lower priority (with lower-priority
/// pods a real cluster would evict them). Returns the message appended to the FitError.
fn post_filter(
    profile: &Profile,
    pod: &Pod,
    snap: &PreparedSnapshot,
    failures: &[Failure],
    record: bool,
    rec: &mut DecisionRecord,
) -> Option<String> {
    const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
    const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
    let mut parts: Vec<String> = Vec::new();
    for name in &profile.post_filters {
        match name.as_str() {
            "DynamicResources" => parts.push("no new claims to deallocate".to_string()),
            "DefaultPreemption" => {
                let never = pod
                    .spec
                    .extra
                    .get("preemptionPolicy")
                    .and_then(|v| v.as_str())
                    == Some("Never");
                if never {
                    parts.push("preemption: not eligible due to preemptionPolicy=Never.".into());
                    continue;
                }
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                let mut seen = vec![false; snap.nodes.len()];
                for f in failures {
                    let verdict = if f.unresolvable {
                        NOT_HELPFUL
                    } else {
                        NO_VICTIMS
                    };
                    *counts.entry(verdict).or_default() += 1;
                    if let Some(s) = seen.get_mut(f.node as usize) {
                        *s = true;
                    }
                    if record {
                        rec.post_filter
                            .entry(snap.nodes[f.node as usize].name().to_string())
                            .or_default()
                            .insert(name.clone(), verdict.to_string());
                    }
                }
                // Nodes a PreFilter result left out were never filtered: not helpful either.
                let absent = seen.iter().filter(|s| !**s).count();
                if absent > 0 {
                    *counts.entry(NOT_HELPFUL).or_default() += absent;
                }
                let mut list: Vec<String> =
                    counts.iter().map(|(r, c)| format!("{c} {r}")).collect();
                list.sort();
                parts.push(format!(
                    "preemption: 0/{} nodes are available: {}.",
                    snap.nodes.len(),
                    list.join(", ")
                ));
            }
            _ => {}
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
