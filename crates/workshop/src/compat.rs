//! Temporary stand-ins for `Session::check`, `clock` and `set_clock`, which the console's
//! `shell` branch adds; removed when that branch is merged (inherent methods win over these).

use kubeplay_console::{Clock, Output, Session};

pub(crate) trait SessionCompat {
    fn check(&mut self, script: &str) -> Output;
    fn clock(&self) -> Clock;
    fn set_clock(&mut self, clock: Clock);
}

impl SessionCompat for Session {
    /// Runs the script and merges what it printed; a command left holding the console is
    /// interrupted. Not read-only: checks must only look (`kubectl get`, `echo`).
    fn check(&mut self, script: &str) -> Output {
        let outs = self.run(script);
        let mut merged = Output {
            id: 0,
            command: script.trim().to_string(),
            stdout: String::new(),
            stderr: String::new(),
            status: 0,
            finished: true,
        };
        for o in outs {
            merged.stdout.push_str(&o.stdout);
            merged.stderr.push_str(&o.stderr);
            merged.status = o.status;
        }
        if self.busy() {
            self.interrupt();
            merged.status = 1;
            merged.stderr.push_str("a check cannot wait\n");
        }
        merged
    }
    fn clock(&self) -> Clock {
        Clock::Simulated
    }
    fn set_clock(&mut self, _clock: Clock) {}
}

/// Stand-in for `kubeplay_console::LoggedCommand` (same fields as its JSON).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoggedCommand {
    pub at_ms: i64,
    pub line: String,
}
