//! The board as a map on a canvas, for clusters too big for an element per pod (a thousand
//! nodes, ten thousand pods): `kubeplay_view::map` lays it out and answers what is under the
//! pointer; this only paints. A well is repainted only when its node changed, and a pod that
//! was just bound drops into its well, as on the element board.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use kubeplay_view::map::{self, Hit, MapLayout, Rect};
use kubeplay_view::{Board, NodeView, PodView};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// How long a piece takes to fall into its well, in wall milliseconds.
const FALL_MS: f64 = 500.0;
/// A rollout or a settling cluster binds hundreds of pods a second: past this many pieces in
/// the air, new ones appear in place (the picture reads the same, the frame stays short).
const MAX_FALLING: usize = 600;

#[derive(Properties, PartialEq)]
pub struct MapProps {
    pub board: Rc<Board>,
    pub selected: Option<String>,
    pub on_select: Callback<Option<String>>,
}

/// The colours of the page's theme, read from its CSS once per full repaint.
#[derive(Clone, Default)]
struct Theme {
    well: String,
    line: String,
    bad: String,
    warn: String,
    ink: String,
    dark: bool,
}

#[derive(Default)]
struct State {
    board: Option<Rc<Board>>,
    layout: Option<MapLayout>,
    zoom: f64,
    /// What each slot shows now: a node is repainted when its Rc changes.
    painted: Vec<Option<Rc<NodeView>>>,
    selected: Option<String>,
    /// Pods falling, by name: when they started (wall ms).
    falls: HashMap<String, f64>,
    theme: Theme,
    dpr: f64,
    /// Repaints done, for `window.kubeplay.map()`.
    paints: u64,
    wells_painted: u64,
    reduced_motion: bool,
    frame: Option<Closure<dyn FnMut(f64)>>,
    frame_pending: bool,
}

fn now_ms() -> f64 {
    crate::app::wall_ms()
}

fn css(el: &web_sys::Element, name: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| w.get_computed_style(el).ok().flatten())
        .and_then(|s| s.get_property_value(name).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.to_string())
}

