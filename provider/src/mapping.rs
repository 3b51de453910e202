//! Resource `Value` → `scaling::Profile`. Unset and not-yet-known values both
//! become `None`: the rule engine skips them and components leave those
//! settings alone.

use std::convert::Infallible;

use scaling::model::{self, Described, FieldInfo, Kind, Source, Val};
use scaling::{Location, LocationStep, Profile};
use tfplugin::{AttributePath, Number, PathStep, Value};

/// Builds the profile a resource value (config, planned or state) describes.
pub fn profile_from_value(v: &Value, region: Option<&str>) -> Profile {
    match model::read_profile(&Src(v), region) {
        Ok(p) => p,
        Err(never) => match never {},
    }
}

/// One object of a resource value, read through the model.
struct Src<'a>(&'a Value);

/// A known Terraform value as a model value; null and unknown read as
/// `Val::Null`, a fraction where a whole number is needed too (validation
/// reports it).
pub fn val_of(v: Option<&Value>, kind: Kind) -> Val {
    let v = match v {
        None | Some(Value::Null) | Some(Value::Unknown(_)) => return Val::Null,
        Some(v) => v,
    };
    let known = |e: &&Value| !matches!(e, Value::Null | Value::Unknown(_));
    let num = |v: &Value| v.as_number().map(Number::as_f64);
    match kind {
        Kind::String => v.as_str().map_or(Val::Null, |s| Val::Str(s.to_string())),
        Kind::Bool => v.as_bool().map_or(Val::Null, Val::Bool),
        Kind::Number => num(v).map_or(Val::Null, Val::Num),
        Kind::Int => v
            .as_number()
            .and_then(Number::as_i64)
            .map_or(Val::Null, Val::Int),
        Kind::Strings => Val::Strs(
            v.as_elements()
                .unwrap_or(&[])
                .iter()
                .filter(known)
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect(),
        ),
        Kind::Ints => Val::Ints(
            v.as_elements()
                .unwrap_or(&[])
                .iter()
                .filter(known)
                .filter_map(|e| num(e).map(|f| f as i64))
                .collect(),
        ),
    }
}

/// The struct one object of a resource value describes, as its block's
/// table reads it (defaults included).
pub fn read_block<T: model::Blank, R>(block: &model::Block<T, R>, obj: &Value) -> T {
    match block.read(&Src(obj)) {
        Ok(t) => t,
        Err(never) => match never {},
    }
}

/// What only AWS reports of one object of a resource value (a state's).
pub fn read_reported<T, R: Default>(block: &model::Block<T, R>, obj: &Value) -> R {
    match block.reported(&Src(obj)) {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

/// A model value as a Terraform value.
pub fn value_of(v: Val) -> Value {
    let list = |e: Vec<Value>| Value::List(e);
    match v {
        Val::Null => Value::Null,
        Val::Str(s) => Value::String(s),
        Val::Int(i) => Value::int(i),
        Val::Num(n) => Value::Number(Number::from_f64(n)),
        Val::Bool(b) => Value::Bool(b),
        Val::Strs(v) => list(v.into_iter().map(Value::String).collect()),
        Val::Ints(v) => list(v.into_iter().map(Value::int).collect()),
    }
}

impl Source for Src<'_> {
    type Error = Infallible;

    fn value(&self, field: &FieldInfo) -> Result<Val, Infallible> {
        Ok(val_of(self.0.get(field.name), field.kind))
    }

    fn single(&self, block: &dyn Described) -> Result<Option<Self>, Infallible> {
        Ok(self.entries(block)?.into_iter().next())
    }

    fn entries(&self, block: &dyn Described) -> Result<Vec<Self>, Infallible> {
        Ok(self
            .0
            .get(block.location())
            .and_then(Value::as_elements)
            .unwrap_or(&[])
            .iter()
            .map(Src)
            .collect())
    }
}

/// A rule engine or component location as a Terraform attribute path.
/// Every block of the resource is a list, so a location that names a block
/// without an index (`api_gateway.rate_limit`) gets index 0 inserted, as
/// Terraform addresses it (`api_gateway[0].rate_limit`).
pub fn location_to_path(loc: &Location, schema: &tfplugin::Block) -> AttributePath {
    let mut out = Vec::new();
    let mut block = Some(schema);
    let mut steps = loc.0.iter().peekable();
    while let Some(step) = steps.next() {
        match step {
            LocationStep::Attr(a) => {
                out.push(PathStep::Attr(a.clone()));
                let nested = block.and_then(|b| b.nested(a));
                block = nested.map(|n| &n.block);
                if nested.is_some() && !matches!(steps.peek(), Some(LocationStep::Index(_))) {
                    out.push(PathStep::Index(0));
                }
            }
            LocationStep::Index(i) => out.push(PathStep::Index(*i as i64)),
        }
    }
    AttributePath(out)
}
