//! The interpreter: lists, pipelines, compound commands, redirections and the built-ins that
//! need the shell's state (`exit`, `export`, `set`, `read`, `test`, `echo`, `printf`, `xargs`).

use crate::ast::*;
use crate::{tools, Host, Io, Shell, BUDGET_STATUS};

/// How execution leaves the normal flow.
#[derive(Debug)]
pub(crate) enum Flow {
    /// `exit N`, or `set -e` after a failure.
    Exit(i32),
    Break(usize),
    Continue(usize),
    /// A budget ran out (the message says which).
    Budget(String),
}

pub(crate) type R<T> = Result<T, Flow>;

/// What a command wrote.
#[derive(Debug, Default)]
pub(crate) struct Streams {
    pub out: String,
    pub err: String,
}

/// Where a command's standard output or error goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sink {
    Out,
    Err,
    Null,
    File(String, bool),
}

impl Shell {
    pub(crate) fn flow_status(&mut self, flow: Flow, s: &mut Streams) -> i32 {
        match flow {
            Flow::Exit(n) => n,
            Flow::Break(_) | Flow::Continue(_) => 0,
            Flow::Budget(msg) => {
                s.err.push_str(&format!("kubeplay-shell: {msg}\n"));
                BUDGET_STATUS
            }
        }
    }

    fn tick(&mut self) -> R<()> {
        self.used_commands += 1;
        if self.used_commands > self.limits.commands {
            return Err(Flow::Budget(format!(
                "more than {} commands in one script line: stopped",
                self.limits.commands
            )));
        }
        Ok(())
    }

    fn check_size(&self, s: &Streams) -> R<()> {
        if s.out.len() > self.limits.output_bytes || s.err.len() > self.limits.output_bytes {
            return Err(Flow::Budget(format!(
                "output larger than {} bytes: stopped",
                self.limits.output_bytes
            )));
        }
        Ok(())
    }

    pub(crate) fn exec_list(
        &mut self,
        host: &mut dyn Host,
        list: &List,
        stdin: &mut Option<String>,
        s: &mut Streams,
    ) -> R<i32> {
        let mut status = 0;
        for ao in &list.0 {
            status = self.exec_and_or(host, ao, stdin, s)?;
        }
        Ok(status)
    }

    fn exec_and_or(
        &mut self,
        host: &mut dyn Host,
        ao: &AndOr,
        stdin: &mut Option<String>,
        s: &mut Streams,
    ) -> R<i32> {
        let n = ao.rest.len();
        let mut status = self.exec_in_condition(n > 0, |sh| {
            sh.exec_pipeline(host, &ao.first, stdin, s, false)
        })?;
        let mut last_ran = 0;
        for (i, (c, p)) in ao.rest.iter().enumerate() {
            let run = match c {
                Connector::Always => true,
                Connector::IfOk => status == 0,
                Connector::IfFailed => status != 0,
            };
            if run {
                status = self.exec_in_condition(i + 1 < n, |sh| {
                    sh.exec_pipeline(host, p, stdin, s, false)
                })?;
                last_ran = i + 1;
            }
        }
        // `set -e`: only a failing last pipeline of an and-or list, outside conditions, counts.
        let last_bang = ao.rest.last().map_or(ao.first.bang, |(_, p)| p.bang);
        if self.errexit && status != 0 && self.condition_depth == 0 && last_ran == n && !last_bang {
            return Err(Flow::Exit(status));
        }
        Ok(status)
    }

    fn exec_in_condition<T>(&mut self, cond: bool, f: impl FnOnce(&mut Shell) -> R<T>) -> R<T> {
        if cond {
            self.condition_depth += 1;
        }
        let r = f(self);
        if cond {
            self.condition_depth -= 1;
        }
        r
    }

