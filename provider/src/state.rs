//! What AWS reports (`scaling_aws::Observed`) ⇄ the resource's state value.
//!
//! Refresh writes every value AWS reports into the attributes the provider
//! computes (optional+computed settings and computed ids/statuses), so drift
//! shows in the plan, and an import reads back everything a configuration
//! may state. Name lists keep the order state has when AWS holds the same
//! names (CloudFront does not keep the order).

use std::collections::BTreeMap;

use scaling::model;
use scaling_aws::{
    AcceleratorObserved, CachePolicyObserved, DashboardObserved, Observed, QuotaObserved,
};
use tfplugin::{Number, Value};

fn set(obj: &mut BTreeMap<String, Value>, key: &str, v: Value) {
    obj.insert(key.to_string(), v);
}

fn num_f(v: Option<f64>) -> Value {
    v.map(|f| Value::Number(Number::from_f64(f)))
        .unwrap_or(Value::Null)
}

fn num_i(v: Option<i64>) -> Value {
    v.map(Value::int).unwrap_or(Value::Null)
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::String(s.clone())).collect())
}

fn elements_mut(state: &mut BTreeMap<String, Value>, key: &str) -> Vec<Value> {
    match state.remove(key) {
        Some(Value::List(v)) => v,
        _ => Vec::new(),
    }
}

/// Replaces the values of `state` that AWS reports with what `observed`
/// says. Components AWS reports as gone keep their configuration but lose
/// their read values, so the next plan shows the change needed.
pub fn apply_observed(state: &Value, observed: &Observed) -> Value {
    let Value::Object(top) = state else {
        return state.clone();
    };
    let mut top = top.clone();

    let mut quotas = elements_mut(&mut top, model::QUOTA.location);
    for (i, q) in quotas.iter_mut().enumerate() {
        if let Value::Object(o) = q {
            let obs = observed.quota_requests.get(i).and_then(Option::as_ref);
            fill_quota(o, obs);
        }
    }
    set(&mut top, model::QUOTA.location, Value::List(quotas));

    let mut agw = elements_mut(&mut top, model::API_GATEWAY.location);
    if let Some(Value::Object(o)) = agw.first_mut() {
        let obs = observed.api_gateway.as_ref();
        set(o, "rate_limit", num_f(obs.and_then(|s| s.rate_limit)));
        set(o, "burst_limit", num_i(obs.and_then(|s| s.burst_limit)));
    }
    set(&mut top, model::API_GATEWAY.location, Value::List(agw));

    let mut lambdas = elements_mut(&mut top, model::LAMBDA.location);
    for (i, l) in lambdas.iter_mut().enumerate() {
        let Value::Object(o) = l else { continue };
        let obs = observed.lambdas.get(i).and_then(Option::as_ref);
        set(
            o,
            "reserved_concurrency",
            num_i(obs.and_then(|l| l.reserved_concurrency)),
        );
        set(o, "memory_size", num_i(obs.and_then(|l| l.memory_size)));
        set(o, "timeout", num_i(obs.and_then(|l| l.timeout)));
        let pc = obs.and_then(|l| l.provisioned.as_ref());
        set(o, "provisioned_concurrency", num_i(pc.map(|p| p.requested)));
        set(
            o,
            "provisioned_status",
            Value::opt(pc.map(|p| p.status.clone())),
        );
        set(
            o,
            "qualifier_version",
            Value::opt(obs.and_then(|l| l.qualifier_version.clone())),
        );
    }
    set(&mut top, model::LAMBDA.location, Value::List(lambdas));

    let mut tables = elements_mut(&mut top, model::DYNAMODB.location);
    for (i, t) in tables.iter_mut().enumerate() {
        let Value::Object(o) = t else { continue };
        let Some(obs) = observed.dynamodb.get(i).and_then(Option::as_ref) else {
            set(o, "read_capacity", Value::Null);
            set(o, "write_capacity", Value::Null);
            continue;
        };
        if let Some(mode) = &obs.billing_mode {
            set(o, "billing_mode", Value::String(mode.clone()));
        }
        set(o, "read_capacity", num_i(obs.read_capacity));
        set(o, "write_capacity", num_i(obs.write_capacity));
        let mut auto = elements_mut(o, "autoscaling");
        if obs.read_autoscaling.is_none() && obs.write_autoscaling.is_none() {
            auto.clear();
        } else {
            if auto.is_empty() {
                auto.push(Value::Object(BTreeMap::from([
                    ("read".to_string(), Value::List(vec![])),
                    ("write".to_string(), Value::List(vec![])),
                ])));
            }
            if let Some(Value::Object(a)) = auto.first_mut() {
                for (dim, obs_dim) in [
                    ("read", &obs.read_autoscaling),
                    ("write", &obs.write_autoscaling),
                ] {
                    let mut elems = elements_mut(a, dim);
                    match obs_dim {
                        None => elems.clear(),
                        Some(s) => {
                            // What AWS reports, defaults included: a left-out
                            // setting is planned as its documented default, so
                            // state shows the value AWS has and drift from it.
                            let mut d = BTreeMap::new();
                            set(&mut d, "min_capacity", Value::int(s.min_capacity));
                            set(&mut d, "max_capacity", Value::int(s.max_capacity));
                            set(&mut d, "target_utilization", num_f(s.target_utilization));
                            set(&mut d, "scale_in_cooldown", num_i(s.scale_in_cooldown));
                            set(&mut d, "scale_out_cooldown", num_i(s.scale_out_cooldown));
                            elems = vec![Value::Object(d)];
                        }
                    }
                    set(a, dim, Value::List(elems));
                }
            }
        }
        set(o, "autoscaling", Value::List(auto));
    }
    set(&mut top, model::DYNAMODB.location, Value::List(tables));

    let mut cps = elements_mut(&mut top, model::CACHE_POLICY.location);
    if let Some(Value::Object(o)) = cps.first_mut() {
        fill_cache_policy(o, observed.cache_policy.as_ref());
    }
    set(&mut top, model::CACHE_POLICY.location, Value::List(cps));

    let mut dashes = elements_mut(&mut top, model::DASHBOARD.location);
    if let Some(Value::Object(o)) = dashes.first_mut() {
        fill_dashboard(o, observed.dashboard.as_ref());
    }
    set(&mut top, model::DASHBOARD.location, Value::List(dashes));

    let mut gas = elements_mut(&mut top, model::ACCELERATOR.location);
    if let Some(Value::Object(o)) = gas.first_mut() {
        fill_accelerator(o, observed.global_accelerator.as_ref());
    }
    set(&mut top, model::ACCELERATOR.location, Value::List(gas));

    Value::Object(top)
}

