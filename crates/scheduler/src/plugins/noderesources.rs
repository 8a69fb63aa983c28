//! NodeResourcesFit (filter and its three scoring strategies) and NodeResourcesBalancedAllocation,
//! restating upstream's `noderesources` formulas (KUBERNETES-SEMANTICS.md §1.4–§1.5, §2.1).

use std::borrow::Cow;

use crate::resources::{is_scalar_resource, Resources};
use crate::snapshot::PreparedNode;

pub const MAX_NODE_SCORE: i64 = 100;
/// User shape scores are 0..10 (`MaxCustomPriorityScore`); they are scaled by 100/10.
pub const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;

/// A resource and its weight in a scoring strategy (`config.ResourceSpec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSpec {
    pub name: String,
    pub weight: i64,
}

pub fn default_resources() -> Vec<ResourceSpec> {
    vec![
        ResourceSpec {
            name: "cpu".into(),
            weight: 1,
        },
        ResourceSpec {
            name: "memory".into(),
            weight: 1,
        },
    ]
}

/// `scoringStrategy.type`, with the RequestedToCapacityRatio shape already scaled to 0..100.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoringStrategy {
    LeastAllocated,
    MostAllocated,
    RequestedToCapacityRatio { shape: Vec<(i64, i64)> },
}

/// NodeResourcesFitArgs, defaulted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FitArgs {
    pub ignored_resources: Vec<String>,
    pub ignored_resource_groups: Vec<String>,
    pub strategy: ScoringStrategy,
    pub resources: Vec<ResourceSpec>,
}

impl Default for FitArgs {
    fn default() -> Self {
        FitArgs {
            ignored_resources: Vec::new(),
            ignored_resource_groups: Vec::new(),
            strategy: ScoringStrategy::LeastAllocated,
            resources: default_resources(),
        }
    }
}

/// NodeResourcesBalancedAllocationArgs, defaulted. The weights are read but not used, as upstream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalancedArgs {
    pub resources: Vec<ResourceSpec>,
}

impl Default for BalancedArgs {
    fn default() -> Self {
        BalancedArgs {
            resources: default_resources(),
        }
    }
}

/// The pod's requests as both views: actual (filter, BalancedAllocation; pod-level requests
/// applied) and with the 100m/200Mi defaults for absent keys (Least/Most/RequestedToCapacityRatio;
/// see [`pod_requests_for_fit_score`](crate::resources::pod_requests_for_fit_score)).
#[derive(Clone, Debug, Default)]
pub struct PodRequest {
    pub actual: Resources,
    pub non_zero_cpu: i64,
    pub non_zero_memory: i64,
    /// Nothing requested at all (only the pod-count check applies).
    pub empty: bool,
}

impl PodRequest {
    pub fn of(pod: &kubeplay_api::Pod) -> PodRequest {
        let actual = crate::resources::pod_requests(pod, false);
        let nz = crate::resources::pod_requests_for_fit_score(pod);
        PodRequest {
            empty: actual.is_empty_request(),
            actual,
            non_zero_cpu: nz.milli_cpu,
            non_zero_memory: nz.memory,
        }
    }
}

/// `fitsRequest`: every reason the node cannot hold the pod's requests.
pub fn fits_request(
    pod: &PodRequest,
    node: &PreparedNode,
    args: &FitArgs,
    reasons: &mut Vec<Cow<'static, str>>,
) {
    let alloc = &node.allocatable;
    let used = &node.sums.requested;
    if node.pods.len() as i64 + 1 > alloc.allowed_pods {
        reasons.push(Cow::Borrowed("Too many pods"));
    }
    if pod.empty {
        return;
    }
    let req = &pod.actual;
    if req.milli_cpu > 0 && req.milli_cpu > alloc.milli_cpu.saturating_sub(used.milli_cpu) {
        reasons.push(Cow::Borrowed("Insufficient cpu"));
    }
    if req.memory > 0 && req.memory > alloc.memory.saturating_sub(used.memory) {
        reasons.push(Cow::Borrowed("Insufficient memory"));
    }
    if req.ephemeral_storage > 0
        && req.ephemeral_storage
            > alloc
                .ephemeral_storage
                .saturating_sub(used.ephemeral_storage)
    {
        reasons.push(Cow::Borrowed("Insufficient ephemeral-storage"));
    }
    for (name, amount) in &req.scalar {
        if *amount == 0 {
            continue;
        }
        // Only extended resources (not kubernetes.io/, not hugepages) can be ignored.
        let extended = name.contains('/') && !name.contains("kubernetes.io/");
        if extended {
            if args.ignored_resources.iter().any(|r| r == name) {
                continue;
            }
            let group = name.split('/').next().unwrap_or("");
            if args.ignored_resource_groups.iter().any(|g| g == group) {
                continue;
            }
        }
        if *amount > alloc.scalar(name).saturating_sub(used.scalar(name)) {
            reasons.push(Cow::Owned(format!("Insufficient {name}")));
        }
    }
}

