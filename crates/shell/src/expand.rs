//! Word expansion: parameters, command substitution, arithmetic, field splitting on blanks and
//! quote removal. No pathname expansion (globbing): there is no directory to match against, so
//! `*` stays as typed, as bash leaves a pattern that matches nothing.

use crate::ast::*;
use crate::interp::{Flow, Streams, R};
use crate::{Host, Shell};

pub(crate) fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch == '_' || ch.is_ascii_alphabetic())
        && c.all(|ch| ch == '_' || ch.is_ascii_alphanumeric())
}

/// A piece of an expanded word: whether blanks in it split fields.
enum Seg {
    /// Unquoted text from the script: never split, but not "quoted" either.
    Literal(String),
    Quoted(String),
    /// The unquoted result of an expansion: split on blanks.
    Split(String),
}

impl Shell {
    /// A word as fields (an unquoted `$X` holding `a b` gives two).
    pub(crate) fn expand_fields(
        &mut self,
        host: &mut dyn Host,
        w: &Word,
        s: &mut Streams,
    ) -> R<Vec<String>> {
        let segs = self.segments(host, &w.0, false, s)?;
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut have = false;
        for seg in segs {
            match seg {
                Seg::Literal(t) => {
                    have |= !t.is_empty();
                    cur.push_str(&t);
                }
                Seg::Quoted(t) => {
                    have = true;
                    cur.push_str(&t);
                }
                Seg::Split(t) => {
                    for ch in t.chars() {
                        if matches!(ch, ' ' | '\t' | '\n') {
                            if have {
                                fields.push(std::mem::take(&mut cur));
                                have = false;
                            }
                        } else {
                            cur.push(ch);
                            have = true;
                        }
                    }
                }
            }
        }
        if have {
            fields.push(cur);
        }
        Ok(fields)
    }

    /// A word as one string (assignments, redirection targets, here-documents).
    pub(crate) fn expand_string(
        &mut self,
        host: &mut dyn Host,
        w: &Word,
        s: &mut Streams,
    ) -> R<String> {
        let segs = self.segments(host, &w.0, false, s)?;
        Ok(segs
            .into_iter()
            .map(|g| match g {
                Seg::Literal(t) | Seg::Quoted(t) | Seg::Split(t) => t,
            })
            .collect())
    }

    /// A word inside `[[ ]]`: no splitting; the right side of `==`/`!=` keeps its quoting as
    /// glob escapes, so that `"*"` matches only a star.
    pub(crate) fn expand_test_word(
        &mut self,
        host: &mut dyn Host,
        w: &Word,
        s: &mut Streams,
    ) -> R<crate::test_expr::TestWord> {
        let segs = self.segments(host, &w.0, false, s)?;
        let mut text = String::new();
        let mut pattern = String::new();
        for g in segs {
            match g {
                Seg::Literal(t) | Seg::Split(t) => {
                    text.push_str(&t);
                    pattern.push_str(&t);
                }
                Seg::Quoted(t) => {
                    text.push_str(&t);
                    for c in t.chars() {
                        if "*?[]\\".contains(c) {
                            pattern.push('\\');
                        }
                        pattern.push(c);
                    }
                }
            }
        }
        Ok(crate::test_expr::TestWord { text, pattern })
    }

    fn segments(
        &mut self,
        host: &mut dyn Host,
        parts: &[Part],
        quoted: bool,
        s: &mut Streams,
    ) -> R<Vec<Seg>> {
        let mut out = Vec::new();
        for p in parts {
            let wrap = |t: String| {
                if quoted {
                    Seg::Quoted(t)
                } else {
                    Seg::Split(t)
                }
            };
            match p {
                Part::Lit(t) => out.push(if quoted {
                    Seg::Quoted(t.clone())
                } else {
                    Seg::Literal(t.clone())
                }),
                Part::Quoted(t) => out.push(Seg::Quoted(t.clone())),
                Part::Double(inner) => {
                    let inner = self.segments(host, inner, true, s)?;
                    // `""` is one empty field.
                    out.push(Seg::Quoted(String::new()));
                    out.extend(inner);
                }
                Part::Param(param) => {
                    let v = self.param(host, param, s)?;
                    out.push(wrap(v));
                }
                Part::Subst(statements) => {
                    let v = self.substitute(host, statements)?;
                    out.push(wrap(v));
                }
                Part::Arith(expr) => {
                    let v = self.arith(host, expr, s)?;
                    out.push(wrap(v));
                }
            }
        }
        Ok(out)
    }

