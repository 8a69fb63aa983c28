//! The console language of the playground, shared by the web console and the `kubeplay` CLI:
//! shell lines and scripts run by [`kubeplay_shell`] ([`shell`]: variables, `$(...)`, `if`, the
//! text tools, `jq`), `kubectl` with its real flags, output and errors ([`kubectl`]), and a few
//! playground built-ins (`sleep`, `traffic`, `node`, `help`); commands the playground cannot
//! run (`curl`, `ssh`, `docker`) and host files say so ([`builtins`]).
//!
//! A [`Session`] also answers read-only probes of the cluster ([`Session::check`], for workshop
//! verify scripts) and keeps a log of what ran ([`Session::log`]) that rebuilds the same cluster
//! in a fresh session ([`Session::replay`], for saved progress and share links).
//!
//! Architecture invariant: no IO and no wall clock here (the crate builds for wasm32). Files are
//! read and written through [`Files`], which the web app backs with its editor buffers and the
//! CLI with the real file system; time is the cluster's simulated clock.
//!
//! ```
//! use kubeplay_console::{Session, SessionConfig};
//! let mut s = Session::new(SessionConfig::default());
//! let out = s.run("kubectl create namespace web");
//! assert_eq!(out[0].stdout, "namespace/web created\n");
//! assert_eq!(out[0].status, 0);
//! ```

pub mod builtins;
pub mod doc;
pub mod duration;
pub mod files;
pub mod flags;
mod jobs;
pub mod jsonpath;
pub mod kubectl;
pub mod replay;
pub mod scenarios;
pub mod share;
pub mod shell;
pub mod tabwriter;
pub mod timeline;
pub mod yaml;

use std::collections::VecDeque;

use kubeplay_engine::{Cluster, ClusterConfig};

pub use files::{FileError, Files, MemFiles};
pub use jobs::Job;
pub use replay::{LogKind, LoggedCommand, ReplayError};

/// What one command (or pipeline) printed, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Identifies the command: a command that keeps running (`rollout status` and `get -w` in
    /// the web console) sends more chunks with the same id from [`Session::poll`].
    pub id: u64,
    /// The command line as typed (here-document bodies left out).
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    /// The exit status: 0 on success, 1 for kubectl errors, 2 for shell syntax errors, 127 for
    /// unknown commands (as bash). Meaningful once `finished`.
    pub status: i32,
    /// False while the command is still running (more chunks will come from [`Session::poll`]).
    pub finished: bool,
}

/// The trace of `script` run on the default scenario with `seed` and the simulated clock, as the
/// CLI writes it with `--trace` (JSON Lines). The same in every build: the native tests and the
/// browser suite compare it with the same committed file (`tests/fixtures/trace/`).
pub fn trace_of(seed: u64, script: &str) -> String {
    let mut s = Session::new(SessionConfig {
        cluster: ClusterConfig {
            seed,
            record_trace: true,
        },
        clock: Clock::Simulated,
    });
    let _ = s.load_named_scenario("default");
    let _ = s.run(script);
    s.cluster().trace_jsonl().unwrap_or_default()
}

/// Who moves simulated time while a command waits (`rollout status`, `wait`, `get -w`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    /// The command advances the cluster's clock itself until it is done or times out (the CLI,
    /// tests): a script reads as if it had waited.
    #[default]
    Simulated,
    /// The host advances time (the web app's time controls) and calls [`Session::poll`]; a
    /// waiting command holds the console and streams its lines as time runs. `sleep` still
    /// moves the clock at once, and `delete` and `drain` do not wait for pods to be gone.
    ///
    /// ```
    /// use kubeplay_console::{Clock, Session, SessionConfig};
    /// let mut s = Session::new(SessionConfig { clock: Clock::External, ..Default::default() });
    /// s.load_named_scenario("default").unwrap();
    /// let mut out = s.run("kubectl create deployment web --image=nginx:1.25\nkubectl rollout status deploy/web");
    /// while s.busy() {
    ///     s.cluster_mut().advance(500); // the web app's animation frame or time control
    ///     out.extend(s.poll());         // new lines of `rollout status`, then queued commands
    /// }
    /// assert!(out.last().unwrap().stdout.ends_with("successfully rolled out\n"));
    /// ```
    External,
}

