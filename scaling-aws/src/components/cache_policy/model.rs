//! The pure side: the policy AWS will hold for a profile block, the
//! request that writes it, and what a read-back still shows differing.

use crate::capture_key::CaptureKey;
use crate::error::{ComponentError, NotReached};
use crate::state::CachePolicyObserved;
use aws_sdk_cloudfront::types::{
    CachePolicyConfig, CachePolicyCookieBehavior, CachePolicyCookiesConfig,
    CachePolicyHeaderBehavior, CachePolicyHeadersConfig, CachePolicyQueryStringBehavior,
    CachePolicyQueryStringsConfig, CookieNames, Headers, ParametersInCacheKeyAndForwardedToOrigin,
    QueryStringNames,
};
use scaling::model::{self, names};
use scaling::{CachePolicy, Location};

pub(super) const SERVICE: &str = "cloudfront";

/// CloudFront's defaults for a field left out of a cache policy.
pub const DEFAULT_DEFAULT_TTL: i64 = 86_400;

pub const DEFAULT_MAX_TTL: i64 = 31_536_000;

pub(super) fn loc() -> Location {
    Location::attr(model::CACHE_POLICY.location)
}

pub fn key(id: &str) -> String {
    CaptureKey::CachePolicy { id: id.to_string() }.to_string()
}

pub(super) fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v.dedup();
    v
}

/// The policy as AWS will hold it once `desired` is applied: CloudFront's
/// TTL defaulting (DefaultTTL 86,400 or MinTTL if larger; MaxTTL 31,536,000
/// or DefaultTTL if larger) and sorted name lists. Pure.
pub fn expected(desired: &CachePolicy) -> CachePolicyObserved {
    let min = desired.min_ttl.unwrap_or(0);
    let default = desired.default_ttl.unwrap_or(DEFAULT_DEFAULT_TTL.max(min));
    let max = desired.max_ttl.unwrap_or(DEFAULT_MAX_TTL.max(default));
    CachePolicyObserved {
        id: String::new(),
        etag: None,
        name: desired.name.clone(),
        comment: desired.comment.clone().filter(|c| !c.is_empty()),
        min_ttl: min,
        default_ttl: Some(default),
        max_ttl: Some(max),
        enable_gzip: desired.enable_gzip,
        enable_brotli: desired.enable_brotli,
        header_behavior: desired.header_behavior.clone(),
        headers: sorted(&desired.headers),
        cookie_behavior: desired.cookie_behavior.clone(),
        cookies: sorted(&desired.cookies),
        query_string_behavior: desired.query_string_behavior.clone(),
        query_strings: sorted(&desired.query_strings),
    }
}

/// Whether AWS already holds `desired` (ids and ETags aside).
pub fn in_sync(desired: &CachePolicy, observed: &CachePolicyObserved) -> bool {
    let want = expected(desired);
    let mut got = observed.clone();
    got.id.clear();
    got.etag = None;
    got.headers = sorted(&got.headers);
    got.cookies = sorted(&got.cookies);
    got.query_strings = sorted(&got.query_strings);
    got == want
}

/// The fields the read after a write still shows differing from `desired`,
/// as (attribute, what the read shows): empty when the write took effect.
pub fn not_reached(
    desired: &CachePolicy,
    after: &CachePolicyObserved,
) -> Vec<(&'static str, String)> {
    let want = expected(desired);
    let mut left = NotReached::default();
    left.differs(
        names::NAME,
        format!("{:?}", after.name),
        format!("{:?}", want.name),
    );
    left.differs(
        names::CACHE_COMMENT,
        format!("{:?}", after.comment),
        format!("{:?}", want.comment),
    );
    left.differs(
        names::CACHE_MIN_TTL,
        after.min_ttl.to_string(),
        want.min_ttl.to_string(),
    );
    left.differs(
        names::CACHE_DEFAULT_TTL,
        format!("{:?}", after.default_ttl),
        format!("{:?}", want.default_ttl),
    );
    left.differs(
        names::CACHE_MAX_TTL,
        format!("{:?}", after.max_ttl),
        format!("{:?}", want.max_ttl),
    );
    left.differs(
        names::CACHE_GZIP,
        after.enable_gzip.to_string(),
        want.enable_gzip.to_string(),
    );
    left.differs(
        names::CACHE_BROTLI,
        after.enable_brotli.to_string(),
        want.enable_brotli.to_string(),
    );
    for (attr, behavior, got, expected) in [
        (
            names::CACHE_HEADER_BEHAVIOR,
            names::CACHE_HEADERS,
            (&after.header_behavior, &after.headers),
            (&want.header_behavior, &want.headers),
        ),
        (
            names::CACHE_COOKIE_BEHAVIOR,
            names::CACHE_COOKIES,
            (&after.cookie_behavior, &after.cookies),
            (&want.cookie_behavior, &want.cookies),
        ),
        (
            names::CACHE_QUERY_STRING_BEHAVIOR,
            names::CACHE_QUERY_STRINGS,
            (&after.query_string_behavior, &after.query_strings),
            (&want.query_string_behavior, &want.query_strings),
        ),
    ] {
        left.differs(attr, got.0.clone(), expected.0.clone());
        left.differs(
            behavior,
            format!("{:?}", sorted(got.1)),
            format!("{:?}", expected.1),
        );
    }
    left.into_vec()
}

