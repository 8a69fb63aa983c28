//! The simulation as the page holds it: the console session (which owns the cluster), the time
//! controls, and the console's history. Shared by the Yew components and `window.kubeplay`.

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay_console::share::Shared;
use kubeplay_console::timeline::{Mark, Timeline};
use kubeplay_console::{Clock, Output, Session, SessionConfig};

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

/// What the page draws, recomputed only when the cluster changed (or simulated time moved on by
/// half a second, for time-dependent details such as whether an app serves yet).
#[derive(Clone)]
pub struct View {
    pub board: Rc<kubeplay_view::Board>,
    pub traffic: Rc<Vec<kubeplay_engine::TrafficSample>>,
    /// Requests (ok, failed) since traffic started.
    pub traffic_totals: (u64, u64),
    pub activity: Rc<Vec<kubeplay_engine::Activity>>,
    pub events: Rc<Vec<kubeplay_view::EventView>>,
    /// The timeline's marks: the recording's while rewound, else the live session's.
    pub marks: Rc<Vec<Mark>>,
    key: (u64, i64),
    computed_at: f64,
    /// Wall milliseconds this view took to compute.
    cost_ms: f64,
}

/// How many pieces the board redraws in one frame at most. A rollout of hundreds of pods changes
/// hundreds of pieces within a few frames; drawn at once they take several frames to lay out
/// and paint, so the board catches up a few nodes a frame instead (`stage`), and simulated time
/// waits for it (`Sim::frame`).
const PIECES_PER_FRAME: usize = 16;
/// Past 1,600 pods, one more piece a frame per this many pods (3,000 pods: 30 a frame).
const PODS_PER_EXTRA_PIECE: usize = 100;

/// Wall-clock milliseconds between two recomputations of the view while the cluster keeps
/// changing: CSS animates in between, and 20 updates a second read as continuous.
const VIEW_INTERVAL_MS: f64 = 50.0;
/// A view that took longer waits this many times its cost before the next (a 10,000-pod map
/// costs tens of milliseconds: recomputed 20 times a second it left the page 15 frames a
/// second), so that the view model takes at most about a fifth of the page's time.
const VIEW_COST_FACTOR: f64 = 4.0;

/// Where frame time goes, for `window.kubeplay.stats()` and the browser benchmarks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub frames: u64,
    /// Wall milliseconds spent advancing the simulation.
    pub engine_ms: f64,
    /// Wall milliseconds spent computing the view model.
    pub view_ms: f64,
    pub views: u64,
}

pub struct Sim {
    pub session: Session,
    /// What the cluster was built from: a reset starts from the same.
    pub seed: u64,
    pub scenario: String,
    /// The simulated time the cluster started at (the timeline's left end).
    pub start_ms: i64,
    /// Set while the reader has gone back in time: the recording to play on through. A new
    /// command drops it (a new branch).
    pub timeline: Option<Rc<Timeline>>,
    /// The last id given to a history entry (`restore_history`).
    history_id: u64,
    /// The workshop in the panel, if any.
    pub workshop: Option<crate::workshop::Run>,
    pub stats: Stats,
    /// The console history as last drawn, shared with the view until it changes.
    entries_view: Option<Rc<Vec<Entry>>>,
    view: Option<View>,
    /// The board as drawn: it catches up with `view.board` by `PIECES_PER_FRAME` pieces a frame.
    shown: Option<Rc<kubeplay_view::Board>>,
    /// Where staging resumes, so that no node waits behind the others.
    stage_from: usize,
    /// The user acted: the next view is recomputed at once.
    pub dirty: bool,
    /// Simulated milliseconds owed to the clock: under load the frame loop pays them over several
    /// frames (the simulation slows down) instead of freezing the page.
    debt_ms: f64,
    /// Simulated milliseconds per `advance` call, adapted so that one call stays within the
    /// frame's budget (10..=100).
    step_ms: f64,
    pub playing: bool,
    /// The named scheduler profiles: (id, title, description).
    pub profiles: Profiles,
    /// Their KubeSchedulerConfigurations, by id: the one in force names the profile shown.
    profile_configs: Vec<(String, serde_json::Value)>,
    pub speed: f64,
    pub entries: Vec<Entry>,
    /// Promises of `window.kubeplay.run` waiting for a streaming command to finish.
    waiting: Vec<(Vec<u64>, js_sys::Function)>,
    /// Called after a change made outside the frame loop (e.g. `window.kubeplay.run`).
    pub on_change: Option<Box<dyn Fn()>>,
}

