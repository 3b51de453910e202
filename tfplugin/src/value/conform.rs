//! Making a value fit a type before encoding, and comparing values the way
//! Terraform does (sets without order).

use std::collections::BTreeMap;

use super::path::PathBuilder;
use super::{CodecError, Number, Refinements, Type, Value, MAX_DEPTH};

impl Value {
    /// This value made to fit `ty`, so that the codecs accept it:
    /// - object attributes the value lacks become null; an attribute the
    ///   type does not have is an error;
    /// - lists, sets and tuples take the kind of the type (all are arrays on
    ///   the wire), and so do maps and objects;
    /// - under a dynamic type, a plain value is wrapped in
    ///   [`Value::Dynamic`] with its implied type;
    /// - primitives convert as Terraform converts them: number or bool to
    ///   string, numeric string to number, "true"/"false" to bool;
    /// - refinements that cannot apply to the type are dropped.
    ///
    /// Errors carry the path of the offending part.
    pub fn conform(&self, ty: &Type) -> Result<Value, CodecError> {
        let mut c = Conformer {
            path: PathBuilder::default(),
            depth: 0,
        };
        c.value(self, ty)
    }

    /// Equality as Terraform sees it: sets compare without regard to order
    /// (as multisets), numbers compare numerically, and a dynamic wrapper
    /// compares by its content and type. Use this rather than `==` when a
    /// value may contain sets built in a different order.
    pub fn equivalent(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Set(a), Value::Set(b)) => {
                if a.len() != b.len() {
                    return false;
                }
                let mut used = vec![false; b.len()];
                a.iter().all(|x| {
                    let found = b
                        .iter()
                        .enumerate()
                        .find(|(i, y)| !used[*i] && x.equivalent(y))
                        .map(|(i, _)| i);
                    match found {
                        Some(i) => {
                            used[i] = true;
                            true
                        }
                        None => false,
                    }
                })
            }
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equivalent(y))
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.equivalent(vb))
            }
            (Value::Dynamic(ta, a), Value::Dynamic(tb, b)) => ta == tb && a.equivalent(b),
            (a, b) => a == b,
        }
    }
}

/// Drops the refinements that cannot apply to `ty`.
fn refinements_for(r: &Refinements, ty: &Type) -> Refinements {
    if *ty == Type::Dynamic {
        return Refinements::default();
    }
    let collection = matches!(ty, Type::List(_) | Type::Set(_) | Type::Map(_));
    Refinements {
        not_null: r.not_null,
        string_prefix: r.string_prefix.clone().filter(|_| *ty == Type::String),
        number_lower: r.number_lower.clone().filter(|_| *ty == Type::Number),
        number_upper: r.number_upper.clone().filter(|_| *ty == Type::Number),
        length_lower: r.length_lower.filter(|_| collection),
        length_upper: r.length_upper.filter(|_| collection),
    }
}

struct Conformer {
    path: PathBuilder,
    depth: usize,
}

impl Conformer {
    fn err(&self, msg: impl Into<String>) -> CodecError {
        self.path.error(msg)
    }

    fn value(&mut self, v: &Value, ty: &Type) -> Result<Value, CodecError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(format!("value nested too deeply (limit {MAX_DEPTH})")));
        }
        self.depth += 1;
        let r = self.inner(v, ty);
        self.depth -= 1;
        r
    }

    fn elements(
        &mut self,
        items: &[Value],
        et: &Type,
        indexed: bool,
    ) -> Result<Vec<Value>, CodecError> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if indexed {
                self.path.push_index(i);
            }
            let r = self.value(item, et);
            if indexed {
                self.path.pop();
            }
            out.push(r?);
        }
        Ok(out)
    }

    fn inner(&mut self, v: &Value, ty: &Type) -> Result<Value, CodecError> {
        let mismatch = |c: &Self| {
            c.err(format!(
                "expected {}, got {}",
                ty.kind_name(),
                v.kind_name()
            ))
        };
        match (v, ty) {
            (Value::Null, _) => Ok(Value::Null),
            (Value::Unknown(r), _) => Ok(Value::Unknown(refinements_for(r, ty))),
            (Value::Dynamic(t, inner), Type::Dynamic) => {
                let inner = self.value(inner, t)?;
                Ok(Value::Dynamic(t.clone(), Box::new(inner)))
            }
            (Value::Dynamic(_, inner), _) => self.value(inner, ty),
            (_, Type::Dynamic) => match v.implied_type() {
                Some(t) => {
                    let inner = self.value(v, &t)?;
                    Ok(Value::Dynamic(t, Box::new(inner)))
                }
                None => Err(self.err(
                    "cannot tell the type of this value for a dynamic attribute: wrap it in Value::Dynamic",
                )),
            },
            (Value::Bool(_), Type::Bool)
            | (Value::Number(_), Type::Number)
            | (Value::String(_), Type::String) => Ok(v.clone()),
            (Value::Number(n), Type::String) => Ok(Value::String(n.as_str().to_string())),
            (Value::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
            (Value::String(s), Type::Number) => match Number::parse(s) {
                Some(n) => Ok(Value::Number(n)),
                None => Err(self.err(format!("expected number, got string {s:?}"))),
            },
            (Value::String(s), Type::Bool) => match s.as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(self.err(format!("expected bool, got string {s:?}"))),
            },
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::List(et)) => {
                Ok(Value::List(self.elements(items, et, true)?))
            }
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Set(et)) => {
                self.path.enter_set();
                let r = self.elements(items, et, false);
                self.path.leave_set();
                Ok(Value::Set(r?))
            }
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Tuple(ets)) => {
                if items.len() != ets.len() {
                    return Err(self.err(format!(
                        "expected a tuple of {} elements, got {}",
                        ets.len(),
                        items.len()
                    )));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, (item, et)) in items.iter().zip(ets).enumerate() {
                    self.path.push_index(i);
                    let r = self.value(item, et);
                    self.path.pop();
                    out.push(r?);
                }
                Ok(Value::Tuple(out))
            }
            (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
                let mut out = BTreeMap::new();
                for (k, item) in m {
                    self.path.push_key(k);
                    let r = self.value(item, et);
                    self.path.pop();
                    out.insert(k.clone(), r?);
                }
                Ok(Value::Map(out))
            }
            (Value::Map(m) | Value::Object(m), Type::Object { attributes, .. }) => {
                if let Some(extra) = m.keys().find(|k| !attributes.contains_key(*k)) {
                    self.path.push_attr(extra);
                    let e = self.err("unsupported attribute: not in the object type");
                    self.path.pop();
                    return Err(e);
                }
                let mut out = BTreeMap::new();
                for (name, at) in attributes {
                    let item = match m.get(name) {
                        Some(item) => {
                            self.path.push_attr(name);
                            let r = self.value(item, at);
                            self.path.pop();
                            r?
                        }
                        None => Value::Null,
                    };
                    out.insert(name.clone(), item);
                }
                Ok(Value::Object(out))
            }
            _ => Err(mismatch(self)),
        }
    }
}
