//! Durations as kubectl prints them (apimachinery's `duration.HumanDuration`) and reads them (Go's
//! `time.ParseDuration`), and the `sleep` built-in's forms (`5s`, `2m`, `1h30m`, `10`).

/// `duration.HumanDuration`: `5s`, `2m5s`, `15m`, `3h20m`, `2d4h`, `400d`, `2y30d`.
pub fn human(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{h}h", hours / 24);
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{dy}d", hours / 24 / 365);
    }
    format!("{}y", hours / 24 / 365)
}

/// Go's `time.ParseDuration`, in milliseconds (sub-millisecond parts are dropped). The error is
/// Go's: `time: invalid duration "abc"`.
/// Go's `time.Duration.String()` for whole milliseconds: `1h0m0s`, `10m0s`, `5s`, `500ms`.
pub fn go(millis: i64) -> String {
    if millis.abs() < 1_000 {
        return format!("{millis}ms");
    }
    let total = millis / 1000;
    let frac = millis % 1000;
    let (h, m, sec) = (total / 3600, total % 3600 / 60, total % 60);
    let secs = if frac == 0 {
        format!("{sec}s")
    } else {
        format!(
            "{sec}.{}s",
            format!("{:03}", frac.abs()).trim_end_matches('0')
        )
    };
    match (h, m) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    }
}

pub fn parse_go(s: &str) -> Result<i64, String> {
    let err = || format!("time: invalid duration {}", go_quote(s));
    let mut rest = s;
    let mut neg = false;
    if let Some(r) = rest.strip_prefix('-') {
        neg = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(err());
    }
    let mut total_ns: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." {
            return Err(err());
        }
        let value: f64 = num.parse().map_err(|_| err())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(format!("time: missing unit in duration {}", go_quote(s))),
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(s)
                ))
            }
        };
        total_ns += value * scale;
    }
    if total_ns > 9.2e18 {
        return Err(err());
    }
    let ms = (total_ns / 1e6) as i64;
    Ok(if neg { -ms } else { ms })
}

/// The `sleep` built-in: a Go duration, or a bare number of seconds as the shell's `sleep`.
pub fn parse_sleep(s: &str) -> Result<i64, String> {
    // GNU sleep: a number with an optional suffix, s (the default), m, h or d.
    let (number, unit) = match s.char_indices().last() {
        Some((i, 's')) => (&s[..i], 1.0),
        Some((i, 'm')) => (&s[..i], 60.0),
        Some((i, 'h')) => (&s[..i], 3_600.0),
        Some((i, 'd')) => (&s[..i], 86_400.0),
        _ => (s, 1.0),
    };
    if let Ok(n) = number.parse::<f64>() {
        let secs = n * unit;
        if secs.is_finite() && (0.0..=1e9).contains(&secs) {
            return Ok((secs * 1000.0).round() as i64);
        }
    }
    match parse_go(s) {
        Ok(ms) if ms >= 0 => Ok(ms),
        _ => Err(format!("sleep: invalid time interval '{s}'")),
    }
}

/// Go's `%q` for the strings we quote in errors (ASCII printable kept as is).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// apimachinery's `TestHumanDuration` table, row for row.
    #[test]
    fn human_duration_matches_apimachinery() {
        let s = 1000;
        let m = 60 * s;
        let h = 60 * m;
        let d = 24 * h;
        let y = 365 * d;
        let cases: &[(i64, &str)] = &[
            (s, "1s"),
            (70 * s, "70s"),
            (190 * s, "3m10s"),
            (70 * m, "70m"),
            (47 * h, "47h"),
            (49 * h, "2d1h"),
            ((8 * 24 + 2) * h, "8d"),
            (367 * d, "367d"),
            (y + 2 * 30 * d, "425d"),
            (3 * y + 2 * 30 * d, "3y60d"),
            (8 * y + 2 * 30 * d, "8y"),
            (-2 * s, "<invalid>"),
            (-s, "0s"),
            (119 * s, "119s"),
            (120 * s, "2m"),
            (125 * s, "2m5s"),
            (10 * m, "10m"),
            (3 * h, "3h"),
            (3 * h + 20 * m, "3h20m"),
            (8 * h, "8h"),
        ];
        for (ms, want) in cases {
            assert_eq!(human(*ms), *want, "{ms}");
        }
    }

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_go("30s"), Ok(30_000));
        assert_eq!(parse_go("1m30s"), Ok(90_000));
        assert_eq!(parse_go("1.5h"), Ok(5_400_000));
        assert_eq!(parse_go("250ms"), Ok(250));
        assert_eq!(parse_go("0"), Ok(0));
        assert_eq!(
            parse_go("abc"),
            Err("time: invalid duration \"abc\"".into())
        );
        assert_eq!(
            parse_go("5"),
            Err("time: missing unit in duration \"5\"".into())
        );
        assert_eq!(
            parse_go("5x"),
            Err("time: unknown unit \"x\" in duration \"5x\"".into())
        );
        assert_eq!(parse_sleep("5"), Ok(5_000));
        assert_eq!(parse_sleep("2m"), Ok(120_000));
        assert_eq!(parse_sleep("1.5d"), Ok(129_600_000));
        assert_eq!(parse_sleep("0.5s"), Ok(500));
        assert!(parse_sleep("soon").is_err());
        assert!(parse_sleep("d").is_err());
    }
}
