//! Resource identity and versioned state upgrade through the server, as
//! Terraform sees them: GetResourceIdentitySchemas, identities in read,
//! plan, apply and import, import by identity, UpgradeResourceIdentity,
//! and UpgradeResourceState of a state written with an older schema
//! (decoded with that schema, upgraded by the resource).

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::value::{json, msgpack};
use tfplugin::{Type, Value};

const NESTED: &str = "fixture_nested";
const THING: &str = "fixture_thing";

fn obj<const N: usize>(items: [(&str, Value); N]) -> Value {
    Value::Object(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn identity_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("region", Type::String),
        ("parts", Type::list(Type::String)),
    ])
}

fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

/// An identity whose parts are `[name]`, as the fixture sets them.
fn ident(name: &str, region: Option<&str>) -> Value {
    obj([
        ("name", Value::string(name)),
        ("region", Value::opt(region)),
        ("parts", strings(&[name])),
    ])
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).expect("encode request value"),
        json: vec![],
    })
}

fn id_data(v: &Value) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData {
        identity_data: dv(v, &identity_type()),
    })
}

/// The identity a response carries, decoded against the identity type
/// (None when it carries none).
fn identity_of(data: Option<pb::ResourceIdentityData>) -> Option<Value> {
    let dv = data?.identity_data.expect("identity_data inside");
    Some(msgpack::decode(&dv.msgpack, &identity_type()).expect("identity decodes"))
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| d.summary.clone())
        .collect()
}

struct Client {
    client: pb::provider_client::ProviderClient<tonic::transport::Channel>,
    nested: Type,
    thing: Type,
    _plugin: Plugin,
}

async fn connect() -> Client {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let schema = get_schema(Ok(channel.clone())).await.expect("schema");
    let ty = |n: &str| block_type_from_proto(schema.resource_schemas[n].block.as_ref().expect("b"));
    Client {
        client: provider_client(channel),
        nested: ty(NESTED),
        thing: ty(THING),
        _plugin: p,
    }
}

fn nested_state(name: &str) -> Value {
    obj([
        ("name", Value::string(name)),
        ("id", Value::string(format!("id-{name}"))),
        ("x", Value::Null),
        ("m", Value::Null),
        ("l", Value::Null),
        ("s", Value::Null),
    ])
}

#[tokio::test]
async fn identity_schemas_list_only_resource_types_with_one() {
    let mut c = connect().await;
    let resp = c
        .client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .expect("identity schemas")
        .into_inner();
    assert!(resp.diagnostics.is_empty());
    let names: Vec<&String> = resp.identity_schemas.keys().collect();
    assert_eq!(names, vec![NESTED], "fixture_thing has no identity");
    let s = &resp.identity_schemas[NESTED];
    assert_eq!(s.version, 1);
    let attrs: Vec<(String, Vec<u8>, bool, bool, String)> = s
        .identity_attributes
        .iter()
        .map(|a| {
            (
                a.name.clone(),
                a.r#type.clone(),
                a.required_for_import,
                a.optional_for_import,
                a.description.clone(),
            )
        })
        .collect();
    assert_eq!(
        attrs,
        vec![
            (
                "name".into(),
                br#""string""#.to_vec(),
                true,
                false,
                "The thing's name.".into()
            ),
            (
                "region".into(),
                br#""string""#.to_vec(),
                false,
                true,
                "Its region; `r1` when not given.".into()
            ),
            (
                "parts".into(),
                br#"["list","string"]"#.to_vec(),
                false,
                true,
                "Its parts; `[name]` when not given.".into()
            ),
        ]
    );
}

