//! "Be the scheduler": a Tetris-like game in which the player places a seeded sequence of pods on
//! a small cluster, and the real kube-scheduler plugins judge every drop.
//!
//! # Rules
//!
//! Pods arrive one at a time over the wells (nodes). The player moves the piece between wells
//! and drops it. A well whose node a filter plugin rejects refuses the drop, with the plugin and
//! its reason as kube-scheduler words them ([`Verdict`]). An accepted drop binds the pod there
//! and scores it ([`MoveScore`]): the final score of the player's node under the default
//! profile, as a share of the final score of the node the default profile chooses (100% = as
//! good as kube-scheduler), plus a packing bonus of [`FILL_BONUS`] points when the drop fills
//! the well (takes its CPU or memory requests to 90% of allocatable). Levels add constraints,
//! drop deadlines and node events ([`sequence`]); the game ends when a pod fits nowhere. The end
//! report ([`report`]) replays the same sequence through the default and the bin-packing
//! profiles.
//!
//! # Design
//!
//! Pure and deterministic: no IO, no wall clock (the caller advances a tick count with
//! [`Game::tick`]), and all randomness from the seed ([`sequence::SplitMix64`]). Filtering and
//! scoring are `kubeplay-scheduler`'s: one [`Scheduler::schedule`] per arrival gives every
//! node's filter verdict, the final scores and the default profile's choice. The player's game
//! and the default replay break score ties from the same stream, so a player who always drops
//! where the default profile would have builds exactly the default replay's cluster.
//!
//! ```
//! let mut game = kubeplay_game::Game::new(7);
//! let best = game.evaluation().chosen.unwrap();
//! let score = game.drop(best).unwrap();
//! assert_eq!(score.share_pct, 100);
//! ```

pub mod cluster;
pub mod report;
pub mod sequence;

#[cfg(test)]
mod tests;

use kubeplay_api::Pod;
use kubeplay_scheduler::Scheduler;

pub use cluster::{Cluster, Evaluation, Usage, Verdict};
pub use report::{cpu, gib, Column, EndReport};
pub use sequence::{Arrival, Kind, NodeEvent, Shape, CELL_CPU_MILLIS, CELL_MEMORY_BYTES};
use sequence::{Sequence, SplitMix64};

/// Points for a drop that fills its well: after it, the node's CPU or memory requests reach 90%
/// of allocatable, and before it neither did. Tetris's cleared line: it pays to pack, which the
/// default profile (LeastAllocated, spreading) does not.
pub const FILL_BONUS: u32 = 25;

/// Mixed into the seed for the stream that breaks ties between equally scored nodes.
const TIES: u64 = 0x7469_6573;

/// The score of one drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoveScore {
    /// The arrival's position in the sequence.
    pub index: usize,
    pub pod: String,
    /// Where the pod went.
    pub node: String,
    /// Where the default profile would have put it.
    pub best_node: String,
    /// The node's final score as a share of the best node's, in percent.
    pub share_pct: u32,
    /// [`FILL_BONUS`] or 0.
    pub packing_bonus: u32,
    /// `share_pct + packing_bonus`; 0 when the deadline passed over a well that refuses it.
    pub points: u32,
    /// The deadline passed: the piece fell where it was or, where that well refuses it, the
    /// default profile placed it.
    pub fell: bool,
}

/// Why a drop did not happen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DropError {
    #[error("the game is over")]
    GameOver,
    #[error("there is no well {0}")]
    NoSuchNode(usize),
    /// A filter plugin rejects the node: its name and kube-scheduler's reason.
    #[error("{node}: {plugin}: {reason}")]
    Refused {
        node: String,
        plugin: String,
        reason: String,
    },
}

/// How the game ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameOver {
    /// The pod that fit nowhere (empty when the sequence ran out).
    pub pod: String,
    /// The FitError, as the FailedScheduling event words it.
    pub message: String,
}

/// A node event as it happened in the game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLog {
    /// The arrival it came before.
    pub index: usize,
    pub event: NodeEvent,
    /// What a player reads: `node-3 cordoned: spec.unschedulable is true`.
    pub message: String,
}