pub type SimRef = Rc<RefCell<Sim>>;

type Profiles = Rc<Vec<(String, String, String)>>;

/// A console session on a new cluster as every page load, reset and share link starts from
/// (`kubeplay_console::share::page_session`; an unknown scenario is the default one), with the
/// named scheduler profiles for the header's menu.
fn fresh_session(
    seed: u64,
    scenario: &str,
) -> (Session, Profiles, Vec<(String, serde_json::Value)>) {
    let session = kubeplay_console::share::page_session(seed, scenario, Clock::External)
        .or_else(|| kubeplay_console::share::page_session(seed, "default", Clock::External))
        .unwrap_or_else(|| Session::new(SessionConfig::default()));
    let builtin = kubeplay_scheduler::builtin_profiles();
    let profiles = Rc::new(
        builtin
            .iter()
            .map(|(id, t, d, _)| (id.to_string(), t.to_string(), d.to_string()))
            .collect(),
    );
    let profile_configs = builtin
        .into_iter()
        .map(|(id, _, _, cfg)| (id.to_string(), cfg))
        .collect();
    (session, profiles, profile_configs)
}

impl Sim {
    pub fn new(seed: u64, scenario: &str) -> Sim {
        let (session, profiles, profile_configs) = fresh_session(seed, scenario);
        Sim {
            start_ms: session.cluster().now().millis(),
            timeline: None,
            history_id: u64::MAX,
            session,
            seed,
            scenario: scenario.to_string(),
            view: None,
            shown: None,
            stage_from: 0,
            stats: Stats::default(),
            entries_view: None,
            dirty: true,
            debt_ms: 0.0,
            step_ms: 100.0,
            playing: true,
            profiles,
            profile_configs,
            speed: 1.0,
            entries: Vec::new(),
            waiting: Vec::new(),
            on_change: None,
            workshop: None,
        }
    }

