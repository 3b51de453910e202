//! msgpack codec (Terraform's DynamicValue.msgpack), following go-cty's
//! wire format.
//!
//! Decoding is driven by the [`Type`]: nil is null for any type, any
//! extension value is unknown (ext 12 carries refinements), a dynamic value
//! is `[type JSON, value]`. Numbers are read without loss and written as an
//! int when they are an i64, as a float64 when they are exactly one, and as
//! decimal text otherwise. Objects are maps carrying exactly the attributes
//! of their type.

use std::collections::BTreeMap;

use super::path::PathBuilder;
use super::{CodecError, Number, Refinements, Type, Value, MAX_DEPTH};

/// Extension type of an unknown value with refinements.
const EXT_REFINED_UNKNOWN: i8 = 0x0c;
/// Payload size limit of a refinement map (as go-cty enforces).
const MAX_REFINEMENT_PAYLOAD: usize = 1024;

const REFINE_NULLNESS: i64 = 1;
const REFINE_STRING_PREFIX: i64 = 2;
const REFINE_NUMBER_MIN: i64 = 3;
const REFINE_NUMBER_MAX: i64 = 4;
const REFINE_LENGTH_MIN: i64 = 5;
const REFINE_LENGTH_MAX: i64 = 6;

/// Decodes msgpack `bytes` as a value of type `ty`. Every byte must be used.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut d = Decoder {
        buf: bytes,
        pos: 0,
        path: PathBuilder::default(),
        depth: 0,
    };
    let v = d.value(ty)?;
    if d.pos != bytes.len() {
        return Err(CodecError::at_root(format!(
            "{} unexpected bytes after the value",
            bytes.len() - d.pos
        )));
    }
    Ok(v)
}

/// Encodes `v` as msgpack against type `ty`. Objects must carry exactly the
/// attributes of their type.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut e = Encoder {
        out: Vec::new(),
        path: PathBuilder::default(),
        depth: 0,
    };
    e.value(v, ty)?;
    Ok(e.out)
}

/// One msgpack item's header; strings, binaries and extension payloads
/// are already sliced out of the input.
#[derive(Debug, Clone, Copy)]
enum Header<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    F32(f32),
    F64(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(u32),
    Map(u32),
    Ext(i8, &'a [u8]),
}

impl Header<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Header::Nil => "null",
            Header::Bool(_) => "bool",
            Header::Int(_) | Header::Uint(_) => "integer",
            Header::F32(_) | Header::F64(_) => "float",
            Header::Str(_) => "string",
            Header::Bin(_) => "binary",
            Header::Array(_) => "array",
            Header::Map(_) => "map",
            Header::Ext(..) => "extension",
        }
    }
}

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    path: PathBuilder,
    depth: usize,
}

impl<'a> Decoder<'a> {
    fn err(&self, msg: impl Into<String>) -> CodecError {
        self.path.error(msg)
    }

