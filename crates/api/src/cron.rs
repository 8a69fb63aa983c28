//! CronJob schedules, hand-written: small, UTC-only, and no date library in the wasm bundle.
//!
//! [`Schedule::parse`] accepts what the API server accepts (robfig/cron v3's standard parser, as
//! the CronJob controller uses it: five fields or an `@` descriptor, `@every <Go duration>` too)
//! and words its errors the same way. [`Schedule::next_after`] gives the next fire time on the
//! simulated clock (milliseconds since the Unix epoch, UTC), skipping whole months, days and
//! hours that cannot match, and gives up after robfig's five-year horizon.

/// robfig's marker for a field that was an unstepped `*` or `?`; it changes how days match.
const STAR: u64 = 1 << 63;
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/// (minimum, maximum, names from the minimum on) of minute, hour, day of month, month, weekday.
type Bounds = (u64, u64, &'static [&'static str]);
const BOUNDS: [Bounds; 5] = [
    (0, 59, &[]),
    (0, 23, &[]),
    (1, 31, &[]),
    (1, 12, MONTHS),
    (0, 6, DAYS),
];
const TZ_ERROR: &str = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Bit n set: value n matches. Minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of
    /// week 0-6 (Sunday = 0).
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// The day field was (or included) an unstepped `*`/`?`: a day then has to match both day
    /// fields, otherwise either.
    dom_star: bool,
    dow_star: bool,
    /// `@every`: the delay in whole seconds (as milliseconds); the bitsets are then unused.
    every_ms: Option<i64>,
}

impl Schedule {
    /// Parses a schedule; the error text is what the API server's validation says after
    /// `spec.schedule: Invalid value: "<s>": `.
    pub fn parse(s: &str) -> Result<Schedule, String> {
        // The API server rejects "TZ" anywhere in the schedule (there is a `timeZone` field).
        if s.contains("TZ") {
            return Err(TZ_ERROR.to_string());
        }
        if s.is_empty() {
            return Err("empty spec string".to_string());
        }
        if s.starts_with('@') {
            return descriptor(s);
        }
        let fields: Vec<&str> = s.split_whitespace().collect();
        if fields.len() != 5 {
            let (n, list) = (fields.len(), fields.join(" "));
            return Err(format!("expected exactly 5 fields, found {n}: [{list}]"));
        }
        let mut bits = [0; 5];
        for ((field, bounds), out) in fields.iter().zip(BOUNDS).zip(&mut bits) {
            for expr in field.split(',').filter(|e| !e.is_empty()) {
                *out |= range(expr, bounds)?;
            }
        }
        Ok(from_bits(bits))
    }

    /// The first fire time strictly after `after_ms` (seconds always 0), or None if there is none
    /// within 5 years (e.g. `0 0 30 2 *`).
    pub fn next_after(&self, after_ms: i64) -> Option<i64> {
        if let Some(delay) = self.every_ms {
            // robfig's ConstantDelaySchedule: drop the sub-second part, add the delay.
            return after_ms
                .checked_sub(after_ms.rem_euclid(1000))?
                .checked_add(delay);
        }
        // robfig starts at the next whole second and stops once the year passes its own + 5.
        let limit = civil_from_days((after_ms.div_euclid(1000) + 1).div_euclid(86_400)).0 + 5;
        let first = after_ms.div_euclid(60_000) + 1;
        let (mut day, mut minute) = (first.div_euclid(1440), first.rem_euclid(1440));
        loop {
            let (y, m, d) = civil_from_days(day);
            if y > limit {
                return None;
            }
            if !has(self.month, m) {
                day = days_from_civil(y + m / 12, m % 12 + 1, 1);
            } else {
                if self.day_matches(d, (day + 4).rem_euclid(7)) {
                    if let Some(t) = self.first_in_day(minute) {
                        return (day * 1440 + t).checked_mul(60_000);
                    }
                }
                day += 1;
            }
            minute = 0;
        }
    }

    fn day_matches(&self, dom: i64, dow: i64) -> bool {
        let (a, b) = (has(self.dom, dom), has(self.dow, dow));
        if self.dom_star || self.dow_star {
            a && b
        } else {
            a || b
        }
    }

