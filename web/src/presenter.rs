//! What a presenter drives the playground with: keyboard shortcuts, and a `postMessage` API so
//! that a slide deck embedding the page in an iframe can run commands and set the time controls.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use kubeplay_view::messages::{self, Message, Style};

use crate::sim::{Sim, SimRef, SPEEDS};

/// The shortcuts, for the legend: (keys, action).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("k", "play or pause"),
    (".", "step one second while paused"),
    ("+ −", "faster, slower"),
    ("[ ]", "previous, next mark on the timeline"),
    ("/", "type in the console"),
    ("Esc", "close the pod card"),
];

/// The next speed up (`up`) or down from `speed`, within `SPEEDS`.
/// A field the user types in (an input, a text area, a menu, something contenteditable): keys
/// pressed there are its own, not the page's shortcuts or the game's.
pub(crate) fn editable(el: &web_sys::Element) -> bool {
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el.has_attribute("contenteditable")
}

fn next_speed(speed: f64, up: bool) -> f64 {
    if up {
        SPEEDS.iter().copied().find(|s| *s > speed + 1e-9)
    } else {
        SPEEDS.iter().rev().copied().find(|s| *s < speed - 1e-9)
    }
    .unwrap_or(speed)
}

/// Single keys on the page (never while typing in a field, nor with Ctrl, Alt or Meta held).
pub fn install_keys(sim: &SimRef, update: UseForceUpdateHandle, deselect: Callback<()>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let sim = sim.clone();
    let on_key =
        Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if e.ctrl_key() || e.alt_key() || e.meta_key() || e.default_prevented() {
                return;
            }
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            // The shortcuts still work on the timeline's slider.
            let typing = target.as_ref().is_some_and(|el| {
                editable(el) && el.get_attribute("type").as_deref() != Some("range")
            });
            if typing {
                return;
            }
            // In a slide deck, the arrow keys belong to the deck unless a control has focus:
            // they go to it as reveal.js's postMessage API calls.
            let on_control = target.as_ref().is_some_and(|el| {
                matches!(
                    el.tag_name().as_str(),
                    "INPUT" | "BUTTON" | "SUMMARY" | "A" | "SELECT"
                )
            });
            if let (false, Some(deck)) = (on_control, embedder()) {
                let method = match e.key().as_str() {
                    "ArrowLeft" => Some("left"),
                    "ArrowRight" => Some("right"),
                    "ArrowUp" => Some("up"),
                    "ArrowDown" => Some("down"),
                    "PageDown" | " " => Some("next"),
                    "PageUp" => Some("prev"),
                    _ => None,
                };
                if let Some(method) = method {
                    let call = serde_json::json!({"method": method, "args": []}).to_string();
                    let _ = deck.post_message(&call.into(), "*");
                    e.prevent_default();
                    return;
                }
            }
            let handled = match e.key().as_str() {
                "k" => {
                    let mut s = sim.borrow_mut();
                    s.playing = !s.playing;
                    true
                }
                "." => {
                    let mut s = sim.borrow_mut();
                    if !s.playing {
                        s.step_second();
                    }
                    true
                }
                "+" | "=" | "-" | "_" => {
                    let mut s = sim.borrow_mut();
                    let speed = next_speed(s.speed, matches!(e.key().as_str(), "+" | "="));
                    s.set_speed(speed);
                    true
                }
                "/" => {
                    if let Some(input) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| {
                            d.query_selector("[data-testid=console-input]")
                                .ok()
                                .flatten()
                        })
                        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = input.focus();
                    }
                    true
                }
                "[" | "]" => {
                    sim.borrow_mut().seek_mark(e.key() == "]");
                    true
                }
                "Escape" => {
                    deselect.emit(());
                    true
                }
                _ => false,
            };
            if handled {
                e.prevent_default();
                post_state(&sim.borrow());
                update.force_update();
            }
        });
    let _ = document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
}

/// The page embedding this one, if it is embedded (an iframe in a slide deck).
fn embedder() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    (JsValue::from(parent.clone()) != JsValue::from(window)).then_some(parent)
}

fn post(to: &web_sys::Window, v: &serde_json::Value) {
    if let Ok(js) = js_sys::JSON::parse(&v.to_string()) {
        let _ = to.post_message(&js, "*");
    }
}