/// How a session starts.
#[derive(Clone, Debug, Default)]
pub struct SessionConfig {
    pub cluster: ClusterConfig,
    pub clock: Clock,
}

/// A console session: the cluster, the files it can read and write, and any command that is
/// still running.
pub struct Session {
    cluster: Cluster,
    files: Box<dyn Files>,
    clock: Clock,
    next_id: u64,
    /// The command holding the console (External clock only), with the statements queued after it.
    running: Option<jobs::Running>,
    /// Every top-level statement as it started, for [`Session::replay`].
    log: Vec<LoggedCommand>,
    /// Off while [`Session::replay`] runs a log (it copies the entries instead).
    logging: bool,
    /// Set while [`Session::check`] runs: the files as the check sees them (its writes are
    /// discarded), and the sign that commands may only look at the cluster.
    probe: Option<files::Overlay>,
    /// The shell's variables and options, which last for the session.
    shell: kubeplay_shell::Shell,
    /// Numbers the inputs given to [`Session::run`].
    next_input: u64,
    /// While [`Session::replay`] runs: simulated time may not pass this point (commands that
    /// would move it further stop there, and `time_limit_hit` records that they did).
    time_limit: Option<kubeplay_api::Time>,
    time_limit_hit: bool,
    /// The one kubeconfig context's namespace (`kubectl config set-context --namespace`).
    pub(crate) context_namespace: String,
}

/// One top-level statement: its full text (here-document bodies included) and its pipelines.
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    pub text: String,
    pub pipelines: Vec<shell::Pipeline>,
    /// Which [`Session::run`] input it came from: `exit` ends the rest of that input.
    pub input: u64,
}

/// A statement part-way through: its pipelines from `next` on run after a command that held the
/// console ended with `status`.
pub(crate) struct Resume {
    pub statement: Statement,
    pub next: usize,
    pub status: i32,
}

/// Splits a script into statements, as a shell reads it: a syntax error stops the script there
/// (the statements before it still run); it comes back with the statement's text.
pub(crate) fn parse_statements(
    input: &str,
    input_id: u64,
) -> (Vec<Statement>, Option<(String, shell::SyntaxError)>) {
    let (statements, error) = kubeplay_shell::statements(input);
    let out = statements
        .iter()
        .map(|st| Statement {
            text: st.text.clone(),
            pipelines: shell::pipelines(st),
            input: input_id,
        })
        .collect();
    (
        out,
        error.map(|(text, e)| (text, shell::SyntaxError(e.message))),
    )
}

/// The console as the shell sees it: kubectl and the playground's commands, and the files.
struct ConsoleHost<'s> {
    session: &'s mut Session,
    /// A waiting command that holds the console.
    job: Option<Job>,
}

