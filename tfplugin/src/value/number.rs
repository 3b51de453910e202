//! Numbers without loss: integers beyond i64 and decimals are kept as their
//! exact decimal text.

use std::fmt;

/// A cty number. Holds the exact decimal representation.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    repr: String,
}

impl Number {
    /// Parses a decimal number ("12", "-1.5", "1e400"). None if not a number.
    pub fn parse(s: &str) -> Option<Number> {
        let t = s.trim();
        if t.is_empty() || t.parse::<f64>().is_err() {
            return None;
        }
        Some(Number {
            repr: t.to_string(),
        })
    }

    pub fn from_f64(f: f64) -> Number {
        Number {
            repr: format!("{f}"),
        }
    }

    /// The exact decimal text.
    pub fn as_str(&self) -> &str {
        &self.repr
    }

    /// The value as an i64, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.repr.parse().ok()
    }

    /// The nearest f64.
    pub fn as_f64(&self) -> f64 {
        self.repr.parse().unwrap_or(f64::NAN)
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        Number {
            repr: i.to_string(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr)
    }
}
