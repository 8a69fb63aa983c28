//! A small POSIX-style shell for scripts that glue commands together: the language of the
//! playground's console and of workshop verify scripts, with no knowledge of what the commands do.
//!
//! - [`parser`]: statements, pipelines, `&&`/`||`, `if`/`for`/`while`, quoting, `$X`, `${X:-d}`,
//!   `$(...)`, redirections, here-documents (a hand-written parser, see its first line for why).
//! - [`Shell`]: runs them, with variables that last between runs, `set -e`, `exit N`, `[ ]`,
//!   `[[ ]]`, `echo`, `printf`, and the text tools scripts pipe into (`grep`, `wc`, `head`,
//!   `tail`, `sort`, `uniq`, `cut`, `tr`, `jq`, `seq`, `base64`, `awk '{print $N}'`, `xargs`).
//! - [`Host`]: what the embedding program provides: the commands the shell does not know
//!   (kubectl and the playground's built-ins for the console) and the files.
//!
//! Architecture invariant: no IO, no clock, no threads (the crate builds for wasm32); everything
//! has a budget ([`Limits`]), so no script can hang or exhaust memory.
//!
//! ```
//! use kubeplay_shell::{Host, Io, Shell};
//! struct NoHost;
//! impl Host for NoHost {
//!     fn run(&mut self, _argv: &[String], _io: &mut Io, _top: bool) -> Option<i32> { None }
//!     fn read_file(&self, _path: &str) -> Result<String, String> { Err("No such file or directory".into()) }
//!     fn write_file(&mut self, _p: &str, _c: &str, _append: bool) -> Result<(), String> { Ok(()) }
//! }
//! let mut sh = Shell::default();
//! let out = sh.run_script(&mut NoHost, "N=3\nif [ $N -gt 2 ]; then echo big | tr a-z A-Z; fi");
//! assert_eq!(out.stdout, "BIG\n");
//! assert_eq!(out.status, 0);
//! ```

pub mod ast;
mod expand;
mod interp;
mod jq;
pub mod parser;
mod test_expr;
mod tools;

pub use ast::{Connector, Pipeline, Statement};
pub use parser::{is_incomplete, parse, statements, SyntaxError};

use std::collections::BTreeMap;

/// The standard streams of a command.
#[derive(Debug, Default)]
pub struct Io {
    /// Standard input: the previous command's output, a file, a here-document; None for none.
    pub stdin: Option<String>,
    pub out: String,
    pub err: String,
}

/// What the embedding program provides.
pub trait Host {
    /// Runs a command the shell does not have built in. `None` if there is no such command (the
    /// shell prints `NAME: command not found`, status 127). `top_level` is true for the last
    /// command of a pipeline run directly by [`Shell::run_pipeline`] with `top_level`, its output
    /// not redirected: a command there may keep running after it returns (the console's waiting
    /// commands); everywhere else (`$(...)`, `if`, loops) a command must finish.
    fn run(&mut self, argv: &[String], io: &mut Io, top_level: bool) -> Option<i32>;
    /// Reads a file; the error is the reason as `strerror` words it (`No such file or
    /// directory`).
    fn read_file(&self, path: &str) -> Result<String, String>;
    /// Writes (or appends to) a file.
    fn write_file(&mut self, path: &str, contents: &str, append: bool) -> Result<(), String>;
}

/// Budgets: exceeding one ends the script with a message and status [`BUDGET_STATUS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Commands (simple commands, built-ins and host commands) per [`Shell::run_pipeline`].
    pub commands: usize,
    /// Iterations of all loops per [`Shell::run_pipeline`].
    pub iterations: usize,
    /// Nesting of `$(...)`.
    pub substitution_depth: usize,
    /// Bytes of standard output or error a command may produce (and a variable may hold).
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            commands: 50_000,
            iterations: 10_000,
            substitution_depth: 16,
            output_bytes: 1 << 20,
        }
    }
}

/// The exit status of a script stopped by a budget.
pub const BUDGET_STATUS: i32 = 125;

