//! A profile-like object argument: the attributes `smuppy_scaling_profile`
//! takes in its configuration (`traffic`, `api_gateway`, `lambda_pools`, …),
//! any of them left out. Checked as the resource checks its configuration:
//! an attribute the resource does not have, or only computes, a value of the
//! wrong type, and every error of the resource's own configuration checks
//! (ids, names, ranges, duplicates), are errors on the argument naming the
//! attribute path. The rule engine's verdicts are not errors here: `check`
//! returns them as findings.

use std::collections::BTreeMap;

use scaling::Profile;
use tfplugin::{Attribute, Diagnostics, FunctionError, ObjectNesting, Parameter, Type, Value};

use crate::shape::{self, Shapes};

/// A checked profile-like argument.
pub struct ProfileArg {
    pub profile: Profile,
    /// How its keyed maps became lists, to name findings by key.
    pub shapes: Shapes,
}

/// The parameter: `dynamic`, so that the object may leave attributes out
/// and its shape is checked here, with errors that name the attribute.
pub fn parameter(name: &str, description: &str) -> Parameter {
    Parameter::new(name, Type::Dynamic).describe(description)
}

/// The type an argument is made to fit: the resource's attributes without
/// the ones it only computes (at any depth) and without `timeouts`.
pub fn input_type() -> Type {
    Type::object(input_attributes(
        &crate::schema::resource_schema().block.attributes,
    ))
}

fn input_attributes(attrs: &[Attribute]) -> BTreeMap<String, Type> {
    attrs
        .iter()
        .filter(|a| !a.computed || a.optional)
        .map(|a| {
            let ty = match &a.nested {
                None => a.ty.clone(),
                Some(n) => {
                    let object = Type::object(input_attributes(&n.attributes));
                    match n.nesting {
                        ObjectNesting::Single => object,
                        ObjectNesting::List => Type::list(object),
                        ObjectNesting::Set => Type::set(object),
                        ObjectNesting::Map => Type::map(object),
                    }
                }
            };
            (a.name.clone(), ty)
        })
        .collect()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown(_) => "an unknown value",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) | Value::Tuple(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) | Value::Object(_) => "an object",
        Value::Dynamic(_, inner) => kind(inner),
    }
}

/// Argument `index`, named `name`, as a profile; every problem is an error
/// on the argument.
pub fn profile_arg(args: &[Value], index: usize, name: &str) -> Result<ProfileArg, FunctionError> {
    let err = |text: String| FunctionError::argument(index, super::sentence(&text));
    let raw = args.get(index).unwrap_or(&Value::Null);
    let inner = match raw {
        Value::Dynamic(_, v) => v.as_ref(),
        v => v,
    };
    if !matches!(inner, Value::Object(_) | Value::Map(_)) {
        return Err(err(format!(
            "{name} must be an object of smuppy_scaling_profile's attributes (e.g. {{ traffic = {{ peak_rps = 1000 }} }}), got {}.",
            kind(inner)
        )));
    }
    let value = inner.conform(&input_type()).map_err(|e| {
        let what = if e.message.starts_with("unsupported attribute") {
            "smuppy_scaling_profile has no such attribute to set (or only computes it)".to_string()
        } else {
            e.message.clone()
        };
        if e.path.is_root() {
            err(format!("{name}: {what}"))
        } else {
            err(format!("{name}.{}: {what}", e.path))
        }
    })?;
    let (lists, shapes) = shape::to_lists(&value);
    let mut diags = Diagnostics::new();
    crate::resource::validate::own_checks(&lists, &shapes, &mut diags);
    let diags = shape::diags_from_lists(diags, &shapes);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == tfplugin::Severity::Error)
        .map(|d| match &d.attribute {
            Some(p) if !p.is_root() => format!("{name}.{p}: {}: {}", d.summary, d.detail),
            _ => format!("{name}: {}: {}", d.summary, d.detail),
        })
        .collect();
    if !errors.is_empty() {
        return Err(err(errors.join("\n")));
    }
    let profile = crate::mapping::profile_from_value(&lists, None);
    Ok(ProfileArg { profile, shapes })
}
