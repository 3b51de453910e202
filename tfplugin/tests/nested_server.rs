//! Nested attributes through the server, as Terraform sees them: the
//! schema carries `nested_type`, and plan and apply of the fixture's
//! `fixture_nested` (single, map, list and set nested attributes) come back
//! with every inner key, decoded against the type rebuilt from the wire.

mod common;

use std::collections::BTreeMap;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::value::msgpack;
use tfplugin::{Type, Value};

const NESTED: &str = "fixture_nested";

fn obj<const N: usize>(items: [(&str, Value); N]) -> Value {
    Value::Object(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).expect("encode request value"),
        json: vec![],
    })
}

fn decode(dv: Option<pb::DynamicValue>, ty: &Type) -> Value {
    msgpack::decode(&dv.expect("value").msgpack, ty).expect("decodes against the wire type")
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn schema_carries_nested_type_for_each_nesting() {
    use pb::schema::object::NestingMode as N;
    let p = start(None, &[]).await;
    let schema = get_schema(plain_channel(&p.socket).await)
        .await
        .expect("schema");
    let block = schema.resource_schemas[NESTED]
        .block
        .clone()
        .expect("block");
    let attr = |n: &str| {
        block
            .attributes
            .iter()
            .find(|a| a.name == n)
            .cloned()
            .unwrap_or_else(|| panic!("no attribute {n}"))
    };
    for (name, nesting, inner) in [
        ("x", N::Single, vec!["a", "b"]),
        ("m", N::Map, vec!["a", "b"]),
        ("l", N::List, vec!["a"]),
        ("s", N::Set, vec!["a"]),
    ] {
        let a = attr(name);
        assert!(a.r#type.is_empty(), "{name}: no type beside nested_type");
        assert!(a.optional && !a.required && !a.computed, "{name}: optional");
        let o = a
            .nested_type
            .unwrap_or_else(|| panic!("{name}: nested_type"));
        assert_eq!(o.nesting, nesting as i32, "{name}");
        let names: Vec<&str> = o.attributes.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, inner, "{name}");
        assert_eq!(o.attributes[0].r#type, br#""number""#.to_vec());
    }
    let b = &attr("m").nested_type.expect("m").attributes[1];
    assert!(b.computed && !b.optional);
    assert_eq!(b.description, "Set by apply.");
    assert!(attr("name").nested_type.is_none());

    let object = |attrs: &[&str]| {
        Type::object(attrs.iter().map(|n| {
            let t = if *n == "a" {
                Type::Number
            } else {
                Type::String
            };
            (n.to_string(), t)
        }))
    };
    let expected = Type::object([
        ("name", Type::String),
        ("id", Type::String),
        ("x", object(&["a", "b"])),
        ("m", Type::map(object(&["a", "b"]))),
        ("l", Type::list(object(&["a"]))),
        ("s", Type::set(object(&["a"]))),
    ]);
    assert_eq!(block_type_from_proto(&block), expected);
}

#[tokio::test]
async fn plan_and_apply_fill_every_inner_key() {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let schema = get_schema(Ok(channel.clone())).await.expect("schema");
    let ty = block_type_from_proto(
        schema.resource_schemas[NESTED]
            .block
            .as_ref()
            .expect("block"),
    );
    let mut client = provider_client(channel);

    // x = { a = 1 }, m = { "k one" = { a = 2 }, "" = {} }, l = [{ a = 3 }],
    // s = [{ a = 4 }], as Terraform sends the config (every key present).
    let ab = |a: Value, b: Value| obj([("a", a), ("b", b)]);
    let m: BTreeMap<String, Value> = [
        ("k one".to_string(), ab(Value::int(2), Value::Null)),
        (String::new(), ab(Value::Null, Value::Null)),
    ]
    .into_iter()
    .collect();
    let config = obj([
        ("name", Value::string("n")),
        ("id", Value::Null),
        ("x", ab(Value::int(1), Value::Null)),
        ("m", Value::Map(m)),
        ("l", Value::List(vec![obj([("a", Value::int(3))])])),
        ("s", Value::Set(vec![obj([("a", Value::int(4))])])),
    ]);
    let resp = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: NESTED.into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&config, &ty),
            config: dv(&config, &ty),
            ..Default::default()
        })
        .await
        .expect("plan")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    let planned = decode(resp.planned_state, &ty);
    assert_eq!(planned.get("id"), Some(&Value::unknown()));
    assert_eq!(planned.get("x"), Some(&ab(Value::int(1), Value::unknown())));
    let pm = planned.get("m").expect("m");
    assert_eq!(pm.get("k one"), Some(&ab(Value::int(2), Value::unknown())));
    assert_eq!(pm.get(""), Some(&ab(Value::Null, Value::unknown())));

    // Apply leaves every null inner attribute out; the server puts them
    // back, so the state decodes with every key.
    let resp = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: NESTED.into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: dv(&planned, &ty),
            config: dv(&config, &ty),
            ..Default::default()
        })
        .await
        .expect("apply")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    let state = decode(resp.new_state, &ty);
    let m: BTreeMap<String, Value> = [
        (
            "k one".to_string(),
            ab(Value::int(2), Value::string("b-k one")),
        ),
        (String::new(), ab(Value::Null, Value::string("b-"))),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        state,
        obj([
            ("name", Value::string("n")),
            ("id", Value::string("id-n")),
            ("x", ab(Value::int(1), Value::string("x-b"))),
            ("m", Value::Map(m)),
            ("l", Value::List(vec![obj([("a", Value::int(3))])])),
            ("s", Value::Set(vec![obj([("a", Value::int(4))])])),
        ])
    );

    // A config with the nested attributes null plans them null (attributes,
    // unlike blocks, may be null), and apply keeps them null.
    let bare = obj([
        ("name", Value::string("n")),
        ("id", Value::Null),
        ("x", Value::Null),
        ("m", Value::Null),
        ("l", Value::Null),
        ("s", Value::Null),
    ]);
    let resp = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: NESTED.into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: dv(&bare, &ty),
            config: dv(&bare, &ty),
            ..Default::default()
        })
        .await
        .expect("apply")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    let state = decode(resp.new_state, &ty);
    for name in ["x", "m", "l", "s"] {
        assert_eq!(state.get(name), Some(&Value::Null), "{name}");
    }
}
