//! `kubectl exec`: no process runs in a simulated container, so exec answers what a container
//! can honestly be asked without one: its environment as the kubelet gave it at start (`env`,
//! `printenv`), the files it mounts from ConfigMaps and Secrets and the few the kubelet writes
//! (`cat`, `ls`), files it writes (`echo hi > /data/x`, `touch`, `rm`: kept by the engine on the
//! volume mounted there, so they outlive the pod on a PersistentVolume and a container restart
//! on an emptyDir, or in the container's own layer, gone when it restarts), its `hostname`, requests to Services (`curl`, `wget`: routed and answered as
//! the simulated traffic is, and counted in it) and their names (`nslookup`), and `sh -c` of
//! those, through kubeplay-shell with the
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
    let pod = match super::pod_for(s, &ns, target, "attach to", super::PodOrder::Listed) {
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
    let mut files = files(&pod, &container, &rt.volumes);
    let read_only = read_only_paths(&pod, &container, &files);
    files.extend(
        s.cluster()
            .container_files(&ns, &pod.metadata.name, &container),
    );
    let mut host = ContainerHost {
        env: environment(&pod, &env, &kubernetes_ip),
        files,
        read_only,
        container: container.clone(),
        hostname: pod.metadata.name.clone(),
        net: Network {
            cluster: s.cluster_mut(),
            namespace: ns.clone(),
            pod: pod.metadata.name.clone(),
        },
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

/// Where the container cannot write: its ConfigMap and Secret mounts and the kubelet's files.
fn read_only_paths(pod: &Pod, container: &str, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = files.keys().cloned().collect();
    if let Some(c) = pod.spec.containers.iter().find(|c| c.name == container) {
        for m in &c.volume_mounts {
            let source = pod.spec.volumes.iter().find(|v| v.name == m.name);
            if source.is_some_and(|v| v.secret.is_some() || v.config_map.is_some()) {
                out.push(m.mount_path.trim_end_matches('/').to_string());
            }
        }
    }
    out
}

/// The container as kubeplay-shell's host: the commands and files above, and the network.
struct ContainerHost<'a> {
    env: Vec<(String, String)>,
    files: BTreeMap<String, String>,
    /// Files and mounts it may read but not write.
    read_only: Vec<String>,
    container: String,
    hostname: String,
    net: Network<'a>,
}

/// Why a command cannot run in a simulated container.
const NO_PROCESS: &str = "the playground's containers run no real process: exec can run env, printenv, cat, ls, hostname, curl, wget and nslookup of Services, echo > file, touch, mkdir, rm, and sh -c of those";

impl ContainerHost<'_> {
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

    fn is_read_only(&self, path: &str) -> bool {
        self.read_only
            .iter()
            .any(|r| path == r || path.starts_with(&format!("{r}/")))
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

impl Host for ContainerHost<'_> {
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
            "touch" => {
                let mut status = 0;
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    let path = absolute(a);
                    if self.files.contains_key(&path) {
                        continue;
                    }
                    if let Err(e) = self.write_file(&path, "", true) {
                        io.err
                            .push_str(&format!("touch: cannot touch '{a}': {e}\n"));
                        status = 1;
                    }
                }
                status
            }
            // Directories exist where files are: there is nothing to make.
            "mkdir" => 0,
            "rm" => {
                let mut status = 0;
                let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    let path = absolute(a);
                    let dir = format!("{}/", path.trim_end_matches('/'));
                    let targets: Vec<String> = self
                        .files
                        .keys()
                        .filter(|f| **f == path || f.starts_with(&dir))
                        .cloned()
                        .collect();
                    if targets.is_empty() {
                        if !force {
                            io.err.push_str(&format!(
                                "rm: cannot remove '{a}': No such file or directory\n"
                            ));
                            status = 1;
                        }
                        continue;
                    }
                    for t in targets {
                        if self.is_read_only(&t) {
                            io.err.push_str(&format!(
                                "rm: cannot remove '{t}': Read-only file system\n"
                            ));
                            status = 1;
                            continue;
                        }
                        self.net.cluster.remove_container_file(
                            &self.net.namespace,
                            &self.net.pod,
                            &self.container,
                            &t,
                        );
                        self.files.remove(&t);
                    }
                }
                status
            }
            "curl" => curl(&mut self.net, args, io),
            "wget" => wget(&mut self.net, args, io),
            "nslookup" => nslookup(&self.net, args, io),
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

    /// On a volume mounted there or in the container's writable layer, through the engine,
    /// which keeps it as long as that storage lasts.
    fn write_file(&mut self, path: &str, contents: &str, append: bool) -> Result<(), String> {
        let path = absolute(path);
        if self.is_read_only(&path) {
            return Err("Read-only file system".into());
        }
        if self.is_dir(&path) && !self.files.contains_key(&path) {
            return Err("Is a directory".into());
        }
        self.net.cluster.write_container_file(
            &self.net.namespace,
            &self.net.pod,
            &self.container,
            &path,
            contents,
            append,
        )?;
        let f = self.files.entry(path).or_default();
        if !append {
            f.clear();
        }
        f.push_str(contents);
        Ok(())
    }
}

