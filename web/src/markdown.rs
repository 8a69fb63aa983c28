//! Draws a workshop's Markdown (the safe tree `kubeplay_workshop::markdown` parses) as Yew
//! elements. Nothing is ever set as raw HTML: text is text, whatever it contains.

use kubeplay_workshop::{Action, Block, Doc, Inline};
use yew::prelude::*;

/// What the reader can do with a command in the text.
#[derive(Clone, PartialEq)]
pub struct Actions {
    /// `{{exec}}`: run it in the console.
    pub exec: Callback<String>,
    /// `{{copy}}`: copy it to the clipboard.
    pub copy: Callback<String>,
}

/// Draws `d` with its top headings (Markdown's `#` and `##`) at level `top`, the first level
/// free below the headings around it (so the page's outline has no gaps), deeper ones below.
pub fn doc(d: &Doc, top: u8, on: &Actions) -> Html {
    blocks(&d.0, top, on)
}

/// A step's text as the panel shows it (`Step::text_shown`).
pub fn step_text(step: &kubeplay_workshop::Step, top: u8, on: &Actions) -> Html {
    html! { <>{ for step.text_shown().map(|b| block(b, top, on)) }</> }
}

fn blocks(bs: &[Block], top: u8, on: &Actions) -> Html {
    html! { <>{ for bs.iter().map(|b| block(b, top, on)) }</> }
}

fn block(b: &Block, top: u8, on: &Actions) -> Html {
    match b {
        Block::Heading(level, content) => {
            let text = inlines(content, on);
            match (top + level.saturating_sub(2)).clamp(top, 6) {
                3 => html! { <h3>{text}</h3> },
                4 => html! { <h4>{text}</h4> },
                5 => html! { <h5>{text}</h5> },
                _ => html! { <h6>{text}</h6> },
            }
        }
        Block::Paragraph(content) => html! { <p>{inlines(content, on)}</p> },
        Block::Code { text, action, .. } => {
            let command = text.trim_end().to_string();
            html! {
                <div class="md-code">
                    <pre tabindex="0"><code>{text.clone()}</code></pre>
                    { action_button(*action, &command, on) }
                </div>
            }
        }
        Block::List { ordered, items } => {
            let items = items
                .iter()
                .map(|item| html! { <li>{blocks(item, top, on)}</li> });
            if *ordered {
                html! { <ol>{ for items }</ol> }
            } else {
                html! { <ul>{ for items }</ul> }
            }
        }
        Block::Quote(body) => html! { <blockquote>{blocks(body, top, on)}</blockquote> },
        Block::Details { summary, body } => html! {
            <details class="md-details">
                <summary>{inlines(summary, on)}</summary>
                {blocks(body, top, on)}
            </details>
        },
        Block::Rule => html! { <hr/> },
        Block::RawHtml(text) => html! { <pre class="md-raw" tabindex="0">{text.clone()}</pre> },
    }
}

fn inlines(content: &[Inline], on: &Actions) -> Html {
    html! { <>{ for content.iter().map(|i| inline(i, on)) }</> }
}

fn inline(i: &Inline, on: &Actions) -> Html {
    match i {
        Inline::Text(t) => html! { {t.clone()} },
        Inline::Code { text, action: None } => html! { <code>{text.clone()}</code> },
        Inline::Code {
            text,
            action: Some(a),
        } => html! {
            <span class="md-cmd"><code>{text.clone()}</code>{ action_button(Some(*a), text, on) }</span>
        },
        Inline::Strong(c) => html! { <strong>{inlines(c, on)}</strong> },
        Inline::Emphasis(c) => html! { <em>{inlines(c, on)}</em> },
        // `href` passed the parser's scheme check (http, https, mailto or relative).
        Inline::Link { href, children } => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer">{inlines(children, on)}</a>
        },
        Inline::Break => html! { <br/> },
    }
}

fn action_button(action: Option<Action>, command: &str, on: &Actions) -> Html {
    let command = command.to_string();
    match action {
        None => html! {},
        Some(Action::Exec) => {
            let cb = on.exec.clone();
            let c = command.clone();
            html! {
                <button class="md-run" data-testid="workshop-exec" title="Run this in the console"
                    aria-label={format!("Run {}", first_line(&command))}
                    onclick={Callback::from(move |_| cb.emit(c.clone()))}>{"▶ Run"}</button>
            }
        }
        Some(Action::Copy) => {
            let cb = on.copy.clone();
            let c = command.clone();
            html! {
                <button class="md-copy" title="Copy to the clipboard"
                    aria-label={format!("Copy {}", first_line(&command))}
                    onclick={Callback::from(move |_| cb.emit(c.clone()))}>{"Copy"}</button>
            }
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
