//! Limits rules (LIM): what AWS accepts, per service. Reserved concurrency
//! above what the account can give is judged here, and reported as LIM016
//! instead of LIM001 when a quota request of the profile asks for it.

use super::catalogue as rule;
use super::context::{cache, lam, stage, Ctx};
use crate::finding::{num, Finding};
use crate::limits::QUOTA_LAMBDA_CONCURRENCY;
use crate::profile::{AutoScaling, BillingMode, Location};

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
    lambda_rules(c, out);
    stage_rules(c, out);
    quota_rules(c, out);
    dynamodb_rules(c, out);
    cache_rules(c, out);
    accelerator_rules(c, out);
}

fn lambda_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let l = c.l;
    let acct = l.lambda_concurrency();
    let elsewhere = l.reserved_elsewhere();
    let reserved_sum: i64 =
        c.p.lambdas
            .iter()
            .filter_map(|f| f.reserved_concurrency)
            .map(|v| v.max(0))
            .sum();
    let allowed = acct.value - l.lambda_unreserved_min as f64 - elsewhere as f64;
    if reserved_sum > 0 && reserved_sum as f64 > allowed {
        let needed = reserved_sum + l.lambda_unreserved_min + elsewhere;
        let asked = c.p.quota_requests.iter().enumerate().find(|(_, q)| {
            q.quota_code == QUOTA_LAMBDA_CONCURRENCY
                && q.desired_value.map(|d| d >= needed as f64).unwrap_or(false)
        });
        let idx =
            c.p.lambdas
                .iter()
                .position(|f| f.reserved_concurrency.is_some())
                .unwrap_or(0);
        let detail = format!(
            "reserved concurrency {} needs an account concurrency of ≥ {} ({} + {} unreserved minimum{}); the account has {} ({})",
            num(reserved_sum as f64),
            num(needed as f64),
            num(reserved_sum as f64),
            l.lambda_unreserved_min,
            if elsewhere > 0 {
                format!(" + {} reserved by other functions", num(elsewhere as f64))
            } else {
                String::new()
            },
            num(acct.value),
            acct.source
        );
        match asked {
            Some((qi, q)) => rule::LIM016.emit(
                out,
                Location::attr("quota_request").index(qi).then("desired_value"),
                format!(
                    "{detail}; it relies on the request for {} = {}, which is asynchronous and may be refused: reserving fails until it is applied",
                    QUOTA_LAMBDA_CONCURRENCY,
                    num(q.desired_value.unwrap_or(0.0))
                ),
            ),
            None => rule::LIM001.emit(
                out,
                lam(idx, "reserved_concurrency"),
                format!("{detail}; PutFunctionConcurrency will be refused. Request {} ≥ {} first", QUOTA_LAMBDA_CONCURRENCY, num(needed as f64)),
            ),
        }
    }
    let integration_ms =
        c.p.api_gateway
            .as_ref()
            .and_then(|s| s.integration_timeout_ms)
            .unwrap_or(l.apigw_integration_timeout_ms);
    for (i, func) in c.p.lambdas.iter().enumerate() {
        if let (Some(pc), Some(rc)) = (func.provisioned_concurrency, func.reserved_concurrency) {
            if pc > rc {
                rule::LIM002.emit(
                    out,
                    lam(i, "provisioned_concurrency"),
                    format!(
                        "{}: provisioned concurrency {} exceeds reserved concurrency {}",
                        func.function_name,
                        num(pc as f64),
                        num(rc as f64)
                    ),
                );
            } else if pc == rc && pc > 0 {
                rule::LIM003.emit(
                    out,
                    lam(i, "provisioned_concurrency"),
                    format!(
                        "{}: provisioned concurrency {} equals reserved concurrency: $LATEST and every other version get 0 and are throttled",
                        func.function_name,
                        num(pc as f64)
                    ),
                );
            }
        }
        if func.provisioned_concurrency.map(|v| v > 0).unwrap_or(false) {
            match func.qualifier.as_deref() {
                Some("$LATEST") => rule::LIM010.emit(
                    out,
                    lam(i, "qualifier"),
                    format!("{}: provisioned concurrency cannot be set on $LATEST; use an alias or a published version", func.function_name),
                ),
                None | Some("") => rule::LIM010.emit(
                    out,
                    lam(i, "qualifier"),
                    format!("{}: provisioned concurrency {} needs a qualifier (alias or published version)", func.function_name, num(func.provisioned_concurrency.unwrap_or(0) as f64)),
                ),
                Some(q) => {
                    if (func.memory_size.is_some() || func.timeout.is_some()) && !func.publish_on_change {
                        let what = match (func.memory_size, func.timeout) {
                            (Some(m), Some(t)) => format!("memory_size {m} and timeout {t}"),
                            (Some(m), None) => format!("memory_size {m}"),
                            (None, Some(t)) => format!("timeout {t}"),
                            (None, None) => String::new(),
                        };
                        rule::LIM015.emit(
                            out,
                            lam(i, "publish_on_change"),
                            format!(
                                "{}: {what} reach $LATEST only; the provisioned concurrency on {q:?} serves a published version that keeps its old settings. Set publish_on_change = true to publish and move the alias",
                                func.function_name
                            ),
                        );
                    }
                }
            }
        }
        if let Some(m) = func.memory_size {
            if m < l.lambda_memory_min_mb || m > l.lambda_memory_max_mb {
                rule::LIM004.emit(
                    out,
                    lam(i, "memory_size"),
                    format!(
                        "{}: memory_size {} MB is outside {}–{} MB",
                        func.function_name,
                        m,
                        l.lambda_memory_min_mb,
                        num(l.lambda_memory_max_mb as f64)
                    ),
                );
            }
        }
        if let Some(t) = func.timeout {
            if t < 1 || t > l.lambda_timeout_max_s {
                rule::LIM006.emit(
                    out,
                    lam(i, "timeout"),
                    format!(
                        "{}: timeout {} s is outside 1–{} s",
                        func.function_name, t, l.lambda_timeout_max_s
                    ),
                );
            }
            if c.p.api_gateway.is_some() && t * 1000 > integration_ms {
                rule::LIM005.emit(
                    out,
                    lam(i, "timeout"),
                    format!(
                        "{}: timeout {} s exceeds the API Gateway integration timeout of {} s: after {} s the client gets a 504 while the function runs (and bills) up to {} s",
                        func.function_name,
                        t,
                        num(integration_ms as f64 / 1000.0),
                        num(integration_ms as f64 / 1000.0),
                        t
                    ),
                );
            }
        }
    }
}

