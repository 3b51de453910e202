//! Numbers without loss: integers beyond i64 and decimals are kept as their
//! exact decimal value.
//!
//! A [`Number`] is stored normalised as sign, significant digits (no leading
//! or trailing zeros) and a power-of-ten exponent, so that equal numbers
//! compare equal however they were written ("1.0" == "1" == "10e-1").

use std::cmp::Ordering;
use std::fmt;

/// Exponents beyond this magnitude are refused by [`Number::parse`]; no
/// Terraform number comes near it and it keeps the text forms bounded.
const MAX_EXPONENT: i64 = 1_000_000_000;

/// Up to this many zeros of padding, [`Number::as_str`] writes plain
/// decimal text; beyond it, scientific notation (`1e-300`).
const PLAIN_PADDING: i64 = 64;

/// The longest exact decimal expansion of a finite f64 has 767 significant
/// digits; a number with more digits is never exactly an f64.
const MAX_F64_DIGITS: usize = 800;

#[derive(Clone)]
enum Kind {
    /// value = (-1)^neg × digits × 10^exp; `digits` is empty for zero
    /// (and then `neg` is false and `exp` is 0).
    Finite {
        neg: bool,
        digits: String,
        exp: i64,
    },
    Infinite {
        neg: bool,
    },
    NaN,
}

/// A cty number. Holds the exact decimal value, normalised.
#[derive(Clone)]
pub struct Number {
    kind: Kind,
    repr: String,
}