    /// The first matching minute of the day at or after minute-of-day `from`.
    fn first_in_day(&self, from: i64) -> Option<i64> {
        let (h0, m0) = (from / 60, from % 60);
        (h0..24).filter(|&h| has(self.hour, h)).find_map(|h| {
            let from = if h == h0 { m0 } else { 0 };
            let rest = self.minute >> from;
            (rest != 0).then(|| h * 60 + from + i64::from(rest.trailing_zeros()))
        })
    }
}

fn has(bits: u64, v: i64) -> bool {
    (0..64).contains(&v) && bits >> v & 1 == 1
}

fn from_bits(b: [u64; 5]) -> Schedule {
    let [minute, hour, dom, month, dow] = b.map(|x| x & !STAR);
    let (dom_star, dow_star) = (b[2] & STAR != 0, b[4] & STAR != 0);
    Schedule {
        minute,
        hour,
        dom,
        month,
        dow,
        dom_star,
        dow_star,
        every_ms: None,
    }
}

fn descriptor(s: &str) -> Result<Schedule, String> {
    let all = |i: usize| bits(BOUNDS[i].0, BOUNDS[i].1, 1) | STAR;
    let b = match s {
        "@yearly" | "@annually" => [1, 1, 1 << 1, 1 << 1, all(4)],
        "@monthly" => [1, 1, 1 << 1, all(3), all(4)],
        "@weekly" => [1, 1, all(2), all(3), 1],
        "@daily" | "@midnight" => [1, 1, all(2), all(3), all(4)],
        "@hourly" => [1, all(1), all(2), all(3), all(4)],
        _ => {
            let Some(d) = s.strip_prefix("@every ") else {
                return Err(format!("unrecognized descriptor: {s}"));
            };
            let ns = go_duration(d).map_err(|e| format!("failed to parse duration {s}: {e}"))?;
            // Whole seconds, rounded down; under a second (even negative) becomes one.
            let every_ms = Some((ns / 1_000_000_000).max(1) * 1000);
            return Ok(Schedule {
                every_ms,
                ..from_bits([0; 5])
            });
        }
    };
    Ok(from_bits(b))
}

/// One comma-separated part of a field: `*`, `?`, `n` or `a-b`, each optionally `/step`.
fn range(expr: &str, (min, max, names): Bounds) -> Result<u64, String> {
    let parts: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = parts[0].split('-').collect();
    let name = |e| int_or_name(e, min, names);
    let (start, mut end, mut extra) = match low_high[..] {
        ["*" | "?", ..] => (min, max, STAR),
        [low] => name(low).map(|v| (v, v, 0))?,
        [low, high] => (name(low)?, name(high)?, 0),
        _ => return name(low_high[0]).and(Err(format!("too many hyphens: {expr}"))),
    };
    let step = match parts[..] {
        [_] => 1,
        [_, step] => atoi(step)?,
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if parts.len() == 2 && low_high.len() == 1 {
        end = max; // "a/n" means "a-max/n"
    }
    if step > 1 {
        extra = 0;
    }
    let why = match () {
        _ if start < min => format!("beginning of range ({start}) below minimum ({min})"),
        _ if end > max => format!("end of range ({end}) above maximum ({max})"),
        _ if start > end => format!("beginning of range ({start}) beyond end of range ({end})"),
        _ if step == 0 => "step of range should be a positive number".to_string(),
        _ => return Ok(bits(start, end, step) | extra),
    };
    Err(format!("{why}: {expr}"))
}

fn bits(start: u64, end: u64, step: u64) -> u64 {
    let step = step.min(64) as usize; // a step past the range keeps only its start
    (start..=end).step_by(step).fold(0, |acc, i| acc | 1 << i)
}

fn int_or_name(expr: &str, min: u64, names: &[&str]) -> Result<u64, String> {
    // Go lower-cases by Unicode rules; 'İ' is the one non-ASCII letter that can spell a name.
    let lower = expr.replace('İ', "i").to_ascii_lowercase();
    match names.iter().position(|n| *n == lower) {
        Some(i) => Ok(min + i as u64),
        None => atoi(expr),
    }
}

fn sign(s: &str) -> (bool, &str) {
    match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    }
}

