//! The rules. Each is a pure check over the profile, the limits and the
//! resolved traffic/capacity/cost models; each has a stable id documented in
//! `docs/rules.md`. Rules skip values that are unknown (`None`).

use serde::Serialize;

use crate::capacity::{num_s, table_read_ceiling, table_write_ceiling, Capacity};
use crate::cost::CostEstimate;
use crate::finding::{num, usd, Finding, Severity};
use crate::limits::{Limits, QUOTA_APIGW_RATE, QUOTA_LAMBDA_CONCURRENCY};
use crate::profile::{AutoScaling, BillingMode, Location, Profile};
use crate::traffic::TrafficModel;

/// A rule's catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    /// The severity it reports at (its worst, for rules that vary).
    pub severity: Severity,
    pub category: &'static str,
    pub title: &'static str,
    /// Why it matters, in one line.
    pub rationale: &'static str,
}

const fn r(
    id: &'static str,
    severity: Severity,
    category: &'static str,
    title: &'static str,
    rationale: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        severity,
        category,
        title,
        rationale,
    }
}

use Severity::{Error as E, Info as I, Warning as W};

/// Every rule, in id order.
pub const RULES: &[RuleInfo] = &[
    r("CAP001", I, "capacity", "Required Lambda concurrency (Little's law)", "Concurrency = origin rps × latency; it is the number every other Lambda limit is held against."),
    r("CAP002", E, "capacity", "Required concurrency above reserved concurrency", "Reserved concurrency is also a ceiling: invocations above it are throttled."),
    r("CAP003", E, "capacity", "Required concurrency above the account's concurrency", "All functions share the Region's concurrent-executions quota (1,000 by default)."),
    r("CAP004", E, "capacity", "Origin traffic above API Gateway's effective throttle", "API Gateway answers 429 above the lower of the stage rate and the account throttle."),
    r("CAP005", E, "capacity", "Stage rate above the account throttle", "A stage cannot exceed the account/Region throttle; the extra rate does nothing."),
    r("CAP006", W, "capacity", "Stage burst above the account burst", "The account burst is set by AWS from the rate quota and cannot be requested; a higher stage burst does nothing."),
    r("CAP007", W, "capacity", "Lambda scaling ramp not covered by provisioned concurrency", "Each function gains at most 1,000 execution environments per 10 s; the gap above provisioned concurrency is throttled while it ramps."),
    r("CAP008", E, "capacity", "DynamoDB read units above the table's ceiling", "Reads above on-demand per-table limits, provisioned capacity or the auto scaling maximum are throttled."),
    r("CAP009", E, "capacity", "DynamoDB write units above the table's ceiling", "Writes above the table's ceiling are throttled."),
    r("CAP010", E, "capacity", "Auto scaling maximum above the DynamoDB quota", "Per-table (40,000) and per-account (80,000) throughput quotas cap what auto scaling can reach."),
    r("CAP011", I, "capacity", "Bottleneck and sustainable rate of the chain", "The lowest link sets what the whole chain can carry."),
    r("CAP012", W, "capacity", "Throttle far above the traffic that reaches API Gateway", "Only traffic past the cache reaches API Gateway; oversized quota requests are harder to get approved."),
    r("COST001", I, "cost", "Monthly cost estimate", "Prices the traffic model with the pinned price table."),
    r("COST002", E, "cost", "Estimate above the budget", "Warns (or fails, with enforce) when the estimate exceeds budget.monthly_usd."),
    r("LIM001", E, "limits", "Reserved concurrency above the account can give", "At least 100 executions must stay unreserved: reserved sum ≤ account limit − 100."),
    r("LIM002", E, "limits", "Provisioned concurrency above reserved", "Provisioned concurrency counts toward reserved concurrency and cannot exceed it."),
    r("LIM003", W, "limits", "Provisioned concurrency equal to reserved", "With PC equal to reserved, $LATEST and other versions get no concurrency and are throttled."),
    r("LIM004", E, "limits", "Lambda memory out of range", "Standard functions take 128–10,240 MB."),
    r("LIM005", E, "limits", "Lambda timeout above the API Gateway integration timeout", "API Gateway gives up after 29 s (REST); a longer function keeps running and billing after the client got a 504."),
    r("LIM006", E, "limits", "Lambda timeout out of range", "Standard functions time out after 1–900 s."),
    r("LIM007", E, "limits", "Auto scaling minimum above maximum", "Application Auto Scaling rejects min > max; DynamoDB's minimum is 1."),
    r("LIM008", E, "limits", "Auto scaling target outside 20–90%", "DynamoDB target tracking accepts 20–90 percent."),
    r("LIM009", E, "limits", "Auto scaling on an on-demand table", "Auto scaling governs provisioned capacity only; on PAY_PER_REQUEST it does nothing (and comes back into force on a switch)."),
    r("LIM010", E, "limits", "Provisioned concurrency on $LATEST or without qualifier", "PC needs a published version or an alias; $LATEST is rejected."),
    r("LIM011", E, "limits", "Quota request below the applied value", "Service Quotas only raises quotas; a lower desired value would file a useless \"increase\"."),
    r("LIM012", W, "limits", "Quota request already open", "Only one open request per quota is allowed; the open one is adopted, not duplicated."),
    r("LIM013", W, "limits", "Stage rate relies on a quota request only asked for", "An increase request is asynchronous and may be refused; until applied the account throttle caps the stage."),
    r("LIM014", E, "limits", "Global Accelerator endpoint is API Gateway", "Endpoints can only be ALB, NLB, EC2 instances or Elastic IPs."),
    r("LIM015", W, "limits", "Function settings change while PC serves a frozen version", "Memory and timeout changes reach $LATEST only; the alias keeps the old version until a new one is published."),
    r("LIM016", W, "limits", "Reserved concurrency relies on a Lambda quota request only asked for", "Until the concurrency quota is raised, reserving above it fails."),
    r("LIM017", E, "limits", "Cache policy TTLs out of order", "CloudFront needs MinTTL ≤ DefaultTTL ≤ MaxTTL."),
    r("LIM018", E, "limits", "Too many cache key items", "A cache policy takes at most 10 headers, 10 cookies and 10 query strings."),
    r("LIM019", W, "limits", "Integration timeout above 29 s", "Raising it needs a quota increase (Regional or private REST APIs only) and may lower the account throttle."),
    r("LIM020", E, "limits", "Provisioned table without capacity", "Switching to PROVISIONED needs read and write capacity (or auto scaling to set them)."),
    r("LIM021", E, "limits", "Fixed capacity beside auto scaling", "Auto scaling owns a dimension's provisioned capacity; a fixed read_capacity or write_capacity beside it could never hold."),
    r("LIV001", W, "limits", "Account fact not readable: AWS default assumed", "A fact the account did not give (access denied, service unreachable, throttled) falls back to AWS's published default; the rules that use it say so."),
    r("SEC001", W, "security", "Authorization in the cache key", "Whitelisted headers are always in the cache key: one cache entry per token, so the hit ratio depends on each user repeating requests."),
    r("SEC002", W, "security", "MinTTL above 0 caches private responses", "With MinTTL > 0 CloudFront caches even no-store, no-cache and private responses."),
    r("SEC003", E, "security", "Headers listed but not whitelisted", "With header_behavior \"none\" the listed headers are neither keyed nor forwarded: the origin never sees them."),
    r("TRF001", I, "traffic", "Assumed traffic value", "A default replaced an unset traffic value; figures rest on it."),
    r("TRF002", W, "traffic", "Target extrapolated far beyond the measured rate", "Behaviour at several times the measured load is a guess: latency rarely stays flat."),
    r("TRF003", E, "traffic", "Traffic value out of range", "Ratios must lie in 0–1, latencies and rates must be positive."),
];

