//! Translation between the crate's model (schemas, diagnostics, values) and
//! the tfplugin6 protocol messages.
//!
//! Values travel as `DynamicValue`: Terraform always sends msgpack, and this
//! crate always answers in msgpack. Decoding follows Terraform's own rule:
//! msgpack if non-empty, else JSON if non-empty, else null.

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
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn schema() -> Block {
        Block::new("root")
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::computed("id", Type::String))
            .block(NestedBlock::new(
                "rule",
                Nesting::List,
                Block::new("").attr(Attribute::optional("n", Type::Number)),
            ))
            .block(NestedBlock::new(
                "tags",
                Nesting::Map,
                Block::new("").attr(Attribute::optional("v", Type::String)),
            ))
            .block(NestedBlock::new(
                "one",
                Nesting::Single,
                Block::new("").attr(Attribute::optional("x", Type::Bool)),
            ))
            .block(NestedBlock::new(
                "grp",
                Nesting::Group,
                Block::new("").attr(Attribute::optional("y", Type::Bool)),
            ))
            .block(NestedBlock::new(
                "st",
                Nesting::Set,
                Block::new("").attr(Attribute::optional("z", Type::String)),
            ))
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn conform_fills_every_key() {
        let v = conform(obj(vec![("name", Value::string("a"))]), &schema());
        let expected = obj(vec![
            ("name", Value::string("a")),
            ("id", Value::Null),
            ("rule", Value::List(vec![])),
            ("tags", Value::Map(BTreeMap::new())),
            ("one", Value::Null),
            ("grp", obj(vec![("y", Value::Null)])),
            ("st", Value::Set(vec![])),
        ]);
        assert_eq!(v, expected);
    }

    #[test]
    fn conform_recurses_into_blocks_and_keeps_values() {
        let v = conform(
            obj(vec![
                ("name", Value::string("a")),
                ("id", Value::unknown()),
                (
                    "rule",
                    Value::List(vec![obj(vec![]), obj(vec![("n", Value::int(3))])]),
                ),
                ("one", obj(vec![])),
                ("st", Value::Null),
            ]),
            &schema(),
        );
        let rule = v
            .get("rule")
            .and_then(Value::as_elements)
            .map(<[Value]>::to_vec);
        assert_eq!(
            rule,
            Some(vec![
                obj(vec![("n", Value::Null)]),
                obj(vec![("n", Value::int(3))])
            ])
        );
        assert_eq!(v.get("one"), Some(&obj(vec![("x", Value::Null)])));
        assert_eq!(v.get("id"), Some(&Value::unknown()));
        assert_eq!(v.get("st"), Some(&Value::Set(vec![])));
    }

    #[test]
    fn conform_leaves_null_and_unknown_roots() {
        assert_eq!(conform(Value::Null, &schema()), Value::Null);
        assert_eq!(conform(Value::unknown(), &schema()), Value::unknown());
    }

    #[test]
    fn paths_round_trip() {
        let p = AttributePath::attr("lambda")
            .then_index(2)
            .then_attr("tags")
            .then_key("env");
        assert_eq!(path_from_proto(&path_to_proto(&p)), p);
        assert_eq!(path_to_proto(&p).steps.len(), 4);
    }

    #[test]
    fn diagnostics_convert_severity_and_path() {
        let mut d = Diagnostics::new();
        d.attribute_warning(AttributePath::attr("x"), "w", "detail");
        d.error("e", "");
        let pbd = diagnostics_to_proto(&d);
        assert_eq!(pbd[0].severity, pb::diagnostic::Severity::Warning as i32);
        assert_eq!(pbd[1].severity, pb::diagnostic::Severity::Error as i32);
        assert!(pbd[1].attribute.is_none());
        assert_eq!(diagnostic_from_proto(&pbd[0]), d.0[0]);
        let invalid = pb::Diagnostic {
            severity: 0,
            ..Default::default()
        };
        assert_eq!(diagnostic_from_proto(&invalid).severity, Severity::Error);
    }

    #[test]
    fn schema_conversion_sets_kinds_and_nesting() {
        let s = Schema {
            version: 3,
            block: schema(),
        };
        let p = schema_to_proto(&s);
        assert_eq!(p.version, 3);
        let b = p.block.as_ref().map(|b| b.block_types.len());
        assert_eq!(b, Some(5));
        let blk = p.block.unwrap_or_default();
        assert_eq!(blk.description_kind, pb::StringKind::Markdown as i32);
        let name = &blk.attributes[0];
        assert_eq!(name.name, "name");
        assert!(name.required && !name.optional);
        assert_eq!(
            name.r#type,
            value::json::type_to_json(&Type::String).into_bytes()
        );
        let nestings: Vec<i32> = blk.block_types.iter().map(|b| b.nesting).collect();
        use pb::schema::nested_block::NestingMode as N;
        assert_eq!(
            nestings,
            vec![
                N::List as i32,
                N::Map as i32,
                N::Single as i32,
                N::Group as i32,
                N::Set as i32
            ]
        );
    }

    fn nested_schema() -> Block {
        let inner = || {
            vec![
                Attribute::required("a", Type::Number),
                Attribute::computed("b", Type::String),
            ]
        };
        Block::new("root")
            .attr(Attribute::nested_single("x", inner()))
            .attr(Attribute::required_nested(
                "l",
                ObjectNesting::List,
                inner(),
            ))
            .attr(Attribute::computed_nested("s", ObjectNesting::Set, inner()))
            .attr(Attribute::optional_computed_nested("m", ObjectNesting::Map, inner()).sensitive())
            .attr(Attribute::nested_map(
                "deep",
                vec![Attribute::nested_single("y", inner())],
            ))
    }

    #[test]
    fn nested_attributes_send_nested_type_and_no_type() {
        use pb::schema::object::NestingMode as N;
        let blk = block_to_proto(&nested_schema(), 1);
        let by_name = |n: &str| {
            blk.attributes
                .iter()
                .find(|a| a.name == n)
                .cloned()
                .unwrap_or_default()
        };
        let expected = [
            ("x", N::Single, (false, true, false)),
            ("l", N::List, (true, false, false)),
            ("s", N::Set, (false, false, true)),
            ("m", N::Map, (false, true, true)),
            ("deep", N::Map, (false, true, false)),
        ];
        for (name, nesting, (required, optional, computed)) in expected {
            let a = by_name(name);
            assert!(a.r#type.is_empty(), "{name}: type must be empty");
            assert_eq!(
                (a.required, a.optional, a.computed),
                (required, optional, computed),
                "{name}: mode"
            );
            let obj = a.nested_type.expect("nested_type is sent");
            assert_eq!(obj.nesting, nesting as i32, "{name}: nesting");
            if name == "deep" {
                continue;
            }
            let inner: Vec<(String, Vec<u8>, bool, bool)> = obj
                .attributes
                .iter()
                .map(|i| (i.name.clone(), i.r#type.clone(), i.required, i.computed))
                .collect();
            assert_eq!(
                inner,
                vec![
                    ("a".to_string(), b"\"number\"".to_vec(), true, false),
                    ("b".to_string(), b"\"string\"".to_vec(), false, true),
                ],
                "{name}: inner attributes"
            );
            assert!(obj.attributes.iter().all(|i| i.nested_type.is_none()));
        }
        assert!(by_name("m").sensitive);
        // A nested attribute inside a nested attribute.
        let deep = by_name("deep").nested_type.unwrap_or_default();
        let y = &deep.attributes[0];
        assert_eq!(y.name, "y");
        assert!(y.r#type.is_empty());
        let y_obj = y.nested_type.clone().unwrap_or_default();
        assert_eq!(y_obj.nesting, N::Single as i32);
        assert_eq!(y_obj.attributes.len(), 2);
    }

    #[test]
    fn nested_attributes_imply_object_and_collection_types() {
        let object = Type::object([("a", Type::Number), ("b", Type::String)]);
        let b = nested_schema();
        let ty = b.implied_type();
        let Type::Object { attributes, .. } = &ty else {
            panic!("not an object: {ty}");
        };
        assert_eq!(attributes["x"], object);
        assert_eq!(attributes["l"], Type::list(object.clone()));
        assert_eq!(attributes["s"], Type::set(object.clone()));
        assert_eq!(attributes["m"], Type::map(object.clone()));
        assert_eq!(
            attributes["deep"],
            Type::map(Type::object([("y", object.clone())]))
        );
        // The `ty` field agrees with the computed type; lookups still work.
        for a in &b.attributes {
            assert_eq!(a.ty, a.value_type(), "{}", a.name);
        }
        assert_eq!(
            b.attribute("m")
                .and_then(|m| m.nested_attribute("b"))
                .map(|a| a.computed),
            Some(true)
        );
        let empty = Type::object(Vec::<(String, Type)>::new());
        assert_eq!(Attribute::nested_list("q", vec![]).ty, Type::list(empty));
        assert!(Attribute::nested_set("q", vec![]).as_required().required);
    }

    #[test]
    fn conform_fills_inner_keys_of_nested_attributes() {
        let sparse = obj(vec![
            ("x", obj(vec![("a", Value::int(1))])),
            (
                "l",
                Value::Set(vec![obj(vec![]), obj(vec![("b", Value::unknown())])]),
            ),
            ("s", Value::List(vec![obj(vec![("a", Value::int(2))])])),
            (
                "m",
                obj(vec![
                    ("k one", obj(vec![("a", Value::int(3))])),
                    ("", Value::unknown()),
                ]),
            ),
            (
                "deep",
                Value::Map(
                    [("z".to_string(), obj(vec![("y", obj(vec![]))]))]
                        .into_iter()
                        .collect(),
                ),
            ),
        ]);
        let v = conform(sparse, &nested_schema());
        let full = |a: Value, b: Value| obj(vec![("a", a), ("b", b)]);
        assert_eq!(v.get("x"), Some(&full(Value::int(1), Value::Null)));
        assert_eq!(
            v.get("l"),
            Some(&Value::List(vec![
                full(Value::Null, Value::Null),
                full(Value::Null, Value::unknown())
            ]))
        );
        assert_eq!(
            v.get("s"),
            Some(&Value::Set(vec![full(Value::int(2), Value::Null)]))
        );
        let m: BTreeMap<String, Value> = [
            ("k one".to_string(), full(Value::int(3), Value::Null)),
            (String::new(), Value::unknown()),
        ]
        .into_iter()
        .collect();
        assert_eq!(v.get("m"), Some(&Value::Map(m)));
        assert_eq!(
            v.get("deep")
                .and_then(|d| d.get("z"))
                .and_then(|z| z.get("y")),
            Some(&full(Value::Null, Value::Null))
        );
        // Null nested attributes stay null (they are attributes, not blocks).
        let v = conform(obj(vec![]), &nested_schema());
        for name in ["x", "l", "s", "m", "deep"] {
            assert_eq!(v.get(name), Some(&Value::Null), "{name}");
        }
        // And the filled-in value encodes against the implied type.
        let ty = nested_schema().implied_type();
        let v = conform(obj(vec![("x", obj(vec![]))]), &nested_schema());
        assert!(value::msgpack::encode(&v, &ty).is_ok());
    }

    #[test]
    fn absent_and_empty_dynamic_values_are_null() {
        let ty = schema().implied_type();
        assert_eq!(decode_dynamic(None, &ty), Ok(Value::Null));
        assert_eq!(
            decode_dynamic(Some(&pb::DynamicValue::default()), &ty),
            Ok(Value::Null)
        );
    }

    #[test]
    fn malformed_bytes_become_a_diagnostic() {
        let ty = schema().implied_type();
        let mut diags = Diagnostics::new();
        let dv = pb::DynamicValue {
            msgpack: vec![0xc1, 0xff, 0x00],
            json: vec![],
        };
        assert!(decode_request_value(Some(&dv), &ty, "config", &mut diags).is_none());
        assert!(diags.has_errors());
        assert!(diags.0[0]
            .summary
            .starts_with("Invalid value from Terraform"));
    }
}
