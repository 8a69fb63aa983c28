//! kubectl's JSONPath templates (`-o jsonpath=...`, `custom-columns`, `wait --for=jsonpath`):
//! `{.spec.replicas}`, `{.items[*].metadata.name}`, `{range .items[*]}...{end}`, `[0]`, `[1:3]`,
//! `[?(@.type=="Ready")]`, `..name`, string literals, and missing keys printing nothing (kubectl's
//! `--allow-missing-template-keys=true`).

use serde_json::Value;

use crate::doc::Doc;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    /// A path expression and the steps after its root.
    Path(Vec<Step>),
    Literal(String),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    /// `..name`
    Recursive(String),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Wildcard,
    Filter(Filter),
    Union(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    left: Vec<Step>,
    op: Option<(String, FilterValue)>,
}

#[derive(Clone, Debug, PartialEq)]
enum FilterValue {
    Str(String),
    Num(f64),
    Path(Vec<Step>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

impl Template {
    /// Parses a template; the error is worded as kubectl's parser words it.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut p = Parser {
            chars: text.chars().collect(),
            i: 0,
            depth: 0,
        };
        let (nodes, ended) = p.nodes(false)?;
        if ended {
            return Err("not in range, nothing to end".into());
        }
        Ok(Template { nodes })
    }

    /// Evaluates the template against an object and prints the results.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        exec_nodes(&self.nodes, data, data, &mut out)?;
        Ok(out)
    }

    /// The values a template's first path expression selects (for `custom-columns` and `wait`).
    pub fn values(&self, data: &Value) -> Vec<Value> {
        for n in &self.nodes {
            if let Node::Path(steps) = n {
                return eval(steps, data, data);
            }
        }
        Vec::new()
    }
}

struct Parser {
    chars: Vec<char>,
    i: usize,
    /// Nested `range` blocks, bounded so that no template can exhaust the stack.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    /// Parses nodes until the end of input, or `{end}` when `in_range`.
    fn nodes(&mut self, in_range: bool) -> Result<(Vec<Node>, bool), String> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c != '{' {
                text.push(c);
                self.i += 1;
                continue;
            }
            if !text.is_empty() {
                nodes.push(Node::Text(std::mem::take(&mut text)));
            }
            self.i += 1;
            let start = self.i;
            let mut depth = 0;
            let mut quote: Option<char> = None;
            while let Some(c) = self.peek() {
                match (quote, c) {
                    (Some('"'), '\\') => self.i += 1,
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"') | (None, '\'') => quote = Some(c),
                    (None, '[') | (None, '(') => depth += 1,
                    (None, ']') | (None, ')') => depth -= 1,
                    (None, '}') if depth <= 0 => break,
                    _ => {}
                }
                self.i += 1;
            }
            if self.peek() != Some('}') {
                return Err("unclosed action".into());
            }
            let inner: String = self.chars[start..self.i].iter().collect();
            self.i += 1;
            let inner = inner.trim();
            if inner == "end" {
                if in_range {
                    return Ok((nodes, true));
                }
                return Ok((nodes, true));
            }
            if let Some(expr) = inner.strip_prefix("range") {
                if expr.starts_with(char::is_whitespace) {
                    let steps = parse_path(expr.trim())?;
                    if self.depth >= 32 {
                        return Err("too many nested ranges".into());
                    }
                    self.depth += 1;
                    let (body, ended) = self.nodes(true)?;
                    self.depth -= 1;
                    if !ended {
                        return Err("unexpected EOF in range".into());
                    }
                    nodes.push(Node::Range(steps, body));
                    continue;
                }
            }
            nodes.extend(parse_action(inner)?);
        }
        if !text.is_empty() {
            nodes.push(Node::Text(text));
        }
        Ok((nodes, false))
    }
}

fn parse_action(inner: &str) -> Result<Vec<Node>, String> {
    if inner.is_empty() {
        return Ok(Vec::new());
    }
    if inner.starts_with('"') || inner.starts_with('\'') {
        return Ok(vec![Node::Literal(parse_string_literal(inner)?)]);
    }
    Ok(vec![Node::Path(parse_path(inner)?)])
}

