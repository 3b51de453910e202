//! The capacity model: what each link of CloudFront → API Gateway → Lambda →
//! DynamoDB can carry, and which one gives out first.

use serde::Serialize;

use crate::finding::num;
use crate::limits::Limits;
use crate::profile::{BillingMode, Profile, TableCapacity};
use crate::traffic::TrafficModel;

/// The ceiling one link puts on origin traffic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkLimit {
    pub link: String,
    /// Origin requests per second the link can carry.
    pub max_origin_rps: f64,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capacity {
    /// Target at the edge, req/s.
    pub peak_rps: Option<f64>,
    pub cache_hit_ratio: f64,
    /// Requests per second past the cache.
    pub origin_rps: Option<f64>,
    pub latency_ms: f64,
    /// Little's law: origin rps × latency (s).
    pub required_concurrency: Option<f64>,
    /// The same if every request reached the origin (no CDN, or a 0% hit ratio).
    pub required_concurrency_no_cache: Option<f64>,
    /// Sum of reserved concurrency over the profile's functions (`None` if none is set).
    pub reserved_concurrency: Option<i64>,
    pub provisioned_concurrency: i64,
    /// Concurrency the functions can actually use: reserved, capped by the account.
    pub available_concurrency: f64,
    /// Stage rate capped by the account throttle (`None` without an `api_gateway` block).
    pub apigw_effective_rps: Option<f64>,
    /// Seconds for Lambda to scale from provisioned concurrency to the required one.
    pub ramp_seconds: Option<f64>,
    /// DynamoDB read / write units per second at the peak, all tables.
    pub dynamodb_read_units: Option<f64>,
    pub dynamodb_write_units: Option<f64>,
    /// The most origin traffic the chain carries.
    pub max_origin_rps: Option<f64>,
    /// The most edge traffic the chain carries (`None`: no modeled ceiling).
    pub max_sustainable_rps: Option<f64>,
    pub bottleneck: String,
    /// max_sustainable_rps ÷ peak_rps: below 1 the target cannot be carried.
    pub headroom: Option<f64>,
    pub links: Vec<LinkLimit>,
}

/// Effective read-unit ceiling of one table: (max units/s, basis).
pub(crate) fn table_read_ceiling(t: &TableCapacity, l: &Limits) -> Option<(f64, String)> {
    ceiling(t, l, true)
}

pub(crate) fn table_write_ceiling(t: &TableCapacity, l: &Limits) -> Option<(f64, String)> {
    ceiling(t, l, false)
}

fn ceiling(t: &TableCapacity, l: &Limits, read: bool) -> Option<(f64, String)> {
    let (quota_od, quota_prov, what) = if read {
        (l.ddb_table_rru, l.ddb_table_rcu, "read")
    } else {
        (l.ddb_table_wru, l.ddb_table_wcu, "write")
    };
    let scaling = if read {
        t.read_autoscaling.as_ref()
    } else {
        t.write_autoscaling.as_ref()
    };
    let fixed = if read {
        t.read_capacity
    } else {
        t.write_capacity
    };
    match t.billing_mode? {
        BillingMode::PayPerRequest => Some((
            quota_od,
            format!(
                "on-demand per-table limit {} {what} request units/s",
                num(quota_od)
            ),
        )),
        BillingMode::Provisioned => {
            if let Some(s) = scaling {
                let max = s.max_capacity? as f64;
                let target = s.target() / 100.0;
                let eff = max.min(quota_prov) * target;
                Some((
                    eff,
                    format!(
                        "auto scaling max {} {what} units (per-table quota {}) at {}% target = {} units/s",
                        num(max),
                        num(quota_prov),
                        num(target * 100.0),
                        num(eff)
                    ),
                ))
            } else {
                let c = fixed? as f64;
                Some((c, format!("provisioned {} {what} units", num(c))))
            }
        }
    }
}

