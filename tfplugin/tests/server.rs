//! The server as Terraform sees it: the fixture provider binary is started
//! with Terraform's environment, its handshake line is parsed, and gRPC calls
//! go over its unix socket (with AutoMTLS where Terraform would use it).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use tfplugin::proto::plugin;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::value::msgpack;
use tfplugin::{Block, Type, Value};

const THING: &str = "fixture_thing";

/// The fixture's resource schema as the server reports it, as a block type.
fn thing_type(schema: &pb::get_provider_schema::Response) -> Type {
    let s = schema
        .resource_schemas
        .get(THING)
        .and_then(|s| s.block.as_ref())
        .expect("fixture_thing schema");
    let mut attrs = BTreeMap::new();
    for a in &s.attributes {
        let ty = tfplugin::value::json::type_from_json(&String::from_utf8_lossy(&a.r#type))
            .expect("attribute type JSON");
        attrs.insert(a.name.clone(), ty);
    }
    for b in &s.block_types {
        let inner = block_type(b.block.as_ref().expect("nested block"));
        attrs.insert(b.type_name.clone(), Type::list(inner));
    }
    Type::Object {
        attributes: attrs,
        optional: vec![],
    }
}

fn block_type(b: &pb::schema::Block) -> Type {
    Type::object(b.attributes.iter().map(|a| {
        let ty = tfplugin::value::json::type_from_json(&String::from_utf8_lossy(&a.r#type))
            .expect("attribute type JSON");
        (a.name.clone(), ty)
    }))
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn config(name: &str) -> Value {
    obj(&[
        ("name", Value::string(name)),
        ("id", Value::Null),
        ("size", Value::int(2)),
        ("tags", Value::Null),
        ("rule", Value::List(vec![])),
    ])
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).expect("encode request value"),
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

#[tokio::test]
async fn handshake_line_carries_a_localhost_certificate() {
    let client = terraform_like_client_cert();
    let mut p = start(Some(&client.pem), &[]).await;
    assert!(p.line.starts_with("1|6|unix|"), "{}", p.line);
    assert!(p.line.contains("|grpc|"));
    assert!(p.socket.exists(), "socket {} exists", p.socket.display());
    let der = p.server_cert.clone().expect("certificate in the handshake");
    assert!(!p.line.ends_with('='), "no base64 padding");

    let (rest, cert) = x509_parser::parse_x509_certificate(&der).expect("DER X.509");
    assert!(rest.is_empty());
    let san = cert
        .subject_alternative_name()
        .expect("SAN extension parses")
        .expect("SAN present");
    let has_localhost = san.value.general_names.iter().any(
        |n| matches!(n, x509_parser::extensions::GeneralName::DNSName(d) if *d == "localhost"),
    );
    assert!(has_localhost, "SAN DNS:localhost");
    let bc = cert
        .basic_constraints()
        .expect("basic constraints parse")
        .expect("basic constraints present");
    assert!(bc.value.ca, "CA:TRUE like go-plugin");
    let eku = cert
        .extended_key_usage()
        .expect("EKU parses")
        .expect("EKU present");
    assert!(eku.value.server_auth && eku.value.client_auth);
    let ku = cert.key_usage().expect("KU parses").expect("KU present");
    assert!(ku.value.key_cert_sign() && ku.value.digital_signature());
    assert!(cert.validity().is_valid(), "valid now (backdated)");
    assert_eq!(
        cert.subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok()),
        Some("localhost")
    );

    // Shut down through the controller; nothing else ever reaches stdout.
    let channel = tls_channel(&p.socket, &der, Some(&client))
        .await
        .expect("mTLS");
    let mut controller = plugin::grpc_controller_client::GrpcControllerClient::new(channel);
    controller
        .shutdown(plugin::Empty {})
        .await
        .expect("shutdown");
    let exited = p.wait_exit(Duration::from_secs(2)).await;
    assert_eq!(exited.map(|(code, _)| code), Some(0));
    assert_eq!(
        p.rest_of_stdout().await,
        "",
        "stdout holds only the handshake"
    );
    assert!(!p.socket.exists(), "socket removed at exit");
}

#[tokio::test]
async fn mtls_accepts_only_the_pinned_p521_client_certificate() {
    let client = terraform_like_client_cert();
    let other = terraform_like_client_cert();
    let p = start(Some(&client.pem), &[]).await;
    let der = p.server_cert.clone().expect("certificate in the handshake");

    let schema = get_schema(tls_channel(&p.socket, &der, Some(&client)).await)
        .await
        .expect("the pinned client gets an answer");
    assert!(schema.resource_schemas.contains_key(THING));
    let caps = schema.server_capabilities.expect("capabilities");
    assert!(!caps.plan_destroy && !caps.get_provider_schema_optional);

    let plaintext = get_schema(plain_channel(&p.socket).await).await;
    assert!(plaintext.is_err(), "plaintext refused: {plaintext:?}");
    let anonymous = get_schema(tls_channel(&p.socket, &der, None).await).await;
    assert!(anonymous.is_err(), "TLS without a client cert refused");
    let stranger = get_schema(tls_channel(&p.socket, &der, Some(&other)).await).await;
    assert!(stranger.is_err(), "a different P-521 cert refused");

    // The refusals did not disturb the server.
    let again = get_schema(tls_channel(&p.socket, &der, Some(&client)).await).await;
    assert!(again.is_ok(), "{again:?}");
}

#[tokio::test]
async fn missing_or_wrong_cookie_exits_1_with_the_message() {
    for cookie in [None, Some("not-the-cookie")] {
        let mut cmd = tokio::process::Command::new(fixture_binary());
        cmd.env_remove("TF_PLUGIN_MAGIC_COOKIE")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .stdin(std::process::Stdio::null());
        if let Some(c) = cookie {
            cmd.env("TF_PLUGIN_MAGIC_COOKIE", c);
        }
        let out = tokio::time::timeout(RPC_TIMEOUT, cmd.output())
            .await
            .expect("exits promptly")
            .expect("runs");
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty(), "nothing on stdout");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "This binary is a plugin. These are not meant to be executed directly. \
                 Please execute the program that consumes these plugins, which will load any \
                 plugins automatically"
            ),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn protocol_5_only_is_refused() {
    let out = tokio::process::Command::new(fixture_binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("protocol 6"));
}

#[tokio::test]
async fn shutdown_ends_the_process_within_two_seconds() {
    let mut p = start(None, &[]).await;
    assert!(
        p.server_cert.is_none(),
        "no certificate without PLUGIN_CLIENT_CERT"
    );
    assert!(p.line.ends_with("|grpc|"), "{}", p.line);
    let channel = plain_channel(&p.socket).await.expect("plaintext");

    // Like go-plugin: open the stdio and broker streams first, and keep them.
    let mut stdio = plugin::grpc_stdio_client::GrpcStdioClient::new(channel.clone());
    let stdio_stream = stdio.stream_stdio(()).await.expect("stdio stream");
    let mut broker = plugin::grpc_broker_client::GrpcBrokerClient::new(channel.clone());
    let broker_stream = broker
        .start_stream(futures::stream::pending::<plugin::ConnInfo>())
        .await
        .expect("broker stream");
    let mut client = provider_client(channel.clone());
    let stop = client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .expect("StopProvider");
    assert_eq!(stop.into_inner().error, "");

    let mut controller = plugin::grpc_controller_client::GrpcControllerClient::new(channel);
    let started = std::time::Instant::now();
    controller
        .shutdown(plugin::Empty {})
        .await
        .expect("shutdown answered");
    let exited = p.wait_exit(Duration::from_secs(2)).await;
    let (code, _) = exited.expect("process exited within 2 s of Shutdown");
    assert_eq!(code, 0);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!p.socket.exists());
    drop((stdio_stream, broker_stream));
}

#[tokio::test]
async fn sigint_is_ignored_and_sigterm_stops() {
    let mut p = start(None, &[]).await;
    p.signal("INT");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let schema = get_schema(plain_channel(&p.socket).await).await;
    assert!(schema.is_ok(), "still serving after SIGINT: {schema:?}");
    p.signal("TERM");
    let exited = p.wait_exit(Duration::from_secs(2)).await;
    assert!(exited.is_some(), "SIGTERM ends the process");
    assert!(!p.socket.exists());
}

#[tokio::test]
async fn panicking_handler_is_a_diagnostic_and_serving_goes_on() {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let schema = get_schema(Ok(channel.clone())).await.expect("schema");
    let ty = thing_type(&schema);
    let mut client = provider_client(channel);

    let boom = config("boom");
    let resp = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: THING.into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&boom, &ty),
            config: dv(&boom, &ty),
            ..Default::default()
        })
        .await
        .expect("an OK response, not a gRPC error")
        .into_inner();
    let errs = errors(&resp.diagnostics);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("provider internal error: planning boom is not possible"),
        "{}",
        errs[0]
    );

    // The next call is served normally.
    let fine = config("fine");
    let resp = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: THING.into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&fine, &ty),
            config: dv(&fine, &ty),
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
    let planned = msgpack::decode(&resp.planned_state.expect("planned state").msgpack, &ty)
        .expect("planned state decodes");
    assert_eq!(planned.get("id"), Some(&Value::unknown()));
    assert_eq!(planned.get("name"), Some(&Value::string("fine")));
    assert_eq!(resp.planned_private, b"planned");
}

