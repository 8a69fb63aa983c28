//! Output formats (`-o yaml|json|kyaml|name|jsonpath=...|custom-columns=...|wide`) and how each
//! prints one object or a list, as kubectl's printers do.

use serde_json::Value;

use crate::doc::Doc;
use crate::jsonpath::Template;
use crate::tabwriter::TabWriter;
use crate::Io;

/// A parsed `-o` value.
#[derive(Clone, Debug)]
pub enum Format {
    /// The human-readable table (`-o wide` adds columns).
    Table {
        wide: bool,
    },
    Yaml,
    Kyaml,
    Json,
    Name,
    JsonPath(Template),
    /// `jsonpath-as-json`.
    JsonPathJson(Template),
    CustomColumns(Vec<(String, Template)>),
}

/// The formats `get` accepts, as kubectl lists them in its error.
pub const GET_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml";
/// The formats commands that print the objects they change accept (`create`, `apply`, `scale`).
pub const OBJECT_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml";

/// Parses `-o`; `allowed` is one of the lists above.
pub fn parse_format(value: &str, allowed: &str) -> Result<Format, String> {
    let unsupported = || {
        format!(
            "unable to match a printer suitable for the output format \"{value}\", allowed formats are: {allowed}"
        )
    };
    let (name, arg) = match value.split_once('=') {
        Some((n, a)) => (n, Some(a)),
        None => (value, None),
    };
    if !allowed.split(',').any(|a| a == name) && !value.is_empty() {
        return Err(unsupported());
    }
    Ok(match (name, arg) {
        ("", _) => Format::Table { wide: false },
        ("wide", _) => Format::Table { wide: true },
        ("yaml", _) => Format::Yaml,
        ("kyaml", _) => Format::Kyaml,
        ("json", _) => Format::Json,
        ("name", _) => Format::Name,
        ("jsonpath", Some(t)) => Format::JsonPath(
            Template::parse(t).map_err(|e| format!("error parsing jsonpath {t}, {e}"))?,
        ),
        ("jsonpath-as-json", Some(t)) => Format::JsonPathJson(
            Template::parse(t).map_err(|e| format!("error parsing jsonpath {t}, {e}"))?,
        ),
        ("jsonpath" | "jsonpath-as-json", None) => {
            return Err("template format specified but no template given".into())
        }
        ("custom-columns", Some(spec)) => Format::CustomColumns(parse_columns(spec)?),
        ("custom-columns", None) => {
            return Err("custom-columns format specified but no custom columns given".into())
        }
        ("go-template" | "template" | "go-template-file" | "templatefile" | "jsonpath-file"
        | "custom-columns-file", _) => {
            return Err(format!(
                "the \"{name}\" output format is not available in the playground; use -o jsonpath=... instead"
            ))
        }
        _ => return Err(unsupported()),
    })
}

fn parse_columns(spec: &str) -> Result<Vec<(String, Template)>, String> {
    let mut cols = Vec::new();
    for part in spec.split(',') {
        let Some((header, path)) = part.split_once(':') else {
            return Err(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            ));
        };
        // kubectl's RelaxedJSONPathExpression: `.a.b` and `{.a.b}` alike.
        let path = path.trim();
        let expr = if path.starts_with('{') {
            path.to_string()
        } else if path.starts_with('.') {
            format!("{{{path}}}")
        } else {
            format!("{{.{path}}}")
        };
        cols.push((
            header.to_string(),
            Template::parse(&expr).map_err(|e| format!("error parsing jsonpath {expr}, {e}"))?,
        ));
    }
    Ok(cols)
}

/// The `List` kubectl wraps several objects in for `-o yaml|json`.
pub fn list_doc(items: Vec<Doc>) -> Doc {
    Doc::map()
        .with("apiVersion", Doc::str("v1"))
        .with("items", Doc::Seq(items))
        .with("kind", Doc::str("List"))
        .with("metadata", Doc::map().with("resourceVersion", Doc::str("")))
}

