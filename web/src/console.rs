//! The console: kubectl and the playground's built-ins, typed or echoed by the board's actions.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::Entry;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub entries: std::rc::Rc<Vec<Entry>>,
    pub on_command: Callback<String>,
}

#[function_component(ConsoleView)]
pub fn console_view(props: &ConsoleProps) -> Html {
    let input = use_node_ref();
    let output = use_node_ref();
    let history_pos = use_mut_ref(|| None::<usize>);
    {
        let output = output.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(el) = output.cast::<web_sys::HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let commands: Vec<String> = props
        .entries
        .iter()
        .map(|e| e.command.clone())
        .filter(|c| !c.trim().is_empty())
        .collect();
    let onkeydown = {
        let input = input.clone();
        let on_command = props.on_command.clone();
        let history_pos = history_pos.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = el.value();
                    el.set_value("");
                    *history_pos.borrow_mut() = None;
                    on_command.emit(line);
                }
                "ArrowUp" | "ArrowDown" if !commands.is_empty() => {
                    e.prevent_default();
                    let mut pos = history_pos.borrow_mut();
                    let n = commands.len();
                    let next = match (e.key().as_str(), *pos) {
                        ("ArrowUp", None) => Some(n - 1),
                        ("ArrowUp", Some(0)) => Some(0),
                        ("ArrowUp", Some(i)) => Some(i - 1),
                        ("ArrowDown", Some(i)) if i + 1 < n => Some(i + 1),
                        _ => None,
                    };
                    *pos = next;
                    el.set_value(next.map(|i| commands[i].as_str()).unwrap_or(""));
                }
                _ => {}
            }
        })
    };
    let focus = {
        let input = input.clone();
        Callback::from(move |_| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        })
    };
    html! {
        <div class="console" onclick={focus}>
            <div class="console-output" data-testid="console-output" ref={output} role="log" aria-live="polite" tabindex="0">
                if props.entries.is_empty() {
                    <p class="hint">{"Try: kubectl create deployment nginx --image=nginx:1.10 --replicas=5 — then kubectl get pods. Type help for the playground's commands."}</p>
                }
                { for props.entries.iter().map(|e| html! {
                    <div key={e.id} class={classes!("entry", e.failed.then_some("failed"))} data-testid="console-entry">
                        <div class="cmd"><span class="prompt" aria-hidden="true">{"$ "}</span>{&e.command}</div>
                        if !e.output.is_empty() { <pre class="out">{&e.output}</pre> }
                    </div>
                }) }
            </div>
            <div class="console-line">
                <span class="prompt" aria-hidden="true">{"$"}</span>
                <input data-testid="console-input" ref={input} type="text" spellcheck="false" autocomplete="off"
                    aria-label="Console: type a kubectl command and press Enter" placeholder="kubectl get pods" {onkeydown} />
            </div>
        </div>
    }
}
