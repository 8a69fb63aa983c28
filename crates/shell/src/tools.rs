//! The text tools scripts pipe into, as GNU coreutils and grep behave for the options tutorials
//! use: `cat`, `grep`, `wc`, `head`, `tail`, `sort`, `uniq`, `cut`, `tr`, `seq`, `base64`,
//! `tee`, `awk '{print $N}'`, and `echo`, `printf`, `test`.

use crate::{Host, Io};

/// Runs a text tool; None if `name` is not one.
pub(crate) fn run(name: &str, args: &[String], io: &mut Io, host: &mut dyn Host) -> Option<i32> {
    Some(match name {
        "cat" => cat(args, io, host),
        "grep" | "egrep" | "fgrep" => grep(name, args, io, host),
        "wc" => wc(args, io, host),
        "head" => head_tail(true, args, io, host),
        "tail" => head_tail(false, args, io, host),
        "sort" => sort(args, io, host),
        "uniq" => uniq(args, io, host),
        "cut" => cut(args, io, host),
        "tr" => tr(args, io),
        "seq" => seq(args, io),
        "base64" => base64_tool(args, io, host),
        "tee" => tee(args, io, host),
        "awk" => awk(args, io, host),
        "jq" => crate::jq::jq(args, io, host),
        _ => return None,
    })
}

/// Standard input, or the files named (`-` for standard input), concatenated; errors printed
/// as `TOOL: FILE: reason`.
fn inputs(
    tool: &str,
    files: &[String],
    io: &mut Io,
    host: &dyn Host,
) -> (Vec<(String, String)>, i32) {
    if files.is_empty() {
        return (
            vec![(
                "(standard input)".into(),
                io.stdin.take().unwrap_or_default(),
            )],
            0,
        );
    }
    let mut out = Vec::new();
    let mut status = 0;
    for f in files {
        if f == "-" {
            out.push((
                "(standard input)".into(),
                io.stdin.take().unwrap_or_default(),
            ));
            continue;
        }
        match host.read_file(f) {
            Ok(t) => out.push((f.clone(), t)),
            Err(e) => {
                io.err.push_str(&format!("{tool}: {f}: {e}\n"));
                status = if tool == "grep" { 2 } else { 1 };
            }
        }
    }
    (out, status)
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Splits `-n5`, `-n 5`, `--lines=5` style options: returns (flags, operands). `with_value` are
/// the short options that take a value.
struct Opts {
    flags: Vec<(char, Option<String>)>,
    operands: Vec<String>,
}

fn opts(args: &[String], with_value: &str, longs: &[(&str, char)]) -> Result<Opts, String> {
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if only_operands || a == "-" || !a.starts_with('-') {
            operands.push(a.clone());
            continue;
        }
        if a == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some((_, c)) = longs.iter().find(|(n, _)| *n == name) else {
                return Err(format!("unrecognized option '--{name}'"));
            };
            let value = if with_value.contains(*c) && value.is_none() {
                let v = args.get(i).cloned();
                i += 1;
                v
            } else {
                value
            };
            flags.push((*c, value));
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() && j == 0 && with_value.contains('n') {
                // `head -5`
                flags.push(('n', Some(chars.iter().collect())));
                break;
            }
            if with_value.contains(c) {
                let rest: String = chars[j + 1..].iter().collect();
                let v = if rest.is_empty() {
                    let v = args.get(i).cloned();
                    i += 1;
                    match v {
                        Some(v) => v,
                        None => return Err(format!("option requires an argument -- '{c}'")),
                    }
                } else {
                    rest
                };
                flags.push((c, Some(v)));
                break;
            }
            flags.push((c, None));
            j += 1;
        }
    }
    Ok(Opts { flags, operands })
}

impl Opts {
    fn has(&self, c: char) -> bool {
        self.flags.iter().any(|(f, _)| *f == c)
    }
    fn value(&self, c: char) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| *f == c)
            .and_then(|(_, v)| v.as_deref())
    }
}

fn usage(io: &mut Io, tool: &str, msg: &str, status: i32) -> i32 {
    io.err.push_str(&format!("{tool}: {msg}\n"));
    status
}