/// Prints objects (already as documents, in the key order kubectl would print them) in a
/// non-table format. `names` are the `-o name` forms (`deployment.apps/nginx`). `single`: print
/// the object itself rather than a `List`.
pub fn print_docs(io: &mut Io, format: &Format, docs: Vec<Doc>, names: &[String], single: bool) {
    let doc = if single && docs.len() == 1 {
        docs.into_iter().next().unwrap_or(Doc::Null)
    } else {
        list_doc(docs)
    };
    match format {
        Format::Yaml => io.out.push_str(&crate::yaml::to_yaml(&doc)),
        Format::Json => io.out.push_str(&doc.to_json_indent("    ")),
        Format::Kyaml => io.out.push_str(&to_kyaml(&doc)),
        Format::Name => {
            for n in names {
                io.println(n);
            }
        }
        Format::JsonPath(t) => match t.execute(&doc.to_value()) {
            Ok(s) => io.out.push_str(&s),
            Err(e) => {
                io.error(e);
            }
        },
        Format::JsonPathJson(t) => {
            let vals = t.values(&doc.to_value());
            io.out
                .push_str(&Doc::from_value(&Value::Array(vals)).to_json_indent("    "));
        }
        Format::CustomColumns(cols) => {
            let items: Vec<Value> = match doc.to_value() {
                Value::Object(mut m) if m.get("kind") == Some(&Value::String("List".into())) => {
                    match m.remove("items") {
                        Some(Value::Array(a)) => a,
                        _ => Vec::new(),
                    }
                }
                v => vec![v],
            };
            io.out.push_str(&custom_columns(cols, &items, true));
        }
        Format::Table { .. } => {}
    }
}

/// `-o custom-columns`: one row per object, `<none>` for missing values.
pub fn custom_columns(cols: &[(String, Template)], items: &[Value], headers: bool) -> String {
    let mut text = String::new();
    if headers {
        let h: Vec<&str> = cols.iter().map(|(h, _)| h.as_str()).collect();
        text.push_str(&h.join("\t"));
        text.push('\n');
    }
    for item in items {
        let cells: Vec<String> = cols
            .iter()
            .map(|(_, t)| {
                let vals = t.values(item);
                if vals.is_empty() {
                    "<none>".to_string()
                } else {
                    vals.iter()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => Doc::from_value(other).to_json_compact(),
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                }
            })
            .collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    TabWriter::table().format(&text)
}

/// KYAML (`-o kyaml`): YAML that is also unambiguous, as kubectl 1.34+ prints it. Multi-line
/// strings are written with `\n` escapes rather than kubectl's folded form.
pub fn to_kyaml(doc: &Doc) -> String {
    let mut out = String::from("---\n");
    kyaml_value(doc, 0, &mut out);
    out.push('\n');
    out
}

fn kyaml_value(d: &Doc, indent: usize, out: &mut String) {
    let pad = |n: usize| " ".repeat(n);
    match d {
        Doc::Map(m) if m.is_empty() => out.push_str("{}"),
        Doc::Seq(s) if s.is_empty() => out.push_str("[]"),
        Doc::Map(m) => {
            out.push_str("{\n");
            for (k, v) in m {
                out.push_str(&pad(indent + 2));
                out.push_str(&kyaml_key(k));
                out.push_str(": ");
                kyaml_value(v, indent + 2, out);
                out.push_str(",\n");
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Doc::Seq(items)
            if items
                .iter()
                .all(|i| matches!(i, Doc::Map(m) if !m.is_empty())) =>
        {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                kyaml_value(item, indent, out);
            }
            out.push(']');
        }
        Doc::Seq(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&pad(indent + 2));
                kyaml_value(item, indent + 2, out);
                out.push_str(",\n");
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Doc::Str(s) => {
            let mut q = String::new();
            crate::doc::go_json_string(s, &mut q);
            out.push_str(&q);
        }
        other => out.push_str(&other.to_json_compact()),
    }
}

fn kyaml_key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '/')
        && !k.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
        && crate::yaml::to_yaml(&Doc::map().with(k, Doc::Null)).starts_with(k);
    if plain {
        k.to_string()
    } else {
        let mut q = String::new();
        crate::doc::go_json_string(k, &mut q);
        q
    }
}
