//! Unit tests of the schema, diagnostic, path and value conversions.

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
