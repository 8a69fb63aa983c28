//! `kubeplay`: the playground without the web page. Runs console scripts (`run`), an
//! interactive console (`shell`), exports the cluster as manifests (`export`), and checks
//! workshops (`check`).

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use kubeplay_console::{Output, Session, SessionConfig};

mod check;
mod fs;

pub(crate) const USAGE: &str = "\
kubeplay: a simulated Kubernetes cluster, driven by kubectl.

Usage:
  kubeplay run [OPTIONS] SCRIPT|-     run a console script (kubectl commands and built-ins)
  kubeplay run --from-link URL [SCRIPT|-]
                                      rebuild the cluster a share link (or, with --from-file,
                                      a .kubeplay.json file) holds, say where it stands, then
                                      run SCRIPT on it (without one: get nodes, get pods -o wide)
  kubeplay shell [OPTIONS]            an interactive console (type `help`)
  kubeplay export [OPTIONS] [SCRIPT]  print the cluster's objects as manifests, after SCRIPT
  kubeplay check PATH...              check workshops: each step's checks fail before its
                                      solution and pass after it (a PATH without an index.*
                                      checks each sub-folder that has one)
  kubeplay check --import DIR         read a Killercoda scenario as it is: which steps the
                                      playground can run, then check them

Options:
  --seed N                    the simulation's random seed (default 1): same seed, same run
  --scenario NAME|FILE        the starting cluster: default (3 nodes), empty, scale (1,000 nodes
                              and 10,000 pods), or a YAML file
  --scheduler-config FILE     a KubeSchedulerConfiguration for the simulated scheduler
  --trace FILE                write every watch event and traffic sample as JSON Lines
  --keep-going                run the whole script even after a command fails
  --echo                      print each command, prefixed with `$ `, before its output
  --from-link URL             start from a share link's cluster (its seed and scenario)
  --from-file FILE            start from a .kubeplay.json file's cluster

Each command's output goes to standard output and its errors to standard error; the exit
status is 1 if a command failed (the script stops there unless --keep-going).
";

#[derive(Default)]
struct Options {
    seed: u64,
    scenario: String,
    scheduler_config: Option<String>,
    trace: Option<String>,
    keep_going: bool,
    echo: bool,
    /// `--from-link URL` or `--from-file FILE`: (is a file, the link or path).
    from: Option<(bool, String)>,
    positional: Vec<String>,
}

fn parse_options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        seed: 1,
        scenario: "default".into(),
        ..Default::default()
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let value = |i: &mut usize| -> Result<String> {
            if let Some(v) = &inline {
                return Ok(v.clone());
            }
            *i += 1;
            args.get(*i)
                .cloned()
                .with_context(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--seed" => {
                let v = value(&mut i)?;
                o.seed = v
                    .parse()
                    .with_context(|| format!("--seed: not a number: {v}"))?;
            }
            "--scenario" => o.scenario = value(&mut i)?,
            "--scheduler-config" => o.scheduler_config = Some(value(&mut i)?),
            "--trace" => o.trace = Some(value(&mut i)?),
            "--keep-going" => o.keep_going = true,
            "--echo" => o.echo = true,
            "--from-link" => o.from = Some((false, value(&mut i)?)),
            "--from-file" => o.from = Some((true, value(&mut i)?)),
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            s if s.starts_with("--") => bail!("unknown option {s}\n\n{USAGE}"),
            _ => o.positional.push(a.clone()),
        }
        i += 1;
    }
    Ok(o)
}

fn session(o: &Options) -> Result<Session> {
    if let Some((is_file, from)) = &o.from {
        return shared_session(o, *is_file, from);
    }
    let mut config = SessionConfig::default();
    config.cluster.seed = o.seed;
    config.cluster.record_trace = o.trace.is_some();
    let mut s = Session::with_files(config, Box::new(fs::RealFiles));
    if kubeplay_console::scenarios::exists(&o.scenario) {
        s.load_named_scenario(&o.scenario)
            .map_err(anyhow::Error::msg)?;
    } else {
        let yaml = std::fs::read_to_string(&o.scenario).with_context(|| {
            format!(
                "--scenario {}: not a built-in scenario ({}) and not a readable file",
                o.scenario,
                kubeplay_console::scenarios::names().join(", ")
            )
        })?;
        s.load_scenario(&yaml)
            .map_err(|e| anyhow::anyhow!("--scenario {}: {e}", o.scenario))?;
    }
    if let Some(path) = &o.scheduler_config {
        let yaml =
            std::fs::read_to_string(path).with_context(|| format!("--scheduler-config {path}"))?;
        s.configure_scheduler(&yaml)
            .map_err(|e| anyhow::anyhow!("--scheduler-config {path}: {e}"))?;
    }
    Ok(s)
}

fn print(out: &Output, echo: bool) {
    let mut stdout = std::io::stdout().lock();
    if echo {
        let _ = writeln!(stdout, "$ {}", out.command);
    }
    let _ = stdout.write_all(out.stdout.as_bytes());
    let _ = stdout.flush();
    drop(stdout);
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(out.stderr.as_bytes());
    let _ = stderr.flush();
}

fn write_trace(s: &Session, o: &Options) -> Result<()> {
    if let (Some(path), Some(text)) = (&o.trace, s.cluster().trace_jsonl()) {
        std::fs::write(path, text).with_context(|| format!("--trace {path}"))?;
    }
    Ok(())
}

fn read_script(path: &str) -> Result<String> {
    if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read script {path}"))
    }
}

