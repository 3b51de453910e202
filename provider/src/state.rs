//! What AWS reports (`scaling_aws::Observed`) ⇄ the resource's state value.
//!
//! Refresh writes every value AWS reports into the attributes the provider
//! computes (optional+computed settings and computed ids/statuses), so drift
//! shows in the plan, and an import reads back everything a configuration
//! may state. Name lists keep the order state has when AWS holds the same
//! names (CloudFront does not keep the order).

use std::collections::BTreeMap;

use scaling::model::{
    self, AcceleratorReported, Blank, Block, CachePolicyReported, DashboardReported, Described,
    LambdaReported, QuotaReported, Val,
};
use scaling::profile::{
    Accelerator, AutoScaling, BillingMode, CachePolicy, LambdaPool, QuotaRequest, StageThrottle,
    TableCapacity,
};
use scaling_aws::{
    AcceleratorObserved, AutoScalingObserved, CachePolicyObserved, DashboardObserved, Observed,
    QuotaObserved,
};
use tfplugin::Value;

use crate::mapping::{read_block, read_reported, value_of};

type Obj = BTreeMap<String, Value>;

fn set(obj: &mut Obj, key: &str, v: Value) {
    obj.insert(key.to_string(), v);
}

fn elements_mut(state: &mut Obj, key: &str) -> Vec<Value> {
    match state.remove(key) {
        Some(Value::List(v)) => v,
        _ => Vec::new(),
    }
}

/// Runs `fill` on every element (object) of a block's list in `obj`, with
/// its index.
fn each_element(obj: &mut Obj, block: &dyn Described, mut fill: impl FnMut(usize, &mut Value)) {
    let mut elems = elements_mut(obj, block.location());
    for (i, e) in elems.iter_mut().enumerate() {
        fill(i, e);
    }
    set(obj, block.location(), Value::List(elems));
}

/// Writes into one element's state what a refresh reports of it
/// ([`Block::observed`]): `settings` are the settings AWS reports (None:
/// the component is gone and its configuration stays), `reported` what
/// only AWS reports.
fn write<T, R>(elem: &mut Value, block: &Block<T, R>, settings: Option<&T>, reported: &R) {
    let Value::Object(o) = elem else { return };
    for (f, v) in block.observed(settings, reported) {
        let v = match v {
            Val::Strs(names) if f.mode.settable() => names_in_state_order(o.get(f.name), names),
            v => value_of(v),
        };
        set(o, f.name, v);
    }
}

/// What AWS reports of the `i`th element of a repeated block.
fn nth<O>(observed: &[Option<O>], i: usize) -> Option<&O> {
    observed.get(i).and_then(Option::as_ref)
}

