//! Object metadata, timestamps, owner references and label selectors (apimachinery's `meta/v1`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Extra fields the playground does not model, kept so that a manifest round-trips verbatim.
pub type Extra = BTreeMap<String, Value>;

/// A point of simulated time: milliseconds since the Unix epoch. Printed as RFC 3339 seconds, as
/// `metav1.Time` is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

impl Time {
    pub fn millis(self) -> i64 {
        self.0
    }
    pub fn seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }
    pub fn plus_millis(self, ms: i64) -> Time {
        Time(self.0.saturating_add(ms))
    }
    /// RFC 3339 with seconds precision and `Z`, e.g. `2026-01-01T00:00:00Z`.
    pub fn rfc3339(self) -> String {
        let secs = self.seconds();
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
    /// The UTC calendar fields: year, month (1–12), day, hour, minute, second, and the day of
    /// the week (0 = Sunday).
    pub fn civil(self) -> [i64; 7] {
        let secs = self.seconds();
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // 1970-01-01 was a Thursday.
        let weekday = (days + 4).rem_euclid(7);
        [y, m, d, rem / 3600, rem % 3600 / 60, rem % 60, weekday]
    }
    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
        let (y, mo, d, h, mi, se) = (
            num(0..4)?,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        );
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let mut rest = &s[19..];
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(frac.len());
            let digits = &frac[..n];
            let padded: String = digits.chars().chain("000".chars()).take(3).collect();
            millis = padded.parse().ok()?;
            rest = &frac[n..];
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 => {
                let sign = match &rest[..1] {
                    "+" => 1,
                    "-" => -1,
                    _ => return None,
                };
                sign * (rest.get(1..3)?.parse::<i64>().ok()? * 3600
                    + rest.get(4..6)?.parse::<i64>().ok()? * 60)
            }
            _ => return None,
        };
        let days = days_from_civil(y, mo, d);
        Some(Time(
            ((days * 86_400 + h * 3600 + mi * 60 + se) - offset) * 1000 + millis,
        ))
    }
}

// Howard Hinnant's civil calendar algorithms (public domain), for printing dates with no clock.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse_rfc3339(&s)
            .ok_or_else(|| de::Error::custom(format!("parsing time {s:?}: not RFC 3339")))
    }
}

/// `metav1.ObjectMeta`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub generate_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub generation: i64,
    /// Omitted when unset, as kubectl 1.37 prints it (no `creationTimestamp: null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

pub(crate) fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

impl ObjectMeta {
    pub fn named(namespace: &str, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.to_string(),
            namespace: namespace.to_string(),
            ..Default::default()
        }
    }
    /// The owner reference with `controller: true`, if any.
    pub fn controller(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }
}

/// `metav1.OwnerReference`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `metav1.LabelSelector`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry; also used for node selector terms (`In`, `NotIn`, `Exists`,
/// `DoesNotExist`, `Gt`, `Lt`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl LabelSelectorRequirement {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let v = labels.get(&self.key);
        match self.operator.as_str() {
            "In" => v.is_some_and(|v| self.values.contains(v)),
            "NotIn" => v.is_none_or(|v| !self.values.contains(v)),
            "Exists" => v.is_some(),
            "DoesNotExist" => v.is_none(),
            "Gt" | "Lt" => {
                let (Some(v), Some(bound)) = (v, self.values.first()) else {
                    return false;
                };
                let (Ok(v), Ok(bound)) = (v.parse::<i64>(), bound.parse::<i64>()) else {
                    return false;
                };
                if self.operator == "Gt" {
                    v > bound
                } else {
                    v < bound
                }
            }
            _ => false,
        }
    }
}

