//! "Be the scheduler" (`kubeplay-game`) drawn: the wells, the falling piece, why a well refuses
//! it, each move's score against kube-scheduler, and the end screen; keys, clicks and taps
//! drive it, and animation frames advance its tick clock. No game logic here.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use kubeplay_game::{DropError, EndReport, Game, Verdict, Well};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The best score of a seed, kept in the browser.
fn best_key(seed: u64) -> String {
    format!("kubeplay.game.best.v1.{seed}")
}

fn load_best(seed: u64) -> u64 {
    LocalStorage::get::<u64>(best_key(seed)).unwrap_or(0)
}

/// A fresh seed for the header's button (the game itself has no randomness but its seed).
pub fn new_seed() -> u64 {
    (js_sys::Math::random() * 1_000_000.0) as u64
}

/// What the player sees besides the game: the last refusal and the end report once computed.
struct Ui {
    game: Game,
    /// The well that refused the last drop, and the plugin with its reason.
    refusal: Option<(usize, String)>,
    report: Option<Rc<EndReport>>,
    best: u64,
    /// The best score before this game, to say "new best".
    best_before: u64,
}

impl Ui {
    fn new(seed: u64) -> Ui {
        let best = load_best(seed);
        Ui {
            game: Game::new(seed),
            refusal: None,
            report: None,
            best,
            best_before: best,
        }
    }

    /// After any move: the end report once the game is over, and the best score saved.
    fn settle(&mut self) {
        if self.game.over().is_some() && self.report.is_none() {
            self.report = self.game.end_report().map(Rc::new);
            let score = self.game.score();
            if score > self.best {
                self.best = score;
                let _ = LocalStorage::set(best_key(self.game.seed()), score);
            }
        }
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Left => self.game.move_left(),
            Action::Right => self.game.move_right(),
            Action::Drop(node) => {
                let node = node.unwrap_or(self.game.column());
                self.game.move_to(node);
                match self.game.drop(node) {
                    Ok(_) => self.refusal = None,
                    Err(DropError::Refused { plugin, reason, .. }) => {
                        self.refusal = Some((node, format!("{plugin}: {reason}")))
                    }
                    Err(_) => {}
                }
            }
        }
        self.settle();
    }
}

/// The animation-frame callback, which asks for the next frame with itself.
type FrameLoop = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

#[derive(Clone, Copy)]
enum Action {
    Left,
    Right,
    /// On a well (None: the one the piece is over).
    Drop(Option<usize>),
}

#[derive(Properties, PartialEq)]
pub struct GameProps {
    pub seed: u64,
    pub on_close: Callback<()>,
    /// Starts another game with this seed.
    pub on_seed: Callback<u64>,
}

/// Whether a key event comes from a field the user types in (the console, an input, the
/// timeline's slider): its keys are not the game's.
fn typing(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| crate::presenter::editable(&el))
}

/// The keys the game owns while it is open: ← → move, Space or ↓ drop.
fn action_of(key: &str) -> Option<Action> {
    match key {
        "ArrowLeft" => Some(Action::Left),
        "ArrowRight" => Some(Action::Right),
        "ArrowDown" | " " | "Spacebar" => Some(Action::Drop(None)),
        _ => None,
    }
}

