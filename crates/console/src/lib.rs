//! The console language of the playground, shared by the web console and the `kubeplay` CLI:
//! shell-like lines ([`shell`]), `kubectl` with its real flags, output and errors ([`kubectl`]),
//! and a few playground built-ins (`sleep`, `traffic`, `node`, `help`).
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
pub mod scenarios;
pub mod shell;
pub mod tabwriter;
pub mod yaml;

use kubeplay_engine::{Cluster, ClusterConfig};

pub use files::{FileError, Files, MemFiles};
pub use jobs::Job;

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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
    /// The command holding the console (External clock only), with the pipelines queued after it.
    running: Option<jobs::Running>,
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
        }
    }

    /// Creates the objects of a scenario (multi-document YAML of Kubernetes objects, Node objects
    /// included), as `kubectl apply` would, and lets the cluster settle for a moment so that
    /// nodes are Ready. Errors name the document that failed.
    pub fn load_scenario(&mut self, yaml: &str) -> Result<(), String> {
        let docs = kubeplay_api::parse_documents(yaml)?;
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
        match scenarios::get(name) {
            Some(yaml) => self.load_scenario(yaml),
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
        self.files.as_ref()
    }

    pub fn files_mut(&mut self) -> &mut dyn Files {
        self.files.as_mut()
    }

    /// Runs a line or a whole script. Returns one [`Output`] per pipeline run. Never panics.
    ///
    /// With [`Clock::External`], a command that waits (`rollout status`, `wait`, `get -w`)
    /// returns its first lines with `finished: false` and holds the console: the rest of the
    /// script is queued and runs from [`Session::poll`] once it is done. Input given while the
    /// console is held is queued after it.
    pub fn run(&mut self, input: &str) -> Vec<Output> {
        // Statement by statement, as a shell reads a script: a syntax error stops the script
        // there, after the statements before it have run.
        let mut pipelines = std::collections::VecDeque::new();
        let mut error = None;
        for stmt in shell::statements(input) {
            match shell::parse(&stmt) {
                Ok(p) => pipelines.extend(p),
                Err(e) => {
                    error = Some((stmt.trim().to_string(), e));
                    break;
                }
            }
        }
        let mut outputs = if let Some(r) = &mut self.running {
            r.queue.extend(pipelines);
            Vec::new()
        } else {
            self.run_pipelines(pipelines, 0)
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

    /// Ctrl-C: stops the command holding the console and drops the queued commands.
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

    pub(crate) fn run_pipelines(
        &mut self,
        mut queue: std::collections::VecDeque<shell::Pipeline>,
        mut last_status: i32,
    ) -> Vec<Output> {
        let mut outputs = Vec::new();
        while let Some(p) = queue.pop_front() {
            let skip = match p.connector {
                shell::Connector::Always => false,
                shell::Connector::IfOk => last_status != 0,
                shell::Connector::IfFailed => last_status == 0,
            };
            if skip {
                continue;
            }
            let id = self.new_id();
            let (out, job) = self.run_pipeline(&p);
            last_status = out.status;
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
                        queue,
                        stdout_to: None,
                    });
                    return outputs;
                }
            }
        }
        outputs
    }

    /// Runs the commands of a pipeline, each reading the previous one's standard output.
    fn run_pipeline(&mut self, p: &shell::Pipeline) -> (Output, Option<Job>) {
        let mut stdin: Option<String> = None;
        let mut stderr = String::new();
        let mut status = 0;
        let mut stdout = String::new();
        let n = p.commands.len();
        let mut job = None;
        for (i, cmd) in p.commands.iter().enumerate() {
            let input = match &cmd.stdin {
                Some(shell::Stdin::HereDoc(body)) => Some(body.clone()),
                Some(shell::Stdin::File(path)) => match self.files.read(path) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        stderr.push_str(&format!("{path}: {}\n", e.reason()));
                        status = 1;
                        stdin = Some(String::new());
                        continue;
                    }
                },
                None => stdin.take(),
            };
            let mut io = Io {
                stdin: input,
                out: String::new(),
                err: String::new(),
            };
            // Only the last command of a pipeline may hold the console.
            let allow_job = i + 1 == n && cmd.stdout.is_none() && self.clock == Clock::External;
            let (code, j) = self.run_command(&cmd.argv, &mut io, allow_job);
            if j.is_some() {
                job = j;
            }
            stderr.push_str(&io.err);
            status = code;
            let mut out = io.out;
            if let Some(r) = &cmd.stdout {
                let write = if r.append {
                    self.files.append(&r.path, &out)
                } else {
                    self.files.write(&r.path, &out)
                };
                if let Err(e) = write {
                    stderr.push_str(&format!("{}: {}\n", r.path, e.reason()));
                    status = 1;
                }
                out = String::new();
            }
            if i + 1 == n {
                stdout = out;
            } else {
                stdin = Some(out);
            }
        }
        (
            Output {
                id: 0,
                command: String::new(),
                stdout,
                stderr,
                status,
                finished: true,
            },
            job,
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
        match name.as_str() {
            "kubectl" | "k" => kubectl::run(self, args, io, allow_job),
            _ => (builtins::run(self, name, args, io), None),
        }
    }
}

/// The standard streams of a running command.
#[derive(Debug, Default)]
pub struct Io {
    /// Standard input: the previous command's output in a pipeline, a here-document, or a file.
    pub stdin: Option<String>,
    pub out: String,
    pub err: String,
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