/// A path as the shell in `/` (exec's working directory) resolves it.
fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{}", path.trim_start_matches("./"))
    }
}

/// What a container's resolver and network see: the Services of the cluster (by name and
/// ClusterIP), and one request at a time through `Cluster::request`.
struct Network<'a> {
    cluster: &'a mut kubeplay_engine::Cluster,
    /// The pod's namespace, where a bare Service name resolves.
    namespace: String,
    /// The pod the request comes from (NetworkPolicies look at it).
    pod: String,
}

/// A Service a host name or IP names: (namespace, name, ClusterIP, ports).
type Resolved = (String, String, String, Vec<i32>);

impl Network<'_> {
    /// `web`, `web.ns`, `web.ns.svc`, `web.ns.svc.cluster.local`, or a ClusterIP.
    /// The A records of a headless Service (its ready endpoints) and of the pods under it by
    /// hostname and subdomain (`web-0.nginx`, a StatefulSet's pods): (FQDN, IPs).
    fn headless_records(&self, host: &str) -> Option<(String, Vec<String>)> {
        let host = host.trim_end_matches('.');
        let parts: Vec<&str> = host.split('.').collect();
        let short = |rest: &[&str]| -> Option<String> {
            match rest {
                [] => Some(self.namespace.clone()),
                [ns] | [ns, "svc"] | [ns, "svc", "cluster", "local"] => Some(ns.to_string()),
                _ => None,
            }
        };
        let headless = |ns: &str, name: &str| {
            matches!(self.cluster.get(Kind::Service, ns, name),
                Ok(Object::Service(svc)) if svc.spec.cluster_ip == "None")
        };
        // A pod: `<hostname>.<subdomain>.<ns>...`.
        if let [pod, sub, rest @ ..] = parts.as_slice() {
            if let Some(ns) = short(rest) {
                if headless(&ns, sub) {
                    let ip = self
                        .cluster
                        .list(Kind::Pod, Some(&ns), None)
                        .into_iter()
                        .find_map(|o| match o {
                            Object::Pod(p)
                                if p.spec.extra.get("hostname").and_then(Value::as_str)
                                    == Some(pod)
                                    && p.spec.extra.get("subdomain").and_then(Value::as_str)
                                        == Some(sub)
                                    && !p.status.pod_ip.is_empty() =>
                            {
                                Some(p.status.pod_ip.clone())
                            }
                            _ => None,
                        })?;
                    return Some((format!("{pod}.{sub}.{ns}.svc.cluster.local"), vec![ip]));
                }
            }
        }
        // The Service itself: every ready endpoint.
        let (name, rest) = parts.split_first()?;
        let ns = short(rest)?;
        if !headless(&ns, name) {
            return None;
        }
        let ips: Vec<String> = match self.cluster.get(Kind::Endpoints, &ns, name) {
            Ok(Object::Endpoints(ep)) => ep
                .subsets
                .iter()
                .flat_map(|s| s.addresses.iter().map(|a| a.ip.clone()))
                .collect(),
            _ => Vec::new(),
        };
        (!ips.is_empty()).then(|| (format!("{name}.{ns}.svc.cluster.local"), ips))
    }

    fn resolve(&self, host: &str) -> Option<Resolved> {
        let host = host.trim_end_matches('.');
        let of = |svc: &kubeplay_api::Service| -> Resolved {
            (
                svc.metadata.namespace.clone(),
                svc.metadata.name.clone(),
                svc.spec.cluster_ip.clone(),
                svc.spec.ports.iter().map(|p| p.port).collect(),
            )
        };
        if host.parse::<std::net::Ipv4Addr>().is_ok() {
            return self
                .cluster
                .list(Kind::Service, None, None)
                .into_iter()
                .find_map(|o| match o {
                    Object::Service(svc) if svc.spec.cluster_ip == host => Some(of(svc)),
                    _ => None,
                });
        }
        let parts: Vec<&str> = host.split('.').collect();
        let (name, ns) = match parts.as_slice() {
            [name] => (*name, self.namespace.as_str()),
            [name, ns] | [name, ns, "svc"] | [name, ns, "svc", "cluster", "local"] => (*name, *ns),
            _ => return None,
        };
        match self.cluster.get(Kind::Service, ns, name) {
            Ok(Object::Service(svc)) => Some(of(svc)),
            _ => None,
        }
    }
}