    /// The value of a special or named parameter, None if unset.
    fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.status.to_string()),
            "#" => Some("0".into()),
            "$" => Some("1".into()),
            "0" => Some("bash".into()),
            "@" | "*" | "!" | "-" => Some(String::new()),
            n if n.chars().all(|c| c.is_ascii_digit()) => None,
            n => self.var(n).map(String::from),
        }
    }

    fn param(&mut self, host: &mut dyn Host, p: &Param, s: &mut Streams) -> R<String> {
        let value = self.lookup(&p.name);
        let unset_or_empty = |colon: bool, v: &Option<String>| match v {
            None => true,
            Some(v) => colon && v.is_empty(),
        };
        match &p.op {
            ParamOp::Plain => match value {
                Some(v) => Ok(v),
                None if self.nounset && !p.name.chars().all(|c| c.is_ascii_digit()) => {
                    s.err.push_str(&format!("{}: unbound variable\n", p.name));
                    Err(Flow::Exit(1))
                }
                None => Ok(String::new()),
            },
            ParamOp::Length => Ok(value.unwrap_or_default().chars().count().to_string()),
            ParamOp::Default { colon, word } => {
                if unset_or_empty(*colon, &value) {
                    self.expand_string(host, word, s)
                } else {
                    Ok(value.unwrap_or_default())
                }
            }
            ParamOp::Assign { colon, word } => {
                if unset_or_empty(*colon, &value) {
                    let v = self.expand_string(host, word, s)?;
                    if is_name(&p.name) {
                        self.assign(&p.name, v.clone())?;
                    }
                    Ok(v)
                } else {
                    Ok(value.unwrap_or_default())
                }
            }
            ParamOp::Alternative { colon, word } => {
                if unset_or_empty(*colon, &value) {
                    Ok(String::new())
                } else {
                    self.expand_string(host, word, s)
                }
            }
            ParamOp::Error { colon, word } => {
                if unset_or_empty(*colon, &value) {
                    let msg = self.expand_string(host, word, s)?;
                    let msg = if msg.is_empty() {
                        "parameter null or not set".to_string()
                    } else {
                        msg
                    };
                    s.err.push_str(&format!("{}: {msg}\n", p.name));
                    Err(Flow::Exit(1))
                } else {
                    Ok(value.unwrap_or_default())
                }
            }
            ParamOp::Trim {
                suffix,
                longest,
                pattern,
            } => {
                let v = value.unwrap_or_default();
                let pat = self.expand_test_word(host, pattern, s)?.pattern;
                Ok(trim(&v, &pat, *suffix, *longest))
            }
        }
    }

    /// `$((expr))`: integer arithmetic on variables.
    fn arith(&mut self, host: &mut dyn Host, expr: &str, s: &mut Streams) -> R<String> {
        // `$X` and `$(...)` inside are expanded first, as bash does.
        let word = match crate::parser::parse_heredoc_body(expr) {
            Ok(w) => w,
            Err(e) => {
                s.err.push_str(&format!("{}\n", e.message));
                return Err(Flow::Exit(1));
            }
        };
        let text = self.expand_string(host, &word, s)?;
        match crate::test_expr::arithmetic(&text, &|n| self.var(n).map(String::from)) {
            Ok(v) => Ok(v.to_string()),
            Err(e) => {
                s.err.push_str(&format!("{}: {e}\n", text.trim()));
                Err(Flow::Exit(1))
            }
        }
    }
}

/// `${X#p}` and friends: removes the shortest (or longest) prefix (or suffix) matching `pat`.
fn trim(v: &str, pat: &str, suffix: bool, longest: bool) -> String {
    let idx: Vec<usize> = v
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(v.len()))
        .collect();
    let candidates: Box<dyn Iterator<Item = &usize>> = if longest == suffix {
        Box::new(idx.iter())
    } else {
        Box::new(idx.iter().rev())
    };
    for &i in candidates {
        let (head, tail) = v.split_at(i);
        if suffix {
            if crate::test_expr::glob_match(pat, tail) {
                return head.to_string();
            }
        } else if crate::test_expr::glob_match(pat, head) {
            return tail.to_string();
        }
    }
    v.to_string()
}