pub(crate) fn cat(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let files: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || *a == "-")
        .cloned()
        .collect();
    let (ins, status) = inputs("cat", &files, io, host);
    for (_, t) in ins {
        io.out.push_str(&t);
    }
    status
}

fn grep(name: &str, args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let o = match opts(
        args,
        "emA",
        &[
            ("quiet", 'q'),
            ("silent", 'q'),
            ("count", 'c'),
            ("ignore-case", 'i'),
            ("invert-match", 'v'),
            ("extended-regexp", 'E'),
            ("word-regexp", 'w'),
            ("line-regexp", 'x'),
            ("only-matching", 'o'),
            ("fixed-strings", 'F'),
            ("regexp", 'e'),
            ("line-number", 'n'),
            ("files-with-matches", 'l'),
            ("no-filename", 'h'),
            ("with-filename", 'H'),
            ("max-count", 'm'),
        ],
    ) {
        Ok(o) => o,
        Err(e) => return usage(io, "grep", &e, 2),
    };
    let mut patterns: Vec<String> = o
        .flags
        .iter()
        .filter(|(c, _)| *c == 'e')
        .filter_map(|(_, v)| v.clone())
        .collect();
    let mut operands = o.operands.clone();
    if patterns.is_empty() {
        if operands.is_empty() {
            return usage(io, "grep", "Usage: grep [OPTION]... PATTERNS [FILE]...", 2);
        }
        patterns = operands.remove(0).split('\n').map(String::from).collect();
    }
    let fixed = o.has('F') || name == "fgrep";
    let extended = o.has('E') || name == "egrep";
    let mut sources = Vec::new();
    for p in &patterns {
        let mut src = if fixed {
            regex_lite::escape(p)
        } else if extended {
            p.clone()
        } else {
            basic_to_extended(p)
        };
        if o.has('w') {
            src = format!(r"(?:^|[^\w])({src})(?:[^\w]|$)");
        }
        if o.has('x') {
            src = format!("^(?:{src})$");
        }
        sources.push(src);
    }
    let full = sources.join("|");
    let re = match regex_lite::RegexBuilder::new(&full)
        .case_insensitive(o.has('i'))
        .size_limit(1 << 20)
        .build()
    {
        Ok(r) => r,
        Err(_) => return usage(io, "grep", "Invalid regular expression", 2),
    };
    let max: Option<usize> = o.value('m').and_then(|m| m.parse().ok());
    let (ins, mut status) = inputs("grep", &operands, io, host);
    let many = ins.len() > 1 && !o.has('h') || o.has('H');
    let mut any = false;
    for (file, text) in &ins {
        let mut count = 0usize;
        for (n, line) in text.lines().enumerate() {
            if max.is_some_and(|m| count >= m) {
                break;
            }
            let hit = re.is_match(line) != o.has('v');
            if !hit {
                continue;
            }
            count += 1;
            any = true;
            if o.has('q') {
                return 0;
            }
            if o.has('c') || o.has('l') {
                continue;
            }
            let prefix = match (many, o.has('n')) {
                (true, true) => format!("{file}:{}:", n + 1),
                (true, false) => format!("{file}:"),
                (false, true) => format!("{}:", n + 1),
                (false, false) => String::new(),
            };
            if o.has('o') && !o.has('v') {
                for m in re.find_iter(line) {
                    let text = if o.has('w') {
                        m.as_str()
                            .trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'))
                    } else {
                        m.as_str()
                    };
                    if !text.is_empty() {
                        io.out.push_str(&format!("{prefix}{text}\n"));
                    }
                }
            } else {
                io.out.push_str(&format!("{prefix}{line}\n"));
            }
        }
        if o.has('c') {
            if many {
                io.out.push_str(&format!("{file}:{count}\n"));
            } else {
                io.out.push_str(&format!("{count}\n"));
            }
        }
        if o.has('l') && count > 0 {
            io.out.push_str(&format!("{file}\n"));
        }
    }
    if status == 0 {
        status = if any { 0 } else { 1 };
    }
    status
}