/// Replaces the values of `state` that AWS reports with what `observed`
/// says. Components AWS reports as gone keep their configuration but lose
/// their read values, so the next plan shows the change needed.
pub fn apply_observed(state: &Value, observed: &Observed) -> Value {
    let Value::Object(top) = state else {
        return state.clone();
    };
    let mut top = top.clone();

    each_element(&mut top, &model::QUOTA, |i, q| {
        let configured: QuotaRequest = read_block(&model::QUOTA, q);
        let (settings, reported) =
            quota(configured.desired_value, nth(&observed.quota_requests, i));
        write(q, &model::QUOTA, Some(&settings), &reported);
    });

    each_element(&mut top, &model::API_GATEWAY, |_, a| {
        let obs = observed.api_gateway.as_ref();
        let settings = StageThrottle {
            rate_limit: obs.and_then(|s| s.rate_limit),
            burst_limit: obs.and_then(|s| s.burst_limit),
            ..StageThrottle::blank()
        };
        write(a, &model::API_GATEWAY, Some(&settings), &());
    });

    each_element(&mut top, &model::LAMBDA, |i, l| {
        let obs = nth(&observed.lambdas, i);
        let pc = obs.and_then(|l| l.provisioned.as_ref());
        let settings = LambdaPool {
            reserved_concurrency: obs.and_then(|l| l.reserved_concurrency),
            memory_size: obs.and_then(|l| l.memory_size),
            timeout: obs.and_then(|l| l.timeout),
            provisioned_concurrency: pc.map(|p| p.requested),
            ..LambdaPool::blank()
        };
        let reported = LambdaReported {
            qualifier_version: obs.and_then(|l| l.qualifier_version.clone()),
            provisioned_status: pc.map(|p| p.status.clone()),
        };
        write(l, &model::LAMBDA, Some(&settings), &reported);
    });

    each_element(&mut top, &model::DYNAMODB, |i, t| {
        let obs = nth(&observed.dynamodb, i);
        let settings = TableCapacity {
            billing_mode: obs
                .and_then(|t| t.billing_mode.as_deref())
                .and_then(BillingMode::parse),
            read_capacity: obs.and_then(|t| t.read_capacity),
            write_capacity: obs.and_then(|t| t.write_capacity),
            ..TableCapacity::blank()
        };
        write(t, &model::DYNAMODB, Some(&settings), &());
        if let (Some(obs), Value::Object(o)) = (obs, t) {
            fill_autoscaling(o, &obs.read_autoscaling, &obs.write_autoscaling);
        }
    });

    each_element(&mut top, &model::CACHE_POLICY, |_, c| {
        let obs = observed.cache_policy.as_ref();
        let settings = obs.map(cache_policy);
        let reported = CachePolicyReported {
            id: obs.map(|c| c.id.clone()),
            etag: obs.and_then(|c| c.etag.clone()),
        };
        write(c, &model::CACHE_POLICY, settings.as_ref(), &reported);
    });

    each_element(&mut top, &model::DASHBOARD, |_, d| {
        let obs = observed.dashboard.as_ref();
        let reported = DashboardReported {
            arn: obs.and_then(|d| d.arn.clone()),
            body_in_sync: obs.is_some_and(|d| d.matches_profile),
        };
        write(d, &model::DASHBOARD, None, &reported);
    });

    each_element(&mut top, &model::ACCELERATOR, |_, g| {
        let obs = observed.global_accelerator.as_ref();
        let settings = obs.map(accelerator);
        let reported = AcceleratorReported {
            arn: obs.map(|g| g.arn.clone()),
            dns_name: obs.and_then(|g| g.dns_name.clone()),
            ip_addresses: obs.map(|g| g.ip_addresses.clone()).unwrap_or_default(),
        };
        write(g, &model::ACCELERATOR, settings.as_ref(), &reported);
    });

    Value::Object(top)
}

/// A quota's state after a read: what AWS reports, and, after an import
/// (no desired value yet), the desired value the open request asks for or
/// the value in force.
fn quota(desired: Option<f64>, obs: Option<&QuotaObserved>) -> (QuotaRequest, QuotaReported) {
    let Some(q) = obs else {
        return (QuotaRequest::blank(), QuotaReported::default());
    };
    let status = match (&q.request_status, q.applied_value, desired) {
        (Some(s), _, _) => Some(s.clone()),
        (None, Some(applied), Some(d)) if applied >= d => Some("APPLIED".to_string()),
        _ => None,
    };
    let settings = QuotaRequest {
        desired_value: desired
            .is_none()
            .then(|| q.requested_value.or(q.applied_value))
            .flatten(),
        ..QuotaRequest::blank()
    };
    let reported = QuotaReported {
        applied_value: q.applied_value,
        request_id: q.request_id.clone(),
        status,
    };
    (settings, reported)
}

