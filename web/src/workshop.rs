//! The workshop panel: a workshop's steps and text, the current step's checks evaluated live,
//! hints one at a time, the solution and "do it for me", jumping to any step, and progress kept
//! in the browser. Loading, checking and solving are `kubeplay_workshop`'s; this draws them.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use kubeplay_workshop::{HintWhen, MapSource, Source, SourceError, StepStatus, Workshop};
use yew::prelude::*;

use crate::markdown::{self, Actions};

/// The built-in workshops (static/workshops/), compiled in: they open at once and offline.
mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_workshops.rs"));
}

/// How often, at most, the current step's checks run: a few times a simulated second, and
/// only when the cluster changed or time moved on.
const EVAL_EVERY_SIM_MS: i64 = 250;

/// A built-in workshop by name (`kelsey-2016`), if there is one.
pub fn builtin(name: &str) -> Option<Result<Workshop, String>> {
    let prefix = format!("{name}/");
    let files: BTreeMap<String, String> = builtin::FILES
        .iter()
        .filter_map(|(path, text)| {
            path.strip_prefix(&prefix)
                .map(|p| (p.to_string(), text.to_string()))
        })
        .collect();
    if files.is_empty() {
        return None;
    }
    Some(kubeplay_workshop::load(&MapSource(files)).map_err(|e| e.to_string()))
}

/// The built-in workshops' catalogue: (name, title, description).
pub fn catalog() -> Vec<(String, String, String)> {
    let Some((_, text)) = builtin::FILES.iter().find(|(p, _)| *p == "catalog.json") else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    items
        .iter()
        .map(|v| (field(v, "name"), field(v, "title"), field(v, "description")))
        .filter(|(n, _, _)| !n.is_empty())
        .collect()
}

/// Files fetched so far; a read of a file not fetched yet is remembered, so that the loader
/// can fetch it and try again.
#[derive(Default)]
struct Fetched {
    files: BTreeMap<String, String>,
    missing: RefCell<Vec<String>>,
}

impl Source for Fetched {
    fn read(&self, path: &str) -> Result<String, SourceError> {
        match self.files.get(path) {
            Some(t) => Ok(t.clone()),
            None => {
                self.missing.borrow_mut().push(path.to_string());
                Err(SourceError::NotFound)
            }
        }
    }
}

