//! Every input the fuzzers found (a crash, a hang or an unbounded allocation, minimised), kept
//! under `fuzz/regressions/TARGET/` once fixed, runs again here on every `cargo test`, so CI
//! replays them in well under a second each without cargo-fuzz.

use std::path::Path;
use std::time::Instant;

#[test]
fn replay_kept_inputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    for (target, run) in kubeplay_fuzzing::TARGETS {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let t = Instant::now();
            run(&data);
            replayed += 1;
            // Reported, not asserted: timing on a shared machine is noise (docs/TESTING.md).
            let ms = t.elapsed().as_millis();
            if ms > 1_000 {
                eprintln!("slow: {} took {ms} ms", f.display());
            }
        }
    }
    eprintln!("replayed {replayed} kept fuzz inputs");
}

#[test]
fn every_target_takes_ordinary_input() {
    // The fixtures users' input looks like: none of them may panic either.
    let script =
        "kubectl create deployment web --image=nginx --replicas=3\nkubectl get pods | wc -l";
    kubeplay_fuzzing::script(script.as_bytes());
    kubeplay_fuzzing::manifest(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
    kubeplay_fuzzing::scheduler_config(b"apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n");
    kubeplay_fuzzing::cel(b"true\nint(node.metadata.annotations['cost'])");
    kubeplay_fuzzing::url(b"?seed=3&scenario=empty&workshop=labs/x&speed=2");
    kubeplay_fuzzing::workshop(b"{\"title\": \"t\", \"details\": {\"steps\": [{\"title\": \"s\", \"text\": \"step1/text.md\", \"verify\": \"step1/verify.sh\"}]}}\0hi\0Do it\0kubectl get pod p\0");
}
