//! `kubeplay check`: proves that a workshop works (each step's checks fail before its solution
//! and pass after it), and imports plain Killercoda scenarios, saying what the playground cannot
//! run.

use kubeplay_console::{Clock, Session, SessionConfig};
use kubeplay_engine::ClusterConfig;
use kubeplay_shell::ast;

use crate::eval::{enter_step, evaluate, solve, start};
use crate::{load, LoadError, Source, Step, Workshop};

/// The outcome of checking one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// 1-based.
    pub number: usize,
    pub title: String,
    /// `Ok(note)` when the step passed (the note may be empty), `Err(why)` naming the check or
    /// command at fault.
    pub outcome: Result<String, String>,
}

/// The outcome of checking a workshop: one line per step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub workshop: String,
    pub steps: Vec<StepReport>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.steps.iter().filter(|s| s.outcome.is_ok()).count()
    }

    pub fn failed(&self) -> usize {
        self.steps.len() - self.passed()
    }

    /// One line per step (`PASS  name step 3 "Send it traffic"`, or `FAIL  ... : why`).
    pub fn lines(&self) -> Vec<String> {
        self.steps
            .iter()
            .map(|s| {
                let head = format!("{} step {} {:?}", self.workshop, s.number, s.title);
                match &s.outcome {
                    Ok(note) if note.is_empty() => format!("PASS  {head}"),
                    Ok(note) => format!("PASS  {head} ({note})"),
                    Err(why) => format!("FAIL  {head}: {why}"),
                }
            })
            .collect()
    }

    /// The step lines, then `N passed, M failed`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for l in self.lines() {
            s.push_str(&l);
            s.push('\n');
        }
        s.push_str(&totals(self.passed(), self.failed()));
        s.push('\n');
        s
    }
}

/// The last line of `kubeplay check`.
pub fn totals(passed: usize, failed: usize) -> String {
    format!("{passed} passed, {failed} failed")
}

/// A session as a workshop starts it: its seed, its scenario, simulated time.
pub fn new_session(w: &Workshop) -> Result<Session, String> {
    let mut s = Session::new(SessionConfig {
        cluster: ClusterConfig {
            seed: w.start.seed,
            record_trace: false,
        },
        clock: Clock::Simulated,
    });
    s.load_named_scenario(&w.start.scenario)?;
    Ok(s)
}

/// Checks a workshop: starts it (scenario, setup), then for each step in order requires its
/// checks not to pass yet (a check that passes before the solution proves nothing), runs its
/// solution, and requires its checks to pass within 10 simulated minutes. A step without checks
/// only needs its solution, if any, to run. `name` prefixes each line.
pub fn check_workshop(w: &Workshop, name: &str) -> Report {
    let mut report = Report {
        workshop: name.to_string(),
        steps: Vec::new(),
    };
    let started = new_session(w).and_then(|mut s| start(&mut s, w).map(|()| s));
    let mut session = match started {
        Ok(s) => s,
        Err(e) => {
            for (i, step) in w.steps.iter().enumerate() {
                report.steps.push(StepReport {
                    number: i + 1,
                    title: step.title.clone(),
                    outcome: Err(format!("the workshop does not start: {e}")),
                });
            }
            return report;
        }
    };
    for (i, step) in w.steps.iter().enumerate() {
        report.steps.push(StepReport {
            number: i + 1,
            title: step.title.clone(),
            outcome: check_step(&mut session, step),
        });
    }
    report
}

fn check_step(session: &mut Session, step: &Step) -> Result<String, String> {
    enter_step(session, step).map_err(|e| format!("its background script: {e}"))?;
    if step.checks.is_empty() {
        if step.solution.is_empty() {
            return Ok("no checks, no solution".into());
        }
        solve(session, step).map_err(|e| e.to_string())?;
        return Ok("no checks".into());
    }
    let before = evaluate(session, step);
    if before.passed {
        let names: Vec<String> = before
            .checks
            .iter()
            .map(|c| format!("{:?}", c.name))
            .collect();
        let (noun, verb) = if names.len() == 1 {
            ("check", "passes")
        } else {
            ("checks", "pass")
        };
        return Err(format!(
            "{noun} {} already {verb} before the solution is run",
            names.join(", ")
        ));
    }
    solve(session, step).map_err(|e| e.to_string())?;
    Ok(String::new())
}

