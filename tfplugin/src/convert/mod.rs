//! Translation between the crate's model (schemas, diagnostics, values) and
//! the tfplugin6 protocol messages.
//!
//! Values travel as `DynamicValue`: Terraform always sends msgpack, and this
//! crate always answers in msgpack. Decoding follows Terraform's own rule:
//! msgpack if non-empty, else JSON if non-empty, else null.

mod function;
mod identity;

pub use function::{function_error_to_proto, function_to_proto};
pub use identity::identity_schema_to_proto;
pub(crate) use identity::{decode_identity, encode_identity};

use crate::diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
use crate::proto::tfplugin6 as pb;
use crate::schema::{
    Attribute, Block, NestedAttributes, NestedBlock, Nesting, ObjectNesting, Schema,
};
use crate::value::{self, CodecError, Type, Value};

// ---------------------------------------------------------------------------
// Schemas

/// A schema as GetProviderSchema reports it. Attribute types are the compact
/// cty type JSON (`"string"`, `["list","number"]`, …); a nested attribute
/// sends `nested_type` (its inner attributes and nesting) and an empty
/// `type`, as the protocol requires; descriptions are markdown.
pub fn schema_to_proto(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block_to_proto(&schema.block, schema.version)),
    }
}

fn block_to_proto(block: &Block, version: i64) -> pb::schema::Block {
    pb::schema::Block {
        version,
        attributes: block.attributes.iter().map(attribute_to_proto).collect(),
        block_types: block.blocks.iter().map(nested_block_to_proto).collect(),
        description: block.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: block.deprecated,
    }
}

fn attribute_to_proto(a: &Attribute) -> pb::schema::Attribute {
    let (r#type, nested_type) = match &a.nested {
        Some(n) => (Vec::new(), Some(object_to_proto(n))),
        None => (value::json::type_to_json(&a.ty).into_bytes(), None),
    };
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type,
        nested_type,
        description: a.description.clone(),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: a.deprecated,
        write_only: a.write_only,
    }
}

fn object_to_proto(n: &NestedAttributes) -> pb::schema::Object {
    use pb::schema::object::NestingMode;
    let nesting = match n.nesting {
        ObjectNesting::Single => NestingMode::Single,
        ObjectNesting::List => NestingMode::List,
        ObjectNesting::Set => NestingMode::Set,
        ObjectNesting::Map => NestingMode::Map,
    };
    #[allow(deprecated)]
    pb::schema::Object {
        attributes: n.attributes.iter().map(attribute_to_proto).collect(),
        nesting: nesting as i32,
        min_items: 0,
        max_items: 0,
    }
}

fn nested_block_to_proto(b: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode;
    let nesting = match b.nesting {
        Nesting::Single => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
        Nesting::Map => NestingMode::Map,
        Nesting::Group => NestingMode::Group,
    };
    pb::schema::NestedBlock {
        type_name: b.type_name.clone(),
        block: Some(block_to_proto(&b.block, 0)),
        nesting: nesting as i32,
        min_items: b.min_items,
        max_items: b.max_items,
    }
}

/// What this server supports beyond the base protocol: no destroy plans
/// (Terraform plans destroys itself), the schema must be fetched by every
/// process, no cross-type moves, no config generation.
pub fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: false,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

// ---------------------------------------------------------------------------
// Diagnostics and attribute paths

pub fn path_to_proto(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: path
            .0
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(n) => Selector::AttributeName(n.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

/// The path a protocol message carries. Steps without a selector are skipped.
pub fn path_from_proto(path: &pb::AttributePath) -> AttributePath {
    use pb::attribute_path::step::Selector;
    AttributePath(
        path.steps
            .iter()
            .filter_map(|s| match s.selector.as_ref()? {
                Selector::AttributeName(n) => Some(PathStep::Attr(n.clone())),
                Selector::ElementKeyString(k) => Some(PathStep::Key(k.clone())),
                Selector::ElementKeyInt(i) => Some(PathStep::Index(*i)),
            })
            .collect(),
    )
}

pub fn diagnostic_to_proto(d: &Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: match d.severity {
            Severity::Error => pb::diagnostic::Severity::Error,
            Severity::Warning => pb::diagnostic::Severity::Warning,
        } as i32,
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d
            .attribute
            .as_ref()
            .filter(|p| !p.is_root())
            .map(path_to_proto),
    }
}

/// A protocol diagnostic as this crate models it. `INVALID` (or any unknown
/// severity) is read as an error, so nothing is silently downgraded.
pub fn diagnostic_from_proto(d: &pb::Diagnostic) -> Diagnostic {
    let severity = if d.severity == pb::diagnostic::Severity::Warning as i32 {
        Severity::Warning
    } else {
        Severity::Error
    };
    Diagnostic {
        severity,
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d.attribute.as_ref().map(path_from_proto),
    }
}

pub fn diagnostics_to_proto(diags: &Diagnostics) -> Vec<pb::Diagnostic> {
    diags.iter().map(diagnostic_to_proto).collect()
}

// ---------------------------------------------------------------------------
// Dynamic values

/// Decodes a `DynamicValue` against `ty`: msgpack if present, else JSON, else
/// null (also when the message itself is absent).
pub fn decode_dynamic(dv: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, CodecError> {
    match dv {
        Some(dv) if !dv.msgpack.is_empty() => value::msgpack::decode(&dv.msgpack, ty),
        Some(dv) if !dv.json.is_empty() => value::json::decode(&dv.json, ty),
        _ => Ok(Value::Null),
    }
}

/// Encodes a value as a msgpack `DynamicValue`.
pub fn encode_dynamic(v: &Value, ty: &Type) -> Result<pb::DynamicValue, CodecError> {
    Ok(pb::DynamicValue {
        msgpack: value::msgpack::encode(v, ty)?,
        json: Vec::new(),
    })
}

/// Decodes a request value; on failure records an error diagnostic naming
/// `what` (e.g. "config") and returns None.
pub(crate) fn decode_request_value(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match decode_dynamic(dv, ty) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.push(Diagnostic {
                severity: Severity::Error,
                summary: format!("Invalid value from Terraform: {e}"),
                detail: format!(
                    "The provider could not decode the {what} Terraform sent: {e}. \
                     This is a bug in the provider or a Terraform version it does not support."
                ),
                attribute: Some(e.path.clone()).filter(|p| !p.is_root()),
            });
            None
        }
    }
}

