//! JSON codec (raw state, DynamicValue.json) and the JSON form of types.
//!
//! Values have the same shapes as in msgpack; a dynamic value is
//! `{"type": <type JSON>, "value": …}` and there are no unknowns. Numbers
//! are read from their text, never through f64. Decoding is tolerant, as
//! raw state needs: object keys that are not in the type are dropped and
//! missing ones become null.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::path::PathBuilder;
use super::{CodecError, Number, Type, Value, MAX_DEPTH};

/// Decodes JSON `bytes` as a value of type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let tree = parse(bytes)?;
    let mut d = TreeDecoder {
        path: PathBuilder::default(),
        depth: 0,
    };
    d.value(&tree, ty)
}

/// Encodes `v` as compact JSON against type `ty`. Unknown values cannot be
/// encoded; objects must carry exactly the attributes of their type.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut e = Encoder {
        out: String::new(),
        path: PathBuilder::default(),
        depth: 0,
    };
    e.value(v, ty)?;
    Ok(e.out.into_bytes())
}

/// The compact JSON of a type, as schemas and dynamic values carry it:
/// `"string"`, `["list","number"]`, `["object",{"a":"bool"},["a"]]`.
pub fn type_to_json(ty: &Type) -> String {
    let mut s = String::new();
    write_type(&mut s, ty);
    s
}

/// Parses the JSON form of a type.
pub fn type_from_json(s: &str) -> Result<Type, CodecError> {
    let tree = parse(s.as_bytes())?;
    type_from_tree(&tree, 0)
}

fn write_type(s: &mut String, ty: &Type) {
    match ty {
        Type::Bool => s.push_str("\"bool\""),
        Type::Number => s.push_str("\"number\""),
        Type::String => s.push_str("\"string\""),
        Type::Dynamic => s.push_str("\"dynamic\""),
        Type::List(t) => {
            s.push_str("[\"list\",");
            write_type(s, t);
            s.push(']');
        }
        Type::Set(t) => {
            s.push_str("[\"set\",");
            write_type(s, t);
            s.push(']');
        }
        Type::Map(t) => {
            s.push_str("[\"map\",");
            write_type(s, t);
            s.push(']');
        }
        Type::Object {
            attributes,
            optional,
        } => {
            s.push_str("[\"object\",{");
            for (i, (k, t)) in attributes.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_string(s, k);
                s.push(':');
                write_type(s, t);
            }
            s.push('}');
            if !optional.is_empty() {
                let mut names: Vec<&String> = optional.iter().collect();
                names.sort();
                names.dedup();
                s.push_str(",[");
                for (i, k) in names.into_iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    write_string(s, k);
                }
                s.push(']');
            }
            s.push(']');
        }
        Type::Tuple(ts) => {
            s.push_str("[\"tuple\",[");
            for (i, t) in ts.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_type(s, t);
            }
            s.push_str("]]");
        }
    }
}

fn type_error(msg: impl Into<String>) -> CodecError {
    CodecError::at_root(msg)
}

