//! PlanResourceChange.
//!
//! Contract: the planned state equals the configuration for every attribute
//! the configuration sets; optional+computed attributes the configuration
//! leaves null take their documented default where the schema has one
//! (`schema::planned_default`), else keep their prior value (Terraform's
//! proposed state) or, on a new block, become unknown; computed attributes are unknown only when the
//! change will really alter them. Planning is deterministic: the final plan
//! Terraform makes at apply time must come out the same.
//!
//! The rule engine's findings are attached here: errors stop the plan,
//! warnings show in it, each on the attribute it concerns.

use std::collections::BTreeMap;

use tfplugin::{AttributePath, Block, Diagnostics, Value};

use scaling::model::{self, names, Described, Mode, Renew};

use crate::analysis;
use crate::mapping::{read_block, read_reported};
use crate::schema;

/// The elements of one of the resource's blocks in `v`.
fn elements<'a>(v: &'a Value, block: &dyn Described) -> &'a [Value] {
    v.get(block.location())
        .and_then(Value::as_elements)
        .unwrap_or(&[])
}

/// A quota's codes, when both are known.
fn codes(q: &scaling::QuotaRequest) -> Option<(&str, &str)> {
    let (s, c) = (q.service_code.as_str(), q.quota_code.as_str());
    (!s.is_empty() && !c.is_empty()).then_some((s, c))
}

/// Fills one object of `block` (a nested block element or the resource):
/// optional+computed attributes left null by config become unknown when
/// the element is new; computed attributes become unknown when their
/// dependencies changed or the element is new. Recurses into nested blocks,
/// correlating elements by index as Terraform's proposed state does.
fn plan_object(
    block_name: &str,
    block: &Block,
    config: &Value,
    proposed: &Value,
    prior: Option<&Value>,
) -> Value {
    let Value::Object(prop) = proposed else {
        return proposed.clone();
    };
    let mut out = prop.clone();
    for a in &block.attributes {
        let cfg = config.get(&a.name).unwrap_or(&Value::Null);
        let cur = prop.get(&a.name).unwrap_or(&Value::Null);
        // A documented default left out is planned as that value, new
        // element or not: what AWS has otherwise shows as drift from it.
        if a.optional && a.computed && cfg.is_null() {
            if let Some(default) = schema::planned_default(block_name, &a.name) {
                out.insert(a.name.clone(), default);
                continue;
            }
        }
        // Only a new element gets "known after apply" for what it leaves
        // unset; an existing one keeps what AWS reported, null included.
        if a.optional && a.computed && cfg.is_null() && cur.is_null() && prior.is_none() {
            out.insert(a.name.clone(), Value::unknown());
        }
    }
    // What only AWS reports: unknown when the model says the change renews it.
    for f in schema::model_fields(block_name) {
        let changed = |names: &[&str]| {
            names.iter().any(|d| {
                let now = out.get(*d).unwrap_or(&Value::Null);
                let before = prior.and_then(|p| p.get(d)).unwrap_or(&Value::Null);
                now.is_unknown() || now != before
            })
        };
        let unknown = match (f.renew, prior) {
            (Renew::Planned(v), _) => {
                if let Some(v) = schema::default_value(v) {
                    out.insert(f.name.to_string(), v);
                }
                continue;
            }
            (Renew::Never, _) if f.mode != Mode::Computed => continue,
            (_, None) => true,
            (Renew::Never, Some(_)) => false,
            // Something AWS no longer has (deleted outside Terraform) is
            // created again: its identity becomes unknown.
            (Renew::WhenGone, Some(p)) => p.get(f.name).is_none_or(Value::is_null),
            (Renew::AnySetting, Some(_)) => {
                let settings: Vec<&str> = schema::model_fields(block_name)
                    .iter()
                    .filter(|s| s.mode.settable())
                    .map(|s| s.name)
                    .collect();
                changed(&settings)
            }
            (
                Renew::With {
                    names,
                    flag,
                    published,
                },
                Some(_),
            ) => {
                let flagged =
                    !flag.is_empty() && config.get(flag).and_then(Value::as_bool).unwrap_or(false);
                changed(names) || (flagged && changed(published))
            }
        };
        if unknown {
            out.insert(f.name.to_string(), Value::unknown());
        }
    }
    for nb in &block.blocks {
        let cfg_elems = config
            .get(&nb.type_name)
            .and_then(Value::as_elements)
            .unwrap_or(&[]);
        let prior_elems = prior
            .and_then(|p| p.get(&nb.type_name))
            .and_then(Value::as_elements)
            .unwrap_or(&[]);
        if let Some(Value::List(elems)) = prop.get(&nb.type_name) {
            let planned: Vec<Value> = elems
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    plan_object(
                        &nb.type_name,
                        &nb.block,
                        cfg_elems.get(i).unwrap_or(&Value::Null),
                        e,
                        // A null element: an entry (map key) new in this plan.
                        prior_elems.get(i).filter(|p| !p.is_null()),
                    )
                })
                .collect();
            out.insert(nb.type_name.clone(), Value::List(planned));
        }
    }
    Value::Object(out)
}