pub(super) fn build_err(e: impl std::fmt::Display) -> String {
    format!("invalid cache policy: {e}")
}

/// The full CachePolicyConfig for `desired` (UpdateCachePolicy replaces
/// every field, so it is always sent whole).
pub fn config(desired: &CachePolicy) -> Result<CachePolicyConfig, String> {
    let e = expected(desired);
    let headers = CachePolicyHeadersConfig::builder()
        .header_behavior(CachePolicyHeaderBehavior::from(e.header_behavior.as_str()))
        .set_headers(if e.headers.is_empty() {
            None
        } else {
            Some(
                Headers::builder()
                    .quantity(e.headers.len() as i32)
                    .set_items(Some(e.headers.clone()))
                    .build()
                    .map_err(build_err)?,
            )
        })
        .build()
        .map_err(build_err)?;
    let cookies = CachePolicyCookiesConfig::builder()
        .cookie_behavior(CachePolicyCookieBehavior::from(e.cookie_behavior.as_str()))
        .set_cookies(if e.cookies.is_empty() {
            None
        } else {
            Some(
                CookieNames::builder()
                    .quantity(e.cookies.len() as i32)
                    .set_items(Some(e.cookies.clone()))
                    .build()
                    .map_err(build_err)?,
            )
        })
        .build()
        .map_err(build_err)?;
    let qs = CachePolicyQueryStringsConfig::builder()
        .query_string_behavior(CachePolicyQueryStringBehavior::from(
            e.query_string_behavior.as_str(),
        ))
        .set_query_strings(if e.query_strings.is_empty() {
            None
        } else {
            Some(
                QueryStringNames::builder()
                    .quantity(e.query_strings.len() as i32)
                    .set_items(Some(e.query_strings.clone()))
                    .build()
                    .map_err(build_err)?,
            )
        })
        .build()
        .map_err(build_err)?;
    let params = ParametersInCacheKeyAndForwardedToOrigin::builder()
        .enable_accept_encoding_gzip(e.enable_gzip)
        .enable_accept_encoding_brotli(e.enable_brotli)
        .headers_config(headers)
        .cookies_config(cookies)
        .query_strings_config(qs)
        .build()
        .map_err(build_err)?;
    CachePolicyConfig::builder()
        .name(&e.name)
        .set_comment(e.comment.clone())
        .min_ttl(e.min_ttl)
        .set_default_ttl(e.default_ttl)
        .set_max_ttl(e.max_ttl)
        .parameters_in_cache_key_and_forwarded_to_origin(params)
        .build()
        .map_err(build_err)
}

pub(super) fn observed_from(
    id: &str,
    etag: Option<&str>,
    c: &CachePolicyConfig,
) -> CachePolicyObserved {
    let p = c.parameters_in_cache_key_and_forwarded_to_origin();
    CachePolicyObserved {
        id: id.to_string(),
        etag: etag.map(str::to_string),
        name: c.name().to_string(),
        comment: c.comment().map(str::to_string).filter(|c| !c.is_empty()),
        min_ttl: c.min_ttl(),
        default_ttl: c.default_ttl(),
        max_ttl: c.max_ttl(),
        enable_gzip: p.is_some_and(|p| p.enable_accept_encoding_gzip()),
        enable_brotli: p
            .and_then(|p| p.enable_accept_encoding_brotli())
            .unwrap_or(false),
        header_behavior: p
            .and_then(|p| p.headers_config())
            .map(|h| h.header_behavior().as_str().to_string())
            .unwrap_or_else(|| "none".into()),
        headers: p
            .and_then(|p| p.headers_config())
            .and_then(|h| h.headers())
            .map(|h| h.items().to_vec())
            .unwrap_or_default(),
        cookie_behavior: p
            .and_then(|p| p.cookies_config())
            .map(|h| h.cookie_behavior().as_str().to_string())
            .unwrap_or_else(|| "none".into()),
        cookies: p
            .and_then(|p| p.cookies_config())
            .and_then(|h| h.cookies())
            .map(|h| h.items().to_vec())
            .unwrap_or_default(),
        query_string_behavior: p
            .and_then(|p| p.query_strings_config())
            .map(|h| h.query_string_behavior().as_str().to_string())
            .unwrap_or_else(|| "none".into()),
        query_strings: p
            .and_then(|p| p.query_strings_config())
            .and_then(|h| h.query_strings())
            .map(|h| h.items().to_vec())
            .unwrap_or_default(),
    }
}

