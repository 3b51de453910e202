//! Findings: what a rule reports, with the numbers behind it.

use serde::Serialize;

use crate::profile::Location;

/// How bad a finding is. Ordered worst first, so sorting puts errors on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The profile cannot work as written (AWS rejects it, or it cannot carry the target).
    Error,
    /// It works, but not the way the profile implies (a setting does nothing, a figure is fiction).
    Warning,
    /// Arithmetic and assumptions worth reading.
    Info,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One result of one rule on one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable id, e.g. `LIM005`; see [`crate::rules::RULES`].
    pub rule_id: &'static str,
    pub severity: Severity,
    /// One or two sentences with the figures that led to the finding.
    pub message: String,
    /// The attribute concerned, e.g. `lambda[0].timeout`.
    pub location: Location,
}

impl Finding {
    pub fn new(
        rule_id: &'static str,
        severity: Severity,
        location: Location,
        message: String,
    ) -> Self {
        Finding {
            rule_id,
            severity,
            message,
            location,
        }
    }
}

/// From here on [`num`] writes scientific notation.
const BIG: f64 = 1e18;

/// Formats a number for messages: thousands separators, at most two
/// decimals, trailing zeros dropped (`27535` → `27,535`, `0.055` → `0.06`
/// is avoided by callers choosing the unit).
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "n/a".into()
        } else {
            "∞".into()
        };
    }
    if v.abs() >= BIG {
        // Digits past the 17th are noise of the double; from 1e18 on a
        // grouped integer would mislead (and beyond u128 would saturate),
        // so scientific notation: `1e300`, `-3.403e38`.
        let s = format!("{:.3e}", v);
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exp}");
    }
    let neg = v < 0.0;
    let rounded = (v.abs() * 100.0).round() / 100.0;
    let int = rounded.trunc() as u128;
    let frac = ((rounded - rounded.trunc()) * 100.0).round() as u32;
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if frac > 0 {
        let f = format!("{frac:02}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    if neg && (int > 0 || frac > 0) {
        out.insert(0, '-');
    }
    out
}

/// Dollars, rounded to cents: `$10,800.09`, `$3.00`.
pub fn usd(v: f64) -> String {
    let cents = (v * 100.0).round() / 100.0;
    let whole = num(cents.trunc());
    let frac = ((cents.abs() - cents.abs().trunc()) * 100.0).round() as u32;
    format!("${whole}.{frac:02}")
}

/// A unit price, with as many decimals as it has (up to 10): `$0.125`, `$0.0000166667`.
pub fn unit_price(v: f64) -> String {
    let t = format!("{v:.10}");
    let t = t.trim_end_matches('0');
    let t = t.strip_suffix('.').unwrap_or(t);
    format!("${t}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_trimmed() {
        assert_eq!(num(27535.0), "27,535");
        assert_eq!(num(1100.0), "1,100");
        assert_eq!(num(259_200_000_000.0), "259,200,000,000");
        assert_eq!(num(0.8), "0.8");
        assert_eq!(num(18181.818), "18,181.82");
        assert_eq!(num(-5.5), "-5.5");
        assert_eq!(num(0.0), "0");
        assert_eq!(usd(10800.0864), "$10,800.09");
        assert_eq!(usd(3.0), "$3.00");
        assert_eq!(usd(14_034.9), "$14,034.90");
        assert_eq!(unit_price(0.125), "$0.125");
        assert_eq!(unit_price(0.0000166667), "$0.0000166667");
        assert_eq!(unit_price(3.5), "$3.5");
    }

    #[test]
    fn huge_numbers_are_written_as_they_are_not_saturated() {
        assert_eq!(num(1e300), "1e300");
        assert_eq!(num(-3.40282e38), "-3.403e38");
        assert_eq!(num(2e18), "2e18");
    }

    #[test]
    fn errors_sort_before_warnings_before_info() {
        let mut v = vec![Severity::Info, Severity::Error, Severity::Warning];
        v.sort();
        assert_eq!(v, vec![Severity::Error, Severity::Warning, Severity::Info]);
    }
}