/// A basic regular expression (grep without -E) in extended syntax: `\|`, `\+`, `\?`, `\(`,
/// `\)`, `\{`, `\}` are the operators, and their bare forms are literal.
fn basic_to_extended(p: &str) -> String {
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n @ ('|' | '+' | '?' | '(' | ')' | '{' | '}')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            },
            '|' | '+' | '?' | '(' | ')' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn wc(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let o = match opts(
        args,
        "",
        &[
            ("lines", 'l'),
            ("words", 'w'),
            ("bytes", 'c'),
            ("chars", 'm'),
        ],
    ) {
        Ok(o) => o,
        Err(e) => return usage(io, "wc", &e, 1),
    };
    let (ins, status) = inputs("wc", &o.operands, io, host);
    let all = !(o.has('l') || o.has('w') || o.has('c') || o.has('m'));
    let named = !o.operands.is_empty();
    let mut totals = [0usize; 3];
    let mut rows = Vec::new();
    for (file, t) in &ins {
        let counts = [
            t.matches('\n').count(),
            t.split_whitespace().count(),
            if o.has('m') {
                t.chars().count()
            } else {
                t.len()
            },
        ];
        for (k, c) in counts.iter().enumerate() {
            totals[k] += c;
        }
        rows.push((counts, if named { file.clone() } else { String::new() }));
    }
    if rows.len() > 1 {
        rows.push((totals, "total".into()));
    }
    let shown: Vec<usize> = (0..3)
        .filter(|k| all || o.has(['l', 'w', 'c'][*k]) || (*k == 2 && o.has('m')))
        .collect();
    // GNU wc pads the numbers to a common width when it prints more than one.
    let width = if shown.len() == 1 && rows.len() == 1 {
        0
    } else {
        rows.iter()
            .flat_map(|(c, _)| shown.iter().map(|k| c[*k].to_string().len()))
            .max()
            .unwrap_or(1)
            .max(if named { 1 } else { 7 })
    };
    for (counts, name) in rows {
        let mut line: Vec<String> = shown
            .iter()
            .map(|k| format!("{:>width$}", counts[*k]))
            .collect();
        if !name.is_empty() {
            line.push(name);
        }
        io.out.push_str(&line.join(" "));
        io.out.push('\n');
    }
    status
}

fn head_tail(head: bool, args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let tool = if head { "head" } else { "tail" };
    let o = match opts(args, "nc", &[("lines", 'n'), ("bytes", 'c')]) {
        Ok(o) => o,
        Err(e) => return usage(io, tool, &e, 1),
    };
    let spec = o.value('n').unwrap_or("10");
    let (from_start, n) = match spec.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, spec.strip_prefix('-').unwrap_or(spec)),
    };
    let negative = head && spec.starts_with('-');
    let Ok(n) = n.parse::<usize>() else {
        return usage(io, tool, &format!("invalid number of lines: '{spec}'"), 1);
    };
    let (ins, status) = inputs(tool, &o.operands, io, host);
    for (_, t) in ins {
        let ls = lines(&t);
        let picked: &[&str] = if head {
            if negative {
                &ls[..ls.len().saturating_sub(n)]
            } else {
                &ls[..n.min(ls.len())]
            }
        } else if from_start {
            &ls[n.saturating_sub(1).min(ls.len())..]
        } else {
            &ls[ls.len().saturating_sub(n)..]
        };
        for l in picked {
            io.out.push_str(l);
            io.out.push('\n');
        }
    }
    status
}

