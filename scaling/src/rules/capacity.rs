//! Capacity rules (CAP): what the chain can carry against the target, link by
//! link. The stage rate above the account throttle is judged here, and
//! reported as LIM013 instead of CAP005 when a quota request of the profile
//! asks for it.

use super::catalogue as rule;
use super::context::{lam, near_limit, pending_note, requested_at_least, stage, traffic, Ctx};
use crate::capacity::{num_s, table_read_ceiling, table_write_ceiling};
use crate::finding::{
    num, Finding,
    Severity::{Error as E, Info as I, Warning as W},
};
use crate::limits::{QUOTA_APIGW_RATE, QUOTA_LAMBDA_CONCURRENCY};
use crate::profile::{BillingMode, Location};

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
    chain_rules(c, out);
    stage_rules(c, out);
    table_quota_rules(c, out);
}

fn chain_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let cap = c.cap;
    let (Some(peak), Some(origin), Some(required)) =
        (cap.peak_rps, cap.origin_rps, cap.required_concurrency)
    else {
        return;
    };
    let lat = num_s(c.t.latency_s());
    let no_cache = cap.required_concurrency_no_cache.unwrap_or(required);
    let cache_part = if c.t.cache_hit_ratio > 0.0 {
        format!(
            "{} rps at the edge × (1 − {} hit) = {} rps at the origin",
            num(peak),
            num(c.t.cache_hit_ratio),
            num(origin)
        )
    } else {
        format!("{} rps, all reaching the origin", num(peak))
    };
    let measured = match &c.t.measured {
        Some(m) => {
            let p95 = m
                .latency_p95_ms
                .map(|p| {
                    format!(
                        "; at the p95 of {} ms: {}",
                        num(p),
                        num((origin * p / 1000.0).ceil())
                    )
                })
                .unwrap_or_default();
            format!(" (latency measured at {} rps{p95})", num(m.rps))
        }
        None => String::new(),
    };
    rule::CAP001.emit(
        out,
        traffic("latency_ms"),
        format!(
            "{cache_part}; × {lat} s latency = {} concurrent executions ({} without the cache){measured}",
            num(required.ceil()),
            num(no_cache.ceil())
        ),
    );
    if let (Some(reserved), true) = (
        cap.reserved_concurrency,
        !c.p.lambdas.is_empty() && c.p.lambdas.iter().all(|l| l.reserved_concurrency.is_some()),
    ) {
        near_limit(
            c,
            out,
            lam(0, "reserved_concurrency"),
            "Lambda concurrency needed against reserved concurrency",
            required,
            reserved as f64,
        );
        if required > reserved as f64 {
            rule::CAP002.emit(
                out,
                lam(0, "reserved_concurrency"),
                format!(
                    "{} rps × {lat} s needs {} concurrent executions; reserved concurrency is {}: {} rps at most",
                    num(origin),
                    num(required.ceil()),
                    num(reserved as f64),
                    num(reserved as f64 / c.t.latency_s())
                ),
            );
        }
    }
    let acct = c.l.lambda_concurrency();
    let elsewhere = c.l.reserved_elsewhere();
    let pool = acct.value - elsewhere as f64;
    if !c.p.lambdas.is_empty() {
        near_limit(
            c,
            out,
            lam(0, "reserved_concurrency"),
            &format!(
                "Lambda concurrency needed against the account's ({})",
                acct.source
            ),
            required,
            pool,
        );
    }
    if !c.p.lambdas.is_empty() && required > pool {
        let needed = (required + c.l.lambda_unreserved_min as f64 + elsewhere as f64).ceil();
        let sev = if requested_at_least(c, "lambda", QUOTA_LAMBDA_CONCURRENCY, needed) {
            W
        } else {
            E
        };
        let other = if elsewhere > 0 {
            format!(
                " minus {} reserved by other functions",
                num(elsewhere as f64)
            )
        } else {
            String::new()
        };
        rule::CAP003.emit_at(
            out,
            sev,
            lam(0, "reserved_concurrency"),
            format!(
                "{} rps × {lat} s needs {} concurrent executions; the account allows {} ({}){other}; it needs {} ≥ {}{}",
                num(origin),
                num(required.ceil()),
                num(acct.value),
                acct.source,
                QUOTA_LAMBDA_CONCURRENCY,
                num(needed),
                pending_note(c, "lambda", QUOTA_LAMBDA_CONCURRENCY, acct.value)
            ),
        );
    }
    if let Some(eff) = cap.apigw_effective_rps {
        near_limit(
            c,
            out,
            stage("rate_limit"),
            "Requests per second reaching API Gateway against what it lets through",
            origin,
            eff,
        );
        if origin > eff {
            // Covered when the stage allows the traffic and the profile asks
            // the account throttle for it.
            let stage_ok =
                c.p.api_gateway
                    .as_ref()
                    .and_then(|s| s.rate_limit)
                    .is_none_or(|r| r >= origin);
            let sev = if stage_ok && requested_at_least(c, "apigateway", QUOTA_APIGW_RATE, origin) {
                W
            } else {
                E
            };
            rule::CAP004.emit_at(
                out,
                sev,
                stage("rate_limit"),
                format!(
                    "{} rps reach API Gateway but it lets through {} rps (lower of stage rate {} and account throttle {} ({})): {} rps would get 429{}",
                    num(origin),
                    num(eff),
                    c.p.api_gateway.as_ref().and_then(|s| s.rate_limit).map(num).unwrap_or_else(|| "unset".into()),
                    num(c.l.apigw_rate().value),
                    c.l.apigw_rate().source,
                    num(origin - eff),
                    pending_note(c, "apigateway", QUOTA_APIGW_RATE, c.l.apigw_rate().value)
                ),
            );
        }
    }
    if let Some(ramp) = cap.ramp_seconds {
        let pc = cap.provisioned_concurrency as f64;
        if ramp > 0.0 {
            let sev = if ramp > c.l.lambda_scaling_period_s {
                W
            } else {
                I
            };
            // Without a pool of its own (a stage-only profile), the ramp
            // is said where the demand comes from.
            let at = if c.p.lambdas.is_empty() {
                traffic("peak_rps")
            } else {
                lam(0, "provisioned_concurrency")
            };
            rule::CAP007.emit_at(
                out,
                sev,
                at,
                format!(
                    "{} concurrent executions needed, {} provisioned: the {} above PC take {} s to scale in ({} environments per {} s per function, {} function(s))",
                    num(required.ceil()),
                    num(pc),
                    num((required - pc).ceil()),
                    num(ramp),
                    num(c.l.lambda_scaling_envs),
                    num(c.l.lambda_scaling_period_s),
                    c.p.lambdas.len().max(1)
                ),
            );
        }
    }
    // DynamoDB units against each table's ceiling.
    let n = c.p.dynamodb.len().max(1) as f64;
    let ru = c.t.read_units_per_request() / n;
    let wu = c.t.write_units_per_request() / n;
    for (i, t) in c.p.dynamodb.iter().enumerate() {
        let loc_base = Location::attr("dynamodb").index(i);
        for (read, units) in [(true, ru), (false, wu)] {
            if units <= 0.0 {
                continue;
            }
            let need = origin * units;
            let ceil = if read {
                table_read_ceiling(t, c.l)
            } else {
                table_write_ceiling(t, c.l)
            };
            let Some((max, basis)) = ceil else { continue };
            let scaling = if read {
                &t.read_autoscaling
            } else {
                &t.write_autoscaling
            };
            let target = scaling.as_ref().and_then(|s| s.target_utilization);
            let loc = match (t.billing_mode, scaling.is_some()) {
                (Some(BillingMode::Provisioned), true) => loc_base
                    .clone()
                    .then("autoscaling")
                    .index(0)
                    .then(if read { "read" } else { "write" })
                    .index(0)
                    .then("max_capacity"),
                (Some(BillingMode::Provisioned), false) => loc_base.clone().then(if read {
                    "read_capacity"
                } else {
                    "write_capacity"
                }),
                _ => loc_base.clone().then("billing_mode"),
            };
            near_limit(
                c,
                out,
                loc.clone(),
                &format!(
                    "{}: DynamoDB {} units needed against the table's ceiling ({basis})",
                    t.table_name,
                    if read { "read" } else { "write" }
                ),
                need,
                max,
            );
            if need > max {
                let (id, what, per_req) = if read {
                    (
                        &rule::CAP008,
                        "read",
                        format!(
                            "{} reads × ⌈{} KB / 4 KB⌉ × {} ({})",
                            num(c.t.reads_per_request / n),
                            num(c.t.item_size_kb),
                            if c.t.strongly_consistent_reads {
                                "1"
                            } else {
                                "0.5"
                            },
                            if c.t.strongly_consistent_reads {
                                "strongly consistent"
                            } else {
                                "eventually consistent"
                            }
                        ),
                    )
                } else {
                    (
                        &rule::CAP009,
                        "write",
                        format!(
                            "{} writes × ⌈{} KB / 1 KB⌉",
                            num(c.t.writes_per_request / n),
                            num(c.t.item_size_kb)
                        ),
                    )
                };
                let extra = match (t.billing_mode, target) {
                    (Some(BillingMode::Provisioned), Some(tg)) if tg > 0.0 => format!(
                        "; at a {}% target auto scaling must be able to provision {} units",
                        num(tg),
                        num((need / (tg / 100.0)).ceil())
                    ),
                    _ => String::new(),
                };
                id.emit(
                    out,
                    loc,
                    format!(
                        "{}: {} rps × {per_req} = {} {what} units/s needed{extra}; the table carries {} ({basis})",
                        t.table_name,
                        num(origin),
                        num(need),
                        num(max)
                    ),
                );
            }
        }
    }
    let mut msg = format!(
        "the chain carries {} rps at the edge ({} at the origin) against a target of {} rps; bottleneck: {}",
        cap.max_sustainable_rps.map(num).unwrap_or_else(|| "unbounded".into()),
        cap.max_origin_rps.map(num).unwrap_or_else(|| "unbounded".into()),
        num(peak),
        cap.bottleneck
    );
    if let Some(h) = cap.headroom {
        msg.push_str(&format!("; headroom {}×", num(h)));
    }
    rule::CAP011.emit(out, traffic("peak_rps"), msg);
}