#[tokio::test]
async fn identity_travels_through_plan_apply_and_read() {
    let mut c = connect().await;
    let config = obj([
        ("name", Value::string("n")),
        ("id", Value::Null),
        ("x", Value::Null),
        ("m", Value::Null),
        ("l", Value::Null),
        ("s", Value::Null),
    ]);
    // Create: no prior identity; the plan names one.
    let plan = c
        .client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: NESTED.into(),
            prior_state: dv(&Value::Null, &c.nested),
            proposed_new_state: dv(&config, &c.nested),
            config: dv(&config, &c.nested),
            ..Default::default()
        })
        .await
        .expect("plan")
        .into_inner();
    assert!(
        errors(&plan.diagnostics).is_empty(),
        "{:?}",
        plan.diagnostics
    );
    let planned_identity = identity_of(plan.planned_identity.clone());
    assert_eq!(planned_identity, Some(ident("n", Some("r1"))));

    // Apply receives the planned identity (the fixture keeps what it is
    // given: a region only the planned identity has proves it arrived).
    let given = ident("n", Some("from-plan"));
    let apply = c
        .client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: NESTED.into(),
            prior_state: dv(&Value::Null, &c.nested),
            planned_state: plan.planned_state.clone(),
            config: dv(&config, &c.nested),
            planned_identity: id_data(&given),
            ..Default::default()
        })
        .await
        .expect("apply")
        .into_inner();
    assert!(
        errors(&apply.diagnostics).is_empty(),
        "{:?}",
        apply.diagnostics
    );
    assert_eq!(identity_of(apply.new_identity), Some(given.clone()));

    // Read returns the current identity unchanged; a state without one
    // gets a first identity.
    for (sent, expected) in [
        (Some(ident("n", Some("r9"))), ident("n", Some("r9"))),
        (None, ident("n", Some("r1"))),
    ] {
        let read = c
            .client
            .read_resource(pb::read_resource::Request {
                type_name: NESTED.into(),
                current_state: dv(&nested_state("n"), &c.nested),
                current_identity: sent.as_ref().and_then(id_data),
                ..Default::default()
            })
            .await
            .expect("read")
            .into_inner();
        assert!(
            errors(&read.diagnostics).is_empty(),
            "{:?}",
            read.diagnostics
        );
        assert_eq!(identity_of(read.new_identity), Some(expected));
    }

    // An update plan keeps the prior identity.
    let plan = c
        .client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: NESTED.into(),
            prior_state: dv(&nested_state("n"), &c.nested),
            proposed_new_state: dv(&nested_state("n"), &c.nested),
            config: dv(&config, &c.nested),
            prior_identity: id_data(&ident("n", Some("r7"))),
            ..Default::default()
        })
        .await
        .expect("plan")
        .into_inner();
    assert_eq!(
        identity_of(plan.planned_identity),
        Some(ident("n", Some("r7")))
    );

    // Destroy: no identity afterwards.
    let destroy = c
        .client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: NESTED.into(),
            prior_state: dv(&nested_state("n"), &c.nested),
            planned_state: dv(&Value::Null, &c.nested),
            config: dv(&Value::Null, &c.nested),
            planned_identity: id_data(&given),
            ..Default::default()
        })
        .await
        .expect("destroy")
        .into_inner();
    assert!(errors(&destroy.diagnostics).is_empty());
    assert!(destroy.new_identity.is_none());

    // A resource type without identity answers none, whatever was sent.
    let thing_state = obj([
        ("name", Value::string("t")),
        ("id", Value::string("id-t")),
        ("size", Value::Null),
        ("tags", Value::Null),
        ("rule", Value::List(vec![])),
    ]);
    let read = c
        .client
        .read_resource(pb::read_resource::Request {
            type_name: THING.into(),
            current_state: dv(&thing_state, &c.thing),
            current_identity: id_data(&ident("t", None)),
            ..Default::default()
        })
        .await
        .expect("read")
        .into_inner();
    assert!(
        errors(&read.diagnostics).is_empty(),
        "{:?}",
        read.diagnostics
    );
    assert!(read.new_identity.is_none());
}

