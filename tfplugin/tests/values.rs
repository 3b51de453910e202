//! The value codecs: msgpack and JSON round trips, exact bytes of known
//! encodings, raw state decoding, type JSON, and malformed input.

use std::collections::BTreeMap;

use tfplugin::diag::{AttributePath, PathStep};
use tfplugin::value::{json, msgpack, Number, Refinements, Type, Value};

fn num(s: &str) -> Value {
    Value::Number(Number::parse(s).unwrap_or_else(|| panic!("{s} should parse")))
}

fn obj<const N: usize>(items: [(&str, Value); N]) -> Value {
    Value::Object(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn mp_round_trip(v: &Value, ty: &Type) -> Vec<u8> {
    let bytes = msgpack::encode(v, ty).unwrap_or_else(|e| panic!("encode {v:?} as {ty}: {e}"));
    let back = msgpack::decode(&bytes, ty)
        .unwrap_or_else(|e| panic!("decode {} as {ty}: {e}", hex(&bytes)));
    assert_eq!(
        &back,
        v,
        "msgpack round trip of {v:?} as {ty} via {}",
        hex(&bytes)
    );
    bytes
}

fn json_round_trip(v: &Value, ty: &Type) -> String {
    let bytes = json::encode(v, ty).unwrap_or_else(|e| panic!("JSON encode {v:?} as {ty}: {e}"));
    let text = String::from_utf8(bytes.clone()).expect("JSON output is UTF-8");
    let back =
        json::decode(&bytes, ty).unwrap_or_else(|e| panic!("JSON decode {text} as {ty}: {e}"));
    assert_eq!(&back, v, "JSON round trip of {v:?} as {ty} via {text}");
    text
}

fn numbers() -> Vec<&'static str> {
    vec![
        "0",
        "1",
        "-1",
        "127",
        "128",
        "-32",
        "-33",
        "255",
        "65536",
        "-9223372036854775808",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "1180591620717411303424",
        "0.1",
        "0.5",
        "-2.75",
        "1e-300",
        "1e400",
        "123456789012345678901234567890.5",
        "-0.000000000000000000000000000000000001",
        "3.14159265358979323846264338327950288419716939937510582097494459",
        "+Inf",
        "-Inf",
    ]
}

fn sample_object_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("count", Type::Number),
        ("enabled", Type::Bool),
        ("tags", Type::map(Type::String)),
        ("zones", Type::set(Type::String)),
        (
            "rule",
            Type::list(Type::object([
                ("path", Type::String),
                ("rate", Type::Number),
            ])),
        ),
        (
            "cache",
            Type::object([("ttl", Type::Number), ("compress", Type::Bool)]),
        ),
        ("pair", Type::Tuple(vec![Type::String, Type::Number])),
        ("extra", Type::Dynamic),
    ])
}

fn sample_object() -> Value {
    obj([
        ("name", Value::string("api")),
        ("count", num("3")),
        ("enabled", Value::Bool(true)),
        (
            "tags",
            Value::Map(BTreeMap::from([
                ("env".to_string(), Value::string("prod")),
                ("team".to_string(), Value::string("core")),
            ])),
        ),
        (
            "zones",
            Value::Set(vec![
                Value::string("eu-west-1a"),
                Value::string("eu-west-1b"),
            ]),
        ),
        (
            "rule",
            Value::List(vec![
                obj([("path", Value::string("/a")), ("rate", num("100.5"))]),
                obj([("path", Value::string("/b")), ("rate", Value::Null)]),
            ]),
        ),
        (
            "cache",
            obj([("ttl", num("60")), ("compress", Value::Bool(false))]),
        ),
        ("pair", Value::Tuple(vec![Value::string("x"), num("2")])),
        (
            "extra",
            Value::Dynamic(
                Type::list(Type::Number),
                Box::new(Value::List(vec![num("1")])),
            ),
        ),
    ])
}