impl kubeplay_shell::Host for ConsoleHost<'_> {
    fn run(
        &mut self,
        argv: &[String],
        io: &mut kubeplay_shell::Io,
        top_level: bool,
    ) -> Option<i32> {
        let name = argv.first()?;
        if let Some(why) = builtins::unavailable(name) {
            io.err.push_str(&format!("{name}: {why}\n"));
            return Some(127);
        }
        if !builtins::is_command(name) {
            return None;
        }
        let s = &mut *self.session;
        let probe = s.probe.is_some();
        // In a check, every command that waits looks once (it comes back as a job) and gives
        // up at once; elsewhere only the last command of a top-level pipeline may hold.
        let allow_job = probe || (top_level && s.clock == Clock::External);
        let mut cio = Io {
            stdin: io.stdin.take(),
            out: String::new(),
            err: String::new(),
            context_namespace: s.context_namespace.clone(),
        };
        let (mut code, job) = s.run_command(argv, &mut cio, allow_job);
        match job {
            Some(mut j) if probe => code = j.timed_out(&mut cio),
            Some(j) => self.job = Some(j),
            None => {}
        }
        io.stdin = cio.stdin;
        io.out.push_str(&cio.out);
        io.err.push_str(&cio.err);
        Some(code)
    }

    fn read_file(&self, path: &str) -> Result<String, String> {
        if let Some(why) = builtins::host_path(path) {
            return Err(why.to_string());
        }
        self.session
            .files()
            .read(path)
            .map_err(|e| builtins::capitalize(&e.reason()))
    }

    fn write_file(&mut self, path: &str, contents: &str, append: bool) -> Result<(), String> {
        if let Some(why) = builtins::host_path(path) {
            return Err(why.to_string());
        }
        let files = self.session.files_mut();
        let r = if append {
            files.append(path, contents)
        } else {
            files.write(path, contents)
        };
        r.map_err(|e| builtins::capitalize(&e.reason()))
    }
}

impl Session {
    /// A session on an empty cluster (no nodes), with in-memory files.
    pub fn new(config: SessionConfig) -> Session {
        Session::with_files(config, Box::new(MemFiles::default()))
    }

    /// A session whose files are provided by the host (the CLI maps the real file system).
    pub fn with_files(config: SessionConfig, files: Box<dyn Files>) -> Session {
        Session {
            cluster: Cluster::new(config.cluster),
            files,
            clock: config.clock,
            next_id: 0,
            running: None,
            log: Vec::new(),
            logging: true,
            probe: None,
            shell: kubeplay_shell::Shell::default(),
            next_input: 0,
            time_limit: None,
            time_limit_hit: false,
            context_namespace: "default".into(),
        }
    }

    /// Creates the objects of a scenario (multi-document YAML of Kubernetes objects, Node objects
    /// included), as `kubectl apply` would, and lets the cluster settle for a moment so that
    /// nodes are Ready. Errors name the document that failed.
    pub fn load_scenario(&mut self, yaml: &str) -> Result<(), String> {
        self.load_documents(kubeplay_api::parse_documents(yaml)?)
    }

    /// `load_scenario` of documents already parsed.
    pub fn load_documents(&mut self, docs: Vec<serde_json::Value>) -> Result<(), String> {
        for (i, v) in docs.into_iter().enumerate() {
            let obj = kubeplay_api::Object::from_value(v)
                .map_err(|e| format!("document {}: {e}", i + 1))?;
            self.cluster
                .apply(obj)
                .map_err(|e| format!("document {}: {e}", i + 1))?;
        }
        self.cluster.advance(1_000);
        Ok(())
    }

    /// Loads a scenario by name (see [`scenarios`]) or, failing that, as YAML text.
    pub fn load_named_scenario(&mut self, name: &str) -> Result<(), String> {
        match scenarios::documents(name) {
            Some(docs) => self.load_documents(docs?),
            None => Err(format!(
                "unknown scenario {name:?} (known: {})",
                scenarios::names().join(", ")
            )),
        }
    }

    /// Restarts the scheduler with a `KubeSchedulerConfiguration` (YAML or JSON).
    pub fn configure_scheduler(&mut self, yaml: &str) -> Result<(), String> {
        let docs = kubeplay_api::parse_documents(yaml)?;
        let Some(cfg) = docs.into_iter().next() else {
            return Err("the scheduler configuration is empty".into());
        };
        self.cluster
            .set_scheduler_config(&cfg)
            .map_err(|e| e.to_string())
    }

    /// The cluster, for the board and the inspector.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The cluster, for the host's time controls (`advance`) and direct manipulation.
    pub fn cluster_mut(&mut self) -> &mut Cluster {
        &mut self.cluster
    }

