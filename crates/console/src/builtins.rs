//! The playground's built-ins (`help`, `sleep`, `traffic`, `node`), the commands the playground
//! cannot run (`curl`, `ssh`, `docker`...: each says why), and the host paths it has not. The
//! shell's own commands (`echo`, `cat`, `grep`, `jq`...) are kubeplay-shell's.

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
  traffic ing/NAME --rps N [--host H] [--path P]
                                    ... to the Service an Ingress routes H and P to
  traffic status [svc/NAME]         requests answered and failed since traffic was started
  traffic stop                      stop all traffic
  node add NAME --cpu N --memory Q [--zone Z] [--label k=v]...
                                    add a simulated machine
  node fail NAME                    the machine stops: its kubelet no longer reports
  node restore NAME                 the machine comes back
  help                              this list

Shell
  Words are quoted as in a POSIX shell; # starts a comment; a | b, a; b, a && b, a || b, ! a;
  variables (X=v, $X, ${X:-default}, export) that last for the session; $(...), $((1+2));
  if/elif/else/fi, for/while/until loops, [ ... ], test, [[ ... ]], exit N, set -e;
  > FILE, >> FILE, < FILE, 2>/dev/null, 2>&1; here-documents (<<EOF ... EOF, <<'EOF');
  echo, printf, cat, grep, wc, head, tail, sort, uniq, cut, tr, seq, base64, xargs, awk,
  and jq. Waiting commands inside if, loops or $(...) run on the simulated clock.
";

/// Whether a built-in only reads (a [`Session::check`] may run it): `Some(true)` for `echo`,
/// `cat`..., `Some(false)` for those that change the cluster or its clock, `None` for names that
/// are not built-ins (`command not found`). Every name [`run`] knows must be listed here.
pub fn read_only(name: &str) -> Option<bool> {
    match name {
        "help" | "clear" | "kubectl" | "k" => Some(true),
        "sleep" | "traffic" | "node" => Some(false),
        _ => None,
    }
}

/// Whether `name` is a command of the console (kubectl or a built-in), for the shell's host.
pub fn is_command(name: &str) -> bool {
    read_only(name).is_some()
}

/// Why the playground cannot run `name`, for commands scripts and tutorials use on real
/// machines: one line instead of a silent pass or a bare `command not found`.
pub fn unavailable(name: &str) -> Option<&'static str> {
    Some(match name {
        "curl" | "wget" | "nc" | "ncat" | "telnet" | "ping" | "nslookup" | "dig" | "host"
        | "ssh" | "scp" | "rsync" => {
            "the playground has no network: its Pods, Services and nodes are simulated (use kubectl get, describe and logs)"
        }
        "docker" | "crictl" | "ctr" | "podman" | "nerdctl" | "systemctl" | "journalctl"
        | "service" | "kubelet" | "kubeadm" | "etcdctl" | "mount" | "ip" | "iptables" => {
            "the playground has no real containers or machines: its nodes are simulated"
        }
        "apt" | "apt-get" | "yum" | "dnf" | "apk" | "pip" | "pip3" | "npm" | "brew" | "snap"
        | "helm" | "kind" | "minikube" => "the playground cannot install or run other software",
        _ => return None,
    })
}

/// Why the shell cannot read or write `path`: the host's own files (`/etc/hosts`,
/// `/var/log/...`) are not the playground's.
pub fn host_path(path: &str) -> Option<&'static str> {
    const HOST: &[&str] = &[
        "/etc/", "/proc/", "/sys/", "/var/", "/root/", "/home/", "/usr/", "/opt/", "/run/",
        "/boot/", "/dev/", "/bin/", "/lib/", "~/",
    ];
    HOST.iter()
        .any(|p| path.starts_with(p) || path == p.trim_end_matches('/'))
        .then_some("the playground has no host files (only the files of its editor)")
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