fn parse_string_literal(s: &str) -> Result<String, String> {
    let q = s.chars().next().unwrap_or('"');
    let body = s
        .strip_prefix(q)
        .and_then(|b| b.strip_suffix(q))
        .ok_or_else(|| format!("unterminated quoted string: {s}"))?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn parse_path(s: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    if chars.first() == Some(&'$') || chars.first() == Some(&'@') {
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if chars.get(i + 1) == Some(&'.') {
                    i += 2;
                    let start = i;
                    while i < chars.len() && !matches!(chars[i], '.' | '[') {
                        i += 1;
                    }
                    steps.push(Step::Recursive(chars[start..i].iter().collect()));
                    continue;
                }
                i += 1;
                // `\.` is a dot inside the name (`annotations.kubernetes\.io/x`), as kubectl's
                // JSONPath reads it.
                let mut name = String::new();
                while i < chars.len() && !matches!(chars[i], '.' | '[') {
                    if chars[i] == '\\' && chars.get(i + 1) == Some(&'.') {
                        i += 1;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                if name == "*" {
                    steps.push(Step::Wildcard);
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let start = i + 1;
                let mut depth = 0;
                let mut quote: Option<char> = None;
                i += 1;
                while i < chars.len() {
                    let c = chars[i];
                    match (quote, c) {
                        (Some(q), c) if c == q => quote = None,
                        (Some(_), _) => {}
                        (None, '"') | (None, '\'') => quote = Some(c),
                        (None, '[') | (None, '(') => depth += 1,
                        (None, ')') => depth -= 1,
                        (None, ']') if depth == 0 => break,
                        (None, ']') => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(format!("unterminated array in {s}"));
                }
                let inner: String = chars[start..i].iter().collect();
                i += 1;
                steps.push(parse_bracket(inner.trim())?);
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                // A bare field name (`{metadata.name}` is not valid upstream, but harmless).
                let start = i;
                while i < chars.len() && !matches!(chars[i], '.' | '[') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                return Err(format!(
                    "unrecognized character in action: {}",
                    name.chars().next().unwrap_or(' ')
                ));
            }
        }
    }
    Ok(steps)
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        return parse_filter(f.trim()).map(Step::Filter);
    }
    if inner.starts_with('\'') || inner.starts_with('"') {
        let names: Result<Vec<String>, String> = inner
            .split(',')
            .map(|p| parse_string_literal(p.trim()))
            .collect();
        let names = names?;
        return Ok(if names.len() == 1 {
            Step::Field(names.into_iter().next().unwrap_or_default())
        } else {
            Step::Union(names)
        });
    }
    // `[]` is `[0:1]` to kubectl's parser (no start, and an index i means i to i+1).
    if inner.trim().is_empty() {
        return Ok(Step::Slice(None, Some(1)));
    }
    if let Some((a, b)) = inner.split_once(':') {
        let num = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                s.split(':')
                    .next()
                    .unwrap_or("")
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("invalid array index {s}"))
            }
        };
        return Ok(Step::Slice(num(a)?, num(b)?));
    }
    inner
        .parse::<i64>()
        .map(Step::Index)
        .map_err(|_| format!("invalid array index {inner}"))
}

fn parse_filter(f: &str) -> Result<Filter, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">", "=~"] {
        if let Some((l, r)) = split_outside_quotes(f, op) {
            let left = parse_path(l.trim())?;
            let r = r.trim();
            let value = if r.starts_with('"') || r.starts_with('\'') {
                FilterValue::Str(parse_string_literal(r)?)
            } else if r.starts_with('@') || r.starts_with('$') {
                FilterValue::Path(parse_path(r)?)
            } else {
                FilterValue::Num(
                    r.parse()
                        .map_err(|_| format!("unrecognized filter value {r}"))?,
                )
            };
            return Ok(Filter {
                left,
                op: Some((op.to_string(), value)),
            });
        }
    }
    Ok(Filter {
        left: parse_path(f)?,
        op: None,
    })
}

fn split_outside_quotes<'a>(s: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if s[i..].starts_with(op) => return Some((&s[..i], &s[i + op.len()..])),
            None => {}
        }
    }
    None
}

fn exec_nodes(nodes: &[Node], root: &Value, cur: &Value, out: &mut String) -> Result<(), String> {
    for n in nodes {
        match n {
            Node::Text(t) | Node::Literal(t) => out.push_str(t),
            Node::Path(steps) => {
                let vals = eval(steps, root, cur);
                let texts: Vec<String> = vals.iter().map(to_text).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(steps, body) => {
                for v in eval(steps, root, cur) {
                    match &v {
                        Value::Array(items) => {
                            for item in items {
                                exec_nodes(body, root, item, out)?;
                            }
                        }
                        other => exec_nodes(body, root, other, out)?,
                    }
                }
            }
        }
    }
    Ok(())
}

/// How kubectl prints one result: strings raw, everything else as compact JSON.
fn to_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => Doc::from_value(other).to_json_compact(),
    }
}

