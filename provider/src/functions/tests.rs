//! The functions called directly: figures checked against arithmetic done
//! here, and argument errors with their index.

use std::collections::BTreeMap;

use tfplugin::{FunctionError, Type, Value};

use super::all;

fn call(name: &str, args: Vec<Value>) -> Result<Value, FunctionError> {
    all()[name].call(args)
}

fn n(v: &Value) -> f64 {
    v.as_number().map(|n| n.as_f64()).unwrap_or(f64::NAN)
}

fn obj(items: &[(&str, Value)]) -> Value {
    Value::Object(
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

/// A literal as Terraform sends it to a `dynamic` parameter.
fn dynamic(v: Value) -> Value {
    let ty = v.implied_type().unwrap_or(Type::Dynamic);
    Value::Dynamic(ty, Box::new(v))
}

#[test]
fn required_concurrency_is_littles_law_after_the_cache_rounded_up() {
    let r = call(
        "required_concurrency",
        vec![Value::int(16_000), Value::int(50), Value::float(0.5)],
    )
    .expect("ok");
    assert_eq!(n(&r), 16_000.0 * 0.5 * 0.050);
    // 1,000 rps × 0.3 miss × 55 ms = 16.5 → 17.
    let r = call(
        "required_concurrency",
        vec![Value::int(1_000), Value::int(55), Value::float(0.7)],
    )
    .expect("ok");
    assert_eq!(n(&r), 17.0);
}

#[test]
fn origin_rps_is_the_traffic_past_the_cache() {
    let r = call("origin_rps", vec![Value::int(100_000), Value::float(0.8)]).expect("ok");
    assert!((n(&r) - 20_000.0).abs() < 1e-9);
}

#[test]
fn bad_numbers_are_errors_on_their_argument() {
    let cases = [
        (
            "origin_rps",
            vec![Value::int(-1), Value::float(0.5)],
            0,
            "peak_rps is too small",
        ),
        (
            "origin_rps",
            vec![Value::int(10), Value::float(1.5)],
            1,
            "cache_hit_ratio is too large",
        ),
        (
            "required_concurrency",
            vec![Value::int(10), Value::float(f64::NAN), Value::float(0.5)],
            1,
            "latency_ms must be a number",
        ),
        (
            "required_concurrency",
            vec![Value::int(10), Value::int(5), Value::float(f64::INFINITY)],
            2,
            "cache_hit_ratio is too large",
        ),
    ];
    for (name, args, index, text) in cases {
        let e = call(name, args).expect_err(name);
        assert_eq!(e.argument, Some(index), "{name}: {}", e.text);
        assert!(e.text.starts_with(text), "{name}: {}", e.text);
    }
}

fn stack() -> Value {
    obj(&[
        (
            "traffic",
            obj(&[
                ("peak_rps", Value::int(100_000)),
                ("latency_ms", Value::int(55)),
                ("cache_hit_ratio", Value::float(0.8)),
            ]),
        ),
        (
            "api_gateway",
            obj(&[
                ("rest_api_id", Value::string("bmkd8zayee")),
                ("stage_name", Value::string("staging")),
                ("rate_limit", Value::int(10_000)),
                ("burst_limit", Value::int(5_000)),
            ]),
        ),
        (
            "lambda_pools",
            obj(&[(
                "api",
                obj(&[
                    ("function_name", Value::string("smuppy-api-handler")),
                    ("reserved_concurrency", Value::int(800)),
                ]),
            )]),
        ),
    ])
}

#[test]
fn max_sustainable_rps_names_the_bottleneck() {
    let r = call("max_sustainable_rps", vec![dynamic(stack())]).expect("ok");
    // Lambda: 800 reserved ÷ 0.055 s = 14,545.45 origin rps; API Gateway
    // 10,000. The stage is the narrower link: 10,000 ÷ 0.2 miss = 50,000.
    assert!((n(r.get("rps").expect("rps")) - 50_000.0).abs() < 0.01);
    let b = r
        .get("bottleneck")
        .and_then(Value::as_str)
        .expect("bottleneck");
    assert!(b.starts_with("API Gateway"), "{b}");
    assert!((n(r.get("headroom").expect("headroom")) - 0.5).abs() < 1e-9);
}

#[test]
fn check_returns_findings_located_by_key() {
    let r = call("check", vec![dynamic(stack())]).expect("ok");
    let findings = r.as_elements().expect("a list");
    let errors: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.get("severity").and_then(Value::as_str) == Some("error"))
        .map(|f| {
            (
                f.get("rule_id").and_then(Value::as_str).unwrap_or(""),
                f.get("location").and_then(Value::as_str).unwrap_or(""),
            )
        })
        .collect();
    assert!(!errors.is_empty(), "{findings:?}");
    assert!(
        findings
            .iter()
            .filter_map(|f| f.get("location").and_then(Value::as_str))
            .any(|l| l.starts_with("lambda_pools[\"api\"]")),
        "{findings:?}"
    );
}

#[test]
fn check_reports_what_the_resource_plan_would_as_findings() {
    let v = obj(&[(
        "lambda_pools",
        obj(&[(
            "api",
            obj(&[
                ("function_name", Value::string("f")),
                ("memory_size", Value::int(64)),
            ]),
        )]),
    )]);
    let r = call("check", vec![dynamic(v)]).expect("a finding, not an error");
    let f = r
        .as_elements()
        .expect("a list")
        .iter()
        .find(|f| f.get("rule_id").and_then(Value::as_str) == Some("LIM004"))
        .expect("LIM004");
    assert_eq!(f.get("severity").and_then(Value::as_str), Some("error"));
    assert_eq!(
        f.get("location").and_then(Value::as_str),
        Some("lambda_pools[\"api\"].memory_size")
    );
}

#[test]
fn monthly_cost_prices_the_blocks_given() {
    let r = call("monthly_cost", vec![dynamic(stack())]).expect("ok");
    let per: BTreeMap<String, f64> = r
        .get("per_service")
        .and_then(|v| match v {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        })
        .expect("per_service")
        .iter()
        .map(|(k, v)| (k.clone(), n(v)))
        .collect();
    assert!(per.contains_key("API Gateway"), "{per:?}");
    assert!(!per.keys().any(|k| k.starts_with("CloudFront")), "{per:?}");
    let total = n(r.get("total_usd").expect("total"));
    assert!(
        (per.values().sum::<f64>() - total).abs() < 0.05,
        "{per:?} {total}"
    );
}

#[test]
fn profile_shape_errors_name_the_argument_and_attribute() {
    let cases = [
        (Value::string("x"), "profile must be an object"),
        (
            obj(&[("trafic", obj(&[]))]),
            "profile.trafic: smuppy_scaling_profile has no such attribute",
        ),
        (
            obj(&[("capacity", obj(&[]))]),
            "profile.capacity: smuppy_scaling_profile has no such attribute",
        ),
        (
            obj(&[("traffic", obj(&[("peak_rps", Value::string("many"))]))]),
            "profile.traffic.peak_rps",
        ),
        (
            obj(&[(
                "lambda_pools",
                obj(&[(
                    "api",
                    obj(&[("function_name", Value::string("no spaces allowed"))]),
                )]),
            )]),
            "profile.lambda_pools[\"api\"].function_name",
        ),
    ];
    for (v, text) in cases {
        let e = call("check", vec![dynamic(v)]).expect_err(text);
        assert_eq!(e.argument, Some(0));
        assert!(e.text.starts_with(text), "want {text:?}, got {:?}", e.text);
    }
}