/// Loads a workshop served at `base` (a folder URL relative to the page): fetches `index.json`
/// (else `index.yaml`) and then each file the loader asks for.
pub async fn fetch_workshop(base: &str) -> Result<Workshop, String> {
    let mut src = Fetched::default();
    let mut not_found = std::collections::BTreeSet::new();
    // Bounded: each round fetches at least one new file, and a workshop has a few dozen.
    for _ in 0..400 {
        let result = kubeplay_workshop::load(&src);
        let missing: Vec<String> = src.missing.take();
        let wanted: Vec<String> = missing
            .into_iter()
            .filter(|p| !src.files.contains_key(p) && !not_found.contains(p))
            .collect();
        match (result, wanted.first()) {
            (Ok(w), _) => return Ok(w),
            (Err(e), None) => return Err(e.to_string()),
            (Err(_), Some(path)) => {
                let path = path.clone();
                match fetch_text(&format!("{base}/{path}")).await {
                    Ok(Some(text)) => {
                        src.files.insert(path, text);
                    }
                    Ok(None) => {
                        not_found.insert(path);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Err(format!("workshop {base}: too many files"))
}

/// The text at `url`; None for a 404.
async fn fetch_text(url: &str) -> Result<Option<String>, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let err = |e: wasm_bindgen::JsValue| {
        format!(
            "{url}: {}",
            e.as_string()
                .unwrap_or_else(|| "could not be fetched".into())
        )
    };
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(err)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(err)?;
    if resp.status() == 404 {
        return Ok(None);
    }
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(err)?)
        .await
        .map_err(err)?;
    Ok(text.as_string())
}

/// A workshop being done in the page.
pub struct Run {
    /// What `?workshop=` named: the key its progress is saved under.
    pub name: String,
    pub workshop: Rc<Workshop>,
    /// The current step; `steps.len()` once all are done.
    pub step: usize,
    pub status: Option<Rc<StepStatus>>,
    /// Hints shown on this step so far.
    pub revealed: usize,
    /// Wall time (ms) the step was entered, for hints that come after a while.
    pub step_started_ms: f64,
    /// Progress is kept in the browser (opened with `?workshop=`).
    pub persist: bool,
    pub notice: Option<String>,
    eval_key: Option<(u64, i64)>,
    saved: Option<(usize, usize, i64)>,
}

impl Run {
    pub fn new(name: &str, workshop: Workshop, persist: bool, now_ms: f64) -> Run {
        Run {
            name: name.to_string(),
            workshop: Rc::new(workshop),
            step: 0,
            status: None,
            revealed: 0,
            step_started_ms: now_ms,
            persist,
            notice: None,
            eval_key: None,
            saved: None,
        }
    }

    pub fn finished(&self) -> bool {
        self.step >= self.workshop.steps.len()
    }

    /// Moves to step `n` (the cluster is the caller's business).
    pub fn set_step(&mut self, n: usize, now_ms: f64) {
        self.step = n.min(self.workshop.steps.len());
        self.status = None;
        self.revealed = 0;
        self.step_started_ms = now_ms;
        self.eval_key = None;
    }

    /// Whether the checks should run again: the cluster changed or simulated time moved on.
    pub fn due(&mut self, resource_version: u64, now_sim_ms: i64) -> bool {
        let key = (resource_version, now_sim_ms / EVAL_EVERY_SIM_MS);
        if self.eval_key == Some(key) {
            return false;
        }
        self.eval_key = Some(key);
        true
    }

    /// Whether what is saved is out of date: (log length, step, simulated time in 2 s slices,
    /// so that a reload finds the clock where it was, not at the last command).
    pub fn needs_save(&mut self, log_len: usize, now_sim_ms: i64) -> bool {
        let now = (log_len, self.step, now_sim_ms / 2_000);
        if !self.persist || self.saved == Some(now) {
            return false;
        }
        self.saved = Some(now);
        true
    }

    /// The hints of the current step that apply now (`kubeplay_workshop::hints`).
    pub fn hints_now(&self, now_ms: f64) -> usize {
        let (Some(step), Some(status)) = (self.workshop.steps.get(self.step), &self.status) else {
            return 0;
        };
        kubeplay_workshop::hints(step, status, (now_ms - self.step_started_ms) as i64).len()
    }
}

/// The browser's storage key of a workshop's progress.
pub fn storage_key(name: &str) -> String {
    format!("kubeplay.workshop.{name}")
}

/// A snapshot of a run for the panel: Yew compares it between frames.
#[derive(Clone)]
pub struct RunView {
    pub workshop: Rc<Workshop>,
    pub name: String,
    pub step: usize,
    pub status: Option<Rc<StepStatus>>,
    /// The hints that apply now, of which the first `revealed` are shown.
    pub hints: Vec<usize>,
    pub revealed: usize,
    pub notice: Option<String>,
}

impl PartialEq for RunView {
    fn eq(&self, o: &RunView) -> bool {
        Rc::ptr_eq(&self.workshop, &o.workshop)
            && self.step == o.step
            && self.status == o.status
            && self.hints == o.hints
            && self.revealed == o.revealed
            && self.notice == o.notice
    }
}

impl RunView {
    pub fn of(run: &Run, now_ms: f64) -> RunView {
        let hints = match (run.workshop.steps.get(run.step), &run.status) {
            (Some(step), Some(status)) => {
                let now =
                    kubeplay_workshop::hints(step, status, (now_ms - run.step_started_ms) as i64);
                step.hints
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| now.iter().any(|n| std::ptr::eq(*n, *h)))
                    .map(|(i, _)| i)
                    .collect()
            }
            _ => Vec::new(),
        };
        RunView {
            workshop: run.workshop.clone(),
            name: run.name.clone(),
            step: run.step,
            status: run.status.clone(),
            hints,
            revealed: run.revealed,
            notice: run.notice.clone(),
        }
    }
}

/// What the panel asks the page to do.
#[derive(Clone, PartialEq)]
pub struct PanelActions {
    pub exec: Callback<String>,
    pub copy: Callback<String>,
    pub hint: Callback<()>,
    pub solve: Callback<()>,
    pub go_to: Callback<usize>,
    pub reset: Callback<()>,
    pub open: Callback<String>,
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub run: RunView,
    pub actions: PanelActions,
    /// The built-in workshops, for the picker: (name, title).
    pub catalog: Rc<Vec<(String, String, String)>>,
}

#[function_component(WorkshopPanel)]
pub fn workshop_panel(props: &PanelProps) -> Html {
    let run = &props.run;
    let w = &run.workshop;
    let a = &props.actions;
    let md = Actions {
        exec: a.exec.clone(),
        copy: a.copy.clone(),
    };
    let total = w.steps.len();
    let done = run.step.min(total);
    let on_pick = {
        let open = a.open.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                if !sel.value().is_empty() {
                    open.emit(sel.value());
                }
            }
        })
    };
    html! {
        <details class="panel workshop" data-testid="workshop" data-name={run.name.clone()} open=true>
            <summary>
                <h2>{&w.title}<span class="counts" data-testid="workshop-progress">{format!("{done} of {total} done")}</span></h2>
            </summary>
            if let Some(n) = &run.notice { <p class="notice" role="status" data-testid="workshop-notice">{n}</p> }
            if run.step == 0 && run.status.as_ref().is_none_or(|s| !s.passed) {
                <div class="intro">{markdown::doc(&w.intro, 3, &md)}</div>
            }
            <ol class="steps">
                { for w.steps.iter().enumerate().map(|(i, step)| {
                    let state = if i < run.step { "done" } else if i == run.step { "current" } else { "todo" };
                    let go = { let g = a.go_to.clone(); Callback::from(move |_| g.emit(i)) };
                    html! {
                        <li class={classes!("step", state)} data-testid="workshop-step" data-state={state} key={i}>
                            <div class="step-head">
                                <h3 class="step-title">{ if i < run.step { "✓ " } else { "" } }{format!("{}. {}", i + 1, step.title)}</h3>
                                if i != run.step {
                                    <button class="jump" data-testid="workshop-goto" onclick={go}
                                        title="Rebuild the cluster as it is at the start of this step (instant)"
                                        aria-label={format!("Go to step {}", i + 1)}>{"Go to step"}</button>
                                }
                            </div>
                            if i == run.step { { current_step(run, step, &md, a) } }
                        </li>
                    }
                }) }
            </ol>
            if run.step >= total {
                <div class="finish" data-testid="workshop-finish" role="status">
                    <p class="done-line">{"✓ All steps done."}</p>
                    {markdown::doc(&w.finish, 3, &md)}
                </div>
            }
            <div class="workshop-actions">
                <button data-testid="workshop-reset" onclick={let r = a.reset.clone(); Callback::from(move |_| r.emit(()))}
                    title="A fresh cluster, back to the first step">{"Start over"}</button>
                if props.catalog.len() > 1 {
                    <label class="picker">{"Workshop "}
                        <select data-testid="workshop-picker" aria-label="Open another workshop" onchange={on_pick}>
                            { for props.catalog.iter().map(|(n, t, d)| html! {
                                <option value={n.clone()} title={d.clone()} selected={n == &run.name}>{t.clone()}</option>
                            }) }
                        </select>
                    </label>
                }
            </div>
        </details>
    }
}