/// What the playground can run of an imported Killercoda step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedStep {
    pub number: usize,
    pub title: String,
    /// Each command the playground cannot do, with the script it is in: `` `apt-get` (verify)``,
    /// `` `kubectl exec` (solution)``, `` `curl` (text)`` for a button of the step's text.
    /// Empty when the step can run.
    pub unsupported: Vec<String>,
}

/// What [`import_killercoda`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub steps: Vec<ImportedStep>,
    /// The same for the intro's background script.
    pub setup_unsupported: Vec<String>,
}

impl ImportReport {
    /// One line per step: `runs` or `cannot run: ...`.
    pub fn lines(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !self.setup_unsupported.is_empty() {
            out.push(format!(
                "{name} intro: cannot run {}",
                self.setup_unsupported.join(", ")
            ));
        }
        for s in &self.steps {
            let head = format!("{name} step {} {:?}", s.number, s.title);
            if s.unsupported.is_empty() {
                out.push(format!("{head}: kubeplay can run it"));
            } else {
                out.push(format!("{head}: cannot run {}", s.unsupported.join(", ")));
            }
        }
        out
    }
}

/// Reads a Killercoda scenario as it is (each step's `verify.sh` its check; solutions from its
/// `<details>` Solution block or a `solution.sh`/`solution.md` beside its text) and says, per
/// step, whether the playground can run its scripts or which command it cannot do. Killercoda
/// backends (`kubernetes-kubeadm-2nodes`...) start on the `kubeadm` scenario.
pub fn import_killercoda(src: &dyn Source) -> Result<(Workshop, ImportReport), LoadError> {
    let w = load(src)?;
    let mut scratch = Session::new(SessionConfig::default());
    let mut setup_unsupported = Vec::new();
    if let Some(bg) = &w.start.background {
        for cmd in unsupported_commands(&mut scratch, bg) {
            setup_unsupported.push(format!("{cmd} (background)"));
        }
    }
    let steps = w
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut unsupported = Vec::new();
            let buttons = step.text.exec_commands();
            let scripts = step
                .verify
                .iter()
                .map(|v| ("verify", v.as_str()))
                .chain(step.background.iter().map(|b| ("background", b.as_str())))
                .chain(step.solution.iter().map(|c| ("solution", c.as_str())))
                .chain(buttons.iter().map(|c| ("text", c.as_str())));
            for (what, script) in scripts {
                for cmd in unsupported_commands(&mut scratch, script) {
                    let entry = format!("{cmd} ({what})");
                    if !unsupported.contains(&entry) {
                        unsupported.push(entry);
                    }
                }
            }
            ImportedStep {
                number: i + 1,
                title: step.title.clone(),
                unsupported,
            }
        })
        .collect();
    Ok((
        w,
        ImportReport {
            steps,
            setup_unsupported,
        },
    ))
}

/// The commands of `script` the console does not know (`apt-get`, `curl`, `kubectl exec`...),
/// or the shell syntax it cannot read. The script is parsed as a POSIX shell script
/// (kubeplay-shell) and every command word, in `$(...)` and `if` too, is tried alone on a
/// scratch session: the console itself says which names it knows, so this never drifts from it.
fn unsupported_commands(scratch: &mut Session, script: &str) -> Vec<String> {
    let statements = match kubeplay_shell::parser::parse(script) {
        Ok(s) => s,
        Err(e) => return vec![format!("its shell syntax: {e}")],
    };
    let mut commands = Vec::new();
    for st in &statements {
        walk_list(&st.list, &mut commands);
    }
    let mut out = Vec::new();
    for argv in &commands {
        if let Err(cmd) = known_command(scratch, argv) {
            if !out.contains(&cmd) {
                out.push(cmd);
            }
        }
    }
    out
}

/// Collects the literal words of every simple command (a word with an expansion stays `None`).
fn walk_list(list: &ast::List, out: &mut Vec<Vec<String>>) {
    for ao in &list.0 {
        walk_pipeline(&ao.first, out);
        for (_, p) in &ao.rest {
            walk_pipeline(p, out);
        }
    }
}

