//! The shell layer of the console: splits a line or a script into commands the way a POSIX shell
//! does (words quoted as `shlex` reads them, `#` comments, `\` line continuations), with pipes,
//! `;`, `&&`, `||`, redirections to and from the virtual files (`>`, `>>`, `<`) and here-documents
//! (`<<EOF` ... `EOF`, `<<-EOF`). No `$` expansion, globbing or command substitution: words are
//! taken literally, as in kubectl's own fixtures.

/// How a pipeline depends on the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// First in the script, or after `;` or a newline.
    Always,
    /// After `&&`.
    IfOk,
    /// After `||`.
    IfFailed,
}

/// Where a command reads its standard input from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stdin {
    File(String),
    HereDoc(String),
}

/// `> file` or `>> file`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    pub path: String,
    pub append: bool,
}

/// One command of a pipeline: its words and redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    pub argv: Vec<String>,
    pub stdin: Option<Stdin>,
    pub stdout: Option<Redirect>,
}

/// Commands joined by `|`, with the source text the user typed (for display).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub text: String,
    pub connector: Connector,
    pub commands: Vec<Command>,
}

/// A syntax error, worded as bash words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError(pub String);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// A word as typed (quotes still in it) and its byte range in the input.
    Word(String, usize, usize),
    Op(&'static str, usize, usize),
    Newline,
    /// The body of the n-th here-document of the script.
    HereDocBody(usize, String),
}

/// Splits a script into pipelines.
pub fn parse(input: &str) -> Result<Vec<Pipeline>, SyntaxError> {
    let (toks, _) = tokenize(input)?;
    build(input, toks)
}

/// Whether an interactive shell should read another line before running `input`: an open
/// quote, a here-document without its delimiter yet, a trailing `|`, `&&`, `||` or `\`.
pub fn is_incomplete(input: &str) -> bool {
    match tokenize(input) {
        Err(e) => e.0.starts_with("unexpected EOF"),
        Ok((_, open_heredoc)) => {
            open_heredoc
                || input.trim_end().ends_with('\\')
                || matches!(build(input, tokenize(input).map(|t| t.0).unwrap_or_default()), Err(SyntaxError(ref m)) if m == "syntax error: unexpected end of file")
        }
    }
}

