//! Requests you can see: the Services with traffic as entry points above the board, and the
//! engine's sampled requests as dots travelling from their Service to the pod that answered,
//! bursting red where one failed. Which requests, to which pod, and why one failed all come
//! from `kubeplay_view::RequestsView`; this file only times and places the dots.

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay_api::Time;
use kubeplay_view::{RequestView, RequestsView};
use yew::prelude::*;

/// Dots alive at once, at most: beyond this the picture is noise and the frame budget suffers.
const MAX_DOTS: usize = 60;
/// Wall milliseconds a dot takes from its Service to its pod: slow enough to follow with the
/// eye, whatever the simulated speed.
const TRAVEL_MS: f64 = 700.0;
/// The engine counts a generator's second at its end, so a request is drawn this long
/// (simulated) after it was made: the dots of one second then arrive spread as they were sent.
const LAG_SIM_MS: f64 = 1_500.0;
/// A dot waits at most this long (wall) to start.
const MAX_DELAY_MS: f64 = 1_500.0;

/// One dot: where it starts and ends, relative to the overlay's layer, and when.
#[derive(Clone, PartialEq)]
struct Dot {
    seq: u64,
    outcome: &'static str,
    service: String,
    pod: Option<String>,
    from: (f64, f64),
    to: (f64, f64),
    delay_ms: f64,
    /// Wall time (ms) it was created.
    born: f64,
}

#[derive(Default)]
struct Clock {
    /// The last request drawn: newer ones get dots.
    last_seq: u64,
    /// The simulated and wall time of the previous update, to tell the simulated speed.
    last: Option<(i64, f64)>,
    /// Simulated milliseconds per wall millisecond, smoothed.
    rate: f64,
}

/// `el.getBoundingClientRect()` as (left, top, width, height).
fn rect(el: &web_sys::Element) -> (f64, f64, f64, f64) {
    let r = el.get_bounding_client_rect();
    (r.left(), r.top(), r.width(), r.height())
}

/// The centre of `el` relative to `origin` (top left of the layer).
fn centre(el: &web_sys::Element, origin: (f64, f64)) -> (f64, f64) {
    let (left, top, width, height) = rect(el);
    (left + width / 2.0 - origin.0, top + height / 2.0 - origin.1)
}

/// A CSS attribute selector value: names are DNS labels, but a stray quote must not break it.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace(['"', '\\'], ""))
}

/// Picks at most `room` of `new` requests, failures first (they are the story), the rest
/// spread evenly over the answered ones.
fn pick(new: Vec<&RequestView>, room: usize) -> Vec<&RequestView> {
    if new.len() <= room {
        return new;
    }
    let (failed, ok): (Vec<&RequestView>, Vec<&RequestView>) =
        new.into_iter().partition(|r| r.failure.is_some());
    let mut out: Vec<&RequestView> = failed.into_iter().take(room).collect();
    let left = room - out.len();
    if left > 0 && !ok.is_empty() {
        let step = ok.len() as f64 / left as f64;
        out.extend((0..left).filter_map(|i| ok.get((i as f64 * step) as usize).copied()));
    }
    out.sort_by_key(|r| r.seq);
    out
}

#[derive(Properties, PartialEq)]
pub struct RequestsProps {
    pub requests: Rc<RequestsView>,
    /// The board's simulated time.
    pub now: Time,
}

#[function_component(RequestsOverlay)]
pub fn requests_overlay(props: &RequestsProps) -> Html {
    let root = use_node_ref();
    let layer = use_node_ref();
    let clock = use_mut_ref(Clock::default);
    let dots = use_state(Vec::<Dot>::new);
    {
        let (root, layer, clock, dots) = (root.clone(), layer.clone(), clock.clone(), dots.clone());
        let requests = props.requests.clone();
        let now = props.now.millis();
        // After the board is drawn, so the pods' pieces are where the dots must go.
        use_effect_with((requests, now), move |(requests, now)| {
            place(&root, &layer, &clock, &dots, requests, *now);
        });
    }
    let services = &props.requests.services;
    html! {
        <>
        if !services.is_empty() {
            <div class="service-entries" ref={root.clone()} aria-label="Services receiving requests">
                { for services.iter().map(|s| html! {
                    <span class="service-entry" data-testid="service-entry" data-name={s.name.clone()} data-namespace={s.namespace.clone()}
                          title={format!("service/{}: requests enter here and go to the pod kube-proxy picks", s.name)}>
                        <span class="entry-mark" aria-hidden="true"></span>
                        {format!("svc/{}", s.name)}
                        if let Some(rps) = s.rps { <span class="entry-rps">{format!("{rps} req/s")}</span> }
                    </span>
                }) }
            </div>
        } else {
            <div ref={root.clone()} hidden=true></div>
        }
        <div class="request-layer" ref={layer} aria-hidden="true">
            { for dots.iter().map(|d| {
                let style = format!(
                    "--x0:{:.0}px;--y0:{:.0}px;--x1:{:.0}px;--y1:{:.0}px;animation-delay:{:.0}ms;animation-duration:{:.0}ms",
                    d.from.0, d.from.1, d.to.0, d.to.1, d.delay_ms, TRAVEL_MS
                );
                html! {
                    <span key={d.seq} class={classes!("req-dot", if d.outcome == "ok" { "req-ok" } else { "req-failed" })}
                          data-testid="request-dot" data-outcome={d.outcome} data-service={d.service.clone()}
                          data-pod={d.pod.clone()} style={style}></span>
                }
            }) }
        </div>
        </>
    }
}