#[tokio::test]
async fn malformed_dynamic_values_become_error_diagnostics() {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let mut client = provider_client(channel);
    let garbage = Some(pb::DynamicValue {
        msgpack: vec![0x85, 0xa4, b'n', b'a', 0xc1, 0xff, 0xd4],
        json: vec![],
    });
    let resp = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: THING.into(),
            prior_state: garbage.clone(),
            proposed_new_state: garbage.clone(),
            config: garbage.clone(),
            ..Default::default()
        })
        .await
        .expect("an OK response")
        .into_inner();
    let errs = errors(&resp.diagnostics);
    assert!(!errs.is_empty());
    assert!(
        errs.iter()
            .all(|e| e.starts_with("Invalid value from Terraform")),
        "{errs:?}"
    );
    assert!(resp.planned_state.is_none());

    // Bad JSON in the fallback field too.
    let resp = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: THING.into(),
            config: Some(pb::DynamicValue {
                msgpack: vec![],
                json: b"{\"name\": [".to_vec(),
            }),
            client_capabilities: None,
        })
        .await
        .expect("an OK response")
        .into_inner();
    assert_eq!(errors(&resp.diagnostics).len(), 1);

    // And the process is still alive and answering.
    let schema = get_schema(plain_channel(&p.socket).await).await;
    assert!(schema.is_ok());
}

