//! Kubernetes resource quantities (`500m`, `1Gi`, `1e3`): parsing, arithmetic and canonical printing.
//!
//! A small parser of our own rather than a crate: we need exact integer arithmetic in nano-units
//! (the scheduler's formulas are integer maths on milli-CPU and bytes) and upstream's canonical
//! formatting, with no floating point anywhere.

use std::fmt;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// How a quantity was written; its canonical form keeps the same family of suffixes, as upstream does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `Ki`, `Mi`, `Gi`...
    BinarySI,
    /// `m`, `k`, `M`, `G`... or no suffix.
    DecimalSI,
    /// `1e3`, `5E-3`.
    DecimalExponent,
}

/// A Kubernetes quantity, held exactly as a count of nano-units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

const NANO: i128 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)]
pub struct QuantityError;

impl Quantity {
    /// A quantity of `n` whole units, written without suffix.
    pub fn from_units(n: i64) -> Quantity {
        Quantity {
            nanos: n as i128 * NANO,
            format: Format::DecimalSI,
        }
    }
    /// A quantity of `m` thousandths (CPU millicores), written as `m` when fractional.
    pub fn from_milli(m: i64) -> Quantity {
        Quantity {
            nanos: m as i128 * 1_000_000,
            format: Format::DecimalSI,
        }
    }
    /// A byte count written with binary suffixes (`Ki`, `Mi`...).
    pub fn from_bytes_binary(b: i64) -> Quantity {
        Quantity {
            nanos: b as i128 * NANO,
            format: Format::BinarySI,
        }
    }
    pub fn zero() -> Quantity {
        Quantity::from_units(0)
    }
    pub fn format(&self) -> Format {
        self.format
    }
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }
    /// Thousandths, rounded up as upstream's `MilliValue` does.
    pub fn milli_value(&self) -> i64 {
        clamp_i64(div_ceil(self.nanos, 1_000_000))
    }
    /// Whole units, rounded up as upstream's `Value` does.
    pub fn value(&self) -> i64 {
        clamp_i64(div_ceil(self.nanos, NANO))
    }
    pub fn as_f64(&self) -> f64 {
        self.nanos as f64 / NANO as f64
    }
    pub fn add(&self, other: &Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_add(other.nanos),
            format: self.format,
        }
    }
    pub fn sub(&self, other: &Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_sub(other.nanos),
            format: self.format,
        }
    }
}

fn div_ceil(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && a > 0 {
        q + 1
    } else {
        q
    }
}

