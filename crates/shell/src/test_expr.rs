//! Conditions and arithmetic: `test`/`[ ]` (POSIX), `[[ ]]` (bash: patterns, `=~`, `&&`, `||`),
//! glob patterns, and `$(( ))`.

use crate::Host;

/// A word of `[[ ]]` after expansion: its text, and its text as a pattern (quoted characters
/// escaped).
pub(crate) struct TestWord {
    pub text: String,
    pub pattern: String,
}

/// `test ARGS` / `[ ARGS ]`. Err: the message for status 2.
pub(crate) fn single_bracket(args: &[String], host: &dyn Host) -> Result<bool, String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    // POSIX decides by the number of arguments first.
    match words.as_slice() {
        [] => Ok(false),
        [a] => Ok(!a.is_empty()),
        ["!", a] => Ok(a.is_empty()),
        [op, a] if is_unary(op) => unary(op, a, host),
        [_, _] => Err(format!("{}: unary operator expected", words[0])),
        ["!", rest @ ..] if rest.len() == 2 || rest.len() == 3 => {
            single_bracket(&args[1..], host).map(|b| !b)
        }
        [a, op, b] if is_binary(op) => binary(a, op, b),
        ["(", a, ")"] => Ok(!a.is_empty()),
        _ => {
            let mut p = Posix {
                w: &words,
                i: 0,
                host,
            };
            let v = p.or()?;
            if p.i < words.len() {
                return Err(format!("{}: binary operator expected", words[p.i]));
            }
            Ok(v)
        }
    }
}

fn is_unary(op: &str) -> bool {
    matches!(
        op,
        "-z" | "-n" | "-e" | "-f" | "-d" | "-s" | "-r" | "-w" | "-x" | "-L" | "-h" | "-v"
    )
}

fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "==" | "!=" | "<" | ">" | "-eq" | "-ne" | "-gt" | "-ge" | "-lt" | "-le"
    )
}

fn unary(op: &str, a: &str, host: &dyn Host) -> Result<bool, String> {
    Ok(match op {
        "-z" => a.is_empty(),
        "-n" => !a.is_empty(),
        "-e" | "-f" | "-r" | "-w" => host.read_file(a).is_ok(),
        "-s" => host.read_file(a).is_ok_and(|t| !t.is_empty()),
        // The playground's files are flat: no directories, links or executables.
        "-d" | "-x" | "-L" | "-h" => false,
        _ => false,
    })
}

fn int(s: &str) -> Result<i64, String> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| format!("{s}: integer expression expected"))
}

fn binary(a: &str, op: &str, b: &str) -> Result<bool, String> {
    Ok(match op {
        "=" | "==" => a == b,
        "!=" => a != b,
        "<" => a < b,
        ">" => a > b,
        _ => {
            let (x, y) = (int(a)?, int(b)?);
            match op {
                "-eq" => x == y,
                "-ne" => x != y,
                "-gt" => x > y,
                "-ge" => x >= y,
                "-lt" => x < y,
                _ => x <= y,
            }
        }
    })
}

struct Posix<'a> {
    w: &'a [&'a str],
    i: usize,
    host: &'a dyn Host,
}

