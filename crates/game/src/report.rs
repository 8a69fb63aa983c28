//! The end screen: the player's cluster beside the same sequence replayed through the default
//! profile and through the bin-packing profile, each placing every pod itself until one fits
//! nowhere; pods placed, CPU and memory used, fragmentation and score for each.

use std::fmt::Write;

use kubeplay_scheduler::{builtin_profiles, Scheduler};

use crate::cluster::{Cluster, Usage};
use crate::sequence::{Sequence, SplitMix64, TYPICAL};
use crate::{GameOver, Run};

/// One of the three clusters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// `You`, `default-scheduler` or `bin-packing`.
    pub title: String,
    /// Pods bound (including those a failed node lost afterwards).
    pub placed: usize,
    /// Pods lost with a failed node.
    pub lost: usize,
    /// Summed over the nodes that have not failed.
    pub usage: Usage,
    /// See [`fragmentation_pct`].
    pub fragmentation_pct: u32,
    /// Points by the game's rules: every move judged by the default profile.
    pub score: u64,
    /// The pod that fit nowhere and the FitError.
    pub ended: GameOver,
    /// `(pod, node)` in order of placement.
    pub placements: Vec<(String, String)>,
}

/// The three columns, player first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndReport {
    pub seed: u64,
    pub columns: Vec<Column>,
}

/// Fragmentation: of the CPU left free on the nodes that still take pods
/// ([`Cluster::takes_pods`]), the share (in percent, rounded) on nodes whose free CPU or free
/// memory is too small for the game's middle shape, 1 CPU and 2Gi ([`TYPICAL`]): capacity that
/// is there but that a typical pod cannot use. 0 when nothing is free.
pub fn fragmentation_pct(cluster: &Cluster) -> u32 {
    let (mut free, mut stranded) = (0i64, 0i64);
    for i in (0..cluster.nodes.len()).filter(|i| cluster.takes_pods(*i)) {
        let u = cluster.usage(i);
        free += u.free_cpu_millis();
        if u.free_cpu_millis() < TYPICAL.cpu_millis()
            || u.free_memory_bytes() < TYPICAL.memory_bytes()
        {
            stranded += u.free_cpu_millis();
        }
    }
    if free == 0 {
        0
    } else {
        ((stranded * 100 + free / 2) / free) as u32
    }
}

fn column(title: &str, run: &Run, ended: &GameOver) -> Column {
    let c = &run.cluster;
    let mut usage = Usage::default();
    for i in (0..c.nodes.len()).filter(|i| !c.failed.get(*i).copied().unwrap_or(true)) {
        let u = c.usage(i);
        usage.cpu_requested_millis += u.cpu_requested_millis;
        usage.cpu_allocatable_millis += u.cpu_allocatable_millis;
        usage.memory_requested_bytes += u.memory_requested_bytes;
        usage.memory_allocatable_bytes += u.memory_allocatable_bytes;
    }
    Column {
        title: title.to_string(),
        placed: run.moves.len(),
        lost: c.lost,
        usage,
        fragmentation_pct: fragmentation_pct(c),
        score: run.score(),
        ended: ended.clone(),
        placements: run
            .moves
            .iter()
            .map(|m| (m.pod.clone(), m.node.clone()))
            .collect(),
    }
}

/// A scheduler from one of `kubeplay-scheduler`'s named profiles (`default`, `bin-packing`).
pub fn profile(id: &str) -> Scheduler {
    builtin_profiles()
        .into_iter()
        .find(|(name, ..)| *name == id)
        .and_then(|(_, _, _, cfg)| Scheduler::from_config(&cfg).ok())
        .unwrap_or_default()
}

/// Mixed into the seed for the replayed profile's own tie-breaks, apart from the judge's.
pub(crate) const CHOOSER_TIES: u64 = 0x0062_696e_7061_636b;

/// Replays the sequence of `seed` with `chooser` placing every pod (None: the default profile,
/// which also judges every move), until a pod fits nowhere.
pub(crate) fn replay(seed: u64, mut chooser: Option<Scheduler>) -> (Run, GameOver) {
    let mut sequence = Sequence::new(seed);
    let mut run = Run::new(seed);
    let mut ties = SplitMix64::new(seed ^ CHOOSER_TIES);
    let mut index = 0;
    loop {
        let Some(arrival) = sequence.get(index).cloned() else {
            let message = format!("the sequence ended after {index} pods");
            return (
                run,
                GameOver {
                    pod: String::new(),
                    message,
                },
            );
        };
        let judged = run.arrive(&arrival);
        let eval = match chooser.as_mut() {
            Some(s) => run.cluster.evaluate(s, &mut ties, &arrival.pod),
            None => judged.clone(),
        };
        let Some(node) = eval.chosen else {
            let message = eval.fit_error.clone().unwrap_or_default();
            return (
                run,
                GameOver {
                    pod: arrival.name().to_string(),
                    message,
                },
            );
        };
        run.place(&arrival, &judged, node, false, false);
        index += 1;
    }
}

pub(crate) fn end_report(seed: u64, player: &Run, over: &GameOver) -> EndReport {
    let (default, default_end) = replay(seed, None);
    let (packing, packing_end) = replay(seed, Some(profile("bin-packing")));
    EndReport {
        seed,
        columns: vec![
            column("You", player, over),
            column("default-scheduler", &default, &default_end),
            column("bin-packing", &packing, &packing_end),
        ],
    }
}

/// CPUs as the game writes them: `2`, `0.5`, `12.5` (its requests are whole half CPUs).
pub fn cpu(millis: i64) -> String {
    if millis % 1000 == 0 {
        format!("{}", millis / 1000)
    } else {
        format!("{}.{}", millis / 1000, (millis % 1000) / 100)
    }
}

/// Memory in whole gibibytes, the game's unit: `16Gi`.
pub fn gib(bytes: i64) -> String {
    format!("{}Gi", bytes >> 30)
}

impl Column {
    /// `CPU 12.5/26`.
    pub fn cpu_text(&self) -> String {
        format!(
            "{}/{}",
            cpu(self.usage.cpu_requested_millis),
            cpu(self.usage.cpu_allocatable_millis)
        )
    }
    /// `memory 20Gi/48Gi`.
    pub fn memory_text(&self) -> String {
        format!(
            "{}/{}",
            gib(self.usage.memory_requested_bytes),
            gib(self.usage.memory_allocatable_bytes)
        )
    }

    /// The column as text, placements included: what the determinism checks compare.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: placed {} lost {} cpu {} memory {} fragmentation {}% score {}",
            self.title,
            self.placed,
            self.lost,
            self.cpu_text(),
            self.memory_text(),
            self.fragmentation_pct,
            self.score
        );
        let placements: Vec<String> = self
            .placements
            .iter()
            .map(|(pod, node)| format!("{pod}→{}", node.trim_start_matches("node-")))
            .collect();
        for line in placements.chunks(8) {
            let _ = writeln!(out, "  {}", line.join(" "));
        }
        let _ = writeln!(out, "  ended: {} {}", self.ended.pod, self.ended.message);
        out
    }
}

impl EndReport {
    /// Every column as text.
    pub fn summary(&self) -> String {
        let mut out = format!("seed {}\n", self.seed);
        for c in &self.columns {
            out.push_str(&c.summary());
        }
        out
    }

    /// The two replays alone, which depend on the seed and not on the player: the browser
    /// suite compares them with the native run (`tests/fixtures/game/`).
    pub fn replay_summary(&self) -> String {
        let mut out = format!("seed {}\n", self.seed);
        for c in self.columns.iter().skip(1) {
            out.push_str(&c.summary());
        }
        out
    }
}
