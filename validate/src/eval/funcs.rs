//! The Terraform functions the loader evaluates: those configurations use
//! to compute a setting from variables (`min`, `max`, `coalesce`, `lookup`,
//! `try`, `tonumber`, `merge`, `concat`, `length`, `ceil`, `floor`). Any
//! other function is not evaluated: its value is unknown, and the reason
//! says which function it was. Arguments cost their steps like any other
//! expression; results are charged by their size.

use hcl::expr::FuncCall;
use hcl::{Map, Number, Value};

use super::{err, kind, Evaluator, Failure, R, V};

/// The functions evaluated, for messages and documentation.
pub const EVALUATED: &[&str] = &[
    "ceil", "coalesce", "concat", "floor", "length", "lookup", "max", "merge", "min", "tonumber",
    "try",
];

/// A function's name as written (`provider::aws::arn_parse` included).
fn name_of(f: &FuncCall) -> String {
    let mut parts: Vec<&str> = f.name.namespace.iter().map(|i| i.as_str()).collect();
    parts.push(f.name.name.as_str());
    parts.join("::")
}

impl Evaluator<'_, '_> {
    pub(super) fn call(&mut self, f: &FuncCall) -> R<V> {
        let name = name_of(f);
        match name.as_str() {
            "try" => return self.try_each(f),
            n if EVALUATED.contains(&n) => {}
            _ => {
                return Err(Failure::Unknown(format!(
                    "calls {name}(), a function the validator does not evaluate"
                )))
            }
        }
        let args = self.args(f, &name)?;
        let out = match name.as_str() {
            "min" | "max" => extreme(&name, &args)?,
            "coalesce" => coalesce(args)?,
            "lookup" => lookup(args)?,
            "tonumber" => tonumber(args)?,
            "merge" => merge(args)?,
            "concat" => concat(args)?,
            "length" => length(args)?,
            "ceil" | "floor" => round(&name, args)?,
            _ => return err(format!("{name}() is not evaluated")),
        };
        self.copy(&out)
    }

    /// The arguments' values, the final one spread with `...`.
    fn args(&mut self, f: &FuncCall, name: &str) -> R<Vec<Value>> {
        let mut out = Vec::with_capacity(f.args.len());
        for a in &f.args {
            out.push(self.expr(a)?.v);
        }
        if f.expand_final {
            match out.pop() {
                Some(Value::Array(items)) => out.extend(items),
                Some(other) => {
                    return err(format!(
                        "{name}(…...) needs a list to expand, got {}",
                        kind(&other)
                    ))
                }
                None => return err(format!("{name}(...) has nothing to expand")),
            }
        }
        Ok(out)
    }

    /// `try(a, b, …)`: the first argument that evaluates without error. An
    /// argument not known yet makes the result unknown, as in Terraform;
    /// limits and undeclared names are not caught.
    fn try_each(&mut self, f: &FuncCall) -> R<V> {
        if f.args.is_empty() {
            return err("try() needs at least one argument");
        }
        let mut last = String::new();
        for a in &f.args {
            match self.expr(a) {
                Ok(v) => return Ok(v),
                Err(Failure::Error(e)) => last = e,
                Err(other) => return Err(other),
            }
        }
        err(format!(
            "try(): no argument could be evaluated; the last: {last}"
        ))
    }
}

fn number(v: &Value, what: &str) -> R<f64> {
    let f = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match f {
        Some(f) if f.is_finite() => Ok(f),
        _ => err(format!("{what} must be a number, got {}", kind(v))),
    }
}

fn extreme(name: &str, args: &[Value]) -> R<Value> {
    if args.is_empty() {
        return err(format!("{name}() needs at least one number"));
    }
    let mut best: Option<(f64, &Value)> = None;
    for a in args {
        let n = number(a, &format!("an argument of {name}()"))?;
        let better = match best {
            None => true,
            Some((b, _)) => (name == "min" && n < b) || (name == "max" && n > b),
        };
        if better {
            best = Some((n, a));
        }
    }
    match best {
        Some((_, Value::Number(n))) => Ok(Value::Number(*n)),
        Some((f, _)) => from_f64(f),
        None => err(format!("{name}() needs at least one number")),
    }
}

fn from_f64(f: f64) -> R<Value> {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return Ok(Value::Number(Number::from(f as i64)));
    }
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| Failure::Error(format!("{f} is not a number HCL can hold")))
}

/// The first argument that is neither null nor an empty string.
fn coalesce(args: Vec<Value>) -> R<Value> {
    args.into_iter()
        .find(|v| !matches!(v, Value::Null) && !matches!(v, Value::String(s) if s.is_empty()))
        .ok_or_else(|| {
            Failure::Error("coalesce(): every argument is null or an empty string".into())
        })
}

fn lookup(args: Vec<Value>) -> R<Value> {
    let n = args.len();
    let mut it = args.into_iter();
    let (Some(map), Some(key)) = (it.next(), it.next()) else {
        return err("lookup() needs a map and a key");
    };
    let default = it.next();
    if n > 3 {
        return err("lookup() takes a map, a key and a default");
    }
    let key = match key {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        other => {
            return err(format!(
                "lookup(): the key must be a string, got {}",
                kind(&other)
            ))
        }
    };
    match map {
        Value::Object(m) => match (m.get(&key), default) {
            (Some(v), _) => Ok(v.clone()),
            (None, Some(d)) => Ok(d),
            (None, None) => err(format!(
                "lookup(): the map has no element \"{key}\" and no default is given"
            )),
        },
        other => err(format!("lookup() needs a map, got {}", kind(&other))),
    }
}

fn one(mut args: Vec<Value>, name: &str) -> R<Value> {
    if args.len() != 1 {
        return err(format!("{name}() takes one argument, got {}", args.len()));
    }
    Ok(args.remove(0))
}

fn tonumber(args: Vec<Value>) -> R<Value> {
    match one(args, "tonumber")? {
        Value::Null => Ok(Value::Null),
        v @ Value::Number(_) => Ok(v),
        Value::String(s) => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => match s.trim().parse::<i64>() {
                Ok(i) => Ok(Value::Number(Number::from(i))),
                Err(_) => from_f64(f),
            },
            _ => err(format!("tonumber(): \"{s}\" is not a number")),
        },
        other => err(format!("tonumber() cannot convert {}", kind(&other))),
    }
}

fn merge(args: Vec<Value>) -> R<Value> {
    let mut out = Map::new();
    for a in args {
        match a {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k, v);
                }
            }
            other => {
                return err(format!(
                    "merge() takes maps or objects, got {}",
                    kind(&other)
                ))
            }
        }
    }
    Ok(Value::Object(out))
}

fn concat(args: Vec<Value>) -> R<Value> {
    let mut out = Vec::new();
    for a in args {
        match a {
            Value::Array(items) => out.extend(items),
            other => return err(format!("concat() takes lists, got {}", kind(&other))),
        }
    }
    Ok(Value::Array(out))
}

fn length(args: Vec<Value>) -> R<Value> {
    let n = match one(args, "length")? {
        Value::Array(items) => items.len(),
        Value::Object(m) => m.len(),
        Value::String(s) => s.chars().count(),
        other => return err(format!("length() of {} is not defined", kind(&other))),
    };
    Ok(Value::Number(Number::from(n as u64)))
}

fn round(name: &str, args: Vec<Value>) -> R<Value> {
    let v = one(args, name)?;
    let f = number(&v, &format!("the argument of {name}()"))?;
    from_f64(if name == "ceil" { f.ceil() } else { f.floor() })
}
