//! Resource `Value` → `scaling::Profile`. Unset and not-yet-known values both
//! become `None`: the rule engine skips them and components leave those
//! settings alone.

use scaling::{
    Accelerator, AutoScaling, BillingMode, Budget, CachePolicy, Dashboard, LambdaPool, Location,
    LocationStep, Profile, QuotaRequest, StageThrottle, TableCapacity, Traffic,
};
use tfplugin::{AttributePath, PathStep, Value};

use crate::fields::Obj;

/// Builds the profile a resource value (config, planned or state) describes.
pub fn profile_from_value(v: &Value, region: Option<&str>) -> Profile {
    let root_path = AttributePath::root();
    let root = Obj::new(v, &root_path);
    Profile {
        name: root.str("name").unwrap_or_default().to_string(),
        region: region.map(str::to_string),
        traffic: root
            .single("traffic")
            .map(|(p, v)| traffic(Obj::new(v, &p)))
            .unwrap_or_default(),
        quota_requests: root
            .blocks("quota_request")
            .iter()
            .map(|(p, v)| {
                let q = Obj::new(v, p);
                QuotaRequest {
                    service_code: q.str("service_code").unwrap_or_default().to_string(),
                    quota_code: q.str("quota_code").unwrap_or_default().to_string(),
                    desired_value: q.f64("desired_value"),
                }
            })
            .collect(),
        api_gateway: root.single("api_gateway").map(|(p, v)| {
            let a = Obj::new(v, &p);
            StageThrottle {
                rest_api_id: a.str("rest_api_id").map(str::to_string),
                stage_name: a.str("stage_name").map(str::to_string),
                rate_limit: a.f64("rate_limit"),
                burst_limit: a.i64("burst_limit"),
                integration_timeout_ms: a.i64("integration_timeout_ms"),
            }
        }),
        lambdas: root
            .blocks("lambda")
            .iter()
            .map(|(p, v)| {
                let l = Obj::new(v, p);
                LambdaPool {
                    function_name: l.str("function_name").unwrap_or_default().to_string(),
                    reserved_concurrency: l.i64("reserved_concurrency"),
                    provisioned_concurrency: l.i64("provisioned_concurrency"),
                    qualifier: l.str("qualifier").map(str::to_string),
                    memory_size: l.i64("memory_size"),
                    timeout: l.i64("timeout"),
                    publish_on_change: l.bool("publish_on_change").unwrap_or(false),
                }
            })
            .collect(),
        dynamodb: root
            .blocks("dynamodb")
            .iter()
            .map(|(p, v)| {
                let d = Obj::new(v, p);
                let auto = d.single("autoscaling");
                let dim = |name: &str| {
                    let (ap, av) = auto.as_ref()?;
                    let a = Obj::new(av, ap);
                    let (sp, sv) = a.single(name)?;
                    let s = Obj::new(sv, &sp);
                    Some(AutoScaling {
                        min_capacity: s.i64("min_capacity"),
                        max_capacity: s.i64("max_capacity"),
                        target_utilization: s.f64("target_utilization"),
                        scale_in_cooldown: s.i64("scale_in_cooldown"),
                        scale_out_cooldown: s.i64("scale_out_cooldown"),
                    })
                };
                TableCapacity {
                    table_name: d.str("table_name").unwrap_or_default().to_string(),
                    billing_mode: d.str("billing_mode").and_then(BillingMode::parse),
                    read_capacity: d.i64("read_capacity"),
                    write_capacity: d.i64("write_capacity"),
                    read_autoscaling: dim("read"),
                    write_autoscaling: dim("write"),
                }
            })
            .collect(),
        cache_policy: root.single("cache_policy").map(|(p, v)| {
            let c = Obj::new(v, &p);
            CachePolicy {
                name: c.str("name").unwrap_or_default().to_string(),
                comment: c.str("comment").map(str::to_string),
                min_ttl: c.i64("min_ttl"),
                default_ttl: c.i64("default_ttl"),
                max_ttl: c.i64("max_ttl"),
                enable_gzip: c.bool("enable_accept_encoding_gzip").unwrap_or(false),
                enable_brotli: c.bool("enable_accept_encoding_brotli").unwrap_or(false),
                header_behavior: c.str("header_behavior").unwrap_or("none").to_string(),
                headers: c.strings("headers"),
                cookie_behavior: c.str("cookie_behavior").unwrap_or("none").to_string(),
                cookies: c.strings("cookies"),
                query_string_behavior: c.str("query_string_behavior").unwrap_or("none").to_string(),
                query_strings: c.strings("query_strings"),
            }
        }),
        dashboard: root.single("dashboard").and_then(|(p, v)| {
            let d = Obj::new(v, &p);
            Some(Dashboard {
                name: d.str("name")?.to_string(),
            })
        }),
        global_accelerator: root.single("global_accelerator").map(|(p, v)| {
            let g = Obj::new(v, &p);
            let ports: Vec<i64> = g.numbers("ports").iter().map(|p| *p as i64).collect();
            Accelerator {
                name: g.str("name").unwrap_or_default().to_string(),
                enabled: g.bool("enabled").unwrap_or(true),
                ip_address_type: g.str("ip_address_type").unwrap_or("IPV4").to_string(),
                ports: if ports.is_empty() { vec![443] } else { ports },
                protocol: g.str("protocol").unwrap_or("TCP").to_string(),
                endpoint_group_region: g
                    .str("endpoint_group_region")
                    .map(str::to_string)
                    .or_else(|| region.map(str::to_string)),
                endpoint_id: g.str("endpoint_id").map(str::to_string),
            }
        }),
        budget: root.single("budget").and_then(|(p, v)| {
            let b = Obj::new(v, &p);
            Some(Budget {
                monthly_usd: b.f64("monthly_usd")?,
                enforce: b.bool("enforce").unwrap_or(false),
            })
        }),
    }
}

fn traffic(t: Obj<'_>) -> Traffic {
    Traffic {
        peak_rps: t.f64("peak_rps"),
        latency_ms: t.f64("latency_ms"),
        cache_hit_ratio: t.f64("cache_hit_ratio"),
        reads_per_request: t.f64("reads_per_request"),
        writes_per_request: t.f64("writes_per_request"),
        average_to_peak_ratio: t.f64("average_to_peak_ratio"),
        monthly_requests: t.f64("monthly_requests"),
        response_bytes: t.f64("response_bytes"),
        item_size_kb: t.f64("item_size_kb"),
        strongly_consistent_reads: t.bool("strongly_consistent_reads"),
        architecture: t.str("architecture").map(str::to_string),
    }
}

/// A rule engine or component location as a Terraform attribute path.
/// Every block of the resource is a list, so a location that names a block
/// without an index (`api_gateway.rate_limit`) gets index 0 inserted, as
/// Terraform addresses it (`api_gateway[0].rate_limit`).
pub fn location_to_path(loc: &Location, schema: &tfplugin::Block) -> AttributePath {
    let mut out = Vec::new();
    let mut block = Some(schema);
    let mut steps = loc.0.iter().peekable();
    while let Some(step) = steps.next() {
        match step {
            LocationStep::Attr(a) => {
                out.push(PathStep::Attr(a.clone()));
                let nested = block.and_then(|b| b.nested(a));
                block = nested.map(|n| &n.block);
                if nested.is_some() && !matches!(steps.peek(), Some(LocationStep::Index(_))) {
                    out.push(PathStep::Index(0));
                }
            }
            LocationStep::Index(i) => out.push(PathStep::Index(*i as i64)),
        }
    }
    AttributePath(out)
}
