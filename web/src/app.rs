//! The page: header with time controls, the board, side panels and the console; the frame loop
//! that moves simulated time; and `window.kubeplay` for tests and embedding.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use kubeplay_view::page::PageOptions;

use crate::board::BoardView;
use crate::console::ConsoleView;
use crate::panels::{ActivityPanel, EventsPanel, RolloutPanel, ServicePanel, TrafficPanel};
use crate::sim::{Sim, SimRef, SPEEDS};
use crate::workshop::{PanelActions, RunView, WorkshopPanel};

/// The workshop a visitor sees first ("Start here"), when the URL names none.
const FIRST_WORKSHOP: &str = "kelsey-2016";

/// Wall-clock milliseconds since the page loaded (the page's frame loop and the dots use it;
/// the engine never does).
pub(crate) fn wall_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Opens the workshop the URL names (`?workshop=NAME` built in, or `?workshop=PATH` served next
/// to the page), else the first one on the cluster already there. Errors go to `error`.
fn open_workshop(
    sim: &SimRef,
    update: UseForceUpdateHandle,
    error: UseStateHandle<Option<String>>,
    show: bool,
) {
    match page_options().workshop {
        Some(name) => match crate::workshop::builtin(&name) {
            Some(Ok(w)) => sim.borrow_mut().open_workshop(&name, w, true, wall_ms()),
            Some(Err(e)) => error.set(Some(format!("workshop {name}: {e}"))),
            None => match kubeplay_workshop::served_path(&name) {
                Err(e) => error.set(Some(e)),
                Ok(path) => {
                    let sim = sim.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        match crate::workshop::fetch_workshop(&path).await {
                            Ok(w) => sim.borrow_mut().open_workshop(&path, w, true, wall_ms()),
                            Err(e) => error.set(Some(format!("workshop {path}: {e}"))),
                        }
                        update.force_update();
                    });
                }
            },
        },
        None if show => {
            if let Some(Ok(w)) = crate::workshop::builtin(FIRST_WORKSHOP) {
                sim.borrow_mut()
                    .open_workshop(FIRST_WORKSHOP, w, false, wall_ms());
            }
        }
        None => {}
    }
}

/// What the page's URL asks for (`kubeplay_view::page`).
fn page_options() -> PageOptions {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    PageOptions::from_query(&search)
}