/// Private-state key of a create in flight for the policy named `name`.
pub(crate) fn pending_key(name: &str) -> String {
    CaptureKey::CachePolicyPending {
        name: name.to_string(),
    }
    .to_string()
}

/// The error of a policy that distributions `ids` still use, naming them.
pub fn in_use_error(id: &str, ids: &[String]) -> ComponentError {
    ComponentError::message(
        loc(),
        "cache policy still in use",
        format!("cache policy {id} is used by distribution(s) {}; point their cache behaviours at another policy first, then destroy again", ids.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_reached_names_each_field_the_read_back_differs_on() {
        let want = runbook();
        let mut after = expected(&want);
        after.id = "658327ea".into();
        after.etag = Some("E1".into());
        // Lists come back in any order: not a difference.
        after.headers = vec!["Authorization".into(), "Authorization".into()];
        assert!(not_reached(&want, &after).is_empty());
        after.max_ttl = Some(31_536_000);
        after.enable_brotli = false;
        after.query_string_behavior = "none".into();
        let left = not_reached(&want, &after);
        assert_eq!(
            left,
            vec![
                (
                    names::CACHE_MAX_TTL,
                    "max_ttl Some(31536000) (expected Some(300))".to_string()
                ),
                (
                    names::CACHE_BROTLI,
                    "enable_accept_encoding_brotli false (expected true)".to_string()
                ),
                (
                    "query_string_behavior",
                    "query_string_behavior none (expected all)".to_string()
                ),
            ]
        );
        let errors = ComponentError::not_applied(&loc(), "cache policy", &after.id, left);
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].location, loc().then("max_ttl"));
        assert_eq!(errors[0].summary, "the cache policy change was not applied");
        let text = errors[0].error.to_string();
        assert!(
            text.contains("cache policy \"658327ea\" were acknowledged")
                && text.contains("max_ttl Some(31536000) (expected Some(300))"),
            "{text}"
        );
    }

    #[test]
    fn in_use_error_names_every_distribution() {
        let e = in_use_error(
            "658327ea",
            &["E1ABCDEF".to_string(), "E2GHIJKL".to_string()],
        );
        let text = e.error.to_string();
        assert!(text.contains("658327ea"), "{text}");
        assert!(text.contains("E1ABCDEF, E2GHIJKL"), "{text}");
        assert_eq!(e.summary, "cache policy still in use");
        assert_eq!(e.location, loc());
    }

    fn runbook() -> CachePolicy {
        CachePolicy {
            name: "SmuppyAPICache".into(),
            comment: None,
            min_ttl: Some(1),
            default_ttl: Some(60),
            max_ttl: Some(300),
            enable_gzip: true,
            enable_brotli: true,
            header_behavior: "whitelist".into(),
            headers: vec!["Authorization".into()],
            cookie_behavior: "none".into(),
            cookies: vec![],
            query_string_behavior: "all".into(),
            query_strings: vec![],
        }
    }

    #[test]
    fn ttl_defaults_follow_cloudfront() {
        let mut p = runbook();
        p.default_ttl = None;
        p.max_ttl = None;
        let e = expected(&p);
        assert_eq!(
            (e.min_ttl, e.default_ttl, e.max_ttl),
            (1, Some(86_400), Some(31_536_000))
        );
        p.min_ttl = Some(100_000);
        let e = expected(&p);
        assert_eq!(
            (e.default_ttl, e.max_ttl),
            (Some(100_000), Some(31_536_000))
        );
    }

    #[test]
    fn config_has_consistent_quantities() {
        let c = config(&runbook()).unwrap();
        let p = c.parameters_in_cache_key_and_forwarded_to_origin().unwrap();
        let h = p.headers_config().unwrap().headers().unwrap();
        assert_eq!(h.quantity() as usize, h.items().len());
        assert_eq!(h.items(), ["Authorization".to_string()]);
        assert!(p.cookies_config().unwrap().cookies().is_none());
        assert_eq!(c.min_ttl(), 1);
        let back = observed_from("id1", Some("E1"), &c);
        assert!(in_sync(&runbook(), &back));
        let mut changed = runbook();
        changed.max_ttl = Some(600);
        assert!(!in_sync(&changed, &back));
    }
}
