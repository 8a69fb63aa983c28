//! One function per fuzz target (`fuzz/fuzz_targets/*.rs` call them; see docs/TESTING.md), each
//! taking untrusted bytes the way a user's input reaches the playground: a manifest given to
//! `kubectl apply -f`, a console script, a KubeSchedulerConfiguration, a CEL expression in a
//! `CELScheduler` profile, workshop files, the page's URL query, and a share link or session file. None may panic, hang or allocate without bound;
//! each drives the simulation a few seconds after its input so controllers and the scheduler
//! act on what it created. `tests/regressions.rs` replays every input kept under
//! `fuzz/regressions/TARGET/`.

use kubeplay_console::{Session, SessionConfig};
use kubeplay_workshop::{checker, load, MapSource};

/// The targets, by the name of their folder under `fuzz/regressions/`.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("manifest", manifest),
    ("script", script),
    ("scheduler_config", scheduler_config),
    ("cel", cel),
    ("workshop", workshop),
    ("url", url),
    ("share", share),
];

fn session() -> Session {
    let mut s = Session::new(SessionConfig::default());
    // The default scenario: three nodes, as the page starts.
    let _ = s.load_named_scenario("default");
    s
}

/// Runs the simulation on: the controllers and the scheduler see what the input created.
fn settle(s: &mut Session) {
    let _ = s.run("sleep 5s");
    let _ = s.run("kubectl get all -A -o wide");
}

/// A manifest (one or more YAML documents) applied with `kubectl apply -f`.
pub fn manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut s = session();
    if s.files_mut().write("fuzz.yaml", &text).is_ok() {
        let _ = s.run("kubectl apply -f fuzz.yaml");
        let _ = s.run("kubectl describe all -A");
        settle(&mut s);
    }
}

/// A console script: lines, quotes, here-documents, pipes, `$(...)`, loops.
pub fn script(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut s = session();
    let _ = s.run(&text);
    settle(&mut s);
}

/// A KubeSchedulerConfiguration, then a pod for the scheduler to place under it.
pub fn scheduler_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut s = session();
    if s.configure_scheduler(&text).is_ok() {
        let _ = s.run("kubectl run fuzz --image=nginx");
        settle(&mut s);
    }
}

/// A CEL expression as a `CELScheduler` profile's filter (the first line) and score (the
/// rest), scheduling a pod with requests on nodes with annotations.
pub fn cel(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (filter, score) = text.split_once('\n').unwrap_or((&text, "1"));
    let config = serde_json::json!({
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "profiles": [{
            "schedulerName": "default-scheduler",
            "plugins": {"multiPoint": {"disabled": [{"name": "*"}], "enabled": [{"name": "CELScheduler"}]}},
            "pluginConfig": [{"name": "CELScheduler", "args": {"filter": filter, "score": score}}],
        }],
    });
    let mut s = session();
    let _ = s.run("kubectl annotate node node-1 cost=3 zone=a");
    if s.configure_scheduler(&config.to_string()).is_ok() {
        let _ = s.run("kubectl create deployment fuzz --image=nginx --replicas=3");
        settle(&mut s);
    }
}

/// Workshop files: the input split at NUL bytes into `index.json`, `intro.md`, `step1/text.md`,
/// `step1/verify.sh` and `step2/text.md`; loaded, then checked as `kubeplay check` does (setup,
/// checks before and after each solution), and its saved-progress form parsed.
pub fn workshop(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let names = [
        "index.json",
        "intro.md",
        "step1/text.md",
        "step1/verify.sh",
        "step2/text.md",
    ];
    let files: MapSource = MapSource(
        names
            .iter()
            .zip(text.split('\0'))
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    );
    if let Ok(w) = load(&files) {
        let _ = checker::check_workshop(&w, "fuzz");
    }
    let _ = checker::import_killercoda(&files);
    let _ = kubeplay_workshop::Progress::parse(&text);
}

/// The page's URL query (`?seed=&scenario=&speed=&theme=&panels=&tour=&workshop=`), read as
/// the page reads it at start: the options, the workshop's path, and the starting cluster.
pub fn url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let o = kubeplay_view::page::PageOptions::from_query(&text);
    assert!(o.speed.is_none_or(f64::is_finite));
    if let Some(w) = &o.workshop {
        if let Ok(path) = kubeplay_workshop::served_path(w) {
            assert!(!path.contains("..") && !path.starts_with('/') && !path.contains(':'));
        }
    }
    let mut s = Session::new(SessionConfig {
        cluster: kubeplay_engine::ClusterConfig {
            seed: o.seed,
            ..Default::default()
        },
        ..Default::default()
    });
    if s.load_named_scenario(&o.scenario).is_ok() {
        settle(&mut s);
    }
}

/// A share link (`#share=...`) or a `.kubeplay.json` session file, opened as the page opens
/// one: read, checked, and replayed within its budgets. Bytes starting with `{` are a file;
/// others a link; a link's payload is also tried as the compressed form of the bytes, so that
/// the fuzzer reaches the JSON reader through a link too.
pub fn share(data: &[u8]) {
    use kubeplay_console::share::Shared;
    let text = String::from_utf8_lossy(data);
    let opened = if text.starts_with('{') {
        Shared::from_json(&text)
    } else {
        Shared::from_link(&text)
    };
    if let Ok(shared) = opened {
        if let Ok(mut s) = shared.open(kubeplay_console::Clock::External) {
            let _ = s.run("kubectl get pods -A -o wide");
        }
    }
    let link = kubeplay_console::share::fragment_of(data);
    if let Ok(shared) = Shared::from_link(&link) {
        let _ = shared.open(kubeplay_console::Clock::External);
    }
}