    fn expected(&self, what: &str, got: &Header<'_>) -> CodecError {
        self.err(format!("expected {what}, got {}", got.kind()))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let remaining = self.buf.len() - self.pos;
        if n > remaining {
            return Err(self.err(format!(
                "unexpected end of input at byte {}: {n} bytes needed, {remaining} left",
                self.pos
            )));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn len8(&mut self) -> Result<usize, CodecError> {
        Ok(usize::from(self.byte()?))
    }
    fn len16(&mut self) -> Result<usize, CodecError> {
        Ok(usize::from(u16::from_be_bytes(self.be()?)))
    }
    fn len32(&mut self) -> Result<usize, CodecError> {
        let n = u32::from_be_bytes(self.be()?);
        usize::try_from(n).map_err(|_| self.err("length does not fit in memory"))
    }

    fn ext(&mut self, len: usize) -> Result<Header<'a>, CodecError> {
        let t = self.byte()? as i8;
        let payload = self.take(len)?;
        Ok(Header::Ext(t, payload))
    }

    fn header(&mut self) -> Result<Header<'a>, CodecError> {
        let at = self.pos;
        let m = self.byte()?;
        Ok(match m {
            0x00..=0x7f => Header::Int(i64::from(m)),
            0x80..=0x8f => Header::Map(u32::from(m & 0x0f)),
            0x90..=0x9f => Header::Array(u32::from(m & 0x0f)),
            0xa0..=0xbf => {
                let n = usize::from(m & 0x1f);
                Header::Str(self.take(n)?)
            }
            0xc0 => Header::Nil,
            0xc1 => return Err(self.err(format!("invalid msgpack marker 0xc1 at byte {at}"))),
            0xc2 => Header::Bool(false),
            0xc3 => Header::Bool(true),
            0xc4 => {
                let n = self.len8()?;
                Header::Bin(self.take(n)?)
            }
            0xc5 => {
                let n = self.len16()?;
                Header::Bin(self.take(n)?)
            }
            0xc6 => {
                let n = self.len32()?;
                Header::Bin(self.take(n)?)
            }
            0xc7 => {
                let n = self.len8()?;
                self.ext(n)?
            }
            0xc8 => {
                let n = self.len16()?;
                self.ext(n)?
            }
            0xc9 => {
                let n = self.len32()?;
                self.ext(n)?
            }
            0xca => Header::F32(f32::from_be_bytes(self.be()?)),
            0xcb => Header::F64(f64::from_be_bytes(self.be()?)),
            0xcc => Header::Uint(u64::from(self.byte()?)),
            0xcd => Header::Uint(u64::from(u16::from_be_bytes(self.be()?))),
            0xce => Header::Uint(u64::from(u32::from_be_bytes(self.be()?))),
            0xcf => Header::Uint(u64::from_be_bytes(self.be()?)),
            0xd0 => Header::Int(i64::from(self.byte()? as i8)),
            0xd1 => Header::Int(i64::from(i16::from_be_bytes(self.be()?))),
            0xd2 => Header::Int(i64::from(i32::from_be_bytes(self.be()?))),
            0xd3 => Header::Int(i64::from_be_bytes(self.be()?)),
            0xd4 => self.ext(1)?,
            0xd5 => self.ext(2)?,
            0xd6 => self.ext(4)?,
            0xd7 => self.ext(8)?,
            0xd8 => self.ext(16)?,
            0xd9 => {
                let n = self.len8()?;
                Header::Str(self.take(n)?)
            }
            0xda => {
                let n = self.len16()?;
                Header::Str(self.take(n)?)
            }
            0xdb => {
                let n = self.len32()?;
                Header::Str(self.take(n)?)
            }
            0xdc => Header::Array(u32::from(u16::from_be_bytes(self.be()?))),
            0xdd => Header::Array(u32::from_be_bytes(self.be()?)),
            0xde => Header::Map(u32::from(u16::from_be_bytes(self.be()?))),
            0xdf => Header::Map(u32::from_be_bytes(self.be()?)),
            0xe0..=0xff => Header::Int(i64::from(m as i8)),
        })
    }

