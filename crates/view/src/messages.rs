//! What an embedding page may say to the playground through `postMessage`, read from the
//! message's data (as JSON). Three dialects are understood:
//!
//! - kubeplay's own objects: `{type: "kubeplay:run", line, id}`, `kubeplay:play`,
//!   `kubeplay:pause`, `{type: "kubeplay:speed", speed}`, `kubeplay:reset`, `kubeplay:share`;
//! - reveal.js's postMessage style, an object or the same as a JSON string:
//!   `{method: "run", args: [line, id]}`, `play`, `pause`, `speed` (`args: [5]`), `reset`,
//!   `share`;
//! - reveal.js's notices to iframes on its slides: the strings `slide:start` and `slide:stop`.
//!
//! Anything else is `None`: ignored, never an error the page shows.

use serde_json::Value;

/// One instruction from the embedding page.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Run a console line; answer with its output, quoting `id`.
    Run {
        line: String,
        id: Value,
    },
    Play,
    Pause,
    Speed(f64),
    /// A fresh cluster from the same seed and scenario.
    Reset,
    /// Answer with a share link of the cluster as it is.
    Share,
    /// The slide holding the page was shown (resume) or left (pause).
    SlideStart,
    SlideStop,
}

/// The dialect of a message, which its replies use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `{type: "kubeplay:output", id, output}`.
    Kubeplay,
    /// `{namespace: "kubeplay", eventName: "output", id, output}`, as reveal.js posts events.
    Reveal,
}

/// Longest console line a message may carry (as the console's own input limit would).
const MAX_LINE: usize = 256 * 1024;

fn line_of(v: Option<&Value>) -> Option<String> {
    let line = v?.as_str()?;
    (line.len() <= MAX_LINE).then(|| line.to_string())
}

/// Reads a message's data; `None` when it is not one of ours.
pub fn parse(data: &Value) -> Option<(Message, Style)> {
    match data {
        Value::String(s) if s == "slide:start" => Some((Message::SlideStart, Style::Reveal)),
        Value::String(s) if s == "slide:stop" => Some((Message::SlideStop, Style::Reveal)),
        // reveal.js sends its method calls as JSON text.
        Value::String(s) if s.starts_with('{') && s.len() <= MAX_LINE + 1024 => {
            let v: Value = serde_json::from_str(s).ok()?;
            v.get("method")?;
            parse(&v)
        }
        Value::Object(o) => {
            if let Some(kind) = o.get("type").and_then(Value::as_str) {
                let m = match kind.strip_prefix("kubeplay:")? {
                    "run" => Message::Run {
                        line: line_of(o.get("line"))?,
                        id: o.get("id").cloned().unwrap_or(Value::Null),
                    },
                    "play" => Message::Play,
                    "pause" => Message::Pause,
                    "speed" => Message::Speed(o.get("speed")?.as_f64()?),
                    "reset" => Message::Reset,
                    "share" => Message::Share,
                    _ => return None,
                };
                return Some((m, Style::Kubeplay));
            }
            let method = o.get("method")?.as_str()?;
            let args = o.get("args").and_then(Value::as_array);
            let arg = |i: usize| args.and_then(|a| a.get(i));
            let m = match method {
                "run" => Message::Run {
                    line: line_of(arg(0))?,
                    id: arg(1).cloned().unwrap_or(Value::Null),
                },
                "play" => Message::Play,
                "pause" => Message::Pause,
                "speed" => Message::Speed(arg(0)?.as_f64()?),
                "reset" => Message::Reset,
                "share" => Message::Share,
                _ => return None,
            };
            Some((m, Style::Reveal))
        }
        _ => None,
    }
}

/// A reply or event in `style`: `name` is `output`, `share`, `statechange` or `ready`, and
/// `fields` its content.
pub fn event(style: Style, name: &str, fields: Value) -> Value {
    let mut v = match fields {
        Value::Object(o) => o,
        _ => serde_json::Map::new(),
    };
    match style {
        Style::Kubeplay => {
            v.insert("type".into(), Value::from(format!("kubeplay:{name}")));
        }
        Style::Reveal => {
            v.insert("namespace".into(), Value::from("kubeplay"));
            v.insert("eventName".into(), Value::from(name));
        }
    }
    Value::Object(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_three_dialects() {
        let cases: Vec<(Value, Option<(Message, Style)>)> = vec![
            (
                json!("slide:start"),
                Some((Message::SlideStart, Style::Reveal)),
            ),
            (
                json!("slide:stop"),
                Some((Message::SlideStop, Style::Reveal)),
            ),
            (
                json!({"type": "kubeplay:play"}),
                Some((Message::Play, Style::Kubeplay)),
            ),
            (
                json!({"type": "kubeplay:speed", "speed": 5}),
                Some((Message::Speed(5.0), Style::Kubeplay)),
            ),
            (
                json!({"type": "kubeplay:run", "line": "kubectl get pods", "id": 7}),
                Some((
                    Message::Run {
                        line: "kubectl get pods".into(),
                        id: json!(7),
                    },
                    Style::Kubeplay,
                )),
            ),
            (
                json!({"method": "run", "args": ["kubectl get nodes", "a"]}),
                Some((
                    Message::Run {
                        line: "kubectl get nodes".into(),
                        id: json!("a"),
                    },
                    Style::Reveal,
                )),
            ),
            (
                json!(r#"{"method":"pause"}"#),
                Some((Message::Pause, Style::Reveal)),
            ),
            (
                json!({"method": "speed", "args": [2]}),
                Some((Message::Speed(2.0), Style::Reveal)),
            ),
            (
                json!({"method": "reset"}),
                Some((Message::Reset, Style::Reveal)),
            ),
            (
                json!({"method": "share", "args": []}),
                Some((Message::Share, Style::Reveal)),
            ),
            // Not ours, or malformed: ignored.
            (json!({"type": "other:play"}), None),
            (json!({"type": "kubeplay:run"}), None),
            (json!({"type": "kubeplay:speed", "speed": "fast"}), None),
            (json!({"method": "slide", "args": [2]}), None),
            (json!({"method": "run", "args": [42]}), None),
            (json!("{not json"), None),
            (json!("hello"), None),
            (json!(12), None),
            (
                json!({"type": "kubeplay:run", "line": "x".repeat(MAX_LINE + 1)}),
                None,
            ),
        ];
        for (data, want) in cases {
            assert_eq!(parse(&data), want, "{data}");
        }
    }

    #[test]
    fn replies_in_the_dialect_asked() {
        assert_eq!(
            event(
                Style::Kubeplay,
                "output",
                json!({"id": 1, "output": "ok\n"})
            ),
            json!({"type": "kubeplay:output", "id": 1, "output": "ok\n"})
        );
        assert_eq!(
            event(Style::Reveal, "statechange", json!({"playing": false})),
            json!({"namespace": "kubeplay", "eventName": "statechange", "playing": false})
        );
    }
}
