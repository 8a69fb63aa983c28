//! An ordered JSON-like document, and Go's `encoding/json` indentation of it, so that objects can be
//! printed in Go struct field order (`create --dry-run -o json`) or sorted (`get -o json`).

use serde_json::Value;

/// A JSON value whose maps keep the order they were built in.
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    Null,
    Bool(bool),
    /// A number as JSON spells it (`3`, `-1`, `0.5`).
    Num(String),
    Str(String),
    Seq(Vec<Doc>),
    Map(Vec<(String, Doc)>),
}

impl Doc {
    /// An empty map, `{}`.
    pub fn map() -> Doc {
        Doc::Map(Vec::new())
    }

    /// Appends `key: value` to a map (no-op on other variants).
    pub fn push(&mut self, key: &str, value: Doc) {
        if let Doc::Map(entries) = self {
            entries.push((key.to_string(), value));
        }
    }

    /// Builder form of [`Doc::push`].
    pub fn with(mut self, key: &str, value: Doc) -> Doc {
        self.push(key, value);
        self
    }

    pub fn str(s: impl Into<String>) -> Doc {
        Doc::Str(s.into())
    }

    pub fn int(i: i64) -> Doc {
        Doc::Num(i.to_string())
    }

    /// A map of strings, in the map's order.
    pub fn string_map<'a>(entries: impl IntoIterator<Item = (&'a String, &'a String)>) -> Doc {
        Doc::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.clone(), Doc::Str(v.clone())))
                .collect(),
        )
    }

    /// Converts from `serde_json::Value`; its maps are already sorted by key.
    pub fn from_value(v: &Value) -> Doc {
        match v {
            Value::Null => Doc::Null,
            Value::Bool(b) => Doc::Bool(*b),
            Value::Number(n) => Doc::Num(n.to_string()),
            Value::String(s) => Doc::Str(s.clone()),
            Value::Array(a) => Doc::Seq(a.iter().map(Doc::from_value).collect()),
            Value::Object(m) => Doc::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), Doc::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to `serde_json::Value` (maps become sorted).
    pub fn to_value(&self) -> Value {
        match self {
            Doc::Null => Value::Null,
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Num(n) => serde_json::from_str(n).unwrap_or(Value::Null),
            Doc::Str(s) => Value::String(s.clone()),
            Doc::Seq(a) => Value::Array(a.iter().map(Doc::to_value).collect()),
            Doc::Map(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect())
            }
        }
    }

    /// `json.MarshalIndent(v, "", indent)` followed by a newline, as kubectl's JSON printer does.
    pub fn to_json_indent(&self, indent: &str) -> String {
        let mut out = String::new();
        write_json(self, indent, 0, &mut out);
        out.push('\n');
        out
    }

    /// Compact JSON, as `json.Marshal` writes it (used by jsonpath for maps and lists).
    pub fn to_json_compact(&self) -> String {
        let mut out = String::new();
        write_json_compact(self, &mut out);
        out
    }
}

fn write_json(d: &Doc, indent: &str, level: usize, out: &mut String) {
    let pad = |out: &mut String, level: usize| {
        out.push('\n');
        for _ in 0..level {
            out.push_str(indent);
        }
    };
    match d {
        Doc::Seq(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, level + 1);
                write_json(item, indent, level + 1, out);
            }
            pad(out, level);
            out.push(']');
        }
        Doc::Map(entries) if !entries.is_empty() => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, level + 1);
                go_json_string(k, out);
                out.push_str(": ");
                write_json(v, indent, level + 1, out);
            }
            pad(out, level);
            out.push('}');
        }
        other => write_json_compact(other, out),
    }
}

fn write_json_compact(d: &Doc, out: &mut String) {
    match d {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Num(n) => out.push_str(n),
        Doc::Str(s) => go_json_string(s, out),
        Doc::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_compact(item, out);
            }
            out.push(']');
        }
        Doc::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                write_json_compact(v, out);
            }
            out.push('}');
        }
    }
}

/// A string as Go's `encoding/json` writes it, with HTML escaping (`<` → `\u003c`).
pub fn go_json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\u{0}'..='\u{1f}' => {
                let v = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((v >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_indented_like_go() {
        let d = Doc::map()
            .with("kind", Doc::str("ConfigMap"))
            .with("empty", Doc::map())
            .with("list", Doc::Seq(vec![Doc::int(1), Doc::str("<a&b>")]))
            .with("none", Doc::Seq(vec![]));
        expect_test::expect![[r#"
            {
                "kind": "ConfigMap",
                "empty": {},
                "list": [
                    1,
                    "\u003ca\u0026b\u003e"
                ],
                "none": []
            }
        "#]]
        .assert_eq(&d.to_json_indent("    "));
        assert_eq!(
            d.to_json_compact(),
            r#"{"kind":"ConfigMap","empty":{},"list":[1,"\u003ca\u0026b\u003e"],"none":[]}"#
        );
    }
}
