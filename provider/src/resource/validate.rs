//! ValidateResourceConfig: checks that need nothing but the configuration,
//! each reported on the attribute it concerns. Unknown values pass; they are
//! checked again at plan time once known. Capacity, limits, safety and cost
//! are the rule engine's, at plan time.

use std::collections::BTreeMap;

use tfplugin::{AttributePath, Diagnostics, Value};

use scaling::ids;
use scaling::model::{self, names, Check, Described};

use crate::fields::{check_enum, check_int, check_range, Obj};
use crate::shape::{path_from_lists, Shapes};

/// `shapes` is the form the configuration had (map keys), to name an entry
/// in a message as the user wrote it.
pub fn validate_config(config: &Value, shapes: &Shapes, diags: &mut Diagnostics) {
    // The rule engine's verdicts come first; a check of ours on an attribute
    // the rule engine already reports is dropped, so nothing is said twice.
    let mut rules = Diagnostics::new();
    crate::analysis::validate_time_findings(config, &mut rules);
    let mut own = Diagnostics::new();
    own_checks(config, shapes, &mut own);
    for d in own.0 {
        let duplicate = d.attribute.is_some() && rules.iter().any(|r| r.attribute == d.attribute);
        if !duplicate {
            diags.push(d);
        }
    }
    diags.extend(rules);
}

