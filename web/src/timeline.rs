//! The timeline under the header: simulated time from the cluster's start to now (or to the end
//! of the recording, once rewound), a mark for each command and notable event, and a scrubber
//! that rebuilds the cluster at the instant it is dragged to (`Sim::seek`).

use std::rc::Rc;

use kubeplay_console::timeline::Mark;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub start_ms: i64,
    pub end_ms: i64,
    pub now_ms: i64,
    pub marks: Rc<Vec<Mark>>,
    /// Whether the cluster shown is in the past of the recording.
    pub rewound: bool,
    pub on_seek: Callback<i64>,
}

/// `mm:ss` (or `h:mm:ss`) of simulated time at `at_ms`, counted as the header's clock counts it
/// (from the cluster's creation).
fn elapsed(at_ms: i64) -> String {
    let s = (at_ms - kubeplay_engine::EPOCH.millis()).max(0) / 1_000;
    if s >= 3_600 {
        format!("{}:{:02}:{:02}", s / 3_600, s % 3_600 / 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// At most this many marks are drawn (the latest); the keys still reach every one.
const MAX_MARKS: usize = 300;

#[function_component(TimelineBar)]
pub fn timeline_bar(p: &TimelineProps) -> Html {
    let span = (p.end_ms - p.start_ms).max(1);
    let on_input = {
        let on_seek = p.on_seek.clone();
        let start = p.start_ms;
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                on_seek.emit(start + v as i64);
            }
        })
    };
    // Marks that would overlap (a workshop's "go to step" runs several commands at one instant)
    // are drawn as one, whose tooltip lists them all.
    let mut groups: Vec<(f64, i64, &'static str, Vec<String>)> = Vec::new();
    let skip = p.marks.len().saturating_sub(MAX_MARKS);
    for m in p.marks.iter().skip(skip) {
        let pct = ((m.at_ms - p.start_ms) as f64 / span as f64 * 100.0).clamp(0.0, 100.0);
        let label = format!("{}: {}", elapsed(m.at_ms), m.label);
        match groups.last_mut() {
            Some((at_pct, _, kind, labels)) if pct - *at_pct < 0.6 && *kind == m.kind.as_str() => {
                labels.push(label)
            }
            _ => groups.push((pct, m.at_ms, m.kind.as_str(), vec![label])),
        }
    }
    let marks = groups.into_iter().map(|(pct, at, kind, labels)| {
        let on_seek = p.on_seek.clone();
        let label = labels.join("\n");
        html! {
            <button class="tl-mark" data-testid="timeline-mark" data-kind={kind}
                style={format!("left: {pct:.2}%")} title={label.clone()} aria-label={format!("Go to {}", labels.join("; "))}
                onclick={Callback::from(move |_| on_seek.emit(at))}></button>
        }
    });
    let on_live = {
        let on_seek = p.on_seek.clone();
        let end = p.end_ms;
        Callback::from(move |_| on_seek.emit(end))
    };
    html! {
        <section class="timeline" data-testid="timeline" data-rewound={p.rewound.to_string()} aria-label="Timeline">
            <span class="tl-time" data-testid="timeline-position">
                { elapsed(p.now_ms) }{" / "}{ elapsed(p.end_ms) }
            </span>
            <div class="tl-track">
                <input type="range" data-testid="timeline-scrubber" min="0" max={span.to_string()} step="100"
                    value={(p.now_ms - p.start_ms).clamp(0, span).to_string()} oninput={on_input}
                    aria-label="Simulated time: drag back to rewind the cluster, [ and ] step between marks"
                    aria-valuetext={elapsed(p.now_ms)} />
                <div class="tl-marks">{ for marks }</div>
            </div>
            if p.rewound {
                <span class="tl-note">{"Rewound: play goes on through what was recorded; a new command starts a new branch."}</span>
                <button data-testid="timeline-live" onclick={on_live}>{"Back to the end"}</button>
            }
        </section>
    }
}