fn walk_pipeline(p: &ast::Pipeline, out: &mut Vec<Vec<String>>) {
    for c in &p.commands {
        match c {
            ast::Command::Simple(s) => {
                for (_, w) in &s.assignments {
                    walk_word(w, out);
                }
                for w in &s.words {
                    walk_word(w, out);
                }
                // The literal words up to the first expansion: a command named by one
                // (`$CMD`) cannot be checked ahead.
                let argv: Vec<String> = s.words.iter().map_while(literal).collect();
                if !argv.is_empty() {
                    out.push(argv);
                }
            }
            ast::Command::Compound(c, _) => match c {
                ast::Compound::If {
                    branches,
                    otherwise,
                } => {
                    for (cond, body) in branches {
                        walk_list(cond, out);
                        walk_list(body, out);
                    }
                    if let Some(o) = otherwise {
                        walk_list(o, out);
                    }
                }
                ast::Compound::For { items, body, .. } => {
                    for w in items {
                        walk_word(w, out);
                    }
                    walk_list(body, out);
                }
                ast::Compound::While {
                    condition, body, ..
                } => {
                    walk_list(condition, out);
                    walk_list(body, out);
                }
                ast::Compound::Group(l) | ast::Compound::Subshell(l) => walk_list(l, out),
                ast::Compound::Test(words) => {
                    for w in words {
                        walk_word(w, out);
                    }
                }
            },
        }
    }
}

/// The commands inside a word's `$(...)`.
fn walk_word(w: &ast::Word, out: &mut Vec<Vec<String>>) {
    fn parts(ps: &[ast::Part], out: &mut Vec<Vec<String>>) {
        for p in ps {
            match p {
                ast::Part::Subst(statements) => {
                    for st in statements {
                        walk_list(&st.list, out);
                    }
                }
                ast::Part::Double(inner) => parts(inner, out),
                _ => {}
            }
        }
    }
    parts(&w.0, out);
}

/// A word's text when it has no expansion.
fn literal(w: &ast::Word) -> Option<String> {
    fn parts(ps: &[ast::Part], s: &mut String) -> bool {
        ps.iter().all(|p| match p {
            ast::Part::Lit(t) | ast::Part::Quoted(t) => {
                s.push_str(t);
                true
            }
            ast::Part::Double(inner) => parts(inner, s),
            _ => false,
        })
    }
    let mut s = String::new();
    parts(&w.0, &mut s).then_some(s)
}

/// Whether the console can run `argv`'s command: a built-in it knows, or a kubectl verb it has
/// (`kubectl exec` and the like say they are not available in the playground).
fn known_command(scratch: &mut Session, argv: &[String]) -> Result<(), String> {
    let Some(word) = argv.first() else {
        return Ok(());
    };
    // A word with shell-special characters cannot name a command the console knows.
    let plain = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.[".contains(c))
    };
    if !plain(word) {
        return Err(format!("`{word}`"));
    }
    if matches!(word.as_str(), "kubectl" | "k") {
        let Some(verb) = kubectl_verb(&argv[1..]) else {
            return Ok(());
        };
        if !plain(verb) {
            return Ok(());
        }
        // Tried alone on the throw-away session: at worst it prints a usage error.
        let out = run_merged(scratch, &format!("kubectl {verb}"));
        if out.contains("is not available in the playground") {
            return Err(format!("`kubectl {verb}`"));
        }
        return Ok(());
    }
    // Commands of real machines (`curl`, `apt-get`, `helm`) say why the console cannot run them.
    if kubeplay_console::builtins::unavailable(word).is_some() {
        return Err(format!("`{word}`"));
    }
    let out = run_merged(scratch, word);
    if out.contains("command not found") {
        return Err(format!("`{word}`"));
    }
    Ok(())
}

/// Runs a command on the scratch session; what it printed on both streams.
fn run_merged(scratch: &mut Session, line: &str) -> String {
    let mut s = String::new();
    for o in scratch.run(line) {
        s.push_str(&o.stdout);
        s.push_str(&o.stderr);
    }
    if scratch.busy() {
        scratch.interrupt();
    }
    s
}

/// kubectl's verb: the first word that is neither a global flag nor a global flag's value
/// (`kubectl -n lab get pods` is `get`).
fn kubectl_verb(args: &[String]) -> Option<&str> {
    const TAKES_VALUE: &[&str] = &[
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "--cluster",
        "--user",
        "-s",
        "--server",
        "--request-timeout",
    ];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if !a.starts_with('-') {
            return Some(a);
        }
        i += if TAKES_VALUE.contains(&a.as_str()) {
            2
        } else {
            1
        };
    }
    None
}
