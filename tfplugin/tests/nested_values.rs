//! Values of protocol-6 nested attributes (single, list, set and map
//! nesting) through the msgpack and JSON codecs, against the type the
//! schema implies: unknown and null inner attributes, maps keyed by
//! arbitrary strings, and raw state read tolerantly.

use tfplugin::convert::conform;
use tfplugin::value::{json, msgpack, Refinements, Type, Value};
use tfplugin::{Attribute, Block, ObjectNesting};

fn obj<const N: usize>(items: [(&str, Value); N]) -> Value {
    Value::Object(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn map<const N: usize>(items: [(&str, Value); N]) -> Value {
    Value::Map(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn inner() -> Vec<Attribute> {
    vec![
        Attribute::required("a", Type::Number),
        Attribute::computed("b", Type::String),
        Attribute::optional("tags", Type::list(Type::String)),
    ]
}

/// One attribute of each nesting, plus a map whose objects hold a single
/// nested attribute (as `autoscaling = { read = { … } }` does).
fn schema() -> Block {
    Block::new("")
        .attr(Attribute::required("name", Type::String))
        .attr(Attribute::nested_single("x", inner()))
        .attr(Attribute::nested_list("l", inner()))
        .attr(Attribute::nested_set("s", inner()))
        .attr(Attribute::optional_computed_nested(
            "m",
            ObjectNesting::Map,
            inner(),
        ))
        .attr(Attribute::nested_map(
            "deep",
            vec![
                Attribute::nested_single("read", inner()),
                Attribute::optional("note", Type::String),
            ],
        ))
}

fn item(a: i64, b: Value) -> Value {
    obj([("a", Value::int(a)), ("b", b), ("tags", Value::Null)])
}

/// Keys a user may choose: empty, spaces, dots, brackets, quotes, unicode,
/// and a key that looks like a number.
const KEYS: [&str; 7] = [
    "",
    "with space",
    "a.b[0]",
    "\"quoted\"",
    "ключ",
    "00",
    "api",
];

fn full_value(b: impl Fn(usize) -> Value) -> Value {
    obj([
        ("name", Value::string("n")),
        ("x", item(1, b(0))),
        ("l", Value::List(vec![item(2, b(1)), item(3, Value::Null)])),
        ("s", Value::Set(vec![item(4, b(2))])),
        (
            "m",
            Value::Map(
                KEYS.iter()
                    .enumerate()
                    .map(|(i, k)| (k.to_string(), item(i as i64, b(i))))
                    .collect(),
            ),
        ),
        (
            "deep",
            map([(
                "feeds",
                obj([("read", item(9, b(3))), ("note", Value::Null)]),
            )]),
        ),
    ])
}

fn mp_round_trip(v: &Value, ty: &Type) {
    let bytes = msgpack::encode(v, ty).unwrap_or_else(|e| panic!("encode {v:?}: {e}"));
    let back = msgpack::decode(&bytes, ty).unwrap_or_else(|e| panic!("decode: {e}"));
    assert_eq!(&back, v);
}

fn json_round_trip(v: &Value, ty: &Type) -> String {
    let bytes = json::encode(v, ty).unwrap_or_else(|e| panic!("JSON encode {v:?}: {e}"));
    let back = json::decode(&bytes, ty).unwrap_or_else(|e| panic!("JSON decode: {e}"));
    assert_eq!(&back, v);
    String::from_utf8(bytes).expect("UTF-8")
}

#[test]
fn msgpack_round_trips_every_nesting_with_unknown_and_null_inner_attributes() {
    let ty = schema().implied_type();
    // Inner attributes known, null, unknown, and unknown with refinements.
    let refined = Value::Unknown(Refinements {
        not_null: Some(true),
        string_prefix: Some("arn:".into()),
        ..Default::default()
    });
    for b in [
        |_| Value::string("known"),
        |_| Value::Null,
        |_| Value::unknown(),
    ] {
        mp_round_trip(&full_value(b), &ty);
    }
    let refined_value = full_value(|i| {
        if i % 2 == 0 {
            refined.clone()
        } else {
            Value::Null
        }
    });
    mp_round_trip(&refined_value, &ty);
    // Whole nested attributes null or unknown, and an unknown map entry.
    let sparse = obj([
        ("name", Value::string("n")),
        ("x", Value::Null),
        ("l", Value::unknown()),
        ("s", Value::Set(vec![])),
        ("m", map([("k", Value::unknown())])),
        (
            "deep",
            map([(
                "t",
                obj([("read", Value::Null), ("note", Value::unknown())]),
            )]),
        ),
    ]);
    mp_round_trip(&sparse, &ty);
}

#[test]
fn msgpack_bytes_of_a_map_nested_attribute() {
    // m = { k = { a = 1 } } as map(object({a = number})): a fixmap of one
    // string key holding a fixmap of one attribute.
    let ty = Type::map(Type::object([("a", Type::Number)]));
    let v = map([("k", obj([("a", Value::int(1))]))]);
    let bytes = msgpack::encode(&v, &ty).expect("encode");
    assert_eq!(bytes, vec![0x81, 0xa1, b'k', 0x81, 0xa1, b'a', 0x01]);
    assert_eq!(msgpack::decode(&bytes, &ty), Ok(v));
}

#[test]
fn json_round_trips_every_nesting_and_keeps_arbitrary_map_keys() {
    let ty = schema().implied_type();
    let text = json_round_trip(&full_value(|_| Value::string("known")), &ty);
    assert!(text.contains(r#""\"quoted\"":"#), "{text}");
    assert!(text.contains(r#""":{"#), "the empty key is kept: {text}");
    json_round_trip(&full_value(|_| Value::Null), &ty);
    // JSON has no unknowns: an unknown inner attribute is refused, with
    // its path through the map entry (attributes are encoded by name, so
    // `deep` comes first).
    let err = json::encode(&full_value(|_| Value::unknown()), &ty).expect_err("unknown");
    assert_eq!(err.path.to_string(), r#"deep["feeds"].read.b"#, "{err}");
}

#[test]
fn raw_state_of_nested_attributes_is_read_tolerantly() {
    let block = schema();
    let ty = block.implied_type();
    // Inner keys missing or no longer in the schema, a null map.
    let raw = br#"{
        "name": "n",
        "x": {"a": 1, "retired": true},
        "l": [{"b": "x"}],
        "s": null,
        "m": {"api": {"a": 2, "tags": ["t"]}, "with space": {"a": 3}},
        "deep": {"feeds": {"read": {"a": 4}}}
    }"#;
    let v = json::decode(raw, &ty).expect("decodes");
    let v = conform(v, &block);
    let with =
        |a: i64, b: Value, tags: Value| obj([("a", Value::int(a)), ("b", b), ("tags", tags)]);
    assert_eq!(v.get("x"), Some(&with(1, Value::Null, Value::Null)));
    assert_eq!(
        v.get("l"),
        Some(&Value::List(vec![obj([
            ("a", Value::Null),
            ("b", Value::string("x")),
            ("tags", Value::Null)
        ])]))
    );
    assert_eq!(v.get("s"), Some(&Value::Null));
    assert_eq!(
        v.get("m"),
        Some(&map([
            (
                "api",
                with(2, Value::Null, Value::List(vec![Value::string("t")]))
            ),
            ("with space", with(3, Value::Null, Value::Null)),
        ]))
    );
    assert_eq!(
        v.get("deep").and_then(|d| d.get("feeds")),
        Some(&obj([
            ("read", with(4, Value::Null, Value::Null)),
            ("note", Value::Null)
        ]))
    );
    // The result encodes as msgpack against the same type.
    mp_round_trip(&v, &ty);
}

#[test]
fn a_value_of_the_wrong_shape_is_an_error_at_its_path() {
    let ty = schema().implied_type();
    // A list where the map nesting wants an object of entries.
    let bad = br#"{"name": "n", "m": [{"a": 1}]}"#;
    let err = json::decode(bad, &ty).expect_err("wrong shape");
    assert_eq!(err.path.to_string(), "m", "{err}");
    // An inner attribute of the wrong type, deep in a map entry.
    let bad = br#"{"name": "n", "deep": {"k": {"read": {"a": "not a number"}}}}"#;
    let err = json::decode(bad, &ty).expect_err("wrong type");
    assert!(
        err.path.to_string().starts_with("deep[\"k\"].read.a"),
        "{err}"
    );
}