    /// The files commands read (`apply -f`) and write (`> file`).
    pub fn files(&self) -> &dyn Files {
        match &self.probe {
            Some(overlay) => overlay,
            None => self.files.as_ref(),
        }
    }

    pub fn files_mut(&mut self) -> &mut dyn Files {
        match &mut self.probe {
            Some(overlay) => overlay,
            None => self.files.as_mut(),
        }
    }

    /// Who moves simulated time while a command waits.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Switches who moves simulated time, for the commands run from now on (the web app uses
    /// [`Clock::Simulated`] briefly to jump a workshop to a step). A command already holding the
    /// console keeps waiting for [`Session::poll`].
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Every top-level statement run so far, as it started (queued ones when they actually
    /// started), and every Ctrl-C: what [`Session::replay`] needs to rebuild this session.
    pub fn log(&self) -> &[LoggedCommand] {
        &self.log
    }

    /// Runs `script` as a read-only probe of the cluster as it is now (a workshop's `verify.sh`,
    /// evaluated many times a second): no simulated time passes, nothing is created, changed or
    /// deleted, nothing is logged, and files written with `>` are discarded afterwards. Commands
    /// that would change the cluster (`kubectl scale`, `sleep`, `traffic`...) fail with
    /// `error: a check cannot change the cluster (...)`; commands that wait (`rollout status`,
    /// `wait`, `get -w`) look once: done if the condition already holds, else kubectl's timeout
    /// error. A command holding the console is left as it was. Returns everything the script
    /// printed, with its exit status (the last command's).
    ///
    /// ```
    /// use kubeplay_console::{Session, SessionConfig};
    /// let mut s = Session::new(SessionConfig::default());
    /// s.load_named_scenario("default").unwrap();
    /// assert_eq!(s.check("kubectl get ns default -o name").stdout, "namespace/default\n");
    /// let out = s.check("kubectl create ns web");
    /// assert_eq!(out.stderr, "error: a check cannot change the cluster (kubectl create)\n");
    /// assert_eq!(out.status, 1);
    /// ```
    pub fn check(&mut self, script: &str) -> Output {
        let before = self.fingerprint();
        let held = self.running.take();
        let next_id = self.next_id;
        let shell = self.shell.clone();
        let base = std::mem::replace(&mut self.files, Box::new(MemFiles::default()));
        self.probe = Some(files::Overlay::new(base));
        let out = self.run_check(script);
        if let Some(overlay) = self.probe.take() {
            self.files = overlay.into_base();
        }
        self.next_id = next_id;
        self.running = held;
        self.shell = shell;
        // Read-only is enforced where commands dispatch (`run_command`); this catches a verb
        // wrongly classified as read-only in tests.
        debug_assert_eq!(before, self.fingerprint(), "a check changed the cluster");
        out
    }

    fn run_check(&mut self, script: &str) -> Output {
        let (statements, error) = parse_statements(script, 0);
        let mut stdout = String::new();
        let mut stderr = String::new();
        let mut status = 0;
        let mut stopped = false;
        'statements: for st in &statements {
            for p in &st.pipelines {
                if skipped(p.connector, status) {
                    continue;
                }
                let (out, _, stop) = self.run_pipeline(p);
                stdout.push_str(&out.stdout);
                stderr.push_str(&out.stderr);
                status = out.status;
                if stop {
                    stopped = true;
                    break 'statements;
                }
            }
        }
        if let (Some((_, e)), false) = (error, stopped) {
            stderr.push_str(&e.0);
            stderr.push('\n');
            status = 2;
        }
        Output {
            id: 0,
            command: script.trim().to_string(),
            stdout,
            stderr,
            status,
            finished: true,
        }
    }