/// The checks of the configuration beside the rule engine's (ids, names,
/// ranges, duplicates); the provider's functions check their profile-like
/// arguments with them too.
pub(crate) fn own_checks(config: &Value, shapes: &Shapes, diags: &mut Diagnostics) {
    // An earlier entry, as the user addresses it (`lambda_pools["api"]`).
    let named = |p: &AttributePath| path_from_lists(p, shapes);
    let root_path = AttributePath::root();
    let root = Obj::new(config, &root_path);
    model_checks(&model::RESOURCE, &root, diags);

    if let Some(name) = root.str(names::NAME) {
        if name.trim().is_empty() {
            diags.attribute_error(
                root.path_of(names::NAME),
                "Invalid name",
                "The profile name must not be empty.",
            );
        }
    }

    if let Some((p, v)) = root.single(model::TRAFFIC.location) {
        let t = Obj::new(v, &p);
        let ratio = names::TRAFFIC_AVERAGE_TO_PEAK;
        if let Some(r) = t.f64(ratio) {
            if !(r > 0.0 && r <= 1.0) {
                diags.attribute_error(
                    t.path_of(ratio),
                    format!("Invalid {ratio}"),
                    format!("{ratio} must be above 0 and at most 1, got {r}."),
                );
            }
        }
    }

    let mut quotas: BTreeMap<(String, String), AttributePath> = BTreeMap::new();
    for (p, v) in root.blocks(model::QUOTA.location) {
        let q = Obj::new(v, &p);
        if let (Some(s), Some(c)) = (q.str(names::QUOTA_SERVICE_CODE), q.str(names::QUOTA_CODE)) {
            let key = (s.to_string(), c.to_string());
            if let Some(first) = quotas.get(&key) {
                diags.attribute_error(
                    p.clone(),
                    format!("Duplicate {} entry", model::QUOTA.name),
                    format!("Quota {s}/{c} is already requested by {}; AWS allows one open request per quota.", named(first)),
                );
            } else {
                quotas.insert(key, p.clone());
            }
        }
    }

    if let Some((p, v)) = root.single(model::API_GATEWAY.location) {
        let a = Obj::new(v, &p);
        let (burst, rate) = (names::STAGE_BURST_LIMIT, names::STAGE_RATE_LIMIT);
        let burst_set = !matches!(a.field(burst), crate::fields::Field::Null);
        let rate_set = !matches!(a.field(rate), crate::fields::Field::Null);
        if burst_set && !rate_set {
            diags.attribute_error(
                a.path_of(burst),
                format!("{burst} without {rate}"),
                format!(
                    "A stage burst limit only applies together with a rate limit: set {rate} too."
                ),
            );
        }
    }

    // One function may carry two pools on two qualifiers.
    let mut functions: BTreeMap<(String, Option<String>), AttributePath> = BTreeMap::new();
    for (p, v) in root.blocks(model::LAMBDA.location) {
        let l = Obj::new(v, &p);
        if let Some(name) = l.str(names::FUNCTION_NAME) {
            let key = (
                name.to_string(),
                l.str(names::LAMBDA_QUALIFIER).map(str::to_string),
            );
            if let Some(first) = functions.get(&key) {
                let what = match &key.1 {
                    Some(q) => format!("{name}:{q}"),
                    None => name.to_string(),
                };
                diags.attribute_error(
                    l.path_of(names::FUNCTION_NAME),
                    format!("Duplicate {} entry", model::LAMBDA.name),
                    format!("Function {what:?} is already managed by {}.", named(first)),
                );
            } else {
                functions.insert(key, p.clone());
            }
        }
    }

    let mut tables: BTreeMap<String, AttributePath> = BTreeMap::new();
    for (p, v) in root.blocks(model::DYNAMODB.location) {
        let d = Obj::new(v, &p);
        if let Some(name) = d.str(names::TABLE_NAME) {
            if let Some(first) = tables.get(name) {
                diags.attribute_error(
                    d.path_of(names::TABLE_NAME),
                    format!("Duplicate {} entry", model::DYNAMODB.name),
                    format!("Table {name:?} is already managed by {}.", named(first)),
                );
            } else {
                tables.insert(name.to_string(), p.clone());
            }
        }
    }

    if let Some((p, v)) = root.single(model::CACHE_POLICY.location) {
        let c = Obj::new(v, &p);
        if let Some(comment) = c.str(names::CACHE_COMMENT) {
            if comment.chars().count() > 128 {
                diags.attribute_error(
                    c.path_of(names::CACHE_COMMENT),
                    "Comment too long",
                    "A cache policy comment is at most 128 characters.",
                );
            }
        }
        for (behavior, list) in [
            (names::CACHE_COOKIE_BEHAVIOR, names::CACHE_COOKIES),
            (
                names::CACHE_QUERY_STRING_BEHAVIOR,
                names::CACHE_QUERY_STRINGS,
            ),
        ] {
            // More than 10 items is LIM018; headers without "whitelist" is
            // SEC003, so headers are the rule engine's.
            let items = c.strings(list);
            // Left out, the behaviour is its default (the model's).
            let default = match model::CACHE_POLICY.field(behavior).and_then(|f| f.default) {
                Some(model::Default {
                    value: model::DefaultValue::Str(d),
                    ..
                }) => d,
                _ => "",
            };
            let b = c.str(behavior).unwrap_or(default);
            let needs_list = matches!(b, "whitelist" | "allExcept");
            if !items.is_empty() && !needs_list && !c.is_unknown(behavior) {
                diags.attribute_error(
                    c.path_of(list),
                    format!("{list} without a list behavior"),
                    format!("{list} only apply when {behavior} is \"whitelist\" or \"allExcept\" (it is {b:?})."),
                );
            }
            if needs_list && items.is_empty() && !c.is_unknown(list) {
                diags.attribute_error(
                    c.path_of(list),
                    format!("Missing {list}"),
                    format!("{behavior} {b:?} needs at least one name in {list}."),
                );
            }
        }
    }

    if let Some((p, v)) = root.single(model::ACCELERATOR.location) {
        let g = Obj::new(v, &p);
        for port in g.number_elements(names::ACCELERATOR_PORTS) {
            if !(port.is_integer() && port.as_i64().is_some_and(|p| (1..=65535).contains(&p))) {
                diags.attribute_error(
                    g.path_of(names::ACCELERATOR_PORTS),
                    "Invalid port",
                    format!("Listener ports are whole numbers from 1 to 65535; got {port}."),
                );
            }
        }
        // An API Gateway endpoint is LIM014.
    }
}

