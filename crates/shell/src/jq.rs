//! `jq` on jaq (`jaq-core`, `jaq-std`'s generic filters, `jaq-json`'s values): `-r`, `-c`, `-e`,
//! `-n`, `-s`, `--arg`, with `test`/`match`/`capture`/`sub` on `regex-lite`.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::native::{bome, run, v, Fun};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Cv, Error, ValR, ValT, Vars};
use jaq_json::Val;

use crate::{Host, Io};

type D = data::JustLut<Val>;

/// At most this many values from one run of a filter.
const MAX_VALUES: usize = 100_000;

pub(crate) fn jq(args: &[String], io: &mut Io, host: &mut dyn Host) -> i32 {
    let mut raw = false;
    let mut compact = false;
    let mut exit_status = false;
    let mut null_input = false;
    let mut slurp = false;
    let mut join = false;
    let mut filter: Option<String> = None;
    let mut files = Vec::new();
    let mut named: Vec<(String, Val)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        match a {
            "-r" | "--raw-output" => raw = true,
            "-j" | "--join-output" => {
                raw = true;
                join = true;
            }
            "-c" | "--compact-output" => compact = true,
            "-e" | "--exit-status" => exit_status = true,
            "-n" | "--null-input" => null_input = true,
            "-s" | "--slurp" => slurp = true,
            "-M" | "--monochrome-output" | "-S" | "--sort-keys" | "-a" => {}
            "--arg" | "--argjson" => {
                let (Some(name), Some(value)) = (args.get(i), args.get(i + 1)) else {
                    io.err.push_str(&format!(
                        "jq: error: {a} takes two parameters (e.g. {a} varname value)\n"
                    ));
                    return 2;
                };
                i += 2;
                let v = if a == "--arg" {
                    Val::from(value.clone())
                } else {
                    match jaq_json::read::parse_single(value.as_bytes()) {
                        Ok(v) => v,
                        Err(_) => {
                            io.err
                                .push_str(&format!("jq: Invalid JSON text passed to --argjson\n"));
                            return 2;
                        }
                    }
                };
                named.push((name.clone(), v));
            }
            _ if a.starts_with('-') && a.len() > 1 && filter.is_none() => {
                // Combined short flags (`-rc`).
                let mut ok = true;
                for c in a[1..].chars() {
                    match c {
                        'r' => raw = true,
                        'c' => compact = true,
                        'e' => exit_status = true,
                        'n' => null_input = true,
                        's' => slurp = true,
                        'j' => {
                            raw = true;
                            join = true;
                        }
                        'M' | 'S' | 'a' => {}
                        _ => ok = false,
                    }
                }
                if !ok {
                    io.err.push_str(&format!("jq: Unknown arguments: {a}\n"));
                    return 2;
                }
            }
            _ if filter.is_none() => filter = Some(a.to_string()),
            _ => files.push(a.to_string()),
        }
    }
    let Some(code) = filter else {
        io.err.push_str("Usage:\tjq [OPTIONS] FILTER [FILES...]\n");
        return 2;
    };
    if code.contains("def ") || code.starts_with("def") {
        // Recursive definitions could run without end; verify scripts do not need them.
        io.err
            .push_str("jq: error: function definitions (`def`) are not supported here\n");
        return 3;
    }

    // Inputs.
    let text = if files.is_empty() {
        io.stdin.take().unwrap_or_default()
    } else {
        let mut t = String::new();
        for f in &files {
            match host.read_file(f) {
                Ok(s) => t.push_str(&s),
                Err(e) => {
                    io.err
                        .push_str(&format!("jq: error: Could not open {f}: {e}\n"));
                    return 2;
                }
            }
        }
        t
    };
    let mut inputs = Vec::new();
    if !null_input || slurp {
        for (n, v) in jaq_json::read::parse_many(text.as_bytes()).enumerate() {
            match v {
                Ok(v) => inputs.push(v),
                Err(e) => {
                    io.err.push_str(&format!(
                        "jq: error (at <stdin>:{n}): Cannot parse input: {e:?}\n"
                    ));
                    return 2;
                }
            }
        }
    }
    let inputs: Vec<Val> = if null_input && !slurp {
        vec![Val::Null]
    } else if slurp {
        vec![inputs.into_iter().collect()]
    } else {
        inputs
    };

    // The filter.
    let names: Vec<String> = named.iter().map(|(n, _)| format!("${n}")).collect();
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs::<D>()
        .chain(jaq_std::base_funs())
        .chain(jaq_json::funs())
        .chain(regex_funs())
        .chain(extra_funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let program = File {
        code: code.as_str(),
        path: (),
    };
    let modules = match loader.load(&arena, program) {
        Ok(m) => m,
        Err(errs) => {
            for (_, e) in errs {
                io.err
                    .push_str(&format!("jq: error: syntax error: {}\n", load_error(&e)));
            }
            io.err.push_str("jq: 1 compile error\n");
            return 3;
        }
    };
    let compiled = Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().map(String::as_str))
        .compile(modules);
    let filter = match compiled {
        Ok(f) => f,
        Err(errs) => {
            let mut n = 0;
            for (_, es) in errs {
                for (name, undef) in es {
                    n += 1;
                    io.err.push_str(&format!(
                        "jq: error: {name}/{} is not defined\n",
                        arity(&undef)
                    ));
                }
            }
            io.err.push_str(&format!(
                "jq: {n} compile error{}\n",
                if n == 1 { "" } else { "s" }
            ));
            return 3;
        }
    };

    let pretty = jaq_json::write::Pp {
        indent: if compact {
            None
        } else {
            Some("  ".to_string())
        },
        sep_space: !compact,
        ..Default::default()
    };
    let mut last: Option<Val> = None;
    let mut count = 0usize;
    for input in inputs {
        let ctx = Ctx::<D>::new(&filter.lut, Vars::new(named.iter().map(|(_, v)| v.clone())));
        for out in filter.id.run((ctx, input)).map(unwrap_valr) {
            count += 1;
            if count > MAX_VALUES || io.out.len() > (1 << 20) {
                io.err
                    .push_str("jq: error: more output than the playground keeps: stopped\n");
                return 5;
            }
            match out {
                Ok(v) => {
                    match &v {
                        Val::TStr(b) if raw => io.out.push_str(&String::from_utf8_lossy(b)),
                        _ => {
                            let mut buf = Vec::new();
                            if jaq_json::write::write(&mut buf, &pretty, 0, &v).is_ok() {
                                io.out.push_str(&String::from_utf8_lossy(&buf));
                            }
                        }
                    }
                    if !join {
                        io.out.push('\n');
                    }
                    last = Some(v);
                }
                Err(e) => {
                    io.err
                        .push_str(&format!("jq: error (at <stdin>:0): {}\n", error_text(&e)));
                    return 5;
                }
            }
        }
    }
    if exit_status {
        return match last {
            None => 4,
            Some(Val::Null | Val::Bool(false)) => 1,
            Some(_) => 0,
        };
    }
    0
}

