//! The playground's built-ins (`help`, `sleep`, `traffic`, `node`) and the two shell basics
//! tutorials pipe into kubectl (`echo`, `cat`). Anything else is `NAME: command not found`.

use std::collections::BTreeMap;

use kubeplay_api::core::{Node, NodeSpec, NodeStatus};
use kubeplay_api::{Object, ObjectMeta, Quantity};

use crate::flags::{self, flag, short, FlagKind};
use crate::{Io, Session};

/// What `help` prints.
pub const HELP: &str = "\
kubeplay console: kubectl, and a few playground commands.

Kubernetes
  kubectl COMMAND ...               the Kubernetes CLI (try: kubectl help, kubectl get --help)

Playground
  sleep DURATION                    let simulated time pass (5s, 2m, 1h30m)
  traffic svc/NAME --rps N          send N requests per second to a Service
  traffic stop                      stop all traffic
  node add NAME --cpu N --memory Q [--zone Z] [--label k=v]...
                                    add a simulated machine
  node fail NAME                    the machine stops: its kubelet no longer reports
  node restore NAME                 the machine comes back
  help                              this list

Shell
  Words are quoted as in a POSIX shell; # starts a comment; a | b, a; b, a && b, a || b;
  > FILE, >> FILE, < FILE; here-documents (<<EOF ... EOF); echo and cat.
";

/// Whether a built-in only reads (a [`Session::check`] may run it): `Some(true)` for `echo`,
/// `cat`..., `Some(false)` for those that change the cluster or its clock, `None` for names that
/// are not built-ins (`command not found`). Every name [`run`] knows must be listed here.
pub fn read_only(name: &str) -> Option<bool> {
    match name {
        "help" | "echo" | "cat" | "clear" => Some(true),
        "sleep" | "traffic" | "node" => Some(false),
        _ => None,
    }
}

/// Runs a command that is not `kubectl`. Returns the exit status.
pub fn run(s: &mut Session, name: &str, args: &[String], io: &mut Io) -> i32 {
    match name {
        "help" => {
            io.out.push_str(HELP);
            0
        }
        "sleep" => sleep(s, args, io),
        "traffic" => traffic(s, args, io),
        "node" => node(s, args, io),
        "echo" => {
            let (newline, words) = match args.first().map(String::as_str) {
                Some("-n") => (false, &args[1..]),
                _ => (true, args),
            };
            io.out.push_str(&words.join(" "));
            if newline {
                io.out.push('\n');
            }
            0
        }
        "cat" => cat(s, args, io),
        "clear" => 0,
        _ => {
            io.err.push_str(&format!("{name}: command not found\n"));
            127
        }
    }
}

fn sleep(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    if args.is_empty() {
        return io.fail("sleep: missing operand");
    }
    let mut total = 0i64;
    for a in args {
        match crate::duration::parse_sleep(a) {
            Ok(ms) => total = total.saturating_add(ms),
            Err(e) => return io.fail(e),
        }
    }
    // A day of simulated time at most per command, so that a typo cannot stall the console.
    let total = s.clamp_time(total.min(86_400_000));
    s.cluster_mut().advance(total);
    0
}

