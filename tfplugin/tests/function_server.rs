//! Provider-defined functions through the server: the definitions in
//! GetProviderSchema and GetFunctions, and CallFunction's results and
//! errors (an argument at fault by index, a wrong count, an unknown name,
//! an argument that does not decode, a panic).

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::value::msgpack;
use tfplugin::{Type, Value};

fn num(f: f64) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: msgpack::encode(&Value::float(f), &Type::Number).expect("encode"),
        json: vec![],
    }
}

async fn call(name: &str, arguments: Vec<pb::DynamicValue>) -> pb::call_function::Response {
    let p = start(None, &[]).await;
    let mut client = provider_client(plain_channel(&p.socket).await.expect("channel"));
    let req = pb::call_function::Request {
        name: name.to_string(),
        arguments,
    };
    tokio::time::timeout(RPC_TIMEOUT, client.call_function(req))
        .await
        .expect("answer within the timeout")
        .expect("an OK response")
        .into_inner()
}

fn check_divide(f: &pb::Function) {
    let names: Vec<&str> = f.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["dividend", "divisor"]);
    assert_eq!(f.parameters[1].r#type, br#""number""#.to_vec());
    assert!(!f.parameters[1].allow_null_value && !f.parameters[1].allow_unknown_values);
    assert_eq!(f.parameters[1].description, "Not zero.");
    assert!(f.variadic_parameter.is_none());
    let ret = f.r#return.as_ref().expect("a return type");
    assert_eq!(ret.r#type, br#""number""#.to_vec());
    assert_eq!(f.summary, "Divides one number by another.");
    assert_eq!(f.description_kind, pb::StringKind::Markdown as i32);
}

#[tokio::test]
async fn functions_are_in_the_provider_schema_and_get_functions() {
    let p = start(None, &[]).await;
    let schema = get_schema(plain_channel(&p.socket).await)
        .await
        .expect("schema");
    let mut names: Vec<&String> = schema.functions.keys().collect();
    names.sort();
    assert_eq!(names, ["divide", "explode"]);
    check_divide(&schema.functions["divide"]);

    let mut client = provider_client(plain_channel(&p.socket).await.expect("channel"));
    let got = tokio::time::timeout(
        RPC_TIMEOUT,
        client.get_functions(pb::get_functions::Request {}),
    )
    .await
    .expect("in time")
    .expect("OK")
    .into_inner();
    assert!(got.diagnostics.is_empty());
    check_divide(&got.functions["divide"]);
    assert_eq!(got.functions.len(), 2);
}

#[tokio::test]
async fn call_returns_the_result_encoded_with_the_return_type() {
    let r = call("divide", vec![num(16000.0), num(40.0)]).await;
    assert!(r.error.is_none(), "{:?}", r.error);
    let v = msgpack::decode(&r.result.expect("a result").msgpack, &Type::Number).expect("number");
    assert_eq!(v.as_number().map(|n| n.as_f64()), Some(400.0));
}

#[tokio::test]
async fn an_argument_error_carries_its_index() {
    let r = call("divide", vec![num(1.0), num(0.0)]).await;
    let e = r.error.expect("an error");
    assert_eq!(e.text, "divisor must not be zero");
    assert_eq!(e.function_argument, Some(1));
    assert!(r.result.is_none());
}

#[tokio::test]
async fn an_unknown_function_is_an_error() {
    let r = call("multiply", vec![num(1.0)]).await;
    let e = r.error.expect("an error");
    assert!(
        e.text.contains("no function named \"multiply\""),
        "{}",
        e.text
    );
    assert_eq!(e.function_argument, None);
}

#[tokio::test]
async fn a_wrong_argument_count_is_an_error() {
    let r = call("divide", vec![num(1.0)]).await;
    let e = r.error.expect("an error");
    assert_eq!(e.text, "divide takes 2 arguments, got 1.");
    assert_eq!(e.function_argument, None);
}

#[tokio::test]
async fn an_argument_that_does_not_decode_is_an_error_on_it() {
    let text = pb::DynamicValue {
        msgpack: msgpack::encode(&Value::string("x"), &Type::String).expect("encode"),
        json: vec![],
    };
    let r = call("divide", vec![num(1.0), text]).await;
    let e = r.error.expect("an error");
    assert_eq!(e.function_argument, Some(1));
    assert!(
        e.text.starts_with("divisor: invalid value from Terraform"),
        "{}",
        e.text
    );
}

#[tokio::test]
async fn a_panic_is_a_function_error_and_the_server_keeps_serving() {
    let p = start(None, &[]).await;
    let mut client = provider_client(plain_channel(&p.socket).await.expect("channel"));
    let r = client
        .call_function(pb::call_function::Request {
            name: "explode".into(),
            arguments: vec![],
        })
        .await
        .expect("OK")
        .into_inner();
    let e = r.error.expect("an error");
    assert!(e.text.contains("explode was called"), "{}", e.text);
    let again = client
        .call_function(pb::call_function::Request {
            name: "divide".into(),
            arguments: vec![num(9.0), num(3.0)],
        })
        .await
        .expect("OK")
        .into_inner();
    assert!(again.error.is_none());
}
