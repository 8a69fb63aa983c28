//! Command-line flags as kubectl's `spf13/pflag` parses them: `--name=value`, `--name value`,
//! `-n value`, `-nvalue`, `-n=value`, grouped booleans, interspersed arguments, `--`, and pflag's
//! error messages word for word.

use std::collections::BTreeMap;

/// The type of a flag's value, which decides how it is parsed and how errors read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    Bool,
    String,
    /// `strconv.ParseInt(s, 0, 64)`.
    Int,
    /// `strconv.ParseInt(s, 0, 32)`.
    Int32,
    /// Repeatable; each occurrence is one value (`--from-literal`, `--image`).
    StringArray,
    /// Repeatable; values are also split on commas (`--tcp=80:8080,443:8443`).
    StringSlice,
    /// Go's `time.ParseDuration`.
    Duration,
}

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: FlagKind,
    /// The value a bare `--flag` takes (pflag's `NoOptDefVal`); booleans take `true`.
    pub no_opt_default: Option<&'static str>,
}

/// Shorthand constructors, so command tables read as a list.
pub const fn flag(long: &'static str, kind: FlagKind) -> Flag {
    Flag {
        long,
        short: None,
        kind,
        no_opt_default: None,
    }
}

pub const fn short(long: &'static str, s: char, kind: FlagKind) -> Flag {
    Flag {
        long,
        short: Some(s),
        kind,
        no_opt_default: None,
    }
}

/// A flag whose bare form (`--dry-run`) stands for a value (`unchanged`).
pub const fn opt(long: &'static str, kind: FlagKind, default: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        kind,
        no_opt_default: Some(default),
    }
}

/// Flags every kubectl command accepts (a subset of `kubectl options`).
pub const GLOBAL: &[Flag] = &[
    short("namespace", 'n', FlagKind::String),
    flag("request-timeout", FlagKind::String),
    flag("context", FlagKind::String),
    flag("cluster", FlagKind::String),
    flag("user", FlagKind::String),
    flag("kubeconfig", FlagKind::String),
    // Impersonation (`kubectl --as`), read once in `kubectl::run` for every command.
    flag("as", FlagKind::String),
    flag("as-group", FlagKind::StringArray),
    flag("as-uid", FlagKind::String),
    short("v", 'v', FlagKind::Int32),
    short("help", 'h', FlagKind::Bool),
];

/// The result of parsing: positional arguments and the values set, by long name.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub args: Vec<String>,
    /// Where the command acts without `-n`: the kubeconfig context's namespace.
    pub context_namespace: Option<String>,
    /// Arguments after `--` (`create deployment x --image=busybox -- sleep 10`).
    pub after_dash: Option<Vec<String>>,
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Parsed {
    /// Whether the flag was given.
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }
    /// The last value given, if any.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }
    /// Every value given, in order (comma-split for `StringSlice` flags).
    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }
    pub fn string(&self, long: &str, default: &str) -> String {
        self.get(long).unwrap_or(default).to_string()
    }
    pub fn bool(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| parse_bool(v) == Some(true))
    }
    /// An integer flag (already validated by [`parse`]).
    pub fn int(&self, long: &str) -> Option<i64> {
        self.get(long).and_then(parse_go_int)
    }
    /// A duration flag in milliseconds (already validated by [`parse`]).
    pub fn duration(&self, long: &str) -> Option<i64> {
        self.get(long)
            .and_then(|v| crate::duration::parse_go(v).ok())
    }
    /// The namespace from `-n`, if given.
    pub fn namespace(&self) -> Option<&str> {
        self.get("namespace")
    }
}