/// The catalogue entry of a rule id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// What the rules see: the profile, the limits and the resolved models.
pub(crate) struct Ctx<'a> {
    pub p: &'a Profile,
    pub l: &'a Limits,
    pub t: &'a TrafficModel,
    pub cap: &'a Capacity,
    pub cost: &'a CostEstimate,
    pub extrapolation_factor: f64,
}

/// A profile quota request for `code`, as "; quota_request[i] asks for N (not applied yet)".
fn pending_note(c: &Ctx, service: &str, code: &str, applied: f64) -> String {
    c.p.quota_requests
        .iter()
        .enumerate()
        .find(|(_, q)| {
            q.quota_code == code && q.desired_value.map(|d| d > applied).unwrap_or(false)
        })
        .and_then(|(i, q)| {
            q.desired_value.map(|d| {
                format!(
                    "; quota_request[{i}] asks {service}/{code} for {}, not applied yet",
                    num(d)
                )
            })
        })
        .unwrap_or_default()
}

/// Whether the profile itself asks `service/code` for at least `needed`.
/// A shortfall the profile's own quota request covers is a warning, not an
/// error: the apply that files the request must be able to run.
fn requested_at_least(c: &Ctx, service: &str, code: &str, needed: f64) -> bool {
    c.p.quota_requests.iter().any(|q| {
        q.service_code == service
            && q.quota_code == code
            && q.desired_value.is_some_and(|d| d >= needed)
    })
}