impl Number {
    /// Parses a decimal number ("12", "-1.5", "1e400", "+Inf"). Leading and
    /// trailing whitespace is ignored. None if not a number.
    pub fn parse(s: &str) -> Option<Number> {
        let t = s.trim();
        let (neg, rest) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
            return Some(Number::infinite(neg));
        }
        let b = rest.as_bytes();
        let mut i = 0;
        let int_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let int_part = &rest[int_start..i];
        let mut frac_part = "";
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let s0 = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            frac_part = &rest[s0..i];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let mut exp: i64 = 0;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let mut eneg = false;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                eneg = b[i] == b'-';
                i += 1;
            }
            let s0 = i;
            while i < b.len() && b[i].is_ascii_digit() {
                // Saturate: anything this large is refused below.
                exp = exp
                    .saturating_mul(10)
                    .saturating_add(i64::from(b[i] - b'0'))
                    .min(i64::MAX / 4);
                i += 1;
            }
            if i == s0 {
                return None;
            }
            if eneg {
                exp = -exp;
            }
        }
        if i != b.len() {
            return None;
        }
        let frac_len = i64::try_from(frac_part.len()).ok()?;
        let mut digits = String::with_capacity(int_part.len() + frac_part.len());
        digits.push_str(int_part);
        digits.push_str(frac_part);
        Number::finite(neg, digits, exp.checked_sub(frac_len)?)
    }

    /// The number an f64 denotes, written as the shortest decimal that reads
    /// back as the same f64 (`0.1` gives "0.1"). Infinities are kept; NaN
    /// is kept too but cannot be encoded (cty has no NaN).
    pub fn from_f64(f: f64) -> Number {
        if f.is_nan() {
            return Number::nan();
        }
        if f.is_infinite() {
            return Number::infinite(f < 0.0);
        }
        // `{:e}` writes the shortest round-tripping digits.
        Number::parse(&format!("{f:e}")).unwrap_or_else(|| Number::from_f64_exact(f))
    }

    /// The exact value of an f64 (`0.1` gives
    /// "0.1000000000000000055511151231257827021181583404541015625"). This is
    /// how numbers Terraform sends as float64 are read: it sends float64 only
    /// for values that are exactly a float64.
    pub fn from_f64_exact(f: f64) -> Number {
        if f.is_nan() {
            return Number::nan();
        }
        if f.is_infinite() {
            return Number::infinite(f < 0.0);
        }
        let bits = f.to_bits();
        let neg = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mut m, mut k) = if exp_bits == 0 {
            (frac, -1074i64)
        } else {
            (frac | (1u64 << 52), exp_bits - 1075)
        };
        if m == 0 {
            return Number::zero();
        }
        while m & 1 == 0 {
            m >>= 1;
            k += 1;
        }
        let mut big = BigDec::from_u64(m);
        let exp = if k >= 0 {
            big.mul_pow(2, k as u32);
            0
        } else {
            // m × 2^k = m × 5^-k × 10^k
            big.mul_pow(5, (-k) as u32);
            k
        };
        Number::finite(neg, big.to_digits(), exp).unwrap_or_else(Number::zero)
    }

    /// The exact decimal text: plain ("123", "-1.5", "0.001") unless that
    /// would need more than 64 zeros of padding, then scientific ("1e-300",
    /// "1.5e+400" is written "1.5e400"). Infinities are "+Inf" / "-Inf",
    /// NaN is "NaN".
    pub fn as_str(&self) -> &str {
        &self.repr
    }

    /// The value as an i64, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        let (neg, mag) = self.integer_magnitude()?;
        if neg {
            if mag <= (i64::MAX as u128) + 1 {
                Some((mag as i128).wrapping_neg() as i64)
            } else {
                None
            }
        } else {
            i64::try_from(mag).ok()
        }
    }

    /// The value as a u64, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        match self.integer_magnitude()? {
            (false, mag) => u64::try_from(mag).ok(),
            (true, _) => None,
        }
    }

    /// The nearest f64 (correctly rounded; ±infinity beyond range).
    pub fn as_f64(&self) -> f64 {
        match &self.kind {
            Kind::NaN => f64::NAN,
            Kind::Infinite { neg: true } => f64::NEG_INFINITY,
            Kind::Infinite { neg: false } => f64::INFINITY,
            Kind::Finite { digits, .. } if digits.is_empty() => 0.0,
            Kind::Finite { neg, digits, exp } => {
                let sign = if *neg { "-" } else { "" };
                format!("{sign}{digits}e{exp}").parse().unwrap_or(f64::NAN)
            }
        }
    }

    /// The f64 whose exact value is this number, if there is one. Numbers
    /// like 0.5 or 2^70 are exactly an f64; 0.1 is not.
    pub fn as_exact_f64(&self) -> Option<f64> {
        match &self.kind {
            Kind::Infinite { neg } => Some(if *neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }),
            Kind::NaN => None,
            Kind::Finite { digits, .. } => {
                if digits.len() > MAX_F64_DIGITS {
                    return None;
                }
                let f = self.as_f64();
                if f.is_finite() && Number::from_f64_exact(f) == *self {
                    Some(f)
                } else {
                    None
                }
            }
        }
    }

    pub fn is_integer(&self) -> bool {
        matches!(&self.kind, Kind::Finite { exp, .. } if *exp >= 0)
    }

    pub fn is_infinite(&self) -> bool {
        matches!(self.kind, Kind::Infinite { .. })
    }

    pub fn is_nan(&self) -> bool {
        matches!(self.kind, Kind::NaN)
    }

    pub fn is_negative(&self) -> bool {
        matches!(
            self.kind,
            Kind::Finite { neg: true, .. } | Kind::Infinite { neg: true }
        )
    }

    fn zero() -> Number {
        Number {
            kind: Kind::Finite {
                neg: false,
                digits: String::new(),
                exp: 0,
            },
            repr: "0".to_string(),
        }
    }

    fn nan() -> Number {
        Number {
            kind: Kind::NaN,
            repr: "NaN".to_string(),
        }
    }

    fn infinite(neg: bool) -> Number {
        Number {
            kind: Kind::Infinite { neg },
            repr: if neg { "-Inf" } else { "+Inf" }.to_string(),
        }
    }

    /// Normalises `digits` (ASCII digits only) × 10^exp. None if the
    /// exponent is out of the supported range.
    fn finite(neg: bool, digits: String, exp: i64) -> Option<Number> {
        let trimmed = digits.trim_start_matches('0');
        let significant = trimmed.trim_end_matches('0');
        if significant.is_empty() {
            return Some(Number::zero());
        }
        let trailing = i64::try_from(trimmed.len() - significant.len()).ok()?;
        let exp = exp.checked_add(trailing)?;
        let n = i64::try_from(significant.len()).ok()?;
        // The exponent of the leading digit must stay in range.
        let lead = exp.checked_add(n - 1)?;
        if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&lead)
            || !(-MAX_EXPONENT * 2..=MAX_EXPONENT).contains(&exp)
        {
            return None;
        }
        let digits = significant.to_string();
        let repr = render(neg, &digits, exp);
        Some(Number {
            kind: Kind::Finite { neg, digits, exp },
            repr,
        })
    }

    /// Sign and magnitude, if this is an integer of at most 38 digits.
    fn integer_magnitude(&self) -> Option<(bool, u128)> {
        match &self.kind {
            Kind::Finite { digits, .. } if digits.is_empty() => Some((false, 0)),
            Kind::Finite { neg, digits, exp } => {
                if *exp < 0 || digits.len() as i64 + *exp > 38 {
                    return None;
                }
                let mut mag: u128 = 0;
                for d in digits.bytes() {
                    mag = mag.checked_mul(10)?.checked_add(u128::from(d - b'0'))?;
                }
                for _ in 0..*exp {
                    mag = mag.checked_mul(10)?;
                }
                Some((*neg, mag))
            }
            _ => None,
        }
    }
}

