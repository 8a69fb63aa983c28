//! `kubeplay run --from-link`: a link made by a session (as the page makes one) rebuilds the
//! same cluster natively, so `kubectl get pods -o wide` prints what the sender saw.

use std::process::Command;

use kubeplay_console::share::{page_session, Shared};
use kubeplay_console::Clock;

fn out(s: &mut kubeplay_console::Session, line: &str) -> String {
    s.run(line)
        .iter()
        .map(|o| format!("{}{}", o.stdout, o.stderr))
        .collect()
}

#[test]
fn a_share_link_gives_the_same_pods_natively() {
    let mut s = page_session(4, "default", Clock::External).unwrap();
    out(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=4",
    );
    s.cluster_mut().advance(25_000);
    out(&mut s, "node fail node-1");
    s.cluster_mut().advance(70_000);
    let link = format!(
        "http://127.0.0.1:8080/#{}",
        Shared::of(&s, "default", 4, 2.0).to_fragment()
    );

    let run = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["run", "--from-link", &link])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let want = format!(
        "{}{}",
        out(&mut s, "kubectl get nodes"),
        out(&mut s, "kubectl get pods -o wide")
    );
    assert_eq!(String::from_utf8(run.stdout).unwrap(), want);
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.starts_with("# scenario default, seed 4, 2 command(s) replayed; simulated time "),
        "{stderr}"
    );

    // The same session as a file, and a script run on it.
    let dir = std::env::temp_dir().join(format!("kubeplay-from-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("session.kubeplay.json");
    std::fs::write(&file, Shared::of(&s, "default", 4, 2.0).to_json()).unwrap();
    let script = dir.join("probe.kp");
    std::fs::write(&script, "kubectl get deploy web\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["run", "--from-file"])
        .arg(&file)
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(run.stdout).unwrap(),
        out(&mut s, "kubectl get deploy web")
    );
    std::fs::remove_dir_all(&dir).unwrap();

    // A corrupt link: a clear error and exit status 2, nothing run.
    let run = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["run", "--from-link", "http://127.0.0.1:8080/#share=AAAA"])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(run.stdout.is_empty());
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.contains("--from-link: the link is corrupt"),
        "{stderr}"
    );
}