fn eval(steps: &[Step], root: &Value, start: &Value) -> Vec<Value> {
    let mut cur = vec![start.clone()];
    for step in steps {
        let mut next = Vec::new();
        for v in &cur {
            match step {
                Step::Field(name) => {
                    if let Value::Object(m) = v {
                        if let Some(x) = m.get(name) {
                            next.push(x.clone());
                        }
                    }
                }
                Step::Union(names) => {
                    if let Value::Object(m) = v {
                        for name in names {
                            if let Some(x) = m.get(name) {
                                next.push(x.clone());
                            }
                        }
                    }
                }
                Step::Recursive(name) => collect_recursive(v, name, &mut next),
                Step::Index(i) => {
                    if let Value::Array(a) = v {
                        let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                        if let Some(x) = usize::try_from(idx).ok().and_then(|i| a.get(i)) {
                            next.push(x.clone());
                        }
                    }
                }
                Step::Slice(a, b) => {
                    if let Value::Array(arr) = v {
                        let len = arr.len() as i64;
                        let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                        let from = norm(a.unwrap_or(0)) as usize;
                        let to = norm(b.unwrap_or(len)) as usize;
                        if from < to {
                            next.extend(arr[from..to].iter().cloned());
                        }
                    }
                }
                Step::Wildcard => match v {
                    Value::Array(a) => next.extend(a.iter().cloned()),
                    Value::Object(m) => next.extend(m.values().cloned()),
                    _ => {}
                },
                Step::Filter(f) => {
                    if let Value::Array(a) = v {
                        for item in a {
                            if filter_matches(f, root, item) {
                                next.push(item.clone());
                            }
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

fn collect_recursive(v: &Value, name: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x.clone());
            }
            for x in m.values() {
                collect_recursive(x, name, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                collect_recursive(x, name, out);
            }
        }
        _ => {}
    }
}

fn filter_matches(f: &Filter, root: &Value, item: &Value) -> bool {
    let left = eval(&f.left, root, item);
    let Some((op, right)) = &f.op else {
        return !left.is_empty();
    };
    let rights: Vec<Value> = match right {
        FilterValue::Str(s) => vec![Value::String(s.clone())],
        FilterValue::Num(n) => vec![serde_json::json!(n)],
        FilterValue::Path(p) => eval(p, root, item),
    };
    left.iter().any(|l| {
        rights.iter().any(|r| {
            let (ln, rn) = (as_num(l), as_num(r));
            match op.as_str() {
                "==" => match (ln, rn) {
                    (Some(a), Some(b)) => a == b,
                    _ => to_text(l) == to_text(r),
                },
                "!=" => match (ln, rn) {
                    (Some(a), Some(b)) => a != b,
                    _ => to_text(l) != to_text(r),
                },
                "<" | ">" | "<=" | ">=" => match (ln, rn) {
                    (Some(a), Some(b)) => match op.as_str() {
                        "<" => a < b,
                        ">" => a > b,
                        "<=" => a <= b,
                        _ => a >= b,
                    },
                    _ => false,
                },
                _ => false,
            }
        })
    })
}

fn as_num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(template: &str, data: &Value) -> String {
        match Template::parse(template).and_then(|t| t.execute(data)) {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn templates_print_like_kubectl() {
        let list = json!({
            "kind": "List",
            "items": [
                {"metadata": {"name": "a", "labels": {"app": "x", "kubernetes.io/os": "linux"}}, "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}, "spec": {"replicas": 3}},
                {"metadata": {"name": "b"}, "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}]}},
            ]
        });
        let cases = [
            ("{.items[*].metadata.name}", "a b"),
            ("{.items[0].spec.replicas}", "3"),
            ("{.items[-1].metadata.name}", "b"),
            (
                "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}",
                "a\tRunning\nb\tPending\n",
            ),
            (
                "{.items[?(@.status.phase==\"Pending\")].metadata.name}",
                "b",
            ),
            (
                "{.items[0].status.conditions[?(@.type=='Ready')].status}",
                "True",
            ),
            (
                "{.items[0].metadata.labels}",
                "{\"app\":\"x\",\"kubernetes.io/os\":\"linux\"}",
            ),
            ("{.items[0].metadata.labels.kubernetes\\.io/os}", "linux"),
            ("{.items[*].missing}", ""),
            ("{..phase}", "Running Pending"),
            ("{.items[0:1].metadata.name}", "a"),
            ("name: {.items[1].metadata.name}", "name: b"),
            ("{.kind", "error: unclosed action"),
        ];
        for (t, want) in cases {
            assert_eq!(check(t, &list), want, "{t}");
        }
    }
}