fn arity(u: &jaq_core::compile::Undefined) -> String {
    match u {
        jaq_core::compile::Undefined::Filter(n) => n.to_string(),
        _ => "0".into(),
    }
}

fn load_error<S: std::fmt::Debug>(e: &jaq_core::load::Error<S>) -> String {
    match e {
        jaq_core::load::Error::Lex(errs) => errs
            .iter()
            .map(|(expect, at)| format!("expected {expect:?} before {at:?}"))
            .collect::<Vec<_>>()
            .join("; "),
        jaq_core::load::Error::Parse(errs) => errs
            .iter()
            .map(|(expect, at)| format!("expected {expect:?} before {at:?}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => format!("{other:?}"),
    }
}

/// jq's wording of the common runtime errors (`Cannot iterate over null`).
fn error_text(e: &Error<Val>) -> String {
    let s = e.to_string();
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

// ----- the rest of jaq-std's natives -------------------------------------------------------------

fn num(v: &Val) -> Result<f64, Error<Val>> {
    use jaq_std::ValT as _;
    v.as_f64()
        .ok_or_else(|| Error::str(format!("{v} number required")))
}

fn text(v: &Val) -> Result<String, Error<Val>> {
    str_of(v).ok_or_else(|| Error::str(format!("{v} cannot be used as a string")))
}

/// The natives jaq-std's definitions use beyond its generic ones: math and encodings done here
/// (with std and `base64`), time refused (the playground's jq has no clock), `debug` silent.
fn extra_funs() -> impl Iterator<Item = Fun<D>> {
    use base64::Engine as _;
    [
        run(("pow", v(2), |mut cv| {
            let (y, x) = (cv.0.pop_var(), cv.0.pop_var());
            bome(num(&x).and_then(|x| Ok(Val::from(x.powf(num(&y)?)))))
        })),
        run(("remainder", v(2), |mut cv| {
            let (y, x) = (cv.0.pop_var(), cv.0.pop_var());
            bome(num(&x).and_then(|x| {
                let y = num(&y)?;
                Ok(Val::from(x - (x / y).round() * y))
            }))
        })),
        run(("copysign", v(2), |mut cv| {
            let (y, x) = (cv.0.pop_var(), cv.0.pop_var());
            bome(num(&x).and_then(|x| Ok(Val::from(x.copysign(num(&y)?)))))
        })),
        run(("nextafter", v(2), |_| {
            bome(Err(Error::str(
                "nextafter is not available in the playground's jq",
            )))
        })),
        run(("scalbln", v(2), |mut cv| {
            let (e, x) = (cv.0.pop_var(), cv.0.pop_var());
            bome(num(&x).and_then(|x| Ok(Val::from(x * 2f64.powf(num(&e)?.trunc())))))
        })),
        run(("ilogb", v(0), |cv| {
            bome(num(&cv.1).map(|x| Val::from(x.abs().log2().floor())))
        })),
        run(("tgamma", v(0), |_| {
            bome(Err(Error::str(
                "tgamma is not available in the playground's jq",
            )))
        })),
        run(("todateiso8601", v(0), |_| {
            bome(Err(Error::str(
                "date functions are not available in the playground's jq (it has no clock)",
            )))
        })),
        run(("fromdateiso8601", v(0), |_| {
            bome(Err(Error::str(
                "date functions are not available in the playground's jq (it has no clock)",
            )))
        })),
        run(("encode_base64", v(0), |cv| {
            bome(
                text(&cv.1).map(|t| Val::from(base64::engine::general_purpose::STANDARD.encode(t))),
            )
        })),
        run(("decode_base64", v(0), |cv| {
            bome(text(&cv.1).and_then(|t| {
                base64::engine::general_purpose::STANDARD
                    .decode(t.trim())
                    .map(|b| Val::from(String::from_utf8_lossy(&b).into_owned()))
                    .map_err(|_| Error::str(format!("{t} is not valid base64 data")))
            }))
        })),
        run(("escape_html", v(0), |cv| {
            bome(text(&cv.1).map(|t| {
                Val::from(
                    t.replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;")
                        .replace('\'', "&#39;")
                        .replace('"', "&quot;"),
                )
            }))
        })),
        run(("unescape_html", v(0), |cv| {
            bome(text(&cv.1).map(|t| {
                Val::from(
                    t.replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&#39;", "'")
                        .replace("&quot;", "\"")
                        .replace("&amp;", "&"),
                )
            }))
        })),
        run(("encode_uri", v(0), |cv| {
            bome(text(&cv.1).map(|t| {
                let mut out = String::new();
                for b in t.bytes() {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        out.push(b as char);
                    } else {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
                Val::from(out)
            }))
        })),
        run(("decode_uri", v(0), |cv| {
            bome(text(&cv.1).map(|t| {
                let bytes = t.as_bytes();
                let mut out = Vec::new();
                let mut i = 0;
                while i < bytes.len() {
                    let hex = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match (bytes[i], hex) {
                        (b'%', Some(v)) => {
                            out.push(v);
                            i += 3;
                        }
                        (b, _) => {
                            out.push(b);
                            i += 1;
                        }
                    }
                }
                Val::from(String::from_utf8_lossy(&out).into_owned())
            }))
        })),
        // `debug` and `stderr` messages are not shown: the output stays the filter's.
        run(("debug_empty", v(0), |_| Box::new(std::iter::empty()))),
        run(("stderr_empty", v(0), |_| Box::new(std::iter::empty()))),
    ]
    .into_iter()
}

// ----- regular expressions on regex-lite ----------------------------------------------------------

fn regex_funs() -> impl Iterator<Item = Fun<D>> {
    let vv = || v(2);
    [
        run(("matches", vv(), |cv| bome(re(false, true, cv)))),
        run(("split_matches", vv(), |cv| bome(re(true, true, cv)))),
        run(("split_", vv(), |cv| bome(re(true, false, cv)))),
    ]
    .into_iter()
}

fn str_of(v: &Val) -> Option<String> {
    match v {
        Val::TStr(b) | Val::BStr(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// `matches`, `split_matches`, `split_` as jaq-std defines them (its `test`, `match`,
/// `capture`, `scan`, `split`, `sub` and `gsub` are built on these): for each match, an array of
/// its groups as `{offset, length, string, name}`; with `mismatches`, the strings between.
fn re(mismatches: bool, with_matches: bool, mut cv: Cv<'_, D>) -> ValR<Val> {
    let flags = cv.0.pop_var();
    let pattern = cv.0.pop_var();
    let input = cv.1;
    let Some(text) = str_of(&input) else {
        return Err(Error::str(format!(
            "{input} cannot be matched, as it is not a string"
        )));
    };
    let Some(pattern) = str_of(&pattern) else {
        return Err(Error::str(format!(
            "{pattern} cannot be matched, as it is not a string"
        )));
    };
    let flags = match &flags {
        Val::Null => String::new(),
        f => str_of(f).unwrap_or_default(),
    };
    let mut b = regex_lite::RegexBuilder::new(&pattern);
    let (mut global, mut ignore_empty) = (false, false);
    for f in flags.chars() {
        match f {
            'g' => global = true,
            'n' => ignore_empty = true,
            'i' => {
                b.case_insensitive(true);
            }
            'm' => {
                b.multi_line(true);
            }
            's' => {
                b.dot_matches_new_line(true);
            }
            'x' => {
                b.ignore_whitespace(true);
            }
            'l' => {
                b.swap_greed(true);
            }
            'p' => {
                b.multi_line(true).dot_matches_new_line(true);
            }
            c => return Err(Error::str(format!("{c} is not a valid modifier string"))),
        }
    }
    let re = b
        .size_limit(1 << 20)
        .build()
        .map_err(|e| Error::str(format!("{pattern} (at offset 0) is not a valid regex: {e}")))?;
    let char_offset = |byte: usize| text[..byte].chars().count() as isize;
    let mut out: Vec<Val> = Vec::new();
    let mut last = 0;
    let names: Vec<Option<&str>> = re.capture_names().collect();
    for caps in re.captures_iter(&text) {
        let Some(whole) = caps.get(0) else { continue };
        if ignore_empty && whole.as_str().is_empty() {
            continue;
        }
        if mismatches {
            out.push(Val::from(text[last..whole.start()].to_string()));
            last = whole.end();
        }
        if with_matches {
            let mut groups = Vec::new();
            for (i, name) in names.iter().enumerate() {
                let Some(m) = caps.get(i) else { continue };
                let mut fields = vec![
                    (
                        Val::from("offset".to_string()),
                        Val::from(char_offset(m.start())),
                    ),
                    (
                        Val::from("length".to_string()),
                        Val::from(m.as_str().chars().count() as isize),
                    ),
                    (
                        Val::from("string".to_string()),
                        Val::from(m.as_str().to_string()),
                    ),
                ];
                if let Some(n) = name {
                    fields.push((Val::from("name".to_string()), Val::from(n.to_string())));
                }
                groups.push(Val::from_map(fields)?);
            }
            out.push(groups.into_iter().collect());
        }
        if !global {
            break;
        }
    }
    if mismatches {
        out.push(Val::from(text[last..].to_string()));
    }
    Ok(out.into_iter().collect())
}