#[tokio::test]
async fn import_by_id_or_by_identity() {
    let c = connect().await;
    let import = |id: &str, identity: Option<Value>, type_name: &str| {
        let req = pb::import_resource_state::Request {
            type_name: type_name.into(),
            id: id.into(),
            identity: identity.as_ref().and_then(id_data),
            ..Default::default()
        };
        let mut client = c.client.clone();
        async move {
            client
                .import_resource_state(req)
                .await
                .expect("import")
                .into_inner()
        }
    };
    let nested = c.nested.clone();
    let state_name = |r: &pb::import_resource_state::ImportedResource| {
        let dv = r.state.clone().expect("state");
        let v = msgpack::decode(&dv.msgpack, &nested).expect("state decodes");
        v.get("name").and_then(Value::as_str).map(str::to_string)
    };

    // By string ID: the identity is derived.
    let resp = import("a", None, NESTED).await;
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    let r = &resp.imported_resources[0];
    assert_eq!(state_name(r).as_deref(), Some("a"));
    assert_eq!(
        identity_of(r.identity.clone()),
        Some(ident("a", Some("r1")))
    );

    // By identity, with and without the optional attributes.
    let without_parts = obj([
        ("name", Value::string("d")),
        ("region", Value::Null),
        ("parts", Value::Null),
    ]);
    let with_parts = obj([
        ("name", Value::string("e")),
        ("region", Value::Null),
        ("parts", strings(&["p", "q"])),
    ]);
    let with_parts_filled = obj([
        ("name", Value::string("e")),
        ("region", Value::string("r1")),
        ("parts", strings(&["p", "q"])),
    ]);
    for (given, expected) in [
        (ident("b", None), ident("b", Some("r1"))),
        (ident("c", Some("r2")), ident("c", Some("r2"))),
        (without_parts, ident("d", Some("r1"))),
        (with_parts, with_parts_filled),
    ] {
        let resp = import("", Some(given), NESTED).await;
        assert!(
            errors(&resp.diagnostics).is_empty(),
            "{:?}",
            resp.diagnostics
        );
        let r = &resp.imported_resources[0];
        assert_eq!(
            state_name(r).as_deref(),
            expected.get("name").and_then(Value::as_str)
        );
        assert_eq!(identity_of(r.identity.clone()), Some(expected));
    }

    // The resource's own check, at the attribute.
    let resp = import(
        "",
        Some(obj([
            ("name", Value::Null),
            ("region", Value::string("r2")),
            ("parts", Value::Null),
        ])),
        NESTED,
    )
    .await;
    assert_eq!(errors(&resp.diagnostics), vec!["Missing name".to_string()]);
    let path = resp.diagnostics[0].attribute.clone().expect("path");
    assert_eq!(
        tfplugin::convert::path_from_proto(&path).to_string(),
        "name"
    );
    assert!(resp.imported_resources.is_empty());

    // A resource type without identity refuses an identity import.
    let resp = import("", Some(ident("t", None)), THING).await;
    assert_eq!(
        errors(&resp.diagnostics),
        vec!["Import by identity is not supported".to_string()]
    );
    assert!(resp.imported_resources.is_empty());
}

