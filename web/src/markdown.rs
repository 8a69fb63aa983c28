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

pub fn doc(d: &Doc, on: &Actions) -> Html {
    html! { <>{ for d.0.iter().map(|b| block(b, on)) }</> }
}

fn blocks(bs: &[Block], on: &Actions) -> Html {
    html! { <>{ for bs.iter().map(|b| block(b, on)) }</> }
}

fn block(b: &Block, on: &Actions) -> Html {
    match b {
        // Headings inside a step sit below the panel's own (h2) and the step's title (h3).
        Block::Heading(level, content) => {
            let text = inlines(content, on);
            match level {
                1 | 2 => html! { <h4>{text}</h4> },
                3 => html! { <h5>{text}</h5> },
                _ => html! { <h6>{text}</h6> },
            }
        }
        Block::Paragraph(content) => html! { <p>{inlines(content, on)}</p> },
        Block::Code { text, action, .. } => {
            let command = text.trim_end().to_string();
            html! {
                <div class="md-code">
                    <pre><code>{text.clone()}</code></pre>
                    { action_button(*action, &command, on) }
                </div>
            }
        }
        Block::List { ordered, items } => {
            let items = items
                .iter()
                .map(|item| html! { <li>{blocks(item, on)}</li> });
            if *ordered {
                html! { <ol>{ for items }</ol> }
            } else {
                html! { <ul>{ for items }</ul> }
            }
        }
        Block::Quote(body) => html! { <blockquote>{blocks(body, on)}</blockquote> },
        Block::Details { summary, body } => html! {
            <details class="md-details">
                <summary>{inlines(summary, on)}</summary>
                {blocks(body, on)}
            </details>
        },
        Block::Rule => html! { <hr/> },
        Block::RawHtml(text) => html! { <pre class="md-raw">{text.clone()}</pre> },
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