fn cat(s: &Session, args: &[String], io: &mut Io) -> i32 {
    if args.is_empty() || args == ["-"] {
        io.out.push_str(&io.stdin.take().unwrap_or_default());
        return 0;
    }
    let mut code = 0;
    for a in args {
        match s.files().read(a) {
            Ok(t) => io.out.push_str(&t),
            Err(e) => code = io.fail(format!("cat: {a}: {}", capitalize(&e.reason()))),
        }
    }
    code
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn traffic(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const USAGE: &str = "usage: traffic svc/NAME --rps N [-n NAMESPACE] | traffic stop";
    let flags = [
        flag("rps", FlagKind::Int),
        short("namespace", 'n', FlagKind::String),
    ];
    let p = match flags::parse(&flags, args) {
        Ok(p) => p,
        Err(e) => return io.fail(format!("traffic: {}\n{USAGE}", e.0)),
    };
    match p.args.first().map(String::as_str) {
        Some("stop") => {
            s.cluster_mut().stop_traffic();
            io.println("traffic stopped");
            0
        }
        Some(target) => {
            let name = target
                .strip_prefix("svc/")
                .or_else(|| target.strip_prefix("service/"))
                .or_else(|| target.strip_prefix("services/"))
                .unwrap_or(target);
            let ns = p.namespace().unwrap_or("default").to_string();
            let rps = p.int("rps").unwrap_or(10);
            if !(0..=10_000).contains(&rps) {
                return io.fail("traffic: --rps must be between 0 and 10000");
            }
            match s.cluster_mut().start_traffic(&ns, name, rps as u32) {
                Ok(()) => {
                    io.println(format!("traffic: {rps} requests/s to service/{name}"));
                    0
                }
                Err(e) => io.fail(e.to_string()),
            }
        }
        None => io.fail(USAGE),
    }
}

fn node(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const USAGE: &str = "usage: node add NAME --cpu N --memory Q [--pods N] [--zone Z] [--label k=v]... | node fail NAME | node restore NAME";
    let flags = [
        flag("cpu", FlagKind::String),
        flag("memory", FlagKind::String),
        flag("pods", FlagKind::String),
        flag("zone", FlagKind::String),
        flag("label", FlagKind::StringArray),
    ];
    let p = match flags::parse(&flags, args) {
        Ok(p) => p,
        Err(e) => return io.fail(format!("node: {}\n{USAGE}", e.0)),
    };
    let (Some(verb), Some(name)) = (p.args.first(), p.args.get(1)) else {
        return io.fail(USAGE);
    };
    match verb.as_str() {
        "add" => node_add(s, name, &p, io),
        "fail" => match s.cluster_mut().fail_node(name) {
            Ok(()) => {
                io.println(format!("node/{name} failed: its kubelet stopped reporting"));
                0
            }
            Err(e) => io.fail(e.to_string()),
        },
        "restore" => match s.cluster_mut().restore_node(name) {
            Ok(()) => {
                io.println(format!("node/{name} restored"));
                0
            }
            Err(e) => io.fail(e.to_string()),
        },
        _ => io.fail(USAGE),
    }
}

fn node_add(s: &mut Session, name: &str, p: &flags::Parsed, io: &mut Io) -> i32 {
    let quantity = |flag: &str, default: &str| -> Result<Quantity, String> {
        let v = p.get(flag).unwrap_or(default);
        v.parse::<Quantity>()
            .map_err(|e| format!("node: invalid --{flag} {v:?}: {e}"))
    };
    let mut capacity = BTreeMap::new();
    for (flag, key, default) in [
        ("cpu", "cpu", "4"),
        ("memory", "memory", "8Gi"),
        ("pods", "pods", "110"),
    ] {
        match quantity(flag, default) {
            Ok(q) => {
                capacity.insert(key.to_string(), q);
            }
            Err(e) => return io.fail(e),
        }
    }
    let mut labels = BTreeMap::new();
    if let Some(z) = p.get("zone") {
        labels.insert("topology.kubernetes.io/zone".to_string(), z.to_string());
    }
    for l in p.all("label") {
        let Some((k, v)) = l.split_once('=') else {
            return io.fail(format!("node: invalid --label {l:?}: expected key=value"));
        };
        labels.insert(k.to_string(), v.to_string());
    }
    let node = Node {
        metadata: ObjectMeta {
            name: name.to_string(),
            labels,
            ..Default::default()
        },
        spec: NodeSpec::default(),
        status: NodeStatus {
            allocatable: capacity.clone(),
            capacity,
            ..Default::default()
        },
    };
    match s.cluster_mut().create(Object::Node(node)) {
        Ok(_) => {
            io.println(format!("node/{name} created"));
            0
        }
        Err(e) => io.fail(e.to_string()),
    }
}