fn type_from_tree(j: &Json, depth: usize) -> Result<Type, CodecError> {
    if depth >= MAX_DEPTH {
        return Err(type_error(format!(
            "type nested too deeply (limit {MAX_DEPTH})"
        )));
    }
    match j {
        Json::String(s) => match s.as_str() {
            "bool" => Ok(Type::Bool),
            "number" => Ok(Type::Number),
            "string" => Ok(Type::String),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(type_error(format!("unsupported type {other:?}"))),
        },
        Json::Array(items) => {
            let (kind, args) = match items.split_first() {
                Some((Json::String(k), args)) => (k.as_str(), args),
                _ => return Err(type_error("a type array must start with the type kind")),
            };
            match (kind, args) {
                ("list", [t]) => Ok(Type::list(type_from_tree(t, depth + 1)?)),
                ("set", [t]) => Ok(Type::set(type_from_tree(t, depth + 1)?)),
                ("map", [t]) => Ok(Type::map(type_from_tree(t, depth + 1)?)),
                ("tuple", [Json::Array(ts)]) => Ok(Type::Tuple(
                    ts.iter()
                        .map(|t| type_from_tree(t, depth + 1))
                        .collect::<Result<_, _>>()?,
                )),
                ("object", [Json::Object(attrs), rest @ ..]) if rest.len() <= 1 => {
                    let mut attributes = BTreeMap::new();
                    for (k, t) in attrs {
                        if attributes
                            .insert(k.clone(), type_from_tree(t, depth + 1)?)
                            .is_some()
                        {
                            return Err(type_error(format!(
                                "object type names attribute {k:?} twice"
                            )));
                        }
                    }
                    let mut optional = Vec::new();
                    if let Some(opt) = rest.first() {
                        let Json::Array(names) = opt else {
                            return Err(type_error(
                                "optional attributes of an object type must be an array of names",
                            ));
                        };
                        for n in names {
                            match n {
                                Json::String(n) if attributes.contains_key(n) => {
                                    optional.push(n.clone())
                                }
                                Json::String(n) => {
                                    return Err(type_error(format!(
                                        "optional attribute {n:?} is not an attribute of the object type"
                                    )))
                                }
                                _ => {
                                    return Err(type_error(
                                        "optional attributes of an object type must be strings",
                                    ))
                                }
                            }
                        }
                    }
                    Ok(Type::Object {
                        attributes,
                        optional,
                    })
                }
                ("list" | "set" | "map", _) => Err(type_error(format!(
                    "a {kind} type needs exactly one element type"
                ))),
                ("tuple", _) => Err(type_error("a tuple type needs an array of element types")),
                ("object", _) => Err(type_error(
                    "an object type needs an object of attribute types (and optionally an array of optional names)",
                )),
                (other, _) => Err(type_error(format!("unsupported type kind {other:?}"))),
            }
        }
        _ => Err(type_error("a type must be a string or an array")),
    }
}

/// A parsed JSON document. Numbers keep their text.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "bool",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

