//! Data sources through the server: the schema in GetProviderSchema and
//! GetMetadata, ValidateDataResourceConfig (config with unknowns, an error
//! on an attribute, an unknown type name) and ReadDataSource (the state
//! conformed to the schema, an error without a state, an unknown type name,
//! a panic).

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::value::msgpack;
use tfplugin::{Type, Value};

const LOOKUP: &str = "fixture_lookup";

fn lookup_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("greeting", Type::String),
        ("length", Type::Number),
    ])
}

fn config(name: Value) -> Option<pb::DynamicValue> {
    let v = Value::Object(
        [
            ("name", name),
            ("greeting", Value::Null),
            ("length", Value::Null),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    );
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(&v, &lookup_type()).expect("encode config"),
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

fn path_of(d: &pb::Diagnostic) -> String {
    let path = d.attribute.clone().expect("an attribute path");
    tfplugin::convert::path_from_proto(&path).to_string()
}

async fn client() -> (Plugin, ProviderClient) {
    let p = start(None, &[]).await;
    let c = provider_client(plain_channel(&p.socket).await.expect("channel"));
    (p, c)
}

type ProviderClient =
    tfplugin::proto::tfplugin6::provider_client::ProviderClient<tonic::transport::Channel>;

async fn validate(c: &mut ProviderClient, type_name: &str, name: Value) -> Vec<pb::Diagnostic> {
    let req = pb::validate_data_resource_config::Request {
        type_name: type_name.into(),
        config: config(name),
    };
    tokio::time::timeout(RPC_TIMEOUT, c.validate_data_resource_config(req))
        .await
        .expect("in time")
        .expect("OK")
        .into_inner()
        .diagnostics
}

async fn read(
    c: &mut ProviderClient,
    type_name: &str,
    name: &str,
) -> pb::read_data_source::Response {
    let req = pb::read_data_source::Request {
        type_name: type_name.into(),
        config: config(Value::string(name)),
        ..Default::default()
    };
    tokio::time::timeout(RPC_TIMEOUT, c.read_data_source(req))
        .await
        .expect("in time")
        .expect("OK")
        .into_inner()
}

#[tokio::test]
async fn data_sources_are_in_the_schema_and_the_metadata() {
    let (p, mut c) = client().await;
    let schema = get_schema(plain_channel(&p.socket).await)
        .await
        .expect("schema");
    let names: Vec<&String> = schema.data_source_schemas.keys().collect();
    assert_eq!(names, [LOOKUP]);
    let block = schema.data_source_schemas[LOOKUP]
        .block
        .as_ref()
        .expect("a block");
    assert_eq!(block_type_from_proto(block), lookup_type());
    let name = block.attributes.iter().find(|a| a.name == "name");
    assert!(name.is_some_and(|a| a.required && !a.computed));
    let greeting = block.attributes.iter().find(|a| a.name == "greeting");
    assert!(greeting.is_some_and(|a| a.computed && !a.optional));

    let meta = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("metadata")
        .into_inner();
    let listed: Vec<&str> = meta
        .data_sources
        .iter()
        .map(|d| d.type_name.as_str())
        .collect();
    assert_eq!(listed, [LOOKUP]);
}

#[tokio::test]
async fn validate_accepts_unknowns_and_reports_on_the_attribute() {
    let (_p, mut c) = client().await;
    assert!(validate(&mut c, LOOKUP, Value::unknown()).await.is_empty());
    assert!(validate(&mut c, LOOKUP, Value::string("x"))
        .await
        .is_empty());

    let diags = validate(&mut c, LOOKUP, Value::string("")).await;
    assert_eq!(errors(&diags), ["Empty name"]);
    assert_eq!(path_of(&diags[0]), "name");

    let diags = validate(&mut c, "fixture_nothing", Value::string("x")).await;
    assert_eq!(errors(&diags), ["Unknown data source"]);
    assert!(diags[0].detail.contains("\"fixture_nothing\""), "{diags:?}");
}

#[tokio::test]
async fn read_returns_the_state_with_every_key() {
    let (_p, mut c) = client().await;
    let resp = read(&mut c, LOOKUP, "ab").await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert!(resp.deferred.is_none());
    let state = msgpack::decode(&resp.state.expect("a state").msgpack, &lookup_type())
        .expect("decodes against the schema type");
    assert_eq!(state.get("name"), Some(&Value::string("ab")));
    assert_eq!(state.get("greeting"), Some(&Value::string("hello ab")));
    assert_eq!(
        state
            .get("length")
            .and_then(Value::as_number)
            .map(|n| n.as_f64()),
        Some(2.0)
    );

    // The fixture leaves `length` out for a one-letter name: the server
    // sends it as null rather than a state Terraform cannot decode.
    let resp = read(&mut c, LOOKUP, "a").await;
    let state = msgpack::decode(&resp.state.expect("a state").msgpack, &lookup_type())
        .expect("decodes against the schema type");
    assert_eq!(state.get("length"), Some(&Value::Null));
}

#[tokio::test]
async fn read_errors_come_back_without_a_state() {
    let (_p, mut c) = client().await;
    let resp = read(&mut c, LOOKUP, "missing").await;
    assert_eq!(errors(&resp.diagnostics), ["Not found"]);
    assert_eq!(path_of(&resp.diagnostics[0]), "name");
    assert!(resp.state.is_none());

    let resp = read(&mut c, "fixture_nothing", "x").await;
    assert_eq!(errors(&resp.diagnostics), ["Unknown data source"]);
    assert!(resp.state.is_none());

    // A panic is an error diagnostic, and the process keeps serving.
    let resp = read(&mut c, LOOKUP, "boom").await;
    let errs = errors(&resp.diagnostics);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let text = format!("{} {}", errs[0], resp.diagnostics[0].detail);
    assert!(text.starts_with("provider internal error"), "{text}");
    assert!(text.contains("lookup of boom"), "{text}");
    let resp = read(&mut c, LOOKUP, "ab").await;
    assert!(resp.diagnostics.is_empty());
}