/// Plans a create or update. `region` is the provider's configured region,
/// used by the cost model.
pub fn plan(
    config: &Value,
    proposed: &Value,
    prior: &Value,
    region: Option<&str>,
    limits: &scaling::Limits,
    options: &scaling::Options,
    diags: &mut Diagnostics,
) -> Value {
    if proposed.is_null() {
        return Value::Null;
    }
    let schema = schema::internal_schema().block;
    let prior_opt = (!prior.is_null()).then_some(prior);
    let mut planned = plan_object("", &schema, config, proposed, prior_opt);

    let Value::Object(ref mut top) = planned else {
        return planned;
    };
    // The id is the profile's name.
    let id = match config.get(names::NAME) {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => Value::unknown(),
    };
    top.insert(names::ID.into(), id);

    let profile = crate::mapping::profile_from_value(config, region);
    let outcome = analysis::analyze(&profile, limits, options, &schema, config, diags);
    top.insert("capacity".into(), outcome.capacity);
    top.insert("estimated_monthly_cost_usd".into(), outcome.monthly_cost);
    top.insert("cost_breakdown".into(), outcome.cost_breakdown);

    warn_alias_keeps_old_settings(config, prior_opt, diags);
    check_quota_decrease(config, prior_opt, diags);
    plan_quota_refile(config, prior_opt, top, diags);
    planned
}

/// A quota still below its desired value with no request open (the last one
/// was denied or closed, or none was ever filed, e.g. after an import) gets
/// a new request: the apply files one, as it would for a new block. The plan
/// says so on the block's `status`.
fn plan_quota_refile(
    config: &Value,
    prior: Option<&Value>,
    planned: &mut BTreeMap<String, Value>,
    diags: &mut Diagnostics,
) {
    let Some(prior) = prior else { return };
    let prior_elems = elements(prior, &model::QUOTA);
    let cfg_elems = elements(config, &model::QUOTA);
    let Some(Value::List(elems)) = planned.get_mut(model::QUOTA.location) else {
        return;
    };
    for (i, elem) in elems.iter_mut().enumerate() {
        let (Some(cfg), Some(before)) = (cfg_elems.get(i), prior_elems.get(i)) else {
            continue;
        };
        let cfg = read_block(&model::QUOTA, cfg);
        let reported = read_reported(&model::QUOTA, before);
        let before = read_block(&model::QUOTA, before);
        let same_quota = codes(&cfg).is_some() && codes(&cfg) == codes(&before);
        let Some(desired) = cfg.desired_value else {
            continue;
        };
        if !same_quota || cfg.desired_value != before.desired_value {
            continue; // a changed block is planned as a change already
        }
        let applied = reported.applied_value;
        let status = reported.status.as_deref();
        if applied.is_some_and(|a| a >= desired)
            || status.is_some_and(scaling_aws::components::quota::is_open)
        {
            continue;
        }
        let Value::Object(e) = elem else { continue };
        for f in model::QUOTA.fields.iter().filter(|f| f.report.is_some()) {
            e.insert(f.name.into(), Value::unknown());
        }
        let codes = format!("{}/{}", cfg.service_code, cfg.quota_code);
        let now = applied.map_or_else(|| "unknown".to_string(), |a| a.to_string());
        let last = match (reported.request_id.as_deref(), status) {
            (Some(id), Some(s)) => format!("the last request, {id}, is {s}"),
            _ => "no increase request is open".to_string(),
        };
        diags.attribute_warning(
            AttributePath::attr(model::QUOTA.location)
                .then_index(i as i64)
                .then_attr(names::QUOTA_STATUS),
            "A new quota increase request will be filed",
            format!(
                "{codes} is {now} in this account, below {} {desired}, and {last}: this apply files a new request for {desired}. Remove the block or lower {} to stop asking.",
                names::QUOTA_DESIRED_VALUE,
                names::QUOTA_DESIRED_VALUE
            ),
        );
    }
}