/// Whether some request is more than the node's whole allocatable (the `Unresolvable` mark of
/// `fitsRequest`'s insufficient resources): no eviction could make room. "Too many pods" is
/// resolvable.
pub fn exceeds_allocatable(pod: &PodRequest, node: &PreparedNode, args: &FitArgs) -> bool {
    let alloc = &node.allocatable;
    let req = &pod.actual;
    if pod.empty {
        return false;
    }
    if req.milli_cpu > alloc.milli_cpu
        || req.memory > alloc.memory
        || req.ephemeral_storage > alloc.ephemeral_storage
    {
        return true;
    }
    req.scalar.iter().any(|(name, amount)| {
        let extended = name.contains('/') && !name.contains("kubernetes.io/");
        let ignored = extended
            && (args.ignored_resources.iter().any(|r| r == name)
                || args
                    .ignored_resource_groups
                    .iter()
                    .any(|g| g == name.split('/').next().unwrap_or("")));
        !ignored && *amount > alloc.scalar(name)
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Cpu,
    Memory,
    EphemeralStorage,
    Scalar,
}

/// One resource of a scoring strategy with the pod's side already worked out, so that the
/// per-node work is integer arithmetic only.
#[derive(Clone, Debug)]
pub struct ResourceTerm<'r> {
    kind: Kind,
    name: &'r str,
    pod_amount: i64,
    weight: i64,
    /// A scalar resource the pod does not request: it takes no part.
    skip: bool,
}

/// The pod's side of `calculateResourceAllocatableRequest` for each resource: with
/// `use_requested` the actual requests (BalancedAllocation), otherwise the non-zero ones.
pub fn resource_terms<'r>(
    resources: &'r [ResourceSpec],
    pod: &PodRequest,
    use_requested: bool,
) -> Vec<ResourceTerm<'r>> {
    resources
        .iter()
        .map(|r| {
            let kind = match r.name.as_str() {
                "cpu" => Kind::Cpu,
                "memory" => Kind::Memory,
                "ephemeral-storage" => Kind::EphemeralStorage,
                _ => Kind::Scalar,
            };
            let pod_amount = match kind {
                Kind::Cpu if !use_requested => pod.non_zero_cpu,
                Kind::Memory if !use_requested => pod.non_zero_memory,
                _ => pod.actual.get(&r.name),
            };
            ResourceTerm {
                kind,
                name: &r.name,
                pod_amount,
                weight: r.weight,
                skip: pod_amount == 0 && is_scalar_resource(&r.name),
            }
        })
        .collect()
}

/// `calculateResourceAllocatableRequest`: (allocatable, node requested + pod request) of one
/// resource, or (0, 0) when the resource does not take part (a scalar the pod does not request,
/// or one the node lacks).
fn allocatable_request(node: &PreparedNode, t: &ResourceTerm, use_requested: bool) -> (i64, i64) {
    if t.skip {
        return (0, 0);
    }
    let alloc = &node.allocatable;
    match t.kind {
        Kind::Cpu => {
            let used = if use_requested {
                node.sums.requested.milli_cpu
            } else {
                node.sums.non_zero_cpu
            };
            (alloc.milli_cpu, used.saturating_add(t.pod_amount))
        }
        Kind::Memory => {
            let used = if use_requested {
                node.sums.requested.memory
            } else {
                node.sums.non_zero_memory
            };
            (alloc.memory, used.saturating_add(t.pod_amount))
        }
        Kind::EphemeralStorage => (
            alloc.ephemeral_storage,
            node.sums
                .requested
                .ephemeral_storage
                .saturating_add(t.pod_amount),
        ),
        Kind::Scalar if alloc.has_scalar(t.name) => (
            alloc.scalar(t.name),
            node.sums
                .requested
                .scalar(t.name)
                .saturating_add(t.pod_amount),
        ),
        Kind::Scalar => (0, 0),
    }
}

