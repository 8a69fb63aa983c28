//! `kubectl exec`: no process runs in a simulated container, so exec answers what a container
//! can honestly be asked without one: its environment as the kubelet gave it at start (`env`,
//! `printenv`), the files it mounts from ConfigMaps and Secrets and the few the kubelet writes
//! (`cat`, `ls`), its `hostname`, and `sh -c` of those, through kubeplay-shell with the
//! container as its host (so pipes, `grep` and `$(...)` work inside too). Anything else says in
//! one line that there is no real process, and fails.

use std::collections::BTreeMap;

use kubeplay_api::core::Pod;
use kubeplay_api::{Kind, Object};
use kubeplay_shell::{Host, Io as ShIo, Shell};
use serde_json::Value;

use super::{namespace, parse_flags, wants_help};
use crate::flags::{flag, short, FlagKind};
use crate::{Io, Session};

pub fn run(s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        short("container", 'c', FlagKind::String),
        short("stdin", 'i', FlagKind::Bool),
        short("tty", 't', FlagKind::Bool),
        short("quiet", 'q', FlagKind::Bool),
        flag("pod-running-timeout", FlagKind::Duration),
    ];
    let p = match parse_flags(io, "exec", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "exec", io) {
        return 0;
    }
    let Some(target) = p.args.first() else {
        return io.fail("error: pod, type/name or --filename must be specified");
    };
    let command = match &p.after_dash {
        Some(cmd) if !cmd.is_empty() => cmd.clone(),
        _ if p.args.len() > 1 => {
            return io.error("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
        }
        _ => return io.error("you must specify at least one command for the container"),
    };
    let ns = namespace(&p);
    let pod = match super::pod_for(s, &ns, target, "attach to") {
        Ok((pod, _)) => pod,
        Err(e) => return io.fail(e),
    };
    let container = match p.get("container") {
        Some(c) if pod.spec.containers.iter().any(|x| x.name == c) => c.to_string(),
        Some(c) => {
            return io.error(format!(
                "container {c} not found in pod {}",
                pod.metadata.name
            ))
        }
        None => {
            let names: Vec<&str> = pod
                .spec
                .containers
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            if names.len() > 1 && !p.bool("quiet") {
                io.err.push_str(&format!(
                    "Defaulted container \"{}\" out of: {}\n",
                    names[0],
                    names.join(", ")
                ));
            }
            names.first().map(|n| n.to_string()).unwrap_or_default()
        }
    };
    let running = pod
        .status
        .container_statuses
        .iter()
        .any(|st| st.name == container && st.state.running.is_some());
    let runtime = s.cluster().pod_runtime(&ns, &pod.metadata.name);
    let (Some(rt), true) = (runtime, running) else {
        if pod.status.phase == "Succeeded" || pod.status.phase == "Failed" {
            return io.error(format!(
                "cannot exec into a container in a completed pod; current phase is {}",
                pod.status.phase
            ));
        }
        return io.error(format!(
            "Internal error occurred: unable to upgrade connection: container not found (\"{container}\")"
        ));
    };
    let env = rt
        .containers
        .iter()
        .find(|c| c.name == container)
        .map(|c| c.env.clone())
        .unwrap_or_default();
    let kubernetes_ip = match s.cluster().get(Kind::Service, "default", "kubernetes") {
        Ok(Object::Service(svc)) => svc.spec.cluster_ip.clone(),
        _ => String::new(),
    };
    let mut host = ContainerHost {
        env: environment(&pod, &env, &kubernetes_ip),
        files: files(&pod, &container, &rt.volumes),
        hostname: pod.metadata.name.clone(),
    };
    let status = host.exec(&command, io);
    if status != 0 {
        io.err
            .push_str(&format!("command terminated with exit code {status}\n"));
    }
    status
}