#[test]
fn msgpack_round_trips_every_kind() {
    for ty in [
        Type::Bool,
        Type::Number,
        Type::String,
        Type::Dynamic,
        sample_object_type(),
    ] {
        mp_round_trip(&Value::Null, &ty);
        mp_round_trip(&Value::unknown(), &ty);
    }
    mp_round_trip(&Value::Bool(true), &Type::Bool);
    mp_round_trip(&Value::Bool(false), &Type::Bool);
    for n in numbers() {
        mp_round_trip(&num(n), &Type::Number);
    }
    mp_round_trip(&Value::int(i64::MIN), &Type::Number);
    mp_round_trip(&Value::int(i64::MAX), &Type::Number);
    mp_round_trip(&Value::Number(Number::from(u64::MAX)), &Type::Number);
    mp_round_trip(&Value::float(0.1), &Type::Number);
    mp_round_trip(&Value::float(1e-300), &Type::Number);
    mp_round_trip(&Value::Number(Number::from_f64_exact(0.1)), &Type::Number);
    for s in [
        "",
        "a",
        "héllo ✓",
        &"x".repeat(31),
        &"y".repeat(32),
        &"z".repeat(70_000),
    ] {
        mp_round_trip(&Value::string(s), &Type::String);
    }
    let many: Vec<Value> = (0..70_000).map(Value::int).collect();
    mp_round_trip(&Value::List(many.clone()), &Type::list(Type::Number));
    mp_round_trip(&Value::Set(many), &Type::set(Type::Number));
    mp_round_trip(&Value::List(vec![]), &Type::list(Type::String));
    mp_round_trip(&Value::Map(BTreeMap::new()), &Type::map(Type::String));
    mp_round_trip(&sample_object(), &sample_object_type());
    // Nested blocks: a list of objects and a single object, null when absent.
    let block = Type::object([("a", Type::String)]);
    let ty = Type::object([
        ("list", Type::list(block.clone())),
        ("single", block.clone()),
    ]);
    mp_round_trip(
        &obj([
            ("list", Value::List(vec![obj([("a", Value::string("x"))])])),
            ("single", obj([("a", Value::Null)])),
        ]),
        &ty,
    );
    mp_round_trip(
        &obj([("list", Value::List(vec![])), ("single", Value::Null)]),
        &ty,
    );
    // Values of every kind under a dynamic type.
    for (t, v) in [
        (Type::String, Value::string("s")),
        (Type::Number, num("1e400")),
        (sample_object_type(), sample_object()),
        (Type::String, Value::Null),
        (Type::String, Value::unknown()),
    ] {
        mp_round_trip(&Value::Dynamic(t, Box::new(v)), &Type::Dynamic);
    }
    // An object with optional attributes travels through a dynamic value.
    let opt_ty = Type::Object {
        attributes: BTreeMap::from([
            ("a".to_string(), Type::String),
            ("b".to_string(), Type::Number),
        ]),
        optional: vec!["b".to_string()],
    };
    mp_round_trip(
        &Value::Dynamic(
            opt_ty,
            Box::new(obj([("a", Value::string("x")), ("b", Value::Null)])),
        ),
        &Type::Dynamic,
    );
}

#[test]
fn msgpack_refined_unknowns_round_trip() {
    let string_refined = Value::Unknown(Refinements {
        not_null: Some(true),
        string_prefix: Some("arn:aws:".to_string()),
        ..Default::default()
    });
    mp_round_trip(&string_refined, &Type::String);
    let number_refined = Value::Unknown(Refinements {
        not_null: Some(true),
        number_lower: Some((Number::from(1), true)),
        number_upper: Some((Number::parse("1e400").expect("number"), false)),
        ..Default::default()
    });
    mp_round_trip(&number_refined, &Type::Number);
    let list_refined = Value::Unknown(Refinements {
        length_lower: Some(1),
        length_upper: Some(10),
        ..Default::default()
    });
    mp_round_trip(&list_refined, &Type::list(Type::String));
    let may_be_null = Value::Unknown(Refinements {
        not_null: Some(false),
        ..Default::default()
    });
    mp_round_trip(&may_be_null, &Type::Bool);
    // Inside an object, at its attribute.
    mp_round_trip(
        &obj([("id", string_refined.clone())]),
        &Type::object([("id", Type::String)]),
    );
    // Long prefixes are truncated as cty truncates them.
    for (prefix, kept) in [
        ("a".repeat(1024), "a".repeat(255)),
        (
            format!("{}-", "c".repeat(255)),
            format!("{}-", "c".repeat(255)),
        ),
        (format!("{}🤷🤷", "d".repeat(255)), "d".repeat(255)),
        (format!("{}é", "e".repeat(255)), "e".repeat(255)),
    ] {
        let long = Value::Unknown(Refinements {
            string_prefix: Some(prefix),
            ..Default::default()
        });
        let bytes = msgpack::encode(&long, &Type::String).unwrap();
        let back = msgpack::decode(&bytes, &Type::String).unwrap();
        assert_eq!(
            back,
            Value::Unknown(Refinements {
                string_prefix: Some(kept),
                ..Default::default()
            })
        );
    }
    // A refinement that cannot apply to the type is refused on encode.
    let err = msgpack::encode(&string_refined, &Type::Number).expect_err("prefix on number");
    assert!(err.message.contains("string prefix"), "{err}");
}