/// `a / b` for `a ≥ 0`, `b > 0`: through one floating-point division, corrected to the exact
/// integer quotient (integer division dominates the scorers' cost on 1,000 nodes).
#[inline]
pub fn div_floor(a: i64, b: i64) -> i64 {
    const EXACT: i64 = 1 << 52;
    if (0..EXACT).contains(&a) && b > 0 && b < EXACT {
        let q = (a as f64 / b as f64) as i64;
        if q * b > a {
            q - 1
        } else if (q + 1) * b <= a {
            q + 1
        } else {
            q
        }
    } else {
        a / b
    }
}

/// `part * 100 / whole`, floored, without overflow for any quantity a manifest can state.
#[inline]
fn scaled_ratio(part: i64, whole: i64) -> i64 {
    match part.checked_mul(MAX_NODE_SCORE) {
        Some(a) if a >= 0 => div_floor(a, whole),
        _ => (part as i128 * MAX_NODE_SCORE as i128 / whole as i128) as i64,
    }
}

/// [`scaled_ratio`] with the node's precomputed `1 / whole`: a multiplication instead of a
/// division, corrected to the exact floor (the estimate is off by at most one).
#[inline]
pub(crate) fn scaled_ratio_inv(part: i64, whole: i64, inv: f64) -> i64 {
    const EXACT: i64 = 1 << 52;
    match part.checked_mul(MAX_NODE_SCORE) {
        Some(a) if (0..EXACT).contains(&a) && whole < EXACT => {
            let q = (a as f64 * inv) as i64;
            if q * whole > a {
                q - 1
            } else if (q + 1) * whole <= a {
                q + 1
            } else {
                q
            }
        }
        _ => scaled_ratio(part, whole),
    }
}

/// LeastAllocated per resource: `(cap − req) * 100 / cap`, 0 when over capacity.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    scaled_ratio(capacity - requested, capacity)
}

/// MostAllocated per resource: `req * 100 / cap`, with req clamped to cap.
pub fn most_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    scaled_ratio(requested.min(capacity), capacity)
}

/// `BuildBrokenLinearFunction`: the piecewise-linear shape, flat before the first point and after
/// the last, with integer division between points.
pub fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    let Some(first) = shape.first() else {
        return 0;
    };
    if p <= first.0 {
        return first.1;
    }
    for w in shape.windows(2) {
        let ((u0, s0), (u1, s1)) = (w[0], w[1]);
        if p <= u1 {
            if u1 == u0 {
                return s1;
            }
            return s0 + (s1 - s0) * (p - u0) / (u1 - u0);
        }
    }
    shape.last().map_or(0, |l| l.1)
}