/// A piece's fill, as on the element board: the owner's hue, a shade per version; creating
/// and not-ready pieces paler, terminating ones grey, failing ones red or amber.
fn fill(p: &PodView, theme: &Theme) -> String {
    let light = kubeplay_view::piece_lightness(&p.version);
    if p.terminating {
        return format!("hsl({}, 12%, {}%)", p.hue, if theme.dark { 40 } else { 74 });
    }
    match p.status.as_str() {
        "Running" if p.ready => format!(
            "hsl({}, {}%, {}%)",
            p.hue,
            kubeplay_view::PIECE_SATURATION,
            light
        ),
        "CrashLoopBackOff" | "Error" | "OOMKilled" => theme.bad.clone(),
        "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName" => theme.warn.clone(),
        "Completed" | "Succeeded" => theme.line.clone(),
        // Creating, running but not ready: the colour, faded.
        _ => format!(
            "hsla({}, {}%, {}%, 0.45)",
            p.hue,
            kubeplay_view::PIECE_SATURATION,
            light
        ),
    }
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Paints the `i`th slot: its well and pieces, pieces still falling `t` of the way down.
fn paint_slot(ctx: &CanvasRenderingContext2d, s: &State, board: &Board, i: usize, now: f64) {
    let Some(layout) = s.layout else { return };
    let n = &board.nodes[i];
    let (col, row) = (i % layout.columns, i / layout.columns);
    let slot = Rect {
        x: col as f64 * layout.slot,
        y: row as f64 * layout.slot,
        w: layout.slot,
        h: layout.slot,
    };
    ctx.clear_rect(slot.x, slot.y, slot.w, slot.h);
    let well = layout.well(i, n, board.max_cpu_millis, board.max_memory_bytes);
    ctx.set_fill_style_str(if n.kubelet_stopped {
        &s.theme.line
    } else {
        &s.theme.well
    });
    ctx.fill_rect(well.x, well.y, well.w, well.h);
    for (p, r) in n.pods.iter().zip(map::pieces(n, well)) {
        let mut y = r.y;
        if let Some(start) = s.falls.get(&p.name) {
            let t = ((now - start) / FALL_MS).clamp(0.0, 1.0);
            // Gravity: slow at the rim, fastest as it lands.
            y = slot.y - r.h + (r.y - slot.y + r.h) * t * t;
        }
        ctx.set_fill_style_str(&fill(p, &s.theme));
        ctx.fill_rect(r.x, y, r.w, r.h);
        if s.selected.as_deref() == Some(p.name.as_str()) {
            ctx.set_stroke_style_str(&s.theme.ink);
            ctx.set_line_width(1.5);
            ctx.stroke_rect(
                r.x + 0.75,
                y + 0.75,
                (r.w - 1.5).max(1.0),
                (r.h - 1.5).max(1.0),
            );
        }
    }
    // The node's state on its rim: red when not Ready, dashed when cordoned.
    if !n.ready || n.cordoned || n.full {
        ctx.set_stroke_style_str(&s.theme.bad);
        ctx.set_line_width(1.0);
        if n.cordoned && n.ready {
            ctx.set_stroke_style_str(&s.theme.warn);
        }
        ctx.stroke_rect(well.x + 0.5, well.y + 0.5, well.w - 1.0, well.h - 1.0);
    }
}

/// Brings the canvas up to `board`: a full repaint when the layout, theme or selection changed,
/// else only the slots whose node changed (and those with pieces falling).
fn paint(canvas: &HtmlCanvasElement, s: &mut State, board: &Rc<Board>, full: bool) {
    let Some(ctx) = context(canvas) else { return };
    let now = now_ms();
    let window = web_sys::window();
    let width = canvas
        .parent_element()
        .map(|p| p.client_width() as f64)
        .unwrap_or(800.0);
    // The whole cluster in what is left of the window below the map's top edge.
    let top = canvas.get_bounding_client_rect().top();
    let view_h = window
        .as_ref()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(720.0);
    let height = (view_h - top.max(0.0) - 16.0).max(160.0);
    let layout = MapLayout::fit(board.nodes.len(), width, height, s.zoom.max(1.0));
    let dpr = window
        .as_ref()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let relayout = s.layout != Some(layout) || s.dpr != dpr;
    if relayout {
        canvas.set_width((layout.width * dpr).round() as u32);
        canvas.set_height((layout.height * dpr).round() as u32);
        let _ = canvas.set_attribute(
            "style",
            &format!("width:{}px;height:{}px", layout.width, layout.height),
        );
        s.layout = Some(layout);
        s.dpr = dpr;
    }
    let full = full || relayout || s.painted.len() != board.nodes.len();
    if full {
        let el: &web_sys::Element = canvas.as_ref();
        let dark = el.closest("[data-theme=dark]").ok().flatten().is_some();
        s.theme = Theme {
            well: css(el, "--well", "#eef1f7"),
            line: css(el, "--line", "#d9dee8"),
            bad: css(el, "--bad", "#c22f2f"),
            warn: css(el, "--warn", "#985500"),
            ink: css(el, "--ink", "#1b2230"),
            dark,
        };
    }
    // Newly bound pods fall in; on the first paint (or a repaint of everything) none do.
    if !full && !s.reduced_motion {
        for (i, n) in board.nodes.iter().enumerate() {
            let Some(Some(before)) = s.painted.get(i) else {
                continue;
            };
            if Rc::ptr_eq(before, n) || s.falls.len() >= MAX_FALLING {
                continue;
            }
            for p in &n.pods {
                if s.falls.len() < MAX_FALLING && !before.pods.iter().any(|q| q.name == p.name) {
                    s.falls.insert(p.name.clone(), now);
                }
            }
        }
    }
    s.falls.retain(|_, start| now - *start < FALL_MS);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    if full {
        ctx.clear_rect(0.0, 0.0, layout.width, layout.height);
        s.painted = vec![None; board.nodes.len()];
    }
    let falling: std::collections::HashSet<&str> = s.falls.keys().map(|k| k.as_str()).collect();
    let mut repaint = Vec::new();
    for (i, n) in board.nodes.iter().enumerate() {
        let stale = !matches!(&s.painted[i], Some(p) if Rc::ptr_eq(p, n));
        if stale || n.pods.iter().any(|p| falling.contains(p.name.as_str())) {
            repaint.push(i);
        }
    }
    drop(falling);
    for &i in &repaint {
        paint_slot(&ctx, s, board, i, now);
        s.painted[i] = Some(board.nodes[i].clone());
    }
    s.paints += 1;
    s.wells_painted += repaint.len() as u64;
    s.board = Some(board.clone());
}

/// Keeps painting every animation frame while pieces fall.
fn schedule(state: &Rc<RefCell<State>>, canvas: &NodeRef) {
    let mut s = state.borrow_mut();
    if s.frame_pending || s.falls.is_empty() {
        return;
    }
    if s.frame.is_none() {
        let (state2, canvas2) = (state.clone(), canvas.clone());
        s.frame = Some(Closure::new(move |_t: f64| {
            state2.borrow_mut().frame_pending = false;
            let board = state2.borrow().board.clone();
            if let (Some(c), Some(b)) = (canvas2.cast::<HtmlCanvasElement>(), board) {
                paint(&c, &mut state2.borrow_mut(), &b, false);
            }
            schedule(&state2, &canvas2);
        }));
    }
    if let (Some(w), Some(f)) = (web_sys::window(), s.frame.as_ref()) {
        if w.request_animation_frame(f.as_ref().unchecked_ref())
            .is_ok()
        {
            s.frame_pending = true;
        }
    }
}

/// `window.kubeplay.map()`: what the map shows, for tests and benchmarks; and
/// `window.kubeplay.mapPoint(pod)`: where on the page that pod's piece is, to click it.
fn install_test_hooks(state: &Rc<RefCell<State>>, canvas: &NodeRef) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = crate::app::page_api(&window);
    let st = state.clone();
    let info = Closure::<dyn Fn() -> JsValue>::new(move || {
        let s = st.borrow();
        let o = js_sys::Object::new();
        let set = |k: &str, v: f64| {
            let _ = js_sys::Reflect::set(&o, &k.into(), &v.into());
        };
        let (nodes, pieces) = s.board.as_ref().map_or((0, 0), |b| {
            (b.nodes.len(), b.nodes.iter().map(|n| n.pods.len()).sum())
        });
        set("nodes", nodes as f64);
        set("pieces", pieces as f64);
        if let Some(l) = s.layout {
            set("columns", l.columns as f64);
            set("rows", l.rows as f64);
            set("slot", l.slot);
            set("width", l.width);
            set("height", l.height);
        }
        set("zoom", s.zoom);
        set("paints", s.paints as f64);
        set("wellsPainted", s.wells_painted as f64);
        set("falling", s.falls.len() as f64);
        o.into()
    });
    let _ = js_sys::Reflect::set(&api, &"map".into(), info.as_ref());
    info.forget();
    let (st, canvas) = (state.clone(), canvas.clone());
    let point = Closure::<dyn Fn(String) -> JsValue>::new(move |pod: String| {
        let s = st.borrow();
        let (Some(b), Some(l), Some(c)) = (&s.board, s.layout, canvas.cast::<HtmlCanvasElement>())
        else {
            return JsValue::NULL;
        };
        let origin = c.get_bounding_client_rect();
        for (i, n) in b.nodes.iter().enumerate() {
            if let Some(j) = n.pods.iter().position(|p| p.name == pod) {
                let r = map::pieces(n, l.well(i, n, b.max_cpu_millis, b.max_memory_bytes))[j];
                let o = js_sys::Object::new();
                let _ = js_sys::Reflect::set(
                    &o,
                    &"x".into(),
                    &(origin.left() + r.x + r.w.min(3.0) / 2.0).into(),
                );
                let _ =
                    js_sys::Reflect::set(&o, &"y".into(), &(origin.top() + r.y + r.h / 2.0).into());
                let _ = js_sys::Reflect::set(&o, &"node".into(), &n.name.clone().into());
                return o.into();
            }
        }
        JsValue::NULL
    });
    let _ = js_sys::Reflect::set(&api, &"mapPoint".into(), point.as_ref());
    point.forget();
}

