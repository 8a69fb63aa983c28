//! The command log of a session and its replay: saved workshop progress and share links rebuild
//! a session by running its statements again at the simulated times they first started.

use std::collections::VecDeque;

use kubeplay_api::Time;
use serde::{Deserialize, Serialize};

use crate::{parse_statements, Clock, Resume, Session, Statement};

/// At most this many entries in a replayed log.
pub const MAX_ENTRIES: usize = 10_000;
/// At most this many bytes in one entry's line (a statement with its here-documents).
pub const MAX_LINE_BYTES: usize = 256 * 1024;
/// At most this many bytes in all lines together.
pub const MAX_TOTAL_BYTES: usize = 8 * 1024 * 1024;
/// At most this much simulated time from the start of a replay to its end: 7 days.
pub const MAX_SPAN_MS: i64 = 7 * 24 * 3_600_000;
/// At most this much of the engine's work ([`kubeplay_engine::Cluster::work`]: tasks and
/// simulated requests) in one replay: about a second natively and a few in a browser tab. Ten
/// minutes at 50 requests/s cost 30,000; a week of 500 requests/s would cost 300 million.
pub const MAX_WORK: u64 = 10_000_000;

/// The line of a [`LogKind::Interrupt`] entry: Ctrl-C as a terminal sends it.
pub const INTERRUPT_LINE: &str = "\u{3}";

/// One entry of [`Session::log`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedCommand {
    /// The cluster's time when the entry happened (`cluster.now().millis()`).
    pub at_ms: i64,
    /// The statement's full text, here-document bodies included ([`INTERRUPT_LINE`] for an
    /// interrupt).
    pub line: String,
    #[serde(default)]
    pub kind: LogKind,
    /// The session's clock then: with [`Clock::Simulated`] a waiting command moved time itself,
    /// with [`Clock::External`] it held the console.
    #[serde(default)]
    pub clock: Clock,
}

/// What a [`LoggedCommand`] records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    /// A statement started (typed, or queued behind a waiting command and started now).
    #[default]
    Statement,
    /// A command holding the console ended with `status` and the rest of its statement `line`
    /// ran on from its pipeline `next` (`rollout status deploy/web && kubectl get pods`).
    Resume { status: i32, next: usize },
    /// Ctrl-C stopped the command holding the console and dropped what was queued.
    Interrupt,
}

/// Why a log cannot be replayed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("the log has {entries} entries; a replay takes at most {MAX_ENTRIES}")]
    TooManyEntries { entries: usize },
    #[error("entry {} is {bytes} bytes long; a replayed statement has at most {MAX_LINE_BYTES} bytes", .index + 1)]
    LineTooLong { index: usize, bytes: usize },
    #[error("the log holds {bytes} bytes of statements; a replay takes at most {MAX_TOTAL_BYTES}")]
    TooLarge { bytes: usize },
    #[error("entry {} starts at {at_ms} ms, before the time the replay has reached ({now_ms} ms): the log is corrupt", .index + 1)]
    TimeGoesBack {
        index: usize,
        at_ms: i64,
        now_ms: i64,
    },
    #[error("entry {} starts at {at_ms} ms: a replay covers at most 7 days of simulated time (it started at {start_ms} ms)", .index + 1)]
    TooLong {
        index: usize,
        at_ms: i64,
        start_ms: i64,
    },
    #[error("entry {} moves simulated time past the end of the replay's budget (7 days)", .index + 1)]
    BudgetSpent { index: usize },
    #[error("the replay's budget of work ({MAX_WORK} simulated requests and tasks) is spent {}", match .index { Some(i) => format!("at entry {}", i + 1), None => "after the last entry".to_string() })]
    WorkSpent { index: Option<usize> },
}