#[test]
fn msgpack_known_bytes() {
    assert_eq!(
        msgpack::encode(&Value::unknown(), &Type::String).unwrap(),
        [0xd4, 0, 0]
    );
    assert_eq!(
        msgpack::encode(&Value::unknown(), &Type::Dynamic).unwrap(),
        [0xd4, 0, 0]
    );
    assert_eq!(
        msgpack::encode(&Value::Null, &Type::String).unwrap(),
        [0xc0]
    );
    let ty = Type::object([("b", Type::Number), ("a", Type::String)]);
    let v = obj([("a", Value::string("x")), ("b", Value::int(1))]);
    assert_eq!(
        msgpack::encode(&v, &ty).unwrap(),
        [0x82, 0xa1, b'a', 0xa1, b'x', 0xa1, b'b', 0x01]
    );
    let cases: Vec<(Value, Vec<u8>)> = vec![
        (Value::int(-1), vec![0xff]),
        (Value::int(200), vec![0xcc, 0xc8]),
        (Value::int(-200), vec![0xd1, 0xff, 0x38]),
        (Value::int(i64::MIN), vec![0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        (num("0.5"), vec![0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]),
        (
            num("1180591620717411303424"),
            vec![0xcb, 0x44, 0x50, 0, 0, 0, 0, 0, 0],
        ),
        (num("0.1"), vec![0xa3, b'0', b'.', b'1']),
        (num("+Inf"), vec![0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0]),
        (
            Value::Number(Number::from(u64::MAX)),
            [&[0xb4][..], b"18446744073709551615"].concat(),
        ),
    ];
    for (v, want) in cases {
        assert_eq!(
            hex(&msgpack::encode(&v, &Type::Number).unwrap()),
            hex(&want),
            "{v:?}"
        );
    }
    // Refined unknown string: ext 12 holding {1: false, 2: "ab"}.
    let refined = Value::Unknown(Refinements {
        not_null: Some(true),
        string_prefix: Some("ab".to_string()),
        ..Default::default()
    });
    assert_eq!(
        msgpack::encode(&refined, &Type::String).unwrap(),
        [0xc7, 0x07, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b']
    );
    // A dynamic string: [bin "\"string\"", "hi"].
    let dynamic = Value::Dynamic(Type::String, Box::new(Value::string("hi")));
    let mut want = vec![0x92, 0xc4, 8];
    want.extend_from_slice(b"\"string\"");
    want.extend_from_slice(&[0xa2, b'h', b'i']);
    assert_eq!(msgpack::encode(&dynamic, &Type::Dynamic).unwrap(), want);
}

#[test]
fn msgpack_decodes_every_number_encoding() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![0x05], "5"),
        (vec![0xe0], "-32"),
        (vec![0xcc, 0xff], "255"),
        (vec![0xcd, 0x01, 0x00], "256"),
        (vec![0xce, 0, 1, 0, 0], "65536"),
        (
            vec![0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            "18446744073709551615",
        ),
        (vec![0xd0, 0x80], "-128"),
        (vec![0xd1, 0x80, 0x00], "-32768"),
        (vec![0xd2, 0x80, 0, 0, 0], "-2147483648"),
        (
            vec![0xd3, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            "9223372036854775807",
        ),
        (vec![0xca, 0x3f, 0xc0, 0, 0], "1.5"),
        (vec![0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0], "1.5"),
        (vec![0xcb, 0xff, 0xf0, 0, 0, 0, 0, 0, 0], "-Inf"),
        (
            [&[0xd9, 32][..], b"123456789012345678901234567890.5"].concat(),
            "123456789012345678901234567890.5",
        ),
        ([&[0xa5][..], b"1e400"].concat(), "1e400"),
    ];
    for (bytes, want) in cases {
        let v = msgpack::decode(&bytes, &Type::Number)
            .unwrap_or_else(|e| panic!("{}: {e}", hex(&bytes)));
        assert_eq!(v, num(want), "{}", hex(&bytes));
    }
    // A float64 is read as its exact value.
    let v = msgpack::decode(
        &[0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a],
        &Type::Number,
    )
    .unwrap();
    assert_eq!(
        v.as_number().map(Number::as_str),
        Some("0.1000000000000000055511151231257827021181583404541015625")
    );
    // And goes back out as the same float64.
    assert_eq!(
        msgpack::encode(&v, &Type::Number).unwrap(),
        [0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]
    );
}

#[test]
fn msgpack_unknown_forms() {
    // Any extension is unknown; a one-byte or empty payload is plain.
    for bytes in [
        vec![0xd4, 0x00, 0x00],
        vec![0xc7, 0x00, 0x00],
        vec![0xd4, 0x05, 0x01],
        vec![0xd5, 0x03, 0x01, 0x02],
    ] {
        assert_eq!(
            msgpack::decode(&bytes, &Type::String).unwrap(),
            Value::unknown(),
            "{}",
            hex(&bytes)
        );
        assert_eq!(
            msgpack::decode(&bytes, &Type::Dynamic).unwrap(),
            Value::unknown()
        );
    }
    // Refinements Terraform might send, with an unknown key (7) skipped.
    let bytes = [
        0xc7, 0x0a, 0x0c, 0x83, 0x01, 0xc2, 0x07, 0x92, 0x91, 0x01, 0xc0, 0x05, 0x02,
    ];
    let v = msgpack::decode(&bytes, &Type::set(Type::String)).unwrap();
    assert_eq!(
        v,
        Value::Unknown(Refinements {
            not_null: Some(true),
            length_lower: Some(2),
            ..Default::default()
        })
    );
    // Number bounds as [number, inclusive].
    let bytes = [
        0xc7, 0x08, 0x0c, 0x81, 0x03, 0x92, 0xa3, b'0', b'.', b'1', 0xc3,
    ];
    let v = msgpack::decode(&bytes, &Type::Number).unwrap();
    assert_eq!(
        v,
        Value::Unknown(Refinements {
            number_lower: Some((Number::parse("0.1").unwrap(), true)),
            ..Default::default()
        })
    );
    // Refinements are ignored on a dynamic unknown, as cty does.
    let bytes = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2];
    assert_eq!(
        msgpack::decode(&bytes, &Type::Dynamic).unwrap(),
        Value::unknown()
    );
    // A string prefix for a number is refused.
    let bytes = [0xc7, 0x04, 0x0c, 0x81, 0x02, 0xa1, b'x'];
    let err = msgpack::decode(&bytes, &Type::Number).unwrap_err();
    assert!(err.message.contains("string prefix"), "{err}");
}

#[test]
fn msgpack_objects_are_strict() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    // Missing "b".
    let err = msgpack::decode(&[0x81, 0xa1, b'a', 0xa1, b'x'], &ty).unwrap_err();
    assert_eq!(err.path, AttributePath::attr("b"));
    assert!(err.message.contains("2 attributes"), "{err}");
    // Extra "c".
    let bytes = [0x83, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xc0, 0xa1, b'c', 0xc0];
    let err = msgpack::decode(&bytes, &ty).unwrap_err();
    assert_eq!(err.path, AttributePath::attr("c"));
    assert!(err.message.contains("unsupported attribute"), "{err}");
    // Encoding demands every attribute and no other.
    let err = msgpack::encode(&obj([("a", Value::string("x"))]), &ty).unwrap_err();
    assert_eq!(err.path, AttributePath::attr("b"));
    assert!(err.message.contains("missing attribute"), "{err}");
    let err = msgpack::encode(
        &obj([("a", Value::Null), ("b", Value::Null), ("zz", Value::Null)]),
        &ty,
    )
    .unwrap_err();
    assert_eq!(err.path, AttributePath::attr("zz"));
    // Keys come out sorted whatever the type's attribute order.
    let bytes = msgpack::encode(&obj([("a", Value::Null), ("b", Value::Null)]), &ty).unwrap();
    assert_eq!(bytes, [0x82, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xc0]);
    // Keys may arrive in any order.
    let v = msgpack::decode(&[0x82, 0xa1, b'b', 0x01, 0xa1, b'a', 0xa1, b'x'], &ty).unwrap();
    assert_eq!(v, obj([("a", Value::string("x")), ("b", Value::int(1))]));
}