/// One run over the sequence: a cluster, the default profile that judges moves, and its
/// tie-breaking stream. Shared by the player's game and the replays so that both step alike.
#[derive(Debug)]
pub(crate) struct Run {
    pub cluster: Cluster,
    pub judge: Scheduler,
    pub ties: SplitMix64,
    pub moves: Vec<MoveScore>,
    pub events: Vec<EventLog>,
}

impl Run {
    pub fn new(seed: u64) -> Run {
        Run {
            cluster: Cluster::default(),
            judge: Scheduler::default(),
            ties: SplitMix64::new(seed ^ TIES),
            moves: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Applies the arrival's node events, then asks the default profile about its pod once.
    pub fn arrive(&mut self, arrival: &Arrival) -> Evaluation {
        for e in &arrival.events {
            let before = self.cluster.lost;
            self.cluster.apply(e);
            let message = describe_event(&self.cluster, e, self.cluster.lost - before);
            self.events.push(EventLog {
                index: arrival.index,
                event: e.clone(),
                message,
            });
        }
        self.cluster
            .evaluate(&mut self.judge, &mut self.ties, &arrival.pod)
    }

    /// Binds the pod on `node` (which `eval` says fits) and scores the move; `forfeit` scores
    /// it 0 (the deadline passed over a well that refuses it, and the default profile placed it).
    pub fn place(
        &mut self,
        arrival: &Arrival,
        eval: &Evaluation,
        node: usize,
        fell: bool,
        forfeit: bool,
    ) -> MoveScore {
        let share_pct = eval.share_pct(node).unwrap_or(0);
        let before = self.cluster.usage(node);
        self.cluster.bind(node, &arrival.pod);
        let after = self.cluster.usage(node);
        let packing_bonus = if after.filled() && !before.filled() {
            FILL_BONUS
        } else {
            0
        };
        let name = |i: Option<usize>| {
            i.and_then(|i| self.cluster.nodes.get(i))
                .map(|n| n.metadata.name.clone())
                .unwrap_or_default()
        };
        let m = MoveScore {
            index: arrival.index,
            pod: arrival.name().to_string(),
            node: name(Some(node)),
            best_node: name(eval.chosen),
            share_pct,
            packing_bonus,
            points: if forfeit {
                0
            } else {
                share_pct + packing_bonus
            },
            fell,
        };
        self.moves.push(m.clone());
        m
    }

    pub fn score(&self) -> u64 {
        self.moves.iter().map(|m| m.points as u64).sum()
    }
}

fn describe_event(cluster: &Cluster, e: &NodeEvent, lost: usize) -> String {
    let name = cluster
        .nodes
        .get(e.node())
        .map(|n| n.metadata.name.as_str())
        .unwrap_or("?");
    match e {
        NodeEvent::Cordon { .. } => format!("{name} cordoned: spec.unschedulable is true"),
        NodeEvent::Taint { .. } => {
            let (k, v, effect) = sequence::MAINTENANCE_TAINT;
            format!("{name} tainted {k}={v}:{effect}")
        }
        NodeEvent::Fail { .. } => format!(
            "{name} failed: NotReady, tainted node.kubernetes.io/unreachable; {lost} pod(s) lost"
        ),
    }
}

/// A piece resting in a well.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedPiece {
    pub pod: String,
    pub app: String,
    /// Cells of CPU (height) and memory (width), rounded up.
    pub rows: u32,
    pub columns: u32,
}

/// One well as the player sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Well {
    pub name: String,
    pub zone: String,
    /// Labels the game's pods select on (`disktype=ssd`, `dedicated=db`).
    pub labels: Vec<String>,
    /// `key=value:Effect` as kubectl prints them.
    pub taints: Vec<String>,
    pub cordoned: bool,
    pub failed: bool,
    pub usage: Usage,
    /// The well's size in cells: CPU rows by memory columns.
    pub rows: u32,
    pub columns: u32,
    pub pieces: Vec<PlacedPiece>,
    /// The filters' verdict on this node for the current piece (Fits once the game is over).
    pub verdict: Verdict,
}