/// Checks what can be checked before running anything.
fn validate(start_ms: i64, log: &[LoggedCommand]) -> Result<(), ReplayError> {
    if log.len() > MAX_ENTRIES {
        return Err(ReplayError::TooManyEntries { entries: log.len() });
    }
    let mut total = 0usize;
    let mut now_ms = start_ms;
    for (index, e) in log.iter().enumerate() {
        if e.line.len() > MAX_LINE_BYTES {
            return Err(ReplayError::LineTooLong {
                index,
                bytes: e.line.len(),
            });
        }
        total += e.line.len();
        if total > MAX_TOTAL_BYTES {
            return Err(ReplayError::TooLarge { bytes: total });
        }
        if e.at_ms < now_ms {
            return Err(ReplayError::TimeGoesBack {
                index,
                at_ms: e.at_ms,
                now_ms,
            });
        }
        if e.at_ms.saturating_sub(start_ms) > MAX_SPAN_MS {
            return Err(ReplayError::TooLong {
                index,
                at_ms: e.at_ms,
                start_ms,
            });
        }
        now_ms = e.at_ms;
    }
    Ok(())
}

/// [`Session::replay`] and [`Session::replay_until`]: the entries, then the clock run on to
/// `until` (within the same budgets).
pub(crate) fn replay(
    s: &mut Session,
    log: &[LoggedCommand],
    until: Option<Time>,
) -> Result<(), ReplayError> {
    let start_ms = s.cluster.now().millis();
    validate(start_ms, log)?;
    let (clock, logging) = (s.clock, s.logging);
    s.logging = false;
    // Statements that move time themselves (`sleep`, a simulated `rollout status`) stop at the
    // end of the budget: a hostile line of many `sleep 1d` cannot run the cluster for years.
    let limit = Time(start_ms.saturating_add(MAX_SPAN_MS));
    // Replaying to an instant (the timeline), a statement that moves time itself (`sleep 5m`)
    // stops there, as the clock did then: that is not a spent budget.
    let stop = until.map_or(limit, |u| u.min(limit));
    s.time_limit = Some(stop);
    s.time_limit_hit = false;
    // And the engine stops once the replay has cost its budget of work, wherever that falls:
    // a day of 10,000 requests a second is one command and short, but costs a billion.
    s.cluster
        .set_work_limit(Some(s.cluster.work().saturating_add(MAX_WORK)));
    let mut result = replay_entries(s, log, start_ms, stop < limit);
    if result.is_ok() && until.is_some() {
        s.running = None;
        s.cluster.run_until(stop);
        if s.cluster.work_limit_reached() {
            result = Err(ReplayError::WorkSpent { index: None });
        }
    }
    s.cluster.set_work_limit(None);
    s.running = None;
    s.time_limit = None;
    s.clock = clock;
    s.logging = logging;
    result
}

fn replay_entries(
    s: &mut Session,
    log: &[LoggedCommand],
    start_ms: i64,
    until_stops: bool,
) -> Result<(), ReplayError> {
    for (index, e) in log.iter().enumerate() {
        let now_ms = s.cluster.now().millis();
        if e.at_ms < now_ms {
            // A statement before this one ran past it: the log does not belong to this session.
            return Err(ReplayError::TimeGoesBack {
                index,
                at_ms: e.at_ms,
                now_ms,
            });
        }
        // A command still holding the console only looked at the cluster; what was queued
        // behind it has entries of its own.
        s.running = None;
        s.cluster.run_until(Time(e.at_ms));
        s.clock = e.clock;
        s.log.push(e.clone());
        match e.kind {
            LogKind::Statement => {
                let (statements, _) = parse_statements(&e.line, 0);
                let _ = s.run_statements(statements.into(), None);
            }
            LogKind::Resume { status, next } => {
                let (statements, _) = parse_statements(&e.line, 0);
                let statement = Statement {
                    text: e.line.clone(),
                    pipelines: statements.into_iter().flat_map(|st| st.pipelines).collect(),
                    input: 0,
                };
                let resume = Resume {
                    statement,
                    next,
                    status,
                };
                let _ = s.run_statements(VecDeque::new(), Some(resume));
            }
            LogKind::Interrupt => {}
        }
        if s.cluster.work_limit_reached() {
            return Err(ReplayError::WorkSpent { index: Some(index) });
        }
        if s.time_limit_hit && until_stops {
            // The instant asked for is reached inside this statement (it slept past it).
            return Ok(());
        }
        if s.time_limit_hit || s.cluster.now().millis().saturating_sub(start_ms) > MAX_SPAN_MS {
            return Err(ReplayError::BudgetSpent { index });
        }
    }
    Ok(())
}