#[test]
fn errors_carry_paths() {
    let ty = sample_object_type();
    let mut v = sample_object();
    if let Value::Object(m) = &mut v {
        m.insert(
            "rule".to_string(),
            Value::List(vec![
                obj([("path", Value::string("/a")), ("rate", Value::Null)]),
                obj([("path", Value::Bool(true)), ("rate", Value::Null)]),
            ]),
        );
        m.insert(
            "tags".to_string(),
            Value::Map(BTreeMap::from([("k".to_string(), Value::int(1))])),
        );
    }
    // Encode: the first problem in key order is cache < count < … < rule < tags.
    let err = msgpack::encode(&v, &ty).unwrap_err();
    assert_eq!(
        err.path,
        AttributePath(vec![
            PathStep::Attr("rule".into()),
            PathStep::Index(1),
            PathStep::Attr("path".into())
        ])
    );
    assert_eq!(err.message, "expected string, got bool");
    assert_eq!(err.to_string(), "rule[1].path: expected string, got bool");
    let err = json::encode(&v, &ty).unwrap_err();
    assert_eq!(err.to_string(), "rule[1].path: expected string, got bool");

    // Decode: a number where a string is expected inside a map.
    let map_ty = Type::object([("tags", Type::map(Type::String))]);
    let bytes = [0x81, 0xa4, b't', b'a', b'g', b's', 0x81, 0xa1, b'k', 0x01];
    let err = msgpack::decode(&bytes, &map_ty).unwrap_err();
    assert_eq!(err.to_string(), "tags[\"k\"]: expected string, got integer");

    // Paths stop at sets.
    let set_ty = Type::object([("s", Type::set(Type::object([("x", Type::Bool)])))]);
    let bytes = [0x81, 0xa1, b's', 0x91, 0x81, 0xa1, b'x', 0xa1, b'y'];
    let err = msgpack::decode(&bytes, &set_ty).unwrap_err();
    assert_eq!(err.path, AttributePath::attr("s"));
    assert_eq!(err.message, "expected bool, got string");
    let err = json::decode(br#"{"s":[{"x":"maybe"}]}"#, &set_ty).unwrap_err();
    assert_eq!(err.path, AttributePath::attr("s"));

    // Wrong kinds at the root.
    let err = msgpack::decode(&[0xc3], &Type::object([("a", Type::String)])).unwrap_err();
    assert_eq!(err.message, "expected object (map), got bool");
    assert!(err.path.is_root());
    let err = msgpack::encode(&Value::string("1"), &Type::Number).unwrap_err();
    assert_eq!(err.message, "expected number, got string");
}

#[test]
fn json_round_trips() {
    for n in numbers() {
        if n.contains("Inf") {
            continue;
        }
        let text = json_round_trip(&num(n), &Type::Number);
        assert_eq!(text, Number::parse(n).unwrap().as_str());
    }
    assert_eq!(
        json_round_trip(&num("123456789012345678901234567890.5"), &Type::Number),
        "123456789012345678901234567890.5"
    );
    json_round_trip(
        &Value::string("quote \" backslash \\ newline \n tab \t nul \u{0} ✓"),
        &Type::String,
    );
    json_round_trip(&sample_object(), &sample_object_type());
    json_round_trip(&Value::Null, &sample_object_type());
    json_round_trip(&Value::Null, &Type::Dynamic);
    let text = json_round_trip(
        &Value::Dynamic(
            Type::list(Type::String),
            Box::new(Value::List(vec![Value::string("a")])),
        ),
        &Type::Dynamic,
    );
    assert_eq!(text, r#"{"value":["a"],"type":["list","string"]}"#);
    let text = json_round_trip(
        &obj([("b", Value::int(1)), ("a", Value::Bool(true))]),
        &Type::object([("a", Type::Bool), ("b", Type::Number)]),
    );
    assert_eq!(text, r#"{"a":true,"b":1}"#);
    let err = json::encode(&Value::unknown(), &Type::String).unwrap_err();
    assert!(err.message.contains("unknown"), "{err}");
    let err = json::encode(&num("+Inf"), &Type::Number).unwrap_err();
    assert!(err.message.contains("Inf"), "{err}");
}

#[test]
fn json_decodes_raw_state_tolerantly() {
    let state = r#"{
  "id": "prod-api",
  "throttle": {
    "rate_limit": 12345678901234567890.123456789,
    "burst_limit": 5000
  },
  "lambda": [
    {
      "function_name": "api-handler",
      "memory_size": 1769,
      "removed_field": "gone"
    }
  ],
  "tags": {"env": "prod", "escaped": "a\"b\u00e9\ud83d\ude00"},
  "old_top_level": [1, 2, {"x": null}]
}"#;
    let ty = Type::object([
        ("id", Type::String),
        (
            "throttle",
            Type::object([("rate_limit", Type::Number), ("burst_limit", Type::Number)]),
        ),
        (
            "lambda",
            Type::list(Type::object([
                ("function_name", Type::String),
                ("memory_size", Type::Number),
                ("provisioned", Type::Number),
            ])),
        ),
        ("tags", Type::map(Type::String)),
        ("dashboard", Type::String),
    ]);
    let v = json::decode(state.as_bytes(), &ty).unwrap();
    let want = obj([
        ("id", Value::string("prod-api")),
        (
            "throttle",
            obj([
                ("rate_limit", num("12345678901234567890.123456789")),
                ("burst_limit", Value::int(5000)),
            ]),
        ),
        (
            "lambda",
            Value::List(vec![obj([
                ("function_name", Value::string("api-handler")),
                ("memory_size", Value::int(1769)),
                ("provisioned", Value::Null),
            ])]),
        ),
        (
            "tags",
            Value::Map(BTreeMap::from([
                ("env".to_string(), Value::string("prod")),
                ("escaped".to_string(), Value::string("a\"bé😀")),
            ])),
        ),
        ("dashboard", Value::Null),
    ]);
    assert_eq!(v, want);
    // The exact decimal survived.
    let rate = v
        .get("throttle")
        .and_then(|t| t.get("rate_limit"))
        .and_then(Value::as_number);
    assert_eq!(
        rate.map(Number::as_str),
        Some("12345678901234567890.123456789")
    );
    // And re-encodes without loss in both formats.
    mp_round_trip(&v, &ty);
    json_round_trip(&v, &ty);
    // cty's primitive conversions: numbers and bools as strings and back.
    let prim = Type::object([("n", Type::Number), ("b", Type::Bool), ("s", Type::String)]);
    let v = json::decode(br#"{"n":"1.5","b":"true","s":12}"#, &prim).unwrap();
    assert_eq!(
        v,
        obj([
            ("n", num("1.5")),
            ("b", Value::Bool(true)),
            ("s", Value::string("12"))
        ])
    );
}

#[test]
fn type_json_round_trips() {
    let opt = Type::Object {
        attributes: BTreeMap::from([
            ("a".to_string(), Type::String),
            ("b".to_string(), Type::list(Type::Number)),
        ]),
        optional: vec!["b".to_string()],
    };
    let cases = [
        (Type::String, r#""string""#),
        (Type::Number, r#""number""#),
        (Type::Bool, r#""bool""#),
        (Type::Dynamic, r#""dynamic""#),
        (Type::list(Type::String), r#"["list","string"]"#),
        (Type::set(Type::Number), r#"["set","number"]"#),
        (Type::map(Type::Bool), r#"["map","bool"]"#),
        (
            Type::object([("b", Type::Bool), ("a", Type::String)]),
            r#"["object",{"a":"string","b":"bool"}]"#,
        ),
        (
            Type::object(Vec::<(String, Type)>::new()),
            r#"["object",{}]"#,
        ),
        (
            opt,
            r#"["object",{"a":"string","b":["list","number"]},["b"]]"#,
        ),
        (
            Type::Tuple(vec![Type::String, Type::Dynamic]),
            r#"["tuple",["string","dynamic"]]"#,
        ),
        (Type::Tuple(vec![]), r#"["tuple",[]]"#),
        (sample_object_type(), ""),
    ];
    for (ty, want) in cases {
        let text = json::type_to_json(&ty);
        if !want.is_empty() {
            assert_eq!(text, want);
        }
        assert_eq!(json::type_from_json(&text).unwrap(), ty, "{text}");
    }
    // Whitespace is fine.
    assert_eq!(
        json::type_from_json(" [ \"list\" , \"string\" ] ").unwrap(),
        Type::list(Type::String)
    );
    for bad in [
        "",
        "strin",
        "\"text\"",
        "[\"list\"]",
        "[\"list\",\"string\",\"string\"]",
        "[\"object\",[\"a\"]]",
        "[\"object\",{\"a\":\"string\"},[\"b\"]]",
        "[\"tuple\",\"string\"]",
        "[\"blob\",\"string\"]",
        "[]",
        "42",
        "[\"list\",\"string\"] x",
    ] {
        assert!(
            json::type_from_json(bad).is_err(),
            "{bad:?} should be refused"
        );
    }
}

#[test]
fn null_of_and_implied_type() {
    let ty = Type::object([("a", Type::String), ("b", Type::list(Type::Number))]);
    assert_eq!(
        Value::null_of(&ty),
        obj([("a", Value::Null), ("b", Value::Null)])
    );
    assert_eq!(Value::null_of(&Type::String), Value::Null);
    assert_eq!(
        obj([
            ("a", Value::string("x")),
            ("b", Value::List(vec![Value::int(1)]))
        ])
        .implied_type(),
        Some(ty)
    );
    assert_eq!(Value::List(vec![]).implied_type(), None);
    assert_eq!(
        Value::List(vec![Value::int(1), Value::string("x")]).implied_type(),
        None
    );
    // A plain value under a dynamic type is wrapped with its implied type.
    let bytes = msgpack::encode(&Value::string("hi"), &Type::Dynamic).unwrap();
    assert_eq!(
        msgpack::decode(&bytes, &Type::Dynamic).unwrap(),
        Value::Dynamic(Type::String, Box::new(Value::string("hi")))
    );
    assert!(msgpack::encode(&Value::List(vec![]), &Type::Dynamic).is_err());
}

#[test]
fn malformed_msgpack_is_an_error() {
    let obj_ty = Type::object([("a", Type::String)]);
    let cases: Vec<(&str, Vec<u8>, Type)> = vec![
        ("empty", vec![], Type::String),
        ("truncated string", vec![0xa5, b'a', b'b'], Type::String),
        ("truncated str8 length", vec![0xd9], Type::String),
        ("truncated float", vec![0xcb, 0x3f], Type::Number),
        ("truncated map", vec![0x81, 0xa1, b'a'], obj_ty.clone()),
        ("truncated ext", vec![0xd8, 0x0c, 1, 2], Type::String),
        (
            "length larger than input",
            vec![0xdb, 0xff, 0xff, 0xff, 0xff, b'a'],
            Type::String,
        ),
        (
            "huge array",
            vec![0xdd, 0xff, 0xff, 0xff, 0xff, 0x01],
            Type::list(Type::Number),
        ),
        (
            "huge map",
            vec![0xdf, 0xff, 0xff, 0xff, 0xff],
            Type::map(Type::Number),
        ),
        ("huge bin", vec![0xc6, 0x7f, 0xff, 0xff, 0xff], Type::String),
        (
            "huge ext",
            vec![0xc9, 0x7f, 0xff, 0xff, 0xff, 0x0c],
            Type::String,
        ),
        ("bad UTF-8", vec![0xa2, 0xc3, 0x28], Type::String),
        (
            "bad UTF-8 key",
            vec![0x81, 0xa1, 0xff, 0xc0],
            obj_ty.clone(),
        ),
        ("reserved marker", vec![0xc1], Type::String),
        ("string for number", vec![0xa1, b'x'], Type::Number),
        ("bool for object", vec![0xc3], obj_ty.clone()),
        ("number for bool", vec![0x01], Type::Bool),
        ("map for list", vec![0x80], Type::list(Type::String)),
        ("int key", vec![0x81, 0x01, 0xc0], Type::map(Type::String)),
        (
            "duplicate key",
            vec![0x82, 0xa1, b'a', 0xc0, 0xa1, b'a', 0xc0],
            obj_ty.clone(),
        ),
        (
            "tuple length",
            vec![0x91, 0x01],
            Type::Tuple(vec![Type::Number, Type::Number]),
        ),
        ("trailing bytes", vec![0xc0, 0xc0], Type::String),
        (
            "NaN",
            vec![0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1],
            Type::Number,
        ),
        ("dynamic of 3", vec![0x93, 0xc0, 0xc0, 0xc0], Type::Dynamic),
        (
            "dynamic bad type",
            vec![0x92, 0xa3, b'x', b'y', b'z', 0xc0],
            Type::Dynamic,
        ),
        ("dynamic string", vec![0xa1, b'x'], Type::Dynamic),
        (
            "refinement not a map",
            vec![0xd5, 0x0c, 0x91, 0x01],
            Type::String,
        ),
        (
            "oversize refinement",
            [&[0xc8, 0x04, 0x01, 0x0c][..], &[0u8; 1025][..]].concat(),
            Type::String,
        ),
        (
            "truncated refinement",
            vec![0xd5, 0x0c, 0x82, 0x01],
            Type::String,
        ),
    ];
    for (name, bytes, ty) in cases {
        match msgpack::decode(&bytes, &ty) {
            Err(e) => assert!(!e.message.is_empty(), "{name}"),
            Ok(v) => panic!("{name}: {} decoded as {v:?}", hex(&bytes)),
        }
    }
}

#[test]
fn deep_nesting_is_refused() {
    // 10,000 nested one-element arrays against a deeply nested list type.
    let mut ty = Type::Number;
    for _ in 0..200 {
        ty = Type::list(ty);
    }
    let mut bytes = vec![0x91; 10_000];
    bytes.push(0x01);
    let err = msgpack::decode(&bytes, &ty).unwrap_err();
    assert!(err.message.contains("nested too deeply"), "{err}");
    // A dynamic value whose type JSON nests 10,000 deep.
    let type_json = format!(
        "{}\"string\"{}",
        "[\"list\",".repeat(10_000),
        "]".repeat(10_000)
    );
    let mut bytes = vec![0x92, 0xc6];
    bytes.extend_from_slice(&(type_json.len() as u32).to_be_bytes());
    bytes.extend_from_slice(type_json.as_bytes());
    bytes.push(0xc0);
    let err = msgpack::decode(&bytes, &Type::Dynamic).unwrap_err();
    assert!(err.message.contains("too deeply"), "{err}");
    assert!(json::type_from_json(&type_json).is_err());
    // Deep JSON arrays and objects.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(json::decode(deep.as_bytes(), &ty).is_err());
    let deep = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    assert!(json::decode(deep.as_bytes(), &Type::Dynamic).is_err());
    // A refinement whose unknown key hides deep nesting is skipped without recursion.
    let mut payload = vec![0x81, 0x07];
    payload.extend(std::iter::repeat_n(0x91, 900));
    payload.push(0xc0);
    let mut bytes = vec![0xc8];
    bytes.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    bytes.push(0x0c);
    bytes.extend_from_slice(&payload);
    assert_eq!(
        msgpack::decode(&bytes, &Type::String).unwrap(),
        Value::unknown()
    );
    // Encoding a value deeper than the limit is an error too.
    let mut v = Value::int(1);
    for _ in 0..200 {
        v = Value::List(vec![v]);
    }
    assert!(msgpack::encode(&v, &ty).is_err());
    assert!(json::encode(&v, &ty).is_err());
}

#[test]
fn malformed_json_is_an_error() {
    let ty = Type::object([("a", Type::Number), ("b", Type::list(Type::String))]);
    for bad in [
        "",
        "{",
        "{\"a\":1",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":01}",
        "{\"a\":1.}",
        "{\"a\":-}",
        "{\"a\":1e}",
        "{\"a\":NaN}",
        "{\"a\":\"x\"}",
        "{\"a\":true}",
        "{\"b\":\"notalist\"}",
        "{\"b\":[1,]}",
        "{\"b\":[\"\\x\"]}",
        "{\"b\":[\"\\ud800\"]}",
        "{\"b\":[\"tab\there\"]}",
        "{\"a\":1} {}",
        "[]",
        "nul",
    ] {
        assert!(
            json::decode(bad.as_bytes(), &ty).is_err(),
            "{bad:?} should be refused"
        );
    }
    assert!(json::decode(b"{\"b\":[\"\xff\"]}", &ty).is_err());
    // Dynamic values need exactly type and value.
    for bad in [
        r#"{"type":"string"}"#,
        r#"{"value":1}"#,
        r#"{"type":"string","value":"x","z":1}"#,
        r#""x""#,
    ] {
        assert!(
            json::decode(bad.as_bytes(), &Type::Dynamic).is_err(),
            "{bad}"
        );
    }
}

/// A small deterministic generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_bytes_never_panic() {
    let types = [
        Type::Dynamic,
        Type::Number,
        Type::String,
        sample_object_type(),
        Type::list(Type::object([
            ("a", Type::Number),
            ("b", Type::set(Type::String)),
        ])),
        Type::map(Type::Dynamic),
        Type::Tuple(vec![Type::Bool, Type::Number]),
    ];
    let seeds: Vec<Vec<u8>> = vec![
        msgpack::encode(&sample_object(), &sample_object_type()).unwrap(),
        msgpack::encode(
            &Value::Unknown(Refinements {
                not_null: Some(true),
                number_lower: Some((Number::from(3), true)),
                ..Default::default()
            }),
            &Type::Number,
        )
        .unwrap(),
        json::encode(&sample_object(), &sample_object_type()).unwrap(),
    ];
    let mut rng = Lcg(0x5eed);
    let mut decoded = 0usize;
    for round in 0..30_000 {
        let bytes: Vec<u8> = if round % 2 == 0 {
            // Pure noise, biased towards msgpack container markers.
            let len = rng.below(48);
            (0..len)
                .map(|_| match rng.below(4) {
                    0 => {
                        [0x91, 0x92, 0x81, 0xdc, 0xdd, 0xdf, 0xc7, 0xd4, 0xa1, 0xc0][rng.below(10)]
                    }
                    _ => rng.next() as u8,
                })
                .collect()
        } else {
            // A valid encoding, mutated.
            let mut b = seeds[rng.below(seeds.len())].clone();
            for _ in 0..1 + rng.below(4) {
                match rng.below(3) {
                    0 if !b.is_empty() => {
                        let i = rng.below(b.len());
                        b[i] = rng.next() as u8;
                    }
                    1 if !b.is_empty() => {
                        let n = rng.below(b.len());
                        b.truncate(n);
                    }
                    _ => {
                        let i = rng.below(b.len() + 1);
                        b.insert(i, rng.next() as u8);
                    }
                }
            }
            b
        };
        for ty in &types {
            if let Ok(v) = msgpack::decode(&bytes, ty) {
                decoded += 1;
                // Whatever decodes must encode again.
                msgpack::encode(&v, ty)
                    .unwrap_or_else(|e| panic!("re-encode {}: {e}", hex(&bytes)));
            }
            let _ = json::decode(&bytes, ty);
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = json::type_from_json(text);
        }
    }
    // The generator reaches valid inputs too, not only errors.
    assert!(decoded > 100, "only {decoded} random inputs decoded");
}

#[test]
fn conform_fills_and_converts() {
    let ty = Type::object([
        ("name", Type::String),
        ("count", Type::Number),
        ("on", Type::Bool),
        ("zones", Type::set(Type::String)),
        ("pair", Type::Tuple(vec![Type::String, Type::Number])),
        ("tags", Type::map(Type::String)),
        ("any", Type::Dynamic),
    ]);
    let v = obj([
        ("name", Value::int(7)),
        ("count", Value::string("1.50")),
        ("on", Value::string("true")),
        ("zones", Value::List(vec![Value::string("a")])),
        ("pair", Value::List(vec![Value::string("x"), Value::int(1)])),
        ("any", Value::string("free")),
    ]);
    let c = v.conform(&ty).unwrap();
    assert_eq!(
        c,
        obj([
            ("name", Value::string("7")),
            ("count", num("1.5")),
            ("on", Value::Bool(true)),
            ("zones", Value::Set(vec![Value::string("a")])),
            (
                "pair",
                Value::Tuple(vec![Value::string("x"), Value::int(1)])
            ),
            ("tags", Value::Null),
            (
                "any",
                Value::Dynamic(Type::String, Box::new(Value::string("free")))
            ),
        ])
    );
    // The conformed value encodes; the original does not.
    assert!(msgpack::encode(&v, &ty).is_err());
    mp_round_trip(&c, &ty);
    // Errors carry paths.
    let bad = obj([(
        "pair",
        Value::List(vec![Value::string("x"), Value::string("y")]),
    )]);
    let err = bad.conform(&ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pair[1]: expected number, got string \"y\""
    );
    let extra = obj([("nope", Value::Null)]);
    assert_eq!(
        extra.conform(&ty).unwrap_err().path,
        AttributePath::attr("nope")
    );
    // Refinements that cannot apply are dropped.
    let u = Value::Unknown(Refinements {
        not_null: Some(true),
        string_prefix: Some("p".into()),
        ..Default::default()
    });
    assert_eq!(
        u.conform(&Type::Number).unwrap(),
        Value::Unknown(Refinements {
            not_null: Some(true),
            ..Default::default()
        })
    );
}

#[test]
fn equivalent_ignores_set_order() {
    let a = obj([(
        "s",
        Value::Set(vec![
            Value::string("x"),
            Value::string("y"),
            Value::string("x"),
        ]),
    )]);
    let b = obj([(
        "s",
        Value::Set(vec![
            Value::string("y"),
            Value::string("x"),
            Value::string("x"),
        ]),
    )]);
    let c = obj([(
        "s",
        Value::Set(vec![
            Value::string("y"),
            Value::string("y"),
            Value::string("x"),
        ]),
    )]);
    assert!(a.equivalent(&b));
    assert_ne!(a, b);
    assert!(!a.equivalent(&c));
    assert!(num("1.0").equivalent(&Value::int(1)));
    assert!(!Value::List(vec![Value::int(1), Value::int(2)])
        .equivalent(&Value::List(vec![Value::int(2), Value::int(1)])));
}
