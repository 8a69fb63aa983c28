//! What a container's main process does, decided when it starts: whether it exits (when, with
//! which code) and what it prints. There are no real processes, so the container's command and
//! args are read as a shell script and run through `kubeplay-shell` on a simulated clock:
//! `echo`/`printf`/`date`/`hostname`/`env` print, `sleep N` moves the process's clock, `exit N`
//! ends it, and the shell's text tools work. Any other program (a server, `sleep infinity`,
//! `tail -f`) runs for ever from the moment it starts, as an app does today; so does a script that
//! outlasts its budgets (`while true; do date; sleep 5; done`), with the output it printed until
//! then. With no command, the image's own: shell images (`busybox`, `alpine`, `ubuntu`,
//! `debian`) run `sh` with no terminal, which exits 0 at once; every other image serves.
//!
//! The first container's `kubeplay.dev/exit-after-seconds` (and `kubeplay.dev/exit-code`, 0 by
//! default) make an app exit on its own too, whatever its command.

use std::collections::BTreeMap;

use kubeplay_api::core::Container;
use kubeplay_api::Time;
use kubeplay_shell::{Host, Io, Limits, Shell, BUDGET_STATUS};

/// The longest a script may sleep before it counts as running for ever.
const MAX_CLOCK_MS: i64 = 30 * 86_400_000;
/// Lines of output kept per process start.
const MAX_LINES: usize = 5_000;

/// A process's whole life, relative to its start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Process {
    /// Milliseconds after the start and the exit code, when the process ends on its own.
    pub exit: Option<(i64, i32)>,
    /// What it prints, each line with the milliseconds after the start it appears at.
    pub output: Vec<(i64, String)>,
}

impl Process {
    /// A process that runs until it is stopped and prints nothing (an app or a server).
    pub fn serving() -> Process {
        Process::default()
    }
}

/// Images whose default command is a shell: with no terminal attached it reads an empty
/// standard input and exits 0.
fn is_shell_image(image: &str) -> bool {
    let repo = image.rsplit('/').next().unwrap_or(image);
    let repo = repo.split(['@', ':']).next().unwrap_or(repo);
    matches!(repo, "busybox" | "alpine" | "ubuntu" | "debian")
}

fn is_shell(program: &str) -> bool {
    matches!(
        program.rsplit('/').next().unwrap_or(program),
        "sh" | "bash" | "ash" | "dash"
    )
}

/// Quotes a word for the shell, so `command: ["echo", "a b"]` runs as the kubelet would exec it.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// The process a container's start runs. `started` is the simulated time of the start (for
/// `date`), `hostname` the pod's, `env` the container's resolved environment.
pub(crate) fn plan(
    c: &Container,
    started: Time,
    hostname: &str,
    env: &BTreeMap<String, String>,
) -> Process {
    // `command` and `args` are kept verbatim in the container's extra fields.
    let words = |field: &str| -> Vec<&str> {
        c.extra
            .get(field)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|w| w.as_str()).collect())
            .unwrap_or_default()
    };
    let mut argv = words("command");
    argv.extend(words("args"));
    let script = match argv.as_slice() {
        [] if is_shell_image(&c.image) => return exited(0),
        [] => return Process::serving(),
        // A shell with no script and no terminal exits at once, as the image's default does.
        [sh] if is_shell(sh) => return exited(0),
        [sh, flag, script, ..] if is_shell(sh) && (*flag == "-c" || *flag == "-ec") => {
            if *flag == "-ec" {
                format!("set -e\n{script}")
            } else {
                script.to_string()
            }
        }
        words => words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" "),
    };
    run(&script, started, hostname, env)
}

fn exited(code: i32) -> Process {
    Process {
        exit: Some((0, code)),
        output: Vec::new(),
    }
}

/// The container's world as its script sees it: a clock that only `sleep` moves.
struct Container0<'a> {
    clock: i64,
    started: Time,
    hostname: &'a str,
    env: &'a BTreeMap<String, String>,
    /// The clock at each `sleep`, in order; `sleep` prints a marker so output before it can be
    /// stamped with the right time.
    sleeps: Vec<i64>,
    /// Set when a program that does not end ran (a server): the process lives for ever from
    /// this clock on.
    forever: Option<i64>,
}