fn cells(amount: i64, cell: i64) -> u32 {
    ((amount.max(0) + cell - 1) / cell).min(u32::MAX as i64) as u32
}

fn piece_of(pod: &Pod) -> PlacedPiece {
    let r = kubeplay_scheduler::resources::pod_requests(pod, false);
    PlacedPiece {
        pod: pod.metadata.name.clone(),
        app: pod.metadata.labels.get("app").cloned().unwrap_or_default(),
        rows: cells(r.milli_cpu, CELL_CPU_MILLIS).max(1),
        columns: cells(r.memory, CELL_MEMORY_BYTES).max(1),
    }
}

/// The hue (0–359) of an app's pieces: one per app of the game, apart on the colour wheel.
pub fn hue(app: &str) -> u32 {
    match app {
        "web" => 210,
        "api" => 150,
        "worker" => 35,
        "search" => 280,
        "db" => 0,
        "cache" => 185,
        "frontend" => 320,
        _ => 60,
    }
}

/// A game in progress (or over).
#[derive(Debug)]
pub struct Game {
    seed: u64,
    sequence: Sequence,
    run: Run,
    /// The current arrival's index.
    index: usize,
    evaluation: Evaluation,
    column: usize,
    /// Ticks since the current piece arrived.
    waited: u32,
    over: Option<GameOver>,
}

impl Game {
    /// A new game: the first piece over the first well.
    pub fn new(seed: u64) -> Game {
        let mut g = Game {
            seed,
            sequence: Sequence::new(seed),
            run: Run::new(seed),
            index: 0,
            evaluation: Evaluation {
                verdicts: vec![],
                scores: vec![],
                chosen: None,
                fit_error: None,
            },
            column: 0,
            waited: 0,
            over: None,
        };
        g.arrive();
        g
    }