fn stage_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(s) = &c.p.api_gateway else { return };
    if let Some(ms) = s.integration_timeout_ms {
        if ms > c.l.apigw_integration_timeout_ms {
            rule::LIM019.emit(
                out,
                stage("integration_timeout_ms"),
                format!(
                    "integration timeout {} ms is above the default {} ms: it needs a quota increase, works for Regional and private REST APIs only, and may lower the account throttle",
                    num(ms as f64),
                    num(c.l.apigw_integration_timeout_ms as f64)
                ),
            );
        }
    }
}

fn quota_rules(c: &Ctx, out: &mut Vec<Finding>) {
    for (i, q) in c.p.quota_requests.iter().enumerate() {
        let loc = Location::attr("quota_request")
            .index(i)
            .then("desired_value");
        if let (Some(d), Some(applied)) = (
            q.desired_value,
            c.l.applied_quota(&q.service_code, &q.quota_code),
        ) {
            if d < applied {
                rule::LIM011.emit(
                    out,
                    loc.clone(),
                    format!(
                        "{}/{}: desired {} is below the applied {}; quotas are only raised, so nothing will be requested. Raise desired_value or remove the block",
                        q.service_code,
                        q.quota_code,
                        num(d),
                        num(applied)
                    ),
                );
            }
        }
        if let Some(open) = c.l.open_request(&q.service_code, &q.quota_code) {
            rule::LIM012.emit(
                out,
                loc,
                format!(
                    "{}/{}: a request for {} is already open ({}{}); it will be adopted, no second request is filed{}",
                    q.service_code,
                    q.quota_code,
                    num(open.desired_value),
                    open.status,
                    open.request_id.as_deref().map(|id| format!(", id {id}")).unwrap_or_default(),
                    match q.desired_value {
                        Some(d) if (d - open.desired_value).abs() > f64::EPSILON => format!(" (this profile asks for {})", num(d)),
                        _ => String::new(),
                    }
                ),
            );
        }
    }
}

fn autoscaling_rules(c: &Ctx, loc: Location, s: &AutoScaling, table: &str, out: &mut Vec<Finding>) {
    if let (Some(min), Some(max)) = (s.min_capacity, s.max_capacity) {
        if min > max {
            rule::LIM007.emit(
                out,
                loc.clone().then("min_capacity"),
                format!(
                    "{table}: min_capacity {} is above max_capacity {}",
                    num(min as f64),
                    num(max as f64)
                ),
            );
        }
    }
    if let Some(min) = s.min_capacity {
        if min < 1 {
            rule::LIM007.emit(
                out,
                loc.clone().then("min_capacity"),
                format!("{table}: min_capacity {min} is below DynamoDB's minimum of 1"),
            );
        }
    }
    if let Some(t) = s.target_utilization {
        if t < c.l.ddb_target_min || t > c.l.ddb_target_max {
            rule::LIM008.emit(
                out,
                loc.then("target_utilization"),
                format!(
                    "{table}: target_utilization {}% is outside {}–{}%",
                    num(t),
                    num(c.l.ddb_target_min),
                    num(c.l.ddb_target_max)
                ),
            );
        }
    }
}