/// robfig's `mustParseInt`: Go's `strconv.Atoi`, then no negatives.
fn atoi(s: &str) -> Result<u64, String> {
    let err = |why: &str| {
        let q = quote(s, false);
        Err(format!(
            "failed to parse int from {s}: strconv.Atoi: parsing {q}: {why}"
        ))
    };
    let (neg, digits) = sign(s);
    let mut n: i128 = 0;
    for c in digits.bytes() {
        if !c.is_ascii_digit() {
            return err("invalid syntax");
        }
        n = n * 10 + i128::from(c - b'0');
        if n > i128::from(u64::MAX) {
            return err("value out of range"); // Go stops at the first overflowing digit
        }
    }
    match if neg { -n } else { n } {
        _ if digits.is_empty() => err("invalid syntax"),
        n if i64::try_from(n).is_err() => err("value out of range"),
        n if n < 0 => Err(format!("negative number ({n}) not allowed: {s}")),
        n => Ok(n as u64),
    }
}

/// Go's `time.ParseDuration`, in nanoseconds (fractions are exact here, floating-point in Go).
fn go_duration(orig: &str) -> Result<i64, String> {
    let q = quote(orig, true);
    let invalid = || format!("time: invalid duration {q}");
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let (neg, mut s) = sign(orig);
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let (int, rest) = s.split_at(digits(s));
        let frac = rest.strip_prefix('.').map(|r| &r[..digits(r)]);
        s = &rest[frac.map_or(0, |f| f.len() + 1)..];
        if int.is_empty() && frac.is_none_or(str::is_empty) {
            return Err(invalid());
        }
        let mut v: u128 = 0;
        for c in int.bytes() {
            v = v * 10 + u128::from(c - b'0');
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        let u = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        let unit: u128 = match &s[..u] {
            "" => return Err(format!("time: missing unit in duration {q}")),
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            other => {
                let u = quote(other, true);
                return Err(format!("time: unknown unit {u} in duration {q}"));
            }
        };
        s = &s[u..];
        let (mut f, mut scale) = (0u128, 1u128);
        for c in frac.unwrap_or("").bytes().take(19) {
            (f, scale) = (f * 10 + u128::from(c - b'0'), scale * 10);
        }
        total += v * unit + f * unit / scale;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    let total = if neg { -(total as i128) } else { total as i128 };
    i64::try_from(total).map_err(|_| invalid())
}

/// Go's quoting in error messages: `strconv.Quote`, or (`go_time`) the time package's bytewise one.
fn quote(s: &str, go_time: bool) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => out.extend(['\\', c]),
            _ if go_time && (c < ' ' || !c.is_ascii()) => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            _ if !go_time && (c < ' ' || c == '\x7f') => match "\x07\x08\x0c\n\r\t\x0b".find(c) {
                Some(i) => out.extend(['\\', char::from(b"abfnrtv"[i])]),
                None => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            },
            _ => out.push(c),
        }
    }
    out + "\""
}

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // days since 0000-03-01: years start in March, so leap days fall last
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153; // 0 = March
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let d = doy - (153 * mp + 2) / 5 + 1;
    (era * 400 + yoe + i64::from(m <= 2), m, d)
}