fn fill_quota(o: &mut BTreeMap<String, Value>, obs: Option<&QuotaObserved>) {
    set(o, "applied_value", num_f(obs.and_then(|q| q.applied_value)));
    set(
        o,
        "request_id",
        Value::opt(obs.and_then(|q| q.request_id.clone())),
    );
    let status = match obs {
        Some(q) => match (&q.request_status, q.applied_value, o.get("desired_value")) {
            (Some(s), _, _) => Value::String(s.clone()),
            (None, Some(applied), Some(Value::Number(d))) if applied >= d.as_f64() => {
                Value::String("APPLIED".into())
            }
            _ => Value::Null,
        },
        None => Value::Null,
    };
    set(o, "status", status);
    // After an import the desired value is what the open request asks for,
    // or the value in force.
    if o.get("desired_value").is_none_or(Value::is_null) {
        if let Some(q) = obs {
            set(
                o,
                "desired_value",
                num_f(q.requested_value.or(q.applied_value)),
            );
        }
    }
}

/// A list of names as AWS reports it, in the order state already has when
/// the names are the same (CloudFront does not keep the order).
fn names_in_state_order(state: Option<&Value>, observed: &[String]) -> Value {
    let had: Vec<String> = state
        .and_then(Value::as_elements)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let mut a = had.clone();
    let mut b = observed.to_vec();
    a.sort();
    b.sort();
    if a == b {
        strings(&had)
    } else {
        strings(observed)
    }
}

fn fill_cache_policy(o: &mut BTreeMap<String, Value>, obs: Option<&CachePolicyObserved>) {
    let Some(c) = obs else {
        set(o, "id", Value::Null);
        set(o, "etag", Value::Null);
        return;
    };
    set(o, "id", Value::String(c.id.clone()));
    set(o, "etag", Value::opt(c.etag.clone()));
    set(o, "name", Value::String(c.name.clone()));
    set(o, "min_ttl", Value::int(c.min_ttl));
    set(o, "default_ttl", num_i(c.default_ttl));
    set(o, "max_ttl", num_i(c.max_ttl));
    set(
        o,
        "comment",
        Value::opt(c.comment.clone().filter(|c| !c.is_empty())),
    );
    set(o, "enable_accept_encoding_gzip", Value::Bool(c.enable_gzip));
    set(
        o,
        "enable_accept_encoding_brotli",
        Value::Bool(c.enable_brotli),
    );
    set(
        o,
        "header_behavior",
        Value::String(c.header_behavior.clone()),
    );
    set(
        o,
        "cookie_behavior",
        Value::String(c.cookie_behavior.clone()),
    );
    set(
        o,
        "query_string_behavior",
        Value::String(c.query_string_behavior.clone()),
    );
    for (key, names) in [
        ("headers", &c.headers),
        ("cookies", &c.cookies),
        ("query_strings", &c.query_strings),
    ] {
        let v = names_in_state_order(o.get(key), names);
        set(o, key, v);
    }
}