/// `strconv.ParseBool`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b` prefixes, leading-zero octal, underscores
/// between digits when a prefix is present.
pub fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (digits, radix, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (d, 16, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d, 8, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d, 2, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8, true)
    } else {
        (lower.as_str(), 10, false)
    };
    let digits: String = if prefixed {
        if digits.starts_with('_') && radix != 8 || digits.ends_with('_') || digits.contains("__") {
            return None;
        }
        digits.chars().filter(|&c| c != '_').collect()
    } else {
        digits.to_string()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(&digits, radix).ok()?;
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// Why parsing failed, as pflag words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagError(pub String);

fn display_name(f: &Flag) -> String {
    match f.short {
        Some(s) => format!("-{s}, --{}", f.long),
        None => format!("--{}", f.long),
    }
}

fn check_value(f: &Flag, value: &str) -> Result<(), FlagError> {
    let invalid = |why: String| {
        FlagError(format!(
            "invalid argument {} for {} flag: {why}",
            crate::duration::go_quote(value),
            crate::duration::go_quote(&display_name(f))
        ))
    };
    match f.kind {
        FlagKind::Bool if parse_bool(value).is_none() => {
            return Err(invalid(format!(
                "strconv.ParseBool: parsing {}: invalid syntax",
                crate::duration::go_quote(value)
            )));
        }
        FlagKind::Int | FlagKind::Int32 => {
            let range = |v: i64| {
                f.kind == FlagKind::Int || (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&v)
            };
            match parse_go_int(value) {
                Some(v) if range(v) => {}
                other => {
                    let digits = value.trim_start_matches(['-', '+']);
                    let why = if other.is_some()
                        || (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
                    {
                        "value out of range"
                    } else {
                        "invalid syntax"
                    };
                    return Err(invalid(format!(
                        "strconv.ParseInt: parsing {}: {why}",
                        crate::duration::go_quote(value)
                    )));
                }
            }
        }
        FlagKind::Duration => {
            crate::duration::parse_go(value).map_err(invalid)?;
        }
        _ => {}
    }
    Ok(())
}

fn set(
    values: &mut BTreeMap<&'static str, Vec<String>>,
    f: &Flag,
    value: &str,
) -> Result<(), FlagError> {
    check_value(f, value)?;
    let entry = values.entry(f.long).or_default();
    match f.kind {
        FlagKind::StringArray => entry.push(value.to_string()),
        FlagKind::StringSlice => {
            // pflag reads a slice flag's value as one CSV record.
            entry.extend(value.split(',').map(str::to_string));
        }
        _ => {
            entry.clear();
            entry.push(value.to_string());
        }
    }
    Ok(())
}

/// Parses `argv` (the words after the command's name) against `flags` and [`GLOBAL`].
pub fn parse(flags: &[Flag], argv: &[String]) -> Result<Parsed, FlagError> {
    let find_long = |name: &str| flags.iter().chain(GLOBAL).find(|f| f.long == name);
    let find_short = |c: char| flags.iter().chain(GLOBAL).find(|f| f.short == Some(c));
    let mut p = Parsed::default();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            p.after_dash = Some(argv[i..].to_vec());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let Some(f) = find_long(name) else {
                return Err(FlagError(format!("unknown flag: --{name}")));
            };
            let value = match (inline, f.kind, f.no_opt_default) {
                (Some(v), _, _) => v.to_string(),
                (None, FlagKind::Bool, _) => "true".to_string(),
                (None, _, Some(d)) => d.to_string(),
                (None, _, None) => {
                    if i < argv.len() {
                        i += 1;
                        argv[i - 1].clone()
                    } else {
                        return Err(FlagError(format!("flag needs an argument: --{name}")));
                    }
                }
            };
            set(&mut p.values, f, &value)?;
        } else if a.len() > 1 && a.starts_with('-') {
            let shorts: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                let Some(f) = find_short(c) else {
                    return Err(FlagError(format!("unknown shorthand flag: '{c}' in {a}")));
                };
                let rest: String = shorts[j + 1..].iter().collect();
                if let Some(v) = rest.strip_prefix('=') {
                    set(&mut p.values, f, v)?;
                    break;
                }
                if f.kind == FlagKind::Bool || f.no_opt_default.is_some() && rest.is_empty() {
                    let v = if f.kind == FlagKind::Bool {
                        "true"
                    } else {
                        f.no_opt_default.unwrap_or("")
                    };
                    set(&mut p.values, f, v)?;
                    j += 1;
                    continue;
                }
                if !rest.is_empty() {
                    set(&mut p.values, f, &rest)?;
                } else if i < argv.len() {
                    i += 1;
                    set(&mut p.values, f, &argv[i - 1])?;
                } else {
                    return Err(FlagError(format!("flag needs an argument: '{c}' in -{c}")));
                }
                break;
            }
        } else {
            p.args.push(a.clone());
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: &[Flag] = &[
        short("replicas", 'r', FlagKind::Int32),
        flag("image", FlagKind::StringArray),
        short("output", 'o', FlagKind::String),
        opt("dry-run", FlagKind::String, "unchanged"),
        short("all-namespaces", 'A', FlagKind::Bool),
        flag("tcp", FlagKind::StringSlice),
    ];

    fn check(args: &str) -> String {
        let argv: Vec<String> = shlex::split(args).unwrap_or_default();
        match parse(FLAGS, &argv) {
            Ok(p) => format!(
                "args={:?} dash={:?} replicas={:?} image={:?} output={:?} dry-run={:?} A={} ns={:?} tcp={:?}",
                p.args,
                p.after_dash,
                p.int("replicas"),
                p.all("image"),
                p.get("output"),
                p.get("dry-run"),
                p.bool("all-namespaces"),
                p.namespace(),
                p.all("tcp"),
            ),
            Err(e) => e.0,
        }
    }

    #[test]
    fn parses_like_pflag() {
        let cases = [
            (
                "x -r 3 --image=a --image b -oyaml",
                r#"args=["x"] dash=None replicas=Some(3) image=["a", "b"] output=Some("yaml") dry-run=None A=false ns=None tcp=[]"#,
            ),
            (
                "x --dry-run -A -n=web -- sleep 1",
                r#"args=["x"] dash=Some(["sleep", "1"]) replicas=None image=[] output=None dry-run=Some("unchanged") A=true ns=Some("web") tcp=[]"#,
            ),
            (
                "--tcp=80:8080,443:8443 -o=json",
                r#"args=[] dash=None replicas=None image=[] output=Some("json") dry-run=None A=false ns=None tcp=["80:8080", "443:8443"]"#,
            ),
            (
                "--replicas --dry-run=client",
                r#"invalid argument "--dry-run=client" for "-r, --replicas" flag: strconv.ParseInt: parsing "--dry-run=client": invalid syntax"#,
            ),
            (
                "--replicas=abc",
                r#"invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax"#,
            ),
            (
                "--replicas=99999999999",
                r#"invalid argument "99999999999" for "-r, --replicas" flag: strconv.ParseInt: parsing "99999999999": value out of range"#,
            ),
            ("--bogus", "unknown flag: --bogus"),
            ("-x", "unknown shorthand flag: 'x' in -x"),
            ("--image", "flag needs an argument: --image"),
            ("-o", "flag needs an argument: 'o' in -o"),
            (
                "-A=maybe",
                r#"invalid argument "maybe" for "-A, --all-namespaces" flag: strconv.ParseBool: parsing "maybe": invalid syntax"#,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(check(input), want, "{input}");
        }
    }
}
