//! The 1.0 surface (single objects and keyed maps as nested attributes, a
//! `timeouts` block) ⇄ the shape the resource's verbs work on: every model
//! block a list under its location name (`lambda[1]`), as the rule engine's
//! and the AWS side's locations address it and as the AWS side takes the
//! parts (in `Vec`s).
//!
//! A map's entries become list elements in the order of their keys, and
//! [`Shapes`] remembers the keys (and whether a map or object was null or
//! unknown), so the verbs' results, and the paths of their diagnostics
//! (`lambda[1].memory_size` → `lambda_pools["api"].memory_size`), go back
//! to the keys. The private state and the crash journal name AWS objects
//! (function, table, quota), never positions.

use std::collections::BTreeMap;

use scaling::model::{self, Described, Nesting};
use tfplugin::{AttributePath, Diagnostics, PathStep, Value};

use crate::schema::TIMEOUTS;

/// What a top-level nested attribute was, to give it back its form.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Null,
    Unknown,
    /// A single object, or a map with these keys (list order).
    Present(Vec<String>),
}

/// The form of every top-level nested attribute of one value, and its
/// `timeouts` block, by location name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shapes {
    pub blocks: BTreeMap<String, Shape>,
    pub timeouts: Option<Value>,
}

impl Shapes {
    /// The keys of a map block, by location name (empty if none).
    pub fn keys(&self, location: &str) -> &[String] {
        match self.blocks.get(location) {
            Some(Shape::Present(k)) => k,
            _ => &[],
        }
    }
}

fn top_blocks() -> &'static [&'static (dyn Described + Sync)] {
    model::RESOURCE.blocks()
}

/// One object's nested attributes as list blocks, recursively.
fn object_to_lists(block: &dyn Described, v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = m.clone();
    for c in block.blocks() {
        let inner = out.remove(c.name()).unwrap_or(Value::Null);
        out.insert(c.location().to_string(), entries(*c, &inner).1);
    }
    Value::Object(out)
}

/// A nested attribute's value as a list, and its shape.
fn entries(block: &dyn Described, v: &Value) -> (Shape, Value) {
    match (block.nesting(), v) {
        (_, Value::Null) => (Shape::Null, Value::List(Vec::new())),
        (_, Value::Unknown(_)) => (Shape::Unknown, Value::List(Vec::new())),
        (Nesting::Single, o) => (
            Shape::Present(Vec::new()),
            Value::List(vec![object_to_lists(block, o)]),
        ),
        (Nesting::Map, Value::Map(m) | Value::Object(m)) => (
            Shape::Present(m.keys().cloned().collect()),
            Value::List(m.values().map(|e| object_to_lists(block, e)).collect()),
        ),
        (Nesting::Map, _) => (Shape::Null, Value::List(Vec::new())),
    }
}

/// A resource value (config, proposed, planned, state) in the verbs' shape,
/// with what is needed to give it back its form.
pub fn to_lists(v: &Value) -> (Value, Shapes) {
    let mut shapes = Shapes::default();
    let Value::Object(m) = v else {
        return (v.clone(), shapes);
    };
    let mut out = m.clone();
    shapes.timeouts = out.remove(TIMEOUTS);
    for b in top_blocks() {
        let inner = out.remove(b.name()).unwrap_or(Value::Null);
        let (shape, list) = entries(*b, &inner);
        shapes.blocks.insert(b.location().to_string(), shape);
        out.insert(b.location().to_string(), list);
    }
    (Value::Object(out), shapes)
}

/// `v` in the verbs' shape with its map entries in the order of `keys`'
/// (another value's): an entry `v` lacks is a null element, so element `i`
/// of both values is the same key. How the plan finds an entry's prior state.
pub fn to_lists_as(v: &Value, keys: &Shapes) -> Value {
    let (mut out, own) = to_lists(v);
    let Value::Object(m) = &mut out else {
        return out;
    };
    for b in top_blocks() {
        if b.nesting() != Nesting::Map {
            continue;
        }
        let loc = b.location();
        let mine: BTreeMap<&String, Value> = own
            .keys(loc)
            .iter()
            .zip(
                m.get(loc)
                    .and_then(Value::as_elements)
                    .unwrap_or(&[])
                    .iter(),
            )
            .map(|(k, e)| (k, e.clone()))
            .collect();
        let aligned: Vec<Value> = keys
            .keys(loc)
            .iter()
            .map(|k| mine.get(k).cloned().unwrap_or(Value::Null))
            .collect();
        m.insert(loc.to_string(), Value::List(aligned));
    }
    out
}

