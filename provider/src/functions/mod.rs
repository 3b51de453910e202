//! The provider's functions (`provider::smuppy::NAME(…)`, Terraform ≥ 1.8):
//! the `scaling` crate's arithmetic in any configuration, with or without a
//! `smuppy_scaling_profile`. Pure: no AWS call, and the provider need not be
//! configured (Terraform calls functions on an unconfigured provider).
//!
//! Argument checks are errors on the argument, with its index, so Terraform
//! points at it: a negative rate, a ratio outside 0 to 1, a number that is
//! not finite.
//!
//! The object arguments (`monthly_cost`, `max_sustainable_rps`, `check`)
//! are of type `dynamic`, not a fixed object type: a fixed type would make
//! every one of the resource's dozens of attributes mandatory in the
//! literal, and Terraform's conversion to it would report a mistyped name
//! without saying which attribute it expected. The provider checks the
//! shape itself ([`profile_arg`]) against the resource's own attributes, so
//! the object accepts exactly what `smuppy_scaling_profile` accepts, and
//! every error names the argument and the attribute path.

mod profile_arg;
mod profile_fns;
mod rates;

use std::collections::BTreeMap;
use std::sync::Arc;

use scaling::bounds::{self, Problem};
use tfplugin::{Function, FunctionError, Value};

pub use profile_arg::{profile_arg, ProfileArg};
pub use profile_fns::{finding_type, findings_value};

/// Every function by name.
pub fn all() -> BTreeMap<String, Arc<dyn Function>> {
    let list: [(&str, Arc<dyn Function>); 5] = [
        ("required_concurrency", Arc::new(rates::RequiredConcurrency)),
        ("origin_rps", Arc::new(rates::OriginRps)),
        ("monthly_cost", Arc::new(profile_fns::MonthlyCost)),
        (
            "max_sustainable_rps",
            Arc::new(profile_fns::MaxSustainableRps),
        ),
        ("check", Arc::new(profile_fns::Check)),
    ];
    list.into_iter()
        .map(|(name, f)| (name.to_string(), f))
        .collect()
}

/// `text` without its final period: Terraform shows a function error as
/// `Invalid value for "NAME" parameter: TEXT.`
pub(crate) fn sentence(text: &str) -> String {
    text.trim_end().trim_end_matches('.').to_string()
}

/// A number argument within `min`..=`max`, or an error on argument `index`
/// naming `name` with the range, worded as the resource's checks word it.
pub(crate) fn number_arg(
    args: &[Value],
    index: usize,
    name: &str,
    min: f64,
    max: Option<f64>,
) -> Result<f64, FunctionError> {
    let fmt = |f: f64| scaling::finding::num(f);
    let err = |problem: Problem, got: String| {
        let text = bounds::message(name, problem, &fmt(min), max.map(fmt).as_deref(), &got);
        FunctionError::argument(index, sentence(&text))
    };
    let v = match args.get(index) {
        Some(Value::Number(n)) => n,
        _ => {
            return Err(FunctionError::argument(
                index,
                format!("{name} must be a number"),
            ))
        }
    };
    let f = v.as_f64();
    if f.is_nan() {
        return Err(err(Problem::NotANumber, v.to_string()));
    }
    if f.is_infinite() {
        let problem = if f > 0.0 {
            Problem::BeyondDouble
        } else {
            Problem::TooSmall
        };
        return Err(err(problem, v.to_string()));
    }
    if f < min {
        return Err(err(Problem::TooSmall, v.to_string()));
    }
    if max.is_some_and(|m| f > m) {
        return Err(err(Problem::TooLarge, v.to_string()));
    }
    Ok(f)
}

#[cfg(test)]
mod tests;