fn stage_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(s) = &c.p.api_gateway else { return };
    if let Some(rate) = s.rate_limit {
        match rate_above_account(c, "stage", rate) {
            Some(Above::Asked(qi, msg)) => rule::LIM013.emit(
                out,
                Location::attr("quota_request")
                    .index(qi)
                    .then("desired_value"),
                msg,
            ),
            Some(Above::NotAsked(msg)) => rule::CAP005.emit(out, stage("rate_limit"), msg),
            None => {}
        }
        if let Some(origin) = c.cap.origin_rps {
            if origin > 0.0 && rate > 2.0 * origin {
                rule::CAP012.emit(
                    out,
                    stage("rate_limit"),
                    format!(
                        "stage rate {} rps is {}× the {} rps that reach API Gateway ({} at the edge, {} cache hit); ask for what is needed",
                        num(rate),
                        num(rate / origin),
                        num(origin),
                        num(c.cap.peak_rps.unwrap_or(origin)),
                        num(c.t.cache_hit_ratio)
                    ),
                );
            }
        }
    }
    if let Some(msg) = s
        .burst_limit
        .and_then(|b| burst_above_account(c, "stage", b))
    {
        rule::CAP006.emit(out, stage("burst_limit"), msg);
    }
}

/// A throttle rate above the account throttle, and whether a quota request
/// of the profile asks for it (the index of that request).
pub(super) enum Above {
    Asked(usize, String),
    NotAsked(String),
}