/// Splits a script into complete statements: lines, joined while a statement needs more (an
/// open quote or here-document, a trailing `|`, `&&`, `||` or `\\`).
pub fn statements(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in input.split_inclusive('\n') {
        cur.push_str(line);
        if !is_incomplete(&cur) {
            if !cur.trim().is_empty() {
                out.push(std::mem::take(&mut cur));
            } else {
                cur.clear();
            }
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

/// The tokens, and whether a here-document was still open at the end of the input.
fn tokenize(input: &str) -> Result<(Vec<Tok>, bool), SyntaxError> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { input.len() };
    let mut toks = Vec::new();
    // Here-documents waiting for the end of the current line: (index, delimiter, strip tabs).
    let mut pending: Vec<(usize, String, bool)> = Vec::new();
    let mut heredoc_count = 0usize;
    let mut expect_delimiter: Option<bool> = None;
    let mut open_heredoc = false;
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        match c {
            '\n' => {
                toks.push(Tok::Newline);
                i += 1;
                // Bodies of here-documents follow the line that opened them.
                for (idx, delim, strip) in std::mem::take(&mut pending) {
                    let mut body = String::new();
                    loop {
                        if i >= n {
                            open_heredoc = true;
                            break;
                        }
                        let start = i;
                        while i < n && chars[i].1 != '\n' {
                            i += 1;
                        }
                        let line = &input[byte_at(start)..byte_at(i)];
                        if i < n {
                            i += 1; // the newline
                        }
                        let line = if strip {
                            line.trim_start_matches('\t')
                        } else {
                            line
                        };
                        if line == delim {
                            break;
                        }
                        body.push_str(line);
                        body.push('\n');
                    }
                    toks.push(Tok::HereDocBody(idx, body));
                }
            }
            ' ' | '\t' | '\r' => i += 1,
            '\\' if i + 1 < n && chars[i + 1].1 == '\n' => i += 2,
            '#' => {
                while i < n && chars[i].1 != '\n' {
                    i += 1;
                }
            }
            '|' | '&' | ';' | '<' | '>' => {
                let next = chars.get(i + 1).map(|x| x.1);
                let next2 = chars.get(i + 2).map(|x| x.1);
                let (op, len): (&'static str, usize) = match (c, next, next2) {
                    ('|', Some('|'), _) => ("||", 2),
                    ('|', _, _) => ("|", 1),
                    ('&', Some('&'), _) => ("&&", 2),
                    ('&', _, _) => ("&", 1),
                    (';', Some(';'), _) => (";;", 2),
                    (';', _, _) => (";", 1),
                    ('<', Some('<'), Some('-')) => ("<<-", 3),
                    ('<', Some('<'), _) => ("<<", 2),
                    ('<', _, _) => ("<", 1),
                    ('>', Some('>'), _) => (">>", 2),
                    (_, _, _) => (">", 1),
                };
                toks.push(Tok::Op(op, byte_at(i), byte_at(i + len)));
                if op == "<<" || op == "<<-" {
                    expect_delimiter = Some(op == "<<-");
                }
                i += len;
            }
            _ => {
                let start = i;
                let mut word = String::new();
                while i < n {
                    let c = chars[i].1;
                    match c {
                        ' ' | '\t' | '\r' | '\n' | '|' | '&' | ';' | '<' | '>' => break,
                        '\'' => {
                            word.push(c);
                            i += 1;
                            loop {
                                if i >= n {
                                    return Err(SyntaxError(
                                        "unexpected EOF while looking for matching `''".into(),
                                    ));
                                }
                                word.push(chars[i].1);
                                i += 1;
                                if chars[i - 1].1 == '\'' {
                                    break;
                                }
                            }
                        }
                        '"' => {
                            word.push(c);
                            i += 1;
                            loop {
                                if i >= n {
                                    return Err(SyntaxError(
                                        "unexpected EOF while looking for matching `\"'".into(),
                                    ));
                                }
                                let d = chars[i].1;
                                if d == '\\' && i + 1 < n {
                                    word.push(d);
                                    word.push(chars[i + 1].1);
                                    i += 2;
                                    continue;
                                }
                                word.push(d);
                                i += 1;
                                if d == '"' {
                                    break;
                                }
                            }
                        }
                        '\\' => {
                            if i + 1 < n && chars[i + 1].1 == '\n' {
                                i += 2;
                                continue;
                            }
                            word.push(c);
                            if i + 1 < n {
                                word.push(chars[i + 1].1);
                            }
                            i += 2;
                        }
                        _ => {
                            word.push(c);
                            i += 1;
                        }
                    }
                }
                if let Some(strip) = expect_delimiter.take() {
                    let delim = unquote(&word)?;
                    pending.push((heredoc_count, delim, strip));
                    heredoc_count += 1;
                }
                toks.push(Tok::Word(word, byte_at(start), byte_at(i.min(n))));
            }
        }
    }
    // Here-documents opened on the last line with no newline after it have empty bodies.
    for (idx, _, _) in pending {
        open_heredoc = true;
        toks.push(Tok::HereDocBody(idx, String::new()));
    }
    Ok((toks, open_heredoc))
}

/// Quote removal with `shlex`: a raw word becomes the one word a POSIX shell would make of it.
fn unquote(raw: &str) -> Result<String, SyntaxError> {
    // A trailing lone backslash is kept literally (shlex would reject it).
    let raw_owned;
    let raw = if raw.ends_with('\\') && !raw.ends_with("\\\\") {
        raw_owned = format!("{raw}\\");
        raw_owned.as_str()
    } else {
        raw
    };
    match shlex::split(raw) {
        Some(words) => Ok(words.concat()),
        None => Err(SyntaxError(
            "unexpected EOF while looking for matching quote".into(),
        )),
    }
}

fn build(input: &str, toks: Vec<Tok>) -> Result<Vec<Pipeline>, SyntaxError> {
    let unexpected = |t: &str| SyntaxError(format!("syntax error near unexpected token `{t}'"));
    // Bodies are known only after the whole script is read: collect them first.
    let mut bodies: Vec<String> = Vec::new();
    for t in &toks {
        if let Tok::HereDocBody(idx, body) = t {
            if bodies.len() <= *idx {
                bodies.resize(*idx + 1, String::new());
            }
            bodies[*idx] = body.clone();
        }
    }
    let mut out = Vec::new();
    let mut connector = Connector::Always;
    let mut commands: Vec<Command> = Vec::new();
    let mut cmd = Command::default();
    let mut span: Option<(usize, usize)> = None;
    let mut heredoc_idx = 0usize;
    let mut iter = toks.into_iter().peekable();
    // Whether the pipeline being built needs another command (after `|`, `&&`, `||`).
    let mut need_more = false;
    let extend = |span: &mut Option<(usize, usize)>, s: usize, e: usize| {
        *span = Some(match *span {
            None => (s, e),
            Some((a, _)) => (a, e),
        });
    };
    let finish_pipeline = |commands: &mut Vec<Command>,
                           cmd: &mut Command,
                           span: &mut Option<(usize, usize)>,
                           connector: Connector,
                           out: &mut Vec<Pipeline>| {
        if !cmd.argv.is_empty() || cmd.stdin.is_some() || cmd.stdout.is_some() {
            commands.push(std::mem::take(cmd));
        }
        if !commands.is_empty() {
            let (a, b) = span.unwrap_or((0, 0));
            out.push(Pipeline {
                text: input[a..b].trim().to_string(),
                connector,
                commands: std::mem::take(commands),
            });
        }
        *span = None;
    };
    while let Some(t) = iter.next() {
        match t {
            Tok::Word(raw, s, e) => {
                extend(&mut span, s, e);
                cmd.argv.push(unquote(&raw)?);
                need_more = false;
            }
            Tok::HereDocBody(..) => {}
            Tok::Newline => {
                if need_more {
                    continue; // `a |` newline `b` continues the pipeline, as in bash
                }
                finish_pipeline(&mut commands, &mut cmd, &mut span, connector, &mut out);
                connector = Connector::Always;
            }
            Tok::Op(op, s, e) => match op {
                "|" => {
                    if cmd.argv.is_empty() {
                        return Err(unexpected("|"));
                    }
                    extend(&mut span, s, e);
                    commands.push(std::mem::take(&mut cmd));
                    need_more = true;
                }
                "&&" | "||" | ";" => {
                    if cmd.argv.is_empty() && commands.is_empty() {
                        return Err(unexpected(op));
                    }
                    if cmd.argv.is_empty() {
                        return Err(unexpected(op));
                    }
                    finish_pipeline(&mut commands, &mut cmd, &mut span, connector, &mut out);
                    connector = match op {
                        "&&" => Connector::IfOk,
                        "||" => Connector::IfFailed,
                        _ => Connector::Always,
                    };
                    need_more = op != ";";
                }
                "&" => {
                    return Err(SyntaxError(
                        "syntax error: background jobs (`&`) are not supported in this console"
                            .into(),
                    ))
                }
                ";;" => return Err(unexpected(";;")),
                ">" | ">>" | "<" | "<<" | "<<-" => {
                    extend(&mut span, s, e);
                    let Some(Tok::Word(raw, ws, we)) = iter.next() else {
                        return Err(unexpected("newline"));
                    };
                    extend(&mut span, ws, we);
                    let word = unquote(&raw)?;
                    match op {
                        ">" | ">>" => {
                            cmd.stdout = Some(Redirect {
                                path: word,
                                append: op == ">>",
                            })
                        }
                        "<" => cmd.stdin = Some(Stdin::File(word)),
                        _ => {
                            let body = bodies.get(heredoc_idx).cloned().unwrap_or_default();
                            heredoc_idx += 1;
                            cmd.stdin = Some(Stdin::HereDoc(body));
                        }
                    }
                }
                _ => return Err(unexpected(op)),
            },
        }
    }
    if need_more {
        return Err(SyntaxError("syntax error: unexpected end of file".into()));
    }
    finish_pipeline(&mut commands, &mut cmd, &mut span, connector, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, want: expect_test::Expect) {
        let got = match parse(input) {
            Ok(ps) => ps
                .iter()
                .map(|p| format!("{:?} {:?} {:?}", p.connector, p.text, p.commands))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(e) => format!("error: {}", e.0),
        };
        want.assert_eq(&got);
    }

    #[test]
    fn words_comments_and_quotes() {
        check(
            "kubectl get pods -l 'app in (a,b)' # list them\n\n# only a comment\n",
            expect_test::expect![[
                r#"Always "kubectl get pods -l 'app in (a,b)'" [Command { argv: ["kubectl", "get", "pods", "-l", "app in (a,b)"], stdin: None, stdout: None }]"#
            ]],
        );
        check(
            r#"echo "a \"b\" c" it\'s"#,
            expect_test::expect![[
                r#"Always "echo \"a \\\"b\\\" c\" it\\'s" [Command { argv: ["echo", "a \"b\" c", "it's"], stdin: None, stdout: None }]"#
            ]],
        );
        check(
            "echo 'oops",
            expect_test::expect!["error: unexpected EOF while looking for matching `''"],
        );
        check(
            "| a",
            expect_test::expect!["error: syntax error near unexpected token `|'"],
        );
        check(
            "a &&",
            expect_test::expect!["error: syntax error: unexpected end of file"],
        );
        check("", expect_test::expect![""]);
    }

    #[test]
    fn incomplete_input_asks_for_more() {
        assert!(is_incomplete("echo 'a"));
        assert!(is_incomplete("kubectl apply -f - <<EOF\nkind: X\n"));
        assert!(is_incomplete("kubectl get pods |"));
        assert!(is_incomplete("kubectl get \\"));
        assert!(!is_incomplete("kubectl apply -f - <<EOF\nkind: X\nEOF\n"));
        assert!(!is_incomplete("kubectl get pods"));
    }

    #[test]
    fn pipes_lists_and_heredocs() {
        check(
            "kubectl create secret tls t --cert=c --key=k --dry-run=client -o yaml | kubectl apply -f -",
            expect_test::expect![[r#"Always "kubectl create secret tls t --cert=c --key=k --dry-run=client -o yaml | kubectl apply -f -" [Command { argv: ["kubectl", "create", "secret", "tls", "t", "--cert=c", "--key=k", "--dry-run=client", "-o", "yaml"], stdin: None, stdout: None }, Command { argv: ["kubectl", "apply", "-f", "-"], stdin: None, stdout: None }]"#]],
        );
        check(
            "kubectl apply -f - <<EOF\nkind: X\n  a: b\nEOF\nsleep 5s && kubectl get pods || echo no; echo x > f.txt",
            expect_test::expect![[r#"
                Always "kubectl apply -f - <<EOF" [Command { argv: ["kubectl", "apply", "-f", "-"], stdin: Some(HereDoc("kind: X\n  a: b\n")), stdout: None }]
                Always "sleep 5s" [Command { argv: ["sleep", "5s"], stdin: None, stdout: None }]
                IfOk "kubectl get pods" [Command { argv: ["kubectl", "get", "pods"], stdin: None, stdout: None }]
                IfFailed "echo no" [Command { argv: ["echo", "no"], stdin: None, stdout: None }]
                Always "echo x > f.txt" [Command { argv: ["echo", "x"], stdin: None, stdout: Some(Redirect { path: "f.txt", append: false }) }]"#]],
        );
        check(
            "cat <<'EOF' | kubectl apply -f -\n\tapiVersion: v1\nEOF\n",
            expect_test::expect![[
                r#"Always "cat <<'EOF' | kubectl apply -f -" [Command { argv: ["cat"], stdin: Some(HereDoc("\tapiVersion: v1\n")), stdout: None }, Command { argv: ["kubectl", "apply", "-f", "-"], stdin: None, stdout: None }]"#
            ]],
        );
        check(
            "kubectl get \\\n  pods",
            expect_test::expect![[
                r#"Always "kubectl get \\\n  pods" [Command { argv: ["kubectl", "get", "pods"], stdin: None, stdout: None }]"#
            ]],
        );
    }
}