fn dynamodb_rules(c: &Ctx, out: &mut Vec<Finding>) {
    for (i, t) in c.p.dynamodb.iter().enumerate() {
        let base = Location::attr("dynamodb").index(i);
        for (read, s) in [(true, &t.read_autoscaling), (false, &t.write_autoscaling)] {
            let Some(s) = s else { continue };
            let dir = if read { "read" } else { "write" };
            let loc = base.clone().then("autoscaling").index(0).then(dir).index(0);
            autoscaling_rules(c, loc.clone(), s, &t.table_name, out);
            if t.billing_mode == Some(BillingMode::PayPerRequest) {
                rule::LIM009.emit(
                    out,
                    loc.clone(),
                    format!(
                        "{}: {dir} auto scaling on a PAY_PER_REQUEST table does nothing; AWS keeps the scalable target and applies it again on a switch to PROVISIONED",
                        t.table_name
                    ),
                );
            }
        }
        for (units, scaling, dir) in [
            (t.read_capacity, &t.read_autoscaling, "read"),
            (t.write_capacity, &t.write_autoscaling, "write"),
        ] {
            if let (Some(u), Some(_)) = (units, scaling) {
                rule::LIM021.emit(
                    out,
                    base.clone().then(&format!("{dir}_capacity")),
                    format!(
                        "{}: {dir}_capacity {} beside {dir} auto scaling: auto scaling moves the table's {dir} capacity with the load, so a fixed value would never hold; remove it (autoscaling.{dir}.min_capacity is the starting capacity)",
                        t.table_name,
                        num(u as f64)
                    ),
                );
            }
        }
        if t.billing_mode == Some(BillingMode::Provisioned) {
            let missing_r = t.read_capacity.is_none() && t.read_autoscaling.is_none();
            let missing_w = t.write_capacity.is_none() && t.write_autoscaling.is_none();
            if missing_r || missing_w {
                rule::LIM020.emit(
                    out,
                    base.clone().then(if missing_r { "read_capacity" } else { "write_capacity" }),
                    format!(
                        "{}: PROVISIONED needs both read and write capacity (or auto scaling for them); missing: {}",
                        t.table_name,
                        match (missing_r, missing_w) {
                            (true, true) => "read and write",
                            (true, false) => "read",
                            _ => "write",
                        }
                    ),
                );
            }
        }
    }
}

fn cache_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(cp) = &c.p.cache_policy else { return };
    let (min, def, max) = (cp.min_ttl, cp.default_ttl, cp.max_ttl);
    let bad = match (min, def, max) {
        (Some(a), Some(b), _) if a > b => {
            Some(("default_ttl", format!("min_ttl {a} > default_ttl {b}")))
        }
        (_, Some(b), Some(m)) if b > m => {
            Some(("max_ttl", format!("default_ttl {b} > max_ttl {m}")))
        }
        (Some(a), _, Some(m)) if a > m => Some(("max_ttl", format!("min_ttl {a} > max_ttl {m}"))),
        _ => None,
    };
    if let Some((field, why)) = bad {
        rule::LIM017.emit(
            out,
            cache(field),
            format!(
                "{}: {why}; CloudFront needs min_ttl ≤ default_ttl ≤ max_ttl",
                cp.name
            ),
        );
    }
    let cap_n = c.l.cf_policy_items_max;
    for (field, items) in [
        ("headers", &cp.headers),
        ("cookies", &cp.cookies),
        ("query_strings", &cp.query_strings),
    ] {
        if items.len() > cap_n {
            rule::LIM018.emit(
                out,
                cache(field),
                format!(
                    "{}: {} {field}, at most {cap_n} per cache policy",
                    cp.name,
                    items.len()
                ),
            );
        }
    }
}

fn accelerator_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(ga) = &c.p.global_accelerator else {
        return;
    };
    let Some(id) = ga.endpoint_id.as_deref() else {
        return;
    };
    let rest_id =
        c.p.api_gateway
            .as_ref()
            .and_then(|s| s.rest_api_id.as_deref());
    let lower = id.to_ascii_lowercase();
    let looks_like_rest_id = id.len() == 10
        && id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit());
    if lower.contains("execute-api")
        || lower.contains(":apigateway:")
        || Some(id) == rest_id
        || looks_like_rest_id
    {
        rule::LIM014.emit(
            out,
            Location::attr("global_accelerator").index(0).then("endpoint_id"),
            format!(
                "{}: endpoint {id:?} is an API Gateway API; Global Accelerator endpoints can only be ALB/NLB ARNs, EC2 instance ids or Elastic IP allocation ids",
                ga.name
            ),
        );
    }
}