/// `who` ("stage", "method items/GET") throttled at `rate` against the
/// account throttle: None when the account gives it.
pub(super) fn rate_above_account(c: &Ctx, who: &str, rate: f64) -> Option<Above> {
    let acct = c.l.apigw_rate();
    if rate <= acct.value {
        return None;
    }
    let asked = c.p.quota_requests.iter().enumerate().find(|(_, q)| {
        q.quota_code == QUOTA_APIGW_RATE && q.desired_value.map(|d| d >= rate).unwrap_or(false)
    });
    let applied = c.l.applied_quota("apigateway", QUOTA_APIGW_RATE);
    Some(match asked {
        // The request was approved (the applied quota covers the rate) but
        // the throttle in force has not caught up yet.
        Some((qi, _)) if applied.is_some_and(|a| a >= rate) => Above::Asked(
            qi,
            format!(
                "{who} rate {} rps exceeds the account throttle in force, {} rps ({}), although {} is applied at {}: until API Gateway raises the throttle the {who} gets {} rps",
                num(rate),
                num(acct.value),
                acct.source,
                QUOTA_APIGW_RATE,
                num(applied.unwrap_or(0.0)),
                num(acct.value)
            ),
        ),
        Some((qi, q)) => Above::Asked(
            qi,
            format!(
                "{who} rate {} rps exceeds the account throttle {} rps ({}); it relies on the request for {} = {}, which is asynchronous and may be refused: until it is applied the {who} gets {} rps",
                num(rate),
                num(acct.value),
                acct.source,
                QUOTA_APIGW_RATE,
                num(q.desired_value.unwrap_or(0.0)),
                num(acct.value)
            ),
        ),
        None => Above::NotAsked(format!(
            "{who} rate {} rps exceeds the account throttle {} rps ({}) and no quota request asks for it: the {who} gets {} rps, the rest does nothing",
            num(rate),
            num(acct.value),
            acct.source,
            num(acct.value)
        )),
    })
}