/// Marks where a `sleep` happened in the output (a control character no program prints).
const MARK: char = '\u{1e}';
/// Marks where a program that never ends started: nothing after it is printed.
const FOREVER: char = '\u{1f}';

impl Container0<'_> {
    fn run_for_ever(&mut self, io: &mut Io) {
        self.forever = Some(self.clock);
        io.out.push(FOREVER);
    }
}

impl Host for Container0<'_> {
    fn run(&mut self, argv: &[String], io: &mut Io, _top_level: bool) -> Option<i32> {
        if self.forever.is_some() {
            return Some(0);
        }
        let name = argv.first()?;
        let args = &argv[1..];
        match name.rsplit('/').next().unwrap_or(name) {
            "sleep" => {
                let total: Option<i64> = args.iter().map(|a| sleep_ms(a)).sum();
                match total {
                    Some(ms) if args.is_empty() => {
                        let _ = ms;
                        io.err.push_str("sleep: missing operand\n");
                        return Some(1);
                    }
                    Some(ms) if self.clock.saturating_add(ms) <= MAX_CLOCK_MS => {
                        self.clock += ms;
                        self.sleeps.push(self.clock);
                        io.out.push(MARK);
                    }
                    Some(_) => self.run_for_ever(io),
                    None if args.iter().any(|a| a == "infinity" || a == "inf") => {
                        self.run_for_ever(io)
                    }
                    None => {
                        io.err
                            .push_str(&format!("sleep: invalid number '{}'\n", args[0]));
                        return Some(1);
                    }
                }
                Some(0)
            }
            "date" => {
                let [y, mo, d, h, mi, s, wd] = self.started.plus_millis(self.clock).civil();
                const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
                const MONTHS: [&str; 12] = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                io.out.push_str(&format!(
                    "{} {} {d:>2} {h:02}:{mi:02}:{s:02} UTC {y}\n",
                    DAYS[wd as usize % 7],
                    MONTHS[(mo as usize + 11) % 12]
                ));
                Some(0)
            }
            "hostname" => {
                io.out.push_str(self.hostname);
                io.out.push('\n');
                Some(0)
            }
            "env" | "printenv" if args.is_empty() => {
                for (k, v) in self.env {
                    io.out.push_str(&format!("{k}={v}\n"));
                }
                Some(0)
            }
            "printenv" => {
                let mut status = 0;
                for a in args {
                    match self.env.get(a) {
                        Some(v) => io.out.push_str(&format!("{v}\n")),
                        None => status = 1,
                    }
                }
                Some(status)
            }
            _ => {
                // A program the playground cannot run: it serves until stopped.
                self.run_for_ever(io);
                Some(0)
            }
        }
    }
    fn read_file(&self, path: &str) -> Result<String, String> {
        match path {
            "/etc/hostname" => Ok(format!("{}\n", self.hostname)),
            _ => Err("No such file or directory".into()),
        }
    }
    fn write_file(&mut self, _path: &str, _contents: &str, _append: bool) -> Result<(), String> {
        // Writes go nowhere visible: the container's filesystem is not simulated.
        Ok(())
    }
}

/// `sleep`'s operand: seconds with an optional `s`/`m`/`h`/`d` suffix, decimals allowed.
fn sleep_ms(arg: &str) -> Option<i64> {
    let (num, unit) = match arg.char_indices().last()? {
        (i, 's') => (&arg[..i], 1_000.0),
        (i, 'm') => (&arg[..i], 60_000.0),
        (i, 'h') => (&arg[..i], 3_600_000.0),
        (i, 'd') => (&arg[..i], 86_400_000.0),
        _ => (arg, 1_000.0),
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * unit).min(1e15) as i64)
}