/// The page nginx answers `GET /` with (615 bytes, as its access log says).
const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

/// The body an image's app answers `GET` with.
fn body_of(image: &str) -> String {
    if image.contains("nginx") {
        NGINX_WELCOME.to_string()
    } else {
        format!("Hello from {image}\n")
    }
}

/// `http://host:port/path` → (host, port).
fn split_url(url: &str) -> (String, i32) {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let hostport = rest.split('/').next().unwrap_or(rest);
    match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().unwrap_or(-1)),
        None => (
            hostport.to_string(),
            if url.starts_with("https://") { 443 } else { 80 },
        ),
    }
}

enum Fetch {
    /// Answered by an app of this image.
    Answered(String),
    /// The ingress controller's own answer: status code, reason, page.
    Page(u16, &'static str, String),
    NoHost,
    /// (ClusterIP) nothing answers on that IP and port.
    Refused(String),
    /// A NetworkPolicy drops the packets: the client waits until it gives up.
    TimedOut,
}

/// nginx's error page, which ingress-nginx serves for its own 404, 502 and 503.
fn nginx_error_page(code: u16, reason: &str) -> String {
    format!("<html>\n<head><title>{code} {reason}</title></head>\n<body>\n<center><h1>{code} {reason}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n")
}

/// The path of `http://host[:port]/path` (`/` when none).
fn url_path(url: &str) -> &str {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    rest.find('/').map_or("/", |i| &rest[i..])
}

impl Network<'_> {
    /// A request to `url`: to the ingress controller when the host is its address or a host
    /// an Ingress names (and no Service has that name), routed by `Host` (the header when
    /// given) and path; otherwise to a Service.
    fn fetch_url(&mut self, url: &str, host_header: Option<&str>) -> Fetch {
        let (host, port) = split_url(url);
        if self.resolve(&host).is_none()
            && (port == 80 || port == 443)
            && self.cluster.ingress_serves(&host)
        {
            let vhost = host_header.unwrap_or(&host);
            let vhost = vhost.split(':').next().unwrap_or(vhost);
            let unavailable = || {
                let reason = "Service Temporarily Unavailable";
                Fetch::Page(503, reason, nginx_error_page(503, reason))
            };
            return match self.cluster.ingress_route(vhost, url_path(url)) {
                kubeplay_engine::ingress::IngressRoute::Backend {
                    namespace,
                    service,
                    port,
                } => {
                    let from = Some((self.namespace.as_str(), self.pod.as_str()));
                    match self
                        .cluster
                        .request_from(from, &namespace, &service, Some(port))
                    {
                        Ok(Ok(image)) => Fetch::Answered(image),
                        Ok(Err(kubeplay_engine::FailureCause::NoEndpoint)) | Err(_) => {
                            unavailable()
                        }
                        Ok(Err(_)) => {
                            let reason = "Bad Gateway";
                            Fetch::Page(502, reason, nginx_error_page(502, reason))
                        }
                    }
                }
                kubeplay_engine::ingress::IngressRoute::NotFound => {
                    let reason = "Not Found";
                    Fetch::Page(404, reason, nginx_error_page(404, reason))
                }
                kubeplay_engine::ingress::IngressRoute::Unavailable => unavailable(),
            };
        }
        self.fetch(&host, port)
    }