/// A change of a setting a published version carries (memory, timeout) only
/// reaches `$LATEST`: without the publish flag the alias keeps its published
/// version's settings.
fn warn_alias_keeps_old_settings(config: &Value, prior: Option<&Value>, diags: &mut Diagnostics) {
    let prior_lambdas = prior.map_or(&[][..], |p| elements(p, &model::LAMBDA));
    for (i, l) in elements(config, &model::LAMBDA).iter().enumerate() {
        let pool = read_block(&model::LAMBDA, l);
        if pool.publish_on_change {
            continue;
        }
        let Some(qualifier) = pool.qualifier else {
            continue;
        };
        for &attr in names::LAMBDA_PUBLISHED {
            let now = l.get(attr).unwrap_or(&Value::Null);
            if now.is_null() {
                continue;
            }
            let before = prior_lambdas.get(i).and_then(|p| p.get(attr));
            if before != Some(now) {
                diags.attribute_warning(
                    AttributePath::attr(model::LAMBDA.location).then_index(i as i64).then_attr(attr),
                    format!("{attr} will not reach alias {qualifier:?}"),
                    format!(
                        "Changing {attr} updates $LATEST only; the alias {qualifier:?} keeps serving its published version with the old setting. Set {} = true to publish a new version and move the alias (this re-allocates provisioned concurrency), or publish it yourself.",
                        names::LAMBDA_PUBLISH_FLAG
                    ),
                );
            }
        }
    }
}

