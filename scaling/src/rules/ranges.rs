//! Values out of the range the model states for their attribute
//! (`scaling::model`'s checks, the ones the provider's validation applies):
//! TRF003 for the traffic model, LIM022 for everything sent to AWS. The
//! provider refuses such values before any plan; `smuppy-validate` reports
//! them as findings here, on the attribute, worded by [`crate::bounds`].
//!
//! Attributes whose range a rule of its own judges are left to it:
//! `memory_size` (LIM004), `timeout` (LIM006), auto scaling `min_capacity`
//! (LIM007) and `target_utilization` (LIM008).

use super::catalogue::{self as rule, RuleInfo};
use super::context::Ctx;
use crate::bounds::{message, Problem, AWS_LONG_MAX};
use crate::finding::{num, Finding};
use crate::model::{self, Block, Check, Val};
use crate::profile::Location;

/// (block location, attribute) whose range another rule reports.
const OWNED_ELSEWHERE: &[(&str, &str)] = &[
    ("lambda", "memory_size"),
    ("lambda", "timeout"),
    ("read", "min_capacity"),
    ("write", "min_capacity"),
    ("read", "target_utilization"),
    ("write", "target_utilization"),
];

/// Traffic attributes TRF003 judges more strictly than the model (above 0,
/// not only at least 0; a ratio in (0, 1]).
const TRAFFIC_STRICT: &[&str] = &[
    "peak_rps",
    "latency_ms",
    "cache_hit_ratio",
    "average_to_peak_ratio",
    "monthly_requests",
];

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
    traffic_rules(c, out);
    let p = c.p;
    for (i, q) in p.quota_requests.iter().enumerate() {
        check(&model::QUOTA, q, at("quota_request", i), &rule::LIM022, out);
    }
    if let Some(s) = &p.api_gateway {
        check(
            &model::API_GATEWAY,
            s,
            at("api_gateway", 0),
            &rule::LIM022,
            out,
        );
    }
    for (i, f) in p.lambdas.iter().enumerate() {
        check(&model::LAMBDA, f, at("lambda", i), &rule::LIM022, out);
    }
    for (i, t) in p.dynamodb.iter().enumerate() {
        check(&model::DYNAMODB, t, at("dynamodb", i), &rule::LIM022, out);
        let scaling = at("dynamodb", i).then("autoscaling").index(0);
        if let Some(s) = &t.read_autoscaling {
            let loc = scaling.clone().then("read").index(0);
            check(&model::SCALING_READ, s, loc, &rule::LIM022, out);
        }
        if let Some(s) = &t.write_autoscaling {
            let loc = scaling.clone().then("write").index(0);
            check(&model::SCALING_WRITE, s, loc, &rule::LIM022, out);
        }
    }
    if let Some(cp) = &p.cache_policy {
        check(
            &model::CACHE_POLICY,
            cp,
            at("cache_policy", 0),
            &rule::LIM022,
            out,
        );
    }
    if let Some(b) = &p.budget {
        check(&model::BUDGET, b, at("budget", 0), &rule::LIM022, out);
    }
}

fn at(block: &str, i: usize) -> Location {
    Location::attr(block).index(i)
}

/// TRF003: the traffic values the capacity and cost figures rest on.
fn traffic_rules(c: &Ctx, out: &mut Vec<Finding>) {
    let t = &c.p.traffic;
    let strict: [(&str, Option<f64>, bool); 5] = [
        ("peak_rps", t.peak_rps, t.peak_rps.is_none_or(|v| v > 0.0)),
        (
            "latency_ms",
            t.latency_ms,
            t.latency_ms.is_none_or(|v| v > 0.0),
        ),
        (
            "cache_hit_ratio",
            t.cache_hit_ratio,
            t.cache_hit_ratio.is_none_or(|v| (0.0..=1.0).contains(&v)),
        ),
        (
            "average_to_peak_ratio",
            t.average_to_peak_ratio,
            t.average_to_peak_ratio.is_none_or(|v| v > 0.0 && v <= 1.0),
        ),
        (
            "monthly_requests",
            t.monthly_requests,
            t.monthly_requests.is_none_or(|v| v >= 0.0),
        ),
    ];
    for (field, v, ok) in strict {
        if !ok {
            let want = match field {
                "cache_hit_ratio" => "between 0 and 1",
                "average_to_peak_ratio" => "in (0, 1]",
                "monthly_requests" => "0 or more",
                _ => "above 0",
            };
            rule::TRF003.emit(
                out,
                model_location(&model::TRAFFIC, field),
                format!("{field} = {} must be {want}", num(v.unwrap_or(f64::NAN))),
            );
        }
    }
    // The others, against the model's ranges.
    let mut rest = Vec::new();
    check(
        &model::TRAFFIC,
        t,
        at("traffic", 0),
        &rule::TRF003,
        &mut rest,
    );
    out.extend(rest.into_iter().filter(|f| {
        !TRAFFIC_STRICT
            .iter()
            .any(|s| f.location == model_location(&model::TRAFFIC, s))
    }));
}

