//! The manifest editor: YAML typed or pasted, checked as you type (errors shown inline, with their
//! line and column), applied with `kubectl apply -f editor.yaml` so the console shows the command.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

const EXAMPLE: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
      annotations:
        kubeplay.dev/startup-seconds: \"5\"
    spec:
      containers:
      - name: web
        image: nginx:1.10
        readinessProbe:
          httpGet:
            path: /
            port: 80
        # Stay an endpoint a few seconds after deletion starts, while the
        # Service stops sending traffic here: no request is cut off.
        lifecycle:
          preStop:
            sleep:
              seconds: 5
        resources:
          requests:
            cpu: 250m
            memory: 256Mi
";

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Receives the buffer to apply.
    pub on_apply: Callback<String>,
}

/// What is wrong with the buffer, if anything: a YAML error, or a document that is not a
/// Kubernetes object the playground serves.
fn problems(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    match kubeplay_api::parse_documents(text) {
        Err(e) => Some(e),
        Ok(docs) => docs.into_iter().enumerate().find_map(|(i, v)| {
            let is_scheduler_config =
                v.get("kind").and_then(|k| k.as_str()) == Some("KubeSchedulerConfiguration");
            if is_scheduler_config {
                return None;
            }
            kubeplay_api::Object::from_value(v)
                .err()
                .map(|e| format!("document {}: {}", i + 1, e.message))
        }),
    }
}

#[function_component(ManifestEditor)]
pub fn manifest_editor(props: &EditorProps) -> Html {
    let text = use_state(|| EXAMPLE.to_string());
    let error = problems(&text);
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                text.set(t.value());
            }
        })
    };
    let apply = {
        let text = text.clone();
        let on_apply = props.on_apply.clone();
        Callback::from(move |_| on_apply.emit((*text).clone()))
    };
    html! {
        <details class="panel editor">
            <summary><h2>{"Manifest editor"}</h2></summary>
            <textarea data-testid="manifest-editor" aria-label="Manifest (YAML)" spellcheck="false" rows="14"
                value={(*text).clone()} {oninput} />
            if let Some(e) = &error {
                <pre class="yaml-error" data-testid="manifest-error" role="alert">{e}</pre>
            }
            <button data-testid="manifest-apply" onclick={apply} disabled={error.is_some()}>{"kubectl apply -f editor.yaml"}</button>
        </details>
    }
}