impl LabelSelector {
    /// An empty selector matches everything, as upstream's `LabelSelectorAsSelector` does.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
    /// The selector as kubectl prints it: `app=nginx,tier in (a,b)`.
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, r.values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                op => format!("{} {op} {}", r.key, r.values.join(",")),
            });
        }
        parts.join(",")
    }
    /// Parses a selector as `kubectl -l` takes it: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
    /// `a notin (x)`, `a`, `!a`, joined by commas.
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let mut sel = LabelSelector::default();
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let req = |key: &str,
                       op: &str,
                       values: Vec<String>|
             -> Result<LabelSelectorRequirement, String> {
                let key = key.trim();
                if key.is_empty()
                    || !key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
                {
                    return Err(format!(
                        "unable to parse requirement: found '{key}', expected: identifier"
                    ));
                }
                Ok(LabelSelectorRequirement {
                    key: key.to_string(),
                    operator: op.to_string(),
                    values,
                })
            };
            if let Some(k) = part.strip_prefix('!') {
                sel.match_expressions.push(req(k, "DoesNotExist", vec![])?);
            } else if let Some((k, v)) = part.split_once("!=") {
                sel.match_expressions
                    .push(req(k, "NotIn", vec![v.trim().to_string()])?);
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                let r = req(k, "In", vec![])?;
                sel.match_labels.insert(r.key, v.trim().to_string());
            } else if let Some((k, rest)) = split_set_op(part, " notin ") {
                sel.match_expressions
                    .push(req(k, "NotIn", parse_set(rest)?)?);
            } else if let Some((k, rest)) = split_set_op(part, " in ") {
                sel.match_expressions.push(req(k, "In", parse_set(rest)?)?);
            } else {
                sel.match_expressions.push(req(part, "Exists", vec![])?);
            }
        }
        Ok(sel)
    }
}

fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `KEY in (...)` / `KEY notin (...)`, with or without a space before the `(` (the selector
/// lexer reads `in` and `(` as separate tokens): the key and the set.
fn split_set_op<'a>(part: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let part = part.trim();
    let (key, rest) = part.split_once(char::is_whitespace)?;
    let set = rest.trim_start().strip_prefix(op.trim())?;
    set.trim_start().starts_with('(').then_some((key, set))
}

fn parse_set(s: &str) -> Result<Vec<String>, String> {
    let s = s.trim();
    let inner = s
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("unable to parse requirement: found '{s}', expected: '('"))?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

/// A `metav1.Condition`-shaped status condition, shared by the kinds that use this shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_probe_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// An integer or a string such as `25%` (`intstr.IntOrString`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i64),
    String(String),
}

impl IntOrString {
    /// Upstream's `GetScaledValueFromIntOrPercent`: a percentage of `total`, rounded up or down.
    pub fn scaled_value(&self, total: i64, round_up: bool) -> Result<i64, String> {
        match self {
            IntOrString::Int(i) => Ok(*i),
            IntOrString::String(s) => {
                let pct = s
                    .strip_suffix('%')
                    .and_then(|p| p.parse::<i64>().ok())
                    .ok_or_else(|| {
                        "invalid value for IntOrString: invalid type: string is not a percentage"
                            .to_string()
                    })?;
                // Saturating: a percentage like "99999999999999999%" must not overflow.
                let v = pct.saturating_mul(total);
                Ok(if round_up {
                    v.saturating_add(99).div_euclid(100)
                } else {
                    v.div_euclid(100)
                })
            }
        }
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_round_trips() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2026-11-25T16:40:01Z",
            "2000-02-29T23:59:59Z",
        ] {
            let t = Time::parse_rfc3339(s).unwrap();
            assert_eq!(t.rfc3339(), s);
        }
        assert_eq!(
            Time::parse_rfc3339("2026-01-01T01:00:00+01:00")
                .unwrap()
                .rfc3339(),
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(Time::parse_rfc3339("garbage"), None);
    }

    #[test]
    fn selectors_parse_and_match() {
        let labels: BTreeMap<String, String> = [("app", "nginx"), ("tier", "web")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let cases = [
            ("app=nginx", true),
            ("app==nginx", true),
            ("app!=nginx", false),
            ("app=nginx,tier=db", false),
            ("tier in (web,db)", true),
            ("tier notin (web)", false),
            ("tier in(web,db)", true),
            ("tier notin(db)", true),
            ("tier  in  ( web , db )", true),
            ("app", true),
            ("!app", false),
            ("!missing", true),
            ("", true),
        ];
        for (s, want) in cases {
            assert_eq!(
                LabelSelector::parse(s).unwrap().matches(&labels),
                want,
                "{s}"
            );
        }
        assert!(LabelSelector::parse("a in x").is_err());
    }

    #[test]
    fn percentages_scale() {
        let p = IntOrString::String("25%".into());
        assert_eq!(p.scaled_value(10, true), Ok(3));
        assert_eq!(p.scaled_value(10, false), Ok(2));
        assert!(IntOrString::String("oops".into())
            .scaled_value(10, true)
            .is_err());
    }
}
