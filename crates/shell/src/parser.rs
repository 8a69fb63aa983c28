//! A hand-written recursive-descent parser (brush-parser 0.4 was tried: it needs `insta`, `cached`, `uuid` and `getrandom` at run time, 86 crates for wasm32) for the POSIX shell subset the console runs.
//!
//! Scannerless: words, operators and here-documents are read straight from the characters, as
//! reserved words and here-document bodies depend on where the parser is.

use crate::ast::*;

/// A syntax error, worded as bash words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// The input ended inside a construct: an interactive shell reads another line.
    pub at_eof: bool,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Nesting deeper than this (compound commands, substitutions) is refused, so that no input can
/// exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Parses a whole script.
pub fn parse(input: &str) -> Result<Vec<Statement>, SyntaxError> {
    let mut p = Parser::new(input);
    let mut out = Vec::new();
    while let Some(st) = p.statement()? {
        out.push(st);
    }
    Ok(out)
}

/// Parses a script statement by statement, as a shell reads it: the statements before a syntax
/// error, and the error with the text of the line where it happened.
pub fn statements(input: &str) -> (Vec<Statement>, Option<(String, SyntaxError)>) {
    let mut p = Parser::new(input);
    let mut out = Vec::new();
    loop {
        let start = p.pos;
        match p.statement() {
            Ok(Some(st)) => out.push(st),
            Ok(None) => return (out, None),
            Err(e) => {
                // The text from the statement's start to the end of the line of the error.
                let begin = p.skip_blank_lines_from(start);
                // An escape at the very end (`$'\`) can leave the position past the input.
                let mut end = p.pos.max(begin).min(p.chars.len());
                while end < p.chars.len() && p.chars[end] != '\n' {
                    end += 1;
                }
                let text: String = p.chars[begin.min(end)..end].iter().collect();
                return (out, Some((text.trim().to_string(), e)));
            }
        }
    }
}

/// Whether an interactive shell should read another line before running `input`: an open
/// quote, here-document, `if` without `fi`, a trailing `|`, `&&`, `||` or `\`.
pub fn is_incomplete(input: &str) -> bool {
    // A `\` continuation on the last line.
    let last = input.strip_suffix('\n').unwrap_or(input);
    let last = last.strip_suffix('\r').unwrap_or(last);
    if (last.len() - last.trim_end_matches('\\').len()) % 2 == 1 {
        return true;
    }
    let mut p = Parser::new(input);
    loop {
        match p.statement() {
            Ok(Some(_)) => {}
            Ok(None) => return p.open_heredoc,
            Err(e) => return e.at_eof,
        }
    }
}

/// Parses the body of a here-document whose delimiter was not quoted: `$`, `` ` `` and `\`
/// work as in double quotes.
pub fn parse_heredoc_body(body: &str) -> Result<Word, SyntaxError> {
    let mut p = Parser::new(body);
    let parts = p.parts(Ctx::HereDoc)?;
    Ok(Word(parts))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Unquoted,
    Double,
    /// Inside `${X:-...}`: ends at `}`.
    Brace,
    HereDoc,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// Here-documents whose bodies follow the current line: (delimiter, strip tabs, index).
    pending: Vec<(String, bool, usize)>,
    /// Bodies read so far, by index; filled into the tree when the statement ends.
    bodies: Vec<String>,
    /// Where the next newline jumps to once here-document bodies were read past it.
    skip: Option<(usize, usize)>,
    open_heredoc: bool,
    /// Here-documents of the current statement so far (their bodies' indexes).
    heredocs: usize,
    /// Where the last word, redirection or compound command ended (a pipeline's text ends
    /// there, before blanks and comments).
    token_end: usize,
    depth: usize,
}

fn unexpected(tok: &str) -> SyntaxError {
    SyntaxError {
        message: format!("syntax error near unexpected token `{tok}'"),
        at_eof: false,
    }
}

fn eof(message: &str) -> SyntaxError {
    SyntaxError {
        message: message.to_string(),
        at_eof: true,
    }
}

fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch == '_' || ch.is_ascii_alphabetic())
        && c.all(|ch| ch == '_' || ch.is_ascii_alphanumeric())
}

const RESERVED: &[&str] = &[
    "if", "then", "elif", "else", "fi", "for", "in", "do", "done", "while", "until", "{", "}", "!",
    "[[", "case", "esac", "function",
];