/// Adds dots for the requests not drawn yet and drops those that have finished.
fn place(
    root: &NodeRef,
    layer: &NodeRef,
    clock: &Rc<RefCell<Clock>>,
    dots: &UseStateHandle<Vec<Dot>>,
    requests: &RequestsView,
    now: i64,
) {
    let wall = crate::app::wall_ms();
    let mut c = clock.borrow_mut();
    // A rewound timeline or a fresh cluster counts its requests from 1 again.
    let went_back = c.last.is_some_and(|(sim, _)| now < sim)
        || requests.recent.last().is_some_and(|r| r.seq < c.last_seq);
    if went_back {
        c.last_seq = 0;
        c.last = None;
    }
    if let Some((sim, w)) = c.last {
        if now > sim && wall > w {
            let r = ((now - sim) as f64 / (wall - w)).clamp(0.1, 100.0);
            c.rate = if c.rate > 0.0 {
                0.7 * c.rate + 0.3 * r
            } else {
                r
            };
        }
    }
    c.last = Some((now, wall));
    let rate = if c.rate > 0.0 { c.rate } else { 1.0 };
    let alive: Vec<Dot> = dots
        .iter()
        .filter(|d| d.born + d.delay_ms + TRAVEL_MS + 100.0 > wall)
        .cloned()
        .collect();
    let new: Vec<&RequestView> = requests
        .recent
        .iter()
        .filter(|r| r.seq > c.last_seq)
        .collect();
    if let Some(last) = new.last() {
        c.last_seq = last.seq;
    }
    let changed = alive.len() != dots.len();
    let (Some(layer_el), Some(root_el)) = (
        layer.cast::<web_sys::Element>(),
        root.cast::<web_sys::Element>(),
    ) else {
        return;
    };
    if new.is_empty() {
        if changed {
            dots.set(alive);
        }
        return;
    }
    let board = layer_el.parent_element();
    let origin = {
        let (left, top, _, _) = rect(&layer_el);
        (left, top)
    };
    let mut out = alive;
    let room = MAX_DOTS.saturating_sub(out.len());
    // One look at each pod's piece per update, however many dots go to it.
    let mut pieces: std::collections::BTreeMap<&str, Option<(f64, f64)>> = Default::default();
    for r in pick(new, room) {
        let entry = root_el
            .query_selector(&format!(
                "[data-testid=service-entry][data-namespace={}][data-name={}]",
                quoted(&r.namespace),
                quoted(&r.service)
            ))
            .ok()
            .flatten();
        let Some(entry) = entry else { continue };
        // From the marker's lower edge, so the dots never cover the Service's name.
        let from = {
            let (left, top, width, height) = rect(&entry);
            (left + width / 2.0 - origin.0, top + height - origin.1)
        };
        let piece = r.pod.as_deref().and_then(|p| {
            *pieces.entry(p).or_insert_with(|| {
                board
                    .as_ref()
                    .and_then(|b| {
                        b.query_selector(&format!("[data-kind=pod][data-name={}]", quoted(p)))
                            .ok()
                            .flatten()
                    })
                    .map(|el| centre(&el, origin))
            })
        });
        // No ready endpoint fails at the Service; a pod no longer drawn, there too.
        let to = piece.unwrap_or(from);
        let delay_ms =
            ((r.time.millis() as f64 + LAG_SIM_MS - now as f64) / rate).clamp(0.0, MAX_DELAY_MS);
        out.push(Dot {
            seq: r.seq,
            outcome: r.outcome(),
            service: r.service.clone(),
            pod: r.pod.clone(),
            from,
            to,
            delay_ms,
            born: wall,
        });
    }
    dots.set(out);
}