/// `no such file` → `No such file`, as `strerror` words it.
pub(crate) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn traffic(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    const USAGE: &str =
        "usage: traffic svc/NAME --rps N [-n NAMESPACE] | traffic ing/NAME --rps N [--host H] [--path P] | traffic status [svc/NAME] | traffic stop";
    let flags = [
        flag("rps", FlagKind::Int),
        short("namespace", 'n', FlagKind::String),
        flag("host", FlagKind::String),
        flag("path", FlagKind::String),
    ];
    let p = match flags::parse(&flags, args) {
        Ok(p) => p,
        Err(e) => return io.fail(format!("traffic: {}\n{USAGE}", e.0)),
    };
    match p.args.first().map(String::as_str) {
        Some("status") => traffic_status(s, p.args.get(1), p.namespace(), io),
        Some("stop") => {
            s.cluster_mut().stop_traffic();
            io.println("traffic stopped");
            0
        }
        Some(target) if target.starts_with("ing/") || target.starts_with("ingress/") => {
            let name = target.split_once('/').map_or(target, |(_, n)| n);
            traffic_through_ingress(s, &p, name, io)
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

/// `traffic ing/NAME`: a generator to the Service the ingress controller routes the Ingress's
/// host (its first rule's, or `--host`) and `--path` (`/`) to, resolved now: the generator then
/// targets that Service, as if the route stayed as it is.
fn traffic_through_ingress(s: &mut Session, p: &flags::Parsed, name: &str, io: &mut Io) -> i32 {
    let ns = p.namespace().unwrap_or("default").to_string();
    let rps = p.int("rps").unwrap_or(10);
    if !(0..=10_000).contains(&rps) {
        return io.fail("traffic: --rps must be between 0 and 10000");
    }
    let ing = match s.cluster().get(kubeplay_api::Kind::Ingress, &ns, name) {
        Ok(kubeplay_api::Object::Ingress(i)) => i.clone(),
        Ok(_) => return io.fail(format!("traffic: ingress/{name} is not an Ingress")),
        Err(e) => return io.fail(e.to_string()),
    };
    if ing.status.load_balancer.ingress.is_empty() {
        return io.fail(format!(
            "traffic: ingress/{name} has no address: no ingress controller serves its class"
        ));
    }
    let host = p
        .get("host")
        .map(str::to_string)
        .or_else(|| {
            ing.spec
                .rules
                .iter()
                .map(|r| r.host.clone())
                .find(|h| !h.is_empty())
        })
        .unwrap_or_default();
    let path = p.get("path").filter(|v| !v.is_empty()).unwrap_or("/");
    use kubeplay_engine::ingress::IngressRoute;
    match s.cluster().ingress_route(&host, path) {
        IngressRoute::Backend {
            namespace, service, ..
        } => match s.cluster_mut().start_traffic(&namespace, &service, rps as u32) {
            Ok(()) => {
                io.println(format!(
                    "traffic: {rps} requests/s to service/{service} through ingress/{name} (http://{host}{path})"
                ));
                0
            }
            Err(e) => io.fail(e.to_string()),
        },
        IngressRoute::NotFound => io.fail(format!(
            "traffic: ingress-nginx answers http://{host}{path} with 404 Not Found: no rule matches"
        )),
        IngressRoute::Unavailable => io.fail(format!(
            "traffic: ingress-nginx answers http://{host}{path} with 503 Service Temporarily Unavailable: the backend Service or port does not exist"
        )),
    }
}

/// `traffic status`: per running generator, the requests answered and failed since it was last
/// started (restarting `traffic svc/NAME` starts the count again), so that a check can ask
/// whether an update dropped any.
fn traffic_status(s: &Session, target: Option<&String>, ns: Option<&str>, io: &mut Io) -> i32 {
    let cluster = s.cluster();
    let wanted = target.map(|t| {
        let name = t
            .strip_prefix("svc/")
            .or_else(|| t.strip_prefix("service/"))
            .or_else(|| t.strip_prefix("services/"))
            .unwrap_or(t);
        format!("{}/{name}", ns.unwrap_or("default"))
    });
    let mut rows = Vec::new();
    for (service, rps) in cluster.traffic_generators() {
        if wanted.as_ref().is_some_and(|w| w != service) {
            continue;
        }
        let since = cluster.traffic_started(service).unwrap_or(cluster.now());
        let (ok, failed) = cluster
            .traffic_samples()
            .iter()
            .filter(|x| &x.service == service && x.time > since)
            .fold((0u64, 0u64), |(ok, f), x| {
                (ok + u64::from(x.ok), f + u64::from(x.failed))
            });
        let age = kubeplay_api::summary::human_duration(cluster.now().millis() - since.millis());
        rows.push(format!("{service}\t{rps}\t{ok}\t{failed}\t{age}"));
    }
    if rows.is_empty() {
        return match wanted {
            Some(w) => io.fail(format!(
                "traffic: no traffic is being sent to service/{}",
                w.rsplit('/').next().unwrap_or(&w)
            )),
            None => {
                io.println("No traffic is being sent.");
                0
            }
        };
    }
    let mut text = String::from("SERVICE\tRPS\tOK\tFAILED\tSINCE\n");
    for r in rows {
        text.push_str(&r);
        text.push('\n');
    }
    io.out
        .push_str(&crate::tabwriter::TabWriter::table().format(&text));
    0
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