fn describe_hit(hit: &Hit) -> String {
    match hit {
        Hit::Pod(p) => format!(
            "pod/{} — {} ({} ready), {}m CPU, {} MiB, on {}",
            p.name,
            p.status,
            p.ready_text,
            p.cpu_millis,
            p.memory_bytes >> 20,
            p.node
        ),
        Hit::Node(n) => format!(
            "node/{} — {}, {} pods, CPU {}m / {}m",
            n.name,
            n.status,
            n.pods.len(),
            n.cpu_requested_millis,
            n.cpu_allocatable_millis
        ),
    }
}

#[function_component(BoardMap)]
pub fn board_map(props: &MapProps) -> Html {
    let canvas = use_node_ref();
    let state = use_mut_ref(|| State {
        zoom: 1.0,
        ..Default::default()
    });
    let zoom = use_state(|| 1.0_f64);
    let hover = use_state(|| None::<(String, f64, f64)>);
    {
        let (state, canvas) = (state.clone(), canvas.clone());
        use_effect_with((), move |_| {
            state.borrow_mut().reduced_motion = web_sys::window()
                .and_then(|w| {
                    w.match_media("(prefers-reduced-motion: reduce)")
                        .ok()
                        .flatten()
                })
                .is_some_and(|m| m.matches());
            install_test_hooks(&state, &canvas);
            // A resized window gets a new layout.
            let (st, cv) = (state.clone(), canvas.clone());
            let on_resize = Closure::<dyn Fn()>::new(move || {
                let board = st.borrow().board.clone();
                if let (Some(c), Some(b)) = (cv.cast::<HtmlCanvasElement>(), board) {
                    paint(&c, &mut st.borrow_mut(), &b, true);
                }
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "resize",
                        on_resize.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    {
        let (state, canvas) = (state.clone(), canvas.clone());
        let selected = props.selected.clone();
        use_effect_with(
            (props.board.clone(), selected, *zoom),
            move |(board, selected, zoom)| {
                if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                    let mut s = state.borrow_mut();
                    let full = s.selected != *selected || s.zoom != *zoom;
                    s.selected = selected.clone();
                    s.zoom = *zoom;
                    paint(&c, &mut s, board, full);
                }
                schedule(&state, &canvas);
            },
        );
    }
    let at = |e: &MouseEvent| -> Option<(f64, f64)> {
        let c: HtmlCanvasElement = e.target()?.dyn_into().ok()?;
        let r = c.get_bounding_client_rect();
        Some((
            e.client_x() as f64 - r.left(),
            e.client_y() as f64 - r.top(),
        ))
    };
    let onclick = {
        let (state, on_select) = (state.clone(), props.on_select.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((x, y)) = at(&e) else { return };
            let s = state.borrow();
            let (Some(b), Some(l)) = (&s.board, s.layout) else {
                return;
            };
            if let Some(Hit::Pod(p)) = map::hit(b, &l, x, y) {
                on_select.emit(Some(p.name.clone()));
            }
        })
    };
    let onmousemove = {
        let (state, hover) = (state.clone(), hover.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((x, y)) = at(&e) else { return };
            let s = state.borrow();
            let (Some(b), Some(l)) = (&s.board, s.layout) else {
                return;
            };
            let text = map::hit(b, &l, x, y).map(|h| describe_hit(&h));
            match text {
                Some(t) if hover.as_ref().map(|h| &h.0) != Some(&t) => hover.set(Some((t, x, y))),
                None if hover.is_some() => hover.set(None),
                _ => {}
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let zoom_by = |f: f64| {
        let zoom = zoom.clone();
        Callback::from(move |_| zoom.set((*zoom * f).clamp(1.0, 8.0)))
    };
    let summary = map::summary(&props.board);
    html! {
        <div class="map" data-testid="board-map">
            <div class="map-head">
                <span data-testid="map-summary">{&summary}</span>
                <span class="map-zoom" role="group" aria-label="Zoom">
                    <button onclick={zoom_by(0.5)} disabled={*zoom <= 1.0} aria-label="Zoom out" title="Zoom out (the whole cluster in view)">{"−"}</button>
                    <span class="map-zoom-level">{format!("{}×", *zoom)}</span>
                    <button onclick={zoom_by(2.0)} disabled={*zoom >= 8.0} aria-label="Zoom in" title="Zoom in (the map scrolls)">{"+"}</button>
                </span>
            </div>
            <div class="map-canvas">
                <canvas ref={canvas} role="img" aria-label={format!("The cluster as a map: {summary}. Each square is a node, filled from the bottom with its pods.")}
                        onclick={onclick} onmousemove={onmousemove} onmouseleave={onmouseleave}></canvas>
                if let Some((text, x, y)) = &*hover {
                    <div class="map-tip" role="tooltip" style={format!("left:{:.0}px;top:{:.0}px", x + 12.0, y + 12.0)}>{text}</div>
                }
            </div>
        </div>
    }
}