/// What running a pipeline (or a script) printed, and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
    /// `exit` ran, or `set -e` stopped the script, or a budget was exceeded: the caller stops
    /// running the rest of the script.
    pub exit: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Var {
    value: String,
    exported: bool,
}

/// The shell's state: variables, options, the last exit status. Cloning it gives an
/// independent copy (a console's read-only checks run on one and drop it).
#[derive(Clone, Debug, Default)]
pub struct Shell {
    vars: BTreeMap<String, Var>,
    status: i32,
    errexit: bool,
    xtrace: bool,
    pipefail: bool,
    nounset: bool,
    pub limits: Limits,
    // Per-run counters (reset by each `run_pipeline`).
    used_commands: usize,
    used_iterations: usize,
    subst_depth: usize,
    /// Where an `errexit` check is off: `if` and `while` conditions, `&&`/`||` left sides, `!`.
    condition_depth: usize,
    /// Standard error of command substitutions, for the command they are part of.
    stray_err: String,
    /// The status of the last command substitution of the command being expanded.
    subst_status: Option<i32>,
}

impl Shell {
    /// A variable's value.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.value.as_str())
    }

    /// Sets a variable (as `NAME=value` would).
    pub fn set_var(&mut self, name: &str, value: &str) {
        self.vars.entry(name.to_string()).or_default().value = value.to_string();
    }

    /// Whether `set -e` is on.
    pub fn errexit(&self) -> bool {
        self.errexit
    }

    /// The exit status of the last command (`$?`).
    pub fn last_status(&self) -> i32 {
        self.status
    }

    /// Runs one top-level pipeline of a statement (see [`Statement::pipelines`]): a console runs
    /// a statement pipeline by pipeline, to show each one's output on its own. With `top_level`
    /// the last command may keep running (see [`Host::run`]).
    pub fn run_pipeline(&mut self, host: &mut dyn Host, p: &Pipeline, top_level: bool) -> Outcome {
        self.used_commands = 0;
        self.used_iterations = 0;
        self.subst_depth = 0;
        self.condition_depth = 0;
        let mut streams = interp::Streams::default();
        let mut stdin = None;
        let r = self.exec_pipeline(host, p, &mut stdin, &mut streams, top_level);
        let (status, exit) = match r {
            Ok(status) => (status, false),
            Err(flow) => (self.flow_status(flow, &mut streams), true),
        };
        self.status = status;
        Outcome {
            stdout: streams.out,
            stderr: streams.err,
            status,
            exit,
        }
    }

    /// Parses and runs a whole script, with `set -e` and `exit` ending it; everything it printed
    /// in one [`Outcome`]. A syntax error stops it with status 2 after the statements before it.
    pub fn run_script(&mut self, host: &mut dyn Host, script: &str) -> Outcome {
        let (statements, error) = parser::statements(script);
        let mut all = Outcome::default();
        'outer: for st in &statements {
            let pipelines = st.pipelines();
            let mut last = 0;
            for (i, (connector, p)) in pipelines.iter().enumerate() {
                let skip = match connector {
                    Connector::Always => false,
                    Connector::IfOk => last != 0,
                    Connector::IfFailed => last == 0,
                };
                if skip {
                    continue;
                }
                let out = self.run_pipeline(host, p, false);
                all.stdout.push_str(&out.stdout);
                all.stderr.push_str(&out.stderr);
                last = out.status;
                all.status = out.status;
                let ends_and_or = pipelines
                    .get(i + 1)
                    .is_none_or(|(c, _)| *c == Connector::Always);
                if out.exit || self.stops_on_failure(p, out.status, ends_and_or) {
                    all.exit = true;
                    break 'outer;
                }
            }
        }
        if let Some((_, e)) = error {
            if !all.exit {
                all.stderr.push_str(&e.message);
                all.stderr.push('\n');
                all.status = 2;
            }
        }
        all
    }

    /// Whether `set -e` stops the script after a top-level pipeline ended with `status`
    /// (`ends_and_or`: no `&&`/`||` follows it).
    pub fn stops_on_failure(&self, p: &Pipeline, status: i32, ends_and_or: bool) -> bool {
        self.errexit && status != 0 && !p.bang && ends_and_or
    }
}
