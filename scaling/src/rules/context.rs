//! What the rules see, and the helpers the families share: where a finding
//! points and what the profile's own quota requests ask for.

use super::catalogue as rule;
use crate::capacity::Capacity;
use crate::cost::CostEstimate;
use crate::finding::num;
use crate::limits::Limits;
use crate::profile::{Location, Profile};
use crate::traffic::TrafficModel;

/// What the rules see: the profile, the limits and the resolved models.
pub(crate) struct Ctx<'a> {
    pub p: &'a Profile,
    pub l: &'a Limits,
    pub t: &'a TrafficModel,
    pub cap: &'a Capacity,
    pub cost: &'a CostEstimate,
    pub extrapolation_factor: f64,
    pub early_warning: f64,
}

/// A profile quota request for `code`, as "; the profile's quota request asks
/// SERVICE/CODE for N, not applied yet" (named by its codes, as the user wrote it).
pub(super) fn pending_note(c: &Ctx, service: &str, code: &str, applied: f64) -> String {
    c.p.quota_requests
        .iter()
        .find(|q| q.quota_code == code && q.desired_value.map(|d| d > applied).unwrap_or(false))
        .and_then(|q| {
            q.desired_value.map(|d| {
                format!(
                    "; the profile's quota request asks {service}/{code} for {}, not applied yet",
                    num(d)
                )
            })
        })
        .unwrap_or_default()
}

/// Whether the profile itself asks `service/code` for at least `needed`.
/// A shortfall the profile's own quota request covers is a warning, not an
/// error: the apply that files the request must be able to run.
pub(super) fn requested_at_least(c: &Ctx, service: &str, code: &str, needed: f64) -> bool {
    c.p.quota_requests.iter().any(|q| {
        q.service_code == service
            && q.quota_code == code
            && q.desired_value.is_some_and(|d| d >= needed)
    })
}

/// `CAP013`: `need` has reached the early-warning share of `limit` without
/// passing it (past it, the limit's own rule reports an error). `what`
/// names the two, e.g. "Lambda concurrency against reserved concurrency".
pub(super) fn near_limit(
    c: &Ctx,
    out: &mut Vec<crate::finding::Finding>,
    loc: Location,
    what: &str,
    need: f64,
    limit: f64,
) {
    let share = c.early_warning;
    // NaN anywhere fails every comparison and so warns of nothing.
    let in_band =
        share > 0.0 && share < 1.0 && limit > 0.0 && need <= limit && need >= share * limit;
    if !in_band {
        return;
    }
    rule::CAP013.emit(
        out,
        loc,
        format!(
            "{what}: {} is {}% of {} (early warning from {}%); {} left before it throttles",
            num(need.ceil()),
            num((need / limit * 100.0).floor()),
            num(limit),
            num(share * 100.0),
            num((limit - need).floor())
        ),
    );
}

pub(super) fn lam(i: usize, field: &str) -> Location {
    Location::attr("lambda").index(i).then(field)
}
pub(super) fn stage(field: &str) -> Location {
    Location::attr("api_gateway").index(0).then(field)
}
pub(super) fn cache(field: &str) -> Location {
    Location::attr("cache_policy").index(0).then(field)
}
pub(super) fn traffic(field: &str) -> Location {
    TrafficModel::location(field)
}
