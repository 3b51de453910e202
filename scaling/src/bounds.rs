//! What is wrong with a number, said the same way by every front end (the
//! provider's validation and `smuppy-validate`): not a whole number, too
//! small, too large. HCL numbers are arbitrary precision (`1e400` and
//! `99999999999999999999` are valid HCL), so "too large" also covers numbers
//! beyond what the AWS API can carry, with the type's bound named.

/// Largest value of an AWS API `integer` shape (a signed 32-bit integer),
/// e.g. Lambda `ReservedConcurrentExecutions`, `MemorySize`, `Timeout`,
/// Application Auto Scaling `MinCapacity`/`MaxCapacity` and cooldowns.
pub const AWS_INTEGER_MAX: i64 = i32::MAX as i64;

/// Largest value of an AWS API `long` shape (a signed 64-bit integer), e.g.
/// DynamoDB `ReadCapacityUnits`, CloudFront `MinTTL`.
pub const AWS_LONG_MAX: i64 = i64::MAX;

/// What is wrong with a number given for an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A fraction where a whole number is needed.
    NotWhole,
    /// Below the smallest accepted value.
    TooSmall,
    /// Above the largest accepted value.
    TooLarge,
    /// Beyond what a double can hold (about 1.8e308), for attributes AWS
    /// takes as a double and the capacity and cost math compute with.
    BeyondDouble,
    /// Not a number at all (NaN).
    NotANumber,
}

/// The accepted range as words: "between 0 and 10", "at least 1".
pub fn range_words(min: &str, max: Option<&str>) -> String {
    match max {
        Some(m) => format!("between {min} and {m}"),
        None => format!("at least {min}"),
    }
}

/// One sentence: what is wrong, what is accepted, the value given. `what`
/// names the attribute (with its unit, if any), `got` is the value as
/// written.
pub fn message(what: &str, problem: Problem, min: &str, max: Option<&str>, got: &str) -> String {
    let range = range_words(min, max);
    match problem {
        Problem::NotWhole => format!("{what} must be a whole number, got {got}."),
        Problem::TooSmall => format!("{what} is too small: it must be {range}, got {got}."),
        Problem::TooLarge => format!("{what} is too large: it must be {range}, got {got}."),
        Problem::BeyondDouble => format!(
            "{what} is too large: {got} is beyond the largest number AWS and the capacity math can hold (about 1.8e308); it must be {range}."
        ),
        Problem::NotANumber => format!("{what} must be a number, got {got}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_is_wrong() {
        assert_eq!(
            message(
                "reserved_concurrency",
                Problem::TooLarge,
                "0",
                Some("2147483647"),
                "99999999999999999999"
            ),
            "reserved_concurrency is too large: it must be between 0 and 2147483647, got 99999999999999999999."
        );
        assert_eq!(
            message("rate_limit", Problem::TooSmall, "0", None, "-1"),
            "rate_limit is too small: it must be at least 0, got -1."
        );
        assert!(
            message("rate_limit", Problem::BeyondDouble, "0", None, "1e400")
                .starts_with("rate_limit is too large: 1e400 is beyond")
        );
        assert_eq!(
            message("timeout", Problem::NotWhole, "1", None, "1.5"),
            "timeout must be a whole number, got 1.5."
        );
    }
}