/// The inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `YYYY-MM-DDTHH:MM:SS[.mmm]Z` to milliseconds.
    fn ms(s: &str) -> i64 {
        let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
        let frac = if s.len() > 20 { n(20..23) } else { 0 };
        let days = days_from_civil(n(0..4), n(5..7), n(8..10));
        ((days * 24 + n(11..13)) * 60 + n(14..16)) * 60_000 + n(17..19) * 1000 + frac
    }

    fn rfc3339(ms: i64) -> String {
        let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
        let t = ms.rem_euclid(86_400_000) / 1000;
        let (h, min, s) = (t / 3600, t / 60 % 60, t % 60);
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z")
    }

    /// Brute-force match of one instant, independent of `next_after`'s skipping.
    fn matches(s: &Schedule, ms: i64) -> bool {
        let (min, day) = (ms.div_euclid(60_000), ms.div_euclid(86_400_000));
        let (_, m, d) = civil_from_days(day);
        ms % 60_000 == 0
            && has(s.minute, min.rem_euclid(60))
            && has(s.hour, min.rem_euclid(1440) / 60)
            && has(s.month, m)
            && s.day_matches(d, (day + 4).rem_euclid(7))
    }

    #[test]
    fn civil_arithmetic() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(
            days_from_civil(2026, 1, 1) * 86_400_000,
            1_767_225_600_000 /* 2026-01-01, the simulated clock's start */
        );
        let mut prev = civil_from_days(-200_000);
        for z in -199_999..200_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
            let next_month = (prev.0 + prev.1 / 12, prev.1 % 12 + 1, 1);
            let ok = (y, m, d) == (prev.0, prev.1, prev.2 + 1) || (y, m, d) == next_month;
            assert!(ok, "{prev:?} -> {:?}", (y, m, d));
            prev = (y, m, d);
        }
    }

    /// 2026-01-01 is a Thursday.
    const FIRE_TIMES: &str = "
        */5 * * * *           | 2026-01-01T00:00:00Z     | 2026-01-01T00:05:00Z
        */5 * * * *           | 2026-12-31T23:57:00Z     | 2027-01-01T00:00:00Z
        0 * * * *             | 2026-03-10T10:00:00Z     | 2026-03-10T11:00:00Z
        0 * * * *             | 2026-03-10T09:59:59.999Z | 2026-03-10T10:00:00Z
        @hourly               | 2026-03-10T10:30:00Z     | 2026-03-10T11:00:00Z
        @daily                | 2026-02-28T12:00:00Z     | 2026-03-01T00:00:00Z
        @midnight             | 2028-02-28T00:00:00Z     | 2028-02-29T00:00:00Z
        @weekly               | 2026-01-01T00:00:00Z     | 2026-01-04T00:00:00Z
        @monthly              | 2026-01-31T23:59:00Z     | 2026-02-01T00:00:00Z
        @yearly               | 2026-01-01T00:00:00Z     | 2027-01-01T00:00:00Z
        @annually             | 2026-12-31T23:59:59Z     | 2027-01-01T00:00:00Z
        30 2 * * 1-5          | 2026-01-02T03:00:00Z     | 2026-01-05T02:30:00Z
        0 0 29 2 *            | 2026-03-01T00:00:00Z     | 2028-02-29T00:00:00Z
        0 0 1,15 * 5          | 2026-01-01T00:00:00Z     | 2026-01-02T00:00:00Z
        0 0 1,15 * 5          | 2026-01-09T00:00:00Z     | 2026-01-15T00:00:00Z
        0 0 1,15 * 5          | 2026-01-30T00:00:00Z     | 2026-02-01T00:00:00Z
        0 0 1 * 5/7           | 2026-01-09T00:00:00Z     | 2026-01-16T00:00:00Z
        0 0 1 * */1           | 2026-01-09T00:00:00Z     | 2026-02-01T00:00:00Z
        0 12 * JAN,JUL SUN    | 2026-01-31T00:00:00Z     | 2026-07-05T12:00:00Z
        0 12 * jan,Jul sun    | 2026-01-01T00:00:00Z     | 2026-01-04T12:00:00Z
        */15 9-17 * * MON-FRI | 2026-01-02T17:45:00Z     | 2026-01-05T09:00:00Z
        */15 9-17 * * MON-FRI | 2026-01-05T09:07:00Z     | 2026-01-05T09:15:00Z
        5/20 * * * *          | 2026-01-01T10:45:00Z     | 2026-01-01T11:05:00Z
        59 23 31 12 *         | 2026-12-31T23:59:00Z     | 2027-12-31T23:59:00Z
        0 0 31 * *            | 2026-01-31T00:00:00Z     | 2026-03-31T00:00:00Z
        0 0 * * *             | 1969-12-31T12:00:00Z     | 1970-01-01T00:00:00Z
        ? ? ? ? ?             | 2026-01-01T00:00:30Z     | 2026-01-01T00:01:00Z
        @every 90s            | 2026-01-01T00:00:00.500Z | 2026-01-01T00:01:30Z
        @every 1h30m          | 2026-01-01T00:00:00Z     | 2026-01-01T01:30:00Z
        @every 1.9s           | 2026-01-01T00:00:00Z     | 2026-01-01T00:00:01Z
        @every 100ms          | 2026-01-01T00:00:00Z     | 2026-01-01T00:00:01Z
        @every -5m            | 2026-01-01T00:00:00Z     | 2026-01-01T00:00:01Z
        0 0 30 2 *            | 2026-01-01T00:00:00Z     | none
        0 0 31 4,6,9,11 *     | 2026-01-01T00:00:00Z     | none
        0 0 29 2 *            | 2098-12-31T23:59:58.999Z | none
        0 0 29 2 *            | 2098-12-31T23:59:59Z     | 2104-02-29T00:00:00Z
        , * * * *             | 2026-01-01T00:00:00Z     | none";

    #[test]
    fn next_fire_times() {
        for row in FIRE_TIMES.lines().skip(1) {
            let [spec, after, want] = [0, 1, 2].map(|i| row.split('|').nth(i).unwrap().trim());
            let got = Schedule::parse(spec).unwrap().next_after(ms(after));
            assert_eq!(
                got.map_or("none".into(), rfc3339),
                want,
                "{spec} after {after}"
            );
        }
        let p = |s| Schedule::parse(s).unwrap();
        assert_eq!(p("@daily"), p("0 0 * * *"));
        assert_eq!(p("@weekly"), p("0 0 ? * SUN"));
        assert_eq!(p("@yearly"), p("0 0 1 1 *"));
        assert_eq!(p("0 0 * * FRİ"), p("0 0 * * 5"));
    }

    /// The schedule, a tab, the error.
    const INVALID: &str = "