/// The process environment as `env` prints it in a container: the image's `PATH`, the
/// kubelet's `HOSTNAME`, the container's env (resolved at its start), the `kubernetes` Service's
/// variables, and `HOME`.
fn environment(
    pod: &Pod,
    env: &BTreeMap<String, String>,
    kubernetes_ip: &str,
) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        ),
        ("HOSTNAME".to_string(), pod.metadata.name.clone()),
    ];
    out.extend(env.iter().map(|(k, v)| (k.clone(), v.clone())));
    if !kubernetes_ip.is_empty() {
        for (k, v) in [
            ("KUBERNETES_SERVICE_HOST", kubernetes_ip.to_string()),
            ("KUBERNETES_SERVICE_PORT", "443".to_string()),
            ("KUBERNETES_SERVICE_PORT_HTTPS", "443".to_string()),
            ("KUBERNETES_PORT", format!("tcp://{kubernetes_ip}:443")),
            (
                "KUBERNETES_PORT_443_TCP",
                format!("tcp://{kubernetes_ip}:443"),
            ),
            ("KUBERNETES_PORT_443_TCP_PROTO", "tcp".to_string()),
            ("KUBERNETES_PORT_443_TCP_PORT", "443".to_string()),
            ("KUBERNETES_PORT_443_TCP_ADDR", kubernetes_ip.to_string()),
        ] {
            if !env.contains_key(k) {
                out.push((k.to_string(), v));
            }
        }
    }
    if !env.contains_key("HOME") {
        out.push(("HOME".to_string(), "/root".to_string()));
    }
    out
}

/// The container's files: its ConfigMap and Secret volumes at their mount paths (keys, or the
/// `items` paths a volume maps them to, or one key with `subPath`), the service account's
/// namespace, and what the kubelet writes in `/etc`.
fn files(
    pod: &Pod,
    container: &str,
    volumes: &BTreeMap<String, kubeplay_engine::MountedVolume>,
) -> BTreeMap<String, String> {
    let ns = &pod.metadata.namespace;
    let mut out = BTreeMap::new();
    out.insert(
        "/etc/hostname".to_string(),
        format!("{}\n", pod.metadata.name),
    );
    out.insert(
        "/etc/hosts".to_string(),
        format!(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{}\t{}\n",
            pod.status.pod_ip, pod.metadata.name
        ),
    );
    out.insert(
        "/etc/resolv.conf".to_string(),
        format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"),
    );
    out.insert(
        "/var/run/secrets/kubernetes.io/serviceaccount/namespace".to_string(),
        ns.clone(),
    );
    let Some(c) = pod.spec.containers.iter().find(|c| c.name == container) else {
        return out;
    };
    for m in &c.volume_mounts {
        let Some(mounted) = volumes.get(&m.name) else {
            continue;
        };
        let base = m.mount_path.trim_end_matches('/');
        if let Some(sub) = m.extra.get("subPath").and_then(Value::as_str) {
            if let Some(content) = mounted.files.get(sub) {
                out.insert(base.to_string(), content.clone());
            }
            continue;
        }
        // `items` remaps keys to paths (and leaves the other keys out).
        let items = pod
            .spec
            .volumes
            .iter()
            .find(|v| v.name == m.name)
            .and_then(|v| {
                v.config_map
                    .as_ref()
                    .map(|c| &c.extra)
                    .or(v.secret.as_ref().map(|s| &s.extra))
            })
            .and_then(|extra| extra.get("items"))
            .and_then(Value::as_array);
        match items {
            Some(items) => {
                for it in items {
                    let key = it.get("key").and_then(Value::as_str).unwrap_or("");
                    let path = it.get("path").and_then(Value::as_str).unwrap_or(key);
                    if let Some(content) = mounted.files.get(key) {
                        out.insert(
                            format!("{base}/{}", path.trim_start_matches('/')),
                            content.clone(),
                        );
                    }
                }
            }
            None => {
                for (key, content) in &mounted.files {
                    out.insert(format!("{base}/{key}"), content.clone());
                }
            }
        }
    }
    out
}

/// The container as kubeplay-shell's host: the commands and files above.
struct ContainerHost {
    env: Vec<(String, String)>,
    files: BTreeMap<String, String>,
    hostname: String,
}

/// Why a command cannot run in a simulated container.
const NO_PROCESS: &str = "the playground's containers run no real process: exec can run env, printenv, cat, ls, hostname and sh -c of those";