fn model_location<T>(block: &Block<T>, field: &str) -> Location {
    at(block.location, 0).then(field)
}

/// Each attribute of `target` that lies outside its model range, as a
/// finding of `rule` at `loc.<attribute>`.
fn check<T, R>(
    block: &Block<T, R>,
    target: &T,
    loc: Location,
    rule: &RuleInfo,
    out: &mut Vec<Finding>,
) {
    for f in block.fields {
        let Some(access) = &f.access else { continue };
        if OWNED_ELSEWHERE.contains(&(block.location, f.name)) {
            continue;
        }
        let (lo, hi, min, max, what) = match f.check {
            Check::Int { min, max, what } => {
                let hi = max.unwrap_or(AWS_LONG_MAX);
                (
                    min as f64,
                    hi as f64,
                    min.to_string(),
                    Some(hi.to_string()),
                    what,
                )
            }
            Check::Range { min, max, what } => (
                min,
                max.unwrap_or(f64::INFINITY),
                min.to_string(),
                max.map(|m| m.to_string()),
                what,
            ),
            _ => continue,
        };
        let (v, shown) = match (access.get)(target) {
            Val::Int(i) => (i as f64, i.to_string()),
            // Beyond a double (`1e400`): the front ends say so in their words.
            Val::Num(n) if n.is_finite() => (n, n.to_string()),
            _ => continue,
        };
        let problem = if v < lo {
            Problem::TooSmall
        } else if v > hi {
            Problem::TooLarge
        } else {
            continue;
        };
        rule.emit(
            out,
            loc.clone().then(f.name),
            message(what, problem, &min, max.as_deref(), &shown),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::{LambdaPool, Profile, StageThrottle};
    use crate::{analyze, Limits, PriceTable};

    /// `(rule, location, message)` of the findings of `ids`.
    fn found(p: &Profile, ids: &[&str]) -> Vec<(String, String, String)> {
        analyze(p, &Limits::default(), &PriceTable::default())
            .findings
            .into_iter()
            .filter(|f| ids.contains(&f.rule_id))
            .map(|f| (f.rule_id.to_string(), f.location.to_string(), f.message))
            .collect()
    }

    #[test]
    fn negative_traffic_sizes_and_counts_are_trf003_on_their_attribute() {
        let mut p = Profile::default();
        p.traffic.peak_rps = Some(1_000.0);
        p.traffic.item_size_kb = Some(-4.0);
        p.traffic.reads_per_request = Some(-1.0);
        p.traffic.response_bytes = Some(-10.0);
        p.traffic.writes_per_request = Some(0.5);
        let mut got = found(&p, &["TRF003"]);
        got.sort();
        let at: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(
            at,
            [
                "traffic[0].item_size_kb",
                "traffic[0].reads_per_request",
                "traffic[0].response_bytes"
            ]
        );
        assert_eq!(
            got[0].2,
            "item_size_kb is too small: it must be between 0 and 400, got -4."
        );
        p.traffic.item_size_kb = Some(401.0);
        assert!(found(&p, &["TRF003"])
            .iter()
            .any(|g| g.2 == "item_size_kb is too large: it must be between 0 and 400, got 401."));
    }

    #[test]
    fn strict_traffic_checks_are_not_reported_twice() {
        let mut p = Profile::default();
        p.traffic.cache_hit_ratio = Some(1.5);
        p.traffic.peak_rps = Some(-1.0);
        assert_eq!(found(&p, &["TRF003"]).len(), 2);
    }

    #[test]
    fn negative_settings_sent_to_aws_are_lim022_on_their_attribute() {
        let mut p = Profile::default();
        p.lambdas.push(LambdaPool {
            function_name: "api".into(),
            reserved_concurrency: Some(-5),
            provisioned_concurrency: None,
            qualifier: None,
            memory_size: Some(0),
            timeout: None,
            publish_on_change: false,
        });
        p.api_gateway = Some(StageThrottle {
            rest_api_id: Some("a1b2c3d4e5".into()),
            stage_name: Some("prod".into()),
            rate_limit: Some(-1.0),
            burst_limit: Some(-2),
            integration_timeout_ms: Some(10),
            methods: Vec::new(),
        });
        let mut got = found(&p, &["LIM022"]);
        got.sort();
        let at: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(
            at,
            [
                "api_gateway[0].burst_limit",
                "api_gateway[0].integration_timeout_ms",
                "api_gateway[0].rate_limit",
                "lambda[0].reserved_concurrency"
            ],
            "memory_size is LIM004's"
        );
        assert_eq!(
            got[3].2,
            "reserved_concurrency is too small: it must be between 0 and 2147483647, got -5."
        );
        assert_eq!(found(&p, &["LIM004"]).len(), 1);
    }
}