fn clamp_i64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.nanos.cmp(&other.nanos))
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Quantity, QuantityError> {
        let s = s.trim();
        if s.is_empty() || s.len() > 64 {
            return Err(QuantityError);
        }
        let (neg, rest) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, suffix) = rest.split_at(num_end);
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(QuantityError);
        }
        let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
        // The number as an integer mantissa and a power of ten.
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return Err(QuantityError);
        }
        let mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| QuantityError)?
        };
        let mut exp10: i32 = -(frac_part.len() as i32);
        let mut binary: u32 = 0;
        let format = match suffix {
            "" => Format::DecimalSI,
            "n" => {
                exp10 -= 9;
                Format::DecimalSI
            }
            "u" => {
                exp10 -= 6;
                Format::DecimalSI
            }
            "m" => {
                exp10 -= 3;
                Format::DecimalSI
            }
            "k" => {
                exp10 += 3;
                Format::DecimalSI
            }
            "M" => {
                exp10 += 6;
                Format::DecimalSI
            }
            "G" => {
                exp10 += 9;
                Format::DecimalSI
            }
            "T" => {
                exp10 += 12;
                Format::DecimalSI
            }
            "P" => {
                exp10 += 15;
                Format::DecimalSI
            }
            "E" => {
                exp10 += 18;
                Format::DecimalSI
            }
            "Ki" => {
                binary = 10;
                Format::BinarySI
            }
            "Mi" => {
                binary = 20;
                Format::BinarySI
            }
            "Gi" => {
                binary = 30;
                Format::BinarySI
            }
            "Ti" => {
                binary = 40;
                Format::BinarySI
            }
            "Pi" => {
                binary = 50;
                Format::BinarySI
            }
            "Ei" => {
                binary = 60;
                Format::BinarySI
            }
            _ if suffix.starts_with(['e', 'E']) => {
                let e: i32 = suffix[1..].parse().map_err(|_| QuantityError)?;
                if !(-30..=30).contains(&e) {
                    return Err(QuantityError);
                }
                exp10 += e;
                Format::DecimalExponent
            }
            _ => return Err(QuantityError),
        };
        // nanos = mantissa * 10^(exp10 + 9) * 2^binary, rounded up below one nano as upstream does.
        let mut nanos = mantissa.checked_mul(1i128 << binary).ok_or(QuantityError)?;
        let shift = exp10 + 9;
        if shift >= 0 {
            nanos = nanos
                .checked_mul(10i128.checked_pow(shift as u32).ok_or(QuantityError)?)
                .ok_or(QuantityError)?;
        } else {
            let div = 10i128.checked_pow((-shift) as u32).ok_or(QuantityError)?;
            nanos = div_ceil(nanos, div);
        }
        if nanos > 9_223_372_036_854_775_807i128 * NANO {
            return Err(QuantityError);
        }
        Ok(Quantity {
            nanos: if neg { -nanos } else { nanos },
            format,
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let n = self.nanos.abs();
        if n == 0 {
            return f.write_str("0");
        }
        if self.format == Format::BinarySI && n % NANO == 0 {
            let units = n / NANO;
            const SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
            let mut i = 0;
            let mut v = units;
            while i < 6 && v % 1024 == 0 && v >= 1024 {
                v /= 1024;
                i += 1;
            }
            return write!(f, "{sign}{v}{}", SUFFIXES[i]);
        }
        // Decimal: the largest power of 1000 that keeps the mantissa whole.
        const SI: [(&str, i32); 10] = [
            ("n", -9),
            ("u", -6),
            ("m", -3),
            ("", 0),
            ("k", 3),
            ("M", 6),
            ("G", 9),
            ("T", 12),
            ("P", 15),
            ("E", 18),
        ];
        let mut best = 0;
        for (i, (_, e)) in SI.iter().enumerate() {
            let div = 10i128.pow((e + 9) as u32);
            if n % div == 0 {
                best = i;
            }
        }
        let (suffix, e) = SI[best];
        let v = n / 10i128.pow((e + 9) as u32);
        if self.format == Format::DecimalExponent && e != 0 {
            write!(f, "{sign}{v}e{e}")
        } else if self.format == Format::BinarySI && e > 0 {
            // A binary quantity that is not whole bytes falls back to decimal, as upstream does.
            write!(f, "{sign}{}", n / NANO)
        } else {
            write!(f, "{sign}{v}{suffix}")
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quantity such as 500m or 1Gi")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Quantity, E> {
                s.parse().map_err(|e: QuantityError| E::custom(e))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::from_units(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::from_units(v.min(i64::MAX as u64) as i64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                format!("{v}")
                    .parse()
                    .map_err(|e: QuantityError| E::custom(e))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(input: &str, expect: Expect) {
        let got = match input.parse::<Quantity>() {
            Ok(q) => format!("{q} milli={} value={}", q.milli_value(), q.value()),
            Err(e) => format!("error: {e}"),
        };
        expect.assert_eq(&got);
    }

    #[test]
    fn parses_and_prints_canonically() {
        check("500m", expect!["500m milli=500 value=1"]);
        check("1", expect!["1 milli=1000 value=1"]);
        check("1000m", expect!["1 milli=1000 value=1"]);
        check("0.5", expect!["500m milli=500 value=1"]);
        check("1Gi", expect!["1Gi milli=1073741824000 value=1073741824"]);
        check(
            "1.5Gi",
            expect!["1536Mi milli=1610612736000 value=1610612736"],
        );
        check(
            "1024Mi",
            expect!["1Gi milli=1073741824000 value=1073741824"],
        );
        check("1e3", expect!["1e3 milli=1000000 value=1000"]);
        check(
            "128974848",
            expect!["128974848 milli=128974848000 value=128974848"],
        );
        check("129e6", expect!["129e6 milli=129000000000 value=129000000"]);
        check("129M", expect!["129M milli=129000000000 value=129000000"]);
        check("123Mi", expect!["123Mi milli=128974848000 value=128974848"]);
        check("0", expect!["0 milli=0 value=0"]);
        check("100n", expect!["100n milli=1 value=1"]);
        check("2k", expect!["2k milli=2000000 value=2000"]);
        check("abc", expect!["error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
        check("1Qi", expect!["error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
        check("", expect!["error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
        check("1e999", expect!["error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
    }
}