fn f(out: &mut Vec<Finding>, id: &'static str, sev: Severity, loc: Location, msg: String) {
    out.push(Finding::new(id, sev, loc, msg));
}

fn lam(i: usize, field: &str) -> Location {
    Location::attr("lambda").index(i).then(field)
}
fn stage(field: &str) -> Location {
    Location::attr("api_gateway").index(0).then(field)
}
fn cache(field: &str) -> Location {
    Location::attr("cache_policy").index(0).then(field)
}
fn traffic(field: &str) -> Location {
    TrafficModel::location(field)
}

pub(crate) fn run(c: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    traffic_rules(c, &mut out);
    capacity_rules(c, &mut out);
    lambda_rules(c, &mut out);
    apigw_rules(c, &mut out);
    quota_rules(c, &mut out);
    dynamodb_rules(c, &mut out);
    cache_rules(c, &mut out);
    accelerator_rules(c, &mut out);
    cost_rules(c, &mut out);
    out
}

fn traffic_rules(c: &Ctx, out: &mut Vec<Finding>) {
    for a in &c.t.assumptions {
        f(
            out,
            "TRF001",
            I,
            traffic(a.field),
            format!("assumed {} = {}: {}", a.field, a.value, a.reason),
        );
    }
    let t = &c.p.traffic;
    let checks: [(&str, Option<f64>, bool); 5] = [
        (
            "peak_rps",
            t.peak_rps,
            t.peak_rps.map(|v| v > 0.0).unwrap_or(true),
        ),
        (
            "latency_ms",
            t.latency_ms,
            t.latency_ms.map(|v| v > 0.0).unwrap_or(true),
        ),
        (
            "cache_hit_ratio",
            t.cache_hit_ratio,
            t.cache_hit_ratio
                .map(|v| (0.0..=1.0).contains(&v))
                .unwrap_or(true),
        ),
        (
            "average_to_peak_ratio",
            t.average_to_peak_ratio,
            t.average_to_peak_ratio
                .map(|v| v > 0.0 && v <= 1.0)
                .unwrap_or(true),
        ),
        (
            "monthly_requests",
            t.monthly_requests,
            t.monthly_requests.map(|v| v >= 0.0).unwrap_or(true),
        ),
    ];
    for (field, v, ok) in checks {
        if !ok {
            let want = match field {
                "cache_hit_ratio" => "between 0 and 1",
                "average_to_peak_ratio" => "in (0, 1]",
                "monthly_requests" => "0 or more",
                _ => "above 0",
            };
            f(
                out,
                "TRF003",
                E,
                traffic(field),
                format!("{field} = {} must be {want}", num(v.unwrap_or(f64::NAN))),
            );
        }
    }
    if let (Some(m), Some(peak)) = (&c.t.measured, c.t.peak_rps) {
        if m.rps > 0.0 && peak > m.rps * c.extrapolation_factor {
            f(
                out,
                "TRF002",
                W,
                traffic("peak_rps"),
                format!(
                    "target {} rps is {}× the measured {} rps (limit {}×): the latency of {} ms measured at {} rps may not hold at the target",
                    num(peak),
                    num(peak / m.rps),
                    num(m.rps),
                    num(c.extrapolation_factor),
                    num(m.latency_avg_ms),
                    num(m.rps)
                ),
            );
        }
    }
}

