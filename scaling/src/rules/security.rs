//! Security rules (SEC): what the cache policy keys on, caches and forwards.

use super::catalogue as rule;
use super::context::{cache, Ctx};
use crate::finding::{num, Finding};

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
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
        rule::SEC001.emit(
            out,
            cache("headers"),
            format!(
                "{}: Authorization is whitelisted, so it is part of the cache key and every token gets its own entries; per-user responses only hit when the same user repeats a request within the TTL ({} s default){numbers}",
                cp.name,
                cp.default_ttl.map(|v| v.to_string()).unwrap_or_else(|| "86400".into())
            ),
        );
    }
    if cp.header_behavior == "none" && !cp.headers.is_empty() {
        rule::SEC003.emit(
            out,
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
            rule::SEC002.emit(
                out,
                cache("min_ttl"),
                format!(
                    "{}: min_ttl {} s caches every response for at least {} s, even those marked Cache-Control: no-store, no-cache or private",
                    cp.name, min, min
                ),
            );
        }
    }
}