/// The canonical text of a normalised finite number.
fn render(neg: bool, digits: &str, exp: i64) -> String {
    let mut s = String::with_capacity(digits.len() + 8);
    if neg {
        s.push('-');
    }
    let n = digits.len() as i64;
    let point = n + exp; // digits before the decimal point
    if (0..=PLAIN_PADDING).contains(&exp) {
        s.push_str(digits);
        s.extend(std::iter::repeat_n('0', exp as usize));
    } else if exp < 0 && point > 0 {
        s.push_str(&digits[..point as usize]);
        s.push('.');
        s.push_str(&digits[point as usize..]);
    } else if exp < 0 && -point <= PLAIN_PADDING {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-point) as usize));
        s.push_str(digits);
    } else {
        s.push_str(&digits[..1]);
        if n > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push_str(&(point - 1).to_string());
    }
    s
}

/// A small unsigned big integer in base 10^9, enough to expand an f64
/// exactly.
struct BigDec {
    limbs: Vec<u32>, // little-endian, each < 10^9
}

impl BigDec {
    const BASE: u64 = 1_000_000_000;

    fn from_u64(mut v: u64) -> BigDec {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push((v % Self::BASE) as u32);
            v /= Self::BASE;
        }
        BigDec { limbs }
    }

    fn mul_small(&mut self, m: u64) {
        let mut carry: u64 = 0;
        for l in &mut self.limbs {
            let x = u64::from(*l) * m + carry;
            *l = (x % Self::BASE) as u32;
            carry = x / Self::BASE;
        }
        while carry > 0 {
            self.limbs.push((carry % Self::BASE) as u32);
            carry /= Self::BASE;
        }
    }

    /// self ×= base^e, for base 2 or 5.
    fn mul_pow(&mut self, base: u64, mut e: u32) {
        // Largest chunk whose product with a limb stays within u64.
        let (chunk, chunk_e) = if base == 2 {
            (1u64 << 30, 30)
        } else {
            (5u64.pow(13), 13)
        };
        while e >= chunk_e {
            self.mul_small(chunk);
            e -= chunk_e;
        }
        if e > 0 {
            self.mul_small(base.pow(e));
        }
    }

    fn to_digits(&self) -> String {
        let mut s = String::new();
        for (i, l) in self.limbs.iter().rev().enumerate() {
            if i == 0 {
                s.push_str(&l.to_string());
            } else {
                s.push_str(&format!("{l:09}"));
            }
        }
        s
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        Number::parse(&i.to_string()).unwrap_or_else(Number::zero)
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Self {
        Number::parse(&u.to_string()).unwrap_or_else(Number::zero)
    }
}

impl From<i32> for Number {
    fn from(i: i32) -> Self {
        Number::from(i64::from(i))
    }
}

impl From<u32> for Number {
    fn from(u: u32) -> Self {
        Number::from(i64::from(u))
    }
}

impl PartialEq for Number {
    /// Numeric equality; NaN equals nothing.
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Number {
    /// Numeric order; NaN is unordered.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let rank = |k: &Kind| match k {
            Kind::Infinite { neg: true } => 0,
            Kind::Finite { .. } => 1,
            Kind::Infinite { neg: false } => 2,
            Kind::NaN => 3,
        };
        match (&self.kind, &other.kind) {
            (Kind::NaN, _) | (_, Kind::NaN) => None,
            (
                Kind::Finite {
                    neg: an,
                    digits: ad,
                    exp: ae,
                },
                Kind::Finite {
                    neg: bn,
                    digits: bd,
                    exp: be,
                },
            ) => {
                let sign = |neg: bool, d: &str| {
                    if d.is_empty() {
                        0
                    } else if neg {
                        -1
                    } else {
                        1
                    }
                };
                let (sa, sb) = (sign(*an, ad), sign(*bn, bd));
                if sa != sb || sa == 0 {
                    return Some(sa.cmp(&sb));
                }
                // Same sign, both non-zero: compare magnitudes.
                let lead_a = ad.len() as i64 + ae;
                let lead_b = bd.len() as i64 + be;
                let mag = lead_a
                    .cmp(&lead_b)
                    .then_with(|| ad.as_str().cmp(bd.as_str()));
                Some(if sa < 0 { mag.reverse() } else { mag })
            }
            (a, b) => Some(rank(a).cmp(&rank(b))),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.repr)
    }
}

impl std::str::FromStr for Number {
    type Err = InvalidNumber;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Number::parse(s).ok_or(InvalidNumber)
    }
}

/// Text that is not a decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidNumber;

impl fmt::Display for InvalidNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a decimal number")
    }
}