fn current_step(
    run: &RunView,
    step: &kubeplay_workshop::Step,
    md: &Actions,
    a: &PanelActions,
) -> Html {
    let more_hints = run.revealed < run.hints.len();
    html! {
        <div class="step-body">
            {markdown::step_text(step, 4, md)}
            if let Some(status) = &run.status {
                <ul class="checks" aria-label="Checks of this step">
                    { for status.checks.iter().map(|c| html! {
                        <li class={classes!("check", if c.passed { "passed" } else { "failing" })}
                            data-testid="workshop-check" data-name={c.name.clone()} data-passed={c.passed.to_string()}>
                            <span class="mark" aria-hidden="true">{ if c.passed { "✓" } else { "○" } }</span>
                            <span class="name">{&c.name}</span>
                            if !c.passed && !c.detail.is_empty() { <span class="detail">{&c.detail}</span> }
                        </li>
                    }) }
                </ul>
            }
            { for run.hints.iter().take(run.revealed).filter_map(|i| step.hints.get(*i)).map(|h| html! {
                <div class="hint" data-testid="workshop-hint-text" role="note">
                    <strong>{ match &h.when { HintWhen::CheckFails(c) => format!("Hint ({c}): "), _ => "Hint: ".to_string() } }</strong>
                    {markdown::doc(&h.text, 4, md)}
                </div>
            }) }
            <div class="step-actions">
                if more_hints {
                    <button data-testid="workshop-hint" onclick={let h = a.hint.clone(); Callback::from(move |_| h.emit(()))}>
                        { format!("Show a hint ({} left)", run.hints.len() - run.revealed) }
                    </button>
                }
                if !step.solution.is_empty() {
                    <details class="solution" data-testid="workshop-solution">
                        <summary>{"Solution"}</summary>
                        <pre tabindex="0"><code>{step.solution.join("\n")}</code></pre>
                        <button data-testid="workshop-solve" onclick={let s = a.solve.clone(); Callback::from(move |_| s.emit(()))}
                            title="Runs the solution's commands in the console">{"Do it for me"}</button>
                    </details>
                }
            </div>
        </div>
    }
}