fn capacity_rules(c: &Ctx, out: &mut Vec<Finding>) {
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
    f(
        out,
        "CAP001",
        I,
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
        if required > reserved as f64 {
            f(
                out,
                "CAP002",
                E,
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
        f(
            out,
            "CAP003",
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
            f(
                out,
                "CAP004",
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
            f(
                out,
                "CAP007",
                sev,
                lam(0, "provisioned_concurrency"),
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
            if need > max {
                let (id, what, per_req) = if read {
                    (
                        "CAP008",
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
                        "CAP009",
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
                f(
                    out,
                    id,
                    E,
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
    f(out, "CAP011", I, traffic("peak_rps"), msg);
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
            Some((qi, q)) => f(
                out,
                "LIM016",
                W,
                Location::attr("quota_request").index(qi).then("desired_value"),
                format!(
                    "{detail}; it relies on the request for {} = {}, which is asynchronous and may be refused: reserving fails until it is applied",
                    QUOTA_LAMBDA_CONCURRENCY,
                    num(q.desired_value.unwrap_or(0.0))
                ),
            ),
            None => f(
                out,
                "LIM001",
                E,
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
                f(
                    out,
                    "LIM002",
                    E,
                    lam(i, "provisioned_concurrency"),
                    format!(
                        "{}: provisioned concurrency {} exceeds reserved concurrency {}",
                        func.function_name,
                        num(pc as f64),
                        num(rc as f64)
                    ),
                );
            } else if pc == rc && pc > 0 {
                f(
                    out,
                    "LIM003",
                    W,
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
                Some("$LATEST") => f(
                    out,
                    "LIM010",
                    E,
                    lam(i, "qualifier"),
                    format!("{}: provisioned concurrency cannot be set on $LATEST; use an alias or a published version", func.function_name),
                ),
                None | Some("") => f(
                    out,
                    "LIM010",
                    E,
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
                        f(
                            out,
                            "LIM015",
                            W,
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
                f(
                    out,
                    "LIM004",
                    E,
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
                f(
                    out,
                    "LIM006",
                    E,
                    lam(i, "timeout"),
                    format!(
                        "{}: timeout {} s is outside 1–{} s",
                        func.function_name, t, l.lambda_timeout_max_s
                    ),
                );
            }
            if c.p.api_gateway.is_some() && t * 1000 > integration_ms {
                f(
                    out,
                    "LIM005",
                    E,
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

fn apigw_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(s) = &c.p.api_gateway else { return };
    let acct = c.l.apigw_rate();
    if let Some(rate) = s.rate_limit {
        if rate > acct.value {
            let asked = c.p.quota_requests.iter().enumerate().find(|(_, q)| {
                q.quota_code == QUOTA_APIGW_RATE
                    && q.desired_value.map(|d| d >= rate).unwrap_or(false)
            });
            let applied = c.l.applied_quota("apigateway", QUOTA_APIGW_RATE);
            match asked {
                // The request was approved (the applied quota covers the
                // rate) but the throttle in force has not caught up yet.
                Some((qi, _)) if applied.is_some_and(|a| a >= rate) => f(
                    out,
                    "LIM013",
                    W,
                    Location::attr("quota_request").index(qi).then("desired_value"),
                    format!(
                        "stage rate {} rps exceeds the account throttle in force, {} rps ({}), although {} is applied at {}: until API Gateway raises the throttle the stage gets {} rps",
                        num(rate),
                        num(acct.value),
                        acct.source,
                        QUOTA_APIGW_RATE,
                        num(applied.unwrap_or(0.0)),
                        num(acct.value)
                    ),
                ),
                Some((qi, q)) => f(
                    out,
                    "LIM013",
                    W,
                    Location::attr("quota_request").index(qi).then("desired_value"),
                    format!(
                        "stage rate {} rps exceeds the account throttle {} rps ({}); it relies on the request for {} = {}, which is asynchronous and may be refused: until it is applied the stage gets {} rps",
                        num(rate),
                        num(acct.value),
                        acct.source,
                        QUOTA_APIGW_RATE,
                        num(q.desired_value.unwrap_or(0.0)),
                        num(acct.value)
                    ),
                ),
                _ => f(
                    out,
                    "CAP005",
                    E,
                    stage("rate_limit"),
                    format!(
                        "stage rate {} rps exceeds the account throttle {} rps ({}) and no quota request asks for it: the stage gets {} rps, the rest does nothing",
                        num(rate),
                        num(acct.value),
                        acct.source,
                        num(acct.value)
                    ),
                ),
            }
        }
        if let Some(origin) = c.cap.origin_rps {
            if origin > 0.0 && rate > 2.0 * origin {
                f(
                    out,
                    "CAP012",
                    W,
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
    if let Some(burst) = s.burst_limit {
        let b = c.l.apigw_burst();
        if burst as f64 > b.value {
            f(
                out,
                "CAP006",
                W,
                stage("burst_limit"),
                format!(
                    "stage burst {} exceeds the account burst {} ({}); AWS sets the burst from the rate quota and does not take requests for it, so the stage bursts to {} at most",
                    num(burst as f64),
                    num(b.value),
                    b.source,
                    num(b.value)
                ),
            );
        }
    }
    if let Some(ms) = s.integration_timeout_ms {
        if ms > c.l.apigw_integration_timeout_ms {
            f(
                out,
                "LIM019",
                W,
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
                f(
                    out,
                    "LIM011",
                    E,
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
            f(
                out,
                "LIM012",
                W,
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
            f(
                out,
                "LIM007",
                E,
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
            f(
                out,
                "LIM007",
                E,
                loc.clone().then("min_capacity"),
                format!("{table}: min_capacity {min} is below DynamoDB's minimum of 1"),
            );
        }
    }
    if let Some(t) = s.target_utilization {
        if t < c.l.ddb_target_min || t > c.l.ddb_target_max {
            f(
                out,
                "LIM008",
                E,
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
    let mut account_r = 0.0;
    let mut account_w = 0.0;
    for (i, t) in c.p.dynamodb.iter().enumerate() {
        let base = Location::attr("dynamodb").index(i);
        for (read, s) in [(true, &t.read_autoscaling), (false, &t.write_autoscaling)] {
            let Some(s) = s else { continue };
            let dir = if read { "read" } else { "write" };
            let loc = base.clone().then("autoscaling").index(0).then(dir).index(0);
            autoscaling_rules(c, loc.clone(), s, &t.table_name, out);
            if t.billing_mode == Some(BillingMode::PayPerRequest) {
                f(
                    out,
                    "LIM009",
                    E,
                    loc.clone(),
                    format!(
                        "{}: {dir} auto scaling on a PAY_PER_REQUEST table does nothing; AWS keeps the scalable target and applies it again on a switch to PROVISIONED",
                        t.table_name
                    ),
                );
            }
            if t.billing_mode == Some(BillingMode::Provisioned) {
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
                        f(
                            out,
                            "CAP010",
                            E,
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
        for (units, scaling, dir) in [
            (t.read_capacity, &t.read_autoscaling, "read"),
            (t.write_capacity, &t.write_autoscaling, "write"),
        ] {
            if let (Some(u), Some(_)) = (units, scaling) {
                f(
                    out,
                    "LIM021",
                    E,
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
                f(
                    out,
                    "LIM020",
                    E,
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
    for (sum, quota, dir) in [
        (account_r, c.l.ddb_account_rcu, "read"),
        (account_w, c.l.ddb_account_wcu, "write"),
    ] {
        if sum > quota && c.p.dynamodb.len() > 1 {
            f(
                out,
                "CAP010",
                E,
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

fn cache_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(cp) = &c.p.cache_policy else { return };
    let auth = cp
        .headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("authorization"));
    if cp.header_behavior == "whitelist" && auth {
        let numbers = match (c.cap.peak_rps, c.cap.origin_rps) {
            (Some(peak), Some(origin)) => format!(
                ": the assumed {} hit ratio gives {} rps at the origin; at 0% hit it is {} rps, needing {} concurrent executions instead of {}",
                num(c.t.cache_hit_ratio),
                num(origin),
                num(peak),
                num(c.cap.required_concurrency_no_cache.unwrap_or(0.0).ceil()),
                num(c.cap.required_concurrency.unwrap_or(0.0).ceil())
            ),
            _ => String::new(),
        };
        f(
            out,
            "SEC001",
            W,
            cache("headers"),
            format!(
                "{}: Authorization is whitelisted, so it is part of the cache key and every token gets its own entries; per-user responses only hit when the same user repeats a request within the TTL ({} s default){numbers}",
                cp.name,
                cp.default_ttl.map(|v| v.to_string()).unwrap_or_else(|| "86400".into())
            ),
        );
    }
    if cp.header_behavior == "none" && !cp.headers.is_empty() {
        f(
            out,
            "SEC003",
            E,
            cache("header_behavior"),
            format!(
                "{}: headers {:?} are listed but header_behavior is \"none\": they are neither in the cache key nor forwarded{}",
                cp.name,
                cp.headers,
                if auth {
                    "; the origin never sees Authorization"
                } else {
                    ""
                }
            ),
        );
    }
    if let Some(min) = cp.min_ttl {
        if min > 0 {
            f(
                out,
                "SEC002",
                W,
                cache("min_ttl"),
                format!(
                    "{}: min_ttl {} s caches every response for at least {} s, even those marked Cache-Control: no-store, no-cache or private",
                    cp.name, min, min
                ),
            );
        }
    }
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
        f(
            out,
            "LIM017",
            E,
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
            f(
                out,
                "LIM018",
                E,
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
        f(
            out,
            "LIM014",
            E,
            Location::attr("global_accelerator").index(0).then("endpoint_id"),
            format!(
                "{}: endpoint {id:?} is an API Gateway API; Global Accelerator endpoints can only be ALB/NLB ARNs, EC2 instance ids or Elastic IP allocation ids",
                ga.name
            ),
        );
    }
}

fn cost_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let cost = c.cost;
    if cost.per_service.is_empty() {
        return;
    }
    let lines: Vec<String> = cost
        .per_service
        .iter()
        .map(|s| format!("{} {}", s.service, usd(s.usd)))
        .collect();
    let rps_avg = cost.monthly_requests / crate::traffic::SECONDS_PER_MONTH;
    f(
        out,
        "COST001",
        I,
        Location::attr("traffic")
            .index(0)
            .then("average_to_peak_ratio"),
        format!(
            "{}/month for {} requests ({} rps on average, {} past the cache): {}",
            usd(cost.monthly_total_usd),
            num(cost.monthly_requests),
            num(rps_avg),
            num(cost.origin_requests),
            lines.join(", ")
        ),
    );
    if let Some(b) = &c.p.budget {
        if cost.monthly_total_usd > b.monthly_usd {
            f(
                out,
                "COST002",
                if b.enforce { E } else { W },
                Location::attr("budget").index(0).then("monthly_usd"),
                format!(
                    "estimated {}/month is {}× the budget of {} (largest line: {})",
                    usd(cost.monthly_total_usd),
                    num(if b.monthly_usd > 0.0 {
                        cost.monthly_total_usd / b.monthly_usd
                    } else {
                        f64::INFINITY
                    }),
                    usd(b.monthly_usd),
                    cost.per_service
                        .iter()
                        .max_by(|a, b| a.usd.total_cmp(&b.usd))
                        .map(|s| format!("{} {}", s.service, usd(s.usd)))
                        .unwrap_or_default()
                ),
            );
        }
    }
}