/// Never file a decrease: a desired value below the value in force is an
/// error (AWS would open an "increase" request for a lower value).
fn check_quota_decrease(config: &Value, prior: Option<&Value>, diags: &mut Diagnostics) {
    let Some(prior) = prior else { return };
    let applied: BTreeMap<(String, String), f64> = elements(prior, &model::QUOTA)
        .iter()
        .filter_map(|q| {
            let quota = read_block(&model::QUOTA, q);
            let (s, c) = codes(&quota)?;
            let applied = read_reported(&model::QUOTA, q).applied_value?;
            Some(((s.to_string(), c.to_string()), applied))
        })
        .collect();
    for (i, q) in elements(config, &model::QUOTA).iter().enumerate() {
        let quota = read_block(&model::QUOTA, q);
        let (Some((s, c)), Some(d)) = (codes(&quota), quota.desired_value) else {
            continue;
        };
        if let Some(a) = applied.get(&(s.to_string(), c.to_string())) {
            if d < *a {
                let desired = names::QUOTA_DESIRED_VALUE;
                diags.attribute_error(
                    AttributePath::attr(model::QUOTA.location)
                        .then_index(i as i64)
                        .then_attr(desired),
                    "Quota decrease requested",
                    format!(
                        "{s}/{c} is already {a} in this account; {desired} {d} is lower. Service Quotas only raises quotas: remove the block or ask for at least {a}."
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn optional_computed_left_null_on_create_becomes_unknown() {
        let block = schema::internal_schema().block;
        let agw = block
            .nested("api_gateway")
            .map(|n| n.block.clone())
            .unwrap_or_default();
        let cfg = obj(vec![
            ("rest_api_id", "a".into()),
            ("stage_name", "s".into()),
            ("rate_limit", Value::int(100)),
            ("burst_limit", Value::Null),
            ("integration_timeout_ms", Value::Null),
        ]);
        let planned = plan_object("api_gateway", &agw, &cfg, &cfg, None);
        assert_eq!(planned.get("rate_limit"), Some(&Value::int(100)));
        assert!(planned.get("burst_limit").is_some_and(Value::is_unknown));
        // A plain optional attribute stays null.
        assert_eq!(planned.get("integration_timeout_ms"), Some(&Value::Null));
    }

    #[test]
    fn computed_values_stay_known_when_nothing_they_depend_on_changes() {
        let block = schema::internal_schema().block;
        let q = block
            .nested("quota_request")
            .map(|n| n.block.clone())
            .unwrap_or_default();
        let prior = obj(vec![
            ("service_code", "apigateway".into()),
            ("quota_code", "L-8A5B8E43".into()),
            ("desired_value", Value::int(100000)),
            ("applied_value", Value::int(10000)),
            ("request_id", "r-1".into()),
            ("status", "PENDING".into()),
        ]);
        let cfg = obj(vec![
            ("service_code", "apigateway".into()),
            ("quota_code", "L-8A5B8E43".into()),
            ("desired_value", Value::int(100000)),
            ("applied_value", Value::Null),
            ("request_id", Value::Null),
            ("status", Value::Null),
        ]);
        let planned = plan_object("quota_request", &q, &cfg, &prior, Some(&prior));
        assert_eq!(planned, prior);

        let mut raised = cfg.clone();
        if let Value::Object(m) = &mut raised {
            m.insert("desired_value".into(), Value::int(200000));
        }
        let mut proposed = prior.clone();
        if let Value::Object(m) = &mut proposed {
            m.insert("desired_value".into(), Value::int(200000));
        }
        let planned = plan_object("quota_request", &q, &raised, &proposed, Some(&prior));
        assert!(planned.get("request_id").is_some_and(Value::is_unknown));
        assert!(planned.get("status").is_some_and(Value::is_unknown));
    }

    #[test]
    fn lowering_a_quota_is_an_error_on_desired_value() {
        let prior = obj(vec![(
            "quota_request",
            Value::List(vec![obj(vec![
                ("service_code", "apigateway".into()),
                ("quota_code", "L-8A5B8E43".into()),
                ("applied_value", Value::int(10000)),
            ])]),
        )]);
        let cfg = obj(vec![(
            "quota_request",
            Value::List(vec![obj(vec![
                ("service_code", "apigateway".into()),
                ("quota_code", "L-8A5B8E43".into()),
                ("desired_value", Value::int(5000)),
            ])]),
        )]);
        let mut d = Diagnostics::new();
        check_quota_decrease(&cfg, Some(&prior), &mut d);
        let paths: Vec<String> = d
            .iter()
            .filter_map(|d| d.attribute.as_ref().map(|p| p.to_string()))
            .collect();
        assert_eq!(paths, vec!["quota_request[0].desired_value"]);
    }
    fn quota(status: Option<&str>, applied: i64) -> Value {
        obj(vec![
            ("service_code", "apigateway".into()),
            ("quota_code", "L-8A5B8E43".into()),
            ("desired_value", Value::int(100000)),
            ("applied_value", Value::int(applied)),
            ("request_id", status.map_or(Value::Null, |_| "r-1".into())),
            ("status", status.map_or(Value::Null, Value::from)),
        ])
    }

    /// Runs the refile step on a one-block profile; returns the planned
    /// block and the paths of the warnings.
    fn refile(status: Option<&str>, applied: i64) -> (Value, Vec<String>) {
        let prior = obj(vec![(
            "quota_request",
            Value::List(vec![quota(status, applied)]),
        )]);
        let cfg = obj(vec![(
            "quota_request",
            Value::List(vec![obj(vec![
                ("service_code", "apigateway".into()),
                ("quota_code", "L-8A5B8E43".into()),
                ("desired_value", Value::int(100000)),
            ])]),
        )]);
        let mut planned = match prior.clone() {
            Value::Object(m) => m,
            _ => BTreeMap::new(),
        };
        let mut d = Diagnostics::new();
        plan_quota_refile(&cfg, Some(&prior), &mut planned, &mut d);
        let block = planned
            .get("quota_request")
            .and_then(Value::as_elements)
            .and_then(|e| e.first().cloned())
            .unwrap_or(Value::Null);
        let paths = d
            .iter()
            .filter_map(|d| d.attribute.as_ref().map(|p| p.to_string()))
            .collect();
        (block, paths)
    }

    #[test]
    fn a_closed_request_below_desired_plans_a_new_one() {
        for closed in [
            Some("DENIED"),
            Some("CASE_CLOSED"),
            Some("NOT_APPROVED"),
            None,
        ] {
            let (block, warnings) = refile(closed, 10000);
            for attr in ["request_id", "status", "applied_value"] {
                assert!(
                    block.get(attr).is_some_and(Value::is_unknown),
                    "{closed:?}: {attr} should be unknown: {block:?}"
                );
            }
            assert_eq!(warnings, vec!["quota_request[0].status"], "{closed:?}");
        }
        // An open request, or a quota already at the desired value: no change.
        for (status, applied) in [
            (Some("PENDING"), 10000),
            (Some("CASE_OPENED"), 10000),
            (Some("DENIED"), 100000),
        ] {
            let (block, warnings) = refile(status, applied);
            assert_eq!(block, quota(status, applied), "{status:?} {applied}");
            assert!(warnings.is_empty(), "{status:?} {applied}: {warnings:?}");
        }
    }
}

#[cfg(test)]
mod extreme_numbers {
    use super::*;

    fn with(mut base: Value, key: &str, v: Value) -> Value {
        if let Value::Object(m) = &mut base {
            m.insert(key.into(), v);
        }
        base
    }

    fn no_nan(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Number(n) if n.is_nan() || n.is_infinite() => out.push(format!("{at}={n}")),
            Value::Object(m) => m
                .iter()
                .for_each(|(k, v)| no_nan(v, &format!("{at}.{k}"), out)),
            Value::List(l) => l
                .iter()
                .enumerate()
                .for_each(|(i, v)| no_nan(v, &format!("{at}[{i}]"), out)),
            _ => {}
        }
    }

    /// Huge but valid HCL numbers (HCL numbers are arbitrary precision):
    /// the plan says nothing wrong about them and computes no NaN.
    #[test]
    fn huge_traffic_numbers_plan_without_nan() {
        let block = schema::internal_schema().block;
        let tblock = block.nested("traffic").unwrap().block.clone();
        let lblock = block.nested("lambda").unwrap().block.clone();
        let num = |t: &str| Value::Number(tfplugin::Number::parse(t).unwrap());
        let mut traffic = super::super::empty_object(&tblock);
        for (k, v) in [
            ("peak_rps", "1e300"),
            ("latency_ms", "55"),
            ("monthly_requests", "99999999999999999999"),
        ] {
            traffic = with(traffic, k, num(v));
        }
        let mut lambda = super::super::empty_object(&lblock);
        lambda = with(lambda, "function_name", "f".into());
        lambda = with(lambda, "reserved_concurrency", num("2147483647"));
        let mut cfg = super::super::empty_object(&block);
        cfg = with(cfg, "name", "x".into());
        cfg = with(cfg, "traffic", Value::List(vec![traffic]));
        cfg = with(cfg, "lambda", Value::List(vec![lambda]));
        let mut diags = Diagnostics::new();
        crate::resource::validate::validate_config(
            &cfg,
            &crate::shape::Shapes::default(),
            &mut diags,
        );
        let planned = plan(
            &cfg,
            &cfg,
            &Value::Null,
            Some("us-east-1"),
            &scaling::Limits::default(),
            &scaling::Options::default(),
            &mut diags,
        );
        let mut bad = Vec::new();
        no_nan(&planned, "", &mut bad);
        let msgs: Vec<String> = diags
            .iter()
            .map(|d| {
                format!(
                    "{:?} {} {}",
                    d.attribute.as_ref().map(|p| p.to_string()),
                    d.summary,
                    d.detail
                )
            })
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
        // Only the rule engine's verdicts on the load, none on the numbers'
        // form, and the load as written, not saturated.
        assert!(msgs.iter().all(|m| !m.contains("Invalid")), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.contains("1e300 rps")), "{msgs:#?}");
        assert!(msgs.iter().all(|m| !m.contains("340,282,366")), "{msgs:#?}");
    }
}