impl Parser {
    fn new(input: &str) -> Parser {
        Parser {
            chars: input.chars().collect(),
            pos: 0,
            pending: Vec::new(),
            bodies: Vec::new(),
            skip: None,
            open_heredoc: false,
            heredocs: 0,
            token_end: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        let mut i = self.pos;
        for c in s.chars() {
            if self.chars.get(i) != Some(&c) {
                return false;
            }
            i += 1;
        }
        true
    }

    fn text(&self, a: usize, b: usize) -> String {
        let b = b.min(self.chars.len());
        self.chars[a.min(b)..b].iter().collect()
    }

    fn skip_blank_lines_from(&self, mut i: usize) -> usize {
        while i < self.chars.len() && self.chars[i].is_whitespace() {
            i += 1;
        }
        i
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                message: "syntax error: commands nested too deeply".into(),
                at_eof: false,
            });
        }
        Ok(())
    }

    /// Spaces, tabs, `\`-newline continuations and a comment up to (not including) the newline.
    fn blanks(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\r') => self.pos += 1,
                Some('\\') if self.peek_at(1) == Some('\n') => self.pos += 2,
                Some('#') => {
                    while !matches!(self.peek(), None | Some('\n')) {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// Consumes a newline; reads the bodies of here-documents opened on the line it ends.
    fn newline(&mut self) {
        let at = self.pos;
        self.pos += 1;
        if let Some((nl, resume)) = self.skip {
            if nl == at {
                self.pos = resume;
                self.skip = None;
            }
        }
    }

    /// Blanks and newlines.
    fn linebreak(&mut self) {
        loop {
            self.blanks();
            if self.peek() == Some('\n') {
                self.newline();
            } else {
                return;
            }
        }
    }

    /// The reserved word at the cursor, if the next word is exactly one.
    fn reserved(&self) -> Option<&'static str> {
        let mut i = self.pos;
        while let Some(&c) = self.chars.get(i) {
            if c.is_whitespace() || matches!(c, ';' | '&' | '|' | '<' | '>' | '(' | ')') {
                break;
            }
            if matches!(c, '\'' | '"' | '\\' | '$' | '`') {
                return None;
            }
            i += 1;
        }
        let w = self.text(self.pos, i);
        RESERVED.iter().copied().find(|r| *r == w)
    }

    fn eat_reserved(&mut self, word: &str) -> bool {
        if self.reserved() == Some(word) {
            self.pos += word.chars().count();
            true
        } else {
            false
        }
    }

    /// The token at the cursor, for error messages.
    fn token(&self) -> String {
        match self.peek() {
            None | Some('\n') => "newline".into(),
            Some(c) if "|&;<>()".contains(c) => {
                let two = self.text(self.pos, self.pos + 2);
                if ["&&", "||", ";;", "<<", ">>", "&>"].contains(&two.as_str()) {
                    two
                } else {
                    c.to_string()
                }
            }
            _ => {
                let mut i = self.pos;
                while let Some(&c) = self.chars.get(i) {
                    if c.is_whitespace() || "|&;<>()".contains(c) {
                        break;
                    }
                    i += 1;
                }
                self.text(self.pos, i)
            }
        }
    }

    fn expect(&mut self, word: &str) -> Result<(), SyntaxError> {
        self.linebreak();
        if self.eat_reserved(word) {
            return Ok(());
        }
        if self.peek().is_none() {
            return Err(eof("syntax error: unexpected end of file"));
        }
        Err(unexpected(&self.token()))
    }

    /// One top-level complete command, up to the end of its line.
    fn statement(&mut self) -> Result<Option<Statement>, SyntaxError> {
        self.linebreak();
        if self.peek().is_none() {
            return Ok(None);
        }
        let start = self.pos;
        self.bodies.clear();
        self.heredocs = 0;
        let mut list = Vec::new();
        loop {
            list.push(self.and_or()?);
            self.blanks();
            match self.peek() {
                None => break,
                Some('\n') => {
                    self.newline();
                    break;
                }
                Some(';') if self.peek_at(1) != Some(';') => {
                    self.pos += 1;
                    self.blanks();
                    match self.peek() {
                        None => break,
                        Some('\n') => {
                            self.newline();
                            break;
                        }
                        _ => {}
                    }
                }
                Some('&') if self.peek_at(1) != Some('&') && self.peek_at(1) != Some('>') => {
                    return Err(SyntaxError {
                        message:
                            "syntax error: background jobs (`&`) are not supported in this console"
                                .into(),
                        at_eof: false,
                    })
                }
                _ => return Err(unexpected(&self.token())),
            }
        }
        if !self.pending.is_empty() {
            // Here-documents on the last line with no body yet.
            self.open_heredoc = true;
            for (_, _, idx) in std::mem::take(&mut self.pending) {
                self.set_body(idx, String::new());
            }
        }
        let mut list = List(list);
        let bodies = std::mem::take(&mut self.bodies);
        fill_list(&mut list, &bodies);
        let mut text = self.text(start, self.pos);
        if text.ends_with('\n') {
            text.pop();
        }
        Ok(Some(Statement { text, list }))
    }

    fn set_body(&mut self, idx: usize, body: String) {
        if self.bodies.len() <= idx {
            self.bodies.resize(idx + 1, String::new());
        }
        self.bodies[idx] = body;
    }

    /// A list inside a compound command, up to one of `ends` (reserved words, or `)`).
    fn list(&mut self, ends: &[&str]) -> Result<List, SyntaxError> {
        let mut list = Vec::new();
        loop {
            self.linebreak();
            match self.peek() {
                None => {
                    if ends == [")"] {
                        return Err(eof("unexpected EOF while looking for matching `)'"));
                    }
                    return Err(eof("syntax error: unexpected end of file"));
                }
                Some(')') if ends.contains(&")") => break,
                _ => {}
            }
            if let Some(r) = self.reserved() {
                if ends.contains(&r) {
                    break;
                }
            }
            list.push(self.and_or()?);
            self.blanks();
            match self.peek() {
                Some(';') if self.peek_at(1) != Some(';') => self.pos += 1,
                Some('\n') => self.newline(),
                Some('&') if self.peek_at(1) != Some('&') && self.peek_at(1) != Some('>') => {
                    return Err(SyntaxError {
                        message:
                            "syntax error: background jobs (`&`) are not supported in this console"
                                .into(),
                        at_eof: false,
                    })
                }
                None => {}
                Some(')') if ends.contains(&")") => {}
                _ => {
                    if !self.reserved().is_some_and(|r| ends.contains(&r)) {
                        return Err(unexpected(&self.token()));
                    }
                }
            }
        }
        if list.is_empty() {
            return Err(unexpected(&self.token()));
        }
        Ok(List(list))
    }

    fn and_or(&mut self) -> Result<AndOr, SyntaxError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            self.blanks();
            let c = if self.starts_with("&&") {
                Connector::IfOk
            } else if self.starts_with("||") {
                Connector::IfFailed
            } else {
                break;
            };
            self.pos += 2;
            self.linebreak();
            if self.peek().is_none() {
                return Err(eof("syntax error: unexpected end of file"));
            }
            rest.push((c, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        self.blanks();
        let start = self.pos;
        let bang = self.eat_reserved("!");
        let mut commands = vec![self.command()?];
        let mut end = self.token_end;
        loop {
            self.blanks();
            if self.peek() == Some('|') && self.peek_at(1) != Some('|') {
                self.pos += 1;
                self.linebreak();
                if self.peek().is_none() {
                    return Err(eof("syntax error: unexpected end of file"));
                }
                commands.push(self.command()?);
                end = self.token_end;
            } else {
                break;
            }
        }
        let text = self.text(start, end).trim().to_string();
        Ok(Pipeline {
            bang,
            commands,
            text,
        })
    }

    fn command(&mut self) -> Result<Command, SyntaxError> {
        self.blanks();
        let compound = match self.reserved() {
            Some("if") => Some(self.if_clause()?),
            Some("for") => Some(self.for_clause()?),
            Some(w @ ("while" | "until")) => Some(self.while_clause(w == "until")?),
            Some("{") => {
                self.pos += 1;
                self.enter()?;
                let l = self.list(&["}"])?;
                self.expect("}")?;
                self.depth -= 1;
                Some(Compound::Group(l))
            }
            Some("[[") => Some(self.test_clause()?),
            Some(w @ ("then" | "elif" | "else" | "fi" | "do" | "done" | "}" | "in")) => {
                return Err(unexpected(w))
            }
            Some(w @ ("case" | "esac" | "function")) => {
                return Err(SyntaxError {
                    message: format!("syntax error: `{w}' is not supported in this console"),
                    at_eof: false,
                })
            }
            _ if self.peek() == Some('(') => {
                if self.peek_at(1) == Some('(') {
                    return Err(SyntaxError {
                        message: "syntax error: `(( ))' is not supported in this console (use `[ ... ]' or `$(( ))')".into(),
                        at_eof: false,
                    });
                }
                self.pos += 1;
                self.enter()?;
                let l = self.list(&[")"])?;
                self.blanks();
                if self.peek() != Some(')') {
                    return Err(eof("unexpected EOF while looking for matching `)'"));
                }
                self.pos += 1;
                self.depth -= 1;
                Some(Compound::Subshell(l))
            }
            _ => None,
        };
        if let Some(c) = compound {
            self.token_end = self.pos;
            let mut redirects = Vec::new();
            loop {
                self.blanks();
                match self.redirect()? {
                    Some(r) => {
                        redirects.push(r);
                        self.token_end = self.pos;
                    }
                    None => break,
                }
            }
            return Ok(Command::Compound(c, redirects));
        }
        let mut simple = Simple::default();
        loop {
            self.blanks();
            // `&>file` is a redirection, not a background `&`.
            if !self.starts_with("&>") {
                match self.peek() {
                    None | Some('\n' | ';' | '&' | '|' | ')') => break,
                    Some('(') => return Err(unexpected("(")),
                    _ => {}
                }
            }
            if let Some(r) = self.redirect()? {
                simple.redirects.push(r);
                self.token_end = self.pos;
                continue;
            }
            let word_start = self.pos;
            let word = self.word()?;
            self.token_end = self.pos;
            if simple.words.is_empty() {
                if let Some(assign) = assignment(&word) {
                    simple.assignments.push(assign);
                    continue;
                }
            }
            if word.0.is_empty() && self.pos == word_start {
                return Err(unexpected(&self.token()));
            }
            simple.words.push(word);
        }
        if simple.words.is_empty() && simple.assignments.is_empty() && simple.redirects.is_empty() {
            if self.peek().is_none() {
                return Err(eof("syntax error: unexpected end of file"));
            }
            return Err(unexpected(&self.token()));
        }
        Ok(Command::Simple(simple))
    }

    fn if_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.pos += 2;
        self.enter()?;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(&["then"])?;
            self.expect("then")?;
            let body = self.list(&["elif", "else", "fi"])?;
            branches.push((cond, body));
            self.linebreak();
            if self.eat_reserved("elif") {
                continue;
            }
            if self.eat_reserved("else") {
                otherwise = Some(self.list(&["fi"])?);
            }
            self.expect("fi")?;
            break;
        }
        self.depth -= 1;
        Ok(Compound::If {
            branches,
            otherwise,
        })
    }

    fn for_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.pos += 3;
        self.enter()?;
        self.blanks();
        let start = self.pos;
        let w = self.word()?;
        let name = self.text(start, self.pos);
        if !is_name(&name) || w.0.len() != 1 {
            return Err(SyntaxError {
                message: format!("syntax error: `{name}': not a valid identifier"),
                at_eof: false,
            });
        }
        self.linebreak();
        let mut items = Vec::new();
        if self.eat_reserved("in") {
            loop {
                self.blanks();
                match self.peek() {
                    None => return Err(eof("syntax error: unexpected end of file")),
                    Some(';') => {
                        self.pos += 1;
                        break;
                    }
                    Some('\n') => {
                        self.newline();
                        break;
                    }
                    Some('|' | '&' | '<' | '>' | '(' | ')') => {
                        return Err(unexpected(&self.token()))
                    }
                    _ => items.push(self.word()?),
                }
            }
        } else if self.peek() == Some(';') {
            self.pos += 1;
        }
        self.expect("do")?;
        let body = self.list(&["done"])?;
        self.expect("done")?;
        self.depth -= 1;
        Ok(Compound::For { name, items, body })
    }

    fn while_clause(&mut self, until: bool) -> Result<Compound, SyntaxError> {
        self.pos += 5;
        self.enter()?;
        let condition = self.list(&["do"])?;
        self.expect("do")?;
        let body = self.list(&["done"])?;
        self.expect("done")?;
        self.depth -= 1;
        Ok(Compound::While {
            until,
            condition,
            body,
        })
    }

    /// `[[ ... ]]`: words up to `]]`; `&&`, `||`, `(`, `)`, `<`, `>` and `!` are words here.
    fn test_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.pos += 2;
        let mut words = Vec::new();
        loop {
            self.blanks();
            match self.peek() {
                None => return Err(eof("syntax error: unexpected end of file")),
                Some('\n') => return Err(unexpected("newline")),
                _ => {}
            }
            if self.starts_with("]]")
                && self
                    .peek_at(2)
                    .is_none_or(|c| c.is_whitespace() || ";&|)".contains(c))
            {
                self.pos += 2;
                break;
            }
            let op = ["&&", "||", "(", ")", "<", ">", ";"]
                .into_iter()
                .find(|op| self.starts_with(op));
            match op {
                Some(";") => return Err(unexpected(";")),
                Some(op) => {
                    self.pos += op.len();
                    words.push(Word(vec![Part::Lit(op.to_string())]));
                }
                None => {
                    let start = self.pos;
                    let w = self.word()?;
                    // A lone `&` or `|` is no word: bash's "unexpected token" (and no endless loop).
                    if self.pos == start {
                        let c = self.peek().unwrap_or(' ').to_string();
                        return Err(unexpected(&c));
                    }
                    words.push(w);
                }
            }
        }
        Ok(Compound::Test(words))
    }

    /// A redirection at the cursor, if there is one (with its optional descriptor number).
    fn redirect(&mut self) -> Result<Option<Redirect>, SyntaxError> {
        let save = self.pos;
        let mut fd = None;
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        if i > self.pos && matches!(self.chars.get(i), Some('<' | '>')) {
            fd = self.text(self.pos, i).parse::<u32>().ok();
            self.pos = i;
        }
        let ops = [
            "&>>", "&>", "<<<", "<<-", "<<", ">>", ">&", "<&", ">|", "<>", ">", "<",
        ];
        let Some(op) = ops.into_iter().find(|op| self.starts_with(op)) else {
            self.pos = save;
            return Ok(None);
        };
        if fd.is_some() && op.starts_with('&') {
            self.pos = save;
            return Ok(None);
        }
        self.pos += op.len();
        self.blanks();
        if matches!(
            self.peek(),
            None | Some('\n' | ';' | '|' | '&' | '<' | '>' | '(' | ')')
        ) {
            return Err(unexpected(&self.token()));
        }
        let start = self.pos;
        let target = self.word()?;
        let raw = self.text(start, self.pos);
        let r = match op {
            "&>" | "&>>" => Redirect::Both {
                target,
                append: op == "&>>",
            },
            ">&" | "<&" => {
                let default = if op == ">&" { 1 } else { 0 };
                match raw.parse::<u32>() {
                    Ok(to) => Redirect::Dup {
                        fd: fd.unwrap_or(default),
                        to,
                    },
                    Err(_) if op == ">&" && fd.is_none() => Redirect::Both {
                        target,
                        append: false,
                    },
                    Err(_) => {
                        return Err(SyntaxError {
                            message: format!("{raw}: ambiguous redirect"),
                            at_eof: false,
                        })
                    }
                }
            }
            "<<" | "<<-" => {
                let quoted = target.0.iter().any(|p| !matches!(p, Part::Lit(_)));
                let delim = literal_text(&target);
                let idx = self.heredocs;
                self.heredocs += 1;
                self.read_heredoc(delim, op == "<<-", idx);
                Redirect::HereDoc {
                    body: format!("\u{0}{idx}"),
                    expand: !quoted,
                }
            }
            "<<<" => Redirect::HereString(target),
            _ => Redirect::File {
                fd: fd.unwrap_or(if op.starts_with('<') { 0 } else { 1 }),
                target,
                mode: match op {
                    "<" | "<>" => FileMode::Read,
                    ">>" => FileMode::Append,
                    _ => FileMode::Write,
                },
            },
        };
        Ok(Some(r))
    }

    /// Reads a here-document's body now: the lines after the current one (after the bodies of
    /// earlier here-documents of the same line), up to the delimiter. The newline that ends the
    /// current line will jump past them.
    fn read_heredoc(&mut self, delim: String, strip: bool, idx: usize) {
        let line_end = match self.skip {
            Some((nl, _)) => nl,
            None => {
                let mut i = self.pos;
                while i < self.chars.len() && self.chars[i] != '\n' {
                    i += 1;
                }
                i
            }
        };
        let mut i = match self.skip {
            Some((_, resume)) => resume,
            None => line_end + 1,
        };
        if line_end >= self.chars.len() {
            // No newline after the operator yet: the body is still to come.
            self.pending.push((delim, strip, idx));
            self.set_body(idx, String::new());
            return;
        }
        let mut body = String::new();
        let mut found = false;
        while i < self.chars.len() {
            let start = i;
            while i < self.chars.len() && self.chars[i] != '\n' {
                i += 1;
            }
            let line = self.text(start, i);
            if i < self.chars.len() {
                i += 1;
            }
            let line = if strip {
                line.trim_start_matches('\t').to_string()
            } else {
                line
            };
            if line == delim {
                found = true;
                break;
            }
            body.push_str(&line);
            body.push('\n');
        }
        if !found {
            self.open_heredoc = true;
        }
        self.set_body(idx, body);
        self.skip = Some((line_end, i));
    }

    /// A word in command position (unquoted context).
    fn word(&mut self) -> Result<Word, SyntaxError> {
        Ok(Word(self.parts(Ctx::Unquoted)?))
    }

    fn parts(&mut self, ctx: Ctx) -> Result<Vec<Part>, SyntaxError> {
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>, ctx: Ctx| {
            if !lit.is_empty() {
                let s = std::mem::take(lit);
                parts.push(if ctx == Ctx::Unquoted || ctx == Ctx::Brace {
                    Part::Lit(s)
                } else {
                    Part::Quoted(s)
                });
            }
        };
        loop {
            let Some(c) = self.peek() else {
                match ctx {
                    Ctx::Double => {
                        return Err(eof("unexpected EOF while looking for matching `\"'"))
                    }
                    Ctx::Brace => return Err(eof("unexpected EOF while looking for matching `}'")),
                    _ => break,
                }
            };
            match ctx {
                Ctx::Unquoted
                    if c.is_whitespace()
                        || matches!(c, '|' | '&' | ';' | '<' | '>' | '(' | ')') =>
                {
                    break
                }
                Ctx::Double if c == '"' => {
                    self.pos += 1;
                    break;
                }
                Ctx::Brace if c == '}' => break,
                _ => {}
            }
            match c {
                '\\' => {
                    let next = self.peek_at(1);
                    match (ctx, next) {
                        (_, Some('\n')) => {
                            self.pos += 2;
                        }
                        (Ctx::Unquoted | Ctx::Brace, Some(n)) => {
                            flush(&mut lit, &mut parts, ctx);
                            parts.push(Part::Quoted(n.to_string()));
                            self.pos += 2;
                        }
                        (Ctx::Unquoted | Ctx::Brace, None) => {
                            return Err(eof("syntax error: unexpected end of file"))
                        }
                        (Ctx::Double, Some(n)) if matches!(n, '$' | '`' | '"' | '\\') => {
                            lit.push(n);
                            self.pos += 2;
                        }
                        (Ctx::HereDoc, Some(n)) if matches!(n, '$' | '`' | '\\') => {
                            lit.push(n);
                            self.pos += 2;
                        }
                        _ => {
                            lit.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                '\'' if ctx == Ctx::Unquoted || ctx == Ctx::Brace => {
                    flush(&mut lit, &mut parts, ctx);
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.pos += 1;
                    }
                    if self.peek().is_none() {
                        return Err(eof("unexpected EOF while looking for matching `''"));
                    }
                    parts.push(Part::Quoted(self.text(start, self.pos)));
                    self.pos += 1;
                }
                '"' if ctx == Ctx::Unquoted || ctx == Ctx::Brace => {
                    flush(&mut lit, &mut parts, ctx);
                    self.pos += 1;
                    let inner = self.parts(Ctx::Double)?;
                    parts.push(Part::Double(inner));
                }
                '$' => {
                    if let Some(p) = self.dollar(ctx)? {
                        flush(&mut lit, &mut parts, ctx);
                        parts.push(p);
                    } else {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                '`' => {
                    flush(&mut lit, &mut parts, ctx);
                    parts.push(self.backticks()?);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut lit, &mut parts, ctx);
        Ok(parts)
    }

    /// An expansion at a `$`, or None for a literal `$`.
    fn dollar(&mut self, ctx: Ctx) -> Result<Option<Part>, SyntaxError> {
        match self.peek_at(1) {
            Some('(') if self.peek_at(2) == Some('(') => {
                self.pos += 3;
                let start = self.pos;
                let mut depth = 0usize;
                loop {
                    match self.peek() {
                        None => return Err(eof("unexpected EOF while looking for matching `))'")),
                        Some('(') => depth += 1,
                        Some(')') if depth == 0 && self.peek_at(1) == Some(')') => break,
                        Some(')') => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    self.pos += 1;
                }
                let expr = self.text(start, self.pos);
                self.pos += 2;
                Ok(Some(Part::Arith(expr)))
            }
            Some('(') => {
                self.pos += 2;
                self.enter()?;
                let start = self.pos;
                self.linebreak();
                let list = if self.peek() == Some(')') {
                    List::default()
                } else {
                    self.list(&[")"])?
                };
                self.blanks();
                if self.peek() != Some(')') {
                    return Err(eof("unexpected EOF while looking for matching `)'"));
                }
                let text = self.text(start, self.pos);
                self.pos += 1;
                self.depth -= 1;
                let bodies = self.bodies.clone();
                let mut list = list;
                fill_list(&mut list, &bodies);
                Ok(Some(Part::Subst(vec![Statement { text, list }])))
            }
            Some('{') => {
                self.pos += 2;
                self.enter()?;
                let p = self.brace_param()?;
                self.depth -= 1;
                Ok(Some(Part::Param(p)))
            }
            Some('\'') if ctx == Ctx::Unquoted => {
                // $'...': ANSI-C quoting.
                self.pos += 2;
                let mut s = String::new();
                loop {
                    match self.peek() {
                        None => return Err(eof("unexpected EOF while looking for matching `''")),
                        Some('\'') => {
                            self.pos += 1;
                            break;
                        }
                        Some('\\') => {
                            let n = self.peek_at(1);
                            self.pos += 2;
                            match n {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some('r') => s.push('\r'),
                                Some('\\') => s.push('\\'),
                                Some('\'') => s.push('\''),
                                Some('"') => s.push('"'),
                                Some('e') => s.push('\u{1b}'),
                                Some(o) => {
                                    s.push('\\');
                                    s.push(o);
                                }
                                None => {
                                    return Err(eof(
                                        "unexpected EOF while looking for matching `''",
                                    ))
                                }
                            }
                        }
                        Some(c) => {
                            s.push(c);
                            self.pos += 1;
                        }
                    }
                }
                Ok(Some(Part::Quoted(s)))
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                self.pos += 1;
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c == '_' || c.is_ascii_alphanumeric())
                {
                    self.pos += 1;
                }
                Ok(Some(Part::Param(Param {
                    name: self.text(start, self.pos),
                    op: ParamOp::Plain,
                })))
            }
            Some(c) if c.is_ascii_digit() || "?#$!@*-".contains(c) => {
                self.pos += 2;
                Ok(Some(Part::Param(Param {
                    name: c.to_string(),
                    op: ParamOp::Plain,
                })))
            }
            _ => Ok(None),
        }
    }

    /// `${...}` after the `${`.
    fn brace_param(&mut self) -> Result<Param, SyntaxError> {
        let bad = |s: &Parser, start: usize| {
            let mut end = start;
            while end < s.chars.len() && s.chars[end] != '}' && s.chars[end] != '\n' {
                end += 1;
            }
            SyntaxError {
                message: format!("${{{}}}: bad substitution", s.text(start, end)),
                at_eof: false,
            }
        };
        let start = self.pos;
        let length = self.peek() == Some('#') && self.peek_at(1).is_some_and(|c| c != '}');
        if length {
            self.pos += 1;
        }
        let name_start = self.pos;
        match self.peek() {
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                while self
                    .peek()
                    .is_some_and(|c| c == '_' || c.is_ascii_alphanumeric())
                {
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() || "?#$!@*-".contains(c) => self.pos += 1,
            None => return Err(eof("unexpected EOF while looking for matching `}'")),
            _ => return Err(bad(self, start)),
        }
        let name = self.text(name_start, self.pos);
        if length {
            if self.peek() != Some('}') {
                return Err(bad(self, start));
            }
            self.pos += 1;
            return Ok(Param {
                name,
                op: ParamOp::Length,
            });
        }
        let colon = self.peek() == Some(':');
        if colon {
            self.pos += 1;
        }
        let op_char = self.peek();
        let op = match op_char {
            Some('}') if !colon => {
                self.pos += 1;
                return Ok(Param {
                    name,
                    op: ParamOp::Plain,
                });
            }
            Some(c @ ('-' | '=' | '+' | '?')) => {
                self.pos += 1;
                let word = Word(self.parts(Ctx::Brace)?);
                match c {
                    '-' => ParamOp::Default { colon, word },
                    '=' => ParamOp::Assign { colon, word },
                    '+' => ParamOp::Alternative { colon, word },
                    _ => ParamOp::Error { colon, word },
                }
            }
            Some(c @ ('#' | '%')) if !colon => {
                self.pos += 1;
                let longest = self.peek() == Some(c);
                if longest {
                    self.pos += 1;
                }
                let pattern = Word(self.parts(Ctx::Brace)?);
                ParamOp::Trim {
                    suffix: c == '%',
                    longest,
                    pattern,
                }
            }
            None => return Err(eof("unexpected EOF while looking for matching `}'")),
            _ => return Err(bad(self, start)),
        };
        if self.peek() != Some('}') {
            return Err(eof("unexpected EOF while looking for matching `}'"));
        }
        self.pos += 1;
        Ok(Param { name, op })
    }

    /// `` `...` ``: the text up to the closing backtick, with `\`` `\\` `\$` unescaped, parsed.
    fn backticks(&mut self) -> Result<Part, SyntaxError> {
        self.pos += 1;
        let mut inner = String::new();
        loop {
            match self.peek() {
                None => return Err(eof("unexpected EOF while looking for matching ``'")),
                Some('`') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') if matches!(self.peek_at(1), Some('`' | '\\' | '$')) => {
                    if let Some(n) = self.peek_at(1) {
                        inner.push(n);
                    }
                    self.pos += 2;
                }
                Some(c) => {
                    inner.push(c);
                    self.pos += 1;
                }
            }
        }
        self.enter()?;
        let mut sub = Parser::new(&inner);
        sub.depth = self.depth;
        let mut statements = Vec::new();
        loop {
            match sub.statement() {
                Ok(Some(st)) => statements.push(st),
                Ok(None) => break,
                Err(e) => {
                    self.depth -= 1;
                    return Err(SyntaxError { at_eof: false, ..e });
                }
            }
        }
        self.depth -= 1;
        Ok(Part::Subst(statements))
    }
}

/// `NAME=value` as an assignment: the name and the value's word.
fn assignment(word: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = word.0.first() else {
        return None;
    };
    let (name, value) = first.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    if !value.is_empty() {
        parts.push(Part::Lit(value.to_string()));
    }
    parts.extend(word.0.iter().skip(1).cloned());
    Some((name.to_string(), Word(parts)))
}

/// The text of a word with quotes removed and no expansion (here-document delimiters).
fn literal_text(w: &Word) -> String {
    let mut s = String::new();
    for p in &w.0 {
        match p {
            Part::Lit(t) | Part::Quoted(t) => s.push_str(t),
            Part::Double(inner) => s.push_str(&literal_text(&Word(inner.clone()))),
            Part::Param(p) => {
                s.push('$');
                s.push_str(&p.name);
            }
            Part::Subst(_) | Part::Arith(_) => {}
        }
    }
    s
}

// ----- here-document bodies into the tree -------------------------------------------------------

fn fill_list(list: &mut List, bodies: &[String]) {
    for ao in &mut list.0 {
        fill_pipeline(&mut ao.first, bodies);
        for (_, p) in &mut ao.rest {
            fill_pipeline(p, bodies);
        }
    }
}

fn fill_pipeline(p: &mut Pipeline, bodies: &[String]) {
    for c in &mut p.commands {
        match c {
            Command::Simple(s) => {
                for r in &mut s.redirects {
                    fill_redirect(r, bodies);
                }
            }
            Command::Compound(c, redirects) => {
                for r in redirects {
                    fill_redirect(r, bodies);
                }
                match c {
                    Compound::If {
                        branches,
                        otherwise,
                    } => {
                        for (a, b) in branches {
                            fill_list(a, bodies);
                            fill_list(b, bodies);
                        }
                        if let Some(o) = otherwise {
                            fill_list(o, bodies);
                        }
                    }
                    Compound::For { body, .. } => fill_list(body, bodies),
                    Compound::While {
                        condition, body, ..
                    } => {
                        fill_list(condition, bodies);
                        fill_list(body, bodies);
                    }
                    Compound::Group(l) | Compound::Subshell(l) => fill_list(l, bodies),
                    Compound::Test(_) => {}
                }
            }
        }
    }
}

fn fill_redirect(r: &mut Redirect, bodies: &[String]) {
    if let Redirect::HereDoc { body, .. } = r {
        if let Some(idx) = body
            .strip_prefix('\u{0}')
            .and_then(|i| i.parse::<usize>().ok())
        {
            *body = bodies.get(idx).cloned().unwrap_or_default();
        }
    }
}