/// Conforms a response value to `block` and encodes it; on failure records an
/// error diagnostic and returns None (the field is then left out).
pub(crate) fn encode_response_value(
    v: Value,
    block: &Block,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    let v = conform(v, block);
    match encode_dynamic(&v, &block.implied_type()) {
        Ok(dv) => Some(dv),
        Err(e) => {
            diags.push(Diagnostic {
                severity: Severity::Error,
                summary: format!("Provider produced an invalid {what}: {e}"),
                detail: format!(
                    "The {what} does not conform to the schema ({e}). \
                     This is a bug in the provider."
                ),
                attribute: Some(e.path.clone()).filter(|p| !p.is_root()),
            });
            None
        }
    }
}

/// Makes an object value carry every key of `block`, as Terraform requires
/// of every object a provider returns:
///
/// - a missing attribute becomes null;
/// - a missing or null list/set/map nested block becomes an empty
///   collection (Terraform rejects null for those);
/// - a missing single nested block becomes null; a missing or null group
///   block becomes an object whose own keys are filled the same way;
/// - nested block values are conformed recursively;
/// - a nested attribute stays null when null (unlike a block, it may be),
///   and otherwise each of its objects carries every inner attribute, the
///   same way, recursively; a map nested attribute becomes a map and a list
///   or set one takes the kind of its nesting.
///
/// Keys the schema does not know are left alone (encoding then reports
/// them), and values that are null, unknown or not objects are returned
/// unchanged: only structure is filled in, nothing is invented.
pub fn conform(value: Value, block: &Block) -> Value {
    let value = conform_attributes(value, &block.attributes);
    let Value::Object(mut m) = value else {
        return value;
    };
    for nb in &block.blocks {
        let current = m.remove(&nb.type_name).unwrap_or(Value::Null);
        m.insert(nb.type_name.clone(), conform_nested(current, nb));
    }
    Value::Object(m)
}

/// Fills in the attributes of an object (see [`conform`]).
fn conform_attributes(value: Value, attributes: &[Attribute]) -> Value {
    let Value::Object(mut m) = value else {
        return value;
    };
    for a in attributes {
        let current = m.remove(&a.name).unwrap_or(Value::Null);
        let v = match &a.nested {
            Some(n) => conform_nested_attribute(current, n),
            None => current,
        };
        m.insert(a.name.clone(), v);
    }
    Value::Object(m)
}

fn conform_nested_attribute(v: Value, n: &NestedAttributes) -> Value {
    let inner = |e: Value| conform_attributes(e, &n.attributes);
    match (n.nesting, v) {
        (_, Value::Null) => Value::Null,
        (ObjectNesting::List, Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
            Value::List(items.into_iter().map(inner).collect())
        }
        (ObjectNesting::Set, Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
            Value::Set(items.into_iter().map(inner).collect())
        }
        (ObjectNesting::Map, Value::Map(entries) | Value::Object(entries)) => {
            Value::Map(entries.into_iter().map(|(k, e)| (k, inner(e))).collect())
        }
        (_, other) => inner(other),
    }
}

fn conform_nested(v: Value, nb: &NestedBlock) -> Value {
    let inner = &nb.block;
    match (nb.nesting, v) {
        (Nesting::List, Value::Null) => Value::List(Vec::new()),
        (Nesting::Set, Value::Null) => Value::Set(Vec::new()),
        (Nesting::Map, Value::Null) => Value::Map(Default::default()),
        (Nesting::Group, Value::Null) => conform(Value::Object(Default::default()), inner),
        (Nesting::List | Nesting::Set, Value::List(items)) => {
            let items = items.into_iter().map(|e| conform(e, inner)).collect();
            if nb.nesting == Nesting::Set {
                Value::Set(items)
            } else {
                Value::List(items)
            }
        }
        (Nesting::List | Nesting::Set, Value::Set(items)) => {
            let items = items.into_iter().map(|e| conform(e, inner)).collect();
            if nb.nesting == Nesting::List {
                Value::List(items)
            } else {
                Value::Set(items)
            }
        }
        (Nesting::Map, Value::Map(entries)) | (Nesting::Map, Value::Object(entries)) => Value::Map(
            entries
                .into_iter()
                .map(|(k, e)| (k, conform(e, inner)))
                .collect(),
        ),
        (_, other) => conform(other, inner),
    }
}

#[cfg(test)]
mod tests;