/// Runs a script pipeline by pipeline, stopping at the first failure unless `keep_going`.
fn run_script(s: &mut Session, script: &str, o: &Options) -> bool {
    let mut ok = true;
    // Run line groups one at a time so that a failure stops the script where it happened.
    for chunk in kubeplay_console::shell::statements(script) {
        let outs = s.run(&chunk);
        for out in &outs {
            print(out, o.echo);
        }
        // As with `set -e`: a statement fails when its last pipeline does (`a || b` does not).
        if outs.last().is_some_and(|out| out.status != 0) {
            ok = false;
            if !o.keep_going {
                break;
            }
        }
    }
    ok
}

/// The session a share link or file holds, rebuilt, and a line on standard error saying where
/// it stands.
fn shared_session(o: &Options, is_file: bool, from: &str) -> Result<Session> {
    if o.seed != 1 || o.scenario != "default" || o.scheduler_config.is_some() {
        bail!("--from-link and --from-file carry their own seed, scenario and scheduler");
    }
    if o.trace.is_some() {
        bail!("--trace records from the start: it cannot follow --from-link or --from-file");
    }
    let shared = if is_file {
        let text = std::fs::read_to_string(from).with_context(|| format!("--from-file {from}"))?;
        kubeplay_console::share::Shared::from_json(&text)
            .map_err(|e| anyhow::anyhow!("--from-file {from}: {e}"))?
    } else {
        kubeplay_console::share::Shared::from_link(from)
            .map_err(|e| anyhow::anyhow!("--from-link: {e}"))?
    };
    // A share's log runs in memory, as in the page: it never reads or writes this machine's files.
    let s = shared
        .open(kubeplay_console::Clock::Simulated)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "# scenario {}, seed {}, {} command(s) replayed; simulated time {}",
        shared.scenario,
        shared.seed,
        shared.log.len(),
        s.cluster().now().rfc3339()
    );
    Ok(s)
}

fn cmd_run(args: &[String]) -> Result<bool> {
    let o = parse_options(args)?;
    if o.from.is_some() {
        let mut s = session(&o)?;
        let script = match o.positional.as_slice() {
            [] => "kubectl get nodes\nkubectl get pods -o wide\n".to_string(),
            [path] => read_script(path)?,
            _ => bail!("kubeplay run --from-link takes at most one SCRIPT\n\n{USAGE}"),
        };
        let ok = run_script(&mut s, &script, &o);
        write_trace(&s, &o)?;
        return Ok(ok);
    }
    let [path] = o.positional.as_slice() else {
        bail!("kubeplay run needs one SCRIPT (or - for standard input)\n\n{USAGE}");
    };
    let script = read_script(path)?;
    let mut s = session(&o)?;
    let ok = run_script(&mut s, &script, &o);
    write_trace(&s, &o)?;
    Ok(ok)
}

fn cmd_export(args: &[String]) -> Result<bool> {
    let o = parse_options(args)?;
    let mut s = session(&o)?;
    let mut ok = true;
    if let Some(path) = o.positional.first() {
        let script = read_script(path)?;
        // The script's own output goes to standard error: standard output is the export.
        for chunk in kubeplay_console::shell::statements(&script) {
            let outs = s.run(&chunk);
            for out in &outs {
                eprint!("{}{}", out.stdout, out.stderr);
            }
            if outs.last().is_some_and(|out| out.status != 0) {
                ok = false;
                if !o.keep_going {
                    return Ok(false);
                }
            }
        }
    }
    print!("{}", s.export());
    write_trace(&s, &o)?;
    Ok(ok)
}

fn cmd_shell(args: &[String]) -> Result<bool> {
    let o = parse_options(args)?;
    let mut s = session(&o)?;
    let mut editor = rustyline::DefaultEditor::new().ok();
    let stdin = std::io::stdin();
    let mut last_ok = true;
    eprintln!(
        "kubeplay shell: a simulated cluster ({}); type `help`, Ctrl-D to leave.",
        o.scenario
    );
    loop {
        let mut input = String::new();
        loop {
            let prompt = if input.is_empty() { "kubeplay$ " } else { "> " };
            let line = match &mut editor {
                Some(ed) => match ed.readline(prompt) {
                    Ok(l) => Some(l),
                    Err(rustyline::error::ReadlineError::Interrupted) => {
                        input.clear();
                        continue;
                    }
                    Err(_) => None,
                },
                None => {
                    print!("{prompt}");
                    let _ = std::io::stdout().flush();
                    let mut l = String::new();
                    match stdin.lock().read_line(&mut l) {
                        Ok(0) | Err(_) => None,
                        Ok(_) => Some(l.trim_end_matches('\n').to_string()),
                    }
                }
            };
            let Some(line) = line else {
                write_trace(&s, &o)?;
                return Ok(last_ok);
            };
            input.push_str(&line);
            input.push('\n');
            if !kubeplay_console::shell::is_incomplete(&input) {
                break;
            }
        }
        if let Some(ed) = &mut editor {
            let _ = ed.add_history_entry(input.trim_end());
        }
        if input.trim() == "exit" {
            write_trace(&s, &o)?;
            return Ok(last_ok);
        }
        for out in s.run(&input) {
            print(&out, false);
            last_ok = out.status == 0;
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("shell") => cmd_shell(&args[1..]),
        Some("export") => cmd_export(&args[1..]),
        Some("check") => check::cmd_check(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(true)
        }
        Some(other) => Err(anyhow::anyhow!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("kubeplay: {e:#}");
            ExitCode::from(1)
        }
    }
}
