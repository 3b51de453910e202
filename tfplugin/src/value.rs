//! The dynamic value model of Terraform's type system (cty), and its wire
//! codecs: msgpack (what Terraform sends) and JSON (raw state).
//!
//! Conventions the codecs follow:
//! - decoding is driven by a [`Type`]; null ([`Value::Null`]) and unknown
//!   ([`Value::Unknown`]) fit any type;
//! - under [`Type::Dynamic`], a known value arrives as
//!   [`Value::Dynamic`]`(its type, value)`; a null or unknown dynamic value
//!   is plain [`Value::Null`] / [`Value::Unknown`];
//! - objects on the wire carry exactly the attributes of their type; use
//!   [`Value::conform`] to fill missing attributes with null first;
//! - sets keep their elements in wire order; compare with
//!   [`Value::equivalent`] to ignore order.

use std::collections::BTreeMap;
use std::fmt;

mod conform;
pub mod json;
pub mod msgpack;
mod number;
mod path;

pub use number::{InvalidNumber, Number};

/// How deeply values and types may nest in the codecs; deeper input is
/// refused with an error rather than risking the stack.
pub const MAX_DEPTH: usize = 128;

/// A cty type, as a schema declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Number,
    String,
    /// Any type; the value carries its own type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// Attribute types by name. `optional` lists attributes that may be left
    /// out of a literal (Terraform's optional object attributes).
    Object {
        attributes: BTreeMap<String, Type>,
        optional: Vec<String>,
    },
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn object<I, S>(attrs: I) -> Type
    where
        I: IntoIterator<Item = (S, Type)>,
        S: Into<String>,
    {
        Type::Object {
            attributes: attrs.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            optional: Vec::new(),
        }
    }
}

/// What Terraform knows about an unknown value ("refinements"): it is
/// definitely not null, a string prefix, number bounds, collection length
/// bounds. Kept so that nothing Terraform sent is lost; all fields optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refinements {
    pub not_null: Option<bool>,
    pub string_prefix: Option<String>,
    /// (bound, inclusive)
    pub number_lower: Option<(Number, bool)>,
    pub number_upper: Option<(Number, bool)>,
    pub length_lower: Option<i64>,
    pub length_upper: Option<i64>,
}

/// A value of some [`Type`]. Which variant is valid where is decided by the
/// type the value is encoded or decoded against.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Not known until apply ("known after apply").
    Unknown(Refinements),
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Tuple(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    /// A value of type `dynamic` with the concrete type it was sent with.
    Dynamic(Type, Box<Value>),
}

impl Value {
    /// A plain unknown, with no refinements.
    pub fn unknown() -> Value {
        Value::Unknown(Refinements::default())
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn int(i: i64) -> Value {
        Value::Number(Number::from(i))
    }

    pub fn float(f: f64) -> Value {
        Value::Number(Number::from_f64(f))
    }

    /// Null if `v` is None.
    pub fn opt<T: Into<Value>>(v: Option<T>) -> Value {
        v.map(Into::into).unwrap_or(Value::Null)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// True if this value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().any(Value::contains_unknown)
            }
            Value::Map(m) | Value::Object(m) => m.values().any(Value::contains_unknown),
            Value::Dynamic(_, v) => v.contains_unknown(),
            _ => false,
        }
    }

    /// The attribute `name` of an object, or None if this is not an object or
    /// has no such attribute.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The null value that conforms to `ty` with every attribute present:
    /// for an object, all attributes null; anything else is plain null.
    pub fn null_of(ty: &Type) -> Value {
        match ty {
            Type::Object { attributes, .. } => Value::Object(
                attributes
                    .keys()
                    .map(|k| (k.clone(), Value::Null))
                    .collect(),
            ),
            _ => Value::Null,
        }
    }

    /// What kind of value this is, for messages ("string", "object", …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown(_) => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Tuple(_) => "tuple",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
            Value::Dynamic(..) => "dynamic",
        }
    }

    /// The type this value evidently has, when that can be told from the
    /// value alone: primitives, objects and tuples of such, and non-empty
    /// lists, sets and maps whose elements all have the same type. None for
    /// null, unknown, empty collections and mixed elements.
    pub fn implied_type(&self) -> Option<Type> {
        fn same(items: &mut dyn Iterator<Item = &Value>) -> Option<Type> {
            let first = items.next()?.implied_type()?;
            for v in items {
                if v.implied_type()? != first {
                    return None;
                }
            }
            Some(first)
        }
        match self {
            Value::Null | Value::Unknown(_) => None,
            Value::Bool(_) => Some(Type::Bool),
            Value::Number(_) => Some(Type::Number),
            Value::String(_) => Some(Type::String),
            Value::Dynamic(t, _) => Some(t.clone()),
            Value::List(items) => Some(Type::list(same(&mut items.iter())?)),
            Value::Set(items) => Some(Type::set(same(&mut items.iter())?)),
            Value::Map(m) => Some(Type::map(same(&mut m.values())?)),
            Value::Tuple(items) => Some(Type::Tuple(
                items
                    .iter()
                    .map(Value::implied_type)
                    .collect::<Option<_>>()?,
            )),
            Value::Object(m) => Some(Type::Object {
                attributes: m
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.implied_type()?)))
                    .collect::<Option<_>>()?,
                optional: Vec::new(),
            }),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::float(f)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

impl Type {
    /// What kind of type this is, for messages ("list", "object", …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Number => "number",
            Type::String => "string",
            Type::Dynamic => "dynamic",
            Type::List(_) => "list",
            Type::Set(_) => "set",
            Type::Map(_) => "map",
            Type::Object { .. } => "object",
            Type::Tuple(_) => "tuple",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object { attributes, .. } => {
                f.write_str("object({")?;
                for (i, (k, v)) in attributes.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={v}")?;
                }
                f.write_str("})")
            }
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}

/// A value that does not fit the type it is decoded or encoded against, or
/// bytes that are not valid for the format. Carries the attribute path where
/// the problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    pub path: crate::diag::AttributePath,
    pub message: String,
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CodecError {}

impl CodecError {
    /// An error about the whole value (empty path).
    pub fn at_root(message: impl Into<String>) -> Self {
        CodecError {
            path: crate::diag::AttributePath::root(),
            message: message.into(),
        }
    }

    /// An error at `path`.
    pub fn at(path: crate::diag::AttributePath, message: impl Into<String>) -> Self {
        CodecError {
            path,
            message: message.into(),
        }
    }
}