    pub(crate) fn exec_pipeline(
        &mut self,
        host: &mut dyn Host,
        p: &Pipeline,
        stdin: &mut Option<String>,
        s: &mut Streams,
        top_level: bool,
    ) -> R<i32> {
        let n = p.commands.len();
        let mut input = stdin.take();
        let inner = |sh: &mut Shell,
                     host: &mut dyn Host,
                     input: &mut Option<String>,
                     s: &mut Streams|
         -> R<(i32, i32)> {
            let mut status = 0;
            let mut failed = 0;
            for (i, cmd) in p.commands.iter().enumerate() {
                let last = i + 1 == n;
                let mut local = Streams::default();
                // Between commands, `s.out` holds the previous command's output.
                let mut cin = if i == 0 {
                    input.take()
                } else {
                    Some(std::mem::take(&mut s.out))
                };
                let r = sh.exec_command(host, cmd, &mut cin, &mut local, top_level && last);
                if r.is_err() {
                    // What it printed before stopping (`exit`, a budget) is kept.
                    s.err.push_str(&local.err);
                    if last && local.out.len() <= sh.limits.output_bytes {
                        s.out.push_str(&local.out);
                    }
                }
                status = r?;
                if i == 0 {
                    *input = cin;
                }
                if status != 0 {
                    failed = status;
                }
                s.err.push_str(&local.err);
                if last {
                    s.out.push_str(&local.out);
                } else {
                    s.out = local.out;
                }
                sh.check_size(s)?;
            }
            Ok((status, failed))
        };
        let (mut status, failed) = if n > 1 {
            // The output of all but the last command feeds the next one, not the caller.
            let mut piped = Streams::default();
            let r = self.exec_in_condition(p.bang, |sh| inner(sh, host, &mut input, &mut piped));
            s.err.push_str(&piped.err);
            s.out.push_str(&piped.out);
            r?
        } else {
            self.exec_in_condition(p.bang, |sh| inner(sh, host, &mut input, s))?
        };
        *stdin = input;
        if self.pipefail && failed != 0 {
            status = failed;
        }
        if p.bang {
            status = i32::from(status == 0);
        }
        self.status = status;
        Ok(status)
    }

    fn exec_command(
        &mut self,
        host: &mut dyn Host,
        cmd: &Command,
        stdin: &mut Option<String>,
        s: &mut Streams,
        top_level: bool,
    ) -> R<i32> {
        match cmd {
            Command::Simple(sc) => self.exec_simple(host, sc, stdin, s, top_level),
            Command::Compound(c, redirects) => {
                let Some((mut cin, sinks)) = self.redirects(host, redirects, stdin, s)? else {
                    return Ok(1);
                };
                let mut local = Streams::default();
                let r = self.exec_compound(host, c, &mut cin, &mut local);
                self.route(host, &sinks, local, s);
                r
            }
        }
    }

