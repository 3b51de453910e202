use super::*;
use crate::resource::{plan, validate};

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn map(pairs: Vec<(&str, Value)>) -> Value {
    Value::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn pool(function: &str, memory: i64) -> Value {
    obj(vec![
        ("function_name", Value::string(function)),
        ("memory_size", Value::int(memory)),
    ])
}

fn profile(pools: Value) -> Value {
    obj(vec![
        ("name", Value::string("p")),
        ("lambda_pools", pools),
        (
            "cache_policy",
            obj(vec![
                ("name", Value::string("c")),
                ("min_ttl", Value::int(0)),
            ]),
        ),
        (
            "dynamodb_tables",
            map(vec![(
                "feeds",
                obj(vec![
                    ("table_name", Value::string("tbl")),
                    (
                        "autoscaling",
                        obj(vec![(
                            "read",
                            obj(vec![
                                ("min_capacity", Value::int(1)),
                                ("max_capacity", Value::int(9)),
                            ]),
                        )]),
                    ),
                ]),
            )]),
        ),
    ])
}

#[test]
fn values_go_to_lists_and_back_with_their_keys() {
    let v = profile(map(vec![("web", pool("w", 256)), ("api", pool("a", 1024))]));
    let (lists, shapes) = to_lists(&v);
    // Lists in key order, under the locations the rule engine uses.
    let pools = lists.get("lambda").and_then(Value::as_elements).unwrap();
    assert_eq!(pools[0].get("function_name"), Some(&Value::string("a")));
    assert_eq!(pools[1].get("function_name"), Some(&Value::string("w")));
    assert_eq!(shapes.keys("lambda"), ["api", "web"]);
    let tables = lists.get("dynamodb").and_then(Value::as_elements).unwrap();
    let auto = tables[0]
        .get("autoscaling")
        .and_then(Value::as_elements)
        .unwrap();
    assert_eq!(
        auto[0]
            .get("read")
            .and_then(Value::as_elements)
            .map(<[Value]>::len),
        Some(1)
    );
    // The profile sees every entry.
    let p = crate::mapping::profile_from_value(&lists, None);
    let names: Vec<&str> = p.lambdas.iter().map(|l| l.function_name.as_str()).collect();
    assert_eq!(names, ["a", "w"]);
    assert_eq!(
        p.dynamodb[0]
            .read_autoscaling
            .as_ref()
            .and_then(|a| a.max_capacity),
        Some(9)
    );
    assert_eq!(p.cache_policy.as_ref().map(|c| c.name.as_str()), Some("c"));
    // And back: the same value (timeouts null, absent single objects null).
    let mut want = v.clone();
    if let Value::Object(m) = &mut want {
        m.insert("timeouts".into(), Value::Null);
        for b in model::RESOURCE.blocks() {
            m.entry(b.name().to_string()).or_insert(Value::Null);
        }
        if let Some(Value::Map(t)) = m.get_mut("dynamodb_tables") {
            if let Some(Value::Object(e)) = t.get_mut("feeds") {
                if let Some(Value::Object(a)) = e.get_mut("autoscaling") {
                    a.insert("write".into(), Value::Null);
                }
            }
        }
    }
    assert_eq!(from_lists(&lists, &shapes), want);
}

#[test]
fn paths_name_the_key() {
    let v = profile(map(vec![("web", pool("w", 256)), ("api", pool("a", 1024))]));
    let (_, shapes) = to_lists(&v);
    let p = AttributePath::attr("lambda")
        .then_index(1)
        .then_attr("memory_size");
    assert_eq!(
        path_from_lists(&p, &shapes).to_string(),
        AttributePath::attr("lambda_pools")
            .then_key("web")
            .then_attr("memory_size")
            .to_string()
    );
    let p = AttributePath::attr("dynamodb")
        .then_index(0)
        .then_attr("autoscaling")
        .then_index(0)
        .then_attr("read")
        .then_index(0)
        .then_attr("min_capacity");
    assert_eq!(
        path_from_lists(&p, &shapes),
        AttributePath::attr("dynamodb_tables")
            .then_key("feeds")
            .then_attr("autoscaling")
            .then_attr("read")
            .then_attr("min_capacity")
    );
    let p = AttributePath::attr("cache_policy")
        .then_index(0)
        .then_attr("min_ttl");
    assert_eq!(
        path_from_lists(&p, &shapes),
        AttributePath::attr("cache_policy").then_attr("min_ttl")
    );
}

/// Plans `config` over `prior` the way the resource does, in 1.0 form.
fn plan_change(config: &Value, prior: &Value) -> Value {
    let (proposed, shapes) = to_lists(config);
    let cfg = to_lists_as(config, &shapes);
    let before = to_lists_as(prior, &shapes);
    let mut d = Diagnostics::new();
    let planned = plan::plan(
        &cfg,
        &proposed,
        &before,
        Some("us-east-1"),
        &scaling::Limits::default(),
        &scaling::Options::default(),
        &mut d,
    );
    from_lists(&planned, &shapes)
}

fn with_computed(pool: Value, version: &str) -> Value {
    let Value::Object(mut m) = pool else {
        return pool;
    };
    m.insert("qualifier_version".into(), Value::string(version));
    m.insert("provisioned_status".into(), Value::string("READY"));
    Value::Object(m)
}

/// Removing the first key leaves the other entries' planned values equal
/// to their prior state, computed values included (no re-indexing).
#[test]
fn removing_a_key_leaves_the_others_as_they_were() {
    let a = with_computed(pool("a", 1024), "3");
    let b = with_computed(pool("b", 512), "7");
    let c = with_computed(pool("c", 256), "9");
    let prior = profile(map(vec![("a", a), ("b", b.clone()), ("c", c.clone())]));
    // Terraform proposes the prior computed values of the entries kept.
    let config = profile(map(vec![("b", b.clone()), ("c", c.clone())]));
    let planned = plan_change(&config, &prior);
    let pools = planned.get("lambda_pools").unwrap();
    let Value::Map(m) = pools else {
        panic!("not a map: {pools:?}")
    };
    assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "c"]);
    for (k, want) in [("b", &b), ("c", &c)] {
        for attr in [
            "function_name",
            "memory_size",
            "qualifier_version",
            "provisioned_status",
        ] {
            assert_eq!(m[k].get(attr), want.get(attr), "{k}.{attr}");
        }
    }
    // A new key is planned as new: its computed values unknown.
    let config = profile(map(vec![("b", b.clone()), ("n", pool("n", 128))]));
    let planned = plan_change(&config, &prior);
    let m = match planned.get("lambda_pools") {
        Some(Value::Map(m)) => m.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(m["b"].get("qualifier_version"), b.get("qualifier_version"));
    assert!(m["n"]
        .get("qualifier_version")
        .is_some_and(Value::is_unknown));
}