impl ContainerHost {
    /// Runs the exec command (argv as given after `--`, each word quoted again so the shell
    /// reads it as one word); its exit status. The shell's own tools (`cat`, `grep`...) run as
    /// they are; everything else comes to [`Host::run`].
    fn exec(&mut self, argv: &[String], io: &mut Io) -> i32 {
        let line: Vec<String> = argv
            .iter()
            .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
            .collect();
        let mut shell = Shell::default();
        let out = shell.run_script(self, &line.join(" "));
        io.out.push_str(&out.stdout);
        io.err.push_str(&out.stderr);
        out.status
    }

    fn is_dir(&self, path: &str) -> bool {
        let dir = format!("{}/", path.trim_end_matches('/'));
        dir == "/" || self.files.keys().any(|f| f.starts_with(&dir))
    }

    fn ls(&self, args: &[String], io: &mut ShIo) -> i32 {
        let paths: Vec<&str> = args
            .iter()
            .map(String::as_str)
            .filter(|a| !a.starts_with('-'))
            .collect();
        let paths = if paths.is_empty() { vec!["."] } else { paths };
        let mut status = 0;
        for (i, path) in paths.iter().enumerate() {
            let abs = if *path == "." { "/" } else { path };
            if self.files.contains_key(abs) {
                io.out.push_str(&format!("{path}\n"));
                continue;
            }
            if !self.is_dir(abs) {
                io.err.push_str(&format!(
                    "ls: cannot access '{path}': No such file or directory\n"
                ));
                status = 2;
                continue;
            }
            if paths.len() > 1 {
                if i > 0 {
                    io.out.push('\n');
                }
                io.out.push_str(&format!("{path}:\n"));
            }
            let dir = format!("{}/", abs.trim_end_matches('/'));
            let mut names: Vec<&str> = self
                .files
                .keys()
                .filter_map(|f| f.strip_prefix(dir.as_str()))
                .map(|rest| rest.split('/').next().unwrap_or(rest))
                .collect();
            names.dedup();
            for n in names {
                io.out.push_str(&format!("{n}\n"));
            }
        }
        status
    }
}

impl Host for ContainerHost {
    fn run(&mut self, argv: &[String], io: &mut ShIo, _top_level: bool) -> Option<i32> {
        let name = argv.first()?.rsplit('/').next().unwrap_or("").to_string();
        let args = &argv[1..];
        Some(match name.as_str() {
            "env" if args.is_empty() => {
                for (k, v) in &self.env {
                    io.out.push_str(&format!("{k}={v}\n"));
                }
                0
            }
            "printenv" => {
                if args.is_empty() {
                    for (k, v) in &self.env {
                        io.out.push_str(&format!("{k}={v}\n"));
                    }
                    return Some(0);
                }
                let mut status = 0;
                for a in args {
                    match self.env.iter().find(|(k, _)| k == a) {
                        Some((_, v)) => io.out.push_str(&format!("{v}\n")),
                        None => status = 1,
                    }
                }
                status
            }
            "hostname" => {
                io.out.push_str(&format!("{}\n", self.hostname));
                0
            }
            "whoami" => {
                io.out.push_str("root\n");
                0
            }
            "pwd" => {
                io.out.push_str("/\n");
                0
            }
            "ls" => self.ls(args, io),
            "sh" | "bash" | "ash" => match args {
                [flag, script, ..] if flag == "-c" => {
                    let mut shell = Shell::default();
                    let out = shell.run_script(self, script);
                    io.out.push_str(&out.stdout);
                    io.err.push_str(&out.stderr);
                    out.status
                }
                _ => {
                    io.err.push_str(&format!("{name}: an interactive shell needs a real process; give the command with {name} -c '...' ({NO_PROCESS})\n"));
                    126
                }
            },
            // The shell's own tools (cat, grep, wc...) never come here; they read files through
            // read_file.
            _ => {
                io.err.push_str(&format!("{name}: {NO_PROCESS}\n"));
                126
            }
        })
    }

    fn read_file(&self, path: &str) -> Result<String, String> {
        match self.files.get(path) {
            Some(t) => Ok(t.clone()),
            None if self.is_dir(path) => Err("Is a directory".into()),
            None => Err("No such file or directory".into()),
        }
    }

    fn write_file(&mut self, _path: &str, _contents: &str, _append: bool) -> Result<(), String> {
        Err("Read-only file system".into())
    }
}
