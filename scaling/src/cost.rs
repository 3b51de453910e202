//! The monthly cost model: the traffic model priced with the pinned table.
//! A 30-day month; no free tiers (they are noise at the scales checked here).

use serde::Serialize;

use crate::capacity::{round6, Capacity};
use crate::finding::{num, unit_price};
use crate::prices::{item, PriceTable, DEFAULT_REGION};
use crate::profile::{BillingMode, Profile};
use crate::traffic::{Architecture, TrafficModel, SECONDS_PER_MONTH};

/// Hours in the 30-day month.
pub const HOURS_PER_MONTH: f64 = 720.0;
/// Lambda memory when a function's `memory_size` is unset (the AWS default).
pub const DEFAULT_MEMORY_MB: i64 = 128;
const GIB: f64 = 1_073_741_824.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceCost {
    pub service: String,
    pub usd: f64,
    /// How the figure was reached, with quantities and unit prices.
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostEstimate {
    pub region: String,
    /// Viewer requests in the month.
    pub monthly_requests: f64,
    /// Requests past the cache.
    pub origin_requests: f64,
    pub monthly_total_usd: f64,
    pub per_service: Vec<ServiceCost>,
    pub assumptions: Vec<String>,
}

struct Acc {
    lines: Vec<ServiceCost>,
}

impl Acc {
    fn add(&mut self, service: &str, usd_v: f64, basis: String) {
        self.lines.push(ServiceCost {
            service: service.into(),
            usd: usd_v,
            basis,
        });
    }
}

pub fn estimate(
    p: &Profile,
    t: &TrafficModel,
    cap: &Capacity,
    prices: &PriceTable,
) -> CostEstimate {
    let region = p
        .region
        .clone()
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    let mut assumptions = vec![
        "30-day month (2,592,000 s); no free tiers".to_string(),
        "not priced: data transfer out of API Gateway, CloudWatch logs and metrics, DynamoDB storage and GSIs".to_string(),
    ];
    if !prices.has_region(&region) {
        assumptions.push(format!(
            "no prices for {region} in the table: us-east-1 prices used"
        ));
    }
    for a in &t.assumptions {
        assumptions.push(format!("traffic.{} = {} ({})", a.field, a.value, a.reason));
    }
    left_out(p, t, &mut assumptions);
    let price = |key: &str| prices.get(&region, key);
    let no_price = |line: &str, key: &str| {
        format!("not priced: {line}: the price table has no {key} for {region}")
    };
    let viewer = t.monthly_requests();
    let origin = round6(viewer - viewer * t.cache_hit_ratio);
    let mut acc = Acc { lines: Vec::new() };

    if p.cache_policy.is_some() {
        if let Some(pr) = price(item::CF_REQUESTS) {
            acc.add(
                "CloudFront requests",
                pr.cost(viewer),
                format!(
                    "{} viewer requests × {} per {} (every request is billed, hit or miss)",
                    num(viewer),
                    unit_price(pr.first_usd()),
                    pr.unit
                ),
            );
        } else {
            assumptions.push(no_price("CloudFront requests", item::CF_REQUESTS));
        }
        if let Some(pr) = price(item::CF_DATA_OUT) {
            let gb = viewer * t.response_bytes / GIB;
            acc.add(
                "CloudFront data out",
                pr.cost(gb),
                format!(
                    "{} GB ({} B per response) through the US tiers from {}/GB",
                    num(gb),
                    num(t.response_bytes),
                    unit_price(pr.first_usd())
                ),
            );
        } else {
            assumptions.push(no_price("CloudFront data out", item::CF_DATA_OUT));
        }
    }
    if p.api_gateway.is_some() {
        if let Some(pr) = price(item::APIGW_REST_REQUESTS) {
            acc.add(
                "API Gateway",
                pr.cost(origin),
                format!(
                    "{} REST requests past the cache through the tiers ({} per M for the first 333M, down to {} over 20B)",
                    num(origin),
                    unit_price(pr.first_usd()),
                    unit_price(pr.tiers.last().map(|x| x.usd).unwrap_or(0.0))
                ),
            );
        } else {
            assumptions.push(no_price("API Gateway", item::APIGW_REST_REQUESTS));
        }
    }
    if !p.lambdas.is_empty() {
        lambda_costs(p, t, origin, &region, prices, &mut acc, &mut assumptions);
    }
    if !p.dynamodb.is_empty() {
        dynamodb_costs(
            p,
            t,
            cap,
            origin,
            &region,
            prices,
            &mut acc,
            &mut assumptions,
        );
    }
    if p.dashboard.is_some() {
        if let Some(pr) = price(item::CW_DASHBOARD) {
            acc.add(
                "CloudWatch dashboard",
                pr.cost(1.0),
                format!("1 dashboard × {} per month", unit_price(pr.first_usd())),
            );
        } else {
            assumptions.push(no_price("CloudWatch dashboard", item::CW_DASHBOARD));
        }
    }
    if let Some(ga) = &p.global_accelerator {
        if let (Some(h), Some(dt)) = (price(item::GA_HOUR), price(item::GA_DT_PREMIUM)) {
            let gb = origin * t.response_bytes / GIB;
            acc.add(
                "Global Accelerator",
                h.cost(HOURS_PER_MONTH) + dt.cost(gb),
                format!(
                    "720 h × {}/h (charged even when disabled{}) + {} GB × {} DT-Premium",
                    unit_price(h.first_usd()),
                    if ga.enabled {
                        ""
                    } else {
                        "; this one is disabled"
                    },
                    num(gb),
                    unit_price(dt.first_usd())
                ),
            );
        } else {
            assumptions.push(no_price(
                "Global Accelerator",
                &format!("{} or {}", item::GA_HOUR, item::GA_DT_PREMIUM),
            ));
        }
    }
    for l in &mut acc.lines {
        l.usd = round6(l.usd);
    }
    let total = round6(acc.lines.iter().map(|l| l.usd).sum());
    CostEstimate {
        region,
        monthly_requests: viewer,
        origin_requests: origin,
        monthly_total_usd: total,
        per_service: acc.lines,
        assumptions,
    }
}

/// The lines of the request path the profile does not describe, so the
/// estimate leaves them out: each is named, with why.
fn left_out(p: &Profile, t: &TrafficModel, assumptions: &mut Vec<String>) {
    if p.cache_policy.is_none() {
        let hit = if t.cache_hit_ratio > 0.0 {
            format!(
                "; traffic.cache_hit_ratio {} still sends only {}% of requests past the cache",
                num(t.cache_hit_ratio),
                num(round6((1.0 - t.cache_hit_ratio) * 100.0))
            )
        } else {
            String::new()
        };
        assumptions.push(format!(
            "not priced: CloudFront requests and data out: the profile has no cache_policy object{hit}"
        ));
    }
    if p.api_gateway.is_none() {
        assumptions.push(
            "not priced: API Gateway requests: the profile has no api_gateway object".to_string(),
        );
    }
    if p.lambdas.is_empty() {
        assumptions.push(
            "not priced: Lambda requests and duration: the profile has no lambda_pools".to_string(),
        );
    }
    if p.dynamodb.is_empty() {
        assumptions.push(
            "not priced: DynamoDB reads and writes: the profile has no dynamodb_tables".to_string(),
        );
    }
}

fn lambda_costs(
    p: &Profile,
    t: &TrafficModel,
    origin: f64,
    region: &str,
    prices: &PriceTable,
    acc: &mut Acc,
    assumptions: &mut Vec<String>,
) {
    let (dur_key, pc_key, pcd_key) = match t.architecture {
        Architecture::X86_64 => (
            item::LAMBDA_DURATION_X86,
            item::LAMBDA_PC_X86,
            item::LAMBDA_PC_DURATION_X86,
        ),
        Architecture::Arm64 => (
            item::LAMBDA_DURATION_ARM,
            item::LAMBDA_PC_ARM,
            item::LAMBDA_PC_DURATION_ARM,
        ),
    };
    let (Some(req), Some(dur), Some(pc), Some(pcd)) = (
        prices.get(region, item::LAMBDA_REQUESTS),
        prices.get(region, dur_key),
        prices.get(region, pc_key),
        prices.get(region, pcd_key),
    ) else {
        assumptions.push(format!(
            "not priced: Lambda: the price table lacks one of {}, {dur_key}, {pc_key}, {pcd_key} for {region}",
            item::LAMBDA_REQUESTS
        ));
        return;
    };
    let n = p.lambdas.len() as f64;
    if p.lambdas.len() > 1 {
        assumptions.push(format!(
            "origin traffic split evenly over the {} functions",
            p.lambdas.len()
        ));
    }
    let per_fn = origin / n;
    let mut on_demand_gbs = 0.0;
    let mut pc_served_gbs = 0.0;
    let mut pc_alloc_gbs = 0.0;
    for f in &p.lambdas {
        let mem_mb = f.memory_size.unwrap_or(DEFAULT_MEMORY_MB);
        if f.memory_size.is_none() {
            assumptions.push(format!(
                "{}: memory_size unset, {} MB (AWS default)",
                f.function_name, DEFAULT_MEMORY_MB
            ));
        }
        let gb = mem_mb.max(0) as f64 / 1024.0;
        let gbs = per_fn * t.latency_s() * gb;
        let pc_n = f.provisioned_concurrency.unwrap_or(0).max(0) as f64;
        // Average concurrency of this function over the month.
        let avg_conc = per_fn / SECONDS_PER_MONTH * t.latency_s();
        let pc_share = if avg_conc > 0.0 {
            (pc_n / avg_conc).min(1.0)
        } else {
            0.0
        };
        pc_served_gbs += gbs * pc_share;
        on_demand_gbs += gbs * (1.0 - pc_share);
        pc_alloc_gbs += pc_n * gb * SECONDS_PER_MONTH;
    }
    acc.add(
        "Lambda requests",
        req.cost(origin),
        format!(
            "{} invocations × {} per {}",
            num(origin),
            unit_price(req.first_usd()),
            req.unit
        ),
    );
    let dur_usd = dur.cost(on_demand_gbs) + pcd.cost(pc_served_gbs);
    acc.add(
        "Lambda duration",
        dur_usd,
        format!(
            "{} GB-s on demand ({} tiers from {}/GB-s) + {} GB-s on provisioned concurrency at {}/GB-s; {} ms per invocation",
            num(on_demand_gbs),
            t.architecture.as_str(),
            unit_price(dur.first_usd()),
            num(pc_served_gbs),
            unit_price(pcd.first_usd()),
            num(t.latency_ms)
        ),
    );
    if pc_alloc_gbs > 0.0 {
        acc.add(
            "Lambda provisioned concurrency",
            pc.cost(pc_alloc_gbs),
            format!(
                "{} GB-s allocated (PC × memory × 2,592,000 s) × {}/GB-s, charged whether used or not",
                num(pc_alloc_gbs),
                unit_price(pc.first_usd())
            ),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn dynamodb_costs(
    p: &Profile,
    t: &TrafficModel,
    cap: &Capacity,
    origin: f64,
    region: &str,
    prices: &PriceTable,
    acc: &mut Acc,
    assumptions: &mut Vec<String>,
) {
    let n = p.dynamodb.len() as f64;
    let reads = origin * t.read_units_per_request() / n;
    let writes = origin * t.write_units_per_request() / n;
    let peak_r = cap.dynamodb_read_units.unwrap_or(0.0) / n;
    let peak_w = cap.dynamodb_write_units.unwrap_or(0.0) / n;
    let avg = t.average_to_peak_ratio;
    for table in &p.dynamodb {
        match table.billing_mode {
            Some(BillingMode::PayPerRequest) | None => {
                let (Some(r), Some(w)) = (
                    prices.get(region, item::DDB_ONDEMAND_READ),
                    prices.get(region, item::DDB_ONDEMAND_WRITE),
                ) else {
                    assumptions.push(format!(
                        "not priced: DynamoDB {}: the price table has no on-demand prices for {region}",
                        table.table_name
                    ));
                    continue;
                };
                acc.add(
                    &format!("DynamoDB {}", table.table_name),
                    r.cost(reads) + w.cost(writes),
                    format!(
                        "on-demand: {} read units × {} per M + {} write units × {} per M",
                        num(reads),
                        unit_price(r.first_usd()),
                        num(writes),
                        unit_price(w.first_usd())
                    ),
                );
            }
            Some(BillingMode::Provisioned) => {
                let (Some(r), Some(w)) = (
                    prices.get(region, item::DDB_RCU_HOUR),
                    prices.get(region, item::DDB_WCU_HOUR),
                ) else {
                    assumptions.push(format!(
                        "not priced: DynamoDB {}: the price table has no provisioned prices for {region}",
                        table.table_name
                    ));
                    continue;
                };
                let units = |fixed: Option<i64>,
                             s: Option<&crate::profile::AutoScaling>,
                             peak: f64| match s {
                    Some(s) => {
                        let target = s.target() / 100.0;
                        let want = if target > 0.0 {
                            peak * avg / target
                        } else {
                            peak
                        };
                        let lo = s.min_capacity.unwrap_or(1) as f64;
                        let hi = s.max_capacity.map(|m| m as f64).unwrap_or(f64::INFINITY);
                        want.max(lo).min(hi.max(lo))
                    }
                    None => fixed.unwrap_or(1).max(1) as f64,
                };
                let rcu = units(table.read_capacity, table.read_autoscaling.as_ref(), peak_r);
                let wcu = units(
                    table.write_capacity,
                    table.write_autoscaling.as_ref(),
                    peak_w,
                );
                acc.add(
                    &format!("DynamoDB {}", table.table_name),
                    r.cost(rcu * HOURS_PER_MONTH) + w.cost(wcu * HOURS_PER_MONTH),
                    format!(
                        "provisioned: {} RCU × 720 h × {} + {} WCU × 720 h × {}",
                        num(rcu),
                        unit_price(r.first_usd()),
                        num(wcu),
                        unit_price(w.first_usd())
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity;
    use crate::limits::Limits;

    fn assumptions(p: &Profile, prices: &PriceTable) -> Vec<String> {
        let t = TrafficModel::from_profile(p, None);
        let cap = capacity::compute(p, &Limits::default(), &t);
        estimate(p, &t, &cap, prices).assumptions
    }

    fn says(list: &[String], text: &str) -> bool {
        list.iter().any(|a| a.contains(text))
    }

    #[test]
    fn every_line_left_out_is_named_with_why() {
        let mut p = Profile::default();
        p.traffic.peak_rps = Some(1_000.0);
        p.traffic.cache_hit_ratio = Some(0.8);
        let a = assumptions(&p, &PriceTable::default());
        assert!(
            says(
                &a,
                "not priced: API Gateway requests: the profile has no api_gateway object"
            ),
            "{a:?}"
        );
        assert!(
            says(&a, "not priced: CloudFront requests and data out: the profile has no cache_policy object; traffic.cache_hit_ratio 0.8 still sends only 20% of requests past the cache"),
            "{a:?}"
        );
        assert!(
            says(&a, "no lambda_pools") && says(&a, "no dynamodb_tables"),
            "{a:?}"
        );
    }

    #[test]
    fn a_price_missing_from_the_table_is_named() {
        let p = Profile {
            dashboard: Some(crate::profile::Dashboard { name: "d".into() }),
            ..Profile::default()
        };
        let mut prices = PriceTable::default();
        let priced = assumptions(&p, &prices);
        assert!(!says(&priced, "CloudWatch dashboard"), "{priced:?}");
        for items in prices.regions.values_mut() {
            items.remove(item::CW_DASHBOARD);
        }
        let a = assumptions(&p, &prices);
        assert!(
            says(
                &a,
                &format!(
                    "not priced: CloudWatch dashboard: the price table has no {}",
                    item::CW_DASHBOARD
                )
            ),
            "{a:?}"
        );
    }
}
