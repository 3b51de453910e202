//! Every "Default X" a schema description documents is the value the
//! provider applies when the configuration leaves the setting out: the
//! description is parsed, a configuration without the setting is mapped to
//! the profile (and on to what apply sends), and the two must agree. A new
//! documented default without a check here fails the test too.

use std::collections::{BTreeMap, BTreeSet};

use scaling::TrafficModel;
use scaling_aws::ApplyOptions;
use terraform_provider_smuppy::{mapping, schema, shape};
use tfplugin::{Block, Value};

/// (attribute path, documented default) for every description saying
/// "Default X" (X a number, true/false or a backquoted literal).
fn documented(block: &Block, prefix: &str, out: &mut BTreeMap<String, String>) {
    for a in &block.attributes {
        let d = &a.description;
        let mut rest = d.as_str();
        while let Some(i) = rest.find("Default ") {
            let token = rest[i + 8..].split_whitespace().next().unwrap_or("");
            let token = token.trim_end_matches(['.', ',', ';', ':']);
            let is_value = token.parse::<f64>().is_ok()
                || token == "true"
                || token == "false"
                || (token.starts_with('`') && token.ends_with('`'));
            if is_value {
                out.insert(
                    format!("{prefix}{}", a.name),
                    token.trim_matches('`').to_string(),
                );
                break;
            }
            rest = &rest[i + 8..];
        }
    }
    for b in &block.blocks {
        documented(&b.block, &format!("{prefix}{}.", b.type_name), out);
    }
    for a in &block.attributes {
        if let Some(n) = &a.nested {
            let inner = Block {
                attributes: n.attributes.clone(),
                ..Block::default()
            };
            documented(&inner, &format!("{prefix}{}.", a.name), out);
        }
    }
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn block(v: Value) -> Value {
    v
}

fn keyed(key: &str, v: Value) -> Value {
    Value::Map(BTreeMap::from([(key.to_string(), v)]))
}

fn num(n: f64) -> Value {
    Value::float(n)
}

/// A profile configuration that sets only what is required, so every
/// documented default is left out.
fn minimal_config() -> Value {
    let dim = || {
        block(obj(vec![
            ("min_capacity", num(5.0)),
            ("max_capacity", num(50.0)),
        ]))
    };
    obj(vec![
        ("name", Value::String("p".into())),
        ("traffic", block(obj(vec![("peak_rps", num(1000.0))]))),
        (
            "lambda_pools",
            keyed("f", obj(vec![("function_name", Value::String("f".into()))])),
        ),
        (
            "dynamodb_tables",
            keyed(
                "t",
                obj(vec![
                    ("table_name", Value::String("t".into())),
                    (
                        "autoscaling",
                        block(obj(vec![("read", dim()), ("write", dim())])),
                    ),
                ]),
            ),
        ),
        (
            "cache_policy",
            block(obj(vec![("name", Value::String("c".into()))])),
        ),
        (
            "global_accelerator",
            block(obj(vec![("name", Value::String("g".into()))])),
        ),
        ("budget", block(obj(vec![("monthly_usd", num(100.0))]))),
    ])
}

fn show(v: f64) -> String {
    format!("{v}")
}

#[test]
fn every_documented_default_is_the_value_applied() {
    let mut docs = BTreeMap::new();
    documented(&schema::resource_schema().block, "", &mut docs);
    let mut provider_docs = BTreeMap::new();
    documented(
        &schema::provider_schema().block,
        "provider.",
        &mut provider_docs,
    );
    docs.extend(provider_docs);

    let (internal, _) = shape::to_lists(&minimal_config());
    let p = mapping::profile_from_value(&internal, Some("us-east-1"));
    let traffic = TrafficModel::from_profile(&p, None);
    let table = &p.dynamodb[0];
    let read = table
        .read_autoscaling
        .as_ref()
        .expect("read autoscaling mapped");
    let write = table
        .write_autoscaling
        .as_ref()
        .expect("write autoscaling mapped");
    let cp = p.cache_policy.as_ref().expect("cache policy mapped");
    let ga = p.global_accelerator.as_ref().expect("accelerator mapped");
    let budget = p.budget.as_ref().expect("budget mapped");
    let opts = ApplyOptions::default();
    let wait = |d: std::time::Duration| show(d.as_secs_f64());
    assert_eq!(
        opts.provisioned_concurrency_timeout, opts.settle_timeout,
        "one wait timeout is documented for every wait"
    );

    let role_duration = format!(
        "{}s",
        scaling_aws::credentials::DEFAULT_ROLE_DURATION.as_secs()
    );
    let session = scaling_aws::credentials::DEFAULT_SESSION_NAME;

    // What the provider applies for each documented default.
    let applied: BTreeMap<&str, String> = BTreeMap::from([
        ("traffic.reads_per_request", show(traffic.reads_per_request)),
        (
            "traffic.writes_per_request",
            show(traffic.writes_per_request),
        ),
        (
            "traffic.average_to_peak_ratio",
            show(traffic.average_to_peak_ratio),
        ),
        ("traffic.response_bytes", show(traffic.response_bytes)),
        ("traffic.item_size_kb", show(traffic.item_size_kb)),
        (
            "traffic.strongly_consistent_reads",
            traffic.strongly_consistent_reads.to_string(),
        ),
        (
            "traffic.architecture",
            traffic.architecture.as_str().to_string(),
        ),
        (
            "lambda_pools.publish_on_change",
            p.lambdas[0].publish_on_change.to_string(),
        ),
        (
            "dynamodb_tables.autoscaling.read.target_utilization",
            show(read.target()),
        ),
        (
            "dynamodb_tables.autoscaling.read.scale_in_cooldown",
            read.scale_in().to_string(),
        ),
        (
            "dynamodb_tables.autoscaling.read.scale_out_cooldown",
            read.scale_out().to_string(),
        ),
        (
            "dynamodb_tables.autoscaling.write.target_utilization",
            show(write.target()),
        ),
        (
            "dynamodb_tables.autoscaling.write.scale_in_cooldown",
            write.scale_in().to_string(),
        ),
        (
            "dynamodb_tables.autoscaling.write.scale_out_cooldown",
            write.scale_out().to_string(),
        ),
        (
            "cache_policy.enable_accept_encoding_gzip",
            cp.enable_gzip.to_string(),
        ),
        (
            "cache_policy.enable_accept_encoding_brotli",
            cp.enable_brotli.to_string(),
        ),
        ("cache_policy.header_behavior", cp.header_behavior.clone()),
        ("cache_policy.cookie_behavior", cp.cookie_behavior.clone()),
        (
            "cache_policy.query_string_behavior",
            cp.query_string_behavior.clone(),
        ),
        ("global_accelerator.enabled", ga.enabled.to_string()),
        (
            "global_accelerator.ip_address_type",
            ga.ip_address_type.clone(),
        ),
        ("global_accelerator.protocol", ga.protocol.clone()),
        ("global_accelerator.ports", format!("{:?}", ga.ports)),
        ("budget.enforce", budget.enforce.to_string()),
        // What the components wait when no timeout is set.
        ("timeouts.create", format!("{}s", wait(opts.settle_timeout))),
        ("timeouts.update", format!("{}s", wait(opts.settle_timeout))),
        ("timeouts.delete", format!("{}s", wait(opts.settle_timeout))),
        (
            "provider.max_retries",
            scaling_aws::client::DEFAULT_MAX_RETRIES.to_string(),
        ),
        // The threshold a configured provider's plans use when it is left out.
        (
            "provider.early_warning_percent",
            scaling::finding::num(
                terraform_provider_smuppy::provider::Configured::default()
                    .options()
                    .early_warning
                    * 100.0,
            ),
        ),
        // What the credential providers send when these are left out.
        ("provider.assume_role.duration", role_duration.clone()),
        (
            "provider.assume_role_with_web_identity.duration",
            role_duration,
        ),
        ("provider.assume_role.session_name", session.to_string()),
        (
            "provider.assume_role_with_web_identity.session_name",
            session.to_string(),
        ),
    ]);

    let documented_keys: BTreeSet<&str> = docs.keys().map(String::as_str).collect();
    let checked: BTreeSet<&str> = applied.keys().copied().collect();
    assert_eq!(
        documented_keys, checked,
        "documented defaults and the defaults checked here differ"
    );
    for (path, want) in &docs {
        let got = &applied[path.as_str()];
        assert_eq!(
            got, want,
            "{path}: documented Default {want}, applied {got}"
        );
    }
}

#[test]
fn the_parser_finds_defaults() {
    let mut docs = BTreeMap::new();
    documented(&schema::resource_schema().block, "", &mut docs);
    assert_eq!(
        docs.get("dynamodb_tables.autoscaling.read.scale_in_cooldown")
            .map(String::as_str),
        Some("60")
    );
    assert_eq!(
        docs.get("global_accelerator.ports").map(String::as_str),
        Some("[443]")
    );
    assert!(!docs.contains_key("cache_policy.default_ttl"), "{docs:?}");
}

/// Every default the plan shows for a setting left out (the model's
/// `DefaultUse::Planned`) is the value apply sends: the plan of a minimal
/// configuration, mapped to the profile apply works from, carries it.
#[test]
fn planned_defaults_are_the_values_applied() {
    let (cfg, _) = shape::to_lists(&minimal_config());
    let mut diags = tfplugin::Diagnostics::new();
    let planned = terraform_provider_smuppy::resource::plan::plan(
        &cfg,
        &cfg,
        &Value::Null,
        Some("us-east-1"),
        &scaling::Limits::default(),
        &scaling::Options::default(),
        &mut diags,
    );
    let dims = |v: &Value| -> Vec<Value> {
        let t = &v.get("dynamodb").and_then(Value::as_elements).unwrap()[0];
        let a = &t.get("autoscaling").and_then(Value::as_elements).unwrap()[0];
        ["read", "write"]
            .iter()
            .map(|d| a.get(d).and_then(Value::as_elements).unwrap()[0].clone())
            .collect()
    };
    let p = mapping::profile_from_value(&planned, Some("us-east-1"));
    let t = &p.dynamodb[0];
    let applied = [
        t.read_autoscaling.as_ref().unwrap(),
        t.write_autoscaling.as_ref().unwrap(),
    ];
    let mut checked = 0;
    for (dim, sent) in dims(&planned).iter().zip(applied) {
        for f in scaling::model::SCALING_READ.fields.iter() {
            let Some(d) = f.info().planned_default() else {
                continue;
            };
            let shown = dim.get(f.name).cloned().unwrap_or(Value::Null);
            assert_eq!(Some(shown), schema::default_value(d), "{} planned", f.name);
            let send = match f.name {
                "target_utilization" => Value::float(sent.target()),
                "scale_in_cooldown" => Value::int(sent.scale_in()),
                "scale_out_cooldown" => Value::int(sent.scale_out()),
                other => panic!("planned default {other} not checked here"),
            };
            assert_eq!(Some(send), schema::default_value(d), "{} sent", f.name);
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}