    fn fetch(&mut self, host: &str, port: i32) -> Fetch {
        let Some((ns, name, ip, ports)) = self.resolve(host) else {
            return Fetch::NoHost;
        };
        if !ports.contains(&port) {
            return Fetch::Refused(ip);
        }
        let from = Some((self.namespace.as_str(), self.pod.as_str()));
        match self.cluster.request_from(from, &ns, &name, Some(port)) {
            Ok(Ok(image)) => Fetch::Answered(image),
            Ok(Err(kubeplay_engine::FailureCause::BlockedByPolicy)) => Fetch::TimedOut,
            _ => Fetch::Refused(ip),
        }
    }
}

fn curl(net: &mut Network, args: &[String], io: &mut ShIo) -> i32 {
    let mut url = None;
    let (mut head, mut discard, mut write_out) = (false, false, None::<String>);
    let mut max_time: Option<f64> = None;
    let mut host_header: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-I" | "--head" => head = true,
            "-o" | "--output" => {
                i += 1;
                discard = args.get(i).is_some_and(|f| f == "/dev/null");
            }
            "-w" | "--write-out" => {
                i += 1;
                write_out = args.get(i).cloned();
            }
            "-m" | "--max-time" | "--connect-timeout" => {
                i += 1;
                max_time = args.get(i).and_then(|t| t.parse::<f64>().ok());
            }
            "-H" | "--header" => {
                i += 1;
                if let Some((name, value)) = args.get(i).and_then(|h| h.split_once(':')) {
                    if name.trim().eq_ignore_ascii_case("host") {
                        host_header = Some(value.trim().to_string());
                    }
                }
            }
            "-X" | "--request" | "-A" | "--user-agent" => i += 1,
            _ if a.starts_with('-') => {}
            _ => url = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        io.err
            .push_str("curl: try 'curl --help' for more information\n");
        return 2;
    };
    let (host, port) = split_url(&url);
    match net.fetch_url(&url, host_header.as_deref()) {
        Fetch::Page(code, reason, page) => {
            if head {
                io.out.push_str(&format!(
                    "HTTP/1.1 {code} {reason}\r\nContent-Type: text/html\r\n\r\n"
                ));
            } else if !discard {
                io.out.push_str(&page);
            }
            if let Some(w) = write_out {
                io.out.push_str(
                    &w.replace("%{http_code}", &code.to_string())
                        .replace("\\n", "\n"),
                );
            }
            0
        }
        Fetch::Answered(image) => {
            if head {
                io.out
                    .push_str("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
            } else if !discard {
                io.out.push_str(&body_of(&image));
            }
            if let Some(w) = write_out {
                io.out
                    .push_str(&w.replace("%{http_code}", "200").replace("\\n", "\n"));
            }
            0
        }
        Fetch::NoHost => {
            io.err
                .push_str(&format!("curl: (6) Could not resolve host: {host}\n"));
            6
        }
        Fetch::Refused(_) => {
            if let Some(w) = write_out {
                io.out
                    .push_str(&w.replace("%{http_code}", "000").replace("\\n", "\n"));
            }
            io.err.push_str(&format!(
                "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"
            ));
            7
        }
        Fetch::TimedOut => {
            if let Some(w) = write_out {
                io.out
                    .push_str(&w.replace("%{http_code}", "000").replace("\\n", "\n"));
            }
            // Dropped packets: curl gives up after --max-time, or the kernel's SYN retries
            // (about 130 s). The simulated clock does not wait.
            let ms = max_time.map_or(130_000, |t| (t * 1000.0) as i64 + 1);
            io.err.push_str(&format!(
                "curl: (28) Failed to connect to {host} port {port} after {ms} ms: Timeout was reached\n"
            ));
            28
        }
    }
}