/// Exposes `window.kubeplay.run(line)`, a Promise of the console output of that line.
fn install_api(sim: &SimRef) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = page_api(&window);
    let s = sim.clone();
    let run = Closure::<dyn Fn(JsValue) -> js_sys::Promise>::new(move |line: JsValue| {
        let line = line.as_string().unwrap_or_default();
        let s = s.clone();
        js_sys::Promise::new(&mut |resolve, _reject| {
            let ids = s.borrow_mut().run_line(&line);
            s.borrow_mut().resolve_when_done(ids, resolve);
            s.borrow().notify();
        })
    });
    let _ = js_sys::Reflect::set(&api, &"run".into(), run.as_ref());
    run.forget();
    // Where frame time goes: {frames, engineMs, viewMs, views}.
    let s = sim.clone();
    let stats = Closure::<dyn Fn() -> JsValue>::new(move || {
        let st = s.borrow().stats;
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"frames".into(), &(st.frames as f64).into());
        let _ = js_sys::Reflect::set(&o, &"engineMs".into(), &st.engine_ms.into());
        let _ = js_sys::Reflect::set(&o, &"viewMs".into(), &st.view_ms.into());
        let _ = js_sys::Reflect::set(&o, &"views".into(), &(st.views as f64).into());
        o.into()
    });
    let _ = js_sys::Reflect::set(&api, &"stats".into(), stats.as_ref());
    stats.forget();
    // The scheduler benchmark of the wasm build: places `pods` synthetic pods on `nodes` nodes
    // with the default profile (decision records off, as for bulk runs) and returns
    // {pods: bound, ms: wall time of the placement alone}.
    let bench = Closure::<dyn Fn(u32, u32) -> JsValue>::new(move |nodes: u32, pods: u32| {
        use kubeplay_scheduler::workload;
        let (nodes, pods) = (nodes.min(5_000) as usize, pods.min(50_000) as usize);
        let (ns, ps, owners) = (
            workload::nodes(nodes),
            workload::pods(pods, 100),
            workload::selectors(100),
        );
        let mut sched = kubeplay_scheduler::Scheduler::default();
        sched.set_decision_records(false);
        let perf = web_sys::window().and_then(|w| w.performance());
        let t0 = perf.as_ref().map_or(0.0, |p| p.now());
        let bound = workload::place_all(&mut sched, &ns, &ps, &owners);
        let ms = perf.as_ref().map_or(0.0, |p| p.now()) - t0;
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"pods".into(), &(bound as f64).into());
        let _ = js_sys::Reflect::set(&o, &"ms".into(), &ms.into());
        o.into()
    });
    let _ = js_sys::Reflect::set(&api, &"benchScheduler".into(), bench.as_ref());
    bench.forget();
    // The engine benchmark of the wasm build (issue 15): creates `kubeplay_engine::workload` on a
    // fresh cluster (not the page's), settles it a simulated second at a time, then runs ten
    // simulated minutes with traffic on 10 Services. Returns {settled: simulated ms or null,
    // settleMs, tenMinutesMs: wall times}. Blocks the page while it runs, as any bench would.
    let bench_engine = Closure::<dyn Fn(u32, u32, u32) -> JsValue>::new(
        move |nodes: u32, deployments: u32, replicas: u32| {
            use kubeplay_engine::workload;
            let (nodes, deployments, replicas) = (
                nodes.min(5_000) as usize,
                deployments.min(1_000) as usize,
                replicas.min(1_000) as usize,
            );
            let perf = web_sys::window().and_then(|w| w.performance());
            let now = || perf.as_ref().map_or(0.0, |p| p.now());
            let mut c = kubeplay_engine::Cluster::new(kubeplay_engine::ClusterConfig {
                seed: 1,
                record_trace: false,
            });
            let t0 = now();
            let settled =
                workload::create_and_settle(&mut c, nodes, deployments, replicas, 600_000);
            let t1 = now();
            workload::start_traffic(&mut c, deployments.min(10));
            c.advance(600_000);
            let t2 = now();
            let o = js_sys::Object::new();
            let settled = settled.map_or(JsValue::NULL, |ms| JsValue::from(ms as f64));
            let _ = js_sys::Reflect::set(&o, &"settled".into(), &settled);
            let _ = js_sys::Reflect::set(&o, &"settleMs".into(), &(t1 - t0).into());
            let _ = js_sys::Reflect::set(&o, &"tenMinutesMs".into(), &(t2 - t1).into());
            o.into()
        },
    );
    let _ = js_sys::Reflect::set(&api, &"benchEngine".into(), bench_engine.as_ref());
    bench_engine.forget();
    // The trace of a script on a fresh cluster (`kubeplay run --seed N --trace` natively), for
    // the browser suite's check that wasm and native runs agree byte for byte.
    let trace = Closure::<dyn Fn(f64, String) -> String>::new(|seed: f64, script: String| {
        kubeplay_console::trace_of(seed.max(0.0) as u64, &script)
    });
    let _ = js_sys::Reflect::set(&api, &"traceOf".into(), trace.as_ref());
    trace.forget();
}

/// `window.kubeplay`, created on first use: components install their own hooks on it (the
/// board map's `map()`), and child components' effects run before the app's.
pub fn page_api(window: &web_sys::Window) -> js_sys::Object {
    if let Ok(o) = js_sys::Reflect::get(window, &"kubeplay".into()) {
        if let Ok(o) = o.dyn_into::<js_sys::Object>() {
            return o;
        }
    }
    let api = js_sys::Object::new();
    let _ = js_sys::Reflect::set(window, &"kubeplay".into(), &api);
    api
}

