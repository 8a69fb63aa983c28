//! A YAML emitter that writes what kubectl's `-o yaml` writes: `sigs.k8s.io/yaml` over go-yaml v2
//! (keys in go-yaml's "natural" order, sequences not indented under their key, `{}` and `[]` for
//! empty collections, go-yaml's quoting rules, `|` blocks for multi-line strings, and plain or
//! quoted strings folded at column 80).
//!
//! Written against go-yaml v2's `encode.go`, `resolve.go`, `sorter.go` and `emitterc.go`; the
//! quoting table in the tests was checked against the real kubectl 1.37.

use crate::doc::Doc;

/// go-yaml's `best_width`: plain and quoted scalars break at a space past this column.
const BEST_WIDTH: usize = 80;

/// The document as `yaml.Marshal` writes it (ending with a newline).
pub fn to_yaml(doc: &Doc) -> String {
    let mut e = Emitter::default();
    match doc {
        Doc::Map(m) if !m.is_empty() => e.block_map(m, 0),
        Doc::Seq(s) if !s.is_empty() => e.block_seq(s, 0),
        other => {
            e.inline_value(other, 2);
        }
    }
    if !e.out.ends_with('\n') {
        e.out.push('\n');
    }
    e.out
}

#[derive(Default)]
struct Emitter {
    out: String,
    /// Characters written on the current line.
    column: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

impl Emitter {
    fn write(&mut self, s: &str) {
        for c in s.chars() {
            self.out.push(c);
            if c == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
    }

    fn newline_indent(&mut self, indent: usize) {
        self.out.push('\n');
        self.column = 0;
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.column = indent;
    }

    /// Starts a line at `indent` (the current line is assumed complete).
    fn line_start(&mut self, indent: usize) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.column = 0;
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.column = indent;
    }

    fn block_map(&mut self, entries: &[(String, Doc)], indent: usize) {
        let mut sorted: Vec<&(String, Doc)> = entries.iter().collect();
        sorted.sort_by(|a, b| natural_cmp(&a.0, &b.0));
        for (i, (k, v)) in sorted.into_iter().enumerate() {
            // The first key of a map inside a sequence item follows the "- " on the same line.
            if i > 0 || self.column == 0 || !self.out.ends_with("- ") {
                self.line_start(indent);
            }
            self.scalar(k, true, indent + 2);
            self.write(":");
            self.value_after_key(v, indent);
        }
    }

    fn value_after_key(&mut self, v: &Doc, key_indent: usize) {
        match v {
            Doc::Map(m) if !m.is_empty() => {
                self.out.push('\n');
                self.column = 0;
                self.block_map(m, key_indent + 2);
            }
            Doc::Seq(s) if !s.is_empty() => {
                self.out.push('\n');
                self.column = 0;
                // go-yaml v2 does not indent a sequence that is a mapping's value.
                self.block_seq(s, key_indent);
            }
            other => {
                self.write(" ");
                self.inline_value(other, key_indent + 2);
            }
        }
    }

    fn block_seq(&mut self, items: &[Doc], indent: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 || self.column == 0 || !self.out.ends_with("- ") {
                self.line_start(indent);
            }
            self.write("- ");
            match item {
                Doc::Map(m) if !m.is_empty() => self.block_map(m, indent + 2),
                Doc::Seq(s) if !s.is_empty() => self.block_seq(s, indent + 2),
                other => self.inline_value(other, indent + 2),
            }
        }
    }

    /// A scalar or an empty collection, written where the cursor is; `indent` is where folded
    /// lines and literal blocks continue.
    fn inline_value(&mut self, v: &Doc, indent: usize) {
        match v {
            Doc::Null => self.write("null"),
            Doc::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Doc::Num(n) => {
                let s = format_number(n);
                self.write(&s);
            }
            Doc::Str(s) => self.scalar(s, false, indent),
            Doc::Map(_) => self.write("{}"),
            Doc::Seq(_) => self.write("[]"),
        }
    }