fn errors_at(config: &Value) -> Vec<(String, String)> {
    let (cfg, shapes) = to_lists(config);
    let mut d = Diagnostics::new();
    validate::validate_config(&cfg, &shapes, &mut d);
    diags_from_lists(d, &shapes)
        .iter()
        .map(|d| {
            (
                d.attribute
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                d.summary.clone(),
            )
        })
        .collect()
}

#[test]
fn the_same_aws_object_under_two_keys_is_an_error_on_the_second() {
    let config = obj(vec![
        ("name", Value::string("p")),
        (
            "lambda_pools",
            map(vec![("one", pool("f", 256)), ("two", pool("f", 256))]),
        ),
        (
            "dynamodb_tables",
            map(vec![
                ("x", obj(vec![("table_name", Value::string("tbl"))])),
                ("y", obj(vec![("table_name", Value::string("tbl"))])),
            ]),
        ),
        (
            "quota_requests",
            map(vec![
                (
                    "a",
                    obj(vec![
                        ("service_code", Value::string("lambda")),
                        ("quota_code", Value::string("L-B99A9384")),
                    ]),
                ),
                (
                    "b",
                    obj(vec![
                        ("service_code", Value::string("lambda")),
                        ("quota_code", Value::string("L-B99A9384")),
                    ]),
                ),
            ]),
        ),
    ]);
    let got = errors_at(&config);
    let want = |p: AttributePath| p.to_string();
    let dup: Vec<&String> = got
        .iter()
        .filter(|(_, s)| s.starts_with("Duplicate"))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        dup,
        [
            &want(AttributePath::attr("quota_requests").then_key("b")),
            &want(
                AttributePath::attr("lambda_pools")
                    .then_key("two")
                    .then_attr("function_name")
            ),
            &want(
                AttributePath::attr("dynamodb_tables")
                    .then_key("y")
                    .then_attr("table_name")
            ),
        ],
        "{got:?}"
    );
    // One function under two qualifiers is two pools.
    let config = obj(vec![(
        "lambda_pools",
        map(vec![
            (
                "prod",
                obj(vec![
                    ("function_name", Value::string("f")),
                    ("qualifier", Value::string("prod")),
                ]),
            ),
            (
                "live",
                obj(vec![
                    ("function_name", Value::string("f")),
                    ("qualifier", Value::string("live")),
                ]),
            ),
        ]),
    )]);
    assert!(errors_at(&config)
        .iter()
        .all(|(_, s)| !s.starts_with("Duplicate")));
}
