//! The same seed and commands give the same trace: here natively, and in the browser suite in
//! wasm (`tests/e2e/trace.test.mjs`), both against the same committed file. `UPDATE=1` rewrites it.

use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/trace")
        .join(name)
}

#[test]
fn story_trace_matches_the_committed_one() {
    let script = std::fs::read_to_string(fixture("story.kp")).unwrap();
    let trace = kubeplay_console::trace_of(7, &script);
    assert!(trace.lines().count() > 100, "a trace of the whole story");
    let path = fixture("story-seed7.jsonl");
    if std::env::var_os("UPDATE").is_some() {
        std::fs::write(&path, &trace).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        trace == want,
        "trace differs from {} (UPDATE=1 rewrites it after a deliberate change)",
        path.display()
    );
}