    fn scalar(&mut self, s: &str, simple_key: bool, indent: usize) {
        let style = select_style(s, simple_key);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.plain(s, allow_breaks, indent),
            Style::Single => self.single_quoted(s, allow_breaks, indent),
            Style::Double => self.double_quoted(s, allow_breaks, indent),
            Style::Literal => self.literal(s, indent),
        }
    }

    fn plain(&mut self, s: &str, allow_breaks: bool, indent: usize) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.newline_indent(indent);
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else {
                self.write_char(c);
                spaces = false;
            }
        }
    }

    fn single_quoted(&mut self, s: &str, allow_breaks: bool, indent: usize) {
        let chars: Vec<char> = s.chars().collect();
        self.write("'");
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                    && !next_space
                {
                    self.newline_indent(indent);
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.write_char('\'');
                }
                self.write_char(c);
                spaces = false;
            }
        }
        self.write("'");
    }

    fn double_quoted(&mut self, s: &str, allow_breaks: bool, indent: usize) {
        let chars: Vec<char> = s.chars().collect();
        self.write("\"");
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.write_char('\\');
                let esc = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match esc {
                    Some(e) => self.write_char(e),
                    None => {
                        let v = c as u32;
                        let (prefix, width) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.write_char(prefix);
                        let hex = format!("{v:0width$X}");
                        self.write(&hex);
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                {
                    self.newline_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.write_char('\\');
                    }
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else {
                self.write_char(c);
                spaces = false;
            }
        }
        self.write("\"");
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.write("|");
        let first = s.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.write("2");
        }
        let mut rev = s.chars().rev();
        let last = rev.next();
        let chomp = match last {
            None => "-",
            Some(c) if !is_break(c) => "-",
            Some(_) => match rev.next() {
                None => "+",
                Some(c) if is_break(c) => "+",
                Some(_) => "",
            },
        };
        self.write(chomp);
        self.out.push('\n');
        self.column = 0;
        let mut at_line_start = true;
        for c in s.chars() {
            if is_break(c) {
                self.out.push('\n');
                self.column = 0;
                at_line_start = true;
            } else {
                if at_line_start {
                    for _ in 0..indent {
                        self.out.push(' ');
                    }
                    self.column = indent;
                    at_line_start = false;
                }
                self.write_char(c);
            }
        }
    }

    fn write_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, None | Some(' ') | Some('\t')) || c.is_some_and(is_break)
}

/// go-yaml's `is_printable`: tab and most control characters are not, nor anything beyond the
/// Basic Multilingual Plane (which go-yaml escapes as `\U...`).
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0a
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
}

struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// `yaml_emitter_analyze_scalar`, for block context (kubectl never emits flow collections).
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut line_breaks = false;
    let mut special_characters = false;
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let n = chars.len();
    for i in 0..n {
        let c = chars[i];
        let followed_by_whitespace = is_blank(chars.get(i + 1).copied());
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) || c == '\u{feff}' {
            special_characters = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == n - 1 {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if i == n - 1 {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(Some(c));
    }
    let mut a = Analysis {
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml's `stringv` followed by the emitter's `select_scalar_style`.
fn select_style(s: &str, simple_key: bool) -> Style {
    let requested = if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    };
    let a = analyze(s);
    let mut style = requested;
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    // A key is a "simple key": no block scalar there.
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::Double;
    }
    style
}

/// Whether go-yaml's `resolve("", s)` gives `!!str`: no bool, null, int, float or timestamp.
fn resolves_to_string(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false; // "" is null
    };
    let hint = match first {
        '+' | '-' | '0'..='9' => 'D',
        'y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' | '~' => 'M',
        '.' => '.',
        _ => return true,
    };
    const MAP: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
        "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    if MAP.contains(&s) {
        return false;
    }
    match hint {
        '.' => go_parse_float(s).is_none(),
        'D' => {
            if is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if go_parse_int(&plain) || is_yaml_style_float(&plain) {
                return false;
            }
            if let Some(bits) = plain
                .strip_prefix("0b")
                .or_else(|| plain.strip_prefix("-0b"))
            {
                if !bits.is_empty() && bits.chars().all(|c| c == '0' || c == '1') {
                    return false;
                }
            }
            true
        }
        _ => true,
    }
}

