//! Runs every case of the real kubectl's fixtures (`tests/fixtures/kubectl/cases.txt`) that the
//! playground can answer through the console, and compares stdout, stderr and the exit status
//! byte for byte. Cases the playground cannot answer are listed in `SKIPPED` with the reason.

use std::path::PathBuf;

use kubeplay_console::{Files, MemFiles, Session, SessionConfig};

/// Cases not run, and why. Every other case must match.
const SKIPPED: &[(&str, &str)] = &[(
    "server-version",
    "needs an unreachable API server: the fixture records the connection error",
)];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/kubectl")
}

/// klog headers carry a time and a pid: both sides are normalized as the fixture script does.
fn normalize_klog(s: &str) -> String {
    s.lines()
        .map(|l| {
            let b = l.as_bytes();
            let is_klog = b.len() > 22
                && b"IWEF".contains(&b[0])
                && b[1..5].iter().all(u8::is_ascii_digit)
                && b[5] == b' '
                && b[8] == b':';
            if is_klog {
                let rest = &l[22..];
                let rest = rest.trim_start();
                let after_pid = rest.split_once(' ').map(|x| x.1).unwrap_or("");
                format!("{}MMDD hh:mm:ss.uuuuuu     PID {after_pid}", &l[..1])
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect()
}

#[test]
fn console_matches_real_kubectl() {
    let dir = fixtures();
    let cases = std::fs::read_to_string(dir.join("cases.txt")).expect("cases.txt");
    let mut files = MemFiles::default();
    for f in ["tls.crt", "tls.key"] {
        let text = std::fs::read_to_string(dir.join(f)).expect("tls fixture");
        files
            .write(&format!("tests/fixtures/kubectl/{f}"), &text)
            .expect("write");
    }
    let mut failures = Vec::new();
    let mut ran = 0;
    for line in cases.lines() {
        let Some((name, cmd)) = line.split_once('\t') else {
            continue;
        };
        if SKIPPED.iter().any(|(s, _)| *s == name) {
            continue;
        }
        let want_out = std::fs::read_to_string(dir.join(format!("{name}.out"))).expect("out");
        let want_err = std::fs::read_to_string(dir.join(format!("{name}.err"))).expect("err");
        let want_code: i32 = std::fs::read_to_string(dir.join(format!("{name}.code")))
            .expect("code")
            .trim()
            .parse()
            .expect("code number");
        let mut s = Session::with_files(SessionConfig::default(), Box::new(files.clone()));
        let outs = s.run(cmd);
        assert_eq!(outs.len(), 1, "{name}: one command, one output");
        let got = &outs[0];
        let got_err = normalize_klog(&got.stderr);
        let want_err = normalize_klog(&want_err);
        ran += 1;
        if got.stdout != want_out || got_err != want_err || got.status != want_code {
            failures.push(format!(
                "--- {name}: {cmd}\nstdout want:\n{want_out}\nstdout got:\n{}\nstderr want:\n{want_err}\nstderr got:\n{got_err}\nstatus want {want_code} got {}\n",
                got.stdout, got.status
            ));
        }
    }
    assert!(ran > 50, "ran only {ran} cases");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn skipped_cases_exist() {
    let cases = std::fs::read_to_string(fixtures().join("cases.txt")).expect("cases.txt");
    for (s, _) in SKIPPED {
        assert!(
            cases.lines().any(|l| l.split('\t').next() == Some(*s)),
            "skipped case {s} is not in cases.txt"
        );
    }
}

/// Fixtures whose manifest a real API server refuses too, and why.
const REFUSED_BY_THE_SERVER: &[(&str, &str)] = &[
    (
        "create-deployment-bad-name-yaml",
        "Bad_Name is not a DNS-1123 subdomain",
    ),
    (
        "create-deployment-negative-replicas-yaml",
        "spec.replicas must be >= 0",
    ),
];

/// Every manifest the real kubectl generated (`create ... --dry-run=client -o yaml`) is accepted
/// as it is by `kubectl apply`, each in a fresh session (with the namespaces they name).
#[test]
fn real_kubectl_manifests_apply_verbatim() {
    let cases = std::fs::read_to_string(fixtures().join("cases.txt")).expect("cases.txt");
    let mut applied = 0;
    for line in cases.lines() {
        let Some((name, _)) = line.split_once('\t') else {
            continue;
        };
        if !(name.ends_with("-yaml")
            && (name.starts_with("create-") || name.starts_with("discovery-create-")))
        {
            continue;
        }
        let code =
            std::fs::read_to_string(fixtures().join(format!("{name}.code"))).unwrap_or_default();
        let yaml =
            std::fs::read_to_string(fixtures().join(format!("{name}.out"))).unwrap_or_default();
        if code.trim() != "0" || !yaml.starts_with("apiVersion") {
            continue;
        }
        let mut s = Session::new(SessionConfig::default());
        s.load_named_scenario("default").expect("default scenario");
        for ns in yaml.lines().filter_map(|l| l.strip_prefix("  namespace: ")) {
            s.run(&format!("kubectl create namespace {ns}"));
        }
        let outs = s.run(&format!("kubectl apply -f - <<'EOF'\n{yaml}EOF"));
        let status = outs.last().map_or(1, |o| o.status);
        let refused = REFUSED_BY_THE_SERVER.iter().any(|(n, _)| *n == name);
        if refused {
            assert_ne!(status, 0, "{name}: a real API server refuses it");
        } else {
            let err = outs.last().map(|o| o.stderr.clone()).unwrap_or_default();
            assert_eq!(status, 0, "{name}: {err}");
            applied += 1;
        }
    }
    assert!(applied > 40, "only {applied} manifests applied");
}