#[function_component(GameView)]
pub fn game_view(props: &GameProps) -> Html {
    let seed = props.seed;
    let ui = use_mut_ref(|| Ui::new(seed));
    let update = use_force_update();
    let root = use_node_ref();

    // Keys (on the window, capturing, so that the page's own shortcuts and a slide deck do not
    // also take them) and the frame loop that advances the game's ticks.
    {
        let ui = ui.clone();
        let update = update.clone();
        let root = root.clone();
        use_effect_with(seed, move |_| {
            if let Some(el) = root.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
            let window = web_sys::window();
            let keys = {
                let ui = ui.clone();
                let update = update.clone();
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    if e.ctrl_key() || e.alt_key() || e.meta_key() || typing(&e) {
                        return;
                    }
                    let Some(action) = action_of(&e.key()) else {
                        return;
                    };
                    // Space on a focused button would also click it on keyup: the game owns it.
                    e.prevent_default();
                    e.stop_propagation();
                    if e.type_() == "keydown" {
                        ui.borrow_mut().act(action);
                        update.force_update();
                    }
                })
            };
            if let Some(w) = &window {
                for kind in ["keydown", "keyup"] {
                    let _ = w.add_event_listener_with_callback_and_bool(
                        kind,
                        keys.as_ref().unchecked_ref(),
                        true,
                    );
                }
            }
            let alive = Rc::new(RefCell::new(true));
            // The pending request, cancelled on close so the closure is never called dropped.
            let pending = Rc::new(std::cell::Cell::new(None::<i32>));
            let pending2 = pending.clone();
            let frame: FrameLoop = Rc::new(RefCell::new(None));
            let next = frame.clone();
            let last = Rc::new(RefCell::new(None::<f64>));
            let carry = Rc::new(RefCell::new(0.0f64));
            let shown = Rc::new(RefCell::new((0u32, None::<u32>)));
            let alive2 = alive.clone();
            *frame.borrow_mut() = Some(Closure::new(move |ts: f64| {
                if !*alive2.borrow() {
                    return;
                }
                // Wall time becomes ticks here; a hidden tab's long gap counts as one frame.
                let dt = last.borrow().map_or(0.0, |l| (ts - l).clamp(0.0, 100.0));
                *last.borrow_mut() = Some(ts);
                let ms = *carry.borrow() + dt;
                let per_tick = 1000.0 / kubeplay_game::sequence::TICKS_PER_SECOND as f64;
                let ticks = (ms / per_tick).floor();
                *carry.borrow_mut() = ms - ticks * per_tick;
                let redraw = {
                    let mut u = ui.borrow_mut();
                    let moved = ticks >= 1.0 && u.game.tick(ticks as u32).is_some();
                    if moved {
                        u.refusal = None;
                        u.settle();
                    }
                    // Redraw when the piece has moved a visible step (a 400th of its fall).
                    let now = ((u.game.fall() * 400.0) as u32, u.game.seconds_left());
                    let changed = now != *shown.borrow();
                    *shown.borrow_mut() = now;
                    moved || changed
                };
                if redraw {
                    update.force_update();
                }
                if let (Some(w), Some(cb)) = (web_sys::window(), next.borrow().as_ref()) {
                    pending2.set(w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
                }
            }));
            if let (Some(w), Some(cb)) = (&window, frame.borrow().as_ref()) {
                pending.set(w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
            }
            move || {
                *alive.borrow_mut() = false;
                if let Some(w) = web_sys::window() {
                    for kind in ["keydown", "keyup"] {
                        let _ = w.remove_event_listener_with_callback_and_bool(
                            kind,
                            keys.as_ref().unchecked_ref(),
                            true,
                        );
                    }
                }
                drop(keys);
                if let (Some(w), Some(id)) = (web_sys::window(), pending.get()) {
                    let _ = w.cancel_animation_frame(id);
                }
                // Breaks the closure's cycle through `next`; no frame is pending any more.
                frame.borrow_mut().take();
            }
        });
    }

    let act = |action: Action| {
        let ui = ui.clone();
        let update = update.clone();
        Callback::from(move |_: MouseEvent| {
            ui.borrow_mut().act(action);
            update.force_update();
        })
    };
    let again = {
        let ui = ui.clone();
        let update = update.clone();
        Callback::from(move |_| {
            *ui.borrow_mut() = Ui::new(seed);
            update.force_update();
        })
    };
    let another = {
        let on_seed = props.on_seed.clone();
        Callback::from(move |_| on_seed.emit(new_seed()))
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };

    let u = ui.borrow();
    let g = &u.game;
    let wells = g.wells();
    let piece = g.piece();
    let last = g.moves().last();
    let link = format!("?game={seed}");
    let status = match (piece, g.over()) {
        (Some(p), _) => {
            let mut s = format!(
                "{}: {} CPU, {} memory",
                p.name(),
                kubeplay_game::cpu(p.shape.cpu_millis()),
                kubeplay_game::gib(p.shape.memory_bytes())
            );
            for c in p.constraints() {
                s.push_str(" · ");
                s.push_str(&c);
            }
            s
        }
        (None, Some(o)) if !o.pod.is_empty() => format!("{} fits nowhere", o.pod),
        _ => "The sequence is over".to_string(),
    };
    let event = g
        .events()
        .last()
        .filter(|e| piece.is_some_and(|p| p.index <= e.index + 2))
        .map(|e| e.message.clone());

    html! {
        <section class="game" data-testid="game" data-seed={seed.to_string()} data-over={g.over().is_some().to_string()}
            aria-label="Be the scheduler" tabindex="-1" ref={root}>
            <header class="game-bar">
                <h2>{"Be the scheduler"}</h2>
                <span class="game-level" data-testid="game-level">{format!("Level {}", g.level())}</span>
                <span class="game-points">{"Score "}<strong data-testid="game-score" aria-live="polite">{g.score()}</strong></span>
                <span class="game-best" title="Your best score for this seed, kept in this browser">{format!("Best {}", u.best)}</span>
                <a class="game-link" href={link.clone()} title="The same game for anyone who opens this link">{format!("seed {seed}")}</a>
                <span class="game-keys">{"← → move · Space or ↓ drop · or click a node"}</span>
                <button class="game-close" data-testid="game-close" onclick={close.clone()}>{"Back to the cluster"}</button>
            </header>
            <p class="game-status" data-testid="game-status">
                <span>{status}</span>
                if let Some(s) = g.seconds_left() { <span class="game-timer" data-testid="game-timer">{format!(" · falls in {s} s")}</span> }
                if let Some(e) = event { <span class="game-event" data-testid="game-event">{format!(" · {e}")}</span> }
            </p>
            <div class="game-field">
                { for wells.iter().enumerate().map(|(i, w)| well(i, w, &u, act(Action::Drop(Some(i))))) }
            </div>
            <p class="game-last" data-testid="game-last">
                { match last {
                    Some(m) => {
                        let pick = if m.node == m.best_node {
                            format!("{} on {}: kube-scheduler (default profile) would have put it there too.", m.pod, m.node)
                        } else {
                            format!("{} on {}: kube-scheduler (default profile) would have put it on {}.", m.pod, m.node, m.best_node)
                        };
                        let fell = if m.fell && m.points == 0 { " It fell on a node that refuses it, so kube-scheduler placed it: no points." } else if m.fell { " It fell where it was." } else { "" };
                        html! { <>
                            {pick}{fell}
                            <span class="game-move" data-testid="game-move">{format!(" {}% of kube-scheduler's score", m.share_pct)}
                                if m.packing_bonus > 0 { {format!(" + {} packing bonus (filled {})", m.packing_bonus, m.node)} }
                                {format!(" = +{}", m.points)}</span>
                        </> }
                    }
                    None => html! { {"Drop the pod on a node. Each drop is scored against the node kube-scheduler's default profile would choose."} },
                } }
            </p>
            if let (Some(r), Some(over)) = (&u.report, g.over()) {
                <section class="game-end" data-testid="game-end" data-replay={r.replay_summary()} aria-label="Game over">
                    <h3>{"Game over"}</h3>
                    <p class="ge-why">{format!("{}: {}", if over.pod.is_empty() { "end" } else { over.pod.as_str() }, over.message)}</p>
                    if g.score() > u.best_before && u.best_before > 0 { <p class="ge-best">{"A new best for this seed!"}</p> }
                    <div class="ge-cols">
                        { for r.columns.iter().map(|c| html! {
                            <section class="ge-col" data-testid="game-column" data-title={c.title.clone()} aria-label={c.title.clone()}>
                                <h4>{c.title.clone()}</h4>
                                <dl>
                                    <dt>{"Pods placed"}</dt><dd data-field="placed">{c.placed}{ if c.lost > 0 { format!(" ({} lost)", c.lost) } else { String::new() } }</dd>
                                    <dt>{"CPU requested"}</dt><dd data-field="cpu">{c.cpu_text()}</dd>
                                    <dt>{"Memory requested"}</dt><dd data-field="memory">{c.memory_text()}</dd>
                                    <dt title="Free CPU on nodes that cannot hold a 1 CPU / 2Gi pod, as a share of all free CPU">{"Fragmentation"}</dt><dd data-field="fragmentation">{format!("{}%", c.fragmentation_pct)}</dd>
                                    <dt>{"Score"}</dt><dd data-field="score">{c.score}</dd>
                                </dl>
                                <p class="ge-ended">{format!("stopped at {}", if c.ended.pod.is_empty() { "the end" } else { c.ended.pod.as_str() })}</p>
                            </section>
                        }) }
                    </div>
                    <p class="ge-actions">
                        <button data-testid="game-again" onclick={again}>{"Play again"}</button>
                        <button onclick={another}>{"New seed"}</button>
                        <a href={link}>{format!("Link to this game (seed {seed})")}</a>
                        <button onclick={close}>{"Back to the cluster"}</button>
                    </p>
                </section>
            }
        </section>
    }
}