fn sort(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let o = match opts(
        args,
        "kt",
        &[
            ("numeric-sort", 'n'),
            ("reverse", 'r'),
            ("unique", 'u'),
            ("key", 'k'),
            ("field-separator", 't'),
            ("human-numeric-sort", 'h'),
            ("version-sort", 'V'),
        ],
    ) {
        Ok(o) => o,
        Err(e) => return usage(io, "sort", &e, 2),
    };
    let sep = o.value('t').and_then(|t| t.chars().next());
    let key: Option<usize> = o.value('k').and_then(|k| {
        k.split([',', '.'])
            .next()?
            .trim_end_matches(|c: char| c.is_alphabetic())
            .parse()
            .ok()
    });
    let numeric = o.has('n') || o.has('h') || o.value('k').is_some_and(|k| k.contains('n'));
    let (ins, status) = inputs("sort", &o.operands, io, host);
    let text: String = ins.into_iter().map(|(_, t)| t).collect();
    let mut ls: Vec<&str> = text.lines().collect();
    let field = |l: &str| -> String {
        match key {
            None => l.to_string(),
            Some(k) => {
                let fields: Vec<&str> = match sep {
                    Some(c) => l.split(c).collect(),
                    None => l.split_whitespace().collect(),
                };
                fields
                    .get(k.saturating_sub(1)..)
                    .map(|f| f.join(" "))
                    .unwrap_or_default()
            }
        }
    };
    let num = |s: &str| -> f64 {
        let t = s.trim_start();
        let end = t
            .char_indices()
            .take_while(|(i, c)| c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-'))
            .count();
        t[..end].parse::<f64>().unwrap_or(0.0)
    };
    ls.sort_by(|a, b| {
        let (fa, fb) = (field(a), field(b));
        let ord = if numeric {
            num(&fa)
                .partial_cmp(&num(&fb))
                .unwrap_or(std::cmp::Ordering::Equal)
        } else {
            fa.cmp(&fb)
        };
        ord.then_with(|| a.cmp(b))
    });
    if o.has('r') {
        ls.reverse();
    }
    if o.has('u') {
        ls.dedup_by(|a, b| {
            if numeric {
                num(&field(a)) == num(&field(b))
            } else {
                field(a) == field(b)
            }
        });
    }
    for l in ls {
        io.out.push_str(l);
        io.out.push('\n');
    }
    status
}

fn uniq(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let o = match opts(
        args,
        "",
        &[
            ("count", 'c'),
            ("repeated", 'd'),
            ("unique", 'u'),
            ("ignore-case", 'i'),
        ],
    ) {
        Ok(o) => o,
        Err(e) => return usage(io, "uniq", &e, 1),
    };
    let (ins, status) = inputs("uniq", &o.operands[..o.operands.len().min(1)], io, host);
    let text: String = ins.into_iter().map(|(_, t)| t).collect();
    let mut groups: Vec<(usize, &str)> = Vec::new();
    for l in text.lines() {
        match groups.last_mut() {
            Some((n, prev)) if *prev == l || (o.has('i') && prev.eq_ignore_ascii_case(l)) => {
                *n += 1
            }
            _ => groups.push((1, l)),
        }
    }
    for (n, l) in groups {
        if (o.has('d') && n < 2) || (o.has('u') && n > 1) {
            continue;
        }
        if o.has('c') {
            io.out.push_str(&format!("{n:>7} {l}\n"));
        } else {
            io.out.push_str(l);
            io.out.push('\n');
        }
    }
    status
}

/// `1,3-5,7-` as inclusive 1-based ranges.
fn ranges(spec: &str) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for part in spec.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

fn cut(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let o = match opts(
        args,
        "dfcb",
        &[
            ("delimiter", 'd'),
            ("fields", 'f'),
            ("characters", 'c'),
            ("bytes", 'b'),
        ],
    ) {
        Ok(o) => o,
        Err(e) => return usage(io, "cut", &e, 1),
    };
    let delim = o
        .value('d')
        .map(|d| d.chars().next().unwrap_or('\t'))
        .unwrap_or('\t');
    let (by_fields, spec) = match (o.value('f'), o.value('c').or(o.value('b'))) {
        (Some(f), _) => (true, f),
        (None, Some(c)) => (false, c),
        (None, None) => {
            return usage(
                io,
                "cut",
                "you must specify a list of bytes, characters, or fields",
                1,
            )
        }
    };
    let Some(rs) = ranges(spec) else {
        return usage(io, "cut", &format!("invalid field value '{spec}'"), 1);
    };
    let within = |i: usize| rs.iter().any(|(a, b)| *a <= i && i <= *b);
    let (ins, status) = inputs("cut", &o.operands, io, host);
    for (_, t) in ins {
        for l in t.lines() {
            if by_fields {
                if !l.contains(delim) {
                    io.out.push_str(l);
                } else {
                    let picked: Vec<&str> = l
                        .split(delim)
                        .enumerate()
                        .filter(|(i, _)| within(i + 1))
                        .map(|(_, f)| f)
                        .collect();
                    io.out.push_str(&picked.join(&delim.to_string()));
                }
            } else {
                let picked: String = l
                    .chars()
                    .enumerate()
                    .filter(|(i, _)| within(i + 1))
                    .map(|(_, c)| c)
                    .collect();
                io.out.push_str(&picked);
            }
            io.out.push('\n');
        }
    }
    status
}

/// A `tr` set: ranges (`a-z`), classes (`[:upper:]`...) and escapes (`\n`).
fn tr_set(s: &str) -> Vec<char> {
    let classes = [
        ("[:upper:]", ('A', 'Z')),
        ("[:lower:]", ('a', 'z')),
        ("[:digit:]", ('0', '9')),
    ];
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some((name, (a, b))) = classes.iter().find(|(n, _)| rest.starts_with(n)) {
            out.extend(*a..=*b);
            rest = &rest[name.len()..];
            continue;
        }
        if rest.starts_with("[:space:]") {
            out.extend([' ', '\t', '\n', '\r', '\u{b}', '\u{c}']);
            rest = &rest["[:space:]".len()..];
            continue;
        }
        if rest.starts_with("[:alpha:]") {
            out.extend('A'..='Z');
            out.extend('a'..='z');
            rest = &rest["[:alpha:]".len()..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(mut c) = chars.next() else { break };
        let mut len = c.len_utf8();
        if c == '\\' {
            if let Some(n) = chars.next() {
                c = match n {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' => '\\',
                    o => o,
                };
                len += n.len_utf8();
            }
        }
        let after = &rest[len..];
        let mut ac = after.chars();
        if ac.next() == Some('-') {
            if let Some(end) = ac.next() {
                if end >= c {
                    out.extend(c..=end);
                    rest = &after[1 + end.len_utf8()..];
                    continue;
                }
            }
        }
        out.push(c);
        rest = after;
    }
    out
}

fn tr(args: &[String], io: &mut Io) -> i32 {
    let o = match opts(
        args,
        "",
        &[
            ("delete", 'd'),
            ("squeeze-repeats", 's'),
            ("complement", 'c'),
        ],
    ) {
        Ok(o) => o,
        Err(e) => return usage(io, "tr", &e, 1),
    };
    let input = io.stdin.take().unwrap_or_default();
    let Some(a) = o.operands.first() else {
        return usage(io, "tr", "missing operand", 1);
    };
    let set1 = tr_set(a);
    let set2 = o.operands.get(1).map(|b| tr_set(b)).unwrap_or_default();
    let in1 = |c: char| set1.contains(&c) != o.has('c');
    let mut out = String::new();
    let mut last: Option<char> = None;
    for c in input.chars() {
        let mapped = if o.has('d') {
            if in1(c) {
                continue;
            }
            Some(c)
        } else if !set2.is_empty() && in1(c) {
            let i = set1
                .iter()
                .position(|x| *x == c)
                .unwrap_or(set1.len().saturating_sub(1));
            Some(*set2.get(i).or(set2.last()).unwrap_or(&c))
        } else {
            Some(c)
        };
        let Some(m) = mapped else { continue };
        let squeeze_set = if set2.is_empty() || o.has('d') {
            &set1
        } else {
            &set2
        };
        if o.has('s') && last == Some(m) && squeeze_set.contains(&m) {
            continue;
        }
        out.push(m);
        last = Some(m);
    }
    io.out.push_str(&out);
    0
}

fn seq(args: &[String], io: &mut Io) -> i32 {
    let nums: Result<Vec<i64>, _> = args.iter().map(|a| a.parse::<i64>()).collect();
    let Ok(nums) = nums else {
        return usage(io, "seq", "invalid argument (integers only here)", 1);
    };
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] => (*f, *s, *l),
        _ => return usage(io, "seq", "missing operand", 1),
    };
    if step == 0 {
        return usage(io, "seq", "invalid Zero increment value: '0'", 1);
    }
    let mut i = first;
    // The output budget would stop a huge sequence anyway; this stops it before it is built.
    let mut n = 0;
    while (step > 0 && i <= last) || (step < 0 && i >= last) {
        io.out.push_str(&i.to_string());
        io.out.push('\n');
        n += 1;
        if n >= 1_000_000 {
            break;
        }
        i = match i.checked_add(step) {
            Some(v) => v,
            None => break,
        };
    }
    0
}