fn run(script: &str, started: Time, hostname: &str, env: &BTreeMap<String, String>) -> Process {
    let mut host = Container0 {
        clock: 0,
        started,
        hostname,
        env,
        sleeps: Vec::new(),
        forever: None,
    };
    let mut shell = Shell::default();
    shell.limits = Limits {
        commands: 20_000,
        iterations: 5_000,
        substitution_depth: 8,
        output_bytes: 256 * 1024,
    };
    for (k, v) in env {
        shell.set_var(k, v);
    }
    shell.set_var("HOSTNAME", hostname);
    let outcome = shell.run_script(&mut host, script);
    // Both streams go to the container's log, as `kubectl logs` shows them.
    let printed = format!("{}{}", outcome.stdout, outcome.stderr);
    let printed = printed.split(FOREVER).next().unwrap_or("");
    let mut output = Vec::new();
    let mut at = 0i64;
    let mut marks = host.sleeps.iter();
    for (i, chunk) in printed.split(MARK).enumerate() {
        if i > 0 {
            at = marks.next().copied().unwrap_or(at);
        }
        for line in chunk.lines() {
            if output.len() < MAX_LINES {
                output.push((at, line.to_string()));
            }
        }
    }
    let runs_for_ever = host.forever.is_some() || outcome.status == BUDGET_STATUS;
    Process {
        exit: (!runs_for_ever).then_some((host.clock, outcome.status)),
        output,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(image: &str, command: &[&str], args: &[&str], expect: Expect) {
        let mut c = Container {
            name: "c".into(),
            image: image.into(),
            ..Default::default()
        };
        if !command.is_empty() {
            c.extra.insert("command".into(), serde_json::json!(command));
        }
        if !args.is_empty() {
            c.extra.insert("args".into(), serde_json::json!(args));
        }
        let env = BTreeMap::from([("GREETING".to_string(), "hi".to_string())]);
        let p = plan(&c, crate::EPOCH, "job-abc12", &env);
        let mut text = match p.exit {
            Some((ms, code)) => format!("exits {code} after {ms} ms\n"),
            None => "runs for ever\n".to_string(),
        };
        for (ms, line) in &p.output {
            text.push_str(&format!("{ms:>6} {line}\n"));
        }
        expect.assert_eq(&text);
    }

    #[test]
    fn processes() {
        check("nginx", &[], &[], expect!["runs for ever\n"]);
        check("busybox:1.36", &[], &[], expect!["exits 0 after 0 ms\n"]);
        check("busybox", &["sh"], &[], expect!["exits 0 after 0 ms\n"]);
        check(
            "busybox",
            &["echo", "Hello World"],
            &[],
            expect![[r#"
                exits 0 after 0 ms
                     0 Hello World
            "#]],
        );
        check(
            "busybox",
            &["sh", "-c"],
            &["echo start; sleep 5; date; echo $GREETING from $(hostname); exit 3"],
            expect![[r#"
                exits 3 after 5000 ms
                     0 start
                  5000 Thu Jan  1 00:00:05 UTC 2026
                  5000 hi from job-abc12
            "#]],
        );
        check(
            "busybox",
            &[
                "/bin/sh",
                "-c",
                "for i in 1 2 3; do echo $i; sleep 1m; done",
            ],
            &[],
            expect![[r#"
                exits 0 after 180000 ms
                     0 1
                 60000 2
                120000 3
            "#]],
        );
        check(
            "busybox",
            &["sleep", "3600"],
            &[],
            expect!["exits 0 after 3600000 ms\n"],
        );
        check(
            "busybox",
            &["sleep", "infinity"],
            &[],
            expect!["runs for ever\n"],
        );
        check(
            "busybox",
            &["sh", "-c", "echo serving; httpd -f -p 8080; echo never"],
            &[],
            expect![[r#"
                runs for ever
                     0 serving
            "#]],
        );
    }

    #[test]
    fn endless_loops_run_for_ever_with_what_they_printed() {
        let mut c = Container {
            name: "c".into(),
            image: "busybox".into(),
            ..Default::default()
        };
        c.extra.insert(
            "command".into(),
            serde_json::json!(["sh", "-c", "while true; do echo tick; sleep 1; done"]),
        );
        let p = plan(&c, crate::EPOCH, "h", &BTreeMap::new());
        assert_eq!(p.exit, None);
        assert!(p.output.len() > 1_000, "{}", p.output.len());
        assert_eq!(p.output[2], (2_000, "tick".to_string()));
    }
}