/// The checks the model states for every attribute of `block` (and of its
/// nested blocks), on the object `obj`: ranges, whole numbers, allowed
/// values, and what AWS accepts as ids, names and codes.
fn model_checks(block: &dyn Described, obj: &Obj<'_>, diags: &mut Diagnostics) {
    for f in block.fields() {
        match f.check {
            Check::None => {}
            Check::Int { min, max, what } => check_int(obj, f.name, min, max, what, diags),
            Check::Range { min, max, what } => check_range(obj, f.name, min, max, what, diags),
            Check::OneOf(allowed) => check_enum(obj, f.name, allowed, diags),
            Check::Id(rule, summary) => check_id(obj, f.name, rule, summary, diags),
        }
    }
    for child in block.blocks() {
        for (p, v) in obj.blocks(child.location()) {
            model_checks(*child, &Obj::new(v, &p), diags);
        }
    }
}

/// Checks a string field with one of the [`scaling::ids`] rules (what AWS
/// accepts as that id, name or code). Unknown and null pass.
fn check_id(obj: &Obj<'_>, name: &str, rule: ids::Rule, summary: &str, diags: &mut Diagnostics) {
    let Some(s) = obj.str(name) else { return };
    if let Err(detail) = rule(s) {
        diags.attribute_error(obj.path_of(name), summary, detail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn errors_at(config: &Value) -> Vec<String> {
        let mut d = Diagnostics::new();
        validate_config(config, &Shapes::default(), &mut d);
        d.iter()
            .map(|d| {
                d.attribute
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn negative_rate_and_fractional_burst_point_at_their_attributes() {
        let c = obj(vec![
            ("name", "x".into()),
            (
                "api_gateway",
                Value::List(vec![obj(vec![
                    ("rest_api_id", "abc".into()),
                    ("stage_name", "s".into()),
                    ("rate_limit", Value::int(-1)),
                    ("burst_limit", Value::float(1.5)),
                ])]),
            ),
        ]);
        assert_eq!(
            errors_at(&c),
            vec!["api_gateway[0].rate_limit", "api_gateway[0].burst_limit"]
        );
    }

    #[test]
    fn a_name_list_needs_a_list_behavior_left_out_meaning_none() {
        let policy = |pairs: Vec<(&str, Value)>| {
            let mut all = vec![("name", "p".into()), ("min_ttl", Value::int(0))];
            all.extend(pairs);
            obj(vec![
                ("name", "x".into()),
                ("cache_policy", Value::List(vec![obj(all)])),
            ])
        };
        let cookies = Value::List(vec!["c".into()]);
        let left_out = policy(vec![("cookies", cookies.clone())]);
        assert_eq!(details(&left_out), vec!["cookies only apply when cookie_behavior is \"whitelist\" or \"allExcept\" (it is \"none\")."]);
        let whitelist = policy(vec![("cookie_behavior", "whitelist".into())]);
        assert_eq!(errors_at(&whitelist), vec!["cache_policy[0].cookies"]);
        let fine = policy(vec![
            ("cookie_behavior", "allExcept".into()),
            ("cookies", cookies),
        ]);
        assert!(errors_at(&fine).is_empty());
    }

    fn num(text: &str) -> Value {
        Value::Number(tfplugin::Number::parse(text).unwrap())
    }

    fn details(config: &Value) -> Vec<String> {
        let mut d = Diagnostics::new();
        validate_config(config, &Shapes::default(), &mut d);
        d.iter().map(|d| d.detail.clone()).collect()
    }

    #[test]
    fn extreme_numbers_say_what_is_wrong() {
        let c = obj(vec![
            ("name", "x".into()),
            (
                "api_gateway",
                Value::List(vec![obj(vec![
                    ("rest_api_id", "abc".into()),
                    ("stage_name", "s".into()),
                    ("rate_limit", num("1e400")),
                ])]),
            ),
            (
                "lambda",
                Value::List(vec![obj(vec![
                    ("function_name", "f".into()),
                    ("reserved_concurrency", num("99999999999999999999")),
                    ("timeout", num("-1e400")),
                    ("memory_size", num("1e400")),
                ])]),
            ),
        ]);
        let got = details(&c);
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(
            got[0].starts_with("rate_limit is too large: 1e400 is beyond"),
            "{got:#?}"
        );
        assert_eq!(
            got[1],
            "reserved_concurrency is too large: it must be between 0 and 2147483647, got 99999999999999999999."
        );
        assert!(
            got[2].starts_with("memory_size (MB) is too large"),
            "{got:#?}"
        );
        assert!(
            got[3].starts_with("timeout (seconds) is too small"),
            "{got:#?}"
        );
    }

    #[test]
    fn every_meaningful_number_hcl_writes_is_accepted() {
        let c = obj(vec![
            ("name", "x".into()),
            (
                "traffic",
                Value::List(vec![obj(vec![
                    ("peak_rps", num("1e300")),
                    ("monthly_requests", num("99999999999999999999")),
                    ("cache_hit_ratio", num("1e-400")),
                ])]),
            ),
            (
                "lambda",
                Value::List(vec![obj(vec![
                    ("function_name", "f".into()),
                    ("reserved_concurrency", num("2147483647")),
                    ("memory_size", num("1.024e3")),
                    ("timeout", num("30.000")),
                ])]),
            ),
        ]);
        assert_eq!(details(&c), Vec::<String>::new());
    }

    #[test]
    fn burst_without_rate_is_refused_on_burst_limit() {
        let c = obj(vec![(
            "api_gateway",
            Value::List(vec![obj(vec![
                ("burst_limit", Value::int(100)),
                ("rate_limit", Value::Null),
            ])]),
        )]);
        assert_eq!(errors_at(&c), vec!["api_gateway[0].burst_limit"]);
    }

    #[test]
    fn unknown_values_pass() {
        let c = obj(vec![(
            "api_gateway",
            Value::List(vec![obj(vec![
                ("burst_limit", Value::unknown()),
                ("rate_limit", Value::unknown()),
            ])]),
        )]);
        assert!(errors_at(&c).is_empty());
    }

    #[test]
    fn rule_engine_errors_show_at_validate_time_with_their_rule_id() {
        let c = obj(vec![(
            "lambda",
            Value::List(vec![
                obj(vec![
                    ("function_name", "f".into()),
                    ("qualifier", "$LATEST".into()),
                    ("provisioned_concurrency", Value::int(5)),
                    ("reserved_concurrency", Value::int(10)),
                ]),
                obj(vec![
                    ("function_name", "g".into()),
                    ("qualifier", "prod".into()),
                    ("reserved_concurrency", Value::int(10)),
                    ("provisioned_concurrency", Value::int(20)),
                    ("memory_size", Value::int(64)),
                ]),
                obj(vec![
                    ("function_name", "g".into()),
                    ("qualifier", "prod".into()),
                ]),
            ]),
        )]);
        let mut d = Diagnostics::new();
        validate_config(&c, &Shapes::default(), &mut d);
        let mut got: Vec<(String, String)> = d
            .iter()
            .map(|d| {
                (
                    d.attribute
                        .as_ref()
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    d.summary.split(' ').next().unwrap_or_default().to_string(),
                )
            })
            .collect();
        got.sort();
        let want: Vec<(String, String)> = [
            ("lambda[0].qualifier", "LIM010"),
            ("lambda[1].memory_size", "LIM004"),
            ("lambda[1].provisioned_concurrency", "LIM002"),
            ("lambda[2].function_name", "Duplicate"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, want);
    }
}