/// One object's list blocks back as nested attributes, recursively (inner
/// blocks are single objects).
fn object_from_lists(block: &dyn Described, v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = m.clone();
    for c in block.blocks() {
        let list = out.remove(c.location()).unwrap_or(Value::Null);
        let single = list
            .as_elements()
            .and_then(|e| e.first())
            .map_or(Value::Null, |e| object_from_lists(*c, e));
        out.insert(c.name().to_string(), single);
    }
    Value::Object(out)
}

/// A value of the verbs' shape back in the 1.0 form `shapes` describes.
pub fn from_lists(v: &Value, shapes: &Shapes) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = m.clone();
    for b in top_blocks() {
        let list = out.remove(b.location()).unwrap_or(Value::Null);
        let elems = list.as_elements().unwrap_or(&[]);
        let back = match (shapes.blocks.get(b.location()), b.nesting()) {
            (Some(Shape::Unknown), _) => Value::unknown(),
            (None | Some(Shape::Null), _) if elems.is_empty() => Value::Null,
            (_, Nesting::Single) => elems
                .first()
                .map_or(Value::Null, |e| object_from_lists(*b, e)),
            (shape, Nesting::Map) => {
                let keys: &[String] = match shape {
                    Some(Shape::Present(k)) => k,
                    _ => &[],
                };
                Value::Map(
                    keys.iter()
                        .zip(elems)
                        .filter(|(_, e)| !e.is_null())
                        .map(|(k, e)| (k.clone(), object_from_lists(*b, e)))
                        .collect(),
                )
            }
        };
        out.insert(b.name().to_string(), back);
    }
    out.insert(
        TIMEOUTS.to_string(),
        shapes.timeouts.clone().unwrap_or(Value::Null),
    );
    Value::Object(out)
}

/// A path of the verbs' shape (`lambda[1].memory_size`,
/// `dynamodb[0].autoscaling[0].read[0]`) as Terraform addresses the 1.0
/// attribute (`lambda_pools["api"].memory_size`,
/// `dynamodb_tables["feeds"].autoscaling.read`).
pub fn path_from_lists(p: &AttributePath, shapes: &Shapes) -> AttributePath {
    let mut out = Vec::new();
    let mut block: Option<&dyn Described> = Some(&model::RESOURCE);
    let mut steps = p.0.iter().peekable();
    let mut top = true;
    while let Some(step) = steps.next() {
        let child = match (step, block) {
            (PathStep::Attr(a), Some(b)) => b.blocks().iter().find(|c| c.location() == a),
            _ => None,
        };
        let Some(c) = child else {
            out.push(step.clone());
            block = None;
            continue;
        };
        out.push(PathStep::Attr(c.name().to_string()));
        if let Some(PathStep::Index(i)) = steps.peek() {
            let i = *i;
            steps.next();
            if c.nesting() == Nesting::Map {
                let key = if top {
                    shapes.keys(c.location()).get(i as usize).cloned()
                } else {
                    None
                };
                match key {
                    Some(k) => out.push(PathStep::Key(k)),
                    None => out.push(PathStep::Index(i)),
                }
            }
        }
        top = false;
        block = Some(*c);
    }
    AttributePath(out)
}

/// Diagnostics of the verbs, their paths as Terraform addresses them.
pub fn diags_from_lists(d: Diagnostics, shapes: &Shapes) -> Diagnostics {
    Diagnostics(
        d.0.into_iter()
            .map(|mut d| {
                d.attribute = d.attribute.map(|p| path_from_lists(&p, shapes));
                d
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests;
