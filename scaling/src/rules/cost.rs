//! Cost rules (COST): the monthly estimate and the budget.

use super::catalogue as rule;
use super::context::Ctx;
use crate::finding::{
    num, usd, Finding,
    Severity::{Error as E, Warning as W},
};
use crate::profile::Location;

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
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
    rule::COST001.emit(
        out,
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
            rule::COST002.emit_at(
                out,
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