    /// What a check must leave as it was (see [`Session::check`]).
    fn fingerprint(&self) -> (i64, u64, usize, usize, usize) {
        (
            self.cluster.now().millis(),
            self.cluster.resource_version(),
            self.cluster.store_len(),
            self.cluster.activity().len(),
            self.cluster.trace().map_or(0, |t| t.len()),
        )
    }

    /// Rebuilds a session from a [`Session::log`]: on a fresh session with the same seed and
    /// starting scenario, the cluster ends exactly as it was. For each entry: the cluster runs
    /// until the entry's time, a command still holding the console is stopped (it only looked;
    /// the statements queued after it are entries of their own), then the statement runs. The
    /// log is checked first (at most 10,000 entries, lines of at most 256 KiB, times in order,
    /// at most 7 simulated days): a corrupt or hostile log is refused before anything runs.
    /// The entries are appended to this session's log as they were.
    pub fn replay(&mut self, log: &[LoggedCommand]) -> Result<(), ReplayError> {
        replay::replay(self, log, None)
    }

    /// [`Session::replay`], then the clock run on to `until` within the same budgets (at most 7
    /// simulated days from the start, and [`replay::MAX_WORK`] of the engine's work in all).
    pub fn replay_until(
        &mut self,
        log: &[LoggedCommand],
        until: kubeplay_api::Time,
    ) -> Result<(), ReplayError> {
        replay::replay(self, log, Some(until))
    }

    /// Runs a line or a whole script. Returns one [`Output`] per pipeline run. Never panics.
    ///
    /// With [`Clock::External`], a command that waits (`rollout status`, `wait`, `get -w`)
    /// returns its first lines with `finished: false` and holds the console: the rest of the
    /// script is queued and runs from [`Session::poll`] once it is done. Input given while the
    /// console is held is queued after it.
    pub fn run(&mut self, input: &str) -> Vec<Output> {
        self.next_input += 1;
        let (statements, error) = parse_statements(input, self.next_input);
        let mut outputs = if let Some(r) = &mut self.running {
            r.queue.extend(statements);
            Vec::new()
        } else {
            self.run_statements(statements.into(), None)
        };
        if let Some((command, e)) = error {
            let id = self.new_id();
            outputs.push(Output {
                id,
                command,
                stdout: String::new(),
                stderr: format!("{}\n", e.0),
                status: 2,
                finished: true,
            });
        }
        outputs
    }

    /// Lets the command holding the console (if any) look at the cluster after the host advanced
    /// time: returns its new lines, and the outputs of queued commands once it is done.
    pub fn poll(&mut self) -> Vec<Output> {
        jobs::poll(self)
    }

    /// Ctrl-C: stops the command holding the console and drops the queued commands. Logged
    /// (see [`LogKind::Interrupt`]) when it stopped something.
    pub fn interrupt(&mut self) -> Vec<Output> {
        jobs::interrupt(self)
    }

    /// Whether a command holds the console (External clock only).
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Every object as multi-document YAML that a real cluster accepts: status and server-set
    /// fields removed, objects owned by controllers left out (`kubeplay export`).
    pub fn export(&self) -> String {
        kubectl::export::export(&self.cluster)
    }

    pub(crate) fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// How far a command may move simulated time from now (`sleep`): the rest of the replay's
    /// budget, if one runs. Records that the budget stopped it.
    pub(crate) fn clamp_time(&mut self, millis: i64) -> i64 {
        match self.time_limit {
            Some(limit) => {
                let left = limit
                    .millis()
                    .saturating_sub(self.cluster.now().millis())
                    .max(0);
                if millis > left {
                    self.time_limit_hit = true;
                }
                millis.min(left)
            }
            None => millis,
        }
    }

    /// Appends an entry to the log, stamped with the cluster's time.
    pub(crate) fn record(&mut self, kind: LogKind, line: &str) {
        if self.logging && self.probe.is_none() {
            self.log.push(LoggedCommand {
                at_ms: self.cluster.now().millis(),
                line: line.to_string(),
                kind,
                clock: self.clock,
            });
        }
    }