#[tokio::test]
async fn resource_lifecycle_translates_values_and_fills_schema_keys() {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let schema = get_schema(Ok(channel.clone())).await.expect("schema");
    let ty = thing_type(&schema);
    let mut client = provider_client(channel);

    // ConfigureProvider twice (reattach mode does that), then a config error.
    let provider_ty = Type::object([("region", Type::String)]);
    for region in ["eu-west-1", "eu-west-1", "nowhere"] {
        let resp = client
            .configure_provider(pb::configure_provider::Request {
                terraform_version: "1.15.5".into(),
                config: dv(&obj(&[("region", Value::string(region))]), &provider_ty),
                client_capabilities: None,
            })
            .await
            .expect("configure")
            .into_inner();
        assert_eq!(
            errors(&resp.diagnostics).len(),
            usize::from(region == "nowhere")
        );
    }

    // Validation diagnostics keep their attribute path.
    let resp = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: THING.into(),
            config: dv(&config(""), &ty),
            client_capabilities: None,
        })
        .await
        .expect("validate")
        .into_inner();
    assert_eq!(errors(&resp.diagnostics), vec!["Empty name".to_string()]);
    let path = resp.diagnostics[0]
        .attribute
        .clone()
        .expect("attribute path");
    assert_eq!(
        tfplugin::convert::path_from_proto(&path).to_string(),
        "name"
    );

    // Apply: the resource leaves out `tags` and `rule`; the response still
    // has every key, with the nested block list empty (never null).
    let planned = obj(&[
        ("name", Value::string("a")),
        ("id", Value::unknown()),
        ("size", Value::int(13)),
        ("tags", Value::Null),
        ("rule", Value::List(vec![])),
    ]);
    let resp = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: THING.into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: dv(&planned, &ty),
            config: dv(&config("a"), &ty),
            planned_private: b"p".to_vec(),
            ..Default::default()
        })
        .await
        .expect("apply")
        .into_inner();
    // Partial failure: the error and the state reached, together.
    assert_eq!(errors(&resp.diagnostics), vec!["Unlucky size".to_string()]);
    let new_state = msgpack::decode(&resp.new_state.expect("new state").msgpack, &ty)
        .expect("new state decodes against the full schema type");
    assert_eq!(
        new_state,
        obj(&[
            ("name", Value::string("a")),
            ("id", Value::string("id-a")),
            ("size", Value::int(13)),
            ("tags", Value::Null),
            ("rule", Value::List(vec![])),
        ])
    );
    assert_eq!(resp.private, b"p");

    // Destroy: null in, null out.
    let resp = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: THING.into(),
            prior_state: dv(&new_state, &ty),
            planned_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            ..Default::default()
        })
        .await
        .expect("destroy")
        .into_inner();
    assert!(errors(&resp.diagnostics).is_empty());
    assert_eq!(
        msgpack::decode(&resp.new_state.expect("null state").msgpack, &ty),
        Ok(Value::Null)
    );

    // Import then read.
    let resp = client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: THING.into(),
            id: "x1".into(),
            ..Default::default()
        })
        .await
        .expect("import")
        .into_inner();
    assert_eq!(resp.imported_resources.len(), 1);
    let imported = &resp.imported_resources[0];
    assert_eq!(imported.type_name, THING);
    let state = msgpack::decode(&imported.state.clone().expect("state").msgpack, &ty)
        .expect("imported state decodes");
    assert_eq!(state.get("rule"), Some(&Value::List(vec![])));
    let resp = client
        .read_resource(pb::read_resource::Request {
            type_name: THING.into(),
            current_state: imported.state.clone(),
            private: b"kept".to_vec(),
            ..Default::default()
        })
        .await
        .expect("read")
        .into_inner();
    assert_eq!(resp.private, b"kept");
    assert_eq!(
        msgpack::decode(&resp.new_state.expect("state").msgpack, &ty),
        Ok(state)
    );

    // Unknown resource types and data sources are diagnostics.
    let resp = client
        .read_resource(pb::read_resource::Request {
            type_name: "fixture_nothing".into(),
            ..Default::default()
        })
        .await
        .expect("read")
        .into_inner();
    assert_eq!(
        errors(&resp.diagnostics),
        vec!["Unknown resource type".to_string()]
    );
    let resp = client
        .read_data_source(pb::read_data_source::Request {
            type_name: "fixture_data".into(),
            ..Default::default()
        })
        .await
        .expect("read data source")
        .into_inner();
    assert_eq!(errors(&resp.diagnostics).len(), 1);
}