#[tokio::test]
async fn upgrade_resource_identity_reads_raw_json() {
    let c = connect().await;
    let upgrade = |type_name: &str, version: i64, raw: &str| {
        let req = pb::upgrade_resource_identity::Request {
            type_name: type_name.into(),
            version,
            raw_identity: Some(pb::RawState {
                json: raw.as_bytes().to_vec(),
                flatmap: Default::default(),
            }),
        };
        let mut client = c.client.clone();
        async move {
            client
                .upgrade_resource_identity(req)
                .await
                .expect("upgrade identity")
                .into_inner()
        }
    };
    // Version 0 had no region: the resource's upgrade sets it.
    let resp = upgrade(NESTED, 0, r#"{"name": "a"}"#).await;
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    assert_eq!(
        identity_of(resp.upgraded_identity),
        Some(ident("a", Some("r1")))
    );
    // The current version passes through; unknown keys are dropped.
    let raw = r#"{"name": "a", "region": "r5", "parts": ["x", "y"], "gone": 1}"#;
    let resp = upgrade(NESTED, 1, raw).await;
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    assert_eq!(
        identity_of(resp.upgraded_identity),
        Some(obj([
            ("name", Value::string("a")),
            ("region", Value::string("r5")),
            ("parts", strings(&["x", "y"])),
        ]))
    );
    // A state stored before the type had an identity: Terraform sends no
    // JSON, and gets no identity and no error (the next read sets one).
    let resp = upgrade(NESTED, 0, "").await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert!(resp.upgraded_identity.is_none());
    // Newer versions, types without identity and bad JSON are errors.
    let resp = upgrade(NESTED, 2, r#"{"name": "a"}"#).await;
    assert_eq!(
        errors(&resp.diagnostics),
        vec!["Resource identity written by a newer provider version".to_string()]
    );
    assert!(resp.upgraded_identity.is_none());
    let resp = upgrade(THING, 0, r#"{"name": "a"}"#).await;
    assert_eq!(
        errors(&resp.diagnostics),
        vec!["Resource type has no identity".to_string()]
    );
    let resp = upgrade(NESTED, 1, r#"{"name": 5, "region": []}"#).await;
    assert_eq!(errors(&resp.diagnostics).len(), 1, "{:?}", resp.diagnostics);
    assert!(resp.upgraded_identity.is_none());
}

/// A state of schema version 0 (`x` and `m` as list blocks) is decoded
/// with the version-0 schema and upgraded by the resource; decoding it
/// against the current schema would fail (`x` is an object now).
#[tokio::test]
async fn upgrade_state_decodes_with_the_schema_of_the_stored_version() {
    let c = connect().await;
    let raw_v0 = r#"{
        "name": "n", "id": "id-n",
        "x": [{"a": 1, "b": "x-b"}],
        "m": [{"key": "k one", "a": 2, "b": "b-k one"}, {"key": "", "a": null, "b": "b-"}]
    }"#;
    assert!(
        json::decode(raw_v0.as_bytes(), &c.nested).is_err(),
        "the version-0 state must not fit the current schema, or this test proves nothing"
    );
    let upgrade = |type_name: &str, version: i64, raw: &str| {
        let req = pb::upgrade_resource_state::Request {
            type_name: type_name.into(),
            version,
            raw_state: Some(pb::RawState {
                json: raw.as_bytes().to_vec(),
                flatmap: Default::default(),
            }),
        };
        let mut client = c.client.clone();
        async move {
            client
                .upgrade_resource_state(req)
                .await
                .expect("upgrade state")
                .into_inner()
        }
    };
    let resp = upgrade(NESTED, 0, raw_v0).await;
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    let upgraded = msgpack::decode(&resp.upgraded_state.expect("state").msgpack, &c.nested)
        .expect("decodes against the current schema");
    let ab = |a: Value, b: &str| obj([("a", a), ("b", Value::string(b))]);
    let m = Value::Map(
        [
            ("k one".to_string(), ab(Value::int(2), "b-k one")),
            (String::new(), ab(Value::Null, "b-")),
        ]
        .into_iter()
        .collect(),
    );
    assert_eq!(
        upgraded,
        obj([
            ("name", Value::string("n")),
            ("id", Value::string("id-n")),
            ("x", ab(Value::int(1), "x-b")),
            ("m", m),
            ("l", Value::Null),
            ("s", Value::Null),
        ])
    );

    // A version the resource has no schema for is refused, naming it
    // (fixture_thing is at version 1 and keeps the default: only its
    // current version is readable).
    let resp = upgrade(THING, 0, r#"{"name": "a"}"#).await;
    assert_eq!(
        errors(&resp.diagnostics),
        vec!["Cannot read state of schema version 0".to_string()]
    );
    assert!(resp.upgraded_state.is_none());
    let resp = upgrade(NESTED, 2, raw_v0).await;
    assert_eq!(
        errors(&resp.diagnostics),
        vec!["Resource instance managed by newer provider version".to_string()]
    );
}
