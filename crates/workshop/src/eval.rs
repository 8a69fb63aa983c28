//! A workshop against a live console session: evaluating a step's checks, choosing its hints,
//! solving it, starting a workshop and jumping to a step.

use kubeplay_console::{Output, Session};

use serde::Serialize;

use crate::{Check, Expect, Hint, HintWhen, Step, Workshop};

/// The longest `detail` kept for a check (what it printed, or why it failed).
const MAX_DETAIL: usize = 200;
/// How long [`solve`] lets simulated time pass, at most, for the checks to pass.
const SOLVE_WAIT_MS: i64 = 10 * 60 * 1000;

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub passed: bool,
    /// What the check printed (passed) or why it failed, in one short line.
    pub detail: String,
}

/// The outcome of a step's checks, in the step's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepStatus {
    pub checks: Vec<CheckResult>,
    /// All checks passed (a step without checks passes).
    pub passed: bool,
}

impl StepStatus {
    /// The first failing check, if any.
    pub fn first_failure(&self) -> Option<&CheckResult> {
        self.checks.iter().find(|c| !c.passed)
    }
}

/// Why a step (or a jump to a step) could not be solved. Each names the step's check or command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    #[error("the step has no solution")]
    NoSolution,
    #[error("solution command `{command}` failed: {stderr}")]
    Command { command: String, stderr: String },
    #[error("check {check:?} still fails 10 minutes after the solution: {detail}")]
    NotSatisfied { check: String, detail: String },
    #[error("step {step} {title:?}: {error}")]
    Step {
        step: usize,
        title: String,
        error: Box<SolveError>,
    },
    #[error("there is no step {0}")]
    NoSuchStep(usize),
}

/// Runs a check as a read-only probe of the session.
fn probe(session: &mut Session, script: &str) -> Output {
    session.check(script)
}

/// Runs the step's checks against the session as it is now. Read-only and cheap: the page calls
/// it a few times a simulated second. Each check's output is compared whole; only a short
/// detail is kept.
pub fn evaluate(session: &mut Session, step: &Step) -> StepStatus {
    let checks: Vec<CheckResult> = step.checks.iter().map(|c| run_check(session, c)).collect();
    StepStatus {
        passed: checks.iter().all(|c| c.passed),
        checks,
    }
}

fn run_check(session: &mut Session, check: &Check) -> CheckResult {
    let out = probe(session, &check.run);
    let stdout = out.stdout.trim_end_matches('\n');
    let (passed, detail) = if out.status != 0 {
        let why = first_line(&out.stderr)
            .or_else(|| first_line(&out.stdout))
            .map(|l| format!("exit status {}: {l}", out.status))
            .unwrap_or_else(|| format!("exit status {}", out.status));
        (false, why)
    } else {
        match &check.expect {
            Expect::Success => (true, first_line(stdout).unwrap_or_default()),
            Expect::Output(want) => {
                if stdout == want.trim_end_matches('\n') {
                    (true, first_line(stdout).unwrap_or_default())
                } else {
                    (
                        false,
                        format!("printed {:?}, expected {:?}", clip(stdout), clip(want)),
                    )
                }
            }
            Expect::Contains(want) => {
                if out.stdout.contains(want.as_str()) {
                    (true, first_line(stdout).unwrap_or_default())
                } else {
                    (
                        false,
                        format!("printed {:?}, without {:?}", clip(stdout), clip(want)),
                    )
                }
            }
            Expect::Matches(re) => {
                if re.0.is_match(&out.stdout) {
                    (true, first_line(stdout).unwrap_or_default())
                } else {
                    (
                        false,
                        format!(
                            "printed {:?}, which does not match /{}/",
                            clip(stdout),
                            clip(re.0.as_str())
                        ),
                    )
                }
            }
        }
    };
    CheckResult {
        name: check.name.clone(),
        passed,
        detail: clip(&detail),
    }
}

fn first_line(s: &str) -> Option<String> {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| clip(l))
}

/// At most [`MAX_DETAIL`] bytes, cut at a character boundary, with `…` when cut.
fn clip(s: &str) -> String {
    if s.len() <= MAX_DETAIL {
        return s.to_string();
    }
    let mut end = MAX_DETAIL;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// The hints that apply now, in the step's order: `Always` ones, those whose check fails in
/// `status`, and those whose delay has passed since the step opened `elapsed_ms` ago. None once
/// the step has passed. The page reveals them one at a time.
pub fn hints<'a>(step: &'a Step, status: &StepStatus, elapsed_ms: i64) -> Vec<&'a Hint> {
    if status.passed {
        return Vec::new();
    }
    step.hints
        .iter()
        .filter(|h| match &h.when {
            HintWhen::Always => true,
            HintWhen::CheckFails(name) => {
                status.checks.iter().any(|c| &c.name == name && !c.passed)
            }
            HintWhen::After(ms) => elapsed_ms >= *ms,
        })
        .collect()
}