    fn exec_compound(
        &mut self,
        host: &mut dyn Host,
        c: &Compound,
        stdin: &mut Option<String>,
        s: &mut Streams,
    ) -> R<i32> {
        match c {
            Compound::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    let st =
                        self.exec_in_condition(true, |sh| sh.exec_list(host, cond, stdin, s))?;
                    if st == 0 {
                        return self.exec_list(host, body, stdin, s);
                    }
                }
                match otherwise {
                    Some(o) => self.exec_list(host, o, stdin, s),
                    None => Ok(0),
                }
            }
            Compound::For { name, items, body } => {
                let mut values = Vec::new();
                for w in items {
                    values.extend(self.expand_fields(host, w, s)?);
                }
                let mut status = 0;
                for v in values {
                    self.iteration()?;
                    self.assign(name, v)?;
                    match self.exec_list(host, body, stdin, s) {
                        Ok(st) => status = st,
                        Err(Flow::Break(n)) => {
                            if n > 1 {
                                return Err(Flow::Break(n - 1));
                            }
                            break;
                        }
                        Err(Flow::Continue(n)) => {
                            if n > 1 {
                                return Err(Flow::Continue(n - 1));
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(status)
            }
            Compound::While {
                until,
                condition,
                body,
            } => {
                let mut status = 0;
                loop {
                    self.iteration()?;
                    let st =
                        self.exec_in_condition(true, |sh| sh.exec_list(host, condition, stdin, s))?;
                    if (st == 0) == *until {
                        break;
                    }
                    match self.exec_list(host, body, stdin, s) {
                        Ok(st) => status = st,
                        Err(Flow::Break(n)) => {
                            if n > 1 {
                                return Err(Flow::Break(n - 1));
                            }
                            break;
                        }
                        Err(Flow::Continue(n)) => {
                            if n > 1 {
                                return Err(Flow::Continue(n - 1));
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(status)
            }
            Compound::Group(l) => self.exec_list(host, l, stdin, s),
            Compound::Subshell(l) => {
                let saved = self.vars.clone();
                let (e, x, pf, nu) = (self.errexit, self.xtrace, self.pipefail, self.nounset);
                let r = match self.exec_list(host, l, stdin, s) {
                    Err(Flow::Exit(n)) => Ok(n),
                    other => other,
                };
                self.vars = saved;
                (self.errexit, self.xtrace, self.pipefail, self.nounset) = (e, x, pf, nu);
                r
            }
            Compound::Test(words) => {
                let mut args = Vec::new();
                for w in words {
                    args.push(self.expand_test_word(host, w, s)?);
                }
                match crate::test_expr::double_bracket(&args) {
                    Ok(true) => Ok(0),
                    Ok(false) => Ok(1),
                    Err(msg) => {
                        s.err.push_str(&format!("[[: {msg}\n"));
                        Ok(2)
                    }
                }
            }
        }
    }

    /// Sets a variable within the output budget (so that `X=$X$X` in a loop stops).
    pub(crate) fn assign(&mut self, name: &str, value: String) -> R<()> {
        if value.len() > self.limits.output_bytes {
            return Err(Flow::Budget(format!(
                "variable {name} would be larger than {} bytes: stopped",
                self.limits.output_bytes
            )));
        }
        self.vars.entry(name.to_string()).or_default().value = value;
        Ok(())
    }

    fn iteration(&mut self) -> R<()> {
        self.used_iterations += 1;
        if self.used_iterations > self.limits.iterations {
            return Err(Flow::Budget(format!(
                "more than {} loop iterations in one script line: stopped",
                self.limits.iterations
            )));
        }
        Ok(())
    }

    fn exec_simple(
        &mut self,
        host: &mut dyn Host,
        sc: &Simple,
        stdin: &mut Option<String>,
        s: &mut Streams,
        top_level: bool,
    ) -> R<i32> {
        self.tick()?;
        let mut argv = Vec::new();
        self.subst_status = None;
        for w in &sc.words {
            let fields = self.expand_fields(host, w, s)?;
            argv.extend(fields);
        }
        let mut assigns = Vec::new();
        for (name, w) in &sc.assignments {
            let v = self.expand_string(host, w, s)?;
            assigns.push((name.clone(), v));
        }
        // A command with no name ends with the status of its last substitution.
        let subst_status = self.subst_status.take().unwrap_or(0);
        s.err.push_str(&std::mem::take(&mut self.stray_err));
        if argv.is_empty() {
            for (n, v) in assigns {
                self.assign(&n, v)?;
            }
            if !sc.redirects.is_empty() {
                let Some((_, sinks)) = self.redirects(host, &sc.redirects, stdin, s)? else {
                    return Ok(1);
                };
                self.route(host, &sinks, Streams::default(), s);
            }
            self.status = subst_status;
            return Ok(subst_status);
        }
        if self.xtrace {
            s.err.push_str(&format!("+ {}\n", argv.join(" ")));
        }
        let Some((cin, sinks)) = self.redirects(host, &sc.redirects, stdin, s)? else {
            self.status = 1;
            return Ok(1);
        };
        let mut io = Io {
            stdin: cin,
            out: String::new(),
            err: String::new(),
        };
        let holds = top_level && sinks.0 == Sink::Out;
        let r = self.dispatch(host, &argv, &mut io, holds);
        // What a command did not read stays for the next one of a compound command.
        if sc.redirects.iter().all(|r| !reads_stdin(r)) {
            *stdin = io.stdin.take();
        }
        let local = Streams {
            out: io.out,
            err: io.err,
        };
        self.route(host, &sinks, local, s);
        let status = r?;
        self.status = status;
        self.check_size(s)?;
        Ok(status)
    }

    /// Applies redirections: the standard input they give and where output and error go. None
    /// (after printing why) when one fails, as bash does not run the command then.
    fn redirects(
        &mut self,
        host: &mut dyn Host,
        redirects: &[Redirect],
        stdin: &mut Option<String>,
        s: &mut Streams,
    ) -> R<Option<(Option<String>, (Sink, Sink))>> {
        let mut cin = stdin.take();
        let mut out = Sink::Out;
        let mut err = Sink::Err;
        let sink_for = |path: String, append: bool| match path.as_str() {
            "/dev/null" => Sink::Null,
            "/dev/stdout" => Sink::Out,
            "/dev/stderr" => Sink::Err,
            _ => Sink::File(path, append),
        };
        for r in redirects {
            match r {
                Redirect::File { fd, target, mode } => {
                    let path = self.expand_string(host, target, s)?;
                    match mode {
                        FileMode::Read => {
                            if *fd == 0 {
                                if path == "/dev/null" {
                                    cin = Some(String::new());
                                    continue;
                                }
                                match host.read_file(&path) {
                                    Ok(t) => cin = Some(t),
                                    Err(e) => {
                                        s.err.push_str(&format!("{path}: {e}\n"));
                                        return Ok(None);
                                    }
                                }
                            }
                        }
                        FileMode::Write | FileMode::Append => {
                            let sink = sink_for(path, *mode == FileMode::Append);
                            match fd {
                                1 => out = sink,
                                2 => err = sink,
                                _ => {}
                            }
                        }
                    }
                }
                Redirect::Dup { fd, to } => {
                    let target = match to {
                        1 => out.clone(),
                        2 => err.clone(),
                        _ => continue,
                    };
                    match fd {
                        1 => out = target,
                        2 => err = target,
                        _ => {}
                    }
                }
                Redirect::Both { target, append } => {
                    let path = self.expand_string(host, target, s)?;
                    out = sink_for(path, *append);
                    err = out.clone();
                }
                Redirect::HereDoc { body, expand } => {
                    cin = Some(if *expand {
                        match crate::parser::parse_heredoc_body(body) {
                            Ok(w) => self.expand_string(host, &w, s)?,
                            Err(e) => {
                                s.err.push_str(&format!("{}\n", e.message));
                                return Ok(None);
                            }
                        }
                    } else {
                        body.clone()
                    });
                }
                Redirect::HereString(w) => {
                    let mut v = self.expand_string(host, w, s)?;
                    v.push('\n');
                    cin = Some(v);
                }
            }
        }
        Ok(Some((cin, (out, err))))
    }

    /// Sends what a command wrote where its redirections say.
    fn route(
        &mut self,
        host: &mut dyn Host,
        sinks: &(Sink, Sink),
        local: Streams,
        s: &mut Streams,
    ) {
        let mut files: Vec<(String, bool, String)> = Vec::new();
        for (sink, text) in [(&sinks.0, local.out), (&sinks.1, local.err)] {
            match sink {
                Sink::Out => s.out.push_str(&text),
                Sink::Err => s.err.push_str(&text),
                Sink::Null => {}
                Sink::File(path, append) => match files.iter_mut().find(|f| &f.0 == path) {
                    Some(f) => f.2.push_str(&text),
                    None => files.push((path.clone(), *append, text)),
                },
            }
        }
        for (path, append, text) in files {
            if let Err(e) = host.write_file(&path, &text, append) {
                s.err.push_str(&format!("{path}: {e}\n"));
            }
        }
    }

    /// Built-ins first, then the host, then `command not found`.
    fn dispatch(
        &mut self,
        host: &mut dyn Host,
        argv: &[String],
        io: &mut Io,
        top_level: bool,
    ) -> R<i32> {
        let Some(name) = argv.first() else {
            return Ok(0);
        };
        let args = &argv[1..];
        let status = match name.as_str() {
            "true" | ":" => 0,
            "false" => 1,
            "exit" => {
                let n = match args.first() {
                    None => self.status,
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => n.rem_euclid(256) as i32,
                        Err(_) => {
                            io.err
                                .push_str(&format!("exit: {a}: numeric argument required\n"));
                            2
                        }
                    },
                };
                return Err(Flow::Exit(n));
            }
            "break" | "continue" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1);
                return Err(if name == "break" {
                    Flow::Break(n)
                } else {
                    Flow::Continue(n)
                });
            }
            "export" | "readonly" | "local" | "declare" | "typeset" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    let (n, v) = match a.split_once('=') {
                        Some((n, v)) => (n, Some(v)),
                        None => (a.as_str(), None),
                    };
                    if !crate::expand::is_name(n) {
                        io.err
                            .push_str(&format!("{name}: `{a}': not a valid identifier\n"));
                        continue;
                    }
                    let var = self.vars.entry(n.to_string()).or_default();
                    if let Some(v) = v {
                        var.value = v.to_string();
                    }
                    if name == "export" {
                        var.exported = true;
                    }
                }
                i32::from(!io.err.is_empty())
            }
            "unset" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    self.vars.remove(a.as_str());
                }
                0
            }
            "set" => self.set_builtin(args, io),
            "read" => self.read_builtin(args, io),
            "test" => tools::test(args, io, host),
            "[" => match args.last().map(String::as_str) {
                Some("]") => tools::test(&args[..args.len() - 1], io, host),
                _ => {
                    io.err.push_str("[: missing `]'\n");
                    2
                }
            },
            "echo" => tools::echo(args, io),
            "printf" => tools::printf(args, io),
            "xargs" => self.xargs(host, args, io)?,
            "cd" => {
                io.err
                    .push_str("cd: the playground has no directories to change to\n");
                1
            }
            "source" | "." => {
                io.err
                    .push_str(&format!("{name}: scripts cannot be read from files here\n"));
                1
            }
            _ => match tools::run(name, args, io, host) {
                Some(st) => st,
                None => match host.run(argv, io, top_level) {
                    Some(st) => st,
                    None => {
                        io.err.push_str(&format!("{name}: command not found\n"));
                        127
                    }
                },
            },
        };
        Ok(status)
    }

    fn set_builtin(&mut self, args: &[String], io: &mut Io) -> i32 {
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            let (on, flags) = match a.strip_prefix('-') {
                Some(f) => (true, f),
                None => match a.strip_prefix('+') {
                    Some(f) => (false, f),
                    None => {
                        i += 1;
                        continue;
                    }
                },
            };
            if flags == "o" {
                i += 1;
                match args.get(i).map(String::as_str) {
                    Some("errexit") => self.errexit = on,
                    Some("xtrace") => self.xtrace = on,
                    Some("pipefail") => self.pipefail = on,
                    Some("nounset") => self.nounset = on,
                    Some(other) => {
                        io.err
                            .push_str(&format!("set: {other}: invalid option name\n"));
                        return 2;
                    }
                    None => {}
                }
            } else {
                for f in flags.chars() {
                    match f {
                        'e' => self.errexit = on,
                        'x' => self.xtrace = on,
                        'u' => self.nounset = on,
                        // Accepted, without effect here: no globbing, no job control.
                        'f' | 'h' | 'm' | 'C' | 'v' | 'b' | 'a' | 'B' | 'H' => {}
                        _ => {
                            io.err.push_str(&format!("set: -{f}: invalid option\n"));
                            return 2;
                        }
                    }
                }
            }
            i += 1;
        }
        0
    }

    /// `read [-r] NAME...`: one line of standard input, split on blanks.
    fn read_builtin(&mut self, args: &[String], io: &mut Io) -> i32 {
        let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let Some(input) = io.stdin.as_mut() else {
            return 1;
        };
        if input.is_empty() {
            return 1;
        }
        let (line, rest) = match input.find('\n') {
            Some(i) => (input[..i].to_string(), input[i + 1..].to_string()),
            None => (std::mem::take(input), String::new()),
        };
        *input = rest;
        let names: Vec<&str> = if names.is_empty() {
            vec!["REPLY"]
        } else {
            names.iter().map(|s| s.as_str()).collect()
        };
        let mut fields = line.split_whitespace();
        for (i, n) in names.iter().enumerate() {
            let v = if i + 1 == names.len() {
                fields.clone().collect::<Vec<_>>().join(" ")
            } else {
                fields.next().unwrap_or("").to_string()
            };
            self.set_var(n, &v);
        }
        0
    }

    /// `xargs [-n N] [-I R] [COMMAND [ARGS]]`: the command with the words of standard input.
    fn xargs(&mut self, host: &mut dyn Host, args: &[String], io: &mut Io) -> R<i32> {
        let mut per = usize::MAX;
        let mut replace: Option<String> = None;
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') {
            match args[i].as_str() {
                "-n" => {
                    i += 1;
                    per = args.get(i).and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
                }
                "-I" => {
                    i += 1;
                    replace = args.get(i).cloned();
                }
                "-r" | "--no-run-if-empty" | "-t" => {}
                other => {
                    io.err
                        .push_str(&format!("xargs: unsupported option {other}\n"));
                    return Ok(1);
                }
            }
            i += 1;
        }
        let mut command: Vec<String> = args[i.min(args.len())..].to_vec();
        if command.is_empty() {
            command.push("echo".into());
        }
        let input = io.stdin.take().unwrap_or_default();
        let batches: Vec<Vec<String>> = if replace.is_some() {
            input
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| vec![l.to_string()])
                .collect()
        } else {
            let words: Vec<String> = input.split_whitespace().map(String::from).collect();
            if words.is_empty() {
                return Ok(0);
            }
            words
                .chunks(per.min(words.len().max(1)))
                .map(|c| c.to_vec())
                .collect()
        };
        let mut status = 0;
        for b in batches {
            self.tick()?;
            let argv: Vec<String> = match &replace {
                Some(r) => command
                    .iter()
                    .map(|a| a.replace(r.as_str(), &b[0]))
                    .collect(),
                None => command.iter().cloned().chain(b).collect(),
            };
            let mut sub = Io::default();
            let st = self.dispatch(host, &argv, &mut sub, false)?;
            io.out.push_str(&sub.out);
            io.err.push_str(&sub.err);
            if st != 0 {
                status = 123;
            }
        }
        Ok(status)
    }

    /// Runs `$(...)`: in a copy of the variables (a subshell), its output with trailing
    /// newlines removed.
    pub(crate) fn substitute(
        &mut self,
        host: &mut dyn Host,
        statements: &[Statement],
    ) -> R<String> {
        if self.subst_depth >= self.limits.substitution_depth {
            return Err(Flow::Budget(format!(
                "command substitutions nested more than {} deep: stopped",
                self.limits.substitution_depth
            )));
        }
        self.subst_depth += 1;
        let saved = self.vars.clone();
        let opts = (self.errexit, self.xtrace, self.pipefail, self.nounset);
        let saved_cond = self.condition_depth;
        self.condition_depth = 0;
        let mut s = Streams::default();
        let mut stdin = None;
        let mut status = 0;
        let mut result = Ok(());
        for st in statements {
            match self.exec_list(host, &st.list, &mut stdin, &mut s) {
                Ok(st) => status = st,
                Err(Flow::Exit(n)) => {
                    status = n;
                    break;
                }
                Err(Flow::Break(_) | Flow::Continue(_)) => break,
                Err(e @ Flow::Budget(_)) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.vars = saved;
        (self.errexit, self.xtrace, self.pipefail, self.nounset) = opts;
        self.condition_depth = saved_cond;
        self.subst_depth -= 1;
        self.stray_err.push_str(&s.err);
        result?;
        self.subst_status = Some(status);
        let mut out = s.out;
        while out.ends_with('\n') {
            out.pop();
        }
        Ok(out)
    }
}

fn reads_stdin(r: &Redirect) -> bool {
    matches!(
        r,
        Redirect::File {
            fd: 0,
            mode: FileMode::Read,
            ..
        } | Redirect::HereDoc { .. }
            | Redirect::HereString(_)
    )
}