fn parse(bytes: &[u8]) -> Result<Json, CodecError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| CodecError::at_root(format!("invalid UTF-8 in JSON: {e}")))?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.err("unexpected data after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, msg: &str) -> CodecError {
        CodecError::at_root(format!("invalid JSON at byte {}: {msg}", self.pos))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn expect_word(&mut self, w: &str, v: Json) -> Result<Json, CodecError> {
        if self.s[self.pos..].starts_with(w.as_bytes()) {
            self.pos += w.len();
            Ok(v)
        } else {
            Err(self.err("unexpected character"))
        }
    }

    fn value(&mut self) -> Result<Json, CodecError> {
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'n') => self.expect_word("null", Json::Null),
            Some(b't') => self.expect_word("true", Json::Bool(true)),
            Some(b'f') => self.expect_word("false", Json::Bool(false)),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                self.nest()?;
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value()?);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            None => return Err(self.err("unexpected end of input in array")),
                            _ => return Err(self.err("expected ',' or ']'")),
                        }
                    }
                }
                self.depth -= 1;
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                self.nest()?;
                self.pos += 1;
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        if self.peek() != Some(b'"') {
                            return Err(self.err("expected a string key"));
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.peek() != Some(b':') {
                            return Err(self.err("expected ':'"));
                        }
                        self.pos += 1;
                        self.ws();
                        let v = self.value()?;
                        members.push((k, v));
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            None => return Err(self.err("unexpected end of input in object")),
                            _ => return Err(self.err("expected ',' or '}'")),
                        }
                    }
                }
                self.depth -= 1;
                Ok(Json::Object(members))
            }
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn nest(&mut self) -> Result<(), CodecError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(&format!("nested too deeply (limit {MAX_DEPTH})")));
        }
        self.depth += 1;
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json, CodecError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number: digits expected in exponent"));
            }
        }
        Ok(Json::Number(self.text[start..self.pos].to_string()))
    }

    fn hex4(&mut self) -> Result<u32, CodecError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("invalid \\u escape")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, CodecError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The input is valid UTF-8 and we stopped at an ASCII byte, so
            // this is a char boundary.
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(c) = self.peek() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.pos += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xd800..0xdc00).contains(&hi) {
                                if !self.s[self.pos..].starts_with(b"\\u") {
                                    return Err(self.err("unpaired surrogate in \\u escape"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate in \\u escape"));
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            match char::from_u32(cp) {
                                Some(ch) => out.push(ch),
                                None => return Err(self.err("unpaired surrogate in \\u escape")),
                            }
                        }
                        _ => return Err(self.err("invalid escape")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }
}

struct TreeDecoder {
    path: PathBuilder,
    depth: usize,
}

impl TreeDecoder {
    fn expected(&self, what: &str, got: &Json) -> CodecError {
        self.path
            .error(format!("expected {what}, got {}", got.kind()))
    }

    fn value(&mut self, j: &Json, ty: &Type) -> Result<Value, CodecError> {
        if self.depth >= MAX_DEPTH {
            return Err(self
                .path
                .error(format!("value nested too deeply (limit {MAX_DEPTH})")));
        }
        self.depth += 1;
        let r = self.value_inner(j, ty);
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self, j: &Json, ty: &Type) -> Result<Value, CodecError> {
        if let Json::Null = j {
            return Ok(Value::Null);
        }
        match ty {
            Type::Dynamic => {
                let Json::Object(members) = j else {
                    return Err(self.expected("dynamic value ({\"type\":…,\"value\":…})", j));
                };
                let mut t = None;
                let mut v = None;
                for (k, m) in members {
                    match k.as_str() {
                        "type" => t = Some(m),
                        "value" => v = Some(m),
                        other => {
                            return Err(self
                                .path
                                .error(format!("invalid key {other:?} in a dynamic value")))
                        }
                    }
                }
                let (Some(t), Some(v)) = (t, v) else {
                    return Err(self
                        .path
                        .error("a dynamic value needs both \"type\" and \"value\""));
                };
                let t = type_from_tree(t, 0).map_err(|e| {
                    self.path
                        .error(format!("invalid type of dynamic value: {}", e.message))
                })?;
                let v = self.value(v, &t)?;
                Ok(Value::Dynamic(t, Box::new(v)))
            }
            Type::Bool => match j {
                Json::Bool(b) => Ok(Value::Bool(*b)),
                Json::String(s) if s == "true" => Ok(Value::Bool(true)),
                Json::String(s) if s == "false" => Ok(Value::Bool(false)),
                _ => Err(self.expected("bool", j)),
            },
            Type::Number => match j {
                Json::Number(s) | Json::String(s) => Number::parse(s)
                    .map(Value::Number)
                    .ok_or_else(|| self.path.error(format!("invalid number {s:?}"))),
                _ => Err(self.expected("number", j)),
            },
            Type::String => match j {
                Json::String(s) | Json::Number(s) => Ok(Value::String(s.clone())),
                Json::Bool(b) => Ok(Value::String(b.to_string())),
                _ => Err(self.expected("string", j)),
            },
            Type::List(et) => match j {
                Json::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        self.path.push_index(i);
                        let r = self.value(item, et);
                        self.path.pop();
                        out.push(r?);
                    }
                    Ok(Value::List(out))
                }
                _ => Err(self.expected("list (array)", j)),
            },
            Type::Set(et) => match j {
                Json::Array(items) => {
                    self.path.enter_set();
                    let r: Result<Vec<Value>, CodecError> =
                        items.iter().map(|item| self.value(item, et)).collect();
                    self.path.leave_set();
                    Ok(Value::Set(r?))
                }
                _ => Err(self.expected("set (array)", j)),
            },
            Type::Tuple(ets) => match j {
                Json::Array(items) if items.len() == ets.len() => {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, (item, et)) in items.iter().zip(ets).enumerate() {
                        self.path.push_index(i);
                        let r = self.value(item, et);
                        self.path.pop();
                        out.push(r?);
                    }
                    Ok(Value::Tuple(out))
                }
                Json::Array(items) => Err(self.path.error(format!(
                    "expected a tuple of {} elements, got {}",
                    ets.len(),
                    items.len()
                ))),
                _ => Err(self.expected("tuple (array)", j)),
            },
            Type::Map(et) => match j {
                Json::Object(members) => {
                    let mut out = BTreeMap::new();
                    for (k, m) in members {
                        self.path.push_key(k);
                        let r = self.value(m, et);
                        self.path.pop();
                        out.insert(k.clone(), r?);
                    }
                    Ok(Value::Map(out))
                }
                _ => Err(self.expected("map (object)", j)),
            },
            Type::Object { attributes, .. } => match j {
                Json::Object(members) => {
                    let mut out = BTreeMap::new();
                    for (k, m) in members {
                        // Keys no longer in the type are dropped.
                        let Some(at) = attributes.get(k) else {
                            continue;
                        };
                        self.path.push_attr(k);
                        let r = self.value(m, at);
                        self.path.pop();
                        out.insert(k.clone(), r?);
                    }
                    for name in attributes.keys() {
                        if !out.contains_key(name) {
                            out.insert(name.clone(), Value::Null);
                        }
                    }
                    Ok(Value::Object(out))
                }
                _ => Err(self.expected("object", j)),
            },
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Encoder {
    out: String,
    path: PathBuilder,
    depth: usize,
}

impl Encoder {
    fn err(&self, msg: impl Into<String>) -> CodecError {
        self.path.error(msg)
    }

    fn value(&mut self, v: &Value, ty: &Type) -> Result<(), CodecError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(format!("value nested too deeply (limit {MAX_DEPTH})")));
        }
        self.depth += 1;
        let r = self.value_inner(v, ty);
        self.depth -= 1;
        r
    }

    fn dynamic(&mut self, v: &Value, t: &Type) -> Result<(), CodecError> {
        // cty writes the value first.
        self.out.push_str("{\"value\":");
        self.value(v, t)?;
        self.out.push_str(",\"type\":");
        write_type(&mut self.out, t);
        self.out.push('}');
        Ok(())
    }

    fn value_inner(&mut self, v: &Value, ty: &Type) -> Result<(), CodecError> {
        match (v, ty) {
            (Value::Null, _) => {
                self.out.push_str("null");
                Ok(())
            }
            (Value::Unknown(_), _) => {
                Err(self.err("an unknown value cannot be encoded as JSON"))
            }
            (Value::Dynamic(t, inner), Type::Dynamic) => self.dynamic(inner, t),
            (Value::Dynamic(t, inner), _) if t == ty => self.value(inner, ty),
            (Value::Dynamic(t, _), _) => Err(self.err(format!(
                "expected {ty}, got a dynamic value of type {t}"
            ))),
            (_, Type::Dynamic) => match v.implied_type() {
                Some(t) => self.dynamic(v, &t),
                None => Err(self.err(
                    "cannot tell the type of this value for a dynamic attribute: wrap it in Value::Dynamic",
                )),
            },
            (Value::Bool(b), Type::Bool) => {
                self.out.push_str(if *b { "true" } else { "false" });
                Ok(())
            }
            (Value::Number(n), Type::Number) => {
                if n.is_nan() || n.is_infinite() {
                    return Err(self.err(format!("{n} cannot be encoded as a JSON number")));
                }
                self.out.push_str(n.as_str());
                Ok(())
            }
            (Value::String(s), Type::String) => {
                write_string(&mut self.out, s);
                Ok(())
            }
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::List(et)) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.path.push_index(i);
                    let r = self.value(item, et);
                    self.path.pop();
                    r?;
                }
                self.out.push(']');
                Ok(())
            }
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Set(et)) => {
                self.out.push('[');
                self.path.enter_set();
                let mut r = Ok(());
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    r = self.value(item, et);
                    if r.is_err() {
                        break;
                    }
                }
                self.path.leave_set();
                r?;
                self.out.push(']');
                Ok(())
            }
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Tuple(ets)) => {
                if items.len() != ets.len() {
                    return Err(self.err(format!(
                        "expected a tuple of {} elements, got {}",
                        ets.len(),
                        items.len()
                    )));
                }
                self.out.push('[');
                for (i, (item, et)) in items.iter().zip(ets).enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.path.push_index(i);
                    let r = self.value(item, et);
                    self.path.pop();
                    r?;
                }
                self.out.push(']');
                Ok(())
            }
            (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
                self.out.push('{');
                for (i, (k, item)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_string(&mut self.out, k);
                    self.out.push(':');
                    self.path.push_key(k);
                    let r = self.value(item, et);
                    self.path.pop();
                    r?;
                }
                self.out.push('}');
                Ok(())
            }
            (Value::Map(m) | Value::Object(m), Type::Object { attributes, .. }) => {
                if let Some(extra) = m.keys().find(|k| !attributes.contains_key(*k)) {
                    self.path.push_attr(extra);
                    let e = self.err("unsupported attribute: not in the object type");
                    self.path.pop();
                    return Err(e);
                }
                self.out.push('{');
                for (i, (name, at)) in attributes.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.path.push_attr(name);
                    let r = match m.get(name) {
                        Some(item) => {
                            write_string(&mut self.out, name);
                            self.out.push(':');
                            self.value(item, at)
                        }
                        None => Err(self.err(
                            "missing attribute: every attribute of the object type must be present (null if unset)",
                        )),
                    };
                    self.path.pop();
                    r?;
                }
                self.out.push('}');
                Ok(())
            }
            (v, ty) => Err(self.err(format!(
                "expected {}, got {}",
                ty.kind_name(),
                v.kind_name()
            ))),
        }
    }
}
