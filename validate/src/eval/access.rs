//! Reading into values: attributes, indices, and what an unknown
//! reference is called.

use hcl::expr::{Expression, TraversalOperator};
use hcl::Value;

use super::{err, key_string, kind, measure, Failure, R, V};

/// An unknown reference named by its path (`aws_lambda_function.api.arn`).
pub(super) fn referring(e: Failure, t: &hcl::expr::Traversal) -> Failure {
    let (Failure::Unknown(_), Expression::Variable(root)) = (&e, &t.expr) else {
        return e;
    };
    let mut path = root.as_str().to_string();
    for op in &t.operators {
        match op {
            TraversalOperator::GetAttr(a) => {
                path.push('.');
                path.push_str(a.as_str());
            }
            _ => break,
        }
    }
    Failure::Unknown(format!("refers to {path}, known only after apply"))
}

pub(super) fn get_attr(cur: V, name: &str) -> R<V> {
    match cur.v {
        Value::Object(mut m) => match m.swap_remove(name) {
            Some(v) => Ok(remeasure(v)),
            None => err(format!("the object has no attribute \"{name}\"")),
        },
        other => err(format!(
            "cannot read attribute \"{name}\" of {}",
            kind(&other)
        )),
    }
}

fn remeasure(v: Value) -> V {
    let (nodes, depth) = measure(&v, u64::MAX);
    V { v, nodes, depth }
}

pub(super) fn index(cur: V, key: &Value) -> R<V> {
    match (cur.v, key) {
        (Value::Array(mut items), Value::Number(n)) => {
            let i = n
                .as_u64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                        .map(|f| f as u64)
                })
                .ok_or_else(|| {
                    Failure::Error(format!(
                        "a list index must be a whole number of 0 or more, got {n}"
                    ))
                })?;
            if (i as usize) < items.len() {
                Ok(remeasure(items.swap_remove(i as usize)))
            } else {
                err(format!(
                    "index {i} is out of range (the list has {} elements)",
                    items.len()
                ))
            }
        }
        (Value::Object(mut m), k @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
            let k = key_string(k.clone())?;
            match m.swap_remove(&k) {
                Some(v) => Ok(remeasure(v)),
                None => err(format!("the object has no element \"{k}\"")),
            }
        }
        (other, k) => err(format!("cannot index {} with {}", kind(&other), kind(k))),
    }
}
