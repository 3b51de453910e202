//! Method throttle rules: the throttles of single methods of a stage
//! (`aws_api_gateway_method_settings` on `resource_path/HTTP_METHOD`), each
//! overriding the stage-wide throttle for its method alone. The account
//! throttle bounds them as it bounds the stage (CAP014, on the stage rules'
//! own arithmetic); and since the traffic model does not say which share
//! of the requests a method gets, a method throttle below the traffic that
//! reaches API Gateway is said, not judged (CAP015). The capacity analysis
//! keeps the stage-wide rate as the stage's limit.

use super::capacity::{burst_above_account, rate_above_account, Above};
use super::catalogue as rule;
use super::context::Ctx;
use crate::finding::{
    num, Finding,
    Severity::{Error as E, Warning as W},
};
use crate::profile::Location;

/// Where a method's setting is: `api_gateway[0].methods[i].rate_limit`.
pub(super) fn method(i: usize, field: &str) -> Location {
    Location::attr("api_gateway")
        .index(0)
        .then("methods")
        .index(i)
        .then(field)
}

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(s) = &c.p.api_gateway else { return };
    for (i, m) in s.methods.iter().enumerate() {
        let who = format!("method {}", m.method_path);
        if let Some(rate) = m.rate_limit {
            // With a quota request that asks for it, the method relies on
            // the request (a warning); without, the rate above does nothing.
            match rate_above_account(c, &who, rate) {
                Some(Above::Asked(_, msg)) => {
                    rule::CAP014.emit_at(out, W, method(i, "rate_limit"), msg)
                }
                Some(Above::NotAsked(msg)) => {
                    rule::CAP014.emit_at(out, E, method(i, "rate_limit"), msg)
                }
                None => {}
            }
            if let Some(origin) = c.cap.origin_rps.filter(|o| rate < *o) {
                rule::CAP015.emit(
                    out,
                    method(i, "rate_limit"),
                    format!(
                        "{who} is throttled at {} rps while {} rps reach API Gateway ({} at the edge, {} cache hit); the traffic model does not say which share of them calls {}, so whether its throttle holds is not checked: it holds only if that share stays at or below {}%",
                        num(rate),
                        num(origin),
                        num(c.cap.peak_rps.unwrap_or(origin)),
                        num(c.t.cache_hit_ratio),
                        m.method_path,
                        num((rate / origin * 100.0 * 100.0).floor() / 100.0)
                    ),
                );
            }
        }
        if let Some(msg) = m.burst_limit.and_then(|b| burst_above_account(c, &who, b)) {
            rule::CAP014.emit_at(out, W, method(i, "burst_limit"), msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::finding::Severity;
    use crate::limits::Limits;
    use crate::prices::PriceTable;
    use crate::profile::{MethodThrottle, Profile, QuotaRequest, StageThrottle};

    fn profile(methods: Vec<MethodThrottle>) -> Profile {
        let mut p = Profile {
            name: "t".into(),
            ..Default::default()
        };
        p.traffic.peak_rps = Some(10_000.0);
        p.traffic.latency_ms = Some(50.0);
        p.traffic.cache_hit_ratio = Some(0.5);
        p.api_gateway = Some(StageThrottle {
            rest_api_id: Some("a".into()),
            stage_name: Some("s".into()),
            rate_limit: Some(8_000.0),
            burst_limit: Some(4_000),
            integration_timeout_ms: None,
            methods,
        });
        p
    }

    fn m(path: &str, rate: Option<f64>, burst: Option<i64>) -> MethodThrottle {
        MethodThrottle {
            method_path: path.into(),
            rate_limit: rate,
            burst_limit: burst,
        }
    }

    /// (id, severity, location, message) of the method findings.
    fn method_findings(p: &Profile) -> Vec<(String, Severity, String, String)> {
        let a = analyze(p, &Limits::default(), &PriceTable::default());
        a.findings
            .into_iter()
            .filter(|f| f.location.to_string().contains("methods"))
            .map(|f| {
                (
                    f.rule_id.to_string(),
                    f.severity,
                    f.location.to_string(),
                    f.message,
                )
            })
            .collect()
    }

    #[test]
    fn a_method_above_the_account_throttle_gets_the_account_throttle() {
        let p = profile(vec![m("items/GET", Some(25_000.0), Some(9_000))]);
        let got = method_findings(&p);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "CAP014");
        assert_eq!(got[0].1, Severity::Error);
        assert_eq!(got[0].2, "api_gateway[0].methods[0].rate_limit");
        assert!(
            got[0].3.contains(
                "method items/GET rate 25,000 rps exceeds the account throttle 10,000 rps"
            ) && got[0].3.contains("the method items/GET gets 10,000 rps"),
            "{}",
            got[0].3
        );
        assert_eq!(got[1].0, "CAP014");
        assert_eq!(got[1].1, Severity::Warning);
        assert_eq!(got[1].2, "api_gateway[0].methods[0].burst_limit");
        assert!(got[1]
            .3
            .contains("method items/GET burst 9,000 exceeds the account burst 5,000"));
    }

    #[test]
    fn a_method_above_the_account_throttle_with_a_quota_request_relies_on_it() {
        let mut p = profile(vec![m("items/GET", Some(25_000.0), None)]);
        p.quota_requests.push(QuotaRequest {
            service_code: "apigateway".into(),
            quota_code: crate::limits::QUOTA_APIGW_RATE.into(),
            desired_value: Some(30_000.0),
        });
        let got = method_findings(&p);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].1), ("CAP014", Severity::Warning));
        assert!(got[0].3.contains("relies on the request"), "{}", got[0].3);
    }

    #[test]
    fn a_method_below_the_origin_traffic_is_said_with_both_numbers() {
        // 10,000 at the edge, half cached: 5,000 reach API Gateway.
        let p = profile(vec![m("orders~1{id}/POST", Some(500.0), Some(100))]);
        let got = method_findings(&p);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].1), ("CAP015", Severity::Warning));
        assert_eq!(got[0].2, "api_gateway[0].methods[0].rate_limit");
        let msg = &got[0].3;
        assert!(
            msg.contains("method orders~1{id}/POST is throttled at 500 rps while 5,000 rps reach API Gateway")
                && msg.contains("at or below 10%"),
            "{msg}"
        );
    }

    #[test]
    fn a_method_within_both_is_quiet_and_the_stage_keeps_its_rate() {
        let p = profile(vec![m("items/GET", Some(6_000.0), Some(3_000))]);
        assert_eq!(method_findings(&p), vec![]);
        // The capacity analysis uses the stage-wide rate, whatever the methods.
        let with = analyze(&p, &Limits::default(), &PriceTable::default());
        let without = analyze(&profile(vec![]), &Limits::default(), &PriceTable::default());
        assert_eq!(
            with.capacity.max_origin_rps,
            without.capacity.max_origin_rps
        );
    }
}