    /// Runs statements in order (first the rest of `resume`, if given), logging each as it
    /// starts. A command that holds the console (External clock) stops there: it keeps the rest
    /// of its statement and the queue in [`jobs::Running`].
    pub(crate) fn run_statements(
        &mut self,
        mut queue: VecDeque<Statement>,
        mut resume: Option<Resume>,
    ) -> Vec<Output> {
        let mut outputs = Vec::new();
        loop {
            let Resume {
                statement,
                next,
                status: mut last_status,
            } = match resume.take() {
                Some(r) => r,
                None => match queue.pop_front() {
                    Some(st) => {
                        self.record(LogKind::Statement, &st.text);
                        Resume {
                            statement: st,
                            next: 0,
                            status: 0,
                        }
                    }
                    None => return outputs,
                },
            };
            for i in next..statement.pipelines.len() {
                let Some(p) = statement.pipelines.get(i) else {
                    break;
                };
                if skipped(p.connector, last_status) {
                    continue;
                }
                let id = self.new_id();
                let (out, job, stop) = self.run_pipeline(p);
                last_status = out.status;
                if stop {
                    // `exit` (or `set -e`) ends the rest of the input it came from.
                    outputs.push(Output {
                        id,
                        command: p.text.clone(),
                        ..out
                    });
                    let input = statement.input;
                    queue.retain(|st| st.input != input);
                    break;
                }
                let out = Output {
                    id,
                    command: p.text.clone(),
                    ..out
                };
                match job {
                    None => outputs.push(out),
                    Some(job) => {
                        // Only with an External clock: the job holds the console.
                        outputs.push(Output {
                            finished: false,
                            ..out
                        });
                        self.running = Some(jobs::Running {
                            id,
                            command: p.text.clone(),
                            job,
                            statement,
                            next: i + 1,
                            queue,
                        });
                        return outputs;
                    }
                }
            }
        }
    }

    /// Runs a top-level pipeline in the session's shell. Returns its output, the job of a
    /// waiting command that holds the console (External clock), and whether the script stops
    /// here (`exit`, `set -e`, a budget).
    fn run_pipeline(&mut self, p: &shell::Pipeline) -> (Output, Option<Job>, bool) {
        let mut sh = std::mem::take(&mut self.shell);
        let mut host = ConsoleHost {
            session: self,
            job: None,
        };
        let out = sh.run_pipeline(&mut host, &p.ast, true);
        let job = host.job.take();
        let stop = out.exit || sh.stops_on_failure(&p.ast, out.status, p.ends_and_or);
        self.shell = sh;
        (
            Output {
                id: 0,
                command: String::new(),
                stdout: out.stdout,
                stderr: out.stderr,
                status: out.status,
                finished: true,
            },
            job,
            stop,
        )
    }

    /// Runs one command. Returns its exit status and, with an External clock, the job that keeps
    /// it running.
    pub(crate) fn run_command(
        &mut self,
        argv: &[String],
        io: &mut Io,
        allow_job: bool,
    ) -> (i32, Option<Job>) {
        let Some(name) = argv.first() else {
            return (0, None);
        };
        let args = &argv[1..];
        if self.probe.is_some() {
            if let Some(what) = changes_the_cluster(name, args) {
                return (
                    io.error(format!("a check cannot change the cluster ({what})")),
                    None,
                );
            }
        }
        if let Some(limit) = self.time_limit {
            // A command at the limit itself still runs (a replay to an instant where a command
            // started); it only cannot move time further.
            if self.cluster.now() > limit {
                self.time_limit_hit = true;
                return (
                    io.error("the replay's budget of simulated time is spent"),
                    None,
                );
            }
        }
        match name.as_str() {
            "kubectl" | "k" => kubectl::run(self, args, io, allow_job),
            _ => (builtins::run(self, name, args, io), None),
        }
    }
}