\tempty spec string
* * * *\texpected exactly 5 fields, found 4: [* * * *]
0 0 0 * * *\texpected exactly 5 fields, found 6: [0 0 0 * * *]
 @daily\texpected exactly 5 fields, found 1: [@daily]
x * * * *\tfailed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax
-5 * * * *\tfailed to parse int from : strconv.Atoi: parsing \"\": invalid syntax
0 0 * FOO *\tfailed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax
\u{1} * * * *\tfailed to parse int from \u{1}: strconv.Atoi: parsing \"\\x01\": invalid syntax
1x0000000000000000000000 * * * *\tfailed to parse int from 1x0000000000000000000000: strconv.Atoi: parsing \"1x0000000000000000000000\": invalid syntax
99999999999999999999x * * * *\tfailed to parse int from 99999999999999999999x: strconv.Atoi: parsing \"99999999999999999999x\": value out of range
0-70 * * * *\tend of range (70) above maximum (59): 0-70
0 24 * * *\tend of range (24) above maximum (23): 24
0 0 * 13 *\tend of range (13) above maximum (12): 13
0 0 * * 7\tend of range (7) above maximum (6): 7
0 0 0 * *\tbeginning of range (0) below minimum (1): 0
5-3 * * * *\tbeginning of range (5) beyond end of range (3): 5-3
70/5 * * * *\tbeginning of range (70) beyond end of range (59): 70/5
0 0 * * MON-SUN\tbeginning of range (1) beyond end of range (0): MON-SUN
*/0 * * * *\tstep of range should be a positive number: */0
*/-1 * * * *\tnegative number (-1) not allowed: -1
*/-9223372036854775808 * * * *\tnegative number (-9223372036854775808) not allowed: -9223372036854775808
*/9223372036854775808 * * * *\tfailed to parse int from 9223372036854775808: strconv.Atoi: parsing \"9223372036854775808\": value out of range
1-2-3 * * * *\ttoo many hyphens: 1-2-3
1/2/3 * * * *\ttoo many slashes: 1/2/3
@foo\tunrecognized descriptor: @foo
@every\tunrecognized descriptor: @every
@every \tfailed to parse duration @every : time: invalid duration \"\"
@every 5\tfailed to parse duration @every 5: time: missing unit in duration \"5\"
@every 5x\tfailed to parse duration @every 5x: time: unknown unit \"x\" in duration \"5x\"
@every 1h 5m\tfailed to parse duration @every 1h 5m: time: unknown unit \"h \" in duration \"1h 5m\"
@every 5é\tfailed to parse duration @every 5é: time: unknown unit \"\\xc3\\xa9\" in duration \"5\\xc3\\xa9\"
@every 9999999h\tfailed to parse duration @every 9999999h: time: invalid duration \"9999999h\"
@every 99999999999999999999s\tfailed to parse duration @every 99999999999999999999s: time: invalid duration \"99999999999999999999s\"
TZ=UTC 0 0 * * *\tcannot use TZ or CRON_TZ in schedule, use timeZone field instead
CRON_TZ=Europe/Paris 0 0 * * *\tcannot use TZ or CRON_TZ in schedule, use timeZone field instead";

    #[test]
    fn invalid_schedules() {
        for row in INVALID.lines().skip(1) {
            let (spec, want) = row.split_once('\t').unwrap();
            assert_eq!(Schedule::parse(spec), Err(want.to_string()), "{spec:?}");
        }
    }

    #[test]
    fn next_after_is_the_first_match() {
        let specs = "*/5 * * * *; 0 * * * *; 30 2 * * 1-5; 0 0 1,15 * 5; */15 9-17 * * MON-FRI; \
            5/20 * * * *; 0 12 * JAN,JUL SUN; 7 */3 13 * *; 0 0 * * 0; 10-20/3 4,5 * 2-4 *; \
            0 0 29 2 *; @hourly; @daily; @weekly; @monthly; ? ? ? ? ?; 59 23 31 12 *; \
            */7 */5 1-7 * 1; 0 0 1 * 5/7; 1-59/61 0 * * *; @every 90s; @every 1h0.5s";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for spec in specs.split("; ") {
            let s = Schedule::parse(spec).unwrap();
            for _ in 0..20 {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                // 1935..2093, on and off minute boundaries.
                let after = (x >> 20) as i64 % 5_000_000_000_000 - 1_100_000_000_000;
                let after = if x & 1 == 0 {
                    after - after.rem_euclid(60_000)
                } else {
                    after
                };
                let (a, next) = (rfc3339(after), s.next_after(after));
                let next = next.unwrap_or_else(|| panic!("{spec} after {a}"));
                assert!(next > after, "{spec} after {a}");
                if let Some(delay) = s.every_ms {
                    assert_eq!(next, after.div_euclid(1000) * 1000 + delay, "{spec}");
                    continue;
                }
                assert!(matches(&s, next), "{spec} after {a} gave {}", rfc3339(next));
                let mut t = after.div_euclid(60_000) * 60_000 + 60_000;
                while t < next.min(after + 4 * 86_400_000) {
                    assert!(!matches(&s, t), "{spec} after {a}: {}", rfc3339(t));
                    t += 60_000;
                }
                // And at day granularity all the way (every spec here has an hour and a minute).
                for day in after.div_euclid(86_400_000) + 1..next.div_euclid(86_400_000) {
                    let (_, m, d) = civil_from_days(day);
                    let hit = has(s.month, m) && s.day_matches(d, (day + 4).rem_euclid(7));
                    assert!(!hit, "{spec} after {a}: day {day} matches first");
                }
            }
        }
    }

    #[test]
    fn never_panics() {
        let specs = "*/99999999999 * * * *; , , , , ,; * * * * *; 0 0 31 2 *; *-5 * * * *; \
            @every 2562047h47m16.854775807s; @every 0; @every .5s; @every 1.s; @every 5µs; \
            @every 1.00000000000000000000000001h";
        for spec in specs.split("; ") {
            let s = Schedule::parse(spec).unwrap();
            for t in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 60_000, i64::MAX] {
                let _ = s.next_after(t);
            }
        }
    }
}