/// Runs the step's solution commands, then lets simulated time pass a second at a time until
/// its checks pass, at most 10 simulated minutes. The session's clock is
/// [`Clock::Simulated`](kubeplay_console::Clock::Simulated) meanwhile (commands that wait move
/// time themselves) and restored afterwards.
pub fn solve(session: &mut Session, step: &Step) -> Result<(), SolveError> {
    if step.solution.is_empty() {
        return Err(SolveError::NoSolution);
    }
    let clock = session.clock();
    session.set_clock(kubeplay_console::Clock::Simulated);
    let result = run_solution(session, step);
    session.set_clock(clock);
    result
}

fn run_solution(session: &mut Session, step: &Step) -> Result<(), SolveError> {
    for command in &step.solution {
        run_ok(session, command)
            .map_err(|(command, stderr)| SolveError::Command { command, stderr })?;
    }
    wait_for_checks(session, step)
}

/// Lets time pass until the step's checks pass, at most [`SOLVE_WAIT_MS`].
fn wait_for_checks(session: &mut Session, step: &Step) -> Result<(), SolveError> {
    let mut waited = 0;
    loop {
        let status = evaluate(session, step);
        match status.first_failure() {
            None => return Ok(()),
            Some(f) if waited >= SOLVE_WAIT_MS => {
                return Err(SolveError::NotSatisfied {
                    check: f.name.clone(),
                    detail: f.detail.clone(),
                })
            }
            Some(_) => {
                // Every simulated second for the first minute (what real steps take), then
                // less and less often: a solution that never satisfies its checks costs about
                // 70 evaluations, not 600 (the fuzzer found one that took 4 s instrumented).
                let step_ms = if waited < 60_000 {
                    1_000
                } else {
                    (waited / 4).min(60_000)
                };
                session.cluster_mut().advance(step_ms);
                waited += step_ms;
            }
        }
    }
}

/// Runs a script; the first failing statement's command and error, if any.
fn run_ok(session: &mut Session, script: &str) -> Result<(), (String, String)> {
    for out in session.run(script) {
        if out.status != 0 {
            let err = first_line(&out.stderr)
                .or_else(|| first_line(&out.stdout))
                .unwrap_or_else(|| format!("exit status {}", out.status));
            return Err((clip(&out.command), err));
        }
    }
    Ok(())
}

/// Starts a workshop on a session that the caller created with `w.start.seed` and loaded with
/// `w.start.scenario`: runs the `setup` commands, then the intro's background script (Killercoda
/// scenarios). The error names the command that failed.
pub fn start(session: &mut Session, w: &Workshop) -> Result<(), String> {
    let clock = session.clock();
    session.set_clock(kubeplay_console::Clock::Simulated);
    let mut result = Ok(());
    for command in w.start.setup.iter().chain(w.start.background.as_ref()) {
        if let Err((command, err)) = run_ok(session, command) {
            result = Err(format!("setup command `{command}` failed: {err}"));
            break;
        }
    }
    session.set_clock(clock);
    result
}

/// What a step runs when the reader opens it: its Killercoda `background` script.
pub fn enter_step(session: &mut Session, step: &Step) -> Result<(), SolveError> {
    let Some(bg) = &step.background else {
        return Ok(());
    };
    let clock = session.clock();
    session.set_clock(kubeplay_console::Clock::Simulated);
    let result = run_ok(session, bg);
    session.set_clock(clock);
    result.map_err(|(command, stderr)| SolveError::Command { command, stderr })
}

/// On a freshly [`start`]ed session, solves steps `0..n` in order (the page's "go to step N"),
/// entering each step first; step `n` is entered too, ready for the reader.
pub fn go_to_step(session: &mut Session, w: &Workshop, n: usize) -> Result<(), SolveError> {
    if n > w.steps.len() {
        return Err(SolveError::NoSuchStep(n));
    }
    let wrap = |i: usize, step: &Step, e: SolveError| SolveError::Step {
        step: i + 1,
        title: step.title.clone(),
        error: Box::new(e),
    };
    for (i, step) in w.steps.iter().enumerate().take(n) {
        enter_step(session, step).map_err(|e| wrap(i, step, e))?;
        solve(session, step).map_err(|e| wrap(i, step, e))?;
    }
    if let Some(step) = w.steps.get(n) {
        enter_step(session, step).map_err(|e| wrap(n, step, e))?;
    }
    Ok(())
}