/// Whether a pipeline is skipped after one that ended with `last_status` (`&&`, `||`).
fn skipped(connector: shell::Connector, last_status: i32) -> bool {
    match connector {
        shell::Connector::Always => false,
        shell::Connector::IfOk => last_status != 0,
        shell::Connector::IfFailed => last_status == 0,
    }
}

/// kubectl commands that only read the cluster: the ones a check may run. `rollout` is read-only
/// for `status` and `history` only.
const KUBECTL_READ_ONLY: &[&str] = &[
    "get",
    "describe",
    "logs",
    // A simulated container's answers only read (its files are read-only).
    "exec",
    "top",
    "wait",
    "explain",
    // can-i and whoami post reviews, which the API server answers without storing anything.
    "auth",
    "api-resources",
    "api-versions",
    "cluster-info",
    // One context: `use-context kubeplay` changes nothing, the rest only print (set-context,
    // which changes its namespace, is refused in `changes_the_cluster`).
    "config",
    "version",
    "help",
];

/// What a command would change, named for the check's error (`kubectl scale`, `sleep`), or None
/// if a check may run it. Decided as the commands dispatch (`kubectl::split_command`, for the
/// verb and for rollout's subcommand), so that the guard and the dispatch agree.
fn changes_the_cluster(name: &str, args: &[String]) -> Option<String> {
    match name {
        "kubectl" | "k" => {
            let (verb, rest) = kubectl::split_command(args)?;
            if verb == "config" {
                // Only set-context changes anything (the context's namespace).
                return match kubectl::split_command(&rest).map(|(sub, _)| sub) {
                    Some("set-context") => Some("kubectl config set-context".into()),
                    _ => None,
                };
            }
            if verb == "rollout" {
                // The subcommand as `rollout::run` finds it.
                return match kubectl::split_command(&rest).map(|(sub, _)| sub) {
                    None | Some("status" | "history") => None,
                    Some(sub) => Some(format!("kubectl rollout {sub}")),
                };
            }
            if KUBECTL_READ_ONLY.contains(&verb) {
                return None;
            }
            // Verbs kubectl does not have, or the playground does not implement, only print
            // their error; every other verb (and any added later) is refused.
            if !kubectl::COMMANDS.contains(&verb) || kubectl::UNSUPPORTED.contains(&verb) {
                return None;
            }
            Some(format!("kubectl {verb}"))
        }
        // `traffic status` only reads the counters (a workshop's "no failed request" check).
        "traffic" if args.first().map(String::as_str) == Some("status") => None,
        _ => match builtins::read_only(name) {
            Some(false) => Some(name.to_string()),
            _ => None,
        },
    }
}

/// The standard streams of a running command.
#[derive(Debug, Default)]
pub struct Io {
    /// Standard input: the previous command's output in a pipeline, a here-document, or a file.
    pub stdin: Option<String>,
    pub out: String,
    pub err: String,
    /// The kubeconfig context's namespace (`kubectl config set-context --current
    /// --namespace=X`), where commands without `-n` act.
    pub context_namespace: String,
}

impl Io {
    /// Writes `error: <msg>` to stderr, as kubectl's `CheckErr` does, and returns exit status 1.
    pub fn error(&mut self, msg: impl std::fmt::Display) -> i32 {
        let msg = msg.to_string();
        self.err.push_str("error: ");
        self.err.push_str(&msg);
        if !msg.ends_with('\n') {
            self.err.push('\n');
        }
        1
    }

    /// Writes a line to stderr verbatim and returns exit status 1.
    pub fn fail(&mut self, msg: impl std::fmt::Display) -> i32 {
        let msg = msg.to_string();
        self.err.push_str(&msg);
        if !msg.ends_with('\n') {
            self.err.push('\n');
        }
        1
    }

    pub fn println(&mut self, line: impl std::fmt::Display) {
        self.out.push_str(&line.to_string());
        self.out.push('\n');
    }
}