impl crate::sim::Sim {
    /// Opens a workshop in the panel. With `persist`, saved progress is restored (the cluster
    /// rebuilt by replaying its command log) or, if there is none or it is unusable, the
    /// workshop starts on a fresh cluster; without, it starts on the cluster already there.
    pub fn open_workshop(&mut self, name: &str, w: Workshop, persist: bool, now_ms: f64) {
        let mut run = Run::new(name, w, persist, now_ms);
        if persist {
            match self.restore_progress(&run) {
                Ok(Some(step)) => {
                    run.set_step(step, now_ms);
                    run.notice =
                        Some("Welcome back: your cluster and step are as you left them.".into());
                    self.workshop = Some(run);
                    return;
                }
                Ok(None) => {}
                Err(e) => {
                    run.notice = Some(format!("Saved progress could not be restored and was discarded ({e}); starting over."));
                    remove_saved(name);
                }
            }
            let (seed, scenario) = (run.workshop.start.seed, run.workshop.start.scenario.clone());
            self.reset(seed, &scenario);
        }
        self.start_run(&mut run);
        self.workshop = Some(run);
    }

    /// Runs the workshop's setup and enters its first step.
    fn start_run(&mut self, run: &mut Run) {
        if let Err(e) = kubeplay_workshop::start(&mut self.session, &run.workshop) {
            run.notice = Some(e);
        }
        if let Some(step) = run.workshop.steps.first() {
            if let Err(e) = kubeplay_workshop::enter_step(&mut self.session, step) {
                run.notice = Some(e.to_string());
            }
        }
        self.collect_now();
    }

