//! No input can panic the console: arbitrary text, garbage, and random mixes of the words the
//! console knows, run on the default cluster.

use kubeplay_console::{Clock, Session, SessionConfig};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "kubectl",
    "get",
    "describe",
    "create",
    "apply",
    "delete",
    "scale",
    "set",
    "image",
    "rollout",
    "status",
    "history",
    "undo",
    "pause",
    "resume",
    "restart",
    "label",
    "annotate",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "top",
    "logs",
    "wait",
    "version",
    "api-resources",
    "explain",
    "run",
    "expose",
    "deployment",
    "deploy/nginx",
    "nginx",
    "pods",
    "po",
    "svc",
    "nodes",
    "node-1",
    "all",
    "rs",
    "ep",
    "cm",
    "secret",
    "generic",
    "tls",
    "ns",
    "service",
    "clusterip",
    "nodeport",
    "-o",
    "yaml",
    "json",
    "wide",
    "name",
    "jsonpath={.items[*]}",
    "-l",
    "app=nginx",
    "-n",
    "web",
    "-A",
    "--replicas=3",
    "--image=nginx:1.10",
    "nginx=nginx:1.11",
    "--dry-run=client",
    "-f",
    "-",
    "--port=80",
    "--tcp=80:8080",
    "--from-literal=a=b",
    "--for=condition=Available",
    "--timeout=5s",
    "--to-revision=1",
    "--overwrite",
    "k=v",
    "k-",
    "key=v:NoSchedule",
    "|",
    "&&",
    "||",
    ";",
    "'",
    "\"",
    "<<EOF",
    "EOF",
    "\n",
    "#",
    ">",
    "f.yaml",
    "<",
    "sleep",
    "5s",
    "traffic",
    "svc/nginx",
    "--rps",
    "10",
    "stop",
    "node",
    "add",
    "fail",
    "restore",
    "help",
    "echo",
    "cat",
    "--",
    "-w",
    "--request-timeout=3s",
    "--grace-period=0",
    "--force",
    "x",
    "job",
    "cronjob",
    "cj",
    "job/hello",
    "cronjob/tick",
    "hello",
    "tick",
    "--image=busybox",
    "--from=cronjob/tick",
    "--schedule=@hourly",
    "--restart=Never",
    "--previous",
    "--timestamps",
    "--for=condition=complete",
];

fn session() -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.load_named_scenario("default").expect("default scenario");
    s
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..24).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(input in "\\PC{0,300}") {
        let mut s = session();
        let _ = s.run(&input);
    }

    #[test]
    fn console_words_never_panic(
        setup in prop::sample::select(&[
            "",
            "kubectl create deployment nginx --image=nginx:1.10 --replicas=2\nsleep 10s",
            "kubectl create cronjob tick --image=busybox --schedule=@hourly -- date\nkubectl create job hello --image=busybox -- echo hello\nsleep 10s",
        ][..]),
        lines in prop::collection::vec(words(), 1..5),
    ) {
        let mut s = session();
        let _ = s.run(setup);
        for l in lines {
            let _ = s.run(&l);
        }
    }

    #[test]
    fn the_web_clock_never_panics(lines in prop::collection::vec(words(), 1..4)) {
        let mut s = Session::new(SessionConfig { clock: Clock::External, ..SessionConfig::default() });
        s.load_named_scenario("default").expect("default scenario");
        for l in lines {
            let _ = s.run(&l);
            s.cluster_mut().advance(2_000);
            let _ = s.poll();
        }
        let _ = s.interrupt();
    }
}

#[test]
fn ten_kilobytes_of_garbage() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut text = String::new();
    while text.len() < 10_240 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let c = char::from_u32((seed % 0x3000) as u32).unwrap_or('?');
        text.push(c);
    }
    let mut s = session();
    let _ = s.run(&text);
    let quotes = "'\"".repeat(3000) + "\\" + &"<<".repeat(100) + "|".repeat(50).as_str();
    let _ = s.run(&quotes);
}