impl std::error::Error for InvalidNumber {}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parse_normalises() {
        assert_eq!(n("1.0").as_str(), "1");
        assert_eq!(n("1.0"), n("1"));
        assert_eq!(n("10e-1"), n("1"));
        assert_eq!(n("-0").as_str(), "0");
        assert_eq!(n("-0.0"), n("0"));
        assert_eq!(n("0012.3400").as_str(), "12.34");
        assert_eq!(n("+5").as_str(), "5");
        assert_eq!(n(".5").as_str(), "0.5");
        assert_eq!(n("5.").as_str(), "5");
        assert_eq!(n("1e3").as_str(), "1000");
        assert_eq!(n("1E-3").as_str(), "0.001");
        assert_eq!(n("1e-300").as_str(), "1e-300");
        assert_eq!(n("1.5e400").as_str(), "1.5e400");
        assert_eq!(n("-2.5e-100").as_str(), "-2.5e-100");
        assert_eq!(
            n("123456789012345678901234567890.5").as_str(),
            "123456789012345678901234567890.5"
        );
        assert_eq!(n(" 42 ").as_str(), "42");
        assert_eq!(n("-Inf").as_str(), "-Inf");
        assert_eq!(n("infinity").as_str(), "+Inf");
    }

    #[test]
    fn parse_rejects() {
        for s in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "1.2.3",
            "0x10",
            "nan",
            "1 2",
            "--1",
            "1e5x",
            "١",
            "1e99999999999999999999",
        ] {
            assert!(Number::parse(s).is_none(), "{s:?} should not parse");
        }
    }

    #[test]
    fn integers() {
        assert_eq!(Number::from(i64::MIN).as_i64(), Some(i64::MIN));
        assert_eq!(Number::from(i64::MAX).as_i64(), Some(i64::MAX));
        assert_eq!(Number::from(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(Number::from(u64::MAX).as_i64(), None);
        assert_eq!(n("9223372036854775808").as_i64(), None);
        assert_eq!(n("-9223372036854775809").as_i64(), None);
        assert_eq!(n("1.5").as_i64(), None);
        assert_eq!(n("1e2").as_i64(), Some(100));
        assert_eq!(n("-1").as_u64(), None);
        assert!(n("1e20").is_integer());
        assert!(!n("1.5").is_integer());
    }

    #[test]
    fn floats() {
        assert_eq!(Number::from_f64(0.1).as_str(), "0.1");
        assert_eq!(Number::from_f64(-1.5).as_str(), "-1.5");
        assert_eq!(Number::from_f64(1e-300).as_str(), "1e-300");
        assert_eq!(Number::from_f64(f64::INFINITY).as_str(), "+Inf");
        assert_eq!(
            Number::from_f64_exact(0.1).as_str(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_eq!(Number::from_f64_exact(0.5).as_str(), "0.5");
        let two70 = 2f64.powi(70);
        assert_eq!(
            Number::from_f64_exact(two70).as_str(),
            "1180591620717411303424"
        );
        assert_eq!(n("0.1").as_f64(), 0.1);
        assert_eq!(n("1e-300").as_f64(), 1e-300);
        assert_eq!(n("1e400").as_f64(), f64::INFINITY);
        assert_eq!(n("1e-400").as_f64(), 0.0);
        assert!(Number::from_f64(f64::NAN).is_nan());
        assert_ne!(Number::from_f64(f64::NAN), Number::from_f64(f64::NAN));
        // Exact expansion of the smallest subnormal and of f64::MAX.
        let tiny = Number::from_f64_exact(f64::from_bits(1));
        assert_eq!(tiny.as_f64(), f64::from_bits(1));
        assert_eq!(Number::from_f64_exact(f64::MAX).as_f64(), f64::MAX);
    }

    #[test]
    fn exact_f64() {
        assert_eq!(n("0.5").as_exact_f64(), Some(0.5));
        assert_eq!(n("0.1").as_exact_f64(), None);
        assert_eq!(
            n("1180591620717411303424").as_exact_f64(),
            Some(2f64.powi(70))
        );
        assert_eq!(n("1180591620717411303425").as_exact_f64(), None);
        assert_eq!(n("1e-300").as_exact_f64(), None);
        let exact = Number::from_f64_exact(1e-300);
        assert_eq!(exact.as_exact_f64(), Some(1e-300));
        assert_eq!(Number::from(u64::MAX).as_exact_f64(), None);
    }

    #[test]
    fn ordering() {
        assert!(n("1") < n("2"));
        assert!(n("-2") < n("-1"));
        assert!(n("0.15") < n("0.2"));
        assert!(n("15") > n("2"));
        assert!(n("-0.001") < n("0"));
        assert!(n("-Inf") < n("-1e400"));
        assert!(n("+Inf") > n("1e400"));
        assert!(n("1e-300") > n("0"));
        assert_eq!(n("100").partial_cmp(&n("1e2")), Some(Ordering::Equal));
    }
}