fn base64_tool(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    use base64::Engine;
    let o = match opts(args, "w", &[("decode", 'd'), ("wrap", 'w')]) {
        Ok(o) => o,
        Err(e) => return usage(io, "base64", &e, 1),
    };
    let (ins, status) = inputs("base64", &o.operands, io, host);
    let text: String = ins.into_iter().map(|(_, t)| t).collect();
    let engine = base64::engine::general_purpose::STANDARD;
    if o.has('d') {
        let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match engine.decode(clean.as_bytes()) {
            Ok(bytes) => io.out.push_str(&String::from_utf8_lossy(&bytes)),
            Err(_) => return usage(io, "base64", "invalid input", 1),
        }
    } else {
        let enc = engine.encode(text.as_bytes());
        let wrap: usize = o.value('w').and_then(|w| w.parse().ok()).unwrap_or(76);
        if wrap == 0 {
            io.out.push_str(&enc);
            io.out.push('\n');
        } else {
            for chunk in enc.as_bytes().chunks(wrap) {
                io.out.push_str(&String::from_utf8_lossy(chunk));
                io.out.push('\n');
            }
        }
    }
    status
}

fn tee(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let append = args.iter().any(|a| a == "-a" || a == "--append");
    let input = io.stdin.take().unwrap_or_default();
    let mut status = 0;
    for f in args.iter().filter(|a| !a.starts_with('-')) {
        if f == "/dev/null" {
            continue;
        }
        if let Err(e) = host.write_file(f, &input, append) {
            io.err.push_str(&format!("tee: {f}: {e}\n"));
            status = 1;
        }
    }
    io.out.push_str(&input);
    status
}