    /// A fresh cluster from `seed` and `scenario`: the console's history and the board start
    /// again (a workshop's "start over", "go to step", and restoring saved progress).
    pub fn reset(&mut self, seed: u64, scenario: &str) {
        let (session, profiles, profile_configs) = fresh_session(seed, scenario);
        self.start_ms = session.cluster().now().millis();
        self.session = session;
        self.profiles = profiles;
        self.profile_configs = profile_configs;
        self.seed = seed;
        self.scenario = scenario.to_string();
        self.timeline = None;
        self.view = None;
        self.shown = None;
        self.entries.clear();
        self.entries_view = None;
        self.debt_ms = 0.0;
        self.dirty = true;
        for (_, resolve) in std::mem::take(&mut self.waiting) {
            let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &"".into());
        }
    }

    /// The speed asked for (header, URL, keys, postMessage), within the menu's range.
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.speed = speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]);
        }
    }

    /// The named profile whose configuration is in force, however it was applied (header, tour,
    /// console): "default" before any, "custom" for one applied by hand.
    pub fn profile(&self) -> &str {
        match self.session.cluster().scheduler_config() {
            None => "default",
            Some(cfg) => self
                .profile_configs
                .iter()
                .find(|(_, c)| c == cfg)
                .map_or("custom", |(id, _)| id.as_str()),
        }
    }

    /// One simulated second, at once (the Step control, while paused).
    pub fn step_second(&mut self) {
        self.advance(1_000);
        self.collect();
    }

    /// Moves simulated time on. Rewound, the recorded commands on the way run at their times
    /// (the console shows them), and past the recording's end the page is live again.
    fn advance(&mut self, millis: i64) {
        let Some(t) = self.timeline.clone() else {
            self.session.cluster_mut().advance(millis);
            return;
        };
        let ran = t.play(&mut self.session, millis);
        if !ran.is_empty() {
            self.restore_history(&ran);
            self.dirty = true;
        }
        if t.played_out(&self.session) {
            self.timeline = None;
        }
    }

    /// The console history, cloned only when it changed.
    pub fn entries(&mut self) -> Rc<Vec<Entry>> {
        self.entries_view
            .get_or_insert_with(|| Rc::new(self.entries.clone()))
            .clone()
    }

    fn merge(&mut self, outputs: Vec<Output>) {
        if !outputs.is_empty() {
            self.entries_view = None;
        }
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

    /// This session as a share link or file holds it.
    pub fn shared(&self) -> Shared {
        Shared::of(&self.session, &self.scenario, self.seed, self.speed)
    }

    /// Opens a shared session: the same cluster at the same simulated time, paused, with the
    /// console's history of commands. On error nothing changes, and the error says why.
    pub fn open_shared(&mut self, shared: &Shared) -> Result<(), String> {
        let session = shared.open(Clock::External).map_err(|e| e.to_string())?;
        self.workshop = None;
        self.reset(shared.seed, &shared.scenario);
        self.session = session;
        self.playing = false;
        self.set_speed(shared.speed);
        self.restore_history(&shared.log);
        Ok(())
    }

    /// Rebuilds the cluster as it was at `at_ms` (the timeline's scrubber): replayed from the
    /// start, paused. The recording is kept, so that playing on or moving forward again finds
    /// the same future, until a new command is run.
    pub fn seek(&mut self, at_ms: i64) -> Result<(), String> {
        let timeline = match &self.timeline {
            Some(t) => t.clone(),
            None => Rc::new(Timeline::record(
                &self.session,
                &self.scenario,
                self.seed,
                self.start_ms,
            )),
        };
        let session = timeline
            .seek(at_ms, Clock::External)
            .map_err(|e| e.to_string())?;
        self.playing = false;
        self.session = session;
        self.entries.clear();
        let log = self.session.log().to_vec();
        self.restore_history(&log);
        self.view = None;
        self.shown = None;
        self.debt_ms = 0.0;
        self.dirty = true;
        // Back at the end, the page is live again.
        self.timeline = (at_ms < timeline.end_ms()).then_some(timeline);
        Ok(())
    }

    /// Goes to the previous or next mark on the timeline (the `[` and `]` keys).
    pub fn seek_mark(&mut self, forward: bool) {
        let marks = self.marks();
        let now = self.session.cluster().now().millis();
        let target = kubeplay_console::timeline::adjacent(&marks, now, forward)
            .or_else(|| (!forward).then_some(self.start_ms))
            .or_else(|| self.timeline.as_ref().map(|t| t.end_ms()));
        if let Some(t) = target.filter(|t| *t != now) {
            let _ = self.seek(t);
        }
    }

    /// The timeline's marks: the recording's while rewound, else the live session's.
    fn marks(&self) -> Rc<Vec<Mark>> {
        match &self.timeline {
            Some(t) => t.marks.clone(),
            None => Rc::new(kubeplay_console::timeline::marks(&self.session)),
        }
    }

    /// The timeline's right end: the recording's end while rewound, else now.
    pub fn end_ms(&self) -> i64 {
        self.timeline
            .as_ref()
            .map_or(self.session.cluster().now().millis(), |t| t.end_ms())
    }

    /// Runs one console line and records it; returns the ids of the commands it started.
    pub fn run_line(&mut self, line: &str) -> Vec<u64> {
        self.dirty = true;
        // A command typed in the past starts a new branch: the recorded future is dropped.
        self.timeline = None;
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

    /// Advances simulated time by `real_ms` of wall time at the current speed, spending at most
    /// `budget_ms` of wall time (read from `now_ms`) on it, and collects what running commands
    /// print meanwhile.
    pub fn frame(&mut self, real_ms: f64, budget_ms: f64, now_ms: &dyn Fn() -> f64) {
        if self.playing && self.behind() {
            // The board is still drawing earlier changes: simulated time waits for it, so that
            // what is drawn and the clock stay together.
            self.debt_ms = 0.0;
        } else if self.playing {
            // At most two seconds of debt: beyond that the simulation runs slower than asked.
            self.debt_ms =
                (self.debt_ms + real_ms.min(250.0) * self.speed).min(2_000.0 * self.speed.max(1.0));
            let start = now_ms();
            self.stats.frames += 1;
            while self.debt_ms >= 1.0 {
                let step = self.debt_ms.min(self.step_ms).max(1.0);
                let t0 = now_ms();
                self.advance(step as i64);
                self.debt_ms -= step.floor();
                let took = now_ms() - t0;
                // Busy simulated periods get smaller steps, quiet ones larger.
                if took > budget_ms / 2.0 {
                    self.step_ms = (self.step_ms / 2.0).max(10.0);
                } else if took < budget_ms / 8.0 {
                    self.step_ms = (self.step_ms * 2.0).min(100.0);
                }
                if now_ms() - start > budget_ms {
                    break;
                }
            }
            self.stats.engine_ms += now_ms() - start;
        }
        self.collect();
    }

    /// The view model, recomputed only when the cluster changed, and at most every
    /// `VIEW_INTERVAL_MS` of wall time (`now_ms`); `force` recomputes after the user acted.
    /// Its board is the one to draw this frame: see `stage`.
    pub fn view(&mut self, now_ms: f64, force: bool) -> View {
        let mut v = self.computed_view(now_ms, force);
        let target = v.board.clone();
        let shown = match self.shown.take() {
            // A map repaints only the wells that changed, cheaply: it needs no staging.
            Some(shown) if !Rc::ptr_eq(&shown, &target) && !target.map => {
                // Big clusters draw in smaller wells (cheaper pieces, most of them off screen):
                // a budget that grows with the pod count keeps their rollouts moving.
                let pods: usize = target.nodes.iter().map(|n| n.pods.len()).sum();
                let budget = PIECES_PER_FRAME.max(pods / PODS_PER_EXTRA_PIECE);
                let (board, done) = kubeplay_view::stage(&shown, &target, budget, self.stage_from);
                self.stage_from = self.stage_from.wrapping_add(1);
                if done {
                    target
                } else {
                    Rc::new(board)
                }
            }
            _ => target,
        };
        self.shown = Some(shown.clone());
        v.board = shown;
        v
    }

    /// Whether the board drawn is behind the cluster's state.
    pub fn behind(&self) -> bool {
        match (&self.shown, &self.view) {
            (Some(shown), Some(v)) => !Rc::ptr_eq(shown, &v.board),
            _ => false,
        }
    }

    fn computed_view(&mut self, now_ms: f64, force: bool) -> View {
        let cluster = self.session.cluster();
        let key = (cluster.resource_version(), cluster.now().millis() / 500);
        if let Some(v) = &self.view {
            if v.key == key
                || (!force
                    && now_ms - v.computed_at < VIEW_INTERVAL_MS.max(VIEW_COST_FACTOR * v.cost_ms)
                    && now_ms >= v.computed_at)
            {
                return v.clone();
            }
        }
        self.stats.views += 1;
        let start = crate::app::wall_ms();
        let mut v = View {
            board: Rc::new(kubeplay_view::board(cluster)),
            traffic: Rc::new(kubeplay_view::traffic(cluster, 60)),
            traffic_totals: kubeplay_view::traffic_totals(cluster),
            activity: Rc::new(kubeplay_view::recent_activity(cluster, 12)),
            events: Rc::new(kubeplay_view::recent_events(cluster, 15)),
            marks: self.marks(),
            key,
            computed_at: now_ms,
            cost_ms: 0.0,
        };
        v.cost_ms = crate::app::wall_ms() - start;
        self.view = Some(v.clone());
        v
    }

    /// Collects what commands printed after a change made outside the frame loop, and redraws.
    pub fn collect_now(&mut self) {
        self.collect();
        self.dirty = true;
    }

    /// The console's history after a replay: the commands, without what they printed then.
    pub fn restore_history(&mut self, log: &[kubeplay_console::LoggedCommand]) {
        for c in log {
            // Ids from the top down, never met by the session's own (which count up).
            self.history_id -= 1;
            self.entries.push(Entry {
                id: self.history_id,
                command: c.line.trim_end().to_string(),
                output: String::new(),
                failed: false,
                finished: true,
            });
        }
        if self.entries.len() > 200 {
            let extra = self.entries.len() - 200;
            self.entries.drain(..extra);
        }
        self.entries_view = None;
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