impl<'a> Posix<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.w.get(self.i).copied()
    }
    fn or(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.peek() == Some("-o") {
            self.i += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }
    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.not()?;
        while self.peek() == Some("-a") {
            self.i += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }
    fn not(&mut self) -> Result<bool, String> {
        if self.peek() == Some("!") {
            self.i += 1;
            return self.not().map(|b| !b);
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<bool, String> {
        let Some(a) = self.peek() else {
            return Err("argument expected".into());
        };
        if a == "(" {
            self.i += 1;
            let v = self.or()?;
            if self.peek() != Some(")") {
                return Err("`)' expected".into());
            }
            self.i += 1;
            return Ok(v);
        }
        if is_unary(a) {
            if let Some(b) = self.w.get(self.i + 1) {
                self.i += 2;
                return unary(a, b, self.host);
            }
        }
        if let (Some(op), Some(b)) = (self.w.get(self.i + 1), self.w.get(self.i + 2)) {
            if is_binary(op) {
                self.i += 3;
                return binary(a, op, b);
            }
        }
        self.i += 1;
        Ok(!a.is_empty())
    }
}

/// `[[ WORDS ]]`.
pub(crate) fn double_bracket(words: &[TestWord]) -> Result<bool, String> {
    let mut p = Double { w: words, i: 0 };
    if words.is_empty() {
        return Err("syntax error: expression expected".into());
    }
    let v = p.or()?;
    if let Some(w) = words.get(p.i) {
        return Err(format!(
            "syntax error in conditional expression near `{}'",
            w.text
        ));
    }
    Ok(v)
}

struct Double<'a> {
    w: &'a [TestWord],
    i: usize,
}

impl Double<'_> {
    fn peek(&self) -> Option<&str> {
        self.w.get(self.i).map(|w| w.text.as_str())
    }
    fn or(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.peek() == Some("||") {
            self.i += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }
    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.not()?;
        while self.peek() == Some("&&") {
            self.i += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }
    fn not(&mut self) -> Result<bool, String> {
        if self.peek() == Some("!") {
            self.i += 1;
            return self.not().map(|b| !b);
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<bool, String> {
        let Some(a) = self.w.get(self.i) else {
            return Err("syntax error: unexpected end of expression".into());
        };
        if a.text == "(" {
            self.i += 1;
            let v = self.or()?;
            if self.peek() != Some(")") {
                return Err("syntax error: `)' expected".into());
            }
            self.i += 1;
            return Ok(v);
        }
        if is_unary(&a.text) {
            if let Some(b) = self.w.get(self.i + 1) {
                self.i += 2;
                return Ok(match a.text.as_str() {
                    "-z" => b.text.is_empty(),
                    "-n" => !b.text.is_empty(),
                    _ => false,
                });
            }
        }
        if let (Some(op), Some(b)) = (self.w.get(self.i + 1), self.w.get(self.i + 2)) {
            let op = op.text.as_str();
            if is_binary(op) || op == "=~" {
                self.i += 3;
                return match op {
                    "=" | "==" => Ok(glob_match(&b.pattern, &a.text)),
                    "!=" => Ok(!glob_match(&b.pattern, &a.text)),
                    "=~" => match regex_lite::Regex::new(&b.text) {
                        Ok(re) => Ok(re.is_match(&a.text)),
                        Err(_) => Err(format!("invalid regular expression `{}'", b.text)),
                    },
                    _ => {
                        let var = |_: &str| None;
                        let x =
                            arithmetic(&a.text, &var).map_err(|e| format!("{}: {e}", a.text))?;
                        let y =
                            arithmetic(&b.text, &var).map_err(|e| format!("{}: {e}", b.text))?;
                        Ok(match op {
                            "<" => a.text < b.text,
                            ">" => a.text > b.text,
                            "-eq" => x == y,
                            "-ne" => x != y,
                            "-gt" => x > y,
                            "-ge" => x >= y,
                            "-lt" => x < y,
                            _ => x <= y,
                        })
                    }
                };
            }
        }
        self.i += 1;
        Ok(!a.text.is_empty())
    }
}

/// A shell pattern (`*`, `?`, `[...]`, `\` escapes) matched against the whole text.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matching with one backtrack point for the last `*`: linear in practice, never
    // exponential.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') => match class(&p, pi, t[ti]) {
                Some((true, len)) => {
                    pi += len;
                    ti += 1;
                    continue;
                }
                Some((false, _)) => None,
                None => (t[ti] == '[').then_some(1),
            },
            Some('\\') if pi + 1 < p.len() => {
                if p[pi + 1] == t[ti] {
                    pi += 2;
                    ti += 1;
                    continue;
                }
                None
            }
            Some(c) => (*c == t[ti]).then_some(1),
            None => None,
        };
        match step {
            Some(n) => {
                pi += n;
                ti += 1;
            }
            None => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&'*') {
        pi += 1;
    }
    pi == p.len()
}

/// `[...]` at `p[start]` against `c`: (matched, length of the class), None if not a class.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((matched != negate, i + 1 - start));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

