//! Reading typed fields out of a resource `Value`, with the attribute path of
//! each, so every problem is reported on the attribute it concerns.

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

/// Checks a number field: integer, within `[min, max]`. Unknown and null
/// pass. Reports on the attribute.
pub fn check_int(
    obj: &Obj<'_>,
    name: &str,
    min: i64,
    max: Option<i64>,
    what: &str,
    diags: &mut Diagnostics,
) {
    let Some(n) = obj.number(name) else { return };
    let path = obj.path_of(name);
    let Some(i) = n.as_i64() else {
        diags.attribute_error(
            path,
            format!("Invalid {name}"),
            format!("{what} must be a whole number, got {n}."),
        );
        return;
    };
    if i < min || max.is_some_and(|m| i > m) {
        let range = match max {
            Some(m) => format!("between {min} and {m}"),
            None => format!("at least {min}"),
        };
        diags.attribute_error(
            path,
            format!("Invalid {name}"),
            format!("{what} must be {range}, got {i}."),
        );
    }
}

/// Checks a number field lies in `[min, max]` (inclusive). Unknown and null
/// pass.
pub fn check_range(
    obj: &Obj<'_>,
    name: &str,
    min: f64,
    max: Option<f64>,
    what: &str,
    diags: &mut Diagnostics,
) {
    let Some(v) = obj.f64(name) else { return };
    if !v.is_finite() || v < min || max.is_some_and(|m| v > m) {
        let range = match max {
            Some(m) => format!("between {min} and {m}"),
            None => format!("at least {min}"),
        };
        diags.attribute_error(
            obj.path_of(name),
            format!("Invalid {name}"),
            format!("{what} must be {range}, got {v}."),
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
