//! Reading typed fields out of a resource `Value`, with the attribute path of
//! each, so every problem is reported on the attribute it concerns.

use scaling::bounds::{self, Problem};
use tfplugin::{AttributePath, Diagnostics, Number, Value};

/// A view of one object (the resource, or one nested block element) and
/// where it sits.
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    pub value: &'a Value,
    pub path: &'a AttributePath,
}

/// What a field holds: unset, not known until apply, or a value.
pub enum Field<'a> {
    Null,
    Unknown,
    Known(&'a Value),
}

impl<'a> Obj<'a> {
    pub fn new(value: &'a Value, path: &'a AttributePath) -> Self {
        Obj { value, path }
    }

    pub fn field(&self, name: &str) -> Field<'a> {
        match self.value.get(name) {
            None | Some(Value::Null) => Field::Null,
            Some(Value::Unknown(_)) => Field::Unknown,
            Some(v) => Field::Known(v),
        }
    }

    pub fn path_of(&self, name: &str) -> AttributePath {
        self.path.clone().then_attr(name)
    }

    /// The string value, if known and set.
    pub fn str(&self, name: &str) -> Option<&'a str> {
        match self.field(name) {
            Field::Known(v) => v.as_str(),
            _ => None,
        }
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.field(name) {
            Field::Known(v) => v.as_bool(),
            _ => None,
        }
    }

    pub fn number(&self, name: &str) -> Option<&'a Number> {
        match self.field(name) {
            Field::Known(v) => v.as_number(),
            _ => None,
        }
    }

    pub fn f64(&self, name: &str) -> Option<f64> {
        self.number(name).map(Number::as_f64)
    }

    /// An integer value; a non-integer gives None (validation reports it).
    pub fn i64(&self, name: &str) -> Option<i64> {
        self.number(name).and_then(Number::as_i64)
    }

    pub fn is_unknown(&self, name: &str) -> bool {
        matches!(self.field(name), Field::Unknown)
    }

    /// Known string elements of a list attribute (unknown elements skipped).
    pub fn strings(&self, name: &str) -> Vec<String> {
        match self.field(name) {
            Field::Known(v) => v
                .as_elements()
                .unwrap_or(&[])
                .iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn numbers(&self, name: &str) -> Vec<f64> {
        match self.field(name) {
            Field::Known(v) => v
                .as_elements()
                .unwrap_or(&[])
                .iter()
                .filter_map(|e| e.as_number().map(Number::as_f64))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Known number elements of a list attribute, exact.
    pub fn number_elements(&self, name: &str) -> Vec<&'a Number> {
        match self.field(name) {
            Field::Known(v) => v
                .as_elements()
                .unwrap_or(&[])
                .iter()
                .filter_map(Value::as_number)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The elements of a nested block list, each with its path.
    pub fn blocks(&self, name: &str) -> Vec<(AttributePath, &'a Value)> {
        match self.value.get(name) {
            Some(v) => v
                .as_elements()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(i, e)| (self.path_of(name).then_index(i as i64), e))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The one element of a `max_items = 1` block list, if present.
    pub fn single(&self, name: &str) -> Option<(AttributePath, &'a Value)> {
        self.blocks(name).into_iter().next()
    }
}

/// Checks a number field: a whole number within `[min, max]`; `max` None
/// means the largest AWS `long` (64-bit). Unknown and null pass. Reports on
/// the attribute what is wrong: not a whole number, too small, too large
/// (numbers beyond any AWS integer, such as `1e400`, included).
pub fn check_int(
    obj: &Obj<'_>,
    name: &str,
    min: i64,
    max: Option<i64>,
    what: &str,
    diags: &mut Diagnostics,
) {
    let Some(n) = obj.number(name) else { return };
    let max_shown = max.map(|m| m.to_string());
    let problem = if n.is_nan() {
        Some(Problem::NotANumber)
    } else if !n.is_infinite() && !n.is_integer() {
        Some(Problem::NotWhole)
    } else if *n < Number::from(min) {
        Some(Problem::TooSmall)
    } else if *n > Number::from(max.unwrap_or(scaling::bounds::AWS_LONG_MAX)) {
        Some(Problem::TooLarge)
    } else {
        None
    };
    if let Some(problem) = problem {
        let max_words = match problem {
            // Say the bound that was crossed, even when the field has none
            // of its own.
            Problem::TooLarge => Some(
                max_shown
                    .clone()
                    .unwrap_or_else(|| scaling::bounds::AWS_LONG_MAX.to_string()),
            ),
            _ => max_shown,
        };
        diags.attribute_error(
            obj.path_of(name),
            format!("Invalid {name}"),
            bounds::message(
                what,
                problem,
                &min.to_string(),
                max_words.as_deref(),
                n.as_str(),
            ),
        );
    }
}

/// Checks a number field lies in `[min, max]` (inclusive); any finite number
/// a double holds is accepted when `max` is None. Unknown and null pass.
pub fn check_range(
    obj: &Obj<'_>,
    name: &str,
    min: f64,
    max: Option<f64>,
    what: &str,
    diags: &mut Diagnostics,
) {
    let Some(n) = obj.number(name) else { return };
    let v = n.as_f64();
    let problem = if n.is_nan() {
        Some(Problem::NotANumber)
    } else if v < min {
        // `-1e400` reads as -inf: below any minimum.
        Some(Problem::TooSmall)
    } else if max.is_some_and(|m| v > m) {
        Some(Problem::TooLarge)
    } else if !v.is_finite() {
        Some(Problem::BeyondDouble)
    } else {
        None
    };
    if let Some(problem) = problem {
        let max_shown = max.map(|m| m.to_string());
        diags.attribute_error(
            obj.path_of(name),
            format!("Invalid {name}"),
            bounds::message(
                what,
                problem,
                &min.to_string(),
                max_shown.as_deref(),
                n.as_str(),
            ),
        );
    }
}

/// Checks a string field is one of `allowed`. Unknown and null pass.
pub fn check_enum(obj: &Obj<'_>, name: &str, allowed: &[&str], diags: &mut Diagnostics) {
    let Some(s) = obj.str(name) else { return };
    if !allowed.contains(&s) {
        diags.attribute_error(
            obj.path_of(name),
            format!("Invalid {name}"),
            format!(
                "{name} must be one of {}, got {s:?}.",
                allowed
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
}
