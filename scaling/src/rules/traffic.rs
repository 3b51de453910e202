//! Traffic rules (TRF): the traffic values the figures rest on.

use super::catalogue as rule;
use super::context::{traffic, Ctx};
use crate::finding::{num, Finding};

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
    for a in &c.t.assumptions {
        rule::TRF001.emit(
            out,
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
            rule::TRF003.emit(
                out,
                traffic(field),
                format!("{field} = {} must be {want}", num(v.unwrap_or(f64::NAN))),
            );
        }
    }
    if let (Some(m), Some(peak)) = (&c.t.measured, c.t.peak_rps) {
        if m.rps > 0.0 && peak > m.rps * c.extrapolation_factor {
            rule::TRF002.emit(
                out,
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