#[tokio::test]
async fn upgrade_resource_state_reads_raw_json_tolerantly() {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let schema = get_schema(Ok(channel.clone())).await.expect("schema");
    let ty = thing_type(&schema);
    let mut client = provider_client(channel);

    // Pretty-printed, with a key the schema no longer has and keys missing.
    let raw = b"{\n  \"name\": \"a\",\n  \"id\": \"id-a\",\n  \"retired\": true\n}".to_vec();
    let resp = client
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: THING.into(),
            version: 1,
            raw_state: Some(pb::RawState {
                json: raw.clone(),
                flatmap: Default::default(),
            }),
        })
        .await
        .expect("upgrade")
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    let upgraded = msgpack::decode(&resp.upgraded_state.expect("state").msgpack, &ty)
        .expect("upgraded state decodes");
    assert_eq!(
        upgraded,
        obj(&[
            ("name", Value::string("a")),
            ("id", Value::string("id-a")),
            ("size", Value::Null),
            ("tags", Value::Null),
            ("rule", Value::List(vec![])),
        ])
    );

    // A state written by a newer schema version is refused.
    let resp = client
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: THING.into(),
            version: 2,
            raw_state: Some(pb::RawState {
                json: raw,
                flatmap: Default::default(),
            }),
        })
        .await
        .expect("upgrade")
        .into_inner();
    assert_eq!(
        errors(&resp.diagnostics),
        vec!["Resource instance managed by newer provider version".to_string()]
    );
    assert!(resp.upgraded_state.is_none());
}