/// `who` bursting to `burst` against the account burst: None when the
/// account allows it.
pub(super) fn burst_above_account(c: &Ctx, who: &str, burst: i64) -> Option<String> {
    let b = c.l.apigw_burst();
    (burst as f64 > b.value).then(|| {
        format!(
            "{who} burst {} exceeds the account burst {} ({}); AWS sets the burst from the rate quota and does not take requests for it, so the {who} bursts to {} at most",
            num(burst as f64),
            num(b.value),
            b.source,
            num(b.value)
        )
    })
}

/// Auto scaling maxima against the per-table and per-account quotas.
fn table_quota_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let mut account_r = 0.0;
    let mut account_w = 0.0;
    for (i, t) in c.p.dynamodb.iter().enumerate() {
        if t.billing_mode != Some(BillingMode::Provisioned) {
            continue;
        }
        let base = Location::attr("dynamodb").index(i);
        for (read, s) in [(true, &t.read_autoscaling), (false, &t.write_autoscaling)] {
            let Some(s) = s else { continue };
            let dir = if read { "read" } else { "write" };
            let loc = base.clone().then("autoscaling").index(0).then(dir).index(0);
            if let Some(max) = s.max_capacity {
                let quota = if read {
                    c.l.ddb_table_rcu
                } else {
                    c.l.ddb_table_wcu
                };
                if read {
                    account_r += max as f64;
                } else {
                    account_w += max as f64;
                }
                if max as f64 > quota {
                    rule::CAP010.emit(
                        out,
                        loc.then("max_capacity"),
                        format!(
                            "{}: {dir} max_capacity {} is above the per-table quota of {} {} units: auto scaling stops at {} unless the quota is raised",
                            t.table_name,
                            num(max as f64),
                            num(quota),
                            if read { "read" } else { "write" },
                            num(quota)
                        ),
                    );
                }
            }
        }
    }
    for (sum, quota, dir) in [
        (account_r, c.l.ddb_account_rcu, "read"),
        (account_w, c.l.ddb_account_wcu, "write"),
    ] {
        if sum > quota && c.p.dynamodb.len() > 1 {
            rule::CAP010.emit(
                out,
                Location::attr("dynamodb"),
                format!(
                    "{dir} max_capacity over all tables is {}, above the per-account quota of {}",
                    num(sum),
                    num(quota)
                ),
            );
        }
    }
}
