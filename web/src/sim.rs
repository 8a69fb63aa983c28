//! The simulation as the page holds it: the console session (which owns the cluster), the time
//! controls, and the console's history. Shared by the Yew components and `window.kubeplay`.

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay_console::{Clock, Output, Session, SessionConfig};
use kubeplay_engine::ClusterConfig;

/// One command and what it printed so far, as the console shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: u64,
    pub command: String,
    pub output: String,
    pub failed: bool,
    pub finished: bool,
}

pub const SPEEDS: [f64; 7] = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0];

pub struct Sim {
    pub session: Session,
    pub playing: bool,
    pub speed: f64,
    pub entries: Vec<Entry>,
    /// Promises of `window.kubeplay.run` waiting for a streaming command to finish.
    waiting: Vec<(Vec<u64>, js_sys::Function)>,
    /// Called after a change made outside the frame loop (e.g. `window.kubeplay.run`).
    pub on_change: Option<Box<dyn Fn()>>,
}

pub type SimRef = Rc<RefCell<Sim>>;

impl Sim {
    pub fn new(seed: u64, scenario: &str) -> Sim {
        let mut session = Session::new(SessionConfig {
            cluster: ClusterConfig {
                seed,
                record_trace: false,
            },
            clock: Clock::External,
        });
        let yaml = kubeplay_console::scenarios::get(scenario)
            .or_else(|| kubeplay_console::scenarios::get("default"));
        if let Some(yaml) = yaml {
            let _ = session.load_scenario(yaml);
        }
        Sim {
            session,
            playing: true,
            speed: 1.0,
            entries: Vec::new(),
            waiting: Vec::new(),
            on_change: None,
        }
    }

    fn merge(&mut self, outputs: Vec<Output>) {
        for o in outputs {
            if o.command.trim().is_empty() && o.stdout.is_empty() && o.stderr.is_empty() {
                continue;
            }
            match self.entries.iter_mut().find(|e| e.id == o.id) {
                Some(e) => {
                    e.output.push_str(&o.stdout);
                    e.output.push_str(&o.stderr);
                    e.failed |= o.finished && o.status != 0;
                    e.finished = o.finished;
                }
                None => self.entries.push(Entry {
                    id: o.id,
                    command: o.command.clone(),
                    output: format!("{}{}", o.stdout, o.stderr),
                    failed: o.finished && o.status != 0,
                    finished: o.finished,
                }),
            }
        }
        if self.entries.len() > 200 {
            self.entries.drain(..50);
        }
    }

    /// Runs one console line and records it; returns the ids of the commands it started.
    pub fn run_line(&mut self, line: &str) -> Vec<u64> {
        let outputs = self.session.run(line);
        let ids: Vec<u64> = outputs.iter().map(|o| o.id).collect();
        self.merge(outputs);
        ids
    }

    /// What the commands with these ids printed, once all of them have finished.
    pub fn finished_output(&self, ids: &[u64]) -> Option<String> {
        let mut text = String::new();
        for id in ids {
            let e = self.entries.iter().find(|e| e.id == *id)?;
            if !e.finished {
                return None;
            }
            text.push_str(&e.output);
        }
        Some(text)
    }

    /// Resolves `resolve` with the output of `ids` now, or once they have finished.
    pub fn resolve_when_done(&mut self, ids: Vec<u64>, resolve: js_sys::Function) {
        match self.finished_output(&ids) {
            Some(text) => {
                let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &text.into());
            }
            None => self.waiting.push((ids, resolve)),
        }
    }

    /// Advances simulated time by `real_ms` of wall time at the current speed and collects what
    /// running commands print meanwhile.
    pub fn frame(&mut self, real_ms: f64) {
        if self.playing {
            let ms = (real_ms.min(250.0) * self.speed).round() as i64;
            self.session.cluster_mut().advance(ms);
        }
        self.collect();
    }

    /// Collects output of running commands and settles waiting promises.
    pub fn collect(&mut self) {
        let chunks = self.session.poll();
        if !chunks.is_empty() {
            self.merge(chunks);
        }
        let waiting = std::mem::take(&mut self.waiting);
        for (ids, resolve) in waiting {
            match self.finished_output(&ids) {
                Some(text) => {
                    let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &text.into());
                }
                None => self.waiting.push((ids, resolve)),
            }
        }
    }

    pub fn notify(&self) {
        if let Some(f) = &self.on_change {
            f();
        }
    }
}
