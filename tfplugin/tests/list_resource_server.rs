//! List resources through the server: the config schema in
//! GetProviderSchema and GetMetadata, ValidateListResourceConfig (unknowns,
//! an error on an attribute, an unknown type name) and the ListResource
//! stream (identities, resource objects only when asked and conformed to
//! the resource schema, the limit, an error after a partial listing, a
//! list resource with no managed resource to name, a panic).

mod common;

use common::*;
use futures::StreamExt;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::value::msgpack;
use tfplugin::{Type, Value};

const NESTED: &str = "fixture_nested";

type ProviderClient =
    tfplugin::proto::tfplugin6::provider_client::ProviderClient<tonic::transport::Channel>;

fn config_type() -> Type {
    Type::object([("prefix", Type::String), ("count", Type::Number)])
}

fn identity_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("region", Type::String),
        ("parts", Type::list(Type::String)),
    ])
}

fn config(prefix: Value, count: Option<i64>) -> Option<pb::DynamicValue> {
    let v = Value::Object(
        [
            ("prefix".to_string(), prefix),
            ("count".to_string(), count.map_or(Value::Null, Value::int)),
        ]
        .into_iter()
        .collect(),
    );
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(&v, &config_type()).expect("encode config"),
        json: vec![],
    })
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| d.summary.clone())
        .collect()
}

async fn client() -> (Plugin, ProviderClient) {
    let p = start(None, &[]).await;
    let c = provider_client(plain_channel(&p.socket).await.expect("channel"));
    (p, c)
}

async fn list(
    c: &mut ProviderClient,
    type_name: &str,
    prefix: &str,
    count: Option<i64>,
    include: bool,
    limit: i64,
) -> Vec<pb::list_resource::Event> {
    let req = pb::list_resource::Request {
        type_name: type_name.into(),
        config: config(Value::string(prefix), count),
        include_resource_object: include,
        limit,
    };
    let stream = tokio::time::timeout(RPC_TIMEOUT, c.list_resource(req))
        .await
        .expect("in time")
        .expect("OK")
        .into_inner();
    tokio::time::timeout(RPC_TIMEOUT, stream.collect::<Vec<_>>())
        .await
        .expect("stream ends in time")
        .into_iter()
        .map(|e| e.expect("an event"))
        .collect()
}

fn name_of(e: &pb::list_resource::Event) -> String {
    let dv = e
        .identity
        .as_ref()
        .and_then(|i| i.identity_data.as_ref())
        .expect("an identity");
    let id = msgpack::decode(&dv.msgpack, &identity_type()).expect("identity decodes");
    assert_eq!(id.get("region"), Some(&Value::string("r1")));
    id.get("name")
        .and_then(Value::as_str)
        .expect("a name")
        .to_string()
}

#[tokio::test]
async fn list_resources_are_in_the_schema_and_the_metadata() {
    let (p, mut c) = client().await;
    let schema = get_schema(plain_channel(&p.socket).await)
        .await
        .expect("schema");
    let names: Vec<&String> = schema.list_resource_schemas.keys().collect();
    assert_eq!(names.len(), 2);
    let block = schema.list_resource_schemas[NESTED]
        .block
        .as_ref()
        .expect("a block");
    assert_eq!(block_type_from_proto(block), config_type());
    let prefix = block.attributes.iter().find(|a| a.name == "prefix");
    assert!(prefix.is_some_and(|a| a.required));

    let meta = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("metadata")
        .into_inner();
    let listed: Vec<&str> = meta
        .list_resources
        .iter()
        .map(|d| d.type_name.as_str())
        .collect();
    assert_eq!(listed, [NESTED, "fixture_orphan"]);
}

#[tokio::test]
async fn validate_accepts_unknowns_and_reports_on_the_attribute() {
    let (_p, c) = client().await;
    let validate = |type_name: &str, prefix: Value| {
        let req = pb::validate_list_resource_config::Request {
            type_name: type_name.into(),
            config: config(prefix, None),
            ..Default::default()
        };
        let mut c = c.clone();
        async move {
            c.validate_list_resource_config(req)
                .await
                .expect("OK")
                .into_inner()
                .diagnostics
        }
    };
    assert!(validate(NESTED, Value::unknown()).await.is_empty());
    assert!(validate(NESTED, Value::string("a")).await.is_empty());
    let diags = validate(NESTED, Value::string("")).await;
    assert_eq!(errors(&diags), ["Empty prefix"]);
    let path = diags[0].attribute.clone().expect("a path");
    assert_eq!(
        tfplugin::convert::path_from_proto(&path).to_string(),
        "prefix"
    );
    let diags = validate("fixture_nothing", Value::string("a")).await;
    assert_eq!(errors(&diags), ["Unknown list resource"]);
}

#[tokio::test]
async fn list_streams_identities_and_objects_only_when_asked() {
    let (p, mut c) = client().await;
    let events = list(&mut c, NESTED, "t", Some(3), false, 100).await;
    let names: Vec<String> = events.iter().map(name_of).collect();
    assert_eq!(names, ["t-1", "t-2", "t-3"]);
    assert_eq!(events[1].display_name, "thing t-2");
    assert!(events.iter().all(|e| e.resource_object.is_none()));
    assert!(events.iter().all(|e| e.diagnostic.is_empty()));

    // With the objects: each decodes against the resource schema, every
    // key present (the fixture's import sets only `id` and `name`).
    let schema = get_schema(plain_channel(&p.socket).await)
        .await
        .expect("schema");
    let ty = block_type_from_proto(
        schema.resource_schemas[NESTED]
            .block
            .as_ref()
            .expect("a block"),
    );
    let events = list(&mut c, NESTED, "t", None, true, 100).await;
    assert_eq!(events.len(), 2);
    let object = events[0].resource_object.as_ref().expect("an object");
    let object = msgpack::decode(&object.msgpack, &ty).expect("decodes against the schema");
    assert_eq!(object.get("id"), Some(&Value::string("id-t-1")));
    assert_eq!(object.get("x"), Some(&Value::Null));

    // The limit cuts the stream.
    let events = list(&mut c, NESTED, "t", Some(5), false, 2).await;
    assert_eq!(
        events.iter().map(name_of).collect::<Vec<_>>(),
        ["t-1", "t-2"]
    );
}

#[tokio::test]
async fn list_errors_are_events_and_the_process_keeps_serving() {
    let (_p, mut c) = client().await;
    // What was found before the error is sent, then the error.
    let events = list(&mut c, NESTED, "partial", None, false, 100).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(name_of(&events[0]), "partial-1");
    assert!(events[1].identity.is_none());
    assert_eq!(errors(&events[1].diagnostic), ["Listing failed"]);

    let events = list(&mut c, "fixture_nothing", "a", None, false, 100).await;
    assert_eq!(events.len(), 1);
    assert_eq!(errors(&events[0].diagnostic), ["Unknown list resource"]);

    let events = list(&mut c, "fixture_orphan", "a", None, false, 100).await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        errors(&events[0].diagnostic),
        ["List resource without an identity"]
    );

    let events = list(&mut c, NESTED, "boom", None, false, 100).await;
    assert_eq!(events.len(), 1);
    let errs = errors(&events[0].diagnostic);
    assert!(errs[0].starts_with("provider internal error"), "{errs:?}");
    assert!(errs[0].contains("listing of boom"), "{errs:?}");

    let events = list(&mut c, NESTED, "ok", None, false, 100).await;
    assert_eq!(events.len(), 2);
}