#[tokio::test]
async fn metadata_identity_and_unimplemented_rpcs() {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let mut client = provider_client(channel.clone());
    let meta = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("metadata")
        .into_inner();
    let names: Vec<String> = meta.resources.into_iter().map(|r| r.type_name).collect();
    assert_eq!(names, vec!["fixture_nested".to_string(), THING.to_string()]);
    let ids = client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .expect("identity schemas")
        .into_inner();
    // Only the resource type with an identity schema is listed
    // (identity_server.rs covers the rest).
    let with_identity: Vec<&String> = ids.identity_schemas.keys().collect();
    assert_eq!(with_identity, vec!["fixture_nested"]);
    assert!(ids.diagnostics.is_empty());
    let functions: Vec<String> = meta.functions.into_iter().map(|f| f.name).collect();
    assert_eq!(functions, vec!["divide".to_string(), "explode".to_string()]);
    let status = client
        .validate_ephemeral_resource_config(pb::validate_ephemeral_resource_config::Request {
            type_name: "fixture_secret".into(),
            config: None,
        })
        .await
        .expect_err("ephemeral resources are not offered");
    assert_eq!(status.code(), tonic::Code::Unimplemented);

    // Health: "plugin" is SERVING.
    let health = health_check(channel).await;
    assert_eq!(health, Some(1));
}

async fn health_check(channel: tonic::transport::Channel) -> Option<i32> {
    use tonic_health::pb::health_client::HealthClient;
    let mut client = HealthClient::new(channel);
    let resp = client
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .ok()?;
    Some(resp.into_inner().status)
}

#[tokio::test]
async fn logs_are_hclog_json_on_stderr_only_when_asked() {
    // With TF_LOG_PROVIDER=DEBUG: JSON lines with module, level, RPC name.
    let mut p = start(None, &[("TF_LOG_PROVIDER", "DEBUG")]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    get_schema(Ok(channel.clone())).await.expect("schema");
    let mut controller = plugin::grpc_controller_client::GrpcControllerClient::new(channel);
    controller
        .shutdown(plugin::Empty {})
        .await
        .expect("shutdown");
    p.wait_exit(Duration::from_secs(2)).await.expect("exits");
    let stderr = p.stderr_text().await;
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert_eq!(l["@module"], "provider.terraform-provider-fixture");
        let ts = l["@timestamp"].as_str().unwrap_or_default();
        let frac = ts.split('.').nth(1).unwrap_or_default();
        assert_eq!(frac.len(), "123456+00:00".len(), "{ts}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l["tf_rpc"] == "GetProviderSchema" && l["@level"] == "debug"),
        "{stderr}"
    );

    // Without TF_LOG*: stderr stays empty.
    let mut quiet = start(None, &[]).await;
    let channel = plain_channel(&quiet.socket).await.expect("plaintext");
    get_schema(Ok(channel.clone())).await.expect("schema");
    let mut controller = plugin::grpc_controller_client::GrpcControllerClient::new(channel);
    controller
        .shutdown(plugin::Empty {})
        .await
        .expect("shutdown");
    quiet
        .wait_exit(Duration::from_secs(2))
        .await
        .expect("exits");
    assert_eq!(quiet.stderr_text().await, "");
}

#[tokio::test]
async fn debug_mode_prints_reattach_config_and_serves_plaintext() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(fixture_binary())
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start in debug mode");
    let stdout = child.stdout.take().expect("stdout");
    let mut stdout = tokio::io::BufReader::new(stdout);
    let mut line = String::new();
    tokio::time::timeout(RPC_TIMEOUT, stdout.read_line(&mut line))
        .await
        .expect("reattach line in time")
        .expect("read");
    let value = line
        .trim_end()
        .strip_prefix("TF_REATTACH_PROVIDERS='")
        .and_then(|s| s.strip_suffix('\''))
        .expect("TF_REATTACH_PROVIDERS='…'");
    let json: serde_json::Value = serde_json::from_str(value).expect("JSON");
    let entry = &json["registry.terraform.io/example/fixture"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id().unwrap_or_default());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = std::path::PathBuf::from(entry["Addr"]["String"].as_str().unwrap_or_default());
    let mut hint = String::new();
    tokio::time::timeout(RPC_TIMEOUT, stdout.read_line(&mut hint))
        .await
        .expect("hint line")
        .expect("read");
    assert!(hint.starts_with('#'), "{hint}");

    let channel = plain_channel(&socket)
        .await
        .expect("plaintext in debug mode");
    let schema = get_schema(Ok(channel.clone())).await;
    assert!(schema.is_ok());
    let mut client = provider_client(channel);
    let provider_ty = Type::object([("region", Type::String)]);
    for _ in 0..3 {
        let resp = client
            .configure_provider(pb::configure_provider::Request {
                terraform_version: "1.15.5".into(),
                config: dv(&obj(&[("region", Value::Null)]), &provider_ty),
                client_capabilities: None,
            })
            .await
            .expect("configure again")
            .into_inner();
        assert!(resp.diagnostics.is_empty());
    }

    let pid = child.id().expect("running").to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    let status = tokio::time::timeout(Duration::from_secs(3), child.wait())
        .await
        .expect("Ctrl-C stops debug mode")
        .expect("wait");
    assert!(status.success());
    assert!(!socket.exists());
}