/// `awk [-F SEP] '{print $N, $M}'` and `'NR==N {print}'`-free forms: the one program verify
/// scripts use; anything else says it is not supported.
fn awk(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let mut sep: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-F" {
            sep = args.get(i + 1).cloned();
            i += 2;
        } else if let Some(s) = a.strip_prefix("-F") {
            sep = Some(s.to_string());
            i += 1;
        } else {
            break;
        }
    }
    let Some(program) = args.get(i) else {
        return usage(io, "awk", "usage: awk [-F fs] 'program' [file ...]", 2);
    };
    let prog = program.trim();
    let Some(body) = prog.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
        return usage(
            io,
            "awk",
            "only programs of the form '{print $N, ...}' are supported here",
            2,
        );
    };
    let body = body.trim().trim_end_matches(';').trim();
    let Some(list) = body.strip_prefix("print") else {
        return usage(
            io,
            "awk",
            "only programs of the form '{print $N, ...}' are supported here",
            2,
        );
    };
    enum Item {
        Field(usize),
        Last,
        Text(String),
    }
    let mut items = Vec::new();
    for raw in list.split(',') {
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        if t == "$NF" {
            items.push(Item::Last);
        } else if let Some(n) = t.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
            items.push(Item::Field(n));
        } else if let Some(s) = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            items.push(Item::Text(s.to_string()));
        } else {
            return usage(
                io,
                "awk",
                "only programs of the form '{print $N, ...}' are supported here",
                2,
            );
        }
    }
    if items.is_empty() {
        items.push(Item::Field(0));
    }
    let (ins, status) = inputs("awk", &args[i + 1..], io, host);
    for (_, t) in ins {
        for l in t.lines() {
            let fields: Vec<&str> = match &sep {
                Some(s) if s.len() == 1 && s != " " => l.split(s.as_str()).collect(),
                Some(s) if !s.is_empty() && s != " " => l.split(s.as_str()).collect(),
                _ => l.split_whitespace().collect(),
            };
            let vals: Vec<String> = items
                .iter()
                .map(|it| match it {
                    Item::Field(0) => l.to_string(),
                    Item::Field(n) => fields.get(n - 1).map(|s| s.to_string()).unwrap_or_default(),
                    Item::Last => fields.last().map(|s| s.to_string()).unwrap_or_default(),
                    Item::Text(s) => s.clone(),
                })
                .collect();
            io.out.push_str(&vals.join(" "));
            io.out.push('\n');
        }
    }
    status
}

