//! Commands that wait for the cluster (`rollout status`, `wait`, `get -w`): with a simulated
//! clock they advance time themselves until done; with an external clock they hold the console
//! and print as the host advances time ([`crate::Session::poll`]).

use std::collections::VecDeque;

use kubeplay_api::Time;
use kubeplay_engine::Cluster;

use crate::kubectl::{get::Watch, rollout::RolloutStatus, wait::WaitFor};
use crate::{Io, LogKind, Output, Resume, Session, Statement};

/// With no `--timeout`, a simulated wait gives up after this much simulated time, so that a
/// script can never hang (a real kubectl would wait forever).
pub const DEFAULT_CAP_MS: i64 = 3_600_000;

/// A command that waits for the cluster.
#[derive(Debug)]
pub enum Job {
    RolloutStatus(RolloutStatus),
    Wait(WaitFor),
    Watch(Watch),
}

impl Job {
    /// Looks at the cluster; prints what changed. `Some(status)` when done.
    pub(crate) fn step(&mut self, cluster: &Cluster, io: &mut Io) -> Option<i32> {
        match self {
            Job::RolloutStatus(j) => j.step(cluster, io),
            Job::Wait(j) => j.step(cluster, io),
            Job::Watch(j) => j.step(cluster, io),
        }
    }

    /// When the command gives up (`--timeout`, `--request-timeout`), if ever.
    pub(crate) fn deadline(&self) -> Option<Time> {
        match self {
            Job::RolloutStatus(j) => j.deadline,
            Job::Wait(j) => Some(j.deadline),
            Job::Watch(j) => j.deadline,
        }
    }

    /// Prints the timeout error; returns the exit status.
    pub(crate) fn timed_out(&mut self, io: &mut Io) -> i32 {
        match self {
            Job::RolloutStatus(_) => io.error("timed out waiting for the condition"),
            Job::Wait(j) => j.timed_out(io),
            // A watch that reaches its request timeout just ends.
            Job::Watch(_) => 0,
        }
    }
}

/// The command holding the console, with the rest of its statement and the statements queued
/// behind it.
pub(crate) struct Running {
    pub id: u64,
    pub command: String,
    pub job: Job,
    /// The statement the command is part of; its pipelines from `next` on run after it.
    pub statement: Statement,
    pub next: usize,
    pub queue: VecDeque<Statement>,
}

/// Runs a job to completion by advancing the simulated clock (the CLI and tests).
pub(crate) fn drive(cluster: &mut Cluster, mut job: Job, io: &mut Io) -> i32 {
    let cap = cluster.now().plus_millis(DEFAULT_CAP_MS);
    let mut guard = 0u32;
    loop {
        if let Some(code) = job.step(cluster, io) {
            return code;
        }
        let now = cluster.now();
        let deadline = job.deadline().unwrap_or(cap).min(cap);
        if now >= deadline || guard > 1_000_000 {
            return job.timed_out(io);
        }
        guard += 1;
        cluster.run_to_next_task(deadline);
    }
}

/// [`Session::poll`].
pub(crate) fn poll(s: &mut Session) -> Vec<Output> {
    let Some(mut r) = s.running.take() else {
        return Vec::new();
    };
    let mut io = Io::default();
    let done = match r.job.step(&s.cluster, &mut io) {
        Some(code) => Some(code),
        None => match r.job.deadline() {
            Some(d) if s.cluster.now() >= d => Some(r.job.timed_out(&mut io)),
            _ => None,
        },
    };
    let mut outs = Vec::new();
    match done {
        None => {
            if !io.out.is_empty() || !io.err.is_empty() {
                outs.push(Output {
                    id: r.id,
                    command: r.command.clone(),
                    stdout: io.out,
                    stderr: io.err,
                    status: 0,
                    finished: false,
                });
            }
            s.running = Some(r);
        }
        Some(code) => {
            outs.push(Output {
                id: r.id,
                command: r.command.clone(),
                stdout: io.out,
                stderr: io.err,
                status: code,
                finished: true,
            });
            // The rest of the statement resumes now: logged, as it depends on the moment the
            // host's poll saw the command end.
            if r.next < r.statement.pipelines.len() {
                s.record(
                    LogKind::Resume {
                        status: code,
                        next: r.next,
                    },
                    &r.statement.text,
                );
            }
            let resume = Resume {
                statement: r.statement,
                next: r.next,
                status: code,
            };
            outs.extend(s.run_statements(r.queue, Some(resume)));
        }
    }
    outs
}

/// [`Session::interrupt`].
pub(crate) fn interrupt(s: &mut Session) -> Vec<Output> {
    match s.running.take() {
        None => Vec::new(),
        Some(r) => {
            s.record(LogKind::Interrupt, crate::replay::INTERRUPT_LINE);
            vec![Output {
                id: r.id,
                command: r.command,
                stdout: String::new(),
                stderr: String::new(),
                status: 130,
                finished: true,
            }]
        }
    }
}
