//! The fill of a state from what AWS reports (`apply_observed`) and the ids
//! read back from a state (`known_from_state`).

use std::collections::BTreeMap;

use scaling_aws::{
    AcceleratorObserved, AutoScalingObserved, CachePolicyObserved, DashboardObserved,
    LambdaObserved, Observed, ProvisionedObserved, QuotaObserved, StageObserved, TableObserved,
};
use tfplugin::Value;

use super::*;

fn obj(kv: &[(&str, Value)]) -> Value {
    Value::Object(
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn list(v: Vec<Value>) -> Value {
    Value::List(v)
}

fn strs(v: &[&str]) -> Value {
    list(v.iter().map(|s| Value::string(*s)).collect())
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    let mut cur = v;
    for p in path {
        cur = match cur {
            Value::List(e) => &e[p.parse::<usize>().unwrap()],
            other => other
                .get(p)
                .unwrap_or_else(|| panic!("no {p} in {other:?}")),
        };
    }
    cur
}

fn state() -> Value {
    obj(&[
        ("name", "p".into()),
        (
            "quota_request",
            list(vec![
                obj(&[
                    ("service_code", "lambda".into()),
                    ("quota_code", "L-B99A9384".into()),
                    ("desired_value", Value::Null),
                ]),
                obj(&[
                    ("service_code", "apigateway".into()),
                    ("quota_code", "L-8A5B8E43".into()),
                    ("desired_value", Value::int(100)),
                    ("status", "OLD".into()),
                ]),
            ]),
        ),
        (
            "api_gateway",
            list(vec![obj(&[
                ("rest_api_id", "a".into()),
                ("stage_name", "s".into()),
                ("integration_timeout_ms", Value::int(29000)),
            ])]),
        ),
        (
            "lambda",
            list(vec![
                obj(&[
                    ("function_name", "f".into()),
                    ("qualifier", "prod".into()),
                    ("publish_on_change", Value::Bool(true)),
                ]),
                obj(&[
                    ("function_name", "gone".into()),
                    ("memory_size", Value::int(256)),
                    ("qualifier_version", "3".into()),
                ]),
            ]),
        ),
        (
            "dynamodb",
            list(vec![
                obj(&[
                    ("table_name", "t".into()),
                    ("billing_mode", "PAY_PER_REQUEST".into()),
                ]),
                obj(&[
                    ("table_name", "gone".into()),
                    ("billing_mode", "PROVISIONED".into()),
                    ("read_capacity", Value::int(5)),
                    ("autoscaling", list(vec![obj(&[])])),
                ]),
            ]),
        ),
        (
            "cache_policy",
            list(vec![obj(&[
                ("name", "old".into()),
                ("headers", strs(&["B", "A"])),
                ("cookies", strs(&["x"])),
            ])]),
        ),
        ("dashboard", list(vec![obj(&[("name", "d".into())])])),
        (
            "global_accelerator",
            list(vec![obj(&[("name", "g".into()), ("arn", "old".into())])]),
        ),
    ])
}

fn observed() -> Observed {
    Observed {
        quota_requests: vec![
            Some(QuotaObserved {
                service_code: "lambda".into(),
                quota_code: "L-B99A9384".into(),
                applied_value: Some(1000.0),
                request_id: Some("r-1".into()),
                request_status: Some("PENDING".into()),
                requested_value: Some(5000.0),
                ..Default::default()
            }),
            Some(QuotaObserved {
                service_code: "apigateway".into(),
                quota_code: "L-8A5B8E43".into(),
                applied_value: Some(100.0),
                ..Default::default()
            }),
        ],
        api_gateway: Some(StageObserved {
            rate_limit: Some(50.5),
            burst_limit: None,
            ..Default::default()
        }),
        lambdas: vec![
            Some(LambdaObserved {
                function_name: "f".into(),
                memory_size: Some(512),
                timeout: Some(10),
                reserved_concurrency: Some(20),
                qualifier_version: Some("7".into()),
                provisioned: Some(ProvisionedObserved {
                    requested: 5,
                    status: "READY".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            None,
        ],
        dynamodb: vec![
            Some(TableObserved {
                table_name: "t".into(),
                billing_mode: Some("PROVISIONED".into()),
                read_capacity: Some(10),
                write_capacity: Some(4),
                read_autoscaling: Some(AutoScalingObserved {
                    min_capacity: 1,
                    max_capacity: 9,
                    target_utilization: Some(70.0),
                    scale_in_cooldown: Some(60),
                    scale_out_cooldown: None,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            None,
        ],
        cache_policy: Some(CachePolicyObserved {
            id: "cp".into(),
            etag: Some("E1".into()),
            name: "new".into(),
            comment: Some(String::new()),
            min_ttl: 0,
            default_ttl: Some(60),
            enable_gzip: true,
            header_behavior: "whitelist".into(),
            headers: vec!["A".into(), "B".into()],
            cookie_behavior: "whitelist".into(),
            cookies: vec!["y".into(), "x".into()],
            query_string_behavior: "none".into(),
            ..Default::default()
        }),
        dashboard: Some(DashboardObserved {
            name: "d".into(),
            arn: Some("arn:d".into()),
            matches_profile: true,
            ..Default::default()
        }),
        global_accelerator: Some(AcceleratorObserved {
            arn: "arn:g".into(),
            name: "g2".into(),
            enabled: true,
            ip_address_type: None,
            dns_name: Some("g.example".into()),
            ip_addresses: vec!["1.2.3.4".into()],
            ports: vec![443, 80],
            protocol: Some("TCP".into()),
            endpoint_group_region: Some("us-east-1".into()),
            endpoint_ids: vec!["i-1".into()],
            ..Default::default()
        }),
    }
}

#[test]
fn a_refresh_writes_what_aws_reports_and_keeps_the_configuration() {
    let s = apply_observed(&state(), &observed());
    let num = |f: f64| Value::Number(tfplugin::Number::from_f64(f));

    // Quotas: an import takes the open request's value; a quota at its
    // desired value reads as APPLIED; the codes stay.
    let q0 = at(&s, &["quota_request", "0"]);
    assert_eq!(at(q0, &["desired_value"]), &num(5000.0));
    assert_eq!(at(q0, &["applied_value"]), &num(1000.0));
    assert_eq!(at(q0, &["request_id"]), &Value::string("r-1"));
    assert_eq!(at(q0, &["status"]), &Value::string("PENDING"));
    assert_eq!(at(q0, &["service_code"]), &Value::string("lambda"));
    let q1 = at(&s, &["quota_request", "1"]);
    assert_eq!(at(q1, &["desired_value"]), &Value::int(100));
    assert_eq!(at(q1, &["status"]), &Value::string("APPLIED"));
    assert_eq!(at(q1, &["request_id"]), &Value::Null);

    let a = at(&s, &["api_gateway", "0"]);
    assert_eq!(at(a, &["rate_limit"]), &num(50.5));
    assert_eq!(at(a, &["burst_limit"]), &Value::Null);
    assert_eq!(at(a, &["rest_api_id"]), &Value::string("a"));
    assert_eq!(at(a, &["integration_timeout_ms"]), &Value::int(29000));

    let l = at(&s, &["lambda", "0"]);
    assert_eq!(at(l, &["memory_size"]), &Value::int(512));
    assert_eq!(at(l, &["timeout"]), &Value::int(10));
    assert_eq!(at(l, &["reserved_concurrency"]), &Value::int(20));
    assert_eq!(at(l, &["provisioned_concurrency"]), &Value::int(5));
    assert_eq!(at(l, &["provisioned_status"]), &Value::string("READY"));
    assert_eq!(at(l, &["qualifier_version"]), &Value::string("7"));
    assert_eq!(at(l, &["qualifier"]), &Value::string("prod"));
    assert_eq!(at(l, &["publish_on_change"]), &Value::Bool(true));
    // A function gone: its read values go, its name stays.
    let gone = at(&s, &["lambda", "1"]);
    assert_eq!(at(gone, &["memory_size"]), &Value::Null);
    assert_eq!(at(gone, &["qualifier_version"]), &Value::Null);
    assert_eq!(at(gone, &["function_name"]), &Value::string("gone"));

    let t = at(&s, &["dynamodb", "0"]);
    assert_eq!(at(t, &["billing_mode"]), &Value::string("PROVISIONED"));
    assert_eq!(at(t, &["read_capacity"]), &Value::int(10));
    assert_eq!(at(t, &["table_name"]), &Value::string("t"));
    let r = at(t, &["autoscaling", "0", "read", "0"]);
    assert_eq!(at(r, &["min_capacity"]), &Value::int(1));
    assert_eq!(at(r, &["max_capacity"]), &Value::int(9));
    assert_eq!(at(r, &["target_utilization"]), &num(70.0));
    assert_eq!(at(r, &["scale_in_cooldown"]), &Value::int(60));
    assert_eq!(at(r, &["scale_out_cooldown"]), &Value::Null);
    assert_eq!(r.as_object().map(|o| o.len()), Some(5));
    assert_eq!(at(t, &["autoscaling", "0", "write"]), &list(vec![]));
    let gone = at(&s, &["dynamodb", "1"]);
    assert_eq!(at(gone, &["read_capacity"]), &Value::Null);
    assert_eq!(at(gone, &["billing_mode"]), &Value::string("PROVISIONED"));
    assert_eq!(at(gone, &["autoscaling"]), &list(vec![obj(&[])]));

    let c = at(&s, &["cache_policy", "0"]);
    assert_eq!(at(c, &["id"]), &Value::string("cp"));
    assert_eq!(at(c, &["etag"]), &Value::string("E1"));
    assert_eq!(at(c, &["name"]), &Value::string("new"));
    assert_eq!(at(c, &["comment"]), &Value::Null);
    assert_eq!(at(c, &["min_ttl"]), &Value::int(0));
    assert_eq!(at(c, &["default_ttl"]), &Value::int(60));
    assert_eq!(at(c, &["max_ttl"]), &Value::Null);
    assert_eq!(at(c, &["enable_accept_encoding_gzip"]), &Value::Bool(true));
    assert_eq!(
        at(c, &["enable_accept_encoding_brotli"]),
        &Value::Bool(false)
    );
    // The same names keep the order state has; others come as AWS has them.
    assert_eq!(at(c, &["headers"]), &strs(&["B", "A"]));
    assert_eq!(at(c, &["cookies"]), &strs(&["y", "x"]));
    assert_eq!(at(c, &["query_strings"]), &list(vec![]));

    let d = at(&s, &["dashboard", "0"]);
    assert_eq!(at(d, &["arn"]), &Value::string("arn:d"));
    assert_eq!(at(d, &["body_in_sync"]), &Value::Bool(true));
    assert_eq!(at(d, &["name"]), &Value::string("d"));

    let g = at(&s, &["global_accelerator", "0"]);
    assert_eq!(at(g, &["arn"]), &Value::string("arn:g"));
    assert_eq!(at(g, &["dns_name"]), &Value::string("g.example"));
    assert_eq!(at(g, &["ip_addresses"]), &strs(&["1.2.3.4"]));
    assert_eq!(at(g, &["name"]), &Value::string("g2"));
    assert_eq!(at(g, &["enabled"]), &Value::Bool(true));
    assert_eq!(at(g, &["ip_address_type"]), &Value::Null);
    assert_eq!(at(g, &["protocol"]), &Value::string("TCP"));
    assert_eq!(
        at(g, &["ports"]),
        &list(vec![Value::int(443), Value::int(80)])
    );
    assert_eq!(
        at(g, &["endpoint_group_region"]),
        &Value::string("us-east-1")
    );
    assert_eq!(at(g, &["endpoint_id"]), &Value::string("i-1"));
}

#[test]
fn components_gone_lose_only_what_aws_reports() {
    let mut s = state();
    if let Value::Object(o) = &mut s {
        o.insert(
            "cache_policy".into(),
            list(vec![obj(&[
                ("name", "c".into()),
                ("id", "cp".into()),
                ("etag", "E".into()),
                ("default_ttl", Value::int(5)),
            ])]),
        );
    }
    let s = apply_observed(&s, &Observed::default());
    let c = at(&s, &["cache_policy", "0"]);
    assert_eq!(at(c, &["id"]), &Value::Null);
    assert_eq!(at(c, &["etag"]), &Value::Null);
    assert_eq!(at(c, &["default_ttl"]), &Value::int(5));
    assert_eq!(at(c, &["name"]), &Value::string("c"));
    let d = at(&s, &["dashboard", "0"]);
    assert_eq!(at(d, &["arn"]), &Value::Null);
    assert_eq!(at(d, &["body_in_sync"]), &Value::Bool(false));
    let g = at(&s, &["global_accelerator", "0"]);
    assert_eq!(at(g, &["arn"]), &Value::Null);
    assert_eq!(at(g, &["ip_addresses"]), &list(vec![]));
    assert_eq!(at(g, &["name"]), &Value::string("g"));
    let q = at(&s, &["quota_request", "1"]);
    assert_eq!(at(q, &["status"]), &Value::Null);
    assert_eq!(at(q, &["desired_value"]), &Value::int(100));
    let a = at(&s, &["api_gateway", "0"]);
    assert_eq!(at(a, &["rate_limit"]), &Value::Null);
}

#[test]
fn the_ids_come_back_from_a_state() {
    let s = apply_observed(&state(), &observed());
    let k = known_from_state(&s);
    let c = k.cache_policy.expect("cache policy");
    assert_eq!(
        (c.id.as_str(), c.etag.as_deref(), c.name.as_str()),
        ("cp", Some("E1"), "new")
    );
    let g = k.global_accelerator.expect("accelerator");
    assert_eq!((g.arn.as_str(), g.name.as_str()), ("arn:g", "g2"));
    let d = k.dashboard.expect("dashboard");
    assert_eq!((d.name.as_str(), d.arn.as_deref()), ("d", Some("arn:d")));
    let q = k.quota_requests[0].as_ref().expect("quota");
    assert_eq!(
        (
            q.service_code.as_str(),
            q.quota_code.as_str(),
            q.request_id.as_deref(),
            q.request_status.as_deref()
        ),
        ("lambda", "L-B99A9384", Some("r-1"), Some("PENDING"))
    );
    // Without an id nothing is known.
    let bare = known_from_state(&state());
    assert!(bare.cache_policy.is_none());
    assert_eq!(
        bare.global_accelerator.map(|g| g.arn).as_deref(),
        Some("old")
    );
    assert!(bare.quota_requests[1].is_some());
}
