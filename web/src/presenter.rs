//! What a presenter drives the playground with: keyboard shortcuts, and a `postMessage` API so
//! that a slide deck embedding the page in an iframe can run commands and set the time controls.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::{SimRef, SPEEDS};

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
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    (matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        && el.get_attribute("type").as_deref() != Some("range"))
                        || el.has_attribute("contenteditable")
                });
            if typing {
                return;
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
                update.force_update();
            }
        });
    let _ = document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
}

fn field(data: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(data, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Messages from the embedding page (or this one): `{type: "kubeplay:run", line, id}` runs a
/// console line and answers `{type: "kubeplay:output", id, output}` once it has finished;
/// `kubeplay:play`, `kubeplay:pause` and `{type: "kubeplay:speed", speed}` set the time
/// controls. Anything else is ignored, as are messages from other windows.
pub fn install_messages(sim: &SimRef, update: UseForceUpdateHandle) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let sim = sim.clone();
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
            let data = e.data();
            let Some(kind) = field(&data, "type").as_string() else {
                return;
            };
            match kind.as_str() {
                "kubeplay:run" => {
                    let line = field(&data, "line").as_string().unwrap_or_default();
                    let id = field(&data, "id");
                    let reply_to = source.clone();
                    // Answered when the line's commands have finished (a `rollout status` streams).
                    let resolve = Closure::once_into_js(move |output: JsValue| {
                        let reply = js_sys::Object::new();
                        let _ =
                            js_sys::Reflect::set(&reply, &"type".into(), &"kubeplay:output".into());
                        let _ = js_sys::Reflect::set(&reply, &"id".into(), &id);
                        let _ = js_sys::Reflect::set(&reply, &"output".into(), &output);
                        if let Some(w) = reply_to.and_then(|s| s.dyn_into::<web_sys::Window>().ok())
                        {
                            let _ = w.post_message(&reply, "*");
                        }
                    });
                    let mut s = sim.borrow_mut();
                    let ids = s.run_line(&line);
                    s.resolve_when_done(ids, resolve.unchecked_into());
                }
                "kubeplay:play" => sim.borrow_mut().playing = true,
                "kubeplay:pause" => sim.borrow_mut().playing = false,
                "kubeplay:speed" => {
                    if let Some(v) = field(&data, "speed").as_f64() {
                        sim.borrow_mut().set_speed(v);
                    }
                }
                _ => return,
            }
            update.force_update();
        });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
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