    fn utf8(&self, b: &'a [u8]) -> Result<&'a str, CodecError> {
        std::str::from_utf8(b).map_err(|e| self.err(format!("invalid UTF-8 in string: {e}")))
    }

    /// Decodes the next item as a value of `ty`.
    fn value(&mut self, ty: &Type) -> Result<Value, CodecError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(format!("value nested too deeply (limit {MAX_DEPTH})")));
        }
        self.depth += 1;
        let h = self.header();
        let r = match h {
            Ok(h) => self.value_from(h, ty),
            Err(e) => Err(e),
        };
        self.depth -= 1;
        r
    }

    fn value_from(&mut self, h: Header<'a>, ty: &Type) -> Result<Value, CodecError> {
        match h {
            Header::Ext(t, payload) => return self.unknown(t, payload, ty),
            Header::Nil => return Ok(Value::Null),
            _ => {}
        }
        match ty {
            Type::Dynamic => self.dynamic(h),
            Type::Bool => match h {
                Header::Bool(b) => Ok(Value::Bool(b)),
                _ => Err(self.expected("bool", &h)),
            },
            Type::Number => self.number(h).map(Value::Number),
            Type::String => match h {
                Header::Str(b) | Header::Bin(b) => Ok(Value::String(self.utf8(b)?.to_string())),
                _ => Err(self.expected("string", &h)),
            },
            Type::List(et) => match h {
                Header::Array(n) => Ok(Value::List(self.elements(n, et, true)?)),
                _ => Err(self.expected("list (array)", &h)),
            },
            Type::Set(et) => match h {
                Header::Array(n) => {
                    self.path.enter_set();
                    let r = self.elements(n, et, false);
                    self.path.leave_set();
                    Ok(Value::Set(r?))
                }
                _ => Err(self.expected("set (array)", &h)),
            },
            Type::Tuple(ets) => match h {
                Header::Array(n) => {
                    if n as usize != ets.len() {
                        return Err(self.err(format!(
                            "expected a tuple of {} elements, got {n}",
                            ets.len()
                        )));
                    }
                    let mut out = Vec::with_capacity(ets.len());
                    for (i, et) in ets.iter().enumerate() {
                        self.path.push_index(i);
                        let r = self.value(et);
                        self.path.pop();
                        out.push(r?);
                    }
                    Ok(Value::Tuple(out))
                }
                _ => Err(self.expected("tuple (array)", &h)),
            },
            Type::Map(et) => match h {
                Header::Map(n) => {
                    let mut out = BTreeMap::new();
                    for _ in 0..n {
                        let key = self.key()?;
                        self.path.push_key(&key);
                        let r = if out.contains_key(&key) {
                            Err(self.err("duplicate map key"))
                        } else {
                            self.value(et)
                        };
                        self.path.pop();
                        out.insert(key, r?);
                    }
                    Ok(Value::Map(out))
                }
                _ => Err(self.expected("map", &h)),
            },
            Type::Object { attributes, .. } => match h {
                Header::Map(n) => {
                    let mut out = BTreeMap::new();
                    for _ in 0..n {
                        let key = self.key()?;
                        self.path.push_attr(&key);
                        let r = match attributes.get(&key) {
                            None => Err(self.err("unsupported attribute: not in the object type")),
                            Some(_) if out.contains_key(&key) => {
                                Err(self.err("attribute given twice"))
                            }
                            Some(at) => self.value(at),
                        };
                        self.path.pop();
                        out.insert(key, r?);
                    }
                    if let Some(missing) = attributes.keys().find(|k| !out.contains_key(*k)) {
                        self.path.push_attr(missing);
                        let e = self.err(format!(
                            "missing attribute: an object with {} attributes is required ({} given)",
                            attributes.len(),
                            out.len()
                        ));
                        self.path.pop();
                        return Err(e);
                    }
                    Ok(Value::Object(out))
                }
                _ => Err(self.expected("object (map)", &h)),
            },
        }
    }

    /// `n` array elements of type `et`; `indexed` adds the index to paths.
    fn elements(&mut self, n: u32, et: &Type, indexed: bool) -> Result<Vec<Value>, CodecError> {
        // Every element takes at least one byte: never reserve more than
        // the input can hold.
        let cap = (n as usize).min(self.buf.len() - self.pos);
        let mut out = Vec::with_capacity(cap);
        for i in 0..n as usize {
            if indexed {
                self.path.push_index(i);
            }
            let r = self.value(et);
            if indexed {
                self.path.pop();
            }
            out.push(r?);
        }
        Ok(out)
    }

    fn key(&mut self) -> Result<String, CodecError> {
        match self.header()? {
            Header::Str(b) | Header::Bin(b) => Ok(self.utf8(b)?.to_string()),
            h => Err(self.err(format!("map keys must be strings, got {}", h.kind()))),
        }
    }

    fn number(&self, h: Header<'a>) -> Result<Number, CodecError> {
        match h {
            Header::Int(i) => Ok(Number::from(i)),
            Header::Uint(u) => Ok(Number::from(u)),
            Header::F32(f) => self.float(f64::from(f)),
            Header::F64(f) => self.float(f),
            Header::Str(b) => {
                let s = self.utf8(b)?;
                Number::parse(s).ok_or_else(|| self.err(format!("invalid number {s:?}")))
            }
            _ => Err(self.expected("number", &h)),
        }
    }

    fn float(&self, f: f64) -> Result<Number, CodecError> {
        if f.is_nan() {
            Err(self.err("NaN is not a valid number"))
        } else {
            Ok(Number::from_f64_exact(f))
        }
    }

    fn dynamic(&mut self, h: Header<'a>) -> Result<Value, CodecError> {
        match h {
            Header::Array(2) => {}
            Header::Array(n) => {
                return Err(self.err(format!(
                    "a dynamic value must be a 2-element array [type, value], got {n} elements"
                )))
            }
            _ => return Err(self.expected("dynamic value ([type, value] array)", &h)),
        }
        let th = self.header()?;
        let ty = match th {
            Header::Bin(b) | Header::Str(b) => {
                let s = self.utf8(b)?;
                super::json::type_from_json(s).map_err(|e| {
                    self.err(format!("invalid type of dynamic value: {}", e.message))
                })?
            }
            _ => return Err(self.expected("type JSON of a dynamic value", &th)),
        };
        let v = self.value(&ty)?;
        Ok(Value::Dynamic(ty, Box::new(v)))
    }

    fn unknown(&mut self, ext: i8, payload: &'a [u8], ty: &Type) -> Result<Value, CodecError> {
        if payload.len() <= 1 || ext != EXT_REFINED_UNKNOWN || *ty == Type::Dynamic {
            return Ok(Value::unknown());
        }
        if payload.len() > MAX_REFINEMENT_PAYLOAD {
            return Err(self.err(format!(
                "unknown value refinements too large ({} bytes, limit {MAX_REFINEMENT_PAYLOAD})",
                payload.len()
            )));
        }
        let mut sub = Decoder {
            buf: payload,
            pos: 0,
            path: self.path.clone(),
            depth: self.depth,
        };
        sub.refinements(ty).map(Value::Unknown)
    }

    fn refinements(&mut self, ty: &Type) -> Result<Refinements, CodecError> {
        let n = match self.header()? {
            Header::Map(n) => n,
            h => return Err(self.expected("refinement map", &h)),
        };
        let mut r = Refinements::default();
        for _ in 0..n {
            let key = match self.header()? {
                Header::Int(i) => i,
                Header::Uint(u) => i64::try_from(u).unwrap_or(i64::MAX),
                h => return Err(self.expected("integer refinement key", &h)),
            };
            match key {
                REFINE_NULLNESS => match self.header()? {
                    // The wire says "is null": false means definitely not null.
                    Header::Bool(is_null) => r.not_null = Some(!is_null),
                    h => return Err(self.expected("bool nullness refinement", &h)),
                },
                REFINE_STRING_PREFIX => {
                    if *ty != Type::String {
                        return Err(self.err("string prefix refinement on a non-string value"));
                    }
                    match self.header()? {
                        Header::Str(b) => r.string_prefix = Some(self.utf8(b)?.to_string()),
                        h => return Err(self.expected("string prefix refinement", &h)),
                    }
                }
                REFINE_NUMBER_MIN | REFINE_NUMBER_MAX => {
                    if *ty != Type::Number {
                        return Err(self.err("number bound refinement on a non-number value"));
                    }
                    let bound = self.number_bound()?;
                    if key == REFINE_NUMBER_MIN {
                        r.number_lower = Some(bound);
                    } else {
                        r.number_upper = Some(bound);
                    }
                }
                REFINE_LENGTH_MIN | REFINE_LENGTH_MAX => {
                    if !matches!(ty, Type::List(_) | Type::Set(_) | Type::Map(_)) {
                        return Err(self.err("length refinement on a non-collection value"));
                    }
                    let len = match self.header()? {
                        Header::Int(i) => i,
                        Header::Uint(u) => i64::try_from(u)
                            .map_err(|_| self.err("length refinement out of range"))?,
                        h => return Err(self.expected("integer length refinement", &h)),
                    };
                    if key == REFINE_LENGTH_MIN {
                        r.length_lower = Some(len);
                    } else {
                        r.length_upper = Some(len);
                    }
                }
                // Refinements added after this code was written are skipped.
                _ => self.skip()?,
            }
        }
        Ok(r)
    }

    /// A number bound refinement: `[number, inclusive]`.
    fn number_bound(&mut self) -> Result<(Number, bool), CodecError> {
        const SHAPE: &str = "number bound refinement must be [number, bool]";
        if !matches!(self.header()?, Header::Array(2)) {
            return Err(self.err(SHAPE));
        }
        let h = self.header()?;
        let n = match h {
            Header::Nil | Header::Ext(..) => return Err(self.err(SHAPE)),
            h => self.number(h)?,
        };
        match self.header()? {
            Header::Bool(inclusive) => Ok((n, inclusive)),
            _ => Err(self.err(SHAPE)),
        }
    }

    /// Skips one item, however nested, without recursion.
    fn skip(&mut self) -> Result<(), CodecError> {
        let mut pending: u64 = 1;
        while pending > 0 {
            pending -= 1;
            match self.header()? {
                Header::Array(n) => pending = pending.saturating_add(u64::from(n)),
                Header::Map(n) => pending = pending.saturating_add(2 * u64::from(n)),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Longest string prefix refinement written; cty truncates longer ones
/// (and refuses refinement payloads over 1 KiB).
const MAX_STRING_PREFIX: usize = 256;

/// A string prefix shortened as cty shortens it: a prefix over 256 bytes is
/// cut to 256 bytes and then loses its last, possibly partial, character.
fn truncate_prefix(prefix: &str) -> &str {
    if prefix.len() <= MAX_STRING_PREFIX {
        return prefix;
    }
    let mut end = MAX_STRING_PREFIX;
    if prefix.is_char_boundary(end) {
        // The cut is clean: drop the last whole character.
        end -= 1;
    }
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    &prefix[..end]
}

struct Encoder {
    out: Vec<u8>,
    path: PathBuilder,
    depth: usize,
}

impl Encoder {
    fn err(&self, msg: impl Into<String>) -> CodecError {
        self.path.error(msg)
    }

    fn nil(&mut self) {
        self.out.push(0xc0);
    }

    fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xc3 } else { 0xc2 });
    }

    fn int(&mut self, i: i64) {
        if i >= 0 {
            let u = i as u64;
            if u < 0x80 {
                self.out.push(u as u8);
            } else if u <= 0xff {
                self.out.push(0xcc);
                self.out.push(u as u8);
            } else if u <= 0xffff {
                self.out.push(0xcd);
                self.out.extend_from_slice(&(u as u16).to_be_bytes());
            } else if u <= 0xffff_ffff {
                self.out.push(0xce);
                self.out.extend_from_slice(&(u as u32).to_be_bytes());
            } else {
                self.out.push(0xcf);
                self.out.extend_from_slice(&u.to_be_bytes());
            }
        } else if i >= -32 {
            self.out.push(i as i8 as u8);
        } else if i >= i64::from(i8::MIN) {
            self.out.push(0xd0);
            self.out.push(i as i8 as u8);
        } else if i >= i64::from(i16::MIN) {
            self.out.push(0xd1);
            self.out.extend_from_slice(&(i as i16).to_be_bytes());
        } else if i >= i64::from(i32::MIN) {
            self.out.push(0xd2);
            self.out.extend_from_slice(&(i as i32).to_be_bytes());
        } else {
            self.out.push(0xd3);
            self.out.extend_from_slice(&i.to_be_bytes());
        }
    }

    fn f64(&mut self, f: f64) {
        self.out.push(0xcb);
        self.out.extend_from_slice(&f.to_be_bytes());
    }

    fn len_header(
        &mut self,
        n: usize,
        fix: u8,
        fix_max: usize,
        m8: Option<u8>,
        m16: u8,
        m32: u8,
    ) -> Result<(), CodecError> {
        if n <= fix_max {
            self.out.push(fix | n as u8);
        } else if let (Some(m), true) = (m8, n <= 0xff) {
            self.out.push(m);
            self.out.push(n as u8);
        } else if n <= 0xffff {
            self.out.push(m16);
            self.out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if let Ok(n) = u32::try_from(n) {
            self.out.push(m32);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else {
            return Err(self.err("too large for msgpack (more than 2^32-1 items or bytes)"));
        }
        Ok(())
    }

    fn str(&mut self, s: &str) -> Result<(), CodecError> {
        self.len_header(s.len(), 0xa0, 31, Some(0xd9), 0xda, 0xdb)?;
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn bin(&mut self, b: &[u8]) -> Result<(), CodecError> {
        if b.len() <= 0xff {
            self.out.push(0xc4);
            self.out.push(b.len() as u8);
        } else {
            // No fixbin: reuse the 16/32 forms.
            self.len_header(b.len(), 0, 0, None, 0xc5, 0xc6)?;
        }
        self.out.extend_from_slice(b);
        Ok(())
    }

    fn array(&mut self, n: usize) -> Result<(), CodecError> {
        self.len_header(n, 0x90, 15, None, 0xdc, 0xdd)
    }

    fn map(&mut self, n: usize) -> Result<(), CodecError> {
        self.len_header(n, 0x80, 15, None, 0xde, 0xdf)
    }

    fn ext(&mut self, t: i8, payload: &[u8]) -> Result<(), CodecError> {
        match payload.len() {
            1 => self.out.push(0xd4),
            2 => self.out.push(0xd5),
            4 => self.out.push(0xd6),
            8 => self.out.push(0xd7),
            16 => self.out.push(0xd8),
            n if n <= 0xff => {
                self.out.push(0xc7);
                self.out.push(n as u8);
            }
            n if n <= 0xffff => {
                self.out.push(0xc8);
                self.out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                let n = u32::try_from(n).map_err(|_| self.err("extension payload too large"))?;
                self.out.push(0xc9);
                self.out.extend_from_slice(&n.to_be_bytes());
            }
        }
        self.out.push(t as u8);
        self.out.extend_from_slice(payload);
        Ok(())
    }

    fn number(&mut self, n: &Number) -> Result<(), CodecError> {
        if n.is_nan() {
            return Err(self.err("NaN cannot be encoded: not a valid number"));
        }
        if let Some(i) = n.as_i64() {
            self.int(i);
        } else if let Some(f) = n.as_exact_f64() {
            self.f64(f);
        } else {
            self.str(n.as_str())?;
        }
        Ok(())
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

    fn value_inner(&mut self, v: &Value, ty: &Type) -> Result<(), CodecError> {
        match (v, ty) {
            (Value::Null, _) => {
                self.nil();
                Ok(())
            }
            (Value::Unknown(r), _) => self.unknown(r, ty),
            (Value::Dynamic(t, inner), Type::Dynamic) => {
                self.array(2)?;
                self.bin(super::json::type_to_json(t).as_bytes())?;
                self.value(inner, t)
            }
            (Value::Dynamic(t, inner), _) if t == ty => self.value(inner, ty),
            (Value::Dynamic(t, _), _) => Err(self.err(format!(
                "expected {}, got a dynamic value of type {t}",
                ty
            ))),
            (_, Type::Dynamic) => match v.implied_type() {
                Some(t) => {
                    self.array(2)?;
                    self.bin(super::json::type_to_json(&t).as_bytes())?;
                    self.value(v, &t)
                }
                None => Err(self.err(
                    "cannot tell the type of this value for a dynamic attribute: wrap it in Value::Dynamic",
                )),
            },
            (Value::Bool(b), Type::Bool) => {
                self.bool(*b);
                Ok(())
            }
            (Value::Number(n), Type::Number) => self.number(n),
            (Value::String(s), Type::String) => self.str(s),
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::List(et)) => {
                self.array(items.len())?;
                for (i, item) in items.iter().enumerate() {
                    self.path.push_index(i);
                    let r = self.value(item, et);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Set(et)) => {
                self.array(items.len())?;
                self.path.enter_set();
                let r = items.iter().try_for_each(|item| self.value(item, et));
                self.path.leave_set();
                r
            }
            (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Tuple(ets)) => {
                if items.len() != ets.len() {
                    return Err(self.err(format!(
                        "expected a tuple of {} elements, got {}",
                        ets.len(),
                        items.len()
                    )));
                }
                self.array(items.len())?;
                for (i, (item, et)) in items.iter().zip(ets).enumerate() {
                    self.path.push_index(i);
                    let r = self.value(item, et);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
                self.map(m.len())?;
                for (k, item) in m {
                    self.path.push_key(k);
                    let r = self.str(k).and_then(|()| self.value(item, et));
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            (Value::Map(m) | Value::Object(m), Type::Object { attributes, .. }) => {
                if let Some(extra) = m.keys().find(|k| !attributes.contains_key(*k)) {
                    self.path.push_attr(extra);
                    let e = self.err("unsupported attribute: not in the object type");
                    self.path.pop();
                    return Err(e);
                }
                self.map(attributes.len())?;
                for (name, at) in attributes {
                    self.path.push_attr(name);
                    let r = match m.get(name) {
                        Some(item) => self.str(name).and_then(|()| self.value(item, at)),
                        None => Err(self.err(
                            "missing attribute: every attribute of the object type must be present (null if unset)",
                        )),
                    };
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            (v, ty) => Err(self.err(format!("expected {}, got {}", ty.kind_name(), v.kind_name()))),
        }
    }

    fn unknown(&mut self, r: &Refinements, ty: &Type) -> Result<(), CodecError> {
        if *ty == Type::Dynamic {
            // cty: an unknown of type dynamic has no refinements.
            self.out.extend_from_slice(&[0xd4, 0x00, 0x00]);
            return Ok(());
        }
        let mut sub = Encoder {
            out: Vec::new(),
            path: self.path.clone(),
            depth: self.depth,
        };
        let mut entries = 0usize;
        if let Some(not_null) = r.not_null {
            sub.int(REFINE_NULLNESS);
            // The wire says "is null".
            sub.bool(!not_null);
            entries += 1;
        }
        if let Some(prefix) = &r.string_prefix {
            if *ty != Type::String {
                return Err(self.err("string prefix refinement on a non-string value"));
            }
            sub.int(REFINE_STRING_PREFIX);
            sub.str(truncate_prefix(prefix))?;
            entries += 1;
        }
        for (key, bound) in [
            (REFINE_NUMBER_MIN, &r.number_lower),
            (REFINE_NUMBER_MAX, &r.number_upper),
        ] {
            if let Some((n, inclusive)) = bound {
                if *ty != Type::Number {
                    return Err(self.err("number bound refinement on a non-number value"));
                }
                sub.int(key);
                sub.array(2)?;
                sub.number(n)?;
                sub.bool(*inclusive);
                entries += 1;
            }
        }
        for (key, len) in [
            (REFINE_LENGTH_MIN, r.length_lower),
            (REFINE_LENGTH_MAX, r.length_upper),
        ] {
            if let Some(len) = len {
                if !matches!(ty, Type::List(_) | Type::Set(_) | Type::Map(_)) {
                    return Err(self.err("length refinement on a non-collection value"));
                }
                sub.int(key);
                sub.int(len);
                entries += 1;
            }
        }
        if entries == 0 {
            self.out.extend_from_slice(&[0xd4, 0x00, 0x00]);
            return Ok(());
        }
        let mut payload = Vec::with_capacity(sub.out.len() + 1);
        // entries ≤ 6: a fixmap header.
        payload.push(0x80 | entries as u8);
        payload.extend_from_slice(&sub.out);
        self.ext(EXT_REFINED_UNKNOWN, &payload)
    }
}