/// `strconv.ParseInt(s, 0, 64)` or `ParseUint` succeeds (sign, `0x`, `0o`, `0b`, leading-0
/// octal; underscores were removed by the caller, so they only matter when misplaced).
fn go_parse_int(s: &str) -> bool {
    let body = s
        .strip_prefix('-')
        .or_else(|| s.strip_prefix('+'))
        .unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d.to_string(), 16)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d.to_string(), 8)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d.to_string(), 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower[1..].to_string(), 8)
    } else {
        (lower.clone(), 10)
    };
    if digits.is_empty() {
        return false;
    }
    // Out of range values fail ParseInt and ParseUint alike; u64 covers both.
    u64::from_str_radix(&digits, radix).is_ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` for strings starting with `.`: decimal floats only.
fn go_parse_float(s: &str) -> Option<f64> {
    if is_yaml_style_float(s) {
        s.parse().ok()
    } else {
        None
    }
}

/// go-yaml's `parseTimestamp`: `YYYY-M-D` optionally followed by a time.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    let rest = &s[5..];
    let (date, time) = match rest.find(['T', 't', ' ']) {
        Some(i) => (&rest[..i], Some((&rest[i..i + 1], &rest[i + 1..]))),
        None => (rest, None),
    };
    let mut parts = date.split('-');
    let (Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let num = |p: &str, max: u32| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v))
    };
    if !num(m, 12) || !num(d, 31) {
        return false;
    }
    let Some((sep, time)) = time else {
        return true;
    };
    // "2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00",
    // "2006-1-2 15:4:5.999999999"
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => (&time[..i], Some(&time[i..])),
        None => (time, None),
    };
    if sep == " " && zone.is_some() {
        return false;
    }
    if sep != " " && zone.is_none() {
        return false;
    }
    let (hms, frac) = match clock.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let mut t = hms.split(':');
    let (Some(h), Some(mi), Some(se), None) = (t.next(), t.next(), t.next(), t.next()) else {
        return false;
    };
    let hms_ok = |p: &str, max: u32| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|v| v <= max)
    };
    if !hms_ok(h, 23) || !hms_ok(mi, 59) || !hms_ok(se, 59) {
        return false;
    }
    match zone {
        None | Some("Z") => true,
        Some(z) => {
            let b = z.as_bytes();
            b.len() == 6
                && (b[0] == b'+' || b[0] == b'-')
                && b[3] == b':'
                && hms_ok(&z[1..3], 23)
                && hms_ok(&z[4..6], 59)
        }
    }
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: quoted on output for YAML 1.1 readers.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let g = &s[start..i];
        let ok = match g.len() {
            1 => true,
            2 => g.as_bytes()[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Integers print as written; other numbers as Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
fn format_number(n: &str) -> String {
    if n.parse::<i64>().is_ok() || n.parse::<u64>().is_ok() {
        return n.to_string();
    }
    let Ok(f) = n.parse::<f64>() else {
        return n.to_string();
    };
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    if f == 0.0 {
        return "0".into();
    }
    // Shortest round-trip digits, then Go's choice between %e and %f.
    let sci = format!("{f:e}"); // e.g. "1.5e6", "-1e-7"
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..21).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    format!("{f}")
}

/// go-yaml v2's key order (`keyList.Less`): runs of digits compare as numbers, and a letter sorts
/// after a non-letter.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(s: &str) -> String {
        let d = Doc::map().with("k", Doc::str(s));
        to_yaml(&d)
    }

    /// Checked against the real kubectl 1.37:
    /// `kubectl create configmap x --from-literal=k=VALUE --dry-run=client -o yaml`.
    #[test]
    fn strings_are_quoted_like_go_yaml() {
        let cases = [
            ("hello world", "k: hello world\n"),
            ("true", "k: \"true\"\n"),
            ("1.10", "k: \"1.10\"\n"),
            ("a: b", "k: 'a: b'\n"),
            ("#x", "k: '#x'\n"),
            ("x #y", "k: 'x #y'\n"),
            ("- a", "k: '- a'\n"),
            ("line1\nline2", "k: |-\n  line1\n  line2\n"),
            ("line1\n", "k: |\n  line1\n"),
            ("  lead", "k: '  lead'\n"),
            ("tab\tx", "k: \"tab\\tx\"\n"),
            ("", "k: \"\"\n"),
            ("2026-01-01T00:00:00Z", "k: \"2026-01-01T00:00:00Z\"\n"),
            ("1:20", "k: \"1:20\"\n"),
            ("0x1F", "k: \"0x1F\"\n"),
            ("1_000", "k: \"1_000\"\n"),
            ("null", "k: \"null\"\n"),
            ("~", "k: \"~\"\n"),
            ("y", "k: \"y\"\n"),
            ("*star", "k: '*star'\n"),
            ("ünï", "k: ünï\n"),
            ("a,b", "k: a,b\n"),
            ("[x]", "k: '[x]'\n"),
            ("-", "k: '-'\n"),
            ("1e3", "k: \"1e3\"\n"),
            (".5", "k: \".5\"\n"),
            ("3600", "k: \"3600\"\n"),
            ("nginx:1.10", "k: nginx:1.10\n"),
            ("*/5 * * * *", "k: '*/5 * * * *'\n"),
            ("\u{1F600} x", "k: \"\\U0001F600 x\"\n"),
            ("a \nb", "k: \"a \\nb\"\n"),
            ("yes", "k: \"yes\"\n"),
            ("0o17", "k: \"0o17\"\n"),
            ("017", "k: \"017\"\n"),
            ("08", "k: \"08\"\n"),
            ("+1", "k: \"+1\"\n"),
            ("-.5", "k: \"-.5\"\n"),
            ("2006-1-2", "k: \"2006-1-2\"\n"),
            ("1.", "k: \"1.\"\n"),
            ("@x", "k: '@x'\n"),
            ("x: ", "k: 'x: '\n"),
            ("a:b", "k: a:b\n"),
            ("it's", "k: it's\n"),
            ("?x", "k: ?x\n"),
        ];
        for (input, want) in cases {
            assert_eq!(scalar(input), want, "{input:?}");
        }
        let keys = Doc::map()
            .with("y", Doc::str("v"))
            .with("n", Doc::str("v"))
            .with("tls.key", Doc::str("v"))
            .with("tls.crt", Doc::str("v"));
        assert_eq!(
            to_yaml(&keys),
            "\"n\": v\ntls.crt: v\ntls.key: v\n\"y\": v\n"
        );
    }

    #[test]
    fn collections_are_laid_out_like_go_yaml() {
        let d = Doc::map()
            .with(
                "spec",
                Doc::map().with(
                    "containers",
                    Doc::Seq(vec![Doc::map()
                        .with("name", Doc::str("nginx"))
                        .with(
                            "command",
                            Doc::Seq(vec![Doc::str("sleep"), Doc::str("3600")]),
                        )
                        .with("resources", Doc::map())]),
                ),
            )
            .with("status", Doc::map())
            .with(
                "list",
                Doc::Seq(vec![
                    Doc::Seq(vec![Doc::int(1), Doc::int(2)]),
                    Doc::Seq(vec![]),
                ]),
            );
        expect_test::expect![[r#"
            list:
            - - 1
              - 2
            - []
            spec:
              containers:
              - command:
                - sleep
                - "3600"
                name: nginx
                resources: {}
            status: {}
        "#]]
        .assert_eq(&to_yaml(&d));
    }

    /// Checked against the real kubectl 1.37 (`create configmap --from-literal`).
    #[test]
    fn long_strings_fold_at_column_80() {
        let d = Doc::map().with(
            "data",
            Doc::map()
                .with("message", Doc::str("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."))
                .with("plain", Doc::str("this is a long plain string with many words that will go past the eighty column limit for sure yes"))
                .with("dq", Doc::str("tab\tthis is a long plain string with many words that will go past the eighty  column limit for sure yes")),
        );
        let want = concat!(
            "data:\n",
            "  dq: \"tab\\tthis is a long plain string with many words that will go past the eighty\n",
            "    \\ column limit for sure yes\"\n",
            "  message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are\n",
            "    available: 3 No preemption victims found for incoming pod.'\n",
            "  plain: this is a long plain string with many words that will go past the eighty\n",
            "    column limit for sure yes\n",
        );
        assert_eq!(to_yaml(&d), want);
    }

    #[test]
    fn keys_sort_naturally() {
        // As the real kubectl orders `--from-literal` keys.
        let mut keys = vec![
            "a10", "a9", "b", "_x", "A", "a", "80-8080", "443-8443", "z1", "a01", "a1", ".x",
        ];
        keys.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            keys,
            vec![".x", "_x", "80-8080", "443-8443", "A", "a", "a1", "a01", "a9", "a10", "b", "z1"]
        );
    }
}