pub fn compute(p: &Profile, l: &Limits, t: &TrafficModel) -> Capacity {
    let origin = t.origin_rps();
    let lat = t.latency_s();
    let required = origin.map(|o| o * lat);
    let required_no_cache = t.peak_rps.map(|p| p * lat);

    let account = l.lambda_concurrency().value;
    let pool = (account - l.reserved_elsewhere() as f64).max(0.0);
    let reserved: Vec<i64> = p
        .lambdas
        .iter()
        .filter_map(|f| f.reserved_concurrency)
        .collect();
    let reserved_sum = if reserved.is_empty() {
        None
    } else {
        Some(reserved.iter().map(|r| (*r).max(0)).sum::<i64>())
    };
    let all_reserved = !p.lambdas.is_empty() && reserved.len() == p.lambdas.len();
    let available = match reserved_sum {
        Some(r) if all_reserved => (r as f64).min(pool),
        _ => pool,
    };
    let provisioned: i64 = p
        .lambdas
        .iter()
        .filter_map(|f| f.provisioned_concurrency)
        .map(|v| v.max(0))
        .sum();

    let mut links = Vec::new();
    let mut apigw_effective = None;
    if let Some(stage) = &p.api_gateway {
        let acct = l.apigw_rate();
        let (eff, basis) = match stage.rate_limit {
            Some(r) if r >= 0.0 && r < acct.value => {
                (r, format!("stage rate limit {} rps", num(r)))
            }
            _ => (
                acct.value,
                format!("account throttle {} rps ({})", num(acct.value), acct.source),
            ),
        };
        apigw_effective = Some(eff);
        links.push(LinkLimit {
            link: "API Gateway".into(),
            max_origin_rps: eff,
            basis,
        });
    }
    if lat > 0.0 {
        let basis = if all_reserved && reserved_sum.map(|r| r as f64 <= pool).unwrap_or(false) {
            format!("reserved concurrency {} ÷ {} s", num(available), num_s(lat))
        } else {
            format!(
                "account concurrency available {} ÷ {} s",
                num(available),
                num_s(lat)
            )
        };
        links.push(LinkLimit {
            link: "Lambda".into(),
            max_origin_rps: available / lat,
            basis,
        });
    }
    let n_tables = p.dynamodb.len().max(1) as f64;
    let ru = t.read_units_per_request() / n_tables;
    let wu = t.write_units_per_request() / n_tables;
    for table in &p.dynamodb {
        for (units, ceil) in [
            (ru, table_read_ceiling(table, l)),
            (wu, table_write_ceiling(table, l)),
        ] {
            if units <= 0.0 {
                continue;
            }
            if let Some((max_units, basis)) = ceil {
                links.push(LinkLimit {
                    link: format!("DynamoDB {}", table.table_name),
                    max_origin_rps: max_units / units,
                    basis: format!("{basis} ÷ {} units per request", num(units)),
                });
            }
        }
    }

    let narrowest = links
        .iter()
        .min_by(|a, b| a.max_origin_rps.total_cmp(&b.max_origin_rps))
        .cloned();
    let max_origin = narrowest.as_ref().map(|n| n.max_origin_rps);
    let miss = 1.0 - t.cache_hit_ratio;
    let max_edge = match max_origin {
        Some(m) if miss > 0.0 => Some(m / miss),
        _ => None,
    };
    let bottleneck = match &narrowest {
        Some(n) => format!("{}: {}", n.link, n.basis),
        None => "no modeled ceiling".into(),
    };
    let headroom = match (max_edge, t.peak_rps) {
        (Some(m), Some(p)) if p > 0.0 => Some(m / p),
        _ => None,
    };
    let ramp = required.map(|c| {
        let gap = (c - provisioned as f64).max(0.0);
        let per_step = l.lambda_scaling_envs * p.lambdas.len().max(1) as f64;
        (gap / per_step).ceil() * l.lambda_scaling_period_s
    });
    let r = |v: Option<f64>| v.map(round6);
    Capacity {
        peak_rps: t.peak_rps,
        cache_hit_ratio: t.cache_hit_ratio,
        origin_rps: r(origin),
        latency_ms: t.latency_ms,
        required_concurrency: r(required),
        required_concurrency_no_cache: r(required_no_cache),
        reserved_concurrency: reserved_sum,
        provisioned_concurrency: provisioned,
        available_concurrency: round6(available),
        apigw_effective_rps: r(apigw_effective),
        ramp_seconds: ramp,
        dynamodb_read_units: if p.dynamodb.is_empty() {
            None
        } else {
            r(origin.map(|o| o * t.read_units_per_request()))
        },
        dynamodb_write_units: if p.dynamodb.is_empty() {
            None
        } else {
            r(origin.map(|o| o * t.write_units_per_request()))
        },
        max_origin_rps: r(max_origin),
        max_sustainable_rps: r(max_edge),
        bottleneck,
        headroom: r(headroom),
        links: links
            .into_iter()
            .map(|l| LinkLimit {
                max_origin_rps: round6(l.max_origin_rps),
                ..l
            })
            .collect(),
    }
}

/// Rounds away float noise (`1099.9999999999998` → `1100`) in published figures.
pub fn round6(v: f64) -> f64 {
    if v.is_finite() {
        (v * 1e6).round() / 1e6
    } else {
        v
    }
}

/// Seconds with up to three decimals (`0.055`).
pub(crate) fn num_s(s: f64) -> String {
    let t = format!("{s:.3}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}