/// A CronJob's `timeZone` as minutes east of UTC: `UTC`, `Etc/UTC`, `GMT`, `Etc/GMT`, and the
/// fixed `Etc/GMT+N` / `Etc/GMT-N` zones (POSIX signs: `Etc/GMT+5` is five hours *behind* UTC).
/// The playground carries no time-zone database, so other IANA names are refused
/// (docs/ENGINE.md).
pub fn utc_offset_minutes(zone: &str) -> Option<i32> {
    match zone {
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Etc/Universal" | "Etc/Zulu" | "Universal"
        | "Zulu" => Some(0),
        _ => {
            let rest = zone.strip_prefix("Etc/GMT")?;
            let (sign, hours) = match rest.as_bytes().first()? {
                b'+' => (-1, &rest[1..]),
                b'-' => (1, &rest[1..]),
                _ => return None,
            };
            let h: i32 = hours.parse().ok().filter(|_| hours.len() <= 2)?;
            let max = if sign < 0 { 12 } else { 14 };
            (h <= max).then_some(sign * h * 60)
        }
    }
}

#[cfg(test)]
mod zone_tests {
    #[test]
    fn fixed_zones_only() {
        for (zone, want) in [
            ("UTC", Some(0)),
            ("Etc/UTC", Some(0)),
            ("Etc/GMT+5", Some(-300)),
            ("Etc/GMT-14", Some(840)),
            ("Etc/GMT+13", None),
            ("Europe/Berlin", None),
            ("", None),
        ] {
            assert_eq!(super::utc_offset_minutes(zone), want, "{zone}");
        }
    }
}