fn wget(net: &mut Network, args: &[String], io: &mut ShIo) -> i32 {
    let (mut quiet, mut to_stdout, mut spider, mut url) = (false, false, false, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-q" | "--quiet" => quiet = true,
            "-qO-" | "-O-" => {
                quiet |= a == "-qO-";
                to_stdout = true;
            }
            "-O" => {
                i += 1;
                to_stdout = args.get(i).is_some_and(|f| f == "-");
            }
            "--spider" => spider = true,
            "-T" | "--timeout" => i += 1,
            _ if a.starts_with('-') => {}
            _ => url = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        io.err.push_str("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n");
        return 1;
    };
    let (host, port) = split_url(&url);
    if !quiet {
        io.err.push_str(&format!(
            "Connecting to {host}{}\n",
            if port == 80 {
                String::new()
            } else {
                format!(":{port}")
            }
        ));
    }
    match net.fetch_url(&url, None) {
        Fetch::Page(code, reason, _) => {
            io.err.push_str(&format!(
                "wget: server returned error: HTTP/1.1 {code} {reason}\n"
            ));
            1
        }
        Fetch::Answered(image) => {
            if spider {
                if !quiet {
                    io.err.push_str("remote file exists\n");
                }
            } else if to_stdout {
                io.out.push_str(&body_of(&image));
            } else {
                io.err
                    .push_str("wget: can't open 'index.html': Read-only file system\n");
                return 1;
            }
            0
        }
        Fetch::NoHost => {
            io.err.push_str(&format!("wget: bad address '{host}'\n"));
            1
        }
        Fetch::Refused(ip) => {
            io.err.push_str(&format!(
                "wget: can't connect to remote host ({ip}): Connection refused\n"
            ));
            1
        }
        Fetch::TimedOut => {
            io.err.push_str("wget: download timed out\n");
            1
        }
    }
}

/// busybox `nslookup NAME`: the cluster DNS's answer for a Service.
fn nslookup(net: &Network, args: &[String], io: &mut ShIo) -> i32 {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        io.err
            .push_str("Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n");
        return 1;
    };
    io.out
        .push_str("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n");
    if let Some((fqdn, ips)) = net.headless_records(name) {
        for ip in ips {
            io.out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
        }
        io.out.push('\n');
        return 0;
    }
    match net.resolve(name) {
        Some((ns, svc, ip, _)) if !ip.is_empty() && ip != "None" => {
            io.out.push_str(&format!(
                "Name:\t{svc}.{ns}.svc.cluster.local\nAddress: {ip}\n\n"
            ));
            0
        }
        _ => {
            let fqdn = if name.contains('.') {
                name.to_string()
            } else {
                format!("{name}.{}.svc.cluster.local", net.namespace)
            };
            io.out
                .push_str(&format!("** server can't find {fqdn}: NXDOMAIN\n\n"));
            1
        }
    }
}