#[function_component(App)]
pub fn app() -> Html {
    let sim: SimRef = use_mut_ref(|| {
        let o = page_options();
        let mut s = Sim::new(o.seed, &o.scenario);
        if let Some(speed) = o.speed {
            s.set_speed(speed);
        }
        s
    });
    let update = use_force_update();
    let theme = use_state(|| if page_options().dark { "dark" } else { "light" }.to_string());
    let workshop_error = use_state(|| None::<String>);
    // The Share dialog's link and file, while it is open; why a link or file did not open.
    let share = use_state(|| None::<(String, String)>);
    let share_error = use_state(|| None::<String>);
    let catalog = use_memo((), |_| crate::workshop::catalog());
    let selected = use_state(|| None::<String>);
    // Presenters pick the panels beside the board (`?panels=traffic,console`, `?tour=0`).
    let panels = *use_memo((), |_| page_options().panels);
    // "Be the scheduler": the seed of the open game (`?game=SEED` opens one at load).
    let game = use_state(|| page_options().game);

    // Install the API, the presenter's controls and the frame loop once.
    {
        let sim = sim.clone();
        let update = update.clone();
        let workshop_error_set = workshop_error.clone();
        let share_error = share_error.clone();
        let deselect = {
            let selected = selected.clone();
            Callback::from(move |()| selected.set(None))
        };
        use_effect_with((), move |_| {
            let u = update.clone();
            sim.borrow_mut().on_change = Some(Box::new(move || u.force_update()));
            install_api(&sim);
            // A share link opens its cluster, paused, instead of a workshop.
            match crate::share::from_location() {
                Some(opened) => {
                    let opened = opened.and_then(|shared| sim.borrow_mut().open_shared(&shared));
                    if let Err(e) = opened {
                        sim.borrow_mut().reset(1, "empty");
                        share_error.set(Some(format!("The share link did not open: {e}")));
                    }
                    // Paused, the frame loop does not redraw: draw the opened cluster now.
                    update.force_update();
                }
                None => open_workshop(&sim, update.clone(), workshop_error_set, panels.tour),
            }
            crate::presenter::install_messages(&sim, update.clone());
            crate::presenter::install_keys(&sim, update.clone(), deselect);
            let last = Rc::new(RefCell::new(None::<f64>));
            let f: Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>> = Rc::new(RefCell::new(None));
            let g = f.clone();
            let alive = Rc::new(RefCell::new(true));
            let alive2 = alive.clone();
            *g.borrow_mut() = Some(Closure::new(move |ts: f64| {
                if !*alive2.borrow() {
                    return;
                }
                let dt = last.borrow().map_or(0.0, |l| ts - l);
                *last.borrow_mut() = Some(ts);
                let playing = {
                    let mut s = sim.borrow_mut();
                    let perf = web_sys::window().and_then(|w| w.performance());
                    let now = move || perf.as_ref().map_or(0.0, |p| p.now());
                    // Leave most of a 60 Hz frame to drawing.
                    s.frame(dt, 3.0, &now);
                    s.workshop_tick(now());
                    // Paused, the board still finishes drawing what changed.
                    s.playing || s.behind()
                };
                if playing {
                    update.force_update();
                }
                if let (Some(w), Some(cb)) = (web_sys::window(), f.borrow().as_ref()) {
                    let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                }
            }));
            if let (Some(w), Some(cb)) = (web_sys::window(), g.borrow().as_ref()) {
                let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
            }
            move || {
                *alive.borrow_mut() = false;
            }
        });
    }

    let view = {
        let mut s = sim.borrow_mut();
        let now = web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now());
        let force = std::mem::take(&mut s.dirty);
        let v = s.view(now, force);
        let after = web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now());
        s.stats.view_ms += after - now;
        v
    };
    let s = sim.borrow();
    let cluster = s.session.cluster();
    let board = view.board.clone();
    let clock = kubeplay_view::clock(cluster.now());
    let inspection = (*selected).as_ref().and_then(|name| {
        let ns = board
            .nodes
            .iter()
            .flat_map(|n| n.pods.iter())
            .chain(board.pending.iter())
            .find(|p| &p.name == name)?
            .namespace
            .clone();
        kubeplay_view::inspect(cluster, &ns, name)
    });
    let workshop_view = s.workshop.as_ref().map(|r| RunView::of(r, wall_ms()));
    let (start_ms, end_ms, now_ms, rewound) = (
        s.start_ms,
        s.end_ms(),
        cluster.now().millis(),
        s.timeline.is_some(),
    );
    let playing = s.playing;
    let profile = s.profile().to_string();
    let profiles = s.profiles.clone();
    let speed = s.speed;
    drop(s);
    let entries = sim.borrow_mut().entries();

    let on_play = {
        let sim = sim.clone();
        let update = update.clone();
        Callback::from(move |_| {
            let p = !sim.borrow().playing;
            sim.borrow_mut().playing = p;
            crate::presenter::post_state(&sim.borrow());
            update.force_update();
        })
    };
    let on_step = {
        let sim = sim.clone();
        let update = update.clone();
        Callback::from(move |_| {
            let mut s = sim.borrow_mut();
            s.step_second();
            drop(s);
            update.force_update();
        })
    };
    let on_speed = {
        let sim = sim.clone();
        let update = update.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                if let Ok(v) = sel.value().parse::<f64>() {
                    sim.borrow_mut().set_speed(v);
                    update.force_update();
                }
            }
        })
    };
    let on_profile = {
        let sim = sim.clone();
        let update = update.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                let id = sel.value();
                let mut s = sim.borrow_mut();
                s.run_line(&format!("kubectl apply -f schedulers/{id}.yaml"));
                drop(s);
                update.force_update();
            }
        })
    };
    // A session file (picked or dropped) replaces the cluster.
    let on_session_file = {
        let sim = sim.clone();
        let update = update.clone();
        let share = share.clone();
        let share_error = share_error.clone();
        Callback::from(move |file: web_sys::File| {
            let sim = sim.clone();
            let update = update.clone();
            let share = share.clone();
            let share_error = share_error.clone();
            crate::share::read_file(
                file,
                Callback::from(move |text: Result<String, String>| {
                    let opened = text.and_then(|t| {
                        kubeplay_console::share::Shared::from_json(&t).map_err(|e| e.to_string())
                    });
                    let opened = opened.and_then(|shared| sim.borrow_mut().open_shared(&shared));
                    share_error.set(
                        opened
                            .err()
                            .map(|e| format!("The session file did not open: {e}")),
                    );
                    share.set(None);
                    update.force_update();
                }),
            );
        })
    };
    let on_share = {
        let sim = sim.clone();
        let share = share.clone();
        Callback::from(move |_| {
            if share.is_some() {
                share.set(None);
            } else {
                let shared = sim.borrow().shared();
                share.set(Some((shared.to_fragment(), shared.to_json())));
            }
        })
    };
    let on_share_close = {
        let share = share.clone();
        Callback::from(move |()| share.set(None))
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let on_file = on_session_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                on_file.emit(f);
            }
        })
    };
    let on_seek = {
        let sim = sim.clone();
        let update = update.clone();
        let share_error = share_error.clone();
        Callback::from(move |at_ms: i64| {
            let r = sim.borrow_mut().seek(at_ms);
            if let Err(e) = r {
                share_error.set(Some(format!("Could not rewind: {e}")));
            }
            update.force_update();
        })
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |_| {
            theme.set(if *theme == "dark" {
                "light".into()
            } else {
                "dark".into()
            })
        })
    };
    // Stable callbacks, so that memoised components see equal props between frames.
    let run_command = {
        let sim = sim.clone();
        let update = update.clone();
        use_callback((), move |line: String, _| {
            sim.borrow_mut().run_line(&line);
            update.force_update();
        })
    };
    let on_apply_manifest = {
        let sim = sim.clone();
        let update = update.clone();
        use_callback((), move |text: String, _| {
            let mut s = sim.borrow_mut();
            // As a here-document, so that the command log (saved progress, replay) holds it.
            s.run_line(&format!(
                "kubectl apply -f - <<'KUBEPLAY_EOF'\n{}\nKUBEPLAY_EOF",
                text.trim_end()
            ));
            drop(s);
            update.force_update();
        })
    };
    let workshop_actions = {
        let act = |f: fn(&mut Sim, f64)| {
            let sim = sim.clone();
            let update = update.clone();
            Callback::from(move |()| {
                f(&mut sim.borrow_mut(), wall_ms());
                update.force_update();
            })
        };
        PanelActions {
            exec: run_command.clone(),
            copy: Callback::from(|text: String| {
                if let Some(w) = web_sys::window() {
                    let _ = w.navigator().clipboard().write_text(&text);
                }
            }),
            hint: act(|s, now| s.workshop_hint(now)),
            solve: act(|s, _| s.workshop_solve()),
            reset: act(|s, now| s.workshop_reset(now)),
            go_to: {
                let sim = sim.clone();
                let update = update.clone();
                Callback::from(move |n: usize| {
                    sim.borrow_mut().workshop_go_to(n, wall_ms());
                    update.force_update();
                })
            },
            open: Callback::from(|name: String| {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_search(&format!("workshop={name}"));
                }
            }),
        }
    };
    let on_select = {
        let selected = selected.clone();
        use_callback((), move |name: Option<String>, _| selected.set(name))
    };

    html! {
        <div class="app" data-theme={(*theme).clone()} style={format!("--sim-speed: {speed}")} ondragover={on_dragover} ondrop={on_drop}>
            <header class="topbar">
                <h1 class="brand"><span class="logo" aria-hidden="true">{"▦"}</span>{"kubeplay"}</h1>
                <p class="tagline">{"a Kubernetes cluster, simulated in your browser"}
                    <button data-testid="game-open" aria-pressed={game.is_some().to_string()} title="Be the scheduler: place pods yourself, scored against kube-scheduler" onclick={{
                        let game = game.clone();
                        Callback::from(move |_| game.set(if game.is_some() { None } else { Some(crate::game::new_seed()) }))
                    }}>{"Game"}</button>
                </p>
                <div class="time" role="group" aria-label="Simulated time">
                    <span class="clock" data-testid="sim-time" title="Simulated time since the cluster started" aria-live="off">{clock}</span>
                    <button data-testid="play-pause" onclick={on_play} aria-label={if playing {"Pause simulated time"} else {"Play simulated time"}}>
                        <svg class="icon" viewBox="0 0 10 10" aria-hidden="true">{ if playing { html!{<><rect x="1.5" y="1" width="2.5" height="8"/><rect x="6" y="1" width="2.5" height="8"/></>} } else { html!{<path d="M2 1 L9 5 L2 9 Z"/>} } }</svg>
                        { if playing { "Pause" } else { "Play" } }
                    </button>
                    <button data-testid="step" onclick={on_step} aria-label="Step +1s: advance one simulated second" disabled={playing}>{"Step +1s"}</button>
                    <label class="speed">{"Speed "}
                        <select data-testid="speed" aria-label="Simulation speed" onchange={on_speed}>
                            { for SPEEDS.iter().map(|v| html! {
                                <option value={v.to_string()} selected={(*v - speed).abs() < 1e-9}>{format!("{v}×")}</option>
                            }) }
                        </select>
                    </label>
                    <label class="speed" title="The scheduler's configuration: picking one applies its KubeSchedulerConfiguration">{"Scheduler "}
                        <select data-testid="scheduler-profile" aria-label="Scheduler profile" onchange={on_profile}>
                            { for profiles.iter().map(|(id, title, desc)| html! {
                                <option value={id.clone()} title={desc.clone()} selected={&profile == id}>{title.clone()}</option>
                            }) }
                            if profile == "custom" { <option value="custom" disabled=true selected=true>{"Custom (applied by hand)"}</option> }
                        </select>
                    </label>
                    <button data-testid="share" onclick={on_share} aria-expanded={share.is_some().to_string()} title="A link (or file) that holds this cluster: the commands that made it, with their simulated times">{"Share"}</button>
                    <button class="theme" onclick={on_theme} title="Switch light or dark theme">{ if *theme == "dark" { "Light theme" } else { "Dark theme" } }</button>
                </div>
            </header>
            if let Some((fragment, json)) = &*share {
                <crate::share::ShareDialog fragment={fragment.clone()} json={json.clone()} on_close={on_share_close} on_file={on_session_file} />
            }
            if let Some(e) = &*share_error {
                <section class="share-error" aria-label="Notice"><p data-testid="share-error" role="alert">{e}</p></section>
            }
            if panels.timeline {
                <crate::timeline::TimelineBar start_ms={start_ms} end_ms={end_ms} now_ms={now_ms} marks={view.marks.clone()} rewound={rewound} on_seek={on_seek} />
            }
            <main class="layout" data-side={panels.side().to_string()} data-console={panels.console.to_string()}>
                <section class="board-area" aria-label="Cluster board">
                    if let Some(seed) = *game {
                        <crate::game::GameView key={seed.to_string()} seed={seed} on_close={{ let game = game.clone(); Callback::from(move |()| game.set(None)) }} on_seed={{ let game = game.clone(); Callback::from(move |s: u64| game.set(Some(s))) }} />
                    } else {
                        <BoardView board={board.clone()} inspection={inspection} selected={(*selected).clone()} on_select={on_select.clone()} on_command={run_command.clone()} />
                    }
                </section>
                if panels.side() {
                    <aside class="side" aria-label="Workloads, traffic and activity">
                        if panels.traffic { <TrafficPanel samples={view.traffic.clone()} totals={view.traffic_totals} failures={board.requests.failures} /> }
                        if let Some(e) = &*workshop_error { <section class="panel notice" data-testid="workshop-error" role="alert"><h2>{"Workshop"}</h2><p>{e}</p></section> }
                        if let Some(run) = workshop_view { <WorkshopPanel run={run} actions={workshop_actions} catalog={catalog.clone()} /> }
                        if panels.deployments { <RolloutPanel deployments={board.deployments.clone()} on_command={run_command.clone()} /> }
                        if panels.services { <ServicePanel services={board.services.clone()} on_command={run_command.clone()} /> }
                        if panels.activity { <ActivityPanel activity={view.activity.clone()} /> }
                        if panels.events { <EventsPanel events={view.events.clone()} /> }
                        if panels.editor { <crate::editor::ManifestEditor on_apply={on_apply_manifest} /> }
                    </aside>
                }
                if panels.console {
                    <section class="console-area" aria-label="Console">
                        <ConsoleView entries={entries} on_command={run_command} />
                    </section>
                }
            </main>
        </div>
    }
}