/// Integer arithmetic as `$(( ))` does it: + - * / % **, comparisons, && || !, parentheses,
/// variables by name (unset or empty is 0).
pub(crate) fn arithmetic(text: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<i64, String> {
    let toks = arith_tokens(text)?;
    let mut p = Arith {
        t: &toks,
        i: 0,
        var,
        depth: 0,
    };
    if toks.is_empty() {
        return Ok(0);
    }
    let v = p.expr(0)?;
    if p.i < toks.len() {
        return Err(format!(
            "syntax error in expression (error token is \"{}\")",
            toks[p.i..].join(" ")
        ));
    }
    Ok(v)
}

fn arith_tokens(text: &str) -> Result<Vec<String>, String> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch.is_ascii_alphanumeric() || ch == '_' {
            let s = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[s..i].iter().collect());
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            if ["**", "<=", ">=", "==", "!=", "&&", "||"].contains(&two.as_str()) {
                out.push(two);
                i += 2;
            } else if "+-*/%()<>!".contains(ch) {
                out.push(ch.to_string());
                i += 1;
            } else {
                return Err(format!(
                    "syntax error: operand expected (error token is \"{}\")",
                    c[i..].iter().collect::<String>()
                ));
            }
        }
    }
    Ok(out)
}

struct Arith<'a> {
    t: &'a [String],
    i: usize,
    var: &'a dyn Fn(&str) -> Option<String>,
    depth: usize,
}

impl Arith<'_> {
    fn prec(op: &str) -> Option<u8> {
        Some(match op {
            "||" => 1,
            "&&" => 2,
            "==" | "!=" => 3,
            "<" | ">" | "<=" | ">=" => 4,
            "+" | "-" => 5,
            "*" | "/" | "%" => 6,
            "**" => 7,
            _ => return None,
        })
    }

    fn expr(&mut self, min: u8) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("expression nested too deeply".into());
        }
        let mut lhs = self.unary()?;
        while let Some(op) = self.t.get(self.i) {
            let Some(p) = Self::prec(op) else { break };
            if p < min {
                break;
            }
            let op = op.clone();
            self.i += 1;
            let next = if op == "**" { p } else { p + 1 };
            let rhs = self.expr(next)?;
            lhs = match op.as_str() {
                "||" => i64::from(lhs != 0 || rhs != 0),
                "&&" => i64::from(lhs != 0 && rhs != 0),
                "==" => i64::from(lhs == rhs),
                "!=" => i64::from(lhs != rhs),
                "<" => i64::from(lhs < rhs),
                ">" => i64::from(lhs > rhs),
                "<=" => i64::from(lhs <= rhs),
                ">=" => i64::from(lhs >= rhs),
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "/" | "%" => {
                    if rhs == 0 {
                        return Err("division by 0 (error token is \"0\")".into());
                    }
                    if op == "/" {
                        lhs.wrapping_div(rhs)
                    } else {
                        lhs.wrapping_rem(rhs)
                    }
                }
                _ => {
                    if rhs < 0 {
                        return Err("exponent less than 0".into());
                    }
                    lhs.wrapping_pow(rhs.min(u32::MAX as i64) as u32)
                }
            };
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, String> {
        let Some(t) = self.t.get(self.i).cloned() else {
            return Err("syntax error: operand expected".into());
        };
        self.i += 1;
        match t.as_str() {
            "-" => self.unary().map(|v| v.wrapping_neg()),
            "+" => self.unary(),
            "!" => self.unary().map(|v| i64::from(v == 0)),
            "(" => {
                let v = self.expr(0)?;
                if self.t.get(self.i).map(String::as_str) != Some(")") {
                    return Err("missing `)'".into());
                }
                self.i += 1;
                Ok(v)
            }
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse::<i64>()
                .map_err(|_| format!("{n}: value too great for base")),
            n if n
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_') =>
            {
                let v = (self.var)(n).unwrap_or_default();
                if v.trim().is_empty() {
                    Ok(0)
                } else {
                    v.trim()
                        .parse::<i64>()
                        .map_err(|_| format!("{v}: syntax error: operand expected"))
                }
            }
            other => Err(format!(
                "syntax error: operand expected (error token is \"{other}\")"
            )),
        }
    }
}