/// The block schema the fixture declares, rebuilt from the wire, matches
/// the type the crate derives itself.
#[tokio::test]
async fn reported_schema_matches_the_implied_type() {
    let p = start(None, &[]).await;
    let schema = get_schema(plain_channel(&p.socket).await)
        .await
        .expect("schema");
    let ty = thing_type(&schema);
    let expected = Block::new("")
        .attr(tfplugin::Attribute::required("name", Type::String))
        .attr(tfplugin::Attribute::computed("id", Type::String))
        .attr(tfplugin::Attribute::optional("size", Type::Number))
        .attr(tfplugin::Attribute::optional(
            "tags",
            Type::map(Type::String),
        ))
        .block(tfplugin::NestedBlock::new(
            "rule",
            tfplugin::Nesting::List,
            Block::new("").attr(tfplugin::Attribute::optional("n", Type::Number)),
        ))
        .implied_type();
    assert_eq!(ty, expected);
    let thing = &schema.resource_schemas[THING];
    assert_eq!(thing.version, 1);
    let block = thing.block.as_ref().expect("block");
    assert_eq!(block.description_kind, pb::StringKind::Markdown as i32);
    assert_eq!(
        block.block_types[0].nesting,
        pb::schema::nested_block::NestingMode::List as i32
    );
}

/// tonic's default 4 MiB limit is raised: a 6 MiB configuration is read.
#[tokio::test]
async fn messages_beyond_four_mebibytes_are_accepted() {
    let p = start(None, &[]).await;
    let channel = plain_channel(&p.socket).await.expect("plaintext");
    let schema = get_schema(Ok(channel.clone())).await.expect("schema");
    let ty = thing_type(&schema);
    let mut client = provider_client(channel);
    let big = config(&"x".repeat(6 * 1024 * 1024));
    let resp = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: THING.into(),
            config: dv(&big, &ty),
            client_capabilities: None,
        })
        .await
        .expect("a 6 MiB request is accepted")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);

    // And a 6 MiB state comes back through ReadResource.
    let state = obj(&[
        ("name", Value::string("x".repeat(6 * 1024 * 1024))),
        ("id", Value::string("id-x")),
        ("size", Value::Null),
        ("tags", Value::Null),
        ("rule", Value::List(vec![])),
    ]);
    let resp = client
        .read_resource(pb::read_resource::Request {
            type_name: THING.into(),
            current_state: dv(&state, &ty),
            ..Default::default()
        })
        .await
        .expect("a 6 MiB response is sent")
        .into_inner();
    let back = msgpack::decode(&resp.new_state.expect("state").msgpack, &ty).expect("decodes");
    assert_eq!(back, state);
}