/// NodeResourcesFit's score of one node under `args.strategy` (§1.5.1–§1.5.3).
/// `terms` come from [`resource_terms`] with `use_requested = false`.
pub fn fit_score(args: &FitArgs, terms: &[ResourceTerm], node: &PreparedNode) -> i64 {
    // The usual case, cpu then memory under Least/MostAllocated on a node that has both, as
    // straight-line code; the general loop below gives the same numbers.
    if let [c, m] = terms {
        let alloc = &node.allocatable;
        if c.kind == Kind::Cpu
            && m.kind == Kind::Memory
            && alloc.milli_cpu > 0
            && alloc.memory > 0
            && node.inv_milli_cpu > 0.0
            && node.inv_memory > 0.0
        {
            let rc = node.sums.non_zero_cpu.saturating_add(c.pod_amount);
            let rm = node.sums.non_zero_memory.saturating_add(m.pod_amount);
            let (sc, sm) = match args.strategy {
                ScoringStrategy::LeastAllocated => (
                    if rc > alloc.milli_cpu {
                        0
                    } else {
                        scaled_ratio_inv(alloc.milli_cpu - rc, alloc.milli_cpu, node.inv_milli_cpu)
                    },
                    if rm > alloc.memory {
                        0
                    } else {
                        scaled_ratio_inv(alloc.memory - rm, alloc.memory, node.inv_memory)
                    },
                ),
                ScoringStrategy::MostAllocated => (
                    scaled_ratio_inv(rc.min(alloc.milli_cpu), alloc.milli_cpu, node.inv_milli_cpu),
                    scaled_ratio_inv(rm.min(alloc.memory), alloc.memory, node.inv_memory),
                ),
                ScoringStrategy::RequestedToCapacityRatio { .. } => (-1, -1),
            };
            if sc >= 0 {
                let total = sc * c.weight + sm * m.weight;
                return match c.weight + m.weight {
                    2 => total / 2,
                    w => div_floor(total, w),
                };
            }
        }
    }
    let (mut node_score, mut weight_sum) = (0i64, 0i64);
    let rtcr = matches!(
        args.strategy,
        ScoringStrategy::RequestedToCapacityRatio { .. }
    );
    for r in terms {
        let (alloc, req) = allocatable_request(node, r, false);
        if alloc == 0 {
            continue;
        }
        let inv = match r.kind {
            Kind::Cpu => node.inv_milli_cpu,
            Kind::Memory => node.inv_memory,
            _ => 0.0,
        };
        let s = match &args.strategy {
            ScoringStrategy::LeastAllocated if inv > 0.0 => {
                if req > alloc {
                    0
                } else {
                    scaled_ratio_inv(alloc - req, alloc, inv)
                }
            }
            ScoringStrategy::MostAllocated if inv > 0.0 => {
                scaled_ratio_inv(req.min(alloc), alloc, inv)
            }
            ScoringStrategy::LeastAllocated => least_requested_score(req, alloc),
            ScoringStrategy::MostAllocated => most_requested_score(req, alloc),
            ScoringStrategy::RequestedToCapacityRatio { shape } => {
                let u = if req > alloc {
                    MAX_NODE_SCORE
                } else {
                    scaled_ratio(req, alloc)
                };
                let s = broken_linear(shape, u);
                // Only resources that score above zero count, weight included (upstream quirk).
                if s <= 0 {
                    continue;
                }
                s
            }
        };
        node_score = node_score.saturating_add(s.saturating_mul(r.weight));
        weight_sum += r.weight;
    }
    if weight_sum == 0 {
        return 0;
    }
    if rtcr {
        (node_score as f64 / weight_sum as f64).round() as i64
    } else {
        // Constant divisors compile to multiplications: the usual weight sums are small.
        match weight_sum {
            1 => node_score,
            2 => node_score / 2,
            3 => node_score / 3,
            _ => div_floor(node_score, weight_sum),
        }
    }
}

/// Whether BalancedAllocation's PreScore skips the pod: it requests none of the resources.
pub fn balanced_skips(args: &BalancedArgs, pod: &PodRequest) -> bool {
    args.resources.iter().all(|r| pod.actual.get(&r.name) == 0)
}

/// NodeResourcesBalancedAllocation, pre-1.36: `(1 − std(fractions)) * 100`, truncated, over
/// actual requests (no defaults). Kubernetes 1.36 changed the formula; the playground keeps the
/// older one, which every upstream table here was written for.
/// `terms` come from [`resource_terms`] with `use_requested = true`.
pub fn balanced_score(terms: &[ResourceTerm], node: &PreparedNode) -> i64 {
    // The usual case, cpu and memory on a node that has both, as straight-line code.
    if let [c, m] = terms {
        let alloc = &node.allocatable;
        if c.kind == Kind::Cpu && m.kind == Kind::Memory && alloc.milli_cpu > 0 && alloc.memory > 0
        {
            let fc = (node.sums.requested.milli_cpu.saturating_add(c.pod_amount) as f64
                / alloc.milli_cpu as f64)
                .min(1.0);
            let fm = (node.sums.requested.memory.saturating_add(m.pod_amount) as f64
                / alloc.memory as f64)
                .min(1.0);
            let std = (fc - fm).abs() / 2.0;
            return ((1.0 - std) * MAX_NODE_SCORE as f64) as i64;
        }
    }
    let mut fractions: [f64; 8] = [0.0; 8];
    let mut extra: Vec<f64> = Vec::new();
    let mut n = 0usize;
    for r in terms {
        let (alloc, req) = allocatable_request(node, r, true);
        if alloc == 0 {
            continue;
        }
        let f = (req as f64 / alloc as f64).min(1.0);
        if n < fractions.len() {
            fractions[n] = f;
        } else {
            extra.push(f);
        }
        n += 1;
    }
    let all: Vec<f64>;
    let fs: &[f64] = if extra.is_empty() {
        &fractions[..n]
    } else {
        all = fractions.iter().copied().chain(extra).collect();
        &all
    };
    let std = match fs.len() {
        0 | 1 => 0.0,
        2 => (fs[0] - fs[1]).abs() / 2.0,
        len => {
            let mean = fs.iter().sum::<f64>() / len as f64;
            (fs.iter().map(|f| (f - mean) * (f - mean)).sum::<f64>() / len as f64).sqrt()
        }
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}