fn fill_dashboard(o: &mut BTreeMap<String, Value>, obs: Option<&DashboardObserved>) {
    set(o, "arn", Value::opt(obs.and_then(|d| d.arn.clone())));
    set(
        o,
        "body_in_sync",
        Value::Bool(obs.is_some_and(|d| d.matches_profile)),
    );
}

fn fill_accelerator(o: &mut BTreeMap<String, Value>, obs: Option<&AcceleratorObserved>) {
    let Some(g) = obs else {
        set(o, "arn", Value::Null);
        set(o, "dns_name", Value::Null);
        set(o, "ip_addresses", Value::List(vec![]));
        return;
    };
    set(o, "arn", Value::String(g.arn.clone()));
    set(o, "dns_name", Value::opt(g.dns_name.clone()));
    set(o, "ip_addresses", strings(&g.ip_addresses));
    set(o, "name", Value::String(g.name.clone()));
    set(o, "enabled", Value::Bool(g.enabled));
    set(o, "ip_address_type", Value::opt(g.ip_address_type.clone()));
    set(o, "protocol", Value::opt(g.protocol.clone()));
    set(
        o,
        "ports",
        Value::List(g.ports.iter().map(|p| Value::int(*p)).collect()),
    );
    set(
        o,
        "endpoint_group_region",
        Value::opt(g.endpoint_group_region.clone()),
    );
    if let Some(id) = g.endpoint_ids.first() {
        set(o, "endpoint_id", Value::String(id.clone()));
    }
}

/// The ids a state value carries, as the `known` input of reads and applies.
pub fn known_from_state(state: &Value) -> Observed {
    let first = |key: &str| -> Option<&Value> {
        state
            .get(key)
            .and_then(Value::as_elements)
            .and_then(|e| e.first())
    };
    let s = |v: Option<&Value>, k: &str| -> Option<String> {
        v.and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let cache_policy = first(model::CACHE_POLICY.location).and_then(|c| {
        Some(CachePolicyObserved {
            id: s(Some(c), "id")?,
            etag: s(Some(c), "etag"),
            name: s(Some(c), "name").unwrap_or_default(),
            ..Default::default()
        })
    });
    let global_accelerator = first(model::ACCELERATOR.location).and_then(|g| {
        Some(AcceleratorObserved {
            arn: s(Some(g), "arn")?,
            name: s(Some(g), "name").unwrap_or_default(),
            ..Default::default()
        })
    });
    let dashboard = first(model::DASHBOARD.location).and_then(|d| {
        Some(DashboardObserved {
            name: s(Some(d), "name")?,
            arn: s(Some(d), "arn"),
            ..Default::default()
        })
    });
    let quota_requests = state
        .get(model::QUOTA.location)
        .and_then(Value::as_elements)
        .unwrap_or(&[])
        .iter()
        .map(|q| {
            Some(QuotaObserved {
                service_code: s(Some(q), "service_code")?,
                quota_code: s(Some(q), "quota_code")?,
                request_id: s(Some(q), "request_id"),
                request_status: s(Some(q), "status"),
                ..Default::default()
            })
        })
        .collect();
    Observed {
        cache_policy,
        global_accelerator,
        dashboard,
        quota_requests,
        ..Default::default()
    }
}

/// Replaces every unknown left in `v` by null: apply must never return an
/// unknown (Terraform would reject the whole object).
pub fn unknowns_to_null(v: Value) -> Value {
    match v {
        Value::Unknown(_) => Value::Null,
        Value::List(e) => Value::List(e.into_iter().map(unknowns_to_null).collect()),
        Value::Set(e) => Value::Set(e.into_iter().map(unknowns_to_null).collect()),
        Value::Tuple(e) => Value::Tuple(e.into_iter().map(unknowns_to_null).collect()),
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| (k, unknowns_to_null(v)))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k, unknowns_to_null(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Fills the unknowns of a planned value from the state AWS reported after
/// apply, leaving every known planned value as planned (Terraform requires
/// them back unchanged).
pub fn fill_unknowns(planned: &Value, reached: &Value) -> Value {
    match (planned, reached) {
        (Value::Unknown(_), r) => r.clone(),
        (Value::Object(p), Value::Object(r)) => Value::Object(
            p.iter()
                .map(|(k, v)| {
                    let filled = match r.get(k) {
                        Some(rv) => fill_unknowns(v, rv),
                        None => v.clone(),
                    };
                    (k.clone(), filled)
                })
                .collect(),
        ),
        (Value::List(p), Value::List(r)) => Value::List(
            p.iter()
                .enumerate()
                .map(|(i, v)| match r.get(i) {
                    Some(rv) => fill_unknowns(v, rv),
                    None => v.clone(),
                })
                .collect(),
        ),
        _ => planned.clone(),
    }
}