    /// Re-evaluates the current step's checks when due; a step whose checks pass is done and
    /// the next one begins. Saves progress when it changed.
    pub fn workshop_tick(&mut self, now_ms: f64) {
        let Some(mut run) = self.workshop.take() else {
            return;
        };
        let cluster = self.session.cluster();
        let (rv, now_sim) = (cluster.resource_version(), cluster.now().millis());
        // Not while a command holds the console: its output is still coming.
        if !run.finished() && !self.session.busy() && run.due(rv, now_sim) {
            let w = run.workshop.clone();
            if let Some(step) = w.steps.get(run.step) {
                let status = kubeplay_workshop::evaluate(&mut self.session, step);
                let passed = status.passed;
                run.status = Some(Rc::new(status));
                if passed {
                    run.set_step(run.step + 1, now_ms);
                    if let Some(next) = w.steps.get(run.step) {
                        if let Err(e) = kubeplay_workshop::enter_step(&mut self.session, next) {
                            run.notice = Some(e.to_string());
                        }
                    }
                    self.dirty = true;
                }
            }
        }
        if run.needs_save(self.session.log().len(), now_sim) {
            self.save_progress(&run);
        }
        self.workshop = Some(run);
    }

    /// "Go to step N": the cluster as the solutions of the steps before N leave it, at once.
    pub fn workshop_go_to(&mut self, n: usize, now_ms: f64) {
        let Some(mut run) = self.workshop.take() else {
            return;
        };
        let w = run.workshop.clone();
        self.reset(w.start.seed, &w.start.scenario);
        run.notice = None;
        if let Err(e) = kubeplay_workshop::start(&mut self.session, &w) {
            run.notice = Some(e);
        }
        match kubeplay_workshop::go_to_step(&mut self.session, &w, n) {
            Ok(()) => run.set_step(n, now_ms),
            Err(e) => {
                run.notice = Some(format!("Could not go to step {}: {e}", n + 1));
                run.set_step(0, now_ms);
            }
        }
        self.collect_now();
        self.workshop = Some(run);
    }

    /// "Start over": a fresh cluster and the first step; saved progress is dropped.
    pub fn workshop_reset(&mut self, now_ms: f64) {
        let Some(mut run) = self.workshop.take() else {
            return;
        };
        remove_saved(&run.name);
        let w = run.workshop.clone();
        self.reset(w.start.seed, &w.start.scenario);
        run.set_step(0, now_ms);
        run.notice = None;
        self.start_run(&mut run);
        self.workshop = Some(run);
    }

    /// "Do it for me": the step's solution, run in the console for the reader to see.
    pub fn workshop_solve(&mut self) {
        let Some(step) = self
            .workshop
            .as_ref()
            .and_then(|r| r.workshop.steps.get(r.step).cloned())
        else {
            return;
        };
        for command in &step.solution {
            self.run_line(command);
        }
    }

    /// Shows one more of the hints that apply now.
    pub fn workshop_hint(&mut self, now_ms: f64) {
        if let Some(run) = &mut self.workshop {
            if run.revealed < run.hints_now(now_ms) {
                run.revealed += 1;
            }
        }
    }

    fn save_progress(&self, run: &Run) {
        let cluster = self.session.cluster();
        let progress = kubeplay_workshop::Progress {
            version: kubeplay_workshop::Progress::VERSION,
            workshop: run.name.clone(),
            step: run.step,
            seed: self.seed,
            log: self.session.log().to_vec(),
            now_ms: cluster.now().millis(),
        };
        let _ = LocalStorage::set(storage_key(&run.name), &progress);
    }

    /// Saved progress of this workshop rebuilt: Ok(Some(step)) if there was some.
    fn restore_progress(&mut self, run: &Run) -> Result<Option<usize>, String> {
        let Ok(Some(text)) = LocalStorage::raw().get_item(&storage_key(&run.name)) else {
            return Ok(None);
        };
        let p = kubeplay_workshop::Progress::parse(&text)?;
        if p.workshop != run.name || p.step > run.workshop.steps.len() {
            return Err("it is for another workshop".into());
        }
        let w = &run.workshop;
        self.reset(p.seed, &w.start.scenario);
        self.session
            .replay_until(&p.log, kubeplay_api::Time(p.now_ms))
            .map_err(|e| e.to_string())?;
        self.restore_history(&p.log);
        Ok(Some(p.step))
    }
}

fn remove_saved(name: &str) {
    LocalStorage::delete(storage_key(name));
}