/// One well: its sky (where the piece hangs when it is over this well), the node with its
/// pieces, and its label.
fn well(i: usize, w: &Well, u: &Ui, on_click: Callback<MouseEvent>) -> Html {
    let g = &u.game;
    let piece = g.piece().filter(|_| g.column() == i);
    let last = g.moves().last();
    let best = last.is_some_and(|m| m.best_node == w.name);
    let refusal = u
        .refusal
        .as_ref()
        .filter(|(n, _)| *n == i)
        .map(|(_, t)| t.clone());
    let rejected = match &w.verdict {
        Verdict::Rejected { .. } => Some(w.verdict.text()),
        Verdict::Fits => None,
    };
    let mut label = vec![w.zone.clone()];
    label.extend(w.labels.iter().cloned());
    let state = if w.failed {
        "failed"
    } else if w.cordoned {
        "cordoned"
    } else {
        "ready"
    };
    let aria = format!(
        "{}: {}, CPU {} of {}, memory {} of {}{}",
        w.name,
        state,
        kubeplay_game::cpu(w.usage.cpu_requested_millis),
        kubeplay_game::cpu(w.usage.cpu_allocatable_millis),
        kubeplay_game::gib(w.usage.memory_requested_bytes),
        kubeplay_game::gib(w.usage.memory_allocatable_bytes),
        rejected
            .as_ref()
            .map_or(String::new(), |r| format!("; refuses the pod: {r}"))
    );
    let mem_pct = 100 * w.usage.memory_requested_bytes / w.usage.memory_allocatable_bytes.max(1);
    html! {
        <div class={classes!("gw-col", (g.column() == i).then_some("over"))} key={w.name.clone()} style={format!("--cols:{}", w.columns)}>
            <div class="gw-sky">
                if let Some(p) = piece {
                    <div class="game-piece" data-testid="game-piece" data-pod={p.name().to_string()} data-column={w.name.clone()}
                        data-index={p.index.to_string()} data-fits={w.verdict.fits().to_string()}
                        style={format!("--rows:{};--cols:{};--hue:{};transform:translateY(calc(var(--cell) * {:.3}))",
                            p.shape.rows, p.shape.columns, kubeplay_game::hue(p.app), g.fall() * (5 - p.shape.rows.min(5)) as f64)}
                        aria-hidden="true"></div>
                }
            </div>
            <div class="gw-body">
                <button class={classes!("gw-well", state, rejected.is_some().then_some("rejected"), best.then_some("best"), refusal.is_some().then_some("refused"))}
                    data-kind="node" data-name={w.name.clone()} data-fits={w.verdict.fits().to_string()} data-state={state}
                    style={format!("--rows:{}", w.rows)} onclick={on_click} aria-label={aria}>
                    <span class="gw-stack">
                        { for w.pieces.iter().map(|p| html! {
                            <span class="gw-pod" key={p.pod.clone()} data-pod={p.pod.clone()} title={p.pod.clone()}
                                style={format!("--rows:{};--cols:{};--hue:{}", p.rows, p.columns, kubeplay_game::hue(&p.app))}></span>
                        }) }
                    </span>
                </button>
                // Beside the button, not in it: its name is the aria-label, and these say it
                // again for the eye (and the refusal once more to a screen reader, as an alert).
                if let Some(r) = &rejected { <span class="gw-verdict" data-testid="game-verdict" aria-hidden="true">{format!("✗ {r}")}</span> }
                if let Some(t) = refusal { <span class="gw-refusal" data-testid="game-refusal" data-node={w.name.clone()} role="alert">{format!("Refused: {t}")}</span> }
                if best { <span class="gw-best" data-testid="game-best">{"kube-scheduler's pick"}</span> }
            </div>
            <div class="gw-label">
                <strong>{w.name.clone()}</strong>{format!(" {}", label.join(" "))}
                { for w.taints.iter().map(|t| html! { <span class="gw-taint">{t.clone()}</span> }) }
                if w.cordoned { <span class="gw-taint">{"cordoned"}</span> }
                <span class="gw-use">{format!("CPU {}/{} · mem {}/{}", kubeplay_game::cpu(w.usage.cpu_requested_millis), kubeplay_game::cpu(w.usage.cpu_allocatable_millis), kubeplay_game::gib(w.usage.memory_requested_bytes), kubeplay_game::gib(w.usage.memory_allocatable_bytes))}</span>
                <span class="gw-mem" style={format!("--pct:{mem_pct}%")} aria-hidden="true"></span>
            </div>
        </div>
    }
}
