//! Sharing the cluster: the Share dialog (a link that holds the whole session in its fragment,
//! a copy button, and a `.kubeplay.json` file to download when the link is too long), and
//! opening a session from a link, a file picked, or a file dropped on the page. What a link or
//! file holds is read and checked in `kubeplay_console::share`.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use kubeplay_console::share::{Shared, MAX_LINK_CHARS};

/// The page's address without its query and fragment: a share link opens the plain page.
pub fn page_base() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let end = href.find(['?', '#']).unwrap_or(href.len());
    href[..end].to_string()
}

/// The session in the URL's fragment, if there is one (`#share=...`).
pub fn from_location() -> Option<Result<Shared, String>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.contains(kubeplay_console::share::FRAGMENT_KEY)
        .then(|| Shared::from_link(&hash).map_err(|e| e.to_string()))
}

/// Offers `text` as a file to download.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Reads a file's text, then hands it to `on_text`.
pub fn read_file(file: web_sys::File, on_text: Callback<Result<String, String>>) {
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| "the file could not be read".to_string());
        on_text.emit(text);
    });
}

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// The session as a link's fragment and as a file.
    pub fragment: String,
    pub json: String,
    pub on_close: Callback<()>,
    /// A session file picked in the dialog.
    pub on_file: Callback<web_sys::File>,
}

#[function_component(ShareDialog)]
pub fn share_dialog(p: &ShareProps) -> Html {
    let copied = use_state(|| false);
    let fits = p.fragment.len() <= MAX_LINK_CHARS;
    let link = format!("{}#{}", page_base(), p.fragment);
    let on_copy = {
        let link = link.clone();
        let copied = copied.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            copied.set(true);
        })
    };
    let on_download = {
        let json = p.json.clone();
        Callback::from(move |_| download("cluster.kubeplay.json", &json))
    };
    let on_pick = {
        let on_file = p.on_file.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|f| f.get(0)) {
                on_file.emit(f);
            }
        })
    };
    let on_close = {
        let c = p.on_close.clone();
        Callback::from(move |_| c.emit(()))
    };
    html! {
        <section class="share-dialog" data-testid="share-dialog" role="dialog" aria-label="Share this cluster">
            <h2>{"Share this cluster"}</h2>
            if fits {
                <p>{"This link holds the whole session (scenario, seed and every command with its simulated time) in its fragment, which is never sent to a server. It opens the same cluster at the same time, paused."}</p>
                <div class="share-row">
                    <input data-testid="share-link" readonly=true value={link} aria-label="Share link" />
                    <button data-testid="share-copy" onclick={on_copy}>{ if *copied { "Copied" } else { "Copy" } }</button>
                </div>
            } else {
                <p data-testid="share-too-long">{format!("This session is too long for a link ({} characters; a link holds at most {MAX_LINK_CHARS}). Download it as a file: the page opens it.", p.fragment.len())}</p>
            }
            <div class="share-row">
                <button data-testid="share-download" onclick={on_download}>{"Download .kubeplay.json"}</button>
                <label class="share-open">{"Open a session file "}
                    <input type="file" data-testid="share-open" accept=".json,application/json" onchange={on_pick} />
                </label>
                <button onclick={on_close} data-testid="share-close">{"Close"}</button>
            </div>
            <p class="hint">{"Files can also be dropped anywhere on the page."}</p>
        </section>
    }
}