    fn arrive(&mut self) {
        let Some(arrival) = self.sequence.get(self.index).cloned() else {
            self.over = Some(GameOver {
                pod: String::new(),
                message: format!("the sequence ended after {} pods", self.index),
            });
            return;
        };
        self.evaluation = self.run.arrive(&arrival);
        self.waited = 0;
        if self.evaluation.chosen.is_none() {
            self.over = Some(GameOver {
                pod: arrival.name().to_string(),
                message: self.evaluation.fit_error.clone().unwrap_or_default(),
            });
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The falling piece; None once the game is over.
    pub fn piece(&self) -> Option<&Arrival> {
        if self.over.is_some() {
            return None;
        }
        self.sequence.generated().get(self.index)
    }

    /// The level of the current (or last) arrival.
    pub fn level(&self) -> u32 {
        sequence::level_of(self.index)
    }

    /// The filters' verdicts and scores for the falling piece.
    pub fn evaluation(&self) -> &Evaluation {
        &self.evaluation
    }

    /// The well the piece is over.
    pub fn column(&self) -> usize {
        self.column
    }

    pub fn move_left(&mut self) {
        self.column = self.column.saturating_sub(1);
    }

    pub fn move_right(&mut self) {
        self.column = (self.column + 1).min(self.run.cluster.nodes.len().saturating_sub(1));
    }

    /// Moves the piece over well `node` (ignored when there is none).
    pub fn move_to(&mut self, node: usize) {
        if node < self.run.cluster.nodes.len() {
            self.column = node;
        }
    }

    /// Drops the piece on well `node`: refused when a filter rejects the node, else bound and
    /// scored, and the next piece arrives over the same well.
    pub fn drop(&mut self, node: usize) -> Result<MoveScore, DropError> {
        if self.over.is_some() {
            return Err(DropError::GameOver);
        }
        let name = self
            .run
            .cluster
            .nodes
            .get(node)
            .map(|n| n.metadata.name.clone())
            .ok_or(DropError::NoSuchNode(node))?;
        if let Some(Verdict::Rejected { plugin, reason }) = self.evaluation.verdicts.get(node) {
            return Err(DropError::Refused {
                node: name,
                plugin: plugin.clone(),
                reason: reason.clone(),
            });
        }
        self.place(node, false, false).ok_or(DropError::GameOver)
    }

    fn place(&mut self, node: usize, fell: bool, forfeit: bool) -> Option<MoveScore> {
        let arrival = self.sequence.generated().get(self.index)?.clone();
        let m = self
            .run
            .place(&arrival, &self.evaluation, node, fell, forfeit);
        self.index += 1;
        self.arrive();
        Some(m)
    }

    /// Advances the game's clock by `ticks` ([`sequence::TICKS_PER_SECOND`] a second). When the
    /// piece's deadline passes it falls: into the well it is over if that well takes it,
    /// scored as any drop; otherwise the default profile places it, for no points.
    pub fn tick(&mut self, ticks: u32) -> Option<MoveScore> {
        let deadline = self.piece()?.deadline?;
        self.waited = self.waited.saturating_add(ticks);
        if self.waited < deadline {
            return None;
        }
        if self
            .evaluation
            .verdicts
            .get(self.column)
            .is_some_and(|v| v.fits())
        {
            return self.place(self.column, true, false);
        }
        let chosen = self.evaluation.chosen?;
        self.place(chosen, true, true)
    }

    /// How far the piece has fallen towards its deadline, 0.0–1.0 (0 without a deadline).
    pub fn fall(&self) -> f64 {
        match self.piece().and_then(|p| p.deadline) {
            Some(d) if d > 0 => (self.waited as f64 / d as f64).min(1.0),
            _ => 0.0,
        }
    }

    /// Seconds left before the piece falls, rounded up (None without a deadline).
    pub fn seconds_left(&self) -> Option<u32> {
        let d = self.piece()?.deadline?;
        Some(
            d.saturating_sub(self.waited)
                .div_ceil(sequence::TICKS_PER_SECOND),
        )
    }

    pub fn over(&self) -> Option<&GameOver> {
        self.over.as_ref()
    }

    /// The running total of points.
    pub fn score(&self) -> u64 {
        self.run.score()
    }

    /// Every drop so far, oldest first.
    pub fn moves(&self) -> &[MoveScore] {
        &self.run.moves
    }

    /// Node events so far, oldest first.
    pub fn events(&self) -> &[EventLog] {
        &self.run.events
    }

    /// The wells as they stand, with the verdicts for the falling piece.
    pub fn wells(&self) -> Vec<Well> {
        let c = &self.run.cluster;
        c.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let usage = c.usage(i);
                let labels = ["disktype", "dedicated"]
                    .iter()
                    .filter_map(|k| n.metadata.labels.get(*k).map(|v| format!("{k}={v}")))
                    .collect();
                Well {
                    name: n.metadata.name.clone(),
                    zone: n
                        .metadata
                        .labels
                        .get("topology.kubernetes.io/zone")
                        .cloned()
                        .unwrap_or_default(),
                    labels,
                    taints: n.spec.taints.iter().map(|t| t.to_spec_string()).collect(),
                    cordoned: n.spec.unschedulable,
                    failed: c.failed.get(i).copied().unwrap_or(false),
                    usage,
                    rows: cells(usage.cpu_allocatable_millis, CELL_CPU_MILLIS),
                    columns: cells(usage.memory_allocatable_bytes, CELL_MEMORY_BYTES),
                    pieces: c
                        .pods
                        .get(i)
                        .map_or(vec![], |p| p.iter().map(piece_of).collect()),
                    verdict: if self.over.is_some() {
                        Verdict::Fits
                    } else {
                        self.evaluation
                            .verdicts
                            .get(i)
                            .cloned()
                            .unwrap_or(Verdict::Fits)
                    },
                }
            })
            .collect()
    }

    /// The end screen: this game beside the default and bin-packing profiles' replays of the
    /// same sequence. None while the game goes on.
    pub fn end_report(&self) -> Option<EndReport> {
        let over = self.over.as_ref()?;
        Some(report::end_report(self.seed, &self.run, over))
    }
}
