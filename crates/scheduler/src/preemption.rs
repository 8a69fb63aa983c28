//! DefaultPreemption's choice for a pod no node fits: on each node, the lowest-priority pods
//! whose removal lets the pod fit there (all lower-priority pods removed, then the most
//! important ones given back while the pod still fits: `selectVictimsOnNode`), and of those
//! nodes the one that costs least (`pickOneNodeForPreemption`: the lowest highest victim
//! priority, then the smallest sum of priorities, then the fewest victims, then the latest
//! start of the most important victims, then the first node). The pod is tried on a node by
//! pinning it there (`spec.nodeName`), so every filter plugin of its profile speaks, as upstream
//! runs the filters on a node with the victims removed. PodDisruptionBudgets count as upstream's
//! do: pods whose eviction a budget does not allow are given back first, and the node with the
//! fewest such victims wins before any other criterion.

use std::cmp::Reverse;

use kubeplay_api::{Pod, Time};

use crate::{PreparedSnapshot, Scheduler, Snapshot};

/// A PodDisruptionBudget as preemption reads it: the pods it selects and how many it may lose.
#[derive(Clone, Debug)]
pub struct Budget {
    pub namespace: String,
    pub selector: kubeplay_api::LabelSelector,
    pub disruptions_allowed: i32,
}

/// `filterPodsWithPDBViolation`: the pods (in the given order) whose eviction some budget does
/// not allow, each eviction taking one from the budgets that select it.
fn violating(pods: &[&Pod], budgets: &[Budget]) -> Vec<bool> {
    let mut left: Vec<i32> = budgets.iter().map(|b| b.disruptions_allowed).collect();
    pods.iter()
        .map(|p| {
            let mut violates = false;
            for (b, n) in budgets.iter().zip(left.iter_mut()) {
                if b.namespace == p.metadata.namespace && b.selector.matches(&p.metadata.labels) {
                    *n -= 1;
                    violates |= *n < 0;
                }
            }
            violates
        })
        .collect()
}

/// The node the pod is nominated to and the pods to evict there.
#[derive(Debug)]
pub struct Preemption<'a> {
    pub node: String,
    pub victims: Vec<&'a Pod>,
}

/// What choosing a node costs (`pickOneNodeForPreemption`'s criteria, lowest first): the victims
/// that violate a PodDisruptionBudget, the highest
/// victim priority, the sum of priorities, the number of victims, the latest start of the most
/// important victims (reversed: later is cheaper).
type Cost = (usize, i32, i64, usize, Reverse<Option<Time>>);

fn priority(p: &Pod) -> i32 {
    p.spec.priority.unwrap_or(0)
}

fn start(p: &Pod) -> Option<Time> {
    p.status.start_time.or(p.metadata.creation_timestamp)
}

impl Scheduler {
    /// Whether a pod may preempt others at all: its preemptionPolicy is not `Never`, and it is
    /// not already waiting for victims it chose to go (`PodEligibleToPreemptOthers`).
    pub fn may_preempt(pod: &Pod, snapshot: &Snapshot) -> bool {
        let never = pod
            .spec
            .extra
            .get("preemptionPolicy")
            .and_then(|v| v.as_str())
            == Some("Never");
        if never {
            return false;
        }
        let nominated = &pod.status.nominated_node_name;
        if nominated.is_empty() {
            return true;
        }
        let waiting = snapshot
            .nodes
            .iter()
            .find(|n| n.node.metadata.name == *nominated)
            .is_some_and(|n| {
                n.pods
                    .iter()
                    .any(|v| v.is_terminating() && priority(v) < priority(pod))
            });
        !waiting
    }

    /// DefaultPreemption's PostFilter for `pod`, which failed on every node of `prepared` (the
    /// prepared form of `snapshot`). `prepared` is left as it was.
    pub fn preempt<'a>(
        &mut self,
        pod: &Pod,
        snapshot: &Snapshot<'a>,
        prepared: &mut PreparedSnapshot<'a>,
        budgets: &[Budget],
    ) -> Option<Preemption<'a>> {
        let prio = priority(pod);
        let record = self.record;
        let start_index = self.next_start_node_index;
        self.record = false;
        let mut best: Option<(Cost, Preemption<'a>)> = None;
        for info in &snapshot.nodes {
            let name = info.node.metadata.name.as_str();
            let mut lower: Vec<&'a Pod> = info
                .pods
                .iter()
                .copied()
                .filter(|v| priority(v) < prio && !v.is_terminating())
                .collect();
            if lower.is_empty() {
                continue;
            }
            let Some(idx) = prepared.node_index(name) else {
                continue;
            };
            let mut pinned = pod.clone();
            pinned.spec.node_name = name.to_string();
            for v in &lower {
                prepared.remove_pod(idx, v);
            }
            if !self.fits(&pinned, prepared) {
                for v in &lower {
                    prepared.add_pod(idx, v);
                }
                continue;
            }
            // Give back the most important pods first while the pod still fits: those whose
            // eviction would violate a budget before the others.
            lower.sort_by_key(|v| (Reverse(priority(v)), start(v)));
            let flags = violating(&lower, budgets);
            let (violators, others): (Vec<_>, Vec<_>) =
                lower.into_iter().zip(flags).partition(|(_, v)| *v);
            let mut victims: Vec<&'a Pod> = Vec::new();
            let mut violations = 0;
            for (v, violates) in violators.into_iter().chain(others) {
                prepared.add_pod(idx, v);
                if !self.fits(&pinned, prepared) {
                    prepared.remove_pod(idx, v);
                    victims.push(v);
                    violations += usize::from(violates);
                }
            }
            for v in &victims {
                prepared.add_pod(idx, v);
            }
            if victims.is_empty() {
                continue;
            }
            let highest = victims.iter().map(|v| priority(v)).max().unwrap_or(0);
            // Upstream offsets each priority by 2^31 so that the sum never goes negative.
            let sum: i64 = victims
                .iter()
                .map(|v| i64::from(priority(v)) + (1i64 << 31))
                .sum();
            let earliest_of_highest = victims
                .iter()
                .filter(|v| priority(v) == highest)
                .filter_map(|v| start(v))
                .min();
            let cost = (
                violations,
                highest,
                sum,
                victims.len(),
                Reverse(earliest_of_highest),
            );
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((
                    cost,
                    Preemption {
                        node: name.to_string(),
                        victims,
                    },
                ));
            }
        }
        self.record = record;
        self.next_start_node_index = start_index;
        best.map(|(_, p)| p)
    }

    /// Whether the (pinned) pod passes every filter now.
    fn fits(&mut self, pinned: &Pod, prepared: &PreparedSnapshot) -> bool {
        self.schedule_prepared(pinned, prepared, &mut |_| 0)
            .result
            .is_ok()
    }
}