/// A table's auto scaling as AWS reports it, defaults included: a left-out
/// setting is planned as its documented default, so state shows the value
/// AWS has and drift from it. None of the two: the block goes.
fn fill_autoscaling(
    table: &mut Obj,
    reads: &Option<AutoScalingObserved>,
    writes: &Option<AutoScalingObserved>,
) {
    let mut auto = elements_mut(table, model::AUTOSCALING.location);
    if reads.is_none() && writes.is_none() {
        auto.clear();
    } else {
        if auto.is_empty() {
            let empty = |b: &dyn Described| (b.location().to_string(), Value::List(vec![]));
            auto.push(Value::Object(BTreeMap::from([
                empty(&model::SCALING_READ),
                empty(&model::SCALING_WRITE),
            ])));
        }
        if let Some(Value::Object(a)) = auto.first_mut() {
            for (dim, obs) in [
                (&model::SCALING_READ, reads),
                (&model::SCALING_WRITE, writes),
            ] {
                let elems = match obs {
                    None => vec![],
                    Some(s) => {
                        let settings = AutoScaling {
                            min_capacity: Some(s.min_capacity),
                            max_capacity: Some(s.max_capacity),
                            target_utilization: s.target_utilization,
                            scale_in_cooldown: s.scale_in_cooldown,
                            scale_out_cooldown: s.scale_out_cooldown,
                        };
                        let mut d = Value::Object(BTreeMap::new());
                        write(&mut d, dim, Some(&settings), &());
                        vec![d]
                    }
                };
                set(a, dim.location, Value::List(elems));
            }
        }
    }
    set(table, model::AUTOSCALING.location, Value::List(auto));
}

fn cache_policy(c: &CachePolicyObserved) -> CachePolicy {
    CachePolicy {
        name: c.name.clone(),
        comment: c.comment.clone(),
        min_ttl: Some(c.min_ttl),
        default_ttl: c.default_ttl,
        max_ttl: c.max_ttl,
        enable_gzip: c.enable_gzip,
        enable_brotli: c.enable_brotli,
        header_behavior: c.header_behavior.clone(),
        headers: c.headers.clone(),
        cookie_behavior: c.cookie_behavior.clone(),
        cookies: c.cookies.clone(),
        query_string_behavior: c.query_string_behavior.clone(),
        query_strings: c.query_strings.clone(),
    }
}

fn accelerator(g: &AcceleratorObserved) -> Accelerator {
    Accelerator {
        name: g.name.clone(),
        enabled: g.enabled,
        ip_address_type: g.ip_address_type.clone().unwrap_or_default(),
        ports: g.ports.clone(),
        protocol: g.protocol.clone().unwrap_or_default(),
        endpoint_group_region: g.endpoint_group_region.clone(),
        endpoint_id: g.endpoint_ids.first().cloned(),
    }
}

/// A list of names as AWS reports it, in the order state already has when
/// the names are the same (CloudFront does not keep the order).
fn names_in_state_order(state: Option<&Value>, observed: Vec<String>) -> Value {
    let had: Vec<String> = state
        .and_then(Value::as_elements)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let mut a = had.clone();
    let mut b = observed.clone();
    a.sort();
    b.sort();
    value_of(Val::Strs(if a == b { had } else { observed }))
}

/// The ids a state value carries, as the `known` input of reads and applies.
pub fn known_from_state(state: &Value) -> Observed {
    let elements = |b: &dyn Described| -> &[Value] {
        state
            .get(b.location())
            .and_then(Value::as_elements)
            .unwrap_or(&[])
    };
    let first = |b: &dyn Described| elements(b).first();
    let named = |s: String| (!s.is_empty()).then_some(s);
    let cache_policy = first(&model::CACHE_POLICY).and_then(|c| {
        let reported = read_reported(&model::CACHE_POLICY, c);
        Some(CachePolicyObserved {
            id: reported.id?,
            etag: reported.etag,
            name: read_block(&model::CACHE_POLICY, c).name,
            ..Default::default()
        })
    });
    let global_accelerator = first(&model::ACCELERATOR).and_then(|g| {
        Some(AcceleratorObserved {
            arn: read_reported(&model::ACCELERATOR, g).arn?,
            name: read_block(&model::ACCELERATOR, g).name,
            ..Default::default()
        })
    });
    let dashboard = first(&model::DASHBOARD).and_then(|d| {
        Some(DashboardObserved {
            name: named(read_block(&model::DASHBOARD, d).name)?,
            arn: read_reported(&model::DASHBOARD, d).arn,
            ..Default::default()
        })
    });
    let quota_requests = elements(&model::QUOTA)
        .iter()
        .map(|q| {
            let configured = read_block(&model::QUOTA, q);
            let reported = read_reported(&model::QUOTA, q);
            Some(QuotaObserved {
                service_code: named(configured.service_code)?,
                quota_code: named(configured.quota_code)?,
                request_id: reported.request_id,
                request_status: reported.status,
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

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