pub(crate) fn echo(args: &[String], io: &mut Io) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
        {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let text = args[i..].join(" ");
    if escapes {
        let (t, stop) = unescape(&text);
        io.out.push_str(&t);
        if stop {
            return 0;
        }
    } else {
        io.out.push_str(&text);
    }
    if newline {
        io.out.push('\n');
    }
    0
}

/// Backslash escapes of `echo -e` and `printf`; true if `\c` asked to stop.
fn unescape(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e') => out.push('\u{1b}'),
            Some('0') => {
                let mut v = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.extend(char::from_u32(v));
            }
            Some('c') => return (out, true),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

/// `printf FORMAT [ARGS]`: `%s %d %i %f %x %%` with widths, escapes; the format repeats while
/// arguments remain, as in bash.
pub(crate) fn printf(args: &[String], io: &mut Io) -> i32 {
    let Some(format) = args.first() else {
        return usage(io, "printf", "usage: printf format [arguments]", 2);
    };
    let (format, _) = unescape(format);
    let mut rest = args[1..].iter();
    let mut status = 0;
    loop {
        let mut consumed = false;
        let chars: Vec<char> = format.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != '%' {
                io.out.push(c);
                i += 1;
                continue;
            }
            i += 1;
            if chars.get(i) == Some(&'%') {
                io.out.push('%');
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && "-+ 0#.123456789".contains(chars[i]) {
                i += 1;
            }
            let spec: String = chars[start..i].iter().collect();
            let Some(&conv) = chars.get(i) else {
                io.out.push('%');
                io.out.push_str(&spec);
                break;
            };
            i += 1;
            let arg = rest.next();
            consumed |= arg.is_some();
            let arg = arg.map(String::as_str).unwrap_or("");
            let left = spec.starts_with('-');
            let zero = spec.starts_with('0');
            let (w, prec) = match spec
                .trim_start_matches(['-', '+', ' ', '0', '#'])
                .split_once('.')
            {
                Some((w, p)) => (w.parse::<usize>().unwrap_or(0), p.parse::<usize>().ok()),
                None => (
                    spec.trim_start_matches(['-', '+', ' ', '0', '#'])
                        .parse::<usize>()
                        .unwrap_or(0),
                    None,
                ),
            };
            let text = match conv {
                's' => match prec {
                    Some(p) => arg.chars().take(p).collect(),
                    None => arg.to_string(),
                },
                'b' => unescape(arg).0,
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'x' | 'X' | 'o' | 'u' => {
                    let v = if arg.is_empty() {
                        0
                    } else {
                        match arg.trim().parse::<i64>() {
                            Ok(v) => v,
                            Err(_) => {
                                io.err.push_str(&format!("printf: {arg}: invalid number\n"));
                                status = 1;
                                0
                            }
                        }
                    };
                    match conv {
                        'x' => format!("{v:x}"),
                        'X' => format!("{v:X}"),
                        'o' => format!("{v:o}"),
                        _ => v.to_string(),
                    }
                }
                'f' | 'e' | 'g' => {
                    let v = arg.trim().parse::<f64>().unwrap_or(0.0);
                    format!("{v:.*}", prec.unwrap_or(6))
                }
                other => {
                    io.err
                        .push_str(&format!("printf: %{other}: invalid directive\n"));
                    return 1;
                }
            };
            let pad = w.saturating_sub(text.chars().count());
            if left {
                io.out.push_str(&text);
                io.out.push_str(&" ".repeat(pad));
            } else if zero && matches!(conv, 'd' | 'i' | 'f' | 'x' | 'X') {
                io.out.push_str(&"0".repeat(pad));
                io.out.push_str(&text);
            } else {
                io.out.push_str(&" ".repeat(pad));
                io.out.push_str(&text);
            }
        }
        if !consumed || rest.len() == 0 {
            break;
        }
    }
    status
}

pub(crate) fn test(args: &[String], io: &mut Io, host: &dyn Host) -> i32 {
    match crate::test_expr::single_bracket(args, host) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(msg) => {
            io.err.push_str(&format!("[: {msg}\n"));
            2
        }
    }
}
