//! Arithmetic and comparison: whole numbers exactly (as i128), others as
//! floats; division or modulo by zero and results beyond the largest float
//! are errors, never a panic, a wrapped integer or an infinity.

use hcl::expr::BinaryOperator;
use hcl::{Number, Value};

use super::{as_bool, err, kind, R};

/// A number for arithmetic: whole numbers exactly, others as floats.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

fn as_num(v: &Value, what: &str) -> R<Num> {
    match v {
        Value::Number(n) => Ok(num_of(n)),
        Value::String(s) => match s.trim().parse::<i128>() {
            Ok(i) => Ok(Num::Int(i)),
            Err(_) => match s.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Num::Float(f)),
                _ => err(format!("{what} must be a number, got \"{s}\"")),
            },
        },
        other => err(format!("{what} must be a number, got {}", kind(other))),
    }
}

fn num_of(n: &Number) -> Num {
    if let Some(i) = n.as_i64() {
        Num::Int(i.into())
    } else if let Some(u) = n.as_u64() {
        Num::Int(u.into())
    } else {
        Num::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// `-v`.
pub(super) fn negate(v: &Value) -> R<Value> {
    number_value(neg(as_num(v, "the operand of -")?))
}

fn neg(n: Num) -> Num {
    match n {
        Num::Int(i) => Num::Int(-i),
        Num::Float(f) => Num::Float(-f),
    }
}

/// A result as an HCL number: refused when it is not finite.
fn number_value(n: Num) -> R<Value> {
    match n {
        Num::Int(i) => {
            if let Ok(v) = i64::try_from(i) {
                Ok(Value::from(v))
            } else if let Ok(v) = u64::try_from(i) {
                Ok(Value::from(v))
            } else {
                number_value(Num::Float(i as f64))
            }
        }
        Num::Float(f) => match Number::from_f64(f) {
            Some(n) => Ok(Value::Number(n)),
            None if f.is_nan() => err("the result is not a number"),
            None => err("the result is too large (beyond ±1.8e308)"),
        },
    }
}

pub(super) fn binary(op: BinaryOperator, l: &Value, r: &Value) -> R<Value> {
    use BinaryOperator as B;
    let sym = op.as_str();
    let what = format!("an operand of {sym}");
    match op {
        B::Eq => Ok(Value::Bool(l == r)),
        B::NotEq => Ok(Value::Bool(l != r)),
        B::And => Ok(Value::Bool(as_bool(l, &what)? & as_bool(r, &what)?)),
        B::Or => Ok(Value::Bool(as_bool(l, &what)? | as_bool(r, &what)?)),
        B::Less | B::LessEq | B::Greater | B::GreaterEq => {
            let (a, b) = (as_num(l, &what)?, as_num(r, &what)?);
            let ord = match (a, b) {
                (Num::Int(x), Num::Int(y)) => x.partial_cmp(&y),
                _ => a.f().partial_cmp(&b.f()),
            };
            let Some(ord) = ord else {
                return err("numbers that cannot be compared");
            };
            Ok(Value::Bool(match op {
                B::Less => ord.is_lt(),
                B::LessEq => ord.is_le(),
                B::Greater => ord.is_gt(),
                _ => ord.is_ge(),
            }))
        }
        B::Plus | B::Minus | B::Mul | B::Div | B::Mod => {
            let (a, b) = (as_num(l, &what)?, as_num(r, &what)?);
            let n = match (op, a, b) {
                (B::Div, _, _) if b.f() == 0.0 => return err("division by zero"),
                (B::Mod, _, _) if b.f() == 0.0 => return err("modulo by zero"),
                (B::Div, _, _) => Num::Float(a.f() / b.f()),
                (_, Num::Int(x), Num::Int(y)) => {
                    let r = match op {
                        B::Plus => x.checked_add(y),
                        B::Minus => x.checked_sub(y),
                        B::Mul => x.checked_mul(y),
                        _ => x.checked_rem(y),
                    };
                    match r {
                        Some(i) => Num::Int(i),
                        None => Num::Float(match op {
                            B::Plus => a.f() + b.f(),
                            B::Minus => a.f() - b.f(),
                            B::Mul => a.f() * b.f(),
                            _ => a.f() % b.f(),
                        }),
                    }
                }
                (_, a, b) => Num::Float(match op {
                    B::Plus => a.f() + b.f(),
                    B::Minus => a.f() - b.f(),
                    B::Mul => a.f() * b.f(),
                    _ => a.f() % b.f(),
                }),
            };
            number_value(n)
        }
    }
}
