//! The outcome of one scheduling attempt: the chosen node or upstream's FitError, and the record of
//! every plugin's verdict that explains it (written on the pod as kube-scheduler-simulator does).

use std::collections::BTreeMap;
use std::fmt;

/// Annotation keys of kube-scheduler-simulator, so that tools made for it read our records.
pub const FILTER_RESULT_ANNOTATION: &str = "scheduler-simulator/filter-result";
pub const SCORE_RESULT_ANNOTATION: &str = "scheduler-simulator/score-result";
pub const FINAL_SCORE_RESULT_ANNOTATION: &str = "scheduler-simulator/finalscore-result";
pub const SELECTED_NODE_ANNOTATION: &str = "scheduler-simulator/selected-node";
pub const POST_FILTER_RESULT_ANNOTATION: &str = "scheduler-simulator/postfilter-result";

/// The filter verdict of a plugin that let the node through.
pub const PASSED: &str = "passed";

/// One scheduling attempt: where the pod goes (or why it cannot go anywhere), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub result: Result<String, FitError>,
    pub record: DecisionRecord,
}

/// Why the scheduler decided as it did.
///
/// Maps are node name → plugin name → value. `filter` has `"passed"` or the failure reason for
/// each filter plugin that ran on a node (after a failure, later filters do not run, as upstream);
/// `score` has each score plugin's raw score; `final_score` the normalised score times the
/// plugin's weight. Plugins whose PreFilter or PreScore returned Skip are absent. With exactly one
/// feasible node nothing is scored. When decision records are turned off
/// ([`Scheduler::set_decision_records`](crate::Scheduler::set_decision_records)) only `selected`
/// is filled in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecisionRecord {
    pub filter: BTreeMap<String, BTreeMap<String, String>>,
    pub score: BTreeMap<String, BTreeMap<String, String>>,
    pub final_score: BTreeMap<String, BTreeMap<String, String>>,
    /// When no node fits: node → PostFilter plugin → its verdict on that node (DefaultPreemption:
    /// `Preemption is not helpful for scheduling` or `No preemption victims found for incoming
    /// pod`). Empty when the pod was scheduled.
    pub post_filter: BTreeMap<String, BTreeMap<String, String>>,
    pub selected: Option<String>,
}

impl DecisionRecord {
    /// The filter plugin that rejected `node` and its reason (`("NodeResourcesFit",
    /// "Insufficient cpu")`), or None when every filter that ran passed it or it was not
    /// examined. Filters stop at the first failure, so there is at most one.
    pub fn rejection(&self, node: &str) -> Option<(&str, &str)> {
        self.filter
            .get(node)?
            .iter()
            .find(|(_, verdict)| verdict.as_str() != PASSED)
            .map(|(plugin, reason)| (plugin.as_str(), reason.as_str()))
    }

    /// `node`'s final score, the sum over score plugins of normalised score × weight — the
    /// number selectHost compares. None when the node was not scored (it failed a filter, or it
    /// was the only feasible node, which upstream chooses without scoring).
    pub fn total_score(&self, node: &str) -> Option<i64> {
        let scores = self.final_score.get(node)?;
        Some(scores.values().map(|s| s.parse::<i64>().unwrap_or(0)).sum())
    }

    /// The record as the pod annotations kube-scheduler-simulator writes: the three results as
    /// JSON objects (keys sorted), and the selected node when there is one.
    pub fn annotations(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let json = |m: &BTreeMap<String, BTreeMap<String, String>>| {
            serde_json::to_string(m).unwrap_or_else(|_| "{}".to_string())
        };
        out.insert(FILTER_RESULT_ANNOTATION.to_string(), json(&self.filter));
        out.insert(SCORE_RESULT_ANNOTATION.to_string(), json(&self.score));
        out.insert(
            FINAL_SCORE_RESULT_ANNOTATION.to_string(),
            json(&self.final_score),
        );
        if let Some(node) = &self.selected {
            out.insert(SELECTED_NODE_ANNOTATION.to_string(), node.clone());
        } else {
            out.insert(
                POST_FILTER_RESULT_ANNOTATION.to_string(),
                json(&self.post_filter),
            );
        }
        out
    }
}

/// No node fits the pod (`framework.FitError`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FitError {
    /// How many nodes the cluster has.
    pub num_nodes: usize,
    /// Failure reason → how many nodes gave it. A node contributes each reason of the filter that
    /// rejected it (NodeResourcesFit may give both "Insufficient cpu" and "Insufficient memory").
    pub reasons: BTreeMap<String, usize>,
    /// A failure that happened before any node was examined (the pod names a scheduler this
    /// scheduler does not serve, a PreFilter rejected the pod): printed instead of the node counts.
    pub unresolvable: Option<String>,
    /// What the PostFilter plugins said (`no new claims to deallocate, preemption: 0/3 nodes are
    /// available: 3 Preemption is not helpful for scheduling.`), appended to the message as the
    /// FailedScheduling event shows it.
    pub post_filter: Option<String>,
}

impl fmt::Display for FitError {
    /// `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s).`, then
    /// the PostFilter message if there is one — the
    /// `"<count> <reason>"` strings sorted as strings, as upstream sorts them (so `"10 x" < "2 y"`).
    /// With no nodes at all: upstream's `ErrNoNodesAvailable`, "no nodes available to schedule pods".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(msg) = &self.unresolvable {
            return f.write_str(msg);
        }
        if self.num_nodes == 0 {
            return f.write_str("no nodes available to schedule pods");
        }
        let mut parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        parts.sort();
        write!(
            f,
            "0/{} nodes are available: {}.",
            self.num_nodes,
            parts.join(", ")
        )?;
        if let Some(pf) = &self.post_filter {
            write!(f, " {pf}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FitError {}