/// Tells the embedding page, if any, that the time controls changed:
/// `{namespace: "kubeplay", eventName: "statechange", playing, speed, time}`.
pub fn post_state(sim: &Sim) {
    if let Some(parent) = embedder() {
        let fields = serde_json::json!({
            "playing": sim.playing,
            "speed": sim.speed,
            "time": kubeplay_view::clock(sim.session.cluster().now()),
        });
        post(
            &parent,
            &messages::event(Style::Reveal, "statechange", fields),
        );
    }
}

/// Messages from the embedding page (or this one), as `kubeplay_view::messages` reads them:
/// console lines (answered with their output once finished), the time controls, reset, share,
/// and reveal.js's `slide:start`/`slide:stop` (resume, if it was playing when the slide was
/// left, and pause). Messages from other windows are ignored. Once listening, the page posts
/// `ready` to the embedding page.
pub fn install_messages(sim: &SimRef, update: UseForceUpdateHandle) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let sim = sim.clone();
    // Whether time was running when the slide was left: `slide:start` resumes only then.
    let resume = std::rc::Rc::new(std::cell::Cell::new(true));
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let source = e.source().map(JsValue::from);
            let parent = window.parent().ok().flatten().map(JsValue::from);
            let from_parent = matches!((&source, &parent), (Some(s), Some(p)) if s == p);
            let from_self = source.as_ref() == Some(&JsValue::from(window.clone()));
            if !(from_parent || from_self) {
                return;
            }
            let data = js_sys::JSON::stringify(&e.data())
                .ok()
                .and_then(|s| s.as_string())
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok());
            let Some((message, style)) = data.as_ref().and_then(messages::parse) else {
                return;
            };
            // The parent's Window is of another realm, so `instanceof Window` (dyn_into) is
            // false for it; it was checked above to be the parent or this window.
            let reply_to = source.map(|s| s.unchecked_into::<web_sys::Window>());
            match message {
                Message::Run { line, id } => {
                    // Answered when the line's commands have finished (a `rollout status` streams).
                    let resolve = Closure::once_into_js(move |output: JsValue| {
                        let output = output.as_string().unwrap_or_default();
                        let reply = messages::event(
                            style,
                            "output",
                            serde_json::json!({"id": id, "output": output}),
                        );
                        if let Some(w) = &reply_to {
                            post(w, &reply);
                        }
                    });
                    let mut s = sim.borrow_mut();
                    let ids = s.run_line(&line);
                    s.resolve_when_done(ids, resolve.unchecked_into());
                }
                Message::Play => sim.borrow_mut().playing = true,
                Message::Pause => sim.borrow_mut().playing = false,
                Message::Speed(v) => sim.borrow_mut().set_speed(v),
                Message::Reset => {
                    let mut s = sim.borrow_mut();
                    let (seed, scenario) = (s.seed, s.scenario.clone());
                    s.reset(seed, &scenario);
                }
                Message::Share => {
                    let fragment = sim.borrow().shared().to_fragment();
                    let link = format!("{}#{fragment}", crate::share::page_base());
                    if let Some(w) = &reply_to {
                        post(
                            w,
                            &messages::event(style, "share", serde_json::json!({"link": link})),
                        );
                    }
                }
                Message::SlideStart => {
                    if resume.get() {
                        sim.borrow_mut().playing = true;
                    }
                }
                Message::SlideStop => {
                    let mut s = sim.borrow_mut();
                    resume.set(s.playing);
                    s.playing = false;
                }
            }
            post_state(&sim.borrow());
            update.force_update();
        });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
    if let Some(parent) = embedder() {
        post(
            &parent,
            &messages::event(Style::Reveal, "ready", serde_json::json!({})),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_step_within_the_list() {
        assert_eq!(next_speed(1.0, true), 2.0);
        assert_eq!(next_speed(1.0, false), 0.5);
        assert_eq!(next_speed(0.5, false), 0.5);
        assert_eq!(next_speed(50.0, true), 50.0);
        assert_eq!(next_speed(3.0, true), 5.0); // from a speed set by the URL
    }
}
