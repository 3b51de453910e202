//! Values of a module's variables: from `terraform.tfvars`, `*.auto.tfvars`,
//! `-var-file` and `-var` for the root module, and their type constraints
//! with `optional()` defaults. Every value goes through the one evaluator.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hcl::edit::structure::Structure;
use hcl::edit::Span;

use crate::error::InputError;
use crate::eval::Budget;
use crate::hcl::{literal, Eval, SourceFile};
use crate::input::LoadOptions;

/// Values bound to a module's variables by its caller.
#[derive(Default)]
pub(crate) struct Given {
    pub(crate) known: BTreeMap<String, hcl::Value>,
    /// Arguments not known before apply, with why.
    pub(crate) unknown: BTreeMap<String, String>,
}

/// Applies a variable's type constraint the way Terraform does for what the
/// rules need: optional object attributes get their default (or null), so
/// `x.value.attr` works on objects that leave `attr` out.
pub(crate) fn apply_type(
    ty: &hcl::Expression,
    v: hcl::Value,
    budget: &Budget,
    at: &str,
) -> Result<hcl::Value, InputError> {
    let hcl::Expression::FuncCall(call) = ty else {
        return Ok(v);
    };
    let fname = call.name.name.as_str();
    match (fname, call.args.first(), v) {
        ("object", Some(hcl::Expression::Object(attrs)), hcl::Value::Object(mut obj)) => {
            for (k, attr_ty) in attrs.iter() {
                let key = match k {
                    hcl::ObjectKey::Identifier(id) => id.as_str().to_string(),
                    hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s.clone(),
                    _ => continue,
                };
                let (inner, default) = match attr_ty {
                    hcl::Expression::FuncCall(f) if f.name.name.as_str() == "optional" => {
                        (f.args.first().cloned(), f.args.get(1).cloned())
                    }
                    other => (Some(other.clone()), None),
                };
                let current = obj.swap_remove(&key).unwrap_or(hcl::Value::Null);
                let value = match (current, default) {
                    (hcl::Value::Null, Some(d)) => {
                        match literal(&d, budget, &format!("{at}: optional({key}) default"))? {
                            Eval::Known(v) => v,
                            Eval::Unknown(_) => hcl::Value::Null,
                        }
                    }
                    (c, _) => c,
                };
                let value = match inner {
                    Some(t) if !value.is_null() => apply_type(&t, value, budget, at)?,
                    _ => value,
                };
                obj.insert(key, value);
            }
            Ok(hcl::Value::Object(obj))
        }
        ("list" | "set", Some(t), hcl::Value::Array(items)) => Ok(hcl::Value::Array(
            items
                .into_iter()
                .map(|i| apply_type(t, i, budget, at))
                .collect::<Result<_, _>>()?,
        )),
        ("map", Some(t), hcl::Value::Object(obj)) => Ok(hcl::Value::Object(
            obj.into_iter()
                .map(|(k, i)| apply_type(t, i, budget, at).map(|i| (k, i)))
                .collect::<Result<_, _>>()?,
        )),
        (_, _, v) => Ok(v),
    }
}

pub(crate) fn root_values(
    tfvars: &[PathBuf],
    opts: &LoadOptions,
    budget: &Budget,
) -> Result<Given, InputError> {
    let mut given = Given::default();
    for path in tfvars.iter().chain(opts.var_files.iter()) {
        let f = SourceFile::parse(path, budget)?;
        for s in f.body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let at = format!("{}:{}", f.name, f.line(a.span()));
                    let e: hcl::Expression = a.value.clone().into();
                    let v = match literal(&e, budget, &at)? {
                        Eval::Known(v) => v,
                        Eval::Unknown(_) => {
                            return Err(InputError::Eval {
                                at,
                                reason: "variable values must be literals".into(),
                            })
                        }
                    };
                    given.known.insert(a.key.as_str().to_string(), v);
                }
                Structure::Block(b) => {
                    return Err(InputError::Hcl {
                        file: f.name.clone(),
                        line: f.line(b.span()),
                        reason: "blocks are not allowed in a variables file".into(),
                    })
                }
            }
        }
    }
    for (k, v) in &opts.vars {
        given.known.insert(k.clone(), cli_value(k, v, budget)?);
    }
    Ok(given)
}

/// A `-var name=value` value: a number, a bool, an HCL list/object, or a
/// string. Numbers too large for a float stay strings, refused where a
/// number is needed.
fn cli_value(name: &str, v: &str, budget: &Budget) -> Result<hcl::Value, InputError> {
    let t = v.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(hcl::Value::from(n));
    }
    if let Ok(n) = t.parse::<f64>() {
        if let Some(num) = hcl::Number::from_f64(n) {
            return Ok(hcl::Value::Number(num));
        }
    }
    if t == "true" || t == "false" {
        return Ok(hcl::Value::Bool(t == "true"));
    }
    if t.starts_with('[') || t.starts_with('{') {
        if let Ok(e) = t.parse::<hcl::Expression>() {
            let at = format!("-var {name}");
            return match literal(&e, budget, &at)? {
                Eval::Known(v) => Ok(v),
                Eval::Unknown(_) => Err(InputError::Eval {
                    at,
                    reason: "variable values must be literals".into(),
                }),
            };
        }
    }
    Ok(hcl::Value::String(v.to_string()))
}
